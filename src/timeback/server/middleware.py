"""ASGI middleware: request ids and server timing on every answer, sourcedIds that contain slashes, and the
headers of the reverse proxies trusted."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import logging
import re
import secrets
import time
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote, quote_from_bytes, unquote

from starlette.datastructures import URL
from starlette.types import Message
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from timeback.server.access_log import REQUEST_ID
from timeback.server.errors import ApiError, error_response
from timeback.server.faults import cut_answer

log = logging.getLogger("timeback.server")

# uvicorn cancels the requests still running when the grace of a stop (``LocalServer.stop()``, SIGTERM) is over.
# Those whose write reached storage are not answered so (``WRITE_BEGUN``): their connection is cut.
SHUTTING_DOWN = ApiError(
    # (nothing was: said so, where "may not have been" had a raw-HTTP client read back or guess)
    503, "The server is shutting down; nothing of this request was carried out: send it again once the server is back.",
    code_minor="server_busy", headers={"Connection": "close"},
)  # fmt: skip

# Set in the request's task once its write has gone to storage (``lane.OperationLane._write``): in a worker thread,
# the write goes on when the request is cancelled, and commits as the server stops. Such a request is not answered
# ``SHUTTING_DOWN`` (nothing done, says its code ``server_busy``; the SDK counted the records failed, or sent a POST
# again and stored it twice): its connection is cut, an answer lost, which the client reads back.
WRITE_BEGUN: ContextVar[bool] = ContextVar("timeback_write_begun", default=False)


# What a caller's id may hold: visible ASCII but quotes and backslashes. It goes into the access log's line as sent,
# where a space, tab or quote could forge the line's fields (``a<TAB>b 200 OK "GET /admin``).
_ID_CHARACTERS = bytes(c for c in range(ord("!"), ord("~") + 1) if c not in b'"\\')


class RequestIdMiddleware:
    """Adds ``X-Request-Id`` to every answer (the caller's own, when it sent a sane one: up to 64 of
    ``_ID_CHARACTERS``), and ``Server-Timing``: ``app;dur=`` the milliseconds from the request reaching the app to
    its answer starting (what the server itself spent, queueing for the event loop included; what a client measures
    beyond that is the network and itself).

    The id is ``REQUEST_ID`` while the request is served, for its log lines (the access log's, its errors').

    Made ids are 32 hex digits, as a uuid4's were: a random prefix per server plus a counter (a uuid4 per request
    read the OS's random source every time).

    A request cancelled by the server stopping, before its answer started, is answered ``SHUTTING_DOWN`` (uvicorn
    answered it a plain-text 500 and logged a traceback); one whose answer had started, or whose write had begun
    (``WRITE_BEGUN``), is cut."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._prefix = secrets.token_hex(8)
        self._counter = itertools.count(1)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id" and 0 < len(value) <= 64 and not value.translate(None, _ID_CHARACTERS):
                request_id = value.decode()
        request_id = request_id or f"{self._prefix}{next(self._counter):016x}"
        started = time.perf_counter()

        answered = False

        async def send_with_id(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                timing = f"app;dur={(time.perf_counter() - started) * 1000:.3f}".encode()
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode()),
                                      (b"server-timing", timing)]  # fmt: skip
            await send(message)

        token = REQUEST_ID.set(request_id)
        # (a pipelined request's task is made in the previous one's, a copy of its context; httpx's ASGITransport
        # serves each request in its caller's)
        WRITE_BEGUN.set(False)
        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            if answered:
                raise
            if WRITE_BEGUN.get():
                log.warning("the server stopped while a write was being stored: its answer cut, it may be stored "
                            "(request_id=%s)", request_id)  # fmt: skip
                await cut_answer(send_with_id)  # (the task ends here: not raised on)
            else:
                await error_response(SHUTTING_DOWN)(scope, receive, send_with_id)  # (likewise)
        # (kept on an exception: uvicorn logs it after, in this request's own task, where the id still names it)
        REQUEST_ID.reset(token)


ENCODED_SLASH = "\uffff"  # a Unicode noncharacter: stands in for %2F inside a path segment while routing


# What a URI's path holds as it is (RFC 3986 section 3.3: pchar and "/"), and "%" for the escapes sent, kept as sent;
# but ";" and ",", escaped: a Link header's parsers (httpx's, requests') cut an entry at ";" and the header at ",".
_PATH_CHARACTERS = "/%!$&'()*+=:@-._~"


