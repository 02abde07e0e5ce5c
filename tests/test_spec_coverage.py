"""Every gradebook operation of the official 1EdTech OpenAPI and of Timeback's has a server route and an SDK method."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import uid
from timeback import Timeback
from timeback._operations import OperationSet
from timeback.errors import NotFoundError
from timeback.resources import GradebookOperations, RosteringOperations
from timeback.server.runner import LocalServer

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec"
GRADEBOOK = "/ims/oneroster/gradebook/v1p2"
ROSTERING = "/ims/oneroster/rostering/v1p2"


def normalize(path: str) -> str:
    """Placeholders as {}, no trailing slash: Timeback writes /results/, the official spec /results."""
    return re.sub(r"\{[^}]+\}", "{}", path).rstrip("/")


def spec_operations(filename: str, base: str = GRADEBOOK) -> set[tuple[str, str]]:
    spec = json.loads((SPEC_DIR / filename).read_text())
    ops = set()
    for path, item in spec["paths"].items():
        full = path if path.startswith("/ims/") else base + path
        if not full.startswith(base):
            continue
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                ops.add((method.upper(), normalize(full)))
    return ops


def unserved(server: LocalServer, operations: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The operations the server does not route: asked without a token, a routed one answers 401, not 404/405."""
    with httpx.Client(base_url=server.url) as http:
        return {
            (method, path)
            for method, path in operations
            if http.request(method, path.replace("{}", "some-id")).status_code != 401
        }


def sdk_operations(operations: type[OperationSet] = GradebookOperations) -> set[tuple[str, str]]:
    return {(op.method, normalize(op.full_path)) for op in operations.operations()}


def test_every_official_rostering_operation_has_a_route_and_a_method(server: LocalServer) -> None:
    wanted = spec_operations("onerosterv1p2rostersservice_openapi3_v1p0.json", ROSTERING)
    assert len(wanted) == 41
    assert unserved(server, wanted) == set(), "operations without a server route"
    assert wanted - sdk_operations(RosteringOperations) == set(), "operations without an SDK method"


def test_every_rostering_declaration_is_served(server: LocalServer) -> None:
    declared = {(op.method, normalize(op.full_path)) for op in RosteringOperations.operations()}
    assert unserved(server, declared) == set()


@pytest.mark.parametrize(
    ("filename", "count"),
    [("onerosterv1p2gradebookservice_openapi3_v1p0.json", 35), ("timeback-oneroster-api.json", 44)],
)
def test_every_spec_operation_has_a_route_and_a_method(server: LocalServer, filename: str, count: int) -> None:
    wanted = spec_operations(filename)
    assert len(wanted) == count
    assert unserved(server, wanted) == set(), "operations without a server route"
    assert wanted - sdk_operations() == set(), "operations without an SDK method"


def test_sdk_declares_nothing_the_server_does_not_serve(server: LocalServer) -> None:
    assert unserved(server, sdk_operations()) == set()


def test_every_put_answers_with_timeback_s_declared_status_and_shape() -> None:
    """Timeback's document declares 200 for some PUTs and 201 for others, the bare record for some (no key): each
    PUT the server serves answers so (``put_one``'s ``status`` and ``bare``; tests/server/test_rostering_http.py
    checks the answers themselves). PUT /terms/{id} is in neither document: answered as gradingPeriods' is."""
    spec = json.loads((SPEC_DIR / "timeback-oneroster-api.json").read_text())
    declared = {normalize(path): item["put"] for path, item in spec["paths"].items() if "put" in item}
    checked = 0
    for operations in (GradebookOperations, RosteringOperations):
        for op in (op for op in operations.operations() if op.kind == "put"):
            put = declared.get(normalize(op.full_path))
            if put is None:
                assert op.collection == "terms" and (op.success_status, op.answers_bare) == (201, False)
                continue
            (status,) = (code for code in put["responses"] if code.startswith("2"))
            schema = put["responses"][status]["content"]["application/json"]["schema"]
            assert op.success_status == int(status), op.name
            assert op.answers_bare == ("$ref" in schema), op.name  # (a component: the record itself)
            checked += 1
    assert checked == 15


