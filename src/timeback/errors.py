"""Exceptions raised by the Timeback SDK.

The tree::

    TimebackError
    ├── ConfigurationError            missing or contradictory client configuration
    ├── APIConnectionError            no readable HTTP answer (DNS, refused, reset, undecodable)
    │   └── APITimeoutError           ... because a timeout expired
    ├── APIResponseValidationError    an answer that is not what the API documents (not JSON, wrong shape)
    └── RequestError                  the API answered with an error status (4xx or 5xx), or a redirect (3xx,
                                      not followed: "the base URL looks wrong")
        ├── BadRequestError           400: a query the server cannot read (filter, sort, fields, limit,
        │                             offset), or a body that is not JSON
        ├── AuthError                 401, or the token endpoint refused the client credentials (or is not
        │                             there: 404, 405 or a redirect, "the token URL looks wrong")
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── UnprocessableEntityError  422
        ├── RateLimitError            429 (``retry_after`` in seconds, when the server said)
        └── ServerError               5xx

Every ``RequestError`` carries ``status_code``, ``request_id``, ``method``, ``url``, the parsed OneRoster
``imsx_*`` fields and the raw ``body``; every ``APIResponseValidationError`` its ``status_code``, ``method``, ``url``
and ``body`` (where it came from an answer). Every error has ``status_code``, ``request_id`` and ``retries_taken``
(None, None and 0 where there was no answer, or nothing was retried: ``except TimebackError as e: e.status_code``
never raises ``AttributeError``). No message, repr or attribute holds a client secret or a token: one
the server's answer echoes reads ``[redacted]`` (credentials under 8 characters are not looked for). In a message
(``str(error)``), a server's text has its control characters escaped (``\\n``, ``\\x1b``, ``\\u202e``), its description
(or other message) is cut to 1,000 characters, its request id to 128 and the request's URL to 500, each saying how
many were cut: the attributes hold them as sent.
Errors pickle and copy with their attributes (a worker process can send one back to its parent). ``args[0]`` is
the whole message, what ``str()`` reads, so that one rebuilt from its ``args`` alone (``cls(*args)``: Celery's JSON
results) keeps its type and message; built so, or by hand (``NotFoundError("x")`` in a test), its ``method`` and
``url`` are None, and its ``status_code`` that of its class where the class stands for one status (404), else None.

Input refused before anything is sent is not one of these: a body, query value or keyword argument the request
model refuses raises pydantic's ``ValidationError`` (a ``ValueError``), as ``timeback.filters.where`` raises
``ValueError``.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AuthError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestError",
    "ServerError",
    "TimebackError",
    "UnprocessableEntityError",
]


class TimebackError(Exception):
    """Base of every exception this package raises about the API, the network or the configuration."""

    request_id: str | None = None  # the server's X-Request-Id, when an answer came
    status_code: int | None = None  # the answer's HTTP status, when one came and its error says so
    retries_taken: int = 0
    # Set by the client when an attempt of the call that failed reached the server and its answer never came: that
    # attempt may have been handled (a create's records stored), whatever ended the call.
    _answer_lost: bool = False
    # Set by the client when no attempt of the request that failed was sent: why (the client closed, the deadline).
    _not_sent: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # (Exception's own rebuilds with ``cls(*args)``, which the keyword-only arguments below refuse.)
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type[TimebackError], args: tuple[Any, ...], state: dict[str, Any]) -> TimebackError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(TimebackError):
    """The client is missing configuration; ``missing`` lists the environment variables that would supply it."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


