"""The fast write path, over HTTP: the operation lane, validation from the body's own bytes (with the full path as
fallback), the one-statement reference check, and writes on the driver's connection.

Each test compares what the fast path does with what the full path (or the spec) says it must do.
"""

from __future__ import annotations

import json
import os
import queue
import random
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import Roster, commits, line_item_body, make_roster, operation_lane, result_body, uid, until
from timeback import Timeback
from timeback.errors import UnprocessableEntityError
from timeback.server.bodies import TooManyValues, parse_json_body, plainly_within_limits
from timeback.server.config import ServerSettings
from timeback.server.errors import MAX_NAMED_FIELDS, ApiError
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"


@pytest.fixture
def authed(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        access = http.post("/oauth2/token", data=form).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {access}"
        yield http


@pytest.fixture
def graded(client: Timeback) -> tuple[Roster, str]:
    r = make_roster(client, students=[uid("student") for _ in range(3)])
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
    )
    return r, line_item


def _stored(http: httpx.Client, sourced_id: str) -> dict[str, Any]:
    response = http.get(f"{GB}/results/{sourced_id}")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()["result"]
    record.pop("dateLastModified")
    return record


def _put(http: httpx.Client, sourced_id: str, content: bytes) -> httpx.Response:
    return http.put(f"{GB}/results/{sourced_id}", content=content, headers={"Content-Type": "application/json"})


def _letters_id(prefix: str) -> str:
    """A unique id without digits: a digit before an "e" reads to the fast check as an exponent (full path)."""
    return prefix + "-" + "".join(chr(ord("g") + int(c, 16)) for c in uid("x")[2:])


def test_bodies_the_fast_check_is_unsure_of_store_the_same_record(client: Timeback, authed: httpx.Client) -> None:
    r = make_roster(client, students=[_letters_id("student")])
    line_item = _letters_id("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
    )
    body = result_body(line_item, r.students[0], comment="caf\u00e9 au lait", score=90)
    plain = json.dumps({"result": body}, ensure_ascii=False).encode()  # UTF-8, no escapes: the fast path
    assert plainly_within_limits(plain, ServerSettings())
    escaped = json.dumps({"result": body}, ensure_ascii=True).encode()  # \u00e9: the full path
    exponent = plain.replace(b'"score": 90', b'"score": 9.0e1')  # an exponent: the full path
    assert b'"score": 9.0e1' in exponent
    ids = [uid("res") for _ in range(3)]
    for sourced_id, content in zip(ids, (plain, escaped, exponent), strict=True):
        response = _put(authed, sourced_id, content)
        assert response.status_code == 201, response.text
    stored = [_stored(authed, sourced_id) for sourced_id in ids]
    for record, sourced_id in zip(stored, ids, strict=True):
        assert record.pop("sourcedId") == sourced_id
    assert stored[0] == stored[1] == stored[2]
    assert stored[0]["comment"] == "caf\u00e9 au lait" and stored[0]["score"] == 90


def _random_json(rng: random.Random, depth: int) -> Any:
    """Nested objects and arrays whose strings and keys are often brackets: what could fool a bracket count."""
    text = "".join(rng.choice("[]{}ab ") for _ in range(rng.randrange(4)))
    if depth == 0 or rng.random() < 0.3:
        return rng.choice([text, 1, None, True])
    if rng.random() < 0.5:
        return [_random_json(rng, depth - 1) for _ in range(rng.randrange(3))]
    return {f"{text}{i}": _random_json(rng, depth - 1) for i in range(rng.randrange(3))}


def test_the_fast_check_never_passes_what_the_full_walk_refuses() -> None:
    settings = ServerSettings(max_json_depth=3)
    rng = random.Random(20261201)
    bodies = [b'{"]a": {"k": [[""]]}}', b'{"a": "]]]]", "b": [[[[1]]]]}', b'{"}": {"}": {"}": {"}": 1}}}}']
    bodies += [json.dumps(_random_json(rng, 6), ensure_ascii=False).encode() for _ in range(3000)]
    passed = refused = 0
    for raw in bodies:
        if plainly_within_limits(raw, settings):
            passed += 1
            parse_json_body(raw, settings)  # must not raise
        else:
            try:
                parse_json_body(raw, settings)
            except ApiError:
                refused += 1
    assert passed > 300 and refused > 300  # both sides of the limit were tried


