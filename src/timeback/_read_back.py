"""Confirming a create whose answer was lost by reading its records back: how they are read, and whether a record
read back is the one sent.

The reads are sized to a URL (``READ_BACK_IN_LIST``, ``CONFIRM_CHUNK``, ``_within_url``) and what they found is a
``ReadBack``; a record held is compared with the one sent as a server may write it otherwise (``reads_back_as_sent``,
``written_as_sent``, ``holds``: a date-time as the same instant, a flag as a word, a reference with fields added or
under its other name, one the server derives). The engine (``_base_client``) builds and sends the reads and
parses their answers (``BaseClient.confirming``, ``read_back_page``); bulk uploads (``_bulk``) compare with the same
rules. Apart from the engine because the rules are a concern of their own, and long.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from timeback.errors import APIConnectionError, APIResponseValidationError, RequestError

if TYPE_CHECKING:
    from timeback._operations import Operation

# Why the records of a create answered 2xx, though not with what was stored (its JSON cut short; a batch's pairs
# missing), may be stored although not confirmed as sent.
STORED_ALL_THE_SAME = "its records may have been stored all the same"


CONFIRM_CHUNK = 50  # records read back per request through a filter of ORed sourcedIds
# Records read back per request through Timeback's "@" (in a list): at most this many ids (the local server's cap
# on an "@" list), and a filter of at most about this many characters, so the URL stays well under the 8 KB that
# proxies commonly take. Ids with a comma, a quote or surrounding spaces, which a list cannot hold, go ORed.
READ_BACK_IN_LIST = 1000
READ_BACK_BYTES = 6000


def _within_url(items: list[str], most: int, separator: str) -> Iterator[list[str]]:
    """``items`` in runs of at most ``most``, each (joined by ``separator``) at most ``READ_BACK_BYTES`` long once
    percent-encoded in a URL's query (an item longer than that alone)."""
    extra = len(quote(separator, safe=""))
    run: list[str] = []
    size = 0
    for item in items:
        cost = len(quote(item, safe="")) + extra
        if run and (len(run) == most or size + cost > READ_BACK_BYTES):
            yield run
            run, size = [], 0
        run.append(item)
        size += cost
    if run:
        yield run


def _fits_in_list(sourced_id: str) -> bool:
    return "," not in sourced_id and "'" not in sourced_id and sourced_id == sourced_id.strip() != ""


@dataclass
class ReadBack:
    """What ``reading_back`` found: the records held, by sourcedId; the error that ended the reads, if one did; the
    retries its requests took."""

    records: dict[Any, Any] = field(default_factory=dict)
    failed: RequestError | APIConnectionError | APIResponseValidationError | None = None
    retries_taken: int = 0


def reads_back_as_sent(
    held: dict[str, Any] | None,
    record: dict[str, Any],
    dates: frozenset[str] = frozenset(),
    refs: frozenset[str] = frozenset(),
) -> bool:
    """Whether a stored record holds every field as sent (the stamp aside; a field sent as null may be absent; a
    value the server writes otherwise, ``holds``: ``dates`` names the date fields, ``refs`` the reference fields,
    as ``reference_fields`` finds them). First compared in C, the items
    sent among the items held: field by field in Python was a third of the client's CPU in a re-sync; field by field
    only when that fails. Fields held but not sent are the caller's to judge (``held_beside``). A reference sent under
    one name of a MIRRORED pair may be held under the other alone (a class's ``org``, answered as ``school``)."""
    if held is None:
        return False
    if record.items() <= held.items():  # (by ==, where True == 1: the bools are looked at apart)
        return _exactly(held, record)
    return all(
        _holds_at(held, k, v, dates, refs) or _held_as_other(held, k, v, dates, refs)
        for k, v in record.items()
        if k != "dateLastModified"
    )


def _held_as_other(held: dict[str, Any], key: str, sent: Any, dates: frozenset[str], refs: frozenset[str]) -> bool:
    other = _OTHER_NAME.get(key)
    return other is not None and held.get(key) is None and _holds_at(held, other, sent, dates, refs)


# A reference a server fills in on a record written without it, from the record another of its references names: a
# result's class is its line item's, an enrollment's school and course its class's. Stored in -> (fields, via, via's
# collection).
DERIVED: dict[str, tuple[tuple[str, ...], str, str]] = {
    "results": (("class",), "lineItem", "lineItems"),
    "enrollments": (("school", "course"), "class", "classes"),
}
# A reference under two names, either written from the other when left out (Timeback's class org is its school,
# which it answers as school alone).
MIRRORED = (("org", "school"), ("school", "org"))
_OTHER_NAME = dict(MIRRORED)


def sourced_id_of(reference: Any) -> Any:
    return reference.get("sourcedId") if isinstance(reference, dict) else None


