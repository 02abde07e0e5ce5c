"""``timeback serve --seed FILE``: a roster loaded at start, through the same validation as the API."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from timeback import Timeback
from timeback._demo import CLASS, STUDENTS, demo_roster
from timeback.resources import GradebookOperations, RosteringOperations
from timeback.server import ServerSettings, seed as seed_module
from timeback.server.collections import COLLECTIONS
from timeback.server.runner import LocalServer
from timeback.server.seed import LOAD_ORDER, SeedAlreadyLoaded, SeedError, SeedPartlyHeld, _ops, load_seed
from timeback.server.service import GradebookService


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
        ({"widgets": []}, r"unknown collections in the seed: 'widgets' \(a seed holds orgs, "),
        # (the collection a misspelt key likely means: the message named none, nor what a seed holds)
        ({"school": [], "line_items": []},
         r"in the seed: 'line_items' \(lineItems\?\), 'school' \(schools\?\) \(a seed"),
        ({"teachers": []}, r"in the seed: 'teachers' \(users\?\) \(a seed"),
        # (no guess for a word nothing like a collection: 'bogus' was "(orgs?)")
        ({"bogus": []}, r"in the seed: 'bogus' \(a seed holds"),
        ({"items": []}, r"in the seed: 'items' \(lineItems\?\) \(a seed"),  # (a part of its name: not 'terms')
        ({"enrolment": [], "class": []}, r"in the seed: 'class' \(classes\?\), 'enrolment' \(enrollments\?\) \(a"),
        # (quoted: a trailing space read "unknown collections in the seed: schools  (schools?)")
        ({"schools ": []}, r"in the seed: 'schools ' \(schools\?\) \(a seed"),
    ],
)  # fmt: skip
def test_a_bad_seed_stops_the_start_naming_the_record(tmp_path: Path, seed: dict[str, object], message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(SeedError, match=message.replace("[", r"\[").replace("]", r"\]")) as raised:
        LocalServer(ServerSettings(seed=str(path)))
    # (and the file, as a seed that does not read is named: "users[0]: ..." named none)
    assert str(raised.value).startswith(f"{str(path)!r}: ")


def test_a_seed_file_has_one_name_in_every_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path names the file alike whether it does not read or a record of it is wrong (a record's error
    said './bad.json' where the file's own said 'bad.json')."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text(json.dumps({"users": [{"sourcedId": "u1"}]}))
    (tmp_path / "cut.json").write_text("{")
    for written, named in [("./bad.json", "'bad.json': users[0]: "), ("./cut.json", "'cut.json' is not JSON")]:
        with pytest.raises(SeedError) as raised:
            LocalServer(ServerSettings(seed=written))
        assert str(raised.value).startswith(named), raised.value


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
    # Restarted with the seed it holds: not loaded again, what the file holds kept (it was refused, "School already
    # exists", as a POST would be: a supervisor restarting the same command met that at every restart)
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        client.oneroster.rostering.delete_user(sourced_id=STUDENTS[0][0])
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        ro = client.oneroster.rostering
        assert [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=CLASS)] == [
            s for s, _, _ in STUDENTS[1:]
        ]
    # One that holds some of the file's records and others too is refused, naming the first it holds
    extended = {
        **roster,
        "orgs": [*roster.get("orgs", []), {"sourcedId": "another-school", "name": "A", "type": "school"}],
    }
    seed.write_text(json.dumps(extended))
    total = sum(len(records) for records in extended.values())
    with pytest.raises(SeedError) as partly:
        LocalServer(settings)
    assert str(partly.value) == (
        f"'{seed}': the database holds {total - 1} of its {total} records already, not orgs[0] 'another-school': load "
        "it into a new database file, or start without it"
    )
    assert isinstance(partly.value, SeedPartlyHeld)
    unnamed = {**roster, "orgs": [{"name": "No id", "type": "school"}]}  # (it would be stored again at each start)
    seed.write_text(json.dumps(unnamed))
    with pytest.raises(
        SeedError, match=r"holds \d+ of its \d+ records already, not orgs\[0\]; 1 record without a sourcedId cannot"
    ):
        LocalServer(settings)


def test_serve_says_a_seed_held_already_is_not_loaded_again(tmp_path: Path) -> None:
    seed = tmp_path / "roster.json"
    seed.write_text(json.dumps(demo_roster()))
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}", seed=str(seed))
    LocalServer(settings).stop()
    with pytest.raises(SeedAlreadyLoaded) as raised:
        with LocalServer(ServerSettings(database=settings.database)) as server:
            load_seed(server.app.state.service, seed)
    assert str(raised.value) == f"its {raised.value.records} records are in the database already"
    assert raised.value.records == sum(len(records) for records in demo_roster().values())


def test_a_seed_another_server_loaded_since_the_look_is_held_already(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two servers starting at once on a new file with the same seed both found none of it held, then one's load
    failed on the first record the other had stored meanwhile ("Org already exists", exit 2: 7 times in 10, from the
    pytest-xdist run): its load failing, the seed is looked for again, held whole now."""
    from timeback.server import seed as seed_module

    seed = tmp_path / "roster.json"
    seed.write_text(json.dumps(demo_roster()))
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}", seed=str(seed))
    LocalServer(settings).stop()  # (the other server's load)
    held = seed_module._held
    looks: list[int] = []

    def before_the_other_committed(service: Any, data: dict[str, Any]) -> tuple[int, int, int, str]:
        looks.append(1)
        found = held(service, data)
        return (0, found[1], found[2], "orgs[0]") if len(looks) == 1 else found

    monkeypatch.setattr(seed_module, "_held", before_the_other_committed)
    with pytest.raises(SeedAlreadyLoaded) as raised:
        with LocalServer(ServerSettings(database=settings.database)) as server:
            load_seed(server.app.state.service, seed)
    assert raised.value.records == sum(len(records) for records in demo_roster().values()) and len(looks) == 2


