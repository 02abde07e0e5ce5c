"""Remembered listing facts (storage/sql.py): counts and page ends are reused only while nothing was written.

Each test pages through a class's results the way an export does (offset after offset), writes in between, and
checks every page and ``totalCount`` against what the listing must be at that moment. One writes through a second
server on the same SQLite file, as another process would. Sorted listings are checked against their order worked
out here (``_sorted``), page boundaries falling inside runs of equal keys and of missing ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.support import Roster, add_line_items, line_item_body, make_roster, result_body, uid
from timeback import Timeback
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

RESULTS = 12
LIMIT = 5


def _graded(client: Timeback) -> tuple[Roster, str, list[str]]:
    r = make_roster(client, students=[uid("student") for _ in range(RESULTS)])
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
    )
    ids = [f"{line_item}-{i:02d}" for i in range(RESULTS)]
    for sid, student in zip(ids, r.students, strict=True):
        client.oneroster.gradebook.put_result(sourced_id=sid, result=result_body(line_item, student))
    return r, line_item, ids


def _page(client: Timeback, line_item: str, offset: int) -> tuple[list[str], int | None]:
    page = client.oneroster.gradebook.get_all_results(
        filter=f"lineItem.sourcedId='{line_item}'", limit=LIMIT, offset=offset
    )
    return [item.sourcedId for item in page.items], page.total_count


@pytest.fixture
def file_settings(tmp_path: Path) -> ServerSettings:
    return ServerSettings(database=f"sqlite:///{tmp_path / 'listing.db'}", client_id="c", client_secret="s")


@pytest.fixture
def on_file(file_settings: ServerSettings) -> Iterator[tuple[LocalServer, Timeback]]:
    with LocalServer(file_settings) as server, Timeback(**server.client_kwargs()) as client:
        yield server, client


def test_unchanged_listing_pages_as_offset_paging_does(on_file: tuple[LocalServer, Timeback]) -> None:
    _, client = on_file
    _, line_item, ids = _graded(client)
    for _ in range(2):  # the second pass is served from what the first remembered
        seen = []
        for offset in range(0, RESULTS, LIMIT):
            items, total = _page(client, line_item, offset)
            assert total == RESULTS
            seen += items
        assert seen == ids
    assert _page(client, line_item, 7) == (ids[7:12], RESULTS)  # an offset no page ended at


def test_a_write_between_pages_is_seen_by_the_next_page_and_its_count(on_file: tuple[LocalServer, Timeback]) -> None:
    _, client = on_file
    r, line_item, ids = _graded(client)
    assert _page(client, line_item, 0) == (ids[:5], RESULTS)
    client.oneroster.gradebook.delete_result(sourced_id=ids[1])  # the next page now starts one row later
    assert _page(client, line_item, 5) == (ids[6:11], RESULTS - 1)
    extra = f"{line_item}-new"
    client.oneroster.gradebook.put_result(sourced_id=extra, result=result_body(line_item, r.students[0]))
    assert _page(client, line_item, 10) == ([ids[11], extra], RESULTS)


def test_a_write_by_another_server_on_the_same_file_is_seen(
    on_file: tuple[LocalServer, Timeback], file_settings: ServerSettings
) -> None:
    _, client = on_file
    _, line_item, ids = _graded(client)
    assert _page(client, line_item, 0) == (ids[:5], RESULTS)
    assert _page(client, line_item, 5) == (ids[5:10], RESULTS)
    with LocalServer(file_settings) as other, Timeback(**other.client_kwargs()) as other_client:
        other_client.oneroster.gradebook.delete_result(sourced_id=ids[0])
    assert _page(client, line_item, 5) == (ids[6:11], RESULTS - 1)
    assert _page(client, line_item, 10) == (ids[11:], RESULTS - 1)


# Ties (1 four times; 3 thrice and 3.0, equal as numbers), missing scores (a run of four, first ascending and last
# descending): with pages of 3, boundaries fall inside a run of equal keys and inside the run of missing ones.
SCORES = [None, 3, 1, 3.0, None, 2, 1, 3, None, 2.5, None, 1, 3, 2, 1]
COMMENTS = ["b", None, "a", "b", "c", None, "a", "b", "ab", None, "b", "a", "c", "B", None]


def _value(record: dict[str, Any], field: str) -> Any:
    """``field`` of ``record``: ``class.sourcedId`` is the sourcedId its ``class`` names."""
    head, _, rest = field.partition(".")
    value = record.get(head)
    return value.get(rest) if rest and isinstance(value, dict) else value


def _sorted(records: list[dict[str, Any]], field: str, descending: bool) -> list[str]:
    """The listing's order: by ``field`` (missing first, or last with ``desc``), ties in the order written."""
    present = [r for r in records if _value(r, field) is not None]
    present.sort(key=lambda r: _value(r, field), reverse=descending)
    missing = [r for r in records if _value(r, field) is None]
    return [r["sourcedId"] for r in (present + missing if descending else missing + present)]


