"""Shared pydantic plumbing for every Timeback model.

Models are lenient by default (unknown fields kept, unknown enum values parsed) so that an API change never breaks
an installed SDK. Validating with ``context=STRICT`` makes the same models strict: unknown fields, unknown enum
values and malformed dates are errors. The local server validates request bodies that way, so the SDK and the
server share one definition of every shape.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

__all__ = ["STRICT", "DateOrDateTime", "Known", "ResponseModel", "TimebackModel", "is_strict", "new_sourced_id"]

STRICT: dict[str, Any] = {"strict": True}


def is_strict(info: ValidationInfo) -> bool:
    context = info.context
    return isinstance(context, dict) and bool(context.get("strict"))


def new_sourced_id() -> str:
    return str(uuid.uuid4())


class TimebackModel(BaseModel):
    """Base of every request and response model: camelCase wire names, extra fields kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, validate_assignment=False)

    @model_validator(mode="after")
    def _reject_unknown_fields_when_strict(self, info: ValidationInfo) -> Self:
        if self.__pydantic_extra__ and is_strict(info):
            names = ", ".join(repr(k) for k in self.__pydantic_extra__)
            raise ValueError(f"unknown field {names}")
        return self

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict sent on the wire (wire names, unset optional fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


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
        """How many times the call was retried (429, 5xx, connection errors, timeouts) before this answer."""
        return self._retries_taken


def _iso_from_objects(value: Any) -> Any:
    # Callers may pass date/datetime objects; the wire and the models hold ISO 8601 strings, as sent.
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def parse_date_or_datetime(value: str) -> datetime:
    """Parse an ISO 8601 date (``2024-01-15``) or date-time; naive values are taken as UTC."""
    if len(value) == 10:
        parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
    else:
        if "T" not in value and " " not in value:
            raise ValueError("expected an ISO 8601 date or date-time")
        parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_date_when_strict(value: str, info: ValidationInfo) -> str:
    if is_strict(info):
        try:
            parse_date_or_datetime(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date or date-time") from None
    return value


def _check_known_when_strict(value: Enum, info: ValidationInfo) -> Enum:
    if is_strict(info) and value.value not in type(value)._value2member_map_:
        allowed = ", ".join(repr(m.value) for m in type(value))
        raise ValueError(f"{value.value!r} is not one of {allowed}")
    return value


DateOrDateTime = Annotated[
    str,
    BeforeValidator(_iso_from_objects),
    AfterValidator(_check_date_when_strict),
    WithJsonSchema({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]
"""An ISO 8601 date or date-time, kept as the string sent; date/datetime objects are accepted and converted."""

E = TypeVar("E", bound=Enum)
Known = Annotated[E, AfterValidator(_check_known_when_strict)]
"""An open enum value that strict validation requires to be a declared member."""
