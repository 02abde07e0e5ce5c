"""The service's write validation: bodies validated into plain dicts (the dict path) must be exactly the bodies the
model path accepts, stored as the same records."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic_core import to_json

from timeback.models._dicts import ValidatedRequest
from timeback.resources import all_operations
from timeback.server.config import ServerSettings
from timeback.server.errors import ApiError
from timeback.server.service import GradebookService

REF = {"sourcedId": "ref-1"}
RESULT = {
    "sourcedId": "res-1", "status": "active", "lineItem": REF, "student": {"sourcedId": "stu-1"}, "class": REF,
    "scoreStatus": "fully graded", "scoreDate": "2024-01-16T10:00:00Z", "score": 90, "textScore": "A",
    "comment": "caf\u00e9", "scoreScale": REF, "metadata": {"k": {"nested": ["x", 1]}},
    "learningObjectiveSet": [{"source": "case", "learningObjectiveResults": [{"learningObjectiveId": "lo-1",
                                                                              "score": 1, "textScore": "B"}]}],
}  # fmt: skip
LINE_ITEM = {
    "sourcedId": "li-1", "title": "Quiz", "assignDate": "2024-01-15", "dueDate": "2024-01-20T23:59:59.123+02:00",
    "class": REF, "school": REF, "category": REF, "resultValueMin": 0, "resultValueMax": 100.5,
    "learningObjectiveSet": [{"source": "case", "learningObjectiveIds": ["lo-1", "lo-2"]}],
}  # fmt: skip
USER = {
    "sourcedId": "u-1", "enabledUser": True, "givenName": "Ada", "familyName": "L", "email": "a@example.org",
    "roles": [{"roleType": "primary", "role": "student", "org": REF, "beginDate": "2024-08-01"}],
    "grades": ["09"], "userIds": [{"type": "sis", "identifier": "42"}],
}  # fmt: skip
# (operation, path, body): every kind of field of the common creates (refs, enums, dates, nested lists, metadata)
CASES: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    ("create_result_for_line_item", {"line_item_sourced_id": "li-1"}, {"results": [RESULT, {**RESULT, "sourcedId": "res-2"}]}),
    ("create_result", {}, {"result": RESULT}),
    ("post_line_items_for_class", {"class_sourced_id": "cls-1"}, {"lineItems": [LINE_ITEM]}),
    ("create_line_item", {}, {"lineItem": LINE_ITEM}),
    ("create_category", {}, {"category": {"sourcedId": "cat-1", "title": "Quizzes", "weight": 0.5}}),
    ("create_score_scale", {}, {"scoreScale": {"sourcedId": "ss-1", "title": "Letters", "type": "letter", "class": REF,
                                               "scoreScaleValue": [{"itemValueLHS": "A", "itemValueRHS": "90"}]}}),
    ("create_assessment_result", {}, {"assessmentResult": {**{k: v for k, v in RESULT.items() if k not in ("lineItem", "class")},
                                                           "assessmentLineItem": REF}}),
    ("create_user", {}, {"user": USER}),
    ("create_org", {}, {"org": {"sourcedId": "org-1", "name": "School", "type": "school", "parent": REF}}),
    ("create_academic_session", {}, {"academicSession": {"sourcedId": "t-1", "title": "Term", "type": "term",
                                                         "startDate": "2024-08-01", "endDate": "2025-06-30",
                                                         "schoolYear": "2025", "org": REF}}),
]  # fmt: skip
OPERATIONS = {op.name: op for op in all_operations()}
SERVICE = GradebookService(storage=None, settings=ServerSettings())  # type: ignore[arg-type]  # (no storage read)

BAD_VALUES: list[Any] = ["gone", "2024-02-30", "2024-01-16T25:00:00Z", "", 7, 1.5, True, None, [], {}, {"zz": 1}]


def _mutations(value: Any) -> Iterator[Any]:
    """``value`` with one thing changed, every way: each leaf or object replaced by each bad value, an unknown key
    added to each object, each list emptied."""
    if isinstance(value, dict):
        yield {**value, "unknownField": 1}
        for key, item in value.items():
            for changed in _mutations(item):
                yield {**value, key: changed}
    elif isinstance(value, list):
        yield []
        for index, item in enumerate(value):
            for changed in _mutations(item):
                yield [*value[:index], changed, *value[index + 1 :]]
    for bad in BAD_VALUES:
        if bad != value:
            yield copy.deepcopy(bad)


def _through_the_model(name: str, path: dict[str, str], raw: bytes) -> list[dict[str, Any]] | int:
    op = OPERATIONS[name]
    try:
        request = SERVICE._validate_fully(op, path, raw)
    except ApiError as exc:
        return exc.status
    return SERVICE._records(op, _coll(op), request)


def _as_served(name: str, path: dict[str, str], raw: bytes) -> tuple[list[dict[str, Any]] | int, bool]:
    """(records or 4xx status, whether the dict path took it), as the service answers."""
    op = OPERATIONS[name]
    try:
        request = SERVICE._validate(op, path, raw)
    except ApiError as exc:
        return exc.status, False
    return SERVICE._records(op, _coll(op), request), isinstance(request, ValidatedRequest)


def _coll(op: Any) -> Any:
    from timeback.server.collections import COLLECTIONS

    return COLLECTIONS[op.collection]


@pytest.mark.parametrize(("name", "path", "body"), CASES, ids=[case[0] for case in CASES])
def test_the_dict_path_accepts_and_stores_exactly_what_the_model_path_does(
    name: str, path: dict[str, str], body: dict[str, Any]
) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    served, took_dicts = _as_served(name, path, raw)
    assert took_dicts, f"{name} no longer takes the dict path"  # else this test compares the model path to itself
    assert to_json(served) == to_json(_through_the_model(name, path, raw))  # (bytes: 90 and 90.0 differ there)
    variants = list(_mutations(body))
    by_dicts = refused = 0
    for variant in variants:
        raw = json.dumps(variant, ensure_ascii=False).encode()
        served, took_dicts = _as_served(name, path, raw)
        assert to_json(served) == to_json(_through_the_model(name, path, raw)), (variant, took_dicts)
        by_dicts += took_dicts
        refused += isinstance(served, int)
    assert by_dicts >= 3 and refused > len(variants) // 4  # both outcomes were tried on the dict path


def test_a_record_without_a_sourced_id_gets_a_fresh_one_on_the_dict_path() -> None:
    name, path = "create_result_for_line_item", {"line_item_sourced_id": "li-1"}
    unnamed = {k: v for k, v in RESULT.items() if k != "sourcedId"}
    raw = json.dumps({"results": [unnamed, unnamed]}, ensure_ascii=False).encode()
    served, took_dicts = _as_served(name, path, raw)
    expected = _through_the_model(name, path, raw)
    assert took_dicts and isinstance(served, list) and isinstance(expected, list)
    ids = [record.pop("sourcedId") for record in served]
    assert len({str(uuid.UUID(i)) for i in ids}) == 2  # a UUID each, distinct
    assert json.loads(json.dumps(ids)) == ids  # plain JSON strings
    for record in expected:
        record.pop("sourcedId")
    assert to_json(served) == to_json(expected)


@pytest.mark.parametrize("key", ["str", "none", "list", "tags[]", "function-after"])
def test_an_unknown_field_is_named_whatever_it_is_called(key: str) -> None:
    # (pydantic's names for the members of a union, "str" or "function-after[...]", are left out of a field's path;
    # an unknown field's own name is the body's key, never one of those)
    op = OPERATIONS["create_result"]
    for body, where in (({"result": {**RESULT, key: 1}}, f"result.{key}"), ({"result": RESULT, key: 1}, key)):
        with pytest.raises(ApiError) as refused:
            SERVICE._validate(op, {}, json.dumps(body).encode())
        assert (refused.value.status, refused.value.fields) == (422, [(where, "unknown field")])


def test_the_sdk_reads_back_with_the_references_the_server_fills_in() -> None:
    """The SDK's confirmation of a lost answer (``DERIVED``, ``MIRRORED``) restates the server's ``derive`` and
    ``aliases`` rules: the SDK cannot import the server. A rule added to one and not the other fails here."""
    from timeback._read_back import DERIVED, MIRRORED
    from timeback.server.collections import COLLECTIONS

    derived: dict[str, tuple[tuple[str, ...], str, str]] = {}
    for coll in COLLECTIONS.values():
        for field, via, source in coll.derive:
            assert source == field, coll.name  # (the SDK's table names one field for both)
            fields = derived.get(coll.table, ((), via, coll.refs[via]))[0]
            derived[coll.table] = ((*dict.fromkeys((*fields, field)),), via, coll.refs[via])
        for name, other in coll.aliases:
            assert (name, other) in MIRRORED and (other, name) in MIRRORED, coll.name
    assert derived == DERIVED
