"""Rostering records that gradebook integrations read and the local server stores.

Shapes follow Timeback's rostering write endpoints; as with the gradebook, every field is optional on the record
classes and the ``...Body`` classes in ``timeback.models.request`` make the required ones required.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler, StrictBool, WithJsonSchema
from pydantic_core import core_schema

from timeback.enums import (
    TimebackAcademicSessionType,
    TimebackClassType,
    TimebackEnrollmentRole,
    TimebackOrgType,
    TimebackRoleName,
    TimebackRoleType,
    TimebackSex,
)
from timeback.models._base import (
    HIDES_INPUT,
    DateOrDateTime,
    Day,
    KeyShapes,
    Known,
    Metadata,
    NullIsAbsent,
    TimebackModel,
)
from timeback.models.gradebook import TimebackEntity
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference

__all__ = [
    "TimebackAcademicSession",
    "TimebackClass",
    "TimebackCourse",
    "TimebackDemographics",
    "TimebackEnrollment",
    "TimebackOrg",
    "TimebackRole",
    "TimebackUser",
    "TimebackUserId",
    "TimebackUserProfile",
    "TimebackUserProfileApp",
    "TimebackUserProfileCredential",
]

Ref = TimebackSourcedIdReference


# A flag in a body sent: a JSON boolean or the strings "true"/"false", as both specs spell it; strict validation
# (the server's) refuses any other value, as Timeback does. The bool is strict in the SDK's lax validation too (as
# ``Number`` refuses a bool): pydantic's lax bool would send "yes", 0 or 1 as a boolean the server never got.
TrueOrFalse = StrictBool | Literal["true", "false"]


def _as_word(flag: bool | str) -> str:
    return ("true" if flag else "false") if type(flag) is bool else flag


# A demographics flag in a body sent: taken as ``TrueOrFalse``, sent as the string "true"/"false". Timeback's
# demographics writes type these flags as the strings (or null) with no boolean, as 1EdTech's DemographicsDType
# does, where its user and enrollment writes take a boolean too; a record read holds Python's bools.
WordFlag = Annotated[TrueOrFalse, AfterValidator(_as_word)]


class _FlagWords:
    """A flag read: a JSON boolean, or Timeback's "true"/"false" (how it answers them) as that bool, so that
    ``if user.enabledUser`` holds for enabled users only; any other string reads as sent (an API change never breaks
    parsing: one odd flag must not stop a listing of users). All in pydantic-core: no Python call per record."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        words = core_schema.chain_schema([core_schema.literal_schema(["true", "false"]), core_schema.bool_schema()])
        members: list[core_schema.CoreSchema | tuple[core_schema.CoreSchema, str]] = [
            core_schema.bool_schema(strict=True),
            words,
            core_schema.str_schema(),
            core_schema.bool_schema(),  # (last, pydantic's lax bool: 0/1 read as before; no string reaches it)
        ]
        return core_schema.union_schema(members, mode="left_to_right")


Flag = Annotated[bool | str, _FlagWords(), WithJsonSchema({"type": ["boolean", "string"]})]


def _year_as_text(year: Any) -> Any:
    return str(year) if type(year) is int else year


# A school year in a body sent: a string, as Timeback's and 1EdTech's writes type it, or an integer, as Timeback
# answers it (2026): a record read can be written back as read. Taken as the string either way (and answered as a
# number when it is one: the server's ``CollectionDef.answer_numbers``).
_YEAR_SCHEMA: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
YearText = Annotated[str, BeforeValidator(_year_as_text), WithJsonSchema(_YEAR_SCHEMA)]


# The metadata keys Timeback's writes give a shape, as its document writes them (tests/test_spec_coverage.py
# compares): the server refuses another shape of these keys (``KeyShapes``); other keys stay open.
def _numbers(*names: str) -> dict[str, Any]:
    return {"type": "object", "properties": {n: {"type": "number"} for n in names}, "additionalProperties": False}


def _onboarding_state(state: str, **more: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"state": {"type": "string", "const": state}, **more},
            "required": ["state"], "additionalProperties": False}  # fmt: skip


ENROLLMENT_METADATA = KeyShapes("ENROLLMENT_METADATA", {
    "goals": _numbers("dailyXp", "dailyLessons", "dailyActiveMinutes", "dailyAccuracy", "dailyMasteredUnits"),
    "metrics": _numbers("totalXp", "totalLessons"),
})  # fmt: skip
USER_METADATA = KeyShapes("USER_METADATA", {
    "onboarding": {"type": "object", "additionalProperties": {"oneOf": [
        _onboarding_state("not_started"),
        _onboarding_state("in_progress"),
        _onboarding_state("completed", completedAt={"type": "string"}, courseId={"type": ["string", "null"]}),
    ]}},
    "isTestUser": {"type": "boolean"},
})  # fmt: skip
ROLE_METADATA = KeyShapes("ROLE_METADATA", {
    "timebackRole": {"type": "string", "enum": [
        "head_of_school", "dean_of_parents", "campus_coordinator", "head_guide", "lead_guide", "guide",
        "guide_assistant", "reading_specialist", "parent", "student",
    ]},
    "alphaLevelAccess": {"type": "array", "items": {"type": "string"}},
})  # fmt: skip


class TimebackOrg(TimebackEntity):
    name: str | None = None
    type: Known[TimebackOrgType] | None = None
    identifier: str | None = None
    parent: Ref | None = None
    children: list[Ref] | None = None


