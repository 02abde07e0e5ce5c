"""Request bodies at and past the server's limits, over real HTTP: every refusal is a 4xx imsx_StatusInfo body that
says what was wrong and where, never a 500.

Limits (``ServerSettings``): ``max_body_bytes`` (413), ``max_string_length`` (422), ``max_json_depth`` (422),
``max_json_values`` (413), ``body_timeout_seconds`` (408); the request line and headers, ``MAX_HEAD_BYTES`` (431)
and ``HEAD_TIMEOUT_SECONDS`` (408).
A server with small limits keeps the payloads small; the defaults are checked on the shared test server.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import add_line_items, make_roster, result_body, uid
from timeback import Timeback
from timeback.server import ServerSettings, protocol
from timeback.server.errors import MAX_NAMED_FIELDS
from timeback.server.protocol import MAX_HEAD_BYTES
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"
RO = "/ims/oneroster/rostering/v1p2"
SMALL = ServerSettings(
    client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_body_bytes=2048, max_string_length=100, max_json_depth=8
)
JSON = {"Content-Type": "application/json"}


def _authed(url: str) -> httpx.Client:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    token = httpx.post(f"{url}/oauth2/token", data=form).json()["access_token"]
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module")
def small() -> Iterator[httpx.Client]:
    with LocalServer(SMALL) as running, _authed(running.url) as http:
        yield http


@pytest.fixture
def default(server: LocalServer) -> Iterator[httpx.Client]:
    with _authed(server.url) as http:
        yield http


def imsx(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response's imsx_StatusInfo body, after checking its status and shape."""
    assert response.status_code == status, response.text[:1000]  # (a 413's echo of a body ran to 2 MB)
    body: dict[str, Any] = response.json()
    assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
    assert body["imsx_CodeMinor"]["imsx_codeMinorField"], body
    assert isinstance(body["imsx_description"], str)
    return body


def category(**fields: Any) -> dict[str, Any]:
    return {"category": {"title": "Homework", **fields}}


def put_category(http: httpx.Client, content: bytes | str) -> httpx.Response:
    return http.put(f"{GB}/categories/{uid('cat')}", content=content, headers=JSON)


# ----- size


def test_a_body_just_under_the_limit_is_taken(small: httpx.Client) -> None:
    body = json.dumps(category(metadata={f"k{i}": "x" * 90 for i in range(19)})).encode()
    assert 1900 < len(body) <= SMALL.max_body_bytes
    assert put_category(small, body).status_code == 201


def test_a_body_over_max_body_bytes_is_413(small: httpx.Client) -> None:
    body = json.dumps(category(metadata={f"k{i}": "x" * 90 for i in range(30)})).encode()
    assert len(body) > SMALL.max_body_bytes
    answer = imsx(put_category(small, body), 413)
    assert "larger than 2048 bytes" in answer["imsx_description"]


def test_a_declared_length_over_the_limit_is_413_before_the_body_is_sent(small: httpx.Client) -> None:
    """A Content-Length over the limit is refused as the headers arrive: the client need not send the body (here it
    never does) for the server to answer."""
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(str(small.base_url))
    head = (f"PUT {GB}/categories/{uid('cat')} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: {small.headers['Authorization']}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {SMALL.max_body_bytes + 1}\r\n\r\n")  # fmt: skip
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            answer = sock.recv(200)
        except TimeoutError:
            answer = b"(no answer in 10 s: the server waited for the body)"
    assert answer.startswith(b"HTTP/1.1 413 "), answer


def test_a_chunked_body_without_content_length_is_cut_off_at_the_limit_too(small: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"category": {"title": "Homework", "metadata": {"k": "'
        for _ in range(50):
            yield b"x" * 100
        yield b'"}}}'

    request = small.build_request("PUT", f"{GB}/categories/{uid('cat')}", content=chunks(), headers=JSON)
    assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
    imsx(small.send(request), 413)


# ----- strings and nesting


def test_a_string_over_max_string_length_is_422_naming_the_field(small: httpx.Client) -> None:
    assert put_category(small, json.dumps(category(title="t" * 100))).status_code == 201
    answer = imsx(put_category(small, json.dumps(category(title="t" * 101))), 422)
    assert "category.title: longer than 100 characters (101)" in answer["imsx_description"]
    assert answer["imsx_error_details"][0]["field"] == "category.title"
    deep = imsx(put_category(small, json.dumps(category(metadata={"notes": ["ok", "n" * 500]}))), 422)
    assert deep["imsx_error_details"][0]["field"] == "category.metadata.notes[1]"


def test_an_object_key_over_max_string_length_is_422(small: httpx.Client) -> None:
    answer = imsx(put_category(small, json.dumps(category(metadata={"k" * 101: 1}))), 422)
    assert "category.metadata (a key): longer than 100 characters" in answer["imsx_description"]


def test_the_default_string_limit_is_65536_characters(default: httpx.Client) -> None:
    assert put_category(default, json.dumps(category(metadata={"text": "a" * 65_536}))).status_code == 201
    answer = imsx(put_category(default, json.dumps(category(metadata={"text": "a" * 65_537}))), 422)
    assert answer["imsx_error_details"][0]["field"] == "category.metadata.text"


def nested(depth: int) -> str:
    """A body whose deepest value sits ``depth`` objects/arrays down (the body object itself is level 1)."""
    inner = "[" * (depth - 3) + "1" + "]" * (depth - 3)
    return '{"category": {"title": "Homework", "metadata": {"deep": ' + inner + "}}}"


def test_nesting_deeper_than_max_json_depth_is_422_naming_where(small: httpx.Client) -> None:
    """A value in valid JSON that the server does not store, as a string too long is (it was a 400 for the body,
    and the SDK, which sends again without them only the results a 422 names, failed a batch of 1,000 for it)."""
    assert put_category(small, nested(8)).status_code == 201
    answer = imsx(put_category(small, nested(9)), 422)
    where = "category.metadata.deep[0][0][0][0][0]"  # (the array at the ninth level)
    assert answer["imsx_error_details"] == [{"field": where, "message": "nested deeper than 8 levels"}]
    assert answer["imsx_description"] == f"Invalid request body: {where}: nested deeper than 8 levels"


@pytest.mark.parametrize(("depth", "status"), [(33, 422), (100_000, 400)])
def test_deep_nesting_on_the_default_server_is_refused(default: httpx.Client, depth: int, status: int) -> None:
    # 100 000 levels is past what the JSON parser itself will recurse into: a 400 for the body (where is not known),
    # not a 500
    answer = imsx(put_category(default, nested(depth)), status)
    assert "nested deeper than 32 levels" in answer["imsx_description"]


# ----- encodings and numbers


def test_invalid_utf8_is_400(small: httpx.Client) -> None:
    body = b'{"category": {"title": "caf\xe9"}}'  # Latin-1 e-acute
    answer = imsx(put_category(small, body), 400)
    assert answer["imsx_description"] == "The body is not valid UTF-8 (byte 0xe9 at offset 27)."


def test_an_unpaired_surrogate_escape_is_400_naming_the_field(small: httpx.Client) -> None:
    answer = imsx(put_category(small, '{"category": {"title": "a\\ud800b"}}'), 400)
    assert answer["imsx_error_details"][0]["field"] == "category.title"
    assert "unpaired surrogate" in answer["imsx_description"]


U0000_REFUSED = "contains U+0000 (\\u0000), which the server does not store"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"category": {"title": "a\\u0000b"}}', "category.title"),
        ('{"category": {"title": "x", "metadata": {"notes": ["ok", "\\u0000"]}}}', "category.metadata.notes[1]"),
        ('{"category": {"title": "x", "metadata": {"k\\u0000": 1}}}', "category.metadata (a key)"),
        ('{"category\\u0000": {"title": "x"}}', "body (a key)"),
    ],
)
def test_a_string_holding_u0000_is_422_naming_where(small: httpx.Client, body: str, where: str) -> None:
    """SQLite's JSON functions cut a string at U+0000 (a comment "a<NUL>b" matched the filter comment='a', and
    comment='a<NUL>b' matched nothing) and PostgreSQL refuses it: no stored string may hold it."""
    sourced_id = uid("cat")
    answer = imsx(small.put(f"{GB}/categories/{sourced_id}", content=body, headers=JSON), 422)
    assert answer["imsx_error_details"] == [{"field": where, "message": U0000_REFUSED}]
    assert answer["imsx_description"] == f"Invalid request body: {where}: {U0000_REFUSED}"
    assert small.get(f"{GB}/categories/{sourced_id}").status_code == 404  # nothing stored


def test_a_path_holding_u0000_is_400_naming_the_path(small: httpx.Client) -> None:
    """A PUT's sourcedId is its path's when the body has none: /categories/a%00b stored "a<NUL>b"."""
    stem = uid("cat")
    for method in ("PUT", "GET", "DELETE"):
        body = {"json": category()} if method == "PUT" else {}
        answer = imsx(small.request(method, f"{GB}/categories/{stem}%00b", **body), 400)
        assert answer["imsx_error_details"] == [
            {"field": "path", "message": "holds U+0000 (%00), which no value stored holds"}
        ]
    assert small.get(f"{GB}/categories/", params={"filter": f"sourcedId~'{stem}'"}).json()["totalCount"] == 0


