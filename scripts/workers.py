"""How many pytest-xdist workers scripts/test and .ci/run start: two per CPU, up to 8.

Most tests wait on what they start (a local server per worker, `timeback serve` processes, grace periods, timeouts),
so one worker per CPU left the CPUs idle much of the run: on 2 CPUs, 2 workers 499 s at 124% CPU, 4 workers 408 s at
168% (session 46). Capped at 8: more than 4 not measured (each worker's servers take memory).

The CPUs are those this process may run on (a cpuset's) and, fewer, what a CPU quota allows (a container's
``--cpus``, a CI runner's limit): 2 CPUs' quota on a 16-CPU host would otherwise start 8 workers on 2 CPUs' time.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path


def quota_cpus(cgroup_root: Path = Path("/sys/fs/cgroup"), own: Path = Path("/proc/self/cgroup")) -> int | None:
    """The CPUs the CFS quotas on this process's cgroup and those above it allow (the least, rounded up), or None
    without one: cgroup v2's ``cpu.max`` (``200000 100000``; ``max 100000`` is none), v1's ``cpu.cfs_quota_us`` and
    ``cpu.cfs_period_us`` (a quota of -1 is none), found where ``own`` (``/proc/self/cgroup``) places the process
    (a container sees its own cgroup as the root)."""
    try:
        lines = own.read_text().splitlines()
    except OSError:
        return None
    found: list[int] = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # (cgroup v2; mounted at the root, or beside v1's at unified/)
            mounts, v2 = [cgroup_root, cgroup_root / "unified"], True
        elif "cpu" in controllers.split(","):
            mounts, v2 = [cgroup_root / controllers, cgroup_root / "cpu"], False
        else:
            continue
        parts = Path(path).relative_to("/").parts
        for mount in mounts:
            for depth in range(len(parts) + 1):  # (the process's cgroup and each above it)
                cpus = _quota_in(mount.joinpath(*parts[:depth]), v2)
                if cpus is not None:
                    found.append(cpus)
    return min(found, default=None)


def _quota_in(directory: Path, v2: bool) -> int | None:
    try:
        if v2:
            quota, period = (directory / "cpu.max").read_text().split()
        else:
            quota = (directory / "cpu.cfs_quota_us").read_text().strip()
            period = (directory / "cpu.cfs_period_us").read_text().strip()
        if quota in ("max", "-1"):
            return None
        return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # (no such file: no cpu controller there)
        return None


def workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    allowed = quota_cpus()
    return min(8, 2 * (cpus if allowed is None else min(cpus, allowed)))


if __name__ == "__main__":
    # (xdist's -n auto takes this variable first: a developer's setting still wins)
    sys.stdout.write(f"{os.environ.get('PYTEST_XDIST_AUTO_NUM_WORKERS') or workers()}\n")
