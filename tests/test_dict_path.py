"""The dict path: bodies given as dicts are validated into plain dicts and sent without building models.

What is sent, what is stored and what is refused must be what the model path sends, stores and refuses. Sending is
checked against the real server; only what a server cannot show (the bytes of a retried request, what was not sent)
uses ``httpx.MockTransport``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import httpx
import pydantic_core
import pytest
from pydantic import ValidationError

import timeback._base_client as engine
import timeback.models._dicts as dicts
from tests.support import Roster, add_line_items, result_body, uid
from timeback import AsyncTimeback, Timeback
from timeback.enums import TimebackScoreStatus
from timeback.errors import NotFoundError, RequestError
from timeback.models._base import GeneratedId
from timeback.models._dicts import EncodedItems, ValidatedRequest, dict_validator
from timeback.models.request import (
    TimebackCreateResultBody,
    TimebackCreateResultForLineItemRequest,
    TimebackPutCategoryRequest,
    TimebackPutResultBody,
    TimebackPutResultRequest,
    TimebackUpdateClassRequest,
)
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference as Ref
from timeback.resources.gradebook import GradebookOperations
from timeback.resources.rostering import RosteringOperations

BASE = "https://dicts.invalid"
CREATE = TimebackCreateResultForLineItemRequest


class Recorder:
    """A MockTransport script: a token, then ``statuses`` in turn (201 with pairs once they run out)."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.bodies: list[Any] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        body = json.loads(request.content)
        self.bodies.append(body)
        if self.statuses:
            return httpx.Response(self.statuses.pop(0), json={"imsx_description": "try again"})
        records = next(iter(body.values()))
        pairs = [{"suppliedSourcedId": r["sourcedId"], "allocatedSourcedId": r["sourcedId"]} for r in records]
        return httpx.Response(201, json={"sourcedIdPairs": pairs})


def mock_client(script: Callable[[httpx.Request], httpx.Response]) -> Timeback:
    transport = httpx.MockTransport(script)
    return Timeback(client_id="id", client_secret="s", base_url=BASE, http_client=httpx.Client(transport=transport))


RICH = {
    "sourcedId": "r-1",
    "lineItem": {"sourcedId": "li", "href": "https://x/li", "unknownRefField": 1},
    "student": {"sourcedId": "s"},
    "class_": {"sourcedId": "c"},
    "scoreStatus": TimebackScoreStatus.PARTIALLY_GRADED,
    "scoreDate": dt.datetime(2024, 1, 15, 10, 30),
    "dateLastModified": dt.date(2024, 1, 14),
    "score": 7,
    "comment": None,
    "learningObjectiveSet": [{"source": "x", "learningObjectiveResults": [{"learningObjectiveId": "lo", "score": 1}]}],
    "metadata": {"k": [1, "two"]},
    "newField": {"kept": True},
}


def test_dicts_take_the_dict_path_and_send_what_the_model_path_sends() -> None:
    script = Recorder()
    data = {"line_item_sourced_id": "li", "results": [RICH, {**RICH, "sourcedId": "r-2", "scoreStatus": "ext:late"}]}
    with mock_client(script) as client:
        create = client.oneroster.gradebook.create_result_for_line_item
        assert isinstance(engine.BaseClient.coerce_call_request(create.operation, None, data), ValidatedRequest)
        create(**data)
        create(CREATE.model_validate(data))
    sent, sent_by_model = script.bodies
    assert sent == sent_by_model
    first, second = sent["results"]
    assert first["class"] == {"sourcedId": "c"} and "class_" not in first  # the alias, from either spelling
    assert first["lineItem"] == {"sourcedId": "li", "href": "https://x/li"}  # references drop unknown fields
    assert first["newField"] == {"kept": True} and first["comment"] is None  # records keep them; None is sent
    assert (first["scoreDate"], first["dateLastModified"]) == ("2024-01-15T10:30:00Z", "2024-01-14")
    assert (first["scoreStatus"], second["scoreStatus"], first["status"]) == ("partially graded", "ext:late", "active")
    assert first["score"] == 7.0 and "textScore" not in first  # unset optional fields are not sent


