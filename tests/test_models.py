"""Model behaviour that needs no server: wire names, defaults, tolerance of unknown data."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any, get_args

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from tests.support import result_body
from timeback.enums import TimebackScoreStatus, TimebackStatus
from timeback.errors import RequestError
from timeback.models import request as request_models
from timeback.models._requests_base import _PutRequest
from timeback.models.gradebook import TimebackAssessmentResult, TimebackResult
from timeback.models.request import (
    TimebackCreateCategoryBody,
    TimebackCreateResultBody,
    TimebackPatchAssessmentLineItemRequest,
    TimebackPutCategoryRequest,
    TimebackPutResultBody,
    TimebackPutResultRequest,
    TimebackUpdateDemographicsRequest,
)
from timeback.models.response import TimebackSourcedIdPairsResponse
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference as Ref

BODY = {
    "lineItem": Ref(sourcedId="li"),
    "student": Ref(sourcedId="s"),
    "scoreStatus": "submitted",
    "scoreDate": "2024-01-15",
}


def test_class_keyword_is_class_on_the_wire_both_ways() -> None:
    body = TimebackCreateResultBody(**BODY, class_=Ref(sourcedId="c1"))
    wire = body.to_dict()
    assert wire["class"] == {"sourcedId": "c1"} and "class_" not in wire
    assert TimebackResult.model_validate(wire).class_ == Ref(sourcedId="c1")


def test_sourced_id_defaults_to_a_uuid_and_status_to_active_on_the_wire() -> None:
    wire = TimebackCreateResultBody(**BODY).to_dict()
    assert uuid.UUID(wire["sourcedId"]) and wire["status"] == "active"
    assert "score" not in wire  # unset optional fields are not sent


def test_put_body_takes_the_path_sourced_id() -> None:
    request = TimebackPutResultRequest(sourced_id="r-9", result=TimebackPutResultBody(**BODY))
    assert request.result.sourcedId == "r-9"
    with pytest.raises(ValidationError, match="does not match"):
        TimebackPutResultRequest(sourced_id="r-9", result=TimebackPutResultBody(**BODY, sourcedId="other"))


_PUT_REQUESTS = [model for model in vars(request_models).values()
                 if isinstance(model, type) and issubclass(model, _PutRequest) and model is not _PutRequest]  # fmt: skip


@pytest.mark.parametrize("model", _PUT_REQUESTS, ids=lambda model: model.__name__)
def test_a_put_requests_serialization_schema_is_its_own(model: type[_PutRequest]) -> None:
    # (its JSON dump's serializer, annotated ``-> Any``, made the schema of every PUT request's dump ``{}``)
    schema = model.model_json_schema(mode="serialization")
    field = model.model_fields[model.body_field]
    body = field.annotation.__name__  # type: ignore[union-attr]
    assert schema["properties"] == {
        "sourced_id": {"maxLength": 255, "minLength": 1, "title": "Sourced Id", "type": "string"},
        field.serialization_alias or model.body_field: {"$ref": f"#/$defs/{body}"},
    }
    assert "sourcedId" in schema["$defs"][body]["properties"]


@pytest.mark.parametrize(
    ("model", "record"),
    [
        ("TimebackResult", {"sourcedId": "r1", "status": "active", "lineItem": {"sourcedId": "li"},
                            "student": {"sourcedId": "s"}, "scoreStatus": "submitted", "scoreDate": "2024-01-01"}),
        ("TimebackClass", {"sourcedId": "c1", "status": "active", "title": "C", "course": {"sourcedId": "co"},
                           "school": {"sourcedId": "sc"}}),
        ("TimebackUser", {"sourcedId": "u1", "status": "active", "enabledUser": "true", "givenName": "G",
                          "familyName": "F", "roles": [{"roleType": "primary", "role": "student",
                                                        "org": {"sourcedId": "sc"}}]}),
    ],
)  # fmt: skip
def test_a_record_s_dump_is_valid_against_its_own_serialization_schema(model: str, record: dict[str, Any]) -> None:
    """An app answering with a record (FastAPI's ``response_model=TimebackResult``) published the model's schema,
    which typed ``inProgress``, ``late``... a string alone, while its every answer held null for them (from the web
    app run). Only the local server's document leaves null out there: its answers leave those fields out
    (tests/server/test_http.py)."""
    import jsonschema

    from timeback.models import gradebook, rostering

    cls = getattr(gradebook, model, None) or getattr(rostering, model)
    dumped = cls.model_validate(record).model_dump(mode="json", by_alias=True)
    assert None in dumped.values()  # (fields it does not hold: null in a dump)
    jsonschema.validate(dumped, cls.model_json_schema(mode="serialization", by_alias=True))


def test_a_put_body_without_sourced_id_can_be_sent_to_several_paths() -> None:
    body = TimebackPutResultBody(**BODY)
    first, second = (TimebackPutResultRequest(sourced_id=i, result=body) for i in ("r-1", "r-2"))
    assert (first.result.sourcedId, second.result.sourcedId) == ("r-1", "r-2")
    assert first.result.to_dict()["sourcedId"] == "r-1" and first.result.score is None
    assert body.sourcedId not in ("r-1", "r-2")  # the caller's body is untouched


def bodies_kept(sent: list[Any]) -> httpx.Client:
    """An http client that keeps in ``sent`` the JSON body of each request it sends to the API but GETs."""

    def keep(request: httpx.Request) -> None:
        if request.method != "GET" and "/ims/oneroster/" in request.url.path:
            sent.append(json.loads(request.read()))

    return httpx.Client(event_hooks={"request": [keep]})


def test_a_record_read_is_sent_as_a_body_as_it_holds_without_its_stamp(server: Any, roster: Any) -> None:
    """A record read given as a body (to a PUT, a create, a batch) is sent as its set fields by wire name, without
    the ``dateLastModified`` the server stamped it with."""
    from tests.support import add_line_items, uid
    from timeback import Timeback

    sent: list[Any] = []
    with Timeback(**server.client_kwargs(), http_client=bodies_kept(sent)) as client:
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        sourced_id, copy_id, put_as_created = uid("r"), uid("r"), uid("r")
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=5))
        read = gb.get_result(sourced_id=sourced_id).result
        wire = {key: value for key, value in read.to_dict().items() if key != "dateLastModified"}
        assert read.dateLastModified and wire["class"] == {"sourcedId": roster.class_}  # (by wire name)
        sent.clear()
        gb.put_result(sourced_id=sourced_id, result=read)
        gb.create_result_for_line_item(line_item_sourced_id=line_item,
                                       results=[read.model_copy(update={"sourcedId": copy_id})])  # fmt: skip
        assert sent == [{"result": wire}, {"results": [{**wire, "sourcedId": copy_id}]}]
        assert gb.get_result(sourced_id=copy_id).result.score == 5
        # a body of a create is a record too; the id the SDK made up for it follows the PUT's path
        body = TimebackCreateResultBody(**BODY, score=6).model_copy(update={"lineItem": Ref(sourcedId=line_item),
                                                                            "student": read.student})  # fmt: skip
        assert gb.put_result(sourced_id=put_as_created, result=body).result.sourcedId == put_as_created
        sent.clear()
        with pytest.raises(ValidationError, match="TimebackPutResultBody"):  # another record type is not one
            gb.put_result(sourced_id=sourced_id, result=TimebackAssessmentResult.model_validate(read.to_dict()))
        assert sent == []


def test_a_request_model_takes_a_record_read_for_its_body_as_the_keywords_do(server: Any, roster: Any) -> None:
    """README's read-modify-write in the usage example's form, a request model: ``TimebackPutResultRequest(
    sourced_id=..., result=r)`` was a ValidationError (model_type: the record read is the body's base class), where
    ``put_result(sourced_id=..., result=r)`` took it; so was a batch of records."""
    from tests.support import add_line_items, uid
    from timeback import Timeback
    from timeback.models.request import TimebackCreateResultForLineItemRequest

    sent: list[Any] = []
    with Timeback(**server.client_kwargs(), http_client=bodies_kept(sent)) as client:
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        sourced_id, copy_ids = uid("r"), [uid("r"), uid("r")]
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=5))
        read = gb.get_result(sourced_id=sourced_id).result
        read.score, read.comment = 77.0, "regraded"
        wire = {key: value for key, value in read.to_dict().items() if key != "dateLastModified"}
        sent.clear()
        gb.put_result(TimebackPutResultRequest(sourced_id=sourced_id, result=read))
        stored = gb.get_result(sourced_id=sourced_id).result
        assert (stored.score, stored.comment, stored.student.sourcedId) == (77.0, "regraded", roster.students[0])
        assert stored.dateLastModified > read.dateLastModified  # (the server's stamp, not the one read)
        copies = [read.model_copy(update={"sourcedId": i, "score": n}) for n, i in enumerate(copy_ids)]
        gb.create_result_for_line_item(TimebackCreateResultForLineItemRequest(line_item_sourced_id=line_item,
                                                                              results=copies))  # fmt: skip
        assert [gb.get_result(sourced_id=i).result.score for i in copy_ids] == [0, 1]
        assert sent == [{"result": wire},
                        {"results": [{**wire, "sourcedId": i, "score": n} for n, i in enumerate(copy_ids)]}]  # fmt: skip


def test_a_record_read_without_sourced_id_or_status_has_none_made_up() -> None:
    partial = TimebackResult.model_validate({"score": 90})  # (an answer to fields=score)
    assert partial.sourcedId is None and partial.status is None and partial.to_dict() == {"score": 90.0}
    assert TimebackCreateResultBody(**BODY).status == TimebackStatus.ACTIVE  # (a body sent still defaults them)


def test_the_mark_of_a_read_with_fields_goes_with_its_copies_not_its_dumps(client: Any, roster: Any) -> None:
    """What README says is caught of a record read with ``fields=``: the record and its copies (``model_copy``,
    ``copy.deepcopy``, pickle), refused as a PUT's body; not a dict it is dumped to, nor a record validated from that
    dict. The mark changes no comparison: such a record equals one holding the same fields. Read with every field
    of its model named, a record is whole, and sent."""
    import copy
    import pickle

    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    sourced_id = uid("r")
    gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=5, comment="kept"))
    (read,) = gb.get_all_results(filter=f"sourcedId='{sourced_id}'", fields="sourcedId,score")
    assert read == TimebackResult(sourcedId=sourced_id, score=5)
    for kept in (read.model_copy(), copy.deepcopy(read), pickle.loads(pickle.dumps(read))):
        assert kept == read
        with pytest.raises(ValidationError, match="read with fields='sourcedId,score'"):
            gb.put_result(sourced_id=sourced_id, result=kept)
    assert gb.get_result(sourced_id=sourced_id).result.comment == "kept"
    dumped = read.to_dict()
    assert dumped == {"sourcedId": sourced_id, "score": 5} and TimebackResult.model_validate(dumped) == read
    every = ",".join(info.serialization_alias or name for name, info in TimebackResult.model_fields.items())
    (whole,) = gb.get_all_results(filter=f"sourcedId='{sourced_id}'", fields=every)
    whole.score = 6
    stored = gb.put_result(sourced_id=sourced_id, result=whole).result
    assert (stored.score, stored.comment) == (6, "kept")


def test_unknown_fields_are_kept_and_unknown_enum_values_parse() -> None:
    result = TimebackResult.model_validate(
        {"sourcedId": "r", "status": "inactive", "scoreStatus": "ext:graded-late", "newField": {"x": 1}}
    )
    assert result.model_extra == {"newField": {"x": 1}}
    assert result.scoreStatus == "ext:graded-late" and not result.scoreStatus.is_known()
    assert result.status == "inactive" and TimebackStatus.ACTIVE.is_known()
    assert result.to_dict()["newField"] == {"x": 1}


def test_request_models_reject_unknown_arguments() -> None:
    with pytest.raises(ValidationError):
        TimebackPutResultRequest(sourced_id="r", result=TimebackPutResultBody(**BODY), reslt={})  # type: ignore[call-arg]


@pytest.mark.parametrize("from_json", [False, True], ids=["python", "json"])
def test_sourced_id_pairs_accept_array_and_object(from_json: bool) -> None:
    def parse(body: dict[str, Any]) -> TimebackSourcedIdPairsResponse:
        if from_json:  # (what the client does with an answer)
            return TimebackSourcedIdPairsResponse.model_validate_json(json.dumps(body))
        return TimebackSourcedIdPairsResponse.model_validate(body)

    one = parse({"sourcedIdPairs": {"suppliedSourcedId": "a", "allocatedSourcedId": "A"}})
    many = parse(
        {
            "sourcedIdPairs": [
                {"suppliedSourcedId": "a", "allocatedSourcedId": "A"},
                {"suppliedSourcedId": "b", "allocatedSourcedId": "B"},
            ]
        }
    )
    assert one.sourcedIdPairs.allocatedSourcedId == "A" and len(one.sourcedIdPairs) == 1
    assert many.sourcedIdPairs.suppliedSourcedId == "a" and many.sourcedIdPairs[1].allocatedSourcedId == "B"
    assert [p.suppliedSourcedId for p in many.sourcedIdPairs] == ["a", "b"]
    assert many.sourcedIdPairs.allocated() == {"a": "A", "b": "B"}
    for malformed in ({"suppliedSourcedId": "a"}, [{"allocatedSourcedId": "A"}], "a", None):
        with pytest.raises(ValidationError, match="sourcedIdPairs must be an array of pairs or one pair"):
            parse({"sourcedIdPairs": malformed})


def test_dates_accept_date_and_datetime_objects() -> None:
    import datetime as dt

    body = TimebackCreateResultBody(**{**BODY, "scoreDate": dt.datetime(2024, 1, 15, 10, 0)})
    assert body.scoreDate == "2024-01-15T10:00:00Z"
    assert TimebackCreateResultBody(**{**BODY, "scoreDate": dt.date(2024, 1, 15)}).scoreDate == "2024-01-15"


def test_a_datetime_whose_offset_has_seconds_is_sent_in_utc(client: Any, roster: Any) -> None:
    """``+00:00:30`` was sent as ``...Z:30``, and the server's 422 quoted a value the caller never wrote: RFC 3339
    offsets have no seconds, so such a datetime goes as its moment in UTC (from dicts and models alike)."""
    import datetime as dt

    from tests.support import add_line_items, uid
    from timeback.errors import UnprocessableEntityError

    half_minute = dt.datetime(2024, 1, 16, 10, tzinfo=dt.timezone(dt.timedelta(seconds=30)))
    (line_item,) = add_line_items(client, roster, 1)
    for as_model in (False, True):
        body: Any = result_body(line_item, roster.students[0], scoreDate=half_minute)
        body = TimebackPutResultBody.model_validate(body) if as_model else body
        answer = client.oneroster.gradebook.put_result(sourced_id=uid("r"), result=body)
        assert answer.result.scoreDate == "2024-01-16T09:59:30Z"
    # One that UTC would take past 9999 is sent as written, and refused as 9999-12-31T23:59:59-05:00 is.
    too_late = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(seconds=-30)))
    with pytest.raises(UnprocessableEntityError, match=r"'9999-12-31T23:59:59-00:00:30' .*within years 1-9999"):
        client.oneroster.gradebook.put_result(
            sourced_id=uid("r"), result=result_body(line_item, roster.students[0], scoreDate=too_late)
        )


def test_enum_members_compare_as_strings() -> None:
    assert TimebackScoreStatus.FULLY_GRADED == "fully graded" and str(TimebackScoreStatus.EXEMPT) == "exempt"


def test_the_batch_wide_strict_check_of_dicts_agrees_with_the_located_walk() -> None:
    from timeback.models._base import STRICT_VALIDATION, _check, dicts_plainly_clean
    from timeback.models._dicts import dict_validator
    from timeback.resources import GradebookOperations

    op = next(o for o in GradebookOperations.operations() if o.name == "create_result_for_line_item")
    validator = dict_validator(op.request)
    assert validator is not None
    base = result_body("li", "stu", "r-0")
    variants: list[dict[str, Any]] = [
        {},
        {"scoreStatus": "odd"},
        {"scoreDate": "2024-01-01T25:00:00Z"},
        {"scoreDate": "2024-01-01T10:00:00+00:60"},
        {"scoreDate": "9999-12-31T23:59:59-05:00"},
        {"scoreDate": "2024-01-01T10:00:00-23:59"},
        {"dateLastModified": "nope"},
        {"status": "x"},
        {"scoreDate": "2024-01-01"},
    ]
    for variant in variants:
        for index in (0, 2):
            records = [dict(base, sourcedId=f"r-{i}") for i in range(3)]
            records[index].update(variant)  # the others share every date and enum value: this one must be seen
            body = json.dumps({"results": records, "line_item_sourced_id": "li"})
            located: list[Any] = []
            _check(op.request.model_validate_json(body, **STRICT_VALIDATION), (), located)
            as_dicts = validator.validate_json(body, strict=True, extra="forbid")
            assert dicts_plainly_clean(op.request, [as_dicts]) == (not located), variant


def test_a_put_request_re_used_for_another_sourced_id_puts_that_record(client: Any, roster: Any) -> None:
    """A PUT request whose body left its sourcedId to the path, then given another path id: set on it, copied
    with it, or passed with it to the call. The body follows the new path, as it did the first."""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    request = TimebackPutResultRequest(
        sourced_id=uid("r"), result=result_body(line_item, roster.students[0], None, score=70)
    )
    overridden, copied, assigned = uid("r"), uid("r"), uid("r")
    gb.put_result(request, sourced_id=overridden)
    gb.put_result(request.model_copy(update={"sourced_id": copied}))
    request.sourced_id = assigned
    assert request.result.sourcedId == assigned
    gb.put_result(request)
    for sourced_id in (overridden, copied, assigned):
        assert gb.get_result(sourced_id=sourced_id).result.sourcedId == sourced_id


def test_the_ids_made_up_for_records_are_version_4_uuids() -> None:
    """``new_sourced_id`` writes a UUID's text from random bytes itself (a third of ``uuid.uuid4()``'s time): it
    must stay what ``str(uuid.uuid4())`` writes, each draw."""
    from timeback.models._base import GeneratedId, new_sourced_id

    ids = [new_sourced_id() for _ in range(5_000)]
    assert len(set(ids)) == len(ids)
    for made in ids:
        parsed = uuid.UUID(made)
        assert isinstance(made, GeneratedId) and str(parsed) == made
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert {made[19] for made in ids} == set("89ab")  # (every variant digit drawn, so none is fixed)


def test_a_demographics_put_re_used_for_another_sourced_id_puts_that_record(client: Any) -> None:
    """The same for demographics, whose body validates assignment: the id filled in from the path was copied in by
    assignment, which made the GeneratedId a plain str, an id the caller chose; the next path id was refused as
    not matching it."""
    from tests.support import uid

    ro = client.oneroster.rostering
    request = TimebackUpdateDemographicsRequest(sourced_id=uid("d"), demographics={"sex": "female"})
    request.sourced_id = assigned = uid("d")
    assert request.demographics.sourcedId == assigned
    ro.update_demographics(request)
    copied = uid("d")
    ro.update_demographics(request.model_copy(update={"sourced_id": copied}))
    for sourced_id in (assigned, copied):
        assert ro.get_demographics(sourced_id=sourced_id).demographics.sourcedId == sourced_id


def test_a_record_read_is_taken_as_a_body_by_threads_calling_for_the_first_time_at_once(
    server: Any, roster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request model's record bodies were found on its first call and cached as they were found: a call in
    another thread meanwhile read the part-filled list and sent its record unconverted, refused by pydantic."""
    import threading

    import timeback.models._requests_base as requests_base
    from tests.support import add_line_items, uid
    from timeback import Timeback

    monkeypatch.setattr(requests_base, "_RECORD_BODIES", {})
    finding, other_done = threading.Event(), threading.Event()
    first: threading.Thread | None = None
    record_of_body = requests_base.record_of_body

    def slow_for_the_first(body: Any) -> Any:  # (the first thread is held while finding the bodies)
        if first is not None and threading.current_thread() is first and not finding.is_set():
            finding.set()
            other_done.wait(timeout=10)
        return record_of_body(body)

    monkeypatch.setattr(requests_base, "record_of_body", slow_for_the_first)
    with Timeback(**server.client_kwargs()) as client:
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        ids = [uid("r"), uid("r")]
        for sourced_id in ids:
            gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=5))
        reads = [gb.get_result(sourced_id=sourced_id).result for sourced_id in ids]
        monkeypatch.setattr(requests_base, "_RECORD_BODIES", {})
        errors: list[BaseException] = []

        def put_back(read: TimebackResult) -> None:
            try:
                gb.put_result(sourced_id=read.sourcedId, result=read.model_copy(update={"score": 7}))
            except BaseException as exc:
                errors.append(exc)

        first = threading.Thread(target=put_back, args=(reads[0],))
        first.start()
        assert finding.wait(timeout=10)
        put_back(reads[1])  # (while the first thread is finding the bodies)
        other_done.set()
        first.join(timeout=10)
        assert errors == []
        assert [gb.get_result(sourced_id=i).result.score for i in ids] == [7, 7]


