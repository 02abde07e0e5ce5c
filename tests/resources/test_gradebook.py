"""Every gradebook operation through the SDK against the real server over HTTP, sync and async."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from tests.support import Roster, line_item_body, make_roster, result_body, uid
from timeback import AsyncTimeback, ConflictError, NotFoundError, Timeback, UnprocessableEntityError
from timeback.models.gradebook import TimebackResult


@pytest.fixture
def api(either: Timeback | AsyncTimeback) -> Any:
    return either


async def call(api: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a gradebook method on either client; lists come back as every item across pages."""
    fn = getattr(api.oneroster.gradebook, method)
    result = fn(*args, **kwargs)
    if isinstance(api, AsyncTimeback):
        if hasattr(result, "__aiter__"):
            return [item async for item in result]
        return await result
    if hasattr(result, "iter_pages"):
        return list(result)
    return result


async def test_line_items_for_class_then_read_back(api: Any, roster: Roster) -> None:
    ids = [uid("li"), uid("li")]
    resp = await call(
        api,
        "post_line_items_for_class",
        class_sourced_id=roster.class_,
        lineItems=[line_item_body(roster, ids[0]), line_item_body(roster, ids[1], title="Quiz 2")],
    )
    assert [p.allocatedSourcedId for p in resp.sourcedIdPairs] == ids
    assert resp.sourcedIdPairs.suppliedSourcedId == ids[0]
    item = (await call(api, "get_line_item", sourced_id=ids[1])).lineItem
    assert item.title == "Quiz 2" and item.class_.sourcedId == roster.class_ and item.status == "active"
    assert item.dateLastModified and item.dateLastModified.endswith("Z")


