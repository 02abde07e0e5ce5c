"""Concurrent writers on a SQLite file: 16 SDK clients PUT the same 50 results over and over while two readers
list them, against a real server over loopback.

Checked: no 5xx and no error of any kind (no "database is locked"), every listing during the run shows exactly the
50 results, and at the end every stored result is the last write one of the writers made to it; counts match in
the root and the class-scoped listings.

The run lasts ``TIMEBACK_CONCURRENCY_SECONDS`` (default 5); the reliability report's figures come from a 30 s run:
``TIMEBACK_CONCURRENCY_SECONDS=30 .venv/bin/pytest -q -s tests/server/test_concurrency.py``.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import add_line_items, line_item_body, make_roster, result_body, uid
from timeback import Timeback
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"
WRITERS = 16
READERS = 2
SHARED_RESULTS = 50
SECONDS = float(os.environ.get("TIMEBACK_CONCURRENCY_SECONDS", "5"))


@dataclass
class Log:
    writes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # result id -> this writer's writes, in order
    errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    reads: int = 0


def sent_fields(record: dict[str, Any]) -> tuple[Any, ...]:
    """What a writer chose, as the server shows it back."""
    return (record["lineItem"]["sourcedId"], record["student"]["sourcedId"], record["score"], record["comment"])


def bearer(server: LocalServer) -> dict[str, str]:
    client_id, secret = server.credentials
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def writer(server: LocalServer, number: int, ids: list[str], choices: dict[str, list[str]], deadline: float,
           log: Log) -> None:  # fmt: skip
    rng = random.Random(number)
    # No retries: a 5xx or a dropped connection must surface here, not be papered over by the SDK.
    with Timeback(**server.client_kwargs(), max_retries=0) as client:
        gb = client.oneroster.gradebook
        sequence = 0
        while time.monotonic() < deadline:
            sourced_id = rng.choice(ids)
            body = result_body(
                rng.choice(choices["line_items"]),
                rng.choice(choices["students"]),
                score=float(rng.randrange(0, 101)),
                comment=f"writer {number} write {sequence}",
            )
            try:
                answer = gb.put_result(sourced_id=sourced_id, result=body)
                echoed = answer.result.model_dump(mode="json", by_alias=True)
                if sent_fields(echoed) != sent_fields(body):
                    log.errors.append(f"writer {number}: answer {sent_fields(echoed)} for {sent_fields(body)}")
                log.writes.setdefault(sourced_id, []).append(body)
                log.statuses[201] += 1
            except Exception as exc:  # every failure is a finding
                log.errors.append(f"writer {number}: {type(exc).__name__}: {exc}")
                log.statuses[getattr(exc, "status_code", None) or 0] += 1
            sequence += 1


def reader(server: LocalServer, class_id: str, ids: set[str], deadline: float, log: Log) -> None:
    with httpx.Client(base_url=server.url, headers=bearer(server), timeout=30) as http:
        while time.monotonic() < deadline:
            for path in (f"{GB}/results/", f"{GB}/classes/{class_id}/results"):
                response = http.get(path, params={"limit": 3000})
                log.statuses[response.status_code] += 1
                if response.status_code != 200:
                    log.errors.append(f"reader: {path} -> {response.status_code} {response.text[:200]}")
                    continue
                body = response.json()
                listed = [r["sourcedId"] for r in body["results"]]
                if body["totalCount"] != SHARED_RESULTS or len(listed) != SHARED_RESULTS or set(listed) != ids:
                    log.errors.append(f"reader: {path} listed {len(listed)} (totalCount {body['totalCount']})")
                log.reads += 1


def test_sixteen_writers_on_fifty_shared_results(tmp_path: Path) -> None:
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'concurrency.db'}", client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        roster = make_roster(client, students=[uid("student") for _ in range(4)])
        gb = client.oneroster.gradebook
        line_items = [uid("li") for _ in range(3)]
        gb.post_line_items_for_class(
            class_sourced_id=roster.class_, lineItems=[line_item_body(roster, li) for li in line_items]
        )
        ids = [f"shared-{i:02d}" for i in range(SHARED_RESULTS)]
        first = {sid: result_body(line_items[0], roster.students[0], sid, comment="initial") for sid in ids}
        gb.post_results_for_academic_session_for_class(
            class_sourced_id=roster.class_, academic_session_sourced_id=roster.term, results=list(first.values())
        )
        choices = {"line_items": line_items, "students": roster.students}

        logs = [Log() for _ in range(WRITERS + READERS)]
        started = time.monotonic()
        deadline = started + SECONDS
        threads = [
            threading.Thread(target=writer, args=(server, n, ids, choices, deadline, logs[n])) for n in range(WRITERS)
        ] + [
            threading.Thread(target=reader, args=(server, roster.class_, set(ids), deadline, logs[WRITERS + n]))
            for n in range(READERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads)

        statuses = sum((log.statuses for log in logs), Counter[int]())
        errors = [e for log in logs for e in log.errors]
        writes = sum(len(w) for log in logs[:WRITERS] for w in log.writes.values())
        print(f"\nconcurrency: {WRITERS} writers, {READERS} readers, {elapsed:.1f} s: {writes} writes "
              f"({writes / elapsed:.0f}/s), {sum(log.reads for log in logs)} listings, statuses {dict(statuses)}, "
              f"{sum(n for s, n in statuses.items() if s >= 500)} 5xx, {len(errors)} errors")  # fmt: skip
        assert not errors, errors[:10]
        assert not any("locked" in e for e in errors)
        assert writes > WRITERS  # every writer got through at least once on average

        with httpx.Client(base_url=server.url, headers=bearer(server)) as http:
            stored = {}
            for sid in ids:
                response = http.get(f"{GB}/results/{sid}")
                assert response.status_code == 200, response.text
                stored[sid] = response.json()["result"]
            for sid, record in stored.items():
                # The stored record is one of the writes made to it; more: it is the last write of some writer,
                # since each writer's own writes to an id are sequential.
                last_writes = {sent_fields(log.writes[sid][-1]) for log in logs[:WRITERS] if sid in log.writes}
                made = last_writes or {sent_fields(first[sid])}
                assert sent_fields(record) in made, (sid, sent_fields(record))
            for path in (f"{GB}/results/", f"{GB}/classes/{roster.class_}/results"):
                body = http.get(path, params={"limit": 3000}).json()
                assert body["totalCount"] == len(body["results"]) == len(ids)
                assert {r["sourcedId"]: r for r in body["results"]} == stored
        assert gb.get_all_results(limit=3000).total_count == len(ids)
        assert gb.get_results_for_class(class_sourced_id=roster.class_, limit=3000).total_count == len(ids)


def test_a_listing_page_and_its_total_come_from_one_snapshot(tmp_path: Path) -> None:
    """Batches are inserted while readers list: each listing's totalCount equals the rows it returned (once the
    page and the count were two reads, and a batch committed between them made them disagree)."""
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'snapshot.db'}", client_id="c", client_secret="s")
    seconds = min(SECONDS, 3.0)
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        roster = make_roster(client)
        line_item = uid("li")
        client.oneroster.gradebook.post_line_items_for_class(
            class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
        )
        deadline = time.monotonic() + seconds
        inserted: list[int] = []
        problems: list[str] = []

        def insert() -> None:
            with Timeback(**server.client_kwargs(), max_retries=0) as own:
                while time.monotonic() < deadline:
                    batch = [result_body(line_item, roster.students[0], uid("r")) for _ in range(20)]
                    own.oneroster.gradebook.post_results_for_academic_session_for_class(
                        class_sourced_id=roster.class_, academic_session_sourced_id=roster.term, results=batch
                    )
                    inserted.append(len(batch))

        def read(path: str) -> None:
            last = 0
            with httpx.Client(base_url=server.url, headers=bearer(server), timeout=30) as http:
                while time.monotonic() < deadline:
                    body = http.get(path, params={"limit": 3000}).json()
                    expected = min(body["totalCount"], body["limit"])  # a fast machine may pass the 3000 cap
                    if len(body["results"]) != expected or body["totalCount"] < last:
                        problems.append(f"{path}: totalCount {body['totalCount']}, {len(body['results'])} rows")
                    last = body["totalCount"]

        paths = [f"{GB}/results/", f"{GB}/classes/{roster.class_}/results"] * 2
        threads = [threading.Thread(target=insert) for _ in range(4)]
        threads += [threading.Thread(target=read, args=(path,)) for path in paths]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        assert not problems, problems[:5]
        assert client.oneroster.gradebook.get_all_results(limit=1).total_count == sum(inserted) > 0


def test_a_write_is_stamped_when_it_gets_the_write_lock_not_when_it_came(tmp_path: Path) -> None:
    """A PUT that waits behind another writer is stamped after that writer commits: whatever commits after a
    reader's snapshot is at least as new as all it saw, so ``dateLastModified>='<newest seen>'`` misses nothing."""
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'stamps.db'}", client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        r = make_roster(client)
        (line_item,) = add_line_items(client, r, 1)
        held, released = threading.Event(), []

        def hold_the_write_lock() -> None:
            with server.app.state.storage.transaction() as tx:
                first = tx.stamp()
                held.set()
                time.sleep(0.5)
                committing = time.time()  # (before the COMMIT: the waiting PUT can only be stamped after it)
            released.append((first, committing))

        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        held.wait(5)
        written = client.oneroster.gradebook.put_result(
            sourced_id=uid("res"), result=result_body(line_item, r.students[0])
        )
        holder.join()
        (first, committing), stamp = released[0], written.result.dateLastModified
        assert stamp > first
        assert _seconds(stamp) >= committing - 0.002  # (stamps are whole milliseconds)


