"""uvicorn's access log without secrets in it: its lines hold each request's path with its query string, so a
client that put its ``client_secret`` or a token in a URL (refused, but logged all the same) would have it written
to the log. ``REDACT_QUERY_SECRETS`` writes those parameters' values as ``[redacted]``; ``CLIENT_ADDRESSES_ONLY``
writes a client that is not an IP address (a forged X-Forwarded-For's) as ``-``.

And each request's id in its log lines: ``RequestIdFilter`` gives every record ``request_id``, for a format's
``%(request_id)s``; ``serve_log_config`` is uvicorn's logging config with it in the access log's lines."""

from __future__ import annotations

import copy
import ipaddress
import logging
import os
import re
import sys
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote_plus

log = logging.getLogger(__name__)

# Compared with the name as ``_parameter_name`` reads it: whatever spelling a client chose, the value is hidden.
# ("token", "api_key"...: no name of OAuth2's, but the ones clients and tools put a bearer token or a key under)
SECRET_PARAMETERS = frozenset(
    {"client_secret", "access_token", "refresh_token", "password", "token", "id_token", "api_key", "apikey",
     "client_assertion", "authorization"}
)  # fmt: skip
# The names as ``_parameter_name`` compares them: without "_" (accessToken, access.token, access-token alike)
_SECRET_NAMES = frozenset(name.replace("_", "") for name in SECRET_PARAMETERS)
# What a value holding a secret parameter holds, decoded, in lower case: one without any is not looked into (a 64 KB
# query of nested parameters took 48 ms to read, on the event loop)
_SECRET_STEMS = ("token", "secret", "password", "key", "assertion", "authorization")
REDACTED = "[redacted]"

# The id of the request being served (set by ``middleware.RequestIdMiddleware``), for its log lines; None outside.
REQUEST_ID: ContextVar[str | None] = ContextVar("timeback_request_id", default=None)

# A parameter's separators: "&", and ";" which some frameworks split on too
_SEPARATORS = re.compile(r"([&;])")
# What frameworks drop from a parameter's name or fold (``access_token[]``, ``access-token``, `` access_token``,
# ``access.token``, ``accessToken``): it was written in clear under such a name, which a framework may read as the
# one named
_NAME_NOISE = re.compile(r"\[[^\]]*\]|[\s\x00-\x1f_.-]")
# Levels of a value that is itself a query, percent-encoded (``x=1%26access_token%3D...``), looked into
_NESTED = 3


def redact_query(path: str) -> str:
    """``path`` (a path with its query, as uvicorn logs it) with the values of ``SECRET_PARAMETERS`` redacted."""
    route, mark, query = path.partition("?")
    if not mark:
        return path
    return f"{route}?{redact_query_string(query)}"


def redact_query_string(query: str, levels: int = _NESTED) -> str:
    """``query`` (a URL's query, without its "?") with the values of ``SECRET_PARAMETERS`` redacted, and any value
    that is a query holding one once percent-decoded (up to ``levels`` times)."""
    parts = _SEPARATORS.split(query)
    for index in range(0, len(parts), 2):  # (the separators between them at odd indexes)
        name, equals, value = parts[index].partition("=")
        if equals and (_parameter_name(name) in _SECRET_NAMES or _holds_secret(value, levels)):
            parts[index] = f"{name}={REDACTED}"
    return "".join(parts)


def _parameter_name(name: str) -> str:
    """``name`` percent-decoded, in lower case, without brackets, spaces, control characters, "_", "-" and "."."""
    return _NAME_NOISE.sub("", unquote_plus(name).lower())


def _holds_secret(value: str, levels: int) -> bool:
    """Whether ``value``, percent-decoded up to ``levels`` times, is a query (or a URL with one) holding a secret
    parameter."""
    for _ in range(levels):
        decoded = unquote_plus(value)
        lowered = decoded.lower()
        if not any(stem in lowered for stem in _SECRET_STEMS):
            return False
        query = decoded.rpartition("?")[2]  # (a URL's query: redirect_uri=https://x/cb?access_token=...)
        if "=" in query and redact_query_string(query, 0) != query:
            return True
        if decoded == value:
            return False
        value = decoded
    return False


class _RedactQuerySecrets(logging.Filter):
    """On the ``uvicorn.access`` logger, whose records' args are (client address, method, path with query, HTTP
    version, status): the path's secret query values redacted. Any other record passes as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], redact_query(args[2]), args[3], args[4])
        return True


REDACT_QUERY_SECRETS = _RedactQuerySecrets()


class _RedactScopeSecrets(logging.Filter):
    """On the ``uvicorn.asgi`` logger, which ``--log-level trace`` turns on (uvicorn's ``MessageLoggerMiddleware``):
    its "Started scope=" record's args hold the request's ASGI scope, whose query string (``client_secret=...``) it
    wrote raw a line above the access log's redacted one. That scope's copy, its query string redacted as the access
    log's. (Its headers and bodies, and each message's, uvicorn writes as placeholders: ``'<...>'``, ``'<57 bytes>'``.)
    Any other record passes as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(arg, dict) and arg.get("query_string") for arg in args):
            record.args = tuple(_query_redacted(arg) if isinstance(arg, dict) else arg for arg in args)
        return True


