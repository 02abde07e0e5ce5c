"""``LocalServer.reset()``: a running server emptied between tests, its clients and tokens still good."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.server.test_concurrency import bearer
from tests.support import line_item_body, make_roster, result_body
from timeback import Timeback
from timeback._demo import CLASS, STUDENTS, demo_roster
from timeback.errors import AuthError, RateLimitError
from timeback.server import ServerSettings
from timeback.server.auth import FailureLimiter
from timeback.server.runner import LocalServer
from timeback.server.seed import SeedError

GB = "/ims/oneroster/gradebook/v1p2"
IDS = {"school": "school-r", "term": "term-r", "course": "course-r", "class": "class-r", "category": "cat-r",
       "scale": "scale-r"}  # fmt: skip
STUDENTS_R = ["stu-r-1", "stu-r-2"]


def _stored_rows(server: LocalServer) -> int:
    """Every row of every record table, ``tobedeleted`` ones too."""
    storage = server.app.state.storage
    with storage._read() as conn:
        return sum(conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one() for name in storage.tables)


def _post_results(server: LocalServer, headers: dict[str, str], ids: list[str]) -> httpx.Response:
    results = [result_body("li-r", STUDENTS_R[0], sourced_id) for sourced_id in ids]
    return httpx.post(f"{server.url}{GB}/lineItems/li-r/results", json={"results": results}, headers=headers)


@pytest.mark.parametrize("database", ["memory", "file"])
def test_reset_empties_every_collection_and_keeps_clients_and_tokens(tmp_path: Path, database: str) -> None:
    url = "sqlite://" if database == "memory" else f"sqlite:///{tmp_path / 'reset.db'}"
    settings = ServerSettings(database=url, client_id="c", client_secret="s")
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        headers = bearer(server)  # (a token issued before the reset)
        gb = client.oneroster.gradebook

        def fill() -> None:
            roster = make_roster(client, ids=IDS, students=STUDENTS_R)
            gb.post_line_items_for_class(class_sourced_id=roster.class_,
                                         lineItems=[line_item_body(roster, "li-r")])  # fmt: skip
            answer = _post_results(server, headers, ["res-r-1", "res-r-2"])
            assert answer.status_code == 201, answer.text
            gb.delete_result(sourced_id="res-r-2")  # (a tobedeleted row: its id taken all the same)

        fill()
        assert _post_results(server, headers, ["res-r-2"]).status_code == 409
        server.reset()
        assert _stored_rows(server) == 0
        assert gb.get_all_results(limit=1).total_count == 0
        assert gb.get_all_line_items(limit=1).total_count == 0
        assert client.oneroster.rostering.get_all_users(limit=1).total_count == 0
        assert client.oneroster.rostering.get_all_schools(limit=1).total_count == 0
        # A reference to a record the reset removed is unknown again (not taken as known from before).
        body = {"result": result_body("li-r", STUDENTS_R[0])}
        answer = httpx.put(f"{server.url}{GB}/results/res-r-3", json=body, headers=headers)
        assert answer.status_code == 422 and "Unknown reference" in answer.text, answer.text
        # The same sourcedIds are created again, by the client and the token from before the reset.
        fill()
        assert gb.get_all_results(limit=10).total_count == 1  # (res-r-2 deleted again)


def test_a_reset_by_another_server_on_the_file_makes_its_removed_ids_unknown_to_this_one(tmp_path: Path) -> None:
    """Two servers on one file (as ``serve --workers`` processes are): the ids one server found to exist are
    forgotten when the other resets the file. (The second kept them, and stored results naming a student and a line
    item that no longer existed: 201, while its listings showed no users.)"""
    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'two.db'}", client_id="c", client_secret="s")
    with LocalServer(settings) as resetting, LocalServer(settings) as writing:
        with Timeback(**resetting.client_kwargs()) as client:
            roster = make_roster(client, ids=IDS, students=STUDENTS_R)
            client.oneroster.gradebook.post_line_items_for_class(
                class_sourced_id=roster.class_, lineItems=[line_item_body(roster, "li-r")]
            )
        headers = bearer(writing)
        assert _post_results(writing, headers, ["res-r-1"]).status_code == 201  # (its student and line item known)
        resetting.reset()
        body = {"result": result_body("li-r", STUDENTS_R[0])}
        answer = httpx.put(f"{writing.url}{GB}/results/res-r-2", json=body, headers=headers)
        assert answer.status_code == 422 and "Unknown reference" in answer.text, answer.text
        assert _post_results(writing, headers, ["res-r-3"]).status_code == 404  # (its line item: gone)


def test_reset_reloads_the_seed(tmp_path: Path) -> None:
    seed = tmp_path / "roster.json"
    seed.write_text(json.dumps(demo_roster()))
    with LocalServer(ServerSettings(seed=str(seed))) as server, Timeback(**server.client_kwargs()) as client:
        ro = client.oneroster.rostering
        started = _stored_rows(server)
        ro.delete_user(sourced_id=STUDENTS[0][0])
        client.oneroster.gradebook.put_category(sourced_id="extra", category={"title": "Extra"})
        server.reset()
        assert _stored_rows(server) == started
        assert [u.sourcedId for u in ro.get_students_for_class(class_sourced_id=CLASS)] == [s for s, _, _ in STUDENTS]
        assert "extra" not in {c.sourcedId for c in client.oneroster.gradebook.get_all_categories()}


def test_a_reset_whose_seed_no_longer_loads_changes_nothing(tmp_path: Path) -> None:
    seed = tmp_path / "roster.json"
    seed.write_text(json.dumps(demo_roster()))
    with LocalServer(ServerSettings(seed=str(seed))) as server:
        started = _stored_rows(server)
        seed.write_text(json.dumps({"widgets": []}))
        with pytest.raises(SeedError, match="widgets"):
            server.reset()
        assert _stored_rows(server) == started


@pytest.mark.parametrize("database", ["memory", "file"])
def test_reset_while_writes_are_served_answers_no_error(tmp_path: Path, database: str) -> None:
    url = "sqlite://" if database == "memory" else f"sqlite:///{tmp_path / 'busy.db'}"
    with LocalServer(ServerSettings(database=url, client_id="c", client_secret="s")) as server:
        headers = bearer(server)
        stop = threading.Event()
        statuses: list[int] = []

        def write(number: int) -> None:
            with httpx.Client(base_url=server.url, headers=headers) as http:
                count = 0
                while not stop.is_set():
                    count += 1
                    body = {"category": {"title": "T"}}
                    statuses.append(http.put(f"{GB}/categories/w{number}-{count}", json=body).status_code)

        writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in writers:
            thread.start()
        try:
            while len(statuses) < 20 and any(thread.is_alive() for thread in writers):
                threading.Event().wait(0.005)
            for _ in range(10):
                server.reset()
                threading.Event().wait(0.005)
        finally:
            stop.set()
            for thread in writers:
                thread.join()
        assert set(statuses) == {201}, sorted(set(statuses))
        server.reset()
        assert _stored_rows(server) == 0


def test_reset_forgets_failed_token_requests_so_a_test_of_a_wrong_secret_locks_no_later_test_out() -> None:
    settings = ServerSettings(client_id="c", client_secret="s", token_max_failures=2)
    with LocalServer(settings) as server:
        wrong = Timeback(**{**server.client_kwargs(), "client_secret": "wrong"}, max_retries=0)
        right = Timeback(**server.client_kwargs(), max_retries=0)
        with wrong, right:
            for _ in range(2):
                with pytest.raises(AuthError):
                    wrong.oneroster.gradebook.get_all_categories(limit=1)
            with pytest.raises(RateLimitError):  # (the client id locked, right secret or not)
                right.oneroster.gradebook.get_all_categories(limit=1)
            server.reset()
            assert right.oneroster.gradebook.get_all_categories(limit=1).total_count == 0
            for _ in range(2):  # (counted anew: the limit still holds)
                with pytest.raises(AuthError):
                    wrong.oneroster.gradebook.get_all_categories(limit=1)
            with pytest.raises(RateLimitError):
                wrong.oneroster.gradebook.get_all_categories(limit=1)


def test_clearing_a_failure_table_shared_by_workers_clears_it_for_every_worker(tmp_path: Path) -> None:
    path = str(tmp_path / "failed-logins")
    FailureLimiter.new_shared_file(path, buckets=16)
    one, other = (FailureLimiter(1, 60, buckets=16, clock=time.time, shared_file=path) for _ in range(2))
    try:
        assert one.attempt("c", lambda: None) == (None, None)  # (a wrong secret, counted)
        assert other.attempt("c", lambda: "token")[0] is not None  # (locked for the other worker too)
        one.clear()
        assert other.attempt("c", lambda: "token") == (None, "token")
    finally:
        one.close()
        other.close()


def test_a_stopped_server_cannot_be_reset() -> None:
    server = LocalServer(ServerSettings())
    server.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        server.reset()


def test_reset_reads_a_relative_seed_path_from_where_the_server_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (read again from the directory of the moment: a test that had changed directory got "cannot read")
    (tmp_path / "roster.json").write_text(json.dumps(demo_roster()))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    with LocalServer(ServerSettings(seed="roster.json")) as server:
        started = _stored_rows(server)
        monkeypatch.chdir(tmp_path / "elsewhere")
        server.reset()
        assert _stored_rows(server) == started


def test_reset_forgets_the_newest_stamp_as_a_new_server_has_none() -> None:
    """A test that wrote under a clock set ahead (2030) left its stamp as the floor of every later one: after the
    reset, a test freezing the clock at 2024 had its records stamped 2030, passing alone and failing after the other
    (from a run of test suites that freeze the clock). The data gone, its stamps go too; between two resets they
    still never go back."""
    from freezegun import freeze_time

    with LocalServer(ServerSettings()) as server, Timeback(**server.client_kwargs()) as client:
        gb = client.oneroster.gradebook

        def stamped(sourced_id: str) -> str:
            gb.put_category(sourced_id=sourced_id, category={"title": "Quizzes"})
            return str(gb.get_category(sourced_id=sourced_id).category.dateLastModified)

        with freeze_time("2030-01-01 12:00:00"):
            assert stamped("c-2030").startswith("2030-01-01T12:00:00")
        with freeze_time("2024-09-05 10:00:00"):
            assert stamped("c-2024").startswith("2030-01-01T12:00:00")  # (never back, within one run)
            server.reset()
            assert stamped("c-2024").startswith("2024-09-05T10:00:00")