def test_a_put_to_an_id_past_255_characters_is_422_naming_the_path(small: httpx.Client) -> None:
    """It was "Invalid request body: sourced_id: ..." naming the SDK's Python name, as a field of the body."""
    long_id = "x" * 256
    answer = imsx(small.put(f"{GB}/categories/{long_id}", json=category()), 422)
    message = "sourcedId: String should have at most 255 characters"
    assert answer["imsx_error_details"] == [{"field": "path", "message": message}]
    assert answer["imsx_description"] == f"The path: {message}."
    answer = imsx(small.put(f"{GB}/categories/{long_id}", json={"category": {"title": 5}}), 422)  # (with the body's)
    assert answer["imsx_error_details"] == [{"field": "path", "message": message}]


def test_a_nul_byte_in_a_string_is_400_and_an_escaped_backslash_before_u0000_is_text(small: httpx.Client) -> None:
    answer = imsx(put_category(small, b'{"category": {"title": "a\x00b"}}'), 400)  # (a control character: no JSON)
    assert answer["imsx_error_details"][0]["field"] == "body"
    assert "Invalid control character" in answer["imsx_description"]
    sourced_id = uid("cat")
    taken = small.put(f"{GB}/categories/{sourced_id}", json=category(title="a\\u0000b"))  # the six characters
    assert taken.status_code == 201, taken.text
    assert small.get(f"{GB}/categories/{sourced_id}").json()["category"]["title"] == "a\\u0000b"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_400_naming_the_field(small: httpx.Client, number: str) -> None:
    """NaN and Infinity are no JSON (RFC 8259): the body is malformed."""
    answer = imsx(put_category(small, '{"category": {"title": "x", "weight": ' + number + "}}"), 400)
    assert answer["imsx_description"] == f"category.weight: {number} is not a finite JSON number"
    # also where no model would look: free-form metadata (answered back, it would not be JSON)
    meta = imsx(put_category(small, '{"category": {"title": "x", "metadata": {"m": [' + number + "]}}}"), 400)
    assert meta["imsx_error_details"][0]["field"] == "category.metadata.m[0]"


def test_a_number_past_a_double_s_range_is_a_422_naming_the_field_as_a_bad_value_is(small: httpx.Client) -> None:
    """1e999 is JSON, a value the server cannot hold: a bad value in a valid body, 422 "Invalid request body: ..."
    as "x" for a number is (it was a 400 of another form, which the SDK raised as a bare RequestError)."""
    answer = imsx(put_category(small, '{"category": {"title": "x", "weight": 1e999}}'), 422)
    assert answer["imsx_description"] == "Invalid request body: category.weight: 1e999 is not a finite JSON number"
    assert answer["imsx_error_details"] == [
        {"field": "category.weight", "message": "1e999 is not a finite JSON number"}
    ]
    assert answer["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "invaliddata"
    meta = imsx(put_category(small, '{"category": {"title": "x", "metadata": {"m": [1e999]}}}'), 422)
    assert meta["imsx_error_details"][0]["field"] == "category.metadata.m[0]"


@pytest.mark.parametrize(
    ("number", "digits"), [("1" + "0" * 5000 + ".0", "5,002"), ("-" + "9" * 3000 + "e999", "3,003")]
)
def test_a_long_non_finite_number_is_shortened_in_the_message(default: httpx.Client, number: str, digits: str) -> None:
    """A number that overflows a double was repeated whole: thousands of digits in the message."""
    answer = imsx(put_category(default, '{"category": {"title": "x", "weight": ' + number + "}}"), 422)
    message = f"{number[:20]}... (of {digits} digits) is not a finite JSON number"
    assert answer["imsx_description"] == f"Invalid request body: category.weight: {message}"
    assert answer["imsx_error_details"] == [{"field": "category.weight", "message": message}]


def test_an_integer_of_more_digits_than_the_server_converts_is_422_naming_the_field(default: httpx.Client) -> None:
    """Python converts integers of at most 4,300 digits; past that the answer was Python's own advice
    ("use sys.set_int_max_str_digits() to increase the limit"), naming the body, not the field."""
    digits = "7" * 4301
    for field, body in (
        ("category.weight", '{"category": {"title": "x", "weight": -' + digits + "}}"),
        ("category.metadata.m[1]", '{"category": {"title": "x", "metadata": {"m": [1, ' + digits + "]}}}"),
    ):
        answer = imsx(put_category(default, body), 422)
        message = "an integer of 4,301 digits, over the 4,300 the server takes"
        assert answer["imsx_description"] == f"Invalid request body: {field}: {message}"
        assert answer["imsx_error_details"] == [{"field": field, "message": message}]
    sourced_id = uid("cat")
    held = '{"category": {"title": "x", "metadata": {"m": ' + digits[1:] + "}}}"
    assert default.put(f"{GB}/categories/{sourced_id}", content=held, headers=JSON).status_code == 201
    assert default.get(f"{GB}/categories/{sourced_id}").json()["category"]["metadata"]["m"] == int(digits[1:])


def test_an_integer_past_a_double_s_range_is_422_for_a_number_as_1e400_is(default: httpx.Client) -> None:
    """An integer no double holds, sent for a number, was 422 "Input should be a valid number" (where 1e400 said
    why); in metadata, where no number is taken, it is kept whole as any integer there. Named with the body's other
    errors (it was the only one named)."""
    digits = "1" + "0" * 400
    body = '{"category": {"title": 5, "weight": -' + digits + "}}"
    answer = imsx(put_category(default, body), 422)
    message = f"-{digits[:19]}... (of 401 digits) is not a finite JSON number"
    assert answer["imsx_error_details"] == [
        {"field": "category.title", "message": "Input should be a valid string"},
        {"field": "category.weight", "message": message},
    ]
    assert answer["imsx_description"] == (
        f"Invalid request body: category.title: Input should be a valid string; category.weight: {message}"
    )
    sourced_id = uid("cat")
    held = '{"category": {"title": "x", "metadata": {"m": ' + digits + "}}}"
    assert default.put(f"{GB}/categories/{sourced_id}", content=held, headers=JSON).status_code == 201
    assert default.get(f"{GB}/categories/{sourced_id}").json()["category"]["metadata"]["m"] == int(digits)


# ----- types and values


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"{GB}/categories/c", category(weight="0.5"), "category.weight"),  # a number as a string
        (f"{GB}/categories/c", category(weight=False), "category.weight"),  # a boolean for a number
        (f"{GB}/categories/c", category(title=7), "category.title"),  # a number for a string
        (f"{GB}/categories/c", category(metadata=[1]), "category.metadata"),  # an array for an object
        (f"{GB}/results/r", {"result": {"lineItem": "li-1", "student": {"sourcedId": "s"},
                                        "scoreStatus": "fully graded", "scoreDate": "2024-01-01"}},
         "result.lineItem"),  # a string for a reference
        (f"{RO}/users/u", {"user": {"enabledUser": 0, "givenName": "A", "familyName": "B",
                                    "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": "o"}}]}},
         "user.enabledUser"),  # 0 for a boolean
    ],
)  # fmt: skip
def test_wrong_json_types_are_422_naming_the_field(small: httpx.Client, path: str, body: Any, field: str) -> None:
    answer = imsx(small.put(path, json=body), 422)
    assert field in [d["field"] for d in answer["imsx_error_details"]]
    assert field in answer["imsx_description"]


@pytest.mark.parametrize(
    ("date", "said"),
    [
        ("2024-02-30", "is not a real date (day is out of range for month)"),
        ("2023-02-29", "is not a real date (day is out of range for month)"),
        ("2024-13-01", "is not a real date (month must be in 1..12)"),
        ("2024-04-31T10:00:00Z", "is not a real date-time (day is out of range for month)"),
        ("2024-01-01T25:00:00Z", "is not a real date-time (hour must be in 0..23)"),
        ("2024-01-01T25:00", "is not a date or an RFC 3339 date-time"),  # (no seconds: the format)
        # (RFC 3339's minutes go to 59: Python read it as +01:00)
        ("2024-01-01T10:00:00+00:60", "is not a real date-time (an offset's minutes and seconds go up to 59)"),
        ("2024-01-01T10:00:00+24:00", "is not a date or an RFC 3339 date-time"),  # (the format's ±23:59)
        # (year 10000 in UTC: SQLite's julianday() is NULL, no date filter matched it)
        ("9999-12-31T23:59:59-05:00", "is not a real date-time (outside years 1-9999 in UTC)"),
        # (year 0 in UTC, which no filter could name)
        ("0001-01-01T00:30:00+01:00", "is not a real date-time (outside years 1-9999 in UTC)"),
    ],
)
def test_impossible_dates_are_422_naming_the_field(small: httpx.Client, date: str, said: str) -> None:
    """A well-formed date that does not exist is said not to (it was told the format, which it had)."""
    answer = imsx(small.put(f"{GB}/lineItems/{uid('li')}", json=_line_item_due(date)), 422)
    assert [d["field"] for d in answer["imsx_error_details"]] == ["lineItem.dueDate"]
    assert f"lineItem.dueDate: '{date}' {said}" in answer["imsx_description"]


