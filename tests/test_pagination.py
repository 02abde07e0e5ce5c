"""Auto-pagination against the real server: every item once and in order, one page fetched ahead, early exits."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from tests.support import Roster, add_line_items, child_environment, ctrl_c_waiting_in, result_body, uid
from timeback import APIResponseValidationError, AsyncTimeback, Timeback
from timeback.server.runner import LocalServer


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


def test_a_page_s_own_records_are_made_as_iter_items_reaches_them(
    client: Timeback, seven_results: tuple[str, list[str]]
) -> None:
    """Page by page (a resumable read), ``iter_items()`` gives each page's records alone, made one at a time and not
    kept: ``items`` made the page's models at once, a read of 3,000-record pages about 2.8 times slower."""
    line_item, ids = seven_results
    listing = client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=3)
    read: list[list[str]] = []
    for page in listing.iter_pages():
        records = page.iter_items()
        first = next(records)
        assert page._info._items is None  # (none made beyond the one reached, none kept)
        read.append([first.sourcedId, *(record.sourcedId for record in records)])
        assert [record.sourcedId for record in page.items] == read[-1]  # (the same records, as a list)
    assert read == [ids[:3], ids[3:6], ids[6:]]


async def test_an_async_page_s_own_records_are_made_as_iter_items_reaches_them(
    async_client: AsyncTimeback, seven_results: tuple[str, list[str]]
) -> None:
    line_item, ids = seven_results
    query = {"filter": f"lineItem.sourcedId='{line_item}'", "limit": 3}
    read: list[list[str]] = []
    async for page in async_client.oneroster.gradebook.get_all_results(**query).iter_pages():
        records = page.iter_items()
        first = next(records)
        assert page._info._items is None  # (none made beyond the one reached, none kept)
        read.append([first.sourcedId, *(record.sourcedId for record in records)])
    assert read == [ids[:3], ids[3:6], ids[6:]]


async def test_an_async_listing_pages_without_being_awaited_first(
    async_client: AsyncTimeback, seven_results: tuple[str, list[str]]
) -> None:
    """``async for page in gradebook.get_all_results(...).iter_pages()``, as a sync listing reads: it was
    ``(await ...).iter_pages()`` alone (an AttributeError otherwise). (Stopped early, it cancels the page ahead:
    ``test_async_iteration_stopped_early_cancels_the_page_ahead``.)"""
    line_item, ids = seven_results
    query = {"filter": f"lineItem.sourcedId='{line_item}'", "limit": 2}
    pages = [page async for page in async_client.oneroster.gradebook.get_all_results(**query).iter_pages()]
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert [r.sourcedId for page in pages for r in page.items] == ids
    assert [page.offset + len(page) for page in pages] == [2, 4, 6, 7]  # (where each read goes on from)


async def test_a_for_over_an_async_listing_says_to_use_async_for(
    async_client: AsyncTimeback, seven_results: tuple[str, list[str]]
) -> None:
    """Python's own error said only "'AsyncPaginator' object is not iterable"."""
    line_item, ids = seven_results
    listing = async_client.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=2)
    page = await listing
    for each in (listing, page):
        with pytest.raises(TypeError, match=r"object is not iterable: .* use `async for`"):
            list(each)  # type: ignore[call-overload]
    assert [r.sourcedId async for r in page] == ids  # (still read the async way)


async def test_an_async_listing_not_awaited_reads_as_what_it_is(async_client: AsyncTimeback) -> None:
    """A notebook showed "<timeback._pagination.AsyncPaginator at 0x...>" for a listing not awaited (from the
    notebook analyst's run)."""
    listing = async_client.oneroster.gradebook.get_all_results(limit=5)
    assert repr(listing) == "<AsyncPaginator: await it for its first page, or async for its items>"
    assert len(await listing) <= 5  # (and it reads as before)


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


async def test_a_page_refuses_pickle_saying_what_to_send_and_copies_still_read_on(
    client: Timeback, async_client: AsyncTimeback, seven_results: tuple[str, list[str]]
) -> None:
    """A page returned from a worker process failed naming an internal closure ("Can't pickle local object
    '_item_builder.<locals>.build'"). A page is bound to its client (it fetches the pages after it; it holds its
    request's credentials, to redact them from an error): refused, saying to send its items or body, which pickle.
    A deep copy reads on to the end, as before."""
    import copy
    import pickle

    line_item, ids = seven_results
    by_line_item = f"lineItem.sourcedId='{line_item}'"
    page = client.oneroster.gradebook.get_all_results(filter=by_line_item, limit=2)
    listing = async_client.oneroster.gradebook.get_all_results(filter=by_line_item, limit=2)
    async_page = await listing
    said = "cannot be pickled: a page is bound to its client .* send page.items or page.body instead"
    for bound in (page, async_page, listing):
        with pytest.raises(TypeError, match=said):
            pickle.dumps(bound)
    for sent in (page, async_page):
        assert [r.sourcedId for r in pickle.loads(pickle.dumps(sent.items))] == ids[:2]
        assert pickle.loads(pickle.dumps(sent.body))["totalCount"] == 7
    assert [r.sourcedId for r in copy.deepcopy(page)] == [r.sourcedId for r in copy.copy(page)] == ids
    assert [r.sourcedId async for r in copy.deepcopy(async_page)] == ids
    assert [r.sourcedId async for r in copy.deepcopy(listing)] == ids


