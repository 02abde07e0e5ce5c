"""A call's ``deadline`` bounds each attempt by the clock, not only each read: an answer trickling in a byte at a
time (each read well within its timeout) is cut at the deadline with ``APITimeoutError``.

``timeback serve`` cannot trickle an answer (its ``slow`` fault delays it whole), so a raw asyncio server on
loopback does: the token at once, then the answer's body (or its head) one byte every ``DRIP`` seconds, for about
25 s in all. Each call must end within ``ENDS_WITHIN`` seconds (a liveness bound, far above the 1 s deadline; the
trickle outlasts it, so a call that waits for the whole answer fails the bound). Its ``held`` answers never come, its
``stalled`` ones stop after their head, its ``at-once`` ones come whole; its token answers trickle too while
``TOKEN_TRICKLED`` is set; its ``late`` answers' head comes after ``LATE`` seconds, then their body stalls. As a
proxy, its answer to a ``CONNECT`` trickles in (500 bytes of head), then no tunnel opens; to a ``CONNECT`` to a host
named ``held.``..., no answer comes; a request it is to forward, of a plain ``http://`` URL, it answers itself."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

import timeback._auth as auth
import timeback._sync_backend as _sync_backend
from tests.support import proxy_environment
from tests.test_fork import REAP_WITHIN, forked, reaped
from timeback import (
    APIConnectionError,
    APITimeoutError,
    AsyncTimeback,
    DefaultAioHttpClient,
    DefaultHttpxClient,
    Timeback,
)
from timeback._base_client import _causes
from timeback._config import CallOptions
from timeback._deadline import CLOCK_SLACK

DRIP = 0.05
ENDS_WITHIN = 15.0
LATE = 4.5
RESULT = {"result": {"sourcedId": "x", "status": "active", "dateLastModified": "2024-01-01T00:00:00Z",
                     "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
                     "scoreDate": "2024-01-01T00:00:00Z", "score": 1}}  # fmt: skip
BODY = json.dumps(RESULT).encode().ljust(500)  # (500 bytes: 25 s of trickle)
TOKEN = b'{"access_token":"tok-0123456789","expires_in":3600}'
REQUEST_ID = b"rid-trickled"
TOKEN_TRICKLED = threading.Event()


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while line := await reader.readline():
            headers = {}
            while (field := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = field.decode().partition(":")
                headers[name.lower()] = value.strip()
            await reader.readexactly(int(headers.get("content-length", 0)))
            if line.startswith(b"CONNECT "):  # (a proxy asked for a tunnel: its answer's head trickled, then held)
                if not line.startswith(b"CONNECT held."):  # (to a host named held...: no answer at all)
                    await _drip(writer, _padded(b"HTTP/1.1 200 Connection established\r\n"))
                await reader.read()
                return
            path = urlsplit(line.split()[1].decode()).path  # (as a proxy, an http:// request's URL is absolute)
            token = path == "/oauth2/token"
            body = TOKEN if token else BODY
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
            head += b"X-Request-Id: %s\r\n" % REQUEST_ID
            if (token and not TOKEN_TRICKLED.is_set()) or path.endswith("/at-once"):
                writer.write(head + b"\r\n" + body)
                continue
            if path.endswith(("/held", "/stalled", "/late")):
                if path.endswith("/late"):
                    await asyncio.sleep(LATE)
                if path.endswith(("/stalled", "/late")):
                    writer.write(head + b"\r\n")
                await reader.read()  # (until the client closes the connection)
                return
            if path.endswith("/head"):  # (the head trickled, made 500 bytes long, then the body at once)
                drip, rest = _padded(head), BODY
            else:
                writer.write(head + b"\r\n")
                drip, rest = body, b""
            await _drip(writer, drip)
            writer.write(rest)
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def _padded(head: bytes) -> bytes:
    """``head`` (its lines, not the blank one ending it) made 500 bytes long: 25 s of trickle."""
    return head + b"X-Padding: " + b"p" * (500 - len(head) - 15) + b"\r\n\r\n"


async def _drip(writer: asyncio.StreamWriter, data: bytes) -> None:
    for i in range(len(data)):
        writer.write(data[i : i + 1])
        await writer.drain()
        await asyncio.sleep(DRIP)


@pytest.fixture(scope="module")
def trickling() -> Iterator[str]:
    """The base URL of a server that trickles every answer but the token's."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(asyncio.start_server(_answer, "127.0.0.1", 0), loop).result(10)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    async def stop() -> None:
        server.close()
        answering = asyncio.all_tasks() - {asyncio.current_task()}
        for task in answering:
            task.cancel()
        await asyncio.gather(*answering, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture(scope="module")
def unconnectable() -> Iterator[str]:
    """The base URL of a loopback listener whose queue of connections to accept is full (``listen(0)``, one
    connection made and never accepted): Linux drops the SYN of any other, so connecting to it never completes, nor
    is refused."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        with socket.create_connection(listener.getsockname(), timeout=10):
            yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def kwargs(base_url: str) -> dict[str, Any]:
    return {"client_id": "cid", "client_secret": "sec-0123456789", "base_url": base_url}


async def ended_with(
    kind: str, base_url: str, call: Callable[[Any], Any], within: float = ENDS_WITHIN, **options: Any
) -> BaseException:
    """The error ``call(client)`` ended with, within ``within`` seconds; ``options``: the client's. ``kind``:
    ``sync`` (its own http client), ``sync-default`` (given a ``DefaultHttpxClient``), ``sync-plain`` (given an
    ``httpx.Client``), ``httpx`` (``AsyncTimeback``'s
    own), ``aiohttp``."""
    if kind.startswith("sync"):
        ended: list[BaseException] = []

        def run() -> None:
            http_client = {"sync-default": DefaultHttpxClient, "sync-plain": httpx.Client}.get(kind, lambda: None)()
            with Timeback(**kwargs(base_url), **options, http_client=http_client) as client:
                try:
                    call(client)
                except BaseException as exc:
                    ended.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(within)
        assert not thread.is_alive(), "the call ran past its deadline"
        assert ended, "the call returned"
        return ended[0]
    http_client = DefaultAioHttpClient() if kind == "aiohttp" else None
    async with AsyncTimeback(**kwargs(base_url), **options, http_client=http_client) as client:
        with pytest.raises(BaseException) as raised:
            await asyncio.wait_for(call(client), within)
    assert not isinstance(raised.value, TimeoutError), "the call ran past its deadline"
    return raised.value


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_an_answer_trickling_in_past_the_deadline_is_a_timeout(trickling: str, kind: str) -> None:
    """Before: each read came within its timeout, and the call returned when the whole answer had come (25 s). Its
    head had come: the error names its request id and status (AsyncTimeback's said "before the answer came", its
    request id lost, the deadline's cancel no httpx error)."""
    error = await ended_with(kind, trickling, lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=1))
    assert type(error) is APITimeoutError, error
    assert error.request_id == REQUEST_ID.decode(), error.request_id
    assert "the deadline passed while the answer came, reading the body of its 200 answer" in str(error), str(error)


async def test_a_body_trickling_in_through_a_client_of_ones_own_is_cut_at_the_deadline(trickling: str) -> None:
    """Through a plain ``httpx.Client``, each read came within its timeout (0.5 s): the clock checked between the
    body's chunks (``_ReadBy``) cut it at the deadline, named as the deadline passing by the mark it carries (its
    text alone is a caller's transport's to say too), not as the read timeout that never ran out."""
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=1, timeout=0.5, max_retries=0)  # noqa: E731
    error = await ended_with("sync-plain", trickling, call)
    assert type(error) is APITimeoutError, error
    assert str(error).startswith(
        "request timed out: the deadline passed while the answer came, reading the body of its 200 answer (GET "
    ), str(error)


