"""SQLAlchemy Core storage. One table per collection: the record as JSON text, plus indexed columns.

SQLite runs in WAL mode with a busy timeout; writes are serialized by a process-wide lock, and across processes on
one file by a ``flock`` (``_FileLock``), so concurrent requests never meet "database is locked". An in-memory
database (``sqlite://``) shares one connection under that lock.

Transactions are SQLite's own, begun by us: the driver's implicit ones start only at the first write, so the reads
of one listing (its page and its count) could otherwise see different data. Reads run in a ``BEGIN`` (one
snapshot); writes in ``BEGIN IMMEDIATE`` (the write lock from the start, so a check and the write it guards are
atomic even against another process on the same file).

Listings are paged by offset, which SQLite serves by walking every row before the page, and each carries a
``totalCount``, which is a count over the whole selection. Both are remembered per *generation*: a number in the
``timeback_meta`` table that every commit of a timeback server bumps, read in the same snapshot as the page. While it
is unchanged (nothing was written, by this process or another on the same file), a listing's count is reused and the
page after one already served starts right after that page's last row (keyset speed for offset paging; in a sorted
listing, after that row's sort key and pk).

Another program writing the file (the sqlite3 CLI deleting rows, a backup restored into it, which brings an older
generation back) bumps no generation: it is seen by ``PRAGMA data_version``, which moves on a connection when any
other connection committed. A commit that moved it but not the generation forward, or that changed the schema (the
backup API bumps the schema version; a timeback server only when it opens the file, at ANALYZE and at a reset: a
few needless drops in a file's life), is another program's: the counts and page ends remembered are forgotten (a
new *epoch*, part of their key: the generations a restore makes repeat are then no one's), and so are the ids known
to exist (``KnownIds``). SQLite also moves ``data_version`` with no commit, when a writer starts the WAL over (its
header rewritten just before that commit's pages): a look landing there forgets them needlessly, a few times in 10 s
of steady writes, which costs the next listing of each a count at a generation the next commit would leave anyway.
Looked at by each listing, before its snapshot, on a connection kept for that (one connection's counter orders
every look: a pooled one that last looked several commits ago could not tell), and by the writer at each
transaction's start. With more processes on the file (``serve --workers``), another's commit since this one's last
moves the generation forward past another program's write: the listings' keys move with it (counted anew), but the
ids known would be held. So rows removed, or their sourcedId changed, by any program also move the count of resets,
through triggers in the file (``_removal_triggers``): every process forgets its known ids at its next write, in
that write's transaction. What is not seen: a listing running while another program commits may answer a count (and
start a page) as of before that write, until the next listing's look.
"""

from __future__ import annotations

import builtins
import errno
import functools
import itertools
import json
import logging
import math
import operator
import os
import re
import sqlite3
import stat
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext, suppress
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar
from urllib.parse import quote

try:
    import fcntl
except ImportError:  # (Windows: SQLite's busy wait alone)
    fcntl = None  # type: ignore[assignment]

from pydantic_core import to_json
from sqlalchemy import (
    URL,
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    create_engine,
    event,
    func,
    literal_column,
    make_url,
    not_,
    or_,
    select,
    tuple_,
)
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex

from timeback.enums import TimebackStatus
from timeback.filters import BLANKS
from timeback.server.collections import COLLECTIONS, MIDNIGHT_UTC, TABLES, CollectionDef
from timeback.server.query import LAST_MOMENT, Predicate, Sort, as_number, is_day
from timeback.server.storage.base import (
    AlreadyExists,
    Closing,
    FileCorrupt,
    FileReplaced,
    ListQuery,
    QueryTimedOut,
    Scope,
    WouldWait,
    may_wait,
    read_limit,
    waiting_from,
)

# Every commit of a timeback server bumps it (what it wrote: records, tokens, statistics): a commit that does not is
# another program's (``SqlStorage._look``).
_BUMP = "UPDATE timeback_meta SET value = value + 1 WHERE key = 'generation' RETURNING value"
# What a look reads once ``PRAGMA data_version`` moved: that counter again, the schema's version (moved by SQLite's
# backup API, a restore into the file), the generation and the count of resets. In one statement, one snapshot: read
# apart, a commit landing between the counter and the generation was taken for another program's (a needless drop).
_LOOK = """SELECT (SELECT data_version FROM pragma_data_version), schema_version,
                  (SELECT value FROM timeback_meta WHERE key = 'generation'),
                  (SELECT value FROM timeback_meta WHERE key = 'resets') FROM pragma_schema_version"""
# How many times the record tables were emptied (``delete_all``), by any process on the file, or another program
# removed a row (``_removal_triggers``): ``KnownIds`` hold until it changes.
_RESET = "UPDATE timeback_meta SET value = value + 1 WHERE key = 'resets' RETURNING value"
# The newest dateLastModified handed out (ms since the epoch): stamps never go backwards, whatever the clock does,
# until every record is removed (``delete_all``, below).
_STAMP = "UPDATE timeback_meta SET value = max(value, ?) WHERE key = 'stamp' RETURNING value"
# Forgotten with the records (``delete_all``), as a new file has none: a test that wrote under a clock set ahead left
# its stamp under every later test's records (no record is left for a delta sync to have seen, nor one to miss).
_STAMP_FORGOTTEN = "UPDATE timeback_meta SET value = 0 WHERE key = 'stamp'"
# The rows the record tables hold (each table's largest pk: read from its last page, not counted), and that number
# at the last ANALYZE (``_analyze``), by any process on the file.
_ROWS = "SELECT " + " + ".join(f'coalesce((SELECT max(pk) FROM "{coll.name}"), 0)' for coll in TABLES)
_ANALYZED = """INSERT INTO timeback_meta (key, value) VALUES ('analyzed', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value"""
_GROWTH = f"SELECT (SELECT value FROM timeback_meta WHERE key = 'analyzed'), ({_ROWS})"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
log = logging.getLogger("timeback.server")
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})  # (primary codes: _damaged)
T = TypeVar("T")

# The statistics are gathered again once the record tables hold twice their rows at the last ANALYZE, and this many
# more at least (``SqlStorage._look_at_statistics``): 7 times on the way from an empty file to 1,000,000 results.
STATISTICS_FLOOR = 10_000
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another connection's lock before "database is locked"
_POOL_SIZE = 41  # connections kept: one per threadpool thread (anyio's default 40), where reads run, + the writer
# SQLite VM instructions between two looks at a limited read's deadline (``SqlStorage._read``). A look costs
# 0.06-0.23 us (the GIL taken back, the clock read); a 3,000-row page of users runs about 24,000 instructions
# (360,000 with a "~" filter over 30,000 rows): 2 to 36 looks, under 0.1% of its 2.5-18 ms. A runaway 100-predicate
# filter is looked at every 0.8 ms (at most 5 ms apart). (Session 29, timeit.)
PROGRESS_STEPS = 10_000
# A record's status is one of these (the server's strict validation refuses any other): a condition on it is the
# statuses it holds for (``_count``, ``_predicate``).
_STATUSES = tuple(status.value for status in TimebackStatus)
_REMEMBERED = 512  # listings whose count and next-page start are kept (per generation; older ones age out)
# Indexes older files have, dropped when opened: "status", every row's (it only cost each insert); "deleted", the
# deleted rows' pk (now their status: ``_build_tables``); "modified", dateLastModified's alone (now with the status).
_DROPPED = ("status", "deleted", "modified")
# The form of what a file holds, kept as its PRAGMA user_version (0: written before it was kept; one-time passes at
# open bring such a file up to date). A timeback that writes what an earlier one would misread raises it, and a file
# of a higher number than this is refused (``_check_file``) rather than served or written wrongly. 2 (session 51): an
# enrollment's course column, which an earlier timeback would leave empty in the enrollments it writes, unchecked
# against the class's (their course missing from course.sourcedId filters here). 3 (session 58): gradebook dates
# sent alone stored as their day's start (``_as_moments``): a timeback of 2 stored them alone still, in a file the
# pass had brought up already, and answered them so.
SCHEMA_VERSION = 3
# The first schema whose servers store no date alone in ``moments`` fields: a file last opened by an earlier one has
# the pass run again (a file brought up, then served by a schema 2 timeback, held dates alone for good)
_MOMENTS_SCHEMA = 3
# Reference columns (``indexed``) added after files were made, (table, field): an older file's table gains the column
# when opened, from its records' data (an enrollment's course, session 51: its "agree" pass then gives the enrollments
# stored without one their class's). Others missing are refused as too old.
_ADDED_REFERENCES = (("enrollments", "course"),)
# A one-time pass over a file (an alias dropped, lists encoded), keyed in timeback_meta: a row inserted the first time
_ONCE = "INSERT OR IGNORE INTO timeback_meta (key, value) VALUES (?, 0)"


def _removal_triggers(table: str) -> list[tuple[str, str]]:
    """(drop, create) of each trigger by which a record removed from ``table`` (or its sourcedId changed) by any
    program (the ``sqlite3`` shell deleting rows) moves the count of resets: every server on the file then forgets
    the ids it knows exist (``KnownIds``) at its next write. A timeback server removes rows only in ``delete_all``,
    which drops them for its ``DELETE`` (a table with a delete trigger is emptied row by row); its inserts, upserts
    (no ``sourced_id`` in their ``SET``) and soft deletes fire neither."""
    bump = "BEGIN UPDATE timeback_meta SET value = value + 1 WHERE key = 'resets'; END"
    return [
        (f'DROP TRIGGER IF EXISTS "timeback_{table}_{name}"',
         f'CREATE TRIGGER IF NOT EXISTS "timeback_{table}_{name}" AFTER {event} ON "{table}" {bump}')
        for name, event in (("removed", "DELETE"), ("renamed", "UPDATE OF sourced_id"))
    ]  # fmt: skip


def _dropping_alias(coll: CollectionDef, alias: str, field: str) -> str:
    """The statement that leaves ``alias`` out of the records a server before aliases stored it in (a class's ``org``
    beside its ``school``), run once per file: answered, a read-modify-write sent it back stale. A record whose
    ``field`` is no reference takes the alias's (a server once stored a null school beside an org)."""
    unset = f"coalesce(json_type(data, '$.{field}'), 'null') != 'object' AND json_type(data, '$.{alias}') = 'object'"
    data = f"CASE WHEN {unset} THEN json_set(data, '$.{field}', json(json_extract(data, '$.{alias}'))) ELSE data END"
    sets = [f"data = json_remove({data}, '$.{alias}')"]
    if field in coll.indexed:
        column = ref_column(field)
        sets.append(f'"{column}" = coalesce("{column}", json_extract(data, \'$.{alias}.sourcedId\'))')
    return f"UPDATE \"{coll.name}\" SET {', '.join(sets)} WHERE json_type(data, '$.{alias}') IS NOT NULL"


