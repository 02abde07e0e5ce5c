"""Storage: the views (schools in orgs, students in users) read the same through SQLAlchemy and the driver's SQL;
the WAL is copied by a background thread, never by a request's COMMIT."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.support import add_line_items, add_students, commits, line_item_body, make_roster, result_body, uid
from timeback import Timeback
from timeback.errors import UnprocessableEntityError
from timeback.server import ServerSettings
from timeback.server.collections import COLLECTIONS
from timeback.server.runner import LocalServer
from timeback.server.storage import open_storage, sql

STAMP = "2026-12-01T00:00:00.000Z"


def _record(sourced_id: str, **fields: Any) -> dict[str, Any]:
    return {"sourcedId": sourced_id, "status": "active", "dateLastModified": STAMP, **fields}


def test_a_view_keeps_to_its_records_on_both_paths() -> None:
    storage = open_storage("sqlite://")
    orgs, users = COLLECTIONS["orgs"], COLLECTIONS["users"]
    schools, students = COLLECTIONS["schools"], COLLECTIONS["students"]
    with storage.transaction() as tx:
        tx.insert(
            orgs, [_record("school-1", name="S", type="school"), _record("district-1", name="D", type="district")]
        )
        roles = [{"roleType": "primary", "role": "student", "org": {"sourcedId": "school-1"}}]
        teaching = [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": "school-1"}}]
        tx.insert(users, [_record("pupil", roles=roles), _record("teacher", roles=teaching)])
    with storage.transaction() as tx:  # the driver's SQL (reference and parent checks, reads in a write)
        assert tx.existing_ids(schools, ["school-1", "district-1"]) == {"school-1"}
        assert tx.existing_ids(students, ["pupil", "teacher"]) == {"pupil"}
        assert tx.existing_ids(orgs, ["school-1", "district-1"]) == {"school-1", "district-1"}
        assert tx.get(schools, "district-1") is None and tx.get(schools, "school-1") is not None
    # SQLAlchemy (reads)
    assert storage.get(schools, "district-1") is None and storage.get(schools, "school-1") is not None
    assert storage.get(students, "teacher") is None and storage.get(students, "pupil") is not None
    storage.close()


def test_ids_holding_a_nul_are_found_in_a_lookup_of_many() -> None:
    """The server refuses U+0000 in what it is sent, but a file written before may hold such ids: the reference
    check and the lookup of a batch's taken ids, many ids in one statement through SQLite's JSON functions (which
    end a string at \\u0000), must still find them (a batch naming two reported them unknown; one colliding with
    one was a 500)."""
    storage = open_storage("sqlite://")
    users = COLLECTIONS["users"]
    held = ["pupil\x00a", "pupil\x00b"]
    with storage.transaction() as tx:
        tx.insert(users, [_record(sourced_id, givenName="G", familyName="F") for sourced_id in held])
    with storage.transaction() as tx:
        assert tx.existing_ids(users, [*held, "pupil", "no\x00such"]) == set(held)
        assert tx.existing_many([(users, ["pupil\x00a"]), (users, held)]) == [{"pupil\x00a"}, set(held)]
    storage.close()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_one_database_for_every_connection(url: str) -> None:
    storage = open_storage(url)
    with storage.transaction() as tx:
        tx.insert(COLLECTIONS["orgs"], [_record("org-1", name="O", type="school")])
    found: list[Any] = []
    reader = threading.Thread(target=lambda: found.append(storage.get(COLLECTIONS["orgs"], "org-1")))
    reader.start()
    reader.join()
    assert found[0] is not None and found[0]["sourcedId"] == "org-1"
    storage.close()


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite+pysqlite:///"])
def test_a_url_with_an_empty_path_is_refused_not_served_in_memory(url: str) -> None:
    # (`--database "sqlite:///$DB"`, the variable unset: served in memory, nothing said; it gave each pooled connection
    # a private database before that: reads found no tables, 500s)
    with pytest.raises(sql.UnsupportedDatabase, match=r"names no file \(an empty path: a variable left unset\?\)"):
        open_storage(url)


@pytest.mark.parametrize("url", ["sqlite+foo:///x.db", "sqlite+aiosqlite:///x.db", "postgresql://h/db"])
def test_a_url_that_is_not_sqlite_is_refused_saying_so(url: str) -> None:
    # ('sqlitefoo' was sqlalchemy's ArgumentError, 'sqlite+foo' its NoSuchModuleError: tracebacks from serve)
    with pytest.raises(sql.UnsupportedDatabase, match=r"only SQLite is built in"):
        open_storage(url)


def test_ids_found_are_known_once_committed_and_not_looked_up_again() -> None:
    storage = open_storage("sqlite://")
    orgs, schools = COLLECTIONS["orgs"], COLLECTIONS["schools"]
    with pytest.raises(RuntimeError), storage.transaction() as tx:
        tx.insert(orgs, [_record("org-1", name="O", type="school")])
        assert tx.existing_ids(orgs, ["org-1"]) == {"org-1"}  # its own insert, seen inside it
        raise RuntimeError("rolled back")
    with storage.transaction() as tx:  # nothing learned from the transaction that was rolled back
        assert tx.existing_ids(orgs, ["org-1"]) == set()
        tx.insert(orgs, [_record("org-1", name="O", type="school")])
    with storage.transaction() as tx:
        assert tx.existing_many([(orgs, ["org-1", "org-2"]), (schools, ["org-1"])]) == [{"org-1"}, {"org-1"}]
    assert storage.known_ids.of(orgs) == {"org-1"} and storage.known_ids.of(schools) is None  # (a view: never)

    statements: list[str] = []
    storage._writer().set_trace_callback(statements.append)
    with storage.transaction() as tx:
        # (whether another process emptied the file, or another program wrote to it: one PRAGMA per transaction)
        assert statements.count("PRAGMA data_version") == 1

        def lookups() -> list[str]:
            return [s for s in statements if s.startswith("SELECT")]

        assert tx.existing_ids(orgs, ["org-1"]) == {"org-1"}
        assert not lookups(), statements  # known: no lookup
        assert tx.existing_ids(orgs, ["org-1", "org-2"]) == {"org-1"}
        assert lookups(), statements  # org-2 is not known: looked up
    storage.close()


def test_known_ids_start_over_past_their_limit(monkeypatch: Any) -> None:
    monkeypatch.setattr(sql.KnownIds, "LIMIT", 3)
    known = sql.KnownIds()
    users = COLLECTIONS["users"]
    known.add("users", {"a", "b"})
    known.add("users", {"c"})
    assert known.of(users) == {"a", "b", "c"}
    known.add("users", {"d"})
    assert known.of(users) == {"d"}


def test_only_deleted_rows_are_indexed_by_status(tmp_path: Path) -> None:
    open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}").close()
    old_file = sqlite3.connect(tmp_path / "db.sqlite")  # made into a file of when every row's status was indexed,
    old_file.execute("DROP INDEX ix_results_tobedeleted")  # and then the deleted rows' pk
    old_file.execute("CREATE INDEX ix_results_status ON results (status)")
    old_file.execute("CREATE INDEX ix_results_deleted ON results (pk) WHERE status = 'tobedeleted'")
    old_file.close()
    for _ in range(2):  # (the second: a file this version made)
        storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
        storage.close()
        conn = sqlite3.connect(tmp_path / "db.sqlite")
        indexes = {
            name: sql_text
            for name, sql_text in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'results'"
            )
        }
        on_status = {name: text for name, text in indexes.items() if text and "(status)" in text}
        assert list(on_status) == ["ix_results_tobedeleted"], indexes  # every row's costs inserts
        assert "WHERE status = 'tobedeleted'" in on_status["ix_results_tobedeleted"]
        assert "ix_results_deleted" not in indexes  # (its pk served no OR branch)
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT pk FROM results WHERE status = ? ORDER BY pk", ("tobedeleted",))
        assert "ix_results_tobedeleted" in str(plan.fetchall())
        conn.close()


def _file_made_before(tmp_path: Path, index: str) -> Path:
    """A database file as one made before ``index`` was: made, then the index dropped."""
    database = tmp_path / "db.sqlite"
    open_storage(f"sqlite:///{database}").close()
    old_file = sqlite3.connect(database)
    old_file.execute(f"DROP INDEX {index}")
    old_file.close()
    return database


def test_issuing_a_token_drops_the_expired_ones_through_an_index(tmp_path: Path) -> None:
    """Each token a ``--workers`` server issues drops the expired ones: with no index on their expiry that scanned the
    whole table (up to max_tokens rows) under the write lock, 7 ms a token at the cap of 100,000. A file made before
    the index gets it when opened."""
    database = _file_made_before(tmp_path, "ix_timeback_tokens_expires_at")
    storage = open_storage(f"sqlite:///{database}")
    storage.save_token(b"digest", "client", "scope", time.time() + 60, keep=10)
    storage.close()
    conn = sqlite3.connect(database)
    plan = conn.execute("EXPLAIN QUERY PLAN DELETE FROM timeback_tokens WHERE expires_at <= ?", (time.time(),))
    assert "ix_timeback_tokens_expires_at" in str(plan.fetchall())
    conn.close()


def test_a_file_too_old_for_the_indexes_is_refused_clearly_and_left_as_it_was(tmp_path: Path) -> None:
    old_file = sqlite3.connect(tmp_path / "db.sqlite")  # a results table without the reference columns
    old_file.execute("CREATE TABLE timeback_meta (key VARCHAR(32) PRIMARY KEY, value BIGINT NOT NULL)")
    old_file.execute("CREATE TABLE results (pk INTEGER PRIMARY KEY, sourced_id TEXT, status TEXT, data TEXT)")
    old_file.close()
    before = (tmp_path / "db.sqlite").read_bytes()
    with pytest.raises(sql.UnsupportedDatabase, match=r"made by an older timeback .*ref_.*start a new file"):
        open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert (tmp_path / "db.sqlite").read_bytes() == before  # (no tables made, not switched to WAL)


def test_a_file_holds_its_schema_number_and_one_a_newer_timeback_wrote_is_refused_as_it_was(tmp_path: Path) -> None:
    """``PRAGMA user_version`` is the file's schema: 0 in a file written before it was kept (opened, it is this
    version's), and a higher one than this version's (a newer timeback's file, which this one could misread or
    mangle) is refused, saying so, before anything is written to it."""
    path = tmp_path / "db.sqlite"
    for version in (None, 0):
        if version is not None:
            with closing(sqlite3.connect(path)) as older:
                older.execute(f"PRAGMA user_version = {version}")
        open_storage(f"sqlite:///{path}").close()
        with closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA user_version").fetchone() == (sql.SCHEMA_VERSION,)
    newer = sql.SCHEMA_VERSION + 1
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    before = path.read_bytes()
    with pytest.raises(sql.UnsupportedDatabase) as refused:
        open_storage(f"sqlite:///{path}")
    assert str(refused.value) == (
        f"{path} was written by a newer timeback (its schema {newer}, this one's {sql.SCHEMA_VERSION}): serve it "
        "with that version or a later one, or start a new file"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", ["no bytes", "no tables"])
def test_an_empty_file_is_made_a_timeback_database(tmp_path: Path, content: str) -> None:
    path = tmp_path / "db.sqlite"
    path.touch()
    if content == "no tables":
        empty = sqlite3.connect(path)
        empty.execute("PRAGMA user_version = 7")  # (writes the header: a database file with nothing in it)
        empty.close()
        assert path.stat().st_size > 0
    open_storage(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'timeback_meta'").fetchone() == (1,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_a_file_made_before_timeback_meta_is_served(tmp_path: Path) -> None:
    # (the first versions made the record tables alone: it is timeback's, not another program's)
    path = tmp_path / "db.sqlite"
    open_storage(f"sqlite:///{path}").close()
    earlier = sqlite3.connect(path)
    earlier.execute("DROP TABLE timeback_meta")
    earlier.execute("DROP TABLE timeback_tokens")
    earlier.close()
    storage = open_storage(f"sqlite:///{path}")
    with storage.transaction() as tx:
        tx.insert(COLLECTIONS["orgs"], [_record("org-1", name="O", type="school")])
    assert storage.get(COLLECTIONS["orgs"], "org-1") is not None
    storage.close()


def test_a_file_whose_name_is_not_utf8_is_served_again(tmp_path: Path) -> None:
    # (a byte of another encoding in its name: made at the first start, then a UnicodeEncodeError at every start
    # after, as the file was checked: ``timeback serve`` printed a traceback; with --workers, every worker died that
    # way and was started again, forever)
    path = tmp_path / os.fsdecode(b"latin1-\xe9.db")
    settings = ServerSettings(database=f"sqlite:///{path}")
    with LocalServer(settings) as first, Timeback(**first.client_kwargs()) as client:
        client.oneroster.gradebook.put_category(sourced_id="kept", category={"title": "Kept"})
    with LocalServer(settings) as again, Timeback(**again.client_kwargs()) as client:
        assert client.oneroster.gradebook.get_category(sourced_id="kept").category.title == "Kept"


def test_sqlite_url_names_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    # (quote() refused the lone surrogate that stands for the byte: a UnicodeEncodeError, the demo's too in a
    # temporary directory so named; a %E9 in its place, SQLAlchemy read as U+FFFD, another file)
    name = b"caf\xe9 %41?.db"
    with LocalServer(ServerSettings(database=sql.sqlite_url(tmp_path / os.fsdecode(name)))) as server:
        with Timeback(**server.client_kwargs()) as client:
            client.oneroster.gradebook.put_category(sourced_id="kept", category={"title": "Kept"})
    assert {entry[: len(name)] for entry in os.listdir(os.fsencode(tmp_path))} == {name}
    conn = sqlite3.connect(os.path.join(os.fsencode(tmp_path), name))
    try:
        assert conn.execute("SELECT sourced_id FROM categories").fetchall() == [("kept",)]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("C:\\Users\\me\\timeback.db", "file:///C:/Users/me/timeback.db"),
        ("\\\\server\\share\\timeback.db", "file:////server/share/timeback.db"),  # (UNC: an empty authority)
        ("D:\\my files\\50% #1?.db", "file:///D:/my%20files/50%25%20%231%3F.db"),
        ("C:\\Users\\me\\成績.db", "file:///C:/Users/me/%E6%88%90%E7%B8%BE.db"),
    ],
)
def test_a_windows_path_is_given_to_sqlite_as_a_uri_it_takes(
    monkeypatch: pytest.MonkeyPatch, path: str, uri: str
) -> None:
    """An existing file is checked through its URI: Windows' absolute path made ``file://C%3A%5CUsers...``, which
    SQLite refused ("invalid uri authority"), and every restart of ``timeback serve`` on a file failed there."""
    with monkeypatch.context() as windows:  # (only around the call: pytest's own reporting reads os.name)
        windows.setattr(os, "name", "nt")
        built = sql._file_uri(path)
    assert built == uri
    # (SQLite parses the whole URI first, on every platform; mode=memory then opens no file)
    sqlite3.connect(f"{uri}?mode=memory", uri=True).close()


def test_a_file_whose_name_holds_uri_characters_is_opened_again(tmp_path: Path) -> None:
    # (its second opening reads it through its URI, in mode=rw: a character read as the URI's own was no such file)
    path = tmp_path / "my files" / "50% #1?成績.db"
    path.parent.mkdir()
    for n in range(2):
        storage = open_storage(sql.sqlite_url(path))
        with storage.transaction() as tx:
            tx.insert(COLLECTIONS["orgs"], [_record(f"org-{n}", name="O", type="school")])
        storage.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, f"{path.name}-writer"]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM orgs").fetchone() == (2,)


def _wal_pages(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def _write_one_at_a_time(storage: Any, count: int, first: int = 0) -> None:
    orgs = COLLECTIONS["orgs"]
    for n in range(first, first + count):
        with storage.transaction() as tx:
            tx.insert(orgs, [_record(f"org-{n}", name=f"Org {n}", type="school")])


def _copied_into_the_file(path: Path, size_before: int) -> bool:
    """Whether the WAL's pages reached the database file itself (which only a checkpoint writes), within 10 s."""
    deadline = time.monotonic() + 10
    while path.stat().st_size == size_before and time.monotonic() < deadline:
        time.sleep(0.01)
    return path.stat().st_size > size_before


