"""``POST /oauth2/token``: OAuth2 client credentials (RFC 6749 section 4.4).

The client authenticates with HTTP Basic or with ``client_id``/``client_secret`` form fields, one method per request
(RFC 6749 section 2.3): a Basic header with form credentials that differ from it (a ``client_secret``,
even an empty one, other than the header's, or a ``client_id`` naming another client) is 400 ``invalid_request``;
the same credentials both ways, as some OAuth libraries send them, are taken (a ``client_id`` alone equal to the
header's, as the SDK sends it, is identification). The refusals come before any secret is checked and
are not counted as failed attempts: they tell nothing of either secret, so they give a guesser neither a try nor a
way past the limit, and a misconfigured client is not locked out by them. A form with a parameter sent more than once
(RFC 6749 section 3.1), or client credentials in the URL's query (section 2.3.1), is refused likewise: 400
``invalid_request`` naming the parameters, never their values.
The body must be a form (section 4.4.2): another type, or none declared, is 400 ``invalid_request`` naming the type;
so is a form without ``grant_type`` (section 5.2), one naming another grant being ``unsupported_grant_type``. None
of these is counted as a failed attempt either.
Errors carry both the RFC's ``error`` field and the OneRoster ``imsx_*`` fields. Too many failed attempts for one
client id answer 429 with ``Retry-After`` until the window passes (see ``FailureLimiter``). A body over
``MAX_FORM_BYTES`` is 413, read no further and not counted as a failed attempt, as is one sent with a
Content-Encoding (415) or in a transfer coding other than chunked (501), refused before it is read; one that stops
coming (``body_timeout_seconds`` of the settings) is 408 and the connection closed, likewise not counted.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Sequence
from urllib.parse import parse_qs, quote, unquote, unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from timeback.server.auth import full_scope, short_scope
from timeback.server.bodies import BodyTooLarge, check_content_encoding, check_transfer_encoding, read_body
from timeback.server.deps import TWO_AUTHORIZATIONS
from timeback.server.errors import SHOWN_FIELDS, ApiError, error_response, imsx_body, more_than_shown, unexpected_error

router = APIRouter(tags=["oauth2"])

# A token request is a few short form fields; this is room for long client ids, secrets and scope lists.
MAX_FORM_BYTES = 64 * 1024


def _oauth_error(
    status: int,
    error: str,
    description: str,
    code_minor: str = "unauthorisedrequest",
    retry_after: int = 0,
    fields: Sequence[tuple[str, str]] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": error, "error_description": description, **imsx_body(status, description, code_minor, fields)}
    headers = {"Cache-Control": "no-store", **(headers or {})}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="timeback"'
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=status, headers=headers)


# RFC 6749 section 5.2: error_description holds %x20-21 / %x23-5B / %x5D-7E only (no '"', no '\\', ASCII)
_DESCRIPTION_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in '"\\%')


def _said(scope: str) -> str:
    """A scope name asked for, as an ``error_description`` may hold it: quoted, the rest percent-encoded."""
    return f"'{quote(scope, safe=_DESCRIPTION_SAFE)}'"


def _invalid_request(description: str, fields: Sequence[tuple[str, str]]) -> JSONResponse:
    """400 ``invalid_request`` naming the form or query parameters at fault (never their values)."""
    return _oauth_error(400, "invalid_request", description, "invaliddata", fields=fields)


def _basic_credentials(header: str) -> list[tuple[str, str]] | None:
    """The (client id, secret) readings of a Basic header, or None if it is no Basic header. First percent-decoded,
    '+' kept (what clients sending the id and secret unencoded mean by it, as most do); then, when it differs,
    form-decoded as RFC 6749 section 2.3.1 has them encoded ('+' a space); then, when decoding changed it, the
    secret as sent, with the first's id (a secret with a '%' sent unencoded, as ``curl -u`` and httpx's ``auth=``
    send it: "pa%41ss" was read only as "paAss"; the id is not: tried as sent, it was a spelling of its own for the
    failed-login limit). Each tried only after those before failed, and with the first's id when that names a client
    (``token``)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("malformed Basic credentials") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise ValueError("malformed Basic credentials")
    readings = [(unquote(client_id), unquote(secret))]
    if "+" in decoded:
        readings.append((unquote_plus(client_id), unquote_plus(secret)))
    if secret != readings[0][1]:  # (the secret only: an id tried as sent was a second spelling, counted apart)
        readings.append((readings[0][0], secret))
    return readings


