"""The rostering writes and reads a gradebook integration needs, sync and async."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from tests.support import uid
from timeback import AsyncTimeback, ConflictError, NotFoundError, Timeback, UnprocessableEntityError
from timeback.models._base import STRICT_VALIDATION
from timeback.server.runner import LocalServer

RO = "/ims/oneroster/rostering/v1p2"


@pytest.fixture
def api(either: Timeback | AsyncTimeback) -> Any:
    return either


async def call(api: Any, method: str, **kwargs: Any) -> Any:
    result = getattr(api.oneroster.rostering, method)(**kwargs)
    return await result if isinstance(api, AsyncTimeback) else result


async def test_create_update_get_each_rostering_record(api: Any) -> None:
    school, district, term, course, klass, user = (
        uid(p) for p in ("school", "district", "term", "course", "class", "user")
    )
    await call(api, "create_org", org={"sourcedId": district, "name": "District", "type": "district"})
    await call(
        api,
        "create_school",
        org={"sourcedId": school, "name": "School", "type": "school", "parent": {"sourcedId": district}},
    )
    assert (await call(api, "get_school", sourced_id=school)).org.parent.sourcedId == district
    assert (await call(api, "get_org", sourced_id=school)).org.type == "school"
    await call(api, "update_org", sourced_id=district, org={"name": "Renamed", "type": "district"})
    assert (await call(api, "get_org", sourced_id=district)).org.name == "Renamed"
    await call(
        api,
        "create_academic_session",
        academicSession={
            "sourcedId": term,
            "title": "T1",
            "type": "term",
            "startDate": "2024-01-01",
            "endDate": "2024-06-30",
            "schoolYear": "2024",
        },
    )
    await call(
        api,
        "update_academic_session",
        sourced_id=term,
        academicSession={
            "title": "T1b",
            "type": "term",
            "startDate": "2024-01-01",
            "endDate": "2024-06-30",
            "schoolYear": "2024",
        },
    )
    assert (await call(api, "get_academic_session", sourced_id=term)).academicSession.title == "T1b"
    await call(api, "create_course", course={"sourcedId": course, "title": "Algebra", "org": {"sourcedId": school}})
    assert (await call(api, "get_course", sourced_id=course)).course.title == "Algebra"
    await call(
        api,
        "create_class",
        **{
            "class": {
                "sourcedId": klass,
                "title": "Algebra A",
                "course": {"sourcedId": course},
                "org": {"sourcedId": school},
                "terms": [{"sourcedId": term}],
            }
        },
    )
    got = (await call(api, "get_class", sourced_id=klass)).class_
    assert got.title == "Algebra A" and got.terms[0].sourcedId == term
    await call(
        api,
        "create_user",
        user={
            "sourcedId": user,
            "enabledUser": "true",
            "givenName": "T",
            "familyName": "Q",
            "email": "t@example.org",
            "roles": [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": school}}],
        },
    )
    await call(
        api,
        "update_user",
        sourced_id=user,
        user={
            "enabledUser": True,
            "givenName": "Tess",
            "familyName": "Q",
            "roles": [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": school}}],
        },
    )
    assert (await call(api, "get_user", sourced_id=user)).user.givenName == "Tess"
    with pytest.raises(ConflictError):
        await call(api, "create_course", course={"sourcedId": course, "title": "Again", "org": {"sourcedId": school}})


async def test_rostering_records_read_with_fields_are_not_sent_whole_and_a_class_update_takes_them_in_part(
    api: Any, client: Timeback
) -> None:
    """A rostering record read with ``fields=`` is refused as a PUT's or a create's body, as a gradebook one is (the
    same path turns records into bodies): sent, it would lose the fields not read. A class update takes a part of a
    class, the fields sent updating the class (README), so such a class is sent, unless it holds a whole class
    (title, course, terms, school): that replaces the class, and is refused."""
    from tests.support import make_roster

    roster = make_roster(client)
    student = roster.students[0]
    user = (await call(api, "get_user", sourced_id=student, fields="sourcedId,givenName")).user
    user.givenName = "Renamed"
    with pytest.raises(ValidationError, match=r"user\n  a TimebackUser read with fields='sourcedId,givenName' "
                                              r".*read it without fields= to send it back \["):  # fmt: skip
        await call(api, "update_user", sourced_id=student, user=user)
    assert (await call(api, "get_user", sourced_id=student)).user.givenName == "Stu"
    await call(api, "update_class", sourced_id=roster.class_, **{"class": {"classCode": "C-1"}})
    part = (await call(api, "get_class", sourced_id=roster.class_, fields="sourcedId,title")).class_
    part.title = "Renamed"
    await call(api, "update_class", sourced_id=roster.class_, class_=part)
    stored = (await call(api, "get_class", sourced_id=roster.class_)).class_
    assert (stored.title, stored.classCode, stored.course.sourcedId) == ("Renamed", "C-1", roster.course)
    fields = "sourcedId,title,course,school,terms"
    whole = (await call(api, "get_class", sourced_id=roster.class_, fields=fields)).class_
    for method in ("update_class", "create_class"):
        with pytest.raises(ValidationError, match="or send only the fields changed with update_class"):
            await call(api, method, **({"sourced_id": roster.class_} if method == "update_class" else {}), class_=whole)
    assert (await call(api, "get_class", sourced_id=roster.class_)).class_.classCode == "C-1"


async def test_a_class_update_of_some_fields_keeps_the_others_and_a_whole_one_replaces(
    api: Any, client: Timeback
) -> None:
    """Timeback's PUT /classes/{id} requires no field: a body without what a class needs updates the class."""
    from tests.support import make_roster

    roster = make_roster(client)
    before = (await call(api, "get_class", sourced_id=roster.class_)).class_
    await call(api, "update_class", sourced_id=roster.class_, **{"class": {"title": "Renamed", "classCode": "R-1"}})
    after = (await call(api, "get_class", sourced_id=roster.class_)).class_
    assert (after.title, after.classCode) == ("Renamed", "R-1")
    assert after.course == before.course and after.terms == before.terms and after.school == before.school
    whole = {"title": "Whole", "course": before.course.model_dump(), "org": before.school.model_dump(),
             "terms": [t.model_dump() for t in before.terms]}  # fmt: skip
    await call(api, "update_class", sourced_id=roster.class_, **{"class": whole})
    replaced = (await call(api, "get_class", sourced_id=roster.class_)).class_
    assert (replaced.title, replaced.classCode) == ("Whole", None)  # (OneRoster's PUT: what it left out is gone)
    with pytest.raises(UnprocessableEntityError) as missing:  # a part of a class that does not exist
        await call(api, "update_class", sourced_id=uid("class"), **{"class": {"title": "Nowhere"}})
    assert "class.course: Field required" in str(missing.value) and "class.terms: Field required" in str(missing.value)