def long_filter(ids: list[str]) -> str:
    """``ids`` in an ``@`` list filled up to the 1,000 values the server takes with ids no record has."""
    return f"sourcedId@'{','.join(ids + [str(uuid.UUID(int=i)) for i in range(1000 - len(ids))])}'"


def test_a_listing_with_a_long_filter_reads_every_page(client: Timeback, seven_results: tuple[str, list[str]]) -> None:
    # (the server's Link header repeated the query four times: a 151 KB head, which httpx refused past page 1)
    _, ids = seven_results
    page = client.oneroster.gradebook.get_all_results(filter=long_filter(ids), limit=2, sort="sourcedId")
    assert [r.sourcedId for r in page] == sorted(ids)
    assert [len(p) for p in page.iter_pages()] == [2, 2, 2, 1]


async def test_async_a_listing_with_a_long_filter_reads_every_page(
    async_client: AsyncTimeback, seven_results: tuple[str, list[str]]
) -> None:
    # (through aiohttp, an 8,190-byte header line was its limit: a filter of 300 ids failed, a 200 reported as a
    # connection failure and retried)
    _, ids = seven_results
    listing = async_client.oneroster.gradebook.get_all_results(filter=long_filter(ids), limit=2, sort="sourcedId")
    assert [r.sourcedId async for r in listing] == sorted(ids)


def _entering_ahead(client: Timeback) -> tuple[str, Callable[[], None]]:
    """A filtered listing of 4 results, and what puts 2 more into it ahead of them (stored first, they come first in
    the listing's order)."""
    from tests.support import make_roster

    roster = make_roster(client)
    (line_item,) = add_line_items(client, roster, 1)
    gradebook = client.oneroster.gradebook
    tag = uid("entering")
    rows = {n: result_body(line_item, roster.students[0], f"{tag}-{n}", score=1 if n < "b" else 2)
            for n in ("a1", "a2", "b1", "b2", "b3", "b4")}  # fmt: skip
    for row in rows.values():
        gradebook.put_result(sourced_id=row["sourcedId"], result=row)

    def enter_ahead() -> None:
        for n in ("a1", "a2"):
            gradebook.put_result(sourced_id=rows[n]["sourcedId"], result={**rows[n], "score": 2})

    return f"lineItem.sourcedId='{line_item}' AND score>='2'", enter_ahead


# (b1 and b2 seen twice, a1 and a2 not: a delta sync's next run reads them, as README's recipe has it)
ENTERED_AHEAD = [(["b1", "b2"], 4), (["b1", "b2"], 6), (["b3", "b4"], 6)]


def test_a_page_of_records_entering_the_selection_ahead_between_pages_is_no_server_ignoring_offset(
    client: Timeback,
) -> None:
    """Two records entering a filtered listing ahead of the reader between two pages of two (as in a delta sync
    while the source is written) make the server answer the first page's records again at the next offset, a
    total of 4 then 6: offset paging under concurrent writes, not a server ignoring offset. That raised "the same
    page for offsets 0 and 2" and ended the sync."""
    selection, enter_ahead = _entering_ahead(client)
    page = client.oneroster.gradebook.get_all_results(filter=selection, limit=2)
    enter_ahead()
    seen: list[tuple[list[str], int | None]] = []
    while page is not None:
        seen.append(([r.sourcedId[-2:] for r in page.items], page.total_count))
        page = page.get_next_page()
    assert seen == ENTERED_AHEAD


async def test_async_a_page_of_records_entering_the_selection_ahead_between_pages_is_no_server_ignoring_offset(
    client: Timeback, async_client: AsyncTimeback
) -> None:
    selection, enter_ahead = _entering_ahead(client)
    page = await async_client.oneroster.gradebook.get_all_results(filter=selection, limit=2)
    enter_ahead()
    seen: list[tuple[list[str], int | None]] = []
    while page is not None:
        seen.append(([r.sourcedId[-2:] for r in page.items], page.total_count))
        page = await page.get_next_page()
    assert seen == ENTERED_AHEAD


# Malformed answers: the real server cannot be made to send these, so a scripted transport plays the server.


def _scripted_pages(pages: list[Any]) -> Timeback:
    from tests.test_client import Script, answer, make_client

    return make_client(Script([answer(200, body) for body in pages]))


def test_stopping_early_does_not_wait_for_the_page_fetched_ahead() -> None:
    import threading

    from tests.test_client import Script, answer, make_client

    asked, release = threading.Event(), threading.Event()

    def slow_second_page(request: httpx.Request) -> httpx.Response:
        asked.set()
        release.wait(60)  # (a server taking its time: a long timeout and retries, as far as the caller knows)
        return httpx.Response(200, json={"results": [{"sourcedId": "r3"}], "totalCount": 3})

    first = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 3}
    client = make_client(Script([answer(200, first), slow_second_page]))
    seen: list[str] = []

    def take_one() -> None:
        for result in client.oneroster.gradebook.get_all_results(limit=2):
            seen.append(result.sourcedId)
            asked.wait(10)  # (the page ahead is on its way)
            break

    caller = threading.Thread(target=take_one)
    caller.start()
    caller.join(30)  # (a deadlock guard, not a timing: the slow page is only released below)
    stopped_first = not caller.is_alive()
    release.set()
    caller.join()
    assert seen == ["r1"] and stopped_first


