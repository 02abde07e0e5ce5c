"""Every benchmark runs at a tiny size, so none can rot. No timing is asserted here: figures live in docs/benchmarks.md."""

from __future__ import annotations

import json
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from bench import bulk, latency
from bench.__main__ import SMOKE, raw_json, run, table
from bench._serve import ServeProcess


def test_every_benchmark_runs_and_reports() -> None:
    figures = run(SMOKE)
    assert figures["bulk"]["results"] == SMOKE["results"] and figures["memory"]["stored"] == SMOKE["stream"]
    assert figures["memory"]["read"] == SMOKE["stream"]
    assert figures["latency"]["calls"] > 0 and figures["latency"]["plain_calls"] > 0
    assert figures["latency"]["workers_plain_calls"] > 0 and figures["latency"]["aiohttp_calls"] > 0
    assert figures["sdk_overhead"]["sync_ratio"] > 0
    assert figures["bulk"]["delta_ms"] > 0 and figures["bulk"]["first_page_ms"] > 0
    assert figures["bulk"]["resync_per_s"] > 0 and figures["bulk"]["read_gc_tuned_per_s"] > 0
    assert figures["batching"]["interleaved_batches"] > figures["batching"]["full_batches"] > 0
    assert table(figures).count("\n") == 14  # header, rule, thirteen rows


def test_the_threads_window_begins_when_every_client_is_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--threads`` (and the plain clients' processes) started the timed window before the clients' warm-up (a
    client, a token, a first PUT), counted in it: calls/s understated. The other processes are told this one is ready
    once its clients are warm. (A clock that moves only when a client PUTs, a warm-up outlasting the window; each
    warm-up waits a moment for the window to be opened, which it must not be yet.)"""
    clock = [0.0]
    opened = threading.Event()

    def perf_counter() -> float:
        opened.set()
        return clock[0]

    monkeypatch.setattr(latency, "time", types.SimpleNamespace(perf_counter=perf_counter))
    warm: list[int] = []

    @contextmanager
    def open_client(n: int) -> Iterator[Any]:
        def put(sourced_id: str, body: dict[str, Any]) -> float:
            if sourced_id.startswith("warm-"):
                opened.wait(timeout=0.5)
                warm.append(n)
                clock[0] += 100.0
            else:
                clock[0] += 1.0
            return 0.0

        yield put

    warm_when_ready: list[int] = []
    latencies, _ = latency._run_in_threads(open_client, 0, 2, 10.0, lambda: warm_when_ready.append(len(warm)))
    assert warm_when_ready == [2] and len(latencies) >= 5


def test_the_threads_tell_the_other_processes_once_that_they_are_ready_even_when_that_fails() -> None:
    """The processes' barrier broken (another process failed), the barrier's action raised, and the threads' own
    barrier broken called it a second time, raising again, uncaught, with the clients' threads not joined."""
    told: list[int] = []

    def ready() -> None:
        told.append(1)
        raise threading.BrokenBarrierError("another process failed")

    @contextmanager
    def open_client(n: int) -> Iterator[Any]:
        yield lambda sourced_id, body: 0.0

    # (whichever thread runs the barrier's action: a client's, or the one that waits for them)
    with pytest.raises(RuntimeError, match="clients failed"):
        latency._run_in_threads(open_client, 0, 2, 10.0, ready)
    assert told == [1]


def test_the_figures_printed_are_rounded() -> None:
    # (json.dumps calls ``default`` only for types it cannot write: no float was ever rounded; and bench.bulk wrote
    # every list of runs in whole numbers, its milliseconds too: delta_ms_runs [11, 25] for a delta_ms of 17.83)
    figures = {"bulk": {"read_per_s": 1234.56789, "read_runs": [1200.4, 1300.6]}, "at": object}
    assert json.loads(raw_json(figures)) == {
        "bulk": {"read_per_s": 1234.568, "read_runs": [1200.4, 1300.6]},
        "at": str(object),
    }
    assert bulk.rounded({"delta_ms": 17.834, "delta_ms_runs": [11.26, 25.04], "read_runs": [1200.4], "x": None}) == {
        "delta_ms": 17.83, "delta_ms_runs": [11.3, 25.0], "read_runs": [1200], "x": None
    }  # fmt: skip


def test_a_server_that_does_not_start_in_time_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """(``__exit__`` does not run when ``__enter__`` raises: a server that had not answered within the start timeout
    kept running, with ``--workers`` three processes listening for good.)"""
    monkeypatch.setattr(ServeProcess, "START_TIMEOUT", 0.2)
    serve = ServeProcess(tmp_path / "bench.db")
    serve.args = [sys.executable, "-c", "import time; time.sleep(60)"]  # (a server that never listens)
    with pytest.raises(RuntimeError, match=r"did not start within 0\.2 s"), serve:
        pass
    assert serve.process is not None
    try:
        assert serve.process.poll() is not None  # ended (and waited for: no zombie)
    finally:
        serve.process.kill()  # (the unfixed code's leftover; nothing once waited for)
        serve.process.wait()
