"""Every benchmark runs at a tiny size, so none can rot. No timing is asserted here: figures live in docs/benchmarks.md."""

from __future__ import annotations

from bench.__main__ import SMOKE, run, table


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
