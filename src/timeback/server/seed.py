"""Load a roster (or any records) from a JSON file at start: ``timeback serve --seed FILE``.

The file has one key per collection, each a list of records as the API takes them::

    {"orgs": [{"sourcedId": "school-1", "name": "Lincoln", "type": "school"}],
     "academicSessions": [...], "courses": [...], "classes": [...], "users": [...], "enrollments": [...]}

Every record goes through the same validation and reference checks as a ``POST`` on its collection, in the order
of ``LOAD_ORDER`` (records a later collection refers to come first; within a list, parents before children), all in
one transaction: a seed with a bad record stores none of its records. A user whose agents name a user listed at or
after it loads without them, and is given them (as a ``PUT``) once its list is loaded: users may name each other.

Each list loads in chunks of ``CHUNK`` records, as a batch ``POST`` does: each record validated alone, then one
reference check, one stamp and one insert for the chunk. A chunk that fails (or whose records name a later record of
their own collection, which one at a time would not find yet) is undone and loaded again one record at a time, as
each record's own ``POST``: the first record that fails there is the one named, with its ``POST``'s message.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from timeback._ids import quoted_id
from timeback._operations import Operation
from timeback.resources import GradebookOperations, RosteringOperations
from timeback.server.bodies import Refused, read_json, refused_at
from timeback.server.collections import COLLECTIONS, CollectionDef
from timeback.server.errors import ApiError
from timeback.server.service import GradebookService, references

LOAD_ORDER = (
    "orgs", "schools", "academicSessions", "terms", "gradingPeriods", "courses", "classes", "users", "enrollments",
    "demographics", "categories", "scoreScales", "lineItems", "results", "assessmentLineItems", "assessmentResults",
)  # fmt: skip
CHUNK = 1000  # records checked and inserted together


def _ops(kind: str) -> dict[str, Operation[Any, Any]]:
    """The operations of ``kind`` ("create", "put") on each collection, by collection."""
    ops = {}
    for operations in (RosteringOperations, GradebookOperations):
        for op in operations.operations():
            if op.kind == kind and not op.parents:
                ops[op.collection] = op
    return ops


class SeedError(ValueError):
    pass


class SeedPartlyHeld(SeedError):
    """The database holds some of the seed's records, not all: its state, not the seed, stops the start (``serve``:
    exit 1, as a database another program locks, not a usage error's 2)."""


class SeedAlreadyLoaded(Exception):
    """Every record of the seed, each named by its sourcedId, is in the database already (a server restarted on its
    file with the same ``--seed``): nothing loaded. (It was refused, "School already exists", exit 2: a process
    supervisor restarting the command it was given met that at every restart.) ``records``: how many."""

    def __init__(self, records: int) -> None:
        super().__init__(f"its {counted(records, 'record')} {'is' if records == 1 else 'are'} in the database already")
        self.records = records


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, in the plural unless one: "1 record", "67 records"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    try:
        # (as a request body: a number the server does not take is left marked, named with its record by _body)
        data = read_json(raw, _no_repeated_key)
    except ValueError as exc:  # (JSONDecodeError, UnicodeDecodeError, RepeatedKey)
        raise _unreadable(path, raw, exc) from None
    except RecursionError:
        raise _too_deep(path) from None
    if not isinstance(data, dict):
        raise SeedError(f"{str(path)!r} must hold a JSON object with one key per collection")
    return data


def _too_deep(path: Path) -> SeedError:
    """A seed nested deeper than ``json`` reads (some 1,000 levels on Python 3.11, 10,000 on 3.13; a request body
    so deep is 400)."""
    return SeedError(f"{str(path)!r} is not JSON: nested too deeply to read")


class RepeatedKey(ValueError):
    pass


