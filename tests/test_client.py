"""The request engine: retries, Retry-After, error mapping, token reuse and 401 replay.

Retry timing and dropped connections cannot be produced on demand by a real server, so these use
``httpx.MockTransport``; everything else in the suite talks to the real server.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import contextvars
import email.utils
import enum
import errno
import gc
import random
import re
import socketserver
import ssl
import sys
import threading
import time
import traceback
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx
import pytest
import trio
import trustme

import timeback._base_client as engine
from tests.support import (
    Roster,
    SendsItsOwnRequest,
    SendsItsOwnRequestClient,
    add_line_items,
    ctrl_c_waiting_in,
    in_threads,
    proxy_environment,
    result_body,
    token_answers_held,
    uid,
)
from timeback import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncTimeback,
    AuthError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    DefaultAioHttpClient,
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestError,
    ServerError,
    Timeback,
    UnprocessableEntityError,
    _deadline,
)
from timeback.server.runner import LocalServer

TOKEN_URL = "https://auth.example.test/oauth2/token"
BASE_URL = "https://api.example.test"
SECRET = "s3cret-value-never-shown"
RESULT = {"result": {"sourcedId": "r1", "status": "active", "scoreStatus": "fully graded", "score": 1}}


class Script:
    """A transport answering a scripted sequence per URL; records every request it saw."""

    def __init__(self, api: list[Callable[[httpx.Request], httpx.Response]]) -> None:
        self.api = api
        self.requests: list[httpx.Request] = []
        self.authorizations: list[str | None] = []  # as sent: a replay reuses the request object
        self.timeouts: list[dict[str, float]] = []
        self.token_requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            self.token_requests += 1
            return httpx.Response(200, json={"access_token": f"tok-{self.token_requests}", "expires_in": 3600})
        self.requests.append(request)
        self.authorizations.append(request.headers.get("Authorization"))
        self.timeouts.append(dict(request.extensions["timeout"]))
        step = self.api[min(len(self.requests), len(self.api)) - 1]
        return step(request)


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Callable[..., httpx.Response]:
    return lambda request: httpx.Response(status, json=body, headers=headers)


def fail(exc: type[Exception]) -> Callable[..., httpx.Response]:
    def raise_(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)  # type: ignore[call-arg]

    return raise_


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: slept.append(seconds))  # (None: not stopped)
    return slept


def make_client(script: Script, **kwargs: Any) -> Timeback:
    return Timeback(
        client_id="id",
        client_secret=SECRET,
        base_url=BASE_URL,
        token_url=TOKEN_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        **kwargs,
    )


def make_async_client(handler: Callable[[httpx.Request], Any], **kwargs: Any) -> AsyncTimeback:
    transport = httpx.MockTransport(handler)
    return AsyncTimeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                         http_client=httpx.AsyncClient(transport=transport), **kwargs)  # fmt: skip


def get_result(client: Timeback) -> Any:
    return client.oneroster.gradebook.get_result(sourced_id="r1")


def test_retries_503_then_succeeds(sleeps: list[float]) -> None:
    script = Script([answer(503), answer(503), answer(200, RESULT)])
    assert get_result(make_client(script)).result.score == 1
    assert len(script.requests) == 3 and len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # 0.5 s x 2^n, minus up to 25% jitter


def test_gives_up_after_max_retries_with_the_last_error(sleeps: list[float]) -> None:
    script = Script([answer(502, {"imsx_description": "bad gateway"})])
    with pytest.raises(ServerError) as err:
        get_result(make_client(script, max_retries=1))
    assert len(script.requests) == 2 and err.value.retries_taken == 1 and err.value.status_code == 502


def test_retry_after_seconds_and_http_date_are_honoured(sleeps: list[float]) -> None:
    script = Script([answer(429, headers={"Retry-After": "3"}), answer(200, RESULT)])
    get_result(make_client(script))
    assert sleeps == [3.0]
    assert engine.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: retry now
    assert engine.parse_retry_after("garbage") is None
    assert engine.parse_retry_after("nan") is None  # (no advice: the backoff decides, not "retry at once")


def test_a_retry_after_date_counts_from_the_answers_date() -> None:
    """A ``Retry-After`` date is measured from the answer's own ``Date`` (RFC 9110's clock of the server), not the
    machine's: under a test's frozen clock (freezegun, 2024) a date 5 s after the server's was 71 million seconds
    away (over the cap: raised at once), or, frozen ahead, in the past (retried at once). Without a ``Date``, the
    machine's time."""
    from freezegun import freeze_time

    server_now = time.time()
    when, then = (email.utils.formatdate(server_now + seconds, usegmt=True) for seconds in (5, 0))
    with freeze_time("2024-09-05 10:00:00"):
        assert engine.parse_retry_after(when, then) == 5.0
        assert engine.parse_retry_after(when, "not a date") == engine.parse_retry_after(when) > 10**7
    wait = engine.parse_retry_after(when, None)
    assert wait is not None and 0 < wait <= 5


@pytest.mark.parametrize("value", ["1_0", "+5", "5.", ".5", "infinity", "inf", "1e3", "0x10", "٣", "2, 3"])
def test_a_retry_after_that_is_not_seconds_nor_a_date_is_no_advice(value: str) -> None:
    """Delay-seconds is digits (RFC 9110), here with a decimal fraction (``retry_after=0.5`` of ``--faults``); what
    ``float()`` takes besides ("1_0", "+5", "infinity": a 60 s cap's error at once) leaves the wait to the backoff."""
    assert engine.parse_retry_after(value) is None
    assert engine.parse_retry_after(" 2 ") == 2.0 and engine.parse_retry_after("0.5") == 0.5


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Tokyo"])
def test_retry_after_dates_without_a_zone_are_gmt_whatever_the_local_zone(
    zone: str, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # HTTP dates are GMT; RFC 9110 has recipients take the asctime form too, which (like "-0000") names no zone.
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        soon = time.time() + 30
        for value in (time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(soon)),
                      email.utils.formatdate(soon, usegmt=True).replace("GMT", "-0000")):  # fmt: skip
            wait = engine.parse_retry_after(value)
            assert wait is not None and 25 <= wait <= 31, (value, wait)
        script = Script([answer(429, headers={"Retry-After": time.asctime(time.gmtime(time.time() + 5))}),
                         answer(200, RESULT)])  # fmt: skip
        get_result(make_client(script))
        assert len(sleeps) == 1 and 0 < sleeps[0] <= 6  # (not 8 hours: RateLimitError; nor 9 hours ago: at once)
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("at", ["api", "token"])
@pytest.mark.parametrize(
    "value", ["Mon, 01 Jan 99999999999 00:00:00 GMT", "Mon, 01 Jan 2020 00:00:00 +99999999999999999999"]
)
async def test_a_retry_after_date_out_of_range_is_no_advice(
    kind: str, at: str, value: str, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date whose year or zone is past what a datetime holds raised a bare OverflowError from every call, API and
    token requests alike: no advice, the backoff decides."""
    monkeypatch.setattr(engine, "_pause_async", lambda seconds, stop, closing: asyncio.sleep(0))
    busy = {"api": 0, "token": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        where = "token" if str(request.url) == TOKEN_URL else "api"
        if where == at and not busy[where]:
            busy[where] += 1
            return httpx.Response(503, json={}, headers={"Retry-After": value})
        if where == "token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        return httpx.Response(200, json=RESULT)

    await get_result_through(kind, handler)
    assert busy[at] == 1


def test_retry_after_beyond_the_cap_raises_at_once(sleeps: list[float]) -> None:
    script = Script([answer(429, {"imsx_description": "slow down"}, {"Retry-After": "3600"})])
    with pytest.raises(RateLimitError) as err:
        get_result(make_client(script))
    assert err.value.retry_after == 3600 and len(script.requests) == 1 and sleeps == []


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (403, PermissionDeniedError), (404, NotFoundError), (409, ConflictError),
     (422, UnprocessableEntityError)],
)  # fmt: skip
def test_client_errors_are_not_retried_and_raise_their_own_class(
    status: int, error: type[RequestError], sleeps: list[float]
) -> None:
    script = Script([answer(status, {"imsx_description": "nope"})])
    with pytest.raises(RequestError) as err:
        get_result(make_client(script))
    # (exactly that class: any 4xx caught as RequestError would pass whatever class the status mapped to)
    assert type(err.value) is error and err.value.status_code == status and err.value.message == "nope"
    assert len(script.requests) == 1 and sleeps == []


@pytest.mark.parametrize(
    ("status", "error"),
    [(408, RequestError), (429, RateLimitError), *((s, ServerError) for s in (500, 502, 503, 504))],
)
def test_every_retryable_status_is_retried_then_raises_its_class(
    status: int, error: type[RequestError], sleeps: list[float]
) -> None:
    assert get_result(make_client(Script([answer(status), answer(200, RESULT)]))).retries_taken == 1
    script = Script([answer(status, {"imsx_description": "busy"})])
    with pytest.raises(RequestError) as err:
        get_result(make_client(script, max_retries=2))
    assert type(err.value) is error and err.value.retries_taken == 2 and len(script.requests) == 3


@pytest.mark.parametrize("status", [501, 505, 507, 511])
def test_a_5xx_not_named_retryable_is_not_retried_and_the_docstring_names_those_that_are(
    status: int, sleeps: list[float]
) -> None:
    """``Timeback``'s docstring said ``max_retries`` retried "5xx": it names the statuses retried."""
    script = Script([answer(status, {"imsx_description": "no"})])
    with pytest.raises(ServerError) as err:
        get_result(make_client(script, max_retries=2))
    assert err.value.retries_taken == 0 and len(script.requests) == 1
    (line,) = [line for line in (Timeback.__doc__ or "").splitlines() if "**max_retries**" in line]
    assert "5xx" not in line and set(map(int, re.findall(r"\b[45]\d\d\b", line))) == engine.RETRYABLE_STATUSES


def test_the_backoff_is_capped_and_a_negative_retry_after_means_now(sleeps: list[float]) -> None:
    script = Script([answer(503)])
    with pytest.raises(ServerError):
        get_result(make_client(script, max_retries=7))
    # 0.5, 1, 2, 4, then 8 s at most (each less up to 25% jitter): never 16 or 32 s between two attempts
    assert len(sleeps) == 7 and all(6.0 <= s <= 8.0 for s in sleeps[4:]), sleeps
    sleeps.clear()
    get_result(make_client(Script([answer(503, headers={"Retry-After": "-5"}), answer(200, RESULT)])))
    assert sleeps == [0.0]  # (time.sleep(-5.0) raises ValueError)


def test_connection_errors_and_timeouts_are_retried_then_typed(sleeps: list[float]) -> None:
    script = Script([fail(httpx.ConnectError), answer(200, RESULT)])
    assert get_result(make_client(script)).result.sourcedId == "r1"
    with pytest.raises(APIConnectionError) as conn:
        get_result(make_client(Script([fail(httpx.ConnectError)])))
    assert conn.value.retries_taken == 2 and not isinstance(conn.value, APITimeoutError)
    with pytest.raises(APITimeoutError):
        get_result(make_client(Script([fail(httpx.ReadTimeout)])))


def test_error_carries_status_request_id_and_imsx_fields(sleeps: list[float]) -> None:
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": "Result not found.",
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": "unknownobject"}
            ]
        },
    }
    script = Script([answer(404, body, {"X-Request-Id": "req-42"})])
    with pytest.raises(NotFoundError) as err:
        get_result(make_client(script))
    e = err.value
    assert (e.status_code, e.request_id, e.method) == (404, "req-42", "GET")
    assert e.url == f"{BASE_URL}/ims/oneroster/gradebook/v1p2/results/r1"
    assert e.imsx_codeMajor == "failure" and e.code_minor == [("sourcedId", "unknownobject")]
    assert str(e) == f"404: Result not found. (GET {e.url}, request id req-42)"


def test_the_request_id_of_an_aws_gateway_is_read_when_no_x_request_id_came(sleeps: list[float]) -> None:
    # (API Gateway, in front of Timeback's production, answers x-amzn-RequestId: the local server cannot send it)
    gateway = {"x-amzn-RequestId": "amzn-9"}
    with pytest.raises(NotFoundError) as err:
        get_result(make_client(Script([answer(404, {"imsx_description": "gone"}, gateway)])))
    assert err.value.request_id == "amzn-9" and "request id amzn-9" in str(err.value)
    assert get_result(make_client(Script([answer(200, RESULT, gateway)]))).request_id == "amzn-9"
    both = {"X-Request-Id": "req-1", **gateway}  # (the API's own id first)
    assert get_result(make_client(Script([answer(200, RESULT, both)]))).request_id == "req-1"


def test_token_is_fetched_once_and_reused(sleeps: list[float]) -> None:
    script = Script([answer(200, RESULT)])
    client = make_client(script)
    for _ in range(3):
        get_result(client)
    assert script.token_requests == 1
    assert script.authorizations == ["Bearer tok-1"] * 3


def test_401_drops_the_token_and_replays_once(sleeps: list[float]) -> None:
    script = Script([answer(401), answer(200, RESULT)])
    get_result(make_client(script))
    assert script.token_requests == 2 and script.authorizations == ["Bearer tok-1", "Bearer tok-2"]
    with pytest.raises(AuthError):
        get_result(make_client(Script([answer(401)])))  # a second 401 is final


def test_concurrent_threads_share_one_token_refresh() -> None:
    gate = threading.Event()
    script = Script([answer(200, RESULT)])

    def slow_token(request: httpx.Request) -> httpx.Response:
        gate.wait(1)
        return script(request)

    client = Timeback(
        client_id="id",
        client_secret=SECRET,
        base_url=BASE_URL,
        token_url=TOKEN_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(slow_token)),
    )
    threads = [threading.Thread(target=get_result, args=(client,)) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert script.token_requests == 1 and len(script.requests) == 8


async def test_concurrent_tasks_share_one_token_refresh() -> None:
    script = Script([answer(200, RESULT)])

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)
        return script(request)

    async with make_async_client(handler) as client:
        await asyncio.gather(*(client.oneroster.gradebook.get_result(sourced_id="r1") for _ in range(10)))
    assert script.token_requests == 1 and len(script.requests) == 10


@pytest.fixture
def held_token_endpoint(server: LocalServer) -> Iterator[tuple[str, threading.Event, list[str], list[int]]]:
    """A token endpoint in front of ``server``'s: its first request held for a second, then answered 503 (as the
    next ones up to the count in the last item, 1 unless a test raises it); the others passed on. Its URL, an event
    set when the first request came, the requests' paths, and that count."""
    import http.server

    first_came = threading.Event()
    asked: list[str] = []
    failing = [1]

    class TokenEndpoint(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            asked.append(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if len(asked) <= failing[0]:
                if len(asked) == 1:
                    first_came.set()
                    time.sleep(1)
                status, content = 503, b"{}"
            else:
                answer = httpx.post(f"{server.url}/oauth2/token", content=body, headers=dict(self.headers))
                status, content = answer.status_code, answer.content
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: Any) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), TokenEndpoint) as running:
        running.daemon_threads = True
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{running.server_address[1]}/oauth2/token", first_came, asked, failing
        finally:
            running.shutdown()
            thread.join()


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("own", "error"), [({"timeout": 0.5, "max_retries": 0}, APITimeoutError), ({"max_retries": 0}, ServerError)]
)
async def test_a_token_refresh_failing_for_its_calls_own_options_is_not_shared(
    server: LocalServer,
    held_token_endpoint: tuple[str, threading.Event, list[str], list[int]],
    kind: str,
    own: dict[str, Any],
    error: type[Exception],
) -> None:
    """A call whose own timeout or retries were too few for the token request it made raises its failure; the calls
    that waited for that request ask again, with their own. (All of them raised the one call's error.)"""
    token_url, first_came, asked, _ = held_token_endpoint
    kwargs = {**server.client_kwargs(), "token_url": token_url}
    outcomes: list[Any] = []
    if kind == "sync":
        with Timeback(**kwargs) as client:

            def call(options: dict[str, Any]) -> None:
                try:
                    outcomes.append(client.oneroster.gradebook.get_all_categories(limit=1, **options))
                except Exception as exc:
                    outcomes.append(exc)

            refreshing = threading.Thread(target=call, args=(own,))
            refreshing.start()
            assert first_came.wait(10)
            waiting = [threading.Thread(target=call, args=({},)) for _ in range(4)]
            for thread in waiting:
                thread.start()
            for thread in [refreshing, *waiting]:
                thread.join()
    else:
        async with AsyncTimeback(**kwargs) as async_client:

            async def waiter() -> Any:
                await asyncio.to_thread(first_came.wait, 10)
                return await async_client.oneroster.gradebook.get_all_categories(limit=1)

            refresh = async_client.oneroster.gradebook.get_all_categories(limit=1, **own)
            outcomes = await asyncio.gather(refresh, *(waiter() for _ in range(4)), return_exceptions=True)
    assert [type(o) for o in outcomes].count(error) == 1, outcomes
    assert not any(isinstance(o, Exception) for o in outcomes if type(o) is not error), outcomes
    assert len(asked) == 2  # (the failed one, and one for all who waited)


@pytest.mark.parametrize(("options", "requests"), [({"timeout": 30}, 3), ({"max_retries": 1}, 2)])
def test_a_token_endpoint_failing_calls_given_their_own_options_is_asked_once_for_them_all(
    server: LocalServer,
    held_token_endpoint: tuple[str, threading.Event, list[str], list[int]],
    options: dict[str, Any],
    requests: int,
) -> None:
    """Calls given options of their own, all alike (as a bulk upload's batches), share a token request's failure
    through its retries: they have no more to try with than it had. 5 calls with timeout=30 against an endpoint
    answering 503 made 15 requests, one call's retries after another's (now 3: one and the client's 2 retries); with
    max_retries=1, 10 (now 2)."""
    token_url, first_came, asked, failing = held_token_endpoint
    failing[0] = 100
    outcomes: list[Any] = []
    with Timeback(**{**server.client_kwargs(), "token_url": token_url}) as client:

        def call() -> None:
            try:
                outcomes.append(client.oneroster.gradebook.get_all_categories(limit=1, **options))
            except Exception as exc:
                outcomes.append(exc)

        calls = [threading.Thread(target=call) for _ in range(5)]
        calls[0].start()
        assert first_came.wait(10)
        for thread in calls[1:]:
            thread.start()
        for thread in calls:
            thread.join()
    assert [type(o) for o in outcomes] == [ServerError] * 5, outcomes
    assert len(asked) == requests


def test_secret_and_token_never_in_repr_errors_or_logs(sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="timeback")
    client = make_client(Script([answer(500, {"imsx_description": "kaput"})]))
    with pytest.raises(ServerError) as err:
        get_result(client)
    shown = " ".join(
        [repr(client), repr(client._client), str(err.value), repr(err.value), caplog.text, repr(client._client._config)]
    )
    assert SECRET not in shown and "tok-1" not in shown
    assert "GET https://api.example.test/ims/oneroster/gradebook/v1p2/results/r1 -> 500" in caplog.text


def test_the_services_read_as_what_they_are_without_a_secret() -> None:
    """A notebook showed "<timeback.resources.gradebook.Gradebook object at 0x...>" for ``client.oneroster.gradebook``
    (from the notebook analyst's run)."""
    for client in (Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL),
                   AsyncTimeback(client_id="id", client_secret=SECRET, base_url=BASE_URL)):  # fmt: skip
        kind = "Async" if isinstance(client, AsyncTimeback) else ""
        shown = [repr(client.oneroster), repr(client.oneroster.gradebook), repr(client.oneroster.rostering)]
        assert shown == [
            f"<{kind}OneRoster of {BASE_URL}: .gradebook and .rostering>",
            f"<{kind}Gradebook of {BASE_URL}: help() on it lists its methods>",
            f"<{kind}Rostering of {BASE_URL}: help() on it lists its methods>",
        ]
        assert SECRET not in " ".join(shown)


def test_a_malformed_token_answer_names_its_request_id_but_not_its_body() -> None:
    def token(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"token": "tok-secret-9"}, headers={"X-Request-Id": "tok-req-1"})

    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                      http_client=httpx.Client(transport=httpx.MockTransport(token)))  # fmt: skip
    with pytest.raises(APIResponseValidationError, match="without an access_token") as err:
        get_result(client)
    assert (err.value.request_id, err.value.status_code, err.value.body) == ("tok-req-1", 200, None)
    assert "tok-secret-9" not in repr(vars(err.value))


def test_a_whole_token_answer_without_a_token_is_asked_once_and_shared(sleeps: list[float]) -> None:
    """A 200 whose JSON is whole but holds no token is the endpoint's word, not a transfer gone wrong: it is not
    asked again within the calls' retries (only an answer cut short is), and the calls waiting for that request
    raise its error too."""
    asked: list[int] = []

    def no_token(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == TOKEN_URL
        asked.append(1)
        lock.wait_for(4)
        time.sleep(0.1)  # (the last to come gets from the count to the lock's wait)
        return httpx.Response(200, json={"token_type": "bearer"})

    client = sync_client_of(no_token)
    lock = client._client._token_lock = _CountingLock(client._client._token_lock)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.oneroster.gradebook.get_result(sourced_id="r1", max_retries=2)
        except Exception as error:
            errors.append(error)

    in_threads(call, 4)
    assert len(asked) == 1 and len(errors) == 4 and sleeps == [], (asked, errors, sleeps)
    assert all(isinstance(e, APIResponseValidationError) and e.retries_taken == 0 for e in errors), errors
    # (each naming the call it was for, once)
    said = f"token endpoint answered without an access_token; getting a token for GET {BASE_URL}/"
    assert all(str(e).startswith(said) and str(e).count("getting a token") == 1 for e in errors), errors


def test_a_connection_error_chains_the_httpx_error_without_credentials(sleeps: list[float]) -> None:
    """The httpx exception is kept as ``__cause__`` (what failed); its request no longer carries the client
    secret (token endpoint) or the bearer token (API)."""

    def token_down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(APIConnectionError) as at_token:
        get_result(Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                            http_client=httpx.Client(transport=httpx.MockTransport(token_down))))  # fmt: skip
    with pytest.raises(APIConnectionError) as at_api:
        get_result(make_client(Script([fail(httpx.ConnectError)])))
    import base64

    basic = base64.b64encode(f"id:{SECRET}".encode()).decode()
    for error in (at_token.value, at_api.value):
        cause = error.__cause__
        assert isinstance(cause, httpx.ConnectError) and "authorization" not in cause.request.headers
        shown = repr(cause.request.headers.raw) + repr(vars(error))
        assert SECRET not in shown and basic not in shown and "tok-1" not in shown


