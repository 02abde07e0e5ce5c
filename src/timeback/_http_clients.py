"""The httpx clients the SDK makes (``DefaultHttpxClient``, ``DefaultAsyncHttpxClient``) and their plumbing.

Loopback hosts reached whatever proxy the environment names (``direct_to_loopback``), one TLS context per process
(``shared_tls_context``), https:// proxies verified by the client's ``verify=`` (``verified_proxy``), no cookie jar
work for answers that set no cookie (``with_cookies_when_set``), which of a caller's http client's headers are sent
(``callers_headers``), httpcore's pools as the SDK reaches into them (``_httpcore_pool``; a sync client closed
without closing a socket under a thread reading it: ``_close_waking_readers``), and what the SDK's own connections
write at once and hold (``writes_now``). Apart from the request engine
(``_base_client``), which sends through them, so that the backends and ``DefaultAioHttpClient`` take them without it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import socket
import ssl
import sys
import threading
import weakref
from collections.abc import Iterator
from typing import Any, TypeVar, cast

import httpx

from timeback._config import DEFAULT_LIMITS, OWN_HEADERS, ClientConfig, is_loopback
from timeback.errors import ConfigurationError

__all__ = ["DefaultAsyncHttpxClient", "DefaultHttpxClient"]

ClientT = TypeVar("ClientT", httpx.Client, httpx.AsyncClient)

# The TLS contexts of the SDK's own http clients, one per process for what httpx reads to make its default (see
# shared_tls_context): each client made its own, loading certifi's CA bundle, 20-120 ms per Timeback() and per event
# loop of an AsyncTimeback.
# (SSL_CERT_FILE, SSL_CERT_DIR, http2) -> (the state of the files read, the context made from them)
_tls_contexts: dict[tuple[str | None, str | None, bool], tuple[object, ssl.SSLContext]] = {}
_tls_contexts_lock = threading.Lock()  # (made anew in a child process after fork(): ``_base_client``'s at-fork hook)


def direct_to_loopback(config: ClientConfig) -> dict[str, Any]:
    """The arguments of the SDK's own httpx client for proxies: its base and token URLs on a loopback host (a local
    server) are reached directly, whatever proxy the environment names (HTTP_PROXY, ALL_PROXY: many company machines
    set one with no NO_PROXY for 127.0.0.1), as Go's clients do: a proxy's loopback is not this machine's. (A mount
    of None is httpx's own transport, the proxies' mounts being less specific.) When both are, no proxy is read at
    all: httpx makes every proxy's transport with the client, and a SOCKS one without httpx[socks] raised its
    ImportError then. (``trust_env`` also reads SSL_CERT_FILE and SSL_CERT_DIR: the TLS context is made as httpx
    makes it with ``trust_env``, reading them.)"""
    hosts = [httpx.URL(url).host for url in (config.base_url, config.token_url)]
    if all(is_loopback(host) for host in hosts):
        return {"trust_env": False, "verify": shared_tls_context(trust_env=True)}
    direct = {f"all://[{host}]" if ":" in host else f"all://{host}" for host in hosts if is_loopback(host)}
    return {"mounts": dict.fromkeys(direct)}


class _CookiesWhenSet(httpx.Cookies):
    """httpx's cookies, that skip a response with no ``Set-Cookie``: httpx builds urllib's request and response
    wrappers for every response to hand them to the jar, about 90 us of CPU per call here (8% of an async call on
    httpx, 12% on aiohttp). The jar's policy reads nothing else by default (RFC 2965's ``Set-Cookie2`` is off)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers or "set-cookie2" in response.headers:
            super().extract_cookies(response)


def with_cookies_when_set(client: ClientT) -> ClientT:
    """``client`` (one the SDK made) with its cookie jar in ``_CookiesWhenSet``. Setting ``client.cookies`` later
    puts back httpx's own, which is only slower."""
    cookies = getattr(client, "_cookies", None)  # (httpx's own attribute: if it is gone, nothing changes)
    if type(cookies) is httpx.Cookies:
        client._cookies = _CookiesWhenSet(cookies.jar)  # (the same jar)
    return client


