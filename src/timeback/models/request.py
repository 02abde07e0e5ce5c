"""Request models: one per operation, plus the bodies they carry.

A request holds the path parameters (snake_case: ``class_sourced_id``, ``sourced_id``), the query parameters of
collection reads (``TimebackQueryParams``) and the body under its wire name (``results``, ``lineItems``,
``result``, ``assessmentResult``...). Body classes make the spec's required fields required; ``status`` defaults
to ``active``, and a create body's ``sourcedId`` to a fresh UUID (a PUT's record is the one its path's ``sourced_id``
names: the default is not sent).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, model_validator

from timeback.enums import (
    TimebackAcademicSessionType,
    TimebackEnrollmentRole,
    TimebackOrgType,
    TimebackScoreStatus,
)
from timeback.models._base import HIDES_INPUT, DateOrDateTime, Known, NullIsAbsent, TimebackModel, is_strict
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
    NewRecord,
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
    TimebackDemographics,
    TimebackEnrollment,
    TimebackOrg,
    TimebackRole,
    TimebackUser,
    TrueOrFalse,
    WordFlag,
    YearText,
)
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference as Ref

__all__ = [
    "TimebackAddStudentToClassRequest",
    "TimebackAddTeacherToClassRequest",
    "TimebackClassEnrollmentBody",
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
    "TimebackCreateDemographicsBody",
    "TimebackCreateDemographicsRequest",
    "TimebackCreateEnrollmentBody",
    "TimebackCreateEnrollmentRequest",
    "TimebackCreateGradingPeriodBody",
    "TimebackCreateGradingPeriodForTermBody",
    "TimebackCreateGradingPeriodForTermRequest",
    "TimebackCreateGradingPeriodRequest",
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
    "TimebackCreateSessionOfTypeBody",
    "TimebackCreateTermBody",
    "TimebackCreateTermRequest",
    "TimebackCreateUserBody",
    "TimebackCreateUserRequest",
    "TimebackDeleteAcademicSessionRequest",
    "TimebackDeleteAssessmentLineItemRequest",
    "TimebackDeleteAssessmentResultRequest",
    "TimebackDeleteCategoryRequest",
    "TimebackDeleteClassRequest",
    "TimebackDeleteCourseRequest",
    "TimebackDeleteDemographicsRequest",
    "TimebackDeleteEnrollmentRequest",
    "TimebackDeleteGradingPeriodRequest",
    "TimebackDeleteLineItemRequest",
    "TimebackDeleteOrgRequest",
    "TimebackDeleteResultRequest",
    "TimebackDeleteSchoolRequest",
    "TimebackDeleteScoreScaleRequest",
    "TimebackDeleteTermRequest",
    "TimebackDeleteUserRequest",
    "TimebackGetAcademicSessionRequest",
    "TimebackGetAllAcademicSessionsRequest",
    "TimebackGetAllAssessmentLineItemsRequest",
    "TimebackGetAllAssessmentResultsRequest",
    "TimebackGetAllCategoriesRequest",
    "TimebackGetAllClassesRequest",
    "TimebackGetAllCoursesRequest",
    "TimebackGetAllDemographicsRequest",
    "TimebackGetAllEnrollmentsRequest",
    "TimebackGetAllGradingPeriodsRequest",
    "TimebackGetAllLineItemsRequest",
    "TimebackGetAllOrgsRequest",
    "TimebackGetAllResultsRequest",
    "TimebackGetAllSchoolsRequest",
    "TimebackGetAllScoreScalesRequest",
    "TimebackGetAllStudentsRequest",
    "TimebackGetAllTeachersRequest",
    "TimebackGetAllTermsRequest",
    "TimebackGetAllUsersRequest",
    "TimebackGetAssessmentLineItemRequest",
    "TimebackGetAssessmentResultRequest",
    "TimebackGetCategoriesForClassRequest",
    "TimebackGetCategoryRequest",
    "TimebackGetClassRequest",
    "TimebackGetClassesForCourseRequest",
    "TimebackGetClassesForSchoolRequest",
    "TimebackGetClassesForStudentRequest",
    "TimebackGetClassesForTeacherRequest",
    "TimebackGetClassesForTermRequest",
    "TimebackGetClassesForUserRequest",
    "TimebackGetCourseRequest",
    "TimebackGetCoursesForSchoolRequest",
    "TimebackGetDemographicsRequest",
    "TimebackGetEnrollmentRequest",
    "TimebackGetEnrollmentsForClassInSchoolRequest",
    "TimebackGetEnrollmentsForSchoolRequest",
    "TimebackGetGradingPeriodRequest",
    "TimebackGetGradingPeriodsForTermRequest",
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
    "TimebackGetStudentRequest",
    "TimebackGetStudentsForClassInSchoolRequest",
    "TimebackGetStudentsForClassRequest",
    "TimebackGetStudentsForSchoolRequest",
    "TimebackGetTeacherRequest",
    "TimebackGetTeachersForClassInSchoolRequest",
    "TimebackGetTeachersForClassRequest",
    "TimebackGetTeachersForSchoolRequest",
    "TimebackGetTermRequest",
    "TimebackGetTermsForSchoolRequest",
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
    "TimebackUpdateClassBody",
    "TimebackUpdateClassRequest",
    "TimebackUpdateCourseRequest",
    "TimebackUpdateDemographicsRequest",
    "TimebackUpdateEnrollmentRequest",
    "TimebackUpdateGradingPeriodRequest",
    "TimebackUpdateOrgRequest",
    "TimebackUpdateSchoolRequest",
    "TimebackUpdateTermRequest",
    "TimebackUpdateUserRequest",
]


# ----- gradebook bodies
# A field the record class types `X | None = None` is made required here as `X = Field()`, never a bare `X`:
# pydantic reads both as required, but pyright and Pylance, following dataclass rules, inherit the record's
# default for a bare one and would let `TimebackPutResultBody(score=1)` through (tests/typecheck/).


class TimebackCreateLineItemBody(NewRecord, TimebackLineItem):
    title: str = Field(min_length=1)
    assignDate: DateOrDateTime = Field()
    dueDate: DateOrDateTime = Field()
    class_: Ref = Field(validation_alias="class", serialization_alias="class")
    school: Ref = Field()
    category: Ref = Field()


class TimebackPutLineItemBody(TimebackCreateLineItemBody):
    pass


class TimebackCreateResultBody(NewRecord, TimebackResult):
    lineItem: Ref = Field()
    student: Ref = Field()
    scoreStatus: Known[TimebackScoreStatus] = Field()
    scoreDate: DateOrDateTime = Field()


class TimebackPutResultBody(TimebackCreateResultBody):
    pass


class TimebackCreateCategoryBody(NewRecord, TimebackCategory):
    title: str = Field(min_length=1)


class TimebackPutCategoryBody(TimebackCreateCategoryBody):
    pass


class TimebackCreateScoreScaleBody(NewRecord, TimebackScoreScale):
    title: str = Field(min_length=1)
    type: str = Field()
    class_: Ref = Field(validation_alias="class", serialization_alias="class")
    scoreScaleValue: list[TimebackScoreScaleValue] = Field()  # (may be empty: Timeback's has no minItems, 1EdTech's 1)


class TimebackPutScoreScaleBody(TimebackCreateScoreScaleBody):
    pass


class TimebackCreateAssessmentLineItemBody(NewRecord, TimebackAssessmentLineItem):
    title: str = Field(min_length=1)


class TimebackPutAssessmentLineItemBody(TimebackCreateAssessmentLineItemBody):
    pass


class TimebackCreateAssessmentResultBody(NewRecord, TimebackAssessmentResult):
    assessmentLineItem: Ref = Field()
    student: Ref = Field()
    scoreStatus: Known[TimebackScoreStatus] = Field()
    scoreDate: DateOrDateTime = Field()


class TimebackPutAssessmentResultBody(TimebackCreateAssessmentResultBody):
    pass


class TimebackPatchAssessmentResultBody(_PatchBody, TimebackAssessmentResult):
    """Only the fields sent are changed; ``metadata`` is merged key by key."""


class TimebackPatchAssessmentLineItemBody(_PatchBody, TimebackAssessmentLineItem):
    """Only the fields sent are changed; ``metadata`` is merged key by key."""


# ----- rostering bodies (required fields: those both the official spec and Timeback require)


class TimebackCreateOrgBody(NewRecord, TimebackOrg):
    name: str = Field(min_length=1)
    type: Known[TimebackOrgType] = Field()


class TimebackCreateAcademicSessionBody(NewRecord, TimebackAcademicSession):
    title: str = Field(min_length=1)
    startDate: DateOrDateTime = Field()
    endDate: DateOrDateTime = Field()
    type: Known[TimebackAcademicSessionType] = Field()
    schoolYear: YearText = Field()


class TimebackCreateCourseBody(NewRecord, TimebackCourse):
    title: str = Field(min_length=1)
    org: Ref = Field()


class TimebackUpdateClassBody(NewRecord, TimebackClass):
    """A class update (``PUT /classes/{sourcedId}``), as Timeback documents it: no field is required. A body with
    everything a class needs (``TimebackCreateClassBody``: title, course, terms, school or org) replaces the class,
    as OneRoster's PUT does; a body without some of those updates the class it names, the fields sent replacing
    its own. The class must be whole either way: a part for a class that does not exist is 422 naming what
    it lacks."""

    whole: ClassVar[type[TimebackModel]]  # (TimebackCreateClassBody, set below it)
    whole_record: ClassVar[bool] = False  # (a class read with fields= updates those fields)


class TimebackCreateClassBody(TimebackUpdateClassBody):
    # A whole class is a class update too: update_class takes this model, as it did before it took parts.
    # The school rule below, for JSON Schema readers (the server's OpenAPI document).
    model_config: ClassVar[ConfigDict] = ConfigDict(json_schema_extra={"anyOf": [
        {"required": [name], "properties": {name: {"type": "object"}}} for name in ("school", "org")
    ]})  # fmt: skip
    whole_record: ClassVar[bool] = True  # (create_class's body)

    title: str = Field(min_length=1)
    course: Ref = Field()
    terms: list[Ref] = Field(min_length=1)

    @model_validator(mode="after")
    def _needs_school(self, info: ValidationInfo) -> TimebackCreateClassBody:
        if self.school is None and self.org is None and is_strict(info):
            raise ValueError(_NEEDS_SCHOOL)
        return self

    @classmethod
    def rule_problems(cls, data: dict[str, Any]) -> list[str]:
        """What ``_needs_school`` refuses, read from JSON ``data``: the server names it with the errors of the fields,
        which keep the validator from running (``strict_problems_of_parts``), so one 422 names both."""
        return [_NEEDS_SCHOOL] if data.get("school") is None and data.get("org") is None else []


_NEEDS_SCHOOL = "a class needs its school, as 'school' (OneRoster) or 'org' (Timeback)"


TimebackUpdateClassBody.whole = TimebackCreateClassBody


class TimebackCreateSessionOfTypeBody(NewRecord, TimebackAcademicSession):
    """A term or grading period: an academic session whose type the path implies."""

    title: str = Field(min_length=1)
    startDate: DateOrDateTime = Field()
    endDate: DateOrDateTime = Field()
    schoolYear: YearText = Field()

    # Its type defaults to the path's and is sent: Timeback's grading-period writes require it.
    wire_defaults: ClassVar[frozenset[str]] = frozenset({"sourcedId", "status", "type"})  # (NewRecord's hook)


class TimebackCreateTermBody(TimebackCreateSessionOfTypeBody):
    """A term (``/terms/``, whose writes are the local server's own: Timeback's document only reads terms)."""

    type: Known[TimebackAcademicSessionType] = TimebackAcademicSessionType.TERM


class TimebackCreateGradingPeriodBody(TimebackCreateSessionOfTypeBody):
    type: Known[TimebackAcademicSessionType] = TimebackAcademicSessionType.GRADING_PERIOD


class TimebackCreateGradingPeriodForTermBody(TimebackCreateGradingPeriodBody):
    """A grading period posted under its term (``POST /terms/{id}/gradingPeriods``), whose body alone Timeback's
    document gives these two fields (required there, as string or null; optional here, sent only when given)."""

    tenantId: str | None = None
    clientAppId: str | None = None


def _false_if_null(flag: bool | str | None) -> bool | str:
    return "false" if flag is None else flag


class _EnrollmentBody(NewRecord, TimebackEnrollment):
    """``primary`` defaults to "false" and goes on the wire, as ``status`` does: Timeback's document gives that
    default on every enrollment create and PUT, and a stored enrollment without it escaped primary='false'. Its
    writes type it without null: null is the field left out, so the default too (stored null escaped the filter)."""

    primary: Annotated[TrueOrFalse | None, AfterValidator(_false_if_null)] = "false"

    wire_defaults: ClassVar[frozenset[str]] = frozenset({"sourcedId", "status", "primary"})  # (NewRecord's hook)


class TimebackCreateEnrollmentBody(_EnrollmentBody):
    user: Ref = Field()
    class_: Ref = Field(validation_alias="class", serialization_alias="class")
    role: Known[TimebackEnrollmentRole] = Field()


class TimebackClassEnrollmentBody(_EnrollmentBody):
    """An enrollment posted under a class: the class and role come from the path."""

    user: Ref = Field()


class TimebackCreateDemographicsBody(NewRecord, TimebackDemographics):
    # (its flags set after it is made, or by model_copy, are made words too: unchecked, a bool went out as a JSON
    # boolean)
    model_config: ClassVar[ConfigDict] = ConfigDict(validate_assignment=True)

    americanIndianOrAlaskaNative: WordFlag | None = None
    asian: WordFlag | None = None
    blackOrAfricanAmerican: WordFlag | None = None
    nativeHawaiianOrOtherPacificIslander: WordFlag | None = None
    white: WordFlag | None = None
    demographicRaceTwoOrMoreRaces: WordFlag | None = None
    hispanicOrLatinoEthnicity: WordFlag | None = None


class TimebackCreateUserBody(NewRecord, TimebackUser):
    enabledUser: TrueOrFalse = Field()
    email: NullIsAbsent[str] = Field(default=None, max_length=320)
    givenName: str = Field()
    familyName: str = Field()
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


class _Scoped(TimebackQueryParams):
    """A collection read under parents named in the path."""


class TimebackGetAllOrgsRequest(TimebackQueryParams):
    pass


class TimebackGetOrgRequest(_GetRequest):
    pass


class TimebackCreateOrgRequest(TimebackRequest):
    org: TimebackCreateOrgBody


class TimebackUpdateOrgRequest(_PutRequest):
    body_field: ClassVar[str] = "org"
    org: TimebackCreateOrgBody


class TimebackDeleteOrgRequest(_ByIdRequest):
    pass


class TimebackGetAllSchoolsRequest(TimebackQueryParams):
    pass


class TimebackGetSchoolRequest(_GetRequest):
    pass


class TimebackCreateSchoolRequest(TimebackRequest):
    org: TimebackCreateOrgBody


class TimebackUpdateSchoolRequest(_PutRequest):
    body_field: ClassVar[str] = "org"
    org: TimebackCreateOrgBody


class TimebackDeleteSchoolRequest(_ByIdRequest):
    pass


class TimebackGetAllAcademicSessionsRequest(TimebackQueryParams):
    pass


class TimebackGetAcademicSessionRequest(_GetRequest):
    pass


class TimebackCreateAcademicSessionRequest(TimebackRequest):
    academicSession: TimebackCreateAcademicSessionBody


class TimebackUpdateAcademicSessionRequest(_PutRequest):
    body_field: ClassVar[str] = "academicSession"
    academicSession: TimebackCreateAcademicSessionBody


class TimebackDeleteAcademicSessionRequest(_ByIdRequest):
    pass


class TimebackGetAllTermsRequest(TimebackQueryParams):
    pass


class TimebackGetTermRequest(_GetRequest):
    pass


class TimebackCreateTermRequest(TimebackRequest):
    academicSession: TimebackCreateTermBody


class TimebackUpdateTermRequest(_PutRequest):
    body_field: ClassVar[str] = "academicSession"
    academicSession: TimebackCreateTermBody


class TimebackDeleteTermRequest(_ByIdRequest):
    pass


class TimebackGetAllGradingPeriodsRequest(TimebackQueryParams):
    pass


class TimebackGetGradingPeriodRequest(_GetRequest):
    pass


class TimebackCreateGradingPeriodRequest(TimebackRequest):
    academicSession: TimebackCreateGradingPeriodBody


class TimebackUpdateGradingPeriodRequest(_PutRequest):
    body_field: ClassVar[str] = "academicSession"
    academicSession: TimebackCreateGradingPeriodBody


class TimebackDeleteGradingPeriodRequest(_ByIdRequest):
    pass


class TimebackGetAllCoursesRequest(TimebackQueryParams):
    pass


class TimebackGetCourseRequest(_GetRequest):
    pass


class TimebackCreateCourseRequest(TimebackRequest):
    course: TimebackCreateCourseBody


class TimebackUpdateCourseRequest(_PutRequest):
    body_field: ClassVar[str] = "course"
    course: TimebackCreateCourseBody


class TimebackDeleteCourseRequest(_ByIdRequest):
    pass


class TimebackGetAllClassesRequest(TimebackQueryParams):
    pass


class TimebackGetClassRequest(_GetRequest):
    pass


class TimebackCreateClassRequest(TimebackRequest):
    class_: TimebackCreateClassBody = Field(validation_alias="class", serialization_alias="class")


class TimebackUpdateClassRequest(_PutRequest):
    body_field: ClassVar[str] = "class_"
    class_: TimebackUpdateClassBody = Field(validation_alias="class", serialization_alias="class")


class TimebackDeleteClassRequest(_ByIdRequest):
    pass


class TimebackGetAllUsersRequest(TimebackQueryParams):
    pass


class TimebackGetUserRequest(_GetRequest):
    pass


class TimebackCreateUserRequest(TimebackRequest):
    model_config = HIDES_INPUT
    user: TimebackCreateUserBody


class TimebackUpdateUserRequest(_PutRequest):
    model_config = HIDES_INPUT
    body_field: ClassVar[str] = "user"
    user: TimebackCreateUserBody


class TimebackDeleteUserRequest(_ByIdRequest):
    pass


class TimebackGetAllEnrollmentsRequest(TimebackQueryParams):
    pass


class TimebackGetEnrollmentRequest(_GetRequest):
    pass


class TimebackCreateEnrollmentRequest(TimebackRequest):
    enrollment: TimebackCreateEnrollmentBody


class TimebackUpdateEnrollmentRequest(_PutRequest):
    body_field: ClassVar[str] = "enrollment"
    enrollment: TimebackCreateEnrollmentBody


class TimebackDeleteEnrollmentRequest(_ByIdRequest):
    pass


class TimebackGetAllDemographicsRequest(TimebackQueryParams):
    pass


class TimebackGetDemographicsRequest(_GetRequest):
    pass


class TimebackCreateDemographicsRequest(TimebackRequest):
    demographics: TimebackCreateDemographicsBody


class TimebackUpdateDemographicsRequest(_PutRequest):
    body_field: ClassVar[str] = "demographics"
    demographics: TimebackCreateDemographicsBody


class TimebackDeleteDemographicsRequest(_ByIdRequest):
    pass


class TimebackGetAllStudentsRequest(TimebackQueryParams):
    pass


class TimebackGetStudentRequest(_GetRequest):
    pass


class TimebackGetAllTeachersRequest(TimebackQueryParams):
    pass


class TimebackGetTeacherRequest(_GetRequest):
    pass


class TimebackGetStudentsForClassRequest(_Scoped):
    class_sourced_id: str = Field(min_length=1)


class TimebackGetTeachersForClassRequest(_Scoped):
    class_sourced_id: str = Field(min_length=1)


class TimebackGetClassesForCourseRequest(_Scoped):
    course_sourced_id: str = Field(min_length=1)


class TimebackGetClassesForSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)


class TimebackGetEnrollmentsForClassInSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)
    class_sourced_id: str = Field(min_length=1)


class TimebackGetStudentsForClassInSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)
    class_sourced_id: str = Field(min_length=1)


class TimebackGetTeachersForClassInSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)
    class_sourced_id: str = Field(min_length=1)


class TimebackGetCoursesForSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)


class TimebackGetEnrollmentsForSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)


class TimebackGetStudentsForSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)


class TimebackGetTeachersForSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)


class TimebackGetTermsForSchoolRequest(_Scoped):
    school_sourced_id: str = Field(min_length=1)


class TimebackGetClassesForStudentRequest(_Scoped):
    student_sourced_id: str = Field(min_length=1)


class TimebackGetClassesForTeacherRequest(_Scoped):
    teacher_sourced_id: str = Field(min_length=1)


class TimebackGetClassesForTermRequest(_Scoped):
    term_sourced_id: str = Field(min_length=1)


class TimebackGetGradingPeriodsForTermRequest(_Scoped):
    term_sourced_id: str = Field(min_length=1)


class TimebackGetClassesForUserRequest(_Scoped):
    user_sourced_id: str = Field(min_length=1)


class TimebackAddStudentToClassRequest(TimebackRequest):
    class_sourced_id: str = Field(min_length=1)
    enrollment: TimebackClassEnrollmentBody


class TimebackAddTeacherToClassRequest(TimebackAddStudentToClassRequest):
    pass


class TimebackCreateGradingPeriodForTermRequest(TimebackRequest):
    term_sourced_id: str = Field(min_length=1)
    academicSession: TimebackCreateGradingPeriodForTermBody
