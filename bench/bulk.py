"""Bulk ingest and bulk read, end to end, next to their baselines measured in the same run.

    python -m bench.bulk [--results 100000] [--naive 2000] [--repeats 3]

Ingest: ``bulk_post_results`` (batches of 1,000, 4 in flight) into ``timeback serve`` on a SQLite file, in a child
process, then the same into ``timeback serve --workers 2`` (a server process per CPU, one file). Next to them: the
naive upload (one ``put_result`` per result, on ``--naive`` of them) and the storage ceiling (the same rows, as the
server stores them, written with raw ``sqlite3`` ``executemany``, 1,000 per transaction, into the server's own
schema). Read: every result back through ``get_all_results`` auto-pagination at ``limit=3000`` (``Timeback``, then
``AsyncTimeback``, then ``Timeback`` again with README's collector thresholds for an export set around the read,
``EXPORT_GC_THRESHOLDS``: the SDK leaves the process-wide collector alone, an application may not); next to it the raw
ceiling (``sqlite3`` reads the stored JSON in pages of 3,000 and joins each page into the API's envelope, as the
server does). Each ingest, read and ceiling runs ``--repeats`` times (fresh files each time); the figure is the median.
Next to each ingest and read: the CPU a record cost this process (all its threads) and the server (all its processes,
from ``/proc``). On 2 CPUs, 30,000 results/s leaves both sides together 66 us of CPU per result at most.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import resource
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from bench import command_line
from bench._serve import ServeProcess
from timeback import AsyncTimeback, Timeback

STUDENTS = 1000
SCHOOL, TERM, COURSE, CLASS, CATEGORY = "bench-school", "bench-term", "bench-course", "bench-class", "bench-cat"


def district_seed(line_items: int) -> dict[str, Any]:
    ref = {"sourcedId": SCHOOL}
    return {
        "orgs": [{"sourcedId": SCHOOL, "name": "Bench School", "type": "school"}],
        "academicSessions": [{"sourcedId": TERM, "title": "Term", "type": "term", "startDate": "2024-08-01",
                              "endDate": "2025-06-30", "schoolYear": "2025", "org": ref}],
        "courses": [{"sourcedId": COURSE, "title": "Course", "org": ref}],
        "classes": [{"sourcedId": CLASS, "title": "Class", "course": {"sourcedId": COURSE}, "school": ref,
                     "terms": [{"sourcedId": TERM}]}],
        "users": [{"sourcedId": f"stu-{i}", "enabledUser": True, "givenName": "S", "familyName": str(i),
                   "roles": [{"roleType": "primary", "role": "student", "org": ref}]} for i in range(STUDENTS)],
        "categories": [{"sourcedId": CATEGORY, "title": "Quizzes"}],
        "lineItems": [{"sourcedId": f"li-{i}", "title": f"Quiz {i}", "class": {"sourcedId": CLASS}, "school": ref,
                       "category": {"sourcedId": CATEGORY}, "assignDate": "2024-09-01", "dueDate": "2024-09-08",
                       "resultValueMin": 0, "resultValueMax": 100} for i in range(line_items)],
    }  # fmt: skip


def result(line_item: int, student: int, score: int) -> dict[str, Any]:
    """One result of the seeded district (line item ``li-N``, student ``stu-N``), as a plain dict, no sourcedId."""
    return {
        "lineItem": {"sourcedId": f"li-{line_item}"},
        "student": {"sourcedId": f"stu-{student}"},
        "class": {"sourcedId": CLASS},
        "scoreStatus": "fully graded",
        "scoreDate": "2024-09-08T10:00:00Z",
        "score": score,
    }


def results(count: int, prefix: str = "r") -> Iterator[dict[str, Any]]:
    """``count`` results, line item by line item (a gradebook export's order), as plain dicts."""
    for i in range(count):
        yield {"sourcedId": f"{prefix}-{i}", **result(i // STUDENTS, i % STUDENTS, i % 101), "comment": "Well done"}


def _seeded_server(directory: Path, name: str, count: int, *options: str) -> ServeProcess:
    seed = directory / f"{name}-seed.json"
    seed.write_text(json.dumps(district_seed(max(1, -(-count // STUDENTS)))))
    return ServeProcess(directory / f"{name}.db", "--seed", str(seed), *options)


def storage_ceiling(directory: Path, count: int) -> float:
    """Rows per second: the server's own rows for ``count`` results, raw ``sqlite3`` ``executemany``, 1,000 a commit."""
    from sqlalchemy import MetaData, create_engine, event

    from timeback.server.collections import COLLECTIONS
    from timeback.server.storage.sql import PAGE_SIZE, _build_tables, _row

    path = directory / "ceiling.db"
    for old in directory.glob("ceiling.db*"):
        old.unlink()  # (an earlier repeat's)
    metadata = MetaData()
    table = _build_tables(metadata)["results"]
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", lambda raw, _: raw.execute(f"PRAGMA page_size={PAGE_SIZE}"))  # (the server's)
    metadata.create_all(engine, tables=[table])
    engine.dispose()
    coll = COLLECTIONS["results"]
    stamp = "2026-11-22T00:00:00.000Z"
    rows = [_row(coll, {**r, "status": "active", "dateLastModified": stamp}) for r in results(count, "raw")]
    columns = [column.name for column in table.columns if column.name != "pk"]  # (_row's order)
    sql = f"INSERT INTO results ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # the server's settings
    started = time.perf_counter()
    for start in range(0, count, 1000):
        with conn:
            conn.executemany(sql, rows[start : start + 1000])
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


def read_ceiling(database: Path, limit: int = 3000) -> tuple[int, float]:
    """(rows, rows per second): pages of ``limit`` stored results read with raw ``sqlite3`` and serialized as the
    API's envelope the way the server does it, joining the stored JSON texts (parsing and re-dumping each record
    instead ran at 52,000/s on this machine: below what the SDK reads through HTTP, so no ceiling)."""
    conn = sqlite3.connect(database)
    started = time.perf_counter()
    rows = last = 0
    while True:
        page = conn.execute(
            "SELECT pk, data FROM results WHERE pk > ? AND status = 'active' ORDER BY pk LIMIT ?", (last, limit)
        ).fetchall()
        if not page:
            break
        body = '{"results":[' + ",".join(data for _, data in page) + f'],"totalCount":{rows + len(page)}}}'
        rows += len(page)
        last = page[-1][0]
        assert body.endswith("}")
    elapsed = time.perf_counter() - started
    conn.close()
    return rows, rows / elapsed


class Timed(NamedTuple):
    """One timed run: records per second, and the CPU each side spent per record (all threads of this process;
    all processes of the server, None where there is no ``/proc``)."""

    per_s: float
    client_us: float
    server_us: float | None


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(server: ServeProcess, count: int, work: Callable[[], float]) -> Timed:
    """``work()`` (which returns its own elapsed seconds), with the CPU both sides spent on it."""
    client, served = _cpu(), server.cpu_seconds()
    elapsed = work()
    client, after = _cpu() - client, server.cpu_seconds()
    server_us = None if served is None or after is None else (after - served) / count * 1e6
    return Timed(count / elapsed, client / count * 1e6, server_us)


def _ingest(directory: Path, name: str, count: int, batch_size: int, concurrency: int, *options: str) -> Timed:
    """``count`` results through ``bulk_post_results`` into a fresh server's file."""
    with _seeded_server(directory, name, count, *options) as server, Timeback(**server.client_kwargs()) as client:
        client.oneroster.gradebook.get_all_results(limit=1)  # (the token and the connection, before the clock)

        def upload() -> float:
            summary = client.oneroster.gradebook.bulk_post_results(
                results(count), batch_size=batch_size, concurrency=concurrency
            )
            assert summary.ok and summary.stored == count, summary.failures[:3]
            return summary.seconds

        return _timed(server, count, upload)


def _resync(server: ServeProcess, count: int, batch_size: int, concurrency: int) -> Timed:
    """The same ``count`` results uploaded again with ``if_exists="replace"``, none changed: every batch meets 409
    and its records are read back (nothing is written)."""
    with Timeback(**server.client_kwargs()) as client:
        client.oneroster.gradebook.get_all_results(limit=1)  # (the token and the connection, before the clock)

        def upload() -> float:
            summary = client.oneroster.gradebook.bulk_post_results(
                results(count), batch_size=batch_size, concurrency=concurrency, if_exists="replace"
            )
            assert summary.ok and summary.unchanged == count, (summary.unchanged, summary.failures[:3])
            return summary.seconds

        return _timed(server, count, upload)


# What README's "Long exports and the garbage collector" suggests an application set around an export.
EXPORT_GC_THRESHOLDS = (10_000, 50, 100)


def _read(server: ServeProcess, count: int, gc_thresholds: tuple[int, int, int] | None = None) -> Timed:
    """Every result back through auto-pagination at ``limit=3000``; with ``gc_thresholds``, the collector's
    thresholds set to them for the read (as an application may around an export) and restored after."""
    with Timeback(**server.client_kwargs()) as client:
        client.oneroster.gradebook.get_all_results(limit=1)  # (the token and the connection, before the clock)

        def read_all() -> float:
            defaults = gc.get_threshold()
            if gc_thresholds is not None:
                gc.set_threshold(*gc_thresholds)
            try:
                started = time.perf_counter()
                read = sum(1 for _ in client.oneroster.gradebook.get_all_results(limit=3000))
                elapsed = time.perf_counter() - started
            finally:
                gc.set_threshold(*defaults)
            assert read == count, read
            return elapsed

        return _timed(server, count, read_all)


def _read_async(server: ServeProcess, count: int) -> Timed:
    """The same read with ``AsyncTimeback`` (``async for``), by a caller that awaits nothing per item."""
    import asyncio

    async def read_all() -> float:
        async with AsyncTimeback(**server.client_kwargs()) as client:
            await client.oneroster.gradebook.get_all_results(limit=1)  # (the token and the connection)
            started = time.perf_counter()
            read = 0
            async for _ in client.oneroster.gradebook.get_all_results(limit=3000):
                read += 1
            assert read == count, read
            return time.perf_counter() - started

    return _timed(server, count, lambda: asyncio.run(read_all()))


def _delta(server: ServeProcess, changed: int = 1000, repeats: int = 5) -> tuple[float, float]:
    """(ms, ms): a delta sync's read of the ``changed`` results posted after the newest one the file held
    (``dateLastModified>'<that one's>'``, its index), and, as its baseline, the first ``changed`` results of an
    unfiltered listing (the cheapest read of as many records). Medians of ``repeats``."""
    with Timeback(**server.client_kwargs()) as client:
        gradebook = client.oneroster.gradebook
        newest = gradebook.get_all_results(sort="dateLastModified", order_by="desc", limit=1).items[0]
        summary = gradebook.bulk_post_results(results(changed, "delta"))
        assert summary.ok and summary.stored == changed, summary.failures[:3]

        def median_ms(read: Callable[[], int]) -> float:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                assert read() == changed
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1000

        since = f"dateLastModified>'{newest.dateLastModified}'"
        delta = median_ms(lambda: sum(1 for _ in gradebook.get_all_results(filter=since, limit=3000)))
        first = median_ms(lambda: len(gradebook.get_all_results(limit=changed).items))
        return delta, first


def measure(
    count: int = 100_000, naive: int = 2000, batch_size: int = 1000, concurrency: int = 4, repeats: int = 3
) -> dict[str, Any]:
    """Each timed figure (and its ceiling) ``repeats`` times: the median is the figure, every run is kept
    (``*_runs``). This machine's speed moves by a quarter between runs minutes apart; one run is a draw."""
    timed: dict[str, list[Timed]] = {
        "ingest": [], "read": [], "read_async": [], "read_gc_tuned": [], "ingest_workers": [], "resync": []
    }  # fmt: skip
    runs: dict[str, list[float]] = {"storage_ceiling": [], "read_ceiling": [], "delta_ms": [], "first_page_ms": []}
    with tempfile.TemporaryDirectory(prefix="timeback-bench-") as tmp:
        directory = Path(tmp)
        for n in range(repeats):
            timed["ingest"].append(_ingest(directory, f"bulk-{n}", count, batch_size, concurrency))
            with ServeProcess(directory / f"bulk-{n}.db") as server:  # (the file just written: reads only)
                timed["read"].append(_read(server, count))
                timed["read_async"].append(_read_async(server, count))
                timed["read_gc_tuned"].append(_read(server, count, EXPORT_GC_THRESHOLDS))
            runs["read_ceiling"].append(read_ceiling(directory / f"bulk-{n}.db")[1])
            with ServeProcess(directory / f"bulk-{n}.db") as server:  # (after the ceiling: it adds results)
                delta_ms, first_page_ms = _delta(server, min(1000, count))
                timed["resync"].append(_resync(server, count, batch_size, concurrency))
            runs["delta_ms"].append(delta_ms)
            runs["first_page_ms"].append(first_page_ms)
            # The same upload into `timeback serve --workers 2`: a server process per CPU on the same file.
            timed["ingest_workers"].append(
                _ingest(directory, f"workers-{n}", count, batch_size, concurrency, "--workers", "2")
            )
            # In a child process: its imports (SQLAlchemy, the server's modules) would double this process's heap,
            # which the garbage collector's full passes scan, and the next repeat's read would pay for them.
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
                runs["storage_ceiling"].append(child.submit(storage_ceiling, directory, count).result())
            for name in (f"bulk-{n}", f"workers-{n}"):
                for path in directory.glob(f"{name}.db*"):
                    path.unlink()  # (keeps the temporary directory at one file per kind)

        with _seeded_server(directory, "naive", naive) as server, Timeback(**server.client_kwargs()) as client:
            started = time.perf_counter()
            for record in results(naive, "naive"):
                client.oneroster.gradebook.put_result(sourced_id=record["sourcedId"], result=record)
            naive_per_s = naive / (time.perf_counter() - started)
    figures: dict[str, Any] = {"results": count, "repeats": repeats, "naive_per_s": naive_per_s}
    figures["delta_results"] = min(1000, count)
    for name, values in runs.items():
        key = name if name.endswith("_ms") else f"{name}_per_s"
        figures[key] = statistics.median(values)
        figures[f"{name}_runs"] = values
    for name, done in timed.items():
        figures[f"{name}_per_s"] = statistics.median(run.per_s for run in done)
        figures[f"{name}_runs"] = [run.per_s for run in done]
        # CPU per record, client and server: with 2 CPUs, N records/s can take at most 2e6/N us of both together.
        figures[f"{name}_client_us"] = statistics.median(run.client_us for run in done)
        server_us = [run.server_us for run in done if run.server_us is not None]
        figures[f"{name}_server_us"] = statistics.median(server_us) if server_us else None
    figures["ingest_vs_naive"] = figures["ingest_per_s"] / naive_per_s
    figures["workers_vs_naive"] = figures["ingest_workers_per_s"] / naive_per_s
    figures["ingest_vs_ceiling"] = figures["ingest_per_s"] / figures["storage_ceiling_per_s"]
    figures["read_vs_ceiling"] = figures["read_per_s"] / figures["read_ceiling_per_s"]
    return figures


def rounded(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures to print: each to 2 decimals, the runs of a rate in whole records, of a time (``*_ms_runs``) to
    0.1 ms (whole, a delta of 17.83 ms showed as runs of 11 and 25)."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        if isinstance(value, list):
            out[key] = [round(x, 1 if key.endswith("_ms_runs") else None) for x in value]
        else:
            out[key] = value if value is None else round(value, 2)
    return out


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timed figure (the median is reported)")
    args = parser.parse_args()
    figures = measure(args.results, args.naive, repeats=args.repeats)
    print(json.dumps(rounded(figures), indent=2))


if __name__ == "__main__":
    main()
