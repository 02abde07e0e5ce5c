"""Storage: the views (schools in orgs, students in users) read the same through SQLAlchemy and the driver's SQL."""

from __future__ import annotations

from typing import Any

from timeback.server.collections import COLLECTIONS
from timeback.server.storage import open_storage

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
