"""Resources and the descriptors that turn operation declarations into methods.

``endpoint(...)`` declares an operation on an ``OperationSet``; read from a ``SyncResource`` it is a blocking
method, read from an ``AsyncResource`` it is a coroutine method with the same name and arguments. List operations
(``list_endpoint``) return a ``Page`` (sync) or an ``AsyncPaginator`` (async) that pages lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

import httpx
from pydantic import BaseModel

from timeback._config import CallOptions
from timeback._operations import LISTERS, READERS, Operation, OperationKind, OperationSet, Parent
from timeback.models.response import TimebackSourcedIdPairsResponse as PairsResponse

if TYPE_CHECKING:
    from timeback._base_client import AsyncAPIClient, SyncAPIClient
    from timeback._pagination import AsyncPaginator, Page

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)
ReqT_contra = TypeVar("ReqT_contra", bound=BaseModel, contravariant=True)
RespT_co = TypeVar("RespT_co", covariant=True)


class SyncResource:
    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


class SyncMethod(Protocol[ReqT_contra, RespT_co]):
    """An operation: its request model, a dict or keyword fields; plus the call options."""

    def __call__(
        self,
        request: ReqT_contra | Mapping[str, Any] | None = None,
        /,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        **fields: Any,
    ) -> RespT_co: ...


class AsyncMethod(Protocol[ReqT_contra, RespT_co]):
    async def __call__(
        self,
        request: ReqT_contra | Mapping[str, Any] | None = None,
        /,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        **fields: Any,
    ) -> RespT_co: ...


class _Bound:
    """An operation bound to a client: what ``client.oneroster.gradebook.get_result`` is."""

    __slots__ = ("_client", "_list", "operation")

    def __init__(self, client: Any, operation: Operation[Any, Any], is_list: bool) -> None:
        self._client = client
        self._list = is_list
        self.operation = operation

    def __call__(self, request: Any = None, /, **fields: Any) -> Any:
        options = CallOptions.take(fields)
        if self._list:
            return self._client.paginate(self.operation, request, fields, options)
        return self._client.call(self.operation, request, fields, options)

    def __repr__(self) -> str:
        op = self.operation
        return f"<method {op.name}: {op.method} {op.full_path}>"


class _Descriptor:
    _is_list = False

    def __init__(self, operation: Operation[Any, Any]) -> None:
        self.operation = operation

    def __set_name__(self, owner: type, name: str) -> None:
        self.operation.name = name
        self.operation.base_path = getattr(owner, "base_path", "")
        op = self.operation
        if op.kind == "get":
            READERS[(op.base_path, op.collection)] = op
        elif op.kind == "list" and op.path.strip("/") == op.collection:
            LISTERS[(op.base_path, op.collection)] = op

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        return _Bound(obj._client, self.operation, self._is_list)


class Endpoint(_Descriptor, Generic[ReqT, RespT]):
    if TYPE_CHECKING:

        @overload
        def __get__(self, obj: None, owner: Any = None) -> Endpoint[ReqT, RespT]: ...
        @overload
        def __get__(self, obj: SyncResource, owner: Any = None) -> SyncMethod[ReqT, RespT]: ...
        @overload
        def __get__(self, obj: AsyncResource, owner: Any = None) -> AsyncMethod[ReqT, RespT]: ...
        def __get__(self, obj: Any, owner: Any = None) -> Any: ...


class NoContentEndpoint(_Descriptor, Generic[ReqT]):
    if TYPE_CHECKING:

        @overload
        def __get__(self, obj: None, owner: Any = None) -> NoContentEndpoint[ReqT]: ...
        @overload
        def __get__(self, obj: SyncResource, owner: Any = None) -> SyncMethod[ReqT, None]: ...
        @overload
        def __get__(self, obj: AsyncResource, owner: Any = None) -> AsyncMethod[ReqT, None]: ...
        def __get__(self, obj: Any, owner: Any = None) -> Any: ...


class ListEndpoint(_Descriptor, Generic[ReqT, RespT]):
    _is_list = True

    if TYPE_CHECKING:

        @overload
        def __get__(self, obj: None, owner: Any = None) -> ListEndpoint[ReqT, RespT]: ...
        @overload
        def __get__(self, obj: SyncResource, owner: Any = None) -> SyncMethod[ReqT, Page[RespT]]: ...
        @overload
        def __get__(self, obj: AsyncResource, owner: Any = None) -> SyncMethod[ReqT, AsyncPaginator[RespT]]: ...
        def __get__(self, obj: Any, owner: Any = None) -> Any: ...


# The declaration helpers: one per kind of operation. The kind fixes the verb and the success status.


def _op(kind: OperationKind, method: str, path: str, request: Any, response: Any, collection: str,
        status: int, **extra: Any) -> Operation[Any, Any]:  # fmt: skip
    op: Operation[Any, Any] = Operation(kind, method, path, request, response, collection, **extra)
    op.success_status = status
    return op


def get_one(path: str, request: type[ReqT], response: type[RespT], collection: str) -> Endpoint[ReqT, RespT]:
    """GET one record: ``{"<singular>": {...}}``."""
    return Endpoint(_op("get", "GET", path, request, response, collection, 200))


def list_of(
    path: str,
    request: type[ReqT],
    item: type[RespT],
    collection: str,
    *,
    parents: tuple[Parent, ...] = (),
    not_found: str | None = None,
    answer_key: str | None = None,
) -> ListEndpoint[ReqT, RespT]:
    """GET a collection, paged; ``item`` is the model of one record."""
    op = _op("list", "GET", path, request, item, collection, 200, parents=parents, not_found=not_found,
             answer_key=answer_key)  # fmt: skip
    return ListEndpoint(op)


def put_one(
    path: str, request: type[ReqT], response: type[RespT], collection: str, *, body: str
) -> Endpoint[ReqT, RespT]:
    """PUT: create or fully replace a record whose sourcedId the caller chose; 201 with the record."""
    return Endpoint(_op("put", "PUT", path, request, response, collection, 201, body=body))


def patch_one(
    path: str, request: type[ReqT], response: type[RespT], collection: str, *, body: str
) -> Endpoint[ReqT, RespT]:
    """PATCH: update the fields sent, merging ``metadata`` key by key; 200 with the record."""
    return Endpoint(_op("patch", "PATCH", path, request, response, collection, 200, body=body))


def create_one(
    path: str,
    request: type[ReqT],
    collection: str,
    *,
    body: str,
    parents: tuple[Parent, ...] = (),
    not_found: str | None = None,
    stored_in: str | None = None,
    implies: tuple[tuple[str, str], ...] = (),
) -> Endpoint[ReqT, PairsResponse]:
    """POST one record (to a root collection, or under parents named in the path); 201 with ``sourcedIdPairs``.
    ``stored_in``: the collection that lists the records, when ``collection`` is a view of it (a class's students);
    ``implies``: the field values that view sets on each record (``(("role", "student"),)``)."""
    op = _op("create", "POST", path, request, PairsResponse, collection, 201, body=body, parents=parents,
             not_found=not_found, stored_in=stored_in, implies=implies)  # fmt: skip
    return Endpoint(op)


def create_one_answering(
    path: str,
    request: type[ReqT],
    response: type[RespT],
    collection: str,
    *,
    body: str,
    parents: tuple[Parent, ...],
    not_found: str,
) -> Endpoint[ReqT, RespT]:
    """POST one record under a parent; 201 with ``sourcedIdPairs`` and the record stored (``response`` reads
    both; see ``Operation.answers_record``)."""
    op = _op("create", "POST", path, request, response, collection, 201, body=body, parents=parents,
             not_found=not_found, answers_record=True)  # fmt: skip
    return Endpoint(op)


def create_many(
    path: str,
    request: type[ReqT],
    collection: str,
    *,
    body: str,
    parents: tuple[Parent, ...],
    not_found: str,
) -> Endpoint[ReqT, PairsResponse]:
    """POST a batch under parent records named in the path; all or nothing; 201 with ``sourcedIdPairs``."""
    op = _op("batch_create", "POST", path, request, PairsResponse, collection, 201, body=body, parents=parents,
             not_found=not_found)  # fmt: skip
    return Endpoint(op)


def delete_one(path: str, request: type[ReqT], collection: str) -> NoContentEndpoint[ReqT]:
    """DELETE: a soft delete (status becomes ``tobedeleted``); 204."""
    return NoContentEndpoint(_op("delete", "DELETE", path, request, None, collection, 204))


__all__ = [
    "AsyncResource",
    "Endpoint",
    "ListEndpoint",
    "NoContentEndpoint",
    "OperationSet",
    "SyncResource",
    "create_many",
    "create_one",
    "create_one_answering",
    "delete_one",
    "get_one",
    "list_of",
    "patch_one",
    "put_one",
]