async def test_a_connection_error_says_why_the_connection_failed() -> None:
    """The operating system's reason is in the message: "connection failed: ConnectError" alone read the same for
    a server not started, a wrong host name and a proxy in the way. (Only its strerror: no header, no body.)"""
    import socket

    with socket.socket() as unused:  # (a port bound, then closed: nothing listens on it)
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    config = dict(client_id="id", client_secret=SECRET, base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(APIConnectionError) as sync_raised, Timeback(**config) as client:  # type: ignore[arg-type]
        get_result(client)
    async with AsyncTimeback(**config) as async_client:  # type: ignore[arg-type]
        with pytest.raises(APIConnectionError) as async_raised:
            await async_client.oneroster.gradebook.get_result(sourced_id="r1")
    for raised in (sync_raised, async_raised):
        # (its token request's error, naming the call it was for)
        assert str(raised.value).startswith(
            f"connection failed: ConnectError: Connection refused; getting a token for GET http://127.0.0.1:{port}/"
        ), str(raised.value)
        assert SECRET not in str(raised.value)


def test_an_http_client_following_redirects_sends_the_token_nowhere_else(sleeps: list[float]) -> None:
    """With an http_client that follows redirects, httpx sent the request on, its bearer token with it (same origin),
    and a failure there chained a request holding the token. The SDK follows no redirect, whatever its client's
    setting: one request, refused as a redirect."""

    def moved_then_down(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/r1"):
            return httpx.Response(307, headers={"Location": f"{BASE_URL}/elsewhere"})
        raise httpx.ConnectError("refused", request=request)

    script = Script([moved_then_down])
    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL, max_retries=0,
                      http_client=httpx.Client(transport=httpx.MockTransport(script), follow_redirects=True))  # fmt: skip
    with pytest.raises(RequestError) as raised:
        get_result(client)
    assert raised.value.status_code == 307 and "the base URL looks wrong" in str(raised.value)
    assert script.authorizations == ["Bearer tok-1"]  # (sent once, to the base URL)


def test_every_error_has_a_request_id_and_retries_taken_and_survives_pickle_and_copy(
    client: Timeback, sleeps: list[float]
) -> None:
    import copy
    import pickle

    with pytest.raises(NotFoundError) as missing:
        client.oneroster.gradebook.get_result(sourced_id="no-such-result")  # (the real server's 404)
    with pytest.raises(APIConnectionError) as unreachable:
        get_result(make_client(Script([fail(httpx.ConnectError)])))
    with pytest.raises(APIResponseValidationError) as malformed:
        get_result(make_client(Script([answer(200, {"result": "lots"}, {"X-Request-Id": "req-7"})])))
    assert missing.value.request_id and missing.value.retries_taken == 0
    assert (unreachable.value.request_id, unreachable.value.retries_taken) == (None, 2)
    assert (malformed.value.request_id, malformed.value.retries_taken, malformed.value.status_code) == ("req-7", 0, 200)
    for error in (missing.value, unreachable.value, malformed.value):
        for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
            assert type(again) is type(error) and str(again) == str(error) and again.__dict__ == error.__dict__


@pytest.mark.parametrize(
    ("status", "error", "attempts"),
    [
        (400, AuthError, 1),
        (401, AuthError, 1),
        (403, AuthError, 1),
        (408, RequestError, 2),
        (429, RateLimitError, 2),
        (503, ServerError, 2),
    ],
)
def test_the_token_endpoint_refusing_is_auth_error_and_being_busy_is_not(
    status: int, error: type[RequestError], attempts: int, sleeps: list[float]
) -> None:
    """A refusal of the credentials is final (AuthError, not retried); a busy or failing token endpoint is retried
    and raised as what it is, so that a caller does not rotate a secret that was fine."""
    asked: list[int] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == TOKEN_URL
        asked.append(1)
        return httpx.Response(status, json={"error": "invalid_client" if status < 429 else "busy"})

    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL, max_retries=1,
                      http_client=httpx.Client(transport=httpx.MockTransport(token_endpoint)))  # fmt: skip
    with pytest.raises(RequestError) as err:
        get_result(client)
    assert type(err.value) is error and err.value.status_code == status and len(asked) == attempts


def test_token_endpoint_refusal_is_auth_error(server: LocalServer) -> None:
    with Timeback(base_url=server.url, client_id="test-client", client_secret="not-the-secret-91x") as client:
        with pytest.raises(AuthError) as err:
            get_result(client)
    assert err.value.status_code == 401 and "token endpoint" in str(err.value) and "91x" not in str(err.value)


@pytest.mark.parametrize(("path", "status"), [("/oauth/token", 404), ("/health", 405)])
def test_a_token_url_with_no_token_endpoint_says_the_url_looks_wrong(
    server: LocalServer, path: str, status: int
) -> None:
    """It said "token endpoint refused the client credentials": a user checks the id and secret, not the URL."""
    client_id, client_secret = server.credentials
    url = server.url + path
    with Timeback(base_url=server.url, token_url=url, client_id=client_id, client_secret=client_secret) as client:
        with pytest.raises(AuthError) as err:
            get_result(client)
    message = str(err.value)
    assert err.value.status_code == status and message.startswith(f"{status}: the token URL looks wrong: no token "
                                                                   f"endpoint at {url} (")  # fmt: skip
    assert "credentials" not in message and client_secret not in message


def token_endpoint_answering(response: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: response if str(request.url) == TOKEN_URL else httpx.Response(200, json=RESULT)


def sync_client_of(handler: Callable[[httpx.Request], httpx.Response]) -> Timeback:
    return Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                    http_client=httpx.Client(transport=httpx.MockTransport(handler)))  # fmt: skip


async def get_result_through(kind: str, handler: Callable[[httpx.Request], httpx.Response]) -> None:
    """``get_result`` through a client of ``handler`` (a MockTransport's), sync or async."""
    if kind == "sync":
        get_result(sync_client_of(handler))
        return
    async with make_async_client(handler) as client:
        await client.oneroster.gradebook.get_result(sourced_id="r1")


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_a_token_url_that_redirects_says_the_url_looks_wrong(kind: str, status: int) -> None:
    """(``timeback serve`` redirects nothing: a mock.) It said "token endpoint refused the client credentials"."""
    moved = httpx.Response(status, headers={"Location": "/oauth2/token/"})
    handler = token_endpoint_answering(moved)
    with pytest.raises(AuthError) as err:
        await get_result_through(kind, handler)
    message = str(err.value)
    assert message.startswith(f"{status}: the token URL looks wrong: it redirected to "
                              "https://auth.example.test/oauth2/token/ ("), message  # fmt: skip
    assert "credentials" not in message and err.value.status_code == status


# Raw answers of the ``canned`` server, by the first segment of the request's path (the base URL's path): what
# ``timeback serve`` never answers (it redirects nothing, and answers errors in UTF-8).
CANNED: dict[str, tuple[str, str, bytes]] = {  # name: (status line, Content-Type, body)
    "latin1": ("404 Not Found", "application/json; charset=iso-8859-1",
               '{"imsx_description": "Élève introuvable"}'.encode("latin-1")),
    "utf16": ("403 Forbidden", "text/plain; charset=utf-16", "Accès refusé".encode("utf-16")),
    "unknown-charset": ("404 Not Found", "application/json; charset=x-no-such-charset",
                        '{"imsx_description": "Élève introuvable"}'.encode()),
    # JSON in UTF-8 under another charset (RFC 8259: JSON's charset parameter has no effect), and a codec that
    # refuses "replace" (a bare UnicodeError escaped the call)
    "mislabelled": ("404 Not Found", "application/json; charset=iso-8859-1",
                    '{"imsx_description": "Élève introuvable"}'.encode()),
    "idna": ("404 Not Found", "application/json; charset=idna", '{"imsx_description": "Élève introuvable"}'.encode()),
    "idna-text": ("404 Not Found", "text/plain; charset=undefined", "Élève introuvable".encode()),
    # A page in windows-1252 under the label browsers read as it (WHATWG: iso-8859-1 and us-ascii are windows-1252)
    "windows-1252": ("404 Not Found", "text/html; charset=ISO-8859-1",
                     "<title>“Élève” introuvable \u2013 404</title>".encode("cp1252")),
    # A hostile or broken server's text, to forge log lines or rewrite a terminal (C0, DEL, C1, separators, bidi).
    "hostile": ("404 Not Found", "application/json",
                b'{"imsx_description": "nope\\nERROR forged line \\u001b[31mred\\u007f\\u0085\\u2028\\u202e\\u2066"}'),
    "long-id": ("404 Not Found", "application/json", b'{"imsx_description": "nope"}'),
    "echoed": ("403 Forbidden", "application/json", f'{{"imsx_description": "refused\\n{SECRET}\\n"}}'.encode()),
    "page": ("502 Bad Gateway", "text/html", b"<html><title>Bad\x1b]0;owned\x07 gateway</title></html>"),
    "token-page": ("200 OK", "text/html\x1b[2J", b"<html><title>Sign in</title></html>"),
    "not-modified": ("304 Not Modified", "application/json", b""),  # (an answer to conditional headers: no redirect)
    # A gateway answering 407 itself, no proxy in the way (an API key it wants)
    "gateway-407": ("407 Proxy Authentication Required", "application/json",
                    b'{"imsx_description": "gateway says: API key missing"}'),
}  # fmt: skip
# Header lines the ``canned`` server adds to those answers, by name.
CANNED_HEADERS: dict[str, bytes] = {"hostile": b"X-Request-Id: abc\x1b[2J\x07\x9b\r\n",
                                    "long-id": b"X-Request-Id: " + b"r" * 20_000 + b"\r\n"}  # fmt: skip


@contextlib.contextmanager
def serving_tcp(handler: type[socketserver.BaseRequestHandler]) -> Iterator[int]:
    """``handler`` serving each connection to a loopback port (yielded) on a thread of its own, until the block ends."""
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as running:
        running.daemon_threads = True
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            yield running.server_address[1]
        finally:
            running.shutdown()
            thread.join()


