"""The server at the HTTP level: OAuth2, bearer auth, error bodies, paging and the wire shapes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import gzip
import http.client as http_client
import itertools
import json
import logging
import re
import shutil
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import Roster, close_app, damage_where_a_start_reads, line_item_body, make_roster, result_body, uid
from timeback import BulkSummary, Timeback
from timeback.errors import APIConnectionError, ServerError
from timeback.server import ServerSettings
from timeback.server.access_log import CLIENT_ADDRESSES_ONLY, REDACT_QUERY_SECRETS
from timeback.server.faults import FaultInjector, FaultSpec
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"
RO = "/ims/oneroster/rostering/v1p2"
IMSX_KEYS = {"imsx_codeMajor", "imsx_severity", "imsx_description", "imsx_CodeMinor"}


@pytest.fixture
def http(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as c:
        yield c


def token(http: httpx.Client, **form: str) -> httpx.Response:
    return http.post("/oauth2/token", data={"grant_type": "client_credentials", **form})


@pytest.fixture
def authed(http: httpx.Client) -> httpx.Client:
    sign_in(http)
    return http


def test_health(http: httpx.Client) -> None:
    assert http.get("/health").status_code == 200


def test_health_is_503_saying_why_once_the_database_file_is_corrupt(tmp_path: Path) -> None:
    """/health looks at the database (a read of a row): it said ok while every API call failed with a 500."""
    database = tmp_path / "corrupt.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/health").json() == {"status": "ok"}
        # (the WAL copied into the file and emptied first: its pages, and those SQLite cached since, would be read)
        with contextlib.closing(sqlite3.connect(database)) as other:
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with database.open("r+b") as file:  # (every page but the header's)
            size = file.seek(0, 2)
            file.seek(4096)
            file.write(b"\xa5" * (size - 4096))
        answer = http.get("/health")
        assert answer.status_code == 503, answer.text
        assert answer.json()["imsx_description"] == damaged(database)
        assert http.head("/health").status_code == 503


def damaged(database: Path) -> str:
    """What a request that found ``database`` damaged is answered, and /health from then on."""
    return (
        f"The database file {database} is damaged (SQLite: database disk image is malformed): the requests that touch "
        "the damaged part fail, writing nothing. Restore the file from a backup, or start the server on a new file."
    )


def test_a_local_server_on_a_file_damaged_where_its_start_reads_raises_naming_it_logging_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Damage found as it opens the file (its ANALYZE): ``FileCorrupt`` naming the file and what to do, and no log line
    saying that the requests touching the damage fail, 500, with /health 503: no server ever ran to answer them."""
    from timeback.server.storage import FileCorrupt

    database = tmp_path / "damaged.db"
    damage_where_a_start_reads(database)
    with pytest.raises(FileCorrupt) as raised:
        LocalServer(ServerSettings(database=f"sqlite:///{database}"))
    assert str(raised.value) == (
        f"the database file {database} is damaged (database disk image is malformed): restore it from a backup or use "
        "a new file"
    )
    assert not [record for record in caplog.records if record.name.startswith("timeback")], caplog.text
    assert sorted(path.name for path in tmp_path.iterdir()) == ["damaged.db", "damaged.db-writer"]  # (closed)


