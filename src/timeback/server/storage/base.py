"""The storage interface. ``SqlStorage`` implements it on SQLAlchemy (SQLite now; PostgreSQL can follow).

Records are JSON objects as the API shows them. Writes run inside ``transaction()``, so a check (do the
references exist? is the id free?) and the write it guards happen atomically: a batch is all or nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from timeback._operations import Through
from timeback.server.collections import CollectionDef
from timeback.server.query import Filter, Sort

T = TypeVar("T")


class WouldWait(Exception):
    """A transaction asked for inside ``without_waiting()`` could not start at once (another writer holds the lock);
    nothing was written."""


_NO_WAIT: ContextVar[bool] = ContextVar("timeback_storage_no_wait", default=False)


@contextmanager
def without_waiting() -> Iterator[None]:
    """Transactions started in this block raise ``WouldWait`` instead of waiting for another writer (the caller
    is on an event loop, and retries elsewhere)."""
    token = _NO_WAIT.set(True)
    try:
        yield
    finally:
        _NO_WAIT.reset(token)


def may_wait() -> bool:
    return not _NO_WAIT.get()


_WAITING_SINCE: ContextVar[float | None] = ContextVar("timeback_storage_waiting_since", default=None)


@contextmanager
def waiting_since(moment: float) -> Iterator[None]:
    """Transactions started in this block count their wait for another writer from ``moment`` (``time.monotonic()``),
    not from when they start: a write that first queued elsewhere (the lane's one write thread) gives up one busy
    timeout after it came, not a fresh timeout after its turn."""
    token = _WAITING_SINCE.set(moment)
    try:
        yield
    finally:
        _WAITING_SINCE.reset(token)


def waiting_from() -> float | None:
    return _WAITING_SINCE.get()


class QueryTimedOut(Exception):
    """A read ran past its time limit (``reads_limited``) and was stopped; it changed nothing."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the read ran past its time limit of {seconds:g} s")
        self.seconds = seconds


class FileReplaced(Exception):
    """The database file was removed or replaced (``rm``, ``mv snapshot.db x.db``) while the server had it open: a
    read or write refused, nothing done. SQLite goes on with the file it opened, no longer at that path: the writes
    were acknowledged and lost, and reads answered from it."""

    def __init__(self, where: str) -> None:
        super().__init__(f"the database file {where} was removed or replaced while the server ran; restart the server")
        self.where = where