class APIConnectionError(TimebackError):
    """No HTTP answer arrived, or one cut short in its body (``request_id``: its X-Request-Id), or httpx could not
    decode it. ``retries_taken``: the retries spent first (none for a certificate that failed verification, or a
    proxy's 407, or its 403 to a CONNECT: they would fail alike)."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        request_id: str | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.message: str = shown(message)
        self.method = method
        self.url = url
        self.request_id = request_id
        self.retries_taken = retries_taken
        super().__init__(self._text())

    def _text(self) -> str:
        return told(self.message, self.method, self.url, self.request_id)


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""


class APIResponseValidationError(TimebackError):
    """The server answered, but not with what the API documents. ``method`` and ``url``: the request it answered (a
    page's URL holds its offset)."""

    # Set by the client when the answer is JSON cut short (its body ends mid-value): a transfer gone wrong, not what
    # the server meant, retried (but a POST's) as an answer httpx cannot decode is.
    _cut_short: bool = False

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: str | None = None,
        method: str | None = None,
        url: str | None = None,
        request_id: str | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.message: str = shown(message)
        self.status_code = status_code
        self.body = body
        self.method = method
        self.url = url
        self.request_id = request_id
        self.retries_taken = retries_taken
        super().__init__(self._text())

    def _text(self) -> str:
        return told(self.message, self.method, self.url, self.request_id)


class RequestError(TimebackError):
    """The API answered with an error status. Subclasses narrow it by status. ``retry_after``: the answer's
    ``Retry-After`` in seconds, when it had one (a 429's, a 503's)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        method: str | None = None,
        url: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        retries_taken: int = 0,
        retry_after: float | None = None,
    ) -> None:
        self.message: str = shown(message)
        self.retry_after = retry_after  # the server's ``Retry-After`` in seconds, when it sent one
        if status_code is None:  # (the status of the error's class, when it stands for one: NotFoundError("x"))
            status_code = next((_STATUS_OF[cls] for cls in type(self).__mro__ if cls in _STATUS_OF), None)
        self.status_code = status_code
        self.method = method
        self.url = url
        self.request_id = request_id
        self.body = body
        self.retries_taken = retries_taken
        info = by_folded_name(body)  # (as the message reads them: an IMSX_Description is the imsx_description)
        self.imsx_codeMajor: str | None = _str_or_none(info.get("imsx_codemajor"))
        self.imsx_severity: str | None = _str_or_none(info.get("imsx_severity"))
        self.imsx_description: str | None = _str_or_none(info.get("imsx_description"))
        self.imsx_CodeMinor: Any = info.get("imsx_codeminor")
        self.imsx_error_details: Any = info.get("imsx_error_details")
        super().__init__(self._text())

    @property
    def code_minor(self) -> list[tuple[str, str]]:
        """``imsx_CodeMinor`` flattened to ``(field name, value)`` pairs."""
        return code_minor_pairs(self.imsx_CodeMinor)

    def _text(self) -> str:
        return told(self.message, self.method, self.url, self.request_id, self.status_code)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r}, "
            f"method={self.method!r}, url={None if self.url is None else shown(self.url, MAX_SHOWN_URL)!r}, "
            f"request_id={self.request_id!r})"
        )


class BadRequestError(RequestError):
    """400: the server refuses the request as written: a filter, sort, ``fields``, ``limit`` or ``offset`` it cannot
    read (``code_minor`` names it: ``('filter', 'invalid_filter_field')``), or a body that is not JSON."""


class AuthError(RequestError):
    """401 from the API, or the token endpoint refused the client credentials; or the token URL answered 404, 405
    or a redirect (3xx; its message: "the token URL looks wrong")."""


class PermissionDeniedError(RequestError):
    """403: the client's scopes do not allow this call."""


class NotFoundError(RequestError):
    """404: the record, or a parent named in the path, does not exist."""


class ConflictError(RequestError):
    """409: a record with that sourcedId already exists."""


class UnprocessableEntityError(RequestError):
    """422: the body is well-formed JSON but invalid; ``imsx_description`` names the field."""


class RateLimitError(RequestError):
    """429. ``retry_after`` is the server's ``Retry-After`` in seconds, when it sent one."""


class ServerError(RequestError):
    """5xx: the server failed."""


# Characters a server's text must not put in a message raw (a log line or terminal): C0 and C1 controls and DEL (a
# forged line, an ANSI escape), the line and paragraph separators, the bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_SHOWN_REQUEST_ID = 128
# Characters of the server's text (its imsx_description, or other message) an error's message holds: a 422 naming
# thousands of ids made a message of 84,000 characters. The attributes (imsx_description, body) hold it whole.
MAX_SHOWN_MESSAGE = 1000
# ... and of the URL of the request it is about: a listing's filter of 1,500 ids made a message of 26,000 characters,
# its URL nearly all of it. ``url`` holds it whole.
MAX_SHOWN_URL = 500


def shown(text: str, limit: int | None = None) -> str:
    """``text`` for a message: cut to ``limit`` characters ("... (N characters cut)" after), its unsafe characters
    escaped as Python writes them (``\\n``, ``\\x1b``, ``\\u202e``). Backslashes are left: it may run again on its own
    result. Run on text redacted already (escaped, a credential holding such a character would no longer match;
    cut, its first characters would be left)."""
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}... ({len(text) - limit:,} characters cut)"
    return _UNSAFE.sub(lambda found: repr(found[0])[1:-1], text)


