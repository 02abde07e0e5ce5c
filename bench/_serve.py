"""``timeback serve`` in a child process, as users run it: its own interpreter (and GIL), a SQLite file, real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret-not-real"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:  # (ended since its parent's listing)
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children = f.read().split()
        except FileNotFoundError:  # (a thread that ended since the listing: its children are no one's to count)
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _cpu_of(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


class ServeProcess:
    START_TIMEOUT = 30.0  # seconds for the server to answer /health

    def __init__(self, database: Path | str, *extra_args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        url = database if isinstance(database, str) else f"sqlite:///{database}"
        command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve"]
        options = ["--port", str(self.port), "--database", url]
        options += ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
        self.args = [*command, *options, *extra_args]
        self.process: subprocess.Popen[bytes] | None = None

    def output(self) -> str:
        """What the server printed so far (stdout and stderr)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def cpu_seconds(self) -> float | None:
        """CPU time (user and system) the server has used so far: its process and every process under it (the
        ``--workers``), from ``/proc``; None where there is no ``/proc``."""
        assert self.process is not None
        try:
            return sum(_cpu_of(pid) for pid in [self.process.pid, *_descendants(self.process.pid)])
        except OSError:
            return None

    def client_kwargs(self, **extra: Any) -> dict[str, Any]:
        return {"base_url": self.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **extra}

    def __enter__(self) -> Self:
        # Output to a file, not a pipe: the access log of a long run would fill a pipe and stall the server.
        self._log = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(self.args, stdout=self._log, stderr=self._log)  # (access log on stdout)
            self._wait_until_up(self.process)
        except BaseException:
            self.__exit__(None, None, None)  # (not run when __enter__ raises: the server, --workers' too, kept running)
            raise
        return self

    def _wait_until_up(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"timeback serve exited: {self.output()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"timeback serve did not start within {self.START_TIMEOUT:g} s")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
