"""OAuth2 client credentials: the token cache and the token request, free of I/O.

The sync and async clients each wrap ``TokenCache`` in their own lock (a ``threading.Lock`` or an
``asyncio.Lock``) so that only one refresh runs at a time and concurrent callers use the token held while it lives
(``TokenCache.usable``), else wait for it (and share its error, if it failed: the endpoint refused the credentials, or
kept failing through the refresh's retries). A refresh that failed without a refusal, or was cut short by its call's
deadline, leaves the token held in use while it lives (see ``TokenCache.fail``); one made while that token is usable
ends within half the life it has left, or nine tenths of a short one (``TokenCache.refresh_bound``), so that a hung
token endpoint cannot hold calls up past its expiry.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from timeback._clock import monotonic
from timeback._config import ENDLESS, USER_AGENT, ClientConfig
from timeback.errors import APIResponseValidationError, AuthError, RequestError, TimebackError
from timeback.models._dicts import ends_mid_value, read_json

log = logging.getLogger("timeback")

# Refresh this long before expiry (or at half-life for short-lived tokens), so a request never leaves with a token
# that expires in flight.
REFRESH_MARGIN_SECONDS = 60.0
# A token held past its refresh point, its refresh failing, is used until this long before expiry (or a tenth of its
# life for short-lived tokens): the client counts its life from the answer, a request takes a while to be checked.
EXPIRY_MARGIN_SECONDS = 5.0
# After a refresh failed, the token held is used for up to this long (half the life it has left, at most) before a
# refresh is tried again: each try held up, through its retries, every call that waited for it.
REFRESH_PAUSE_SECONDS = 5.0
# A refresh made while a token is held (``usable``) ends within this share of the life that token has left, the call
# then going on with it (see ``refresh_bound``): one that waited out its call's timeout and retries (60 s each, by
# default) against a hung token endpoint outlasted the token, and every call after its expiry waited behind it.
REFRESH_BOUND_SHARE = 0.5
# ... or within nearly all of that life, up to this long: a share of a short life (a token's last seconds, a token of
# seconds) cut every refresh of an endpoint slower than it, each next one given half of what was left, until the
# token expired and every call waited behind an unbounded one.
REFRESH_BOUND_FLOOR_SECONDS = 10.0
REFRESH_BOUND_SHORT_SHARE = 0.9  # (the rest for the call going on with the token held, once the bound passed)
NO_HEADERS: Mapping[str, bytes] = {}
# What ``_parsed`` says of a JSON answer a transfer gone wrong may have made: retried (see ``TokenCache.store``).
CUT_SHORT = "JSON cut short (it ends mid-value)"
NO_VALUE = "a body with no JSON value (empty or blank)"


@dataclass
class _Token:
    """A bearer token. The SDK passes this object around, never the token as a plain ``str``: error reporters
    record the local variables of every frame of a traceback (Sentry's ``include_local_variables``, on by default;
    ``TracebackException(capture_locals=True)``), a string as it is and an object by its repr, which leaves the
    token out."""

    value: str = field(repr=False)
    refresh_at: float  # monotonic(): a refresh is asked for from then
    expires_at: float  # monotonic(): its expiry, less EXPIRY_MARGIN_SECONDS (used until then, refreshes failing)
    header: str = field(init=False, repr=False)  # the Authorization header's value, made once

    def __post_init__(self) -> None:
        self.header = f"Bearer {self.value}"


class TokenCache:
    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._token: _Token | None = None
        self.failures = 0  # token requests that failed; a caller notes the count before waiting for one
        self._failure: TimebackError | None = None  # the last one's error
        # What that request had to try with: (the timeout that ran out, else None; its retries). None: the endpoint's
        # final answer, the same for every caller.
        self._failed_within: tuple[object, int] | None = None
        self._paused_until = 0.0  # monotonic(): no refresh before then, the token held used (see ``fail``)

    def current(self) -> _Token | None:
        """The cached token if it is still fresh, or while refreshes pause after one failed; else None."""
        token = self._token
        if token is None:
            return None
        now = monotonic()
        if now < token.refresh_at or now < self._paused_until:  # (a pause ends before the token does)
            return token
        return None

    def usable(self) -> _Token | None:
        """The token held while the server takes it still (until ``expires_at``), refreshing or not; None once it
        expired, was dropped (a 401), or the credentials were refused. For a call that another's refresh would hold
        up, or whose own refresh failed."""
        token = self._token
        if token is None or monotonic() >= token.expires_at:
            return None
        return token

    def refresh_bound(self) -> float | None:
        """The seconds a refresh may take while the token held is usable (``REFRESH_BOUND_SHARE`` of the life it has
        left, or nearly all of it up to ``REFRESH_BOUND_FLOOR_SECONDS``): once they pass, the refreshing call goes on
        with that token, refreshes paused (see ``fail``). None with no token usable: the refresh has its call's
        whole timeout and retries."""
        token = self.usable()
        if token is None:
            return None
        left = max(token.expires_at - monotonic(), 0.0)
        return max(left * REFRESH_BOUND_SHARE, min(left * REFRESH_BOUND_SHORT_SHARE, REFRESH_BOUND_FLOOR_SECONDS))

    def invalidate(self, token: _Token) -> None:
        """Drop the token, unless another caller already replaced it."""
        if self._token is token:
            self._token = None

    def failed_since(self, failures: int, timeout: object = None, max_retries: int = 0) -> TimebackError | None:
        """The error of a token request that failed since the count was ``failures`` (one this caller waited for).

        A refusal: asking again with the same credentials would get the same answer, and add a failed login (a
        server that limits them, the local one 10 a minute, would lock the client id out because many calls waited
        at once). An endpoint failing (5xx, 429, timeouts) through that request's retries: each waiting call
        retrying it in turn took about its place in the queue times one call's time, and as many requests.

        A caller with more to try with than that request had (more retries; another timeout, where it was a timeout
        that ran out) is given None: it asks again, with its own.
        """
        if self._failure is None or self.failures == failures:
            return None
        if self._failed_within is not None:
            ran_out, retries = self._failed_within
            if max_retries > retries or (ran_out is not None and timeout != ran_out):
                return None
        return copy.copy(self._failure)  # (each caller raises its own: tracebacks are per raise)

    def fail(self, error: TimebackError, within: tuple[object, int] | None = None, *, shared: bool = True) -> None:
        """Called, under the client's token lock, when a token request failed. ``shared``: it ended on the
        endpoint's word, which the calls waiting for it raise too; not when its call's deadline cut it short.
        ``within``: what it had to try with, unless the answer was final (see ``failed_since``)."""
        if shared:
            self._failure = copy.copy(error)  # (not the error raised: its traceback holds the request's frames)
            self._failed_within = within
            self.failures += 1
        token, now = self._token, monotonic()
        if isinstance(error, AuthError):  # (the credentials refused: said at once, not hidden behind the token)
            self._token = None
        if token is None or now >= token.expires_at or isinstance(error, AuthError):
            return  # (no token left to use)
        # The endpoint failing (5xx, 429, timeouts, a bad answer) or slower than a call's deadline, while the token
        # held lives: the server takes it still, so the calls use it (``current``) and refreshes pause a while
        # rather than fail them all; as long as the endpoint asked (Retry-After), while half the token's life left.
        asked = error.retry_after if isinstance(error, RequestError) else None
        pause = min(max(REFRESH_PAUSE_SECONDS, asked or 0.0), (token.expires_at - now) / 2)
        self._paused_until = now + pause
        log.debug("token refresh failed (%s); the token held, usable %.1fs more, is used; next refresh in %.1fs",
                  type(error).__name__, token.expires_at - now, pause)  # fmt: skip

    def build_request(self, headers: Mapping[str, bytes] = NO_HEADERS) -> httpx.Request:
        """``headers``: a caller's http client's, sent too (none of the request's own: see ``callers_headers``)."""
        # HTTP Basic client authentication (RFC 6749 section 2.3.1), which Cognito and the local server accept. The
        # id and secret are form-urlencoded first, as that section says: a ':' in the id or a '%' in the secret would
        # otherwise be read as another id or secret. (Percent-encoding throughout, no '+' for a space: servers that
        # decode with unquote and those that decode as a form read it alike.)
        auth = httpx.BasicAuth(quote(self._config.client_id, safe=""), quote(self._config.client_secret, safe=""))
        # (bytes and text: httpx takes both; the User-Agent API calls send: a WAF before a token endpoint may want one)
        both: dict[str, Any] = {**headers, "Accept": "application/json", "User-Agent": USER_AGENT}
        request = httpx.Request(
            "POST",
            self._config.token_url,
            data={"grant_type": "client_credentials", "client_id": self._config.client_id},
            headers=both,
        )
        return next(auth.auth_flow(request))

    def store(self, response: httpx.Response) -> _Token:
        """Parse a successful token response and cache the token."""
        kind = response.headers.get("Content-Type", "").partition(";")[0].strip()[:50]
        web_page = bool(kind) and "json" not in kind.lower()  # (a web page, a login form: not a token endpoint)
        token = _parsed(response, maybe_cut=not web_page)
        if isinstance(token, str):  # (raised here, out of _parsed's frame, whose locals hold the answer's token)
            message = f"token endpoint answered {token}"[:200]
            if web_page:
                message = (f"token endpoint answered {kind} {token}: the token URL looks wrong; check token_url, "
                           "or base_url when no token_url is given")  # fmt: skip
            error = APIResponseValidationError(message, **_answer(response))
            if token in (CUT_SHORT, NO_VALUE):  # (the send flow retries it, and fails it once it gives up)
                error._cut_short = True
            else:
                self.fail(error)
            raise error
        self._token, self._paused_until = token, 0.0
        return token


def _parsed(response: httpx.Response, *, maybe_cut: bool) -> _Token | str:
    """The token a token endpoint answered, or what is wrong with its answer. ``maybe_cut``: an answer said to be
    JSON, or not said to be anything, whose JSON ends mid-value (``CUT_SHORT``, as an API call's answer cut short is
    told) or that holds none (``NO_VALUE``) was cut short on its way; a web page is no token endpoint's, cut or not."""
    try:
        # (Python's json, which reads a BOM and UTF-16 or -32, as RFC 8259 lets a parser: .NET endpoints send a BOM)
        payload = response.json()
    except (ValueError, RecursionError):  # (RecursionError: nested deeper than json decodes)
        if not maybe_cut:
            return "without an access_token"
        if not response.content.strip(b" \t\r\n"):  # (JSON's whitespace)
            return NO_VALUE
        try:
            read_json(response.content)  # (pydantic-core's refusal tells a text cut short: see ends_mid_value)
        except ValueError as refused:
            if ends_mid_value(str(refused)):
                return CUT_SHORT
        return "without an access_token"
    try:
        value = payload["access_token"]
    except (KeyError, TypeError):
        return "without an access_token"
    if not isinstance(value, str) or not value:
        return "an empty access_token"
    if not (value.isascii() and value.isprintable()):  # (it goes in a header; the token itself stays unsaid)
        return "an access_token that is not printable ASCII"
    expires_in = payload.get("expires_in")
    if expires_in is None:
        expires_in = 3600  # (RFC 6749 only recommends it; a 401 replays with a new token if it was shorter)
    elif isinstance(expires_in, str):  # (some endpoints send it as a string; the range check below still holds)
        try:
            expires_in = float(expires_in)
        except ValueError:
            pass
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or not 0 < expires_in < math.inf:
        return f"an expires_in that is not a number of seconds: {expires_in!r}"
    # A token for decades (``timeback serve --token-ttl 1000000000``, for CI) is kept for at most as long as a
    # timeout can be (about 31 years): an int past a float's range would overflow the expiry's arithmetic.
    expires_in = min(expires_in, ENDLESS)
    now = monotonic()
    refresh_margin = min(REFRESH_MARGIN_SECONDS, expires_in / 2)
    expiry_margin = min(EXPIRY_MARGIN_SECONDS, expires_in / 10)
    return _Token(value, now + expires_in - refresh_margin, now + expires_in - expiry_margin)


def _answer(response: httpx.Response) -> dict[str, Any]:
    """What an error tells of a token endpoint's answer: not its body, which may hold a token."""
    from timeback._base_client import answer_of  # (that module imports this one)

    return answer_of(response)