def _query_redacted(scope: dict[str, Any]) -> dict[str, Any]:
    query = scope.get("query_string")
    if not isinstance(query, bytes) or b"=" not in query:
        return scope
    # (latin-1: any bytes, back as they came; the access log reads the same query as ASCII)
    return {**scope, "query_string": redact_query_string(query.decode("latin-1")).encode("latin-1")}


REDACT_SCOPE_SECRETS = _RedactScopeSecrets()

# An address's characters, an IPv6 scope's (an interface name) among them: ``ipaddress`` takes any text after "%"
_ADDRESS_TEXT = re.compile(r"[0-9A-Za-z.:%_-]+")


class _ClientAddressesOnly(logging.Filter):
    """On the ``uvicorn.access`` logger (records' args as for ``_RedactQuerySecrets``, the client ``host:port``): a
    client whose host is not an IP address is written as ``-``. Behind a proxy (``serve --forwarded-allow-ips``) it
    is X-Forwarded-For's entry as a client wrote it, and a space or quote in it forged the line's fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[0], str) and args[0]:
            host = args[0].rpartition(":")[0]
            if not (_ADDRESS_TEXT.fullmatch(host) and _is_ip_address(host)):
                record.args = ("-", *args[1:])
        return True


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


CLIENT_ADDRESSES_ONLY = _ClientAddressesOnly()


class RequestIdFilter(logging.Filter):
    """On a handler of your own (``LocalServer``) or a logger: each record it sees gets ``request_id``, the id of
    the request the server was serving when it was logged (its ``X-Request-Id``), else ``-``. Passes every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


REQUEST_IDS = RequestIdFilter()  # on ``uvicorn.access`` in serve's processes (``app.filter_server_logs``)


def null_device_onto(fd: int) -> None:
    """The null device opened on ``fd`` (standard output that cannot be written): writes to it, and the interpreter's
    flush at exit of what is still buffered, succeed with nothing written rather than fail again."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


class _DropsABrokenPipe(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler whose reader went away (``serve --access-log | head -1``): its stream sent to the null
    device once, said in one line logged (else each request's record printed an 87-line "--- Logging error ---")."""

    def handleError(self, record: logging.LogRecord) -> None:
        if not isinstance(sys.exc_info()[1], BrokenPipeError):
            return super().handleError(record)
        try:
            null_device_onto(self.stream.fileno())
        except (OSError, ValueError):
            self.stream = open(os.devnull, "w")  # (kept for the process's life, as the stream it replaces)
        # (serve's config: uvicorn's handler, on standard error)
        log.warning("the access log's reader went away (broken pipe): its lines are dropped from now on")


def drop_broken_pipes(logger: logging.Logger) -> None:
    """``logger``'s stream handlers (as ``logging.config`` made them) as ``_DropsABrokenPipe``: dictConfig's config
    names no class of timeback's (see ``serve_log_config``), so they are swapped once the server is imported."""
    for handler in list(logger.handlers):
        if type(handler) is logging.StreamHandler:
            swapped = _DropsABrokenPipe(handler.stream)
            swapped.setLevel(handler.level)
            swapped.setFormatter(handler.formatter)
            for kept in handler.filters:
                swapped.addFilter(kept)
            logger.removeHandler(handler)
            logger.addHandler(swapped)


# ``serve --log-timestamps``: each line begins with when it was written, to the millisecond, in the machine's time
# zone (UTC in most containers), as ISO 8601 without an offset ("2026-12-07T21:20:00.123")
TIMESTAMP_FORMAT = "%(asctime)s.%(msecs)03d "
TIMESTAMP_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def serve_log_config(level: str = "info", timestamps: bool = False) -> dict[str, Any]:
    """uvicorn's default logging config (what ``timeback serve`` and its workers had), each access line ending in
    ``request_id=<its X-Request-Id>`` (``REQUEST_IDS``, put on the logger by ``app.filter_server_logs``), and the
    ``timeback`` loggers' records at ``level`` (uvicorn's names) or above through uvicorn's ``default`` handler, a
    level before each as uvicorn's lines have (they went to ``logging.lastResort``: no level, no way to set one);
    ``timestamps``: each line begins with its time (``TIMESTAMP_FORMAT``). Only plain values: a worker unpickles
    this config before it answers its supervisor's health checks, and a class of ``timeback.server`` in it imported
    the whole server first (a slow worker was killed as hung)."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"]["fmt"] += " request_id=%(request_id)s"
    config["loggers"]["timeback"] = {"handlers": ["default"], "level": LOG_LEVELS[level], "propagate": False}
    if timestamps:
        for formatter in config["formatters"].values():
            formatter["fmt"] = TIMESTAMP_FORMAT + formatter["fmt"]
            formatter["datefmt"] = TIMESTAMP_DATE_FORMAT
    if sys.stdout is None:
        config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    # Each formatter coloured as its own stream is a terminal: uvicorn's asked sys.stdout's isatty() for both (stderr
    # into a file coloured when stdout was a terminal; `serve >&-`: a traceback). NO_COLOR and TERM=dumb: never.
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    for handler in config["handlers"].values():
        stream = sys.stderr if handler["stream"] == "ext://sys.stderr" else sys.stdout
        config["formatters"][handler["formatter"]]["use_colors"] = not plain and _is_terminal(stream)
    return config


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and bool(stream.isatty())
    except (OSError, ValueError):  # (closed)
        return False
