"""httpcore's sync network backend, each read and write of a ``Timeback`` attempt with a deadline bounded by it.

httpx gives httpcore one timeout per phase, which ``Timeback`` caps at what is left of the deadline as the attempt
begins, and httpcore gives it to every read and write whole: an answer whose head came late had its whole read
timeout again for its body (a deadline of 1 s, the head at 0.8 s, the body stalled: 1.8 s), and one trickling in a
byte at a time never ran out of any (only its body's chunks were checked against the clock). Here each read, write,
connect and TLS handshake is given the least of its own timeout and what is left until the attempt this thread is
sending ends (``ATTEMPT_ENDS``, set by ``Timeback``'s driver); one that runs out at that end is its deadline
passing, named so (``_past``), as ``AsyncTimeback``'s timer names it. With no attempt set (no deadline, or a
request of the caller's own through a ``DefaultHttpxClient``, unless made from one of its event hooks during a call's
attempt), each goes as it came. Installed by ``bounded_by_attempts`` on the pools of the SDK's own transports only
(``DefaultHttpxClient``'s, which ``Timeback`` makes its own): a caller's transport keeps httpcore's backend."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpcore

from timeback._deadline import _CUT_BY, ATTEMPT_ENDS, _AttemptEnds, _deadline_cut, _no_time_left, _past
from timeback._http_clients import Write, _httpcore_pool, writes_now

T = TypeVar("T")


def _bounded(
    ends: _AttemptEnds, timeout: float | None, timed_out: type[httpcore.TimeoutException], io: Callable[[float], T]
) -> T:
    """``io(timeout)``, its timeout capped at what is left until ``ends``; ``timed_out`` (the phase's httpcore
    error) raised when nothing is left, or when the capped timeout ran out, in the deadline's words. While a
    connection is being opened for it (``ends.opening``: a proxy's ``CONNECT`` and its answer, the tunnel opening)
    a ``ConnectTimeout`` instead: nothing of the request was sent, which the send flow says at the deadline, naming
    the proxy, as ``AsyncTimeback``'s timer has it."""
    left = ends.expires - time.monotonic()
    if timeout is not None and timeout < left:
        return io(timeout)  # (its own runs out first, named as it is: "ReadTimeout after 0.5 s"; opening: _unopened)
    if left <= 0:  # (a timeout of 0 is no wait at all: a socket's read without one fails, not times out)
        raise _deadline_passed(ends, timed_out)
    try:
        return io(left)
    except timed_out as exc:
        raise _deadline_passed(ends, timed_out) from exc


def _deadline_passed(ends: _AttemptEnds, timed_out: type[httpcore.TimeoutException]) -> httpcore.TimeoutException:
    """The error of a read or write ``_bounded`` cut at ``ends`` (see there), marked as ``ends``' (``_CUT_BY``): an
    HTTP/2 connection's other calls get it too, where it is not their deadline (``_disowned``)."""
    if ends.opening:
        cut: httpcore.TimeoutException = httpcore.ConnectTimeout(_no_time_left(ends.limit))
    else:
        cut = _deadline_cut(timed_out(_past(ends.limit, reading=ends.reading)))
    setattr(cut, _CUT_BY, ends)
    return cut


class AttemptBoundStream(httpcore.NetworkStream):
    """A connection whose reads and writes, while an attempt with a deadline is sent and read on it, end at its end
    (``_bounded``); the one ``start_tls`` returns is one too. A request's head is held for its body (``writes_now``)."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._held: Write | None = None

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held is not None:  # (the request's last write: its answer is read next)
            held, self._held = self._held, None
            # (as httpcore takes a request's writes: the server may have answered and closed; its answer is read)
            with contextlib.suppress(httpcore.WriteError):
                self._write(*held)
        ends = ATTEMPT_ENDS.get()
        if ends is None:
            return self._stream.read(max_bytes, timeout)
        return _bounded(ends, timeout, httpcore.ReadTimeout, lambda capped: self._stream.read(max_bytes, capped))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        writes, self._held = writes_now(self._held, buffer, timeout, True)
        for data, data_timeout in writes:
            self._write(data, data_timeout)

    def _write(self, buffer: bytes, timeout: float | None) -> None:
        ends = ATTEMPT_ENDS.get()
        if ends is None:
            return self._stream.write(buffer, timeout)
        return _bounded(ends, timeout, httpcore.WriteTimeout, lambda capped: self._stream.write(buffer, capped))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        try:
            capped = _connect_timeout(timeout)
        except httpcore.ConnectTimeout:
            self._stream.close()  # (as a failed handshake closes it: the connection never holds it)
            raise
        return AttemptBoundStream(self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _connect_timeout(timeout: float | None) -> float | None:
    """A connect's or TLS handshake's ``timeout`` capped at what is left until the attempt ends; a ``ConnectTimeout``
    when nothing is. One that runs out at that end is the send flow's to name (at the deadline: not sent)."""
    ends = ATTEMPT_ENDS.get()
    if ends is None:
        return timeout
    left = ends.expires - time.monotonic()
    if left <= 0:
        raise httpcore.ConnectTimeout(_no_time_left(ends.limit))
    return left if timeout is None or left < timeout else timeout


class AttemptBoundBackend(httpcore.NetworkBackend):
    """``backend``'s connections (httpcore's ``SyncBackend``, a pool's default), on ``AttemptBoundStream``."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return AttemptBoundStream(
            self._backend.connect_tcp(host, port, _connect_timeout(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        return AttemptBoundStream(self._backend.connect_unix_socket(path, _connect_timeout(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bounded_by_attempts(transport: object) -> None:
    """``transport`` (one the SDK made: httpx's ``HTTPTransport``, a proxy's too) with the connections its httpcore
    pool opens on ``AttemptBoundBackend``. httpcore's pool takes no backend from httpx: this sets the pool's
    ``_network_backend`` (httpcore 1.0's, which each connection it makes is given, a proxy's and a tunnel's too); a
    pool without it (another httpcore's), or another transport, keeps its default: each read then bounded by its
    timeout, and its body's chunks by the clock (``_ReadBy``)."""
    pool = _httpcore_pool(transport, "ConnectionPool")
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, AttemptBoundBackend):
        pool._network_backend = AttemptBoundBackend(backend)
