"""Auto-pagination against the real server: every item once and in order, one page fetched ahead, early exits."""

from __future__ import annotations

import itertools

import pytest

from tests.support import Roster, add_line_items, result_body, uid
from timeback import AsyncTimeback, Timeback


@pytest.fixture(scope="module")
def seven_results(server: object) -> tuple[str, list[str]]:
    from tests.conftest import CLIENT_ID, CLIENT_SECRET  # noqa: F401  (the module server's client)
    from tests.support import make_roster

    with Timeback(**server.client_kwargs()) as client:  # type: ignore[attr-defined]
        roster: Roster = make_roster(client)
        (line_item,) = add_line_items(client, roster, 1)
        ids = [uid("page") for _ in range(7)]
        client.oneroster.gradebook.create_result_for_line_item(
            line_item_sourced_id=line_item, results=[result_body(line_item, roster.students[0], i) for i in ids]
        )
        return line_item, ids


def test_every_item_once_in_order_across_pages(client: Timeback, seven_results: tuple[str, list[str]]) -> None:
    line_item, ids = seven_results
    page = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=2)
    assert [r.sourcedId for r in page] == ids
    assert [len(p) for p in page.iter_pages()] == [2, 2, 2, 1]
    assert page.total_count == 7 and page.body["totalCount"] == 7 and page.body["pageCount"] == 4


def test_stopping_early_is_clean_and_can_start_again(client: Timeback, seven_results: tuple[str, list[str]]) -> None:
    line_item, ids = seven_results
    page = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=2)
    assert [r.sourcedId for r in itertools.islice(page, 3)] == ids[:3]  # the generator is closed mid-way
    assert [r.sourcedId for r in page] == ids


async def test_async_every_item_and_early_exit(
    async_client: AsyncTimeback, seven_results: tuple[str, list[str]]
) -> None:
    line_item, ids = seven_results
    listing = async_client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=3)
    assert [r.sourcedId async for r in listing] == ids
    seen = []
    async for result in async_client.oneroster.gradebook.get_all_results(
        filter=f"lineItem.sourcedId='{line_item}'", limit=3
    ):
        seen.append(result.sourcedId)
        if len(seen) == 4:
            break
    assert seen == ids[:4]
