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
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from timeback.server import ServerSettings
from timeback.server.app import create_app
from timeback.server.runner import LocalServer
from timeback.server.seed import load_seed

SETTINGS = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
DOCUMENT: dict[str, Any] = create_app(SETTINGS).openapi()  # what the server serves (checked below)
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

REF = {"sourcedId": "0"}
ZERO_WORLD: dict[str, list[dict[str, Any]]] = {
    "orgs": [{"sourcedId": "0", "name": "0", "type": "school"}],
    "academicSessions": [
        {"sourcedId": "0", "title": "0", "type": "term", "startDate": "2024-08-01", "endDate": "2025-06-30",
         "schoolYear": "2025", "org": REF},
    ],
    "courses": [{"sourcedId": "0", "title": "0", "org": REF}],
    "classes": [{"sourcedId": "0", "title": "0", "course": REF, "school": REF, "terms": [REF]}],
    "users": [
        {"sourcedId": "0", "enabledUser": True, "givenName": "0", "familyName": "0",
         "roles": [{"roleType": "primary", "role": "student", "org": REF},
                   {"roleType": "secondary", "role": "teacher", "org": REF}]},
    ],
    "enrollments": [{"sourcedId": "0", "role": "student", "user": REF, "class": REF}],
    "demographics": [{"sourcedId": "0"}],
    "categories": [{"sourcedId": "0", "title": "0"}],
    "scoreScales": [
        {"sourcedId": "0", "title": "0", "type": "0", "class": REF,
         "scoreScaleValue": [{"itemValueLHS": "0", "itemValueRHS": "0"}]},
    ],
    "lineItems": [
        {"sourcedId": "0", "title": "0", "class": REF, "school": REF, "category": REF, "assignDate": "2024-09-01",
         "dueDate": "2024-09-08", "resultValueMin": 0, "resultValueMax": 100},
    ],
    "results": [{"sourcedId": "0", "lineItem": REF, "student": REF, "scoreStatus": "fully graded", "score": 0,
                 "scoreDate": "2024-09-08"}],
    "assessmentLineItems": [{"sourcedId": "0", "title": "0"}],
    "assessmentResults": [{"sourcedId": "0", "assessmentLineItem": REF, "student": REF, "scoreStatus": "fully graded",
                           "scoreDate": "2024-09-08"}],
}  # fmt: skip

# Refusals of schema-valid requests that are right, because the rule behind them is not expressible in JSON Schema:
# (status, the start of imsx_description).
ACCEPTED_REFUSALS = (
    (400, "Invalid filter"),  # the filter grammar, and comparing a field with a value of its type
    (400, "Unknown filter field"),
    (422, "Unknown reference"),  # referential integrity: a reference must name an existing record
    (422, "Invalid request body: body: "),  # a PUT body's sourcedId that differs from the path's
    (422, "sourcedId repeated within the batch"),
)
SCOPED_MISMATCH = "does not match the"  # a batch item naming another class than the path's


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[LocalServer]:
    with LocalServer(SETTINGS) as running:
        load_seed(running.app.state.service, ZERO_WORLD)
        yield running


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
        assert isinstance(field.get("imsx_codeMinorFieldValue"), str), body


def valid_requests_are_accepted(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """schemathesis' positive_data_acceptance, less the refusals in ``ACCEPTED_REFUSALS``."""
    try:
        positive_data_acceptance(ctx, response, case)
    except AssertionError:
        description = response.json().get("imsx_description", "")
        if not any(response.status_code == s and description.startswith(d) for s, d in ACCEPTED_REFUSALS) and not (
            response.status_code == 422 and SCOPED_MISMATCH in description
        ):
            raise


def test_the_fuzzed_document_is_the_served_one(fuzz_server: LocalServer) -> None:
    assert httpx.get(f"{fuzz_server.url}/openapi.json").json() == DOCUMENT


@schema.parametrize()
def test_api(case: schemathesis.Case, fuzz_server: LocalServer, auth: dict[str, str]) -> None:
    case.call_and_validate(
        base_url=fuzz_server.url,
        headers=auth,
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_requests_are_accepted, imsx_error_body],
    )
