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
import copy
import os
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpcore

from timeback._clock import monotonic
from timeback._config import is_loopback
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
    left = ends.expires - monotonic()
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
    left = ends.expires - monotonic()
    if left <= 0:
        raise httpcore.ConnectTimeout(_no_time_left(ends.limit))
    return left if timeout is None or left < timeout else timeout


def _is_address(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 address as written in a URL (a local server's ``127.0.0.1``), which the
    resolver never looks up: a name (or an address in another form, ``10.1``) goes to ``_lookup``."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)  # (a tenth of a microsecond: ipaddress's parse takes 2)
        except OSError:
            continue
        return True
    return False


class _Lookup:
    """``host``'s addresses as ``socket.create_connection`` looks them up (``getaddrinfo``, which takes no
    timeout), on a daemon thread of its own once ``start``ed: ``done`` once it returned, with what it ``found`` or
    its ``error``. Joined by the attempts needing the same host and port while it is young (``_lookup``), and one
    abandoned at a deadline is left to finish (a daemon: it never holds up the interpreter's exit, as an executor's
    threads would)."""

    def __init__(self, host: str, port: int) -> None:
        self.key = (host, port)
        self.started = monotonic()
        self.done = threading.Event()
        self.found: list[tuple[Any, ...]] = []
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._look_up, name="timeback-resolver", daemon=True)

    def start(self) -> None:
        self._thread.start()  # (a RuntimeError when no thread can be started: see _lookup)

    def _look_up(self) -> None:
        try:
            self.found = socket.getaddrinfo(*self.key, 0, socket.SOCK_STREAM)
        except Exception as exc:  # (raised in the waiting attempts' threads, as create_connection would have)
            self.error = exc
        finally:
            with _LOOKING_UP:
                running = _LOOKUPS.get(self.key, [])
                if self in running:  # (not kept: the next connection looks the name up again)
                    running.remove(self)
                    if not running:
                        del _LOOKUPS[self.key]
            self.done.set()


# The lookups in flight for the SDK's own sync connections with a deadline (``_lookup``), by host and port, oldest
# first
_LOOKUPS: dict[tuple[str, int], list[_Lookup]] = {}
_LOOKING_UP = threading.Lock()
# A lookup in flight is joined while younger than this (seconds): one older may be stalled (a lost DNS answer, which
# glibc waits 5 s for), and every attempt joining it would fail with it until it returned, where a fresh one answers
# at once; up to LOOKUPS_PER_HOST at a time, past that the youngest joined (a stalled resolver: that many threads).
JOIN_LOOKUP_WITHIN = 0.1
LOOKUPS_PER_HOST = 4


def _after_fork_in_child() -> None:
    global _LOOKING_UP
    _LOOKING_UP = threading.Lock()  # (another thread may have held it at the fork)
    _LOOKUPS.clear()  # (their threads are the parent's: waited for here, none would ever end)


if hasattr(os, "register_at_fork"):  # (not on Windows, which has no fork)
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _lookup(host: str, port: int) -> _Lookup | None:
    """A lookup of ``host`` and ``port`` in flight: the youngest, while young (``JOIN_LOOKUP_WITHIN``) or with
    ``LOOKUPS_PER_HOST`` in flight; else one started. None when no thread can be started (an ``atexit`` handler on
    Python 3.12+: "can't create new thread at interpreter shutdown"; the process out of threads): the name is
    looked up on the calling thread then, as without a deadline."""
    key = (host, port)
    with _LOOKING_UP:
        running = _LOOKUPS.get(key)
        if running and (len(running) >= LOOKUPS_PER_HOST or monotonic() - running[-1].started < JOIN_LOOKUP_WITHIN):
            return running[-1]
        lookup = _Lookup(host, port)
        try:
            lookup.start()
        except RuntimeError:
            return None
        _LOOKUPS.setdefault(key, []).append(lookup)
        return lookup


def _addresses(lookup: _Lookup, ends: _AttemptEnds) -> list[str]:
    """``lookup``'s addresses, waited for until ``ends`` at most: a ``ConnectTimeout`` then (not sent, as a connect
    cut at the deadline); its error as httpcore maps it (a name not found: ``ConnectError``). Not bounded by the
    connect's own timeout: httpx's sync connect never bounded a lookup, and with no deadline (nor a held token's
    refresh bound) none is bounded here either."""
    while not lookup.done.is_set():
        left = ends.expires - monotonic()
        if left <= 0:  # (the clock past the deadline, as the send flow reads it: not a wait that woke early)
            raise httpcore.ConnectTimeout(_no_time_left(ends.limit))
        lookup.done.wait(left)
    if isinstance(lookup.error, OSError):  # (socket.gaierror too: httpcore's map of create_connection's errors)
        raise _connect_error(lookup.error)
    if lookup.error is not None:
        raise _own_copy(lookup.error)
    # (a link-local IPv6 address's scope given back as its suffix, which create_connection's lookup reads again)
    return [f"{info[4][0]}%{info[4][3]}" if len(info[4]) > 3 and info[4][3] else info[4][0] for info in lookup.found]


def _own_copy(exc: Exception) -> Exception:
    """A copy of ``exc`` (a lookup's error, raised in each attempt that waited for it) to raise in this thread: one
    object raised in each grew its traceback by each one's frames (50 waiting: 152 frames). ``exc`` itself if it
    cannot be copied (a constructor that takes other arguments than its ``args``)."""
    try:
        own = copy.copy(exc)
    except Exception:
        return exc
    own.__cause__, own.__context__, own.__suppress_context__ = exc.__cause__, exc.__context__, exc.__suppress_context__
    return own.with_traceback(exc.__traceback__)


def _connect_error(exc: OSError) -> httpcore.ConnectError:
    """``exc`` as httpcore's ``map_exceptions`` raises it: a ``ConnectError`` from it, raised while it was handled
    (its context too: httpcore's pool raises it again ``from None``, which drops its cause, and the SDK reads it
    there: a name not found is not sent, and named)."""
    error = httpcore.ConnectError(exc)
    error.__cause__ = error.__context__ = exc
    return error


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
        """A connection to ``host``, its connect's timeout capped at what is left of the attempt. A name, with a
        deadline: httpcore's ``create_connection`` looked it up on this thread with no timeout (a deadline of 1 s
        waited for a stalled resolver, 10-20 s), then gave each of its addresses in turn what was left as this
        began (N addresses not answering: N times that). Looked up off this thread until the deadline at most
        (``_lookup``, ``_addresses``), then each address connected to in turn as ``create_connection`` tries them
        (the next after a refusal or a timeout, the last one's error raised), by ``backend`` itself (an address: no
        lookup again), each given what is left then; none left: not sent (``_connect_timeout``)."""
        ends = ATTEMPT_ENDS.get()
        # (a loopback name, ``localhost``, read from /etc/hosts at once: a thread for it cost ~0.2 ms a connection)
        lookup = None if ends is None or _is_address(host) or is_loopback(host) else _lookup(host, port)
        if ends is None or lookup is None:
            return AttemptBoundStream(
                self._backend.connect_tcp(host, port, _connect_timeout(timeout), local_address, socket_options)
            )
        options = None if socket_options is None else list(socket_options)  # (given to each address's connect)
        failed: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in _addresses(lookup, ends):
            try:
                capped = _connect_timeout(timeout)
            except httpcore.ConnectTimeout as cut:
                raise cut from failed  # (the last address's error under it: its connect timed out at the deadline)
            try:
                return AttemptBoundStream(self._backend.connect_tcp(address, port, capped, local_address, options))
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failed = exc
        if failed is None:
            raise _connect_error(OSError("getaddrinfo returns an empty list"))  # (create_connection's words)
        raise failed

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
