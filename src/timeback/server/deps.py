"""FastAPI dependencies: the service the routes call, and bearer-token authentication."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from timeback.server.auth import Grant
from timeback.server.errors import ApiError
from timeback.server.service import GradebookService

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="timeback"'}


def get_service(request: Request) -> GradebookService:
    service: GradebookService = request.app.state.service
    return service


def require_token(request: Request) -> Grant:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token.", headers=_UNAUTHORIZED)
    grant = request.app.state.tokens.check(token.strip())
    if grant is None:
        raise ApiError(401, "Invalid or expired token.", headers=_UNAUTHORIZED)
    return grant


ServiceDep = Annotated[GradebookService, Depends(get_service)]
GrantDep = Annotated[Grant, Depends(require_token)]
