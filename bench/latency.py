"""Latency under concurrency: 16 clients, each with its own connection, PUTting single results.

    python -m bench.latency [--clients 16] [--seconds 20] [--processes N] [--threads]

Against ``timeback serve`` on a SQLite file (a child process). Each client writes its own results (new ones and
rewrites of its earlier ones) as fast as it can, one call at a time; every call's latency is recorded, and the
server's own time for it (its ``Server-Timing`` header). Reported: calls per second and the p50/p99/max latency in
milliseconds, next to the same client alone (1 client) as the baseline.

Two kinds of client, each run in turn against the same server (the plain ones then against a second one):

- **Plain HTTP clients** (``http.client``, the standard library's: about 0.2 ms of CPU per PUT here), each a thread
  of one of the client processes. This is the server's latency, as a load generator measures it: on this 2-CPU
  machine the clients share the CPUs with the server, and cheap clients leave them to it.
- **Plain HTTP clients again, into ``timeback serve --workers 2``** (a fresh server on its own file): the two
  processes take the file's write lock in turn.
- **SDK clients** (``AsyncTimeback`` given a ``DefaultAsyncHttpxClient``, for an event hook that reads the server's
  time: the SDK's own httpx client's pool, cookie skip and direct loopback, in a client of the caller's, which
  still reads the environment's proxies, as the SDK's own for a loopback server does not; before session 36 a plain
  ``httpx.AsyncClient``, ~90 us more CPU per call), as async tasks. httpx's
  async stack alone costs about 1.0-1.6 ms of CPU per PUT here, several times the server's own time, so with 16 of
  them on the same two CPUs the clients' CPU, not the server, sets their latency (see docs/benchmarks.md).
- **SDK clients on aiohttp** (``AsyncTimeback(http_client=DefaultAioHttpClient())``, the ``aiohttp`` extra): the
  same, about a third less CPU per call (new in session 20).

The clients are spread over ``--processes`` client processes (by default one per CPU), as 16
integrators would be separate programs. In one interpreter the clients queue for its GIL and that wait is
reported as latency: with all 16 as threads of one process, even an ASGI app that does nothing showed a p99 of
47 ms. ``--processes 1`` puts all the tasks on one event loop; ``--threads`` runs blocking ``Timeback`` clients
as threads of one process instead. Both are kept to show that effect.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench import command_line
from bench._serve import ServeProcess
from bench.bulk import STUDENTS, district_seed, result
from timeback import AsyncTimeback, DefaultAioHttpClient, DefaultAsyncHttpxClient, DefaultHttpxClient, Timeback

Samples = tuple[list[float], list[float]]  # (seconds per call as the client saw it, ms the server said it spent)
Put = Callable[[str, dict[str, Any]], float]  # (sourcedId, result) -> ms the server said it spent


def _result(n: int, i: int) -> dict[str, Any]:
    return result(n % 4, i % STUDENTS, i % 101)


def _server_ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].partition("dur=")[2])


async def _run_tasks(
    kwargs: dict[str, Any],
    first: int,
    clients: int,
    seconds: float,
    ready: Callable[[], Any] | None = None,
    kind: str = "sdk",
) -> Samples:
    """Clients ``first`` .. ``first + clients - 1`` as tasks of this process's event loop; ``kind`` "aiohttp": each
    on a ``DefaultAioHttpClient``."""
    latencies: list[float] = []
    server: list[float] = []

    async def note(response: httpx.Response) -> None:
        server.append(_server_ms(response))

    # (the SDK's own httpx client's defaults, in a class that takes an event hook: a plain httpx one costs ~90 us more)
    http_client = DefaultAioHttpClient if kind == "aiohttp" else DefaultAsyncHttpxClient
    sdks = [AsyncTimeback(**kwargs, http_client=http_client(event_hooks={"response": [note]}))
            for _ in range(clients)]  # fmt: skip
    # token and connection before the clock starts
    await asyncio.gather(*(c.oneroster.gradebook.put_result(sourced_id=f"warm-{first + n}", result=_result(n, 0))
                           for n, c in enumerate(sdks)))  # fmt: skip
    if ready is not None:
        ready()  # every client process is warm: start together
    server.clear()
    stop_at = time.perf_counter() + seconds

    async def client(n: int) -> None:
        put = sdks[n].oneroster.gradebook.put_result
        i = 0
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            await put(sourced_id=f"lat-{first + n}-{i % 500}", result=_result(first + n, i))
            latencies.append(time.perf_counter() - began)
            i += 1

    try:
        await asyncio.gather(*(client(n) for n in range(clients)))
    finally:
        for sdk in sdks:
            await sdk.close()
    return latencies, server


@contextmanager
def _plain_put(kwargs: dict[str, Any], n: int) -> Iterator[Put]:
    """A client on its own ``http.client`` connection (kept alive), with the bearer token in ``kwargs["token"]``."""
    host, port = kwargs["base_url"].removeprefix("http://").split(":")
    headers = {"Authorization": f"Bearer {kwargs['token']}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection(host, int(port))
    path = "/ims/oneroster/gradebook/v1p2/results/"

    def put(sourced_id: str, body: dict[str, Any]) -> float:
        conn.request("PUT", path + sourced_id, json.dumps({"result": body}), headers)
        response = conn.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"PUT answered {response.status}")
        return float(response.getheader("server-timing", "").partition("dur=")[2])

    try:
        yield put
    finally:
        conn.close()


@contextmanager
def _sdk_put(kwargs: dict[str, Any], n: int) -> Iterator[Put]:
    """A blocking ``Timeback`` client; the server's time read from the answer by an httpx response hook."""
    spent = [0.0]
    http_client = DefaultHttpxClient(event_hooks={"response": [lambda r: spent.__setitem__(0, _server_ms(r))]})
    with Timeback(**kwargs, http_client=http_client) as sdk:

        def put(sourced_id: str, body: dict[str, Any]) -> float:
            sdk.oneroster.gradebook.put_result(sourced_id=sourced_id, result=body)
            return spent[0]

        yield put


