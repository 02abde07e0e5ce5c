"""API resources: each is a class of operation declarations, exposed sync and async."""

from collections.abc import Iterator
from typing import Any

from timeback._operations import Operation, OperationSet
from timeback.resources.gradebook import AsyncGradebook, Gradebook, GradebookOperations
from timeback.resources.rostering import AsyncRostering, Rostering, RosteringOperations

__all__ = [
    "OPERATION_SETS",
    "AsyncGradebook",
    "AsyncRostering",
    "Gradebook",
    "GradebookOperations",
    "Rostering",
    "RosteringOperations",
    "all_operations",
]

# Every operation set: what the server's lane serves, its OpenAPI document, 404s and record lookups, and the SDK's
# part-update names read (its routes are registered set by set, each under its name: server/app.py).
OPERATION_SETS: tuple[type[OperationSet], ...] = (GradebookOperations, RosteringOperations)


def all_operations() -> Iterator[Operation[Any, Any]]:
    """Every operation of every set, in ``OPERATION_SETS`` order, each in its declaration order."""
    for operations in OPERATION_SETS:
        yield from operations.operations()
