"""A client closed while calls are in flight, or waiting to retry, or before a call: the calls end with the SDK's
typed errors, never httpx's ``RuntimeError``, and nothing is retried. Against real servers over loopback: one
answering slowly (a call in flight when ``close()`` runs) and one answering 429 with ``Retry-After`` (a call waiting
to retry)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import inspect
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, cast

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import add_line_items, in_threads, make_roster, result_body, uid
from timeback import (
    APIConnectionError,
    AsyncTimeback,
    DefaultAioHttpClient,
    RateLimitError,
    Timeback,
    _http_clients,
)
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

KINDS = ["sync", "httpx", "aiohttp"]  # Timeback; AsyncTimeback on httpx's own stack, and on aiohttp
SLOW_MS = 600
ENDS_WITHIN = 10.0


@pytest.fixture(scope="module")
def slow(server: LocalServer) -> Iterator[LocalServer]:
    """Every request answered ``SLOW_MS`` late (the token endpoint's too): a call is in flight that long."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=f"slow=1,slow_ms={SLOW_MS}")
    with LocalServer(settings, storage=server.app.state.storage) as running:
        yield running


@pytest.fixture(scope="module")
def limiting(server: LocalServer) -> Iterator[LocalServer]:
    """Every request answered 429 with ``Retry-After: 30``, before its token is looked at (taken from ``server``)."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="429=1,retry_after=30")
    with LocalServer(settings, storage=server.app.state.storage) as running:
        yield running


def make(kind: str, **kwargs: Any) -> Timeback | AsyncTimeback:
    if kind == "sync":
        return Timeback(**kwargs)
    return AsyncTimeback(**kwargs, http_client=DefaultAioHttpClient() if kind == "aiohttp" else None)


async def closed_during(
    kind: str,
    api: Any,
    call: Callable[[], Any],
    after: float,
    once: Callable[[], bool] = lambda: True,
    then: Callable[[], object] = lambda: None,
) -> BaseException:
    """Start ``call()`` (in a thread, or a task), close ``api`` ``after`` seconds after ``once()`` holds, then run
    ``then()``; the error the call ended with.
    The call must end within ``ENDS_WITHIN`` seconds of the close (a liveness bound, far above what it takes)."""
    ended: list[BaseException] = []
    if kind == "sync":

        def run() -> None:
            try:
                call()
            except BaseException as exc:
                ended.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        while not once():
            time.sleep(0.01)
        time.sleep(after)
        api.close()
        then()
        thread.join(ENDS_WITHIN)
        assert not thread.is_alive(), "the call went on after the close"
    else:
        task = asyncio.ensure_future(call())
        while not once():
            await asyncio.sleep(0.01)
        await asyncio.sleep(after)
        await api.close()
        then()
        done, _ = await asyncio.wait((task,), timeout=ENDS_WITHIN)
        if not done:
            task.cancel()
        assert done, "the call went on after the close"
        if task.exception() is not None:
            ended.append(cast(BaseException, task.exception()))
    assert ended, "the call succeeded"
    return ended[0]


async def warm(kind: str, api: Any) -> None:
    """One call, for the client's token and a connection."""
    made = api.oneroster.gradebook.get_all_results(limit=1)
    if kind != "sync":
        await made


@pytest.mark.parametrize("kind", KINDS)
async def test_a_call_in_flight_when_the_client_is_closed_ends_typed_and_is_not_retried(
    slow: LocalServer, kind: str
) -> None:
    """Before: the connection closed under it, the call was retried, and the retry raised httpx's RuntimeError."""
    api = make(kind, **slow.client_kwargs())
    await warm(kind, api)
    sent = slow.app.state.faults.counts["requests"]
    error = await closed_during(kind, api, lambda: api.oneroster.gradebook.get_all_results(limit=1), 0.2)
    assert type(error) is APIConnectionError, repr(error)
    assert str(error).startswith("connection failed: ") and "; not retried: the client was closed (GET " in str(error)
    assert isinstance(error.__cause__, httpx.RequestError) and error.retries_taken == 0
    assert slow.app.state.faults.counts["requests"] == sent + 1


@pytest.mark.parametrize("kind", KINDS)
async def test_a_call_in_flight_when_the_client_is_closed_ends_though_its_socket_number_is_taken_again(
    slow: LocalServer, kind: str
) -> None:
    """Before, on Timeback: close() closed the socket a thread was blocked reading (httpcore 1.0.9), the read went on
    waiting on the socket's number, and once anything took the number (the pipes opened here; in an app, any thread's
    socket or file) the answer never woke it: the call waited its whole read timeout (30 s here, past the liveness
    bound) and ended as APITimeoutError "request timed out", the close's doing. Now its socket is shut down: the read
    wakes at once. Another connection, idle, is closed; none is left open. (AsyncTimeback never had it: the event
    loop stops watching a socket before closing it, and fails the read waiting on it.)"""
    before = open_sockets_to(slow)
    api = make(kind, **slow.client_kwargs(), timeout=30)
    if kind == "sync":
        in_threads(lambda: cast(Timeback, api).oneroster.gradebook.get_all_results(limit=1), 2)
    else:
        await asyncio.gather(*(warm(kind, api) for _ in range(2)))
    numbers = {connection.fileno() for connection in open_sockets_to(slow) - before}
    assert len(numbers) == 2, "no idle connection besides the one in flight"
    pipes: list[int] = []

    def take_numbers() -> None:  # (each new file takes the lowest number free: at most a few dozen below them)
        while not numbers <= set(pipes) and len(pipes) < 128:
            pipes.extend(os.pipe())

    counts = slow.app.state.faults.counts
    asked = counts["requests"]
    in_flight = lambda: counts["requests"] > asked  # noqa: E731
    call = lambda: api.oneroster.gradebook.get_all_results(limit=1)  # noqa: E731
    try:
        error = await closed_during(kind, api, call, 0.05, in_flight, then=take_numbers)
    finally:
        for pipe in pipes:
            os.close(pipe)
    assert type(error) is APIConnectionError, repr(error)
    assert "; not retried: the client was closed (GET " in str(error) and error.retries_taken == 0
    assert open_sockets_to(slow) - before == set()


class NoSocketTold:
    """A connection's network stream whose ``get_extra_info("socket")`` fails (a changed stream API, say)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            raise AttributeError(info)
        return self.stream.get_extra_info(info)


def test_a_close_whose_pool_cannot_be_let_go_still_closes_every_connection(slow: LocalServer) -> None:
    """The socket of a connection in flight not found (an AttributeError), the pool is closed as httpx closes it.
    The error came once the pool had dropped its idle connections: those were left open, for the garbage collector
    (a ResourceWarning each)."""
    before = open_sockets_to(slow)
    api = Timeback(**slow.client_kwargs(), timeout=30)
    in_threads(lambda: api.oneroster.gradebook.get_all_results(limit=1), 3)
    opened = open_sockets_to(slow) - before  # (referenced here: none closed by the garbage collector)
    assert len(opened) == 3
    counts = slow.app.state.faults.counts
    asked = counts["requests"]
    call = threading.Thread(target=lambda: ended(lambda: api.oneroster.gradebook.get_all_results(limit=1)))
    call.start()
    while counts["requests"] == asked and call.is_alive():  # (in flight: the server has it, its answer 600 ms away)
        time.sleep(0.01)
    pool = api._client._http._transport._pool
    (request,) = pool._requests
    request.connection._connection._network_stream = NoSocketTold(request.connection._connection._network_stream)
    api.close()
    call.join(ENDS_WITHIN)
    assert not call.is_alive()
    assert all(sock.fileno() == -1 for sock in opened)


def ended(call: Callable[[], object]) -> None:
    """``call()``, however the close under it ends it (answered, or the typed error)."""
    with contextlib.suppress(APIConnectionError):
        call()


def iterate_until_closed(api: Timeback, results: str, ended: list[BaseException]) -> None:
    try:
        while True:
            list(api.oneroster.gradebook.get_all_results(filter=results, limit=2))
    except BaseException as exc:
        ended.append(exc)


def test_a_close_racing_calls_from_many_threads_leaves_none_waiting_nor_any_connection_open(
    server: LocalServer, results: str
) -> None:
    """Threads iterating pages (each with its prefetch thread) when ``close()`` runs, numbers taken again right
    after. Before, the close's snapshot of the connections in use missed those just assigned to a request (still
    idle) and those taken by a send let in before httpx marked itself closed: closed under their readers, those calls
    waited out their read timeout (30 s here, past the liveness bound) and ended as APITimeoutError; and connections
    made after the pool's close by those late sends were left open, for good (a few each cycle). Now every call ends
    as closed, and every connection is closed once its request lets it go."""
    before = open_sockets_to(server)
    for _ in range(4):
        api = Timeback(**server.client_kwargs(), timeout=30)
        ended: list[BaseException] = []
        iterate = functools.partial(iterate_until_closed, api, results, ended)
        callers = [threading.Thread(target=iterate, daemon=True) for _ in range(16)]
        for caller in callers:
            caller.start()
        time.sleep(0.3)  # (under way: pages in flight, prefetch threads running)
        api.close()
        pipes = [end for _ in range(32) for end in os.pipe()]
        try:
            until = time.monotonic() + ENDS_WITHIN
            for thread in [*callers, *(t for t in threading.enumerate() if t.name == "timeback-page")]:
                thread.join(max(until - time.monotonic(), 0))
        finally:
            for pipe in pipes:
                os.close(pipe)
        assert not any(caller.is_alive() for caller in callers), "a call went on after the close"
        assert len(ended) == len(callers)
        for error in ended:
            assert type(error) is APIConnectionError and "the client was closed" in str(error), repr(error)
        assert open_sockets_to(server) - before == set()


class CountingClose(httpx.BaseTransport):
    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_closing_still_closes_what_httpx_closes_once(server: LocalServer) -> None:
    """``close()`` does httpx's close itself, its pools never closed whole: the http client is closed, and a transport
    of another kind (a mount's here) closed, once: a second ``close()`` does nothing."""
    before = open_sockets_to(server)
    other = CountingClose()
    http = httpx.Client(mounts={"all://elsewhere.invalid": other})
    api = Timeback(**server.client_kwargs(), http_client=http)
    api.oneroster.gradebook.get_all_results(limit=1)
    api.close()
    api.close()
    assert http.is_closed and other.closed == 1
    assert open_sockets_to(server) - before == set()


class OwnClose(httpx.Client):
    closed = 0

    def close(self) -> None:
        self.closed += 1
        super().close()


def test_closing_calls_an_http_client_subclass_own_close_once(server: LocalServer) -> None:
    """Its pools let go as httpx's own client's are, then its own ``close()`` called (for what else it holds)."""
    http = OwnClose()
    api = Timeback(**server.client_kwargs(), http_client=http)
    api.oneroster.gradebook.get_all_results(limit=1)
    api.close()
    api.close()
    assert http.closed == 1 and http.is_closed


class OwnTransport(httpx.HTTPTransport):
    closed = 0

    def close(self) -> None:
        self.closed += 1
        super().close()


def test_closing_calls_a_transport_subclass_own_close_once(server: LocalServer) -> None:
    """Its pool let go as httpx's own transport's is, its own ``close()`` then called (for what else it holds): it
    was not called at all."""
    before = open_sockets_to(server)
    transport = OwnTransport()
    api = Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport))
    api.oneroster.gradebook.get_all_results(limit=1)
    api.close()
    api.close()
    assert transport.closed == 1
    assert open_sockets_to(server) - before == set()