@pytest.mark.parametrize("kind", ["sync", "sync-default", "httpx", "aiohttp"])
async def test_an_answer_whose_head_trickles_in_past_the_deadline_is_a_timeout(trickling: str, kind: str) -> None:
    """Before, ``Timeback`` checked the clock between the chunks of an answer's body only: each read of its head
    came within its timeout, and the call returned when the whole answer had come (25 s). Now each read of the SDK's
    own connections is capped at what is left of the deadline then."""
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="head", deadline=1, timeout=30, max_retries=0)  # noqa: E731
    error = await ended_with(kind, trickling, call)
    assert type(error) is APITimeoutError, error
    assert str(error).startswith("request timed out: the deadline passed before the answer came (GET "), str(error)


@pytest.mark.parametrize("kind", ["sync", "sync-default", "httpx", "aiohttp"])
@pytest.mark.parametrize("timeout", [30, LATE + 0.3])
async def test_an_answer_whose_head_came_late_then_stalled_ends_at_the_deadline(
    trickling: str, kind: str, timeout: float
) -> None:
    """Its head came ``LATE`` s into a deadline of ``LATE + 0.5``, then its body stalled. ``Timeback`` capped each
    read's timeout at what was left of the deadline as the attempt began (``LATE + 0.5``), so the call ran on to
    ``2 * LATE + 0.5`` s; it ends at the deadline now. (This test's own liveness bound, ``LATE + 3``: between the
    two, 2.5 s from the deadline.) A read timeout shorter than the deadline (``LATE + 0.3``), not what cut the body,
    is not named: the SDK's own cut is known by its mark."""
    options = {"deadline": LATE + 0.5, "timeout": timeout, "max_retries": 0}
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="late", **options)  # noqa: E731
    error = await ended_with(kind, trickling, call, within=LATE + 3)
    assert type(error) is APITimeoutError, error
    assert error.request_id == REQUEST_ID.decode(), error.request_id
    assert str(error).startswith(
        "request timed out: the deadline passed while the answer came, reading the body of its 200 answer (GET "
    ), str(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_create_whose_answer_the_deadline_cut_may_have_stored_its_records(trickling: str, kind: str) -> None:
    """The server got the create: its answer cut short, the call says the records may be stored (the reads that
    would confirm it had no time left), as for any attempt whose answer was lost."""
    body = {"lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
            "scoreDate": "2024-01-15T10:00:00Z"}  # fmt: skip
    error = await ended_with(kind, trickling, lambda c: c.oneroster.gradebook.create_result(result=body, deadline=1))
    assert type(error) is APITimeoutError and error._answer_lost, error
    assert "may have stored the records" in str(error) and "could not be read back" in str(error), str(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize(
    ("path", "options", "said"),
    [
        ("held", {"deadline": 1, "timeout": 30}, "the deadline passed before the answer came"),
        ("stalled", {"deadline": 1, "timeout": 30}, "the deadline passed while the answer came, reading the body of "
                                                    "its 200 answer"),
        ("held", {"deadline": 30, "timeout": 0.5}, "ReadTimeout after 0.5 s"),
        ("stalled", {"deadline": 30, "timeout": 0.5}, "ReadTimeout after 0.5 s, reading the body of its 200 answer"),
    ],
)  # fmt: skip
async def test_a_timeout_capped_at_the_deadline_is_named_as_the_deadline_passing(
    trickling: str, kind: str, path: str, options: dict[str, float], said: str
) -> None:
    """A read's timeout capped at what was left of the call's deadline ran out as the deadline passed: the sync
    client named it "ReadTimeout after 0.998 s" (a number the caller never set), ``AsyncTimeback``'s timer "the
    deadline passed before the answer came". Both say the latter now; the client's own ``timeout``, shorter than the
    deadline, is named as it was."""
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id=path, max_retries=0, **options)  # noqa: E731
    error = await ended_with(kind, trickling, call)
    assert type(error) is APITimeoutError, error
    assert str(error).startswith(f"request timed out: {said} (GET "), str(error)


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
@pytest.mark.parametrize("max_retries", [0, 2])
async def test_a_connection_the_deadline_cut_is_the_deadline_passing_before_it_was_sent(
    trickling: str, unconnectable: str, kind: str, max_retries: int
) -> None:
    """A connection not made by the call's deadline: ``AsyncTimeback``'s timer said the deadline passed, nothing
    sent; the sync client "request timed out: ConnectTimeout after 0.999 s" (its connect's timeout capped at what
    was left of the deadline), and with retries left "...; not retried: the wait before the next attempt would pass
    the call's deadline". Both say the former now."""
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=1, max_retries=max_retries)  # noqa: E731
    error = await ended_with(kind, unconnectable, call, token_url=f"{trickling}/oauth2/token", timeout=30)
    assert type(error) is APITimeoutError, error
    assert str(error) == f"deadline of 1s passed (GET {unconnectable}/ims/oneroster/gradebook/v1p2/results/x)"
    assert error._not_sent == "no time left before the deadline"


