"""docs/api.md and the server's /openapi.json both come from the operation declarations and stay in step."""

from __future__ import annotations

from pathlib import Path

import httpx

from timeback._api_docs import render
from timeback.resources import GradebookOperations, RosteringOperations
from timeback.server.runner import LocalServer

DOCS = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_api_docs_are_current() -> None:
    assert DOCS.read_text() == render(), "regenerate with: python -m timeback._api_docs > docs/api.md"


def test_openapi_lists_every_operation_as_served(server: LocalServer) -> None:
    document = httpx.get(f"{server.url}/openapi.json").json()
    for operations in (GradebookOperations, RosteringOperations):
        for op in operations.operations():
            entry = document["paths"][op.full_path][op.method.lower()]
            assert entry["operationId"] == op.name
            assert str(op.success_status) in entry["responses"]
            if op.body is not None:
                assert entry["requestBody"]["content"]["application/json"]["schema"]["required"] == [op.wire_body_key]
    assert httpx.get(f"{server.url}/docs").status_code == 200
