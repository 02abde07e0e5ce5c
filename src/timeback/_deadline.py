"""A call's deadline as each attempt meets it, and the words the SDK's timeouts are given.

The cap of an attempt's timeouts at what is left of its call's deadline (``_capped``), the end of a ``Timeback``
attempt (``_AttemptEnds``, in ``ATTEMPT_ENDS`` while it is sent and read), the traces that tell whether an attempt was
sent before its deadline passed (``_DeadlineTrace``, ``_SendingTrace``), and how a timeout is named (``_timed_out``,
``_past``, ``_no_time_left``; ``_causes``, an error's chain). Apart from the request engine (``_base_client``, whose
drivers use them: the sync driver's ``_read_by`` and ``_disowned``, built on its answer reading, are there) so that
``_sync_backend`` takes them without importing the engine, and the deadline's rules are read in one place.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from timeback._clock import monotonic

ExcT = TypeVar("ExcT", bound=BaseException)

# How early a timeout set to end at a deadline may be seen to end by ``monotonic()`` (none seen on Linux, where
# both are the same clock, a socket's timeout rounded up to the millisecond)
CLOCK_SLACK = 0.001
# The transport errors not sent (``NOT_SENT``) that wait for a connection: one that ran out at or past an attempt's
# deadline is its deadline passing before it was sent (see ``_send_flow``), as ``AsyncTimeback``'s timer cuts it.
WAITED = (httpx.PoolTimeout, httpx.ConnectTimeout)
NO_TIME_LEFT = "no time left before the deadline"


# httpcore's trace events (``trace`` request extension) as a request begins to be written (from then on, some of it
# may have reached the server), and those just before it opens a connection or is written.
WRITING = frozenset({"http11.send_request_headers.started", "http2.send_request_headers.started"})
BEFORE_SENDING = WRITING | {"connection.connect_tcp.started"}


# The phase each httpx timeout bounds, by its key in the request's ``timeout`` extension
_TIMEOUT_PHASES: dict[type[Exception], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
}


# The attribute ``_sync_backend`` marks the error of a read or write an attempt's end cut with: that ``_AttemptEnds``.
_CUT_BY = "_timeback_cut_by"
# The attribute marking an error another attempt's end cut (``_disowned``), named so by ``_timed_out``
_OTHERS_CUT = "_timeback_others_cut"
# The attribute marking a timeout the SDK raised itself as an attempt's deadline (or ``limit``: see ``_send_flow``)
# passed, in ``_past``'s words (``_ReadBy``'s, ``_sent_by``'s, ``_sync_backend``'s: on httpcore's error, under the
# httpx error raised from it): named by its own text (``_timed_out``), not by its type and timeout.
_DEADLINE_CUT = "_timeback_deadline_cut"
# The attribute marking a transport's error that did not send an attempt (``NOT_SENT``: a connect failed or timed
# out, a proxy refused its tunnel) after the attempt's request was written, on a connection before (a caller's
# transport trying it again): maybe sent all the same (``_written_before``)
_WRITTEN_BEFORE = "_timeback_written_before"
# The attribute ``answer_cut_short`` marks the httpx error of an answer's body cut short with: the answer's status and
# request id (an answer came: see ``_timed_out``, and ``_connection_error``, which names them)
_CUT_ANSWER = "_timeback_cut_answer"


def _no_time_left(limit: str | None) -> str:
    """Why an attempt was not made (or not sent): its call's deadline, or ``limit`` (see ``_send_flow``), too near."""
    return NO_TIME_LEFT if limit is None else f"no time left within {limit}"


def _past(limit: str | None, *, reading: bool) -> str:
    """The text of an attempt's timeout as its call's deadline passed (or ``limit``: see ``_send_flow``), its
    answer's body being read or not yet come."""
    return f"{limit or 'the deadline'} passed {'while' if reading else 'before'} the answer came"


def _deadline_cut(exc: ExcT) -> ExcT:
    """``exc``, a timeout in ``_past``'s words, marked as the SDK's own (``_DEADLINE_CUT``)."""
    setattr(exc, _DEADLINE_CUT, True)
    return exc


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it was raised from, or during: httpx's error, httpcore's, then the socket's (at most 8)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or seen.__context__


