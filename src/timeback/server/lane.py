"""The operation lane: an ASGI middleware in front of FastAPI that serves the API's operations directly.

Every request whose method and path match an operation (the same table the FastAPI routes are made from) is
served here: bearer token, scopes, body (with its size limit), the service call (``service.GradebookService``,
which calls the storage), the answer; ``HEAD`` as ``GET`` without the body. The operations' FastAPI routes
(``routes/operations.py``) are registered for their paths alone (the OpenAPI document, the docs, 404 and 405): their
handlers are never reached, the lane answering first. The framework serves what the lane does not take
(``/oauth2/token``, ``/health``, the document and docs); the lane skips its per-request work (routing, dependency
injection, ``Request`` objects, response classes), which was most of the cost of a single small write.

Nothing that may wait for storage blocks the event loop: reads and listings use the threadpool (an in-memory
database serializes reads behind writes), and a small write runs on the loop only when it can start at once
(``without_waiting``); if it cannot, it sleeps on the loop and tries again, in turn with the others waiting, for a
short while, then runs in a worker thread, one group of writes at a time (SQLite serializes them anyway). Writes
ready at the same moment commit together, each in a savepoint of one transaction (``OperationLane._write``).
"""

from __future__ import annotations

import asyncio
import collections
import functools
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
import anyio.to_thread
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from timeback._operations import Operation, OperationSet
from timeback.server.auth import Grant, TokenStore, required_scopes
from timeback.server.bodies import check_content_encoding, check_media_type, check_transfer_encoding, read_body
from timeback.server.collections import COLLECTIONS
from timeback.server.deps import TWO_AUTHORIZATIONS, bearer_token, grant_of, insufficient_scope
from timeback.server.errors import ApiError, error_response, unexpected_error, waited_out_the_lock
from timeback.server.middleware import ENCODED_SLASH, WRITE_BEGUN, root_url, url_as_sent
from timeback.server.service import GradebookService, Reply
from timeback.server.storage import Storage, WouldWait, reads_limited, waiting_since, without_waiting
from timeback.server.unserved import UNSERVED, first_won

INLINE_BODY_BYTES = 64 * 1024  # larger writes (batches) always go to the worker thread: their CPU would stall the loop
LOOP_WRITE_PATIENCE = 0.05  # seconds a small write keeps trying on the loop before it waits in the worker thread
# Past this, a write's answer is encoded in a worker thread too (a large body's record is echoed whole: 26 MB of
# JSON for 1.5M metadata keys kept the loop from answering anyone); a batch's answers (~250 KB bodies) stay on it.
LARGE_BODY_BYTES = 1024 * 1024
MAX_GROUP = 64  # writes committed together at most (``_run_writes``): each one's answer waits for the last
MAX_GROUP_BYTES = 2 * 1024 * 1024  # bodies the worker thread takes into one group at most (all validated first)
_JSON = (b"content-type", b"application/json")


class _Entry:
    __slots__ = ("allowed", "links", "op", "path", "pattern", "refused", "scope_names")

    def __init__(self, op: Operation[Any, Any], path: str) -> None:
        self.op = op
        self.path = path
        # (its answers' references carry href: rostering)
        self.links = COLLECTIONS[op.collection].shaped_as.links is not None
        self.pattern = path_pattern(path)
        self.allowed = required_scopes(op)
        self.scope_names = ", ".join(sorted(self.allowed - {"admin"})) or "admin"
        self.refused = insufficient_scope(self.allowed)  # (a 403's headers)


class _NotServed:
    """A path of an operation of Timeback's the server does not serve, in the table before the first entry whose
    paths it would take from it (``unserved.fixed_wins``): handed on to the routes, which answer it."""

    __slots__ = ("pattern",)

    def __init__(self, path: str) -> None:
        self.pattern = path_pattern(path)


