"""The ``timeback`` command: demo end to end, and serve as a real process."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from tests.support import child_environment, close_app, damage_where_a_start_reads
from timeback import Timeback
from timeback._cli import _app
from timeback._demo import demo_roster
from timeback.server.runner import LocalServer


@contextlib.contextmanager
def _reaped(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """``proc``, killed and waited for if the block leaves it running (an assertion or a timeout in it)."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_demo_prints_the_gradebook() -> None:
    result = CliRunner().invoke(_app(), ["demo"])
    assert result.exit_code == 0, result.output
    assert "Gradebook: class-math-7a" in result.output
    assert re.search(r"Ada Lovelace\s+│\s+95\.5\s+│\s+91", result.output)
    assert re.search(r"Barbara Liskov\s+│\s+64\s+│\s+-", result.output)
    assert "student-1 scored 85.5" in result.output


@pytest.mark.parametrize(
    ("collection", "path", "key"),
    [("schools", "/schools/", "org"), ("terms", "/academicSessions/", "academicSession"),
     ("courses", "/courses/", "course"), ("classes", "/classes/", "class"), ("users", "/users/", "user"),
     ("enrollments", "/enrollments/", "enrollment")],
)  # fmt: skip
def test_demo_roster_holds_what_timebacks_document_requires(collection: str, path: str, key: str) -> None:
    """The README's class set-up and ``serve --seed`` users copy its records: a user without ``email``, a class
    with ``school`` for Timeback's ``org``, taken here, are 422 in production. (``status`` the SDK sends.)"""
    from tests.test_spec_coverage import SPEC_DIR
    from timeback._demo import demo_roster

    spec = json.loads((SPEC_DIR / "timeback-oneroster-api.json").read_text())

    def resolved(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
        return schema

    body = spec["paths"][f"/ims/oneroster/rostering/v1p2{path}"]["post"]["requestBody"]["content"]["application/json"]
    required = set(resolved(resolved(body["schema"])["properties"][key])["required"]) - {"status"}
    required -= {"type"} if collection == "terms" else set()  # (the seed's key says it)
    for record in demo_roster()[collection]:
        assert required <= set(record), (record, required - set(record))


def test_demo_prose_is_not_wrapped_outside_a_terminal() -> None:
    # (into a pipe or a CI log rich wrapped at 80 columns, or $COLUMNS: identifiers split, lines ending in a space)
    result = CliRunner().invoke(_app(), ["demo"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ran = ("Ran post_line_items_for_class, post_results_for_academic_session_for_class, put_result, "
           "create_assessment_result through the SDK")  # fmt: skip
    seeded = "Seeded a school from a roster file: 1 class, 1 term, 5 enrolled students, 1 category"
    assert {ran, seeded, "Stopped the server. Done."} <= set(lines), result.output  # (whole: no space at the end)


# (SQLAlchemy decodes %41 in a URL's path to A, and reads what follows a '?' as query arguments)
_ODD_NAME = "odd %41 ?x=1 #"


@pytest.mark.parametrize("name", ["odd %41", "odd ?x=1 #", _ODD_NAME])
def test_demo_runs_in_a_temporary_directory_whose_name_a_url_would_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    import tempfile

    odd = tmp_path / name
    odd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(odd))  # (as TMPDIR names it)
    result = CliRunner().invoke(_app(), ["demo"])
    assert result.exit_code == 0, result.output
    assert "student-1 scored 85.5" in result.output
    assert list(odd.iterdir()) == []  # (removed, database and all)


def test_serve_takes_a_file_whose_name_a_url_would_change_percent_encoded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from urllib.parse import quote

    odd = tmp_path / _ODD_NAME
    odd.mkdir()
    database = odd / "t%41?.db"
    result = _serve(monkeypatch, "--database", f"sqlite:///{quote(str(database))}")
    assert result.exit_code == 0, result.output
    assert database.exists() and sorted(p.name for p in tmp_path.iterdir()) == [_ODD_NAME]


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


def test_serve_takes_the_client_from_variables_kept_out_of_the_process_listing(tmp_path: Path) -> None:
    """``--client-secret`` is in the process's command line, which every user of the machine can read (``ps``):
    TIMEBACK_SERVE_CLIENT_ID and TIMEBACK_SERVE_CLIENT_SECRET give the client without it."""
    port, secret = _free_port(), "kept-out-of-ps-7d1c"
    environment = {**os.environ, "TIMEBACK_SERVE_CLIENT_ID": "ci-client", "TIMEBACK_SERVE_CLIENT_SECRET": secret}
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}"]  # fmt: skip
    proc = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _until_healthy(proc, port)
        with Timeback(client_id="ci-client", client_secret=secret, base_url=f"http://127.0.0.1:{port}") as client:
            client.oneroster.gradebook.put_category(sourced_id="env-cat", category={"title": "Given by variables"})
        if os.path.exists(f"/proc/{proc.pid}/cmdline"):
            assert secret not in Path(f"/proc/{proc.pid}/cmdline").read_text()
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert (
        secret not in output and "export TIMEBACK_CLIENT_SECRET" not in output
    )  # (no dev client made, nothing printed)


def test_every_serve_option_has_a_variable_named_after_it() -> None:
    """A container or a process supervisor configures by environment: each option of ``serve`` is also
    TIMEBACK_SERVE_<ITS NAME> (only the client's two were; the others were ignored without a word)."""
    import typer

    from timeback._cli import _variable

    serve = typer.main.get_command(_app()).commands["serve"]  # type: ignore[attr-defined]
    options = {param.opts[0]: param.envvar for param in serve.params if param.opts[0] != "--help"}
    assert len(options) == 19 and options == {flag: _variable(flag) for flag in options}
    assert _variable("--token-ttl") == "TIMEBACK_SERVE_TOKEN_TTL"


def test_serve_is_configured_by_variables_alone(tmp_path: Path) -> None:
    """Port, database, scopes, token lifetime, log level and access log from the environment, no option given."""
    port = _free_port()
    environment = {**os.environ, "TIMEBACK_SERVE_PORT": str(port), "TIMEBACK_SERVE_DATABASE": f"sqlite:///{tmp_path / 'v.db'}",
                   "TIMEBACK_SERVE_CLIENT_ID": "ci-client", "TIMEBACK_SERVE_CLIENT_SECRET": "ci-secret-5e2b",
                   "TIMEBACK_SERVE_SCOPES": "gradebook.readonly", "TIMEBACK_SERVE_TOKEN_TTL": "120",
                   "TIMEBACK_SERVE_ACCESS_LOG": "true"}  # fmt: skip
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve"]
    proc = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _until_healthy(proc, port)
        form = {"grant_type": "client_credentials", "client_id": "ci-client", "client_secret": "ci-secret-5e2b"}
        token = httpx.post(f"http://127.0.0.1:{port}/oauth2/token", data=form).json()
        assert (token["expires_in"], token["scope"].rpartition("/")[2]) == (120, "gradebook.readonly"), token
        with Timeback(
            client_id="ci-client", client_secret="ci-secret-5e2b", base_url=f"http://127.0.0.1:{port}"
        ) as client:
            assert client.oneroster.gradebook.get_all_categories().items == []
        assert (tmp_path / "v.db").stat().st_size > 0
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port} (database sqlite:///{tmp_path / 'v.db'}, a new file)" in output, output
    assert '"GET /ims/oneroster/gradebook/v1p2/categories/ HTTP/1.1" 200' in output, output  # (the access log)
    assert "INFO:     Application startup complete." in output, output
    quiet = subprocess.Popen(command, env={**environment, "TIMEBACK_SERVE_LOG_LEVEL": "warning"},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        _until_healthy(quiet, port)
    finally:
        quiet.terminate()
        output, _ = quiet.communicate(timeout=10)
    assert "Application startup complete" not in output and "its records kept" in output, output


def test_an_empty_variable_is_refused_where_its_option_takes_no_empty_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """click takes an empty variable for an unset one: `TIMEBACK_SERVE_SEED: ${SEED_FILE}` with the file's variable
    unset started a server with no records, without a word (as `--seed ""` is refused). An empty --faults or
    --root-path means none, as unset: taken. A level is taken in capitals too."""
    for variable, flag in (("TIMEBACK_SERVE_SEED", "--seed"), ("TIMEBACK_SERVE_DATABASE", "--database"),
                           ("TIMEBACK_SERVE_SCOPES", "--scopes"), ("TIMEBACK_SERVE_HOST", "--host")):  # fmt: skip
        monkeypatch.setenv(variable, "")
        result = _serve(monkeypatch, *(() if flag == "--database" else ("--database", "sqlite://")))
        _refused(result, flag, f"{variable} is set but empty: give it a value, or unset it")
        monkeypatch.delenv(variable)
    monkeypatch.setenv("TIMEBACK_SERVE_FAULTS", "")
    monkeypatch.setenv("TIMEBACK_SERVE_LOG_LEVEL", "WARNING")
    assert _serve(monkeypatch, "--database", "sqlite://").exit_code == 0
    monkeypatch.setenv("TIMEBACK_SERVE_DATABASE", "")  # (the option given wins over its variable, empty or not)
    assert _serve(monkeypatch, "--database", "sqlite://").exit_code == 0


def test_a_setting_refused_from_its_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEBACK_SERVE_FAULTS", "bogus")
    result = _serve(monkeypatch, "--database", "sqlite://")
    _refused(result, "--faults", "expected name=value, got 'bogus'")
    assert "--faults (or TIMEBACK_SERVE_FAULTS)" in result.output
    monkeypatch.setenv("TIMEBACK_SERVE_WORKERS", "0")
    monkeypatch.delenv("TIMEBACK_SERVE_FAULTS")
    result = _serve(monkeypatch, "--database", "sqlite://")
    assert result.exit_code == 2 and "TIMEBACK_SERVE_WORKERS" in result.output, result.output
    monkeypatch.delenv("TIMEBACK_SERVE_WORKERS")
    for variable, value in (("TIMEBACK_SERVE_DATABASE", "postgresql://db/t"), ("TIMEBACK_SERVE_ROOT_PATH", "no-slash"),
                            ("TIMEBACK_SERVE_SEED", "/nonexistent/seed.json"), ("TIMEBACK_SERVE_HOST", " ")):  # fmt: skip
        monkeypatch.setenv(variable, value)
        result = _serve(monkeypatch, *(() if variable == "TIMEBACK_SERVE_DATABASE" else ("--database", "sqlite://")))
        assert result.exit_code == 2 and f"(or {variable}): " in result.output, (variable, result.output)
        monkeypatch.delenv(variable)


def _until_healthy(proc: subprocess.Popen[str], port: int, seconds: float = 20.0) -> None:
    """Polls ``timeback serve``'s /health until it answers, the process ends or ``seconds`` pass; it must run."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str, charset: str = "utf-8") -> Result:
    """``timeback serve`` in this process, with uvicorn not started (so a server that should not start never blocks),
    its output in ``charset``."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from timeback.server import app

    def started_then_stopped(self: uvicorn.Server, sockets: Any = None) -> None:
        self.started = True
        close_app(self.config.app)  # (as the lifespan's shutdown: the storage left open leaked its connections)

    monkeypatch.setattr(uvicorn.Server, "run", started_then_stopped)
    monkeypatch.setattr(Multiprocess, "run", lambda self: None)  # (--workers: uvicorn's supervisor on serve's socket)
    monkeypatch.setattr(app, "tune_gc", lambda: None)  # (not this test process's collector)
    monkeypatch.setattr(app, "raise_open_files_limit", lambda: None)  # (nor its limits)
    port = () if "--port" in args else ("--port", str(_free_port()))  # (serve checks it can listen there)
    with _uvicorn_logging_kept():
        return CliRunner(charset=charset).invoke(_app(), ["serve", *port, *args], env={"COLUMNS": "300"})


@contextlib.contextmanager
def _uvicorn_logging_kept() -> Iterator[None]:
    """uvicorn's loggers and timeback's put back as they were: serve configures them for its process (``dictConfig``:
    handlers on CliRunner's stream, closed once it returns, and no propagation), and a ``LocalServer`` in a later
    test of this process logged to that closed stream instead of up to the handlers its caller had."""
    names = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "timeback")
    loggers = [logging.getLogger(name) for name in names]
    kept = [(each.level, each.propagate, each.disabled, list(each.handlers), list(each.filters)) for each in loggers]
    try:
        yield
    finally:
        for each, (level, propagate, disabled, handlers, filters) in zip(loggers, kept, strict=True):
            each.setLevel(level)  # (not the attribute: setLevel clears the levels each logger has cached)
            each.propagate, each.disabled, each.handlers[:], each.filters[:] = propagate, disabled, handlers, filters


def _refused(result: Result, option: str, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # (a usage error, not a traceback)
    # (a refusal names the option's variable too: click's "(env var: 'X')", a setting's "(or X)")
    named = re.escape(option) + r"( \(or TIMEBACK_SERVE_[A-Z_]+\)| \(env var: 'TIMEBACK_SERVE_[A-Z_]+'\))?"
    assert re.search(f"Invalid value for '?{named}'?: ", result.output), result.output
    assert message in result.output, result.output


def _could_not_start(result: Result, line: str) -> None:
    """``serve`` stopped by what no option of it caused (a lock held, a damaged file, a full disk): ``line`` alone,
    exit 1 (no usage error, exit 2, "Invalid value for --database")."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # (not a traceback)
    assert result.output.splitlines() == [f"timeback: {line}"], result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{bad", "is not JSON: Expecting property name"),
        (b"\xff\xfe{}", "is not JSON"),
        ("[]", "must hold a JSON object with one key per collection"),
        ('{"classes": {}}', "classes: must be a list of records"),
        ('{"users": [{"givenName": "no roles"}]}', "users[0]: Invalid request body"),
        # (Python's own message for too many digits told how to change the server's interpreter)
        ('{"categories": [{"sourcedId": "c", "title": "C", "metadata": {"n": [1, ' + "7" * 5000 + "]}}]}",
         "categories[0]: category.metadata.n[1]: an integer of 5,000 digits, over the 4,300 the server takes"),
        # (a repeated key: json's last one won, and the first list of schools was dropped without a word)
        ('{"schools": [{"sourcedId": "a", "name": "A", "type": "school"}], "schools": []}',
         "the top-level object: repeats the key 'schools'"),
        ('{"schools": [{"sourcedId": "a", "name": "A", "type": "school"}, {"sourcedId": "b", "name": "B", '
         '"type": "school", "metadata": {"x": [{"k": 1, "k": 2}]}, "name": "C"}]}',
         "schools[1]: repeats the key 'name'"),
        ('{"schools": [{"sourcedId": "a", "name": "A", "type": "school", "metadata": {"x": [0, {"k": 1, "k": 1}]}}]}',
         "schools[0].metadata.x[1]: repeats the key 'k'"),
    ],
)  # fmt: skip
def test_serve_refuses_a_bad_seed_file_naming_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    seed = tmp_path / "seed.json"
    if isinstance(content, str):
        seed.write_text(content)
    elif isinstance(content, bytes):
        seed.write_bytes(content)
    result = _serve(monkeypatch, "--database", "sqlite://", "--seed", str(seed))
    _refused(result, "--seed", message)
    assert repr(str(seed)) in result.output  # (the file named, whatever is wrong: a bad record named none)


def test_serve_refuses_an_empty_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    # (CI's --seed "$SEED_FILE" with the variable unset: the server started with no records, exit 0)
    _refused(_serve(monkeypatch, "--database", "sqlite://", "--seed", ""), "--seed", "must not be empty")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no-such-dir/t.db", "No such file or directory: cannot make files in {tmp}/no-such-dir"),
        ("not-a-database.txt/t.db", "Not a directory: cannot make files in {tmp}/not-a-database.txt"),
        (
            "a-directory",
            "unable to open database file: it is a directory; name a file in it "
            "(sqlite:///{tmp}/a-directory/timeback.db)",
        ),
        ("not-a-database.txt", "file is not a database"),
    ],
)
def test_serve_refuses_a_database_it_cannot_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, path: str, message: str
) -> None:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "not-a-database.txt").write_text("hello\n" * 100)
    result = _serve(monkeypatch, "--database", f"sqlite:///{tmp_path / path}")
    _refused(result, "--database", f"cannot open sqlite:///{tmp_path / path}: ")
    assert message.format(tmp=tmp_path) in " ".join(result.output.split()), result.output
    assert "-writer" not in result.output  # (the write lock's file is the server's business, not the user's)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory", "not-a-database.txt"]  # nothing made


def test_serve_on_a_file_damaged_where_its_start_reads_says_so_in_a_line_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (the start's ANALYZE met the damage: a traceback of 140 lines ending in FileCorrupt, after a logged line saying
    # the requests touching the damage fail, 500, of a server that never started)
    database = tmp_path / "damaged.db"
    damage_where_a_start_reads(database)
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    _could_not_start(result, f"cannot open sqlite:///{database}: the file is damaged (SQLite: database disk image is "
                     "malformed): restore it from a backup, or start the server on a new file")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.db", "damaged.db-writer"]  # (closed)


# Run as root, serve drops the capabilities that let root write anywhere (from its bounding set, then starts again
# with what that leaves): the directory is then as read-only to it as to anyone.
_AS_ANYONE = """import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH; 24: PR_CAPBSET_DROP
    assert libc.prctl(24, capability, 0, 0, 0) == 0, os.strerror(ctypes.get_errno())
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"""


@pytest.mark.parametrize("database", ["sqlite:///file::memory:?uri=true", "sqlite:///file:uri.db?uri=true"])
def test_serve_refuses_an_sqlite_uri_filename(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str) -> None:
    # (file::memory: was taken for a file: each pooled connection had a private empty database, the seed was on one
    # of them and every other call was 500 "no such table", and "file::memory:-writer" was made in the current
    # directory; file:uri.db took its write lock on "file:uri.db-writer", not the "uri.db-writer" of other servers
    # on uri.db)
    monkeypatch.chdir(tmp_path)
    result = _serve(monkeypatch, "--database", database)
    _refused(result, "--database", "SQLite URI filenames (uri=true) are not supported")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("table", ["results (x)", "students (id INTEGER PRIMARY KEY, name TEXT)"])
def test_serve_refuses_a_file_timeback_did_not_make_before_writing_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, table: str
) -> None:
    # (it gained timeback's tables and was switched to WAL for good, then was refused if a table name clashed, or
    # was served if none did)
    import sqlite3

    database = tmp_path / "foreign.db"
    other = sqlite3.connect(database)
    other.execute(f"CREATE TABLE {table}")
    other.execute("CREATE TABLE grades (x)")
    other.commit()
    other.close()
    before = database.read_bytes()
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    name = table.split()[0]
    _refused(result, "--database", f"{database} is not a timeback database (its tables: grades, {name}): ")
    assert "pass a new file or one timeback made" in result.output, result.output
    assert database.read_bytes() == before and list(tmp_path.iterdir()) == [database]


def test_serve_refuses_a_wal_whose_database_file_is_gone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # (left by a program killed after its file was removed: SQLite made a new file and read the WAL's pages into it
    # as its own, a database of stray pages)
    import shutil
    import sqlite3

    database = tmp_path / "gone.db"
    left = sqlite3.connect(database)
    left.execute("PRAGMA journal_mode=WAL")
    left.execute("CREATE TABLE t (x)")
    left.commit()
    shutil.copy(f"{database}-wal", tmp_path / "kept")  # (as the program's kill left it)
    left.close()
    database.unlink()
    (tmp_path / "kept").rename(f"{database}-wal")
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    _refused(result, "--database", f"{database} does not exist but its WAL does (gone.db-wal: the file removed")
    assert "remove gone.db-wal and gone.db-shm to start a new database" in " ".join(result.output.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone.db-wal"]


def test_serve_refuses_a_file_of_an_older_timeback_before_writing_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sqlite3

    database = tmp_path / "old.db"
    old = sqlite3.connect(database)  # (a results table without the reference columns)
    old.execute("CREATE TABLE timeback_meta (key VARCHAR(32) PRIMARY KEY, value BIGINT NOT NULL)")
    old.execute("CREATE TABLE results (pk INTEGER PRIMARY KEY, sourced_id TEXT, status TEXT, data TEXT)")
    old.commit()
    old.close()
    before = database.read_bytes()
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    _refused(result, "--database", f"{database} was made by an older timeback (")
    assert "start a new file" in result.output, result.output
    assert database.read_bytes() == before and list(tmp_path.iterdir()) == [database]


def test_serve_refuses_a_file_a_newer_timeback_wrote_before_writing_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (its PRAGMA user_version above this version's: it was served, whatever the newer one had changed)
    import sqlite3

    from timeback.server.storage import open_storage, sql

    database = tmp_path / "newer.db"
    open_storage(f"sqlite:///{database}").close()
    newer = sqlite3.connect(database)
    newer.execute(f"PRAGMA user_version = {sql.SCHEMA_VERSION + 1}")
    newer.close()
    before = database.read_bytes()
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    _refused(result, "--database", f"{database} was written by a newer timeback (its schema {sql.SCHEMA_VERSION + 1}")
    assert "serve it with that version or a later one, or start a new file" in result.output, result.output
    assert database.read_bytes() == before


def test_serve_refuses_a_file_of_the_first_timeback_versions_as_older_before_writing_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (they made the record tables alone, before enrollments and demographics: it was called "not a timeback
    # database")
    import sqlite3

    from timeback.server.storage import open_storage

    database = tmp_path / "first.db"
    open_storage(f"sqlite:///{database}").close()
    first = sqlite3.connect(database)
    for table in ("enrollments", "demographics", "timeback_meta", "timeback_tokens"):
        first.execute(f'DROP TABLE "{table}"')
    first.execute("PRAGMA journal_mode=DELETE")
    first.commit()
    first.close()
    (tmp_path / "first.db-writer").unlink()
    before = database.read_bytes()
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    _refused(result, "--database", f"{database} was made by an older timeback (no table demographics, enrollments)")
    assert "start a new file" in result.output, result.output
    assert database.read_bytes() == before and list(tmp_path.iterdir()) == [database]


@pytest.mark.parametrize(
    ("column", "served"),
    [("newer TEXT NOT NULL", False), ("newer TEXT", True), ("newer TEXT NOT NULL DEFAULT ''", True)],
)
def test_serve_refuses_a_file_with_a_column_its_writes_cannot_fill(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, column: str, served: bool
) -> None:
    # (a newer timeback's file, or one changed by hand: it started, then every write to that table was 500, NOT NULL
    # constraint failed)
    import sqlite3

    from timeback.server.storage import open_storage

    database = tmp_path / "newer.db"
    open_storage(f"sqlite:///{database}").close()
    newer = sqlite3.connect(database)
    (made,) = newer.execute("SELECT sql FROM sqlite_master WHERE name = 'categories'").fetchone()
    newer.execute("DROP TABLE categories")
    newer.execute(made.replace("(", f"({column}, ", 1))
    newer.commit()
    newer.close()
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    if served:
        assert result.exit_code == 0, result.output
    else:
        _refused(result, "--database", f"{database} has a column this timeback cannot fill (categories.newer: ")
        assert "start a new file" in result.output, result.output


@pytest.mark.parametrize(
    "database", ["timeback.db", "/var/lib/timeback.db", "sqlitefoo", "sqlite:x.db", "SQLITE:///x.db", "Sqlite://"]
)
def test_serve_shows_the_sqlite_url_form_for_a_database_that_is_no_sqlite_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str
) -> None:
    # (a path, or a URL near SQLite's, was "unsupported database URL ...: only SQLite is built in")
    monkeypatch.chdir(tmp_path)
    result = _serve(monkeypatch, "--database", database)
    _refused(result, "--database", f"{database!r} is no SQLite URL: write sqlite:///path.db, with three slashes")
    assert "only SQLite is built in" not in result.output and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("database", "named"),
    [("sqlite:///x.db?mode=ro", "mode"), ("sqlite:///x.db?timeout=5&cache=shared", "cache, timeout"),
     ("sqlite://?mode=memory", "mode"), ("sqlite:///x?.db", ".db"), ("sqlite:///x.db?", "an empty one")],
)  # fmt: skip
def test_serve_refuses_query_arguments_of_an_sqlite_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str, named: str
) -> None:
    # (ignored, but for SQLAlchemy's warning: ?mode=ro opened the file read-write and made the schema in it; a '?'
    # without '=' was dropped with what follows it: sqlite:///x?.db opened the file x)
    monkeypatch.chdir(tmp_path)
    result = _serve(monkeypatch, "--database", database)
    _refused(result, "--database", f"query arguments ({named}) are not supported in {database!r} (")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_refuses_an_sqlite_url_with_an_empty_path_as_a_variable_left_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workers: str
) -> None:
    # (`--database "sqlite:///$DB"`, DB unset: served in memory without a word; with workers, "several workers need a
    # database file, not in-memory")
    monkeypatch.chdir(tmp_path)
    result = _serve(monkeypatch, "--database", "sqlite:///", "--workers", workers)
    _refused(result, "--database", "'sqlite:///' names no file (an empty path: a variable left unset?)")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "database",
    ["sqlite://timeback.db", "sqlite://tmp/x.db", "sqlite://user@/tmp/x.db", "sqlite://:5/x.db", "sqlite://:memory:"],
)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_refuses_an_sqlite_url_with_a_host_part_saying_how_many_slashes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str, workers: str
) -> None:
    # (two slashes put the name in the URL's host: SQLAlchemy's "Invalid SQLite URL" traceback, or "several workers
    # need a database file, not in-memory")
    monkeypatch.chdir(tmp_path)
    result = _serve(monkeypatch, "--database", database, "--workers", workers)
    _refused(result, "--database", f"{database!r} has a host, user, password or port part")
    assert "three slashes before a relative path (sqlite:///timeback.db)" in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_an_sqlite_url_with_a_password_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _serve(monkeypatch, "--database", "sqlite://user:hunter2@/x.db")
    _refused(result, "--database", "'sqlite://user:***@/x.db' has a host, user, password or port part")
    assert "hunter2" not in result.output


@pytest.mark.parametrize(
    ("database", "shown"),
    [("mysql://root:hunter2@localhost/x", "unsupported database URL 'mysql://root:***@localhost/x'"),
     ("mysql://root:hunter2@localhost:x/db", "'mysql://root:***@localhost:x/db' has a host, user, password or port"),
     ("sqlite://root:hunter2@/x.db?mode=ro", "are not supported in 'sqlite://root:***@/x.db?mode=ro'"),
     # (a driver's password argument in the query; URLs SQLAlchemy refuses; a password holding '@' or '/')
     ("postgresql://app@db/x?password=hunter2", "unsupported database URL 'postgresql://app@db/x?password=***'"),
     ("my-sql://root:hunter2@h/x", "'my-sql://root:***@h/x'"),
     ("mysql://u:pa@hunter2@h/x", "'mysql://u:***@h/x'"), ("mysql://u:hunter2/x@h/x", "'mysql://u:***@h/x'")],
)  # fmt: skip
def test_serve_refuses_a_database_url_without_showing_its_password(
    monkeypatch: pytest.MonkeyPatch, database: str, shown: str
) -> None:
    # (CI's --database "mysql://root:$PASSWORD@..." printed the password in its log)
    result = _serve(monkeypatch, "--database", database)
    _refused(result, "--database", shown)
    assert "hunter2" not in result.output


def test_serve_help_names_the_database_urls_it_takes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``--database``'s help said "SQLAlchemy URL" of a server that takes SQLite's alone: it says SQLite, and each
    URL it shows serves."""
    output = CliRunner().invoke(_app(), ["serve", "--help"], env={"COLUMNS": "300"}).output
    (line,) = [line for line in output.splitlines() if line.lstrip().startswith("--database")]
    urls = re.findall(r"sqlite:/{2,3}[\w.]*", line)
    assert "SQLite URL" in line and {"sqlite://", "sqlite:///path.db"} <= set(urls), line
    monkeypatch.chdir(tmp_path)
    for url in urls:
        result = _serve(monkeypatch, "--database", url)
        assert result.exit_code == 0, (url, result.output)


def _serving_as_anyone(database: Path, port: int = 0) -> tuple[list[str], dict[str, str]]:
    """``timeback serve`` on ``database`` without root's right to write anywhere: its command and environment."""
    serve = ["-c", "from timeback._cli import main; main()", "serve", "--port", str(port or _free_port()),
             "--database", f"sqlite:///{database}"]  # fmt: skip
    command = [sys.executable, *(["-c", _AS_ANYONE] if os.geteuid() == 0 else []), *serve]
    return command, child_environment(COLUMNS="300")


def _serve_as_anyone(database: Path) -> str:
    """Its refusal, on one line."""
    command, environment = _serving_as_anyone(database)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)
    assert done.returncode == 2, done.stdout + done.stderr
    return " ".join(done.stderr.split())


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_warns_once_of_a_database_every_user_may_read(monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    """``touch t.db`` under the usual umask, then ``serve`` on it: 644, every user's to read, served without a word
    (from the security review). Said once (not by every worker too); not of a file in a directory closed to others,
    a group's, or one the server makes."""
    import shutil
    import tempfile

    shared = Path(tempfile.mkdtemp(dir="/tmp"))  # (not under pytest's own, closed to others)
    try:
        shared.chmod(0o755)
        closed = shared / "closed"
        closed.mkdir(mode=0o700)
        for path, mode in ((shared / "everyone.db", 0o644), (shared / "group.db", 0o640), (closed / "c.db", 0o644)):
            path.touch()
            path.chmod(mode)
        said = {}
        for path in (shared / "everyone.db", shared / "group.db", closed / "c.db", shared / "made.db"):
            result = _serve(monkeypatch, "--database", f"sqlite:///{path}", "--workers", workers)
            assert result.exit_code == 0, result.output
            said[path.name] = [line for line in result.output.splitlines() if "may be read by every user" in line]
        assert said == {
            "everyone.db": [f"timeback: warning: {shared / 'everyone.db'} may be read by every user of this machine "
                            "(mode 644): it holds users' passwords; chmod 600 it"],
            "group.db": [], "c.db": [], "made.db": [],
        }  # fmt: skip
    finally:
        shutil.rmtree(shared)


def test_serve_refuses_a_database_in_a_directory_it_may_not_write(tmp_path: Path) -> None:
    directory = tmp_path / "read-only"
    directory.mkdir(mode=0o555)
    message = _serve_as_anyone(directory / "t.db")
    assert f"cannot open sqlite:///{directory}/t.db: Permission denied: cannot make files in {directory}" in message
    assert "-writer" not in message and list(directory.iterdir()) == []


def _made_by_a_server(database: Path) -> None:
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    with LocalServer(ServerSettings(database=f"sqlite:///{database}")):
        pass


def test_serve_refuses_a_database_it_made_in_a_directory_since_read_only_saying_so(tmp_path: Path) -> None:
    """(Reading a WAL file makes its -shm: "attempt to write a readonly database", for a file that is writable.)"""
    directory = tmp_path / "now-read-only"
    directory.mkdir()
    _made_by_a_server(directory / "t.db")
    directory.chmod(0o555)
    message = _serve_as_anyone(directory / "t.db")
    assert f"cannot open sqlite:///{directory}/t.db: Permission denied: cannot make files in {directory}" in message


def test_serve_starts_on_a_database_whose_files_are_all_there_in_a_read_only_directory(tmp_path: Path) -> None:
    """A locked-down directory with the files provisioned (the database, its -wal, -shm and the -writer lock): SQLite
    makes nothing there, so the server starts (a check of the directory alone refused it)."""
    directory = tmp_path / "provisioned"
    directory.mkdir()
    _made_by_a_server(directory / "t.db")
    for name in ("t.db-wal", "t.db-shm"):
        (directory / name).touch()
    directory.chmod(0o555)
    port = _free_port()
    command, environment = _serving_as_anyone(directory / "t.db", port)
    with subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as serving:
        try:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                assert serving.poll() is None, serving.stdout.read() if serving.stdout else ""
                time.sleep(0.1)
            else:
                raise AssertionError("timeback serve did not start in 30 s")
        finally:
            serving.terminate()
            serving.wait(timeout=30)


def test_serve_refuses_a_read_only_database_leaving_nothing_that_keeps_it_refused(tmp_path: Path) -> None:
    """SQLite opened it read-only and left read-only -wal and -shm beside it: with the file made writable again, the
    server was still refused ("attempt to write a readonly database") until they were removed by hand."""
    database = tmp_path / "t.db"
    _made_by_a_server(database)
    before = sorted(path.name for path in tmp_path.iterdir())
    database.chmod(0o444)
    message = _serve_as_anyone(database)
    assert f"cannot open sqlite:///{database}: Permission denied: the file is read-only" in message
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # (no -wal, no -shm)


def test_serve_that_another_program_keeps_waiting_for_the_lock_says_so_and_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (it was a usage error, exit 2: "Invalid value for --database: ... database is locked", after 10 s of waiting,
    # sending the user to look for a mistake in --database; the same command works once the other program is done)
    import sqlite3

    from timeback.server.storage import open_storage, sql

    database = tmp_path / "locked.db"
    open_storage(f"sqlite:///{database}").close()
    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(database, isolation_level=None)  # (the sqlite3 shell in a BEGIN IMMEDIATE, say)
    try:
        other.execute("BEGIN IMMEDIATE")
        result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    finally:
        other.close()
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"timeback: cannot open sqlite:///{database}: database is locked: another program holds its lock (waited 0.2 s"
        " for it; try again once it is done)"
    ]


def test_serve_refuses_a_port_taken_before_making_anything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import socket

    database = tmp_path / "never-made.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve(monkeypatch, "--database", f"sqlite:///{database}", "--port", str(port))
    # (exit 1, as a database another program locks: it was a usage error, exit 2, which a CI job's retry cannot tell
    # from a typo; from the CI integrator run)
    taken_line = "another process listens there; --port 0 takes a free port"
    _could_not_start(result, f"cannot listen on 127.0.0.1:{port}: Address already in use ({taken_line})")
    assert not database.exists() and "TIMEBACK_CLIENT_SECRET" not in result.output


def test_serve_binds_a_port_its_last_run_left_lingering_but_on_windows_sets_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On POSIX, SO_REUSEADDR: a restart binds the port while a connection of the last run lingers (TIME_WAIT), which
    a plain bind refuses. On Windows nothing, as asyncio and libuv: its SO_REUSEADDR (Linux's SO_REUSEPORT stands for
    it here) let a second ``timeback serve`` bind a port another listens on, and SO_EXCLUSIVEADDRUSE (SO_KEEPALIVE
    stands for it: no effect on a bind) refused a restart while a connection of the last run lingered."""
    import errno

    import typer

    from timeback._cli import _check_can_listen
    from timeback.server.runner import bound_socket

    with bound_socket("127.0.0.1", 0) as last_run:
        last_run.listen()
        port = last_run.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            served, _ = last_run.accept()
            served.close()  # (the server's end closed first: it is the one that lingers)
            assert client.recv(1) == b""
    with socket.socket() as plain, pytest.raises(OSError) as refused:
        plain.bind(("127.0.0.1", port))
    assert refused.value.errno == errno.EADDRINUSE
    _check_can_listen("127.0.0.1", port)
    bound_socket("127.0.0.1", port).close()

    with monkeypatch.context() as windows:  # (only around the binds: pytest's own reporting reads os.name)
        windows.setattr(os, "name", "nt")
        windows.setattr(socket, "SO_REUSEADDR", socket.SO_REUSEPORT)
        windows.setattr(socket, "SO_EXCLUSIVEADDRUSE", socket.SO_KEEPALIVE, raising=False)
        with bound_socket("127.0.0.1", 0) as first:
            assert first.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 0
            assert first.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 0
            first.listen()
            port = first.getsockname()[1]
            with pytest.raises(typer.Exit) as taken:  # (a port another process has: exit 1)
                _check_can_listen("127.0.0.1", port)
            assert taken.value.exit_code == 1
            with pytest.raises(OSError) as second:
                bound_socket("127.0.0.1", port).close()
    assert second.value.errno == errno.EADDRINUSE


def test_serve_starts_with_an_output_encoding_that_lacks_a_character_of_the_database_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (Windows, its output redirected: standard output in the ANSI code page, cp1252, strict; the banner's
    # UnicodeEncodeError was a traceback, and no server)
    database = tmp_path / "成績.db"
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}", charset="cp1252")
    assert result.exit_code == 0, result.output
    assert f"(database sqlite:///{tmp_path}/\\u6210\\u7e3e.db, a new file)" in result.output, result.output
    assert "export TIMEBACK_CLIENT_SECRET=" in result.output


def test_serve_banner_says_whether_the_database_file_is_new_or_kept_and_what_the_seed_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A CI run that meant to start afresh could not tell from the banner that an earlier run's records were kept,
    nor whether its seed loaded (from the CI integrator's run)."""
    database = tmp_path / "t.db"
    seed = tmp_path / "seed.json"
    orgs = [{"sourcedId": f"org-{i}", "name": "School", "type": "school", "status": "active"} for i in range(2)]
    seed.write_text(json.dumps({"orgs": orgs, "users": []}))
    first = _serve(monkeypatch, "--database", f"sqlite:///{database}", "--seed", str(seed))
    assert first.exit_code == 0, first.output
    banner = first.output.splitlines()
    assert banner[0].endswith(f"(database sqlite:///{database}, a new file)"), banner
    assert banner[1] == f"Loaded the seed {seed}: orgs: 2", banner
    second = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[0].endswith(f"(database sqlite:///{database}, its records kept)"), second.output
    assert "Loaded the seed" not in second.output
    # restarted with the same --seed (a process supervisor's command): not loaded again, said so, exit 0
    again = _serve(monkeypatch, "--database", f"sqlite:///{database}", "--seed", str(seed))
    assert again.exit_code == 0, again.output
    assert (
        again.output.splitlines()[1] == f"The seed {seed} is in the database already (its 2 records): not loaded again"
    )
    # one more record in it since: the database's state stops the start (exit 1, one line), naming the record
    seed.write_text(json.dumps({"orgs": [*orgs, {**orgs[0], "sourcedId": "org-new"}]}))
    partly = _serve(monkeypatch, "--database", f"sqlite:///{database}", "--seed", str(seed))
    assert partly.exit_code == 1, partly.output
    assert partly.output == (
        f"timeback: cannot load the seed '{seed}': the database holds 2 of its 3 records already, not orgs[2] "
        "'org-new': load it into a new database file, or start without it\n"
    )
    empty = tmp_path / "made-by-mktemp.db"
    empty.touch()  # (as `mktemp` makes one: no records in it, and the server makes its tables)
    third = _serve(monkeypatch, "--database", f"sqlite:///{empty}")
    assert third.output.splitlines()[0].endswith(f"(database sqlite:///{empty}, a new file)"), third.output
    in_memory = _serve(monkeypatch, "--database", "sqlite://", "--seed", str(tmp_path / "empty.json"))
    assert in_memory.exit_code == 2 and "empty.json" in in_memory.output  # (no such file: refused, as before)
    (tmp_path / "empty.json").write_text("{}")
    in_memory = _serve(monkeypatch, "--database", "sqlite://", "--seed", str(tmp_path / "empty.json"))
    assert in_memory.output.splitlines()[0].endswith("(database sqlite://)"), in_memory.output
    assert in_memory.output.splitlines()[1] == f"Loaded the seed {tmp_path / 'empty.json'}: no records"


def test_serve_banner_writes_a_file_name_byte_undecodable_in_the_locale_as_that_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (Linux, a UTF-8 locale: a name's byte 0xE9 is a surrogate, written back as 0xE9 by standard output's
    # surrogateescape; escaped regardless, it was printed as the text \udce9, naming no file)
    import io
    import sys

    from timeback._cli import _banner

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdout", stdout)
    path = os.fsdecode(b"/tmp/caf\xe9/\xe6\x88\x90.db")
    _banner(f"http://127.0.0.1:8000 (database sqlite:///{path})", None, None, "http://127.0.0.1:8000", "127.0.0.1")
    stdout.flush()
    written = stdout.buffer.getvalue()
    assert b"(database sqlite:////tmp/caf\xe9/\xe6\x88\x90.db)" in written, written


def test_serve_refuses_a_host_not_of_this_machine_naming_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # (192.0.2.1, TEST-NET-1, is no address of this machine: the refusal named --port, which was fine)
    result = _serve(monkeypatch, "--database", "sqlite://", "--host", "192.0.2.1")
    _refused(result, "--host", "cannot listen on 192.0.2.1:")


def test_serve_refuses_a_host_name_that_does_not_resolve_naming_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # (a misspelt name, as --host lcalhost: .invalid never resolves; the refusal named --port, which was fine)
    result = _serve(monkeypatch, "--database", "sqlite://", "--host", "lcalhost.invalid")
    _refused(result, "--host", "cannot listen on lcalhost.invalid:")


@pytest.mark.parametrize("host", ["", " "])
def test_serve_refuses_an_empty_host_saying_what_to_give(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    # (--host "$HOST" with the variable unset: "cannot listen on :8000: Name or service not known")
    result = _serve(monkeypatch, "--database", "sqlite://", "--host", host)
    _refused(result, "--host", "an empty host names no address: give one (127.0.0.1, the default")


def test_serve_run_in_a_process_leaves_its_sigterm_handler_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    # (serve takes SIGTERM as Ctrl-C while uvicorn runs, then puts back the handler it found: a test process, or a
    # program running serve's app in-process, keeps its own)
    import signal

    def handler(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        assert _serve(monkeypatch, "--database", "sqlite://").exit_code == 0
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("free_kb", [0, 4096])
def test_serve_that_cannot_open_the_database_for_an_io_error_says_whether_its_disk_is_full(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, free_kb: int
) -> None:
    # (SQLite's "disk I/O error" is what opening says on a full disk, its -shm not made: it said no more. A full disk
    # cannot be made here without a mount: the error and the file system's free space are given)
    import sqlite3
    import types

    from timeback.server.storage.sql import SqlStorage

    def fail(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    looked_at = []

    def statvfs(path: str) -> types.SimpleNamespace:
        looked_at.append(path)
        return types.SimpleNamespace(f_bavail=free_kb, f_frsize=1024)

    monkeypatch.setattr(SqlStorage, "_make_schema", fail)
    monkeypatch.setattr(os, "statvfs", statvfs)
    database = tmp_path / "full.db"
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    if free_kb == 0:  # (exit 1: it was a usage error, exit 2, with no word of what to do)
        full = ", the disk holding it is full (0 KB free): free some space, then start the server again"
        _could_not_start(result, f"cannot open sqlite:///{database}: disk I/O error{full}")
    else:
        _refused(result, "--database", f"cannot open sqlite:///{database}: disk I/O error\n")
    assert looked_at == [str(tmp_path)]


def test_serve_on_a_disk_too_full_for_its_start_says_to_free_space_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (a start on a full disk, a restart's first write, was a usage error, exit 2: "Invalid value for --database:
    # cannot open ...: database or disk is full", with no word of what to do. A full disk cannot be made here without
    # a mount: SQLite's own max_page_count, the pages the file has, makes the first page more SQLITE_FULL, as ENOSPC)
    from timeback.server.storage import sql

    pragmas = sql._sqlite_pragmas

    def full(connection: Any, record: Any) -> None:
        pragmas(connection, record)
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")  # (0 sets none)

    monkeypatch.setattr(sql, "_sqlite_pragmas", full)
    database = tmp_path / "full.db"
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
    _could_not_start(result, f"cannot open sqlite:///{database}: database or disk is full: free some space on the disk "
                     "holding it, then start the server again")  # fmt: skip


@pytest.mark.parametrize("failing", ["forget_tokens", "new_shared_file"])
def test_serve_with_workers_closes_the_database_when_its_start_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failing: str
) -> None:
    # Before the workers start, the parent voids earlier tokens and makes the failed-login table: either can fail
    # (another program holding the database's lock, a full disk), and the database it opened must not stay open.
    from timeback.server.auth import FailureLimiter
    from timeback.server.storage.sql import SqlStorage

    def fail(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SqlStorage if failing == "forget_tokens" else FailureLimiter, failing, fail)
    database = tmp_path / "workers.db"
    result = _serve(monkeypatch, "--database", f"sqlite:///{database}", "--workers", "2")
    # (one line, before the banner, as a single process says it: it was a traceback after the banner)
    _could_not_start(result, f"cannot open sqlite:///{database}: No space left on device: free some space on the disk "
                     "holding it, then start the server again")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workers.db", "workers.db-writer"]  # no -wal, -shm


def test_serve_with_workers_that_cannot_open_the_database_says_so_in_a_line_and_stops(tmp_path: Path) -> None:
    """The workers open the database the parent made: one that cannot (here the file was replaced under them)
    says why in one line, and ``serve`` stops with a non-zero status. (Each printed a traceback, and uvicorn
    started another in its place, and so on, forever; had it stopped, the status was 0.)"""
    database = tmp_path / "replaced.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(_free_port()),
               "--database", f"sqlite:///{database}", "--workers", "2"]  # fmt: skip
    environment = child_environment(COLUMNS="300")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    with _reaped(proc):
        assert proc.stdout is not None
        # (uvicorn's "running on" line, logged as the parent listens, may come first)
        assert any("Timeback-compatible server on" in proc.stdout.readline() for _ in range(2))
        # (the workers start after the banner, each in a new interpreter: this is done long before they open it)
        replacement = tmp_path / "not-a-database"
        replacement.write_text("hello\n" * 1000)
        os.replace(replacement, database)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode not in (0, None), output
    assert "Traceback" not in output, output
    assert f"cannot open sqlite:///{database}: file is not a database" in output, output


@pytest.mark.parametrize("port", ["-1", "65536", "99999"])
def test_serve_refuses_a_port_out_of_range(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    # (99999 was listened on as 99999 % 65536 = 34463 while serve printed http://127.0.0.1:99999)
    result = _serve(monkeypatch, "--database", "sqlite://", "--port", port)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--port'" in result.output, result.output


@pytest.mark.parametrize("ttl", ["0", "-5"])
def test_serve_refuses_a_token_lifetime_that_is_not_positive(monkeypatch: pytest.MonkeyPatch, ttl: str) -> None:
    # (the token endpoint answered expires_in 0 or -5, which the SDK refuses: no call could be made)
    result = _serve(monkeypatch, "--database", "sqlite://", "--token-ttl", ttl)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--token-ttl'" in result.output, result.output


@pytest.mark.parametrize("ttl", ["1000000001", pytest.param("1" + "0" * 400, id="1e400")])
def test_serve_refuses_a_token_lifetime_past_about_31_years(monkeypatch: pytest.MonkeyPatch, ttl: str) -> None:
    # (1e400 seconds overflowed the token's expiry at the first token request: a 500; 1000000000 is the SDK's bound)
    result = _serve(monkeypatch, "--database", "sqlite://", "--token-ttl", ttl)
    _refused(result, "'--token-ttl'", "less than or equal to 1000000000")
    assert _serve(monkeypatch, "--database", "sqlite://", "--token-ttl", "1000000000").exit_code == 0


@pytest.mark.parametrize(
    ("scopes", "message"),
    [("gradebook.readnly", "unknown scope 'gradebook.readnly'"), ("", "no scope given"), (" ", "no scope given")],
)
def test_serve_refuses_scopes_it_does_not_know(monkeypatch: pytest.MonkeyPatch, scopes: str, message: str) -> None:
    # (a misspelt scope made a client whose every call was 403; an empty --scopes one holding all of them)
    _refused(_serve(monkeypatch, "--database", "sqlite://", "--scopes", scopes), "--scopes", message)


def test_serve_takes_short_and_full_scope_names(monkeypatch: pytest.MonkeyPatch) -> None:
    full = "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly"
    result = _serve(
        monkeypatch, "--database", "sqlite://", "--scopes", f"{full} roster.readonly roster-demographics.readonly"
    )
    assert result.exit_code == 0, result.output


def test_serve_takes_timeback_rostering_write_scopes(monkeypatch: pytest.MonkeyPatch) -> None:
    # (Timeback's OpenAPI declares them; serve refused them as unknown)
    v1p1 = "https://purl.imsglobal.org/spec/or/v1p1/scope/"
    scopes = f"{v1p1}roster.createput {v1p1}roster.delete roster-demographics.createput roster-demographics.delete"
    result = _serve(monkeypatch, "--database", "sqlite://", "--scopes", scopes)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("client_id", "client_secret", "option"),
    [("", "secret", "--client-id"), ("id", "", "--client-secret"), ("", "", "--client-id")],
)
def test_serve_refuses_an_empty_client_id_or_secret(
    monkeypatch: pytest.MonkeyPatch, client_id: str, client_secret: str, option: str
) -> None:
    # (an empty id served a generated one that was never printed; an empty secret a generated one, printed)
    result = _serve(monkeypatch, "--database", "sqlite://", "--client-id", client_id, "--client-secret", client_secret)
    _refused(result, option, "must not be empty")
    assert "export TIMEBACK_CLIENT_SECRET" not in result.output
    assert "export TIMEBACK_CLIENT_SECRET" not in result.output


def test_serve_refuses_a_client_id_without_a_secret_naming_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    # (a CI job gives the client by variables, and a secret a workflow cannot read, as on a pull request from a fork,
    # is empty, which click takes for unset: the refusal spoke only of --client-id and --client-secret, options the
    # job never gave)
    monkeypatch.setenv("TIMEBACK_SERVE_CLIENT_ID", "ci-client")
    monkeypatch.setenv("TIMEBACK_SERVE_CLIENT_SECRET", "")
    result = _serve(monkeypatch, "--database", "sqlite://")
    assert result.exit_code == 2, result.output
    assert "TIMEBACK_SERVE_CLIENT_ID and TIMEBACK_SERVE_CLIENT_SECRET" in result.output, result.output


@pytest.mark.parametrize(
    ("variable", "option"),
    [("TIMEBACK_SERVE_CLIENT_SECRET", "--client-secret"), ("TIMEBACK_SERVE_CLIENT_ID", "--client-id")],
)
def test_serve_refuses_a_client_with_no_utf8_form_naming_it_not_showing_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, option: str
) -> None:
    # (a byte of another encoding in the variable, 0xE9, read as '\udce9': a 48-line traceback, exit 1)
    monkeypatch.setenv("TIMEBACK_SERVE_CLIENT_ID", "ci-client")
    monkeypatch.setenv("TIMEBACK_SERVE_CLIENT_SECRET", "ci-secret")
    monkeypatch.setenv(variable, "latin1-9f3a\udce9")
    result = _serve(monkeypatch, "--database", "sqlite://")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # (a usage error, not a traceback)
    assert f"{option} ({variable}) holds a character that cannot be encoded as UTF-8" in result.output, result.output
    assert "latin1-9f3a" not in result.output


@pytest.mark.parametrize(
    ("host", "url"),
    [("::1", "http://[::1]:8123"), ("127.0.0.1", "http://127.0.0.1:8123"), ("0.0.0.0", "http://127.0.0.1:8123"),
     ("::", "http://[::1]:8123"), ("0", "http://127.0.0.1:8123"), ("0.0.0", "http://127.0.0.1:8123"),
     ("::0", "http://[::1]:8123"), ("0:0:0:0:0:0:0:0", "http://[::1]:8123"), ("localhost", "http://localhost:8123")],
)  # fmt: skip
def test_serve_prints_a_url_the_sdk_can_use(monkeypatch: pytest.MonkeyPatch, host: str, url: str) -> None:
    # (an IPv6 host was printed as http://::1:8123, which httpx refuses: InvalidURL "Invalid port"; a server on
    # every interface as http://0.0.0.0:8123, no address to connect to: its loopback is)
    port = _free_port()
    url = url.replace("8123", str(port))
    result = _serve(monkeypatch, "--database", "sqlite://", "--host", host, "--port", str(port))
    assert result.exit_code == 0, result.output
    assert f"export TIMEBACK_BASE_URL={url}\n" in result.output
    assert f"export TIMEBACK_TOKEN_URL={url}/oauth2/token\n" in result.output
    # (every interface spelled otherwise, `--host 0` or `::0`, printed http://0:8123 and the variable for off loopback)
    assert "TIMEBACK_INSECURE_TRANSPORT" not in result.output, result.output


def test_serve_on_another_address_prints_the_insecure_transport_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Served on an address other than loopback, the printed exports work: the SDK refuses plain http:// to such a
    host unless TIMEBACK_INSECURE_TRANSPORT=1, so that is printed too (and not for loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # (UDP: nothing is sent; the address a route out would use)
        except OSError:
            pytest.skip("no address other than loopback")
        host = probe.getsockname()[0]
    if ipaddress.ip_address(host).is_loopback:
        pytest.skip("no address other than loopback")
    port = _free_port()
    result = _serve(monkeypatch, "--database", "sqlite://", "--host", host, "--port", str(port))
    assert result.exit_code == 0, result.output
    assert f"export TIMEBACK_BASE_URL=http://{host}:{port}\n" in result.output
    assert "export TIMEBACK_INSECURE_TRANSPORT=1" in result.output
    loopback = _serve(monkeypatch, "--database", "sqlite://", "--host", "127.0.0.1")
    assert loopback.exit_code == 0 and "TIMEBACK_INSECURE_TRANSPORT" not in loopback.output, loopback.output


@pytest.mark.parametrize(
    ("option", "value"),
    [("--token-failure-window", "0"), ("--token-failure-window", "-1"), ("--token-failure-window", "nan"),
     ("--token-failure-window", "inf"), ("--token-failure-window", "1e300"), ("--token-max-failures", "-1")],
)  # fmt: skip
def test_serve_refuses_a_failed_login_limit_that_would_not_limit(
    monkeypatch: pytest.MonkeyPatch, option: str, value: str
) -> None:
    # (a window of 0, -1 or NaN counted no failure at all: the limit was silently off; inf locked a client for good;
    # 1e300 answered a Retry-After of 301 digits)
    result = _serve(monkeypatch, "--database", "sqlite://", option, value)
    assert result.exit_code == 2, result.output
    assert "Invalid value for" in result.output and option in result.output, result.output


def test_serve_says_a_failed_login_window_must_be_finite(monkeypatch: pytest.MonkeyPatch) -> None:
    # (inf was refused as "must be a positive number of seconds", which it is)
    result = _serve(monkeypatch, "--database", "sqlite://", "--token-failure-window", "inf")
    _refused(result, "--token-failure-window", "must be a finite number of seconds above 0")


def test_demo_runs_with_a_proxy_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # (its server is on loopback in this process, but the SDK's client sent every call to the proxy that
    # HTTP_PROXY names, as most company machines set it: "connection failed" for the token, and the demo ended)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(_app(), ["demo"])
    assert result.exit_code == 0, result.output
    assert "Gradebook: class-math-7a" in result.output


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_serve_stopped_with_sigterm_exits_0_with_the_database_closed(tmp_path: Path, name: str) -> None:
    # (CI stops a background server with SIGTERM and checks its exit, `kill $PID; wait $PID` under `set -e`: one
    # process was killed by the signal uvicorn raises again after its graceful stop, exit 143 (-15), where Ctrl-C and
    # --workers 2 exited 0. SIGHUP, the terminal closed, killed it: exit 129 (-1), -wal and -shm left.)
    import signal

    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}"]  # fmt: skip
    # (SIGHUP as a terminal leaves it: a suite run under nohup handed its children SIGHUP ignored, which serve keeps)
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))  # fmt: skip
    with _reaped(proc):
        try:
            _until_healthy(proc, port)
        finally:
            proc.send_signal(getattr(signal, name))
            try:
                output, _ = proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:  # (what it said, and no process left to the next test)
                proc.kill()
                pytest.fail(f"still running 20 s after {name}; its output:\n{proc.communicate()[0]}")
    assert proc.returncode == 0, output
    assert "Application shutdown complete" in output and "Traceback" not in output, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db", "t.db-writer"]  # (no -wal, -shm: closed)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signals ignored from Linux's /proc")
def test_serve_under_nohup_in_the_background_serves_on_through_sighup_and_stops_on_sigterm(tmp_path: Path) -> None:
    # (README: SIGHUP stops one process as SIGTERM does, unless it is ignored: `nohup timeback serve &` serves on. A
    # background job of a script starts with SIGINT ignored too, left so while serve starts.)
    import signal

    def as_nohup_in_the_background() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=as_nohup_in_the_background)  # fmt: skip
    with _reaped(proc):
        _until_healthy(proc, port)
        ignored = re.search(r"^SigIgn:\s*([0-9a-f]+)$", Path(f"/proc/{proc.pid}/status").read_text(), re.MULTILINE)
        assert ignored and int(ignored[1], 16) & 1 << (signal.SIGHUP - 1), ignored  # (not a handler that stops it)
        proc.send_signal(signal.SIGHUP)
        assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Application shutdown complete" in output and "Traceback" not in output, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db", "t.db-writer"]  # (no -wal, -shm: closed)