async def test_a_class_update_takes_a_whole_class_model_as_before(api: Any, client: Timeback) -> None:
    """update_class took TimebackCreateClassBody (every other PUT takes its create body): a caller's whole class
    model is still a class update, sent as the whole class it is."""
    from tests.support import make_roster
    from timeback.models.request import TimebackCreateClassBody

    roster = make_roster(client)
    whole = TimebackCreateClassBody(title="Modelled", course={"sourcedId": roster.course},
                                    school={"sourcedId": roster.school}, terms=[{"sourcedId": roster.term}])  # fmt: skip
    updated = await call(api, "update_class", sourced_id=roster.class_, class_=whole)
    assert updated.class_.title == "Modelled" and whole.sourcedId != roster.class_  # (the model given unchanged)
    assert (await call(api, "get_class", sourced_id=roster.class_)).class_.title == "Modelled"


async def test_a_class_created_with_org_is_moved_by_writing_back_the_class_read(api: Any, client: Timeback) -> None:
    """A class created Timeback's way names its school as ``org``; Timeback answers it as ``school`` alone, and so
    does the server. Answered with both, the class read, its ``school`` changed and written back sent the old
    ``org`` beside it: 422 "Conflicting school". A part naming the new school alone moves it too."""
    from tests.support import make_roster
    from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference

    roster = make_roster(client)
    klass, other, third = uid("class"), uid("school"), uid("school")
    for school in (other, third):
        await call(api, "create_school", org={"sourcedId": school, "name": "Other", "type": "school"})
    created = {"title": "C", "course": {"sourcedId": roster.course}, "org": {"sourcedId": roster.school},
               "terms": [{"sourcedId": roster.term}]}  # fmt: skip
    await call(api, "create_class", **{"class": {"sourcedId": klass, **created}})
    read = (await call(api, "get_class", sourced_id=klass)).class_
    assert (read.school.sourcedId, read.org) == (roster.school, None)
    read.school = TimebackSourcedIdReference(sourcedId=other)
    assert (await call(api, "update_class", sourced_id=klass, class_=read)).class_.school.sourcedId == other
    moved = (await call(api, "get_class", sourced_id=klass)).class_
    assert (moved.school.sourcedId, moved.org, moved.title) == (other, None, "C")
    await call(api, "update_class", sourced_id=klass, **{"class": {"school": {"sourcedId": third}}})
    assert (await call(api, "get_class", sourced_id=klass)).class_.school.sourcedId == third


async def test_a_class_update_may_not_null_the_school(api: Any, client: Timeback) -> None:
    """(Stored as sent, a class created with ``org`` had a null school: it left its school's listings and
    ``school.sourcedId`` filters, and the enrollments made in it since had no school.)"""
    from tests.support import make_roster

    roster = make_roster(client)
    klass = uid("class")
    created = {"title": "C", "course": {"sourcedId": roster.course}, "org": {"sourcedId": roster.school},
               "terms": [{"sourcedId": roster.term}]}  # fmt: skip
    await call(api, "create_class", **{"class": {"sourcedId": klass, **created}})
    with pytest.raises(UnprocessableEntityError, match="a class needs its school"):
        await call(api, "update_class", sourced_id=klass, **{"class": {"school": None}})
    kept = (await call(api, "get_class", sourced_id=klass)).class_
    assert kept.school is not None and kept.school.sourcedId == roster.school


async def test_a_create_through_a_view_of_an_id_taken_outside_it_says_where_it_is(api: Any) -> None:
    """(It said "School already exists: D1", while ``GET /schools/D1`` answers 404: D1 is a district.)"""
    district = uid("district")
    await call(api, "create_org", org={"sourcedId": district, "name": "D", "type": "district"})
    with pytest.raises(ConflictError, match=rf"Org already exists: '{district}' \(its type is not 'school'\)"):
        await call(api, "create_school", org={"sourcedId": district, "name": "S", "type": "school"})
    school = uid("school")
    await call(api, "create_school", org={"sourcedId": school, "name": "S", "type": "school"})
    with pytest.raises(ConflictError, match=rf"School already exists: '{school}' \(POST "):
        await call(api, "create_school", org={"sourcedId": school, "name": "S", "type": "school"})


async def test_a_create_of_an_id_held_by_a_deleted_record_says_a_put_revives_it(api: Any) -> None:
    """(It said "Org already exists: o1" alone, while listings no longer show the deleted o1.)"""
    deleted, kept = uid("org"), uid("org")
    for org in (deleted, kept):
        await call(api, "create_org", org={"sourcedId": org, "name": "O", "type": "district"})
    await call(api, "delete_org", sourced_id=deleted)
    says = f"'{deleted}' exists as a deleted record (status 'tobedeleted'): PUT it to revive it"
    with pytest.raises(ConflictError, match=re.escape(f"Org already exists: '{deleted}'; {says}")) as raised:
        await call(api, "create_org", org={"sourcedId": deleted, "name": "O", "type": "district"})
    assert [d["message"] for d in raised.value.imsx_error_details] == [says]
    with pytest.raises(ConflictError, match=rf"Org already exists: '{kept}' \(POST "):  # (no word of deletion)
        await call(api, "create_org", org={"sourcedId": kept, "name": "O", "type": "district"})
    await call(api, "update_org", sourced_id=deleted, org={"name": "O", "type": "district"})
    assert (await call(api, "get_org", sourced_id=deleted)).org.status == "active"