def sign_in(http: httpx.Client) -> None:
    access = token(http, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {access}"


def test_a_page_damaged_deep_in_the_file_is_a_500_saying_so_logged_once_and_health_is_503_from_then_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A page damaged on disk in the middle of a file is found only by the reads and writes that touch it: each was
    a 500 "Internal server error." with a traceback in the log, and /health, which reads a page or two, said ok. Now
    each names the damage and what to do, logged once; /health is 503 from then on; what does not touch it is served.
    A server on a good copy of the file is not told of it."""
    seed = tmp_path / "seed.json"
    # (titles of 1,000 characters: 300 categories fill about 20 of the table's pages)
    categories = [{"sourcedId": f"c{i}", "title": f"title-{i:03d}-" + "x" * 1000} for i in range(300)]
    seed.write_text(json.dumps({"categories": categories}))
    database, good = tmp_path / "damaged.db", tmp_path / "good.db"
    settings = ServerSettings(database=f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(dataclasses.replace(settings, seed=str(seed))):
        pass  # (stopped: its WAL copied into the file)
    shutil.copy(database, good)
    contents = database.read_bytes()
    page_size = int.from_bytes(contents[16:18], "big")  # (the header's)
    page = contents.index(b"title-150-") // page_size
    assert 1 < page < len(contents) // page_size - 1, page
    with database.open("r+b") as file:  # (the page's b-tree header, where c150's row is: the file's header is intact)
        file.seek(page * page_size)
        file.write(b"\xde\xad\xbe\xef" * 16)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/health").json() == {"status": "ok"}  # (its read touches none of the damage yet)
        sign_in(http)
        caplog.clear()
        touching = [http.get(f"{GB}/categories/c150"), http.put(f"{GB}/categories/c150", json={"category": {"title": "T"}}),
                    http.get(f"{GB}/categories/c150")]  # fmt: skip
        for answer in touching:
            assert answer.status_code == 500, answer.text
            assert answer.json()["imsx_description"] == damaged(database)
        assert http.get(f"{GB}/categories/c3").json()["category"]["title"].startswith("title-003-")
        for _ in range(2):
            answer = http.get("/health")
            assert answer.status_code == 503 and answer.json()["imsx_description"] == damaged(database), answer.text
        logged = [record for record in caplog.records if record.name.startswith("timeback")]
        assert len(logged) == 1 and logged[0].exc_info is None, logged
        assert (
            f"the database file {database} is damaged (SQLite: database disk image is malformed)"
            in logged[0].getMessage()
        )
        with Timeback(**server.client_kwargs(), max_retries=0) as client, pytest.raises(ServerError) as raised:
            client.oneroster.gradebook.get_category(sourced_id="c150")
        assert raised.value.status_code == 500 and damaged(database) in str(raised.value), str(raised.value)
    with (
        LocalServer(dataclasses.replace(settings, database=f"sqlite:///{good}")) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        assert http.get("/health").json() == {"status": "ok"}
        sign_in(http)
        assert http.get(f"{GB}/categories/c150").json()["category"]["title"].startswith("title-150-")
        assert http.get("/health").json() == {"status": "ok"}


def test_token_with_basic_or_form_credentials(http: httpx.Client) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    by_basic = http.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    by_form = token(http, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    for response in (by_basic, by_form):
        body = response.json()
        assert response.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600
        assert len(body["access_token"]) >= 32
    assert by_basic.json()["access_token"] != by_form.json()["access_token"]


@pytest.mark.parametrize(
    ("secret", "sent"),
    [
        ("pass word", "pass+word"),  # form-urlencoded, as RFC 6749 section 2.3.1 says: '+' is a space
        ("pass word", "pass%20word"),  # percent-encoded (the SDK's way)
        ("pass+word", "pass+word"),  # sent unencoded, as most clients do: '+' is itself
        ("pass+word", "pass%2Bword"),
        # A '%' sent unencoded (curl -u, httpx's and requests' auth=): "pa%41ss" was read only as "paAss", refused
        ("pa%41ss", "pa%41ss"),
        ("pa%41ss", "pa%2541ss"),
        ("100%", "100%"),
        ("a%2B+b", "a%2B+b"),
    ],
)
def test_basic_credentials_read_form_encoded_or_as_sent(secret: str, sent: str) -> None:
    from tests.conftest import CLIENT_ID
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    settings = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=secret)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        basic = base64.b64encode(f"{CLIENT_ID}:{sent}".encode()).decode()
        answer = http.post("/oauth2/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": f"Basic {basic}"})  # fmt: skip
        assert answer.status_code == 200, answer.text
        wrong = base64.b64encode(f"{CLIENT_ID}:{sent}x".encode()).decode()
        refused = http.post("/oauth2/token", data={"grant_type": "client_credentials"},
                            headers={"Authorization": f"Basic {wrong}"})  # fmt: skip
        assert refused.status_code == 401


def test_a_secrets_reading_as_sent_gives_an_id_no_second_spelling_for_the_failed_login_limit() -> None:
    """The secret is tried as sent too ('%' unencoded); the id was as well, for a while: a client "a%41b", locked
    out through its encoded id "a%2541b", was then tried through "a%41b" as sent, counted under "aAb", and a right
    secret there got a token."""
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    settings = ServerSettings(database="sqlite://", client_id="a%41b", client_secret="right", token_max_failures=3)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:

        def status(credentials: str) -> int:
            basic = base64.b64encode(credentials.encode()).decode()
            return http.post("/oauth2/token", data={"grant_type": "client_credentials"},
                             headers={"Authorization": f"Basic {basic}"}).status_code  # fmt: skip

        assert [status(f"a%2541b:wrong{n}") for n in range(4)] == [401, 401, 401, 429]
        assert status("a%41b:right") != 200


def test_an_id_that_names_a_client_as_sent_is_never_read_as_another() -> None:
    """'+' read as a space was tried after any failure, the id's too: a Basic header naming the client "my+app"
    with a wrong secret was tried again as the client "my app", and taken if the secret was that one's."""
    settings = ServerSettings(client_id="my+app", client_secret="secret-one")
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        server.app.state.clients.add("my app", "secret-two")

        def status(credentials: str) -> int:
            basic = base64.b64encode(credentials.encode()).decode()
            return http.post("/oauth2/token", data={"grant_type": "client_credentials"},
                             headers={"Authorization": f"Basic {basic}"}).status_code  # fmt: skip

        assert status("my+app:secret-two") == 401
        assert status("my+app:secret-one") == status("my%2Bapp:secret-one") == 200
        assert status("my%20app:secret-two") == 200  # (the other client, by a spelling that names it)


@pytest.mark.parametrize(
    ("form", "headers", "status", "error"),
    [
        ({"client_id": CLIENT_ID, "client_secret": "wrong"}, {}, 401, "invalid_client"),
        ({"client_id": "nobody", "client_secret": CLIENT_SECRET}, {}, 401, "invalid_client"),
        ({}, {"Authorization": "Basic !!!not-base64"}, 401, "invalid_client"),
        ({}, {}, 401, "invalid_client"),
    ],
)
def test_token_refusals(
    http: httpx.Client, form: dict[str, str], headers: dict[str, str], status: int, error: str
) -> None:
    response = http.post("/oauth2/token", data={"grant_type": "client_credentials", **form}, headers=headers)
    assert response.status_code == status and response.json()["error"] == error
    assert IMSX_KEYS <= response.json().keys()


def test_only_client_credentials_grant(http: httpx.Client) -> None:
    response = http.post("/oauth2/token", data={"grant_type": "password", "client_id": CLIENT_ID})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
def test_every_oneroster_route_needs_a_valid_bearer_token(http: httpx.Client, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = http.get(f"{GB}/results/anything", headers=headers)
    assert response.status_code == 401 and IMSX_KEYS <= response.json().keys()
    assert (
        response.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "unauthorisedrequest"
    )


def test_malformed_json_is_400_and_non_object_is_400(authed: httpx.Client) -> None:
    bad = authed.put(f"{GB}/results/x", content=b'{"result": ', headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and "Malformed JSON" in bad.json()["imsx_description"]
    assert authed.put(f"{GB}/results/x", json=[1, 2]).status_code == 400


def test_missing_body_key_and_unknown_fields_are_422_naming_them(authed: httpx.Client, roster: Roster) -> None:
    missing = authed.put(f"{GB}/categories/{uid('c')}", json={"categry": {"title": "x"}})
    assert missing.status_code == 422 and "'category'" in missing.json()["imsx_description"]
    unknown = authed.put(f"{GB}/categories/{uid('c')}", json={"category": {"title": "x", "colour": "red"}})
    assert unknown.status_code == 422 and "category.colour: unknown field" in unknown.json()["imsx_description"]
    bad_date = authed.put(
        f"{GB}/results/{uid('r')}", json={"result": result_body("li", roster.students[0], scoreDate="2024-13-45")}
    )
    assert bad_date.status_code == 422
    assert bad_date.json()["imsx_error_details"][0]["field"] == "result.scoreDate"
    bad_status = authed.put(f"{GB}/results/{uid('r')}", json={"result": result_body("li", "s", scoreStatus="done")})
    assert [d["field"] for d in bad_status.json()["imsx_error_details"]] == ["result.scoreStatus"]


def test_put_path_and_body_sourced_id_must_agree(authed: httpx.Client) -> None:
    response = authed.put(f"{GB}/categories/one", json={"category": {"sourcedId": "two", "title": "x"}})
    assert response.status_code == 422 and "does not match" in response.json()["imsx_description"]


def test_references_may_carry_href_and_type(authed: httpx.Client, roster: Roster) -> None:
    body = line_item_body(roster, uid("li"))
    body["class"] = {"sourcedId": roster.class_, "type": "class", "href": f"https://x.test/classes/{roster.class_}"}
    response = authed.post(f"{GB}/classes/{roster.class_}/lineItems", json={"lineItems": [body]})
    assert response.status_code == 201


def test_root_collections_answer_with_and_without_trailing_slash(authed: httpx.Client) -> None:
    body = {
        "assessmentResult": {
            "assessmentLineItem": {"sourcedId": "nope"},
            "student": {"sourcedId": "nope"},
            "scoreStatus": "submitted",
            "scoreDate": "2024-01-01",
        }
    }
    for path in (f"{GB}/assessmentResults/", f"{GB}/assessmentResults"):
        assert authed.post(path, json=body).status_code == 422  # routed (and the references are unknown)


def test_list_envelope_headers_and_limits(authed: httpx.Client, client: Timeback, roster: Roster) -> None:
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    client.oneroster.gradebook.post_results_for_academic_session_for_class(
        class_sourced_id=roster.class_,
        academic_session_sourced_id=roster.term,
        results=[result_body(line_item, s) for s in roster.students],
    )
    url = f"{GB}/classes/{roster.class_}/results"
    page = authed.get(url, params={"limit": 2, "offset": 1})
    body = page.json()
    assert page.status_code == 200 and len(body["results"]) == 2
    assert {k: body[k] for k in ("totalCount", "pageCount", "pageNumber", "offset", "limit")} == {
        "totalCount": 3,
        "pageCount": 2,
        "pageNumber": 1,
        "offset": 3,  # (the next page's, Timeback's: 1 asked for, 2 served)
        "limit": 2,
    }
    assert page.headers["X-Total-Count"] == "3"
    links = page.headers["Link"]
    assert 'offset=0>; rel="first"' in links and 'rel="prev"' in links and 'rel="next"' not in links
    past_the_end = authed.get(url, params={"limit": 2, "offset": 10}).headers["Link"]
    assert 'offset=2>; rel="prev"' in past_the_end  # the last page (offset 8 would be past the end too)
    assert authed.get(url, params={"limit": 10000}).json()["limit"] == 3000
    for bad in ("0", "-1", "ten"):
        response = authed.get(url, params={"limit": bad})
        assert response.status_code == 400 and "limit" in response.json()["imsx_description"]
    assert authed.get(url, params={"offset": "-1"}).status_code == 400


def test_fields_selection(authed: httpx.Client, client: Timeback, roster: Roster) -> None:
    category = uid("cat")
    client.oneroster.gradebook.put_category(sourced_id=category, category={"title": "Labs", "weight": 2})
    got = authed.get(f"{GB}/categories/{category}", params={"fields": "sourcedId,title"}).json()
    assert got == {"category": {"sourcedId": category, "title": "Labs"}}
    bad = authed.get(f"{GB}/categories/{category}", params={"fields": "sourcedId,colour"})
    assert bad.status_code == 400
    assert (
        bad.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "invalid_selection_field"
    )


def test_every_answer_has_a_request_id(authed: httpx.Client) -> None:
    assert authed.get(f"{GB}/results/none").headers["x-request-id"]
    assert authed.get("/health", headers={"X-Request-Id": "mine-1"}).headers["x-request-id"] == "mine-1"


@pytest.mark.parametrize("sent", ["a\tb", "a b", 'a"b', "a\\b", "é".encode().decode("latin-1")])
def test_a_request_id_of_other_than_visible_ascii_is_replaced(http: httpx.Client, sent: str) -> None:
    """The id goes into the access log's line as sent: a tab, space or quote in it could forge the line's fields."""
    answered = http.get("/health", headers={"X-Request-Id": sent.encode("latin-1")}).headers["x-request-id"]
    assert re.fullmatch("[0-9a-f]{32}", answered), answered
    kept = "!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~"
    assert http.get("/health", headers={"X-Request-Id": kept}).headers["x-request-id"] == kept


def test_two_authorization_headers_are_refused_whichever_comes_first(authed: httpx.Client) -> None:
    """The first was taken (the second ignored): a proxy in front that read the other would disagree with the server on
    who is calling (from the security review). 400 naming the header, at the API and at the token endpoint."""
    good = authed.headers["Authorization"]
    for pair in ([good, "Bearer nope"], ["Bearer nope", good]):
        answer = authed.get(f"{GB}/results/", headers=[("Authorization", value) for value in pair])
        assert answer.status_code == 400, answer.text
        assert answer.json()["imsx_description"] == "Two Authorization headers: send one.", answer.text
        assert answer.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldName"] == "Authorization"
    basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    form = {"grant_type": "client_credentials"}
    with httpx.Client(base_url=authed.base_url) as fresh:  # (no bearer header of its own)
        answer = fresh.post("/oauth2/token", data=form, headers=[("Authorization", basic)] * 2)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_request", answer.text
        assert answer.json()["error_description"] == "Two Authorization headers: send one."
        assert fresh.post("/oauth2/token", data=form, headers={"Authorization": basic}).status_code == 200
    assert authed.get(f"{GB}/results/", params={"limit": 1}).status_code == 200  # (one header: as before)


def test_unknown_route_is_imsx_404(authed: httpx.Client) -> None:
    response = authed.get(f"{GB}/nothingHere")
    assert response.status_code == 404 and response.json()["imsx_codeMajor"] == "failure"
    assert response.json()["imsx_description"] == "Unknown endpoint."


@pytest.mark.parametrize(
    "path",
    ["/ims/oneroster/gradebook/v1p0/results", "/ims/oneroster/v1p2/results", "/ims/oneroster/gradebook/v1p2x/results",
     "/ims/oneroster/rostering/v1p1/users"],
)  # fmt: skip
def test_a_path_under_no_service_says_where_the_services_are(authed: httpx.Client, path: str) -> None:
    """A version or service misspelt in a base URL: "Unknown endpoint." alone (from the CI integrator run)."""
    response = authed.get(path)
    assert response.status_code == 404, response.text
    assert response.json()["imsx_description"] == (
        "Unknown endpoint: this server serves OneRoster 1.2 under /ims/oneroster/gradebook/v1p2 and "
        "/ims/oneroster/rostering/v1p2."
    )


def test_sourced_id_pairs_timeback_style_is_a_single_object() -> None:
    settings = ServerSettings(client_id="a", client_secret="b", sourced_id_pairs="timeback")
    with LocalServer(settings) as tb_server, Timeback(**tb_server.client_kwargs()) as client:
        created = client.oneroster.rostering.create_org(org={"sourcedId": "o1", "name": "O", "type": "district"})
        raw = client.request(
            "POST",
            "/ims/oneroster/rostering/v1p2/orgs/",
            json={"org": {"sourcedId": "o2", "name": "O", "type": "district"}},
        )
    assert raw.json()["sourcedIdPairs"] == {"suppliedSourcedId": "o2", "allocatedSourcedId": "o2"}
    assert created.sourcedIdPairs.allocatedSourcedId == "o1" and len(created.sourcedIdPairs) == 1


def test_patch_may_not_null_or_break_what_the_record_needs(
    authed: httpx.Client, client: Timeback, roster: Roster
) -> None:
    gb = client.oneroster.gradebook
    ali, ar = uid("ali"), uid("ar")
    gb.put_assessment_line_item(sourced_id=ali, assessmentLineItem={"title": "Diag", "metadata": {"a": 1}})
    stored = {"assessmentLineItem": {"sourcedId": ali}, "student": {"sourcedId": roster.students[0]},
              "scoreStatus": "submitted", "scoreDate": "2024-03-01T09:00:00Z", "score": 7}  # fmt: skip
    gb.put_assessment_result(sourced_id=ar, assessmentResult=stored)
    before = authed.get(f"{GB}/assessmentResults/{ar}").json()
    nulls = {"student": None, "assessmentLineItem": None, "scoreStatus": None, "scoreDate": None, "status": None,
             "metadata": None, "sourcedId": None}  # fmt: skip
    response = authed.patch(f"{GB}/assessmentResults/{ar}", json={"assessmentResult": nulls})
    assert response.status_code == 422, response.text
    assert IMSX_KEYS <= response.json().keys()
    named = {d["field"]: d["message"] for d in response.json()["imsx_error_details"]}
    # (the description shows five and counts the rest: it named five, saying nothing of the others)
    assert response.json()["imsx_description"].endswith(f"(and {len(named) - 5} more)"), response.text
    assert set(named) == {f"assessmentResult.{name}" for name in nulls}
    assert named["assessmentResult.student"] == "may not be null"
    assert authed.get(f"{GB}/assessmentResults/{ar}").json() == before  # nothing stored
    for body, field in (
        ({"title": None}, "assessmentLineItem.title"),
        ({"title": ""}, "assessmentLineItem.title"),
        ({"metadata": None}, "assessmentLineItem.metadata"),
    ):
        refused = authed.patch(f"{GB}/assessmentLineItems/{ali}", json={"assessmentLineItem": body})
        assert refused.status_code == 422, (body, refused.text)
        assert [d["field"] for d in refused.json()["imsx_error_details"]] == [field]
    got = authed.get(f"{GB}/assessmentLineItems/{ali}").json()["assessmentLineItem"]
    assert (got["title"], got["metadata"]) == ("Diag", {"a": 1})
    # what Timeback's PATCH declares nullable may still be cleared; a PATCH sets only what it sends
    cleared = authed.patch(f"{GB}/assessmentResults/{ar}", json={"assessmentResult": {"score": None, "comment": "c"}})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["assessmentResult"]["score"] is None
    assert cleared.json()["assessmentResult"]["student"] == {"sourcedId": roster.students[0]}


def test_a_patch_of_a_deleted_record_changes_it_and_leaves_it_deleted_unless_it_sends_active(
    authed: httpx.Client, client: Timeback
) -> None:
    """As the README says: a PATCH is no PUT, it revives a deleted record only when it sends ``status`` active;
    a key of ``metadata`` sent as null is stored null, not removed."""
    ali = uid("ali")
    client.oneroster.gradebook.put_assessment_line_item(
        sourced_id=ali, assessmentLineItem={"title": "T", "metadata": {"a": 1}}
    )

    def listed() -> list[str]:
        answer = authed.get(f"{GB}/assessmentLineItems/", params={"filter": f"sourcedId='{ali}'"})
        return [record["sourcedId"] for record in answer.json()["assessmentLineItems"]]

    assert authed.delete(f"{GB}/assessmentLineItems/{ali}").status_code == 204
    changed = authed.patch(
        f"{GB}/assessmentLineItems/{ali}", json={"assessmentLineItem": {"title": "U", "metadata": {"a": None}}}
    )
    assert changed.status_code == 200, changed.text
    record = changed.json()["assessmentLineItem"]
    assert (record["status"], record["title"], record["metadata"]) == ("tobedeleted", "U", {"a": None})
    assert listed() == []
    revived = authed.patch(f"{GB}/assessmentLineItems/{ali}", json={"assessmentLineItem": {"status": "active"}})
    assert revived.json()["assessmentLineItem"]["status"] == "active" and listed() == [ali]


def test_timeback_mode_answers_a_batch_create_with_the_pair_of_its_first_record() -> None:
    settings = ServerSettings(client_id="a", client_secret="b", sourced_id_pairs="timeback")
    with LocalServer(settings) as tb_server, Timeback(**tb_server.client_kwargs()) as client:
        roster = make_roster(client)
        items = [line_item_body(roster, f"li-{n}") for n in range(3)]
        answer = client.request("POST", f"{GB}/classes/{roster.class_}/lineItems", json={"lineItems": items})
        assert answer.json()["sourcedIdPairs"] == {"suppliedSourcedId": "li-0", "allocatedSourcedId": "li-0"}
        stored = client.oneroster.gradebook.get_line_items_for_class(class_sourced_id=roster.class_)
        assert sorted(item.sourcedId for item in stored) == ["li-0", "li-1", "li-2"]


# Optional fields both documents type non-nullable: null is taken as the field left out (Timeback's answers never
# carry null there; assessmentResults' inProgress, incomplete, late, missing are nullable in Timeback's and kept).
NULLS_LEFT_OUT = {"inProgress": None, "incomplete": None, "late": None, "missing": None}


def _objective(**extra: object) -> list[dict[str, object]]:
    return [{"source": "case", "learningObjectiveResults": [{"learningObjectiveId": "lo1", **extra}]}]


def test_null_where_timeback_types_none_is_taken_as_left_out(
    authed: httpx.Client, client: Timeback, roster: Roster
) -> None:
    gb = client.oneroster.gradebook
    line_item, res, batched = uid("li"), uid("res"), uid("res")
    gb.put_line_item(sourced_id=line_item, lineItem=line_item_body(roster))
    sent = result_body(line_item, roster.students[0], **NULLS_LEFT_OUT,
                       learningObjectiveSet=_objective(score=None, textScore=None))  # fmt: skip
    put = authed.put(f"{GB}/results/{res}", json={"result": sent})
    assert put.status_code == 201, put.text
    created = authed.post(
        f"{GB}/lineItems/{line_item}/results",
        json={"results": [result_body(line_item, roster.students[1], batched, late=None, missing="true")]},
    )
    assert created.status_code == 201, created.text
    listed = authed.get(f"{GB}/classes/{roster.class_}/lineItems/{line_item}/results").json()["results"]
    for answer in (put.json()["result"], authed.get(f"{GB}/results/{res}").json()["result"], *listed):
        assert NULLS_LEFT_OUT.keys() - {"missing"} & answer.keys() == set(), answer
    assert put.json()["result"]["learningObjectiveSet"] == _objective()
    assert {r["sourcedId"]: r.get("missing") for r in listed} == {res: None, batched: "true"}
    # The SDK sends None for them as any other value, and reads the record back
    got = gb.put_result(sourced_id=res, result={**sent, "late": None, "inProgress": "true"}).result
    assert (got.late, got.inProgress, got.score) == (None, "true", 90)
    scale = uid("ss")
    values = [{"itemValueLHS": "A", "itemValueRHS": "90", "value": None, "description": None}]
    body = {"title": "S", "type": "letter", "class": {"sourcedId": roster.class_}, "scoreScaleValue": values}
    answer = authed.put(f"{GB}/scoreScales/{scale}", json={"scoreScale": body})
    assert answer.status_code == 201 and answer.json()["scoreScale"]["scoreScaleValue"] == [
        {"itemValueLHS": "A", "itemValueRHS": "90"}
    ], answer.text
    # Where Timeback's document allows null (assessment results' flags) it is stored and answered as sent; a
    # PATCH's null clears a field either way (left out where Timeback's type has no null)
    ali, ar = uid("ali"), uid("ar")
    gb.put_assessment_line_item(sourced_id=ali, assessmentLineItem={"title": "Diag"})
    stored = {"assessmentLineItem": {"sourcedId": ali}, "student": {"sourcedId": roster.students[0]},
              "scoreStatus": "submitted", "scoreDate": "2024-03-01T09:00:00Z", "late": None,
              "learningObjectiveSet": _objective(score=None, textScore="B")}  # fmt: skip
    answer = authed.put(f"{GB}/assessmentResults/{ar}", json={"assessmentResult": stored})
    assert answer.status_code == 201, answer.text
    assert answer.json()["assessmentResult"]["late"] is None
    assert answer.json()["assessmentResult"]["learningObjectiveSet"] == _objective(textScore="B")
    patch = {"learningObjectiveSet": _objective(score=2, textScore=None)}
    patched = authed.patch(f"{GB}/assessmentResults/{ar}", json={"assessmentResult": patch})
    assert patched.status_code == 200, patched.text
    assert patched.json()["assessmentResult"]["learningObjectiveSet"] == _objective(score=2)
    assert authed.get(f"{GB}/assessmentResults/{ar}").json()["assessmentResult"]["learningObjectiveSet"] == (
        _objective(score=2)
    )


def test_openapi_answers_no_null_where_none_is_answered(authed: httpx.Client) -> None:
    schemas = authed.get("/openapi.json").json()["components"]["schemas"]
    answered, taken = schemas["TimebackResult"]["properties"], schemas["TimebackCreateResultBodyInput"]["properties"]
    for name in NULLS_LEFT_OUT:
        assert answered[name]["type"] == "string" and "anyOf" not in answered[name], answered[name]
        assert {"type": "null"} in taken[name]["anyOf"], taken[name]
    objective = schemas["TimebackLearningObjectiveResult"]["properties"]
    assert objective["score"]["type"] == "number" and objective["textScore"]["type"] == "string"
    value = schemas["TimebackScoreScaleValue"]["properties"]
    assert value["value"]["type"] == "string" and value["description"]["type"] == "string"
    assert {"type": "null"} in schemas["TimebackAssessmentResult"]["properties"]["late"]["anyOf"]


def test_link_header_keeps_every_parameter_as_sent(authed: httpx.Client, client: Timeback, roster: Roster) -> None:
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    client.oneroster.gradebook.create_result_for_line_item(
        line_item_sourced_id=line_item, results=[result_body(line_item, s) for s in roster.students]
    )
    url = f"{GB}/classes/{roster.class_}/results"
    query = "fields=sourcedId&filter=score%3E%3D'0'&fields=score&limit=1&offset=1&search=&fields=comment"
    page = authed.get(f"{url}?{query}")
    assert page.status_code == 200, page.text
    assert page.json()["results"][0].keys() == {"sourcedId", "score"}
    links = dict((rel, target) for target, rel in re.findall(r'<([^>]*)>; rel="([a-z]+)"', page.headers["Link"]))
    assert set(links) == {"first", "prev", "next", "last"}
    for rel, offset in (("first", 0), ("prev", 0), ("next", 2), ("last", 2)):
        target = urlsplit(links[rel])
        assert target.path == url
        assert parse_qsl(target.query, keep_blank_values=True) == [
            ("fields", "sourcedId"), ("filter", "score>='0'"), ("fields", "score"), ("limit", "1"),
            ("offset", str(offset)), ("search", ""), ("fields", "comment"),
        ]  # fmt: skip
        served = authed.get(links[rel]).json()  # and each link is served
        assert (served["offset"], len(served["results"])) == (offset + 1, 1)  # (the body's: the next page's offset)


@pytest.mark.parametrize("limit", [1, 2, 3000])
def test_the_bodys_offset_is_the_next_pages_so_a_loop_on_it_until_the_total_reads_each_record_once(
    authed: httpx.Client, client: Timeback, roster: Roster, limit: int
) -> None:
    """Timeback documents a listing's ``offset`` as the "Offset for the next page of results", and its guidance pages
    until ``offset >= totalCount``. The body's ``offset`` was the one asked for: that loop read the first page again
    and again, never ending (from the gradebook integrator's run)."""
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    results = [result_body(line_item, student, uid("r")) for student in roster.students]
    client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id=line_item, results=results)
    url, key = f"{GB}/classes/{roster.class_}/results", "results"
    seen: list[str] = []
    offset, total, pages = 0, None, 0
    while total is None or offset < total:
        page = authed.get(url, params={"limit": limit, "offset": offset}).json()
        seen += [user["sourcedId"] for user in page[key]]
        assert page["offset"] == offset + len(page[key]) and page["pageNumber"] == offset // limit + 1, page
        offset, total, pages = page["offset"], page["totalCount"], pages + 1
        assert pages <= len(results), "the loop does not end"
    assert sorted(seen) == sorted(result["sourcedId"] for result in results)
    past = authed.get(url, params={"limit": limit, "offset": total + 5}).json()
    assert (past[key], past["offset"]) == ([], total + 5)  # (past the end: nothing served, the offset asked)


@pytest.mark.parametrize(
    ("sent", "meant"),
    [("filtr", "filter"), ("orderby", "orderBy"), ("Sort", "sort"), ("field", "fields"), ("limits", "limit"),
     ("offest", "offset"), ("fields[]", "fields")],
)  # fmt: skip
def test_a_read_refuses_a_parameter_that_nearly_names_one_it_takes(
    authed: httpx.Client, roster: Roster, sent: str, meant: str
) -> None:
    """Ignored, as any other name is, ``filtr=score>'1'`` exported the whole collection unfiltered and
    ``orderby=desc`` in the other order, with nothing said (from the export engineer's run). Names that are no near
    miss (a cache-buster, a client's own) are still ignored."""
    for url in (f"{GB}/categories", f"{GB}/categories/{roster.category}"):
        response = authed.get(url, params={sent: "x"})
        assert response.status_code == 400, response.text
        body = response.json()
        assert f"Unknown query parameter {sent!r}: did you mean {meant!r}?" in body["imsx_description"], body
        assert body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldName"] == sent
        assert authed.get(url, params={"_": "1733577600", "page": "2", "sortBy2x": "x"}).status_code == 200


def _two_scales_in(client: Timeback, school: str) -> None:
    """A school ``school`` holding two score scales (its roster's and one more): two pages at ``limit=1``."""
    roster = make_roster(client, ids={"school": school})
    client.oneroster.gradebook.put_score_scale(
        sourced_id=uid("scale"), scoreScale={"title": "Second", "type": "percent", "class": {"sourcedId": roster.class_},
                                             "scoreScaleValue": [{"itemValueLHS": "0-1", "itemValueRHS": "p"}]},
    )  # fmt: skip


def test_a_link_header_escapes_what_no_uri_holds_and_leads_to_the_same_page(
    server: LocalServer, authed: httpx.Client, client: Timeback
) -> None:
    """The Link header carried the path as sent: ``/schools/a>b/scoreScales`` made ``<http://.../a>b/...>``, no URI
    (the ``>`` ends it early). What a URI may not hold is percent-encoded, the escapes sent kept as they are."""
    school = f'{uid("s")}a>b"|\\^`{{}} é%zz'
    _two_scales_in(client, school)
    escaped = school.replace("%", "%25").replace(" ", "%20").replace("é", "%C3%A9")  # (the rest sent as they are)
    bearer = {"Authorization": authed.headers["Authorization"]}
    # (its "%" escaped, and sent bare: "%zz" starts no escape, read as it is, a "%" no URI holds so)
    for sent in (escaped, escaped.replace("%25zz", "%zz")):
        page = _as_is(server, "GET", f"{GB}/schools/{sent}/scoreScales?limit=1", bearer)
        assert page.status_code == 200 and page.json()["totalCount"] == 2, page.text
        links = dict((rel, target) for target, rel in re.findall(r'<([^>]*)>; rel="([a-z]+)"', page.headers["Link"]))
        assert set(links) == {"first", "next", "last"}, page.headers["Link"]
        for target in links.values():
            assert re.fullmatch(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+", target), (
                target
            )  # (RFC 3986)
            assert urlsplit(target).path == f"{GB}/schools/{quote(school, safe='')}/scoreScales"
        assert authed.get(links["first"]).json() == page.json()
        assert authed.get(links["next"]).json()["offset"] == 2  # (the next page's: past the last, 2 of 2)
    sdk = client.oneroster.gradebook.get_score_scales_for_school(school_sourced_id=school, limit=1)
    assert [len(p) for p in sdk.iter_pages()] == [1, 1]  # (the SDK pages by offset, not by the links)


def test_a_link_header_read_by_httpx_follows_a_path_sent_with_a_raw_semicolon_or_comma(
    server: LocalServer, authed: httpx.Client, client: Timeback
) -> None:
    """A ``;`` or ``,`` sent bare in the path (legal in one) was copied into the Link header as sent: httpx's and
    requests' ``links`` cut an entry at ``;`` (its parameters) and the header at ``,`` (its entries), so
    ``rel="next"`` was lost and a client following it stopped after the first page."""
    school = f"{uid('s')}a;b,c"
    _two_scales_in(client, school)
    bearer = {"Authorization": authed.headers["Authorization"]}
    page = _as_is(server, "GET", f"{GB}/schools/{school}/scoreScales?limit=1", bearer)
    assert page.status_code == 200 and page.json()["totalCount"] == 2, page.text
    seen = [page.json()["scoreScales"][0]["sourcedId"]]
    while "next" in page.links:
        page = authed.get(page.links["next"]["url"])
        seen += [scale["sourcedId"] for scale in page.json()["scoreScales"]]
    assert len(set(seen)) == 2, (seen, page.headers.get("Link"))


def test_a_local_server_takes_no_forwarded_headers(server: LocalServer, authed: httpx.Client) -> None:
    """uvicorn takes X-Forwarded-Proto and X-Forwarded-For from loopback by default: any local client made the Link
    header's URLs https (and itself any client address). A local server is behind no proxy."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = authed.get(f"{GB}/categories", params={"limit": "1"}, headers=forwarded)
    assert page.status_code == 200, page.text
    assert page.headers["Link"].startswith(f"<{server.url}{GB}/categories?"), page.headers["Link"]


@pytest.mark.parametrize(("trusted", "forwarded"), [("127.0.0.1", True), ("127.0.0.0/8", True), ("192.0.2.1", False)])
def test_a_server_behind_a_proxy_links_to_the_host_x_forwarded_host_names_if_it_trusts_the_proxy(
    trusted: str, forwarded: bool
) -> None:
    """nginx's default ``proxy_set_header Host $proxy_host`` sends the upstream's host (uvicorn reads no
    X-Forwarded-Host): the Link headers named the server's own address, not the proxy's. X-Forwarded-Host's first
    value now, from the proxies ``forwarded_allow_ips`` names only (this test's client is the peer, 127.0.0.1)."""
    settings = ServerSettings(client_id="p", client_secret="p-secret", forwarded_allow_ips=trusted)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        http.headers["Authorization"] = (
            f"Bearer {token(http, client_id='p', client_secret='p-secret').json()['access_token']}"
        )
        for n in range(2):
            assert http.put(f"{GB}/categories/c{n}", json={"category": {"title": "c"}}).is_success
        proxied = {"X-Forwarded-Host": "school.example:8443, proxy.internal", "X-Forwarded-Proto": "https"}
        page = http.get(f"{GB}/categories", params={"limit": "1"}, headers=proxied)
        assert page.status_code == 200, page.text
        origin = "https://school.example:8443" if forwarded else server.url
        assert page.links["next"]["url"] == f"{origin}{GB}/categories?limit=1&offset=1", page.headers["Link"]


def test_an_x_forwarded_host_that_is_no_host_leaves_the_host_as_sent() -> None:
    """A trusted proxy's X-Forwarded-Host that is no ``host[:port]`` replaced the valid Host all the same: Starlette
    refused it and took the socket's address, so the Link headers named ``127.0.0.1:PORT``."""
    settings = ServerSettings(client_id="p", client_secret="p-secret", forwarded_allow_ips="127.0.0.1")
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        http.headers["Authorization"] = (
            f"Bearer {token(http, client_id='p', client_secret='p-secret').json()['access_token']}"
        )
        for n in range(2):
            assert http.put(f"{GB}/categories/c{n}", json={"category": {"title": "c"}}).is_success
        sent = {"evil.com/x": "school.example", "a b": "school.example", "x:notaport": "school.example",
                "user@evil.com": "school.example", "evil.com?x=1": "school.example", "x:65536": "school.example",
                "..": "school.example", "a..b": "school.example", "[::::]": "school.example",
                "[1.2.3.4]": "school.example", "[::1]:9": "[::1]:9", "proxy.internal:8443": "proxy.internal:8443", "my_host.corp.": "my_host.corp."}  # fmt: skip
        linked = {}
        for forwarded in sent:
            headers = {"Host": "school.example", "X-Forwarded-Host": forwarded}
            page = http.get(f"{GB}/categories", params={"limit": "1"}, headers=headers)
            assert page.status_code == 200, page.text
            linked[forwarded] = urlsplit(page.links["next"]["url"]).netloc
        assert linked == sent


@pytest.mark.parametrize(("trusted", "origin"), [("*", "https://school.example"), ("127.0.0.1", "http://local")])
async def test_a_request_with_no_peer_takes_x_forwarded_host_as_the_other_headers_if_every_peer_is_trusted(
    make_app: Any, trusted: str, origin: str
) -> None:
    """A request with no peer address (a unix socket's): ``*`` trusts it, as uvicorn trusts its X-Forwarded-Proto
    and -For, and its X-Forwarded-Host was ignored (links with the proxy's scheme and the upstream's host)."""
    app = make_app(ServerSettings(client_id="p", client_secret="p-secret", forwarded_allow_ips=trusted))
    transport = httpx.ASGITransport(app, client=None)  # type: ignore[arg-type]  # (None: no peer, as uvicorn's)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as http:
        form = {"grant_type": "client_credentials", "client_id": "p", "client_secret": "p-secret"}
        http.headers["Authorization"] = f"Bearer {(await http.post('/oauth2/token', data=form)).json()['access_token']}"
        for n in range(2):
            assert (await http.put(f"{GB}/categories/c{n}", json={"category": {"title": "c"}})).is_success
        proxied = {"X-Forwarded-Host": "school.example", "X-Forwarded-Proto": "https"}
        page = await http.get(f"{GB}/categories", params={"limit": "1"}, headers=proxied)
        assert page.status_code == 200, page.text
        assert page.links["next"]["url"] == f"{origin}{GB}/categories?limit=1&offset=1", page.headers["Link"]


def test_a_link_header_longer_than_8000_bytes_is_left_out(authed: httpx.Client) -> None:
    """Each link repeats the query: a 1,000-value ``@`` list made a 150 KB header, past what aiohttp (8,190 bytes
    a line), httpx (100 KB a head) and curl read, so the client failed on a 200. ``X-Total-Count`` stays."""
    for count, kept in ((10, True), (300, False), (1000, False)):
        ids = ",".join(str(uuid.UUID(int=i)) for i in range(count))
        page = authed.get(f"{GB}/results", params={"filter": f"sourcedId@'{ids}'", "limit": "1", "offset": "1"})
        assert page.status_code == 200, page.text
        assert page.headers["X-Total-Count"] == "0"
        assert ("Link" in page.headers) is kept, (count, len(page.headers.get("Link", "")))
        assert len(page.headers.get("Link", "")) <= 8000
        head = authed.head(f"{GB}/results", params={"filter": f"sourcedId@'{ids}'", "limit": "1", "offset": "1"})
        assert head.headers.get("Link") == page.headers.get("Link")


def test_a_long_query_keeps_next_in_the_link_header_so_a_client_following_it_reads_every_page(
    authed: httpx.Client, client: Timeback, roster: Roster
) -> None:
    """A query too long for all four links kept ``next`` (then ``prev``, ``first``, ``last`` as they fit): with the
    whole header left out, a client following ``rel="next"`` alone read the first page and stopped without a word."""
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    ids = [uid("r") for _ in roster.students]
    client.oneroster.gradebook.create_result_for_line_item(
        line_item_sourced_id=line_item,
        results=[result_body(line_item, s, i) for i, s in zip(ids, roster.students, strict=True)],
    )
    # ~2,700 bytes a link: two fit in 8,000, not three
    padding = ",".join(str(uuid.UUID(int=i)) for i in range(70))
    url: str | None = f"{GB}/results?" + urlencode({"filter": f"sourcedId@'{','.join(ids)},{padding}'", "limit": "1"})
    seen, rels = [], []
    while url is not None:
        page = authed.get(url)
        assert page.status_code == 200, page.text
        assert len(page.headers.get("Link", "")) <= 8000
        seen += [r["sourcedId"] for r in page.json()["results"]]
        rels.append(sorted(page.links))
        url = page.links.get("next", {}).get("url")
    assert sorted(seen) == sorted(ids)
    assert rels[0] == ["first", "next"] and rels[1] == ["next", "prev"], rels  # (next, then what fits beside it)
    assert rels[-1] == ["first", "prev"], rels  # (the last page: no next)


def test_a_link_header_without_room_for_next_is_left_out_rather_than_read_as_the_last_page() -> None:
    """A middle page whose ``next`` does not fit while a shorter ``first`` would: ``first`` and ``prev`` alone read as
    the last page, so nothing is sent."""
    from timeback.server.service import LINK_HEADER_MAX, link_header

    url = "http://127.0.0.1:8000/ims/oneroster/gradebook/v1p2/results"
    for size in range(LINK_HEADER_MAX - 200, LINK_HEADER_MAX + 50):
        query = {"filter": "x" * size}
        sent = link_header(url, query, limit=10, offset=10, total=100)
        alone = f'<{url}?filter={"x" * size}&limit=10&offset=20>; rel="next"'
        if len(alone) > LINK_HEADER_MAX:
            assert sent is None, size
        else:
            assert sent is not None and 'rel="next"' in sent and len(sent) <= LINK_HEADER_MAX, size


def details(response: httpx.Response) -> list[str]:
    """The fields an error answer names, after checking it is the imsx body."""
    body = response.json()
    assert IMSX_KEYS <= body.keys()
    return [d["field"] for d in body["imsx_error_details"]]


def code_minor(response: httpx.Response) -> str:
    value: str = response.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    return value


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("filter", ["score>'50'", "student.sourcedId='s1'"]),
        ("sort", ["score", "score"]),  # (the same value twice too: the caller sent something it did not mean)
        ("orderBy", ["asc", "desc"]),
        ("limit", ["1", "2", "3"]),
        ("offset", ["0", "1"]),
        ("search", ["a", "b"]),
    ],
)
def test_a_singular_query_parameter_given_twice_is_400_naming_it(
    authed: httpx.Client, name: str, values: list[str]
) -> None:
    # (the server used to take the last value: a second filter silently replaced the first)
    response = authed.get(f"{GB}/results", params=[("fields", "sourcedId"), *((name, v) for v in values)])
    assert response.status_code == 400, response.text
    assert code_minor(response) == "invaliddata" and details(response) == [name]
    assert f"'{name}' was given {len(values)} times" in response.json()["imsx_description"]


def test_a_query_parameter_that_is_not_text_is_400_naming_it(server: LocalServer, authed: httpx.Client) -> None:
    """The query was decoded with each byte that is not UTF-8 as U+FFFD: ``sourcedId='caf%E9'`` and ``'caf%E8'``
    both matched the record ``caf\ufffd``. Refused as the path is (``The path: not UTF-8 ...``)."""
    stem = uid("caf")
    stored = httpx.URL(f"{server.url}{GB}/categories/{stem}%EF%BF%BD")  # (U+FFFD itself, as UTF-8: an id like others)
    assert authed.send(authed.build_request("PUT", stored, json={"category": {"title": "T"}})).status_code == 201
    for sent, where in [(f"filter=sourcedId%3D'{stem}%E9'", "filter"), (f"filter=sourcedId%3D'{stem}%E8'", "filter"),
                        ("limit=1&fields=sourcedId,title%FF", "fields"), ("fi%C3lter=x", "fi\ufffdlter")]:  # fmt: skip
        url = httpx.URL(f"{server.url}{GB}/categories?{sent}")  # (the escapes as written)
        assert authed.send(authed.build_request("HEAD", url)).status_code == 400
        refused = authed.send(authed.build_request("GET", url))
        assert refused.status_code == 400 and details(refused) == [where], (sent, refused.text)
        assert code_minor(refused) == "invaliddata"
        assert refused.json()["imsx_description"].startswith(f"The query parameter {where}: not UTF-8 "), refused.text
    by_id = httpx.URL(f"{server.url}{GB}/categories/{stem}%EF%BF%BD?fields=title%E9")
    assert authed.send(authed.build_request("GET", by_id)).status_code == 400
    text = httpx.URL(f"{server.url}{GB}/categories?filter=sourcedId%3D'{stem}%EF%BF%BD'&fields=sourcedId")
    assert authed.send(authed.build_request("GET", text)).json()["categories"] == [{"sourcedId": f"{stem}\ufffd"}]


def test_a_nameless_query_parameter_that_is_not_text_is_400_saying_it_has_no_name(
    server: LocalServer, authed: httpx.Client
) -> None:
    # (it was "The query parameter : not UTF-8 ..." with the field named "")
    for sent in ["=%FF", "limit=1&=x%E9"]:
        refused = authed.send(authed.build_request("GET", httpx.URL(f"{server.url}{GB}/results?{sent}")))
        assert refused.status_code == 400 and code_minor(refused) == "invaliddata", (sent, refused.text)
        assert details(refused) == ["query"], (sent, refused.text)
        assert refused.json()["imsx_description"].startswith("A query parameter with no name: not UTF-8 "), sent


def test_fields_stays_repeatable_and_a_read_by_id_ignores_what_it_does_not_read(
    authed: httpx.Client, client: Timeback
) -> None:
    category = uid("cat")
    client.oneroster.gradebook.put_category(sourced_id=category, category={"title": "Labs", "weight": 2})
    listed = authed.get(f"{GB}/categories", params=[("fields", "sourcedId"), ("fields", "title"), ("limit", "1")])
    assert listed.status_code == 200 and listed.json()["categories"][0].keys() == {"sourcedId", "title"}
    # A read by id reads only `fields`: the listing parameters are ignored there, given once or more.
    query = [("fields", "sourcedId"), ("fields", "title"), ("filter", "a"), ("filter", "b"), ("limit", "x")]
    got = authed.get(f"{GB}/categories/{category}", params=query)
    assert got.json() == {"category": {"sourcedId": category, "title": "Labs"}}


def test_a_sourced_id_repeated_in_a_batch_names_the_item(
    authed: httpx.Client, client: Timeback, roster: Roster
) -> None:
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    repeated = uid("b4")
    ids = (repeated, uid("r"), repeated)
    batch = [result_body(line_item, s, i) for s, i in zip(roster.students, ids, strict=True)]
    twice = authed.post(f"{GB}/lineItems/{line_item}/results", json={"results": batch})
    assert twice.status_code == 422 and repeated in twice.json()["imsx_description"]
    assert details(twice) == ["results[2].sourcedId"] and code_minor(twice) == "invaliddata"
    assert authed.get(f"{GB}/results/{repeated}").status_code == 404  # nothing stored


def test_a_body_sourced_id_other_than_the_paths_names_it(authed: httpx.Client, roster: Roster) -> None:
    result = uid("r")
    mismatch = authed.put(f"{GB}/results/{result}", json={"result": result_body("li", roster.students[0], "x")})
    assert mismatch.status_code == 422 and "does not match" in mismatch.json()["imsx_description"]
    assert details(mismatch) == ["result.sourcedId"]
    patched = authed.patch(f"{GB}/assessmentResults/{uid('ar')}", json={"assessmentResult": {"sourcedId": "other"}})
    assert patched.status_code == 422 and details(patched) == ["assessmentResult.sourcedId"]


@pytest.mark.parametrize(
    "raw", [b'{"result": ', b'{"result": {"comment": "caf\xe9"}}', b"\xff\xfe{}", b"[1, 2]", b"{} x"]
)
def test_an_unreadable_body_is_400_invaliddata_naming_it(authed: httpx.Client, raw: bytes) -> None:
    refused = authed.put(f"{GB}/results/{uid('r')}", content=raw, headers={"Content-Type": "application/json"})
    assert refused.status_code == 400, refused.text
    assert details(refused) == ["body"] and code_minor(refused) == "invaliddata"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
     "application/json; charset=utf-16", "Application/JSON; Charset=\"ISO-8859-1\""],
)  # fmt: skip
@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", f"{GB}/categories/{{id}}"), ("PATCH", f"{GB}/assessmentResults/{{id}}"), ("POST", f"{RO}/users/")],
)
def test_a_body_of_another_media_type_or_charset_is_415_naming_it(
    authed: httpx.Client, content_type: str, method: str, path: str
) -> None:
    """The API's bodies are application/json (UTF-8): one declared otherwise was read as JSON anyway and stored."""
    sourced_id = uid("c")
    body = json.dumps({"category": {"title": "Homework"}}).encode()  # (valid JSON in UTF-8, whatever it says it is)
    refused = authed.request(method, path.format(id=sourced_id), content=body, headers={"Content-Type": content_type})
    assert refused.status_code == 415, refused.text
    assert details(refused) == ["body"] and code_minor(refused) == "invaliddata"
    assert f"received Content-Type {content_type}" in refused.json()["imsx_description"]
    assert authed.get(f"{GB}/categories/{sourced_id}").status_code == 404


