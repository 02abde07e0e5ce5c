"""The validated-dict path: request bodies given as dicts are validated into plain dicts, not models.

A request model's core schema is copied with every model turned into a typed dict with the same fields,
constraints, aliases, defaults and handling of unknown fields. Validating a caller's dicts with it checks exactly
what the model would, in pydantic-core alone, and gives the JSON-ready dicts sent on the wire (keyed by wire
name, unset optional fields left out, the defaults a model would send filled in); ``pydantic_core.to_json``
serializes them. No model object is built per record, and no Python hook runs per record.

Only operations whose request schema holds nothing but what a typed dict can express take this path (no model
validator, no custom ``__init__``, no Python validator that sees a model); the others keep the model path.
When dict validation fails, the caller's input is validated again through the model, whose error (or, for input
the dict schema cannot take, such as model instances nested in dicts, whose model) is the answer: errors stay
exactly those of the model path.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import pydantic
from pydantic_core import SchemaValidator, core_schema, from_json, to_json, to_jsonable_python

from timeback._dates import iso_datetime

__all__ = [
    "EncodedItems",
    "NestedTooDeeply",
    "ValidatedRequest",
    "applied_before_the_dict_path",
    "dict_validator",
    "json_number",
    "unencodable_text",
    "validated_dict",
]


_F = TypeVar("_F", bound=Callable[..., Any])


class ValidatedRequest(dict[str, Any]):
    """A request validated on the dict path: path parameters by name, the body under its wire name."""

    __slots__ = ()

    def body_json(self, key: str) -> bytes:
        """The JSON body ``{key: value}``, its value as validated (or as already encoded: ``EncodedItems``)."""
        body = self[key]
        if isinstance(body, EncodedItems):
            return body.to_json(b"{" + to_json(key) + b":", b"}")
        return to_json({key: body})

    def body_values(self, key: str) -> Any:
        """The body's value as JSON values (dicts, lists, strings...), what the server is sent."""
        body = self[key]
        return body.decoded() if isinstance(body, EncodedItems) else to_jsonable_python(body)


class EncodedItems(list[bytes]):
    """A body's array as the JSON text of each item, validated already (``bulk_post_results`` encodes each result
    as it takes it: bytes are nothing for the garbage collector to scan, where the dicts of the batches waiting
    and in flight were promoted to its oldest generation and set off full collections, a fifth of the client's
    CPU in a bulk upload)."""

    __slots__ = ()

    def to_json(self, before: bytes = b"", after: bytes = b"") -> bytes:
        """``before``, the JSON array, ``after``: one copy of the items (a body of 1,000 results is 300 KB)."""
        if not self:
            return before + b"[]" + after
        parts = list(self)
        parts[0] = before + b"[" + parts[0]
        parts[-1] = parts[-1] + b"]" + after
        return b",".join(parts)

    def decoded(self) -> list[Any]:
        items: list[Any] = from_json(self.to_json())  # (one parse of the whole array: a third of json.loads each)
        return items


def read_json(content: bytes) -> Any:
    """``content``'s JSON value, as pydantic-core reads it; where it refuses a lone surrogate escape (``"\\ud83d"``:
    what Node's JSON.stringify writes for a string cut inside an emoji, which RFC 8259's grammar allows), as
    ``json.loads`` reads it, each lone surrogate then U+FFFD, so that the value can be written as JSON again.
    pydantic-core's ``ValueError`` for any other refusal, or if ``json.loads`` refuses it too; ``NestedTooDeeply``
    past pydantic-core's nesting limit, which it would have refused had the text held no lone surrogate. (Only
    after pydantic-core failed: no cost otherwise.)"""
    try:
        return from_json(content)
    except ValueError as refused:
        if not _LONE_SURROGATE_REFUSED.match(str(refused)):
            raise
        try:
            value = json.loads(content)
        except RecursionError:  # (nested deeper than the decoder goes: past the limit below too)
            raise NestedTooDeeply from None
        except ValueError:
            raise refused from None
        return _without_lone_surrogates(value, 1)


