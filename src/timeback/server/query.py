"""The OneRoster query language: ``filter``, ``sort``/``orderBy``, ``fields`` and Timeback's ``search``.

Filter grammar (OneRoster 1.2 REST binding, section 3.4, plus Timeback's ``@``)::

    filter     := predicate (("AND" | "OR") predicate)*        AND binds tighter than OR
    predicate  := field operator "'" value "'"                 '' inside a value is a quote
    operator   := "=" | "!=" | ">" | ">=" | "<" | "<=" | "~" (contains, case-insensitive) | "@" (in a comma list)
    field      := name | reference ".sourcedId" | "metadata." key ("." key)*    (timeback.filters.FIELD_PATTERN)
    key        := any characters but whitespace, quotes, \\, control characters, "." and =!<>~@; not empty

Fields are checked against the collection's model (unknown: 400 ``invalid_filter_field``) and typed, so numbers
compare as numbers and dates as dates; a boolean field takes ``'true'`` or ``'false'`` with ``=``, ``!=`` or ``@``,
and an enum field (``status``, ``scoreStatus``...) its members there, exactly (``field_members``).
A metadata value has no declared type: the storage compares it as the value reads (``as_number``). A filter holds
at most ``MAX_PREDICATES`` predicates and ``MAX_LIST_VALUES`` values in its ``@`` lists, and no U+0000 (400).
Values only ever reach SQL as bound parameters.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import sys
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel

from timeback.filters import BLANKS, FIELD_PATTERN
from timeback.models._base import DateOrDateTime, Day, is_rfc3339_date_or_datetime, parse_date_or_datetime
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference
from timeback.server.errors import ApiError

# "json": a value inside metadata, of any JSON type (only a filter's predicates have it; no model field does)
FieldKind = Literal["string", "number", "date", "ref", "object", "list", "bool", "json"]
OPERATORS = ("!=", ">=", "<=", "=", ">", "<", "~", "@")
# A filter is one SQL statement: these bound its size (SQLite parses "a OR b OR ..." into a tree as deep as the
# chain is long, and refuses one deeper than 1,000; each value is a bound parameter). More: 400.
MAX_PREDICATES = 100
MAX_LIST_VALUES = 1_000  # in all of a filter's "@" lists together


@dataclass(frozen=True)
class Predicate:
    path: tuple[str, ...]  # ("score",), ("student", "sourcedId"), ("metadata", "key")
    kind: FieldKind  # the kind of the value compared
    op: str
    # str (also for metadata, "json"), float, bool, or a date: "YYYY-MM-DD" (a whole day) or
    # "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); a list for "@"
    value: Any

    def holds_for(self, value: str) -> bool:
        """Whether it holds for a text field whose value is ``value``, compared as the storage compares text."""
        return _holds(self, value)


@dataclass(frozen=True)
class Filter:
    """OR of ANDs of predicates."""

    any_of: tuple[tuple[Predicate, ...], ...]

    def mentions(self, name: str) -> bool:
        return any(p.path[0] == name for group in self.any_of for p in group)

    def admits(self, name: str, value: str) -> bool:
        """Whether a predicate on the text field ``name`` holds for ``value``, compared as the storage compares
        text (``~`` ignoring case). ``status='active' OR score>'5'`` does not admit ``tobedeleted``; ``status!=
        'active'``, ``status@'active,tobedeleted'`` and ``status~'DEL'`` do."""
        return any(_group_admits(group, name, value) for group in self.any_of)

    def only_on(self, name: str) -> bool:
        """Whether every predicate is on the field ``name``."""
        return all(p.path == (name,) for group in self.any_of for p in group)

    def holds_for(self, name: str, value: str) -> bool:
        """Whether a record whose field ``name`` is ``value`` passes this filter, when it is on that field alone
        (``only_on``): every predicate of one of its AND groups holds for the value, compared as ``admits`` does."""
        return any(all(p.holds_for(value) for p in group) for group in self.any_of)

    def renamed(self, names: dict[str, str]) -> Filter:
        """This filter with the fields ``names`` maps named by what it maps them to (a class's ``org``: its school)."""
        return Filter(tuple(tuple(replace(p, path=renamed(p.path, names)) for p in group) for group in self.any_of))

    def hiding(self, name: str, value: str) -> Filter:
        """This filter with ``name != value`` added to each of its AND groups that does not ask for ``value`` (no
        predicate on ``name`` holds for it): a group without a status predicate leaves deleted records out, whatever
        another group asks. ``status='tobedeleted' AND score<'50' OR score>'50'`` shows the deleted records scored
        under 50, not those over it."""
        hidden = Predicate((name,), "string", "!=", value)
        return Filter(tuple(group if _group_admits(group, name, value) else (*group, hidden) for group in self.any_of))


def renamed(path: tuple[str, ...], names: dict[str, str]) -> tuple[str, ...]:
    return (names.get(path[0], path[0]), *path[1:])


def _group_admits(group: tuple[Predicate, ...], name: str, value: str) -> bool:
    return any(p.path == (name,) and p.holds_for(value) for p in group)


_TEXT_COMPARE: dict[str, Any] = {
    "=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}  # fmt: skip


def _holds(p: Predicate, value: str) -> bool:
    if p.op == "@":
        return value in p.value
    if p.op == "~":
        return str(p.value).lower() in value.lower()
    return bool(_TEXT_COMPARE[p.op](value, p.value))


def field_kinds(model: type[BaseModel]) -> dict[str, FieldKind]:
    """Wire name -> kind, for the fields of a record model."""
    kinds: dict[str, FieldKind] = {}
    for name, info in model.model_fields.items():
        wire = info.serialization_alias or name
        kinds[wire] = (
            "date"
            if any(t in (DateOrDateTime, Day) for t in (info.annotation, *typing.get_args(info.annotation)))
            else _kind(info.annotation)
        )
    return kinds


@functools.cache
def field_members(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Wire name -> the values of a field typed as an enum (``status``, ``scoreStatus``, an org's ``type``...). The
    server stores no other (its strict validation refuses them), so a filter's ``=``, ``!=`` or ``@`` with another
    value (``status='deleted'``, a misspelt delta sync) matched nothing, or everything, silently: 400 instead."""
    members: dict[str, tuple[str, ...]] = {}
    for name, info in model.model_fields.items():
        enum = _enum(info.annotation)
        if enum is not None:
            members[info.serialization_alias or name] = tuple(member.value for member in enum)
    return members


def _enum(annotation: Any) -> type[Enum] | None:
    """The enum of an annotation such as ``Known[TimebackStatus] | None``, not inside a list or model."""
    if isinstance(annotation, type):
        return annotation if issubclass(annotation, Enum) else None
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        return next(filter(None, map(_enum, typing.get_args(annotation))), None)
    return None


def _kind(annotation: Any) -> FieldKind:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = {_kind(a) for a in args}
        for preferred in ("ref", "list", "object", "number", "bool"):
            if preferred in kinds:
                return preferred
        return "string"
    if origin is typing.Annotated:
        return _kind(args[0])
    if origin in (list, tuple):
        return "list"
    if origin is dict or annotation is dict:
        return "object"
    if isinstance(annotation, type):
        if issubclass(annotation, TimebackSourcedIdReference):
            return "ref"
        if issubclass(annotation, bool):
            return "bool"
        if issubclass(annotation, (int, float)):
            return "number"
        if issubclass(annotation, BaseModel):
            return "object"
    return "string"


_TOKEN = re.compile(
    r"\s*(?:(?P<quoted>'(?:[^']|'')*')|(?P<op>!=|>=|<=|=|>|<|~|@)|(?P<word>" + FIELD_PATTERN + ")"
    r"|(?P<bare>[^\s'=<>!~@()]+))"
)


def _shown(raw: str) -> str:
    return raw if len(raw) <= 200 else raw[:200] + "..."  # (a filter may be long: the message need not repeat it)


def _bad_filter(message: str, position: int, raw: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid filter at position {position}: {message} (filter: {_shown(raw)})",
        code_minor="invalid_filter_field",
        fields=[("filter", message)],
    )


def _tokens(raw: str) -> list[tuple[str, str, int]]:
    tokens, pos, end = [], 0, len(raw.rstrip())  # (trailing blanks end it; not a copy of the rest per token)
    while pos < end:
        match = _TOKEN.match(raw, pos)
        if not match:
            rest = raw[pos:].lstrip()
            if rest.startswith("'"):  # (a quoted value matches only once closed)
                raise _bad_filter("a value with no closing quote", len(raw) - len(rest), raw)
            raise _bad_filter("unexpected character " + repr(rest[:1]), pos, raw)
        kind = match.lastgroup or ""
        start = match.start(kind)
        if kind == "quoted" and raw.startswith("'", match.end()):  # ("'it''s": closed no further than "'it'")
            raise _bad_filter("a value with no closing quote", start, raw)
        tokens.append((kind, match.group(kind), start))
        pos = match.end()
    return tokens


def parse_filter(raw: str, kinds: dict[str, FieldKind], members: Mapping[str, tuple[str, ...]] = {}) -> Filter:
    """The filter ``raw`` over fields of these ``kinds``, whose enum fields take the values ``members`` gives them
    (``field_members``)."""
    if "\0" in raw:  # (no stored string holds it, and SQLite's JSON functions cut a string at it: wrong rows)
        raise _bad_filter("holds U+0000 (%00), which no value stored holds", raw.index("\0"), raw)
    tokens = _tokens(raw)
    if not tokens:
        raise _bad_filter("empty filter", 0, raw)
    groups: list[list[Predicate]] = [[]]
    i = predicates = listed = 0
    while True:

        def at(index: int) -> int:
            return tokens[index][2] if index < len(tokens) else len(raw)

        fk, field, fpos = tokens[i]
        if fk != "word" or field.upper() in ("AND", "OR"):  # (no field is named so: "x='1' AND AND y='2'")
            raise _bad_filter(f"expected a field name, found {field!r}", fpos, raw)
        if i + 1 >= len(tokens) or tokens[i + 1][0] != "op":
            after = fpos + len(field)
            if raw.startswith(".", after):  # (no name after that ".": "metadata..n", "metadata.n.")
                raise _bad_filter(f"expected a name after {field + '.'!r}", after + 1, raw)
            raise _bad_filter(f"expected an operator after {field!r}", at(i + 1), raw)
        if i + 2 < len(tokens) and tokens[i + 2][0] == "op":  # ("==", "<>", "=>": two operators in a row)
            written = raw[tokens[i + 1][2] : tokens[i + 2][2] + len(tokens[i + 2][1])]
            raise _bad_filter(f"unknown operator {written!r} (operators: = != > >= < <= ~ @)", tokens[i + 1][2], raw)
        if i + 2 >= len(tokens) or tokens[i + 2][0] != "quoted":
            raise _bad_filter("values must be in single quotes", at(i + 2), raw)
        op, value = tokens[i + 1][1], tokens[i + 2][1]
        predicates += 1
        if predicates > MAX_PREDICATES:
            raise _bad_filter(f"at most {MAX_PREDICATES} predicates in a filter", fpos, raw)
        if op == "@":
            listed += value.count(",") + 1
            if listed > MAX_LIST_VALUES:
                raise _bad_filter(f"at most {MAX_LIST_VALUES:,} values in all of a filter's @ lists", fpos, raw)
        groups[-1].append(_predicate(field, op, value[1:-1].replace("''", "'"), kinds, members, raw, fpos))
        i += 3
        if i == len(tokens):
            break
        kind, word, pos = tokens[i]
        if kind != "word" or word.upper() not in ("AND", "OR"):
            raise _bad_filter(f"expected AND or OR, found {word!r}", pos, raw)
        if word.upper() == "OR":
            groups.append([])
        i += 1
        if i == len(tokens):
            raise _bad_filter(f"a predicate must follow {word}", pos, raw)
    return Filter(tuple(tuple(g) for g in groups))


def _unknown_field(field: str, kinds: dict[str, FieldKind], raw: str) -> ApiError:
    """400 naming ``field`` and what a filter takes (as a ``sort`` naming no field says what it takes), and the filter
    sent, as a malformed one's says it (the SDK added the detail, the field alone, as "(filter: colour)", which read
    as the filter sent)."""
    takes = sort_keys(kinds) + (["metadata.<key>"] if kinds.get("metadata") == "object" else [])
    return ApiError(
        400,
        f"Unknown filter field: {field}; filter takes {', '.join(takes)} (filter: {_shown(raw)})",
        code_minor="invalid_filter_field",
        fields=[("filter", f"unknown field {field}")],
    )


def _predicate(
    field: str,
    op: str,
    raw_value: str,
    kinds: dict[str, FieldKind],
    members: Mapping[str, tuple[str, ...]],
    raw: str,
    pos: int,
) -> Predicate:
    head, _, rest = field.partition(".")
    kind = kinds.get(head)
    if kind is None:
        raise _unknown_field(field, kinds, raw)
    path: tuple[str, ...]
    if kind == "ref":
        if rest != "sourcedId":
            raise _bad_filter(f"filter a reference by its sourcedId: {head}.sourcedId", pos, raw)
        path, kind = (head, "sourcedId"), "string"
    elif kind == "object" and head == "metadata":
        if not rest:
            raise _bad_filter("metadata is an object: filter one of its keys, metadata.<key>", pos, raw)
        path, kind = ("metadata", *rest.split(".")), "json"
    elif kind == "list":
        raise _bad_filter(f"{head} is a list: a filter cannot reach into a list", pos, raw)
    elif rest or kind == "object":
        raise _unknown_field(field, kinds, raw)
    else:
        path = (head,)
    # (its text is compared exactly, as "=" compares: 'Active' matched nothing; ">" and "~" take any text)
    allowed = members.get(field) if op in ("=", "!=", "@") else None
    if kind == "bool" and op not in ("=", "!=", "@"):
        raise _bad_filter(f"{field} is true or false: compare it with =, != or @, not {op!r}", pos, raw)
    # (the operator before its values: ``scoreDate~'x'`` was told the date form, then, mended, that '~' is for text)
    if op == "~" and kind not in ("string", "json"):
        raise _bad_filter(f"'~' applies to text fields; {field} is a {kind}", pos, raw)
    values = [v.strip(BLANKS) for v in raw_value.split(",")] if op == "@" else [raw_value]
    converted: list[Any] = []
    for value in values:
        if kind == "number":
            number = as_number(value)  # (as metadata reads a number: the two agree)
            try:
                if number is not None:
                    converted.append(float(number))  # (a record's number is a double)
                    continue
            except OverflowError:  # (an integer past a double's range)
                pass
            raise _bad_filter(f"{field} compares with numbers, not {value!r}", pos, raw)
        if kind == "date":
            # The forms a record's date takes, no other: a time without an offset was read as UTC, silently
            # (also refused: an offset's minutes past 59, a moment past year 1 or 9999 in UTC)
            if not is_rfc3339_date_or_datetime(value):
                raise _bad_filter(f"{field} compares with {_DATE_FORMS}, not {value!r}", pos, raw)
            normalized = _normalize_date(value)
            converted.append(normalized[:10] if is_day(value) else normalized)  # (a day stays a whole day)
            continue
        if kind == "bool":
            if value.lower() not in ("true", "false"):
                raise _bad_filter(f"{field} compares with 'true' or 'false', not {value!r}", pos, raw)
            converted.append(value.lower() == "true")
            continue
        if allowed is not None and value not in allowed:
            raise _bad_filter(f"{field} compares with {_either(allowed)}, not {value!r}", pos, raw)
        converted.append(value)
    return Predicate(path, kind, op, converted if op == "@" else converted[0])


def _either(values: tuple[str, ...]) -> str:
    """``'a', 'b' or 'c'``."""
    *most, last = map(repr, values)
    return f"{', '.join(most)} or {last}" if most else last


# ASCII digits only: Python's \d and float() take any script's ('\uff15', '\u0665') and float() '1_0' too. One way
# to match each string: "[0-9]+\.?[0-9]*" split a run of digits n ways, tried in turn when a non-digit followed
# (O(n^2): 16,000 digits then 'x' held the GIL 10 s, every request waiting).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def as_number(value: str) -> int | float | None:
    """The number a filter's value reads as (``'5'``, ``'-2.5'``, ``'1e3'``, blanks around it), or None: an integer
    stays one, exact however large (up to the 4,300 digits metadata stores, ``int()``'s limit: past a double's
    range too); ``nan``, ``inf``, ``1e999``, ``1_000`` and digits other than ASCII's are no number (text for
    metadata, 400 for a number field)."""
    text = value.strip(BLANKS)
    if not _NUMBER.fullmatch(text):
        return None
    digits = text.lstrip("+-")
    significant = digits.lstrip("0") or "0"
    if digits.isdigit() and len(significant) <= (sys.get_int_max_str_digits() or math.inf):  # (0: no limit)
        return int(text[: len(text) - len(digits)] + significant)
    number = float(text)
    return number if math.isfinite(number) else None


def is_day(value: str) -> bool:
    """Whether a date of a filter is a whole day (``YYYY-MM-DD``) rather than a moment."""
    return len(value) == 10


LAST_MOMENT = "9999-12-31 23:59:59.999"
"""The last millisecond SQLite's ``julianday()`` has a value for. It rounds to the nearest millisecond, so from
``9999-12-31T23:59:59.9995Z`` (``datetime.max`` too) a moment rounds to year 10000, where it is NULL: such a moment
compares and sorts as this one, stored (``storage.sql._moment``) or in a filter (``_normalize_date``)."""


_DATE_FORMS = "a date (2024-01-15) or an RFC 3339 date-time with an offset (2024-01-15T10:00:00Z)"
# The time's fraction past its 6th digit
_PAST_MICROSECONDS = re.compile(r"[^.+-]*\.\d{6}(\d+)")


def _normalize_date(value: str) -> str:
    """An RFC 3339 date or date-time (``is_rfc3339_date_or_datetime``) as ``YYYY-MM-DD HH:MM:SS.ffffff[...]`` in
    UTC, for SQLite's ``julianday()``. Its digits past the millisecond are kept, those past the microsecond too
    (Python reads 6): ``julianday()`` rounds them to the nearest millisecond exactly as it rounds a stored value's,
    so a record still matches a filter on its own value (up to ``LAST_MOMENT``). Cut to 6, ``.5005001`` (.501) read
    as ``.500500``, which rounds to .500 (0.5005 is a hair under it as a double)."""
    parsed = parse_date_or_datetime(value).astimezone(UTC)
    normalized = parsed.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")  # (a 4-digit year)
    finer = _PAST_MICROSECONDS.match(value, 10)  # (past the date: its '-' is no offset)
    if finer is not None:  # (an offset is whole microseconds: the UTC moment's finer digits are the value's)
        normalized += finer.group(1)
    return min(normalized, LAST_MOMENT)  # (as text: LAST_MOMENT is a prefix of each moment it rounds to or past)


@dataclass(frozen=True)
class Sort:
    path: tuple[str, ...]
    kind: FieldKind
    descending: bool


def parse_sort(sort: str | None, order_by: str | None, kinds: dict[str, FieldKind]) -> Sort | None:
    if order_by not in (None, "asc", "desc"):
        raise ApiError(400, f"orderBy must be 'asc' or 'desc', not {order_by!r}", fields=[("orderBy", "asc|desc")])
    descending = order_by == "desc"
    if sort is None:
        return Sort(("pk",), "number", descending) if descending else None
    sort = sort.strip()  # (as each name of ``fields`` is: "sourcedId, score" was taken, " score" a 400)
    if sort not in sort_keys(kinds):
        why = _unsortable(sort, kinds)
        raise ApiError(
            400, f"Cannot sort by {sort!r}: {why}", code_minor="invalid_selection_field", fields=[("sort", sort or why)]
        )
    head, _, rest = sort.partition(".")
    if rest:
        return Sort((head, "sourcedId"), "string", descending)
    return Sort((head,), kinds[head], descending)


def _unsortable(sort: str, kinds: dict[str, FieldKind]) -> str:
    head = sort.partition(".")[0]
    if not sort:
        return "sort is empty"
    if "," in sort:
        return "sort takes one field"
    if kinds.get(head) == "ref":
        return f"sort a reference by its sourcedId: {head}.sourcedId"
    if kinds.get(head) in ("list", "object"):
        return f"{head} is {'a list' if kinds[head] == 'list' else 'an object'}"
    return "no such field; sort takes " + ", ".join(sort_keys(kinds))


def sort_keys(kinds: dict[str, FieldKind]) -> list[str]:
    """What ``sort`` may name: plain fields, and ``x.sourcedId`` for a reference ``x``."""
    keys = [name for name, kind in kinds.items() if kind not in ("ref", "object", "list")]
    return keys + [f"{name}.sourcedId" for name, kind in kinds.items() if kind == "ref"]