@pytest.mark.parametrize(("encoding", "encode"), [("gzip", gzip.compress), ("br", bytes), ("deflate, gzip", bytes)])
def test_a_content_encoded_body_is_415_naming_the_encoding(
    authed: httpx.Client, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    """Content-Encoding was ignored: a gzip body was 400 "not valid UTF-8 (byte 0x8b at offset 1)", one that said
    br but was plain JSON was stored. The server decodes none: 415 with Accept-Encoding: identity (RFC 9110
    section 15.5.16), before the body is read."""
    sourced_id = uid("c")
    body = json.dumps({"category": {"title": "Homework"}}).encode()
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    refused = authed.put(f"{GB}/categories/{sourced_id}", content=encode(body), headers=headers)
    assert refused.status_code == 415, refused.text
    assert refused.headers["Accept-Encoding"] == "identity"
    assert details(refused) == ["body"] and code_minor(refused) == "invaliddata"
    assert f"received Content-Encoding {encoding}" in refused.json()["imsx_description"]
    assert authed.get(f"{GB}/categories/{sourced_id}").status_code == 404
    identity = {**headers, "Content-Encoding": "Identity"}  # (no encoding, said: taken)
    assert authed.put(f"{GB}/categories/{sourced_id}", content=body, headers=identity).status_code == 201


def _as_is(
    server: LocalServer, method: str, path: str, headers: dict[str, str], body: bytes = b"", chunked: bool = False
) -> httpx.Response:
    """A request sent as written, which httpx would not send: its path's characters unescaped (httpx escapes some),
    a body sent chunked under the ``Transfer-Encoding`` in ``headers`` (httpx sends its own)."""
    url = urlsplit(server.url)
    connection = http_client.HTTPConnection(url.hostname or "", url.port)
    try:
        connection.request(method, path, body=body or None, headers=headers, encode_chunked=chunked)
        answer = connection.getresponse()
        return httpx.Response(answer.status, headers=answer.getheaders(), content=answer.read())
    finally:
        connection.close()


@pytest.mark.parametrize(("coding", "encode"), [("gzip, chunked", gzip.compress), ("br, chunked", bytes)])
def test_a_body_in_a_transfer_coding_other_than_chunked_is_501_naming_it(
    server: LocalServer, authed: httpx.Client, coding: str, encode: Callable[[bytes], bytes]
) -> None:
    """``Transfer-Encoding`` was ignored past the chunks: a gzip body was 400 "not valid UTF-8 (byte 0x8b at offset
    1)", a plain one that said gzip was stored. The server decodes no transfer coding but chunked: 501 (RFC 9112
    section 6.1), before the body is read; the token endpoint's form likewise (its Content-Encoding too, 415)."""
    sourced_id = uid("c")
    body = json.dumps({"category": {"title": "Homework"}}).encode()
    headers = {
        "Content-Type": "application/json",
        "Transfer-Encoding": coding,
        "Authorization": authed.headers["Authorization"],
    }
    refused = _as_is(server, "PUT", f"{GB}/categories/{sourced_id}", headers, encode(body), chunked=True)
    assert refused.status_code == 501, refused.text
    assert details(refused) == ["body"]
    assert f"received Transfer-Encoding {coding}" in refused.json()["imsx_description"]
    assert authed.get(f"{GB}/categories/{sourced_id}").status_code == 404
    plain = {**headers, "Transfer-Encoding": "Chunked"}  # (chunked alone: taken)
    assert _as_is(server, "PUT", f"{GB}/categories/{sourced_id}", plain, body, chunked=True).status_code == 201
    form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}".encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": coding}
    refused = _as_is(server, "POST", "/oauth2/token", form_headers, encode(form), chunked=True)
    assert refused.status_code == 501 and refused.json()["error"] == "invalid_request", refused.text
    assert f"received Transfer-Encoding {coding}" in refused.json()["error_description"]
    content_coded = {"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": coding.split(",")[0]}
    encoded = authed.post("/oauth2/token", content=encode(form), headers=content_coded)
    assert encoded.status_code == 415 and encoded.json()["error"] == "invalid_request", encoded.text
    assert encoded.headers["Accept-Encoding"] == "identity"
    plain_form = {**form_headers, "Transfer-Encoding": "chunked"}
    assert _as_is(server, "POST", "/oauth2/token", plain_form, form, chunked=True).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=utf-8", "APPLICATION/JSON;charset=\"UTF8\"",
     "application/merge-patch+json", "application/json; version=1", "", "; charset=utf-8"],
)  # fmt: skip
def test_a_json_body_in_utf8_or_undeclared_is_taken(authed: httpx.Client, content_type: str | None) -> None:
    sourced_id = uid("c")
    headers = {"Content-Type": content_type} if content_type is not None else {}
    body = json.dumps({"category": {"title": "Homework"}}).encode()
    stored = authed.put(f"{GB}/categories/{sourced_id}", content=body, headers=headers)
    assert stored.status_code == 201, stored.text
    assert "content-type" in stored.request.headers or content_type is None