def _run_in_threads(
    open_client: Callable[[int], AbstractContextManager[Put]],
    first: int,
    clients: int,
    seconds: float,
    ready: Callable[[], Any] | None = None,
) -> Samples:
    """Clients ``first`` .. ``first + clients - 1`` as threads of this process, each PUTting in a closed loop."""
    latencies: list[float] = []
    server: list[float] = []
    errors: list[BaseException] = []
    stop_at = [0.0]

    def get_ready() -> None:  # once: called again after it raised (the processes' barrier broken), it raised again
        nonlocal ready
        if ready is not None:
            wait, ready = ready, None
            wait()

    def begin() -> None:  # (the barrier's action: every client of this process is warm)
        get_ready()  # every client process is warm: start together
        stop_at[0] = time.perf_counter() + seconds  # (set before the warm-up, the window counted it: calls/s low)

    start = threading.Barrier(clients + 1, action=begin)

    def worker(n: int) -> None:
        try:
            with open_client(n) as put:
                put(f"warm-{n}", _result(n, 0))  # token and connection before the clock starts
                start.wait()
                i = 0
                while time.perf_counter() < stop_at[0]:
                    began = time.perf_counter()
                    spent = put(f"lat-{n}-{i % 500}", _result(n, i))
                    latencies.append(time.perf_counter() - began)
                    server.append(spent)
                    i += 1
        except BaseException as exc:  # reported below; a benchmark with errors is not a figure
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=worker, args=(first + n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:  # a client failed: its error is raised below
        get_ready()  # (the other processes' clients are not held waiting for this one's)
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed: {errors[0]!r}")
    return latencies, server


def _client_process(
    kind: str, kwargs: dict[str, Any], first: int, clients: int, seconds: float, start: Any, out: Any
) -> None:
    if kind == "plain":
        out.put(_run_in_threads(functools.partial(_plain_put, kwargs), first, clients, seconds, start.wait))
    else:
        out.put(asyncio.run(_run_tasks(kwargs, first, clients, seconds, start.wait, kind)))


def _run_processes(kind: str, kwargs: dict[str, Any], clients: int, seconds: float, processes: int) -> Samples:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter per client process, nothing inherited
    start, out = context.Barrier(processes), context.Queue()
    shares = [clients // processes + (p < clients % processes) for p in range(processes)]
    firsts = [sum(shares[:p]) for p in range(processes)]
    children = [context.Process(target=_client_process, args=(kind, kwargs, first, share, seconds, start, out))
                for first, share in zip(firsts, shares, strict=True)]  # fmt: skip
    for child in children:
        child.start()
    latencies: list[float] = []
    server: list[float] = []
    for _ in children:
        theirs, their_server = out.get(timeout=seconds + 120)
        latencies += theirs
        server += their_server
    for child in children:
        child.join()
        if child.exitcode:
            raise RuntimeError(f"a client process failed (exit code {child.exitcode})")
    return latencies, server


def _token(server: ServeProcess) -> str:
    """A bearer token for the plain clients: the OAuth2 client-credentials grant, as any HTTP client would do it."""
    kwargs = server.client_kwargs()
    response = httpx.post(f"{server.url}/oauth2/token", data={"grant_type": "client_credentials"},
                          auth=(kwargs["client_id"], kwargs["client_secret"]))  # fmt: skip
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def _percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(len(values) * fraction))]


