"""The ASGI application: ``create_app(settings)``."""

from __future__ import annotations

import gc
import json
import logging
import os
import secrets
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from timeback._version import __version__
from timeback.resources import OPERATION_SETS, GradebookOperations, RosteringOperations
from timeback.server.access_log import (
    CLIENT_ADDRESSES_ONLY,
    REDACT_QUERY_SECRETS,
    REDACT_SCOPE_SECRETS,
    REQUEST_IDS,
    drop_broken_pipes,
)
from timeback.server.auth import ClientRegistry, FailureLimiter, TokenStore, shared_token_key
from timeback.server.config import ServerSettings, trusted_proxies
from timeback.server.errors import (
    NO_TEMP_DIRECTORY,
    disk_full,
    install_handlers,
    no_temp_directory,
    waited_out_the_lock,
)
from timeback.server.faults import QUIET_CUTS, FaultInjector, FaultMiddleware, FaultSpec
from timeback.server.lane import OperationLane
from timeback.server.middleware import EncodedSlashMiddleware, ForwardedHeadersMiddleware, RequestIdMiddleware
from timeback.server.openapi import build_openapi, under_root_path
from timeback.server.routes import health, oauth, operations
from timeback.server.seed import SeedAlreadyLoaded, load_seed
from timeback.server.service import GradebookService
from timeback.server.storage import Storage, open_storage


def tune_gc() -> None:
    """For a process that runs the server (``timeback serve``), once the app is built: what startup made (models,
    schemas, tables) is frozen out of the cyclic collector's scans, and collections run less often. A batch of
    1,000 results makes tens of thousands of objects; at the default thresholds the collections they set off
    (rescanning the whole startup heap) took a quarter of the server's time per batch."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


# The most ``raise_open_files_limit`` sets the open-files limit to: sockets and database handles for thousands of
# connections, far under what a kernel takes (a hard limit of 2**30, as some container runtimes set, is not asked).
OPEN_FILES_CAP = 65536
# macOS's OPEN_MAX, what its setrlimit takes where kern.maxfilesperproc is under the cap (refused there, EINVAL).
OPEN_MAX = 10240


def raise_open_files_limit() -> None:
    """For ``timeback serve``, once its logging is set up (its workers inherit the limit): the soft limit on open
    files raised to the hard one, at most ``OPEN_FILES_CAP`` (``OPEN_MAX`` where that is refused: macOS), logged
    once; not raised at all, logged as a warning. At Linux's usual soft limit, 1,024, 1,100 idle connections took
    every descriptor: reads failed 500 (SQLite could not open a reader), /health blamed the database, and with
    --workers writes failed too. No such limit on Windows."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES_CAP if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES_CAP)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    log = logging.getLogger("timeback.server")
    refused = ""
    for asked in dict.fromkeys((wanted, min(wanted, OPEN_MAX))):
        if asked <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (asked, hard))
        except (OSError, ValueError) as exc:  # (macOS takes no more than kern.maxfilesperproc, whatever hard says)
            refused += f"; {asked} refused ({exc})"
            continue
        log.info("Open files limit raised from %d to %d%s", soft, asked, refused)
        return
    log.warning("Open files limit left at %d%s: raise it (ulimit -n) for many connections", soft, refused)


def import_request_modules() -> None:
    """For a process that runs the server, before it serves: what its first request would import, imported now.
    anyio's asyncio backend (the thread pool's) opens its files as it loads: first loaded with every descriptor
    taken (a --workers worker that had served nothing), every request of that worker failed 500."""
    import anyio._backends._asyncio  # noqa: F401


SETTINGS_ENV = "TIMEBACK_SERVE_SETTINGS"  # how ``timeback serve --workers N`` hands its settings to each worker
# ... and its own pid: a worker started after its supervisor died would otherwise take its new parent for it
SUPERVISOR_ENV = "TIMEBACK_SERVE_SUPERVISOR"


def cannot_open(database: str, exc: Exception) -> str:
    """Why ``database`` could not be opened, in one line: an ``UnsupportedDatabase``'s own message, or "cannot open
    <database>: <reason>" for the ``open_errors()`` (no such directory, not writable, not a database file, locked,
    damaged, a full disk)."""
    return opening_failed(database, exc)[0]


