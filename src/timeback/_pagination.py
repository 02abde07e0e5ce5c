"""Pages of a collection, and lazy iteration across all of them.

``Page`` (sync) iterates every item of every page, fetching the next page only when the previous one is used up.
``AsyncPaginator`` is what async list methods return: ``await`` it for the first page, or ``async for`` it for
every item. Paging starts at the caller's ``offset`` and asks for the caller's ``limit`` per page; it stops at
``totalCount`` (or, when the server gives no total, at an empty page, or a short one without a ``Link`` to a next
page) and raises if the server answers the same page twice, which would otherwise loop forever or duplicate
records (but once for a total grown by a page or more: records written ahead meanwhile, which offset paging then
shows again, ``PageInfo.entered_ahead_of``). Iteration fetches the next page while the caller works through the
current one (one request ahead: two pages in memory): in a background thread (sync), or in a task (async).
Items become models as iteration reaches them (see ``PageInfo``).
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Self, SupportsIndex, TypeVar, cast

from timeback._waits import wait_for
from timeback.errors import APIResponseValidationError
from timeback.models._dicts import read_json

if TYPE_CHECKING:
    import contextvars
    import threading

T = TypeVar("T")

# Async iteration lets the event loop run every this many items: a 3,000-item page took 60 ms to go through here,
# with every other task (and the page ahead, whose answer waited in the socket) held up. Reading 60,000 results
# with a caller that awaits nothing: 36,300 -> 44,000 /s, medians of 4 (every 2,000 items: no gain).
LOOP_TURN_EVERY = 200

__all__ = ["AsyncPage", "AsyncPaginator", "Page", "PageInfo"]


@dataclass
class PageInfo(Generic[T]):
    """One page as received: the envelope decoded, its items still JSON values (or, from a page written a record a
    line, each record's JSON text) until they are used.

    Items become models one at a time as iteration reaches them, so a streamed export never holds a page of models
    (which also keeps them young for the garbage collector: building a whole page of models made the cyclic
    collector walk each of them several times). ``items`` builds and keeps them all.
    """

    raw_items: list[Any]  # JSON values, or each record's JSON text (bytes) when the page came a record a line
    build_item: Callable[[int, Any], T]  # (index in the page, raw item) -> model; raises on a bad item
    collection: str
    envelope: dict[str, Any]  # everything but the items: totalCount, pageCount and the like
    total_count: int | None
    offset: int
    limit: int | None
    request_id: str | None = None
    retries_taken: int = 0
    # The request the page answered and its status: an error about the page names them (its URL holds its offset)
    method: str | None = None
    url: str | None = None
    status_code: int | None = None
    links_next: bool = False  # the answer's Link header has rel="next"
    # The names the items answer to as attributes besides ``collection``: a view's base collection's too ("users"
    # for a class's students, "orgs" for schools), as the answer may come under either.
    aliases: tuple[str, ...] = ()
    repeated: bool = False  # (the page before answered again, its records shifted by writes: ``entered_ahead_of``)
    # The credentials the page's request carried, taken out of a text (an error's), should the answer echo them
    redact: Callable[[Any], Any] = lambda text: text
    _items: list[T] | None = None

    @property
    def items(self) -> list[T]:
        if self._items is None:
            self._items = [self.build_item(index, raw) for index, raw in enumerate(self.raw_items)]
        return self._items

    def iter_items(self) -> Iterator[T]:
        if self._items is not None:
            yield from self._items
            return
        build = self.build_item
        for index, raw in enumerate(self.raw_items):
            yield build(index, raw)

    def next_offset(self) -> int | None:
        """Where the next page starts, or None when this is the last one."""
        count = len(self.raw_items)
        if count == 0:
            return None
        end = self.offset + count
        if self.total_count is not None:
            # Timeback may answer short pages mid-collection: trust the total, not the page size.
            return end if end < self.total_count else None
        served = self.envelope.get("limit")  # (a server capping the page size may say so: Timeback's envelope does)
        page_size = served if isinstance(served, int) and 0 < served < (self.limit or served + 1) else self.limit
        if page_size is not None and count < page_size and not self.links_next:  # (a link: the page was capped)
            return None
        return end

    def same_page_as(self, other: PageInfo[T]) -> bool:
        """Whether this is ``other`` answered again: the same length, first and last record (comparing every id
        cost 1 ms per 3,000-item page)."""
        mine, theirs = self.raw_items, other.raw_items
        if not mine or len(mine) != len(theirs):
            return False
        return bool(_id(mine[0]) == _id(theirs[0]) and _id(mine[-1]) == _id(theirs[-1]))

    def entered_ahead_of(self, other: PageInfo[T]) -> bool:
        """Whether this page, ``other`` answered again, is a page's worth of records entering the listing ahead of
        the reader between the two requests (offset paging under writes: a delta sync while its source is written):
        the total grew by at least this page's length, and ``other`` was no such repeat itself. A server ignoring
        offset answers the same page every time, whether its total moves or not (a busy listing): its second repeat
        raises, and so does a repeat under a total that grew less than a page or did not."""
        if self.total_count is None or other.total_count is None or other.repeated:
            return False
        return self.total_count - other.total_count >= len(self.raw_items)


def _id(item: Any) -> Any:
    """An item's sourcedId, else its identity (the item's own, kept by its page: never a value freed since)."""
    record = item
    if type(item) is bytes:  # (a record's line: its JSON text)
        try:
            record = read_json(item)
        except ValueError:
            return id(item)
    return record.get("sourcedId", id(item)) if isinstance(record, dict) else id(item)


class _BoundToClient:
    """Refused by pickle, saying what to send instead: a page fetches the pages after it through its client, and
    holds its request's credentials (``PageInfo.redact``). (Refused, it named an internal closure.) Copies, which
    ask ``__reduce_ex__`` too unless told otherwise, are made as before: sharing the client."""

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__} cannot be pickled: a page is bound to its client (it fetches the pages after it); "
            "send page.items or page.body instead"
        )

    def __copy__(self) -> Self:
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        return copied

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        copied = object.__new__(type(self))
        memo[id(self)] = copied
        copied.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return copied


class _PageBase(_BoundToClient, Generic[T]):
    def __init__(self, info: PageInfo[T]) -> None:
        self._info = info

    @property
    def items(self) -> list[T]:
        """The records of this page only, as a list (made all at once, and kept: see ``iter_items``)."""
        return self._info.items

    def iter_items(self) -> Iterator[T]:
        """The records of this page only, each made a model as iteration reaches it, none kept: for a read page by
        page (``iter_pages()``) that stores each page's records. ``items`` makes a 3,000-record page's models at
        once, and the garbage collector's passes over them made such a read about three times slower."""
        return self._info.iter_items()

    @property
    def total_count(self) -> int | None:
        return self._info.total_count

    @property
    def offset(self) -> int:
        return self._info.offset

    @property
    def limit(self) -> int | None:
        return self._info.limit

    @property
    def body(self) -> dict[str, Any]:
        """The JSON envelope of this page (``totalCount``, ``pageCount`` and the like), its items as models."""
        info = self._info
        return {info.collection: info.items, **info.envelope}

    @property
    def request_id(self) -> str | None:
        """The server's ``X-Request-Id`` for this page's request."""
        return self._info.request_id

    @property
    def retries_taken(self) -> int:
        """How many times this page's request was retried before it was answered."""
        return self._info.retries_taken

    def has_next_page(self) -> bool:
        return self._info.next_offset() is not None

    if not TYPE_CHECKING:  # (a checker seeing it would take any misspelt attribute, page.next_page(), as Any)

        def __getattr__(self, name: str) -> Any:
            # The envelope's own keys read as attributes too: page.results, page.totalCount, page.pageCount; a
            # view's records under its base collection's name too (page.users for a class's students), as either
            # may answer. Untyped: typed code reads page.items and page.body.
            info = self.__dict__.get("_info")
            if info is not None:
                if name == info.collection or name in info.aliases:
                    return info.items
                if name in info.envelope:
                    return info.envelope[name]
            raise AttributeError(name)

    def __len__(self) -> int:
        return len(self._info.raw_items)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} offset={self.offset} items={len(self)} total_count={self.total_count}>"