def test_commits_leave_the_wal_to_the_checkpointer_thread(tmp_path: Path) -> None:
    """No COMMIT copies the WAL (SQLite's automatic checkpoint stalled a small write, on the event loop, for up
    to 18 ms) short of the backstop: the background thread copies the pages instead."""
    path = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{path}")
    _write_one_at_a_time(storage, 1)
    backstop = sql._Checkpointer.BACKSTOP
    assert storage._writer().execute("PRAGMA wal_autocheckpoint").fetchone() == (backstop,)
    checkpointer = storage._checkpointer
    assert checkpointer is not None
    time.sleep(3 * checkpointer.PAUSE)
    size = path.stat().st_size
    _write_one_at_a_time(storage, 300, first=1)  # past 1,000 WAL pages: SQLite itself would have copied by now
    assert _copied_into_the_file(path, size)
    assert storage.get(COLLECTIONS["orgs"], "org-300") is not None
    storage.close()
    assert checkpointer._thread is not None and not checkpointer._thread.is_alive()  # close ends the thread


@pytest.mark.parametrize(
    ("url", "name"),
    # (in the URL %25 is a "%" and %3F a "?" of the name; read as a URI, "%41" was an "A" and "?" began a query)
    [("sqlite:///file:x.db", "file:x.db"), ("sqlite:///file:x%2541 y%3F.db", "file:x%41 y?.db")],
)
def test_a_file_named_like_a_sqlite_uri_is_checkpointed_as_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, name: str
) -> None:
    """``sqlite:///file:x.db`` is the file ``file:x.db`` to SQLAlchemy; the thread's own connection, opened by the
    name as given, was read by an SQLite built with URI filenames as the URI of ``x.db``: it made and held an empty
    ``x.db`` and never copied the real WAL, which only grew."""
    monkeypatch.chdir(tmp_path)
    storage = open_storage(url)
    path = tmp_path / name
    try:
        _write_one_at_a_time(storage, 1)
        checkpointer = storage._checkpointer
        assert checkpointer is not None
        time.sleep(3 * checkpointer.PAUSE)
        size = path.stat().st_size
        _write_one_at_a_time(storage, 300, first=1)
        assert _copied_into_the_file(path, size)
    finally:
        storage.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name, f"{name}-writer"]


