"""Authentication hardening over real HTTP: every bad credential or token is a 401 with the imsx body, tokens are
long random strings, and failed token requests are limited per client id (429 with Retry-After).

Each test runs its own server so failure counts never leak into the shared test server. Token expiry and the
failure window are driven by a clock the test holds (the server's ``tokens.clock`` and ``token_failures.clock``),
so no test sleeps through them.
"""

from __future__ import annotations

import base64
import logging
import math
import re
import traceback
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.support import uid
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"
V1P1 = "https://purl.imsglobal.org/spec/or/v1p1/scope/"
V1P2 = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
IMSX_KEYS = {"imsx_codeMajor", "imsx_severity", "imsx_description", "imsx_CodeMinor"}
CLIENT, SECRET = "hardening-client", "hardening-secret-8c1d"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def local_server(clock: Clock, **settings: object) -> LocalServer:
    """A server (not yet started: use it in ``with``) whose token and failure clocks are ``clock``."""
    server = LocalServer(ServerSettings(client_id=CLIENT, client_secret=SECRET, **settings))
    server.app.state.tokens.clock = clock
    server.app.state.token_failures.clock = clock
    return server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock: Clock) -> Iterator[LocalServer]:
    with local_server(clock, token_ttl_seconds=600) as running:
        yield running


@pytest.fixture
def http(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as c:
        yield c


@pytest.fixture(scope="module")
def shared() -> Iterator[httpx.Client]:
    """One server for the tests that only read answers (a few failures there never reach the limit)."""
    with local_server(Clock()) as running, httpx.Client(base_url=running.url) as c:
        yield c


def basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def token_request(http: httpx.Client, client_id: str = CLIENT, secret: str = SECRET) -> httpx.Response:
    return http.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers=basic(f"{client_id}:{secret}".encode())
    )


def minor(response: httpx.Response) -> str:
    value: str = response.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    return value