@pytest.fixture(scope="module")
def canned() -> Iterator[tuple[str, list[str]]]:
    """A raw HTTP server on a loopback port: a token at ``/oauth2/token``; a redirect to ``/v2`` + the path at
    ``/moved-{status}/...``; else the ``CANNED`` answer its path's first segment names. Its URL, and the paths it
    was asked for."""

    asked: list[str] = []

    class Answer(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline()
            length = 0
            while (field := self.rfile.readline()) not in (b"\r\n", b""):
                name, _, value = field.decode("latin-1").partition(":")
                length = int(value) if name.lower() == "content-length" else length
            self.rfile.read(length)
            path = line.split()[1].decode()
            asked.append(path)
            name = path.split("/")[1]
            extra = CANNED_HEADERS.get(name, b"")
            if path == "/oauth2/token":
                status, kind, body = "200 OK", "application/json", b'{"access_token": "tok-0123456789"}'
            elif name.startswith("moved-"):
                status, kind, body = f"{name[6:]} Moved", "text/plain", b"moved"
                extra = f"Location: /v2{path}\r\n".encode()
            else:
                status, kind, body = CANNED[name]
            self.wfile.write(f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                             "Connection: close\r\n".encode() + extra + b"\r\n" + body)  # fmt: skip

    with serving_tcp(Answer) as port:
        yield f"http://127.0.0.1:{port}", asked


async def error_of_get_result(kind: str, follow_redirects: bool | None = None, **kwargs: Any) -> BaseException:
    """What ``get_result`` raises on a client of ``kwargs``: sync, async on httpx, or on aiohttp; given an http client
    of the caller's that follows redirects, or not, if ``follow_redirects`` is said."""
    told = {} if follow_redirects is None else {"follow_redirects": follow_redirects}
    with pytest.raises(Exception) as raised:
        if kind == "sync":
            with Timeback(**kwargs, http_client=httpx.Client(**told) if told else None) as client:
                get_result(client)
        else:
            http = DefaultAioHttpClient(**told) if kind == "aiohttp" else httpx.AsyncClient(**told) if told else None
            async with AsyncTimeback(**kwargs, http_client=http) as aclient:
                await aclient.oneroster.gradebook.get_result(sourced_id="r1")
    return raised.value


def canned_kwargs(url: str, name: str) -> dict[str, Any]:
    return {"client_id": "id", "client_secret": SECRET, "base_url": f"{url}/{name}", "token_url": f"{url}/oauth2/token"}


@pytest.mark.parametrize("follow_redirects", [None, True], ids=["sdk-client", "callers-client-following"])
@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_an_api_call_redirected_says_the_base_url_looks_wrong(
    canned: tuple[str, list[str]], kind: str, status: int, follow_redirects: bool | None
) -> None:
    """It said "301: moved": where it pointed, and that the base URL is what to check, were not said. Nor is it
    followed through a caller's http client made to follow redirects: httpx then turned a PUT answered 303 into a
    GET of the record, which the call returned as if written (and a create answered 301 into a listing)."""
    url, asked = canned
    path = f"/moved-{status}/ims/oneroster/gradebook/v1p2/results/r1"
    before = len(asked)  # (the server's, of every test of this module)
    error = await error_of_get_result(kind, follow_redirects, **canned_kwargs(url, f"moved-{status}"))
    assert type(error) is RequestError and error.status_code == status and error.retries_taken == 0, error
    assert str(error).startswith(f"{status}: the base URL looks wrong: it redirected to {url}/v2{path} (moved); "
                                 "check base_url"), str(error)  # fmt: skip
    assert asked[before:].count(path) == 1 and f"/v2{path}" not in asked[before:]  # (not followed, not retried)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_304_is_not_said_to_be_a_redirect(canned: tuple[str, list[str]], kind: str) -> None:
    """A 304 read "the base URL looks wrong: it redirected to nowhere it named (no Location)"."""
    url, _ = canned
    error = await error_of_get_result(kind, **canned_kwargs(url, "not-modified"), max_retries=0)
    assert type(error) is RequestError and error.status_code == 304, error
    assert "redirected" not in str(error) and "base URL" not in str(error), str(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize(
    ("name", "error", "text"),
    [("latin1", NotFoundError, "Élève introuvable"), ("utf16", PermissionDeniedError, "Accès refusé"),
     ("unknown-charset", NotFoundError, "Élève introuvable"),  # (a charset Python has not: UTF-8)
     ("mislabelled", NotFoundError, "Élève introuvable"), ("idna", NotFoundError, "Élève introuvable"),
     ("idna-text", NotFoundError, "Élève introuvable"),
     ("windows-1252", NotFoundError, "“Élève” introuvable \u2013 404")],
)  # fmt: skip
async def test_an_error_body_is_read_in_the_charset_it_declares(
    canned: tuple[str, list[str]], kind: str, name: str, error: type[RequestError], text: str
) -> None:
    """It was read as UTF-8 whatever its Content-Type said (an "è" a replacement character)."""
    url, _ = canned
    raised = await error_of_get_result(kind, **canned_kwargs(url, name), max_retries=0)
    assert type(raised) is error and raised.message == text, raised
    if name == "windows-1252":
        assert raised.body == f"<title>{text}</title>"
    else:
        assert raised.body == ({"imsx_description": text} if name not in ("utf16", "idna-text") else text)


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin1", "us-ascii"])
def test_a_page_labelled_latin_1_reads_as_windows_1252_all_its_bytes_kept(label: str) -> None:
    """(Python's cp1252 leaves five bytes undefined, which "replace" made U+FFFD; browsers read them as the C1
    controls of the same number, as latin-1 did.)"""
    from timeback.errors import decode_error_body

    page = b"caf\xe9 \x93q\x94 \x96" + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
    assert decode_error_body(page, lambda text: text, label) == "caf\xe9 \u201cq\u201d \u2013\x81\x8d\x8f\x90\x9d"
    body = decode_error_body(b'{"m": "a\x81\x93"}', lambda text: text, label)  # (JSON not in UTF-8, so labelled)
    assert body == {"m": "a\x81\u201c"}


# What a server's text may hold that must not reach a log or terminal raw: C0 and C1 controls, DEL, the line and
# paragraph separators, bidi embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_servers_control_characters_are_escaped_in_the_message(
    canned: tuple[str, list[str]], kind: str
) -> None:
    """A 404 whose description and request id hold a newline, ANSI escapes, a bell...: str(err) held them raw (a
    forged log line, a cleared terminal). Escaped in the message; the attributes keep what the server sent."""
    url, _ = canned
    raised = await error_of_get_result(kind, **canned_kwargs(url, "hostile"), max_retries=0)
    assert type(raised) is NotFoundError, raised
    sent = "nope\nERROR forged line \x1b[31mred\x7f\x85\u2028\u202e\u2066"
    assert raised.imsx_description == sent and raised.body == {"imsx_description": sent}
    assert raised.request_id == "abc\x1b[2J\x07\x9b"
    for text in (str(raised), raised.message, *raised.args):
        assert not UNSAFE.search(text), repr(text)
    escaped = "nope\\nERROR forged line \\x1b[31mred\\x7f\\x85\\u2028\\u202e\\u2066"
    assert raised.message == escaped and str(raised).startswith(f"404: {escaped} ("), str(raised)
    assert str(raised).endswith(", request id abc\\x1b[2J\\x07\\x9b)"), str(raised)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_an_overlong_request_id_is_cut_in_the_message(canned: tuple[str, list[str]], kind: str) -> None:
    """A 20,000-character X-Request-Id was in str(err) whole."""
    url, _ = canned
    raised = await error_of_get_result(kind, **canned_kwargs(url, "long-id"), max_retries=0)
    assert isinstance(raised, NotFoundError) and raised.request_id == "r" * 20_000
    assert str(raised).endswith(f", request id {'r' * 128}... (19,872 characters cut))"), str(raised)
    assert len(str(raised)) < 400


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_secret_echoed_between_control_characters_is_redacted_and_they_escaped(
    canned: tuple[str, list[str]], kind: str
) -> None:
    url, _ = canned
    raised = await error_of_get_result(kind, **canned_kwargs(url, "echoed"), max_retries=0)
    assert isinstance(raised, PermissionDeniedError), raised
    assert str(raised).startswith("403: refused\\n[redacted]\\n ("), str(raised)
    assert raised.body == {"imsx_description": "refused\n[redacted]\n"} and SECRET not in repr(raised.__dict__)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_pages_title_and_a_token_endpoints_content_type_are_escaped(
    canned: tuple[str, list[str]], kind: str
) -> None:
    url, _ = canned
    raised = await error_of_get_result(kind, **canned_kwargs(url, "page"), max_retries=0)
    assert isinstance(raised, ServerError) and str(raised).startswith("502: Bad\\x1b]0;owned\\x07 gateway ("), raised
    token_url = f"{url}/token-page/oauth2/token"
    raised = await error_of_get_result(kind, **{**canned_kwargs(url, "page"), "token_url": token_url}, max_retries=0)
    assert isinstance(raised, APIResponseValidationError), raised
    assert str(raised).startswith("token endpoint answered text/html\\x1b[2J without an access_token"), str(raised)
    assert not UNSAFE.search(str(raised)), str(raised)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_web_page_for_a_token_says_the_url_looks_wrong(kind: str) -> None:
    page = httpx.Response(200, text="<html><title>Sign in</title></html>", headers={"Content-Type": "text/html"})
    handler = token_endpoint_answering(page)
    with pytest.raises(APIResponseValidationError) as err:
        await get_result_through(kind, handler)
    assert str(err.value).startswith("token endpoint answered text/html without an access_token: the token URL looks "
                                     "wrong"), str(err.value)  # fmt: skip


@pytest.mark.parametrize(
    "content_type, retried", [("application/json", True), (None, True), ("text/html; charset=utf-8", False)]
)
@pytest.mark.parametrize("content", [b"", b" \r\n"])
def test_a_token_answer_with_no_json_value_is_retried_unless_a_web_page(
    sleeps: list[float], content: bytes, content_type: str | None, retried: bool
) -> None:
    """An empty or blank 200 said to be JSON, or not said to be anything, is a transfer cut short: asked again, as
    one whose JSON ends mid-value is, and not said to end mid-value (it has no value). Said to be a web page (a
    captive portal, a wrong URL), it is no token endpoint's answer: raised at once, saying so (was: retried, then
    "answered text/html JSON cut short (it ends mid-value): the token URL looks wrong")."""
    asked: list[int] = []
    headers = {"Content-Type": content_type} if content_type else {}

    def blank(request: httpx.Request) -> httpx.Response:
        if str(request.url) != TOKEN_URL:
            return httpx.Response(200, json=RESULT)
        asked.append(1)
        return httpx.Response(200, content=content, headers=headers)

    with pytest.raises(APIResponseValidationError) as err:
        sync_client_of(blank).oneroster.gradebook.get_result(sourced_id="r1", max_retries=2)
    if retried:
        assert str(err.value).startswith(
            "token endpoint answered a body with no JSON value (empty or blank); getting a "
        )
        assert (len(asked), err.value.retries_taken) == (3, 2)
    else:
        assert str(err.value).startswith("token endpoint answered text/html without an access_token: the token URL "
                                         "looks wrong"), str(err.value)  # fmt: skip
        assert (len(asked), err.value.retries_taken) == (1, 0)


def test_a_web_page_for_an_error_is_one_short_line_in_the_message() -> None:
    page = "<!DOCTYPE html>\n<html>\n  <head>\n    <title>502 Bad Gateway</title>\n  </head>\n" + "<p>x</p>\n" * 200
    script = Script([lambda request: httpx.Response(502, text=page, headers={"Content-Type": "text/html"})])
    with pytest.raises(ServerError) as err:
        make_client(script, max_retries=0).oneroster.gradebook.get_result(sourced_id="r1")
    assert str(err.value).startswith("502: 502 Bad Gateway ("), str(err.value)
    assert err.value.body == page  # (the page itself, as it came)


def test_replays_after_the_server_forgets_its_tokens(server: LocalServer, client: Timeback) -> None:
    client.oneroster.gradebook.put_category(sourced_id="replay-cat", category={"title": "x"})
    server.app.state.tokens._grants.clear()  # as if the server restarted: every issued token is now unknown
    assert client.oneroster.gradebook.get_category(sourced_id="replay-cat").category.title == "x"


# ----- per-call options, the overall deadline, and what a response tells about its call


class FakeClock:
    """Stands in for the SDK's clock (``_clock.monotonic``) and the waits to retry (``_pause``) in the engine: a wait
    advances it, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def pause(self, seconds: float, stop: object, closing: object) -> bool:
        self.slept.append(seconds)
        self.now += seconds
        return False


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(engine, "monotonic", fake.monotonic)
    monkeypatch.setattr(engine, "_pause", fake.pause)
    return fake


def test_per_call_max_retries_overrides_the_client(clock: FakeClock) -> None:
    script = Script([answer(503)])
    client = make_client(script, max_retries=2)
    with pytest.raises(ServerError) as err:
        client.oneroster.gradebook.get_result(sourced_id="r1", max_retries=0)
    assert len(script.requests) == 1 and err.value.retries_taken == 0
    with pytest.raises(ServerError) as err:
        client.oneroster.gradebook.get_result(sourced_id="r1", max_retries=4)
    assert len(script.requests) == 1 + 5 and err.value.retries_taken == 4


def test_per_call_timeout_reaches_the_transport(clock: FakeClock) -> None:
    script = Script([answer(200, RESULT)])
    client = make_client(script, timeout=30)
    get_result(client)
    assert script.timeouts[-1]["read"] == 30
    client.oneroster.gradebook.get_result(sourced_id="r1", timeout=httpx.Timeout(2.5, connect=1.0))
    assert script.timeouts[-1] == {"connect": 1.0, "read": 2.5, "write": 2.5, "pool": 2.5}


def test_deadline_bounds_the_whole_call_retries_included(clock: FakeClock) -> None:
    script = Script([answer(503)])
    client = make_client(script, max_retries=10)
    with pytest.raises(ServerError) as err:
        client.oneroster.gradebook.get_result(sourced_id="r1", deadline=1.1)
    # waits of 0.375-0.5 s then 0.75-1 s (jitter): the second always ends past 1.1 s, so one retry only
    assert err.value.retries_taken == 1 and len(clock.slept) == 1
    assert clock.now - 1000.0 < 1.1
    assert "; not retried: the wait before the next attempt would pass the call's deadline (GET" in str(err.value)
    # each attempt's timeout is cut to what is left of the deadline
    assert script.timeouts[0]["read"] == pytest.approx(1.1)
    assert script.timeouts[1]["read"] == pytest.approx(1.1 - clock.slept[0])


def faulty_twin(server: LocalServer, faults: str) -> Iterator[LocalServer]:
    """A server on ``server``'s store and credentials answering with ``faults`` (tokens come from ``server``)."""
    from timeback.server import ServerSettings

    client_id, client_secret = server.credentials
    settings = ServerSettings(client_id=client_id, client_secret=client_secret, faults=faults)
    with LocalServer(settings, storage=server.app.state.storage) as running:
        yield running


@pytest.fixture(scope="module")
def rate_limiting(server: LocalServer) -> Iterator[LocalServer]:
    """A server answering every request 429 with ``Retry-After: 30``."""
    yield from faulty_twin(server, "429=1,retry_after=30")


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_retry_after_past_the_deadline_says_the_deadline_ruled_it_out(
    server: LocalServer, rate_limiting: LocalServer, kind: str
) -> None:
    """A 429 asking for 30 s, the call's deadline 10 s: raised at once, as before, and now saying why it was not
    retried (the error read as a 429 the SDK forgot to retry)."""
    kwargs = {**server.client_kwargs(), "base_url": rate_limiting.url, "token_url": f"{server.url}/oauth2/token"}
    before = rate_limiting.app.state.faults.counts["429"]
    with pytest.raises(RateLimitError) as err:
        if kind == "sync":
            with Timeback(**kwargs) as client:
                client.oneroster.gradebook.get_result(sourced_id="r1", deadline=10)
        else:
            async with AsyncTimeback(**kwargs) as async_client:
                await async_client.oneroster.gradebook.get_result(sourced_id="r1", deadline=10)
    assert err.value.retry_after == 30 and err.value.retries_taken == 0
    assert rate_limiting.app.state.faults.counts["429"] == before + 1
    assert "; not retried: the server asked for a wait of 30 s, past the call's deadline (GET" in str(err.value)


@pytest.mark.parametrize("deadline", [None, 30.0])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_retry_calls_the_callers_trace_not_the_earlier_attempts_wrapper(
    server: LocalServer, kind: str, deadline: float | None
) -> None:
    """A request hook wrapping the ``trace`` extension it finds (as tracing instrumentation does), the first attempt
    answered 503: the retry, the same request, carried the first attempt's wrapper on, so the hook wrapped it again
    and the first attempt's wrapper saw the retry's events too (``send_request_headers.started`` twice). Each
    attempt's wrapper now sees its own attempt only, around the SDK's trace of a call with a deadline."""
    events: list[list[str]] = []  # (each attempt's wrapper's: the token request's aside)

    def wrapped(request: httpx.Request) -> list[str]:
        seen: list[str] = []
        if not request.url.path.endswith("/oauth2/token"):
            events.append(seen)
        return seen

    def sync_hook(request: httpx.Request) -> None:
        then, seen = request.extensions.get("trace"), wrapped(request)

        def trace(name: str, info: dict[str, Any]) -> None:
            seen.append(name)
            if then is not None:
                then(name, info)

        request.extensions["trace"] = trace

    async def async_hook(request: httpx.Request) -> None:
        then, seen = request.extensions.get("trace"), wrapped(request)

        async def trace(name: str, info: dict[str, Any]) -> None:
            seen.append(name)
            if then is not None:
                await then(name, info)

        request.extensions["trace"] = trace

    with contextlib.contextmanager(faulty_twin)(server, "503=0.5,seed=1") as once:  # (seed 1: 503, then answered)
        once.app.state.tokens = server.app.state.tokens  # (the token from ``server``'s endpoint: no fault drawn)
        kwargs = {**server.client_kwargs(), "base_url": once.url, "token_url": f"{server.url}/oauth2/token"}
        with pytest.raises(NotFoundError) as raised:
            if kind == "sync":
                with Timeback(**kwargs, http_client=DefaultHttpxClient(event_hooks={"request": [sync_hook]})) as c:
                    c.oneroster.gradebook.get_result(sourced_id=uid("traced"), deadline=deadline)
            else:
                http = DefaultAsyncHttpxClient(event_hooks={"request": [async_hook]})
                async with AsyncTimeback(**kwargs, http_client=http) as client:
                    await client.oneroster.gradebook.get_result(sourced_id=uid("traced"), deadline=deadline)
        assert once.app.state.faults.counts["503"] == 1 and raised.value.retries_taken == 1
    started = [seen.count("http11.send_request_headers.started") for seen in events]
    assert started == [1, 1], events


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_stops_the_wait_for_a_retry_after_on_windows_too(
    server: LocalServer, rate_limiting: LocalServer
) -> None:
    """A sync call waiting out a server's Retry-After (up to a minute) in the main thread: on Windows Ctrl-C did not
    wake that wait, and the KeyboardInterrupt came once it was over."""
    kwargs = {**server.client_kwargs(), "base_url": rate_limiting.url, "token_url": f"{server.url}/oauth2/token"}
    before = rate_limiting.app.state.faults.counts["429"]
    with Timeback(**kwargs, max_retries=1) as client:
        with ctrl_c_waiting_in(engine._pause, release=client.close) as released, pytest.raises(KeyboardInterrupt):
            client.oneroster.gradebook.get_result(sourced_id="r1")
    assert not released.is_set()  # (stopped in the wait, which was not ended for it)
    assert rate_limiting.app.state.faults.counts["429"] == before + 1


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_stops_the_wait_for_another_threads_token_request_on_windows_too(server: LocalServer) -> None:
    """A sync call in the main thread waiting for the token another thread asks for (as long as that request and
    its retries take, a minute's Retry-After among them): on Windows Ctrl-C did not wake that wait on the token
    lock, and the KeyboardInterrupt came once the other thread had its token."""
    from timeback import DefaultHttpxClient

    asked, hold = threading.Event(), threading.Event()

    def held(request: httpx.Request) -> None:  # (the token request, in the other thread: answered once released)
        if request.url.path.endswith("/oauth2/token"):
            asked.set()
            hold.wait(60)

    with Timeback(**server.client_kwargs(), http_client=DefaultHttpxClient(event_hooks={"request": [held]})) as client:
        refreshing = threading.Thread(target=client.oneroster.gradebook.get_all_categories, kwargs={"limit": 1})
        refreshing.start()
        try:
            assert asked.wait(10)
            lock = client._client._token_lock
            with (
                ctrl_c_waiting_in(engine.SyncAPIClient._token, release=hold.set, lock=lock) as released,
                pytest.raises(KeyboardInterrupt),
            ):
                client.oneroster.gradebook.get_all_categories(limit=1)
        finally:
            hold.set()
            refreshing.join()
    assert not released.is_set()  # (stopped in the wait, which was not ended for it)


@pytest.fixture(scope="module")
def slow_twin(server: LocalServer) -> Iterator[LocalServer]:
    """A server answering every request a second late."""
    yield from faulty_twin(server, "slow=1,slow_ms=1000")


def test_a_pool_wait_timing_out_says_nothing_was_sent(slow_twin: LocalServer) -> None:
    """Said "request timed out", as if the server had been slow to answer what it was sent."""
    http_client = httpx.Client(limits=httpx.Limits(max_connections=1))
    outcomes: list[Any] = []
    with Timeback(
        **slow_twin.client_kwargs(), http_client=http_client, timeout=httpx.Timeout(10, pool=0.2), max_retries=0
    ) as client:

        def call() -> None:
            try:
                outcomes.append(client.oneroster.gradebook.get_all_categories(limit=1))
            except APITimeoutError as exc:
                outcomes.append(exc)

        in_threads(call, 2)
    (error,) = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(error.__cause__, httpx.PoolTimeout)
    assert str(error).startswith("no connection free in the pool within its timeout: this attempt not sent (GET "), (
        error
    )


@pytest.mark.parametrize("kind", ["sync", "sync-default", "httpx", "httpx-default", "aiohttp"])
async def test_the_sdks_own_http_client_keeps_a_connection_for_each_of_32_threads_or_tasks(
    server: LocalServer, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx's default pool keeps 20 idle connections: 32 threads sharing one client opened a new connection for
    nearly every call (1,484 for 1,496 calls). Tasks, which take turns, meet it when many calls at once leave more
    than 20 connections idle: 5 times 64 calls at once opened 215-228, never more than 64 at a time. Here a
    response hook holds each answer of a round until all 64 have come, so 64 connections are busy at once (tasks
    started by ``gather`` alone held ~16 at a time, which 20 idle ones serve: the test passed without the SDK's
    limits). Counted as the server accepts them. "-default": a ``DefaultHttpxClient`` / ``DefaultAsyncHttpxClient``
    passed in (with an event hook, as a caller passes one for) keeps the same pool."""
    from timeback.server.protocol import BoundedHttpToolsProtocol

    answered: list[int] = []

    accepted = [0]
    connection_made = BoundedHttpToolsProtocol.connection_made

    def counted(protocol: BoundedHttpToolsProtocol, transport: Any) -> None:
        accepted[0] += 1
        connection_made(protocol, transport)

    monkeypatch.setattr(BoundedHttpToolsProtocol, "connection_made", counted)
    if kind.startswith("sync"):
        start = threading.Barrier(32)
        hooked = DefaultHttpxClient(event_hooks={"response": [lambda r: answered.append(r.status_code)]})
        with Timeback(**server.client_kwargs(), http_client=hooked if kind == "sync-default" else None) as client:

            def calls(_: int) -> None:
                start.wait()
                for _ in range(10):
                    client.oneroster.gradebook.get_all_categories(limit=1)

            with concurrent.futures.ThreadPoolExecutor(32) as pool:
                list(pool.map(calls, range(32)))
    else:

        async def note(response: httpx.Response) -> None:
            answered.append(response.status_code)

        rounds = [asyncio.Event() for _ in range(2)]
        waiting = [0]

        async def answered_together(response: httpx.Response) -> None:
            if response.request.url.path == "/oauth2/token":  # (it goes alone, before the calls)
                return
            turn, waiting[0] = divmod(waiting[0], 64), waiting[0] + 1
            if turn[1] == 63:  # (an Event wakes its waiters at once; asyncio.Barrier, one per loop iteration)
                rounds[turn[0]].set()
            await rounds[turn[0]].wait()

        def hooked(http: httpx.AsyncClient) -> httpx.AsyncClient:
            http.event_hooks["response"].append(answered_together)
            return http

        new_http = engine.AsyncAPIClient._new_http  # (the SDK's own: one per event loop, made on its first call)
        monkeypatch.setattr(engine.AsyncAPIClient, "_new_http", lambda client: hooked(new_http(client)))
        callers = {"aiohttp": DefaultAioHttpClient(),
                   "httpx-default": DefaultAsyncHttpxClient(event_hooks={"response": [note]})}  # fmt: skip
        http_client = hooked(callers[kind]) if kind in callers else None
        async with AsyncTimeback(**server.client_kwargs(), http_client=http_client) as async_client:
            for _ in rounds:
                await asyncio.gather(*(async_client.oneroster.gradebook.get_all_categories(limit=1) for _ in range(64)))
            # (64 at once, then kept. aiohttp's transport gives a connection back before the hook: at most 64)
            assert accepted[0] == 64 if kind != "aiohttp" else accepted[0] <= 64, accepted
            assert answered == ([200] * 129 if kind == "httpx-default" else []), answered  # (and the token request)
            return
    assert accepted[0] <= 32, accepted
    assert answered == ([200] * 321 if kind == "sync-default" else []), answered


def test_a_request_waiting_for_a_pooled_connection_past_its_deadline_is_not_sent(slow_twin: LocalServer) -> None:
    """Two connections, five PUTs from threads with a deadline of 1.5 s, each answered a second late: four go out by
    then, the fifth waits for a connection. httpcore restarts that wait, whole, when a connection it was given is
    taken by another thread first; the PUT then went out past its deadline (when a connection came free, at 2 s) and
    was stored, the call having been told its time was up. (Not tested on AsyncTimeback, whose tasks did not meet
    that race here: its deadline timer frees a connection at the very time the fifth's deadline passes.)"""
    outcomes: list[Any] = []
    http_client = httpx.Client(limits=httpx.Limits(max_connections=2))
    with Timeback(**slow_twin.client_kwargs(), http_client=http_client, max_retries=0) as client:
        client.oneroster.gradebook.get_all_categories(limit=1)  # (the token, and a connection)
        before = slow_twin.app.state.faults.counts["requests"]

        def put(number: int) -> None:
            try:
                outcomes.append(
                    client.oneroster.gradebook.put_category(
                        sourced_id=f"pooled-{number}", category={"title": "t"}, deadline=1.5
                    )
                )
            except APITimeoutError as exc:
                outcomes.append(exc)

        threads = [threading.Thread(target=put, args=(n,)) for n in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent = slow_twin.app.state.faults.counts["requests"] - before
    assert sent == 4, outcomes
    (not_sent,) = [o for o in outcomes if isinstance(o, APITimeoutError) and o._not_sent is not None]
    assert str(not_sent).startswith("deadline of 1.5s passed"), not_sent


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_an_async_request_waiting_for_a_pooled_connection_past_its_deadline_is_not_sent(
    slow_twin: LocalServer, kind: str
) -> None:
    """One connection, held by a PUT answered a second late; a second PUT, its deadline 0.3 s, waits for it until
    AsyncTimeback's deadline timer stops it. Nothing of it was sent, but its error said it may have been applied
    ("an attempt of this call got no answer"), as if it had: now the deadline's, not sent, as on ``Timeback``."""
    from timeback import DefaultAioHttpClient

    limits = httpx.Limits(max_connections=1)
    http_client = DefaultAioHttpClient(limits=limits) if kind == "aiohttp" else httpx.AsyncClient(limits=limits)
    async with AsyncTimeback(**slow_twin.client_kwargs(), http_client=http_client, max_retries=0) as client:
        await client.oneroster.gradebook.get_all_categories(limit=1)  # (the token, and the connection)
        counts = slow_twin.app.state.faults.counts
        before = counts["requests"]
        holding = asyncio.create_task(
            client.oneroster.gradebook.put_category(sourced_id="pool-held", category={"title": "t"})
        )
        while counts["requests"] == before:  # (the connection taken)
            await asyncio.sleep(0.01)
        with pytest.raises(APITimeoutError) as err:
            await client.oneroster.gradebook.put_category(
                sourced_id="pool-waited", category={"title": "t"}, deadline=0.3
            )
        await holding
        assert counts["requests"] == before + 1
    assert str(err.value).startswith("deadline of 0.3s passed (PUT "), err.value
    assert err.value._not_sent is not None and not err.value._answer_lost


def _orphans(http: httpx.AsyncClient) -> list[Any]:
    """The connections of ``http``'s pool that no request in it holds, neither idle nor closed: never used again."""
    pool = http._transport._pool  # type: ignore[attr-defined]  # (httpx's own transport's)
    held = [request.connection for request in pool._requests]
    return [c for c in pool._connections if not (c.is_idle() or c.is_closed() or any(c is h for h in held))]


async def _each_on_a_new_connection(request: httpx.Request) -> None:
    """(A request hook: the server closes the connection after its answer, so that each request connects.)"""
    request.headers["Connection"] = "close"


async def test_calls_cancelled_once_connected_leave_no_connection_behind(server: LocalServer) -> None:
    """httpcore 1.0.9 (encode/httpcore#1093) kept a connection whose request was cancelled once connected, before
    anything was written on it, in its pool for good: neither idle nor closed, never used nor closed again. Two of
    them (``max_connections=2``) and every later call waited its whole pool timeout for a connection: "no connection
    free in the pool within its timeout", the server up and idle."""

    async def cancel_once_connected(name: str, info: dict[str, Any]) -> None:
        if name == "connection.connect_tcp.complete":
            cast(asyncio.Task[Any], asyncio.current_task()).cancel()  # (raised at its next await, before writing)

    async def hooks(request: httpx.Request) -> None:
        await _each_on_a_new_connection(request)
        if request.url.path.endswith("/cut"):
            request.extensions["trace"] = cancel_once_connected

    http = DefaultAsyncHttpxClient(limits=httpx.Limits(max_connections=2), event_hooks={"request": [hooks]})
    async with AsyncTimeback(**server.client_kwargs(), http_client=http, max_retries=0) as client:
        gradebook = client.oneroster.gradebook
        for _ in range(2):
            cut = asyncio.create_task(gradebook.get_category(sourced_id="cut"))
            with pytest.raises(asyncio.CancelledError):
                await cut
        assert _orphans(http) == [] and http._transport._pool._requests == []  # type: ignore[attr-defined]
        with pytest.raises(NotFoundError):  # (answered: not an APITimeoutError waiting for a connection)
            await gradebook.get_category(sourced_id="plain", timeout=httpx.Timeout(5, pool=0.5))


async def test_calls_cut_short_at_random_leave_no_connection_behind(server: LocalServer) -> None:
    """As above, for calls cut wherever their deadline or a caller's ``asyncio.timeout`` fell (each request on a
    connection of its own, two at most): the pool as empty after them as before, and a call answered."""
    chance = random.Random(7)
    cuts: collections.Counter[str] = collections.Counter()

    async def cut_short(by_deadline: bool) -> None:
        try:
            if by_deadline:
                await gradebook.get_category(sourced_id="cut", deadline=chance.uniform(0.0002, 0.004))
            else:
                async with asyncio.timeout(chance.uniform(0, 0.004)):
                    await gradebook.get_category(sourced_id="cut")
        except (APITimeoutError, TimeoutError, NotFoundError) as exc:
            cuts[type(exc).__name__] += 1

    http = DefaultAsyncHttpxClient(
        limits=httpx.Limits(max_connections=2), event_hooks={"request": [_each_on_a_new_connection]}
    )
    async with AsyncTimeback(**server.client_kwargs(), http_client=http, max_retries=0) as client:
        gradebook = client.oneroster.gradebook
        await gradebook.get_all_categories(limit=1)  # (the token)
        for _ in range(100):
            await asyncio.gather(*(cut_short(by_deadline=n % 2 == 0) for n in range(4)))
        assert cuts["APITimeoutError"] and cuts["TimeoutError"], cuts  # (both kinds cut some)
        assert _orphans(http) == [] and http._transport._pool._requests == []  # type: ignore[attr-defined]
        with pytest.raises(NotFoundError):
            await gradebook.get_category(sourced_id="plain", timeout=httpx.Timeout(5, pool=0.5))


def test_deadline_as_a_client_option_and_a_slow_attempt(clock: FakeClock) -> None:
    def slow_then_timeout(request: httpx.Request) -> httpx.Response:
        clock.now += 5.0  # the attempt used up the whole deadline before timing out
        raise httpx.ReadTimeout("slow", request=request)

    client = make_client(Script([slow_then_timeout]), deadline=5.0, max_retries=5)
    with pytest.raises(APITimeoutError) as err:
        get_result(client)
    assert err.value.retries_taken == 0 and clock.slept == []


def test_a_call_none_of_whose_attempts_was_sent_is_not_sent_when_its_deadline_passes(clock: FakeClock) -> None:
    """A refused connection, then a wait for a pooled connection until the deadline: neither attempt was sent, but
    the refused one counted as sent, and the deadline's error was not marked not sent."""

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def pool_wait_to_the_deadline(request: httpx.Request) -> httpx.Response:
        clock.now += 10.0
        raise httpx.PoolTimeout("no connection free", request=request)

    client = make_client(Script([refused, pool_wait_to_the_deadline]), deadline=5.0, max_retries=2)
    with pytest.raises(APITimeoutError) as err:
        get_result(client)
    assert str(err.value).startswith("deadline of 5s passed (GET "), err.value
    assert err.value.retries_taken == 1 and err.value._not_sent == _deadline.NO_TIME_LEFT


def test_responses_tell_retries_taken_and_request_id(clock: FakeClock) -> None:
    script = Script([answer(503), answer(200, RESULT, {"X-Request-Id": "req-7"})])
    resp = get_result(make_client(script))
    assert (resp.retries_taken, resp.request_id) == (1, "req-7")
    assert "retries_taken" not in resp.model_dump() and "request_id" not in resp.to_dict()
    page = make_client(Script([answer(200, {"results": [], "totalCount": 0}, {"X-Request-Id": "p-1"})]))
    listing = page.oneroster.gradebook.get_all_results()
    assert (listing.retries_taken, listing.request_id) == (0, "p-1")


async def test_async_per_call_options() -> None:
    script = Script([answer(503)])
    async with make_async_client(script) as client:
        with pytest.raises(ServerError) as err:
            await client.oneroster.gradebook.get_result(sourced_id="r1", max_retries=0, timeout=3)
    assert len(script.requests) == 1 and err.value.retries_taken == 0
    assert script.timeouts[0]["read"] == 3


def test_retries_taken_on_a_real_server_answer(client: Timeback) -> None:
    resp = client.oneroster.gradebook.put_category(sourced_id="meta-cat", category={"title": "x"})
    assert resp.retries_taken == 0 and resp.request_id and len(resp.request_id) == 32


# (10**400: too large for a float, it overflowed at the first call; taken as math.inf)
@pytest.mark.parametrize("deadline", [float("inf"), 1e10, pytest.param(10**400, id="10**400")])
async def test_an_endless_deadline_with_no_timeout_sends_sync_and_async(server: LocalServer, deadline: float) -> None:
    # A call lifts the client's deadline with deadline=inf (None keeps the client's): with no timeout, what is left
    # of it is no cap either (a socket takes no timeout past about 292 years: the sync client raised OverflowError).
    options: dict[str, Any] = {"deadline": 30, "timeout": 30}
    call: dict[str, Any] = {"sourced_id": "endless-cat", "deadline": deadline, "timeout": httpx.Timeout(None)}
    with Timeback(**server.client_kwargs(), **options) as client:
        client.oneroster.gradebook.put_category(category={"title": "x"}, **call)
        assert client.oneroster.gradebook.get_category(**call).category.title == "x"
    async with AsyncTimeback(**server.client_kwargs(), **options) as async_client:
        assert (await async_client.oneroster.gradebook.get_category(**call)).category.title == "x"


@pytest.mark.parametrize(
    "timeout", [float("inf"), 1e10, httpx.Timeout(60, read=float("inf"))], ids=["inf", "1e10", "read-inf"]
)
async def test_an_endless_timeout_is_no_limit_sync_async_and_on_aiohttp(server: LocalServer, timeout: Any) -> None:
    """``timeout=math.inf`` is a natural way to ask for none: every call raised a bare OverflowError (the socket
    takes no timeout past about 292 years; aiohttp none that is infinite), given to a client or to a call."""
    from timeback import DefaultAioHttpClient

    with Timeback(**server.client_kwargs(), timeout=timeout) as client:
        client.oneroster.gradebook.put_category(sourced_id="endless-timeout", category={"title": "x"})
        assert client.oneroster.gradebook.get_category(sourced_id="endless-timeout", timeout=timeout).category.title
    async with AsyncTimeback(**server.client_kwargs(), timeout=timeout, http_client=DefaultAioHttpClient()) as aio:
        assert (await aio.oneroster.gradebook.get_category(sourced_id="endless-timeout")).category.title == "x"
    async with AsyncTimeback(**server.client_kwargs(), timeout=timeout) as async_client:
        assert (await async_client.oneroster.gradebook.get_category(sourced_id="endless-timeout")).category.title


PAIR = {"suppliedSourcedId": "r1", "allocatedSourcedId": "r1"}
BULK_ROW = {"sourcedId": "r1", "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"},
            "scoreStatus": "fully graded", "scoreDate": "2024-01-16T10:00:00Z", "score": 1}  # fmt: skip


@pytest.mark.parametrize("body", [{"sourcedIdPairs": [PAIR]}, {"sourcedIdPairs": PAIR}], ids=["array", "object"])
def test_a_bulk_batch_answer_in_either_form_counts_as_stored(body: dict[str, Any]) -> None:
    summary = make_client(Script([answer(201, body)])).oneroster.gradebook.bulk_post_results([BULK_ROW])
    assert summary.ok and summary.stored == 1


@pytest.mark.parametrize("status", [200, 201, 202])
def test_a_batch_answered_with_no_pairs_is_stored_once_read_back_and_a_create_answers_none(status: int) -> None:
    """The official GUIDPairSet makes ``sourcedIdPairs`` optional (Timeback's requires them): a batch answered
    ``{}`` says nothing of what was stored, so its results are read back, as a lost answer's are (tests/test_bulk.py
    has it against the real server): stored if they read back as sent, else failed, maybe stored. It raised
    "missing sourcedIdPairs" and bulk_post_results stopped; then it counted as stored, nothing read. A single
    create so answered returns no pairs."""
    import json

    sent: list[Any] = []

    def store(request: httpx.Request) -> httpx.Response:
        sent.extend(json.loads(request.content)["results"])
        return httpx.Response(status, json={})

    read_back = Script([store, lambda request: httpx.Response(200, json={"results": sent, "totalCount": len(sent)})])
    summary = make_client(read_back).oneroster.gradebook.bulk_post_results([BULK_ROW])
    assert summary.ok and (summary.stored, summary.batches) == (1, 1)
    assert [(r.method, r.url.params.get("filter")) for r in read_back.requests] == [
        ("POST", None),
        ("GET", "sourcedId@'r1'"),
    ]
    not_found = Script([answer(status, {}), answer(200, {"results": [], "totalCount": 0})])
    summary = make_client(not_found).oneroster.gradebook.bulk_post_results([BULK_ROW])
    (failure,) = summary.failures
    assert summary.stored == 0 and failure.sourced_ids == ("r1",) and failure.maybe_stored
    assert "answered with no sourcedIdPairs; its records may have been stored all the same" in failure.reason
    gradebook = make_client(Script([answer(201, {})])).oneroster.gradebook
    created = gradebook.create_result_for_line_item(line_item_sourced_id="li", results=[BULK_ROW])
    assert list(created.sourcedIdPairs) == [] and created.sourcedIdPairs.allocatedSourcedId is None


@pytest.mark.parametrize(
    "body", [{"error": "x"}, {"sourcedIdPairs": "garbage"}, {"sourcedIdPairs": [{"supplied": "r1"}]}, []]
)
def test_a_malformed_bulk_batch_answer_is_not_counted_as_stored(body: Any) -> None:
    # (a proxy or a broken server answering 2xx with something else: the upload stops, as on any other call)
    with pytest.raises(APIResponseValidationError, match="create_result_for_line_item") as raised:
        make_client(Script([answer(201, body)])).oneroster.gradebook.bulk_post_results([BULK_ROW])
    if isinstance(body, dict) and "sourcedIdPairs" in body:  # (the same words as a single create's answer)
        assert "sourcedIdPairs must be an array of pairs or one pair" in str(raised.value)


# ----- the token request is part of the call: its options and its deadline bound it too


def token_down(clock: FakeClock | None = None) -> Callable[[httpx.Request], httpx.Response]:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        if clock is not None:
            clock.now += request.extensions["timeout"]["read"]  # the attempt waited its whole read timeout
        raise httpx.ReadTimeout("token endpoint hangs", request=request)

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


def test_a_calls_options_and_deadline_bound_its_token_request(clock: FakeClock) -> None:
    handler = token_down(clock)
    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                      http_client=httpx.Client(transport=httpx.MockTransport(handler)))  # fmt: skip
    with pytest.raises(APITimeoutError):
        client.oneroster.gradebook.get_result(sourced_id="r1", max_retries=0, timeout=2)
    assert handler.seen == [{"connect": 2, "read": 2, "write": 2, "pool": 2}]  # type: ignore[attr-defined]
    handler.seen.clear()  # type: ignore[attr-defined]
    start = clock.now
    with pytest.raises(APITimeoutError):
        client.oneroster.gradebook.get_result(sourced_id="r1", deadline=1.5)
    # (was: three attempts of 60 s each, the client's timeout and retries, whatever the call's deadline)
    assert clock.now - start <= 1.5 and len(handler.seen) == 1  # type: ignore[attr-defined]


async def test_async_a_calls_options_bound_its_token_request() -> None:
    handler = token_down()
    async with make_async_client(handler) as client:
        with pytest.raises(APITimeoutError):
            await client.oneroster.gradebook.get_result(sourced_id="r1", max_retries=0, timeout=2)
    assert handler.seen == [{"connect": 2, "read": 2, "write": 2, "pool": 2}]  # type: ignore[attr-defined]


def test_a_call_waiting_for_another_calls_token_request_keeps_its_deadline() -> None:
    asked, release, answered = threading.Event(), threading.Event(), threading.Event()
    script = Script([answer(200, RESULT)])

    def slow_token(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            asked.set()
            release.wait(10)
            answered.set()
        return script(request)

    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                      http_client=httpx.Client(transport=httpx.MockTransport(slow_token)))  # fmt: skip
    first = threading.Thread(target=get_result, args=(client,))  # no deadline: it fetches the token, slowly
    first.start()
    asked.wait(5)
    try:
        with pytest.raises(APITimeoutError):
            client.oneroster.gradebook.get_result(sourced_id="r1", deadline=0.2)
        assert not answered.is_set()  # (was: it waited 10 s, until the first call's token came)
    finally:
        release.set()
        first.join()
    assert len(script.requests) == 1


@pytest.mark.parametrize("deadline", [float("inf"), 1e10])
def test_a_deadline_past_what_a_lock_can_wait_still_gets_a_token(deadline: float) -> None:
    # (the wait for the token lock is bounded by the deadline: threading's cap is about 292 years)
    script = Script([answer(200, RESULT)])
    assert make_client(script, deadline=deadline).oneroster.gradebook.get_result(sourced_id="r1").result.score == 1


async def test_async_a_call_waiting_for_another_calls_token_request_keeps_its_deadline() -> None:
    release = asyncio.Event()
    script = Script([answer(200, RESULT)])

    async def slow_token(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            await asyncio.wait_for(release.wait(), 10)
        return script(request)

    async with make_async_client(slow_token) as client:
        first = asyncio.create_task(client.oneroster.gradebook.get_result(sourced_id="r1"))
        await asyncio.sleep(0.05)
        with pytest.raises(APITimeoutError):
            waiting = client.oneroster.gradebook.get_result(sourced_id="r1", deadline=0.2)
            await asyncio.wait_for(waiting, 5)  # (was: waits for the first call's token, however long)
        release.set()
        await first
    assert len(script.requests) == 1


def mislabelled_gzip(request: httpx.Request) -> httpx.Response:
    # (a proxy answering "Content-Encoding: gzip" over a plain body: httpx fails to decode it)
    return httpx.Response(502, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"<html>bad</html>"))


def test_an_answer_httpx_cannot_decode_is_a_typed_retried_error_without_the_token(sleeps: list[float]) -> None:
    script = Script([mislabelled_gzip])
    with pytest.raises(APIConnectionError, match="DecodingError") as err:
        get_result(make_client(script, max_retries=1))  # (was: httpx.DecodingError, its request holding the token)
    assert err.value.retries_taken == 1 and len(script.requests) == 2
    assert isinstance(err.value.__cause__, httpx.DecodingError)
    assert "authorization" not in err.value.__cause__.request.headers


async def test_async_an_answer_httpx_cannot_decode_is_a_typed_error() -> None:
    async with make_async_client(Script([mislabelled_gzip]), max_retries=0) as client:
        with pytest.raises(APIConnectionError, match="DecodingError"):
            await client.oneroster.gradebook.get_result(sourced_id="r1")


# ----- a refused token request is not repeated by each call that waited for it


def refusing_token_endpoint(asked: list[int], is_sync: bool = True) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == TOKEN_URL
        asked.append(1)
        time.sleep(0.1 if is_sync else 0)  # (the other calls queue behind this request meanwhile)
        return httpx.Response(401, json={"error": "invalid_client"})

    return handler


class _CountingLock:
    """The client's token lock, counting the threads that came to it: the token endpoint below answers once all
    have (a fixed 0.1 s was not always enough for 8 threads to start on a loaded machine). Each thread once: a wait
    comes back every 0.1 s (``wait_for``)."""

    def __init__(self, lock: Any) -> None:
        self.lock, self.came, self.changed = lock, set[int](), threading.Condition()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not blocking:  # (a look whether it is free, before a wait: counted only when it took it)
            if not self.lock.acquire(blocking=False):
                return False
        with self.changed:
            self.came.add(threading.get_ident())
            self.changed.notify_all()
        return True if not blocking else bool(self.lock.acquire(timeout=timeout))

    def release(self) -> None:
        self.lock.release()

    def wait_for(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.came) >= count, timeout=30)


def test_calls_waiting_for_a_refused_token_request_share_its_refusal() -> None:
    asked: list[int] = []
    refuse = refusing_token_endpoint(asked)

    def when_all_wait(request: httpx.Request) -> httpx.Response:
        lock.wait_for(8)
        time.sleep(0.1)  # (the last to come gets from the count to the lock's wait)
        return refuse(request)

    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                      http_client=httpx.Client(transport=httpx.MockTransport(when_all_wait)))  # fmt: skip
    lock = client._client._token_lock = _CountingLock(client._client._token_lock)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            get_result(client)
        except Exception as error:
            errors.append(error)

    in_threads(call, 8)
    # (was: 8 token requests one after another, 8 failed logins: a server limiting them locks the client id out)
    assert len(asked) == 1 and len(errors) == 8 and all(isinstance(e, AuthError) for e in errors)
    assert len({id(e) for e in errors}) == 8  # each thread its own copy
    with pytest.raises(AuthError):
        get_result(client)  # a later call asks again
    assert len(asked) == 2


