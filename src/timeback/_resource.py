"""Resources and the descriptors that turn operation declarations into methods.

``get_one``, ``list_of``, ``put_one``, ``patch_one``, ``create_one``, ``create_many``, ``delete_one`` (and their
kin below) declare an operation on an ``OperationSet`` (``resources/gradebook.py``, ``resources/rostering.py``); read
from a ``SyncResource`` it is a blocking method, read from an ``AsyncResource`` it is a coroutine method with the
same name and arguments. List operations (``list_of``) return a ``Page`` (sync) or an ``AsyncPaginator`` (async)
that pages lazily. A method's
name, signature (the request model's fields as keywords) and docstring (verb, path, models) come from the
declaration, so ``help()`` and ``inspect.signature()`` say what it is; they are built on first access. Type checkers,
which run no code, read the same signatures from a stub made of them (``timeback._stubs``).
"""

from __future__ import annotations

import inspect
import json
from types import MethodType, UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Generic,
    Literal,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
)

from pydantic import BaseModel

from timeback._config import CALL_OPTIONS, CallOptions
from timeback._operations import LISTERS, READERS, Operation, OperationKind, OperationSet, Parent
from timeback.models.response import TimebackSourcedIdPairsResponse as PairsResponse

if TYPE_CHECKING:
    from timeback._base_client import AsyncAPIClient, SyncAPIClient

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)


class _Service:
    """A service's methods (``client.oneroster.gradebook``), read as what they are: a notebook showed
    "<timeback.resources.gradebook.Gradebook object at 0x...>"."""

    _client: SyncAPIClient | AsyncAPIClient

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client.base_url}: help() on it lists its methods>"


class SyncResource(_Service):
    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource(_Service):
    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


# What each kind of operation does, for the methods' docstrings.
_KIND_DOCS: dict[str, str] = {
    "get": "Read one record.",
    "list": "Read a collection, paged: iterating the page reads every record across pages.",
    "put": "Create or replace the record the path names (its sourcedId is the path's).",
    "patch": "Update the fields sent (``metadata`` merged key by key).",
    "create": "Create one record.",
    "batch_create": "Create a batch of records under the parent the path names: all or nothing.",
    "delete": "Delete the record: a soft delete (its status becomes ``tobedeleted``).",
}


def _method(operation: Operation[Any, Any], owner: type, is_list: bool, is_async: bool) -> Any:
    """The function an operation is on a resource, bound to it on access: its name, signature and docstring say what
    it is (built on first use, not at import)."""
    op = operation

    def listed(self: Any, request: Any = None, /, **fields: Any) -> Any:
        options = CallOptions.take(_given(fields))
        return self._client.paginate(op, request, fields, options)

    async def awaited(self: Any, request: Any = None, /, **fields: Any) -> Any:
        options = CallOptions.take(_given(fields))
        return await self._client.call(op, request, fields, options)

    def called(self: Any, request: Any = None, /, **fields: Any) -> Any:
        options = CallOptions.take(_given(fields))
        return self._client.call(op, request, fields, options)

    method: Any = listed if is_list else awaited if is_async else called
    method.__name__ = op.name
    method.__qualname__ = f"{owner.__qualname__}.{op.name}"
    method.__module__ = owner.__module__
    method.__doc__ = _doc(op, is_async)
    method.__signature__ = _signature(op, is_async)
    method.operation = op
    return method


def _returns(op: Operation[Any, Any], is_async: bool) -> str:
    if op.kind == "list":
        item = op.response.__name__ if op.response else "Any"
        return f"AsyncPaginator[{item}]" if is_async else f"Page[{item}]"
    return op.response.__name__ if op.response else "None"


class _Required:
    """The default a required field's keyword shows: needed unless ``request`` holds it. Without a default, the
    signature refused the documented call with a request model (``put_result(request)``): ``signature.bind`` and
    ``mock.create_autospec``, which checks calls against it, raised "missing a required argument"."""

    def __repr__(self) -> str:
        return "required"