def test_a_call_after_a_close_that_a_send_raced_is_refused(server: LocalServer) -> None:
    """httpx's send looks at its client's state, then marks it open: a send past the look as ``close()`` ran marked
    the closed client open after it (held there here, by a trace, until the close returned), and every call after
    the close was sent and answered. Each send is refused once the client is closed."""
    check, first = inspect.getsourcelines(httpx.Client.send)
    marks_open = first + next(n for n, line in enumerate(check) if "self._state = ClientState.OPENED" in line)
    api = Timeback(**server.client_kwargs(), http_client=httpx.Client())
    api.oneroster.gradebook.get_all_results(limit=1)  # (the token)
    arrived, closed = threading.Event(), threading.Event()

    def hold(frame: FrameType, event: str, arg: object) -> Any:
        if frame.f_code is not httpx.Client.send.__code__:
            return None
        if event == "line" and frame.f_lineno == marks_open and not arrived.is_set():
            arrived.set()
            closed.wait(ENDS_WITHIN)
        return hold

    def racing() -> None:
        sys.settrace(hold)
        with contextlib.suppress(APIConnectionError):  # (sent, on a connection of its own: whether it is answered)
            api.oneroster.gradebook.get_all_results(limit=1)

    racer = threading.Thread(target=racing, daemon=True)
    racer.start()
    assert arrived.wait(ENDS_WITHIN)
    api.close()
    closed.set()
    racer.join(ENDS_WITHIN)
    with pytest.raises(APIConnectionError, match=r"^not sent: the client was closed"):
        api.oneroster.gradebook.get_all_results(limit=1)


