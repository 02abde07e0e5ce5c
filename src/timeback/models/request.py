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
    _ByIdRequest,
    _GetRequest,
    _PatchBody,
    _PatchRequest,
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
    "TimebackCreateAssessmentLineItemRequest",
    "TimebackCreateAssessmentResultBody",
    "TimebackCreateAssessmentResultRequest",
    "TimebackCreateCategoryBody",
    "TimebackCreateCategoryRequest",
    "TimebackCreateClassBody",
    "TimebackCreateClassRequest",
    "TimebackCreateCourseBody",
    "TimebackCreateCourseRequest",
    "TimebackCreateLineItemBody",
    "TimebackCreateLineItemRequest",
    "TimebackCreateLineItemsForSchoolRequest",
    "TimebackCreateOrgBody",
    "TimebackCreateOrgRequest",
    "TimebackCreateResultBody",
    "TimebackCreateResultForLineItemRequest",
    "TimebackCreateResultRequest",
    "TimebackCreateSchoolRequest",
    "TimebackCreateScoreScaleBody",
    "TimebackCreateScoreScaleRequest",
    "TimebackCreateUserBody",
    "TimebackCreateUserRequest",
    "TimebackDeleteAssessmentLineItemRequest",
    "TimebackDeleteAssessmentResultRequest",
    "TimebackDeleteCategoryRequest",
    "TimebackDeleteLineItemRequest",
    "TimebackDeleteResultRequest",
    "TimebackDeleteScoreScaleRequest",
    "TimebackGetAcademicSessionRequest",
    "TimebackGetAllAssessmentLineItemsRequest",
    "TimebackGetAllAssessmentResultsRequest",
    "TimebackGetAllCategoriesRequest",
    "TimebackGetAllLineItemsRequest",
    "TimebackGetAllResultsRequest",
    "TimebackGetAllScoreScalesRequest",
    "TimebackGetAssessmentLineItemRequest",
    "TimebackGetAssessmentResultRequest",
    "TimebackGetCategoriesForClassRequest",
    "TimebackGetCategoryRequest",
    "TimebackGetClassRequest",
    "TimebackGetCourseRequest",
    "TimebackGetLineItemRequest",
    "TimebackGetLineItemsForClassRequest",
    "TimebackGetLineItemsForSchoolRequest",
    "TimebackGetOrgRequest",
    "TimebackGetResultRequest",
    "TimebackGetResultsForClassRequest",
    "TimebackGetResultsForLineItemForClassRequest",
    "TimebackGetResultsForStudentForClassRequest",
    "TimebackGetSchoolRequest",
    "TimebackGetScoreScaleRequest",
    "TimebackGetScoreScalesForClassRequest",
    "TimebackGetScoreScalesForSchoolRequest",
    "TimebackGetUserRequest",
    "TimebackPatchAssessmentLineItemBody",
    "TimebackPatchAssessmentLineItemRequest",
    "TimebackPatchAssessmentResultBody",
    "TimebackPatchAssessmentResultRequest",
    "TimebackPostLineItemsForClassRequest",
    "TimebackPostResultsForAcademicSessionForClassRequest",
    "TimebackPutAssessmentLineItemBody",
    "TimebackPutAssessmentLineItemRequest",
    "TimebackPutAssessmentResultBody",
    "TimebackPutAssessmentResultRequest",
    "TimebackPutCategoryBody",
    "TimebackPutCategoryRequest",
    "TimebackPutLineItemBody",
    "TimebackPutLineItemRequest",
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


class TimebackPatchAssessmentResultBody(_PatchBody, TimebackAssessmentResult):
    """Only the fields sent are changed; ``metadata`` is merged key by key."""


class TimebackPatchAssessmentLineItemBody(_PatchBody, TimebackAssessmentLineItem):
    """Only the fields sent are changed; ``metadata`` is merged key by key."""


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
# Path parameters are snake_case fields; list requests inherit the query parameters; the body is the one field
# named like its JSON key.


class _SchoolScoped(TimebackQueryParams):
    school_sourced_id: str = Field(min_length=1)


class _ClassScoped(TimebackQueryParams):
    class_sourced_id: str = Field(min_length=1)


# score scales
class TimebackGetAllScoreScalesRequest(TimebackQueryParams):
    pass


class TimebackCreateScoreScaleRequest(TimebackRequest):
    scoreScale: TimebackCreateScoreScaleBody


class TimebackGetScoreScaleRequest(_GetRequest):
    pass


class TimebackPutScoreScaleRequest(_PutRequest):
    body_field: ClassVar[str] = "scoreScale"
    scoreScale: TimebackPutScoreScaleBody


class TimebackDeleteScoreScaleRequest(_ByIdRequest):
    pass