# Mounts reaching loopback hosts directly (None: the client's own transport), by every name httpx can match: a client
# passed in knows no base URL (for the SDK's own, direct_to_loopback names its URLs' hosts).
LOOPBACK_DIRECT: dict[str, None] = {"all://127.0.0.1": None, "all://localhost": None, "all://[::1]": None}


def shared_tls_context(*, trust_env: bool, http2: bool = False) -> ssl.SSLContext:
    """The TLS context httpx makes for ``verify=True`` (``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` with ``trust_env``, else
    certifi's bundle), made on first use and shared by the clients that would make the same one: by those variables'
    values, read each time, and by ``http2`` (httpcore sets the context's ALPN protocols as it connects, ``h2`` too
    for an HTTP/2 client, which an HTTP/1.1 client must not offer). Made again once the file or folder it read
    changed (a CA bundle replaced in place, as httpx's own per-client contexts would see it: a few us per client)."""
    where = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")) if trust_env else (None, None)
    key = (*where, http2)
    state = _file_state(where[0] or where[1] or _certifi_bundle())  # (as httpx reads them: the file first)
    with _tls_contexts_lock:
        known = _tls_contexts.get(key)
        if known is None or known[0] != state:
            try:
                known = _tls_contexts[key] = (state, httpx.create_ssl_context(trust_env=trust_env))
            except OSError as error:  # (ssl.SSLError too: a file holding no certificate)
                if not (where[0] or where[1]):
                    raise
                # (a bare FileNotFoundError, naming neither the variable nor the path)
                name, path = ("SSL_CERT_FILE", where[0]) if where[0] else ("SSL_CERT_DIR", where[1])
                raise ConfigurationError(
                    f"{name} names {path!r}, which cannot be read as CA certificates: {error.strerror or error}",
                    (name,),
                ) from None
        return known[1]


def _certifi_bundle() -> str:
    import certifi  # (httpx's dependency, imported with it)

    return certifi.where()


def _file_state(path: str | None) -> object:
    """What tells a file or folder changed: its inode, size and modification time (None: no such path)."""
    if not path:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def with_shared_tls(kwargs: dict[str, Any]) -> None:
    """Sets an http client's ``verify`` to the ``shared_tls_context`` unless given; not with a ``cert=``, which httpx
    loads into the context (the caller's own, then)."""
    if "verify" not in kwargs and not kwargs.get("cert"):
        kwargs["verify"] = shared_tls_context(trust_env=kwargs.get("trust_env", True), http2=kwargs.get("http2", False))


def _proxy_tls(kwargs: dict[str, Any]) -> ssl.SSLContext | None:
    """The TLS context an http client made with ``kwargs`` (as the caller gave them) verifies an https:// proxy with:
    its ``verify=``, as it verifies its hosts and as DefaultAioHttpClient's own transport verifies a proxy (httpx
    verifies one with httpcore's default context, the system's CAs and certifi's, whatever ``verify=`` says). None,
    that default, without a ``verify=``; and with ``http2``: httpcore sets the ALPN of a proxy's context to HTTP/1.1
    as it connects, which a context shared with HTTP/2 connections must not get."""
    verify = kwargs.get("verify")
    if verify is None or kwargs.get("http2"):
        return None
    if isinstance(verify, ssl.SSLContext):
        return verify
    trust_env = kwargs.get("trust_env", True)
    if verify is True:
        return shared_tls_context(trust_env=trust_env)
    return httpx.create_ssl_context(verify, None, trust_env)  # (False; or a CA file's path, which httpx deprecates)