def _no_repeated_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object of the seed, which may not repeat a key: json keeps the last (a second ``"schools"`` list, or
    ``"name"``, replaced the first without a word)."""
    found = dict(pairs)
    if len(found) < len(pairs):
        raise RepeatedKey("an object repeats a key")
    return found


def _marking_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any] | Refused:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            break
        seen.add(key)
    return Refused(f"repeats the key {key!r}")


def _unreadable(path: Path, raw: bytes, exc: ValueError) -> SeedError:
    """Why ``raw`` did not load, read again, slower, to say where the value it refuses is (a repeated key)."""
    try:
        refused = refused_at(read_json(raw, _marking_repeated_keys))
    except ValueError:
        refused = None
    except RecursionError:  # (deeper in than the key that stopped the first read: a traceback, read again)
        return _too_deep(path)
    if refused is None:
        return SeedError(f"{str(path)!r} is not JSON: {exc}")
    where, message = refused
    return SeedError(f"{str(path)!r}: {where or 'the top-level object'}: {message}")


def _with_likely_name(key: str) -> str:
    """An unknown key of a seed, quoted, and the collection it likely means ("'school' (schools?)")."""
    names = {name.lower(): name for name in LOAD_ORDER}  # ("lineitems", "academic_sessions" too)
    names |= {"students": "users", "teachers": "users"}  # (the API's views of users; not "terms", the nearest)
    written = key.lower().replace("_", "").strip()
    # (a part of one's name first, 'sessions', 'items', 'scale'; else close: not by the default 0.6, by which 'bogus'
    # was "orgs?")
    likely = [name for name in names if len(written) >= 4 and written in name][:1]
    likely = likely or difflib.get_close_matches(written, names, n=1, cutoff=0.75)
    return f"{key!r} ({names[likely[0]]}?)" if likely else repr(key)


def load_seed(
    service: GradebookService, source: str | os.PathLike[str] | dict[str, Any], *, anew: bool = False
) -> dict[str, int]:
    """Create every record of the seed; returns how many records each collection got. A ``SeedError`` of a seed
    file names the file, as those of a file that does not read do (``'bad.json': users[3]: ...``);
    ``SeedAlreadyLoaded`` if the database holds every record of it already, unless ``anew`` (emptied just before:
    ``LocalServer.reset()``, within whose transaction no read connection can look)."""
    if isinstance(source, dict):
        return _load(service, source, anew)
    path = Path(source)  # (one name for the file in every error: './x.json' reads as 'x.json')
    data = _read(path)
    try:
        return _load(service, data, anew)
    except SeedError as exc:
        raise type(exc)(f"{str(path)!r}: {exc}") from None


def _load(service: GradebookService, data: dict[str, Any], anew: bool) -> dict[str, int]:
    ops, puts = _ops("create"), _ops("put")
    unknown = set(data) - set(LOAD_ORDER)
    if unknown:
        named = [_with_likely_name(key) for key in sorted(unknown)]
        raise SeedError(f"unknown collections in the seed: {', '.join(named)} (a seed holds {', '.join(LOAD_ORDER)})")
    if not anew:
        present, total, unnamed, first = _held(service, data)
        if present and present == total:
            raise SeedAlreadyLoaded(total)
        if present:  # (a POST would refuse the first held: say what the file holds of it instead)
            without = f"; {counted(unnamed, 'record')} without a sourcedId cannot be found held" if unnamed else ""
            raise SeedPartlyHeld(
                f"the database holds {present:,} of its {counted(total, 'record')} already, not "
                f"{first}{without}: load it into a new database file, or start without it"
            )
    try:
        return _load_all(service, data, ops, puts)
    except SeedError:
        # (another server on the file loaded it since the look above, one transaction: two started at once on a new
        # file with the same seed, one said its first record already existed, exit 2, 7 times in 10)
        if not anew and (held := _held(service, data))[0] == held[1] > 0:
            raise SeedAlreadyLoaded(held[1]) from None
        raise


def _load_all(
    service: GradebookService,
    data: dict[str, Any],
    ops: dict[str, Operation[Any, Any]],
    puts: dict[str, Operation[Any, Any]],
) -> dict[str, int]:
    """Load every record of the seed ``data``, in one transaction."""
    counts = {}
    with service.storage.all_or_nothing():  # (a seed that fails stores nothing: corrected, it loads on the same file)
        for collection in LOAD_ORDER:
            op = ops[collection]
            records = data.get(collection, [])
            if not isinstance(records, list):
                raise SeedError(f"{collection}: must be a list of records")
            # (a user naming a user listed at or after it: loaded without its agents, given them once all are)
            held: dict[int, dict[str, list[Any]]] = {}
            for index, path in _naming_later(_own_table_refs(COLLECTIONS[collection], lists=True), records):
                held.setdefault(index, {})[path.removesuffix("[]")] = []
            loading = {**data, collection: [{**r, **held[i]} if i in held else r for i, r in enumerate(records)]}
            for start in range(0, len(records), CHUNK):
                _load_chunk(service, op, loading, collection, start)
            for index in held:
                put, record = puts[collection], records[index]
                try:
                    service.handle(put, {"sourced_id": record["sourcedId"]}, {}, _body(put, record), "")
                except ApiError as exc:
                    raise _named(collection, index, exc) from None
            counts[collection] = len(records)
        with service.storage.transaction() as tx:  # (the statistics of the file as the seed leaves it)
            tx.analyze()
    return counts


def _held(service: GradebookService, data: dict[str, Any]) -> tuple[int, int, int, str]:
    """(how many of the seed's records the database holds already, how many it has, how many of those have no
    sourcedId, the first not held: ``users[15] 'student-99'``): each looked up by its sourcedId in its collection's
    table (a school the seed lists among the orgs: one whose type was changed since is held still), deleted ones
    too; one read per collection, no write."""
    held = total = unnamed = 0
    first = ""
    for collection in LOAD_ORDER:
        records = data.get(collection) or []
        if not isinstance(records, list):
            return 0, 0, 0, ""  # (refused by the load, saying so)
        ids = [r.get("sourcedId") if isinstance(r, dict) else None for r in records]
        named = {i for i in ids if isinstance(i, str) and i}
        found = service.storage.held(COLLECTIONS[COLLECTIONS[collection].table], named) if named else set()
        for index, sourced_id in enumerate(ids):
            if sourced_id in found:
                held += 1
            elif not first:
                first = f"{collection}[{index}]" + (f" {quoted_id(sourced_id)}" if sourced_id in named else "")
        total, unnamed = total + len(records), unnamed + len(records) - sum(i in named for i in ids)
    return held, total, unnamed, first


def _load_chunk(
    service: GradebookService, op: Operation[Any, Any], data: dict[str, Any], collection: str, start: int
) -> None:
    """Load the chunk of ``data[collection]`` from ``start`` as one batch, else (the batch undone) one at a time, each
    as its own ``POST``, so that the first that fails is named as before. Validation stops at the first invalid record,
    which is named once those before it have loaded: one of them may fail first, as one at a time."""
    chunk = data[collection][start : start + CHUNK]
    records: list[dict[str, Any]] = []
    invalid = None
    for index, record in enumerate(chunk, start):
        try:
            records += service.new_records(op, _body(op, record))
        except ApiError as exc:
            invalid = _named(collection, index, exc)
            break
    if records and not _loaded_together(service, op, COLLECTIONS[collection], records):
        for index, record in enumerate(chunk[: len(records)], start):
            try:
                service.handle(op, {}, {}, _body(op, record), "")
            except ApiError as exc:
                raise _named(collection, index, exc, _named_later(op, data, collection, index, exc)) from None
    if invalid is not None:
        raise invalid


def _loaded_together(
    service: GradebookService, op: Operation[Any, Any], coll: CollectionDef, records: list[dict[str, Any]]
) -> bool:
    """Whether the records loaded as one batch (else nothing of them is stored)."""
    if _names_a_later_record(coll, records):
        return False
    try:
        with service.storage.transaction() as tx:  # (a savepoint of the seed's transaction: undone if it fails)
            service.insert_new(tx, op, coll, {}, records, batch=True)
    except ApiError:
        return False
    return True


def _names_a_later_record(coll: CollectionDef, records: list[dict[str, Any]]) -> bool:
    """Whether a record names one of its own table at or after it in ``records``: a batch's reference check finds
    every record of the batch, where the record's own ``POST`` would find only the records before it."""
    return any(_naming_later(_own_table_refs(coll), records))