def test_a_seed_held_already_is_found_with_one_read_per_collection_and_no_write(tmp_path: Path) -> None:
    """(Looked up one record at a time, a restart with a seed of 20,000 records took 3 s to find it held, five times
    its load; and a look in a transaction counted as the seed's commit.)"""
    data = _every_collection(results=2000)
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}")
    with LocalServer(settings) as server:
        load_seed(server.app.state.service, data)
    with LocalServer(settings) as server:
        storage = server.app.state.storage
        reads: list[str] = []
        held, get = storage.held, storage.get
        storage.held = lambda coll, ids: reads.append(coll.name) or held(coll, ids)
        storage.get = lambda *args: pytest.fail("a record read alone")
        commits = storage.commits
        with pytest.raises(SeedAlreadyLoaded):
            load_seed(server.app.state.service, data)
        assert storage.commits == commits
        assert reads == [COLLECTIONS[name].table for name in LOAD_ORDER if data.get(name)]  # (a view's: its table)
        storage.get = get


def test_a_seed_s_school_and_term_are_held_still_once_their_type_changed(tmp_path: Path) -> None:
    """Records changed since the seed loaded are what the file holds: a school made a district, a term a semester,
    through the API (looked up in their views, they were no longer found: a restart refused the seed, every time)."""
    seed = {"schools": [{"sourcedId": "s1", "name": "School", "type": "school"}],
            "terms": [{"sourcedId": "t1", "title": "Fall", "type": "term", "startDate": "2024-08-01",
                       "endDate": "2024-12-20", "schoolYear": "2025", "org": {"sourcedId": "s1"}}]}  # fmt: skip
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        load_seed(server.app.state.service, seed)
        ro = client.oneroster.rostering
        ro.update_academic_session(sourced_id="t1", academicSession={**seed["terms"][0], "type": "semester"})
        ro.update_org(sourced_id="s1", org={**seed["schools"][0], "type": "district"})
        with pytest.raises(SeedAlreadyLoaded, match="its 2 records are in the database already"):
            load_seed(server.app.state.service, seed)