def test_defaults_are_filled_and_a_retry_resends_the_same_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    script = Recorder(503)
    rows = [result_body("li", "s1"), result_body("li", "s2", status="tobedeleted")]
    with mock_client(script) as client:
        answer = client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li", results=rows)
    first, retry = script.bodies
    assert first == retry and answer.retries_taken == 1
    assert [r["status"] for r in first["results"]] == ["active", "tobedeleted"]
    ids = [r["sourcedId"] for r in first["results"]]
    assert all(uuid.UUID(i) for i in ids) and len(set(ids)) == 2
    assert "sourcedId" not in rows[0]  # the caller's dicts are not changed


def test_a_generated_id_is_marked_as_generated() -> None:
    validated = dict_validator(CREATE).validate_python(  # type: ignore[union-attr]
        {"line_item_sourced_id": "li", "results": [result_body("li", "s"), result_body("li", "s", "mine")]}
    )
    generated, chosen = (r["sourcedId"] for r in validated["results"])
    assert isinstance(generated, GeneratedId) and not isinstance(chosen, GeneratedId) and chosen == "mine"


BAD_INPUT: list[dict[str, Any]] = [
    {"results": [{**result_body("li", "s"), "scoreStatus": None}]},
    {"results": [{k: v for k, v in result_body("li", "s").items() if k != "scoreStatus"}]},
    {"results": [result_body("li", "s", score="ninety")]},
    {"results": [result_body("li", "s", score=float("inf"))]},
    {"results": [result_body("li", "s", scoreDate=20240116)]},
    {"results": [{**result_body("li", "s"), "student": {"href": "no id"}}]},
    {"results": [result_body("li", "s", sourcedId="")]},
    {"results": [result_body("li", "s", **{"class": "not a reference"})]},
    {"results": [result_body("li", "s"), "not a record"]},
    {"results": []},
    {"results": [result_body("li", "s")], "reslts": []},
    {"line_item_sourced_id": "", "results": [result_body("li", "s")]},
]


@pytest.mark.parametrize("bad", BAD_INPUT)
def test_bad_dicts_raise_the_model_error_and_send_nothing(bad: dict[str, Any]) -> None:
    data = {"line_item_sourced_id": "li", **bad}
    with pytest.raises(ValidationError) as expected:
        CREATE.model_validate(data)
    with pytest.raises(ValidationError):  # the dict path refuses it too: not only the model fallback does
        dict_validator(CREATE).validate_python(data)  # type: ignore[union-attr]
    script = Recorder()
    with mock_client(script) as client, pytest.raises(ValidationError) as raised:
        client.oneroster.gradebook.create_result_for_line_item(**data)
    assert raised.value.errors(include_url=False) == expected.value.errors(include_url=False)
    assert raised.value.title == expected.value.title and script.bodies == []


def test_models_inside_dicts_and_lists_of_models_still_work() -> None:
    script = Recorder()
    nested = {**result_body("li", "s", "r-1"), "student": Ref(sourcedId="s")}
    model = TimebackCreateResultBody.model_validate(result_body("li", "s", "r-2"))
    with mock_client(script) as client:
        client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li", results=[nested])
        client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li", results=[model])
    assert [b["results"][0]["student"] for b in script.bodies] == [{"sourcedId": "s"}, {"sourcedId": "s"}]
    assert [b["results"][0]["sourcedId"] for b in script.bodies] == ["r-1", "r-2"]


def test_models_and_dates_inside_metadata_are_sent_as_the_model_path_sends_them() -> None:
    metadata = {"ref": Ref(sourcedId="s"), "when": dt.date(2024, 1, 15), "pair": (1, 2), "plain": {"n": [1, None]}}
    body = {**result_body("li", "s", "r-1"), "metadata": metadata}
    script = Recorder()
    with mock_client(script) as client:
        client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li", results=[body])
    (sent,) = script.bodies
    expected = TimebackCreateResultBody.model_validate(body).model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert sent["results"][0]["metadata"] == expected["metadata"]
    assert sent["results"][0]["metadata"]["ref"] == {"sourcedId": "s"}  # no unset href/type written as null
    validator = dict_validator(CREATE)  # plain JSON values in metadata stay on the dict path
    assert validator is not None
    assert validator.validate_python(
        {"results": [{**result_body("li", "s"), "metadata": {"a": [1]}}], "line_item_sourced_id": "li"}
    )