def derives_from(op: Operation[Any, Any], held: dict[str, Any] | None, record: dict[str, Any]) -> Any:
    """The sourcedId of the record a DERIVED reference that ``held`` holds and ``record`` leaves out comes from (to
    read with ``derived_reads``: whether that is the reference the server gives such a write), else None."""
    rule = DERIVED.get(op.stored_in or op.collection)
    if rule is None or held is None or not any(record.get(f) is None and held.get(f) is not None for f in rule[0]):
        return None
    source = sourced_id_of(record.get(rule[1]))
    return source if isinstance(source, str) and source else None  # (no id to read by: not the server's)


def filled_by_server(
    op: Operation[Any, Any], held: dict[str, Any], record: dict[str, Any], derived: Mapping[Any, Any]
) -> set[str]:
    """The fields ``held`` has beside ``record`` that a server fills in on such a write: a DERIVED reference naming
    what the record it comes from names (``derived``, read: a class set otherwise is no such field), the other name
    of a MIRRORED reference, a view's fixed ``type`` (a school's, term's or grading period's)."""
    filled = {"dateLastModified", "type"}
    for name, other in MIRRORED:
        mirrored = sourced_id_of(record.get(other))
        if name not in record and mirrored is not None and sourced_id_of(held.get(name)) == mirrored:
            filled.add(name)
    rule = DERIVED.get(op.stored_in or op.collection)
    source = derived.get(sourced_id_of(record.get(rule[1]))) if rule is not None else None
    if rule is not None and source is not None:
        filled.update(n for n in rule[0] if record.get(n) is None and sourced_id_of(held.get(n)) == source.get(n))
    return filled


def written_as_sent(
    op: Operation[Any, Any],
    held: dict[str, Any] | None,
    record: dict[str, Any],
    dates: frozenset[str],
    derived: Mapping[Any, Any],
    refs: frozenset[str] = frozenset(),
) -> bool:
    """Whether a record read back is the one a write of ``record`` (a create of ``op``, or a PUT of what it
    creates) leaves: each field as sent, and no other but nulls and what the server fills in."""
    if not reads_back_as_sent(held, record, dates, refs):
        return False
    assert held is not None
    return held_beside(held, record, filled_by_server(op, held, record, derived))


def held_beside(held: dict[str, Any], record: dict[str, Any], set_by_server: Iterable[str]) -> bool:
    """Whether the fields ``held`` has beside those of ``record`` are null, empty lists (the default Timeback's
    rostering answers give an array it requires: a user's agents, an org's children) or ``set_by_server``: a record
    holding a score or comment the call did not send is not the call's own."""
    return all(held[key] is None or held[key] == [] for key in held.keys() - record.keys() - set(set_by_server))


# What a server may add to a reference it answers with: 1EdTech's GUIDRef has href and type; Timeback's rostering
# answers add name.
REFERENCE_EXTRAS = frozenset({"href", "type", "name"})
_SERVERS_OWN = frozenset({"href", "type"})  # (of those: what a server writes whatever was sent)


def holds(
    held: Any,
    sent: Any,
    dates: frozenset[str] | None = None,
    date: bool = False,
    refs: frozenset[str] = frozenset(),
    reference: bool = False,
) -> bool:
    """Whether a stored value is the value sent: equal (a bool only to a bool: Python's ``True == 1`` is not
    JSON's; a number to the same number, ``1`` to ``1.0``), or the same written otherwise: a reference (an object
    with a ``sourcedId`` where the value is a reference: ``reference``, its field one of ``refs``) with fields added
    (``REFERENCE_EXTRAS``), a date-time as another form of the same instant (``2024-09-08T10:00:00.000Z`` for
    ``2024-09-08T10:00:00Z``) where the value is a date (``date``: its field is one of ``dates``), a flag
    (``FLAGS``) as ``"true"``/``"false"``, and lists and objects of such values. ``dates`` None: free JSON
    (``metadata``), where no name makes a date, a flag or a reference."""
    if held == sent:
        return _exactly(held, sent)
    if isinstance(sent, dict):
        # (a reference's href and type are the server's to write: the local one answers its own for the record)
        checked = (kv for kv in sent.items() if not (reference and kv[0] in _SERVERS_OWN and "sourcedId" in sent))
        if not isinstance(held, dict) or not all(_holds_at(held, k, v, dates, refs) for k, v in checked):
            return False
        added = held.keys() - sent.keys()
        return not added or (reference and "sourcedId" in sent and added <= REFERENCE_EXTRAS)
    if isinstance(sent, list):
        return (
            isinstance(held, list)
            and len(held) == len(sent)
            and all(holds(h, s, dates, date, refs, reference) for h, s in zip(held, sent, strict=True))
        )
    return date and isinstance(sent, str) and isinstance(held, str) and _same_instant(held, sent)


