"""``timeback._asyncio_backend``: httpcore's network backend on asyncio's streams, which the SDK's own async httpx
clients' connections to http:// origins run on, against real loopback servers: its errors are httpcore's as anyio's
backend raised them, TLS and proxies left on httpcore's own (a large upload over TLS timed as a write), an idle
connection the server closed is not reused, and under trio httpcore's own backend runs. (Every ``AsyncTimeback`` test on httpx runs on it too.)"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import ssl
import struct
import sys
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpcore
import httpx
import pytest
import trio

from tests.support import (
    UPGRADE,
    HeldTokenAnswers,
    assert_written_whole,
    child_environment,
    token_answers_held,
    uid,
    upgrading_echo,
    writes_to,
)
from timeback import AsyncTimeback, DefaultAsyncHttpxClient
from timeback._asyncio_backend import AsyncioBackend, AsyncioStream
from timeback._base_client import _connect_failed
from timeback._http_clients import JOINED_BODY_BYTES
from timeback.server.runner import LocalServer

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@contextlib.asynccontextmanager
async def serving(handle: Handler, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """A loopback server running ``handle`` for each connection; its port."""
    listener = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    async with listener:
        yield listener.sockets[0].getsockname()[1]


def backend() -> AsyncioBackend:
    return AsyncioBackend(httpcore.AnyIOBackend())


def on_asyncio(http: httpx.AsyncClient, url: str = "http://timeback.test", transport: Any = None) -> bool:
    """Whether a connection ``http`` opens for ``url`` (through ``transport``, by default the one for it) runs on
    ``AsyncioBackend``: one made as its pool makes it, not opened (a proxy's: the connection to the proxy)."""
    pool = (transport or http._transport_for_url(httpx.URL(url)))._pool
    connection = pool.create_connection(httpcore.URL(url).origin)
    if not isinstance(connection, httpcore.AsyncHTTPConnection):  # (a proxy's: its connection to the proxy inside)
        connection = connection._connection
    return isinstance(getattr(connection, "_network_backend", None), AsyncioBackend)


async def test_the_sdks_own_transports_run_on_it_a_callers_keep_httpcores(server: LocalServer) -> None:
    """The connections of ``DefaultAsyncHttpxClient``'s transports to an http:// origin, and ``AsyncTimeback``'s own
    client's; not an https:// origin's (see ``test_a_large_upload_over_tls_is_timed_as_a_write``), nor a proxy's,
    nor those of a ``transport=`` or ``mounts=`` given, nor a caller's plain httpx client."""
    theirs = httpx.AsyncHTTPTransport()
    mounted = httpx.AsyncHTTPTransport()
    async with (
        DefaultAsyncHttpxClient() as plain,
        DefaultAsyncHttpxClient(proxy="http://127.0.0.1:1") as proxied,
        DefaultAsyncHttpxClient(transport=theirs, mounts={"all://timeback.test": mounted}) as given,
        httpx.AsyncClient() as callers,
    ):
        assert on_asyncio(plain) and not on_asyncio(plain, "https://timeback.test")
        assert not on_asyncio(proxied) and not on_asyncio(proxied, "https://timeback.test")
        assert not on_asyncio(given, transport=theirs) and not on_asyncio(given, transport=mounted)
        async with AsyncTimeback(**server.client_kwargs(), http_client=callers) as client:
            assert await client.oneroster.gradebook.put_category(sourced_id="asyncio-b", category={"title": "x"})
        assert not on_asyncio(callers)
    async with AsyncTimeback(**server.client_kwargs()) as client:
        assert (await client.oneroster.gradebook.get_category(sourced_id="asyncio-b")).category.title == "x"
        (own,) = client._client._loops.values()
        assert on_asyncio(own.http, server.url)


async def test_a_read_returns_nothing_at_the_servers_end_of_stream_and_fails_once_closed_here() -> None:
    async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"hi")
        writer.close()

    async with serving(greet) as port:
        stream = await backend().connect_tcp("127.0.0.1", port, timeout=5)
        assert await stream.read(10, timeout=5) == b"hi"
        assert await stream.read(10, timeout=5) == b""
        assert stream.get_extra_info("is_readable") is True
        assert stream.get_extra_info("server_addr") == ("127.0.0.1", port)
        assert stream.get_extra_info("client_addr")[0] == "127.0.0.1"
        assert stream.get_extra_info("socket").fileno() >= 0 and stream.get_extra_info("ssl_object") is None
        await stream.aclose()
        with pytest.raises(httpcore.ReadError):
            await stream.read(10)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"x")


