"""The record collections the server stores, and the references between them.

This table is the server's schema: storage builds one table per stored collection from it (with an indexed
column per entry of ``indexed``) and the write path checks every reference listed in ``refs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from timeback.models import gradebook as gb, rostering as ro


@dataclass(frozen=True)
class CollectionDef:
    name: str  # the collection key on the wire ("lineItems")
    singular: str  # the single-record key on the wire ("lineItem")
    label: str  # for messages ("Line item")
    model: type[BaseModel]  # the record's model: its fields are what filter, sort and fields may name
    # reference path -> collection it must name. "x" is {sourcedId} at x; "x[]" a list of them; "x[].y" one per item.
    refs: dict[str, str] = field(default_factory=dict)
    indexed: tuple[str, ...] = ()  # references kept in their own indexed column, for scoped reads and filters
    stored_in: str | None = None  # a view over another collection's table (schools are orgs)
    fixed: tuple[tuple[str, str], ...] = ()  # field values every record of a view has
    search: tuple[str, ...] = ()  # text fields Timeback's free-text ``search`` looks in (and sourcedId)
    # (alias, field): another name of ``field`` that writes may use, taken as ``field`` (both named must agree) and
    # neither stored nor answered; filter, sort and fields naming it name ``field``. Timeback takes a class's school
    # as ``org`` and answers it as ``school`` alone: answered both, a read-modify-write of the school sent the old
    # ``org`` back (422).
    aliases: tuple[tuple[str, str], ...] = ()
    # (field, via, source): when a write leaves ``field`` out, take the ``source`` reference of the record that
    # ``via`` names. A result without a class belongs to its line item's class, so class listings show it.
    derive: tuple[tuple[str, str, str], ...] = ()
    # (field, via, source): a write that names ``field`` must name the ``source`` reference of the record ``via``
    # names, else 422. An enrollment is at its class's school.
    agree: tuple[tuple[str, str, str], ...] = ()
    # (field, via, source): neither filled in nor checked, but when the record ``via`` names changes its ``source``,
    # the records holding its old one there take the new one, as ``derive`` fields do. A line item may name a school
    # its class is not of; one at its class's school, left behind by a class moved, was listed under a school the
    # class left and missing from its new one's.
    follow: tuple[tuple[str, str, str], ...] = ()
    # (column, path): a list kept as ",a,b," in its own column, for "contains" scopes (a class's terms, a user's
    # roles). Paths as in ``refs``: "terms[]" takes sourcedIds, "roles[].role" plain values.
    list_columns: tuple[tuple[str, str], ...] = ()
    role: str | None = None  # a view of users holding this role (students, teachers)
    noun: str = ""  # what a 404 calls a record where Timeback's word is not the label ("Organization 'o1' not found.")
    # (reference, field): when a view of the referenced collection holds the role this record's ``field`` names,
    # the record referenced must be in it. An enrollment with role student names a student: one without the role
    # would be enrolled and yet never listed among the class's students. Other roles name any user.
    holding: tuple[tuple[str, str], ...] = ()
    # text fields no two records of the table may hold alike, ASCII letters compared in any case and spaces around
    # left out (``unique_form``: an address that differs so alone reaches the same mailbox), "" held by any number:
    # Timeback's user ``email`` "Must be unique across all users",
    # deleted ones among them as its document does not except them. Writes naming a value another record holds are
    # 409. (A file written before may hold repeats: they stand, and a write of either must give one up.)
    unique: tuple[str, ...] = ()
    # Answered in the shape of Timeback's rostering response schemas (``service.answered``; gradebook answers stay as
    # stored, Timeback's gradebook schemas giving bare {sourcedId} references): None, as stored. Otherwise the
    # reference paths answered with ``href`` and ``type`` besides ``refs`` (an org's children, unchecked). A table's
    # alone: its views answer as it does (``shaped_as``).
    links: dict[str, str] | None = None
    answer_defaults: tuple[tuple[str, Any], ...] = ()  # (field, value) answered when absent: Timeback requires it
    answer_numbers: tuple[str, ...] = ()  # stored as strings, answered as numbers when integers (a school year)
    # (earlier, later): dates no write may give in reverse order, 422 naming the later one: an academic session
    # ending before it starts was stored, and every "sessions in effect on a day" filter missed it. "roles[].x": each
    # item's. A table's alone: its views check as it does.
    date_order: tuple[tuple[str, str], ...] = ()
    # Dates Timeback's document types date-time (a line item's assignDate and dueDate, a result's scoreDate): one sent
    # as a date alone (OneRoster's scoreDate is a date) is stored and answered as that day's start in UTC,
    # ``2024-01-15T00:00:00Z``, the form Timeback answers; ``service.as_moments``. Rostering's dates are Timeback's
    # plain strings: kept as sent. A table's alone.
    moments: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.stored_in or self.name

    @property
    def shaped_as(self) -> CollectionDef:
        """The definition whose ``links``, ``answer_defaults`` and ``answer_numbers`` shape this one's answers: its
        table's (a school answers as an org)."""
        return COLLECTIONS[self.table]