def _mixed_methods(basic: list[tuple[str, str]], form: dict[str, str]) -> JSONResponse | None:
    """The 400 for a Basic header sent with form credentials that say otherwise, or None. The same credentials both
    ways are taken (some OAuth libraries send them so, and an endpoint that takes them must not be refused here;
    the secrets compared are both the caller's, so a plain comparison tells a guesser nothing);
    different ones are a client's mistake the header used to hide. It names the fields only: never a secret, nor
    either id (an id field may hold a secret pasted in the wrong place)."""
    form_id = form.get("client_id")
    if "client_secret" in form and all(
        (form_id is not None and form_id != client_id) or form["client_secret"] != secret for client_id, secret in basic
    ):
        description = (
            "Send the client credentials by one method, an HTTP Basic header or the client_id and client_secret"
            " form fields, not both; these differ from the header's."
        )
        fields = [("client_secret", "differs from the HTTP Basic header's")]
    elif form_id is not None and all(form_id != client_id for client_id, _ in basic):
        description = "The client_id form field names another client than the HTTP Basic header."
        fields = [("client_id", "differs from the HTTP Basic header's client id")]
    else:
        return None
    return _invalid_request(description, fields)


# Never taken from the URL (RFC 6749 section 2.3.1): URLs are logged, and kept in histories and proxies.
CREDENTIAL_PARAMETERS = ("client_id", "client_secret")


def _credentials_in_query(query_string: bytes) -> JSONResponse | None:
    """The 400 for client credentials sent in the token URL's query, or None. Names the parameters, never their
    values. Other query parameters are ignored, as before."""
    sent = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
    named = [name for name in CREDENTIAL_PARAMETERS if name in sent]
    if not named:
        return None
    description = f"Client credentials must not be sent in the URL ({', '.join(named)}): send them in the body."
    fields = [(name, "in the URL's query") for name in named]
    return _invalid_request(description, fields)


# The token endpoint's own form parameters: the only names its answers repeat back.
FORM_PARAMETERS = frozenset({"grant_type", "client_id", "client_secret", "scope"})


def _repeated(form: dict[str, list[str]]) -> JSONResponse | None:
    """The 400 for a form with a parameter sent more than once (RFC 6749 section 3.1), or None: which of the values
    to take would be a guess (the first was taken). Names the parameters, never their values; one not of the
    endpoint's own is named "other" (a malformed form could hold a secret where a name should be)."""
    repeated = [name for name, values in form.items() if len(values) > 1]
    if not repeated:
        return None
    repeated = [name if name in FORM_PARAMETERS else "other" for name in repeated]
    repeated = list(dict.fromkeys(repeated))
    description = f"Each parameter may be sent once; sent more than once: {', '.join(repeated)}."
    fields = [(name, "sent more than once") for name in repeated]
    return _invalid_request(description, fields)


FORM_TYPE = "application/x-www-form-urlencoded"