async def test_timeouts_resets_and_refusals_raise_httpcores_errors() -> None:
    """As httpcore's anyio backend raised them; a connect refused keeps its socket error as the cause the SDK reads
    (``_connect_failed``: nothing was sent)."""
    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # (open, never read from nor written to)

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # (an RST, no FIN first)

    async with serving(silent) as port:
        stream = await backend().connect_tcp("127.0.0.1", port, timeout=5)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(10, timeout=0.05)
        with pytest.raises(httpcore.WriteTimeout):
            await stream.write(b"x" * 64_000_000, timeout=0.1)  # (more than the sockets' buffers hold)
        await stream.aclose()
        stream = await backend().connect_tcp("127.0.0.1", port, timeout=5)
        with pytest.raises(httpcore.ConnectTimeout):  # (a TLS server that never answers the hello)
            await stream.start_tls(ssl.create_default_context(), "127.0.0.1", timeout=0.05)
        for writer in held:
            writer.close()
    async with serving(reset) as port:
        stream = await backend().connect_tcp("127.0.0.1", port, timeout=5)
        with pytest.raises(httpcore.ReadError) as read:
            await stream.read(10, timeout=5)
        assert isinstance(read.value.__cause__, ConnectionResetError)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"x", timeout=5)
        await stream.aclose()
    with pytest.raises(httpcore.ConnectError) as refused:
        await backend().connect_tcp("127.0.0.1", port, timeout=5)
    assert str(refused.value) == "All connection attempts failed" and _connect_failed(refused.value)


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    """httpcore's pool asks a connection whether it is readable before reusing it: the server closed it (an idle
    timeout), so a new one is opened; reused, the request failed ("Server disconnected")."""
    connections: list[asyncio.StreamWriter] = []
    closed = asyncio.Event()

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)  # (kept alive, then closed as an idle timeout would)
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        closed.set()

    async with serving(answer_once) as port, DefaultAsyncHttpxClient() as http:
        first = await http.get(f"http://127.0.0.1:{port}/")
        await closed.wait()
        assert first.extensions["network_stream"].get_extra_info("is_readable") is True
        assert isinstance(first.extensions["network_stream"], AsyncioStream)  # (http://: on this backend)
        second = await http.get(f"http://127.0.0.1:{port}/")
    assert first.text == second.text == "ok" and len(connections) == 2


async def test_a_close_in_the_cleanup_of_a_coroutine_being_closed_does_not_suspend() -> None:
    """httpcore closes a connection in its cleanup as the coroutine using it is closed (GeneratorExit): the close
    waited a turn of the loop there for asyncio to close the socket, and a closed coroutine may not suspend
    ("coroutine ignored GeneratorExit"). It aborts the connection then, waiting for nothing."""
    held: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append((reader, writer))  # (never written to)

    async with serving(silent) as port:
        stream = await backend().connect_tcp("127.0.0.1", port, timeout=5)

        async def using() -> None:
            try:
                await stream.read(10)
            finally:
                await stream.aclose()

        coroutine = using()
        coroutine.send(None)  # (waiting in the read)
        coroutine.close()
        reader, writer = held[0]
        assert await asyncio.wait_for(reader.read(), 5) == b""  # (the connection closed all the same)
        writer.close()


@pytest.fixture
def token_endpoint_held(server: LocalServer) -> Iterator[HeldTokenAnswers]:
    """The server's token endpoint holding each answer until the test ends."""
    with token_answers_held(server) as held:
        yield held


@pytest.mark.parametrize("collected", ["with no loop running", "in another loop's task"])
def test_a_call_abandoned_in_a_loop_closed_under_it_is_collected_with_nothing_printed(
    server: LocalServer, token_endpoint_held: HeldTokenAnswers, monkeypatch: pytest.MonkeyPatch, collected: str
) -> None:
    """A call waiting for its answer in a loop stopped and closed under it (``loop.close()`` alone), left to the
    garbage collector. Its close ran httpcore's cleanup wherever the collection struck: in another loop's task it
    suspended (httpcore's lock, then this backend's ``aclose``): "coroutine ignored GeneratorExit", printed; with no
    loop running it found no async library and left the socket to be collected: "unclosed transport"
    ResourceWarnings. Such a call is kept, as httpcore's anyio backend kept it (its cancel scope)."""
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda seen: unraisable.append(f"{seen.exc_value!r} in {seen.object}"))
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    client = AsyncTimeback(**server.client_kwargs(), max_retries=0)
    asyncio.run_coroutine_threadsafe(client.oneroster.gradebook.get_category(sourced_id="abandoned"), loop)
    assert token_endpoint_held.asked.wait(30)
    loop.call_soon_threadsafe(loop.stop)
    runner.join(30)
    loop.close()

    async def collect() -> None:
        gc.collect()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client, loop
        if collected == "with no loop running":
            gc.collect()
        else:
            asyncio.run(collect())
        gc.collect()
    assert not unraisable, unraisable
    leaks = [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)]
    assert not leaks, leaks