def _naming_later(paths: list[str], records: list[Any]) -> Iterator[tuple[int, str]]:
    """(index, path) of each reference at one of ``paths`` that names a record at or after its own in ``records``, of
    the records that have a sourcedId (as in the seed: one that is not an object, or names none, is not followed)."""
    if not paths:
        return
    objects = [r if isinstance(r, dict) and isinstance(r.get("sourcedId"), str) else {} for r in records]
    place = {record["sourcedId"]: index for index, record in enumerate(objects) if record}
    for path in paths:
        for index, _, sourced_id in references(objects, path):
            if place.get(sourced_id, -1) >= index:
                yield index, path


def _own_table_refs(coll: CollectionDef, *, lists: bool = False) -> list[str]:
    """The reference paths of ``coll`` to records of its own table (a parent, a user's agents); ``lists``: only those
    to a list of them (a user's agents, which may name each other, where parents may not go round in a circle)."""
    own = [path for path, target in coll.refs.items() if COLLECTIONS[target].table == coll.table]
    return [path for path in own if path.endswith("[]")] if lists else own


def _named_later(op: Operation[Any, Any], data: dict[str, Any], collection: str, index: int, exc: ApiError) -> str:
    """What to add to ``exc``, refusing ``data[collection][index]``, when a reference it refused names a record that
    comes later in the seed: in the same list, or in a later list of the same table (a term under ``terms`` that a
    grading period under ``academicSessions`` names). "unknown org 'o-parent'" alone, of a record in the file, read
    as a misspelt id."""
    refused = {where for where, _ in exc.fields}
    for path, target in COLLECTIONS[collection].refs.items():
        for _, where, sourced_id in references(data[collection][index : index + 1], path):
            found = f"{op.wire_body_key}.{where}" in refused and _later(data, collection, index, target, sourced_id)
            if found:
                name, later = found
                order = "within a list," if name == collection else f"the list {collection} loads before {name}, and"
                return (
                    f" ({quoted_id(sourced_id)} comes later, at {name}[{later}]: {order} a record must come before "
                    "those that name it)"
                )
    return ""