class NestedTooDeeply(ValueError):
    """JSON text nested past what pydantic-core reads (``MAX_JSON_DEPTH``), read by ``read_json``'s fallback."""

    def __init__(self) -> None:
        super().__init__(f"recursion limit exceeded (nested more than {MAX_JSON_DEPTH} levels)")


def ends_mid_value(refusal: str) -> bool:
    """Whether pydantic-core's refusal of a JSON text says it ended mid-value ("EOF while parsing a list
    at line 1 column 23000"): cut short, or empty; not text that is no JSON at all (a web page)."""
    return "EOF while parsing" in refusal


def lone_surrogate_refused(error: pydantic.ValidationError) -> bool:
    """Whether pydantic refused the JSON text itself (``validate_json``) for a lone surrogate escape, which
    ``read_json`` reads."""
    if error.error_count() != 1:
        return False
    (detail,) = error.errors(include_url=False)
    return detail["type"] == "json_invalid" and bool(_LONE_SURROGATE_REFUSED.match(str(detail["ctx"]["error"])))


# pydantic-core's words for a lone surrogate escape, and only those: what else it refuses json.loads may read but
# pydantic-core could not write again (nesting past its limit: a record that could not be sent back).
_LONE_SURROGATE_REFUSED = re.compile(r"(unexpected end of hex escape|lone leading surrogate in hex escape) at line ")


def _without_lone_surrogates(value: Any, level: int) -> Any:
    # (``level``: ``value``'s, the whole text's 1. pydantic-core refuses a value, a scalar too, past the limit: 201
    # lists, the innermost empty, are read, and 200 holding a number; 201 holding one are not)
    if level > MAX_JSON_DEPTH:
        raise NestedTooDeeply
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item, level + 1) for item in value]
    if isinstance(value, dict):
        return {_LONE_SURROGATE.sub("\ufffd", k): _without_lone_surrogates(v, level + 1) for k, v in value.items()}
    return value


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # (json.loads joins the pairs: any left is alone)


def unencodable_text(value: Any, form: str = "UTF-8 JSON", *, text_keys: bool = True) -> str | None:
    """Where ``value`` holds text with no UTF-8 JSON form (a lone surrogate, bytes that are not UTF-8), a dict keyed by
    something not text (which to_json writes as text; with ``text_keys``, as for the SDK's bodies' metadata, not yet
    their unknown fields: httpx's json.dumps writes ``request()``'s json and params keyed so, as it was asked), a dict,
    list or model inside itself (``"category.metadata.a.self: circular reference"``), or one nested more than
    ``MAX_JSON_DEPTH`` levels (``value`` the first), as "where: what", or None. Only asked once encoding failed:
    pydantic's error names neither the field nor the value, nor httpx's the query parameter (``form``: what it could not
    be encoded as)."""
    found = _unencodable(value, (), set(), text_keys)
    if found is None:
        return None
    path, error = found
    if error is _TOO_DEEP:  # (named down to the field and a few keys in, not 200 of them)
        path = (*path[:6], "..") if len(path) > 6 else path
    where = ".".join(map(str, path)) or "value"
    if isinstance(error, str):
        return f"{where}: {error}"
    if error is None:
        return f"{where}: circular reference"
    bad = error.object[error.start : error.end]
    return f"{where}: cannot be encoded as {form} ({error.reason}: {bad!r} at position {error.start})"


# pydantic-core reads JSON nested at most 201 levels (an answer, and the local server's request bodies), and writes
# it at most about 255: the walk below stops here, where ``to_json``'s own error named nothing (past Python's
# recursion limit, so did the walk: a bare RecursionError).
MAX_JSON_DEPTH = 201
_TOO_DEEP = f"nested too deeply (more than {MAX_JSON_DEPTH} levels: JSON deeper than that cannot be read back)"


