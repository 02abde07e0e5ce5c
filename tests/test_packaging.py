"""pyproject.toml against what the code imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
SDK = ROOT / "src" / "timeback"
NOT_THE_SDK = {"server", "_cli.py", "_demo.py"}  # (the server extra's: `timeback serve`, `timeback demo`)
# (a distribution that is part of a declared one's: pydantic pins its core's exact version; aiohttp's URLs are yarl's)
PART_OF = {"pydantic-core": "pydantic", "yarl": "aiohttp"}
LOWER_BOUNDS = {">=", "~=", "==", "==="}  # (a requirement's operators that set a floor)


def _imported_distributions(files: list[Path]) -> set[str]:
    modules = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.partition(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"__future__", "timeback"}
    owners = importlib.metadata.packages_distributions()
    return {re.sub(r"[-_.]+", "-", owners[module][0]).lower() for module in third_party}


def _by_name(requirements: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(requirement.name): requirement for requirement in map(Requirement, requirements)}


def test_every_distribution_the_sdk_imports_is_declared_with_its_floor() -> None:
    """The SDK's modules import only what ``dependencies`` (or the ``async``/``aiohttp`` extras, imported on use)
    declares, each with a lower bound: httpcore, imported for its trace events and errors, came only as httpx's,
    whose ``httpcore==1.*`` let in 1.0.0-1.0.2, on which ``AsyncTimeback``'s close hung after a cancelled bulk
    upload. (One declared bare would let those in again.)"""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    declared = _by_name(project["dependencies"]) | _by_name(extras["async"]) | _by_name(extras["aiohttp"])
    files = [f for f in SDK.rglob("*.py") if not NOT_THE_SDK & set(f.relative_to(SDK).parts)]
    imported = _imported_distributions(files)
    assert {"httpx", "pydantic", "httpcore"} <= imported  # (the walk sees them)
    missing = {name for name in imported - declared.keys() if PART_OF.get(name) not in declared}
    assert not missing, f"imported by the SDK but not declared in pyproject.toml: {sorted(missing)}"
    floorless = [str(declared[name]) for name in sorted(imported & declared.keys())
                 if not any(spec.operator in LOWER_BOUNDS for spec in declared[name].specifier)]  # fmt: skip
    assert not floorless, f"imported by the SDK but declared without a lower bound: {floorless}"


def test_the_sdist_takes_the_project_s_files_and_no_others() -> None:
    """Named in pyproject: hatchling took every file git did not ignore, and a working tree the suite or a server
    had run in shipped a 786 KB failed-login file and the .hypothesis/ database. The list names each top-level
    entry git tracks (the tests run from the unpacked sdist), and what the server and hypothesis leave is ignored."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist)")
    git = ["git", "-C", str(ROOT)]
    tracked = subprocess.run([*git, "ls-files"], capture_output=True, text=True, check=True).stdout.splitlines()
    sdist = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["sdist"]
    assert sorted(sdist["include"]) == sorted({f"/{path.partition('/')[0]}" for path in tracked})
    left = ["t.db", "t.db-wal", "t.db-shm", "t.db-writer", "t.db-logins", ".hypothesis/constants/abc"]
    ignored = subprocess.run([*git, "check-ignore", "--no-index", *left], capture_output=True, text=True)
    assert ignored.stdout.splitlines() == left, ignored.stderr


def test_a_venv_another_python_made_is_made_anew(tmp_path: Path) -> None:
    """scripts/venv (scripts/test's .venv, .ci/run's .venv-newest): ``python -m venv`` over a venv an earlier run
    made with another Python kept that one's interpreter, and .ci/run's banner named the Python it did not run. (The
    other Python here is a stand-in: a ``bin/python`` that answers as another installation would.) One the same
    Python made is kept: made anew, every run of scripts/test would install every dev dependency again."""
    which = "import sys; print(sys.base_prefix, sys.version)"
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /elsewhere/bin\nversion = 3.12.1\n")
    (venv / "bin" / "python").write_text("#!/bin/sh\necho /elsewhere 3.12.1\n")
    (venv / "bin" / "python").chmod(0o755)
    subprocess.run(["bash", str(ROOT / "scripts" / "venv"), sys.executable, str(venv)], check=True, timeout=300)
    made = subprocess.run([venv / "bin" / "python", "-c", which], capture_output=True, text=True, check=True)
    assert made.stdout == subprocess.run([sys.executable, "-c", which], capture_output=True, text=True).stdout
    assert (venv / "bin" / "pip").exists()
    (venv / "installed").write_text("")  # (stands for what scripts/test installed in it)
    subprocess.run(["bash", str(ROOT / "scripts" / "venv"), sys.executable, str(venv)], check=True, timeout=300)
    assert (venv / "installed").exists()


def test_a_directory_that_is_not_a_venv_is_left_alone(tmp_path: Path) -> None:
    """scripts/venv stops, in one line, at a DIR that exists and is not a venv (no pyvenv.cfg): ``--clear``
    emptied it (a .venv that was someone's own directory)."""
    kept = tmp_path / "not a venv"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    got = subprocess.run(["bash", str(ROOT / "scripts" / "venv"), sys.executable, str(kept)], capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert got.returncode != 0 and got.stderr.count("\n") == 1, got.stderr
    assert f"{kept} exists and is not a venv (no pyvenv.cfg)" in got.stderr
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