def test_serve_with_faults_says_so_and_logs_each_cut_as_a_fault_not_an_error(tmp_path: Path) -> None:
    # (README, Fault injection: each fault logged at INFO with its request id; a connection cut on purpose is no error
    # of the server's, which uvicorn would log as "ASGI callable returned without completing response")
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--faults", "close=1,seed=3"]  # fmt: skip
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)) as proc:
        _until_healthy(proc, port)  # (/health is never faulted)
        for n in range(2):
            with pytest.raises(httpx.RemoteProtocolError):  # (cut after the status line)
                httpx.get(f"http://127.0.0.1:{port}{_GB}/categories/?n={n}")
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Injecting faults: close=1,seed=3\n" in output, output
    logged = re.findall(rf"INFO: +injected fault close on GET {_GB}/categories/, request_id=\w+\n", output)
    assert len(logged) == 2, output
    assert "without completing response" not in output and "Traceback" not in output, output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_with_its_output_closed_serves_and_stops_with_the_database_closed(tmp_path: Path, workers: str) -> None:
    # (`serve >&-`: uvicorn's logging setup asked sys.stdout, None, isatty(): a traceback, exit 1, -wal and -shm left)
    import signal

    port, database = _free_port(), tmp_path / "t.db"
    command = ["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-c", "from timeback._cli import main; main()",
               "serve", "--port", str(port), "--database", f"sqlite:///{database}", "--workers", workers]  # fmt: skip
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    with _reaped(proc):
        try:
            _until_healthy(proc, port)
            # (its number was the next file's: the -writer lock, with --workers the listening socket, everywhere)
            assert os.readlink(f"/proc/{proc.pid}/fd/1") == os.devnull
        finally:
            proc.send_signal(signal.SIGTERM)
            _, errors = proc.communicate(timeout=30)
    assert proc.returncode == 0, errors
    assert "Traceback" not in errors and "Application startup complete" in errors, errors
    assert not list(tmp_path.glob("t.db-[ws][ah][lm]"))  # (no -wal, -shm: closed)