def _check_progress(previous: PageInfo[Any], current: PageInfo[Any]) -> None:
    if current.same_page_as(previous):
        if current.entered_ahead_of(previous):
            current.repeated = True
            return
        raise APIResponseValidationError(
            f"the server answered the same page for offsets {previous.offset} and {current.offset} (a server "
            "ignoring offset; or records entering the listing ahead of them meanwhile, its total not growing by a "
            "page, or twice in a row); stopping (a listing written while it is read: page with a filter that "
            "records only enter, as the README's delta sync does)",
            status_code=current.status_code,
            method=current.method,
            url=current.url,
            request_id=current.redact(current.request_id),
            retries_taken=current.retries_taken,
        )


class Page(_PageBase[T]):
    """One page of a collection; iterating it yields every item of every page, lazily. ``fetch(offset, stop)``
    reads a page; ``stop``, once set, cuts short its retries (see ``_Prefetcher``)."""

    def __init__(self, info: PageInfo[T], fetch: Callable[[int | None, threading.Event | None], PageInfo[T]]) -> None:
        super().__init__(info)
        self._fetch = fetch

    def get_next_page(self) -> Page[T] | None:
        """The page after this one, read now, or None after the last."""
        offset = self._info.next_offset()
        if offset is None:
            return None
        info = self._fetch(offset, None)
        _check_progress(self._info, info)
        return Page(info, self._fetch)

    def iter_pages(self) -> Iterator[Page[T]]:
        """Every page from this one on. The next page is fetched while the caller works through this one (one
        request ahead, never more: memory stays at two pages)."""
        page = self
        prefetch: _Prefetcher[PageInfo[T]] | None = None  # (started by the first page with one after it)
        try:
            while True:
                offset = page._info.next_offset()
                if offset is not None and (prefetch is None or prefetch.forked()):
                    # (forked since it started: its thread is the parent's alone, and its queue, read by no one
                    # here, would keep every page the child fetched; the child's pages ahead are a new one's)
                    prefetch = _Prefetcher(self._fetch)
                upcoming = prefetch.submit(offset) if prefetch is not None and offset is not None else None
                yield page
                if upcoming is None:
                    return
                info = upcoming.result()
                _check_progress(page._info, info)
                page = Page(info, page._fetch)
        finally:
            if prefetch is not None:
                prefetch.close()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page._info.iter_items()