def test_a_create_of_an_id_a_deleted_record_holds_outside_the_view_names_where_a_put_revives_it(
    client: Timeback,
) -> None:
    """(It said "PUT it to revive it" of a deleted district D1 POSTed to /schools, but PUT /schools/D1 is refused: D1
    is a district; and a class's student enrollments have no PUT of their own.)"""
    from tests.support import make_roster

    ro = client.oneroster.rostering
    district = uid("district")
    ro.create_org(org={"sourcedId": district, "name": "D", "type": "district"})
    ro.delete_org(sourced_id=district)
    says = (
        f"'{district}' exists as a deleted record (status 'tobedeleted'): PUT it to {RO}/orgs/{district} to revive it"
    )
    with pytest.raises(ConflictError, match=re.escape(f"(its type is not 'school'); {says}")) as raised:
        ro.create_school(org={"sourcedId": district, "name": "S", "type": "school"})
    assert [d["message"] for d in raised.value.imsx_error_details] == [says]
    roster = make_roster(client)
    enrollment = uid("enrollment")
    ro.add_student_to_class(class_sourced_id=roster.class_, enrollment={"sourcedId": enrollment,
                                                                        "user": {"sourcedId": roster.students[0]}})  # fmt: skip
    ro.delete_enrollment(sourced_id=enrollment)
    with pytest.raises(ConflictError, match=re.escape(f"PUT it to {RO}/enrollments/{enrollment} to revive it")):
        ro.add_student_to_class(class_sourced_id=roster.class_, enrollment={"sourcedId": enrollment,
                                                                            "user": {"sourcedId": roster.students[0]}})  # fmt: skip
    ro.update_org(sourced_id=district, org={"name": "D", "type": "district"})  # (where the 409 said)
    assert ro.get_org(sourced_id=district).org.status == "active"


@pytest.mark.parametrize("dots", [".", ".."])
def test_the_put_a_409_names_for_a_deleted_id_of_dots_is_that_record_s(client: Timeback, dots: str) -> None:
    """(The district ".." deleted, a create of the school ".." said "PUT it to .../orgs/.. to revive it": a client
    removes the dot segment, as RFC 3986 says, and so PUT to .../orgs, another path.)"""
    ro = client.oneroster.rostering
    ro.update_org(sourced_id=dots, org={"name": "D", "type": "district"})
    ro.delete_org(sourced_id=dots)
    with pytest.raises(ConflictError) as raised:
        ro.create_school(org={"sourcedId": dots, "name": "S", "type": "school"})
    (message,) = [d["message"] for d in raised.value.imsx_error_details]
    put_path = re.fullmatch(r".* PUT it to (\S+) to revive it", message)
    assert put_path is not None, message
    assert put_path[1] == f"{RO}/orgs/{'%2E' * len(dots)}"
    assert httpx.URL(f"http://localhost{put_path[1]}").raw_path == put_path[1].encode()  # (as httpx sends it)


@pytest.mark.parametrize(("method", "says"), [("get_org", "Organization"), ("get_school", "School"),
                                             ("get_demographics", "Demographics record")])  # fmt: skip
async def test_an_unknown_record_is_a_404_in_timebacks_words(api: Any, method: str, says: str) -> None:
    """(Timeback's words: orgs and demographics were "Org not found." and "Demographics not found."), with the id."""
    nobody = uid("nobody")
    with pytest.raises(NotFoundError) as missing:
        await call(api, method, sourced_id=nobody)
    assert missing.value.message == f"{says} '{nobody}' not found."


async def test_a_put_through_a_view_does_not_take_over_a_record_outside_it(api: Any) -> None:
    district, year = uid("district"), uid("year")
    await call(api, "create_org", org={"sourcedId": district, "name": "D", "type": "district"})
    with pytest.raises(UnprocessableEntityError, match=r"org\.type: .* is in /orgs with type 'district'"):
        await call(api, "update_school", sourced_id=district, org={"name": "Now a school?", "type": "school"})
    assert (await call(api, "get_org", sourced_id=district)).org.name == "D"
    session = {"title": "Y", "type": "schoolYear", "startDate": "2024-08-01", "endDate": "2025-06-30",
               "schoolYear": "2025"}  # fmt: skip
    await call(api, "update_academic_session", sourced_id=year, academicSession=session)
    with pytest.raises(UnprocessableEntityError, match=r"academicSession\.type: .* with type 'schoolYear'"):
        await call(api, "update_grading_period", sourced_id=year, academicSession={**session, "type": "gradingPeriod"})
    assert (await call(api, "get_academic_session", sourced_id=year)).academicSession.type == "schoolYear"


async def test_references_to_missing_records_are_422_naming_them(api: Any) -> None:
    with pytest.raises(UnprocessableEntityError) as err:
        await call(
            api,
            "create_class",
            **{
                "class": {
                    "title": "X",
                    "course": {"sourcedId": uid("nope")},
                    "org": {"sourcedId": uid("nope")},
                    "terms": [{"sourcedId": uid("nope")}],
                }
            },
        )
    fields = {name for name, _ in err.value.code_minor}
    assert fields == {"class.course.sourcedId", "class.org.sourcedId", "class.terms[0].sourcedId"}


@pytest.mark.parametrize(
    ("method", "body", "field", "fixed"),
    [
        ("create_school", {"org": {"name": "N"}}, "org.type", "school"),
        ("create_term", {"academicSession": {"title": "T", "startDate": "2024-01-01", "endDate": "2024-02-01",
                                             "schoolYear": "2024", "org": {"sourcedId": "s"}}},
         "academicSession.type", "term"),
    ],
)  # fmt: skip
async def test_a_view_refuses_other_types_saying_its_own(
    api: Any, method: str, body: dict[str, Any], field: str, fixed: str
) -> None:
    """Whatever is sent: /schools/ listed every org type for 'bogus', then refused 'district' of that list."""
    (key, record), name = next(iter(body.items())), field.split(".")[1]
    for sent in ("bogus", "district" if fixed == "school" else "semester"):
        with pytest.raises(UnprocessableEntityError) as refused:
            await call(api, method, **{key: {**record, name: sent}})
        assert refused.value.imsx_description == f"Invalid request body: {field}: must be '{fixed}' here"
        assert refused.value.imsx_error_details == [{"field": field, "message": f"must be '{fixed}' here"}]