STALLED = "stalled.timeback.test"  # (made-up names the tests' resolver answers: see resolver)


class Resolver:
    """``socket.getaddrinfo`` (asyncio's and aiohttp's lookups go to it too) answering made-up names: each of
    ``answers``' with its addresses (None: not found); ``STALLED``, nothing until the test ends or ``release`` is
    set (a resolver that stalls, which no server can be made to do on demand), and each name in ``stalls``, the
    threads it stalled in ``stalled``, then its error (``errors``', made for each lookup; else "temporary failure");
    other names as before. Each name asked for, with the name of the thread asking, in ``asked``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: dict[str, list[str] | None] = {}
        self.stalls = {STALLED}
        self.errors: dict[str, Callable[[], Exception]] = {}
        self.stalled: list[threading.Thread] = []
        self.asked: list[tuple[str, str]] = []
        self.release = threading.Event()
        self.returned = threading.Semaphore(0)  # (one release for each stalled lookup once it returned)
        self._getaddrinfo = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self._look_up)

    def _look_up(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        self.asked.append((name, threading.current_thread().name))
        if name in self.stalls:
            self.stalled.append(threading.current_thread())
            try:
                self.release.wait(60)
                if name in self.errors:
                    raise self.errors[name]()
                raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
            finally:
                self.returned.release()
        if name not in self.answers:
            return self._getaddrinfo(host, port, *args, **kwargs)
        if (addresses := self.answers[name]) is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port))) for address in addresses
        ]


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Resolver]:
    proxy_environment(monkeypatch)  # (the made-up names reached directly)
    monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", "1")  # (their servers' http:// on loopback)
    resolver = Resolver(monkeypatch)
    yield resolver
    resolver.release.set()
    for thread in resolver.stalled:
        assert resolver.returned.acquire(timeout=10)
        if thread.name == "timeback-resolver":  # (the sync client's lookup: done once it ends; not an executor's)
            thread.join(10)


@pytest.mark.parametrize("kind", ["sync", "sync-default", "httpx", "aiohttp"])
async def test_a_name_whose_lookup_stalls_is_not_sent_by_the_deadline(
    trickling: str, resolver: Resolver, kind: str
) -> None:
    """``Timeback`` looked a name up on the call's own thread (httpcore's ``socket.create_connection``), with no
    timeout: a deadline of 0.5 s waited for a stalled resolver (10-20 s, as long as it took). The lookup is waited
    for until the deadline now, then left to finish on a thread of its own: not sent, as a connect the deadline
    cut, as ``AsyncTimeback`` says of it."""
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=0.5)  # noqa: E731
    error = await ended_with(kind, f"http://{STALLED}:1", call, within=10, token_url=f"{trickling}/oauth2/token")
    assert type(error) is APITimeoutError, error
    assert str(error) == f"deadline of 0.5s passed (GET http://{STALLED}:1/ims/oneroster/gradebook/v1p2/results/x)"
    assert error._not_sent == "no time left before the deadline", error
    # (abandoned: its lookup still stalled, on a thread of its own, where the call has ended)
    assert resolver.stalled and all(thread.is_alive() for thread in resolver.stalled), resolver.stalled


@pytest.mark.parametrize("kind", ["sync", "sync-default", "httpx", "aiohttp"])
async def test_a_name_with_many_addresses_not_answering_is_not_sent_by_the_deadline(
    trickling: str, unconnectable: str, resolver: Resolver, kind: str
) -> None:
    """Each of a name's addresses tried in turn, each given what was left of the deadline as the connect began:
    30 addresses not answering held a deadline of 0.5 s for 15 s. Each is given what is left then now."""
    port = urlsplit(unconnectable).port
    resolver.answers["many.timeback.test"] = ["127.0.0.1"] * 30  # (each the listener that never answers a connect)
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=0.5)  # noqa: E731
    base_url = f"http://many.timeback.test:{port}"
    error = await ended_with(kind, base_url, call, within=10, token_url=f"{trickling}/oauth2/token", timeout=30)
    assert type(error) is APITimeoutError, error
    assert str(error) == f"deadline of 0.5s passed (GET {base_url}/ims/oneroster/gradebook/v1p2/results/x)"
    assert error._not_sent == "no time left before the deadline", error


@pytest.mark.parametrize("http_client", [None, DefaultHttpxClient])
def test_a_name_looked_up_for_a_call_with_a_deadline_is_connected_to_as_before(
    trickling: str, resolver: Resolver, http_client: Callable[[], httpx.Client] | None
) -> None:
    """With a deadline, a name is looked up on a thread of its own and each of its addresses connected to in turn
    (``_sync_backend``): the next after one refused (nothing listens on 127.0.0.2), as ``create_connection`` tries
    them; a name not found fails as it failed without a deadline, in the same words."""
    port = urlsplit(trickling).port
    resolver.answers["fallback.timeback.test"] = ["127.0.0.2", "127.0.0.1"]
    resolver.answers["unknown.timeback.test"] = None
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://fallback.timeback.test:{port}"), **options,
                  http_client=http_client and http_client()) as client:  # fmt: skip
        assert client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=30).result.sourcedId == "x"
    said = []
    for deadline in (None, 30):
        with Timeback(**kwargs("http://unknown.timeback.test:1"), **options,
                      http_client=http_client and http_client()) as client:  # fmt: skip
            with pytest.raises(APIConnectionError) as raised:
                client.oneroster.gradebook.get_result(sourced_id="x", deadline=deadline)
        said.append((str(raised.value), [type(seen) for seen in _causes(raised.value)]))
    assert said[0] == said[1] and "Name or service not known" in said[0][0], said
    assert socket.gaierror in said[0][1], said  # (what tells a connection that failed, not sent: _connect_failed)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")
def test_a_lookup_in_flight_at_a_fork_is_not_waited_for_in_the_child(trickling: str, resolver: Resolver) -> None:
    """A lookup still stalled in the parent as it forks (its thread is the parent's): the child's attempts needing
    that name looked it up themselves; they waited for the parent's until their deadline, every one of them."""
    name, port = "forked.timeback.test", urlsplit(trickling).port
    resolver.stalls.add(name)
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://{name}:{port}"), **options) as client:
        with pytest.raises(APITimeoutError):  # (its lookup left stalled)
            client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=0.3)

        def child() -> int:
            resolver.stalls.discard(name)
            resolver.answers[name] = ["127.0.0.1"]
            with Timeback(**kwargs(f"http://{name}:{port}"), **options) as own:
                return 0 if own.oneroster.gradebook.get_result(sourced_id="at-once", deadline=5) else 1

        assert reaped(forked(child)) == 0


