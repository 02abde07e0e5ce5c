"""Bases of the request models: path parameters, query parameters and the PUT id rule."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, ClassVar, Literal, Self, cast, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, to_json

from timeback._ids import quoted_id
from timeback._pagination import async_only
from timeback.models._base import (
    CopiedByWireName,
    GeneratedId,
    not_a_bool,
    read_with,
    sourced_id_given,
    updates_by_name,
)
from timeback.models._dicts import applied_before_the_dict_path, validated_dict
from timeback.models.gradebook import NewRecord, TimebackEntity

__all__ = [
    "RECORDS_TAKEN",
    "TimebackQueryParams",
    "TimebackRequest",
    "put_validated",
    "record_as_body",
    "record_of_body",
    "records_as_bodies",
]


def _named_fields(value: list[str] | str) -> list[str] | str:
    """At least one field, none of them empty: ``fields=[]`` went out as ``fields=``, refused by the server as "Unknown
    field in 'fields': ''" (its OpenAPI document asks for one at least). A field's Python name for a keyword
    (``class_``) is sent as its wire name (``class``): the server's 400 it was, where the model takes either."""
    names = value.split(",") if isinstance(value, str) else value
    if not names or any(not name.strip() for name in names):
        raise ValueError("fields needs one field name at least, and no empty name (leave fields out for them all)")
    if any(name.strip().endswith("_") for name in names):  # ("sourcedId, class_": the server strips the names)
        import keyword

        wire = [kept[:-1] if (kept := name.strip()).endswith("_") and keyword.iskeyword(kept[:-1]) else name
                for name in names]  # fmt: skip
        return ",".join(wire) if isinstance(value, str) else wire
    return value


# ``fields`` as a list or a comma-separated string; always comma-separated on the wire.
FieldList = Annotated[
    list[str] | str,
    AfterValidator(_named_fields),
    PlainSerializer(lambda v: ",".join(v) if isinstance(v, list) else v, return_type=str),
]


class TimebackRequest(CopiedByWireName):
    """A request: path parameters in snake_case, the body under its wire name. Unknown arguments are errors."""

    # (as TimebackModel)
    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", populate_by_name=True, ser_json_inf_nan="constants")

    @model_validator(mode="before")
    @classmethod
    @applied_before_the_dict_path
    def _records_as_bodies(cls, data: Any, info: ValidationInfo) -> Any:
        # A record read for a body, as the keyword form takes it: ``TimebackPutResultRequest(result=r)`` was a
        # ValidationError (model_type). (Not on assignment: pydantic validates the value assigned, not what this
        # returns.) The SDK's calls apply it to the dicts before the dict path, whose copy of the schema leaves it
        # out (``models._dicts``), and say so as they validate a model: a second look at each of 100 models, 5 us.
        if info.context is RECORDS_TAKEN or not isinstance(data, dict):
            return data
        return records_as_bodies(cls, data)


# The context of a request model validated from data ``records_as_bodies`` has been applied to already.
RECORDS_TAKEN: Any = object()

# request class -> its body fields: (name, wire name, body model, the record model it is a body of)
_RECORD_BODIES: dict[type[BaseModel], list[tuple[str, str, type[BaseModel], type[TimebackEntity]]]] = {}


