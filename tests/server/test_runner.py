"""``LocalServer`` left to the garbage collector or to the interpreter's exit: its socket and database closed all
the same (from the pytest-xdist user's run: a server made and never started leaked its socket, and one never stopped
left ``-wal``/``-shm`` beside its file)."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from timeback import Timeback
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer


def beside(database: Path) -> list[str]:
    return sorted(path.name for path in database.parent.iterdir() if path.name.startswith(database.name))


def test_a_server_collected_unstarted_closes_its_socket_and_database_with_a_resource_warning(tmp_path: Path) -> None:
    database = tmp_path / "unstarted.db"
    server = LocalServer(ServerSettings(database=f"sqlite:///{database}"))
    sock = server._socket
    name = repr(server)
    assert sock.fileno() != -1
    with pytest.warns(ResourceWarning, match="never started nor stopped") as caught:
        del server
        gc.collect()
    assert name in str(caught[0].message)
    assert sock.fileno() == -1
    assert beside(database) == ["unstarted.db", "unstarted.db-writer"]


def test_a_server_stopped_gives_no_warning_when_collected(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    database = tmp_path / "stopped.db"
    LocalServer(ServerSettings(database=f"sqlite:///{database}")).stop()  # (never started, stopped: closed)
    with LocalServer(ServerSettings(database=f"sqlite:///{database}")):
        pass
    gc.collect()
    assert not [w for w in recwarn if issubclass(w.category, ResourceWarning)], [str(w.message) for w in recwarn]
    assert beside(database) == ["stopped.db", "stopped.db-writer"]


def test_a_server_left_serving_at_exit_is_stopped_with_its_database_closed(tmp_path: Path) -> None:
    database = tmp_path / "left.db"
    script = textwrap.dedent(
        f"""
        from timeback import Timeback
        from timeback.server import ServerSettings
        from timeback.server.runner import LocalServer

        server = LocalServer(ServerSettings(database={f"sqlite:///{database}"!r})).start()
        with Timeback(**server.client_kwargs()) as client:
            client.oneroster.gradebook.put_category(sourced_id="kept", category={{"title": "Homework"}})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert beside(database) == ["left.db", "left.db-writer"]
    reading = sqlite3.connect(database)
    try:
        assert reading.execute("SELECT count(*) FROM categories").fetchone() == (1,)
    finally:
        reading.close()


def test_a_server_collected_unstarted_is_closed_when_its_warning_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``-W error`` (this suite's filterwarnings) the warning, raised first, ended the finalizer: the socket
    and the database were left open, ``-wal``/``-shm`` beside the file."""
    database = tmp_path / "strict.db"
    server = LocalServer(ServerSettings(database=f"sqlite:///{database}"))
    sock = server._socket
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        del server
        gc.collect()
    assert [type(seen.exc_value) for seen in unraisable] == [ResourceWarning]
    assert sock.fileno() == -1
    assert beside(database) == ["strict.db", "strict.db-writer"]


def test_a_server_collected_unstarted_leaves_open_the_storage_another_server_serves_on() -> None:
    """Its storage lent to another server (``storage=``), which serves on: it stays open (closed, an in-memory
    database came back empty under that server, a 500 "no such table")."""
    credentials = {"client_id": "lender", "client_secret": "lender-secret"}

    def lent_storage() -> Any:
        return LocalServer(ServerSettings(**credentials)).app.state.storage  # (its server dropped at once)

    storage = lent_storage()
    try:
        with pytest.warns(ResourceWarning, match="never started nor stopped"):
            with LocalServer(ServerSettings(**credentials), storage=storage) as server:
                gc.collect()
                with Timeback(**server.client_kwargs()) as client:
                    client.oneroster.gradebook.put_category(sourced_id="lent", category={"title": "Homework"})
                    assert client.oneroster.gradebook.get_category(sourced_id="lent").category.title == "Homework"
    finally:
        storage.close()  # (left open for the server it was lent to: closed by whoever holds it)


def test_servers_left_serving_at_exit_stop_the_last_started_first(tmp_path: Path) -> None:
    """One serving on another's storage, both left serving: the one started last stops first, then its lender
    closes the database (in the order they started, the lender closed it under the other, whose next write opened
    it again, and ``-wal``/``-shm`` were left)."""
    database = tmp_path / "shared.db"
    script = textwrap.dedent(
        f"""
        import threading
        from timeback import Timeback
        from timeback.server import ServerSettings
        from timeback.server.runner import LocalServer

        lender = LocalServer(ServerSettings(database={f"sqlite:///{database}"!r})).start()
        server = LocalServer(lender.settings, storage=lender.app.state.storage).start()
        client = Timeback(**server.client_kwargs(), max_retries=0)

        def writing():
            n = 0
            while True:
                n += 1
                try:
                    client.oneroster.gradebook.put_category(sourced_id=f"c{{n}}", category={{"title": "T"}})
                except Exception:
                    pass

        threading.Thread(target=writing, daemon=True).start()
        client.oneroster.gradebook.put_category(sourced_id="first", category={{"title": "T"}})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert beside(database) == ["shared.db", "shared.db-writer"]