def test_a_close_cut_short_by_a_keyboard_interrupt_is_done_by_the_next(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted (as a SIGINT may land) once httpx's client was marked closed, the first ``close()`` had closed
    nothing yet: a second one took the mark for a close done, and did nothing. It now does the whole close."""
    before = open_sockets_to(server)
    other = CountingClose()
    http = OwnClose(mounts={"all://elsewhere.invalid": other})
    api = Timeback(**server.client_kwargs(), http_client=http)
    api.oneroster.gradebook.get_all_results(limit=1)
    let_go = _http_clients._let_go

    def interrupted(pool: object) -> bool:
        monkeypatch.setattr(_http_clients, "_let_go", let_go)
        raise KeyboardInterrupt

    monkeypatch.setattr(_http_clients, "_let_go", interrupted)
    with pytest.raises(KeyboardInterrupt):
        api.close()
    api.close()
    api.close()
    assert http.is_closed and other.closed == 1 and http.closed == 1
    assert open_sockets_to(server) - before == set()


async def test_a_call_waiting_for_a_pooled_aiohttp_connection_when_the_client_is_closed_ends_typed(
    slow: LocalServer,
) -> None:
    """aiohttp's close cancels the waits for a free connection: before, the call waiting (one connection, the other
    call on it) raised a bare CancelledError though its task was never cancelled."""
    api = AsyncTimeback(
        **slow.client_kwargs(), http_client=DefaultAioHttpClient(limits=httpx.Limits(max_connections=1))
    )
    await warm("aiohttp", api)
    calls = [asyncio.ensure_future(api.oneroster.gradebook.get_all_results(limit=1)) for _ in range(2)]
    await asyncio.sleep(0.2)
    await api.close()
    ended = await asyncio.gather(*calls, return_exceptions=True)
    for error in ended:
        assert type(error) is APIConnectionError, repr(error)
        assert "; not retried: the client was closed" in str(error) and error.retries_taken == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_a_call_waiting_to_retry_when_the_client_is_closed_ends_with_its_last_error(
    server: LocalServer, limiting: LocalServer, kind: str
) -> None:
    """The close cuts short its wait (``Retry-After: 30``): it gives up at once with the 429, not retried. Before, it
    waited the 30 s out before giving up."""
    api = make(kind, **{**server.client_kwargs(), "base_url": limiting.url, "token_url": f"{server.url}/oauth2/token"})
    answered = limiting.app.state.faults.counts["429"]
    counts = limiting.app.state.faults.counts
    call = lambda: api.oneroster.gradebook.get_all_results(limit=1)  # noqa: E731
    error = await closed_during(kind, api, call, 0.1, once=lambda: counts["429"] > answered)
    assert isinstance(error, RateLimitError) and error.status_code == 429, repr(error)
    assert "; not retried: the client was closed" in str(error) and error.retries_taken == 0
    assert error.__cause__ is None  # (an answer: nothing to chain, as for any status error)
    assert limiting.app.state.faults.counts["429"] == answered + 1


@pytest.mark.parametrize("kind", KINDS)
async def test_a_token_request_in_flight_when_the_client_is_closed_ends_typed(slow: LocalServer, kind: str) -> None:
    """The call's token request follows the same rule; its error names the token endpoint, never the secret."""
    api = make(kind, **slow.client_kwargs())
    counts = slow.app.state.faults.counts
    asked = counts["requests"]
    # (closed once the token request is at the server, held there SLOW_MS: at a fixed 0.2 s from the start, a loaded
    # machine had not sent it yet, and the call ended "not sent")
    in_flight = lambda: counts["requests"] > asked  # noqa: E731
    error = await closed_during(kind, api, lambda: api.oneroster.gradebook.get_all_results(limit=1), 0.1, in_flight)
    assert type(error) is APIConnectionError and error.url == f"{slow.url}/oauth2/token", repr(error)
    # (naming the call it was for, as a token request's error does)
    call = f"GET {slow.url}/ims/oneroster/gradebook/v1p2/results/?limit=1"
    assert f"; not retried: the client was closed; getting a token for {call} (POST " in str(error), str(error)
    assert error.retries_taken == 0
    assert CLIENT_SECRET not in f"{error}{error!r}{error.__cause__!r}"