def _every_collection(results: int) -> dict[str, Any]:
    """A seed with records in every collection of ``LOAD_ORDER``: parents naming earlier records of their own list
    (orgs, schools, sessions, users' agents, assessment line items), classes given ``org`` (mirrored to ``school``),
    schools, terms and grading periods without their fixed type, enrollments and results without the school or class
    they take from their class or line item."""
    district, school, term = {"sourcedId": "district"}, {"sourcedId": "school-1"}, {"sourcedId": "term-1"}
    dates = {"startDate": "2024-08-01", "endDate": "2025-06-30", "schoolYear": "2025"}
    students = [f"stu-{i}" for i in range(6)]
    return {
        "orgs": [{"sourcedId": "district", "name": "D", "type": "district"},
                 {"sourcedId": "school-0", "name": "S0", "type": "school", "parent": district}],
        "schools": [{"sourcedId": "school-1", "name": "S1", "type": "school", "parent": district},
                    {"sourcedId": "school-2", "name": "S2", "type": "school", "parent": {"sourcedId": "school-0"}}],
        "academicSessions": [{"sourcedId": "year", "title": "Year", "type": "schoolYear", **dates, "org": school},
                             {"sourcedId": "semester", "title": "Sem", "type": "semester", **dates, "org": school,
                              "parent": {"sourcedId": "year"}}],
        "terms": [{"sourcedId": "term-1", "title": "Fall", **dates, "org": school, "parent": {"sourcedId": "semester"}}],
        "gradingPeriods": [{"sourcedId": "gp-1", "title": "Q1", **dates, "org": school, "parent": term}],
        "courses": [{"sourcedId": "course-1", "title": "Math", "org": school, "schoolYear": {"sourcedId": "year"}}],
        "classes": [{"sourcedId": "class-1", "title": "A", "course": {"sourcedId": "course-1"}, "org": school,
                     "terms": [term]},
                    {"sourcedId": "class-2", "title": "B", "course": {"sourcedId": "course-1"},
                     "school": {"sourcedId": "school-2"}, "terms": [term]}],
        "users": [*({"sourcedId": sid, "enabledUser": True, "givenName": "S", "familyName": sid,
                     "roles": [{"roleType": "primary", "role": "student", "org": school}]} for sid in students),
                  {"sourcedId": "parent-1", "enabledUser": True, "givenName": "P", "familyName": "One",
                   "roles": [{"roleType": "primary", "role": "parent", "org": school}],
                   "agents": [{"sourcedId": "stu-0"}, {"sourcedId": "stu-1"}]},
                  {"sourcedId": "teacher-1", "enabledUser": True, "givenName": "T", "familyName": "One",
                   "roles": [{"roleType": "primary", "role": "teacher", "org": school}],
                   "agents": [{"sourcedId": "parent-1"}]}],
        "enrollments": [*({"sourcedId": f"enr-{sid}", "user": {"sourcedId": sid}, "class": {"sourcedId": "class-1"},
                           "role": "student"} for sid in students),
                        {"sourcedId": "enr-teacher", "user": {"sourcedId": "teacher-1"},
                         "class": {"sourcedId": "class-2"}, "school": {"sourcedId": "school-2"}, "role": "teacher"}],
        "demographics": [{"sourcedId": "stu-0", "sex": "female"}],
        "categories": [{"sourcedId": "cat-1", "title": "Quizzes", "weight": 0.5}],
        "scoreScales": [{"sourcedId": "scale-1", "title": "Letters", "type": "letter", "class": {"sourcedId": "class-1"},
                         "scoreScaleValue": [{"itemValueLHS": "A", "itemValueRHS": "90"}]}],
        "lineItems": [{"sourcedId": f"li-{i}", "title": f"Quiz {i}", "class": {"sourcedId": f"class-{i % 2 + 1}"},
                       "school": school, "category": {"sourcedId": "cat-1"}, "assignDate": "2024-09-01",
                       "dueDate": "2024-09-08", "resultValueMin": 0, "resultValueMax": 100} for i in range(3)],
        "results": [{"sourcedId": f"r-{i}", "lineItem": {"sourcedId": f"li-{i % 3}"},
                     "student": {"sourcedId": students[i % 6]}, "scoreStatus": "fully graded",
                     "scoreDate": "2024-09-09T10:00:00Z", "score": i % 100,
                     **({"class": {"sourcedId": "class-1"}} if i % 3 == 0 else {})} for i in range(results)],
        "assessmentLineItems": [{"sourcedId": "ali-1", "title": "Unit"},
                                {"sourcedId": "ali-2", "title": "Part", "parentAssessmentLineItem": {"sourcedId": "ali-1"}},
                                {"sourcedId": "ali-3", "title": "Item", "parentAssessmentLineItem": {"sourcedId": "ali-2"}}],
        "assessmentResults": [{"sourcedId": "ar-1", "assessmentLineItem": {"sourcedId": "ali-3"},
                               "student": {"sourcedId": "stu-2"}, "scoreStatus": "fully graded",
                               "scoreDate": "2024-09-09", "score": 7}],
    }  # fmt: skip


