"""Build OneRoster ``filter`` strings without writing quotes by hand.

    from timeback.filters import where

    f = where("student.sourcedId", "=", "s-1") & where("score", ">=", 90)
    str(f)  # "student.sourcedId='s-1' AND score>='90'"
    client.oneroster.gradebook.get_all_results(filter=f)

Every value is quoted and its quotes doubled, so a value can never end the expression early. ``@`` takes a list.
The server applies AND before OR, as ``a | b & c`` reads in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

__all__ = ["Filter", "where"]

OPERATORS = frozenset({"=", "!=", ">", ">=", "<", "<=", "~", "@"})
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")

Value = str | int | float | bool | date | datetime


class Filter(str):
    """A filter expression; combine with ``&`` (AND) and ``|`` (OR)."""

    def __and__(self, other: str) -> Filter:
        return Filter(f"{self} AND {other}")

    def __or__(self, other: str) -> Filter:
        return Filter(f"{self} OR {other}")


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def where(field: str, op: str, value: Value | Iterable[Value]) -> Filter:
    """One predicate: ``field op 'value'``. ``@`` ("in") takes an iterable of values."""
    if not _FIELD.fullmatch(field):
        raise ValueError(f"not a field name: {field!r}")
    if op not in OPERATORS:
        raise ValueError(f"unknown filter operator {op!r}; use one of {' '.join(sorted(OPERATORS))}")
    if op == "@":
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError("'@' takes a list of values")
        items = [_text(v) for v in value]
        if any("," in item for item in items):
            raise ValueError("values for '@' cannot contain commas")
        text = ",".join(items)
    elif isinstance(value, (str, int, float, bool, date, datetime)):
        text = _text(value)
    else:
        raise ValueError(f"operator {op!r} takes one value")
    return Filter(f"{field}{op}'{text.replace(chr(39), chr(39) * 2)}'")
