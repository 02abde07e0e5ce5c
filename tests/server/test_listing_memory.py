"""Remembered listing facts (storage/sql.py): counts and page ends are reused only while nothing was written.

Each test pages through a class's results the way an export does (offset after offset), writes in between, and
checks every page and ``totalCount`` against what the listing must be at that moment. One writes through a second
server on the same SQLite file, as another process would. Sorted listings are checked against their order worked
out here (``_sorted``), page boundaries falling inside runs of equal keys and of missing ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import Roster, line_item_body, make_roster, result_body, uid
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


def _sorted(records: list[dict[str, Any]], field: str, descending: bool) -> list[str]:
    """The listing's order: by ``field`` (missing first, or last with ``desc``), ties in the order written."""
    present = sorted((r for r in records if r.get(field) is not None), key=lambda r: r[field], reverse=descending)
    missing = [r for r in records if r.get(field) is None]
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
