"""``LocalServer`` left to the garbage collector or to the interpreter's exit: its socket and database closed all
the same (from the pytest-xdist user's run: a server made and never started leaked its socket, and one never stopped
left ``-wal``/``-shm`` beside its file)."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