def test_stamps_never_go_back_with_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from timeback.server.storage import sql

    storage = sql.open_storage(f"sqlite:///{tmp_path / 'clock.db'}")
    try:
        with storage.transaction() as tx:
            now = tx.stamp()
            assert tx.stamp() == now  # one stamp per transaction
        real = sql._now_ms()
        monkeypatch.setattr(sql, "_now_ms", lambda: real - 3_600_000)  # the clock set back an hour
        with storage.transaction() as tx:
            assert tx.stamp() == now
        monkeypatch.setattr(sql, "_now_ms", lambda: real + 3_600_000)
        with storage.transaction() as tx:
            later = tx.stamp()
        assert _seconds(later) - _seconds(now) > 3500
    finally:
        storage.close()


def _seconds(stamp: Any) -> float:
    """A dateLastModified (ISO text, or a datetime as the SDK gives it) as seconds since the epoch."""
    from datetime import datetime

    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return float(stamp.timestamp())


def test_a_file_from_before_the_stamp_was_kept_starts_at_its_newest_record(tmp_path: Path) -> None:
    """Stamps never go back across an upgrade either: the first start on an older file takes its newest record's."""
    import sqlite3

    from timeback.server.storage import sql

    path = tmp_path / "older.db"
    sql.open_storage(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:  # (as an older version left it: no stamp kept, records stamped ahead)
        conn.execute("DELETE FROM timeback_meta WHERE key = 'stamp'")
        conn.execute("INSERT INTO categories (sourced_id, status, date_last_modified, data) "
                     "VALUES ('cat-1', 'active', '2999-01-01T00:00:00.000Z', '{}')")  # fmt: skip
    conn.close()
    storage = sql.open_storage(f"sqlite:///{path}")
    try:
        with storage.transaction() as tx:
            assert tx.stamp() == "2999-01-01T00:00:00.000Z"
    finally:
        storage.close()


# Writes queued at once behind another program's lock, with a busy timeout of 1 s: each gives up after about 1 s,
# where waiting in turn the last gave up after QUEUED. The bound, half that, leaves seconds for a loaded machine.
QUEUED = 10


def test_writes_queued_behind_a_held_file_lock_each_give_up_one_busy_timeout_after_they_came(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds ``<db>-writer`` (as another ``serve --workers`` process does while it writes): every
    write waiting for it answers 503 one busy timeout after it came, however many wait in this process. (They
    waited one behind the other, each a fresh timeout once its turn came: the fifth answered after five.)"""
    import fcntl

    from timeback.server.storage import sql

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 1_000)
    database = tmp_path / "held.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id="c", client_secret="s")
    with LocalServer(settings) as server, open(f"{database}-writer", "rb") as other:
        headers = bearer(server)
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        answers = _puts_at_once(server, headers, QUEUED)
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
        assert [status for status, _ in answers] == [503] * QUEUED
        assert max(waited for _, waited in answers) < QUEUED / 2, answers
        # (and once the lock is free, a write goes through)
        answer = httpx.put(f"{server.url}{GB}/categories/held-after", json={"category": {"title": "T"}},
                           headers=headers)  # fmt: skip
        assert answer.status_code == 201, answer.text


def test_writes_queued_behind_another_programs_sqlite_lock_each_give_up_one_busy_timeout_after_they_came(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same when another program holds SQLite's own write lock (an open ``BEGIN IMMEDIATE``), not the file
    lock: each write took the file lock at once, then SQLite's busy wait gave it a fresh timeout of its own."""
    import sqlite3

    from timeback.server.storage import sql

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 1_000)
    database = tmp_path / "held.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id="c", client_secret="s")
    with LocalServer(settings) as server:
        headers = bearer(server)
        other = sqlite3.connect(database, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            answers = _puts_at_once(server, headers, QUEUED)
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert [status for status, _ in answers] == [503] * QUEUED
        assert max(waited for _, waited in answers) < QUEUED / 2, answers
        answer = httpx.put(f"{server.url}{GB}/categories/held-after", json={"category": {"title": "T"}},
                           headers=headers)  # fmt: skip
        assert answer.status_code == 201, answer.text


def _puts_at_once(server: LocalServer, headers: dict[str, str], count: int) -> list[tuple[int, float]]:
    """``count`` PUTs sent at once: (status, seconds from sending to the answer) of each."""
    answers: list[tuple[int, float]] = []

    def put(n: int) -> None:
        came = time.monotonic()
        answer = httpx.put(f"{server.url}{GB}/categories/held-{n}", json={"category": {"title": "T"}},
                           headers=headers, timeout=60)  # fmt: skip
        answers.append((answer.status_code, time.monotonic() - came))

    threads = [threading.Thread(target=put, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_threads_writing_behind_a_held_file_lock_each_give_up_one_busy_timeout_after_they_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same inside the storage (token saves of ``serve --workers`` write from the threadpool): threads queued on
    this process's writer lock share its deadline with the file lock's (they waited a fresh timeout each)."""
    import fcntl
    import sqlite3

    from timeback.server.storage import open_storage, sql

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 1_000)
    storage = open_storage(f"sqlite:///{tmp_path / 'held.db'}")
    try:
        with open(tmp_path / "held.db-writer", "rb") as other:
            fcntl.flock(other.fileno(), fcntl.LOCK_EX)
            failures: list[tuple[str, float]] = []

            def save(n: int) -> None:
                began = time.monotonic()
                try:
                    storage.save_token(bytes([n]), "c", "s", time.time() + 60, 1000)
                except sqlite3.OperationalError as exc:
                    failures.append((str(exc), time.monotonic() - began))

            threads = [threading.Thread(target=save, args=(n,)) for n in range(QUEUED)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert [message for message, _ in failures] == ["database is locked"] * QUEUED
        assert max(waited for _, waited in failures) < QUEUED / 2, failures
    finally:
        storage.close()


def test_a_write_after_one_that_gave_up_waits_its_whole_busy_timeout_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that waited for another program's SQLite lock mostly elsewhere (``waiting_since``) gives SQLite only
    what is left of its busy timeout; the connection's own timeout is put back after, so the next write waits its
    whole timeout again: here it outlasts the other program's 0.3 s hold (2 s timeout) and is stored."""
    import sqlite3

    from timeback.server.storage import open_storage, sql, waiting_since

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 2_000)
    database = tmp_path / "held.db"
    storage = open_storage(f"sqlite:///{database}")
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    try:
        other.execute("BEGIN IMMEDIATE")
        with waiting_since(time.monotonic() - 1.9), pytest.raises(sqlite3.OperationalError, match="locked"):
            storage.save_token(b"late", "c", "s", time.time() + 60, 1000)  # (0.1 s left of its wait)
        release.start()
        storage.save_token(b"next", "c", "s", time.time() + 60, 1000)
        release.join()
        assert storage.find_token(b"next") is not None and storage.find_token(b"late") is None
    finally:
        release.cancel()
        if release.is_alive():
            release.join()
        other.close()
        storage.close()


def test_as_many_listings_at_once_as_the_threadpool_runs_each_get_a_connection(tmp_path: Path) -> None:
    """20 listings at once (the threadpool runs 40), each holding its database connection until all 20 hold one:
    they all do. (The engine's pool gave out 15 connections, one of them kept by the writer: the 15th listing
    waited for one up to the pool's 30 s, then answered 500; here the others, waiting for it, gave up.)"""
    from contextlib import contextmanager

    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'pool.db'}", client_id="c", client_secret="s")
    with LocalServer(settings) as server:
        storage = server.app.state.storage
        reading = storage._read
        together = threading.Barrier(20, timeout=10)

        @contextmanager
        def read_together() -> Any:
            with reading() as conn:
                together.wait()
                yield conn

        storage._read = read_together
        headers = bearer(server)
        statuses: list[int] = []

        def listing() -> None:
            statuses.append(httpx.get(f"{server.url}{GB}/categories/", headers=headers, timeout=60).status_code)

        threads = [threading.Thread(target=listing) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [200] * 20
