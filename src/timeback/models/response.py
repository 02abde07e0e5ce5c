"""Response models: ``sourcedIdPairs`` answers and single-record envelopes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Self, overload

from pydantic import Field, GetCoreSchemaHandler, RootModel, model_validator
from pydantic_core import core_schema

from timeback.models._base import HIDES_INPUT, ResponseModel, TimebackModel
from timeback.models.gradebook import (
    TimebackAssessmentLineItem,
    TimebackAssessmentResult,
    TimebackCategory,
    TimebackLineItem,
    TimebackResult,
    TimebackScoreScale,
)
from timeback.models.rostering import (
    TimebackAcademicSession,
    TimebackClass,
    TimebackCourse,
    TimebackDemographics,
    TimebackEnrollment,
    TimebackOrg,
    TimebackUser,
)

__all__ = [
    "TimebackCreateGradingPeriodForTermResponse",
    "TimebackGetAcademicSessionResponse",
    "TimebackGetAssessmentLineItemResponse",
    "TimebackGetAssessmentResultResponse",
    "TimebackGetCategoryResponse",
    "TimebackGetClassResponse",
    "TimebackGetCourseResponse",
    "TimebackGetDemographicsResponse",
    "TimebackGetEnrollmentResponse",
    "TimebackGetGradingPeriodResponse",
    "TimebackGetLineItemResponse",
    "TimebackGetOrgResponse",
    "TimebackGetResultResponse",
    "TimebackGetScoreScaleResponse",
    "TimebackGetTermResponse",
    "TimebackGetUserResponse",
    "TimebackPatchAssessmentLineItemResponse",
    "TimebackPatchAssessmentResultResponse",
    "TimebackPutAssessmentLineItemResponse",
    "TimebackPutAssessmentResultResponse",
    "TimebackPutCategoryResponse",
    "TimebackPutLineItemResponse",
    "TimebackPutResultResponse",
    "TimebackPutScoreScaleResponse",
    "TimebackSourcedIdPair",
    "TimebackSourcedIdPairs",
    "TimebackSourcedIdPairsResponse",
    "TimebackUpdateCourseResponse",
    "TimebackUpdateEnrollmentResponse",
    "TimebackUpdateGradingPeriodResponse",
    "TimebackUpdateOrgResponse",
]


class TimebackSourcedIdPair(TimebackModel):
    suppliedSourcedId: str
    allocatedSourcedId: str


class _OneOrMany:
    """An array of pairs, or one pair (which becomes a list of one). A union in pydantic-core, not a Python
    "before" validator: that one made every answer's JSON into Python objects before validating them again, and
    parsing a 1,000-pair answer took 2.9 us per pair instead of 1.5 (gc off)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        one = core_schema.no_info_after_validator_function(_listed, handler.generate_schema(TimebackSourcedIdPair))
        return sourced_id_pairs_schema(handler(source), one)


def sourced_id_pairs_schema(many: core_schema.CoreSchema, one: core_schema.CoreSchema) -> core_schema.CoreSchema:
    """``sourcedIdPairs`` as the wire has it: an array of pairs (OneRoster) or one pair (Timeback), one error for
    anything else. ``many`` and ``one`` say what each becomes (models here; plain dicts in a bulk receipt)."""
    return core_schema.union_schema(
        [many, one],
        mode="left_to_right",
        custom_error_type="sourced_id_pairs",
        custom_error_message="sourcedIdPairs must be an array of pairs or one pair, each with a "
        "suppliedSourcedId and an allocatedSourcedId",
    )


def _listed(pair: TimebackSourcedIdPair) -> list[TimebackSourcedIdPair]:
    return [pair]


class TimebackSourcedIdPairs(RootModel[Annotated[list[TimebackSourcedIdPair], _OneOrMany()]]):
    """Every pair the server returned.

    OneRoster answers an array of pairs; Timeback documents a single object. Both parse to this list, which is
    iterable and indexable, and ``.suppliedSourcedId`` / ``.allocatedSourcedId`` read the first pair.
    """

    def __iter__(self) -> Iterator[TimebackSourcedIdPair]:  # type: ignore[override]
        return iter(self.root)

    @overload
    def __getitem__(self, index: int) -> TimebackSourcedIdPair: ...
    @overload
    def __getitem__(self, index: slice) -> list[TimebackSourcedIdPair]: ...
    def __getitem__(self, index: int | slice) -> TimebackSourcedIdPair | list[TimebackSourcedIdPair]:
        return self.root[index]

    def __len__(self) -> int:
        return len(self.root)

    @property
    def suppliedSourcedId(self) -> str | None:
        return self.root[0].suppliedSourcedId if self.root else None

    @property
    def allocatedSourcedId(self) -> str | None:
        return self.root[0].allocatedSourcedId if self.root else None

    def allocated(self) -> dict[str, str]:
        """``{suppliedSourcedId: allocatedSourcedId}`` for every pair."""
        return {pair.suppliedSourcedId: pair.allocatedSourcedId for pair in self.root}


class TimebackSourcedIdPairsResponse(ResponseModel):
    """The answer of every create: the sourcedIds the server allocated for the ones supplied. The official document
    makes them optional: an answer of ``{}`` holds none (the create succeeded; nothing is said of ids allocated)."""

    sourcedIdPairs: TimebackSourcedIdPairs = Field(default_factory=lambda: TimebackSourcedIdPairs([]))

    @model_validator(mode="after")
    def _pairs_or_nothing(self) -> Self:
        refuse_other_answer(self)
        return self