REQUIRED: Any = _Required()


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without those ``REQUIRED`` stands for: a wrapper binding the signature with ``apply_defaults()``
    passes it on as a value (sent as the field's, it failed validation though the request held the field)."""
    for name in [name for name, value in fields.items() if value is REQUIRED]:
        del fields[name]
    return fields


def _signature(op: Operation[Any, Any], is_async: bool) -> inspect.Signature:
    """``(request=None, /, *, <path fields>, <body>, <query>, timeout, max_retries, deadline, extra_headers,
    extra_query)``: the request
    model's fields as keywords, those it requires with ``REQUIRED`` as their default (given in ``request``, or as
    keywords)."""
    fields = op.request.model_fields
    order = [*op.path_fields, *([op.body] if op.body else []), *fields]
    P = inspect.Parameter
    taken = f"{op.request.__name__} | TimebackQueryParams" if op.kind == "list" else op.request.__name__
    params = [
        P("self", P.POSITIONAL_ONLY),
        P("request", P.POSITIONAL_ONLY, default=None, annotation=f"{taken} | Mapping[str, Any] | None"),
    ]
    for name in dict.fromkeys(order):
        info = fields[name]
        default = REQUIRED if info.is_required() else info.default
        annotation = _body_type(op) if name == op.body else _type_name(info.annotation)
        params.append(P(name, P.KEYWORD_ONLY, default=default, annotation=annotation))
    for name, annotation in CALL_OPTIONS.items():
        params.append(P(name, P.KEYWORD_ONLY, default=None, annotation=annotation))
    return inspect.Signature(params, return_annotation=_returns(op, is_async))


def _body_of(op: Operation[Any, Any]) -> tuple[Any, Any, type[BaseModel] | None]:
    """The body field's annotation, the model of one body (a batch's item) and the record model read that it takes
    (``TimebackResult`` for a ``TimebackPutResultBody``; None for a body that is no record's)."""
    from timeback.models._requests_base import record_of_body

    assert op.body is not None
    annotation = op.request.model_fields[op.body].annotation
    body = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    assert isinstance(body, type), f"{op.name}: a body is a model or a list of them, not {annotation}"
    return annotation, body, record_of_body(body)


def _body_type(op: Operation[Any, Any]) -> str:
    """The body keyword's type, as validation takes it: the body model, a record read, or a dict; a batch, any
    iterable of those (type checkers read it so from the methods' stub)."""
    annotation, body, record = _body_of(op)
    one = " | ".join([_type_name(body), *([record.__name__] if record else []), "Mapping[str, Any]"])
    return one if body is annotation else f"Iterable[{one}]"


def _type_name(annotation: Any) -> str:
    """A field's type as read: ``TimebackPutResultBody``, ``Sequence[str]`` (a list field), ``int | None``."""
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type_name(args[0])
    if origin in (Union, UnionType):
        return " | ".join(dict.fromkeys(_type_name(arg) for arg in args))
    if origin is not None and args:
        # (a list field takes any sequence: a tuple, ``fields=("score", "sourcedId")``)
        name = "Sequence" if origin is list else getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_literal(arg) if origin is Literal else _type_name(arg) for arg in args)}]"
    return str(annotation).replace("typing.", "")


def _literal(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)  # (quoted as ruff formats it: the stub)


def _doc(op: Operation[Any, Any], is_async: bool) -> str:
    fields = op.request.model_fields
    lines = [f"{op.method} {op.full_path}: {_KIND_DOCS[op.kind]}", ""]
    lines.append(f"request: a ``{op.request.__name__}`` (``timeback.models.request``), a dict of its fields, or its")
    lines.append("fields as keywords (a keyword overrides the request's field):")
    if op.path_fields:
        lines.append(f"  path: {', '.join(op.path_fields)} (str)")
    if op.body is not None:
        annotation, body, record = _body_of(op)
        wire = f", ``{op.wire_body_key}`` on the wire" if op.wire_body_key != op.body else ""
        if body is annotation:
            taken = f", a dict, or a ``{record.__name__}`` read" if record else ", or a dict"
        else:
            taken = f": of those, dicts, or ``{record.__name__}`` records read" if record else ": of those, or dicts"
        lines.append(f"  body: {op.body} ({_type_name(annotation)}{wire}{taken})")
    query = [name for name in fields if name not in op.path_fields and name != op.body]
    if query:
        lines.append(f"  query: {', '.join(query)}")
    if op.kind == "list":
        lines.append("  (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)")
    lines.append("  call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);")
    lines.append("  extra_headers, extra_query (sent with each of the call's requests)")
    returns = _returns(op, is_async)
    if op.kind == "list":
        answer = f"``{returns}``: iterate it for every record across pages"
        answer += " (``async for``; ``await`` it for the first page)" if is_async else ""
    elif op.response is None:
        answer = f"None (the server answers {op.success_status})"
    else:
        bare = ", the record bare" if op.answers_bare else ""
        answer = f"``{returns}`` (the server answers {op.success_status}{bare})"
    lines += ["", f"Returns {answer}." + (" Awaitable." if is_async and op.kind != "list" else "")]
    return "\n".join(lines)


