"""Gradebook records as the API returns them.

Every field is optional here so that a partial or newer record still parses; the ``...Body`` classes in
``timeback.models.request`` subclass these and make the spec's required fields required.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field

from timeback.enums import TimebackScoreStatus, TimebackStatus
from timeback.models._base import (
    DateOrDateTime,
    Known,
    Metadata,
    NullIsAbsent,
    TimebackModel,
    new_sourced_id,
    not_a_bool,
)
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference

__all__ = [
    "NewRecord",
    "TimebackAssessmentLineItem",
    "TimebackAssessmentResult",
    "TimebackCategory",
    "TimebackEntity",
    "TimebackLearningObjectiveResult",
    "TimebackLearningObjectiveScoreSet",
    "TimebackLearningObjectiveSet",
    "TimebackLineItem",
    "TimebackResult",
    "TimebackScoreScale",
    "TimebackScoreScaleValue",
]

Ref = TimebackSourcedIdReference


Number = Annotated[float, Field(allow_inf_nan=False), not_a_bool(float)]


class TimebackEntity(TimebackModel):
    """Fields every OneRoster record has. As read, a field the answer left out is None, ``sourcedId`` and ``status``
    too (an answer to a ``fields=`` selection): nothing is made up. The bodies sent (``...Body`` in
    ``timeback.models.request``) default ``sourcedId`` to a fresh UUID and ``status`` to ``active``.

    No length limit on what is read (no spec gives an answer's id one: one odd record must not stop a listing);
    the bodies sent (``NewRecord``, ``_PatchBody``) hold the 1-255 characters the server stores."""

    sourcedId: str | None = None
    status: Known[TimebackStatus] | None = None
    dateLastModified: DateOrDateTime | None = None
    metadata: Metadata = None


class NewRecord(TimebackModel):
    """Mixed into the bodies of creates and PUTs: ``sourcedId`` defaults to a fresh UUID, ``status`` to ``active``,
    and both go on the wire."""

    sourcedId: str = Field(default_factory=new_sourced_id, min_length=1, max_length=255)
    status: Known[TimebackStatus] = TimebackStatus.ACTIVE

    # Chosen on the client and sent, so a retried create sends the same id. (No private attributes on records:
    # pydantic would wrap this hook once per subclass, a cost paid for every record.)
    wire_defaults: ClassVar[frozenset[str]] = frozenset({"sourcedId", "status"})
    # Whether what is sent is the whole record (a create; a PUT, which replaces it): a record read with ``fields=``
    # is refused for such a body (``refuse_part``). A class update takes parts (``TimebackUpdateClassBody``).
    whole_record: ClassVar[bool] = True

    def model_post_init(self, context: Any, /) -> None:
        self.__pydantic_fields_set__.update(self.wire_defaults)  # their defaults go on the wire


class TimebackLearningObjectiveSet(TimebackModel):
    source: str
    learningObjectiveIds: list[str]


class TimebackLearningObjectiveResult(TimebackModel):
    learningObjectiveId: str
    score: NullIsAbsent[Number] = None
    textScore: NullIsAbsent[str] = None


class TimebackLearningObjectiveScoreSet(TimebackModel):
    source: str
    learningObjectiveResults: list[TimebackLearningObjectiveResult]


class TimebackCategory(TimebackEntity):
    title: str | None = None
    weight: Number | None = None


class TimebackScoreScaleValue(TimebackModel):
    itemValueLHS: str
    itemValueRHS: str
    value: NullIsAbsent[str] = None  # (Timeback's own fields, typed without null)
    description: NullIsAbsent[str] = None


class TimebackScoreScale(TimebackEntity):
    title: str | None = None
    type: str | None = None
    class_: Ref | None = Field(default=None, validation_alias="class", serialization_alias="class")
    course: Ref | None = None
    scoreScaleValue: list[TimebackScoreScaleValue] | None = None


class TimebackLineItem(TimebackEntity):
    title: str | None = None
    description: str | None = None
    assignDate: DateOrDateTime | None = None
    dueDate: DateOrDateTime | None = None
    class_: Ref | None = Field(default=None, validation_alias="class", serialization_alias="class")
    school: Ref | None = None
    category: Ref | None = None
    scoreScale: Ref | None = None
    resultValueMin: Number | None = None
    resultValueMax: Number | None = None
    gradingPeriod: Ref | None = None
    academicSession: Ref | None = None
    learningObjectiveSet: list[TimebackLearningObjectiveSet] | None = None


class _ScoreFields(TimebackEntity):
    student: Ref | None = None
    scoreStatus: Known[TimebackScoreStatus] | None = None
    scoreDate: DateOrDateTime | None = None
    score: Number | None = None
    textScore: str | None = None
    scoreScale: Ref | None = None
    comment: str | None = None
    learningObjectiveSet: list[TimebackLearningObjectiveScoreSet] | None = None


class TimebackResult(_ScoreFields):
    lineItem: Ref | None = None
    class_: Ref | None = Field(default=None, validation_alias="class", serialization_alias="class")
    # Nullable in Timeback's AssessmentResult, not in its Result (nor in 1EdTech's)
    inProgress: NullIsAbsent[str] = None
    incomplete: NullIsAbsent[str] = None
    late: NullIsAbsent[str] = None
    missing: NullIsAbsent[str] = None


class TimebackAssessmentLineItem(TimebackEntity):
    title: str | None = None
    description: str | None = None
    class_: Ref | None = Field(default=None, validation_alias="class", serialization_alias="class")
    parentAssessmentLineItem: Ref | None = None
    scoreScale: Ref | None = None
    resultValueMin: Number | None = None
    resultValueMax: Number | None = None
    learningObjectiveSet: list[TimebackLearningObjectiveSet] | None = None
    course: Ref | None = None
    component: Ref | None = None
    componentResource: Ref | None = None


class TimebackAssessmentResult(_ScoreFields):
    assessmentLineItem: Ref | None = None
    scorePercentile: Number | None = None
    inProgress: str | None = None
    incomplete: str | None = None
    late: str | None = None
    missing: str | None = None