class TimebackGetScoreScalesForSchoolRequest(_SchoolScoped):
    pass


class TimebackGetScoreScalesForClassRequest(_ClassScoped):
    pass


# results
class TimebackGetAllResultsRequest(TimebackQueryParams):
    pass


class TimebackCreateResultRequest(TimebackRequest):
    result: TimebackCreateResultBody


class TimebackGetResultRequest(_GetRequest):
    pass


class TimebackPutResultRequest(_PutRequest):
    body_field: ClassVar[str] = "result"
    result: TimebackPutResultBody


class TimebackDeleteResultRequest(_ByIdRequest):
    pass


class TimebackGetResultsForClassRequest(_ClassScoped):
    pass


class TimebackGetResultsForLineItemForClassRequest(_ClassScoped):
    line_item_sourced_id: str = Field(min_length=1)


class TimebackGetResultsForStudentForClassRequest(_ClassScoped):
    student_sourced_id: str = Field(min_length=1)


class TimebackPostResultsForAcademicSessionForClassRequest(TimebackRequest):
    class_sourced_id: str = Field(min_length=1)
    academic_session_sourced_id: str = Field(min_length=1)
    results: list[TimebackCreateResultBody] = Field(min_length=1)


# line items
class TimebackGetAllLineItemsRequest(TimebackQueryParams):
    pass


class TimebackCreateLineItemRequest(TimebackRequest):
    lineItem: TimebackCreateLineItemBody


class TimebackGetLineItemRequest(_GetRequest):
    pass


class TimebackPutLineItemRequest(_PutRequest):
    body_field: ClassVar[str] = "lineItem"
    lineItem: TimebackPutLineItemBody


class TimebackDeleteLineItemRequest(_ByIdRequest):
    pass


class TimebackCreateResultForLineItemRequest(TimebackRequest):
    line_item_sourced_id: str = Field(min_length=1)
    results: list[TimebackCreateResultBody] = Field(min_length=1)


class TimebackGetLineItemsForSchoolRequest(_SchoolScoped):
    pass


class TimebackCreateLineItemsForSchoolRequest(TimebackRequest):
    school_sourced_id: str = Field(min_length=1)
    lineItems: list[TimebackCreateLineItemBody] = Field(min_length=1)


class TimebackGetLineItemsForClassRequest(_ClassScoped):
    pass


class TimebackPostLineItemsForClassRequest(TimebackRequest):
    class_sourced_id: str = Field(min_length=1)
    lineItems: list[TimebackCreateLineItemBody] = Field(min_length=1)


# categories
class TimebackGetAllCategoriesRequest(TimebackQueryParams):
    pass


class TimebackCreateCategoryRequest(TimebackRequest):
    category: TimebackCreateCategoryBody


class TimebackGetCategoryRequest(_GetRequest):
    pass


class TimebackPutCategoryRequest(_PutRequest):
    body_field: ClassVar[str] = "category"
    category: TimebackPutCategoryBody


class TimebackDeleteCategoryRequest(_ByIdRequest):
    pass


class TimebackGetCategoriesForClassRequest(_ClassScoped):
    pass


# assessment results
class TimebackGetAllAssessmentResultsRequest(TimebackQueryParams):
    pass


class TimebackCreateAssessmentResultRequest(TimebackRequest):
    assessmentResult: TimebackCreateAssessmentResultBody


class TimebackGetAssessmentResultRequest(_GetRequest):
    pass


class TimebackPutAssessmentResultRequest(_PutRequest):
    body_field: ClassVar[str] = "assessmentResult"
    assessmentResult: TimebackPutAssessmentResultBody


class TimebackPatchAssessmentResultRequest(_PatchRequest):
    body_field: ClassVar[str] = "assessmentResult"
    assessmentResult: TimebackPatchAssessmentResultBody


class TimebackDeleteAssessmentResultRequest(_ByIdRequest):
    pass


# assessment line items
class TimebackGetAllAssessmentLineItemsRequest(TimebackQueryParams):
    pass


class TimebackCreateAssessmentLineItemRequest(TimebackRequest):
    assessmentLineItem: TimebackCreateAssessmentLineItemBody


class TimebackGetAssessmentLineItemRequest(_GetRequest):
    pass


class TimebackPutAssessmentLineItemRequest(_PutRequest):
    body_field: ClassVar[str] = "assessmentLineItem"
    assessmentLineItem: TimebackPutAssessmentLineItemBody


class TimebackPatchAssessmentLineItemRequest(_PatchRequest):
    body_field: ClassVar[str] = "assessmentLineItem"
    assessmentLineItem: TimebackPatchAssessmentLineItemBody


class TimebackDeleteAssessmentLineItemRequest(_ByIdRequest):
    pass


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
