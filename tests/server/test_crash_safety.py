"""Crash safety: ``timeback serve`` on a SQLite file is SIGKILLed (or stopped with SIGTERM, which lets it finish
what it is doing) while batches of results stream in, and restarted on the same file, a few times over.

Checked after every restart: each batch is stored whole or not at all (never part of one); every batch the server
acknowledged is stored; every stored record equals what was sent (plus the fields the server adds); SQLite's
``PRAGMA integrity_check`` answers ok and every row's JSON parses.

``TIMEBACK_CRASH_KILLS`` (default 3) sets how many kills: more of them land inside SQLite's commit, which is a few
milliseconds of a batch's time.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest

from tests.support import Roster, line_item_body, make_roster, result_body
from timeback import Timeback

GB = "/ims/oneroster/gradebook/v1p2"
CLIENT_ID, CLIENT_SECRET = "crash-client", "crash-secret"
BATCH = 200
KILLS = int(os.environ.get("TIMEBACK_CRASH_KILLS", "3"))  # the report's figures: a run with 20
ADDED_BY_SERVER = {"status", "dateLastModified", "class"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    """``timeback serve`` as a child process on ``database``; its output goes to ``log``."""

    def __init__(self, database: Path, log: TextIO, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["serve", "--port", str(self.port), "--database", f"sqlite:///{database}",
                "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--workers", str(workers)]  # fmt: skip
        command = [sys.executable, "-c", "from timeback._cli import main; main()", *args]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            assert self.process.poll() is None, "timeback serve exited at start"
            assert time.monotonic() < deadline, "timeback serve did not answer /health"
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)

    def headers(self) -> dict[str, str]:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        answer = httpx.post(f"{self.url}/oauth2/token", data=form)
        assert answer.status_code == 200, (answer.status_code, answer.text)  # (seen once under load: not a token)
        return {"Authorization": "Bearer " + answer.json()["access_token"]}

    def kill(self, how: signal.Signals = signal.SIGKILL) -> None:
        self.process.send_signal(how)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Stream:
    """Batches sent to one server process, and what became of each."""

    sent: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # batch id -> its records
    outcome: dict[str, str] = field(default_factory=dict)  # batch id -> "stored" (201) or what went wrong
    seconds: list[float] = field(default_factory=list)  # how long each acknowledged batch took
    sending: threading.Event = field(default_factory=threading.Event)


def post_batches(server: Serve, roster: Roster, line_item: str, run: int, stream: Stream) -> None:
    url = f"{server.url}{GB}/classes/{roster.class_}/academicSessions/{roster.term}/results"
    rng = random.Random(run)
    with httpx.Client(headers=server.headers(), timeout=30) as http:
        for number in range(10_000):
            batch_id = f"run{run}-batch{number:04d}"
            records = [
                result_body(line_item, rng.choice(roster.students), f"{batch_id}-{i:03d}",
                            score=float(rng.randrange(101)), comment=f"{batch_id} #{i} " + "x" * rng.randrange(200))
                for i in range(BATCH)
            ]  # fmt: skip
            stream.sent[batch_id] = records
            stream.sending.set()
            began = time.monotonic()
            try:
                response = http.post(url, json={"results": records})
            except httpx.TransportError as exc:
                stream.outcome[batch_id] = f"no answer ({type(exc).__name__})"
                return
            stream.seconds.append(time.monotonic() - began)
            stream.outcome[batch_id] = "stored" if response.status_code == 201 else f"status {response.status_code}"
            if response.status_code != 201:
                return


def stored_results(server: Serve) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=server.url, headers=server.headers(), timeout=60) as http:
        offset = 0
        while True:
            page = http.get(f"{GB}/results/", params={"limit": 3000, "offset": offset})
            assert page.status_code == 200, page.text
            body = page.json()
            found.update((r["sourcedId"], r) for r in body["results"])
            offset += len(body["results"])
            if not body["results"] or offset >= body["totalCount"]:
                return found


def check_file(database: Path) -> int:
    """``PRAGMA integrity_check`` on the file, read-only beside the running server, and every row's JSON parses.
    The row count."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = db.execute("SELECT sourced_id, data FROM results").fetchall()
    finally:
        db.close()
    for sourced_id, data in rows:
        assert json.loads(data)["sourcedId"] == sourced_id
    return len(rows)


