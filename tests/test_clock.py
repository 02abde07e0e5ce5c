"""The SDK's clock under a test's frozen one (freezegun): waits before a retry end, deadlines pass, against real
servers. (Each call runs in a thread joined with a bound: a wait that never ends fails the test, not the suite; once
the freeze ends, the SDK's clock is the real one again and the thread ends too.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from freezegun import freeze_time

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from timeback import AsyncTimeback, Timeback
from timeback._clock import monotonic
from timeback.errors import APITimeoutError, RequestError, TimebackError
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

ENDS_WITHIN = 60.0  # seconds: far past every wait below (a few seconds), short of a hang


def ended(call: Callable[[], Any]) -> BaseException | None:
    """What ``call`` raised (None: it returned), failing the test if it did not end within ``ENDS_WITHIN``."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(ENDS_WITHIN)
    assert outcome, f"still waiting after {ENDS_WITHIN} s under the frozen clock"
    return outcome[0]


@pytest.fixture(scope="module")
def unavailable() -> Iterator[LocalServer]:
    """A server whose every answer is 503 (its token endpoint's too)."""
    with LocalServer(ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="503=1")) as server:
        yield server


@pytest.fixture(scope="module")
def slow() -> Iterator[LocalServer]:
    """A server answering everything 3 s late."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=3000")
    with LocalServer(settings) as server:
        yield server


def test_the_clock_runs_under_a_frozen_one() -> None:
    with freeze_time("2024-09-05 10:00:00"):
        before = monotonic()
        threading.Event().wait(0.05)
        assert monotonic() > before


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_the_clock_runs_when_the_sdk_is_imported_inside_a_frozen_one(
    monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    """Where no ``clock_gettime`` reads the clock ``time.monotonic`` reads (Windows; macOS without
    ``CLOCK_UPTIME_RAW``), the SDK keeps ``time.monotonic`` as found on import: freezegun's frozen one, imported
    inside a freeze (a lazy import in a test). It takes freezegun's record of the real one then."""
    import importlib
    import sys

    import timeback._clock as clock

    try:
        with freeze_time("2024-09-05 10:00:00"):
            monkeypatch.setattr(sys, "platform", platform)
            reloaded = importlib.reload(clock)
            before = reloaded.monotonic()
            threading.Event().wait(0.05)
            assert reloaded.monotonic() > before
    finally:
        monkeypatch.undo()
        importlib.reload(clock)


def test_retries_under_a_frozen_clock_wait_and_end(unavailable: LocalServer) -> None:
    """A 503 answered under ``freeze_time``: the wait before its retry ended by ``time.monotonic()``, frozen, and the
    call hung for good (a bulk upload too, its batches in those waits)."""
    with Timeback(**unavailable.client_kwargs(), max_retries=2) as client, freeze_time("2024-09-05 10:00:00"):
        raised = ended(client.oneroster.gradebook.get_all_categories)
        assert isinstance(raised, RequestError) and raised.status_code == 503 and raised.retries_taken == 2, raised
        summary: list[Any] = []
        results = [{"sourcedId": f"r{i}", "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"},
                    "scoreStatus": "fully graded", "scoreDate": "2024-09-05"} for i in range(3)]  # fmt: skip
        assert ended(lambda: summary.append(client.oneroster.gradebook.bulk_post_results(results))) is None
    assert summary[0].failed == 3, summary[0]


def test_a_deadline_under_a_frozen_clock_passes(slow: LocalServer) -> None:
    """Every attempt timing out (1 s), retried: the deadline (2.5 s), counted on the frozen clock, never passed."""
    with Timeback(**slow.client_kwargs(), timeout=1, max_retries=5) as client, freeze_time("2024-09-05 10:00:00"):
        raised = ended(lambda: client.oneroster.gradebook.get_all_categories(deadline=2.5))
    assert isinstance(raised, APITimeoutError) and "deadline" in str(raised), raised


def test_async_retries_and_deadlines_under_a_frozen_clock(unavailable: LocalServer, slow: LocalServer) -> None:
    """``freeze_time(real_asyncio=True)`` (freezegun's way to keep the event loop's clock): the retries ended, but a
    deadline counted on the frozen clock never passed, each attempt timing out and retried until the retries ran out."""

    async def calls() -> tuple[TimebackError | None, TimebackError | None]:
        outcomes: list[TimebackError | None] = []
        for server, options in ((unavailable, {}), (slow, {"deadline": 2.5})):
            async with AsyncTimeback(**server.client_kwargs(), timeout=1, max_retries=5) as client:
                try:
                    await client.oneroster.gradebook.get_all_categories(**options)
                    outcomes.append(None)
                except TimebackError as exc:
                    outcomes.append(exc)
        return outcomes[0], outcomes[1]

    with freeze_time("2024-09-05 10:00:00", real_asyncio=True):
        outcome: list[Any] = []
        assert ended(lambda: outcome.append(asyncio.run(calls()))) is None
    unavailable_error, slow_error = outcome[0]
    assert isinstance(unavailable_error, RequestError) and unavailable_error.status_code == 503, unavailable_error
    assert isinstance(slow_error, APITimeoutError) and "deadline" in str(slow_error), slow_error


def test_async_retries_under_a_stopped_event_loop_clock_say_so(unavailable: LocalServer) -> None:
    """A plain ``freeze_time`` (no ``real_asyncio=True``) stops asyncio's own clock: the wait before a retry never
    ended, the call hung for good. It raises, saying why, before that wait."""

    async def call() -> None:
        async with AsyncTimeback(**unavailable.client_kwargs(), max_retries=2) as client:
            await client.oneroster.gradebook.get_all_categories()

    with freeze_time("2024-09-05 10:00:00"):
        raised = ended(lambda: asyncio.run(call()))
    assert isinstance(raised, RuntimeError) and "real_asyncio=True" in str(raised), raised