def timeback_answering(answers: dict[str, Any]) -> Timeback:
    """A client whose server answers each path with the body given (for shapes the local server never sends)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
        status, body = answers[request.url.path.removeprefix(RO)]
        return httpx.Response(status, json=body)

    transport = httpx.MockTransport(handle)
    return Timeback(client_id="id", client_secret="s", base_url="https://timeback.test", http_client=httpx.Client(
        transport=transport))  # fmt: skip


SESSION = {"sourcedId": "t1", "status": "active", "title": "Fall", "type": "term", "startDate": "2024-08-20",
           "endDate": "2024-12-20", "org": {"sourcedId": "s1"}}  # fmt: skip


def test_a_school_year_answered_as_a_number_reads_as_the_year() -> None:
    """Timeback's document answers an academic session's schoolYear as a number (2025), the official one as a string;
    the local server sends the string, so a scripted answer stands in for Timeback's."""
    page = {"totalCount": 1, "pageCount": 1, "pageNumber": 1, "offset": 0, "limit": 100}
    client = timeback_answering({
        "/terms/t1": (200, {"term": {**SESSION, "schoolYear": 2025}}),
        "/academicSessions/": (200, {"academicSessions": [{**SESSION, "schoolYear": 2025}], **page}),
    })  # fmt: skip
    with client:
        assert client.oneroster.rostering.get_term(sourced_id="t1").term.schoolYear == "2025"
        assert [s.schoolYear for s in client.oneroster.rostering.get_all_academic_sessions()] == ["2025"]


def test_a_flag_answered_otherwise_than_true_or_false_still_reads() -> None:
    """The server refuses such a flag on input (both specs say "true"/"false"), but an answer holding one must not
    stop a listing: an API change never breaks parsing."""
    page = {"totalCount": 4, "pageCount": 1, "pageNumber": 1, "offset": 0, "limit": 100}
    users = [
        {"sourcedId": "u1", "enabledUser": "Enabled"},
        {"sourcedId": "u2", "enabledUser": True},
        {"sourcedId": "u3", "enabledUser": "false"},
        {"sourcedId": "u4", "enabledUser": "TRUE"},
    ]
    enrollment = {"sourcedId": "e1", "primary": "", "role": "student"}
    client = timeback_answering({"/users/": (200, {"users": users, **page}),
                                 "/enrollments/e1": (200, {"enrollment": enrollment})})  # fmt: skip
    with client:
        read = [u.enabledUser for u in client.oneroster.rostering.get_all_users()]
        assert read == ["Enabled", True, False, "TRUE"] and read[2] is False
        assert client.oneroster.rostering.get_enrollment(sourced_id="e1").enrollment.primary == ""


def test_an_answer_past_the_limits_of_what_is_sent_still_reads() -> None:
    """No spec limits an answer's ids, emails or references: a 300-character id, a 330-character email or an
    empty reference read as sent, and the listing goes on past them (it stopped at the first). Only bodies sent keep
    the limits."""
    page = {"totalCount": 3, "pageCount": 1, "pageNumber": 1, "offset": 0, "limit": 100}
    long_id, long_email = "u" * 300, "x" * 330
    users = [{"sourcedId": "u1"}, {"sourcedId": long_id, "email": long_email},
             {"sourcedId": "", "primaryOrg": {"href": "", "sourcedId": "", "type": "org"}}]  # fmt: skip
    client = timeback_answering({"/users/": (200, {"users": users, **page})})
    with client:
        read = list(client.oneroster.rostering.get_all_users())
    assert [u.sourcedId for u in read] == ["u1", long_id, ""]
    assert read[1].email == long_email and read[2].primaryOrg is not None and read[2].primaryOrg.sourcedId == ""


def test_bodies_sent_keep_the_limits_of_ids_and_emails() -> None:
    """The limits the read models no longer hold stay on what the SDK sends (refused before sending) and on what
    the server takes (its strict validation; over HTTP in tests/server/test_rostering_http.py)."""
    from timeback.models.request import TimebackCreateUserBody, TimebackPatchAssessmentResultBody

    user = {"enabledUser": True, "givenName": "A", "familyName": "B",
            "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": "s"}}]}  # fmt: skip
    for bad in ({"sourcedId": "u" * 256}, {"sourcedId": ""}, {"email": "x" * 321}):
        with pytest.raises(ValidationError):
            TimebackCreateUserBody.model_validate({**user, **bad})
        with pytest.raises(ValidationError):
            TimebackCreateUserBody.model_validate_json(json.dumps({**user, **bad}), **STRICT_VALIDATION)
    for bad_id in ("r" * 256, ""):
        with pytest.raises(ValidationError):
            TimebackPatchAssessmentResultBody.model_validate({"sourcedId": bad_id})


UPDATES_ANSWERED_WITH_ANY_OBJECT = [  # Timeback's document: {"type": "object", "additionalProperties": true}
    ("update_org", "/orgs/o1", "org", {"name": "N", "type": "district"}),
    ("update_course", "/courses/c1", "course", {"title": "C", "org": {"sourcedId": "s1"}}),
    ("update_enrollment", "/enrollments/e1", "enrollment",
     {"user": {"sourcedId": "u1"}, "class": {"sourcedId": "k1"}, "role": "student"}),
    ("update_grading_period", "/gradingPeriods/g1", "academicSession",
     {"title": "G", "startDate": "2024-08-20", "endDate": "2024-12-20", "schoolYear": "2025"}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "key", "body"), UPDATES_ANSWERED_WITH_ANY_OBJECT)
def test_an_update_timeback_answers_with_any_object_reads_as_a_patch_does(
    method: str, path: str, key: str, body: dict[str, Any]
) -> None:
    """Timeback's document answers these four PUTs with any JSON object: one without the record (a message) is the
    call's success, the record None and the answer's fields in model_extra, as PATCH's answers are read. A record
    answered bare is still read as the record."""
    sourced_id = path.rsplit("/", 1)[1]
    for answer, record in (({"message": "Updated"}, None), ({"sourcedId": sourced_id, **body}, sourced_id)):
        with timeback_answering({path: (201, answer)}) as client:
            got = getattr(client.oneroster.rostering, method)(sourced_id=sourced_id, **{key: body})
        read = getattr(got, key)
        assert (read and read.sourcedId) == record
        assert got.model_extra == ({"message": "Updated"} if record is None else {})