def test_a_body_nested_too_deep_is_422_invaliddata_naming_where(authed: httpx.Client) -> None:
    nested: list[object] = []
    for _ in range(40):  # deeper than max_json_depth (32)
        nested = [nested]
    deep = authed.put(f"{GB}/results/{uid('r')}", json={"result": {"metadata": {"a": nested}}})
    assert deep.status_code == 422 and code_minor(deep) == "invaliddata"
    assert details(deep)[0].startswith("result.metadata.a")


def test_a_body_key_named_like_a_path_parameter_is_an_unknown_field(authed: httpx.Client) -> None:
    # (the path's value used to replace it silently: the category was stored under the path's id)
    sourced_id = uid("c")
    for body in ({"category": {"title": "x"}, "sourced_id": "other"}, {"category": {"title": "x"}, "colour": "red"}):
        response = authed.put(f"{GB}/categories/{sourced_id}", json=body)
        assert response.status_code == 422, response.text
        extra = next(key for key in body if key != "category")
        assert f"{extra}: unknown field" in response.json()["imsx_description"]
        assert [d["field"] for d in response.json()["imsx_error_details"]] == [extra]
    assert authed.get(f"{GB}/categories/{sourced_id}").status_code == 404


def test_a_local_server_on_ipv6_loopback_is_reached_at_its_url() -> None:
    """``LocalServer(host="::1")`` binds IPv6 (``bound_socket``); its URL brackets the address, as a URL must
    (it read ``http://::1:port``, which no client can parse as host and port)."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback import Timeback
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    settings = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings, host="::1") as server, Timeback(**server.client_kwargs()) as client:
        assert server.url == f"http://[::1]:{server.port}"
        assert client.oneroster.gradebook.put_category(sourced_id="v6", category={"title": "v6"}).category


# ----- an answer's writes: its head and a small body in one


class _Recorded:
    """A connection's transport, its writes recorded (uvloop's is a C type: no method of it can be replaced)."""

    def __init__(self, transport: asyncio.Transport, written: list[bytes]) -> None:
        self._transport, self._written = transport, written

    def write(self, data: bytes) -> None:
        self._written.append(bytes(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """What the servers of this process write to the connections they accept from now, a write an item."""
    from timeback.server.protocol import BoundedHttpToolsProtocol

    written: list[bytes] = []
    made = BoundedHttpToolsProtocol.connection_made

    def recorded(protocol: BoundedHttpToolsProtocol, transport: asyncio.Transport) -> None:
        made(protocol, _Recorded(transport, written))  # type: ignore[arg-type]

    monkeypatch.setattr(BoundedHttpToolsProtocol, "connection_made", recorded)
    return written


def _new_connection(authed: httpx.Client) -> httpx.Client:
    """A client as ``authed`` on a connection of its own, made once ``writes`` records them."""
    return httpx.Client(base_url=authed.base_url, headers=authed.headers)


def test_an_answer_with_a_small_body_is_one_write(authed: httpx.Client, roster: Roster, writes: list[bytes]) -> None:
    """uvicorn writes an answer's head, then its body: two sends, and the client woken for each."""
    with _new_connection(authed) as http:
        got = http.get(f"{GB}/categories/{roster.category}")
    assert got.status_code == 200
    assert len(writes) == 1 and writes[0].startswith(b"HTTP/1.1 200 ") and writes[0].endswith(got.content)