ABANDONED_AT_EXIT = """
import asyncio, sys, threading
from timeback import AsyncTimeback

loop = asyncio.new_event_loop()
runner = threading.Thread(target=loop.run_forever)
runner.start()
client = AsyncTimeback(max_retries=0)
asyncio.run_coroutine_threadsafe(client.oneroster.gradebook.get_category(sourced_id="abandoned"), loop)
sys.stdin.readline()  # (its token request held by the server)
loop.call_soon_threadsafe(loop.stop)
runner.join()
loop.close()
"""


def test_a_call_abandoned_in_a_loop_closed_under_it_ends_quietly_at_the_interpreters_exit(
    server: LocalServer, token_endpoint_held: HeldTokenAnswers
) -> None:
    """Such a call (above) is let go as the interpreter exits, and closed then, no loop running: httpcore's cleanup
    found no async library, and the call's error was printed ("Exception ignored in: <coroutine ...>"). It ends as
    closed. (asyncio's own "Task was destroyed but it is pending!" stays: a loop was closed under a pending task.)"""
    import subprocess

    env = child_environment(**server.environ())
    command = [sys.executable, "-c", ABANDONED_AT_EXIT]
    with subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            assert token_endpoint_held.asked.wait(30)
            _, err = child.communicate("\n", timeout=60)
        finally:
            if child.poll() is None:  # (the test failed before its exit)
                child.kill()
    assert child.returncode == 0 and "Exception ignored" not in err and "Traceback" not in err, err


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server's TLS context with a certificate for 127.0.0.1 and timeback.test, and a client's that trusts it."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "timeback.test").configure_cert(served)
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    return served, trusting


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
@pytest.mark.parametrize("proxy_scheme", ["http", "https"])
def test_https_through_a_proxys_tunnel(
    tls: tuple[ssl.SSLContext, ssl.SSLContext], loop: str, proxy_scheme: str
) -> None:
    """The server's TLS through a proxy's ``CONNECT`` tunnel, verified; a certificate of an unknown CA is refused with
    a ``ConnectError`` that says so. On httpcore's own backend, as every TLS connection and every proxy's are (TLS in
    TLS: Python 3.11's asyncio raised a TypeError for that refusal)."""
    served, trusting = tls
    factory = pytest.importorskip("uvloop").new_event_loop if loop == "uvloop" else asyncio.new_event_loop

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)
        writer.close()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def main() -> None:
        heads: list[bytes] = []
        async with serving(answer, served) as port:

            async def tunnel(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                heads.append(await reader.readuntil(b"\r\n\r\n"))
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                with contextlib.suppress(asyncio.CancelledError):  # (a tunnel still open as the loop ends)
                    await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

            async with serving(tunnel, served if proxy_scheme == "https" else None) as proxy_port:
                proxy_context = trusting if proxy_scheme == "https" else None
                proxy = httpx.Proxy(f"{proxy_scheme}://127.0.0.1:{proxy_port}", ssl_context=proxy_context)
                async with DefaultAsyncHttpxClient(proxy=proxy, verify=trusting) as http:
                    tunnel_on_asyncio = on_asyncio(http, f"https://timeback.test:{port}")
                    response = await http.get(f"https://timeback.test:{port}/")
                    ssl_object = response.extensions["network_stream"].get_extra_info("ssl_object")
                async with DefaultAsyncHttpxClient(proxy=proxy) as http:  # (the server's CA: in no trust store)
                    with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
                        await http.get(f"https://timeback.test:{port}/")
        assert not tunnel_on_asyncio
        assert response.text == "ok" and ssl_object.server_hostname == "timeback.test"
        assert heads[0].startswith(f"CONNECT timeback.test:{port} ".encode())

    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main())