def _unencodable(
    value: Any, path: tuple[Any, ...], on_path: set[int], text_keys: bool
) -> tuple[tuple[Any, ...], UnicodeEncodeError | UnicodeDecodeError | str | None] | None:
    """Where the first unencodable text is, and its error; the first container inside itself, and None; or the first
    nested past ``MAX_JSON_DEPTH``, and why. ``on_path``: the ids of the containers ``value`` is inside."""
    try:
        if isinstance(value, str):
            value.encode()
        elif isinstance(value, (bytes, bytearray)):
            value.decode()
    except (UnicodeEncodeError, UnicodeDecodeError) as error:
        return path, error
    items: Any
    if isinstance(value, pydantic.BaseModel):
        items = _fields_as_sent(value).items()
    elif isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    if id(value) in on_path:
        return path, None
    if len(on_path) >= MAX_JSON_DEPTH:
        return path, _TOO_DEEP
    on_path.add(id(value))
    for key, item in items:
        if text_keys and isinstance(value, Mapping) and not isinstance(key, str):
            # (to_json writes it as text: {2: .., "2": ..} as two "2", one of them lost; None as "None")
            return path, f"a key that is not a string: {reprlib.repr(key)} (JSON object keys are strings)"
        key_text = key.encode(errors="backslashreplace").decode() if isinstance(key, str) else key
        where = (*path, key_text)
        found = _unencodable(key, where, on_path, text_keys) or _unencodable(item, where, on_path, text_keys)
        if found is not None:
            return found
    on_path.discard(id(value))
    return None


def _fields_as_sent(model: pydantic.BaseModel) -> dict[str, Any]:
    """A model's set fields by wire name, in order, then its unknown ones kept, their values as they are. (A dump
    copies each dict and list down to the first it met already: a walk of it found a dict inside itself a step
    late, ``metadata.a.self.self``.)"""
    fields_set = model.model_fields_set
    fields = {
        info.serialization_alias or name: getattr(model, name)
        for name, info in type(model).__pydantic_fields__.items()
        if name in fields_set
    }
    return {**fields, **(model.model_extra or {})}


_APPLIED_BEFORE = "__timeback_applied_before_the_dict_path__"


def applied_before_the_dict_path(function: _F) -> _F:
    """Marks a model's before-validator that callers of the dict path apply to the dicts themselves (a record read
    turned into a body: ``records_as_bodies``): the dict path's copy of the schema leaves it out, where any other
    model validator keeps the model path."""
    setattr(function, _APPLIED_BEFORE, True)
    return function


class _Unsupported(Exception):
    """The schema holds something only a model can do."""


_VALIDATORS: dict[tuple[type[pydantic.BaseModel], bool], SchemaValidator | None] = {}


def dict_validator(model: type[pydantic.BaseModel], *, wire_names: bool = False) -> SchemaValidator | None:
    """The dict-path validator of ``model`` (built once, cached), or None when the model path must be kept.
    ``wire_names``: a field is taken by its wire name only, as a model validated with ``by_name=False`` takes it
    (the server's bodies: ``class_`` is not a wire name); else by its Python name too, as the models take it."""
    key = (model, wire_names)
    try:
        return _VALIDATORS[key]
    except KeyError:
        pass
    try:
        schema = _with_json_values(_convert(model.__pydantic_core_schema__))
        validator: SchemaValidator | None = SchemaValidator(_by_wire_name(schema) if wire_names else schema)
    except _Unsupported:
        validator = None
    _VALIDATORS[key] = validator
    return validator


