"""Credentials taken out of what an error shows: a server's answer may echo them (a gateway quoting the
Authorization header it refused, a token endpoint the secret), in any of the forms it may have written them.

``sent_credentials`` lists what a request carried, in each of its ``echoed_forms``; ``_redacted`` replaces them in a
text or a decoded JSON body, ``_redactor`` on first use. Apart from the request engine (``_base_client``), which calls
them as it makes an error, so that the rule that keeps secrets out of errors is read in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import httpx

REDACTED = "[redacted]"  # (in an error, for a credential the server echoed)
MIN_REDACTED = 8  # (shorter credentials are not looked for: see sent_credentials)


def sent_credentials(request: httpx.Request, secret_forms: Iterable[str] = ()) -> tuple[str, ...]:
    """What a server may echo of the credentials into its answer (gateways quote the Authorization header they
    refuse; token endpoints, the secret): the client secret's ``secret_forms`` (``echoed_forms`` of it), and the
    Authorization header ``request`` carried, whole and its credential alone (the bearer token, or Basic's base64
    of id and secret), in each of their ``echoed_forms``. Longest first, so a header goes whole before the token
    in it."""
    sent = request.headers.get("Authorization", "")
    forms = {*secret_forms, *echoed_forms(sent), *echoed_forms(sent.partition(" ")[2])}
    # Shorter values are left: an empty one would match between every character, and one of a few characters would
    # blot out words of the server's message (and is guessed sooner than read from an error anyway).
    return tuple(sorted((form for form in forms if len(form) >= MIN_REDACTED), key=len, reverse=True))


def echoed_forms(text: str) -> set[str]:
    """``text`` as a server may quote it, if it is ``MIN_REDACTED`` characters or more: as it is; percent-encoded,
    every reserved character, or "/" left (Python's ``quote``), or "'()!*~" left too (JavaScript's
    ``encodeURIComponent``), or as in a form ("+" for a space), each with upper- or lower-case hex; HTML-escaped as
    Python, Rails, PHP or Go's ``html/template`` write it (``_HTML_ESCAPES``); with JSON's optional escaped "/"
    (PHP's ``json_encode``: ``\\/``), or as a JSON string's inside as Python, PHP or Go's ``encoding/json`` write it
    (``\\"``, ``\\u00e9``, ``\\u003c``), or a Python repr's, which a body decoded as JSON has undone but one read
    as text has not; and base64-encoded (standard and URL-safe, padded or not). A mixture of other escapes is not
    recognized (README)."""
    import base64
    import json  # (imported on use: only an error needs them)

    if len(text) < MIN_REDACTED:
        return set()
    encoded = {quote(text, safe=""), quote(text), quote(text, safe="-_.!~*'()"), quote_plus(text)}
    encoded |= {re.sub("%[0-9A-F]{2}", lambda hex_digits: hex_digits[0].lower(), form) for form in encoded}
    html = {"".join(table.get(c, c) for c in text) for table in _HTML_ESCAPES}
    ascii_json, utf8_json = json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]
    go_json = "".join(_GO_JSON.get(c, c) for c in utf8_json)
    quoted = {ascii_json, utf8_json, ascii_json.replace("/", "\\/"), go_json, repr(text)[1:-1]}
    as_bytes = text.encode("utf-8", "surrogatepass")
    base64s = {base64.b64encode(as_bytes).decode(), base64.urlsafe_b64encode(as_bytes).decode()}
    base64s |= {form.rstrip("=") for form in base64s}
    return {text, *encoded, *html, text.replace("/", "\\/"), *quoted, *base64s}


# How HTML escapers write what they escape: Python's html.escape (quotes too, or not), Rails' ERB, PHP's
# htmlspecialchars (8.1 on), Go's html/template (its escaper's table: "+" too), and the five numeric
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_ESCAPES = (
    {**_NAMED, '"': "&quot;", "'": "&#x27;"},
    _NAMED,
    {**_NAMED, '"': "&quot;", "'": "&#39;"},
    {**_NAMED, '"': "&quot;", "'": "&#039;"},
    {**_NAMED, '"': "&#34;", "'": "&#39;", "+": "&#43;"},
    {c: f"&#{ord(c)};" for c in "&<>\"'"},
)
_GO_JSON = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}  # (Go's encoding/json escapes these for HTML too)


def _redacted(body: Any, credentials: tuple[str, ...]) -> Any:
    """``body`` (text, or decoded JSON: changed in place, its containers are the decoder's own) with each of
    ``credentials`` in its strings and keys replaced by ``REDACTED``. A loop, not recursion: JSON as deeply nested
    as the decoder takes would pass the recursion limit here."""

    def redact(text: str) -> str:
        for credential in credentials:
            text = text.replace(credential, REDACTED)
        return text

    if isinstance(body, str):
        return redact(body)
    if not credentials or not isinstance(body, (dict, list)) or not _holds_any(body, credentials):
        return body
    pending: list[Any] = [body]
    while pending:
        node = pending.pop()
        entries = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if isinstance(node, dict):
            node.clear()  # (refilled below, in order, under the keys redacted)
        for key, value in entries:
            if isinstance(value, str):
                value = redact(value)
            elif isinstance(value, (dict, list)):
                pending.append(value)
            node[redact(key) if isinstance(key, str) else key] = value
    return body


def _holds_any(body: dict[str, Any] | list[Any], credentials: tuple[str, ...]) -> bool:
    """Whether a string or key in ``body`` may hold one of ``credentials``: all of them joined, looked through at
    once (an error naming 1,000 ids was rebuilt with every credential replaced in every string: 4 ms of a re-sent
    batch's 409). Every string is whole in the joined text, so none is missed; one found across two (a NUL in a
    credential) only costs the walk that finds nothing."""
    texts: list[str] = []
    pending: list[Any] = [body]
    while pending:
        node = pending.pop()
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(key, str):
                texts.append(key)
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (dict, list)):
                pending.append(value)
    joined = "\x00".join(texts)
    return any(credential in joined for credential in credentials)


def _redactor(request: httpx.Request | None) -> Callable[[Any], Any]:
    """What takes the credentials ``request`` carried out of a text, should an answer echo them: read from it on
    first use, an error's (40 us, which a page of one record paid each when read up front)."""
    found: list[tuple[str, ...]] = []

    def redact(text: Any) -> Any:
        if request is None or text is None:
            return text
        if not found:
            found.append(sent_credentials(request))
        return _redacted(text, found[0])

    return redact
