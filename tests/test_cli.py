"""The ``timeback`` command: demo end to end, and serve as a real process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from timeback import Timeback
from timeback._cli import _app


def test_demo_prints_the_gradebook() -> None:
    result = CliRunner().invoke(_app(), ["demo"])
    assert result.exit_code == 0, result.output
    assert "Gradebook: class-math-7a" in result.output
    assert re.search(r"Ada Lovelace\s+│\s+95\.5\s+│\s+91", result.output)
    assert re.search(r"Barbara Liskov\s+│\s+64\s+│\s+-", result.output)
    assert "student-1 scored 85.5" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_makes_a_dev_client_and_prints_how_to_use_it(tmp_path: object) -> None:
    port = _free_port()
    db = os.path.join(str(tmp_path), "t.db")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from timeback._cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--database",
            f"sqlite:///{db}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        env: dict[str, str] = {}
        deadline = time.monotonic() + 20
        while len(env) < 4 and time.monotonic() < deadline:
            line = proc.stdout.readline() if proc.stdout else ""
            match = re.match(r"\s*export (TIMEBACK_\w+)=(\S+)", line)
            if match:
                env[match.group(1)] = match.group(2)
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with Timeback(
            client_id=env["TIMEBACK_CLIENT_ID"],
            client_secret=env["TIMEBACK_CLIENT_SECRET"],
            base_url=env["TIMEBACK_BASE_URL"],
            token_url=env["TIMEBACK_TOKEN_URL"],
        ) as client:
            client.oneroster.gradebook.put_category(sourced_id="cli-cat", category={"title": "From the CLI"})
            assert client.oneroster.gradebook.get_category(sourced_id="cli-cat").category.title == "From the CLI"
        assert os.path.exists(db)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
