"""OAuth2 client credentials for the local server: registered clients, the tokens issued to them, and the limit
on failed token requests.

Client secrets are kept only as salted SHA-256 digests and compared in constant time. Tokens are 256-bit random
strings, also kept only as digests, and live in this process (with ``timeback serve --workers``, also in the
database the workers share): a token from another server instance is unknown.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from array import array
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

from timeback._operations import Operation
from timeback.server.storage.base import Storage

V1P2 = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
V1P1 = "https://purl.imsglobal.org/spec/or/v1p1/scope/"
ALL_SCOPES = (
    "gradebook.readonly gradebook-core.readonly gradebook.createput gradebook.createpost gradebook.delete "
    "assessment.readonly assessment.createput assessment.delete roster.readonly roster-core.readonly admin"
)
CORE_COLLECTIONS = frozenset({"categories", "lineItems", "results", "scoreScales"})
ASSESSMENT_COLLECTIONS = frozenset({"assessmentLineItems", "assessmentResults"})


def short_scope(scope: str) -> str:
    """``https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly`` (or v1p1) -> ``gradebook.readonly``."""
    for prefix in (V1P2, V1P1):
        if scope.startswith(prefix):
            return scope[len(prefix) :]
    return scope


def full_scope(short: str) -> str:
    return (V1P1 if short == "admin" else V1P2) + short


def required_scopes(op: Operation[Any, Any]) -> frozenset[str]:
    """Any one of these lets a token call ``op``. Timeback's ``admin`` scope allows everything."""
    read = op.kind in ("get", "list")
    if "/rostering/" in op.base_path:
        needed = {"roster.readonly", "roster-core.readonly"} if read else set()  # rostering writes: admin only
    else:
        verb = {"get": "readonly", "list": "readonly", "put": "createput", "patch": "createput",
                "create": "createpost", "batch_create": "createpost", "delete": "delete"}[op.kind]  # fmt: skip
        needed = {f"gradebook.{verb}"}
        if verb == "createpost":
            needed.add("gradebook.createput")
        if read and op.collection in CORE_COLLECTIONS and not op.parents:
            needed.add("gradebook-core.readonly")
        if op.collection in ASSESSMENT_COLLECTIONS:
            needed.add("assessment." + ("createput" if verb == "createpost" else verb))
    return frozenset({*needed, "admin"})


def _digest(value: str, salt: bytes = b"") -> bytes:
    return hashlib.sha256(salt + value.encode()).digest()


@dataclass(frozen=True)
class _Client:
    salt: bytes
    secret_digest: bytes
    scopes: frozenset[str]


@dataclass(frozen=True)
class Grant:
    client_id: str
    scopes: frozenset[str]
    expires_at: float


class ClientRegistry:
    def __init__(self) -> None:
        self._clients: dict[str, _Client] = {}

    def add(self, client_id: str, client_secret: str, scopes: str | None = None) -> None:
        salt = secrets.token_bytes(16)
        held = frozenset(short_scope(s) for s in (scopes or ALL_SCOPES).split())
        self._clients[client_id] = _Client(salt, _digest(client_secret, salt), held)

    def __contains__(self, client_id: object) -> bool:
        return client_id in self._clients

    def verify(self, client_id: str, client_secret: str) -> frozenset[str] | None:
        """The client's scopes if the credentials are right, else None (same work either way)."""
        client = self._clients.get(client_id)
        salt = client.salt if client else b"\0" * 16
        expected = client.secret_digest if client else _digest("", salt)
        ok = hmac.compare_digest(_digest(client_secret, salt), expected)
        return client.scopes if (client and ok) else None


Clock = Callable[[], float]