class TimebackAcademicSession(TimebackEntity):
    title: str | None = None
    startDate: DateOrDateTime | None = None
    endDate: DateOrDateTime | None = None
    type: Known[TimebackAcademicSessionType] | None = None
    # Timeback answers the school year as a number (2025), OneRoster as a string; both read as the string. (Only on
    # reading; the bodies sent take either as the string: ``YearText``. The local server answers Timeback's number.)
    schoolYear: Annotated[str | None, WithJsonSchema({"anyOf": [*_YEAR_SCHEMA["anyOf"], {"type": "null"}]})] = Field(
        default=None, coerce_numbers_to_str=True
    )
    parent: Ref | None = None
    children: list[Ref] | None = None
    org: NullIsAbsent[Ref] = None


class TimebackCourse(TimebackEntity):
    title: str | None = None
    courseCode: str | None = None
    schoolYear: Ref | None = None
    academicSession: Ref | None = None
    org: Ref | None = None
    grades: list[str] | None = None
    subjects: list[str] | None = None
    subjectCodes: list[str] | None = None
    level: str | None = None
    gradingScheme: str | None = None
    resources: list[Ref] | None = None


class TimebackClass(TimebackEntity):
    # (NullIsAbsent where Timeback's document types the field without null in its writes and answers; it answers
    # null for course and school, so null is kept there)
    title: str | None = None
    classCode: str | None = None
    classType: NullIsAbsent[Known[TimebackClassType]] = None
    location: str | None = None
    grades: NullIsAbsent[list[str]] = None
    subjects: NullIsAbsent[list[str]] = None
    subjectCodes: NullIsAbsent[list[str]] = None
    periods: NullIsAbsent[list[str]] = None
    course: Ref | None = None
    # Timeback takes the school as ``org`` on input and answers ``school``; the official model says ``school``.
    school: Ref | None = None
    org: NullIsAbsent[Ref] = None
    terms: NullIsAbsent[list[Ref]] = None
    resources: NullIsAbsent[list[Ref]] = None


class TimebackRole(TimebackModel):
    roleType: Known[TimebackRoleType]
    role: Known[TimebackRoleName]
    org: Ref
    userProfile: NullIsAbsent[str] = None
    beginDate: DateOrDateTime | None = None
    endDate: DateOrDateTime | None = None
    metadata: Annotated[Metadata, ROLE_METADATA] = None


class TimebackUserId(TimebackModel):
    type: str
    identifier: str


class TimebackDemographics(TimebackEntity):
    """Demographics of a user; by OneRoster convention its sourcedId is the user's."""

    birthDate: Day | None = None
    sex: Known[TimebackSex] | None = None  # (null too: Timeback's list has it)
    # Flags, as enabledUser is: "true"/"false" in both specs (and null in Timeback's)
    americanIndianOrAlaskaNative: Flag | None = None
    asian: Flag | None = None
    blackOrAfricanAmerican: Flag | None = None
    nativeHawaiianOrOtherPacificIslander: Flag | None = None
    white: Flag | None = None
    demographicRaceTwoOrMoreRaces: Flag | None = None
    hispanicOrLatinoEthnicity: Flag | None = None
    countryOfBirthCode: str | None = None
    stateOfBirthAbbreviation: str | None = None
    cityOfBirth: str | None = None
    publicSchoolResidenceStatus: str | None = None


class TimebackUserProfileCredential(TimebackModel):
    id: str
    type: str
    username: str
    password: str | None = Field(default=None, repr=False)


class TimebackUserProfileApp(TimebackModel):
    sourcedId: str
    name: str
    description: str | None = None
    domain: list[str]
    metadata: Metadata = None


class TimebackUserProfile(TimebackModel):
    """One of a user's ``userProfiles``, as Timeback's ``User`` answers them (its writes do not list the field: it is
    taken so that a user read can be written back as read)."""

    profileId: str
    profileType: str
    vendorId: str
    applicationId: str
    description: str | None = None
    app: TimebackUserProfileApp
    credentials: list[TimebackUserProfileCredential] | None = None  # (Timeback's default: [])


class TimebackUser(TimebackEntity):
    model_config = HIDES_INPUT
    userMasterIdentifier: str | None = None
    username: str | None = None
    userIds: NullIsAbsent[list[TimebackUserId]] = None
    enabledUser: Flag | None = None
    givenName: str | None = None
    familyName: str | None = None
    middleName: str | None = None
    preferredFirstName: str | None = None
    preferredMiddleName: str | None = None
    preferredLastName: str | None = None
    pronouns: str | None = None
    roles: list[TimebackRole] | None = None  # (not NullIsAbsent: its roles' userProfile is; null is refused)
    primaryOrg: NullIsAbsent[Ref] = None
    email: NullIsAbsent[str] = None  # (an answer's is read as it is; the bodies sent keep RFC 5321's 320 characters)
    sms: str | None = None
    phone: str | None = None
    grades: NullIsAbsent[list[str]] = None
    agents: NullIsAbsent[list[Ref]] = None
    password: str | None = Field(default=None, repr=False)
    metadata: Annotated[Metadata, USER_METADATA] = None
    # Three fields Timeback's User answers and its user writes do not list: taken and stored as sent, so that a user
    # read from Timeback is written back as read (they were 422, unknown fields).
    identifier: str | None = None
    userProfiles: NullIsAbsent[list[TimebackUserProfile]] = None
    demographics: TimebackDemographics | None = None


class TimebackEnrollment(TimebackEntity):
    user: Ref | None = None
    class_: Ref | None = Field(default=None, validation_alias="class", serialization_alias="class")
    school: Ref | None = None
    course: Ref | None = None  # (its class's: a write without it takes that one, and one naming another is 422)
    role: Known[TimebackEnrollmentRole] | None = None
    primary: Flag | None = None
    beginDate: DateOrDateTime | None = None
    endDate: DateOrDateTime | None = None
    metadata: Annotated[Metadata, ENROLLMENT_METADATA] = None