async def test_the_local_server_s_update_answers_still_read_as_the_record(api: Any, roster: Any) -> None:
    """The local server answers these four PUTs with the record stored, under its key: read as that record."""
    school = {"sourcedId": roster.school}
    updates = [
        ("update_org", uid("org"), "org", {"name": "Renamed", "type": "district"}, "name"),
        ("update_course", roster.course, "course", {"title": "C2", "org": school}, "title"),
        ("update_enrollment", uid("enrollment"), "enrollment", {"user": {"sourcedId": roster.students[0]},
         "class": {"sourcedId": roster.class_}, "role": "student"}, "role"),
        ("update_grading_period", uid("gp"), "academicSession", {"title": "G", "startDate": "2024-01-01",
         "endDate": "2024-03-01", "schoolYear": "2024", "parent": {"sourcedId": roster.term}}, "title"),
    ]  # fmt: skip
    for method, sourced_id, key, body, field in updates:
        got = getattr(await call(api, method, sourced_id=sourced_id, **{key: body}), key)
        assert got is not None and got.sourcedId == sourced_id and getattr(got, field) == body[field]
        assert got.dateLastModified is not None  # (the server's record, not the one sent)


async def test_flags_answered_as_words_read_as_bools(api: Any, roster: Any) -> None:
    """Timeback (and the local server) answer enabledUser and primary as "true"/"false": read as Python bools, so
    ``if user.enabledUser`` holds for an enabled user only (the string "false" was truthy). Sent as either."""
    user = uid("user")
    role = {"roleType": "primary", "role": "student", "org": {"sourcedId": roster.school}}
    for sent in (False, "true", "false", True):
        await call(api, "update_user", sourced_id=user,
                   user={"enabledUser": sent, "givenName": "G", "familyName": "F", "roles": [role]})  # fmt: skip
        read = (await call(api, "get_user", sourced_id=user)).user.enabledUser
        assert read is (sent in (True, "true"))
    listed = await call(api, "get_all_users", filter=f"sourcedId='{user}'")
    items = [u async for u in listed] if isinstance(api, AsyncTimeback) else list(listed)
    assert [u.enabledUser for u in items] == [True]
    enrollment = uid("enrollment")
    body = {"user": {"sourcedId": user}, "class": {"sourcedId": roster.class_}, "role": "student", "primary": False}
    await call(api, "update_enrollment", sourced_id=enrollment, enrollment=body)
    assert (await call(api, "get_enrollment", sourced_id=enrollment)).enrollment.primary is False


def test_a_grading_period_created_under_a_term_answers_the_record_as_timeback_does(client: Timeback) -> None:
    """Timeback's document answers ``POST /terms/{id}/gradingPeriods`` with the grading period created, under
    ``academicSession``, not with sourcedIdPairs as other creates. The local server answers both keys; the SDK
    reads either answer (Timeback's alone, scripted: the local server always adds the pairs)."""
    ro = client.oneroster.rostering
    school, term, period = uid("school"), uid("term"), uid("gp")
    ro.create_school(org={"sourcedId": school, "name": "S", "type": "school"})
    ro.create_term(academicSession={**SESSION, "sourcedId": term, "schoolYear": "2025", "org": {"sourcedId": school}})
    body = {
        "sourcedId": period,
        "title": "Q1",
        "startDate": "2024-08-20",
        "endDate": "2024-10-20",
        "schoolYear": "2025",
    }
    created = ro.create_grading_period_for_term(term_sourced_id=term, academicSession=body)
    assert created.sourcedIdPairs.allocatedSourcedId == period
    assert created.academicSession is not None and created.academicSession.parent.sourcedId == term
    assert created.academicSession.type == "gradingPeriod" and created.academicSession.dateLastModified

    record = {**SESSION, "sourcedId": "gp1", "type": "gradingPeriod", "schoolYear": 2025}
    with timeback_answering({"/terms/t1/gradingPeriods": (201, {"academicSession": record})}) as timeback:
        answer = timeback.oneroster.rostering.create_grading_period_for_term(term_sourced_id="t1", academicSession={
            **body, "sourcedId": "gp1"})  # fmt: skip
    assert answer.academicSession.sourcedId == "gp1" and answer.sourcedIdPairs.allocatedSourcedId == "gp1"


async def test_a_class_s_students_are_added_from_students_and_its_teachers_from_teachers(
    api: Any, client: Timeback
) -> None:
    """``add_student_to_class`` of a user holding no student role stored an enrollment that
    ``get_students_for_class`` never lists (its students are users holding the role): 422 naming the user and the
    roles it holds, as a reference to a missing user is. The same for teachers."""
    from tests.support import make_roster

    roster = make_roster(client)
    teacher, both = uid("teacher"), uid("both")
    role = {"roleType": "primary", "org": {"sourcedId": roster.school}}
    for user, roles in ((teacher, ["teacher"]), (both, ["teacher", "student"])):
        await call(api, "create_user", user={"sourcedId": user, "enabledUser": True, "givenName": "G",
                                             "familyName": "F", "roles": [{**role, "role": r} for r in roles]})  # fmt: skip
    for method, user, lacking in (("add_student_to_class", teacher, "student"),
                                  ("add_teacher_to_class", roster.students[0], "teacher")):  # fmt: skip
        with pytest.raises(UnprocessableEntityError) as err:
            await call(api, method, class_sourced_id=roster.class_, enrollment={"user": {"sourcedId": user}})
        assert [name for name, _ in err.value.code_minor] == ["enrollment.user.sourcedId"]
        assert f"user {user!r} does not hold the {lacking} role" in str(err.value)
    for method in ("add_student_to_class", "add_teacher_to_class"):
        await call(api, method, class_sourced_id=roster.class_, enrollment={"user": {"sourcedId": both}})
    students = await call(api, "get_students_for_class", class_sourced_id=roster.class_)
    teachers = await call(api, "get_teachers_for_class", class_sourced_id=roster.class_)
    if isinstance(api, AsyncTimeback):
        students, teachers = [s async for s in students], [t async for t in teachers]
    assert [u.sourcedId for u in students] == [both]
    assert [u.sourcedId for u in teachers] == [both]
    enrollments = client.oneroster.rostering.get_enrollments_for_class_in_school(
        school_sourced_id=roster.school, class_sourced_id=roster.class_
    )
    assert sorted(e.user.sourcedId for e in enrollments) == [both, both]  # (nothing stored for the refused ones)


