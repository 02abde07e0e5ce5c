"""The ISO 8601 text the SDK sends for a ``datetime`` (in a body and in a filter alike)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def iso_datetime(value: datetime) -> str:
    """``value`` as RFC 3339 text: naive as UTC, a zero offset as ``Z``. An offset with seconds (Python allows
    them, as old local mean times have, RFC 3339 has none) is taken to UTC (``isoformat`` writes ``+00:00:30``).
    One that UTC would take out of years 1-9999 is left as it is, for the server to refuse as it refuses
    ``9999-12-31T23:59:59-05:00`` (an error raised here would reach the caller as pydantic's "not a string")."""
    offset = value.utcoffset()
    if offset is None:
        value = value.replace(tzinfo=UTC)
    elif offset % timedelta(minutes=1):
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            pass
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
