"""``DefaultAioHttpClient``: an ``httpx.AsyncClient`` that sends through aiohttp (the ``aiohttp`` extra).

    pip install '.[aiohttp]'  # (in a checkout of this repository: PyPI's ``timeback`` is another project)
    AsyncTimeback(http_client=DefaultAioHttpClient())

httpx's own async stack (httpcore on anyio, an HTTP parser in Python) spent about 1,050 us of CPU per single-result
PUT to a local server here; through aiohttp (its parser in C, asyncio's own sockets) the same calls spent about
660 us. With many concurrent callers sharing a few CPUs, that is what sets their latency (docs/benchmarks.md).
openai-python offers the same (its ``DefaultAioHttpClient``, on the httpx-aiohttp package). This transport is the
SDK's own, about as small, because httpx-aiohttp hands aiohttp the URL as text: aiohttp then decodes ``%2E`` and
drops the dot segments (a record whose id is "." would be asked for at its collection's path), and it reports a
refused connection or a server hanging up as ``ConnectTimeout`` (the SDK would say "request timed out").
aiohttp is imported when the first client is made, not with ``timeback``.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from timeback._base_client import _close_there, _forkable, _inherited, answer_cut_short, closed_with_loop
from timeback._config import DEFAULT_LIMITS, ipv4_address, is_loopback
from timeback._deadline import _SendingTrace
from timeback._http_clients import remember_timeout, verified_proxy, with_cookies_when_set, with_shared_tls

if TYPE_CHECKING:
    import asyncio

    import aiohttp

__all__ = ["DefaultAioHttpClient"]

# An answer up to this size (by its Content-Length) is read whole before httpx gets it: httpx then reads it from
# memory, without an async iteration per chunk (about 5% of a single-result PUT's client CPU). Larger answers, and
# those of unknown length, stream.
READ_AT_ONCE_BYTES = 64 * 1024

# The longest status line and header field read: httpx's (httpcore's h11) limit on a whole head. aiohttp's default,
# 8,190 bytes, made a 200 with a longer header (a Link repeating a long query) a RemoteProtocolError.
MAX_HEADER_BYTES = 100 * 1024

# The most header lines read: as many as a head of that size holds ("a:" and its CRLF, 4 bytes each). aiohttp 3.13.4
# and later read 128 by default (older ones 32,768, and no max_headers argument), and refused a 200 with more.
MAX_HEADER_LINES = MAX_HEADER_BYTES // 4

# A request body larger than this goes to aiohttp in chunks of this size, each to be written within the write
# timeout (httpcore's write timeout: each write of a chunk); a smaller one goes whole, untimed, as cheap as before.
# (Given more than 1 MB as bytes, aiohttp also warns that writing it "might lock the event loop".)
WRITE_CHUNK_BYTES = 64 * 1024

# The request's pool timeout, for the connector: aiohttp gives its wait for a free connection no timeout of its own.
_pool_timeout: ContextVar[float | None] = ContextVar("pool_timeout", default=None)
# The request's trace of the SDK's (AsyncTimeback's, with a deadline), for the connector to mark it sending once it
# has a connection: until then, nothing of the request was sent.
_sending: ContextVar[_SendingTrace | None] = ContextVar("sending", default=None)


class DefaultAioHttpClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose requests go through aiohttp (HTTP/1.1). It takes ``httpx.AsyncClient``'s
    arguments; ``verify``, ``cert``, ``trust_env`` and ``limits`` configure aiohttp's connections too, and its
    ``timeout=`` is the ``AsyncTimeback``'s when that is given none.

    Proxies: with ``trust_env`` (the default), those the environment names (``HTTP_PROXY``, ``HTTPS_PROXY``,
    ``ALL_PROXY``, ``NO_PROXY``), except for loopback hosts, which are reached directly as the SDK's own clients
    reach them; a SOCKS one is refused when a request would go through it (aiohttp has no SOCKS). (httpx reads no
    proxy from the environment for a client given a transport.) A ``proxy=`` sends every request through httpx's own
    transport to that proxy, verified by a ``verify=`` given as aiohttp's are."""

    def __init__(self, **kwargs: Any) -> None:
        try:
            import aiohttp  # noqa: F401
        except ImportError as exc:
            from timeback._extras import install_hint

            message = f"DefaultAioHttpClient needs the aiohttp extra: {install_hint('aiohttp', exc.name)}"
            raise RuntimeError(message) from None
        # (its own transport makes its connections anew in a child process after fork(); httpx's, for a proxy= or
        # mounts=, and a transport given, cannot: see AsyncAPIClient._after_fork)
        self._survives_fork = not (kwargs.get("transport") or kwargs.get("proxy") or kwargs.get("mounts"))
        kwargs.setdefault("limits", DEFAULT_LIMITS)  # (the SDK's own clients': httpx's, for a proxy's transport too)
        if kwargs.get("proxy"):  # (httpx's transport, verified as aiohttp's; before with_shared_tls: a verify= given)
            kwargs["proxy"] = verified_proxy(kwargs["proxy"], kwargs)
        with_shared_tls(kwargs)  # (the SDK's other clients' context: also for httpx's transports to proxies)
        if kwargs.get("transport") is None:
            ssl_options = {key: kwargs[key] for key in ("verify", "cert", "trust_env") if key in kwargs}
            trust_env = kwargs.get("trust_env", True)
            ssl_context = httpx.create_ssl_context(**ssl_options)
            kwargs["transport"] = AiohttpTransport(ssl_context, kwargs.get("limits"), trust_env=trust_env)
        super().__init__(**kwargs)
        remember_timeout(self, kwargs)
        with_cookies_when_set(self)