# A record's flags, which Timeback answers as "true"/"false" and takes as either those or a JSON boolean.
FLAGS = frozenset({"enabledUser", "primary"})
_FLAG_VALUES = {"true": True, "false": False, True: True, False: False}


def _holds_at(
    held: dict[str, Any], key: str, sent: Any, dates: frozenset[str] | None, refs: frozenset[str] = frozenset()
) -> bool:
    if dates is None or key == "metadata":
        # Free JSON, the caller's own: only the same JSON value (numbers by value: ``1`` is ``1.0``, as JSON has
        # them and a server in JavaScript writes them), no date, flag or reference there, whatever its name.
        value = held.get(key)
        return value == sent and _exactly(value, sent)
    if key == "schoolYear" and type(sent) is str and type(held.get(key)) is int:  # (Timeback answers the number)
        return str(held[key]) == sent
    if key in FLAGS and type(sent) in (bool, str):
        value = held.get(key)
        return type(value) in (bool, str) and _FLAG_VALUES.get(value, value) == _FLAG_VALUES.get(sent, sent)
    return holds(held.get(key), sent, dates, key in dates, refs, key in refs)


def _exactly(held: Any, sent: Any) -> bool:
    """Whether two values found equal (``==``) are the same JSON value: no bool standing for a number. (Loops, not
    ``all()`` of a generator: a re-sync runs this on every record read back, about 1 us each.)"""
    kind = type(sent)
    if kind is dict:
        for key, value in sent.items():
            if type(value) is not str and not _exactly(held[key], value):  # (a string equals only a string)
                return False
        return True
    if kind is list:
        for item, value in zip(held, sent, strict=True):
            if type(value) is not str and not _exactly(item, value):
                return False
        return True
    return (kind is bool) is (type(held) is bool)


def _same_instant(held: str, sent: str) -> bool:
    """Whether a date-time held is the date or date-time sent, written otherwise: the same instant (as
    ``parse_date_or_datetime`` reads them: a date alone is its midnight UTC, as a server keeping date-times writes
    it). A date held alone is only that date: a server keeping dates as sent would store a date-time sent as such
    (``2024-09-07T20:00:00-04:00`` is no change to ``2024-09-08`` only when read as instants). Held with fewer
    digits of a second than sent, it is the instant sent cut to those (``_cut_from``); with as many or more, the
    same instant exactly."""
    if "T" not in held or not (held[:4].isdigit() and sent[:4].isdigit() and held[4:5] == sent[4:5] == "-"):
        return False
    from timeback.models._base import parse_date_or_datetime

    kept, given = _fraction_of(held), _fraction_of(sent)
    try:
        if len(kept) < len(given):
            return _cut_from(held, kept, sent, given)
        same = parse_date_or_datetime(held) == parse_date_or_datetime(sent)
    except ValueError:
        return False
    # (Python reads 6 digits and drops the rest, which a server keeps as sent: ``...:00.1234567Z`` is no
    # ``...:00.1234568Z``; trailing zeros aside)
    return same and kept[6:].rstrip("0") == given[6:].rstrip("0")


def _cut_from(held: str, kept: str, sent: str, given: str) -> bool:
    """Whether a date-time ``held``, its fraction of a second ``kept``, is the one ``sent`` (fraction ``given``,
    longer) cut to as many digits: a server keeping milliseconds (JavaScript's Date, Timeback's ``...:00.000Z``) or
    seconds answers ``...:00.123Z`` or ``...:00Z`` for ``...:00.123456Z``. Truncated (as V8 reads finer digits) or
    rounded half up (as PostgreSQL keeps microseconds), the rounding maybe into the next second. Compared as whole
    seconds and the digits kept: a ``datetime`` holds no more than 6."""
    from timeback.models._base import parse_date_or_datetime

    scale = 10 ** (len(given) - len(kept))
    truncated, rounded = int(given) // scale, (int(given) + scale // 2) // scale
    whole = held.replace(f".{kept}", "", 1) if kept else held  # (the first ".": a date and an offset have none)
    apart = parse_date_or_datetime(whole) - parse_date_or_datetime(sent.replace(f".{given}", "", 1))
    digits = int(kept or "0")
    if not apart:
        return digits in (truncated, rounded)
    return apart == datetime.timedelta(seconds=1) and digits == 0 and rounded == 10 ** len(kept)


# A date-time's fraction of a second.
_FRACTION = re.compile(r"\.(\d+)")


def _fraction_of(value: str) -> str:
    """The digits of a date-time's fraction of a second as written (``""``: none, or a date)."""
    fraction = _FRACTION.search(value, 10)
    return fraction.group(1) if fraction else ""