def test_records_read_are_taken_among_dicts_in_a_batch_and_under_a_body_s_wire_name(server: Any, roster: Any) -> None:
    """A batch holding dicts and records read converts each record whichever item comes first, and a record given
    under the body's wire name (``**{"class": klass}``, as ``class_=``) is converted too."""
    from tests.support import add_line_items, uid
    from timeback import Timeback

    with Timeback(**server.client_kwargs()) as client:
        gb, ro = client.oneroster.gradebook, client.oneroster.rostering
        (line_item,) = add_line_items(client, roster, 1)
        first, second, third = uid("r"), uid("r"), uid("r")
        gb.put_result(sourced_id=first, result=result_body(line_item, roster.students[0], score=5))
        read = gb.get_result(sourced_id=first).result
        gb.create_result_for_line_item(
            line_item_sourced_id=line_item,
            results=[result_body(line_item, roster.students[1], second), read.model_copy(update={"sourcedId": third})],
        )
        assert [gb.get_result(sourced_id=i).result.score for i in (second, third)] == [90, 5]
        klass = ro.get_class(sourced_id=roster.class_).class_
        ro.update_class(sourced_id=roster.class_, **{"class": klass.model_copy(update={"title": "Renamed"})})
        assert ro.get_class(sourced_id=roster.class_).class_.title == "Renamed"