def _open_files_limit(pid: int) -> int:
    """The soft limit on open files of process ``pid``, as /proc shows it."""
    with open(f"/proc/{pid}/limits") as limits:
        return int(next(line for line in limits if line.startswith("Max open files")).split()[3])


@pytest.mark.skipif(not os.path.exists("/proc/self/limits"), reason="reads the limits in /proc (Linux)")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_raises_its_open_files_limit_to_the_hard_one(tmp_path: Path, workers: str) -> None:
    # (at the usual soft limit, 1,024, 1,100 idle connections took every descriptor: reads were 500, /health blamed
    # the database, with --workers writes failed too; the hard limit is commonly far higher)
    import resource
    import signal

    from timeback.server.app import OPEN_FILES_CAP

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    raised = OPEN_FILES_CAP if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES_CAP)
    if raised <= 256:
        pytest.skip(f"the hard limit on open files is {hard}")
    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}", "--workers", workers]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)))  # fmt: skip
    with _reaped(proc):
        try:
            _until_healthy(proc, port)
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as children:
                serving = [proc.pid, *map(int, children.read().split())]  # (with --workers, the workers too)
            assert [_open_files_limit(pid) for pid in serving] == [raised] * len(serving)
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=30)
    assert f"Open files limit raised from 256 to {raised}" in output, output