def _sorted_graded(client: Timeback) -> tuple[str, list[dict[str, Any]]]:
    r = make_roster(client, students=[uid("student") for _ in SCORES])
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
    )
    records = []
    for i, (score, comment, student) in enumerate(zip(SCORES, COMMENTS, r.students, strict=True)):
        body = result_body(line_item, student, sourced_id=f"{line_item}-{i:02d}", score=score, comment=comment)
        client.oneroster.gradebook.put_result(sourced_id=body["sourcedId"], result=body)
        records.append(body)
    return line_item, records


def _sorted_page(client: Timeback, line_item: str, sort: str, order: str, offset: int) -> tuple[list[str], int | None]:
    page = client.oneroster.gradebook.get_all_results(
        filter=f"lineItem.sourcedId='{line_item}'", sort=sort, orderBy=order, limit=3, offset=offset
    )
    return [item.sourcedId for item in page.items], page.total_count


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["score", "comment"])
def test_sorted_pages_follow_the_sort_across_every_page_boundary(
    on_file: tuple[LocalServer, Timeback], sort: str, order: str
) -> None:
    """Every page of a sorted listing, paged through twice (the second time from where each page ended), is its
    slice of the sorted order; so is a page at an offset no page ended at."""
    _, client = on_file
    line_item, records = _sorted_graded(client)
    expected = _sorted(records, sort, order == "desc")
    for _ in range(2):
        seen = []
        for offset in range(0, len(records), 3):
            items, total = _sorted_page(client, line_item, sort, order, offset)
            assert total == len(records)
            seen += items
        assert seen == expected
    assert _sorted_page(client, line_item, sort, order, 4) == (expected[4:7], len(records))


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_write_between_sorted_pages_is_seen_by_the_next_page(
    on_file: tuple[LocalServer, Timeback], order: str
) -> None:
    """A score changed and a result deleted between two pages: the next page is the slice of the new order."""
    _, client = on_file
    line_item, records = _sorted_graded(client)
    expected = _sorted(records, "score", order == "desc")
    assert _sorted_page(client, line_item, "score", order, 0) == (expected[:3], len(records))
    assert _sorted_page(client, line_item, "score", order, 3) == (expected[3:6], len(records))
    moved, gone = records[4], records[5]  # a missing score given one, and a 2 deleted
    moved["score"] = 1.0
    client.oneroster.gradebook.put_result(sourced_id=moved["sourcedId"], result=moved)
    client.oneroster.gradebook.delete_result(sourced_id=gone["sourcedId"])
    records.remove(gone)
    expected = _sorted(records, "score", order == "desc")
    assert _sorted_page(client, line_item, "score", order, 6) == (expected[6:9], len(records))
    assert _sorted_page(client, line_item, "score", order, 9) == (expected[9:12], len(records))


def _paged(listing: Any, order: str, expected: list[str]) -> None:
    """``listing`` read page by page at each limit from 1 to 7: each page after the first from where the one
    before ended (``SqlStorage._after``, a stretch of an index at a time), and together the listing's order."""
    for limit in range(1, 8):
        seen = []
        for offset in range(0, len(expected), limit):
            page = listing(orderBy=order, limit=limit, offset=offset)
            assert page.total_count == len(expected)
            seen += [item.sourcedId for item in page.items]
        assert seen == expected, (listing.keywords, order, limit)


# The districts (of 3) of schools, an indexed reference: runs of equal ones, and 3 schools naming none (NULL, first
# ascending and last descending; so are the districts' own in a listing of every org). With each limit from 1 to 7,
# page boundaries fall inside runs and between them, and the 12 schools with a parent meet the 3 without inside a
# page or at its boundary (limits 1, 2, 3, 4 and 6 descending).
PARENT_OF = [None, 1, 0, 1, 2, 0, None, 1, 2, 2, 1, 0, None, 1, 0]
# The line items (of 3) and students (of 4) of results: runs of equal ones, in no order of their own.
LINE_ITEM_OF = [0, 1, 0, 1, 2, 0, 2, 1, 2, 2, 1, 0, 1, 1, 0]
STUDENT_OF = [2, 0, 1, 1, 3, 0, 2, 2, 1, 0, 3, 1, 0, 2, 3]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pages_by_a_reference_missing_from_some_follow_the_sort_at_every_limit(
    on_file: tuple[LocalServer, Timeback], order: str
) -> None:
    """Schools and orgs sorted by their parent (a reference the server indexes, NULL where none is named), or in
    the order written (``orderBy`` alone): every org, the orgs a filter selects, the schools (a view)."""
    _, client = on_file
    ro = client.oneroster.rostering
    districts = [{"sourcedId": uid("district"), "name": "D", "type": "district"} for _ in range(3)]
    schools = [
        {"sourcedId": f"school-{i:02d}", "name": "S", "type": "school"}
        | ({} if at is None else {"parent": {"sourcedId": districts[at]["sourcedId"]}})
        for i, at in enumerate(PARENT_OF)
    ]
    for org in districts + schools:
        ro.update_org(sourced_id=org["sourcedId"], org=org)
    descending = order == "desc"
    written = [org["sourcedId"] for org in districts + schools]
    _paged(
        partial(ro.get_all_orgs, sort="parent.sourcedId"),
        order,
        _sorted(districts + schools, "parent.sourcedId", descending),
    )
    by_parent = _sorted(schools, "parent.sourcedId", descending)
    _paged(partial(ro.get_all_orgs, filter="type='school'", sort="parent.sourcedId"), order, by_parent)
    _paged(partial(ro.get_all_schools, sort="parent.sourcedId"), order, by_parent)
    _paged(partial(ro.get_all_orgs), order, written[::-1] if descending else written)
    _paged(partial(ro.get_all_schools), order, written[3:][::-1] if descending else written[3:])


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pages_of_results_by_an_indexed_reference_follow_the_sort_at_every_limit(
    on_file: tuple[LocalServer, Timeback], order: str
) -> None:
    """A class's results (a scope) and a line item's (a filter) sorted by student or line item (references the
    server indexes, with runs of equal ones), or in the order written (``orderBy`` alone)."""
    _, client = on_file
    gb = client.oneroster.gradebook
    r = make_roster(client, students=[uid("student") for _ in range(4)])
    line_items = add_line_items(client, r, 3)
    records = []
    for i, (at, student) in enumerate(zip(LINE_ITEM_OF, STUDENT_OF, strict=True)):
        body = result_body(line_items[at], r.students[student], sourced_id=f"result-{i:02d}")
        gb.put_result(sourced_id=body["sourcedId"], result=body)
        records.append(body)
    descending = order == "desc"
    written = [body["sourcedId"] for body in records]
    of_class = partial(gb.get_results_for_class, class_sourced_id=r.class_)
    for field in ("student.sourcedId", "lineItem.sourcedId"):
        _paged(partial(of_class, sort=field), order, _sorted(records, field, descending))
    _paged(of_class, order, written[::-1] if descending else written)
    first = [body for body in records if body["lineItem"]["sourcedId"] == line_items[0]]
    of_line_item = partial(gb.get_all_results, filter=f"lineItem.sourcedId='{line_items[0]}'")
    _paged(partial(of_line_item, sort="student.sourcedId"), order, _sorted(first, "student.sourcedId", descending))
