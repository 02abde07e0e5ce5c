"""Request models of the seeds' four gradebook writes kept and sent later: copied, dumped and validated again,
pickled. Each one sent must write what the request itself would have, under the same ids (a retried create or PUT
sends the id it was built with: that is what makes it safe to send again)."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from tests.support import Roster, add_line_items, line_item_body, make_roster, result_body, uid
from timeback import Timeback
from timeback.errors import UnprocessableEntityError
from timeback.models.request import (
    TimebackCreateAssessmentResultRequest,
    TimebackPostLineItemsForClassRequest,
    TimebackPostResultsForAcademicSessionForClassRequest,
    TimebackPutResultRequest,
    TimebackUpdateClassBody,
    TimebackUpdateClassRequest,
)

ROUND_TRIPS: dict[str, Callable[[Any], Any]] = {
    "model_copy(update=...)": lambda r: r.model_copy(update={name: getattr(r, name) for name in type(r).model_fields}),
    "model_dump(exclude_unset=True)": lambda r: type(r).model_validate(r.model_dump(exclude_unset=True)),
    "model_dump()": lambda r: type(r).model_validate(r.model_dump()),
    "model_dump_json(by_alias, exclude_unset)": lambda r: type(r).model_validate_json(
        r.model_dump_json(by_alias=True, exclude_unset=True)
    ),
    "model_dump_json()": lambda r: type(r).model_validate_json(r.model_dump_json()),
    "json.dumps(model_dump(mode='json', exclude_unset))": lambda r: type(r).model_validate(
        json.loads(json.dumps(r.model_dump(mode="json", exclude_unset=True)))
    ),
    "deepcopy": copy.deepcopy,
    "pickle": lambda r: pickle.loads(pickle.dumps(r)),
}
# What a full dump validated again sends besides: every field it left unset, as null (pydantic keeps no record of
# which were set). The same values, stored as nulls.
SENDS_NULLS = {"model_dump()", "model_dump_json()"}


def requests(roster: Roster, line_item: str, assessment_line_item: str) -> dict[str, BaseModel]:
    """One request per operation; the PUT twice, its body's id left to the path and given."""
    given = uid("r")
    return {
        "put_result": TimebackPutResultRequest(
            sourced_id=uid("r"), result=result_body(line_item, roster.students[0], score=70)
        ),
        "put_result ": TimebackPutResultRequest(
            sourced_id=given, result=result_body(line_item, roster.students[0], given, score=71)
        ),
        "post_results_for_academic_session_for_class": TimebackPostResultsForAcademicSessionForClassRequest(
            class_sourced_id=roster.class_,
            academic_session_sourced_id=roster.term,
            results=[result_body(line_item, roster.students[1], score=72)],
        ),
        "post_line_items_for_class": TimebackPostLineItemsForClassRequest(
            class_sourced_id=roster.class_, lineItems=[line_item_body(roster, description="kept")]
        ),
        "create_assessment_result": TimebackCreateAssessmentResultRequest(
            assessmentResult={
                "assessmentLineItem": {"sourcedId": assessment_line_item},
                "student": {"sourcedId": roster.students[2]},
                "scoreStatus": "fully graded",
                "scoreDate": "2024-01-16",
                "score": 73,
            }
        ),
    }