@pytest.mark.parametrize("kind", KINDS)
async def test_a_call_begun_after_close_is_a_typed_error_naming_no_secret(server: LocalServer, kind: str) -> None:
    api = make(kind, **server.client_kwargs())
    await warm(kind, api)
    closing = api.close()
    if kind != "sync":
        await closing
    with pytest.raises(APIConnectionError) as error:
        await warm(kind, api)
    assert str(error.value).startswith("not sent: the client was closed (GET "), str(error.value)
    assert isinstance(error.value.__cause__, RuntimeError)  # (the refusal: httpx's, or the sync driver's in its words)
    assert CLIENT_SECRET not in f"{error.value}{error.value!r}"


@pytest.fixture(scope="module")
def results(server: LocalServer) -> str:
    """Seven results under one line item: four pages of two."""
    with Timeback(**server.client_kwargs()) as api:
        roster = make_roster(api)
        (line_item,) = add_line_items(api, roster, 1)
        rows = [result_body(line_item, roster.students[0], uid("closing")) for _ in range(7)]
        api.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id=line_item, results=rows)
    return f"lineItem.sourcedId='{line_item}'"


def test_iterating_pages_of_a_closed_client_raises_the_typed_error(server: LocalServer, results: str) -> None:
    """The page fetched ahead (the prefetch thread) after the client was closed: the error it hands over is typed."""
    api = Timeback(**server.client_kwargs())
    items = iter(api.oneroster.gradebook.get_all_results(filter=results, limit=2))
    next(items)
    time.sleep(0.2)  # (the second page in: the third is asked for once it is handed over, after the close)
    api.close()
    with pytest.raises(APIConnectionError, match="not sent: the client was closed"):
        list(items)


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_async_iterating_pages_of_a_closed_client_raises_the_typed_error(
    server: LocalServer, results: str, kind: str
) -> None:
    api = make(kind, **server.client_kwargs())
    assert isinstance(api, AsyncTimeback)
    seen = []
    with pytest.raises(APIConnectionError, match="not sent: the client was closed"):
        async for result in api.oneroster.gradebook.get_all_results(filter=results, limit=2):
            seen.append(result)
            if len(seen) == 1:
                # (the second page in first: a request still connecting when httpx closes its pool opens a
                # connection nothing closes afterwards, a ResourceWarning; see the README)
                await asyncio.sleep(0.2)
                await api.close()
    assert len(seen) < 7


