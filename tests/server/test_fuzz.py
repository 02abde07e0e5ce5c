"""Property-based fuzzing of the server against its own OpenAPI document (schemathesis).

Every operation of ``/openapi.json`` gets schema examples, then generated requests, valid and invalid (a fixed
seed and ``deterministic`` generation make the run the same every time). Each answer must:

- not be a 5xx;
- use a documented status and content type, and match the documented schema (errors: ``imsx_StatusInfo``);
- be a 4xx for a request the document says is invalid, and a success for a valid one, except where the rule that
  refused it cannot be written in JSON Schema (``ACCEPTED_REFUSALS``);
- when it is an error, be an ``imsx_StatusInfo`` body (``imsx_error_body``), documented status or not.

The server is seeded with one record per collection, each with sourcedId ``"0"`` and referring only to other
``"0"`` records: generation starts from the simplest values, so many generated references and path ids name a
record that exists and requests get past the reference checks to the writes and reads behind them.

More examples: ``FUZZ_EXAMPLES=200 pytest tests/server/test_fuzz.py``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.server.zero_world import ZERO_WORLD
from tests.support import close_app
from timeback.server import ServerSettings
from timeback.server.app import create_app
from timeback.server.runner import LocalServer
from timeback.server.seed import load_seed

SENT: Counter[str] = Counter()  # requests per operation
ANSWERS: Counter[str] = Counter()  # answers by status class
SETTINGS = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
_APP = create_app(SETTINGS)
DOCUMENT: dict[str, Any] = _APP.openapi()  # what the server serves (checked below)
close_app(_APP)
CONFIG = {
    "seed": 20240229,
    "generation": {"max-examples": int(os.environ.get("FUZZ_EXAMPLES", "12")), "deterministic": True},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": False},  # hundreds of boundary cases per operation: too slow for every CI run
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
}
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict(CONFIG))

# Refusals of schema-valid requests that are right, because the rule behind them is not expressible in JSON Schema:
# (status, the start of imsx_description).
ACCEPTED_REFUSALS = (
    (400, "Invalid filter"),  # the filter grammar, and comparing a field with a value of its type
    (400, "Unknown filter field"),
    (422, "Unknown reference"),  # referential integrity: a reference must name an existing record
    (422, "Reference not allowed here"),  # an enrollment's user who does not hold the role it gives
    (422, "Invalid request body: body: "),  # a PUT body's sourcedId that differs from the path's
    (422, "sourcedId repeated within the batch"),
    (422, "Not a whole class"),  # a class update of some fields (Timeback's), for a class that does not exist
    (422, "Another kind of record"),  # a PUT through a view (/schools/{id}) naming a record outside it (a district)
    (422, "Not the class's school"),  # an enrollment naming a school other than its class's
    (422, "Conflicting school"),  # a class whose org and school (one reference, two names) differ
    (422, "Dates in reverse"),  # an academic session's endDate before its startDate (and the like)
    (400, "The path: holds U+0000"),  # U+0000, which no stored string may hold (the document has no pattern for it)
    (400, "The path: holds U+FFFF"),  # U+FFFF, which stands in for %2F while routing (no pattern for it either)
)
# The official gradebook document's imsx_codeMinorFieldValue vocabulary (imsx_CodeMinorFieldDType).
CODE_MINOR_VALUES = {
    "fullsuccess", "invalid_filter_field", "invalid_selection_field", "invaliddata", "unauthorisedrequest",
    "internal_server_error", "server_busy", "deletefailure", "unknownobject", "forbidden",
}  # fmt: skip
SCOPED_MISMATCH = "does not match the"  # a batch item naming another class than the path's
U0000_REFUSED = ": contains U+0000"  # a body's string or key holding it (422 naming where)


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[LocalServer]:
    with LocalServer(SETTINGS) as running:
        load_seed(running.app.state.service, ZERO_WORLD)
        yield running
    # shown with -s: how much the run covered
    print(
        f"\nfuzzed {sum(SENT.values())} requests over {len(SENT)} operations; answers: {dict(sorted(ANSWERS.items()))}"
    )


@pytest.fixture(scope="module")
def auth(fuzz_server: LocalServer) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    token = httpx.post(f"{fuzz_server.url}/oauth2/token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def imsx_error_body(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every error answer, documented status or not, is an imsx_StatusInfo body."""
    if response.status_code < 400 or case.path == "/oauth2/token":  # the token endpoint answers OAuth2 errors
        return
    body = response.json()
    assert isinstance(body, dict), f"error body is not an object: {response.text[:200]}"
    assert body.get("imsx_codeMajor") == "failure" and body.get("imsx_severity") == "error", body
    assert isinstance(body.get("imsx_description"), str) and body["imsx_description"], body
    minor = body.get("imsx_CodeMinor", {}).get("imsx_codeMinorField")
    assert isinstance(minor, list) and minor, body
    for field in minor:
        assert isinstance(field.get("imsx_codeMinorFieldName"), str), body
        assert field.get("imsx_codeMinorFieldValue") in CODE_MINOR_VALUES, body


