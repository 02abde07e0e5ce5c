"""One table drives every gradebook operation through the SDK against the real server, sync and async.

Each row gives the arguments for one operation (built from a fresh little world of records) and a check of what
came back. ``test_every_operation_has_a_row`` fails when an operation is declared without a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support import Roster, line_item_body, make_roster, result_body, uid
from timeback import AsyncTimeback, NotFoundError, Timeback
from timeback.resources import GradebookOperations


@dataclass
class World:
    client: Timeback
    r: Roster
    line_item: str
    result: str
    ali: str  # an assessment line item
    ar: str  # an assessment result

    @property
    def gb(self) -> Any:
        return self.client.oneroster.gradebook


@pytest.fixture
def world(client: Timeback) -> World:
    r = make_roster(client)
    gb = client.oneroster.gradebook
    line_item, result, ali, ar = uid("li"), uid("res"), uid("ali"), uid("ar")
    gb.post_line_items_for_class(class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)])
    gb.put_result(sourced_id=result, result=result_body(line_item, r.students[0], **{"class": {"sourcedId": r.class_}}))
    gb.put_assessment_line_item(sourced_id=ali, assessmentLineItem={"title": "Diag", "metadata": {"a": 1}})
    gb.put_assessment_result(sourced_id=ar, assessmentResult=assessment_result_body(ali, r.students[0]))
    return World(client, r, line_item, result, ali, ar)


def assessment_result_body(ali: str, student: str, **extra: Any) -> dict[str, Any]:
    return {"assessmentLineItem": {"sourcedId": ali}, "student": {"sourcedId": student}, "scoreStatus": "submitted",
            "scoreDate": "2024-03-01T09:00:00Z", "score": 7, "metadata": {"totalQuestions": 10}, **extra}  # fmt: skip


def scale_body(w: World) -> dict[str, Any]:
    return {"title": "Letters", "type": "letter", "class": {"sourcedId": w.r.class_},
            "scoreScaleValue": [{"itemValueLHS": "90-100", "itemValueRHS": "A"}]}  # fmt: skip


def ids(items: list[Any]) -> list[str]:
    return [item.sourcedId for item in items]


def created(resp: Any, w: World) -> None:
    assert len(resp.sourcedIdPairs) >= 1 and resp.sourcedIdPairs.allocatedSourcedId


def deleted(getter: str, attr: str, sourced_id: Callable[[World], str]) -> Callable[[Any, World], None]:
    def check(resp: Any, w: World) -> None:
        assert resp is None
        record = getattr(getattr(w.gb, getter)(sourced_id=sourced_id(w)), attr)
        assert record.status == "tobedeleted"  # a soft delete: still readable by id

    return check


Row = tuple[Callable[[World], dict[str, Any]], Callable[[Any, World], None]]

ROWS: dict[str, Row] = {
    # score scales
    "get_all_score_scales": (
        lambda w: {"filter": f"sourcedId='{w.r.score_scale}'"},
        lambda resp, w: ids(resp) == [w.r.score_scale] or pytest.fail(str(ids(resp))),
    ),
    "create_score_scale": (lambda w: {"scoreScale": scale_body(w)}, created),
    "get_score_scale": (
        lambda w: {"sourced_id": w.r.score_scale},
        lambda resp, w: resp.scoreScale.scoreScaleValue[0].itemValueRHS == "percent" or pytest.fail(),
    ),
    "put_score_scale": (
        lambda w: {"sourced_id": w.r.score_scale, "scoreScale": scale_body(w)},
        lambda resp, w: resp.scoreScale.title == "Letters" or pytest.fail(),
    ),
    "delete_score_scale": (
        lambda w: {"sourced_id": w.r.score_scale},
        deleted("get_score_scale", "scoreScale", lambda w: w.r.score_scale),
    ),
    "get_score_scales_for_school": (
        lambda w: {"school_sourced_id": w.r.school},
        lambda resp, w: ids(resp) == [w.r.score_scale] or pytest.fail(str(ids(resp))),
    ),
    "get_score_scales_for_class": (
        lambda w: {"class_sourced_id": w.r.class_},
        lambda resp, w: ids(resp) == [w.r.score_scale] or pytest.fail(str(ids(resp))),
    ),
    # results
    "get_all_results": (
        lambda w: {"filter": f"lineItem.sourcedId='{w.line_item}'"},
        lambda resp, w: ids(resp) == [w.result] or pytest.fail(str(ids(resp))),
    ),
    "create_result": (lambda w: {"result": result_body(w.line_item, w.r.students[1])}, created),
    "get_result": (
        lambda w: {"sourced_id": w.result},
        lambda resp, w: resp.result.lineItem.sourcedId == w.line_item or pytest.fail(),
    ),
    "put_result": (
        lambda w: {"sourced_id": w.result, "result": result_body(w.line_item, w.r.students[0], score=42)},
        lambda resp, w: resp.result.score == 42 or pytest.fail(),
    ),
    "delete_result": (lambda w: {"sourced_id": w.result}, deleted("get_result", "result", lambda w: w.result)),
    "get_results_for_class": (
        lambda w: {"class_sourced_id": w.r.class_},
        lambda resp, w: ids(resp) == [w.result] or pytest.fail(str(ids(resp))),
    ),
    "get_results_for_line_item_for_class": (
        lambda w: {"class_sourced_id": w.r.class_, "line_item_sourced_id": w.line_item},
        lambda resp, w: ids(resp) == [w.result] or pytest.fail(str(ids(resp))),
    ),
    "get_results_for_student_for_class": (
        lambda w: {"class_sourced_id": w.r.class_, "student_sourced_id": w.r.students[0]},
        lambda resp, w: ids(resp) == [w.result] or pytest.fail(str(ids(resp))),
    ),
    "post_results_for_academic_session_for_class": (
        lambda w: {"class_sourced_id": w.r.class_, "academic_session_sourced_id": w.r.term,
                   "results": [result_body(w.line_item, s) for s in w.r.students[1:]]},
        lambda resp, w: len(resp.sourcedIdPairs) == 2 or pytest.fail(),
    ),
    # line items
    "get_all_line_items": (
        lambda w: {"filter": f"class.sourcedId='{w.r.class_}'"},
        lambda resp, w: ids(resp) == [w.line_item] or pytest.fail(str(ids(resp))),
    ),
    "create_line_item": (lambda w: {"lineItem": line_item_body(w.r)}, created),
    "get_line_item": (
        lambda w: {"sourced_id": w.line_item},
        lambda resp, w: resp.lineItem.category.sourcedId == w.r.category or pytest.fail(),
    ),
    "put_line_item": (
        lambda w: {"sourced_id": w.line_item, "lineItem": line_item_body(w.r, title="Renamed")},
        lambda resp, w: resp.lineItem.title == "Renamed" or pytest.fail(),
    ),
    "delete_line_item": (
        lambda w: {"sourced_id": w.line_item},
        deleted("get_line_item", "lineItem", lambda w: w.line_item),
    ),
    "create_result_for_line_item": (
        lambda w: {"line_item_sourced_id": w.line_item, "results": [result_body(w.line_item, w.r.students[2])]},
        created,
    ),
    "get_line_items_for_school": (
        lambda w: {"school_sourced_id": w.r.school},
        lambda resp, w: ids(resp) == [w.line_item] or pytest.fail(str(ids(resp))),
    ),
    "create_line_items_for_school": (
        lambda w: {"school_sourced_id": w.r.school, "lineItems": [line_item_body(w.r), line_item_body(w.r)]},
        lambda resp, w: len(resp.sourcedIdPairs) == 2 or pytest.fail(),
    ),
    "get_line_items_for_class": (
        lambda w: {"class_sourced_id": w.r.class_},
        lambda resp, w: ids(resp) == [w.line_item] or pytest.fail(str(ids(resp))),
    ),
    "post_line_items_for_class": (
        lambda w: {"class_sourced_id": w.r.class_, "lineItems": [line_item_body(w.r)]},
        created,
    ),
    # categories
    "get_all_categories": (
        lambda w: {"filter": f"sourcedId='{w.r.category}'"},
        lambda resp, w: ids(resp) == [w.r.category] or pytest.fail(str(ids(resp))),
    ),
    "create_category": (lambda w: {"category": {"title": "Projects", "weight": 0.5}}, created),
    "get_category": (
        lambda w: {"sourced_id": w.r.category},
        lambda resp, w: resp.category.title == "Quizzes" or pytest.fail(),
    ),
    "put_category": (
        lambda w: {"sourced_id": w.r.category, "category": {"title": "Tests"}},
        lambda resp, w: resp.category.title == "Tests" or pytest.fail(),
    ),
    "delete_category": (
        lambda w: {"sourced_id": w.r.category},
        deleted("get_category", "category", lambda w: w.r.category),
    ),
    "get_categories_for_class": (
        lambda w: {"class_sourced_id": w.r.class_, "filter": f"sourcedId='{w.r.category}'"},
        lambda resp, w: ids(resp) == [w.r.category] or pytest.fail(str(ids(resp))),
    ),
    # assessment results
    "get_all_assessment_results": (
        lambda w: {"filter": f"assessmentLineItem.sourcedId='{w.ali}'"},
        lambda resp, w: ids(resp) == [w.ar] or pytest.fail(str(ids(resp))),
    ),
    "create_assessment_result": (
        lambda w: {"assessmentResult": assessment_result_body(w.ali, w.r.students[1])},
        created,
    ),
    "get_assessment_result": (
        lambda w: {"sourced_id": w.ar},
        lambda resp, w: resp.assessmentResult.metadata == {"totalQuestions": 10} or pytest.fail(),
    ),
    "put_assessment_result": (
        lambda w: {"sourced_id": w.ar, "assessmentResult": assessment_result_body(w.ali, w.r.students[0], score=9)},
        lambda resp, w: resp.assessmentResult.score == 9 or pytest.fail(),
    ),
    "patch_assessment_result": (
        lambda w: {"sourced_id": w.ar, "assessmentResult": {"score": 10, "metadata": {"correctAnswers": 10}}},
        lambda resp, w: (resp.assessmentResult.score, resp.assessmentResult.metadata, resp.assessmentResult.scoreStatus)
        == (10, {"totalQuestions": 10, "correctAnswers": 10}, "submitted") or pytest.fail(str(resp)),
    ),
    "delete_assessment_result": (
        lambda w: {"sourced_id": w.ar},
        deleted("get_assessment_result", "assessmentResult", lambda w: w.ar),
    ),
    # assessment line items
    "get_all_assessment_line_items": (
        lambda w: {"filter": f"sourcedId='{w.ali}'"},
        lambda resp, w: ids(resp) == [w.ali] or pytest.fail(str(ids(resp))),
    ),
    "create_assessment_line_item": (lambda w: {"assessmentLineItem": {"title": "Unit test"}}, created),
    "get_assessment_line_item": (
        lambda w: {"sourced_id": w.ali},
        lambda resp, w: resp.assessmentLineItem.title == "Diag" or pytest.fail(),
    ),
    "put_assessment_line_item": (
        lambda w: {"sourced_id": w.ali, "assessmentLineItem": {"title": "Diag 2"}},
        lambda resp, w: (resp.assessmentLineItem.title, resp.assessmentLineItem.metadata) == ("Diag 2", None)
        or pytest.fail(),
    ),
    "patch_assessment_line_item": (
        lambda w: {"sourced_id": w.ali, "assessmentLineItem": {"description": "new", "metadata": {"b": 2}}},
        lambda resp, w: (resp.assessmentLineItem.title, resp.assessmentLineItem.metadata) == ("Diag", {"a": 1, "b": 2})
        or pytest.fail(),
    ),
    "delete_assessment_line_item": (
        lambda w: {"sourced_id": w.ali},
        deleted("get_assessment_line_item", "assessmentLineItem", lambda w: w.ali),
    ),
}  # fmt: skip

OPERATIONS = {op.name: op for op in GradebookOperations.operations()}


def test_every_operation_has_a_row() -> None:
    assert set(ROWS) == set(OPERATIONS)
    assert len(OPERATIONS) == 44


async def invoke(api: Timeback | AsyncTimeback, name: str, kwargs: dict[str, Any]) -> Any:
    result = getattr(api.oneroster.gradebook, name)(**kwargs)
    if OPERATIONS[name].kind == "list":
        if isinstance(api, AsyncTimeback):
            return [item async for item in result]
        return list(result)
    return await result if isinstance(api, AsyncTimeback) else result


@pytest.mark.parametrize("name", sorted(ROWS))
async def test_operation(name: str, either: Timeback | AsyncTimeback, world: World) -> None:
    build, check = ROWS[name]
    resp = await invoke(either, name, build(world))
    check(resp, world)


@pytest.mark.parametrize("name", sorted(n for n, op in OPERATIONS.items() if op.kind == "get"))
def test_reads_of_missing_records_are_404(name: str, client: Timeback) -> None:
    with pytest.raises(NotFoundError):
        getattr(client.oneroster.gradebook, name)(sourced_id=uid("missing"))
