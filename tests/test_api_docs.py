"""docs/api.md and the server's /openapi.json both come from the operation declarations and stay in step."""

from __future__ import annotations

import inspect
import pydoc
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from timeback import AsyncTimeback, Timeback
from timeback._api_docs import render
from timeback._resource import REQUIRED
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
            # (what the server answers besides: 408, 414 and 431 from the request's head (and 408 a body's stalling),
            # 503 when the database stayed locked, 507 when it is full; 413, 415 (not JSON, or content-encoded) and
            # 501 (a transfer coding but chunked) only where a body is read, which a body-less one never is)
            errors = {"400", "401", "403", "404", "408", "409", "414", "422", "429", "431", "500", "503", "507"}
            errors |= {"413", "415", "501"} if op.body is not None else set()
            errors |= {"504"} if op.kind in ("get", "list") else set()  # (a read past query_timeout_seconds)
            assert set(entry["responses"]) == {str(op.success_status), *errors}, op.name
            headers = entry["responses"][str(op.success_status)].get("headers", {})
            assert {name: h["required"] for name, h in headers.items()} == (
                {"X-Total-Count": True, "Link": False} if op.kind == "list" else {}
            ), op.name
            for code in errors:
                schema = entry["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/imsx_StatusInfo"}, (op.name, code)
    # The head limits apply to every path, a stalled body to the token's too; the token's write of the token (with
    # --workers) may find the database locked (503) or full (507). /health reads the database (503 if it cannot; never
    # faulted).
    imsx, oauth, token = (
        {"$ref": f"#/components/schemas/{name}"} for name in ("imsx_StatusInfo", "OAuth2Error", "OAuth2Token")
    )
    health = {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}
    expected = {
        ("/health", "get"): {"200": health, "408": imsx, "414": imsx, "431": imsx, "503": imsx},
        ("/oauth2/token", "post"): {"200": token, "400": oauth, "401": oauth, "408": imsx, "413": oauth,
                                    "414": imsx, "415": oauth, "429": oauth, "431": imsx, "501": oauth, "503": imsx,
                                    "507": imsx},
    }  # fmt: skip
    for (path, method), codes in expected.items():
        responses = document["paths"][path][method]["responses"]
        assert set(responses) == set(codes), path
        for code, schema in codes.items():
            assert responses[code].get("content", {}).get("application/json", {}).get("schema") == schema, (path, code)
    error, *_ = document["components"]["schemas"]["OAuth2Error"]["allOf"]
    assert error == imsx  # (the token's errors carry the imsx fields besides OAuth2's)
    # the token's 400s: each error code the endpoint answers with 400 is named
    bad_request = document["paths"]["/oauth2/token"]["post"]["responses"]["400"]["description"]
    assert all(code in bad_request for code in ("invalid_request", "unsupported_grant_type", "invalid_scope"))
    issued = httpx.post(
        f"{server.url}/oauth2/token", data={"grant_type": "client_credentials"}, auth=server.credentials
    )
    assert issued.status_code == 200, issued.text
    assert set(issued.json()) == set(document["components"]["schemas"]["OAuth2Token"]["required"])
    assert httpx.get(f"{server.url}/docs").status_code == 200


def test_openapi_document_is_valid_openapi(server: LocalServer) -> None:
    # (answer schemas read {"type": "string", "default": null}: a default of a type the schema excludes)
    validate(httpx.get(f"{server.url}/openapi.json").json())


def test_openapi_advertises_the_page_size_served_when_no_limit_is_asked(make_app: Any) -> None:
    """A default page size above ``max_page_size`` is served as that (6ea39fb): the document said ``default`` 100
    with pages of 10."""
    from timeback.server.config import ServerSettings

    document = make_app(ServerSettings(max_page_size=10)).openapi()
    limit = next(p for p in document["paths"]["/ims/oneroster/gradebook/v1p2/results/"]["get"]["parameters"]
                 if p["name"] == "limit")  # fmt: skip
    assert limit["schema"]["default"] == 10 and "above 10 it is served as 10" in limit["description"]