class _Prefetcher(Generic[T]):
    """Fetches the page ahead in one thread of its own for a whole iteration, while the caller works through the
    current page. A caller who stops early (or fails) does not wait for the request in flight, however long it
    takes: the thread finishes it, drops the answer and ends. A retry it would have waited for is not sent (no one
    will read the page: async iteration cancels its page ahead); before, the thread went through every retry, up
    to a minute each for a Retry-After. A daemon thread, so that the interpreter's exit does not wait either.
    (One thread, not one per page: each new thread that decodes a page gets a malloc arena of its own, and reading
    1,000,000 results peaked 7 MB higher.)"""

    def __init__(self, fetch: Callable[[int | None, threading.Event | None], T]) -> None:
        import queue
        import threading

        self._fetch = fetch
        self._stop = threading.Event()  # (set by close: the fetch in flight gives up its retries)
        self._jobs: queue.SimpleQueue[_Job[T] | None] = queue.SimpleQueue()
        self._pid = os.getpid()  # (the process its thread runs in: a child forked since has none of it)
        threading.Thread(target=self._run, name="timeback-page", daemon=True).start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:  # (in the caller's context, as a task would be: what reads it around a request sees it)
                job.value = job.context.run(self._fetch, job.offset, self._stop)
            except BaseException as exc:  # (handed to the caller by result())
                job.error = exc
            finally:
                job.done.set()

    def submit(self, offset: int) -> _Job[T]:
        import contextvars

        job: _Job[T] = _Job(offset, contextvars.copy_context(), self)
        self._jobs.put(job)
        return job

    def forked(self) -> bool:
        """Whether this is a child forked since it started: its thread, locks and queue are the parent's."""
        return os.getpid() != self._pid

    def close(self) -> None:
        if self.forked():  # (nothing of it runs here; its event's lock may have been held at the fork)
            return
        self._stop.set()
        self._jobs.put(None)  # (after the request in flight, if any: the thread ends)


class _Job(Generic[T]):
    def __init__(self, offset: int, context: contextvars.Context, prefetcher: _Prefetcher[T]) -> None:
        import threading

        self.offset = offset
        self.context = context
        self.prefetcher = prefetcher  # (whose thread fetches it: in a child forked since, not there)
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None

    def result(self) -> T:
        if self.prefetcher.forked():
            # A child forked while the iteration ran: the thread that would fetch it is its parent's alone, and
            # waiting for it never ended. Fetched here unless it was before the fork (its value written before its
            # flag), touching no lock of the event (the parent's thread may have held it at the fork), in a copy of
            # the context (one the thread was running at the fork reads as entered: "cannot enter context").
            if not self.done.is_set():
                return self.context.copy().run(self.prefetcher._fetch, self.offset, None)
        else:
            wait_for(self.done.wait)
        if self.error is not None:
            raise self.error
        return cast(T, self.value)


