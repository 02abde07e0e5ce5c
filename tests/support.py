"""Helpers the tests share: unique ids, and a roster made through the SDK."""

from __future__ import annotations

import _thread
import asyncio
import contextlib
import os
import queue
import socket
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from timeback import Timeback

if TYPE_CHECKING:
    import pytest

    from timeback.server.runner import LocalServer


def commits(storage: Any) -> int:
    """How many write transactions ``storage`` has committed (its write generation, bumped by each), read without
    writing: a test counting commits (writes grouped into one)."""
    with storage._read() as conn:
        return int(conn.exec_driver_sql("SELECT value FROM timeback_meta WHERE key = 'generation'").scalar_one())


def damage_where_a_start_reads(database: Any) -> None:
    """An empty database a server made and closed, its pages 3 to 5 (of 16 KB: the tables' first) overwritten as a
    failing disk may leave them: a start's look at the file (its first page) passes, its ANALYZE meets the damage."""
    from timeback.server.storage import open_storage
    from timeback.server.storage.sql import sqlite_url

    open_storage(sqlite_url(database)).close()
    with open(database, "r+b") as file:
        file.seek(16384 * 2)
        file.write(b"\xff" * 16384 * 3)


def close_app(app: Any) -> None:
    """Close what ``create_app`` opened, as the shutdown of its lifespan does: httpx's ASGITransport runs none, and
    the storage left to the garbage collector left its SQLite connections unclosed (a ResourceWarning from Python
    3.13, an error in whichever later test the collection landed)."""
    for shutdown in app.router.on_shutdown:
        shutdown()


def child_environment(*first: object, **variables: str) -> dict[str, str]:
    """This environment, with ``variables``, for a Python child that imports what the tests do (the tree under test,
    not an installed timeback): this interpreter's ``sys.path`` as its PYTHONPATH, after the folders ``first``."""
    return {**os.environ, **variables, "PYTHONPATH": os.pathsep.join([*map(str, first), *sys.path])}


def proxy_environment(monkeypatch: pytest.MonkeyPatch, **names: str) -> None:
    """The environment names these proxy variables (``HTTP_PROXY="..."``, ``NO_PROXY=...``), and no other."""
    for scheme in ("http", "https", "all", "no"):
        for name in (f"{scheme.upper()}_PROXY", f"{scheme}_proxy"):
            monkeypatch.delenv(name, raising=False)
    for name, value in names.items():
        monkeypatch.setenv(name, value)


def writes_to(monkeypatch: pytest.MonkeyPatch, kind: type[Any]) -> list[bytes]:
    """What connections of ``kind`` (a transport's or network stream's class with a ``write``) are given to write from
    now, a write an item, each then written as it was."""
    written: list[bytes] = []
    write = kind.write

    def recorded(connection: object, data: bytes, *args: Any, **kwargs: Any) -> Any:
        written.append(bytes(data))
        return write(connection, data, *args, **kwargs)

    monkeypatch.setattr(kind, "write", recorded)
    return written


UPGRADE = {"Connection": "Upgrade", "Upgrade": "echo"}  # (the headers asking ``upgrading_echo`` to switch)


