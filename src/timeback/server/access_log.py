"""uvicorn's access log without secrets in it: its lines hold each request's path with its query string, so a
client that put its ``client_secret`` or a token in a URL (refused, but logged all the same) would have it written
to the log. ``REDACT_QUERY_SECRETS`` writes those parameters' values as ``[redacted]``."""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

# Compared with the name percent-decoded and in lower case: whatever spelling a client chose, the value is hidden.
SECRET_PARAMETERS = frozenset({"client_secret", "access_token", "refresh_token", "password"})
REDACTED = "[redacted]"


def redact_query(path: str) -> str:
    """``path`` (a path with its query, as uvicorn logs it) with the values of ``SECRET_PARAMETERS`` redacted."""
    route, mark, query = path.partition("?")
    if not mark:
        return path
    parameters = query.split("&")
    for index, parameter in enumerate(parameters):
        name, equals, _ = parameter.partition("=")
        if equals and unquote_plus(name).lower() in SECRET_PARAMETERS:
            parameters[index] = f"{name}={REDACTED}"
    return f"{route}?{'&'.join(parameters)}"


class _RedactQuerySecrets(logging.Filter):
    """On the ``uvicorn.access`` logger, whose records' args are (client address, method, path with query, HTTP
    version, status): the path's secret query values redacted. Any other record passes as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], redact_query(args[2]), args[3], args[4])
        return True


REDACT_QUERY_SECRETS = _RedactQuerySecrets()
