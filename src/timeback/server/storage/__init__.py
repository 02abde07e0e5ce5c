"""Storage: the interface the routes call, and its SQLAlchemy implementation."""

from timeback.server.storage.base import (
    AlreadyExists,
    ListQuery,
    Scope,
    Storage,
    Transaction,
    WouldWait,
    waiting_since,
    without_waiting,
)
from timeback.server.storage.sql import SqlStorage, open_storage

__all__ = [
    "AlreadyExists",
    "ListQuery",
    "Scope",
    "SqlStorage",
    "Storage",
    "Transaction",
    "WouldWait",
    "open_storage",
    "waiting_since",
    "without_waiting",
]