def _one_at_a_time(service: GradebookService, data: dict[str, Any]) -> None:
    """What ``load_seed`` did before it loaded in chunks: each record a POST of its own, the same as the API's."""
    ops = _ops("create")
    with service.storage.all_or_nothing():
        for collection in LOAD_ORDER:
            op = ops[collection]
            for record in data.get(collection, []):
                service.handle(op, {}, {}, json.dumps({op.wire_body_key: record}).encode(), "")


def _everything(server: LocalServer) -> dict[str, Any]:
    """Every collection of ``LOAD_ORDER`` as its listing answers it, over HTTP, without the stamps."""
    listings = {op.collection: op for ops in (RosteringOperations, GradebookOperations) for op in ops.operations()
                if op.kind == "list" and not op.parents}  # fmt: skip
    with httpx.Client(base_url=server.url) as http:
        token = http.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=server.credentials)
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        answers = {}
        for collection in LOAD_ORDER:
            op = listings[collection]
            answer = http.get(f"{op.base_path}{op.path}", params={"limit": 3000, "sort": "sourcedId"})
            assert answer.status_code == 200, answer.text
            # (a rostering reference's href names the server answering: the same on any other)
            records = json.loads(answer.text.replace(json.dumps(server.url)[1:-1], "<server>"))[op.records_key]
            for record in records:
                assert record.pop("dateLastModified")
            answers[collection] = records
    return answers


def test_a_seed_in_chunks_stores_what_one_record_at_a_time_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _every_collection(results=40)
    with LocalServer() as reference:
        _one_at_a_time(reference.app.state.service, data)
        expected = _everything(reference)
    assert all(expected[collection] for collection in LOAD_ORDER)
    assert {r["sourcedId"]: r["school"]["sourcedId"] for r in expected["enrollments"]}["enr-stu-1"] == "school-1"
    for chunk in (1000, 3):  # (chunks of 3: self-references within a chunk and across chunks)
        monkeypatch.setattr(seed_module, "CHUNK", chunk)
        seed = tmp_path / f"every-{chunk}.json"
        seed.write_text(json.dumps(data))
        with LocalServer(ServerSettings(seed=str(seed))) as server:
            assert _everything(server) == expected