def records_as_bodies(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` for ``model`` with each record given as a body (``TimebackResult`` as ``result``, or as an item of
    ``results``) replaced by what it holds: its set fields by wire name, without ``dateLastModified`` (the stamp
    of when it was read; the server sets it on every write). pydantic takes a model as a field only if it is of
    the field's class, and the record read is the body's base class: a read-modify-write was refused, while the
    dict it dumps to was taken. (Run by the request models' validator, and by the SDK's calls on the dicts they
    validate on the dict path, which leaves that validator out: ``models._dicts``.)"""
    bodies = _RECORD_BODIES.get(model)
    if bodies is None:
        bodies = []
        for name, info in model.model_fields.items():
            body: Any = get_args(info.annotation)[0] if get_origin(info.annotation) is list else info.annotation
            record = record_of_body(body)
            if record is not None:
                bodies.append((name, info.serialization_alias or name, body, record))
        _RECORD_BODIES[model] = bodies  # (cached once whole: another thread's first call may be reading it)
    for name, wire_name, body, record in bodies:
        key = name if name in data else wire_name
        value = data.get(key)
        if isinstance(value, record):
            if not isinstance(value, body):
                data = {**data, key: record_as_body(value, body, record, where=(wire_name,), title=model.__name__)}
        elif (
            isinstance(value, Iterable)
            and not isinstance(value, (str, bytes, bytearray, Mapping, BaseModel))
            and not async_only(value)  # (an async listing: pydantic says it is no list)
        ):
            # (any iterable pydantic takes for a list: a tuple, a deque, dict.values(), a generator, which is read
            # once here: the list read is what is validated next)
            items = list(value) if isinstance(value, Iterator) else value
            if any(issubclass(kind, record) and not issubclass(kind, body) for kind in set(map(type, items))):
                data = {**data, key: [record_as_body(item, body, record, where=(wire_name, index), title=model.__name__)
                                      for index, item in enumerate(items)]}  # fmt: skip
            elif items is not value:
                data = {**data, key: items}
    return data


def record_of_body(body: Any) -> type[TimebackEntity] | None:
    """The record model a body model is a body of (``TimebackResult`` for ``TimebackPutResultBody``), or None for
    anything that is not a body."""
    if not isinstance(body, type) or not issubclass(body, (NewRecord, _PatchBody)):
        return None
    for klass in body.__mro__:
        if issubclass(klass, TimebackEntity) and not issubclass(klass, (NewRecord, _PatchBody)):
            return klass
    return None


def record_as_body(
    value: Any,
    body: type[BaseModel],
    record: type[TimebackEntity],
    *,
    where: tuple[str | int, ...] = (),
    title: str | None = None,
) -> Any:
    """``value`` as ``body`` takes it when it is a ``record`` read (see ``records_as_bodies``); else as it is. A
    record read with ``fields=`` that ``body`` would send as a whole record raises a ValidationError (``title``'s,
    else ``body``'s, at ``where``): ``refuse_part``."""
    if not isinstance(value, record) or isinstance(value, body):
        return value
    # (no warnings: a field assigned a value of another type, ``r.scoreStatus = "exempt"``, warned, an error under
    # ``-W error``; the dict is validated next, by the call or the bulk helper, which takes or refuses the value)
    fields = value.model_dump(by_alias=True, exclude_unset=True, warnings=False)
    fields.pop("dateLastModified", None)
    if isinstance(value.sourcedId, GeneratedId):
        del fields["sourcedId"]  # (an id the SDK made up, which the dump makes a plain one: the body makes its own)
    if issubclass(body, _PatchBody):
        if "metadata" in fields and fields["metadata"] is None:
            # (a record stored with null metadata: a PATCH merges metadata key by key and refuses null, which
            # Timeback's PATCH types as an object; read back, it means no keys to merge)
            del fields["metadata"]
        described = type(value).__pydantic_fields__
        for name in getattr(value, "wire_defaults", ()):
            # (a create or PUT body's status, active unless given, goes on the wire: a PATCH given such a body revived
            # the deleted record it meant to change. Its default is left out: what the caller gave is sent)
            if name in fields and fields[name] == described[name].default:
                del fields[name]
    if (fields_read := read_with(value)) is not None:
        refuse_part(value, fields, body, record, fields_read, where, title or body.__name__)
    return fields


# Fields a record sent whole may lack with nothing lost: its id (a PUT's is the path's) and its stamp (never sent)
_NOT_LOST = frozenset({"sourcedId", "dateLastModified"})


def refuse_part(
    value: TimebackEntity,
    sent: dict[str, Any],
    body: type[BaseModel],
    record: type[TimebackEntity],
    fields: str,
    where: tuple[str | int, ...],
    title: str,
) -> None:
    """Raise a ValidationError (``title``'s, at ``where``) for ``value``, a record read with ``fields=`` (``read_with``)
    that ``body`` would send as ``sent``, a whole record: it holds only those fields, and a create would store it
    without the others, a PUT replace the one stored, clearing them (a read-modify-write of a ``fields=`` read lost
    the comment and metadata it did not read, silently). Not for a body that updates the fields sent alone (a
    PATCH's; a class update's, unless ``sent`` makes a whole class: it then replaces the class), nor when the
    fields read were every field of the record."""
    if not getattr(body, "whole_record", False):
        whole = getattr(body, "whole", None)
        if whole is None:
            return
        try:
            whole.model_validate(sent)
        except ValidationError:
            return  # (a part: the fields sent update the record, the others kept)
    described = type(value).__pydantic_fields__
    # (a field assigned since the read is the caller's to send: filled in by hand, it is not lost)
    assigned = {described[name].serialization_alias or name for name in value.model_fields_set if name in described}
    asked = {name.strip() for name in fields.split(",")} | _NOT_LOST | assigned
    wire_names = (info.serialization_alias or name for name, info in described.items())
    unread = [name for name in wire_names if name not in asked]
    if not unread:
        return
    named = ", ".join(unread[:5]) + (f" and {len(unread) - 5} more" if len(unread) > 5 else "")
    instead = " or ".join(_part_updates(record))
    reason = (
        f"a {type(value).__name__} read with fields={fields!r} holds those fields only: sent as a whole record (a "
        f"create stores it as sent, a PUT replaces the record), it would lose the fields not read ({named}); read "
        f"it without fields= to send it back{f', or send only the fields changed with {instead}' if instead else ''}"
    )
    error = PydanticCustomError("partial_record", "{reason}", {"reason": reason})
    detail = InitErrorDetails(type=error, loc=where, input=value)  # (not shown: a user's may hold a password)
    raise ValidationError.from_exception_data(title, [detail], hide_input=True)


@functools.cache
def _part_updates(record: type[TimebackEntity]) -> tuple[str, ...]:
    """The SDK's methods that update a ``record`` with the fields sent alone: its ``patch_*``, ``update_class``."""
    from timeback.resources import all_operations

    names = []
    for op in all_operations():
        body = op.request.model_fields[op.body].annotation if op.body else None
        if record_of_body(body) is record and not getattr(body, "whole_record", False):
            names.append(op.name)
    return tuple(names)


class TimebackQueryParams(TimebackRequest):
    """Query parameters of collection reads (``fields`` also applies to single reads).

    ``limit`` is the page size; auto-pagination asks for pages of that size starting at ``offset``.
    """

    fields: FieldList | None = None
    limit: Annotated[int, not_a_bool(int)] | None = Field(default=None, ge=1)
    offset: Annotated[int, not_a_bool(int)] | None = Field(default=None, ge=0)
    sort: str | None = None
    order_by: Literal["asc", "desc"] | None = Field(
        default=None, validation_alias="orderBy", serialization_alias="orderBy"
    )
    filter: str | None = None
    search: str | None = None

    _query_fields: ClassVar[set[str]] = {"fields", "limit", "offset", "sort", "order_by", "filter", "search"}

    def query_params(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, include=self._query_fields)


class _ByIdRequest(TimebackRequest):
    sourced_id: str = Field(min_length=1)


class _GetRequest(_ByIdRequest):
    fields: FieldList | None = None

    def query_params(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, include={"fields"})


class _PutRequest(_ByIdRequest):
    """PUT: the body's ``sourcedId`` is the path's when omitted, and must equal it when given. One taken from the path
    follows it: a request given another path id (set on it, copied with it, or passed with it to a call) sends its
    body under that id."""

    # (``request.sourced_id = ...`` runs the rule again)
    model_config: ClassVar[ConfigDict] = ConfigDict(validate_assignment=True)

    sourced_id: str = Field(min_length=1, max_length=255)  # (the record's sourcedId: as long as a body's may be)
    body_field: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _path_id_not_given(cls, data: Any) -> Any:
        # A request dumped to be validated again (a call's overriding keywords) carries the id its body took from
        # the path as a GeneratedId, which validation would make an id the caller chose: left out, it is filled in.
        if isinstance(data, dict):
            for key in (cls.body_field, cls.model_fields[cls.body_field].serialization_alias):
                body = data.get(key) if key else None
                if isinstance(body, dict) and isinstance(body.get("sourcedId"), GeneratedId):
                    return {**data, key: _without_sourced_id(body)}
        return data

    @model_validator(mode="after")
    def _sourced_id_matches_path(self, info: ValidationInfo) -> Self:
        body: TimebackEntity = getattr(self, self.body_field)
        if not sourced_id_given(body):
            if body.sourcedId != self.sourced_id:
                # A copy: the caller's body (a model passed in is kept as is) may be reused for another path. Still
                # a GeneratedId (not the caller's), so that it follows the path when that changes: pydantic's copy,
                # as a body that validates assignment (demographics) would have made it a plain str by assigning it.
                filled = BaseModel.model_copy(body, update={"sourcedId": GeneratedId(self.sourced_id)})
                self.__dict__[self.body_field] = filled  # (not setattr: that would validate it again)
        elif body.sourcedId != self.sourced_id:
            field = f"{self.body_field}.sourcedId"
            raise ValueError(
                f"{field} {quoted_id(body.sourcedId)} does not match the path's sourcedId {quoted_id(self.sourced_id)}"
            )
        return self

    # (unannotated: pydantic takes a serializer's return annotation for the model's serialization JSON schema, and
    # ``Any``'s is ``{}``; with none, the schema stays the model's)
    @model_serializer(mode="wrap", when_used="json")
    def _path_id_left_out(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo):  # type: ignore[no-untyped-def]
        # JSON cannot mark the body's sourcedId as the path's (a GeneratedId): written, it read back as one the caller
        # chose, and a request kept as JSON refused another path id, where one pickled followed it. Left out, it is
        # the path's again when read. (Not what is sent: ``body_json``.)
        dumped = handler(self)
        path_id = getattr(self, self.body_field).sourcedId
        if isinstance(path_id, GeneratedId) and path_id == self.sourced_id:
            alias = self.__pydantic_fields__[self.body_field].serialization_alias
            key = (alias or self.body_field) if info.by_alias else self.body_field
            body = dumped.get(key)  # (None when left out: ``include``, ``exclude``)
            if isinstance(body, dict):
                dumped[key] = _without_sourced_id(body)
        return dumped

    def body_json(self) -> bytes:
        """The body as sent: by its own model's serializer, so with its sourcedId always, under its wire name. (The
        SDK's dump of a PUT; faster than the request's, which JSON mode sends through ``_path_id_left_out``.)"""
        field = self.__pydantic_fields__[self.body_field]
        body_model = cast("type[BaseModel]", field.annotation)
        body = body_model.__pydantic_serializer__.to_json(
            getattr(self, self.body_field), by_alias=True, exclude_unset=True, warnings="error"
        )
        return b"{" + to_json(field.serialization_alias or self.body_field) + b":" + body + b"}"

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic sets the value before the model's validators run: one refused stayed set (a request with the
        # new path and the old body, sent as such). Refused, the request is put back as it was.
        fields, fields_set = dict(self.__dict__), set(self.__pydantic_fields_set__)
        try:
            super().__setattr__(name, value)
        except ValidationError:
            self.__dict__.clear()
            self.__dict__.update(fields)
            self.__pydantic_fields_set__.clear()
            self.__pydantic_fields_set__.update(fields_set)
            raise

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        # pydantic validates nothing in a copy: a new path id left the body under the old one, or under one of its
        # own (sent so). The updates are validated as if assigned, each running the path rule again.
        update = updates_by_name(self, update)
        copy = BaseModel.model_copy(self, update=update, deep=deep)  # (unchecked: checked below, in its order)
        for name in sorted(update or (), key=lambda name: name != self.body_field):  # (the body first: a model)
            self.__pydantic_validator__.validate_assignment(copy, name, copy.__dict__[name])
        return copy


def _without_sourced_id(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "sourcedId"}


def put_validated(model: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """A PUT's ``data`` (its path id and its body, given as a dict) validated on the dict path (``models._dicts``),
    by name as ``ValidatedRequest`` holds them; None where the model path must decide. The request model's own rules
    are its path id's (text, which its body's ``sourcedId`` field checks: the two are held to the same length) and
    ``_PutRequest``'s, kept here: the body's ``sourcedId`` is the path's when left out. Any other input (another
    argument, a body whose ``sourcedId`` is another or one the SDK made up) goes to the model, which raises the
    error it always did or takes it. (The model path costs a single PUT about 60 us more, docs/benchmarks.md.)"""
    if not issubclass(model, _PutRequest) or len(data) != 2:
        return None
    name = model.body_field
    field = model.__pydantic_fields__[name]  # (not the model_fields property: per call)
    wire = field.serialization_alias or name
    sourced_id, body = data.get("sourced_id"), data.get(name, data.get(wire))
    if type(sourced_id) is not str or not isinstance(body, Mapping) or isinstance(body.get("sourcedId"), GeneratedId):
        return None
    given = "sourcedId" in body
    if given and body["sourcedId"] != sourced_id:
        return None  # (the model's error says they differ)
    body_model = cast("type[BaseModel]", field.annotation)  # (a body model: every PUT's, tests/test_dict_path.py)
    validated = validated_dict(body_model, body if given else {**body, "sourcedId": sourced_id})
    if validated is None:
        return None
    if not given:
        validated["sourcedId"] = GeneratedId(sourced_id)  # (taken from the path, as the model marks it)
    return {"sourced_id": sourced_id, wire: validated}


class _PatchBody(TimebackEntity):
    """A partial record: nothing but the fields the caller set goes on the wire (no default id or status)."""

    sourcedId: str | None = Field(default=None, min_length=1, max_length=255)  # (as NewRecord's; records read: any)


class _PatchRequest(_ByIdRequest):
    """PATCH: the body's ``sourcedId``, when given, must be the path's."""

    body_field: ClassVar[str]

    @model_validator(mode="after")
    def _sourced_id_matches_path(self, info: ValidationInfo) -> Self:
        body: TimebackEntity = getattr(self, self.body_field)
        if sourced_id_given(body) and body.sourcedId != self.sourced_id:
            field = f"{self.body_field}.sourcedId"
            raise ValueError(
                f"{field} {quoted_id(body.sourcedId)} does not match the path's sourcedId {quoted_id(self.sourced_id)}"
            )
        return self
