"""Every rostering operation through the SDK against the real server, sync and async, from one table.

Reads by id, unscoped listings, creates, updates and deletes follow one rule per kind of operation; scoped
listings and the two enrol operations have their own rows. ``test_every_operation_is_covered`` fails when an
operation is declared that the rules and rows do not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import uid
from timeback import AsyncTimeback, Timeback
from timeback.resources import RosteringOperations

OPERATIONS = {op.name: op for op in RosteringOperations.operations()}
SESSION = {"title": "S", "startDate": "2024-08-20", "endDate": "2024-12-20", "schoolYear": "2025"}


def build_world(client: Timeback) -> dict[str, str]:
    ro = client.oneroster.rostering
    w = {k: uid(k) for k in ("district", "school", "term", "gp", "course", "class", "teacher", "student")}
    w["enr_s"], w["enr_t"] = uid("enr"), uid("enr")
    ro.create_org(org={"sourcedId": w["district"], "name": "D", "type": "district"})
    ro.create_school(
        org={"sourcedId": w["school"], "name": "S", "type": "school", "parent": {"sourcedId": w["district"]}}
    )
    ro.create_term(academicSession={"sourcedId": w["term"], **SESSION, "org": {"sourcedId": w["school"]}})
    ro.create_grading_period_for_term(term_sourced_id=w["term"], academicSession={"sourcedId": w["gp"], **SESSION})
    ro.create_course(course={"sourcedId": w["course"], "title": "C", "org": {"sourcedId": w["school"]}})
    ro.create_class(**{"class": bodies["classes"](w) | {"sourcedId": w["class"]}})
    for who, role in (("teacher", "teacher"), ("student", "student")):
        ro.create_user(user={"sourcedId": w[who], **user_body(w, role)})
    ro.create_enrollment(enrollment={"sourcedId": w["enr_s"], "user": {"sourcedId": w["student"]},
                                     "class": {"sourcedId": w["class"]}, "role": "student"})  # fmt: skip
    ro.add_teacher_to_class(class_sourced_id=w["class"], enrollment={"sourcedId": w["enr_t"],
                                                                     "user": {"sourcedId": w["teacher"]}})  # fmt: skip
    ro.create_demographics(demographics={"sourcedId": w["student"], "sex": "female", "birthDate": "2011-04-02"})
    return w


def user_body(w: dict[str, str], role: str) -> dict[str, Any]:
    return {"enabledUser": True, "givenName": "G", "familyName": "F",
            "roles": [{"roleType": "primary", "role": role, "org": {"sourcedId": w["school"]}}]}  # fmt: skip


# collection -> (the world record it reads, updates and deletes; a body for creates and updates)
bodies: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "academicSessions": lambda w: {**SESSION, "type": "term"},
    "terms": lambda w: dict(SESSION),
    "gradingPeriods": lambda w: {**SESSION, "parent": {"sourcedId": w["term"]}},
    "classes": lambda w: {"title": "K", "course": {"sourcedId": w["course"]}, "org": {"sourcedId": w["school"]},
                          "terms": [{"sourcedId": w["term"]}]},
    "courses": lambda w: {"title": "C2", "org": {"sourcedId": w["school"]}},
    "demographics": lambda w: {"sex": "male"},
    "enrollments": lambda w: {"user": {"sourcedId": w["student"]}, "class": {"sourcedId": w["class"]}, "role": "student"},
    "orgs": lambda w: {"name": "D2", "type": "district"},
    "schools": lambda w: {"name": "S2", "type": "school"},
    "users": lambda w: user_body(w, "student"),
}  # fmt: skip
RECORD = {"academicSessions": "term", "terms": "term", "gradingPeriods": "gp", "classes": "class",
          "courses": "course", "demographics": "student", "enrollments": "enr_s", "orgs": "district",
          "schools": "school", "users": "student", "students": "student", "teachers": "teacher"}  # fmt: skip
PATH_RECORD = {"term": "term", "class": "class", "course": "course", "school": "school", "student": "student",
               "teacher": "teacher", "user": "student"}  # fmt: skip
SCOPED = {  # scoped listings: the world records each must return
    "get_classes_for_term": ["class"], "get_grading_periods_for_term": ["gp"],
    "get_students_for_class": ["student"], "get_teachers_for_class": ["teacher"],
    "get_classes_for_course": ["class"], "get_classes_for_school": ["class"],
    "get_enrollments_for_class_in_school": ["enr_s", "enr_t"], "get_students_for_class_in_school": ["student"],
    "get_teachers_for_class_in_school": ["teacher"], "get_courses_for_school": ["course"],
    "get_enrollments_for_school": ["enr_s", "enr_t"], "get_students_for_school": ["student"],
    "get_teachers_for_school": ["teacher"], "get_terms_for_school": ["term"],
    "get_classes_for_student": ["class"], "get_classes_for_teacher": ["class"], "get_classes_for_user": ["class"],
}  # fmt: skip
ENROL = {"add_student_to_class": "student", "add_teacher_to_class": "teacher"}
CREATE_UNDER = {"create_grading_period_for_term": "gradingPeriods"}


def test_every_operation_is_covered() -> None:
    for name, op in OPERATIONS.items():
        covered = (
            name in SCOPED or name in ENROL or name in CREATE_UNDER
            or (op.kind in ("get", "delete") and op.collection in RECORD)
            or (op.kind == "list" and not op.path_fields and op.collection in RECORD)
            or (op.kind in ("create", "put") and op.collection in bodies)
        )  # fmt: skip
        assert covered, name
    assert len(OPERATIONS) == 74


def record_of(envelope: Any) -> Any:
    """The record in a ``{"<singular>": {...}}`` answer."""
    return getattr(envelope, next(iter(type(envelope).model_fields)))


def path_args(op: Any, w: dict[str, str]) -> dict[str, str]:
    return {f: w[PATH_RECORD[f.removesuffix("_sourced_id")]] for f in op.path_fields}


async def run(api: Timeback | AsyncTimeback, name: str, **kwargs: Any) -> Any:
    result = getattr(api.oneroster.rostering, name)(**kwargs)
    if OPERATIONS[name].kind == "list":
        return [x async for x in result] if isinstance(api, AsyncTimeback) else list(result)
    return await result if isinstance(api, AsyncTimeback) else result


@pytest.mark.parametrize("name", sorted(OPERATIONS))
async def test_operation(name: str, either: Timeback | AsyncTimeback, client: Timeback) -> None:
    w = build_world(client)
    api = either
    op = OPERATIONS[name]
    getter = next(o.name for o in OPERATIONS.values() if o.kind == "get" and o.collection == op.collection
                  ) if op.collection in RECORD else None  # fmt: skip
    if name in SCOPED:
        got = await run(api, name, **path_args(op, w))
        assert sorted(x.sourcedId for x in got) == sorted(w[k] for k in SCOPED[name])
    elif name in ENROL:
        resp = await run(api, name, class_sourced_id=w["class"], enrollment={"user": {"sourcedId": w[ENROL[name]]}})
        enrollment = client.oneroster.rostering.get_enrollment(sourced_id=resp.sourcedIdPairs.allocatedSourcedId)
        assert (enrollment.enrollment.role, enrollment.enrollment.class_.sourcedId) == (ENROL[name], w["class"])
    elif name in CREATE_UNDER:
        new = uid("gp")
        await run(api, name, term_sourced_id=w["term"], academicSession={"sourcedId": new, **SESSION})
        got = client.oneroster.rostering.get_grading_period(sourced_id=new).gradingPeriod
        assert (got.type, got.parent.sourcedId) == ("gradingPeriod", w["term"])
    elif op.kind == "get":
        resp = await run(api, name, sourced_id=w[RECORD[op.collection]])
        assert record_of(resp).sourcedId == w[RECORD[op.collection]]
    elif op.kind == "list":
        got = await run(api, name, filter=f"sourcedId='{w[RECORD[op.collection]]}'")
        assert [x.sourcedId for x in got] == [w[RECORD[op.collection]]]
    elif op.kind == "create":
        new = uid("new")
        resp = await run(api, name, **{op.body: {"sourcedId": new, **bodies[op.collection](w)}})
        assert resp.sourcedIdPairs.allocatedSourcedId == new
        assert getter and getattr(client.oneroster.rostering, getter)(sourced_id=new)
    elif op.kind == "put":
        target = w[RECORD[op.collection]]
        resp = await run(api, name, sourced_id=target, **{op.body: bodies[op.collection](w)})
        assert record_of(resp).sourcedId == target
    elif op.kind == "delete":
        target = w[RECORD[op.collection]]
        assert await run(api, name, sourced_id=target) is None
        record = getattr(client.oneroster.rostering, getter or "")(sourced_id=target)
        assert record_of(record).status == "tobedeleted"
    else:  # pragma: no cover - the coverage test above fails first
        pytest.fail(f"no rule for {name}")
