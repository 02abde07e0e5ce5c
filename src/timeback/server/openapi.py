"""The server's OpenAPI document, built from the same operation declarations that build its routes."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from timeback._operations import Operation, OperationSet
from timeback.server.auth import full_scope, required_scopes
from timeback.server.collections import COLLECTIONS
from timeback.server.config import ServerSettings

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {"400": "Bad request", "401": "Unauthorized", "403": "Forbidden", "404": "Not found",
                  "409": "Conflict", "413": "Body too large", "422": "Invalid body", "429": "Too many requests",
                  "500": "Server error"}  # fmt: skip
QUERY = [
    ("limit", {"type": "integer", "minimum": 1, "default": 100}, "Page size; above 3000 it is served as 3000."),
    ("offset", {"type": "integer", "minimum": 0, "default": 0}, "Records to skip."),
    ("sort", {"type": "string"}, "Field to sort by."),
    ("orderBy", {"type": "string", "enum": ["asc", "desc"]}, "Sort direction."),
    ("filter", {"type": "string"}, "OneRoster filter, e.g. score>='90' AND student.sourcedId='s-1'."),
    ("search", {"type": "string"}, "Free-text search (Timeback extension)."),
    ("fields", {"type": "string"}, "Comma-separated fields to return."),
]
IMSX = {
    "type": "object",
    "required": ["imsx_codeMajor", "imsx_severity"],
    "properties": {
        "imsx_codeMajor": {"type": "string", "enum": ["success", "processing", "failure", "unsupported"]},
        "imsx_severity": {"type": "string", "enum": ["status", "warning", "error"]},
        "imsx_description": {"type": "string"},
        "imsx_CodeMinor": {"type": "object"},
        "imsx_error_details": {"type": "array", "items": {"type": "object"}},
    },
}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {"imsx_StatusInfo": IMSX}

    def of(self, annotation: Any, mode: str = "validation") -> dict[str, Any]:
        schema = TypeAdapter(annotation).json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
        self.components.update(schema.pop("$defs", {}))
        return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(op: Operation[Any, Any], schemas: _Schemas, settings: ServerSettings) -> dict[str, Any]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in op.path_fields
    ]
    if op.kind == "list":
        params += [{"name": n, "in": "query", "schema": s, "description": d} for n, s, d in QUERY]
    elif op.kind == "get":
        params.append({"name": "fields", "in": "query", "schema": {"type": "string"}})
    coll = COLLECTIONS[op.collection]
    success: dict[str, Any] = {"description": "Success"}
    if op.kind == "list":
        assert op.response is not None
        success |= _json({
            "type": "object",
            "required": [coll.name, "totalCount", "pageCount", "pageNumber", "offset", "limit"],
            "properties": {coll.name: {"type": "array", "items": schemas.of(op.response, "serialization")},
                           **{k: {"type": "integer"} for k in ("totalCount", "pageCount", "pageNumber", "offset",
                                                               "limit")}},
        })  # fmt: skip
    elif op.kind in ("create", "batch_create"):
        ids = {"suppliedSourcedId": {"type": "string"}, "allocatedSourcedId": {"type": "string"}}
        pair = {"type": "object", "required": list(ids), "properties": ids}
        pairs = {"type": "array", "items": pair} if settings.sourced_id_pairs == "spec" else pair
        success |= _json({"type": "object", "required": ["sourcedIdPairs"], "properties": {"sourcedIdPairs": pairs}})
    elif op.response is not None:
        success |= _json(schemas.of(op.response, "serialization"))
    responses: dict[str, Any] = {str(op.success_status): success}
    responses |= {code: {"description": text, **_json({"$ref": REF.format(model="imsx_StatusInfo")})}
                  for code, text in ERROR_STATUSES.items()}  # fmt: skip
    operation: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.name.replace("_", " ").capitalize(),
        "tags": ["rostering" if "/rostering/" in op.base_path else "gradebook"],
        "parameters": params,
        "responses": responses,
        "security": [{"OAuth2": sorted(full_scope(s) for s in required_scopes(op))}],
    }
    if op.body is not None:
        key = op.wire_body_key
        body_schema = schemas.of(op.request.model_fields[op.body].annotation)
        operation["requestBody"] = {"required": True, **_json({"type": "object", "required": [key],
                                                                "properties": {key: body_schema}})}  # fmt: skip
    return operation


def build_openapi(settings: ServerSettings, operation_sets: list[type[OperationSet]]) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, Any] = {
        "/health": {"get": {"operationId": "health", "responses": {"200": {"description": "Up"}}, "security": []}},
        "/oauth2/token": {"post": {
            "operationId": "token", "security": [],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["grant_type"],
                "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                               "client_id": {"type": "string"}, "client_secret": {"type": "string"},
                               "scope": {"type": "string"}}}}}},
            "responses": {"200": {"description": "A bearer token"}, "400": {"description": "Bad request"},
                          "401": {"description": "Bad client credentials"}},
        }},
    }  # fmt: skip
    for operation_set in operation_sets:
        for op in operation_set.operations():
            paths.setdefault(op.full_path, {})[op.method.lower()] = _operation(op, schemas, settings)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Timeback-compatible OneRoster 1.2 server", "version": "0.1.0"},
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "OAuth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/oauth2/token", "scopes": {
                    full_scope(s): s for s in sorted({s for ops in operation_sets for op in ops.operations()
                                                      for s in required_scopes(op)})}}}},
            },
        },
    }  # fmt: skip