def stored(client: Timeback, roster: Roster) -> dict[str, Any]:
    return {r.sourcedId: r for r in client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_)}


def test_dict_bodies_are_stored_as_sent(client: Timeback, roster: Roster) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    mine = uid("r")
    rows = [
        result_body(line_item, roster.students[0]),  # no sourcedId, no status: the SDK's defaults
        result_body(line_item, roster.students[1], mine, scoreDate=dt.date(2024, 2, 1), **{"class": {"sourcedId": roster.class_}}),
        result_body(line_item, roster.students[2], scoreStatus=TimebackScoreStatus.EXEMPT, class_={"sourcedId": roster.class_}),
    ]  # fmt: skip
    answer = client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id=line_item, results=rows)
    supplied = [p.suppliedSourcedId for p in answer.sourcedIdPairs]
    assert supplied[1] == mine and uuid.UUID(supplied[0]) and uuid.UUID(supplied[2])
    records = stored(client, roster)
    assert set(records) == set(supplied)
    assert records[supplied[0]].status == "active"
    assert records[mine].scoreDate == "2024-02-01T00:00:00Z" and records[mine].class_.sourcedId == roster.class_
    assert records[supplied[2]].scoreStatus == "exempt" and records[supplied[2]].class_.sourcedId == roster.class_


async def test_async_dict_bodies_are_stored(async_client: AsyncTimeback, client: Timeback, roster: Roster) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    rows = [result_body(line_item, s) for s in roster.students]
    answer = await async_client.oneroster.gradebook.create_result_for_line_item(
        line_item_sourced_id=line_item, results=rows
    )
    assert set(stored(client, roster)) == {p.allocatedSourcedId for p in answer.sourcedIdPairs}


def test_put_takes_the_path_id_for_a_dict_body(client: Timeback, roster: Roster) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    chosen = uid("r")
    body = result_body(line_item, roster.students[0])
    put = client.oneroster.gradebook.put_result(sourced_id=chosen, result=body)
    assert put.result.sourcedId == chosen and client.oneroster.gradebook.get_result(sourced_id=chosen)
    with pytest.raises(ValidationError, match="does not match"):
        client.oneroster.gradebook.put_result(sourced_id=chosen, result={**body, "sourcedId": "other"})
    request = TimebackPutResultRequest.model_validate({"sourced_id": chosen, "result": body})
    assert request.result.sourcedId == chosen


def put_script(sent: list[tuple[bytes, bytes]]) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport script recording each PUT's path and body, answered 201 with no body (the 1EdTech spec's)."""

    def script(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        sent.append((request.url.raw_path, request.content))
        return httpx.Response(201)

    return script


PUT_BODY = {k: v for k, v in RICH.items() if k != "sourcedId"}


@pytest.mark.parametrize(
    ("sourced_id", "body"),
    [("r-1", PUT_BODY), ("r-1", {**PUT_BODY, "sourcedId": "r-1"}), ("r/2 é", {**PUT_BODY, "status": "tobedeleted"}),
     ("r" * 255, PUT_BODY)],
    ids=["id from the path", "id given", "id to quote", "longest id"],
)  # fmt: skip
def test_put_dict_bodies_take_the_dict_path_and_send_what_the_model_path_sends(sourced_id: str, body: Any) -> None:
    # (a PUT's request model holds the path rule, a model validator: dicts took the model path, ~60 us a call more)
    sent: list[tuple[bytes, bytes]] = []
    data = {"sourced_id": sourced_id, "result": body}
    with mock_client(put_script(sent)) as client:
        put = client.oneroster.gradebook.put_result
        validated = engine.BaseClient.coerce_call_request(put.operation, None, data)
        assert isinstance(validated, ValidatedRequest)
        assert isinstance(validated["result"]["sourcedId"], GeneratedId) == ("sourcedId" not in body)
        by_dict = put(**data)
        by_model = put(TimebackPutResultRequest.model_validate(data))
    assert sent[0] == sent[1] and by_dict == by_model
    assert json.loads(sent[0][1])["result"]["sourcedId"] == by_dict.result.sourcedId == sourced_id
    assert "sourcedId" not in PUT_BODY  # the caller's dict is not changed


@pytest.mark.parametrize("key", ["class_", "class"])
def test_a_put_body_named_by_its_field_or_its_wire_name_takes_the_dict_path(key: str) -> None:
    sent: list[tuple[bytes, bytes]] = []
    body = {"title": "T", "course": {"sourcedId": "co"}, "org": {"sourcedId": "o"}, "terms": [{"sourcedId": "t"}]}
    data = {"sourced_id": "c-1", key: body}
    with mock_client(put_script(sent)) as client:
        update = client.oneroster.rostering.update_class
        assert isinstance(engine.BaseClient.coerce_call_request(update.operation, None, data), ValidatedRequest)
        update(**data)
        update(TimebackUpdateClassRequest.model_validate(data))
    assert sent[0] == sent[1] and json.loads(sent[0][1])["class"]["sourcedId"] == "c-1"


BAD_PUTS: list[tuple[Any, Any]] = [
    ("r-1", {**PUT_BODY, "sourcedId": "other"}),
    ("r-1", {**PUT_BODY, "sourcedId": None}),
    ("r-1", {**PUT_BODY, "sourcedId": ""}),
    ("", PUT_BODY),
    ("r" * 256, PUT_BODY),
    (5, PUT_BODY),
    ("r-1", {**PUT_BODY, "score": "ninety"}),
    ("r-1", "not a record"),
]


@pytest.mark.parametrize(("sourced_id", "body"), BAD_PUTS)
def test_bad_put_dicts_raise_the_model_error_and_send_nothing(sourced_id: Any, body: Any) -> None:
    data = {"sourced_id": sourced_id, "result": body}
    with pytest.raises(ValidationError) as expected:
        TimebackPutResultRequest.model_validate(data)
    sent: list[tuple[bytes, bytes]] = []
    with mock_client(put_script(sent)) as client, pytest.raises(ValidationError) as raised:
        client.oneroster.gradebook.put_result(**data)
    assert str(raised.value) == str(expected.value) and sent == []


def test_a_put_with_more_than_its_path_and_body_or_a_made_up_id_keeps_the_model_path() -> None:
    sent: list[tuple[bytes, bytes]] = []
    with mock_client(put_script(sent)) as client:
        put = client.oneroster.gradebook.put_result
        with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
            put(sourced_id="r-1", result=PUT_BODY, reslt={})
        made_up = {**PUT_BODY, "sourcedId": GeneratedId("made-up")}  # (a dumped request's: the path's is taken)
        assert not isinstance(engine.BaseClient.coerce_call_request(put.operation, None, {"sourced_id": "r-1", "result": made_up}), ValidatedRequest)  # fmt: skip
        put(sourced_id="r-1", result=made_up)
    assert [json.loads(body)["result"]["sourcedId"] for _, body in sent] == ["r-1"]


def test_every_put_body_holds_its_id_as_its_path_holds_it() -> None:
    # ``put_validated`` lets the body's ``sourcedId`` field check the path's id: their limits must be the same
    from timeback.models._requests_base import _PutRequest

    operations = [*GradebookOperations.operations(), *RosteringOperations.operations()]
    puts = [op for op in operations if op.kind == "put"]
    assert len(puts) == 16
    for op in puts:
        assert issubclass(op.request, _PutRequest) and dict_validator(op.request) is None
        body = op.request.__pydantic_fields__[cast(str, op.body)].annotation
        assert isinstance(body, type) and dict_validator(body) is not None
        path_id, body_id = op.request.__pydantic_fields__["sourced_id"], body.__pydantic_fields__["sourcedId"]
        assert (
            (path_id.annotation, path_id.metadata) == (body_id.annotation, body_id.metadata) == (str, path_id.metadata)
        )


def test_put_dict_bodies_are_stored_as_the_model_path_stores_them(client: Timeback, roster: Roster) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    gradebook = client.oneroster.gradebook
    body = result_body(line_item, roster.students[0], comment="ok", metadata={"k": [1, "two"]})
    by_dict, by_model = uid("r"), uid("r")
    assert isinstance(
        engine.BaseClient.coerce_call_request(gradebook.put_result.operation, None, {"sourced_id": by_dict, "result": body}),
        ValidatedRequest,
    )  # fmt: skip
    answered = gradebook.put_result(sourced_id=by_dict, result=body)
    gradebook.put_result(TimebackPutResultRequest.model_validate({"sourced_id": by_model, "result": body}))
    dict_record, model_record = (gradebook.get_result(sourced_id=i).result for i in (by_dict, by_model))
    assert answered.result.sourcedId == dict_record.sourcedId == by_dict
    skip = {"sourcedId", "dateLastModified"}
    assert dict_record.model_dump(exclude=skip) == model_record.model_dump(exclude=skip)


def test_bulk_dict_rows_are_validated_once(client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    validated: list[str] = []
    real = dicts.dict_validator

    def counting(model: Any) -> Any:
        validated.append(model.__name__)
        return real(model)

    monkeypatch.setattr(dicts, "dict_validator", counting)  # requests and bulk records both come here
    rows: list[Any] = [result_body(line_item, s) for s in roster.students[:2]]
    rows.append(TimebackCreateResultBody.model_validate(result_body(line_item, roster.students[2])))
    rows.append({**result_body(line_item, roster.students[0], "bad"), "score": "ninety"})
    summary = client.oneroster.gradebook.bulk_post_results(rows, batch_size=10)
    assert (summary.taken, summary.sent, summary.stored) == (4, 3, 3)
    # each row once (the model too: it may have been changed since it was built); the batch is not validated again
    assert validated == ["TimebackCreateResultBody"] * 4
    (failure,) = summary.failures
    assert failure.sourced_ids == ("bad",)
    assert failure.reason == "invalid result: score: Input should be a valid number, unable to parse string as a number"
    records = stored(client, roster)
    assert len(records) == 3 and all(r.status == "active" and uuid.UUID(r.sourcedId) for r in records.values())


def test_a_post_init_hook_without_declared_wire_defaults_keeps_the_model_path() -> None:
    from pydantic import Field

    from timeback.models._requests_base import TimebackRequest

    class Stamped(TimebackCreateResultBody):
        def model_post_init(self, context: Any, /) -> None:
            self.__pydantic_fields_set__.update({"sourcedId", "status", "comment"})

    class StampedRequest(TimebackRequest):
        results: list[Stamped] = Field(min_length=1)

    assert dict_validator(StampedRequest) is None and dict_validator(CREATE) is not None


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_encoded_items_join_into_one_json_body(count: int) -> None:
    items = [{"sourcedId": f"r-{i}", "score": i} for i in range(count)]
    encoded = EncodedItems(json.dumps(item).encode() for item in items)
    assert json.loads(encoded.to_json(b'{"results":', b"}")) == {"results": items}
    assert json.loads(encoded.to_json()) == items and encoded.decoded() == items


def test_a_model_sends_nan_in_metadata_as_is_and_the_server_names_it(client: Timeback, roster: Roster) -> None:
    # (pydantic's default wrote NaN and Infinity as null: the server stored null in place of the caller's value)
    (line_item,) = add_line_items(client, roster, 1)
    gradebook = client.oneroster.gradebook
    for number in (float("nan"), float("inf")):
        chosen = uid("r")
        body = TimebackPutResultBody.model_validate(result_body(line_item, roster.students[0], metadata={"v": number}))
        with pytest.raises(RequestError, match=r"result\.metadata\.v: .* is not a finite JSON number") as refused:
            gradebook.put_result(sourced_id=chosen, result=body)
        assert refused.value.status_code == 400
        with pytest.raises(NotFoundError):
            gradebook.get_result(sourced_id=chosen)


def test_a_model_sends_a_decimal_in_metadata_as_a_number(client: Timeback, roster: Roster) -> None:
    (line_item,) = add_line_items(client, roster, 1)
    chosen = uid("r")
    metadata = {"d": Decimal("1.10"), "n": [Decimal("5"), {"deep": Decimal("-0.25")}]}
    body = TimebackPutResultBody.model_validate(result_body(line_item, roster.students[0], metadata=metadata))
    client.oneroster.gradebook.put_result(sourced_id=chosen, result=body)
    stored = client.oneroster.gradebook.get_result(sourced_id=chosen).result.metadata
    assert stored == {"d": 1.1, "n": [5.0, {"deep": -0.25}]}
    assert body.metadata == metadata  # (converted when sent, not held converted)


AS_SENT = {
    "decimals": (
        {"d": Decimal("1.10"), "l": [Decimal("2"), {"x": [Decimal("0.5")]}], "f": 1.5},
        {"d": 1.1, "l": [2.0, {"x": [0.5]}], "f": 1.5},
    ),
    # A naive datetime as a body's date fields send it, as UTC: pydantic wrote it with no offset on both paths.
    "dates": (
        {"at": dt.datetime(2024, 1, 1, 8), "l": [{"ms": dt.datetime(2024, 1, 1, 8, 0, 0, 123000)}],
         "aware": dt.datetime(2024, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=2))), "day": dt.date(2024, 1, 2)},
        {"at": "2024-01-01T08:00:00Z", "l": [{"ms": "2024-01-01T08:00:00.123000Z"}],
         "aware": "2024-01-01T08:00:00+02:00", "day": "2024-01-02"},
    ),
}  # fmt: skip


@pytest.mark.parametrize(("metadata", "expected"), AS_SENT.values(), ids=AS_SENT.keys())
def test_dict_and_model_paths_send_the_same_bytes_for_decimals_and_dates_in_metadata(
    server: Any, roster: Roster, metadata: dict[str, Any], expected: dict[str, Any]
) -> None:
    sent: list[bytes] = []
    capture = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.content)]})
    with Timeback(**server.client_kwargs(), http_client=capture) as client:
        (line_item,) = add_line_items(client, roster, 1)
        create = client.oneroster.gradebook.create_result_for_line_item
        by_dict, by_model = uid("r"), uid("r")  # (same length: the bodies differ in the id alone)
        data = {
            "line_item_sourced_id": line_item,
            "results": [result_body(line_item, roster.students[0], by_dict, metadata=metadata)],
        }
        assert isinstance(engine.BaseClient.coerce_call_request(create.operation, None, data), ValidatedRequest)
        create(**data)
        dict_body = sent[-1]
        create(CREATE.model_validate({**data, "results": [{**data["results"][0], "sourcedId": by_model}]}))
        model_body = sent[-1]
        stored = client.oneroster.gradebook.get_result(sourced_id=by_model).result.metadata
    assert dict_body.replace(by_dict.encode(), by_model.encode()) == model_body
    assert json.loads(dict_body)["results"][0]["metadata"] == stored == expected


def test_results_with_metadata_keep_the_dict_path() -> None:
    # metadata's serializer (decimals as numbers) would push every record holding it off the dict path if not dropped
    assert dict_validator(CREATE) is not None
    data = {"line_item_sourced_id": "li", "results": [result_body("li", "s", metadata={"d": Decimal("1.5")})]}
    with mock_client(Recorder()) as client:
        create = client.oneroster.gradebook.create_result_for_line_item
        validated = engine.BaseClient.coerce_call_request(create.operation, None, data)
    assert isinstance(validated, ValidatedRequest)
    assert validated["results"][0]["metadata"] == {"d": 1.5}


class IntLike:
    """Stands for ``numpy.int64``: no int subclass, but has ``__index__``, ``__int__`` and ``__float__``."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    __int__ = __index__

    def __float__(self) -> float:
        return float(self.value)