def test_a_checkpointer_thread_that_died_is_started_again(
    tmp_path: Path, monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Its connection failed (out of file descriptors, say): one warning, and the next commit starts a new one."""
    real_connect, failures = sqlite3.connect, []

    def connect(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "timeback-checkpointer" and not failures:
            failures.append(1)
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sql.sqlite3, "connect", connect)
    path = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{path}")  # (its first write starts the thread, which fails)
    checkpointer = storage._checkpointer
    assert checkpointer is not None and checkpointer._thread is not None
    checkpointer._thread.join(timeout=10)
    assert failures and [r.levelname for r in caplog.records if "checkpointing" in r.message] == ["WARNING"]
    size = path.stat().st_size
    _write_one_at_a_time(storage, 300)
    try:
        assert _copied_into_the_file(path, size)
    finally:
        storage.close()


def test_the_wal_starts_over_under_a_steady_stream_of_writes(tmp_path: Path, monkeypatch: Any) -> None:
    """Commits made while the thread copies keep the WAL from ever being all copied, and then it only grows; past
    ``LIMIT`` pages the writer does the last few pages itself, so the next write starts the WAL over."""
    monkeypatch.setattr(sql._Checkpointer, "LIMIT", 60)
    monkeypatch.setattr(sql._Checkpointer, "PAUSE", 0.005)
    storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        # In runs of 500 writes, until one run sees the WAL start over 3 times (it does about 10 times a run with
        # the catch-up, never without it, measured). Not one run of 3,000 with a bound on the WAL's size: the
        # thread's pass may wait seconds for an fsync on a busy disk (a CI run right after a pip install once wrote
        # 3,000 records before it ended), and a catch-up is only asked for after a pass.
        _write_one_at_a_time(storage, 1)
        written, best, deadline = 1, 0, time.monotonic() + 60
        while best < 3 and time.monotonic() < deadline:
            before = _wal_round(tmp_path / "db.sqlite")
            _write_one_at_a_time(storage, 500, first=written)
            written += 500
            best = max(best, _wal_round(tmp_path / "db.sqlite") - before)
        assert best >= 3, f"the WAL started over at most {best} times in a run of 500 writes ({written} in all)"
    finally:
        storage.close()


def _wal_round(path: Path) -> int:
    """How many times the WAL has started over: its header's checkpoint sequence number (bytes 12-15)."""
    try:
        with open(f"{path}-wal", "rb") as wal:
            header = wal.read(16)
    except FileNotFoundError:
        return 0
    return int.from_bytes(header[12:16], "big") if len(header) == 16 else 0


def test_without_the_thread_sqlite_still_bounds_the_wal(tmp_path: Path, monkeypatch: Any) -> None:
    """The backstop: should the thread never run, SQLite's own checkpoint copies at ``BACKSTOP`` pages."""
    monkeypatch.setattr(sql._Checkpointer, "BACKSTOP", 200)
    monkeypatch.setattr(sql._Checkpointer, "nudge", lambda self: None)  # no thread at all
    storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        _write_one_at_a_time(storage, 2_000)  # about 8,000 pages without any checkpoint
        assert _wal_pages(tmp_path / "db.sqlite") < 1_000
    finally:
        storage.close()


def test_deleting_records_never_removes_a_row(server: Any, client: Any, roster: Any) -> None:
    """What keeps ``KnownIds`` sound: a record once stored stays in its table (a delete marks it). SQLite's
    authorizer sees every statement the writer prepares; none may delete from a record table."""
    from tests.support import line_item_body, result_body, uid

    deleted_from: list[str] = []

    def authorizer(action: int, table: str | None, *_: Any) -> int:
        if action == sqlite3.SQLITE_DELETE and table != "timeback_tokens":
            deleted_from.append(str(table))
        return sqlite3.SQLITE_OK

    writer = server.app.state.storage._writer()
    writer.set_authorizer(authorizer)  # (setting it makes SQLite prepare every statement again)
    try:
        gradebook, rostering = client.oneroster.gradebook, client.oneroster.rostering
        line_item = uid("li")
        gradebook.post_line_items_for_class(
            class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
        )
        result = uid("res")
        gradebook.put_result(sourced_id=result, result=result_body(line_item, roster.students[0], result))
        gradebook.delete_result(sourced_id=result)
        gradebook.delete_line_item(sourced_id=line_item)
        rostering.delete_user(sourced_id=roster.students[1])
        rostering.delete_class(sourced_id=roster.class_)
        assert list(gradebook.get_all_results(filter=f"status='tobedeleted' AND sourcedId='{result}'"))  # still there
    finally:
        writer.set_authorizer(None)
    assert deleted_from == []


def _graded(client: Timeback, count: int) -> tuple[Any, str, list[str]]:
    """A roster, a line item and ``count`` results for it (through the server): (roster, line item, result ids)."""
    gb = client.oneroster.gradebook
    roster = make_roster(client)
    line_item = uid("li")
    gb.put_line_item(sourced_id=line_item, lineItem=line_item_body(roster))
    ids = [f"res-{n:02}" for n in range(count)]
    for n, sourced_id in enumerate(ids):
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[n % 3]))
    return roster, line_item, ids


def _listed(client: Timeback) -> tuple[int | None, list[str]]:
    """The results' totalCount, and their ids as the SDK's pages of 3 give them (the pages after the first started
    where the one before ended: the page ends remembered)."""
    gb = client.oneroster.gradebook
    return gb.get_all_results(limit=3).total_count, [r.sourcedId for r in gb.get_all_results(limit=3)]


def test_rows_another_program_deletes_are_gone_from_listings_and_reference_checks(tmp_path: Path) -> None:
    """Another program writing the file while the server runs (an integrator emptying a table with the sqlite3
    module between tests) bumps no write generation: the counts and page ends remembered, and the ids known to
    exist, were kept past it (the old totalCount, the SDK's pages stopping short, a result naming a line item no
    longer stored accepted). The write comes first: a listing's look is not what refuses it."""
    database = tmp_path / "db.sqlite"
    with (
        LocalServer(ServerSettings(database=f"sqlite:///{database}")) as server,
        Timeback(**server.client_kwargs()) as client,
    ):
        roster, line_item, ids = _graded(client, 10)
        assert _listed(client) == (10, ids)
        with closing(sqlite3.connect(database)) as other, other:  # (a real other connection; committed)
            other.execute("DELETE FROM results WHERE sourced_id IN ('res-00', 'res-04')")
            other.execute("DELETE FROM lineItems WHERE sourced_id = ?", (line_item,))
        refused = result_body(line_item, roster.students[0])
        with pytest.raises(UnprocessableEntityError, match=line_item):
            client.oneroster.gradebook.put_result(sourced_id="res-new", result=refused)
        assert _listed(client) == (8, [i for i in ids if i not in ("res-00", "res-04")])
        with closing(sqlite3.connect(database)) as other, other:  # (a row added by hand is counted too)
            columns = [f'"{c}"' for (_, c, *_) in other.execute("PRAGMA table_info(results)") if c != "pk"]
            copied = ", ".join("'res-99'" if c == '"sourced_id"' else c for c in columns)
            other.execute(f"INSERT INTO results ({', '.join(columns)}) SELECT {copied} FROM results WHERE pk = 2")
        assert _listed(client)[0] == 9


def test_a_backup_restored_into_the_file_is_served_as_it_was(tmp_path: Path) -> None:
    """An earlier backup restored into the served file (SQLite's backup API: ``sqlite3 db ".restore snap.db"``) brings
    its write generation back too: the writes after it repeated generations the server had remembered listings of
    for other contents. Its records are listed, counted and paged as they are, and a line item made after the
    backup is no longer known to exist (to the first write after the restore, before any listing looks)."""
    database, snapshot = tmp_path / "db.sqlite", tmp_path / "snapshot.sqlite"
    with (
        LocalServer(ServerSettings(database=f"sqlite:///{database}")) as server,
        Timeback(**server.client_kwargs()) as client,
    ):
        gb = client.oneroster.gradebook
        roster, line_item, ids = _graded(client, 5)
        with closing(sqlite3.connect(database)) as live, closing(sqlite3.connect(snapshot)) as copy:
            live.backup(copy)
        later = uid("li")
        gb.put_line_item(sourced_id=later, lineItem=line_item_body(roster))
        gb.put_result(sourced_id="res-later", result=result_body(later, roster.students[0]))
        assert _listed(client) == (6, [*ids, "res-later"])
        with closing(sqlite3.connect(snapshot)) as copy, closing(sqlite3.connect(database)) as live:
            copy.backup(live)
        with pytest.raises(UnprocessableEntityError, match=later):
            gb.put_result(sourced_id="res-new", result=result_body(later, roster.students[0]))
        assert _listed(client) == (5, ids)
        batches = [[f"res-batch-{n}" for n in range(3)], ["res-batch-3"]]  # (two commits: the generation listed)
        for batch in batches:
            bodies = [result_body(line_item, roster.students[1], sourced_id) for sourced_id in batch]
            gb.create_result_for_line_item(line_item_sourced_id=line_item, results=bodies)
        assert _listed(client) == (9, [*ids, *batches[0], *batches[1]])


def test_only_a_removal_moves_the_count_of_resets_and_a_reset_moves_it_once(tmp_path: Path) -> None:
    """Rows another program deletes, or whose sourcedId it changes, move the file's count of resets (triggers of the
    file's own, which fire for any program): every server on it then forgets the ids it knows exist. The server's own
    writes fire none, and its reset empties each table at once (a table with a delete trigger is emptied row by row,
    each row moving the count) and leaves the triggers in place."""
    database = tmp_path / "db.sqlite"
    open_storage(f"sqlite:///{database}").close()
    storage = open_storage(f"sqlite:///{database}")  # (opened again: the triggers made once)
    categories = COLLECTIONS["categories"]
    other = sqlite3.connect(database, isolation_level=None)

    def resets() -> int:
        return int(other.execute("SELECT value FROM timeback_meta WHERE key = 'resets'").fetchone()[0])

    def triggers() -> int:
        return int(other.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0])

    assert triggers() == 2 * len(storage.tables)
    with storage.transaction() as tx:
        tx.insert(categories, [_record(f"c{n}", title="C") for n in range(5)])
    with storage.transaction() as tx:
        tx.upsert(categories, _record("c0", title="again"))
        tx.upsert(categories, _record("c1", title="C", status="tobedeleted"))  # (a delete: a soft one)
    assert resets() == 0
    storage.delete_all()
    assert (resets(), triggers()) == (1, 2 * len(storage.tables))
    with storage.transaction() as tx:
        tx.insert(categories, [_record(f"c{n}", title="C") for n in range(5)])
    other.execute("UPDATE categories SET data = json_set(data, '$.title', 'T')")
    assert resets() == 1
    other.execute("DELETE FROM categories WHERE sourced_id IN ('c0', 'c1')")
    other.execute("UPDATE categories SET sourced_id = 'c9' WHERE sourced_id = 'c2'")
    assert resets() == 4
    other.close()
    storage.close()


def test_a_commit_landing_during_a_look_is_not_taken_for_another_programs(tmp_path: Path) -> None:
    """A listing's look read ``PRAGMA data_version`` and the generation in two statements: a commit of the server's
    landing between them (here: as the second begins) was seen by the generation but not the counter, so the next
    look took the counter's move for another program's write, and forgot the listings' counts needlessly (18 times in
    20 s of steady writes with ``--workers 2``). One statement reads both."""
    storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    categories = COLLECTIONS["categories"]

    def write(n: int) -> None:
        with storage.transaction() as tx:
            tx.insert(categories, [_record(f"c{n}", title="C")])

    storage._look()
    write(0)  # (the counter moved: the next look reads the generation)
    epoch = storage._epoch
    watcher = storage._watcher.driver_connection
    landed: list[str] = []

    def landing(statement: str) -> None:
        if statement != "PRAGMA data_version" and not landed:
            landed.append(statement)
            write(1)

    watcher.set_trace_callback(landing)
    try:
        storage._look()
    finally:
        watcher.set_trace_callback(None)
    assert landed
    storage._look()
    assert storage._epoch == epoch
    storage.close()


def _sent(storage: Any, coll: Any, query: Any) -> tuple[list[str], list[tuple[str, Any]]]:
    """(the page's sourcedIds, the listing's statements and their parameters)."""
    from sqlalchemy import event

    ran: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        ran.append((statement, parameters))

    event.listen(storage.engine, "before_cursor_execute", seen)
    try:
        page, _ = storage.list(coll, query)
    finally:
        event.remove(storage.engine, "before_cursor_execute", seen)
    return [json.loads(data)["sourcedId"] for data in page], ran


