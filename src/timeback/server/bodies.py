"""Reading a JSON request body defensively, before any model sees it.

The body must be UTF-8 JSON (RFC 8259) with finite numbers, nest at most ``max_json_depth`` levels, hold no
string (or object key) longer than ``max_string_length`` characters or holding U+0000, and at most
``max_json_values`` object fields and array items outside ``metadata`` (``max_metadata_values`` inside). Every
refusal is a 4xx that names where in the body the problem is (every such place: ``_Problems``), but the limits of
the body as a whole (its size, its count of values); nothing here can end in a 500.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from timeback.server.config import ServerSettings
from timeback.server.errors import MAX_NAMED_FIELDS, ApiError, fields_error, fields_said


class Refused:
    """Stands in for a value the server does not take (``NaN``, ``Infinity``, a number overflowing a double, an
    integer of more digits than Python converts; in a seed file, an object repeating a key) until a walk can say
    where it was. ``json``: whether the value is JSON at all (``NaN`` and ``Infinity`` are not)."""

    def __init__(self, message: str, *, json: bool = True) -> None:
        self.message = message
        self.json = json


class BodyTooLarge(ApiError):
    """413: a body past ``limit`` bytes (declared, or as it arrived); the rest of it is never parsed, and the
    connection is closed (not kept for the megabytes to come), once the client stops sending (``protocol``)."""

    def __init__(self, limit: int, advice: str = "send fewer records in one request") -> None:
        description = f"Request body larger than {limit} bytes: {advice}."
        super().__init__(413, description, fields=[("body", f"over {limit} bytes")], headers={"Connection": "close"})


class BodyTimedOut(ApiError):
    """408: the body stopped coming, no byte of it for ``seconds``; the connection is closed (the rest is never
    read, and nothing of the request is handled)."""

    def __init__(self, seconds: float) -> None:
        description = f"The request body stopped arriving: nothing of it came for {seconds:g} s."
        super().__init__(408, description, fields=[("body", "incomplete")], headers={"Connection": "close"})


async def read_body(receive: Any, declared: bytes | str | None, limit: int, timeout: float = 0) -> bytes | None:
    """The body from an ASGI ``receive``, ``BodyTooLarge`` as soon as it passes ``limit`` bytes, declared (the
    Content-Length value) or not; ``BodyTimedOut`` when ``timeout`` seconds pass with none of it coming (0: no
    limit); None if the client left."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            async with asyncio.timeout(timeout or None):
                message = await receive()
        except TimeoutError:
            raise BodyTimedOut(timeout) from None
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _received(header: str, value: str) -> str:
    return f"received {header} {value[:100]}{'...' if len(value) > 100 else ''}"


def _codings_other_than(taken: str, header: str, value: bytes) -> str | None:
    """``received <header> <value>`` when ``value`` (a header's lines, comma-joined) names a coding but ``taken``."""
    received = value.decode("latin-1")
    if any(coding.strip().lower() not in (taken, "") for coding in received.split(",")):
        return _received(header, received)
    return None


def check_content_encoding(content_encoding: bytes) -> None:
    """415 for a body sent with a Content-Encoding other than ``identity``: the server decodes none, and said so
    nowhere (a gzip body was 400 "not valid UTF-8", a plain one marked ``br`` stored). ``Accept-Encoding: identity``
    says what it takes (RFC 9110 section 15.5.16)."""
    if named := _codings_other_than("identity", "Content-Encoding", content_encoding):
        raise ApiError(415, f"The body must not be content-encoded ({named}).", fields=[("body", "content-encoded")],
                       headers={"Accept-Encoding": "identity"})  # fmt: skip


def check_transfer_encoding(transfer_encoding: bytes) -> None:
    """501 for a body sent in a transfer coding other than ``chunked`` (RFC 9112 section 6.1): the HTTP parser takes
    the chunks off a ``gzip, chunked`` body and leaves the gzip (its body was 400 "not valid UTF-8", a plain one
    that said gzip stored)."""
    if named := _codings_other_than("chunked", "Transfer-Encoding", transfer_encoding):
        message = f"The body must be sent in no transfer coding but chunked ({named})."
        raise ApiError(501, message, fields=[("body", "transfer-coded")])