def test_a_refused_assignment_to_a_put_request_leaves_it_as_it_was(client: Any, roster: Any) -> None:
    """pydantic sets the assigned value before the path rule runs: refused, it stayed, and the request went on to
    send the new path with the body's old id (a 422), or, with a new body refused, that body."""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    sourced_id = uid("r")
    request = TimebackPutResultRequest(
        sourced_id=sourced_id, result=result_body(line_item, roster.students[0], sourced_id, score=70)
    )
    before = request.model_dump()
    with pytest.raises(ValidationError, match="does not match the path's sourcedId"):
        request.sourced_id = uid("r")
    with pytest.raises(ValidationError, match="does not match the path's sourcedId"):
        request.result = TimebackPutResultBody.model_validate(result_body(line_item, roster.students[0], uid("r")))
    with pytest.raises(ValidationError, match="at least 1 character"):
        request.sourced_id = ""
    assert request.model_dump() == before and request.model_fields_set == {"sourced_id", "result"}
    gb.put_result(request)
    assert gb.get_result(sourced_id=sourced_id).result.score == 70


def test_a_body_id_differing_from_the_path_s_only_in_normalization_reads_differently() -> None:
    """(NFC "Jos\\u00e9" and NFD "Jose\\u0301" printed alike: "category.sourcedId 'José' does not match the path's
    sourcedId 'José'".)"""
    nfc, nfd = "Jos\u00e9", "Jose\u0301"
    says = re.escape(f"sourcedId 'Jose\\u0301' does not match the path's sourcedId '{nfc}'")
    with pytest.raises(ValidationError, match=f"category\\.{says}"):
        TimebackPutCategoryRequest(sourced_id=nfc, category={"title": "t", "sourcedId": nfd})
    with pytest.raises(ValidationError, match=f"assessmentLineItem\\.{says}"):
        TimebackPatchAssessmentLineItemRequest(sourced_id=nfc, assessmentLineItem={"sourcedId": nfd})


def test_a_put_request_copied_with_updates_is_checked_as_one_built_so(client: Any, roster: Any) -> None:
    """pydantic validates nothing in ``model_copy(update=...)``: a copy of a request whose body holds its own id,
    given another path id, was sent with the body under the other path, and a body given as a dict (as every call
    takes it) failed on an attribute. The updates are validated as if assigned: the path rule holds for the copy."""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    sourced_id = uid("r")
    request = TimebackPutResultRequest(
        sourced_id=sourced_id, result=result_body(line_item, roster.students[0], sourced_id, score=70)
    )
    with pytest.raises(ValidationError, match="does not match the path's sourcedId"):
        request.model_copy(update={"sourced_id": uid("r")})
    with pytest.raises(ValidationError, match="at least 1 character"):
        request.model_copy(update={"sourced_id": ""})
    other = uid("r")
    moved = request.model_copy(update={"sourced_id": other, "result": result_body(line_item, roster.students[1])})
    assert isinstance(moved.result, TimebackPutResultBody) and moved.result.sourcedId == other
    gb.put_result(moved)
    gb.put_result(request.model_copy(update={"result": request.result.model_copy(update={"score": 80})}))
    assert gb.get_result(sourced_id=other).result.student == Ref(sourcedId=roster.students[1])
    assert gb.get_result(sourced_id=sourced_id).result.score == 80