@pytest.mark.parametrize("date", ["2024-01-15t10:00:00Z", "2024-01-15T10:00:00z", "2024-01-15t10:00:00z"])
def test_a_lowercase_t_or_z_is_422_saying_they_are_uppercase(small: httpx.Client, date: str) -> None:
    """ISO 8601 writes T and Z uppercase, and SQLite's julianday() reads no lowercase t (NULL: no date filter would
    find the record). The server always refused them, its message not saying why, its RFC 3339 check allowing them."""
    answer = imsx(small.put(f"{GB}/lineItems/{uid('li')}", json=_line_item_due(date)), 422)
    assert [d["field"] for d in answer["imsx_error_details"]] == ["lineItem.dueDate"]
    assert f"lineItem.dueDate: '{date}' is not a date or an RFC 3339 date-time" in answer["imsx_description"]
    assert "T and Z uppercase" in answer["imsx_description"]
    # (it said [.fff], three digits, where nine are taken: 2024-01-15T10:00:00.123456789Z is stored as sent)
    assert "with up to 9 digits of a second's fraction" in answer["imsx_description"]


def _line_item_due(date: str) -> dict[str, Any]:
    return {"lineItem": {"title": "Quiz", "class": {"sourcedId": "c"}, "school": {"sourcedId": "s"},
                         "category": {"sourcedId": "k"}, "assignDate": "2024-02-29", "dueDate": date}}  # fmt: skip


# ----- query parameters


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=99999999999999999999", "offset"),  # past what SQLite takes: was a 500
        ("offset=", "offset"),
        ("limit=1.5", "limit"),
        ("limit=" + "9" * 5000, None),  # absurdly long but a positive integer: clamped to the page size
        ("orderBy=", "orderBy"),
        ("sort=", "sort"),
        ("fields=", "fields"),
        ("fields=sourcedId,,title", "fields"),
    ],
)
def test_query_parameters_out_of_range_or_empty_are_400(small: httpx.Client, query: str, field: str | None) -> None:
    response = small.get(f"{GB}/categories/?{query}")
    if field is None:
        assert response.status_code == 200 and response.json()["limit"] == 3000
        return
    answer = imsx(response, 400)
    assert answer["imsx_error_details"][0]["field"] == field


@pytest.mark.parametrize("predicate", ["title='a\x00b'", "title~'\x00'", "sourcedId@'x,\x00'"])
def test_a_filter_value_holding_u0000_is_400_naming_filter(small: httpx.Client, predicate: str) -> None:
    """%00 in the URL: matching nothing (or, cut there by SQLite's JSON functions, the wrong rows) would hide a
    client's bug."""
    answer = imsx(small.get(f"{GB}/categories/", params={"filter": predicate}), 400)
    assert answer["imsx_error_details"] == [
        {"field": "filter", "message": "holds U+0000 (%00), which no value stored holds"}
    ]


# ----- many errors


def test_a_large_batch_with_every_record_wrong_is_answered_at_once(default: httpx.Client) -> None:
    """The errors of a batch are named (the first MAX_NAMED_FIELDS, and how many more), and naming them takes time in
    proportion to their number: the same field was looked for among those already named, a scan per error (12,000
    bad records took 25 s of the write thread, 190,000 within the body limit would have taken hours, every other
    write waiting). Records of nothing, four errors each: about 1 s, where a scan per error would take over a minute
    (the bound leaves room for a machine loaded ten times over)."""
    started = time.monotonic()
    answer = imsx(default.post(f"{GB}/lineItems/{uid('li')}/results", json={"results": [{}] * 12_000}, timeout=300),
                  422)  # fmt: skip
    assert time.monotonic() - started < 20
    fields = [d["field"] for d in answer["imsx_error_details"]]
    assert len(fields) == MAX_NAMED_FIELDS and fields[:2] == ["results[0].student", "results[0].scoreStatus"]
    assert answer["imsx_description"].endswith(f"(and {MAX_NAMED_FIELDS - 5} more; 47000 more errors not named)")


# ----- many values


@pytest.mark.parametrize(
    "records",
    [
        [{}] * 200_001,  # four "Field required" each
        [{"sourcedId": "r", **{f"k{i}": 0 for i in range(200_001)}}],  # an "unknown field" each
        [{"sourcedId": "r", "learningObjectiveSet": [{}] * 200_001}],  # two "Field required" each
    ],
    ids=["empty results", "unknown fields", "nested items"],
)
def test_a_body_of_more_fields_and_items_than_max_json_values_is_413(
    default: httpx.Client, records: list[dict[str, Any]]
) -> None:
    """Each field or item outside metadata may make a validation error or several, and every one was named: a
    batch of 1,000,000 empty results (3 MB) kept the write thread 200 s and answered 645 MB of errors, and one of
    32 MB would have taken the server's memory."""
    response = default.post(f"{GB}/lineItems/{uid('li')}/results", json={"results": records}, timeout=600)
    answer = imsx(response, 413)
    message = "over 200000 fields and items outside metadata"
    assert answer["imsx_error_details"] == [{"field": "body", "message": message}]


def test_metadata_may_hold_more_values_than_max_json_values(default: httpx.Client) -> None:
    """No model looks inside metadata (nothing there makes a validation error), so its values are not counted."""
    scores = list(range(250_000))
    response = default.put(f"{GB}/categories/{uid('cat')}", json=category(metadata={"scores": scores}))
    assert response.status_code == 201, response.text
    assert response.json()["category"]["metadata"]["scores"] == scores


def test_metadata_of_more_values_than_max_metadata_values_is_413_naming_metadata(default: httpx.Client) -> None:
    """Nothing counted what is inside metadata: a PUT of 15M items (30 MB) kept the server 21 s and took 940 MB
    as it was copied, stored and echoed. Past 1,000,000 fields and items (the array's own field counting one) it
    is 413, counted before any model sees it; the array's length alone says so, its items unread."""
    response = default.put(f"{GB}/categories/{uid('cat')}", json=category(metadata={"scores": [0] * 1_000_000}))
    answer = imsx(response, 413)
    message = "over 1000000 fields and items in metadata"
    assert answer["imsx_error_details"] == [{"field": "body", "message": message}]
    assert answer["imsx_description"] == f"The body holds {message}: send less metadata in one request."


def test_max_metadata_values_counts_every_records_metadata_at_every_depth() -> None:
    """The fields and items of every metadata object of the body, nested ones too, count toward one limit; the
    full path (a body with an escape) counts as the fast one does: exactly at the limit passes, one over is 413."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_metadata_values=10)
    ten = {"a": [1, 2], "b": {"c": [[1], {}, {"d": None}]}}  # 2 + 2 + 1 + 3 + 1 + 0 + 1
    exact = json.dumps(category(metadata=ten)).replace("Homework", "Home\\u0077ork")  # (the full path)
    eleven = json.dumps(category(metadata={**ten, "e": 1}))
    over = [
        ("PUT", f"{GB}/categories/{uid('cat')}", eleven),
        ("PUT", f"{GB}/categories/{uid('cat')}", eleven.replace("Homework", "Home\\u0077ork")),  # (the full path)
        ("POST", f"{GB}/lineItems/{uid('li')}/results",  # (6 in each result's metadata, 12 together)
         json.dumps({"results": [{"sourcedId": uid("r"), "metadata": {"k": [i] * 5}} for i in range(2)]})),
    ]  # fmt: skip
    with LocalServer(settings) as running, _authed(running.url) as http:
        assert http.put(f"{GB}/categories/{uid('cat')}", json=category(metadata=ten)).status_code == 201
        assert put_category(http, exact).status_code == 201
        for method, path, content in over:
            answer = imsx(http.request(method, path, content=content, headers=JSON), 413)
            assert answer["imsx_error_details"] == [
                {"field": "body", "message": "over 10 fields and items in metadata"}
            ]


def test_a_utf16_body_spelling_metadata_in_ascii_bytes_is_400_malformed_not_counted() -> None:
    """The fast path parsed bytes with json.loads, which reads UTF-16 and 32 too: a UTF-16-LE body whose bytes are all
    ASCII, one string's two-byte characters spelling b'"metadata"', was counted (413) where the full path, reading
    UTF-8, says 400 Malformed JSON. A NUL byte is never JSON: such a body takes the full path."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_metadata_values=10)
    spelled = b'"metadata"'.decode("utf-16-le")  # (five CJK characters)
    body = json.dumps(category(title=spelled, metadata={"a": list(range(40))}), ensure_ascii=False)
    raw = body.encode("utf-16-le")
    assert raw.isascii() and b'"metadata"' in raw
    with LocalServer(settings) as running, _authed(running.url) as http:
        answer = imsx(put_category(http, raw), 400)
        assert answer["imsx_description"].startswith("Malformed JSON body"), answer


