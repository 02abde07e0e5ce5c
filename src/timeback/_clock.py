"""``monotonic()``: the clock of the SDK's timeouts, deadlines, waits before a retry and token lifetimes.

It is the machine's monotonic clock, the one ``time.monotonic()`` reads, read so that a test's frozen clock does not
stop it: freezegun's ``freeze_time`` replaces ``time.monotonic`` (and every module's own name for it), and the SDK's
wait before a retry, which ends by that clock, never ended (a 503 or a 429 under ``freeze_time`` hung the test for
good; a deadline never passed). A test freezes the time its records are stamped with, not the network's: httpx's
timeouts and urllib3's waits run on real time too. (A ``functools.partial`` is no attribute freezegun replaces; on
Linux it reads ``CLOCK_MONOTONIC``, the clock ``time.monotonic()`` reads there, so also when the SDK is imported
inside a freeze.)
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable

__all__ = ["monotonic"]


def _machines_clock() -> Callable[[], float]:
    if sys.platform == "linux":
        return functools.partial(time.clock_gettime, time.CLOCK_MONOTONIC)
    return functools.partial(time.monotonic)  # (elsewhere the clock time.monotonic is as this module is imported)


monotonic: Callable[[], float] = _machines_clock()
