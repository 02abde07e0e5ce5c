"""What every operation request needs before the service sees it: the grant of its bearer token."""

from __future__ import annotations

from collections.abc import Iterable

from timeback.server.auth import Grant, TokenStore, full_scope
from timeback.server.errors import ApiError

# RFC 6750 section 3.1's challenges: no error code for a request without a bearer token (it lacked
# authentication), ``invalid_token`` for a token refused, ``insufficient_scope`` with the scopes that would do.
_CHALLENGE = 'Bearer realm="timeback"'
_UNAUTHORIZED = {"WWW-Authenticate": _CHALLENGE}
_INVALID_TOKEN = {"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'}


def insufficient_scope(scopes: Iterable[str]) -> dict[str, str]:
    """The headers of a 403 for a token without any of ``scopes`` (short names), named as the token answers them."""
    names = " ".join(sorted(full_scope(scope) for scope in scopes))
    return {"WWW-Authenticate": f'{_CHALLENGE}, error="insufficient_scope", scope="{names}"'}


# (the first was taken: a proxy in front that read the other one would disagree with the server on who is calling)
TWO_AUTHORIZATIONS = "Two Authorization headers: send one."


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer`` header; 401 (with ``WWW-Authenticate``) without one."""
    scheme, space, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, _no_bearer_token(scheme, space), headers=_UNAUTHORIZED)
    return token.strip()


# The schemes of IANA's HTTP Authentication Scheme Registry: the only first words of a header a 401 repeats (a
# token sent without a scheme, or a secret, would be one otherwise).
_SCHEMES = {name.lower(): name for name in ("Basic", "Concealed", "Digest", "DPoP", "GNAP", "HOBA", "Mutual",
                                            "Negotiate", "OAuth", "PrivateToken", "SCRAM-SHA-1", "SCRAM-SHA-256",
                                            "vapid")}  # fmt: skip
_SEND_BEARER = "send 'Authorization: Bearer <access token>'"


def _no_bearer_token(scheme: str, space: str) -> str:
    """Why an Authorization header (``scheme``, then ``space`` if anything follows) holds no bearer token, repeating
    nothing of it but a registered scheme's name ("Missing bearer token." was all a Basic header was told)."""
    if not scheme.strip():
        return "Missing bearer token."
    if scheme.lower() == "bearer":
        return f"The bearer token is empty: {_SEND_BEARER}."
    if scheme.split(None, 1)[0].lower() == "bearer":  # (a tab after it: it was told it "names no scheme")
        return f"The Authorization header separates Bearer from the token by other than one space: {_SEND_BEARER}."
    named = _SCHEMES.get(scheme.lower())
    used = f"uses the {named} scheme" if named else "uses another scheme" if space else "names no scheme"
    return f"A bearer token is needed; the Authorization header {used}: {_SEND_BEARER}."


def grant_of(tokens: TokenStore, token: str) -> Grant:
    """The token's grant; 401 if it is unknown or expired."""
    grant = tokens.check(token)
    if grant is None:
        raise ApiError(401, "Invalid or expired token.", headers=_INVALID_TOKEN)
    return grant