def check_media_type(content_type: bytes) -> None:
    """415 for a body declared other than JSON in UTF-8 (the API's bodies are ``application/json``, RFC 8259 JSON
    is UTF-8): another media type, or a JSON one with another ``charset``. It was read as JSON whatever it said.
    ``application/*+json`` is JSON too; a body with no Content-Type is taken as JSON (lenient, as before)."""
    received = content_type.decode("latin-1")
    media_type, _, parameters = received.partition(";")
    media_type = media_type.strip().lower()
    if not media_type:
        return
    named = _received("Content-Type", received)
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or (subtype != "json" and not subtype.endswith("+json")):
        raise ApiError(415, f"The body must be application/json ({named}).", fields=[("body", "not application/json")])
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise ApiError(415, f"The body must be JSON in UTF-8 ({named}).", fields=[("body", "not UTF-8")])


class TooManyValues(ApiError):
    """413: a body holding more than ``limit`` object fields and array items outside ``metadata`` (or inside, all
    its records' metadata together: ``in_metadata``)."""

    def __init__(self, limit: int, *, in_metadata: bool = False) -> None:
        if in_metadata:
            message = f"over {limit} fields and items in metadata"
            description = f"The body holds {message}: send less metadata in one request."
        else:
            message = f"over {limit} fields and items outside metadata"
            # (a batch of about 15,000 results: the remedy is the caller's batch size, so the description names it)
            description = f"The body holds {message}: send fewer records in one request."
        super().__init__(413, description, fields=[("body", message)])


def _too_many_values(value: Any, settings: ServerSettings, *, in_metadata: bool = True) -> TooManyValues | None:
    """The 413 for ``value`` holding more than ``max_json_values`` object fields and array items outside
    ``metadata`` objects, or more than ``max_metadata_values`` inside them (all together), else None. Outside, each
    may make a validation error or several (``[{}, {}, ...]``: four "Field required" per result); no model looks
    inside, but the server still copies, stores and echoes all of it (``ServerSettings.max_metadata_values``). One
    walk: what is inside metadata waits until everything outside is counted (not at all without ``in_metadata``); a
    container's size is counted before its items are looked at, so a huge one is refused unread."""
    limit, count, waiting, inside = settings.max_json_values, 0, [value], []
    while waiting:
        item = waiting.pop()
        if isinstance(item, dict):
            count += len(item)
            if count > limit:
                return TooManyValues(limit)
            waiting.extend(v for k, v in item.items() if k != "metadata" and isinstance(v, dict | list))
            if isinstance(metadata := item.get("metadata"), dict | list):
                inside.append(metadata)
        elif isinstance(item, list):
            count += len(item)
            if count > limit:
                return TooManyValues(limit)
            waiting.extend(v for v in item if isinstance(v, dict | list))
    return too_much_metadata(inside, settings) if in_metadata else None


def too_much_metadata(metadata: list[Any], settings: ServerSettings) -> TooManyValues | None:
    """The 413 for the ``metadata`` objects (or arrays) in ``metadata`` holding more than ``max_metadata_values``
    fields and items all together, nested ones too, else None. Takes ``metadata`` apart."""
    limit, count = settings.max_metadata_values, 0
    while metadata:
        item = metadata.pop()
        count += len(item)
        if count > limit:
            return TooManyValues(limit, in_metadata=True)
        values = item.values() if isinstance(item, dict) else item
        if not _CONTAINER_TYPES.isdisjoint(map(type, values)):  # (in C: most metadata holds no container)
            metadata.extend(v for v in values if isinstance(v, dict | list))
    return None


_CONTAINER_TYPES = frozenset((dict, list))  # (json.loads makes no subclass of either)