def _plans(
    storage: Any, coll: Any, query: Any, database: Path, mentioning: str = "date_last_modified"
) -> tuple[list[str], list[str]]:
    """(the page's sourcedIds, the query plans of the listing's statements ``mentioning`` a text: count, page)."""
    ids, ran = _sent(storage, coll, query)
    conn = sqlite3.connect(database)
    plans = [str(conn.execute(f"EXPLAIN QUERY PLAN {s}", p).fetchall()) for s, p in ran if mentioning in s]
    conn.close()
    return ids, plans


def test_a_delta_sync_reads_through_the_date_last_modified_index(tmp_path: Path) -> None:
    """A dateLastModified range holding few rows is read through its index (SQLite, with no statistics, read the
    table in pk order past every older row); one holding much of the table in pk order (through the index, every
    page would sort the whole range again). Either way, the right records."""
    from timeback.server.query import field_kinds, parse_filter
    from timeback.server.storage.base import ListQuery

    database = _file_made_before(tmp_path, "ix_results_modified_status")
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    stamps = [f"2026-12-01T{n // 60:02d}:{n % 60:02d}:00.000Z" for n in range(400)]  # a minute apart, pk order
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n}", dateLastModified=stamp) for n, stamp in enumerate(stamps)])
    kinds = field_kinds(results.model)

    def listing(expression: str, limit: int = 100) -> ListQuery:
        return ListQuery(filter=parse_filter(expression, kinds), limit=limit)

    ids, plans = _plans(storage, results, listing(f"dateLastModified>='{stamps[390]}'"), database)
    assert ids == [f"r-{n}" for n in range(390, 400)]
    assert all("ix_results_modified" in plan for plan in plans), plans  # the count and the page
    ids, plans = _plans(storage, results, listing(f"dateLastModified>'{stamps[390]}'"), database)
    assert ids == [f"r-{n}" for n in range(391, 400)]
    assert all("ix_results_modified" in plan for plan in plans), plans
    ids, plans = _plans(storage, results, listing("dateLastModified='2026-12-01'", limit=3), database)  # a day
    assert ids == ["r-0", "r-1", "r-2"]
    assert "ix_results_modified" not in plans[-1] and "SCAN" in plans[-1], plans  # the page: in pk order
    ids, plans = _plans(storage, results, listing(f"dateLastModified<'{stamps[2]}' OR sourcedId='r-5'"), database)
    assert ids == ["r-0", "r-1", "r-5"]
    storage.close()


def test_an_unfiltered_count_and_an_or_with_the_deleted_records_read_no_whole_table(tmp_path: Path) -> None:
    """The count of a listing without a filter is all the rows less the deleted ones, each counted through an index
    (``status != 'tobedeleted'`` read every row: 24 ms at 200,000 results after any write); and a filter asking for
    the deleted records in an OR branch reads them through their index (it indexed their pk, which no OR branch
    uses: the whole table read for the count and the page, 50-105 ms)."""
    from timeback.server.query import field_kinds, parse_filter
    from timeback.server.storage.base import ListQuery

    database = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    old, new = "2026-12-01T00:00:00.000Z", "2026-12-02T00:00:00.000Z"
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n}", dateLastModified=old) for n in range(40)])
        tx.insert(results, [_record(f"d-{n}", status="tobedeleted", dateLastModified=old) for n in range(3)])
        tx.insert(results, [_record("r-new", dateLastModified=new)])
    ids, plans = _plans(storage, results, ListQuery(limit=1), database, mentioning="count(")
    assert ids == ["r-0"]
    assert plans and not [plan for plan in plans if "'SCAN results'" in plan], plans  # (an index's scan is not it)
    asked = parse_filter(f"dateLastModified>'{old}' OR status='tobedeleted'", field_kinds(results.model))
    query = ListQuery(filter=asked.hiding("status", "tobedeleted"), include_deleted=True)  # (as the service asks)
    ids, plans = _plans(storage, results, query, database, mentioning="FROM results")
    assert ids == ["d-0", "d-1", "d-2", "r-new"]
    assert len(plans) >= 2 and not [plan for plan in plans if "'SCAN results'" in plan], plans  # count and page
    storage.close()


def test_a_page_sorted_by_a_reference_or_the_sourced_id_is_ranked_from_its_index_alone(tmp_path: Path) -> None:
    """While no row is deleted, a page sorted by a reference or the sourcedId is ranked from that column's index
    alone, which holds the pk: "status != 'tobedeleted'" read every row before the page from the table, in the key's
    order (results by student at offset 99,000 of 100,000: 256 ms). With a row deleted, the same pages without it."""
    from timeback.server.query import field_kinds, parse_sort
    from timeback.server.storage.base import ListQuery

    database = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    rows = [(f"r-{n:02d}", f"stu-{n * 7 % 11}", f"c-{n % 3}") for n in range(40)]  # (students not in pk order)
    with storage.transaction() as tx:
        tx.insert(results, [_record(i, student={"sourcedId": s}, **{"class": {"sourcedId": c}}) for i, s, c in rows])
    kinds = field_kinds(results.model)
    sorts = {"student.sourcedId": (1, "ref_student", "ix_results_student"),
             "class.sourcedId": (2, "ref_class", "ix_results_class"),
             "sourcedId": (0, "sourced_id", "sqlite_autoindex_results_1")}  # fmt: skip
    for deleted in ([], ["r-05"]):
        for gone in deleted:
            with storage.transaction() as tx:
                tx.upsert(results, _record(gone, status="tobedeleted", student={"sourcedId": rows[5][1]}))
        live = [row for row in rows if row[0] not in deleted]  # (in pk order)
        for field, (at, column, index) in sorts.items():
            for order in ("asc", "desc"):
                query = ListQuery(sort=parse_sort(field, order, kinds), offset=10, limit=5)
                ids, plans = _plans(storage, results, query, database, f"ORDER BY results.{column} {order.upper()}")
                expected = sorted(live, key=lambda row: row[at], reverse=order == "desc")  # (ties in pk order)
                assert ids == [row[0] for row in expected][10:15], (field, order, deleted)
                assert len(plans) == 1, plans
                assert (f"COVERING INDEX {index}" in plans[0]) == (not deleted), (field, order, plans)
    storage.close()


def test_the_page_after_a_remembered_end_seeks_its_index_descending_as_ascending(tmp_path: Path) -> None:
    """The page after one whose end is remembered starts at that row in the sort key's index (in the pks for
    ``orderBy=desc`` alone), descending as ascending: "key < last OR key IS NULL OR (key = last AND pk > ...)" was
    no range of it, and SQLite read the index from its start (300,000 results, orderBy=desc: 10-12 ms a page at offset 0,
    55-68 ms at 250,000). A run of equal keys is entered at the row (``ref_class=? AND rowid>?``), not read from its
    start. The pages are the listing's order all the same, at every limit: a reference's NULLs first ascending and
    last descending, ties in pk order; with a row deleted too (the ranking reads the table then)."""
    from timeback.server.query import field_kinds, parse_sort
    from timeback.server.storage.base import ListQuery

    database = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    classes = [None, "c-1", "c-0", "c-1", "c-2", "c-0", None, "c-1", "c-2", "c-2", "c-1", "c-0", None, "c-1", "c-0"]
    stamps = [f"2026-12-01T00:00:0{n % 4}.000Z" for n in range(len(classes))]  # (runs of equal dates, not pk order)
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n:02d}", dateLastModified=stamp, **({"class": {"sourcedId": c}} if c else {}))
                            for n, (c, stamp) in enumerate(zip(classes, stamps, strict=True))])  # fmt: skip
    kinds = field_kinds(results.model)
    rows = list(enumerate(zip(classes, stamps, strict=True)))  # (in pk order)

    def by(at: int, descending: bool) -> list[int]:
        """The rows' order by a value (None: NULL, first; last descending), ties in pk order (a stable sort)."""
        present = sorted((row for row in rows if row[1][at] is not None), key=lambda row: row[1][at] or "",
                         reverse=descending)  # fmt: skip
        nulls = [row for row in rows if row[1][at] is None]
        return [n for n, _ in (present + nulls if descending else nulls + present)]

    sorts = {(None, "desc"): ("rowid<?", [n for n, _ in rows][::-1]),
             ("sourcedId", "desc"): ("sourced_id<?", [n for n, _ in rows][::-1]),
             ("class.sourcedId", "desc"): ("ref_class=? AND rowid>?", by(0, True)),
             ("class.sourcedId", "asc"): ("ref_class=? AND rowid>?", by(0, False)),
             ("dateLastModified", "desc"): ("<expr><?", by(1, True))}  # fmt: skip
    for deleted in ([], [9]):
        for gone in deleted:
            with storage.transaction() as tx:
                tx.upsert(results, _record(f"r-{gone:02d}", status="tobedeleted", dateLastModified=stamps[gone]))
        for (field, order), (seeking, expected) in sorts.items():
            live = [f"r-{n:02d}" for n in expected if n not in deleted]
            for limit in range(1, 8):
                seen, after = [], []
                for offset in range(0, len(live), limit):
                    query = ListQuery(sort=parse_sort(field, order, kinds), offset=offset, limit=limit)
                    ids, plans = _plans(storage, results, query, database, "ORDER BY")
                    seen += ids
                    after += plans if offset else []  # (the first page is read from the start, by its offset)
                assert seen == live, (field, order, limit, deleted)
                assert after and not [plan for plan in after if "SCAN results" in plan], (field, order, after)
                assert [plan for plan in after if f"({seeking})" in plan], (field, order, after)
    storage.close()


def test_a_filter_on_status_is_read_through_the_deleted_rows_index(tmp_path: Path) -> None:
    """A status predicate is the statuses it holds for: "status!='active'" (or "status~'DEL'") is "status =
    'tobedeleted'", read through the deleted rows' index, where "status IS NULL OR status != 'active'" read every
    row (12-13 ms through the server at 100,000 results, none deleted; 2.4 ms)."""
    from timeback.server.query import field_kinds, parse_filter
    from timeback.server.storage.base import ListQuery

    database = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n}", status="tobedeleted" if n % 10 == 3 else "active") for n in range(40)])
    for expression in ("status!='active'", "status~'DEL'", "status>'b'"):
        asked = parse_filter(expression, field_kinds(results.model))
        query = ListQuery(filter=asked, include_deleted=True, limit=3)  # (as the service asks: it admits them)
        ids, plans = _plans(storage, results, query, database, "ORDER BY results.pk")
        assert ids == ["r-3", "r-13", "r-23"], expression
        assert len(plans) == 1 and "ix_results_tobedeleted" in plans[0], (expression, plans)
    storage.close()