@contextlib.contextmanager
def upgrading_echo() -> Iterator[tuple[str, queue.Queue[bytes], queue.Queue[bytes]]]:
    """A server (its URL) answering each connection's first request with ``101 Switching Protocols``, then echoing
    what comes until the client's end closes: each request's head goes on the first queue as it comes, what came
    after it on the second once the connection's end came, a connection an item. A request asking no upgrade (a
    chunked body's) is answered ``200`` once its last chunk came."""
    heads: queue.Queue[bytes] = queue.Queue()
    received: queue.Queue[bytes] = queue.Queue()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve(connection: socket.socket) -> None:
        with connection:
            data = b""
            while b"\r\n\r\n" not in data and (chunk := connection.recv(65536)):
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            heads.put(head)
            if b"\r\nupgrade:" not in head.lower():
                while not rest.endswith(b"0\r\n\r\n") and (chunk := connection.recv(65536)):
                    rest += chunk
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                received.put(rest)
                return
            connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
            with contextlib.suppress(OSError):
                connection.sendall(rest)
                while chunk := connection.recv(65536):
                    rest += chunk
                    connection.sendall(chunk)
            received.put(rest)

    def accept() -> None:
        with contextlib.suppress(OSError):  # (the listener closed)
            while True:
                threading.Thread(target=serve, args=(listener.accept()[0],), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    with listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/", heads, received


def assert_written_whole(written: list[bytes], large: int) -> None:
    """``written`` (``writes_to``) for a PUT of a short body, a GET, then a PUT of a body of ``large`` bytes or more:
    the first two one write each (its head and body together: one send, the server woken once), the last's head and
    body apart."""
    short_put, get, large_head, large_body = written
    assert short_put.startswith(b"PUT ") and b"\r\n\r\n{" in short_put and short_put.endswith(b"}}")
    assert get.startswith(b"GET ") and get.endswith(b"\r\n\r\n")
    assert large_head.startswith(b"PUT ") and large_head.endswith(b"\r\n\r\n") and len(large_body) >= large


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass
class Roster:
    school: str
    term: str
    course: str
    class_: str
    category: str
    score_scale: str
    students: list[str] = field(default_factory=list)


def make_roster(client: Timeback, *, ids: dict[str, str] | None = None, students: list[str] | None = None) -> Roster:
    """Create, through the SDK, the records a gradebook write refers to. ``ids`` pins chosen sourcedIds."""
    ids = ids or {}
    r = Roster(
        school=ids.get("school", uid("school")),
        term=ids.get("term", uid("term")),
        course=ids.get("course", uid("course")),
        class_=ids.get("class", uid("class")),
        category=ids.get("category", uid("category")),
        score_scale=ids.get("scale", uid("scale")),
        students=students or [uid("student") for _ in range(3)],
    )
    ro, gb = client.oneroster.rostering, client.oneroster.gradebook
    ro.update_school(sourced_id=r.school, org={"name": "Test School", "type": "school"})
    ro.update_academic_session(
        sourced_id=r.term,
        academicSession={
            "title": "Term",
            "type": "term",
            "startDate": "2024-01-01",
            "endDate": "2024-06-30",
            "schoolYear": "2024",
            "org": {"sourcedId": r.school},
        },
    )
    ro.update_course(sourced_id=r.course, course={"title": "Course", "org": {"sourcedId": r.school}})
    ro.update_class(
        sourced_id=r.class_,
        class_={
            "title": "Class",
            "course": {"sourcedId": r.course},
            "school": {"sourcedId": r.school},
            "terms": [{"sourcedId": r.term}],
        },
    )
    for student in r.students:
        ro.update_user(
            sourced_id=student,
            user={
                "enabledUser": True,
                "givenName": "Stu",
                "familyName": student,
                "email": f"{student}@example.org",
                "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": r.school}}],
            },
        )
    gb.put_category(sourced_id=r.category, category={"title": "Quizzes"})
    gb.put_score_scale(
        sourced_id=r.score_scale,
        scoreScale={
            "title": "Percent",
            "type": "percent",
            "class": {"sourcedId": r.class_},
            "scoreScaleValue": [{"itemValueLHS": "0-100", "itemValueRHS": "percent"}],
        },
    )
    return r


def line_item_body(r: Roster, sourced_id: str | None = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Quiz",
        "assignDate": "2024-01-15T00:00:00Z",
        "dueDate": "2024-01-20T23:59:59Z",
        "class": {"sourcedId": r.class_},
        "school": {"sourcedId": r.school},
        "category": {"sourcedId": r.category},
        "resultValueMin": 0,
        "resultValueMax": 100,
        **extra,
    }
    if sourced_id:
        body["sourcedId"] = sourced_id
    return body


def result_body(line_item: str, student: str, sourced_id: str | None = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "lineItem": {"sourcedId": line_item},
        "student": {"sourcedId": student},
        "scoreStatus": "fully graded",
        "scoreDate": "2024-01-16T10:00:00Z",
        "score": 90,
        **extra,
    }
    if sourced_id:
        body["sourcedId"] = sourced_id
    return body