def test_a_string_of_closing_brackets_does_not_hide_a_deep_body(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    r, line_item = graded
    deep: Any = "bottom"
    for _ in range(60):
        deep = {"k": deep}
    body = result_body(line_item, r.students[0], comment="]" * 60, metadata=deep)
    response = _put(authed, uid("res"), json.dumps({"result": body}).encode())
    assert response.status_code == 422 and "nested deeper than 32 levels" in response.text


def test_a_body_cannot_name_the_record_in_place_of_the_path(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    # (the fast path appends the path's fields to the body's bytes: a body key of the same name is refused, not
    # overridden in silence)
    r, line_item = graded
    chosen, other = uid("res"), uid("res")
    content = json.dumps({"result": result_body(line_item, r.students[0]), "sourced_id": other}).encode()
    answer = _put(authed, chosen, content)
    assert answer.status_code == 422
    # (as another unknown field is said, the spec's name of what the path gives beside it: it said "sourced_id:
    # unknown field." with a period, the usual form's "Invalid request body: " but no other)
    message = "unknown field (the path gives sourcedId)"
    assert answer.json()["imsx_description"] == f"Invalid request body: sourced_id: {message}"
    assert answer.json()["imsx_error_details"] == [{"field": "sourced_id", "message": message}]
    assert authed.get(f"{GB}/results/{chosen}").status_code == authed.get(f"{GB}/results/{other}").status_code == 404
    batch = {"results": [result_body(line_item, r.students[0])], "line_item_sourced_id": line_item}
    answer = authed.post(f"{GB}/lineItems/{line_item}/results", json=batch)
    assert answer.json()["imsx_error_details"] == [
        {"field": "line_item_sourced_id", "message": "unknown field (the path gives lineItemSourcedId)"}
    ]


def test_a_body_starting_with_a_byte_order_mark_is_taken(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    """RFC 8259 section 8.1 lets a parser ignore a BOM: the answer was 400 "Unexpected UTF-8 BOM (decode using
    utf-8-sig)", Python's advice. One record by PUT, and a batch."""
    r, line_item = graded
    bom = "\ufeff".encode()
    single = result_body(line_item, r.students[0], uid("res"))
    assert _put(authed, single["sourcedId"], bom + json.dumps({"result": single}).encode()).status_code == 201
    batch = [result_body(line_item, r.students[1], uid("res")), result_body(line_item, r.students[2], uid("res"))]
    answer = authed.post(f"{GB}/lineItems/{line_item}/results", content=bom + json.dumps({"results": batch}).encode(),
                         headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 201, answer.text
    for record in (single, *batch):
        assert _stored(authed, record["sourcedId"])["student"] == record["student"]
    # only at the start: a second one is no JSON
    twice = _put(authed, uid("res"), bom + bom + json.dumps({"result": single}).encode())
    assert twice.status_code == 400, twice.text


def test_an_empty_list_is_said_to_need_an_item(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    """pydantic's "List should have at least 1 item after validation, not 0" spoke of its own workings."""
    _, line_item = graded
    answer = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": []})
    assert answer.status_code == 422, answer.text
    assert answer.json()["imsx_description"] == "Invalid request body: results: needs at least 1 item, got 0"
    user = {"enabledUser": True, "givenName": "A", "familyName": "B", "roles": []}
    answer = authed.put(f"/ims/oneroster/rostering/v1p2/users/{uid('u')}", json={"user": user})
    assert answer.json()["imsx_error_details"] == [{"field": "user.roles", "message": "needs at least 1 item, got 0"}]


def test_python_field_names_are_not_wire_names(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    # ``class_`` is the models' Python name for ``class``: on the wire it is an unknown field, whichever path
    # validates the body (the fast path took it for ``class``, the full path asked for a ``class`` key)
    r, _ = graded
    path = f"/ims/oneroster/rostering/v1p2/classes/{r.class_}"
    for content in (b'{"class_": {"title": "Renamed"}}', b'{"class_": {"title": "Renamed\\u0021"}}'):
        answer = authed.put(path, content=content, headers={"Content-Type": "application/json"})
        assert answer.status_code == 422, answer.text
    assert authed.get(path).json()["class"]["title"] == "Class"
    line_item = {**line_item_body(r, _letters_id("li")), "class_": {"sourcedId": r.class_}}
    del line_item["class"]
    answer = authed.post(f"{GB}/lineItems/", json={"lineItem": line_item})
    assert answer.status_code == 422, answer.text
    assert {"field": "lineItem.class_", "message": "unknown field"} in answer.json()["imsx_error_details"]
    assert authed.get(f"{GB}/lineItems/{line_item['sourcedId']}").status_code == 404


def test_a_put_stores_no_longer_sourced_id_from_its_path_than_from_its_body(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    # (a body's sourcedId is at most 255 characters; the path's, taken when the body has none, was not checked)
    r, line_item = graded
    too_long = _letters_id("res") + "x" * 255
    for body in (result_body(line_item, r.students[0]), result_body(line_item, r.students[0], too_long)):
        answer = _put(authed, too_long, json.dumps({"result": body}).encode())
        assert answer.status_code == 422, answer.text
        assert "at most 255 characters" in answer.json()["imsx_description"]
    assert authed.get(f"{GB}/results/{too_long}").status_code == 404
    longest = "y" * 255
    assert _put(authed, longest, json.dumps({"result": result_body(line_item, r.students[0])}).encode()).is_success


def test_an_empty_object_or_a_non_object_gets_the_full_paths_answer(authed: httpx.Client) -> None:
    sourced_id = uid("res")
    empty = _put(authed, sourced_id, b"{ }")
    assert empty.status_code == 422 and empty.json()["imsx_error_details"] == [
        {"field": "result", "message": "Field required"}
    ]
    assert empty.json()["imsx_description"] == "The body needs the 'result' key, the record under it; it is empty."
    # what was sent is said: the keys of a bare record (the first five), the JSON type of another value, no body
    bare = {"lineItem": {"sourcedId": "l"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
            "scoreDate": "2024-01-01", "score": 1, "comment": "c"}  # fmt: skip
    answer = _put(authed, sourced_id, json.dumps(bare).encode())
    assert answer.status_code == 422 and answer.json()["imsx_description"] == (
        "The body needs the 'result' key, the record under it; it has 'lineItem', 'student', 'scoreStatus', "
        "'scoreDate', 'score' (and 1 more)."
    )
    for raw, got in [(b"[1, 2]", "an array"), (b'"x"', "a string"), (b"7", "a number"), (b"null", "null")]:
        answer = _put(authed, sourced_id, raw)
        assert answer.status_code == 400 and answer.json()["imsx_description"] == (
            f"The body must be a JSON object, got {got}."
        )
        assert answer.json()["imsx_error_details"] == [{"field": "body", "message": f"not a JSON object: got {got}"}]
    # a batch's key holds a list of records (it said "the record under it")
    batch = authed.post(f"{GB}/lineItems/{uid('li')}/results", content=json.dumps({"result": bare}).encode())
    assert batch.status_code == 422 and batch.json()["imsx_description"].startswith(
        "The body needs the 'results' key, a list of the records under it; it has 'result'."
    ), batch.text
    nothing = _put(authed, sourced_id, b"")
    assert nothing.status_code == 400 and nothing.json()["imsx_description"] == (
        "The body is empty; it must be a JSON object."
    )
    assert nothing.json()["imsx_error_details"] == [{"field": "body", "message": "empty"}]
    assert authed.get(f"{GB}/results/{sourced_id}").status_code == 404


def test_a_put_replaces_the_record_in_place(client: Timeback, authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    r, line_item = graded
    first, second = uid("res"), uid("res")
    for sourced_id in (first, second):
        assert _put(authed, sourced_id, json.dumps({"result": result_body(line_item, r.students[0])}).encode())
    replaced = result_body(line_item, r.students[1], score=12, comment="again")
    assert _put(authed, first, json.dumps({"result": replaced}).encode()).status_code == 201
    record = _stored(authed, first)
    assert (record["score"], record["comment"], record["student"]["sourcedId"]) == (12, "again", r.students[1])
    listed = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'")
    assert [item.sourcedId for item in listed] == [first, second]  # the replaced record kept its place


def test_one_batch_names_every_unknown_reference_and_stores_nothing(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    r, line_item = graded
    good = result_body(line_item, r.students[0], uid("res"))
    bad_student = result_body(line_item, "no-such-student", uid("res"))
    bad_scale = result_body(line_item, r.students[1], uid("res"), scoreScale={"sourcedId": "no-such-scale"})
    bad_class = result_body(line_item, r.students[2], uid("res"), **{"class": {"sourcedId": "no-such-class"}})
    body = {"results": [good, bad_student, bad_scale, bad_class]}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 422, response.text
    assert sorted(d["field"] for d in response.json()["imsx_error_details"]) == [
        "results[1].student.sourcedId",
        "results[2].scoreScale.sourcedId",
        "results[3].class.sourcedId",
    ]
    assert authed.get(f"{GB}/results/{good['sourcedId']}").status_code == 404


def test_a_batch_names_every_record_holding_an_unknown_reference(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """Each record naming an unknown id is named, not only the first: a client sending the batch again without the
    records named (as ``bulk_post_results`` does) met one more 422 for each of the others. The description shows the
    first five and how many more; a batch of thousands names the first ``MAX_NAMED_FIELDS``, as other 422s do."""
    r, line_item = graded
    records = [result_body(line_item, r.students[0], uid("res")) for _ in range(12)]
    ghosts = (1, 3, 4, 6, 7, 9, 10)
    for i in ghosts:
        records[i]["student"] = {"sourcedId": "ghost-1"}
    records[8]["scoreScale"] = {"sourcedId": "no-such-scale"}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": records})
    assert response.status_code == 422, response.text
    details = [(d["field"], d["message"]) for d in response.json()["imsx_error_details"]]
    named = [(f"results[{i}].student.sourcedId", "unknown user 'ghost-1'") for i in ghosts]
    assert details == [*named, ("results[8].scoreScale.sourcedId", "unknown score scale 'no-such-scale'")]
    shown = "; ".join(f"{where}: {message}" for where, message in named[:5])
    assert response.json()["imsx_description"] == f"Unknown reference: {shown} (and 3 more)"
    many = [result_body(line_item, "ghost-2", uid("res")) for _ in range(MAX_NAMED_FIELDS + 200)]
    names_the_first_of_many(authed, line_item, many, "student.sourcedId")
    assert authed.get(f"{GB}/results/{records[0]['sourcedId']}").status_code == 404


def test_a_batch_names_every_value_its_reading_refuses_and_stores_nothing(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """Strings holding U+0000 or over ``max_string_length`` (a field, metadata, a metadata key) and metadata nested
    too deep, in six records of a batch: one 422 names each, in the body's order, as validation and the reference
    checks name theirs. It named the first alone: a client sending the batch again without the records named (as
    ``bulk_post_results`` does) met one more 422 for each of the others, and the SDK failed the batch whole at the
    fourth. A batch of thousands names the first ``MAX_NAMED_FIELDS``, as other 422s do."""
    r, line_item = graded
    records = [result_body(line_item, r.students[0], uid("res")) for _ in range(12)]
    records[1]["comment"] = "a\u0000b"
    records[3]["textScore"] = "x" * 65_537
    records[4]["metadata"] = {"ok": 1, "k\u0000": "v\u0000"}  # (a key and its value: two places, one record)
    records[7]["metadata"] = {"notes": ["ok", "n" * 70_000]}
    records[9]["metadata"] = _nested(31)
    records[11]["comment"] = "\u0000" + "c" * 65_536
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": records})
    assert response.status_code == 422, response.text
    nul, long = "contains U+0000 (\\u0000), which the server does not store", "longer than 65536 characters"
    expected = [
        ("results[1].comment", nul),
        ("results[3].textScore", f"{long} (65537)"),
        ("results[4].metadata (a key)", nul),
        ("results[4].metadata.k\u0000", nul),
        ("results[7].metadata.notes[1]", f"{long} (70000)"),
        (f"results[9].metadata{'.a' * 30}", "nested deeper than 32 levels"),
        ("results[11].comment", f"{long} (65537)"),
        ("results[11].comment", nul),
    ]
    assert [(d["field"], d["message"]) for d in response.json()["imsx_error_details"]] == expected
    shown = "; ".join(f"{where}: {message}" for where, message in expected[:5])
    assert response.json()["imsx_description"] == f"Invalid request body: {shown} (and 3 more)"
    assert all(authed.get(f"{GB}/results/{record['sourcedId']}").status_code == 404 for record in records)
    many = [result_body(line_item, r.students[0], uid("res"), comment="\u0000") for _ in range(MAX_NAMED_FIELDS + 20)]
    names_the_first_of_many(authed, line_item, many, "comment")


def names_the_first_of_many(authed: httpx.Client, line_item: str, many: list[dict[str, Any]], field: str) -> None:
    """A batch of more records refused at ``field`` than a 422 names: it names the first ``MAX_NAMED_FIELDS``, and
    counts the others."""
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": many}, timeout=60)
    assert response.status_code == 422, response.text
    fields = [d["field"] for d in response.json()["imsx_error_details"]]
    assert fields == [f"results[{i}].{field}" for i in range(MAX_NAMED_FIELDS)]
    more = f"(and {MAX_NAMED_FIELDS - 5} more; {len(many) - MAX_NAMED_FIELDS} more errors not named)"
    assert response.json()["imsx_description"].endswith(more), response.json()["imsx_description"][-200:]


def test_what_is_no_json_text_is_400_naming_it_before_any_value_the_server_does_not_store(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """NaN and an unpaired surrogate escape make a body no JSON text (400), a string holding U+0000 one of values
    the server does not store (422): with both, the 400 names each of the former, in the body's order."""
    r, line_item = graded
    records = [json.dumps(result_body(line_item, r.students[0], uid("res"), comment=c)) for c in ("a\0", "b", "c")]
    body = '{"results": [' + ", ".join(records).replace('"b"', '"\\ud800"').replace('"score": 90,', '"score": NaN,', 1)
    response = _post(authed, line_item, (body + "]}").encode())
    assert response.status_code == 400, response.text
    assert [(d["field"], d["message"]) for d in response.json()["imsx_error_details"]] == [
        ("results[0].score", "NaN is not a finite JSON number"),
        ("results[1].comment", "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text"),
    ]


def _nested(levels: int) -> dict[str, Any]:
    """``levels`` objects, each in the one before (a result's metadata is the third level of a PUT's body)."""
    value: dict[str, Any] = {"x": 1}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def _post(http: httpx.Client, line_item: str, content: bytes) -> httpx.Response:
    return http.post(
        f"{GB}/lineItems/{line_item}/results", content=content, headers={"Content-Type": "application/json"}
    )


def test_a_batch_takes_a_record_nested_as_deep_as_a_put_takes_it(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """The array of a batch's records is no level: metadata a PUT takes (30 levels, its innermost object the body's
    32nd) is taken in a batch too. The array counted one level more, and such a record was a 400 for its whole
    batch (the SDK's 1,000 results failed together), though the same record alone was stored. One level more is
    refused in either, 422 naming where (the SDK fails that result alone)."""
    r, line_item = graded
    put, posted = uid("res"), uid("res")
    alone = authed.put(
        f"{GB}/results/{put}", json={"result": result_body(line_item, r.students[0], metadata=_nested(30))}
    )
    assert alone.status_code == 201, alone.text
    batch = [result_body(line_item, r.students[1], posted, metadata=_nested(30))]
    # (its bytes nest one level past the limit, as the fast check counts them: the full path decides)
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": batch})
    assert response.status_code == 201, response.text
    assert _stored(authed, posted)["metadata"] == _nested(30)
    too_deep = {"metadata": _nested(31)}
    refused = authed.put(
        f"{GB}/results/{uid('res')}", json={"result": result_body(line_item, r.students[0], **too_deep)}
    )
    assert refused.status_code == 422
    assert refused.json()["imsx_error_details"] == [
        {"field": f"result.metadata{'.a' * 30}", "message": "nested deeper than 32 levels"}
    ]
    batch = [
        result_body(line_item, r.students[1], uid("res")),
        result_body(line_item, r.students[2], uid("res"), **too_deep),
    ]
    refused = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": batch})
    assert refused.status_code == 422
    assert refused.json()["imsx_error_details"] == [
        {"field": f"results[1].metadata{'.a' * 30}", "message": "nested deeper than 32 levels"}
    ]
    assert authed.get(f"{GB}/results/{batch[0]['sourcedId']}").status_code == 404


def test_a_batch_names_every_record_whose_user_lacks_the_role(server: LocalServer, client: Timeback) -> None:
    """As for an unknown reference: each enrollment naming a user outside its role is named with why, not only the
    first naming that (role, user), and at most ``MAX_NAMED_FIELDS``. No route posts enrollments in a batch; the
    seed loader does (``insert_new(batch=True)``), so the service is called as it calls it."""
    from timeback.resources.rostering import RosteringOperations
    from timeback.server.collections import COLLECTIONS

    r = make_roster(client)
    teacher = uid("teacher")
    client.oneroster.rostering.create_user(user={"sourcedId": teacher, "enabledUser": True, "givenName": "G",
                                                 "familyName": "F", "roles": [{"roleType": "primary", "role": "teacher",
                                                                               "org": {"sourcedId": r.school}}]})  # fmt: skip
    op = next(op for op in RosteringOperations.operations() if op.name == "create_enrollment")
    service, coll = server.app.state.service, COLLECTIONS["enrollments"]

    def refused(users_roles: list[tuple[str, str]]) -> ApiError:
        records = [{"sourcedId": uid("enr"), "status": "active", "user": {"sourcedId": user},
                    "class": {"sourcedId": r.class_}, "role": role} for user, role in users_roles]  # fmt: skip
        with pytest.raises(ApiError) as err, server.app.state.storage.transaction() as tx:
            service.insert_new(tx, op, coll, {}, records, batch=True)
        assert err.value.status == 422
        return err.value

    student = r.students[0]
    pairs = [(student, "student")] * 10
    lacking = (1, 2, 4, 5, 7, 8, 9)
    for i in lacking:
        pairs[i] = (teacher, "student")
    pairs[3] = (student, "teacher")
    err = refused(pairs)
    as_student = f"user {teacher!r} does not hold the student role (its roles: teacher)"
    as_teacher = f"user {student!r} does not hold the teacher role (its roles: student)"
    named = [(f"enrollment[{i}].user.sourcedId", as_student if i in lacking else as_teacher) for i in (1, 2, 3, 4, 5)]
    assert err.fields[:5] == named
    assert sorted(err.fields) == sorted(
        [(f"enrollment[{i}].user.sourcedId", as_student) for i in lacking]
        + [("enrollment[3].user.sourcedId", as_teacher)]
    )
    shown = "; ".join(f"{where}: {message}" for where, message in named)
    assert err.description == f"Reference not allowed here: {shown} (and 3 more)"  # (the user exists)
    err = refused([(teacher, "student")] * (MAX_NAMED_FIELDS + 200))
    assert [where for where, _ in err.fields] == [f"enrollment[{i}].user.sourcedId" for i in range(MAX_NAMED_FIELDS)]
    assert err.description.endswith(f"(and {MAX_NAMED_FIELDS - 5} more; 200 more errors not named)")


def test_ids_holding_a_nul_are_refused_before_anything_is_stored(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """SQLite's JSON functions end a string at its first \\u0000 (ids holding one were reported unknown, and
    filters matched the wrong rows), and PostgreSQL refuses it: no request may name such an id, in the body (422
    naming where) or in the path (400). Files written before hold some: ``test_storage`` finds them."""
    r, line_item = graded
    student = uid("student") + "\x00a"
    user = {"sourcedId": student, "enabledUser": True, "givenName": "G", "familyName": "F",
            "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": r.school}}]}  # fmt: skip
    response = authed.post("/ims/oneroster/rostering/v1p2/users/", json={"user": user})
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["imsx_error_details"]] == ["user.sourcedId"]
    kept = uid("res")
    body = {"results": [result_body(line_item, r.students[0], kept), result_body(line_item, student, uid("res"))]}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["imsx_error_details"]] == ["results[1].student.sourcedId"]
    assert authed.get(f"{GB}/results/{kept}").status_code == 404  # (all or nothing)
    response = _put(authed, f"{kept}%00again", json.dumps({"result": result_body(line_item, r.students[0])}).encode())
    assert response.status_code == 400, response.text
    assert [d["field"] for d in response.json()["imsx_error_details"]] == ["path"]


def test_a_batch_colliding_with_a_stored_record_is_refused_whole(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    r, line_item = graded
    taken = uid("res")
    assert _put(authed, taken, json.dumps({"result": result_body(line_item, r.students[0])}).encode())
    fresh = result_body(line_item, r.students[1], uid("res"))
    body = {"results": [fresh, result_body(line_item, r.students[2], taken)]}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 409, response.text
    # Only the taken id is named, not the fresh one the same statement had inserted before it met the taken one.
    details = response.json()["imsx_error_details"]
    assert [(d["field"], d["message"]) for d in details] == [("results[1].sourcedId", f"'{taken}' already exists")]
    assert authed.get(f"{GB}/results/{fresh['sourcedId']}").status_code == 404
    # The writer connection is usable after the rollback: the same batch without the collision lands.
    assert authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": [fresh]}).status_code == 201
    assert _stored(authed, fresh["sourcedId"])["sourcedId"] == fresh["sourcedId"]


def test_a_batch_colliding_with_deleted_records_says_a_put_revives_them(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    r, line_item = graded
    deleted, live = [uid("res") for _ in range(2)], uid("res")
    for sourced_id in [*deleted, live]:
        assert _put(authed, sourced_id, json.dumps({"result": result_body(line_item, r.students[0])}).encode())
    for sourced_id in deleted:
        assert authed.delete(f"{GB}/results/{sourced_id}").status_code == 204
    body = {"results": [result_body(line_item, r.students[0], sourced_id) for sourced_id in [live, *deleted]]}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 409, response.text
    first, second = deleted  # (named in the batch's order)
    assert response.json()["imsx_description"] == (
        f"Result already exists: '{live}', '{first}', '{second}'; '{first}', '{second}' exist as deleted "
        "records (status 'tobedeleted'): PUT them to revive them"
    )
    details = {d["field"]: d["message"] for d in response.json()["imsx_error_details"]}
    assert details["results[0].sourcedId"] == f"'{live}' already exists"
    assert details["results[1].sourcedId"].endswith(
        "exists as a deleted record (status 'tobedeleted'): PUT it to revive it"
    )


def test_a_conflict_quotes_each_id_it_names(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    """(Joined with ", " unquoted, the one taken id "r-1, r-2" read as two: "Result already exists: r-1, r-2".)"""
    r, line_item = graded
    taken, deleted = f"{uid('res')}, {uid('res')}", f"{uid('res')}, {uid('res')}"
    for sourced_id in (taken, deleted):
        body = json.dumps({"result": result_body(line_item, r.students[0])}).encode()
        assert _put(authed, quote(sourced_id, safe=""), body).status_code == 201
    assert authed.delete(f"{GB}/results/{quote(deleted, safe='')}").status_code == 204
    body = {"results": [result_body(line_item, r.students[0], sourced_id) for sourced_id in (taken, deleted)]}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 409, response.text
    revive = f"'{deleted}' exists as a deleted record (status 'tobedeleted'): PUT it to revive it"
    assert response.json()["imsx_description"] == f"Result already exists: '{taken}', '{deleted}'; {revive}"
    details = {d["field"]: d["message"] for d in response.json()["imsx_error_details"]}
    assert details == {"results[0].sourcedId": f"'{taken}' already exists", "results[1].sourcedId": revive}


def test_a_conflict_names_every_taken_item_in_the_batchs_order_as_a_422_names_them(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """(A 409 named the first ten taken ids, sorted, and no more: not in its description, not in its code minors,
    never saying there were more; a 422 names every field, the first five in its description, "(and 25 more)".)
    Past ``MAX_NAMED_FIELDS`` it counts the rest as a 422 does; what it says of a deleted record holds for each."""
    r, line_item = graded
    count = MAX_NAMED_FIELDS + 3
    ids = sorted((uid("res") for _ in range(count)), reverse=True)  # (sorted order is not the batch's)
    body = {"results": [result_body(line_item, r.students[0], sourced_id) for sourced_id in ids]}
    assert authed.post(f"{GB}/lineItems/{line_item}/results", json=body).status_code == 201
    deleted = [ids[1], ids[600]]  # (one in the description, one named only in the details)
    for sourced_id in deleted:
        assert authed.delete(f"{GB}/results/{sourced_id}").status_code == 204
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 409, response.text
    shown = ", ".join(map(repr, ids[:5]))
    assert response.json()["imsx_description"] == (
        f"Result already exists: {shown} (and {MAX_NAMED_FIELDS - 5} more; 3 more ids not named); "
        f"'{ids[1]}' exists as a deleted record (status 'tobedeleted'): PUT it to revive it; "
        "1 more of those named exists as a deleted record (imsx_error_details says where a PUT revives each)"
    )
    details = [(d["field"], d["message"]) for d in response.json()["imsx_error_details"]]
    revive = "exists as a deleted record (status 'tobedeleted'): PUT it to revive it"
    assert details == [
        (f"results[{i}].sourcedId", f"'{ids[i]}' {revive if ids[i] in deleted else 'already exists'}")
        for i in range(MAX_NAMED_FIELDS)
    ]
    minors = response.json()["imsx_CodeMinor"]["imsx_codeMinorField"]
    assert [c["imsx_codeMinorFieldName"] for c in minors] == [field for field, _ in details]


def test_a_repeated_sourced_id_is_quoted_as_a_conflict_quotes_it(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """(The 422 joined the repeated ids with ", " unquoted: the one id "r-1, r-2" repeated read as two.)"""
    r, line_item = graded
    repeated, other = f"{uid('res')}, {uid('res')}", uid("res")
    ids = (repeated, other, repeated, other)
    body = {"results": [result_body(line_item, r.students[0], sourced_id) for sourced_id in ids]}
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json=body)
    assert response.status_code == 422, response.text
    first, second = sorted([repeated, other])
    assert response.json()["imsx_description"] == f"sourcedId repeated within the batch: '{first}', '{second}'"
    details = {d["field"]: d["message"] for d in response.json()["imsx_error_details"]}
    assert details == {
        "results[2].sourcedId": f"'{repeated}' repeats item 0's",
        "results[3].sourcedId": f"'{other}' repeats item 1's",
    }


def test_ids_differing_only_in_normalization_read_differently_in_a_refusal(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """(NFC "Jos\\u00e9" and NFD "Jose\\u0301" printed alike: "category.sourcedId 'José' does not match the path's
    sourcedId 'José'", and "unknown user 'José'" of the id a stored user seems to have.)"""
    _, line_item = graded
    base = uid("jos")
    nfc, nfd = f"{base}\u00e9", f"{base}e\u0301"
    shown = f"'{base}e\\u0301'"  # (the combining mark escaped: repr leaves it as it is)
    response = authed.put(f"{GB}/categories/{quote(nfc)}", json={"category": {"title": "t", "sourcedId": nfd}})
    assert response.status_code == 422, response.text
    says = f"{shown} does not match the path's sourcedId '{nfc}'"
    assert response.json()["imsx_description"] == f"category.sourcedId {says}"
    response = authed.post(f"{GB}/results", json={"result": result_body(line_item, nfd, uid("res"))})
    assert response.status_code == 422, response.text
    assert response.json()["imsx_description"] == f"Unknown reference: result.student.sourcedId: unknown user {shown}"


def test_a_conflict_names_the_item_whose_sourced_id_is_taken(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    """A 409 names the field as a 422 does: ``results[3].sourcedId`` in a batch, ``result.sourcedId`` for one
    record. It named a bare ``sourcedId``, so a caller could not tell which item of a batch was taken."""
    r, line_item = graded
    taken_results = [uid("res") for _ in range(2)]
    assert (
        authed.post(
            f"{GB}/lineItems/{line_item}/results",
            json={
                "results": [
                    result_body(line_item, r.students[i], sourced_id) for i, sourced_id in enumerate(taken_results)
                ]
            },
        ).status_code
        == 201
    )
    taken_line_item = uid("li")
    assert authed.put(f"{GB}/lineItems/{taken_line_item}", json={"lineItem": line_item_body(r)}).status_code == 201
    fresh = [result_body(line_item, r.students[i % 3], uid("res")) for i in range(3)]
    colliding_results = [*fresh, result_body(line_item, r.students[0], taken_results[1])]
    in_class = [line_item_body(r, uid("li")), line_item_body(r, taken_line_item)]
    in_school = [line_item_body(r, taken_line_item)]
    cases = [
        (f"{GB}/lineItems/{line_item}/results", {"results": colliding_results}, ["results[3].sourcedId"]),
        (f"{GB}/classes/{r.class_}/academicSessions/{r.term}/results", {"results": colliding_results},
         ["results[3].sourcedId"]),
        (f"{GB}/classes/{r.class_}/lineItems", {"lineItems": in_class}, ["lineItems[1].sourcedId"]),
        (f"{GB}/schools/{r.school}/lineItems", {"lineItems": in_school}, ["lineItems[0].sourcedId"]),
        (f"{GB}/results/", {"result": result_body(line_item, r.students[0], taken_results[0])}, ["result.sourcedId"]),
    ]  # fmt: skip
    for url, body, fields in cases:
        response = authed.post(url, json=body)
        assert response.status_code == 409, (url, response.text)
        details = response.json()["imsx_error_details"]
        assert [d["field"] for d in details] == fields, (url, details)
        assert [
            c["imsx_codeMinorFieldName"] for c in response.json()["imsx_CodeMinor"]["imsx_codeMinorField"]
        ] == fields


def test_a_sourced_id_with_a_slash_goes_through_the_lane(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    r, line_item = graded
    sourced_id = f"{uid('res')}/part"
    content = json.dumps({"result": result_body(line_item, r.students[0])}).encode()
    path = sourced_id.replace("/", "%2F")
    assert _put(authed, path, content).status_code == 201
    assert _stored(authed, path)["sourcedId"] == sourced_id


def test_a_path_that_is_not_text_is_refused_not_merged_with_another(
    server: LocalServer, authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    # (the ASGI server decodes each byte that is not UTF-8 as U+FFFD: caf%E9 and caf%E8 were one record; and
    # U+FFFF is the routing's stand-in for %2F: a%EF%BF%BFb was stored as a/b)
    r, line_item = graded
    stem = _letters_id("res")
    body = {"result": result_body(line_item, r.students[0])}
    for sent, stored in ((f"{stem}%E9", f"{stem}%EF%BF%BD"), (f"{stem}a%EF%BF%BFb", f"{stem}a%2Fb")):
        url = httpx.URL(f"{server.url}{GB}/results/{sent}")  # (the escapes as written)
        for request in (authed.build_request("PUT", url, json=body), authed.build_request("DELETE", url)):
            answer = authed.send(request)
            assert answer.status_code == 400, answer.text
            assert answer.json()["imsx_error_details"][0]["field"] == "path"
            assert answer.json()["imsx_description"].startswith(("The path: not UTF-8 ", "The path: holds U+FFFF"))
        assert (
            authed.send(authed.build_request("GET", httpx.URL(f"{server.url}{GB}/results/{stored}"))).status_code == 404
        )
    replacement = httpx.URL(f"{server.url}{GB}/results/{stem}%EF%BF%BD")  # U+FFFD itself, as UTF-8: an id like others
    assert authed.send(authed.build_request("PUT", replacement, json=body)).status_code == 201
    assert authed.get(f"{GB}/results/{stem}\ufffd").json()["result"]["sourcedId"] == f"{stem}\ufffd"


async def test_a_path_that_is_not_text_is_refused_without_a_raw_path_too(make_app: Any) -> None:
    """``raw_path`` is optional in ASGI (``create_app`` is public, for any server): without it, the check above
    returned and caf%E9 and caf%E8 were one record, caf\ufffd; a%EF%BF%BFb was stored as a/b. The decoded path
    is then all there is: a U+FFFD or U+FFFF in it is refused."""
    app = make_app(ServerSettings(client_id="id", client_secret="secret"))

    async def no_raw_path(scope: Any, receive: Any, send: Any) -> None:
        await app({k: v for k, v in scope.items() if k != "raw_path"}, receive, send)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(no_raw_path), base_url="http://local") as http:
        form = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
        http.headers["Authorization"] = "Bearer " + (await http.post("/oauth2/token", data=form)).json()["access_token"]
        body = {"category": {"title": "T"}}
        for sent, says in (("caf%E9", "holds U+FFFD"), ("a%EF%BF%BFb", "holds U+FFFF")):
            path = f"{GB}/categories/{sent}"
            for answer in (await http.put(path, json=body), await http.get(path)):
                assert answer.status_code == 400, answer.text
                assert answer.json()["imsx_error_details"][0]["field"] == "path"
                assert answer.json()["imsx_description"].startswith(f"The path: {says}")
        assert (await http.get(f"{GB}/categories/caf%E8")).status_code == 400  # (not the same record)
        assert (await http.put(f"{GB}/categories/caf%C3%A9", json=body)).status_code == 201  # (text: taken)
        assert (await http.get(f"{GB}/categories/caf\u00e9")).json()["category"]["sourcedId"] == "caf\u00e9"


def test_a_sourced_id_no_path_can_address_is_refused_when_created(
    client: Timeback, authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """A sourcedId holding U+FFFF was stored from a POST body (one record or a batch), and then no path could reach
    it: U+FFFF stands in for %2F while routing, so a path holding it is 400. Now 422 naming the field, as the item
    of a batch a 422 names; nothing of the batch is stored. (A PUT's id is its path's: refused there already.)"""
    r, line_item = graded
    stem = _letters_id("res")
    bad = f"{stem}a\uffffb"
    good = result_body(line_item, r.students[1], uid("res"))
    in_class = [line_item_body(r, uid("li")), line_item_body(r, f"{_letters_id('li')}\uffff")]
    cases = [
        (f"{GB}/results/", {"result": result_body(line_item, r.students[0], bad)}, "result.sourcedId"),
        (f"{GB}/lineItems/{line_item}/results", {"results": [good, good | {"sourcedId": bad}]}, "results[1].sourcedId"),
        (f"{GB}/classes/{r.class_}/lineItems", {"lineItems": in_class}, "lineItems[1].sourcedId"),
        ("/ims/oneroster/rostering/v1p2/orgs/", {"org": {"sourcedId": bad, "name": "N", "type": "school"}},
         "org.sourcedId"),
        (f"{GB}/results/{stem}", {"result": result_body(line_item, r.students[0], bad)}, "result.sourcedId"),
    ]  # fmt: skip
    for url, body, field in cases:
        response = authed.request("PUT" if url.endswith(stem) else "POST", url, json=body)
        assert response.status_code == 422, (url, response.text)
        assert [d["field"] for d in response.json()["imsx_error_details"]] == [field], (url, response.text)
    assert authed.get(f"{GB}/results/{good['sourcedId']}").status_code == 404  # (the batch stored nothing)
    assert authed.get(f"{GB}/lineItems/{in_class[0]['sourcedId']}").status_code == 404
    # The same through the SDK (the dict path validates a body straight into dicts)
    with pytest.raises(UnprocessableEntityError, match=r"results\[0\]\.sourcedId"):
        client.oneroster.gradebook.create_result_for_line_item(
            line_item_sourced_id=line_item, results=[result_body(line_item, r.students[0], bad)]
        )
    # Other noncharacters reach their record by path: they stay ids like any other
    other = f"{stem}\ufffe\ufdd0"
    assert (
        authed.post(f"{GB}/results/", json={"result": result_body(line_item, r.students[0], other)}).status_code == 201
    )
    assert authed.get(f"{GB}/results/{other}").json()["result"]["sourcedId"] == other


def test_the_lane_answers_like_the_routes_for_auth_and_unknown_paths(server: LocalServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        missing = http.put(f"{GB}/results/x", json={})
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == 'Bearer realm="timeback"'
        assert missing.json()["imsx_description"] == "Missing bearer token."
        bad = http.get(f"{GB}/results/x", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401 and bad.json()["imsx_description"] == "Invalid or expired token."
        unknown = http.get(f"{GB}/nothing-here", headers={"Authorization": "Bearer nope"})
        assert unknown.status_code == 404 and unknown.json()["imsx_description"] == "Unknown endpoint."
        wrong_method = http.post(f"{GB}/results/x", headers={"Authorization": "Bearer nope"})
        assert wrong_method.status_code == 405 and "PUT" in wrong_method.headers["allow"]


def test_made_request_ids_are_distinct_hex(authed: httpx.Client) -> None:
    ids = [authed.get(f"{GB}/results/none").headers["x-request-id"] for _ in range(20)]
    assert len(set(ids)) == 20 and all(re.fullmatch("[0-9a-f]{32}", i) for i in ids)


def test_every_answer_says_what_the_server_spent_on_it(authed: httpx.Client) -> None:
    for response in (authed.get(f"{GB}/results/none"), authed.put(f"{GB}/results/x", json={}), authed.get("/health")):
        timing = re.fullmatch(r"app;dur=(\d+\.\d{3})", response.headers["server-timing"])
        assert timing is not None and 0 < float(timing.group(1)) < 60_000, response.headers


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("scoreStatus", "half graded", "is not one of"),
        ("scoreDate", "2024-02-30", "is not a real date (day is out of range for month)"),
        ("scoreDate", "2024-01-10T12:00:00+00:60", "is not a real date-time"),
        ("scoreDate", "2024-01-10T12:00:00+23:60", "is not a real date-time (an offset's minutes and seconds go up"),
        ("scoreDate", "9999-12-31T23:59:59-05:00", "is not a real date-time"),
        ("status", "gone", "is not one of"),
    ],
)
def test_strict_checks_across_a_batch_name_the_one_bad_record(
    authed: httpx.Client, graded: tuple[Roster, str], field: str, value: str, message_part: str
) -> None:
    r, line_item = graded
    records = [result_body(line_item, r.students[i % 3], uid("res")) for i in range(10)]
    records[7][field] = value  # the others share every date and enum value: one bad one must still be found
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": records})
    assert response.status_code == 422, response.text
    (detail,) = response.json()["imsx_error_details"]
    assert detail["field"] == f"results[7].{field}" and message_part in detail["message"]


def test_which_scoped_batches_take_the_reference_from_the_path(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """As the README's "Batch class scoping" has it: results posted under a class's academic session take the
    path's class; line items posted under a class or a school must name their class and school (the spec requires
    both), and results posted under a line item their line item. (The README said every class-scoped batch took
    the path's class.)"""
    r, line_item = graded
    result = result_body(line_item, r.students[0], uid("res"))
    path = f"{GB}/classes/{r.class_}/academicSessions/{r.term}/results"
    assert authed.post(path, json={"results": [result]}).status_code == 201
    assert _stored(authed, str(result["sourcedId"]))["class"]["sourcedId"] == r.class_
    missing: list[tuple[str, str, dict[str, object]]] = [
        (f"{GB}/classes/{r.class_}/lineItems", "lineItems", line_item_body(r, uid("li"))),
        (f"{GB}/schools/{r.school}/lineItems", "lineItems", line_item_body(r, uid("li"))),
        (f"{GB}/lineItems/{line_item}/results", "results", result_body(line_item, r.students[1], uid("res"))),
    ]
    for (path, key, body), field in zip(missing, ["class", "school", "lineItem"], strict=True):
        del body[field]
        response = authed.post(path, json={key: [body]})
        assert response.status_code == 422, response.text
        assert response.json()["imsx_error_details"] == [{"field": f"{key}[0].{field}", "message": "Field required"}]


def test_one_422_names_a_records_type_errors_and_its_strict_problems_together(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """Enum members and real dates are checked after pydantic: a record pydantic refused (a string score) has its
    other fields checked too, one by one, so one answer names all three (in the body's order)."""
    r, line_item = graded
    body = result_body(line_item, r.students[0], scoreStatus="ext:foo", scoreDate="2024-02-30")
    body["score"] = "x"
    body = {key: body[key] for key in ("lineItem", "student", "scoreStatus", "scoreDate", "score")}
    response = authed.put(f"{GB}/results/{uid('res')}", json={"result": body})
    assert response.status_code == 422, response.text
    named = {d["field"]: d["message"] for d in response.json()["imsx_error_details"]}
    assert list(named) == ["result.scoreStatus", "result.scoreDate", "result.score"], named
    assert "is not one of" in named["result.scoreStatus"]
    assert "is not a real date" in named["result.scoreDate"]
    assert "result.scoreStatus: 'ext:foo' is not one of" in response.json()["imsx_description"]


def test_one_422_names_every_bad_record_of_a_batch(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    """A batch where pydantic refuses one record and another only fails the strict checks: both named at once
    (what the bulk helper needs to re-send the batch without them), in the batch's order."""
    r, line_item = graded
    records = [result_body(line_item, r.students[i % 3], uid("res")) for i in range(5)]
    records[1]["score"] = "x"
    records[2]["scoreStatus"] = "ext:foo"
    records[3]["scoreDate"] = "2024-02-30"
    records[3]["student"] = {"sourcedId": 7}  # (a type error under a reference: its date is still checked)
    response = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": records})
    assert response.status_code == 422, response.text
    answer = response.json()
    assert [d["field"] for d in answer["imsx_error_details"]] == [
        "results[1].score", "results[2].scoreStatus", "results[3].student.sourcedId", "results[3].scoreDate",
    ]  # fmt: skip
    assert answer["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "invaliddata"
    assert authed.get(f"{GB}/results/{records[0]['sourcedId']}").status_code == 404  # (nothing was written)


def test_a_listing_under_a_parent_with_a_slash_links_to_itself_and_answers_with_a_trailing_slash(
    client: Timeback, authed: httpx.Client
) -> None:
    r = make_roster(client, ids={"class": f"{uid('class')}/7a"})
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
    )
    quoted = r.class_.replace("/", "%2F")
    listing = authed.get(f"{GB}/classes/{quoted}/lineItems", params={"limit": 1})
    assert listing.status_code == 200, listing.text
    assert [item["sourcedId"] for item in listing.json()["lineItems"]] == [line_item]
    assert f"/classes/{quoted}/lineItems?" in listing.headers["link"]
    slashed = authed.get(f"{GB}/classes/{quoted}/lineItems/", params={"limit": 1}, follow_redirects=False)
    assert slashed.status_code == 200, slashed.text
    assert [item["sourcedId"] for item in slashed.json()["lineItems"]] == [line_item]


def test_a_trailing_slash_never_redirects(authed: httpx.Client, graded: tuple[Roster, str]) -> None:
    """Starlette's redirect_slashes answered 307 for any path but a root collection with a slash after it
    (``PUT /results/x/``, ``POST /classes/c/lineItems/``): a redirected write, which clients do not follow with
    its body. A record path with a slash after the id is 404 (``/results/abc/`` may be the id ``abc/`` sent
    unencoded: another record); a collection under a parent is served with the slash, as a root one is."""
    r, line_item = graded
    sourced_id = uid("res")
    body = {"result": result_body(line_item, r.students[0])}
    for method, content in (("PUT", body), ("GET", None), ("PATCH", body), ("DELETE", None), ("POST", body)):
        response = authed.request(method, f"{GB}/results/{sourced_id}/", json=content, follow_redirects=False)
        assert response.status_code == 404, (method, response.status_code, response.headers.get("location"))
        assert response.json()["imsx_description"] == "Unknown endpoint.", (method, response.text)
    assert authed.get(f"{GB}/results/{sourced_id}").status_code == 404  # (nothing was written)
    posted = authed.post(
        f"{GB}/classes/{r.class_}/lineItems/",
        json={"lineItems": [line_item_body(r, uid("li"))]},
        follow_redirects=False,
    )
    assert posted.status_code == 201, posted.text
    assert authed.get(f"{GB}/lineItems/{posted.json()['sourcedIdPairs'][0]['allocatedSourcedId']}").status_code == 200
    assert authed.get(f"{GB}/results/", params={"limit": 1}).status_code == 200  # (a root collection, as before)


def test_a_write_waiting_for_the_database_lock_leaves_the_server_answering(tmp_path: Any) -> None:
    import sqlite3
    import threading

    database = tmp_path / "locked.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
        other = sqlite3.connect(database)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        answers: list[int] = []
        writer = threading.Thread(
            target=lambda: answers.append(
                http.put(f"{GB}/categories/c1", json={"category": {"title": "T"}}).status_code
            )
        )
        writer.start()
        try:
            for _ in range(3):  # while the PUT waits for the lock, the rest of the server still answers
                assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
                assert http.get(f"{GB}/categories/none", timeout=5).status_code == 404
            assert writer.is_alive() and answers == []
        finally:
            other.rollback()
            other.close()
        writer.join()
        assert answers == [201]


def test_a_large_writes_answer_is_encoded_off_the_event_loop(
    server: LocalServer, authed: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large body's record is echoed whole: its JSON (26 MB for 1.5M metadata keys) was encoded on the event loop,
    which answered nobody meanwhile. Here encoding the large answer waits until ``/health`` has been answered: on
    the loop, that never happens (the guard's 10 s run out and /health fails)."""
    import threading

    from timeback.server import lane

    encoding, health_answered = threading.Event(), threading.Event()
    real_to_json = lane.to_json

    def held_to_json(value: Any) -> bytes:
        encoded = real_to_json(value)
        if len(encoded) > lane.LARGE_BODY_BYTES:
            encoding.set()
            health_answered.wait(10)
        return encoded

    monkeypatch.setattr(lane, "to_json", held_to_json)
    values = [f"value-{i:08d}" for i in range(100_000)]  # (1.6 MB)
    answers: list[httpx.Response] = []
    writer = threading.Thread(target=lambda: answers.append(authed.put(f"{GB}/categories/{uid('cat')}",
                              json={"category": {"title": "Big", "metadata": {"values": values}}}, timeout=60)))  # fmt: skip
    writer.start()
    try:
        assert encoding.wait(30)
        assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
    finally:
        health_answered.set()
        writer.join()
    assert answers[0].status_code == 201, answers[0].text
    assert answers[0].json()["category"]["metadata"]["values"] == values


def test_a_body_over_the_values_limit_only_in_its_metadata_takes_the_fast_check() -> None:
    """Commas count values wherever they are; past the limit, only those outside ``metadata`` are counted
    exactly: a metadata-heavy body took the full walk, five passes over its values, 8 s for 1.5M keys. A count
    past a limit, on the parse made for it, is the full path's 413 at once (not that path's parse again)."""
    settings = ServerSettings(max_json_values=20)
    in_metadata = json.dumps({"category": {"title": "T", "metadata": {"a": list(range(50)), "b": {"c": [[1], {}]}}}})
    assert plainly_within_limits(in_metadata.encode(), settings)
    outside = json.dumps({"results": [{"sourcedId": f"r{i}", "metadata": {"k": i}} for i in range(21)]})
    with pytest.raises(TooManyValues, match="over 20 fields and items outside metadata"):
        plainly_within_limits(outside.encode(), settings)
    with pytest.raises(TooManyValues, match="over 55 fields and items in metadata"):
        plainly_within_limits(in_metadata.encode(), ServerSettings(max_json_values=20, max_metadata_values=55))


def test_small_writes_that_wait_for_the_lock_wait_on_the_event_loop_then_in_the_thread(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small write that cannot start at once tries again on the loop for ``LOOP_WRITE_PATIENCE``, and only then
    waits in the worker thread. (They used to go to the thread at once and stay there while it was busy: after a
    bulk upload, 16 writers kept the server at 12-15 ms per write for good.)"""
    import sqlite3
    import threading

    import anyio.to_thread

    from timeback.server import lane

    in_thread: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(*args: Any, **kwargs: Any) -> Any:  # the lane's worker-thread hop for writes, counted
        if args[0] is lane._run_writes:  # (not reads, nor the framework's own hops)
            in_thread.append("write")
        return await run_sync(*args, **kwargs)

    monkeypatch.setattr(lane.anyio.to_thread, "run_sync", counted)
    database = tmp_path / "waits.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]

        def put_while_locked(names: list[str], held: float, note: str = "") -> list[int]:
            other = sqlite3.connect(database)
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            answers: list[int] = []
            body = {"title": "T", "metadata": {"note": note}}
            writers = [threading.Thread(target=lambda n=name: answers.append(
                http.put(f"{GB}/categories/{n}", json={"category": body}).status_code)) for name in names]  # fmt: skip
            for writer in writers:
                writer.start()
            threading.Event().wait(held)
            other.rollback()
            other.close()
            for writer in writers:
                writer.join()
            return answers

        monkeypatch.setattr(lane, "LOOP_WRITE_PATIENCE", 10.0)
        assert put_while_locked(["a", "b", "c"], held=0.3) == [201, 201, 201]
        assert in_thread == []  # all three waited on the loop
        monkeypatch.setattr(lane, "LOOP_WRITE_PATIENCE", 0.05)
        assert put_while_locked(["d"], held=0.5) == [201]
        assert in_thread == ["write"]  # past its patience: the worker thread
        assert http.get(f"{GB}/categories/d").status_code == 200
        monkeypatch.setattr(lane, "LOOP_WRITE_PATIENCE", 10.0)
        assert put_while_locked(["e"], held=0.3, note="n" * 40_000) == [201]
        assert in_thread == ["write"]  # a 40 KB body waits on the loop too (it is validated once, not at each try)
        assert put_while_locked(["f"], held=0.3, note="n" * lane.INLINE_BODY_BYTES) == [201]
        assert in_thread == ["write", "write"]  # a larger one goes to the thread at once (it would hold the loop)


def test_one_app_queues_waiting_writes_on_more_than_one_event_loop(tmp_path: Any, make_app: Any) -> None:
    """The queue of writes waiting on the loop is bound to no event loop: the same app served under two
    (``asyncio.run`` twice, as tests reusing an app do) queues on both. (An ``asyncio.Lock`` bound itself to the
    first loop it queued on, and the second loop's waiting writes answered 500.)"""
    import asyncio
    import sqlite3
    import threading

    database = tmp_path / "two-loops.db"
    app = make_app(ServerSettings(database=f"sqlite:///{database}", client_id="id", client_secret="secret"))

    async def three_writes_behind_a_held_lock(tag: str) -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://local") as http:
            form = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
            token = (await http.post("/oauth2/token", data=form)).json()["access_token"]
            other = sqlite3.connect(database, check_same_thread=False)
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock for 50 ms
            threading.Timer(0.05, lambda: (other.rollback(), other.close())).start()
            puts = [http.put(f"{GB}/categories/{tag}{n}", json={"category": {"title": "T"}},
                             headers={"Authorization": f"Bearer {token}"}) for n in range(3)]  # fmt: skip
            return [answer.status_code for answer in await asyncio.gather(*puts)]

    assert asyncio.run(three_writes_behind_a_held_lock("a")) == [201, 201, 201]
    assert asyncio.run(three_writes_behind_a_held_lock("b")) == [201, 201, 201]


def test_a_write_that_cannot_start_at_once_says_so_and_leaves_the_lock_to_others(tmp_path: Any) -> None:
    import sqlite3

    from timeback.server.storage import WouldWait, open_storage, without_waiting

    database = tmp_path / "at-once.db"
    storage = open_storage(f"sqlite:///{database}")
    other = sqlite3.connect(database)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(WouldWait), without_waiting(), storage.transaction():
        pass
    other.rollback()
    with without_waiting(), storage.transaction():  # free again: starts at once
        pass
    other.execute("BEGIN IMMEDIATE")  # and the writer did not keep the lock
    other.rollback()
    other.close()
    storage.close()


@pytest.mark.parametrize("mounted", [True, False])
async def test_the_operations_answer_under_a_mount_or_a_root_path(mounted: bool, make_app: Any) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    app = make_app(ServerSettings(client_id="mount-id", client_secret="mount-secret"))
    prefix = "/timeback" if mounted else "/api"  # (a proxy under /api: the paths keep it, root_path names it)
    served = Starlette(routes=[Mount("/timeback", app)]) if mounted else app
    transport = httpx.ASGITransport(served, root_path="" if mounted else "/api")
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as http:
        form = {"grant_type": "client_credentials", "client_id": "mount-id", "client_secret": "mount-secret"}
        token = (await http.post(f"{prefix}/oauth2/token", data=form)).json()["access_token"]
        answer = await http.get(f"{prefix}{GB}/results/", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["totalCount"] == 0


def test_a_write_on_a_full_database_is_507_saying_so_logged_in_one_line(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's "database or disk is full" (SQLITE_FULL): the answer says so (507, not a 500 "Internal server error.")
    and the SDK does not retry it (space does not come back in half a second); the log gets one line per failed
    write, not a traceback each, which filled the log on the same full disk."""
    from timeback.errors import ServerError

    settings = ServerSettings(
        database=f"sqlite:///{tmp_path / 'full.db'}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    big = {"category": {"title": "T", "metadata": {"note": "x" * 20_000}}}  # (more than a page: new pages)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
        writer = server.app.state.storage._writer()
        pages = writer.execute("PRAGMA page_count").fetchone()[0]
        writer.execute(f"PRAGMA max_page_count = {pages}")  # (the database can grow no more: SQLITE_FULL)
        caplog.clear()
        full = http.put(f"{GB}/categories/c-full", json=big)
        assert full.status_code == 507, full.text
        assert "database or disk is full" in full.json()["imsx_description"], full.text
        assert full.json()["imsx_codeMajor"] == "failure"
        logged = [r for r in caplog.records if r.name.startswith("timeback")]
        assert len(logged) == 1 and logged[0].exc_info is None, logged
        assert "database or disk is full" in logged[0].getMessage()
        with Timeback(base_url=server.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
            with pytest.raises(ServerError) as raised:
                client.oneroster.gradebook.put_category(sourced_id="c-full", category=big["category"])
            assert raised.value.status_code == 507 and raised.value.retries_taken == 0
            assert "database or disk is full" in str(raised.value)
            assert http.get(f"{GB}/categories/c-full").status_code == 404  # (nothing stored)
            writer.execute("PRAGMA max_page_count = 1073741823")  # (space again: the same write goes through)
            client.oneroster.gradebook.put_category(sourced_id="c-full", category=big["category"])


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX's")
def test_a_write_past_a_file_size_limit_or_a_quota_is_507_saying_so_logged_in_one_line(tmp_path: Any) -> None:
    """A disk quota (EDQUOT) or a file size limit (EFBIG: ``ulimit -f``, here set in the server's process) is not
    SQLite's "database or disk is full" but "disk I/O error" (SQLITE_IOERR_WRITE): it was a 500 "Internal server
    error." with a traceback per write. Now it is the 507 of a full disk, saying what SQLite said, in one log line."""
    from bench._serve import ServeProcess

    from timeback.errors import ServerError

    server = ServeProcess(tmp_path / "limited.db")
    limit = 2_500_000  # bytes a file of the server's may reach (the new database's WAL: 1.3 MB)
    server.args[2] = f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); {server.args[2]}"
    category = {"title": "T", "metadata": {f"note{k}": "x" * 60_000 for k in range(5)}}
    with server, httpx.Client(base_url=server.url, timeout=60) as http:
        kwargs = server.client_kwargs()
        form = {"grant_type": "client_credentials", "client_id": kwargs["client_id"],
                "client_secret": kwargs["client_secret"]}  # fmt: skip
        http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
        for attempt in range(20):
            answer = http.put(f"{GB}/categories/c{attempt}", json={"category": category})
            if answer.status_code != 201:
                break
        assert answer.status_code == 507, answer.text
        assert answer.json()["imsx_description"].startswith(
            "SQLite could not write one of its files (the database, its WAL or a temporary file: disk I/O error "
            "(SQLITE_IOERR_WRITE)): a disk quota or file size"
        ), answer.text
        assert http.get(f"{GB}/categories/c{attempt}").status_code == 404  # (nothing stored)
        with Timeback(**server.client_kwargs()) as client, pytest.raises(ServerError) as raised:
            client.oneroster.gradebook.put_category(sourced_id=f"c{attempt}", category=category)
        assert raised.value.status_code == 507 and raised.value.retries_taken == 0
        output = server.output()
    assert "Traceback" not in output, output
    assert output.count("a request failed: SQLite could not write one of its files") == 2, output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts the server's descriptors in /proc")
def test_a_read_with_no_file_descriptor_left_for_its_connection_is_503_and_retried(tmp_path: Any) -> None:
    """Idle connections holding every descriptor the server may open (``ulimit -n``, here set in its process): a
    read needing a new SQLite connection failed "unable to open database file", a 500 with a traceback. The server
    is busy, not broken: 503 with Retry-After, logged in one line; the SDK's retry is answered once they close."""
    import socket
    import threading
    import time

    from bench._serve import ServeProcess

    server = ServeProcess(tmp_path / "limited.db")
    limit = 96  # descriptors the server may hold (about 25 once up)
    server.args[2] = f"import resource; resource.setrlimit(resource.RLIMIT_NOFILE, ({limit},) * 2); {server.args[2]}"
    idle: list[socket.socket] = []
    # (one connection, made before the idle ones: no new one is accepted while the descriptors are all held)
    with (
        server,
        httpx.Client(base_url=server.url, limits=httpx.Limits(max_connections=1)) as http,
        Timeback(**server.client_kwargs(), http_client=http, max_retries=20) as client,
    ):
        kwargs = server.client_kwargs()
        form = {"grant_type": "client_credentials", "client_id": kwargs["client_id"],
                "client_secret": kwargs["client_secret"]}  # fmt: skip
        bearer = {"Authorization": "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]}
        client.oneroster.gradebook.put_category(sourced_id="c1", category={"title": "T"})  # (and its token)
        assert server.process is not None
        held = f"/proc/{server.process.pid}/fd"
        deadline = time.monotonic() + 60
        try:
            while len(os.listdir(held)) < limit:
                assert time.monotonic() < deadline, "the idle connections did not take the server's descriptors"
                idle.append(socket.create_connection(("127.0.0.1", server.port)))
                time.sleep(0.01)
            busy = http.get(f"{GB}/categories/", headers=bearer)
            assert busy.status_code == 503, busy.text
            assert busy.headers["Retry-After"] == "1" and busy.json()["imsx_description"] == (
                "The server is busy: the process is out of file descriptors (open connections and files: ulimit -n);"
                " nothing was read or written. Retry the request."
            )
            assert busy.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "server_busy"
            listed: list[Any] = []
            reading = threading.Thread(target=lambda: listed.append(client.oneroster.gradebook.get_all_categories()))
            reading.start()
            while server.output().count("out of file descriptors") < 2:  # (the SDK's first try refused too)
                assert time.monotonic() < deadline and reading.is_alive(), server.output()[-2000:]
                time.sleep(0.01)
        finally:
            for connection in idle:
                connection.close()
        reading.join()
        assert [category.sourcedId for category in listed[0]] == ["c1"]
        output = server.output()
    assert "Traceback" not in output, output
    assert "a request failed: the process is out of file descriptors" in output, output


@pytest.mark.parametrize("how", ["replaced", "removed"])
def test_a_database_file_replaced_or_removed_under_the_server_is_503_and_gets_none_of_its_wal(
    tmp_path: Any, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    """``mv snapshot.db x.db`` (or ``rm x.db``) while the server runs: SQLite went on with the file it had opened, so
    every write was acknowledged (201) and lost, and at the stop it left its WAL beside the new file, whose next
    opener read the server's pages into it (the snapshot's tables gone). Now reads and writes are refused, 503
    saying so, logged once, and the stop empties the WAL into the file the server had opened."""
    import sqlite3
    from contextlib import closing

    database = tmp_path / "served.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
        assert http.put(f"{GB}/categories/c1", json={"category": {"title": "T"}}).status_code == 201
        assert http.get("/health").json() == {"status": "ok"}
        if how == "replaced":
            snapshot = tmp_path / "snapshot.db"
            with closing(sqlite3.connect(snapshot)) as other:
                other.execute("CREATE TABLE precious (x)")
                other.execute("INSERT INTO precious VALUES ('keep me')")
                other.commit()
            os.replace(snapshot, database)
        else:
            database.unlink()
        caplog.clear()
        answers = [http.put(f"{GB}/categories/c2", json={"category": {"title": "T"}}), http.get(f"{GB}/categories/c1"),
                   http.get(f"{GB}/categories/"), http.delete(f"{GB}/categories/c1"),
                   http.get("/health")]  # (not ready: it says so, as every call would)  # fmt: skip
        for answer in answers:
            assert answer.status_code == 503, answer.text
            assert answer.json()["imsx_description"] == (
                f"The database file {database} was removed or replaced while the server ran; nothing was read or "
                "written. Restart the server."
            )
        logged = [r for r in caplog.records if r.name.startswith("timeback")]
        assert len(logged) == 1 and logged[0].exc_info is None, logged
        assert "removed or replaced while the server ran" in logged[0].getMessage()
    wal = tmp_path / "served.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # (an empty WAL is read as none)
    if how == "replaced":
        with closing(sqlite3.connect(database)) as reopened:
            assert reopened.execute("SELECT x FROM precious").fetchall() == [("keep me",)]
            assert reopened.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    else:
        with LocalServer(settings) as again, httpx.Client(base_url=again.url) as http:  # (a new, empty database)
            http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
            assert http.get(f"{GB}/categories/").json()["totalCount"] == 0


def test_a_write_that_waited_out_the_busy_timeout_is_503_to_retry(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program held the database's write lock past the busy timeout: nothing was written, and the answer
    says to send the same request again (503, Retry-After), not that the server failed (500)."""
    import sqlite3

    from timeback.server.storage import sql

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 200)
    database = tmp_path / "busy.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
        other = sqlite3.connect(database)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock, longer than the busy timeout
        try:
            busy = http.put(f"{GB}/categories/c1", json={"category": {"title": "T"}})
        finally:
            other.rollback()
            other.close()
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1", busy.text
        assert busy.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "server_busy"
        assert http.get(f"{GB}/categories/c1").status_code == 404  # nothing was written
        assert http.put(f"{GB}/categories/c1", json={"category": {"title": "T"}}).status_code == 201


def _commits(server: LocalServer) -> int:
    return commits(server.app.state.service.storage)


def _blocking_the_loop(monkeypatch: pytest.MonkeyPatch, sourced_id: str, seconds: float) -> threading.Event:
    """The write of ``sourced_id`` holds the server's event loop for ``seconds`` (its validation sleeps), so that
    the requests sent meanwhile reach the server together. The event is set as the hold begins (the tests slept
    0.2 s for it: on a loaded machine, the others could come first)."""
    import time

    from timeback.server.service import GradebookService

    prepare = GradebookService.prepare_write
    holding = threading.Event()

    def slow(self: GradebookService, op: Any, path: Any, body: bytes, root: str = "") -> Any:
        if path.get("sourced_id") == sourced_id:
            holding.set()
            time.sleep(seconds)
        return prepare(self, op, path, body, root)

    monkeypatch.setattr(GradebookService, "prepare_write", slow)
    return holding


def _arrivals(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], queue.Queue[Any]]:
    """The writes the server takes (``lane._Write``), in the order it had their bodies (their ``came``), and the
    same as they come, to wait for: a test paced by what the server saw, not by its own clock, holds under load."""
    from timeback.server import lane

    came: list[Any] = []
    arrived: queue.Queue[Any] = queue.Queue()
    init = lane._Write.__init__

    def noted(write: Any, *args: Any) -> None:
        init(write, *args)
        came.append(write)
        arrived.put(write)

    monkeypatch.setattr(lane._Write, "__init__", noted)
    return came, arrived


def test_writes_that_arrive_together_commit_together_each_with_its_own_answer(
    server: LocalServer, graded: tuple[Roster, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small writes that reach the server in the same turn of its event loop are committed in one transaction,
    each in a savepoint of it: one refused before it is written (invalid body), one refused while written (an
    unknown reference) and one that finds nothing (a DELETE, 404) each answer as alone, and are undone alone;
    the others are stored, with one COMMIT for them all."""
    import threading

    r, line_item = graded
    holding = _blocking_the_loop(monkeypatch, "blocker", 0.6)
    sends = {
        "ok-1": ("PUT", result_body(line_item, r.students[0])),
        "ok-2": ("PUT", result_body(line_item, r.students[1])),
        "bad-body": ("PUT", result_body(line_item, r.students[0], score="ninety")),
        "ok-3": ("PUT", result_body(line_item, r.students[2])),
        "unknown-ref": ("PUT", result_body("no-such-line-item", r.students[0])),
        "never-was": ("DELETE", None),
        "ok-4": ("PUT", result_body(line_item, r.students[1])),
    }
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    clients = {name: httpx.Client(base_url=server.url, timeout=30) for name in ["blocker", *sends]}
    answers: dict[str, httpx.Response] = {}
    try:
        for http in clients.values():  # each on a connection of its own, opened before
            http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]

        def send(name: str, method: str, body: Any) -> None:
            json_body = None if body is None else {"result": body}
            answers[name] = clients[name].request(method, f"{GB}/results/{name}", json=json_body)

        before = _commits(server)
        blocker = threading.Thread(target=send, args=("blocker", "PUT", result_body(line_item, r.students[2])))
        blocker.start()
        assert holding.wait(60)  # the blocker holds the loop now
        threads = [threading.Thread(target=send, args=(name, *how)) for name, how in sends.items()]
        for thread in threads:
            thread.start()
        for thread in [*threads, blocker]:
            thread.join()
        commits = _commits(server) - before
    finally:
        for http in clients.values():
            http.close()
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {"blocker": 201, "ok-1": 201, "ok-2": 201, "bad-body": 422, "ok-3": 201,
                        "unknown-ref": 422, "never-was": 404, "ok-4": 201}  # fmt: skip
    assert "no-such-line-item" in answers["unknown-ref"].text
    authed = clients["blocker"]
    with httpx.Client(base_url=server.url, headers=authed.headers) as http:
        for name in ("blocker", "ok-1", "ok-2", "ok-3", "ok-4"):
            assert _stored(http, name)["student"]["sourcedId"] in r.students
        for name in ("bad-body", "unknown-ref", "never-was"):
            assert http.get(f"{GB}/results/{name}").status_code == 404
    assert commits <= 3, commits  # five writes stored: the blocker's commit, and the others' together


def test_batches_queued_for_the_worker_thread_commit_together_each_with_its_own_answer(
    tmp_path: Any,
) -> None:
    """Batches (bodies too large for the event loop) that wait while another is written are taken into one
    transaction when their turn comes, each in a savepoint: one refused (an id already taken, 409) is undone
    alone, the others stored."""
    import sqlite3
    import threading

    database = tmp_path / "batches.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        r = make_roster(client, students=[uid("student") for _ in range(300)])
        line_item = uid("li")
        client.oneroster.gradebook.post_line_items_for_class(
            class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
        )
        client.oneroster.gradebook.put_result(sourced_id="taken", result=result_body(line_item, r.students[0]))

        def batch(prefix: str, taken: bool = False) -> list[dict[str, object]]:
            items = [result_body(line_item, s, sourced_id=f"{prefix}-{n}", comment="c" * 200)
                     for n, s in enumerate(r.students)]  # fmt: skip
            if taken:
                items[7]["sourcedId"] = "taken"
            return items

        bodies = {"b1": batch("b1"), "b2": batch("b2"), "b3": batch("b3", taken=True), "b4": batch("b4")}
        assert all(len(json.dumps({"results": b})) > 64 * 1024 for b in bodies.values())  # (the thread's)
        answers: dict[str, int] = {}
        texts: dict[str, str] = {}
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]

        def post(name: str) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                answer = http.post(f"{GB}/lineItems/{line_item}/results", json={"results": bodies[name]},
                                   headers={"Authorization": f"Bearer {token}"})  # fmt: skip
                answers[name] = answer.status_code
                texts[name] = answer.text

        before = _commits(server)
        other = sqlite3.connect(database)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock: the batches queue
        first = threading.Thread(target=post, args=("b1",))
        first.start()
        operations = operation_lane(server)
        # b1 waits for the lock in the worker thread (it was a 0.3 s sleep: on a loaded machine, b1 not there yet
        # was grouped with the others), then all three queued behind it (a 0.5 s sleep)
        until(lambda: operations._writes is not None and operations._writes.borrowed_tokens == 1)
        rest = [threading.Thread(target=post, args=(name,)) for name in ("b2", "b3", "b4")]
        for thread in rest:
            thread.start()
        until(lambda: len(operations._thread_queue) == 3)
        other.rollback()
        other.close()
        for thread in [first, *rest]:
            thread.join()
        commits = _commits(server) - before
        assert answers == {"b1": 201, "b2": 201, "b3": 409, "b4": 201}, texts
        listing = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=1000)
        stored = {result.sourcedId.split("-")[0] for result in listing}
        assert stored == {"b1", "b2", "b4", "taken"}
        assert commits == 2, commits  # b1 alone, then the three queued behind it together


def test_a_write_taken_along_waits_its_own_busy_timeout_not_the_one_of_the_write_that_took_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each write waits for the lock one busy timeout from when it came (``waiting_since``), also when it is
    taken into the group of a write that came before it: that one's timeout running out makes it 503, not the
    later ones, which wait on for their own.

    Paced by what the server saw, not by the test's clock: the lock is let go once the second write is answered
    (so the first two wait out their timeouts whatever the load), and the third is sent half a busy timeout after
    the first came. Its two margins are half a busy timeout each: it is queued before the first's timeout ends
    (taken along by the second), and its own ends after the second's. (Threads started 0.2 s and 0.9 s after a
    clock of the test's, with a 1 s timeout and the lock let go at 1.5 s, failed under a whole suite's load.)"""
    import sqlite3
    import threading
    import time

    from timeback.server import lane
    from timeback.server.storage import sql

    busy = 2.0
    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", int(busy * 1000))
    came, arrived = _arrivals(monkeypatch)
    groups: list[list[int]] = []  # each group a write took when its turn came, by the writes' order
    take = lane.OperationLane._take_thread_group

    def taken(self: lane.OperationLane, write: Any) -> list[Any]:
        group = take(self, write)
        groups.append([came.index(each) for each in group])
        return group

    monkeypatch.setattr(lane.OperationLane, "_take_thread_group", taken)
    database = tmp_path / "taken-along.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
        metadata = {f"note-{n}": "n" * 1000 for n in range(70)}  # (a body for the worker thread)
        answers: dict[str, int] = {}
        writers: dict[str, threading.Thread] = {}

        def put(name: str) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                body = {"category": {"title": "T", "metadata": metadata}}
                answer = http.put(f"{GB}/categories/{name}", json=body, headers={"Authorization": f"Bearer {token}"})
                answers[name] = answer.status_code

        def send(name: str) -> Any:
            writers[name] = threading.Thread(target=put, args=(name,))
            writers[name].start()
            return arrived.get(timeout=30)

        other = sqlite3.connect(database)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock, until the second is answered
        try:
            first = send("first")  # waits for the lock in the worker thread
            send("second")  # queued behind it
            time.sleep(max(0.0, first.came + busy / 2 - time.monotonic()))
            send("third")  # queued too, half a busy timeout before the first's ends
            writers["second"].join()  # 503 at the end of its own timeout, with the third taken along
        finally:
            other.rollback()
            other.close()
        for writer in writers.values():
            writer.join()
    # The second took the third along; their group waited out the second's timeout, and the third then waited on at
    # its own turn, the lock let go before its own timeout ended.
    assert groups == [[0], [1, 2], [2]], groups
    assert answers == {"first": 503, "second": 503, "third": 201}


async def test_writes_failed_by_one_error_of_their_group_each_log_their_own_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, make_app: Any
) -> None:
    """An error that ends the transaction of a group fails each write of it: each answers 500 and is logged with
    the traceback of its own request. (One exception object, raised in each request, took every request's frames
    into its traceback: the k-th request's log showed the frames of the k - 1 before it.)"""
    import asyncio
    import sqlite3
    import traceback

    from timeback.server.service import GradebookService

    def ends_the_transaction(self: GradebookService, op: Any, coll: Any, request: Any, root: str = "") -> Any:
        with self.storage.transaction() as tx:
            tx._raw.execute("ROLLBACK")  # (as SQLite does on SQLITE_IOERR or SQLITE_FULL)
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(GradebookService, "put", ends_the_transaction)
    app = make_app(ServerSettings(client_id="id", client_secret="secret"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://local") as http:
        form = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
        token = (await http.post("/oauth2/token", data=form)).json()["access_token"]
        puts = [http.put(f"{GB}/categories/c{n}", json={"category": {"title": "T"}},
                         headers={"Authorization": f"Bearer {token}"}) for n in range(4)]  # fmt: skip
        with caplog.at_level("ERROR", logger="timeback.server"):
            assert [answer.status_code for answer in await asyncio.gather(*puts)] == [500] * 4
    logged = [record.exc_info for record in caplog.records if record.exc_info]
    assert len(logged) == 4
    for exc_info in logged:
        text = "".join(traceback.format_exception(*exc_info))
        assert "disk I/O error" in text and "ends_the_transaction" in text  # (where it happened)
        # (one request's frames: in the error's own traceback, as the log's starts below the lane's frames)
        assert "".join(traceback.format_exception(exc_info[1])).count("in _serve") == 1, text


def test_a_group_of_writes_on_the_event_loop_holds_no_more_than_one_large_body(
    server: LocalServer, authed: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop serves nothing else while a group runs: a group closes once its bodies reach the size of the
    largest body the loop takes (``INLINE_BODY_BYTES``), so three 40 KB writes that arrive together make two
    groups, where three small ones make one."""
    import threading

    from timeback.server import lane

    # (1.5 s: the other three reach the loop while it is held, a machine under load too; at 0.5 s their requests
    # came after it, each its own group, in a loaded whole-suite run)
    holding = _blocking_the_loop(monkeypatch, "blocker", 1.5)
    clients = [httpx.Client(base_url=server.url, headers=authed.headers, timeout=30) for _ in range(4)]
    try:
        for http in clients:
            assert http.get(f"{GB}/categories/none").status_code == 404  # (its connection, opened before)

        def commits_for(note_size: int, tag: str) -> int:
            answers: list[int] = []

            def put(http: httpx.Client, name: str) -> None:
                body = {"category": {"title": "T", "metadata": {"note": "n" * note_size}}}
                answers.append(http.put(f"{GB}/categories/{name}", json=body).status_code)

            before = _commits(server)
            blocker = threading.Thread(target=put, args=(clients[0], "blocker"))
            holding.clear()
            blocker.start()
            assert holding.wait(60)  # the blocker holds the loop now
            others = [threading.Thread(target=put, args=(http, f"{tag}-{n}")) for n, http in enumerate(clients[1:])]
            for thread in others:
                thread.start()
            for thread in [blocker, *others]:
                thread.join()
            assert answers == [201] * 4
            return _commits(server) - before - 1  # (less the blocker's)

        assert commits_for(100, "small") == 1
        assert 40_000 * 2 > lane.INLINE_BODY_BYTES > 40_000
        assert commits_for(40_000, "large") == 2
    finally:
        for http in clients:
            http.close()


def test_writes_waiting_on_the_loop_for_the_lock_wait_in_their_group_and_commit_together(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small writes that find the lock held (another process writing) wait on the event loop as their group, and
    the writes that come meanwhile make the next group: once the lock is free they commit in two transactions at
    most, in the order they came, not each on its own (each retrying alone, they took the lock in turn).

    The lock is let go once the server has all six, and the loop's patience is long enough for any load: writers
    started 5 ms apart and a lock let go 20 ms later, within the 50 ms of patience, made a third and a fourth
    transaction under a loaded whole-suite run (a write that came after its group had gone to the thread)."""
    import sqlite3
    import threading

    from timeback.server import lane

    monkeypatch.setattr(lane, "LOOP_WRITE_PATIENCE", 30.0)
    _, arrived = _arrivals(monkeypatch)
    database = tmp_path / "waiting-groups.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
        clients = [httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) for _ in range(6)]
        answers: list[int] = []
        try:
            for http in clients:
                assert http.get(f"{GB}/categories/none").status_code == 404  # (its connection, opened before)
            before = _commits(server)
            other = sqlite3.connect(database)
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            writers = [threading.Thread(target=lambda n=n, http=http: answers.append(
                http.put(f"{GB}/categories/w{n}", json={"category": {"title": "T"}}).status_code))
                for n, http in enumerate(clients)]  # fmt: skip
            try:
                for writer in writers:
                    writer.start()
                for _ in writers:
                    arrived.get(timeout=30)
            finally:
                other.rollback()
                other.close()
            for writer in writers:
                writer.join()
            commits = _commits(server) - before
        finally:
            for http in clients:
                http.close()
    assert answers == [201] * 6
    # The writes that came in the first one's turn of the loop, then all the others. Each retrying alone, they made six.
    assert commits <= 2, commits


def test_a_write_refused_by_validation_is_validated_once_while_its_group_waits_for_the_lock(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, make_app: Any
) -> None:
    """A group that waits on the loop for the lock tries again and again: the write of it already refused (a bad
    body) is not validated again at each try (its 422 stands; a body of up to 64 KB validated some 25 times in
    50 ms held the loop)."""
    import asyncio
    import sqlite3
    import threading

    from timeback.server.service import GradebookService

    prepared: list[str] = []
    prepare = GradebookService.prepare_write

    def counted(self: GradebookService, op: Any, path: Any, body: bytes, root: str = "") -> Any:
        prepared.append(path.get("sourced_id", ""))
        return prepare(self, op, path, body, root)

    monkeypatch.setattr(GradebookService, "prepare_write", counted)
    database = tmp_path / "refused.db"
    app = make_app(ServerSettings(database=f"sqlite:///{database}", client_id="id", client_secret="secret"))

    async def a_good_and_a_bad_write_behind_a_held_lock() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://local") as http:
            form = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
            headers = {
                "Authorization": f"Bearer {(await http.post('/oauth2/token', data=form)).json()['access_token']}"
            }
            other = sqlite3.connect(database, check_same_thread=False)
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock for 30 ms
            threading.Timer(0.03, lambda: (other.rollback(), other.close())).start()
            good = http.put(f"{GB}/categories/good", json={"category": {"title": "T"}}, headers=headers)
            bad = http.put(f"{GB}/categories/bad", json={"category": {"title": 5}}, headers=headers)
            return [answer.status_code for answer in await asyncio.gather(good, bad)]

    assert asyncio.run(a_good_and_a_bad_write_behind_a_held_lock()) == [201, 422]
    assert prepared.count("good") == 1
    assert prepared.count("bad") == 1, prepared


async def test_a_loop_group_whose_run_raises_leaves_the_next_writes_answered(
    monkeypatch: pytest.MonkeyPatch, make_app: Any
) -> None:
    """A group's run that raises past its own handling (a ``BaseException``, which the event loop only logs) still
    ends its group and runs the next: the group stayed first in the loop's queue, run by no one, and every later
    write on that loop waited for good."""
    import asyncio

    from timeback.server import lane

    class Unhandled(BaseException):
        pass

    run_writes = lane._run_writes
    runs: list[int] = []

    def raising_once(storage: Any, writes: Any) -> None:
        runs.append(len(writes))
        if len(runs) == 1:
            raise Unhandled
        run_writes(storage, writes)

    monkeypatch.setattr(lane, "_run_writes", raising_once)
    app = make_app(ServerSettings(client_id="id", client_secret="secret"))
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "call_exception_handler", lambda context: None)  # (the loop's log of it)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://local") as http:
        form = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
        headers = {"Authorization": f"Bearer {(await http.post('/oauth2/token', data=form)).json()['access_token']}"}
        for name in ("first", "second"):
            put = http.put(f"{GB}/categories/{name}", json={"category": {"title": "T"}}, headers=headers)
            assert (await asyncio.wait_for(put, 5)).status_code == 201


def test_a_reference_sent_as_its_id_alone_is_told_the_shape_wanted(authed: httpx.Client) -> None:
    """``"lineItem": "li-1"`` was 422 "Input should be an object", not saying which object."""
    body = {
        "result": {"lineItem": "li-1", "student": ["s-1"], "scoreStatus": "fully graded", "scoreDate": "2024-01-01"}
    }
    answer = _put(authed, uid("res"), json.dumps(body).encode())
    assert answer.status_code == 422, answer.text
    wanted = 'Input should be an object: a reference, {"sourcedId": "..."}'
    assert answer.json()["imsx_error_details"] == [
        {"field": "result.lineItem", "message": wanted},
        {"field": "result.student", "message": wanted},
    ], answer.text


def test_a_gradebook_date_sent_alone_is_stored_and_answered_as_its_days_start_in_utc(
    client: Timeback, authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """Timeback's document types a line item's assignDate and dueDate and a result's scoreDate date-time (the
    1EdTech one, a result's scoreDate a date): one sent alone is answered as that day's midnight UTC, whichever
    way it is written (a PUT, a batch through the dict path, a create, a PATCH), and date filters find it on its day.
    Rostering's dates, Timeback's plain strings, are kept as sent."""
    r, line_item = graded
    dated = uid("li")
    body = line_item_body(r, dated, assignDate="2024-01-15", dueDate="2024-01-20")
    assert authed.put(f"{GB}/lineItems/{dated}", json={"lineItem": body}).json()["lineItem"]["dueDate"] == (
        "2024-01-20T00:00:00Z"
    )
    held = authed.get(f"{GB}/lineItems/{dated}").json()["lineItem"]
    assert (held["assignDate"], held["dueDate"]) == ("2024-01-15T00:00:00Z", "2024-01-20T00:00:00Z")

    put, batched = uid("r"), uid("r")
    answer = authed.put(
        f"{GB}/results/{put}", json={"result": result_body(line_item, r.students[0], scoreDate="2024-01-16")}
    )
    assert answer.json()["result"]["scoreDate"] == "2024-01-16T00:00:00Z", answer.text
    batch = {"results": [result_body(line_item, r.students[1], batched, scoreDate="2024-01-17")]}
    assert authed.post(f"{GB}/lineItems/{line_item}/results", json=batch).status_code == 201
    mine = {"filter": f"lineItem.sourcedId='{line_item}'", "sort": "scoreDate"}
    listed = authed.get(f"{GB}/results", params=mine).json()["results"]
    assert [(x["sourcedId"], x["scoreDate"]) for x in listed] == [
        (put, "2024-01-16T00:00:00Z"), (batched, "2024-01-17T00:00:00Z")]  # fmt: skip
    on_the_day = authed.get(
        f"{GB}/results", params={"filter": f"lineItem.sourcedId='{line_item}' AND scoreDate='2024-01-16'"}
    )
    assert [x["sourcedId"] for x in on_the_day.json()["results"]] == [put]

    gradebook = client.oneroster.gradebook
    assessment = uid("ali")
    gradebook.put_assessment_line_item(sourced_id=assessment, assessmentLineItem={"title": "Unit test"})
    created = gradebook.create_assessment_result(assessmentResult={
        "assessmentLineItem": {"sourcedId": assessment}, "student": {"sourcedId": r.students[0]},
        "scoreStatus": "fully graded", "scoreDate": "2024-01-15"})  # fmt: skip
    (pair,) = created.sourcedIdPairs
    read = gradebook.get_assessment_result(sourced_id=pair.allocatedSourcedId).assessmentResult
    assert read.scoreDate == "2024-01-15T00:00:00Z"
    patched = gradebook.patch_assessment_result(
        sourced_id=pair.allocatedSourcedId, assessmentResult={"scoreDate": "2024-02-01"}
    )
    assert patched.assessmentResult.scoreDate == "2024-02-01T00:00:00Z"
    assert gradebook.get_assessment_result(sourced_id=pair.allocatedSourcedId).assessmentResult.scoreDate == (
        "2024-02-01T00:00:00Z"
    )

    enrollment = uid("e")
    rostered = {"user": {"sourcedId": r.students[2]}, "class": {"sourcedId": r.class_}, "role": "student",
                "beginDate": "2024-09-01"}  # fmt: skip
    assert authed.put(
        f"/ims/oneroster/rostering/v1p2/enrollments/{enrollment}", json={"enrollment": rostered}
    ).is_success
    assert authed.get(f"/ims/oneroster/rostering/v1p2/enrollments/{enrollment}").json()["enrollment"]["beginDate"] == (
        "2024-09-01"
    )


def test_a_due_date_alone_before_its_assign_moment_that_day_is_refused_saying_what_a_date_alone_is(
    authed: httpx.Client, graded: tuple[Roster, str]
) -> None:
    """A dueDate sent alone is that day's start: before an assignDate later that day, which a read back and PUT
    again would meet as dates in reverse, so refused at once, the message saying why."""
    r, _ = graded
    dated = uid("li")
    body = line_item_body(r, dated, assignDate="2024-01-15T10:00:00Z", dueDate="2024-01-15")
    refused = authed.put(f"{GB}/lineItems/{dated}", json={"lineItem": body})
    assert refused.status_code == 422, refused.text
    assert refused.json()["imsx_description"] == (
        "Dates in reverse: lineItem.dueDate: '2024-01-15T00:00:00Z' is before its assignDate ('2024-01-15T10:00:00Z'); "
        "a date alone is its day's start, UTC"
    )
    assert authed.get(f"{GB}/lineItems/{dated}").status_code == 404
    assigned_alone = line_item_body(r, dated, assignDate="2024-01-15", dueDate="2024-01-15T10:00:00+14:00")
    refused = authed.put(f"{GB}/lineItems/{dated}", json={"lineItem": assigned_alone})  # (2024-01-14T20:00:00Z)
    assert refused.json()["imsx_description"].endswith("; a date alone is its day's start, UTC"), refused.text
    later = line_item_body(r, dated, assignDate="2024-01-15", dueDate="2024-01-15T10:00:00Z")
    assert authed.put(f"{GB}/lineItems/{dated}", json={"lineItem": later}).status_code in (200, 201)
