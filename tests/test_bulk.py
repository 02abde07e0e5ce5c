"""``bulk_post_results``: batching by line item, concurrency, progress, per-record failures, against the real server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import itertools
import json
import logging
import math
import re
import threading
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest

from tests.support import (
    AsyncFromSync,
    Forwarding,
    Roster,
    add_line_items,
    add_students,
    ctrl_c_waiting_in,
    enriched,
    loop_turns,
    make_roster,
    result_body,
    uid,
    without_totals,
)
from timeback import APIConnectionError, AsyncTimeback, BulkFailure, BulkProgress, DefaultHttpxClient, Timeback
from timeback._bulk import IF_EXISTS_HINT, PENDING_BATCHES, Batch, run_async, run_sync
from timeback.models.request import TimebackCreateResultBody
from timeback.models.response import TimebackSourcedIdPairsResponse
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer


@pytest.fixture(scope="module")
def world(server: Any) -> tuple[Roster, list[str]]:
    """A class with 20 students and 10 line items: 200 distinct (line item, student) cells."""
    from tests.support import make_roster

    with Timeback(**server.client_kwargs()) as client:
        roster = make_roster(client)
        add_students(client, roster, 17)
        return roster, add_line_items(client, roster, 10)


def interleaved(roster: Roster, line_items: list[str], count: int, tag: str) -> Iterator[dict[str, Any]]:
    """``count`` results cycling over line items first (the worst order for batching), scores from the index."""
    cells = itertools.cycle(itertools.product(roster.students, line_items))
    for i in range(count):
        student, line_item = next(cells)
        yield result_body(line_item, student, f"{tag}-{i}", score=i % 101)


def stored_scores(client: Timeback, roster: Roster, tag: str) -> dict[str, float | None]:
    results = client.oneroster.gradebook.get_results_for_class(
        class_sourced_id=roster.class_, filter=f"sourcedId~'{tag}-'", limit=3000
    )
    return {r.sourcedId: r.score for r in results}


def test_bulk_upload_stores_everything_once(client: Timeback, world: tuple[Roster, list[str]]) -> None:
    roster, line_items = world
    tag = uid("bulk")
    progress: list[BulkProgress] = []
    summary = client.oneroster.gradebook.bulk_post_results(
        interleaved(roster, line_items, 2500, tag), batch_size=97, concurrency=4, on_progress=progress.append
    )
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (2500, 2500, 2500, 0) and summary.ok
    assert summary.batches == len(progress) >= 2500 // 97
    assert [p.stored for p in progress] == sorted(p.stored for p in progress) and progress[-1].stored == 2500
    assert stored_scores(client, roster, tag) == {f"{tag}-{i}": i % 101 for i in range(2500)}


def test_invalid_records_fail_alone_and_refused_batches_are_reported(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    roster, line_items = world
    tag = uid("mixed")
    good = list(interleaved(roster, line_items[:2], 10, tag))
    bad = {**result_body(line_items[0], roster.students[0], f"{tag}-bad"), "scoreStatus": None}
    orphan = result_body("no-such-line-item", roster.students[0], f"{tag}-orphan")
    summary = client.oneroster.gradebook.bulk_post_results([*good[:5], bad, orphan, *good[5:]], batch_size=4)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (12, 11, 10, 2)
    invalid, refused = sorted(summary.failures, key=lambda f: f.status_code or 0)
    assert invalid.sourced_ids == (f"{tag}-bad",) and "scoreStatus" in invalid.reason and invalid.status_code is None
    assert refused.sourced_ids == (f"{tag}-orphan",) and refused.status_code == 404
    assert refused.line_item == "no-such-line-item" and refused.request_id
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in good}


def test_a_refusal_naming_a_long_value_is_cut_in_the_failure_s_reason(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The server's message of a refused result quotes what was sent (an unknown student's 5,000-character id): its
    reason holds the first 1,000 characters of it, as an error's message does, not all of it for each result."""
    roster, line_items = world
    tag = uid("long")
    long_id = "s" * 5000
    refused = {**result_body(line_items[0], roster.students[0], f"{tag}-bad"), "student": {"sourcedId": long_id}}
    summary = client.oneroster.gradebook.bulk_post_results([refused])
    (failure,) = summary.failures
    assert failure.status_code == 422 and "student.sourcedId" in failure.reason
    assert "characters cut)" in failure.reason and len(failure.reason) < 1500, len(failure.reason)


async def test_a_result_holding_a_value_json_cannot_hold_fails_alone(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``metadata`` takes any value, but one with no JSON form cannot be sent: as a dict or as a model, the result
    fails alone, and the others are stored. Before, its serialization error stopped the upload, and the note counted
    it taken but neither stored nor failed (1 taken, 0 stored, 0 failed)."""
    roster, line_items = world
    tag = uid("unsendable")
    good = list(interleaved(roster, line_items[:1], 4, tag))
    as_dict = {**result_body(line_items[0], roster.students[5], f"{tag}-dict"), "metadata": {"at": object()}}
    as_model = TimebackCreateResultBody.model_validate({**as_dict, "sourcedId": f"{tag}-model"})
    summary = await upload(either, [good[0], as_dict, *good[1:3], as_model, good[3]], batch_size=2)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (6, 4, 4, 2), summary.failures
    assert sorted(f.sourced_ids for f in summary.failures) == [(f"{tag}-dict",), (f"{tag}-model",)]
    assert all(f.reason.startswith("invalid result: ") and f.status_code is None for f in summary.failures)
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in good}


async def test_a_result_holding_a_nan_the_server_refuses_fails_alone(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A NaN or an infinity in ``metadata`` is sent as such (README), and the server refuses it with a 400 naming the
    result's field (no JSON number): that 400 sank its whole batch, every result failed with it. Now the results it
    names fail alone, with the server's words, and the rest of the batch is sent again and stored."""
    roster, line_items = world
    tag = uid("nan")
    rows = list(interleaved(roster, line_items[:1], 6, tag))
    rows[2] = {**rows[2], "metadata": {"x": math.nan}}
    rows[4] = {**rows[4], "metadata": {"y": math.inf}}
    summary = await upload(either, rows, batch_size=6)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (6, 6, 4, 2), summary.failures
    failures = sorted(summary.failures, key=lambda f: f.sourced_ids)
    assert [f.sourced_ids for f in failures] == [(rows[2]["sourcedId"],), (rows[4]["sourcedId"],)]
    assert all(f.status_code == 400 and "metadata" in f.reason for f in failures), failures
    assert "metadata.x" in failures[0].reason and "metadata.y" in failures[1].reason, failures
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for i, r in enumerate(rows) if i not in (2, 4)}