def _capped(timeout: httpx.Timeout, seconds: float) -> httpx.Timeout:
    """``timeout`` with no phase allowed longer than ``seconds`` (what is left before a call's deadline)."""
    if seconds >= threading.TIMEOUT_MAX:  # (inf, or centuries: no cap; a socket's timeout cannot be that long)
        return timeout

    def cap(value: float | None) -> float:
        return seconds if value is None else min(value, seconds)

    return httpx.Timeout(
        connect=cap(timeout.connect), read=cap(timeout.read), write=cap(timeout.write), pool=cap(timeout.pool)
    )


@dataclass(slots=True)
class _AttemptEnds:
    """When a ``Timeback`` attempt with a deadline ends (``expires``, ``monotonic()``), and what its errors call
    that end (``limit``: see ``_send_flow``); ``opening``: a connection is being opened for it, its request not yet
    written (``_DeadlineTrace``): a cut then is its deadline passing before it was sent, and a read's or write's own
    timeout running out a connect's (``_unopened``): not sent either; ``written``: its request began to be written,
    on any connection (a caller's transport may try again on another: ``opening`` then, but maybe sent, for good);
    ``reading``: its answer's head came, its body is being read."""

    expires: float
    limit: str | None
    opening: bool = False
    written: bool = False
    reading: bool = False


# The attempt this thread (this context) is sending and reading, while it is: the SDK's own sync connections cap each
# read's and write's timeout at what is left until it ends (``_sync_backend``). None: no deadline, no cap.
ATTEMPT_ENDS: contextvars.ContextVar[_AttemptEnds | None] = contextvars.ContextVar("timeback_attempt", default=None)


class _ReadBy(httpx.SyncByteStream):
    """An answer's body that ends in a ``ReadTimeout`` once ``expires`` (``monotonic()``) passed between chunks:
    each read's timeout alone let an answer trickling in a byte at a time run past a call's deadline. (The SDK's own
    connections cap each read at ``expires`` too, head and body: see ``ATTEMPT_ENDS``. This is for a caller's
    transport.) ``limit``: see ``_send_flow``."""

    def __init__(self, stream: httpx.SyncByteStream, request: httpx.Request, expires: float, limit: str | None) -> None:
        self._stream, self._request, self._expires, self._limit = stream, request, expires, limit

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if monotonic() >= self._expires:
                raise _deadline_cut(httpx.ReadTimeout(_past(self._limit, reading=True), request=self._request))
            yield chunk

    def close(self) -> None:
        self._stream.close()


@dataclass(frozen=True, slots=True)
class _DeadlineTrace:
    """httpcore's ``trace`` extension of a request with a deadline (``ends``): raises ``httpcore.PoolTimeout`` (the
    SDK's "not sent") when it is about to connect or be written once the deadline has passed. The pool timeout,
    capped at the deadline, bounds one wait only: httpcore waits again, the whole pool timeout, when the connection
    it was given was taken by another thread first, and the request went out past its deadline. Marks ``ends`` as
    opening a connection from its connect, or a proxy's ``CONNECT`` (given this trace too: see ``_SendingTrace``),
    until the request itself begins to be written (``written``, for good: a caller's transport trying it again
    opens another connection for a request that may have been stored, and is stopped at the deadline as maybe sent).
    (Not marked when a request hook put another trace in its place: a cut is then the answer's, maybe stored.)
    ``then``: a trace the request had (a caller's), called on."""

    ends: _AttemptEnds
    then: Callable[[str, dict[str, Any]], Any] | None

    def __call__(self, name: str, info: dict[str, Any]) -> None:
        if name in BEFORE_SENDING:
            ends = self.ends
            if monotonic() >= ends.expires:
                import httpcore  # (loaded by then: httpx imports it as it makes a transport, not on import)

                if ends.written:  # (as AsyncTimeback's timer says of a try after one that wrote it)
                    raise _deadline_cut(httpcore.TimeoutException(_past(ends.limit, reading=False)))
                raise httpcore.PoolTimeout(_no_time_left(ends.limit))
            ends.written = ends.written or (name in WRITING and info["request"].method != b"CONNECT")
            ends.opening = not ends.written
        if self.then is not None:
            self.then(name, info)


