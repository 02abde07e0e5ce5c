"""Storage: the views (schools in orgs, students in users) read the same through SQLAlchemy and the driver's SQL;
the WAL is copied by a background thread, never by a request's COMMIT."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from timeback.server.collections import COLLECTIONS
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


def _wal_pages(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def _write_one_at_a_time(storage: Any, count: int, first: int = 0) -> None:
    orgs = COLLECTIONS["orgs"]
    for n in range(first, first + count):
        with storage.transaction() as tx:
            tx.insert(orgs, [_record(f"org-{n}", name=f"Org {n}", type="school")])


def test_commits_leave_the_wal_to_the_checkpointer_thread(tmp_path: Path) -> None:
    """No COMMIT copies the WAL (SQLite's automatic checkpoint stalled a small write, on the event loop, for up
    to 18 ms): the writer has it off, and the background thread copies the pages instead."""
    storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    _write_one_at_a_time(storage, 1)
    assert storage._writer().execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
    checkpointer = storage._checkpointer
    assert checkpointer is not None
    before = checkpointer.checkpoints
    _write_one_at_a_time(storage, 300, first=1)  # far past 1,000 WAL pages: SQLite itself would have copied by now
    deadline = time.monotonic() + 10
    while checkpointer.checkpoints == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.checkpoints > before
    assert storage.get(COLLECTIONS["orgs"], "org-300") is not None
    storage.close()
    assert not checkpointer._thread or not checkpointer._thread.is_alive()  # close ends the thread


def test_the_wal_starts_over_under_a_steady_stream_of_writes(tmp_path: Path, monkeypatch: Any) -> None:
    """Commits made while the thread copies keep the WAL from ever being all copied, and then it only grows; past
    ``LIMIT`` pages the writer does the last few pages itself, so the next write starts the WAL over."""
    monkeypatch.setattr(sql._Checkpointer, "LIMIT", 60)
    monkeypatch.setattr(sql._Checkpointer, "PAUSE", 0.005)
    storage = open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        _write_one_at_a_time(storage, 3_000)  # about 4 pages each: 12,000 pages (47 MB) if it never started over
        assert storage._checkpointer is not None and storage._checkpointer.checkpoints > 0
        assert _wal_pages(tmp_path / "db.sqlite") < 3_000
    finally:
        storage.close()