@pytest.mark.skipif(sys.platform == "win32", reason="no resource module (nor open-files limit) on Windows")
@pytest.mark.parametrize(
    ("hard", "most", "raised", "said"),
    [
        # macOS as shipped: 256 of unlimited, setrlimit refusing past kern.maxfilesperproc (24,576): it was left at 256
        (None, 24576, 10240, "Open files limit raised from 256 to 10240; 65536 refused (over kern.maxfilesperproc)"),
        # a hard limit of 2**30 (some container runtimes): it was the soft one
        (2**30, None, 65536, "Open files limit raised from 256 to 65536"),
        (4096, None, 4096, "Open files limit raised from 256 to 4096"),
        # nothing taken: it was left at 256, silently
        (
            None,
            0,
            256,
            "Open files limit left at 256; 65536 refused (over kern.maxfilesperproc); 10240 refused "
            "(over kern.maxfilesperproc): raise it (ulimit -n) for many connections",
        ),
    ],
    ids=["macos", "huge-hard", "hard", "refused"],
)
def test_serve_raises_its_open_files_limit_within_what_the_system_takes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, hard: int | None, most: int | None,
    raised: int, said: str,
) -> None:  # fmt: skip
    # (the system's limits faked: this machine's are whatever they are, and the test process's are not to change)
    import resource

    from timeback.server import app

    limits = [256, resource.RLIM_INFINITY if hard is None else hard]

    def setrlimit(which: int, asked: tuple[int, int]) -> None:
        assert which == resource.RLIMIT_NOFILE and asked[1] == limits[1]
        if most is not None and asked[0] > most:
            raise ValueError("over kern.maxfilesperproc")
        limits[0] = asked[0]

    monkeypatch.setattr(resource, "getrlimit", lambda which: tuple(limits))
    monkeypatch.setattr(resource, "setrlimit", setrlimit)
    with caplog.at_level(logging.INFO, logger="timeback.server"):
        app.raise_open_files_limit()
    assert limits[0] == raised
    assert [r.getMessage() for r in caplog.records if r.name == "timeback.server"] == [said]


