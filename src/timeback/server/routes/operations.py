"""Routes generated from the SDK's operation declarations: one route per operation, same path and verb.

They are never called: ``lane.OperationLane`` answers every request whose method and path match an operation
before FastAPI sees it (``HEAD`` as ``GET``). The routes give FastAPI's router the paths, so that a known path with
another method gets 405 with ``Allow`` (listing ``HEAD`` wherever ``GET`` is), and anything else 404, as before.
Collections answer with and without a trailing slash (``lane.served_paths``). The routes match the paths the lane
matches (``lane.path_pattern``, set on every route of the app by ``exact_paths``), no others: a path one of them took
that the lane did not was answered 500.

The operations of Timeback's the server does not serve have routes too (``register_unserved``), which answer 404
naming the operation, out of the document (``include_in_schema=False``); a known path with another method gets 405
with ``Allow`` naming their methods with the served ones.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.routing import Route

from timeback._operations import OperationSet
from timeback.server.errors import ApiError
from timeback.server.lane import path_forms, path_pattern, served_paths
from timeback.server.unserved import UNSERVED, first_won, not_served


def exact_paths(router: APIRouter) -> None:
    """Every route of ``router`` (the app's own: operations, ``/health``, ``/oauth2/token``, the document and docs)
    matches its path and nothing longer: Starlette's patterns end in ``$``, which matches before a trailing newline
    too, so ``/results%0A`` matched ``/results`` and ``/health%0A`` was ``/health``. Routes of an included router
    are matched by patterns FastAPI makes of their paths (``$`` again): ``create_app`` includes none."""
    for route in router.routes:
        if isinstance(route, Route):
            route.path_regex = path_pattern(route.path)


async def _served_by_the_lane() -> Any:
    raise ApiError(500, "Internal server error.")  # (the lane answers first: reaching this is a bug)


def register(router: APIRouter, operations: type[OperationSet], tag: str) -> None:
    """The operations' routes, on the app's own router (``exact_paths``)."""
    for op in operations.operations():
        for index, path in enumerate(served_paths(op)):
            router.add_api_route(
                path,
                _served_by_the_lane,
                methods=[op.method, "HEAD"] if op.method == "GET" else [op.method],  # (for 405's Allow)
                name=op.name if index == 0 else f"{op.name}_other_slash",
                include_in_schema=index == 0,
                operation_id=op.name if index == 0 else None,
                tags=[tag],
            )


def register_unserved(router: APIRouter) -> None:
    """Routes for Timeback's operations the server does not serve (``unserved.UNSERVED``), on the app's own router
    once the operations' are (``register``): each before the first route it wins a path from (``fixed_wins``: a
    route's full match is taken in the routes' order), else last."""
    for template, methods in UNSERVED.items():
        for path in path_forms(template):
            router.add_api_route(
                path,
                _not_served(template),
                methods=[*methods, "HEAD"] if "GET" in methods else list(methods),  # (HEAD wherever GET is)
                name=f"unserved:{path}",
                include_in_schema=False,
            )
            route = router.routes.pop()
            rivals = [other.path if isinstance(other, Route) and set(methods) & (other.methods or set()) else None
                      for other in router.routes]  # fmt: skip
            at = first_won(path, rivals)
            router.routes.insert(len(router.routes) if at is None else at, route)


def _not_served(template: str) -> Callable[[Request], Awaitable[Any]]:
    async def unserved(request: Request) -> Any:
        raise not_served(request.method, template)

    return unserved