def test_stopping_early_cuts_short_the_retries_of_the_page_fetched_ahead() -> None:
    """The page ahead is answered 503 with ``Retry-After: 1``; the caller stops while it is on its way. Its request
    is not asked again: before, the thread went on through every retry of a page nobody would read (here 3, one a
    second; up to a minute each for a longer Retry-After), where async iteration cancels its page ahead."""
    import threading
    import time

    from tests.test_client import Script, answer, make_client

    first = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 3}
    asked = threading.Event()

    def busy(request: httpx.Request) -> httpx.Response:
        asked.set()
        return httpx.Response(503, json={"imsx_description": "busy"}, headers={"Retry-After": "1"})

    script = Script([answer(200, first), busy])
    with make_client(script, max_retries=3) as client:
        for result in client.oneroster.gradebook.get_all_results(limit=2):
            assert result.sourcedId == "r1" and asked.wait(30)  # (the page ahead was asked for: a hang guard)
            break
        time.sleep(2.5)  # (its first retry would have gone 1 s after its answer, its second 2 s after)
    assert [r.url.params.get("offset") for r in script.requests] == [None, "2"]


def _async_pages(second_page: Callable[[httpx.Request], Awaitable[httpx.Response]]) -> AsyncTimeback:
    """A client whose listing answers a first page of two (of three), then ``second_page`` for the rest."""
    import json

    from tests.test_client import TOKEN_URL, make_async_client

    first = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 3}

    async def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        if request.url.params.get("offset", "0") == "0":
            return httpx.Response(200, content=json.dumps(first).encode())
        return await second_page(request)

    return make_async_client(handler)


async def test_async_iteration_asks_for_the_next_page_before_the_caller_is_through_this_one() -> None:
    import asyncio

    asked = asyncio.Event()

    async def second_page(request: httpx.Request) -> httpx.Response:
        asked.set()
        return httpx.Response(200, json={"results": [{"sourcedId": "r3"}], "totalCount": 3})

    seen = []
    async with _async_pages(second_page) as client:
        async for result in client.oneroster.gradebook.get_all_results(limit=2):
            seen.append((result.sourcedId, asked.is_set()))
    assert seen == [("r1", True), ("r2", True), ("r3", True)]  # (asked while r1 was in the caller's hands)


async def test_async_iteration_lets_other_tasks_run_within_a_page() -> None:
    import asyncio
    import json

    from tests.test_client import TOKEN_URL, make_async_client

    page = json.dumps({"results": [{"sourcedId": f"r{i}"} for i in range(1000)], "totalCount": 1000}).encode()

    async def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, content=page)

    ticks = 0

    async def other_task() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    seen = []
    async with make_async_client(handler) as client:
        other = asyncio.ensure_future(other_task())
        async for _ in client.oneroster.gradebook.get_all_results(limit=1000):  # (a caller that awaits nothing)
            seen.append(ticks)
        other.cancel()
    assert len(seen) == 1000 and seen[-1] - seen[0] >= 1000 // 200 - 1  # (the loop ran every 200 items)


async def test_async_iteration_stopped_early_cancels_the_page_ahead() -> None:
    import asyncio

    asked, cancelled = asyncio.Event(), asyncio.Event()

    async def never(request: httpx.Request) -> httpx.Response:
        asked.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    async with _async_pages(never) as client:
        items = client.oneroster.gradebook.get_all_results(limit=2).__aiter__()
        assert (await anext(items)).sourcedId == "r1"
        await asyncio.wait_for(asked.wait(), 30)  # (a hang guard, not a timing)
        await items.aclose()  # (what the event loop does to a generator dropped mid-way)
        await asyncio.wait_for(cancelled.wait(), 30)
        # The same through the listing's own iter_pages() (no await first), stopped after its first page
        asked.clear()
        cancelled.clear()
        pages = client.oneroster.gradebook.get_all_results(limit=2).iter_pages()
        assert [r.sourcedId for r in (await anext(pages)).items] == ["r1", "r2"]
        await asyncio.wait_for(asked.wait(), 30)
        await pages.aclose()
        await asyncio.wait_for(cancelled.wait(), 30)


async def test_async_page_ahead_that_failed_after_the_caller_stopped_is_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio
    import gc

    failed = asyncio.Event()

    async def broken(request: httpx.Request) -> httpx.Response:
        failed.set()
        raise httpx.ConnectError("gone", request=request)

    async with _async_pages(broken) as client:
        items = client.oneroster.gradebook.get_all_results(limit=2, max_retries=0).__aiter__()
        assert (await anext(items)).sourcedId == "r1"
        await asyncio.wait_for(failed.wait(), 30)
        await asyncio.sleep(0.01)  # (the task finishes with its error)
        await items.aclose()
        del items
        await asyncio.sleep(0)
        gc.collect()
    assert "exception was never retrieved" not in caplog.text


def test_without_a_total_a_page_capped_by_the_server_is_not_taken_for_the_last() -> None:
    def page(first: int, count: int) -> dict[str, Any]:
        return {"results": [{"sourcedId": f"r{first + n}"} for n in range(count)], "limit": 3}  # (asked: 5)

    listing = _scripted_pages([page(0, 3), page(3, 3), page(6, 1)]).oneroster.gradebook.get_all_results(limit=5)
    assert [r.sourcedId for r in listing] == [f"r{n}" for n in range(7)]


