"""The server's OpenAPI document, built from the same operation declarations that build its routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue

from timeback._operations import Operation, OperationSet
from timeback._version import __version__
from timeback.models._base import ANSWERS_LEAVE_OUT_NULLS
from timeback.server.auth import full_scope, required_scopes
from timeback.server.collections import COLLECTIONS
from timeback.server.config import ServerSettings
from timeback.server.protocol import HEAD_TIMEOUT_SECONDS, MAX_HEAD_BYTES, MAX_URL_BYTES
from timeback.server.query import field_kinds, sort_keys
from timeback.server.routes.oauth import MAX_FORM_BYTES, TOKEN_PATH
from timeback.server.service import LINK_HEADER_MAX, MAX_OFFSET, whole_body

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {"400": "Bad request", "401": "Unauthorized", "403": "Forbidden", "404": "Not found",
                  "408": f"The request's head did not all come within {HEAD_TIMEOUT_SECONDS:g} s", "409": "Conflict",
                  "414": f"URL over {MAX_URL_BYTES} bytes", "422": "Invalid body", "429": "Too many requests",
                  "431": f"Request line and headers over {MAX_HEAD_BYTES} bytes", "500": "Server error",
                  "503": "Server busy (the database stayed locked by another writer): nothing was written; retry "
                         "after Retry-After. Also: the server stopping, or its database file removed or replaced "
                         "while it ran (restart it)",
                  "507": "The database or disk is full (or a disk quota or file size limit reached): nothing was "
                         "written"}  # fmt: skip
CODE_MINOR_FIELD = {
    "type": "object",
    "required": ["imsx_codeMinorFieldName", "imsx_codeMinorFieldValue"],
    "properties": {"imsx_codeMinorFieldName": {"type": "string"}, "imsx_codeMinorFieldValue": {"type": "string"}},
}
IMSX = {
    "type": "object",
    "required": ["imsx_codeMajor", "imsx_severity", "imsx_description", "imsx_CodeMinor"],
    "properties": {
        "imsx_codeMajor": {"type": "string", "enum": ["success", "processing", "failure", "unsupported"]},
        "imsx_severity": {"type": "string", "enum": ["status", "warning", "error"]},
        "imsx_description": {"type": "string"},
        "imsx_CodeMinor": {
            "type": "object",
            "required": ["imsx_codeMinorField"],
            "properties": {"imsx_codeMinorField": {"type": "array", "minItems": 1, "items": CODE_MINOR_FIELD}},
        },
        "imsx_error_details": {"type": "array", "items": {"type": "object"}},
    },
}
HEALTH = {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}  # routes/health.py
# The token endpoint's answer (RFC 6749 section 5.1); scope: the full URIs granted, space-separated.
OAUTH2_TOKEN = {
    "type": "object", "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "const": "Bearer"},
                   "expires_in": {"type": "integer"}, "scope": {"type": "string"}}}  # fmt: skip
# The token endpoint's own errors: RFC 6749's fields beside the imsx ones (routes/oauth.py).
OAUTH2_ERROR = {"allOf": [{"$ref": REF.format(model="imsx_StatusInfo")}, {
    "type": "object", "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}}}]}  # fmt: skip


def _query(op: Operation[Any, Any], settings: ServerSettings) -> list[dict[str, Any]]:
    """The query parameters of a read, with the field names the collection accepts for ``fields`` and ``sort``."""
    kinds = field_kinds(COLLECTIONS[op.collection].model)
    fields = {
        "name": "fields", "in": "query", "style": "form", "explode": False,
        "schema": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(kinds)}},
        "description": "Fields to return, comma-separated.",
    }  # fmt: skip
    if op.kind != "list":
        return [fields]
    served = min(settings.default_page_size, settings.max_page_size)  # (a default above the max is served as it)
    query = [
        ("limit", {"type": "integer", "minimum": 1, "default": served},
         f"Page size; above {settings.max_page_size} it is served as {settings.max_page_size}."),
        ("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}, "Records to skip."),
        ("sort", {"type": "string", "enum": sort_keys(kinds)}, "Field to sort by."),
        ("orderBy", {"type": "string", "enum": ["asc", "desc"]}, "Sort direction."),
        ("filter", {"type": "string"}, "OneRoster filter, e.g. score>='90' AND student.sourcedId='s-1'. Fields "
         "are the record's; values compare as the field's type (400 invalid_filter_field otherwise). Empty: none."),
        ("search", {"type": "string"}, "Free-text search (Timeback extension)."),
    ]  # fmt: skip
    return [{"name": n, "in": "query", "schema": s, "description": d} for n, s, d in query] + [fields]


def _body_schema(op: Operation[Any, Any], schemas: _Schemas) -> dict[str, Any]:
    assert op.body is not None
    field = op.request.model_fields[op.body]
    annotation = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    schema = schemas.of(annotation)  # with the field's own constraints (a batch's minItems)
    if op.kind == "patch" and (whole := whole_body(op)) is not None:
        _null_refused_where_a_whole_record_refuses_it(schema, schemas.of(whole))
    fixed = COLLECTIONS[op.collection].fixed
    if fixed:  # a view's fixed values (a school's type, a class's student enrollments' role)
        consts = {"properties": {name: {"const": value} for name, value in fixed}}
        if "items" in schema:
            schema["items"] = {"allOf": [schema["items"], consts]}
        else:
            schema = {"allOf": [schema, consts]}
    key = op.wire_body_key
    return {"type": "object", "required": [key], "properties": {key: schema}, "additionalProperties": False}


def _null_refused_where_a_whole_record_refuses_it(patch: dict[str, Any], whole: dict[str, Any]) -> None:
    """A PATCH may not set to null a field a whole record may not hold null, nor ``metadata`` (``_check_patched``:
    422 naming it): its schema loses the null the partial body's optional fields otherwise all have."""
    held = whole.get("properties", {})
    for name, field in patch.get("properties", {}).items():
        if name in held and (name == "metadata" or {"type": "null"} not in held[name].get("anyOf", [])):
            choices = field.get("anyOf", [])
            kept = [choice for choice in choices if choice != {"type": "null"}]
            if len(kept) < len(choices):
                del field["anyOf"]
                field.pop("default", None)
                field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})