def add_students(client: Timeback, r: Roster, count: int) -> list[str]:
    """Add ``count`` more students to the roster's school (through the SDK); returns their sourcedIds."""
    added = [uid("student") for _ in range(count)]
    for student in added:
        client.oneroster.rostering.update_user(
            sourced_id=student,
            user={
                "enabledUser": True,
                "givenName": "Stu",
                "familyName": student,
                "roles": [{"roleType": "primary", "role": "student", "org": {"sourcedId": r.school}}],
            },
        )
    r.students.extend(added)
    return added


def add_line_items(client: Timeback, r: Roster, count: int) -> list[str]:
    """Create ``count`` line items in the roster's class in one batch; returns their sourcedIds."""
    ids = [uid("li") for _ in range(count)]
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, i) for i in ids]
    )
    return ids


def enrich(record: dict[str, Any]) -> None:
    """``record`` as a server may write what it stores: each reference with the ``href`` and ``type`` of 1EdTech's
    GUIDRefs, the ``scoreDate`` to the millisecond, as a JavaScript ``Date`` keeps and writes it (``...:00.000Z``
    for ``...:00Z``, ``...:00.123Z`` for ``...:00.123456Z``: finer digits cut). The same values, as kept there."""
    for key, value in record.items():
        if isinstance(value, dict) and "sourcedId" in value:
            value.update(href=f"https://example.org/{key}/{value['sourcedId']}", type=key)
        elif key == "scoreDate" and isinstance(value, str) and value.endswith("Z") and "T" in value:
            whole, _, fraction = value.removesuffix("Z").partition(".")
            record[key] = f"{whole}.{fraction[:3]:0<3}Z"