def test_without_a_total_a_short_page_with_a_next_link_is_not_taken_for_the_last() -> None:
    """A server that gives no total and caps its pages without saying so in the body, but links the next page (the
    ``Link`` header the OneRoster spec asks for): its short pages were taken for the last, and the rest never read."""
    from tests.test_client import Script, answer, make_client

    def page(first: int, count: int, more: bool) -> Callable[..., httpx.Response]:
        link = {"Link": f'<https://example.org/results?limit=5&offset={first + count}>; rel="next"'} if more else {}
        return answer(200, {"results": [{"sourcedId": f"r{first + n}"} for n in range(count)]}, link)

    client = make_client(Script([page(0, 3, True), page(3, 3, True), page(6, 1, False)]))
    assert [r.sourcedId for r in client.oneroster.gradebook.get_all_results(limit=5)] == [f"r{n}" for n in range(7)]


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_stops_the_wait_for_the_page_ahead_on_windows_too(server: LocalServer) -> None:
    """Iterating pages, the caller waits in the main thread for the page ahead (``_Job.result``): on Windows Ctrl-C
    did not wake that wait, and a page that never came held the program for good."""
    import threading

    from timeback import DefaultHttpxClient
    from timeback._pagination import _Job

    hold = threading.Event()

    def held(request: httpx.Request) -> None:  # (the page ahead, in the prefetch thread: answered once released)
        if request.url.params.get("offset", "0") != "0":
            hold.wait(60)

    with Timeback(**server.client_kwargs(), http_client=DefaultHttpxClient(event_hooks={"request": [held]})) as client:
        for n in range(2):
            client.oneroster.gradebook.put_category(sourced_id=uid(f"cat{n}"), category={"title": "C"})
        pages = client.oneroster.gradebook.get_all_categories(limit=1).iter_pages()
        try:
            next(pages)  # (the first page; the second asked for ahead)
            with ctrl_c_waiting_in(_Job.result, release=hold.set) as released, pytest.raises(KeyboardInterrupt):
                next(pages)
        finally:
            hold.set()
            pages.close()
    assert not released.is_set()  # (stopped in the wait, which was not ended for it)


