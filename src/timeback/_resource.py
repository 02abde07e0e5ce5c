"""Resources and the descriptors that turn operation declarations into methods.

``endpoint(...)`` declares an operation on an ``OperationSet``; read from a ``SyncResource`` it is a blocking
method, read from an ``AsyncResource`` it is a coroutine method with the same name and arguments. List operations
(``list_endpoint``) return a ``Page`` (sync) or an ``AsyncPaginator`` (async) that pages lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload

from pydantic import BaseModel

from timeback._operations import Operation, OperationKind, OperationSet, Parent

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
    def __call__(self, request: ReqT_contra | Mapping[str, Any] | None = None, /, **fields: Any) -> RespT_co: ...


class AsyncMethod(Protocol[ReqT_contra, RespT_co]):
    async def __call__(self, request: ReqT_contra | Mapping[str, Any] | None = None, /, **fields: Any) -> RespT_co: ...


class _Bound:
    """An operation bound to a client: what ``client.oneroster.gradebook.get_result`` is."""

    __slots__ = ("_client", "_list", "operation")

    def __init__(self, client: Any, operation: Operation[Any, Any], is_list: bool) -> None:
        self._client = client
        self._list = is_list
        self.operation = operation

    def __call__(self, request: Any = None, /, **fields: Any) -> Any:
        if self._list:
            return self._client.paginate(self.operation, request, fields)
        return self._client.call(self.operation, request, fields)

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


_DEFAULT_STATUS: dict[str, int] = {"put": 201, "create": 201, "batch_create": 201, "delete": 204}


def endpoint(
    kind: OperationKind,
    method: str,
    path: str,
    request: type[ReqT],
    response: type[RespT],
    collection: str,
    *,
    body: str | None = None,
    parents: tuple[Parent, ...] = (),
    not_found: str | None = None,
) -> Endpoint[ReqT, RespT]:
    """Declare an operation that answers one JSON document."""
    op = Operation(kind, method, path, request, response, collection, body, parents, not_found)
    op.success_status = _DEFAULT_STATUS.get(kind, 200)
    return Endpoint(op)


def no_content_endpoint(
    kind: OperationKind, method: str, path: str, request: type[ReqT], collection: str
) -> NoContentEndpoint[ReqT]:
    """Declare an operation that answers no body (DELETE)."""
    op: Operation[ReqT, Any] = Operation(kind, method, path, request, None, collection)
    op.success_status = _DEFAULT_STATUS.get(kind, 204)
    return NoContentEndpoint(op)


def list_endpoint(
    path: str,
    request: type[ReqT],
    item: type[RespT],
    collection: str,
    *,
    parents: tuple[Parent, ...] = (),
    not_found: str | None = None,
) -> ListEndpoint[ReqT, RespT]:
    """Declare a collection read; ``item`` is the model of one record."""
    return ListEndpoint(Operation("list", "GET", path, request, item, collection, None, parents, not_found))


__all__ = [
    "AsyncResource",
    "Endpoint",
    "ListEndpoint",
    "OperationSet",
    "SyncResource",
    "endpoint",
    "list_endpoint",
    "no_content_endpoint",
]
