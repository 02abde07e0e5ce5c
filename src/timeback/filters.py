"""Build OneRoster ``filter`` strings without writing quotes by hand.

    from timeback.filters import where

    f = where("student.sourcedId", "=", "s-1") & where("score", ">=", 90)
    str(f)  # "student.sourcedId='s-1' AND score>='90'"
    client.oneroster.gradebook.get_all_results(filter=f)

Every value is quoted and its quotes doubled, so a value can never end the expression early. ``@`` takes a list.
The grammar has no parentheses and applies AND before OR, so a combination is written out in that form with the
meaning Python's grouping gives it: ``a | b & c`` is ``a OR b AND c``, and ``(a | b) & c`` is
``a AND c OR b AND c``. Written out, each ``& (x | y)`` doubles the filter: an ``&`` that would write out over
``MAX_WRITTEN_OUT`` predicates raises ``ValueError``. (Timeback's production documents at most two predicates and one
kind of operator per filter; the local server takes up to 100.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Literal, get_args

from timeback._dates import iso_datetime
from timeback._pagination import async_only

__all__ = ["Filter", "Operator", "where"]

Operator = Literal["=", "!=", ">", ">=", "<", "<=", "~", "@"]
"""OneRoster's comparison operators: ``~`` contains, ``@`` is in a list (typed, so that a checker catches ``"=="``)."""
OPERATORS: frozenset[str] = frozenset(get_args(Operator))  # (what untyped callers are checked against at run time)
FIELD_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[^\s'\"\\.=!<>~@\x00-\x1f]+)*"
"""A filter's field name as the server's parser reads it (with this very pattern): a record field's name, then
dotted parts (``student.sourcedId``, ``metadata.grade-level``) of any characters but whitespace, quotes and
``=!<>~@`` (they end the field), ``.`` (it separates parts), ``\\`` and control characters (SQLite's JSON paths
reach no key holding them, or a quote, as stored)."""
_FIELD = re.compile(FIELD_PATTERN)
BLANKS = " \t\r\n"
"""What the server trims from around each value of an ``@`` list and a number (``'a, b'``, ``' 5 '``), and from a
metadata value read as ``true``/``false``: blanks alone, not any Unicode space (a value beginning with a no-break
space is another value, as ``=`` compares it)."""

Value = str | int | float | Decimal | bool | date | datetime
_VALUE_TYPES = (str, int, float, Decimal, date)  # (bool is an int, datetime a date)


Groups = tuple[tuple[str, ...], ...]  # predicates ANDed within a group, groups ORed: the grammar's only form


class Filter(str):
    """A filter expression; combine with ``&`` (AND) and ``|`` (OR), with filters or filter strings."""

    _groups: Groups

    def __new__(cls, text: str) -> Filter:
        made = super().__new__(cls, text)
        made._groups = _groups_of(text)
        return made

    def __and__(self, other: str) -> Filter:
        theirs = _groups_of(other)
        _check_size(self._groups, theirs)
        return _written_out(tuple(mine + their for mine in self._groups for their in theirs))

    def __rand__(self, other: str) -> Filter:
        theirs = _groups_of(other)
        _check_size(theirs, self._groups)
        return _written_out(tuple(their + mine for their in theirs for mine in self._groups))

    def __or__(self, other: str) -> Filter:
        return _written_out(self._groups + _groups_of(other))

    def __ror__(self, other: str) -> Filter:
        return _written_out(_groups_of(other) + self._groups)


# A predicate's quoted value (quotes doubled inside), and the logical operator after it if any: as the server
# reads them, in any case and with or without a space after the quote ("a='1'or b='2'").
_VALUE_THEN_LOGICAL = re.compile(r"'(?:[^']|'')*'(?:\s*\b(AND|OR)\b)?", re.IGNORECASE)


def _groups_of(text: str) -> Groups:
    if isinstance(text, Filter):
        return text._groups
    groups: list[tuple[str, ...]] = []
    group: list[str] = []
    start = 0
    for found in _VALUE_THEN_LOGICAL.finditer(text):
        if found.group(1) is None:
            continue  # (a value with no operator after it: an AND inside quotes is text)
        group.append(text[start : found.start(1)].strip())
        if found.group(1).upper() == "OR":
            groups.append(tuple(group))
            group = []
        start = found.end()
    group.append(text[start:].strip())
    groups.append(tuple(group))
    return tuple(groups)


MAX_WRITTEN_OUT = 100
"""The most predicates an AND of two filters may write out to (the local server's limit for a whole filter)."""


def _check_size(left: Groups, right: Groups) -> None:
    # Written out, an AND of ORs multiplies: ``(a|b) & (c|d) & ...`` doubles with each term. Refused before it is
    # built, rather than building (and sending) a filter of millions of predicates.
    size = len(right) * sum(map(len, left)) + len(left) * sum(map(len, right))
    if size > MAX_WRITTEN_OUT:
        raise ValueError(
            f"this AND of filters written out (the grammar has no parentheses: AND before OR) takes {size} "
            f"predicates, over {MAX_WRITTEN_OUT}; split the query, or use '@' for a list of values"
        )


def _written_out(groups: Groups) -> Filter:
    # (its groups as given, not parsed again from the text: parsing the whole filter at each | made a chain of n
    # ORs cost n^2 / 2 predicates parsed, 15 s for 4,000. Read back, the text gives these groups when each predicate
    # ends with its quoted value, as the grammar has them; a caller's string that does not (``"x=1"``) keeps its own
    # group here, where its text read back would join it to the next: a server refuses either.)
    made = str.__new__(Filter, " OR ".join(" AND ".join(group) for group in groups))
    made._groups = groups
    return made


def _text(field: str, value: Value) -> str:
    if isinstance(value, Enum):  # (str() of a caller's (str, Enum) member is 'Grade.A', where a body sends its value)
        value = value.value
    if not isinstance(value, _VALUE_TYPES):
        raise ValueError(f"a filter value is a str, number, bool, date or datetime, not {type(value).__name__}")
    if isinstance(value, (float, Decimal)) and not Decimal(value).is_finite():  # (math.isfinite raises on sNaN)
        # (written out, 'inf' or 'NaN' is text: metadata.n<'inf' matched only strings; a number field refuses it)
        raise ValueError(f"{field}: {value!r} is no finite number; a filter compares with finite numbers only")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _as_list(field: str, value: object) -> str:
    """The call ``where(field, "@", value)`` meant, given one value or the wire's list as one string
    (``status@'active,tobedeleted'`` written ``"active,tobedeleted"``): its first 3 values, unquoted; or nothing."""
    parts: list[object]
    if isinstance(value, str):
        parts = [part.strip(BLANKS).strip("'") for part in value.split(",")]
    elif isinstance(value, bool | int | float | date):
        parts = [value]
    else:
        return ""
    shown = ", ".join(repr(part) for part in parts[:3]) + (", ..." if len(parts) > 3 else "")
    return f": where({field!r}, '@', [{shown}])"


def where(field: str, op: Operator, value: Value | Iterable[Value]) -> Filter:
    """One predicate: ``field op 'value'``. ``@`` ("in") takes an iterable of values."""
    if not _FIELD.fullmatch(field):
        raise ValueError(f"not a field name: {field!r}")
    if op not in OPERATORS:
        raise ValueError(f"unknown filter operator {op!r}; use one of {' '.join(sorted(OPERATORS))}")
    if op == "@":
        if isinstance(value, str) or not isinstance(value, Iterable) or async_only(value):
            raise ValueError(f"'@' takes a list of values{_as_list(field, value)}")
        items = [_text(field, v) for v in value]
        if not items:  # (sent as '', it would be a list of one value: the empty string)
            raise ValueError("'@' needs at least one value")
        # (the grammar has no escape for a comma in a list, and trims each value: OneRoster writes 'a, b')
        comma = next((item for item in items if "," in item), None)
        if comma is not None:
            raise ValueError(f"{field}: an '@' list cannot hold a value with a comma ({comma!r}): compare it with '=' "
                             "(where(field, '=', value) | where(...) for several)")  # fmt: skip
        spaced = next((item for item in items if item != item.strip(BLANKS)), None)
        if spaced is not None:
            raise ValueError(f"{field}: an '@' list cannot hold a value starting or ending with spaces ({spaced!r}): "
                             "compare it with '='")  # fmt: skip
        text = ",".join(items)
    elif isinstance(value, Iterable) and not isinstance(value, str):
        raise ValueError(f"operator {op!r} takes one value")
    else:
        text = _text(field, value)  # (a Decimal as written, '90.0': what a body sends it as)
    return Filter(f"{field}{op}'{text.replace(chr(39), chr(39) * 2)}'")