def path_pattern(path: str) -> re.Pattern[str]:
    """The pattern of the paths an operation's ``path`` matches, its routes' too (``routes.operations``). It ends in
    ``\\Z``: Starlette's ``$`` matches before a trailing newline as well, and ``/results%0A`` is no path of ours.
    (Placeholders in Timeback's camelCase too: ``unserved.UNSERVED``.)"""
    pattern = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[A-Za-z_]+\})", path)
    )
    return re.compile("^" + pattern + r"\Z")


def operation_table(operation_sets: Sequence[type[OperationSet]]) -> dict[str, list[_Entry | _NotServed]]:
    """method -> entries in registration order (the FastAPI routes' order: the first full match wins there too),
    with the paths of Timeback's operations not served before the entries they win over (``GET /courses/components``
    before ``GET /courses/{sourced_id}``); the others are no concern of the lane's."""
    table: dict[str, list[_Entry | _NotServed]] = {}
    for operations in operation_sets:
        for op in operations.operations():
            for path in served_paths(op):
                table.setdefault(op.method, []).append(_Entry(op, path))
    for template, methods in UNSERVED.items():
        for method in methods:
            entries = table.get(method, [])
            for path in path_forms(template):
                at = first_won(path, [entry.path if isinstance(entry, _Entry) else None for entry in entries])
                if at is not None:
                    entries.insert(at, _NotServed(path))
    return table


def served_paths(op: Operation[Any, Any]) -> list[str]:
    """Where an operation is served: ``path_forms`` of its path."""
    return path_forms(op.full_path)


def path_forms(path: str) -> list[str]:
    """The paths a path template is answered at: itself, and for collections the same with the other ending
    (Timeback documents root collections with a trailing slash and the others without; the official spec has none).
    A record's path with a slash after its id is no path of ours, 404: ``/results/abc/`` may be the id ``abc/``
    sent unencoded, another record. (Nothing redirects: ``create_app`` turns Starlette's redirect_slashes off.)"""
    if path.endswith("/"):
        return [path, path.rstrip("/")]
    return [path] if path.endswith("}") else [path, f"{path}/"]


