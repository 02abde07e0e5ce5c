"""Creates are safe to retry: when an answer is lost after the server stored the records, the retry's 409 is
confirmed by reading the records back, and the call succeeds with nothing created twice.

The server is real; only the dropped connection is simulated, by a transport that forwards each request to the
server over HTTP and then throws the first POST's answer away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

import httpx
import pytest

import timeback._base_client as engine
from tests.support import (
    AsyncFromSync,
    Forwarding,
    Roster,
    SendsItsOwnRequest,
    add_line_items,
    enriched,
    line_item_body,
    loop_turns,
    result_body,
    uid,
    without_totals,
)
from timeback import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncTimeback,
    ConflictError,
    ServerError,
    Timeback,
    _read_back,
)
from timeback.server.runner import LocalServer


class LosesFirstAnswer(Forwarding):
    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and not request.url.path.startswith("/oauth2") and self.lost == 0:
            response.read()
            response.close()
            self.lost += 1
            return self.instead(request)
        return response

    def instead(self, request: httpx.Request) -> httpx.Response:
        """What the client gets in place of the server's answer: none, the connection dropped."""
        raise httpx.ReadError("connection dropped after the server answered", request=request)


class AnswersFirstWrite504(LosesFirstAnswer):
    """The first create reaches the server, which stores it; its answer is replaced by a 504 with an imsx body (a
    gateway or an app server that timed out waiting, after the commit)."""

    def instead(self, request: httpx.Request) -> httpx.Response:
        body = {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": "Gateway timeout."}
        return httpx.Response(504, json=body)


def test_a_write_answered_504_with_an_imsx_body_may_have_been_stored_and_is_read_back(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a read's imsx 504 is the server stopping its query (not retried); a write's may follow its commit. It was
    raised as not stored (a create sent again then met 409; a bulk batch failed, not maybe stored)."""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    (line_item,) = add_line_items(client, roster, 1)
    category = uid("cat")
    rows = [result_body(line_item, student, uid("r")) for student in roster.students]
    one, batch = AnswersFirstWrite504(), AnswersFirstWrite504()
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=one)) as through:
        created = through.oneroster.gradebook.create_category(category={"sourcedId": category, "title": "T"})
    assert created.retries_taken == 1 and created.sourcedIdPairs[0].allocatedSourcedId == category
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=batch)) as through:
        summary = through.oneroster.gradebook.bulk_post_results(rows)
    assert (summary.stored, summary.failed, one.lost, batch.lost) == (3, 0, 1, 1), summary.failures
    assert client.oneroster.gradebook.get_category(sourced_id=category).category.title == "T"
    stored = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'")
    assert sorted(r.sourcedId for r in stored) == sorted(row["sourcedId"] for row in rows)


@pytest.fixture
def lossy(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Timeback, LosesFirstAnswer]]:
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    transport = LosesFirstAnswer()
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as client:
        yield client, transport


def test_lost_batch_answer_is_confirmed_not_duplicated(lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback,
                                                      roster: Roster) -> None:  # fmt: skip
    lossy_client, transport = lossy
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(class_sourced_id=roster.class_,
                                                         lineItems=[line_item_body(roster, line_item)])  # fmt: skip
    results = [result_body(line_item, s, score=80 + i) for i, s in enumerate(roster.students)]
    resp = lossy_client.oneroster.gradebook.post_results_for_academic_session_for_class(
        class_sourced_id=roster.class_, academic_session_sourced_id=roster.term, results=results
    )
    assert transport.lost == 1
    stored = list(client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_))
    assert [p.allocatedSourcedId for p in resp.sourcedIdPairs] == [r.sourcedId for r in stored]
    assert [r.score for r in stored] == [80, 81, 82]


def test_a_real_conflict_behind_a_lost_answer_still_raises(lossy: tuple[Timeback, LosesFirstAnswer],
                                                           client: Timeback) -> None:  # fmt: skip
    lossy_client, transport = lossy
    taken = uid("cat")
    client.oneroster.gradebook.create_category(category={"sourcedId": taken, "title": "Someone else's"})
    with pytest.raises(
        ConflictError, match="without its answer arriving, but the records read back are not those sent"
    ):
        lossy_client.oneroster.gradebook.create_category(category={"sourcedId": taken, "title": "Mine"})
    assert transport.lost == 1
    assert client.oneroster.gradebook.get_category(sourced_id=taken).category.title == "Someone else's"


@pytest.mark.parametrize(
    ("theirs", "mine"),
    [
        ({"score": 50, "comment": "teacher note"}, {}),  # (a score and a comment the call did not send)
        ({"metadata": {"passed": 1}}, {"metadata": {"passed": True}}),  # (Python's True == 1; JSON's true is not 1)
        ({"comment": "2024-01-16"}, {"comment": "2024-01-16T00:00:00Z"}),  # (text, not a date: not the same instant)
    ],
)
def test_a_stored_record_that_differs_only_beside_what_was_sent_is_not_the_call_s_own(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster, theirs: dict[str, object],
    mine: dict[str, object]
) -> None:  # fmt: skip
    """(Each was confirmed as the call's own: the caller told its create succeeded, the server holding another.)"""
    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    common = result_body(line_item, roster.students[0], uid("res"))
    del common["score"]
    client.oneroster.gradebook.create_result(result={**common, **theirs})
    with pytest.raises(ConflictError, match="the records read back are not those sent"):
        lossy_client.oneroster.gradebook.create_result(result={**common, **mine})
    assert transport.lost == 1
    stored = client.oneroster.gradebook.get_result(sourced_id=str(common["sourcedId"])).result.model_dump()
    assert {k: stored[k] for k in theirs} == theirs


def test_a_stored_result_in_another_class_than_its_line_item_s_is_not_the_call_s_own(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    """A create without a class gets its line item's: one read back holding another class was taken as the call's
    own (any class held counted as the server's). Its line item is read to tell; the line item's class still is."""
    from tests.support import make_roster

    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    common = result_body(line_item, roster.students[0], uid("res"))
    client.oneroster.gradebook.create_result(result={**common, "class": {"sourcedId": make_roster(client).class_}})
    with pytest.raises(ConflictError, match="the records read back are not those sent"):
        lossy_client.oneroster.gradebook.create_result(result=common)
    assert transport.lost == 1
    transport.lost = 0  # (the next create's answer lost too: its own record, the line item's class, confirmed)
    mine = result_body(line_item, roster.students[1], uid("res"))
    assert lossy_client.oneroster.gradebook.create_result(result=mine).retries_taken == 1
    assert transport.lost == 1


class LosesFirstAnswerAndLineItemReads(LosesFirstAnswer):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "/lineItems/" in request.url.path:
            return httpx.Response(503, json={"imsx_codeMajor": "failure", "imsx_description": "busy"})
        return super().handle_request(request)


def test_a_line_item_that_cannot_be_read_to_confirm_a_result_s_class_says_so(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(A 503 reading the line item was skipped, and the 409 then said the records read back were not those sent,
    where README promises the message says the reading failed.)"""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)
    (line_item,) = add_line_items(client, roster, 1)
    transport = LosesFirstAnswerAndLineItemReads()
    with Timeback(**server.client_kwargs(), max_retries=1, http_client=httpx.Client(transport=transport)) as lossy:
        with pytest.raises(ConflictError, match=r"reading them back to confirm it failed \(503\)"):
            lossy.oneroster.gradebook.create_result(result=result_body(line_item, roster.students[0], uid("res")))
    assert transport.lost == 1


def test_a_lost_bulk_batch_answer_is_confirmed_from_its_encoded_records(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    results = [result_body(line_item, s, score=60 + i) for i, s in enumerate(roster.students)]
    summary = lossy_client.oneroster.gradebook.bulk_post_results(results, batch_size=2, concurrency=1)
    assert transport.lost == 1 and summary.ok and summary.stored == len(results), summary.failures
    assert summary.retries_taken == 1
    stored = client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_)
    assert sorted(r.score for r in stored) == [60, 61, 62]  # each once


def test_a_real_conflict_behind_a_lost_bulk_answer_is_a_failure(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    theirs = result_body(line_item, roster.students[0], uid("res"), score=99)
    client.oneroster.gradebook.put_result(sourced_id=theirs["sourcedId"], result=theirs)
    mine = {**theirs, "score": 60}  # the same sourcedId: what the server holds does not read back as sent
    summary = lossy_client.oneroster.gradebook.bulk_post_results([mine], concurrency=1)
    assert transport.lost == 1 and summary.stored == 0 and summary.failures[0].status_code == 409
    assert "the records read back are not those sent" in summary.failures[0].reason
    assert client.oneroster.gradebook.get_result(sourced_id=theirs["sourcedId"]).result.score == 99


def test_a_lost_answer_for_records_sent_as_deleted_is_confirmed(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    # (a mirror of a source system sends its deleted records as tobedeleted. They leave listings, so the read-back
    # through the listing found none of them: the batch was reported failed with a 409, though stored as sent)
    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    statuses = ["tobedeleted", "active", "tobedeleted"]
    rows = [result_body(line_item, s, uid("res"), status=st) for s, st in zip(roster.students, statuses, strict=True)]
    summary = lossy_client.oneroster.gradebook.bulk_post_results(rows, concurrency=1)
    assert transport.lost == 1 and summary.ok and summary.stored == 3, summary.failures
    gb = client.oneroster.gradebook
    assert [gb.get_result(sourced_id=str(r["sourcedId"])).result.status for r in rows] == statuses
    transport.lost = 0
    single = result_body(line_item, roster.students[0], uid("res"), status="tobedeleted")
    resp = lossy_client.oneroster.gradebook.create_result(result=single)
    assert transport.lost == 1 and resp.sourcedIdPairs.allocatedSourcedId == single["sourcedId"]


@pytest.mark.parametrize("method", ["add_student_to_class", "add_teacher_to_class"])
def test_a_lost_enrollment_answer_under_a_class_is_confirmed(lossy: tuple[Timeback, LosesFirstAnswer],
                                                            client: Timeback, roster: Roster, method: str) -> None:  # fmt: skip
    # (their records are enrollments, read back through /enrollments: the operation's own collection,
    # studentEnrollments or teacherEnrollments, has no listing, and the retry's 409 was raised unconfirmed)
    lossy_client, transport = lossy
    user = roster.students[0]
    if method == "add_teacher_to_class":  # (a class's teacher is a user holding the teacher role)
        user = uid("teacher")
        client.oneroster.rostering.create_user(user={"sourcedId": user, "enabledUser": True, "givenName": "T",
            "familyName": "T", "roles": [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": roster.school}}]})  # fmt: skip
    resp = getattr(lossy_client.oneroster.rostering, method)(class_sourced_id=roster.class_,
                                                             enrollment={"user": {"sourcedId": user}})  # fmt: skip
    assert transport.lost == 1
    (stored,) = client.oneroster.rostering.get_enrollments_for_class_in_school(
        school_sourced_id=roster.school, class_sourced_id=roster.class_
    )
    assert resp.sourcedIdPairs.allocatedSourcedId == stored.sourcedId and stored.user.sourcedId == user


@pytest.mark.parametrize("flag", [True, "false"])
def test_a_lost_user_answer_is_confirmed_though_its_flag_is_answered_as_a_word(
    lossy: tuple[Timeback, LosesFirstAnswer], roster: Roster, flag: bool | str
) -> None:
    """The server (as Timeback) answers enabledUser as "true"/"false" though a JSON boolean was sent: the record
    read back is the one sent all the same, not "the records read back are not those sent"."""
    lossy_client, transport = lossy
    user = {"sourcedId": uid("user"), "enabledUser": flag, "givenName": "G", "familyName": "F",
            "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": roster.school}}]}  # fmt: skip
    resp = lossy_client.oneroster.rostering.create_user(user=user)
    assert transport.lost == 1 and resp.sourcedIdPairs.allocatedSourcedId == user["sourcedId"]


def test_every_create_can_be_confirmed_by_reading_back() -> None:
    from timeback._operations import LISTERS, READERS
    from timeback.resources import GradebookOperations, RosteringOperations

    for service in (GradebookOperations, RosteringOperations):
        for op in service.operations():
            if op.kind in ("create", "batch_create"):
                key = (op.base_path, op.stored_in or op.collection)
                assert key in LISTERS or key in READERS, f"{op.name}: nothing reads its records back"


def test_a_create_through_a_view_implies_what_the_server_sets() -> None:
    # (a create read back through another collection (a class's students, through /enrollments) is confirmed only
    # with the values its view fixes: the SDK's declaration and the server's must not drift apart)
    from timeback.resources import GradebookOperations, RosteringOperations
    from timeback.server.collections import COLLECTIONS

    for service in (GradebookOperations, RosteringOperations):
        for op in service.operations():
            if op.kind in ("create", "batch_create") and op.stored_in:
                assert dict(op.implies) == dict(COLLECTIONS[op.collection].fixed), op.name


def test_a_lost_school_answer_is_confirmed(lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback) -> None:
    # (the listing that reads schools back answers them under "orgs", not under the collection's own "schools")
    lossy_client, transport = lossy
    school = uid("school")
    resp = lossy_client.oneroster.rostering.create_school(org={"sourcedId": school, "name": "S", "type": "school"})
    assert transport.lost == 1
    assert resp.sourcedIdPairs.allocatedSourcedId == school
    assert client.oneroster.rostering.get_school(sourced_id=school).org.name == "S"


def test_a_lost_answer_for_a_class_given_its_school_as_org_is_confirmed(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    # (Timeback takes the school as org and answers it as school alone, as the server does: the org sent is read
    # back as that school; one naming another school is not the call's own)
    lossy_client, transport = lossy
    klass, other = uid("class"), uid("class")
    body = {"title": "K", "course": {"sourcedId": roster.course}, "terms": [{"sourcedId": roster.term}],
            "org": {"sourcedId": roster.school}}  # fmt: skip
    resp = lossy_client.oneroster.rostering.create_class(**{"class": {"sourcedId": klass, **body}})
    assert transport.lost == 1
    assert resp.sourcedIdPairs.allocatedSourcedId == klass
    assert client.oneroster.rostering.get_class(sourced_id=klass).class_.school.sourcedId == roster.school
    school = uid("school")
    client.oneroster.rostering.create_school(org={"sourcedId": school, "name": "S", "type": "school"})
    client.oneroster.rostering.create_class(**{"class": {"sourcedId": other, **body, "org": {"sourcedId": school}}})
    transport.lost = 0
    with pytest.raises(ConflictError, match="the records read back are not those sent"):
        lossy_client.oneroster.rostering.create_class(**{"class": {"sourcedId": other, **body}})


def test_a_lost_grading_period_answer_is_confirmed_with_the_record(lossy: tuple[Timeback, LosesFirstAnswer],
                                                                  roster: Roster) -> None:  # fmt: skip
    # (its answer holds the record created, as Timeback's does: so does the confirmed one, read back)
    lossy_client, transport = lossy
    period = uid("gp")
    resp = lossy_client.oneroster.rostering.create_grading_period_for_term(term_sourced_id=roster.term, academicSession={
        "sourcedId": period, "title": "Q1", "startDate": "2024-08-20", "endDate": "2024-10-20", "schoolYear": "2025"})  # fmt: skip
    assert transport.lost == 1
    assert resp.sourcedIdPairs.allocatedSourcedId == period
    assert resp.academicSession is not None and resp.academicSession.parent.sourcedId == roster.term


def test_a_record_of_another_parent_behind_a_lost_answer_still_raises(lossy: tuple[Timeback, LosesFirstAnswer],
                                                                     client: Timeback, roster: Roster) -> None:  # fmt: skip
    """A create under a parent (a class's students, a term's grading periods) sends no parent in its body: the path
    gives it. A record with the same sourcedId under another parent is not this call's: it was confirmed, as the
    fields sent matched, and the call succeeded with the student in no such class."""
    lossy_client, transport = lossy
    ro = client.oneroster.rostering
    other_class, other_term, enrollment, period = uid("class"), uid("term"), uid("enr"), uid("gp")
    ro.create_class(**{"class": {"sourcedId": other_class, "title": "K2", "course": {"sourcedId": roster.course},
                                 "school": {"sourcedId": roster.school}, "terms": [{"sourcedId": roster.term}]}})  # fmt: skip
    session = {"startDate": "2024-08-20", "endDate": "2024-10-20", "schoolYear": "2025"}
    ro.create_term(academicSession={"sourcedId": other_term, "title": "T2", **session})
    student = {"sourcedId": enrollment, "user": {"sourcedId": roster.students[0]}}
    ro.add_student_to_class(class_sourced_id=roster.class_, enrollment=student)
    ro.create_grading_period_for_term(term_sourced_id=roster.term, academicSession={
        "sourcedId": period, "title": "Q1", **session})  # fmt: skip
    with pytest.raises(ConflictError, match="the records read back are not those sent"):
        lossy_client.oneroster.rostering.add_student_to_class(class_sourced_id=other_class, enrollment=student)
    assert transport.lost == 1
    assert [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=other_class)] == []
    transport.lost = 0
    with pytest.raises(ConflictError, match="the records read back are not those sent"):
        lossy_client.oneroster.rostering.create_grading_period_for_term(term_sourced_id=other_term, academicSession={
            "sourcedId": period, "title": "Q1", **session})  # fmt: skip
    assert transport.lost == 1


@pytest.mark.parametrize(("method", "taken_by"), [("add_student_to_class", "add_teacher_to_class"),
                                                  ("add_teacher_to_class", "add_student_to_class")])  # fmt: skip
def test_an_enrollment_of_another_role_behind_a_lost_answer_still_raises(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster, method: str, taken_by: str
) -> None:
    """A class's students and teachers are both enrollments, read back through /enrollments: the role is the path's,
    not in the body. A teacher enrollment with the sourcedId, user and class of a student one was confirmed as the
    student create, which succeeded with the user in no way a student of the class."""
    lossy_client, transport = lossy
    ro = client.oneroster.rostering
    user, enrollment = uid("user"), uid("enr")
    ro.create_user(user={"sourcedId": user, "enabledUser": True, "givenName": "G", "familyName": "F", "roles": [
        {"roleType": "primary", "role": r, "org": {"sourcedId": roster.school}} for r in ("student", "teacher")]})  # fmt: skip
    sent = {"sourcedId": enrollment, "user": {"sourcedId": user}}
    getattr(ro, taken_by)(class_sourced_id=roster.class_, enrollment=sent)
    with pytest.raises(ConflictError, match="the records read back are not those sent"):
        getattr(lossy_client.oneroster.rostering, method)(class_sourced_id=roster.class_, enrollment=sent)
    assert transport.lost == 1
    assert ro.get_enrollment(sourced_id=enrollment).enrollment.role == taken_by.split("_")[1]  # (unchanged)


def test_a_lost_answer_is_confirmed_past_the_first_read_back_and_for_an_id_holding_a_quote(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    # (the records are read back _read_back.CONFIRM_CHUNK per request, their ids ORed in a filter where ' is doubled)
    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    count = _read_back.CONFIRM_CHUNK * 2 + 1
    results = [result_body(line_item, roster.students[0], f"{uid('res')}-o'{i}", score=i) for i in range(count)]
    summary = lossy_client.oneroster.gradebook.bulk_post_results(results, batch_size=count)
    assert transport.lost == 1 and summary.ok and summary.stored == count, summary.failures
    stored = client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_, limit=count + 1)
    assert sorted(r.score for r in stored) == list(range(count))  # each once


def test_a_lost_answer_is_confirmed_for_ids_an_at_list_cannot_hold(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    # (an "@" list splits its values at commas and trims them: such ids are read back ORed, the others in the list)
    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    tag = uid("res")
    ids = [f"{tag}-a,{i}" for i in range(3)] + [f"{tag}-plain-{i}" for i in range(2)] + [f" {tag}-spaced "]
    results = [result_body(line_item, roster.students[0], sid, score=i) for i, sid in enumerate(ids)]
    summary = lossy_client.oneroster.gradebook.bulk_post_results(results, batch_size=len(ids))
    assert transport.lost == 1 and summary.ok and summary.stored == len(ids), summary.failures


def test_a_create_repeated_without_a_lost_answer_is_a_conflict(client: Timeback) -> None:
    """Only a retried create reads its records back: a first attempt's 409 means the record was there before the
    call, even when it holds what this call sends (a caller creating twice learns of it)."""
    category = {"sourcedId": uid("cat"), "title": "Same"}
    client.oneroster.gradebook.create_category(category=category)
    with pytest.raises(ConflictError) as conflict:
        client.oneroster.gradebook.create_category(category=category)
    assert conflict.value.retries_taken == 0 and "retried" not in str(conflict.value)


class AlsoFailsTheReadBack(LosesFirstAnswer):
    """Loses the first POST's answer, then answers every read with 503 (the server, or the way to it, still
    failing), or with a proxy's HTML page: the retry's 409 cannot be confirmed."""

    def __init__(self, html: bool = False) -> None:
        super().__init__()
        self.html = html

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            if self.html:
                return httpx.Response(200, content=b"<html>Gateway says hello</html>")
            return httpx.Response(503, json={"imsx_description": "unavailable"})
        return super().handle_request(request)


@pytest.mark.parametrize("read", ["503", "html"])
def test_a_lost_answer_that_cannot_be_read_back_says_the_records_may_be_the_call_s_own(
    read: str, server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 409 stands (nothing confirmed it), but its message says the records may be this call's own, stored by
    the attempt whose answer was lost, rather than only that they exist: the bulk failure's reason too. (A read
    answered with an HTML page raised ValueError out of the upload.)"""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    (line_item,) = add_line_items(client, roster, 1)
    results = [result_body(line_item, s, score=70 + i) for i, s in enumerate(roster.students)]
    transport = AlsoFailsTheReadBack(html=read == "html")
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        summary = lossy_client.oneroster.gradebook.bulk_post_results(results, concurrency=1)
    assert transport.lost == 1 and summary.stored == 0 and summary.failures[0].status_code == 409
    reason = summary.failures[0].reason
    said = "503" if read == "503" else "200: the answer is not a JSON object"
    assert (
        "an earlier attempt may have stored them" in reason
        and f"reading them back to confirm it failed ({said})" in reason
    )
    stored = client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_)
    assert sorted(r.score for r in stored) == [70, 71, 72]  # (they were: the first attempt stored them)


class AlsoCannotReachTheReads(LosesFirstAnswer):
    """Loses the first POST's answer, then every read fails on the network."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            self.reads += 1
            raise httpx.ConnectError("the network is still down", request=request)
        return super().handle_request(request)


def test_a_read_back_lost_to_the_network_leaves_the_409_saying_so_after_one_read(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-back failing on the network raised APIConnectionError in place of the 409, and each of a batch's
    read-back requests would be tried (with its retries) after the first failed: now the first failed read ends the
    confirmation, and the 409 says no answer came."""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    (line_item,) = add_line_items(client, roster, 1)
    results = [result_body(line_item, s, uid("res")) for s in roster.students] * 40  # (120: three listing reads)
    results = [{**r, "sourcedId": f"{r['sourcedId']}-{i}"} for i, r in enumerate(results)]
    transport = AlsoCannotReachTheReads()
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport), max_retries=1) as lossy:
        with pytest.raises(ConflictError, match=r"reading them back to confirm it failed \(no answer\)"):
            lossy.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id=line_item, results=results)
    assert transport.lost == 1 and transport.reads == 2  # (one read, retried once; not the other two)


