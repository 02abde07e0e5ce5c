"""Import cost: ``from timeback import Timeback`` versus ``import httpx, pydantic``, each in a fresh interpreter.

    python -m bench.import_cost [--runs 25]

Wall time of ``python -c ...`` (interpreter start included, the same in both), runs interleaved, median reported.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench import command_line

BASELINE = "import httpx, pydantic"
SDK = "from timeback import Timeback"


# (bytecode written: under PYTHONDONTWRITEBYTECODE, as a shell may set, the warm-up wrote none, and every run of a
# package changed since its last .pyc compiled its sources again, +50-70 ms; pip's installs ship theirs compiled)
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=_ENV)
    return time.perf_counter() - started


def measure(runs: int = 25) -> dict[str, Any]:
    _wall(SDK)  # warm the file cache (.pyc) once
    baseline, sdk = [], []
    for _ in range(runs):
        baseline.append(_wall(BASELINE))
        sdk.append(_wall(SDK))
    base_ms, sdk_ms = statistics.median(baseline) * 1000, statistics.median(sdk) * 1000
    return {"baseline_ms": base_ms, "sdk_ms": sdk_ms, "extra_ms": sdk_ms - base_ms, "runs": runs}


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--runs", type=int, default=25)
    figures = measure(parser.parse_args().runs)
    print(json.dumps({k: round(v, 1) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
