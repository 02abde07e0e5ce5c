"""User code that ``mypy --strict`` must reject (tests/test_typecheck.py runs it and compares): a comment
``# error: <what mypy reports>`` stands above each line that fails. Never run, never collected by pytest."""

from __future__ import annotations

from timeback import AsyncTimeback, Timeback


def misspelt_page_attributes(client: Timeback) -> None:
    page = client.oneroster.gradebook.get_all_results(limit=1)
    # error: "Page[TimebackResult]" has no attribute "next_page"; maybe "get_next_page"?  [attr-defined]
    page.next_page()
    # error: "Page[TimebackResult]" has no attribute "totalcount"  [attr-defined]
    print(page.totalcount)
    # The envelope's keys answer at run time, untyped: typed code reads page.items and page.body["results"].
    # error: "Page[TimebackResult]" has no attribute "results"  [attr-defined]
    print(page.results)


async def misspelt_async_page_attributes(client: AsyncTimeback) -> None:
    page = await client.oneroster.gradebook.get_all_results(limit=1)
    # error: "AsyncPage[TimebackResult]" has no attribute "next_page"; maybe "get_next_page"?  [attr-defined]
    await page.next_page()