def test_an_answer_with_a_large_body_writes_its_head_then_its_body(authed: httpx.Client, writes: list[bytes]) -> None:
    """Past ``JOINED_BODY_BYTES`` the two are not joined (a copy of the body for one send saved)."""
    from timeback.server.protocol import JOINED_BODY_BYTES

    sourced_id = uid("large")
    category = {"sourcedId": sourced_id, "title": "large", "metadata": {"note": "x" * JOINED_BODY_BYTES}}
    assert authed.put(f"{GB}/categories/{sourced_id}", json={"category": category}).status_code in (200, 201)
    with _new_connection(authed) as http:
        got = http.get(f"{GB}/categories/{sourced_id}")
    assert got.status_code == 200 and len(got.content) > JOINED_BODY_BYTES
    assert writes[0].startswith(b"HTTP/1.1 200 ") and writes[0].endswith(b"\r\n\r\n")
    assert b"".join(writes[1:]) == got.content


def test_an_interim_100_continue_goes_at_once_and_the_answer_after_it_in_one_write(
    server: LocalServer, authed: httpx.Client, writes: list[bytes]
) -> None:
    """uvicorn writes "100 Continue" to a request that expects it as the app first reads the body: the client waits
    for it to send the body, so it goes at once; the answer's head and body, in one write after."""
    sourced_id = uid("continue")
    body = json.dumps({"category": {"sourcedId": sourced_id, "title": "continued"}}).encode()
    head = (f"PUT {GB}/categories/{sourced_id} HTTP/1.1\r\nHost: timeback.test\r\nAuthorization: "
            f"{authed.headers['Authorization']}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Expect: 100-continue\r\n\r\n").encode()  # fmt: skip
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head)
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 201 ") and answer.endswith(b"}}")
    assert [data[:21] for data in writes] == [b"HTTP/1.1 100 Continue", answer[:21]] and writes[1] == answer


