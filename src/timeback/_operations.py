"""What an API operation is: a declaration the SDK, the local server, the docs and the tests all read.

An operation is a verb, a path, a request model and a response model, plus what the server needs to serve it
(which records it touches, which path parameters name parent records). Resources declare operations as class
attributes (see ``resources/gradebook.py``); nothing here does I/O.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pydantic import BaseModel

ReqT = TypeVar("ReqT", bound="BaseModel")
RespT = TypeVar("RespT", bound="BaseModel")

OperationKind = Literal["get", "list", "put", "create", "batch_create", "delete", "patch"]


@dataclass(frozen=True)
class Through:
    """Reach the parent through another collection: the child's field is in
    ``SELECT <select> FROM <collection> WHERE <match> = parent [AND <where>]``.

    Score scales of a school: ``Through("classes", match="school", live_only=False)`` on the score scale's
    ``class``. Students of a class: ``Through("enrollments", match="class", select="user", where=(("role",
    "student"),))`` on ``sourcedId``.
    """

    collection: str
    match: str
    select: str = "sourcedId"
    where: tuple[tuple[str, str], ...] = ()
    # Whether a deleted record of ``collection`` no longer links: a deleted enrollment ends a user's place in a
    # class; a deleted class is still the class of its score scales, which are kept (README: deleting a class).
    live_only: bool = True


@dataclass(frozen=True)
class Parent:
    """A path parameter that names a parent record.

    ``field`` is the reference on the child that must point at the parent (``"class"`` for results of a class), or
    ``"sourcedId"`` with ``through``; None when the parent only has to exist (the academic session of a results
    batch). ``contains``: the child's ``field`` is a list of references that must include the parent (a class's
    ``terms``).
    """

    param: str
    collection: str
    field: str | None = None
    through: Through | None = None
    contains: bool = False


@dataclass(eq=False)
class Operation(Generic[ReqT, RespT]):
    kind: OperationKind
    method: str
    path: str  # relative to the service's base path, with {snake_case} request fields as placeholders
    request: type[ReqT]
    response: type[RespT] | None  # for "list": the item model; None: no body (204)
    collection: str  # the records touched, by their collection key ("results", "lineItems", ...)
    body: str | None = None  # the request field sent as the JSON body
    parents: tuple[Parent, ...] = ()
    stored_in: str | None = None  # the collection its records are read back from, when not ``collection``
    # Field values the path implies, which the server sets on every record this create stores (the role of a
    # class's students): a record read back from ``stored_in`` without them is not this call's.
    implies: tuple[tuple[str, str], ...] = ()
    # A listing's key in the answer, when not ``collection``: Timeback answers /students/ and a school's students
    # under "users" (the view's records are users), /schools/ under "orgs".
    answer_key: str | None = None
    # A create that also answers the record it stored, under its singular key (Timeback's document answers
    # POST /terms/{id}/gradingPeriods with the academicSession).
    answers_record: bool = False
    # A PUT answering the record bare, not under its key (Timeback's document answers PUT /schools/{id} so).
    answers_bare: bool = False
    success_status: int = 200
    name: str = field(default="", init=False)  # the SDK method name, from the attribute it is assigned to
    base_path: str = field(default="", init=False)  # the service prefix, from the resource class

    @property
    def records_key(self) -> str:
        """The key a listing's records come under in its answer."""
        return self.answer_key or self.collection

    @property
    def path_fields(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.path) if name)

    @property
    def full_path(self) -> str:
        return self.base_path + self.path

    @property
    def wire_body_key(self) -> str | None:
        """The JSON key of the body (the field's alias, e.g. ``class`` for ``class_``)."""
        if self.body is None:
            return None
        info = self.request.model_fields[self.body]
        return info.serialization_alias or self.body


# (base path, collection) -> the operation that reads one record of it, for confirming creates (see _base_client).
READERS: dict[tuple[str, str], Operation[Any, Any]] = {}
# (base path, collection) -> the operation that lists the whole collection, to confirm many records per request.
LISTERS: dict[tuple[str, str], Operation[Any, Any]] = {}


class OperationSet:
    """Base of a resource's operation declarations. Subclasses set ``base_path``."""

    base_path: str = ""

    @classmethod
    def operations(cls) -> Iterator[Operation[Any, Any]]:
        """Every operation declared on this class, in declaration order."""
        seen: set[str] = set()
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                op = getattr(value, "operation", None)
                if isinstance(op, Operation) and name not in seen:
                    seen.add(name)
                    yield op
