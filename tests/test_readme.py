"""The README's Python examples, executed against the local server over HTTP, as a reader would paste them.

Each block runs as written, in a namespace of its own unless README says to run it after another (the paging and
filter examples use the usage example's ``client``); the only additions are the records the examples name
(``line-item-1``, ``class-1``, ``student-1``), and the ``client`` and ``rows`` the bulk example uploads with. A
README edit that breaks an example fails here.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import child_environment, line_item_body, make_roster
from timeback import Timeback
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

README = Path(__file__).resolve().parents[1] / "README.md"
USAGE = "from timeback import Timeback\nfrom timeback.models"  # (the usage example's first lines)
SETTING_UP = "from timeback import Timeback\n\nclient = Timeback()"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def block(starting: str) -> str:
    """The one README example whose first line starts with ``starting``."""
    (found,) = [code for code in python_blocks() if code.startswith(starting)]
    return found


def run(code: str, namespace: dict[str, Any]) -> dict[str, Any]:
    exec(compile(code, "README example", "exec"), namespace)
    return namespace


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A server of this test's own: the examples use fixed ids (``class-1``, ``result-123``) that other tests'
    records would otherwise add to (what the examples list and count is then exactly what they wrote)."""
    settings = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as running:
        yield running


@pytest.fixture
def readme_roster(client: Timeback, timeback_env: None) -> None:
    """The records the README's examples refer to, and ``Timeback()`` pointed at the test server."""
    roster = make_roster(client, ids={"class": "class-1"}, students=["student-1", "student-2"])
    client.oneroster.gradebook.put_line_item(sourced_id="line-item-1", lineItem=line_item_body(roster))


def test_every_python_block_is_covered_here() -> None:
    # A new README example must get a test of its own below (nine now: usage, setting up a class, async, aiohttp,
    # paging, filters, bulk, the pytest fixture, the reset fixture).
    assert len(python_blocks()) == 9


def test_the_usage_example_stores_the_result_it_prints(
    readme_roster: None, client: Timeback, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace = run(block(USAGE), {})
    namespace["client"].close()
    assert capsys.readouterr().out == "95.5\n"
    stored = client.oneroster.gradebook.get_result(sourced_id="result-123").result
    assert (stored.score, stored.lineItem.sourcedId, stored.class_.sourcedId) == (95.5, "line-item-1", "class-1")


def test_the_setting_up_example_makes_what_the_usage_example_refers_to(
    timeback_env: None, client: Timeback, capsys: pytest.CaptureFixture[str]
) -> None:
    """On an empty server (this test's own), as README says: the class set up, then the usage example stores its
    result (a newcomer had to guess the roster's shapes from the models)."""
    run(block(SETTING_UP), {})["client"].close()  # (as a reader runs it: it used a client only the usage example made)
    run(block(USAGE), {})["client"].close()
    assert capsys.readouterr().out == "95.5\n"
    students = client.oneroster.rostering.get_students_for_class(class_sourced_id="class-1")
    assert sorted(s.sourcedId for s in students) == ["student-1", "student-2"]  # (enrolled)


@pytest.mark.parametrize(
    ("starting", "printed"),
    [("import asyncio\n\nfrom timeback import AsyncTimeback\n", "result-123 95.5\n"),  # the class's results
     ("import asyncio\n\nfrom timeback import AsyncTimeback, DefaultAioHttpClient\n", "95.5\n")],  # through aiohttp
)  # fmt: skip
def test_the_async_examples_read_what_the_usage_example_stored(
    readme_roster: None, client: Timeback, capsys: pytest.CaptureFixture[str], starting: str, printed: str
) -> None:
    run(block(USAGE), {})["client"].close()  # (result-123, which they read)
    capsys.readouterr()
    run(block(starting), {})  # (as a file runs it: a top-level ``async with`` was a SyntaxError there)
    assert capsys.readouterr().out == printed


def test_the_paging_and_filter_examples_run_on_the_usage_examples_client(
    readme_roster: None, client: Timeback, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace = run(block(USAGE), {})
    try:
        run(block("for result in client.oneroster.gradebook.get_results_for_class("), namespace)
        assert namespace["page"].total_count == 1
        assert [r.sourcedId for r in namespace["page"].items] == ["result-123"]
        run(block("from timeback.filters import where\n"), namespace)
        assert namespace["result"].sourcedId == "result-123"  # (the loop's last: score 95.5 >= 90 in class-1)
    finally:
        namespace["client"].close()


def test_the_bulk_example_uploads_every_row(
    readme_roster: None, client: Timeback, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "sourcedId": f"bulk-{i}",
            "lineItem": {"sourcedId": "line-item-1"},
            "student": {"sourcedId": f"student-{1 + i % 2}"},
            "scoreStatus": "fully graded",
            "scoreDate": "2024-01-15T10:00:00Z",
            "score": i,
        }
        for i in range(2500)
    ]
    namespace = run(block("summary = client.oneroster.gradebook.bulk_post_results("), {"client": client, "rows": rows})
    assert namespace["summary"].stored == 2500 and not namespace["summary"].failures
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2].split()[:2] == ["2500", "0"]  # stored, failed
    assert printed[-1].startswith("2500 taken, 2500 stored, 0 failed, 3 batches, 0 retries, "), printed[-1]
    assert printed[-3] == "2500 stored"  # on_progress's last call holds the final count
    assert client.oneroster.gradebook.get_result(sourced_id="bulk-2499").result.score == 2499