def _run(
    server: ServeProcess, clients: int, seconds: float, processes: int, threads: bool, kind: str = "sdk"
) -> dict[str, float]:
    kwargs = server.client_kwargs(max_retries=0)
    if kind == "plain":
        kwargs["token"] = _token(server)
        if processes > 1:
            latencies, spent = _run_processes(kind, kwargs, clients, seconds, processes)
        else:
            latencies, spent = _run_in_threads(functools.partial(_plain_put, kwargs), 0, clients, seconds)
    elif threads:
        latencies, spent = _run_in_threads(functools.partial(_sdk_put, kwargs), 0, clients, seconds)
    elif processes > 1:
        latencies, spent = _run_processes(kind, kwargs, clients, seconds, processes)
    else:
        latencies, spent = asyncio.run(_run_tasks(kwargs, 0, clients, seconds, kind=kind))
    every, spent = sorted(latencies), sorted(spent)
    return {
        "calls": len(every),
        "calls_per_s": len(every) / seconds,
        "p50_ms": _percentile(every, 0.5) * 1000,
        "p99_ms": _percentile(every, 0.99) * 1000,
        "max_ms": every[-1] * 1000,
        "mean_ms": statistics.fmean(every) * 1000,
        "server_p50_ms": _percentile(spent, 0.5),
        "server_p99_ms": _percentile(spent, 0.99),
    }


def measure(clients: int = 16, seconds: float = 20.0, processes: int = 0, threads: bool = False) -> dict[str, Any]:
    processes = max(1, min(processes or os.cpu_count() or 1, clients))
    alone_seconds = max(min(2.0, seconds), seconds / 4)  # (at least 2 s, or the whole run if shorter: a smoke run)
    with tempfile.TemporaryDirectory(prefix="timeback-bench-") as tmp:
        seed = Path(tmp) / "seed.json"
        seed.write_text(json.dumps(district_seed(4)))
        with ServeProcess(Path(tmp) / "latency.db", "--seed", str(seed)) as server:
            plain_alone = _run(server, 1, alone_seconds, 1, False, "plain")
            plain = _run(server, clients, seconds, processes, False, "plain")
            alone = _run(server, 1, alone_seconds, 1, threads)
            loaded = _run(server, clients, seconds, processes, threads)
            aiohttp_alone = _run(server, 1, alone_seconds, 1, False, "aiohttp")
            aiohttp = _run(server, clients, seconds, processes, False, "aiohttp")
        with ServeProcess(Path(tmp) / "workers.db", "--seed", str(seed), "--workers", "2") as server:
            workers_alone = _run(server, 1, alone_seconds, 1, False, "plain")
            workers = _run(server, clients, seconds, processes, False, "plain")
    return {
        "clients": clients,
        "seconds": seconds,
        "client_kind": "threads of one process" if threads else f"async tasks in {processes} process(es)",
        **loaded,
        **{f"alone_{k}": v for k, v in alone.items()},
        **{f"aiohttp_{k}": v for k, v in aiohttp.items()},
        **{f"aiohttp_alone_{k}": v for k, v in aiohttp_alone.items()},
        "plain_client_kind": f"http.client threads in {processes} process(es)",
        **{f"plain_{k}": v for k, v in plain.items()},
        **{f"plain_alone_{k}": v for k, v in plain_alone.items()},
        **{f"workers_plain_{k}": v for k, v in workers.items()},
        **{f"workers_plain_alone_{k}": v for k, v in workers_alone.items()},
    }


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=0, help="client processes the clients are spread over "
                        "(default: one per CPU)")  # fmt: skip
    parser.add_argument("--threads", action="store_true", help="blocking clients in threads instead of async tasks")
    args = parser.parse_args()
    figures = measure(args.clients, args.seconds, args.processes, args.threads)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