@contextlib.contextmanager
def _serving(app: Any) -> Iterator[tuple[str, int]]:
    """``app`` (a bare ASGI app) served as ``LocalServer`` serves its own: the server's protocol, uvloop, its config
    class; its address yielded once it serves."""
    import uvicorn

    from timeback.server.protocol import BoundedHttpToolsProtocol
    from timeback.server.runner import _Config, bound_socket

    config = _Config(app, http=BoundedHttpToolsProtocol, access_log=False, lifespan="off")
    served = uvicorn.Server(config)
    with bound_socket("127.0.0.1", 0) as listening:
        thread = threading.Thread(target=served.run, kwargs={"sockets": [listening]}, daemon=True)
        thread.start()
        try:
            while not served.started:
                assert thread.is_alive(), "the server did not start"
                time.sleep(0.01)
            yield listening.getsockname()[:2]
        finally:
            served.should_exit = True
            thread.join(timeout=30)


def test_a_head_whose_body_is_not_made_yet_goes_alone_at_the_end_of_the_loops_turn(writes: list[bytes]) -> None:
    """Guards the end-of-turn flush of ``_AnswerTransport`` (its ``call_soon(self.flush)``): a head is held for
    the body's first write only until the event loop's turn ends. Without it, an app that sends its head, then
    awaits something before its body (a stream's next chunk), has its head held until the body comes, the client
    waiting for a status the server had. No route of the server's makes its body later: this app's body waits for
    the client to have read the head (held, the read times out)."""
    head_read = threading.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4")]})
        await asyncio.to_thread(head_read.wait, 30)  # (a hang guard, should the test fail before it sets it)
        await send({"type": "http.response.body", "body": b"late"})

    with _serving(app) as address, socket.create_connection(address, timeout=10) as sock:
        try:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            head = b""
            # (a timeout, the head held, fails the test)
            while not head.endswith(b"\r\n\r\n") and (chunk := sock.recv(65536)):
                head += chunk
        finally:
            head_read.set()
        body = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\ncontent-length: 4\r\n" in head and body == b"late"
    assert writes == [head, body]


# ----- HEAD: a GET answered without its body (RFC 9110 section 9.3.2)

VARYING = {"date", "x-request-id", "server-timing"}  # (differ between any two answers)


def _same_answer_without_body(http: httpx.Client, url: str, **kwargs: object) -> httpx.Response:
    """HEAD ``url`` and GET it: the same status and headers (Content-Length the GET body's), no body."""
    got = http.get(url, **kwargs)  # type: ignore[arg-type]
    head = http.head(url, **kwargs)  # type: ignore[arg-type]
    assert head.status_code == got.status_code, (url, head.status_code, got.text)
    assert {k: v for k, v in head.headers.items() if k not in VARYING} == {
        k: v for k, v in got.headers.items() if k not in VARYING
    }
    assert int(head.headers["content-length"]) == len(got.content) > 0 and head.content == b""
    return head