def _later(data: dict[str, Any], collection: str, index: int, target: str, sourced_id: str) -> tuple[str, int] | None:
    """Where the record ``sourced_id`` of ``target``'s table is in the seed after ``data[collection][index]``."""
    for name in LOAD_ORDER[LOAD_ORDER.index(collection) :]:
        listed = data.get(name)
        if COLLECTIONS[name].table == COLLECTIONS[target].table and isinstance(listed, list):
            for later in range(index + 1 if name == collection else 0, len(listed)):
                if isinstance(listed[later], dict) and listed[later].get("sourcedId") == sourced_id:
                    return name, later
    return None


def _body(op: Operation[Any, Any], record: Any) -> bytes:
    """The body of ``record``'s request; 400 naming where (a seed error names it so), for a number the server does not
    take (``1e400``, 5,000 digits: ``read_json`` marked it, no body can hold it)."""
    body = {op.wire_body_key: record}
    try:
        return json.dumps(body).encode()
    except TypeError as exc:  # (a Refused, read from a file; or, in a seed given as a dict, a value JSON has not)
        refused = refused_at(body)
        if refused is None:  # (named by its record as any refusal: "categories[1]: Object of type date is not...")
            raise ApiError(400, str(exc), code_minor="invaliddata") from None
        where, message = refused
        raise ApiError(400, f"{where}: {message}", code_minor="invaliddata", fields=[(where, message)]) from None


def _named(collection: str, index: int, exc: ApiError, later: str = "") -> SeedError:
    return SeedError(f"{collection}[{index}]: {exc.description}{later}")