def _by_wire_name(schema: Any) -> Any:
    """The schema with each typed-dict field looked up by its wire name alone (``_typed_dict``'s lookup of a field
    whose Python name differs is ``[[wire name], [Python name]]``)."""
    if isinstance(schema, list):
        return [_by_wire_name(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: value if key == "metadata" else _by_wire_name(value) for key, value in schema.items()}
    if schema.get("type") == "typed-dict-field" and isinstance(schema.get("validation_alias"), list):
        converted["validation_alias"] = schema["validation_alias"][:1]
    return converted


def validated_dict(model: type[pydantic.BaseModel], data: Any) -> dict[str, Any] | None:
    """``data`` validated on the dict path of ``model``, or None when the model path must decide: the model has no
    dict path, or the dict path refused ``data`` (the model then raises the error it always did, or takes input
    only a model can, such as model instances inside the dicts)."""
    validator = dict_validator(model)
    if validator is None:
        return None
    try:
        validated: dict[str, Any] = validator.validate_python(data)
    except pydantic.ValidationError:
        return None
    return validated


_PLAIN_SERIALIZERS = frozenset({"none", "int", "bool", "float", "str", "any"})
_FUNCTIONS = frozenset({"function-before", "function-after", "function-wrap", "function-plain"})


# What a field typed Any (``metadata``'s values) takes on the dict path: JSON values only. Anything else there (a
# model, a date) fails the dict path, and the model path serializes it as ``model_dump`` does (a model in
# ``metadata`` without its unset fields); to_json would have written every field of a model.
_JSON_VALUE = "timeback-json-value"


def _json_value() -> core_schema.CoreSchema:
    return core_schema.definition_reference_schema(_JSON_VALUE)


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: an integral one an int, every digit kept (``12345678901234567891``, ``1E+2``), any
    other a float. pydantic writes a Decimal as a string."""
    # (past 4,300 digits a float, infinite: int() of 1E+300000 took seconds to make, then could not be written; as a
    # float it is the server's 400, as any number past a float's range)
    digits = sys.get_int_max_str_digits() or math.inf  # (Python's limit on an int's digits written: 0, none)
    if value.is_finite() and value.adjusted() < digits and value == value.to_integral_value():
        return int(value)
    if value.is_nan():  # (a signaling one too, which float() refuses: sent as NaN, the server's 400 names the field)
        return math.nan
    return float(value)


_JSON_VALUE_SCHEMA = core_schema.union_schema(
    [
        core_schema.str_schema(strict=True),
        core_schema.bool_schema(strict=True),
        core_schema.int_schema(strict=True),
        # (a float only: a strict float takes anything with __float__, a Fraction or a numpy.int64, which the model
        # path writes otherwise or refuses)
        core_schema.chain_schema([core_schema.is_instance_schema(float), core_schema.float_schema(strict=True)]),
        core_schema.none_schema(),
        core_schema.list_schema(_json_value(), strict=True),
        core_schema.dict_schema(core_schema.str_schema(strict=True), _json_value(), strict=True),
        # (last: only a value no choice above takes gets here)
        core_schema.chain_schema(
            [core_schema.is_instance_schema(Decimal), core_schema.no_info_plain_validator_function(json_number)]
        ),
        core_schema.chain_schema(
            [core_schema.is_instance_schema(datetime), core_schema.no_info_plain_validator_function(iso_datetime)]
        ),
        core_schema.chain_schema(  # (after datetime, a date itself)
            [core_schema.is_instance_schema(date), core_schema.no_info_plain_validator_function(date.isoformat)]
        ),
    ],
    ref=_JSON_VALUE,
)


def _with_json_values(schema: Any) -> Any:
    if schema.get("type") == "definitions":
        return {**schema, "definitions": [*schema["definitions"], _JSON_VALUE_SCHEMA]}
    return core_schema.definitions_schema(schema, [_JSON_VALUE_SCHEMA])


def _convert(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_convert(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    if kind == "any":
        return _json_value()
    if kind == "dict" and "values_schema" not in schema:  # dict[str, Any]: values left unchecked by pydantic
        return _convert({**schema, "values_schema": _json_value()})
    if kind in ("list", "set", "frozenset") and "items_schema" not in schema:  # (a tuple's is a list: any, above)
        return _convert({**schema, "items_schema": _json_value()})
    if kind == "model":
        return _typed_dict(schema)
    if kind == "enum" and schema.get("sub_type") == "str":
        return _open_enum(schema)
    if kind == "default" and isinstance(schema.get("default"), Enum):
        return {**schema, "default": schema["default"].value, "schema": _convert(schema["schema"])}
    if kind in _FUNCTIONS and (schema["function"].get("type") == "with-info" or _holds_model(schema)):
        raise _Unsupported(kind)
    if kind in ("model-fields", "dataclass", "dataclass-args", "call", "arguments"):
        raise _Unsupported(kind)
    serialization = schema.get("serialization")
    from timeback.models._base import metadata_as_sent  # (here: the SDK's import does not load the models)

    if serialization is not None and serialization.get("function") is metadata_as_sent:
        # (metadata's: its JSON values here hold floats and date-times as sent already)
        schema = {key: value for key, value in schema.items() if key != "serialization"}
    elif serialization is not None and serialization.get("type") not in _PLAIN_SERIALIZERS:
        raise _Unsupported("custom serializer")  # (to_json would not apply it)
    return {key: value if key in ("metadata", "serialization") else _convert(value) for key, value in schema.items()}


def _open_enum(schema: dict[str, Any]) -> core_schema.CoreSchema:
    """A declared member's value comes out as the plain string (serialized with no Python call); other input goes
    to the enum's own schema (an open enum makes an unknown string a pseudo-member, which serializes as its value).
    """
    members = [member.value for member in schema["members"]]
    enum = {key: value for key, value in schema.items() if key != "ref"}
    return core_schema.union_schema(
        [core_schema.literal_schema(members), enum], mode="left_to_right", ref=schema.get("ref")
    )


def _applied_before(function: Any) -> bool:
    return getattr(getattr(function, "__func__", function), _APPLIED_BEFORE, False) is True


def _holds_model(schema: Any) -> bool:
    if isinstance(schema, list):
        return any(_holds_model(item) for item in schema)
    if isinstance(schema, dict):
        return schema.get("type") in ("model", "definition-ref") or any(
            _holds_model(value) for key, value in schema.items() if key != "metadata"
        )
    return False


def _typed_dict(schema: dict[str, Any]) -> core_schema.CoreSchema:
    cls = schema["cls"]
    inner = schema["schema"]
    while inner.get("type") == "function-before" and _applied_before(inner["function"]["function"]):
        inner = inner["schema"]
    if schema.get("custom_init") or schema.get("root_model") or inner.get("type") != "model-fields":
        raise _Unsupported(cls.__name__)  # (a model validator wraps the fields in a function)
    if inner.get("computed_fields") or inner.get("extras_schema") or inner.get("extras_keys_schema"):
        raise _Unsupported(cls.__name__)
    wire_defaults: frozenset[str] = frozenset()
    if schema.get("post_init"):
        # The hook must be one that sets ``wire_defaults`` (its class declares them: a subclass with a hook of its
        # own must say what it sets); which ones is the class's own (a subclass may declare more, for that hook).
        owner = next(klass for klass in cls.__mro__ if "model_post_init" in vars(klass))
        declared = getattr(cls, "wire_defaults", None)
        if not isinstance(vars(owner).get("wire_defaults"), frozenset) or not isinstance(declared, frozenset):
            raise _Unsupported(f"{cls.__name__}.model_post_init")
        wire_defaults = declared
    config = dict(schema.get("config") or {})
    extra = config.pop("extra_fields_behavior", None)
    config.pop("title", None)
    config["validate_by_name"] = False  # each key below is the wire name; the field name is an alias of it
    config["validate_by_alias"] = True
    by_name = bool(schema.get("config", {}).get("validate_by_name"))
    fields: dict[str, core_schema.TypedDictField] = {}
    for name, field in inner["fields"].items():
        if field.get("serialization_exclude") or field.get("frozen"):
            raise _Unsupported(f"{cls.__name__}.{name}")
        alias = field.get("validation_alias")
        if alias is not None and not isinstance(alias, str):
            raise _Unsupported(f"{cls.__name__}.{name}: alias paths")
        wire = field.get("serialization_alias") or name
        if alias is not None and alias != wire:
            raise _Unsupported(f"{cls.__name__}.{name}: different aliases")
        lookup: list[list[str | int]] | None = None
        if alias is not None:
            lookup = [[alias], [name]] if by_name and name != alias else [[alias]]
        field_schema = field["schema"]
        required = True
        if field_schema.get("type") == "default":
            required = False
            if name not in wire_defaults:
                # A default the model keeps off the wire (unset): the key stays absent.
                field_schema = field_schema["schema"]
        fields[wire] = core_schema.typed_dict_field(_convert(field_schema), required=required, validation_alias=lookup)
    return core_schema.typed_dict_schema(
        fields,
        extra_behavior=extra,
        total=True,
        ref=schema.get("ref"),
        config=config,  # type: ignore[arg-type]
    )