def test_pages_sorted_by_student_are_the_sorted_live_results_as_deletes_come_and_go() -> None:
    """Results sorted by student, ascending and descending, every page (a write before each, so none is remembered):
    the page's slice of the live results in that order (ties as written), as results are deleted between pages
    and written again (pages ranked with and without the deleted rows: ``SqlStorage._ranked_in_its_index``)."""
    settings = ServerSettings(database="sqlite://", client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        gb = client.oneroster.gradebook
        r = make_roster(client, students=[uid("student") for _ in range(5)])
        written = []  # (sourcedId, body), in the order written
        for line_item in add_line_items(client, r, 3):
            for student in r.students:
                written.append((uid("res"), result_body(line_item, student)))
                gb.put_result(sourced_id=written[-1][0], result=written[-1][1])
        deleted: set[str] = set()

        def expected(order: str) -> list[str]:
            live = [(body["student"]["sourcedId"], i) for i, body in written if i not in deleted]
            return [i for _, i in sorted(live, key=lambda row: row[0], reverse=order == "desc")]  # (stable)

        def page_through(order: str, between: Any) -> None:
            for offset in range(0, len(written), 4):
                between(offset)
                gb.put_category(sourced_id=r.category, category={"title": uid("title")})  # (a write)
                page = gb.get_all_results(sort="student.sourcedId", orderBy=order, limit=4, offset=offset)
                wanted = expected(order)
                assert [item.sourcedId for item in page.items] == wanted[offset : offset + 4], (order, offset)
                assert page.total_count == len(wanted)

        def delete_one(offset: int) -> None:  # each time from another line item and student
            gone = written[offset * 7 // 4 % len(written)][0]
            if gone not in deleted:
                gb.delete_result(sourced_id=gone)
                deleted.add(gone)

        for order in ("asc", "desc"):
            page_through(order, lambda _: None)  # (none deleted)
            page_through(order, delete_one)
            page_through(order, lambda _: None)
        assert len(deleted) >= 4
        for gone, body in written:  # written again: live, in its place
            if gone in deleted:
                gb.put_result(sourced_id=gone, result=body)
        deleted.clear()
        for order in ("asc", "desc"):
            page_through(order, lambda _: None)


def _enroll(storage: Any, count: int = 200) -> None:
    """``count`` students of one school in its 20 classes (as a district's: a school holds many enrollments, a class
    few), and their enrollments."""
    ref = {"school": {"sourcedId": "sch-1"}}
    users = [_record(f"stu-{n}", roles=[{"role": "student", "org": ref["school"]}]) for n in range(count)]
    enrollments = [
        _record(
            f"e-{n}", role="student", user={"sourcedId": f"stu-{n}"}, **{"class": {"sourcedId": f"c-{n % 20}"}}, **ref
        )
        for n in range(count)
    ]
    with storage.transaction() as tx:
        tx.insert(COLLECTIONS["users"], users)
        tx.insert(COLLECTIONS["enrollments"], enrollments)


def _enrolled_file(tmp_path: Path, count: int = 200) -> Path:
    """A file of one school's ``count`` students in its 20 classes (``_enroll``; none: an empty file), closed."""
    database = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{database}")
    if count:
        _enroll(storage, count)
    storage.close()
    # The school's index made after the class's, as in the district file the review built: of two indexes alike
    # without statistics, SQLite takes the one made last (the order the tables' indexes were made in varied).
    conn = sqlite3.connect(database)
    conn.execute("DROP INDEX ix_enrollments_school")
    conn.execute("CREATE INDEX ix_enrollments_school ON enrollments (ref_school)")
    conn.close()
    return database


def _class_students() -> Any:
    """The listing of class c-7's students in school sch-1."""
    from timeback._operations import Through
    from timeback.server.storage.base import ListQuery, Scope

    through = Through("enrollments", match="school", select="user", where=(("role", "student"),))
    return ListQuery(scopes=[Scope("sourcedId", "sch-1", through, also=(("class", "c-7"),))], limit=100)


def test_a_class_in_a_school_lists_its_students_through_the_class_index_once_opened(tmp_path: Path) -> None:
    """Opening a file gathers SQLite's statistics (``ANALYZE``): without them, a class's students in a school were
    found through the school's enrollments (ix_enrollments_school, all 60,000 of a district school's read: 64-119 ms
    at 300,000 enrollments) rather than the class's few (ix_enrollments_class: 0.8-5 ms)."""
    database = _enrolled_file(tmp_path)
    storage = open_storage(f"sqlite:///{database}")
    ids, plans = _plans(storage, COLLECTIONS["students"], _class_students(), database, mentioning="enrollments")
    storage.close()
    assert ids == [f"stu-{n}" for n in range(7, 200, 20)]
    assert len(plans) == 2 and all("ix_enrollments_class" in plan for plan in plans), plans  # count and page
    conn = sqlite3.connect(database)
    analyzed = [table for (table,) in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")]
    conn.close()
    assert "enrollments" in analyzed


def test_statistics_are_gathered_again_as_the_tables_grow_and_open_connections_plan_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server started on an empty file planned every read without statistics until it was restarted. Once the
    record tables hold twice their rows at the last ANALYZE (and ``STATISTICS_FLOOR`` more), a thread gathers them
    again; and a connection already open (the pool's, which had read the schema without them) plans with them at
    its next statement: a class's students through the class's enrollments, not the school's."""
    monkeypatch.setattr(sql, "STATISTICS_FLOOR", 100)
    storage = open_storage(f"sqlite:///{_enrolled_file(tmp_path, 0)}")
    students = COLLECTIONS["students"]

    def plans(explain: str) -> tuple[Any, list[str]]:
        """(the connection that read the listing, its plans of the listing's statements on the enrollments)."""
        _, ran = _sent(storage, students, _class_students())
        with storage.engine.connect() as conn:  # (the pool's one connection, just given back by the listing)
            plans = [str(conn.exec_driver_sql(f"{explain} {s}", p).fetchall()) for s, p in ran if "enrollments" in s]
            return conn.connection.driver_connection, plans

    reader, before = plans("EXPLAIN QUERY PLAN")
    assert len(before) == 2 and all("ix_enrollments_school" in plan for plan in before), before  # (none yet)
    _enroll(storage, 200)  # (400 rows: the commit finds them due)
    storage._statistics.join()
    # (another text: the driver keeps each statement it ran prepared, and an EXPLAIN's plan with it)
    again, after = plans("explain query plan")
    ids, _ = _sent(storage, students, _class_students())
    storage.close()
    assert again is reader
    assert len(after) == 2 and all("ix_enrollments_class" in plan for plan in after), after  # count and page
    assert ids == [f"stu-{n}" for n in range(7, 200, 20)]


def test_a_statistics_thread_that_cannot_start_leaves_the_commit_a_later_look_and_a_clean_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread that cannot start (``can't start new thread``, under a limit of threads or memory): the commit
    stands, the statistics are looked at again after more writes, and ``close()`` closes the writer. Before, no look
    ever came again, and ``close()`` raised joining a thread never started, leaving the writer and its lock open."""
    monkeypatch.setattr(sql, "STATISTICS_FLOOR", 100)
    storage = open_storage(f"sqlite:///{_enrolled_file(tmp_path, 0)}")
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        if thread.name == "timeback-analyze":
            raise RuntimeError("can't start new thread")
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    _enroll(storage, 200)  # (the commit finds them due; the thread cannot start)
    monkeypatch.setattr(threading.Thread, "start", real_start)
    assert storage._statistics is None
    with storage.transaction() as tx:  # (more writes: looked at again)
        tx.insert(COLLECTIONS["users"], [_record(f"more-{n}") for n in range(200)])
    storage._statistics.join()
    analyzed = storage._writer().execute("SELECT value FROM timeback_meta WHERE key = 'analyzed'").fetchone()
    storage.close()
    assert analyzed[0] >= 400 and storage._write_connection is None and storage._file_lock is None


def test_a_server_started_on_an_empty_file_gathers_the_statistics_of_what_it_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``timeback serve`` on an empty file (an integrator's CI, a dev server), then sent a gradebook: the results get
    SQLite's statistics while it runs (looked at after the writes' commits), without a restart."""
    monkeypatch.setattr(sql, "STATISTICS_FLOOR", 50)
    database = tmp_path / "db.sqlite"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        r = make_roster(client, students=[uid("student") for _ in range(4)])
        (line_item,) = add_line_items(client, r, 1)
        sent = [result_body(line_item, r.students[n % 4], uid("res")) for n in range(300)]
        summary = client.oneroster.gradebook.bulk_post_results(sent, batch_size=50)
        assert summary.ok and summary.stored == 300, summary.failures[:3]
    # (read once the server stopped, which waits for a thread gathering them; it gathers none itself)
    conn = sqlite3.connect(database)
    analyzed = dict(conn.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'results'").fetchall())
    conn.close()
    assert int(analyzed["ix_results_student"].split()[0]) >= 100, analyzed  # (rows when gathered)


def test_a_wide_delta_sync_is_counted_from_the_date_last_modified_index_alone(tmp_path: Path) -> None:
    """dateLastModified's index holds each row's status too: a delta sync over most of the table counted its rows
    through the index and then read every row for its status (419-634 ms at 1,000,000 results; 107-246 with both
    in the index). A file with the index of one column gets the new one in its place (with both, SQLite kept using
    the old)."""
    from timeback.server.query import field_kinds, parse_filter
    from timeback.server.storage.base import ListQuery

    database = _file_made_before(tmp_path, "ix_results_modified_status")
    old_file = sqlite3.connect(database)
    old_file.execute("CREATE INDEX ix_results_modified ON results (julianday(date_last_modified))")
    old_file.close()
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n}") for n in range(40)])
    asked = parse_filter(f"dateLastModified>='{STAMP}'", field_kinds(results.model))
    ids, ran = _sent(storage, results, ListQuery(filter=asked, limit=2))
    storage.close()
    assert ids == ["r-0", "r-1"]
    conn = sqlite3.connect(database)
    ((count, parameters),) = [(s, p) for s, p in ran if "count(" in s]
    plan = str(conn.execute(f"EXPLAIN QUERY PLAN {count}", parameters).fetchall())
    # The table's own cursor: any column read through it is a row read (EXPLAIN's rows: addr, opcode, p1, p2, ...)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'results'").fetchone()
    steps = conn.execute(f"EXPLAIN {count}", parameters).fetchall()
    cursor = next(p1 for _, opcode, p1, p2, *_ in steps if opcode == "OpenRead" and p2 == root)
    names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'ix_results_modified%'")]
    conn.close()
    assert "ix_results_modified_status" in plan, plan
    assert not [step for step in steps if step[1] == "Column" and step[2] == cursor], steps  # no row read
    assert names == ["ix_results_modified_status"]


STATUS_FILTERS = [
    None, "status@'active,tobedeleted'", "status='active'", "status!='tobedeleted'", "status='tobedeleted'",
    "status!='active'", "status~'DEL'", "status='active' OR status='tobedeleted'", "status~'gone'",
    "status='active' AND status!='tobedeleted'", "sourcedId!='none'", "dateLastModified>'2000-01-01' OR status='tobedeleted'",
    "status='active' AND status='tobedeleted'",
]  # fmt: skip


def test_total_count_is_the_number_of_records_listed_with_deleted_ones_scoped_or_not_after_writes() -> None:
    """A listing without a filter, or with one on status alone, counts its scope's rows less the deleted ones (or
    all of them, or the deleted ones alone), each through an index: exactly the records it lists, for results (a
    table) and students (a view), in a class or school and not, deleted records present, before and after writes."""
    settings = ServerSettings(database="sqlite://", client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        gb, ro = client.oneroster.gradebook, client.oneroster.rostering
        rosters = [make_roster(client, students=[uid("student") for _ in range(4)]) for _ in range(2)]
        results = []
        for r in rosters:
            line_item = uid("li")
            gb.post_line_items_for_class(class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)])
            for student in r.students:
                results.append((uid("res"), result_body(line_item, student)))
                gb.put_result(sourced_id=results[-1][0], result=results[-1][1])
        r = rosters[0]
        listings = {
            "results": lambda **query: gb.get_all_results(limit=3000, **query),
            "class results": lambda **query: gb.get_results_for_class(class_sourced_id=r.class_, limit=3000, **query),
            "students": lambda **query: ro.get_all_students(limit=3000, **query),
            "school students": lambda **query: ro.get_students_for_school(school_sourced_id=r.school, **query),
        }

        def check(when: str) -> None:
            for name, listing in listings.items():
                totals = {}
                for status_filter in STATUS_FILTERS:
                    page = listing(**({} if status_filter is None else {"filter": status_filter}))
                    totals[status_filter] = page.total_count
                    assert page.total_count == len(page.items), (when, name, status_filter)
                assert totals["status='tobedeleted'"] > 0, (when, name)  # (deleted records present)
                assert totals[None] + totals["status='tobedeleted'"] == totals["status@'active,tobedeleted'"]

        gb.delete_result(sourced_id=results[0][0])  # in the class
        gb.delete_result(sourced_id=results[-1][0])  # in the other
        ro.delete_user(sourced_id=r.students[1])
        ro.delete_user(sourced_id=rosters[1].students[0])
        check("deleted")
        gb.put_result(sourced_id=results[0][0], result=results[0][1])  # active again
        gb.delete_result(sourced_id=results[1][0])
        gb.put_result(sourced_id=uid("res"), result=result_body(results[1][1]["lineItem"]["sourcedId"], r.students[2]))
        add_students(client, r, 2)
        ro.delete_user(sourced_id=r.students[-1])
        check("written again")


def test_a_long_at_list_of_dates_matches_as_the_short_one_does() -> None:
    """An @ list of more than a few dates is read through json_each, a day by its day number (1,000 days as ranges
    made an OR chain deeper than SQLite allows): it matches the very records the ranges match, at the edges of a
    day (midnight, and a moment within half a millisecond of it, which rounds to the next day) and at 9999-12-31."""
    from timeback.server.query import field_kinds, parse_filter
    from timeback.server.storage.base import ListQuery

    storage = open_storage("sqlite://")
    results = COLLECTIONS["results"]
    moments = [
        "2024-03-01T00:00:00.000Z", "2024-03-01T23:59:59.999Z", "2024-03-01T23:59:59.9996Z", "2024-03-02T00:00:00Z",
        "2024-03-01T23:30:00-01:00", "2024-03-02T00:30:00+01:00", "2024-03-02", "9999-12-31T23:59:59.999Z",
        "0001-01-01T00:00:00Z",
    ]  # fmt: skip
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n}", scoreDate=moment) for n, moment in enumerate(moments)])
    kinds = field_kinds(results.model)
    padding = [f"1999-01-{day:02d}" for day in range(1, 11)]  # (past sql._RANGED: the long form)
    assert len(padding) > sql._RANGED

    def matching(values: list[str]) -> list[str]:
        query = ListQuery(filter=parse_filter(f"scoreDate@'{','.join(values)}'", kinds), limit=100)
        return [json.loads(data)["sourcedId"] for data in storage.list(results, query)[0]]

    for values in (["2024-03-01"], ["2024-03-02"], ["9999-12-31"], ["0001-01-01"], ["2024-02-29", "2024-03-02"],
                   ["2024-03-01T23:59:59.999Z", "2024-03-02"], ["2024-03-02T00:00:00.000Z"]):  # fmt: skip
        assert matching(values) == matching(values + padding), values
    assert matching(["2024-03-01", *padding]) == ["r-0", "r-1", "r-5"]
    assert matching(["2024-03-02", *padding]) == ["r-2", "r-3", "r-4", "r-6"]
    assert matching(["2024-03-02T00:00:00.000Z", *padding]) == ["r-2", "r-3", "r-6"]
    assert matching(["9999-12-31", *padding]) == ["r-7"]
    storage.close()


def _category_put(storage: Any, sourced_id: str, stamps: list[str]) -> Any:
    def put() -> str:
        with storage.transaction() as tx:
            stamp = tx.stamp()
            tx.upsert(COLLECTIONS["categories"], _record(sourced_id, title="T") | {"dateLastModified": stamp})
        stamps.append(stamp)
        return sourced_id

    return put


def test_writes_together_commit_once_and_a_failing_one_is_undone_alone() -> None:
    storage = open_storage("sqlite://")
    categories = COLLECTIONS["categories"]
    before = commits(storage)
    stamps: list[str] = []

    def half_then_fail() -> str:
        with storage.transaction() as tx:
            tx.upsert(categories, _record("half", title="T"))
            raise ValueError("refused after writing")

    outcomes = storage.write_together(
        [_category_put(storage, "c1", stamps), half_then_fail, _category_put(storage, "c2", stamps)]
    )
    assert outcomes[0] == "c1" and outcomes[2] == "c2"
    assert isinstance(outcomes[1], ValueError)
    assert storage.get(categories, "c1") and storage.get(categories, "c2")
    assert storage.get(categories, "half") is None  # undone alone
    assert commits(storage) == before + 1  # one commit for the three
    assert stamps[0] == stamps[1]  # they commit at once: one stamp
    storage.close()


def test_writes_together_after_the_transaction_ended_all_fail_and_none_is_stored() -> None:
    """An error that ends SQLite's transaction (an I/O error rolls all of it back) undoes the calls before it too:
    every call that did not fail on its own answers with that error, none of theirs stored, and the storage
    writes again afterwards."""
    storage = open_storage("sqlite://")
    categories = COLLECTIONS["categories"]
    stamps: list[str] = []

    def refused() -> str:
        raise ValueError("a 4xx of its own")

    def ends_the_transaction() -> str:
        with storage.transaction() as tx:
            tx._raw.execute("ROLLBACK")  # (as SQLite does on SQLITE_IOERR or SQLITE_FULL)
            raise sqlite3.OperationalError("disk I/O error")

    calls = [_category_put(storage, "c1", stamps), refused, ends_the_transaction, _category_put(storage, "c2", [])]
    outcomes = storage.write_together(calls)
    assert isinstance(outcomes[1], ValueError)
    assert [str(o) for o in (outcomes[0], outcomes[2], outcomes[3])] == ["disk I/O error"] * 3
    assert storage.get(categories, "c1") is None and storage.get(categories, "c2") is None
    assert storage.write_together([_category_put(storage, "c3", [])]) == ["c3"]
    assert storage.get(categories, "c3") is not None
    storage.close()


def test_a_write_committed_stands_when_the_checkpointer_cannot_start(
    tmp_path: Path, monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Starting the checkpointer thread failed (``can't start new thread``, at a process's thread limit): the
    commit before it stands, so the write returns as done (it raised, and the server answered 500 for a write it
    had stored: a client's retry of a batch then met 409). Logged; SQLite's own checkpoint still bounds the WAL."""
    storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    checkpointer = storage._checkpointer
    assert checkpointer is not None

    def cannot_start(_self: Any) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(checkpointer, "_thread", None)
    monkeypatch.setattr(threading.Thread, "start", cannot_start)
    categories = COLLECTIONS["categories"]
    with storage.transaction() as tx:
        tx.upsert(categories, _record("kept", title="T"))
    monkeypatch.undo()
    assert storage.get(categories, "kept") is not None
    assert any("can't start new thread" in r.getMessage() for r in caplog.records)
    storage.close()


def test_a_new_file_has_16_kb_pages_and_an_older_file_keeps_its_own(tmp_path: Path) -> None:
    """New files are made with ``sql.PAGE_SIZE`` pages (fewer leaves of the scattered ``student`` index to write per
    batch); a file made before, with SQLite's 4 KB, is served as it is (a page size changes only by VACUUM)."""
    open_storage(f"sqlite:///{tmp_path / 'new.db'}").close()
    old = sqlite3.connect(tmp_path / "old.db")
    old.execute("PRAGMA page_size=4096")
    old.execute("PRAGMA journal_mode=WAL")
    old.close()
    open_storage(f"sqlite:///{tmp_path / 'old.db'}").close()
    sizes = {}
    for name in ("new.db", "old.db"):
        conn = sqlite3.connect(tmp_path / name)
        sizes[name] = conn.execute("PRAGMA page_size").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'results'").fetchone() == (1,)
        conn.close()
    assert sizes == {"new.db": 16384, "old.db": 4096}


def test_a_database_it_makes_is_its_owners_alone_and_one_given_keeps_its_mode(tmp_path: Path) -> None:
    """Under the usual umask (022) the database file, its -wal and -shm (which SQLite gives the file's mode) and the
    -writer lock were made 0644, readable by every user of the machine, though the file holds users' passwords. A
    file the user made keeps the mode they gave it, and the server's files beside it take that mode."""
    given = tmp_path / "given.db"
    given.touch(mode=0o640)
    previous = os.umask(0o022)
    try:
        for database, mode in ((tmp_path / "made.db", 0o600), (given, 0o640)):
            with (
                LocalServer(ServerSettings(database=f"sqlite:///{database}")) as server,
                Timeback(**server.client_kwargs()) as client,
            ):
                client.oneroster.gradebook.put_category(sourced_id="c", category={"title": "C"})  # (in the -wal)
                files = sorted(path for path in tmp_path.iterdir() if path.name.startswith(database.name))
                modes = {path.name: oct(path.stat().st_mode & 0o777) for path in files}
            suffixes = ("", "-shm", "-wal", "-writer")
            assert modes == {f"{database.name}{suffix}": oct(mode) for suffix in suffixes}
    finally:
        os.umask(previous)


def test_the_write_lock_made_beside_a_database_takes_its_mode_and_group_whatever_the_umask(tmp_path: Path) -> None:
    """A database shared with a group (660, the group's): the -writer lock was made with os.open's mode, which the
    umask takes from (077: 600), in its maker's group, and another member of the group could not open it, nor serve
    the file. It takes the file's mode and group, made at the start or again once removed. (A group to give it: root
    may give any; another user, one of theirs, else their own.)"""
    database = tmp_path / "shared.db"
    database.touch()
    database.chmod(0o660)
    others = [gid for gid in os.getgroups() if gid != os.getegid()]
    group = 4321 if os.geteuid() == 0 else next(iter(others), os.getegid())
    os.chown(database, -1, group)
    lock = tmp_path / "shared.db-writer"
    previous = os.umask(0o077)
    try:
        storage = open_storage(f"sqlite:///{database}")
        try:
            made = lock.stat()
            lock.unlink()
            _write_one_at_a_time(storage, 1)  # (made again by the write's lock)
            again = lock.stat()
        finally:
            storage.close()
    finally:
        os.umask(previous)
    for found in (made, again):
        assert (oct(found.st_mode & 0o777), found.st_gid) == (oct(0o660), group)


def test_a_database_given_as_a_link_to_a_missing_file_is_made_its_owners_alone(tmp_path: Path) -> None:
    """A symbolic link to a file not made yet: the file it names is made 0600 too (the link itself refused the
    exclusive create, and SQLite made the file 0644), and SQLite's -wal and -shm beside it take that mode."""
    link, target = tmp_path / "link.db", tmp_path / "data" / "target.db"
    target.parent.mkdir()
    link.symlink_to(target)
    previous = os.umask(0o022)
    try:
        with (
            LocalServer(ServerSettings(database=f"sqlite:///{link}")) as server,
            Timeback(**server.client_kwargs()) as client,
        ):
            client.oneroster.gradebook.put_category(sourced_id="c", category={"title": "C"})  # (in the -wal)
            modes = {path.name: oct(path.stat().st_mode & 0o777) for path in target.parent.iterdir()}
    finally:
        os.umask(previous)
    assert modes == {name: oct(0o600) for name in ("target.db", "target.db-shm", "target.db-wal")}
    assert link.is_symlink() and oct((tmp_path / "link.db-writer").stat().st_mode & 0o777) == oct(0o600)


def test_a_lock_file_removed_is_made_again_beside_the_database_whatever_the_directory_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ``-writer`` lock file, removed while the server runs, is made again at the next write: by the path the
    database was opened with. Kept relative, it was made in whatever directory the process had moved to since."""
    (tmp_path / "data").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "data")
    storage = open_storage("sqlite:///x.db")
    try:
        _write_one_at_a_time(storage, 1)
        monkeypatch.chdir(tmp_path / "elsewhere")
        os.remove(tmp_path / "data" / "x.db-writer")
        _write_one_at_a_time(storage, 1, first=1)
    finally:
        storage.close()
    assert (tmp_path / "data" / "x.db-writer").exists() and not list((tmp_path / "elsewhere").iterdir())


def test_the_deleted_among_ids_are_looked_up_by_id_whatever_the_statistics(tmp_path: Path) -> None:
    """A 409 names up to 1,000 ids, and says which deleted records hold: looked up by id, never by reading every
    deleted row through their index, which SQLite chose by statistics that make it look small (gathered while few
    were deleted: 49-59 ms against 4.4 with 100,000 deleted; here, a table of 60 rows). And the right ones."""
    database = tmp_path / "db.sqlite"
    storage = open_storage(f"sqlite:///{database}")
    results = COLLECTIONS["results"]
    with storage.transaction() as tx:
        tx.insert(results, [_record(f"r-{n}") for n in range(60)])
        for n in range(0, 60, 3):
            tx.upsert(results, _record(f"r-{n}", status="tobedeleted"))
    ran: list[str] = []
    with storage.transaction() as tx:
        raw = tx._raw  # type: ignore[attr-defined]
        raw.set_trace_callback(ran.append)  # (the statement with its values written in)
        deleted = tx.deleted_ids(results, [f"r-{n}" for n in range(0, 60, 2)] + ["absent"])
        raw.set_trace_callback(None)
    storage.close()
    assert deleted == {f"r-{n}" for n in range(0, 60, 6)}
    (statement,) = [s for s in ran if "json_each" in s]
    conn = sqlite3.connect(database)
    plan = str(conn.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall())
    conn.close()
    assert "ix_results_tobedeleted" not in plan, plan


def test_a_storage_closed_then_used_again_takes_the_file_there_then(tmp_path: Path) -> None:
    """The file moved check is of a file opened while it runs: closed, the storage opens whatever file is at its
    path when used again (it refused everything, "replaced while the server ran", after a copy put back)."""
    database, copy = tmp_path / "x.db", tmp_path / "copy.db"
    categories = COLLECTIONS["categories"]
    storage = open_storage(f"sqlite:///{database}")
    with storage.transaction() as tx:
        tx.insert(categories, [_record("c1", title="T")])
    storage.close()
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    os.replace(copy, database)
    assert storage.get(categories, "c1") is not None
    with storage.transaction() as tx:
        tx.insert(categories, [_record("c2", title="T")])
    storage.close()


def test_a_wal_left_beside_a_replacing_file_is_logged_when_a_reader_keeps_it_from_being_emptied(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's checkpoint answers "busy" rather than raising while another program reads the file the storage
    opened (a backup tool, Litestream): the WAL left beside the file put in its place was said to be emptied."""
    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 200)  # (the checkpoint waits that long for the reader)
    database, snapshot = tmp_path / "x.db", tmp_path / "snapshot.db"
    categories = COLLECTIONS["categories"]
    storage = open_storage(f"sqlite:///{database}")
    with storage.transaction() as tx:
        tx.insert(categories, [_record(f"c{i}", title="T" * 1000) for i in range(200)])
    reader = sqlite3.connect(database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM sqlite_master").fetchall()  # (a read snapshot held on the file opened)
    sqlite3.connect(snapshot).close()
    os.replace(snapshot, database)
    with pytest.raises(sql.FileReplaced):
        storage.get(categories, "c1")
    caplog.clear()
    storage.close()
    reader.close()
    said = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("timeback"))
    assert "could not be emptied" in said and "remove it before opening that file" in said, said


# Run with no directory of SQLite's search writable (SQLITE_TMPDIR, TMPDIR, /var/tmp, /usr/tmp, /tmp, the working
# directory) and one data volume, as in a hardened container: the server, writes, a reset and a sorted listing; then
# the same on a second server in another directory, opened meanwhile, once the first's is gone (a test's tmp_path, a
# volume unmounted).
_NO_TEMP_DIRECTORY = """
import os, shutil, sys
from timeback import Timeback
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

def use(server):
    with Timeback(**server.client_kwargs(), max_retries=0) as client:
        gradebook = client.oneroster.gradebook
        gradebook.create_category(category={"sourcedId": "c-1", "title": "Quizzes"})
        server.reset()
        gradebook.create_category(category={"sourcedId": "c-1", "title": "Quizzes"})
        print(len(list(gradebook.get_all_categories(sort="title"))))

os.mkdir(f"{sys.argv[1]}/a")
os.mkdir(f"{sys.argv[1]}/b")
with LocalServer(ServerSettings(database=f"sqlite:///{sys.argv[1]}/a/t.db")) as first:
    second = LocalServer(ServerSettings(database=f"sqlite:///{sys.argv[1]}/b/t.db")).__enter__()
    use(first)
shutil.rmtree(f"{sys.argv[1]}/a")
try:
    use(second)
finally:
    second.__exit__(None, None, None)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="a mount namespace (unshare) is Linux's")
def test_a_file_database_works_with_no_writable_temporary_directory(tmp_path: Path) -> None:
    """With none of SQLite's directories for its temporary files writable (a read-only root file system, one data
    volume), most writes and a reset failed, 500 "disk I/O error" (SQLITE_IOERR_GETTEMPPATH), and ``serve --seed``
    refused its --database. The storage now points SQLite at the database file's directory, and says so. That is the
    process's: a second storage, in another directory, keeps its temporary files in memory, where its reset failed
    once the first's directory was gone."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("no unshare, or no user and mount namespaces for this user")
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "code.py").write_text(_NO_TEMP_DIRECTORY)
    # (a tmpfs for the data, then every directory of SQLite's search read-only: --rbind keeps that tmpfs writable
    # when it is under one of them, as tmp_path is under /tmp)
    script = (
        'mount -t tmpfs tmpfs "$1" || exit 90; for d in /tmp /var/tmp /usr/tmp; do [ -d $d ] || continue; '
        "mount --rbind $d $d && mount -o remount,bind,ro $d $d || exit 91; done; "
        'cd /tmp && exec "$2" "$3" "$1"'
    )
    env = {**os.environ, "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SQLITE_TMPDIR", None)
    ran = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(data), sys.executable, str(tmp_path / "code.py")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout == "1\n1\n", ran.stdout + ran.stderr
    assert (
        "for its temporary files (SQLITE_TMPDIR, TMPDIR, /var/tmp, /usr/tmp, /tmp, the working directory): they go in "
        f"{data / 'a'}\n" in ran.stderr
    ), ran.stderr  # (logged)
    assert "for its temporary files: they are kept in memory" in ran.stderr, ran.stderr


def test_no_directory_for_sqlites_temporary_files_is_named_not_a_500() -> None:
    """Were SQLite still without a directory for its temporary files (the database's own made unwritable since it
    was opened), a request is answered 507 saying what is missing and how to give it one, not a 500."""
    from timeback.server.errors import unexpected_error

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 6410  # type: ignore[attr-defined]  # (SQLITE_IOERR_GETTEMPPATH; set by SQLite's own)
    answer = unexpected_error(error)
    assert answer.status == 507
    assert (
        "no writable directory for its temporary files" in answer.description and "SQLITE_TMPDIR" in answer.description
    )


def test_a_shm_removed_as_it_is_checked_is_not_called_read_only(tmp_path: Path, monkeypatch: Any) -> None:
    """Another server's last connection closing removes the -shm and -wal: one gone between the check that it is
    there and the check that it is writable was called read-only, and a worker of ``serve --workers`` refused to
    start ("t.db-shm beside it is read-only")."""
    database = tmp_path / "t.db"
    sqlite3.connect(database).close()
    shm = tmp_path / "t.db-shm"
    shm.write_bytes(b"")
    access = os.access

    def removed_as_asked(path: Any, mode: int, **kwargs: Any) -> bool:
        if str(path) == str(shm) and shm.exists():
            shm.unlink()  # (the other server's connection closes right now)
        return access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", removed_as_asked)
    sql._check_writable(str(database))  # (raised OSError: "t.db-shm beside it is read-only")


def test_a_shm_made_as_it_is_checked_is_not_called_read_only(tmp_path: Path, monkeypatch: Any) -> None:
    """The other way round: not there when asked whether it is writable, made by another server's connection right
    after, then found there: it was called read-only."""
    database = tmp_path / "t.db"
    sqlite3.connect(database).close()
    shm = tmp_path / "t.db-shm"
    access = os.access

    def made_after_asked(path: Any, mode: int, **kwargs: Any) -> bool:
        answer = access(path, mode, **kwargs)
        if str(path) == str(shm) and not shm.exists():
            shm.write_bytes(b"")  # (the other server's connection opens right now)
        return answer

    monkeypatch.setattr(os, "access", made_after_asked)
    sql._check_writable(str(database))


def test_dates_alone_an_older_server_stored_are_answered_as_their_days_start_when_the_file_is_opened(
    tmp_path: Path,
) -> None:
    """A server before ``moments`` kept a result's scoreDate and a line item's assignDate and dueDate sent alone as
    written: opened, such a file answers them as writes store them now, that day's midnight UTC (once: the pass is
    keyed in timeback_meta), their stamps unchanged (the same instant, which filters read already); a date-time held
    is left as it is."""
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'older.db'}")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        r = make_roster(client)
        (line_item,) = add_line_items(client, r, 1)
        gradebook = client.oneroster.gradebook
        gradebook.put_result(sourced_id="alone", result=result_body(line_item, r.students[0]))
        gradebook.put_result(
            sourced_id="timed", result=result_body(line_item, r.students[1], scoreDate="2024-01-16T10:00:00+02:00")
        )
        stamps = {x.sourcedId: x.dateLastModified for x in gradebook.get_all_results()}
        same_day, slashed = uid("li"), uid("li")
        gradebook.put_line_item(sourced_id=slashed, lineItem=line_item_body(r))
        gradebook.put_line_item(
            sourced_id=same_day, lineItem=line_item_body(r, assignDate="2024-01-15T10:00:00Z", dueDate="2024-01-16")
        )
    with closing(sqlite3.connect(tmp_path / "older.db")) as conn, conn:  # (as the older server left it)
        conn.execute("DELETE FROM timeback_meta WHERE key LIKE 'moments %'")
        conn.execute("UPDATE results SET data = json_set(data, '$.scoreDate', '2024-01-16') WHERE sourced_id = 'alone'")
        conn.execute(
            "UPDATE lineItems SET data = json_set(data, '$.assignDate', '2024-01-15', '$.dueDate', '2024-01-20') "
            "WHERE sourced_id = ?", (line_item,)
        )  # fmt: skip
        conn.execute(
            "UPDATE lineItems SET data = json_set(data, '$.dueDate', '2024-01-15') WHERE sourced_id = ?", (same_day,)
        )
        conn.execute(  # (ten characters, no date: a laxer server's text, left as it is)
            "UPDATE lineItems SET data = json_set(data, '$.dueDate', '2024/01/20') WHERE sourced_id = ?", (slashed,)
        )
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        gradebook = client.oneroster.gradebook
        held = {x.sourcedId: x for x in gradebook.get_all_results()}
        assert {k: (x.scoreDate, x.dateLastModified) for k, x in held.items()} == {
            "alone": ("2024-01-16T00:00:00Z", stamps["alone"]), "timed": ("2024-01-16T10:00:00+02:00", stamps["timed"])}  # fmt: skip
        dated = gradebook.get_line_item(sourced_id=line_item).lineItem
        assert (dated.assignDate, dated.dueDate) == ("2024-01-15T00:00:00Z", "2024-01-20T00:00:00Z")
        # one due the day it was assigned, at 10:00, was in order as a date (the same day): its day's start is
        # before 10:00 now, and the record read and PUT back is taken still; another dueDate in reverse is not
        reversed_ = gradebook.get_line_item(sourced_id=same_day).lineItem
        assert (reversed_.assignDate, reversed_.dueDate) == ("2024-01-15T10:00:00Z", "2024-01-15T00:00:00Z")
        assert (
            gradebook.put_line_item(sourced_id=same_day, lineItem=reversed_).lineItem.dueDate == "2024-01-15T00:00:00Z"
        )
        rewritten = {**reversed_.to_dict(), "dueDate": "2024-01-15T00:00:00+00:00"}  # (the same instant, written so)
        assert gradebook.put_line_item(sourced_id=same_day, lineItem=rewritten).lineItem.dueDate == rewritten["dueDate"]
        assert gradebook.get_line_item(sourced_id=slashed).lineItem.dueDate == "2024/01/20"
        with pytest.raises(
            UnprocessableEntityError, match=r"Dates in reverse: lineItem\.dueDate: '2024-01-15T09:00:00Z'"
        ):
            gradebook.put_line_item(
                sourced_id=same_day, lineItem={**reversed_.to_dict(), "dueDate": "2024-01-15T09:00:00Z"}
            )
        on_the_day = gradebook.get_all_results(filter="scoreDate='2024-01-16'", sort="sourcedId")
        assert [x.sourcedId for x in on_the_day] == ["alone", "timed"]
    with closing(sqlite3.connect(tmp_path / "older.db")) as conn, conn:  # (once: a date alone written after stays)
        conn.execute("UPDATE results SET data = json_set(data, '$.scoreDate', '2024-01-17') WHERE sourced_id = 'alone'")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        assert client.oneroster.gradebook.get_result(sourced_id="alone").result.scoreDate == "2024-01-17"
    # A server of schema 2 (before the pass) serving the file since stored a date alone, and set its number back to 2
    # (a file of 3 it refuses): the pass runs again when the file is next opened (it was keyed done, the date kept)
    with closing(sqlite3.connect(tmp_path / "older.db")) as conn, conn:
        conn.execute("UPDATE results SET data = json_set(data, '$.scoreDate', '2024-01-18') WHERE sourced_id = 'alone'")
        conn.execute("PRAGMA user_version = 2")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        assert client.oneroster.gradebook.get_result(sourced_id="alone").result.scoreDate == "2024-01-18T00:00:00Z"
    with closing(sqlite3.connect(tmp_path / "older.db")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (sql.SCHEMA_VERSION,) == (3,)


@pytest.mark.parametrize("read", ["held", "list"])
def test_a_signal_s_keyboard_interrupt_in_a_read_is_raised_as_itself(
    monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    """SIGINT (or SIGTERM as ``serve`` starts) raises KeyboardInterrupt in whatever Python runs then: inside a read,
    SQLite's progress handler, whose exception sqlite3 swallows, the statement failing "interrupted". ``serve``
    stopped while it checked whether a seed was held then said it could not open the database (exit 2, from the full
    run) where a stop exits 0: the read raises KeyboardInterrupt."""
    from timeback.server.storage.base import ListQuery

    storage = open_storage("sqlite://")
    users = COLLECTIONS["users"]
    with storage.transaction() as tx:
        tx.insert(users, [_record(f"u{i}", givenName="G", familyName="F") for i in range(200)])

    def signalled(storage: Any, deadline: float) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(sql, "PROGRESS_STEPS", 1)
    monkeypatch.setattr(sql, "_stop_reading", signalled)
    with pytest.raises(KeyboardInterrupt):
        if read == "held":
            storage.held(users, [f"u{i}" for i in range(200)])
        else:
            storage.list(users, ListQuery(limit=200))
    monkeypatch.undo()
    assert len(storage.held(users, ["u1", "u2"])) == 2  # (the storage reads on)
    storage.close()


@pytest.mark.parametrize(
    ("sort", "filter_"), [("score", None), ("sourcedId", None), (None, "dateLastModified>'2024-01-01T00:04:00Z'")]
)
def test_no_statement_of_a_listing_sorts_the_records_data(
    tmp_path: Path, sort: str | None, filter_: str | None
) -> None:
    """A sorted page (and one read through the date's index, then sorted by pk) was one statement joining the
    records' data to the ranking and sorting the whole: SQLite's sorter held every record of the page before the
    first came out, whatever ``max_page_characters`` (3,000 of 30 MB: 90 GB), from the review. The data is read by
    pk once the page's rows are ranked: no statement reading it sorts."""
    from sqlalchemy import event

    from timeback.server.query import parse_filter, parse_sort
    from timeback.server.service import GradebookService
    from timeback.server.storage.base import ListQuery

    storage = open_storage(f"sqlite:///{tmp_path / 'sorted.db'}")
    results = COLLECTIONS["results"]
    with storage.transaction() as tx:
        tx.insert(
            results,
            [
                _record(
                    f"r{i:03d}",
                    score=i % 7,
                    comment="x" * 500,
                    dateLastModified=f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}.000Z",
                )
                for i in range(300)
            ],
        )
    kinds = GradebookService(storage, ServerSettings())._kinds(results)
    statements: list[str] = []
    event.listen(storage.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    query = ListQuery(
        sort=parse_sort(sort, None, kinds) if sort else None,
        filter=parse_filter(filter_, kinds, None) if filter_ else None,
        limit=50,
        max_characters=20_000,
    )
    rows, total = storage.list(results, query)
    assert total == (300 if filter_ is None else 59) and 0 < len(rows) < 50  # (short: 20,000 characters hold ~30)
    # (a statement whose columns hold the records' data, json_extract's argument aside, and that sorts them)
    sorting = [s for s in statements if re.search(r"results\.data\b(?!, ')", s.split("FROM")[0]) and "ORDER BY" in s]
    assert not sorting, sorting
    storage.close()