class _AsyncOnly:
    """``for`` over an async listing says to use ``async for`` (Python's own error said only "not iterable").
    Hidden from type checkers, which then flag such a ``for`` themselves, as not iterable."""

    if not TYPE_CHECKING:

        def __iter__(self) -> NoReturn:
            raise TypeError(
                f"'{type(self).__name__}' object is not iterable: its items come from awaited requests, "
                "use `async for` (in an async function), or the sync client Timeback"
            )


def async_only(value: object) -> bool:
    """Whether ``value`` is iterated by ``async for`` alone: an async iterable that is no sync one, the SDK's async
    listings included (their ``__iter__`` only says to use ``async for``: they pass for sync iterables)."""
    return isinstance(value, AsyncIterable) and (isinstance(value, _AsyncOnly) or not isinstance(value, Iterable))


class AsyncPage(_AsyncOnly, _PageBase[T]):
    """One page of a collection, as an ``AsyncPaginator`` awaited gives the first: ``async for`` over it yields every
    item of every page, lazily; ``get_next_page()`` reads the next page."""

    def __init__(self, info: PageInfo[T], fetch: Callable[[int | None], Awaitable[PageInfo[T]]]) -> None:
        super().__init__(info)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncPage[T] | None:
        """The page after this one, read now, or None after the last."""
        offset = self._info.next_offset()
        if offset is None:
            return None
        info = await self._fetch(offset)
        _check_progress(self._info, info)
        return AsyncPage(info, self._fetch)

    async def iter_pages(self) -> AsyncGenerator[AsyncPage[T], None]:
        """Every page from this one on. As in sync iteration, the next page is asked for (a task) before this one
        is handed over, so the server works on it while the caller goes through this one; never more than one
        request ahead. A caller who stops early cancels it when this generator is closed: by the iteration over
        items that holds it, or by the event loop (its finalizer for generators dropped mid-way, its shutdown)."""
        import asyncio

        page = self
        upcoming: asyncio.Task[PageInfo[T]] | None = None
        try:
            while True:
                offset = page._info.next_offset()
                if offset is not None:
                    upcoming = asyncio.ensure_future(self._fetch(offset))
                    await asyncio.sleep(0)  # (it sends its request now, not when this page is used up)
                yield page
                if upcoming is None:
                    return
                info = await upcoming
                upcoming = None
                _check_progress(page._info, info)
                page = AsyncPage(info, page._fetch)
        finally:
            if upcoming is not None:
                # A page ahead nobody will read: stopped when still on its way, and when it failed, its error is
                # not logged as never retrieved (cancelling a done task marks it seen).
                upcoming.cancel()

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        import asyncio

        async with contextlib.aclosing(self.iter_pages()) as pages:  # (a caller who stops closes the page ahead)
            async for page in pages:
                for count, item in enumerate(page._info.iter_items(), 1):
                    yield item
                    if count % LOOP_TURN_EVERY == 0:
                        await asyncio.sleep(0)


class AsyncPaginator(_AsyncOnly, _BoundToClient, Generic[T]):
    """``await`` it for the first ``AsyncPage``; ``async for`` it for every item across pages."""

    def __init__(self, fetch: Callable[[int | None], Awaitable[PageInfo[T]]]) -> None:
        self._fetch = fetch

    def __repr__(self) -> str:
        # (a notebook showed "<timeback._pagination.AsyncPaginator at 0x...>" for a call not awaited)
        return f"<{type(self).__name__}: await it for its first page, or async for its items>"

    async def _first_page(self) -> AsyncPage[T]:
        return AsyncPage(await self._fetch(None), self._fetch)

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        page = await self._first_page()
        async with contextlib.aclosing(page.__aiter__()) as items:
            async for item in items:
                yield item

    async def iter_pages(self) -> AsyncGenerator[AsyncPage[T], None]:
        """Every page, the first one fetched as iteration starts: ``async for page in
        gradebook.get_all_results(limit=3000).iter_pages()``, as a sync listing's ``iter_pages()`` reads (it
        was ``(await ...).iter_pages()`` alone). See ``AsyncPage.iter_pages``."""
        page = await self._first_page()
        async with contextlib.aclosing(page.iter_pages()) as pages:  # (a caller who stops closes the page ahead)
            async for each in pages:
                yield each