def written(client: Timeback, operation: str, request: Any) -> tuple[str, dict[str, Any]]:
    """The id of the record the request writes, and that record as read (without the server's stamp)."""
    gb = client.oneroster.gradebook
    if operation.startswith("put_result"):
        sourced_id, read = request.sourced_id, gb.get_result
    elif operation == "post_results_for_academic_session_for_class":
        sourced_id, read = request.results[0].sourcedId, gb.get_result
    elif operation == "post_line_items_for_class":
        sourced_id, read = request.lineItems[0].sourcedId, gb.get_line_item
    else:
        sourced_id, read = request.assessmentResult.sourcedId, gb.get_assessment_result
    record = next(iter(read(sourced_id=sourced_id).model_dump(exclude_none=True).values()))
    return sourced_id, {key: value for key, value in record.items() if key not in ("sourcedId", "dateLastModified")}


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
def test_a_request_kept_and_sent_later_writes_what_it_would_have_under_its_ids(server: Any, round_trip: str) -> None:
    sent: list[tuple[str, Any]] = []

    def keep(request: httpx.Request) -> None:
        if request.method != "GET" and "/gradebook/" in request.url.path:
            sent.append((request.url.path, json.loads(request.read())))

    with Timeback(**server.client_kwargs(), http_client=httpx.Client(event_hooks={"request": [keep]})) as client:
        gb = client.oneroster.gradebook
        roster = make_roster(client)
        (line_item,) = add_line_items(client, roster, 1)
        assessment_line_item = uid("ali")
        gb.put_assessment_line_item(sourced_id=assessment_line_item, assessmentLineItem={"title": "Test"})
        expected = {}
        for operation, request in requests(roster, line_item, assessment_line_item).items():
            getattr(gb, operation.strip())(request)  # (the same requests built again, with other ids, sent as built)
            expected[operation] = written(client, operation, request)[1]
        for operation, request in requests(roster, line_item, assessment_line_item).items():
            path_fields = {name for name in type(request).model_fields if name.endswith("sourced_id")}
            wire = json.loads(request.model_dump_json(by_alias=True, exclude_unset=True, exclude=path_fields))
            if operation == "put_result":  # (its dump leaves out the body id it took from the path, sent as the path's)
                wire["result"]["sourcedId"] = request.sourced_id
            again = ROUND_TRIPS[round_trip](request)
            assert again == request, operation
            sent.clear()
            getattr(gb, operation.strip())(again)  # (the original is never sent: a create's id could be sent once)
            (path, body), (sourced_id, record) = sent[-1], written(client, operation, request)
            assert path.endswith(f"/results/{sourced_id}") or not operation.startswith("put_result"), operation
            assert (without_nulls(body) if round_trip in SENDS_NULLS else body) == wire, operation  # its ids too
            assert record == expected[operation], operation


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
def test_a_put_kept_whose_body_took_the_path_id_follows_a_new_path_as_the_request_does(
    client: Timeback, roster: Roster, round_trip: str
) -> None:
    """A PUT's body id taken from the path follows the path when the request is given another, kept in any way:
    written as JSON, that id was read back as one the caller chose, and the request refused the new path (the
    ValidationError "result.sourcedId ... does not match the path's sourcedId"). One the caller gave still refuses."""
    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    kept, given = uid("r"), uid("r")
    request = TimebackPutResultRequest(sourced_id=kept, result=result_body(line_item, roster.students[0], score=70))
    moved, assigned = uid("r"), uid("r")
    assert gb.put_result(ROUND_TRIPS[round_trip](request), sourced_id=moved).result.sourcedId == moved
    again = ROUND_TRIPS[round_trip](request)
    again.sourced_id = assigned
    assert again.result.sourcedId == assigned and gb.put_result(again).result.sourcedId == assigned
    for sourced_id in (moved, assigned):
        assert gb.get_result(sourced_id=sourced_id).result.score == 70
    assert ROUND_TRIPS[round_trip](request) == request  # (the kept request still names its own path)
    chosen = TimebackPutResultRequest(sourced_id=given, result=result_body(line_item, roster.students[1], given))
    with pytest.raises(ValidationError, match="does not match the path's sourcedId"):
        gb.put_result(ROUND_TRIPS[round_trip](chosen), sourced_id=uid("r"))


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def test_a_class_update_in_part_kept_in_full_is_refused_naming_what_its_nulls_would_clear(
    client: Timeback, roster: Roster
) -> None:
    """A full dump of a class update in part (``update_class`` with its title alone) sends null for the class's
    course and school, which Timeback answers null and so are not taken as left out: a class needing both, the PUT
    is 422 naming them, nothing written. Its other nulls are left out (``terms``, ``org``: typed without null). The
    dump without its unset fields sends the same call."""
    ro = client.oneroster.rostering
    request = TimebackUpdateClassRequest(sourced_id=roster.class_, class_=TimebackUpdateClassBody(title="Renamed"))
    before = ro.get_class(sourced_id=roster.class_).class_
    with pytest.raises(UnprocessableEntityError) as refused:
        ro.update_class(TimebackUpdateClassRequest.model_validate_json(request.model_dump_json()))
    named = {detail["field"]: detail["message"] for detail in refused.value.imsx_error_details}
    assert named.keys() == {"class", "class.course"} and "needs its school" in named["class"], named
    assert ro.get_class(sourced_id=roster.class_).class_ == before
    kept = TimebackUpdateClassRequest.model_validate_json(request.model_dump_json(exclude_unset=True))
    renamed = ro.update_class(kept).class_
    assert renamed.title == "Renamed" and renamed.model_dump(exclude={"title", "dateLastModified"}) == (
        before.model_dump(exclude={"title", "dateLastModified"})
    )