async def test_a_create_waiting_for_a_pooled_aiohttp_connection_when_the_client_is_closed_is_not_read_back(
    slow: LocalServer,
) -> None:
    """The create never left the pool's queue, so nothing of it reached the server: its error was taken for one
    after which the server may have stored the records, and it was read back (on the closed client), its message
    saying it "may have stored the records"."""
    api = AsyncTimeback(
        **slow.client_kwargs(), http_client=DefaultAioHttpClient(limits=httpx.Limits(max_connections=1))
    )
    await warm("aiohttp", api)
    sent = slow.app.state.faults.counts["requests"]
    holding = asyncio.ensure_future(api.oneroster.gradebook.get_all_results(limit=1))
    await asyncio.sleep(0.05)
    create = asyncio.ensure_future(api.oneroster.gradebook.create_category(category={"title": "Queued"}))
    await asyncio.sleep(0.15)
    await api.close()
    ended = await asyncio.gather(holding, create, return_exceptions=True)
    error = ended[1]
    assert type(error) is APIConnectionError, repr(error)
    assert str(error).startswith("connection failed: ConnectError; not retried: the client was closed (POST ")
    assert not error._answer_lost
    assert slow.app.state.faults.counts["requests"] == sent + 1  # (the GET only)


def open_sockets_to(server: LocalServer) -> set[socket.socket]:
    """This process's sockets connected to ``server``: the connections of its clients still open."""
    port = httpx.URL(server.url).port
    found = set()
    for thing in gc.get_objects():
        if isinstance(thing, socket.socket) and thing.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # (closed, or never connected)
                if thing.getpeername()[1] == port:
                    found.add(thing)
    return found