class OperationLane:
    def __init__(self, app: Any, state: Any, operation_sets: Sequence[type[OperationSet]]) -> None:
        self.app = app
        self.state = state
        self.table = operation_table(operation_sets)
        self._writes: anyio.CapacityLimiter | None = None
        self._loop_groups: dict[Any, collections.deque[_LoopGroup]] = {}  # by event loop, first come first (see _write)
        self._thread_queue: list[_Write] = []  # the writes waiting for the worker thread (``_in_thread``)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            method = scope["method"]
            # HEAD is a GET answered without its body (RFC 9110 section 9.3.2): same auth, status and headers
            entries = self.table.get("GET" if method == "HEAD" else method)
            if entries:
                path = route_path(scope)
                for entry in entries:
                    match = entry.pattern.match(path)
                    if match is not None:
                        if isinstance(entry, _NotServed):
                            break  # (the routes answer it: 404 naming Timeback's operation)
                        await self._serve(entry, match.groupdict(), scope, receive, send)
                        return
        await self.app(scope, receive, send)

    async def _serve(
        self, entry: _Entry, params: dict[str, str], scope: dict[str, Any], receive: Any, send: Any
    ) -> None:
        service: GradebookService = self.state.service
        op = entry.op
        try:
            authorization: bytes | None = None
            content_length = content_type = None
            content_encoding = transfer_encoding = b""
            for name, value in scope["headers"]:
                if name == b"authorization":
                    if authorization is not None:
                        raise ApiError(400, TWO_AUTHORIZATIONS, fields=[("Authorization", "sent twice")])
                    authorization = value
                elif name == b"content-length" and content_length is None:
                    content_length = value
                elif name == b"content-type" and content_type is None:
                    content_type = value
                elif name == b"content-encoding":  # (every line: each names codings applied)
                    content_encoding += b"," + value if content_encoding else value
                elif name == b"transfer-encoding":
                    transfer_encoding += b"," + value if transfer_encoding else value
            token = bearer_token((authorization or b"").decode("latin-1"))
            tokens: TokenStore = self.state.tokens
            if tokens.needs_lookup(token):  # another worker's token (--workers): a database read, off the loop
                await run_in_threadpool(tokens.check, token)
            _check_scope(grant_of(tokens, token), entry)
            if op.body is not None:
                if content_type:
                    check_media_type(content_type)  # (before the body is read: as for a refused token or scope)
                if content_encoding:
                    check_content_encoding(content_encoding)
                if transfer_encoding:
                    check_transfer_encoding(transfer_encoding)
                settings = service.settings
                body = await read_body(receive, content_length, settings.max_body_bytes, settings.body_timeout_seconds)
                if body is None:
                    return  # the client went away
            else:
                body = b""
            if params and any("\ufffd" in v or ENCODED_SLASH in v or "\0" in v for v in params.values()):
                _check_path_text(scope, params)
            path = {k: v.replace(ENCODED_SLASH, "/") for k, v in params.items()} if params else params
            root = root_url(scope) if entry.links else ""  # (rostering answers' href; gradebook's have none)
            if op.kind in ("get", "list"):
                url = url_as_sent(scope) if op.kind == "list" else ""  # for the Link header
                if b"%" in scope["query_string"]:
                    _check_query_text(scope["query_string"])
                query = QueryParams(scope["query_string"])
                # (reads only: a write stopped halfway would be rolled back with the writes committing with it in
                # the lane's shared transaction, and a write's time is bounded by its body's limits anyway)
                with reads_limited(service.settings.read_time_limit):
                    reply = await run_in_threadpool(service.handle, op, path, query, body, url, root)
            else:
                reply = await self._write(functools.partial(service.prepare_write, op, path, body, root), len(body))
            if len(body) > LARGE_BODY_BYTES:
                start, content = await run_in_threadpool(_encode_reply, reply)
            else:
                start, content = _encode_reply(reply)
        except ApiError as exc:
            await error_response(exc)(scope, receive, send)
            return
        except Exception as exc:
            await error_response(unexpected_error(exc))(scope, receive, send)
            return
        await send(start)  # (for HEAD too: its Content-Length is the GET's body's)
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else content})

    async def _write(self, prepare: Callable[[], Callable[[], Reply]], size: int) -> Reply:
        """A write (``prepare`` validates it and gives the call that stores it), committed together with the
        writes ready at the same moment (``_run_writes``).

        A small write runs on the loop, with the others that came in the same turn of it (``_join_loop_group``),
        when they can start at once (no other write in progress, SQLite's lock free): a thread hop cost a third of
        single PUTs' throughput. When they cannot, the group waits on the loop, the groups after it in turn behind
        it (first come, first served), and tries again after short sleeps (0.25 ms, doubling to 2 ms), up to
        ``LOOP_WRITE_PATIENCE`` after its first write came: the lock is mostly held by another worker process's
        write or the checkpoint catch-up, for a millisecond or a few. After that, and at once for larger bodies,
        a write runs in a worker thread, one group of writes at a time (``_in_thread``), waiting on the event loop:
        a write waiting for another program's SQLite lock must never stop the server answering. (Small writes used
        to go to the thread at the first wait, and to stay there while it was busy: under load a thread write,
        queued for the GIL behind the loop, took a millisecond or more, so the queue never emptied and every write
        took 10-20 ms.) Its wait for the lock counts from when it came, wherever it waited (``waiting_since``): one
        busy timeout, then 503."""
        write = _Write(prepare, size)
        try:
            if size <= INLINE_BODY_BYTES:
                await self._join_loop_group(write)
                if write.outcome is not None:
                    return write.reply()
            return await self._in_thread(write)
        finally:
            if write.handed:  # (in the request's own task, for a stop cancelling it now or before it answers)
                WRITE_BEGUN.set(True)

    async def _join_loop_group(self, write: _Write) -> None:
        """``write`` run with the other writes the loop's tasks bring in this turn of it: the group runs after
        them (``call_soon``, by the first of them or by the group before), so requests whose bytes arrived together
        commit together; while a group waits for the lock (``_run_loop_group``), the writes that come meanwhile make the
        next group. The writes that could not be stored within ``LOOP_WRITE_PATIENCE`` have no outcome."""
        loop = asyncio.get_running_loop()
        groups = self._loop_groups.setdefault(loop, collections.deque())
        group = groups[-1] if groups and groups[-1].open else None
        if group is None:
            group = _LoopGroup(write.came + LOOP_WRITE_PATIENCE)
            groups.append(group)
            if len(groups) == 1:
                loop.call_soon(self._run_loop_group, loop)
        group.writes.append(write)
        group.size += write.size
        if len(group.writes) >= MAX_GROUP or group.size >= INLINE_BODY_BYTES:
            # (full: the next write starts another. The group runs in one step of the loop, which serves nothing
            # else meanwhile: as much work as one of the largest bodies it takes, or 64 small writes)
            group.open = False
        try:
            await group.done.wait()
        except BaseException:
            if not group.done.is_set():  # (cancelled before its group stored anything: it is not written)
                group.writes.remove(write)
            raise

    def _run_loop_group(self, loop: asyncio.AbstractEventLoop) -> None:
        """The first group of the loop's: stored if it can start at once, else tried again after a pause (the
        groups behind it wait), until its patience runs out. Then the next group's run."""
        groups = self._loop_groups[loop]
        group = groups[0]
        group.open = False
        try:  # (not the writes refused at an earlier try: validated once)
            self._at_once([write for write in group.writes if write.outcome is None])
        except Exception as exc:  # (a fault of the lane's own, not of a write: each answers with it)
            for write in group.writes:
                if write.outcome is None:
                    write.outcome = _apart(exc)
        except BaseException:  # (raised on to the loop: its writes go on to the thread, the next group runs)
            self._end_loop_group(loop)
            raise
        if any(write.outcome is None for write in group.writes) and time.monotonic() + group.pause <= group.give_up:
            loop.call_later(group.pause, self._run_loop_group, loop)
            group.pause = min(group.pause * 2, 0.002)
            return
        self._end_loop_group(loop)

    def _end_loop_group(self, loop: asyncio.AbstractEventLoop) -> None:
        """The first group of the loop's done (its writes with no outcome go on to the thread); the next one's run."""
        groups = self._loop_groups[loop]
        groups.popleft().done.set()
        if groups:
            loop.call_soon(self._run_loop_group, loop)
        else:
            del self._loop_groups[loop]

    def _at_once(self, writes: list[_Write]) -> None:
        """The writes, if they can start at once; else none of them (``WouldWait``: nothing was written)."""
        try:
            with without_waiting():
                _run_writes(self.state.service.storage, writes)
        except WouldWait:
            return
        for write in writes:
            write.handed = True

    async def _in_thread(self, write: _Write) -> Reply:
        """The write in a worker thread, with the writes queued behind the one in progress: when its turn comes it
        takes them along, oldest first (``_take_thread_group``), and they find their outcome at their turn. The
        batches of an upload sent with some concurrency queue so: committed together, the index pages they share
        are written once. The group waits for the lock until the busy timeout of the write that took it; the
        writes it took along, which came later, then wait on for their own."""
        if self._writes is None:
            self._writes = anyio.CapacityLimiter(1)  # made in the loop that uses it
        self._thread_queue.append(write)
        try:
            async with self._writes:
                if write.outcome is None:  # (not run yet in a group an earlier write took it into)
                    group = self._take_thread_group(write)
                    for taken in group:  # (from here on the thread may store it, its request cancelled or not)
                        taken.handed = True
                    try:
                        with waiting_since(write.came):  # (the worker thread runs in a copy of this context)
                            await anyio.to_thread.run_sync(_run_writes, self.state.service.storage, group)
                    finally:
                        for taken in group[1:]:
                            if isinstance(taken.outcome, Exception) and waited_out_the_lock(taken.outcome):
                                # (the lock was waited for until this write's busy timeout, not theirs, which
                                # came later: each waits on at its own turn, nothing of theirs written)
                                taken.outcome = None
        finally:
            if write in self._thread_queue:  # (cancelled while it waited: it is not written)
                self._thread_queue.remove(write)
        return write.reply()

    def _take_thread_group(self, write: _Write) -> list[_Write]:
        """``write`` and the writes queued after it, up to ``MAX_GROUP`` of them and ``MAX_GROUP_BYTES`` of bodies."""
        queue = self._thread_queue
        if write in queue:
            queue.remove(write)
        group, size = [write], write.size
        while queue and len(group) < MAX_GROUP and size + queue[0].size <= MAX_GROUP_BYTES:
            size += queue[0].size
            group.append(queue.pop(0))
        return group


