"""Remembered listing facts (storage/sql.py): counts and page ends are reused only while nothing was written.

Each test pages through a class's results the way an export does (offset after offset), writes in between, and
checks every page and ``totalCount`` against what the listing must be at that moment. The last one writes through
a second server on the same SQLite file, as another process would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