def _utf8(text: str) -> bool:
    """Whether ``text`` has a UTF-8 form (no lone surrogate) and no U+0000."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _as_moments(coll: CollectionDef, field: str) -> str:
    """The statement that gives the dates alone a server before ``moments`` stored in ``field`` their day's start in
    UTC, as writes now store them (``service.as_moments``), run once per file, and again on a file last opened by a
    server of an earlier schema (``_MOMENTS_SCHEMA``). Their instant is the one every date
    filter and sort read already (``julianday``): no stamp moves, a delta sync reads nothing again for it."""
    value = f"json_extract(data, '$.{field}')"
    return (f"UPDATE \"{coll.name}\" SET data = json_set(data, '$.{field}', {value} || '{MIDNIGHT_UTC}') "
            f"WHERE json_type(data, '$.{field}') = 'text' AND length({value}) = 10 "
            f"AND {value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")  # fmt: skip


# Rows read at once from a page's statement: one read at a time cost 1.1x a page's time; all at once held all of a
# page of large records, rather than the bound's worth (``_take``)
_ROWS_AT_ONCE = 16


def _take(rows: Any, characters: int | None, page: list[Any]) -> bool:
    """``rows`` (a page's ``CursorResult``: pk, data, ...) added to ``page`` while their data and the page's hold at
    most ``characters`` all together (None: no bound), one row at least; whether one was left out (the page ends
    short there). A page of 3,000 records of 30 MB each was read whole into memory, then answered, about four times
    over; now at most ``_ROWS_AT_ONCE`` rows past the bound are read. (For a page in pk order; a sorted one's rows
    are ranked first, then read by pk: ``_read_ranked``.)"""
    with rows:  # (closed when the page ends short, its statement's rows left unread)
        if characters is None:
            page += rows
            return False
        held = _characters(page)
        while chunk := rows.fetchmany(_ROWS_AT_ONCE):
            sizes = [len(row[1]) for row in chunk]
            kept = _fitting(sizes, held, bool(page), characters)
            page += chunk[:kept]
            if kept < len(chunk):
                return True
            held += sum(sizes)
        return False


def _characters(page: list[Any]) -> int:
    """The characters of the records ``page`` (pk, data, ...) holds."""
    return sum(len(row[1]) for row in page)


def _fitting(sizes: list[int], held: int, any_held: bool, characters: int) -> int:
    """How many rows of ``sizes`` (their data's lengths, in order) join a page holding ``held`` characters within
    ``characters`` all together: one at least, the page holding none (``any_held``)."""
    if held + sum(sizes) <= characters:  # (every row of a page of small records: no loop)
        return len(sizes)
    for kept, size in enumerate(sizes):
        held += size
        if held > characters and (any_held or kept):
            return kept
    return len(sizes)


def _read_ranked(
    conn: Connection, table: Table, ranked: list[tuple[int, bool]], query: ListQuery, page: list[Any]
) -> bool:
    """The rows of ``ranked`` (pk, whether the sort key is NULL: a sorted page's, in order) added to ``page`` as
    (pk, data, NULL key) while their data and the page's hold at most ``query.max_characters`` (one row at least);
    whether one was left out. Their lengths are read first, then the data of those kept, each a statement by pk (the
    data never sorted)."""
    kept = len(ranked)
    if query.max_characters is not None and ranked:
        sizes = dict(conn.execute(select(table.c.pk, func.length(table.c.data)).where(_among(table, ranked))).all())
        kept = _fitting([sizes.get(pk) or 0 for pk, _ in ranked], _characters(page), bool(page), query.max_characters)
    if kept:
        data = dict(conn.execute(select(table.c.pk, table.c.data).where(_among(table, ranked[:kept]))).all())
        page += [(pk, data[pk], null) for pk, null in ranked[:kept] if pk in data]
    return kept < len(ranked)


def _among(table: Table, ranked: list[tuple[int, bool]]) -> Any:
    """``table``'s rows whose pk is one of ``ranked``'s: the pks bound as one JSON array, read by ``json_each``
    (3,000 bound one by one took longer to compile than to run)."""
    listed = func.json_each(to_json([pk for pk, _ in ranked]).decode()).table_valued("value")
    return table.c.pk.in_(select(listed.c.value))


def _json_path(path: tuple[str, ...]) -> Any:
    """The JSON path of ``path``, its keys quoted. A model field's is SQL text, a constant: SQLite uses an index on
    an expression only for a query holding that very expression, and a bound path never is one (a filter or sort
    on ``score`` read every row even with an index on it). A metadata key is the client's: its path is bound."""
    text = "$." + ".".join('"' + key.replace('"', "") + '"' for key in path)
    if path[0] == "metadata":
        return text
    assert all(key.isidentifier() for key in path), path  # (a declared field's name: nothing to escape in SQL)
    return literal_column(f"'{text}'")


def _json(table: Table, path: tuple[str, ...]) -> Any:
    return func.json_extract(table.c.data, _json_path(path))


def _json_type(table: Table, path: tuple[str, ...]) -> Any:
    """``json_type``: 'null', 'true', 'false', 'integer', 'real', 'text', 'array' or 'object'; NULL if absent."""
    return func.json_type(table.c.data, _json_path(path))


# Only the operator asked for is built: SQLAlchemy refuses some comparisons outright (``column > True``).
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}  # fmt: skip


def _bool_condition(table: Table, p: Predicate) -> Any:
    """A boolean field (``enabledUser``, ``primary``) holds JSON true/false or, as Timeback's own schema has it, the
    strings "true"/"false": a value matches both forms. ``!=`` is every other record (missing ones too)."""
    column = _json(table, p.path)

    def matches(value: bool) -> Any:
        word = "true" if value else "false"
        return or_(_json_type(table, p.path) == word, column == word)  # (json_extract gives true as 1, not 'true')

    if p.op == "@":
        return or_(*(matches(value) for value in sorted(set(p.value))))
    if p.op == "!=":
        return or_(column.is_(None), not_(matches(p.value)))
    return matches(p.value)  # ("=": query allows no other operator on a boolean)


_NUMERIC = ("integer", "real")
_CONTAINERS = ("array", "object")
_INT64 = 2**63
_MIRRORED = {">": "<", ">=": "<=", "<": ">", "<=": ">="}  # (a < b as -a > -b)


def _as_sqlite(number: float) -> float:
    """A filter's number as SQLite holds it: an integer past 64 bits as a REAL, one past a double's range as an
    infinity (as json_extract gives them)."""
    if isinstance(number, float) or -_INT64 <= number < _INT64:
        return number
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _json_pair(table: Table, path: tuple[str, ...]) -> Any:
    """``[v,v]``, the value at ``path`` twice as JSON text, which keeps an integer's digits however many (json_extract
    of two paths answers the JSON array of both; of one, an integer past 64 bits as its nearest REAL). SQLite's
    ``->`` gives the text alone, but only from 3.38; the server needs 3.35 (RETURNING)."""
    return func.json_extract(table.c.data, _json_path(path), _json_path(path))


def _is_far(number: float) -> bool:
    """Whether an integer past 64 bits may be equal to ``number`` as SQLite compares them (json_extract gives such
    an integer as its nearest double, and a filter's own is bound so): nothing within 64 bits is."""
    return abs(_as_sqlite(number)) >= _INT64


def _number_condition(table: Table, path: tuple[str, ...], op: str, number: float) -> Any:
    """A JSON number in metadata ``>``, ``>=``, ``<`` or ``<=`` a filter's number (an integer of any size, or a
    double), exactly. SQLite compares an integer with a REAL exactly; where the two are equal as it compares them
    and ``_is_far``, a stored double is an integer, ``int(near)``, and a stored integer its own digits."""
    column, kind, compare = _json(table, path), _json_type(table, path), _COMPARE[op]
    near = _as_sqlite(number)
    if not _is_far(number):
        return and_(kind.in_(_NUMERIC), compare(column, near))
    exact = int(number)
    # Of the same sign, the longer is the farther from 0, and of the same length the text orders as the numbers do
    both, text = _json_pair(table, path), f"[{exact},{exact}]"
    by_digits = _COMPARE[op if exact > 0 else _MIRRORED[op]](tuple_(func.length(both), both), tuple_(len(text), text))
    # (near, a double equal to it, is an integer or an infinity: Python compares either with an int exactly)
    equal_there = case((kind == "real", literal_column("1" if compare(near, exact) else "0")), else_=by_digits)
    return and_(kind.in_(_NUMERIC), case((column == near, equal_there), else_=compare(column, near)))


def _numbers_equal(table: Table, path: tuple[str, ...], numbers: list[Any]) -> Any:
    """A JSON number in metadata equal to one of a filter's numbers, exactly: to one ``_is_far``, a stored double
    equal to it or a stored integer of its very digits. (Each an IN: an OR per value of an ``@`` list of 1,000 would
    be deeper than SQLite parses.)"""
    column, kind = _json(table, path), _json_type(table, path)
    near = [n for n in numbers if not _is_far(n)]
    far = [int(n) for n in numbers if _is_far(n)]
    alternatives = [column.in_(near)] if near else []
    if doubles := [_as_sqlite(n) for n in far if _as_sqlite(n) == n]:
        alternatives.append(and_(kind == "real", column.in_(doubles)))
    if far:
        pairs = [f"[{n},{n}]" for n in far]
        alternatives.append(
            and_(kind == "integer", column.in_([_as_sqlite(n) for n in far]), _json_pair(table, path).in_(pairs))
        )
    return and_(kind.in_(_NUMERIC), or_(*alternatives))


def _metadata_condition(table: Table, p: Predicate) -> Any:
    """A comparison inside metadata, whose values have no declared type. ``=``, ``!=``, ``@``: the text, or a JSON
    number or boolean of that value (``'5'`` matches 5, 5.0 and "5"; ``'true'`` matches true and "true").
    ``>``, ``>=``, ``<``, ``<=``: with a number, JSON numbers only (numerically); otherwise JSON strings only (as
    text). SQLite orders any text above any number, so "1" was above 4 and "abc" above 4. ``~``: the text, a
    boolean as ``true``/``false`` (json_extract gives 1/0, which ``~'1'`` found), a number as SQLite writes it.
    An object or array is none of these: no ``=``, ``@`` or ``~`` matches it, and ``!=`` does, as it does an absent
    key or null (json_extract gives its JSON text: ``~':'`` and ``='{"h":5}'`` matched it)."""
    column, kind = _json(table, p.path), _json_type(table, p.path)
    scalar = kind.not_in(_CONTAINERS)
    if p.op == "~":
        return and_(_contains(case((kind.in_(("true", "false")), kind), else_=column), p.value), scalar)
    if p.op in (">", ">=", "<", "<="):
        number = as_number(p.value)
        if number is not None:
            return _number_condition(table, p.path, p.op, number)
        return and_(kind == "text", _COMPARE[p.op](column, p.value))
    values: list[str] = p.value if p.op == "@" else [p.value]
    numbers = [n for n in map(as_number, values) if n is not None]
    words = sorted({v.strip(BLANKS).lower() for v in values} & {"true", "false"})
    one = p.op != "@"
    alternatives = [column == values[0] if one else column.in_(values)]
    if numbers:
        alternatives.append(_numbers_equal(table, p.path, numbers))
    if words:
        alternatives.append(kind.in_(words))
    matches = and_(or_(*alternatives), scalar)
    if p.op == "!=":
        return or_(column.is_(None), not_(matches))  # (present, json_type is never NULL: the match is true or false)
    return matches


def _contains(column: Any, needle: str) -> Any:
    """``~`` and ``search``: the needle anywhere in the value, ignoring the case of ASCII letters (SQLite's
    ``lower()``; the needle lowered the same way). ``instr``, not ``LIKE``: SQLite refuses a LIKE pattern of over
    50,000 bytes, and the needle needs no escaping."""
    lowered = needle.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")  # (ASCII only)
    return func.instr(func.lower(column), lowered) > 0


def list_column(name: str) -> str:
    return f"list_{name}"


def list_item(value: str) -> str:
    """A value as it sits in a list column (",a,b,"): its commas and percent signs percent-encoded, so a value
    holding a comma (a sourcedId "a,b", a role "ext:x,student") is never read as two values."""
    return value.replace("%", "%25").replace(",", "%2C")


def list_values(record: dict[str, Any], path: str) -> list[str]:
    head, _, tail = path.partition("[]")
    values = []
    for item in record.get(head) or []:
        value = item.get(tail.lstrip(".")) if tail and isinstance(item, dict) else item
        if isinstance(value, dict):
            value = value.get("sourcedId")
        if isinstance(value, str):
            values.append(value)
    return values


def ref_column(field_name: str) -> str:
    return f"ref_{field_name}"


def reference_set(field: str, target: str, data: str = "data") -> str:
    """The SET clause of an UPDATE pointing ``field``, a reference, at another record (``follow``, ``_agree``):
    ``target``, SQL giving that record's id, set in the record's JSON (``data``) and in the field's column, the JSON's
    ``dateLastModified`` and the row's ``date_last_modified`` set to a stamp. Its placeholders, in order: those of
    ``target``, the stamp twice, those of ``target`` again."""
    stamped = f"json_set({data}, '$.{field}', json_object('sourcedId', {target}), '$.dateLastModified', ?)"
    return f'data = {stamped}, date_last_modified = ?, "{ref_column(field)}" = {target}'


def _build_tables(metadata: MetaData) -> dict[str, Table]:
    tables = {}
    for coll in TABLES:
        columns: list[Column[Any]] = [
            Column("pk", Integer, primary_key=True, autoincrement=True),
            Column("sourced_id", String(255), nullable=False, unique=True),
            Column("status", String(32), nullable=False),
            Column("date_last_modified", String(40), nullable=False),
            *(Column(ref_column(name), String(255)) for name in coll.indexed),
            *(Column(list_column(name), Text) for name, _ in coll.list_columns),
            Column("data", Text, nullable=False),
        ]
        table = Table(coll.name, metadata, *columns)
        for name in coll.indexed:
            Index(f"ix_{coll.name}_{name}", table.c[ref_column(name)])
        # Only the deleted rows: a listing's "not deleted" condition cannot use an index, and almost every row is
        # active, so an index of every row's status only cost each insert (and led "status='active'" filters to
        # read the table through the index). Their status, not their pk (``_DROPPED``): an OR branch asking for
        # "status='tobedeleted'" is read through it (a pk index never serves it: 50-105 ms at 200,000 results, the
        # whole table read), and a count of the deleted rows needs nothing else.
        deleted = table.c.status == "tobedeleted"
        Index(f"ix_{coll.name}_tobedeleted", table.c.status, sqlite_where=deleted, postgresql_where=deleted)
        # Delta syncs: dateLastModified compares through julianday() like every date (``_column``), and SQLite uses
        # an index on an expression only for that very expression. Without it each such request read the whole
        # table (46-58 ms at 100,000 results); it costs an insert about 1 us. The status beside it: a count of a
        # range holding most of the table is read from the index alone (with the date alone, every row was read
        # for its status: 419-634 ms at 1,000,000 results, 107-246 ms with it).
        Index(f"ix_{coll.name}_modified_status", func.julianday(table.c.date_last_modified), table.c.status)
        for field in coll.unique:  # (the very expression a write's check reads: ``_SqlTransaction.holders``)
            Index(
                f"ix_{coll.name}_unique_{field}",
                func.lower(func.trim(func.json_extract(table.c.data, literal_column(f"'$.{field}'")))),
            )
        tables[coll.name] = table
    return tables


def _unique_key(field: str) -> str:
    """What ``CollectionDef.unique`` compares of ``field``: its text without the spaces around it, the ASCII letters
    in lower case (SQLite's ``trim`` and ``lower`` without ICU, as ``unique_form``)."""
    return f"lower(trim(json_extract(data, '$.{field}')))"


def _rows(coll: CollectionDef, records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The records as rows of their table, in the columns' order (``_build_tables``, pk left out): positional
    parameters, which the driver binds without looking each one up by name. Built column by column, one
    comprehension per column over the whole batch: row by row it cost twice as much."""
    coll = COLLECTIONS[coll.table]  # a view's records fill the columns of the table it lives in
    columns: list[list[Any]] = [
        [record["sourcedId"] for record in records],
        [record.get("status", "active") for record in records],
        [record["dateLastModified"] for record in records],
    ]
    for name in coll.indexed:
        refs = [record.get(name) for record in records]
        columns.append([ref.get("sourcedId") if type(ref) is dict else None for ref in refs])
    for _, path in coll.list_columns:
        lists = [list_values(record, path) for record in records]
        columns.append([f",{','.join(map(list_item, values))}," if values else None for values in lists])
    # pydantic-core: compact UTF-8 JSON, several times faster than json.dumps
    columns.append([to_json(record).decode() for record in records])
    return list(zip(*columns, strict=True))


def _row(coll: CollectionDef, record: dict[str, Any]) -> tuple[Any, ...]:
    return _rows(coll, [record])[0]


_AFTER_9999 = 5373484.5  # julianday('10000-01-01'), which SQLite does not compute


def _date_condition(moment: Any, p: Predicate) -> Any:
    """A date comparison on ``julianday(column)`` (``moment``), with the value through ``julianday()`` too. A day
    (``2026-12-01``, as ``query`` leaves it) compares as the range of its moments, from its midnight to the next
    (UTC): so every date comparison is on the one expression that dateLastModified's index holds. In an ``@``
    list, each value is a day or a moment as written."""
    if p.op == "@" and len(p.value) > _RANGED:
        return _date_list(moment, p.value)
    if p.op == "@":
        moments = [func.julianday(v) for v in p.value if not is_day(v)]
        days = [and_(moment >= start, moment < end) for start, end in map(_day, filter(is_day, p.value))]
        return or_(*days, *([moment.in_(moments)] if moments else []))
    if not is_day(p.value):
        at = func.julianday(p.value)
        if p.op == "!=":
            return or_(moment.is_(None), moment != at)
        return {"=": moment == at, ">": moment > at, ">=": moment >= at, "<": moment < at, "<=": moment <= at}[p.op]
    start, end = _day(p.value)
    if p.op == "!=":
        return or_(moment.is_(None), moment < start, moment >= end)
    return {"=": and_(moment >= start, moment < end), ">": moment >= end, ">=": moment >= start, "<": moment < start,
            "<=": moment < end}[p.op]  # fmt: skip


def _moment(text: Any) -> Any:
    """``julianday(text)`` for a date or date-time a client sent. SQLite reads no offset past 14 hours (NULL), where
    RFC 3339, and so the server, takes up to 23:59: such a moment is its local time shifted by the offset, as SQLite
    shifts one (in whole minutes, to the same millisecond). Without it the record matched no date filter but ``!=``
    and sorted as if it had no date. A moment that rounds past 9999 (NULL still) is ``LAST_MOMENT``: its local date
    is 9999-12-31 whatever its offset, as the server takes none that reaches year 10000 locally or in UTC."""
    minutes = func.substr(text, -5, 2) * 60 + func.substr(text, -2)
    shift = case((func.substr(text, -6, 1) == "+", -minutes), else_=minutes)
    local = func.substr(text, 1, func.length(text) - 6)
    last = case((func.substr(text, 1, 11) == "9999-12-31T", func.julianday(LAST_MOMENT)))
    return func.coalesce(func.julianday(text), func.julianday(local, func.printf("%d minutes", shift)), last)


_RANGED = 8  # an "@" list of dates up to this long compares as ranges, longer ones through _date_list


def _date_list(moment: Any, values: list[str]) -> Any:
    """A long ``@`` list of dates: each kind of value in one JSON parameter, read by ``json_each``. As ranges, 1,000
    days took SQLAlchemy over a second to build and compile, and their OR chain was deeper than SQLite allows
    (1,000). A day matches by its day number, ``CAST(julianday - 0.5 AS INTEGER)``: exactly the range from its
    midnight (a julianday of n + 0.5) to the next, as subtracting 0.5 from a julianday is exact. (Unlike the ranges,
    the day numbers do not use dateLastModified's index; the moments do.)"""
    conditions = []
    days, moments = [v for v in values if is_day(v)], [v for v in values if not is_day(v)]
    if days:
        listed = func.json_each(to_json(days).decode()).table_valued("value")
        conditions.append(_day_number(moment).in_(select(_day_number(func.julianday(listed.c.value)))))
    if moments:
        listed = func.json_each(to_json(moments).decode()).table_valued("value")
        conditions.append(moment.in_(select(func.julianday(listed.c.value))))
    return or_(*conditions)


def _day_number(moment: Any) -> Any:
    return cast(moment - 0.5, Integer)


def _day(day: str) -> tuple[Any, Any]:
    """The moments a day holds, [start, end). (SQLite's dates stop at 9999: the day after 9999-12-31 is NULL, which
    would make "<= 9999-12-31" match nothing.)"""
    return func.julianday(day), func.coalesce(func.julianday(day, "+1 day"), _AFTER_9999)


class _Remembered(Generic[T]):
    """A small thread-safe LRU map (listing facts keyed by generation)."""

    def __init__(self, size: int = _REMEMBERED) -> None:
        self._size = size
        self._items: OrderedDict[Any, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> T | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            if len(self._items) > self._size:
                self._items.popitem(last=False)


class KnownIds:
    """Ids known to exist, per stored collection: a reference check looks up only the others.

    Sound because nothing is removed from a collection's table but by ``delete_all`` (a reset): a delete marks the
    record ``tobedeleted`` and a reference to it still resolves (as it did when the lookup was made each time). So
    an id seen in a committed transaction exists until the next reset, in this process and for every other process
    on the file; the ids are forgotten when the file's count of resets moved (also by any program's removal of a
    row: ``_removal_triggers``), or another program wrote to the file (``SqlStorage._look_as_writer``: one
    ``PRAGMA`` per transaction, not a read per record). Views (a
    collection stored in another's table, told apart by a field a later write may change) are not kept.
    Checking a batch of 1,000 results looked up its 1,000 students every time: 3-5 us per result.
    """

    LIMIT = 100_000  # ids per collection (about 12 MB of them); past that the set starts over (memory bounded)

    def __init__(self) -> None:
        self._ids: dict[str, set[str]] = {}

    def of(self, coll: CollectionDef) -> set[str] | None:
        """The ids known in ``coll`` (possibly none yet), or None if its ids are not kept (a view)."""
        if coll.stored_in is not None:  # (fixed fields and roles, which a later write may change, are views' only)
            return None
        return self._ids.setdefault(coll.name, set())

    def add(self, name: str, ids: set[str]) -> None:
        known = self._ids.setdefault(name, set())
        if len(known) + len(ids) > self.LIMIT:
            known.clear()
        known |= ids


def _analyze(raw: Any) -> int:
    """SQLite's statistics gathered, when a file is opened, after a seed load, and as the tables grow
    (``SqlStorage._look_at_statistics``): without them it chose between two indexes by their order, and a class's
    students in a school were found through the school's enrollments (all 60,000 of a district school's read: 64-119
    ms at 300,000 enrollments, 0.8-5 ms through the class's). The limit bounds the work to about 400 rows per index:
    20 ms at 1,000,000 results, where every row was read without it (1.4 s). (Not ``PRAGMA optimize``: before SQLite
    3.46 it looks only at tables this connection has read.) Gives the rows the record tables hold, also kept in
    ``timeback_meta`` for every process on the file."""
    raw.execute("PRAGMA analysis_limit = 400")
    raw.execute("ANALYZE")
    # A connection reads the statistics with the schema, and ANALYZE changes no schema: every connection already
    # open (the pool's, another process's) planned on with what it had read. A change of the schema (a view made and
    # dropped) makes each read both again before its next statement.
    raw.execute("CREATE VIEW timeback_analyzed AS SELECT 1")
    raw.execute("DROP VIEW timeback_analyzed")
    (rows,) = raw.execute(_ROWS).fetchone()
    raw.execute(_ANALYZED, (rows,))
    return int(rows)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class _Whole:
    """The transaction of ``all_or_nothing()``: its thread, connection, the ids its parts found, and the stamp
    its parts share, if one was taken for them (``write_together``)."""

    __slots__ = ("learned", "raw", "stamp", "thread")

    def __init__(self, raw: Any, learned: list[tuple[str, set[str]]]) -> None:
        self.thread = threading.get_ident()
        self.raw = raw
        self.learned = learned
        self.stamp: str | None = None


class _SqlTransaction:
    """One write transaction, on the driver's own ``sqlite3`` connection: SQLAlchemy's per-statement work
    (compiling parameters row by row, result objects) cost more than SQLite's."""

    def __init__(self, storage: SqlStorage, raw: Any) -> None:
        self._storage = storage
        self._raw = raw
        self.learned: list[tuple[str, set[str]]] = []  # ids found to exist, for the known ids once committed
        self._stamp: str | None = None

    def stamp(self) -> str:
        """The ``dateLastModified`` of what this transaction writes: the time now that it holds the write lock,
        and never before a stamp already committed. So whatever commits after a reader's snapshot carries a stamp
        at least as new as every stamp that reader saw: a delta sync asking for ``dateLastModified>='<the newest it
        saw>'`` misses nothing. (Stamped when the request came, a batch that waited for the lock behind others
        committed with an older stamp than theirs, after a reader had seen them.)"""
        if self._stamp is None:
            (ms,) = self._raw.execute(_STAMP, (_now_ms(),)).fetchone()
            moment = _EPOCH + timedelta(milliseconds=ms)
            self._stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return self._stamp

    def get(self, coll: CollectionDef, sourced_id: str) -> dict[str, Any] | None:
        found = self._raw.execute(self._storage.raw_sql("get", coll), (sourced_id,)).fetchone()
        return None if found is None else json.loads(found[0])

    def existing_ids(self, coll: CollectionDef, ids: Collection[str]) -> set[str]:
        return self.existing_many([(coll, ids)])[0]

    def existing_many(self, wanted: list[tuple[CollectionDef, Collection[str]]]) -> list[set[str]]:
        """For each (collection, ids): the ids that exist there. Ids already known to exist (``KnownIds``) are not
        looked up again; the rest in one statement for all of them (``json_each`` over each list of ids, ``UNION
        ALL`` across collections), whatever the number of ids."""
        found: list[set[str]] = [set() for _ in wanted]
        known = [self._storage.known_ids.of(coll) for coll, _ in wanted]
        ask: dict[int, Collection[str]] = {}
        for index, (_, ids) in enumerate(wanted):
            cached = known[index]
            if cached and ids:
                found[index] = cached.intersection(ids)
                ids = set(ids).difference(cached) if found[index] else ids
            if ids:
                ask[index] = ids
        if not ask:
            return found
        # (index, collection, one id?): a single id is looked up with "=", many through json_each.
        asked = tuple((index, wanted[index][0].name, len(ids) == 1) for index, ids in ask.items())
        sql = self._storage.union_sql(asked)
        params: list[Any] = []
        nul: list[tuple[int, str]] = []
        for index, ids in ask.items():
            if len(ids) == 1:
                (value,) = ids
            else:  # as text: a blob could read as JSONB
                value = to_json(ids if isinstance(ids, list) else list(ids)).decode()
                if "\\u0000" in value:  # SQLite's JSON ends a string at \u0000: ids holding one go one by one
                    nul += [(index, i) for i in ids if "\x00" in i]
                    value = to_json([i for i in ids if "\x00" not in i]).decode()
            params.append(value)
        fresh: list[set[str]] = [set() for _ in wanted]
        for index, sourced_id in self._raw.execute(sql, params):
            fresh[index].add(sourced_id)
        for index, sourced_id in nul:
            one = self._storage.union_sql(((index, wanted[index][0].name, True),))
            for _, found_id in self._raw.execute(one, (sourced_id,)):
                fresh[index].add(found_id)
        for index, ids in enumerate(fresh):
            if ids:
                found[index] |= ids
                if known[index] is not None:
                    self.learned.append((wanted[index][0].name, ids))
        return found

    def insert(self, coll: CollectionDef, records: list[dict[str, Any]]) -> None:
        """The records as new rows; ``AlreadyExists`` (nothing inserted) if any sourcedId is taken. The unique index
        on ``sourced_id`` finds a taken one: looking every id up first cost 3-4 us per record. The savepoint
        undoes the rows inserted before the one that failed, so that the lookup then names only the taken ids."""
        raw = self._raw
        raw.execute("SAVEPOINT timeback_insert")
        try:
            raw.executemany(self._storage.raw_insert(coll), _rows(coll, records))
        except sqlite3.IntegrityError:
            raw.execute("ROLLBACK TO timeback_insert")
            taken = self.existing_ids(self._storage.base_collection(coll), [r["sourcedId"] for r in records])
            if taken:
                raise AlreadyExists(sorted(taken)) from None
            raise
        finally:
            if raw.in_transaction:  # (an I/O error may have ended the transaction: its error is the one to see)
                raw.execute("RELEASE timeback_insert")

    def upsert(self, coll: CollectionDef, record: dict[str, Any]) -> None:
        """Insert the record, or replace the one with its sourcedId (keeping that row's place in listings)."""
        self._raw.execute(self._storage.raw_insert(coll, upsert=True), _row(coll, record))

    def analyze(self) -> None:
        self._storage._analyze(self._raw)

    def holders(self, coll: CollectionDef, field: str, values: Collection[str]) -> list[tuple[str, str, str]]:
        key = _unique_key(field)  # (through its index: one lookup a value)
        sql = f'SELECT {key}, sourced_id, status FROM "{coll.table}" WHERE {key} IN (SELECT value FROM json_each(?))'
        return list(self._raw.execute(sql, (json.dumps(list(values)),)))

    def follow(
        self, coll: CollectionDef, via: str, sourced_id: str, field: str, old: str | None, new: str, *, every: bool
    ) -> int:
        # One statement, as the enrollment pass (``SqlStorage._agree``): read, changed and written back one by one,
        # each record cost a statement of its own (360 us each in that pass). The field and the stamp set in the
        # record's JSON, and in their columns.
        table, by, mine = self._storage.tables[coll.table], ref_column(via), ref_column(field)
        assert by in table.c and mine in table.c, (coll.name, via, field)
        held = f'"{mine}" IS NOT ?' if every else f'"{mine}" IS ?'
        sql = (f'UPDATE "{table.name}" SET {reference_set(field, "?")} '
               f'WHERE "{by}" = ? AND status != \'tobedeleted\' AND {held}')  # fmt: skip
        stamp = self.stamp()
        return int(self._raw.execute(sql, (new, stamp, stamp, new, sourced_id, new if every else old)).rowcount)

    def deleted_ids(self, coll: CollectionDef, ids: Collection[str]) -> set[str]:
        # (json_each ends a string at a NUL: a body cannot hold one, and the ids asked for bound what is answered)
        rows = self._raw.execute(self._storage.raw_sql("deleted", coll), (json.dumps(list(ids)),))
        return {sourced_id for (sourced_id,) in rows}.intersection(ids)


class SqlStorage:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.metadata = MetaData()
        self.tables = _build_tables(self.metadata)
        self._write_lock = threading.RLock()
        self._statements: dict[tuple[str, str], Any] = {}
        self._write_connection: Any = None
        self.known_ids = KnownIds()  # (used under the write lock)
        self._resets_seen: int | None = None  # the file's count of resets when known_ids were last valid
        # Another program's writes (``_look``): the epoch of the listings remembered, moved when one is seen; the
        # connection kept for the listings' looks, and what it saw (data_version, schema version, generation); what
        # the writer saw at its last transaction, and the epoch then.
        self._epochs = itertools.count()
        self._epoch = next(self._epochs)
        self._looking = threading.Lock()
        self._watcher: Any = None
        self._watched: tuple[int, int, int] | None = None
        self._writer_saw: list[int] | None = None
        self._in_memory = names_no_file(engine.url.database)
        self._where = "the database in memory" if self._in_memory else str(engine.url.database)  # (for logs)
        self._file_lock = None if self._in_memory or fcntl is None else _lock_file(str(engine.url.database))
        # The database file's path and (st_dev, st_ino) once opened (``_moved``); whether its move was logged yet
        self._path = None if self._in_memory else os.path.abspath(str(engine.url.database))
        self._opened: tuple[int, int] | None = None
        self._told_moved = False
        self._damage_seen: str | None = None  # (SQLite's words for the damage a read or write found: ``_damaged``)
        self._damage_lock = threading.Lock()  # (two reads meeting it at once: logged once all the same)
        # (while it opens, damage found is not logged: no server runs to answer requests; the opener says it)
        self._opening = True
        self._checkpointer = None if self._in_memory else _Checkpointer(self, str(engine.url.database))
        # Counters: the write generation, and the newest stamp handed out (ms since 1970: 64 bits).
        self._meta = Table("timeback_meta", self.metadata, Column("key", String(32), primary_key=True),
                           Column("value", BigInteger, nullable=False))  # fmt: skip
        self._generation = select(self._meta.c.value).where(self._meta.c.key == "generation")
        # Issued tokens (as digests), for server processes sharing this database (``timeback serve --workers``).
        tokens = Table("timeback_tokens", self.metadata, Column("digest", LargeBinary, primary_key=True),
                       Column("client_id", Text, nullable=False), Column("scopes", Text, nullable=False),
                       Column("expires_at", Float, nullable=False))  # fmt: skip
        # Each token issued drops the expired ones: through this, not a scan of up to max_tokens rows under the
        # write lock (7 ms a token at the cap of 100,000, against 0.9 ms in an empty table).
        Index("ix_timeback_tokens_expires_at", tokens.c.expires_at)
        self._counts: _Remembered[int] = _Remembered()
        self._page_ends: _Remembered[tuple[int, bool]] = _Remembered()  # (pk, whether its sort key is NULL)
        self._whole: _Whole | None = None  # the transaction of all_or_nothing(), while it runs
        # Write transactions committed (serve, stopped as it starts, says whether its seed was stored by it)
        self.commits = 0
        # The writer's count of changed rows (``total_changes``) at which to look whether the statistics are due,
        # and the thread gathering them when they were (``_look_at_statistics``).
        self._look_at: float = math.inf
        self._statistics: threading.Thread | None = None
        # The reads in progress (``_read``), which ``close()`` stops and waits for: a read connection still checked
        # out when the engine is disposed stays open, and the WAL with it (a stop's -wal and -shm left, acknowledged
        # writes in the -wal only, and the process waiting at exit for the read's thread, up to its time limit).
        self._reading = threading.Condition()
        self._reads = 0
        self._closing = False
        try:
            if self._path is not None:
                _make_database_file(self._path)
            self._make_schema(engine)
            # (its look came before the counters and the schema it made: the first write's looks at them afresh, else
            # the count of resets first seen, None, took any program's first write for a reset)
            self._writer_saw = None
            if self._path is not None:
                opened = os.stat(self._path)
                self._opened = opened.st_dev, opened.st_ino
            self._opening = False
        except BaseException:  # (a directory, not a database, a file it may not write): nothing left behind
            if self._file_lock is not None and self._file_lock.made:
                self._file_lock.remove()
            self.close()
            raise

    def _make_schema(self, engine: Engine) -> None:
        """The tables, indexes and counters, those missing made."""
        with self._writing(True):  # (servers starting at once on a new file: one makes it, the others find it made)
            self.metadata.create_all(engine)
        with self._raw_transaction() as raw:
            (opened_as,) = raw.execute("PRAGMA user_version").fetchone()
            raw.execute("INSERT OR IGNORE INTO timeback_meta (key, value) VALUES ('generation', 0)")
            raw.execute("INSERT OR IGNORE INTO timeback_meta (key, value) VALUES ('resets', 0)")
            for name in self.tables:
                for dropped in _DROPPED:
                    raw.execute(f'DROP INDEX IF EXISTS "ix_{name}_{dropped}"')
                for _, create in _removal_triggers(name):
                    raw.execute(create)
            for table_name, field in _ADDED_REFERENCES:
                columns = {row[1] for row in raw.execute(f'PRAGMA table_info("{table_name}")')}
                if columns and ref_column(field) not in columns:  # (filled by the agree pass below, or its data's)
                    raw.execute(f'ALTER TABLE "{table_name}" ADD COLUMN "{ref_column(field)}" VARCHAR(255)')
                    raw.execute(f'UPDATE "{table_name}" SET "{ref_column(field)}" = '
                                f"json_extract(data, '$.{field}.sourcedId')")  # fmt: skip
            for table in [*self.tables.values(), self.metadata.tables["timeback_tokens"]]:
                # any added since the file was made (create_all skips its table); in one order, so one message
                for index in sorted(table.indexes, key=lambda index: str(index.name)):
                    try:
                        raw.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=engine.dialect)))
                    except sqlite3.OperationalError as exc:  # (a column it needs is missing: no migrations yet)
                        raise _too_old(str(engine.url.database), exc) from None
            if raw.execute("INSERT OR IGNORE INTO timeback_meta (key, value) VALUES ('stamp', 0)").rowcount:
                # A file made before the stamp was kept: start from its newest record, so no later write is
                # stamped older than what it holds (its clock may have run ahead). One scan per table, once.
                try:
                    newest = [raw.execute(f'SELECT max(date_last_modified) FROM "{name}"').fetchone()[0]
                              for name in self.tables]  # fmt: skip
                except sqlite3.OperationalError as exc:
                    raise _too_old(str(engine.url.database), exc) from None
                if any(newest):
                    last = datetime.fromisoformat(max(filter(None, newest)).replace("Z", "+00:00"))
                    raw.execute(_STAMP, ((last - _EPOCH) // timedelta(milliseconds=1),))
            for coll in TABLES:
                for alias, field in coll.aliases:
                    if raw.execute(_ONCE, (f"alias {coll.name}.{alias}",)).rowcount:
                        raw.execute(_dropping_alias(coll, alias, field))
            changed = 0
            for coll in TABLES:
                for field in coll.moments:
                    first = raw.execute(_ONCE, (f"moments {coll.name}.{field}",)).rowcount
                    if first or opened_as < _MOMENTS_SCHEMA:
                        changed += raw.execute(_as_moments(coll, field)).rowcount
            if raw.execute(_ONCE, ("encoded lists",)).rowcount:
                changed += self._encode_lists(raw)
            for coll in TABLES:
                for agreement in coll.agree:
                    if raw.execute(_ONCE, (f"agree {coll.name}.{agreement[0]}",)).rowcount:
                        changed += self._agree(raw, coll, *agreement)
            if changed:  # (another process on the file may hold counts of the listings it changed)
                raw.execute(_BUMP)
            raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # (a higher one was refused before)
            self._analyze(raw)

    def _encode_lists(self, raw: Any) -> int:
        """The list columns (``list_item``) of the rows a server before their encoding wrote, rebuilt as ``_rows``
        writes them; gives how many changed. Such a column held ',a,b,' for the term "a,b": its classes were missing
        from /terms/a%2Cb/classes and listed under /terms/a. Only a row holding a ',' or '%' in one of its lists can
        differ: those are found by SQL, reading each user and class (2.5 us a row: 55 ms at 20,000 users, once), and
        only they are rebuilt; one found needlessly (a ',' elsewhere in its roles) is left as it was."""
        changed = 0
        for coll in TABLES:
            if not coll.list_columns:
                continue
            names = [column.name for column in self.tables[coll.name].columns if column.name != "pk"]
            at = [names.index(list_column(name)) for name, _ in coll.list_columns]
            odd = " OR ".join(
                f"EXISTS (SELECT 1 FROM json_tree(data, '$.{head}') WHERE type = 'text' "
                "AND (instr(atom, ',') OR instr(atom, '%')))"
                for head in dict.fromkeys(path.partition("[]")[0] for _, path in coll.list_columns)
            )
            held = ", ".join(f'"{names[i]}"' for i in at)
            found = raw.execute(f'SELECT pk, data, {held} FROM "{coll.name}" WHERE {odd}').fetchall()
            rows = _rows(coll, [json.loads(data) for _, data, *_ in found])
            updates = []
            for (pk, _, *old), row in zip(found, rows, strict=True):
                new = [row[i] for i in at]
                if new != old:
                    updates.append((*new, pk))
            sets = ", ".join(f'"{names[i]}" = ?' for i in at)
            raw.executemany(f'UPDATE "{coll.name}" SET {sets} WHERE pk = ?', updates)
            changed += len(updates)
        return changed

    def _agree(self, raw: Any, coll: CollectionDef, field: str, via: str, source: str) -> int:
        """The records of ``coll`` a server before ``agree`` stored naming a ``field`` other than the ``source`` of
        the record ``via`` names (an enrollment in class c1 of school s1 naming s2: listed under s2, out of s1's
        listings, and its read-modify-write PUT 422), given that one, as a move of the class does
        (``_move_followers``): deleted ones as they were, the others stamped with this transaction's stamp, for
        their answer changed and a delta sync must see it (kept, a mirror synced before would keep the old school;
        the stamp is never older than one handed out). Gives how many changed."""
        followed = self.tables[COLLECTIONS[coll.refs[via]].table]
        mine, by, theirs = ref_column(field), ref_column(via), ref_column(source)
        assert {mine, by} <= set(self.tables[coll.name].c.keys()) and theirs in followed.c, (coll.name, field)
        # (f, the record; p, the one it follows)
        differing = (f'"{followed.name}" AS p WHERE p.sourced_id = f."{by}" AND f.status != \'tobedeleted\' '
                     f'AND p."{theirs}" IS NOT NULL AND f."{mine}" IS NOT p."{theirs}"')  # fmt: skip
        if raw.execute(f'SELECT 1 FROM "{coll.name}" AS f, {differing} LIMIT 1').fetchone() is None:
            return 0  # (no stamp taken)
        # One statement: read, changed and written back one by one, each cost 360 us (4.1 s for 10,000 in a file of
        # 1,000,000 enrollments). The field and the stamp set in the record's JSON, and in their columns.
        stamp = _SqlTransaction(self, raw).stamp()
        sets = reference_set(field, f'p."{theirs}"', data="f.data")
        return int(raw.execute(f'UPDATE "{coll.name}" AS f SET {sets} FROM {differing}', (stamp, stamp)).rowcount)

    def statement(self, kind: str, coll: CollectionDef) -> Any:
        """The read statements, built once per collection and reused (parameters bound at execution): building
        and cache-keying a fresh statement per call cost more than running it."""
        key = (kind, coll.name)
        stmt = self._statements.get(key)
        if stmt is None:
            assert kind == "get", kind
            table = self.tables[coll.table]
            stmt = select(table.c.data).where(table.c.sourced_id == bindparam("id"))
            stmt = self._view_filter(stmt, coll, table)
            self._statements[key] = stmt
        return stmt

    def raw_sql(self, kind: str, coll: CollectionDef) -> str:
        """SQL text for the driver connection: ``exists`` (``json_each`` over a JSON array of ids; its first
        column is the placeholder ``?index``), ``deleted`` (those of such ids deleted records hold) or ``get``, each
        with the view's conditions."""
        key = (f"raw-{kind}", coll.name)
        built = self._statements.get(key)
        if built is None:
            table = coll.table
            # The view's conditions with their values inlined: constants of the collection table, not input.
            where = "".join(
                f" AND {condition.compile(dialect=self.engine.dialect, compile_kwargs={'literal_binds': True})}"
                for condition in self._view_conditions(coll, self.tables[table])
            )
            if kind == "exists":
                sql = (f"SELECT ?index, sourced_id FROM {table} "
                       f"WHERE sourced_id IN (SELECT value FROM json_each(?)){where}")  # fmt: skip
            elif kind == "deleted":
                # Each id through the sourcedId index: "+status" keeps SQLite from reading every deleted row through
                # theirs, as statistics gathered while few were deleted had it do (49-59 ms against 4.4, 100,000
                # deleted)
                sql = (f"SELECT sourced_id FROM {table} WHERE sourced_id IN (SELECT value FROM json_each(?)) "
                       f"AND +status = 'tobedeleted'{where}")  # fmt: skip
            else:
                sql = f"SELECT data FROM {table} WHERE sourced_id = ?{where}"
            built = self._statements[key] = sql
        return built

    def union_sql(self, asked: tuple[tuple[int, str, bool], ...]) -> str:
        """The ``exists`` statements of ``asked`` ((index, collection, one id?)), joined by ``UNION ALL``; cached."""
        key = ("raw-union", repr(asked))
        sql = self._statements.get(key)
        if sql is None:
            parts = []
            for index, name, single in asked:
                part = self.raw_sql("exists", COLLECTIONS[name]).replace("?index", str(index))
                if single:
                    part = part.replace("IN (SELECT value FROM json_each(?))", "= ?")
                parts.append(part)
            sql = self._statements[key] = " UNION ALL ".join(parts)
        return sql

    def raw_insert(self, coll: CollectionDef, *, upsert: bool = False) -> str:
        key = ("raw-upsert" if upsert else "raw-insert", coll.name)
        built = self._statements.get(key)
        if built is None:
            table = self.tables[coll.table]
            columns = tuple(c.name for c in table.columns if c.name != "pk")
            # Positional parameters, in the order _rows gives them.
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            if upsert:
                sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "sourced_id")
                sql += f" ON CONFLICT(sourced_id) DO UPDATE SET {sets}"
            built = self._statements[key] = sql
        return built

    def base_collection(self, coll: CollectionDef) -> CollectionDef:
        return COLLECTIONS[coll.table]

    @staticmethod
    def _view_conditions(coll: CollectionDef, table: Table) -> list[Any]:
        """What keeps a view's records apart in the table it shares (its fixed fields, its role); written once,
        for the SQLAlchemy reads and, compiled to text, for the driver's statements (``raw_sql``)."""
        conditions = [func.json_extract(table.c.data, f"$.{name}") == value for name, value in coll.fixed]
        if coll.role is not None:
            conditions.append(table.c[list_column("roles")].like(f"%,{coll.role},%"))
        return conditions

    def _view_filter(self, stmt: Any, coll: CollectionDef, table: Table) -> Any:
        conditions = self._view_conditions(coll, table)
        return stmt.where(*conditions) if conditions else stmt

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection to read on (in memory: the one connection, under the write lock). SQLite's progress handler
        stops its statements once the deadline of ``reads_limited`` passed (``QueryTimedOut``), or once ``close()``
        began (``Closing``); it is taken off again before the connection goes back to the pool."""
        limit = read_limit()
        deadline, seconds = limit or (math.inf, 0.0)
        with self._reading:
            if self._closing:
                raise Closing
            self._reads += 1
        try:
            self._refuse_if_moved()  # (before connecting: a new connection opened whatever file is there now)
            with self._write_lock if self._in_memory else nullcontext(), self.engine.connect() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None  # (None only once invalidated: not for a connection just checked out)
                raw.set_progress_handler(functools.partial(_stop_reading, self, deadline), PROGRESS_STEPS)
                try:
                    yield conn
                except (DBAPIError, sqlite3.OperationalError) as exc:  # (the driver's own: a read on it, ``held``)
                    if str(getattr(exc, "orig", exc)) == "interrupted":
                        if self._closing:
                            raise Closing from exc
                        if time.monotonic() >= deadline:
                            raise QueryTimedOut(seconds) from exc
                        # Neither: the handler raised, a signal's KeyboardInterrupt (Ctrl-C, or SIGTERM as `serve`
                        # starts), which sqlite3 swallows as "interrupted": `serve` stopped while it checked a seed
                        # held said it could not open the database, exit 2. (Signals are handled in the main thread.)
                        if threading.current_thread() is threading.main_thread():
                            raise KeyboardInterrupt from exc
                    raise
                finally:
                    raw.set_progress_handler(None, 0)
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            damage = self._damaged(exc)
            if damage is None:
                raise
            raise damage from exc
        finally:
            with self._reading:
                self._reads -= 1
                self._reading.notify_all()

    @contextmanager
    def transaction(self) -> Iterator[_SqlTransaction]:
        """A write transaction of the service (see ``_raw_transaction``), the generation bumped before ``COMMIT``:
        remembered counts and page ends no longer hold. Inside ``without_waiting()``, ``WouldWait`` rather than
        waiting for another writer."""
        tx: _SqlTransaction | None = None
        whole = self._whole
        if whole is not None and whole.thread == threading.get_ident():  # (inside all_or_nothing(): a part of it)
            with self._savepoint(whole.raw) as raw:
                tx = _SqlTransaction(self, raw)
                tx._stamp = whole.stamp
                yield tx
            whole.learned.extend(tx.learned)
            return

        def committed() -> None:
            assert tx is not None
            for name, ids in tx.learned:
                self.known_ids.add(name, ids)

        with self._raw_transaction(may_wait(), committed=committed) as raw:
            tx = _SqlTransaction(self, raw)
            yield tx

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """One write transaction for every ``transaction()`` this thread opens in the block (each in a savepoint),
        committed when the block ends, rolled back whole if it fails: a seed that fails stores nothing
        (``load_seed``). Other threads' writes wait for the block, as for any transaction. A block inside another
        of this thread's is a part of the outer one (``LocalServer.reset``: the seed loaded again where the records
        were deleted, or neither)."""
        whole = self._whole
        if whole is not None and whole.thread == threading.get_ident():  # (inside another: a part of it)
            yield
            return
        learned: list[tuple[str, set[str]]] = []

        def committed() -> None:
            for name, ids in learned:
                self.known_ids.add(name, ids)

        with self._raw_transaction(may_wait(), committed=committed) as raw:
            self._whole = _Whole(raw, learned)
            try:
                yield
            finally:
                self._whole = None

    def delete_all(self) -> None:
        """Every row of every record table deleted, in one transaction (SQLite empties a table without a ``WHERE``
        at once, rather than row by row). The known ids are forgotten, as they no longer exist; the file's count of
        resets moves, so that every other process on it (``serve --workers``, another server) forgets its own at its
        next write."""
        with self.transaction() as tx:
            for name in self.tables:
                if tx._raw.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is None:
                    continue  # (nothing to delete: its triggers left alone, each a change of the schema)
                triggers = _removal_triggers(name)  # (dropped for the DELETE: else it deletes row by row)
                for drop, _ in triggers:
                    tx._raw.execute(drop)
                tx._raw.execute(f'DELETE FROM "{name}"')
                for _, create in triggers:
                    tx._raw.execute(create)
            (self._resets_seen,) = tx._raw.execute(_RESET).fetchone()
            tx._raw.execute(_STAMP_FORGOTTEN)
            tx._raw.execute(_ANALYZED, (0,))  # (the statistics gathered again as the tables fill up anew)
            self._look_at = 0
            # (under the write lock; forgetting is sound whether or not this commits)
            self.known_ids = KnownIds()
            whole = self._whole
            if whole is not None:  # (ids the block's parts before this one found exist no longer)
                whole.learned.clear()

    def write_together(self, calls: Sequence[Callable[[], T]]) -> list[T | Exception]:
        """Each call's outcome (what it returned, or the exception it raised), the calls run in one write
        transaction, each ``transaction()`` of theirs a savepoint of it (``all_or_nothing``): a call that fails is
        undone alone, and the others commit together. One ``COMMIT`` (and one copy of each page it touched into
        the WAL) for them all: single-result PUTs cost the server about a quarter less in groups of 8. If the
        transaction itself ends (a failed ``COMMIT``; an I/O error, which rolls back all of it), every call that
        had not failed on its own gets that error: nothing of theirs is stored. ``WouldWait`` (nothing run) or
        the lock's timeout as for a ``transaction()``."""
        outcomes: list[Any] = [None] * len(calls)  # (each set below, or all by the except)
        try:
            with self.all_or_nothing():
                whole = self._whole
                assert whole is not None
                raw = whole.raw
                # One stamp for all (they commit at once), taken outside the calls' savepoints: a call undone
                # does not take back a stamp the others use.
                whole.stamp = _SqlTransaction(self, raw).stamp()
                for index, call in enumerate(calls):
                    try:
                        outcomes[index] = call()
                    except Exception as exc:
                        outcomes[index] = self._damaged(exc) or exc  # (undone alone: not through _raw_transaction)
                        if not raw.in_transaction:  # (SQLite rolled all of it back: the calls before are undone)
                            raise
        except WouldWait:
            raise
        except Exception as exc:
            return [outcome if isinstance(outcome, Exception) else exc for outcome in outcomes]
        return outcomes

    @staticmethod
    @contextmanager
    def _savepoint(raw: Any) -> Iterator[Any]:
        raw.execute("SAVEPOINT timeback_part")
        try:
            yield raw
        except BaseException:
            if raw.in_transaction:
                raw.execute("ROLLBACK TO timeback_part")
                raw.execute("RELEASE timeback_part")
            raise
        raw.execute("RELEASE timeback_part")

    @contextmanager
    def _raw_transaction(self, waiting: bool = True, *, committed: Callable[[], None] | None = None) -> Iterator[Any]:
        """Every write: the right to write (``_writing``), ``BEGIN IMMEDIATE`` on the kept writer connection (the
        write lock from the start, also against other processes on the file), a look at what others wrote
        (``_look_as_writer``), then the generation bumped and ``COMMIT``; ``ROLLBACK`` on any error. On the driver's
        connection directly: SQLAlchemy's begin/commit machinery cost more than the write of a single record."""
        with self._writing(waiting) as deadline:
            self._refuse_if_moved()
            try:
                raw = self._writer()
                if waiting:
                    _begin_by(raw, deadline)
                else:
                    _begin_at_once(raw)
                committing = False
                try:
                    saw = self._look_as_writer(raw)
                    yield raw
                    (generation,) = raw.execute(_BUMP).fetchone()
                    committing = True
                    raw.execute("COMMIT")
                    self.commits += 1  # (a signal raises as a call returns: no call between the COMMIT and this)
                except BaseException as exc:
                    if raw.in_transaction:
                        raw.execute("ROLLBACK")
                    elif committing and not isinstance(exc, sqlite3.Error):
                        # (a stop that came while SQLite committed, raised as the COMMIT returned: committed)
                        self.commits += 1
                    raise
            except sqlite3.DatabaseError as exc:
                damage = self._damaged(exc)
                if damage is None:
                    raise
                raise damage from exc
            saw[2] = generation  # (its own commits leave this connection's data_version as it was)
            if committed is not None:
                committed()
            if raw.total_changes >= self._look_at:
                try:
                    self._look_at_statistics(raw)
                except Exception as exc:  # (the commit stands; the next look is due at the next commit)
                    log.warning("after a commit to %s, looking at SQLite's statistics failed: %s", self._where, exc)
            checkpointer = self._checkpointer
            if checkpointer is not None:
                try:
                    checkpointer.after_commit(raw)
                except Exception as exc:  # (its thread could not start, say): the commit stands, SQLite's backstop too
                    log.warning("after a commit to %s, the WAL's checkpointer failed: %s", checkpointer._path, exc)

    def _analyze(self, raw: Any) -> None:
        """``_analyze``, and the next look at the statistics set for when the tables may have doubled."""
        rows = _analyze(raw)
        self._look_at = raw.total_changes + max(rows, STATISTICS_FLOOR)

    def _look_at_statistics(self, raw: Any) -> None:
        """On the writer after a ``COMMIT``, holding the right to write, once it changed as many rows as would double
        the record tables since their last ANALYZE (a change adds one row at most): ANALYZE again in a thread of its
        own if they did (``_statistics_due``). A server started on an empty file planned every read without
        statistics until it was restarted (a student's results in a class at 200,000 results, through the class's
        index: 26-74 ms against 2.5-3.6)."""
        if self._statistics_due(raw):
            thread = threading.Thread(
                target=self._gather_statistics, args=(raw.total_changes,), name="timeback-analyze", daemon=True
            )
            # Recorded once started (it waits for the write lock held here): a thread that could not start left
            # close() joining a thread never started, and no look at the statistics ever again.
            self._look_at = raw.total_changes + STATISTICS_FLOOR  # (if it cannot start: looked at after more writes)
            thread.start()
            self._statistics, self._look_at = thread, math.inf  # (until that thread is done)

    def _statistics_due(self, raw: Any) -> bool:
        """Whether the record tables grew by their rows at the last ANALYZE (by any process on the file), and by
        ``STATISTICS_FLOOR`` at least; if not, the next look set for when this writer's changes could make it so."""
        analyzed, rows = raw.execute(_GROWTH).fetchone()
        left = max(analyzed, STATISTICS_FLOOR) - (rows - analyzed)
        if left <= 0:
            return True
        self._look_at = raw.total_changes + left
        return False

    def _gather_statistics(self, changes: int) -> None:
        """ANALYZE as a write of its own, off the request that found it due: the writes wait for it as for any other
        (tens of milliseconds at most), here and in every process on the file. Only if still due: another process
        may have done it meanwhile."""
        try:
            with self._raw_transaction() as raw:
                if self._statistics_due(raw):
                    started = time.perf_counter()
                    self._analyze(raw)
                    log.debug(
                        "SQLite's statistics of %s gathered in %.1f ms",
                        self._where,
                        (time.perf_counter() - started) * 1000,
                    )
        except Exception as exc:  # (the lock waited out, a full disk): looked at again after more writes
            self._look_at = changes + STATISTICS_FLOOR
            log.warning("gathering SQLite's statistics of %s failed: %s", self._where, exc)

    def _look(self) -> tuple[int, int | None]:
        """(the epoch, the generation the file holds), for a listing: whether another program wrote to the file since
        the last look (``PRAGMA data_version`` moved, and the generation did not move forward or the schema changed:
        a new epoch then). On one connection kept for it, so that its counter orders every look: about 5 us, 13 after
        a commit (session 42, timeit). In memory, no other connection can write: (the epoch, None)."""
        if self._in_memory:
            return self._epoch, None
        with self._looking:
            if self._watcher is None:
                self._watcher = self.engine.raw_connection()
            raw = self._watcher.driver_connection
            (version,) = raw.execute("PRAGMA data_version").fetchone()
            saw = self._watched
            if saw is None or version != saw[0]:
                version, schema, generation, _ = raw.execute(_LOOK).fetchone()
                if saw is not None and (schema != saw[1] or generation <= saw[2]):
                    self._another_program_wrote()
                self._watched = saw = (version, schema, generation)
            return self._epoch, saw[2]

    def _look_as_writer(self, raw: Any) -> list[int]:
        """At each write transaction's start, on the writer: a new ``KnownIds`` if the record tables were emptied (by
        any process) since they were valid, or another program wrote to the file (as ``_look`` tells, on this
        connection, whose own commits leave its counter as it was; or a listing's look saw it). One ``PRAGMA`` while
        no other connection committed. Gives what it saw, (data_version, schema version, generation, epoch), kept for
        the next."""
        (version,) = raw.execute("PRAGMA data_version").fetchone()
        saw = self._writer_saw
        if saw is not None and version == saw[0] and saw[3] == self._epoch:
            return saw
        _, schema, generation, resets = raw.execute(_LOOK).fetchone()  # (in the transaction: the version read)
        if saw is not None and version != saw[0] and (schema != saw[1] or generation <= saw[2]):
            self._another_program_wrote()
        if saw is None or saw[3] != self._epoch or resets != self._resets_seen:
            self.known_ids = KnownIds()
            self._resets_seen = resets
        self._writer_saw = saw = [version, schema, generation, self._epoch]
        return saw

    def _another_program_wrote(self) -> None:
        self._epoch = next(self._epochs)  # (the counts and page ends remembered before are never looked up again)
        log.debug("%s was written by another program: what was remembered of its listings is forgotten", self._where)

    @contextmanager
    def _writing(self, waiting: bool) -> Iterator[float]:
        """The right to write: this process's writer lock, then the database file's (``_FileLock``, shared with
        every process on the file). ``WouldWait`` when not ``waiting`` and either is held. One deadline for both,
        ``BUSY_TIMEOUT_MS`` after the wait began (``waiting_since``, else now), then "database is locked": with a
        fresh timeout for the file lock, the k-th write queued here behind another process's lock waited k of them.
        Gives the deadline (0 when not ``waiting``), for SQLite's own wait (``_begin_by``)."""
        deadline = 0.0
        if waiting:
            deadline = (waiting_from() or time.monotonic()) + BUSY_TIMEOUT_MS / 1000
            left = deadline - time.monotonic()
            got = self._write_lock.acquire(timeout=left) if left > 0 else self._write_lock.acquire(blocking=False)
            if not got:
                raise sqlite3.OperationalError("database is locked")
        elif not self._write_lock.acquire(blocking=False):
            raise WouldWait
        try:
            if self._file_lock is not None and not self._file_lock.acquire(waiting, deadline):
                raise WouldWait
            try:
                yield deadline
            finally:
                if self._file_lock is not None:
                    self._file_lock.release()
        finally:
            self._write_lock.release()

    def _moved(self) -> bool:
        """Whether the database file was removed or replaced since it was opened (one ``stat``: 3-4 us here).
        Not when its path cannot be looked at (a directory made unreadable): SQLite's own errors say then."""
        if self._opened is None or self._path is None:
            return False
        try:
            found = os.stat(self._path)
        except (FileNotFoundError, NotADirectoryError):
            return True
        except OSError:
            return False
        return (found.st_dev, found.st_ino) != self._opened

    def _refuse_if_moved(self) -> None:
        """``FileReplaced`` if the database file was removed or replaced: SQLite went on with the file it had open,
        so each write was acknowledged and lost, and a read on a connection opened since read the new file through
        this server's WAL (closing, that connection copied the WAL into it: a snapshot put in place was corrupted)."""
        if self._opened is None and self._path is not None and not self._in_memory:
            with suppress(OSError):  # (opened again after a close: whatever file is there now is its own)
                found = os.stat(self._path)
                self._opened = found.st_dev, found.st_ino
            return
        if self._moved():
            if not self._told_moved:
                self._told_moved = True
                log.error("the database file %s was removed or replaced while the server ran: its reads and writes "
                          "are refused (503) until it is restarted", self._where)  # fmt: skip
            raise FileReplaced(self._where)

    def check(self) -> None:
        """Raises what a read would now (``FileReplaced``, ``FileCorrupt``): the generation read on a read connection,
        which reads the schema and a page of a table (``SELECT 1`` reads no page of the file). ``FileCorrupt`` too
        once any read or write found the file damaged: this read touches few of its pages."""
        if self._damage_seen is not None:
            raise FileCorrupt(self._where, self._damage_seen)
        with self._read() as conn:
            conn.execute(self._generation).scalar_one()

    def _damaged(self, exc: BaseException) -> FileCorrupt | None:
        """``FileCorrupt`` (caused by ``exc``) if ``exc`` is SQLite finding the file damaged (SQLITE_CORRUPT and its
        extended codes, SQLITE_NOTADB), logged the first time, in one line: it was a 500 "Internal server error."
        with a traceback for each request that touched a damaged page, and ``/health`` said ok."""
        error = exc.orig if isinstance(exc, DBAPIError) else exc
        code = getattr(error, "sqlite_errorcode", None)  # (None: an error made in Python, not by SQLite)
        if not isinstance(error, sqlite3.DatabaseError) or code is None or code & 0xFF not in _DAMAGE_CODES:
            return None
        with self._damage_lock:
            first = self._damage_seen is None
            if first:
                self._damage_seen = str(error)
        if first and not self._opening:
            log.error("the database file %s is damaged (SQLite: %s): the requests that touch the damaged part fail "
                      "(500), writing nothing, and /health answers 503; restore it from a backup or start the server "
                      "on a new file", self._where, error)  # fmt: skip
        damage = FileCorrupt(self._where, str(error))
        damage.__cause__ = exc
        return damage

    def _writer(self) -> Any:
        """The driver connection every write runs on, checked out of the engine's pool once (so it has the pool's
        connect-time settings: WAL, busy timeout, no implicit transactions) and kept; used under the write lock."""
        if self._write_connection is None:
            self._write_connection = self.engine.raw_connection()
            if self._checkpointer is not None:  # its COMMITs do not copy the WAL: the checkpointer thread does
                self._checkpointer.configure_writer(self._write_connection.driver_connection)
        return self._write_connection.driver_connection

    def _get(self, conn: Connection, coll: CollectionDef, sourced_id: str) -> dict[str, Any] | None:
        data = conn.execute(self.statement("get", coll), {"id": sourced_id}).scalar_one_or_none()
        return None if data is None else json.loads(data)

    def get(self, coll: CollectionDef, sourced_id: str) -> dict[str, Any] | None:
        with self._read() as conn:
            return self._get(conn, coll, sourced_id)

    def exists(self, coll: CollectionDef, sourced_id: str) -> bool:
        return self.get(coll, sourced_id) is not None

    def held(self, coll: CollectionDef, ids: Collection[str]) -> set[str]:
        """Those of ``ids`` records of ``coll`` hold, deleted ones too (a view's conditions applied), read outside
        any write: one statement, no commit; not within a transaction of this thread's on ``sqlite://`` (its one
        connection, given back, would roll it back). (An id holding U+0000, which ``json_each`` would cut, or a lone
        surrogate, which has no UTF-8 form, is none of them: no record holds one.)"""
        asked = [i for i in ids if _utf8(i)]
        if not asked:
            return set()
        with self._read() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # (None only once invalidated: not for a connection just checked out)
            rows = raw.execute(self.union_sql(((0, coll.name, False),)), (to_json(asked).decode(),))
            return {sourced_id for _, sourced_id in rows}

    def list(self, coll: CollectionDef, query: ListQuery) -> tuple[list[str], int]:
        table = self.tables[coll.table]
        scoped = [self._scope(table, scope, coll.role) for scope in query.scopes]
        conditions = list(scoped)
        if query.search:
            fields = [table.c.sourced_id, *(_json(table, (name,)) for name in coll.search)]
            conditions.append(or_(*(_contains(f, query.search) for f in fields)))
        if not query.include_deleted:
            conditions.append(table.c.status != "tobedeleted")

        def filtered(through_index: bool | None) -> list[Any]:
            if query.filter is None:
                return conditions
            any_of = query.filter.any_of
            groups = [and_(*(self._predicate(table, p, through_index) for p in group)) for group in any_of]
            return [*conditions, or_(*groups)]

        plainly = filtered(None)

        order = [table.c.pk]
        if query.sort is not None:
            key = self._sort_key(table, query.sort)
            order = [key.desc() if query.sort.descending else key.asc(), table.c.pk]
        # What the selection is, whatever the page: the key of its remembered count and page ends.
        selection = repr((coll.name, query.scopes, query.filter, query.search, query.include_deleted, query.sort))
        with self._read() as conn:
            epoch, looked = self._look()  # (before the snapshot: another program's write after it is seen by the next)
            generation = conn.execute(self._generation).scalar_one()
            # Neither reused nor kept if a commit landed between the look and the snapshot: another program's write
            # after that commit would go unseen by the next look, which finds the generation moved since this one.
            version = (epoch, generation) if looked in (None, generation) else None
            total = None if version is None else self._counts.get((version, selection))
            if total is None:
                total = conn.execute(self._count(coll, table, query, scoped, plainly)).scalar_one()
                if version is not None:
                    self._counts.put((version, selection), total)
            # A delta sync (dateLastModified after its last run) selects few of the table's rows: read them through
            # their index, not in pk order past every older row (what SQLite does with no statistics). A range
            # holding much of the table is read in pk order: through the index, each page would read and sort the
            # whole range again. A scoped listing's own index (class, student, ...) is the narrower one.
            through_index: bool | None = None
            if query.filter is not None and query.filter.mentions("dateLastModified") and not query.scopes:
                through_index = total * 4 < (conn.execute(select(func.max(table.c.pk))).scalar() or 0)
            where = plainly if through_index is None else filtered(through_index)
            end = None if version is None else self._page_ends.get((version, selection, query.offset))
            found: builtins.list[Any] = []
            if query.sort is None:
                columns = (table.c.pk,) if through_index else (table.c.pk, table.c.data)
                page = self._view_filter(select(*columns).where(*where), coll, table)
                page = page.where(table.c.pk > end[0]) if end is not None else page.offset(query.offset)
                statement = page.order_by(*order).limit(query.limit)
                if through_index:  # (read through the date's index, then sorted by pk: their pks alone, as a sort's)
                    _read_ranked(conn, table, [(pk, False) for (pk,) in conn.execute(statement)], query, found)
                else:
                    _take(conn.execute(statement), query.max_characters, found)
            else:
                # The sort reads only pk and the key of each row, then the page's own rows are read: with every
                # row's data, the sorter held offset + limit rows of it (1.1 s at offset 190,000 of 200,000).
                if self._ranked_in_its_index(conn, coll, table, query, key):
                    where = [table.c.pk.not_in(select(table.c.pk).where(table.c.status == "tobedeleted"))]
                ranking = self._view_filter(select(table.c.pk, key.label("sort_key")).where(*where), coll, table)

                def ranked(selection: Any, limit: int) -> list[tuple[int, bool]]:
                    # (pk, whether its key is NULL) of the page's rows in order; their data is read after, by pk:
                    # joined in the ranking's statement, SQLite sorted the page's rows, records and all, before the
                    # first came (3,000 of 30 MB each: 90 GB through its sorter, whatever the page's bound)
                    keys = conn.execute(selection.order_by(*order).limit(limit))
                    return [(pk, key is None) for pk, key in keys]

                if end is None:
                    _read_ranked(conn, table, ranked(ranking.offset(query.offset), query.limit), query, found)
                else:  # the rows after the page's end, a stretch at a time: the next only while the page is short
                    for stretch in self._after(table, query.sort, *end):
                        rows = ranked(ranking.where(stretch), query.limit - len(found))
                        if _read_ranked(conn, table, rows, query, found) or len(found) == query.limit:
                            break
        if found and version is not None:  # the page after this one starts after its last row
            last = found[-1]
            null_key = query.sort is not None and bool(last[2])
            self._page_ends.put((version, selection, query.offset + len(found)), (last[0], null_key))
        return [row[1] for row in found], total

    def _ranked_in_its_index(
        self, conn: Connection, coll: CollectionDef, table: Table, query: ListQuery, key: Any
    ) -> bool:
        """Whether a sorted page leaves the deleted rows out by their pk (``list``), so its ranking reads the sort
        key's index alone: a key indexed alone (a reference, the sourcedId), whose index holds the pk (the rowid), and
        nothing else asked. "status != 'tobedeleted'" read every row before the page from the table, in the key's
        order (results by student at offset 99,000 of 100,000: 259-280 ms, 16-18 ms so). Only while no row is deleted
        (their index is empty): with some, probing their pks for each row cost more than reading it from the table for
        a key in about pk order (a line item's, a class's: 1.3-1.9x with 1-10% deleted), and every page paid for
        gathering them (2 ms per 10,000), though results by student were still 5-7x faster. Right either way: the
        choice only picks the plan."""
        alone = not (query.scopes or query.filter or query.search or query.include_deleted)
        if not alone or self._view_conditions(coll, table):
            return False
        if not (table.c.contains_column(key) and (key.name == "sourced_id" or key.name.startswith("ref_"))):
            return False
        return conn.execute(select(table.c.pk).where(table.c.status == "tobedeleted").limit(1)).first() is None

    def _sort_key(self, table: Table | Any, sort: Sort) -> Any:
        key = self._column(table, sort.path, sort.kind)
        if sort.kind == "bool":
            # Both forms of a boolean (JSON true/false, Timeback's "true"/"false") as 1/0, as the filter takes
            # them: the strings sorted after every JSON boolean. Neither (missing): NULL, first.
            key = case((_bool_condition(table, Predicate(sort.path, "bool", "=", True)), 1),
                       (_bool_condition(table, Predicate(sort.path, "bool", "=", False)), 0))  # fmt: skip
        return key

    def _after(self, table: Table, sort: Sort, pk: int, null_key: bool) -> builtins.list[Any]:
        """The rows after the row ``pk`` in a sorted listing's order (its key, NULL first ascending and last
        descending; then pk, ascending either way): where the page after one ending at that row starts, as
        conditions each holding a stretch of them, in the listing's order. Its key is read again from the row
        (unchanged while the generation is), so it compares exactly as the sort did.

        A key an index holds is a stretch of that index for each: the rest of the row's run of equal keys (in pk
        order, as the index holds them), the keys past it, then the NULLs (descending: they come last). In one
        condition, "key < last OR key IS NULL OR (key = last AND pk > ...)" was no range of the index: SQLite read
        it from the start, each next descending page costing more than the one before (300,000 results: 10-12 ms at
        offset 0, 55-68 ms at 250,000; 6-10 ms at both so); and each page in a run of equal keys read the run from
        its start (all of it, descending: the index holds its pks ascending). A key no index holds is read whole for
        each page anyway: one condition, one pass."""
        key = self._sort_key(table, sort)
        if sort.path == ("pk",):  # (orderBy=desc alone: never NULL, never equal)
            return [table.c.pk < pk] if sort.descending else [table.c.pk > pk]
        indexed = self._indexed(table, sort)
        if null_key:
            rest = and_(key.is_(None), table.c.pk > pk)
            if sort.descending:
                return [rest]
            return [rest, key.is_not(None)] if indexed else [or_(key.is_not(None), table.c.pk > pk)]
        row = table.alias("last_row")
        last = select(self._sort_key(row, sort)).where(row.c.pk == pk).scalar_subquery()
        run = and_(key == last, table.c.pk > pk)
        beyond = key < last if sort.descending else key > last
        # (Ascending, the NULLs came first. A column that holds none, the sourcedId: SQLite reads all of its index
        # for "IS NULL".)
        nulls = [key.is_(None)] if sort.descending and getattr(key, "nullable", True) else []
        if not indexed:
            return [or_(beyond, run, *nulls)]
        return [*([] if getattr(key, "unique", False) else [run]), beyond, *nulls]  # (a unique key has no run)

    @staticmethod
    def _indexed(table: Table, sort: Sort) -> bool:
        """Whether a sort's key is the first column of an index (``_build_tables``): the sourcedId, a reference's
        column, dateLastModified's ``julianday()``."""
        path = sort.path
        if path in (("sourcedId",), ("dateLastModified",)):
            return True
        return len(path) == 2 and path[1] == "sourcedId" and ref_column(path[0]) in table.c

    def _count(
        self, coll: CollectionDef, table: Table, query: ListQuery, scoped: builtins.list[Any], where: builtins.list[Any]
    ) -> Any:
        """The statement counting a listing (``where``). Without a filter, or with one on status alone, its scope's
        rows (``scoped``) less the deleted ones, or all of them, or the deleted ones alone: each count read through
        an index, where "status != 'tobedeleted'" read every row (24 ms at 200,000 results, again after each write).
        A status is either of the two (the server's strict validation refuses any other)."""

        def counted(*conditions: Any) -> Any:
            return self._view_filter(select(func.count()).select_from(table).where(*conditions), coll, table)

        if not query.search and (query.filter is None or query.filter.only_on("status")):
            admitted = {
                status
                for status in _STATUSES
                if (status == "active" or query.include_deleted)
                and (query.filter is None or query.filter.holds_for("status", status))
            }
            deleted = counted(*scoped, table.c.status == "tobedeleted")
            if admitted == {"active"}:
                return select(counted(*scoped).scalar_subquery() - deleted.scalar_subquery())
            if admitted == {"tobedeleted"}:
                return deleted
            if admitted:
                return counted(*scoped)
        return counted(*where)

    def _scope(self, table: Table, scope: Scope, role: str | None = None) -> Any:
        if scope.contains:
            # instr, not LIKE: SQLite's LIKE ignores the case of ASCII letters, and sourcedIds are case-sensitive
            listed = func.instr(table.c[list_column(scope.field)], f",{list_item(scope.value)},") > 0
            if role is None or scope.field != "orgs":
                return listed
            # The students (teachers) of an org: users holding that role at it, in one entry of their roles. The
            # list columns alone also took a teacher at the school who is a student elsewhere. They still narrow
            # the rows first, so only the users with some role at the org have their roles read. (The role in any
            # case of its ASCII letters, as the view's own condition, a LIKE, takes it: /students agrees. Writes
            # hold exact members now; "Student" is in data older servers stored.)
            held = func.json_each(table.c.data, "$.roles").table_valued("value")
            paired = select(held.c.value).where(
                func.lower(func.json_extract(held.c.value, "$.role")) == role,
                func.json_extract(held.c.value, "$.org.sourcedId") == scope.value,
            )
            return and_(listed, paired.exists())
        path = ("sourcedId",) if scope.field == "sourcedId" else (scope.field, "sourcedId")
        column = self._column(table, path, "string")
        if scope.through is None:
            return column == scope.value
        through = scope.through
        other = self.tables[COLLECTIONS[through.collection].table]
        selected = self._column(
            other, ("sourcedId",) if through.select == "sourcedId" else (through.select, "sourcedId"), "string"
        )
        conditions = [self._column(other, (through.match, "sourcedId"), "string") == scope.value]
        if through.live_only:
            conditions.append(other.c.status != "tobedeleted")
        conditions += [self._column(other, (match, "sourcedId"), "string") == value for match, value in scope.also]
        conditions += [_json(other, (name,)) == value for name, value in through.where]
        return column.in_(select(selected).where(*conditions))

    @staticmethod
    def _column(table: Table, path: tuple[str, ...], kind: str) -> Any:
        if path == ("pk",):
            return table.c.pk
        if path == ("sourcedId",):
            column: Any = table.c.sourced_id
        elif path == ("status",):
            column = table.c.status
        elif path == ("dateLastModified",):
            column = table.c.date_last_modified
        elif len(path) == 2 and path[1] == "sourcedId" and ref_column(path[0]) in table.c:
            column = table.c[ref_column(path[0])]
        else:
            column = _json(table, path)
        if kind == "date":
            # julianday, not datetime(): datetime() drops the milliseconds, and a delta sync asking for
            # dateLastModified>'<the last one it saw>' missed every record written later in the same second. Also
            # the very expression of dateLastModified's index (``_build_tables``), which the server stamps in UTC.
            return func.julianday(column) if path == ("dateLastModified",) else _moment(column)
        return column

    def _predicate(self, table: Table, p: Predicate, through_index: bool | None = None) -> Any:
        """SQL for one comparison of the filter. ``through_index`` (``list``): whether a dateLastModified range
        is read through that column's index (SQLite is told it selects few rows) or in pk order (the index is
        kept out of it); None leaves it to SQLite."""
        column = self._column(table, p.path, p.kind)
        if p.kind == "date":
            if p.path != ("dateLastModified",) or through_index is None:
                return _date_condition(column, p)
            if not through_index:
                return _date_condition(column + 0, p)  # (not the index's expression: SQLite reads in pk order)
            return func.likelihood(_date_condition(column, p), literal_column("0.001"))
        if p.kind == "bool":
            return _bool_condition(table, p)
        if p.kind == "json":
            return _metadata_condition(table, p)
        if p.path == ("status",):
            # The statuses it holds for: "status!='active'" is "status = 'tobedeleted'", read through the deleted
            # rows' index, where "status IS NULL OR status != 'active'" read every row (12-13 ms through the server
            # at 100,000 results, none deleted; 2.4 ms). One is "=": SQLite takes a partial index for "status = ?",
            # not for "status IN (?)".
            held = [status for status in _STATUSES if p.holds_for(status)]
            return column == held[0] if len(held) == 1 else column.in_(held)
        value: Any = p.value
        if p.op == "@":
            return column.in_(value)
        if p.op == "~":
            return _contains(column, value)
        if p.op == "!=":
            return or_(column.is_(None), column != value)
        return _COMPARE[p.op](column, value)

    # ----- tokens shared between server processes (auth.TokenStore)

    def save_token(self, digest: bytes, client_id: str, scopes: str, expires_at: float, keep: int) -> None:
        """Keep an issued token's grant; ``expires_at`` is wall-clock time. Expired ones are dropped meanwhile, and
        all but the ``keep`` newest (a rowid is one more than the largest: the rows kept are in the order issued)."""
        with self._raw_transaction() as raw:
            raw.execute("DELETE FROM timeback_tokens WHERE expires_at <= ?", (time.time(),))
            raw.execute("INSERT INTO timeback_tokens VALUES (?, ?, ?, ?)", (digest, client_id, scopes, expires_at))
            raw.execute("DELETE FROM timeback_tokens WHERE rowid <= (SELECT max(rowid) FROM timeback_tokens) - ?",
                        (keep,))  # fmt: skip

    def find_token(self, digest: bytes) -> tuple[str, str, float] | None:
        """(client id, scopes, wall-clock expiry) of a token some process on this database issued, or None."""
        with self._read() as conn:
            found = conn.exec_driver_sql(
                "SELECT client_id, scopes, expires_at FROM timeback_tokens WHERE digest = ?", (digest,)
            ).first()
        return None if found is None else (found[0], found[1], found[2])

    def forget_tokens(self, client_id: str) -> None:
        """Drop the shared tokens of ``client_id``: a server (re)starting on this database with that client honours
        none issued before. Another client's are another server's on the same file, which keeps serving them."""
        with self._raw_transaction() as raw:
            raw.execute("DELETE FROM timeback_tokens WHERE client_id = ?", (client_id,))

    def close(self) -> None:
        """Stops the reads in progress and waits for them (milliseconds: SQLite's progress handler stops them), then
        closes every connection: the last one closed copies the WAL into the database file and removes it. Used
        again, the storage opens connections anew (reads started while it closes are refused: ``Closing``)."""
        try:
            with self._reading:
                self._closing = True
                self._reading.wait_for(lambda: not self._reads)
            if self._checkpointer is not None:
                self._checkpointer.stop(wait=True)
            statistics = self._statistics
            if statistics is not None and statistics is not threading.current_thread():
                statistics.join()  # (before the writer is closed: it writes on it)
            with self._write_lock, self._looking:
                self.known_ids = KnownIds()  # (a storage opened again on another file must learn its own)
                self._epoch = next(self._epochs)  # (and remember its own listings)
                self._watched = self._writer_saw = None
                if self._watcher is not None:
                    self._watcher.close()
                    self._watcher = None
                if self._write_connection is not None:
                    if self._moved():
                        self._keep_wal_apart(self._write_connection.driver_connection)
                    self._write_connection.close()
                    self._write_connection = None
                self._opened, self._told_moved = None, False  # (used again, it opens whatever file is there then)
                if self._file_lock is not None:
                    self._file_lock.close()
                    self._file_lock = None
            self.engine.dispose()
        finally:
            self._closing = False

    def _keep_wal_apart(self, raw: Any) -> None:
        """Closing after the file was removed or replaced: SQLite checkpoints only into a file still where it was
        opened, so it left the WAL beside the new one, and the next to open that file read this server's pages into
        it (a snapshot moved into place lost its tables). The WAL is copied into the file this storage opened
        (deleted, or wherever it was moved) and emptied; an empty ``-wal`` is read as none."""
        try:
            busy, pages, copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy or pages != copied:  # (another process reading the file it opened: SQLite says so, raises nothing)
                raise sqlite3.OperationalError(f"{copied} of {pages} pages copied: a reader of that file is busy")
        except sqlite3.Error as exc:
            log.error("the database file %s was removed or replaced while the server ran, and its WAL %s-wal, left "
                      "beside the file there now, could not be emptied (%s): remove it before opening that file",
                      self._where, self._path, exc)  # fmt: skip
        else:
            log.error("the database file %s was removed or replaced while the server ran: what it wrote is in the "
                      "file it had opened (gone, or wherever it was moved), none of it in a file there now",
                      self._where)  # fmt: skip


def _stop_reading(storage: SqlStorage, deadline: float) -> bool:
    """SQLite's progress handler for a read: true (the statement stops, "interrupted") past ``deadline``, or once the
    storage is being closed."""
    return storage._closing or time.monotonic() >= deadline


def _sqlite_autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver begins nothing itself: _sqlite_begin does


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")  # (reads: one snapshot; writes begin on the writer connection, _raw_transaction)


class _FileLock:
    """An exclusive ``flock`` on ``<database>-writer``, taken around every write transaction. Server processes on one
    file (``timeback serve --workers``) then write in turn, each starting within 2 ms of the other's commit: SQLite's
    own busy wait sleeps for up to 100 ms at a time, which left the database idle between two workers' batches. A
    writer waits until its deadline (``SqlStorage._writing``), then fails as SQLite would ("database is locked")."""

    def __init__(self, path: str, mode: int, group: int | None = None) -> None:
        # Read-only is enough for flock, so users who may read the database can share the lock: made with its mode
        # and group.
        self._path = os.path.abspath(path)  # (reopened by it when removed meanwhile: whatever the cwd is then)
        self._mode, self._group = mode, group
        self.made = self._open()  # (removed again if the database cannot be opened: ``remove``)

    def _open(self) -> bool:
        """Opens the file, made if missing; whether it made it."""
        while True:
            try:
                self._fd = os.open(self._path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, self._mode)
            except FileExistsError:
                try:
                    self._fd = os.open(self._path, os.O_RDONLY)
                except FileNotFoundError:  # (removed meanwhile: made here after all)
                    continue
                made = False
            else:
                made = True
            self._closer = weakref.finalize(self, os.close, self._fd)  # a storage dropped unclosed leaks no descriptor
            break
        if made:
            self._share()
        return made

    def _share(self) -> None:
        """The file just made given the database's mode, which os.open's is not once the umask took from it (077: a
        group's database had a lock its other members could not open, so could not serve it), and the database's
        group rather than its maker's, where the maker may give it that group (one of theirs)."""
        with suppress(OSError):  # (a file system that keeps no modes, vfat: refused, EPERM)
            os.fchmod(self._fd, self._mode)
        if self._group is not None:
            with suppress(PermissionError):  # (a group not the maker's: it keeps the maker's)
                os.fchown(self._fd, -1, self._group)

    def acquire(self, blocking: bool, deadline: float) -> bool:
        """The lock; if ``blocking``, waited for until ``deadline`` (``time.monotonic()``), tried at least once."""
        pause = 0.0001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.fstat(self._fd).st_nlink == 0:  # removed meanwhile (``remove``): lock the file there now
                    self._closer()
                    self._open()
                    continue
                return True
            except BlockingIOError:
                if not blocking:
                    return False
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self._closer()

    def remove(self) -> None:
        """Remove the file, if no one holds its lock: made for a database that could not be opened, it may be in
        use by a server that opened the database meanwhile. Removed under the lock, so a server holding the file
        finds it gone when next it locks it, and locks the file made in its place (``acquire``)."""
        if self.acquire(False, 0.0):
            os.unlink(self._path)
            self.release()


def _lock_file(database: str) -> _FileLock:
    """The ``_FileLock`` of a database file. Failing to make it, the error names the database (as given), and why:
    the lock file is the server's own (``Permission denied (x.db-writer)`` left users looking for a file they never
    named), and what keeps it from being made (a missing or read-only directory) would keep SQLite's from it too."""
    path = f"{database}-writer"
    try:
        return _FileLock(path, *_mode_beside(database))
    except OSError as exc:
        if os.path.lexists(path):  # (made by another user, who may not have let others read it)
            why = f"cannot open {os.path.basename(path)}, the server's write lock beside it"
        else:
            why = _cannot_make_files(database)
        raise OSError(exc.errno, f"{exc.strerror or exc}: {why}", database) from None


# A database file the server makes: readable and writable by its owner alone. It holds users' passwords and the
# digests of live tokens; made by SQLite, it had the mode the umask left (0644 under the usual 022: every user's to
# read), and so had its -wal and -shm, which SQLite gives the database's mode.
_OWNER_ONLY = 0o600


def _make_database_file(database: str) -> None:
    """The database file made (empty: SQLite makes it a database) with mode ``_OWNER_ONLY``, unless something is there
    already: a file the user made keeps the mode they gave it (a directory fails as SQLite opens it; one every user
    may read is warned of by ``serve``: ``readable_by_everyone``). A symbolic link to a missing file: that file, made
    so (``O_EXCL`` refused the link itself, and SQLite made its target 0644)."""
    with suppress(FileExistsError):
        os.close(os.open(os.path.realpath(database), os.O_WRONLY | os.O_CREAT | os.O_EXCL, _OWNER_ONLY))


def readable_by_everyone(url: str) -> str | None:
    """A warning, if the database file at the SQLite ``url`` is there and every user of this machine may read it: its
    mode lets others read it, and every directory above it lets them through (``touch t.db`` under the usual umask
    makes it 644, and ``serve`` then served users' passwords to the machine without a word: from the security
    review). None for a file the server makes (600), one a group may read (given on purpose to share it), one in a
    directory closed to others, a database in memory, and on Windows (whose modes say nothing of it)."""
    if os.name == "nt" or (database := database_file(url)) is None:
        return None
    path = os.path.realpath(database)
    try:
        mode = os.stat(path).st_mode
        if not (stat.S_ISREG(mode) and mode & stat.S_IROTH):
            return None
        for directory in _directories_above(path):
            if not os.stat(directory).st_mode & stat.S_IXOTH:
                return None
    except OSError:
        return None  # (not there: the server makes it, 600)
    why = f"(mode {mode & 0o777:03o}): it holds users' passwords; chmod 600 it"
    return f"{database} may be read by every user of this machine {why}"


def database_file(url: str) -> str | None:
    """The file an SQLite ``url`` names; None for a database in memory, or a value that is no URL (opening it says
    why)."""
    try:
        database = make_url(url).database
    except (ArgumentError, ValueError):
        return None
    return None if names_no_file(database) else str(database)


def _directories_above(path: str) -> Iterator[str]:
    directory = os.path.dirname(path)
    while True:
        yield directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return
        directory = parent


def _mode_beside(database: str) -> tuple[int, int | None]:
    """The mode and group of a file the server makes beside ``database`` (its ``-writer`` lock): the database's, as
    SQLite gives its -wal and -shm; ``_OWNER_ONLY`` and the maker's for one about to be made."""
    try:
        found = os.stat(database)
    except OSError:
        return _OWNER_ONLY, None
    return found.st_mode & 0o666, found.st_gid


def _check_writable(database: str) -> None:
    """Refuse, saying why, a database file the server could not write, or whose -wal and -shm it could neither make
    nor write: SQLite opened such a file read-only, leaving read-only -wal and -shm that kept the server from
    starting once the file was made writable, or said "attempt to write a readonly database" of a writable file
    in a directory that is not (reading a WAL file makes its -shm)."""
    real = os.path.realpath(database)  # (SQLite's -wal and -shm go beside the file a link names)
    if not os.access(real, os.W_OK):
        raise OSError(errno.EACCES, "Permission denied: the file is read-only (the server writes it)", database)
    for path in (f"{real}-wal", f"{real}-shm"):
        if os.access(path, os.W_OK):
            continue
        # (not writable, or not there: another server's connections make and remove it, between two looks too, so
        # it is asked again before it is called read-only)
        if os.path.exists(path) and not os.access(path, os.W_OK):
            why = f"{os.path.basename(path)} beside it is read-only (left by another program? remove it)"
            raise OSError(errno.EACCES, f"Permission denied: {why}", database)
        if not os.access(os.path.dirname(real), os.W_OK | os.X_OK):
            raise OSError(errno.EACCES, f"Permission denied: {_cannot_make_files(real)}", database)


def _cannot_make_files(database: str) -> str:
    directory = os.path.dirname(os.path.abspath(database))
    return f"cannot make files in {directory} (SQLite's -wal and -shm, and the server's write lock, go there)"


class _Checkpointer:
    """Copies the WAL into the database file in a background thread, so that requests wait for the copy less.

    SQLite's automatic checkpoint runs inside the ``COMMIT`` that takes the WAL past 1,000 pages, on the writer
    connection: for a small write that is the event loop, stalled for the copy and its ``fsync`` (up to 18 ms
    measured here, about every 140 single-result writes). The writer leaves that to this thread (see
    ``configure_writer``) and nudges it after each commit. The thread waits ``PAUSE`` to gather commits, then
    checkpoints PASSIVE (waiting for no reader or writer) on its own connection, the GIL released while SQLite
    copies.

    The WAL file starts over only if all of it is copied when a write begins. Under a steady stream of writes the
    thread never sees that (commits land while it copies) and the WAL would only grow. So once it holds ``LIMIT``
    pages, the writer copies the pages since the thread's pass right after its next ``COMMIT``, holding the right
    to write so that nothing lands meanwhile. That catch-up is mostly two small ``fsync`` calls: 5 ms at the
    median (9 ms at most) on this machine's disk, 3-4 times a second under 2,000 single-result writes a second,
    against a stall every 0.07 s before. The thread doing it, holding the right to write, was tried: the writes
    waiting for it then also waited for that thread to get the GIL back from the busy loop (server p99 22-27 ms
    against 1 ms).

    If the thread cannot run (it died, or the storage was written after ``close``), SQLite's own checkpoint still
    bounds the WAL, at ``BACKSTOP`` pages; and the file shrinks back to ``SIZE_LIMIT`` bytes when it starts over.
    """

    PAUSE = 0.05  # seconds
    LIMIT = 4_000  # WAL pages (of PAGE_SIZE, 16 KB, here): the thread asks the writer for a catch-up from here
    BACKSTOP = 40_000  # WAL pages: SQLite checkpoints inside the COMMIT (only when the thread does not keep up)
    SIZE_LIMIT = 64 * 1024 * 1024  # bytes the WAL file is cut back to when it starts over (journal_size_limit)

    def __init__(self, storage: SqlStorage, path: str) -> None:
        # The file SQLAlchemy opened: its absolute path (as the pysqlite dialect takes it), never read as a URI. An
        # SQLite built with URI filenames read a relative 'file:x.db' as the URI of x.db, made and held that empty
        # file, and never copied the real WAL.
        self._path = os.path.abspath(path)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._failing = False  # the last pass failed (warned once per run of failures)
        weakref.finalize(storage, self.stop)
        self.catch_up = False  # set by the thread when the WAL is long; done by the writer (after_commit)

    def configure_writer(self, raw: Any) -> None:
        raw.execute(f"PRAGMA wal_autocheckpoint={self.BACKSTOP}")
        raw.execute(f"PRAGMA journal_size_limit={self.SIZE_LIMIT}")

    def nudge(self) -> None:
        thread = self._thread
        if thread is None or not thread.is_alive():
            with self._start_lock:  # (re)started by the first commit, or after it died
                if self._thread is thread and not self._stopping.is_set():
                    started = threading.Thread(target=self._run, name="timeback-checkpointer", daemon=True)
                    started.start()  # (kept once started: stop() joined a thread that could not start, and raised)
                    self._thread = started
        self._wake.set()

    def stop(self, wait: bool = False) -> None:
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=BUSY_TIMEOUT_MS / 1000 + 5)

    def after_commit(self, raw: Any) -> None:
        """On the writer, holding the right to write, after a ``COMMIT``: the catch-up pass when one is due, so the
        next write starts the WAL over. Then the nudge. The commit stands whatever the copy does."""
        if self.catch_up:
            self.catch_up = False
            try:
                busy, _pages, _copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                # (busy: the thread, mid-pass, held the checkpoint lock, and nothing was copied: again after the
                # next commit, which costs nothing while it is busy, rather than when the thread finds the WAL long
                # once more. A reader pinning pages is left to the thread: retrying would copy on every commit.)
                self.catch_up = bool(busy)
            except sqlite3.Error as exc:  # (a full disk, say): the thread's next pass reports it
                log.debug("catching up the WAL of %s failed: %s", self._path, exc)
        self.nudge()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except Exception as exc:  # (out of file descriptors, say): the next commit's nudge starts a new thread
            self._failed(exc)
            return
        try:
            while True:
                self._wake.wait()
                self._wake.clear()  # (before the pause: a stop() from now on is seen by the wait below)
                if self._stopping.wait(self.PAUSE):  # (closing: the last connection to close copies the WAL)
                    return
                try:
                    _busy, pages, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except Exception as exc:  # (a disk error, the file gone): tried again at the next commit
                    self._failed(exc)
                    continue
                self._failing = False
                # (all copied or not: commits made while it copied keep the WAL from starting over)
                self.catch_up = pages >= self.LIMIT
        finally:
            conn.close()

    def _failed(self, exc: Exception) -> None:
        if not self._failing:
            log.warning("checkpointing the WAL of %s failed: %s", self._path, exc)
        self._failing = True


def _begin_by(raw: Any, deadline: float) -> None:
    """``BEGIN IMMEDIATE``, SQLite's busy wait (for another program holding its lock) ending at ``deadline``
    (``time.monotonic()``) rather than a fresh ``BUSY_TIMEOUT_MS`` from now: the k-th write queued behind such a
    program waited k of them. A write that has hardly waited yet keeps the connection's own timeout (no PRAGMA)."""
    left = int((deadline - time.monotonic()) * 1000)
    if left >= BUSY_TIMEOUT_MS - 10:
        raw.execute("BEGIN IMMEDIATE")
        return
    raw.execute(f"PRAGMA busy_timeout={max(left, 0)}")
    try:
        raw.execute("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _begin_at_once(raw: Any) -> None:
    """``BEGIN IMMEDIATE`` without SQLite's busy wait: ``WouldWait`` if another connection holds the write lock."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise WouldWait from None
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


# Pages of a new database file, in bytes (SQLite's default: 4,096; a file keeps the size it was made with). The
# results' ``student`` index takes a batch's rows at scattered places: with 16 KB pages it has a quarter of the
# leaves to touch and write. Raw ``sqlite3`` inserts of the server's rows, 1,000 a transaction, 100,000 at a time
# into one file: 4,096 ran at 50,500-52,500 rows/s for the first 100,000 and 14,000-16,000 past 300,000; 16,384 at
# 69,000 and 24,300-34,600 (session 20).
PAGE_SIZE = 16384


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")  # (before WAL, which writes a new file's first page)
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL: a commit survives a crash of the process, not of the OS
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


@functools.cache
def _sqlite_has_temp_directory() -> bool:
    """Whether SQLite finds a directory for its temporary files (statement journals, sorts that spill), by its own
    search (os_unix.c's, in its order; read once, as SQLite reads the variables once). With none (a read-only root
    file system and one data volume: a hardened container) most writes failed, "disk I/O error"
    (SQLITE_IOERR_GETTEMPPATH). Windows asks GetTempPath, which always answers."""
    if os.name != "posix":
        return True
    search = (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR"), "/var/tmp", "/usr/tmp", "/tmp", ".")
    return any(d and os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK) for d in search)


_temp_directory_lock = threading.Lock()


def _temp_files_beside(database: str) -> bool:
    """With no directory of SQLite's own for its temporary files, use the database file's (it holds the WAL: it is
    writable), set for the process once, logged once; false if that cannot be (a build without the deprecated
    PRAGMA temp_store_directory, or a directory SQLite refuses) or if it is set to another database's directory (it
    is the process's: a second storage's temporary files went beside the first's, and failed once that was gone):
    the caller keeps them in memory instead."""
    directory = os.path.dirname(os.path.abspath(database))
    with _temp_directory_lock, closing(sqlite3.connect(":memory:")) as raw:
        (current,) = raw.execute("PRAGMA temp_store_directory").fetchone() or ("",)
        if not current:
            # (SQLite's one global, not thread-safe to change while it is read: it was unset, and every temporary
            # file any connection of the process wanted has failed so far; set once, never changed after)
            with suppress(sqlite3.Error):  # (not a writable directory: refused)
                raw.execute("PRAGMA temp_store_directory = '{}'".format(directory.replace("'", "''")))
            (current,) = raw.execute("PRAGMA temp_store_directory").fetchone() or ("",)
            if current:
                log.warning("SQLite finds no writable directory for its temporary files (SQLITE_TMPDIR, TMPDIR, "
                            "/var/tmp, /usr/tmp, /tmp, the working directory): they go in %s", current)  # fmt: skip
    return current == directory and os.path.isdir(current) and os.access(current, os.W_OK | os.X_OK)


def _sqlite_temp_in_memory(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA temp_store=MEMORY")


class UnsupportedDatabase(ValueError):
    """A database URL this server cannot open."""


def _too_old(database: str, why: object) -> UnsupportedDatabase:
    return UnsupportedDatabase(f"{database} was made by an older timeback ({why}): start a new file")


def _file_uri(path: str) -> str:
    """The SQLite URI of the file at the absolute ``path``, its name's bytes percent-encoded (one of another
    encoding, a lone surrogate here, was a UnicodeEncodeError at every restart). Windows': ``file:///C:/x.db``,
    and ``file:////server/share/x.db`` for a UNC path (SQLite takes ``file://C:...`` or ``file://server/...`` for
    a host, and refused them: every restart on an existing file failed there)."""
    if os.name != "nt":
        return f"file://{quote(os.fsencode(path))}"
    path = path.replace("\\", "/")
    return f"file://{'' if path.startswith('/') else '/'}{quote(os.fsencode(path), safe='/:')}"


def _check_file(database: str) -> None:
    """Refuse a database file another program made, or an older or a newer timeback, before anything is written to
    it: it was given timeback's tables and switched to WAL for good, then refused, or served if no table name
    clashed. A file that does not exist yet, or holds nothing, is made a timeback database."""
    if not os.path.isfile(database):
        wal = f"{database}-wal"
        if not os.path.lexists(database) and os.path.isfile(wal) and os.path.getsize(wal):
            # (SQLite made a new file and read the WAL's pages into it as its own: a database of stray pages)
            name = os.path.basename(database)
            raise UnsupportedDatabase(
                f"{database} does not exist but its WAL does ({name}-wal: the file removed while a program had it "
                f"open?): restore {name}, or remove {name}-wal and {name}-shm to start a new database"
            )
        return  # (new; a directory, say, is refused as opening it fails)
    _check_writable(database)
    if os.path.getsize(database) == 0:
        return  # (empty: made a timeback database)
    # Opened for writing, to be only read, and never made: a read-only connection leaves a WAL file's -wal and
    # -shm behind (it may not remove them), where the last connection to close removes them.
    conn = sqlite3.connect(f"{_file_uri(os.path.abspath(database))}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables = _build_tables(MetaData())
        # (the first versions made the record tables alone, no timeback_meta; and not these two, added later)
        if names and "timeback_meta" not in names and not names >= tables.keys():
            if names >= tables.keys() - {"enrollments", "demographics"}:
                raise _too_old(database, f"no table {', '.join(sorted(tables.keys() - names))}")
            few = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
            raise UnsupportedDatabase(
                f"{database} is not a timeback database (its tables: {few}): pass a new file or one timeback made"
            )
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if names and version > SCHEMA_VERSION:  # (an empty file's number is no timeback's)
            raise UnsupportedDatabase(
                f"{database} was written by a newer timeback (its schema {version}, this one's {SCHEMA_VERSION}):"
                " serve it with that version or a later one, or start a new file"
            )
        for name in sorted(names & tables.keys()):
            # (cid, name, type, notnull, dflt_value, pk) of each column
            columns = list(conn.execute(f'PRAGMA table_info("{name}")'))
            added = {ref_column(field) for table, field in _ADDED_REFERENCES if table == name}  # (made when opened)
            missing = [c.name for c in tables[name].columns if c.name not in {c[1] for c in columns} | added]
            if missing:
                raise _too_old(database, f"{name} has no column {', '.join(missing)}")
            # (a newer timeback's, or one added by hand: the file was served, and every write to the table was a 500)
            unfilled = [c[1] for c in columns if c[3] and c[4] is None and c[1] not in tables[name].columns]
            if unfilled:
                raise UnsupportedDatabase(
                    f"{database} has a column this timeback cannot fill ({name}.{unfilled[0]}: NOT NULL, no default;"
                    " made by a newer timeback?): start a new file, or use the timeback that made it"
                )
    finally:
        conn.close()


def names_no_file(database: str | None) -> bool:
    """Whether an SQLite URL's database part names no file: in memory (``sqlite://``, ``sqlite:///:memory:``;
    ``sqlite:///`` too, which ``open_storage`` refuses)."""
    return database in (None, "", ":memory:")


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """The SQLite URL of the file at ``path``, whatever its name holds: SQLAlchemy decodes ``%41`` in a URL's path
    to ``A``, and reads what follows a ``?`` as query arguments."""
    # A byte of another encoding in the name (os.fsdecode's lone surrogate, '\udce9' for 0xE9) is left as it is:
    # quote() refused it (UnicodeEncodeError), and SQLAlchemy decodes a URL's %E9 as UTF-8, to U+FFFD, another
    # file's name. Left, it reaches the driver, which opens the name's own bytes.
    parts = _SURROGATES.split(os.fspath(path))
    return "sqlite:///" + "".join(part if index % 2 else quote(part) for index, part in enumerate(parts))