class HidesTotalsAndLosesFirstAnswer(LosesFirstAnswer):
    """Loses the first POST's answer, and answers listings without a total, their ``Link`` header kept
    (``tests.support.without_totals``)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return without_totals(request, super().handle_request(request))


@pytest.mark.parametrize("transport_class", [LosesFirstAnswer, HidesTotalsAndLosesFirstAnswer])
def test_a_lost_answer_is_confirmed_when_the_listing_serves_shorter_pages_than_asked(
    monkeypatch: pytest.MonkeyPatch, transport_class: type[LosesFirstAnswer]
) -> None:
    """The read-back asks for as many records a page as it reads back; a server serving fewer a page (here 10) left
    the rest on later pages, unread, and the batch stored by the attempt whose answer was lost was reported failed.
    From a server giving no total the same, its first page taken for the last though its ``Link`` named a next."""
    from tests.support import make_roster
    from timeback.server import ServerSettings

    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    transport = transport_class()
    with (
        LocalServer(ServerSettings(max_page_size=10)) as small_pages,
        Timeback(**small_pages.client_kwargs()) as client,
        Timeback(**small_pages.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client,
    ):
        roster = make_roster(client)
        (line_item,) = add_line_items(client, roster, 1)
        results = [result_body(line_item, roster.students[i % 3], uid(f"res-{i}"), score=i) for i in range(25)]
        summary = lossy_client.oneroster.gradebook.bulk_post_results(results, concurrency=1)
        assert transport.lost == 1 and summary.ok and summary.stored == 25, summary.failures
        stored = client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_, limit=10)
        assert sorted(r.score for r in stored) == list(range(25))  # each once


def test_the_confirmation_reads_keep_within_the_call_s_deadline(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``deadline=`` bounds a call, retries included, and the reads that confirm a lost answer are part of it. Each
    of them had the whole deadline again: on a server taking 1.5 s a request, a create with ``deadline=3.6`` (lost
    answer, retry, read) took 4.5 s and succeeded late. Now the read gets what is left, and the 409 stands, saying
    the read failed (the records may be the call's own). Here 2 s a request and ``deadline=5``: the read gets about
    1 s of the 2 it needs, and a loaded machine has 1 s for the work of the first two. (No timing asserted: the
    read given the whole deadline again succeeds.)"""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings

    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    (line_item,) = add_line_items(client, roster, 1)
    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=2000")
    with LocalServer(slow, storage=server.app.state.storage) as slow_server:  # (the same records, slowly)
        transport = LosesFirstAnswer()
        slow_server.app.state.tokens = server.app.state.tokens  # (its tokens from the server without faults: fast)
        token_url = f"{server.url}/oauth2/token"
        with Timeback(
            **slow_server.client_kwargs(), token_url=token_url, http_client=httpx.Client(transport=transport)
        ) as lossy_client:
            with pytest.raises(ConflictError) as conflict:
                lossy_client.oneroster.gradebook.create_result(
                    result=result_body(line_item, roster.students[0], uid("late")), deadline=5
                )
    assert transport.lost == 1 and "reading them back to confirm it failed (no answer)" in str(conflict.value)