@dataclass(frozen=True)
class _Proxy:
    url: Any  # (a yarl URL, without credentials)
    headers: dict[str, str] | None = field(repr=False)  # (its Proxy-Authorization holds the proxy's password)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx requests sent with one ``aiohttp.ClientSession`` (made on the first request, in its event loop; for
    another loop's, see ``_session_here``). With ``trust_env``, a request goes through the proxy the environment
    names for its scheme (``HTTP_PROXY``, ``HTTPS_PROXY``; else ``ALL_PROXY``, as httpx reads them), unless
    ``NO_PROXY`` lists its host or the host is loopback. (aiohttp's own ``trust_env`` is not used: it reads
    ``~/.netrc`` in a thread for every request, and refuses a request that has an ``Authorization`` header when the
    file has its host.)"""

    def __init__(self, ssl_context: Any, limits: httpx.Limits | None = None, *, trust_env: bool = False) -> None:
        import urllib.request

        limits = limits or DEFAULT_LIMITS
        self._ssl_context = ssl_context
        self._limit = limits.max_connections or 0  # (0: aiohttp's "no limit")
        self._keepalive = limits.keepalive_expiry
        self._max_idle = limits.max_keepalive_connections  # (None: no limit)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # (the session's)
        self._closer: AsyncGenerator[None] | None = None  # (closes the session: see closed_with_loop)
        environment = urllib.request.getproxies() if trust_env else {}
        self._no_proxy = _no_proxy(environment.get("no", ""))
        if ("", None, None) in self._no_proxy:  # (NO_PROXY=*: httpx reads no proxy, a malformed one neither)
            environment = {}
        self._proxies = {
            key: _proxy_named(key, environment[key]) for key in ("http", "https", "all") if environment.get(key)
        }
        self._proxy_for: dict[tuple[str, str, int | None], _Proxy | None] = {}
        _forkable.add(self)

    def _after_fork(self) -> None:
        """In a child process after fork(): the parent's session (its connections, of its loop) is left to the
        parent, neither used nor closed; the child's first request makes one of its own."""
        if self._session is not None:
            _inherited.append((self._session, self._closer))
        self._session, self._loop, self._closer = None, None, None

    def _new_session(self) -> aiohttp.ClientSession:
        import aiohttp

        options: dict[str, Any] = {"keepalive_timeout": self._keepalive, "max_idle": self._max_idle}
        if self._max_idle == 0:  # (no connection kept: aiohttp's own option; the request's "Connection" header is kept)
            options = {"force_close": True, "max_idle": None}
        connector = _connector()(ssl=self._ssl_context, limit=self._limit, **options)
        # httpx decodes the body by its Content-Encoding, and sends the headers the request has, no others (aiohttp
        # would add its User-Agent, Accept, Accept-Encoding, and "application/octet-stream" to a POST without one).
        skip = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            skip_auto_headers=skip,
            max_line_size=MAX_HEADER_BYTES,
            max_field_size=MAX_HEADER_BYTES,
            **_max_headers(),
        )
        # aiohttp sends a GET, PUT or DELETE again, once, when a kept-alive connection closes before any answer:
        # unseen by the SDK's retries (max_retries=0 sent twice, retries_taken missed it). httpx leaves that to us.
        session._retry_connection = False  # (declared since aiohttp 3.11, the least the extra takes: no warning)
        return session

    def _proxy(self, url: httpx.URL) -> _Proxy | None:
        """The proxy for a request to ``url``, or None: directly."""
        key = (url.scheme, url.host, url.port)
        if key not in self._proxy_for:
            import base64

            from yarl import URL

            named = url.scheme if url.scheme in self._proxies else "all"  # (ALL_PROXY: httpx's "all://")
            proxy = self._proxies.get(named)
            bypassed = any(
                scheme in ("", url.scheme) and (host is None or host.match(url.host)) and port in (None, url.port)
                for scheme, host, port in self._no_proxy
            )
            if proxy is None or is_loopback(url.host) or bypassed:
                self._proxy_for[key] = None
            elif proxy.url.scheme in ("socks5", "socks5h"):  # (aiohttp would send it HTTP, in clear: refused)
                message = f"{_variable(named)} names a SOCKS proxy: DefaultAioHttpClient (aiohttp) has no SOCKS"
                raise ValueError(f"{message}; httpx.AsyncClient has, with httpx[socks]")  # (not when it is unused)
            else:
                headers = None  # (aiohttp's BasicAuth is deprecated: the header itself)
                if proxy.raw_auth is not None:
                    credentials = base64.b64encode(b":".join(proxy.raw_auth)).decode()
                    headers = {"Proxy-Authorization": f"Basic {credentials}"}
                self._proxy_for[key] = _Proxy(URL(str(proxy.url), encoded=True), headers)
        return self._proxy_for[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp
        from yarl import URL

        session = await self._session_here()
        timeout = request.extensions.get("timeout", {})
        try:
            content: Any = request.content or None
        except httpx.RequestNotRead:  # (a streamed body: aiohttp sends it chunked)
            content = request.stream
            request.headers.pop("Transfer-Encoding", None)
        written: _WrittenInTime | None = None
        if isinstance(content, bytes) and len(content) > WRITE_CHUNK_BYTES:
            content = written = _WrittenInTime(content, timeout.get("write"))
        proxy = self._proxy(request.url)
        url = request.url
        if (address := _dotted_quad(url.host)) is not None:  # (the Host header stays the URL's, as httpx sent it)
            url = url.copy_with(host=address)
        waits = _pool_timeout.set(timeout.get("pool"))
        trace = request.extensions.get("trace")
        watched = _sending.set(trace if isinstance(trace, _SendingTrace) else None)
        cut: aiohttp.ClientResponse | None = None  # (an answer whose body, read here, failed)
        try:
            async with written or _UNTIMED:
                response = await session.request(
                    request.method,
                    URL(str(url), encoded=True),  # (sent as httpx encoded it: see the module's docstring)
                    headers=_headers(request, proxy),  # (not a local: see _headers)
                    data=content,
                    allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(
                        # (aiohttp's "connect" bounds the wait for a free connection and the connecting as one: only
                        # when _connector cannot time the wait itself)
                        connect=None if _connector().timed else timeout.get("pool"),
                        sock_connect=timeout.get("connect"),
                        sock_read=timeout.get("read"),
                    ),
                    server_hostname=request.extensions.get("sni_hostname"),
                    proxy=None if proxy is None else proxy.url,
                    proxy_headers=None if proxy is None else proxy.headers,
                )
            stream: httpx.AsyncByteStream = _ResponseStream(response, request)
            if response.content_length is not None and response.content_length <= READ_AT_ONCE_BYTES:
                try:
                    stream = httpx.ByteStream(await response.read())  # (the connection then goes back to the pool)
                except BaseException:  # (cancelled, say: the connection, its answer half read, is closed)
                    response.close()
                    cut = response
                    if isinstance(trace, _SendingTrace):  # (a deadline's cancel: see _sent_by)
                        trace.answered = _head(cut, request)
                    raise
        except Exception as exc:
            error = _httpx_error(exc, request)
            if cut is not None:  # (its head kept, as the SDK's drivers keep httpx's: see _read_whole)
                answer_cut_short(error, _head(cut, request))
            if written and written.watchdog.expired():  # (its TimeoutError, or what aiohttp made of the cancel)
                error = httpx.WriteTimeout("timed out writing the request body", request=request)
        else:
            extensions = {"http_version": _version(response.version), "reason_phrase": (response.reason or "").encode()}
            return httpx.Response(
                response.status, headers=response.raw_headers, stream=stream, request=request, extensions=extensions
            )
        finally:
            _pool_timeout.reset(waits)
            _sending.reset(watched)
        raise error  # (outside the except: see _httpx_error)

    async def _session_here(self) -> aiohttp.ClientSession:
        """The running event loop's session, made on its first request. One made in a loop since closed is
        replaced (its connections died with that loop; asyncio.run and pytest-asyncio close it before, see
        ``closed_with_loop``); one of a loop still open is refused: its connections, locks and timers are that
        loop's, not to be used from another (httpx's own pool raises a RuntimeError too, "bound to a different event
        loop")."""
        import asyncio

        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._refuse_if_open_elsewhere(loop)
            old, self._session, self._loop = self._closer, self._new_session(), loop
            self._closer = closed_with_loop(self._session.close)
            await anext(self._closer)  # (started in this loop: asyncio's to close when it shuts down)
            if old is not None:  # (a loop closed without that: aiohttp can close nothing, but marks it closed)
                await old.aclose()
        assert self._session is not None
        return self._session

    def _refuse_if_open_elsewhere(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is not None and self._loop is not loop and not self._loop.is_closed():
            message = "a DefaultAioHttpClient is used in one event loop at a time, and the loop it was first used in"
            raise RuntimeError(f"{message} is still open: make a client per event loop (or close this one first)")

    async def aclose(self) -> None:
        import asyncio

        owner, session = self._loop, self._session
        if self._closer is None or session is None:
            return
        if owner is not None and owner is not asyncio._get_running_loop() and not owner.is_closed():
            # (its connections are that loop's: closed there as it next runs, as AsyncTimeback's close closes other
            # loops' clients; refused, httpx had marked itself closed first, and the session could never be closed.
            # The session, not its closer: see AsyncAPIClient.close)
            with contextlib.suppress(RuntimeError):  # (closed meanwhile: its shutdown closed it)
                owner.call_soon_threadsafe(_close_there, owner, session.close)
            return
        await self._closer.aclose()


@functools.lru_cache(maxsize=8)
def _version(version: tuple[int, int] | None) -> bytes:
    """The answer's HTTP version as httpx names it: ``b"HTTP/1.0"``, ``b"HTTP/1.1"``."""
    major, minor = version or (1, 1)
    return b"HTTP/%d.%d" % (major, minor)


@functools.lru_cache(maxsize=64)
def _dotted_quad(host: str) -> str | None:
    """The dotted quad of an IPv4 address written in another form connect() reads (``127.1``, ``2130706433``), which
    aiohttp refuses ("is not a canonical IPv4 address") though the SDK's config takes them, and httpx reaches
    them; None for any other host."""
    address = ipv4_address(host)
    return None if address == host else address


@functools.cache
def _max_headers() -> dict[str, Any]:
    """``max_headers`` for the session, if this aiohttp's takes it (3.13.4 and later)."""
    import inspect

    import aiohttp

    accepted = "max_headers" in inspect.signature(aiohttp.ClientSession).parameters
    return {"max_headers": MAX_HEADER_LINES} if accepted else {}


def _proxy_named(key: str, value: str) -> httpx.Proxy:
    """The proxy ``{KEY}_PROXY`` names, read when the client is made, as httpx reads it then (``host:port``: an http
    proxy). httpx's error for one it cannot use, naming the variable: not its URL, nor httpx's message when the URL
    has credentials ("http://user:pa/ss@host" is an "Invalid port: 'pa'"). A host it cannot read is no error: as
    through httpx, connecting to it fails."""
    url = value if "://" in value else f"http://{value}"
    try:
        return httpx.Proxy(url)
    except (httpx.InvalidURL, ValueError) as exc:
        name = _variable(key)
        if isinstance(exc, httpx.InvalidURL):
            reason = "" if "@" in url else f": {exc}"
            raise httpx.InvalidURL(f"{name} is not a proxy URL httpx can read{reason}") from None
        scheme = url.partition("://")[0]
        raise ValueError(f"{name} names a proxy of an unknown scheme ({scheme!r}): http or https") from None


def _variable(key: str) -> str:
    """The variable that named ``key``'s proxy: ``{key}_proxy`` if set (urllib's choice), else ``{KEY}_PROXY``."""
    import os

    return f"{key}_proxy" if os.environ.get(f"{key}_proxy") else f"{key.upper()}_PROXY"


def _no_proxy(value: str) -> list[tuple[str, re.Pattern[str] | None, int | None]]:
    """``NO_PROXY``'s entries as httpx reads them (its ``get_environment_proxies`` and ``URLPattern``; urllib's
    ``proxy_bypass`` ignores ports), each as (a scheme, "" for any; a host's pattern, None for any; a port, None for
    any). "example.com" is that host and its subdomains, ".example.com" its subdomains only, an IP address or
    "localhost" that host only, "*" every host; "example.com:8443" those on that port only (a URL's default port is
    no port, as httpx has it), "https://example.com" that host for that scheme only."""
    import ipaddress

    patterns: list[tuple[str, re.Pattern[str] | None, int | None]] = []
    for entry in filter(None, (entry.strip() for entry in value.split(","))):
        if entry == "*":
            return [("", None, None)]
        if "://" not in entry:
            version: int
            try:
                version = ipaddress.ip_address(entry.split("/")[0]).version
            except ValueError:
                version = 0
            if version == 0 and entry.lower() != "localhost":
                entry = f"*{entry}"  # (that host and its subdomains)
            entry = f"all://[{entry}]" if version == 6 else f"all://{entry}"
        url = httpx.URL(entry)  # (httpx.InvalidURL for one httpx cannot read, as httpx raises)
        host = "" if url.host == "*" else url.host
        if host.startswith("*."):
            pattern = f"^.+\\.{re.escape(host[2:])}$"
        elif host.startswith("*"):
            pattern = f"^(.+\\.)?{re.escape(host[1:])}$"
        else:
            pattern = f"^{re.escape(host)}$"
        patterns.append(("" if url.scheme == "all" else url.scheme, re.compile(pattern) if host else None, url.port))
    return patterns


POOL_WAIT_TIMED_OUT = "timed out waiting for a connection from the pool"  # (httpcore's words)


class _PoolTimeout(TimeoutError):
    """No connection in the pool came free within the request's pool timeout (aiohttp then raises its
    ``ConnectionTimeoutError`` from this one: httpx's ``PoolTimeout``)."""


# aiohttp's private methods the connector times (3.10.11 to 3.14 at least): waiting for a free connection, making one
_TIMED_METHODS = ("_wait_for_available_connection", "_create_connection")
# aiohttp's private method every connection leaving use goes through (3.10 to 3.14 at least): where a slot comes free
_RELEASED_METHOD = "_release_acquired"


class _Slots:
    """At most ``limit`` connections in use, given in the order asked for. aiohttp's pool gives a connection put
    back to whichever task asks next, ahead of those waiting (the one woken finds it taken, and waits again): under
    steady load past the limit, a task that had one kept getting it, and the others waited until their timeout (300
    tasks looping on a pool of 100 for 10 s: 200 of them made one call). A slot given back goes straight to the
    first waiting, so a task asking anew queues behind it; aiohttp's own wait is then never reached."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    async def take(self, seconds: float | None) -> None:
        """A slot, waiting at most ``seconds`` for one (``_PoolTimeout``)."""
        import asyncio

        if self.free and not self.waiting:
            self.free -= 1
            return
        given: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(given)
        try:
            async with asyncio.timeout(seconds):
                await given
        except BaseException as exc:
            if given.done() and not given.cancelled() and given.exception() is None:
                self.give()  # (given one as the wait ended: passed on)
            else:
                with contextlib.suppress(ValueError):  # (not there once given: its wait ended as it was)
                    self.waiting.remove(given)
            if isinstance(exc, TimeoutError):
                raise _PoolTimeout(POOL_WAIT_TIMED_OUT) from None
            raise

    def give(self) -> None:
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1

    def close(self, error: Callable[[], Exception]) -> None:
        """The waits end with an ``error()`` each (the connector closed)."""
        while self.waiting:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_exception(error())


@functools.cache
def _connector() -> Any:
    """aiohttp's ``TCPConnector``, keeping at most ``max_idle`` idle connections (httpx's
    ``max_keepalive_connections``: a connection given back beyond those is closed), and timing as httpx does: the
    wait for a free connection (all ``limit`` of them in use) by the pool timeout, raising ``_PoolTimeout``; making
    one (its address looked up, connected, TLS, a proxy's CONNECT) by the connect timeout. aiohttp's own
    ``connect`` timeout bounds both as one, and names both a
    ``ConnectionTimeoutError``. (Made when first needed: aiohttp is not imported with ``timeback``.) The wait is a
    private method of aiohttp's (since 3.10.11); should a later aiohttp not have those two, they are not timed
    (``timed`` is false), the pool timeout given as aiohttp's ``connect`` timeout, as before: a busy pool is then a
    ``ConnectTimeout``, and its wait still bounded. The idle connections are counted in aiohttp's private pool,
    ``_conns``, as its ``_release`` puts one back (3.11 to 3.14 at least); without it, none is closed for that.
    Connections are made with ``Protocol`` through aiohttp's private ``_factory`` (3.11 to 3.14 at least); without
    it, with aiohttp's own, and an answer whose body breaks after its head waits, as on aiohttp itself, until the
    call's deadline or a cancel ends it."""
    import asyncio

    import aiohttp
    from aiohttp.client_proto import ResponseHandler
    from aiohttp.http_exceptions import HttpProcessingError

    class Protocol(ResponseHandler):
        def set_exception(self, exc: BaseException, *args: Any, **kwargs: Any) -> None:
            super().set_exception(exc, *args, **kwargs)
            # An answer's body broken after its head was read (a chunk's size not a number, say): aiohttp (3.14) closes
            # the connection, drops its read timer and tells the connection only: the body's read waited for ever.
            # The body is told too, as of one cut short: httpx's RemoteProtocolError. (On this error only: nothing
            # per chunk read.)
            body = getattr(self, "_payload", None)  # (aiohttp's: renamed, never an AttributeError out of a read)
            if isinstance(exc, HttpProcessingError) and body is not None and not body.is_eof() and not body.exception():
                reason = " ".join(word for word in exc.message.split() if word != "^")  # (aiohttp's spans lines)
                reason = reason or f"{type(exc).__name__} after the answer's head, with no message"
                body.set_exception(aiohttp.ClientPayloadError(f"Response payload is broken: {reason}"))

    class Connector(aiohttp.TCPConnector):
        timed = False

        def __init__(self, *, max_idle: int | None, **options: Any) -> None:
            super().__init__(**options)
            self._max_idle = max_idle
            # (with aiohttp's private methods: its own waits are timed then, and this one is where it waited)
            released = callable(getattr(aiohttp.TCPConnector, _RELEASED_METHOD, None))
            fair = self.timed and options.get("limit") and released
            self._slots = _Slots(options["limit"]) if fair else None
            self._holding: set[Any] = set()  # (the connections in use that hold a slot)
            if hasattr(self, "_factory"):  # (aiohttp's, 3.11 to 3.14 at least: see _connector)
                protocol: type[ResponseHandler] = Protocol
                self._factory = functools.partial(protocol, loop=self._loop)

        async def connect(self, req: Any, traces: Any, timeout: aiohttp.ClientTimeout) -> Any:
            if (slots := self._slots) is None:
                connection = await super().connect(req, traces, timeout)
            else:
                if not slots.free and (acquired := getattr(self, "_acquired", None)) is not None:
                    # (a connection no longer in aiohttp's use whose slot never came back: released around
                    # _release_acquired, as a later aiohttp might. Looked for only when the slots ran out)
                    for lost in [protocol for protocol in self._holding if protocol not in acquired]:
                        self._holding.discard(lost)
                        slots.give()
                await slots.take(_pool_timeout.get())
                try:
                    connection = await super().connect(req, traces, timeout)
                except BaseException:
                    slots.give()
                    raise
                self._holding.add(connection.protocol)
            if (watch := _sending.get()) is not None:
                watch.sending = True
            return connection

        def _release_acquired(self, key: Any, protocol: Any) -> None:
            if self._slots is not None and protocol in self._holding:
                self._holding.discard(protocol)
                self._slots.give()
            super()._release_acquired(key, protocol)

        def close(self, **options: Any) -> Any:
            if self._slots is not None:  # (as aiohttp's close ends its own waits)
                self._slots.close(lambda: aiohttp.ClientConnectionError("Connector is closed."))
            return super().close(**options)

        def _release(self, key: Any, protocol: Any, *, should_close: bool = False) -> None:
            idle = getattr(self, "_conns", None)
            if self._max_idle is not None and idle is not None and sum(map(len, idle.values())) >= self._max_idle:
                should_close = True
            super()._release(key, protocol, should_close=should_close)

    if not all(callable(getattr(aiohttp.TCPConnector, name, None)) for name in _TIMED_METHODS):
        return Connector

    class TimedConnector(Connector):
        timed = True

        async def _wait_for_available_connection(self, *args: Any) -> None:  # (aiohttp>=3.10.11)
            try:
                async with asyncio.timeout(_pool_timeout.get()):
                    await super()._wait_for_available_connection(*args)
            except TimeoutError:
                raise _PoolTimeout(POOL_WAIT_TIMED_OUT) from None
            except asyncio.CancelledError:
                # aiohttp's close cancels the waits for a connection: the task itself was not cancelled, and its
                # call gets what one in flight gets, not a CancelledError it would take for its own
                task = asyncio.current_task()
                if not self.closed or task is None or task.cancelling():
                    raise
                raise aiohttp.ClientConnectionError("Connector is closed.") from None

        async def _create_connection(self, req: Any, traces: Any, timeout: aiohttp.ClientTimeout) -> Any:
            async with asyncio.timeout(timeout.sock_connect):
                return await super()._create_connection(req, traces, timeout)

    return TimedConnector


class _WrittenInTime:
    """A request body given to aiohttp in chunks, each to be written within ``seconds``: the watchdog (entered
    around the request) is set when aiohttp takes a chunk, reset when it takes the next (the one before then
    written), and off once it took the last; expired, it cancels the request (a ``WriteTimeout``). Chunks aiohttp
    takes once the request is done (it answered before the whole body was sent) are not timed."""

    def __init__(self, body: bytes, seconds: float | None) -> None:
        import asyncio

        self.body, self.seconds = body, seconds
        self.watchdog = asyncio.timeout(None)
        self.timing = False  # (while the watchdog's context is entered: rescheduling it is allowed)

    async def __aenter__(self) -> None:
        await self.watchdog.__aenter__()
        self.timing = self.seconds is not None

    async def __aexit__(self, *exc_info: Any) -> None:
        self.timing = False
        await self.watchdog.__aexit__(*exc_info)  # (its TimeoutError, once expired: it suppresses nothing)

    async def __aiter__(self) -> AsyncIterator[memoryview]:
        import asyncio

        loop = asyncio.get_running_loop()
        view = memoryview(self.body)
        for start in range(0, len(view), WRITE_CHUNK_BYTES):
            if self.timing:
                self.watchdog.reschedule(loop.time() + (self.seconds or 0))
            yield view[start : start + WRITE_CHUNK_BYTES]
        if self.timing:
            self.watchdog.reschedule(None)


_UNTIMED = contextlib.nullcontext()


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response, self._request = response, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._response.content.iter_any().__aiter__()
        while True:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except Exception as exc:
                error = _httpx_error(exc, self._request)
            else:
                yield chunk
                continue
            raise error

    async def aclose(self) -> None:
        self._response.release()  # (the connection goes back to the pool once its answer was read whole)


def _headers(request: httpx.Request, proxy: _Proxy | None) -> list[tuple[str, str]]:
    """The headers aiohttp sends. Made here, not kept in a local of ``handle_async_request``: an error reporter
    records the locals of the frames an error passed through, and these hold the bearer token (or on the token
    endpoint the client secret) and a proxy's password as plain strings."""
    encoding = request.headers.encoding  # (multi_items() would lower-case the names: sent as written, as by httpx)
    headers = [(name.decode(encoding), value.decode(encoding)) for name, value in request.headers.raw]
    if proxy and proxy.headers and request.url.scheme == "http":  # (aiohttp puts them in a CONNECT only: for https)
        headers += proxy.headers.items()
    return headers


def _head(response: aiohttp.ClientResponse, request: httpx.Request) -> httpx.Response:
    """``response``'s head (status and headers), as httpx's: of an answer whose body was cut short."""
    return httpx.Response(response.status, headers=response.raw_headers, request=request)


def _httpx_error(exc: Exception, request: httpx.Request) -> Exception:
    """The httpx error for what aiohttp raised, by what it means; any other error as it is. It is raised outside
    the ``except`` that caught aiohttp's, so that one is not chained: it holds the request's headers, the bearer
    token among them. An OS error's number and reason are kept (the SDK quotes them: "Connection refused")."""
    import asyncio
    import socket
    import ssl

    import aiohttp

    if not isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError):
        return exc
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # (connecting, or waiting for a pooled connection)
        kind = httpx.PoolTimeout if isinstance(exc.__cause__, _PoolTimeout) else httpx.ConnectTimeout
    elif isinstance(exc, asyncio.TimeoutError):  # (aiohttp's read timeout; any other, as a timeout)
        kind = httpx.ReadTimeout if isinstance(exc, aiohttp.ServerTimeoutError) else httpx.TimeoutException
    elif isinstance(exc, aiohttp.ClientConnectorError) or _connector_closed(exc):
        kind = httpx.ConnectError  # (no connection: nothing of the request reached the server)
    elif isinstance(exc, aiohttp.ClientHttpProxyError):  # (a ClientResponseError: checked first)
        kind = httpx.ProxyError  # (the proxy refused the tunnel: nothing of the request was sent, as httpx has it)
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        kind = httpx.RemoteProtocolError  # (the server hung up, or answered what is not HTTP)
    elif isinstance(exc, aiohttp.ClientPayloadError):
        kind = httpx.RemoteProtocolError  # (an answer cut short of its length, or its chunks broken: h11's error)
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    elif isinstance(exc, aiohttp.ClientOSError):
        # (a reset connection, say; writing the body too: httpcore then reads the answer, and its error is a read's)
        kind = httpx.ReadError
    else:
        kind = httpx.TransportError
    text = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # (httpcore's text: its own names the proxy's URL)
        text = f"{exc.status} {exc.message}"
    error = kind(text, request=request)
    reason = getattr(exc, "certificate_error", None) or getattr(exc, "os_error", None) or exc
    if isinstance(reason, OSError):  # (TLS's own kept as TLS's: its errno is OpenSSL's, its reason is the text;
        # and its kind, a certificate refused, which the SDK does not retry; a name not found kept as one too)
        kind_of = type(reason) if isinstance(reason, ssl.SSLError | socket.gaierror) else OSError
        error.__cause__ = kind_of(reason.errno, reason.strerror)
    return error


def _connector_closed(exc: Exception) -> bool:
    """aiohttp's "Connector is closed." (a plain ``ClientConnectionError``): raised to a request the close found
    waiting for a connection, or whose new connection it closed, before a byte of it was sent. Not a
    ``TransportError``: that the SDK takes for an attempt the server may have handled, and reads a create back."""
    import aiohttp

    return type(exc) is aiohttp.ClientConnectionError and str(exc).startswith("Connector is closed")