# A field of a model read (or built) assigned a value of another type that validation takes: models do not validate
# assignment, so pydantic's dump of it warned (an error under filterwarnings=error: nothing sent), and a body model
# was sent as it held (``score`` a string, ``scoreDate`` a naive ISO string: a 422).
def _changed(record: Any, student: str) -> Any:
    import datetime as dt

    record.scoreStatus = "exempt"
    record.student = {"sourcedId": student}
    record.scoreDate = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    record.score = "77"
    return record


def _assert_changed_as_validated(gb: Any, sourced_id: str, student: str) -> None:
    stored = gb.get_result(sourced_id=sourced_id).result
    assert (stored.scoreStatus, stored.student, stored.scoreDate, stored.score) == (
        TimebackScoreStatus.EXEMPT,
        Ref(sourcedId=student),
        "2024-05-01T12:00:00Z",
        77,
    )


def test_a_record_read_or_a_body_changed_to_values_validation_takes_is_sent_as_validated(
    client: Any, roster: Any
) -> None:
    """``r.scoreStatus = "exempt"`` (a string for the enum), a reference as a dict, a datetime, a number as a
    string: a read-modify-write as README shows it, and the same changes to a body model, through ``put_result``
    and ``bulk_post_results``. Sent as validation makes them, without a warning (pytest makes it an error)."""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    read, body, bulk_read, bulk_body = (uid("r") for _ in range(4))
    for sourced_id in (read, bulk_read):
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], sourced_id, score=5))
    student = roster.students[1]

    r = _changed(gb.get_result(sourced_id=read).result, student)
    gb.put_result(sourced_id=r.sourcedId, result=r)
    b = _changed(TimebackPutResultBody.model_validate(result_body(line_item, roster.students[0])), student)
    gb.put_result(sourced_id=body, result=b)
    summary = gb.bulk_post_results(
        [
            _changed(gb.get_result(sourced_id=bulk_read).result, student),
            _changed(
                TimebackCreateResultBody.model_validate(result_body(line_item, roster.students[0], bulk_body)), student
            ),
        ],
        if_exists="replace",
    )
    assert (summary.stored, summary.failed) == (2, 0), summary.failures
    for sourced_id in (read, body, bulk_read, bulk_body):
        _assert_changed_as_validated(gb, sourced_id, student)


def test_a_request_model_holding_a_changed_body_is_sent_as_validated(client: Any, roster: Any) -> None:
    """A request model built by the caller, its body changed after: validated again before it is sent, given
    alone or with an overriding keyword (another path id)."""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    sourced_id, other = uid("r"), uid("r")
    request = TimebackPutResultRequest(sourced_id=sourced_id, result=result_body(line_item, roster.students[0]))
    _changed(request.result, roster.students[1])
    gb.put_result(request)
    gb.put_result(request, sourced_id=other)
    for put in (sourced_id, other):
        _assert_changed_as_validated(gb, put, roster.students[1])


@contextlib.contextmanager
def watched_client(server: Any) -> Iterator[tuple[Any, list[str]]]:
    """A ``Timeback`` of the server's, and the methods of the requests it sends (none: nothing was sent)."""
    from timeback import Timeback

    sent: list[str] = []
    with (
        httpx.Client(event_hooks={"request": [lambda request: sent.append(request.method)]}) as http,
        Timeback(**server.client_kwargs(), http_client=http) as client,
    ):
        yield client, sent


def test_a_value_validation_refuses_assigned_to_a_record_read_or_a_body_is_an_error_naming_it_and_nothing_is_sent(
    server: Any, roster: Any
) -> None:
    """``r.score = "abc"``: the ValidationError names ``result.score`` before anything is sent (a body model was
    sent as it held, for the server's 422); ``bulk_post_results`` reports it as an invalid result."""
    from tests.support import add_line_items, uid

    with watched_client(server) as (client, sent):
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        sourced_id = uid("r")
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], sourced_id, score=5))
        r = gb.get_result(sourced_id=sourced_id).result
        b = TimebackPutResultBody.model_validate(result_body(line_item, roster.students[0], sourced_id))
        c = TimebackCreateResultBody.model_validate(result_body(line_item, roster.students[0], uid("r")))
        sent.clear()
        for model in (r, b):
            model.score = "abc"
            with pytest.raises(ValidationError, match=r"result\.score\n  Input should be a valid number"):
                gb.put_result(sourced_id=sourced_id, result=model)
        c.score = "abc"
        summary = gb.bulk_post_results([r, c])
        assert [f.reason for f in summary.failures] == [
            "invalid result: score: Input should be a valid number, unable to parse string as a number"
        ] * 2
        assert sent == []
        assert gb.get_result(sourced_id=sourced_id).result.score == 5


def test_a_boolean_given_for_a_number_is_refused_naming_the_field_and_nothing_is_sent(server: Any, roster: Any) -> None:
    """pydantic's lax float takes ``True``/``False`` as 1.0/0.0: a flag given for a score was stored as a score of 0
    where the server, given the same JSON over HTTP, refuses it. A number field refuses a bool, on the model path,
    the dict path and in ``bulk_post_results``; numbers and numeric strings are taken as before."""
    from tests.support import add_line_items, line_item_body, uid

    with watched_client(server) as (client, sent):
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        student = roster.students[0]
        sent.clear()
        message = r"result\.score\n  Input should be a valid number, not a boolean"
        with pytest.raises(ValidationError, match=message):
            gb.put_result(sourced_id=uid("r"), result=result_body(line_item, student, score=False))
        with pytest.raises(ValidationError, match=r"score\n  Input should be a valid number, not a boolean"):
            TimebackPutResultBody(**result_body(line_item, student, score=True))
        with pytest.raises(ValidationError, match=r"resultValueMax\n  Input should be a valid number, not a boolean"):
            gb.put_line_item(sourced_id=line_item, lineItem=line_item_body(roster, line_item, resultValueMax=True))
        summary = gb.bulk_post_results([result_body(line_item, student, "b1", score=True)])
        assert [f.reason for f in summary.failures] == [
            "invalid result: score: Input should be a valid number, not a boolean"
        ]
        assert sent == []
        sourced_id = uid("r")
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, student, score="77"))
        assert gb.get_result(sourced_id=sourced_id).result.score == 77


def test_a_boolean_set_for_a_number_after_the_model_was_built_is_refused_naming_the_field_and_nothing_is_sent(
    server: Any, roster: Any
) -> None:
    """Models do not validate assignment, and pydantic's JSON dump writes a bool held by a float field as 1.0/0.0
    without a warning: ``body.score = True`` was stored as a score of 1, where building the body refuses it. Set on
    a body, on the body of a request model, in a ``model_copy(update=...)``, deep in a body (a learning objective's
    score), or on a record read and sent back: the ValidationError names the field, and nothing is sent."""
    from tests.support import add_line_items, uid
    from timeback.models.request import TimebackPutCategoryBody

    with watched_client(server) as (client, sent):
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        student = roster.students[0]
        sourced_id = uid("r")
        objectives = [{"source": "s", "learningObjectiveResults": [{"learningObjectiveId": "lo", "score": 3}]}]
        gb.put_result(sourced_id=sourced_id, result=result_body(line_item, student, sourced_id, score=5))
        read = gb.get_result(sourced_id=sourced_id).result
        sent.clear()

        def body(**extra: Any) -> TimebackPutResultBody:
            return TimebackPutResultBody.model_validate(result_body(line_item, student, sourced_id, **extra))

        assigned = body()
        assigned.score = True
        nested = body(learningObjectiveSet=objectives)
        nested.learningObjectiveSet[0].learningObjectiveResults[0].score = False  # type: ignore[index]
        read.score = False
        message = r"result\.score\n  Input should be a valid number, not a boolean"
        for model in (assigned, body().model_copy(update={"score": False}), read):
            with pytest.raises(ValidationError, match=message):
                gb.put_result(sourced_id=sourced_id, result=model)
        with pytest.raises(
            ValidationError, match=r"result\.learningObjectiveSet\.0\.learningObjectiveResults\.0\.score"
        ):
            gb.put_result(sourced_id=sourced_id, result=nested)
        request = TimebackPutResultRequest(sourced_id=sourced_id, result=body())
        request.result.score = True
        with pytest.raises(ValidationError, match=message):
            gb.put_result(request)
        category = TimebackPutCategoryBody(sourcedId=uid("c"), title="T", weight=1)
        category.weight = True
        with pytest.raises(ValidationError, match=r"category\.weight\n  Input should be a valid number, not a boolean"):
            gb.put_category(sourced_id=category.sourcedId, category=category)
        assert sent == []
        assert gb.get_result(sourced_id=sourced_id).result.score == 5