@pytest.mark.parametrize("number", [Fraction(1, 3), IntLike(2**53 + 1)], ids=["Fraction", "int64-like"])
def test_a_number_that_is_no_float_in_metadata_is_sent_as_the_model_path_sends_it(server: Any, number: Any) -> None:
    # (the dict path's float took anything with __float__: a create sent 1/3 as 0.333..., 2**53+1 as 2**53, where a
    # PUT, on the model path, sent "1/3" and refused the other)
    sent: list[bytes] = []
    capture = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.content)]})
    outcomes = []
    with Timeback(**server.client_kwargs(), http_client=capture) as client:
        gradebook = client.oneroster.gradebook
        for send in (
            gradebook.create_category,
            functools.partial(gradebook.put_category, sourced_id=uid("c")),  # (a dict: the dict path too)
            lambda category: gradebook.put_category(  # (the model path)
                TimebackPutCategoryRequest.model_validate({"sourced_id": uid("c"), "category": category})
            ),
        ):
            sent.clear()
            try:
                send(category={"title": "t", "metadata": {"v": number}})
                outcomes.append(json.loads(sent[-1])["category"]["metadata"])
            except Exception as error:
                outcomes.append(f"{type(error).__name__}: {error}")
    assert outcomes[0] == outcomes[1] == outcomes[2]