@pytest.mark.parametrize("kind", ["httpx", "aiohttp", "caller's httpx"])
async def test_a_close_cut_short_by_a_cancel_still_closes_every_connection(server: LocalServer, kind: str) -> None:
    """``close()`` cancelled (an ``asyncio.timeout`` around it) cut short httpx's close of its pool: 5 connections of
    6 stayed open, for good (httpx marks itself closed first: a second ``close()`` did nothing), a ResourceWarning
    each when collected. The close now ends, then the cancel is raised. (aiohttp's close did not stop halfway.)"""
    before = open_sockets_to(server)
    http_client = {"httpx": None, "aiohttp": DefaultAioHttpClient(), "caller's httpx": httpx.AsyncClient()}[kind]
    api = AsyncTimeback(**server.client_kwargs(), http_client=http_client)
    await asyncio.gather(*(api.oneroster.gradebook.get_all_results(limit=1) for _ in range(6)))
    assert len(open_sockets_to(server) - before) > 1
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0):
            await api.close()
    assert open_sockets_to(server) - before == set()
    await api.close()  # (closed already: nothing, and no error)
    assert open_sockets_to(server) - before == set()


@pytest.mark.parametrize("kind", ["httpx", "caller's httpx"])
async def test_a_close_with_more_calls_than_connections_leaves_no_connection_open(slow: LocalServer, kind: str) -> None:
    """150 calls on a pool of at most 100 connections, closed as the first reach the server. Before: httpcore
    1.0.9's close emptied the pool, then the requests queued in it for a connection opened new ones, which the closed
    pool kept idle for good (up to its keep-alive limit: all of them, 20 on a plain httpx.AsyncClient), and dropped
    a connection still connecting, which went on to serve its request and stayed open: a ResourceWarning each when
    collected. Now each is closed as its request lets it go."""
    before = open_sockets_to(slow)
    api = AsyncTimeback(**slow.client_kwargs(), http_client=None if kind == "httpx" else httpx.AsyncClient())
    await api.oneroster.gradebook.get_all_results(limit=1)
    counts = slow.app.state.faults.counts
    asked = counts["requests"]
    calls = [asyncio.ensure_future(api.oneroster.gradebook.get_all_results(limit=1)) for _ in range(150)]
    while counts["requests"] == asked:  # (the first in flight, the rest queued for a connection)
        await asyncio.sleep(0.01)
    await api.close()
    done, _ = await asyncio.wait(calls, timeout=ENDS_WITHIN)
    assert len(done) == len(calls), "a call went on after the close"
    for call in calls:
        error = call.exception()
        assert error is None or type(error) is APIConnectionError, repr(error)
    await asyncio.sleep(0)  # (a transport closed by the last call closes its socket as the loop runs next)
    assert open_sockets_to(slow) - before == set()