@pytest.mark.parametrize("cold", [False, True], ids=["checks-made", "checks-first-made-here"])
def test_a_boolean_set_for_a_number_in_any_item_of_a_batch_of_models_is_refused_naming_it_and_nothing_is_sent(
    server: Any, roster: Any, monkeypatch: pytest.MonkeyPatch, cold: bool
) -> None:
    """A batch create given body models: a bool set after they were built on a later result's score, or on the
    score of a later learning objective of a later result's later objective set (a model in a list, in a model in
    a list, in a body in the request's list), is refused naming it, and nothing is sent; the same batch without it
    is created. Also with the per-class checks made on this very call (the learning objective's class first met
    three lists down), not left over from an earlier test's."""
    from tests.support import add_line_items, uid
    from timeback.models import _base

    if cold:
        monkeypatch.setattr(_base, "_NUMBER_PLANS", {})
    with watched_client(server) as (client, sent):
        gb = client.oneroster.gradebook
        (line_item,) = add_line_items(client, roster, 1)
        objectives = [
            {"source": s, "learningObjectiveResults": [{"learningObjectiveId": f"lo{i}", "score": i} for i in (1, 2)]}
            for s in ("s1", "s2")
        ]
        sent.clear()

        def batch() -> list[TimebackCreateResultBody]:
            return [
                TimebackCreateResultBody.model_validate(
                    result_body(line_item, student, uid("r"), learningObjectiveSet=objectives)
                )
                for student in roster.students[:3]
            ]

        late_score = batch()
        late_score[2].score = False
        with pytest.raises(
            ValidationError, match=r"results\.2\.score\n  Input should be a valid number, not a boolean"
        ):
            gb.create_result_for_line_item(line_item_sourced_id=line_item, results=late_score)
        deep = batch()
        deep[2].learningObjectiveSet[1].learningObjectiveResults[1].score = True  # type: ignore[index]
        where = r"results\.2\.learningObjectiveSet\.1\.learningObjectiveResults\.1\.score"
        with pytest.raises(ValidationError, match=where + r"\n  Input should be a valid number, not a boolean"):
            gb.create_result_for_line_item(line_item_sourced_id=line_item, results=deep)
        assert sent == []
        created = batch()
        gb.create_result_for_line_item(line_item_sourced_id=line_item, results=created)
        assert sent == ["POST"]
        stored = gb.get_result(sourced_id=created[2].sourcedId).result
        assert stored.learningObjectiveSet[1].learningObjectiveResults[1].score == 2  # type: ignore[index]


class _Scored(BaseModel):
    score: float | None = None


class _Weighted(_Scored):
    weight: float | None = None  # (a number field its base lacks)


class _Counted(BaseModel):
    count: int | None = None  # (not a number field: a bool there is validation's own refusal)
    points: float | None = None


class _Set(BaseModel):
    results: list[_Scored] | None = None


class _Batch(BaseModel):
    items: list[_Scored | _Counted | _Set] = []


def _bool_in_a_number_field(model: BaseModel) -> bool:
    """``holds_bool_for_number`` as a plain walk: each item of a list by its own class's fields."""
    for name, info in type(model).__pydantic_fields__.items():
        value = model.__dict__.get(name)
        number = float in get_args(info.annotation) or info.annotation is float
        if number and (value is True or value is False):
            return True
        for held in value if isinstance(value, list) else [value]:
            if isinstance(held, BaseModel) and _bool_in_a_number_field(held):
                return True
    return False


@pytest.mark.parametrize("cold", [False, True], ids=["checks-made", "checks-first-made-here"])
def test_a_boolean_set_for_a_number_is_found_in_a_list_mixing_classes(
    monkeypatch: pytest.MonkeyPatch, cold: bool
) -> None:
    """A list's checks are looked up once per run of one class: an item of another class (a subclass with a number
    field its base lacks, or another model) after one of the first is checked by its own class's fields, a bool set
    in any of them found. Every list of up to three items of these kinds answers as a plain walk does. (Not through
    a send: the SDK's request lists hold one class, and a subclass's own fields are not sent.)"""
    from timeback.models import _base

    if cold:
        monkeypatch.setattr(_base, "_NUMBER_PLANS", {})

    def made(cls: type[BaseModel], **held: Any) -> BaseModel:
        model = cls()
        for name, value in held.items():  # (set after it was built: validation would make a number of the bool)
            setattr(model, name, value)
        return model

    kinds: list[Callable[[], BaseModel]] = [
        lambda: made(_Scored, score=1.0),
        lambda: made(_Weighted, weight=2.0),
        lambda: made(_Counted, count=True, points=3.0),
        lambda: made(_Weighted, weight=True),
        lambda: made(_Scored, score=False),
        lambda: made(_Counted, points=True),
        lambda: made(_Set, results=[made(_Scored), made(_Weighted, weight=True)]),
        lambda: made(_Set, results=[made(_Weighted), made(_Scored, score=1.0)]),
    ]
    assert _base.holds_bool_for_number(_Batch(items=[made(_Scored), made(_Weighted, weight=True)]))
    assert _base.holds_bool_for_number(_Batch(items=[made(_Weighted), made(_Counted, points=False)]))
    assert not _base.holds_bool_for_number(_Batch(items=[made(_Scored), made(_Weighted), made(_Counted, count=True)]))
    answers = []
    for size in range(4):
        for picked in itertools.product(kinds, repeat=size):
            batch = _Batch(items=[make() for make in picked])
            answers.append(_base.holds_bool_for_number(batch))
            assert answers[-1] == _bool_in_a_number_field(batch), batch
    assert any(answers) and not all(answers)


def test_a_path_or_query_parameter_set_to_another_type_after_the_request_was_built_is_refused_and_nothing_is_sent(
    server: Any, roster: Any
) -> None:
    """A request model's path and query parameters set after it was built: ``request.sourced_id = 5`` was sent as
    the path ``/results/5`` (``None`` as ``/results/None``), where building the request refuses both; a query
    parameter validation refuses warned (an error under ``-W error``) and was sent. Refused, naming the field."""
    from timeback.models.request import TimebackGetAllResultsRequest, TimebackGetResultRequest

    with watched_client(server) as (client, sent):
        gb = client.oneroster.gradebook
        for value in (5, None):
            request = TimebackGetResultRequest(sourced_id="r1")
            request.sourced_id = value  # type: ignore[assignment]
            with pytest.raises(ValidationError, match=r"sourced_id\n  Input should be a valid string"):
                gb.get_result(request)
        request = TimebackGetResultRequest(sourced_id="r1")
        request.sourced_id = ""  # (went out as GET /results/: the collection's listing)
        with pytest.raises(ValidationError, match=r"sourced_id\n  String should have at least 1 character"):
            gb.get_result(request)
        listing = TimebackGetAllResultsRequest(limit=5)
        listing.limit = "many"  # type: ignore[assignment]
        with pytest.raises(ValidationError, match=r"limit\n  Input should be a valid integer"):
            gb.get_all_results(listing)
        assert sent == []


@pytest.mark.parametrize("flag", ["yes", "True", 0, 1, 1.0])
def test_a_flag_that_is_not_a_boolean_is_refused_naming_the_field_and_nothing_is_sent(
    server: Any, roster: Any, flag: Any
) -> None:
    """pydantic's lax bool took ``"yes"``, ``0`` or ``1`` for a flag (``enabledUser``, ``primary``, the
    demographics' races) and sent it as a boolean, where the server, given the same JSON over HTTP, refuses it. A
    body's flag takes a JSON boolean or "true"/"false" only, on the model path and the dict path, as a number
    refuses a bool; a record read still takes what the server answers."""
    from tests.support import uid
    from timeback.models.request import TimebackCreateDemographicsBody, TimebackCreateUserBody
    from timeback.models.rostering import TimebackUser

    user = {"givenName": "G", "familyName": "F", "enabledUser": flag,
            "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": roster.school}}]}  # fmt: skip
    with watched_client(server) as (client, sent):
        ro = client.oneroster.rostering
        sent.clear()
        with pytest.raises(ValidationError, match=r"user\.enabledUser"):
            ro.update_user(sourced_id=uid("u"), user=user)
        with pytest.raises(ValidationError, match=r"user\.enabledUser"):
            ro.create_user(user=user)
        with pytest.raises(ValidationError, match=r"enabledUser"):
            TimebackCreateUserBody(**user)
        with pytest.raises(ValidationError, match=r"asian"):
            TimebackCreateDemographicsBody(asian=flag)
        with pytest.raises(ValidationError, match=r"enrollment\.primary"):
            ro.create_enrollment(enrollment={"user": {"sourcedId": roster.students[0]}, "role": "student",
                                             "class": {"sourcedId": roster.class_}, "primary": flag})  # fmt: skip
        assert sent == []
        for taken in (True, "false"):
            sourced_id = uid("u")
            ro.update_user(sourced_id=sourced_id, user={**user, "enabledUser": taken})
            assert ro.get_user(sourced_id=sourced_id).user.enabledUser is (taken is True)
    assert TimebackUser.model_validate({"enabledUser": 1}).enabledUser is True  # (read: lax, as before)