def opening_failed(database: str, exc: Exception) -> tuple[str, bool]:
    """``cannot_open``'s line, and whether ``database`` itself is at fault (a usage error: no such directory, not a
    database file, a newer timeback's) rather than the state it is in: its lock held by another program, the file
    damaged, its disk full (``timeback serve`` exits 1 for those, saying what to do: it was exit 2, "Invalid value for
    --database", which sent users looking for a mistake in the option)."""
    import errno
    import sqlite3

    from sqlalchemy import make_url
    from sqlalchemy.exc import DBAPIError

    from timeback.server.storage.base import FileCorrupt
    from timeback.server.storage.sql import UnsupportedDatabase

    if isinstance(exc, UnsupportedDatabase):
        return str(exc), True
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(error, "sqlite_errorcode", None)  # (None: an error made in Python, not by SQLite)
    usage, full = True, False
    free = "free some space on the disk holding it, then start the server again"
    if isinstance(exc, FileCorrupt) or (code is not None and code & 0xFF == sqlite3.SQLITE_CORRUPT):
        # (found by the start's own reads, its ANALYZE say: a traceback of 140 lines)
        why = exc.why if isinstance(exc, FileCorrupt) else str(error)
        reason = f"the file is damaged (SQLite: {why}): restore it from a backup, or start the server on a new file"
        usage = False
    elif isinstance(exc, OSError):
        reason = f"{exc.strerror or exc}"
        if exc.filename not in (None, make_url(database).database):
            reason += f" ({exc.filename})"  # (the database's own name is in the message already)
        full = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    else:  # (sqlite3's own: "database is locked" from a write on the driver's connection, not SQLAlchemy's)
        reason = str(error)
        path = make_url(database).database
        if no_temp_directory(exc):
            reason = NO_TEMP_DIRECTORY
        elif path and os.path.isdir(path):  # (SQLite says only "unable to open database file")
            reason += f": it is a directory; name a file in it (sqlite:///{os.path.join(path, 'timeback.db')})"
        elif reason == "disk I/O error":  # (what SQLite says of a full disk at open: its -shm cannot be made)
            space = _space_left(str(path))
            reason, full, free = reason + space, bool(space), "free some space, then start the server again"
        elif waited_out_the_lock(exc):  # (no mistake in the database given: the same command works once it is done)
            from timeback.server.storage.sql import BUSY_TIMEOUT_MS

            waited = f"{BUSY_TIMEOUT_MS / 1000:g}"
            reason += f": another program holds its lock (waited {waited} s for it; try again once it is done)"
            usage = False
        else:
            full = disk_full(exc)  # ("database or disk is full": a restart's first write)
    if full:
        reason += f": {free}"
        usage = False
    return f"cannot open {database}: {reason}", usage


def _space_left(path: str) -> str:
    """What ``cannot_open`` adds when the file system of ``path`` has under a megabyte free: that it is full."""
    try:
        found = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except (AttributeError, OSError):  # (no statvfs on Windows)
        return ""
    free = found.f_bavail * found.f_frsize
    return f", the disk holding it is full ({free // 1024} KB free)" if free < 1024 * 1024 else ""