def verified_proxy(proxy: Any, kwargs: dict[str, Any]) -> Any:
    """``proxy`` (an http client's ``proxy=``, or a proxy's URL) verified with ``_proxy_tls(kwargs)`` if an https://
    one given no TLS context of its own; any other as it is."""
    proxy = httpx.Proxy(proxy) if isinstance(proxy, (str, httpx.URL)) else proxy
    if not isinstance(proxy, httpx.Proxy) or proxy.url.scheme != "https" or proxy.ssl_context is not None:
        return proxy
    context = _proxy_tls(kwargs)
    if context is None:
        return proxy
    return httpx.Proxy(proxy.url, ssl_context=context, auth=proxy.auth, headers=proxy.headers)


def _verified_mounts(
    named: dict[str, str], kwargs: dict[str, Any], transport: type[httpx.HTTPTransport] | type[httpx.AsyncHTTPTransport]
) -> dict[str, Any]:
    """Mounts for the https:// proxies the environment ``named`` (urllib's ``getproxies()``), each verified by the
    client's ``verify=`` (``verified_proxy``), made as httpx makes its own, which they replace by the same keys (its
    NO_PROXY ones, more specific, still apply). None without a ``verify=``, or with ``NO_PROXY=*`` (no proxy)."""
    context = _proxy_tls(kwargs)
    if context is None or "*" in (host.strip() for host in named.get("no", "").split(",")):
        return {}
    options = ("verify", "cert", "trust_env", "http1", "http2", "limits")
    made_with = {name: kwargs[name] for name in options if name in kwargs}
    if not kwargs.get("cert"):  # (that context for the servers too, not a CA bundle loaded again per mount, 20-40
        made_with["verify"] = context  # ms each; but a cert= httpx loads into the context given: the caller's own)
    return {
        f"{scheme}://": transport(**made_with, proxy=verified_proxy(named[scheme], {"verify": context}))
        for scheme in ("http", "https", "all")
        if named.get(scheme, "").lower().startswith("https://")
    }


def _defaults(
    kwargs: dict[str, Any], transport: type[httpx.HTTPTransport] | type[httpx.AsyncHTTPTransport]
) -> dict[str, Any]:
    """The arguments of a ``DefaultHttpxClient`` / ``DefaultAsyncHttpxClient``, their defaults added: the SDK's pool,
    and loopback hosts reached directly when the environment names a proxy httpx would use (``trust_env``, and no
    ``proxy=``, ``mounts=`` or ``transport=``, which are the caller's choice); a ``verify=`` given verifies the
    https:// proxies too (``_proxy_tls``), ``proxy=``'s and the environment's (mounts of ``transport``)."""
    kwargs.setdefault("limits", DEFAULT_LIMITS)
    if kwargs.get("proxy"):  # (before with_shared_tls: the verify= given, if any)
        kwargs["proxy"] = verified_proxy(kwargs["proxy"], kwargs)
    own_proxies = any(kwargs.get(name) for name in ("proxy", "mounts", "transport"))
    if kwargs.get("trust_env", True) and not own_proxies:
        import urllib.request  # (httpx reads the same; imported with it)

        named = urllib.request.getproxies()
        if any(named.get(scheme) for scheme in ("http", "https", "all")):
            kwargs["mounts"] = {**LOOPBACK_DIRECT, **_verified_mounts(named, kwargs, transport)}
    with_shared_tls(kwargs)
    return kwargs