class _Write:
    """A write request on its way to storage: ``prepare`` validates it (once) and gives ``plan``, the call that
    stores it; ``outcome`` is its reply, or the exception it raised, once it ran. ``handed``: given to storage
    (``WRITE_BEGUN``), where it may be stored whatever becomes of its request."""

    __slots__ = ("came", "handed", "outcome", "plan", "prepare", "size")

    def __init__(self, prepare: Callable[[], Callable[[], Reply]], size: int) -> None:
        self.prepare = prepare
        self.size = size
        self.came = time.monotonic()
        self.plan: Callable[[], Reply] | None = None
        self.outcome: Reply | Exception | None = None
        self.handed = False

    def reply(self) -> Reply:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        assert self.outcome is not None
        return self.outcome


class _LoopGroup:
    """Writes on an event loop stored together (``OperationLane._join_loop_group``); ``open`` (taking more)
    until it first runs or is full."""

    __slots__ = ("done", "give_up", "open", "pause", "size", "writes")

    def __init__(self, give_up: float) -> None:
        self.writes: list[_Write] = []
        self.size = 0  # bytes of the writes' bodies
        self.open = True
        self.give_up = give_up  # (time.monotonic()) when its writes go on to the worker thread
        self.pause = 0.00025  # before its next try
        self.done = asyncio.Event()