class TokenStore:
    """Issued tokens, as digests. With ``shared`` (``timeback serve --workers N``), each token is also written
    there, with a wall-clock expiry, and a token this process does not know is looked up there: one worker issues,
    any worker accepts. Tokens looked up and not found are remembered (a bounded set), so a client repeating a bad
    token costs one database read, not one per request."""

    def __init__(
        self,
        ttl_seconds: int,
        clock: Clock = time.monotonic,
        shared: Storage | None = None,
        clients: Container[str] = (),
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._shared = shared
        self._clients = clients  # a shared token counts only for a client registered here
        self._grants: dict[bytes, Grant] = {}
        self._unknown: set[bytes] = set()
        self._lock = threading.Lock()

    def issue(self, client_id: str, scopes: frozenset[str]) -> str:
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        if self._shared is not None:  # written before the token is handed out: any worker can accept it at once
            self._shared.save_token(digest, client_id, " ".join(sorted(scopes)), time.time() + self.ttl_seconds)
        self._remember(digest, Grant(client_id, scopes, self.clock() + self.ttl_seconds))
        return token

    def check(self, token: str) -> Grant | None:
        digest = _digest(token)
        grant = self._grants.get(digest)
        if grant is None and self._shared is not None and digest not in self._unknown:
            grant = self._from_shared(digest)
        if grant is None or grant.expires_at <= self.clock():
            return None
        return grant

    def needs_lookup(self, token: str) -> bool:
        """Whether ``check`` would read the shared store (a blocking read: the lane does it in a thread)."""
        if self._shared is None:
            return False
        digest = _digest(token)
        return digest not in self._grants and digest not in self._unknown

    def _from_shared(self, digest: bytes) -> Grant | None:
        found = self._shared.find_token(digest) if self._shared is not None else None
        left = found[2] - time.time() if found is not None else 0.0
        if found is None or left <= 0 or found[0] not in self._clients:
            with self._lock:
                if len(self._unknown) >= _UNKNOWN_KEPT:
                    self._unknown.clear()
                self._unknown.add(digest)
            return None
        grant = Grant(found[0], frozenset(found[1].split()), self.clock() + left)
        self._remember(digest, grant)
        return grant

    def _remember(self, digest: bytes, grant: Grant) -> None:
        now = self.clock()
        with self._lock:
            # Forget expired tokens as new ones come in, so the table stays small.
            for key in [k for k, g in self._grants.items() if g.expires_at <= now]:
                del self._grants[key]
            self._grants[digest] = grant


_UNKNOWN_KEPT = 4096  # bad tokens remembered per process; the set starts again when full


class FailureLimiter:
    """Failed token requests per client id: once ``max_failures`` have failed within ``window_seconds`` of the
    first of them, every request for that id is refused (429) until that window ends, right secret or not.

    The counts live in a fixed table of buckets chosen by a keyed hash of the client id, so:

    * memory is the same whatever ids callers make up (``buckets`` x 12 bytes, allocated once);
    * no count is ever evicted, so flooding other ids cannot reset a client's count;
    * known and unknown ids are counted alike, so a 429 does not tell whether an id exists;
    * a success clears nothing: another client's login, or the right client's, gives a guesser no new attempts.

    Ids that share a bucket share a count; with 65536 buckets a flood of random ids must send about
    ``max_failures`` x 65536 failures per window to lock out one chosen client. ``max_failures`` 0 turns the
    limit off.

    With ``shared`` (``timeback serve --workers N``) the buckets are rows of the database the processes share,
    with the key drawn there and wall-clock windows (``clock`` must then be wall-clock time): a guesser spreading
    attempts over the workers gets ``max_failures`` in all, not per worker. Both methods then read or write the
    database: callers on an event loop run them in a thread.
    """

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        *,
        buckets: int = 65536,
        clock: Clock = time.monotonic,
        shared: Storage | None = None,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock
        self._shared = shared
        self._buckets = buckets
        self._key = shared.failure_key() if shared is not None else secrets.token_bytes(16)
        memory = 0 if shared is not None else buckets  # (shared: the table is the database's)
        self._opened = array("d", bytes(8 * memory))  # when each bucket's window opened
        self._counts = array("I", bytes(4 * memory))
        self._lock = threading.Lock()

    @property
    def table_bytes(self) -> int:
        return len(self._opened) * self._opened.itemsize + len(self._counts) * self._counts.itemsize

    def _bucket(self, client_id: str) -> int:
        digest = hashlib.blake2b(client_id.encode("utf-8", "surrogatepass"), key=self._key, digest_size=8).digest()
        return int.from_bytes(digest, "big") % self._buckets

    def retry_after(self, client_id: str) -> float | None:
        """Seconds until ``client_id`` may try again, or None when it may try now."""
        if self.max_failures <= 0:
            return None
        index, now = self._bucket(client_id), self.clock()
        if self._shared is not None:
            found = self._shared.login_failures(index)
            if found is None or found[1] < self.max_failures:
                return None
            left = found[0] + self.window_seconds - now
            return left if left > 0 else None
        with self._lock:
            if self._counts[index] < self.max_failures:
                return None
            left = self._opened[index] + self.window_seconds - now
            if left > 0:
                return left
            self._counts[index] = 0
            return None

    def failed(self, client_id: str) -> None:
        if self.max_failures <= 0:
            return
        index, now = self._bucket(client_id), self.clock()
        if self._shared is not None:
            self._shared.count_login_failure(index, now, self.window_seconds, self.max_failures)
            return
        with self._lock:
            if self._counts[index] == 0 or now >= self._opened[index] + self.window_seconds:
                self._opened[index], self._counts[index] = now, 1
            elif self._counts[index] < self.max_failures:
                self._counts[index] += 1
