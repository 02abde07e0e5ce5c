"""OAuth2 client credentials for the local server: registered clients, the tokens issued to them, and the limit
on failed token requests.

Client secrets are kept only as salted SHA-256 digests and compared in constant time. Tokens are 256-bit random
strings, also kept only as digests, and live in this process (with ``timeback serve --workers``, also in the
database the workers share): a token from another server instance is unknown.
"""

from __future__ import annotations

import errno
import hashlib
import heapq
import hmac
import logging
import math
import mmap
import os
import secrets
import tempfile
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from timeback._operations import Operation
from timeback.server.storage.base import Storage

log = logging.getLogger("timeback.server")

try:
    import fcntl
except ImportError:  # (Windows)
    fcntl = None  # type: ignore[assignment]

V1P2 = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
V1P1 = "https://purl.imsglobal.org/spec/or/v1p1/scope/"
ALL_SCOPES = (
    "gradebook.readonly gradebook-core.readonly gradebook.createput gradebook.createpost gradebook.delete "
    "assessment.readonly assessment.createput assessment.delete roster.readonly roster-core.readonly "
    "roster-demographics.readonly roster.createput roster.delete roster-demographics.createput "
    "roster-demographics.delete admin"
)
# Timeback's own scopes, v1p1 URIs in its OpenAPI: answered as v1p1 (v1p2 is accepted on input, as for every scope)
TIMEBACK_SCOPES = frozenset(
    {"admin", "roster.createput", "roster.delete", "roster-demographics.createput", "roster-demographics.delete"}
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
    return (V1P1 if short in TIMEBACK_SCOPES else V1P2) + short


def required_scopes(op: Operation[Any, Any]) -> frozenset[str]:
    """Any one of these lets a token call ``op``. Timeback's ``admin`` scope allows everything."""
    read = op.kind in ("get", "list")
    if "/rostering/" in op.base_path:
        verb = "readonly" if read else "delete" if op.kind == "delete" else "createput"
        if op.collection == "demographics":  # (the spec's only scopes for them: not roster.*'s)
            needed = {f"roster-demographics.{verb}"}
        else:
            needed = {f"roster.{verb}"}
            if read and not op.parents:  # (the spec's core reads: whole collections and records by id, none nested)
                needed.add("roster-core.readonly")
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


def shared_token_key(client_id: str, client_secret: str, scopes: str | None = None) -> bytes:
    """The key of a server's token digests in a shared database (``TokenStore``): the same for every worker of one
    ``serve --workers``, another for a server on that file with another client, secret or scopes."""
    held = sorted({short_scope(s) for s in (scopes or ALL_SCOPES).split()})
    return _digest("\0".join([client_id, client_secret, *held]))


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
R = TypeVar("R")


class TokenStore:
    """Issued tokens, as digests. With ``shared`` (``timeback serve --workers N``), each token is also written
    there, with a wall-clock expiry, and a token this process does not know is looked up there: one worker issues,
    any worker accepts. Tokens looked up and not found are remembered (a bounded set), so a client repeating a bad
    token costs one database read, not one per request. Digests are keyed by ``key`` (``shared_token_key``): a
    server on the same file configured with another secret or other scopes for the client finds none of this
    one's tokens (looked up by client id alone, a read-only server accepted a token issued with every scope).
    At most ``max_tokens`` are held (here, and in ``shared``): here the one used least recently is dropped first, in
    ``shared`` the oldest issued (a worker finds a token it has not seen yet among the newest). Tokens that never
    expire (``--token-ttl 1000000000``) grew the process without end under a client fetching one per call."""

    def __init__(
        self,
        ttl_seconds: int,
        clock: Clock = time.monotonic,
        shared: Storage | None = None,
        clients: Container[str] = (),
        key: bytes = b"",
        max_tokens: int = 100_000,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_tokens = max_tokens
        self._key = key
        self.clock = clock
        self._shared = shared
        self._clients = clients  # a shared token counts only for a client registered here
        self._grants: OrderedDict[bytes, Grant] = OrderedDict()  # in the order remembered: the oldest first
        self._expiring: list[tuple[float, bytes]] = []  # (expiry, digest) of each grant kept, a heap: soonest first
        self._unknown: set[bytes] = set()
        self._lock = threading.Lock()

    def issue(self, client_id: str, scopes: frozenset[str]) -> str:
        token = secrets.token_urlsafe(32)
        digest = self._digest(token)
        if self._shared is not None:  # written before the token is handed out: any worker can accept it at once
            expires_at = time.time() + self.ttl_seconds
            self._shared.save_token(digest, client_id, " ".join(sorted(scopes)), expires_at, self.max_tokens)
        self._remember(digest, Grant(client_id, scopes, self.clock() + self.ttl_seconds))
        return token

    def check(self, token: str) -> Grant | None:
        digest = self._digest(token)
        grant = self._grants.get(digest)
        if grant is None and self._shared is not None and digest not in self._unknown:
            grant = self._from_shared(digest)
        if grant is None or grant.expires_at <= self.clock():
            return None
        # (used: the last the cap drops, ``max_tokens``. Under the lock: ``_remember`` walks the tokens held, and a
        # move meanwhile made it raise "OrderedDict mutated during iteration", even walking a copy being made)
        with self._lock:
            if digest in self._grants:  # (else dropped meanwhile by another thread's ``_remember``)
                self._grants.move_to_end(digest)
        return grant

    def needs_lookup(self, token: str) -> bool:
        """Whether ``check`` would read the shared store (a blocking read: the lane does it in a thread)."""
        if self._shared is None:
            return False
        digest = self._digest(token)
        return digest not in self._grants and digest not in self._unknown

    def _digest(self, token: str) -> bytes:
        return hmac.digest(self._key, token.encode(), "sha256")

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
            # Forget expired tokens as new ones come in, so the table stays small: those at the heap's front only (a
            # scan of every token held cost each new one milliseconds once a client had fetched tens of thousands).
            expiring = self._expiring
            while expiring and expiring[0][0] <= now:
                _, key = heapq.heappop(expiring)
                held = self._grants.get(key)
                if held is not None and held.expires_at <= now:
                    del self._grants[key]
            self._grants[digest] = grant
            heapq.heappush(expiring, (grant.expires_at, digest))
            if len(self._grants) > self.max_tokens:
                self._grants.popitem(last=False)
                if len(expiring) > 2 * self.max_tokens:  # (the dropped ones' entries, made anew now and then)
                    self._expiring = [(held.expires_at, key) for key, held in self._grants.items()]
                    heapq.heapify(self._expiring)


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

    ``attempt`` checks the count and the secret under one lock and counts a wrong secret there: requests arriving
    together cannot all pass the check before any of them is counted, and a right secret is never refused for
    others in flight beside it.

    With ``shared_file`` (``timeback serve --workers N``; not on Windows, which has no ``flock``) the table is
    that file, mapped into every worker, the key in its first bytes, each check made under an ``flock`` of it
    (microseconds): the limit holds for all the workers together, and ``clock`` must be the wall clock. The
    server starting makes the file anew (``new_shared_file``).
    """

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        *,
        buckets: int = 65536,
        clock: Clock = time.monotonic,
        shared_file: str | None = None,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock
        self._fd: int | None = None
        self._opened: Any
        self._counts: Any
        if shared_file is None:
            self._key = secrets.token_bytes(_KEY_BYTES)
            self._opened = array("d", bytes(8 * buckets))  # when each bucket's window opened
            self._counts = array("I", bytes(4 * buckets))
        else:
            self._fd, self._mapped = _map_shared_file(shared_file, buckets)
            self._table = table = memoryview(self._mapped)
            self._key = bytes(table[:_KEY_BYTES])
            self._opened = table[_KEY_BYTES : _KEY_BYTES + 8 * buckets].cast("d")
            self._counts = table[_KEY_BYTES + 8 * buckets :].cast("I")
        self._lock = threading.Lock()

    @staticmethod
    def new_shared_file(path: str, buckets: int = 65536, *, replace: bool = True) -> None:
        """(Re)make the table file of ``shared_file``: a new key, every count zero; for the server starting, as a
        restarted single process counts from zero. Workers started before it keep the file they mapped. With
        ``replace`` False, a file some other process made first is kept (workers making it at once map one)."""
        directory, name = os.path.split(os.path.abspath(path))
        fd, made = tempfile.mkstemp(dir=directory, prefix=f".{name}.")  # (mode 600: the key is the server's)
        try:
            with os.fdopen(fd, "wb") as file:
                try:
                    _allocate(file, secrets.token_bytes(_KEY_BYTES), _KEY_BYTES + 12 * buckets)
                except OSError as exc:  # (named by the file meant: the temporary one's name told nothing)
                    raise OSError(exc.errno, exc.strerror, path) from None
            if replace:
                os.replace(made, path)
            else:
                try:
                    os.link(made, path)  # (made whole, then named: no process maps a file half written)
                except FileExistsError:
                    pass
        finally:
            if os.path.exists(made):
                os.unlink(made)

    @property
    def table_bytes(self) -> int:
        return int(memoryview(self._opened).nbytes + memoryview(self._counts).nbytes)

    def _bucket(self, client_id: str) -> int:
        digest = hashlib.blake2b(client_id.encode("utf-8", "surrogatepass"), key=self._key, digest_size=8).digest()
        return int.from_bytes(digest, "big") % len(self._counts)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._lock:
            if self._fd is None:
                yield
                return
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def attempt(
        self, client_id: str, verify: Callable[[], R | None], peer: str = "an unknown peer"
    ) -> tuple[float | None, R | None]:
        """``(seconds until the window ends, None)`` if ``client_id`` is refused (``verify`` not called, nothing
        counted), else ``(None, verify())``, counted as a failure when that is None. ``verify`` (the secret's
        check: microseconds) runs under the lock, so two requests never pass the check on one count. The failure
        that locks an id out is logged, a WARNING naming it and ``peer``: every caller of that client, the right
        secret too, is refused until the window ends, which its operator otherwise learned from no log."""
        if self.max_failures <= 0:
            return None, verify()
        index, now = self._bucket(client_id), self.clock()
        with self._exclusive():
            opened, count = self._opened[index], self._counts[index]
            in_window = bool(count) and opened <= now < opened + self.window_seconds  # (a clock set back: anew)
            if in_window and count >= self.max_failures:
                return float(opened + self.window_seconds - now), None
            verified = verify()
            if verified is None:
                if in_window:
                    self._counts[index] = count = count + 1
                else:
                    self._opened[index], self._counts[index], opened, count = now, 1, now, 1
        if verified is None and count == self.max_failures:  # (logged out of the lock: a slow stderr holds no one)
            log.warning(
                "client id %r locked out of the token endpoint for %d s (429 to every request for it, the right "
                "secret too): %d failed token request%s within %g s, the last from %r "
                "(--token-max-failures, --token-failure-window)",
                client_id[:100], max(1, math.ceil(opened + self.window_seconds - now)), count,
                "" if count == 1 else "s", self.window_seconds, peer[:100],
            )  # fmt: skip
        return None, verified

    def clear(self) -> None:
        """Forget every failure, as a server starting does (``LocalServer.reset()``: one test's wrong secrets do
        not lock the next test's client out); with ``shared_file``, for every worker."""
        with self._exclusive():
            self._counts[:] = array("I", bytes(4 * len(self._counts)))  # (a count of 0 is no window open)

    def close(self) -> None:
        """Unmap the shared file (``timeback serve --workers``); nothing to do for a table in memory."""
        if self._fd is not None:
            for view in (self._opened, self._counts):
                view.release()
            self._table.release()
            self._mapped.close()
            os.close(self._fd)
            self._fd = None


_KEY_BYTES = 16


def _allocate(file: Any, key: bytes, size: int) -> None:
    """``key``, then zeros to ``size``, in ``file``: every block allocated on disk. Sparse (``truncate``), the first
    count landing on a page never written needed a block then, and on a full disk the worker writing it through the
    map was killed (SIGBUS); two such deaths and the server stopped. A full disk now fails the start instead."""
    allocated, fallocate = False, getattr(os, "posix_fallocate", None)  # (none on macOS and Windows)
    if fallocate is not None:
        try:
            fallocate(file.fileno(), 0, size)
            allocated = True
        except OSError as exc:  # (a file system without it: zeros written, as where there is none)
            if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
                raise
    file.write(key if allocated else key + bytes(size - len(key)))
    file.flush()


def _map_shared_file(path: str, buckets: int) -> tuple[int | None, Any]:
    """(descriptor to ``flock``, the file's bytes mapped), the file made first if no process has made it."""
    if fcntl is None:  # (Windows: each worker counts alone; README says so)
        return None, bytearray(secrets.token_bytes(_KEY_BYTES) + bytes(12 * buckets))
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        FailureLimiter.new_shared_file(path, buckets, replace=False)  # (workers started without the parent's file)
        fd = os.open(path, os.O_RDWR)
    size = _KEY_BYTES + 12 * buckets
    if os.fstat(fd).st_size != size:
        os.close(fd)
        raise RuntimeError(f"{path} is not a failed-login table of {buckets} buckets; remove it")
    return fd, mmap.mmap(fd, size)