def open_errors() -> tuple[type[Exception], ...]:
    """What opening a database raises when it cannot be opened (``cannot_open`` says why); anything else is a bug."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from timeback.server.storage.base import FileCorrupt
    from timeback.server.storage.sql import UnsupportedDatabase

    # (UnicodeError: a file name no encoding check foresaw, rather than a traceback and, under --workers, every worker
    # started again forever)
    return UnsupportedDatabase, OSError, DBAPIError, sqlite3.Error, UnicodeError, FileCorrupt


def app_from_environment() -> FastAPI:
    """The app of one ``timeback serve --workers N`` process (uvicorn's factory): the settings the parent put in
    the environment as JSON; the parent made and seeded the database before starting the workers."""
    import sys

    from uvicorn.config import STARTUP_FAILURE

    # Taken out of this worker's environment (it holds the client secret): nothing this process starts inherits it.
    settings = ServerSettings(**json.loads(os.environ.pop(SETTINGS_ENV)))
    try:
        app = create_app(settings)
    except open_errors() as exc:
        # One line, and uvicorn's supervisor stops serve (a start-up failure): a traceback, and uvicorn started
        # another worker in its place, which failed the same way, forever.
        logging.getLogger("uvicorn.error").error(cannot_open(settings.database, exc))
        sys.exit(STARTUP_FAILURE)
    filter_server_logs(settings)
    _stop_when_orphaned(int(os.environ.get(SUPERVISOR_ENV, os.getppid())))
    _leave_ctrl_c_to_the_supervisor()
    import_request_modules()
    tune_gc()
    return app


def _leave_ctrl_c_to_the_supervisor() -> None:
    """A worker ignores SIGINT (its uvicorn took it over; it is loading the app, in the main thread): a Ctrl-C, sent
    to the process group, reaches the supervisor too, which stops each worker with SIGTERM, gracefully. A second
    Ctrl-C was uvicorn's force quit in each worker, which skipped the app's shutdown: the database left open (-wal,
    -shm), and the requests in flight cut without the 503 of a stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_when_orphaned(parent: int, every_seconds: float = 1.0) -> None:
    """A worker whose supervisor died without stopping it (``kill -9``, an OOM kill) stops too, as on SIGTERM:
    left running, the workers kept serving the port, and a restart of ``timeback serve`` on it was refused."""
    import multiprocessing
    import signal
    import threading

    def watch() -> None:
        supervisor = multiprocessing.parent_process()  # (uvicorn's supervisor, which spawned this worker)
        if os.name == "posix" or supervisor is None or supervisor.pid != parent:
            while os.getppid() == parent:
                time.sleep(every_seconds)
            os.kill(os.getpid(), signal.SIGTERM)  # (uvicorn's graceful stop: requests in flight finish)
            return
        # Windows: os.getppid() keeps a dead parent's id (no process takes its children over), and os.kill is a
        # hard kill there; the supervisor's handle tells when it ends, and raise_signal runs uvicorn's handler.
        supervisor.join()
        signal.raise_signal(signal.SIGTERM)

    threading.Thread(target=watch, name="timeback-parent-watch", daemon=True).start()


def filter_server_logs(settings: ServerSettings) -> None:
    """For ``timeback serve`` and its workers (processes of their own, whose logging they configure): the
    connections faults cut on purpose are not logged as errors. (``LocalServer``, in a caller's process, quiets only
    its own.) Each access line gets its request's id (``access_log.serve_log_config``'s format), and a broken pipe
    drops the access log in one line. After uvicorn configured logging (it replaces the handlers)."""
    access = logging.getLogger("uvicorn.access")
    access.addFilter(REQUEST_IDS)
    drop_broken_pipes(access)  # (``serve --access-log | head -1``)
    if settings.faults:
        logging.getLogger("uvicorn.error").addFilter(QUIET_CUTS)


def failed_logins_file(database: str) -> str:
    """The failed-login table the workers on ``database`` share (``FailureLimiter``), next to its file."""
    from sqlalchemy import make_url

    return f"{make_url(database).database}-logins"


def count_failed_logins_anew(database: str) -> None:
    """A server with workers on ``database`` starting (``timeback serve --workers``, ``LocalServer`` with
    ``workers``): its failed-login file made anew, every count zero, as a restarted single process counts from
    zero. Its workers then map that file; one started later (in place of one that died) keeps the counts."""
    path = failed_logins_file(database)
    if os.path.isdir(os.path.dirname(os.path.abspath(path))):  # (else opening the database refuses it, saying why)
        FailureLimiter.new_shared_file(path)


def void_earlier_tokens(app: FastAPI) -> None:
    """A server with workers on a database file starting (``timeback serve --workers``, ``LocalServer`` with
    ``workers``): the tokens its client was issued before, which its workers would find in the file, are void, as a
    restarted single process's (kept in its memory only). Another client's, another server's on the same file, keep
    working (deleting them all broke the server that issued them)."""
    app.state.storage.forget_tokens(app.state.client_id)


def create_app(settings: ServerSettings | None = None, storage: Storage | None = None) -> FastAPI:
    settings = settings or ServerSettings()
    app = FastAPI(
        title="Timeback-compatible OneRoster 1.2 server",
        version=__version__,
        description="Local OneRoster 1.2 Gradebook (and rostering) service that behaves like Timeback.",
        # A path we do not serve is 404, never a 307 to the path without (or with) its trailing slash: clients do
        # not follow a redirected write with its body (``lane.served_paths`` says which endings are served).
        redirect_slashes=False,
    )
    clients = ClientRegistry()
    client_id = settings.client_id or f"dev-{secrets.token_hex(4)}"
    client_secret = settings.client_secret or secrets.token_urlsafe(24)
    clients.add(client_id, client_secret, settings.client_scopes)
    app.state.settings = settings
    app.state.clients = clients
    app.state.client_id = client_id
    app.state.storage = storage or open_storage(settings.database)
    app.state.token_failures = None

    def close() -> None:
        # What the app opened it closes when its server stops (the lifespan's shutdown, after the last request), so
        # the WAL is copied into the database file and removed. (LocalServer runs no lifespan and closes them
        # itself; a storage handed in is for its owner to close.)
        if app.state.token_failures is not None:
            app.state.token_failures.close()
        if storage is None:
            app.state.storage.close()

    try:
        shared = app.state.storage if settings.workers > 1 else None
        key = shared_token_key(client_id, client_secret, settings.client_scopes)
        app.state.tokens = TokenStore(
            settings.token_ttl_seconds, shared=shared, clients=clients, key=key, max_tokens=settings.max_live_tokens
        )
        app.state.token_failures = FailureLimiter(
            settings.token_max_failures,
            settings.token_failure_window_seconds,
            clock=time.monotonic if shared is None else time.time,  # (across processes: the wall clock)
            shared_file=None if shared is None else failed_logins_file(settings.database),
        )
        app.state.service = GradebookService(app.state.storage, settings)
        if settings.seed:
            try:
                load_seed(app.state.service, settings.seed)
            except SeedAlreadyLoaded as exc:  # (a LocalServer on a file it seeded before)
                logging.getLogger("timeback.server").info("seed %s not loaded again: %s", settings.seed, exc)
        # Only for `timeback serve` to print when it made the client itself; never logged.
        app.state.dev_credentials = None if settings.client_secret else (client_id, client_secret)
        _routes_and_middleware(app, settings)
        app.router.on_shutdown.append(close)
        return app
    except BaseException:  # (a seed that does not load; a stop, even once the seed is stored): no server will run
        close()
        raise


def _routes_and_middleware(app: FastAPI, settings: ServerSettings) -> None:
    """``create_app``'s routes, its OpenAPI document, its log filters and its middleware."""
    install_handlers(app)
    # The document as served: FastAPI's own route named a root path (``serve --root-path``, a mount) only as the
    # document's server, not in its token URL.
    app.router.routes[:] = [route for route in app.router.routes if getattr(route, "path", None) != app.openapi_url]

    async def served_openapi(request: Request) -> JSONResponse:
        return JSONResponse(under_root_path(app.openapi(), request.scope.get("root_path", "").rstrip("/")))

    app.add_route(str(app.openapi_url), served_openapi, include_in_schema=False)
    for module in (health, oauth):
        app.router.routes.extend(module.router.routes)  # (not included: see operations.exact_paths)
    operations.register(app.router, GradebookOperations, "gradebook")
    operations.register(app.router, RosteringOperations, "rostering")
    operations.register_unserved(app.router)
    operations.exact_paths(app.router)
    document: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not document:
            document.update(build_openapi(settings, OPERATION_SETS))
        return document

    app.openapi = openapi  # type: ignore[method-assign]
    # Our middleware runs outside FastAPI's own stack (error middleware, telemetry, body limit): the operation lane
    # answers most requests, and those layers only cost it time. FastAPI's stack answers whatever the lane does not
    # take (404, 405, /oauth2/token, /health, docs). Outermost first: a trusted proxy's headers, request id, faults,
    # encoded slashes, lane.
    # The access log, when on (the app under any uvicorn), shows each URL: no secret a client put in one is
    # written to it, nor to uvicorn's trace of each request's scope (``--log-level trace``); and each client, taken
    # from X-Forwarded-For behind a proxy trusted (forwarded_allow_ips): a forged one written as "-". (Filters added
    # once; they configure no handler and only take text out of lines.)
    access = logging.getLogger("uvicorn.access")
    access.addFilter(REDACT_QUERY_SECRETS)
    access.addFilter(CLIENT_ADDRESSES_ONLY)
    logging.getLogger("uvicorn.asgi").addFilter(REDACT_SCOPE_SECRETS)
    if settings.faults:
        # Outside all but the request id, so a faulted request looks to the client like a network or load-balancer
        # failure, its answer carrying an X-Request-Id as a gateway's carries its own (for the SDK's errors).
        app.state.faults = FaultInjector(FaultSpec.parse(settings.faults))
    build_fastapi_stack = app.build_middleware_stack

    def build_middleware_stack() -> Any:
        stack: Any = OperationLane(build_fastapi_stack(), state=app.state, operation_sets=OPERATION_SETS)
        stack = EncodedSlashMiddleware(stack)
        if settings.faults:
            stack = FaultMiddleware(stack, injector=app.state.faults)
        stack = RequestIdMiddleware(stack)
        if settings.forwarded_allow_ips is not None:  # (outermost: the peer, before X-Forwarded-For's client)
            stack = ForwardedHeadersMiddleware(stack, trusted_proxies(settings.forwarded_allow_ips))
        return stack

    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]
