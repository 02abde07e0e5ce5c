"""Latency under concurrency: 16 clients, each in its own thread with its own ``Timeback``, PUTting single results.

    python -m bench.latency [--clients 16] [--seconds 20]

Against ``timeback serve`` on a SQLite file (a child process). Each client writes its own results (new ones and
rewrites of its earlier ones) as fast as it can; every call's latency is recorded. Reported: calls per second and
the p50/p99/max latency in milliseconds, next to the same client alone (1 client) as the baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench._serve import ServeProcess
from bench.bulk import CLASS, STUDENTS, district_seed
from timeback import Timeback


def _run(server: ServeProcess, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(n: int) -> None:
        with Timeback(**server.client_kwargs(max_retries=0)) as client:
            put = client.oneroster.gradebook.put_result
            put(sourced_id=f"warm-{n}", result=_result(n, 0))  # token and connection before the clock starts
            start.wait()
            i = 0
            try:
                while time.perf_counter() < stop_at[0]:
                    began = time.perf_counter()
                    put(sourced_id=f"lat-{n}-{i % 500}", result=_result(n, i))
                    latencies[n].append(time.perf_counter() - began)
                    i += 1
            except BaseException as exc:  # reported below; a benchmark with errors is not a figure
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds + 0.05
    start.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed: {errors[0]!r}")
    every = sorted(x for per_client in latencies for x in per_client)
    return {
        "calls": len(every),
        "calls_per_s": len(every) / seconds,
        "p50_ms": every[len(every) // 2] * 1000,
        "p99_ms": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000,
        "max_ms": every[-1] * 1000,
        "mean_ms": statistics.fmean(every) * 1000,
    }


def _result(n: int, i: int) -> dict[str, Any]:
    return {
        "lineItem": {"sourcedId": f"li-{n % 4}"},
        "student": {"sourcedId": f"stu-{i % STUDENTS}"},
        "class": {"sourcedId": CLASS},
        "scoreStatus": "fully graded",
        "scoreDate": "2024-09-08T10:00:00Z",
        "score": i % 101,
    }


def measure(clients: int = 16, seconds: float = 20.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="timeback-bench-") as tmp:
        seed = Path(tmp) / "seed.json"
        seed.write_text(json.dumps(district_seed(4)))
        with ServeProcess(Path(tmp) / "latency.db", "--seed", str(seed)) as server:
            alone = _run(server, 1, max(2.0, seconds / 4))
            loaded = _run(server, clients, seconds)
    return {"clients": clients, "seconds": seconds, **loaded, **{f"alone_{k}": v for k, v in alone.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    figures = measure(args.clients, args.seconds)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