@pytest.mark.parametrize("nan", [Decimal("NaN"), Decimal("sNaN"), Decimal("-sNaN")], ids=repr)
def test_a_decimal_nan_in_metadata_is_sent_and_the_server_names_it(client: Timeback, roster: Roster, nan: Any) -> None:
    # (a signaling NaN raised "cannot convert signaling NaN to float" from the serializer, naming no field, in a
    # bulk upload's failure reasons too)
    (line_item,) = add_line_items(client, roster, 1)
    gradebook = client.oneroster.gradebook
    for put in (  # (a dict, on the dict path; a model, on the model path)
        lambda chosen: gradebook.put_category(sourced_id=chosen, category={"title": "t", "metadata": {"v": nan}}),
        lambda chosen: gradebook.put_result(
            sourced_id=chosen,
            result=TimebackPutResultBody.model_validate(
                result_body(line_item, roster.students[0], metadata={"v": nan})
            ),
        ),
    ):
        chosen = uid("nan")
        with pytest.raises(RequestError, match=r"(category|result)\.metadata\.v: .* is not a finite JSON number"):
            put(chosen)
    bulk = [result_body(line_item, roster.students[0], uid("nan"), metadata={"v": nan})]
    (failure,) = gradebook.bulk_post_results(bulk).failures
    assert failure.status_code == 400 and "metadata.v" in failure.reason


