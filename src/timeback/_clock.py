"""``monotonic()``: the clock of the SDK's timeouts, deadlines, waits before a retry and token lifetimes.

It is the machine's monotonic clock, the one ``time.monotonic()`` reads, read so that a test's frozen clock does not
stop it: freezegun's ``freeze_time`` replaces ``time.monotonic`` (and every module's own name for it), and the SDK's
wait before a retry, which ends by that clock, never ended (a 503 or a 429 under ``freeze_time`` hung the test for
good; a deadline never passed). A test freezes the time its records are stamped with, not the network's: httpx's
timeouts and urllib3's waits run on real time too. (A ``functools.partial`` is no attribute freezegun replaces. It
reads the clock ``time.monotonic()`` reads, by ``clock_gettime``, on Linux (``CLOCK_MONOTONIC``) and macOS
(``CLOCK_UPTIME_RAW``), which no freeze patches, so also when the SDK is imported inside one; elsewhere (Windows)
``time.monotonic`` itself, as found on import, or freezegun's own record of it when imported inside a freeze.)
"""

from __future__ import annotations

import functools
import sys
import time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

__all__ = ["loop_clock_stopped", "monotonic"]


def _replaced() -> bool:
    """Whether ``time.monotonic`` is not Python's own: a test's frozen clock (freezegun) replaced it."""
    return not isinstance(time.monotonic, types.BuiltinFunctionType)


def _machines_clock() -> Callable[[], float]:
    if sys.platform == "linux":
        return functools.partial(time.clock_gettime, time.CLOCK_MONOTONIC)
    if sys.platform == "darwin" and hasattr(time, "CLOCK_UPTIME_RAW"):
        return functools.partial(time.clock_gettime, time.CLOCK_UPTIME_RAW)
    found = time.monotonic
    if _replaced():  # (imported inside a freeze)
        found = getattr(sys.modules.get("freezegun.api"), "real_monotonic", found)
    return functools.partial(found)


monotonic: Callable[[], float] = _machines_clock()


def loop_clock_stopped(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop``'s clock stands still while the machine's runs: asyncio's own loop reads ``time.monotonic``,
    which freezegun's ``freeze_time`` stops unless given ``real_asyncio=True``, and a wait of the loop's never ends.
    Looked at only while ``time.monotonic`` is replaced (2 ms of the loop's, then: a clock as coarse as Windows' or
    libuv's could stand still over less)."""
    if not _replaced():
        return False
    before = loop.time()
    time.sleep(0.002)  # (the machine's time: freezegun leaves sleep alone)
    return loop.time() == before