def test_head_answers_what_get_would_without_the_body(
    server: LocalServer, authed: httpx.Client, roster: Roster
) -> None:
    listing = _same_answer_without_body(authed, f"{GB}/categories/", params={"limit": 1})
    assert listing.status_code == 200 and int(listing.headers["X-Total-Count"]) >= 1
    assert 'rel="next"' in listing.headers["Link"] or listing.headers["X-Total-Count"] == "1"
    nested = _same_answer_without_body(authed, f"{GB}/classes/{roster.class_}/lineItems")  # (a scoped listing)
    assert nested.status_code == 200 and nested.headers["X-Total-Count"] == "0"
    assert _same_answer_without_body(authed, f"{GB}/categories/{roster.category}").status_code == 200
    assert _same_answer_without_body(authed, f"{GB}/categories/{uid('none')}").status_code == 404
    assert _same_answer_without_body(authed, f"{GB}/categories/", params={"filter": "colour='red'"}).status_code == 400
    with httpx.Client(base_url=server.url) as http:
        assert _same_answer_without_body(http, f"{GB}/categories/").status_code == 401  # (no token)
        access = token(http, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scope="gradebook.createput")
        write_only = {"Authorization": f"Bearer {access.json()['access_token']}"}
        assert _same_answer_without_body(http, f"{GB}/categories/", headers=write_only).status_code == 403
        assert _same_answer_without_body(http, "/health").status_code == 200


def test_405_allows_head_wherever_get_is(authed: httpx.Client) -> None:
    for path, method, allowed in [
        (f"{GB}/categories/x", "POST", "DELETE, GET, HEAD, PUT"),
        (f"{GB}/categories/", "DELETE", "GET, HEAD, POST"),
        ("/health", "POST", "GET, HEAD"),
    ]:
        response = authed.request(method, path)
        assert response.status_code == 405 and response.headers["Allow"] == allowed, (path, response.text)


def test_a_stray_newline_after_a_path_is_answered_as_any_other_stray_character(
    server: LocalServer, authed: httpx.Client
) -> None:
    """Starlette's route patterns end in ``$``, which matches before a trailing newline too: ``/results%0A`` reached
    the FastAPI route the operation lane stands in for (the lane's patterns end in ``\\Z``), a 500 before auth."""
    rostering = "/ims/oneroster/rostering/v1p2"
    with httpx.Client(base_url=server.url) as anonymous:
        for http in (anonymous, authed):
            for method, path in [
                ("GET", f"{GB}/results"),
                ("HEAD", f"{GB}/results"),
                ("POST", f"{GB}/results/"),
                ("POST", f"{GB}/lineItems/li-1/results"),
                ("GET", f"{rostering}/users"),
                ("HEAD", f"{rostering}/users"),
                ("POST", f"{rostering}/users"),
                ("DELETE", f"{GB}/categories/"),
                ("GET", f"{GB}/categories/x/"),
            ]:
                newline = http.request(method, f"{path}%0A")
                carriage_return = http.request(method, f"{path}%0D")
                assert newline.status_code == carriage_return.status_code != 500, (method, path, newline.text)
                assert newline.headers.get("Allow") == carriage_return.headers.get("Allow"), (method, path)
                if method != "HEAD":  # (the same answer but for the id a 404 names: "Category '\\n' not found.")
                    assert newline.text.replace(r"\\n", r"\\r") == carriage_return.text, (method, path)


