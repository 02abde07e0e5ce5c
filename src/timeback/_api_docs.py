"""Render ``docs/api.md`` from the operation declarations: ``python -m timeback._api_docs > docs/api.md``."""

from __future__ import annotations

import inspect
import sys

from timeback._operations import OperationSet
from timeback.resources import AsyncGradebook, Gradebook, GradebookOperations, RosteringOperations

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
        "awaitable, on `AsyncTimeback`, as `client.oneroster.gradebook.<method>` or",
        "`client.oneroster.rostering.<method>`; the local server serves the same verb and path. Request models live in",
        "`timeback.models.request`, response models in `timeback.models.response`, records in",
        "`timeback.models.gradebook` / `timeback.models.rostering`. List methods return a `Page` (sync) or an",
        "`AsyncPaginator` (async) that iterates every record across pages (awaited, it is the first `AsyncPage`;",
        "a page's `iter_pages()`/`get_next_page()` walk them, as does the listing's own `iter_pages()`, sync or",
        "async; a page's own records are `page.items`, or `page.iter_items()` made one at a time). `bulk_post_results`",
        "returns a `BulkSummary`",
        "(its `failures` are `BulkFailure`s; `on_progress` gets `BulkProgress`). A method's body goes under its body",
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
        if operations is GradebookOperations:
            lines += _bulk_section()
    return "\n".join(lines)


# What each option of bulk_post_results does: a parameter added without a line here fails the docs' render.
BULK_OPTIONS = {
    "results": "The results: result models (`TimebackCreateResultBody`, or `TimebackResult` records read) or dicts, "
    "from any iterable (on `AsyncTimeback`, an async iterable too), read as batches go out: memory stays flat. Each "
    "is validated and encoded on its own: an invalid one (or one holding text with no UTF-8 JSON form, such as a "
    "lone surrogate) is a failure in the summary and never joins a batch.",
    "batch_size": "Results per `POST /lineItems/{line_item_sourced_id}/results` (one line item per batch); a batch "
    "the server refuses as too large (413) is sent again in halves, down to single results (a 413 fails its batch "
    "whole once a single result was refused 413 and no part was stored yet: a server refusing every size).",
    "concurrency": "Batches in flight at once (threads on `Timeback`, tasks on `AsyncTimeback`).",
    "on_progress": "A plain function given a `BulkProgress` (the counts so far) after every batch, and once more "
    "when the upload ends or stops if they changed since: its last call holds the summary's counts, or the stop's "
    "note's (never called again once it raised); an `async def` is refused with `TypeError` (one returning the "
    "`asyncio.create_task` it made is fine: the upload holds the task until it is done, not awaiting it).",
    "on_failure": "A plain function given each `BulkFailure` as it is reported (an invalid result's as it is taken, "
    "a batch's before the `on_progress` call counting it), in the caller's thread or event loop: `summary.failures` "
    "then keeps none of them (`summary.failed` still counts them, `summary.ok` is still false), so memory stays flat "
    "however many fail. Raising, it stops the upload as `on_progress` does (never called again); an `async def` is "
    "refused with `TypeError`.",
    "if_exists": '`"fail"`: a batch holding a stored `sourcedId` is refused (409) and reported: the results the 409 '
    "names fail alone and the rest of the batch is sent again, once; a 409 naming all or none fails it whole. "
    '`"replace"`: such a batch is settled record by record (results stored as sent are left alone, the others are '
    "PUT).",
    "timeout": "Overrides the client's for each batch (each batch is one call).",
    "max_retries": "Overrides the client's for each batch.",
    "deadline": "Overrides the client's for each batch: each batch gets it, retries included, not the whole upload.",
    "extra_headers": "Headers sent with each of the upload's requests (its batches, reads back and PUTs).",
    "extra_query": "Query parameters sent with each of the upload's requests.",
}


def _cell(annotation: str) -> str:
    """An annotation as read, in a table cell: its pipes escaped (even in a code span, a pipe ends the cell)."""
    text = annotation.replace("bulk.IfExists", 'Literal["fail", "replace"]').replace("bulk.", "")
    return text.replace("|", "\\|")


def _bulk_section() -> list[str]:
    """``bulk_post_results``, on both clients: a method of its own, not an operation declaration."""
    sync, async_ = (inspect.signature(klass.bulk_post_results) for klass in (Gradebook, AsyncGradebook))
    lines = [
        "### Bulk upload: `bulk_post_results`",
        "",
        "`summary = client.oneroster.gradebook.bulk_post_results(results, **options)` on `Timeback`,",
        "`summary = await client.oneroster.gradebook.bulk_post_results(results, **options)` on `AsyncTimeback`:",
        'returns a `BulkSummary` (`timeback.BulkSummary`); README\'s "Bulk uploads" says the rest.',
        "",
        *(inspect.getdoc(Gradebook.bulk_post_results) or "").splitlines(),
        "",
        "| Option | Type | Default | What it does |",
        "|---|---|---|---|",
    ]
    for name, parameter in sync.parameters.items():
        if name == "self":
            continue
        types = [f"`{_cell(str(parameter.annotation))}`"]
        if async_.parameters[name].annotation != parameter.annotation:
            types.append(f"`{_cell(str(async_.parameters[name].annotation))}` (async)")
        default = "" if parameter.default is parameter.empty else f"`{parameter.default!r}`"
        lines.append(f"| `{name}` | {' or '.join(types)} | {default} | {BULK_OPTIONS[name]} |")
    lines.append("")
    return lines


if __name__ == "__main__":
    sys.stdout.write(render())
