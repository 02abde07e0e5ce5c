"""Request models: one per operation, plus the bodies they carry.

A request holds the path parameters (snake_case: ``class_sourced_id``, ``sourced_id``), the query parameters of
collection reads (``TimebackQueryParams``) and the body under its wire name (``results``, ``lineItems``,
``result``, ``assessmentResult``...). Body classes make the spec's required fields required; ``sourcedId``
defaults to a fresh UUID and ``status`` to ``active``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, ValidationInfo, model_validator

from timeback.enums import (
    TimebackAcademicSessionType,
    TimebackOrgType,
    TimebackScoreStatus,
)
from timeback.models._base import DateOrDateTime, Known, is_strict
from timeback.models._requests_base import (
    TimebackQueryParams,
    TimebackRequest,
    _GetRequest,
    _PutRequest,
)
from timeback.models.gradebook import (
    TimebackAssessmentLineItem,
    TimebackAssessmentResult,
    TimebackCategory,
    TimebackLineItem,
    TimebackResult,
    TimebackScoreScale,
    TimebackScoreScaleValue,
)
from timeback.models.rostering import (
    TimebackAcademicSession,
    TimebackClass,
    TimebackCourse,
    TimebackOrg,
    TimebackRole,
    TimebackUser,
)
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference as Ref

__all__ = [
    "TimebackCreateAcademicSessionBody",
    "TimebackCreateAcademicSessionRequest",
    "TimebackCreateAssessmentLineItemBody",
    "TimebackCreateAssessmentResultBody",
    "TimebackCreateAssessmentResultRequest",
    "TimebackCreateCategoryBody",
    "TimebackCreateClassBody",
    "TimebackCreateClassRequest",
    "TimebackCreateCourseBody",
    "TimebackCreateCourseRequest",
    "TimebackCreateLineItemBody",
    "TimebackCreateOrgBody",
    "TimebackCreateOrgRequest",
    "TimebackCreateResultBody",
    "TimebackCreateSchoolRequest",
    "TimebackCreateScoreScaleBody",
    "TimebackCreateUserBody",
    "TimebackCreateUserRequest",
    "TimebackGetAcademicSessionRequest",
    "TimebackGetAssessmentLineItemRequest",
    "TimebackGetAssessmentResultRequest",
    "TimebackGetCategoryRequest",
    "TimebackGetClassRequest",
    "TimebackGetCourseRequest",
    "TimebackGetLineItemRequest",
    "TimebackGetOrgRequest",
    "TimebackGetResultRequest",
    "TimebackGetResultsForClassRequest",
    "TimebackGetSchoolRequest",
    "TimebackGetScoreScaleRequest",
    "TimebackGetUserRequest",
    "TimebackPostLineItemsForClassRequest",
    "TimebackPostResultsForAcademicSessionForClassRequest",
    "TimebackPutAssessmentLineItemBody",
    "TimebackPutAssessmentLineItemRequest",
    "TimebackPutCategoryBody",
    "TimebackPutCategoryRequest",
    "TimebackPutLineItemBody",
    "TimebackPutResultBody",
    "TimebackPutResultRequest",
    "TimebackPutScoreScaleBody",
    "TimebackPutScoreScaleRequest",
    "TimebackQueryParams",
    "TimebackRequest",
    "TimebackUpdateAcademicSessionRequest",
    "TimebackUpdateClassRequest",
    "TimebackUpdateCourseRequest",
    "TimebackUpdateOrgRequest",
    "TimebackUpdateSchoolRequest",
    "TimebackUpdateUserRequest",
]


# ----- gradebook bodies


class TimebackCreateLineItemBody(TimebackLineItem):
    title: str = Field(min_length=1)
    assignDate: DateOrDateTime
    dueDate: DateOrDateTime
    class_: Ref = Field(alias="class")
    school: Ref
    category: Ref


class TimebackPutLineItemBody(TimebackCreateLineItemBody):
    pass


class TimebackCreateResultBody(TimebackResult):
    lineItem: Ref
    student: Ref
    scoreStatus: Known[TimebackScoreStatus]
    scoreDate: DateOrDateTime


class TimebackPutResultBody(TimebackCreateResultBody):
    pass


class TimebackCreateCategoryBody(TimebackCategory):
    title: str = Field(min_length=1)


class TimebackPutCategoryBody(TimebackCreateCategoryBody):
    pass


class TimebackCreateScoreScaleBody(TimebackScoreScale):
    title: str = Field(min_length=1)
    type: str
    class_: Ref = Field(alias="class")
    scoreScaleValue: list[TimebackScoreScaleValue] = Field(min_length=1)


class TimebackPutScoreScaleBody(TimebackCreateScoreScaleBody):
    pass


class TimebackCreateAssessmentLineItemBody(TimebackAssessmentLineItem):
    title: str = Field(min_length=1)


class TimebackPutAssessmentLineItemBody(TimebackCreateAssessmentLineItemBody):
    pass


class TimebackCreateAssessmentResultBody(TimebackAssessmentResult):
    assessmentLineItem: Ref
    student: Ref
    scoreStatus: Known[TimebackScoreStatus]
    scoreDate: DateOrDateTime


class TimebackPutAssessmentResultBody(TimebackCreateAssessmentResultBody):
    pass


# ----- rostering bodies (required fields: those both the official spec and Timeback require)


class TimebackCreateOrgBody(TimebackOrg):
    name: str = Field(min_length=1)
    type: Known[TimebackOrgType]


class TimebackCreateAcademicSessionBody(TimebackAcademicSession):
    title: str = Field(min_length=1)
    startDate: DateOrDateTime
    endDate: DateOrDateTime
    type: Known[TimebackAcademicSessionType]
    schoolYear: str


class TimebackCreateCourseBody(TimebackCourse):
    title: str = Field(min_length=1)
    org: Ref


class TimebackCreateClassBody(TimebackClass):
    title: str = Field(min_length=1)
    course: Ref
    terms: list[Ref] = Field(min_length=1)

    @model_validator(mode="after")
    def _needs_school(self, info: ValidationInfo) -> TimebackCreateClassBody:
        if self.school is None and self.org is None and is_strict(info):
            raise ValueError("a class needs its school, as 'school' (OneRoster) or 'org' (Timeback)")
        return self


class TimebackCreateUserBody(TimebackUser):
    enabledUser: bool | str
    givenName: str
    familyName: str
    roles: list[TimebackRole] = Field(min_length=1)


# ----- gradebook requests


class TimebackGetResultRequest(_GetRequest):
    pass


class TimebackPutResultRequest(_PutRequest):
    body_field: ClassVar[str] = "result"
    result: TimebackPutResultBody


class TimebackGetResultsForClassRequest(TimebackQueryParams):
    class_sourced_id: str = Field(min_length=1)


class TimebackPostResultsForAcademicSessionForClassRequest(TimebackRequest):
    class_sourced_id: str = Field(min_length=1)
    academic_session_sourced_id: str = Field(min_length=1)
    results: list[TimebackCreateResultBody] = Field(min_length=1)


class TimebackGetLineItemRequest(_GetRequest):
    pass


class TimebackPostLineItemsForClassRequest(TimebackRequest):
    class_sourced_id: str = Field(min_length=1)
    lineItems: list[TimebackCreateLineItemBody] = Field(min_length=1)


class TimebackGetCategoryRequest(_GetRequest):
    pass


class TimebackPutCategoryRequest(_PutRequest):
    body_field: ClassVar[str] = "category"
    category: TimebackPutCategoryBody


class TimebackGetScoreScaleRequest(_GetRequest):
    pass


class TimebackPutScoreScaleRequest(_PutRequest):
    body_field: ClassVar[str] = "scoreScale"
    scoreScale: TimebackPutScoreScaleBody


class TimebackGetAssessmentLineItemRequest(_GetRequest):
    pass


class TimebackPutAssessmentLineItemRequest(_PutRequest):
    body_field: ClassVar[str] = "assessmentLineItem"
    assessmentLineItem: TimebackPutAssessmentLineItemBody


class TimebackGetAssessmentResultRequest(_GetRequest):
    pass


class TimebackCreateAssessmentResultRequest(TimebackRequest):
    assessmentResult: TimebackCreateAssessmentResultBody


# ----- rostering requests


class TimebackGetOrgRequest(_GetRequest):
    pass


class TimebackCreateOrgRequest(TimebackRequest):
    org: TimebackCreateOrgBody


class TimebackUpdateOrgRequest(_PutRequest):
    body_field: ClassVar[str] = "org"
    org: TimebackCreateOrgBody


class TimebackGetSchoolRequest(_GetRequest):
    pass


class TimebackCreateSchoolRequest(TimebackCreateOrgRequest):
    pass


class TimebackUpdateSchoolRequest(TimebackUpdateOrgRequest):
    pass


class TimebackGetAcademicSessionRequest(_GetRequest):
    pass


class TimebackCreateAcademicSessionRequest(TimebackRequest):
    academicSession: TimebackCreateAcademicSessionBody


class TimebackUpdateAcademicSessionRequest(_PutRequest):
    body_field: ClassVar[str] = "academicSession"
    academicSession: TimebackCreateAcademicSessionBody


class TimebackGetCourseRequest(_GetRequest):
    pass


class TimebackCreateCourseRequest(TimebackRequest):
    course: TimebackCreateCourseBody


class TimebackUpdateCourseRequest(_PutRequest):
    body_field: ClassVar[str] = "course"
    course: TimebackCreateCourseBody


class TimebackGetClassRequest(_GetRequest):
    pass


class TimebackCreateClassRequest(TimebackRequest):
    class_: TimebackCreateClassBody = Field(alias="class")


class TimebackUpdateClassRequest(_PutRequest):
    body_field: ClassVar[str] = "class_"
    class_: TimebackCreateClassBody = Field(alias="class")


class TimebackGetUserRequest(_GetRequest):
    pass


class TimebackCreateUserRequest(TimebackRequest):
    user: TimebackCreateUserBody


class TimebackUpdateUserRequest(_PutRequest):
    body_field: ClassVar[str] = "user"
    user: TimebackCreateUserBody