def test_a_program_that_stopped_early_exits_without_waiting_for_the_page_ahead(tmp_path: Any) -> None:
    import subprocess
    import sys

    script = tmp_path / "peek.py"
    script.write_text(
        "import time, httpx\n"
        "from tests.test_client import Script, answer, make_client\n"
        "def never(request):\n"
        "    time.sleep(120)\n"
        "first = {'results': [{'sourcedId': 'r1'}, {'sourcedId': 'r2'}], 'totalCount': 3}\n"
        "client = make_client(Script([answer(200, first), never]))\n"
        "print(next(iter(client.oneroster.gradebook.get_all_results(limit=2))).sourcedId)\n"
    )
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(  # (a hang guard, not a timing: the page ahead never comes)
        [sys.executable, str(script)], cwd=root, capture_output=True, text=True, timeout=60,
        env=child_environment(),  # (this tree's timeback, not the one installed)
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "r1", done.stderr


def test_a_bad_item_fails_when_iteration_reaches_it_naming_the_item() -> None:
    good = {"sourcedId": "r1", "score": 1}
    client = _scripted_pages([{"results": [good, {"sourcedId": "r2", "score": "lots"}], "totalCount": 2}])
    seen = []
    with pytest.raises(APIResponseValidationError, match=r"item 1 of 'results' is not a TimebackResult") as info:
        for result in client.oneroster.gradebook.get_all_results(limit=2):
            seen.append(result.sourcedId)
    assert seen == ["r1"] and info.value.status_code == 200 and "lots" in (info.value.body or "")
    page = client.oneroster.gradebook.get_all_results(limit=2)
    kept = [cell.cell_contents for cell in page._info.build_item.__closure__ or ()]
    assert not any(isinstance(value, httpx.Response) for value in kept)  # (a page keeps its body once: decoded)
    page = _scripted_pages([{"results": [good, {"score": "lots"}], "totalCount": 2}]).oneroster.gradebook
    with pytest.raises(APIResponseValidationError, match="item 1"):
        page.get_all_results(limit=2).items  # noqa: B018  (building the page's models is what fails)


@pytest.mark.parametrize(
    "body",
    [
        {"results": {"sourcedId": "r1"}},
        {"lineItems": []},
        {"results": [], "totalCount": "seven"},
        {"results": [], "totalCount": 2.5},
        {"results": [], "totalCount": True},
        {"results": [], "totalCount": -1},
        [1, 2],
        "text",
        {"totalCount": 3},  # (no list, but records to list)
        {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": "no"},  # (a failure, not none)
    ],
)
def test_a_page_without_its_list_or_count_fails_at_once(body: Any) -> None:
    with pytest.raises(APIResponseValidationError, match="expected a 'results' list and a totalCount"):
        _scripted_pages([body]).oneroster.gradebook.get_all_results(limit=2)


@pytest.mark.parametrize(
    ("body", "headers"),
    [({}, {"X-Total-Count": "0"}), ({}, {}), ({"totalCount": 0, "pageCount": 0}, {})],
    ids=["official", "no-total", "envelope-only"],
)
def test_an_object_holding_no_list_and_no_records_is_an_empty_listing(body: Any, headers: dict[str, str]) -> None:
    """The official document's collections make their list optional (``{}``: no records); a listing so answered
    raised "expected a 'results' list and a totalCount in the response, found no 'results' list"."""
    from tests.test_client import Script, answer, make_client

    listing = make_client(Script([answer(200, body, headers)])).oneroster.gradebook.get_all_results()
    assert list(listing) == [] and listing.items == [] and listing.total_count in (0, None)
    assert not listing.has_next_page()
    with pytest.raises(APIResponseValidationError, match="found no 'results' list"):  # (records it does not give)
        make_client(Script([answer(200, {}, {"X-Total-Count": "5"})])).oneroster.gradebook.get_all_results()
    with pytest.raises(APIResponseValidationError, match="found no 'results' list"):  # (no listing: a gateway's)
        make_client(
            Script([answer(200, {"message": "Endpoint request timed out"})])
        ).oneroster.gradebook.get_all_results()


def test_a_total_count_written_as_a_whole_float_is_a_count() -> None:
    """``"totalCount": 3.0`` is the number 3 in JSON; a server whose serializer writes it so still pages."""
    pages = [{"results": [{"sourcedId": f"r{i}"}, {"sourcedId": f"r{i + 1}"}], "totalCount": 3.0} for i in (1,)]
    pages.append({"results": [{"sourcedId": "r3"}], "totalCount": 3.0})
    listing = _scripted_pages(pages).oneroster.gradebook.get_all_results(limit=2)
    assert listing.total_count == 3 and type(listing.total_count) is int
    assert [r.sourcedId for r in listing] == ["r1", "r2", "r3"]


def test_a_view_answered_under_its_base_collection_s_key_is_read() -> None:
    """Timeback's document answers /students/, /teachers/ and a school's students and teachers under "users", and
    /schools/ under "orgs"; the official one also a term's grading periods under "academicSessions". The SDK read
    only the view's own key ("students"), so those listings raised against Timeback."""
    user = {"sourcedId": "u1", "givenName": "G", "familyName": "F", "roles": [], "enabledUser": True}
    rostering = _scripted_pages([{"users": [user], "totalCount": 1}] * 3).oneroster.rostering
    assert [u.sourcedId for u in rostering.get_all_students()] == ["u1"]
    assert [u.sourcedId for u in rostering.get_students_for_school(school_sourced_id="s1")] == ["u1"]
    page = rostering.get_all_teachers()
    assert [u.sourcedId for u in page] == ["u1"] and page.body["teachers"][0].sourcedId == "u1"
    orgs = _scripted_pages([{"orgs": [{"sourcedId": "s1", "name": "S", "type": "school"}], "totalCount": 1}])
    assert [o.sourcedId for o in orgs.oneroster.rostering.get_all_schools()] == ["s1"]
    session = {"sourcedId": "gp", "title": "GP", "type": "gradingPeriod"}
    periods = _scripted_pages([{"academicSessions": [session], "totalCount": 1}]).oneroster.rostering
    assert [p.sourcedId for p in periods.get_grading_periods_for_term(term_sourced_id="t1")] == ["gp"]
    with pytest.raises(APIResponseValidationError, match="expected a 'results' list"):
        _scripted_pages([{"users": [], "totalCount": 0}]).oneroster.gradebook.get_all_results()  # (no alias there)


def test_a_page_that_is_not_json_fails_at_once() -> None:
    from tests.test_client import Script, make_client

    script = Script([lambda request: httpx.Response(200, content=b"<html>busy</html>")])
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        make_client(script).oneroster.gradebook.get_all_results(limit=2)


def test_page_envelope_reads_as_attributes_and_body_holds_models() -> None:
    envelope = {"results": [{"sourcedId": "r1"}], "totalCount": 1, "pageCount": 1}
    page = _scripted_pages([envelope]).oneroster.gradebook.get_all_results(limit=5)
    assert page.pageCount == 1 and page.totalCount == 1 and len(page) == 1
    assert [r.sourcedId for r in page.results] == ["r1"] and page.body["results"][0] is page.items[0]
    with pytest.raises(AttributeError):
        page.nothing_here  # noqa: B018


def test_a_server_answering_the_same_page_twice_stops_iteration() -> None:
    first = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 6}
    second = {"results": [{"sourcedId": "r3"}, {"sourcedId": "r4"}], "totalCount": 6}
    looping = _scripted_pages([first, second, second]).oneroster.gradebook.get_all_results(limit=2)
    seen = []
    with pytest.raises(APIResponseValidationError, match=r"same page for offsets 2 and 4.*delta sync") as stopped:
        seen.extend(r.sourcedId for r in looping)
    assert seen == ["r1", "r2", "r3", "r4"]
    # It names the page answered again, as the README's table says its errors do: where to go on from (offset 4).
    assert (stopped.value.method, stopped.value.status_code) == ("GET", 200)
    assert stopped.value.url is not None and "offset=4" in stopped.value.url and "(GET " in str(stopped.value)
    # A page that only shares its first record with the one before is a new page.
    shifted = {"results": [{"sourcedId": "r3"}, {"sourcedId": "r5"}], "totalCount": 7}
    last = {"results": [{"sourcedId": "r6"}], "totalCount": 7}
    pages = [{**first, "totalCount": 7}, {**second, "totalCount": 7}, shifted, last]
    paging = _scripted_pages(pages).oneroster.gradebook.get_all_results(limit=2)
    assert [r.sourcedId for r in paging] == ["r1", "r2", "r3", "r4", "r3", "r5", "r6"]
    # The same page under another total: records entered the listing between the pages; paging goes on to the total.
    rest = {"results": [{"sourcedId": "r5"}, {"sourcedId": "r6"}], "totalCount": 8}
    pages = [first, second, {**second, "totalCount": 8}, rest]
    paging = _scripted_pages(pages).oneroster.gradebook.get_all_results(limit=2)
    assert [r.sourcedId for r in paging] == ["r1", "r2", "r3", "r4", "r3", "r4", "r5", "r6"]
    # Without totals, a page answered again cannot be told from a server ignoring offset.
    untotalled = _scripted_pages([{"results": first["results"]}] * 2).oneroster.gradebook.get_all_results(limit=2)
    with pytest.raises(APIResponseValidationError, match="same page for offsets 0 and 2"):
        list(untotalled)
    # A server ignoring offset on a busy listing, its total moving: a total that grew by less than a page, or a
    # second repeat in a row, is no page of records entering ahead (it yielded the first page up to the total, and
    # with a total growing a page per request never ended).
    for totals, stopped_at in (([6, 7, 6], "0 and 2"), ([6, 8, 10, 12], "2 and 4")):
        ignoring = [{**first, "totalCount": total} for total in totals]
        paging = _scripted_pages(ignoring).oneroster.gradebook.get_all_results(limit=2)
        with pytest.raises(APIResponseValidationError, match=f"same page for offsets {stopped_at}"):
            list(paging)


async def test_async_a_server_answering_the_same_page_twice_stops_iteration() -> None:
    from tests.test_client import Script, answer, make_async_client

    first = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 6}
    second = {"results": [{"sourcedId": "r3"}, {"sourcedId": "r4"}], "totalCount": 6}
    seen = []
    async with make_async_client(Script([answer(200, first), answer(200, second)])) as client:  # (then again)
        with pytest.raises(APIResponseValidationError, match=r"same page for offsets 2 and 4.*delta sync"):
            async for result in client.oneroster.gradebook.get_all_results(limit=2):
                seen.append(result.sourcedId)
    assert seen == ["r1", "r2", "r3", "r4"]


