"""Latency under concurrency: 16 clients, each its own ``AsyncTimeback`` and connection, PUTting single results.

    python -m bench.latency [--clients 16] [--seconds 20] [--threads]

Against ``timeback serve`` on a SQLite file (a child process). Each client writes its own results (new ones and
rewrites of its earlier ones) as fast as it can, one call at a time; every call's latency is recorded. Reported:
calls per second and the p50/p99/max latency in milliseconds, next to the same client alone (1 client) as the
baseline.

The clients are tasks on one event loop rather than threads: 16 threads in one interpreter queue for its GIL, and
that wait (measured: p99 47 ms against an ASGI app that does nothing) would be reported as server latency.
``--threads`` runs them as threads with blocking ``Timeback`` clients instead, to see that effect.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench._serve import ServeProcess
from bench.bulk import CLASS, STUDENTS, district_seed
from timeback import AsyncTimeback, Timeback


def _result(n: int, i: int) -> dict[str, Any]:
    return {
        "lineItem": {"sourcedId": f"li-{n % 4}"},
        "student": {"sourcedId": f"stu-{i % STUDENTS}"},
        "class": {"sourcedId": CLASS},
        "scoreStatus": "fully graded",
        "scoreDate": "2024-09-08T10:00:00Z",
        "score": i % 101,
    }


async def _run_tasks(server: ServeProcess, clients: int, seconds: float) -> list[list[float]]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    sdks = [AsyncTimeback(**server.client_kwargs(max_retries=0)) for _ in range(clients)]
    # token and connection before the clock starts
    await asyncio.gather(*(c.oneroster.gradebook.put_result(sourced_id=f"warm-{n}", result=_result(n, 0))
                           for n, c in enumerate(sdks)))  # fmt: skip
    stop_at = time.perf_counter() + seconds

    async def client(n: int) -> None:
        put = sdks[n].oneroster.gradebook.put_result
        i = 0
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            await put(sourced_id=f"lat-{n}-{i % 500}", result=_result(n, i))
            latencies[n].append(time.perf_counter() - began)
            i += 1

    try:
        await asyncio.gather(*(client(n) for n in range(clients)))
    finally:
        for sdk in sdks:
            await sdk.close()
    return latencies


def _run_threads(server: ServeProcess, clients: int, seconds: float) -> list[list[float]]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(n: int) -> None:
        with Timeback(**server.client_kwargs(max_retries=0)) as sdk:
            put = sdk.oneroster.gradebook.put_result
            put(sourced_id=f"warm-{n}", result=_result(n, 0))
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
    return latencies


def _run(server: ServeProcess, clients: int, seconds: float, threads: bool = False) -> dict[str, float]:
    if threads:
        latencies = _run_threads(server, clients, seconds)
    else:
        latencies = asyncio.run(_run_tasks(server, clients, seconds))
    every = sorted(x for per_client in latencies for x in per_client)
    return {
        "calls": len(every),
        "calls_per_s": len(every) / seconds,
        "p50_ms": every[len(every) // 2] * 1000,
        "p99_ms": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000,
        "max_ms": every[-1] * 1000,
        "mean_ms": statistics.fmean(every) * 1000,
    }


def measure(clients: int = 16, seconds: float = 20.0, threads: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="timeback-bench-") as tmp:
        seed = Path(tmp) / "seed.json"
        seed.write_text(json.dumps(district_seed(4)))
        with ServeProcess(Path(tmp) / "latency.db", "--seed", str(seed)) as server:
            alone = _run(server, 1, max(2.0, seconds / 4), threads)
            loaded = _run(server, clients, seconds, threads)
    return {
        "clients": clients,
        "seconds": seconds,
        "client_kind": "threads" if threads else "async tasks",
        **loaded,
        **{f"alone_{k}": v for k, v in alone.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", action="store_true", help="blocking clients in threads instead of async tasks")
    args = parser.parse_args()
    figures = measure(args.clients, args.seconds, args.threads)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