class FileCorrupt(Exception):
    """SQLite found the database file damaged (SQLITE_CORRUPT, "database disk image is malformed"; SQLITE_NOTADB,
    "file is not a database": a failing disk, a copy taken mid-write, another program writing into it) on a page a
    read or write touched: it failed, nothing written. The pages it does not touch are still read; it does not mend
    itself. ``why``: SQLite's words."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"the database file {where} is damaged ({why}): restore it from a backup or use a new file")
        self.where = where
        self.why = why


class Closing(Exception):
    """A read stopped, or refused, because its storage is being closed (its server stopping); it changed nothing."""

    def __init__(self) -> None:
        super().__init__("the storage is being closed")


_READ_LIMIT: ContextVar[tuple[float, float] | None] = ContextVar("timeback_storage_read_limit", default=None)


@contextmanager
def reads_limited(seconds: float | None) -> Iterator[None]:
    """Reads made in this block (the threadpool's calls started in it too: they copy the context) are stopped with
    ``QueryTimedOut`` once ``seconds`` have passed from now; None or 0: no limit."""
    token = _READ_LIMIT.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _READ_LIMIT.reset(token)


def read_limit() -> tuple[float, float] | None:
    """(deadline as ``time.monotonic()``, the limit in seconds) of the reads made here, if they have one."""
    return _READ_LIMIT.get()


class AlreadyExists(Exception):
    def __init__(self, ids: list[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


@dataclass(frozen=True)
class Scope:
    """Records whose reference ``field`` is ``value`` (see ``Parent`` for ``through`` and ``contains``).

    ``also``: with ``through``, more ``(match, value)`` pairs the same row of the through collection must have (the
    students of a class in a school: the users of enrollments whose class is the one and whose school is the other).
    """

    field: str
    value: str
    through: Through | None = None
    contains: bool = False
    also: tuple[tuple[str, str], ...] = ()


@dataclass
class ListQuery:
    """A collection read: path scopes, the caller's filter, search and sort, and the page."""

    scopes: list[Scope] = field(default_factory=list)
    filter: Filter | None = None
    search: str | None = None
    sort: Sort | None = None
    include_deleted: bool = False
    limit: int = 100
    offset: int = 0
    max_characters: int | None = None  # the page's records' JSON all together, past which it ends short (one at least)


class Transaction(Protocol):
    def get(self, coll: CollectionDef, sourced_id: str) -> dict[str, Any] | None: ...
    def existing_ids(self, coll: CollectionDef, ids: Collection[str]) -> set[str]: ...
    def existing_many(self, wanted: list[tuple[CollectionDef, Collection[str]]]) -> list[set[str]]: ...
    def insert(self, coll: CollectionDef, records: list[dict[str, Any]]) -> None: ...
    def upsert(self, coll: CollectionDef, record: dict[str, Any]) -> None: ...
    def holders(self, coll: CollectionDef, field: str, values: Collection[str]) -> list[tuple[str, str, str]]:
        """(value, sourcedId, status) of each record of ``coll``'s table, deleted ones too, whose text ``field`` is
        one of ``values`` with its ASCII letters in any case (``values`` given so: ``unique_form``)."""
        ...

    def follow(
        self, coll: CollectionDef, via: str, sourced_id: str, field: str, old: str | None, new: str, *, every: bool
    ) -> int:
        """The records of ``coll`` not deleted whose reference ``via`` is ``sourced_id`` and whose reference ``field``
        is ``old`` (``every``: any but ``new``) name ``new`` there, stamped with ``stamp()``; gives how many. Both
        references are of its ``indexed``."""
        ...

    def deleted_ids(self, coll: CollectionDef, ids: Collection[str]) -> set[str]:
        """Those of ``ids`` that deleted records of ``coll``'s table hold (one statement for all of them)."""
        ...

    def stamp(self) -> str:
        """The ``dateLastModified`` of this transaction's writes, taken under the write lock; never goes back."""
        ...

    def analyze(self) -> None:
        """The database's statistics gathered again, for its query plans (after many records were written: a seed)."""
        ...


class Storage(Protocol):
    def transaction(self) -> AbstractContextManager[Transaction]: ...
    def all_or_nothing(self) -> AbstractContextManager[None]:
        """The ``transaction()``s this thread opens in the block commit together at its end, or not at all (a block
        inside another of this thread's: with the outer one)."""
        ...

    def write_together(self, calls: Sequence[Callable[[], T]]) -> list[T | Exception]:
        """Each call's outcome (its result or its exception), the calls run in one transaction, each of their
        ``transaction()``s undone alone if it fails; the rest commit together."""
        ...

    def delete_all(self) -> None:
        """Every record of every collection removed (``tobedeleted`` ones too), in one write transaction (a part of
        the ``all_or_nothing()`` block this thread is in, if any); issued tokens are kept."""
        ...

    def get(self, coll: CollectionDef, sourced_id: str) -> dict[str, Any] | None: ...
    def exists(self, coll: CollectionDef, sourced_id: str) -> bool: ...
    def held(self, coll: CollectionDef, ids: Collection[str]) -> set[str]:
        """Those of ``ids`` records of ``coll`` (a view: its own) hold, deleted ones too; read, no write."""
        ...

    def list(self, coll: CollectionDef, query: ListQuery) -> tuple[list[str], int]:
        """The page's records as JSON texts, and the total count of matches."""
        ...

    # Tokens shared by the server processes on one database (auth.TokenStore; timeback serve --workers).
    def save_token(self, digest: bytes, client_id: str, scopes: str, expires_at: float, keep: int) -> None: ...
    def find_token(self, digest: bytes) -> tuple[str, str, float] | None: ...
    def forget_tokens(self, client_id: str) -> None: ...

    def check(self) -> None:
        """Raises what a read would now (the database file replaced, corrupt): ``/health``'s look at the storage."""
        ...

    def close(self) -> None: ...