async def test_async_calls_waiting_for_a_refused_token_request_share_its_refusal() -> None:
    asked: list[int] = []
    refuse = refusing_token_endpoint(asked, is_sync=False)

    async def slowly(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.1)  # (the other calls queue behind this request meanwhile)
        return refuse(request)

    async with make_async_client(slowly) as client:
        calls = (client.oneroster.gradebook.get_result(sourced_id="r1") for _ in range(8))
        errors = await asyncio.gather(*calls, return_exceptions=True)
    assert len(asked) == 1 and all(isinstance(e, AuthError) for e in errors)


@pytest.fixture(scope="module")
def failing_token_endpoint(server: LocalServer) -> Iterator[LocalServer]:
    """A server answering every request 503 (the token endpoint's first): its fault counts say how many came."""
    yield from faulty_twin(server, "503=1")


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_calls_waiting_for_a_failed_token_request_share_its_error(
    failing_token_endpoint: LocalServer, kind: str
) -> None:
    """Before: each waiting call took the lock in turn and ran its own retries of the token request: 8 calls made 24
    requests, the last failing after 8 times one call's time. Now they share the refresh's outcome, as a refusal."""
    counts = failing_token_endpoint.app.state.faults.counts
    kwargs = {**failing_token_endpoint.client_kwargs(), "max_retries": 2}  # (3 attempts, about 1.1 s of backoff)
    before = counts["requests"]
    if kind == "sync":
        with Timeback(**kwargs) as client, concurrent.futures.ThreadPoolExecutor(8) as pool:
            waiting = [pool.submit(get_result, client) for _ in range(8)]
            errors = [f.exception() for f in waiting]
            with pytest.raises(ServerError):
                get_result(client)  # a call after that refresh failed asks again
    else:
        http_client = DefaultAioHttpClient() if kind == "aiohttp" else None
        async with AsyncTimeback(**kwargs, http_client=http_client) as async_client:
            calls = (async_client.oneroster.gradebook.get_result(sourced_id="r1") for _ in range(8))
            errors = list(await asyncio.gather(*calls, return_exceptions=True))
            with pytest.raises(ServerError):
                await async_client.oneroster.gradebook.get_result(sourced_id="r1")
    assert all(isinstance(e, ServerError) and e.status_code == 503 for e in errors), errors
    assert len({id(e) for e in errors}) == 8  # each call its own copy
    assert counts["requests"] - before == 3 + 3, counts  # (one refresh's attempts, then the later call's own)


def test_the_read_back_confirming_a_lost_create_takes_the_call_s_retries(sleeps: list[float]) -> None:
    """A create whose answer was lost, retried into a 409, is confirmed by reading its record back: that read is
    part of the call and gets the call's options (here its retries, the client having none)."""
    sent: dict[str, Any] = {}

    def read_back(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"results": [{**sent, "dateLastModified": "2024-01-01T00:00:00Z"}]})

    def store(request: httpx.Request) -> httpx.Response:
        import json

        sent.update(json.loads(request.content)["result"])
        raise httpx.ReadError("the answer was lost", request=request)

    script = Script([store, answer(409, {"imsx_description": "exists"}), answer(503), read_back])
    client = make_client(script, max_retries=0)
    body = {"lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
            "scoreDate": "2024-01-15T10:00:00Z"}  # fmt: skip
    created = client.oneroster.gradebook.create_result(result=body, max_retries=2)
    assert created.sourcedIdPairs[0].allocatedSourcedId == sent["sourcedId"]
    assert [r.method for r in script.requests] == ["POST", "POST", "GET", "GET"]


def test_a_read_back_whose_token_request_fails_says_so_in_the_creates_error(sleeps: list[float]) -> None:
    """A create's answer cut short is confirmed by reading its records back; that read's new token (its GET answered
    401) comes without an access_token: the create raises its own error, naming that failure, as for any failed read
    (before cf2ca6f, the token request's error came out of the create as it was)."""
    tokens: list[int] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            tokens.append(1)
            return httpx.Response(200, json={"access_token": "tok-1"} if len(tokens) == 1 else {"token": "none"})
        if request.method == "POST":
            return httpx.Response(201, content=b'{"sourcedIdPairs": [', headers={"Content-Type": "application/json"})
        return httpx.Response(401, json={"imsx_codeMajor": "failure", "imsx_description": "expired"})

    body = {"sourcedId": "r1", "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"},
            "scoreStatus": "fully graded", "scoreDate": "2024-01-15T10:00:00Z"}  # fmt: skip
    with pytest.raises(APIResponseValidationError) as err:
        sync_client_of(endpoint).oneroster.gradebook.create_result(result=body, max_retries=1)
    assert (
        "reading them back to confirm it failed (200: token endpoint answered without an access_token; getting a "
        in str(err.value)
    ), str(err.value)
    assert len(tokens) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"org": {"sourcedId": "s1", "name": "School", "type": "school"}},  # as declared
        {"sourcedId": "s1", "name": "School", "type": "school"},  # bare: Timeback's document for PUT /schools/{id}
        {"school": {"sourcedId": "s1", "name": "School", "type": "school"}},  # under another key
    ],
)
def test_a_one_record_answer_is_read_bare_or_under_another_key(body: dict[str, Any]) -> None:
    script = Script([answer(200, body)])
    school = make_client(script).oneroster.rostering.update_school(
        sourced_id="s1", org={"name": "School", "type": "school"}
    )
    assert (school.org.sourcedId, school.org.name) == ("s1", "School")


@pytest.mark.parametrize("status, content", [(201, b""), (204, b""), (200, b" \r\n")])
async def test_a_put_answered_without_a_body_as_1edtech_does_returns_the_record_sent(
    status: int, content: bytes
) -> None:
    """The 1EdTech spec answers a PUT with 201 and no body; the write succeeded, so it is no error: the answer is
    the record sent (as the server stored it, without what the server would have added)."""
    from timeback.models.request import TimebackPutResultBody, TimebackPutResultRequest

    body = TimebackPutResultBody(sourcedId="r1", lineItem={"sourcedId": "li"}, student={"sourcedId": "s"},
                                 scoreStatus="fully graded", scoreDate="2024-01-15", score=7.5, comment="ok")  # fmt: skip
    request = TimebackPutResultRequest(sourced_id="r1", result=body)
    script = Script([lambda request: httpx.Response(status, content=content)])
    answered = make_client(script).oneroster.gradebook.put_result(request)
    async with make_async_client(script) as aclient:
        answered_async = await aclient.oneroster.gradebook.put_result(request)
    for put in (answered, answered_async):
        assert (put.result.sourcedId, put.result.score, put.result.comment) == ("r1", 7.5, "ok")
        assert put.result.lineItem is not None and put.result.lineItem.sourcedId == "li"
        assert put.result.dateLastModified is None  # (nothing made up)


def test_an_empty_answer_to_a_create_is_still_refused() -> None:
    """A create's answer carries the sourcedIdPairs, in both specs: an empty one is not as documented."""
    script = Script([lambda request: httpx.Response(201, content=b"")])
    body = {"lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
            "scoreDate": "2024-01-15T10:00:00Z"}  # fmt: skip
    with pytest.raises(APIResponseValidationError, match="status 201: the call itself succeeded"):
        make_client(script).oneroster.gradebook.create_result(result=body)


@pytest.mark.parametrize("key", ["term", "academicSession"])
def test_a_term_is_read_under_timeback_s_key_or_the_official_one(key: str) -> None:
    session = {"sourcedId": "t1", "title": "Fall", "type": "term"}
    term = make_client(Script([answer(200, {key: session})])).oneroster.rostering.get_term(sourced_id="t1")
    assert (term.term.sourcedId, term.term.title) == ("t1", "Fall")


def test_a_lone_surrogate_escape_in_an_answer_reads_as_a_replacement_character(sleeps: list[float]) -> None:
    """``"\\udc00"`` (Node's JSON.stringify writes one for a string cut inside an emoji; RFC 8259's grammar allows
    it): pydantic-core refused the answer ("lone leading surrogate in hex escape"), json.loads reads it. Read with
    U+FFFD in its place, in a record's answer and in the read-back confirming a create whose answer was lost."""
    import json

    def escaped(body: Any) -> Callable[[httpx.Request], httpx.Response]:  # (as json.dumps writes them: httpx cannot)
        return lambda request: httpx.Response(200, content=json.dumps(body).encode())

    record = {"sourcedId": "r1", "comment": "\udc00 trailing", "student": {"sourcedId": "s", "name": "Zo\ud83d"}}
    one = make_client(Script([escaped({"result": record})])).oneroster.gradebook.get_result(sourced_id="r1")
    assert one.result.comment == "\ufffd trailing" and one.model_dump_json()
    sent: dict[str, Any] = {}

    def store(request: httpx.Request) -> httpx.Response:
        sent.update(json.loads(request.content)["result"])
        raise httpx.ReadError("the answer was lost", request=request)

    def read_back(request: httpx.Request) -> httpx.Response:  # (the student's name: a reference's extra)
        return escaped({"results": [{**sent, "student": {"sourcedId": "s", "name": "Zo\ud83d"}}]})(request)

    script = Script([store, answer(409, {"imsx_description": "exists"}), read_back])
    body = {"lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
            "scoreDate": "2024-01-15T10:00:00Z"}  # fmt: skip
    created = make_client(script, max_retries=1).oneroster.gradebook.create_result(result=body)
    assert created.sourcedIdPairs[0].allocatedSourcedId == sent["sourcedId"]


def test_a_malformed_answer_is_named_in_a_short_message_whatever_its_size_and_no_credential_in_part() -> None:
    """(A mock: ``timeback serve`` answers no malformed record.) The message listed pydantic's first errors with
    their input, which for a field missing is the whole object around it: a 2.2 MB answer made a 2.2 MB message (and
    repr), other records' contents in every log line. Each input is now a short repr; its strings are redacted whole
    before they are cut (a bearer token cut in two would no longer be found)."""
    token = "a-bearer-token-long-enough-to-redact"
    big = {f"k{i}": "x" * 100 for i in range(20_000)}
    objective = {"note": "x" * 30 + token, "learningObjectiveResults": [], "big": big}
    record = {"sourcedId": "r1", "metadata": big, "learningObjectiveSet": [objective]}

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        if request.url.path.endswith("/results/r1"):
            return httpx.Response(200, json={"result": record})
        return httpx.Response(200, json={"results": [record], "totalCount": 1})

    client = Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL,
                      http_client=httpx.Client(transport=httpx.MockTransport(handler)))  # fmt: skip
    gradebook = client.oneroster.gradebook
    for call, where in ((lambda: get_result(client), "result."), (lambda: list(gradebook.get_all_results()), "")):
        with pytest.raises(APIResponseValidationError) as refused:
            call()
        message = str(refused.value)
        assert len(message) < 2_000 and len(repr(refused.value)) < 2_000, len(message)
        assert f"{where}learningObjectiveSet.0.source: Field required [missing], input {{'note': 'xxx" in message
        assert token[:8] not in message and "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx[redacted]'" in message, message
        assert len(refused.value.body or "") == 2_000  # (the answer itself, cut, as before)


@pytest.mark.parametrize(("levels", "comment"), [(300, b"ok"), (300, b"cut \\ud83d"), (3_000, b"cut \\ud83d")])
async def test_an_answer_nested_past_pydantic_cores_limit_is_still_refused(levels: int, comment: bytes) -> None:
    """(json.loads read it, and the record read could not be sent back: PydanticSerializationError. Holding a lone
    surrogate escape too, which json.loads reads in pydantic-core's place, it was still read, having no limit there;
    past json.loads' own, the error named the surrogate, not the depth.)"""
    deep = b'{"result": {"sourcedId": "r1", "comment": "%s", "metadata": {"a": %s}}}' % (
        comment,
        b"[" * levels + b"]" * levels,
    )
    script = Script([lambda request: httpx.Response(200, content=deep)])
    with pytest.raises(APIResponseValidationError, match=r"Invalid JSON: recursion limit exceeded"):
        make_client(script).oneroster.gradebook.get_result(sourced_id="r1")
    async with make_async_client(Script([lambda request: httpx.Response(200, content=deep)])) as async_client:
        with pytest.raises(APIResponseValidationError, match=r"Invalid JSON: recursion limit exceeded"):
            await async_client.oneroster.gradebook.get_result(sourced_id="r1")


@pytest.mark.parametrize("body", [{}, {"imsx_codeMajor": "failure", "imsx_description": "odd"}, {"org": "s1"}])
def test_an_answer_holding_no_record_is_still_refused(body: dict[str, Any]) -> None:
    script = Script([answer(200, body)])
    with pytest.raises(APIResponseValidationError, match="status 200: the call itself succeeded"):
        make_client(script).oneroster.rostering.update_school(sourced_id="s1", org={"name": "S", "type": "school"})


@pytest.mark.parametrize(
    "body",
    [
        {"assessmentResult": {"sourcedId": "ar1", "score": 5}},  # as the local server answers
        {"sourcedId": "ar1", "score": 5},  # bare
        {},  # Timeback's document: 200 with any object ("Successfully updated")
        {"message": "Assessment result updated"},
    ],
)
def test_a_patch_answer_is_any_object_as_timeback_documents_it(body: dict[str, Any]) -> None:
    script = Script([answer(200, body)])
    patched = make_client(script).oneroster.gradebook.patch_assessment_result(
        sourced_id="ar1", assessmentResult={"score": 5}
    )
    if body.get("assessmentResult") or body.get("sourcedId"):
        assert patched.assessmentResult is not None
        assert (patched.assessmentResult.sourcedId, patched.assessmentResult.score) == ("ar1", 5)
    else:  # the write succeeded; the answer held no record
        assert patched.assessmentResult is None
        assert patched.model_extra == body


BAD_OPTIONS = [
    ({"deadline": float("nan")}, ValueError, "deadline"),
    ({"deadline": "5"}, TypeError, "deadline"),
    ({"timeout": -1}, ValueError, "timeout"),
    # (0 was taken, and every call failed: "connection failed: ConnectError: Operation now in progress")
    ({"timeout": 0}, ValueError, r"^timeout must be .*, more than 0 \(httpx.Timeout\(None\): no limit"),
    ({"timeout": httpx.Timeout(5, connect=0.0)}, ValueError, r"^timeout \(connect\) must be .*, more than 0 \(None"),
    ({"timeout": float("nan")}, ValueError, "timeout"),
    ({"timeout": httpx.Timeout(5, read=float("nan"))}, ValueError, r"timeout \(read\)"),
    ({"timeout": httpx.Timeout(5, write=-1)}, ValueError, r"timeout \(write\)"),
    ({"timeout": True}, TypeError, "timeout"),
    ({"deadline": True}, TypeError, "deadline"),
    ({"timeout": "30"}, TypeError, "timeout"),
    ({"max_retries": -1}, ValueError, "max_retries"),
    ({"max_retries": 1.5}, ValueError, "max_retries"),
    ({"max_retries": True}, TypeError, "max_retries"),
]


@pytest.mark.parametrize(("option", "error", "name"), BAD_OPTIONS, ids=[repr(option) for option, _, _ in BAD_OPTIONS])
def test_a_bad_option_is_refused_naming_it(
    server: LocalServer, roster: Any, option: dict[str, Any], error: type[Exception], name: str
) -> None:
    """Options are checked where they are given, on the client, a call and a bulk upload, nothing sent. Found later
    they failed far from their cause: NaN compares false with everything, so a NaN deadline never passed and made
    the phases it capped NaN, which the socket refused naming nothing (a negative or NaN timeout the same);
    ``deadline="5"`` was a TypeError of float + str at the first request; ``max_retries=-1`` was taken as none."""
    from tests.support import add_line_items, result_body

    with pytest.raises(error, match=name):
        Timeback(**server.client_kwargs(), **option)
    with Timeback(**server.client_kwargs()) as client:
        with pytest.raises(error, match=name):
            client.oneroster.gradebook.put_category(sourced_id="bad-option", category={"title": "x"}, **option)
        (line_item,) = add_line_items(client, roster, 1)
        with pytest.raises(error, match=name):
            client.oneroster.gradebook.bulk_post_results([result_body(line_item, roster.students[0])], **option)
        assert not list(client.oneroster.gradebook.get_results_for_line_item_for_class(
            class_sourced_id=roster.class_, line_item_sourced_id=line_item))  # fmt: skip
        with pytest.raises(NotFoundError):
            client.oneroster.gradebook.get_category(sourced_id="bad-option")


