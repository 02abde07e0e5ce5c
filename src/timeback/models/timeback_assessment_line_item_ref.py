"""A reference to an assessment line item."""

from __future__ import annotations

from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference

__all__ = ["TimebackAssessmentLineItemRef"]


class TimebackAssessmentLineItemRef(TimebackSourcedIdReference):
    """``{"sourcedId": ..., "type": "assessmentLineItem"}``."""

    type: str | None = "assessmentLineItem"

    def model_post_init(self, context: object, /) -> None:
        self.__pydantic_fields_set__.add("type")  # the default type goes on the wire