def test_demo_that_cannot_write_its_output_says_so_in_a_line() -> None:
    # (`timeback demo >/dev/full`: an 86-line traceback of rich's console, where serve says so in a line)
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "demo"]
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == ["timeback: cannot write the demo's output: No space left on device"]


def test_demo_without_a_writable_temporary_directory_says_to_set_tmpdir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (no usable one: a 60-line traceback of tempfile's FileNotFoundError, "No usable temporary directory found in")
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "_candidate_tempdir_list", lambda: [str(tmp_path / "missing")])
    result = CliRunner().invoke(_app(), ["demo"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "timeback: the demo could not run: no writable temporary directory (set TMPDIR to one)"
    ]


def _roster_without_classes() -> dict[str, Any]:
    roster = demo_roster()
    del roster["classes"], roster["enrollments"]
    return roster


def _unwritable_roster() -> dict[str, Any]:
    raise PermissionError(13, "Permission denied", "/tmp/timeback-demo-x/roster.json")


@pytest.mark.parametrize(
    ("roster", "reason"),
    [
        # (the server's answer to the SDK: its error; a full disk's 507, loopback down: tracebacks of 115-390 lines)
        (_roster_without_classes, "404: "),
        ({"users": [{"sourcedId": "u"}]}, "users"),  # (a seed the server refuses)
        (_unwritable_roster, "Permission denied (/tmp/timeback-demo-x/roster.json)"),  # (a file it cannot write)
    ],
)
def test_demo_that_fails_says_why_in_a_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, roster: Any, reason: str
) -> None:
    import tempfile

    from timeback import _demo

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(_demo, "demo_roster", roster if callable(roster) else lambda: roster)
    result = CliRunner().invoke(_app(), ["demo"])
    assert result.exit_code == 1, result.output
    failure = [line for line in result.output.splitlines() if line.startswith("timeback:")]
    assert len(failure) == 1 and failure[0].startswith("timeback: the demo could not run: "), result.output
    assert reason in failure[0], result.output
    assert "Traceback" not in result.output, result.output
    assert list(tmp_path.iterdir()) == []  # (its temporary directory removed)


# Sends this process SIGTERM once, as the demo's SDK first connects to its server (after its first lines).
_TERMINATE_AT_CONNECT = """import os, signal, sys
def _hook(event, args):
    if event == "socket.connect" and os.environ.pop("TERMINATE_AT_CONNECT", None):
        os.kill(os.getpid(), signal.SIGTERM)
sys.addaudithook(_hook)
"""


def test_demo_stopped_with_sigterm_exits_130_removing_its_temporary_directory(tmp_path: Path) -> None:
    # (the default SIGTERM killed it, exit 143, with its temporary directory left: 3 MB each time)
    hook, temporary = tmp_path / "hook", tmp_path / "tmp"
    hook.mkdir()
    temporary.mkdir()
    (hook / "sitecustomize.py").write_text(_TERMINATE_AT_CONNECT)
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "demo"]
    environment = child_environment(hook, TMPDIR=str(temporary), TERMINATE_AT_CONNECT="1")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    with _reaped(proc):
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, output
    assert "Started a local Timeback-compatible server" in output and "Gradebook" not in output, output
    assert "Traceback" not in output, output
    assert list(temporary.iterdir()) == []


def test_demo_run_in_a_thread_other_than_the_main_one_runs() -> None:
    # (an embedding program's thread, a test runner's: setting its SIGTERM handler failed there, ValueError, exit 1)
    import signal

    before = signal.getsignal(signal.SIGTERM)
    results: list[Result] = []
    runner = threading.Thread(target=lambda: results.append(CliRunner().invoke(_app(), ["demo"])))
    runner.start()
    runner.join()
    assert results[0].exit_code == 0, (results[0].output, results[0].exception)
    assert "student-1 scored 85.5" in results[0].output
    assert signal.getsignal(signal.SIGTERM) is before


def test_main_called_in_process_leaves_sigterm_as_it_found_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # (it left SIGTERM raising KeyboardInterrupt in the process that called it: a wrapper script, a test)
    import signal

    from timeback._cli import main

    monkeypatch.setattr(sys, "argv", ["timeback", "--help"])
    before = signal.getsignal(signal.SIGTERM)
    assert before is not signal.default_int_handler
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert "Commands" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_a_stop_while_the_command_imports_exits_130_quietly(tmp_path: Path, command: str, stop: str) -> None:
    # (in its first second or two: SIGTERM killed it, exit 143, and Ctrl-C printed a KeyboardInterrupt traceback)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_STOP_AT)
    arguments = [sys.executable, "-c", "from timeback._cli import main; main()", command]
    environment = child_environment(hook, STOP_AT="import:uvicorn", STOP_SIGNAL=stop)
    proc = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    with _reaped(proc):
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, output
    assert output == "", output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("variables", "colours"),
    [({}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, True), ({"TERM": "dumb"}, False)],
)
def test_serve_logs_without_colours_where_no_color_or_a_dumb_terminal_says_so(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], colours: bool
) -> None:
    # (uvicorn coloured its lines on a terminal all the same)
    from timeback.server.access_log import serve_log_config

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.setattr(sys, "stderr", _Terminal())
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    formatters = serve_log_config()["formatters"]
    assert {formatter.get("use_colors") for formatter in formatters.values()} == {colours}


@pytest.mark.parametrize("terminal", ["stdout", "stderr"])
def test_serve_colours_each_log_stream_as_it_is_a_terminal(monkeypatch: pytest.MonkeyPatch, terminal: str) -> None:
    # (uvicorn's formatters asked stdout for both: stderr into a file was coloured when stdout was a terminal)
    from timeback.server.access_log import serve_log_config

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name in ("stdout", "stderr"):
        monkeypatch.setattr(sys, name, _Terminal() if name == terminal else io.StringIO())
    formatters = serve_log_config()["formatters"]
    # (the access log on stdout, the server's and uvicorn's own lines on stderr)
    assert {name: formatters[name]["use_colors"] for name in ("access", "default")} == {
        "access": terminal == "stdout",
        "default": terminal == "stderr",
    }


@pytest.mark.parametrize(("options", "info"), [([], True), (["--log-level", "error", "--workers", "2"], False)])
def test_serve_logs_its_own_lines_with_a_level_at_the_level_asked(
    tmp_path: Path, options: list[str], info: bool
) -> None:
    # (the server's own errors went to logging.lastResort: no "ERROR:" before them as uvicorn's lines have, and no
    # way to set a level)
    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}", *options]  # fmt: skip
    with _reaped(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)
        database.unlink()
        assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 503  # (logged by the storage, once)
        proc.terminate()
        _, errors = proc.communicate(timeout=30)
    assert f"ERROR:    the database file {database} was removed or replaced while the server ran" in errors, errors
    assert ("INFO:     Application startup complete." in errors) is info, errors


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_access_log_into_a_pipe_whose_reader_went_away_is_dropped_in_one_line(
    tmp_path: Path, workers: str
) -> None:
    # (``serve --access-log | head -1``: each request printed an 87-line "--- Logging error ---" on stderr)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log"]  # fmt: skip
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)  # (the banner written: into the pipe's buffer)
        assert proc.stdout is not None
        proc.stdout.close()  # (head -1 exits)
        for _ in range(3):
            assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
        proc.terminate()
        assert proc.stderr is not None
        with proc.stderr:
            errors = proc.stderr.read()
        assert proc.wait(timeout=30) == 0, errors
    assert "Logging error" not in errors and "Traceback" not in errors, errors
    dropped = "WARNING:  the access log's reader went away (broken pipe): its lines are dropped from now on"
    assert 1 <= errors.count(dropped) <= int(workers), errors  # (one line in each worker that served a request)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_that_cannot_write_its_output_says_so_in_a_line_with_the_database_closed(
    tmp_path: Path, workers: str
) -> None:
    # (stdout on a full disk: a traceback)
    database = tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(_free_port()),
               "--database", f"sqlite:///{database}", "--workers", workers]  # fmt: skip
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == ["timeback: cannot write the server's output: No space left on device"]
    assert database.exists() and not list(tmp_path.glob("t.db-[ws][ah][lm]"))  # (no -wal, -shm: closed)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_stopped_while_a_client_trickles_a_body_exits_within_its_grace(tmp_path: Path, workers: str) -> None:
    """A body sent a byte at a time resets every timer: SIGTERM waited for it forever (a second SIGTERM too), where
    CI's `kill; wait` and `docker stop` expect an exit. Now the stop waits ``SHUTDOWN_GRACE_SECONDS`` for requests in
    flight, then closes their connections, and exits 0 with the database closed."""
    import contextlib
    import signal

    from timeback._cli import SHUTDOWN_GRACE_SECONDS

    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}", "--workers", workers]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stop, trickler = threading.Event(), socket.socket()
    try:
        _until_healthy(proc, port)
        trickler.connect(("127.0.0.1", port))
        trickler.sendall(b"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                         b"\r\nContent-Length: 1000\r\n\r\ng")  # fmt: skip

        def trickle() -> None:
            while not stop.wait(0.5):
                with contextlib.suppress(OSError):
                    trickler.sendall(b"r")

        threading.Thread(target=trickle, daemon=True).start()
        time.sleep(1)  # (the request in flight)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=SHUTDOWN_GRACE_SECONDS + 15)
    finally:
        stop.set()
        trickler.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm"))], output  # (closed)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_interrupted_twice_while_it_stops_still_shuts_the_app_down(tmp_path: Path, workers: str) -> None:
    """A second Ctrl-C while the stop waits for a request (uvicorn's "CTRL+C to force quit") skipped the app's
    shutdown: one process printed a CancelledError traceback, and workers left the -wal and -shm; the client got
    its connection cut. Now it ends the grace at once (one process) or changes nothing (workers, whose supervisor
    stops them): the request is answered 503 and the database closed."""
    import signal

    from timeback._cli import SHUTDOWN_GRACE_SECONDS

    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}", "--workers", workers]  # fmt: skip
    # (in a process group of its own, as a terminal's: Ctrl-C reaches serve and its workers, not pytest)
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    with _reaped(proc), socket.socket() as trickler:
        _until_healthy(proc, port)
        trickler.connect(("127.0.0.1", port))
        trickler.sendall(b"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                         b"\r\nContent-Length: 1000\r\n\r\ng")  # fmt: skip
        time.sleep(0.5)  # (the request in flight)
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.5)  # (into the stop)
        os.killpg(proc.pid, signal.SIGINT)
        output, _ = proc.communicate(timeout=SHUTDOWN_GRACE_SECONDS + 15)
        trickler.settimeout(15)
        answer = trickler.recv(4096)
    assert proc.returncode == 0, output
    assert "Traceback" not in output and "Application shutdown complete" in output, output
    assert answer.startswith(b"HTTP/1.1 503 "), answer
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm"))], output  # (closed)


def test_serve_with_workers_refuses_connections_once_it_stops(tmp_path: Path) -> None:
    """The supervisor kept its copy of the listening socket while the workers stopped: a connection made then waited
    unaccepted (an SDK call hung up to the grace, then failed), and a server started on the port was refused it."""
    import select
    import signal

    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    refused = False
    with _reaped(proc), socket.socket() as trickler:
        _until_healthy(proc, port)
        trickler.connect(("127.0.0.1", port))  # (holds the stop for its grace: a body still coming)
        trickler.sendall(b"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\ng")
        time.sleep(0.5)  # (the request in flight)
        proc.send_signal(signal.SIGTERM)
        # (while the stop still waits for that request, unanswered; connected: queued, to be reset unaccepted)
        while not refused and proc.poll() is None and not select.select([trickler], [], [], 0)[0]:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                time.sleep(0.1)
            except ConnectionRefusedError:
                refused = True
            except OSError:  # (a timeout, a reset)
                pass
        output, _ = proc.communicate(timeout=30)
    assert refused, output
    assert proc.returncode == 0, output


# A listing of categories that reads on until SQLite stops it (its progress handler, ``interrupt()``): a read longer
# than a stop's grace. READING_MARK is made once it reads.
_ENDLESS_READ = """import os, pathlib
import timeback.server.storage.sql as sql
_list = sql.SqlStorage.list
def _endless(self, coll, query):
    if coll.name == "categories":
        with self._read() as conn:
            pathlib.Path(os.environ["READING_MARK"]).touch()
            conn.exec_driver_sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r")
    return _list(self, coll, query)
sql.SqlStorage.list = _endless
"""