def _run_writes(storage: Storage, writes: list[_Write]) -> None:
    """Validates the writes not validated yet (a refused one's error is its outcome), then stores the others:
    one in a transaction of its own, several in one (``Storage.write_together``: each undone alone if it fails).
    ``WouldWait`` (inside ``without_waiting()``): none of those is stored, and only the refused ones have an
    outcome."""
    ready: list[tuple[_Write, Callable[[], Reply]]] = []
    for write in writes:
        if write.plan is None:
            try:
                write.plan = write.prepare()
            except Exception as exc:
                write.outcome = exc
                continue
        ready.append((write, write.plan))
    if len(ready) == 1:
        ((write, plan),) = ready
        try:
            write.outcome = plan()
        except WouldWait:
            raise
        except Exception as exc:
            write.outcome = exc
    elif ready:
        outcomes = storage.write_together([plan for _, plan in ready])
        shared = Counter(id(outcome) for outcome in outcomes if isinstance(outcome, Exception))
        for (write, _), outcome in zip(ready, outcomes, strict=True):
            write.outcome = _apart(outcome) if isinstance(outcome, Exception) and shared[id(outcome)] > 1 else outcome


def _apart(exc: Exception) -> Exception:
    """A copy of ``exc`` for one of the writes that share it (an error that ended their transaction), with its
    traceback so far: one object raised in each request took every request's frames into its traceback, and the
    k-th request's log showed the frames of the k - 1 before it."""
    try:
        twin = type(exc).__new__(type(exc), *exc.args)
        twin.__dict__.update(vars(exc))
    except Exception:  # (a class that will not be made so: shared, as it was)
        return exc
    twin.__cause__, twin.__context__ = exc.__cause__, exc.__context__  # (what unexpected_error looks through)
    twin.__suppress_context__ = exc.__suppress_context__
    return twin.with_traceback(exc.__traceback__)