def test_the_serve_synopsis_names_every_option_of_timeback_serve_and_no_other() -> None:
    import typer

    from timeback._cli import _app

    (synopsis,) = re.findall(r"```bash\n(timeback serve --host .*?)```", README.read_text(), flags=re.S)
    serve = typer.main.get_command(_app()).commands["serve"]  # type: ignore[attr-defined]
    options = {opt for param in serve.params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--")}
    assert set(re.findall(r"--[a-z][a-z-]*", synopsis)) == options


def test_the_development_section_names_every_test_file_that_uses_a_mock_transport() -> None:
    """README says where ``httpx.MockTransport`` stands in for the server (docs/reliability.md refers to it): files
    using it (directly or through ``tests/test_client.py``'s clients) went unnamed there, test_auth.py,
    test_models.py, test_errors.py and test_pagination.py among them."""
    (listing,) = re.findall(r"`httpx.MockTransport` is used only for (.*?)\n`tests/server/", README.read_text(), re.S)
    root = README.parent
    using = {
        path.relative_to(root).as_posix()
        for path in (root / "tests").rglob("test_*.py")
        if re.search(r"MockTransport\(|make_(async_)?client\(", path.read_text())
    }
    assert "tests/test_errors.py" in using and using <= set(re.findall(r"`(tests/[\w/]+\.py)`", listing)), using


def _environment() -> dict[str, str]:
    """This interpreter's environment for a command run as a reader would: ``timeback`` and ``python`` on the
    PATH, the SDK importable from this tree."""
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    return child_environment(PATH=path)


def _pytest_in(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """pytest run on ``tmp_path``'s ``test_example.py`` in a process of its own, warnings as errors."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", "-W", "error",
         "test_example.py"],
        cwd=tmp_path, env=_environment(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_pytest_fixture_example_passes_as_a_test_file(tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(block("import pytest\n"))
    done = _pytest_in(tmp_path)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_the_reset_fixture_example_gives_each_test_an_empty_server(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(block("# conftest.py\n"))
    # Two tests that each find no category, then store one under the same sourcedId: the second passes only if the
    # session's server was emptied between them.
    test = textwrap.dedent("""\
        import pytest


        @pytest.mark.parametrize("run", [1, 2])
        def test_starts_empty(timeback_client, run):
            gradebook = timeback_client.oneroster.gradebook
            assert gradebook.get_all_categories().total_count == 0
            gradebook.create_category(category={"sourcedId": "c-1", "title": "Homework"})
        """)
    (tmp_path / "test_example.py").write_text(test)
    done = _pytest_in(tmp_path)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr


def test_the_ci_recipe_runs_as_written(tmp_path: Path) -> None:
    """The bash recipe for CI, its test command replaced by a call made with the variables it exported."""
    (recipe,) = [
        code for code in re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S) if "--port 0" in code
    ]
    tests = (
        "python -c 'import timeback; print(timeback.Timeback().oneroster.gradebook.get_all_categories().total_count)'"
    )
    script = re.sub(r"^pytest .*$", tests, recipe, count=1, flags=re.M)
    assert script != recipe
    # An earlier run's log, its exports for a server gone: read before the new server's process emptied it, the
    # recipe took them (1 run in 65 of a CI integrator's; a race, so this fails only at times without the fix)
    stale = "".join(f"  export TIMEBACK_{name}=stale\n" for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"))
    (tmp_path / "serve.log").write_text(stale)
    # (a session of its own: should it hang, the server it started in the background is stopped with it)
    recipe_run = subprocess.Popen(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=_environment(), start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        output, errors = recipe_run.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):  # (none left: the recipe stopped its server)
            os.killpg(recipe_run.pid, signal.SIGKILL)
        recipe_run.communicate()
    assert recipe_run.returncode == 0 and output == "0\n", output + errors
    log = (tmp_path / "serve.log").read_text()
    assert "Application shutdown complete" in log and "Traceback" not in log, log


def test_the_python_examples_type_check(tmp_path: Path) -> None:
    """Each example, as mypy reads it in user code (no pydantic plugin; the bodies of functions without annotations
    checked too): its keywords are typed (the methods' stub), so an example calling a method with a keyword it does
    not take (``orderBy=`` for ``order_by=``: it runs, checkers refuse it) fails here. The examples that use the
    usage example's ``client`` (or the bulk example's ``rows``) get one declared."""
    given = "from typing import Any\n\nfrom timeback import Timeback\n\nclient = Timeback()\nrows: list[dict[str, Any]] = []\n"
    for number, code in enumerate(python_blocks()):
        standalone = "client = " in code or "def " in code
        (tmp_path / f"readme_example_{number}.py").write_text(code if standalone else given + code)
    config = tmp_path / "mypy.ini"
    source = README.parent / "src"
    config.write_text(
        f"[mypy]\ncheck_untyped_defs = True\nmypy_path = {source}\n[mypy-timeback.*]\nfollow_imports = silent\n"
    )
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(README.parent / ".mypy_cache" / "readme"),
         *sorted(str(p) for p in tmp_path.glob("readme_example_*.py"))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0 and len(python_blocks()) >= 9, checked.stdout + checked.stderr