@pytest.mark.parametrize("ran_out", ["timeout", "deadline"])
async def test_a_create_sent_by_a_transport_that_does_not_tell_what_it_wrote_may_have_been_stored(
    server: LocalServer, ran_out: str
) -> None:
    """``AsyncTimeback`` through a subclass of httpx's transport that sends a request of its own making (a signing
    one's: the SDK's trace, which watches what is written, never called), on a server that takes 2 s: its read
    timeout (0.5 s, the deadline 30 s away), or the deadline, ran out with the create written whole. Nothing seen
    written, it was "not sent": not read back, with retries left sent again. Now maybe stored, read back (the read
    times out too), as through any transport of a caller's."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings

    options: dict[str, Any] = {"deadline": 30, "timeout": httpx.Timeout(30, read=0.5)}
    if ran_out == "deadline":
        options = {"deadline": 1, "timeout": 30}
    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=2000")
    category = {"sourcedId": uid("cat"), "title": "Signed"}
    with LocalServer(slow, storage=server.app.state.storage) as slow_server:  # (the same records, slowly)
        slow_server.app.state.tokens = server.app.state.tokens  # (its tokens from the server without faults: fast)
        async with AsyncTimeback(**slow_server.client_kwargs(), token_url=f"{server.url}/oauth2/token",
                                 http_client=httpx.AsyncClient(transport=SendsItsOwnRequest())) as aclient:  # fmt: skip
            with pytest.raises(APITimeoutError) as lost:
                await aclient.oneroster.gradebook.create_category(category=category, max_retries=0, **options)
    assert lost.value._answer_lost and lost.value._not_sent is None, lost.value
    assert "so it may have stored the records" in str(lost.value), lost.value


class EnrichesReadsAndLosesFirstAnswer(LosesFirstAnswer):
    """Loses the first POST's answer, and writes the records read back as a server may that stores them otherwise
    (``tests.support.enrich``: references with ``href`` and ``type``, date-times with milliseconds)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return enriched(request, super().handle_request(request))


@pytest.mark.parametrize("score_date", ["2024-01-16T10:00:00Z", datetime(2024, 1, 16, 10, 0, 0, 123456, tzinfo=UTC)])
def test_a_lost_answer_is_confirmed_when_the_server_writes_the_records_otherwise(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch, score_date: object
) -> None:
    """The records read back carry the same values written otherwise (references with ``href`` and ``type``, a
    date-time to the millisecond: ``...:00.000Z``, or ``...:00.123Z`` for a ``datetime`` sent with microseconds):
    they are the records sent. Before, the 409 stood ("the records read back are not those sent") though the call's
    own first attempt had stored them."""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    (line_item,) = add_line_items(client, roster, 1)
    results = [result_body(line_item, s, uid("again"), score=80 + i, scoreDate=score_date)
               for i, s in enumerate(roster.students)]  # fmt: skip
    transport = EnrichesReadsAndLosesFirstAnswer()
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        summary = lossy_client.oneroster.gradebook.bulk_post_results(results, concurrency=1)
    assert transport.lost == 1 and summary.ok and summary.stored == 3, summary.failures
    transport = EnrichesReadsAndLosesFirstAnswer()  # (a single create, its answer lost)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        result = result_body(line_item, roster.students[0], uid("once"), scoreDate=score_date)
        created = lossy_client.oneroster.gradebook.create_result(result=result)
    assert transport.lost == 1 and created is not None and created.retries_taken == 1


def test_a_create_whose_only_attempt_lost_its_answer_is_confirmed(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback
) -> None:
    """No retry left to meet the 409 (``max_retries=0``, or retries that ran out on 503s): the create raised
    APIConnectionError though the server had stored it, and a caller creating it again met 409. Its record is now
    read back, as after a retry's 409: stored as sent, the call succeeds."""
    lossy_client, transport = lossy
    category = {"sourcedId": uid("cat"), "title": "Lost once"}
    created = lossy_client.oneroster.gradebook.create_category(category=category, max_retries=0)
    assert transport.lost == 1 and created is not None and created.retries_taken == 0
    assert client.oneroster.gradebook.get_category(sourced_id=category["sourcedId"]).category.title == "Lost once"


def test_a_create_whose_lost_answer_cannot_be_read_back_raises_saying_it_may_be_stored(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    transport = AlsoFailsTheReadBack()
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        with pytest.raises(APIConnectionError) as lost:
            lossy_client.oneroster.gradebook.create_category(category={"title": "Maybe"}, max_retries=0)
    assert str(lost.value).startswith(
        "connection failed: ReadError; an attempt of this call got no answer, so it may have stored the records, "
        "and reading them back to confirm it failed (503)"
    )


class CommitsAfterTheReadBack(Forwarding):
    """Holds the first API POST, its attempt timing out (as behind a gateway that is slow to pass it on), and passes
    it on to the server once the read-back that follows has been answered, finding nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.held: httpx.Request | None = None
        self.committed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not request.url.path.startswith("/oauth2") and self.held is None:
            # (a copy: the SDK takes its token off the request once sent)
            self.held = httpx.Request("POST", request.url, headers=dict(request.headers), content=request.read())
            raise httpx.ReadTimeout("no answer in time", request=request)
        response = self.inner.handle_request(request)
        if self.held is not None and request.method == "GET" and not self.committed:
            response.read()
            self.inner.handle_request(self.held).read()  # (committed now: the server holds the records)
            self.committed = True
        return response


MAY_BE_STORED_LATER = (
    "an attempt of this call got no answer, so it may have stored the records, though they were not found when read "
    "back (it may still be handled)"
)


def test_a_create_whose_lost_answer_is_not_found_when_read_back_says_it_may_be_stored(
    server: LocalServer, client: Timeback
) -> None:
    """A timeout does not say the server did nothing: it may commit after the read-back. Not found, the create's
    error was raised as it was ("request timed out"), as if nothing had been stored; the caller then met 409."""
    transport = CommitsAfterTheReadBack()
    category = {"sourcedId": uid("cat"), "title": "Late"}
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        with pytest.raises(APITimeoutError) as lost:
            lossy_client.oneroster.gradebook.create_category(category=category, max_retries=0)
    url = f"{server.url}/ims/oneroster/gradebook/v1p2/categories/"
    assert str(lost.value) == f"request timed out: ReadTimeout after 60 s; {MAY_BE_STORED_LATER} (POST {url})"
    assert transport.committed
    assert client.oneroster.gradebook.get_category(sourced_id=category["sourcedId"]).category.title == "Late"


class CutsCreateAnswersShort(Forwarding):
    """Answers each API POST 201 with its pairs cut short, mid-value (a gateway that cut the transfer), without
    passing it on: nothing is stored. Counts the POSTs."""

    def __init__(self) -> None:
        super().__init__()
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not request.url.path.startswith("/oauth2"):
            self.posts += 1
            return httpx.Response(201, content=b'{"sourcedIdPairs": [{"suppliedSo', request=request)
        return self.inner.handle_request(request)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_create_whose_201_is_cut_short_is_read_back_and_not_found_says_it_may_be_stored(
    server: LocalServer, client: Timeback, kind: str
) -> None:
    """A 2xx answer cut short says the write was done, not what was stored: the create is not sent again, and its
    records are read back as a lost answer's are (stored as sent, it succeeds: tests/test_client.py's cutting
    gateway); not found, its error says they may be stored. Before, it raised without reading them back."""
    transport = CutsCreateAnswersShort()
    category = {"sourcedId": uid("cat"), "title": "Cut"}
    with pytest.raises(APIResponseValidationError) as cut:
        if kind == "sync":
            with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as cutting:
                cutting.oneroster.gradebook.create_category(category=category)
        else:
            http = httpx.AsyncClient(transport=AsyncFromSync(transport))
            async with AsyncTimeback(**server.client_kwargs(), http_client=http) as acutting:
                await acutting.oneroster.gradebook.create_category(category=category)
    error = cut.value
    assert transport.posts == 1 and error._answer_lost and error.status_code == 201, error
    assert "EOF while parsing" in str(error), error
    said = "not retried (a POST); its records may have been stored all the same, though they were not found when read "
    said += "back (changed or deleted since?)"  # (not "it may still be handled": the 201 said it was)
    assert said in str(error) and str(error).count("succeeded") == 1, error  # (it said so twice: "(201)" too)


def test_a_bulk_batch_whose_lost_answer_is_not_found_when_read_back_fails_maybe_stored(
    server: LocalServer, client: Timeback, roster: Roster
) -> None:
    transport = CommitsAfterTheReadBack()
    (line_item,) = add_line_items(client, roster, 1)
    results = [result_body(line_item, s) for s in roster.students]
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        summary = lossy_client.oneroster.gradebook.bulk_post_results(results, concurrency=1, max_retries=0)
    assert (summary.stored, summary.failed, summary.taken) == (0, 3, 3)
    (failure,) = summary.failures
    said = f"request timed out: ReadTimeout after 60 s; {MAY_BE_STORED_LATER} (POST "
    assert failure.reason.startswith(said) and failure.status_code is None
    assert transport.committed
    assert len(list(client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_))) == 3


class LosesFirstAnswerThen(LosesFirstAnswer):
    """Loses the first POST's answer, and runs ``then()`` before raising its loss."""

    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then = then

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        lost = self.lost
        try:
            return super().handle_request(request)
        finally:
            if self.lost > lost:
                self.then()


