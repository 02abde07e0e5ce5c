"""Credentials taken out of what an error shows: a server's answer may echo them (a gateway quoting the
Authorization header it refused, a token endpoint the secret), in any of the forms it may have written them.

``sent_credentials`` lists what a request carried, in each of its ``echoes``; ``_redacted`` replaces them in a
text or a decoded JSON body, ``_redactor`` on first use. Apart from the request engine (``_base_client``), which calls
them as it makes an error, so that the rule that keeps secrets out of errors is read in one place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx

REDACTED = "[redacted]"  # (in an error, for a credential the server echoed)
MIN_REDACTED = 8  # (shorter credentials are not looked for: see sent_credentials)


@dataclass(frozen=True)
class Echo:
    """A form a credential may be echoed in: ``pattern``, and ``anchor``, text every match of it holds (looked for
    first: a plain search, where the pattern's is about 50 times slower); "" if none."""

    anchor: str
    pattern: re.Pattern[str]

    def __len__(self) -> int:  # (how long the credential is: the longest are taken out first)
        return len(self.pattern.pattern)


Credentials = tuple[Echo, ...]


def sent_credentials(request: httpx.Request, secret_echoes: Iterable[Echo] = ()) -> Credentials:
    """What a server may echo of the credentials into its answer (gateways quote the Authorization header they
    refuse; token endpoints, the secret): the client secret's ``secret_echoes`` (``echoes`` of it), and the
    Authorization header ``request`` carried, whole and its credential alone (the bearer token, or Basic's base64
    of id and secret), in each of their ``echoes``. Longest first, so a header goes whole before the token in it."""
    sent = request.headers.get("Authorization", "")
    forms = {*secret_echoes, *echoes(sent), *echoes(sent.partition(" ")[2])}
    return tuple(sorted(forms, key=len, reverse=True))


def echoes(text: str) -> tuple[Echo, ...]:
    """``text`` as a server may quote it, if it is ``MIN_REDACTED`` characters or more (shorter values are left: an
    empty one would match between every character, and one of a few characters would blot out words of the
    server's message, and is guessed sooner than read from an error anyway): each character as it is or escaped,
    in any mixture (``_escapes``: percent-encoded in either case of hex, "+" for a space; an HTML character
    reference, named, decimal or hex; a JSON or Python string escape), which covers the forms of Python's ``quote``,
    JavaScript's ``encodeURIComponent``, HTML escapers (Python, Rails, PHP, Go's ``html/template``), JSON encoders
    (Python, PHP, Go), a Python repr, and any mixture of them; and base64-encoded (standard and URL-safe, padded or
    not)."""
    if len(text) < MIN_REDACTED:
        return ()
    import base64  # (imported on use: only an error needs it)

    runs = re.findall(f"[{re.escape(_KEPT)}]+", text)  # (what no escaper changes: in every echo as it is)
    anchor = max(runs, key=len) if runs and len(max(runs, key=len)) >= 4 else ""
    # (a run of backslashes as one: each "\\" or "\\\\" alone, n of them cost 2^n tries where a match failed)
    parts = re.findall(r"\\+|.", text, re.DOTALL)
    found = [Echo(anchor, re.compile("".join(_backslashes(len(p)) if p[0] == "\\" else _escapes(p) for p in parts)))]
    as_bytes = text.encode("utf-8", "surrogatepass")
    base64s = {base64.b64encode(as_bytes).decode(), base64.urlsafe_b64encode(as_bytes).decode()}
    base64s |= {form.rstrip("=") for form in base64s}
    found += [Echo(form, re.compile(re.escape(form))) for form in sorted(base64s)]
    return tuple(found)


# Characters no escaper recognized here changes (percent-encoding leaves them, HTML and JSON have no escape for
# them; "~" is PHP's and Java's %7E)
_KEPT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
# The short escapes of JSON strings and Python's repr, and HTML's named references (Python's html.escape, Rails,
# PHP write these five; the numeric ones, "&#39;", "&#x27;", "&#039;", Go's "&#43;", are read for every character)
_SHORT = {'"': ['\\"', "&quot;"], "\\": ["\\\\"], "/": ["\\/"], "'": ["\\'", "&apos;"], "\n": ["\\n"],
          "\r": ["\\r"], "\t": ["\\t"], "\b": ["\\b"], "\f": ["\\f"], "&": ["&amp;"], "<": ["&lt;"],
          ">": ["&gt;"], " ": ["+"]}  # fmt: skip


@functools.lru_cache(maxsize=256)  # (a character's: 0.5 ms a token's echoes without, 1.5 a secret's of 40)
def _escapes(c: str) -> str:
    """A pattern matching ``c`` as it is or in any of its escapes (``echoes``)."""
    if c in _KEPT:
        return re.escape(c)  # ("." too: it matched any character)
    return f"(?:{'|'.join(_forms(c))})"


def _backslashes(count: int) -> str:
    """A pattern matching ``count`` backslashes as they are, all escaped as JSON and Python write them ("\\\\"), or
    all in other escapes: three tries for the run, where each backslash alone, as one or two, cost 2^count tries of
    a text that did not match (18 of them, 0.16 s a search)."""
    others = "|".join(form for form in _forms("\\") if form not in (re.escape("\\"), re.escape("\\\\")))
    return f"(?:(?:\\\\\\\\){{{count}}}|(?:\\\\){{{count}}}|(?:{others}){{{count}}})"


def _forms(c: str) -> list[str]:
    """The patterns of ``c`` and each of its escapes."""
    code = ord(c)
    forms = [re.escape(c), *(re.escape(short) for short in _SHORT.get(c, ()))]
    forms.append("".join(f"%(?i:{byte:02x})" for byte in c.encode("utf-8", "surrogatepass")))  # (percent, per byte)
    forms += [f"&#0*{code};", f"&#[xX]0*(?i:{code:x});"]  # (an HTML character reference)
    if code < 0x10000:  # (JSON's and Python's \u; past it, JSON's surrogate pair, Python's \U)
        forms.append(f"\\\\u(?i:{code:04x})")
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(f"\\\\u(?i:{high:04x})\\\\u(?i:{low:04x})")
    forms.append(f"\\\\U(?i:{code:08x})")
    if code < 0x100:  # (Python's \x)
        forms.append(f"\\\\x(?i:{code:02x})")
    return forms


def _redacted(body: Any, credentials: Credentials) -> Any:
    """``body`` (text, or decoded JSON: changed in place, its containers are the decoder's own) with each of
    ``credentials`` in its strings and keys replaced by ``REDACTED``. A loop, not recursion: JSON as deeply nested
    as the decoder takes would pass the recursion limit here."""

    def redact(text: str) -> str:
        for echo in credentials:
            if echo.anchor in text:
                text = echo.pattern.sub(REDACTED, text)
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


def _holds_any(body: dict[str, Any] | list[Any], credentials: Credentials) -> bool:
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
    return any(echo.anchor in joined and echo.pattern.search(joined) for echo in credentials)


def _redactor(request: httpx.Request | None) -> Callable[[Any], Any]:
    """What takes the credentials ``request`` carried out of a text, should an answer echo them: read from it on
    first use, an error's (40 us, which a page of one record paid each when read up front)."""
    found: list[Credentials] = []

    def redact(text: Any) -> Any:
        if request is None or text is None:
            return text
        if not found:
            found.append(sent_credentials(request))
        return _redacted(text, found[0])

    return redact