def _not_a_form(content_type: str | None) -> JSONResponse | None:
    """The 400 for a body that is not declared a form (RFC 6749 section 4.4.2), or None. Read as one, a JSON or
    multipart body had no grant_type and was answered ``unsupported_grant_type``, which sent clients looking for
    the wrong mistake. Names the media type received, not its parameters."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type == FORM_TYPE:
        return None
    received = f"Content-Type {media_type}" if media_type else "no Content-Type"
    return _invalid_request(f"The body must be {FORM_TYPE} (received {received}).", [("body", f"not {FORM_TYPE}")])


TOKEN_PATH = "/oauth2/token"  # (the fault injector's errors there have OAuth2's shape too)


@router.post(TOKEN_PATH)
async def token(request: Request) -> JSONResponse:
    # An error no handler expects is answered here, as the lane answers one: past this route, Starlette's
    # ServerErrorMiddleware raises it again for uvicorn to log ("Exception in ASGI application"), with this
    # route's frames, whose locals hold the client secret, for any handler that records locals.
    try:
        return await _token(request)
    except ApiError as exc:
        return error_response(exc)
    except Exception as exc:
        return error_response(unexpected_error(exc))


async def _token(request: Request) -> JSONResponse:
    query_string = request.scope["query_string"]
    in_query = _credentials_in_query(query_string) if query_string else None
    if in_query is not None:  # (before the body is read and the credentials looked at: not a failed attempt)
        return in_query
    try:
        for name, check in (
            ("content-encoding", check_content_encoding),
            ("transfer-encoding", check_transfer_encoding),
        ):
            if name in request.headers:  # (every line of it: each names codings applied)
                check(",".join(request.headers.getlist(name)).encode("latin-1"))
        timeout = request.app.state.settings.body_timeout_seconds
        raw = await read_body(request.receive, request.headers.get("content-length"), MAX_FORM_BYTES, timeout)
    except ApiError as exc:  # (before the credentials are looked at: not a failed attempt)
        if isinstance(exc, BodyTooLarge):  # (the API's advice, fewer records, is not for a token request)
            exc = BodyTooLarge(MAX_FORM_BYTES, "a token request is a form of a few short fields")
        # (a 413's and a 408's headers close the connection: the rest of the body is not read)
        return _oauth_error(exc.status, "invalid_request", exc.description, "invaliddata", fields=exc.fields,
                            headers=exc.headers)  # fmt: skip
    if raw is None:
        return _invalid_request("The request body did not arrive.", [("body", "did not arrive")])
    not_a_form = _not_a_form(request.headers.get("content-type"))
    if not_a_form is not None:  # (before the credentials are looked at: not a failed attempt)
        return not_a_form
    try:
        parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return _invalid_request("The body must be form-encoded UTF-8.", [("body", "not UTF-8")])
    repeated = _repeated(parsed)  # (before the credentials are looked at: not a failed attempt)
    if repeated is not None:
        return repeated
    form = {k: v[0] for k, v in parsed.items()}
    if not form.get("grant_type"):  # (one sent empty counts as omitted: RFC 6749 section 3.1)
        return _invalid_request("grant_type is missing.", [("grant_type", "missing")])
    if form["grant_type"] != "client_credentials":
        description, fields = "Only grant_type=client_credentials is supported.", [("grant_type", "unsupported")]
        return _oauth_error(400, "unsupported_grant_type", description, "invaliddata", fields=fields)
    if len(request.headers.getlist("authorization")) > 1:  # (before the credentials are looked at, as above)
        return _invalid_request(TWO_AUTHORIZATIONS, [("Authorization", "sent twice")])
    try:
        basic = _basic_credentials(request.headers.get("authorization", ""))
    except ValueError as exc:
        return _oauth_error(401, "invalid_client", str(exc))
    if basic is not None:
        mixed = _mixed_methods(basic, form)
        if mixed is not None:
            return mixed
    readings = basic or [(form.get("client_id", ""), form.get("client_secret", ""))]
    client_id, client_secret = readings[0]
    if not client_id or not client_secret:
        return _oauth_error(401, "invalid_client", "Client authentication is required.")
    clients = request.app.state.clients
    if client_id in clients:
        # An id naming a client as sent is that client: '+' read as a space is then for its secret alone (RFC 6749
        # section 2.3.1), not a second try as another client ("my+app" with "my app"'s secret was taken).
        readings = [(client_id, secret) for _, secret in readings]

    def verify() -> tuple[str, frozenset[str]] | None:
        for cid, secret in readings:
            held = clients.verify(cid, secret)
            if held is not None:
                return cid, held
        return None

    # Counted under the id with '+' read as a space: the readings tried take a Basic header's '+' both ways, so
    # "a+b" and "a%20b" are both tries of the client "a b", and each spelling must not bring attempts of its own.
    peer = "an unknown peer"
    if request.client is not None:  # (an IPv6 host bracketed, as in a URL: "::1:5432" read as an address)
        host, port = request.client.host, request.client.port
        peer = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    wait, verified = request.app.state.token_failures.attempt(client_id.replace("+", " "), verify, peer)
    if wait is not None:
        # Refused before the secret is checked, so the answer tells a guesser nothing.
        seconds = max(1, math.ceil(wait))
        description = f"Too many failed attempts for this client; retry after {seconds} s."
        return _oauth_error(429, "temporarily_unavailable", description, "server_busy", seconds)
    if verified is None:
        return _oauth_error(401, "invalid_client", "Unknown client or wrong secret.")
    client_id, held = verified
    asked = frozenset(short_scope(s) for s in form.get("scope", "").split())
    scopes = (asked & held) if asked else held
    if not scopes:
        # (the names asked for, which are no secret, and not the client's own: naming the refused ones says enough;
        # one past 100 characters, no scope's name, by its first 100)
        refused = sorted(asked)
        names = [_said(name if len(name) <= 100 else f"{name[:100]}...") for name in refused[:SHOWN_FIELDS]]
        shown = ", ".join(names) + more_than_shown(len(refused))
        description = f"The client holds none of the requested scopes: {shown}."
        return _oauth_error(400, "invalid_scope", description, "invaliddata", fields=[("scope", f"not held: {shown}")])
    tokens = request.app.state.tokens
    access_token = await run_in_threadpool(tokens.issue, client_id, scopes)  # (with --workers: a database write)
    return JSONResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": tokens.ttl_seconds,
            "scope": " ".join(sorted(full_scope(s) for s in scopes)),
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )
