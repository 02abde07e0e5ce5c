"""The record collections the server stores, and the references between them.

This table is the server's schema: storage builds one table per stored collection from it (with an indexed
column per entry of ``indexed``) and the write path checks every reference listed in ``refs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CollectionDef:
    name: str  # the collection key on the wire ("lineItems")
    singular: str  # the single-record key on the wire ("lineItem")
    label: str  # for messages ("Line item")
    # reference path -> collection it must name. "x" is {sourcedId} at x; "x[]" a list of them; "x[].y" one per item.
    refs: dict[str, str] = field(default_factory=dict)
    indexed: tuple[str, ...] = ()  # references kept in their own indexed column, for scoped reads and filters
    stored_in: str | None = None  # a view over another collection's table (schools are orgs)
    fixed: tuple[tuple[str, str], ...] = ()  # field values every record of a view has

    @property
    def table(self) -> str:
        return self.stored_in or self.name


def _defs(*defs: CollectionDef) -> dict[str, CollectionDef]:
    return {d.name: d for d in defs}


COLLECTIONS: dict[str, CollectionDef] = _defs(
    # gradebook
    CollectionDef(
        "lineItems",
        "lineItem",
        "Line item",
        refs={
            "class": "classes",
            "school": "orgs",
            "category": "categories",
            "scoreScale": "scoreScales",
            "gradingPeriod": "academicSessions",
            "academicSession": "academicSessions",
        },
        indexed=("class", "school", "category"),
    ),
    CollectionDef(
        "results",
        "result",
        "Result",
        refs={"lineItem": "lineItems", "student": "users", "class": "classes", "scoreScale": "scoreScales"},
        indexed=("lineItem", "student", "class"),
    ),
    CollectionDef("categories", "category", "Category"),
    CollectionDef(
        "scoreScales",
        "scoreScale",
        "Score scale",
        refs={"class": "classes", "course": "courses"},
        indexed=("class", "course"),
    ),
    CollectionDef(
        "assessmentLineItems",
        "assessmentLineItem",
        "Assessment line item",
        refs={
            "class": "classes",
            "parentAssessmentLineItem": "assessmentLineItems",
            "scoreScale": "scoreScales",
            "course": "courses",
        },
        indexed=("class",),
    ),
    CollectionDef(
        "assessmentResults",
        "assessmentResult",
        "Assessment result",
        refs={"assessmentLineItem": "assessmentLineItems", "student": "users", "scoreScale": "scoreScales"},
        indexed=("assessmentLineItem", "student"),
    ),
    # rostering
    CollectionDef("orgs", "org", "Org", refs={"parent": "orgs"}, indexed=("parent",)),
    CollectionDef("schools", "org", "School", refs={"parent": "orgs"}, stored_in="orgs", fixed=(("type", "school"),)),
    CollectionDef(
        "academicSessions",
        "academicSession",
        "Academic session",
        refs={"parent": "academicSessions", "org": "orgs"},
        indexed=("parent", "org"),
    ),
    CollectionDef(
        "courses", "course", "Course", refs={"org": "orgs", "schoolYear": "academicSessions"}, indexed=("org",)
    ),
    CollectionDef(
        "classes",
        "class",
        "Class",
        refs={"course": "courses", "school": "orgs", "org": "orgs", "terms[]": "academicSessions"},
        indexed=("course", "school"),
    ),
    CollectionDef("users", "user", "User", refs={"primaryOrg": "orgs", "roles[].org": "orgs", "agents[]": "users"}),
)

TABLES: tuple[CollectionDef, ...] = tuple(d for d in COLLECTIONS.values() if d.stored_in is None)