def test_a_patch_is_413_when_the_metadata_it_merges_into_goes_past_max_metadata_values() -> None:
    """A PATCH merges metadata key by key: each body within the limit, four of 999,999 keys stored a record of 4M
    (51.6 MB answers), and one read back and PUT as it was got 413. The merged metadata counts: past the limit,
    413 as a body's own, the record as it was."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_metadata_values=10)
    ali = uid("ali")
    url = f"{GB}/assessmentLineItems/{ali}"
    with LocalServer(settings) as running, _authed(running.url) as http:
        assert http.put(url, json={"assessmentLineItem": {"title": "T"}}).status_code == 201
        six = {f"a{i}": i for i in range(6)}
        assert http.patch(url, json={"assessmentLineItem": {"metadata": six}}).status_code == 200
        more = {"a0": [0, 0], "b0": 0, "b1": 1}  # (a0 replaced: 8 keys and 2 items, exactly the limit)
        assert http.patch(url, json={"assessmentLineItem": {"metadata": more}}).status_code == 200
        answer = imsx(http.patch(url, json={"assessmentLineItem": {"metadata": {"c": 1}}}), 413)
        assert answer["imsx_error_details"] == [{"field": "body", "message": "over 10 fields and items in metadata"}]
        record = http.get(url).json()["assessmentLineItem"]
        assert record["metadata"] == {**six, **more}
        assert http.put(url, json={"assessmentLineItem": record}).status_code in (200, 201)


# ----- the request's line and headers


def _answer_to_raw(server: LocalServer, head: bytes) -> bytes:
    """What the server answers (up to its closing the connection) to ``head`` sent as is, in one go."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("where", ["header", "url"])
def test_a_request_head_over_the_limit_is_431_not_read_on(server: LocalServer, where: str) -> None:
    """httptools (uvicorn's parser here) has no limit of its own on the request line and headers: the server kept
    whatever came before the blank line, a 200 MB header took 400 MB, a URL as long took time quadratic in its length,
    and the connection waited for more. The head is bounded (``MAX_HEAD_BYTES``): one byte over it, the blank line
    never sent, is answered 431 and the connection closed."""
    start = b"GET " + GB.encode() + b"/categories/" + (b"?x=" if where == "url" else b" HTTP/1.1\r\nHost: a\r\nX-Pad: ")
    head = start + b"a" * (MAX_HEAD_BYTES + 1 - len(start))
    answer = _answer_to_raw(server, head)
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 431 Request Header Fields Too Large", answer[:300]
    head, _, body = rest.partition(b"\r\n\r\n")
    assert re.search(rb"(?m)^x-request-id: [0-9a-f]{32}\r?$", head), head  # (as every answer has)
    assert json.loads(body)["imsx_codeMajor"] == "failure" and "131072 bytes" in json.loads(body)["imsx_description"]


@pytest.mark.parametrize("head", [b"GARBAGE\r\n\r\n", b"PUT /health HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
                                  b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                                  b"GET /health HTTP/1.1\r\nHost: a\r\n\r\nJUNK\x01\r\n\r\n"])  # fmt: skip
def test_bytes_that_are_not_http_are_a_400_with_the_servers_error_body(server: LocalServer, head: bytes) -> None:
    """(uvicorn's own answer was plain text, "Invalid HTTP request received.", with no request id.) TLS sent to
    http:// and bytes after a request are refused by httptools as an unknown method, and are still 400: they are no
    request line."""
    answer = _answer_to_raw(server, head)
    status, _, rest = answer.partition(b"\r\n")
    head_of_answer, _, body = rest.partition(b"\r\n\r\n")
    assert status == b"HTTP/1.1 400 Bad Request" and b"x-request-id: " in head_of_answer, answer[:300]
    assert json.loads(body)["imsx_description"] == "The request is not valid HTTP/1.1."


@pytest.mark.parametrize(
    ("head", "status", "said"),
    [
        pytest.param(b"GET /health?x=" + b"a" * 66_000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", b"414 URI Too Long",
                     "The request's URL is over 65535 bytes.", id="url-too-long"),
        pytest.param(b"GET /health?search=\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", b"400 Bad Request",
                     "The request's URL holds a character a URL cannot in its query (outside ASCII, or a control "
                     "character): percent-encode it, as UTF-8 (\u00e9 as %C3%A9).", id="non-ascii-query"),
        pytest.param(b"GET /he\x01lth HTTP/1.1\r\nHost: a\r\n\r\n", b"400 Bad Request",
                     "The request's URL holds a character a URL cannot in its path (outside ASCII, or a control "
                     "character): percent-encode it, as UTF-8 (\u00e9 as %C3%A9).", id="control-in-path"),
        pytest.param(b"FOO /health HTTP/1.1\r\nHost: a\r\n\r\n", b"501 Not Implemented",
                     "The request's method is not one the server implements.", id="unknown-method"),
        pytest.param(b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", b"501 Not Implemented",
                     "CONNECT is not implemented: the server is not a proxy.", id="connect"),
    ],
)  # fmt: skip
def test_a_url_too_long_or_holding_a_byte_no_url_may_and_a_method_not_served_say_so(
    server: LocalServer, head: bytes, status: bytes, said: str
) -> None:
    """httptools takes a URL of up to 65,535 bytes, of ASCII and no control characters, and the methods it knows;
    uvicorn answered a longer URL, one with a byte no URL holds (a client's ``?search=é`` not percent-encoded) and
    an unknown method with the same 400 "not valid HTTP/1.1", the reason dropped. (CONNECT, a tunnel asked of a
    proxy, was run as a request, and what the client sent through the tunnel taken for requests.)"""
    answer = _answer_to_raw(server, head)
    status_line, _, rest = answer.partition(b"\r\n")
    head_of_answer, _, body = rest.partition(b"\r\n\r\n")
    assert status_line == b"HTTP/1.1 " + status and b"connection: close" in head_of_answer, answer[:300]
    assert json.loads(body)["imsx_description"] == said


# 120,000 token characters and no request line (under the head's limit, and read at once: the server closes with none
# left unread, which would reset the connection), sent by a client in the server's process of its own: the 501-or-400
# look at the read took 5 s on 32 KB and over a minute on this, holding the GIL (a server in this process would stall
# the test's own client); over 20 s in the child is that again.
_A_HEAD_OF_ONE_TOKEN = """
import socket
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer
with LocalServer(ServerSettings(database="sqlite://", client_id="c", client_secret="s")) as server:
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(b"X" * 120_000)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
print(answer.partition(b"\\r\\n")[0].decode())
"""


def test_a_head_of_one_long_token_is_refused_in_linear_time() -> None:
    """Bytes httptools refuses as an unknown method are searched for a request line of any method (501, else 400):
    the search started at each byte of a run of token characters and read on to its end, O(n^2) before any login."""
    done = subprocess.run([sys.executable, "-c", _A_HEAD_OF_ONE_TOKEN], capture_output=True, text=True, timeout=20)
    assert done.stdout == "HTTP/1.1 400 Bad Request\n", (done.stdout, done.stderr[-2000:])