def enriched(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """``response`` with the records of a successful GET ``enrich``-ed; any other answer as it is."""
    import json

    if request.method != "GET" or response.status_code != 200:
        return response
    body = json.loads(response.read())
    for records in body.values():
        for record in records if isinstance(records, list) else [records]:
            if isinstance(record, dict):
                enrich(record)
    return httpx.Response(200, json=body, headers={"x-total-count": response.headers.get("x-total-count", "")})


def without_totals(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """``response`` as a server that gives no totals answers: a listing's page without ``totalCount`` or
    ``X-Total-Count``, its ``Link`` header (which names the next page) kept; any other answer as it is."""
    import json

    if request.method != "GET" or response.status_code != 200 or "link" not in response.headers:
        return response
    body = json.loads(response.read())
    body.pop("totalCount")
    return httpx.Response(200, json=body, headers={"link": response.headers["link"]})


class Forwarding(httpx.BaseTransport):
    """Sends each request on to the real server (a subclass loses or alters some answers on the way)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncFromSync(httpx.AsyncBaseTransport):
    """A sync transport (a ``Forwarding``) for ``AsyncTimeback``: each request sent, and its answer read, from a
    thread, so one transport's behaviour is written once for both clients."""

    def __init__(self, sync: httpx.BaseTransport) -> None:
        self.sync = sync

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        def answered() -> httpx.Response:
            response = self.sync.handle_request(request)
            return httpx.Response(response.status_code, headers=response.headers, content=response.read())

        return await asyncio.to_thread(answered)

    async def aclose(self) -> None:
        self.sync.close()


class SendsItsOwnRequest(httpx.AsyncHTTPTransport):
    """httpx's transport sending a request of its own making, as a signing one does (the request's method, URL,
    headers and body, a header added): of the request's extensions it keeps the timeout only, so its trace (the
    SDK's, which watches what is written) is never called."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await super().handle_async_request(await signed(request))


class SendsItsOwnRequestClient(httpx.AsyncClient):
    """``SendsItsOwnRequest`` one level up: an ``httpx.AsyncClient`` whose ``send`` sends a request of its own making
    (a signing client: the SDK sends with no auth, so one signs by overriding ``send``), on httpx's own transport."""

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        return await super().send(await signed(request), **kwargs)


async def signed(request: httpx.Request) -> httpx.Request:
    """``request`` signed, as a new request: its method, URL, headers (a signature added) and body; of its
    extensions the timeout only (its trace not called)."""
    await request.aread()
    return httpx.Request(request.method, request.url, headers={**request.headers, "X-Signature": "s"},
                         content=request.content, extensions={"timeout": request.extensions["timeout"]})  # fmt: skip


@dataclass
class HeldTokenAnswers:
    """A token endpoint's answers held (``token_answers_held``): ``asked`` set as it holds one (a call's token request
    sent, the call waiting for its answer), ``count`` the requests it took, ``release()`` answering them all."""

    asked: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    count: int = 0

    def release(self) -> None:
        self.released.set()


@contextlib.contextmanager
def token_answers_held(server: LocalServer) -> Iterator[HeldTokenAnswers]:
    """From the next token request on, ``server``'s token endpoint holding each answer until ``release()`` or the
    block's end (a hung endpoint); its API takes the tokens it issued all the same."""
    tokens = server.app.state.tokens
    issue: Callable[[str, frozenset[str]], str] = tokens.issue
    held = HeldTokenAnswers()

    def holding(client_id: str, scopes: frozenset[str]) -> str:
        held.count += 1
        held.asked.set()
        held.released.wait(60)  # (a hang guard, should the test fail before it releases them)
        return issue(client_id, scopes)

    tokens.issue = holding
    try:
        yield held
    finally:
        held.release()
        tokens.issue = issue


@contextlib.asynccontextmanager
async def loop_turns() -> AsyncIterator[list[int]]:
    """The event loop's turns while the block runs, as another task of the app sees them: ``turns[0]``."""
    turns = [0]

    async def other_task() -> None:
        while True:
            turns[0] += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(other_task())
    try:
        yield turns
    finally:
        task.cancel()


def in_threads(call: Callable[[], None], count: int) -> None:
    """``call`` run in ``count`` threads at once, each waited for."""
    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@contextlib.contextmanager
def ctrl_c_waiting_in(
    function: Callable[..., object], release: Callable[[], object], lock: Any = None
) -> Iterator[threading.Event]:
    """Ctrl-C as Windows gives it (CPython < 3.14) to the main thread once that waits on an event inside
    ``function`` (given ``lock``: in that lock's ``acquire``, a C call no frame shows, seen by a profile function):
    the KeyboardInterrupt only when the lock's wait returns (``_thread.interrupt_main`` schedules it just so, on
    every platform: no signal wakes the wait). Should it not have stopped the wait in 10 s (a hang guard, not a
    timing), ``release`` ends the wait, and the event yielded is set."""
    main = threading.main_thread().ident
    assert main is not None and threading.get_ident() == main
    done, released = threading.Event(), threading.Event()
    in_acquire = [False]

    def profile(frame: object, event: str, arg: object) -> None:
        # (nothing run after the flag is set: seen by the other thread only once the main one lets go of the GIL, in
        # the acquire's blocking wait, as a non-blocking one never does)
        if event.startswith("c_"):
            in_acquire[0] = event == "c_call" and getattr(arg, "__self__", None) is lock

    def waiting() -> bool:
        top = frame = sys._current_frames().get(main)
        while frame is not None and frame.f_code is not function.__code__:
            frame = frame.f_back
        if lock is not None:
            return frame is not None and in_acquire[0]
        return frame is not None and top is not None and top.f_code is threading.Condition.wait.__code__

    def ctrl_c() -> None:
        while not waiting():
            if done.wait(0.001):
                return
        _thread.interrupt_main()
        if not done.wait(10):
            released.set()
            release()

    previous = sys.getprofile()
    if lock is not None:
        sys.setprofile(profile)
    thread = threading.Thread(target=ctrl_c, daemon=True)
    thread.start()
    try:
        yield released
    finally:
        sys.setprofile(previous)
        done.set()
        thread.join()


def operation_lane(server: Any) -> Any:
    """The ``OperationLane`` of a ``LocalServer``'s app (built at its first request), for a test to watch its queue."""
    from timeback.server.lane import OperationLane

    layer = server.app.middleware_stack
    while not isinstance(layer, OperationLane):
        layer = layer.app
    return layer


def until(condition: Callable[[], object], within: float = 60.0) -> None:
    """Waits for ``condition`` to hold, looking every 10 ms; after ``within`` seconds (a bound that only catches a
    hang) an AssertionError. Instead of a sleep guessed long enough for something to happen."""
    import time

    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"waited {within} s for {condition}"
        time.sleep(0.01)
