"""Upload results through a server that fails a share of its requests, and count what arrived.

    python -m bench.faulted_upload [--results 10000] [--faults SPEC] [--concurrency 8]

Two servers share one store: a clean one to build the roster and check the outcome, and one with ``--faults``
that the upload goes through (``bulk_post_results``, batches of 100, line item by line item). Prints the figures
``docs/reliability.md`` reports; ``tests/server/test_faults.py`` runs the same thing and asserts on them.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from bench import command_line
from tests.support import add_line_items, make_roster, uid
from timeback import Timeback
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer
from timeback.server.storage import Storage

FAILING_KINDS = ("429", "500", "503", "close", "drop")
DEFAULT_FAULTS = "429=0.06,500=0.06,503=0.06,close=0.06,drop=0.06,slow=0.02,retry_after=0,slow_ms=20,seed=20261122"
CLIENT = ("bench-client", "bench-secret-not-real")


@dataclass
class Figures:
    results_expected: int
    results_stored: int
    distinct_ids_stored: int
    scores_as_sent: bool
    requests: int
    requests_failed_by_faults: int
    faulted_share: float
    by_kind: dict[str, int]
    retries_taken: int
    bulk_failures: int
    seconds: float


def run(
    results: int = 10_000,
    faults: str = DEFAULT_FAULTS,
    *,
    concurrency: int = 8,
    storage: Storage | None = None,
    max_retries: int = 12,
) -> Figures:
    students = 100
    line_items = max(1, math.ceil(results / students))
    with LocalServer(ServerSettings(client_id=CLIENT[0], client_secret=CLIENT[1]), storage=storage) as clean:
        with Timeback(**clean.client_kwargs()) as client:
            roster = make_roster(client, students=[uid("student") for _ in range(students)])
            line_item_ids = add_line_items(client, roster, line_items)
        cls, student_ids = roster.class_, roster.students
        tag = uid("faulted")
        sent: dict[str, Any] = {}

        def rows() -> Iterator[dict[str, Any]]:
            cells = ((li, s) for li in line_item_ids for s in student_ids)  # line item by line item, as exported
            for i, (line_item, student) in zip(range(results), cells, strict=False):
                row: dict[str, Any] = {"sourcedId": f"{tag}-{i}", "lineItem": {"sourcedId": line_item},
                       "student": {"sourcedId": student}, "scoreStatus": "fully graded",
                       "scoreDate": "2024-01-16T10:00:00Z", "score": (i * 7) % 101}  # fmt: skip
                sent[row["sourcedId"]] = row["score"]
                yield row

        settings = ServerSettings(client_id=CLIENT[0], client_secret=CLIENT[1], faults=faults)
        with LocalServer(settings, storage=clean.app.state.storage) as faulty:
            with Timeback(**faulty.client_kwargs(), max_retries=max_retries) as client:
                summary = client.oneroster.gradebook.bulk_post_results(rows(), batch_size=100, concurrency=concurrency)
            counts = dict(faulty.app.state.faults.counts)

        with Timeback(**clean.client_kwargs()) as reader:
            listing = reader.oneroster.gradebook.get_results_for_class(
                class_sourced_id=cls, filter=f"sourcedId~'{tag}-'", limit=3000
            )
            stored = {r.sourcedId: r.score for r in listing}
            total = listing.total_count or 0
    failed = sum(counts.get(kind, 0) for kind in FAILING_KINDS)
    return Figures(
        results_expected=results,
        results_stored=total,
        distinct_ids_stored=len(stored),
        scores_as_sent=stored == sent,
        requests=counts.get("requests", 0),
        requests_failed_by_faults=failed,
        faulted_share=round(failed / max(1, counts.get("requests", 0)), 3),
        by_kind={k: v for k, v in counts.items() if k != "requests"},
        retries_taken=summary.retries_taken,
        bulk_failures=summary.failed,
        seconds=round(summary.seconds, 2),
    )


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--results", type=int, default=10_000)
    parser.add_argument("--faults", default=DEFAULT_FAULTS)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    started = time.perf_counter()
    figures = run(args.results, args.faults, concurrency=args.concurrency)
    print(json.dumps({**asdict(figures), "wall_seconds": round(time.perf_counter() - started, 2)}, indent=2))


if __name__ == "__main__":
    main()
