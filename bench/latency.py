"""Latency under concurrency: 16 clients, each its own ``AsyncTimeback`` and connection, PUTting single results.

    python -m bench.latency [--clients 16] [--seconds 20] [--processes 4] [--threads]

Against ``timeback serve`` on a SQLite file (a child process). Each client writes its own results (new ones and
rewrites of its earlier ones) as fast as it can, one call at a time; every call's latency is recorded. Reported:
calls per second and the p50/p99/max latency in milliseconds, next to the same client alone (1 client) as the
baseline.

The clients run as async tasks spread over ``--processes`` client processes (by default 4 processes of 4 clients), as
16 integrators would be separate programs. In one interpreter the clients queue for its GIL and that wait is
reported as latency: with all 16 as threads of one process, even an ASGI app that does nothing showed a p99 of
47 ms. ``--processes 1`` puts all the tasks on one event loop; ``--threads`` runs blocking ``Timeback`` clients
as threads of one process instead. Both are kept to show that effect.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
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


async def _run_tasks(
    kwargs: dict[str, Any], first: int, clients: int, seconds: float, ready: Callable[[], Any] | None = None
) -> list[list[float]]:
    """Clients ``first`` .. ``first + clients - 1`` as tasks of this process's event loop."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    sdks = [AsyncTimeback(**kwargs) for _ in range(clients)]
    # token and connection before the clock starts
    await asyncio.gather(*(c.oneroster.gradebook.put_result(sourced_id=f"warm-{first + n}", result=_result(n, 0))
                           for n, c in enumerate(sdks)))  # fmt: skip
    if ready is not None:
        ready()  # every client process is warm: start together
    stop_at = time.perf_counter() + seconds

    async def client(n: int) -> None:
        put = sdks[n].oneroster.gradebook.put_result
        i = 0
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            await put(sourced_id=f"lat-{first + n}-{i % 500}", result=_result(first + n, i))
            latencies[n].append(time.perf_counter() - began)
            i += 1

    try:
        await asyncio.gather(*(client(n) for n in range(clients)))
    finally:
        for sdk in sdks:
            await sdk.close()
    return latencies


def _client_process(kwargs: dict[str, Any], first: int, clients: int, seconds: float, start: Any, out: Any) -> None:
    out.put(asyncio.run(_run_tasks(kwargs, first, clients, seconds, start.wait)))


def _run_processes(server: ServeProcess, clients: int, seconds: float, processes: int) -> list[list[float]]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter per client process, nothing inherited
    start, out = context.Barrier(processes), context.Queue()
    shares = [clients // processes + (p < clients % processes) for p in range(processes)]
    firsts = [sum(shares[:p]) for p in range(processes)]
    kwargs = server.client_kwargs(max_retries=0)
    children = [context.Process(target=_client_process, args=(kwargs, first, share, seconds, start, out))
                for first, share in zip(firsts, shares, strict=True)]  # fmt: skip
    for child in children:
        child.start()
    latencies: list[list[float]] = []
    for _ in children:
        latencies.extend(out.get(timeout=seconds + 120))
    for child in children:
        child.join()
        if child.exitcode:
            raise RuntimeError(f"a client process failed (exit code {child.exitcode})")
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


def _run(server: ServeProcess, clients: int, seconds: float, processes: int, threads: bool) -> dict[str, float]:
    if threads:
        latencies = _run_threads(server, clients, seconds)
    elif processes > 1:
        latencies = _run_processes(server, clients, seconds, processes)
    else:
        latencies = asyncio.run(_run_tasks(server.client_kwargs(max_retries=0), 0, clients, seconds))
    every = sorted(x for per_client in latencies for x in per_client)
    return {
        "calls": len(every),
        "calls_per_s": len(every) / seconds,
        "p50_ms": every[len(every) // 2] * 1000,
        "p99_ms": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000,
        "max_ms": every[-1] * 1000,
        "mean_ms": statistics.fmean(every) * 1000,
    }


def measure(clients: int = 16, seconds: float = 20.0, processes: int = 4, threads: bool = False) -> dict[str, Any]:
    processes = max(1, min(processes, clients))
    with tempfile.TemporaryDirectory(prefix="timeback-bench-") as tmp:
        seed = Path(tmp) / "seed.json"
        seed.write_text(json.dumps(district_seed(4)))
        with ServeProcess(Path(tmp) / "latency.db", "--seed", str(seed)) as server:
            alone = _run(server, 1, max(2.0, seconds / 4), 1, threads)
            loaded = _run(server, clients, seconds, processes, threads)
    return {
        "clients": clients,
        "seconds": seconds,
        "client_kind": "threads of one process" if threads else f"async tasks in {processes} process(es)",
        **loaded,
        **{f"alone_{k}": v for k, v in alone.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=4, help="client processes the clients are spread over")
    parser.add_argument("--threads", action="store_true", help="blocking clients in threads instead of async tasks")
    args = parser.parse_args()
    figures = measure(args.clients, args.seconds, args.processes, args.threads)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
