"""Enumerations used by Timeback's OneRoster models.

Every enum here is *open*: a value the SDK does not know (a newer Timeback release, an ``ext:`` token from the
OneRoster spec) still parses, as a pseudo-member whose ``.value`` is the string received. ``is_known()`` tells the
two apart. The local server rejects unknown values; the SDK never does, so an API change cannot break parsing.

Type checkers cannot know that: to them each enum is closed, its members all there is. A ``case _:`` (or last
``else``) after every member is marked unreachable (Pylance greys it out; strict pyright flags the ``case _:``, ``mypy
--warn-unreachable`` either), yet it is what runs for an unknown value. Test ``if not value.is_known():`` first, then
match the members. And ``assert_never`` after every member type-checks, then raises at run time on an unknown value:
don't use it on these enums.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = [
    "TimebackAcademicSessionType",
    "TimebackClassType",
    "TimebackEnrollmentRole",
    "TimebackGuidType",
    "TimebackOrgType",
    "TimebackRoleName",
    "TimebackRoleType",
    "TimebackScoreStatus",
    "TimebackSex",
    "TimebackStatus",
]


class _OpenEnum(str, Enum):
    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def is_known(self) -> bool:
        """True when this value is one of the enum's declared members."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str(self.value)


class TimebackStatus(_OpenEnum):
    ACTIVE = "active"
    TOBEDELETED = "tobedeleted"


class TimebackScoreStatus(_OpenEnum):
    EXEMPT = "exempt"
    FULLY_GRADED = "fully graded"
    NOT_SUBMITTED = "not submitted"
    PARTIALLY_GRADED = "partially graded"
    SUBMITTED = "submitted"


class TimebackGuidType(_OpenEnum):
    ACADEMIC_SESSION = "academicSession"
    ASSESSMENT_LINE_ITEM = "assessmentLineItem"
    ASSESSMENT_RESULT = "assessmentResult"
    CATEGORY = "category"
    CLASS = "class"
    COURSE = "course"
    DEMOGRAPHICS = "demographics"
    ENROLLMENT = "enrollment"
    LINE_ITEM = "lineItem"
    ORG = "org"
    RESULT = "result"
    SCORE_SCALE = "scoreScale"
    USER = "user"


class TimebackOrgType(_OpenEnum):
    DEPARTMENT = "department"
    DISTRICT = "district"
    LOCAL = "local"
    NATIONAL = "national"
    SCHOOL = "school"
    STATE = "state"


class TimebackAcademicSessionType(_OpenEnum):
    GRADING_PERIOD = "gradingPeriod"
    SEMESTER = "semester"
    SCHOOL_YEAR = "schoolYear"
    TERM = "term"


class TimebackClassType(_OpenEnum):
    HOMEROOM = "homeroom"
    SCHEDULED = "scheduled"


class TimebackRoleType(_OpenEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class TimebackRoleName(_OpenEnum):
    """A user's role at an org: Timeback's values and OneRoster 1.2's (which spells some of them otherwise)."""

    ADMINISTRATOR = "administrator"
    AIDE = "aide"
    COUNSELOR = "counselor"
    DISTRICT_ADMINISTRATOR = "districtAdministrator"
    GUARDIAN = "guardian"
    PARENT = "parent"
    PRINCIPAL = "principal"
    PROCTOR = "proctor"
    RELATIVE = "relative"
    SITE_ADMINISTRATOR = "siteAdministrator"
    STUDENT = "student"
    SYSTEM_ADMINISTRATOR = "system_administrator"  # Timeback's spelling
    SYSTEMADMINISTRATOR = "systemAdministrator"  # OneRoster 1.2's
    TEACHER = "teacher"


class TimebackSex(_OpenEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNSPECIFIED = "unspecified"


class TimebackEnrollmentRole(_OpenEnum):
    ADMINISTRATOR = "administrator"
    PROCTOR = "proctor"
    STUDENT = "student"
    TEACHER = "teacher"