def test_a_fork_while_another_thread_holds_the_lookups_lock_does_not_hang_the_child(
    trickling: str, resolver: Resolver
) -> None:
    """A thread of the parent was choosing a lookup (holding ``_LOOKING_UP``) at the fork: the child's first
    connection to a name with a deadline would wait for that lock forever (no thread of its own to release it, and
    no deadline bounds a lock), had the child not a lock of its own."""
    name, port = "locked.timeback.test", urlsplit(trickling).port
    resolver.answers[name] = ["127.0.0.1"]
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with _sync_backend._LOOKING_UP:
            held.set()
            release.wait(REAP_WITHIN)

    def child() -> int:
        options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
        with Timeback(**kwargs(f"http://{name}:{port}"), **options) as own:
            return 0 if own.oneroster.gradebook.get_result(sourced_id="at-once", deadline=5) else 1

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert held.wait(REAP_WITHIN)
    try:
        pid = forked(child)
    finally:
        release.set()
        holder.join(REAP_WITHIN)
    assert reaped(pid) == 0


def test_a_lookup_stalled_past_its_youth_is_not_joined(trickling: str, resolver: Resolver) -> None:
    """A name's first lookup stalled (one lost DNS answer: glibc waits 5 s for it) and its call ended at its
    deadline, the lookup left to finish: every next connection to that name joined it, and failed at its deadline
    too, until it returned, where a lookup of its own answered at once. A lookup in flight is joined while young
    only (``JOIN_LOOKUP_WITHIN``)."""
    name, port = "flaky.timeback.test", urlsplit(trickling).port
    resolver.stalls.add(name)
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://{name}:{port}"), **options) as client:
        with pytest.raises(APITimeoutError):  # (its lookup left stalled)
            client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=0.3)
        resolver.stalls.discard(name)
        resolver.answers[name] = ["127.0.0.1"]
        time.sleep(_sync_backend.JOIN_LOOKUP_WITHIN)  # (the stalled lookup, begun before that call ended, past it)
        assert client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=5).result.sourcedId == "x"
    assert len(resolver.stalled) == 1 and resolver.stalled[0].is_alive(), resolver.stalled