@contextlib.contextmanager
def _client_recording_sends(server: Any, roster: Any, sent: list[str]) -> Iterator[tuple[Any, str, str]]:
    """A ``Timeback``'s gradebook whose requests are recorded in ``sent`` (from after its setup), a line item of
    ``roster``'s class and a student of it."""
    from tests.support import add_line_items
    from timeback import Timeback

    with (
        httpx.Client(event_hooks={"request": [lambda request: sent.append(request.method)]}) as http,
        Timeback(**server.client_kwargs(), http_client=http) as client,
    ):
        (line_item,) = add_line_items(client, roster, 1)
        sent.clear()
        yield client.oneroster.gradebook, line_item, roster.students[0]


async def test_text_utf8_cannot_encode_is_refused_naming_the_field_and_nothing_is_sent(
    server: Any, roster: Any
) -> None:
    """A lone surrogate (``json.loads`` of an emoji cut in half) or bytes that are not UTF-8 pass validation but
    have no UTF-8 JSON form: a single call raises a ValueError naming the field, before sending, on the dict path
    and the model path, sync and async. Before, a bare PydanticSerializationError named no field, and bytes raised a
    UnicodeDecodeError."""
    from tests.support import uid
    from timeback import AsyncTimeback

    cut = json.loads('"great \\ud83d"')
    surrogate = r"cannot be encoded as UTF-8 JSON \(surrogates not allowed: '\\ud83d' at position 6\)"
    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.method)

    with _client_recording_sends(server, roster, sent) as (gb, line_item, student):
        with pytest.raises(ValueError, match=rf"^result\.comment: {surrogate}$"):
            gb.put_result(sourced_id=uid("r"), result=result_body(line_item, student, comment=cut))
        body = TimebackCreateResultBody.model_validate(result_body(line_item, student, metadata={"notes": [1, cut]}))
        with pytest.raises(ValueError, match=rf"^result\.metadata\.notes\.1: {surrogate}$"):
            gb.create_result(result=body)
        bytes_message = r"^result\.metadata\.raw: cannot be encoded as UTF-8 JSON \(invalid start byte: b'\\xff'"
        with pytest.raises(ValueError, match=bytes_message):
            gb.put_result(sourced_id=uid("r"), result=result_body(line_item, student, metadata={"raw": b"\xff"}))
        # A key of metadata itself: pydantic wrote its surrogate as three U+FFFD, and the server stored the key so.
        key = r"^result\.metadata\.note\\ud83d: cannot be encoded as UTF-8 JSON"
        with pytest.raises(ValueError, match=key):
            gb.put_result(sourced_id=uid("r"), result=result_body(line_item, student, metadata={"note\ud83d": "x"}))
        assert sent == []
    async with (
        httpx.AsyncClient(event_hooks={"request": [record]}) as async_http,
        AsyncTimeback(**server.client_kwargs(), http_client=async_http) as async_client,
    ):
        with pytest.raises(ValueError, match=rf"^result\.comment: {surrogate}$"):
            await async_client.oneroster.gradebook.create_result(result=result_body(line_item, student, comment=cut))
        assert sent == []


def test_metadata_that_holds_itself_is_refused_naming_where_and_nothing_is_sent(server: Any, roster: Any) -> None:
    """A dict or list inside itself has no JSON form: a write raises a ValueError naming where it comes round, as a
    dict or a model, and a bulk upload fails that result alone, saying so; nothing is sent. A value held twice,
    not inside itself, is sent as it always was. (Each raised a RecursionError out of the SDK's own error helper.)"""
    from tests.support import uid

    cyc: dict[str, Any] = {}
    cyc["self"] = cyc
    loop: list[Any] = [1]
    loop.append({"back": loop})
    sent: list[str] = []
    with _client_recording_sends(server, roster, sent) as (gb, line_item, student):
        with pytest.raises(ValueError, match=r"^category\.metadata\.a\.self: circular reference$"):
            gb.put_category(sourced_id=uid("c"), category={"title": "t", "metadata": {"a": cyc}})
        with pytest.raises(ValueError, match=r"^category\.metadata\.a\.self: circular reference$"):
            gb.create_category(category=TimebackCreateCategoryBody(title="t", metadata={"a": cyc}))
        # (validation copies metadata's own dict, not what is inside: the copy holds cyc, which comes round after)
        with pytest.raises(ValueError, match=r"^category\.metadata\.self\.self: circular reference$"):
            gb.put_category(sourced_id=uid("c"), category={"title": "t", "metadata": cyc})
        with pytest.raises(ValueError, match=r"^result\.metadata\.notes\.1\.back: circular reference$"):
            gb.create_result(result=result_body(line_item, student, metadata={"notes": loop}))
        summary = gb.bulk_post_results([result_body(line_item, student, uid("r"), metadata={"a": [cyc]})])
        assert [f.reason for f in summary.failures] == ["invalid result: metadata.a.0.self: circular reference"]
        assert sent == []
        shared = {"k": [1]}
        sourced_id = uid("r")
        gb.put_result(
            sourced_id=sourced_id, result=result_body(line_item, student, metadata={"a": shared, "b": [shared]})
        )
        assert gb.get_result(sourced_id=sourced_id).result.metadata == {"a": {"k": [1]}, "b": [{"k": [1]}]}


async def test_metadata_keyed_by_something_not_text_at_any_depth_is_refused_naming_where_and_nothing_is_sent(
    server: Any, roster: Any
) -> None:
    """A key that is not text, nested in metadata, was written as text: ``{2: .., "2": ..}`` sent as two keys "2",
    one value lost, None as "None", True as "true" (a key of metadata itself was refused, by validation). It is a
    ValueError naming the dict, as a dict or a model, sync and async, and a bulk upload fails that result alone."""
    from tests.support import uid
    from timeback import AsyncTimeback

    clash = {"a": {"b": [{2: "int", "2": "str"}]}}
    refused = r"^category\.metadata\.a\.b\.0: a key that is not a string: 2 \(JSON object keys are strings\)$"
    sent: list[str] = []
    with _client_recording_sends(server, roster, sent) as (gb, line_item, student):
        with pytest.raises(ValueError, match=refused):
            gb.put_category(sourced_id=uid("c"), category={"title": "t", "metadata": clash})
        with pytest.raises(ValueError, match=refused):
            gb.create_category(category=TimebackCreateCategoryBody(title="t", metadata=clash))
        with pytest.raises(ValueError, match=r"^result\.metadata\.a: a key that is not a string: None "):
            gb.put_result(sourced_id=uid("r"), result=result_body(line_item, student, metadata={"a": {None: 1}}))
        summary = gb.bulk_post_results([result_body(line_item, student, uid("r"), metadata={"a": {True: 2}})])
        assert [f.reason for f in summary.failures] == [
            "invalid result: metadata.a: a key that is not a string: True (JSON object keys are strings)"
        ]
        assert sent == []

    async def record(request: httpx.Request) -> None:
        sent.append(request.method)

    async with (
        httpx.AsyncClient(event_hooks={"request": [record]}) as async_http,
        AsyncTimeback(**server.client_kwargs(), http_client=async_http) as async_client,
    ):
        with pytest.raises(ValueError, match=refused):
            await async_client.oneroster.gradebook.put_category(
                sourced_id=uid("c"), category={"title": "t", "metadata": clash}
            )
        assert sent == []


@pytest.mark.parametrize("levels", [300, 600, 1_200])
def test_metadata_nested_too_deeply_to_send_is_refused_naming_where_and_nothing_is_sent(
    server: Any, roster: Any, levels: int
) -> None:
    """Metadata nested past what pydantic-core writes (about 255 levels) raised PydanticSerializationError naming
    nothing ("Maximum serialization depth exceeded"; past 500, "decimals_as_floats: RecursionError"), and past
    Python's recursion limit a bare RecursionError out of the SDK's own error helper, which walked it recursively.
    It is a ValueError naming the field, as a dict or a model, and a bulk upload fails that result alone."""
    from tests.support import uid

    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(levels):
        inner["a"] = inner = {}
    refused = r"^result\.metadata\.a\.a\.a\.a\.\.\.: nested too deeply \(more than 201 levels"
    sent: list[str] = []
    with _client_recording_sends(server, roster, sent) as (gb, line_item, student):
        body = result_body(line_item, student, metadata=deep)
        with pytest.raises(ValueError, match=refused):
            gb.put_result(sourced_id=uid("r"), result=body)
        with pytest.raises(ValueError, match=refused):
            gb.put_result(sourced_id=uid("r"), result=TimebackPutResultBody.model_validate(body))
        summary = gb.bulk_post_results([result_body(line_item, student, uid("r"), metadata=deep)])
        (failure,) = summary.failures
        assert failure.reason.startswith("invalid result: metadata.a.a.a.a.a...: nested too deeply"), failure.reason
        assert sent == []


async def test_query_text_utf8_cannot_encode_is_refused_naming_the_parameter_and_nothing_is_sent(server: Any) -> None:
    """A lone surrogate in a query's text (a filter value, ``search``, ``fields``, ``sort``) raised httpx's bare
    UnicodeEncodeError, naming nothing. It is a ValueError naming the parameter now, as a body's text is, before
    sending, sync and async; a path id's is pydantic's ValidationError (a ValueError), naming it."""
    from timeback import AsyncTimeback, Timeback

    def refused(name: str, at: int) -> str:
        return rf"^{name}: cannot be encoded as UTF-8 in a URL \(surrogates not allowed: '\\ud800' at position {at}\)$"

    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.method)

    queries: list[tuple[dict[str, Any], str]] = [
        ({"filter": "comment='\ud800'"}, refused("filter", 9)),
        ({"search": "\ud800"}, refused("search", 0)),
        ({"fields": ["sourcedId", "\ud800"]}, refused("fields", 10)),
        ({"sort": "\ud800"}, refused("sort", 0)),
    ]
    with (
        httpx.Client(event_hooks={"request": [lambda request: sent.append(request.method)]}) as http,
        Timeback(**server.client_kwargs(), http_client=http) as client,
    ):
        gb = client.oneroster.gradebook
        for query, message in queries:
            with pytest.raises(ValueError, match=message):
                gb.get_all_results(**query)
            with pytest.raises(ValueError, match=message):
                list(gb.get_all_results(limit=1, **query))
        with pytest.raises(ValueError, match=refused("fields", 0)):
            gb.get_result(sourced_id="r", fields="\ud800")
        with pytest.raises(ValueError, match="sourced_id"):
            gb.get_result(sourced_id="r\ud800")
        with pytest.raises(ValueError, match=refused("q", 0)):  # (the escape hatch's own query)
            client.request("GET", "/ims/oneroster/gradebook/v1p2/results/", params={"q": "\ud800"})
        assert sent == []
    async with (
        httpx.AsyncClient(event_hooks={"request": [record]}) as async_http,
        AsyncTimeback(**server.client_kwargs(), http_client=async_http) as async_client,
    ):
        for query, message in queries:
            with pytest.raises(ValueError, match=message):
                await async_client.oneroster.gradebook.get_all_results(**query)
        assert sent == []


def test_the_escape_hatchs_unencodable_text_is_named_beside_a_key_not_text_json_dumps_writes(server: Any) -> None:
    """``request()``'s json and params are encoded by httpx, whose json.dumps writes a key that is not text as
    text, as asked (only the SDK's bodies refuse one): with a lone surrogate also there, the error named the
    harmless key, not the text that could not be sent."""
    from timeback import Timeback

    sent: list[str] = []
    path = "/ims/oneroster/gradebook/v1p2/results/"
    with (
        httpx.Client(event_hooks={"request": [lambda request: sent.append(request.method)]}) as http,
        Timeback(**server.client_kwargs(), http_client=http) as client,
    ):
        with pytest.raises(ValueError, match=r"^json\.b: cannot be encoded as UTF-8 JSON \(surrogates not allowed"):
            client.request("POST", path, json={1: "a", "b": "\ud83d"})
        with pytest.raises(ValueError, match=r"^q: cannot be encoded as UTF-8 in a URL \(surrogates not allowed"):
            client.request("GET", path, params={1: "x", "q": "\ud800"})
        assert sent == []


async def test_two_answers_holding_the_same_data_are_equal_whichever_call_returned_them(
    server: Any, roster: Any, client: Any, async_client: Any
) -> None:
    """(Each held its call's request id, which pydantic compared too: a cached answer never equalled a fresh one,
    nor a sync read an async one.)"""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    sourced_id = uid("r")
    gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=5))
    first, again = gb.get_result(sourced_id=sourced_id), gb.get_result(sourced_id=sourced_id)
    from_async = await async_client.oneroster.gradebook.get_result(sourced_id=sourced_id)
    assert first.request_id != again.request_id != from_async.request_id
    assert first == again == from_async
    gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=6))
    assert gb.get_result(sourced_id=sourced_id) != first
    assert first != first.result and first != object()


@pytest.mark.parametrize("given", ["dict", "model"])
def test_a_users_password_is_not_repeated_by_a_validation_error(given: str) -> None:
    """A user's password is kept out of its repr; a body refused before sending repeated it whole in the error's
    text (pydantic's ``input_value``), which ends in logs."""
    from timeback import Timeback
    from timeback.models.request import TimebackCreateUserBody, TimebackCreateUserRequest
    from timeback.models.response import TimebackGetUserResponse

    body = {"password": "Tr0ub4dor&3", "givenName": "A", "enabledUser": "maybe", "roles": []}
    with pytest.raises(ValidationError) as refused:
        if given == "model":
            TimebackCreateUserBody.model_validate(body)
        else:
            with Timeback(base_url="http://127.0.0.1:9", client_id="a", client_secret="b") as client:
                client.oneroster.rostering.create_user(user=body)
    assert "enabledUser" in str(refused.value) and "Tr0ub4dor&3" not in str(refused.value)
    for model in (TimebackCreateUserRequest, TimebackGetUserResponse):
        with pytest.raises(ValidationError) as read:
            model.model_validate({"user": {**body, "sourcedId": "u", "roles": "not a list"}})
        assert "Tr0ub4dor&3" not in str(read.value) and "Tr0ub4dor&3" not in repr(read.value)


