"""Shared pydantic plumbing for every Timeback model.

Models are lenient by default (unknown fields kept, unknown enum values parsed) so that an API change never breaks
an installed SDK. Validating with ``context=STRICT`` makes the same models strict: unknown fields, unknown enum
values, malformed dates and metadata keys of another shape than Timeback's (``KeyShapes``) are errors. The local
server validates request bodies that way, so the SDK and the server share one definition of every shape.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, ClassVar, Self, TypeVar, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

from timeback._dates import iso_datetime
from timeback.models._dicts import json_number

__all__ = [
    "STRICT",
    "STRICT_VALIDATION",
    "DateOrDateTime",
    "Day",
    "GeneratedId",
    "KeyShapes",
    "Known",
    "Metadata",
    "NullIsAbsent",
    "ResponseModel",
    "TimebackModel",
    "is_strict",
    "mark_read_with",
    "new_sourced_id",
    "not_a_bool",
    "read_with",
    "sourced_id_given",
]

STRICT: dict[str, Any] = {"strict": True}
# Everything strict validation needs: the context above for enum values and dates, ``extra="forbid"`` for unknown
# fields (pydantic-core checks it, so lenient validation on the SDK side pays for no Python hook per model), and
# wire names only: a field's Python name (``class_`` for ``class``) is an unknown field on the wire, as on the dict
# path (``models._dicts``).
STRICT_VALIDATION: dict[str, Any] = {
    "strict": True, "extra": "forbid", "context": STRICT, "by_alias": True, "by_name": False,
}  # fmt: skip


def is_strict(info: ValidationInfo) -> bool:
    context = info.context
    return isinstance(context, dict) and bool(context.get("strict"))


class GeneratedId(str):
    """A sourcedId the SDK made up because the caller gave none (a PUT replaces it with the path's)."""

    __slots__ = ()


def new_sourced_id() -> str:
    # (a version 4 UUID's text, as str(uuid.uuid4()) writes it, at 1.6 us instead of 3.4)
    h = os.urandom(16).hex()
    return GeneratedId(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}")


def sourced_id_given(record: Any) -> bool:
    """Whether the caller chose the record's ``sourcedId`` (rather than the SDK's default)."""
    return record.sourcedId is not None and not isinstance(record.sourcedId, GeneratedId)


# For a model holding a secret (a user's password) and any model validating one inside it: a validation error does
# not repeat the input (pydantic reads this of the model validated, not of the one inside it that failed).
HIDES_INPUT = ConfigDict(hide_input_in_errors=True)


class CopiedByWireName(BaseModel):
    """The base of the SDK's records, bodies and requests: ``model_copy(update=...)`` takes wire names (``class``,
    ``orderBy``) as well as field names (``updates_by_name``); on a model that validates assignment, each update is
    assigned, so checked and converted as an assignment is (pydantic's copy sets it unchecked)."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        update = updates_by_name(self, update)
        if not update or not self.model_config.get("validate_assignment"):
            return super().model_copy(update=update, deep=deep)
        copy = super().model_copy(deep=deep)
        for name, value in update.items():
            setattr(copy, name, value)
        return copy


class TimebackModel(CopiedByWireName):
    """Base of every request and response model: camelCase wire names, extra fields kept."""

    # A field whose wire name is not its Python name (``class_``, ``class`` on the wire) declares it as
    # ``validation_alias`` and ``serialization_alias``, never ``alias``: type checkers without pydantic's plugin
    # (pyright, Pylance, plain mypy) then take the Python name as the constructor keyword, as documented; with
    # ``alias`` they took only ``class``. Code reading a field's wire name reads ``serialization_alias``.

    # NaN and Infinity are sent as such, so the server's 400 names the field (pydantic's default sent null, stored
    # in place of the caller's value); the dict path sends them so too.
    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow", populate_by_name=True, validate_assignment=False, ser_json_inf_nan="constants"
    )

    # Fields whose defaults go on the wire: the ones ``model_post_init`` marks as set (the dict path of
    # ``timeback.models._dicts`` fills in exactly these). A class overriding ``model_post_init`` declares them.
    wire_defaults: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict sent on the wire (wire names, unset optional fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def __eq__(self, other: object) -> bool:
        # Two models holding the same data are equal, whatever else they carry (pydantic compares private
        # attributes too: every answer differed by its request id, a cached one never equal to a fresh one; a
        # record read with ``fields=`` carries that mark, ``read_with``).
        if not isinstance(other, TimebackModel):
            return NotImplemented
        return (type(self) is type(other) and self.__dict__ == other.__dict__
                and self.__pydantic_extra__ == other.__pydantic_extra__)  # fmt: skip


# The key of a record's ``fields=`` mark in ``__pydantic_private__`` (see ``mark_read_with``)
_READ_WITH = "timeback_read_with"


def mark_read_with(record: BaseModel, fields: str) -> None:
    """Mark ``record`` as read with ``fields=`` (the names as sent, comma-separated): it holds those fields only,
    and ``record_as_body`` refuses it where a body is sent whole. Kept in pydantic's slot for private attributes,
    which records declare none of (declared, pydantic would run a hook for every record parsed): set only on
    records read so, it costs the others nothing, and goes with the record where pydantic takes its private
    attributes (``model_copy``, ``copy.deepcopy``, pickle), not into a dump."""
    private = record.__pydantic_private__
    if private is None:
        object.__setattr__(record, "__pydantic_private__", {_READ_WITH: fields})
    else:
        private[_READ_WITH] = fields


def read_with(record: BaseModel) -> str | None:
    """The ``fields=`` a record was read with (``mark_read_with``), or None: read whole, or not read."""
    private = getattr(record, "__pydantic_private__", None)
    return None if private is None else private.get(_READ_WITH)


@functools.cache
def _names_by_wire_name(cls: type[BaseModel]) -> dict[str, str]:
    """Each wire name of a field of ``cls`` that is not its Python name (``class``, ``orderBy``) -> that name."""
    return {
        alias: name
        for name, info in cls.__pydantic_fields__.items()
        for alias in (info.validation_alias, info.serialization_alias)
        if isinstance(alias, str) and alias != name
    }


def updates_by_name(model: BaseModel, update: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A ``model_copy`` ``update`` keyed by field names, as pydantic's copy takes it: a wire name (``class``,
    ``orderBy``) went to the extra fields (sent beside the field's, unvalidated) or was dropped. A key naming no
    field is refused unless the model keeps unknown fields, as building it would."""
    if not update:
        return update
    cls = type(model)
    wire_names = _names_by_wire_name(cls)
    renamed = {wire_names.get(key, key): value for key, value in update.items()}
    if cls.model_config.get("extra") != "allow":
        unknown = [key for key in renamed if key not in cls.__pydantic_fields__]
        if unknown:
            raise ValueError(f"{cls.__name__}.model_copy(update=...): no field named {', '.join(map(repr, unknown))}")
    return renamed


def not_a_bool(number: type[int | float]) -> BeforeValidator:
    """A validator refusing True and False for an int or float field, which pydantic's lax int and float take as 1
    and 0: a flag given for a score would be stored as a score, ``offset=True`` skipped the first record."""
    error_type, expected = ("int_type", "integer") if number is int else ("float_type", "number")

    def refuse_bool(value: Any) -> Any:
        if value is True or value is False:
            raise PydanticCustomError(error_type, f"Input should be a valid {expected}, not a boolean")
        return value

    return BeforeValidator(refuse_bool)


def metadata_as_sent(value: Any) -> Any:
    """``value`` with each Decimal inside (dicts and lists) a JSON number (``json_number``: an integral one an int),
    where pydantic writes a Decimal in an ``Any`` as a string, and each ``datetime`` written as a body's date fields
    are (``iso_datetime``: a naive one as UTC, with its ``Z``; pydantic wrote it with no offset), as the dict path
    sends them. A dict or list inside itself raises a ValueError (it recursed until a RecursionError); the request
    names where (``unencodable_text``)."""
    return None if value is None else _as_sent(value, set())


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _as_sent(value: Any, on_path: set[int]) -> Any:
    # (on_path: the ids of the dicts and lists ``value`` is inside. A plain value inside is taken without a call,
    # which pays for the guard: CPU per metadata, before -> after, flat 10 numbers 3.8 -> 2.4 us, 3 keys 1.4 -> 1.3,
    # 4 keys holding 5 dicts and lists 5.2 -> 5.9, 20 dicts holding a Decimal each 40 -> 43.)
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime):
        return iso_datetime(value)
    if not isinstance(value, (dict, list, tuple)):
        return value
    key = id(value)
    if key in on_path:
        raise ValueError("circular reference")
    on_path.add(key)
    converted: Any
    if isinstance(value, dict):
        converted = {
            _encodable(k): item if type(item) in _PLAIN else _as_sent(item, on_path) for k, item in value.items()
        }
    else:
        converted = [item if type(item) in _PLAIN else _as_sent(item, on_path) for item in value]
    on_path.remove(key)
    return converted