def told(
    message: str, method: str | None, url: str | None, request_id: str | None = None, status_code: int | None = None
) -> str:
    """An ``APIConnectionError``'s or ``RequestError``'s ``args[0]``, which ``str()`` reads: "404: Result not found.
    (GET <url>, request id <id>)". Made whole at once, so that an error rebuilt from its ``args`` alone says the same:
    Celery's JSON results rebuild one as ``cls(*args)``. Without the request it is about (an error built by hand, or
    so rebuilt), the message as given."""
    if method is None or url is None:
        return message
    status = "" if status_code is None else f"{status_code}: "
    return f"{status}{message} ({answered(method, url, request_id)})"


def answered(method: str, url: str, request_id: str | None) -> str:
    """ "GET <url>, request id <id>": the request an error is about, for its message."""
    rid = f", request id {shown(request_id, MAX_SHOWN_REQUEST_ID)}" if request_id else ""
    return f"{method} {shown(url, MAX_SHOWN_URL)}{rid}"


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


_BY_STATUS: dict[int, type[RequestError]] = {
    400: BadRequestError,
    401: AuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


# The status of each error class that stands for one (not AuthError's: 401, or the token URL's 404, 405 or 3xx)
_STATUS_OF: dict[type, int] = {cls: status for status, cls in _BY_STATUS.items() if cls is not AuthError}


def error_class_for(status_code: int) -> type[RequestError]:
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, RequestError)


def decode_error_body(content: bytes, redact: Callable[[Any], Any], charset: str | None = None) -> Any:
    """The error body as JSON when it is JSON, else as text (cut to a readable length), passed through ``redact``
    first (before the cut, which could leave part of a credential). JSON is read as RFC 8259 has it (UTF-8, or UTF-16
    or -32 told by its first bytes; a ``charset`` parameter has no effect there, as for httpx's ``json()``), then in
    the ``charset`` its Content-Type declares if that fails; text in that ``charset`` (a proxy's page in
    ISO-8859-1, read as windows-1252 as browsers do), or UTF-8 when there is none or Python cannot decode with it."""
    try:
        return redact(json.loads(content))
    except (ValueError, RecursionError):  # (RecursionError: nested deeper than the decoder goes)
        pass
    text = content.decode("utf-8", "replace")
    if charset:
        try:
            if codecs.lookup(charset).name in ("iso8859-1", "ascii"):
                # As browsers read these labels (WHATWG's Encoding: curly quotes, dashes), the five bytes
                # windows-1252 leaves undefined as the C1 controls of the same number
                text = content.decode("cp1252", "surrogateescape").translate(_CP1252_UNDEFINED)
            else:
                text = content.decode(charset, "replace")
            text = text.removeprefix("\ufeff")  # (a BOM the codec keeps)
        except (LookupError, UnicodeError):  # (unknown, no text encoding: "base64"; "idna" refuses "replace")
            pass
        else:
            try:
                return redact(json.loads(text))
            except (ValueError, RecursionError):
                pass
    return redact(text)[:2000]


_CP1252_UNDEFINED = {0xDC00 + byte: byte for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}  # (as surrogateescape has them)


def code_minor_pairs(code_minor: Any) -> list[tuple[str, str]]:
    """An ``imsx_CodeMinor`` flattened to ``(field name, value)`` pairs."""
    fields = code_minor.get("imsx_codeMinorField") if isinstance(code_minor, dict) else None
    if isinstance(fields, dict):  # (one field sent as itself, not in a list of one)
        fields = [fields]
    return [
        (str(f.get("imsx_codeMinorFieldName")), str(f.get("imsx_codeMinorFieldValue")))
        for f in fields or []
        if isinstance(f, dict)
    ]


def by_folded_name(body: Any) -> dict[str, Any]:
    """An error body's fields by their lower-case name (``IMSX_Description``, API Gateway's ``Message``), each the
    first value under that name that is neither null nor empty: what the message and the attributes both read."""
    fields: dict[str, Any] = {}
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(key, str) and value is not None and value != "":
                fields.setdefault(key.lower(), value)
    return fields


def _nested_message(fields: dict[str, Any]) -> str | None:
    """The message one level down: ``{"error": {"message": ...}}`` (Google's, Azure's, OpenAI's) or the first of
    ``{"errors": [{...}, ...]}`` that has one (GraphQL's ``message``, JSON:API's ``detail`` or ``title``). No deeper:
    an arbitrary body is not searched."""
    error, listed = fields.get("error"), fields.get("errors")
    for item in [error, *(listed if isinstance(listed, list) else ())]:
        inner = by_folded_name(item)
        for key in ("message", "detail", "title"):
            value = inner.get(key)
            if isinstance(value, str):
                return value
    return None


SHOWN_CODE_MINOR = 5  # codeMinor values a message names (the rest counted)
SHOWN_DETAILS = 3  # imsx_error_details entries a message adds (the rest counted)


