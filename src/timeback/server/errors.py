"""Errors as OneRoster ``imsx_StatusInfo`` bodies, and the handlers that render every failure that way."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from timeback.server.access_log import REQUEST_ID

if TYPE_CHECKING:  # (imported on use: the storage's modules import this one)
    from timeback.server.storage.base import FileCorrupt

log = logging.getLogger("timeback.server")

_CODE_MINOR = {
    400: "invalid_selection_field",
    401: "unauthorisedrequest",
    403: "forbidden",
    404: "unknownobject",
    405: "invaliddata",
    409: "invaliddata",
    413: "invaliddata",
    415: "invaliddata",
    422: "invaliddata",
    429: "server_busy",
    500: "internal_server_error",
    504: "internal_server_error",
    507: "internal_server_error",
}


class ApiError(Exception):
    """An error answer. ``fields`` name what was wrong: ``[(field path, message), ...]``."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        code_minor: str | None = None,
        fields: Sequence[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.code_minor = code_minor or _CODE_MINOR.get(status, "invaliddata")
        self.fields = list(fields)
        self.headers = headers


def imsx_body(status: int, description: str, code_minor: str, fields: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    minor = [{"imsx_codeMinorFieldName": name, "imsx_codeMinorFieldValue": code_minor} for name, _ in fields]
    if not minor:
        minor = [{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": code_minor}]
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": {"imsx_codeMinorField": minor},
        "imsx_error_details": [{"field": name, "message": message} for name, message in fields],
    }


def error_response(error: ApiError) -> JSONResponse:
    body = imsx_body(error.status, error.description, error.code_minor, error.fields)
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def field_path(loc: Sequence[Any]) -> str:
    """``("results", 0, "scoreStatus")`` -> ``results[0].scoreStatus``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after", "function-before") or str(part).startswith(("function-", "tagged-union")):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


# What pydantic puts in an error's location for the member of a union that failed (``enabledUser: bool | str``
# fails as ``enabledUser.bool`` and ``enabledUser.str``): not part of the field's path.
_UNION_MEMBERS = {"str", "bool", "int", "float", "list", "dict", "none", "enum", "literal"}


def is_schema_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        part.startswith(("function-", "union[", "nullable[")) or part in _UNION_MEMBERS or part.endswith("]")
    )


# Fields a 422 names at most (the description says how many errors more): a body of the largest size allowed can
# make hundreds of thousands, and naming each cost the write thread about 30 us and the answer 160 bytes.
MAX_NAMED_FIELDS = 1000


def validation_error(exc: ValidationError | Sequence[Mapping[str, Any]], *, prefix: str = "") -> ApiError:
    """The 422 naming the fields of ``exc``'s errors, or of error dicts as ``ValidationError.errors()`` gives."""
    fields: list[tuple[str, str]] = []
    named: dict[str, int] = {}  # field -> its place in fields (a batch may have tens of thousands: no scan per error)
    errors = exc.errors(include_url=False, include_input=False) if isinstance(exc, ValidationError) else exc
    for taken, err in enumerate(errors):
        unknown = err["type"] == "extra_forbidden"
        # (an unknown field's last part is the key sent, whatever it is called: "str" or "tags[]" too)
        loc = [p for p in err["loc"][: -1 if unknown else None] if not is_schema_tag(p)]
        message = "unknown field" if unknown else _said(err)
        # (an error of the whole record under ``prefix``, a model validator's, names the record: ``class``)
        where = prefix + field_path(loc) if loc or not prefix else prefix.removesuffix(".")
        if unknown:
            where = f"{where}.{err['loc'][-1]}" if loc else f"{prefix}{err['loc'][-1]}"
        same = named.get(where)
        if same is None:
            if len(fields) == MAX_NAMED_FIELDS:
                unnamed = len(errors) - taken
                break
            named[where] = len(fields)
            fields.append((where, message))
        elif message not in fields[same][1]:  # one field failing every member of its union: one entry
            fields[same] = (where, f"{fields[same][1]}, or {message[0].lower()}{message[1:]}")
    else:
        unnamed = 0
    return fields_error("Invalid request body", fields, unnamed)


def _said(err: Mapping[str, Any]) -> str:
    """An error's message, where pydantic's speaks of its own workings in other words ("List should have at least
    1 item after validation, not 0": an empty ``results``, a user's ``roles``)."""
    ctx = err.get("ctx") or {}
    if err["type"] in ("too_short", "too_long") and ctx.get("field_type") == "List":
        least = err["type"] == "too_short"
        bound = ctx["min_length" if least else "max_length"]
        wanted = f"needs at least {bound}" if least else f"takes at most {bound}"
        return f"{wanted} item{'s' if bound != 1 else ''}, got {ctx.get('actual_length')}"
    if err["type"] == "model_type" and str(ctx.get("class_name", "")).endswith(("Ref", "Reference")):
        # (a reference sent as its id alone, "class": "c1": the shape wanted said, as a field required is named)
        return 'Input should be an object: a reference, {"sourcedId": "..."}'
    return str(err["msg"]).removeprefix("Value error, ")


# Fields (or ids) a description shows: the rest are counted, and named in ``imsx_error_details``.
SHOWN_FIELDS = 5


def fields_error(title: str, fields: list[tuple[str, str]], unnamed: int = 0) -> ApiError:
    """The 422 naming ``fields`` (where, why: ``MAX_NAMED_FIELDS`` at most), the first five in its description, and
    how many more (``unnamed``: errors past those named)."""
    return ApiError(422, f"{title}: {fields_said(fields, unnamed)}", fields=fields)


def fields_said(fields: list[tuple[str, str]], unnamed: int = 0) -> str:
    """The first five of ``fields`` as "where: why; ...", and how many more (as ``fields_error``'s description)."""
    shown = "; ".join(f"{name}: {message}" for name, message in fields[:SHOWN_FIELDS])
    return shown + more_than_shown(len(fields), unnamed)


def more_than_shown(named: int, unnamed: int = 0, what: str = "errors") -> str:
    """What a description showing the first ``SHOWN_FIELDS`` of ``named`` fields says of the rest: " (and 25 more)"
    (``unnamed``: ``what`` past those named)."""
    if unnamed:
        return f" (and {named - SHOWN_FIELDS} more; {unnamed} more {what} not named)"
    return f" (and {named - SHOWN_FIELDS} more)" if named > SHOWN_FIELDS else ""


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette's own 405 names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:  # (all on the app's own router: ``operations.exact_paths``)
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


def unknown_endpoint(request: Request) -> str:
    """A 404 of no route's: under ``/ims/`` but none of the bases served (``gradebook/v1p0``, ``oneroster/v1p2``), it
    says which are, as the operation sets declare them; it said only "Unknown endpoint."."""
    # (here: the operation tables, and ``unserved``, import this module)
    from timeback.resources import OPERATION_SETS
    from timeback.server.unserved import RESOURCES

    served = tuple(operations.base_path for operations in OPERATION_SETS)
    known = (*served, RESOURCES.rpartition("/")[0])  # (Timeback's resources service: its 404s name it, ``unserved``)
    path: str = request.scope["path"]
    root = request.scope.get("root_path", "")
    path = path[len(root) :] if root and path.startswith(root) else path
    if path.startswith("/ims/") and not any(path == base or path.startswith(f"{base}/") for base in known):
        return f"Unknown endpoint: this server serves OneRoster 1.2 under {' and '.join(served)}."
    return "Unknown endpoint."


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        description = unknown_endpoint(request) if exc.status_code == 404 else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            allow = allowed_methods(request)
            description = f"{request.method} is not allowed here; allowed: {allow}."
            headers = {**(headers or {}), "Allow": allow}
        return error_response(ApiError(exc.status_code, description, headers=headers))

    @app.exception_handler(RequestValidationError)
    async def _request_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [(field_path(e["loc"]), e["msg"]) for e in exc.errors()]
        return error_response(ApiError(422, "Invalid request.", fields=fields))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return error_response(unexpected_error(exc))


def unexpected_error(exc: BaseException) -> ApiError:
    """The answer to an exception no handler expected: 504 when a read ran past the server's time limit
    (``query_timeout_seconds``: it was stopped, and changed nothing); 503 when the database stayed locked by another
    writer past its busy timeout (the write was rolled back: the same request may be sent again), when a read needed a
    new connection and the process had no file descriptor left for it (held by open connections: ``ulimit -n``;
    logged in one line), or when the database file was removed or replaced under the server (until it is restarted:
    ``FileReplaced``); 500 saying so when SQLite found the database file damaged (``FileCorrupt``: logged once, by the
    storage); 507 when the database or its disk is full, or SQLite could not write its files (a quota or a
    file size limit) (rolled back too; not for the SDK to retry: space does not come back in half a second), logged
    in one line (a traceback for each write filled the log on that same disk); else 500, logged.
    Each logged line names the request's id (its ``X-Request-Id``), which a caller holding an error of the SDK's can
    look for. A read its storage's closing stopped (the server stopping) is answered as a request the stop cancelled."""
    from timeback.server.middleware import SHUTTING_DOWN  # (here: these modules import this one)
    from timeback.server.storage.base import Closing, FileCorrupt, FileReplaced, QueryTimedOut

    if isinstance(exc, Closing):
        return SHUTTING_DOWN
    if isinstance(exc, FileReplaced):  # (logged once, by the storage: the same for every request from now on)
        description = (
            f"The database file {exc.where} was removed or replaced while the server ran; nothing was read or "
            "written. Restart the server."
        )
        return ApiError(503, description, code_minor="internal_server_error")
    if isinstance(exc, FileCorrupt):  # (logged once, by the storage; a 5xx still, which the SDK retries as any)
        return damaged_file(exc)
    if isinstance(exc, QueryTimedOut):  # (not logged: the client's query, not a fault of the server's)
        description = (
            f"The query ran past the server's time limit ({exc.seconds:g} s) and was stopped; nothing was "
            "changed. Narrow the filter (fewer or more selective predicates) or page with a smaller limit."
        )
        return ApiError(504, description)
    if waited_out_the_lock(exc):
        description = "The database is busy with another writer; nothing was written. Retry the request."
        return ApiError(503, description, code_minor="server_busy", headers={"Retry-After": "1"})
    if out_of_descriptors(exc):
        log.error("a request failed: %s, request_id=%s", OUT_OF_DESCRIPTORS, REQUEST_ID.get())
        description = f"The server is busy: {OUT_OF_DESCRIPTORS}; nothing was read or written. Retry the request."
        return ApiError(503, description, code_minor="server_busy", headers={"Retry-After": "1"})
    if disk_full(exc):
        log.error("a request failed: the database or disk is full (nothing of it was written), request_id=%s",
                  REQUEST_ID.get())  # fmt: skip
        return ApiError(507, "The database or disk is full; nothing was written. Free some space, then retry.")
    if no_temp_directory(exc):
        log.error("a request failed: %s (nothing was written), request_id=%s", NO_TEMP_DIRECTORY, REQUEST_ID.get())
        return ApiError(507, f"{NO_TEMP_DIRECTORY}; nothing was written.")
    unwritable = _write_error(exc)
    if unwritable is not None:  # (as a full disk: a quota or a file size limit reached, SQLite's "disk I/O error")
        why = f"{unwritable} ({unwritable.sqlite_errorname})"
        # (a read too: a sort spilling to a temporary file under the same limit)
        log.error("a request failed: SQLite could not write one of its files (the database, its WAL or a temporary "
                  "file), %s: a disk quota or file size limit reached? (nothing was written), request_id=%s", why,
                  REQUEST_ID.get())  # fmt: skip
        description = (
            f"SQLite could not write one of its files (the database, its WAL or a temporary file: {why}): a disk "
            "quota or file size limit reached, or the disk failing; nothing was written. Free some space, then retry."
        )
        return ApiError(507, description)
    # (the frames of the handlers left out: see _below_handlers; raised in a handler's own code, all of them are,
    # and the message says where it was)
    below = _below_handlers(exc.__traceback__)
    where = _raised_at(exc.__traceback__) if below is None else ""
    log.error("unhandled server error, request_id=%s%s", REQUEST_ID.get(), where, exc_info=(type(exc), exc, below))
    return ApiError(500, "Internal server error.")


def damaged_file(exc: FileCorrupt, status: int = 500) -> ApiError:
    """The answer to a request that found the database file damaged (a 500), and ``/health``'s from then on (503)."""
    description = (
        f"The database file {exc.where} is damaged (SQLite: {exc.why}): the requests that touch the damaged part "
        "fail, writing nothing. Restore the file from a backup, or start the server on a new file."
    )
    return ApiError(status, description, code_minor="internal_server_error")


# The modules whose functions take a request's credentials: their frames hold the bearer token (the lane's
# ``authorization`` and ``token``, and the ASGI ``scope`` with its headers; ``grant_of`` and ``TokenStore.check``)
# or the client secret (the token route's body, form and readings; ``ClientRegistry.verify``).
_HANDLER_MODULES = frozenset(
    {"timeback.server.lane", "timeback.server.routes.oauth", "timeback.server.deps", "timeback.server.auth"}
)


def _below_handlers(tb: TracebackType | None) -> TracebackType | None:
    """``tb`` from below the last frame of a request handler: error reporters that record each frame's locals
    (Sentry's logging integration, rich's ``show_locals``, ``TracebackException(capture_locals=True)``) recorded
    the bearer token or the client secret with an unhandled error. What failed, in the service or the storage
    below, is kept; a fault in a handler's own code is logged with its type, its message and where it was raised
    (``_raised_at``), no frame."""
    below = tb
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") in _HANDLER_MODULES:
            below = tb.tb_next
        tb = tb.tb_next
    return below


def _raised_at(tb: TracebackType | None) -> str:
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return f", raised in {tb.tb_frame.f_globals.get('__name__')}.{code.co_name} line {tb.tb_lineno}"


def waited_out_the_lock(exc: BaseException) -> bool:
    """Whether ``exc`` is (or was caused by) SQLite's "database is locked": the busy timeout ran out."""
    return _sqlite_error(exc, _BUSY)


def _sqlite_errors(exc: BaseException) -> Iterator[sqlite3.Error]:
    """The SQLite errors ``exc`` is or was caused by."""
    seen: BaseException | None = exc
    while seen is not None:
        for error in (seen, getattr(seen, "orig", None)):  # (SQLAlchemy wraps the driver's error as .orig)
            if isinstance(error, sqlite3.Error):
                yield error
        seen = seen.__cause__ or seen.__context__


def out_of_descriptors(exc: BaseException) -> bool:
    """Whether ``exc`` is (or was caused by) SQLite's "unable to open database file" (SQLITE_CANTOPEN: a read
    needing a new connection) while the process has no file descriptor left (its connections, ``ulimit -n``): it
    passes as they close. A file that cannot be opened for another reason, or no longer, is no busy server: a 500."""
    if not any(getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_CANTOPEN for e in _sqlite_errors(exc)):
        return False
    try:
        os.close(os.open(os.devnull, os.O_RDONLY))
    except OSError as error:
        return error.errno in (errno.EMFILE, errno.ENFILE)
    return False


OUT_OF_DESCRIPTORS = "the process is out of file descriptors (open connections and files: ulimit -n)"


def no_temp_directory(exc: BaseException) -> bool:
    """Whether ``exc`` is (or was caused by) SQLite's SQLITE_IOERR_GETTEMPPATH: no directory for its temporary files
    (the storage points it at the database's own when it finds none at opening; that one unwritable since)."""
    return any(getattr(e, "sqlite_errorcode", None) == _IOERR_GETTEMPPATH for e in _sqlite_errors(exc))


NO_TEMP_DIRECTORY = (
    "SQLite found no writable directory for its temporary files (disk I/O error, SQLITE_IOERR_GETTEMPPATH): set "
    "SQLITE_TMPDIR to one"
)
_IOERR_GETTEMPPATH = 6410  # (sqlite3.h's extended code)


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is (or was caused by) SQLite's "database or disk is full" (SQLITE_FULL)."""
    return _sqlite_error(exc, _FULL)


def _sqlite_error(exc: BaseException, messages: tuple[str, ...]) -> bool:
    """Whether ``exc`` is (or was caused by) a SQLite error whose message starts with one of ``messages``."""
    return any(isinstance(e, sqlite3.OperationalError) and str(e).startswith(messages) for e in _sqlite_errors(exc))


def _write_error(exc: BaseException) -> sqlite3.Error | None:
    """The SQLite I/O error writing the database's files that ``exc`` is or was caused by, if any."""
    # (getattr: an error made in Python, not by SQLite, has no code)
    return next((e for e in _sqlite_errors(exc) if getattr(e, "sqlite_errorcode", None) in _WRITE_IOERR), None)


_BUSY = ("database is locked", "database is busy", "database table is locked")
_FULL = ("database or disk is full",)  # (SQLITE_FULL: the disk, or the database's max_page_count)
# SQLite's "disk I/O error" writing the files: only ENOSPC is SQLITE_FULL; a disk quota (EDQUOT) or a file size limit
# (EFBIG: ``ulimit -f``) is SQLITE_IOERR_WRITE, and was a 500 with a traceback per write. (_WRITE, _TRUNCATE,
# _SHMSIZE: sqlite3.h's extended codes; no errno reaches Python to tell a quota from a failing disk. Not _FSYNC: an
# fsync fails on a failing disk, EIO, which freeing space does not mend: a 500.)
_WRITE_IOERR = frozenset({778, 1546, 4874})