def _encodable(key: Any) -> Any:
    # pydantic writes a lone surrogate in a key of metadata itself as three U+FFFD (the key stored so, not the one
    # given; one nested deeper raises), and a key that is not text as text ({2: .., "2": ..} sent as two "2": one
    # lost; None as "None"): raised here, the request names the key and nothing is sent.
    if not isinstance(key, str):
        raise ValueError("key not a string")
    key.encode()
    return key


# Converted only when serialized to JSON: reading an answer costs nothing more. The dict path (``models._dicts``)
# drops this serializer: its JSON values hold floats already.
Metadata = Annotated[
    dict[str, Any] | None,
    PlainSerializer(metadata_as_sent, return_type=dict[str, Any] | None, when_used="json"),
]
"""A record's ``metadata``: any JSON object (the keys a record's ``KeyShapes`` name: of their shape, on the server)."""


class ResponseModel(TimebackModel):
    """A whole response body, which also tells how the call went: ``request_id`` and ``retries_taken``.

    Those two are not wire fields: they are not dumped, and a record read from JSON has the defaults.
    """

    _request_id: str | None = PrivateAttr(default=None)
    _retries_taken: int = PrivateAttr(default=0)

    @property
    def request_id(self) -> str | None:
        """The server's ``X-Request-Id`` for the call that returned this, to quote to support."""
        return self._request_id

    @property
    def retries_taken(self) -> int:
        """How many times the call was retried (408, 429, 500, 502, 503, 504, connection errors, timeouts) before this
        answer."""
        return self._retries_taken