def test_an_empty_page_before_the_total_ends_iteration() -> None:
    """A total the pages do not reach (records deleted meanwhile): an empty page is the end. The next offset would be
    the same one again, and an empty page never looks like the one before it, so paging would never stop."""
    from tests.test_client import Script, answer, make_client

    first = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 5}
    script = Script([answer(200, first), answer(200, {"results": [], "totalCount": 5}), answer(400)])
    assert [r.sourcedId for r in make_client(script).oneroster.gradebook.get_all_results(limit=2)] == ["r1", "r2"]
    assert len(script.requests) == 2  # (a third would be refused: a 400 instead of a loop)


def test_a_view_s_page_reads_its_records_under_the_view_s_and_the_base_collection_s_names(
    client: Timeback, roster: Roster
) -> None:
    """A class's or a school's students are users, schools orgs: ``page.users`` and ``page.orgs`` read them as
    ``page.students`` and ``page.schools`` do, whatever key the answer used."""
    ro = client.oneroster.rostering
    for student in roster.students:
        ro.add_student_to_class(class_sourced_id=roster.class_, enrollment={"user": {"sourcedId": student}})
    for page in (
        ro.get_students_for_class(class_sourced_id=roster.class_),
        ro.get_students_for_school(school_sourced_id=roster.school),
    ):
        assert sorted(u.sourcedId for u in page.students) == sorted(roster.students)
        assert page.users == page.students
    teachers = ro.get_teachers_for_class(class_sourced_id=roster.class_)
    assert teachers.users == teachers.teachers
    schools = ro.get_all_schools(filter=f"sourcedId='{roster.school}'")
    assert [o.sourcedId for o in schools.orgs] == [roster.school] and schools.schools == schools.orgs
    with pytest.raises(AttributeError):
        schools.users  # noqa: B018


# ----- pages written a record a line (``timeback serve``'s listings; ``_base_client._records_by_line``)


def _lined(records: list[Any], total: int, offset: int = 0, limit: int = 2, key: str = "results") -> bytes:
    """A page as ``timeback serve`` writes it: the records' list opened on the first line, a record a line."""
    lines = ",\n".join(json.dumps(record) for record in records)
    envelope = json.dumps({"totalCount": total, "offset": offset, "limit": limit})[1:]
    return (f'{{"{key}":[\n{lines}\n],' + envelope).encode()


def _raw_pages(pages: list[bytes]) -> Timeback:
    from tests.test_client import Script, make_client

    script = Script([lambda request, page=page: httpx.Response(200, content=page) for page in pages])
    return make_client(script)