def test_a_seed_opens_one_savepoint_per_chunk_not_per_record(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _every_collection(results=2500)
    records = sum(len(v) for v in data.values())
    with LocalServer() as server:
        service = server.app.state.service
        opened = []
        transaction = service.storage.transaction

        def counted() -> Any:
            opened.append(1)
            return transaction()

        monkeypatch.setattr(service.storage, "transaction", counted)
        assert sum(load_seed(service, data).values()) == records
        with service.storage.engine.connect() as conn:  # (SQLite's statistics of the tables as the seed left them)
            analyzed = conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1").scalars().all()
    assert len(opened) == len(LOAD_ORDER) + 2 + 1  # (results: 3 chunks of 1,000; then the statistics gathered)
    assert "results" in analyzed  # (empty when the server opened it: no statistics then)


def _loads_nothing(tmp_path: Path, data: dict[str, Any], message: str) -> None:
    """The seed stops the start with ``message`` and stores none of its records: corrected, it loads."""
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(data))
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}", seed=str(seed))
    with pytest.raises(SeedError) as raised:
        LocalServer(settings)
    assert str(raised.value) == f"{str(seed)!r}: {message}"
    with LocalServer(replace(settings, seed=None)) as server:
        assert not any(_everything(server).values())


@pytest.mark.parametrize(
    ("collection", "index", "change", "message"),
    [
        ("results", 1234, {"student": {"sourcedId": "nobody"}},
         "Unknown reference: result.student.sourcedId: unknown user 'nobody'"),
        ("results", 1999, {"score": "90"}, "Invalid request body: result.score: Input should be a valid number"),
        ("results", 1500, {"sourcedId": "r-1010"}, "Result already exists: 'r-1010'"),  # (in the same chunk)
        ("results", 2400, {"sourcedId": "r-7"}, "Result already exists: 'r-7'"),  # (in an earlier chunk)
        ("enrollments", 3, {"school": {"sourcedId": "school-2"}},
         "Not the class's school: enrollment.school.sourcedId: 'school-2' is not the school of class 'class-1' "
         "('school-1')"),
        # (a user after it, set once the list is loaded, and one nowhere: named where the record has it)
        ("users", 6, {"agents": [{"sourcedId": "teacher-1"}, {"sourcedId": "nobody"}]},
         "Unknown reference: user.agents[1].sourcedId: unknown user 'nobody'"),
        ("orgs", 1, {"parent": {"sourcedId": "school-0"}}, "Circular parent: org.parent.sourcedId: the record itself"),
        ("assessmentLineItems", 1, {"parentAssessmentLineItem": {"sourcedId": "ali-3"}},
         "Unknown reference: assessmentLineItem.parentAssessmentLineItem.sourcedId: unknown assessment line item "
         "'ali-3' ('ali-3' comes later, at assessmentLineItems[2]: within a list, a record must come before those "
         "that name it)"),
    ],
)  # fmt: skip
def test_a_bad_record_in_a_chunk_is_named_by_its_index_and_nothing_is_stored(
    tmp_path: Path, collection: str, index: int, change: dict[str, Any], message: str
) -> None:
    data = _every_collection(results=2500)
    data[collection][index] = {**data[collection][index], **change}
    _loads_nothing(tmp_path, data, f"{collection}[{index}]: {message}")


@pytest.mark.parametrize("chunk", [1000, 2])
def test_a_parent_listed_after_its_child_is_named_as_later_in_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # (the message said only "unknown org 'o-parent'", which was in the same file: one read it as a typo; with
    # chunks of 2 the parent is in a later chunk than its child)
    monkeypatch.setattr(seed_module, "CHUNK", chunk)
    orgs = [{"sourcedId": "o-child", "name": "C", "type": "school", "parent": {"sourcedId": "o-parent"}},
            {"sourcedId": "o-other", "name": "O", "type": "school"},
            {"sourcedId": "o-parent", "name": "P", "type": "district"}]  # fmt: skip
    _loads_nothing(
        tmp_path,
        {"orgs": orgs},
        "orgs[0]: Unknown reference: org.parent.sourcedId: unknown org 'o-parent' ('o-parent' comes later, at "
        "orgs[2]: within a list, a record must come before those that name it)",
    )
    orgs.insert(0, orgs.pop())  # (the parent first: it loads)
    seed = tmp_path / "ordered.json"
    seed.write_text(json.dumps({"orgs": orgs}))
    with LocalServer(ServerSettings(seed=str(seed))) as server, Timeback(**server.client_kwargs()) as client:
        assert client.oneroster.rostering.get_org(sourced_id="o-child").org.parent.sourcedId == "o-parent"


