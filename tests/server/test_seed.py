"""``timeback serve --seed FILE``: a roster loaded at start, through the same validation as the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeback import Timeback
from timeback._demo import CLASS, STUDENTS, demo_roster
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer
from timeback.server.seed import SeedError


def test_seeded_roster_is_served(tmp_path: Path) -> None:
    seed = tmp_path / "roster.json"
    seed.write_text(json.dumps(demo_roster()))
    with LocalServer(ServerSettings(seed=str(seed))) as server, Timeback(**server.client_kwargs()) as client:
        ro = client.oneroster.rostering
        students = [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=CLASS)]
        assert students == [sid for sid, _, _ in STUDENTS]
        assert [s.name for s in ro.get_all_schools()] == ["Lincoln Middle School"]
        assert ro.get_enrollment(sourced_id=f"enrollment-{STUDENTS[0][0]}").enrollment.school.sourcedId == "school-1"


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"classes": [{"title": "x", "course": {"sourcedId": "nope"}, "terms": [{"sourcedId": "t"}],
                       "org": {"sourcedId": "o"}}]}, "classes[0]: Unknown reference"),
        ({"users": [{"givenName": "no roles"}]}, "users[0]: Invalid request body"),
        ({"widgets": []}, "unknown collections in the seed: widgets"),
    ],
)  # fmt: skip
def test_a_bad_seed_stops_the_start_naming_the_record(tmp_path: Path, seed: dict[str, object], message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(SeedError, match=message.replace("[", r"\[").replace("]", r"\]")):
        LocalServer(ServerSettings(seed=str(path)))


def test_a_seed_that_fails_stores_nothing(tmp_path: Path) -> None:
    # enrollments[1] names a user who is not there: every record before it (the school, term, course, class, the
    # five users and enrollments[0]) loads, then the start stops.
    roster = demo_roster()
    bad = json.loads(json.dumps(roster))
    bad["enrollments"][1]["user"] = {"sourcedId": "nobody"}
    seed = tmp_path / "roster.json"
    seed.write_text(json.dumps(bad))
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}", seed=str(seed))
    with pytest.raises(SeedError, match=r"enrollments\[1\]: Unknown reference: enrollment\.user\.sourcedId"):
        LocalServer(settings)
    seed.write_text(json.dumps(roster))  # corrected: the same file then loads it whole
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        ro = client.oneroster.rostering
        assert [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=CLASS)] == [s for s, _, _ in STUDENTS]
    with pytest.raises(SeedError, match=r"schools\[0\]: School already exists: school-1"):
        LocalServer(settings)  # (restarted with the seed it holds: refused as a POST would be, README says so)