@pytest.mark.parametrize("why", ["the client was closed", "no time left before the deadline"])
def test_a_read_back_never_sent_says_so_not_that_no_answer_came(server: LocalServer, why: str) -> None:
    """The create's answer lost, then the client closed (or the call's deadline passed): the read that would confirm
    it is never sent. Its error said the read "failed (no answer)", as if it had gone out and met silence."""
    import time

    closing = why.endswith("closed")
    transport = LosesFirstAnswerThen(lambda: None)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        # (the deadline passes while the answer is lost: 1.1 s after the attempt began, itself after the call began)
        transport.then = lossy_client.close if closing else lambda: time.sleep(1.1)
        with pytest.raises(APIConnectionError) as lost:
            lossy_client.oneroster.gradebook.create_category(category={"title": "Unread"}, max_retries=0, deadline=1.0)
    assert transport.lost == 1
    assert str(lost.value).startswith(
        "connection failed: ReadError; an attempt of this call got no answer, so it may have stored the records, "
        f"and they could not be read back to confirm it (not sent: {why})"
    ), str(lost.value)


class LosesTokenAnswers(Forwarding):
    """Forwards each request to the server; a token request's answer is thrown away (``lose_tokens`` of them), or
    the token request fails to connect (``refuse_tokens`` of them). ``losing_creates``: the first API POST's answer
    is thrown away too, and the client's token dropped then (``on_loss``), so that the retry asks for another."""

    def __init__(self, lose_tokens: int = 0, refuse_tokens: int = 0, losing_creates: bool = False) -> None:
        super().__init__()
        self.lose_tokens, self.refuse_tokens, self.losing_creates = lose_tokens, refuse_tokens, losing_creates
        self.token_requests = self.api_posts = self.reads = 0
        self.on_loss: Callable[[], None] = lambda: None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        is_token = request.url.path.startswith("/oauth2")
        if is_token:
            self.token_requests += 1
            if self.refuse_tokens:
                self.refuse_tokens -= 1
                raise httpx.ConnectError("the token endpoint is down", request=request)
        elif request.method == "POST":
            self.api_posts += 1
        else:
            self.reads += 1
        response = self.inner.handle_request(request)
        token_lost = is_token and self.lose_tokens > 0
        create_lost = not is_token and request.method == "POST" and self.losing_creates and self.api_posts == 1
        if token_lost or create_lost:
            response.read()
            response.close()
            if token_lost:
                self.lose_tokens -= 1
            else:
                self.on_loss()
            raise httpx.ReadError("connection dropped after the server answered", request=request)
        return response


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_token_request_whose_answer_was_lost_is_no_create_to_read_back(server: LocalServer, kind: str) -> None:
    """The token request's lost answer marked the call's error: the create, never sent, was read back as though
    it might be stored (another token request for the reads), and its error said it may have stored the records."""
    transport = LosesTokenAnswers(lose_tokens=2)
    category = {"title": "Never sent"}
    with pytest.raises(APIConnectionError) as failed:
        if kind == "sync":
            with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
                lossy_client.oneroster.gradebook.create_category(category=category, max_retries=0)
        else:
            http_client = httpx.AsyncClient(transport=AsyncFromSync(transport))
            async with AsyncTimeback(**server.client_kwargs(), http_client=http_client) as async_client:
                await async_client.oneroster.gradebook.create_category(category=category, max_retries=0)
    assert str(failed.value) == (
        f"connection failed: ReadError; getting a token for POST {server.url}"
        f"/ims/oneroster/gradebook/v1p2/categories/ (POST {server.url}/oauth2/token)"
    )
    assert transport.token_requests == 1 and transport.api_posts == 0 and transport.reads == 0


