"""Scopes: tokens carry them, every route checks them (403 without), the token endpoint honours ``scope``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import uid
from timeback import PermissionDeniedError, Timeback
from timeback._operations import Operation
from timeback.resources import RosteringOperations, all_operations
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"
RO = "/ims/oneroster/rostering/v1p2"
V1P1 = "https://purl.imsglobal.org/spec/or/v1p1/scope/"
V1P2 = "https://purl.imsglobal.org/spec/or/v1p2/scope/"


def client_with(server: LocalServer, scopes: str) -> tuple[str, str]:
    client_id, secret = uid("scoped"), uid("secret")
    server.app.state.clients.add(client_id, secret, scopes)
    return client_id, secret


def token(server: LocalServer, client_id: str, secret: str, scope: str | None = None) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope is not None:
        form["scope"] = scope
    return httpx.post(f"{server.url}/oauth2/token", data=form)


def status(server: LocalServer, bearer: str, method: str, path: str, json: object = None) -> int:
    response = httpx.request(method, server.url + path, json=json, headers={"Authorization": f"Bearer {bearer}"})
    if response.status_code == 403:
        body = response.json()
        assert body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "forbidden"
    return response.status_code


CATEGORY = {"category": {"title": "x"}}


@pytest.mark.parametrize(
    ("scopes", "method", "path", "body", "allowed"),
    [
        ("gradebook.readonly", "GET", f"{GB}/categories/none", None, True),
        ("gradebook.readonly", "PUT", f"{GB}/categories/c", CATEGORY, False),
        (f"{V1P1}gradebook.readonly", "GET", f"{GB}/results/none", None, True),
        (f"{V1P2}gradebook.createput", "PUT", f"{GB}/categories/{{id}}", CATEGORY, True),
        ("gradebook.createput", "POST", f"{GB}/categories/", CATEGORY, True),
        ("gradebook.createpost", "POST", f"{GB}/categories/", CATEGORY, True),
        ("gradebook.createpost", "DELETE", f"{GB}/categories/none", None, False),
        ("gradebook.delete", "DELETE", f"{GB}/categories/none", None, True),
        ("gradebook-core.readonly", "GET", f"{GB}/results/", None, True),
        ("gradebook-core.readonly", "GET", f"{GB}/classes/none/results", None, False),
        ("assessment.readonly", "GET", f"{GB}/assessmentResults/none", None, True),
        ("assessment.readonly", "GET", f"{GB}/results/none", None, False),
        ("gradebook.readonly", "GET", "/ims/oneroster/rostering/v1p2/users/none", None, False),
        ("roster.readonly", "GET", "/ims/oneroster/rostering/v1p2/users/none", None, True),
        ("roster.readonly gradebook.createput", "POST", "/ims/oneroster/rostering/v1p2/orgs/", {"org": {}}, False),
        (f"{V1P1}admin", "POST", "/ims/oneroster/rostering/v1p2/orgs/", {"org": {}}, True),
        # Demographics (birth dates, sex, race) have a scope of their own, the only one the spec gives them
        ("roster.readonly", "GET", f"{RO}/demographics/", None, False),
        ("roster-core.readonly", "GET", f"{RO}/demographics/none", None, False),
        ("roster-demographics.readonly", "GET", f"{RO}/demographics/", None, True),
        (f"{V1P1}roster-demographics.readonly", "GET", f"{RO}/demographics/none", None, True),
        ("roster-demographics.readonly", "GET", f"{RO}/users/none", None, False),
        # Timeback's rostering write scopes (v1p1 URIs in its OpenAPI): createput creates and replaces, delete deletes
        (f"{V1P1}roster.createput", "POST", f"{RO}/orgs/", {"org": {}}, True),
        ("roster.createput", "PUT", f"{RO}/orgs/{{id}}", {"org": {}}, True),
        ("roster.createput", "DELETE", f"{RO}/orgs/none", None, False),
        ("roster.createput", "GET", f"{RO}/orgs/none", None, False),
        (f"{V1P2}roster.delete", "DELETE", f"{RO}/users/none", None, True),
        ("roster.delete", "POST", f"{RO}/users/", {"user": {}}, False),
        ("roster.createput", "POST", f"{RO}/demographics/", {"demographics": {}}, False),
        ("roster.delete", "DELETE", f"{RO}/demographics/none", None, False),
        (f"{V1P1}roster-demographics.createput", "PUT", f"{RO}/demographics/{{id}}", {"demographics": {}}, True),
        ("roster-demographics.createput", "DELETE", f"{RO}/demographics/none", None, False),
        ("roster-demographics.createput", "POST", f"{RO}/orgs/", {"org": {}}, False),
        ("roster-demographics.delete", "DELETE", f"{RO}/demographics/none", None, True),
        ("roster-demographics.delete", "DELETE", f"{RO}/orgs/none", None, False),
        (f"{V1P1}admin", "DELETE", f"{RO}/demographics/none", None, True),
    ],
)
def test_routes_check_scopes(
    server: LocalServer, scopes: str, method: str, path: str, body: object, allowed: bool
) -> None:
    client_id, secret = client_with(server, scopes)
    bearer = token(server, client_id, secret).json()["access_token"]
    code = status(server, bearer, method, path.replace("{id}", uid("c")), body)
    assert (code != 403) is allowed, code


def test_token_endpoint_grants_requested_scopes_it_holds(server: LocalServer) -> None:
    client_id, secret = client_with(server, "gradebook.readonly gradebook.createput")
    everything = token(server, client_id, secret).json()["scope"].split()
    assert everything == [f"{V1P2}gradebook.createput", f"{V1P2}gradebook.readonly"]
    narrowed = token(server, client_id, secret, scope=f"{V1P1}gradebook.readonly gradebook.delete")
    assert narrowed.json()["scope"] == f"{V1P2}gradebook.readonly"
    bearer = narrowed.json()["access_token"]
    assert status(server, bearer, "PUT", f"{GB}/categories/{uid('c')}", CATEGORY) == 403
    refused = token(server, client_id, secret, scope=f"gradebook.delete {V1P2}gradebook.createputt")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    # the scopes refused, by name (it said "none of the requested scopes", not which a typo was in); not those held
    said = "The client holds none of the requested scopes: 'gradebook.createputt', 'gradebook.delete'."
    assert refused.json()["error_description"] == refused.json()["imsx_description"] == said
    assert refused.json()["imsx_error_details"] == [
        {"field": "scope", "message": "not held: 'gradebook.createputt', 'gradebook.delete'"}
    ]
    # RFC 6749 5.2: error_description is printable ASCII but '"' and '\\': the rest of a name asked for, %-encoded
    odd = token(server, client_id, secret, scope='x"y caf\u00e9 a\\b 50%')
    assert odd.json()["error_description"] == (
        "The client holds none of the requested scopes: '50%25', 'a%5Cb', 'caf%C3%A9', 'x%22y'."
    )


def test_token_endpoint_grants_timeback_rostering_write_scopes(server: LocalServer) -> None:
    # (the server knew none of them: this request of the server's own client was granted only the last two, and
    # creating an org was then 403 "needs one of admin"; asked alone, invalid_scope)
    asked = f"{V1P1}roster.createput roster.readonly {V1P2}gradebook.createput"
    response = token(server, CLIENT_ID, CLIENT_SECRET, scope=asked)
    assert response.status_code == 200, response.text
    assert response.json()["scope"].split() == [f"{V1P1}roster.createput", f"{V1P2}gradebook.createput",
                                                f"{V1P2}roster.readonly"]  # fmt: skip
    bearer = response.json()["access_token"]
    org = {"sourcedId": uid("org"), "status": "active", "name": "North", "type": "school"}
    assert status(server, bearer, "POST", f"{RO}/orgs/", {"org": org}) == 201
    assert status(server, bearer, "DELETE", f"{RO}/orgs/{org['sourcedId']}") == 403
    for scope in ("roster.delete", "roster-demographics.createput", "roster-demographics.delete"):
        granted = token(server, CLIENT_ID, CLIENT_SECRET, scope=V1P1 + scope)
        assert granted.status_code == 200 and granted.json()["scope"] == V1P1 + scope, granted.text


def test_sdk_raises_permission_denied(server: LocalServer) -> None:
    client_id, secret = client_with(server, "gradebook.readonly")
    with Timeback(base_url=server.url, client_id=client_id, client_secret=secret) as client:
        with pytest.raises(PermissionDeniedError) as err:
            client.oneroster.gradebook.put_category(sourced_id=uid("c"), category={"title": "x"})
    assert err.value.status_code == 403 and "gradebook.createput" in str(err.value)


ROSTERING_READS = [op for op in RosteringOperations.operations() if op.kind in ("get", "list")]


@pytest.mark.parametrize("op", ROSTERING_READS, ids=[op.name for op in ROSTERING_READS])
def test_roster_core_reads_only_the_unscoped_rostering_records(server: LocalServer, op: Operation[Any, Any]) -> None:
    """The official rostering document grants ``roster-core.readonly`` the reads of whole collections and of one
    record by id; every nested listing (a class's students, a school's classes, a term's grading periods...)
    declares ``roster.readonly`` alone. Demographics have a scope of their own (above)."""
    if op.collection == "demographics":
        return
    core = token(server, *client_with(server, "roster-core.readonly")).json()["access_token"]
    full = token(server, *client_with(server, "roster.readonly")).json()["access_token"]
    path = op.full_path.format(**{name: uid("none") for name in op.path_fields})
    assert (status(server, core, "GET", path) != 403) is (not op.parents), op.full_path
    assert status(server, full, "GET", path) != 403, op.full_path


ALL_OPERATIONS = list(all_operations())
EVERY_READ_SCOPE = (
    "gradebook.readonly gradebook-core.readonly assessment.readonly roster.readonly roster-core.readonly "
    "roster-demographics.readonly"
)
EVERY_WRITE_SCOPE = (
    "gradebook.createput gradebook.createpost gradebook.delete assessment.createput assessment.delete "
    "roster.createput roster.delete roster-demographics.createput roster-demographics.delete"
)


@pytest.fixture(scope="module")
def readonly_and_writeonly(server: LocalServer) -> dict[bool, str]:
    """Bearer tokens by whether they may only read: every read scope but admin, every write scope but admin."""
    return {
        read: token(server, *client_with(server, scopes)).json()["access_token"]
        for read, scopes in ((True, EVERY_READ_SCOPE), (False, EVERY_WRITE_SCOPE))
    }


@pytest.mark.parametrize("op", ALL_OPERATIONS, ids=[op.name for op in ALL_OPERATIONS])
def test_every_write_refuses_every_read_scope_and_every_read_every_write_scope(
    server: LocalServer, readonly_and_writeonly: dict[bool, str], op: Operation[Any, Any]
) -> None:
    """Every operation of the table, nested listings and rostering writes included: a token holding all the read
    scopes may write nothing, one holding all the write scopes may read nothing (403 before the body or the path's
    records are looked at)."""
    read = op.kind in ("get", "list")
    bearer = readonly_and_writeonly[not read]
    path = op.full_path.format(**{name: uid("none") for name in op.path_fields})
    assert status(server, bearer, op.method, path, {} if op.body else None) == 403, op.full_path


def test_each_scope_the_document_names_is_enough_alone_exactly_where_the_document_says(server: LocalServer) -> None:
    """In OpenAPI 3 the scopes of one security requirement are all needed; alternatives are requirements of their
    own. Each operation named its accepted scopes in one requirement (a token needed all of them, by the document),
    while the server takes any one: a scope alone is accepted exactly where a requirement holds it alone."""
    security = {
        (path, method): entry["security"]
        for path, methods in httpx.get(f"{server.url}/openapi.json").json()["paths"].items()
        for method, entry in methods.items()
    }
    bearers: dict[str, str] = {}
    for op in ALL_OPERATIONS:
        requirements = security[op.full_path, op.method.lower()]
        path = op.full_path.format(**{name: uid("none") for name in op.path_fields})
        for scope in sorted({scope for requirement in requirements for scope in requirement["OAuth2"]}):
            if scope not in bearers:
                bearers[scope] = token(server, *client_with(server, scope)).json()["access_token"]
            accepted = status(server, bearers[scope], op.method, path, {} if op.body else None) != 403
            documented = any(set(requirement["OAuth2"]) <= {scope} for requirement in requirements)
            assert accepted == documented, (op.name, scope, requirements)