def test_a_stalled_resolver_holds_a_few_threads_per_host_and_port(trickling: str, resolver: Resolver) -> None:
    """Calls to a name whose every lookup stalls, one after another: each starts a lookup of its own (the one in
    flight no longer young), up to ``LOOKUPS_PER_HOST``; past that each joins the youngest, a thread each no more."""
    name, port = "stalls.timeback.test", urlsplit(trickling).port
    resolver.stalls.add(name)
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://{name}:{port}"), **options) as client:
        for _ in range(_sync_backend.LOOKUPS_PER_HOST + 2):
            with pytest.raises(APITimeoutError):
                client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=0.3)
            time.sleep(_sync_backend.JOIN_LOOKUP_WITHIN)  # (its lookup no longer young: the next starts its own)
    assert len(resolver.stalled) == _sync_backend.LOOKUPS_PER_HOST, resolver.stalled
    assert all(thread.is_alive() for thread in resolver.stalled), resolver.stalled


def test_a_lookups_error_is_raised_in_each_waiting_call_as_its_own(
    trickling: str, resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lookup's error other than an ``OSError`` (``UnicodeError``: a label too long) raised as it came, in each
    call that waited for it: one object raised in each thread grew its traceback by each one's frames (50 calls:
    152 frames), and any of them changing it changed it for all. Each raises a copy of its own now."""
    name, port = "shared.timeback.test", urlsplit(trickling).port
    resolver.stalls.add(name)
    resolver.errors[name] = lambda: UnicodeError("label too long")
    monkeypatch.setattr(_sync_backend, "JOIN_LOOKUP_WITHIN", 60.0)  # (both calls join the one lookup)
    waiting = threading.Semaphore(0)
    addresses = _sync_backend._addresses

    def counted(*args: Any) -> Any:
        waiting.release()
        return addresses(*args)

    monkeypatch.setattr(_sync_backend, "_addresses", counted)
    got: list[BaseException] = []
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://{name}:{port}"), **options) as client:

        def call() -> None:
            try:
                client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=30)
            except BaseException as exc:
                got.append(exc)

        calls = [threading.Thread(target=call) for _ in range(2)]
        for thread in calls:
            thread.start()
        assert waiting.acquire(timeout=10) and waiting.acquire(timeout=10)  # (both waiting for the lookup)
        resolver.release.set()
        for thread in calls:
            thread.join(10)
    assert [asked for asked in resolver.asked if asked[0] == name] == [(name, "timeback-resolver")]
    assert [type(exc) for exc in got] == [UnicodeError, UnicodeError] and got[0] is not got[1], got
    assert [str(exc) for exc in got] == ["label too long"] * 2, got
    depths = [len(traceback.extract_tb(exc.__traceback__)) for exc in got]
    assert depths[0] == depths[1], depths


def test_a_lookup_whose_thread_cannot_start_is_made_on_the_calling_thread(
    trickling: str, resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No thread to look a name up on (an ``atexit`` handler on Python 3.12+: "can't create new thread at
    interpreter shutdown"; the process out of threads): ``Thread.start``'s ``RuntimeError`` came out of the call,
    not a ``TimebackError``, with a deadline only. The name is looked up on the calling thread then, as with
    none."""
    name, port = "threadless.timeback.test", urlsplit(trickling).port
    resolver.answers[name] = ["127.0.0.1"]
    start = threading.Thread.start

    def refused(thread: threading.Thread) -> None:
        if thread.name == "timeback-resolver":
            raise RuntimeError("can't create new thread at interpreter shutdown")
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", refused)
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://{name}:{port}"), **options) as client:
        assert client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=5).result.sourcedId == "x"
    assert [asked for asked in resolver.asked if asked[0] == name] == [(name, threading.current_thread().name)]