def test_a_lost_create_answer_is_confirmed_though_the_retry_s_token_request_failed(
    server: LocalServer, client: Timeback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The create's first attempt lost its answer; its retry needed a new token, and the token endpoint failed:
    the call ended with the token request's error, unmarked, and was not read back though its first attempt had
    stored the record. Now it is read back (with a token got then): stored as sent, the call succeeds."""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    transport = LosesTokenAnswers(losing_creates=True)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        lossy_client.oneroster.gradebook.get_all_categories(limit=1)  # (a token held)
        tokens = lossy_client._client._tokens

        def token_dropped_and_endpoint_down() -> None:
            tokens.invalidate(cast(str, tokens.current()))
            transport.refuse_tokens = 2  # (the token request and its one retry)

        transport.on_loss = token_dropped_and_endpoint_down
        category = {"sourcedId": uid("cat"), "title": "Lost, then no token"}
        created = lossy_client.oneroster.gradebook.create_category(category=category, max_retries=1)
    assert created is not None and created.sourcedIdPairs.allocatedSourcedId == category["sourcedId"]
    assert transport.api_posts == 1 and transport.token_requests == 4  # (held; 2 refused; one for the read)
    assert client.oneroster.gradebook.get_category(sourced_id=category["sourcedId"]).category.title == category["title"]


def test_a_lost_answer_for_a_body_model_changed_after_it_was_built_is_confirmed(
    lossy: tuple[Timeback, LosesFirstAnswer], client: Timeback, roster: Roster
) -> None:
    """The records read back are compared with the body validated again, as it was sent (``score`` 77, not the
    string assigned), and its dump does not warn (an error under pytest's filterwarnings) when the answer is lost."""
    from timeback.models.request import TimebackCreateResultBody

    lossy_client, transport = lossy
    (line_item,) = add_line_items(client, roster, 1)
    body = TimebackCreateResultBody.model_validate(result_body(line_item, roster.students[0]))
    body.score = "77"  # type: ignore[assignment]
    body.scoreStatus = "exempt"  # type: ignore[assignment]
    resp = lossy_client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id=line_item, results=[body])
    assert transport.lost == 1
    stored = client.oneroster.gradebook.get_result(sourced_id=body.sourcedId).result
    assert [p.allocatedSourcedId for p in resp.sourcedIdPairs] == [body.sourcedId]
    assert (stored.score, stored.scoreStatus) == (77, "exempt")


class LosesFirstAnswerOf(Forwarding):
    """Loses the server's answer to the first request of ``method``, after the server handled it."""

    def __init__(self, method: str) -> None:
        super().__init__()
        self.method, self.lost = method, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == self.method and self.lost == 0:
            response.read()
            response.close()
            self.lost += 1
            raise httpx.ReadError("connection dropped after the server answered", request=request)
        return response


@pytest.mark.parametrize("method", ["PUT", "DELETE", "GET"])
def test_an_update_or_delete_whose_answer_was_lost_says_it_may_have_been_applied(
    server: LocalServer, client: Timeback, method: str
) -> None:
    """A create whose answer was lost is read back; a PUT, PATCH or DELETE raised the network's error alone, and a
    caller took the record for unchanged while the server had applied it. A read has nothing to apply."""
    category = uid("cat")
    client.oneroster.gradebook.put_category(sourced_id=category, category={"title": "Before"})
    transport = LosesFirstAnswerOf(method)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy:
        gradebook = lossy.oneroster.gradebook
        with pytest.raises(APIConnectionError) as raised:
            if method == "PUT":
                gradebook.put_category(sourced_id=category, category={"title": "After"}, max_retries=0)
            elif method == "DELETE":
                gradebook.delete_category(sourced_id=category, max_retries=0)
            else:
                gradebook.get_category(sourced_id=category, max_retries=0)
    assert transport.lost == 1
    applied = "an attempt of this call got no answer, so it may have been applied"
    assert (applied in str(raised.value)) == (method != "GET")
    held = client.oneroster.gradebook.get_category(sourced_id=category).category
    assert (held.title, held.status) == {"PUT": ("After", "active"), "DELETE": ("Before", "tobedeleted"),
                                         "GET": ("Before", "active")}[method]  # fmt: skip


class GatewayTimesOutFirstOf(Forwarding):
    """Passes the first API request of ``method`` on to the server, which handles it, and answers it with a
    gateway's ``status`` (AWS's ``{"message": ...}``, no imsx body) in place of the server's answer: a gateway that
    gave up waiting after the backend committed. (A server cannot answer so for itself.)"""

    def __init__(self, method: str, status: int = 504) -> None:
        super().__init__()
        self.method, self.status, self.lost = method, status, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == self.method and not request.url.path.startswith("/oauth2") and self.lost == 0:
            response.read()
            response.close()
            self.lost += 1
            return httpx.Response(self.status, json={"message": "Endpoint request timed out"}, request=request)
        return response


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_s_502_or_504_after_the_backend_committed_counts_as_a_lost_answer(
    server: LocalServer, client: Timeback, status: int
) -> None:
    """A gateway's 502 or 504 says nothing of whether the backend handled the request, as a read timeout does not.
    A create so ended (its retries spent, or none) raised a plain ServerError, not read back though the server held
    it; an update's error did not say it may have been applied. Now the create is read back and confirmed, and the
    update's error says so."""
    category = {"sourcedId": uid("cat"), "title": "Behind a gateway"}
    creating = GatewayTimesOutFirstOf("POST", status)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=creating)) as gated:
        created = gated.oneroster.gradebook.create_category(category=category, max_retries=0)
    assert creating.lost == 1 and created is not None and created.retries_taken == 0
    updating = GatewayTimesOutFirstOf("PUT", status)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=updating)) as gated:
        with pytest.raises(ServerError) as raised:
            gated.oneroster.gradebook.put_category(
                sourced_id=category["sourcedId"], category={"title": "Changed"}, max_retries=0
            )
    assert updating.lost == 1 and raised.value.status_code == status
    assert "an attempt of this call got no answer, so it may have been applied" in str(raised.value)
    assert client.oneroster.gradebook.get_category(sourced_id=category["sourcedId"]).category.title == "Changed"


