"""What every operation request needs before the service sees it: the grant of its bearer token."""

from __future__ import annotations

from timeback.server.auth import Grant, TokenStore
from timeback.server.errors import ApiError

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="timeback"'}


def bearer_grant(tokens: TokenStore, authorization: str) -> Grant:
    """The grant of the ``Authorization: Bearer`` token; 401 (with ``WWW-Authenticate``) without a valid one."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token.", headers=_UNAUTHORIZED)
    grant = tokens.check(token.strip())
    if grant is None:
        raise ApiError(401, "Invalid or expired token.", headers=_UNAUTHORIZED)
    return grant
