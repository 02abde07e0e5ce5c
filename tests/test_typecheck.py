"""Type checking of user code: what ``mypy --strict`` (no pydantic plugin) and pyright (as Pylance reads it) accept
and reject. scripts/test runs mypy over the accepted spellings (tests/typecheck/check_usage.py); here, that mistakes
are reported (tests/typecheck/rejected_usage.py), and pyright over both."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPECHECK = ROOT / "tests" / "typecheck"
REJECTED = TYPECHECK / "rejected_usage.py"


def expected(marker: str) -> set[tuple[int, str]]:
    """(line, message) of each ``# <marker>: message`` comment in rejected_usage.py: the message is the checker's
    for the first line below the comment that is not a comment."""
    lines = REJECTED.read_text().splitlines()
    found = set()
    for number, line in enumerate(lines, 1):
        if comment := re.fullmatch(rf" *# {marker}: (.*)", line):
            below = next(n for n in range(number + 1, len(lines) + 1) if not lines[n - 1].lstrip().startswith("#"))
            found.add((below, comment.group(1)))
    assert found
    return found


def test_mypy_rejects_the_mistakes() -> None:
    # Each line rejected_usage.py marks: a page's attribute misspelt (page.next_page(), page.totalcount, accepted as
    # Any while __getattr__ was visible to checkers), a body without its required fields, an unknown operator or
    # environment.
    # (cwd: the config's cache, .mypy_cache/typecheck, which scripts/test's run of it shares: about a second warm)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(TYPECHECK / "mypy.ini"), str(REJECTED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    reported = {
        (int(found.group(1)), found.group(2))
        for found in re.finditer(r"^.*rejected_usage\.py:(\d+): error: (.*)$", checked.stdout, flags=re.M)
    }
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert reported == expected("error"), checked.stdout


def test_pyright_accepts_the_documented_usage_and_rejects_the_mistakes() -> None:
    # Pyright reads some things otherwise than mypy: a body's field made required by a bare annotation, over its
    # record class's `X | None = None`, kept that default for it (TimebackPutResultBody(score=1) passed).
    # basedpyright: pyright from PyPI (the dev extra), with its own Node.js; about 3 s.
    command = [sys.executable, "-m", "basedpyright", "--outputjson", "--pythonpath", sys.executable]
    checked = subprocess.run(
        [*command, "--project", str(TYPECHECK / "pyrightconfig.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.stdout.lstrip().startswith("{"), checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["summary"]["filesAnalyzed"] == 2, report
    reported = {
        # (a message's first line: those below it explain it)
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, f"{d['message'].splitlines()[0]}  [{d.get('rule')}]")
        for d in report["generalDiagnostics"]
        if d["severity"] in ("error", "warning")
    }
    assert {found for found in reported if found[0] != "rejected_usage.py"} == set()  # (check_usage.py, strict)
    assert {(line, message) for _, line, message in reported} == expected("pyright error"), checked.stdout