@pytest.mark.parametrize("lost", ["dropped", "gateway 504"])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_post_through_request_whose_answer_was_lost_is_not_sent_again(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch, lost: str, kind: str
) -> None:
    """``request()`` fixes no sourcedId and reads nothing back: its POST sent again after the server stored it made a
    second record (the server allocating another id), and the call returned the second's 201. Now it is not sent
    again, and its error says it may have been stored."""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    (line_item,) = add_line_items(client, roster, 1)
    transport = LosesFirstAnswer() if lost == "dropped" else GatewayTimesOutFirstOf("POST")
    path, body = "/ims/oneroster/gradebook/v1p2/results/", {"result": result_body(line_item, roster.students[0])}
    with pytest.raises((APIConnectionError, ServerError)) as raised:
        if kind == "sync":
            with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
                lossy_client.request("POST", path, json=body)
        else:
            http_client = httpx.AsyncClient(transport=AsyncFromSync(transport))
            async with AsyncTimeback(**server.client_kwargs(), http_client=http_client) as async_client:
                await async_client.request("POST", path, json=body)
    assert raised.value.retries_taken == 0
    assert "not retried: " in str(raised.value)
    assert "an attempt of this call got no answer, so it may have been stored" in str(raised.value)
    stored = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'")
    assert len(list(stored)) == 1


def test_a_put_through_request_whose_answer_was_lost_is_sent_again(
    server: LocalServer, client: Timeback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PUT is the same sent twice: ``request()`` retries it after a lost answer, as the operation methods do."""
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)  # (no waits to retry)
    category = uid("cat")
    transport = LosesFirstAnswerOf("PUT")
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as lossy_client:
        answer = lossy_client.request("PUT", f"/ims/oneroster/gradebook/v1p2/categories/{category}",
                                      json={"category": {"sourcedId": category, "title": "Twice"}})  # fmt: skip
    assert transport.lost == 1 and answer.is_success
    assert client.oneroster.gradebook.get_category(sourced_id=category).category.title == "Twice"


async def test_an_async_create_confirmed_by_reading_back_lets_the_event_loop_run_while_it_compares(
    server: LocalServer, client: Timeback, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A create of 400 results whose answer was lost is confirmed by comparing each record read back with the one
    sent, twice (as stored; as written, with what the server derives), work of the client's own: it held an async
    app's event loop for the whole batch (1,000 records: tens of milliseconds, its other requests waiting). Each
    compare now lets the loop run every 200 records, as the bulk helper's re-sync does."""
    monkeypatch.setattr(engine, "_pause_async", _no_wait)  # (the retry that meets 409 goes at once)
    (line_item,) = add_line_items(client, roster, 1)
    results = [result_body(line_item, roster.students[i % 3], uid(f"turn-{i}"), score=i) for i in range(400)]
    seen: dict[str, list[int]] = {"reads_back_as_sent": [], "written_as_sent": []}
    transport = LosesFirstAnswer()
    async with loop_turns() as turns:
        for name, compare in ((name, getattr(engine, name)) for name in seen):

            def counted(*args: Any, _name: str = name, _compare: Any = compare, **kwargs: Any) -> bool:
                seen[_name].append(turns[0])
                return cast(bool, _compare(*args, **kwargs))

            monkeypatch.setattr(engine, name, counted)
        http = httpx.AsyncClient(transport=AsyncFromSync(transport))
        async with AsyncTimeback(**server.client_kwargs(), http_client=http) as lossy_client:
            answer = await lossy_client.oneroster.gradebook.create_result_for_line_item(
                line_item_sourced_id=line_item, results=results
            )
    assert transport.lost == 1 and len(answer.sourcedIdPairs) == 400
    for name, counts in seen.items():
        assert len(counts) == 400, (name, len(counts))
        # (the loop ran after the first 200 compares: not one stretch of 400)
        assert counts[0] == counts[199] < counts[200] == counts[399], (name, counts[0], counts[199], counts[200])


async def _no_wait(seconds: float, stop: Any, closing: Any) -> bool:
    return False