def test_serve_stopped_during_a_read_longer_than_its_grace_exits_with_the_database_closed(tmp_path: Path) -> None:
    """A read still running when the grace ended kept its connection: the database was closed under it, the -wal and
    -shm were left (the writes acknowledged meanwhile in the -wal alone), and the process waited at exit for the read
    (up to --query-timeout, forever with 0). Closing the storage now stops its reads first."""
    import signal
    import sqlite3

    from timeback._cli import SHUTDOWN_GRACE_SECONDS

    hook, database, reading = tmp_path / "hook", tmp_path / "t.db", tmp_path / "reading"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_ENDLESS_READ)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}", "--query-timeout", "0", "--client-id", "id",
               "--client-secret", "secret"]  # fmt: skip
    environment = child_environment(hook, READING_MARK=str(reading))
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    answers: list[object] = []
    with _reaped(proc):
        _until_healthy(proc, port)
        client = Timeback(base_url=f"http://127.0.0.1:{port}", client_id="id", client_secret="secret", max_retries=0)

        def read() -> None:
            try:
                answers.append(client.oneroster.gradebook.get_all_categories())
            except Exception as exc:
                answers.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        while not reading.exists() and proc.poll() is None:
            time.sleep(0.02)
        for n in range(20):  # (acknowledged while the read runs)
            client.oneroster.gradebook.put_category(sourced_id=f"c-{n}", category={"title": f"C {n}"})
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=SHUTDOWN_GRACE_SECONDS + 15)
        reader.join(timeout=15)
    assert proc.returncode == 0, output
    assert "Traceback" not in output, output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("t.db")) == ["t.db", "t.db-writer"]
    with contextlib.closing(sqlite3.connect(database)) as stored:  # (the file alone holds every acknowledged write)
        assert stored.execute("SELECT count(*) FROM categories").fetchone() == (20,)
    # (the read stopped, answered as a request the stop cancelled)
    assert len(answers) == 1 and getattr(answers[0], "status_code", None) == 503, answers


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_takes_connections_once_it_prints_how_to_use_it(tmp_path: Path, workers: str) -> None:
    # (the banner and the dev client came before the port was listened on: the workers listen once they have
    # imported and built the app, here 4.5 s later, and the SDK called with the printed variables right away failed,
    # APIConnectionError "Connection refused", its retries spent; one process listened about 0.3 s after it, and a
    # connection made at once, as a CI script's curl, was refused)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        env: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(env) < 4 and proc.poll() is None and time.monotonic() < deadline:
            match = re.match(r"\s*export (TIMEBACK_\w+)=(\S+)", proc.stdout.readline() if proc.stdout else "")
            if match:
                env[match.group(1)] = match.group(2)
        assert len(env) == 4, env
        socket.create_connection(("127.0.0.1", port), timeout=5).close()  # (no health poll: the banner says it)
        with Timeback(
            client_id=env["TIMEBACK_CLIENT_ID"], client_secret=env["TIMEBACK_CLIENT_SECRET"],
            base_url=env["TIMEBACK_BASE_URL"], token_url=env["TIMEBACK_TOKEN_URL"], timeout=60,
        ) as client:  # fmt: skip
            client.oneroster.gradebook.put_category(sourced_id="at-once", category={"title": "Right away"})
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output


def test_serve_with_workers_keeps_a_worker_slow_to_build_its_app(tmp_path: Path) -> None:
    # (uvicorn's supervisor kills a worker that does not answer its health check within 5 s, and starts another. A
    # worker answers once the config it was sent is unpickled, and the config named serve's protocol class: its
    # import, the whole server's (1.6 s unloaded), came before the answers. A worker slow to import, a loaded
    # machine, was killed as hung, and the next one too. Here an import of the app slowed down by 7 s in the workers.)
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text(
        "import sys, time\n"
        "if '--multiprocessing-fork' in sys.argv:  # (a worker, spawned)\n"
        "    class SlowApp:\n"
        "        def find_spec(self, name, path=None, target=None):\n"
        "            if name == 'timeback.server.app':\n"
        "                sys.meta_path.remove(self)\n"
        "                time.sleep(7)\n"
        "    sys.meta_path.insert(0, SlowApp())\n"
    )
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", "2"]  # fmt: skip
    environment = child_environment(slow)
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    try:
        assert proc.stdout is not None
        assert any("Timeback-compatible server on" in proc.stdout.readline() for _ in range(2))
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=60).status_code == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert " died" not in output, output  # (uvicorn's "Child process [...] died", 5 s after it started)


def test_serve_with_workers_refuses_a_port_taken_since_its_check_as_a_bad_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The port can be taken between serve's check and its listening (while the database is made and seeded): with
    --workers, uvicorn's own bind logged the error and exited 3 from inside serve, where the check's line (exit 1) is
    what the same cause gives a moment earlier."""
    from timeback import _cli

    monkeypatch.setattr(_cli, "_check_can_listen", lambda host, port: None)  # (the port taken after the check)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = _serve(
            monkeypatch, "--database", f"sqlite:///{tmp_path / 'race.db'}", "--workers", "2", "--port", port
        )
    _could_not_start(result, f"cannot listen on 127.0.0.1:{port}: Address already in use (another process listens "
                             "there; --port 0 takes a free port)")  # fmt: skip


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_access_log_redacts_secrets_in_query_strings(tmp_path: Path, workers: str) -> None:
    # (uvicorn's access log writes each request's path with its query: a client that put its secret or a token in a
    # URL had it written to the log, though the token endpoint refuses credentials there)
    port, secret, token = _free_port(), "query-secret-71c4", "query-token-2b9e"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _until_healthy(proc, port, seconds=30)
        base = f"http://127.0.0.1:{port}"
        refused = httpx.post(
            f"{base}/oauth2/token?client_id=someone&client_secret={secret}&keep=1",
            data={"grant_type": "client_credentials"},
        )
        assert refused.status_code == 400
        assert httpx.get(f"{base}/health?access_token={token}&Client%5FSecret={secret}").status_code == 200
        assert httpx.get(f"{base}/health?token={token}&api_key={secret}&limit=1").status_code == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert secret not in output and token not in output, output
    assert '"POST /oauth2/token?client_id=someone&client_secret=[redacted]&keep=1 HTTP/1.1" 400' in output, output
    assert '"GET /health?access_token=[redacted]&Client%5FSecret=[redacted] HTTP/1.1" 200' in output, output
    assert '"GET /health?token=[redacted]&api_key=[redacted]&limit=1 HTTP/1.1" 200' in output, output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_with_log_timestamps_begins_each_log_line_with_its_time(tmp_path: Path, workers: str) -> None:
    # (an operator correlating the server's lines with a CI job's had no time on them; off by default, as uvicorn's)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log"]  # fmt: skip
    env = {**os.environ, "TIMEBACK_SERVE_LOG_TIMESTAMPS": "1", "NO_COLOR": "1"}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        _until_healthy(proc, port, seconds=30)
        assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} "
    logged = [line for line in output.splitlines() if re.match(r"(\S+ )?(INFO|WARNING|ERROR):", line)]
    access = [line for line in logged if '"GET /health HTTP/1.1" 200' in line]
    assert access and any("Application startup complete" in line or "Started" in line for line in logged), output
    assert all(re.match(stamp + r"(INFO|WARNING|ERROR):", line) for line in logged), output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_at_log_level_trace_writes_no_query_secret(tmp_path: Path, workers: str) -> None:
    # (uvicorn's trace of each request, "ASGI [n] Started scope={...}", held its raw query string: the secret and the
    # tokens the access log's line below it showed as [redacted] were in clear there)
    port, secret, token, password = _free_port(), "query-secret-5d1e", "query-token-8a0c", "hunter2-query-77f3"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log",
               "--log-level", "trace"]  # fmt: skip
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)
        base = f"http://127.0.0.1:{port}"
        refused = httpx.post(
            f"{base}/oauth2/token?grant_type=client_credentials&client_id=someone&client_secret={secret}"
        )
        assert refused.status_code == 400
        users = "/ims/oneroster/rostering/v1p2/users"
        listed = httpx.get(f"{base}{users}?access_token={token}&password={password}&Refresh%5FToken={token}&limit=1")
        assert listed.status_code == 401
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    for hidden in (secret, token, password):
        assert hidden not in output, output
    # (the lines are still written, the values redacted)
    query = "'query_string': b'grant_type=client_credentials&client_id=someone&client_secret=[redacted]'"
    assert "'path': '/oauth2/token'" in output and query in output, output
    query = "'query_string': b'access_token=[redacted]&password=[redacted]&Refresh%5FToken=[redacted]&limit=1'"
    assert f"'path': '{users}'" in output and query in output, output
    assert 'client_id=someone&client_secret=[redacted] HTTP/1.1" 400' in output, output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_access_log_names_each_requests_id(tmp_path: Path, workers: str) -> None:
    # (the answer's X-Request-Id, which the SDK's errors show, finds the request's line in the log)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log"]  # fmt: skip
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)
        made = httpx.get(f"http://127.0.0.1:{port}/health?n=1").headers["X-Request-Id"]
        sent = httpx.get(f"http://127.0.0.1:{port}/nowhere?n=2", headers={"X-Request-Id": "trace-7f3a"})
        assert sent.status_code == 404 and sent.headers["X-Request-Id"] == "trace-7f3a"
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    lines = [[line for line in output.splitlines() if f"?n={n} HTTP" in line] for n in (1, 2)]
    assert [len(found) for found in lines] == [1, 1], output
    assert lines[0][0].endswith(f" 200 OK request_id={made}"), lines
    assert lines[1][0].endswith(" 404 Not Found request_id=trace-7f3a"), lines


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_access_log_names_the_peer_not_what_x_forwarded_for_says(tmp_path: Path, workers: str) -> None:
    # (uvicorn trusted X-Forwarded-For from loopback by default: any local client's header was the line's client,
    # verbatim, a space, quote or tab in it forging the line's fields, which request ids are restricted against)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log"]  # fmt: skip
    forged = ['a b c - "GET /admin HTTP/1.1" 200 OK', "evil\tTAB", "203.0.113.9"]
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)
        with httpx.Client() as http:
            for n, sent in enumerate(forged):
                answer = http.get(f"http://127.0.0.1:{port}/health?xff={n}", headers={"X-Forwarded-For": sent})
                assert answer.status_code == 200
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    lines = [line for line in output.splitlines() if "?xff=" in line]
    assert len(lines) == len(forged), output
    for line in lines:
        assert re.search(r' 127\.0\.0\.1:\d+ - "GET /health\?xff=\d HTTP/1\.1" 200 OK request_id=\w+$', line), line
    assert "/admin" not in output and "evil" not in output and "203.0.113.9" not in output, output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_access_log_writes_a_forwarded_client_that_is_no_address_as_a_dash(tmp_path: Path, workers: str) -> None:
    # (behind a proxy --forwarded-allow-ips names, the line's client is X-Forwarded-For's entry as the client wrote
    # it, through nginx's $proxy_add_x_forwarded_for or a "*": a space or quote in it forged the line's fields)
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log",
               "--forwarded-allow-ips", "127.0.0.1"]  # fmt: skip
    # (the last: an address's characters only, yet no address: RFC 7239's "unknown")
    forged = ['10.0.0.1 - "GET /admin HTTP/1.1" 200 OK x', 'fe80::1%a "b', "evil\tTAB", "unknown"]
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)
        with httpx.Client() as http:
            for n, sent in enumerate([*forged, "203.0.113.9", "[2001:db8::7]:4711"]):
                answer = http.get(f"http://127.0.0.1:{port}/health?xff={n}", headers={"X-Forwarded-For": sent})
                assert answer.status_code == 200
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    lines = [line for line in output.splitlines() if "?xff=" in line]
    assert len(lines) == len(forged) + 2, output
    for n, client in enumerate(["-"] * len(forged) + ["203.0.113.9:0", "2001:db8::7:4711"]):
        assert f' {client} - "GET /health?xff={n} HTTP/1.1" 200 OK request_id=' in lines[n], lines
    assert "/admin" not in output and '"b' not in output and "evil" not in output and "unknown" not in output, output


_GB = "/ims/oneroster/gradebook/v1p2"
_README = Path(__file__).resolve().parents[1] / "README.md"


def _as_the_readme_recipe_forwards(sent: dict[str, str]) -> dict[str, str]:
    """The headers of a request ``sent`` by a client at 203.0.113.9 over HTTPS as README's nginx recipe forwards
    it: its ``proxy_set_header`` lines' in place of the client's, and the client's others passed on as sent."""
    (recipe,) = re.findall(r"```nginx\n(.*?)```", _README.read_text(), flags=re.S)
    values = {"$http_host": sent["Host"], "$scheme": "https", "$remote_addr": "203.0.113.9"}
    set_by_proxy = {name.lower(): values[value] for name, value in re.findall(r"proxy_set_header (\S+) (\S+);", recipe)}
    return {**{name.lower(): value for name, value in sent.items()}, **set_by_proxy}


@pytest.mark.parametrize(
    ("allowed", "workers", "trusted"),
    [("127.0.0.1", "1", True), ("127.0.0.0/8, ::1", "2", True), ("192.0.2.1", "1", False)],
)
def test_serve_behind_a_proxy_under_a_path_prefix_links_and_documents_it(
    tmp_path: Path, allowed: str, workers: str, trusted: bool
) -> None:
    """Requests as nginx sends them from ``location /oneroster/ { proxy_pass http://server/; ... }``: the prefix taken
    off, nginx's default Host (the upstream's, ``$proxy_host``), the host the client asked for in X-Forwarded-Host,
    its scheme and address in X-Forwarded-Proto and -For. With ``--root-path`` the Link headers, the docs' document
    and the token URL carry the prefix (they lacked it: 404 at the proxy); the host (the Link headers named the
    upstream), the scheme and the client address are the proxy's word only from an address
    ``--forwarded-allow-ips`` names. Then a request as README's nginx recipe forwards it, a client's own
    X-Forwarded-Host in it: the host the client asked for is the links' (before, the recipe set no X-Forwarded-Host:
    nginx passed the client's on, and the client chose the links' host)."""
    port = _free_port()
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, "--access-log",
               "--client-id", "proxied", "--client-secret", "proxied-secret",
               "--root-path", "/oneroster/", "--forwarded-allow-ips", allowed]  # fmt: skip
    as_proxied = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Host": "school.example:8443, proxy.internal",
                  "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}  # fmt: skip
    origin = "https://school.example:8443/oneroster" if trusted else f"http://127.0.0.1:{port}/oneroster"
    with _reaped(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)) as proc:
        _until_healthy(proc, port, seconds=30)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=as_proxied) as http:
            form = {"grant_type": "client_credentials", "client_id": "proxied", "client_secret": "proxied-secret"}
            http.headers["Authorization"] = "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]
            for n in range(3):
                assert http.put(f"{_GB}/categories/proxied-{n}", json={"category": {"title": "Proxied"}}).is_success
            page = http.get(f"{_GB}/categories", params={"limit": "1", "offset": "1", "proxied": "1"})
            assert page.status_code == 200, page.text
            links = {rel: link["url"] for rel, link in page.links.items()}
            assert links == {rel: f"{origin}{_GB}/categories?limit=1&offset={offset}&proxied=1"
                             for rel, offset in [("first", 0), ("prev", 0), ("next", 2), ("last", 2)]}, links  # fmt: skip
            sent = {"Host": "school.example:8443", "X-Forwarded-Host": "evil.example"}
            page = http.get(f"{_GB}/categories", params={"limit": "1"}, headers=_as_the_readme_recipe_forwards(sent))
            asked = f"{'https' if trusted else 'http'}://school.example:8443/oneroster"
            assert page.links["next"]["url"] == f"{asked}{_GB}/categories?limit=1&offset=1", page.headers["Link"]
            assert "url: '/oneroster/openapi.json'" in http.get("/docs").text
            document = http.get("/openapi.json").json()
            assert document["servers"] == [{"url": "/oneroster"}]
            flow = document["components"]["securitySchemes"]["OAuth2"]["flows"]["clientCredentials"]
            assert flow["tokenUrl"] == "/oneroster/oauth2/token"
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    logged = [line for line in output.splitlines() if "proxied=1" in line]
    client = "203.0.113.9" if trusted else "127.0.0.1"
    assert len(logged) == 1 and f" {client}:" in logged[0], output