class _Descriptor:
    _is_list = False

    def __init__(self, operation: Operation[Any, Any]) -> None:
        self.operation = operation
        self._methods: dict[bool, Any] = {}  # is async -> the function (see ``_method``), made on first access

    def __set_name__(self, owner: type, name: str) -> None:
        self._owner = owner
        self.operation.name = name
        self.operation.base_path = getattr(owner, "base_path", "")
        op = self.operation
        if op.kind == "get":
            READERS[(op.base_path, op.collection)] = op
        elif op.kind == "list" and op.path.strip("/") == op.collection:
            LISTERS[(op.base_path, op.collection)] = op

    if TYPE_CHECKING:  # (read from a resource, a method: what checkers see of that is the stub's; see below)

        def __get__(self, obj: None, owner: Any = None) -> Self: ...

    else:

        def __get__(self, obj: Any, owner: Any = None) -> Any:
            if obj is None:
                if isinstance(owner, type) and issubclass(owner, (SyncResource, AsyncResource)):
                    return self._function(issubclass(owner, AsyncResource))  # (so help(Gradebook) lists them)
                return self
            return MethodType(self._function(isinstance(obj, AsyncResource)), obj)

    def _function(self, is_async: bool) -> Any:
        method = self._methods.get(is_async)
        if method is None:
            method = self._methods[is_async] = _method(self.operation, self._owner, self._is_list, is_async)
        return method


# A declaration read from its resource is a method; type checkers read those from the stub timeback._stubs makes
# (``resources/_methods.pyi``), which each resource takes as its bases when type checked. What they see of a
# declaration itself is the descriptor, read from its operation table: ``GradebookOperations.put_result.operation``.


class Endpoint(_Descriptor, Generic[ReqT, RespT]):
    """An operation answering ``RespT``."""


class NoContentEndpoint(_Descriptor, Generic[ReqT]):
    """An operation answering nothing (204)."""


class ListEndpoint(_Descriptor, Generic[ReqT, RespT]):
    """A listing of ``RespT`` records, paged."""

    _is_list = True


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
    answer_key: str | None = None,
) -> ListEndpoint[ReqT, RespT]:
    """GET a collection, paged; ``item`` is the model of one record."""
    op = _op("list", "GET", path, request, item, collection, 200, parents=parents, answer_key=answer_key)
    return ListEndpoint(op)


def put_one(
    path: str,
    request: type[ReqT],
    response: type[RespT],
    collection: str,
    *,
    body: str,
    status: int = 201,
    bare: bool = False,
) -> Endpoint[ReqT, RespT]:
    """PUT: create or fully replace a record whose sourcedId the caller chose; ``status`` (Timeback's document
    declares 200 for some PUTs) with the record under its key, or ``bare``."""
    return Endpoint(_op("put", "PUT", path, request, response, collection, status, body=body, answers_bare=bare))


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
    stored_in: str | None = None,
    implies: tuple[tuple[str, str], ...] = (),
) -> Endpoint[ReqT, PairsResponse]:
    """POST one record (to a root collection, or under parents named in the path); 201 with ``sourcedIdPairs``.
    ``stored_in``: the collection that lists the records, when ``collection`` is a view of it (a class's students);
    ``implies``: the field values that view sets on each record (``(("role", "student"),)``)."""
    op = _op("create", "POST", path, request, PairsResponse, collection, 201, body=body, parents=parents,
             stored_in=stored_in, implies=implies)  # fmt: skip
    return Endpoint(op)


def create_one_answering(
    path: str,
    request: type[ReqT],
    response: type[RespT],
    collection: str,
    *,
    body: str,
    parents: tuple[Parent, ...],
) -> Endpoint[ReqT, RespT]:
    """POST one record under a parent; 201 with ``sourcedIdPairs`` and the record stored (``response`` reads
    both; see ``Operation.answers_record``)."""
    op = _op("create", "POST", path, request, response, collection, 201, body=body, parents=parents,
             answers_record=True)  # fmt: skip
    return Endpoint(op)


def create_many(
    path: str,
    request: type[ReqT],
    collection: str,
    *,
    body: str,
    parents: tuple[Parent, ...],
) -> Endpoint[ReqT, PairsResponse]:
    """POST a batch under parent records named in the path; all or nothing; 201 with ``sourcedIdPairs``."""
    op = _op("batch_create", "POST", path, request, PairsResponse, collection, 201, body=body, parents=parents)
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
