"""uvicorn's httptools protocol with a bound on the request head (its line and headers).

httptools has none: the server kept whatever a client sent before the blank line (a 200 MB header took 400 MB, a
long URL time quadratic in its length) and waited for more. Past ``MAX_HEAD_BYTES`` the answer is 431 and the
connection is closed. (uvicorn's h11 protocol has a limit of its own; httptools is the one the ``server`` extra
installs and uvicorn picks.)
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from timeback.server.errors import imsx_body

# Room for the longest URL the server takes (httptools refuses one over 64 KB, and httpx sends none longer) and as
# much again of headers; proxies commonly take 8-16 KB in all.
MAX_HEAD_BYTES = 128 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Counts the bytes received while a request's head is incomplete. A read that also ends the previous request
    is not counted (it may be mostly that request's body), so a head may pass the bound by up to one read."""

    _in_head = True
    _head_bytes = 0

    def data_received(self, data: bytes) -> None:
        counted = self._in_head
        super().data_received(data)
        if counted and self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse_head()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True

    def _refuse_head(self) -> None:
        description = f"The request line and headers are over {MAX_HEAD_BYTES} bytes."
        body = json.dumps(imsx_body(431, description, "invaliddata")).encode()
        head = (
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
        )
        self.transport.write(head + body)
        self.transport.close()