def help_text(thing: object) -> str:
    """What help(thing) prints, each signature on one line (3.13's pydoc wraps one over 80 columns, a parameter a
    line: ``name(\\n    self,\\n    request...``)."""
    text = pydoc.render_doc(thing, renderer=pydoc.plaintext)
    return re.sub(r"\(\n[ |]*", "(", re.sub(r",\n[ |]*(?=[^ |\n])", ", ", text))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_method_s_help_signature_and_doc_say_what_it_is(mode: str, server: LocalServer) -> None:
    """help(client.oneroster.rostering.create_school): the verb and path, the request model with its path, body and
    query keywords, the response model; from the declarations, for every operation. help(client) and
    help(client.oneroster) name the two resources (``oneroster`` is set per instance: pydoc showed no way to them)."""
    kind = Timeback if mode == "sync" else AsyncTimeback
    client = kind(**server.client_kwargs())
    for shown in (help_text(kind), help_text(client)):
        assert "client.oneroster.gradebook.*" in shown and "client.oneroster.rostering.*" in shown, shown
    assert all(f"``{attr}``" in help_text(client.oneroster) for attr in ("gradebook", "rostering"))
    for attr, operations in (("gradebook", GradebookOperations), ("rostering", RosteringOperations)):
        resource = getattr(client.oneroster, attr)
        listed = help_text(resource)  # help(client.oneroster.gradebook)
        for op in operations.operations():
            assert f" {op.name}(self, request" in listed, op.name
            method = getattr(resource, op.name)
            response = op.response.__name__ if op.response else "None"
            shown = help_text(method)
            assert "_Bound" not in shown and f"{op.name}(request" in shown, shown
            for text in (f"{op.method} {op.full_path}", op.request.__name__, response):
                assert text in method.__doc__ and text in shown, (op.name, text)
            signature = inspect.signature(method)
            keywords = {name for name, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY}
            assert {*op.path_fields, "timeout", "max_retries", "deadline"} <= keywords, op.name
            assert set(op.request.model_fields) <= keywords, op.name
            # (path fields, then the body, then the query: those required without a default)
            listed_keywords = [p for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]
            leading = [*op.path_fields, *([op.body] if op.body else [])]
            assert [p.name for p in listed_keywords[: len(leading)]] == leading, op.name
            for parameter in listed_keywords:
                field = op.request.model_fields.get(parameter.name)  # (None: a call option, default None)
                required = field is not None and field.is_required()
                assert (parameter.default is REQUIRED) == required, (op.name, parameter)
            # (the documented calls bind: a request model, a dict, keywords; mock.create_autospec checks so)
            signature.bind(op.request.model_construct())
            signature.bind({})
            (row,) = [line for line in DOCS.read_text().splitlines() if line.startswith(f"| `{op.name}` |")]
            assert row.split(" | ")[3] == (f"`{op.body}`" if op.body else "") + (
                f" (`{op.wire_body_key}` on the wire)" if op.body and op.wire_body_key != op.body else ""
            ), row  # (docs/api.md names the body keyword)
            if op.body is not None:
                assert f"{op.body}:" in shown and f"body: {op.body} (" in method.__doc__, op.name
            assert response in str(signature.return_annotation), op.name
            if op.kind == "list":  # (a list takes the query parameters alone too, typed so)
                request = str(signature.parameters["request"].annotation)
                assert "TimebackQueryParams" in request and "TimebackQueryParams" in method.__doc__, op.name
            assert inspect.iscoroutinefunction(method) == (mode == "async" and op.kind != "list"), op.name
    await client.close() if isinstance(client, AsyncTimeback) else client.close()


def test_a_method_mocked_with_autospec_takes_the_documented_calls() -> None:
    """Seed 003's ``put_result(request)``, under ``mock.patch.object(..., autospec=True)``, raised "missing a
    required argument: 'sourced_id'": the signature had no default for a field the request model holds."""
    from unittest import mock

    from timeback.models.request import TimebackGetResultRequest
    from timeback.resources import Gradebook

    with Timeback(base_url="http://127.0.0.1:9", client_id="id", client_secret="secret") as client:
        with mock.patch.object(Gradebook, "get_result", autospec=True) as get_result:
            client.oneroster.gradebook.get_result(TimebackGetResultRequest(sourced_id="r-1"))
            client.oneroster.gradebook.get_result({"sourced_id": "r-1"}, timeout=5)
            client.oneroster.gradebook.get_result(sourced_id="r-1")
            with pytest.raises(TypeError, match="sourced_idd"):  # (still checked: a keyword it does not take)
                client.oneroster.gradebook.get_result(sourced_idd="r-1")
        assert get_result.call_count == 3


def test_a_wrapper_that_binds_the_signature_with_its_defaults_sends_the_request_s_fields(client: Timeback) -> None:
    """``signature.bind(request)`` then ``apply_defaults()`` passes ``REQUIRED`` on as the value of each required
    keyword: taken as the field's value, it failed validation though the request held the field."""
    from timeback.errors import NotFoundError
    from timeback.models.request import TimebackGetResultRequest

    method = client.oneroster.gradebook.get_result
    bound = inspect.signature(method).bind(TimebackGetResultRequest(sourced_id="r-none"))
    bound.apply_defaults()
    assert bound.kwargs["sourced_id"] is REQUIRED
    with pytest.raises(NotFoundError):  # (the request's id was sent: this server holds no such result)
        method(*bound.args, **bound.kwargs)


def test_bulk_post_results_is_in_the_api_docs_with_its_options() -> None:
    from timeback.resources import AsyncGradebook, Gradebook

    text = DOCS.read_text()
    assert "summary = client.oneroster.gradebook.bulk_post_results(" in text
    assert "summary = await client.oneroster.gradebook.bulk_post_results(" in text
    for klass in (Gradebook, AsyncGradebook):
        for name, parameter in inspect.signature(klass.bulk_post_results).parameters.items():
            if name != "self":
                (row,) = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
                assert parameter.default is parameter.empty or f"| `{parameter.default!r}` |" in row, row
    (results,) = [line for line in text.splitlines() if line.startswith("| `results` |")]
    assert "AsyncIterable[TimebackResult \\| Mapping[Any, Any]]` (async)" in results