def _shaped_metadata(schema: dict[str, Any], document: dict[str, Any], path: tuple[str, ...] = ()) -> dict[Any, Any]:
    """Where a request body's ``metadata`` objects have declared keys: (the path of names to it, ``[]`` for a list's
    items) -> those keys' schemas, following ``$ref``, ``anyOf`` and ``allOf`` (the server's document has them)."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    found: dict[Any, Any] = {}
    for branch in [*schema.get("anyOf", ()), *schema.get("allOf", ())]:
        found |= _shaped_metadata(branch, document, path)
    if "items" in schema:
        found |= _shaped_metadata(schema["items"], document, (*path, "[]"))
    for name, field in schema.get("properties", {}).items():
        if name != "metadata":
            found |= _shaped_metadata(field, document, (*path, name))
            continue
        keys = {key: shape for branch in (field, *field.get("anyOf", ())) for key, shape in
                branch.get("properties", {}).items()}  # fmt: skip
        if keys:
            found[(*path, name)] = keys
    return found


def test_the_metadata_keys_timeback_s_writes_shape_are_described_so(server: LocalServer) -> None:
    """Where Timeback's document gives a write's ``metadata`` keys a shape (an enrollment's goals and metrics, a
    user's isTestUser and onboarding, its roles' timebackRole and alphaLevelAccess), the server's document gives the
    same operation the same shapes (the server refuses any other: tests/server/test_rostering_http.py). Timeback's
    PATCH of an enrollment is not served (the local server patches assessment line items and results only)."""
    spec = json.loads((SPEC_DIR / "timeback-oneroster-api.json").read_text())
    served = httpx.get(f"{server.url}/openapi.json").json()
    served_bodies = {
        (method, normalize(path)): item[method]["requestBody"]["content"]["application/json"]["schema"]
        for path, item in served["paths"].items()
        for method in item
        if path.startswith(ROSTERING) and "requestBody" in item[method]
    }
    checked = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            shaped = _shaped_metadata(body, spec) if body else {}
            if not shaped:
                continue
            key = (method, normalize(path))
            if key == ("patch", f"{ROSTERING}/enrollments/{{}}"):
                continue
            assert _shaped_metadata(served_bodies[key], served) == shaped, key
            checked.add(key)
    assert checked == {(method, f"{ROSTERING}/{name}{by_id}") for name in ("users", "enrollments")
                       for method, by_id in (("post", ""), ("put", "/{}"))}  # fmt: skip
    # (an enrollment posted under a class is one too: the same shapes)
    for role in ("students", "teachers"):
        under_class = served_bodies[("post", f"{ROSTERING}/classes/{{}}/{role}")]
        assert list(_shaped_metadata(under_class, served).values()) == [
            _shaped_metadata(served_bodies[("post", f"{ROSTERING}/enrollments")], served)[("enrollment", "metadata")]
        ]


def normalized(operations: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(method, normalize(path)) for method, path in operations}


def timeback_s_unserved() -> set[tuple[str, str]]:
    """Timeback's operations the SDK does not declare, each as its document writes it: (method, path template)."""
    spec = json.loads((SPEC_DIR / "timeback-oneroster-api.json").read_text())
    served = sdk_operations(GradebookOperations) | sdk_operations(RosteringOperations)
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete") and (method.upper(), normalize(path)) not in served
    }


def test_the_unserved_table_is_timeback_s_operations_the_server_does_not_serve(server: LocalServer) -> None:
    """``unserved.UNSERVED`` (in the package, which does not install the documents) is what Timeback's document has
    and the server does not serve, under Timeback's own templates; the server's document does not list them."""
    from timeback.server.unserved import UNSERVED

    table = {(method, path) for path, methods in UNSERVED.items() for method in methods}
    assert len(table) == sum(map(len, UNSERVED.values())) == 28
    assert table == timeback_s_unserved()
    assert unserved(server, normalized(table)) == normalized(table)  # (not routed: no 401 without a token)
    document = httpx.get(f"{server.url}/openapi.json").json()
    advertised = {(method.upper(), normalize(path)) for path, item in document["paths"].items() for method in item}
    assert advertised & normalized(table) == set()
    assert not [path for path in document["paths"] if "/resources/v1p2/" in path]


def _forms(path: str) -> list[str]:
    """The path as Timeback writes it, and a collection's with the other ending (as the served ones answer)."""
    return [path] if path.endswith("}") else [path, path[:-1] if path.endswith("/") else f"{path}/"]