def test_a_refused_value_is_named_as_the_readme_says() -> None:
    # README, "Errors": where on one line, what on the next; a batch item by its index in pydantic's dotted form
    script = Recorder()
    with mock_client(script) as client, pytest.raises(ValidationError) as one:
        client.oneroster.gradebook.put_result(sourced_id="r", result=result_body("li", "s", "r", score="ninety"))
    with mock_client(script) as client, pytest.raises(ValidationError) as batch:
        rows = [result_body("li", "s"), result_body("li", "s", score="ninety")]
        client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li", results=rows)
    assert "\nresult.score\n  Input should be a valid number" in str(one.value)
    assert "\nresults.1.score\n  Input should be a valid number" in str(batch.value)
    assert script.bodies == []


@pytest.mark.parametrize("levels", [199, 200, 201, 202])
@pytest.mark.parametrize("inner", ["", "1", "{}", '"x"'])
def test_read_json_reading_a_lone_surrogate_keeps_pydantic_cores_nesting_limit(levels: int, inner: str) -> None:
    """``read_json`` reads text holding a lone surrogate escape with json.loads, which has no such limit: it read
    what pydantic-core refuses for its depth. Refused now exactly where pydantic-core refuses the same text without
    the surrogate, naming the depth."""
    nested = "[" * levels + inner + "]" * levels
    try:
        pydantic_core.from_json(f'["x", {nested}]')
    except ValueError as refused:
        assert str(refused).startswith("recursion limit exceeded")
        with pytest.raises(dicts.NestedTooDeeply, match=r"^recursion limit exceeded \(nested more than 201 levels\)$"):
            dicts.read_json(f'["\\ud83d", {nested}]'.encode())
    else:
        assert dicts.read_json(f'["\\ud83d", {nested}]'.encode())[0] == "\ufffd"