async def test_an_enrollment_s_school_is_its_class_s(api: Any, client: Timeback) -> None:
    """An enrollment naming a school other than its class's was stored as sent: listed by
    ``/schools/{other}/classes/{c}/enrollments`` (and its students) though the class is not of that school, and
    missing from the class's own school's. 422 naming ``enrollment.school.sourcedId``; the class's school, or
    none (it is taken from the class), is stored."""
    from tests.support import make_roster

    roster = make_roster(client)
    other = uid("school")
    await call(api, "create_school", org={"sourcedId": other, "name": "Other", "type": "school"})
    student = {"sourcedId": roster.students[0]}
    whole = {"user": student, "class": {"sourcedId": roster.class_}, "role": "student"}
    wrong, right = {"school": {"sourcedId": other}}, {"school": {"sourcedId": roster.school}}
    refused = [("create_enrollment", {"enrollment": {**whole, **wrong}}),
               ("update_enrollment", {"sourced_id": uid("enr"), "enrollment": {**whole, **wrong}}),
               ("add_student_to_class", {"class_sourced_id": roster.class_, "enrollment": {"user": student, **wrong}})]  # fmt: skip
    for method, kwargs in refused:
        with pytest.raises(UnprocessableEntityError, match=r"is not the school of class") as err:
            await call(api, method, **kwargs)
        assert [name for name, _ in err.value.code_minor] == ["enrollment.school.sourcedId"], method
    await call(api, "create_enrollment", enrollment={**whole, **right})
    await call(api, "add_student_to_class", class_sourced_id=roster.class_, enrollment={"user": student})
    ro = client.oneroster.rostering
    assert list(ro.get_enrollments_for_class_in_school(school_sourced_id=other, class_sourced_id=roster.class_)) == []
    stored = ro.get_enrollments_for_class_in_school(school_sourced_id=roster.school, class_sourced_id=roster.class_)
    assert [e.school.sourcedId for e in stored] == [roster.school, roster.school]


async def test_an_enrollment_naming_an_unknown_school_is_told_the_school_is_unknown(api: Any, client: Timeback) -> None:
    """The class's school is compared after the reference check (create, PUT, a class's students): a school that
    does not exist is named as unknown, not as a school other than the class's."""
    from tests.support import make_roster

    roster = make_roster(client)
    missing, student = uid("no-school"), {"sourcedId": roster.students[0]}
    whole = {
        "user": student,
        "class": {"sourcedId": roster.class_},
        "role": "student",
        "school": {"sourcedId": missing},
    }
    for method, kwargs in (("create_enrollment", {"enrollment": whole}),
                           ("update_enrollment", {"sourced_id": uid("enr"), "enrollment": whole}),
                           ("add_student_to_class", {"class_sourced_id": roster.class_,
                                                     "enrollment": {"user": student, "school": {"sourcedId": missing}}})):  # fmt: skip
        with pytest.raises(UnprocessableEntityError, match=f"Unknown reference: .*{missing}") as err:
            await call(api, method, **kwargs)
        assert [name for name, _ in err.value.code_minor] == ["enrollment.school.sourcedId"], method


def test_a_circle_stored_above_a_record_ends_the_walk_up_its_parents() -> None:
    """Orgs written in a circle before the ancestry check (a -> b -> a, here put straight into the storage) do not
    keep a write under them walking up forever: an org under a is stored, and a put under b again is refused."""
    from timeback.server import ServerSettings
    from timeback.server.collections import COLLECTIONS
    from timeback.server.runner import LocalServer

    settings = ServerSettings(database="sqlite://", client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs(), max_retries=0, deadline=10) as client:
        ro, org = client.oneroster.rostering, {"name": "O", "type": "district"}
        a, b, c = uid("org"), uid("org"), uid("org")
        ro.create_org(org={"sourcedId": a, **org})
        ro.create_org(org={"sourcedId": b, **org, "parent": {"sourcedId": a}})
        with server.app.state.storage.transaction() as tx:
            stored = tx.get(COLLECTIONS["orgs"], a)
            tx.upsert(COLLECTIONS["orgs"], {**stored, "parent": {"sourcedId": b}})
        ro.create_org(org={"sourcedId": c, **org, "parent": {"sourcedId": a}})
        assert ro.get_org(sourced_id=c).org.parent.sourcedId == a
        with pytest.raises(UnprocessableEntityError, match="lead back to"):
            ro.update_org(sourced_id=a, org={**org, "parent": {"sourcedId": b}})


async def test_a_class_naming_two_different_schools_is_refused(api: Any, client: Timeback) -> None:
    """A class's ``org`` (Timeback's name) and ``school`` (OneRoster's) are the same reference: a class naming both,
    different, was stored with both (its classes listed under ``school``, its ``org`` naming the other). 422 naming
    the field; both alike is one school."""
    from tests.support import make_roster

    roster = make_roster(client)
    other, klass = uid("school"), uid("class")
    await call(api, "create_school", org={"sourcedId": other, "name": "Other", "type": "school"})
    body = {"title": "K", "course": {"sourcedId": roster.course}, "terms": [{"sourcedId": roster.term}],
            "school": {"sourcedId": roster.school}}  # fmt: skip
    both = {**body, "org": {"sourcedId": other}}
    for method, kwargs in (("create_class", {"class": {"sourcedId": klass, **both}}),
                           ("update_class", {"sourced_id": klass, "class": both}),
                           ("update_class", {"sourced_id": roster.class_, "class": {"school": {"sourcedId": other},
                                                                                    "org": {"sourcedId": roster.school}}})):  # fmt: skip
        with pytest.raises(UnprocessableEntityError, match="org and school name the class's one school") as err:
            await call(api, method, **kwargs)
        assert [name for name, _ in err.value.code_minor] == ["class.org.sourcedId"]
    await call(api, "create_class", **{"class": {"sourcedId": klass, **body, "org": {"sourcedId": roster.school}}})
    for sourced_id in (klass, roster.class_):
        stored = (await call(api, "get_class", sourced_id=sourced_id)).class_
        assert (stored.school.sourcedId, stored.org) == (roster.school, None)