def test_localhost_with_a_deadline_is_looked_up_on_the_calling_thread(trickling: str, resolver: Resolver) -> None:
    """``localhost`` is read from /etc/hosts at once, never from DNS: a thread to look it up on cost a new
    connection ~0.2 ms (46 -> 228 us here). Looked up on the calling thread, as an address is connected to."""
    options = {"token_url": f"{trickling}/oauth2/token", "max_retries": 0}
    with Timeback(**kwargs(f"http://localhost:{urlsplit(trickling).port}"), **options) as client:
        assert client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=5).result.sourcedId == "x"
    asked = {thread for name, thread in resolver.asked if name == "localhost"}
    assert asked == {threading.current_thread().name}, resolver.asked


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_refresh_its_bound_cut_names_the_bound_in_the_errors_under_its_own(
    trickling: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A refresh bounded by the token held's life (usable 1 s more), its answer trickling past the bound, ends a
    stopped call (``bulk_post_results``' batches once the upload stops) on an error that names the bound; the
    SDK's own errors chained under it said "the deadline passed while the answer came", of a deadline the call did
    not have."""
    now = [1000.0]  # (the token cache's clock, moved on by the test alone)
    monkeypatch.setattr(auth, "monotonic", lambda: now[0])
    stopped = threading.Event()
    stopped.set()
    options = CallOptions(stop=stopped)

    def stopped_call(client: Any) -> tuple[Any, CallOptions]:
        """The request of a stopped call, once the token held is past its refresh point, its refresh trickled."""
        now[0] += 3600 - auth.EXPIRY_MARGIN_SECONDS - 1
        TOKEN_TRICKLED.set()
        return client._client._http_request("GET", f"{trickling}/ims/oneroster/gradebook/v1p2/results/x"), options

    def sync_call(client: Timeback) -> Any:
        client.oneroster.gradebook.get_result(sourced_id="at-once")  # (its token)
        return client._client.send(*stopped_call(client))

    async def async_call(client: AsyncTimeback) -> Any:
        await client.oneroster.gradebook.get_result(sourced_id="at-once")
        return await client._client.send(*stopped_call(client))

    try:
        error = await ended_with(kind, trickling, sync_call if kind == "sync" else async_call)
    finally:
        TOKEN_TRICKLED.clear()
    assert type(error) is APITimeoutError, error
    said = [str(seen) for seen in _causes(error)]
    assert said[0].startswith("request timed out: the token refresh's bound passed while the answer came"), said
    assert len(said) > 1 and not any("deadline" in text for text in said), said


@pytest.mark.parametrize("kind", ["sync", "sync-default"])
async def test_a_tunnel_whose_proxy_answer_trickles_in_ends_at_the_deadline(
    trickling: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The environment's proxy (``HTTPS_PROXY``; a ``DefaultHttpxClient``'s too, a ``proxy=``'s alike: its
    transport is one of the client's mounts) answering the ``CONNECT`` a byte at a time: its connections' reads are
    capped at what is left of the deadline too, so the call ends at it, not sent, the proxy named."""
    proxy_environment(monkeypatch, HTTPS_PROXY=trickling)
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=1, timeout=30, max_retries=0)  # noqa: E731
    error = await ended_with(kind, "https://timeback.test:1", call, token_url=f"{trickling}/oauth2/token")
    assert type(error) is APITimeoutError, error
    assert str(error).startswith(f"deadline of 1s passed; to be sent through the proxy {trickling} (GET "), error
    assert error._not_sent == "no time left before the deadline", error


class _Wrapping(httpx.BaseTransport):
    """A caller's transport around httpx's own through ``proxy``: it does not tell the SDK of its proxy."""

    def __init__(self, proxy: str) -> None:
        self._inner = httpx.HTTPTransport(proxy=proxy)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@pytest.mark.parametrize("kind", ["sync", "sync-wrapped", "httpx"])
@pytest.mark.parametrize("ran_out", ["deadline", "timeout"])
async def test_a_tunnel_not_opened_by_the_deadline_through_a_client_of_ones_own_is_not_sent(
    trickling: str, kind: str, ran_out: str
) -> None:
    """A caller's own ``httpx.Client(proxy=...)`` (not the SDK's connections, whose reads end at the deadline by the
    clock): the proxy holding its answer to the ``CONNECT``, the read of it, its timeout capped at the deadline,
    ran out at it. ``Timeback`` said "request timed out: the deadline passed before the answer came", counted as
    maybe sent (a create read back, or said to be maybe stored); nothing of the request was sent: "deadline of 1s
    passed", the proxy named, as on its own connections and ``AsyncTimeback``. The client's own read timeout
    running out there first (0.5 s, the deadline 30 s away) said "request timed out: ReadTimeout after 0.5 s",
    maybe sent, on both clients: not sent, named as a connect's own timeout through a proxy is; through a
    transport that does not tell its proxy (``sync-wrapped``), by the timeout that ran out, not the connect's."""
    options: dict[str, Any] = {"max_retries": 0, "token_url": f"{trickling}/oauth2/token"}
    options["timeout"], deadline = (30, 1) if ran_out == "deadline" else (httpx.Timeout(30, read=0.5), 30)
    base_url = "https://held.timeback.test:1"
    if kind.startswith("sync"):
        transport = {"transport": _Wrapping(trickling)} if kind == "sync-wrapped" else {"proxy": trickling}
        with Timeback(**kwargs(base_url), **options, http_client=httpx.Client(**transport)) as client:
            with pytest.raises(APITimeoutError) as raised:
                client.oneroster.gradebook.get_result(sourced_id="x", deadline=deadline)
    else:
        async with AsyncTimeback(**kwargs(base_url), **options,
                                 http_client=httpx.AsyncClient(proxy=trickling)) as aclient:  # fmt: skip
            call = aclient.oneroster.gradebook.get_result(sourced_id="x", deadline=deadline)
            with pytest.raises(APITimeoutError) as raised:
                await asyncio.wait_for(call, ENDS_WITHIN)
    error = raised.value
    through = "" if kind == "sync-wrapped" else f"; to be sent through the proxy {trickling}"
    if ran_out == "deadline":
        assert str(error).startswith(f"deadline of 1s passed{through} (GET "), error
        assert error._not_sent == "no time left before the deadline", error
    elif through:
        assert str(error).startswith(f"request timed out connecting through the proxy {trickling} (GET "), error
    else:
        assert str(error).startswith("request timed out: ReadTimeout after 0.5 s (GET "), error
    assert not error._answer_lost, error


@pytest.mark.parametrize("kind", ["sync", "sync-plain", "httpx", "aiohttp"])
async def test_a_request_a_proxy_forwards_whose_answer_its_timeout_cut_may_have_been_handled(
    trickling: str, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """An http:// request the proxy forwards (no ``CONNECT``: nothing of a tunnel's to wait for), its answer held:
    its read timeout (0.5 s, the deadline 30 s away) ran out with the request written, on the SDK's own connections
    and a client of one's own alike: maybe handled, as without a proxy (no tunnel was left unopened)."""
    monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", "1")  # (http:// to a host not on loopback)
    proxy_environment(monkeypatch, HTTP_PROXY=trickling)
    call = lambda c: c.oneroster.gradebook.get_result(  # noqa: E731
        sourced_id="held", deadline=30, timeout=httpx.Timeout(30, read=0.5), max_retries=0
    )
    error = await ended_with(kind, "http://held.timeback.test:1", call, token_url=f"{trickling}/oauth2/token")
    assert type(error) is APITimeoutError, error
    assert str(error).startswith("request timed out: ReadTimeout after 0.5 s (GET http://held.timeback.test:1/"), error
    assert error._answer_lost and error._not_sent is None, error


@pytest.mark.parametrize("kind", ["sync", "async", "sync-tunnel"])
async def test_a_wait_cut_a_hair_before_the_deadline_by_the_clock_is_the_deadline_passing(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A timeout capped at what was left of the deadline may run out a hair before it by ``time.monotonic()``
    (``CLOCK_SLACK``): connecting, or reading a proxy's answer to the ``CONNECT`` (``sync-tunnel``), nothing sent.
    The send flow told the deadline cutting it by the clock alone, where it names the timeout with the slack: it said
    "request timed out: the deadline passed before the answer came" (the tunnel's, maybe sent), where "deadline of
    1s passed", not sent, was meant. (The clock is the test's, moved by a transport of the test's own, which raises
    the timeout, and for the tunnel gives httpcore's trace events of a ``CONNECT``: no server times out early.)"""
    import timeback._base_client as engine
    import timeback._deadline as deadlines

    now = [1000.0]
    monkeypatch.setattr(engine, "monotonic", lambda: now[0])
    monkeypatch.setattr(deadlines, "monotonic", lambda: now[0])

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, content=TOKEN)
        now[0] += request.extensions["timeout"]["connect"] - CLOCK_SLACK / 2  # (its timeout, capped: all that was left)
        if kind != "sync-tunnel":
            raise httpx.ConnectTimeout("timed out", request=request)
        trace = request.extensions["trace"]  # (as httpcore calls it, connecting to a proxy and writing the CONNECT)
        trace("connection.connect_tcp.started", {})
        trace("http11.send_request_headers.started", {"request": SimpleNamespace(method=b"CONNECT")})
        raise httpx.ReadTimeout("timed out", request=request)

    async def answer_async(request: httpx.Request) -> httpx.Response:
        return answer(request)

    options: dict[str, Any] = {"deadline": 1, "timeout": 30, "max_retries": 0}
    if kind.startswith("sync"):
        with Timeback(**kwargs("http://127.0.0.1:9"),
                      http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:  # fmt: skip
            with pytest.raises(APITimeoutError) as raised:
                client.oneroster.gradebook.get_result(sourced_id="x", **options)
    else:
        async with AsyncTimeback(**kwargs("http://127.0.0.1:9"),
                                 http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer_async))) as aclient:  # fmt: skip
            with pytest.raises(APITimeoutError) as raised:
                await aclient.oneroster.gradebook.get_result(sourced_id="x", **options)
    error = raised.value
    assert str(error).startswith("deadline of 1s passed (GET "), str(error)
    assert error._not_sent == "no time left before the deadline" and not error._answer_lost, error


def test_a_call_with_no_deadline_made_during_an_attempt_with_one_is_bounded_by_its_own_timeout(trickling: str) -> None:
    """A second call with no deadline, made from a ``DefaultHttpxClient``'s response event hook while an attempt with
    a deadline of 1 s was being read: its reads took that attempt's end (``ATTEMPT_ENDS``), and it was cut at the
    other call's deadline, "the deadline passed before the answer came", of a deadline it did not have. Its own
    timeout bounds it now."""
    seen: list[BaseException] = []
    with Timeback(**kwargs(trickling), max_retries=0) as other:

        def hook(response: httpx.Response) -> None:
            if response.request.url.path.endswith("/at-once"):
                try:
                    other.oneroster.gradebook.get_result(sourced_id="held", timeout=2)
                except APITimeoutError as exc:
                    seen.append(exc)

        http_client = DefaultHttpxClient(event_hooks={"response": [hook]})
        with Timeback(**kwargs(trickling), max_retries=0, http_client=http_client) as client:
            with contextlib.suppress(APITimeoutError):  # (its own deadline passed as the hook ran)
                client.oneroster.gradebook.get_result(sourced_id="at-once", deadline=1)
    assert len(seen) == 1 and str(seen[0]).startswith("request timed out: ReadTimeout after 2 s (GET "), seen


@pytest.mark.parametrize("deadline", [None, 30])
def test_another_attempts_deadline_cut_seen_by_a_call_is_not_named_its_deadline(deadline: float | None) -> None:
    """An HTTP/2 connection is shared by several threads' calls: one's deadline cut its read, httpcore marked the
    connection failed and raised that read's error to every other call on it, named by them as their deadline
    passing ("the deadline passed before the answer came", of a call with none). The error ``_bounded`` raised under
    one attempt's end is that attempt's only; another's names it by its type. (h2 is not installed here, nor in the
    project's extras: a transport raises the error as httpcore would, httpx's own mapped from it.)"""
    import httpcore

    from timeback._deadline import _AttemptEnds
    from timeback._sync_backend import _bounded

    try:
        _bounded(_AttemptEnds(0.0, None, opening=False), 30, httpcore.ReadTimeout, lambda capped: b"")
    except httpcore.ReadTimeout as exc:
        cut = exc  # (the read the other attempt's deadline cut)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, content=TOKEN)
        raise httpx.ReadTimeout(str(cut), request=request) from cut  # (as httpx maps httpcore's)

    with Timeback(**kwargs("http://127.0.0.1:9"), http_client=httpx.Client(transport=httpx.MockTransport(answer))) as c:
        with pytest.raises(APITimeoutError) as raised:
            c.oneroster.gradebook.get_result(sourced_id="x", deadline=deadline, max_retries=0)
    assert str(raised.value).startswith("request timed out: ReadTimeout (another call's deadline cut "), raised.value


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "said", ["timed out", "the deadline passed before the answer came", "the deadline passed while the answer came"]
)
async def test_a_transports_own_timeout_before_the_deadline_is_not_the_deadline_passing(kind: str, said: str) -> None:
    """A caller's transport that times out on its own, long before the call's deadline: named as the deadline
    passing (its timeout was capped at what was left of the deadline: "the deadline passed before the answer came",
    0.4 s into a 30 s deadline), now as the timeout it is, the one the caller set ("ReadTimeout after 60 s", not the
    29.999 s it was capped at). Its error in the words the SDK gives the deadline passing is not the SDK's (told by
    its text, it was named in them). (A transport that times out early on demand, in those words: a mock.)"""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, content=TOKEN)
        raise httpx.ReadTimeout(said, request=request)

    async def answer_async(request: httpx.Request) -> httpx.Response:
        return answer(request)

    options = {"deadline": 30, "max_retries": 0}
    if kind == "sync":
        with Timeback(**kwargs("http://127.0.0.1:9"), timeout=60,
                      http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:  # fmt: skip
            with pytest.raises(APITimeoutError) as raised:
                client.oneroster.gradebook.get_result(sourced_id="x", **options)
    else:
        async with AsyncTimeback(**kwargs("http://127.0.0.1:9"), timeout=60,
                                 http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer_async))) as aclient:  # fmt: skip
            with pytest.raises(APITimeoutError) as raised:
                await aclient.oneroster.gradebook.get_result(sourced_id="x", **options)
    # (the read timeout the caller set, not the 29.999 s it was capped at: what was left of the deadline)
    said = "request timed out: ReadTimeout after 60 s (GET http://127.0.0.1:9/ims/oneroster/gradebook/v1p2/results/x)"
    assert str(raised.value) == said, str(raised.value)