def test_a_deadline_already_passed_is_a_timeout_not_a_bad_option(server: LocalServer) -> None:
    """A deadline computed from what is left of the caller's own time may have run out: the call fails as one
    whose deadline passed, at once, not as a caller's mistake."""
    with Timeback(**server.client_kwargs()) as client:
        with pytest.raises(APITimeoutError, match="deadline"):
            client.oneroster.gradebook.get_all_results(limit=1, deadline=-1)


async def test_clients_of_a_local_server_do_not_go_through_the_environment_s_proxy(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most company machines set HTTP_PROXY (or ALL_PROXY) without a NO_PROXY for loopback: the clients
    ``LocalServer`` points at itself sent every call to that proxy, which cannot reach this machine's loopback (here
    a closed port: "connection failed" for the token). ``DefaultHttpxClient`` / ``DefaultAsyncHttpxClient`` passed
    in too (they did send them to the proxy, though said to be made as the SDK makes its own)."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with Timeback(**server.client_kwargs(), max_retries=0) as client:
        assert client.oneroster.gradebook.put_category(sourced_id="proxied", category={"title": "x"}).category
    async with AsyncTimeback(**server.client_kwargs(), max_retries=0) as async_client:
        assert (await async_client.oneroster.gradebook.get_category(sourced_id="proxied")).category.title == "x"
    for host in ("127.0.0.1", "localhost"):  # (a client passed in knows no base URL: every loopback name)
        loopback = {**server.client_kwargs(), "base_url": f"http://{host}:{server.port}"}
        with Timeback(**loopback, max_retries=0, http_client=DefaultHttpxClient()) as client:
            assert client.oneroster.gradebook.get_category(sourced_id="proxied").category.title == "x"
        for make in (DefaultAsyncHttpxClient, DefaultAioHttpClient):
            async with AsyncTimeback(**loopback, max_retries=0, http_client=make()) as async_client:
                assert (await async_client.oneroster.gradebook.get_category(sourced_id="proxied")).category.title == "x"
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    with Timeback(max_retries=0) as client:
        assert client.oneroster.gradebook.get_category(sourced_id="proxied").category.title == "x"
    for host in ("localhost", "127.1"):  # (loopback by name, or in the short form connect() takes: the same)
        local = {**server.client_kwargs(), "base_url": f"http://{host}:{server.port}"}
        with Timeback(**local, max_retries=0) as client:
            assert client.oneroster.gradebook.get_category(sourced_id="proxied").category.title == "x"