def url_as_sent(scope: dict[str, Any]) -> str:
    """The request's URL without its query, its path as the client sent it with ``%2F`` kept (not the routing path
    with ``ENCODED_SLASH`` in it), and percent-encoded where it holds what no URI holds: sent as is, ``>`` or ``"``
    ended the Link header's ``<...>`` early (a header carries only latin-1 besides)."""
    url = URL(scope=scope).replace(query="")
    raw = scope.get("raw_path")
    if raw:
        path = raw.split(b"?", 1)[0]
        if b"%" in path:  # (a "%" that starts no escape, "a%zz", is one as a URI holds it: "%25")
            path = _NOT_AN_ESCAPE.sub(b"%25", path)
        url = url.replace(path=quote_from_bytes(path, safe=_PATH_CHARACTERS))
    return str(url)


def root_url(scope: dict[str, Any]) -> str:
    """The server's root as the request reached it, as ``url_as_sent`` takes it (the scheme and host a trusted
    proxy's headers give, the ``root_path``): ``https://school.example/oneroster``, what the ``href`` of a record
    on this server starts with."""
    root = scope.get("root_path", "")
    return str(URL(scope=scope).replace(path=quote(root, safe=_PATH_CHARACTERS), query="")).removesuffix("/")


_NOT_AN_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


class EncodedSlashMiddleware:
    """Keeps ``%2F`` inside a path segment (a sourcedId with a slash) from splitting the segment.

    ASGI servers decode the path before routing, so ``/results/a%2Fb`` would route as ``/results/a/b``. Routing
    on a path where encoded slashes stand as ``ENCODED_SLASH`` keeps the segment whole; the routes turn it back.
    Without the scope's ``raw_path`` (optional in ASGI; uvicorn sends it) the ``%2F`` is gone before the app sees
    it: such a path routes as two segments.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        raw = scope.get("raw_path")
        if scope["type"] == "http" and raw and b"%2f" in raw.lower():
            path = raw.split(b"?", 1)[0].decode("latin-1")
            scope = {**scope, "path": unquote(path.replace("%2F", "%EF%BF%BF").replace("%2f", "%EF%BF%BF"))}
        await self.app(scope, receive, send)


class ForwardedHeadersMiddleware(ProxyHeadersMiddleware):
    """uvicorn's proxy headers (X-Forwarded-Proto and -For from the proxies ``trusted_hosts`` names), and from those
    same proxies X-Forwarded-Host's first value (the host the client asked the first proxy for), if a ``host[:port]``,
    as the request's ``Host``, which the ``Link`` headers' URLs are built from. uvicorn reads no X-Forwarded-Host:
    behind nginx's default ``proxy_set_header Host $proxy_host`` the links named the upstream,
    ``http://127.0.0.1:8000/...``."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        peer = scope.get("client")  # (before X-Forwarded-For's client takes its place)
        # (no peer, a unix socket's: trusted by "*" alone, as uvicorn trusts -Proto and -For)
        if scope["type"] == "http" and (peer[0] if peer else None) in self.trusted_hosts:
            forwarded = next((value for name, value in scope["headers"] if name == b"x-forwarded-host"), b"")
            host = forwarded.split(b",", 1)[0].strip()
            if _is_host(host):
                scope["headers"] = [(name, value) for name, value in scope["headers"] if name != b"host"]
                scope["headers"].append((b"host", host))
        await super().__call__(scope, receive, send)


# A host[:port] as a URL's authority holds one: a name or an address (IPv6 bracketed), a port of up to 5 digits.
# Anything else (``evil.com/x``, ``user@evil.com``, ``x:notaport``) would have replaced a valid Host with one Starlette
# refuses, which it takes the socket's address for (the Link headers named 127.0.0.1:8000), or, where it takes any,
# changed the links' path.
_HOST = re.compile(rb"([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?")


def _is_host(value: bytes) -> bool:
    host = _HOST.fullmatch(value)
    if host is None or int(host[2] or 0) > 65535:
        return False
    if host[1].startswith(b"["):  # (an IPv6 address's characters are not one: ``[::::]`` Starlette took as no host)
        try:
            ipaddress.IPv6Address(host[1][1:-1].decode())
        except ValueError:
            return False
    return True