def test_the_server_writes_a_record_a_line_and_each_builds_the_model_the_whole_page_does(
    server: LocalServer, client: Timeback, roster: Roster
) -> None:
    """Each line is validated straight from its JSON text: the models must be those of decoding the page whole
    (every field, extras, what was set), for records holding what JSON text can: nested metadata, big integers,
    escapes, text on several lines, non-ASCII, learning objectives."""
    from timeback.models.gradebook import TimebackResult

    (line_item,) = add_line_items(client, roster, 1)
    odd = [
        {"metadata": {"n": 2**70, "f": -0.0, "deep": {"list": [1, {"sourcedId": "x"}], "none": None}}},
        {"comment": 'two\nlines, "quoted" \\ back\tslash ,\n{"sourcedId":"fake"}', "textScore": "élève 日本 🎓"},
        {"learningObjectiveSet": [{"source": "s", "learningObjectiveResults": [{"learningObjectiveId": "lo"}]}]},
        {"score": 1e300, "scoreDate": "2024-02-29", "metadata": {"\u2028": "\u2029"}},
    ]
    ids = [uid("line") for _ in odd]
    client.oneroster.gradebook.create_result_for_line_item(
        line_item_sourced_id=line_item,
        results=[result_body(line_item, roster.students[0], i, **extra) for i, extra in zip(ids, odd, strict=True)],
    )
    answers: list[bytes] = []
    filter_ = f"lineItem.sourcedId='{line_item}'"
    with Timeback(
        **server.client_kwargs(),
        http_client=httpx.Client(event_hooks={"response": [lambda r: answers.append(r.read())]}),
    ) as watched:
        page = watched.oneroster.gradebook.get_all_results(filter=filter_, limit=3)
        lines = list(page._info.raw_items)
        items = list(page)
    assert [type(line) for line in lines] == [bytes] * 3  # (the page came a record a line, and was read so)
    whole = [item for answer in answers for item in json.loads(answer).get("results", [])]  # (and the token's)
    assert items == [TimebackResult.model_validate(record) for record in whole]
    assert sorted(item.sourcedId for item in items) == sorted(ids)
    assert page.totalCount == 4 and page.offset == 0 and "results" not in page._info.envelope


@pytest.mark.parametrize(
    "page",
    [
        # compact, as most servers write pages
        json.dumps({"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 2, "offset": 0,
                    "limit": 2}).encode(),
        # a record over several lines: more lines than the envelope says the page holds
        b'{"results":[\n{"sourcedId":"r1",\n"score":1},\n{"sourcedId":"r2"}\n],"totalCount":2,"offset":0,"limit":2}',
        # the envelope before the records
        b'{"totalCount":2,"offset":0,"limit":2,"results":[\n{"sourcedId":"r1"},\n{"sourcedId":"r2"}\n]}',
        # indented
        json.dumps({"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 2, "offset": 0,
                    "limit": 2}, indent=2).encode(),
    ],
)  # fmt: skip
def test_a_page_not_written_a_record_a_line_is_decoded_whole(page: bytes) -> None:
    read = _raw_pages([page]).oneroster.gradebook.get_all_results(limit=2)
    assert [type(item) for item in read._info.raw_items] == [dict, dict]
    assert [r.sourcedId for r in read] == ["r1", "r2"]


@pytest.mark.parametrize("said", ["the next page's (Timeback's, the local server's)", "the page's own"])
def test_a_page_written_a_record_a_line_is_read_by_line_whichever_offset_its_envelope_says(said: str) -> None:
    """The lines are counted against the page the request asked for (its offset), not the envelope's ``offset``:
    Timeback documents that as the next page's, which the local server answers since; counted by it, every page
    of the server's failed the check and was decoded whole (a third of the reads' speed)."""
    records = [{"sourcedId": f"r{i}"} for i in range(5)]
    pages = [_lined(records[i : i + 2], 5, i + 2 if said.startswith("the next") else i) for i in (0, 2, 4)]
    paging = _raw_pages(pages).oneroster.gradebook.get_all_results(limit=2)
    assert [[type(item) for item in page._info.raw_items] for page in paging.iter_pages()] == [[bytes] * 2] * 2 + [
        [bytes]
    ]
    assert [r.sourcedId for r in _raw_pages(pages).oneroster.gradebook.get_all_results(limit=2)] == [
        f"r{i}" for i in range(5)
    ]


def test_a_short_page_written_a_record_a_line_is_decoded_whole() -> None:
    """(A page shorter than its envelope says: its lines cannot be told from a record split over two.)"""
    pages = [_lined([{"sourcedId": "r1"}], total=3), _lined([{"sourcedId": "r2"}, {"sourcedId": "r3"}], 3, 2)]
    paging = _raw_pages(pages).oneroster.gradebook.get_all_results(limit=2)
    assert [type(item) for item in paging._info.raw_items] == [dict]
    assert [r.sourcedId for r in paging] == ["r1", "r2", "r3"]


def test_a_short_page_holding_a_record_over_as_many_lines_as_its_total_says_is_decoded_whole() -> None:
    """(One record over three lines, in a page whose total says three: the lines were taken for three records, and
    the first, no JSON text alone, refused as an answer cut short.)"""
    split = b'{"results":[\n{"sourcedId":"r1",\n"score":1,\n"comment":"c"}\n],"totalCount":3,"offset":0,"limit":3}'
    rest = _lined([{"sourcedId": "r2"}, {"sourcedId": "r3"}], total=3, offset=1, limit=3)
    paging = _raw_pages([split, rest]).oneroster.gradebook.get_all_results(limit=3)
    assert [type(item) for item in paging._info.raw_items] == [dict]
    assert [(r.sourcedId, r.score) for r in paging] == [("r1", 1), ("r2", None), ("r3", None)]


