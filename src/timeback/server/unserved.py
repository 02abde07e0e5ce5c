"""The operations of Timeback's document the local server does not serve (README, Usage: "Not covered"), each
answered 404 naming it.

A client generated from Timeback's document that called one got "Unknown endpoint.", or under ``/courses/`` the
answer of another operation: ``GET /courses/components`` was read as the course ``components``, "Course 'components'
not found.". Now each (method, path) of these answers that it is Timeback's and not served here
(``routes.operations.register_unserved``). Where a path of one would also match a path the server serves, the fixed
segment wins, as in Timeback's routing (``fixed_wins``): ``GET /courses/components`` is this 404, never the course
``components``. ``tests/test_spec_coverage.py`` checks the table against Timeback's document.
"""

from __future__ import annotations

from collections.abc import Iterable

from timeback.server.errors import ApiError

RESOURCES = "/ims/oneroster/resources/v1p2/resources"
ROSTERING = "/ims/oneroster/rostering/v1p2"

# Timeback's path templates (its placeholder names, its trailing slashes) -> the methods it has there.
UNSERVED: dict[str, tuple[str, ...]] = {
    f"{RESOURCES}/": ("GET", "POST"),
    f"{RESOURCES}/{{sourcedId}}": ("GET", "PUT", "DELETE"),
    f"{RESOURCES}/classes/{{classSourcedId}}/resources": ("GET",),
    f"{RESOURCES}/courses/{{courseSourcedId}}/resources": ("GET",),
    f"{RESOURCES}/users/{{userSourcedId}}/resources": ("GET",),
    f"{RESOURCES}/export/{{sourceId}}": ("POST",),
    f"{ROSTERING}/courses/components": ("GET", "POST"),
    f"{ROSTERING}/courses/components/{{sourcedId}}": ("GET", "PUT", "DELETE"),
    f"{ROSTERING}/courses/component-resources": ("GET", "POST"),
    f"{ROSTERING}/courses/component-resources/{{sourcedId}}": ("GET", "PUT", "DELETE"),
    f"{ROSTERING}/courses/structure": ("POST",),
    f"{ROSTERING}/users/{{userId}}/agents": ("GET", "POST"),
    f"{ROSTERING}/users/{{userId}}/agents/{{agentSourcedId}}": ("DELETE",),
    f"{ROSTERING}/users/{{userId}}/agentFor": ("GET",),
    f"{ROSTERING}/users/{{userId}}/credentials": ("POST",),
    f"{ROSTERING}/users/{{userId}}/credentials/{{credentialId}}/decrypt": ("POST",),
    f"{ROSTERING}/users/{{sourcedId}}/demographics": ("GET",),
    f"{ROSTERING}/enrollments/{{sourcedId}}": ("PATCH",),
}


def not_served(method: str, template: str) -> ApiError:
    """The answer to ``method`` on a path of ``template`` (one of ``UNSERVED``): 404 ``unknownobject``, what a
    missing route is, which an SDK or a generated client takes for "not there" (``HEAD`` named as the ``GET``)."""
    method = "GET" if method == "HEAD" else method
    return ApiError(
        404,
        f"{method} {template} is an operation of Timeback's that this local server does not serve (the timeback "
        'README, under Usage: "Not covered, by the SDK or the server").',
    )


def fixed_wins(path: str, other: str) -> bool:
    """Whether some path matches both templates and ``path`` takes it, as Timeback routes: at the first segment
    where one has a placeholder and the other a fixed name, the fixed one (``/courses/components/{sourcedId}`` over
    ``/courses/{sourced_id}/classes`` for ``/courses/components/classes``). A placeholder takes one whole segment."""
    ours, theirs = path.split("/"), other.split("/")
    if len(ours) != len(theirs):
        return False
    won = None
    for mine, its in zip(ours, theirs, strict=True):
        mine_open, its_open = mine.startswith("{"), its.startswith("{")
        if not mine_open and not its_open and mine != its:
            return False  # (no path matches both)
        if won is None and mine_open != its_open:
            won = its_open
    return bool(won)


def first_won(path: str, others: Iterable[str | None]) -> int | None:
    """Where the first of ``others`` (templates; None: one not in the running) is that ``path`` wins a path from
    (``fixed_wins``): where ``path`` goes among them, taken in order, to win it."""
    return next((at for at, other in enumerate(others) if other is not None and fixed_wins(path, other)), None)