def check_batches(server: Serve, streams: list[Stream]) -> Counter[str]:
    stored = stored_results(server)
    tally: Counter[str] = Counter()
    for stream in streams:
        for batch_id, records in stream.sent.items():
            present = [r for r in records if r["sourcedId"] in stored]
            assert len(present) in (0, len(records)), f"{batch_id}: {len(present)} of {len(records)} stored"
            outcome = stream.outcome.get(batch_id, "never answered")
            if outcome == "stored":
                assert present, f"{batch_id} was acknowledged but is gone"
            tally[f"{outcome}: {'whole' if present else 'absent'}"] += 1
            for sent in present:
                record = stored[sent["sourcedId"]]
                assert {k: record.get(k) for k in sent} == sent, record
                assert record.keys() - sent.keys() <= ADDED_BY_SERVER, record
    sent_ids = {r["sourcedId"] for stream in streams for records in stream.sent.values() for r in records}
    assert stored.keys() <= sent_ids  # nothing stored that was not sent
    return tally


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize(("how", "workers"), [("SIGKILL", 1), ("SIGTERM", 1), ("SIGTERM", 2)])
def test_a_server_stopped_mid_stream_leaves_whole_batches_and_a_sound_file(
    tmp_path: Path, how: str, workers: int
) -> None:
    """SIGTERM (also to ``serve --workers 2``'s supervisor, which passes it on) stops gracefully: a batch being
    stored is answered before the server exits, so none is stored without its answer arriving."""
    database = tmp_path / "crash.db"
    rng = random.Random(7)
    streams: list[Stream] = []
    started = time.monotonic()
    with open(tmp_path / "serve.log", "w") as log:
        server = Serve(database, log, workers)
        try:
            with Timeback(base_url=server.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
                roster = make_roster(client)
                line_item = "crash-line-item"
                client.oneroster.gradebook.post_line_items_for_class(
                    class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
                )
            tally: Counter[str] = Counter()
            for run in range(KILLS):
                stream = Stream()
                streams.append(stream)
                poster = threading.Thread(target=post_batches, args=(server, roster, line_item, run, stream))
                poster.start()
                # Let a few batches land, then kill while one is on its way: at a random point of the time a batch
                # takes, so some kills land before the commit and some after it (the answer then never arrives).
                deadline = time.monotonic() + 10
                while sum(o == "stored" for o in stream.outcome.values()) < 2 and time.monotonic() < deadline:
                    time.sleep(0.01)
                stream.sending.clear()
                assert stream.sending.wait(timeout=10)
                time.sleep(rng.uniform(0.2, 1.2) * sum(stream.seconds) / len(stream.seconds))
                server.kill(getattr(signal, how))
                poster.join(timeout=30)
                assert not poster.is_alive()
                server = Serve(database, log, workers)  # the restart recovers the file as SQLite left it
                tally = check_batches(server, streams)
                rows = check_file(database)
                print(f"\n{how} {run + 1}: {rows} rows on file, batches {dict(tally)}")
        finally:
            server.stop()
    elapsed = time.monotonic() - started
    batches = sum(len(s.sent) for s in streams)
    print(f"crash safety: {KILLS} times {how}, {batches} batches of {BATCH} sent, {dict(tally)}, {elapsed:.1f} s")
    assert sum(n for outcome, n in tally.items() if outcome.startswith("stored")) >= 2 * KILLS
    if how == "SIGTERM":
        assert not [outcome for outcome in tally if outcome.endswith(": whole") and not outcome.startswith("stored")]


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs SIGTERM")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_server_stopped_gracefully_closes_its_database_file(tmp_path: Path, workers: int) -> None:
    """SIGTERM: ``timeback serve`` (each worker, with ``--workers``) closes the database it opened before it exits,
    as ``LocalServer.stop`` does, so the WAL is copied into the file and removed: the file alone holds every
    record (a copy of it taken after the stop is whole), and no ``-wal`` or ``-shm`` is left beside it."""
    database = tmp_path / "stopped.db"
    with open(tmp_path / "serve.log", "w") as log:
        server = Serve(database, log, workers)
        try:
            with httpx.Client(base_url=server.url, headers=server.headers(), timeout=30) as http:
                for n in range(20):
                    answer = http.put(f"{GB}/categories/c{n}", json={"category": {"title": f"T{n}"}})
                    assert answer.status_code == 201, answer.text
        finally:
            server.stop()
    assert server.process.returncode is not None
    left = sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("stopped.db"))
    assert left == ["stopped.db", *(["stopped.db-logins"] if workers > 1 else []), "stopped.db-writer"]
    copy = tmp_path / "copy.db"
    copy.write_bytes(database.read_bytes())
    db = sqlite3.connect(copy)
    try:
        assert db.execute("SELECT count(*) FROM categories").fetchone() == (20,)
    finally:
        db.close()


def test_a_local_server_whose_port_is_taken_names_the_address_in_its_oserror() -> None:
    # (a bare "OSError: [Errno 98] Address already in use" named no port; still an OSError of that errno)
    import errno

    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as refused:
            LocalServer(ServerSettings(client_id="c", client_secret="s"), port=port)
    assert refused.value.errno == errno.EADDRINUSE
    assert str(refused.value).startswith(f"[Errno {errno.EADDRINUSE}] cannot listen on 127.0.0.1:{port}: "), (
        refused.value
    )


def test_a_server_that_fails_to_start_closes_the_database_it_opened(tmp_path: Path) -> None:
    """A start that fails after the database was opened (a seed that does not load, a port taken) closes it at
    once, as a stop does: no ``-wal`` or ``-shm`` is left beside it while the process goes on (they stayed, with
    the file open, until the process ended)."""
    from timeback.server import ServerSettings, create_app
    from timeback.server.runner import LocalServer
    from timeback.server.seed import SeedError

    seed = tmp_path / "seed.json"
    seed.write_text('{"users": [{"givenName": "no roles"}]}')
    with pytest.raises(SeedError):
        create_app(ServerSettings(database=f"sqlite:///{tmp_path / 'seeded.db'}", seed=str(seed)))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = ServerSettings(database=f"sqlite:///{tmp_path / 'taken.db'}", client_id="c", client_secret="s")
        with pytest.raises(OSError, match="in use"):
            LocalServer(settings, port=taken.getsockname()[1])
    assert sorted(path.name for path in tmp_path.iterdir() if ".db" in path.name) == [
        "seeded.db", "seeded.db-writer", "taken.db", "taken.db-writer"
    ]  # fmt: skip