def assert_imsx(response: httpx.Response, status: int, code_minor: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert IMSX_KEYS <= body.keys() and body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
    assert minor(response) == code_minor and "access_token" not in body


# ----- the token endpoint


@pytest.mark.parametrize(
    ("form", "headers"),
    [
        pytest.param({}, basic(f"{CLIENT}:wrong".encode()), id="wrong-secret-basic"),
        pytest.param({"client_id": CLIENT, "client_secret": SECRET + "x"}, {}, id="wrong-secret-form"),
        pytest.param({}, basic(f"{CLIENT}:".encode()), id="empty-secret"),
        pytest.param({}, basic(f"nobody:{SECRET}".encode()), id="unknown-client"),
        pytest.param({}, basic(f"{CLIENT.upper()}:{SECRET}".encode()), id="client-id-case"),
        pytest.param({}, basic(f"{CLIENT}{SECRET}".encode()), id="basic-without-colon"),
        pytest.param({}, basic(b"\xff\xfe:\xc3\x28"), id="basic-not-utf8"),
        pytest.param({}, {"Authorization": "Basic " + base64.b64encode(b"a:b").decode()[:-1]}, id="basic-bad-padding"),
        pytest.param({}, {"Authorization": "Basic"}, id="basic-empty"),
        pytest.param({"client_id": CLIENT}, {}, id="form-no-secret"),
    ],
)
def test_bad_client_credentials_are_401_with_imsx_body(
    shared: httpx.Client, form: dict[str, str], headers: dict[str, str]
) -> None:
    response = shared.post("/oauth2/token", data={"grant_type": "client_credentials", **form}, headers=headers)
    assert_imsx(response, 401, "unauthorisedrequest")
    assert response.json()["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_token_answer_is_never_cached(shared: httpx.Client) -> None:
    # (RFC 6749 5.1: an answer holding a token carries Cache-Control: no-store and Pragma: no-cache)
    response = token_request(shared)
    assert response.status_code == 200 and response.json()["access_token"]
    assert (response.headers.get("Cache-Control"), response.headers.get("Pragma")) == ("no-store", "no-cache")


def test_tokens_are_distinct_long_urlsafe_random_strings(http: httpx.Client) -> None:
    tokens = [token_request(http).json()["access_token"] for _ in range(200)]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token), token
        assert len(token) * 6 >= 256  # secrets.token_urlsafe(32): 43 characters of 6 bits
    # Crude entropy checks that a counter, a timestamp or hex would fail: the characters spread over the whole
    # urlsafe alphabet.
    text = "".join(tokens)
    counts = Counter(text)
    shannon = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    assert len(counts) >= 62 and shannon > 5.8, (len(counts), shannon)
    # Every position varies (the 43rd character carries 4 bits, so 16 values; the others 64).
    assert all(len({t[i] for t in tokens}) >= 12 for i in range(min(map(len, tokens))))


# ----- bearer tokens on the API


def get_result(server: LocalServer, bearer: str) -> httpx.Response:
    return httpx.get(f"{server.url}{GB}/results/{uid('r')}", headers={"Authorization": f"Bearer {bearer}"})


def assert_bearer_refused(response: httpx.Response, error: str | None = "invalid_token") -> None:
    """401 with RFC 6750's challenge: ``error="invalid_token"`` for a token refused, no error code for a request
    with no bearer token at all (section 3.1: it lacked authentication)."""
    assert_imsx(response, 401, "unauthorisedrequest")
    challenge = 'Bearer realm="timeback"' + (f', error="{error}"' if error else "")
    assert response.headers["WWW-Authenticate"] == challenge


def test_expired_token_is_401(clock: Clock) -> None:
    with local_server(clock, token_ttl_seconds=60) as server, httpx.Client(base_url=server.url) as http:
        bearer = token_request(http).json()["access_token"]
        assert get_result(server, bearer).status_code == 404  # authenticated: the result just does not exist
        clock.now += 59.9
        assert get_result(server, bearer).status_code == 404
        clock.now += 0.1
        assert_bearer_refused(get_result(server, bearer))
        assert get_result(server, token_request(http).json()["access_token"]).status_code == 404


def test_tokens_issued_by_the_ten_thousand_cost_each_the_same(
    clock: Clock, server: LocalServer, http: httpx.Client
) -> None:
    """Each token issued scanned every token held for expired ones (under the store's lock, holding the GIL): a
    client fetching a token per call (a new ``Timeback`` each time) at 14 a second held 50,000 after an hour, and
    each new one then cost milliseconds of the server's CPU, the 50,000 together about a minute. Expired tokens
    are now dropped from the front of the order they expire in: issuing walks none of the tokens held. (Counted,
    not timed: a time limit here failed under load.)"""
    tokens = server.app.state.tokens

    class Walked(OrderedDict[bytes, Any]):  # the tokens held, counting every walk over all of them
        walks = 0

        def __iter__(self) -> Iterator[bytes]:
            Walked.walks += 1
            return super().__iter__()

        def items(self) -> Any:
            Walked.walks += 1
            return super().items()

        def values(self) -> Any:
            Walked.walks += 1
            return super().values()

        def keys(self) -> Any:
            Walked.walks += 1
            return super().keys()

    first = token_request(http).json()["access_token"]
    tokens._grants = Walked(tokens._grants)
    for _ in range(50_000):
        tokens.issue(CLIENT, frozenset({"admin"}))
    assert Walked.walks == 0 and len(tokens._grants) >= 50_000
    last = token_request(http).json()["access_token"]
    assert get_result(server, first).status_code == get_result(server, last).status_code == 404  # (both held)
    clock.now += 600
    fresh = token_request(http).json()["access_token"]
    assert_bearer_refused(get_result(server, last))
    assert get_result(server, fresh).status_code == 404
    assert len(tokens._grants) == 1  # (every expired one dropped as the fresh one came)


def test_live_tokens_are_capped_the_oldest_dropped_first(clock: Clock) -> None:
    """A token never expired (``--token-ttl 1000000000``) was never dropped: a client fetching one per call grew the
    server by about 0.7 KB a call for as long as it ran. At most ``max_live_tokens`` are held, the oldest dropped
    first (its holder gets a 401, after which the SDK fetches a new one); a token reused keeps working."""
    with local_server(clock, token_ttl_seconds=1_000_000_000, max_live_tokens=3) as server:
        with httpx.Client(base_url=server.url) as http:
            issued = [token_request(http).json()["access_token"] for _ in range(4)]
            assert_bearer_refused(get_result(server, issued[0]))
            for kept in issued[1:]:
                assert get_result(server, kept).status_code == 404
            tokens = server.app.state.tokens
            for _ in range(100):
                tokens.issue(CLIENT, frozenset({"admin"}))
            assert len(tokens._grants) == 3 and len(tokens._expiring) <= 2 * 3  # (the expiry heap bounded too)
            assert_bearer_refused(get_result(server, issued[3]))


def test_a_token_in_use_outlives_newer_ones_unused_at_the_cap(clock: Clock) -> None:
    """The cap drops the token used least recently, not the one issued first: a CI job's long-lived token, in use,
    was dropped (a hard 401 for a caller holding a fixed token) by another client fetching one per call."""
    with local_server(clock, token_ttl_seconds=1_000_000_000, max_live_tokens=3) as server:
        with httpx.Client(base_url=server.url) as http:
            in_use = token_request(http).json()["access_token"]
            for _ in range(5):
                token_request(http)  # (a client fetching one per call)
                assert get_result(server, in_use).status_code == 404  # (used between each: kept)


@pytest.mark.parametrize("cap", [0, -1])
def test_a_cap_that_would_hold_no_token_is_refused(cap: int) -> None:
    with pytest.raises(ValueError, match="max_live_tokens"):
        ServerSettings(max_live_tokens=cap)


def test_token_from_another_server_instance_is_401(server: LocalServer, http: httpx.Client) -> None:
    same_credentials = LocalServer(ServerSettings(client_id=CLIENT, client_secret=SECRET))
    with same_credentials as other, httpx.Client(base_url=other.url) as other_http:
        foreign = token_request(other_http).json()["access_token"]
        assert get_result(other, foreign).status_code == 404
    assert_bearer_refused(get_result(server, foreign))
    assert get_result(server, token_request(http).json()["access_token"]).status_code == 404


@pytest.mark.parametrize("header", ["Bearer " + "A" * 43, "Bearer " + base64.b64encode(SECRET.encode()).decode(),
                                    "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()])  # fmt: skip
def test_made_up_tokens_and_client_credentials_are_not_bearer_tokens(shared: httpx.Client, header: str) -> None:
    error = None if header.startswith("Basic") else "invalid_token"
    assert_bearer_refused(shared.get(f"{GB}/results/x", headers={"Authorization": header}), error)


@pytest.mark.parametrize(
    ("header", "said"),
    [
        (None, "Missing bearer token."),
        ("Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode(), "uses the Basic scheme"),
        ("basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode(), "uses the Basic scheme"),
        (SECRET, "names no scheme"),  # (a credential sent bare: its first word is no scheme to repeat)
        (f"{SECRET} {SECRET}", "uses another scheme"),
        ("Bearer", "The bearer token is empty"),
        (f"Bearer\t{SECRET}", "separates Bearer from the token by other than one space"),  # (was: "names no scheme")
    ],
)
def test_a_request_without_a_bearer_token_is_told_what_the_header_lacks(
    shared: httpx.Client, header: str | None, said: str
) -> None:
    """A Basic header (the token endpoint's credentials sent to the API) was told "Missing bearer token.", as if
    none had come; the header's scheme is named only when it is a registered one, and nothing else of it."""
    response = shared.get(f"{GB}/results/x", headers={"Authorization": header} if header is not None else {})
    assert_bearer_refused(response, None)  # (no error code: no bearer token came)
    description = response.json()["imsx_description"]
    assert said in description, description
    if header is not None:
        assert "send 'Authorization: Bearer <access token>'" in description
    assert SECRET not in response.text and base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode() not in response.text


def test_missing_scope_is_403_with_imsx_body(server: LocalServer, http: httpx.Client) -> None:
    server.app.state.clients.add("reader", "reader-secret", "gradebook.readonly")
    bearer = token_request(http, "reader", "reader-secret").json()["access_token"]
    response = httpx.put(f"{server.url}{GB}/categories/{uid('c')}", json={"category": {"title": "x"}},
                         headers={"Authorization": f"Bearer {bearer}"})  # fmt: skip
    assert_imsx(response, 403, "forbidden")
    assert "gradebook.createput" in response.json()["imsx_description"]
    # RFC 6750 section 3.1's challenge names every scope the operation accepts (it had no WWW-Authenticate)
    accepted = f"{V1P1}admin {V1P2}gradebook.createput"
    assert response.headers["WWW-Authenticate"] == (
        f'Bearer realm="timeback", error="insufficient_scope", scope="{accepted}"'
    )


# ----- failed-attempt limiting on the token endpoint


def fail(http: httpx.Client, client_id: str, times: int) -> list[int]:
    return [token_request(http, client_id, "wrong").status_code for _ in range(times)]


def test_the_failure_that_locks_a_client_id_out_is_logged_once_naming_it_and_the_peer(
    server: LocalServer, http: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Every caller of a client locked out is refused, the right secret too: its operator (one shared client, many CI
    jobs) learned why from no log line, at any level. The lock is a WARNING, once; the secret tried is never in it."""
    with caplog.at_level(logging.INFO, logger="timeback.server"):
        assert fail(http, CLIENT, 11) == [401] * 10 + [429]
        assert_limited(token_request(http, CLIENT, SECRET))
    locked = [r for r in caplog.records if r.name == "timeback.server" and "locked out" in r.getMessage()]
    assert [r.levelno for r in locked] == [logging.WARNING], caplog.text
    message = locked[0].getMessage()
    assert message.startswith(f"client id {CLIENT!r} locked out of the token endpoint for 60 s"), message
    assert "10 failed token requests within 60 s, the last from '127.0.0.1:" in message, message
    assert "wrong" not in message and SECRET not in caplog.text


async def test_a_lockout_names_an_ipv6_peer_bracketed(server: LocalServer, caplog: pytest.LogCaptureFixture) -> None:
    # ("::1:5" read as an address; and a window of one failure says "request", not "requests")
    limiter = server.app.state.token_failures
    kept = limiter.max_failures
    limiter.max_failures = 1
    client_id = uid("v6-client")
    try:
        transport = httpx.ASGITransport(app=server.app, client=("::1", 5))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            with caplog.at_level(logging.WARNING, logger="timeback.server"):
                form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "wrong"}
                assert (await http.post("/oauth2/token", data=form)).status_code == 401
    finally:
        limiter.max_failures = kept
    (line,) = [r.getMessage() for r in caplog.records if "locked out" in r.getMessage()]
    assert "1 failed token request within 60 s, the last from '[::1]:5'" in line, line


def assert_limited(response: httpx.Response) -> int:
    assert_imsx(response, 429, "server_busy")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert str(retry_after) in response.json()["imsx_description"]
    return retry_after


def test_ten_failures_lock_the_client_id_even_for_the_right_secret(
    server: LocalServer, http: httpx.Client, clock: Clock
) -> None:
    server.app.state.clients.add("other", "other-secret")
    assert fail(http, CLIENT, 10) == [401] * 10
    # Refused before the secret is checked: the right secret is refused too, so a guess that hits learns nothing.
    assert_limited(token_request(http, CLIENT, "wrong"))
    assert_limited(token_request(http, CLIENT, SECRET))
    # Another client is not affected, and its successful login does not give the locked id new attempts.
    assert token_request(http, "other", "other-secret").status_code == 200
    assert_limited(token_request(http, CLIENT, SECRET))
    clock.now += 30
    assert assert_limited(token_request(http, CLIENT, SECRET)) == 30
    clock.now += 30  # the window opened by the first failure has passed
    assert token_request(http).status_code == 200


def test_another_spelling_of_the_client_id_gets_no_new_attempts(server: LocalServer, http: httpx.Client) -> None:
    # A Basic header's id may be percent-encoded (a space as %20) or form-encoded (a space as '+'); the endpoint
    # tries both readings, so every spelling of an id must share its count: "a+b+c" is tried as "a b c" too.
    server.app.state.clients.add("my school app", "app-secret")
    assert fail(http, "my%20school%20app", 10) == [401] * 10
    for spelling in ("my+school+app", "my%20school+app", "my+school%20app", "my%20school%20app"):
        assert_limited(token_request(http, spelling, "wrong"))
        assert_limited(token_request(http, spelling, "app-secret"))
    assert_limited(
        http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "my school app", "client_secret": "app-secret"},
        )
    )


def test_a_success_between_failures_does_not_reset_the_count(server: LocalServer, http: httpx.Client) -> None:
    # The real client logging in between a guesser's attempts must not hand the guesser a fresh allowance.
    assert fail(http, CLIENT, 5) == [401] * 5
    assert token_request(http).status_code == 200
    assert fail(http, CLIENT, 5) == [401] * 5
    assert_limited(token_request(http))


def test_wrong_secrets_sent_all_at_once_get_only_the_limit(server: LocalServer) -> None:
    """Each request is counted when it is checked: 60 in flight together cannot all pass before any is counted."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(_: int) -> int:
        with httpx.Client(base_url=server.url) as fresh:
            return token_request(fresh, CLIENT, "wrong").status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = Counter(pool.map(attempt, range(60)))
    assert answers == Counter({401: 10, 429: 50})


def test_unknown_client_ids_are_limited_exactly_like_known_ones(server: LocalServer, http: httpx.Client) -> None:
    unknown = uid("nobody")
    known = [token_request(http, CLIENT, "wrong").status_code for _ in range(12)]
    made_up = [token_request(http, unknown, "wrong").status_code for _ in range(12)]
    assert known == made_up == [401] * 10 + [429] * 2  # a 429 does not tell whether the id exists


def test_a_flood_of_made_up_ids_neither_resets_a_count_nor_grows_memory(
    server: LocalServer, http: httpx.Client
) -> None:
    limiter = server.app.state.token_failures
    before = limiter.table_bytes
    assert fail(http, CLIENT, 10) == [401] * 10
    server.app.state.clients.add("bystander", "bystander-secret")
    # Ids share a count only when they share one of the 65,536 buckets: made-up ids that land in the locked
    # client's bucket are limited with it (about 2% of runs would have one), every other one is a plain 401.
    locked = limiter._bucket(CLIENT)
    flood_ids = [uid("flood") for _ in range(1500)]
    flood = Counter(token_request(http, i, "x").status_code for i in flood_ids)
    sharing = sum(limiter._bucket(i) == locked for i in flood_ids)
    assert flood == Counter({401: 1500 - sharing, 429: sharing}) - Counter()
    assert limiter.table_bytes == before
    assert_limited(token_request(http))  # the count was not evicted to make room
    assert token_request(http, "bystander", "bystander-secret").status_code == 200


def test_the_limit_is_configurable_and_can_be_turned_off(clock: Clock) -> None:
    with local_server(clock, token_max_failures=3, token_failure_window_seconds=5) as server:
        with httpx.Client(base_url=server.url) as http:
            assert fail(http, CLIENT, 4) == [401, 401, 401, 429]
            assert assert_limited(token_request(http)) == 5
            clock.now += 5
            assert token_request(http).status_code == 200
    with local_server(clock, token_max_failures=0) as server, httpx.Client(base_url=server.url) as http:
        assert fail(http, CLIENT, 30) == [401] * 30
        assert token_request(http).status_code == 200


# ----- one client authentication method per request (RFC 6749 section 2.3)

WRONG = "wrong-secret-5e0a"  # (distinct strings, so the tests can look for each one in what the server says)
HEADER = basic(f"{CLIENT}:{SECRET}".encode())


class CaughtLogs(logging.Handler):
    """Every record any logger emits while installed, whatever the levels and propagation set elsewhere."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.records.append(record)

    def __enter__(self) -> CaughtLogs:
        self.loggers = [
            logging.getLogger(name)
            for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access", "timeback", "timeback.server")
        ]
        self.levels = [logger.level for logger in self.loggers]
        for logger in self.loggers:
            logger.addHandler(self)
            logger.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *_: object) -> None:
        for logger, level in zip(self.loggers, self.levels, strict=True):
            logger.removeHandler(self)
            logger.setLevel(level)


def _fault(*args: object) -> None:
    raise RuntimeError("a fault in the handler")


class FaultyClients(dict[str, object]):
    get = staticmethod(_fault)  # (``ClientRegistry.verify``'s lookup, under the frame holding the secret)


def test_an_unhandled_error_is_logged_with_neither_token_nor_secret_in_its_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fault under a handler (forced: the service, the token store issuing or checking a token, the client
    registry checking a secret) is logged with its
    traceback, which reporters that record each frame's locals (Sentry's logging integration, rich's
    ``show_locals``, ``TracebackException(capture_locals=True)``) recorded with the bearer token (the lane's locals,
    the ASGI scope's headers) or the client secret (the token route's body and form); and uvicorn logged the token
    route's error again ("Exception in ASGI application"), with every frame."""
    with (
        LocalServer(ServerSettings(client_id=CLIENT, client_secret=SECRET)) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        token = token_request(http).json()["access_token"]
        state = server.app.state
        with CaughtLogs() as logs:
            answers = []
            for faulty, name in ((state.service, "handle"), (state.tokens, "issue"), (state.tokens, "clock"),
                                 (state.clients, "_clients")):  # fmt: skip
                with monkeypatch.context() as patched:
                    patched.setattr(faulty, name, FaultyClients() if name == "_clients" else _fault)
                    answers.append(http.get(f"{GB}/categories/c-1", headers={"Authorization": f"Bearer {token}"}))
                    form = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
                    answers += [http.post("/oauth2/token", data=form), token_request(http)]
    # (an API call, then a token by form and by Basic header, under each fault; 404: no such category, answered)
    assert [answer.status_code for answer in answers] == [500, 200, 200, 404, 500, 500, 500, 500, 500, 404, 500, 500]
    failed = [record for record in logs.records if record.exc_info]
    assert {record.getMessage().partition(",")[0] for record in failed} == {"unhandled server error"}
    for record in failed:
        assert record.exc_info is not None
        captured = "".join(traceback.TracebackException(*record.exc_info, capture_locals=True).format())
        assert "in _fault" in captured and "a fault in the handler" in captured  # (what failed is kept)
        for secret in (token, SECRET, HEADER["Authorization"].split()[1]):
            assert secret not in captured, captured


def test_a_fault_in_a_handler_s_own_code_is_logged_with_where_it_was_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Such a fault's frames are all a handler's (left out of the logged traceback: see the test above), so the
    message says where it was raised: with no frame, nothing did."""
    import timeback.server.lane

    with (
        LocalServer(ServerSettings(client_id=CLIENT, client_secret=SECRET)) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        token = token_request(http).json()["access_token"]
        with CaughtLogs() as logs:
            # (bytes.fromhex raises in C, from the lane's own frame; its message names no token)
            monkeypatch.setattr(timeback.server.lane, "bearer_token", bytes.fromhex)
            answer = http.get(f"{GB}/categories/c-1", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 500
    (record,) = {record for record in logs.records if record.exc_info}  # (caught at each logger up the tree)
    assert re.search(r"^unhandled server error, request_id=\S+, raised in timeback\.server\.lane\._?\w+ line \d+$",
                     record.getMessage()), record.getMessage()  # fmt: skip
    assert record.exc_info is not None and record.exc_info[2] is None and token not in record.getMessage()


def assert_one_method_refusal(response: httpx.Response, field: str) -> None:
    assert_imsx(response, 400, "invaliddata")
    body = response.json()
    assert body["error"] == "invalid_request" and "access_token" not in body
    assert [d["field"] for d in body["imsx_error_details"]] == [field]
    assert response.headers["Cache-Control"] == "no-store" and "WWW-Authenticate" not in response.headers
    for secret in (SECRET, WRONG):  # (nor the ids: a secret pasted into an id field would show)
        assert secret not in response.text
    assert CLIENT not in response.text and "other-client" not in response.text


@pytest.mark.parametrize(
    ("headers", "form", "field"),
    [
        pytest.param(HEADER, {"client_id": CLIENT, "client_secret": WRONG}, "client_secret", id="form-secret-wrong"),
        pytest.param(HEADER, {"client_secret": WRONG}, "client_secret", id="form-secret-without-id"),
        pytest.param(HEADER, {"client_id": CLIENT, "client_secret": ""}, "client_secret", id="form-secret-empty"),
        pytest.param(
            basic(f"{CLIENT}:{WRONG}".encode()),
            {"client_id": CLIENT, "client_secret": SECRET},
            "client_secret",
            id="header-wrong-form-right",
        ),
        pytest.param(HEADER, {"client_id": "other-client"}, "client_id", id="form-id-another-client"),
        pytest.param(HEADER, {"client_id": CLIENT.upper()}, "client_id", id="form-id-another-case"),
        pytest.param(HEADER, {"client_id": ""}, "client_id", id="form-id-empty"),
    ],
)
def test_a_basic_header_with_form_credentials_is_400_invalid_request(
    shared: httpx.Client, headers: dict[str, str], form: dict[str, str], field: str
) -> None:
    # Before, the header won and the form's secret or id was ignored: a client sending a wrong secret, or another
    # client's id, in the form got a token here and would fail against an endpoint that enforces the RFC.
    with CaughtLogs() as logs:
        response = shared.post("/oauth2/token", data={"grant_type": "client_credentials", **form}, headers=headers)
    assert_one_method_refusal(response, field)
    assert "one method" in response.json()["error_description"] or field == "client_id"
    assert any("/oauth2/token" in line for line in logs.lines)  # (the request was logged, and what was, is here)
    for secret in (SECRET, WRONG):
        assert not any(secret in line for line in logs.lines), logs.lines


@pytest.mark.parametrize(
    ("user", "form_id", "client_id"),
    [
        pytest.param(CLIENT, CLIENT, CLIENT, id="same-id"),
        # The SDK's way: the id percent-encoded in the header, as itself in the form.
        pytest.param("tenant%3Aclient%201", "tenant:client 1", "tenant:client 1", id="percent-encoded-header"),
        # A header's '+' is read both ways; the form's id may name the client by either reading.
        pytest.param("my+app", "my app", "my app", id="plus-read-as-space"),
        pytest.param("my+app", "my+app", "my+app", id="plus-read-as-itself"),
    ],
)
def test_a_basic_header_with_the_same_form_client_id_is_one_method(
    server: LocalServer, http: httpx.Client, user: str, form_id: str, client_id: str
) -> None:
    if client_id != CLIENT:
        server.app.state.clients.add(client_id, "app-secret")
    secret = SECRET if client_id == CLIENT else "app-secret"
    response = http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": form_id},
        headers=basic(f"{user}:{secret}".encode()),
    )
    assert response.status_code == 200, response.text
    # and the form's id does not stand in for the secret: a wrong one in the header is still refused
    wrong = http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": form_id},
        headers=basic(f"{user}:{WRONG}".encode()),
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"


def test_the_same_credentials_both_ways_are_one_client(shared: httpx.Client) -> None:
    # Some OAuth libraries send the secret in the form as well as in the header: taken when the two agree.
    both = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
    assert shared.post("/oauth2/token", data=both, headers=HEADER).status_code == 200
    without_id = {"grant_type": "client_credentials", "client_secret": SECRET}
    assert shared.post("/oauth2/token", data=without_id, headers=HEADER).status_code == 200
    # and agreeing on a wrong secret is a failed login like any other
    wrong = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": WRONG}
    response = shared.post("/oauth2/token", data=wrong, headers=basic(f"{CLIENT}:{WRONG}".encode()))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_form_credentials_alone_still_authenticate(shared: httpx.Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
    assert shared.post("/oauth2/token", data=form).status_code == 200
    # (an Authorization header of another scheme is not a client authentication method here)
    assert shared.post("/oauth2/token", data=form, headers={"Authorization": "Bearer x"}).status_code == 200


def test_mixed_methods_neither_count_as_failures_nor_pass_the_limit(
    server: LocalServer, http: httpx.Client, clock: Clock
) -> None:
    mixed = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": WRONG}
    # Refused before any secret is checked: more of them than the limit lock nothing out.
    for _ in range(15):
        assert_one_method_refusal(http.post("/oauth2/token", data=mixed, headers=HEADER), "client_secret")
        assert_one_method_refusal(
            http.post(
                "/oauth2/token",
                data={"grant_type": "client_credentials", "client_id": "other-client"},
                headers=basic(f"{CLIENT}:{WRONG}".encode()),
            ),
            "client_id",
        )
    assert token_request(http).status_code == 200
    # Nor do they get past a lockout: with the id locked, the right secret sent both ways (taken as one client)
    # and sent in the form alone get no token.
    assert fail(http, CLIENT, 10) == [401] * 10
    assert_limited(token_request(http))
    both_right = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
    assert_limited(http.post("/oauth2/token", data=both_right, headers=HEADER))
    assert_limited(http.post("/oauth2/token", data=both_right))
    clock.now += 60
    assert token_request(http).status_code == 200


# ----- each parameter once, and no credentials in the URL (RFC 6749 sections 3.1 and 2.3.1)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def assert_parameters_refused(response: httpx.Response, fields: list[str]) -> None:
    assert_imsx(response, 400, "invaliddata")
    body = response.json()
    assert body["error"] == "invalid_request" and "access_token" not in body
    assert [d["field"] for d in body["imsx_error_details"]] == fields
    assert response.headers["Cache-Control"] == "no-store" and "WWW-Authenticate" not in response.headers
    for secret in (SECRET, WRONG):
        assert secret not in response.text


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        # Before, the first value was taken: this one got a token, and the wrong secret went unnoticed.
        pytest.param(
            f"grant_type=client_credentials&client_id={CLIENT}&client_secret={SECRET}&client_secret={WRONG}",
            ["client_secret"],
            id="client_secret-twice",
        ),
        pytest.param(
            f"grant_type=client_credentials&grant_type=password&client_id={CLIENT}&client_secret={SECRET}",
            ["grant_type"],
            id="grant_type-twice",
        ),
        pytest.param(
            f"client_id={CLIENT}&grant_type=client_credentials&client_id=other&client_secret={SECRET}&scope=a&scope=b",
            ["client_id", "scope"],
            id="two-repeated",
        ),
        pytest.param(
            f"grant_type=client_credentials&client_id={CLIENT}&client_secret={SECRET}&client_secret=",
            ["client_secret"],
            id="second-empty",
        ),
        # A name not the endpoint's is not repeated back: in a malformed form a secret can stand where a name should.
        pytest.param(
            f"grant_type=client_credentials&client_id={CLIENT}&client_secret={SECRET}&{WRONG}&{WRONG}",
            ["other"],
            id="unknown-name-twice",
        ),
    ],
)
def test_a_form_parameter_sent_twice_is_400_naming_it(shared: httpx.Client, form: str, fields: list[str]) -> None:
    with CaughtLogs() as logs:
        response = shared.post("/oauth2/token", content=form.encode(), headers=FORM)
    assert_parameters_refused(response, fields)
    assert all(name in response.json()["error_description"] for name in fields)
    for secret in (SECRET, WRONG):
        assert not any(secret in line for line in logs.lines), logs.lines


def refusals_neither_count_as_failures_nor_pass_the_limit(
    http: httpx.Client, clock: Clock, refused_wrong: Callable[[], None], refused_right: Callable[[], None]
) -> None:
    """``refused_wrong`` (a refused request with a wrong secret) 15 times, more than the limit (10): refused before
    any secret is checked, none counts; then, the limit reached by real failures, ``refused_right`` (the same with
    the right secret) does not pass it."""
    for _ in range(15):
        refused_wrong()
    assert token_request(http).status_code == 200
    assert fail(http, CLIENT, 10) == [401] * 10
    refused_right()
    assert_limited(token_request(http))
    clock.now += 60
    assert token_request(http).status_code == 200


def test_repeated_parameters_neither_count_as_failures_nor_pass_the_limit(http: httpx.Client, clock: Clock) -> None:
    def refused(secret: str, again: str) -> None:
        twice = f"grant_type=client_credentials&client_id={CLIENT}&client_secret={secret}&client_secret={again}"
        assert_parameters_refused(http.post("/oauth2/token", content=twice.encode(), headers=FORM), ["client_secret"])

    refusals_neither_count_as_failures_nor_pass_the_limit(
        http, clock, lambda: refused(WRONG, f"{WRONG}x"), lambda: refused(SECRET, SECRET)
    )


@pytest.mark.parametrize(
    ("query", "headers", "fields"),
    [
        # Before, the query was ignored: the header's credentials got a token, the URL's secret unnoticed (and logged).
        pytest.param({"client_id": CLIENT, "client_secret": SECRET}, HEADER, ["client_id", "client_secret"], id="both"),
        pytest.param({"client_secret": WRONG}, HEADER, ["client_secret"], id="secret"),
        pytest.param({"client_id": CLIENT}, HEADER, ["client_id"], id="id"),
        pytest.param({"client_secret": ""}, HEADER, ["client_secret"], id="empty-secret"),
        pytest.param({"client_id": CLIENT, "client_secret": SECRET}, {}, ["client_id", "client_secret"], id="alone"),
    ],
)
def test_client_credentials_in_the_url_are_400_naming_them(
    shared: httpx.Client, query: dict[str, str], headers: dict[str, str], fields: list[str]
) -> None:
    response = shared.post("/oauth2/token", params=query, data={"grant_type": "client_credentials"}, headers=headers)
    assert_parameters_refused(response, fields)
    assert "URL" in response.json()["error_description"]


def test_other_query_parameters_are_still_ignored(shared: httpx.Client) -> None:
    params = {"foo": "bar", "client": "x"}
    response = shared.post("/oauth2/token", params=params, data={"grant_type": "client_credentials"}, headers=HEADER)
    assert response.status_code == 200, response.text


def test_credentials_in_the_url_neither_count_as_failures_nor_pass_the_limit(http: httpx.Client, clock: Clock) -> None:
    form = {"grant_type": "client_credentials"}
    wrong = basic(f"{CLIENT}:{WRONG}".encode())
    for _ in range(15):  # more than the limit (10): refused before any secret is checked
        response = http.post("/oauth2/token", params={"client_secret": WRONG}, data=form, headers=wrong)
        assert_parameters_refused(response, ["client_secret"])
    assert token_request(http).status_code == 200
    assert fail(http, CLIENT, 10) == [401] * 10
    response = http.post("/oauth2/token", params={"client_id": CLIENT}, data=form, headers=HEADER)
    assert_parameters_refused(response, ["client_id"])
    assert_limited(token_request(http))
    clock.now += 60
    assert token_request(http).status_code == 200


# ----- a form body, and grant_type in it (RFC 6749 sections 4.4.2 and 5.2)

GRANT = f"grant_type=client_credentials&client_id={CLIENT}&client_secret={SECRET}"


@pytest.mark.parametrize(
    ("kwargs", "received"),
    [
        # Before, each was read as a form, found no grant_type and answered unsupported_grant_type.
        pytest.param({"json": {"grant_type": "client_credentials"}, "headers": HEADER}, "application/json", id="json"),
        pytest.param(
            {"data": {"grant_type": "client_credentials"}, "files": {"f": b"x"}, "headers": HEADER},
            "multipart/form-data",
            id="multipart",
        ),
        # (the body a form, the type wrong: what it says it is is what is refused)
        pytest.param({"content": GRANT.encode(), "headers": {"Content-Type": "text/plain"}}, "text/plain", id="text"),
        pytest.param({"content": GRANT.encode()}, "no Content-Type", id="none"),
    ],
)
def test_a_token_request_body_not_form_encoded_is_400_invalid_request(
    shared: httpx.Client, kwargs: dict[str, Any], received: str
) -> None:
    response = shared.post("/oauth2/token", **kwargs)
    assert_parameters_refused(response, ["body"])
    description = response.json()["error_description"]
    assert "application/x-www-form-urlencoded" in description and received in description, description


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-Urlencoded", FORM["Content-Type"]],
)
def test_a_form_body_is_taken_whatever_the_case_and_parameters_of_its_type(
    shared: httpx.Client, content_type: str
) -> None:
    response = shared.post("/oauth2/token", content=GRANT.encode(), headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(f"client_id={CLIENT}&client_secret={SECRET}", id="absent"),
        # "sent without a value MUST be treated as if they were omitted" (RFC 6749 section 3.1)
        pytest.param(f"grant_type=&client_id={CLIENT}&client_secret={SECRET}", id="empty"),
        pytest.param("", id="empty-form"),
    ],
)
def test_a_form_without_grant_type_is_400_invalid_request(shared: httpx.Client, form: str) -> None:
    response = shared.post("/oauth2/token", content=form.encode(), headers=FORM)
    assert_parameters_refused(response, ["grant_type"])
    assert response.json()["error_description"] == "grant_type is missing."


def test_another_grant_type_is_still_unsupported_grant_type(shared: httpx.Client) -> None:
    response = shared.post("/oauth2/token", content=b"grant_type=password", headers=HEADER | FORM)
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"
    # (its imsx fields as its siblings' say: was codeMinor unauthorisedrequest, at TargetEndSystem)
    assert_imsx(response, 400, "invaliddata")
    assert response.json()["imsx_error_details"] == [{"field": "grant_type", "message": "unsupported"}]
    assert "password" not in response.json()["imsx_description"]


def test_a_form_not_utf8_is_400_invalid_request_naming_the_body(shared: httpx.Client) -> None:
    response = shared.post("/oauth2/token", content=GRANT.encode() + b"&scope=caf\xe9", headers=FORM)
    assert_parameters_refused(response, ["body"])
    assert response.json()["error_description"] == "The body must be form-encoded UTF-8."


async def test_a_token_request_whose_body_did_not_arrive_is_400_naming_the_body(make_app: Any) -> None:
    """The client gone before its body came (no one reads the answer over HTTP: the app is called directly)."""
    app = make_app(ServerSettings(client_id=CLIENT, client_secret=SECRET))

    async def client_gone(scope: Any, receive: Any, send: Any) -> None:
        async def disconnect() -> dict[str, str]:
            return {"type": "http.disconnect"}

        await app(scope, disconnect, send)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(client_gone), base_url="http://local") as http:
        response = await http.post("/oauth2/token", content=GRANT.encode(), headers=FORM)
    assert_parameters_refused(response, ["body"])
    assert response.json()["error_description"] == "The request body did not arrive."


def test_bodies_refused_so_neither_count_as_failures_nor_pass_the_limit(http: httpx.Client, clock: Clock) -> None:
    """Refused before any secret is checked, as an unsupported grant type is: a misconfigured client sending JSON
    is not locked out, and a guesser gets no try."""

    def refused(secret: str) -> None:
        response = http.post(
            "/oauth2/token", json={"grant_type": "client_credentials"}, headers=basic(f"{CLIENT}:{secret}".encode())
        )
        assert_parameters_refused(response, ["body"])
        form = f"client_id={CLIENT}&client_secret={secret}"
        assert_parameters_refused(http.post("/oauth2/token", content=form.encode(), headers=FORM), ["grant_type"])

    refusals_neither_count_as_failures_nor_pass_the_limit(http, clock, lambda: refused(WRONG), lambda: refused(SECRET))


# ----- the token endpoint's body size

MAX_FORM_BYTES = 64 * 1024  # (as documented; routes.oauth.MAX_FORM_BYTES)


def padded_form(size: int, secret: str = "wrong") -> bytes:
    """A token request form of exactly ``size`` bytes (padded with an extra field)."""
    form = f"grant_type=client_credentials&client_id={CLIENT}&client_secret={secret}&pad=".encode()
    return form + b"x" * (size - len(form))


def assert_too_large(response: httpx.Response) -> None:
    assert_imsx(response, 413, "invaliddata")
    body = response.json()
    assert body["error"] == "invalid_request" and str(MAX_FORM_BYTES) in body["error_description"]
    assert "records" not in body["error_description"]  # (the API's advice, "send fewer records", is not for it)
    assert [d["field"] for d in body["imsx_error_details"]] == ["body"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_token_request_body_over_64_kb_is_413_and_not_a_failed_login(server: LocalServer) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def chunked() -> Iterator[bytes]:
        yield padded_form(1024)
        for _ in range(100):  # no Content-Length: cut off as it arrives
            yield b"x" * 1024

    for _ in range(6):  # more oversized wrong secrets in all than the failure limit (10)
        with httpx.Client(base_url=server.url) as fresh:
            assert_too_large(fresh.post("/oauth2/token", content=padded_form(2 * 1024 * 1024), headers=form))
        with httpx.Client(base_url=server.url) as fresh:
            request = fresh.build_request("POST", "/oauth2/token", content=chunked(), headers=form)
            assert "content-length" not in request.headers
            assert_too_large(fresh.send(request))
    with httpx.Client(base_url=server.url) as fresh:
        # none of them counted: the client id is not locked, and a body of exactly the limit is read
        right = fresh.post("/oauth2/token", content=padded_form(MAX_FORM_BYTES, SECRET), headers=form)
        assert right.status_code == 200, right.text
        assert fresh.post("/oauth2/token", content=padded_form(MAX_FORM_BYTES + 1, SECRET), headers=form
                          ).status_code == 413  # fmt: skip


def test_the_server_settings_never_show_the_client_secret() -> None:
    # (what reprs the settings: a debugger, an error reporter, a test's failure showing the server's settings)
    settings = ServerSettings(client_id=CLIENT, client_secret=SECRET)
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert CLIENT in repr(settings)
