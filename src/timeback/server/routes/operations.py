"""Routes generated from the SDK's operation declarations: one route per operation, same path and verb.

They are never called: ``lane.OperationLane`` answers every request whose method and path match an operation
before FastAPI sees it (``HEAD`` as ``GET``). The routes give FastAPI's router the paths, so that a known path with
another method gets 405 with ``Allow`` (listing ``HEAD`` wherever ``GET`` is), and anything else 404, as before.
Collections answer with and without a trailing slash (``lane.served_paths``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from timeback._operations import OperationSet
from timeback.server.errors import ApiError
from timeback.server.lane import served_paths


async def _served_by_the_lane() -> Any:
    raise ApiError(500, "Internal server error.")  # (the lane answers first: reaching this is a bug)


def register(router: APIRouter, operations: type[OperationSet]) -> None:
    for op in operations.operations():
        for index, path in enumerate(served_paths(op)):
            router.add_api_route(
                path,
                _served_by_the_lane,
                methods=[op.method, "HEAD"] if op.method == "GET" else [op.method],  # (for 405's Allow)
                name=op.name if index == 0 else f"{op.name}_other_slash",
                include_in_schema=index == 0,
                operation_id=op.name if index == 0 else None,
            )