class FailingToClose(httpx.AsyncClient):
    async def aclose(self) -> None:
        await super().aclose()
        raise OSError("the close failed")


async def test_a_close_cut_short_by_a_cancel_that_then_fails_raises_the_cancel_and_logs_no_unretrieved_error(
    server: LocalServer,
) -> None:
    """``close()`` cancelled, its http client's close then failing: the cancel is raised, as before, but the close's
    task kept its error unretrieved, and asyncio logged "Task exception was never retrieved" once it was collected."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    handler = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        api = AsyncTimeback(**server.client_kwargs(), http_client=FailingToClose())
        await api.oneroster.gradebook.get_all_results(limit=1)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0):
                await api.close()
        gc.collect()
    finally:
        loop.set_exception_handler(handler)
    assert reported == []


async def test_a_close_cut_short_by_a_cancel_still_closes_the_clients_of_other_loops(server: LocalServer) -> None:
    """A client used in this loop and in another thread's: ``close()`` cancelled while this loop's connections
    closed re-raised the cancel before it asked the other loop to close its own, left open for good."""
    before = open_sockets_to(server)
    api = AsyncTimeback(**server.client_kwargs())
    other = asyncio.new_event_loop()
    running = threading.Thread(target=other.run_forever, daemon=True)
    running.start()
    try:
        await api.oneroster.gradebook.get_all_results(limit=1)

        async def there() -> object:
            return await api.oneroster.gradebook.get_all_results(limit=1)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(there(), other))
        assert len(open_sockets_to(server) - before) == 2
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0):
                await api.close()
        await _closed_by_the_other_loop(server, before)
    finally:
        other.call_soon_threadsafe(other.stop)
        running.join()
        other.close()


async def _closed_by_the_other_loop(server: LocalServer, before: set[socket.socket]) -> None:
    """Waits up to 5 s for the sockets opened since ``before`` to close: the other loop closes its own as it runs next."""
    for _ in range(100):
        if not open_sockets_to(server) - before:
            break
        await asyncio.sleep(0.05)
    assert open_sockets_to(server) - before == set()


async def test_an_aiohttp_client_used_in_another_open_loop_is_closed_there(server: LocalServer) -> None:
    """An ``AsyncTimeback`` on a ``DefaultAioHttpClient`` used in another thread's loop, closed from this one: its
    close raised "a DefaultAioHttpClient is used in one event loop at a time", httpx having marked itself closed
    first, so its session (and connection) could never be closed after. Now, as the SDK's own clients of other
    loops, it closes in its loop as that loop runs next."""
    before = open_sockets_to(server)
    api = AsyncTimeback(**server.client_kwargs(), http_client=DefaultAioHttpClient())
    other = asyncio.new_event_loop()
    running = threading.Thread(target=other.run_forever, daemon=True)
    running.start()
    try:

        async def there() -> object:
            return await api.oneroster.gradebook.get_all_results(limit=1)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(there(), other))
        assert len(open_sockets_to(server) - before) == 1
        await api.close()
        await _closed_by_the_other_loop(server, before)
    finally:
        other.call_soon_threadsafe(other.stop)
        running.join()
        other.close()