async def test_a_record_cannot_be_its_own_ancestor(api: Any) -> None:
    """An org named itself as its parent (PUT /orgs/o1 with parent o1: 201), or a parent whose own parent was it:
    a hierarchy with no top. 422 naming ``<body>.parent.sourcedId``, nothing changed; a parent above is fine."""
    top, middle, term = uid("org"), uid("org"), uid("term")
    org = {"name": "O", "type": "district"}
    await call(api, "create_org", org={"sourcedId": top, **org})
    await call(api, "create_org", org={"sourcedId": middle, **org, "parent": {"sourcedId": top}})
    refused = [
        ("update_org", {"sourced_id": top, "org": {**org, "parent": {"sourcedId": top}}}, "the record itself"),
        ("update_org", {"sourced_id": top, "org": {**org, "parent": {"sourcedId": middle}}}, "lead back to"),
        ("create_org", {"org": {"sourcedId": uid("org"), **org, "parent": {"sourcedId": "itself"}}}, None),
    ]
    for method, kwargs, message in refused:
        if message is None:  # (a new record naming its own id as parent: one that does not exist yet, named so)
            kwargs["org"]["parent"]["sourcedId"] = kwargs["org"]["sourcedId"]
            message = "the record itself"
        with pytest.raises(UnprocessableEntityError, match=message) as err:
            await call(api, method, **kwargs)
        assert [name for name, _ in err.value.code_minor] == ["org.parent.sourcedId"], method
    assert (await call(api, "get_org", sourced_id=top)).org.parent is None
    session = {"title": "T", "type": "term", "startDate": "2024-09-01", "endDate": "2024-12-20", "schoolYear": "2025"}
    await call(api, "create_academic_session", academicSession={"sourcedId": term, **session})
    with pytest.raises(UnprocessableEntityError, match="the record itself"):
        await call(api, "update_academic_session", sourced_id=term,
                   academicSession={**session, "parent": {"sourcedId": term}})  # fmt: skip


async def test_an_enrollment_s_student_or_teacher_holds_that_role(api: Any, client: Timeback) -> None:
    """``POST /enrollments/`` (and ``PUT /enrollments/{id}``) with role student stored an enrollment of a user
    holding no student role, which ``get_students_for_class`` never lists (its students are users holding the
    role); the same for teacher. 422 naming ``enrollment.user.sourcedId`` and the roles the user holds, as the
    class-scoped posts answer; the other roles (administrator, proctor) name any user."""
    from tests.support import make_roster

    roster = make_roster(client)
    teacher, student = uid("teacher"), roster.students[0]
    await call(api, "create_user", user={"sourcedId": teacher, "enabledUser": True, "givenName": "G", "familyName": "F",
               "roles": [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": roster.school}}]})  # fmt: skip
    klass = {"class": {"sourcedId": roster.class_}}
    for user, role, held in ((teacher, "student", "teacher"), (student, "teacher", "student")):
        body = {"user": {"sourcedId": user}, **klass, "role": role}
        for method, kwargs in (("create_enrollment", {"enrollment": {"sourcedId": uid("enr"), **body}}),
                               ("update_enrollment", {"sourced_id": uid("enr"), "enrollment": body})):  # fmt: skip
            with pytest.raises(UnprocessableEntityError) as err:
                await call(api, method, **kwargs)
            assert [name for name, _ in err.value.code_minor] == ["enrollment.user.sourcedId"], method
            assert f"user {user!r} does not hold the {role} role (its roles: {held})" in str(err.value), method
    kept = uid("enr")
    await call(api, "create_enrollment", enrollment={"sourcedId": kept, "user": {"sourcedId": student}, **klass,
                                                     "role": "student"})  # fmt: skip
    with pytest.raises(UnprocessableEntityError, match="does not hold the student role"):  # (a PUT over one stored)
        await call(api, "update_enrollment", sourced_id=kept,
                   enrollment={"user": {"sourcedId": teacher}, **klass, "role": "student"})  # fmt: skip
    for role in ("administrator", "proctor"):
        await call(api, "create_enrollment", enrollment={"user": {"sourcedId": student}, **klass, "role": role})
    ro = client.oneroster.rostering
    assert [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=roster.class_)] == [student]
    assert list(ro.get_teachers_for_class(class_sourced_id=roster.class_)) == []
    assert ro.get_enrollment(sourced_id=kept).enrollment.user.sourcedId == student


async def test_a_class_s_enrollments_follow_it_to_another_school(api: Any, client: Timeback) -> None:
    """A class moved to another school left its enrollments naming the old one: ``/schools/{new}/classes/{c}/
    students`` was empty while the old school, no longer the class's, still listed them. Its active enrollments
    now move with it in the same write, stamped so a delta sync sees them; a deleted one stays where it was."""
    from tests.support import make_roster

    roster = make_roster(client)
    ro = client.oneroster.rostering
    other = uid("school")
    await call(api, "create_school", org={"sourcedId": other, "name": "Other", "type": "school"})
    student, gone = roster.students[0], roster.students[1]
    for user in (student, gone):
        ro.add_student_to_class(class_sourced_id=roster.class_, enrollment={"sourcedId": f"{user}-e",
                                                                            "user": {"sourcedId": user}})  # fmt: skip
    ro.delete_enrollment(sourced_id=f"{gone}-e")
    before = ro.get_enrollment(sourced_id=f"{student}-e").enrollment.dateLastModified
    await call(api, "update_class", sourced_id=roster.class_, **{"class": {"school": {"sourcedId": other}}})

    def students(school: str) -> list[str]:
        return [u.sourcedId for u in ro.get_students_for_class_in_school(school_sourced_id=school,
                                                                         class_sourced_id=roster.class_)]  # fmt: skip

    assert students(other) == [student]
    assert students(roster.school) == []
    moved = ro.get_enrollment(sourced_id=f"{student}-e").enrollment
    assert moved.school.sourcedId == other and moved.dateLastModified > before
    assert moved.dateLastModified == ro.get_class(sourced_id=roster.class_).class_.dateLastModified
    synced = ro.get_all_enrollments(filter=f"dateLastModified>'{before}'")
    assert {e.sourcedId for e in synced} & {f"{student}-e", f"{gone}-e"} == {f"{student}-e"}
    assert ro.get_enrollment(sourced_id=f"{gone}-e").enrollment.school.sourcedId == roster.school


async def test_a_user_dropping_a_role_keeps_enrollments_and_leaves_the_listings_until_it_returns(
    api: Any, client: Timeback
) -> None:
    """A user's roles are the user's own: a PUT dropping ``student`` is taken while student enrollments name the
    user (a sync updates users before it deletes their enrollments). The enrollments stay, listed among the class's
    enrollments; the user leaves the class's students (students are users holding the role) until the role comes
    back, and a PUT of such an enrollment says why. As README documents."""
    from tests.support import make_roster

    roster = make_roster(client)
    ro, student = client.oneroster.rostering, roster.students[0]
    enrollment = f"{student}-e"
    ro.add_student_to_class(class_sourced_id=roster.class_, enrollment={"sourcedId": enrollment,
                                                                        "user": {"sourcedId": student}})  # fmt: skip

    async def roles(*names: str) -> None:
        await call(api, "update_user", sourced_id=student, user={"enabledUser": True, "givenName": "G",
                   "familyName": "F", "roles": [{"roleType": "primary", "role": name,
                                                 "org": {"sourcedId": roster.school}} for name in names]})  # fmt: skip

    def students() -> list[str]:
        return [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=roster.class_)]

    await roles("teacher")
    assert students() == []
    listed = ro.get_enrollments_for_class_in_school(school_sourced_id=roster.school, class_sourced_id=roster.class_)
    assert [(e.sourcedId, e.role) for e in listed] == [(enrollment, "student")]
    read = ro.get_enrollment(sourced_id=enrollment).enrollment
    with pytest.raises(UnprocessableEntityError, match=r"does not hold the student role \(its roles: teacher\)"):
        await call(api, "update_enrollment", sourced_id=enrollment, enrollment=read)
    await roles("teacher", "student")
    assert students() == [student]
    assert ro.get_enrollment(sourced_id=enrollment).enrollment.dateLastModified == read.dateLastModified


def test_grading_periods_and_terms_are_sent_with_their_type(server: LocalServer) -> None:
    """Timeback's grading-period writes require ``type`` ("gradingPeriod"): the bodies left it out when the caller
    did (the local server fills it in, so only the wire shows it). Each session-of-a-type body sends its type, given
    as a dict or as a model; a term's too (the path implies it, as for a grading period)."""
    from timeback.models.request import (
        TimebackCreateGradingPeriodBody,
        TimebackCreateGradingPeriodForTermBody,
        TimebackCreateTermBody,
    )

    sent: list[tuple[str, Any]] = []

    def keep(request: httpx.Request) -> None:
        if request.method in ("POST", "PUT") and "/oauth2/" not in request.url.path:
            sent.append((request.url.path.rsplit("/v1p2", 1)[1], json.loads(request.content).get("academicSession")))

    school, term = uid("school"), uid("term")
    session = {"title": "Q1", "startDate": "2024-08-20", "endDate": "2024-10-20", "schoolYear": "2025",
               "org": {"sourcedId": school}}  # fmt: skip
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(event_hooks={"request": [keep]})) as api:
        ro = api.oneroster.rostering
        ro.create_school(org={"sourcedId": school, "name": "S", "type": "school"})
        sent.clear()
        ro.create_term(academicSession={**session, "sourcedId": term})
        ro.update_term(sourced_id=term, academicSession=TimebackCreateTermBody(**session))
        periods = [uid("gp") for _ in range(4)]
        ro.create_grading_period(academicSession={**session, "sourcedId": periods[0]})
        ro.create_grading_period(academicSession=TimebackCreateGradingPeriodBody(**session, sourcedId=periods[1]))
        ro.update_grading_period(sourced_id=periods[1], academicSession={**session})
        ro.create_grading_period_for_term(term_sourced_id=term, academicSession={**session, "sourcedId": periods[2]})
        ro.create_grading_period_for_term(
            term_sourced_id=term,
            academicSession=TimebackCreateGradingPeriodForTermBody(**session, sourcedId=periods[3]),
        )
    assert [(path, body.get("type")) for path, body in sent] == [
        ("/terms/", "term"), (f"/terms/{term}", "term"),
        ("/gradingPeriods/", "gradingPeriod"), ("/gradingPeriods/", "gradingPeriod"),
        (f"/gradingPeriods/{periods[1]}", "gradingPeriod"),
        (f"/terms/{term}/gradingPeriods", "gradingPeriod"), (f"/terms/{term}/gradingPeriods", "gradingPeriod"),
    ]  # fmt: skip


