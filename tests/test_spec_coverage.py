"""Every gradebook operation of the official 1EdTech OpenAPI and of Timeback's has a server route and an SDK method."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from timeback._operations import OperationSet
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
