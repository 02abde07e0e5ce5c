"""What every operation request needs before the service sees it: the grant of its bearer token."""

from __future__ import annotations

from timeback.server.auth import Grant, TokenStore
from timeback.server.errors import ApiError

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="timeback"'}


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer`` header; 401 (with ``WWW-Authenticate``) without one."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token.", headers=_UNAUTHORIZED)
    return token.strip()


def grant_of(tokens: TokenStore, token: str) -> Grant:
    """The token's grant; 401 if it is unknown or expired."""
    grant = tokens.check(token)
    if grant is None:
        raise ApiError(401, "Invalid or expired token.", headers=_UNAUTHORIZED)
    return grant
