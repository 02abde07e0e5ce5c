"""SDK overhead: CPU per 100-result batch POST through the SDK versus raw httpx, both on an in-process transport.

    python -m bench.sdk_overhead [--calls 2000]

Both sides post the same 100 results to ``/lineItems/{id}/results`` through ``httpx.MockTransport`` answering the
same canned ``sourcedIdPairs`` body, so only client-side work is measured: the SDK validates the dicts (the dict
path: a typed-dict copy of the request model's schema, no model objects), serializes them, sends with auth and
retry bookkeeping, and parses the answer into a model; raw httpx posts ``json=`` dicts and calls
``response.json()``. CPU time (``time.process_time``), best of 5 rounds, the runs interleaved.

``sdk_models_sync_us`` is the same call given ``TimebackCreateResultBody`` instances the caller built beforehand
(their construction not counted): the model path, which serializes the models with ``model_dump_json``.
``sdk_built_models_sync_us`` counts their construction too: the caller builds the 100 models from the same dicts
in the timed loop, then posts them (the issue's "including request-model construction" read literally; pydantic's
cost of building a model with three references, which a caller passing dicts does not pay).
``sdk_plain_objects_sync_us`` is that reading's floor for any model a caller builds in Python: the 100 results built
as the seeds build them (keywords, three references given as objects) from classes whose ``__init__`` only keeps its
keywords (no validation at all), turned into dicts, then posted as dicts.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench import command_line
from timeback import AsyncTimeback, Timeback

BASE = "https://bench.invalid"
PATH = "/ims/oneroster/gradebook/v1p2/lineItems/li-1/results"
ROUNDS = 5


def rows(n: int = 100) -> list[dict[str, Any]]:
    return [
        {
            "sourcedId": f"r-{i}",
            "status": "active",
            "lineItem": {"sourcedId": "li-1"},
            "student": {"sourcedId": f"s-{i}"},
            "class": {"sourcedId": "c-1"},
            "scoreStatus": "fully graded",
            "scoreDate": "2024-01-16T10:00:00Z",
            "score": 90.5,
            "comment": "Good work",
        }
        for i in range(n)
    ]


ROWS = rows()
ANSWER = json.dumps(
    {"sourcedIdPairs": [{"suppliedSourcedId": r["sourcedId"], "allocatedSourcedId": r["sourcedId"]} for r in ROWS]}
).encode()


class _Kept:
    """A model's floor in Python: keeps its keywords, checks nothing (``sdk_plain_objects_sync_us``)."""

    __slots__ = ("fields",)

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def wire(self) -> dict[str, Any]:
        return {("class" if name == "class_" else name): value.wire() if type(value) is _Kept else value
                for name, value in self.fields.items()}  # fmt: skip


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/oauth2/token":
        return httpx.Response(200, json={"access_token": "bench-token", "expires_in": 3600})
    return httpx.Response(201, content=ANSWER, headers={"content-type": "application/json"})


async def async_handler(request: httpx.Request) -> httpx.Response:
    return handler(request)


def best_cpu_per_call(runs: dict[str, Callable[[int], None]], calls: int) -> dict[str, float]:
    """Best of ``ROUNDS`` for each, rounds interleaved so a disturbance hits the SDK and its baseline alike."""
    best = dict.fromkeys(runs, float("inf"))
    for run in runs.values():
        run(max(1, calls // 10))  # warm up
    for _ in range(ROUNDS):
        for name, run in runs.items():
            started = time.process_time()
            run(calls)
            best[name] = min(best[name], (time.process_time() - started) / calls)
    return best


def measure(calls: int = 2000) -> dict[str, float]:
    raw = httpx.Client(transport=httpx.MockTransport(handler), base_url=BASE)
    sdk = Timeback(client_id="id", client_secret="secret", base_url=BASE,
                   http_client=httpx.Client(transport=httpx.MockTransport(handler)))  # fmt: skip
    gradebook = sdk.oneroster.gradebook

    def raw_sync(n: int) -> None:
        for _ in range(n):
            raw.post(PATH, json={"results": ROWS}, headers={"Authorization": "Bearer bench-token"}).json()

    def sdk_sync(n: int) -> None:
        for _ in range(n):
            gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=ROWS)

    from timeback.models.request import TimebackCreateResultBody  # (not at import: bench.import_cost runs too)

    models = [TimebackCreateResultBody.model_validate(row) for row in ROWS]

    def sdk_models_sync(n: int) -> None:
        for _ in range(n):
            gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=models)

    def sdk_built_models_sync(n: int) -> None:
        build = TimebackCreateResultBody.model_validate
        for _ in range(n):
            gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=[build(row) for row in ROWS])

    def sdk_plain_objects_sync(n: int) -> None:
        for _ in range(n):
            built = [
                _Kept(sourcedId=f"r-{i}", status="active", lineItem=_Kept(sourcedId="li-1"),
                      student=_Kept(sourcedId=f"s-{i}"), class_=_Kept(sourcedId="c-1"), scoreStatus="fully graded",
                      scoreDate="2024-01-16T10:00:00Z", score=90.5, comment="Good work")
                for i in range(100)
            ]  # fmt: skip
            gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=[kept.wire() for kept in built])

    araw = httpx.AsyncClient(transport=httpx.MockTransport(async_handler), base_url=BASE)
    asdk = AsyncTimeback(client_id="id", client_secret="secret", base_url=BASE,
                         http_client=httpx.AsyncClient(transport=httpx.MockTransport(async_handler)))  # fmt: skip
    loop = asyncio.new_event_loop()

    async def araw_calls(n: int) -> None:
        for _ in range(n):
            (await araw.post(PATH, json={"results": ROWS}, headers={"Authorization": "Bearer bench-token"})).json()

    async def asdk_calls(n: int) -> None:
        for _ in range(n):
            await asdk.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=ROWS)

    best = best_cpu_per_call(
        {
            "raw_sync_us": raw_sync,
            "sdk_sync_us": sdk_sync,
            "sdk_models_sync_us": sdk_models_sync,
            "sdk_built_models_sync_us": sdk_built_models_sync,
            "sdk_plain_objects_sync_us": sdk_plain_objects_sync,
            "raw_async_us": lambda n: loop.run_until_complete(araw_calls(n)),
            "sdk_async_us": lambda n: loop.run_until_complete(asdk_calls(n)),
        },
        calls,
    )
    figures = {name: seconds * 1e6 for name, seconds in best.items()}
    figures["sync_ratio"] = figures["sdk_sync_us"] / figures["raw_sync_us"]
    figures["async_ratio"] = figures["sdk_async_us"] / figures["raw_async_us"]
    figures["models_sync_ratio"] = figures["sdk_models_sync_us"] / figures["raw_sync_us"]
    figures["built_models_sync_ratio"] = figures["sdk_built_models_sync_us"] / figures["raw_sync_us"]
    figures["plain_objects_sync_ratio"] = figures["sdk_plain_objects_sync_us"] / figures["raw_sync_us"]
    loop.close()
    raw.close()
    sdk.close()
    return figures


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    figures = measure(parser.parse_args().calls)
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
