"""uvicorn's httptools protocol with bounds on the request head (its line and headers): its size and its time.

httptools has no size limit: the server kept whatever a client sent before the blank line (a 200 MB header took
400 MB, a long URL time quadratic in its length) and waited for more. Past ``MAX_HEAD_BYTES`` the answer is 431 and
the connection is closed. (uvicorn's h11 protocol has a limit of its own; httptools is the one the ``server`` extra
installs and uvicorn picks.) Nor does uvicorn limit the time a head takes (its keep-alive timeout ends with the
first byte): a connection that sent nothing, or half a head, was held for good, and enough of them took every
socket the server may open. A head must arrive within ``HEAD_TIMEOUT_SECONDS`` of the server waiting for it
(the connection made, or the previous answer sent and its request's body read): else 408, or, nothing sent,
the connection just closed.

An answer sent before its request's body has all come (a 401, 403, 404 or 405 answered from the head) keeps the
connection while the rest of the body is read and dropped (uvicorn drops a body whose answer has gone), for at most
``DRAIN_SECONDS`` from the answer: the body come by then, the connection carries on as after any request; not, it
is closed (a client trickling the body held the connection, uvicorn's keep-alive timer reset by every byte). This
is nginx's lingering close: closed at once while the client is still sending, the connection is reset (TCP RST),
and a client may lose the answer unread in its receive buffer (RFC 9112 section 9.6; Windows does). An answer that
says ``Connection: close`` before its body has all come (413 for a body too large, 408 for one stalled) is followed
by the server's half of the close (FIN), then what the client still sends is dropped, unparsed, until it closes
too, for at most ``DRAIN_SECONDS``. Closed at once, httpx's async client lost the 413 to the reset and reported a
connection error, retried the body and said the records might be stored.

A request asking to upgrade the connection (``Connection: Upgrade`` with ``Upgrade: h2c``, as curl --http2 sends on
http://) is answered as HTTP/1.1, the upgrade ignored (RFC 9110 section 7.8): httptools ends such a request with its
head, and uvicorn, with no protocol to upgrade to, ran it with no body, dropped the bytes after the head and warned
that no WebSocket library was installed. Its head is parsed again without the ``Upgrade`` header, and what followed
it. CONNECT (a tunnel, asked of a proxy) is 501. So is a method httptools does not know, and a URL longer than it
takes 414, where uvicorn answered both 400, their reason dropped.

A client that closes its end for writing once its requests are sent (``shutdown(SHUT_WR)``) still has them answered,
then the connection is closed; uvicorn closed it at once, the requests run and their answers lost. A client that
stops reading its answers has its connection dropped after ``SEND_TIMEOUT_SECONDS`` without progress. What an answer
writes once the connection is closing (the client gone) is dropped, as asyncio's loop does: uvloop's raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import re
import sys
import uuid
from typing import Any

from httptools import (
    HttpParserCallbackError,
    HttpParserInvalidMethodError,
    HttpParserInvalidURLError,
    HttpRequestParser,
)
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from timeback.server.errors import imsx_body

# Room for the longest URL the server takes (httptools refuses one over 64 KB, and httpx sends none longer) and as
# much again of headers; proxies commonly take 8-16 KB in all.
MAX_HEAD_BYTES = 128 * 1024
# A head comes in one or two packets; this is room for a slow network, and far too long for holding sockets to pay.
HEAD_TIMEOUT_SECONDS = 20.0
# How long an idle kept-alive connection stays open: longer than clients keep one for reuse (httpx's and so the
# SDK's default, 5 s, was uvicorn's too: a call sent as the server closed its connection failed, at idle gaps of
# 4.95-5 s 2 of 120 on httpx, 10 of 120 on aiohttp, with max_retries=0). A client then closes it first.
KEEP_ALIVE_SECONDS = 20  # (an int: uvicorn's Config takes one)
# Time for the rest of a body answered before it all came: enough for a large one sent at an ordinary pace.
DRAIN_SECONDS = 10.0
# How long an answer may wait for a client that has stopped reading (its socket's buffers full) before the
# connection is dropped, and what was queued for it with it: nginx's send_timeout.
SEND_TIMEOUT_SECONDS = 60.0
# The longest URL httptools parses (its offsets are 16 bits; from httptools 0.8, the server extra's lowest).
MAX_URL_BYTES = 65535
# A request line (RFC 9112 section 3), whatever its method: one httptools does not know is 501, not 400. Its method
# starts no later than a run of token characters does (a match from inside one is one from its start, found first):
# tried from each byte of the run, each try read to the run's end, 32 KB of "X" took 5 s before any login.
_TOKEN_CHARACTER = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]"
REQUEST_LINE = re.compile(rb"(?<!%s)(%s+) [^ \r\n]+ HTTP/\d\.\d\r?\n" % (_TOKEN_CHARACTER, _TOKEN_CHARACTER))
# Methods httptools knows (among others): a request line of one of these is not the one it refused.
STANDARD_METHODS = frozenset(method.encode() for method in http.HTTPMethod)
# An answer's head goes out with a body of at most this much in one write (one send, one wake-up of the client);
# with a longer one, on its own (joining them would copy the body for one syscall saved).
JOINED_BODY_BYTES = 64 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Counts the bytes received while a request's head is incomplete. A read that may complete the head goes to
    the parser no further than the bound first: the head complete there, the rest (a body, the next requests) goes
    on uncounted; not, the head is over the bound. A head begun in the read that ends the previous request (pipelined)
    is counted from the next read on."""

    _in_head = True
    _head_bytes = 0
    _started = False  # (httptools has begun a message: some of its head came)
    _heads = 0  # heads complete on this connection
    _head_timer: asyncio.TimerHandle | None = None
    _drain_timer: asyncio.TimerHandle | None = None  # (answered, the body's rest being read and dropped)
    _send_timer: asyncio.TimerHandle | None = None  # (writing paused: the client not reading what was sent)
    _unsent = 0  # (bytes buffered for the client when the send timer was armed: fewer when it fires is progress)
    _drained = False  # (the body answered early has all come, in the read under way)
    _lingering = False  # (answered with Connection: close before the body had all come: its rest is dropped)
    _stopping = False  # (the server is stopping: no lingering, which its graceful stop would wait for)
    _upgrade_ends_at: int | None = None  # (where the head of a request asking to upgrade ended, in the read under way)
    _peer_done = False  # (the client has half-closed its end, its requests whole: answered, then the connection closed)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (uvicorn logs access when its logger has handlers anywhere up the hierarchy; access_log=False turns that
        # off only by resetting the logger, which LocalServer's config does not do to a caller's process)
        self.access_log = self.access_log and self.config.access_log

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        self._stop_draining()
        self._stop_send_timer()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._send_timer is None:
            self._arm_send_timer()

    def _arm_send_timer(self) -> None:
        self._unsent = self._unsent_bytes()
        self._send_timer = self.loop.call_later(SEND_TIMEOUT_SECONDS, self._send_too_slow)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._stop_send_timer()

    def _stop_send_timer(self) -> None:
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _send_too_slow(self) -> None:
        """Writing has been paused for ``SEND_TIMEOUT_SECONDS``. The client read some of it meanwhile (what is
        buffered shrank): it is waited for as long again, however large the answer (a 2 MB page is one write, a
        slow link reads it for minutes). It read nothing: its answers (pipelined, megabytes each) were held in memory
        for as long as it kept the connection open. Aborted, not closed: a close waits to send them."""
        self._send_timer = None
        if self._unsent_bytes() < self._unsent:
            self._arm_send_timer()
        else:
            self.transport.abort()

    def _unsent_bytes(self) -> int:
        """What the client has yet to take: the transport's buffer and, on Linux, the socket's (SIOCOUTQ). The
        transport's moves only once a third of the socket's is free, and that holds megabytes (4 MB on loopback):
        a client reading steadily took longer than the timeout to free it."""
        unsent = self.transport.get_write_buffer_size()
        sock = self.transport.get_extra_info("socket")
        if sys.platform == "linux" and sock is not None:
            import fcntl
            import termios

            # (SIOCOUTQ is termios.TIOCOUTQ on Linux: bytes not yet acknowledged; OSError or ValueError: closed)
            with contextlib.suppress(OSError, ValueError):
                unsent += int.from_bytes(fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, bytes(4)), sys.byteorder)
        return unsent

    def eof_received(self) -> bool | None:  # type: ignore[override]  # (asyncio.Protocol's; uvicorn typed None)
        """The client has closed its end for writing (``shutdown(SHUT_WR)``, ``curl -T`` and ``nc -N`` do). uvicorn's
        closed the connection at once: requests in flight were run, their writes stored, and their answers dropped
        (uvicorn#1264). Those whose request came whole are still answered, then the connection closed; idle, or with
        a body cut short (the app told of a disconnect) or dropped, it is closed at once, as before; and under TLS,
        which closes it whatever this answers (asyncio and uvloop logged a warning for each such client)."""
        in_flight = self.cycle is not None and not self.cycle.response_complete
        if self.scheme == "http" and self._in_head and not self._lingering and in_flight:
            self._peer_done = True
            return True  # (the transport stays open for writing)
        return None

    def on_response_complete(self) -> None:
        answer = self.cycle.transport if self.cycle is not None else None
        if isinstance(answer, _AnswerTransport):
            answer.flush()  # (a head held for a body that did not come: a HEAD request's answer)
        super().on_response_complete()
        if self._lingering:
            self._unset_keepalive_if_required()  # (DRAIN_SECONDS bounds it)
        if self.transport.is_closing() or self._lingering:
            return
        if self._peer_done and not self._busy():  # (the last request the client sent, answered)
            self.transport.close()
        elif not self._busy():
            self._wait_for_head()
        elif not self._in_head and self.cycle.response_complete:  # (answered before its body had all come)
            # (uvicorn's graceful stop closes it at once, as any connection whose answer is complete)
            self._drain_timer = self.loop.call_later(DRAIN_SECONDS, self._drain_too_slow)

    def shutdown(self) -> None:
        self._stopping = True
        super().shutdown()

    def _busy(self) -> bool:
        """A request is being answered (a pipelined one, whose head came whole, after the one just answered)."""
        return not self._in_head or (self.cycle is not None and not self.cycle.response_complete)

    def _wait_for_head(self) -> None:
        self._stop_waiting()
        self._head_timer = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_too_slow)

    def _stop_waiting(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _stop_draining(self) -> None:
        if self._drain_timer is not None:
            self._drain_timer.cancel()
            self._drain_timer = None

    def _drain_too_slow(self) -> None:
        self._drain_timer = None
        self.transport.close()

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._busy() or self.transport.is_closing():
            return
        if self._head_bytes or self._started:
            self._refuse(408, b"Request Timeout", f"The request's head took over {HEAD_TIMEOUT_SECONDS:g} s.")
        else:
            self.transport.close()

    def _close_after_answer(self) -> None:
        """The close that an answer saying ``Connection: close`` asks for: lingering while its body is still coming."""
        transport = self.transport
        if (self._in_head or self._stopping or transport.is_closing() or not self.cycle.response_complete
                or not transport.can_write_eof()):  # fmt: skip
            transport.close()
            return
        self._lingering = True
        transport.write_eof()  # (after the answer; a client that reads it sees the end, not a reset)
        self.flow.resume_reading()
        self._stop_draining()
        self._drain_timer = self.loop.call_later(DRAIN_SECONDS, self._drain_too_slow)

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return  # (the rest of a body answered with Connection: close, dropped unparsed until the client closes)
        if self._in_head:
            room, heads = MAX_HEAD_BYTES - self._head_bytes, self._heads
            if room:
                self._feed(data[:room])
            if self._heads == heads and not self.transport.is_closing():  # (the head not complete yet)
                if len(data) > room:
                    self._refuse_head()
                else:
                    self._head_bytes += len(data)
                return
            data = data[room:]
        if data and not self.transport.is_closing():
            self._feed(data)

    def _feed(self, data: bytes) -> None:
        try:
            super().data_received(data)
        except _UnknownMethod:
            self._refuse_unknown_method(data)
            return
        if self._upgrade_ends_at is not None:
            self._ignore_upgrade(data)
        if self._drained:
            self._drained = False
            self._carry_on()

    def on_message_begin(self) -> None:
        self._started = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self._upgrading_ignored():
            return  # (parsed again without its Upgrade header once httptools has stopped at its end)
        self._in_head, self._head_bytes, self._started = False, 0, False
        self._heads += 1
        self._stop_waiting()
        cycle = self.cycle
        super().on_headers_complete()
        if self.cycle is not cycle:  # (a cycle made for this request: none for an upgrade, which uvicorn hands on)
            self.cycle.transport = _AnswerTransport(self)  # type: ignore[assignment]

    def on_message_complete(self) -> None:
        if self._upgrading_ignored():
            return
        super().on_message_complete()
        self._in_head = True
        if self._drain_timer is not None:  # (the body answered early has all come, in time)
            self._stop_draining()
            self._drained = True

    def _carry_on(self) -> None:
        """After a body answered early has all come: wait for the next request as after any other answer, the head
        timer armed and uvicorn's keep-alive timer too unless the read that ended the body began the next head."""
        if self._busy() or self.transport.is_closing():
            return
        self._wait_for_head()
        if not self._started:  # (no byte of the next head yet: uvicorn's timer ends with the first)
            keep_alive = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
            self.timeout_keep_alive_task = keep_alive

    def _upgrading_ignored(self) -> bool:
        """The request asks to upgrade the connection to a protocol the server does not serve (any but a websocket
        with a websocket library installed, which uvicorn hands on)."""
        return self.parser.should_upgrade() and not self._should_upgrade()

    def _unsupported_upgrade_warning(self) -> None:
        """uvicorn's handling of httptools stopping at the end of such a request's head (its ``HttpParserUpgrade``
        says where in the read): no warning, the request is parsed again by ``_ignore_upgrade``."""
        self._upgrade_ends_at = sys.exc_info()[1].args[0]  # type: ignore[union-attr]

    def _ignore_upgrade(self, data: bytes) -> None:
        """Parses the request that asked to upgrade as any other: its head again, without the ``Upgrade`` header,
        then the rest of ``data`` (its body, the next requests), which httptools had left. A new parser: httptools'
        takes nothing more after a request that does not keep the connection alive (HTTP/1.0's, by default)."""
        rest, self._upgrade_ends_at = data[self._upgrade_ends_at :], None
        method = self.parser.get_method()
        if method == b"CONNECT":  # (an upgrade to httptools whatever its headers; what follows is the tunnel's)
            self._refuse(501, b"Not Implemented", "CONNECT is not implemented: the server is not a proxy.")
            return
        head = [method, b" ", self.url, b" HTTP/", self.parser.get_http_version().encode(), b"\r\n"]
        for name, value in self.headers:
            if name != b"upgrade":
                head += [name, b": ", value, b"\r\n"]
        self.parser = HttpRequestParser(self)
        self.parser.set_dangerous_leniencies(lenient_data_after_close=True)  # (as uvicorn sets its own)
        self._feed(b"".join(head) + b"\r\n" + rest)

    def _refuse_head(self) -> None:
        description = f"The request line and headers are over {MAX_HEAD_BYTES} bytes."
        self._refuse(431, b"Request Header Fields Too Large", description)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to bytes httptools cannot parse as HTTP/1.1: the server's JSON error, not plain text, and
        the status saying why where the parser's error does (uvicorn calls this handling it)."""
        error = sys.exc_info()[1]
        if isinstance(error, HttpParserCallbackError):  # (raised in a callback: uvicorn's parse of the URL)
            error = error.__context__
        if isinstance(error, HttpParserInvalidMethodError):
            raise _UnknownMethod  # (answered by _feed, which has the read to look at)
        if isinstance(error, HttpParserInvalidURLError) and len(self.url) > MAX_URL_BYTES:
            self._refuse(414, b"URI Too Long", f"The request's URL is over {MAX_URL_BYTES} bytes.")
        elif isinstance(error, HttpParserInvalidURLError):
            # (a byte no URL holds: one outside ASCII, as a client that does not encode sends ``?search=é``, or a
            # control character; said so, where "not valid HTTP/1.1" left the caller to guess)
            part = str(error).rpartition(" ")[2] if str(error).startswith("Invalid char in url ") else "URL"
            description = (f"The request's URL holds a character a URL cannot in its {part} (outside ASCII, or a "
                           "control character): percent-encode it, as UTF-8 (é as %C3%A9).")  # fmt: skip
            self._refuse(400, b"Bad Request", description)
        else:
            self._refuse_not_http()

    def _refuse_unknown_method(self, data: bytes) -> None:
        """501 for a request line whose method httptools does not know; 400 for bytes that are not a request line
        (a TLS handshake, or bytes after a request's body, which httptools refuses the same way). Where the refused
        bytes begin in the read is not known (they may follow whole requests): the read holding a request line of
        a method that is none of HTTP's own is taken to be that."""
        if any(line[1] not in STANDARD_METHODS for line in REQUEST_LINE.finditer(data)):
            self._refuse(501, b"Not Implemented", "The request's method is not one the server implements.")
        else:
            self._refuse_not_http()

    def _refuse_not_http(self) -> None:
        self._refuse(400, b"Bad Request", "The request is not valid HTTP/1.1.")

    def _refuse(self, status: int, reason: bytes, description: str) -> None:
        """An answer from below the application (and its request ids): the same imsx body, an id made here."""
        body = json.dumps(imsx_body(status, description, "invaliddata")).encode()
        head = (b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nx-request-id: %s\r\n"
                b"connection: close\r\n\r\n")  # fmt: skip
        self.transport.write(head % (status, reason, len(body), uuid.uuid4().hex.encode()) + body)
        self.transport.close()


class _UnknownMethod(Exception):
    """httptools refused a request's method, raised from uvicorn's handling of that to the read's."""


class _AnswerTransport:
    """The connection as uvicorn's request cycle writes an answer to it: its ``close()`` (an answer saying
    ``Connection: close``, an application error) is the protocol's, lingering while the request's body comes; what
    is written once it is closing is dropped.

    uvicorn writes an answer's head alone, then its body: two sends, the client woken for each (what costs, when
    clients and server share the CPUs: 16 SDK clients PUTting had a p99 a tenth lower with one; docs/benchmarks.md,
    session 48). The head is held for the body's first write, up to the end of the event loop's turn (an answer
    whose body the app has yet to make), the answer's end (``flush``: a HEAD answer has no body) or a close;
    uvicorn's interim ``100 Continue`` goes at once."""

    def __init__(self, protocol: BoundedHttpToolsProtocol) -> None:
        self._protocol = protocol
        self._head: bytes | None = None
        self._written = False  # (the head has been written, or is held: what comes next is body)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._protocol.transport, name)

    def write(self, data: bytes) -> None:
        transport = self._protocol.transport
        # (the connection lost under an answer being written: asyncio drops the bytes; uvloop raised, and uvicorn
        # logged "Exception in ASGI application" for a client that had merely gone)
        if transport.is_closing():
            self._head = None
            return
        if not self._written:
            if data.startswith(b"HTTP/1.1 100 "):  # (uvicorn's interim answer to "Expect: 100-continue", awaited)
                transport.write(data)
                return
            self._written = True
            self._head = data
            self._protocol.loop.call_soon(self.flush)
            return
        head, self._head = self._head, None
        if head is not None:
            if len(data) <= JOINED_BODY_BYTES:
                data = head + data
            else:
                transport.write(head)
        transport.write(data)

    def flush(self) -> None:
        """Write the head held, if any."""
        head, self._head = self._head, None
        if head is not None and not self._protocol.transport.is_closing():
            self._protocol.transport.write(head)

    def close(self) -> None:
        self.flush()
        self._protocol._close_after_answer()
