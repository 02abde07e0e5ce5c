"""``timeback serve --workers N``: several server processes on one database file, as users run them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench._serve import ServeProcess
from bench.bulk import district_seed, result

from tests.support import child_environment, uid
from timeback import Timeback
from timeback.server.auth import ALL_SCOPES, FailureLimiter, TokenStore
from timeback.server.storage import WouldWait, open_storage, sql, without_waiting

GB = "/ims/oneroster/gradebook/v1p2"
SEED = district_seed(4)  # four line items (li-0 .. li-3), 1,000 students (stu-0 ..)


def _serve(tmp_path: Path, *options: str) -> ServeProcess:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED))
    return ServeProcess(tmp_path / "workers.db", "--seed", str(seed), "--workers", "2", *options)


def _token(server: ServeProcess) -> str:
    kwargs = server.client_kwargs()
    form = {
        "grant_type": "client_credentials",
        "client_id": kwargs["client_id"],
        "client_secret": kwargs["client_secret"],
    }
    token: str = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
    return token


def test_both_workers_answer_and_accept_a_token_either_issued(tmp_path: Path) -> None:
    with _serve(tmp_path) as server:
        headers = {"Authorization": f"Bearer {_token(server)}"}
        processes: set[str] = set()  # request ids start with a prefix of their server process
        for _ in range(60):
            with httpx.Client(base_url=server.url, headers=headers) as fresh:  # a new connection each time
                response = fresh.get(f"{GB}/lineItems/")
                assert response.status_code == 200, response.text
                assert response.json()["totalCount"] == 4
                processes.add(response.headers["x-request-id"][:16])
            if len(processes) == 2:
                break
        assert len(processes) == 2


def test_a_bulk_upload_across_workers_stores_every_result_once(tmp_path: Path) -> None:
    rows = [{"sourcedId": f"w-res-{i}", **result(i % 4, i % 1000, i % 100)} for i in range(4000)]
    with _serve(tmp_path) as server, Timeback(**server.client_kwargs()) as client:
        summary = client.oneroster.gradebook.bulk_post_results(rows, batch_size=250, concurrency=8)
        assert summary.ok and summary.stored == 4000, summary.failures[:3]
        stored = {r.sourcedId: r.score for r in client.oneroster.gradebook.get_all_results(limit=3000)}
        assert stored == {row["sourcedId"]: row["score"] for row in rows}
        again = client.oneroster.gradebook.bulk_post_results(rows[:10], batch_size=10)
        assert again.stored == 0 and "already exists" in again.failures[0].reason


@pytest.mark.parametrize("when", ["serving", "starting"])
def test_workers_stop_when_their_supervisor_is_killed(tmp_path: Path, when: str) -> None:
    """``kill -9`` of ``serve --workers 2`` leaves no worker serving its port: neither once they serve, nor when it
    dies while they are still starting (a worker must not take its new parent for its supervisor)."""
    import signal
    import socket

    from bench._serve import _descendants

    server = _serve(tmp_path)
    process = subprocess.Popen(server.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60  # (hang guards, not timings)
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:  # (uvicorn's workers and multiprocessing's tracker)
            workers = _descendants(process.pid)
            if when == "serving" and workers:
                try:
                    workers = workers if httpx.get(f"{server.url}/health", timeout=1).status_code == 200 else []
                except httpx.TransportError:
                    workers = []
            time.sleep(0.01)
        workers = _descendants(process.pid)
        os.kill(process.pid, signal.SIGKILL)  # (no chance to stop its workers)
        process.wait()
        while (alive := [pid for pid in workers if _alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive == [], [open(f"/proc/{pid}/cmdline").read() for pid in alive]
    finally:  # (a failure above leaves no server running into the next test)
        if process.poll() is None:
            process.kill()
            process.wait()
    with socket.socket() as sock:  # the port is free for a restart (bound as uvicorn binds: past TIME_WAIT)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", server.port))


def test_a_worker_that_dies_is_a_warning_line(tmp_path: Path) -> None:
    """uvicorn says a worker died at INFO only ("Child process [pid] died"): at ``--log-level warning``, where an
    operator alerts on WARNING and ERROR, a worker the system killed (for memory, say) left no line at all."""
    import signal

    from bench._serve import _descendants

    with _serve(tmp_path, "--log-level", "warning") as server:
        assert server.process is not None
        deadline = time.monotonic() + 60  # (hang guards, not timings)
        workers = [pid for pid in _descendants(server.process.pid) if "resource_tracker" not in _cmdline(pid)]
        os.kill(workers[0], signal.SIGKILL)
        said = f"WARNING:  worker process [{workers[0]}] ended (exit code -9); process ["
        while said not in server.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert said in server.output(), server.output()
        assert "INFO" not in server.output()
        assert httpx.get(f"{server.url}/health").status_code == 200


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as f:
            return f.read()
    except FileNotFoundError:
        return ""


_WINDOWS_WORKER = """
import multiprocessing, os, signal, sys, time