def _unreadable(where: str, description: str, message: str) -> ApiError:
    """400 for a body that is not the JSON it must be: ``invaliddata`` (the data sent), naming where."""
    return ApiError(400, description, code_minor="invaliddata", fields=[(where, message)])


def not_finite(text: str) -> str:
    """What is said of the JSON number ``text``, past a double's range."""
    if len(text) > 20:  # (one of thousands of digits is not repeated whole)
        text = f"{text[:20]}... (of {sum(c.isdigit() for c in text):,} digits)"
    return f"{text} is not a finite JSON number"


def _not_json(text: str) -> Refused:
    return Refused(not_finite(text), json=False)  # (NaN, Infinity: Python's json reads them, RFC 8259 has none)


def _float(text: str) -> float | Refused:
    value = float(text)
    return value if math.isfinite(value) else Refused(not_finite(text))


def _int(text: str) -> int | Refused:
    try:
        return int(text)
    except ValueError:  # (JSON's integers are digits: only too many of them fail)
        # (Python's message tells how to change the server's interpreter, nothing an API client can do)
        digits, limit = len(text.lstrip("-")), sys.get_int_max_str_digits()
        return Refused(f"an integer of {digits:,} digits, over the {limit:,} the server takes")


def read_json(text: str | bytes, pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """``json.loads``, leaving what the server refuses as ``Refused`` for a walk to name where it is. Integers are
    read by plain ``int`` unless one has more digits than it converts; only then is the text read again with a hook
    that marks it (a hook on every integer costs a batch of results a third more time to read)."""
    hooks: dict[str, Any] = {"parse_constant": _not_json, "parse_float": _float, "object_pairs_hook": pairs_hook}
    try:
        return json.loads(text, **hooks)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise
    except ValueError:
        return json.loads(text, parse_int=_int, **hooks)


def refused_at(value: Any) -> tuple[str, str] | None:
    """Where in ``value`` the first ``Refused`` is (``a.b[2]``; "" for ``value`` itself), and what it says."""
    waiting = [(value, "")]
    while waiting:
        item, where = waiting.pop()
        if isinstance(item, Refused):
            return where, item.message
        if isinstance(item, dict):
            pairs = reversed(item.items())
            waiting.extend((v, f"{where}.{k}" if where else k) for k, v in pairs if isinstance(v, _CONTAINING))
        elif isinstance(item, list):
            items = reversed(list(enumerate(item)))
            waiting.extend((v, f"{where}[{i}]") for i, v in items if isinstance(v, _CONTAINING))
    return None


_CONTAINING = (dict, list, Refused)  # (what may be or hold a Refused)


_NUL_ESCAPE = b"\\u0000"  # how U+0000 is written in JSON ("\\u" takes no capital U)


def parse_json_body(raw: bytes, settings: ServerSettings) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        raise _unreadable("body", f"The body is {message}.", message) from None
    try:
        value = read_json(text)
    except RecursionError:  # (deeper than the parser goes: where is not known, so the body as a whole is refused)
        raise _too_deep(settings, "body") from None
    except ValueError as exc:  # (JSONDecodeError)
        raise _unreadable("body", f"Malformed JSON body: {exc}", f"malformed JSON: {exc}") from None
    if too_many := _too_many_values(value, settings):
        raise too_many
    # U+0000 comes only escaped (a NUL byte in a string is no JSON): a body without the escape is not walked for it
    if _NUL_ESCAPE in raw or not _fine(value, 0, settings.max_json_depth, settings.max_string_length):
        # the slow walk that spells out where, only once something may be wrong
        if (refused := _Problems(settings).found_in(value)) is not None:
            raise refused
    return value


def _fine(value: Any, depth: int, max_depth: int, max_length: int) -> bool:
    """The same checks as ``_Problems`` but U+0000 (looked for in the bytes first), without building a path for
    every value (a batch has tens of thousands). The depths as ``_Problems._walk`` counts them: an array directly in
    the body object (a batch's records) is no level."""
    if isinstance(value, str):
        return len(value) <= max_length and (value.isascii() or _encodable(value))
    if isinstance(value, dict):
        return depth < max_depth and all(
            len(k) <= max_length
            and (k.isascii() or _encodable(k))
            and _fine(v, depth + (depth > 0 or type(v) is not list), max_depth, max_length)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return depth < max_depth and all(_fine(v, depth + 1, max_depth, max_length) for v in value)
    return not isinstance(value, Refused)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_deep(settings: ServerSettings, where: str) -> ApiError:
    message = f"nested deeper than {settings.max_json_depth} levels"
    return _unreadable(where, f"The body is {message} (at {where}).", message)


class _Problems:
    """Every value of a body its reading refuses, each named by where it is (``results[300].comment``), in the
    body's order: a batch of 1,000 results with six strings holding U+0000 is told of all six in one answer, as
    of six bad enum values (named one a request, the SDK's resends ran out at the fourth and the batch failed whole).
    A bad value in valid JSON (a string over ``max_string_length`` or holding U+0000, a number past a double's
    range, objects and arrays nested deeper than ``max_json_depth``: each a value the server does not store) is 422;
    what makes the body no JSON text at all (``NaN``, an unpaired surrogate escape) is 400, naming those alone.
    ``MAX_NAMED_FIELDS`` of each at most are named; the rest are counted."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.named: dict[int, list[tuple[str, str]]] = {400: [], 422: []}  # (by the status each makes)
        self.unnamed = {400: 0, 422: 0}

    def found_in(self, value: Any) -> ApiError | None:
        """The 400 or 422 naming what ``value`` (a body) holds that the server refuses, else None."""
        self._walk(value, "", 0)
        if unreadable := self.named[400]:
            said = fields_said(unreadable, self.unnamed[400])
            return ApiError(400, said, code_minor="invaliddata", fields=unreadable)
        if bad := self.named[422]:
            return fields_error("Invalid request body", bad, self.unnamed[422])
        return None

    def _add(self, status: int, where: str, message: str) -> None:
        if len(named := self.named[status]) < MAX_NAMED_FIELDS:
            named.append((where, message))
        else:
            self.unnamed[status] += 1

    def _walk(self, value: Any, where: str, depth: int) -> None:
        settings = self.settings
        if isinstance(value, str):
            self._string(value, where or "body")
        elif isinstance(value, Refused):
            # (a number JSON has but the server cannot hold, 1e400: a bad value in a valid body, as "x" for a number
            # is; NaN and Infinity are no JSON)
            self._add(422 if value.json else 400, where or "body", value.message)
        elif isinstance(value, dict | list):
            if depth >= settings.max_json_depth:  # (named once, where it goes too deep: nothing inside is walked)
                self._add(422, where or "body", f"nested deeper than {settings.max_json_depth} levels")
            elif isinstance(value, dict):
                for key, item in value.items():
                    self._string(key, f"{where or 'body'} (a key)")
                    # (a batch's array of records, in the body object, is no level: a record has the room it has
                    # alone, in a PUT's body, and a batch takes what a PUT of each of its records takes)
                    self._walk(item, f"{where}.{key}" if where else key, depth + (depth > 0 or type(item) is not list))
            else:
                for index, item in enumerate(value):
                    self._walk(item, f"{where}[{index}]", depth + 1)

    def _string(self, value: str, where: str) -> None:
        limit = self.settings.max_string_length
        if len(value) > limit:
            self._add(422, where, f"longer than {limit} characters ({len(value)})")
        if not value.isascii() and not _encodable(value):
            message = "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text"
            self._add(400, where, message)
        if "\0" in value:
            # 422 as for a string too long: Unicode text in valid JSON, but a value the server will not store
            # (SQLite's JSON functions cut a string at it, so filters matched the wrong rows; PostgreSQL refuses it)
            self._add(422, where, "contains U+0000 (\\u0000), which the server does not store")


# ----- the fast check: bytes that plainly pass every check above, decided without building Python values

_NOT_BRACKETS_OR_QUOTES = bytes(b for b in range(256) if b not in b'{}[]"')
_ONE_KIND = bytes.maketrans(b"[]", b"{}")
# Numbers, as bytes: digits become "0", exponent letters "e", anything else a space. A non-finite or overflowing
# number needs NaN, Infinity, an exponent ("0e" once mapped) or a run of digits long enough to overflow a float or
# pass what Python's int() takes. Looked for in the whole body, strings too: a string that only looks like one
# ("1e5") sends the body the full way.
_NUMBERS = bytes(48 if b in b"0123456789" else 101 if b in b"eE" else 32 for b in range(256))
_LONG_DIGITS = b"0" * 300


@cache
def _long_string(max_length: int) -> re.Pattern[bytes]:
    # Tried only at quotes, so each byte is looked at about twice: linear in the body.
    return re.compile(rb'"[^"]{%d}' % (max_length + 1))


def plainly_within_limits(raw: bytes, settings: ServerSettings) -> bool:
    """True only when ``parse_json_body`` would surely accept ``raw`` as far as its limits go (UTF-8, depth,
    string length, finite numbers, values); False means "not sure", never "refused": the caller then takes the full
    path, which gives the exact answer. Runs in C (bytes methods, regular expressions), no walk over values in
    Python, unless the count of values needs one: then its 413 is raised here, as the full path would raise it
    (every check before it passed on the bytes), not found again after a second parse."""
    if b"\\" in raw:  # escapes: surrogates, U+0000 and escaped quotes are for the full walk
        return False
    # Every field or item but the last of its object or array is followed by a comma (commas in strings and in
    # metadata count too: then those outside metadata are counted exactly, last, once every check on bytes passed)
    values = raw.count(b",") + raw.count(b"{") + raw.count(b"[")
    if values <= min(settings.max_json_values, settings.max_metadata_values):  # (they bound those in metadata too)
        return _plain_bytes(raw, settings)
    # (no metadata: the count is the values', and the full path's 413 comes without a parse here first)
    if b'"metadata"' not in raw or not _plain_bytes(raw, settings):
        return False
    try:  # (its numbers are finite, its depth bounded: the bytes said so)
        value = json.loads(raw)
    except ValueError:
        return False
    # (a batch of 15,000 results with metadata: walking inside it too took 15-18 ms, though the bytes bound it)
    if too_many := _too_many_values(value, settings, in_metadata=values > settings.max_metadata_values):
        raise too_many
    return True


def _plain_bytes(raw: bytes, settings: ServerSettings) -> bool:
    """``plainly_within_limits`` but for the count of values."""
    # (a NUL byte is never JSON, though json.loads(bytes) would read it as UTF-16 or 32 where the full path says 400)
    if b"\0" in raw:
        return False
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
    # Without escapes every quote opens or closes a string, and a string has no more characters than bytes.
    if len(raw) > settings.max_string_length and _long_string(settings.max_string_length).search(raw):
        return False
    if b"NaN" in raw or b"Infinity" in raw:
        return False
    numbers = raw.translate(_NUMBERS)
    if b"0e" in numbers or _LONG_DIGITS in numbers:
        return False
    # Brackets and quotes only, then every string without a bracket in it dropped (with no escapes, quotes pair up
    # in order): a quote left over means a string holds a bracket, which would skew the depth count either way.
    brackets = raw.translate(None, _NOT_BRACKETS_OR_QUOTES).replace(b'""', b"")
    if b'"' in brackets:
        return False
    # The depth: each round drops every innermost pair, so a body within the limit is gone after that many rounds
    # (one kind of bracket: "[{}]" must take two rounds; mismatched kinds fail in the parser anyway).
    nesting = brackets.translate(_ONE_KIND)
    for _ in range(settings.max_json_depth):
        if not nesting:
            return True
        nesting = nesting.replace(b"{}", b"")
    return not nesting
