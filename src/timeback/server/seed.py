"""Load a roster (or any records) from a JSON file at start: ``timeback serve --seed FILE``.

The file has one key per collection, each a list of records as the API takes them::

    {"orgs": [{"sourcedId": "school-1", "name": "Lincoln", "type": "school"}],
     "academicSessions": [...], "courses": [...], "classes": [...], "users": [...], "enrollments": [...]}

Every record goes through the same validation and reference checks as a ``POST`` on its collection, in the order
of ``LOAD_ORDER`` (records a later collection refers to come first; within a list, parents before children), all in
one transaction: a seed with a bad record stores none of its records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from timeback._operations import Operation
from timeback.resources import GradebookOperations, RosteringOperations
from timeback.server.errors import ApiError
from timeback.server.service import GradebookService

LOAD_ORDER = (
    "orgs", "schools", "academicSessions", "terms", "gradingPeriods", "courses", "classes", "users", "enrollments",
    "demographics", "categories", "scoreScales", "lineItems", "results", "assessmentLineItems", "assessmentResults",
)  # fmt: skip


def _create_ops() -> dict[str, Operation[Any, Any]]:
    ops = {}
    for operations in (RosteringOperations, GradebookOperations):
        for op in operations.operations():
            if op.kind == "create" and not op.parents:
                ops[op.collection] = op
    return ops


class SeedError(ValueError):
    pass


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # (JSONDecodeError, UnicodeDecodeError)
        raise SeedError(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path} must hold a JSON object with one key per collection")
    return data


def load_seed(service: GradebookService, source: str | Path | dict[str, Any]) -> dict[str, int]:
    """Create every record of the seed; returns how many records each collection got."""
    data = source if isinstance(source, dict) else _read(Path(source))
    ops = _create_ops()
    unknown = set(data) - set(LOAD_ORDER)
    if unknown:
        raise SeedError(f"unknown collections in the seed: {', '.join(sorted(unknown))}")
    counts = {}
    with service.storage.all_or_nothing():  # (a seed that fails stores nothing: corrected, it loads on the same file)
        for collection in LOAD_ORDER:
            op = ops[collection]
            if not isinstance(data.get(collection, []), list):
                raise SeedError(f"{collection}: must be a list of records")
            for index, record in enumerate(data.get(collection, [])):
                body = json.dumps({op.wire_body_key: record}).encode()
                try:
                    service.handle(op, {}, {}, body, "")
                except ApiError as exc:
                    raise SeedError(f"{collection}[{index}]: {exc.description}") from None
            counts[collection] = len(data.get(collection, []))
    return counts