def test_each_of_timeback_s_operations_not_served_answers_404_naming_it(server: LocalServer) -> None:
    """A client generated from Timeback's document calling one of its operations the server does not serve got
    "Unknown endpoint.", or another operation's answer: ``GET /courses/components`` was the course "components",
    "Course 'components' not found."; ``GET /courses/components/classes`` that course's classes. Now each, with a
    token or without, is 404 ``unknownobject`` naming Timeback's method and template and pointing at the README."""
    operations = timeback_s_unserved()
    assert len(operations) == 28
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    with httpx.Client(base_url=server.url) as anonymous, httpx.Client(base_url=server.url) as authed:
        authed.headers["Authorization"] = f"Bearer {authed.post('/oauth2/token', data=form).json()['access_token']}"
        for method, template in sorted(operations):
            said = (f"{method} {template} is an operation of Timeback's that this local server does not serve (the "
                    'timeback README, under Usage: "Not covered, by the SDK or the server").')  # fmt: skip
            for ids in ("some-id", "classes"):  # (classes: a course's classes, were /courses/components/{id} not)
                for path in [re.sub(r"\{[^}]+\}", ids, written) for written in _forms(template)]:
                    for http in (anonymous, authed):
                        answer = http.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
                        assert answer.status_code == 404, (method, path, answer.text)
                        assert answer.json()["imsx_description"] == said, (method, path)
                        minor = answer.json()["imsx_CodeMinor"]["imsx_codeMinorField"]
                        assert [field["imsx_codeMinorFieldValue"] for field in minor] == ["unknownobject"]
                    if method == "GET":  # (HEAD wherever GET is: the same status, no body)
                        head = authed.head(path)
                        assert head.status_code == 404 and head.content == b"", path


def test_the_fixed_paths_win_over_a_course_s_for_their_methods_only(server: LocalServer, client: Timeback) -> None:
    """As in Timeback's routing, ``/courses/components`` (and component-resources, structure) is not a course's
    path for the methods Timeback has there: a course whose sourcedId is "components" is written and deleted by its
    path, listed, but not read by it. Any other method goes to the course's operations, or is 405 naming the
    methods of both (Timeback's not served among them: they answer, 404, where another method is 405)."""
    rostering = client.oneroster.rostering
    school = uid("school")
    rostering.update_school(sourced_id=school, org={"name": "School", "type": "school"})
    rostering.update_course(sourced_id="components", course={"title": "Named as a path", "org": {"sourcedId": school}})
    with pytest.raises(NotFoundError, match=r"^404: GET /ims/oneroster/rostering/v1p2/courses/components is an "):
        rostering.get_course(sourced_id="components")
    assert [course.title for course in rostering.get_all_courses(filter="sourcedId='components'")] == [
        "Named as a path"
    ]
    rostering.delete_course(sourced_id="components")
    assert list(rostering.get_all_courses(filter="sourcedId='components'")) == []
    with pytest.raises(NotFoundError, match=r"^404: Course 'structure' not found\. "):  # (structure: POST only)
        rostering.get_course(sourced_id="structure")
    with httpx.Client(base_url=server.url) as http:
        for method, path, allowed in [
            ("PATCH", f"{ROSTERING}/courses/components", "DELETE, GET, HEAD, POST, PUT"),
            ("PATCH", f"{ROSTERING}/courses/structure", "DELETE, GET, HEAD, POST, PUT"),
            ("POST", f"{ROSTERING}/courses/components/x", "DELETE, GET, HEAD, PUT"),
            ("PATCH", f"{ROSTERING}/users/u/agents", "GET, HEAD, POST"),
            ("GET", f"{ROSTERING}/users/u/agents/a", "DELETE"),
            ("GET", f"{ROSTERING}/users/u/credentials", "POST"),
            ("POST", f"{ROSTERING}/enrollments/x", "DELETE, GET, HEAD, PATCH, PUT"),
            ("PATCH", "/ims/oneroster/resources/v1p2/resources/", "GET, HEAD, POST"),
        ]:
            answer = http.request(method, path)
            assert answer.status_code == 405 and answer.headers["Allow"] == allowed, (method, path, answer.text)
        unknown = http.get("/ims/oneroster/resources/v1p2/resources/a/b")  # (a path of no operation, still)
        assert unknown.status_code == 404 and unknown.json()["imsx_description"] == "Unknown endpoint."