@pytest.mark.parametrize("chunk", [1000, 1])
def test_a_parent_in_a_later_list_is_named_as_later_saying_the_lists_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # (a grading period under academicSessions whose term is under terms: "unknown academic session 't1'" alone, the
    # hint given only within one list)
    monkeypatch.setattr(seed_module, "CHUNK", chunk)
    dates = {"startDate": "2024-08-01", "endDate": "2025-06-30", "schoolYear": "2025"}
    school = {"sourcedId": "s1"}
    data = {
        "schools": [{"sourcedId": "s1", "name": "S", "type": "school"}],
        "academicSessions": [{"sourcedId": "gp1", "title": "Q1", "type": "gradingPeriod", **dates, "org": school,
                              "parent": {"sourcedId": "t1"}}],
        "terms": [{"sourcedId": "t0", "title": "Spring", **dates, "org": school},
                  {"sourcedId": "t1", "title": "Fall", **dates, "org": school}],
    }  # fmt: skip
    _loads_nothing(
        tmp_path,
        data,
        "academicSessions[0]: Unknown reference: academicSession.parent.sourcedId: unknown academic session 't1' "
        "('t1' comes later, at terms[1]: the list academicSessions loads before terms, and a record must come before "
        "those that name it)",
    )


def test_the_first_bad_record_is_named_when_a_later_one_of_its_chunk_is_invalid(tmp_path: Path) -> None:
    # (one record at a time, results[1200] failed before results[1300] was read: still the one named)
    data = _every_collection(results=2500)
    data["results"][1200]["lineItem"] = {"sourcedId": "nope"}
    data["results"][1300]["score"] = "90"
    _loads_nothing(
        tmp_path, data, "results[1200]: Unknown reference: result.lineItem.sourcedId: unknown line item 'nope'"
    )


@pytest.mark.parametrize("depth", [20_000, 200_000])
def test_a_seed_nested_past_what_json_decodes_is_refused_not_a_crash(tmp_path: Path, depth: int) -> None:
    """``json.loads`` raises ``RecursionError`` (a ``RuntimeError``) past a depth that depends on the Python: some
    1,000 levels on 3.11, 1,500 on 3.12, 10,000 on 3.13: the start ended in a traceback. A body nested so deep is
    400 over HTTP; the seed is refused as unreadable, saying so. (Less deep, it is refused as a body that deep is.)"""
    path = tmp_path / "deep.json"
    path.write_text(
        '{"categories": [{"sourcedId": "c", "title": "t", "metadata": ' + '{"a": ' * depth + "1" + "}" * depth + "}]}"
    )
    with pytest.raises(SeedError, match="is not JSON: nested too deeply"):
        LocalServer(ServerSettings(seed=str(path)))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # (read again to say where the value is, the seed's nesting raised RecursionError: a 162-line traceback)
        ('{"a": {"k": 1, "k": 2}, "x": ' + "[" * 200_000 + "]" * 200_000 + "}", "is not JSON: nested too deeply"),
        ('{"n": ' + "7" * 5000 + ', "x": ' + "[" * 200_000 + "]" * 200_000 + "}", "is not JSON: nested too deeply"),
        # (as a request body says: "Infinity is not a finite JSON number" named no value of the file)
        ('{"categories": [{"sourcedId": "c", "title": "C", "metadata": {"n": 1e400}}]}',
         "categories[0]: category.metadata.n: 1e400 is not a finite JSON number"),
        # (nested less than json reads on any Python, more than a body may be)
        ('{"categories": [{"sourcedId": "c", "title": "C", "metadata": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}]}",
         f"categories[0]: Invalid request body: category.metadata{'.a' * 30}: nested deeper than 32 levels"),
    ],
)  # fmt: skip
def test_a_seed_file_that_does_not_read_is_named_why(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SeedError) as raised:
        LocalServer(ServerSettings(seed=str(path)))
    assert message in str(raised.value) and str(raised.value).startswith(f"{str(path)!r}")