async def test_a_result_holding_text_utf8_cannot_encode_fails_alone_naming_the_field(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A lone surrogate (what ``json.loads`` makes of an emoji cut in half) or bytes that are not UTF-8 pass
    validation but have no UTF-8 JSON form: such a result fails alone, naming where, and the others are stored.
    Before, the surrogate failed to encode after its id had joined a batch: the upload stopped with a bare KeyError
    and stored nothing; the bytes stopped it with a UnicodeDecodeError."""
    roster, line_items = world
    tag = uid("unencodable")
    cut = json.loads('"great \\ud83d"')
    good = list(interleaved(roster, line_items[:2], 6, tag))

    def bad(name: str, student: int, **extra: object) -> dict[str, object]:
        return result_body(line_items[2], roster.students[student], f"{tag}-{name}", **extra)

    comment, nested = bad("comment", 0, comment=cut), bad("nested", 1, metadata={"notes": [1, {"text": cut}]})
    as_bytes = bad("bytes", 2, metadata={"raw": b"\xff"})
    as_model = TimebackCreateResultBody.model_validate(bad("model", 3, comment=cut))
    rows = [comment, good[0], nested, *good[1:3], as_bytes, as_model, *good[3:]]
    summary = await upload(either, rows, batch_size=2)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (10, 6, 6, 4), summary.failures
    reasons = {f.sourced_ids: f.reason for f in summary.failures}
    cannot = "cannot be encoded as UTF-8 JSON"
    assert reasons == {
        (f"{tag}-comment",): f"invalid result: comment: {cannot} (surrogates not allowed: '\\ud83d' at position 6)",
        (f"{tag}-nested",): f"invalid result: metadata.notes.1.text: {cannot} (surrogates not allowed: '\\ud83d' "
        "at position 6)",
        (f"{tag}-bytes",): f"invalid result: metadata.raw: {cannot} (invalid start byte: b'\\xff' at position 0)",
        (f"{tag}-model",): f"invalid result: comment: {cannot} (surrogates not allowed: '\\ud83d' at position 6)",
    }
    assert all(f.status_code is None for f in summary.failures)
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in good}


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_batch_too_large_for_the_server_is_sent_again_in_halves_down_to_the_result_too_large(
    kind: str,
) -> None:
    """A batch over the server's limit of fields (``max_json_values``; 200,000 by default, about 15,000 results) is
    413: every batch of a ``batch_size`` past it failed whole (20,000 results with ``batch_size=10**9``: 0 stored).
    Now it is sent again in halves, down to single results: the one result too large by itself fails alone, with
    the server's reason, and the counts stay exact."""
    settings = ServerSettings(client_id="limits", client_secret="limits-secret", max_json_values=100)  # (9 results)
    with LocalServer(settings) as server:
        with Timeback(**server.client_kwargs()) as client:
            roster = make_roster(client)
            (line_item,) = add_line_items(client, roster, 1)
            tag = uid("too-large")
            rows = [result_body(line_item, roster.students[i % 3], f"{tag}-{i}", score=i) for i in range(21)]
            objectives = [{"learningObjectiveId": f"o{i}", "score": 1} for i in range(40)]  # (over 100 fields alone)
            rows[13]["learningObjectiveSet"] = [{"source": "s", "learningObjectiveResults": objectives}]
            progress: list[BulkProgress] = []
            options: dict[str, Any] = {"batch_size": 10**9, "on_progress": progress.append}
            if kind == "sync":
                summary = client.oneroster.gradebook.bulk_post_results(rows, **options)
            else:
                async with AsyncTimeback(**server.client_kwargs()) as async_client:
                    summary = await async_client.oneroster.gradebook.bulk_post_results(rows, **options)
            stored = stored_scores(client, roster, tag)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (21, 21, 20, 1), summary
    (failure,) = summary.failures
    assert failure.sourced_ids == (f"{tag}-13",) and failure.status_code == 413 and failure.request_id, failure
    assert failure.reason.startswith(
        "413: The body holds over 100 fields and items outside metadata: send fewer records in one request."
    ), failure.reason
    assert failure.reason.endswith("(this result alone is over the server's size limit)"), failure.reason
    assert summary.batches > 3  # (the halves sent count too)
    assert progress == [summary.progress()]  # (one batch of the input's, settled in parts)
    assert stored == {r["sourcedId"]: r["score"] for r in rows if r is not rows[13]}


class CountsBatchPosts(Forwarding):
    """Forwards each request to the real server; counts the batch POSTs."""

    def __init__(self) -> None:
        super().__init__()
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.posts += request.method == "POST" and request.url.path.endswith("/results")
        return self.inner.handle_request(request)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_server_refusing_every_size_with_413_is_not_sent_every_half(kind: str) -> None:
    """A server answering 413 whatever the size (a gateway's or a firewall's rule; here every result alone is over
    the local server's ``max_json_values``) had each batch of n sent again in halves down to single results: 2n - 1
    requests one after another, two million for a million results. Once a single result is refused so and no part
    was stored, a 413 fails its batch whole, with the server's reason: the first batch costs its way down to one
    result and its halves on the way back (2 log2(n) + 1 requests), each later batch one."""
    settings = ServerSettings(client_id="limits", client_secret="limits-secret", max_json_values=5)  # (a result: 13)
    with LocalServer(settings) as server:
        transport = CountsBatchPosts()
        rows = [result_body("li", "student", f"r-{i}") for i in range(128)]
        summary = await bulk_through(kind, server, transport, rows, batch_size=64, concurrency=1)
    assert transport.posts == (2 * 6 + 1) + 1 == summary.batches, summary
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (128, 128, 0, 128), summary
    assert sorted(len(f.sourced_ids) for f in summary.failures) == [1, 1, 2, 4, 8, 16, 32, 64]
    assert all(f.status_code == 413 and not f.maybe_stored for f in summary.failures)
    assert all(f.reason.startswith("413: The body holds over 5 fields") for f in summary.failures)


class ScopesRevokedAfterA413(Forwarding):
    """Forwards each request to the real server; once a batch POST was answered 413, the later ones go with
    ``token``, a client's that may only read (403: as credentials whose scopes were revoked). Counts the POSTs."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.posts = 0
        self.refused = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/results"):
            return self.inner.handle_request(request)
        self.posts += 1
        if self.refused:
            request.headers["Authorization"] = f"Bearer {self.token}"
        response = self.inner.handle_request(request)
        self.refused |= response.status_code == 413
        return response


def reading_token(server: Any) -> str:
    """A token of a new client of ``server`` that may only read: a batch POST sent with it is refused 403."""
    reader, secret = uid("reader"), uid("secret")
    server.app.state.clients.add(reader, secret, "gradebook.readonly")
    grant = httpx.post(f"{server.url}/oauth2/token", data={"grant_type": "client_credentials"}, auth=(reader, secret))
    return str(grant.json()["access_token"])


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_no_part_of_a_batch_is_sent_after_a_part_stopped_the_upload(kind: str) -> None:
    """A batch too large (413) is sent again in halves; the first half is refused 403 (the credentials' scopes),
    which stops the upload, as every later batch would be refused alike: the second half was still sent (and
    refused). It now counts as not sent again."""
    from timeback import PermissionDeniedError

    settings = ServerSettings(client_id="limits", client_secret="limits-secret", max_json_values=100)  # (9 results)
    with LocalServer(settings) as server:
        transport = ScopesRevokedAfterA413(reading_token(server))
        rows = [result_body("li", "student", f"r-{i}") for i in range(12)]
        with pytest.raises(PermissionDeniedError) as refused:
            await bulk_through(kind, server, transport, rows, batch_size=12, max_retries=0)
    assert transport.posts == 2
    assert counts_in("".join(refused.value.__notes__)) == (12, 0, 12)


def test_a_sourced_id_repeated_in_the_upload_fails_alone(client: Timeback, world: tuple[Roster, list[str]]) -> None:
    """A repeat of a result still waiting in its batch waits for that batch to settle, then, the first stored, goes
    alone and meets its 409. (Before, it failed at once as a repeat: see the corrected copy's test for why not.)"""
    roster, line_items = world
    tag = uid("repeat")
    good = list(interleaved(roster, line_items[:1], 6, tag))
    again = {**good[2], "score": 1}
    summary = client.oneroster.gradebook.bulk_post_results([*good[:4], again, *good[4:]])
    assert (summary.taken, summary.sent, summary.stored, summary.failed, summary.batches) == (7, 7, 6, 1, 2)
    (repeat,) = summary.failures
    assert repeat.sourced_ids == (again["sourcedId"],) and repeat.status_code == 409 and repeat.positions == (4,)
    # (it said "sending results stored before again? if_exists="replace" ...": followed, the repeat replaced the first)
    assert repeat.reason.endswith(
        '(the sourcedId of input position 2 repeated; if_exists="replace" would PUT this result over that one)'
    ), repeat.reason
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in good}  # the first one kept
    # A third copy names the copy stored (position 2), not the second (position 4), refused: it named the second
    third = client.oneroster.gradebook.bulk_post_results([*good[:4], again, {**good[2], "score": 2}], batch_size=10)
    assert [(f.positions, f.reason.rpartition("(")[2]) for f in third.failures[-2:]] == [
        ((4,), 'the sourcedId of input position 2 repeated; if_exists="replace" would PUT this result over that one)'),
        ((5,), 'the sourcedId of input position 2 repeated; if_exists="replace" would PUT this result over that one)'),
    ], third.failures
    nameless = {k: v for k, v in good[0].items() if k not in ("sourcedId", "scoreStatus")}
    (invalid,) = client.oneroster.gradebook.bulk_post_results([nameless]).failures
    assert invalid.sourced_ids == (None,)  # (not the string 'None')


class ScopesRevokedAfter(Forwarding):
    """Forwards each request to the real server, the batch POSTs after the first ``kept`` with ``token``, a client's
    that may only read (403: as credentials whose scopes were revoked mid-upload)."""

    def __init__(self, token: str, kept: int) -> None:
        super().__init__()
        self.token, self.kept = token, kept
        self.posts = 0
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/results"):
            with self.lock:
                self.posts += 1
                if self.posts > self.kept:
                    request.headers["Authorization"] = f"Bearer {self.token}"
        return self.inner.handle_request(request)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_repeats_held_when_a_refusal_stops_the_upload_count_as_not_sent(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A 403 stopping the upload while repeats wait for their first copies' part-filled batch: that batch and the
    repeats count as not sent (``taken == stored + failed``), none of them sent."""
    from timeback import PermissionDeniedError

    roster, line_items = world
    tag = uid(f"held-at-403-{kind}")
    stored = list(interleaved(roster, line_items[:1], 10, f"{tag}-s"))  # (a full batch, sent before the revoke)
    waiting = list(interleaved(roster, line_items[1:2], 5, f"{tag}-w"))  # (part-filled: sent only at the end)
    repeats = [{**row, "score": 1} for row in waiting[:3]]  # (held for it)
    refused = list(interleaved(roster, line_items[2:3], 10, f"{tag}-r"))  # (full: sent, refused 403)
    transport = ScopesRevokedAfter(reading_token(server), kept=1)
    with pytest.raises(PermissionDeniedError) as stopped:  # (one batch at a time: the last waits for the 403)
        await bulk_through(
            kind, server, transport, [*stored, *waiting, *repeats, *refused], batch_size=10, concurrency=1
        )
    assert transport.posts == 2
    assert stopped.value.__notes__ == [
        "bulk_post_results stopped: 28 results taken, 10 stored, 18 failed or not sent; all of the input was read"
    ]
    assert stored_scores(client, roster, tag) == {row["sourcedId"]: row["score"] for row in stored}


def batches_running() -> bool:
    """Whether a sync upload's thread runs a batch (or has not yet called its future's done callbacks)."""
    import concurrent.futures.thread
    import sys

    frames = sys._current_frames()
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or 0) if thread.name.startswith("timeback-bulk") else None
        while frame is not None:
            if frame.f_code.co_name == "run" and frame.f_code.co_filename == concurrent.futures.thread.__file__:
                return True  # (in the pool's work item: its batch, then its future's result and callbacks)
            frame = frame.f_back
    return False


@pytest.mark.parametrize("kind", ["sync", "async iterable"])
async def test_a_refusal_met_while_the_input_is_read_stops_the_upload_with_the_result_read_taken(
    kind: str, server: Any, world: tuple[Roster, list[str]]
) -> None:
    """A batch refused 403 while the caller's iterable was asked for the next result stops the upload as that result
    comes, as from a plain iterable: the rest of the input is not read, and the result read counts as taken, not
    sent. Before, it was read and in no count ("10 results taken"), and an upload resumed from the same iterator
    lost it. Now ``taken`` is what was read: the failures and the rest of the same iterator are every result."""
    from timeback import PermissionDeniedError

    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 15, uid(f"refused-while-read-{kind.split()[0]}")))
    transport = ScopesRevokedAfter(reading_token(server), kept=0)
    read = 0

    def source() -> Iterator[dict[str, Any]]:
        nonlocal read
        for row in rows:
            while read == 10 and (transport.posts == 0 or batches_running()):  # (the first batch, sent at the 10th)
                time.sleep(0.001)
            read += 1
            yield row

    async def async_source() -> AsyncIterator[dict[str, Any]]:
        nonlocal read
        for row in rows:
            if read == 10:  # (once the first batch, sent at the 10th, has been answered: its task ended)
                while len(asyncio.all_tasks()) > 1:
                    await asyncio.sleep(0.001)
                await asyncio.sleep(0)  # (its done callback, scheduled as it ended)
            read += 1
            yield row

    failures: list[BulkFailure] = []
    given: Any = source() if kind == "sync" else async_source()
    with pytest.raises(PermissionDeniedError) as stopped:
        await bulk_through(kind.split()[0], server, transport, given, batch_size=10, concurrency=2,
                           on_failure=failures.append)  # fmt: skip
    assert read == 11 and transport.posts == 1
    assert stopped.value.__notes__ == [
        "bulk_post_results stopped: 11 results taken, 0 stored, 11 failed or not sent; the rest of the input was "
        "not read"
    ]
    assert [f.reason for f in failures][1:] == ["not sent: the upload stopped"] and failures[1].sourced_ids == (
        rows[10]["sourcedId"],
    )
    rest = list(given) if kind == "sync" else [row async for row in given]
    failed = [sourced_id for failure in failures for sourced_id in failure.sourced_ids]
    assert failed + [row["sourcedId"] for row in rest] == [row["sourcedId"] for row in rows]


class HoldsTheFirstBatch(Forwarding):
    """Forwards each request to the real server, the first batch POST only once the second has been answered (or
    ``release`` is set, or ``patience`` seconds have passed): the server ends the later batch first. Notes whether a
    later POST came before the first's answer."""

    def __init__(self, patience: float = 60.0) -> None:
        super().__init__()
        self.patience = patience
        self.posts = 0
        self.lock = threading.Lock()
        self.second_answered = threading.Event()
        self.release = threading.Event()
        self.first_answered = False
        self.sent_before_the_first_answer: list[int] = []  # (the POSTs after the second sent while the first waits)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/results"):
            return self.inner.handle_request(request)
        with self.lock:
            self.posts += 1
            number = self.posts
            if number > 2 and not self.first_answered:
                self.sent_before_the_first_answer.append(number)
        if number == 1:
            for _ in range(int(self.patience * 10)):  # (a bound, should the second never come)
                if self.second_answered.wait(timeout=0.1) or self.release.is_set():
                    break
            try:
                return self.inner.handle_request(request)
            finally:
                with self.lock:
                    self.first_answered = True
        try:
            return self.inner.handle_request(request)
        finally:
            self.second_answered.set()


async def bulk_through(kind: str, server: Any, transport: httpx.BaseTransport, rows: Any, **options: Any) -> Any:
    """``bulk_post_results`` on a sync or async client sending through ``transport`` (``"async iterable"``: the
    async client, given ``rows`` as an async iterable)."""
    if kind == "sync":
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
            return api.oneroster.gradebook.bulk_post_results(rows, **options)
    if kind == "async iterable":
        rows = async_of(rows)
    async with AsyncTimeback(
        **server.client_kwargs(), http_client=httpx.AsyncClient(transport=AsyncFromSync(transport))
    ) as aapi:
        return await aapi.oneroster.gradebook.bulk_post_results(rows, **options)


async def async_of(rows: Iterable[Any]) -> AsyncIterator[Any]:
    for row in rows:
        yield row


@pytest.mark.parametrize("if_exists", ["fail", "replace"])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_repeat_of_a_result_in_flight_is_sent_once_its_first_copy_has_settled(
    kind: str, if_exists: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A repeat read while its first copy's batch is in flight is held until that batch settles, then sent like any
    later input: it meets the stored first copy's 409, or replaces it. Never sent while the first is in flight:
    before, the repeat went in the next batch, the server stored that one first, and the first copy's whole batch
    failed 409 (the stale copy stored instead)."""
    roster, line_items = world
    tag = uid(f"repeat-in-flight-{kind}-{if_exists}")
    rows = list(interleaved(roster, line_items[:1], 11, tag))
    again = {**rows[4], "score": 1}  # (a later copy, read once its first went out in a full batch)
    given = [*rows[:10], again, rows[10]]
    transport = HoldsTheFirstBatch()
    summary = await bulk_through(kind, server, transport, given, batch_size=10, concurrency=2, if_exists=if_exists)
    # the repeat went alone, in a third batch, once the first had been answered
    assert transport.posts == 3 and transport.sent_before_the_first_answer == [], transport.posts
    expected = {r["sourcedId"]: r["score"] for r in rows}
    if if_exists == "fail":
        assert (summary.taken, summary.sent, summary.stored, summary.failed) == (12, 12, 11, 1), summary
        (repeat,) = summary.failures
        assert repeat.sourced_ids == (again["sourcedId"],) and repeat.status_code == 409
    else:
        assert (summary.taken, summary.sent, summary.stored, summary.replaced, summary.failed) == (12, 12, 12, 1, 0)
        expected[again["sourcedId"]] = 1  # (the later copy wins)
    assert stored_scores(client, roster, tag) == expected


class RepeatedRounds:
    """An input: ``first``, then 5 rounds of copies of it (the round their score), each ``pause`` seconds apart,
    counting the rows read while ``transport``'s first batch is unanswered; the transport released at the end."""

    def __init__(self, first: list[dict[str, Any]], transport: HoldsTheFirstBatch, pause: float = 0.0) -> None:
        self.first, self.transport, self.pause = first, transport, pause
        self.read_while_held = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self.first
        for round_ in range(5):
            for row in self.first:
                time.sleep(self.pause)
                self.read_while_held += not self.transport.first_answered
                yield {**row, "score": round_}
        self.transport.release.set()


@pytest.mark.parametrize("kind", ["sync", "async", "async iterable"])
async def test_no_more_than_a_batch_of_repeats_wait_for_their_first_copies(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Repeats of results in flight wait for their batch: once more than a batch's worth wait, no more input is read
    until batches settle, so memory stays flat whatever the input. (Before, an input repeating the ids in flight was
    read to its end while they were: every repeat held.) Then each goes as later input does."""
    roster, line_items = world
    tag = uid(f"repeats-bounded-{kind}")
    first = list(interleaved(roster, line_items[:1], 10, tag))  # (one full batch, held in flight)
    transport = HoldsTheFirstBatch(patience=1.0)  # (the first batch waits for nothing else: released after 1 s)
    source = RepeatedRounds(first, transport)
    summary = await bulk_through(kind, server, transport, source, batch_size=10, concurrency=2)
    assert source.read_while_held <= 10 + 1, source.read_while_held
    assert summary.taken == 60 and summary.stored == 10 and summary.taken == summary.stored + summary.failed, summary
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in first}  # (later copies: 409)


class HoldsOneLineItem(Forwarding):
    """Forwards each request to the real server, the batches to line item ``held`` only once ``others`` batches to
    other line items have been answered (or 10 s have passed: ``waited_out``)."""

    def __init__(self, held: str, others: int) -> None:
        super().__init__()
        self.held, self.others, self.answered = held, others, 0
        self.changed = threading.Condition()
        self.waited_out = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/results"):
            return self.inner.handle_request(request)
        if request.url.path.endswith(f"/lineItems/{self.held}/results"):
            with self.changed:
                if not self.changed.wait_for(lambda: self.answered >= self.others, timeout=10):
                    self.waited_out = True
            return self.inner.handle_request(request)
        try:
            return self.inner.handle_request(request)
        finally:
            with self.changed:
                self.answered += 1
                self.changed.notify_all()


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_repeat_at_the_end_of_the_input_goes_once_its_own_first_copy_settles(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The input ends with a repeat of a result in flight: it is sent once that batch settles, not once every batch
    in flight has (before, it waited for a slow batch of another line item too)."""
    roster, line_items = world
    tag = uid(f"repeat-at-end-{kind}")
    slow, quick = (list(interleaved(roster, [line_items[n]], 10, f"{tag}-{n}")) for n in range(2))
    again = {**quick[4], "score": 1}
    # (the slow batch waits for the quick one's answer and the repeat's)
    transport = HoldsOneLineItem(line_items[0], others=2)
    summary = await bulk_through(kind, server, transport, [*slow, *quick, again], batch_size=10, concurrency=2)
    assert not transport.waited_out
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (21, 21, 20, 1), summary
    (repeat,) = summary.failures
    assert repeat.sourced_ids == (again["sourcedId"],) and repeat.status_code == 409


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_corrected_copy_of_a_refused_result_in_flight_is_stored(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The first copy refused (an unknown student), the corrected one read while it is in flight is stored: nothing
    was kept of the first. (Failed as a repeat before, the result was stored by neither.)"""
    roster, line_items = world
    sourced_id = uid(f"corrected-{kind}")
    wrong = result_body(line_items[0], "no-such-student", sourced_id)
    right = result_body(line_items[0], roster.students[0], sourced_id, score=95)
    summary = await bulk_through(kind, server, Forwarding(), [wrong, right], batch_size=1, concurrency=2)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (2, 2, 1, 1), summary
    (refused,) = summary.failures
    assert refused.status_code == 422 and refused.sourced_ids == (sourced_id,)
    assert client.oneroster.gradebook.get_result(sourced_id=sourced_id).result.score == 95


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_repeat_of_a_stored_result_fails_alone_not_with_the_results_after_it(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A repeat read while its first copy is in flight, that first copy then stored: the repeat goes in a batch of
    its own and fails alone with the server's 409. Before, it joined the next batch like a new result, and the
    server refused that whole batch (409): the valid results read after it were not stored. (One batch in flight
    at a time: the first has settled when the results after the repeat are batched, as after a pause in the input.)"""
    roster, line_items = world
    tag = uid(f"repeat-stored-{kind}")
    first = list(interleaved(roster, line_items[:1], 3, f"{tag}-a"))
    after = list(interleaved(roster, line_items[:1], 5, f"{tag}-b"))
    again = {**first[0], "score": 1}
    transport = HoldsTheFirstBatch(patience=30.0)

    def rows() -> Iterator[dict[str, Any]]:
        yield from first
        yield again
        transport.release.set()  # (the repeat read: now the first batch may be answered; a loaded machine had
        yield from after  # answered it before the repeat was read, which then went like a later result: 6 stored)

    summary = await bulk_through(kind, server, transport, rows(), batch_size=3, concurrency=1)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (9, 9, 8, 1), summary
    (repeat,) = summary.failures
    assert repeat.sourced_ids == (again["sourcedId"],) and repeat.status_code == 409 and repeat.request_id
    assert "the sourcedId of input position 0 repeated" in repeat.reason, repeat.reason
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in [*first, *after]}


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_corrected_copy_of_a_refused_result_still_waiting_is_stored(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """As for a result in flight, a corrected copy read while the first one waits in a batch not yet sent waits
    for that batch to settle: the first refused (an unknown student), the copy is stored. Before, the copy failed at
    once as a repeat ("the first one is kept"), the first was refused, and neither was stored."""
    roster, line_items = world
    tag = uid(f"corrected-waiting-{kind}")
    wrong = result_body(line_items[0], "no-such-student", f"{tag}-x")
    other = result_body(line_items[0], roster.students[1], f"{tag}-y", score=80)
    right = {**wrong, "student": {"sourcedId": roster.students[0]}, "score": 95}
    summary = await bulk_through(kind, server, Forwarding(), [wrong, other, right], batch_size=10)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (3, 3, 2, 1), summary
    (refused,) = summary.failures
    assert refused.status_code == 422 and refused.sourced_ids == (wrong["sourcedId"],)
    assert stored_scores(client, roster, tag) == {wrong["sourcedId"]: 95, other["sourcedId"]: 80}


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_repeats_of_results_still_waiting_send_their_batch_rather_than_pile_up(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """More than a batch's worth of repeats waiting for first copies in a part-filled batch (not sent yet): that
    batch is sent, full or not, and no more input is read until it settles, so memory stays flat and nothing waits
    for input that is not read. Then the repeats meet the stored copies' 409 (alone, or together once their first
    copies' batches have settled and the ids are no longer compared); the counts add up. (Before, each repeat failed
    at once, never sent, and the whole input was read while the first copies waited.)"""
    roster, line_items = world
    tag = uid(f"repeats-waiting-{kind}")
    first = list(interleaved(roster, line_items[:1], 3, tag))  # (a part-filled batch: 3 of 4)
    transport = HoldsTheFirstBatch(patience=1.0)  # (the first batch waits for nothing else: released after 1 s)
    source = RepeatedRounds(first, transport, pause=0.001)  # (a slow input)
    summary = await bulk_through(kind, server, transport, source, batch_size=4, concurrency=2)
    assert source.read_while_held <= 4 + 1, source.read_while_held
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (18, 18, 3, 15), summary
    assert all(f.status_code == 409 for f in summary.failures), summary.failures
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in first}


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_with_replace_a_later_copy_replaces_the_first_whatever_its_batch_was_doing(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``if_exists="replace"``: the later copy wins, whether its first copy's batch was still in flight when it was
    read (it waits for it) or had been answered. (Failed as a repeat before, unless enough batches were in flight
    for the answered one to have been settled.)"""
    roster, line_items = world
    sourced_id = uid(f"later-wins-{kind}")
    first = result_body(line_items[0], roster.students[0], sourced_id, score=90)
    later = {**first, "score": 95}
    summary = await bulk_through(
        kind, server, Forwarding(), [first, later], batch_size=1, concurrency=4, if_exists="replace"
    )
    assert (summary.taken, summary.sent, summary.stored, summary.replaced, summary.failed) == (2, 2, 2, 1, 0), summary
    assert client.oneroster.gradebook.get_result(sourced_id=sourced_id).result.score == 95


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_repeat_held_for_its_first_copy_counts_as_not_sent_when_the_upload_stops(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The input failing while a repeat waits for its first copy's batch: that batch is settled, and the repeat
    counts as not sent (``taken == stored + failed``)."""
    roster, line_items = world
    sourced_id = uid(f"held-at-stop-{kind}")
    first = result_body(line_items[0], roster.students[0], sourced_id, score=90)
    transport = HoldsTheFirstBatch()

    def source() -> Iterator[dict[str, Any]]:
        yield first
        yield {**first, "score": 95}  # (read while the first is held in flight)
        transport.release.set()
        raise RuntimeError("the input broke")

    calls: list[BulkProgress] = []
    with pytest.raises(RuntimeError, match="the input broke") as raised:
        await bulk_through(kind, server, transport, source(), batch_size=1, concurrency=2, on_progress=calls.append)
    assert transport.posts == 1
    assert "2 results taken, 1 stored, 1 failed or not sent" in "\n".join(raised.value.__notes__)
    last_progress_as_noted(calls, raised.value)  # (its only call: the batch settled in the stop)
    assert client.oneroster.gradebook.get_result(sourced_id=sourced_id).result.score == 90


async def test_a_repeat_of_a_result_whose_batch_has_settled_meets_the_stored_record(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Once its batch has settled, an id is no longer compared (memory stays flat): a repeat then goes with its
    batch, which the server refuses (409) for the stored record, naming it: it fails alone, the rest of its batch
    sent again and stored (it sank the whole batch: 2 failed here, one of them stored by no one)."""
    roster, line_items = world
    tag = uid("repeat-settled")
    first, second = (
        list(interleaved(roster, [line_item], 10, f"{tag}-{n}")) for n, line_item in enumerate(line_items[:2])
    )
    again = {**first[4], "score": 1}
    last = result_body(line_items[0], roster.students[0], f"{tag}-last")
    # (one batch in flight at a time: the second is sent once the first has settled, before the repeat is read)
    summary = await upload(either, [*first, *second, again, last], batch_size=10, concurrency=1)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (22, 22, 21, 1), summary
    (refused,) = summary.failures
    assert refused.status_code == 409 and refused.sourced_ids == (again["sourcedId"],)
    assert refused.reason.endswith(f"({IF_EXISTS_HINT}); the rest of its batch was sent again"), refused.reason
    assert f"'{again['sourcedId']}' already exists" in refused.reason
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in [*first, *second, last]}


async def test_each_failure_gives_the_places_in_the_input_of_the_results_it_names(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``positions``: a result sent without a sourcedId is named by the id the SDK gave it, which the input does not
    hold, and an id may be repeated in the input; so failures named only ids (from the migration run: rows that
    could not be told apart to fix and send again)."""
    roster, line_items = world
    tag = uid("positions")
    rows: list[Any] = list(interleaved(roster, line_items[:2], 24, tag))
    client.oneroster.gradebook.bulk_post_results([rows[12]])  # (stored before: its 409 fails it alone)
    rows[3] = {**rows[3], "score": "A-"}  # invalid
    rows[5] = result_body(line_items[0], "no-such-student", comment=tag)  # no sourcedId: refused by the server
    rows[9] = "not a result"
    rows[20] = {**rows[0], "score": 1}  # a repeat of an id stored by this upload
    rows[22] = "not a result"
    summary = await upload(either, rows, batch_size=8, concurrency=1)
    failed = {p: f for f in summary.failures for p in f.positions}
    assert sorted(failed) == [3, 5, 9, 12, 20, 22], summary.failures
    assert all(len(f.positions) == len(f.sourced_ids) for f in summary.failures)
    for position in (3, 12, 20):
        assert failed[position].sourced_ids == (rows[position]["sourcedId"],)
    assert failed[9].sourced_ids == failed[22].sourced_ids == (None,) and failed[9] is not failed[22]
    (made_up,) = failed[5].sourced_ids  # (the id the SDK gave it)
    assert made_up is not None and failed[5].status_code == 422
    assert [failed[p].status_code for p in (12, 20)] == [409, 409]
    assert (summary.taken, summary.stored, summary.failed) == (24, 18, 6)
    # (str: one line for a log, the failures counted by why)
    assert re.fullmatch(r"24 taken, 18 stored, 6 failed \(invalid: 3, 409: 2, 422: 1\), \d+ batches, 0 retries, "
                        r"\d+\.\d s", str(summary)), str(summary)  # fmt: skip
    # (as a notebook's DataFrame row: the public counts alone, no private bookkeeping)
    assert set(dataclasses.asdict(summary)) == {"taken", "sent", "stored", "replaced", "unchanged", "batches",
                                                "retries_taken", "seconds", "failures", "failed"}  # fmt: skip
    good = {rows[i]["sourcedId"] for i in range(24) if i not in failed} | {rows[12]["sourcedId"]}
    assert set(stored_scores(client, roster, tag)) == good


@pytest.mark.parametrize("if_exists", ["fail", "replace"])
async def test_many_copies_of_one_sourced_id_each_go_once_in_order_at_a_linear_cost(
    if_exists: str,
    either: Timeback | AsyncTimeback,
    client: Timeback,
    world: tuple[Roster, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """60 copies of one result: each goes once its previous copy has settled, in the order read (the last one wins
    with replace; each later one meets the first's 409 otherwise), more than a batch's worth of them held at times.
    Each copy is placed in a batch (or held) at most twice. (Before, every settle placed every copy still held again,
    up to a batch's worth: about 600 placings here; 16,000 copies at the default batch size took 18 s.)"""
    from timeback._bulk import Batcher

    placings = 0
    place = Batcher._place

    def counted(batcher: Batcher, *args: Any) -> Batch | None:
        nonlocal placings
        placings += 1
        return place(batcher, *args)

    monkeypatch.setattr(Batcher, "_place", counted)
    roster, line_items = world
    sourced_id = uid(f"copies-{if_exists}")
    copies = [result_body(line_items[0], roster.students[0], sourced_id, score=i) for i in range(60)]
    summary = await upload(either, copies, batch_size=10, concurrency=2, if_exists=if_exists)
    assert placings <= 2 * len(copies), placings
    assert (summary.taken, summary.sent, summary.batches) == (60, 60, 60), summary
    if if_exists == "fail":
        assert (summary.stored, summary.failed) == (1, 59), summary
        assert all(f.status_code == 409 and f.sourced_ids == (sourced_id,) for f in summary.failures)
    else:
        assert (summary.stored, summary.replaced, summary.failed) == (60, 59, 0), summary
    stored = client.oneroster.gradebook.get_result(sourced_id=sourced_id).result.score
    assert stored == (0 if if_exists == "fail" else 59)


async def test_a_result_that_is_no_mapping_fails_alone_naming_the_type_given(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(None, 5 or a list of pairs failed as "result: Input should be a valid dictionary or instance of
    TimebackCreateResultBody", which did not say what was given.)"""
    roster, line_items = world
    tag = uid("no-mapping")
    good = result_body(line_items[0], roster.students[0], f"{tag}-good")
    wrong = [None, 5, "x", b"y", list(good.items())]
    summary = await upload(either, [*wrong, good])
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (6, 1, 1, 5), summary
    expected = "invalid result: result: Input should be a valid dictionary or instance of TimebackCreateResultBody"
    assert [(f.sourced_ids, f.reason) for f in summary.failures] == [
        ((None,), f"{expected} (given: {given})") for given in ("NoneType", "int", "str", "bytes", "list")
    ]
    assert set(stored_scores(client, roster, tag)) == {good["sourcedId"]}


def test_an_invalid_result_given_as_a_mapping_is_named_by_its_sourced_id(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Any mapping is taken (a valid one is stored), and an invalid one's failure names its sourcedId, as a dict's
    does: before, a mapping other than a dict was named None, as if it had no sourcedId."""
    from types import MappingProxyType

    roster, line_items = world
    tag = uid("mapping")
    good, bad = (result_body(line_items[0], student, f"{tag}-{i}") for i, student in enumerate(roster.students[:2]))
    rows = [MappingProxyType(good), MappingProxyType({**bad, "score": "lots"})]
    summary = client.oneroster.gradebook.bulk_post_results(rows)
    assert (summary.stored, summary.failed) == (1, 1)
    assert summary.failures[0].sourced_ids == (bad["sourcedId"],) and "score" in summary.failures[0].reason


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_refused_credentials_stop_the_upload(kind: str, server: Any, world: tuple[Roster, list[str]]) -> None:
    """Every batch would be refused alike: the upload stops at the first refusal instead of trying each one."""
    from timeback import AuthError

    roster, line_items = world
    nobody = uid("nobody")
    rows = interleaved(roster, line_items, 30, uid("refused"))
    calls: list[BulkProgress] = []
    options: dict[str, Any] = {"batch_size": 1, "concurrency": 2, "on_progress": calls.append}
    kwargs = {"base_url": server.url, "client_id": nobody, "client_secret": "wrong", "max_retries": 0}
    with pytest.raises(AuthError) as refused:
        if kind == "sync":
            with Timeback(**kwargs) as stranger:
                stranger.oneroster.gradebook.bulk_post_results(rows, **options)
        else:
            async with AsyncTimeback(**kwargs) as astranger:
                await astranger.oneroster.gradebook.bulk_post_results(rows, **options)
    assert "bulk_post_results stopped" in "".join(refused.value.__notes__) and "0 stored" in refused.value.__notes__[0]
    last_progress_as_noted(calls, refused.value)
    limiter = server.app.state.token_failures
    assert limiter._counts[limiter._bucket(nobody)] <= 3  # token requests: the batches in flight, not all 30


class GarbledBatchAnswer(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Forwards every request to the server; the answer to the batch POST naming ``marked`` comes back as a proxy's
    page instead of the server's (the batch was stored): an ``APIResponseValidationError``, no API failure."""

    def __init__(self, marked: str) -> None:
        self.marked = marked.encode()

    def garbled(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.method == "POST" and self.marked in request.content:
            return httpx.Response(201, text="<html>gateway</html>", request=request)
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with httpx.HTTPTransport() as inner:
            response = inner.handle_request(request)
            response.read()
        return self.garbled(request, response)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncHTTPTransport() as inner:
            response = await inner.handle_async_request(request)
            await response.aread()
        return self.garbled(request, response)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_answer_not_as_documented_stops_the_upload_with_its_batch_counted(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The upload stops with the error, and the batch it came with counts as failed: taken = stored + failed (the
    batch was in neither count, so the note's numbers fell short of what was taken)."""
    import re

    from timeback import APIResponseValidationError

    roster, line_items = world
    tag = uid("garbled")
    transport = GarbledBatchAnswer(f'"{tag}-20"')
    rows = interleaved(roster, line_items[:1], 50, tag)
    with pytest.raises(APIResponseValidationError) as stopped:
        if kind == "sync":
            with httpx.Client(transport=transport) as http, Timeback(**server.client_kwargs(), http_client=http) as api:
                api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=2)
        else:
            async with httpx.AsyncClient(transport=transport) as http:
                async with AsyncTimeback(**server.client_kwargs(), http_client=http) as aapi:
                    await aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=2)
    found = re.search(r"(\d+) results taken, (\d+) stored, (\d+) failed", stopped.value.__notes__[0])
    assert found is not None, stopped.value.__notes__
    taken, stored, failed = map(int, found.groups())
    assert taken == stored + failed and failed >= 10
    assert len(stored_scores(client, roster, tag)) == stored + 10  # (the garbled batch was stored all the same)


class AnswersBatchesWithNoPairs(Forwarding):
    """Forwards every request to the real server; each batch POST is answered ``201 {}`` (the official document's
    sourcedIdPairs are optional, Timeback's are not), or ``answer``: stored first, or (``store=False``) not sent on
    at all. Counts the reads."""

    def __init__(self, store: bool, answer: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.store = store
        self.answer = answer or {}
        self.reads: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/results"):
            if self.store:
                self.inner.handle_request(request).read()
            return httpx.Response(201, json=self.answer, request=request)
        if request.method == "GET":
            self.reads.append(request.url.params.get("filter", request.url.path))
        return self.inner.handle_request(request)


@pytest.mark.parametrize("if_exists", ["fail", "replace"])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_batch_answered_with_no_pairs_counts_as_stored_only_once_read_back_as_sent(
    kind: str, if_exists: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A batch answered 2xx ``{}`` is read back, as one whose answer was lost is (one read a batch): stored if its
    results read back as sent, else failed, maybe stored, the upload going on. It counted as stored with nothing
    checked, what the server held or not (``summary.stored``: results the server holds as sent)."""
    roster, line_items = world
    tag = uid(f"no-pairs-{kind}-{if_exists}")
    rows = list(interleaved(roster, line_items[:1], 20, tag))
    storing = AnswersBatchesWithNoPairs(store=True)
    summary = await bulk_through(kind, server, storing, rows[:10], batch_size=5, if_exists=if_exists)
    assert summary.ok and (summary.stored, summary.batches) == (10, 2), summary
    # (one read-back a batch; and its line item, read to tell the class the server gives each result)
    assert sorted(storing.reads)[0].endswith(f"/lineItems/{line_items[0]}"), storing.reads
    assert sum("sourcedId@" in read for read in storing.reads) == 2, storing.reads
    dropping = AnswersBatchesWithNoPairs(store=False)
    summary = await bulk_through(kind, server, dropping, rows[10:], batch_size=5, if_exists=if_exists)
    assert (summary.stored, summary.failed, summary.batches) == (0, 10, 2), summary
    assert all(failure.maybe_stored for failure in summary.failures), summary.failures
    assert (
        "no sourcedIdPairs" in summary.failures[0].reason
        and "not found when read back (changed or deleted since?)" in summary.failures[0].reason  # (a 201 said stored)
    )
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows[:10]}


class PagesReadBacksByHeader(AnswersBatchesWithNoPairs):
    """As ``AnswersBatchesWithNoPairs`` (the batches stored), each read-back answered 3 records a page, its total in
    ``X-Total-Count`` only: no ``totalCount``, no ``Link``."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" or "sourcedId@" not in request.url.params.get("filter", ""):
            return super().handle_request(request)
        self.reads.append(request.url.params["filter"])
        page = httpx.Request("GET", request.url.copy_set_param("limit", "3"), headers=request.headers)
        body = json.loads(self.inner.handle_request(page).read())
        return httpx.Response(200, json=body, headers={"X-Total-Count": str(body.pop("totalCount"))})


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_batch_answered_with_no_pairs_is_read_back_page_by_page_as_x_total_count_says(
    kind: str, server: Any, world: tuple[Roster, list[str]]
) -> None:
    """A server giving its totals in the header only, 3 records a page: the read-back pages on as it says."""
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 10, uid(f"no-pairs-header-{kind}")))
    paging = PagesReadBacksByHeader(store=True)
    summary = await bulk_through(kind, server, paging, rows, batch_size=10)
    assert summary.ok and (summary.stored, summary.batches) == (10, 1), summary
    assert sum("sourcedId@" in read for read in paging.reads) == 4, paging.reads  # (3 + 3 + 3 + 1)


class CutsTheFirstReadBackShort(AnswersBatchesWithNoPairs):
    """As ``AnswersBatchesWithNoPairs`` (the batches stored), but the first read-back's 200 comes with its JSON cut
    short, mid-value (a gateway that cut the transfer)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if "sourcedId@" in request.url.params.get("filter", "") and self.reads.count(self.reads[-1]) == 1:
            content = response.read()
            return httpx.Response(200, content=content[: len(content) // 2], request=request)
        return response


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_read_back_of_a_batch_answered_with_no_pairs_cut_short_is_retried(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The read-back of a batch answered ``201 {}`` is a GET: its answer cut short is sent again, as any GET's is,
    and the batch counts as stored. It failed the batch at once, maybe stored ("...reading them back to confirm it
    failed (200: the answer is not a JSON object)")."""
    roster, line_items = world
    tag = uid(f"no-pairs-cut-read-{kind}")
    rows = list(interleaved(roster, line_items[:1], 5, tag))
    transport = CutsTheFirstReadBackShort(store=True)
    summary = await bulk_through(kind, server, transport, rows, batch_size=5)
    assert summary.ok and (summary.stored, summary.batches) == (5, 1), summary
    assert sum("sourcedId@" in read for read in transport.reads) == 2, transport.reads  # (the read, then its retry)
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows}


class CutsBatchAnswersShort(AnswersBatchesWithNoPairs):
    """As ``AnswersBatchesWithNoPairs``, but each batch POST's 201 carries its pairs cut short, mid-value (a gateway
    that cut the transfer): the server's own answer when ``store``, else one made up, the batch not sent on. Given
    ``changer``, another writer then PUTs each result of a stored batch with score 99, before its 201 comes."""

    def __init__(self, store: bool, changer: Timeback | None = None) -> None:
        super().__init__(store)
        self.changer = changer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/results"):
            if self.store:
                content = self.inner.handle_request(request).read()
                for r in json.loads(request.content)["results"] if self.changer else []:
                    self.changer.oneroster.gradebook.put_result(sourced_id=r["sourcedId"], result={**r, "score": 99})
            else:
                ids = [r["sourcedId"] for r in json.loads(request.content)["results"]]
                pairs = [{"suppliedSourcedId": i, "allocatedSourcedId": i} for i in ids]
                content = json.dumps({"sourcedIdPairs": pairs}).encode()
            return httpx.Response(201, content=content[: len(content) // 2], request=request)
        return super().handle_request(request)


@pytest.mark.parametrize("if_exists", ["fail", "replace"])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_batch_whose_201_is_cut_short_is_read_back_as_one_answered_with_no_pairs(
    kind: str, if_exists: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A 201 whose JSON ends mid-value says the batch was stored but not what was: it is read back, as a batch
    answered with no pairs is, stored if its results read back as sent, else failed, maybe stored, the upload going
    on. Before, the upload stopped there, the stored batch counted failed ("...; not retried: the POST
    succeeded"). Replacing, one another writer changed before its 201 came is PUT again, as a batch whose answer
    was lost is: it failed, maybe stored, the other writer's values kept."""
    roster, line_items = world
    tag = uid(f"cut-{kind}-{if_exists}")
    rows = list(interleaved(roster, line_items[:1], 25, tag))
    storing = CutsBatchAnswersShort(store=True)
    summary = await bulk_through(kind, server, storing, rows[:10], batch_size=5, if_exists=if_exists)
    assert summary.ok and (summary.stored, summary.batches) == (10, 2), summary
    assert sum("sourcedId@" in read for read in storing.reads) == 2, storing.reads
    dropping = CutsBatchAnswersShort(store=False)
    summary = await bulk_through(kind, server, dropping, rows[10:20], batch_size=5, if_exists=if_exists)
    assert (summary.stored, summary.failed, summary.batches) == (0, 10, 2), summary
    assert all(f.maybe_stored and f.status_code is None for f in summary.failures), summary.failures
    reason = summary.failures[0].reason
    assert "EOF while parsing" in reason and "not found when read back (changed or deleted since?)" in reason, reason
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows[:10]}
    changed = CutsBatchAnswersShort(store=True, changer=client)
    summary = await bulk_through(kind, server, changed, rows[20:], batch_size=5, if_exists=if_exists)
    held = stored_scores(client, roster, tag)
    if if_exists == "replace":
        assert summary.ok and (summary.stored, summary.replaced, summary.batches) == (5, 5, 1), summary
        assert [held[r["sourcedId"]] for r in rows[20:]] == [r["score"] for r in rows[20:]]  # (the PUTs': as sent)
    else:
        assert (summary.stored, summary.failed) == (0, 5) and summary.failures[0].maybe_stored, summary
        assert "the records read back are not those sent" in summary.failures[0].reason, summary.failures
        assert {held[r["sourcedId"]] for r in rows[20:]} == {99}


@pytest.mark.parametrize("pairs", [0, 1])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_batch_answered_with_fewer_pairs_than_results_is_read_back_too(
    kind: str, pairs: int, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``{"sourcedIdPairs": []}``, or fewer pairs than the batch's results, says no more of what was stored than
    ``{}``: the batch is read back as one answered ``{}`` is. It counted as stored in full, nothing checked."""
    roster, line_items = world
    tag = uid(f"few-pairs-{kind}-{pairs}")
    rows = list(interleaved(roster, line_items[:1], 20, tag))
    pair = {"suppliedSourcedId": "x", "allocatedSourcedId": "x"}
    answer = {"sourcedIdPairs": [pair] * pairs}
    storing = AnswersBatchesWithNoPairs(store=True, answer=answer)
    summary = await bulk_through(kind, server, storing, rows[:10], batch_size=5)
    assert summary.ok and (summary.stored, summary.batches) == (10, 2), summary
    assert sum("sourcedId@" in read for read in storing.reads) == 2, storing.reads
    dropping = AnswersBatchesWithNoPairs(store=False, answer=answer)
    summary = await bulk_through(kind, server, dropping, rows[10:], batch_size=5)
    assert (summary.stored, summary.failed, summary.batches) == (0, 10, 2), summary
    assert all(failure.maybe_stored for failure in summary.failures), summary.failures
    said = "no sourcedIdPairs" if pairs == 0 else "1 of 5 sourcedIdPairs"
    assert f"answered with {said};" in summary.failures[0].reason, summary.failures[0].reason
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows[:10]}


class InterruptsAtBatch(httpx.BaseTransport):
    """Forwards to the server; when batch number ``at`` is sent (from a bulk thread), interrupts the main thread
    (as Ctrl-C does), then lets it through."""

    def __init__(self, at: int) -> None:
        self.at, self.batches = at, 0
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import _thread

        if request.method == "POST" and request.url.path.endswith("/results"):
            self.batches += 1
            if self.batches == self.at:
                _thread.interrupt_main()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.usefixtures("collector_off")
def test_an_interrupt_mid_upload_counts_every_result_taken_and_leaves_no_thread(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The counts hold what ``BulkSummary`` says of a stop (``assert_stop_adds_up``)."""
    roster, line_items = world
    tag = uid("interrupted")
    transport = InterruptsAtBatch(at=3)
    calls: list[BulkProgress] = []
    with httpx.Client(transport=transport) as http, Timeback(**server.client_kwargs(), http_client=http) as api:
        with pytest.raises(KeyboardInterrupt) as interrupted:
            api.oneroster.gradebook.bulk_post_results(interleaved(roster, line_items[:1], 100, tag), batch_size=10,
                                                      concurrency=2, on_progress=calls.append)  # fmt: skip
    assert not [t for t in threading.enumerate() if t.name.startswith("timeback-bulk")]
    taken, stored, _ = counts_in(interrupted.value.__notes__[0])
    assert taken < 100
    assert len(stored_scores(client, roster, tag)) == stored  # (the batches in flight finished and were counted)
    assert_stop_adds_up(interrupted.value, calls)


class InterruptsAndHoldsBatch(InterruptsAtBatch):
    """As ``InterruptsAtBatch``, then holds that batch until ``released`` is set (10 s at most)."""

    def __init__(self, at: int) -> None:
        super().__init__(at)
        self.released = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        before = self.batches
        response = super().handle_request(request)
        if self.batches == self.at and before != self.batches:
            self.released.wait(10)
        return response


@pytest.mark.usefixtures("collector_off")
def test_an_interrupt_with_batches_in_flight_says_it_waits_for_them(
    server: Any, world: tuple[Roster, list[str]]
) -> None:
    """The wait (up to a read timeout a batch, a minute by default) said nothing: the upload looked hung (from the
    flaky-network run). A warning says so as the wait starts; here it releases the batch held."""
    roster, line_items = world
    transport = InterruptsAndHoldsBatch(at=2)
    said: list[str] = []

    class Releases(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno == logging.WARNING:
                said.append(record.getMessage())
                transport.released.set()

    handler = Releases()
    logging.getLogger("timeback").addHandler(handler)
    try:
        with httpx.Client(transport=transport) as http, Timeback(**server.client_kwargs(), http_client=http) as api:
            with pytest.raises(KeyboardInterrupt):
                api.oneroster.gradebook.bulk_post_results(
                    interleaved(roster, line_items[:1], 100, uid("said")), batch_size=10, concurrency=1
                )
    finally:
        logging.getLogger("timeback").removeHandler(handler)
    assert said == ["bulk_post_results interrupted: waiting for the 1 batch in flight to end, to count them "
                    "(Ctrl-C again stops without waiting)"]  # fmt: skip


class InterruptsWhileTaken(TimebackCreateResultBody):
    """A result that interrupts the main thread (as Ctrl-C does) while the upload takes it: the interrupt arrives
    between counting the result taken and placing it in a batch."""

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        import _thread

        _thread.interrupt_main()
        return super().model_dump(**kwargs)


@pytest.mark.usefixtures("collector_off")
@pytest.mark.parametrize("batch_size", [10, 1])  # (1: the result taken also fills a batch at once, to send)
def test_an_interrupt_while_a_result_is_taken_is_raised_once_it_is_placed(
    server: Any, client: Timeback, world: tuple[Roster, list[str]], batch_size: int
) -> None:
    roster, line_items = world
    tag = uid("held")
    rows: list[Any] = list(interleaved(roster, line_items[:1], 40, tag))
    rows[25] = InterruptsWhileTaken.model_validate(rows[25])
    with pytest.raises(KeyboardInterrupt) as interrupted:
        client.oneroster.gradebook.bulk_post_results(iter(rows), batch_size=batch_size, concurrency=2)
    found = re.search(r"(\d+) results taken, (\d+) stored, (\d+) failed", interrupted.value.__notes__[0])
    assert found is not None
    taken, stored, failed = map(int, found.groups())
    assert taken == 26 and taken == stored + failed
    assert len(stored_scores(client, roster, tag)) == stored
    import signal

    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # (the upload's own handler is gone)


@pytest.mark.usefixtures("collector_off")
def test_an_upload_inside_on_progress_is_interrupted_where_its_counts_add_up_too(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """An upload run from another's ``on_progress`` (in the main thread: the outer upload's SIGINT handler is set)
    holds an interrupt as the outer one does. Before, it left the outer handler alone, as a caller's, and that one
    raised at once (the outer upload was in ``on_progress``): the inner note read 26 taken, 20 stored, 5 failed."""
    import signal

    roster, line_items = world
    tag, inner_tag = uid("outer"), uid("inner")
    inner_rows: list[Any] = list(interleaved(roster, line_items[1:2], 40, inner_tag))
    inner_rows[25] = InterruptsWhileTaken.model_validate(inner_rows[25])

    def on_progress(progress: BulkProgress) -> None:
        client.oneroster.gradebook.bulk_post_results(iter(inner_rows), batch_size=10, concurrency=2)

    with pytest.raises(KeyboardInterrupt) as interrupted:
        client.oneroster.gradebook.bulk_post_results(
            interleaved(roster, line_items[:1], 20, tag), batch_size=10, concurrency=1, on_progress=on_progress
        )
    inner, outer = (counts_in(note) for note in interrupted.value.__notes__)
    assert inner[0] == 26 and inner[0] == inner[1] + inner[2], interrupted.value.__notes__
    assert outer[0] == outer[1] + outer[2], interrupted.value.__notes__
    assert len(stored_scores(client, roster, inner_tag)) == inner[1]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_while_the_batches_in_flight_finish_is_not_held_behind_them() -> None:
    """The input fails with a batch in flight (30 s long); Ctrl-C stops the wait for it, and a second Ctrl-C stops
    the thread pool's shutdown, which waits for it too. Before, the upload's SIGINT handler was still set during the
    shutdown: the second Ctrl-C was held, then dropped, and the upload returned only when the batch did. (Real
    SIGINTs: ``interrupt_main`` does not wake a thread blocked on a lock. No timing asserted: the batch is still in
    flight when the upload has returned.)"""
    import os
    import signal

    pairs = TimebackSourcedIdPairsResponse.model_validate({"sourcedIdPairs": []})
    started, release, batch_done = threading.Event(), threading.Event(), threading.Event()

    def send(batch: Batch) -> TimebackSourcedIdPairsResponse:
        started.set()
        release.wait(30)
        batch_done.set()
        return pairs

    def rows() -> Iterator[dict[str, Any]]:
        yield from (result_body("li", "s", f"r-{i}") for i in range(10))
        started.wait(5)
        raise ValueError("the export broke")

    def ctrl_c_twice() -> None:  # (1 s apart: the main thread is in each wait by then, even on a loaded machine)
        started.wait(10)
        for _ in range(2):
            time.sleep(1.0)
            os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=ctrl_c_twice)
    helper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_sync(send, rows(), batch_size=10, concurrency=1, on_progress=None)
        assert not batch_done.is_set()  # (not held until the batch returned)
    finally:
        release.set()
        helper.join()
        for thread in threading.enumerate():
            if thread.name.startswith("timeback-bulk"):
                thread.join()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class HoldsBatches(Forwarding):
    """Forwards to the server; each batch POST once ``release`` is set (30 s at most)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/results"):
            self.release.wait(30)
        return self.inner.handle_request(request)


def main_thread_in(blocking: Any, caller: Any) -> None:
    """Wait until the main thread runs ``blocking`` called from ``caller``: a SIGINT sent then lands there, not
    before (read from the thread's stack, not a sleep guessed long enough)."""
    import sys

    for _ in range(1000):
        frame = sys._current_frames().get(threading.main_thread().ident or 0)
        while frame is not None and frame.f_back is not None:
            if frame.f_code is blocking.__code__ and frame.f_back.f_code is caller.__code__:
                return
            frame = frame.f_back
        time.sleep(0.01)
    raise AssertionError(f"the main thread never ran {blocking.__qualname__} from {caller.__qualname__}")


@pytest.mark.usefixtures("collector_off")
def test_a_second_ctrl_c_while_the_batches_in_flight_finish_still_counts_every_result(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Two batches held in flight, the last part-filled one waiting for a slot: a first Ctrl-C stops the upload,
    a second stops its wait for the two. The note still counts every result taken: the two batches as sent and
    failed, maybe stored (they are: released, the server stores them), the last as not sent; and ``on_progress``
    gets those counts. Before, the second Ctrl-C went up with no note, and nothing counted the batches."""
    import os
    import signal
    from concurrent.futures import ThreadPoolExecutor

    from timeback._bulk import InterruptPoints
    from timeback._waits import done_of

    roster, line_items = world
    tag = uid("ctrl-c-twice")
    transport = HoldsBatches()
    calls: list[BulkProgress] = []

    def ctrl_c_twice() -> None:
        main_thread_in(done_of, InterruptPoints.wait)  # (the part-filled batch waits for a slot)
        os.kill(os.getpid(), signal.SIGINT)
        main_thread_in(done_of, InterruptPoints.wait_only)  # (the stop waits for the batches in flight)
        os.kill(os.getpid(), signal.SIGINT)
        main_thread_in(ThreadPoolExecutor.shutdown, ThreadPoolExecutor.__exit__)  # (the counts are made by then)
        transport.release.set()

    helper = threading.Thread(target=ctrl_c_twice)
    helper.start()
    try:
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
            with pytest.raises(KeyboardInterrupt) as interrupted:
                api.oneroster.gradebook.bulk_post_results(interleaved(roster, line_items[:1], 25, tag), batch_size=10,
                                                          concurrency=2, on_progress=calls.append)  # fmt: skip
    finally:
        transport.release.set()
        helper.join()
    assert interrupted.value.__notes__ == [
        "bulk_post_results stopped: 25 results taken, 0 stored, 25 failed or not sent (20 of them maybe stored: an "
        "answer lost, or cancelled in flight); all of the input was read"  # (its last part-filled batch made)
    ]
    assert calls == [BulkProgress(sent=20, stored=0, failed=25, batches=2, taken=25)]
    assert len(stored_scores(client, roster, tag)) == 20


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_deadline_bounds_each_batch_retries_included(kind: str) -> None:
    """``deadline=`` is taken by every method (README), bulk_post_results too: each batch is one call, given that
    long whatever its retries. Against a server taking 1.5 s a write, 0.3 s fails each batch as a timeout, not
    retried: no time is left for a retry. (No timing asserted: a batch given no deadline would have been answered, a
    404 for the unknown line item here, not timed out; one given it per attempt retried; a loaded machine can take
    1.5 s over the rest.)"""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    slow = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          faults="slow=1,slow_ms=1500")  # fmt: skip
    rows = [result_body("li", "student", f"r-{i}") for i in range(4)]
    with LocalServer(slow) as server:
        if kind == "sync":
            with Timeback(**server.client_kwargs()) as api:
                api.oneroster.gradebook.get_all_results(limit=1)  # (the token, slow too, before the batches)
                summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=2, concurrency=2, deadline=0.3)
        else:
            async with AsyncTimeback(**server.client_kwargs()) as aapi:
                await aapi.oneroster.gradebook.get_all_results(limit=1)
                summary = await aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=2, concurrency=2,
                                                                           deadline=0.3)  # fmt: skip
    assert (summary.stored, summary.failed, len(summary.failures), summary.retries_taken) == (0, 4, 2, 0)
    for failure in summary.failures:
        assert failure.status_code is None and "/lineItems/li/results" in failure.reason, failure.reason
        assert "timed out" in failure.reason or "deadline of 0.3s passed" in failure.reason, failure.reason


def test_a_sigint_handler_the_caller_sets_during_the_upload_stays_after_it() -> None:
    import signal

    pairs = TimebackSourcedIdPairsResponse.model_validate({"sourcedIdPairs": []})

    def callers_handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        summary = run_sync(lambda batch: pairs, (result_body("li", "s", f"r-{i}") for i in range(5)), batch_size=2,
                           concurrency=1, on_progress=lambda progress: signal.signal(signal.SIGINT, callers_handler))  # fmt: skip
        assert summary.stored == 5 and signal.getsignal(signal.SIGINT) is callers_handler
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def test_a_client_without_the_write_scope_stops_the_upload(server: Any, world: tuple[Roster, list[str]]) -> None:
    """A 403 (the credentials' scopes) would refuse every batch alike, as a refused login would: the upload stops."""
    from timeback import PermissionDeniedError

    roster, line_items = world
    reader, secret = uid("reader"), uid("secret")
    server.app.state.clients.add(reader, secret, "gradebook.readonly")
    rows = interleaved(roster, line_items, 30, uid("readonly"))
    with Timeback(base_url=server.url, client_id=reader, client_secret=secret, max_retries=0) as readonly:
        with pytest.raises(PermissionDeniedError) as refused:  # (was it not final: a summary of 30 refusals)
            readonly.oneroster.gradebook.bulk_post_results(rows, batch_size=1, concurrency=2)
    found = re.search(r"(\d+) results taken, 0 stored", "".join(refused.value.__notes__))
    assert found is not None and int(found.group(1)) < 30, refused.value.__notes__


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_no_more_batches_in_flight_than_the_concurrency(concurrency: int) -> None:
    """Sync (threads) and async (tasks): ``concurrency`` batches are sent at once, never more."""
    import asyncio

    rows = [result_body(f"li-{i % 8}", "s", f"r-{i}") for i in range(80)]  # 8 line items: 8 batches of 10
    pairs = TimebackSourcedIdPairsResponse.model_validate({"sourcedIdPairs": []})
    lock, full = threading.Lock(), threading.Event()
    sending = most = 0

    def enter() -> None:
        nonlocal sending, most
        with lock:
            sending += 1
            most = max(most, sending)
            if sending >= concurrency:
                full.set()

    def leave() -> None:
        nonlocal sending
        with lock:
            sending -= 1

    def send(batch: Batch) -> TimebackSourcedIdPairsResponse:
        enter()
        full.wait(10)  # (the first batches wait for each other: `concurrency` are being sent together)
        time.sleep(0.02)  # (and stay a while: time for a batch over the limit to be sent, were it)
        leave()
        return pairs

    async def send_async(batch: Batch) -> TimebackSourcedIdPairsResponse:
        enter()
        waited = time.monotonic()
        while not full.is_set() and time.monotonic() - waited < 10:  # (as the threads: the first wait for each other)
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.02)
        leave()
        return pairs

    summary = run_sync(send, rows, batch_size=10, concurrency=concurrency, on_progress=None)
    assert (summary.stored, summary.batches, most) == (80, 8, concurrency)
    most = 0
    full.clear()
    summary = await run_async(send_async, rows, batch_size=10, concurrency=concurrency, on_progress=None)
    assert (summary.stored, summary.batches, most) == (80, 8, concurrency)


async def upload(api: Timeback | AsyncTimeback, rows: Any, **options: Any) -> Any:
    """``bulk_post_results`` on either client."""
    if isinstance(api, AsyncTimeback):
        return await api.oneroster.gradebook.bulk_post_results(rows, **options)
    return api.oneroster.gradebook.bulk_post_results(rows, **options)


async def test_an_input_failing_midway_leaves_what_was_sent_counted(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Sync and async alike: the batches in flight finish, and the error says what was stored."""
    roster, line_items = world
    tag = uid("midway")

    def rows() -> Iterator[dict[str, Any]]:
        yield from interleaved(roster, line_items[:1], 25, tag)
        raise ValueError("the export broke")

    calls: list[BulkProgress] = []
    with pytest.raises(ValueError, match="the export broke") as broke:
        await upload(either, rows(), batch_size=10, concurrency=2, on_progress=calls.append)
    assert broke.value.__notes__ == [
        "bulk_post_results stopped: 25 results taken, 20 stored, 5 failed or not sent; the rest of the input was "
        "not read"
    ]
    assert len(stored_scores(client, roster, tag)) == 20
    last_progress_as_noted(calls, broke.value)


async def test_the_batch_sent_just_before_the_input_breaks_is_stored_and_counted(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """One batch at a time: the second goes as the first settles, and the input breaks at the next result. Sync
    and async alike, that second batch is in flight and finishes. Before, the sync upload cancelled it whenever no
    thread had picked it up yet (nearly always): "4 results taken, 2 stored, 2 failed or not sent"."""
    roster, line_items = world
    tag = uid("handed-off")

    def rows() -> Iterator[dict[str, Any]]:
        yield from interleaved(roster, line_items[:1], 4, tag)
        raise ValueError("the export broke")

    with pytest.raises(ValueError, match="the export broke") as broke:
        await upload(either, rows(), batch_size=2, concurrency=1)
    assert broke.value.__notes__ == [
        "bulk_post_results stopped: 4 results taken, 4 stored, 0 failed or not sent; the rest of the input was not read"
    ]
    assert len(stored_scores(client, roster, tag)) == 4


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_stop_counts_batches_whose_answer_was_lost_as_maybe_stored(
    server: Any, client: Timeback, world: tuple[Roster, list[str]], kind: str
) -> None:
    """The server commits each batch and drops its answer (``drop=1``), the read-back's too: the batch fails, its
    reason saying it may have stored the records. The input then breaks: the note counts that batch as maybe
    stored (before, it counted only batches cancelled in flight: 15 failed, none said maybe stored)."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    tag = uid(f"lost-{kind}")

    def rows() -> Iterator[dict[str, Any]]:
        yield from interleaved(roster, line_items[:1], 15, tag)  # (one batch of 10 sent, 5 not)
        raise ValueError("the export broke")

    dropping = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="drop=1")
    with LocalServer(dropping, storage=server.app.state.storage) as faulty:
        faulty.app.state.tokens = server.app.state.tokens  # (the token from the server without faults)
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        with pytest.raises(ValueError, match="the export broke") as broke:
            if kind == "sync":
                with Timeback(**kwargs, max_retries=0) as api:
                    api.oneroster.gradebook.bulk_post_results(rows(), batch_size=10)
            else:
                async with AsyncTimeback(**kwargs, max_retries=0) as async_api:
                    await async_api.oneroster.gradebook.bulk_post_results(rows(), batch_size=10)
    assert broke.value.__notes__ == [
        "bulk_post_results stopped: 15 results taken, 0 stored, 15 failed or not sent (10 of them maybe stored: an "
        "answer lost, or cancelled in flight); the rest of the input was not read"
    ]
    assert len(stored_scores(client, roster, tag)) == 10  # (they were)


async def test_on_progress_raising_stops_with_every_result_taken_counted(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    import re

    roster, line_items = world
    tag = uid("progress")
    calls = []

    def on_progress(progress: BulkProgress) -> None:
        calls.append(progress)
        if len(calls) == 2:
            raise RuntimeError("the progress bar broke")

    rows = interleaved(roster, line_items[:1], 100, tag)
    with pytest.raises(RuntimeError, match="progress bar") as broke:
        await upload(either, rows, batch_size=10, concurrency=2, on_progress=on_progress)
    assert len(calls) == 2  # (never called again once it raised, not even with the stop's final counts)
    found = re.search(r"(\d+) results taken, (\d+) stored, (\d+) failed", broke.value.__notes__[0])
    assert found is not None
    taken, stored, failed = map(int, found.groups())
    assert taken == stored + failed and stored == len(stored_scores(client, roster, tag)) < 100


async def test_on_progress_raising_at_its_last_call_notes_that_all_of_the_input_was_read(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(Raising once the input had ended, after its last batch, it was noted "the rest of the input was not read".)"""
    roster, line_items = world
    tag = uid("progress-last")
    calls: list[BulkProgress] = []

    def on_progress(progress: BulkProgress) -> None:
        calls.append(progress)
        if progress.sent == 10:
            raise RuntimeError("the progress bar broke")

    rows = interleaved(roster, line_items[:1], 10, tag)
    with pytest.raises(RuntimeError, match="progress bar") as broke:
        await upload(either, rows, batch_size=5, concurrency=1, on_progress=on_progress)
    assert broke.value.__notes__ == [
        "bulk_post_results stopped: 10 results taken, 10 stored, 0 failed or not sent; all of the input was read"
    ]
    assert len(calls) == 2 and len(stored_scores(client, roster, tag)) == 10


async def test_an_on_progress_that_would_need_awaiting_is_refused_not_left_unrun(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(Its coroutine was made and dropped after every batch: "coroutine was never awaited" at best, and the
    upload reported success with no progress ever shown.)"""
    roster, line_items = world
    tag = uid("async-progress")
    shown: list[BulkProgress] = []

    async def on_progress(progress: BulkProgress) -> None:
        shown.append(progress)

    class Reporter:  # (an object whose __call__ is async, or a partial of one: refused as early)
        async def __call__(self, progress: BulkProgress) -> None:
            shown.append(progress)

    rows = list(interleaved(roster, line_items[:1], 30, tag))
    for awaiting in (on_progress, Reporter(), functools.partial(Reporter()), functools.partial(on_progress)):
        with pytest.raises(TypeError, match="on_progress is called, not awaited"):
            await upload(either, rows, batch_size=10, on_progress=awaiting)
    assert stored_scores(client, roster, tag) == {}  # (refused before anything was read or sent)
    with pytest.raises(TypeError, match="on_progress returned a coroutine") as raised:  # (made by a lambda, say)
        await upload(either, rows, batch_size=10, concurrency=1, on_progress=lambda p: on_progress(p))
    taken, stored, failed = counts_in(raised.value.__notes__[0])
    assert taken == stored + failed and stored == len(stored_scores(client, roster, tag)) >= 10
    assert shown == []


async def test_an_on_progress_scheduling_a_task_as_advised_runs_the_upload_and_the_task(
    async_client: AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``lambda p: asyncio.create_task(report(p))``, as the refusal of an ``async def`` advises, was refused too
    ("returned a coroutine"), stopping the upload after its first batch. The tasks are kept until done: each waits
    here on a future only it holds, which a loop (referencing its tasks weakly) would let a collection take."""
    roster, line_items = world
    tag = uid("task-progress")
    waiting: list[weakref.ref[asyncio.Future[None]]] = []
    shown: list[int] = []
    reported: list[tuple[str | None, ...]] = []

    async def report(progress: BulkProgress) -> None:
        alone = asyncio.get_running_loop().create_future()
        waiting.append(weakref.ref(alone))
        await alone
        shown.append(progress.stored)

    async def report_failure(failure: BulkFailure) -> None:
        reported.append(failure.sourced_ids)

    rows = list(interleaved(roster, line_items[:1], 6, tag))
    rows[3]["scoreStatus"] = None  # (invalid: on_failure's)
    summary = await upload(
        async_client,
        rows,
        batch_size=2,
        concurrency=1,
        on_progress=lambda p: asyncio.create_task(report(p)),
        on_failure=lambda f: asyncio.create_task(report_failure(f)),
    )
    assert (summary.stored, summary.failed) == (5, 1)
    await asyncio.sleep(0)  # (the last one started)
    gc.collect()
    futures = [ref() for ref in waiting]
    assert len(futures) == 3 and None not in futures  # (not collected mid-run)
    for future in futures:
        cast("asyncio.Future[None]", future).set_result(None)
    for _ in range(3):
        await asyncio.sleep(0)
    assert shown == [2, 4, 5] and reported == [(f"{tag}-3",)]
    assert len(stored_scores(client, roster, tag)) == 5


def failing_rows(roster: Roster, line_items: list[str], tag: str) -> list[dict[str, Any]]:
    """Six results stored and five failing: one invalid, one the server refuses by name (422), three in a batch of
    an unknown line item (404, one failure of three ids)."""
    good = list(interleaved(roster, line_items[:1], 6, tag))
    invalid = {**result_body(line_items[0], roster.students[1], f"{tag}-invalid"), "scoreStatus": None}
    refused = result_body(line_items[0], roster.students[2], f"{tag}-refused", scoreStatus="bogus")
    orphans = [result_body("no-such-line-item", roster.students[i], f"{tag}-orphan-{i}") for i in range(3)]
    return [*good[:3], invalid, refused, *orphans, *good[3:]]


def as_reported(failures: list[BulkFailure], tag: str) -> list[tuple[tuple[str | None, ...], int | None]]:
    return sorted((tuple(i and i.removeprefix(tag) for i in f.sourced_ids), f.status_code) for f in failures)


async def test_on_failure_gets_each_failure_as_reported_and_the_summary_keeps_none(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """An upload failing much held every failure (1,000,000 refused results: about 600 MB of them). With
    ``on_failure``, each is given to it in the caller's thread, before the ``on_progress`` call counting it, and the
    summary keeps only the counts; without, ``failed`` counts the ids of the failures it keeps."""
    roster, line_items = world
    kept_tag, tag = uid("kept"), uid("on-failure")
    kept = await upload(either, failing_rows(roster, line_items, kept_tag), batch_size=4)
    assert kept.failed == sum(len(f.sourced_ids) for f in kept.failures) == 5 and len(kept.failures) == 3
    reported: list[BulkFailure] = []
    threads: set[int] = set()
    failed_when_shown: list[tuple[int, int]] = []

    def on_failure(failure: BulkFailure) -> None:
        reported.append(failure)
        threads.add(threading.get_ident())

    def on_progress(progress: BulkProgress) -> None:
        failed_when_shown.append((progress.failed, sum(len(f.sourced_ids) for f in reported)))

    rows = failing_rows(roster, line_items, tag)
    summary = await upload(either, rows, batch_size=4, on_failure=on_failure, on_progress=on_progress)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (11, 10, 6, 5), summary
    assert summary.failures == [] and not summary.ok and "failed=5, failures=[])" in repr(summary)
    assert as_reported(reported, tag) == as_reported(kept.failures, kept_tag)
    assert threads == {threading.get_ident()}
    assert failed_when_shown and all(shown == given for shown, given in failed_when_shown), failed_when_shown
    assert failed_when_shown[-1][0] == 5
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in rows[:3] + rows[-3:]}


async def test_on_failure_raising_stops_the_upload_as_on_progress_raising_does(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    roster, line_items = world
    tag = uid("failure-raising")
    calls: list[BulkFailure] = []

    def on_failure(failure: BulkFailure) -> None:
        calls.append(failure)
        raise RuntimeError("the failure log broke")

    rows = list(interleaved(roster, line_items[:1], 30, tag))
    rows[12]["scoreStatus"] = None  # (invalid: reported as it is taken)
    with pytest.raises(RuntimeError, match="failure log broke") as broke:
        await upload(either, iter(rows), batch_size=5, concurrency=2, on_failure=on_failure)
    assert len(calls) == 1 and calls[0].sourced_ids == (f"{tag}-12",)  # (never called again once it raised)
    taken, stored, failed = counts_in(broke.value.__notes__[0])
    assert taken == 13 and taken == stored + failed and stored == len(stored_scores(client, roster, tag)) >= 5

    async def awaited(failure: BulkFailure) -> None:
        calls.append(failure)

    with pytest.raises(TypeError, match="on_failure is called, not awaited"):
        await upload(either, rows, on_failure=awaited)
    with pytest.raises(TypeError, match="on_failure returned a coroutine") as raised:
        await upload(either, rows[12:13], on_failure=lambda f: awaited(f))
    assert counts_in(raised.value.__notes__[0]) == (1, 0, 1) and len(calls) == 1


async def test_an_invalid_result_of_an_async_source_goes_to_on_failure_as_it_is_taken(
    server: Any, world: tuple[Roster, list[str]]
) -> None:
    """As from a plain iterable: before the next result is read, not once a batch settles or the input ends."""
    roster, line_items = world
    tag = uid("invalid-async-source")
    invalid = {**result_body(line_items[0], roster.students[0], f"{tag}-x"), "scoreStatus": None}
    reported: list[BulkFailure] = []
    reported_as_read: list[int] = []

    def rows() -> Iterator[dict[str, Any]]:
        for row in [invalid, *interleaved(roster, line_items[:1], 3, tag)]:
            reported_as_read.append(len(reported))
            yield row

    summary = await bulk_through("async iterable", server, Forwarding(), rows(), on_failure=reported.append)
    assert reported_as_read == [0, 1, 1, 1]
    assert [f.sourced_ids for f in reported] == [(f"{tag}-x",)]
    assert (summary.taken, summary.stored, summary.failed) == (4, 3, 1), summary


def test_an_upload_reporting_its_failures_holds_none_of_them(server: Any) -> None:
    """Memory stays flat however many results fail, given ``on_failure``: what is held after each batch over 10,000
    results the server refuses is what is held over 2,000 (the failures kept, 8,000 more held about 5 MB). Measured
    live, after a full collection: a peak would hold whatever cyclic garbage the collector had not reached yet."""
    import gc
    import tracemalloc

    def refused(count: int) -> Iterator[dict[str, Any]]:
        # (ids longer than the 64 characters up to which the server's pydantic caches the strings it reads)
        return (result_body("li", "student", f"refused-{i:065}", scoreStatus="bogus") for i in range(count))

    def held(count: int) -> int:
        """The most held after a batch (one at a time: none in flight then), beyond what was held before."""
        after_batches: list[int] = []

        def on_progress(_: BulkProgress) -> None:
            gc.collect()
            after_batches.append(tracemalloc.get_traced_memory()[0])

        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        summary = api.oneroster.gradebook.bulk_post_results(
            refused(count), concurrency=1, on_progress=on_progress, on_failure=lambda failure: None
        )
        assert summary.failed == count and summary.stored == 0 and summary.failures == []
        return max(after_batches) - before

    with Timeback(**server.client_kwargs()) as api:
        tracemalloc.start()
        try:
            _, small, large = [held(count) for count in (2000, 2000, 10_000)]  # (the first warms caches)
        finally:
            tracemalloc.stop()
    assert large < small + 1_000_000, (small, large)


def counts_in(note: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) results taken, (\d+) stored, (\d+) failed", note)
    assert found is not None, note
    taken, stored, failed = map(int, found.groups())
    return taken, stored, failed


def last_progress_as_noted(calls: list[BulkProgress], stopped: BaseException) -> None:
    """The last ``on_progress`` call holds the counts the stop's note gives. (Before, the batches settled and the
    results not sent in a stop were in no call: the bar showed fewer than the note.)"""
    taken, stored, failed = counts_in(stopped.__notes__[0])
    last = calls[-1] if calls else None
    assert last and (last.taken, last.stored, last.failed) == (taken, stored, failed), (calls[-1:], stopped.__notes__)


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_while_the_last_part_filled_batches_are_sent_counts_those_not_sent(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The input ends with a part-filled batch for each of 4 line items, sent one at a time; Ctrl-C comes as the
    first is stored. The batches not sent count as failed: before, those still behind the one being sent when the
    interrupt was raised were in no count (8 taken, 2 stored, 2 failed, say)."""
    import _thread

    roster, line_items = world
    tag = uid("rest")
    rows = interleaved(roster, line_items[:4], 8, tag)  # (2 results on each of 4 line items)
    with pytest.raises(KeyboardInterrupt) as interrupted:
        client.oneroster.gradebook.bulk_post_results(
            rows, batch_size=10, concurrency=1, on_progress=lambda progress: _thread.interrupt_main()
        )
    taken, stored, failed = counts_in(interrupted.value.__notes__[0])
    assert taken == 8 and stored < 8 and taken == stored + failed, interrupted.value.__notes__
    assert len(stored_scores(client, roster, tag)) == stored


def assert_stop_adds_up(stopped: BaseException, calls: list[BulkProgress]) -> None:
    """What ``BulkSummary`` says holds when an upload stops: in the note and ``on_progress``'s last call,
    ``stored + failed == taken`` and ``stored <= sent <= taken``."""
    taken, stored, failed = counts_in(stopped.__notes__[0])
    last_progress_as_noted(calls, stopped)
    assert stored + failed == taken and stored <= calls[-1].sent <= taken, (stopped.__notes__, calls[-1])


async def test_the_counts_hold_what_the_summary_says_when_it_returns_and_when_it_stops(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``BulkSummary``'s docstring, checked: once it returns, ``stored + failed == taken`` and the ``taken - sent``
    results failed as invalid (with ``if_exists="replace"``: some results replaced, some unchanged, one invalid, one without an id);
    when the input breaks, the note's and the last progress's counts. (It said ``sent + invalid == taken`` of a stop
    too, which the results a stop leaves unsent break.)"""
    roster, line_items = world
    tag = uid("invariants")
    rows = list(interleaved(roster, line_items[:2], 30, tag))
    assert (await upload(either, rows[:20], batch_size=7)).stored == 20
    again = [{**row, "score": row["score"] + 0.5} if i % 3 == 0 else row for i, row in enumerate(rows)]
    invalid = {**rows[0], "sourcedId": f"{tag}-bad", "score": "lots"}
    no_id = {key: value for key, value in rows[1].items() if key != "sourcedId"}
    calls: list[BulkProgress] = []
    summary = await upload(either, [*again[:10], invalid, *again[10:], no_id], batch_size=7, if_exists="replace",
                           on_progress=calls.append)  # fmt: skip
    invalids = sum(len(f.sourced_ids) for f in summary.failures if f.reason.startswith("invalid result: "))
    assert (summary.taken, summary.stored, summary.unchanged, invalids) == (32, 30, 13, 2), summary
    assert summary.stored + summary.failed == summary.taken == summary.sent + invalids, summary
    assert 7 <= summary.replaced <= summary.stored - summary.unchanged and calls[-1] == summary.progress(), summary

    def breaking() -> Iterator[dict[str, Any]]:
        yield from [invalid, *interleaved(roster, line_items[:2], 25, f"{tag}-stop")]
        raise ValueError("the export broke")

    calls = []
    with pytest.raises(ValueError, match="the export broke") as broke:
        await upload(either, breaking(), batch_size=10, concurrency=2, on_progress=calls.append)
    assert counts_in(broke.value.__notes__[0])[0] == 26
    assert_stop_adds_up(broke.value, calls)


def test_a_stop_cuts_short_the_batches_waiting_to_retry(server: Any, world: tuple[Roster, list[str]]) -> None:
    """Every write is answered 429 with ``Retry-After: 30``; the input breaks 1 s in, while both batches wait to
    retry. They give up at once, failed with their 429: before, the stop waited through their retries (30 s), and
    Ctrl-C would have too. (A wait far past the bound: a loaded machine takes seconds more, not 20.)"""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    tag = uid("retrying")
    waiting = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="429=1,retry_after=30")

    def rows() -> Iterator[dict[str, Any]]:
        yield from interleaved(roster, line_items[:2], 20, tag)  # (two batches of 10)
        time.sleep(1.0)
        raise ValueError("the export broke")

    with LocalServer(waiting, storage=server.app.state.storage) as faulty:
        # (the token from the server without faults: every request to the other is answered 429)
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        with Timeback(**kwargs, max_retries=1) as api:
            began = time.perf_counter()
            with pytest.raises(ValueError, match="the export broke") as broke:
                api.oneroster.gradebook.bulk_post_results(rows(), batch_size=10, concurrency=2)
            elapsed = time.perf_counter() - began
    assert counts_in(broke.value.__notes__[0]) == (20, 0, 20), broke.value.__notes__
    assert elapsed < 10, elapsed  # (the retries would have taken 30 s)
    # Each batch sent once: none retried after the stop (cut short, the wait must not end in a retry sent at once)
    assert faulty.app.state.faults.counts["429"] == 2, faulty.app.state.faults.counts


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_stops_the_wait_for_a_batch_waiting_to_retry_on_windows_too(
    server: Any, world: tuple[Roster, list[str]]
) -> None:
    """Every write is answered 429 with ``Retry-After: 30``; one batch in flight at a time, the upload waits for the
    first to make room for the second. On Windows Ctrl-C did not wake that wait: the KeyboardInterrupt came once
    the batch was done, after its retry. It stops the wait now, and the stop cuts the batch's retry short."""
    import concurrent.futures

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    waiting = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="429=1,retry_after=30")
    with LocalServer(waiting, storage=server.app.state.storage) as faulty:
        # (the token from the server without faults: every request to the other is answered 429)
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        with Timeback(**kwargs, max_retries=1) as api:
            rows = interleaved(roster, line_items[:2], 20, uid("interrupted"))  # (two batches of 10)
            with (
                ctrl_c_waiting_in(concurrent.futures.wait, release=api.close) as released,
                pytest.raises(KeyboardInterrupt) as interrupted,
            ):
                api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1)
    assert not released.is_set()  # (stopped in the wait, which was not ended for it)
    assert counts_in(interrupted.value.__notes__[0]) == (20, 0, 20), interrupted.value.__notes__
    assert faulty.app.state.faults.counts["429"] == 1, faulty.app.state.faults.counts  # (not retried after the stop)


@pytest.mark.parametrize(("faults", "status"), [("close=1", None), ("503=1", 503)])
def test_the_retries_of_batches_that_failed_are_counted(
    server: Any, world: tuple[Roster, list[str]], faults: str, status: int | None
) -> None:
    """Every write fails (the connection cut before the answer's body, or 503): each of the two batches is sent
    twice (max_retries=1) and fails; the summary counts those retries, as it does a stored batch's, and each
    failure names its answer's request id (a cut body's too: before, its BulkFailure had none)."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    failing = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=faults)
    with LocalServer(failing, storage=server.app.state.storage) as faulty:
        # (the token from the server without faults)
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        with Timeback(**kwargs, max_retries=1) as api:
            rows = interleaved(roster, line_items[:2], 10, uid("failing"))
            summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=5, concurrency=1)
    assert (summary.taken, summary.stored, summary.failed, summary.batches) == (10, 0, 10, 2)
    assert [f.status_code for f in summary.failures] == [status, status]
    assert all(f.request_id for f in summary.failures), summary.failures  # (the answer came, cut short or not)
    assert summary.retries_taken == 2, summary


async def test_a_stop_cuts_short_the_async_batches_waiting_to_retry_too(
    server: Any, world: tuple[Roster, list[str]]
) -> None:
    """As above on AsyncTimeback, whose upload behaves the same: before, its batches in flight waited through every
    retry (30 s), the stop with them."""
    import asyncio

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    tag = uid("aretrying")
    waiting = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="429=1,retry_after=30")

    async def rows() -> AsyncIterator[dict[str, Any]]:
        for row in interleaved(roster, line_items[:2], 20, tag):  # (two batches of 10)
            yield row
        await asyncio.sleep(1.0)
        raise ValueError("the export broke")

    with LocalServer(waiting, storage=server.app.state.storage) as faulty:
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        async with AsyncTimeback(**kwargs, max_retries=1) as api:
            began = time.perf_counter()
            with pytest.raises(ValueError, match="the export broke") as broke:
                await api.oneroster.gradebook.bulk_post_results(rows(), batch_size=10, concurrency=2)
            elapsed = time.perf_counter() - began
    assert counts_in(broke.value.__notes__[0]) == (20, 0, 20), broke.value.__notes__
    assert elapsed < 10, elapsed  # (the retries would have taken 30 s)
    assert faulty.app.state.faults.counts["429"] == 2, faulty.app.state.faults.counts  # (as above: none retried)


async def test_a_cancel_while_the_last_part_filled_batches_are_sent_counts_those_not_sent(
    async_client: AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """As above, the async upload's task cancelled as the first of the 4 batches is stored (before: 8 taken, 2
    stored, 4 failed: the one in flight cancelled, the next not sent, the last in no count)."""
    import asyncio

    roster, line_items = world
    tag = uid("arest")
    rows = interleaved(roster, line_items[:4], 8, tag)
    calls: list[BulkProgress] = []

    def on_progress(progress: BulkProgress) -> None:
        calls.append(progress)
        upload.cancel()

    upload = asyncio.ensure_future(
        async_client.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1, on_progress=on_progress)
    )
    with pytest.raises(asyncio.CancelledError) as cancelled:
        await upload
    taken, stored, failed = counts_in(cancelled.value.__notes__[0])
    assert (taken, stored) == (8, 2) and taken == stored + failed, cancelled.value.__notes__
    last_progress_as_noted(calls, cancelled.value)
    assert stored <= len(stored_scores(client, roster, tag)) <= stored + 2  # (2: cancelled in flight, maybe stored)


async def test_the_last_progress_holds_the_final_counts_even_when_the_input_ends_invalid(
    either: Timeback | AsyncTimeback, world: tuple[Roster, list[str]]
) -> None:
    roster, line_items = world
    tag = uid("last-progress")
    invalid = [{"sourcedId": f"{tag}-bad-{i}", "score": "lots"} for i in range(3)]  # (no line item, no student)
    for rows in ([*interleaved(roster, line_items[:1], 20, tag), *invalid], invalid):
        calls: list[BulkProgress] = []
        summary = await upload(either, rows, batch_size=10, concurrency=2, on_progress=calls.append)
        assert calls and calls[-1] == BulkProgress(
            summary.sent, summary.stored, summary.failed, summary.batches, summary.taken
        )
        assert summary.failed == 3 and summary.taken == len(rows)


def test_models_and_dicts_are_both_accepted(client: Timeback, world: tuple[Roster, list[str]]) -> None:
    roster, line_items = world
    tag = uid("models")
    records = list(interleaved(roster, line_items, 6, tag))
    mixed = [TimebackCreateResultBody.model_validate(r) if i % 2 else r for i, r in enumerate(records)]
    assert client.oneroster.gradebook.bulk_post_results(mixed).stored == 6
    assert len(stored_scores(client, roster, tag)) == 6


async def test_async_bulk_upload_from_an_async_source(
    async_client: AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    roster, line_items = world
    tag = uid("abulk")

    async def source() -> AsyncIterator[dict[str, Any]]:
        for record in interleaved(roster, line_items, 1200, tag):
            yield record

    summary = await async_client.oneroster.gradebook.bulk_post_results(source(), batch_size=100, concurrency=3)
    assert (summary.stored, summary.failed) == (1200, 0)
    assert stored_scores(client, roster, tag) == {f"{tag}-{i}": i % 101 for i in range(1200)}


def test_memory_stays_flat_whatever_the_input_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most PENDING_BATCHES part-filled batches wait and ``concurrency`` are in flight, for any input length; so
    many ids are kept to tell repeats."""
    from timeback._bulk import Batcher

    most_ids = 0
    settled = Batcher.settled

    def counted(batcher: Batcher, batch: Batch, failures: Any) -> None:
        nonlocal most_ids
        most_ids = max(most_ids, len(batcher._unsettled_ids))
        settled(batcher, batch, failures)

    monkeypatch.setattr(Batcher, "settled", counted)
    held = 0
    most_held = 0
    consumed = 0
    lock = threading.Lock()

    def source() -> Iterator[dict[str, Any]]:
        nonlocal consumed, held, most_held
        for i in range(60_000):
            consumed += 1
            with lock:
                held += 1
                most_held = max(most_held, held)
            yield result_body(f"li-{i % 50}", "s", f"r-{i}")  # 50 line items, interleaved

    def send(batch: Batch) -> TimebackSourcedIdPairsResponse:
        nonlocal held
        with lock:
            held -= len(batch.ids)
        return TimebackSourcedIdPairsResponse.model_validate({"sourcedIdPairs": []})

    summary = run_sync(send, source(), batch_size=100, concurrency=4, on_progress=None)
    assert consumed == summary.stored == 60_000
    assert most_held <= (PENDING_BATCHES + 1 + 4) * 100
    assert 0 < most_ids <= (PENDING_BATCHES + 1 + 4) * 100
    # Still batches, not single results: the batch sent to free memory is the fullest, which holds at least its share
    # of the results waiting (PENDING_BATCHES * 100 over 50 line items: 16). (Sending the emptiest: 30,037 batches.)
    assert summary.batches <= 60_000 // (PENDING_BATCHES * 100 // 50), summary.batches


@pytest.mark.parametrize(("line_items", "batch_size"), [(3, 4), (40, 5), (700, 10), (5, 1)])
def test_a_batch_sent_to_free_memory_is_always_the_fullest(line_items: int, batch_size: int) -> None:
    """Whatever the input's order, a batch goes when full, or, ``PENDING_BATCHES * batch_size`` results waiting,
    the fullest one waiting goes (kept by size as results come: a max() over every waiting batch cost ~1 ms per
    result with 20,000 interleaved line items). Checked against a plain count of what waits, at every step."""
    import random

    from timeback._bulk import Batcher, BulkSummary

    rng = random.Random(line_items)
    batcher = Batcher(batch_size, BulkSummary())
    waiting: dict[str, int] = {}
    for i in range(3000):
        line_item = f"li-{min(int(rng.expovariate(3 / line_items)), line_items - 1)}"  # (some far more often)
        waiting[line_item] = waiting.get(line_item, 0) + 1
        batch = batcher.add(result_body(line_item, "s", f"r-{i}"))
        if batch is None:
            assert sum(waiting.values()) <= PENDING_BATCHES * batch_size
            continue
        size = len(batch.ids)
        assert size == waiting[batch.line_item], (i, batch.line_item)
        assert size == batch_size or size == max(waiting.values()), (i, size, max(waiting.values()))
        del waiting[batch.line_item]
    assert sorted((b.line_item, len(b.ids)) for b in batcher.rest()) == sorted(waiting.items())


async def test_a_cancel_gives_every_result_it_leaves_unsent_one_reason(server: Any) -> None:
    """The batch waiting for a slot when the upload is cancelled, and those held, are "not sent" for the same
    reason. Before, the first said "the upload stopped" and the rest "the upload was cancelled", in one summary."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET

    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=10000")
    failures: list[BulkFailure] = []
    rows = [result_body(f"li-{i % 3}", "student", f"r-{i}") for i in range(40)]  # (a batch each, then some held)
    with LocalServer(slow, storage=server.app.state.storage) as slow_server:
        slow_server.app.state.tokens = server.app.state.tokens  # (its tokens from the server without faults: fast)
        async with AsyncTimeback(**slow_server.client_kwargs(), token_url=f"{server.url}/oauth2/token") as api:
            upload = asyncio.ensure_future(
                api.oneroster.gradebook.bulk_post_results(
                    rows, batch_size=10, concurrency=1, on_failure=failures.append
                )
            )
            await asyncio.sleep(0.5)  # (the first batch in flight, 10 s; the second waits for its slot)
            upload.cancel()
            with pytest.raises(asyncio.CancelledError):
                await upload
    unsent = [f for f in failures if f.reason.startswith("not sent")]
    assert len(unsent) >= 2, failures  # (the batch waiting, and at least one held)
    assert {f.reason for f in unsent} == {"not sent: the upload was cancelled"}, failures


async def test_cancelling_the_upload_while_its_batches_in_flight_finish_cancels_them(server: Any) -> None:
    """An input error makes the upload wait for its batches in flight; a caller cancelling it then (a shutdown, a
    timeout) ends it at once, and no batch is left running behind it. (Batches of 10 s, against a bound of 5 s that
    a loaded machine does not come near.)"""
    import asyncio
    import time

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=10000")
    draining = asyncio.Event()

    def rows() -> Iterator[dict[str, Any]]:
        for i in range(20):
            yield result_body("li", "student", f"r-{i}")
        draining.set()  # (two batches of 10 in flight, 10 s each)
        raise ValueError("the export broke")

    with LocalServer(slow, storage=server.app.state.storage) as slow_server:
        slow_server.app.state.tokens = server.app.state.tokens  # (its tokens from the server without faults: fast)
        token_url = f"{server.url}/oauth2/token"
        async with AsyncTimeback(**slow_server.client_kwargs(), token_url=token_url) as api:
            upload = asyncio.ensure_future(api.oneroster.gradebook.bulk_post_results(rows(), batch_size=10))
            await draining.wait()
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            upload.cancel()
            with pytest.raises(asyncio.CancelledError) as cancelled:
                await upload
            assert time.perf_counter() - started < 5
            assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    assert cancelled.value.__notes__ == [
        "bulk_post_results stopped: 20 results taken, 0 stored, 20 failed or not sent (20 of them maybe stored: "
        "an answer lost, or cancelled in flight); the rest of the input was not read"
    ]


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
@pytest.mark.parametrize("input_", ["waits", "breaks"])
@pytest.mark.parametrize("canceller", ["cancel twice", "anyio.fail_after"])
async def test_a_cancel_landing_again_while_the_batches_in_flight_end_still_tells_and_ends_them(
    server: Any, canceller: str, input_: str, transport: str
) -> None:
    """anyio's cancel scopes on asyncio (``anyio.fail_after``, Starlette's task groups) cancel the task again on every
    loop turn until it ends, and two ``cancel()`` calls may come a turn apart: a cancel landing while the cancelled
    batches end (the input waiting for more, or broken and its batches in flight finishing) changes nothing. Before,
    it cut that wait short: no note, ``on_failure`` given none of the 25 failures, and on httpx the batches' tasks
    still running after the upload."""
    import asyncio

    import anyio

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback import DefaultAioHttpClient

    slow = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          faults="slow=1,slow_ms=10000")  # fmt: skip
    made = asyncio.Event()
    failures: list[BulkFailure] = []

    async def rows() -> AsyncIterator[dict[str, Any]]:
        for i in range(25):
            yield result_body("li", "student", f"r-{i}")
        made.set()  # (two batches of 10 in flight, 10 s each; 5 results waiting)
        if input_ == "breaks":
            raise ValueError("the export broke")
        await asyncio.sleep(60)

    with LocalServer(slow) as slow_server:
        slow_server.app.state.tokens = server.app.state.tokens  # (its tokens from the server without faults: fast)
        kwargs = {**slow_server.client_kwargs(), "token_url": f"{server.url}/oauth2/token"}
        http_client = DefaultAioHttpClient() if transport == "aiohttp" else None
        async with AsyncTimeback(**kwargs, http_client=http_client) as api:
            gradebook = api.oneroster.gradebook
            before = asyncio.all_tasks()
            if canceller == "cancel twice":
                upload = asyncio.ensure_future(
                    gradebook.bulk_post_results(rows(), batch_size=10, on_failure=failures.append)
                )
                await made.wait()
                upload.cancel()
                await asyncio.sleep(0)  # (the upload cancels its batches and waits for them to end)
                upload.cancel()
                with pytest.raises(asyncio.CancelledError) as stopped:
                    await upload
                cancelled = stopped.value
            else:

                async def cancel_once_made(scope: anyio.CancelScope) -> None:
                    await made.wait()
                    scope.deadline = anyio.current_time()  # (past: cancelled now, and on every loop turn after)

                with pytest.raises(TimeoutError) as stopped, anyio.fail_after(60) as scope:
                    timer = asyncio.ensure_future(cancel_once_made(scope))
                    await gradebook.bulk_post_results(rows(), batch_size=10, on_failure=failures.append)
                await timer
                cancelled = stopped.value.__context__
            left = [repr(task) for task in asyncio.all_tasks() - before - {asyncio.current_task()}]
    assert left == []
    assert isinstance(cancelled, asyncio.CancelledError)
    assert cancelled.__notes__ == [
        "bulk_post_results stopped: 25 results taken, 0 stored, 25 failed or not sent (20 of them maybe stored: "
        "an answer lost, or cancelled in flight); the rest of the input was not read"
    ]
    assert sorted(id_ for failure in failures for id_ in failure.sourced_ids) == sorted(f"r-{i}" for i in range(25))


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_batch_cancelled_in_flight_counts_as_sent(
    server: Any, world: tuple[Roster, list[str]], transport: str
) -> None:
    """A batch cancelled in flight may have been stored (its request may have reached the server): it counts as sent
    and as a batch, as one whose answer a network error lost does. Before, it was in neither: the last
    ``on_progress`` said ``sent=0, batches=0`` while the server went on to store its 5 results."""
    import asyncio

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback import DefaultAioHttpClient
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    tag = uid("acancelled")
    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=1500")
    made = asyncio.Event()
    calls: list[BulkProgress] = []

    async def rows() -> AsyncIterator[dict[str, Any]]:
        for row in interleaved(roster, line_items[:1], 5, tag):
            yield row
        made.set()  # (its batch of 5 in flight: 1.5 s before the server handles it)
        await asyncio.sleep(60)

    with LocalServer(slow, storage=server.app.state.storage) as faulty:
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        http_client = DefaultAioHttpClient() if transport == "aiohttp" else None
        async with AsyncTimeback(**kwargs, http_client=http_client) as api:
            gradebook = api.oneroster.gradebook
            upload = asyncio.ensure_future(gradebook.bulk_post_results(rows(), batch_size=5, on_progress=calls.append))
            await made.wait()
            upload.cancel()
            with pytest.raises(asyncio.CancelledError) as cancelled:
                await upload
    assert calls[-1] == BulkProgress(sent=5, stored=0, failed=5, batches=1, taken=5), calls
    assert cancelled.value.__notes__ == [
        "bulk_post_results stopped: 5 results taken, 0 stored, 5 failed or not sent (5 of them maybe stored: an "
        "answer lost, or cancelled in flight); the rest of the input was not read"
    ]


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_under_asyncio_run_tells_what_the_async_upload_had_done() -> None:
    """Ctrl-C under ``asyncio.run`` cancels the upload's task: its batches in flight are cancelled (their requests
    may have reached the server, so they count as failed, maybe stored), the ones done are counted, and the note
    reaches the KeyboardInterrupt's traceback (on the CancelledError it was raised from)."""
    import _thread
    import asyncio

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    slow = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                          faults="slow=1,slow_ms=1500")  # fmt: skip

    async def rows() -> AsyncIterator[dict[str, Any]]:
        for i in range(25):
            yield result_body("li", "student", f"r-{i}")
        await asyncio.sleep(0.3)  # (two batches of 10 in flight, 1.5 s each; 5 results waiting)
        _thread.interrupt_main()
        await asyncio.sleep(60)

    async def main() -> None:
        async with AsyncTimeback(**server.client_kwargs()) as api:
            await api.oneroster.gradebook.bulk_post_results(rows(), batch_size=10)

    with LocalServer(slow) as server, pytest.raises(KeyboardInterrupt) as interrupted:
        asyncio.run(main())
    cancelled = interrupted.value.__context__
    assert isinstance(cancelled, asyncio.CancelledError)
    assert cancelled.__notes__ == [
        "bulk_post_results stopped: 25 results taken, 0 stored, 25 failed or not sent (20 of them maybe stored: "
        "an answer lost, or cancelled in flight); the rest of the input was not read"
    ]


# ----- if_exists="replace": a sync that sends every result again


def _resync_rows(roster: Roster, line_items: list[str], tag: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(first upload, second upload): the second changes the score of every fifth result and adds 7 new ones."""
    first = list(interleaved(roster, line_items[:3], 60, tag))
    second = [{**row, "score": row["score"] + 0.5} if i % 5 == 0 else row for i, row in enumerate(first)]
    second += [result_body(line_items[0], roster.students[i], f"{tag}-new-{i}", score=i) for i in range(7)]
    return first, second


async def test_replace_puts_the_results_not_stored_as_sent_and_leaves_the_others_alone(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    roster, line_items = world
    tag = uid("resync")
    first, second = _resync_rows(roster, line_items, tag)
    gradebook = client.oneroster.gradebook
    assert gradebook.bulk_post_results(first, batch_size=25).stored == 60
    stamps = {r.sourcedId: r.dateLastModified for r in gradebook.get_results_for_class(
        class_sourced_id=roster.class_, filter=f"sourcedId~'{tag}-'", limit=3000)}  # fmt: skip

    default = gradebook.bulk_post_results(first, batch_size=25)  # (if_exists="fail": every batch meets 409)
    assert default.stored == 0 and {f.status_code for f in default.failures} == {409}
    # (each says the way out: a sync run again with the default met 409 for every batch, with no word of it)
    import timeback._bulk as bulk

    assert all(f.reason.endswith(f"({bulk.IF_EXISTS_HINT})") for f in default.failures), default.failures

    summary = await upload(either, second, batch_size=25, if_exists="replace")
    assert summary.ok, summary.failures
    # (the new results that made a batch of their own were created by it; the others, PUT with the changed ones)
    assert (summary.taken, summary.stored, summary.unchanged) == (67, 67, 48) and 12 <= summary.replaced <= 12 + 7
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in second}
    after = {r.sourcedId: r.dateLastModified for r in gradebook.get_results_for_class(
        class_sourced_id=roster.class_, filter=f"sourcedId~'{tag}-'", limit=3000)}  # fmt: skip
    changed = {r["sourcedId"] for i, r in enumerate(first) if i % 5 == 0}
    assert {k for k in stamps if after[k] != stamps[k]} == changed  # (the unchanged ones were not written)


class BusyAtFirstPost(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Forwards every request to the server, except each batch POST the first time it is sent: 503 (a server busy
    for a moment, nothing stored), so that its retry meets the records stored before with 409."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()

    def busy(self, request: httpx.Request) -> httpx.Response | None:
        if request.method != "POST" or request.url.path.endswith("/token") or request.content in self.seen:
            return None
        self.seen.add(request.content)
        return httpx.Response(503, json={"imsx_codeMajor": "failure", "imsx_description": "busy"}, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if (busy := self.busy(request)) is not None:
            return busy
        with httpx.HTTPTransport() as inner:
            response = inner.handle_request(request)
            response.read()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (busy := self.busy(request)) is not None:
            return busy
        async with httpx.AsyncHTTPTransport() as inner:
            response = await inner.handle_async_request(request)
            await response.aread()
        return response


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_replace_counts_a_batch_whose_retry_met_409_as_unchanged_or_replaced(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A batch whose first POST failed (503) and whose retry met the records stored before (409): when all of them
    read back as sent, the retry's 409 was confirmed as the call's own (the lost-answer rule) and the batch counted
    as stored, in neither ``unchanged`` nor ``replaced``, though nothing was created. Now settled as any 409 is."""
    roster, line_items = world
    tag = uid(f"resync-busy-{kind}")
    first = list(interleaved(roster, line_items[:3], 60, tag))  # (20 a line item: a batch each)
    assert client.oneroster.gradebook.bulk_post_results(first, batch_size=25).stored == 60
    changed = {i for i, row in enumerate(first) if row["lineItem"] == {"sourcedId": line_items[0]} and i % 2 == 0}
    second = [{**row, "score": row["score"] + 0.5} if i in changed else row for i, row in enumerate(first)]
    transport = BusyAtFirstPost()
    if kind == "sync":
        with httpx.Client(transport=transport) as http, Timeback(**server.client_kwargs(), http_client=http) as api:
            summary = api.oneroster.gradebook.bulk_post_results(second, batch_size=25, if_exists="replace")
    else:
        async with httpx.AsyncClient(transport=transport) as http:
            async with AsyncTimeback(**server.client_kwargs(), http_client=http) as aapi:
                summary = await aapi.oneroster.gradebook.bulk_post_results(second, batch_size=25, if_exists="replace")
    assert summary.ok and summary.retries_taken >= 3, summary
    assert (summary.stored, summary.unchanged, summary.replaced) == (60, 60 - len(changed), len(changed)), summary
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in second}


class RefusesPut(httpx.BaseTransport):
    """Forwards every request to the real server, except a PUT of ``sourced_id``, answered 503 (a server that fails
    one write on demand)."""

    def __init__(self, sourced_id: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.sourced_id = sourced_id

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and request.url.path.endswith(f"/results/{self.sourced_id}"):
            return httpx.Response(503, json={"imsx_codeMajor": "failure", "imsx_description": "busy"})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_replace_reports_a_put_that_fails_alone(server: Any, client: Timeback, world: tuple[Roster, list[str]]) -> None:
    roster, line_items = world
    tag = uid("resync-put-fails")
    first, second = _resync_rows(roster, line_items, tag)
    assert client.oneroster.gradebook.bulk_post_results(first, batch_size=25).stored == 60
    refused = second[5]["sourcedId"]  # (a changed one)
    with (
        httpx.Client(transport=RefusesPut(refused)) as refusing,
        Timeback(**server.client_kwargs(), max_retries=0, http_client=refusing) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results(second, batch_size=25, if_exists="replace")
    (failure,) = summary.failures
    assert failure.sourced_ids == (refused,) and failure.status_code == 503 and "PUT" in failure.reason
    assert (summary.taken, summary.stored, summary.unchanged) == (67, 66, 48) and 11 <= summary.replaced <= 11 + 7
    assert stored_scores(client, roster, tag)[refused] == first[5]["score"]


def test_replace_reads_each_line_item_s_class_once_per_upload(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A result sent without a class holds its line item's: the line item is read to tell, once per upload, not
    once per batch (a batch of 5: four reads of each line item)."""
    roster, line_items = world
    tag = uid("class-once")
    rows = [result_body(line_items[i % 2 + 4], s, f"{tag}-{i}-{s}") for i in range(2) for s in roster.students[:10]]
    assert client.oneroster.gradebook.bulk_post_results(rows).stored == 20
    reads: list[str] = []

    def count(request: httpx.Request) -> None:
        if request.method == "GET" and "/lineItems/" in request.url.path:
            reads.append(request.url.path.rsplit("/", 1)[-1])

    with (
        httpx.Client(event_hooks={"request": [count]}) as counting,
        Timeback(**server.client_kwargs(), http_client=counting) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=5, concurrency=1, if_exists="replace")
    assert summary.ok and summary.unchanged == 20, summary
    assert sorted(reads) == sorted(line_items[4:6]), reads


def test_batches_counts_the_posts_only_and_an_event_hook_every_request(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """As README says: ``summary.batches`` counts the batches POSTed, not the replace path's read-backs and PUTs,
    which an ``event_hooks`` hook on the client's ``DefaultHttpxClient`` sees with every other request."""
    roster, line_items = world
    tag = uid("every-request")
    rows = [result_body(line_items[6], s, f"{tag}-{s}", score=50) for s in roster.students[:3]]
    assert client.oneroster.gradebook.bulk_post_results(rows[:2]).stored == 2
    sent: list[str] = []

    def count(request: httpx.Request) -> None:
        if "/gradebook/" in request.url.path:  # (not the token's)
            sent.append(request.method)

    with (
        DefaultHttpxClient(event_hooks={"request": [count]}) as counting,
        Timeback(**server.client_kwargs(), http_client=counting) as api,
    ):
        changed = [{**row, "score": 60} for row in rows]
        summary = api.oneroster.gradebook.bulk_post_results(changed, if_exists="replace")
    assert (summary.batches, summary.replaced) == (1, 3), summary
    # the batch refused (409), its results read back, its line item read (for its class), each result PUT
    assert sorted(sent) == ["GET", "GET", "POST", "PUT", "PUT", "PUT"]


class FailsLineItemReads(httpx.BaseTransport):
    """Forwards every request to the real server, except the first ``failing`` reads of a line item by id and each
    PUT of ``refused``, answered 503; ``reads`` counts the line item reads."""

    def __init__(self, failing: int, refused: str | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.failing, self.refused, self.reads = failing, refused, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        busy = httpx.Response(503, json={"imsx_codeMajor": "failure", "imsx_description": "busy"})
        if request.method == "GET" and "/lineItems/" in request.url.path:
            self.reads += 1
            if self.reads <= self.failing:
                return busy
        if request.method == "PUT" and request.url.path.endswith(f"/results/{self.refused}"):
            return busy
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_replace_reads_a_line_item_again_after_its_read_failed(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(A failed read of a line item was kept as no class for the rest of the upload: each of its results was PUT,
    stored as sent though, its stamp moved for every delta reader: 968 of 1,000 under faults, from the nightly
    sync's run.) The next result needing it reads it again."""
    roster, line_items = world
    tag = uid("class-again")
    rows = [result_body(line_items[4], s, f"{tag}-{s}") for s in roster.students[:10]]
    assert client.oneroster.gradebook.bulk_post_results(rows).stored == 10
    with (
        httpx.Client(transport=FailsLineItemReads(1)) as failing,
        Timeback(**server.client_kwargs(), max_retries=0, http_client=failing) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1, if_exists="replace")
    assert summary.ok and (summary.replaced, summary.unchanged) == (1, 9), summary


def test_replace_says_a_result_whose_line_item_could_not_be_read_may_be_stored_as_sent(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Its PUT failing, a result stored whose line item (for its class) could not be read to compare it with was
    said not stored (``maybe_stored`` false): it was, as sent. The line item is read at most
    ``DERIVED_READ_ATTEMPTS`` times a batch."""
    from timeback._bulk import DERIVED_READ_ATTEMPTS

    roster, line_items = world
    tag = uid("class-unread")
    rows = [result_body(line_items[5], s, f"{tag}-{s}") for s in roster.students[:5]]
    assert client.oneroster.gradebook.bulk_post_results(rows).stored == 5
    with (
        httpx.Client(transport=(failing := FailsLineItemReads(100, refused=str(rows[0]["sourcedId"])))) as http,
        Timeback(**server.client_kwargs(), max_retries=0, http_client=http) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1, if_exists="replace")
    (failure,) = summary.failures
    assert failure.sourced_ids == (rows[0]["sourcedId"],) and failure.status_code == 503
    assert failure.maybe_stored and "it is stored, and may be stored as sent" in failure.reason, failure
    assert (summary.replaced, summary.unchanged) == (4, 0) and failing.reads == DERIVED_READ_ATTEMPTS == 3
    # one whose score changed is not as sent whatever its class: not maybe stored (it was said to be, as sent)
    changed = {**rows[1], "score": 97}
    with (
        httpx.Client(transport=FailsLineItemReads(100, refused=str(changed["sourcedId"]))) as http,
        Timeback(**server.client_kwargs(), max_retries=0, http_client=http) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results([changed], if_exists="replace")
    (failure,) = summary.failures
    assert not failure.maybe_stored and "may be stored as sent" not in failure.reason, failure


class LosesPutAnswerThenReadBacks(RefusesPut):
    """Forwards every request to the real server; the PUT of ``sourced_id`` is written, its answer lost; the
    read-backs after it are answered 503."""

    lost = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.lost and request.method == "GET" and "filter" in request.url.params:
            return httpx.Response(503, json={"imsx_codeMajor": "failure", "imsx_description": "busy"})
        response = self.inner.handle_request(request)
        if request.method == "PUT" and request.url.path.endswith(f"/results/{self.sourced_id}"):
            response.read()
            response.close()
            self.lost = True
            raise httpx.ReadError("connection dropped after the server answered", request=request)
        return response


def test_replace_says_a_put_whose_answer_was_lost_may_be_written_when_it_cannot_be_read_back(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(Its failure said only "connection failed": the caller read that the result was not written, and it was.)"""
    roster, line_items = world
    tag = uid("resync-lost-put")
    first, second = _resync_rows(roster, line_items, tag)
    assert client.oneroster.gradebook.bulk_post_results(first, batch_size=25).stored == 60
    lost = second[5]["sourcedId"]  # (a changed one)
    with (
        httpx.Client(transport=LosesPutAnswerThenReadBacks(lost)) as losing,
        Timeback(**server.client_kwargs(), max_retries=0, http_client=losing) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results(second, batch_size=25, concurrency=1, if_exists="replace")
    failure = next(f for f in summary.failures if lost in f.sourced_ids)
    assert failure.sourced_ids == (lost,), summary.failures
    assert "an attempt of this call got no answer, so it may have been applied" in failure.reason
    assert "; reading it back failed" in failure.reason
    assert stored_scores(client, roster, tag)[lost] == second[5]["score"]  # (written indeed)


class SpoilsReadBacks(httpx.BaseTransport):
    """Forwards every request to the real server, except the read-backs (a listing filtered by ``sourcedId@``):
    answered 503, or 200 with a proxy's HTML page, each with a request id of its own."""

    def __init__(self, answer: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.answer = answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "sourcedId@" in request.url.params.get("filter", ""):
            headers = {"x-request-id": f"read-{self.answer}"}
            if self.answer == "503":
                return httpx.Response(
                    503, json={"imsx_codeMajor": "failure", "imsx_description": "busy"}, headers=headers
                )
            return httpx.Response(200, content=b"<html>Gateway says hello</html>", headers=headers)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("answer", ["503", "html"])
def test_replace_fails_a_batch_whose_read_back_fails_with_the_read_s_status_and_request_id(
    answer: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The batch fails whole, naming the read's failure and its request id (the 409's is in the reason). Before, the
    failure carried the 409's request id beside the read's status, and an answer that was not JSON raised
    ``ValueError`` out of the upload."""
    roster, line_items = world
    tag = uid(f"resync-read-{answer}")
    first, second = _resync_rows(roster, line_items, tag)
    assert client.oneroster.gradebook.bulk_post_results(first, batch_size=25).stored == 60
    with (
        httpx.Client(transport=SpoilsReadBacks(answer)) as spoiling,
        Timeback(**server.client_kwargs(), max_retries=0, http_client=spoiling) as api,
    ):
        again = [r for r in second[:60] if r["lineItem"] == {"sourcedId": line_items[0]}]  # (one batch)
        summary = api.oneroster.gradebook.bulk_post_results(again, batch_size=25, if_exists="replace")
    (failure,) = summary.failures
    assert (summary.taken, summary.stored, summary.failed) == (20, 0, 20) and len(failure.sourced_ids) == 20
    assert failure.request_id == f"read-{answer}" and "409" in failure.reason, failure
    assert "reading the existing records back to replace them failed" in failure.reason, failure.reason
    if answer == "503":
        assert failure.status_code == 503 and "busy" in failure.reason, failure
    else:
        assert failure.status_code == 200 and "not a JSON object" in failure.reason, failure
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in first}  # (nothing written)


@pytest.mark.parametrize("scopes", ["gradebook.createpost gradebook.readonly", "gradebook.createpost"])
def test_replace_without_the_scope_to_put_or_read_stops_with_every_result_counted(
    scopes: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A client allowed to POST but not to PUT (or not to read the records back) meets 403 replacing: every batch
    would alike, so the upload stops, as it does for a refused batch."""
    from timeback import PermissionDeniedError

    roster, line_items = world
    tag = uid("resync-scopes")
    first, second = _resync_rows(roster, line_items, tag)
    assert client.oneroster.gradebook.bulk_post_results(first, batch_size=25).stored == 60
    poster, secret = uid("poster"), uid("secret")
    server.app.state.clients.add(poster, secret, scopes)
    with Timeback(base_url=server.url, client_id=poster, client_secret=secret, max_retries=0) as api:
        with pytest.raises(PermissionDeniedError) as refused:
            api.oneroster.gradebook.bulk_post_results(second, batch_size=25, concurrency=1, if_exists="replace")
    found = re.search(r"(\d+) results taken, (\d+) stored, (\d+) failed", "".join(refused.value.__notes__))
    assert found is not None, refused.value.__notes__
    taken, stored, failed = map(int, found.groups())
    assert taken == stored + failed and failed >= 1


def test_if_exists_takes_fail_or_replace_only(client: Timeback) -> None:
    with pytest.raises(ValueError, match="if_exists"):
        client.oneroster.gradebook.bulk_post_results([], if_exists="update")  # type: ignore[arg-type]


def test_replace_reads_back_ids_a_list_filter_cannot_hold_and_deleted_records_by_id(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Ids with a comma or a quote are read back ORed (an "@" list cannot hold them), and a record sent as
    ``tobedeleted`` by its id (a listing leaves deleted records out): one stored as sent is left alone, one not
    stored at all (its read is a 404) is PUT."""
    roster, line_items = world
    tag = uid("odd")
    odd = [result_body(line_items[0], s, f"{tag},{i}'s", score=i) for i, s in enumerate(roster.students[:3])]
    deleted = result_body(line_items[0], roster.students[3], f"{tag}-deleted", status="tobedeleted")
    assert client.oneroster.gradebook.bulk_post_results(odd).stored == 3
    summary = client.oneroster.gradebook.bulk_post_results([*odd, deleted], if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.unchanged, summary.replaced) == (4, 3, 1)
    assert client.oneroster.gradebook.get_result(sourced_id=f"{tag}-deleted").result.status == "tobedeleted"


def test_replace_reads_back_past_a_listing_page_shorter_than_asked(world: tuple[Roster, list[str]]) -> None:
    """A server serving fewer records per page than the read-back asks for (here at most 10 a page; Timeback caps a
    page at 3,000, other servers lower): the records on later pages were not read, so the unchanged ones there were
    PUT, rewritten needlessly and counted replaced."""
    from tests.support import make_roster
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    with LocalServer(ServerSettings(max_page_size=10)) as small_pages, Timeback(**small_pages.client_kwargs()) as api:
        roster = make_roster(api)
        (line_item,) = add_line_items(api, roster, 1)
        rows = [result_body(line_item, roster.students[i % 3], uid(f"page-{i}"), score=i) for i in range(25)]
        assert api.oneroster.gradebook.bulk_post_results(rows).stored == 25
        summary = api.oneroster.gradebook.bulk_post_results(rows, if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.unchanged, summary.replaced) == (25, 25, 0)


class HidesTotals(httpx.BaseTransport):
    """Forwards every request to the real server; its answers to listings come without a total (no ``totalCount``,
    no ``X-Total-Count``), with the ``Link`` header that names their next page: a server that gives no totals."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return without_totals(request, self.inner.handle_request(request))

    def close(self) -> None:
        self.inner.close()


def test_replace_reads_back_past_a_short_page_with_a_next_link_from_a_server_without_totals() -> None:
    """With no total, a read-back page shorter than asked was taken for the last, though its ``Link`` named a next
    page (a server capping its pages at 10): the unchanged records on later pages were PUT and counted replaced."""
    from tests.support import make_roster
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    with (
        LocalServer(ServerSettings(max_page_size=10)) as small_pages,
        httpx.Client(transport=HidesTotals()) as hiding,
        Timeback(**small_pages.client_kwargs(), http_client=hiding) as api,
    ):
        roster = make_roster(api)
        (line_item,) = add_line_items(api, roster, 1)
        rows = [result_body(line_item, roster.students[i % 3], uid(f"nototal-{i}"), score=i) for i in range(25)]
        assert api.oneroster.gradebook.bulk_post_results(rows).stored == 25
        page = api.oneroster.gradebook.get_all_results(filter=f"lineItem.sourcedId='{line_item}'", limit=20)
        assert page.total_count is None and len(page) == 10  # (the transport hides the totals: a capped page)
        rows[24] = {**rows[24], "score": 99}
        summary = api.oneroster.gradebook.bulk_post_results(rows, if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.unchanged, summary.replaced) == (25, 24, 1)


def test_replace_puts_a_result_whose_stored_record_holds_a_field_no_longer_sent(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A PUT replaces the whole record, so a result sent again without its comment (cleared in the source) is not
    stored as sent while the server still holds the old comment: it was counted unchanged and the comment stayed.
    The class the server fills in from the line item, and the stamp, are no such difference."""
    roster, line_items = world
    tag = uid("dropped")
    first = [
        result_body(line_items[0], s, f"{tag}-{i}", comment="late", textScore="B")
        for i, s in enumerate(roster.students[:3])
    ]
    gradebook = client.oneroster.gradebook
    assert gradebook.bulk_post_results(first).stored == 3
    second = [first[0], {k: v for k, v in first[1].items() if k != "comment"}, {**first[2], "comment": None}]
    summary = gradebook.bulk_post_results(second, if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.unchanged, summary.replaced) == (3, 1, 2)
    assert [gradebook.get_result(sourced_id=r["sourcedId"]).result.comment for r in first] == ["late", None, None]


def test_replace_puts_a_result_whose_stored_values_only_compare_equal_in_python(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Each of these was counted unchanged and left as stored, where a PUT would change it: ``1`` for ``True``
    (equal in Python, not in JSON), text that reads as the same instant as the text sent (only dates are compared
    as instants), and a class named in the stored result but not the one the server gives a result sent without
    one (its line item's). A result whose class is its line item's, sent without one, is still unchanged, and so is
    one whose date sent alone is held as its midnight UTC, sent again as that instant at another offset."""
    from tests.support import make_roster

    roster, line_items = world
    elsewhere = make_roster(client).class_
    tag = uid("equal")
    stored = [
        result_body(line_items[1], roster.students[0], f"{tag}-0", metadata={"passed": 1, "tries": [1, 0]}),
        result_body(line_items[1], roster.students[1], f"{tag}-1", comment="2024-01-16"),
        result_body(line_items[1], roster.students[2], f"{tag}-2", **{"class": {"sourcedId": elsewhere}}),
        result_body(line_items[1], roster.students[3], f"{tag}-3"),
        result_body(line_items[1], roster.students[4], f"{tag}-4", scoreDate="2024-09-08"),
    ]
    gradebook = client.oneroster.gradebook
    for record in stored:
        gradebook.put_result(sourced_id=record["sourcedId"], result=record)
    again = [
        {**stored[0], "metadata": {"passed": True, "tries": [True, False]}},
        {**stored[1], "comment": "2024-01-16T00:00:00Z"},
        {k: v for k, v in stored[2].items() if k != "class"},
        stored[3],
        {**stored[4], "scoreDate": "2024-09-07T20:00:00-04:00"},  # (the same instant as the date's midnight UTC)
    ]
    summary = gradebook.bulk_post_results(again, if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.unchanged, summary.replaced) == (5, 2, 3)
    held = [gradebook.get_result(sourced_id=r["sourcedId"]).result for r in stored]
    assert held[4].scoreDate == "2024-09-08T00:00:00Z"
    assert held[0].metadata == {"passed": True, "tries": [True, False]}
    assert held[1].comment == "2024-01-16T00:00:00Z"
    assert held[2].class_ is not None and held[2].class_.sourcedId == roster.class_
    assert held[3].class_ is not None and held[3].class_.sourcedId == roster.class_


def test_replace_puts_a_result_whose_metadata_or_date_time_changed_where_a_reference_s_extras_would_not(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A reference's ``href``/``type``/``name`` were allowed on any object with a ``sourcedId``, in ``metadata``
    too: a re-sync dropping ``type`` from a metadata object counted unchanged and the stale metadata stayed. And a
    date-time differing only past the microsecond (the server keeps its text as sent) counted unchanged."""
    roster, line_items = world
    tag = uid("free")
    rubric = {"sourcedId": "r-1", "type": "holistic"}
    stored = [
        result_body(line_items[1], roster.students[0], f"{tag}-0", metadata={"rubric": rubric}),
        result_body(
            line_items[1], roster.students[1], f"{tag}-1", metadata={"grader": {"sourcedId": "t", "name": "X"}}
        ),
        result_body(line_items[1], roster.students[2], f"{tag}-2", scoreDate="2024-09-02T10:00:00.1234567Z"),
        result_body(line_items[1], roster.students[3], f"{tag}-3", scoreDate="2024-09-02T10:00:00.1234567Z"),
        result_body(line_items[1], roster.students[4], f"{tag}-4", metadata={"rubric": rubric, "n": 1}),
    ]
    gradebook = client.oneroster.gradebook
    assert gradebook.bulk_post_results(stored).stored == 5
    again = [
        {**stored[0], "metadata": {"rubric": {"sourcedId": "r-1"}}},
        {**stored[1], "metadata": {"grader": {"sourcedId": "t"}}},
        {**stored[2], "scoreDate": "2024-09-02T10:00:00.1234568Z"},
        {**stored[3], "scoreDate": "2024-09-02T10:00:00.12345670Z"},  # (the same instant: a PUT would change no date)
        {**stored[4], "metadata": {"rubric": rubric, "n": 1.0}},  # (the same JSON number: see README)
    ]
    summary = gradebook.bulk_post_results(again, if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.replaced, summary.unchanged) == (5, 3, 2), summary
    assert str(summary).startswith("5 taken, 5 stored (3 replaced, 2 unchanged), 0 failed, 1 batch, 0 retries, "), str(
        summary
    )
    held = [gradebook.get_result(sourced_id=r["sourcedId"]).result for r in stored]
    assert held[0].metadata == {"rubric": {"sourcedId": "r-1"}} and held[1].metadata == {"grader": {"sourcedId": "t"}}
    assert held[2].scoreDate == "2024-09-02T10:00:00.1234568Z"


class RefusesLongUrls(httpx.BaseTransport):
    """Forwards every request to the real server, except one whose URL passes 8 KB: 414, as proxies answer."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.longest = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        size = len(request.url.raw_path) + len(request.url.host) + 16
        self.longest = max(self.longest, size)
        if size > 8192:
            return httpx.Response(414, json={"imsx_codeMajor": "failure", "imsx_description": "URI Too Long"})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("shape", ["成绩-{i}-学生的作业", "r%{i}%20/ & +#?", "{i}, '成绩' 学生的作业"])
def test_replace_reads_back_ids_that_grow_when_encoded_in_urls_under_8_kb(
    shape: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The read-back's filter was sized by the ids' characters, not by the URL they make: ids whose characters are
    percent-encoded (a CJK character is 9 bytes in a URL, a '%' 3) made URLs of up to 40 KB, refused by proxies
    (414), and every batch meeting a 409 failed whole."""
    roster, line_items = world
    tag = uid("wide")
    rows = [result_body(line_items[1], roster.students[i % 20], f"{tag}{shape.format(i=i)}" * 2) for i in range(300)]
    assert client.oneroster.gradebook.bulk_post_results(rows, batch_size=300).stored == 300
    transport = RefusesLongUrls()
    with httpx.Client(transport=transport) as proxied, Timeback(**server.client_kwargs(), http_client=proxied) as api:
        summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=300, if_exists="replace")
    assert summary.ok, summary.failures[0].reason
    assert (summary.stored, summary.unchanged) == (300, 300) and transport.longest <= 8192


def test_replace_keeps_within_the_batch_s_deadline(server: Any, client: Timeback, roster: Roster) -> None:
    """``deadline=`` bounds each batch, retries included (README): settling a batch's 409 (the read-back and a PUT
    per changed result) gave each of those requests a deadline of its own, so a batch of 20 changed results on a
    server answering in 0.1 s took 2.2 s with ``deadline=1``. Now what is left of the batch's deadline bounds them;
    the PUTs it leaves no time for fail alone, and the counts still add up."""
    (line_item,) = add_line_items(client, roster, 1)
    rows = [result_body(line_item, roster.students[i % 3], uid(f"late-{i}"), score=i) for i in range(40)]
    assert client.oneroster.gradebook.bulk_post_results(rows).stored == 40
    changed = [{**row, "score": row["score"] + 1} for row in rows]
    with _slow_beside(server, slow_ms=500) as api:
        summary = api.oneroster.gradebook.bulk_post_results(changed, if_exists="replace", deadline=6, max_retries=0)
    # (no timing asserted: 40 PUTs of 0.5 s each, one after another, cannot fit the batch's 6 s, which would replace
    # all 40 if each got a deadline of its own, as before; some replaced and the rest failing by the deadline shows
    # the one deadline bounds them. 6 s, for the POST and the read-back (1 s) on a loaded machine)
    assert summary.taken == summary.stored + summary.failed == 40 and 0 < summary.replaced < 40
    assert summary.failures, [f.reason for f in summary.failures]
    reasons = [f.reason for f in summary.failures]  # (the PUT under way at the deadline: cut short, timed out)
    assert all("deadline of 6s passed" in r or r.startswith("request timed out") for r in reasons), reasons


@contextlib.contextmanager
def _slow_beside(server: Any, slow_ms: int) -> Iterator[Timeback]:
    """A client, its token taken, of a server on ``server``'s store answering every request ``slow_ms`` late (what
    is slow is what a test times, not the records it sets up through ``server``)."""
    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=f"slow=1,slow_ms={slow_ms}")
    with LocalServer(slow, storage=server.app.state.storage) as faulty, Timeback(**faulty.client_kwargs()) as api:
        api.oneroster.gradebook.get_all_results(limit=1)  # (the token, slow too, before the test's call)
        yield api


class EnrichesReads(httpx.BaseTransport):
    """Forwards every request to the real server, and writes the records of each answer to a GET as a server may
    that stores them otherwise: each reference with the ``href`` and ``type`` 1EdTech's GUIDRefs carry, each
    date-time to the millisecond (``...:00.000Z`` for ``...:00Z``, ``...:00.123Z`` for ``...:00.123456Z``)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return enriched(request, self.inner.handle_request(request))

    def close(self) -> None:
        self.inner.close()


def test_replace_takes_a_record_the_server_writes_otherwise_as_unchanged(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A server may answer references with ``href`` and ``type`` added (1EdTech's GUIDRefs) and date-times with
    milliseconds: the same values. Before, every such result compared as changed, and a re-sync PUT them all."""
    roster, line_items = world
    tag = uid("enriched")
    first, _ = _resync_rows(roster, line_items, tag)
    assert client.oneroster.gradebook.bulk_post_results(first, batch_size=25).stored == 60
    changed = {**first[7], "score": 1.5}
    with (
        httpx.Client(transport=EnrichesReads()) as enriching,
        Timeback(**server.client_kwargs(), http_client=enriching) as api,
    ):
        stored = api.oneroster.gradebook.get_result(sourced_id=first[0]["sourcedId"]).result
        assert stored.lineItem is not None and stored.lineItem.type == "lineItem"  # (the transport does enrich)
        assert stored.scoreDate is not None and stored.scoreDate.endswith(":00.000Z")
        again = [changed if i == 7 else row for i, row in enumerate(first)]
        summary = api.oneroster.gradebook.bulk_post_results(again, batch_size=25, if_exists="replace")
    assert summary.ok and (summary.stored, summary.unchanged, summary.replaced) == (60, 59, 1), summary
    assert stored_scores(client, roster, tag)[changed["sourcedId"]] == 1.5


def test_replace_takes_a_date_time_the_server_keeps_to_the_millisecond_as_unchanged(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A ``datetime`` with microseconds (any ``datetime.now(UTC)``) is sent with all of them; a server keeping
    milliseconds (a JavaScript ``Date``) answers ``...:00.123Z`` for ``...:00.123456Z``: the instant sent, as kept
    there. Before, a re-sync PUT every such result again, and every ``dateLastModified`` moved (so every delta
    sync downstream saw them all changed)."""
    roster, line_items = world
    tag = uid("millis")
    when = datetime(2024, 9, 8, 10, 0, 0, 123456, tzinfo=UTC)
    first = [{**row, "scoreDate": when + timedelta(seconds=i)} for i, row in enumerate(
        interleaved(roster, line_items[:2], 30, tag))]  # fmt: skip
    gradebook = client.oneroster.gradebook
    assert gradebook.bulk_post_results(first).stored == 30
    stamps = {r.sourcedId: r.dateLastModified for r in gradebook.get_results_for_class(
        class_sourced_id=roster.class_, filter=f"sourcedId~'{tag}-'", limit=100)}  # fmt: skip
    changed = {**first[3], "scoreDate": first[3]["scoreDate"] + timedelta(milliseconds=1)}
    with (
        httpx.Client(transport=EnrichesReads()) as enriching,
        Timeback(**server.client_kwargs(), http_client=enriching) as api,
    ):
        stored = api.oneroster.gradebook.get_result(sourced_id=first[0]["sourcedId"]).result
        assert stored.scoreDate == "2024-09-08T10:00:00.123Z"  # (the transport keeps milliseconds)
        again = [changed if i == 3 else row for i, row in enumerate(first)]
        summary = api.oneroster.gradebook.bulk_post_results(again, if_exists="replace")
    assert summary.ok and (summary.stored, summary.unchanged, summary.replaced) == (30, 29, 1), summary
    after = {r.sourcedId: r.dateLastModified for r in gradebook.get_results_for_class(
        class_sourced_id=roster.class_, filter=f"sourcedId~'{tag}-'", limit=100)}  # fmt: skip
    assert {k for k in stamps if after[k] != stamps[k]} == {changed["sourcedId"]}


def test_stored_as_put_compares_every_field_but_the_servers_own() -> None:
    from timeback._read_back import written_as_sent as _stored_as_put
    from timeback.resources.gradebook import GradebookOperations

    op = GradebookOperations.create_result_for_line_item.operation
    held = {"sourcedId": "r", "lineItem": {"sourcedId": "li"}, "score": 90.0, "class": {"sourcedId": "c"},
            "dateLastModified": "x", "comment": None}  # fmt: skip
    sent = {"sourcedId": "r", "lineItem": {"sourcedId": "li"}, "score": 90}
    dates, derived = frozenset({"scoreDate"}), {"li": {"class": "c"}}  # (the line item's class, read)
    assert _stored_as_put(op, held, sent, dates, derived)  # (90 == 90.0; the line item's class, the stamp)
    assert _stored_as_put(op, held, {**sent, "dateLastModified": "y"}, dates, derived)  # (a stamp sent: not compared)
    assert not _stored_as_put(op, held, sent, dates, {"li": {"class": "other"}})  # (a PUT would set "other")
    assert not _stored_as_put(op, held, sent, dates, {})  # (the line item's class unknown)
    assert not _stored_as_put(op, held, {**sent, "score": 91}, dates, derived)
    assert not _stored_as_put(op, held, {**sent, "class": {"sourcedId": "other"}}, dates, derived)
    assert not _stored_as_put(op, {**held, "comment": "old"}, sent, dates, derived)  # (a PUT would drop it)
    assert not _stored_as_put(op, {**held, "score": True}, {**sent, "score": 1}, dates, derived)
    assert not _stored_as_put(op, None, sent, dates, derived)


def test_a_value_written_otherwise_is_held_as_sent_only_where_it_means_the_same() -> None:
    from timeback._read_back import holds

    ref = {"sourcedId": "li-1"}
    assert holds({"sourcedId": "li-1", "href": "https://x/li-1", "type": "lineItem"}, ref, reference=True)
    assert not holds({"sourcedId": "li-1", "type": "lineItem"}, ref)  # (an object that is no reference)
    assert not holds({"sourcedId": "li-2", "type": "lineItem"}, ref, reference=True)
    assert not holds({"sourcedId": "li-1", "note": "added"}, ref, reference=True)  # (not what a server adds)
    # (a reference's href is the server's: the local one answers its own URL, whatever a record read elsewhere held)
    elsewhere = {"sourcedId": "o-1", "href": "http://127.0.0.1:1/ims/oneroster/rostering/v1p2/orgs/o-1"}
    assert holds(
        {**elsewhere, "href": "http://127.0.0.1:2/ims/oneroster/rostering/v1p2/orgs/o-1"}, elsewhere, reference=True
    )
    assert not holds({**elsewhere, "href": "http://127.0.0.1:2/x"}, elsewhere)  # (an object that is no reference)
    assert holds({"sourcedId": "o-1", "type": "org"}, {"sourcedId": "o-1", "type": "school"}, reference=True)
    refs = frozenset({"children"})
    assert holds({"children": [{"sourcedId": "c", "name": "C"}]}, {"children": [{"sourcedId": "c"}]}, refs, refs=refs)
    for metadata in ({"r": {"sourcedId": "c", "type": "t"}}, {"r": None}, {}):  # (free JSON: exactly as sent)
        assert not holds({"metadata": metadata}, {"metadata": {"r": {"sourcedId": "c"}}}, refs, refs=refs | {"r"})
    assert holds({"metadata": {"n": 1, "r": [1.0]}}, {"metadata": {"n": 1.0, "r": [1]}}, refs)  # (the same numbers)
    assert not holds("2024-09-08T10:00:00.1234567Z", "2024-09-08T10:00:00.1234568Z", date=True)  # (kept as sent)
    assert holds("2024-09-08T12:00:00.12345670+02:00", "2024-09-08T10:00:00.1234567Z", date=True)
    assert not holds({"a": 1, "b": 2}, {"a": 1})  # (metadata: a PUT would drop "b")
    for written in ("2024-09-08T10:00:00.000Z", "2024-09-08T12:00:00+02:00", "2024-09-08T10:00:00.000000+00:00"):
        assert holds(written, "2024-09-08T10:00:00Z", date=True), written
        assert not holds(written, "2024-09-08T10:00:00Z"), written  # (text: the same instant is not the same text)
    assert holds("2024-09-08T00:00:00Z", "2024-09-08", date=True)  # (a date sent, kept as its midnight)
    assert not holds("2024-09-08", "2024-09-08T00:00:00Z", date=True)  # (a date kept as sent: a PUT writes the time)
    assert not holds("2024-09-08", "2024-09-07T20:00:00-04:00", date=True)
    assert not holds("2024-09-08T10:00:01Z", "2024-09-08T10:00:00Z", date=True)
    assert not holds("2024-09-08", "2024-09-09", date=True) and not holds("2024-abc", "2024-abd", date=True)
    assert not holds("10", 10)
    dates = frozenset({"beginDate"})
    assert holds(
        {"roles": [{"beginDate": "2024-09-08T00:00:00.000Z"}]}, {"roles": [{"beginDate": "2024-09-08"}]}, dates
    )
    assert not holds({"metadata": {"beginDate": "2024-09-08T00:00:00Z"}}, {"metadata": {"beginDate": "2024-09-08"}},
                     dates)  # (metadata is the caller's own JSON: no date there)  # fmt: skip
    assert not holds({"a": [1, 0]}, {"a": [True, False]}) and not holds(1.0, True) and holds(True, True)
    held = [{"source": "s", "learningObjectiveResults": [{"learningObjectiveId": "o", "score": 1.0}]}]
    assert holds(held, [{"source": "s", "learningObjectiveResults": [{"learningObjectiveId": "o", "score": 1}]}])
    assert not holds(held, [])


def test_a_date_time_held_with_fewer_digits_of_a_second_is_the_instant_sent_cut_to_them() -> None:
    """A server keeping milliseconds (JavaScript), microseconds (PostgreSQL) or seconds holds the instant sent cut
    to those: truncated or rounded half up, maybe into the next second, minute, day. Any other difference is one."""
    from timeback._read_back import _same_instant

    sent = "2024-09-08T10:00:00.123456Z"
    for held in ("10:00:00.123Z", "10:00:00.12Z", "10:00:00Z", "12:00:00.123+02:00", "10:00:00.123456Z"):
        assert _same_instant(f"2024-09-08T{held}", sent), held
    for held in ("10:00:00.124Z", "10:00:00.122Z", "10:00:00.13Z", "10:00:01Z", "10:00:00.123457Z",
                 "10:00:00.1234561Z", "10:00:00.123+01:00"):  # fmt: skip
        assert not _same_instant(f"2024-09-08T{held}", sent), held  # (1 ms, 1 us, past the microsecond, an hour)
    assert _same_instant("2024-09-08T10:00:00.124Z", "2024-09-08T10:00:00.1235Z")  # (half up)
    assert _same_instant("2024-09-08T10:00:00.123Z", "2024-09-08T10:00:00.1235Z")  # (truncated)
    assert not _same_instant("2024-09-08T10:00:00.124Z", "2024-09-08T10:00:00.1234999Z")
    assert not _same_instant("2024-09-08T10:00:00.124Z", "2024-09-08T10:00:00.123Z")  # (as many digits: exact)
    nanoseconds = "2024-09-08T10:00:00.123456789Z"
    assert _same_instant("2024-09-08T10:00:00.123457Z", nanoseconds)  # (PostgreSQL rounds)
    assert _same_instant("2024-09-08T10:00:00.123456Z", nanoseconds)
    assert not _same_instant("2024-09-08T10:00:00.123458Z", nanoseconds)
    # a date held alone (a server keeping dates as sent) is only that date: not the instant at another offset
    assert _same_instant("2024-09-08T00:00:00Z", "2024-09-07T20:00:00-04:00")
    assert not _same_instant("2024-09-08", "2024-09-07T20:00:00-04:00")
    for sent, rounded in (
        ("2024-09-08T10:00:59.999999Z", "2024-09-08T10:01:00"),  # (into the next minute)
        ("2024-09-08T10:59:59.9996Z", "2024-09-08T11:00:00"),
        ("2024-12-31T23:59:59.999999Z", "2025-01-01T00:00:00"),  # (day, year)
        ("2024-02-28T23:59:59.9995Z", "2024-02-29T00:00:00"),
    ):
        truncated = sent[:19]
        for held in (f"{rounded}.000Z", f"{rounded}Z", f"{truncated}.999Z", f"{truncated}Z"):
            assert _same_instant(held, sent), (held, sent)
        for held in (f"{rounded}.001Z", f"{rounded[:17]}01Z", f"{truncated}.998Z"):
            assert not _same_instant(held, sent), (held, sent)
    assert _same_instant("2025-01-01T05:30:00.000+05:30", "2024-12-31T23:59:59.999999Z")
    assert _same_instant("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999999Z")  # (rounded: past year 9999)
    assert not _same_instant("2024-09-08", "2024-09-08T00:00:00.4Z")  # (a date held alone is only that date)
    assert not _same_instant("2024-09-08T10:00:00.1Z", "2024-09-08T25:00:00.1234Z")  # (no date-time)


def test_a_flag_reads_as_sent_in_either_spelling_and_only_where_it_is_a_flag() -> None:
    from timeback._read_back import reads_back_as_sent

    assert reads_back_as_sent({"enabledUser": "true"}, {"enabledUser": True})  # (Timeback answers the string)
    assert reads_back_as_sent({"enabledUser": True}, {"enabledUser": "true"})  # (a server keeping the boolean)
    assert not reads_back_as_sent({"enabledUser": "false"}, {"enabledUser": True})
    assert not reads_back_as_sent({"metadata": {"enabledUser": "true"}}, {"metadata": {"enabledUser": True}})
    assert not reads_back_as_sent({"metadata": {"flag": "true"}}, {"metadata": {"flag": True}})


def test_a_reference_without_an_id_derives_nothing_to_read() -> None:
    """(An empty class id was read by path: pydantic's ValidationError escaped the SDK call.)"""
    from timeback._read_back import derives_from
    from timeback.resources.rostering import RosteringOperations

    op = RosteringOperations.create_enrollment.operation
    held = {"sourcedId": "e", "class": {"sourcedId": ""}, "school": {"sourcedId": "s"}}
    assert derives_from(op, held, {"sourcedId": "e", "class": {"sourcedId": ""}}) is None
    assert derives_from(op, held, {"sourcedId": "e", "class": {"sourcedId": "k"}}) == "k"


@pytest.mark.usefixtures("collector_off")
def test_ctrl_c_during_a_replace_stops_its_puts_instead_of_waiting_for_them(
    server: Any, client: Timeback, roster: Roster
) -> None:
    """A stopped upload waits for its batches in flight, but a batch being replaced sends no more PUTs: the results
    left count as not sent. Against a server taking 0.5 s a request, the 30 PUTs of one batch would take 15 s."""
    import os
    import signal

    (line_item,) = add_line_items(client, roster, 1)
    first = [result_body(line_item, roster.students[i % 3], uid(f"stop-{i}"), score=i) for i in range(30)]
    assert client.oneroster.gradebook.bulk_post_results(first).stored == 30
    changed = [{**row, "score": row["score"] + 0.5} for row in first]
    with _slow_beside(server, slow_ms=500) as api:
        timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))  # (a real SIGINT: it wakes the wait)
        began = time.perf_counter()
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt) as interrupted:
                api.oneroster.gradebook.bulk_post_results(changed, if_exists="replace")
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - began
    found = re.search(r"(\d+) results taken, (\d+) stored, (\d+) failed", "".join(interrupted.value.__notes__))
    assert found is not None, interrupted.value.__notes__
    taken, stored, failed = map(int, found.groups())
    assert (taken, stored + failed) == (30, 30) and stored < 20, (taken, stored, failed)
    assert elapsed < 8  # (the flow's PUTs alone would have taken 15 s; a loaded machine takes seconds more, not 7)


def test_replace_leaves_alone_a_result_sent_with_a_null_the_stored_one_never_had(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A field sent as null that the stored record does not hold at all (first uploaded without it) is no change: a
    PUT would leave the record as it reads. The comparison of the items sent with the items held took the absent
    field for a difference, so a re-sync whose source gives its empty columns as nulls rewrote every result."""
    roster, line_items = world
    tag = uid("nulls")
    first = [result_body(line_items[0], s, f"{tag}-{i}", score=i) for i, s in enumerate(roster.students[:3])]
    gradebook = client.oneroster.gradebook
    assert gradebook.bulk_post_results(first).stored == 3
    stamps = {r["sourcedId"]: gradebook.get_result(sourced_id=r["sourcedId"]).result.dateLastModified for r in first}
    second = [{**row, "comment": None, "textScore": None} for row in first]
    summary = gradebook.bulk_post_results(second, if_exists="replace")
    assert summary.ok, summary.failures
    assert (summary.stored, summary.unchanged, summary.replaced) == (3, 3, 0)
    after = {r["sourcedId"]: gradebook.get_result(sourced_id=r["sourcedId"]).result.dateLastModified for r in first}
    assert after == stamps  # (nothing written)


def _closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_upload_to_a_server_that_cannot_be_reached_stops(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that is down (here: nothing listening) failed every batch after its retries, and the upload went
    on through the whole input: a million results took about 23 minutes to say so. Now the upload stops once no
    answer has come for ``UNREACHABLE_SECONDS`` (30 s; 1 s here, with no waits between retries), raising the last
    batch's connection error with notes saying why and what was done; the rest of the input is not read."""
    import timeback._base_client as engine
    import timeback._bulk as bulk

    monkeypatch.setattr(bulk, "UNREACHABLE_SECONDS", 1.0)
    monkeypatch.setattr(engine, "_pause", lambda seconds, stop, closing: False)

    async def no_wait(seconds: float, stop: Any, closing: Any) -> bool:
        return False

    monkeypatch.setattr(engine, "_pause_async", no_wait)
    taken = itertools.count()
    rows = (result_body("li", "stu", f"dead-{next(taken)}") for _ in range(2_000_000))
    options: dict[str, Any] = {"base_url": f"http://127.0.0.1:{_closed_port()}", "client_id": "c", "client_secret": "s"}
    with pytest.raises(APIConnectionError) as err:
        if kind == "sync":
            with Timeback(**options) as api:
                api.oneroster.gradebook.bulk_post_results(rows, batch_size=100, concurrency=2)
        else:
            async with AsyncTimeback(**options) as aapi:
                await aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=100, concurrency=2)
    notes = " ".join(err.value.__notes__)
    assert re.search(r"no answer from the server for \d+ s \(\d+ batches in a row could not reach it\)", notes), notes
    taken_count, stored, failed = counts_in(notes)
    assert stored == 0 and failed == taken_count and 0 < taken_count < 2_000_000 - 100_000, notes


class UnreachableForPosts(httpx.BaseTransport):
    """Forwards every request to the server, except the first ``count`` batch POSTs: each fails to connect after
    0.2 s (the batches in flight while a network is down for a moment; nothing reached the server)."""

    def __init__(self, count: int) -> None:
        self.left, self.lock = count, threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not request.url.path.endswith("/token"):
            with self.lock:
                fail, self.left = self.left > 0, self.left - 1
            if fail:
                time.sleep(0.2)
                raise httpx.ConnectError("connection refused", request=request)
        with httpx.HTTPTransport() as inner:
            response = inner.handle_request(request)
            response.read()
        return response


@pytest.mark.parametrize("unreachable", [1, 2])
def test_the_batches_in_flight_failing_together_do_not_stop_the_upload(
    unreachable: int, server: Any, world: tuple[Roster, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``UNREACHABLE_SECONDS`` (0.1 s here) with no answer, the upload stops only when more batches in a row
    than are sent at once (``concurrency``, 1 here, so that the order they fail in is the order they are sent)
    failed to reach the server: an outage that fails the batches in flight together, and no more, leaves the rest
    of the upload going."""
    import timeback._bulk as bulk

    monkeypatch.setattr(bulk, "UNREACHABLE_SECONDS", 0.1)
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 100, uid(f"blip-{unreachable}")))
    transport = UnreachableForPosts(unreachable)
    with (
        httpx.Client(transport=transport) as http,
        Timeback(**server.client_kwargs(), http_client=http, max_retries=0) as api,
    ):
        if unreachable == 1:
            summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1)
            assert (summary.stored, summary.failed) == (90, 10), summary.failures
            return
        with pytest.raises(APIConnectionError, match="connection failed") as err:
            api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1)
    assert "2 batches in a row could not reach it" in " ".join(err.value.__notes__)
    taken, stored, failed = counts_in(" ".join(err.value.__notes__))
    assert stored == 0 and failed == taken, err.value.__notes__


class FailingPosts(httpx.BaseTransport):
    """Forwards every request to the server, except that the batch POSTs numbered (from 0, in the order sent) in
    ``failing`` fail to connect after 0.2 s, and those in ``slow`` are answered after the seconds it gives."""

    def __init__(self, failing: set[int], slow: dict[int, float]) -> None:
        self.failing, self.slow, self.posts, self.lock = failing, slow, itertools.count(), threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        number = -1
        if request.method == "POST" and not request.url.path.endswith("/token"):
            with self.lock:
                number = next(self.posts)
            if number in self.failing:
                time.sleep(0.2)
                raise httpx.ConnectError("connection refused", request=request)
        with httpx.HTTPTransport() as inner:
            response = inner.handle_request(request)
            response.read()
        time.sleep(self.slow.get(number, 0))
        return response


@pytest.mark.parametrize(
    ("failing", "slow", "unreachable_seconds"),
    [({0, 1, 2}, {}, 30.0), ({0, 2, 4, 6}, {}, 0.1), ({1, 2}, {0: 2.5}, 2.0)],
    ids=["in-a-row-but-not-for-long", "for-long-but-answered-between", "in-a-row-just-after-a-slow-answer"],
)
def test_an_upload_stops_only_on_batches_failing_in_a_row_for_long(
    failing: set[int],
    slow: dict[int, float],
    unreachable_seconds: float,
    server: Any,
    world: tuple[Roster, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both must hold: more batches in a row than ``concurrency`` failing to connect, and no answer for
    ``UNREACHABLE_SECONDS`` (counted from the last answer, not from the upload's start). Three failing in a row
    within a second go on; failures past the time but each followed by a batch the server answered go on (an answer
    starts the count again); two in a row just after an answer that took longer than the time go on too."""
    import timeback._bulk as bulk

    monkeypatch.setattr(bulk, "UNREACHABLE_SECONDS", unreachable_seconds)
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 100, uid(f"blips-{len(failing)}")))
    with (
        httpx.Client(transport=FailingPosts(failing, slow)) as http,
        Timeback(**server.client_kwargs(), http_client=http, max_retries=0) as api,
    ):
        summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=1)
    assert (summary.stored, summary.failed) == (100 - 10 * len(failing), 10 * len(failing)), summary.failures


class CutsEveryBatchPost(Forwarding):
    """Forwards each request to the real server, except the batch POSTs: each is cut after ``pause`` s, before the
    server has all of it (a proxy closing the connection mid-request: the client cannot tell whether it was
    handled, so its answer is lost and its records are read back)."""

    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/results"):
            return self.inner.handle_request(request)
        time.sleep(self.pause)
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


@pytest.mark.parametrize("if_exists", ["fail", "replace"])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_batches_whose_answers_are_lost_do_not_stop_the_upload_while_the_server_answers(
    kind: str, if_exists: str, server: Any, world: tuple[Roster, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every batch POST cut after it went out (by a proxy), the reads confirming each batch answered 200: the upload
    stopped with "no answer from the server for 30 s" though the server answered all along (the clock started
    again only at a batch's success or error status, never at its reads' answers). Any answer the client gets now
    starts it again: every batch fails, maybe stored, and the whole input goes (``UNREACHABLE_SECONDS``: 0.5 s here,
    each POST cut after 0.3 s)."""
    import timeback._bulk as bulk

    monkeypatch.setattr(bulk, "UNREACHABLE_SECONDS", 0.5)
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 40, uid(f"cut-posts-{kind}-{if_exists}")))
    options = {"batch_size": 10, "concurrency": 1, "max_retries": 0, "if_exists": if_exists}
    summary = await bulk_through(kind, server, CutsEveryBatchPost(0.3), rows, **options)
    assert (summary.taken, summary.stored, summary.failed) == (40, 0, 40), summary
    assert all(f.maybe_stored and "not found when read back" in f.reason for f in summary.failures), summary


def test_a_summary_prints_short_however_many_results_failed(client: Timeback, world: tuple[Roster, list[str]]) -> None:
    """Each failure's repr listed every sourcedId of its batch: ``print(summary)`` of an upload whose batches met
    409 ran to 300 KB. A summary shows its counts, its first failures and how many more; a failure its first
    sourcedIds and how many more (the lists themselves are whole)."""
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 500, uid("short-repr")))
    assert client.oneroster.gradebook.bulk_post_results(rows, batch_size=100).stored == 500
    summary = client.oneroster.gradebook.bulk_post_results(rows, batch_size=100)  # (each batch: 409)
    assert (summary.failed, len(summary.failures)) == (500, 5)
    assert all(len(f.sourced_ids) == 100 for f in summary.failures)
    shown = repr(summary)
    assert len(shown) < 4000, shown  # (each reason names up to 10 ids and the request: about 600 characters)
    assert shown.startswith("BulkSummary(taken=500, sent=500, stored=0,") and "failed=500" in shown, shown
    assert shown.count("... 97 more)") == 6 and shown.endswith("... 2 more])"), shown  # (ids and positions)
    assert "positions=(0, 1, 2, ... 97 more))" in shown, shown
    first = summary.failures[0]
    assert repr(first).startswith(f"BulkFailure(sourced_ids=({first.sourced_ids[0]!r}, {first.sourced_ids[1]!r}, ")


async def test_replace_refuses_results_without_a_sourced_id_of_their_own(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A result without a sourcedId gets a fresh one, so it cannot exist already: a nightly sync sending it with
    ``if_exists="replace"`` created it again every night under a new id. Each such result fails alone, saying
    why; the ones with their own ids are stored, and a second run stores nothing twice."""
    roster, line_items = world
    (line_item,) = line_items[:1]
    tag = uid("replace-no-id")
    with_ids = [result_body(line_item, roster.students[i], f"{tag}-{i}", score=i) for i in range(3)]
    without = [
        result_body(line_item, roster.students[3], comment=tag),
        TimebackCreateResultBody.model_validate(result_body(line_item, roster.students[5], comment=tag)),
    ]
    for _ in range(2):
        summary = await upload(either, [*with_ids, *without], if_exists="replace")
        assert (summary.taken, summary.stored, summary.failed) == (5, 3, 2), summary
        assert [f.sourced_ids for f in summary.failures] == [(None,)] * 2
        assert all("required with if_exists='replace'" in f.reason for f in summary.failures), summary.failures
    assert sorted(stored_scores(client, roster, tag)) == [f"{tag}-{i}" for i in range(3)]
    made = client.oneroster.gradebook.get_results_for_class(class_sourced_id=roster.class_, filter=f"comment='{tag}'")
    assert list(made) == []


def test_an_invalid_result_is_reported_with_every_field_at_fault(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Only the first error was reported ("student: Field required" for a row missing three fields): fixed one at
    a time, such a row failed three syncs in a row. Every field at fault is named, up to five and how many more."""
    _, line_items = world
    missing_three = {"sourcedId": uid("three"), "lineItem": {"sourcedId": line_items[0]}, "score": 5}
    bad_everywhere = {"sourcedId": uid("many"), **{f: 1 for f in ("lineItem", "student", "scoreStatus", "scoreDate")},
                      "score": "x", "comment": 2}  # fmt: skip
    summary = client.oneroster.gradebook.bulk_post_results([missing_three, bad_everywhere])
    three, many = summary.failures
    assert three.reason == (
        "invalid result: student: Field required; scoreStatus: Field required; scoreDate: Field required"
    ), three.reason
    assert many.reason.count("; ") == 5 and many.reason.endswith("; and 1 more"), many.reason


async def test_records_read_back_are_sent_without_their_stamp(
    either: Timeback | AsyncTimeback, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Results read (as ``get_all_results()`` yields them), changed and given back, are sent as ``put_result`` sends
    a record read: without the ``dateLastModified`` stamp of when they were read (the server sets it on every write).
    Before, the bulk helper sent it in its POSTs and in the PUTs of ``if_exists="replace"``."""
    import json

    roster, line_items = world
    tag = uid("read-back")
    first = [result_body(line_items[0], s, f"{tag}-{i}", score=i) for i, s in enumerate(roster.students[:3])]
    assert client.oneroster.gradebook.bulk_post_results(first).stored == 3
    read = list(client.oneroster.gradebook.get_results_for_class(
        class_sourced_id=roster.class_, filter=f"sourcedId~'{tag}-'"))  # fmt: skip
    assert len(read) == 3 and all(r.dateLastModified for r in read)
    read[0].score = 50
    copies = [r.model_copy(update={"sourcedId": f"{r.sourcedId}-copy"}) for r in read]  # (new: PUT, after the 409)
    sent: list[Any] = []

    def keep(request: httpx.Request) -> None:
        if request.method in ("POST", "PUT") and "/ims/oneroster/" in request.url.path:
            sent.append(json.loads(request.read()))

    async def keep_async(request: httpx.Request) -> None:
        keep(request)

    if isinstance(either, Timeback):
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(event_hooks={"request": [keep]})) as api:
            summary = api.oneroster.gradebook.bulk_post_results([*read, *copies], if_exists="replace")
    else:
        hooks = {"request": [keep_async]}
        async with AsyncTimeback(**server.client_kwargs(), http_client=httpx.AsyncClient(event_hooks=hooks)) as aapi:
            summary = await aapi.oneroster.gradebook.bulk_post_results([*read, *copies], if_exists="replace")
    assert summary.ok and (summary.stored, summary.unchanged, summary.replaced) == (6, 2, 4), summary
    bodies = [body for request in sent for body in request.get("results", [request.get("result")])]
    assert len(bodies) == 6 + 4  # (the batch, then the PUTs)
    assert [b for b in bodies if "dateLastModified" in b] == []
    assert stored_scores(client, roster, tag) == {**{r["sourcedId"]: r["score"] for r in first}, read[0].sourcedId: 50,
                                                 **{c.sourcedId: c.score for c in copies}}  # fmt: skip


def test_a_stop_while_replacing_counts_the_results_found_unchanged_as_stored(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """When a batch's PUT is refused (403: the upload stops), the results of the batch already stored as sent are
    stored: they count unchanged, and only the ones that needed a PUT count as not sent. Before, every result after
    the refused one counted as not sent, the unchanged one too (4 taken, 0 stored, 4 failed). No PUT is sent after
    the refused one: the other would be refused alike."""
    from timeback import PermissionDeniedError

    roster, line_items = world
    tag = uid("stop-unchanged")
    first = [result_body(line_items[0], s, f"{tag}-{i}", score=i) for i, s in enumerate(roster.students[:4])]
    assert client.oneroster.gradebook.bulk_post_results(first).stored == 4
    second = [{**first[0], "score": 9.5}, first[1], {**first[2], "score": 9.5}, first[3]]
    poster, secret = uid("poster"), uid("secret")
    server.app.state.clients.add(poster, secret, "gradebook.createpost gradebook.readonly")
    puts: list[str] = []
    hooks = {"request": [lambda request: puts.append(request.url.path) if request.method == "PUT" else None]}
    with (
        httpx.Client(event_hooks=hooks) as http,
        Timeback(base_url=server.url, client_id=poster, client_secret=secret, max_retries=0, http_client=http) as api,
    ):
        with pytest.raises(PermissionDeniedError) as refused:
            api.oneroster.gradebook.bulk_post_results(second, if_exists="replace")
    assert counts_in("".join(refused.value.__notes__)) == (4, 2, 2)
    assert [path.rsplit("/", 1)[1] for path in puts] == [f"{tag}-0"]
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in first}  # (nothing written)


async def test_an_async_upload_from_a_plain_iterable_sends_each_batch_as_it_is_made(
    server: Any, world: tuple[Roster, list[str]]
) -> None:
    """Given a plain iterable, the async upload ran the batches' tasks only when it had to wait for a free slot:
    with ``concurrency`` 4 the first batch was sent once four were made (a slow source, a database cursor say, held
    it back that long), and a batch made while slots were free waited for the next full one. Each is now on its way
    before the next result is taken."""
    roster, line_items = world
    tag = uid("astart")
    sent: list[int] = []  # (how many batch POSTs had gone out when each batch's first result was taken)
    posted = 0

    async def count(request: httpx.Request) -> None:
        nonlocal posted
        if request.method == "POST" and "/results" in request.url.path:
            posted += 1

    def source() -> Iterator[dict[str, Any]]:
        for i, record in enumerate(interleaved(roster, line_items[:1], 8, tag)):
            if i % 2 == 0:
                sent.append(posted)
            yield record

    hooks = {"request": [count]}
    async with AsyncTimeback(**server.client_kwargs(), http_client=httpx.AsyncClient(event_hooks=hooks)) as api:
        await api.oneroster.gradebook.get_all_results(limit=1)  # (the token, before the upload)
        summary = await api.oneroster.gradebook.bulk_post_results(source(), batch_size=2, concurrency=4)
    assert summary.ok and summary.stored == 8, summary
    assert sent == [0, 1, 2, 3]


@pytest.mark.parametrize("source", ["iterable", "async iterable"])
@pytest.mark.parametrize("if_exists", ["fail", "replace"])
async def test_an_async_upload_of_results_that_make_no_batch_lets_other_tasks_run(
    server: Any, world: tuple[Roster, list[str]], source: str, if_exists: str
) -> None:
    """The async upload let the event loop run only when it sent a batch: an input of invalid results (or, with
    ``if_exists="replace"``, of results without an id) was read to its end with every other task held up, a
    timeout and Ctrl-C under ``asyncio.run`` with them (100,000 took 3 s, past an ``asyncio.timeout(0.2)``, and
    returned). It lets the loop run every few hundred results taken, batch or none."""
    import asyncio

    from timeback._pagination import LOOP_TURN_EVERY

    roster, line_items = world
    student = roster.students[0]
    row = result_body(line_items[0], student) if if_exists == "replace" else {"sourcedId": uid("bad"), "score": "x"}
    count = 10 * LOOP_TURN_EVERY
    turns = 0

    async def ticker() -> None:
        nonlocal turns
        while True:
            await asyncio.sleep(0)
            turns += 1

    async def rows() -> AsyncIterator[dict[str, Any]]:
        for _ in range(count):
            yield row

    async with AsyncTimeback(**server.client_kwargs()) as api:
        ticking = asyncio.create_task(ticker())
        given = rows() if source == "async iterable" else [row] * count
        summary = await api.oneroster.gradebook.bulk_post_results(given, batch_size=10, if_exists=if_exists)
        ticking.cancel()
    assert (summary.taken, summary.failed, summary.batches) == (count, count, 0), summary
    assert turns >= 5, turns  # (one a turn of the loop: 0 before)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_closing_the_client_stops_the_upload_with_the_typed_error(
    server: Any, world: tuple[Roster, list[str]], kind: str
) -> None:
    """The client closed while two batches are in flight (a server answering 0.6 s late): they fail, not retried,
    and every later batch would fail alike, so the upload stops with their APIConnectionError and its note, as for
    a refusal. Before: the retry's RuntimeError stopped it; then, typed, every later batch failed in turn."""
    import asyncio

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    rows = list(interleaved(roster, line_items[:2], 20, uid("closing")))  # (ten batches of 2)
    slow = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=600")
    with LocalServer(slow, storage=server.app.state.storage) as faulty:
        if kind == "sync":
            api = Timeback(**faulty.client_kwargs())
            api.oneroster.gradebook.get_all_results(limit=1)  # (the token, slow too)
            ended: list[BaseException] = []

            def upload() -> None:
                try:
                    api.oneroster.gradebook.bulk_post_results(rows, batch_size=2, concurrency=2)
                except BaseException as exc:
                    ended.append(exc)

            thread = threading.Thread(target=upload)
            thread.start()
            time.sleep(0.2)
            api.close()
            thread.join()
            assert ended, "the upload returned a summary"
            stopped = ended[0]
        else:
            aapi = AsyncTimeback(**faulty.client_kwargs())
            await aapi.oneroster.gradebook.get_all_results(limit=1)
            task = asyncio.ensure_future(aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=2, concurrency=2))
            await asyncio.sleep(0.2)
            await aapi.close()
            with pytest.raises(BaseException) as raised:
                await task
            stopped = raised.value
    assert type(stopped) is APIConnectionError, repr(stopped)
    assert "; not retried: the client was closed" in str(stopped)
    taken, stored, failed = counts_in(stopped.__notes__[-1])
    assert taken == stored + failed and taken < 20 and stored == 0, stopped.__notes__


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_closing_the_client_cuts_short_the_batches_waiting_to_retry(
    server: Any, world: tuple[Roster, list[str]], kind: str
) -> None:
    """Every write answered 429 with ``Retry-After: 30``; the client closed while both batches wait to retry: they
    give up at once, not retried, and the upload stops with their error. Before, it went on for the 30 s."""
    import asyncio

    from tests.conftest import CLIENT_ID, CLIENT_SECRET
    from timeback import RateLimitError
    from timeback.server.config import ServerSettings
    from timeback.server.runner import LocalServer

    roster, line_items = world
    rows = list(interleaved(roster, line_items[:2], 20, uid("closewait")))  # (two batches of 10)
    waiting = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="429=1,retry_after=30")
    with LocalServer(waiting, storage=server.app.state.storage) as faulty:
        counts = faulty.app.state.faults.counts
        # (the token from the server without faults: every request to the other is answered 429)
        kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
        ended: list[BaseException] = []
        if kind == "sync":
            api = Timeback(**kwargs)

            def upload() -> None:
                try:
                    api.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=2)
                except BaseException as exc:
                    ended.append(exc)

            thread = threading.Thread(target=upload, daemon=True)
            thread.start()
            while counts["429"] < 2:
                time.sleep(0.01)
            time.sleep(0.1)  # (both waiting to retry)
            api.close()
            thread.join(10)  # (a liveness bound: the waits were 30 s)
            assert not thread.is_alive(), "the upload went on after the close"
        else:
            aapi = AsyncTimeback(**kwargs)
            task = asyncio.ensure_future(aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=10, concurrency=2))
            while counts["429"] < 2:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            await aapi.close()
            done, _ = await asyncio.wait((task,), timeout=10)
            if not done:
                task.cancel()
            assert done, "the upload went on after the close"
            ended.extend(filter(None, [task.exception()]))
        assert counts["429"] == 2, counts  # (none retried)
    assert ended, "the upload returned a summary"
    stopped = ended[0]
    assert type(stopped) is RateLimitError, repr(stopped)
    assert "; not retried: the client was closed" in str(stopped)
    assert counts_in(stopped.__notes__[-1]) == (20, 0, 20), stopped.__notes__


class LosesTheFirstBatchAnswer(Forwarding):
    """Forwards each request to the real server, except the batch POSTs: the first one's answer is thrown away
    after the server handled it (``handled``; else the POST is cut before it reaches the server), and its retry is
    answered ``retry_status`` (with ``retry_body``) without reaching it (None: forwarded). ``read_status``: the reads
    of results are answered so, without reaching it (None: forwarded)."""

    def __init__(
        self,
        *,
        handled: bool,
        retry_status: int | None,
        retry_body: dict[str, Any] | None = None,
        read_status: int | None = None,
    ) -> None:
        super().__init__()
        self.handled, self.retry_status, self.read_status = handled, retry_status, read_status
        self.retry_body = retry_body or {"imsx_codeMajor": "failure"}
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "/results" in request.url.path and self.read_status is not None:
            return httpx.Response(self.read_status, json={"imsx_codeMajor": "failure"})
        if request.method != "POST" or not request.url.path.endswith("/results"):
            return self.inner.handle_request(request)
        self.posts += 1
        if self.posts > 1:
            if self.retry_status is not None and self.posts == 2:
                return httpx.Response(self.retry_status, json=self.retry_body)
            return self.inner.handle_request(request)
        if self.handled:
            self.inner.handle_request(request).close()
        raise httpx.ReadError("connection dropped before the answer", request=request)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(("max_retries", "retry_status"), [(0, None), (1, 503)])
async def test_a_batch_whose_retries_end_after_its_answer_was_lost_is_confirmed_stored(
    kind: str,
    max_retries: int,
    retry_status: int | None,
    server: Any,
    client: Timeback,
    world: tuple[Roster, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server stored the batch, its answer was lost, and no retry was left (or the retry was answered 503):
    the batch counted as failed ("connection failed: ReadError", or the 503), though the server held every result
    as sent; resent, it met 409. Its records are now read back, as after a retry's 409: held as sent, it is stored.
    (Seen with ``--faults all=0.3`` and the default two retries: summary.stored 1,950, the server holding 2,000.)"""
    monkeypatch.setattr("timeback._base_client.INITIAL_RETRY_DELAY", 0.001)
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 3, uid("lost-last")))
    options = {"max_retries": max_retries, "concurrency": 1}
    if kind == "sync":
        transport = LosesTheFirstBatchAnswer(handled=True, retry_status=retry_status)
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
            summary = api.oneroster.gradebook.bulk_post_results(rows, **options)
    else:
        atransport = AsyncFromSync(LosesTheFirstBatchAnswer(handled=True, retry_status=retry_status))
        async with AsyncTimeback(**server.client_kwargs(), http_client=httpx.AsyncClient(transport=atransport)) as aapi:
            summary = await aapi.oneroster.gradebook.bulk_post_results(rows, **options)
    assert summary.ok and summary.stored == 3 and summary.retries_taken == max_retries, summary
    tag = rows[0]["sourcedId"].rsplit("-", 1)[0]
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows}


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("status", [413, 422])
async def test_a_batch_refused_after_its_answer_was_lost_fails_whole_maybe_stored_not_in_parts(
    kind: str, status: int, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """The server stored the batch, its answer was lost, its retry was refused 413 (or 422 naming a result), and
    reading it back failed: the batch was sent again in parts (halves; the rest without the result named), each
    met 409 (or the one named failed 422), none of them maybe stored, though this upload had stored all of them.
    It now fails whole, maybe stored, as any batch ended after an attempt got no answer."""
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 4, uid(f"lost-{status}")))
    details = [{"field": "results[1].score", "message": "bad"}]
    body = {"imsx_codeMajor": "failure", "imsx_description": "refused", "imsx_error_details": details}
    transport = LosesTheFirstBatchAnswer(handled=True, retry_status=status, retry_body=body, read_status=400)
    summary = await bulk_through(kind, server, transport, rows, max_retries=1)
    assert transport.posts == 2
    (failure,) = summary.failures
    assert failure.sourced_ids == tuple(r["sourcedId"] for r in rows), summary
    assert failure.status_code == status and failure.maybe_stored, failure
    assert "an attempt of this call got no answer" in failure.reason, failure.reason
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (4, 4, 0, 4)
    tag = rows[0]["sourcedId"].rsplit("-", 1)[0]
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows}  # (stored: maybe, so)


@pytest.mark.parametrize("if_exists", ["fail", "replace"])
def test_a_batch_cut_before_the_server_handled_it_still_fails_as_it_did(
    if_exists: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Read back after its answer was lost, a batch the server never handled is not found: it fails with the error
    that ended it, maybe stored (it may still be handled), and nothing is stored; replacing too (only a batch whose
    every record reads back is settled record by record)."""
    roster, line_items = world
    rows = list(interleaved(roster, line_items[:1], 3, uid(f"cut-{if_exists}")))
    transport = LosesTheFirstBatchAnswer(handled=False, retry_status=None)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
        summary = api.oneroster.gradebook.bulk_post_results(rows, max_retries=0, if_exists=if_exists)
    (failure,) = summary.failures
    assert (
        summary.stored == 0
        and failure.status_code is None
        and failure.maybe_stored
        and failure.sourced_ids == tuple(r["sourcedId"] for r in rows)
    )
    assert failure.reason.startswith("connection failed: ReadError"), failure.reason
    assert "not found when read back (it may still be handled)" in failure.reason, failure.reason
    assert stored_scores(client, roster, rows[0]["sourcedId"].rsplit("-", 1)[0]) == {}


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_replace_settles_a_batch_whose_answer_was_lost_record_by_record(
    kind: str, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``if_exists="replace"``, results stored already sent again with every third changed, the batch POST cut
    before the server had it (its answer lost, no retry left): its records read back were not those sent, and the
    batch failed whole, maybe stored, though the same batch answered 409 is settled record by record. Every one of
    its records read back, it is now settled the same way: the changed ones PUT, the others unchanged."""
    roster, line_items = world
    tag = uid(f"replace-lost-{kind}")
    rows = list(interleaved(roster, line_items[:1], 6, tag))
    assert client.oneroster.gradebook.bulk_post_results(rows).stored == 6
    changed = [{**r, "score": r["score"] + 50} if i % 3 == 0 else r for i, r in enumerate(rows)]
    transport = LosesTheFirstBatchAnswer(handled=False, retry_status=None)
    summary = await bulk_through(kind, server, transport, changed, if_exists="replace", max_retries=0)
    assert transport.posts == 1
    assert summary.ok and (summary.stored, summary.replaced, summary.unchanged) == (6, 2, 4), summary
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in changed}


async def test_a_result_model_made_invalid_after_it_was_built_fails_alone(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Result models do not validate assignment, and the upload sent a ``TimebackCreateResultBody`` as dumped,
    unchecked: a score set to "n/a" after the model was built sank its whole batch (422 for every result in it),
    and a line item set to None, or a model built with ``model_construct`` without one, stopped the upload with
    TypeError or KeyError, its note counting the result taken but neither stored nor failed (3 taken, 0 stored, 2
    failed). A model is now checked as a dict is: it fails alone, named, and the others are stored."""
    roster, line_items = world
    tag = uid("mutated")
    rows = [TimebackCreateResultBody.model_validate(r) for r in interleaved(roster, line_items[:1], 6, tag)]
    rows[1].score = "n/a"  # type: ignore[assignment]
    rows[3].lineItem = None  # type: ignore[assignment]
    unbuilt = TimebackCreateResultBody.model_construct(sourcedId=f"{tag}-unbuilt", student=rows[0].student)
    summary = await upload(either, [*rows, unbuilt], batch_size=2)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (7, 4, 4, 3), summary
    assert sorted(f.sourced_ids for f in summary.failures) == [(f"{tag}-1",), (f"{tag}-3",), (f"{tag}-unbuilt",)]
    assert all(f.reason.startswith("invalid result: ") and f.status_code is None for f in summary.failures)
    assert set(stored_scores(client, roster, tag)) == {f"{tag}-{i}" for i in (0, 2, 4, 5)}


class LosesEveryPutAnswer(Forwarding):
    """Forwards every request to the real server; each PUT's answer is thrown away once the server has written it."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method != "PUT":
            return response
        response.close()
        self.lost += 1
        raise httpx.RemoteProtocolError("the server hung up before its answer", request=request)


def test_replace_counts_a_put_whose_answer_was_lost_as_replaced_when_it_was_written(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A PUT written by the server whose answer was lost, with no retry left (or its retries failing too): the
    result counted as failed though the server held it as PUT (``--faults all=0.3``: 12 such of 1,000). It is
    now read back: held as PUT, it counts replaced."""
    roster, line_items = world
    tag = uid("put-lost")
    rows = list(interleaved(roster, line_items[:1], 4, tag))
    assert client.oneroster.gradebook.bulk_post_results(rows).stored == 4
    changed = [{**r, "score": r["score"] + 50} for r in rows]
    transport = LosesEveryPutAnswer()
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
        summary = api.oneroster.gradebook.bulk_post_results(changed, if_exists="replace", max_retries=0)
    assert transport.lost == 4
    assert summary.ok and (summary.stored, summary.replaced) == (4, 4), summary
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in changed}


def _refused_by_the_server(roster: Roster, line_items: list[str], tag: str) -> tuple[list[dict[str, Any]], set[str]]:
    """30 results over two line items, four of which pass the SDK's own check but not the server's: an enum value
    it does not declare, a date that does not exist, an unknown field, a date-time without its offset."""
    rows = list(interleaved(roster, line_items[:2], 30, tag))
    rows[3]["scoreStatus"] = "Fully Graded"
    rows[8]["scoreDate"] = "2024-02-30"
    rows[9]["scoer"] = 3
    rows[20]["scoreDate"] = "2024-01-15T10:00:00"
    return rows, {f"{tag}-{i}" for i in (3, 8, 9, 20)}


async def test_a_result_the_server_refuses_fails_alone_and_the_rest_of_its_batch_is_stored(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A 422 naming some results of a batch (``results[3].scoreStatus``): those fail, each with what the server
    said of it, and the batch is sent again without them. Before, one such result failed all of its batch."""
    roster, line_items = world
    tag = uid("split")
    rows, bad = _refused_by_the_server(roster, line_items, tag)
    summary = await upload(either, rows, batch_size=10)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (30, 30, 26, 4)
    assert {f.sourced_ids for f in summary.failures} == {(i,) for i in bad}
    reasons = {f.sourced_ids[0]: f.reason for f in summary.failures}
    assert reasons[f"{tag}-3"].startswith("422: scoreStatus: 'Fully Graded' is not one of")
    assert reasons[f"{tag}-8"].startswith("422: scoreDate: '2024-02-30'") and "scoreStatus" not in reasons[f"{tag}-8"]
    assert reasons[f"{tag}-9"].startswith("422: scoer: ")
    assert all(f.status_code == 422 and f.request_id and f.line_item in line_items[:2] for f in summary.failures)
    assert summary.batches > 3  # (the batches sent again count too)
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in rows} - bad
    # Sent again to replace: each batch is refused (422) for its bad results, then (409) for the stored ones
    again = await upload(either, rows, batch_size=10, if_exists="replace")
    assert (again.stored, again.unchanged, again.failed) == (26, 26, 4)
    assert {f.sourced_ids for f in again.failures} == {(i,) for i in bad}


async def test_a_batch_whose_422_names_every_result_fails_result_by_result(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A 422 naming every result of a batch (each an unknown reference): each fails alone with what the server said
    of it, and nothing is sent again. Before, the batch failed whole, each id with every result's fields (counted
    as ``results[i]`` of a batch the caller never saw)."""
    roster, line_items = world
    tag = uid("all-named")
    rows = list(interleaved(roster, line_items[:1], 3, tag))
    rows[0]["student"] = {"sourcedId": f"{tag}-ghost"}
    rows[1]["scoreScale"] = {"sourcedId": f"{tag}-no-scale"}
    rows[2]["class"] = {"sourcedId": f"{tag}-no-class"}
    progress: list[BulkProgress] = []
    summary = await upload(either, rows, batch_size=10, on_progress=progress.append)
    assert (summary.taken, summary.sent, summary.stored, summary.failed, summary.batches) == (3, 3, 0, 3, 1)
    assert sorted(f.sourced_ids for f in summary.failures) == [(f"{tag}-{i}",) for i in range(3)]
    reasons = {f.sourced_ids[0]: f.reason for f in summary.failures}
    for i, own in enumerate(["student.sourcedId", "scoreScale.sourcedId", "class.sourcedId"]):
        assert reasons[f"{tag}-{i}"].startswith(f"422: {own}: "), reasons
        assert "results[" not in reasons[f"{tag}-{i}"] and reasons[f"{tag}-{i}"].count("sourcedId:") == 1, reasons
        assert "sent again" not in reasons[f"{tag}-{i}"]
    assert all(f.status_code == 422 and f.request_id and f.line_item == line_items[0] for f in summary.failures)
    assert len({f.request_id for f in summary.failures}) == 1  # (one request: none sent again)
    assert [(p.stored, p.failed) for p in progress] == [(0, 3)]
    assert not stored_scores(client, roster, tag)


def _nested(levels: int) -> dict[str, Any]:
    """``levels`` objects, each in the one before (a result's metadata is the third level of a PUT's body)."""
    value: dict[str, Any] = {"x": 1}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("reported", ["summary", "on_failure"])
async def test_results_the_server_refuses_as_it_reads_the_body_fail_alone_and_the_rest_of_1000_is_stored(
    reported: str, either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Six results of a batch of 1,000 holding a string the server refuses before any validation (U+0000, over
    65,536 characters; in comment, textScore, metadata and a metadata key) and one whose metadata nests deeper than
    a record may: each fails alone, with what the server said of it and its own sourcedId, and the other 993 are
    stored, one nesting as deep as a PUT takes among them. Before, the server named one such string a 422, the
    three resends ran out at the fourth, and the rest failed with the fourth's reason, its place counted in the
    batch sent again ("results[297].comment" for the 300th); the deep one was a 400 for the whole body."""
    roster, line_items = world
    tag = uid(f"read-{reported}")
    rows = list(interleaved(roster, line_items[:1], 1000, tag))
    nul, long = "contains U+0000 (\\u0000), which the server does not store", "longer than 65536 characters"
    refused = {
        3: ({"comment": "a\x00b"}, f"comment: {nul}"),
        150: ({"textScore": "x" * 65_537}, f"textScore: {long} (65537)"),
        300: ({"comment": "\x00"}, f"comment: {nul}"),
        451: ({"metadata": {"note\x00": 1}}, f"metadata (a key): {nul}"),
        600: ({"metadata": {"notes": ["ok", "y" * 70_000]}}, f"metadata.notes[1]: {long} (70000)"),
        777: ({"textScore": "t\x00"}, f"textScore: {nul}"),
        999: ({"metadata": _nested(31)}, f"metadata{'.a' * 30}: nested deeper than 32 levels"),
    }
    for index, (changed, _) in refused.items():
        rows[index].update(changed)
    rows[500]["metadata"] = _nested(30)  # (as deep as a PUT takes: in a batch too)
    failures: list[BulkFailure] = []
    options = {"on_failure": failures.append} if reported == "on_failure" else {}
    summary = await upload(either, rows, batch_size=1000, **options)
    assert (summary.taken, summary.sent, summary.stored, summary.failed, summary.batches) == (1000, 1000, 993, 7, 2)
    failures = failures or summary.failures
    assert sorted(f.sourced_ids for f in failures) == sorted((f"{tag}-{i}",) for i in refused)
    reasons = {f.sourced_ids[0]: f.reason for f in failures}
    for index, (_, said) in refused.items():
        assert reasons[f"{tag}-{index}"].startswith(f"422: {said} (POST "), reasons[f"{tag}-{index}"]
        assert reasons[f"{tag}-{index}"].endswith("; the rest of its batch was sent again")
        assert "results[" not in reasons[f"{tag}-{index}"]
    assert len({f.request_id for f in failures}) == 1  # (all named by the first 422)
    assert all(f.status_code == 422 and f.line_item == line_items[0] for f in failures)
    assert set(stored_scores(client, roster, tag)) == {row["sourcedId"] for row in rows} - {
        f"{tag}-{i}" for i in refused
    }


class Rewritten422s(Forwarding):
    """The server's 422s, their details rewritten by ``details`` (as another server may name them); counted."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    def details(self, details: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if response.status_code != 422:
            return response
        self.refused += 1
        body = json.loads(response.read())
        details = body["imsx_error_details"] = self.details(body["imsx_error_details"])
        body["imsx_CodeMinor"]["imsx_codeMinorField"] = [
            {"imsx_codeMinorFieldName": d["field"], "imsx_codeMinorFieldValue": "invaliddata"} for d in details
        ]
        return httpx.Response(422, headers=response.headers, json=body)


class NamesEachIdOnce(Rewritten422s):
    """Naming each unknown reference only at the first result holding it (as a server may)."""

    def details(self, details: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[str] = set()
        kept = []
        for detail in details:
            if detail["message"] not in seen:  # ("unknown user 'x'": one per id)
                seen.add(detail["message"])
                kept.append(detail)
        return kept


@pytest.mark.parametrize("names", ["each", "once"])
async def test_results_naming_one_unknown_reference_fail_together_and_the_rest_is_stored(
    names: str, either: Timeback | AsyncTimeback, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """More results of a batch than ``MAX_RESENDS`` naming the same unknown student (attempts of one not rostered
    yet): they fail, each with the 422's reason, and the rest of the batch is stored. Before, the server named the
    id at its first result only, each resend failed one more, and the batch's good results failed whole with the
    fourth 422. The upload finds the others in its own records: a server naming the id once (``once``) is
    sent the batch again only once."""
    from timeback._bulk import MAX_RESENDS

    roster, line_items = world
    tag = uid(f"same-ghost-{names}")
    rows = list(interleaved(roster, line_items[:1], 20, tag))
    ghosts = {f"{tag}-{i}" for i in (2, 5, 6, 11, 17)}
    assert len(ghosts) > MAX_RESENDS
    for row in rows:
        if row["sourcedId"] in ghosts:
            row["student"] = {"sourcedId": f"{tag}-ghost"}
    rows[8]["student"] = {"sourcedId": f"{tag}-other-ghost"}
    ghosts.add(rows[8]["sourcedId"])
    if names == "each":
        summary = await upload(either, rows, batch_size=20)
    else:
        transport = NamesEachIdOnce()
        if isinstance(either, AsyncTimeback):
            http: Any = {"http_client": httpx.AsyncClient(transport=AsyncFromSync(transport))}
            async with AsyncTimeback(**server.client_kwargs(), **http) as aapi:
                summary = await aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=20)
        else:
            with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
                summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=20)
        assert transport.refused == 1
    assert (summary.taken, summary.sent, summary.stored, summary.failed, summary.batches) == (20, 20, 14, 6, 2)
    assert {f.sourced_ids for f in summary.failures} == {(i,) for i in ghosts}
    reasons = {f.sourced_ids[0]: f.reason for f in summary.failures}
    for sourced_id in ghosts - {rows[8]["sourcedId"]}:
        assert reasons[sourced_id].startswith(f"422: student.sourcedId: unknown user '{tag}-ghost' ("), reasons
        assert reasons[sourced_id].endswith("; the rest of its batch was sent again")
    assert reasons[rows[8]["sourcedId"]].startswith(f"422: student.sourcedId: unknown user '{tag}-other-ghost'")
    assert len({f.request_id for f in summary.failures}) == 1
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for r in rows} - ghosts


class NamesOneAtMost(Rewritten422s):
    """Naming only their first field, or none (as a server may that names no results)."""

    def __init__(self, keep: int) -> None:
        super().__init__()
        self.keep = keep

    def details(self, details: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return details[: self.keep]


def test_a_batch_whose_422_names_no_result_fails_whole(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """Naming none of its results, a 422 fails the whole batch, as before."""
    roster, line_items = world
    tag = uid("whole")
    rows = list(interleaved(roster, line_items[:1], 10, tag))
    for i in range(5):
        rows[i]["scoreStatus"] = "graded"
    transport = NamesOneAtMost(0)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
        summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=10)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (10, 10, 0, 10)
    (whole,) = summary.failures
    assert whole.status_code == 422 and len(whole.sourced_ids) == 10 and transport.refused == 1
    assert not stored_scores(client, roster, tag)


class NamesOneAndTheBatch(NamesOneAtMost):
    """Naming the first field, and the batch as a whole besides (as a server may, saying why in general)."""

    def details(self, details: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"field": "body", "message": "the batch holds invalid results"}, *details[:1]]


async def test_a_result_holding_a_key_the_server_refuses_fails_alone(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A key of the result itself the server refuses as it reads the body (U+0000 in it, or over its length limit)
    is named ``results[3] (a key)``, which the SDK read as the batch as a whole: the batch failed whole, each result
    with that one's reason. Now that result fails alone, and the others are stored."""
    roster, line_items = world
    tag = uid("key")
    rows = list(interleaved(roster, line_items[:1], 10, tag))
    rows[3] = {**rows[3], "bad\u0000key": "x"}
    rows[6] = {**rows[6], "k" * 70_000: "x"}
    summary = await upload(either, rows, batch_size=10)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (10, 10, 8, 2), summary.failures
    failures = sorted(summary.failures, key=lambda f: f.sourced_ids)
    assert [f.sourced_ids for f in failures] == [(rows[3]["sourcedId"],), (rows[6]["sourcedId"],)]
    assert all(f.status_code == 422 and "(a key)" in f.reason for f in failures), failures
    assert set(stored_scores(client, roster, tag)) == {r["sourcedId"] for i, r in enumerate(rows) if i not in (3, 6)}


class LaysEveryRefusalOnTheFirst(Forwarding):
    """Refuses every batch POST, naming only its first result (a refusal of the whole batch, a tenant's quota say,
    laid on ``results[0]``); counted. Nothing reaches the server."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/results"):
            return super().handle_request(request)
        self.posts += 1
        detail = {"field": "results[0]", "message": "batch rejected: tenant quota"}
        return httpx.Response(self.status, json={
            "imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": "batch rejected: tenant quota",
            "imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "results[0]",
                                                        "imsx_codeMinorFieldValue": "invaliddata"}]},
            "imsx_error_details": [detail],
        })  # fmt: skip


async def upload_through(
    either: Timeback | AsyncTimeback, server: Any, transport: Forwarding, rows: Any, **options: Any
) -> Any:
    """``bulk_post_results`` on a client of ``either``'s kind sending through ``transport``."""
    if isinstance(either, AsyncTimeback):
        ahttp = httpx.AsyncClient(transport=AsyncFromSync(transport))
        async with AsyncTimeback(**server.client_kwargs(), http_client=ahttp) as aapi:
            return await aapi.oneroster.gradebook.bulk_post_results(rows, **options)
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
        return api.oneroster.gradebook.bulk_post_results(rows, **options)


@pytest.mark.parametrize(("status", "size"), [(422, 200), (400, 200), (422, 1000)])
async def test_a_server_laying_every_refusal_on_one_result_costs_a_bounded_number_of_requests(
    status: int, size: int, either: Timeback | AsyncTimeback, server: Any, world: tuple[Roster, list[str]]
) -> None:
    """Each refusal names one result, whatever the batch holds: each such result fails alone, the others go again
    (in halves after ``MAX_RESENDS``), and every part is refused so too. That cost a request for each result of the
    batch (200 here; 1,000 a batch at the default size). Now a batch and its parts are refused for some of their
    results ``MAX_REFUSALS`` times at most, a request each; the rest then fails, not sent again, with the last
    refusal's words."""
    from timeback._bulk import MAX_REFUSALS

    roster, line_items = world
    tag = uid("laid-on-one")
    rows = list(interleaved(roster, line_items[:1], size, tag))
    transport = LaysEveryRefusalOnTheFirst(status)
    summary = await upload_through(either, server, transport, rows, batch_size=size)
    # (the parts waiting when the count ran out, a halving's other halves, are not sent: they were once each)
    assert transport.posts == summary.batches == MAX_REFUSALS, transport.posts
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (size, size, 0, size)
    said = f"not sent again: its batch was refused for some of its results {MAX_REFUSALS} times"
    alone = [f for f in summary.failures if not f.reason.startswith(said)]
    rest = [f for f in summary.failures if f.reason.startswith(said)]
    assert all(len(f.sourced_ids) == 1 for f in alone) and len(alone) == transport.posts, summary.failures
    assert sum(len(f.sourced_ids) for f in rest) == size - len(alone) > 0
    assert all(f.status_code == status and "tenant quota" in f.reason for f in summary.failures), summary.failures
    assert not any(f.maybe_stored for f in summary.failures)


@pytest.mark.parametrize("names", ["one", "one and the batch"])
async def test_a_server_naming_one_result_a_422_has_each_fail_alone_and_the_rest_stored(
    names: str, either: Timeback | AsyncTimeback, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A server naming one result a 422 (as Timeback may), and maybe the batch as a whole besides: after
    ``MAX_RESENDS`` resends without the results named, the rest goes in halves, each settled so too, until every
    result it refuses has failed alone, with what it said of that one, and the others are stored. Before, the rest
    failed whole after the third resend, each result with the fourth 422 (another result's reason); a 422 naming
    the batch as a whole besides failed it whole at once. Each request names a result, or stores its part:
    far fewer requests than a result each."""
    from timeback._bulk import MAX_RESENDS

    roster, line_items = world
    tag = uid("one-a-time")
    rows = list(interleaved(roster, line_items[:1], 100, tag))
    bad = {f"{tag}-{i}" for i in (0, 7, 8, 31, 50, 63, 64, 65, 99)}
    assert len(bad) > MAX_RESENDS + 1
    for row in rows:
        if row["sourcedId"] in bad:
            row["scoreStatus"] = "graded"
    transport = NamesOneAtMost(1) if names == "one" else NamesOneAndTheBatch(1)
    if isinstance(either, AsyncTimeback):
        async with AsyncTimeback(
            **server.client_kwargs(), http_client=httpx.AsyncClient(transport=AsyncFromSync(transport))
        ) as aapi:
            summary = await aapi.oneroster.gradebook.bulk_post_results(rows, batch_size=100)
    else:
        with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=transport)) as api:
            summary = api.oneroster.gradebook.bulk_post_results(rows, batch_size=100)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (100, 100, 91, 9)
    assert sorted(f.sourced_ids for f in summary.failures) == sorted((i,) for i in bad)
    for failure in summary.failures:
        assert failure.reason.startswith("422: scoreStatus: 'graded' is not one of"), failure.reason
        assert failure.reason.endswith("; the rest of its batch was sent again") and "body" not in failure.reason
    assert transport.refused == len(bad)  # (one 422 a result: each names one, and none names it twice)
    assert summary.batches < 40  # (a request a 422 or a part stored; a result each would be 100)
    assert set(stored_scores(client, roster, tag)) == {row["sourcedId"] for row in rows} - bad


async def test_more_results_refused_than_the_refusal_count_one_a_422_still_has_every_other_stored(
    either: Timeback | AsyncTimeback, server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """A real upload refused for more results than ``MAX_REFUSALS``, named one a 422 (as Timeback may): its parts
    are stored between the refusals, so they are not counted, and every other result is stored. With the count
    alone, 100 refused among 200 left 38 valid results not sent again."""
    from timeback._bulk import MAX_REFUSALS

    roster, line_items = world
    tag = uid("many-bad")
    rows = list(interleaved(roster, line_items[:1], 200, tag))
    bad = {row["sourcedId"] for row in rows[::2]}
    assert len(bad) > MAX_REFUSALS
    for row in rows[::2]:
        row["scoreStatus"] = "graded"
    transport = NamesOneAtMost(1)
    summary = await upload_through(either, server, transport, rows, batch_size=200)
    assert (summary.taken, summary.sent, summary.stored, summary.failed) == (200, 200, 100, 100), summary.failures
    assert sorted(f.sourced_ids for f in summary.failures) == sorted((i,) for i in bad)
    assert transport.refused == len(bad)
    assert set(stored_scores(client, roster, tag)) == {row["sourcedId"] for row in rows} - bad


def test_without_named_splits_only_on_a_422_or_400_naming_results_of_the_batch() -> None:
    from timeback._bulk import without_named
    from timeback.errors import RequestError
    from timeback.models._dicts import EncodedItems

    batch = Batch(
        "li",
        ["a", "b", "c"],
        EncodedItems([b'{"sourcedId":"a"}', b'{"sourcedId":"b"}', b'{"sourcedId":"c"}']),
        [10, 11, 12],  # (their places in the input)
    )

    def refused(*fields: str, status: int = 422) -> RequestError:
        body = {"imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": f, "imsx_codeMinorFieldValue":
                "invaliddata"} for f in fields]}, "imsx_error_details": [{"field": f, "message": "bad"} for f in fields]}  # fmt: skip
        return RequestError("refused", status_code=status, method="POST", url="u", body=body)

    parted = without_named(refused("results[1].score", "results[1].scoreDate"), batch)
    assert parted is not None
    failures, rest = parted
    assert [(f.sourced_ids, f.reason.split(" (")[0]) for f in failures] == [(("b",), "422: score: bad; scoreDate: bad")]
    assert failures[0].positions == (11,) and rest.positions == [10, 12]
    assert rest.ids == ["a", "c"] and rest.records.decoded() == [{"sourcedId": "a"}, {"sourcedId": "c"}]
    parted = without_named(refused("results[1].score", status=400), batch)  # (a 400 naming results too: a NaN)
    assert parted is not None and [f.status_code for f in parted[0]] == [400] and parted[1].ids == ["a", "c"]
    # A 409 naming results that exist: split only with if_exists="fail" (conflicts), and not when it names all
    assert without_named(refused("results[1].sourcedId", status=409), batch) is None
    parted = without_named(refused("results[1].sourcedId", status=409), batch, conflicts=True)
    assert parted is not None and [(f.sourced_ids, f.status_code) for f in parted[0]] == [(("b",), 409)]
    assert parted[1].ids == ["a", "c"]
    every = [f"results[{i}].sourcedId" for i in range(3)]
    assert without_named(refused(*every, status=409), batch, conflicts=True) is None
    assert without_named(refused("results[3].score"), batch) is None  # (not an item of this batch)
    assert without_named(refused("body"), batch) is None  # (the batch as a whole alone)
    parted = without_named(refused("results[0].score", "body"), batch)  # (the batch as a whole too: said again)
    assert parted is not None
    failures, rest = parted
    assert [(f.sourced_ids, f.reason.split(" (")[0]) for f in failures] == [(("a",), "422: score: bad")]
    assert rest.ids == ["b", "c"]
    parted = without_named(refused("results[2].a", "results[0].a", "results[1].b", "results[1].c"), batch)
    assert parted is not None  # (all of them: each fails alone, and none is left to send again)
    failures, rest = parted
    assert [(f.sourced_ids, f.reason.split(" (")[0]) for f in failures] == [
        (("a",), "422: a: bad"),
        (("b",), "422: b: bad; c: bad"),
        (("c",), "422: a: bad"),
    ]
    assert not rest.ids and not rest.records
    parted = without_named(refused("results[0].a", "results[1].a", "results[2].a", "body"), batch)
    assert parted is not None and len(parted[0]) == 3 and not parted[1].ids
    assert without_named(refused(), batch) is None
    assert without_named(refused("TargetEndSystem"), batch) is None


def test_a_409_splits_a_batch_once_and_fails_the_part_sent_again_whole() -> None:
    """A server naming one existing result a 409 (every one of a sync run again existing) cost a request per result,
    until the refusals ran out: 120 requests and 125 failures for a batch of 1,000 (review). The part sent again
    after a 409 fails whole on its own 409, its reason with the hint; with ``replace`` no 409 splits."""
    from timeback._bulk import IF_EXISTS_HINT, BulkSummary, Reachability, Refusals, Splitting, record_outcome, resent
    from timeback.errors import ConflictError
    from timeback.models._dicts import EncodedItems

    ids = [f"r{i}" for i in range(10)]
    batch = Batch("li", ids, EncodedItems([b"{}"] * 10), list(range(10)))

    def first_named(part: Batch) -> ConflictError:
        body = {"imsx_error_details": [{"field": "results[0].sourcedId", "message": f"'{part.ids[0]}' already exists"}]}
        return ConflictError("exists", status_code=409, method="POST", url="u", body=body)

    split = resent(first_named(batch), batch, Refusals(), Splitting())
    assert split is not None
    (failure,), parts = split[0].failures, split[0].parts
    assert failure.sourced_ids == ("r0",) and [p.ids for p, _ in parts] == [ids[1:]]
    rest, more = parts[0][0], split[1]
    assert resent(first_named(rest), rest, more, Splitting()) is None  # (fails whole: one failure of 9)
    summary = BulkSummary(taken=9)
    record_outcome(summary, rest, first_named(rest), Reachability(1))
    (whole,) = summary.failures
    assert whole.positions == tuple(range(1, 10)) and whole.reason.endswith(f"({IF_EXISTS_HINT})"), whole
    assert resent(first_named(batch), batch, Refusals(), Splitting(), replace=True) is None


def test_without_named_escapes_what_the_server_said_and_cuts_its_request_id() -> None:
    """A result's reason quoted the 422's details and request id raw: a newline or an ANSI escape forged a line
    of the integrator's log, and a 20,000-character request id was quoted whole."""
    from timeback._bulk import without_named
    from timeback.errors import RequestError
    from timeback.models._dicts import EncodedItems

    batch = Batch("li", ["a", "b"], EncodedItems([b'{"sourcedId":"a"}', b'{"sourcedId":"b"}']), [0, 1])
    body = {"imsx_error_details": [{"field": "results[0].sc\u202eore", "message": "bad\nERROR forged \x1b[2J"}]}
    refused = RequestError("refused", status_code=422, method="POST", url="u", body=body, request_id="r\x07" * 10_000)
    parted = without_named(refused, batch)
    assert parted is not None
    (failure,), _ = parted
    shown_id = "r\\x07" * 64 + "... (19,872 characters cut)"  # (its first 128 characters, escaped)
    assert failure.reason == (f"422: sc\\u202eore: bad\\nERROR forged \\x1b[2J (POST u, request id {shown_id}); "
                              "the rest of its batch was sent again")  # fmt: skip
    assert failure.request_id == "r\x07" * 10_000  # (as the server sent it)


def test_without_named_fails_every_result_holding_an_id_refused_at_the_same_reference() -> None:
    """Read from the batch's own records: the results holding the id at that reference fail with the same reason,
    once each (named by the server too or not); the same id elsewhere, or another id, is kept."""
    from timeback._bulk import without_named
    from timeback.errors import RequestError
    from timeback.models._dicts import EncodedItems

    held = [("a", {"student": {"sourcedId": "x"}}), ("b", {"student": {"sourcedId": "y"}, "class": {"sourcedId": "x"}}),
            ("c", {"student": {"sourcedId": "x"}}), ("d", {"student": {}}), ("e", {"student": {"sourcedId": "x"}})]  # fmt: skip
    records = EncodedItems(json.dumps({"sourcedId": i, **r}).encode() for i, r in held)
    batch = Batch("li", [i for i, _ in held], records, list(range(len(held))))
    fields = ["results[2].student.sourcedId", "results[4].student.sourcedId", "results[4].score"]
    body = {"imsx_error_details": [{"field": f, "message": f"bad {n}"} for n, f in enumerate(fields)]}
    parted = without_named(RequestError("refused", status_code=422, method="POST", url="u", body=body), batch)
    assert parted is not None
    failures, rest = parted
    assert [(f.sourced_ids, f.reason.split(" (")[0]) for f in failures] == [
        (("a",), "422: student.sourcedId: bad 0"),
        (("c",), "422: student.sourcedId: bad 0"),
        (("e",), "422: student.sourcedId: bad 1; score: bad 2"),
    ]
    assert rest.ids == ["b", "d"]


def test_a_batch_left_unsent_again_when_the_upload_stops_counts_as_sent_and_failed() -> None:
    from timeback._bulk import BulkSummary, Reachability, Split, record_outcome
    from timeback.models._dicts import EncodedItems

    summary = BulkSummary(taken=3)
    batch = Batch("li", ["a", "b", "c"], EncodedItems([b"{}"] * 3), [0, 1, 2])
    split = Split([batch.part([1]).failure("422: ...")], 0, [(batch.part([0, 2]), None)])
    assert record_outcome(summary, batch, split, Reachability(1)) is None
    assert (summary.sent, summary.stored, summary.failed, summary.batches) == (3, 0, 3, 1)
    assert summary.failures[-1].sourced_ids == ("a", "c") and "the upload stopped" in summary.failures[-1].reason
    assert summary.failures[-1].positions == (0, 2)


async def test_a_result_whose_sourced_id_is_not_text_fails_named_as_none_not_as_that_text(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(The sourcedId 1, an int, failed validation named '1': the id of the other result of the upload, stored.)"""
    roster, line_items = world
    number = uuid.uuid4().int % 10**12
    text = result_body(line_items[0], roster.students[0], str(number))
    not_text = {**result_body(line_items[0], roster.students[1]), "sourcedId": number}
    summary = await upload(either, [text, not_text])
    assert (summary.taken, summary.stored, summary.failed) == (2, 1, 1), summary.failures
    (failure,) = summary.failures
    assert failure.sourced_ids == (None,)
    assert (
        failure.reason == f"invalid result: sourcedId: Input should be a valid string (sourcedId given: int {number})"
    )
    read = client.oneroster.gradebook.get_result(sourced_id=str(number)).result
    assert read.student.sourcedId == roster.students[0]


async def test_one_record_given_for_the_iterable_is_a_type_error_before_anything_is_sent(
    either: Timeback | AsyncTimeback, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """One result (a dict, a body model, a record read) or a string where the iterable goes was iterated: a dict's
    keys, a model's fields, a string's characters, each an invalid result without an id, and nothing raised."""
    roster, line_items = world
    tag = uid("one-record")
    row = next(iter(interleaved(roster, line_items[:1], 1, tag)))
    for wrong in (row, TimebackCreateResultBody.model_validate(row), "r-1", b"r-1"):
        with pytest.raises(TypeError, match=r"an iterable of results .*not one "):
            await upload(either, wrong)
    assert stored_scores(client, roster, tag) == {}


@pytest.mark.parametrize("library", ["pandas.core.frame", "polars.dataframe.frame", "geopandas.geodataframe"])
async def test_a_dataframe_given_for_the_iterable_is_a_type_error_saying_how_to_give_its_rows(
    either: Timeback | AsyncTimeback, library: str
) -> None:
    """A notebook's DataFrame, iterated, gives its column names (pandas) or columns (polars): each failed as an
    invalid result, "6 taken" for 5 rows, nothing saying why (from the notebook analyst's run). pandas and polars are
    no dependency of this project: a type of the same name and module stands for them (what is checked)."""

    class DataFrame:
        def __iter__(self) -> Iterator[str]:
            return iter(["sourcedId", "lineItem", "student", "scoreStatus", "scoreDate", "score"])

    DataFrame.__module__ = library

    class GeoDataFrame(DataFrame):  # (a subclass, as geopandas' of pandas')
        pass

    said = 'a DataFrame iterates its columns: give its rows as dicts (pandas: df.to_dict("records"); polars: df.to'
    for frame in (DataFrame(), GeoDataFrame()):
        with pytest.raises(TypeError, match=re.escape(said)):
            await upload(either, frame)


def test_an_async_iterable_given_to_the_sync_client_is_a_type_error_before_anything_is_read(
    client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """(It stopped at the first result with "TypeError: 'async_generator' object is not iterable", noted "0 results
    taken": nothing said to use AsyncTimeback.)"""
    roster, line_items = world
    tag = uid("async-rows")
    started: list[bool] = []

    async def rows() -> AsyncIterator[dict[str, Any]]:
        started.append(True)
        for row in interleaved(roster, line_items[:1], 3, tag):
            yield row

    with pytest.raises(TypeError, match=r"not an async one \(async_generator\): give it to AsyncTimeback's") as raised:
        client.oneroster.gradebook.bulk_post_results(rows())  # type: ignore[arg-type]
    assert not getattr(raised.value, "__notes__", None)  # (refused before the upload began: no stop to tell of)
    assert started == [] and stored_scores(client, roster, tag) == {}


async def test_an_async_listing_given_to_the_sync_client_is_refused_as_any_async_iterable(
    server: Any, client: Timeback
) -> None:
    """An AsyncTimeback's listing, whose ``__iter__`` says to use ``async for`` (so it passes for a sync iterable),
    said so in the upload's stop (and to use Timeback, the client given it); so did ``where('@')`` in place of its
    own error."""
    from timeback.filters import where

    async with AsyncTimeback(**server.client_kwargs()) as async_client:
        for listing in (async_client.oneroster.gradebook.get_all_results(limit=1),
                        await async_client.oneroster.gradebook.get_all_results(limit=1)):  # fmt: skip
            name = type(listing).__name__
            with pytest.raises(TypeError, match=rf"^Timeback's bulk_post_results takes an iterable, not an async one "
                                                rf"\({name}\): give it to AsyncTimeback's$") as raised:  # fmt: skip
                client.oneroster.gradebook.bulk_post_results(listing)  # type: ignore[arg-type]
            assert not getattr(raised.value, "__notes__", None)
            with pytest.raises(ValueError, match=r"^'@' takes a list of values"):
                where("sourcedId", "@", listing)  # type: ignore[arg-type]


async def test_batch_size_and_concurrency_take_whole_numbers_only(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """As the client's ``max_retries``: ``batch_size=1.5`` (batches of 2) and ``batch_size=True`` (of 1) were taken
    silently. Refused before anything is read or sent, naming the option."""
    roster, line_items = world
    tag = uid("counts")
    cases = [("batch_size", 1.5, ValueError), ("batch_size", 10.0, ValueError), ("batch_size", True, TypeError),
             ("batch_size", "10", TypeError), ("batch_size", 0, ValueError), ("concurrency", 2.0, ValueError),
             ("concurrency", True, TypeError), ("concurrency", None, TypeError), ("concurrency", 0, ValueError)]  # fmt: skip
    async with AsyncTimeback(**server.client_kwargs()) as async_client:
        for api in (client, async_client):
            for option, value, error in cases:
                rows = interleaved(roster, line_items[:1], 5, tag)
                with pytest.raises(error, match=f"^{option} must be a whole number"):
                    await upload(api, rows, **{option: value})
                assert next(rows)["sourcedId"].endswith("-0"), (api, option, value)  # (none was read)
    assert stored_scores(client, roster, tag) == {}


class LosesTheFirstBatchAnswerThenReadBacks(LosesTheFirstBatchAnswer):
    """As ``LosesTheFirstBatchAnswer`` (the first batch POST stored, its answer lost; a retry forwarded), and the
    read-backs (a listing filtered by ``sourcedId@``) answered 500."""

    def __init__(self) -> None:
        super().__init__(handled=True, retry_status=None)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "sourcedId@" in request.url.params.get("filter", ""):
            return httpx.Response(500, json={"imsx_codeMajor": "failure", "imsx_description": "read failed"})
        return super().handle_request(request)


def test_a_replace_whose_read_back_failed_after_a_lost_answer_is_maybe_stored(
    server: Any, client: Timeback, world: tuple[Roster, list[str]]
) -> None:
    """``if_exists="replace"``: the first POST's answer lost, its retry meets the 409 of what it stored, and reading
    the records back to replace them fails. The batch may well be stored (by the attempt whose answer was lost), as
    the same batch in ``fail`` mode says; ``replace`` said neither (``maybe_stored`` False, a stop's note
    undercounting)."""
    roster, line_items = world
    tag = uid("replace-lost-unread")
    rows = list(interleaved(roster, line_items[:1], 2, tag))
    transport = LosesTheFirstBatchAnswerThenReadBacks()
    with Timeback(**server.client_kwargs(), max_retries=1, http_client=httpx.Client(transport=transport)) as api:
        summary = api.oneroster.gradebook.bulk_post_results(rows, if_exists="replace")
    (failure,) = summary.failures
    assert (summary.stored, summary.failed, transport.posts) == (0, 2, 2), summary
    assert failure.maybe_stored and failure.sourced_ids == tuple(r["sourcedId"] for r in rows), failure
    assert failure.status_code == 500 and "409" in failure.reason and "read failed" in failure.reason, failure
    assert "reading the existing records back to replace them failed" in failure.reason, failure.reason
    assert "an attempt got no answer: the batch may have been stored by it" in failure.reason, failure.reason
    assert stored_scores(client, roster, tag) == {r["sourcedId"]: r["score"] for r in rows}  # (stored indeed)


def test_timebacks_one_pair_for_a_batch_is_taken_as_its_receipt_without_reading_back() -> None:
    """Timeback documents one ``sourcedIdPairs`` object for a whole batch (``timeback serve --sourced-id-pairs
    timeback``). Counted as one pair for a batch of five, every batch was read back as if its answer named too few:
    a GET of its records and one of its line item per batch, against Timeback."""
    settings = ServerSettings(client_id="pairs", client_secret="pairs-secret", sourced_id_pairs="timeback")
    methods: list[str] = []
    with LocalServer(settings) as server:
        http = DefaultHttpxClient(event_hooks={"request": [lambda request: methods.append(request.method)]})
        with Timeback(**server.client_kwargs(), http_client=http) as client:
            r = make_roster(client, students=[uid("s") for _ in range(10)])
            line_item = add_line_items(client, r, 1)[0]
            methods.clear()
            rows = [result_body(line_item, student) for student in r.students]
            summary = client.oneroster.gradebook.bulk_post_results(rows, batch_size=5)
    assert (summary.stored, summary.failed, summary.batches) == (10, 0, 2), summary
    assert "GET" not in methods, methods


async def test_replace_lets_the_event_loop_run_while_it_compares_a_batch(
    server: Any, client: Timeback, world: tuple[Roster, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch meeting stored records is settled by comparing each record read back with the one sent, work of the
    client's own: 1,000 of them held an async app's event loop ~50 ms, its other requests waiting (found by the async
    web-app run). It lets the loop run every 200 records."""
    import timeback._read_back as read_back

    roster, line_items = world
    tag = uid("turns")
    rows = [result_body(line_items[0], roster.students[i % 20], f"{tag}-{i}", score=i) for i in range(400)]
    assert client.oneroster.gradebook.bulk_post_results(rows, batch_size=400).stored == 400
    seen: list[int] = []  # (the turns counted when each record was compared)
    compare = read_back.written_as_sent
    async with loop_turns() as turns:

        def counted(*args: Any, **kwargs: Any) -> bool:
            seen.append(turns[0])
            return compare(*args, **kwargs)

        monkeypatch.setattr(read_back, "written_as_sent", counted)
        async with AsyncTimeback(**server.client_kwargs()) as api:
            summary = await api.oneroster.gradebook.bulk_post_results(rows, batch_size=400, if_exists="replace")
    assert summary.unchanged == 400 and len(seen) == 400, summary
    # (the loop ran after the first 199, and again after the next 200: not one stretch of 400 compares)
    assert seen[0] == seen[198] < seen[199] == seen[398] < seen[399], (seen[0], seen[198], seen[199], seen[399])