def _details_unnamed(fields: dict[str, Any], description: str) -> str:
    """The fields ``imsx_error_details`` names (Timeback's entries: a ``path`` or ``field`` each, and a ``message``)
    that ``description`` does not, as `` (path: message; ...)``; "" when it names them all. Timeback's 422 says
    "Invalid request body" and leaves where to its details. A path of parts (``result.score``, ``results[0]``) is
    named wherever it stands; a plain name (``body``, or ``score`` of ``result.score``) only where it is set off as a
    field's, quoted or before a colon (``'score'``, ``score: ...``): as a word of the text ("Invalid request body")
    it named no field, and hid them all. The description is read once (one search of it per entry took seconds for
    a batch's 100,000); one as long as a message shows gets none (they would be cut)."""
    details = fields.get("imsx_error_details")
    if len(description) >= MAX_SHOWN_MESSAGE:
        return ""
    messages: dict[str, Any] = {}
    for entry in details if isinstance(details, list) else ():
        inner = by_folded_name(entry)
        where = inner.get("path", inner.get("field"))
        if isinstance(where, list):  # (a path as its parts: ["result", "score"])
            where = ".".join(map(str, where))
        if isinstance(where, str | int) and str(where):
            messages.setdefault(str(where), inner.get("message"))
    if not messages:
        return ""
    # Its words and what parts them, in turn: [word, between, word, ..., word]
    parts = _BETWEEN_WORDS.split(description)
    words = parts[::2]
    paths = {word.rstrip(".") for word in words if "." in word or "[" in word}
    set_off = {
        word
        for word, before, after in zip(words, ["", *parts[1::2]], [*parts[1::2], ""], strict=True)
        if after.startswith(":") or (after[:1] in _QUOTES and before.endswith(after[0]))
    }
    unnamed = [
        (where, message)
        for where, message in messages.items()
        if not (where in paths or where in set_off or ((last := _last_name(where)) is not None and last in set_off))
    ]
    shown_ones = [
        shown(where, 100) + (f": {shown(message, 100)}" if isinstance(message, str) else "")
        for where, message in unnamed[:SHOWN_DETAILS]
    ]
    more = f" and {len(unnamed) - SHOWN_DETAILS} more" if len(unnamed) > SHOWN_DETAILS else ""
    return f" ({'; '.join(shown_ones)}{more})" if unnamed else ""


_QUOTES = ("'", '"', "`")
_BETWEEN_WORDS = re.compile(r"([\s'\"`,;:()]+)")  # (what a description's names and paths end at)


def _last_name(where: str) -> str | None:
    """The last name of a path of parts (``score`` of ``results[0].score``); None for a plain name."""
    if "." not in where and "[" not in where:
        return None
    found = re.findall(r"[A-Za-z_]\w*", where)
    return found[-1] if found else None


def describe(status_code: int, reason: str, body: Any) -> str:
    """A one-line message: the server's ``imsx_description`` when it sent one, else its message under another key
    (whatever its case: API Gateway's explicit deny says ``Message``), else one under ``error`` or in ``errors[]``,
    else the reason and the imsx codeMinor values (``Bad Request (invalid_filter_field)``). A 400's or 422's
    description that leaves out fields ``imsx_error_details`` names gets those added: ``Invalid request body
    (result.score: Expected number, received string)``."""
    if isinstance(body, dict):
        fields = by_folded_name(body)
        for key in ("imsx_description", "error_description", "message", "detail", "error"):
            value = fields.get(key)
            if isinstance(value, str):
                if key == "imsx_description" and status_code in (400, 422):  # (a request refused for its fields)
                    return value + _details_unnamed(fields, value)
                return value
        nested = _nested_message(fields)
        if nested is not None:
            return nested
        minor = list(dict.fromkeys(value for _, value in code_minor_pairs(fields.get("imsx_codeminor"))))
        if minor:  # (each value once, the first few: a 422 may name a field of each of 1,000 results)
            more = f" and {len(minor) - SHOWN_CODE_MINOR} more" if len(minor) > SHOWN_CODE_MINOR else ""
            return f"{reason or f'HTTP {status_code}'} ({', '.join(minor[:SHOWN_CODE_MINOR])}{more})"
    if isinstance(body, str) and body.strip():
        # (a proxy's error page: its title, else its text on one line, not the page's markup and line breaks)
        title = re.search(r"<title[^>]*>([^<]*)</title>", body, re.IGNORECASE)
        text = title.group(1) if title and title.group(1).strip() else body
        return " ".join(text.split())[:300]
    return reason or f"HTTP {status_code}"
