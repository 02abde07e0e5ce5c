"""Every benchmark, each next to its baseline in the same run: ``python -m bench [--smoke] [--out FILE]``.

Prints a markdown table (figure, target, measured, baseline, ratio) and the raw figures as JSON; ``--out`` also
writes them to a file. ``--smoke`` runs everything at a tiny size (what ``tests/test_benchmarks.py`` does, so the
benchmarks cannot rot); its figures mean nothing.
"""

from __future__ import annotations

import json
import os
import platform
import time
from typing import Any

from bench import batching, bulk, command_line, import_cost, latency, memory, sdk_overhead

FULL = {"calls": 2000, "runs": 25, "results": 100_000, "naive": 2000, "clients": 16, "seconds": 20.0,
        "stream": 1_000_000, "repeats": 3, "line_items": 20_000}  # fmt: skip
SMOKE = {"calls": 20, "runs": 2, "results": 3000, "naive": 20, "clients": 2, "seconds": 1.0, "stream": 3000,
         "repeats": 1, "line_items": 600}  # fmt: skip


def machine() -> str:
    cpus = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        mem = "? GiB"
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs ({model}), {mem}, Python {platform.python_version()}"


def run(sizes: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    figures["sdk_overhead"] = sdk_overhead.measure(sizes["calls"])
    figures["import_cost"] = import_cost.measure(sizes["runs"])
    figures["bulk"] = bulk.measure(sizes["results"], sizes["naive"], repeats=sizes["repeats"])
    figures["latency"] = latency.measure(sizes["clients"], sizes["seconds"])
    figures["memory"] = memory.measure(sizes["stream"])
    figures["batching"] = batching.measure(sizes["results"], sizes["line_items"], sizes["repeats"])
    return figures


def _runs(values: list[float], spec: str = ",.0f") -> str:
    return " / ".join(f"{v:{spec}}" for v in values)


def _cpu(b: dict[str, Any], name: str) -> str:
    """The CPU a record cost each side (``bench.bulk``'s ``*_client_us`` and ``*_server_us``)."""
    server = b[f"{name}_server_us"]
    return f"client {b[f'{name}_client_us']:.0f} us + server " + ("?" if server is None else f"{server:.0f} us")


def table(f: dict[str, Any]) -> str:
    o, i, b, lat, m, g = f["sdk_overhead"], f["import_cost"], f["bulk"], f["latency"], f["memory"], f["batching"]
    rows = [
        ("1. SDK overhead, sync (CPU per 100-result POST)", "SDK / raw <= 1.5",
         f"{o['sdk_sync_us']:.0f} us (given models: {o['sdk_models_sync_us']:.0f} us, {o['models_sync_ratio']:.2f}; "
         f"building them too: {o['sdk_built_models_sync_us']:.0f} us, {o['built_models_sync_ratio']:.2f}; "
         f"any model's floor, objects that only keep their keywords: {o['sdk_plain_objects_sync_us']:.0f} us, "
         f"{o['plain_objects_sync_ratio']:.2f})",
         f"raw httpx {o['raw_sync_us']:.0f} us", f"{o['sync_ratio']:.2f}"),
        ("1. SDK overhead, async", "SDK / raw <= 1.5",
         f"{o['sdk_async_us']:.0f} us", f"raw httpx {o['raw_async_us']:.0f} us", f"{o['async_ratio']:.2f}"),
        ("2. Import `from timeback import Timeback`", "<= 80 ms above baseline",
         f"{i['sdk_ms']:.0f} ms ({i['extra_ms']:+.0f} ms)", f"`import httpx, pydantic` {i['baseline_ms']:.0f} ms",
         f"{i['sdk_ms'] / i['baseline_ms']:.2f}"),
        (f"3. Bulk ingest, {b['results']:,} results", ">= 30,000 results/s",
         f"{b['ingest_workers_per_s']:,.0f} /s (`serve --workers 2`; runs {_runs(b['ingest_workers_runs'])}); "
         f"{b['ingest_per_s']:,.0f} /s (1 process; runs {_runs(b['ingest_runs'])}). CPU per result: "
         f"{_cpu(b, 'ingest_workers')} (`--workers 2`), {_cpu(b, 'ingest')} (1 process)",
         f"naive PUTs {b['naive_per_s']:,.0f} /s; raw sqlite3 {b['storage_ceiling_per_s']:,.0f} rows/s "
         f"(runs {_runs(b['storage_ceiling_runs'])})",
         f"{b['workers_vs_naive']:.0f}x / {b['ingest_vs_naive']:.0f}x naive; "
         f"{b['ingest_workers_per_s'] / b['storage_ceiling_per_s']:.2f} / {b['ingest_vs_ceiling']:.2f} of ceiling"),
        (f"3. Re-sync: the same {b['results']:,} results again, `if_exists=\"replace\"`, none changed", "(none)",
         f"{b['resync_per_s']:,.0f} /s (runs {_runs(b['resync_runs'])}). CPU per result: {_cpu(b, 'resync')}",
         f"the first upload (1 process) {b['ingest_per_s']:,.0f} /s", f"{b['resync_per_s'] / b['ingest_per_s']:.2f}"),
        (f"4. Bulk read, {b['results']:,} results, limit=3000", ">= 80,000 results/s",
         f"{b['read_per_s']:,.0f} /s (runs {_runs(b['read_runs'])}). CPU per result: {_cpu(b, 'read')}. "
         f"`AsyncTimeback`: {b['read_async_per_s']:,.0f} /s (runs {_runs(b['read_async_runs'])}; "
         f"{_cpu(b, 'read_async')}). With README's collector thresholds for an export (`gc.set_threshold"
         f"(10_000, 50, 100)`): {b['read_gc_tuned_per_s']:,.0f} /s (runs {_runs(b['read_gc_tuned_runs'])}; "
         f"{_cpu(b, 'read_gc_tuned')})",
         f"raw sqlite3 read+serialize {b['read_ceiling_per_s']:,.0f} /s (runs {_runs(b['read_ceiling_runs'])})",
         f"{b['read_vs_ceiling']:.2f} of ceiling"),
        (f"4. Delta read: the {b['delta_results']:,} results posted after the newest of {b['results']:,} "
         "(`dateLastModified>`)", "(none)", f"{b['delta_ms']:.1f} ms (runs {_runs(b['delta_ms_runs'], '.1f')})",
         f"first {b['delta_results']:,} of an unfiltered listing {b['first_page_ms']:.1f} ms "
         f"(runs {_runs(b['first_page_ms_runs'], '.1f')})",
         f"{b['delta_ms'] / b['first_page_ms']:.2f}"),
        *(
            (f"5. Latency, {lat['clients']} {kind} clients x {lat['seconds']:.0f} s of single PUTs{into}",
             "p99 < 25 ms",
             f"p50 {lat[p + 'p50_ms']:.1f} ms, p99 {lat[p + 'p99_ms']:.1f} ms, {lat[p + 'calls_per_s']:,.0f} calls/s "
             f"(server's own time: p50 {lat[p + 'server_p50_ms']:.1f} ms, p99 {lat[p + 'server_p99_ms']:.1f} ms)",
             f"1 client: p50 {lat[p + 'alone_p50_ms']:.1f} ms, p99 {lat[p + 'alone_p99_ms']:.1f} ms",
             f"p99 {lat[p + 'p99_ms'] / lat[p + 'alone_p99_ms']:.1f}x alone")
            for kind, p, into in (("plain HTTP", "plain_", ""),
                                  ("plain HTTP", "workers_plain_", ", into `serve --workers 2`"),
                                  ("SDK (`AsyncTimeback`)", "", ""),
                                  ("SDK (`AsyncTimeback` on `DefaultAioHttpClient`)", "aiohttp_", ""))
        ),
        (f"6. Peak RSS streaming {m['results']:,} results (up; read back)", "< 150 MB",
         f"{m['rss_peak_mb']:.0f} MB; {m['read_rss_peak_mb']:.0f} MB",
         f"same process before the stream {m['rss_before_mb']:.0f} MB; {m['read_rss_before_mb']:.0f} MB",
         f"+{m['rss_peak_mb'] - m['rss_before_mb']:.0f} MB; +{m['read_rss_peak_mb'] - m['read_rss_before_mb']:.0f} MB"),
        (f"Batching {g['results']:,} results over {g['line_items']:,} line items (bulk helper's CPU, no I/O)", "(none)",
         f"sorted by line item {g['sorted_us']:.1f} us per result ({g['sorted_batches']:,} batches); interleaved "
         f"{g['interleaved_us']:.1f} us ({g['interleaved_batches']:,} batches)",
         f"one line item per {g['results'] // g['full_batches']:,} results {g['full_us']:.1f} us "
         f"({g['full_batches']:,} full batches)",
         f"{g['sorted_ratio']:.2f} / {g['interleaved_ratio']:.2f}"),
    ]  # fmt: skip
    lines = ["| Figure | Target | Measured | Baseline (same run) | Ratio |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def raw_json(figures: dict[str, Any]) -> str:
    """The figures as JSON, each float to 3 decimals (anything else JSON cannot write as its text)."""
    return json.dumps(_rounded(figures), indent=2, default=str)


def _rounded(value: Any) -> Any:
    # (before the dump: json.dumps calls ``default`` only for the types it cannot write, never for a float)
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the benchmarks run, not speed")
    parser.add_argument("--out", help="also write the table and the JSON figures to this file")
    args = parser.parse_args()
    figures = run(SMOKE if args.smoke else FULL)
    text = f"Machine: {figures['machine']}; run {figures['date']}.\n\n{table(figures)}\n"
    raw = raw_json(figures)
    print(text)
    print(raw)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n```json\n" + raw + "\n```\n")


if __name__ == "__main__":
    main()
