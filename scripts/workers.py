"""How many pytest-xdist workers scripts/test and .ci/run start: two per CPU, up to 8.

Most tests wait on what they start (a local server per worker, `timeback serve` processes, grace periods, timeouts),
so one worker per CPU left the CPUs idle much of the run: on 2 CPUs, 2 workers 499 s at 124% CPU, 4 workers 408 s at
168% (session 46). Capped at 8: more than 4 not measured (each worker's servers take memory).
"""

import os
import sys

# (xdist's -n auto takes this variable first: a developer's setting still wins)
chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
# (the CPUs this process may run on: a cpuset's, not a CPU quota's, which the cap of 8 bounds)
cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
sys.stdout.write(f"{chosen or min(8, 2 * cpus)}\n")