# Marks when serve opens the seed file (Python's audit event "open"): the test stops it while it loads the seed.
_MARK_SEED_OPENED = """import os, sys
def _mark(event, args):
    if event == "open" and str(args[0]) == os.environ.get("SEED_FILE"):
        open(os.environ["SEED_FILE"] + ".opened", "w").close()
sys.addaudithook(_mark)
"""


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_stopped_while_it_loads_the_seed_exits_0_storing_nothing(tmp_path: Path, stop: str, workers: str) -> None:
    # (CI's cleanup, `kill $PID; wait $PID`, can come while a large seed loads: SIGTERM killed serve there, exit 143
    # (-15) with the seed's -wal and -shm left, and Ctrl-C exited 130, where a stop once it serves exits 0)
    import signal
    import sqlite3

    hook, seed, database = tmp_path / "hook", tmp_path / "seed.json", tmp_path / "t.db"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_MARK_SEED_OPENED)
    _seed_of_students(seed, 20_000)
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(_free_port()),
               "--database", f"sqlite:///{database}", "--seed", str(seed), "--workers", workers]  # fmt: skip
    environment = child_environment(hook, SEED_FILE=str(seed))
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    with _reaped(proc):
        deadline = time.monotonic() + 30
        while not Path(f"{seed}.opened").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # (into the seed's transaction: 20,000 users take seconds)
        proc.send_signal(getattr(signal, stop))
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Traceback" not in output and "Timeback-compatible server on" not in output, output
    assert "Stopped while starting: nothing of the seed is stored." in output, output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("t.db")) == ["t.db", "t.db-writer"]
    with contextlib.closing(sqlite3.connect(database)) as stored:  # (the seed is one transaction: none of it stored)
        assert stored.execute("SELECT count(*) FROM users").fetchone() == (0,)
        assert stored.execute("SELECT count(*) FROM orgs").fetchone() == (0,)


def _seed_of_students(seed: Path, count: int) -> None:
    """A seed file of a school and ``count`` students of it."""
    school = {"sourcedId": "school-1"}
    users = [{"sourcedId": f"u-{n}", "enabledUser": True, "givenName": "A", "familyName": "B",
              "roles": [{"roleType": "primary", "role": "student", "org": school}]} for n in range(count)]  # fmt: skip
    seed.write_text(json.dumps({"schools": [{"sourcedId": "school-1", "name": "S", "type": "school"}], "users": users}))


# Runs serve (its arguments after the source's), which SIGTERM stops once where STOP_AT says: "commit", as the seed's
# COMMIT returns (where a stop that came while SQLite committed it is raised: the profiler's return from it), or
# "routes", as the app registers its routes (inside create_app).
_STOP_STARTING = """import os, signal, sys
if os.environ["STOP_AT"] == "commit":
    def _profile(frame, event, arg):
        # (the seed's is the transaction that changed rows by the hundred; the schema's changes a few)
        if event == "c_return" and frame.f_code.co_name == "_raw_transaction" and arg.__name__ == "execute":
            raw = frame.f_locals.get("raw")
            if raw is not None and not raw.in_transaction and raw.total_changes >= 100:
                sys.setprofile(None)
                os.kill(os.getpid(), signal.SIGTERM)
    sys.setprofile(_profile)
else:
    from timeback.server.routes import operations
    _register = operations.register
    def _stopping(*args, **kwargs):
        operations.register = _register
        os.kill(os.getpid(), signal.SIGTERM)
        return _register(*args, **kwargs)
    operations.register = _stopping
from timeback._cli import main
main()
"""


@pytest.mark.parametrize(("at", "stored"), [("commit", True), ("routes", False)])
def test_serve_stopped_as_it_starts_says_whether_the_seed_is_stored_and_closes_the_database(
    tmp_path: Path, at: str, stored: bool
) -> None:
    # (a stop once the seed's COMMIT was done, as SQLite ran it or as create_app then registered the routes, said "a
    # seed not wholly loaded is not stored" of a seed stored; one in create_app after the seed left the -wal and -shm:
    # serve had no app to close yet)
    import sqlite3

    seed, database = tmp_path / "seed.json", tmp_path / "t.db"
    _seed_of_students(seed, 200)
    command = [sys.executable, "-c", _STOP_STARTING, "serve", "--port", str(_free_port()), "--database",
               f"sqlite:///{database}", "--seed", str(seed)]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=child_environment(STOP_AT=at))  # fmt: skip
    with _reaped(proc):
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    said = "the seed is stored" if stored else "nothing of the seed is stored"
    assert output.splitlines() == [f"Stopped while starting: {said}."], output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("t.db")) == ["t.db", "t.db-writer"]
    with contextlib.closing(sqlite3.connect(database)) as opened:
        assert opened.execute("SELECT count(*) FROM users").fetchone() == (200 if stored else 0,)


# Stops the process with STOP_SIGNAL once, at the moment STOP_AT names: "gc.freeze" (tune_gc, after the banner, before
# uvicorn runs) or an audit event and its first argument, "import:uvloop" (inside uvicorn's run, before it takes the
# signals over) or "os.putenv:TIMEBACK_SERVE_SUPERVISOR" (--workers, before uvicorn's supervisor takes them).
_STOP_AT = """import gc, os, signal, sys
def _stop():
    if os.environ.pop("STOP_AT", None):  # (once, and not again in a worker spawned later)
        os.kill(os.getpid(), getattr(signal, os.environ["STOP_SIGNAL"]))
_at = os.environ.get("STOP_AT", "")
if _at == "gc.freeze":
    _freeze = gc.freeze
    def _freeze_stopping():
        _stop()
        _freeze()
    gc.freeze = _freeze_stopping
elif _at:
    _event, _, _argument = _at.partition(":")
    def _hook(event, args):
        if event == _event and args and args[0] in (_argument, _argument.encode()):
            _stop()
    sys.addaudithook(_hook)
"""


@pytest.mark.parametrize(
    ("at", "workers", "stop"),
    [
        ("gc.freeze", "1", "SIGTERM"),
        ("gc.freeze", "1", "SIGINT"),
        ("import:uvloop", "1", "SIGTERM"),
        ("os.putenv:TIMEBACK_SERVE_SUPERVISOR", "2", "SIGTERM"),
    ],
)
def test_serve_stopped_just_after_its_banner_exits_0_with_the_database_closed(
    tmp_path: Path, at: str, workers: str, stop: str
) -> None:
    # (CI's `kill $SERVER; wait $SERVER` right after the banner: SIGTERM was still Ctrl-C until uvicorn took it over,
    # the KeyboardInterrupt escaped serve, exit 130, or came inside uvicorn's run before it started, exit 3 with
    # "coroutine 'Server.serve' was never awaited")
    hook, database = tmp_path / "hook", tmp_path / "t.db"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_STOP_AT)
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(_free_port()),
               "--database", f"sqlite:///{database}", "--workers", workers]  # fmt: skip
    environment = child_environment(hook, STOP_AT=at, STOP_SIGNAL=stop)
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    with _reaped(proc):
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "Timeback-compatible server on" in output, output
    assert "Traceback" not in output and "Warning" not in output, output
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm"))]  # (closed)


# A worker (its supervisor is another process) sends SIGINT to its process group once, as it imports uvicorn's config:
# Ctrl-C just after the banner, while the workers still import.
_INTERRUPT_WORKERS = """import os, signal, sys
def _hook(event, args):
    worker = os.environ.get("TIMEBACK_SERVE_SUPERVISOR", str(os.getpid())) != str(os.getpid())
    if worker and event == "import" and args[0] == "uvicorn.config":
        try:
            os.close(os.open(os.environ["INTERRUPTED_MARK"], os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        os.killpg(0, signal.SIGINT)
sys.addaudithook(_hook)
"""


def _serve_workers_interrupted(tmp_path: Path, hook_source: str) -> tuple[int, str]:
    """``serve --workers 2`` on a file in ``tmp_path`` with ``hook_source`` as the children's sitecustomize (which
    makes the file INTERRUPTED_MARK names as it sends Ctrl-C): its exit status and output, once the mark is made."""
    hook, database = tmp_path / "hook", tmp_path / "t.db"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(hook_source)
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(_free_port()),
               "--database", f"sqlite:///{database}", "--workers", "2"]  # fmt: skip
    environment = child_environment(hook, INTERRUPTED_MARK=str(tmp_path / "interrupted"))
    # (in a process group of its own: the hook's signal reaches serve and its workers, not pytest)
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment, start_new_session=True
    )
    with _reaped(proc):
        output, _ = proc.communicate(timeout=60)
    assert (tmp_path / "interrupted").exists(), output
    return proc.returncode, output


def test_serve_with_workers_interrupted_while_they_import_exits_0_without_tracebacks(tmp_path: Path) -> None:
    # (Ctrl-C to the process group just after the banner: each worker, started with Python's default SIGINT
    # handling, printed a KeyboardInterrupt traceback from inside its imports)
    returncode, output = _serve_workers_interrupted(tmp_path, _INTERRUPT_WORKERS)
    assert returncode == 0, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm"))]  # (closed)


# The first worker to start stalls (killed as hung by the supervisor's 5 s health check, and replaced); the first
# replacement (the third worker) sends Ctrl-C to the process group while it imports.
_INTERRUPT_A_REPLACEMENT = """import os, signal, sys, time
def _ordinal():
    for n in range(100):
        try:
            os.close(os.open(os.environ["INTERRUPTED_MARK"] + f".started{n}", os.O_CREAT | os.O_EXCL))
            return n
        except FileExistsError:
            continue
def _hook(event, args):
    if event == "import" and args[0] == "uvicorn.config" and ORDINAL == 2:
        os.close(os.open(os.environ["INTERRUPTED_MARK"], os.O_CREAT | os.O_EXCL))
        os.killpg(0, signal.SIGINT)
if "--multiprocessing-fork" in sys.orig_argv:  # (a worker, not multiprocessing's resource tracker)
    ORDINAL = _ordinal()
    while ORDINAL == 0:
        time.sleep(60)
    sys.addaudithook(_hook)
"""


def test_serve_with_workers_interrupted_while_a_replacement_imports_exits_0_without_tracebacks(
    tmp_path: Path,
) -> None:
    # (a worker killed as hung, its start slower than the health check on a loaded machine, was replaced by one
    # started with Python's default SIGINT handling: a Ctrl-C while it imported printed a KeyboardInterrupt traceback)
    returncode, output = _serve_workers_interrupted(tmp_path, _INTERRUPT_A_REPLACEMENT)
    assert "died" in output, output  # (the stalled worker was replaced)
    assert returncode == 0, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output