async def test_results_for_academic_session_then_page_through_class(api: Any, roster: Roster) -> None:
    line_item = uid("li")
    await call(
        api, "post_line_items_for_class", class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    bodies = [result_body(line_item, s, score=70 + i) for i, s in enumerate(roster.students)]
    resp = await call(
        api,
        "post_results_for_academic_session_for_class",
        class_sourced_id=roster.class_,
        academic_session_sourced_id=roster.term,
        results=bodies,
    )
    ids = [p.allocatedSourcedId for p in resp.sourcedIdPairs]
    assert len(ids) == 3 and len(set(ids)) == 3
    one = (await call(api, "get_result", sourced_id=ids[2])).result
    assert one.score == 72 and one.class_.sourcedId == roster.class_  # the class comes from the path
    listed = await call(api, "get_results_for_class", class_sourced_id=roster.class_, limit=2)
    assert [r.sourcedId for r in listed] == ids
    assert all(isinstance(r, TimebackResult) for r in listed)


async def test_a_deleted_result_read_through_a_field_selection_is_not_made_active(api: Any, roster: Roster) -> None:
    line_item, sourced_id = uid("li"), uid("result")
    await call(
        api, "post_line_items_for_class", class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    await call(api, "put_result", sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=90))
    await call(api, "delete_result", sourced_id=sourced_id)
    deleted = f"sourcedId='{sourced_id}' AND status='tobedeleted'"
    (read,) = await call(api, "get_all_results", filter=deleted, fields="score")
    assert (read.sourcedId, read.status, read.score) == (None, None, 90)  # what the answer held, nothing made up
    whole = (await call(api, "get_result", sourced_id=sourced_id)).result
    assert (whole.sourcedId, whole.status) == (sourced_id, "tobedeleted")


async def test_put_result_creates_then_replaces(api: Any, roster: Roster) -> None:
    line_item, sourced_id = uid("li"), uid("result/with slash")
    await call(
        api, "post_line_items_for_class", class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    body = result_body(line_item, roster.students[0], comment="first", textScore="B")
    first = await call(api, "put_result", sourced_id=sourced_id, result=body)
    assert first.result.sourcedId == sourced_id and first.result.comment == "first"
    replaced = await call(
        api,
        "put_result",
        sourced_id=sourced_id,
        result=result_body(line_item, roster.students[0], score=300, scoreStatus="exempt"),
    )
    assert replaced.result.score == 300  # above resultValueMax: extra credit is stored as sent
    stored = (await call(api, "get_result", sourced_id=sourced_id)).result
    assert stored.score == 300 and stored.scoreStatus == "exempt"
    assert stored.comment is None and stored.textScore is None  # PUT replaces the whole record


async def test_a_record_read_back_can_be_put_back_changed(api: Any, roster: Roster) -> None:
    """Read-modify-write: the record read (a TimebackResult, a TimebackLineItem) is the body of the PUT."""
    line_item, sourced_id = uid("li"), uid("result")
    await call(api, "put_line_item", sourced_id=line_item, lineItem=line_item_body(roster, title="Quiz"))
    await call(api, "put_result", sourced_id=sourced_id, result=result_body(line_item, roster.students[0], score=50))
    record = (await call(api, "get_result", sourced_id=sourced_id)).result
    record.score, record.comment = 77, "regraded"
    await call(api, "put_result", sourced_id=record.sourcedId, result=record)
    again = (await call(api, "get_result", sourced_id=sourced_id)).result
    assert (again.score, again.comment, again.student.sourcedId) == (77, "regraded", roster.students[0])
    assert again.dateLastModified > record.dateLastModified  # the server's stamp, not the one read
    item = (await call(api, "get_line_item", sourced_id=line_item)).lineItem
    item.title = "Quiz (retake)"
    await call(api, "put_line_item", sourced_id=line_item, lineItem=item)
    assert (await call(api, "get_line_item", sourced_id=line_item)).lineItem.title == "Quiz (retake)"


async def test_a_result_read_with_fields_is_not_sent_whole_and_the_fields_not_read_are_kept(
    api: Any, roster: Roster
) -> None:
    """README's read-modify-write of a record read with ``fields=`` (an exploratory tester's case): the PUT was taken,
    and the stored comment and metadata were gone, silently (an answer to ``fields=`` holds only what was asked; a
    PUT replaces the whole record). Such a record is refused as a PUT's or a create's body, a ValidationError saying
    why and what to do, nothing sent; in ``bulk_post_results``, in either mode, it fails alone and its batch is
    stored. A copy of it is refused too; a record read whole still round-trips."""
    line_item, sourced_id = uid("li"), uid("result")
    await call(api, "put_line_item", sourced_id=line_item, lineItem=line_item_body(roster, title="Quiz"))
    kept = {"comment": "great work", "metadata": {"rubric": "A"}}
    body = result_body(line_item, roster.students[0], score=50, **kept)
    await call(api, "put_result", sourced_id=sourced_id, result=body)
    fields = "sourcedId,lineItem,student,scoreStatus,scoreDate,score"
    (listed,) = await call(api, "get_all_results", filter=f"sourcedId='{sourced_id}'", fields=fields)
    by_id = (await call(api, "get_result", sourced_id=sourced_id, fields=fields.split(","))).result
    why = (
        f"result\n  a TimebackResult read with fields='{fields}' holds those fields only: sent as a whole record (a "
        "create stores it as sent, a PUT replaces the record), it would lose the fields not read (status, metadata, "
        "textScore, scoreScale, comment and 6 more); read it without fields= to send it back [type=partial_record"
    )
    for partial in (listed, by_id, listed.model_copy(update={"score": 99})):
        partial.score = 99
        with pytest.raises(ValidationError) as refused:
            await call(api, "put_result", sourced_id=sourced_id, result=partial)
        assert why in str(refused.value), str(refused.value)
    with pytest.raises(ValidationError, match=r"results\.0\n  a TimebackResult read with fields="):
        await call(api, "create_result_for_line_item", line_item_sourced_id=line_item,
                   results=[listed.model_copy(update={"sourcedId": uid("copy")})])  # fmt: skip
    for if_exists in ("fail", "replace"):
        other = uid("result")
        rows = [listed, result_body(line_item, roster.students[1], other)]
        summary = await call(api, "bulk_post_results", rows, if_exists=if_exists)
        assert (summary.taken, summary.sent, summary.stored, summary.failed) == (2, 1, 1, 1), summary
        (failure,) = summary.failures
        assert failure.sourced_ids == (sourced_id,) and failure.reason.startswith(
            f"invalid result: result: a TimebackResult read with fields='{fields}' holds those fields only"
        ), failure.reason
        assert (await call(api, "get_result", sourced_id=other)).result.score == 90
    stored = (await call(api, "get_result", sourced_id=sourced_id)).result
    assert (stored.score, stored.comment, stored.metadata) == (50, "great work", {"rubric": "A"})
    stored.score = 99  # (read whole: sent back whole)
    await call(api, "put_result", sourced_id=sourced_id, result=stored)
    again = (await call(api, "get_result", sourced_id=sourced_id)).result
    assert (again.score, again.comment, again.metadata) == (99, "great work", {"rubric": "A"})


async def test_a_result_read_with_fields_whose_other_fields_are_assigned_is_sent(api: Any, roster: Roster) -> None:
    """A record read with ``fields=`` whose fields not read were each assigned since (filled in by hand) loses
    nothing sent whole: it was refused all the same. One still unassigned is refused, naming it."""
    line_item, sourced_id = uid("li"), uid("result")
    await call(api, "put_line_item", sourced_id=line_item, lineItem=line_item_body(roster, title="Quiz"))
    body = result_body(line_item, roster.students[0], score=50, comment="great work", metadata={"rubric": "A"})
    await call(api, "put_result", sourced_id=sourced_id, result=body)
    whole = (await call(api, "get_result", sourced_id=sourced_id)).result
    (partial,) = await call(api, "get_all_results", filter=f"sourcedId='{sourced_id}'", fields="sourcedId,score")
    unread = [name for name in type(partial).model_fields if name not in partial.model_fields_set]
    for name in unread[:-1]:
        setattr(partial, name, getattr(whole, name))
    with pytest.raises(ValidationError, match="it would lose the fields not read"):
        await call(api, "put_result", sourced_id=sourced_id, result=partial)
    setattr(partial, unread[-1], getattr(whole, unread[-1]))
    partial.score = 99
    await call(api, "put_result", sourced_id=sourced_id, result=partial)
    again = (await call(api, "get_result", sourced_id=sourced_id)).result
    assert (again.score, again.comment, again.metadata) == (99, "great work", {"rubric": "A"})


async def test_an_assessment_result_read_with_fields_is_patched_its_other_fields_kept(api: Any, roster: Roster) -> None:
    """A PATCH sends a record read's set fields only: one read with ``fields=`` updates those, the others kept. Its
    PUT is refused, the message naming the PATCH."""
    line_item, sourced_id = uid("ali"), uid("ar")
    await call(api, "put_assessment_line_item", sourced_id=line_item, assessmentLineItem={"title": "Quiz"})
    await call(api, "put_assessment_result", sourced_id=sourced_id, assessmentResult={
        "assessmentLineItem": {"sourcedId": line_item}, "student": {"sourcedId": roster.students[0]},
        "scoreStatus": "submitted", "scoreDate": "2024-02-01", "score": 5, "comment": "great work",
        "metadata": {"rubric": "A"},
    })  # fmt: skip
    (read,) = await call(
        api, "get_all_assessment_results", filter=f"sourcedId='{sourced_id}'", fields="sourcedId,score"
    )
    read.score = 7
    with pytest.raises(ValidationError, match="or send only the fields changed with patch_assessment_result"):
        await call(api, "put_assessment_result", sourced_id=sourced_id, assessmentResult=read)
    await call(api, "patch_assessment_result", sourced_id=sourced_id, assessmentResult=read)
    stored = (await call(api, "get_assessment_result", sourced_id=sourced_id)).assessmentResult
    assert (stored.score, stored.comment, stored.metadata) == (7, "great work", {"rubric": "A"})
    assert (stored.scoreStatus, stored.student.sourcedId) == ("submitted", roster.students[0])


async def test_a_line_item_moved_to_another_class_takes_the_results_of_its_class_along(
    api: Any, roster: Roster, client: Timeback
) -> None:
    """A result stored without ``class`` took its line item's; the line item then put into another class left the
    result under the class it left: listed there and not under the new one, and a re-sync with
    ``if_exists="replace"`` found it as sent (README's promise: left alone only when a PUT would leave it as
    stored). The results holding the line item's old class now follow it in the same write, stamped so a delta
    sync sees them; one naming another class keeps it, as sent."""
    ro = client.oneroster.rostering
    moved_to, elsewhere = uid("class"), uid("class")
    for klass in (moved_to, elsewhere):
        ro.update_class(sourced_id=klass, **{"class": {"title": "Other", "course": {"sourcedId": roster.course},
                                                        "school": {"sourcedId": roster.school},
                                                        "terms": [{"sourcedId": roster.term}]}})  # fmt: skip
    line_item, derived, named, other = uid("li"), uid("result"), uid("result"), uid("result")
    await call(api, "put_line_item", sourced_id=line_item, lineItem=line_item_body(roster))
    student = roster.students[0]
    await call(api, "put_result", sourced_id=derived, result=result_body(line_item, student))
    await call(api, "put_result", sourced_id=named,
               result=result_body(line_item, student, **{"class": {"sourcedId": roster.class_}}))  # fmt: skip
    await call(api, "put_result", sourced_id=other,
               result=result_body(line_item, student, **{"class": {"sourcedId": elsewhere}}))  # fmt: skip
    before = (await call(api, "get_result", sourced_id=other)).result.dateLastModified  # (the newest of the three)
    await call(api, "put_line_item", sourced_id=line_item,
               lineItem=line_item_body(roster, **{"class": {"sourcedId": moved_to}}))  # fmt: skip
    item = (await call(api, "get_line_item", sourced_id=line_item)).lineItem

    async def class_of(sourced_id: str) -> str:
        return str((await call(api, "get_result", sourced_id=sourced_id)).result.class_.sourcedId)

    assert [await class_of(r) for r in (derived, named, other)] == [moved_to, moved_to, elsewhere]
    listed = {r.sourcedId for r in await call(api, "get_results_for_class", class_sourced_id=moved_to)}
    assert listed == {derived, named}
    assert not {r.sourcedId for r in await call(api, "get_results_for_class", class_sourced_id=roster.class_)}
    changed = await call(
        api, "get_all_results", filter=f"dateLastModified>'{before}' AND lineItem.sourcedId='{line_item}'"
    )
    assert {r.sourcedId: r.dateLastModified for r in changed} == {derived: item.dateLastModified,
                                                                  named: item.dateLastModified}  # fmt: skip


async def test_a_class_moved_to_another_school_takes_its_line_items_at_the_school_it_left(
    api: Any, roster: Roster, client: Timeback
) -> None:
    """A class moved to another school left its line items naming the old one: listed under
    ``/schools/{old}/lineItems`` and missing from the new school's, while the class's enrollments moved. Those at
    the school it left now move with it in the same write, stamped so a delta sync sees them; one naming another
    school keeps it, as sent, and a deleted one stays where it was."""
    ro = client.oneroster.rostering
    new_school, elsewhere = uid("school"), uid("school")
    for school in (new_school, elsewhere):
        ro.update_school(sourced_id=school, org={"name": "Other", "type": "school"})
    at_old, named, gone = uid("li"), uid("li"), uid("li")
    for line_item, school in ((at_old, roster.school), (named, elsewhere), (gone, roster.school)):
        await call(api, "put_line_item", sourced_id=line_item,
                   lineItem=line_item_body(roster, school={"sourcedId": school}))  # fmt: skip
    await call(api, "delete_line_item", sourced_id=gone)
    before = (await call(api, "get_line_item", sourced_id=gone)).lineItem.dateLastModified  # (the newest)

    async def listed(school: str) -> set[str]:
        found = await call(api, "get_line_items_for_school", school_sourced_id=school)
        return {li.sourcedId for li in found} & {at_old, named, gone}

    assert (await listed(roster.school), await listed(new_school)) == ({at_old}, set())
    ro.update_class(sourced_id=roster.class_, **{"class": {"school": {"sourcedId": new_school}}})
    moved_to = [await listed(school) for school in (roster.school, new_school, elsewhere)]
    assert moved_to == [set(), {at_old}, {named}]
    stamp = ro.get_class(sourced_id=roster.class_).class_.dateLastModified
    moved = (await call(api, "get_line_item", sourced_id=at_old)).lineItem
    assert (moved.school.sourcedId, moved.dateLastModified) == (new_school, stamp)
    synced = await call(api, "get_all_line_items", filter=f"dateLastModified>'{before}'")
    assert {li.sourcedId for li in synced} & {at_old, named, gone} == {at_old}
    kept = (await call(api, "get_line_item", sourced_id=gone)).lineItem
    assert (kept.school.sourcedId, kept.status, kept.dateLastModified) == (roster.school, "tobedeleted", before)


async def test_assessment_result_create_and_read(api: Any, roster: Roster) -> None:
    ali = uid("ali")
    put = await call(
        api,
        "put_assessment_line_item",
        sourced_id=ali,
        assessmentLineItem={"title": "Diagnostic", "class": {"sourcedId": roster.class_}},
    )
    assert put.assessmentLineItem.title == "Diagnostic"
    resp = await call(
        api,
        "create_assessment_result",
        assessmentResult={
            "assessmentLineItem": {"sourcedId": ali},
            "student": {"sourcedId": roster.students[1]},
            "scoreStatus": "partially graded",
            "scoreDate": "2024-02-01",
            "score": 12.5,
            "scorePercentile": 40,
            "metadata": {"totalQuestions": 20, "correctAnswers": 12},
        },
    )
    allocated = resp.sourcedIdPairs.allocatedSourcedId
    got = (await call(api, "get_assessment_result", sourced_id=allocated)).assessmentResult
    assert got.metadata == {"totalQuestions": 20, "correctAnswers": 12} and got.scorePercentile == 40
    assert (
        await call(api, "get_assessment_line_item", sourced_id=ali)
    ).assessmentLineItem.class_.sourcedId == roster.class_


async def test_category_and_score_scale_put_and_get(api: Any, roster: Roster) -> None:
    category = uid("cat")
    await call(api, "put_category", sourced_id=category, category={"title": "Homework", "weight": 0.25})
    assert (await call(api, "get_category", sourced_id=category)).category.weight == 0.25
    scale = (await call(api, "get_score_scale", sourced_id=roster.score_scale)).scoreScale
    assert scale.scoreScaleValue[0].itemValueLHS == "0-100"


async def test_missing_records_and_parents_are_404_naming_which(api: Any, roster: Roster) -> None:
    """Each 404 names the id missing and its path parameter: with two parents in the path, Timeback's text ("Class
    or academic session not found.") did not say which, and none named the id."""
    nope = uid("nope")
    with pytest.raises(NotFoundError) as err:
        await call(api, "get_result", sourced_id=nope)
    assert err.value.imsx_description == f"Result '{nope}' not found." and err.value.status_code == 404
    assert err.value.imsx_error_details == [{"field": "path", "message": f"sourcedId: unknown result '{nope}'"}]
    no_term, no_class = uid("no-term"), uid("no-class")
    with pytest.raises(NotFoundError) as err:
        await call(
            api,
            "post_results_for_academic_session_for_class",
            class_sourced_id=roster.class_,
            academic_session_sourced_id=no_term,
            results=[result_body("x", "y")],
        )
    assert err.value.imsx_description == f"Academic session '{no_term}' not found."
    assert err.value.imsx_error_details == [
        {"field": "path", "message": f"academicSessionSourcedId: unknown academic session '{no_term}'"}
    ]
    with pytest.raises(NotFoundError) as err:
        await call(api, "get_results_for_line_item_for_class", class_sourced_id=no_class, line_item_sourced_id=nope)
    assert err.value.imsx_description == f"Class '{no_class}' not found. Line item '{nope}' not found."
    with pytest.raises(NotFoundError) as err:  # (named by its role in the path, as Timeback does: not "User")
        await call(api, "get_results_for_student_for_class", class_sourced_id=roster.class_, student_sourced_id=nope)
    assert err.value.imsx_description == f"Student '{nope}' not found."
    assert err.value.imsx_error_details == [{"field": "path", "message": f"studentSourcedId: unknown student '{nope}'"}]
    with pytest.raises(NotFoundError, match=rf"^404: Class '{no_class}' not found\. \("):
        await call(api, "post_line_items_for_class", class_sourced_id=no_class, lineItems=[line_item_body(roster)])
    with pytest.raises(NotFoundError, match=rf"Class '{no_class}' not found\."):
        await call(api, "get_results_for_class", class_sourced_id=no_class)


async def test_invalid_batch_stores_nothing_and_names_the_field(api: Any, roster: Roster) -> None:
    line_item = uid("li")
    await call(
        api, "post_line_items_for_class", class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    good = result_body(line_item, roster.students[0], uid("good"))
    unknown_student = result_body(line_item, uid("ghost"), uid("bad"))
    with pytest.raises(UnprocessableEntityError) as err:
        await call(
            api,
            "post_results_for_academic_session_for_class",
            class_sourced_id=roster.class_,
            academic_session_sourced_id=roster.term,
            results=[good, unknown_student],
        )
    assert "results[1].student.sourcedId" in str(err.value)
    assert ("results[1].student.sourcedId", "invaliddata") in err.value.code_minor
    with pytest.raises(NotFoundError):
        await call(api, "get_result", sourced_id=good["sourcedId"])  # the valid item was not stored either
    assert await call(api, "get_results_for_class", class_sourced_id=roster.class_) == []


async def test_reposting_an_existing_id_is_409_and_changes_nothing(api: Any, roster: Roster) -> None:
    line_item = uid("li")
    await call(
        api,
        "post_line_items_for_class",
        class_sourced_id=roster.class_,
        lineItems=[line_item_body(roster, line_item, title="Original")],
    )
    with pytest.raises(ConflictError):
        await call(
            api,
            "post_line_items_for_class",
            class_sourced_id=roster.class_,
            lineItems=[line_item_body(roster, uid("li")), line_item_body(roster, line_item, title="Again")],
        )
    assert (await call(api, "get_line_item", sourced_id=line_item)).lineItem.title == "Original"
    assert len(await call(api, "get_results_for_class", class_sourced_id=roster.class_)) == 0


async def test_batch_item_for_another_class_is_rejected(api: Any, roster: Roster, client: Timeback) -> None:
    # (another class that exists: a made-up one is refused as an unknown reference, naming the same field, whether
    # or not the item is checked against the path's class)
    other = make_roster(client)
    body = line_item_body(other, uid("li"))
    with pytest.raises(UnprocessableEntityError, match=r"lineItems\[0\]\.class\.sourcedId: .* does not match"):
        await call(api, "post_line_items_for_class", class_sourced_id=roster.class_, lineItems=[body])
    result = result_body(uid("li"), roster.students[0], uid("res"))
    await call(
        api, "post_line_items_for_class", class_sourced_id=roster.class_,
        lineItems=[line_item_body(roster, result["lineItem"]["sourcedId"])],
    )  # fmt: skip
    result["class"] = {"sourcedId": other.class_}
    with pytest.raises(UnprocessableEntityError, match=r"results\[0\]\.class\.sourcedId: .* does not match"):
        await call(
            api, "post_results_for_academic_session_for_class", class_sourced_id=roster.class_,
            academic_session_sourced_id=roster.term, results=[result],
        )  # fmt: skip
    assert await call(api, "get_line_items_for_class", class_sourced_id=other.class_) == []
    assert await call(api, "get_results_for_class", class_sourced_id=other.class_) == []


@pytest.mark.parametrize("dots", [".", ".."])
async def test_an_id_of_dots_names_that_record_not_another_path(api: Any, dots: str) -> None:
    """httpx removes "." and ".." path segments (RFC 3986): sent as they were, the class ".." made
    get_categories_for_class ask for /categories, every category, and get_category(".") for the listing."""
    with pytest.raises(NotFoundError, match=re.escape(f"Class '{dots}' not found")):  # (that id, not another)
        await call(api, "get_categories_for_class", class_sourced_id=dots)
    with pytest.raises(NotFoundError, match=re.escape(f"Class '{dots}' not found")):
        await call(api, "get_results_for_class", class_sourced_id=dots)
    stored = await call(api, "put_category", sourced_id=dots, category={"title": f"titled {dots}"})
    assert stored.category.sourcedId == dots
    read = (await call(api, "get_category", sourced_id=dots)).category
    assert (read.sourcedId, read.title) == (dots, f"titled {dots}")
    await call(api, "delete_category", sourced_id=dots)


async def test_a_deleted_class_s_score_scales_and_line_items_stay_listed_for_its_school(
    api: Any, client: Timeback
) -> None:
    """Deleting a class keeps its line items, results and score scales (README): they still belong to its school,
    and a school's listing shows them, as it shows the line items. The score scales were dropped, even for a filter
    asking for deleted records: a delta sync by school never saw them again."""
    roster = make_roster(client)
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
    )
    client.oneroster.rostering.delete_class(sourced_id=roster.class_)
    scales = await call(api, "get_score_scales_for_school", school_sourced_id=roster.school)
    assert [s.sourcedId for s in scales] == [roster.score_scale]
    items = await call(api, "get_line_items_for_school", school_sourced_id=roster.school)
    assert [i.sourcedId for i in items] == [line_item]
