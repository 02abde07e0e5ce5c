"""A reference to a student (a OneRoster user)."""

from __future__ import annotations

from typing import ClassVar

from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference

__all__ = ["TimebackStudentRef"]


class TimebackStudentRef(TimebackSourcedIdReference):
    """``{"sourcedId": ..., "type": "user"}``: students are users in OneRoster."""

    type: str | None = "user"

    wire_defaults: ClassVar[frozenset[str]] = frozenset({"type"})

    def model_post_init(self, context: object, /) -> None:
        self.__pydantic_fields_set__.update(self.wire_defaults)  # their defaults go on the wire
