"""``timeback demo``: the whole SDK, end to end, with no credentials and no network."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from timeback import Timeback
from timeback.enums import TimebackScoreStatus, TimebackStatus
from timeback.models.request import (
    TimebackCreateAssessmentResultBody,
    TimebackCreateAssessmentResultRequest,
    TimebackCreateLineItemBody,
    TimebackCreateResultBody,
    TimebackPostLineItemsForClassRequest,
    TimebackPostResultsForAcademicSessionForClassRequest,
    TimebackPutResultBody,
    TimebackPutResultRequest,
)
from timeback.models.timeback_assessment_line_item_ref import TimebackAssessmentLineItemRef
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference as Ref
from timeback.models.timeback_student_ref import TimebackStudentRef
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer
from timeback.server.storage.sql import sqlite_url

SCHOOL, TERM, COURSE, CLASS, CATEGORY = "school-1", "term-2024-fall", "course-math-7", "class-math-7a", "category-quiz"
STUDENTS = [
    ("student-1", "Ada", "Lovelace"),
    ("student-2", "Alan", "Turing"),
    ("student-3", "Grace", "Hopper"),
    ("student-4", "Edsger", "Dijkstra"),
    ("student-5", "Barbara", "Liskov"),
]


def demo_roster() -> dict[str, Any]:
    """A school, a term, a course, a class, five students enrolled, a quiz category and an assessment line item:
    the same JSON a user would give ``timeback serve --seed``. Each holds what Timeback's document requires of it
    (a user's ``email``, a school's ``identifier``, a class's ``classType``, and its school as ``org``), which this
    server does not ask for: copied, it is taken by production too."""
    school = {"sourcedId": SCHOOL}
    return {
        "schools": [{"sourcedId": SCHOOL, "name": "Lincoln Middle School", "type": "school",
                     "identifier": "LMS-001"}],
        "terms": [{"sourcedId": TERM, "title": "Fall 2024", "startDate": "2024-08-26", "endDate": "2024-12-20",
                   "schoolYear": "2025", "org": school}],
        "courses": [{"sourcedId": COURSE, "title": "Math 7", "org": school}],
        "classes": [{"sourcedId": CLASS, "title": "Math 7 - Period A", "course": {"sourcedId": COURSE},
                     "classType": "scheduled", "org": school, "terms": [{"sourcedId": TERM}]}],
        "users": [{"sourcedId": sid, "enabledUser": True, "givenName": given, "familyName": family,
                   "email": f"{given.lower()}.{family.lower()}@example.org",
                   "roles": [{"roleType": "primary", "role": "student", "org": school}]}
                  for sid, given, family in STUDENTS],
        "enrollments": [{"sourcedId": f"enrollment-{sid}", "user": {"sourcedId": sid}, "class": {"sourcedId": CLASS},
                         "role": "student"} for sid, _, _ in STUDENTS],
        "categories": [{"sourcedId": CATEGORY, "title": "Quizzes", "weight": 0.4}],
        "assessmentLineItems": [{"sourcedId": "assessment-1", "title": "Unit 1 diagnostic"}],
    }  # fmt: skip


def run_seed_operations(client: Timeback) -> str:
    """The four operations of the interface documents, written the way they show them."""
    gb = client.oneroster.gradebook
    quizzes = [
        TimebackCreateLineItemBody(
            sourcedId=f"line-item-{n}",
            title=f"Math Quiz {n}",
            assignDate=f"2024-09-{n * 7:02d}T00:00:00Z",
            dueDate=f"2024-09-{n * 7 + 5:02d}T23:59:59Z",
            class_=Ref(sourcedId=CLASS),
            school=Ref(sourcedId=SCHOOL),
            category=Ref(sourcedId=CATEGORY),
            status=TimebackStatus.ACTIVE,
            resultValueMin=0.0,
            resultValueMax=100.0,
        )
        for n in (1, 2)
    ]
    gb.post_line_items_for_class(TimebackPostLineItemsForClassRequest(class_sourced_id=CLASS, lineItems=quizzes))

    scores = [95.5, 88.0, 72.5, 100.0, 64.0]
    results = [
        TimebackCreateResultBody(
            sourcedId=f"result-1-{sid}",
            lineItem=Ref(sourcedId="line-item-1"),
            student=Ref(sourcedId=sid),
            scoreStatus=TimebackScoreStatus.FULLY_GRADED,
            scoreDate="2024-09-12T10:00:00Z",
            score=score,
            class_=Ref(sourcedId=CLASS),
        )
        for (sid, _, _), score in zip(STUDENTS, scores, strict=True)
    ]
    gb.post_results_for_academic_session_for_class(
        TimebackPostResultsForAcademicSessionForClassRequest(
            class_sourced_id=CLASS, academic_session_sourced_id=TERM, results=results
        )
    )
    for (sid, _, _), score in zip(STUDENTS[:3], (91.0, 79.5, 104.0), strict=True):  # 104: extra credit is legal
        gb.put_result(
            TimebackPutResultRequest(
                sourced_id=f"result-2-{sid}",
                result=TimebackPutResultBody(
                    lineItem=Ref(sourcedId="line-item-2"),
                    student=Ref(sourcedId=sid),
                    scoreStatus=TimebackScoreStatus.FULLY_GRADED,
                    scoreDate="2024-09-19T10:00:00Z",
                    score=score,
                    class_=Ref(sourcedId=CLASS),
                ),
            )
        )
    created = gb.create_assessment_result(
        TimebackCreateAssessmentResultRequest(
            assessmentResult=TimebackCreateAssessmentResultBody(
                assessmentLineItem=TimebackAssessmentLineItemRef(sourcedId="assessment-1"),
                student=TimebackStudentRef(sourcedId="student-1"),
                scoreStatus=TimebackScoreStatus.FULLY_GRADED,
                scoreDate="2024-09-05",
                score=85.5,
                comment="Good work!",
            )
        )
    )
    return str(created.sourcedIdPairs.allocatedSourcedId)


def gradebook_table(client: Timeback) -> Table:
    gb = client.oneroster.gradebook
    # The line items' titles by sourcedId (every record the server answers has one)
    titles = {
        item.sourcedId: item.title or item.sourcedId
        for item in gb.get_line_items_for_class(class_sourced_id=CLASS, sort="dueDate")
        if item.sourcedId
    }
    cells = {
        (r.student.sourcedId, r.lineItem.sourcedId): r
        for r in gb.get_results_for_class(class_sourced_id=CLASS)
        if r.student and r.lineItem
    }
    table = Table(title=f"Gradebook: {CLASS} ({TERM})")
    table.add_column("Student")
    for title in titles.values():
        table.add_column(title, justify="right")
    enrolled = {u.sourcedId: u for u in client.oneroster.rostering.get_students_for_class(class_sourced_id=CLASS)}
    for sid, given, family in STUDENTS:
        if sid not in enrolled:
            continue
        row = []
        for line_item_id in titles:
            result = cells.get((sid, line_item_id))
            row.append("-" if result is None else f"{result.score:g}" if result.score is not None else "?")
        table.add_row(f"{given} {family}", *row)
    return table


class OutputUnwritable(Exception):
    """Standard output could not be written (``timeback demo >/dev/full``): the command says so in a line, where
    rich's console raised its OSError through the whole demo, an 86-line traceback."""


class _Console(Console):
    def print(self, *objects: Any, **options: Any) -> None:
        try:
            super().print(*objects, **options)
        except OSError as exc:  # (not a BrokenPipeError: rich handles that itself, exit 1)
            raise OutputUnwritable(exc.strerror or str(exc)) from exc

    def say(self, text: str) -> None:
        """A line of prose, not wrapped at the console's width: outside a terminal (a pipe, a CI log) that is 80 or
        $COLUMNS, and an identifier was split across lines, each wrapped line ending in a space."""
        self.print(text, soft_wrap=True)


def run_demo() -> int:
    console = _Console()
    with tempfile.TemporaryDirectory(prefix="timeback-demo-") as tmp:
        seed = Path(tmp) / "roster.json"
        seed.write_text(json.dumps(demo_roster()))
        settings = ServerSettings(database=sqlite_url(Path(tmp) / "demo.db"), seed=str(seed))
        with LocalServer(settings) as server:
            console.say(f"Started a local Timeback-compatible server on {server.url}")
            console.say("Seeded a school from a roster file: 1 class, 1 term, 5 enrolled students, 1 category")
            # (the server is on loopback, in this process: never through a proxy the environment names)
            with Timeback(**server.client_kwargs(), http_client=httpx.Client(trust_env=False)) as client:
                assessment_result_id = run_seed_operations(client)
                console.say(
                    "Ran post_line_items_for_class, post_results_for_academic_session_for_class, put_result, "
                    "create_assessment_result through the SDK"
                )
                console.print(gradebook_table(client))
                gb = client.oneroster.gradebook
                assessment = gb.get_assessment_result(sourced_id=assessment_result_id).assessmentResult
                item = gb.get_assessment_line_item(sourced_id="assessment-1").assessmentLineItem
                console.say(
                    f"Assessment result {assessment.sourcedId}: {item.title}, student-1 scored {assessment.score:g} "
                    f"({assessment.scoreStatus}), comment {assessment.comment!r}"
                )
    console.say("Stopped the server. Done.")
    return 0
