"""Routes generated from the SDK's operation declarations: one route per operation, same path and verb.

Root collections answer with and without their trailing slash (Timeback documents the slash; the official spec
has none).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from timeback._operations import Operation, OperationSet
from timeback.server.auth import required_scopes
from timeback.server.deps import GrantDep, ServiceDep
from timeback.server.errors import ApiError
from timeback.server.lane import served_paths
from timeback.server.middleware import ENCODED_SLASH, url_as_sent
from timeback.server.service import Reply


def _to_response(reply: Reply) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    if isinstance(reply.body, str):
        return Response(reply.body, status_code=reply.status, headers=reply.headers, media_type="application/json")
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, read in chunks and refused (413) as soon as it passes ``limit`` bytes, declared or not."""
    too_large = ApiError(413, f"Request body larger than {limit} bytes.", fields=[("body", f"over {limit} bytes")])
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _handler(op: Operation[Any, Any]) -> Any:
    allowed = required_scopes(op)
    scope_names = ", ".join(sorted(allowed - {"admin"})) or "admin"

    async def handle(request: Request, service: ServiceDep, grant: GrantDep) -> Response:
        if not allowed & grant.scopes:
            raise ApiError(403, f"This token lacks the scope for {op.name}: needs one of {scope_names}.")
        body = await _read_body(request, service.settings.max_body_bytes) if op.body is not None else b""
        url = url_as_sent(request.scope)
        path = {name: value.replace(ENCODED_SLASH, "/") for name, value in request.path_params.items()}
        reply = await run_in_threadpool(service.handle, op, path, request.query_params, body, url)
        return _to_response(reply)

    handle.__name__ = op.name
    return handle


def register(router: APIRouter, operations: type[OperationSet]) -> None:
    for op in operations.operations():
        for index, path in enumerate(served_paths(op)):
            router.add_api_route(
                path,
                _handler(op),
                methods=[op.method],
                status_code=op.success_status,
                name=op.name if index == 0 else f"{op.name}_no_slash",
                include_in_schema=index == 0,
                operation_id=op.name if index == 0 else None,
            )