class DefaultHttpxClient(httpx.Client):
    """An ``httpx.Client`` as ``Timeback`` makes its own: a pool of up to 100 connections, all kept between calls
    (``DEFAULT_LIMITS``; ``limits=`` to choose), no cookie jar work for answers that set no cookie, and loopback hosts
    (``127.0.0.1``, ``localhost``, ``::1``: a local server) reached directly whatever proxy the environment names
    (``HTTP_PROXY``, ``ALL_PROXY``...), as ``direct_to_loopback`` does for the SDK's own; not when a ``proxy=``,
    ``mounts=`` or ``transport=`` is given; unless given ``verify=`` (or ``cert=``), one TLS context per process,
    made as httpx makes its own (``shared_tls_context``: httpx made one per client, 20-120 ms loading certifi's CA
    bundle); a ``verify=`` given verifies an https:// proxy too (``_proxy_tls``); the connections of the transports it
    makes (not a ``transport=`` or ``mounts=`` given) give each read and write of a ``Timeback`` attempt what is left
    of its deadline (``bounded_by_attempts``), and send a request's head with a short body in one write
    (``writes_now``). It takes ``httpx.Client``'s arguments: pass one for a proxy, event hooks or certificates
    without losing those; its ``timeout=`` is the ``Timeback``'s when that is given none. (A plain ``httpx.Client``
    keeps 20 idle connections and wraps every answer for urllib's cookie jar, about 90 us of CPU per call; 16 async
    clients PUTting single results spent ~10% more CPU per call through one.)"""

    def __init__(self, **kwargs: Any) -> None:
        given = _given_transports(kwargs)
        super().__init__(**_defaults(kwargs, httpx.HTTPTransport))
        remember_timeout(self, kwargs)
        with_cookies_when_set(self)
        from timeback._sync_backend import bounded_by_attempts

        for transport in _own_transports(self, given):
            bounded_by_attempts(transport)


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """As ``DefaultHttpxClient``, for ``AsyncTimeback``; under asyncio, the connections of the transports it makes
    (not a ``transport=`` or ``mounts=`` given) to an ``http://`` origin (a local server; not through a proxy) run on
    asyncio's own streams, not httpcore's default anyio ones (``AsyncioBackend``): a single-result PUT through it
    ~920 -> ~725 us of CPU here, through ``AsyncTimeback.put_result`` ~1,030-1,060 -> ~885-905 us; a request's head
    goes out with a short body in one write there (``writes_now``). TLS connections stay on httpcore's (see
    ``on_asyncio_streams``); under trio, all do."""

    def __init__(self, **kwargs: Any) -> None:
        given = _given_transports(kwargs)
        super().__init__(**_defaults(kwargs, httpx.AsyncHTTPTransport))
        remember_timeout(self, kwargs)
        with_cookies_when_set(self)
        from timeback._asyncio_backend import on_asyncio_streams

        for transport in _own_transports(self, given):
            on_asyncio_streams(transport)


def remember_timeout(client: httpx.Client | httpx.AsyncClient, kwargs: dict[str, Any]) -> None:
    """Mark a ``Default*Client`` given a ``timeout=`` (None too: httpx's "no limit"), so that a ``Timeback`` given
    none takes its timeout (``given_timeout``): it was silently replaced by the SDK's, though these clients take
    httpx's arguments. (A plain httpx client's is not read: its default of 5 s, never chosen, would cut long calls.)"""
    client._timeback_timeout_given = "timeout" in kwargs  # type: ignore[union-attr]


def given_timeout(http_client: object) -> httpx.Timeout | None:
    """The timeout of a ``Default*Client`` given one (``remember_timeout``), as it is now; else None."""
    if not getattr(http_client, "_timeback_timeout_given", False):
        return None
    return cast(httpx.Timeout, http_client.timeout)  # type: ignore[attr-defined]


def _given_transports(kwargs: dict[str, Any]) -> list[object]:
    """The transports a caller gave a ``DefaultHttpxClient`` / ``DefaultAsyncHttpxClient`` (``transport=``,
    ``mounts=``): theirs, left alone."""
    return [kwargs.get("transport"), *(kwargs.get("mounts") or {}).values()]


def _own_transports(client: httpx.Client | httpx.AsyncClient, given: list[object]) -> Iterator[object]:
    """The transports ``client`` made itself (its own, its proxies', the environment's), not one ``given``."""
    for transport in (getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()):
        if not any(transport is theirs for theirs in given):
            yield transport


