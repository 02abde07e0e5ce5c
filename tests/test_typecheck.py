"""Type checking of user code: what ``mypy --strict`` (no pydantic plugin, as pyright or Pylance read it) rejects.
scripts/test checks the accepted spellings (tests/typecheck/check_usage.py); here, that mistakes are reported."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPECHECK = ROOT / "tests" / "typecheck"


def test_misspelt_page_attributes_are_rejected() -> None:
    # A page's attribute misspelt (page.next_page(), page.totalcount) was accepted as Any: __getattr__, which reads
    # the envelope's keys at run time, was visible to checkers.
    rejected = TYPECHECK / "rejected_usage.py"
    expected = {
        (number + 1, comment.group(1))  # (the line below the comment)
        for number, line in enumerate(rejected.read_text().splitlines(), 1)
        if (comment := re.fullmatch(r" *# error: (.*)", line))
    }
    assert expected
    # (cwd: the config's cache, .mypy_cache/typecheck, which scripts/test's run of it shares: about a second warm)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(TYPECHECK / "mypy.ini"), str(rejected)],
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
    assert reported == expected, checked.stdout
