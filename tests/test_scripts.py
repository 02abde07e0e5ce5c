"""The development scripts' own logic (scripts/): what runs CI must not quietly misjudge the machine."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.fixture(scope="module")
def workers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("workers", SCRIPTS / "workers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize(
    ("own", "files", "expected"),
    [
        # cgroup v2, the quota on the process's own cgroup: 1.5 CPUs is 2
        ("0::/ci/job\n", {"ci/job/cpu.max": "150000 100000\n"}, 2),
        # v2, none here but one above: the least of the chain
        ("0::/ci/job\n", {"ci/job/cpu.max": "max 100000\n", "ci/cpu.max": "100000 100000\n"}, 1),
        # v2 beside v1 (mounted at unified/)
        ("1:cpu,cpuacct:/\n0::/job\n", {"unified/job/cpu.max": "300000 100000\n"}, 3),
        # v1, as a container sees its own cgroup (the root)
        (
            "4:memory:/x\n1:cpu,cpuacct:/\n",
            {"cpu,cpuacct/cpu.cfs_quota_us": "200000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"},
            2,
        ),
        # no quota: -1 (v1), max (v2), no files
        ("1:cpu:/\n", {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ("0::/\n", {"cpu.max": "max 100000\n"}, None),
        ("0::/\n", {}, None),
    ],
)
def test_a_cpu_quota_is_read_from_the_process_s_cgroup_and_those_above(
    workers: ModuleType, tmp_path: Path, own: str, files: dict[str, str], expected: int | None
) -> None:
    _tree(tmp_path / "fs", files)
    (tmp_path / "self").write_text(own)
    assert workers.quota_cpus(tmp_path / "fs", tmp_path / "self") == expected


def test_the_workers_are_two_per_cpu_the_quota_allows(workers: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "quota_cpus", lambda: 1)
    assert workers.workers() == 2  # (whatever the CPUs this machine has: a quota of one CPU bounds it)
    monkeypatch.setattr(workers, "quota_cpus", lambda: 64)
    assert workers.workers() <= 8


def test_the_script_prints_a_developer_s_choice_first() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPTS / "workers.py")],
        env={"PYTEST_XDIST_AUTO_NUM_WORKERS": "3"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == "3\n"