async def test_a_socks_proxy_in_the_environment_does_not_stop_clients_of_a_local_server(
    server: LocalServer, tls_server: tuple[LocalServer, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """``ALL_PROXY=socks5://...`` without httpx's socks extra: httpx makes every proxy's transport when a client is
    made, so ``Timeback(...)`` of a local server raised httpx's ImportError (the async one at its first call),
    though no request of its would go through that proxy. ``SSL_CERT_FILE`` is still read (an https local server
    with its own CA). A client of another host still gets httpx's error, which says what to install."""
    monkeypatch.setitem(sys.modules, "socksio", None)  # (not installed: httpx's own check then fails)
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1")
    with Timeback(**server.client_kwargs(), max_retries=0) as client:
        assert client.oneroster.gradebook.put_category(sourced_id="socks", category={"title": "x"}).category
    async with AsyncTimeback(**server.client_kwargs(), max_retries=0) as async_client:
        assert (await async_client.oneroster.gradebook.get_category(sourced_id="socks")).category.title == "x"
    tls, ca = tls_server
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    with Timeback(**tls.client_kwargs(), max_retries=0) as client:
        assert client.oneroster.gradebook.get_category(sourced_id="socks").category.title == "x"
    async with AsyncTimeback(**tls.client_kwargs(), max_retries=0) as async_client:
        assert (await async_client.oneroster.gradebook.get_category(sourced_id="socks")).category.title == "x"
    with pytest.raises(ImportError, match=r"pip install httpx\[socks\]"):
        Timeback(base_url="https://timeback.test", client_id="id", client_secret="x")


@contextlib.contextmanager
def loopback_proxy(answer: bytes | None, *, then_reset: bool = False) -> Iterator[tuple[int, list[bytes]]]:
    """A proxy on a loopback port (in a thread: a sync client blocks the loop) that notes each request's head and
    sends ``answer``; None: none, the connection held until the client closes it (a proxy slow to open a tunnel).
    ``then_reset``: the client's next bytes read (its TLS hello, the tunnel open), then the connection reset (RST),
    as the server or a middlebox beyond the proxy would."""
    import socket
    import struct

    heads: list[bytes] = []

    class Proxy(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            head = b""
            while (line := self.rfile.readline()) not in (b"\r\n", b""):
                head += line
            heads.append(head)
            if length := re.search(rb"\r\ncontent-length: *([0-9]+)", head, re.IGNORECASE):
                self.rfile.read(int(length[1]))  # (a request forwarded, not tunnelled: its body read, then answered)
            if answer is None:
                self.rfile.read()
            else:
                self.wfile.write(answer)
            if then_reset:
                self.request.recv(4096)
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.request.close()  # (closed with rfile and wfile, as the handler ends: a reset, no FIN first)

    with serving_tcp(Proxy) as port:
        yield port, heads


@pytest.fixture
def refusing_proxy() -> Iterator[tuple[int, list[bytes]]]:
    """A proxy that answers every request 407, and notes each request's head."""
    with loopback_proxy(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\n"
                        b"Content-Length: 0\r\nConnection: close\r\n\r\n") as proxy:  # fmt: skip
        yield proxy


async def create_org_through_a_proxy(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, proxy: str, kind: str, **options: Any
) -> None:
    """An org created on ``https://timeback.test:1`` through ``proxy`` (``HTTPS_PROXY``) by a client of ``kind``
    ("sync", "httpx", "aiohttp"), its token from ``server`` directly (loopback), with the call's ``options``."""
    proxy_environment(monkeypatch, HTTPS_PROXY=proxy)
    kwargs = {
        **server.client_kwargs(),
        "base_url": "https://timeback.test:1",
        "token_url": f"{server.url}/oauth2/token",
    }
    org = {"sourcedId": f"org-{kind}", "name": "x", "type": "district", "status": "active"}
    if kind == "sync":
        with Timeback(**kwargs) as client:
            client.oneroster.rostering.create_org(org=org, **options)
    else:
        http = DefaultAioHttpClient() if kind == "aiohttp" else None
        async with AsyncTimeback(**kwargs, http_client=http) as aclient:
            await aclient.oneroster.rostering.create_org(org=org, **options)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_create_whose_tunnel_the_proxy_refused_was_not_sent(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, refusing_proxy: tuple[int, list[bytes]], kind: str
) -> None:
    """A proxy that refuses the ``CONNECT`` (407, 403, 502) saw nothing of the request: through aiohttp that was a
    ``RemoteProtocolError`` (its ``ClientHttpProxyError`` is a ``ClientResponseError``), so a create said it "may
    have stored the records" and was read back. On every client the error names the proxy's answer, not only
    ``ProxyError``, and never the proxy's credentials."""
    port, heads = refusing_proxy
    proxy = f"http://user:pr0xy-pw@127.0.0.1:{port}"  # (not on the line that calls: a traceback shows that line)
    with pytest.raises(APIConnectionError) as caught:
        await create_org_through_a_proxy(server, monkeypatch, proxy, kind)
    message = str(caught.value)
    assert "connection failed: ProxyError: 407 Proxy Authentication Required" in message, message
    assert "may have stored" not in message and not caught.value._answer_lost, message
    # (nor retried: the proxy would refuse the same credentials again; it was, max_retries times)
    assert "not retried: the proxy wants credentials" in message and caught.value.retries_taken == 0, message
    assert len(heads) == 1 and heads[0].startswith(b"CONNECT timeback.test:1 "), heads  # (no read-back, no retry)
    assert "pr0xy-pw" not in "".join(traceback.format_exception(caught.value))  # (every error chained, too)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_tunnel_the_proxys_rules_refuse_is_not_retried(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A proxy's 403 to the ``CONNECT`` (squid's for a port not in its SSL_ports) refuses the same every time: it was
    retried max_retries times (1.3-2 s of waits), saying nothing of why. Raised at once, saying what to check."""
    forbidden = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with loopback_proxy(forbidden) as (port, heads):
        proxy_environment(monkeypatch, HTTPS_PROXY=f"http://user:pr0xy-pw@127.0.0.1:{port}")
        token_url = f"{server.url}/oauth2/token"  # (loopback: directly)
        error = await error_of_get_result(
            kind, **{**server.client_kwargs(), "base_url": "https://timeback.test:1", "token_url": token_url}
        )
    assert type(error) is APIConnectionError and error.retries_taken == 0, repr(error)
    message = str(error)
    assert "connection failed: ProxyError: 403 Forbidden; not retried: the proxy refuses a tunnel" in message, message
    assert len(heads) == 1 and heads[0].startswith(b"CONNECT timeback.test:1 "), heads
    assert "pr0xy-pw" not in "".join(traceback.format_exception(error)) + repr(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("named", ["environment", "proxy="])
async def test_a_proxy_that_is_down_is_named_not_taken_for_the_server(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str, named: str
) -> None:
    """A request routed through a proxy connects to the proxy: refused there, it read "connection failed:
    ConnectError: Connection refused (GET https://timeback.test:1/...)", the server seemingly down. The proxy is
    named, by its scheme, host and port only (not its user:password)."""
    import socket

    with socket.socket() as unused:  # (a port bound, then closed: nothing listens on it)
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    proxy = f"http://user:pr0xy-pw@127.0.0.1:{port}"  # (not on the line that calls: a traceback shows that line)
    if named == "environment":
        proxy_environment(monkeypatch, HTTPS_PROXY=proxy)
    else:
        proxy_environment(monkeypatch)
    given = {"proxy": proxy} if named == "proxy=" else {}
    token_url = f"{server.url}/oauth2/token"  # (loopback: directly, unless through proxy=)
    kwargs = {**server.client_kwargs(), "base_url": "https://timeback.test:1", "token_url": token_url}
    with pytest.raises(APIConnectionError) as raised:
        if kind == "sync":
            with Timeback(**kwargs, max_retries=0, http_client=DefaultHttpxClient(**given)) as client:
                get_result(client)
        else:
            http = DefaultAioHttpClient(**given) if kind == "aiohttp" else DefaultAsyncHttpxClient(**given)
            async with AsyncTimeback(**kwargs, max_retries=0, http_client=http) as aclient:
                await aclient.oneroster.gradebook.get_result(sourced_id="r1")
    message = str(raised.value)
    # (through proxy=, the token request is the first through the proxy: its error names the call it was for)
    then = " (" if named == "environment" else "; getting a token for GET "
    expected = f"connection to the proxy http://127.0.0.1:{port} failed: ConnectError: Connection refused{then}"
    assert message.startswith(expected), message
    assert "pr0xy-pw" not in "".join(traceback.format_exception(raised.value)) and "user" not in message, message


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("token_through_proxy", [True, False], ids=["token-request", "api-call"])
async def test_a_plain_http_proxys_407_is_the_proxy_refusing_not_the_server(
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    refusing_proxy: tuple[int, list[bytes]],
    kind: str,
    token_through_proxy: bool,
) -> None:
    """An http:// URL through a proxy (``HTTP_PROXY``): no tunnel, the request itself goes to the proxy, and its
    407 came back as an answer. From the token endpoint that was an ``AuthError``, "token endpoint refused the client
    credentials" (and the token held dropped); from an API call a bare ``RequestError``. Only a proxy answers 407: the
    error a tunnel's 407 gets, not retried, the proxy's password nowhere in it."""
    port, heads = refusing_proxy
    proxy = f"http://user:pr0xy-pw@127.0.0.1:{port}"  # (not on the line that calls: a traceback shows that line)
    proxy_environment(monkeypatch, HTTP_PROXY=proxy)
    monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", "1")  # (http:// to another host than loopback)
    kwargs = {**server.client_kwargs(), "base_url": "http://timeback.test:1"}
    if not token_through_proxy:  # (the token from the server directly: its URL is loopback)
        kwargs["token_url"] = f"{server.url}/oauth2/token"
    error = await error_of_get_result(kind, **kwargs)
    assert type(error) is APIConnectionError and error.retries_taken == 0, repr(error)
    message = str(error)
    assert "connection failed: ProxyError: 407 Proxy Authentication Required" in message, message
    assert "not retried: the proxy wants credentials" in message and not error._answer_lost, message
    path = "/oauth2/token" if token_through_proxy else "/ims/oneroster/gradebook/v1p2/results/r1"
    assert len(heads) == 1 and heads[0].split(b" ")[1] == f"http://timeback.test:1{path}".encode(), heads
    assert "pr0xy-pw" not in "".join(traceback.format_exception(error)) + repr(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_proxy_whose_name_is_not_found_is_named(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A proxy's host name not found (a typo in ``HTTPS_PROXY``; ``.invalid`` never resolves) is the proxy's failure,
    on aiohttp too (whose DNS error came as a bare ``OSError``, not a ``socket.gaierror``)."""
    proxy_environment(monkeypatch, HTTPS_PROXY="http://user:pr0xy-pw@proxy.invalid:3128")
    token_url = f"{server.url}/oauth2/token"  # (loopback: directly)
    kwargs = {**server.client_kwargs(), "base_url": "https://timeback.test:1", "token_url": token_url}
    error = await error_of_get_result(kind, **kwargs, max_retries=0)
    assert type(error) is APIConnectionError, repr(error)
    assert str(error).startswith("connection to the proxy http://proxy.invalid:3128 failed: ConnectError: "), error
    assert "pr0xy-pw" not in "".join(traceback.format_exception(error)) + repr(error)


@pytest.mark.parametrize(
    ("other", "proxys"),
    [
        (errno.ECONNREFUSED, True),
        (errno.EADDRNOTAVAIL, True),  # (::1 with IPv6 off: "Cannot assign requested address")
        (errno.EAFNOSUPPORT, True),
        (errno.ENETUNREACH, True),
        (errno.ECONNRESET, False),  # (not the connect's own failure: through a tunnel, maybe the server's)
    ],
)
def test_a_connect_failing_at_each_address_is_the_proxys_whatever_each_failed_with(other: int, proxys: bool) -> None:
    """A proxy named ``localhost``, on a host with IPv6 off: 127.0.0.1 refused and ::1 "Cannot assign requested
    address" (anyio's "All connection attempts failed" holds both) read "connection failed", as if the server's. (Each
    error built as anyio and httpx chain them: this host cannot be made to fail so.)"""
    from timeback._base_client import _connect_failed

    attempts = ExceptionGroup("", [ConnectionRefusedError(errno.ECONNREFUSED, "refused"), OSError(other, "failed")])
    try:
        try:
            raise OSError("All connection attempts failed") from attempts
        except OSError as failed:
            raise httpx.ConnectError("All connection attempts failed") from failed
    except httpx.ConnectError as error:
        assert _connect_failed(error) is proxys
        alone = httpx.ConnectError("failed")
        alone.__cause__ = OSError(other, "failed")
        assert _connect_failed(alone) is proxys


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_reset_beyond_the_proxys_tunnel_is_not_said_to_be_the_proxys(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The proxy up and the tunnel open, the connection reset during the TLS handshake (the server, or a middlebox
    beyond the proxy): it read "connection to the proxy ... failed", every OS error taken for the proxy's. Only a
    connect that failed itself (refused, no route, a name not found) names the proxy so."""
    with loopback_proxy(b"HTTP/1.1 200 Connection established\r\n\r\n", then_reset=True) as (port, heads):
        proxy_environment(monkeypatch, HTTPS_PROXY=f"http://127.0.0.1:{port}")
        token_url = f"{server.url}/oauth2/token"  # (loopback: directly)
        kwargs = {**server.client_kwargs(), "base_url": "https://timeback.test:1", "token_url": token_url}
        error = await error_of_get_result(kind, **kwargs, max_retries=0)
    assert type(error) is APIConnectionError, repr(error)
    assert str(error).startswith("connection failed: ConnectError: Connection reset by peer ("), str(error)
    assert len(heads) == 1 and heads[0].startswith(b"CONNECT timeback.test:1 "), heads


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_connection_to_the_proxy_that_times_out_names_the_proxy(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A proxy whose connection is never answered (packets dropped on the way; here its TLS handshake): "request
    timed out", the server seemingly slow. It says through which proxy (by scheme, host and port only): the
    connection, to it or through its tunnel, is the proxy's route."""
    import socket

    with socket.socket() as silent:  # (listening, never accepting: connected, then no answer)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        proxy_environment(monkeypatch, HTTPS_PROXY=f"https://user:pr0xy-pw@127.0.0.1:{port}")
        token_url = f"{server.url}/oauth2/token"  # (loopback: directly)
        kwargs = {**server.client_kwargs(), "base_url": "https://timeback.test:1", "token_url": token_url}
        error = await error_of_get_result(kind, **kwargs, max_retries=0, timeout=httpx.Timeout(5, connect=0.3))
    assert type(error) is APITimeoutError, repr(error)
    expected = f"request timed out connecting through the proxy https://127.0.0.1:{port} (GET https://timeback.test:1/"
    assert str(error).startswith(expected), str(error)
    assert "pr0xy-pw" not in "".join(traceback.format_exception(error)) + repr(error)


@pytest.mark.parametrize(
    "make", [DefaultHttpxClient, DefaultAsyncHttpxClient, DefaultAioHttpClient, httpx.Client, httpx.AsyncClient]
)
async def test_the_proxy_named_is_the_one_a_request_goes_through_or_none(
    monkeypatch: pytest.MonkeyPatch, make: Callable[..., httpx.Client | httpx.AsyncClient]
) -> None:
    """The proxy a failed connection names (``_proxy_of``) is the one the http client routes that URL to: none for a
    host in ``NO_PROXY``, nor for a client given ``trust_env=False`` (direct, whatever the environment says), nor
    for an https:// URL with an ``HTTP_PROXY`` only. Never the proxy's user:password."""
    proxy_environment(monkeypatch, HTTPS_PROXY="http://user:pr0xy-pw@proxy.corp:3128", NO_PROXY="direct.corp")
    clients = [make(), make(trust_env=False)]
    try:
        routed, told_not = clients
        assert engine._proxy_of(routed, httpx.URL("https://api.example/x")) == "http://proxy.corp:3128"
        assert engine._proxy_of(routed, httpx.URL("https://direct.corp/x")) is None  # (NO_PROXY)
        assert engine._proxy_of(routed, httpx.URL("http://api.example/x")) is None  # (HTTPS_PROXY is https://'s)
        assert engine._proxy_of(told_not, httpx.URL("https://api.example/x")) is None
    finally:
        for http in clients:
            await http.aclose() if isinstance(http, httpx.AsyncClient) else http.close()


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_plain_http_proxys_407_to_a_refresh_keeps_the_token_held(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, refusing_proxy: tuple[int, list[bytes]], kind: str
) -> None:
    """The token held past its refresh point, the refresh refused by the proxy (407): taken for the token endpoint
    refusing the credentials, that dropped the token, which the server still takes. A proxy's refusal keeps it, as
    any failure of a refresh but the credentials refused does (``TokenCache.fail``)."""
    from timeback._auth import _Token

    port, heads = refusing_proxy
    proxy_environment(monkeypatch, HTTP_PROXY=f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", "1")  # (http:// to another host than loopback)
    kwargs = {**server.client_kwargs(), "base_url": "http://timeback.test:1", "max_retries": 0}
    now = time.monotonic()
    held = _Token("held-token", refresh_at=now - 1, expires_at=now + 600)  # (to refresh; usable 10 minutes more)
    with pytest.raises(APIConnectionError, match="ProxyError: 407 Proxy Authentication Required"):
        if kind == "sync":
            with Timeback(**kwargs) as client:
                client._client._tokens._token = held
                get_result(client)
        else:
            http = DefaultAioHttpClient() if kind == "aiohttp" else None
            async with AsyncTimeback(**kwargs, http_client=http) as aclient:
                aclient._client._tokens._token = held
                await aclient.oneroster.gradebook.get_result(sourced_id="r1")
    assert heads[0].startswith(b"POST http://timeback.test:1/oauth2/token "), heads  # (the refresh, to the proxy)
    assert (client if kind == "sync" else aclient)._client._tokens._token is held


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("token_refused", [True, False], ids=["token-request", "api-call"])
async def test_a_407_from_the_server_itself_is_its_answer_not_a_proxys(
    canned: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch, kind: str, token_refused: bool
) -> None:
    """No proxy in the way, a gateway answering 407 itself: every 407 was taken for a proxy's, "connection failed:
    ProxyError: 407 ...; not retried: the proxy wants credentials", no status, the server's words lost. Only a 407 to
    an http:// request a proxy forwards is the proxy's; this one is the token endpoint's refusal (``AuthError``) or
    the API's answer (``RequestError``), as before."""
    proxy_environment(monkeypatch)
    url, _ = canned
    kwargs = canned_kwargs(url, "gateway-407")
    if token_refused:
        kwargs["token_url"] = f"{url}/gateway-407/oauth2/token"
    error = await error_of_get_result(kind, **kwargs)
    assert type(error) is (AuthError if token_refused else RequestError), repr(error)
    assert error.status_code == 407 and error.retries_taken == 0, repr(error)
    assert "gateway says: API key missing" in str(error) and "proxy wants" not in str(error), str(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("ran_out", ["deadline", "timeout"])
async def test_a_create_whose_deadline_passed_while_the_proxy_opened_the_tunnel_was_not_sent(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str, ran_out: str
) -> None:
    """A proxy slow to answer the ``CONNECT``: the create's deadline stops it before anything of it was sent. httpcore
    gives the ``CONNECT`` the request's own trace, so its head being written counted as the create's: the error said
    it may have been applied, and the call would have been read back. So did the client's own timeout running out
    first (``timeout=0.3``, the deadline 30 s away): "request timed out: ReadTimeout after 0.3 s", maybe stored, read
    back through the proxy again; not sent, now, named as a connect's own timeout through a proxy is. (aiohttp bounds
    the ``CONNECT`` by the connect timeout: it said so before.)"""
    options = {"deadline": 0.3} if ran_out == "deadline" else {"deadline": 30, "timeout": 0.3, "max_retries": 0}
    with loopback_proxy(None) as (port, heads), pytest.raises(APITimeoutError) as caught:
        await create_org_through_a_proxy(server, monkeypatch, f"http://127.0.0.1:{port}", kind, **options)
    # (the proxy it was to go through named, as a connect's own timeout names it)
    if ran_out == "deadline":
        said = f"deadline of 0.3s passed; to be sent through the proxy http://127.0.0.1:{port} (POST "
        assert caught.value._not_sent is not None, caught.value
    else:
        said = f"request timed out connecting through the proxy http://127.0.0.1:{port} (POST "
    assert str(caught.value).startswith(said), caught.value
    assert not caught.value._answer_lost and "may have stored" not in str(caught.value), caught.value
    assert len(heads) == 1 and heads[0].startswith(b"CONNECT timeback.test:1 "), heads


@contextlib.contextmanager
def answer_dropping_tunnel(
    server: LocalServer, ca: trustme.CA, later: str = "held"
) -> Iterator[tuple[str, list[bytes], threading.Event]]:
    """A proxy on a loopback port that opens the first tunnel asked for (``CONNECT``), ends its TLS (a certificate
    from ``ca`` for timeback.test), passes the request it carries on to ``server`` and drops the answer, the tunnel
    held until the client closes it: a request stored, its answer lost on the way. Every later ``CONNECT`` is held
    unanswered (a proxy slow to open a tunnel); with ``later="tls-held"`` answered 200, the TLS handshake in the
    tunnel then held; with ``later="407"`` refused. Yields its URL, each request's head, and an event set once the
    server answered the request passed on."""
    import socket

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("timeback.test").configure_cert(context)
    heads: list[bytes] = []
    answered = threading.Event()
    lock = threading.Lock()

    class Proxy(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            head = b""
            while (line := self.rfile.readline()) not in (b"\r\n", b""):
                head += line
            with lock:
                heads.append(head)
                first = sum(seen.startswith(b"CONNECT ") for seen in heads) == 1
            if not (first and head.startswith(b"CONNECT ")):
                if later == "407":
                    self.wfile.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                    return
                if later == "tls-held":
                    self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.rfile.read()  # (held until the client closes the connection)
                return
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            try:
                with context.wrap_socket(self.request, server_side=True) as tls, tls.makefile("rb") as stream:
                    request = b""
                    while (line := stream.readline()) not in (b"\r\n", b""):
                        if not line.lower().startswith(b"connection:"):
                            request += line
                    length = re.search(rb"\r\ncontent-length: *([0-9]+)", request, re.IGNORECASE)
                    body = stream.read(int(length[1])) if length else b""
                    with socket.create_connection(("127.0.0.1", server.port)) as upstream:
                        upstream.sendall(request + b"Connection: close\r\n\r\n" + body)
                        while upstream.recv(65536):  # (its whole answer, dropped)
                            pass
                    answered.set()
                    stream.read()  # (no answer: held until the client closes the tunnel)
            except (ssl.SSLError, OSError):  # (the client closed the tunnel)
                return

    with serving_tcp(Proxy) as port:
        yield f"http://127.0.0.1:{port}", heads, answered


class RetriesReadTimeouts(httpx.BaseTransport):
    """A caller's transport around httpx's own through ``proxy`` that sends a request again once after a
    ``ReadTimeout``."""

    def __init__(self, proxy: str, verify: ssl.SSLContext) -> None:
        self._inner = httpx.HTTPTransport(proxy=proxy, verify=verify)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._inner.handle_request(request)
        except httpx.ReadTimeout:
            return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class RetriesReadTimeoutsAsync(httpx.AsyncHTTPTransport):
    """httpx's transport, sending a request again once after a ``ReadTimeout``."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.ReadTimeout:
            return await super().handle_async_request(request)


@pytest.mark.parametrize(
    "kind",
    [
        "sync",
        "sync-plain",
        "sync-retrying",
        "httpx",
        "httpx-plain",
        "httpx-retrying",
        "httpx-own-request",
        "httpx-own-client",
        "aiohttp",
    ],
)
@pytest.mark.parametrize("ran_out", ["timeout", "deadline"])
async def test_a_create_written_through_a_tunnel_whose_answer_was_lost_may_have_been_stored(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str, ran_out: str
) -> None:
    """The proxy opens the tunnel and passes the create on to the server, which stores it; its answer never comes.
    With a deadline, its read timeout (0.5 s, the deadline 30 s away) or the deadline running out: maybe stored, the
    create read back, on every client. It was "not sent" (not read back: with ``max_retries`` left it would have been
    sent again) through a caller's transport that tries a request again (``sync-retrying``: its second ``CONNECT``
    unanswered, the tunnel being opened anew, was taken as the request's, not yet written; at the deadline, its
    connect was stopped as not sent), and through a subclass of httpx's that sends a request of its own making
    (``httpx-own-request``: nothing seen written, its timeout taken as the tunnel's); at the deadline, through a
    subclass of httpx's client whose ``send`` does so (``httpx-own-client``: "deadline of 2s passed", not sent)."""
    ca = trustme.CA()
    trusted = ssl.create_default_context()
    ca.configure_trust(trusted)
    # (aiohttp bounds a CONNECT by the connect timeout: the read-back's, held, by 2 s)
    options: dict[str, Any] = {"deadline": 30, "timeout": httpx.Timeout(2, read=0.5)}
    if ran_out == "deadline":
        options = {"deadline": 2, "timeout": 30}
    kwargs = {
        **server.client_kwargs(),
        "base_url": "https://timeback.test:1",
        "token_url": f"{server.url}/oauth2/token",
    }
    org = {"sourcedId": uid("org"), "name": "x", "type": "district", "status": "active"}
    with answer_dropping_tunnel(server, ca) as (proxy, heads, answered), pytest.raises(APITimeoutError) as caught:
        proxy_environment(monkeypatch, HTTPS_PROXY=proxy)  # (the token's request, to loopback, goes straight there)
        if kind.startswith("sync"):
            http = (
                DefaultHttpxClient(verify=trusted)  # (the SDK's own connections)
                if kind == "sync"
                else httpx.Client(verify=trusted)
                if kind == "sync-plain"
                else httpx.Client(mounts={"https://": RetriesReadTimeouts(proxy, trusted)})
            )
            with Timeback(**kwargs, http_client=http) as client:
                client.oneroster.rostering.create_org(org=org, max_retries=0, **options)
        else:
            mounted = {"httpx-retrying": RetriesReadTimeoutsAsync, "httpx-own-request": SendsItsOwnRequest}
            ahttp = (
                DefaultAsyncHttpxClient(verify=trusted)
                if kind == "httpx"
                else DefaultAioHttpClient(verify=trusted)
                if kind == "aiohttp"
                else httpx.AsyncClient(verify=trusted)
                if kind == "httpx-plain"
                else SendsItsOwnRequestClient(verify=trusted)
                if kind == "httpx-own-client"
                else httpx.AsyncClient(mounts={"https://": mounted[kind](proxy=proxy, verify=trusted)})
            )
            async with AsyncTimeback(**kwargs, http_client=ahttp) as aclient:
                await asyncio.wait_for(aclient.oneroster.rostering.create_org(org=org, max_retries=0, **options), 30)
    error = caught.value
    assert error._answer_lost and error._not_sent is None, error
    assert "so it may have stored the records" in str(error), error
    assert answered.wait(10) and heads[0].startswith(b"CONNECT timeback.test:1 "), heads
    with Timeback(**server.client_kwargs()) as direct:  # (it was stored)
        assert direct.oneroster.rostering.get_org(sourced_id=org["sourcedId"]).org.name == "x"


@pytest.mark.parametrize("kind", ["sync-retrying", "httpx-retrying"])
@pytest.mark.parametrize("later", ["tls-held", "407"])
@pytest.mark.parametrize("ran_out", ["timeout", "deadline"])
async def test_a_create_written_whose_transport_failed_to_connect_trying_it_again_may_have_been_stored(
    server: LocalServer, kind: str, later: str, ran_out: str
) -> None:
    """A caller's transport that tries a request again: its first try wrote the create through the tunnel (stored,
    its answer lost), its second failed to connect (the new tunnel's TLS handshake held: a ``ConnectTimeout``; or
    the proxy refused it: a ``ProxyError``). Told from the error's type alone, that was "not sent" (at the deadline
    "deadline of 2s passed"), not read back: with ``max_retries`` left the POST would have been sent again. Once
    written, it is maybe sent whatever follows."""
    ca = trustme.CA()
    trusted = ssl.create_default_context()
    ca.configure_trust(trusted)
    options: dict[str, Any] = {"deadline": 30, "timeout": httpx.Timeout(2, read=0.5)}
    if ran_out == "deadline":
        options = {"deadline": 2, "timeout": httpx.Timeout(30, read=0.5)}
    kwargs = {
        **server.client_kwargs(),
        "base_url": "https://timeback.test:1",
        "token_url": f"{server.url}/oauth2/token",
    }
    org = {"sourcedId": uid("org"), "name": "x", "type": "district", "status": "active"}
    with (
        answer_dropping_tunnel(server, ca, later) as (proxy, heads, answered),
        pytest.raises(APIConnectionError) as caught,
    ):
        if kind == "sync-retrying":
            http = httpx.Client(mounts={"https://": RetriesReadTimeouts(proxy, trusted)})
            with Timeback(**kwargs, http_client=http) as client:
                client.oneroster.rostering.create_org(org=org, max_retries=0, **options)
        else:
            ahttp = httpx.AsyncClient(mounts={"https://": RetriesReadTimeoutsAsync(proxy=proxy, verify=trusted)})
            async with AsyncTimeback(**kwargs, http_client=ahttp) as aclient:
                await asyncio.wait_for(aclient.oneroster.rostering.create_org(org=org, max_retries=0, **options), 30)
    error = caught.value
    assert error._answer_lost and error._not_sent is None, error
    assert "so it may have stored the records" in str(error), error
    if later == "407":  # (the second try's own failure: was worded from the first's through its context, async)
        assert "ProxyError: 407 Proxy Authentication Required" in str(error), error
    assert answered.wait(10) and heads[1].startswith(b"CONNECT timeback.test:1 "), heads  # (the second try's)
    with Timeback(**server.client_kwargs()) as direct:  # (it was stored)
        assert direct.oneroster.rostering.get_org(sourced_id=org["sourcedId"]).org.name == "x"


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_certificate_that_fails_verification_is_not_retried(
    tls_server: tuple[LocalServer, Any], kind: str
) -> None:
    """The same certificate would fail the same way: it was retried (max_retries times, with waits) as if the network
    had failed, and said nothing of what to change."""
    tls, _ = tls_server  # (its CA is in no trust store)
    error = await error_of_get_result(kind, **tls.client_kwargs())
    assert type(error) is APIConnectionError and error.retries_taken == 0, error
    assert "certificate verify failed" in str(error) and "not retried: the server's TLS certificate" in str(error)
    assert not error._answer_lost and error._not_sent is None  # (never sent, but not for a reason of the SDK's)


@contextlib.contextmanager
def tls_proxy(server: LocalServer, ca: trustme.CA) -> Iterator[int]:
    """An https:// proxy on a loopback port (its certificate from ``ca``, for 127.0.0.1) forwarding each http://
    request it is sent to ``server``, one per connection; a client refusing its certificate ends that connection."""
    import socket

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    class Proxy(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                with context.wrap_socket(self.request, server_side=True) as tls, tls.makefile("rwb") as stream:
                    line, head = stream.readline(), b""
                    while (header := stream.readline()) not in (b"\r\n", b""):
                        if not header.lower().startswith((b"connection:", b"proxy-")):
                            head += header
                    body = (
                        stream.read(int(m[1])) if (m := re.search(rb"content-length: *([0-9]+)", head, re.I)) else b""
                    )
                    method, target, version = line.split(b" ")
                    path = b"/" + target.split(b"/", 3)[3]  # (http://host:port/path: the path, to the server)
                    with socket.create_connection(("127.0.0.1", server.port)) as upstream:
                        upstream.sendall(b"%s %s %s%sConnection: close\r\n\r\n%s" % (method, path, version, head, body))
                        while data := upstream.recv(65536):
                            stream.write(data)
            except (ssl.SSLError, OSError):  # (the client refused the certificate)
                return

    with serving_tcp(Proxy) as port:
        yield port


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("named", ["environment", "proxy="])
async def test_verify_reaches_an_https_proxy_and_its_certificate_refused_is_named(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str, named: str
) -> None:
    """An https:// proxy whose certificate is from a private CA: ``verify=`` trusting it did not reach the proxy on
    httpx (httpcore verifies a proxy with its default context unless given ``httpx.Proxy(ssl_context=)``), though
    the hint says to pass one, and DefaultAioHttpClient's own transport applies it. Now every client's ``verify=``
    verifies its https:// proxies too. Without it the hint names the proxy's certificate, not the server's."""
    ca = trustme.CA()
    trusted = ssl.create_default_context()
    ca.configure_trust(trusted)
    monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", "1")  # (http:// to another host than loopback)
    kwargs = {**server.client_kwargs(), "base_url": "http://timeback.test:1", "max_retries": 0}
    sourced_id = uid("cat")

    async def put(**options: Any) -> None:
        if kind == "sync":
            with Timeback(**kwargs, http_client=DefaultHttpxClient(**options)) as client:
                client.oneroster.gradebook.put_category(sourced_id=sourced_id, category={"title": "x"})
        else:
            make = DefaultAioHttpClient if kind == "aiohttp" else DefaultAsyncHttpxClient
            async with AsyncTimeback(**kwargs, http_client=make(**options)) as aclient:
                await aclient.oneroster.gradebook.put_category(sourced_id=sourced_id, category={"title": "x"})

    with tls_proxy(server, ca) as port:
        proxy = f"https://user:pr0xy-pw@127.0.0.1:{port}"  # (not on the line that calls: a traceback shows that line)
        proxy_environment(monkeypatch, **({"HTTP_PROXY": proxy} if named == "environment" else {}))
        given = {"proxy": proxy} if named == "proxy=" else {}
        await put(**given, verify=trusted)  # (through the proxy, to the server)
        with pytest.raises(APIConnectionError) as raised:
            await put(**given)  # (the test CA in no trust store)
    with Timeback(**server.client_kwargs()) as direct:
        assert direct.oneroster.gradebook.get_category(sourced_id=sourced_id).category.title == "x"
    message = str(raised.value)
    assert f"not retried: the proxy's (https://127.0.0.1:{port}) TLS certificate failed verification" in message
    assert raised.value.retries_taken == 0 and "pr0xy-pw" not in "".join(traceback.format_exception(raised.value))


def tls_context_of(http: httpx.Client | httpx.AsyncClient) -> ssl.SSLContext:
    """The TLS context an http client's connections are made with: its httpcore pool's, or aiohttp's connector's."""
    transport: Any = http._transport
    context: ssl.SSLContext = getattr(transport, "_ssl_context", None) or transport._pool._ssl_context
    return context


async def test_the_sdks_own_http_clients_share_one_tls_context(server: LocalServer) -> None:
    """Each httpx client made its own TLS context, loading certifi's CA bundle: 20-120 ms for every ``Timeback()``,
    and for every event loop an ``AsyncTimeback`` was used in (``asyncio.run`` per job). The SDK's own clients, and
    ``DefaultHttpxClient`` / ``DefaultAsyncHttpxClient`` / ``DefaultAioHttpClient`` not given ``verify=``, share one."""
    remote = {"base_url": "https://api.example.test", "client_id": "a", "client_secret": "b"}
    with Timeback(**server.client_kwargs()) as local, Timeback(**remote) as elsewhere:
        shared = tls_context_of(local._client._http)
        assert tls_context_of(elsewhere._client._http) is shared
    async with AsyncTimeback(**server.client_kwargs()) as async_client:
        await async_client.oneroster.gradebook.get_all_results(limit=1)
        assert tls_context_of((await async_client._client._in_loop()).http) is shared
    made = [DefaultHttpxClient(), DefaultAsyncHttpxClient(), DefaultAioHttpClient()]
    assert all(tls_context_of(http) is shared for http in made)
    not_verifying = DefaultHttpxClient(verify=False)  # (a caller's verify=, passed through)
    assert tls_context_of(not_verifying) is not shared and tls_context_of(not_verifying).verify_mode == ssl.CERT_NONE
    not_verifying.close()
    made[0].close()
    for http in made[1:]:
        await http.aclose()


@pytest.mark.parametrize("make", [DefaultHttpxClient, DefaultAsyncHttpxClient])
async def test_an_https_proxy_in_the_environment_loads_no_ca_bundle_again(
    monkeypatch: pytest.MonkeyPatch, make: Callable[..., httpx.Client | httpx.AsyncClient]
) -> None:
    """Given ``verify=True``, the transport made to verify an https:// proxy of the environment was given it too:
    the CA bundle loaded once more per such proxy for the servers reached through it (20-40 ms each, as the client
    is made), beside the context verifying the proxy. It takes that context: no more loads than a plain proxy's."""
    loads = [0]
    load = ssl.SSLContext.load_verify_locations

    def counted(context: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads[0] += 1
        load(context, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)

    async def loads_made_with(proxy: str) -> int:
        proxy_environment(monkeypatch, HTTPS_PROXY=proxy, HTTP_PROXY=proxy)
        before = loads[0]
        http = make(verify=True)
        await http.aclose() if isinstance(http, httpx.AsyncClient) else http.close()
        return loads[0] - before

    await loads_made_with("https://proxy.corp:3129")  # (the shared context made first, if it was not)
    assert await loads_made_with("https://proxy.corp:3129") == await loads_made_with("http://proxy.corp:3128")


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_the_shared_tls_context_verifies_as_httpxs_own(
    tls_server: tuple[LocalServer, Any], kind: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Shared, the TLS context is still made as httpx makes its own: a certificate of a CA in no trust store is
    refused; ``SSL_CERT_FILE`` naming that CA is read, though set after the first context was made, and read again
    once the file changed; not by a client given ``trust_env=False``; and a caller's ``verify=False`` still verifies
    nothing."""
    tls, ca = tls_server
    make = {"sync": DefaultHttpxClient, "httpx": DefaultAsyncHttpxClient, "aiohttp": DefaultAioHttpClient}[kind]

    async def outcome(**http_kwargs: Any) -> str:
        kwargs = {**tls.client_kwargs(), "max_retries": 0, "http_client": make(**http_kwargs)}
        try:
            if kind == "sync":
                with Timeback(**kwargs) as client:
                    client.oneroster.gradebook.put_category(sourced_id="tls-shared", category={"title": "x"})
            else:
                async with AsyncTimeback(**kwargs) as async_client:
                    await async_client.oneroster.gradebook.put_category(
                        sourced_id="tls-shared", category={"title": "x"}
                    )
        except APIConnectionError as error:
            return "refused" if "certificate verify failed" in str(error) else str(error)
        return "sent"

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert await outcome() == "refused"
    assert await outcome(verify=False) == "sent"
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    assert await outcome() == "sent"
    assert await outcome(trust_env=False) == "refused"
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "ca.pem"))  # (the bundle replaced in place: another CA)
    assert await outcome() == "refused"


async def test_an_ssl_cert_file_that_cannot_be_read_is_refused_naming_it(
    tls_server: tuple[LocalServer, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """``SSL_CERT_FILE`` naming no file made ``Timeback()`` raise a bare FileNotFoundError, naming neither the
    variable nor the path (one holding no certificate, ssl's SSLError): a ConfigurationError now, naming both."""
    tls, ca = tls_server
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    for path, reason in ((tmp_path / "none.pem", "No such file or directory"), (tmp_path, "Is a directory")):
        monkeypatch.setenv("SSL_CERT_FILE", str(path))
        said = rf"^SSL_CERT_FILE names {re.escape(repr(str(path)))}, which cannot be read as CA certificates: {reason}$"
        for make in (Timeback, AsyncTimeback):
            with pytest.raises(ConfigurationError, match=said) as refused:
                make(**tls.client_kwargs())
            assert refused.value.missing == ("SSL_CERT_FILE",)
    (tmp_path / "ca.pem").write_text("not a certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    with pytest.raises(ConfigurationError, match=r"cannot be read as CA certificates: \[X509: NO_CERTIFICATE"):
        DefaultAioHttpClient()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))  # (fixed: read again, and the server's certificate verified)
    async with AsyncTimeback(**tls.client_kwargs()) as async_client:
        await async_client.oneroster.gradebook.put_category(sourced_id="tls-cert-file", category={"title": "x"})


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_http_client_of_the_other_kind_is_refused_when_the_client_is_made(
    server: LocalServer, roster: Any, kind: str
) -> None:
    """``Timeback`` sends with an ``httpx.Client``, ``AsyncTimeback`` with an ``httpx.AsyncClient``; code moved from
    one to the other keeps its ``http_client=`` easily. Taken, the other kind failed only at the first call, each
    its own way, and the error was then replaced by the ``AttributeError`` of closing it ('AsyncClient' object has
    no attribute 'close'): the sync client never sent its request ("coroutine 'AsyncClient.send' was never
    awaited"), the async one sent it blocking the event loop, then failed awaiting the answer."""
    wrong: httpx.Client | httpx.AsyncClient = httpx.AsyncClient() if kind == "sync" else httpx.Client()
    try:
        with pytest.raises(TypeError) as refused:
            if kind == "sync":
                Timeback(**server.client_kwargs(), http_client=wrong)  # type: ignore[arg-type]
            else:
                AsyncTimeback(**server.client_kwargs(), http_client=wrong)  # type: ignore[arg-type]
    finally:
        await wrong.aclose() if isinstance(wrong, httpx.AsyncClient) else wrong.close()
    right, other = ("Client", "AsyncClient (AsyncTimeback") if kind == "sync" else ("AsyncClient", "Client (Timeback")
    assert str(refused.value) == f"http_client must be an httpx.{right}, not an httpx.{other} takes that)"
    with Timeback(**server.client_kwargs(), http_client=httpx.Client()) as client:  # (the right kind: taken)
        assert client.oneroster.gradebook.get_score_scale(sourced_id=roster.score_scale).scoreScale
    async with AsyncTimeback(**server.client_kwargs(), http_client=httpx.AsyncClient()) as async_client:
        assert (await async_client.oneroster.gradebook.get_score_scale(sourced_id=roster.score_scale)).scoreScale


@pytest.mark.parametrize("make", [Timeback, AsyncTimeback])
@pytest.mark.parametrize(
    "http_client", ["not a client", object(), httpx.HTTPTransport()], ids=lambda value: type(value).__name__
)
def test_an_http_client_that_is_no_httpx_client_is_refused_naming_it(
    server: LocalServer, make: type[Timeback] | type[AsyncTimeback], http_client: object
) -> None:
    """Only the other httpx client was refused: a string, or a transport given for a client, was taken, and the
    first call failed with an AttributeError ('str' object has no attribute ...), and so did closing the client."""
    kind = "Client" if make is Timeback else "AsyncClient"
    with pytest.raises(TypeError, match=rf"^http_client must be an httpx\.{kind}, not {type(http_client).__name__}$"):
        make(**server.client_kwargs(), http_client=http_client)  # type: ignore[arg-type]


CALLER_TAG: contextvars.ContextVar[str | None] = contextvars.ContextVar("caller_tag", default=None)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_requests_sent_from_the_sdk_s_threads_see_the_caller_s_context(
    server: LocalServer, client: Timeback, roster: Any, kind: str
) -> None:
    """The page fetched ahead and the batches of a bulk upload go out from threads on ``Timeback``, from tasks on
    ``AsyncTimeback``. A task runs in a copy of its creator's ``contextvars``; the threads ran in an empty context,
    so what reads the context around a request (OpenTelemetry's httpx instrumentation and its parent span, a log
    filter adding a request id) lost it there, on the sync client only."""
    from tests.support import add_line_items, result_body

    seen: list[tuple[str, str | None]] = []  # (each request's method, and the tag its context holds)

    def note(request: httpx.Request) -> None:
        seen.append((request.method, CALLER_TAG.get()))

    async def note_async(request: httpx.Request) -> None:
        note(request)

    (line_item,) = add_line_items(client, roster, 1)
    rows = [result_body(line_item, roster.students[i % 3], f"{line_item}-{i}") for i in range(20)]
    listing = {"class_sourced_id": roster.class_, "line_item_sourced_id": line_item, "limit": 5}  # (4 pages)
    CALLER_TAG.set("the caller's")
    if kind == "sync":
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(event_hooks={"request": [note]})) as api:
            assert api.oneroster.gradebook.bulk_post_results(rows, batch_size=5, concurrency=2).stored == 20
            assert len(list(api.oneroster.gradebook.get_results_for_line_item_for_class(**listing))) == 20
    else:
        hooks = {"request": [note_async]}
        async with AsyncTimeback(**server.client_kwargs(), http_client=httpx.AsyncClient(event_hooks=hooks)) as aclient:
            assert (await aclient.oneroster.gradebook.bulk_post_results(rows, batch_size=5, concurrency=2)).stored == 20
            assert (
                len([r async for r in aclient.oneroster.gradebook.get_results_for_line_item_for_class(**listing)]) == 20
            )
    methods = [method for method, _ in seen]
    assert methods.count("POST") >= 4 and methods.count("GET") == 4  # (the batches, the token; the pages)
    assert {tag for _, tag in seen} == {"the caller's"}, seen


def test_one_async_client_serves_one_asyncio_run_after_another(server: LocalServer) -> None:
    """The SDK's own httpx client, used from a second ``asyncio.run``, kept the connections of the first loop, closed
    with it: every second run raised httpx's bare ``RuntimeError('Event loop is closed')``. Each loop now gets a
    fresh pool, the last one's connections closed as its loop shut down: no ResourceWarning."""
    client = AsyncTimeback(**server.client_kwargs())

    async def one_call() -> int | None:
        return (await client.oneroster.gradebook.get_all_results(limit=1)).total_count

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        counts = [asyncio.run(one_call()) for _ in range(4)]
        asyncio.run(client.close())
        gc.collect()
    assert len(set(counts)) == 1 and counts[0] is not None
    leaks = [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)]
    assert not leaks, leaks


ON_ASYNCIO = "AsyncTimeback runs on asyncio (uvloop too); under trio, call Timeback through trio.to_thread.run_sync"


@pytest.mark.parametrize("call", ["one call", "pages", "a bulk upload"])
def test_async_timeback_under_trio_says_it_runs_on_asyncio_once(server: LocalServer, call: str) -> None:
    """Under trio (httpx runs there), the first call raised asyncio's own "no running event loop", and the close of
    ``async with`` raised it again, chained to it; a bulk upload started an asyncio task trio could not run. One
    error now, saying what to do, chained to nothing."""
    line_item = uid("trio")

    async def under_trio() -> None:
        async with AsyncTimeback(**server.client_kwargs()) as client:
            gradebook = client.oneroster.gradebook
            if call == "one call":
                await gradebook.get_all_categories(limit=1)
            elif call == "pages":
                async for _ in gradebook.get_all_categories(limit=1):
                    pass
            else:
                await gradebook.bulk_post_results([result_body(line_item, uid("student"))])

    with pytest.raises(RuntimeError, match=re.escape(ON_ASYNCIO)) as error:
        trio.run(under_trio)
    assert error.value.__context__ is None and error.value.__cause__ is None


async def test_a_with_over_an_async_timeback_says_to_use_async_with(server: LocalServer) -> None:
    """Python's own error named only "the context manager protocol"."""
    client = AsyncTimeback(**server.client_kwargs())
    with pytest.raises(TypeError, match=r"^AsyncTimeback is used with `async with` .*; `with` takes Timeback$"):
        with client:  # type: ignore[attr-defined]
            pass
    async with client:  # (still usable the async way)
        assert (await client.oneroster.gradebook.get_all_categories(limit=1)).limit == 1


def test_async_timeback_closed_under_trio_closes_the_callers_http_client_and_says_it_runs_on_asyncio() -> None:
    """With an ``http_client`` of the caller's and no call, the close raised trio's "trio.run received unrecognized
    yield message <Future ...>" (asyncio.shield's), the caller's client left open."""
    http = httpx.AsyncClient()

    async def under_trio() -> None:
        async with AsyncTimeback(
            base_url="http://127.0.0.1:1", client_id="id", client_secret="secret", http_client=http
        ):
            pass

    with pytest.raises(RuntimeError, match=re.escape(ON_ASYNCIO)) as error:
        trio.run(under_trio)
    assert error.value.__context__ is None and http.is_closed


def test_a_timeback_dropped_unclosed_closes_its_own_connections(server: LocalServer) -> None:
    """A ``Timeback`` dropped without ``close()`` left its pooled connections to the garbage collector: "unclosed
    socket" ResourceWarnings (``-X dev``), where ``AsyncTimeback`` leaves none. The SDK's own http client is now closed
    as the client is collected; nothing of that keeps the client alive."""
    client = Timeback(**server.client_kwargs())
    assert client.oneroster.gradebook.get_all_results(limit=1).total_count is not None
    dropped = weakref.ref(client)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
    assert dropped() is None
    leaks = [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)]
    assert not leaks, leaks


def test_one_async_client_serves_event_loops_running_at_once(server: LocalServer, client: Timeback) -> None:
    """A module-level ``AsyncTimeback`` used by threads that each run ``asyncio.run`` per request (a sync web view):
    the SDK's own httpx client was one, flipping between the loops: calls hung, or raised "not sent: the client was
    closed" (the other loop, shutting down, closed it) or named an http_client never passed. Each running loop now
    has its own; the calls of both loops, at once, get their own records."""
    ids = [f"loops-{n}" for n in range(4)]
    for sourced_id in ids:
        client.oneroster.gradebook.put_category(sourced_id=sourced_id, category={"title": sourced_id})
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    both_running = threading.Barrier(2)
    outcomes: list[list[str]] = [[], []]

    async def calls(thread: int) -> list[str]:
        mine = ids[thread * 2 : thread * 2 + 2]
        got = [(await shared.oneroster.gradebook.get_category(sourced_id=mine[0])).category.sourcedId]
        both_running.wait(30)  # (both loops hold a pooled connection, and call at once from here)
        answers = await asyncio.gather(
            *(shared.oneroster.gradebook.get_category(sourced_id=mine[n % 2]) for n in range(10)),
            return_exceptions=True,
        )
        got += [
            a.category.sourcedId if not isinstance(a, BaseException) else f"{type(a).__name__}: {a}" for a in answers
        ]
        return [sourced_id if sourced_id in mine else f"wrong: {sourced_id}" for sourced_id in got]

    def runs(thread: int) -> None:
        for _ in range(3):
            try:
                outcomes[thread] += asyncio.run(asyncio.wait_for(calls(thread), 30))  # (a hang fails the test)
            except BaseException as error:  # (to the assertion below, with the others)
                outcomes[thread].append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=runs, args=(n,), daemon=True) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a loop's calls hung"
    for n in range(2):
        expected = ([ids[n * 2]] + [ids[n * 2 + k % 2] for k in range(10)]) * 3
        assert outcomes[n] == expected, outcomes[n]
    asyncio.run(shared.close())


def test_a_callers_http_client_whose_loop_closed_is_a_typed_error(server: LocalServer) -> None:
    """An ``http_client`` of the caller's is theirs: not replaced. Its pooled connection of a closed loop is an
    ``APIConnectionError`` saying so, not httpx's ``RuntimeError``."""
    http = httpx.AsyncClient()
    client = AsyncTimeback(**server.client_kwargs(), http_client=http)

    async def one_call() -> None:
        await client.oneroster.gradebook.get_all_results(limit=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # (the first loop's socket, which httpx can no longer close)
        asyncio.run(one_call())
        with pytest.raises(APIConnectionError, match="belong to an event loop that was closed") as raised:
            asyncio.run(one_call())
        assert isinstance(raised.value.__cause__, RuntimeError)
        del raised  # (its traceback holds that socket)
        gc.collect()
    assert client._client._http is http

    async def last() -> None:
        await one_call()  # (the dead connection was dropped: a new one, of this loop)
        await client.close()

    asyncio.run(last())


def test_closing_a_callers_http_client_under_a_later_loop_closes_it_raising_nothing(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An ``http_client`` of the caller's used under one ``asyncio.run()``, the client closed under the next: httpx's
    close of the first loop's connection raised asyncio's bare ``RuntimeError("Event loop is closed")`` out of
    ``close()`` (and ``async with``). The client is closed all the same, the error logged (debug)."""
    caplog.set_level("DEBUG", logger="timeback")
    http = httpx.AsyncClient()
    client = AsyncTimeback(**server.client_kwargs(), http_client=http)

    async def one_call() -> None:
        await client.oneroster.gradebook.get_all_results(limit=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # (the first loop's socket, which only that loop could close)
        asyncio.run(one_call())
        asyncio.run(client.close())
        gc.collect()
    assert http.is_closed and client._client.is_closed()
    assert "closing the http client's connections of a closed event loop failed: RuntimeError(" in caplog.text
    # The record holds the error's repr, not the error: its traceback held the socket past the test (caplog keeps its
    # records to the end), collected in a later test, outside the filter above (a ResourceWarning failing that test).
    assert not [arg for record in caplog.records for arg in record.args or () if isinstance(arg, BaseException)]


def test_an_error_body_nested_past_what_json_decodes_is_kept_as_text() -> None:
    """``json.loads`` raises ``RecursionError`` (not a ``ValueError``) on JSON nested some 100,000 deep: the
    error body is then the text, and the call raises the typed error, not a bare RecursionError."""
    deep = b"[" * 100_000 + b"]" * 100_000
    script = Script([lambda request: httpx.Response(400, content=deep)])
    with pytest.raises(RequestError) as err:
        get_result(make_client(script))
    assert err.value.status_code == 400 and isinstance(err.value.body, str) and err.value.body.startswith("[[[")


@pytest.mark.parametrize(("status", "kind"), [(429, RateLimitError), (503, ServerError)])
def test_a_retry_after_longer_than_the_sdk_waits_is_raised_at_once_saying_so(
    sleeps: list[float], status: int, kind: type[RequestError]
) -> None:
    """A 503 with ``Retry-After: 300`` (a maintenance answer) is not retried, as a 429 is not: its error says why,
    and carries the wait asked for, so a caller can schedule the retry itself."""
    script = Script([answer(status, headers={"Retry-After": "300"})])
    with pytest.raises(kind) as err:
        get_result(make_client(script))
    assert len(script.requests) == 1 and sleeps == [] and err.value.retry_after == 300.0
    assert "not retried: the server asked for a wait of 300 s, over the 60 s the SDK waits" in str(err.value)


def test_calls_that_wait_for_a_new_token_in_a_later_event_loop_get_it(server: LocalServer) -> None:
    """One ``AsyncTimeback`` across ``asyncio.run`` calls (a worker running a job per loop), its token expired between
    them: the calls gathered in the later loop that waited for the refresh raised a bare ``RuntimeError`` (the lock
    they waited on was bound to the first loop). Each loop now has its own."""
    client = AsyncTimeback(**server.client_kwargs())

    async def job() -> list[str]:
        gathered = (client.oneroster.gradebook.get_all_categories(limit=1) for _ in range(10))
        return [type(outcome).__name__ for outcome in await asyncio.gather(*gathered, return_exceptions=True)]

    first = asyncio.run(job())
    tokens = client._client._tokens
    expired = tokens.current()
    assert expired is not None
    tokens.invalidate(expired)  # (as if it expired between the jobs)
    second = asyncio.run(job())
    asyncio.run(client.close())
    assert first == second == ["AsyncPage"] * 10


def test_event_loops_running_at_once_share_one_token_refresh(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module-level ``AsyncTimeback`` called from threads that each run ``asyncio.run`` (a sync web view): the
    token refresh was one at a time per loop only, so each loop running at once asked for a token of its own (3 of
    8 here, with the token endpoint taking 0.2 s as a remote one does). One refresh now serves every loop."""
    tokens = server.app.state.tokens
    issued: list[str] = []

    def slow_issue(client_id: str, scopes: frozenset[str]) -> str:
        issued.append(client_id)
        time.sleep(0.2)
        return original(client_id, scopes)

    original = tokens.issue
    monkeypatch.setattr(tokens, "issue", slow_issue)
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    together = threading.Barrier(8)
    outcomes: list[str] = []

    def runs() -> None:
        together.wait(30)
        try:
            page = asyncio.run(asyncio.wait_for(shared.oneroster.gradebook.get_all_categories(limit=1), 30))
            outcomes.append(type(page).__name__)
        except BaseException as error:  # (to the assertion below)
            outcomes.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=runs, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes == ["AsyncPage"] * 8 and len(issued) == 1, (outcomes, issued)


def test_a_call_waiting_for_another_loops_refresh_keeps_its_deadline_and_leaves_its_loop_free(
    server: LocalServer,
) -> None:
    """A call whose deadline passes while another loop refreshes the token: a timeout; its loop's token lock
    is let go (its next call needing a refresh makes one), and its next call reuses the other loop's token."""
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    categories = shared.oneroster.gradebook.get_all_categories

    async def refreshes() -> None:
        await categories(limit=1)

    with token_answers_held(server) as held:
        refreshing = threading.Thread(target=asyncio.run, args=(refreshes(),), daemon=True)
        refreshing.start()
        assert held.asked.wait(30)

        async def waits() -> None:
            with pytest.raises(APITimeoutError, match=r"deadline of 0\.2s passed"):
                await asyncio.wait_for(categories(limit=1, deadline=0.2), 10)
            held.release()  # (the other loop's call has timed out)
            refreshing.join(30)
            await categories(limit=1)  # (the other loop's token)
            assert held.count == 1
            token = shared._client._tokens.current()
            assert token is not None
            shared._client._tokens.invalidate(token)
            await asyncio.wait_for(categories(limit=1), 10)  # (this loop's lock free: it refreshes)
            assert held.count == 2
            await shared.close()

        asyncio.run(waits())


def test_a_refresh_left_in_a_loop_that_stopped_holds_no_other_loop_up(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh begun in a loop that is then closed with it pending (a task in the background of a
    ``run_until_complete``) is never finished: the other loops waited for it to their deadline, or forever. They
    refresh themselves then, as each loop did before refreshes were shared between loops."""
    tokens = server.app.state.tokens
    original = tokens.issue
    monkeypatch.setattr(tokens, "issue", lambda client_id, scopes: (time.sleep(0.5), original(client_id, scopes))[1])
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    abandoned = asyncio.new_event_loop()

    async def first() -> object:
        return await shared.oneroster.gradebook.get_all_categories(limit=1)

    pending = abandoned.create_task(first())
    refresh = shared._client._refresh._lock
    while not refresh.locked():  # (the refresh begun, its token request on its way: then the loop is closed)
        abandoned.run_until_complete(asyncio.sleep(0.01))
    abandoned.run_until_complete(asyncio.sleep(0.05))
    abandoned.close()

    async def later() -> str:
        page = await asyncio.wait_for(shared.oneroster.gradebook.get_all_categories(limit=1), 20)
        return type(page).__name__

    assert asyncio.run(later()) == "AsyncPage"
    assert not pending.done()  # (the first loop's call: left as it was)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        asyncio.run(shared.close())
        del pending, abandoned  # (the first loop's connection, never closed, is collected here, warning)
        gc.collect()


async def test_a_callers_transport_failing_as_it_closes_a_generator_raises_its_own_error() -> None:
    """An error raised while something is being closed holds a GeneratorExit in its context: in a running task it is
    the caller's error, not the SDK's coroutine closed by the garbage collector (which ends quietly, as above). The
    check for that one took any such error for it: the call raised GeneratorExit, past ``except Exception``."""

    class CleanupFails(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            async def lease() -> Any:
                try:
                    yield b"x"
                finally:
                    raise RuntimeError("cleanup failed: lease not released")

            leased = lease()
            await leased.__anext__()
            await leased.aclose()  # (RuntimeError, its context the GeneratorExit)
            raise AssertionError("not reached")

    async with AsyncTimeback(client_id="id", client_secret="secret", base_url="https://api.invalid", max_retries=0,
                             http_client=httpx.AsyncClient(transport=CleanupFails())) as client:  # fmt: skip
        with pytest.raises(RuntimeError, match="cleanup failed: lease not released"):
            await client.oneroster.gradebook.get_category(sourced_id="x")


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_the_headers_set_on_an_http_client_are_sent_the_sdks_own_winning(server: LocalServer, kind: str) -> None:
    """A caller's ``http_client`` with headers of its own (a trace id, a gateway's API key) sent none of them: the SDK
    builds its requests itself, not with the client's ``build_request``. They go with every request now, the token
    request too; the SDK's own (Authorization, Accept, User-Agent) win, and httpx's defaults that the SDK never sent
    (Accept-Encoding, Connection, Accept: */*) stay unsent. A change to ``http.headers`` is seen by the next call."""
    seen: list[httpx.Headers] = []

    def note(request: httpx.Request) -> None:
        seen.append(request.headers)

    async def note_async(request: httpx.Request) -> None:
        note(request)

    mine: dict[str, Any] = {
        "X-Request-Id": "mine-1", "X-Api-Key": "k1", "User-Agent": "theirs", "Authorization": "Bearer theirs",
        "X-Name": "José".encode(),  # (bytes with no ASCII text: httpx sends them as given, and so must the SDK)
    }  # fmt: skip
    hooks: dict[str, Any] = {"request": [note if kind == "sync" else note_async]}
    http: httpx.Client | httpx.AsyncClient
    if kind == "sync":
        http = httpx.Client(headers=mine, event_hooks=hooks)
        with Timeback(**server.client_kwargs(), http_client=http) as client:
            assert client.oneroster.gradebook.get_all_results(limit=1).request_id == "mine-1"
            http.headers["X-Request-Id"] = "mine-2"
            assert client.oneroster.gradebook.get_all_results(limit=1).request_id == "mine-2"
    else:
        http = httpx.AsyncClient(headers=mine, event_hooks=hooks) if kind == "httpx" else DefaultAioHttpClient(
            headers=mine, event_hooks=hooks)  # fmt: skip
        async with AsyncTimeback(**server.client_kwargs(), http_client=http) as aclient:
            assert (await aclient.oneroster.gradebook.get_all_results(limit=1)).request_id == "mine-1"
            http.headers["X-Request-Id"] = "mine-2"
            assert (await aclient.oneroster.gradebook.get_all_results(limit=1)).request_id == "mine-2"
    token, *calls = seen
    assert token["Authorization"].startswith("Basic ") and len(calls) == 2
    for headers in seen:  # (the token request's User-Agent too: a WAF before a token endpoint may want one)
        assert headers["X-Api-Key"] == "k1" and headers.get("User-Agent") == engine.USER_AGENT
        assert dict(headers.raw)[b"X-Name"] == "José".encode()
        assert headers["Accept"] == "application/json"
        assert "accept-encoding" not in headers and "connection" not in headers
    for headers in calls:
        assert headers["Authorization"] != "Bearer theirs"


def test_each_request_carries_its_own_length_and_no_other_requests_headers(server: LocalServer, roster: Any) -> None:
    """The SDK's headers are made once per client and copied into each request, where httpx adds its Content-Length
    and Host: added to the ones kept, the next request would go with the last one's length (a longer body cut
    short) and a GET with a body's headers."""
    from tests.support import add_line_items

    seen: list[httpx.Request] = []
    with Timeback(**server.client_kwargs()) as client:
        client._client._http.event_hooks["request"].append(seen.append)
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        short, long = uid("r"), uid("r")
        gb.put_result(sourced_id=short, result=result_body(line_item, roster.students[0]))
        gb.put_result(sourced_id=long, result=result_body(line_item, roster.students[0], comment="c" * 500))
        assert gb.get_result(sourced_id=long).result.comment == "c" * 500
        gb.put_result(sourced_id=short, result=result_body(line_item, roster.students[0], score=1))
    assert [request.method for request in seen[1:]] == ["POST", "PUT", "PUT", "GET", "PUT"]
    for request in seen[1:]:
        sent = request.content
        assert request.headers.get("Content-Length") == (str(len(sent)) if sent else None)
        assert request.headers.get("Content-Type") == ("application/json" if sent else None)
        assert request.headers.get_list("Host") == [request.url.netloc.decode()]


def test_a_request_id_sent_twice_is_the_first(sleeps: list[float]) -> None:
    """A header repeated (a proxy adding its own after the server's) was read joined, ``"req-1, proxy-9"``: no
    one's id. The first is the answering server's."""
    twice = [("X-Request-Id", "req-1"), ("x-request-id", "proxy-9"), ("x-amzn-RequestId", "amzn-9")]
    script = Script([lambda request: httpx.Response(200, json=RESULT, headers=twice)])
    assert get_result(make_client(script)).request_id == "req-1"
    gateway_twice = [("x-amzn-RequestId", "amzn-1"), ("x-amzn-requestid", "amzn-2")]
    script = Script([lambda request: httpx.Response(404, json={"imsx_description": "gone"}, headers=gateway_twice)])
    with pytest.raises(NotFoundError) as err:
        get_result(make_client(script))
    assert err.value.request_id == "amzn-1"
    # (an empty first value hid the real one after it)
    empty_first = [("X-Request-Id", ""), ("x-request-id", "req-2")]
    script = Script([lambda request: httpx.Response(200, json=RESULT, headers=empty_first)])
    assert get_result(make_client(script)).request_id == "req-2"


def test_the_token_request_carries_the_sdks_user_agent(server: LocalServer) -> None:
    """The token request went without a User-Agent, API calls with the SDK's (WAFs before token endpoints often
    refuse a request without one)."""
    seen: list[httpx.Request] = []
    with Timeback(**server.client_kwargs()) as client:
        client._client._http.event_hooks["request"].append(seen.append)
        client.oneroster.gradebook.get_all_results(limit=1)
    assert [request.url.path for request in seen] == ["/oauth2/token", "/ims/oneroster/gradebook/v1p2/results/"]
    assert [request.headers.get("User-Agent") for request in seen] == [engine.USER_AGENT] * 2


class _CallersAuth(httpx.Auth):
    """An ``httpx.Auth`` of the caller's own: a header of its kind on every request it is applied to."""

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = "Token the-callers-own"
        yield request


@pytest.mark.parametrize("auth", [("caller", "caller-password"), _CallersAuth()], ids=["basic", "auth-class"])
@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_an_http_client_with_auth_of_its_own_does_not_replace_the_sdks_credentials(
    server: LocalServer, kind: str, auth: Any
) -> None:
    """httpx's ``send()`` applies its client's ``auth`` to every request: a caller's ``http_client`` made with one
    (``auth=("u", "p")``, an ``httpx.Auth``) had it replace the bearer token on each call and the SDK's own Basic
    credentials on the token request, so every call failed 401. The SDK's credentials win now, on every request."""
    import base64

    from tests.conftest import CLIENT_ID, CLIENT_SECRET

    seen: list[str] = []  # (each request's Authorization as sent: the hooks run after httpx applies auth)

    def note(request: httpx.Request) -> None:
        seen.append(request.headers["Authorization"])

    async def note_async(request: httpx.Request) -> None:
        note(request)

    hooks: dict[str, Any] = {"request": [note if kind == "sync" else note_async]}
    if kind == "sync":
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(auth=auth, event_hooks=hooks)) as client:
            assert client.oneroster.gradebook.get_all_results(limit=1).total_count is not None
    else:
        http = (httpx.AsyncClient if kind == "httpx" else DefaultAioHttpClient)(auth=auth, event_hooks=hooks)
        async with AsyncTimeback(**server.client_kwargs(), http_client=http) as aclient:
            assert (await aclient.oneroster.gradebook.get_all_results(limit=1)).total_count is not None
    own = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert seen[0] == f"Basic {own}" and len(seen) == 2 and seen[1].startswith("Bearer ")


def test_a_gateways_504_is_retried_but_not_the_servers_own_time_limit(sleeps: list[float]) -> None:
    """AWS API Gateway's 504 (its own body) may pass; a 504 with an imsx_StatusInfo body is the server stopping the
    query at its time limit (the local server's ``query_timeout_seconds``), which a retry would only run again."""
    gateway = Script([answer(504, {"message": "Endpoint request timed out"}), answer(200, RESULT)])
    assert get_result(make_client(gateway)).retries_taken == 1
    stopped = {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": "Past the time limit."}
    script = Script([answer(504, stopped)])
    with pytest.raises(ServerError) as err:
        get_result(make_client(script, max_retries=2))
    assert err.value.retries_taken == 0 and len(script.requests) == 1 and len(sleeps) == 1  # (the gateway's retry)
    # (the reason in place of the sentence's full stop: it read "limit.; not retried")
    assert err.value.message == "Past the time limit; not retried: the server stopped the query at its time limit"
    assert str(err.value).startswith("504: Past the time limit; not retried: "), str(err.value)


def test_closing_from_another_loop_leaves_the_first_loops_shutdown_quiet(server: LocalServer) -> None:
    """``close()`` from one event loop closes the SDK's http client of another loop still open, there. It closed that
    client's closer, which that loop's own shutdown then closed again while it ran: asyncio reported "aclose():
    asynchronous generator is already running" to the loop's exception handler."""
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    first = asyncio.new_event_loop()
    reported: list[str] = []
    first.set_exception_handler(lambda loop, context: reported.append(str(context.get("message"))))
    try:
        first.run_until_complete(shared.oneroster.gradebook.get_all_categories(limit=1))
        asyncio.run(shared.close())
        first.run_until_complete(first.shutdown_asyncgens())
    finally:
        first.close()
    assert reported == []


def test_closing_from_another_loop_leaves_nothing_unawaited_in_a_loop_never_run_again(server: LocalServer) -> None:
    """The close of another loop's http client was a coroutine made at once and handed to that loop: a loop never run
    again (closed as it stood) left it "never awaited", a RuntimeWarning (an error under ``-W error``)."""
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    first = asyncio.new_event_loop()
    first.run_until_complete(shared.oneroster.gradebook.get_all_categories(limit=1))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        asyncio.run(shared.close())
        first.close()
        del first, shared  # (the first loop's connection, never closed, is collected here: its ResourceWarning too)
        gc.collect()
    assert not [w for w in seen if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in seen]


@pytest.mark.parametrize("path", ["ims/oneroster/rostering/v1p2/orgs/", "https://elsewhere.test/ims/oneroster/"])
async def test_the_escape_hatch_takes_a_path_after_the_base_url_only(
    server: LocalServer, client: Timeback, async_client: AsyncTimeback, path: str
) -> None:
    """(Joined as text, a path without its "/" ran into the host: ``https://api.example.com`` + ``ims/...`` went to
    ``api.example.comims`` with the token; here, with a port, "Invalid port: ...: shorten the filter, search or
    id".) Refused before anything is sent; a path after the base URL is sent as before."""
    with pytest.raises(ValueError, match="must begin with '/': it goes after the base URL"):
        client.request("GET", path)
    with pytest.raises(ValueError, match="must begin with '/': it goes after the base URL"):
        await async_client.request("GET", path)
    assert client.request("GET", "/ims/oneroster/rostering/v1p2/orgs/").status_code == 200
    assert (await async_client.request("GET", "/ims/oneroster/rostering/v1p2/orgs/")).status_code == 200


async def test_the_escape_hatch_sends_the_sdk_s_models_in_its_json(
    client: Timeback, async_client: AsyncTimeback, roster: Roster
) -> None:
    """A record read, passed back in ``json`` (at any depth), is sent as the methods send it: httpx's encoder raised
    TypeError "Object of type TimebackScoreScale is not JSON serializable"."""
    gradebook = client.oneroster.gradebook
    scale = gradebook.get_score_scale(sourced_id=roster.score_scale).scoreScale
    path = f"/ims/oneroster/gradebook/v1p2/scoreScales/{roster.score_scale}"
    assert client.request("PUT", path, json={"scoreScale": scale.model_copy(update={"title": "Renamed"})}).is_success
    assert gradebook.get_score_scale(sourced_id=roster.score_scale).scoreScale.title == "Renamed"
    answer = await async_client.request("PUT", path, json={"scoreScale": scale.model_copy(update={"title": "Again"})})
    assert answer.is_success, answer.text
    assert gradebook.get_score_scale(sourced_id=roster.score_scale).scoreScale.title == "Again"


async def test_the_escape_hatch_takes_the_per_call_options(failing_token_endpoint: LocalServer) -> None:
    """As every method does: ``timeout``, ``max_retries`` and ``deadline`` for that call (a TypeError before)."""
    counts = failing_token_endpoint.app.state.faults.counts
    path = "/ims/oneroster/rostering/v1p2/orgs/"
    before = counts["requests"]
    with Timeback(**failing_token_endpoint.client_kwargs()) as client, pytest.raises(ServerError) as failed:
        client.request("GET", path, max_retries=0, timeout=5)
    async with AsyncTimeback(**failing_token_endpoint.client_kwargs()) as async_client:
        with pytest.raises(ServerError) as async_failed:
            await async_client.request("GET", path, max_retries=0, deadline=30)
    assert failed.value.retries_taken == async_failed.value.retries_taken == 0
    assert counts["requests"] - before == 2  # (each call's token request, once: not retried)
    with pytest.raises(ValueError, match="max_retries"):
        client.request("GET", path, max_retries=-1)


async def test_a_client_refuses_pickle_and_copies_before_writing_a_credential(
    server: LocalServer, client: Timeback, async_client: AsyncTimeback
) -> None:
    """A client sent to a worker process (a pool's argument, a task's) failed with a bare "cannot pickle
    '_thread.lock' object"; and the pure-Python pickler (dill's base), protocols 0 to 3, had written the client
    secret and the bearer token into its stream by then. Refused at once, saying what to do; a copy too (a shallow
    one shared the connection pool: closing it closed the original)."""
    import copy
    import io
    import pickle

    from tests.conftest import CLIENT_SECRET

    client.oneroster.gradebook.get_all_categories(limit=1)  # (a token, cached)
    await async_client.oneroster.gradebook.get_all_categories(limit=1)
    said = (
        "a Timeback client cannot be pickled or copied .* create one per process, e.g. in the pool's initializer; "
        "for other timeout, max_retries or deadline, pass them to the call"
    )
    for either in (client, async_client):
        token = either._client._tokens._token
        assert token is not None
        for held in (either, either._client, either.oneroster, either.oneroster.gradebook, either.request):
            written = io.BytesIO()
            with pytest.raises(TypeError, match=said):
                pickle._Pickler(written, protocol=2).dump(held)  # type: ignore[attr-defined]
            assert CLIENT_SECRET.encode() not in written.getvalue()
            assert token.value.encode() not in written.getvalue()
            for refused in (pickle.dumps, copy.deepcopy):
                with pytest.raises(TypeError, match=said):
                    refused(held)
        with pytest.raises(TypeError, match=said):
            copy.copy(either)
    assert not client._client.is_closed()


@pytest.fixture
def cutting_gateway(server: LocalServer) -> Iterator[tuple[str, list[Any]]]:
    """A gateway on a loopback port in front of ``server``: it passes each request on and its answer back, but cuts
    short the body (to half, its Content-Length saying so) of the answers to requests whose path and query hold
    the text in the plan's first item, as many as its second (the plan: ``[text, count]``, cutting none at first)."""
    import http.server

    plan: list[Any] = ["", 0]

    class Gateway(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _pass_on(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
            answer = httpx.request(self.command, f"{server.url}{self.path}", content=body, headers=headers)
            content = answer.content
            if plan[0] and plan[0] in self.path and plan[1] > 0:
                plan[1] -= 1
                content = content[: len(content) // 2]
            self.send_response(answer.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _pass_on

        def log_message(self, *args: Any) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway) as running:
        running.daemon_threads = True
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{running.server_address[1]}", plan
        finally:
            running.shutdown()
            thread.join()


@pytest.mark.parametrize("kind", ["sync", "async-httpx", "async-aiohttp"])
async def test_a_token_answer_cut_short_is_retried(
    server: LocalServer, cutting_gateway: tuple[str, list[Any]], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token endpoint's 200 whose JSON ends mid-value (a gateway that cut the transfer; or a connection closed
    mid-body, where the connection's end is the answer's) is asked again within the call's retries, as an API
    call's answer cut short is: it raised at once ("token endpoint answered without an access_token"). Cut on every
    try, it raises once they run out, saying so. A token answer whose connection drops before the body it
    announced (``close=1``) was retried already: it still is."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings

    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    monkeypatch.setattr(engine, "_pause_async", lambda seconds, stop, closing: asyncio.sleep(0))
    gateway, plan = cutting_gateway

    async def token_through(token_url: str) -> None:
        kwargs = server.client_kwargs() | {"token_url": token_url, "max_retries": 1}
        if kind == "sync":
            with Timeback(**kwargs) as api:
                api.oneroster.gradebook.get_result(sourced_id="any")
            return
        http = DefaultAioHttpClient() if kind == "async-aiohttp" else None
        async with AsyncTimeback(**kwargs, http_client=http) as async_api:
            await async_api.oneroster.gradebook.get_result(sourced_id="any")

    plan[:] = ["/oauth2/token", 1]
    with pytest.raises(NotFoundError):  # (the API's answer: the token came with the retry)
        await token_through(f"{gateway}/oauth2/token")
    assert plan[1] == 0
    plan[:] = ["/oauth2/token", 2]
    with pytest.raises(APIResponseValidationError, match="token endpoint answered JSON cut short") as caught:
        await token_through(f"{gateway}/oauth2/token")
    assert (caught.value.retries_taken, caught.value.status_code, plan[1]) == (1, 200, 0)
    cutting = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="close=1")
    with LocalServer(cutting, storage=server.app.state.storage) as faulty:
        with pytest.raises(APIConnectionError, match="reading the body of its 200 answer") as dropped:
            await token_through(f"{faulty.url}/oauth2/token")
    assert dropped.value.retries_taken == 1


@pytest.mark.parametrize("kind", ["sync", "async-httpx", "async-aiohttp"])
async def test_a_read_back_cut_short_is_retried(
    server: LocalServer, client: Timeback, roster: Any, cutting_gateway: tuple[str, list[Any]], kind: str
) -> None:
    """A create's 201 cut short is confirmed by reading its records back; that read's 200 cut short too is sent
    again within ``max_retries``, as any GET's is, and the create succeeds. It failed the check at once, as a
    failed read does ("...reading them back to confirm it failed (200: the answer is not a JSON object)")."""
    from tests.support import add_line_items

    gateway, plan = cutting_gateway
    line_item = add_line_items(client, roster, 1)[0]
    body = result_body(line_item, roster.students[0], uid("read-back-cut"))
    kwargs = server.client_kwargs() | {"base_url": gateway, "token_url": f"{server.url}/oauth2/token"}
    plan[:] = ["/results", 2]  # (the create's answer, then its read-back's)
    if kind == "sync":
        with Timeback(**kwargs, max_retries=1) as api:
            created = api.oneroster.gradebook.create_result(result=body)
    else:
        http = DefaultAioHttpClient() if kind == "async-aiohttp" else None
        async with AsyncTimeback(**kwargs, max_retries=1, http_client=http) as async_api:
            created = await async_api.oneroster.gradebook.create_result(result=body)
    assert created.sourcedIdPairs[0].allocatedSourcedId == body["sourcedId"] and plan[1] == 0


@pytest.mark.parametrize("deadline", [None, 30])
@pytest.mark.parametrize("kind", ["sync", "async-httpx", "async-aiohttp"])
async def test_an_answer_whose_body_is_cut_short_names_its_request_id_and_status(
    server: LocalServer, kind: str, deadline: int | None
) -> None:
    """The server answers a 200's head, its X-Request-Id in it, then cuts the connection (``close=1``): the error
    names that request id and status. httpx's send, reading the body itself, dropped the answer with its failure:
    ``request_id`` was None, though the README promises it for a faulted answer. (With a deadline, and without:
    two paths.)"""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings

    cutting = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="close=1")
    with LocalServer(cutting, storage=server.app.state.storage) as faulty:
        faulty.app.state.tokens = server.app.state.tokens  # (the token from the server without faults)
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        with pytest.raises(APIConnectionError) as caught:
            if kind == "sync":
                with Timeback(**kwargs, max_retries=0) as api:
                    api.oneroster.gradebook.get_result(sourced_id="any", deadline=deadline)
            else:
                http = DefaultAioHttpClient() if kind == "async-aiohttp" else None
                async with AsyncTimeback(**kwargs, max_retries=0, http_client=http) as async_api:
                    await async_api.oneroster.gradebook.get_result(sourced_id="any", deadline=deadline)
    error = caught.value
    assert error.request_id is not None and re.fullmatch("[0-9a-f]{32}", error.request_id), error.request_id
    assert f"request id {error.request_id}" in str(error), str(error)
    assert "RemoteProtocolError, reading the body of its 200 answer" in str(error), str(error)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_answer_cut_short_is_retried_as_a_read_and_says_where_when_it_stays_so(
    server: LocalServer, client: Timeback, roster: Any, cutting_gateway: tuple[str, list[Any]], kind: str
) -> None:
    """A 200 whose JSON ends mid-value (a gateway that cut it): a read is sent again within ``max_retries``, as an
    answer httpx cannot decode is; a page cut on every try raises, naming its request and so its offset, to go on
    from (before: url and method missing, and no retry); a create's is not sent again, its write having been done,
    but read back, as a lost answer's is: stored as sent, the call succeeds (before, it raised)."""
    from tests.support import add_line_items

    gateway, plan = cutting_gateway
    line_item = add_line_items(client, roster, 1)[0]
    for i, student in enumerate(roster.students[:3]):
        client.oneroster.gradebook.put_result(sourced_id=f"{line_item}-{i}", result=result_body(line_item, student))
    kwargs = server.client_kwargs() | {"base_url": gateway, "token_url": f"{server.url}/oauth2/token"}
    reader: Any = Timeback(**kwargs, max_retries=1) if kind == "sync" else AsyncTimeback(**kwargs, max_retries=1)
    gradebook = reader.oneroster.gradebook

    async def done(value: Any) -> Any:
        return await value if asyncio.iscoroutine(value) else value

    try:
        plan[:] = [f"/results/{line_item}-0", 1]
        got = await done(gradebook.get_result(sourced_id=f"{line_item}-0"))
        assert (got.result.sourcedId, got.retries_taken, plan[1]) == (f"{line_item}-0", 1, 0)

        plan[:] = ["offset=2", 99]
        page = gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=2)
        with pytest.raises(APIResponseValidationError) as caught:
            _ = [r async for r in page] if kind == "async" else list(page)
        error = caught.value
        assert (error.method, error.retries_taken, error.status_code) == ("GET", 1, 200)
        assert error.url is not None and "offset=2" in error.url and error.url in str(error), str(error)
        assert "not JSON: EOF while parsing" in str(error), str(error)

        plan[:] = ["/results/", 1]
        body = result_body(line_item, roster.students[0], f"{line_item}-posted")
        created = await done(gradebook.create_result(result=body))
        assert (created.sourcedIdPairs[0].allocatedSourcedId, created.retries_taken) == (body["sourcedId"], 0)
        assert plan[1] == 0  # (the POST's answer was the one cut: sent once)
        assert client.oneroster.gradebook.get_result(sourced_id=f"{line_item}-posted").result.score == 90
    finally:
        await done(reader.close())


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "POST", "PATCH"])
@pytest.mark.parametrize("content", [None, b"", b'{"result":{"sourcedId":"r-\xc3\xa9"}}'])
@pytest.mark.parametrize("params", [None, {}, {"filter": "status='active' AND x~'a b'", "limit": 3}])
@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8000", "https://api.example.com:8443/prefix", "http://[::1]:80", "http://127.1"]
)
def test_the_sdks_requests_are_the_ones_httpx_builds(
    method: str, content: bytes | None, params: dict[str, Any] | None, base_url: str
) -> None:
    # The SDK builds its requests given their stream and all their headers (engine._request_of_bytes, faster): the
    # same method, URL, headers in the same order (Host first, Content-Length where httpx puts it), body and stream
    # as httpx.Request(..., content=..., headers=...) builds, a caller's client's headers among them.
    caller = httpx.Client(headers={"X-Caller": b"v\xc3\xa9", "X-Other": "1"})
    client = Timeback(client_id="id", client_secret="secret", base_url=base_url, http_client=caller)
    url = client._client.url_of("/ims/oneroster/gradebook/v1p2/results/a%2Fb")
    built = client._client._http_request(method, url, params=params, content=content)
    headers = {"X-Caller": b"v\xc3\xa9", "X-Other": "1", "Accept": "application/json", "User-Agent": engine.USER_AGENT}
    if content is not None:
        headers["Content-Type"] = "application/json"
    expected = httpx.Request(method, url, params=params, content=content, headers=headers)
    assert (built.method, built.url, built.headers.raw, built.content) == (
        expected.method,
        expected.url,
        expected.headers.raw,
        expected.content,
    )
    assert type(built.stream) is type(expected.stream) and list(built.stream) == list(expected.stream)
    client.close()
    caller.close()


def test_a_token_endpoint_answering_no_token_names_the_call_it_was_for(sleeps: list[float]) -> None:
    """A token URL answering a web page (a login page's HTML: a token URL that is not one): its error, an
    ``APIResponseValidationError``, did not name the call it was for, as the token request's other errors do."""

    def login_page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, text="<html><title>Sign in</title></html>")

    http = httpx.Client(transport=httpx.MockTransport(login_page))
    with Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL, http_client=http,
                  max_retries=0) as client, pytest.raises(APIResponseValidationError) as raised:  # fmt: skip
        client.oneroster.gradebook.get_result(sourced_id="r-1")
    message = str(raised.value)
    assert "the token URL looks wrong" in message and raised.value.url == TOKEN_URL, message
    assert message.endswith(f"; getting a token for GET {BASE_URL}/ims/oneroster/gradebook/v1p2/results/r-1 "
                            f"(POST {TOKEN_URL})"), message  # fmt: skip


def test_an_update_whose_attempt_got_no_answer_then_failed_getting_a_token_says_it_may_have_been_applied(
    sleeps: list[float],
) -> None:
    """A DELETE whose first attempt got no answer (the connection dropped), retried, answered 401, and whose new token
    was refused: its error named only the token request ("getting a token for DELETE ..." reads as never sent)."""
    tokens = 0

    def dropped_then_revoked(request: httpx.Request) -> httpx.Response:
        nonlocal tokens
        if str(request.url) == TOKEN_URL:
            tokens += 1
            if tokens == 1:
                return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
            return httpx.Response(400, json={"error": "invalid_client"})
        if not dropped:  # (the DELETE's first attempt)
            dropped.append(request)
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(401, json={"imsx_description": "token revoked"})

    dropped: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(dropped_then_revoked))
    with Timeback(client_id="id", client_secret=SECRET, base_url=BASE_URL, token_url=TOKEN_URL, http_client=http,
                  max_retries=1) as client, pytest.raises(AuthError) as raised:  # fmt: skip
        client.oneroster.gradebook.delete_result(sourced_id="r-1")
    message = str(raised.value)
    assert raised.value._answer_lost and len(dropped) == 1 and tokens == 2, message
    assert "; an attempt of this call got no answer, so it may have been applied" in message, message
    assert f"getting a token for DELETE {BASE_URL}/ims/oneroster/gradebook/v1p2/results/r-1" in message, message


def test_a_keyword_the_call_does_not_take_is_refused_naming_the_one_it_likely_meant(client: Timeback) -> None:
    """Body keywords are wire names (``assessmentResult=``), path and query ones snake case (``sourced_id=``):
    ``assessment_result=`` was refused with pydantic's "Extra inputs are not permitted" beside "Field required" for
    the other. The ValidationError now carries a note naming the keyword meant (shown in its traceback)."""
    from pydantic import ValidationError

    gradebook, rostering = client.oneroster.gradebook, client.oneroster.rostering
    for call, note in (
        (lambda: gradebook.patch_assessment_result(sourced_id="x", assessment_result={"score": 1}),
         "assessment_result= is not a keyword of patch_assessment_result(): did you mean assessmentResult=?"),
        (lambda: gradebook.get_result(sourcedId="x"),
         "sourcedId= is not a keyword of get_result(): did you mean sourced_id=?"),
        (lambda: gradebook.get_all_results(sortt="score"),
         "sortt= is not a keyword of get_all_results(): did you mean sort=?"),
        (lambda: rostering.update_class(sourced_id="x", klass={"title": "T"}),
         "klass= is not a keyword of update_class(): did you mean class_=?"),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.__notes__ == [note]
    with pytest.raises(ValidationError) as unlike:
        gradebook.get_all_results(xyz=1)
    assert not hasattr(unlike.value, "__notes__")  # (nothing close: no guess)


class Gateway(enum.IntEnum):
    ON = 1


def _recording() -> tuple[list[httpx.Request], DefaultHttpxClient]:
    seen: list[httpx.Request] = []
    return seen, DefaultHttpxClient(event_hooks={"request": [seen.append]})


def test_extra_headers_and_extra_query_go_with_each_request_of_a_call_not_the_token_s(
    server: LocalServer, client: Timeback, roster: Roster
) -> None:
    """Per call, as openai-python's are (a trace id, a gateway's parameter): with each of the call's requests, its
    pages' too, and not with the token request it makes; a number as its plain text (an IntEnum's too)."""
    (line_item,) = add_line_items(client, roster, 1)
    seen, http = _recording()
    sid = uid("extras")
    with http, Timeback(**server.client_kwargs(), http_client=http) as api:
        gradebook = api.oneroster.gradebook
        gradebook.put_result(sourced_id=sid, result=result_body(line_item, roster.students[0]))
        read = gradebook.get_result(sourced_id=sid, extra_headers={"X-Trace-Id": "t-1"}, extra_query={"gw": Gateway.ON})
        assert read.result.sourcedId == sid
        pages = gradebook.get_results_for_class(
            class_sourced_id=roster.class_, limit=1, extra_headers={"X-Trace-Id": "t-2"}, extra_query={"x-page": 7}
        )
        assert len(list(pages)) >= 1
        raw = api.request("GET", f"/ims/oneroster/gradebook/v1p2/results/{sid}", extra_headers={"X-Trace-Id": "t-3"})
        assert raw.status_code == 200
    traced = {r.headers.get("x-trace-id") for r in seen}
    assert traced == {None, "t-1", "t-2", "t-3"}, traced
    assert [r.method for r in seen if r.headers.get("x-trace-id") is None] == ["POST", "PUT"]  # (the token, the PUT)
    assert all("x-page=7" in str(r.url) for r in seen if r.headers.get("x-trace-id") == "t-2")
    assert [r.url.params.get("gw") for r in seen if r.headers.get("x-trace-id") == "t-1"] == ["1"]  # (not '<...: 1>')


async def test_extra_headers_go_with_an_async_call_and_each_batch_of_a_bulk_upload(
    server: LocalServer, client: Timeback, roster: Roster
) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request)

    http = DefaultAsyncHttpxClient(event_hooks={"request": [record]})
    rows = [result_body(line_item, s, uid("extras-bulk")) for s in roster.students[:2]]
    async with http, AsyncTimeback(**server.client_kwargs(), http_client=http) as api:
        summary = await api.oneroster.gradebook.bulk_post_results(rows, extra_headers={"X-Trace-Id": "bulk"})
        assert summary.ok, summary
        await api.oneroster.gradebook.get_line_item(sourced_id=line_item, extra_headers={"X-Trace-Id": "get"})
    assert [(r.method, r.headers.get("x-trace-id")) for r in seen if "oauth2" not in r.url.path] == [
        ("POST", "bulk"), ("GET", "get")]  # fmt: skip


@pytest.mark.parametrize(
    ("given", "error", "said"),
    [
        ({"extra_headers": {"Authorization": "Bearer mine"}}, ValueError, "extra_headers cannot set 'Authorization'"),
        # (the SDK's own, as a caller's http client's headers do not replace them either)
        ({"extra_headers": {"user-agent": "mine"}}, ValueError, "extra_headers cannot set 'user-agent'"),
        ({"extra_headers": {"Content-Type": "text/plain"}}, ValueError, "extra_headers cannot set 'Content-Type'"),
        ({"extra_headers": {"X-Name": "caf\u00e9"}}, ValueError, "cannot be sent as a header"),
        ({"extra_headers": {"X-Name": "a\r\nX-Forged: 1"}}, ValueError, "cannot be sent as a header"),
        ({"extra_headers": {"X Name": "a"}}, ValueError, "cannot be sent as a header"),
        ({"extra_headers": {"X-Name": 5}}, TypeError, "extra_headers takes names (text) to values (text)"),
        ({"extra_headers": "X-Name: a"}, TypeError, "extra_headers must be a mapping"),
        ({"extra_query": {"a": None}}, TypeError, "extra_query takes names (text) to values (text or a number)"),
        ({"extra_query": {"a": True}}, TypeError, "extra_query takes names"),
        # (no space or tab at either end of a value: h11 refused it as it sent, a connection error, retried)
        ({"extra_headers": {"X-Name": " padded"}}, ValueError, "cannot be sent as a header"),
        ({"extra_headers": {"X-Name": "x\t"}}, ValueError, "cannot be sent as a header"),
        # (what the SDK pages and reads back by: offset replaced paged forever, fields marked partial records whole)
        ({"extra_query": {"offset": 0}}, ValueError, "extra_query cannot set 'offset': the SDK sets it"),
        ({"extra_query": {"fields": "sourcedId"}}, ValueError, "extra_query cannot set 'fields'"),
        ({"extra_query": {"filter": "score>'1'"}}, ValueError, "extra_query cannot set 'filter'"),
    ],
)
def test_extra_headers_and_extra_query_are_checked_where_the_call_is_made(
    client: Timeback, given: dict[str, Any], error: type[Exception], said: str
) -> None:
    with pytest.raises(error, match=re.escape(said)):
        client.oneroster.gradebook.get_result(sourced_id="r", **given)