def test_a_users_password_is_not_repeated_by_an_answer_that_does_not_validate() -> None:
    """(A mock: ``timeback serve`` answers no malformed user.) The error's message listed pydantic's errors, their
    input included: a user whose ``password`` did not validate had it in the message, read or listed."""
    from timeback import APIResponseValidationError, Timeback

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        user = {"sourcedId": "u", "password": {"pw": "Tr0ub4dor&3"}}
        if request.url.path.endswith("/users/u"):
            return httpx.Response(200, json={"user": user})
        return httpx.Response(200, json={"users": [user], "totalCount": 1, "offset": 0, "limit": 100})

    with Timeback(base_url="https://api.example.test", client_id="a", client_secret="b",
                  http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client:  # fmt: skip
        rostering = client.oneroster.rostering
        for call in (lambda: rostering.get_user(sourced_id="u"), lambda: list(rostering.get_all_users())):
            with pytest.raises(APIResponseValidationError) as refused:
                call()
            assert "password" in str(refused.value) and "Tr0ub4dor&3" not in str(refused.value), str(refused.value)


def test_a_record_read_whose_metadata_is_null_is_patched_back_its_metadata_left_as_it_is(
    client: Any, roster: Any
) -> None:
    """A record stored with ``metadata: null`` reads back with None set; a PATCH merges metadata key by key and
    refuses null, so the record read sent back to ``patch_*`` (as README shows a read-modify-write) was a 422. From
    a record read, None means no keys to merge: left out of the PATCH."""
    from tests.support import uid

    gb = client.oneroster.gradebook
    line_item, result = uid("ali"), uid("ar")
    gb.put_assessment_line_item(sourced_id=line_item, assessmentLineItem={"title": "Quiz", "metadata": None})
    gb.put_assessment_result(sourced_id=result, assessmentResult={
        "assessmentLineItem": {"sourcedId": line_item}, "student": {"sourcedId": roster.students[0]},
        "scoreStatus": "submitted", "scoreDate": "2024-02-01", "score": 5, "metadata": None,
    })  # fmt: skip
    read_line_item = gb.get_assessment_line_item(sourced_id=line_item).assessmentLineItem
    read_result = gb.get_assessment_result(sourced_id=result).assessmentResult
    assert "metadata" in read_result.model_fields_set and read_result.metadata is None
    read_line_item.title, read_result.score = "Renamed", 6
    gb.patch_assessment_line_item(sourced_id=line_item, assessmentLineItem=read_line_item)
    gb.patch_assessment_result(sourced_id=result, assessmentResult=read_result)
    stored_line_item = gb.get_assessment_line_item(sourced_id=line_item).assessmentLineItem
    stored_result = gb.get_assessment_result(sourced_id=result).assessmentResult
    assert (stored_line_item.title, stored_line_item.metadata) == ("Renamed", None)
    assert (stored_result.score, stored_result.metadata) == (6, None)


def test_a_create_body_given_to_a_patch_sends_what_it_was_given_not_its_default_status(
    client: Any, roster: Any
) -> None:
    """A create or PUT body (``TimebackCreateAssessmentResultBody``: a record model, so a PATCH takes it) sends its
    ``status``, ``active`` unless given: PATCHed onto a deleted record, it revived the record, which the caller
    only meant to re-score. Its default is left out of a PATCH, as its made-up ``sourcedId`` is (``active`` given
    too: a model cannot tell it from the default; a revival sends ``{"status": "active"}``); another is sent."""
    from tests.support import uid
    from timeback.models.request import TimebackCreateAssessmentResultBody

    gb = client.oneroster.gradebook
    line_item, result = uid("ali"), uid("ar")
    gb.put_assessment_line_item(sourced_id=line_item, assessmentLineItem={"title": "Quiz"})
    fields = {"assessmentLineItem": {"sourcedId": line_item}, "student": {"sourcedId": roster.students[0]},
              "scoreStatus": "submitted", "scoreDate": "2024-02-01"}  # fmt: skip
    gb.put_assessment_result(sourced_id=result, assessmentResult={**fields, "score": 5})
    gb.delete_assessment_result(sourced_id=result)
    gb.patch_assessment_result(
        sourced_id=result, assessmentResult=TimebackCreateAssessmentResultBody(**fields, score=6)
    )
    stored = gb.get_assessment_result(sourced_id=result).assessmentResult
    assert (stored.status, stored.score) == ("tobedeleted", 6)
    gb.patch_assessment_result(sourced_id=result, assessmentResult={"status": "active"})  # (a revival, as a dict)
    assert gb.get_assessment_result(sourced_id=result).assessmentResult.status == "active"
    deleting = TimebackCreateAssessmentResultBody(**fields, score=7, status="tobedeleted")  # (another: given, sent)
    gb.patch_assessment_result(sourced_id=result, assessmentResult=deleting)
    assert gb.get_assessment_result(sourced_id=result).assessmentResult.status == "tobedeleted"


def test_a_copy_updated_under_a_wire_name_sets_that_field(server: Any, roster: Any) -> None:
    """``model_copy(update=...)`` keyed ``class`` or ``orderBy`` (as a model takes them): pydantic's copy knows field
    names only, so a body kept ``class`` beside ``class_`` (two ``class`` keys in the JSON sent, the second never
    validated), a query kept its ``orderBy`` (``asc`` sent), a PUT request its body. Now each sets the field; a key
    naming no field of a request model is refused, as building it refuses one."""
    from tests.support import add_line_items, uid
    from timeback.models.request import TimebackGetAllResultsRequest, TimebackUpdateClassRequest

    with watched_client(server) as (client, sent):
        gb, ro = client.oneroster.gradebook, client.oneroster.rostering
        (line_item,) = add_line_items(client, roster, 1)
        ids = sorted(uid("r") for _ in range(2))
        for sourced_id in ids:
            gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0]))
        body = TimebackPutResultBody.model_validate(result_body(line_item, roster.students[0]))
        moved = body.model_copy(update={"class": Ref(sourcedId=roster.class_), "newField": 1})
        assert moved.class_ == Ref(sourcedId=roster.class_) and moved.model_extra == {"newField": 1}
        sent.clear()
        with pytest.raises(ValidationError, match=r"result\.class"):
            gb.put_result(sourced_id=ids[0], result=body.model_copy(update={"class": "garbage"}))
        assert sent == []

        query = TimebackGetAllResultsRequest(filter=f"lineItem.sourcedId='{line_item}'", sort="sourcedId")
        descending = query.model_copy(update={"orderBy": "desc"})
        assert [r.sourcedId for r in gb.get_all_results(descending)] == ids[::-1]
        with pytest.raises(ValueError, match="limitt"):
            query.model_copy(update={"limitt": 5})

        klass = ro.get_class(sourced_id=roster.class_).class_.to_dict()
        del klass["dateLastModified"]
        request = TimebackUpdateClassRequest.model_validate({"sourced_id": roster.class_, "class": klass})
        ro.update_class(request.model_copy(update={"class": {**klass, "title": "Renamed"}}))
        assert ro.get_class(sourced_id=roster.class_).class_.title == "Renamed"


def test_a_tuple_of_records_read_is_taken_as_a_list_of_them_is(client: Any, roster: Any) -> None:
    """A batch given as a tuple (or any iterable pydantic takes for a list: a generator) of records read: only a list
    was converted, so a tuple of them was refused (``Input should be a valid dictionary or instance of
    TimebackCreateResultBody``) where a tuple of dicts was taken."""
    from tests.support import add_line_items, uid

    gb = client.oneroster.gradebook
    (line_item,) = add_line_items(client, roster, 1)
    sourced_id = uid("r")
    gb.put_result(sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=5))
    read = gb.get_result(sourced_id=sourced_id).result
    in_tuple, in_generator = [uid("r"), uid("r")], [uid("r"), uid("r")]
    gb.post_results_for_academic_session_for_class(
        class_sourced_id=roster.class_,
        academic_session_sourced_id=roster.term,
        results=tuple(read.model_copy(update={"sourcedId": i}) for i in in_tuple),
    )
    gb.create_result_for_line_item(
        line_item_sourced_id=line_item, results=(read.model_copy(update={"sourcedId": i}) for i in in_generator)
    )
    assert [gb.get_result(sourced_id=i).result.score for i in in_tuple + in_generator] == [5] * 4


def test_an_integer_decimal_in_metadata_is_sent_digit_for_digit(client: Any, roster: Any) -> None:
    """A ``Decimal`` in metadata went as a float: ``Decimal("12345678901234567891")`` was stored as
    12345678901234567000, where the same int keeps every digit. An integral one goes as an int (dict path and model
    path alike), others as floats."""
    from decimal import Decimal

    from tests.support import uid
    from timeback.models.request import TimebackPutCategoryBody

    gb = client.oneroster.gradebook
    metadata = {"id": Decimal("12345678901234567891"), "e": Decimal("1E+2"), "p": Decimal("19.99")}
    by_dict, by_model = uid("cat"), uid("cat")
    gb.put_category(sourced_id=by_dict, category={"title": "D", "metadata": metadata})
    gb.put_category(sourced_id=by_model, category=TimebackPutCategoryBody(title="D", metadata=metadata))
    for sourced_id in (by_dict, by_model):
        stored = gb.get_category(sourced_id=sourced_id).category.metadata
        assert stored == {"id": 12345678901234567891, "e": 100, "p": 19.99}
        assert [type(value) for value in stored.values()] == [int, int, float]
    # Past an int's 4,300 digits written, a float (infinite): the server's 400, as before integral Decimals went as
    # ints (int() of 1E+300000 took seconds, then failed in the SDK: "Exceeds the limit (4300 digits)")
    for huge in (Decimal("1E+300000"), Decimal("1E+5000")):
        with pytest.raises(RequestError, match="not a finite JSON number"):
            gb.put_category(sourced_id=uid("cat"), category={"title": "D", "metadata": {"x": huge}})


def test_no_model_redeclares_a_defaulted_field_of_its_base_without_a_value() -> None:
    """A field a base declares ``X | None = None`` and a subclass re-declares bare (``lineItem: Ref``) is required to
    pydantic, but pyright and Pylance follow the dataclass rule and take the base's default: the field looked optional
    to them (19 body models did). Required re-declarations say ``= Field()``."""
    import ast
    import importlib
    import inspect
    import pkgutil

    import pydantic

    import timeback.models

    bare = []
    for info in pkgutil.iter_modules(timeback.models.__path__):
        module = importlib.import_module(f"timeback.models.{info.name}")
        for node in ast.parse(inspect.getsource(module)).body:
            model = getattr(module, node.name, None) if isinstance(node, ast.ClassDef) else None
            if not (inspect.isclass(model) and issubclass(model, pydantic.BaseModel)):
                continue
            assert isinstance(node, ast.ClassDef)
            for statement in node.body:
                if not (isinstance(statement, ast.AnnAssign) and statement.value is None):
                    continue
                name = ast.unparse(statement.target)
                for base in model.__mro__[1:]:
                    inherited = getattr(base, "__pydantic_fields__", {}).get(name)
                    if inherited is not None and not inherited.is_required():
                        bare.append(f"{module.__name__}.{node.name}.{name} (a default in {base.__name__})")
                        break
    assert not bare, bare