class _RequestSchema(GenerateJsonSchema):
    """Request bodies as the server validates them: strictly, so a record takes no fields beyond its model's.

    (The SDK's models allow extra fields, so that a response with new fields still parses.)
    """

    def model_schema(self, schema: Any) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        if json_schema.get("type") == "object" and "properties" in json_schema:
            json_schema["additionalProperties"] = False  # the server validates with extra="forbid"
        return json_schema


class _Schemas:
    """Components of both directions: a model read from a request is ``<Name>Input``, answered ``<Name>``."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {"imsx_StatusInfo": IMSX}

    def of(self, annotation: Any, mode: JsonSchemaMode = "validation") -> dict[str, Any]:
        suffix, generator = ("Input", _RequestSchema) if mode == "validation" else ("", GenerateJsonSchema)
        leaving_out = ANSWERS_LEAVE_OUT_NULLS.set(True)  # (its answers leave out what a dump writes as null)
        try:
            schema = TypeAdapter(annotation).json_schema(
                ref_template=REF + suffix,
                mode=mode,
                schema_generator=generator,
            )
        finally:
            ANSWERS_LEAVE_OUT_NULLS.reset(leaving_out)
        self.components.update({name + suffix: value for name, value in schema.pop("$defs", {}).items()})
        return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(errors: dict[str, str], model: str = "imsx_StatusInfo") -> dict[str, Any]:
    return {
        code: {"description": text, **_json({"$ref": REF.format(model=model)})} for code, text in sorted(errors.items())
    }


def _path_schema(op: Operation[Any, Any], name: str) -> dict[str, Any]:
    """A path parameter's schema, with the request model's length limit (a PUT's sourcedId: 255 characters)."""
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    for constraint in op.request.model_fields[name].metadata:
        if getattr(constraint, "max_length", None) is not None:
            schema["maxLength"] = constraint.max_length
    return schema


def _operation(op: Operation[Any, Any], schemas: _Schemas, settings: ServerSettings) -> dict[str, Any]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(op, name)} for name in op.path_fields
    ]
    if op.kind in ("list", "get"):
        params += _query(op, settings)
    success: dict[str, Any] = {"description": "Success"}
    if op.kind == "list":
        assert op.response is not None
        success |= _json({
            "type": "object",
            "required": [op.records_key, "totalCount", "pageCount", "pageNumber", "offset", "limit"],
            "properties": {op.records_key: {"type": "array", "items": schemas.of(op.response, "serialization")},
                           **{k: {"type": "integer"} for k in ("totalCount", "pageCount", "pageNumber", "offset",
                                                               "limit")}},
        })  # fmt: skip
        success["headers"] = {
            "X-Total-Count": {"description": "totalCount", "required": True,
                              "schema": {"type": "integer", "minimum": 0}},
            "Link": {"description": f"first, prev, next and last (RFC 8288); at most {LINK_HEADER_MAX:,} bytes: "
                                    "next kept first",
                     "required": False, "schema": {"type": "string", "maxLength": LINK_HEADER_MAX}},
        }  # fmt: skip
    elif op.kind in ("create", "batch_create"):
        ids = {"suppliedSourcedId": {"type": "string"}, "allocatedSourcedId": {"type": "string"}}
        pair = {"type": "object", "required": list(ids), "properties": ids}
        pairs = {"type": "array", "items": pair} if settings.sourced_id_pairs == "spec" else pair
        answer: dict[str, Any] = {"sourcedIdPairs": pairs}
        if op.answers_record:
            coll = COLLECTIONS[op.collection]
            answer[coll.singular] = schemas.of(coll.model, "serialization")
        success |= _json({"type": "object", "required": list(answer), "properties": answer})
    elif op.answers_bare:
        success |= _json(schemas.of(COLLECTIONS[op.collection].model, "serialization"))
    elif op.response is not None:
        success |= _json(schemas.of(op.response, "serialization"))
    responses: dict[str, Any] = {str(op.success_status): success}
    errors = dict(ERROR_STATUSES)
    if op.body is not None:  # (a body is read only where an operation takes one)
        errors["408"] += f", or nothing of its body came for {settings.body_timeout_seconds:g} s"
        errors["413"] = (f"Body over {settings.max_body_bytes} bytes, or over {settings.max_json_values} fields and "
                         f"items outside metadata or {settings.max_metadata_values} in it")  # fmt: skip
        errors["415"] = ("Body declared other than application/json in UTF-8, or sent with a Content-Encoding "
                         "(none is decoded: Accept-Encoding: identity)")  # fmt: skip
        errors["501"] = "Body sent in a transfer coding other than chunked (none other is decoded)"
    if op.kind in ("get", "list") and settings.read_time_limit:
        errors["504"] = (f"The read ran past the server's time limit of {settings.read_time_limit:g} s and was "
                         "stopped: narrow the filter")  # fmt: skip
    responses |= _errors(errors)
    operation: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.name.replace("_", " ").capitalize(),
        "tags": ["rostering" if "/rostering/" in op.base_path else "gradebook"],
        "parameters": params,
        "responses": responses,
        # (any one scope will do: in OpenAPI the scopes of one requirement are all needed, alternatives are apart)
        "security": [{"OAuth2": [scope]} for scope in sorted(full_scope(s) for s in required_scopes(op))],
    }
    if op.body is not None:
        operation["requestBody"] = {"required": True, **_json(_body_schema(op, schemas))}
    return operation