def test_demographics_flags_are_sent_as_the_strings_timeback_takes(server: LocalServer, roster: Any) -> None:
    """Timeback's demographics writes type the race and ethnicity flags as "true"/"false" (or null), no boolean, as
    1EdTech's DemographicsDType does; the SDK reads them as Python's True/False and sent them back as JSON booleans,
    so a read-modify-write sent what Timeback's document refuses (the local server took both). Given as a bool or
    the string, on the dict path and the model path, a record read too, they go out as the strings."""
    from timeback.models.request import TimebackCreateDemographicsBody

    sent: list[Any] = []

    def keep(request: httpx.Request) -> None:
        if request.method in ("POST", "PUT") and "/demographics/" in request.url.path:
            sent.append(json.loads(request.content)["demographics"])

    first, second = roster.students[0], roster.students[1]
    flags = {"white": True, "asian": "false", "hispanicOrLatinoEthnicity": False, "blackOrAfricanAmerican": None}
    words = {"white": "true", "asian": "false", "hispanicOrLatinoEthnicity": "false", "blackOrAfricanAmerican": None}
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(event_hooks={"request": [keep]})) as api:
        ro = api.oneroster.rostering
        ro.create_demographics(demographics={"sourcedId": first, "sex": "female", **flags})
        read = ro.get_demographics(sourced_id=first).demographics
        assert (read.white, read.asian) == (True, False)  # (read as Python's bools)
        ro.update_demographics(sourced_id=first, demographics=read)
        ro.update_demographics(sourced_id=second, demographics=TimebackCreateDemographicsBody(**flags))
        ro.update_demographics(sourced_id=first, demographics=read.to_dict())
        assigned = TimebackCreateDemographicsBody(**{**flags, "white": None})
        assigned.white = True  # (set after it is made: it went out as a JSON true)
        ro.update_demographics(sourced_id=second, demographics=assigned)
        ro.update_demographics(sourced_id=second, demographics=assigned.model_copy(update={"white": True}))
    assert len(sent) == 6
    for body in sent:
        assert {field: body[field] for field in words} == words
