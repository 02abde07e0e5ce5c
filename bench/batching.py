"""Batching interleaved input: the bulk helper's CPU per result grouping results by line item, no I/O.

    python -m bench.batching [--results 100000] [--line-items 20000] [--repeats 3]

The same results through ``bulk_post_results``' batcher (validation, encoding, grouping), three ways: on one
line item per batch's worth, sorted (the baseline: every batch full), then spread over ``--line-items`` line items,
sorted by line item and interleaved round robin (a district's export in student order). Spread so, at most
``PENDING_BATCHES * batch_size`` results wait, and batches go out small; this measures what choosing which one goes
costs per result (a max() over every waiting batch: 43 us per result sorted and ~1 ms interleaved, with 20,000 line
items, before session 23). Process CPU time, best of ``--repeats``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench import command_line


def _rows(results: int, line_items: int, *, interleaved: bool) -> list[dict[str, Any]]:
    per_item = -(-results // line_items)
    rows = []
    for i in range(results):
        item = i % line_items if interleaved else i // per_item
        rows.append({"sourcedId": f"r-{i}", "lineItem": {"sourcedId": f"li-{item}"},
                     "student": {"sourcedId": f"s-{i}"}, "scoreStatus": "fully graded",
                     "scoreDate": "2024-09-08T10:00:00Z", "score": i % 101})  # fmt: skip
    return rows


def _cpu_per_result(rows: list[dict[str, Any]], repeats: int) -> tuple[float, int]:
    from timeback._bulk import DEFAULT_BATCH_SIZE, Batcher, BulkSummary

    best, batches = float("inf"), 0
    for _ in range(repeats):
        batcher = Batcher(DEFAULT_BATCH_SIZE, BulkSummary())
        started = time.process_time()
        batches = sum(batcher.add(row) is not None for row in rows) + sum(1 for _ in batcher.rest())
        best = min(best, time.process_time() - started)
    return best / len(rows) * 1e6, batches


def measure(results: int = 100_000, line_items: int = 20_000, repeats: int = 3) -> dict[str, Any]:
    from timeback._bulk import DEFAULT_BATCH_SIZE

    full = max(1, results // DEFAULT_BATCH_SIZE)
    _cpu_per_result(_rows(100, 1, interleaved=False), 1)  # (the models' lazy imports and pydantic's first builds)
    figures: dict[str, Any] = {"results": results, "line_items": line_items}
    for name, items, interleaved in (("full", full, False), ("sorted", line_items, False),
                                     ("interleaved", line_items, True)):  # fmt: skip
        us, batches = _cpu_per_result(_rows(results, items, interleaved=interleaved), repeats)
        figures[f"{name}_us"], figures[f"{name}_batches"] = us, batches
    figures["sorted_ratio"] = figures["sorted_us"] / figures["full_us"]
    figures["interleaved_ratio"] = figures["interleaved_us"] / figures["full_us"]
    return figures


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--line-items", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.results, args.line_items, args.repeats), indent=2))


if __name__ == "__main__":
    main()