def callers_headers(headers: httpx.Headers) -> dict[str, bytes]:
    """Of a caller's http client's ``headers``, those to send with each request the SDK makes through it, the token
    request too (httpx's ``build_request`` would add them; the SDK builds its requests itself): all but the
    ``OWN_HEADERS``, and those a fresh httpx client has with the same value (``Accept-Encoding``, ``Connection``),
    which the SDK never sent (``Accept-Encoding: gzip`` would have the server compress its answers). Values stay the
    bytes httpx holds: a value set as UTF-8 bytes has no ASCII text, and httpx sends it as it is."""
    defaults = _httpx_defaults()
    chosen: dict[str, bytes] = {}
    for raw_name, value in headers.raw:
        name = raw_name.lower()
        if name.decode("latin-1") in OWN_HEADERS or (name, value) in defaults:
            continue
        key = raw_name.decode("latin-1")  # (as the caller wrote it)
        chosen[key] = chosen[key] + b", " + value if key in chosen else value
    return chosen


@functools.cache
def _httpx_defaults() -> frozenset[tuple[bytes, bytes]]:
    """The headers every httpx client has unless told otherwise (lowercased names): read from one, for this httpx."""
    with httpx.Client(transport=httpx.BaseTransport(), trust_env=False) as fresh:
        return frozenset((name.lower(), value) for name, value in fresh.headers.raw)


# httpcore writes an HTTP/1.1 request's head, then its body: two sends, the server woken for each. A head announcing
# a body of a length is held for it (``writes_now``), and the two joined if the body is at most this long (a longer
# one goes on its own: joining would copy it to save one send).
JOINED_BODY_BYTES = 64 * 1024
Write = tuple[bytes, float | None]  # (bytes to write, and the timeout httpcore gave their write)
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:", re.IGNORECASE)


def writes_now(
    held: Write | None, buffer: bytes, timeout: float | None, can_hold: bool
) -> tuple[list[Write], Write | None]:
    """What a connection of the SDK's own writes now, and holds, when httpcore writes ``buffer`` with ``held``
    held. Only an HTTP/1.1 request's head announcing a body of a length (``Content-Length``) is held, if
    ``can_hold``: httpcore writes that body next, whole, or closes the connection. Anything else goes as it comes: a
    head without a body, a chunked body's (a caller's stream: its first chunk may be long in coming), HTTP/2's
    frames, what a caller writes to an upgraded connection (``network_stream``: no read may follow, or another task's
    may be under way). What is held goes before the connection is read (a ``Content-Length`` of 0: no body write)."""
    if held is None:
        if can_hold and _announces_a_body(buffer):
            return [], (buffer, timeout)
        return [(buffer, timeout)], None
    if len(buffer) <= JOINED_BODY_BYTES:
        return [(held[0] + buffer, timeout)], None
    return [held, (buffer, timeout)], None


def _announces_a_body(buffer: bytes) -> bool:
    """Whether ``buffer`` is an HTTP/1.1 request's head (h11 writes one whole) with a ``Content-Length``."""
    line_end = buffer.find(b"\r\n")
    return (
        buffer.endswith(b"\r\n\r\n")
        and buffer.endswith(b" HTTP/1.1", 0, line_end)
        and _CONTENT_LENGTH.search(buffer, line_end) is not None
    )


def _httpcore_pool(transport: object, kind: str) -> Any:
    """The httpcore pool of ``transport``, one of httpx's own (``_pool``), if an instance of httpcore's ``kind``
    (``ConnectionPool`` or ``AsyncConnectionPool``, a proxy's too); else None: another transport, or httpcore not
    loaded (as on DefaultAioHttpClient, which must not load it on a cancel: 90 ms of imports on the loop, trio's when
    installed). The callers use its internals: each leaves alone a pool without them (another httpcore's)."""
    httpcore = sys.modules.get("httpcore")
    pool = getattr(transport, "_pool", None)
    return pool if httpcore is not None and isinstance(pool, getattr(httpcore, kind)) else None