def worker(stopped):
    from timeback.server.app import _stop_when_orphaned

    parent = os.getppid()
    os.getppid = lambda: parent  # (Windows: a dead parent's id, no process takes the orphan over)
    os.name = "nt"
    signal.signal(signal.SIGTERM, lambda *_: (open(stopped, "w").close(), os._exit(0)))  # (uvicorn's, standing)
    _stop_when_orphaned(parent, every_seconds=0.05)
    open(stopped + "-watching", "w").close()
    for _ in range(600):  # (left running: gone in 30 s all the same)
        time.sleep(0.05)

if __name__ == "__main__":
    multiprocessing.get_context("spawn").Process(target=worker, args=(sys.argv[1],)).start()
    time.sleep(60)
"""


def test_a_worker_on_windows_stops_when_its_supervisor_is_killed(tmp_path: Path) -> None:
    """A worker spawned by uvicorn's supervisor, with Windows' os.getppid (it keeps the dead parent's id there): it
    watched for the id to change, forever, and kept serving the port."""
    import signal

    script, stopped = tmp_path / "supervisor.py", tmp_path / "stopped"
    script.write_text(_WINDOWS_WORKER)
    supervisor = subprocess.Popen([sys.executable, str(script), str(stopped)], env=child_environment())
    try:
        deadline = time.monotonic() + 30  # (hang guards, not timings)
        while not Path(f"{stopped}-watching").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(supervisor.pid, signal.SIGKILL)
        supervisor.wait()
        while not stopped.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stopped.exists()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"  # (a zombie has stopped)
    except FileNotFoundError:
        return False


def test_a_restart_voids_the_tokens_issued_before(tmp_path: Path) -> None:
    with _serve(tmp_path) as server:
        token = _token(server)
    with ServeProcess(tmp_path / "workers.db", "--workers", "2") as restarted:
        answer = httpx.get(f"{restarted.url}{GB}/lineItems/", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401


def test_a_server_started_on_the_same_file_with_another_client_leaves_the_tokens_of_the_first(
    tmp_path: Path,
) -> None:
    # (two servers with workers on one file, say a full client and a read-only one: starting the second deleted every
    # shared token, and the first's workers that had not issued one answered its holder 401)
    with _serve(tmp_path) as first:
        token = _token(first)
        other = ("--client-id", "another-client", "--client-secret", "another-secret", "--scopes", "gradebook.readonly")
        with ServeProcess(tmp_path / "workers.db", "--workers", "2", *other):
            answers: dict[str, int] = {}  # status by server process (request ids start with a prefix of it)
            for _ in range(60):
                with httpx.Client(base_url=first.url, headers={"Authorization": f"Bearer {token}"}) as fresh:
                    response = fresh.get(f"{GB}/lineItems/")  # (a new connection each time: either worker answers)
                answers[response.headers["x-request-id"][:16]] = response.status_code
                if len(answers) == 2:
                    break
    assert list(answers.values()) == [200, 200], answers


@pytest.mark.parametrize(
    ("options", "message"),
    [(["--database", "sqlite://"], "need a database file"), (["--faults", "429=0.1"], "fault injection")],
)
def test_workers_refuse_what_cannot_be_shared(options: list[str], message: str) -> None:
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--workers", "2", *options]
    # (the tree under test, not an installed timeback: the interpreter's PYTHONPATH)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=child_environment(COLUMNS="200"))
    assert done.returncode == 2 and message in done.stderr


@pytest.mark.parametrize("database", ["sqlite://", "sqlite:///:memory:"])
def test_settings_with_workers_refuse_a_database_in_memory(tmp_path: Path, database: str) -> None:
    """As ``serve --workers`` does: a database in memory has no file to share (their failed-login table was then
    named after none, "None-logins" in the current directory, and unrelated servers shared its counts)."""
    from timeback.server import ServerSettings

    with pytest.raises(ValueError, match=r"^workers=2: several workers need a database file, not in-memory"):
        ServerSettings(database=database, workers=2)
    ServerSettings(database=f"sqlite:///{tmp_path / 'file.db'}", workers=2)


def test_a_local_server_with_workers_in_a_missing_directory_says_so_as_one_without(tmp_path: Path) -> None:
    """Its failed-login file is made anew before the database opens: in a missing directory that failed first,
    with an error naming a hidden temporary file rather than where the database cannot go."""
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    database = f"sqlite:///{tmp_path / 'missing' / 'x.db'}"
    with pytest.raises(FileNotFoundError, match=r"cannot make files in .*missing \(SQLite's -wal and -shm"):
        LocalServer(ServerSettings(database=database, workers=2))


def test_a_local_server_with_workers_counts_failed_logins_from_zero_when_started_again(tmp_path: Path) -> None:
    """Its failed-login table is a file next to the database, made anew as the server starts, as ``serve
    --workers`` makes it: a restarted server refused the right secret for the failures of the run before."""
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'logins.db'}", client_id="c", client_secret="s",
                              workers=2, token_max_failures=2)  # fmt: skip
    form = {"grant_type": "client_credentials", "client_id": "c", "client_secret": "s"}
    with LocalServer(settings) as server:
        for _ in range(2):
            assert httpx.post(f"{server.url}/oauth2/token", data={**form, "client_secret": "x"}).status_code == 401
        assert httpx.post(f"{server.url}/oauth2/token", data=form).status_code == 429
    with LocalServer(settings) as restarted:
        assert httpx.post(f"{restarted.url}/oauth2/token", data=form).status_code == 200


@pytest.mark.parametrize("workers", [2, 1])
def test_a_local_server_started_again_on_its_file_refuses_the_tokens_of_the_run_before(
    tmp_path: Path, workers: int
) -> None:
    """As ``serve`` started again does: a ``LocalServer`` with ``workers`` found the run before's tokens in the file
    and accepted them (one process keeps them in memory only, gone with it)."""
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    settings = ServerSettings(database=f"sqlite:///{tmp_path / 'tokens.db'}", client_id="c", client_secret="s",
                              workers=workers)  # fmt: skip
    form = {"grant_type": "client_credentials", "client_id": "c", "client_secret": "s"}
    with LocalServer(settings) as server:
        token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
        assert httpx.get(f"{server.url}{GB}/lineItems/", headers={"Authorization": f"Bearer {token}"}).is_success
    with LocalServer(settings) as restarted:
        answer = httpx.get(f"{restarted.url}{GB}/lineItems/", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, answer.text


def test_tokens_shared_through_the_database_expire_on_the_wall_clock(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path / 'tokens.db'}")
    known = {"client-a"}
    issuer, other = TokenStore(60, shared=storage, clients=known), TokenStore(60, shared=storage, clients=known)
    scopes = frozenset(ALL_SCOPES.split())
    token = issuer.issue("client-a", scopes)
    grant = other.check(token)
    assert grant is not None and grant.client_id == "client-a" and grant.scopes == scopes
    assert TokenStore(60).check(token) is None and other.check(token + "x") is None
    assert TokenStore(60, shared=storage, clients={"client-b"}).check(token) is None  # another server's client
    short = TokenStore(0, shared=storage, clients=known).issue("client-a", scopes)  # expired as soon as issued
    assert other.check(short) is None
    storage.forget_tokens("client-a")
    assert TokenStore(60, shared=storage, clients=known).check(token) is None
    storage.close()


def test_tokens_shared_through_the_database_are_capped_too(tmp_path: Path) -> None:
    """The database's table of tokens is held to ``max_tokens`` as well (the newest kept): never expiring, it grew
    by one row a token, and each token issued scanned it whole for expired ones."""
    storage = open_storage(f"sqlite:///{tmp_path / 'tokens.db'}")
    known = {"client-a"}
    issuer = TokenStore(1_000_000_000, shared=storage, clients=known, max_tokens=2)
    issued = [issuer.issue("client-a", frozenset({"admin"})) for _ in range(3)]
    other = TokenStore(1_000_000_000, shared=storage, clients=known, max_tokens=2)
    assert [other.check(token) is not None for token in issued] == [False, True, True]
    storage.close()


def test_failed_token_requests_count_across_workers(tmp_path: Path) -> None:
    """A guesser spreading attempts over the workers gets the limit in all (10 by default), not 10 per worker."""
    with _serve(tmp_path) as server:
        kwargs = server.client_kwargs()
        wrong = {"grant_type": "client_credentials", "client_id": kwargs["client_id"], "client_secret": "wrong"}

        def attempt() -> tuple[int, str]:
            with httpx.Client(base_url=server.url) as fresh:  # a new connection each time: either worker answers
                response = fresh.post("/oauth2/token", data=wrong)
            return response.status_code, response.headers["x-request-id"][:16]

        failed = [attempt() for _ in range(10)]
        assert [status for status, _ in failed] == [401] * 10
        refused = [attempt() for _ in range(30)]
        assert {status for status, _ in refused} == {429}
        assert len({process for _, process in failed + refused}) == 2  # both workers answered
        right = {**wrong, "client_secret": kwargs["client_secret"]}
        assert httpx.post(f"{server.url}/oauth2/token", data=right).status_code == 429  # the right secret too


def test_failed_token_requests_sent_all_at_once_still_get_only_the_limit(tmp_path: Path) -> None:
    """Counted when checked: 60 wrong secrets in flight together, spread over both workers, get 10 answers."""
    with _serve(tmp_path) as server:
        wrong = {"grant_type": "client_credentials", "client_id": server.client_kwargs()["client_id"],
                 "client_secret": "wrong"}  # fmt: skip

        def attempt(_: int) -> int:
            with httpx.Client(base_url=server.url) as fresh:
                return fresh.post("/oauth2/token", data=wrong).status_code

        with ThreadPoolExecutor(max_workers=30) as pool:
            answers = Counter(pool.map(attempt, range(60)))
        assert answers == Counter({401: 10, 429: 50})


def test_failed_logins_counted_in_one_file_by_every_worker(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite-logins")
    now = [1_000_000.0]
    first = FailureLimiter(3, 60, shared_file=path, clock=lambda: now[0])  # (no file yet: the first worker makes it)
    FailureLimiter.new_shared_file(path, replace=False)  # (a second worker that also found none: the first's stays)
    second = FailureLimiter(3, 60, shared_file=path, clock=lambda: now[0])
    assert first._key == second._key and first._bucket("client-a") == second._bucket("client-a")  # one file
    wrong, right = (lambda: None), (lambda: "scopes")
    assert first.attempt("client-a", wrong) == (None, None) and second.attempt("client-a", right) == (None, "scopes")
    assert second.attempt("client-a", wrong) == (None, None)  # the 2nd failure: a right secret counted nothing
    # A right secret on one worker while another worker checks one: neither is refused for the other.
    checking, other = threading.Event(), []

    def slow_right() -> str:
        checking.set()
        time.sleep(0.2)  # (the other worker's request arrives meanwhile)
        return "scopes"

    beside = threading.Thread(target=lambda: (checking.wait(), other.append(second.attempt("client-a", right))))
    beside.start()
    assert first.attempt("client-a", slow_right) == (None, "scopes")
    beside.join()
    assert other == [(None, "scopes")]
    assert first.attempt("client-a", wrong) == (None, None)  # the 3rd failure
    now[0] += 10
    assert first.attempt("client-a", right) == second.attempt("client-a", right) == (50, None)  # refused by both
    assert first.attempt("client-b", wrong) == (None, None)
    now[0] += 50
    assert second.attempt("client-a", wrong) == (None, None)  # the window has ended: a new one
    assert first._counts[first._bucket("client-a")] == 1
    now[0] -= 3600  # the wall clock set back: a new window, not an hour-long lockout
    assert first.attempt("client-a", wrong) == (None, None) and first._opened[first._bucket("client-a")] == now[0]
    FailureLimiter.new_shared_file(path)  # the server starting again: a new key, every count zero
    third = FailureLimiter(3, 60, shared_file=path, clock=lambda: now[0])
    assert third._key != first._key and not any(third._counts)
    descriptors = [limiter._fd for limiter in (first, second, third)]
    for limiter in (first, second, third):
        limiter.close()
    for fd in descriptors:
        with pytest.raises(OSError):
            os.fstat(fd)


@pytest.mark.parametrize("made_by", ["posix_fallocate", "zeros written"])
def test_the_failed_login_file_has_its_disk_space_when_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made_by: str
) -> None:
    """Every block of the table is allocated as the server starts: made sparse, a count landing on a page never
    written needed a block then, and on a full disk the worker writing it through its map was killed (SIGBUS),
    then the server stopped. (Only the file's allocation is looked at: filling a disk needs a mount, and root.)"""
    if made_by == "zeros written":  # (where there is no posix_fallocate: macOS)
        monkeypatch.delattr(os, "posix_fallocate", raising=False)
    path = tmp_path / "db.sqlite-logins"
    FailureLimiter.new_shared_file(str(path))
    made = path.stat()
    assert made.st_size == 16 + 12 * 65536 and made.st_blocks * 512 >= made.st_size
    limiter = FailureLimiter(3, 60, shared_file=str(path))
    assert limiter.attempt("client-a", lambda: None) == (None, None) and any(limiter._counts)
    limiter.close()


def test_a_line_item_another_program_deletes_is_refused_by_every_worker(tmp_path: Path) -> None:
    """A line item the ``sqlite3`` module deletes while ``serve --workers 2`` runs: every worker refuses a result
    naming it (422), with no listing between. A worker whose last commit came before the other's took the generation
    moved forward for the other's commit alone, and kept the line item among the ids it knew exist (201)."""

    def put(name: str) -> tuple[int, str]:
        body = {"result": {"sourcedId": name, **result(0, 0, 5)}}
        with httpx.Client(base_url=server.url, headers=headers) as fresh:  # (a new connection: either worker)
            response = fresh.put(f"{GB}/results/{name}", json=body)
        return response.status_code, response.headers["x-request-id"][:16]

    with _serve(tmp_path) as server:
        headers = {"Authorization": f"Bearer {_token(server)}"}
        # Both know li-0 exists, the one answering last committed last (the other's own generation is behind)
        answered: set[str] = set()
        for n in range(200):
            status, process = put(f"known-{n}")
            assert status == 201
            answered.add(process)
            if len(answered) == 2:
                break
        assert len(answered) == 2
        with sqlite3.connect(tmp_path / "workers.db") as other:
            other.execute("DELETE FROM lineItems WHERE sourced_id = 'li-0'")
        other.close()
        refused: Counter[str] = Counter()
        for n in range(200):
            status, process = put(f"after-{n}")
            assert status == 422, (n, process, refused)
            refused[process] += 1
            if len(refused) == 2 and min(refused.values()) >= 2:
                break
        assert len(refused) == 2


def test_writers_on_one_file_take_turns_through_the_file_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    first, second = open_storage(url), open_storage(url)  # two open files: as two server processes hold it
    assert first._file_lock is not None and first._file_lock.acquire(True, time.monotonic() + 1)  # no SQLite lock taken
    with pytest.raises(WouldWait), without_waiting(), second.transaction():
        pass
    held, letting_go = first._file_lock, threading.Event()
    threading.Timer(0.3, lambda: (letting_go.set(), held.release())).start()  # (set first: the other may go at once)
    with second.transaction():  # waits for the other to let go, then goes
        assert letting_go.is_set()
    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 200)  # a writer that never lets go: the others give up, as SQLite's
    assert first._file_lock.acquire(True, time.monotonic() + 1)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"), second.transaction():
        pass
    first._file_lock.release()
    first.close()
    second.close()


def test_a_bad_token_is_looked_up_in_the_database_once(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path / 'bad.db'}")
    asked: list[bytes] = []
    real = storage.find_token

    def counting(digest: bytes) -> Any:
        asked.append(digest)
        return real(digest)

    storage.find_token = counting  # type: ignore[method-assign]
    tokens = TokenStore(60, shared=storage)
    for _ in range(5):
        assert tokens.needs_lookup("made-up") is (not asked)
        assert tokens.check("made-up") is None
    assert len(asked) == 1
    storage.close()


def test_serve_logs_requests_only_when_asked(tmp_path: Path) -> None:
    logs: list[str] = []
    for options in ([], ["--access-log"]):
        with ServeProcess(tmp_path / f"log{len(logs)}.db", *options) as server:
            marker = uid("path")
            httpx.get(f"{server.url}/{marker}")
            time.sleep(0.2)
            logs.append("\n".join(line for line in server.output().splitlines() if marker in line))
    assert logs[0] == "" and "GET /path" in logs[1] and "404" in logs[1]


_OPEN_WHEN_TOLD = """
import sys
from timeback.server.storage import open_storage
print("ready", flush=True)
for url in sys.stdin:
    try:
        open_storage(url.strip()).close()
        print("ok", flush=True)
    except Exception as exc:
        print(f"{type(exc).__name__}: {str(exc).splitlines()[0]}", flush=True)
"""


def test_servers_starting_at_once_on_a_new_file_all_open_it(tmp_path: Path) -> None:
    """Three processes open the same brand-new database file at the same moment, ten times over: each opens it.
    (Making the schema took no lock: one's CREATE TABLE met another's, and failed with "database is locked".)"""
    env = child_environment()
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_WHEN_TOLD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(3)
    ]
    try:
        for opener in openers:
            assert opener.stdout is not None and opener.stdout.readline() == "ready\n"
        answers = []
        for n in range(10):
            for opener in openers:  # (each is waiting on its stdin: they start within a millisecond or so)
                assert opener.stdin is not None
                opener.stdin.write(f"sqlite:///{tmp_path / f'new-{n}.db'}\n")
                opener.stdin.flush()
            answers += [opener.stdout.readline().strip() for opener in openers if opener.stdout is not None]
        assert answers == ["ok"] * 30, [answer for answer in answers if answer != "ok"][:3]
    finally:
        for opener in openers:
            opener.kill()
            opener.communicate()