async def test_a_large_upload_over_tls_is_timed_as_a_write(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    """32 MB PUT over https to a server reading at most 8 MB/s, the read timeout 2 s: asyncio's TLS layer took the
    body whole into the socket's buffer and ``drain()`` came back at once, so the upload was timed by the read
    timeout (``ReadTimeout``). TLS connections stay on httpcore's backend, whose writes wait on the socket (what
    the socket buffers hold once the last is written, a few MB, is read well within the 2 s)."""
    served, trusting = tls

    async def slow_reader(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        while length > 0:
            length -= len(await reader.read(min(length, 65536)))
            await asyncio.sleep(0.008)
        writer.write(OK)
        await writer.drain()
        writer.close()

    async with serving(slow_reader, served) as port:
        async with DefaultAsyncHttpxClient(verify=trusting, timeout=httpx.Timeout(30, read=2)) as http:
            response = await http.put(f"https://127.0.0.1:{port}/", content=b"x" * 32_000_000)
    assert response.text == "ok" and not isinstance(response.extensions["network_stream"], AsyncioStream)


async def test_a_pool_let_go_is_freed_without_the_cyclic_collector() -> None:
    """The pool's ``create_connection`` wrapper held the pool: a cycle, the pool (and its connections' memory)
    freed only when the cyclic collector ran."""
    import weakref

    http = DefaultAsyncHttpxClient()
    pool = weakref.ref(http._transport._pool)
    gc.disable()
    try:
        del http
        assert pool() is None
    finally:
        gc.enable()


def test_under_trio_httpcores_own_backend_runs(server: LocalServer) -> None:
    async def get() -> httpx.Response:
        async with DefaultAsyncHttpxClient() as http:
            return await http.get(f"{server.url}/ims/oneroster/gradebook/v1p2/categories", params={"limit": 1})

    assert trio.run(get).status_code in (200, 401)


async def test_a_requests_head_and_short_body_are_one_write(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpcore writes a request's head, then its body: two sends, the server woken for each. Held and joined: one.
    A GET's head goes out as its answer is read; a body past ``JOINED_BODY_BYTES`` on its own."""
    import asyncio.selector_events

    written = writes_to(monkeypatch, asyncio.selector_events._SelectorSocketTransport)  # (this test's loop's)
    async with AsyncTimeback(**server.client_kwargs()) as client:
        gradebook, sourced_id = client.oneroster.gradebook, uid("held")
        await gradebook.get_all_categories()  # (its token and its connection)
        written.clear()
        await gradebook.put_category(sourced_id=sourced_id, category={"title": "short"})
        assert (await gradebook.get_category(sourced_id=sourced_id)).category.title == "short"
        large = {"title": "large", "metadata": {"note": "x" * JOINED_BODY_BYTES}}
        await gradebook.put_category(sourced_id=sourced_id, category=large)
    assert_written_whole(written, JOINED_BODY_BYTES)


async def test_a_head_announcing_no_body_is_sent_as_its_answer_is_read() -> None:
    """A head with a ``Content-Length`` of 0 is held as any announcing a body, and no body write follows: the read
    of its answer sends it first (the server answers once it has it)."""

    async def answer_the_head(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readuntil(b"\r\n\r\n"))
        await writer.drain()
        writer.close()

    head = b"PUT / HTTP/1.1\r\nHost: timeback.test\r\nContent-Length: 0\r\n\r\n"
    async with serving(answer_the_head) as port:
        stream = await backend().connect_tcp("127.0.0.1", port, timeout=5)
        await stream.write(head, timeout=5)
        assert await stream.read(1000, timeout=5) == head
        await stream.aclose()


async def test_what_a_caller_writes_to_an_upgraded_connection_goes_at_once() -> None:
    """Only a request's head announcing a body is held for it: a write to a connection handed to the caller
    (``network_stream``, after a 101) goes as it comes, though no read follows it (held, the close dropped it), or
    another task is reading it already (held, that read sent nothing: its echo never came)."""
    with upgrading_echo() as (url, _, received):
        async with DefaultAsyncHttpxClient() as http, http.stream("GET", url, headers=UPGRADE) as answer:
            assert answer.status_code == 101
            stream = answer.extensions["network_stream"]
            reading = asyncio.create_task(stream.read(100, timeout=10))
            await asyncio.sleep(0)  # (the task's read under way)
            await stream.write(b"ping", timeout=10)
            assert await reading == b"ping"
            await stream.write(b"bye", timeout=10)
            await stream.aclose()
        assert await asyncio.to_thread(received.get, timeout=10) == b"pingbye"