def test_pages_written_a_record_a_line_keep_the_paging_rules() -> None:
    first = _lined([{"sourcedId": "r1"}, {"sourcedId": "r2"}], total=6)
    second = _lined([{"sourcedId": "r3"}, {"sourcedId": "r4"}], total=6, offset=2)
    looping = _raw_pages([first, second, second]).oneroster.gradebook.get_all_results(limit=2)
    seen = []
    with pytest.raises(APIResponseValidationError, match=r"same page for offsets 2 and 4.*delta sync"):
        seen.extend(r.sourcedId for r in looping)
    assert seen == ["r1", "r2", "r3", "r4"]
    bad = _lined([{"sourcedId": "r1", "score": 1}, {"sourcedId": "r2", "score": "lots"}], total=2)
    with pytest.raises(APIResponseValidationError, match=r"item 1 of 'results' is not a TimebackResult") as info:
        list(_raw_pages([bad]).oneroster.gradebook.get_all_results(limit=2))
    assert info.value.body == '{"sourcedId": "r2", "score": "lots"}'


@pytest.mark.parametrize("by_line", [False, True], ids=["compact", "a-record-a-line"])
async def test_a_lone_surrogate_escape_reads_as_a_replacement_character(by_line: bool) -> None:
    """``"great job \\ud83d"`` is what Node's JSON.stringify writes for a string cut inside an emoji: RFC 8259's
    grammar allows it, and pydantic-core refuses it ("unexpected end of hex escape"), so the whole page was lost.
    Read with U+FFFD in its place, the record can be sent again (a lone surrogate has no UTF-8 JSON form)."""
    from tests.test_client import Script, make_async_client

    records = [{"sourcedId": "r1", "comment": "great job \ud83d"}, {"sourcedId": "r2", "comment": "\udc00 ok"}]
    page = _lined(records, total=2) if by_line else json.dumps({"results": records, "totalCount": 2}).encode()
    assert b"\\ud83d" in page  # (the escape, as sent)
    listing = _raw_pages([page]).oneroster.gradebook.get_all_results(limit=2)
    assert [type(item) for item in listing._info.raw_items] == [bytes if by_line else dict] * 2
    comments = [result.comment for result in listing]
    assert comments == ["great job \ufffd", "\ufffd ok"]
    assert [r.model_dump_json() for r in listing]  # (each can be written as JSON again)
    async with make_async_client(Script([lambda request: httpx.Response(200, content=page)])) as aclient:
        assert [r.comment async for r in aclient.oneroster.gradebook.get_all_results(limit=2)] == comments


@pytest.mark.parametrize("by_line", [False, True], ids=["compact", "a-record-a-line"])
# (3,000: past json.loads' own limit)
@pytest.mark.parametrize(("levels", "comment"), [(300, "ok"), (300, "cut \ud83d"), (3_000, "cut \ud83d")])
def test_a_page_nested_past_pydantic_cores_limit_is_still_refused(by_line: bool, levels: int, comment: str) -> None:
    """Only pydantic-core's lone-surrogate refusals are read again by json.loads: a record nested deeper than
    pydantic-core goes (metadata 300 lists deep) was read, and could not be sent back (PydanticSerializationError).
    Holding a lone surrogate escape too, it was read all the same (json.loads has no such limit), and past
    json.loads' own the error named the surrogate: refused as without it, for its depth."""
    records = [{"sourcedId": "r1", "comment": comment, "metadata": {"a": "deep"}}]
    page = _lined(records, total=1) if by_line else json.dumps({"results": records, "totalCount": 1}).encode()
    page = page.replace(b'"deep"', b"[" * levels + b"]" * levels)
    with pytest.raises(APIResponseValidationError, match="recursion limit exceeded"):
        list(_raw_pages([page]).oneroster.gradebook.get_all_results(limit=2))


def test_pages_of_records_without_their_sourced_id_are_all_read(
    client: Timeback, seven_results: tuple[str, list[str]]
) -> None:
    """(``fields=score``: each line's record has no sourcedId, and the identity that stood for it was a dict's
    freed at once, reused by the next page's: the second page was taken for the first answered again.)"""
    line_item, _ = seven_results
    listing = client.oneroster.gradebook.get_all_results(
        filter=f"lineItem.sourcedId='{line_item}'", limit=2, fields="score"
    )
    assert [type(item) for item in listing._info.raw_items] == [bytes, bytes]
    assert [result.sourcedId for result in listing] == [None] * 7
    assert [len(page) for page in listing.iter_pages()] == [2, 2, 2, 1]


@pytest.mark.parametrize("param", ["limit", "offset"])
@pytest.mark.parametrize("flag", [True, False])
def test_a_bool_for_limit_or_offset_is_refused_and_nothing_is_sent(server: LocalServer, param: str, flag: bool) -> None:
    # (lax int took True as 1: get_all_categories(offset=True, limit=True) sent limit=1&offset=1, skipping a record)
    sent: list[httpx.URL] = []
    capture = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url)]})
    with Timeback(**server.client_kwargs(), http_client=capture) as client:
        with pytest.raises(ValidationError, match=rf"{param}\n  Input should be a valid integer, not a boolean"):
            client.oneroster.gradebook.get_all_categories(**{param: flag})
        assert client.oneroster.gradebook.get_all_categories(**{param: 1}).body is not None  # (an int still goes)
    assert [url.params.get(param) for url in sent if "/categories" in url.path] == ["1"]