def test_a_seed_given_as_a_dict_with_a_value_json_has_not_says_which() -> None:
    # (taken for a number read from a file that JSON cannot hold, it was "categories[0]: : ", naming nothing)
    import datetime

    seed = {"categories": [{"sourcedId": "c", "title": "C"},
                           {"sourcedId": "d", "title": "D", "metadata": {"when": datetime.date(2026, 1, 1)}}]}  # fmt: skip
    with (
        LocalServer(ServerSettings()) as server,
        pytest.raises(SeedError, match=r"^categories\[1\]: Object of type date is not JSON serializable$"),
    ):
        load_seed(server.app.state.service, seed)


def test_a_seed_file_that_cannot_be_read_is_named_quoted(tmp_path: Path) -> None:
    # (unquoted, a name of spaces read "cannot read  : No such file or directory")
    with pytest.raises(SeedError, match=r"^cannot read ' ': No such file"):
        LocalServer(ServerSettings(seed=" "))


def _user(sourced_id: str, *agents: str) -> dict[str, Any]:
    return {"sourcedId": sourced_id, "enabledUser": True, "givenName": "G", "familyName": sourced_id,
            "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": "s1"}}],
            "agents": [{"sourcedId": agent} for agent in agents]}  # fmt: skip


@pytest.mark.parametrize("chunk", [1000, 1])
def test_users_naming_each_other_as_agents_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    # (the API holds them, by a POST of each and a PUT of the first; the seed refused either order, saying the one
    # named "comes later": each user is loaded without the agents listed after it, which are then set)
    monkeypatch.setattr(seed_module, "CHUNK", chunk)
    data = {
        "schools": [{"sourcedId": "s1", "name": "S", "type": "school"}],
        "users": [_user("kid", "mom", "dad"), _user("mom", "kid"), _user("dad", "kid", "dad"), _user("gran", "mom")],
    }
    seed = tmp_path / "family.json"
    seed.write_text(json.dumps(data))
    with LocalServer(ServerSettings(seed=str(seed))) as server, Timeback(**server.client_kwargs()) as client:
        for user in data["users"]:
            stored = client.oneroster.rostering.get_user(sourced_id=user["sourcedId"]).user
            assert [agent.sourcedId for agent in stored.agents or []] == [a["sourcedId"] for a in user["agents"]]
    # (all or nothing still: an enrollment that fails after them leaves none of the users)
    data["enrollments"] = [{"sourcedId": "e", "user": {"sourcedId": "kid"}, "class": {"sourcedId": "nope"},
                            "role": "student"}]  # fmt: skip
    _loads_nothing(
        tmp_path, data, "enrollments[0]: Unknown reference: enrollment.class.sourcedId: unknown class 'nope'"
    )


def test_a_user_without_a_sourced_id_naming_a_later_agent_is_named_as_later(tmp_path: Path) -> None:
    # (the server gives it an id; it is not loaded first and given its agents after: that PUT needs its id)
    kid = _user("kid", "mom")
    del kid["sourcedId"]
    data = {"schools": [{"sourcedId": "s1", "name": "S", "type": "school"}], "users": [kid, _user("mom")]}
    _loads_nothing(
        tmp_path,
        data,
        "users[0]: Unknown reference: user.agents[0].sourcedId: unknown user 'mom' ('mom' comes later, at users[1]: "
        "within a list, a record must come before those that name it)",
    )


def test_a_seed_id_with_no_utf8_form_is_refused_as_a_record_not_a_traceback() -> None:
    # (the look for the seed held already serialized it: PydanticSerializationError, a traceback at start)
    with LocalServer() as server:
        with pytest.raises(SeedError, match=r"^categories\[0\]: "):
            load_seed(server.app.state.service, {"categories": [{"sourcedId": "lone-\ud800", "title": "T"}]})