def _listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` holds a listening socket on (from Linux's /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # (closed since listed)
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state, inode = row.split()[1], row.split()[3], row.split()[9]
            if state == "0A" and inode in inodes:  # (0A: LISTEN)
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the processes' sockets from Linux's /proc")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_port_0_listens_on_a_free_port_and_prints_it(tmp_path: Path, workers: str) -> None:
    # (--port 0 was refused, so a CI job picked a free port itself, which another job could take before serve
    # listened on it: now the system picks one as serve listens, and the banner and the exports print it)
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", "0",
               "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time_out = threading.Timer(60, proc.kill)  # (a serve that hangs ends its output: readline returns)
    time_out.start()
    try:
        assert proc.stdout is not None
        printed = [""]
        while "Timeback-compatible server on" not in printed[-1] and (printed[-1] or proc.poll() is None):
            printed.append(proc.stdout.readline())
        banner = re.search(r"server on http://127\.0\.0\.1:(\d+) ", printed[-1])
        assert banner, "".join(printed)  # (serve refused --port 0: "Invalid value for '--port'")
        port = int(banner.group(1))
        assert port != 0
        assert proc.stdout.readline().startswith("Made a dev client")
        assert proc.stdout.readline() == f"  export TIMEBACK_BASE_URL=http://127.0.0.1:{port}\n"
        assert proc.stdout.readline() == f"  export TIMEBACK_TOKEN_URL=http://127.0.0.1:{port}/oauth2/token\n"
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=60).status_code == 200
        assert _listening_ports(proc.pid) == {port}
        # Every worker serves that port: they were handed the socket serve listened on (the system would give a
        # worker binding port 0 on its own another free port)
        expected = int(workers) if workers != "1" else 0  # (one process: no worker process)
        deadline, serving = time.monotonic() + 30, []
        while len(serving) < expected and time.monotonic() < deadline:
            serving = [ports for ports in map(_listening_ports, _children(proc.pid)) if ports]
            time.sleep(0.1)
        assert serving == [{port}] * expected, serving
    finally:
        time_out.cancel()
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output


def test_one_version_everywhere(server: LocalServer) -> None:
    """The installed metadata's, ``timeback.__version__``, the SDK's User-Agent, ``timeback --version`` and the
    served API document's: written once, in src/timeback/_version.py (pyproject, ``__init__`` and the User-Agent
    each wrote their own, and no ``--version`` said which was installed)."""
    import importlib.metadata

    import timeback
    from timeback._config import USER_AGENT

    version = importlib.metadata.version("timeback")
    assert timeback.__version__ == version and USER_AGENT == f"timeback-python/{version}"
    result = CliRunner().invoke(_app(), ["--version"])
    assert result.exit_code == 0 and result.output == f"timeback {version}\n", result.output
    assert httpx.get(f"{server.url}/openapi.json").json()["info"]["version"] == version


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["demo", "--help"]])
def test_help_shows_every_option_name_whole_in_80_columns(args: list[str]) -> None:
    import typer.main

    result = CliRunner().invoke(_app(), args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    command = typer.main.get_command(_app())
    if args[0] != "--help":
        command = command.commands[args[0]]  # type: ignore[attr-defined]
    names = ["--help", *(name for param in command.params for name in (*param.opts, *param.secondary_opts))]
    for name in names:
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", result.output), (name, result.output)
    cut = [line for line in result.output.splitlines() if "…" in line or ("..." in line and "Usage:" not in line)]
    assert not cut, result.output  # (rich's cut, and click's of a command's help in the list of commands)
    assert max(map(len, result.output.splitlines())) <= 80, result.output


def test_help_keeps_the_commands_text_under_python_oo() -> None:
    """typer took each command's help from its docstring, which ``python -OO`` drops: ``timeback --help`` listed
    serve with no line, and ``timeback demo --help`` said nothing of what it does."""
    main = [sys.executable, "-OO", "-c", "from timeback._cli import main; main()"]
    listing = subprocess.run([*main, "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert "serve  Run the local Timeback-compatible OneRoster 1.2 server." in listing.stdout, listing
    demo = subprocess.run(
        [*main, "demo", "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    assert "Start a server in-process, seed a school" in demo.stdout, demo


# The server extra's requirements as pyproject writes them (the hints name these, not ``timeback[server]``)
_REQUIREMENTS = {"fastapi": "fastapi>=0.115", "sqlalchemy": "sqlalchemy<3,>=2.1", "uvicorn": "uvicorn>=0.51",
                 "typer": "typer>=0.21.1", "rich": "rich>=13"}  # fmt: skip


@pytest.mark.parametrize("missing", ["fastapi", "sqlalchemy", "uvicorn"])
def test_the_local_server_without_the_extra_says_what_to_install(missing: str) -> None:
    """(``from timeback.server.runner import LocalServer``, as README's pytest fixture does, was a bare
    ``No module named 'fastapi'`` with only the SDK installed.)"""
    import subprocess
    import sys

    script = f"import sys; sys.modules[{missing!r}] = None\nfrom timeback.server.runner import LocalServer"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    hint = f"ModuleNotFoundError: timeback's server needs the server extra ({missing} is missing): pip install '"
    assert hint + _REQUIREMENTS[missing] + "'\n" in done.stderr, done.stderr
    assert "timeback[" not in done.stderr, done.stderr  # (PyPI's ``timeback`` is another project)


@pytest.mark.parametrize("missing", ["typer", "uvicorn", "fastapi", "rich"])
def test_the_command_without_the_extra_says_what_to_install(missing: str) -> None:
    """(It said ``pip install 'timeback[server]'``, which installs PyPI's ``timeback``, another project, over this
    one. rich, removed alone, was a traceback from the demo: from the dependency matrix run.)"""
    script = f"import sys; sys.modules[{missing!r}] = None; sys.argv = ['timeback', 'demo']\nimport timeback._cli as c; c.main()"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"timeback: the command line needs the server extra ({missing} is missing).\n"
        f"Install it with:  pip install '{_REQUIREMENTS[missing]}'\n"
    )


def test_the_version_is_told_without_the_server_extra() -> None:
    """(``timeback --version`` exited 2: "the command line needs the server extra (typer is missing)".)"""
    from timeback._version import __version__

    script = "import sys; sys.modules['typer'] = None; sys.argv = ['timeback', '--version']\nimport timeback._cli as c; c.main()"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"timeback {__version__}\n", "")


def test_python_dash_m_timeback_is_the_command() -> None:
    """Where the ``timeback`` script is not on PATH (a virtualenv not activated): "No module named timeback.__main__"."""
    done = subprocess.run(
        [sys.executable, "-m", "timeback", "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("Usage: python -m timeback serve [OPTIONS]"), done.stderr


def test_the_hint_with_no_requirement_to_name_says_to_reinstall_this_package() -> None:
    """Nothing missing (an ImportError naming no module) said a bare ``pip install``; a module of this package's own
    (an install gone wrong) ``pip install 'timeback'``: PyPI's, another project."""
    from timeback._extras import install_hint

    reinstall = "pip install '.[server]' run in this package's checkout (reinstalling it)"
    assert install_hint("server") == install_hint("server", "timeback.server.app") == reinstall
    script = "import sys; sys.modules['timeback.server'] = None; sys.argv = ['timeback', 'demo']\nimport timeback._cli as c; c.main()"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.endswith(f"Install it with:  {reinstall}\n"), done.stderr


def test_the_hint_names_each_requirement_missing_or_too_old_and_no_other() -> None:
    """Read from this distribution's metadata, its markers evaluated: uvloop is not wanted on Windows, the SDK's own
    dependencies and the other extras' never."""
    script = (
        "import importlib.metadata as metadata, sys\n"
        "installed = metadata.version\n"
        "def version(name):\n"
        "    if name in ('fastapi', 'uvloop'): raise metadata.PackageNotFoundError(name)\n"
        "    return '2.11.3' if name == 'pydantic' else installed(name)\n"
        "metadata.version = version\n"
        "from timeback._extras import install_hint\n"
        "print(install_hint('server'))\n"
        "sys.platform = 'win32'\n"
        "print(install_hint('server', 'sqlalchemy'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "pip install --upgrade 'fastapi>=0.115' 'pydantic>=2.12' 'uvloop>=0.21'",
        "pip install --upgrade 'fastapi>=0.115' 'pydantic>=2.12' 'sqlalchemy<3,>=2.1'",
    ]


def test_a_broken_server_install_keeps_its_own_error() -> None:
    """(Any ImportError inside fastapi was told as the extra missing, its cause dropped.)"""
    import subprocess
    import sys

    script = "import sys; sys.modules['starlette'] = None\nfrom timeback.server.runner import LocalServer"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "import of starlette halted" in done.stderr, done.stderr
    assert "needs the server extra" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("given", "limit"), [((), 30.0), (("--query-timeout", "2.5"), 2.5), (("--query-timeout", "0"), 0.0)]
)
def test_serve_takes_the_query_time_limit(
    monkeypatch: pytest.MonkeyPatch, given: tuple[str, ...], limit: float
) -> None:
    import timeback.server
    from timeback.server import ServerSettings

    made: list[ServerSettings] = []
    create_app = timeback.server.create_app
    monkeypatch.setattr(
        timeback.server, "create_app", lambda settings: (made.append(settings), create_app(settings))[1]
    )
    result = _serve(monkeypatch, "--database", "sqlite://", *given)
    assert result.exit_code == 0, result.output
    assert made[0].query_timeout_seconds == limit


@pytest.mark.parametrize("value", ["-1", "nan"])
def test_serve_refuses_a_query_time_limit_below_0(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    _refused(_serve(monkeypatch, "--database", "sqlite://", "--query-timeout", value), "--query-timeout", "0 or more")


# pydantic reported older than the server extra's minimum (pyproject's ``pydantic>=2.12``), the rest as installed
_PYDANTIC_2_11 = (
    "import importlib.metadata as metadata\n"
    "installed = metadata.version\n"
    "metadata.version = lambda name: '2.11.3' if name == 'pydantic' else installed(name)\n"
)


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("import sys; sys.argv = ['timeback', 'demo']\nfrom timeback._cli import main; main()", 2),
        ("from timeback.server.runner import LocalServer", 1),
    ],
)
def test_a_server_dependency_older_than_the_extra_needs_is_named(script: str, code: int) -> None:
    """(pydantic 2.11, which the SDK alone accepts, passed the extras check; ``timeback demo`` then crashed at its
    first write.)"""
    done = subprocess.run([sys.executable, "-c", _PYDANTIC_2_11 + script], capture_output=True, text=True, timeout=60)
    assert done.returncode == code, done.stderr
    needs = "timeback's server needs newer releases of pydantic 2.11.3 (needs >=2.12): pip install --upgrade 'pydantic>=2.12'\n"
    assert needs in done.stderr and "timeback[" not in done.stderr, done.stderr
    if code == 2:
        assert done.stderr.count("\n") == 1, done.stderr  # (one line, no traceback)


def test_the_installed_releases_meet_the_server_extra() -> None:
    from timeback._extras import outdated_requirements

    assert outdated_requirements() == []


@pytest.mark.parametrize(
    ("installed", "minimum", "below"),
    [("2.11.9", "2.12", True), ("2.12.0rc1", "2.12", True), ("0.16.0.dev0", "0.16", True), ("2.12a0", "2.12.0", True),
     ("2.12.0", "2.12", False), ("2.12.0.post1", "2.12", False), ("2.12+cpu", "2.12", False), ("2.13b1", "2.12", False),
     ("0.51", "0.51", False)],
)  # fmt: skip
def test_a_pre_release_of_a_minimum_comes_before_it(installed: str, minimum: str, below: bool) -> None:
    """(As PEP 440 and pip order them: ``2.12.0rc1`` passed a ``>=2.12`` floor.)"""
    from timeback._extras import _below

    assert _below(installed, minimum) is below


def test_a_dependency_without_its_metadata_does_not_stop_the_command() -> None:
    """(A dist-info without METADATA, left by a failed uninstall: ``version()`` is None, and ``timeback --help``
    was a TypeError.)"""
    script = (
        "import importlib.metadata as metadata\n"
        "installed = metadata.version\n"
        "metadata.version = lambda name: None if name == 'rich' else installed(name)\n"
        "from timeback._extras import outdated_requirements; print(outdated_requirements())"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize("written", ["pydantic[email]>=2.12", "pydantic (>=2.12)", "pydantic[email] (>= 2.12, <3)"])
def test_a_requirement_with_extras_or_in_the_old_form_is_checked_too(written: str) -> None:
    """(``name[extra]>=x`` and ``name (>=x)`` were skipped: their minimum read as ``[extra]>=x``, no floor.)"""
    script = (
        "import importlib.metadata as metadata\n"
        f"metadata.requires = lambda name: [{written!r} + '; extra == \"server\"']\n"
        "metadata.version = lambda name: '2.11.3'\n"
        "from timeback._extras import outdated_requirements; print(outdated_requirements())"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['pydantic 2.11.3 (needs >=2.12)']"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--root-path", "oneroster", "must be a path such as /oneroster"), ("--root-path", "/caf\u00e9", "must be a path"),
     ("--root-path", "/a b", "must be a path"), ("--root-path", "/a%2Fb", "must be a path"),
     ("--root-path", "/a'b", "must be a path"), ("--root-path", "/..", "no . or .."),
     ("--root-path", "/a/./b/", "no . or .."), ("--root-path", "/a/../b", "no . or .."),
     ("--forwarded-allow-ips", " ", "must not be empty"),
     ("--forwarded-allow-ips", "10.0.0.1/8", "'10.0.0.1/8' is not an IP address or network"),
     ("--forwarded-allow-ips", "127.0.0.1,*", "'*' is not an IP address or network (or '*' alone"),
     ("--forwarded-allow-ips", "proxy.internal", "'proxy.internal' is not an IP address")],
)  # fmt: skip
def test_serve_refuses_a_root_path_or_a_proxy_address_uvicorn_would_misread(
    monkeypatch: pytest.MonkeyPatch, option: str, value: str, message: str
) -> None:
    # (uvicorn took a root path with a non-ASCII character, failing every request, and a proxy entry that is no
    # address as a name no peer has: no proxy trusted, silently. A "'" in the root path blanked /docs, where FastAPI
    # writes it into a JavaScript string, and "/.." made the Link headers name /../ims/...)
    _refused(_serve(monkeypatch, "--database", "sqlite://", option, value), option, message)


def test_serve_with_workers_run_in_process_leaves_no_settings_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (--workers hands the settings, the client secret among them, to its workers in the environment: main() called
    # in-process left them in the caller's, for every process it started next, with its pid as their supervisor's)
    from timeback.server.app import SETTINGS_ENV, SUPERVISOR_ENV

    for name in (SETTINGS_ENV, SUPERVISOR_ENV):
        monkeypatch.delenv(name, raising=False)  # (and put back as found, whatever serve leaves)
    secret = "in-process-secret-5e2a"
    result = _serve(monkeypatch, "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", "2",
                    "--client-id", "in-process", "--client-secret", secret)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert SETTINGS_ENV not in os.environ and SUPERVISOR_ENV not in os.environ
    assert not [name for name, value in os.environ.items() if secret in value]


@pytest.mark.parametrize(
    ("given", "root_path", "trusted"),
    [((), "", None),
     (("--root-path", "/api/v1.2/..oneroster/", "--forwarded-allow-ips", " 10.0.0.0/8, ::1"),
      "/api/v1.2/..oneroster", " 10.0.0.0/8, ::1"),
     (("--root-path", "/", "--forwarded-allow-ips", " * "), "", " * ")],
)  # fmt: skip
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_passes_its_root_path_to_uvicorn_and_the_proxies_it_trusts_to_the_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    given: tuple[str, ...],
    root_path: str,
    trusted: str | None,
    workers: str,
) -> None:
    # (uvicorn's own proxy headers off: the app reads them, X-Forwarded-Host too, which uvicorn does not)
    import uvicorn

    import timeback.server

    made: list[uvicorn.Config] = []
    make = uvicorn.Config.__init__
    settings: list[Any] = []
    create_app = timeback.server.create_app

    def recorded(self: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        make(self, *args, **kwargs)

    def app_recorded(given: Any, *args: Any) -> Any:
        settings.append(given)
        return create_app(given, *args)

    monkeypatch.setattr(uvicorn.Config, "__init__", recorded)
    monkeypatch.setattr(timeback.server, "create_app", app_recorded)
    result = _serve(monkeypatch, "--database", f"sqlite:///{tmp_path / 't.db'}", "--workers", workers, *given)
    assert result.exit_code == 0, result.output
    assert [(config.root_path, config.proxy_headers) for config in made] == [(root_path, False)]
    assert [each.forwarded_allow_ips for each in settings] == [trusted]


@pytest.mark.parametrize("errors_too", [False, True])
def test_serve_whose_output_reader_went_away_before_the_banner_serves_on(tmp_path: Path, errors_too: bool) -> None:
    """``serve | head -1``, or a reader gone before the banner: it refused to start (exit 1, "Broken pipe"), where
    with standard output closed, or the reader gone just after the banner, it serves, its output dropped. It serves
    on, saying so in one line on standard error (``2>&1``, into the same pipe: saying nothing)."""
    port, database = _free_port(), tmp_path / "t.db"
    command = [sys.executable, "-c", "from timeback._cli import main; main()", "serve", "--port", str(port),
               "--database", f"sqlite:///{database}"]  # fmt: skip
    reading, writing = os.pipe()
    os.close(reading)  # (the reader gone before anything is written)
    try:
        proc = subprocess.Popen(command, stdout=writing, stderr=writing if errors_too else subprocess.PIPE, text=True)
    finally:
        os.close(writing)
    with _reaped(proc):
        _until_healthy(proc, port, seconds=30)
        proc.terminate()
        errors = ""
        if proc.stderr is not None:
            with proc.stderr:
                errors = proc.stderr.read()
        assert proc.wait(timeout=30) == 0, errors
    said = "timeback: warning: the server's output could not be written (Broken pipe): it is dropped"
    assert errors_too or said in errors, errors
    assert "Traceback" not in errors, errors
    assert not list(tmp_path.glob("t.db-[ws][ah][lm]"))  # (closed)


@pytest.mark.parametrize("content", ["text", "another program's"])
def test_serve_refusing_a_file_says_nothing_of_who_may_read_it(monkeypatch: pytest.MonkeyPatch, content: str) -> None:
    """A file every user may read that is no timeback database: the warning to chmod 600 it, as it holds users'
    passwords, came first, then the refusal (it holds none, and nothing was served)."""
    import shutil
    import sqlite3
    import tempfile

    shared = Path(tempfile.mkdtemp(dir="/tmp"))  # (not under pytest's own, closed to others)
    try:
        shared.chmod(0o755)
        database = shared / "other.db"
        if content == "text":
            database.write_text("hello\n" * 100)
        else:
            with contextlib.closing(sqlite3.connect(database)) as other:
                other.execute("CREATE TABLE grades (x)")
                other.commit()
        database.chmod(0o644)
        result = _serve(monkeypatch, "--database", f"sqlite:///{database}")
        assert result.exit_code == 2, result.output
        assert "may be read by every user" not in result.output, result.output
        served = shared / "empty.db"  # (beside it, one it serves: warned of, so the check above can fail)
        served.touch()
        served.chmod(0o644)
        result = _serve(monkeypatch, "--database", f"sqlite:///{served}")
        assert result.exit_code == 0 and "may be read by every user" in result.output, result.output
    finally:
        shutil.rmtree(shared)