def _second_opens_then_first_fails(monkeypatch: pytest.MonkeyPatch, url: str, *, writing: bool) -> sql.SqlStorage:
    """Two servers open the new file ``url`` at once: the first makes ``<db>-writer``, then, while it makes the
    schema, the second opens the file (and, ``writing``, takes its write lock), and the first fails (its wait timed
    out, say). The second, still open."""
    opened: list[sql.SqlStorage] = []
    make_schema = sql.SqlStorage._make_schema
    first = True

    def second_opens_then_first_fails(self: sql.SqlStorage, engine: Any) -> None:
        nonlocal first
        if not first:
            return make_schema(self, engine)
        first = False
        second = open_storage(url)
        opened.append(second)
        if writing:
            assert second._file_lock is not None and second._file_lock.acquire(False, time.monotonic())
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(sql.SqlStorage, "_make_schema", second_opens_then_first_fails)
    with pytest.raises(sqlite3.OperationalError):
        open_storage(url)
    return opened[0]


def test_a_server_failing_to_open_a_new_file_leaves_the_write_lock_to_those_that_opened_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two servers start on a new file at once: the first makes ``<db>-writer``, the second opens that and the
    database, then the first fails (its wait timed out, say). The second's lock is still the one every later server
    takes: a third's writes wait for it. (The first removed the file it had made: the second held a lock on a file
    no longer there, a third made another, and their writes stopped taking turns.)"""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    second, third = _second_opens_then_first_fails(monkeypatch, url, writing=False), open_storage(url)
    try:
        assert second._file_lock is not None and second._file_lock.acquire(False, time.monotonic())
        with pytest.raises(WouldWait), without_waiting(), third.transaction():
            pass
        second._file_lock.release()
        with without_waiting(), third.transaction():  # (and once it lets go, the third writes at once)
            pass
    finally:
        second.close()
        third.close()


def test_a_server_failing_to_open_a_new_file_while_another_writes_leaves_it_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, with the second server writing (holding the lock) when the first fails: the file the first made is
    in use, so it stays, and a third server's writes wait for the second's. (Removed regardless, the second held a
    lock on a file no longer there while a third made another and wrote at once, beside it.)"""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    second = _second_opens_then_first_fails(monkeypatch, url, writing=True)
    lock = sql._lock_file(str(tmp_path / "new.db"))  # (the lock a third server takes for its writes)
    try:
        assert not lock.acquire(False, time.monotonic())  # (the second's: it writes)
        assert second._file_lock is not None
        second._file_lock.release()
        assert lock.acquire(False, time.monotonic())
    finally:
        lock.close()
        second.close()