def _close_waking_readers(http: httpx.Client) -> None:
    """``http.close()``, without closing a socket under a thread blocked reading it. httpcore 1.0.9 closes every
    socket of its pool: that read goes on waiting on the socket's number, and once the process opens anything (a
    socket, a pipe, a file) the number is reused and the answer never wakes it: the call waited its whole read timeout
    and ended as a timeout. So httpx's pools are never closed whole: the client is marked closed first (no send starts
    from then on; httpx marks it inside its close, and a send let in meanwhile took a connection closed under it), then
    each pool lets its connections go (``_let_go``), then a transport subclass's own ``close()`` is called. Another
    transport is closed as httpx closes it; a client subclass's own ``close()`` is called after (httpx's part of it
    finds the client closed). A close cut short (a KeyboardInterrupt) is done again by the next. On an httpx without
    these attributes, ``http.close()``."""
    try:
        from httpx._client import ClientState

        was_closed = http._state is ClientState.CLOSED and http not in _closes_cut_short
    except (ImportError, AttributeError):  # (another httpx)
        was_closed = None
    if was_closed is None:
        http.close()
        return
    _closes_cut_short.add(http)  # (until done: httpx's mark, set first, said closed to a close after an interrupt)
    http._state = ClientState.CLOSED
    for transport in (http._transport, *http._mounts.values()):
        if transport is None:  # (a mount of None: no transport for its URLs)
            continue
        pool = _httpcore_pool(transport, "ConnectionPool")
        if pool is not None and _let_go(pool):
            if not was_closed and type(transport).close is not httpx.HTTPTransport.close:
                _closed_but_its_pool(transport, pool)
        elif not was_closed:
            transport.close()
    http._state = ClientState.CLOSED  # (again: a send past httpx's check meanwhile marked it open)
    if not was_closed and type(http).close is not httpx.Client.close:
        http.close()
    _closes_cut_short.discard(http)


_closes_cut_short: weakref.WeakSet[httpx.Client] = weakref.WeakSet()  # (see _close_waking_readers)


def _closed_but_its_pool(transport: httpx.BaseTransport, pool: Any) -> None:
    """A transport subclass's own ``close()`` (for what else it holds), its ``pool``, let go, not closed: httpx's
    part of it closes the pool, the connections a request holds under their readers."""
    pool.close = lambda: None  # (for this call only: httpx's HTTPTransport.close is ``self._pool.close()``)
    try:
        transport.close()
    finally:
        del pool.close


def _let_go(pool: Any) -> bool:
    """Closes the connections of an httpcore ``pool`` that no request holds, and shuts down the sockets of those one
    does, left in the pool: each reader wakes to an end of file at once and closes its socket in its own thread (no
    number freed under it). None is kept idle from now on: one let go later (a request connecting at the close, or
    one whose answer was read before the shutdown) is closed by the thread letting it go. False for a pool without
    these attributes (another httpcore's), left as it was."""
    try:
        with pool._optional_thread_lock:
            held = {id(request.connection) for request in pool._requests}
            free = [connection for connection in pool._connections if id(connection) not in held]
            kept = [connection for connection in pool._connections if id(connection) in held]
            sockets = [_socket_of(connection) for connection in kept]  # (before the pool is changed, should one fail)
            pool._max_keepalive_connections = 0
            pool._connections[:] = kept
            for sock in sockets:
                if sock is not None:
                    with contextlib.suppress(OSError):  # (no longer connected: the server closed it meanwhile, say)
                        sock.shutdown(socket.SHUT_RDWR)
    except AttributeError:
        return False
    closed = 0
    try:
        for connection in free:
            connection.close()
            closed += 1
    finally:
        if closed < len(free):  # (cut short, by a KeyboardInterrupt say: the rest back in the pool, for another close)
            with pool._optional_thread_lock:
                pool._connections.extend(free[closed:])
    return True


def _socket_of(connection: object) -> socket.socket | None:
    """The socket under an httpcore ``connection`` (through a proxy's tunnel too), if it has one yet; None for a
    stream that does not tell it (another httpcore's)."""
    while (inner := getattr(connection, "_connection", None)) is not None:
        connection = inner
    extra_info = getattr(getattr(connection, "_network_stream", None), "get_extra_info", None)
    sock = None if extra_info is None else extra_info("socket")
    return sock if isinstance(sock, socket.socket) else None
