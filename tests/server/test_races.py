"""Writes racing each other on one database file, from two ``timeback serve`` processes (what ``--workers 2`` runs,
each process on its own port so that a test chooses which one answers), over real HTTP.

Each race starts its requests together behind a barrier and checks only what every interleaving must give: one
winner of two creates of the same ids with nothing of the loser stored, no lost update between PATCHes, a PUT and
a DELETE each applied whole, listings and delta syncs in one process that see every commit of the other.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from bench._serve import ServeProcess
from bench.bulk import district_seed, result

GB = "/ims/oneroster/gradebook/v1p2"
LINE_ITEM = "li-0"


def _client(server: ServeProcess) -> httpx.Client:
    kwargs = server.client_kwargs()
    form = {"grant_type": "client_credentials", "client_id": kwargs["client_id"],
            "client_secret": kwargs["client_secret"]}  # fmt: skip
    token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Clients of two server processes on one file (the first seeds it)."""
    folder = tmp_path_factory.mktemp("races")
    seed = folder / "seed.json"
    seed.write_text(json.dumps(district_seed(1)))
    database = folder / "races.db"
    with ServeProcess(database, "--seed", str(seed)) as first, ServeProcess(database) as second:
        with _client(first) as a, _client(second) as b:
            yield a, b


def together(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """The calls, each in its own thread, released at once; their answers in the calls' order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(answer, httpx.Response) for answer in answers)
    return answers


def _results(tag: str, numbers: range, score: int) -> list[dict[str, Any]]:
    return [{**result(0, n, score), "sourcedId": f"{tag}-{n}"} for n in numbers]


def _listed(http: httpx.Client, tag: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = http.get(f"{GB}/results/", params={"filter": f"sourcedId~'{tag}-'", **params}).json()
    return body


def test_two_batches_naming_the_same_ids_at_once_store_one_of_them_whole(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    for round_ in range(10):
        tag = f"overlap{round_}"
        mine, theirs = _results(tag, range(60), score=1), _results(tag, range(30, 90), score=2)
        post = f"{GB}/lineItems/{LINE_ITEM}/results"
        first, second = together(
            partial(a.post, post, json={"results": mine}), partial(b.post, post, json={"results": theirs})
        )
        assert sorted([first.status_code, second.status_code]) == [201, 409], (first.text, second.text)
        winner = mine if first.status_code == 201 else theirs
        stored = {r["sourcedId"]: r["score"] for r in _listed(a, tag, limit=200)["results"]}
        assert stored == {r["sourcedId"]: r["score"] for r in winner}  # the loser's 30 free ids are not stored


def test_patches_of_one_record_racing_keep_every_metadata_key(pair: tuple[httpx.Client, httpx.Client]) -> None:
    a, b = pair
    url = f"{GB}/assessmentLineItems/raced"
    assert a.put(url, json={"assessmentLineItem": {"title": "Raced", "metadata": {"kept": True}}}).status_code == 201

    def patches(http: httpx.Client, writer: int) -> Callable[[], httpx.Response]:
        def run() -> httpx.Response:
            for n in range(25):
                answer = http.patch(url, json={"assessmentLineItem": {"metadata": {f"w{writer}-{n}": n}}})
                assert answer.status_code == 200, answer.text
            return answer

        return run

    together(*(patches(http, writer) for writer, http in enumerate([a, b, a, b])))
    metadata = b.get(url).json()["assessmentLineItem"]["metadata"]
    assert metadata == {"kept": True, **{f"w{w}-{n}": n for w in range(4) for n in range(25)}}


def test_a_put_racing_a_delete_is_applied_whole_before_or_after_it(pair: tuple[httpx.Client, httpx.Client]) -> None:
    a, b = pair
    outcomes = set()
    for n in range(20):
        url = f"{GB}/results/putdel-{n}"
        (first,) = _results("putdel", range(n, n + 1), score=1)
        assert a.put(url, json={"result": first}).status_code == 201
        put, delete = together(partial(a.put, url, json={"result": {**first, "score": 2}}), partial(b.delete, url))
        assert (put.status_code, delete.status_code) == (201, 204)
        stored = a.get(url).json()["result"]
        # The PUT then the DELETE: its score, deleted. The DELETE then the PUT: the PUT's record, whole and active.
        assert (stored["score"], stored["status"]) in {(2, "tobedeleted"), (2, "active")}
        outcomes.add(stored["status"])
    print(f"\nPUT racing DELETE, last writer: {sorted(outcomes)}")


def test_a_listing_remembered_in_one_process_sees_the_writes_of_the_other(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    """The count and the next page's start each process remembers are keyed by the write generation read from the
    database in the listing's snapshot: a write by the other process makes them stale at once."""
    a, b = pair
    tag = "remembered"
    assert (
        b.post(f"{GB}/lineItems/{LINE_ITEM}/results", json={"results": _results(tag, range(6), 1)}).status_code == 201
    )
    first = _listed(a, tag, limit=2)  # (remembered in a: the count, and where the page at offset 2 starts)
    assert [r["sourcedId"] for r in _listed(a, tag, limit=2, offset=2)["results"]] == [f"{tag}-2", f"{tag}-3"]
    assert first["totalCount"] == 6
    assert b.delete(f"{GB}/results/{tag}-1").status_code == 204
    after = _listed(a, tag, limit=2, offset=2)
    assert (after["totalCount"], [r["sourcedId"] for r in after["results"]]) == (5, [f"{tag}-3", f"{tag}-4"])
    assert b.put(f"{GB}/results/{tag}-9", json={"result": _results(tag, range(9, 10), 1)[0]}).status_code == 201
    assert _listed(a, tag, limit=2)["totalCount"] == 6


def test_a_delta_sync_in_one_process_misses_no_write_of_the_other(pair: tuple[httpx.Client, httpx.Client]) -> None:
    """Writers PUT through both processes while a reader syncs with ``dateLastModified>='<newest it saw>'``: the
    last version the reader saw of each record is the one stored (a write committed after a sync with a stamp older
    than what that sync saw would be missed for good)."""
    a, b = pair
    tag = "delta"
    ids = [f"{tag}-{n}" for n in range(20)]
    writing = threading.Event()
    writing.set()
    seen: dict[str, dict[str, Any]] = {}
    newest = "1970-01-01T00:00:00.000Z"

    def sync() -> None:
        nonlocal newest
        body = _listed(a, tag, limit=3000, filter=f"sourcedId~'{tag}-' AND dateLastModified>='{newest}'")
        for record in body["results"]:
            seen[record["sourcedId"]] = record
            newest = max(newest, record["dateLastModified"])

    def writer(http: httpx.Client, number: int) -> Callable[[], httpx.Response]:
        def run() -> httpx.Response:
            for n in range(150):
                sourced_id = ids[(n * 7 + number) % len(ids)]
                body = {"result": {**result(0, n % 50, number * 1000 + n), "sourcedId": sourced_id}}
                answer = http.put(f"{GB}/results/{sourced_id}", json=body)
                assert answer.status_code == 201, answer.text
            return answer

        return run

    def reader() -> httpx.Response:
        while writing.is_set():
            sync()
        return httpx.Response(200)

    def writers() -> httpx.Response:
        try:
            together(writer(a, 1), writer(b, 2), writer(b, 3))
        finally:
            writing.clear()
        return httpx.Response(200)

    together(reader, writers)
    sync()  # (after the last write: what it finds is what a sync run later finds)
    stored = {r["sourcedId"]: r for r in _listed(b, tag, limit=3000)["results"]}
    assert len(stored) == len(ids)
    assert {i: seen[i]["score"] for i in ids} == {i: stored[i]["score"] for i in ids}