@pytest.mark.parametrize(
    "other",
    [{"client_secret": "another-secret"}, {"client_scopes": "gradebook.readonly"}],
    ids=["another-secret", "fewer-scopes"],
)
def test_a_server_on_the_same_file_accepts_only_tokens_of_its_own_client(tmp_path: Path, other: dict[str, str]) -> None:
    """Two servers with workers on one database file (whose tokens are shared through it): a token issued by one is
    not accepted by the other unless the other is configured with the same client, secret and scopes."""
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    mine = {"client_id": "shared-id", "client_secret": "first-secret", "client_scopes": None}
    database = f"sqlite:///{tmp_path / 'two.db'}"
    same = ServerSettings(database=database, workers=2, **mine)
    changed = ServerSettings(database=database, workers=2, **{**mine, **other})
    with LocalServer(same) as first, LocalServer(same) as twin, LocalServer(changed) as second:
        form = {"grant_type": "client_credentials", "client_id": "shared-id", "client_secret": "first-secret"}
        token = httpx.post(f"{first.url}/oauth2/token", data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{twin.url}{GB}/lineItems/", headers=headers).status_code == 200  # (as a worker would)
        answer = httpx.get(f"{second.url}{GB}/lineItems/", headers=headers)
        assert answer.status_code == 401, answer.text
