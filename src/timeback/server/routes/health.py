from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.exc import DBAPIError

from timeback.server.errors import ApiError, damaged_file, unexpected_error
from timeback.server.storage.base import Closing, FileCorrupt, FileReplaced

router = APIRouter(tags=["health"])


# (a def, not async: the storage's look blocks, in the threadpool; uvicorn sends no body for HEAD)
@router.api_route("/health", methods=["GET", "HEAD"])
def health(request: Request) -> dict[str, str]:
    """Ready: the database file is the one opened and a read on it works (one ``stat`` and one indexed row), and no
    read or write found it damaged, so a 503 here when API calls would fail. Not logged: a probe asks again every
    few seconds, the answer says why."""
    try:
        request.app.state.storage.check()
    except (Closing, FileReplaced) as exc:  # (503s already, as the API answers them)
        raise unexpected_error(exc) from exc
    except FileCorrupt as exc:  # (the API's 500 for it: its requests that touch the damage fail, not all of them)
        raise damaged_file(exc, 503) from exc
    except Exception as exc:
        why = exc.orig if isinstance(exc, DBAPIError) else exc  # (SQLite's words, not the statement)
        raise ApiError(503, f"The database cannot be read: {why}.", code_minor="internal_server_error") from exc
    return {"status": "ok"}
