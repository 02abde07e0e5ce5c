"""Storage: the interface the service (``server/service.py``) calls, and its SQLAlchemy implementation."""

from timeback.server.storage.base import (
    AlreadyExists,
    Closing,
    FileCorrupt,
    FileReplaced,
    ListQuery,
    QueryTimedOut,
    Scope,
    Storage,
    Transaction,
    WouldWait,
    reads_limited,
    waiting_since,
    without_waiting,
)
from timeback.server.storage.sql import SqlStorage, open_storage

__all__ = [
    "AlreadyExists",
    "Closing",
    "FileCorrupt",
    "FileReplaced",
    "ListQuery",
    "QueryTimedOut",
    "Scope",
    "SqlStorage",
    "Storage",
    "Transaction",
    "WouldWait",
    "open_storage",
    "reads_limited",
    "waiting_since",
    "without_waiting",
]