def _iso_from_objects(value: Any) -> str:
    # Callers may pass date/datetime objects; the wire and the models hold ISO 8601 strings, as sent.
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    raise PydanticKnownError("string_type")


class _IsoFromObjects:
    """A string, or a date/datetime converted to one. Strings (and all JSON input) are checked by pydantic-core
    alone; only a date/datetime object reaches the Python conversion. Anything else fails as a non-string."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        as_string = handler(source)
        objects = core_schema.no_info_plain_validator_function(_iso_from_objects)
        return core_schema.json_or_python_schema(
            json_schema=as_string,
            python_schema=core_schema.union_schema(
                [as_string, objects], mode="left_to_right", custom_error_type="string_type"
            ),
            serialization=core_schema.simple_ser_schema("str"),
        )


# A date-time's offset as Python reads one (``-05``, ``+0530``, ``+05:30:15.5``...), its minutes and seconds
_OFFSET = re.compile(r"[+-]\d{2}(?::?(\d{2})(?::?(\d{2})(?:\.\d+)?)?)?\Z")


def parse_date_or_datetime(value: str) -> datetime:
    """Parse an ISO 8601 date (``2024-01-15``) or date-time; naive values are taken as UTC.

    ValueError also for an offset whose minutes or seconds pass 59 (Python reads ``+00:60`` as ``+01:00``), and for
    a moment outside years 1-9999 in UTC (``9999-12-31T23:59:59-05:00``): Python cannot take it to UTC, nor SQLite's
    ``julianday()`` past 9999 (NULL: no date filter would match it and it would sort as dateless).
    """
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    if "T" not in value and " " not in value:
        raise ValueError("expected an ISO 8601 date or date-time")
    if value[-1] != "Z":  # (checked first: Python's own refusal of +23:60 speaks of a timedelta)
        offset = _OFFSET.search(value, 10)
        if offset is not None and max(offset.group(1) or "", offset.group(2) or "") > "59":
            raise ValueError("an offset's minutes and seconds go up to 59")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.tzinfo is UTC:  # (Z or +00:00, nearly every date sent: the check below cannot fail)
        return parsed
    if parsed.year in (1, 9999):  # (only there can an offset take the moment out of range)
        try:
            parsed.astimezone(UTC)
        except OverflowError:
            raise ValueError("outside years 1-9999 in UTC") from None
    return parsed


# T and Z uppercase, as ISO 8601 has them (RFC 3339 allows t and z): SQLite's julianday() reads no lowercase t, so
# no date filter or sort would find such a record (and parse_date_or_datetime refuses both).
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))?")


def is_rfc3339_date_or_datetime(value: str) -> bool:
    """A full-date or a date-time of RFC 3339 (what OpenAPI's ``date``/``date-time`` formats mean), T and Z
    uppercase, and a real one."""
    if not _RFC3339.fullmatch(value):
        return False
    try:
        parse_date_or_datetime(value)
    except ValueError:
        return False
    return True


class _Marker:
    """Annotated metadata that pydantic ignores and ``strict_problems`` reads."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ISO_DATE = _Marker("ISO_DATE")

DateOrDateTime = Annotated[
    str,
    _IsoFromObjects(),
    ISO_DATE,
    WithJsonSchema({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]
"""An ISO 8601 date or date-time, kept as the string sent; date/datetime objects are accepted and converted."""

ISO_DAY = _Marker("ISO_DAY")

Day = Annotated[str, _IsoFromObjects(), ISO_DAY, WithJsonSchema({"type": "string", "format": "date"})]
"""An ISO 8601 date alone (a birth date: both specs' ``date``, Timeback's ``YYYY-MM-DD`` pattern), kept as the
string sent; a date object is accepted and converted. The server refuses a date-time there (``strict_problems``)."""

E = TypeVar("E", bound=Enum)
Known = Annotated[E, _Marker("KNOWN_MEMBER")]
"""An open enum value that strict validation requires to be a declared member."""


class KeyShapes(_Marker):
    """A ``metadata`` field's keys that Timeback's writes give a shape, as JSON Schema (its document's, as written
    there); every other key stays open. Like ``Known``, only strict validation (the server's ``strict_problems``)
    checks them, and only the keys present: the SDK's models keep taking and sending any JSON, so a shape Timeback
    widens never breaks an installed SDK, and building or reading a record pays nothing. The request schema (the
    server's OpenAPI document) shows them."""

    def __init__(self, name: str, shapes: dict[str, Any]) -> None:
        super().__init__(name)
        self.shapes = shapes

    def problems(self, metadata: Any, loc: Location) -> list[tuple[Location, str]]:
        if type(metadata) is not dict:
            return []
        return [problem for key, shape in self.shapes.items() if key in metadata
                for problem in json_shape_problems(metadata[key], shape, (*loc, key))]  # fmt: skip

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        if handler.mode == "validation":
            for branch in (json_schema, *json_schema.get("anyOf", ())):
                if branch.get("type") == "object":
                    branch["properties"] = copy.deepcopy(self.shapes)
        return json_schema


_JSON_TYPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    # (worded as pydantic's errors are: "Input should be a valid number")
    "object": ("an object", lambda v: type(v) is dict),
    "array": ("a valid array", lambda v: type(v) is list),
    "string": ("a valid string", lambda v: type(v) is str),
    "number": ("a valid number", lambda v: type(v) in (int, float)),
    "boolean": ("a valid boolean", lambda v: type(v) is bool),
    "null": ("null", lambda v: v is None),
}


def json_shape_problems(value: Any, shape: dict[str, Any], loc: Location) -> list[tuple[Location, str]]:
    """Where JSON ``value`` (at ``loc``) departs from ``shape``, as (location, message): the part of JSON Schema
    ``KeyShapes`` uses (``type``, ``enum``, ``const``, ``properties``, ``required``, ``additionalProperties``,
    ``items``, ``oneOf``)."""
    if "oneOf" in shape:
        # A branch whose ``const`` property the value contradicts (another ``state``) cannot match: only the others
        # are walked (a user's onboarding entries each walked all three), all when none is left, to name the choices.
        branches = shape["oneOf"]
        if type(value) is dict:
            branches = [branch for branch in branches if _consts_agree(value, branch)] or branches
        found = [json_shape_problems(value, branch, loc) for branch in branches]
        if sum(not problems for problems in found) == 1:
            return []
        fewest = min(map(len, found))  # (the branches it came nearest to, which the 422 joins with "or")
        return [problem for problems in found if len(problems) == fewest for problem in problems] or [
            (loc, "matches more than one of its shapes")
        ]
    types = shape.get("type", ())
    types = [types] if isinstance(types, str) else types
    if types and not any(_JSON_TYPES[kind][1](value) for kind in types):
        return [(loc, "Input should be " + " or ".join(_JSON_TYPES[kind][0] for kind in types))]
    if "const" in shape and value != shape["const"]:
        return [(loc, f"must be {shape['const']!r}")]
    if "enum" in shape and value not in shape["enum"]:
        return [(loc, f"{value!r} is not one of {', '.join(map(repr, shape['enum']))}")]
    problems: list[tuple[Location, str]] = []
    if type(value) is dict:
        problems += [((*loc, key), "Field required") for key in shape.get("required", ()) if key not in value]
        properties, others = shape.get("properties", {}), shape.get("additionalProperties", True)
        for key, item in value.items():
            item_shape = properties.get(key, others)
            if item_shape is False:
                problems.append(((*loc, key), "unknown field"))
            elif isinstance(item_shape, dict):
                problems += json_shape_problems(item, item_shape, (*loc, key))
    elif type(value) is list and "items" in shape:
        for index, item in enumerate(value):
            problems += json_shape_problems(item, shape["items"], (*loc, index))
    return problems


def _consts_agree(value: dict[str, Any], shape: dict[str, Any]) -> bool:
    """False if ``value`` holds a property that ``shape`` fixes (``const``) at another value."""
    for key, item in shape.get("properties", {}).items():
        if "const" in item and key in value and value[key] != item["const"]:
            return False
    return True


# Set while the local server writes its OpenAPI document: its answers leave such a field out rather than null
# (``leave_out_nulls``), as Timeback's document types it. A model's own schema keeps the null its ``model_dump()``
# writes: an app answering with one (FastAPI's ``response_model=TimebackResult``) published a schema its answers
# broke ("inProgress": null, typed a string alone).
ANSWERS_LEAVE_OUT_NULLS: contextvars.ContextVar[bool] = contextvars.ContextVar("answers_leave_out_nulls", default=False)


class _NullIsAbsent(_Marker):
    """``NullIsAbsent``'s marker: the local server's answers' JSON schema (serialization mode, under
    ``ANSWERS_LEAVE_OUT_NULLS``) has no null."""

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        if handler.mode == "serialization" and ANSWERS_LEAVE_OUT_NULLS.get():
            kept = [branch for branch in json_schema.get("anyOf", ()) if branch != {"type": "null"}]
            if len(kept) == 1:
                json_schema = {**{k: v for k, v in json_schema.items() if k != "anyOf"}, **kept[0]}
        return json_schema


NULL_IS_ABSENT = _NullIsAbsent("NULL_IS_ABSENT")


def _no_null_default_without_null(json_schema: JsonSchemaValue) -> None:
    """Drops the field's default None where the marker took null out of its type (the answer's schema), which
    pydantic adds around the marker's schema: a default the type refuses makes the OpenAPI document invalid."""
    if "anyOf" not in json_schema and json_schema.get("default", ...) is None:
        del json_schema["default"]


T = TypeVar("T")
NullIsAbsent = Annotated[T | None, NULL_IS_ABSENT, Field(json_schema_extra=_no_null_default_without_null)]
"""An optional field that Timeback's document (and 1EdTech's) types without null: the server takes null as the
field left out (``leave_out_nulls``), so no answer holds it. Read, null still parses (None either way)."""

Location = tuple[str | int, ...]


def strict_problems(model: BaseModel) -> list[tuple[Location, str]]:
    """What strict validation checks beyond pydantic-core: open enums hold declared members, dates parse.

    Kept out of the models' validators on purpose: a Python hook per field would be paid on every record the SDK
    builds or parses, while only the server needs these checks (after ``STRICT_VALIDATION``).
    """
    problems: list[tuple[Location, str]] = []
    _check(model, (), problems)
    return problems


def dicts_plainly_clean(cls: type[BaseModel], dicts: list[dict[str, Any]]) -> bool:
    """``strict_problems``' first pass for the dict path's output (``models._dicts``): True only if it would find
    nothing in these dicts validated as ``cls``. There, a declared enum member is a plain string and an undeclared
    one an Enum, so any Enum is a problem; dates are checked as on models. False means "not sure": the caller
    validates through the model, which finds the exact problems. Field by field across a batch's records, each
    distinct date text once, values told apart by the set of their exact types (C loops, not one isinstance call
    each): a batch's thousands of records made that the cost."""
    for name, wire_name, leaf in _field_plan(cls):
        found = [item for item in [d.get(wire_name) for d in dicts] if item is not None]
        if not found:
            continue
        if isinstance(leaf, KeyShapes):
            if any(leaf.problems(item, ()) for item in found):
                return False
            continue
        kinds = set(map(type, found))
        if leaf is ISO_DATE or leaf is ISO_DAY:
            if kinds != {str} or not all(map(is_rfc3339_date_or_datetime, set(found))):
                return False
            if leaf is ISO_DAY and any(len(item) != 10 for item in found):
                return False
            continue
        if list in kinds:
            found = _opened(found)
            kinds = set(map(type, found))
        if not kinds <= _PLAIN_JSON:  # an Enum (an undeclared member) or anything unforeseen
            return False
        if dict in kinds:
            child = _single_model(cls, name)
            if child is None or not dicts_plainly_clean(child, [item for item in found if type(item) is dict]):
                return False
    return True


_PLAIN_JSON = frozenset({str, int, float, bool, dict, type(None)})


def _opened(values: list[Any]) -> list[Any]:
    """The values with every list (at any depth) replaced by its items."""
    opened: list[Any] = []
    for value in values:
        if type(value) is list:
            opened.extend(_opened(value))
        else:
            opened.append(value)
    return opened


_SINGLE_MODELS: dict[tuple[type[BaseModel], str], type[BaseModel] | None] = {}


def _single_model(cls: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The one model class field ``name`` can hold (``Ref | None``, ``list[Ref]``...), or None if none or several."""
    key = (cls, name)
    if key not in _SINGLE_MODELS:
        _SINGLE_MODELS[key] = _only_model(cls.__pydantic_fields__[name].annotation)
    return _SINGLE_MODELS[key]


def _only_model(annotation: Any) -> type[BaseModel] | None:
    found: set[type[BaseModel]] = set()
    pending = [annotation]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            found.add(item)
        else:
            pending.extend(get_args(item))
    return found.pop() if len(found) == 1 else None


def strict_problems_of_parts(
    cls: type[BaseModel], data: Any, failed: ValidationError | None = None
) -> list[tuple[Location, str]]:
    """``strict_problems`` of JSON ``data`` that pydantic refuses as ``cls`` (``failed``, else found here), in the
    parts it does not: each field with no error of its own validated alone, a model or list of models with errors
    inside looked into, and the rules of a model whose fields failed (``rule_problems``: its model validator did not
    run). For one answer naming every problem; the server's failure path only."""
    if failed is None:
        try:
            return strict_problems(cls.model_validate_json(json.dumps(data), **STRICT_VALIDATION))
        except ValidationError as exc:
            failed = exc
    if not isinstance(data, dict):
        return []
    errors = failed.errors(include_url=False, include_input=False)
    refused = {error["loc"][0] for error in errors if error["loc"]}
    problems: list[tuple[Location, str]] = []
    rules = getattr(cls, "rule_problems", None)
    if rules is not None and all(error["loc"] for error in errors):  # (an error of the whole: the validator ran)
        problems += [((), message) for message in rules(data)]
    for name, wire_name, leaf in _field_plan(cls):
        item = data.get(wire_name)
        if item is None:
            continue
        if wire_name not in refused:
            try:
                value = _field_adapter(cls, name).validate_json(json.dumps(item), strict=True, context=STRICT)
            except ValidationError:  # (it passed as part of the record: not expected alone either)
                continue
            if leaf is not None:
                _leaf_problems(leaf, value, (wire_name,), problems)
            else:
                _check(value, (wire_name,), problems)
            continue
        child = _single_model(cls, name)
        if child is None:
            continue
        if isinstance(item, dict):
            parts: list[tuple[Location, Any]] = [((wire_name,), item)]
        else:
            parts = [((wire_name, index), part) for index, part in enumerate(item)] if type(item) is list else []
        for where, part in parts:
            problems += [((*where, *at), message) for at, message in strict_problems_of_parts(child, part)]
    return problems


@functools.cache
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = cls.__pydantic_fields__[name]  # (pydantic moved the field's Annotated metadata, constraints too, here)
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(annotation)


def _not_a_date(value: str) -> str:
    # Well-formed, the date itself may not exist (2024-02-30): said so, with why (a format error misled). An offset
    # of 24 hours or more is the format's own limit, said below (Python's reason speaks of timedelta).
    if _RFC3339.fullmatch(value) and not (len(value) > 10 and value[-6] in "+-" and value[-5:-3] > "23"):
        try:
            parse_date_or_datetime(value)
        except ValueError as exc:
            return f"{value!r} is not a real {'date' if len(value) == 10 else 'date-time'} ({exc})"
    return (f"{value!r} is not a date or an RFC 3339 date-time (YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss with up to 9 "
            "digits of a second's fraction and Z or an offset up to ±23:59, T and Z uppercase, within years 1-9999 in "
            "UTC)")  # fmt: skip


def _check(value: Any, loc: Location, problems: list[tuple[Location, str]]) -> None:
    if isinstance(value, BaseModel):
        fields = value.__dict__
        for name, wire_name, leaf in _field_plan(type(value)):
            item = fields.get(name)
            if item is None:
                continue
            if leaf is not None:
                _leaf_problems(leaf, item, (*loc, wire_name), problems)
            else:
                _check(item, (*loc, wire_name), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, (*loc, index), problems)
    elif isinstance(value, Enum) and value.value not in type(value)._value2member_map_:
        allowed = ", ".join(repr(m.value) for m in type(value))
        problems.append((loc, f"{value.value!r} is not one of {allowed}"))


def _leaf_problems(leaf: _Marker, value: Any, loc: Location, problems: list[tuple[Location, str]]) -> None:
    """The check of a field that ``_field_plan`` gives a leaf: an ISO date's, or a metadata's ``KeyShapes``."""
    if isinstance(leaf, KeyShapes):
        problems += leaf.problems(value, loc)
    elif isinstance(value, str) and not is_rfc3339_date_or_datetime(value):
        problems.append((loc, _not_a_date(value)))
    elif leaf is ISO_DAY and isinstance(value, str) and len(value) != 10:
        problems.append((loc, f"{value!r} is a date-time: a date alone is taken here (YYYY-MM-DD, {value[:10]!r})"))


_FieldPlan = list[tuple[str, str, _Marker | None]]
_FIELD_PLANS: dict[type[BaseModel], _FieldPlan] = {}


def _field_plan(cls: type[BaseModel], visiting: frozenset[type[BaseModel]] = frozenset()) -> _FieldPlan:
    """(field name, wire name, leaf) for the fields of ``cls`` that can hold something to check: a date (leaf
    ``ISO_DATE``), a metadata with ``KeyShapes`` (that leaf), an enum, or a model or list that can (leaf None;
    ``_planned``: once per class, so a reference model costs one lookup)."""

    def entries(inside: frozenset[type[BaseModel]]) -> _FieldPlan:
        plan: _FieldPlan = []
        for name, info in cls.__pydantic_fields__.items():
            # pydantic moves a field's own Annotated metadata to info.metadata; a nested one stays in the type
            leaf = _date_marker(info) or next((m for m in info.metadata if isinstance(m, KeyShapes)), None)
            if leaf is not None or _may_hold_checks(info.annotation, inside):
                plan.append((name, info.serialization_alias or name, leaf))
        return plan

    return _planned(_FIELD_PLANS, cls, visiting, entries)


PlanT = TypeVar("PlanT")


def _planned(
    cache: dict[type[BaseModel], list[PlanT]],
    cls: type[BaseModel],
    visiting: frozenset[type[BaseModel]],
    entries: Callable[[frozenset[type[BaseModel]]], list[PlanT]],
) -> list[PlanT]:
    """``cls``'s plan from ``cache``, else ``entries(visiting | {cls})`` stored there: worked out once per class and
    stored only once whole (a placeholder in the shared cache was seen by another thread as "nothing to check"), a
    model that refers to itself stopping at ``visiting``."""
    plan = cache.get(cls)
    if plan is not None:
        return plan
    if cls in visiting:
        return []
    plan = entries(visiting | {cls})
    cache[cls] = plan
    return plan


def holds_bool_for_number(model: BaseModel) -> bool:
    """Whether ``model``, or a model it holds, has a bool in a number field: set there after it was built (models
    do not validate assignment, nor a copy its updates), which pydantic's JSON dump writes as 1.0/0.0 without a
    warning where validation refuses it (``gradebook.Number``). Only asked of what is sent: building and parsing
    models pay nothing for it."""
    return _bool_for_number_in((model,))


def _bool_for_number_in(values: Iterable[Any]) -> bool:
    """``holds_bool_for_number`` of the models among ``values`` (a field's model, or its list's items): a list's
    checks looked up once per run of one class, not per item (a 100-result batch walked its results at 0.5 us
    each, most of the models path's own work)."""
    last: type | None = None
    plan: list[tuple[str, bool]] = []
    for value in values:
        if type(value) is not last:
            if not isinstance(value, BaseModel):
                continue
            last = type(value)
            plan = _number_plan(last)
        fields = value.__dict__
        for name, is_number in plan:
            held = fields.get(name)
            if is_number:
                if held is True or held is False:
                    return True
            elif held is not None and _bool_for_number_in(held if isinstance(held, list) else (held,)):
                return True
    return False


_NUMBER_PLANS: dict[type[BaseModel], list[tuple[str, bool]]] = {}


def _number_plan(cls: type[BaseModel], visiting: frozenset[type[BaseModel]] = frozenset()) -> list[tuple[str, bool]]:
    """(field name, is a number) for the fields of ``cls`` typed float without bool, and those holding models that
    have some (``_planned``)."""

    def entries(inside: frozenset[type[BaseModel]]) -> list[tuple[str, bool]]:
        plan = []
        for name, info in cls.__pydantic_fields__.items():
            types = _types_in(info.annotation)
            if float in types and bool not in types:
                plan.append((name, True))
            elif any(issubclass(t, BaseModel) and _number_plan(t, inside) for t in types):
                plan.append((name, False))
        return plan

    return _planned(_NUMBER_PLANS, cls, visiting, entries)


def _types_in(annotation: Any) -> set[type]:
    if isinstance(annotation, type) and get_origin(annotation) is None:  # (not list[X])
        return {annotation}
    return set().union(*map(_types_in, get_args(annotation)))


def date_fields(cls: type[BaseModel]) -> frozenset[str]:
    """The wire names of the ISO date fields of ``cls`` and of the models it holds (``scoreDate``; a user's roles'
    ``beginDate``...): where a server may write a date-time sent otherwise, as the same instant."""
    return _wire_names(cls, _DATE_FIELDS, _is_date_field)


def reference_fields(cls: type[BaseModel]) -> frozenset[str]:
    """The wire names of the reference fields (a ``TimebackSourcedIdReference``, or a list of them) of ``cls`` and
    of the models it holds (a user's roles' ``org``): where a server may answer a reference with fields added. Not
    ``metadata`` or other free JSON, whose objects are the caller's own, ``sourcedId`` or not."""
    return _wire_names(cls, _REFERENCE_FIELDS, _is_reference_field)


_DATE_FIELDS: dict[type[BaseModel], frozenset[str]] = {}
_REFERENCE_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


def _is_date_field(info: Any) -> bool:
    return _date_marker(info) is not None


def _date_marker(info: Any) -> _Marker | None:
    """``ISO_DATE`` for a field of dates or date-times, ``ISO_DAY`` for one of dates alone, else None."""
    # pydantic moves a field's own Annotated metadata to info.metadata; a nested one stays in the type
    for marker in (ISO_DATE, ISO_DAY):
        if marker in info.metadata or _has_marker(info.annotation, marker):
            return marker
    return None


def _is_reference_field(info: Any) -> bool:
    from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference

    return any(issubclass(model, TimebackSourcedIdReference) for model in _models_in(info.annotation))


def _wire_names(
    cls: type[BaseModel],
    cache: dict[type[BaseModel], frozenset[str]],
    of_kind: Callable[[Any], bool],
    visiting: frozenset[type[BaseModel]] = frozenset(),
) -> frozenset[str]:
    """The wire names of the fields of ``cls``, and of the models it holds, that ``of_kind`` takes (given a field's
    ``FieldInfo``). Stored once whole, for the class asked (a model that refers to itself stops at ``visiting``)."""
    found = cache.get(cls)
    if found is not None:
        return found
    names: set[str] = set()
    for name, info in cls.__pydantic_fields__.items():
        if of_kind(info):
            names.add(info.serialization_alias or name)
            continue
        for model in _models_in(info.annotation):
            if model not in visiting and model is not cls:
                names |= _wire_names(model, cache, of_kind, visiting | {cls})
    found = frozenset(names)
    if not visiting:
        cache[cls] = found
    return found


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


def _may_hold_checks(annotation: Any, visiting: frozenset[type[BaseModel]] = frozenset()) -> bool:
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return True
        if issubclass(annotation, BaseModel):
            return bool(_field_plan(annotation, visiting))
        return False
    return any(_may_hold_checks(arg, visiting) for arg in get_args(annotation))


_NullPlan = tuple[tuple[str, Any], ...]


@functools.cache
def nulls_left_out(cls: type[BaseModel], visiting: frozenset[type[BaseModel]] = frozenset()) -> _NullPlan:
    """Where a record of ``cls`` may hold a null that means left out: (wire name, None) for a ``NullIsAbsent``
    field, (wire name, the plan of its model) for a field holding models (or lists of them) that have some."""
    plan: list[tuple[str, Any]] = []
    for name, info in cls.__pydantic_fields__.items():
        wire_name = info.serialization_alias or name
        if NULL_IS_ABSENT in info.metadata:
            plan.append((wire_name, None))
        elif (child := _only_model(info.annotation)) is not None and child not in visiting:
            if inner := nulls_left_out(child, visiting | {cls}):
                plan.append((wire_name, inner))
    return tuple(plan)


def leave_out_nulls(record: dict[str, Any], plan: _NullPlan) -> None:
    """Drop from a JSON ``record`` (in place) each null that ``plan`` (``nulls_left_out``) says means left out."""
    for key, inner in plan:
        value = record.get(key)
        if inner is None:
            if value is None:
                record.pop(key, None)
        else:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    leave_out_nulls(item, inner)


def _has_marker(annotation: Any, marker: _Marker) -> bool:
    if get_origin(annotation) is Annotated:
        return marker in annotation.__metadata__ or _has_marker(get_args(annotation)[0], marker)
    return any(_has_marker(arg, marker) for arg in get_args(annotation))
