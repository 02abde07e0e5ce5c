"""A client used in a child process after ``fork()`` (gunicorn --preload, celery prefork, multiprocessing's "fork"):
the child sends on connections of its own, never on the parent's pooled ones, and no lock held at the fork hangs it.
Children always exit through ``os._exit`` (never back into pytest), and are reaped with a bound: a hang fails the
test instead of hanging the run."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from timeback import AsyncTimeback, DefaultAioHttpClient, Timeback
from timeback.errors import APIConnectionError
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")

REAP_WITHIN = 60.0  # (seconds: a child still running then is taken for hung, killed, and the test fails)


def forked(child: Callable[[], int]) -> int:
    """Fork; the child runs ``child`` and exits with its code (1 if it raised). Returns the child's pid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # (3.12+: forking a process that has threads)
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = child()
        except BaseException as error:  # (said on stderr: pytest shows it when the test fails)
            print(f"child: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        finally:
            os._exit(code)
    return pid


def reaped(pid: int) -> int:
    """The child's exit code; a child still running after ``REAP_WITHIN`` is killed and the test fails."""
    until = time.monotonic() + REAP_WITHIN
    while time.monotonic() < until:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the child process hung")


def put_categories(client: Timeback, prefix: str, count: int) -> list[str]:
    ids = [f"{prefix}-{n}" for n in range(count)]
    for sourced_id in ids:
        client.oneroster.gradebook.put_category(sourced_id=sourced_id, category={"title": sourced_id})
    return ids


def wrong_answers(client: Timeback, ids: list[str], calls: int = 150) -> list[str]:
    """What ``calls`` reads of ``ids`` in turn got that was not the record asked for (or failed)."""
    wrong = []
    for n in range(calls):
        want = ids[n % len(ids)]
        try:
            got = client.oneroster.gradebook.get_category(sourced_id=want).category.sourcedId
        except Exception as error:
            got = f"{type(error).__name__}: {error}"
        if got != want:
            wrong.append(f"{want} -> {got}")
    return wrong


def test_a_client_used_before_a_fork_gets_each_process_its_own_answers(server: LocalServer, client: Timeback) -> None:
    """The child inherited the parent's pooled keep-alive connection: both wrote requests on it and read each
    other's answers (a record asked for by the other process, or a 400 of interleaved bytes). The child now has
    a connection pool of its own; the parent keeps its own."""
    ids = put_categories(client, "forked", 4)
    shared = Timeback(**server.client_kwargs(), max_retries=0)
    assert shared.oneroster.gradebook.get_category(sourced_id=ids[0]).category.sourcedId == ids[0]  # (pooled now)

    def child() -> int:
        wrong = wrong_answers(shared, ids[2:])
        print(*wrong[:3], file=sys.stderr, flush=True)
        return min(len(wrong), 100)

    pid = forked(child)
    try:
        parents_wrong = wrong_answers(shared, ids[:2])
    finally:
        childs_wrong = reaped(pid)
    assert parents_wrong == [] and childs_wrong == 0, (parents_wrong[:3], childs_wrong)
    shared.close()


def test_a_child_that_sends_nothing_makes_no_http_client(server: LocalServer) -> None:
    """The child's own connection pool is made at its first send: made at the fork, its TLS context cost every child
    30-45 ms (multiprocessing's, gunicorn's, a subprocess's before its exec), calling or not. A child closing the
    client leaves the parent's pool alone."""
    shared = Timeback(**server.client_kwargs(), max_retries=0)
    parents = shared._client._http

    def child() -> int:
        if shared._client._http is not parents:  # (nothing made before a send)
            return 2
        shared.oneroster.gradebook.get_all_categories(limit=1)
        if shared._client._http is parents:  # (a send: the child's own)
            return 3
        closing_only = Timeback(**server.client_kwargs())
        closing_only.oneroster.gradebook.get_all_categories(limit=1)  # (a pooled connection, the parent's too)
        pid = forked(lambda: closed_in_the_child(closing_only))
        return reaped(pid)

    try:
        assert reaped(forked(child)) == 0
        assert not parents.is_closed
        shared.oneroster.gradebook.get_all_categories(limit=1)  # (the parent's pool still serves it)
    finally:
        shared.close()


def closed_in_the_child(client: Timeback) -> int:
    """0 if ``client``, closed in a child process that never sent with it, refuses to send (it sent on the parent's
    connections) and its parent's connections are not collected there (a ResourceWarning: unclosed socket)."""
    # (garbage the test process held at the fork, another test's sockets, collected first: only this client's
    # counts. Collected in the block, it failed this check once in CI, on Python 3.13, by the test's order alone)
    gc.collect()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        client.close()
        try:
            client.oneroster.gradebook.get_all_categories(limit=1)
        except APIConnectionError as error:
            if "not sent: the client was closed" not in str(error):
                return 4
        else:
            return 5
        del client
        gc.collect()
    return 6 if any(issubclass(w.category, ResourceWarning) for w in seen) else 0


def test_a_fork_while_another_thread_holds_the_token_lock_does_not_hang_the_child(server: LocalServer) -> None:
    """A thread of the parent was fetching the token (holding the client's token lock) at the fork: the child's
    first call waited for that lock forever, no thread of its own to release it. The child has a lock of its own."""
    shared = Timeback(**server.client_kwargs(), max_retries=0)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with shared._client._token_lock:
            held.set()
            release.wait(REAP_WITHIN)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert held.wait(REAP_WITHIN)
    try:
        pid = forked(lambda: int(shared.oneroster.gradebook.get_all_categories(limit=1).total_count is None))
    finally:
        release.set()
        holder.join(REAP_WITHIN)
    assert reaped(pid) == 0
    shared.close()


def test_a_listing_iterated_across_a_fork_goes_on_in_the_child(server: LocalServer) -> None:
    """A listing whose iteration the parent had begun (its next page fetched ahead by a thread) hung the child
    forever: the child's next page was given to that thread, which only the parent has (from the multi-process
    user's run). In the child, the page ahead is fetched by the child itself; the parent reads on as before."""
    shared = Timeback(**server.client_kwargs(), max_retries=0)
    ids = put_categories(shared, f"fork-list-{os.getpid()}-{time.monotonic_ns()}", 12)
    listing = iter(shared.oneroster.gradebook.get_all_categories(filter=f"sourcedId~'{ids[0][:-2]}'", limit=5))
    first = next(listing).sourcedId
    time.sleep(0.5)  # (the page ahead fetched, or not: either way the child's later pages were never fetched)
    pid = forked(lambda: int(sorted([first, *(c.sourcedId for c in listing)]) != sorted(ids)))
    assert reaped(pid) == 0
    assert sorted([first, *(c.sourcedId for c in listing)]) == sorted(ids)
    shared.close()


def test_a_listing_forked_while_its_page_ahead_is_being_fetched_goes_on_in_the_child(server: LocalServer) -> None:
    """Forked while the parent's thread was fetching the page ahead (its context entered there), the child's fetch
    of it raised "cannot enter context: ... is already entered" (review). Each answer comes 0.6 s late here."""
    ids = put_categories(Timeback(**server.client_kwargs()), f"fork-slow-{os.getpid()}-{time.monotonic_ns()}", 12)
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=600")
    with LocalServer(settings, storage=server.app.state.storage) as slow:
        shared = Timeback(**slow.client_kwargs(), max_retries=0)
        listing = iter(shared.oneroster.gradebook.get_all_categories(filter=f"sourcedId~'{ids[0][:-2]}'", limit=5))
        first = next(listing).sourcedId  # (the page ahead now asked for: 0.6 s to come)
        time.sleep(0.2)
        pid = forked(lambda: int(sorted([first, *(c.sourcedId for c in listing)]) != sorted(ids)))
        assert reaped(pid) == 0
        assert sorted([first, *(c.sourcedId for c in listing)]) == sorted(ids)
        shared.close()


def test_a_callers_http_client_used_before_a_fork_is_refused_in_the_child(server: LocalServer) -> None:
    """An ``http_client`` of the caller's cannot be rebuilt by the SDK: one it sent with before the fork holds the
    parent's connections. The child's call raises a ``RuntimeError`` saying to make the client after forking (the
    parent's client is left alone: not closed); one not used before the fork serves the child."""
    used = Timeback(**server.client_kwargs(), http_client=httpx.Client())
    unused = Timeback(**server.client_kwargs(), http_client=httpx.Client())
    used.oneroster.gradebook.get_all_categories(limit=1)

    def child() -> int:
        unused.oneroster.gradebook.get_all_categories(limit=1)
        try:
            used.oneroster.gradebook.get_all_categories(limit=1)
        except RuntimeError as error:
            if "after forking" not in str(error):
                return 2
        else:
            return 3
        used.close()  # (then a call raises what every call after close() does: it was the RuntimeError)
        try:
            used.oneroster.gradebook.get_all_categories(limit=1)
        except APIConnectionError as error:
            return 0 if str(error).startswith("not sent: the client was closed") else 4
        return 5

    assert reaped(forked(child)) == 0
    assert used.oneroster.gradebook.get_all_categories(limit=1).total_count is not None  # (the parent's still works)
    used.close()
    unused.close()


def test_a_callers_http_client_closed_in_the_child_leaves_the_parents_call_in_flight_alone(server: LocalServer) -> None:
    """A call of the parent's in flight at the fork on an ``http_client`` of the caller's: the child's ``close()``
    shut down the socket it was reading (a shutdown acts on the socket both processes share), and the parent's call
    failed ("connection failed: RemoteProtocolError"). In the child it is closed as httpx closes it: the child's
    copies of the sockets only."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=600")
    with LocalServer(settings, storage=server.app.state.storage) as slow:
        api = Timeback(**slow.client_kwargs(), http_client=httpx.Client(), max_retries=0)
        api.oneroster.gradebook.get_all_categories(limit=1)  # (the token, and a pooled connection)
        counts = slow.app.state.faults.counts
        asked = counts["requests"]
        ended: list[object] = []
        call = threading.Thread(target=lambda: ended.append(catching(api.oneroster.gradebook.get_all_categories)))
        call.start()
        while counts["requests"] == asked:  # (in flight: the server has it, its answer 600 ms away)
            time.sleep(0.01)
        try:
            assert reaped(forked(lambda: api.close() or 0)) == 0
        finally:
            call.join(REAP_WITHIN)
        assert ended and not isinstance(ended[0], Exception), ended
        api.close()


def catching(call: Callable[[], object]) -> object:
    """What ``call()`` returned, or the error it raised."""
    try:
        return call()
    except Exception as error:
        return error


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
def test_an_async_client_in_use_in_a_running_loop_at_a_fork_serves_the_childs_loop(
    server: LocalServer, client: Timeback, kind: str
) -> None:
    """The parent's loop (in a thread) still open and holding a pooled connection at the fork: the child's own
    loop gets connections of its own, and its answers are its own while the parent's loop goes on calling."""
    ids = put_categories(client, f"forked-async-{kind}", 4)
    http = DefaultAioHttpClient() if kind == "aiohttp" else None
    shared = AsyncTimeback(**server.client_kwargs(), max_retries=0, http_client=http)
    loop = asyncio.new_event_loop()
    looping = threading.Thread(target=loop.run_forever, daemon=True)
    looping.start()

    async def wrong_async(mine: list[str]) -> list[str]:
        wrong = []
        for n in range(100):
            want = mine[n % 2]
            try:
                got = (await shared.oneroster.gradebook.get_category(sourced_id=want)).category.sourcedId
            except Exception as error:
                got = f"{type(error).__name__}: {error}"
            if got != want:
                wrong.append(f"{want} -> {got}")
        return wrong

    def in_loop(mine: list[str]) -> list[str]:
        return asyncio.run_coroutine_threadsafe(wrong_async(mine), loop).result(REAP_WITHIN)

    try:
        assert in_loop(ids[:2]) == []  # (a pooled connection of that loop's now)

        def child() -> int:
            wrong = asyncio.run(asyncio.wait_for(wrong_async(ids[2:]), REAP_WITHIN))
            print(*wrong[:3], file=sys.stderr, flush=True)
            return min(len(wrong), 100)

        pid = forked(child)
        try:
            parents_wrong = in_loop(ids[:2])
        finally:
            childs_wrong = reaped(pid)
        assert parents_wrong == [] and childs_wrong == 0, (parents_wrong[:3], childs_wrong)
        asyncio.run_coroutine_threadsafe(shared.close(), loop).result(REAP_WITHIN)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        looping.join(REAP_WITHIN)
        loop.close()