MIDNIGHT_UTC = "T00:00:00Z"  # what a date alone of ``moments`` is stored with: its day's start, UTC


def unique_form(value: str) -> str:
    """What ``CollectionDef.unique`` compares of a value: without the spaces around it, the ASCII letters in lower
    case, the others as they are (SQLite's ``trim`` and ``lower``, which storage compares with). Empty, none: a SIS
    export's "" for a student without an email is no one's (each after the first was a 409)."""
    return value.strip(" ").encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _defs(*defs: CollectionDef) -> dict[str, CollectionDef]:
    return {d.name: d for d in defs}


COLLECTIONS: dict[str, CollectionDef] = _defs(
    # gradebook
    CollectionDef(
        "lineItems", "lineItem", "Line item", gb.TimebackLineItem,
        refs={"class": "classes", "school": "orgs", "category": "categories", "scoreScale": "scoreScales",
              "gradingPeriod": "academicSessions", "academicSession": "academicSessions"},
        indexed=("class", "school", "category"), search=("title", "description"),
        follow=(("school", "class", "school"),), date_order=(("assignDate", "dueDate"),),
        moments=("assignDate", "dueDate"),
    ),
    CollectionDef(
        "results", "result", "Result", gb.TimebackResult,
        refs={"lineItem": "lineItems", "student": "users", "class": "classes", "scoreScale": "scoreScales"},
        indexed=("lineItem", "student", "class"), search=("comment", "textScore"),
        derive=(("class", "lineItem", "class"),), moments=("scoreDate",),
    ),
    CollectionDef("categories", "category", "Category", gb.TimebackCategory, search=("title",)),
    CollectionDef(
        "scoreScales", "scoreScale", "Score scale", gb.TimebackScoreScale,
        refs={"class": "classes", "course": "courses"}, indexed=("class", "course"), search=("title", "type"),
    ),
    CollectionDef(
        "assessmentLineItems", "assessmentLineItem", "Assessment line item", gb.TimebackAssessmentLineItem,
        refs={"class": "classes", "parentAssessmentLineItem": "assessmentLineItems", "scoreScale": "scoreScales",
              "course": "courses"},
        indexed=("class",), search=("title", "description"),
    ),
    CollectionDef(
        "assessmentResults", "assessmentResult", "Assessment result", gb.TimebackAssessmentResult,
        refs={"assessmentLineItem": "assessmentLineItems", "student": "users", "scoreScale": "scoreScales"},
        indexed=("assessmentLineItem", "student"), search=("comment", "textScore"), moments=("scoreDate",),
    ),
    # rostering
    CollectionDef(
        "orgs", "org", "Org", ro.TimebackOrg, refs={"parent": "orgs"}, indexed=("parent",),
        search=("name", "identifier"), noun="Organization", links={"children[]": "orgs"},
        answer_defaults=(("children", None),),
    ),
    CollectionDef(
        "schools", "org", "School", ro.TimebackOrg, refs={"parent": "orgs"}, stored_in="orgs",
        fixed=(("type", "school"),), search=("name", "identifier"),
    ),
    CollectionDef(
        "academicSessions", "academicSession", "Academic session", ro.TimebackAcademicSession,
        refs={"parent": "academicSessions", "org": "orgs"}, indexed=("parent", "org"), search=("title",),
        links={"children[]": "academicSessions"}, answer_numbers=("schoolYear",),
        date_order=(("startDate", "endDate"),),
    ),
    CollectionDef(
        "terms", "academicSession", "Term", ro.TimebackAcademicSession, refs={"parent": "academicSessions",
        "org": "orgs"}, stored_in="academicSessions", fixed=(("type", "term"),), search=("title",),
    ),
    CollectionDef(
        "gradingPeriods", "academicSession", "Grading period", ro.TimebackAcademicSession,
        refs={"parent": "academicSessions", "org": "orgs"}, stored_in="academicSessions",
        fixed=(("type", "gradingPeriod"),), search=("title",),
    ),
    CollectionDef(
        "courses", "course", "Course", ro.TimebackCourse,
        refs={"org": "orgs", "schoolYear": "academicSessions", "academicSession": "academicSessions"},
        indexed=("org",), search=("title", "courseCode"), links={},
    ),
    CollectionDef(
        "classes", "class", "Class", ro.TimebackClass,
        refs={"course": "courses", "org": "orgs", "school": "orgs", "terms[]": "academicSessions"},
        indexed=("course", "school"), search=("title", "classCode"), aliases=(("org", "school"),),
        list_columns=(("terms", "terms[]"),), links={}, answer_defaults=(("classCode", None), ("location", None)),
    ),
    CollectionDef(
        "users", "user", "User", ro.TimebackUser,
        refs={"primaryOrg": "orgs", "roles[].org": "orgs", "agents[]": "users"},
        search=("givenName", "familyName", "email", "username"),
        list_columns=(("roles", "roles[].role"), ("orgs", "roles[].org")), unique=("email",), links={},
        answer_defaults=(("agents", ()), ("userProfiles", ())),
        date_order=(("roles[].beginDate", "roles[].endDate"),),
    ),
    CollectionDef(
        "students", "user", "Student", ro.TimebackUser, stored_in="users", role="student",
        search=("givenName", "familyName", "email", "username"),
    ),
    CollectionDef(
        "teachers", "user", "Teacher", ro.TimebackUser, stored_in="users", role="teacher",
        search=("givenName", "familyName", "email", "username"),
    ),
    *(
        CollectionDef(
            name, "enrollment", "Enrollment", ro.TimebackEnrollment,
            refs={"user": "users", "class": "classes", "school": "orgs", "course": "courses"},
            indexed=("user", "class", "school", "course") if stored_in is None else (), stored_in=stored_in,
            fixed=fixed, derive=(("school", "class", "school"), ("course", "class", "course")),
            agree=(("school", "class", "school"), ("course", "class", "course")),
            holding=(("user", "role"),), links={}, answer_defaults=(("beginDate", None), ("endDate", None)),
            date_order=(("beginDate", "endDate"),),
        )
        for name, stored_in, fixed in (
            ("enrollments", None, ()),
            ("studentEnrollments", "enrollments", (("role", "student"),)),
            ("teacherEnrollments", "enrollments", (("role", "teacher"),)),
        )
    ),
    CollectionDef("demographics", "demographics", "Demographics", ro.TimebackDemographics,
                  noun="Demographics record", links={},
                  answer_defaults=tuple((name, None) for name in ro.TimebackDemographics.model_fields
                                        if name not in gb.TimebackEntity.model_fields)),
)  # fmt: skip

TABLES: tuple[CollectionDef, ...] = tuple(d for d in COLLECTIONS.values() if d.stored_in is None)
