"""Render ``docs/api.md`` from the operation declarations: ``python -m timeback._api_docs > docs/api.md``."""

from __future__ import annotations

import sys

from timeback._operations import OperationSet
from timeback.resources import GradebookOperations, RosteringOperations

SERVICES: list[tuple[str, str, type[OperationSet]]] = [
    ("Gradebook", "gradebook", GradebookOperations),
    ("Rostering", "rostering", RosteringOperations),
]


def render() -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the operation declarations in `src/timeback/resources/` by `python -m timeback._api_docs`;",
        "`tests/test_api_docs.py` fails when this file is out of date. Every method exists on `Timeback` and,",
        "awaitable, on `AsyncTimeback`; the local server serves the same verb and path. Request models live in",
        "`timeback.models.request`, response models in `timeback.models.response`, records in",
        "`timeback.models.gradebook` / `timeback.models.rostering`. List methods return a `Page` (sync) or an",
        "`AsyncPaginator` (async) that iterates every record across pages. A method's body goes under its body",
        "keyword (`put_result(sourced_id=..., result={...})`) as the body model, a dict, or a record read; its path",
        "parameters are keywords too; `help(method)` shows them all.",
        "",
    ]
    for title, attr, operations in SERVICES:
        lines += [f"## {title}: `client.oneroster.{attr}`", ""]
        lines += ["| Method | HTTP | Request | Body keyword | Response |", "|---|---|---|---|---|"]
        for op in operations.operations():
            if op.kind == "list":
                response = f"`Page[{op.response.__name__ if op.response else ''}]`"
            elif op.response is None:
                response = "none (204)"
            else:
                response = f"`{op.response.__name__}`"
            body = ""
            if op.body is not None:
                wire = f" (`{op.wire_body_key}` on the wire)" if op.wire_body_key != op.body else ""
                body = f"`{op.body}`{wire}"
            lines.append(
                f"| `{op.name}` | `{op.method} {op.full_path}` | `{op.request.__name__}` | {body} | {response} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
