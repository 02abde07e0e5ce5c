"""The time limit of reads (``ServerSettings.query_timeout_seconds``): a listing running past it is stopped inside
SQLite (its progress handler) and answered 504 with an imsx_StatusInfo body; the server answers the next request as
usual. No timed assertions: the slow listing is a 100-predicate ``~`` filter over a few thousand users whose names
are long, under a limit of 1 s (or none): the slow filter takes several seconds, the next requests (a page, a read,
an indexed filter) milliseconds, well under it even on a loaded machine. (At 0.05 s, and then at 0.5 s, a narrow
``~`` filter after the 504, a scan of every row, met the limit too in a clean-clone run under load; and the slow
filter, over names 25 times shorter, had come down to about the limit itself.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from timeback import Timeback
from timeback.errors import ServerError
from timeback.server import ServerSettings
from timeback.server.collections import COLLECTIONS
from timeback.server.runner import LocalServer

USERS = "/ims/oneroster/rostering/v1p2/users"
ROWS = 4000
SLOW_FILTER = " OR ".join(f"givenName~'absent-{i}'" for i in range(100))  # (every row read, every needle looked for)


def _fill(server: LocalServer, padding: int = 200) -> None:
    stamp = "2026-12-01T00:00:00.000Z"
    records = [
        {"sourcedId": f"user-{i:05d}", "status": "active", "dateLastModified": stamp, "enabledUser": True,
         "givenName": f"Given {i} " + "x" * padding, "familyName": f"Family {i}", "roles": []}
        for i in range(ROWS)
    ]  # fmt: skip
    with server.app.state.storage.transaction() as tx:
        tx.insert(COLLECTIONS["users"], records)


def _http(server: LocalServer) -> httpx.Client:
    kwargs = server.client_kwargs()
    token = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(kwargs["client_id"], kwargs["client_secret"]),
    ).json()["access_token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


@pytest.fixture(params=["memory", "file"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return "sqlite://" if request.param == "memory" else f"sqlite:///{tmp_path / 'slow.db'}"


@pytest.fixture
def limited(database: str) -> Iterator[LocalServer]:
    with LocalServer(ServerSettings(database=database, query_timeout_seconds=1.0)) as server:
        _fill(server, padding=5000)  # (the slow filter alone: about 7 s here, where the limit stops it at 1)
        yield server


def test_a_listing_past_the_limit_is_504_and_the_server_goes_on(limited: LocalServer) -> None:
    with _http(limited) as http:
        slow = http.get(USERS, params={"filter": SLOW_FILTER, "limit": 3000})
        assert slow.status_code == 504, slow.text
        body: dict[str, Any] = slow.json()
        assert body["imsx_codeMajor"] == "failure"
        assert "time limit" in body["imsx_description"] and "nothing was changed" in body["imsx_description"]
        assert "Retry-After" not in slow.headers
        # the same server, the next requests: as usual (a listing, a read, a write)
        page = http.get(USERS, params={"limit": 5, "offset": 10})
        assert page.status_code == 200, page.text
        assert [u["sourcedId"] for u in page.json()["users"]] == [f"user-{i:05d}" for i in range(10, 15)]
        assert int(page.headers["X-Total-Count"]) == ROWS
        assert http.get(f"{USERS}/user-00007").status_code == 200
        narrow = http.get(USERS, params={"filter": "sourcedId='user-00012'", "limit": 10})
        assert narrow.status_code == 200 and [u["sourcedId"] for u in narrow.json()["users"]] == ["user-00012"]


def test_the_sdk_does_not_retry_the_servers_own_time_limit(limited: LocalServer) -> None:
    """A 504 with the server's imsx body (not a gateway's) says the query itself is too slow: a retry would only
    run it again (three times the load of a runaway filter, with the default max_retries)."""
    with Timeback(**limited.client_kwargs(), max_retries=2) as client, pytest.raises(ServerError) as caught:
        client.oneroster.rostering.get_all_users(filter=SLOW_FILTER, limit=3000)
    assert caught.value.status_code == 504 and caught.value.retries_taken == 0
    assert "not retried" in str(caught.value)


@pytest.mark.parametrize("limit", [0, None, float("inf")])
def test_no_limit_lets_the_slow_listing_finish(limit: float | None) -> None:
    with LocalServer(ServerSettings(query_timeout_seconds=limit)) as server, _http(server) as http:
        _fill(server)
        answer = http.get(USERS, params={"filter": SLOW_FILTER, "limit": 3000})
        assert answer.status_code == 200, answer.text
        assert answer.json()["users"] == []
        # (no limit: none described; "a time limit of inf s" was)
        assert "504" not in http.get("/openapi.json").json()["paths"][f"{USERS}/"]["get"]["responses"]
