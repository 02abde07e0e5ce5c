"""httpcore's network backend on asyncio's own streams, for the SDK's own async httpx clients.

httpcore's default (``AutoBackend``: anyio's under asyncio) wraps every read and write in an anyio cancel scope
(``fail_after``) over anyio's stream layer: about 920 us of client CPU per single-result PUT here, 725 us on this
one (asyncio's ``StreamReader`` / ``StreamWriter``, each timeout an ``asyncio.timeout``). Its errors are httpcore's,
mapped as ``AnyIOBackend`` maps anyio's; a task waiting on its loop in here is referenced as anyio's cancel scopes
referenced it (``_WAITING``), and a close in the cleanup of a coroutine being closed waits for nothing. Under another
async library (trio) each call goes to the backend it replaced. Installed by ``on_asyncio_streams`` on the pools of
the SDK's own transports only, for their connections to ``http://`` origins (a local server): TLS stays on
httpcore's default (see there why); ``start_tls`` here is then for a caller's own use of the backend."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import socket
import ssl
import sys
import weakref
from asyncio.staggered import staggered_race  # (what asyncio's own happy eyeballs run on)
from collections.abc import Iterable
from typing import Any, cast

import httpcore
from httpcore._utils import is_socket_readable  # (httpcore's own test, as its anyio and sync streams use it)

from timeback._base_client import _raised_in_a_close
from timeback._http_clients import Write, _httpcore_pool, writes_now

try:
    import sniffio  # (how httpcore tells asyncio from trio; the async extra's)
except ImportError:  # (httpcore then takes asyncio for granted, as this does)
    sniffio = None  # type: ignore[assignment]

ALL_FAILED = "All connection attempts failed"  # (anyio's words, and its error's shape: see _connected)
HAPPY_EYEBALLS_DELAY = 0.25  # (anyio's, RFC 6555's: the next address tried when the last is this slow)

# The tasks waiting on their loop in here (a read, a write, a connect), each referenced until its wait ends, as
# httpcore's anyio backend referenced them (its cancel scopes): one whose loop was closed under it stays referenced
# for good, as there. Left to the garbage collector, its close ran httpcore's cleanup wherever the collection struck:
# in another loop's task it suspended (httpcore's lock: "coroutine ignored GeneratorExit", printed), with no loop
# running it found no async library and left the socket to the collector ("unclosed transport" ResourceWarnings).
_WAITING: set[object] = set()


def _on_asyncio() -> bool:
    """Whether the running async library is asyncio, as httpcore decides it (sniffio's answer; asyncio without it)."""
    return sniffio is None or sniffio.current_async_library() == "asyncio"


class AsyncioStream(httpcore.AsyncNetworkStream):
    """A connection on asyncio's streams. Its reads return ``b""`` at the server's end of stream; on a stream closed
    here they raise ``ReadError``, as anyio's ``ClosedResourceError`` did (writes ``WriteError``)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._closed = False
        self._held: Write | None = None  # (a write not made yet: see write)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held is not None:  # (the request's last write: its answer is read next)
            held, self._held = self._held, None
            # (as httpcore takes a request's writes: the server may have answered and closed; its answer is read)
            with contextlib.suppress(httpcore.WriteError):
                await self._write(*held)
        timer, task = self._waiting(httpcore.ReadError, timeout)
        try:
            async with timer:
                data = await self._reader.read(max_bytes)
        except OSError as exc:  # (TimeoutError too: the timer's, or the socket's own, which anyio made a ReadError)
            raise (httpcore.ReadTimeout if timer.expired() else httpcore.ReadError)(exc) from exc
        finally:
            _WAITING.discard(task)
        if not data and self._closed:  # (closed by another task while this one read)
            raise httpcore.ReadError("the connection was closed")
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """``buffer`` written, or a request's head held for its body (``writes_now``; not on a connection closed or
        lost, whose write raises at once)."""
        if not buffer:
            return
        open_ = not self._closed and not self._writer.transport.is_closing()
        writes, self._held = writes_now(self._held, buffer, timeout, open_)
        for data, data_timeout in writes:
            await self._write(data, data_timeout)

    async def _write(self, buffer: bytes, timeout: float | None) -> None:
        timer, task = self._waiting(httpcore.WriteError, timeout)
        try:
            async with timer:
                self._writer.write(buffer)
                await self._writer.drain()  # (raises the connection's loss: a write to a lost one is dropped)
        except OSError as exc:
            raise (httpcore.WriteTimeout if timer.expired() else httpcore.WriteError)(exc) from exc
        finally:
            _WAITING.discard(task)

    def _waiting(self, closed: type[Exception], timeout: float | None) -> tuple[asyncio.Timeout, object]:
        """A read's or write's timer, its task referenced in ``_WAITING`` (the caller discards it once done);
        ``closed`` raised on a stream closed here."""
        if self._closed:
            raise closed("the connection was closed")
        task = asyncio.current_task()
        _WAITING.add(task)
        return asyncio.timeout(timeout), task

    async def aclose(self) -> None:
        if not self._closed:
            self._abort()
            await _closed_at_the_next_turn()

    def _abort(self) -> None:
        # No TLS close_notify, as anyio's stream (standard_compatible=False) sent none: asyncio's graceful TLS close
        # kept the socket open until the server answered it, up to 30 s.
        self._closed = True
        self._writer.transport.abort()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        timer = asyncio.timeout(timeout)
        task = asyncio.current_task()
        _WAITING.add(task)
        try:
            async with timer:  # (not used by the SDK's connections: see on_asyncio_streams)
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except BaseException as exc:
            self._abort()
            if isinstance(exc, OSError):  # (ssl.SSLError is one; a reset, the server's end of stream)
                await _closed_at_the_next_turn()  # (as by aclose)
                raise (httpcore.ConnectTimeout if timer.expired() else httpcore.ConnectError)(exc) from exc
            raise
        finally:
            _WAITING.discard(task)
        return self  # (the same reader and writer, the writer's transport now the TLS one)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":  # (asyncio's TransportSocket: a socket's queries and options, not its I/O)
            return self._writer.get_extra_info("socket")
        if info == "is_readable":  # (the pool drops an idle connection that is: the server closed it, or talks)
            return self._readable()
        return None

    def _readable(self) -> bool:
        """Whether a read would not wait: the loop already read the server's end of stream or bytes into the reader
        (its buffer: asyncio's own attribute), or the socket holds some the loop has not read yet."""
        reader = self._reader
        if self._writer.transport.is_closing() or reader.at_eof() or reader.exception() is not None:
            return True
        if getattr(reader, "_buffer", None):
            return True
        return is_socket_readable(self._writer.get_extra_info("socket"))


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections on ``AsyncioStream``; under another async library than asyncio, those of ``elsewhere`` (the
    backend it replaced: httpcore's ``AutoBackend``, trio's under trio)."""

    def __init__(self, elsewhere: httpcore.AsyncNetworkBackend) -> None:
        self._elsewhere = elsewhere

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if not _on_asyncio():
            return await self._elsewhere.connect_tcp(host, port, timeout, local_address, socket_options)
        task = asyncio.current_task()
        _WAITING.add(task)
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await _connected(host, port, local_address)
        except OSError as exc:
            raise (httpcore.ConnectTimeout if isinstance(exc, TimeoutError) else httpcore.ConnectError)(exc) from exc
        finally:
            _WAITING.discard(task)
        return _with_options(AsyncioStream(reader, writer), socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        if not _on_asyncio():
            return await self._elsewhere.connect_unix_socket(path, timeout, socket_options)
        task = asyncio.current_task()
        _WAITING.add(task)
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_unix_connection(path)
        except OSError as exc:
            raise (httpcore.ConnectTimeout if isinstance(exc, TimeoutError) else httpcore.ConnectError)(exc) from exc
        finally:
            _WAITING.discard(task)
        return _with_options(AsyncioStream(reader, writer), socket_options)

    async def sleep(self, seconds: float) -> None:
        if not _on_asyncio():
            return await self._elsewhere.sleep(seconds)
        task = asyncio.current_task()
        _WAITING.add(task)
        try:
            await asyncio.sleep(seconds)
        finally:
            _WAITING.discard(task)


async def _closed_at_the_next_turn() -> None:
    """A turn of the loop, in which asyncio closes the socket of a transport just aborted: waited for, as anyio's
    close waits for it. Not in the cleanup of a coroutine being closed (a GeneratorExit handled up the stack, or the
    error being handled raised during one): that must not suspend ("coroutine ignored GeneratorExit"), and the socket
    is then closed at the loop's next turn, if it has one."""
    handled = sys.exc_info()[1]
    if handled is None or not _raised_in_a_close(handled):
        await asyncio.sleep(0)


def _with_options(stream: AsyncioStream, options: Iterable[httpcore.SOCKET_OPTION] | None) -> AsyncioStream:
    sock = stream.get_extra_info("socket")
    for option in options or ():  # (asyncio sets TCP_NODELAY itself, as anyio relied on)
        sock.setsockopt(*option)
    return stream


async def _connected(
    host: str, port: int, local_address: str | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to ``host``, as anyio's ``connect_tcp`` makes it: each of its addresses (an IPv6 one first,
    then an IPv4 one) tried ``HAPPY_EYEBALLS_DELAY`` after the last, the first connected kept; all failed, an
    ``OSError`` (``ALL_FAILED``) raised from the one address's error or a group of each one's, which the SDK reads
    (a connect refused or unreachable was not sent). asyncio's own (Python 3.11) kept only their messages."""
    loop = asyncio.get_running_loop()
    local: Any = None
    family = socket.AF_UNSPEC
    if local_address:
        family, *_, local = (await loop.getaddrinfo(local_address, None))[0]
    try:
        addresses = [ipaddress.ip_address(host).compressed]
    except ValueError:  # (a name: resolved below, not in here, so its errors do not carry this one as context)
        addresses = []
    if not addresses:
        found = await loop.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM)
        v6 = [str(address[0]) for af, *_, address in found if af == socket.AF_INET6]
        v4 = [str(address[0]) for af, *_, address in found if af == socket.AF_INET]
        addresses = [*v6[:1], *v4[:1], *v6[1:], *v4[1:]]

    if len(addresses) == 1:  # (an IP address, as a local server's: no race, no task)
        try:
            return await asyncio.open_connection(addresses[0], port, local_addr=local)
        except OSError as exc:
            raise OSError(ALL_FAILED) from exc
    opened: list[asyncio.StreamWriter] = []

    async def attempt(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        connected = await asyncio.open_connection(address, port, local_addr=local)
        opened.append(connected[1])
        return connected

    connected = None
    try:
        connected, _, errors = await staggered_race(
            [functools.partial(attempt, address) for address in addresses], HAPPY_EYEBALLS_DELAY
        )
    finally:  # (the race's losers, and its winner if this task was cancelled meanwhile: closed)
        for writer in opened:
            if connected is None or writer is not connected[1]:
                writer.transport.abort()
    if connected is not None:
        return cast(tuple[asyncio.StreamReader, asyncio.StreamWriter], connected)
    failed = [error for error in errors if isinstance(error, OSError)]
    if len(failed) > 1:
        raise OSError(ALL_FAILED) from ExceptionGroup("multiple connection attempts failed", failed)
    raise OSError(ALL_FAILED) from (failed[0] if failed else None)


def on_asyncio_streams(transport: object) -> None:
    """``transport`` (one the SDK made: httpx's ``AsyncHTTPTransport``) with the connections its httpcore pool opens
    to an ``http://`` origin on ``AsyncioBackend``. Not an ``https://`` origin's: asyncio's TLS layer takes a write
    whole and hands it to the socket's buffer, so ``drain()`` came back before a large body was sent and its upload
    was timed by the read timeout (a 16 MB PUT to a server reading 8 MB/s, ``read=1``: ``ReadTimeout``), where
    anyio's TLS waits on the socket. Nor a proxy's (a tunnel's TLS; an https:// proxy's TLS in TLS). httpcore's pool
    takes no backend from httpx, and one for all its connections: this wraps its ``create_connection``, setting
    that connection's ``_network_backend`` (httpcore 1.0's); a pool or a connection without them (another
    httpcore's, another transport) keeps its default, only slower."""
    pool = _httpcore_pool(transport, "AsyncConnectionPool")
    if type(pool) is not httpcore.AsyncConnectionPool or getattr(pool, "_proxy", None) is not None:
        return  # (a proxy's pool makes no direct connection; another pool is left alone)
    default = getattr(pool, "_network_backend", None)
    if isinstance(default, httpcore.AsyncNetworkBackend) and "create_connection" not in vars(pool):
        pool.create_connection = _PlainOnAsyncio(pool, AsyncioBackend(default))  # type: ignore[method-assign]


class _PlainOnAsyncio:
    """A pool's ``create_connection`` whose direct connections to an ``http://`` origin run on ``backend``, if made
    on the backend it replaced (a pool's backend replaced since, a test's say, is left to serve). The pool is held
    weakly: the wrapper set on it, a strong reference would make the pool a cycle, freed only by the collector."""

    def __init__(self, pool: Any, backend: AsyncioBackend) -> None:
        self._pool, self.backend = weakref.ref(pool), backend

    def __call__(self, origin: httpcore.Origin) -> Any:
        pool = self._pool()
        assert pool is not None  # (called by the pool itself)
        connection = type(pool).create_connection(pool, origin)
        direct = type(connection) is httpcore.AsyncHTTPConnection  # (not a proxy's, were one made here)
        if (
            direct
            and origin.scheme == b"http"
            and getattr(connection, "_network_backend", None) is self.backend._elsewhere
        ):
            connection._network_backend = self.backend
        return connection