_SURROGATES = re.compile("([\ud800-\udfff]+)")  # (split keeps them: the odd parts)


def has_host_part(parsed: URL) -> bool:
    """Whether a URL names a host, user, password or port, which a SQLite URL has none of: ``sqlite://x.db`` (two
    slashes) puts the file's name in the host, and its database part is then empty, as a database in memory's."""
    return any(part is not None for part in (parsed.host, parsed.username, parsed.password, parsed.port))


_SLASHES = (
    "three slashes before a relative path (sqlite:///timeback.db), four before an absolute one "
    "(sqlite:////var/lib/timeback.db)"
)
_SQLITE_URL_FORMS = f"a SQLite URL has {_SLASHES}, and none of those parts (sqlite:// alone is in memory)"


# A URL's password: after the user's colon, up to the last '@' (all of one holding an '@' or a '/'; more is hidden
# sooner than less), in any text with a '://' (one SQLAlchemy refuses too: ' mysql://...', 'my-sql://...'); and a
# query's password argument, which SQLAlchemy hands the driver (postgresql://app@db/x?password=...).
_URL_PASSWORD = re.compile(r"(://[^:/@]*:).*@")
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd|pwd)=)[^&]*", re.IGNORECASE)


def open_storage(url: str) -> SqlStorage:
    """Open (and create if needed) the database at a SQLAlchemy URL: ``sqlite:///file.db`` or ``sqlite://``."""
    # As the URL is shown in a refusal: its password (CI's mysql://root:$PASSWORD@...) would be in the job's log. Not
    # SQLAlchemy's render_as_string(hide_password=True): a URL whose port is no number is no URL to it.
    shown = _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", url))
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None  # (not a URL)
    except ValueError:  # (a port that is no number: 'sqlite://:memory:' for 'sqlite:///:memory:'; a traceback)
        raise UnsupportedDatabase(f"{shown!r} has a host, user, password or port part: {_SQLITE_URL_FORMS}") from None
    if parsed is not None and parsed.drivername in ("sqlite", "sqlite+pysqlite") and (parsed.query or "?" in url):
        # uri=true: the database part is then a URI ('file::memory:' is in memory, 'file:x.db' the file x.db), and
        # what is made of its name, the pool for a memory database, the -writer lock, would be wrong. The rest
        # were ignored but for SQLAlchemy's warning (?mode=ro: the file opened read-write, the schema made in it)
        # or changed what the server sets itself (timeout, isolation_level): it needs read-write and its settings.
        if "uri" in parsed.query:
            why = f"SQLite URI filenames (uri=true) are not supported in {shown!r}"
        else:
            # (a '?' with no '=' after it is no argument to SQLAlchemy: dropped, with the text after it)
            names = (", ".join(sorted(parsed.query)) if parsed.query else url.partition("?")[2]) or "an empty one"
            why = f"query arguments ({names}) are not supported in {shown!r} (the server opens it read-write, its way)"
        raise UnsupportedDatabase(f"{why}: give sqlite:///path.db, or sqlite:// for a database in memory")
    if parsed is not None and parsed.drivername in ("sqlite", "sqlite+pysqlite") and has_host_part(parsed):
        # (SQLAlchemy's ArgumentError "Invalid SQLite URL" came from create_engine, a traceback)
        raise UnsupportedDatabase(f"{shown!r} has a host, user, password or port part: {_SQLITE_URL_FORMS}")
    if parsed is not None and parsed.drivername in ("sqlite", "sqlite+pysqlite") and parsed.database == "":
        # (SQLite reads it as in memory: 'sqlite:///$DB' with the variable unset served on, nothing kept, not a word)
        raise UnsupportedDatabase(
            f"{shown!r} names no file (an empty path: a variable left unset?): give sqlite:///path.db, or sqlite:// "
            "for a database in memory"
        )
    if parsed is not None and parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        in_memory = names_no_file(parsed.database)
        if not in_memory:
            _check_file(str(parsed.database))
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if in_memory:
            kwargs["poolclass"] = StaticPool
        else:
            # A read holds a connection for its whole snapshot, in one of the threadpool's threads: with the default
            # pool (5, plus 10 opened and closed past that; one of them kept by the writer) the 15th read at once
            # waited for a connection, and answered 500 after 30 s. Enough are kept for every thread, and a read
            # never waits for one (more threads than that, say the caller's own: more are opened, closed after).
            kwargs.update(pool_size=_POOL_SIZE, max_overflow=-1)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_begin)
        if not in_memory:
            event.listen(engine, "connect", _sqlite_pragmas)
        if not _sqlite_has_temp_directory() and (in_memory or not _temp_files_beside(str(parsed.database))):
            if not in_memory:
                log.warning("SQLite finds no writable directory for its temporary files: they are kept in memory")
            event.listen(engine, "connect", _sqlite_temp_in_memory)
        return SqlStorage(engine)
    # (a path, sqlite:x.db, SQLITE:///x.db: "only SQLite is built in" said nothing of what was wrong)
    if parsed is None or parsed.drivername.lower() in ("sqlite", "sqlite+pysqlite"):
        raise UnsupportedDatabase(f"{shown!r} is no SQLite URL: write sqlite:///path.db, with {_SLASHES}")
    raise UnsupportedDatabase(
        f"unsupported database URL {shown!r}: only SQLite is built in (sqlite:///path.db or sqlite://)"
    )