def valid_requests_are_accepted(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """schemathesis' positive_data_acceptance, less the refusals in ``ACCEPTED_REFUSALS``."""
    try:
        positive_data_acceptance(ctx, response, case)
    except AssertionError:
        description = response.json().get("imsx_description", "")
        if not any(response.status_code == s and description.startswith(d) for s, d in ACCEPTED_REFUSALS) and not (
            response.status_code == 422 and (SCOPED_MISMATCH in description or U0000_REFUSED in description)
        ):
            raise


def test_the_fuzzed_document_is_the_served_one(fuzz_server: LocalServer) -> None:
    assert httpx.get(f"{fuzz_server.url}/openapi.json").json() == DOCUMENT


def test_a_patch_documents_as_not_nullable_the_fields_it_refuses_null(
    fuzz_server: LocalServer, auth: dict[str, str]
) -> None:
    # (a PATCH setting a whole record's required field, or metadata, to null is 422; the document said nullable)
    path = "/ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}"
    body = DOCUMENT["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    fields = body["properties"]["assessmentLineItem"]["properties"]
    for name in ("title", "metadata"):
        assert {"type": "null"} not in fields[name].get("anyOf", []), name
        answer = httpx.patch(fuzz_server.url + path.format(sourced_id="0"), json={"assessmentLineItem": {name: None}},
                             headers=auth)  # fmt: skip
        assert answer.status_code == 422 and "may not be null" in answer.text, answer.text
    assert {"type": "null"} in fields["description"]["anyOf"]  # (null there is taken)


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [
        ("/ims/oneroster/gradebook/v1p2/lineItems/x", "POST", "DELETE, GET, HEAD, PUT"),
        ("/ims/oneroster/gradebook/v1p2/lineItems/", "OPTIONS", "GET, HEAD, POST"),
        ("/ims/oneroster/gradebook/v1p2/assessmentResults/x", "TRACE", "DELETE, GET, HEAD, PATCH, PUT"),
    ],
)
def test_an_unsupported_method_is_405_naming_every_allowed_one(
    fuzz_server: LocalServer, auth: dict[str, str], path: str, method: str, allowed: str
) -> None:
    response = httpx.request(method, fuzz_server.url + path, headers=auth)
    assert response.status_code == 405 and response.headers["Allow"] == allowed
    assert response.json()["imsx_description"] == f"{method} is not allowed here; allowed: {allowed}."
    documented = {m.upper() for m in DOCUMENT["paths"][path.replace("/x", "/{sourced_id}")]}
    assert documented | {"HEAD"} == set(allowed.split(", "))  # (HEAD, served wherever GET is, is not documented)


@schema.parametrize()
def test_api(case: schemathesis.Case, fuzz_server: LocalServer, auth: dict[str, str]) -> None:
    response = case.call_and_validate(
        base_url=fuzz_server.url,
        headers=auth,
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_requests_are_accepted, imsx_error_body],
    )
    SENT[case.operation.label] += 1
    ANSWERS[f"{response.status_code // 100}xx"] += 1