@pytest.mark.parametrize("kind", ["sync", "httpx"])
async def test_a_proxy_not_reached_by_the_deadline_is_named(unconnectable: str, kind: str) -> None:
    """A connection to a proxy not made by the call's deadline: "deadline of 1s passed", the proxy unnamed, where a
    connect's own timeout names it ("request timed out connecting through the proxy ...")."""
    options: dict[str, Any] = {"timeout": 30, "max_retries": 0}
    if kind == "sync":
        with Timeback(**kwargs("https://api.example.com"), **options,
                      http_client=httpx.Client(proxy=unconnectable)) as client:  # fmt: skip
            with pytest.raises(APITimeoutError) as raised:
                client.oneroster.gradebook.get_result(sourced_id="x", deadline=1)
    else:
        async with AsyncTimeback(**kwargs("https://api.example.com"), **options,
                                 http_client=httpx.AsyncClient(proxy=unconnectable)) as aclient:  # fmt: skip
            with pytest.raises(APITimeoutError) as raised:
                await asyncio.wait_for(aclient.oneroster.gradebook.get_result(sourced_id="x", deadline=1), ENDS_WITHIN)
    error = raised.value
    assert str(error) == (f"deadline of 1s passed; to be sent through the proxy {unconnectable}; getting a token for "
                          "GET https://api.example.com/ims/oneroster/gradebook/v1p2/results/x "
                          "(POST https://api.example.com/oauth2/token)"), str(error)  # fmt: skip
    assert error._not_sent == "no time left before the deadline"