def route_path(scope: dict[str, Any]) -> str:
    """The path the routes see: without the ``root_path`` of a mount or a proxy prefix (as Starlette's router)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :]
    return path


def _check_path_text(scope: dict[str, Any], params: dict[str, str]) -> None:
    """400 for a path whose percent-decoded bytes are not UTF-8 text, or that holds U+FFFF or U+0000. The server
    decodes the path with each bad byte as U+FFFD, so ``/results/caf%E9`` and ``/results/caf%E8`` were one record;
    U+FFFF stands in for ``%2F`` while routing (``ENCODED_SLASH``), so ``/results/a%EF%BF%BFb`` wrote ``a/b``; and
    no stored string holds U+0000 (``bodies``), which a PUT to ``/results/a%00b`` wrote as its sourcedId. Without
    the scope's ``raw_path`` (optional in ASGI) the decoded path is all there is: a U+FFFD in it, a bad byte or one
    sent, is refused, and a U+FFFF, which then stands for no ``%2F``."""
    if any("\0" in value for value in params.values()):
        message = "holds U+0000 (%00), which no value stored holds"
        raise ApiError(400, f"The path: {message}.", code_minor="invaliddata", fields=[("path", message)])
    raw = scope.get("raw_path")
    if not raw:
        if any("\ufffd" in value for value in params.values()):
            message = "holds U+FFFD, as a byte not UTF-8 once percent-decoded is read"
        elif any(ENCODED_SLASH in value for value in params.values()):
            message = "holds U+FFFF, a Unicode noncharacter"
        else:
            return
    else:
        try:
            text = unquote_to_bytes(raw.split(b"?", 1)[0]).decode("utf-8")
        except UnicodeDecodeError as exc:
            message = f"not UTF-8 once percent-decoded (byte 0x{exc.object[exc.start]:02x})"
        else:
            if ENCODED_SLASH not in text:
                return
            message = "holds U+FFFF, a Unicode noncharacter"
    raise ApiError(400, f"The path: {message}.", code_minor="invaliddata", fields=[("path", message)])


def _check_query_text(query_string: bytes) -> None:
    """400 naming a query parameter whose percent-decoded bytes are not UTF-8 text: the query is decoded with each
    bad byte as U+FFFD too, so ``filter=sourcedId='caf%E9'`` and ``'caf%E8'`` both matched the record ``caf\ufffd``
    (as ``_check_path_text`` for the path)."""
    for parameter in query_string.split(b"&"):
        name, _, value = parameter.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            where = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
            message = f"not UTF-8 once percent-decoded (byte 0x{exc.object[exc.start]:02x})"
            # (a nameless one, ``?=%FF``, is named as the path is named: by the part of the request it is in)
            said = f"The query parameter {where}" if where else "A query parameter with no name"
            field = where or "query"
            raise ApiError(400, f"{said}: {message}.", code_minor="invaliddata", fields=[(field, message)]) from None


def _check_scope(grant: Grant, entry: _Entry) -> None:
    if not entry.allowed & grant.scopes:
        raise ApiError(
            403,
            f"This token lacks the scope for {entry.op.name}: needs one of {entry.scope_names}.",
            headers=entry.refused,
        )


def _encode_reply(reply: Reply) -> tuple[dict[str, Any], bytes]:
    """The response start message and the body of a reply."""
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()]
    if reply.body is None:
        content = b""
        if not (reply.status < 200 or reply.status in (204, 304)):
            headers.insert(0, (b"content-length", b"0"))
    else:
        content = reply.body.encode() if isinstance(reply.body, str) else to_json(reply.body)
        headers[:0] = [(b"content-length", str(len(content)).encode()), _JSON]
    return {"type": "http.response.start", "status": reply.status, "headers": headers}, content