def refuse_other_answer(answer: ResponseModel) -> None:
    """Raises if ``answer`` has no ``sourcedIdPairs`` and holds other fields (``{"error": ...}``): the official
    GUIDPairSet has no other, so that is no create's answer."""
    if "sourcedIdPairs" not in answer.model_fields_set and answer.model_extra:
        raise ValueError(f"no sourcedIdPairs, and fields no create answers: {', '.join(answer.model_extra)}")


class TimebackCreateGradingPeriodForTermResponse(TimebackSourcedIdPairsResponse):
    """``POST /terms/{id}/gradingPeriods``: Timeback answers the grading period created, under ``academicSession``;
    the local server adds the ``sourcedIdPairs`` every other create answers. An answer without pairs reads the
    record's sourcedId as both supplied and allocated (the SDK always supplies one)."""

    academicSession: TimebackAcademicSession | None = None

    @model_validator(mode="before")
    @classmethod
    def _pairs_of_the_record(cls, data: Any) -> Any:
        if isinstance(data, dict) and "sourcedIdPairs" not in data and isinstance(data.get("academicSession"), dict):
            sourced_id = data["academicSession"].get("sourcedId")
            if isinstance(sourced_id, str):
                pair = {"suppliedSourcedId": sourced_id, "allocatedSourcedId": sourced_id}
                return {**data, "sourcedIdPairs": pair}
        return data


class TimebackGetResultResponse(ResponseModel):
    result: TimebackResult


class TimebackPutResultResponse(TimebackGetResultResponse):
    pass


class TimebackGetLineItemResponse(ResponseModel):
    lineItem: TimebackLineItem


class TimebackPutLineItemResponse(TimebackGetLineItemResponse):
    pass


class TimebackGetCategoryResponse(ResponseModel):
    category: TimebackCategory


class TimebackPutCategoryResponse(TimebackGetCategoryResponse):
    pass


class TimebackGetScoreScaleResponse(ResponseModel):
    scoreScale: TimebackScoreScale


class TimebackPutScoreScaleResponse(TimebackGetScoreScaleResponse):
    pass


class TimebackGetAssessmentLineItemResponse(ResponseModel):
    assessmentLineItem: TimebackAssessmentLineItem


class TimebackPutAssessmentLineItemResponse(TimebackGetAssessmentLineItemResponse):
    pass


class TimebackPatchAssessmentLineItemResponse(ResponseModel):
    """PATCH's answer, which Timeback's document declares as any JSON object: the record when the answer carries
    it (under ``assessmentLineItem``, bare or under another key), else None, the answer's fields in
    ``model_extra``."""

    assessmentLineItem: TimebackAssessmentLineItem | None = None


class TimebackGetAssessmentResultResponse(ResponseModel):
    assessmentResult: TimebackAssessmentResult


class TimebackPutAssessmentResultResponse(TimebackGetAssessmentResultResponse):
    pass


class TimebackPatchAssessmentResultResponse(ResponseModel):
    """PATCH's answer, which Timeback's document declares as any JSON object: the record when the answer carries
    it (under ``assessmentResult``, bare or under another key), else None, the answer's fields in
    ``model_extra``."""

    assessmentResult: TimebackAssessmentResult | None = None


class TimebackGetOrgResponse(ResponseModel):
    org: TimebackOrg


class TimebackGetAcademicSessionResponse(ResponseModel):
    academicSession: TimebackAcademicSession


class TimebackGetTermResponse(ResponseModel):
    """``GET /terms/{id}``: Timeback answers the term under ``term``. (The official document's ``academicSession``
    is read too, as any one-record answer under another key is.)"""

    term: TimebackAcademicSession


class TimebackGetGradingPeriodResponse(ResponseModel):
    """``GET /gradingPeriods/{id}``: Timeback answers under ``gradingPeriod`` (the official document's
    ``academicSession`` is read too)."""

    gradingPeriod: TimebackAcademicSession


class TimebackGetCourseResponse(ResponseModel):
    course: TimebackCourse


class TimebackGetClassResponse(ResponseModel):
    class_: TimebackClass = Field(validation_alias="class", serialization_alias="class")


class TimebackGetUserResponse(ResponseModel):
    model_config = HIDES_INPUT
    user: TimebackUser


class TimebackGetEnrollmentResponse(ResponseModel):
    enrollment: TimebackEnrollment


class TimebackGetDemographicsResponse(ResponseModel):
    demographics: TimebackDemographics


# PUT /orgs/{id}, /courses/{id}, /enrollments/{id} and /gradingPeriods/{id}: Timeback's document answers them, as
# PATCH, with any JSON object. The record when the answer carries it (under its key, bare or under another key),
# else None, the answer's fields in ``model_extra``.


class TimebackUpdateOrgResponse(ResponseModel):
    org: TimebackOrg | None = None


class TimebackUpdateCourseResponse(ResponseModel):
    course: TimebackCourse | None = None


class TimebackUpdateEnrollmentResponse(ResponseModel):
    enrollment: TimebackEnrollment | None = None


class TimebackUpdateGradingPeriodResponse(ResponseModel):
    academicSession: TimebackAcademicSession | None = None