@dataclass(slots=True)
class _SendingTrace:
    """httpcore's ``trace`` extension of an ``AsyncTimeback`` attempt with a deadline: records whether its request
    began to be written (``sending``; DefaultAioHttpClient's transport sets it once it has a connection), for
    ``_sent_by`` to tell an attempt its deadline stopped before anything of it was sent, or whose own read or write
    timeout ran out then (a proxy's ``CONNECT`` unanswered). A proxy's ``CONNECT`` is not the request: httpcore
    gives it the request's extensions, this trace too, and writes it before the tunnel is open. ``answered``: the
    answer, once its head came (for the error of a deadline that cut its body). ``then``: a trace the request had (a
    caller's), awaited on. ``tunnelling``: a ``CONNECT`` was written (the evidence that a read's or write's timeout
    with nothing of the request written was a tunnel's: a transport of a caller's that sends a request of its own
    making never calls this trace, ``sending`` left False though the request was written)."""

    then: Callable[[str, dict[str, Any]], Awaitable[object]] | None
    sending: bool = False
    tunnelling: bool = False
    answered: httpx.Response | None = None

    async def __call__(self, name: str, info: dict[str, Any]) -> None:
        if name in WRITING:
            if info["request"].method == b"CONNECT":
                self.tunnelling = True
            else:
                self.sending = True
        if self.then is not None:
            await self.then(name, info)


def _traced(request: httpx.Request, ends: _AttemptEnds) -> httpx.Request:
    """``request`` with a ``_DeadlineTrace`` bound by ``ends``. The sync client's only: ``AsyncTimeback``'s
    deadline timer (``_sent_by``) cancels a send still waiting for a connection."""
    request.extensions["trace"] = _DeadlineTrace(ends, request.extensions.get("trace"))
    return request


def _timed_out(
    request: httpx.Request,
    exc: Exception,
    limit: str | None = None,
    left: float | None = None,
    timeout: httpx.Timeout | None = None,
) -> str:
    """What ran out: httpx's timeout and the limit it had ("ReadTimeout after 0.5 s", the client's), or the call's
    deadline. A timeout capped at what was left of the deadline (``left``, as the attempt began; given only once the
    deadline has passed: a caller's transport may time out early) ran out as it passed, and is named so, as
    ``AsyncTimeback``'s timer says: "the deadline passed before the answer came" (the sync client's said
    "ReadTimeout after 0.731 s", a number the caller never set). ``limit``: what the attempt was bounded by in the
    deadline's place (see ``_send_flow``), named as the deadline would be. ``timeout``: the attempt's own, before
    the deadline capped it, named for one that ran out before it (a caller's transport timing out at 60 s was
    "ReadTimeout after 29.999 s", what was left of a deadline of 30). Another attempt's deadline, seen on the
    connection they shared (``_disowned``), is named by its type; the SDK's own words for the deadline passing
    (``_ReadBy``'s, ``_sent_by``'s, ``_sync_backend``'s) by their mark (``_DEADLINE_CUT``), on the error or
    under it: their text alone named a caller's transport's timeout in the same words as the deadline passing. A
    read's or write's timeout that ran out opening a connection, made a ``ConnectTimeout`` (not sent:
    ``_opening_cut``), is named as it ran out, not by the connect timeout."""
    if hasattr(exc, _OTHERS_CUT):
        return f"{type(exc).__name__} (another call's deadline cut the connection they shared)"
    for seen in _causes(exc):
        if hasattr(seen, _DEADLINE_CUT):  # (by the mark, not the text: a caller's transport may say the same words)
            return str(seen)
    if isinstance(exc, httpx.ConnectTimeout) and isinstance(exc.__cause__, (httpx.ReadTimeout, httpx.WriteTimeout)):
        exc = exc.__cause__  # (a read's or write's, a connection being opened: not sent, named as it ran out)
    phase = _TIMEOUT_PHASES.get(type(exc))
    seconds = request.extensions.get("timeout", {}).get(phase) if phase else None
    if seconds is not None and seconds == left:  # (a connect's ended the call unsent first: see _send_flow)
        return _past(limit, reading=hasattr(exc, _CUT_ANSWER))  # (reading: its answer's head had come)
    if timeout is not None and phase:
        seconds = getattr(timeout, phase)
    return type(exc).__name__ + ("" if seconds is None else f" after {round(seconds, 3):g} s")