def build_openapi(settings: ServerSettings, operation_sets: Sequence[type[OperationSet]]) -> dict[str, Any]:
    schemas = _Schemas()
    schemas.components |= {"OAuth2Error": OAUTH2_ERROR, "OAuth2Token": OAUTH2_TOKEN}
    head_errors = {code: ERROR_STATUSES[code] for code in ("408", "414", "431")}
    bad_token = (
        "Bad request: invalid_request (a body not application/x-www-form-urlencoded, grant_type missing...),"
        " unsupported_grant_type (a grant type other than client_credentials) or invalid_scope (the scopes asked for:"
        " none the client holds)"
    )
    token_errors = {"400": bad_token, "401": "Bad client credentials", "413": f"Body over {MAX_FORM_BYTES} bytes",
                    "415": "Body sent with a Content-Encoding (none is decoded: Accept-Encoding: identity)",
                    "429": "Too many failed attempts for this client id",
                    "501": "Body sent in a transfer coding other than chunked (none other is decoded)"}  # fmt: skip
    stalled = f", or nothing of its body came for {settings.body_timeout_seconds:g} s (then an OAuth2Error)"
    # (503, 507: with --workers the token is written to the database before it is handed out)
    token_busy = {**head_errors, "408": head_errors["408"] + stalled,
                  **{code: ERROR_STATUSES[code].replace("written", "issued") for code in ("503", "507")}}  # fmt: skip
    health_errors = {**head_errors, "503": "Not ready: the database file was removed or replaced, or cannot be read "
                                           "(the description says why)"}  # fmt: skip
    paths: dict[str, Any] = {
        # (the head's limits answer every path, before any route: an imsx body)
        "/health": {"get": {"operationId": "health", "security": [],
                            "responses": {"200": {"description": "Up", **_json(HEALTH)}, **_errors(health_errors)}}},
        TOKEN_PATH: {"post": {
            "operationId": "token", "security": [],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["grant_type"],
                "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                               "client_id": {"type": "string"}, "client_secret": {"type": "string"},
                               "scope": {"type": "string"}}}}}},
            "responses": {"200": {"description": "A bearer token", **_json({"$ref": REF.format(model="OAuth2Token")})},
                          **_errors(token_errors, "OAuth2Error"),
                          **_errors(token_busy)},
        }},
    }  # fmt: skip
    for operation_set in operation_sets:
        for op in operation_set.operations():
            paths.setdefault(op.full_path, {})[op.method.lower()] = _operation(op, schemas, settings)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Timeback-compatible OneRoster 1.2 server", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "OAuth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": {
                    full_scope(s): s for s in sorted({s for ops in operation_sets for op in ops.operations()
                                                      for s in required_scopes(op)})}}}},
            },
        },
    }  # fmt: skip


def under_root_path(document: dict[str, Any], root_path: str) -> dict[str, Any]:
    """``document`` as served under ``root_path`` (a reverse proxy's prefix, ``serve --root-path``; a mount): the
    prefix is its server, and in its token URL, which is no path of the document (Swagger UI's Authorize posted to
    ``/oauth2/token`` at the proxy's root). Copied only along the way to what changes."""
    if not root_path:
        return document
    components = document["components"]
    oauth2 = components["securitySchemes"]["OAuth2"]
    flow = {**oauth2["flows"]["clientCredentials"], "tokenUrl": f"{root_path}/oauth2/token"}
    schemes = {**components["securitySchemes"], "OAuth2": {**oauth2, "flows": {"clientCredentials": flow}}}
    return {**document, "servers": [{"url": root_path}], "components": {**components, "securitySchemes": schemes}}