@pytest.mark.parametrize("split", ["one-send", "head-then-body", "half-a-head-then-the-rest"])
def test_a_request_asking_to_upgrade_is_answered_as_http_1_1_with_its_body(
    server: LocalServer, default: httpx.Client, split: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``Connection: Upgrade`` with ``Upgrade: h2c`` (curl --http2 on http://, some Java clients): httptools ends a
    request asking to upgrade with its head, and uvicorn ran it with no body (a PUT answered 400 "The body must be a
    JSON object."), dropped the bytes after the head in the same read (a request pipelined after it was never
    answered), took those of later reads for a request (400), and warned that no WebSocket library was installed.
    The server serves HTTP/1.1 alone and ignores the upgrade (RFC 9110 section 7.8): body and all, in one send or
    two, then the next request pipelined after it."""
    sourced_id = uid("cat")
    body = json.dumps(category()).encode()
    head = (f"PUT {GB}/categories/{sourced_id} HTTP/1.1\r\nHost: a\r\nAuthorization: {default.headers['Authorization']}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: Upgrade, HTTP2-Settings"
            "\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n").encode()  # fmt: skip
    then = b"GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    data = head + body + then
    cut = {"one-send": len(data), "head-then-body": len(head), "half-a-head-then-the-rest": len(head) // 2}[split]
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(data[:cut])
        time.sleep(0.05)  # (the rest in a read of its own)
        sock.sendall(data[cut:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert re.findall(rb"HTTP/1.1 (\d+) ", answer) == [b"201", b"200"], answer[:600]
    assert default.get(f"{GB}/categories/{sourced_id}").json()["category"]["title"] == "Homework"
    assert "WebSocket" not in caplog.text


@pytest.mark.parametrize(
    ("sent", "answers"),
    [
        pytest.param(b"GET /health HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                     b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                     b"GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2, id="websocket-then-get"),
        pytest.param(b"GET /health HTTP/1.0\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n", 1, id="http-1.0"),
    ],
)  # fmt: skip
def test_a_get_asking_to_upgrade_is_answered_as_http_1_1(server: LocalServer, sent: bytes, answers: int) -> None:
    """A websocket asked for with no websocket library installed, a request pipelined after it in the same send (it
    was never answered); an HTTP/1.0 request, after which httptools' parser takes no more bytes."""
    answer = _answer_to_raw(server, sent)
    assert re.findall(rb"HTTP/1.1 (\d+) ", answer) == [b"200"] * answers, answer[:600]


def _head_of(size: int, start: bytes = b"GET /health HTTP/1.1\r\nHost: a\r\n", end: bytes = b"") -> bytes:
    """A whole request head of exactly ``size`` bytes (blank line included), padded by one header, ``end`` last."""
    pad = size - len(start) - len(b"X-Pad: \r\n") - len(end) - 2
    return start + b"X-Pad: " + b"a" * pad + b"\r\n" + end + b"\r\n"


@pytest.mark.parametrize(("size", "status"), [(MAX_HEAD_BYTES, b"200"), (MAX_HEAD_BYTES + 1, b"431")])
def test_a_whole_head_sent_at_once_is_bounded_exactly(server: LocalServer, size: int, status: bytes) -> None:
    """The read that completed a head was not counted, so a head sent whole passed the bound by up to one socket
    read (a 196,000-byte header was answered 200). The head's part of that read counts: one byte over is 431."""
    answer = _answer_to_raw(server, _head_of(size, end=b"Connection: close\r\n"))
    assert answer.startswith(b"HTTP/1.1 %s " % status), answer[:300]


def test_a_body_in_the_read_that_completes_a_head_is_not_counted_as_head(
    server: LocalServer, default: httpx.Client
) -> None:
    """A head of exactly the bound and a 100 KB body after it, sent in one write: only the head counts."""
    body = json.dumps(category(metadata={"pad": ["b" * 1000] * 100})).encode()
    start = f"PUT {GB}/categories/{uid('cat')} HTTP/1.1\r\nHost: a\r\n".encode()
    end = b"Authorization: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n" % (
        default.headers["Authorization"].encode(),
        len(body),
    )
    answer = _answer_to_raw(server, _head_of(MAX_HEAD_BYTES, start, end) + body)
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]


@pytest.mark.parametrize("reads", [1, 2, 3])
async def test_a_head_one_byte_over_is_431_however_its_reads_fall(reads: int) -> None:
    """Fed as the socket might give it (whole, or split with its last read small or large): one byte over the bound,
    the head is refused whichever read completes it; at the bound, with a body in the same read, it is answered."""
    for size, body, refused in ((MAX_HEAD_BYTES + 1, b"", True), (MAX_HEAD_BYTES, b"x" * 70_000, False)):
        served, transport = _fed_protocol()
        start = b"POST /a HTTP/1.1\r\nHost: a\r\n"
        data = _head_of(size, start, b"Content-Length: %d\r\n" % len(body)) + body
        cuts = [0, *(size * n // reads for n in range(1, reads)), len(data)]
        try:
            for begin, stop in itertools.pairwise(cuts):
                served.data_received(data[begin:stop])
            for _ in range(20):  # (the app's task answers)
                await asyncio.sleep(0)
            if refused:
                assert transport.written.startswith(b"HTTP/1.1 431 ") and transport.closed, bytes(transport.written)
            else:
                assert transport.written.startswith(b"HTTP/1.1 200 OK"), bytes(transport.written[:200])
        finally:
            served.connection_lost(None)


class _Transport(asyncio.Transport):
    """What the protocol writes to and closes, for a test that feeds it reads as a socket would give them."""

    def __init__(self) -> None:
        super().__init__()
        self.written, self.closed = bytearray(), False

    def write(self, data: Any) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1), "sockname": ("127.0.0.1", 2)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def _fed_protocol(
    before_answering: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
) -> tuple[protocol.BoundedHttpToolsProtocol, _Transport]:
    """The server's protocol on a ``_Transport``, answering 200 ``ok`` to every request once its body is read (and
    ``before_answering(scope)`` has returned)."""
    import uvicorn
    from uvicorn.server import ServerState

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        if before_answering is not None:
            await before_answering(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    # (no log_config: uvicorn's default one took its loggers off the hierarchy, onto a handler of its own, for the
    # rest of this test process)
    config = uvicorn.Config(app, http=protocol.BoundedHttpToolsProtocol, log_config=None, lifespan="off")
    config.load()
    loop = asyncio.get_running_loop()
    served = protocol.BoundedHttpToolsProtocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
    transport = _Transport()
    served.connection_made(transport)
    return served, transport


async def test_a_request_arriving_whole_in_one_read_is_not_taken_for_a_head() -> None:
    """A read holding a whole request, head and large body (a bulk POST of 1,000 results, 240 KB, read at once from
    the socket), ends where the next head would start: it was counted as head bytes, answered 431, and the batch
    failed (two batches in ten of a bulk upload). Fed here as the socket would, three times on one connection: a
    read the size of a whole request is something the kernel gives when it will, not on demand."""
    served, transport = _fed_protocol()
    body = b"x" * (2 * MAX_HEAD_BYTES)
    try:
        for _ in range(3):
            served.data_received(b"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            for _ in range(20):  # (the app's task answers)
                await asyncio.sleep(0)
        assert b" 431 " not in transport.written and not transport.closed, bytes(transport.written[:200])
        assert transport.written.count(b"HTTP/1.1 200 OK") == 3
    finally:
        served.connection_lost(None)


async def test_heads_of_one_connection_are_each_bounded_alone() -> None:
    """The bound is on each head, not on a connection's: heads that come in two reads each (a 40 KB header, say)
    count from zero again for every request, however many a kept-alive connection sends."""
    served, transport = _fed_protocol()
    pad = b"p" * (MAX_HEAD_BYTES // 3)
    try:
        for _ in range(6):
            served.data_received(b"GET /a HTTP/1.1\r\nHost: a\r\nX-Pad: " + pad)
            served.data_received(b"\r\n\r\n")
            for _ in range(20):  # (the app's task answers)
                await asyncio.sleep(0)
        assert b" 431 " not in transport.written and not transport.closed, bytes(transport.written[:200])
        assert transport.written.count(b"HTTP/1.1 200 OK") == 6
    finally:
        served.connection_lost(None)


async def test_a_pipelined_request_answered_slowly_is_not_taken_for_a_head_too_slow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two requests in one read (pipelined): once the first is answered, the second, whose head came whole, is
    being answered, and its head is not waited for. Taken for a connection waiting for a head, one answered in over
    ``HEAD_TIMEOUT_SECONDS`` would have its connection closed under it."""
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT_SECONDS", 0.05)
    go_on = asyncio.Event()

    async def second_waits(scope: dict[str, Any]) -> None:
        if scope["path"] == "/second":
            await go_on.wait()

    served, transport = _fed_protocol(second_waits)
    try:
        served.data_received(b"GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n")
        await asyncio.sleep(0.5)  # (ten times the head's time: the second is still being answered)
        assert not transport.closed and transport.written.count(b"HTTP/1.1 200 OK") == 1, bytes(transport.written)
        go_on.set()
        for _ in range(20):  # (the app's task answers)
            await asyncio.sleep(0)
        assert not transport.closed and transport.written.count(b"HTTP/1.1 200 OK") == 2, bytes(transport.written)
    finally:
        served.connection_lost(None)


def test_the_longest_url_and_60_kb_of_headers_are_answered(server: LocalServer, default: httpx.Client) -> None:
    """The limit leaves room for the longest URL the server takes (httptools refuses one over 64 KB, as httpx
    will not send one): here an ``@`` list of sourcedIds of 255 characters (the longest a sourcedId may be), with
    60 KB of other headers besides."""
    sourced_id = uid("c").ljust(255, "x")
    assert default.put(f"{GB}/categories/{sourced_id}", json=category()).status_code == 201
    ids = [sourced_id] + [f"{n}".ljust(255, "y") for n in range(250)]
    while len(query := str(httpx.QueryParams(filter="sourcedId@'" + ",".join(ids) + "'"))) > 65_000:
        ids.pop()
    target = f"{GB}/categories/?{query}"
    auth = default.headers["Authorization"]
    head = f"GET {target} HTTP/1.1\r\nHost: a\r\nAuthorization: {auth}\r\nX-Pad: {'p' * 60_000}\r\n"
    answer = _answer_to_raw(server, f"{head}Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:300]
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["categories"][0]["sourcedId"] == sourced_id


def test_a_request_head_left_unfinished_is_408_and_an_idle_connection_closed(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn gives a request's head no time limit (its keep-alive timeout ends with the first byte): a connection
    that sent nothing, or half a head, was held open for good, and a client holding enough of them (one byte now
    and then) took every socket the server may open. The head must arrive within ``HEAD_TIMEOUT_SECONDS`` of the
    server waiting for it: else 408, or, nothing sent, the connection closed. (1 s here; 20 s as served.)"""
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT_SECONDS", 1.0)
    with (
        socket.create_connection((server.host, server.port), timeout=10) as idle,
        socket.create_connection((server.host, server.port), timeout=10) as half,
    ):
        half.sendall(b"GET /health HTTP/1.1\r\nHost: a\r\n")
        assert half.recv(65536).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert idle.recv(65536) == b""  # (closed, as uvicorn closes a keep-alive connection left idle)
    with _authed(server.url) as http:  # (a request that arrives whole is answered as before)
        assert http.get("/health").status_code == 200


def test_a_kept_alive_connection_outlasts_the_clients_idle_expiry(server: LocalServer) -> None:
    """uvicorn's keep-alive timeout, 5 s, was httpx's idle expiry for a pooled connection (the SDK's default): a
    call sent on a connection idle for 4.95-5 s met the server closing it (a connection error; a create, "may have
    been stored"). Served longer than clients keep a connection, one idle past their 5 s is still answered."""
    assert protocol.KEEP_ALIVE_SECONDS > httpx.Limits(max_connections=1).keepalive_expiry  # (httpx's default)
    with socket.create_connection((server.host, server.port), timeout=10) as kept:
        for wait in (0, 5.5):
            time.sleep(wait)
            kept.sendall(b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            head, _ = _read_answer(kept)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head


def _read_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """One answer's head and body from ``sock`` (its body as long as its Content-Length says)."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        assert chunk, answer  # (closed before a whole head came)
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, answer
        body += chunk
    return head, body


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (nothing more is read from it)."""
    sock.settimeout(seconds)
    try:
        return sock.recv(65536) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:  # (closed too, the unsent part of the body refused)
        return True


EARLY_ANSWERS = [  # (a request line, its Authorization, and the status it is answered from its head)
    pytest.param(f"PUT {GB}/categories/c1", "Bearer made-up", b"401", id="lane-401"),
    pytest.param(f"POST {GB}/nowhere", "", b"404", id="fastapi-404"),
    pytest.param(f"POST {GB}/results/x", "", b"405", id="fastapi-405"),
    pytest.param("POST /oauth2/token?client_secret=s", "", b"400", id="token-endpoint-400"),
]


def _early_head(request_line: str, authorization: str, length: int) -> bytes:
    auth = f"Authorization: {authorization}\r\n" if authorization else ""
    return (f"{request_line} HTTP/1.1\r\nHost: a\r\n{auth}Content-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()  # fmt: skip


@pytest.mark.parametrize(("request_line", "authorization", "status"), EARLY_ANSWERS)
def test_an_answer_sent_before_the_body_came_keeps_the_connection_once_the_body_comes(
    server: LocalServer, request_line: str, authorization: str, status: bytes
) -> None:
    """A request answered from its head (a bad token, an unknown path, a method not allowed, credentials in the
    token URL...) before its body had all come. The connection used to be closed at once after the answer, while the
    client was still sending: the kernel then resets it (TCP RST), which can destroy the answer unread in the
    client's receive buffer (RFC 9112 section 9.6; Windows does), and the SDK saw a connection error instead of the
    401. The rest of the body is read and dropped: the answer does not say ``Connection: close``, and once the body
    has come, the next request on the same socket is answered."""
    body = b'{"category": ' + b" " * 986 + b"1}"
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(_early_head(request_line, authorization, len(body)) + body[:13])
        answer_head, answer_body = _read_answer(sock)
        assert answer_head.startswith(b"HTTP/1.1 %s " % status), answer_head
        assert b"connection: close" not in answer_head.lower(), answer_head
        assert json.loads(answer_body)["imsx_codeMajor"] == "failure"
        time.sleep(0.05)  # (the rest of the body a moment later, in reads of its own)
        sock.sendall(body[13:])
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
        answer_head, _ = _read_answer(sock)
        assert answer_head.startswith(b"HTTP/1.1 200 "), answer_head
        assert not _closed_within(sock, 0.2)


def test_a_body_trickled_after_an_early_answer_is_read_for_drain_seconds_then_closed(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer sent before the body came, then the body trickled a byte at a time: each byte reset uvicorn's
    keep-alive timer, so the connection was held for as long as the client liked. It is read (and dropped) for
    ``DRAIN_SECONDS`` (0.5 s here; 10 s as served) from the answer, then closed: not at once, not held. (Timed from
    the request sent, before the answer: about 0.5 s at least however loaded the machine, the event loop's timers
    being whole milliseconds. Held, it would still be open after 10 s: the server's other timers are 20 s.)"""
    monkeypatch.setattr(protocol, "DRAIN_SECONDS", 0.5)
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sent = time.monotonic()
        sock.sendall(_early_head(f"PUT {GB}/categories/c1", "Bearer made-up", 1000) + b"{")
        answer_head, _ = _read_answer(sock)
        assert answer_head.startswith(b"HTTP/1.1 401 ") and b"connection: close" not in answer_head.lower()
        closed = False
        while not closed and time.monotonic() - sent < 10:
            try:
                sock.sendall(b" ")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
            else:
                closed = _closed_within(sock, 0.05)
        held = time.monotonic() - sent
        assert closed and held > 0.45, held


@pytest.mark.parametrize("path", [f"{GB}/categories/c1", "/oauth2/token"], ids=["lane", "token-endpoint"])
def test_a_declared_body_over_the_limit_closes_the_connection_without_a_reset(small: httpx.Client, path: str) -> None:
    """413 from the declared length, the body not parsed: the connection is not kept for the megabytes to come; the
    answer says ``Connection: close`` and the server's half of the connection ends after it (FIN). What the client
    still sends is dropped until it closes: closed at once, the kernel reset the connection (TCP RST) as the body
    kept coming, and a client could lose the 413 unread."""
    url = httpx.URL(str(small.base_url))
    with socket.create_connection((url.host, url.port), timeout=10) as sock:
        sock.sendall(_early_head(f"PUT {path}" if "categories" in path else f"POST {path}",
                                 small.headers["Authorization"], 5000000))  # fmt: skip
        answer_head, _ = _read_answer(sock)
        assert answer_head.startswith(b"HTTP/1.1 413 ") and b"\r\nconnection: close" in answer_head.lower()
        assert sock.recv(65536) == b""  # (the server's end: not a reset)
        time.sleep(0.2)  # (the server would have closed by now)
        sock.sendall(b" " * 5000000)  # (the body, dropped: a reset would fail this send)
    with socket.create_connection((url.host, url.port), timeout=10) as sock:
        sock.sendall(_early_head(f"PUT {path}" if "categories" in path else f"POST {path}",
                                 small.headers["Authorization"], 5000000))  # fmt: skip
        _read_answer(sock)
        sock.shutdown(socket.SHUT_WR)  # (the client gives up on the body: the server closes then)
        assert _closed_within(sock, 2.0)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_the_sdk_gets_the_413_of_a_body_too_large_not_a_lost_connection(small: httpx.Client, kind: str) -> None:
    """An 8 MB create against a 2 KB limit: the 413 (``RequestError``), not retried. ``AsyncTimeback`` on httpx's
    own transport got a connection reset instead, the answer lost: ``APIConnectionError``, the 8 MB sent again for
    each retry, and a message saying the records might have been stored."""
    from timeback import AsyncTimeback, RequestError

    kwargs = {"base_url": str(small.base_url), "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    category = {"title": "Homework", "metadata": {"notes": "x" * 8_000_000}}
    with pytest.raises(RequestError) as refused:
        if kind == "sync":
            with Timeback(**kwargs) as client:
                client.oneroster.gradebook.put_category(sourced_id=uid("cat"), category=category)
        else:
            async with AsyncTimeback(**kwargs) as aclient:
                await aclient.oneroster.gradebook.put_category(sourced_id=uid("cat"), category=category)
    assert refused.value.status_code == 413 and "larger than 2048 bytes" in str(refused.value)
    assert "may have stored" not in str(refused.value)


def test_a_connection_reading_an_answered_body_does_not_hold_up_a_graceful_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uvicorn's graceful stop waits for connections still answering; one reading the rest of a body already
    answered (a 401 here) is closed at once, not after ``DRAIN_SECONDS``. (Held up, ``stop()`` gave up on the server
    thread after 32 s; the bound leaves a loaded machine 15 s.)"""
    monkeypatch.setattr(protocol, "DRAIN_SECONDS", 60.0)
    running = LocalServer(SMALL).start()
    try:
        sock = socket.create_connection((running.host, running.port), timeout=10)
        sock.sendall(_early_head(f"PUT {GB}/categories/c1", "Bearer made-up", 1000) + b"{")
        answer_head, _ = _read_answer(sock)
        assert answer_head.startswith(b"HTTP/1.1 401 ")
    finally:
        stopping = time.monotonic()
        running.stop()
    with sock:
        assert time.monotonic() - stopping < 15
        assert _closed_within(sock, 1.0)


@pytest.mark.parametrize("body_apart", [False, True], ids=["body-with-head", "body-after-head"])
def test_a_request_whose_body_came_whole_keeps_its_connection(
    server: LocalServer, default: httpx.Client, body_apart: bool
) -> None:
    """Answers to requests whose body had come, read or not (a 201 here, and a 401 whose body came with its head),
    keep the connection: a second request on the same socket is answered. A body sent after its head (as large ones
    are) is no exception once it has come."""
    body = json.dumps(category()).encode()
    auth = default.headers["Authorization"]
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        for authorization, status in ((auth, b"201"), ("Bearer made-up", b"401"), (auth, b"201")):
            head = (f"PUT {GB}/categories/{uid('cat')} HTTP/1.1\r\nHost: a\r\nAuthorization: {authorization}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
            if body_apart and status == b"201":
                sock.sendall(head)
                time.sleep(0.05)  # (the head answered alone first, its body in a later read)
                sock.sendall(body)
            else:
                sock.sendall(head + body)
            answer_head, _ = _read_answer(sock)
            assert answer_head.startswith(b"HTTP/1.1 %s " % status), answer_head
            assert b"connection: close" not in answer_head.lower(), answer_head
        assert not _closed_within(sock, 0.2)


def test_the_next_head_on_a_kept_alive_connection_is_bounded_too(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both bounds hold for every request of a connection, not only its first: after an answer the server waits for
    the next head again (its timer armed anew, its bytes counted anew). A client that sent one small request and
    then half a head, or a head over the limit, held the connection (and the memory) as before the bounds."""
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT_SECONDS", 1.0)
    first = b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n"
    over = b"GET /health HTTP/1.1\r\nHost: a\r\nX-Pad: " + b"a" * MAX_HEAD_BYTES
    for then, status in ((b"GET /health HTTP/1.1\r\nHost: a\r\n", b"408"), (over, b"431")):
        with socket.create_connection((server.host, server.port), timeout=10) as sock:
            sock.sendall(first)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):  # (/health's JSON, whole)
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:300]
            sock.sendall(then)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 %s " % status), answer[:300]


# ----- the request's body, in time

SLOW = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, body_timeout_seconds=1.0)  # (30 s as served)


@pytest.fixture(scope="module")
def slow_bodies() -> Iterator[tuple[LocalServer, httpx.Client]]:
    with LocalServer(SLOW) as running, _authed(running.url) as http:
        yield running, http


def _answer_to_stalled(server: LocalServer, sent: bytes) -> bytes:
    """What the server answers to ``sent`` (a head and part of its body, the rest never sent), up to its closing the
    connection; a marker instead if it answered nothing, or left the connection open, for 10 s."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(sent)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            answer += b"(still open after 10 s)"
    return answer


def _408(answer: bytes) -> dict[str, Any]:
    head, _, content = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b"connection: close" in head.lower(), answer[:300]
    body: dict[str, Any] = json.loads(content)  # (all of it: the connection closed after the answer)
    assert body["imsx_codeMajor"] == "failure" and "nothing of it came for 1 s" in body["imsx_description"]
    return body


@pytest.mark.parametrize("how", ["put", "batch", "chunked"])
def test_a_request_body_that_stops_coming_is_408_and_nothing_is_stored(
    slow_bodies: tuple[LocalServer, httpx.Client], how: str
) -> None:
    """A client that sent a request's head and then part of its body, and no more, held its connection and a
    server task for good: the server waited for the rest with no time limit (Timeback's load balancer cuts idle
    requests; an integrator's CI job hung instead). When ``body_timeout_seconds`` (1 s here) pass with no byte of
    the body coming, the answer is 408 with the imsx body and the connection is closed; nothing of the request is
    stored, a batch no more than a single record."""
    server, http = slow_bodies
    if how == "batch":
        with Timeback(**server.client_kwargs()) as client:
            roster = make_roster(client, students=[uid("student") for _ in range(3)])
            line_item = add_line_items(client, roster, 1)[0]
        ids = [uid("r") for _ in roster.students]
        body = json.dumps(
            {"results": [result_body(line_item, s, i) for s, i in zip(roster.students, ids, strict=True)]}
        )
        target = f"{GB}/lineItems/{line_item}/results"
    else:
        ids = [uid("cat")]
        body, target = json.dumps(category()), f"{GB}/categories/{ids[0]}"
    method = "POST" if how == "batch" else "PUT"
    head = f"{method} {target} HTTP/1.1\r\nHost: a\r\nAuthorization: {http.headers['Authorization']}\r\n"
    head += "Content-Type: application/json\r\n"
    part = body[: len(body) - 5].encode()
    if how == "chunked":
        sent = f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + b"%x\r\n%s\r\n" % (len(part), part)
    else:
        sent = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + part
    body_408 = _408(_answer_to_stalled(server, sent))
    assert body_408["imsx_error_details"] == [{"field": "body", "message": "incomplete"}]
    for sourced_id in ids:
        path = f"{GB}/categories/{sourced_id}" if how != "batch" else f"{GB}/results/{sourced_id}"
        assert http.get(path).status_code == 404
    if how == "batch":  # (the same body sent whole is stored: the 408 was for its not coming, nothing else)
        response = http.post(target, content=body, headers=JSON)
        assert response.status_code == 201, response.text
        assert all(http.get(f"{GB}/results/{sourced_id}").status_code == 200 for sourced_id in ids)


def test_a_token_request_whose_body_stops_coming_is_408(slow_bodies: tuple[LocalServer, httpx.Client]) -> None:
    """The token endpoint (a FastAPI route, not the operation lane) reads its form body the same way, with the same
    time limit: 408 with the OAuth ``error`` and the imsx fields, the connection closed."""
    server, _ = slow_bodies
    form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    head = "POST /oauth2/token HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    sent = f"{head}Content-Length: {len(form)}\r\n\r\n{form[:20]}".encode()
    body = _408(_answer_to_stalled(server, sent))
    assert body["error"] == "invalid_request"


def test_a_body_coming_slowly_but_steadily_is_taken(slow_bodies: tuple[LocalServer, httpx.Client]) -> None:
    """The limit is on a body making no progress, as a load balancer's idle timeout (and nginx's
    ``client_body_timeout``) is, not on the time all of it takes: a body whose bytes keep coming, each well within
    the limit of the one before, is taken however long it takes in all (here 1.6 s, where the limit is 1 s)."""
    server, http = slow_bodies
    sourced_id = uid("cat")
    body = json.dumps(category()).encode()
    head = (f"PUT {GB}/categories/{sourced_id} HTTP/1.1\r\nHost: a\r\nAuthorization: {http.headers['Authorization']}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")  # fmt: skip
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head.encode())
        for n in range(8):
            time.sleep(0.2)
            sock.sendall(body[n * len(body) // 8 : (n + 1) * len(body) // 8])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n"), answer[:300]
    assert http.get(f"{GB}/categories/{sourced_id}").status_code == 200


def test_an_upgrade_request_is_handed_to_the_websocket_protocol_when_one_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``websockets`` or ``wsproto`` installed (``uvicorn[standard]`` installs one), uvicorn hands an upgrade on
    from its head, making no request cycle: the server's own hook on each cycle then failed on none, and the request
    was answered "not valid HTTP/1.1". A stand-in protocol answers 403 here, as one would with no route."""
    import asyncio

    from timeback.server import runner

    class StandIn(asyncio.Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")  # type: ignore[attr-defined]
            self.transport.close()

    load = runner._Config.load

    def load_with_websockets(self: Any) -> None:
        load(self)
        self.ws_protocol_class = StandIn

    monkeypatch.setattr(runner._Config, "load", load_with_websockets)
    upgrade = (b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")  # fmt: skip
    with LocalServer(SMALL) as running:
        assert _answer_to_raw(running, upgrade).startswith(b"HTTP/1.1 403 Forbidden")


# ----- clients that close their end, or stop reading

# Every request slowed (fault injection's ``slow``, as a request on a loaded server or a large file database is):
# the client's close comes while its requests are being handled.
SLOWED = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=500")


@pytest.fixture(scope="module")
def slowed() -> Iterator[tuple[LocalServer, httpx.Client]]:
    with LocalServer(SLOWED) as running, _authed(running.url) as http:
        yield running, http


def _put(http: httpx.Client, sourced_id: str, extra: str = "") -> bytes:
    """A category's PUT as sent on the wire, authorized as ``http`` is; ``extra``: header lines to add."""
    body = json.dumps(category()).encode()
    return (f"PUT {GB}/categories/{sourced_id} HTTP/1.1\r\nHost: a\r\nAuthorization: {http.headers['Authorization']}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n").encode() + body  # fmt: skip


@pytest.mark.parametrize(("requests", "extra"), [(1, ""), (1, "Connection: close\r\n"), (3, "")],
                         ids=["one", "connection-close", "pipelined"])  # fmt: skip
def test_requests_sent_whole_before_the_client_closes_its_end_are_answered(
    slowed: tuple[LocalServer, httpx.Client], requests: int, extra: str
) -> None:
    """A client may close its end for writing once its requests are sent (``shutdown(SHUT_WR)``, as ``nc -N`` does)
    and still read. uvicorn closed the connection then (uvicorn#1264): the requests were run, their writes stored,
    and their answers lost. Each is answered, in order, then the connection closed."""
    server, http = slowed
    ids = [uid("cat") for _ in range(requests)]
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(b"".join(_put(http, sourced_id, extra) for sourced_id in ids))
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.count(b"HTTP/1.1 201 Created\r\n") == requests, answer[:300]
    where = [answer.index(sourced_id.encode()) for sourced_id in ids]
    assert where == sorted(where)
    assert all(http.get(f"{GB}/categories/{sourced_id}").status_code == 200 for sourced_id in ids)


def test_a_head_request_sent_before_the_client_closes_its_end_is_answered(server: LocalServer) -> None:
    """An answer's head waits for its body to go out with it (``_AnswerTransport``); a HEAD answer has none, and the
    connection is closed as it completes (the client's end closed): its head is written first."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(b"HEAD /health HTTP/1.1\r\nHost: timeback.test\r\n\r\n")
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"\r\n\r\n"), answer


def test_a_connection_idle_or_mid_body_is_closed_when_the_client_closes_its_end(
    server: LocalServer, default: httpx.Client
) -> None:
    """Only requests that came whole are answered after the client's end closed: a connection with nothing to answer
    is closed at once, and a body cut short is not waited for (nothing stored)."""
    sourced_id = uid("cat")
    with socket.create_connection((server.host, server.port), timeout=10) as idle:
        idle.shutdown(socket.SHUT_WR)
        assert idle.recv(65536) == b""
    with socket.create_connection((server.host, server.port), timeout=10) as cut:
        cut.sendall(_put(default, sourced_id)[:-5])
        cut.shutdown(socket.SHUT_WR)
        assert cut.recv(65536) == b""
    assert default.get(f"{GB}/categories/{sourced_id}").status_code == 404


def test_a_tls_client_closing_its_end_under_a_request_logs_no_warning(tls_server: tuple[LocalServer, Any]) -> None:
    """Under TLS a client's end closed (its close_notify) cannot leave the connection open for the answer: asyncio's
    and uvloop's TLS close it whatever the protocol says. Asking them to keep it logged "returning true from
    eof_received() has no effect when using ssl" at warning level for each such client; it is closed, as before."""
    from tests.server.test_auth_hardening import CaughtLogs

    server, ca = tls_server
    context = ssl.create_default_context()
    ca.configure_trust(context)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    with CaughtLogs() as logs, socket.create_connection((server.host, server.port), timeout=10) as sock:
        while True:
            with contextlib.suppress(ssl.SSLWantReadError):
                tls.do_handshake()
                break
            sock.sendall(outgoing.read())
            incoming.write(sock.recv(65536))
        tls.write(b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
        with contextlib.suppress(ssl.SSLWantReadError):
            tls.unwrap()  # (close_notify, sent with the request: the request in flight when it is read)
        sock.sendall(outgoing.read())
        while sock.recv(65536):  # (until the server has closed the connection)
            pass
    assert [line for line in logs.lines if "eof_received" in line] == []


def test_a_connection_reset_under_pipelined_requests_logs_no_error(slowed: tuple[LocalServer, httpx.Client]) -> None:
    """Two PUTs pipelined, then the connection reset (TCP RST) while the first is handled: the first is stored all
    the same, and its answer, written to the closed connection, raised on uvloop (asyncio drops it): uvicorn logged
    "Exception in ASGI application", and the server an unhandled error, for a client that had merely gone. What is
    written once the connection is closing is dropped."""
    from tests.server.test_auth_hardening import CaughtLogs

    server, http = slowed
    first = uid("cat")
    with CaughtLogs() as logs:
        sock = socket.create_connection((server.host, server.port), timeout=10)
        sock.sendall(_put(http, first) + _put(http, uid("cat")))
        time.sleep(0.1)  # (both read by the server, the first still slowed)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        for _ in range(40):  # (each read slowed too: the first's answer written meanwhile)
            if http.get(f"{GB}/categories/{first}").status_code == 200:
                break
        else:
            raise AssertionError("the first PUT was not stored")
        time.sleep(0.2)  # (its answer, written after its write is stored)
    assert [record.getMessage() for record in logs.records if record.levelno >= logging.ERROR] == []


def test_a_client_that_stops_reading_its_answers_has_its_connection_dropped(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that sends requests and reads none of the answers (its receive buffer full): the server held them
    in memory for as long as the client kept the connection (50 connections of four pipelined 2 MB pages: 400 MB
    more). Once writing has waited ``SEND_TIMEOUT_SECONDS`` (1 s here; 60 s as served) for the client to read, the
    connection is dropped, and the answers still queued with it."""
    monkeypatch.setattr(protocol, "SEND_TIMEOUT_SECONDS", 1.0)
    dropped = threading.Event()
    too_slow = protocol.BoundedHttpToolsProtocol._send_too_slow

    def noted(self: protocol.BoundedHttpToolsProtocol) -> None:
        too_slow(self)
        if self.transport.is_closing():
            dropped.set()

    monkeypatch.setattr(protocol.BoundedHttpToolsProtocol, "_send_too_slow", noted)
    asked = 40  # (the OpenAPI document, over 500 KB each: far more than the sockets' buffers hold)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(10)
        sock.connect((server.host, server.port))
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: a\r\n\r\n" * asked)
        # (reading nothing until the server drops it: a fixed 3 s passed first on a loaded CI machine, whose server,
        # slower to make the answers, had not waited its second yet, and the reads that followed freed it)
        assert dropped.wait(30), "the connection was not dropped"
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(1 << 20):
                answer += chunk
    assert 0 < answer.count(b"HTTP/1.1 200 OK\r\n") < asked


def test_a_client_reading_its_answers_slowly_but_steadily_gets_them_all(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The send timeout is of no progress, not of a slow answer: a client reading steadily, slower than its answers
    were written (an answer body is one write), was cut once writing had been paused ``SEND_TIMEOUT_SECONDS`` in
    all. The answers outsize the sockets' buffers (megabytes on loopback), which the reader drains for a few times
    the timeout before writing resumes."""
    monkeypatch.setattr(protocol, "SEND_TIMEOUT_SECONDS", 0.5)
    asked = 8  # (the OpenAPI document, over 500 KB each)
    request = b"GET /openapi.json HTTP/1.1\r\nHost: a\r\n\r\n"
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(10)
        sock.connect((server.host, server.port))
        sock.sendall(request * (asked - 1) + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answer = b""
        while chunk := sock.recv(1 << 16):  # (a reset, the connection dropped, fails the test)
            answer += chunk
            time.sleep(0.004)  # (a few KB each: about 1 MB/s)
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == asked


def test_a_page_whose_records_pass_max_page_characters_is_answered_short_and_paging_reads_every_record() -> None:
    """A listing's page held ``limit`` records whatever their size, read and answered whole in memory (3,000 records
    of 30 MB: 90 GB, about four times over): past ``max_page_characters`` of records it ends short (one record at
    least, however big), the envelope's offset and Link next after its last record. The SDK's paging reads every
    record once, unsorted and sorted, and again from the page ends the server remembers."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_page_characters=3000)
    with LocalServer(settings) as running, Timeback(**running.client_kwargs()) as client, _authed(running.url) as http:
        r = make_roster(client, students=[uid("student") for _ in range(9)])
        (line_item,) = add_line_items(client, r, 1)
        ids = [f"r{i}" for i in range(9)]
        for i, (sid, student) in enumerate(zip(ids, r.students, strict=True)):  # (r4: bigger than a page alone)
            comment = "x" * (5000 if i == 4 else 700)
            client.oneroster.gradebook.put_result(
                sourced_id=sid, result=result_body(line_item, student, comment=comment)
            )
        page = http.get(f"{GB}/results", params={"limit": 100})
        listed = page.json()
        sizes = [len(json.dumps(x, separators=(",", ":"))) for x in listed["results"]]  # (as stored)
        assert len(listed["results"]) == 3 and sum(sizes) <= 3000 < sum(sizes) + 1000, sizes
        assert (listed["totalCount"], listed["offset"], listed["limit"]) == (9, 3, 100)
        assert 'offset=3>; rel="next"' in page.headers["Link"], page.headers["Link"]
        # (last was the current page, before next: a client stopping at last stopped there; from the review)
        assert 'offset=3>; rel="last"' in page.headers["Link"], page.headers["Link"]
        lone = http.get(f"{GB}/results", params={"limit": 100, "offset": 4}).json()
        assert [x["sourcedId"] for x in lone["results"]] == ["r4"] and lone["offset"] == 5
        for sort in (None, "sourcedId", "score"):
            for _ in range(2):  # (the second pass from the page ends remembered)
                read = [x.sourcedId for x in client.oneroster.gradebook.get_all_results(sort=sort, limit=100)]
                assert sorted(read) == ids and len(read) == 9, (sort, read)
