"""Waits that Ctrl-C stops on Windows too.

CPython < 3.14 does not wake a wait on a lock there (an event's ``wait``, a lock's ``acquire`` with a timeout,
``concurrent.futures.wait``): the KeyboardInterrupt came once the wait was over, up to a minute's Retry-After later,
or never for a page ahead that never came. Waited 0.1 s at a time, it comes within 0.1 s. Used by the sync client's
retry pauses and token lock, its page ahead (``_pagination``), and a bulk upload's batches in flight (``_bulk``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, TypeVar

from timeback._clock import monotonic

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")

SLICE_SECONDS = 0.1


def wait_for(wait: Callable[[float], bool], seconds: float | None = None) -> bool:
    """``wait(seconds)`` (True once waited for), ``SLICE_SECONDS`` at a time; an event already set is one wait."""
    until = None if seconds is None else monotonic() + seconds
    while not wait(SLICE_SECONDS if until is None else max(0.0, min(until - monotonic(), SLICE_SECONDS))):
        if until is not None and monotonic() >= until:
            return False
    return True


def done_of(futures: Collection[Future[T]], first: bool) -> set[Future[T]]:
    """``concurrent.futures.wait(futures)``'s done (``first``: FIRST_COMPLETED) through ``wait_for``: a batch in
    flight may sit out a minute's Retry-After. A batch done already is one wait."""
    from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, wait

    done: set[Future[T]] = set()

    def settled(seconds: float) -> bool:
        nonlocal done
        done, pending = wait(futures, seconds, FIRST_COMPLETED if first else ALL_COMPLETED)
        return not pending or (first and bool(done))

    wait_for(settled)
    return done