def test_a_stray_newline_after_a_path_of_no_operation_is_404(http: httpx.Client) -> None:
    """The same ``$`` let ``/health%0A`` and ``/oauth2/token%0A`` (and the document's and docs' paths) be served as
    the paths without it: every route's pattern ends in ``\\Z`` now, not the operations' alone."""
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    for method, path in [("GET", "/health"), ("HEAD", "/health"), ("POST", "/oauth2/token"),
                         ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/redoc")]:  # fmt: skip
        assert http.request(method, path, data=form if method == "POST" else None).status_code == 200, path
        for stray in ("%0A", "%0D"):
            response = http.request(method, f"{path}{stray}", data=form if method == "POST" else None)
            assert response.status_code == 404, (method, path, stray, response.text)
            if method != "HEAD":
                assert response.json()["imsx_description"] == "Unknown endpoint."


def test_no_body_follows_a_head_answer_on_the_wire(server: LocalServer, authed: httpx.Client) -> None:
    """uvicorn (httptools, the server's protocol) drops the body a HEAD's answer is sent with: the next answer on
    the connection starts right after the head, bodies of the lane's answers and of its errors alike."""
    url = urlsplit(server.url)
    authorization = authed.headers["Authorization"]
    requests = b"".join(
        f"{method} {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: {authorization}\r\n\r\n".encode()
        for method, path in [("HEAD", f"{GB}/categories/"), ("HEAD", f"{GB}/categories/{uid('none')}"),
                             ("HEAD", "/health"), ("GET", "/health")]
    ) + f"GET /health HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode()  # fmt: skip
    received = b""
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(requests)
        while chunk := sock.recv(65536):
            received += chunk
    heads = received.split(b"\r\n\r\n")
    statuses = [head.split(b"\r\n", 1)[0] for head in heads[:-1]]
    assert statuses[:3] == [b"HTTP/1.1 200 OK", b"HTTP/1.1 404 Not Found", b"HTTP/1.1 200 OK"], received
    assert heads[3].startswith(b"HTTP/1.1 200 OK")  # (right after the HEADs' heads: no body between)
    assert heads[4].startswith(b'{"status":"ok"}HTTP/1.1 200 OK') and heads[5] == b'{"status":"ok"}', received
    for head in heads[:3]:
        assert int(re.search(rb"(?i)content-length: (\d+)", head).group(1)) > 0  # type: ignore[union-attr]


# ----- LocalServer: what it leaves of the process it runs in


def _uvicorn_loggers() -> list[tuple[object, ...]]:
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    # (create_app's filters taking secrets and forged clients out of access-log lines are left on: they are
    # protective, added once)
    kept = (REDACT_QUERY_SECRETS, CLIENT_ADDRESSES_ONLY)
    return [
        (each.level, each.propagate, list(each.handlers), [f for f in each.filters if f not in kept])
        for each in loggers
    ]


def test_a_local_server_configures_no_logging(tmp_path: Path) -> None:
    """uvicorn's default log config (``logging.config.dictConfig``) closed every handler of the process when a
    ``LocalServer`` was made: a ``basicConfig(filename=..., filemode="w")`` file, pytest's ``--log-file``, went
    silent; it reset the ``uvicorn`` loggers of an app of the caller's, and a faulted server's filter stayed on
    them. The server's records go up the logging hierarchy to the handlers found there."""
    handler = logging.FileHandler(tmp_path / "app.log", mode="w")
    logging.getLogger().addHandler(handler)
    before = _uvicorn_loggers()
    try:
        server = LocalServer(ServerSettings(faults="close=1"))
        logging.getLogger("tests.app").warning("after the constructor")
        with server:
            with pytest.raises(httpx.RemoteProtocolError):  # (cut on purpose: not logged as an error)
                httpx.get(f"{server.url}{GB}/categories/")
            with socket.create_connection((server.host, server.port), timeout=10) as raw:
                raw.sendall(b"NOT HTTP\r\n\r\n")
                while raw.recv(65536):  # (uvicorn answers 400 and closes)
                    pass
        logging.getLogger("tests.app").warning("after stop")
        assert _uvicorn_loggers() == before
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    written = (tmp_path / "app.log").read_text()
    assert "after the constructor" in written and "after stop" in written
    assert "Invalid HTTP request received." in written  # (uvicorn's warning, through the caller's handler)
    assert "without completing response" not in written


def _seed_slow_from_the_second_request() -> int:
    """A fault seed of ``slow=0.5`` whose first request (the token) is not slowed and whose second is."""
    for seed in itertools.count():
        injector = FaultInjector(FaultSpec.parse(f"slow=0.5,seed={seed}"))
        if injector.draw() is None and injector.draw() == "slow":
            return seed
    raise AssertionError  # (unreachable)


def test_stop_ends_a_request_in_flight_before_it_closes_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``stop()`` gave up waiting for the server thread after 10 s and closed the database under a request still
    running: a write slowed by a fault was then a 500 (``no such table``, in memory), or, on a file, committed after
    ``stop()`` had returned, through a connection opened again and never closed. Now the request is answered as
    any the stop ends before it began: 503, the server shutting down, nothing written (it was cut, the fault's own
    rule beside that one); and the thread has ended when ``stop()`` returns."""
    database = tmp_path / "stop.db"
    faults = f"slow=0.5,slow_ms=600000,seed={_seed_slow_from_the_second_request()}"
    settings = ServerSettings(f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=faults)
    server = LocalServer(settings).start()
    outcome: list[object] = []

    def put() -> None:
        try:
            with Timeback(**server.client_kwargs(), max_retries=0, timeout=600) as client:
                client.oneroster.gradebook.put_category(sourced_id="in-flight", category={"title": "Homework"})
        except Exception as exc:
            outcome.append(exc)

    writer = threading.Thread(target=put, daemon=True)
    writer.start()
    while server.app.state.faults.counts["slow"] == 0 and writer.is_alive():
        time.sleep(0.01)
    server.stop()
    assert not server._thread.is_alive()
    writer.join(timeout=60)  # (a bound that only catches a hang)
    assert not writer.is_alive()
    assert [(type(exc), exc.status_code) for exc in outcome] == [(ServerError, 503)], outcome  # (not a 500)
    assert "shutting down; nothing of this request was carried out" in str(outcome[0])
    with contextlib.closing(sqlite3.connect(database)) as reading:  # (a with alone commits, and leaves it open)
        assert reading.execute("SELECT count(*) FROM categories").fetchone() == (0,)
    assert not [record for record in caplog.records if record.exc_info], caplog.text


def test_a_local_server_reads_as_its_url_and_state_without_a_credential(server: LocalServer) -> None:
    """A notebook showed "<timeback.server.runner.LocalServer at 0x...>" (from the notebook analyst's run)."""
    assert repr(server) == f"<LocalServer {server.url} serving>"
    spare = LocalServer()
    assert repr(spare) == f"<LocalServer {spare.url} not started>"
    with spare:
        assert repr(spare) == f"<LocalServer {spare.url} serving>"
    assert repr(spare) == f"<LocalServer {spare.url} stopped>"
    assert spare.credentials[1] not in repr(spare)
    # (as a traceback showing locals calls it on a server whose __init__ failed midway: nothing set yet)
    assert repr(LocalServer.__new__(LocalServer)) == "<LocalServer (no address) not started>"


def test_a_head_slowed_by_a_fault_when_the_server_stops_is_a_503() -> None:
    """A request the stop ends before it began is answered 503, nothing carried out: a HEAD slowed by a fault was
    cut after a 200 status line, which, with no body to cut, read as a record there (review)."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=600000")
    server = LocalServer(settings).start()
    answers: list[int] = []
    head = threading.Thread(target=lambda: answers.append(httpx.head(f"{server.url}{GB}/categories/x", timeout=60)
                                                          .status_code), daemon=True)  # fmt: skip
    head.start()
    while server.app.state.faults.counts["slow"] == 0 and head.is_alive():
        time.sleep(0.01)
    server.stop()
    head.join(timeout=60)
    assert answers == [503]


def test_a_request_still_running_when_the_server_stops_is_a_503_imsx_body(caplog: pytest.LogCaptureFixture) -> None:
    """uvicorn cancels the requests still running when the grace of a stop is over: each was answered uvicorn's
    plain-text 500 ("Internal Server Error"), a traceback logged for it; now the imsx body every other error has,
    503 saying the server is shutting down. Two wait for the rest of their body: a token request (FastAPI's stack)
    and a write (the operation lane)."""
    server = LocalServer(ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)).start()
    with httpx.Client(base_url=server.url) as http:
        access = token(http, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    heads = [
        "POST /oauth2/token HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n",
        f"PUT {GB}/categories/{uid('stopped')} HTTP/1.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {access.json()['access_token']}\r\n",
    ]
    sockets = [socket.create_connection((server.host, server.port), timeout=60) for _ in heads]
    try:
        for sock, head in zip(sockets, heads, strict=True):
            sock.sendall(f"{head}Host: x\r\nContent-Length: 100\r\n\r\n{{".encode())  # (1 byte of 100)
        while len(server._server.server_state.tasks) < len(heads):  # (both in the app, waiting for their body)
            time.sleep(0.01)
        server.stop()
        for sock in sockets:
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 503 ") and b"content-type: application/json" in head, received
            assert b"x-request-id: " in head and b"connection: close" in head, received
            answer = httpx.Response(503, content=body).json()
            assert answer["imsx_codeMajor"] == "failure" and answer.keys() >= IMSX_KEYS
            assert "shutting down; nothing of this request was carried out" in answer["imsx_description"]
    finally:
        for sock in sockets:
            sock.close()
    assert not [record for record in caplog.records if record.exc_info], caplog.text


@pytest.mark.parametrize("call", ["put", "post", "bulk"])
def test_a_write_being_stored_when_the_server_stops_is_cut_not_answered_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, call: str
) -> None:
    """A write waiting for SQLite's lock in a worker thread (another program holds it) when the stop's grace runs out:
    its request was cancelled and answered 503 ``server_busy`` (nothing done), but the thread went on and committed
    it as the server stopped. The SDK took the 503 as a refusal: a PUT's error said nothing of it maybe applied, a
    bulk upload counted the records failed, not maybe stored, and ``request("POST")`` with retries sent it again, a
    second record. Now its connection is cut: an answer lost, which the SDK says may have been stored. A write
    queued behind it, not begun, is still answered 503, and not stored."""
    from timeback.server import lane

    database = tmp_path / "late.db"
    settings = ServerSettings(f"sqlite:///{database}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    server = LocalServer(settings).start()
    in_the_thread = threading.Event()
    run_writes = lane._run_writes

    def noted(storage: Any, writes: Any) -> None:
        if threading.current_thread() is not server._thread:  # (not the event loop's tries)
            in_the_thread.set()
        run_writes(storage, writes)

    monkeypatch.setattr(lane, "_run_writes", noted)
    client = Timeback(**server.client_kwargs(), max_retries=0, timeout=600)
    results: list[dict[str, object]] = []
    if call == "bulk":
        r = make_roster(client, students=[uid("student") for _ in range(3)])
        line_item = uid("li")
        client.oneroster.gradebook.post_line_items_for_class(
            class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
        )
        results = [result_body(line_item, student, uid("res")) for student in r.students]
    outcome: list[object] = []

    def write() -> None:
        try:
            if call == "put":
                outcome.append(client.oneroster.gradebook.put_category(sourced_id="late", category={"title": "T"}))
            elif call == "post":  # (no sourcedId: the server makes one)
                outcome.append(client.request("POST", f"{GB}/categories", json={"category": {"title": "T"}}))
            else:
                outcome.append(client.oneroster.gradebook.bulk_post_results(results))
        except Exception as exc:
            outcome.append(exc)

    with httpx.Client(base_url=server.url) as http:
        access = token(http, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).json()["access_token"]
    queued_answers: list[httpx.Response] = []

    def queued_write() -> None:
        body = {"category": {"title": "T"}}
        answer = httpx.put(f"{server.url}{GB}/categories/queued", json=body, timeout=600,
                           headers={"Authorization": f"Bearer {access}"})  # fmt: skip
        queued_answers.append(answer)

    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock, past the stop's grace
    writer, queued = threading.Thread(target=write), threading.Thread(target=queued_write)
    stopper = threading.Thread(target=server.stop)  # (its storage closes once the write has ended)
    try:
        writer.start()
        assert in_the_thread.wait(60)
        queued.start()
        operations = server.app.middleware_stack
        while not isinstance(operations, lane.OperationLane):
            operations = operations.app
        while not operations._thread_queue:  # (it waits for its turn at the worker thread)
            time.sleep(0.01)
        stopper.start()
        writer.join()  # (answered, or cut, while the write still waits for the lock)
        queued.join()
    finally:
        other.execute("ROLLBACK")
        other.close()
        writer.join()
        if queued.ident is not None:
            queued.join()
        if stopper.ident is None:
            server.stop()
        else:
            stopper.join()
        client.close()
    (got,) = outcome
    if call == "bulk":
        assert isinstance(got, BulkSummary) and got.stored == 0, got
        assert [(f.sourced_ids, f.maybe_stored) for f in got.failures] == [
            (tuple(each["sourcedId"] for each in results), True)
        ], got.failures
    else:
        assert isinstance(got, APIConnectionError), repr(got)  # (not the 503's ServiceUnavailableError)
        assert got._answer_lost and "so it may have been" in str(got), got
    (queued_answer,) = queued_answers
    assert queued_answer.status_code == 503 and "shutting down" in queued_answer.text, queued_answer.text
    with contextlib.closing(sqlite3.connect(database)) as reading:
        table = "results" if call == "bulk" else "categories"
        assert reading.execute(f"SELECT count(*) FROM {table}").fetchone() == (len(results) or 1,)
        assert reading.execute("SELECT count(*) FROM categories WHERE sourced_id = 'queued'").fetchone() == (0,)
    assert caplog.text.count("its answer cut, it may be stored") == 1, caplog.text


@pytest.mark.parametrize(("host", "reached"), [("0.0.0.0", "127.0.0.1"), ("::", "[::1]")])
def test_a_local_server_on_every_interface_is_reached_on_loopback(host: str, reached: str) -> None:
    """On every interface, its URL (``client_kwargs()``, ``environ()``) named it (``http://0.0.0.0:...``), no
    address to connect to, and plain ``http://`` the SDK refuses off loopback: it names loopback, as ``serve``."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings, host=host) as server, Timeback(**server.client_kwargs()) as client:
        assert server.url == f"http://{reached}:{server.port}" == server.environ()["TIMEBACK_BASE_URL"]
        assert client.oneroster.gradebook.put_category(sourced_id=uid("any"), category={"title": "t"}).category


@pytest.mark.parametrize("given", [{"client_id": CLIENT_ID}, {"client_secret": CLIENT_SECRET}])
def test_a_client_id_or_secret_alone_is_refused(given: dict[str, str]) -> None:
    """A secret without an id made ``credentials``, ``client_kwargs()`` and ``environ()`` a ``TypeError`` (cannot
    unpack None); an id without a secret served a generated secret. Refused as ``serve`` refuses it."""
    with pytest.raises(ValueError, match="give both client_id and client_secret, or neither") as refused:
        ServerSettings(**given)  # type: ignore[arg-type]
    assert CLIENT_SECRET not in str(refused.value)


@pytest.mark.parametrize("name", ["client_id", "client_secret"])
def test_a_client_id_or_secret_with_no_utf8_form_is_refused_naming_it(name: str) -> None:
    """From Python as ``serve`` refuses it: a lone surrogate (a byte of another encoding read from the environment)
    was a raw UnicodeEncodeError from hashing the secret as the app was made, holding the whole value."""
    given = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, name: "latin1-9f3a\udce9"}
    with pytest.raises(ValueError, match=rf"^{name} holds a character that cannot be encoded as UTF-8$") as refused:
        ServerSettings(**given)
    assert "latin1-9f3a" not in repr(refused.value)  # (the dataclass's __init__ holds it, as any argument)


def test_a_local_server_stopped_before_it_started_closes_what_it_opened() -> None:
    """``stop()`` before ``start()`` was ``RuntimeError('cannot join thread before it is started')``, the socket and
    the database left open; ``start()`` after ``stop()`` a bare ``RuntimeError('threads can only be started
    once')``. Stopped, a server is closed for good (stopped again, nothing happens), and says to make a new one."""
    never_started = LocalServer(ServerSettings())
    never_started.stop()
    assert never_started._socket.fileno() == -1
    started = LocalServer(ServerSettings()).start()
    started.stop()
    started.stop()
    for server in (never_started, started):
        with pytest.raises(RuntimeError, match="was stopped: make a new LocalServer"):
            server.start()


def test_a_local_server_that_cannot_start_raises_why_and_closes_what_it_opened(tmp_path: Path) -> None:
    """A start that fails in the server's thread (here ``tls=`` naming no file) raises ``RuntimeError`` from the
    reason: it said only "did not start", the reason a traceback the thread printed to standard error."""
    server = LocalServer(ServerSettings(), tls=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")))
    with pytest.raises(RuntimeError, match=r"^the local Timeback server did not start$") as raised:
        server.start()
    assert isinstance(raised.value.__cause__, FileNotFoundError), raised.value.__cause__
    assert server._socket.fileno() == -1


def test_the_app_under_any_uvicorn_writes_no_query_secret_to_the_access_log(tmp_path: Path) -> None:
    """``create_app`` is public: run under a uvicorn of the caller's, with its access log on, a URL holding a client's
    secret is written with the value redacted (the filter is on the ``uvicorn.access`` logger, not in ``serve``)."""
    from timeback.server import create_app

    access = logging.getLogger("uvicorn.access")
    access.removeFilter(REDACT_QUERY_SECRETS)  # (as in a fresh process: another test's app may have added it)
    app = create_app(ServerSettings(database=f"sqlite:///{tmp_path / 'a.db'}"))
    try:
        record = access.makeRecord(
            "uvicorn.access", logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5", "POST", "/oauth2/token?client_secret=s3cret", "1.1", 400), None,
        )  # fmt: skip
        assert access.filter(record)
        assert record.getMessage() == '127.0.0.1:5 - "POST /oauth2/token?client_secret=[redacted] HTTP/1.1" 400'
    finally:
        close_app(app)


def test_a_score_scale_may_have_no_values(authed: httpx.Client, client: Timeback, roster: Roster) -> None:
    """Timeback's ScoreScale sets no minItems on scoreScaleValue (1EdTech's does): an empty list is taken."""
    scale = uid("ss")
    body = {"title": "S", "type": "letter", "class": {"sourcedId": roster.class_}, "scoreScaleValue": []}
    answer = authed.put(f"{GB}/scoreScales/{scale}", json={"scoreScale": body})
    assert answer.status_code == 201 and answer.json()["scoreScale"]["scoreScaleValue"] == [], answer.text
    created = client.oneroster.gradebook.create_score_scale(scoreScale=body)
    read = client.oneroster.gradebook.get_score_scale(sourced_id=created.sourcedIdPairs.allocatedSourcedId)
    assert read.scoreScale.scoreScaleValue == []
