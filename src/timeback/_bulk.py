"""Bulk result upload: ``client.oneroster.gradebook.bulk_post_results(results, ...)``.

Results stream from any iterable (models or dicts). Each is validated on its own, so one bad record fails alone
and is reported, never the batch it would have joined; one the server refuses (422 naming it) fails alone too, and
the rest of its batch is sent again, as for a 409 naming results that exist (``if_exists="fail"``); a batch too
large for the server (413) is sent again in halves (``Split``).
Valid results are grouped by line item into batches of ``batch_size`` and POSTed to ``/lineItems/{id}/results``
(all or nothing per batch), ``concurrency`` batches in flight, each with the client's retry rules (a retried batch
whose first answer was lost is confirmed by reading back, never stored twice). Memory stays flat: at most
``PENDING_BATCHES * batch_size`` results wait in part-filled batches, plus the batches in flight and a batch's
worth of repeats waiting for them, whatever the size of the input.

The batching and the bookkeeping here do no I/O; ``run_sync`` (threads) and ``run_async`` (tasks) only send.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import inspect
import logging
import operator
import re
import reprlib
import sys
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, Self, TypeAlias, cast

import pydantic
from pydantic_core import PydanticSerializationError, to_json

from timeback._clock import monotonic
from timeback._config import whole_number
from timeback._pagination import LOOP_TURN_EVERY, async_only
from timeback._waits import done_of
from timeback.errors import (
    MAX_SHOWN_MESSAGE,
    APIConnectionError,
    APIResponseValidationError,
    AuthError,
    ConflictError,
    PermissionDeniedError,
    RequestError,
    shown,
    told,
)
from timeback.models._dicts import EncodedItems, ValidatedRequest, unencodable_text

if TYPE_CHECKING:  # the models, asyncio and concurrent.futures load on first use: import time matters
    import asyncio
    import threading
    from concurrent.futures import Future

    from timeback._base_client import BaseClient, Exchange
    from timeback._operations import Operation
    from timeback.models._base import ResponseModel
    from timeback.models.request import TimebackCreateResultBody

    # What sending a batch comes to, when it is not an error: the server's answer, or how it was settled in parts
    Outcome: TypeAlias = "ResponseModel | Replaced | Split"

__all__ = ["BulkFailure", "BulkProgress", "BulkSummary", "IfExists"]

log = logging.getLogger("timeback")

DEFAULT_BATCH_SIZE = 1000
DEFAULT_CONCURRENCY = 4
# Part-filled batches (one per line item) may hold this many batches' worth of results before the fullest is sent:
# input interleaved over many line items still makes full batches, and memory stays bounded.
PENDING_BATCHES = 8

IfExists = Literal["fail", "replace"]


@dataclass(frozen=True)
class BulkFailure:
    """Results that were not stored, or not known to be (``maybe_stored``, and the reason says they may have been: an
    answer lost, a batch cancelled in flight), and why. ``status_code`` is None for an invalid record, a network
    failure, or a batch answered without a ``sourcedIdPairs`` pair for each result (``{}``, ``[]``, a shorter list;
    Timeback's single pair object stands for the whole batch, and is not read back), or whose 2xx answer was cut
    short, that did not read back as sent. ``positions`` tell which results of the input failed, whatever their ids:
    ``[rows[i] for i in failure.positions]`` to fix and send again (a result sent without a ``sourcedId`` is named by
    the one the SDK gave it, which the input does not hold; an id may be repeated in the input)."""

    sourced_ids: tuple[str | None, ...]  # None: an invalid result given without a sourcedId, or one not text
    reason: str
    status_code: int | None = None
    request_id: str | None = None
    line_item: str | None = None
    maybe_stored: bool = False  # stored all the same, maybe (an answer lost, cancelled in flight): read back to tell
    # Where each of ``sourced_ids`` was in the input: 0 for the first result the iterable gave (``taken - 1`` the last)
    positions: tuple[int, ...] = ()

    def __repr__(self) -> str:
        # (a failed batch holds up to batch_size ids: printed whole, a summary of a few failures ran to 300 KB)
        return (
            f"BulkFailure(sourced_ids={_shown(self.sourced_ids)}, reason={self.reason!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r}, line_item={self.line_item!r}, "
            f"maybe_stored={self.maybe_stored!r}, positions={_shown(self.positions)})"
        )


def _shown(values: tuple[object, ...]) -> str:
    """``values`` as a tuple's repr, the first ``SHOWN`` of them and how many more."""
    listed = ", ".join(map(repr, values[:SHOWN]))
    more = f", ... {len(values) - SHOWN} more" if len(values) > SHOWN else ""
    return f"({listed}{',' if len(values) == 1 else ''}{more})"


@dataclass(frozen=True)
class BulkProgress:
    """Counts so far, given to ``on_progress`` after every batch. ``taken``: the results read from the input so far;
    a stop's last call holds the stop's (the input past them is what is left to send: before, only the note's text
    said it)."""

    sent: int
    stored: int
    failed: int
    batches: int
    taken: int = 0


@dataclass
class BulkSummary:
    """What a bulk upload did. Once it returns, ``stored + failed == taken``, and the ``taken - sent`` results never
    sent failed as ``"invalid result: ..."`` (one without an id to replace too). When it stops, its error's note gives
    ``taken``, ``stored`` and ``failed``, and ``on_progress``'s last call ``sent`` too: ``stored + failed == taken``
    still, and ``stored <= sent <= taken`` (the results it left unsent count as failed, not as sent; a batch whose
    answer was lost, cancelled or not waited for counts as sent). ``replaced`` and ``unchanged`` are parts of ``stored``
    (``if_exists="replace"``; 0 otherwise). ``failed`` counts the ids of the failures; given ``on_failure``, the upload
    hands each failure to it and ``failures`` keeps none of them (``failed`` and ``ok`` still tell)."""

    taken: int = 0  # results read from the iterable
    sent: int = 0  # results sent in a batch (valid ones)
    # results stored as sent (created, replaced or unchanged): each copy of an id given again counts, though the
    # server holds the last one stored (with if_exists="replace"; a later copy meets 409 otherwise)
    stored: int = 0
    replaced: int = 0  # of those, written by a PUT after their batch met records that exist (if_exists="replace")
    # of those, found stored as sent already: nothing written (if_exists="replace"; after a batch's retry met 409,
    # or its answer was lost, what its earlier attempt may have stored too: no telling)
    unchanged: int = 0
    batches: int = 0
    retries_taken: int = 0
    seconds: float = 0.0
    failures: list[BulkFailure] = field(default_factory=list)
    failed: int = 0  # results failed: the ids of every failure added (``_add_failure``), kept in the list or not
    # (no fields: kept out of dataclasses.asdict(), a notebook's DataFrame row, and of ==)
    _maybe_stored = 0  # of those, failures' ids ``maybe_stored`` (for a stop's note)
    _read_all = False  # the input's end was reached (for a stop's note)

    @property
    def ok(self) -> bool:
        """Whether no result failed (``failed == 0``; counted even when ``on_failure`` took the failures)."""
        return not self.failed

    def _add_failure(self, failure: BulkFailure) -> None:
        """Count ``failure`` and keep it (until ``on_failure``, if given, takes it: ``ProgressReports``)."""
        self.failures.append(failure)
        self.failed += len(failure.sourced_ids)
        if failure.maybe_stored:
            self._maybe_stored += len(failure.sourced_ids)

    def progress(self) -> BulkProgress:
        """The counts so far, as ``on_progress`` is given them."""
        return BulkProgress(self.sent, self.stored, self.failed, self.batches, self.taken)

    def __str__(self) -> str:
        """One line for a log: ``24 taken, 18 stored, 6 failed (invalid: 3, 409: 2, 422: 1), 4 batches, 0 retries,
        0.1 s``; the failures counted by why (their status, else what the reason says) when the summary keeps them
        (not given to ``on_failure``)."""
        stored = f"{self.stored} stored"
        if self.replaced or self.unchanged:
            stored += f" ({self.replaced} replaced, {self.unchanged} unchanged)"
        failed = f"{self.failed} failed"
        if self.failures:
            kinds = collections.Counter[str]()
            for failure in self.failures:
                kinds[_kind(failure)] += len(failure.sourced_ids)
            failed += f" ({', '.join(f'{kind}: {count}' for kind, count in kinds.most_common())})"
        if self._maybe_stored:
            failed += f", {self._maybe_stored} of them maybe stored"
        retries = f"{self.retries_taken} retr{'y' if self.retries_taken == 1 else 'ies'}"
        return f"{self.taken} taken, {stored}, {failed}, {_batches(self.batches)}, {retries}, {self.seconds:.1f} s"

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={getattr(self, name)!r}" for name in _COUNTS)
        shown = ", ".join(map(repr, self.failures[:SHOWN]))
        more = f", ... {len(self.failures) - SHOWN} more" if len(self.failures) > SHOWN else ""
        return f"BulkSummary({counts}, failed={self.failed}, failures=[{shown}{more}])"


def _batches(count: int) -> str:
    return f"{count} batch{'' if count == 1 else 'es'}"


def _kind(failure: BulkFailure) -> str:
    """What ``BulkSummary.__str__`` counts ``failure`` under: its status, else why it was not stored."""
    for start in ("invalid result", "not sent"):  # ("not sent again: ...": the rest of a batch, under its status)
        if failure.reason.startswith(start):
            return start.removesuffix(" result")
    if failure.status_code is not None:
        return str(failure.status_code)
    return "no answer" if failure.maybe_stored else "network"  # (an answer lost, or cut short; or none at all)


SHOWN = 3  # failures, and sourcedIds of a failure, a repr shows (the rest are in the lists)
_COUNTS = ("taken", "sent", "stored", "replaced", "unchanged", "batches", "retries_taken", "seconds")


class Batch(NamedTuple):
    """A line item's results, ready to send: their sourcedIds, and each one's JSON as sent (validated, wire names,
    defaults filled in)."""

    line_item: str
    ids: list[str]
    records: EncodedItems
    positions: list[int]  # (each result's place in the input: ``BulkFailure.positions``)
    repeat_of: int | None = None  # (a repeat sent alone: the input position of the copy before it, ``exists_hint``)

    def part(self, indexes: Iterable[int]) -> Batch:
        """The batch of its results at ``indexes``, in that order."""
        kept = list(indexes)
        records = self.records
        return Batch(self.line_item, [self.ids[i] for i in kept], EncodedItems(records[i] for i in kept),
                     [self.positions[i] for i in kept], self.repeat_of)  # fmt: skip

    def failure(self, reason: str, status_code: int | None = None, request_id: str | None = None,
                maybe_stored: bool = False) -> BulkFailure:  # fmt: skip
        """A failure of the whole batch."""
        return BulkFailure(tuple(self.ids), reason, status_code, request_id, self.line_item, maybe_stored,
                           tuple(self.positions))  # fmt: skip


# (what it returns is ignored: `lambda p: bar.update(p.stored)` returns what tqdm's update does, bool | None)
ProgressCallback = Callable[[BulkProgress], object]
FailureCallback = Callable[[BulkFailure], object]  # (as on_progress's)


@functools.cache
def _result_body() -> tuple[type[TimebackCreateResultBody], Callable[..., dict[str, Any] | None], Callable[..., Any]]:
    """(the result body model, the dict path's validator, a result read as that body takes it), imported on first
    use (not per row: 2 us each)."""
    from timeback.models._dicts import validated_dict
    from timeback.models._requests_base import record_as_body
    from timeback.models.gradebook import TimebackResult
    from timeback.models.request import TimebackCreateResultBody

    as_body = functools.partial(record_as_body, body=TimebackCreateResultBody, record=TimebackResult)
    return TimebackCreateResultBody, validated_dict, as_body


@functools.cache
def receipt_operation(op: Operation[Any, Any]) -> Operation[Any, Any]:
    """``op``, its answer read as a receipt: a ``ResponseModel`` (request id, retries taken) that checks the
    ``sourcedIdPairs`` (an array of pairs, or one pair) and keeps only their number. The summary needs
    no more of a batch's answer, and building its 1,000 pair models (and collecting them) was a quarter of the
    client's CPU in a bulk upload: dicts holding only strings are nothing for the garbage collector. A lost
    answer confirmed by reading the records back still gives the pairs (see ``BaseClient.confirmed``)."""
    import dataclasses

    from pydantic_core import core_schema

    from timeback.models._base import ResponseModel
    from timeback.models.response import refuse_other_answer, sourced_id_pairs_schema

    text = core_schema.str_schema()
    pair = core_schema.typed_dict_schema(
        {name: core_schema.typed_dict_field(text) for name in ("suppliedSourcedId", "allocatedSourcedId")}
    )
    # Checked, then counted: the pairs (as plain dicts) are dropped at once. Kept while their batch settled, they
    # shared memory pages with the encoded results waiting to be sent, and a 1,000,000-result upload peaked at
    # 77 MB instead of 66 MB.
    pairs = core_schema.no_info_after_validator_function(
        _count, sourced_id_pairs_schema(core_schema.list_schema(pair), pair)
    )

    class BatchReceipt(ResponseModel):
        # (none answered, {}: the official document's are optional, and the batch was stored all the same)
        sourcedIdPairs: Annotated[int, pydantic.GetPydanticSchema(lambda _s, _h, checked=pairs: checked)] = 0

        @pydantic.model_validator(mode="after")
        def _pairs_or_nothing(self) -> Self:
            refuse_other_answer(self)
            return self

    receipt = dataclasses.replace(op, response=BatchReceipt)
    receipt.name, receipt.base_path = op.name, op.base_path  # (not init fields: set from the declaration)
    return receipt


def holds_pairs(receipt: ResponseModel, sent: int) -> bool:
    """Whether a batch's answer named the ``sent`` results stored (a ``sourcedIdPairs`` pair each): one that did not
    (``{}``, as the official document allows and Timeback's does not; ``[]``, or fewer pairs than results) is read
    back (``confirming_unpaired``). (Counted as stored in full, nothing checked, it could hide results not stored.)"""
    return _pairs_in(receipt) >= sent


def _pairs_in(receipt: ResponseModel) -> int:
    return cast(int, getattr(receipt, "sourcedIdPairs", 0))  # (a BatchReceipt's: counted; 0 when none)


def confirming_unpaired(
    client: BaseClient, create: Operation[Any, Any], request: ValidatedRequest, receipt: ResponseModel
) -> Exchange[ResponseModel]:
    """The read that confirms a batch answered 2xx without a ``sourcedIdPairs`` pair for each result, as a lost
    answer's is (``BaseClient.confirming``): its receipt, with the pairs, if its results read back as sent; else the
    error raised says why, and the batch fails, maybe stored (the answer did not say what was stored), the upload
    going on. Run by the client's ``exchange``; no I/O here."""
    from timeback._read_back import STORED_ALL_THE_SAME

    sent = client.build_request(create, request)  # (its method and URL, for the error's message)
    pairs = _pairs_in(receipt)
    said = f"{pairs} of {len(request['results'])} sourcedIdPairs" if pairs else "no sourcedIdPairs"  # (a list's)
    error = RequestError(f"{create.name}: answered with {said}", method=sent.method, url=str(sent.url),
                         request_id=receipt.request_id, retries_taken=receipt.retries_taken)  # fmt: skip
    error._answer_lost = True  # (read back as a lost answer's batch is; not confirmed, it may be stored)
    confirmed = yield from client.confirming(create, request, error, why=STORED_ALL_THE_SAME)
    if confirmed is None:
        raise error
    return confirmed


def _count(pairs: list[Any] | dict[str, Any]) -> int:
    # (one pair is Timeback's documented answer to a whole batch, its first result's: it names the batch stored)
    return len(pairs) if isinstance(pairs, list) else WHOLE_BATCH


WHOLE_BATCH = 2**62  # the pairs counted for Timeback's one pair: as many as any batch's results


def _validated(item: Any) -> dict[str, Any]:
    """One result, validated once, as the dict sent: a dict through the dict path (``models._dicts``), a model
    as its own dump, through it too (a result read as ``put_result`` sends it: ``records_as_bodies``). Invalid
    input raises the ValidationError the model raises."""
    TimebackCreateResultBody, validated_dict, as_body = _result_body()
    if isinstance(item, pydantic.BaseModel):
        # (a result read, as put_result takes one: without the stamp of when it was read. A body model is checked
        # again too: models do not validate assignment, and one changed after it was built, or made with
        # model_construct, sank its batch or stopped the upload. Its dump's warnings say what the check will.)
        dumped = as_body(item)
        item = dumped if dumped is not item else item.model_dump(by_alias=True, exclude_unset=True, warnings=False)
    validated = validated_dict(TimebackCreateResultBody, item)
    if validated is not None:
        return validated
    body = TimebackCreateResultBody.model_validate(item)
    try:
        return body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    except ValueError as exc:  # (pydantic's bare one for nesting past its depth: no JSON form, this result alone)
        raise PydanticSerializationError(str(exc)) from None


# A result without a sourcedId of its own gets a fresh one, so it cannot exist already: sent again in every sync
# that replaces, it would be created again each time under another id.
NO_ID_TO_REPLACE = (
    "invalid result: sourcedId: required with if_exists='replace' (without one, every sync would create the result "
    "again under a new id)"
)


def _id_given(item: Any) -> bool:
    if isinstance(item, Mapping):
        return item.get("sourcedId") is not None
    from timeback.models._base import sourced_id_given

    return getattr(item, "sourcedId", None) is not None and sourced_id_given(item)


class Batcher:
    """Groups valid results by line item into batches of ``batch_size`` at most; invalid ones become failures."""

    def __init__(self, batch_size: int, summary: BulkSummary, *, replace: bool = False) -> None:
        self.batch_size = batch_size
        self.summary = summary
        self.replace = replace  # (if_exists="replace": ids required, see NO_ID_TO_REPLACE; repeats go like any result)
        self._pending: dict[str, Batch] = {}
        # The line items of part-filled batches by their batch's size, each in the order it reached that size: the
        # fullest is found at once (a max() over every pending batch cost ~1 ms per result with 20,000 interleaved
        # line items, 8,000 of them waiting)
        self._by_size: dict[int, dict[str, None]] = {}
        self._fullest = 0
        self._held = 0  # results waiting in part-filled batches
        # Their sourcedIds, and those of the batches taken until they settle (``settled``): at most
        # (PENDING_BATCHES + concurrency + 1) x batch_size ids, whatever the size of the input
        self._unsettled_ids: set[str] = set()
        # Repeats of unsettled ids, held until their first copy's batch settles (at most one batch per id is
        # unsettled): then taken as a later input would be, or alone (``settled``); the batches that fills wait in
        # ``_ready``. No more input is read while more than a batch's worth are held (``held_repeats``): the batches
        # their first copies wait in go (``waited_for``), and batches settle. Memory stays flat.
        self._repeats: dict[str, deque[tuple[str, bytes, int]]] = {}  # (line item, result, position)
        self.held_repeats = 0
        self._ready: deque[Batch] = deque()

    def add(self, item: Any) -> Batch | None:
        """Take one result; return a batch when one is ready to send."""
        self.summary.taken += 1
        result = None
        try:
            result = _validated(item)
            # (encoded here, before its id joins a batch: text with no UTF-8 JSON form fails this result alone)
            encoded = to_json(result)
        except (pydantic.ValidationError, PydanticSerializationError, UnicodeError) as exc:
            # (a serialization error: a value with no JSON form, in metadata say, or a lone surrogate; a decode
            # error: bytes that are not UTF-8. It cannot be sent either.)
            sourced_id = item.get("sourcedId") if isinstance(item, Mapping) else getattr(item, "sourcedId", None)
            if isinstance(exc, pydantic.ValidationError):
                error = _errors(exc)
                if not isinstance(item, (Mapping, pydantic.BaseModel)):  # (None, 5, a list of pairs: say which)
                    error += f" (given: {type(item).__name__})"
            else:
                error = unencodable_text(item if result is None else result) or str(exc)
            # (a result given without a sourcedId is named None: it still counts as one failed. So is one given a
            # sourcedId that is not text, its value said: named str(1), the int 1 read as another result's "1")
            named = str(sourced_id) if isinstance(sourced_id, str) else None
            if sourced_id is not None and named is None:
                error += f" (sourcedId given: {type(sourced_id).__name__} {reprlib.repr(sourced_id)})"
            position = (self.summary.taken - 1,)
            self.summary._add_failure(BulkFailure((named,), f"invalid result: {error}", positions=position))
            return None
        if self.replace and not _id_given(item):
            self.summary._add_failure(BulkFailure((None,), NO_ID_TO_REPLACE, positions=(self.summary.taken - 1,)))
            return None
        return self._place(result["sourcedId"], result["lineItem"]["sourcedId"], encoded, self.summary.taken - 1)

    def add_unsent(self, item: Any) -> None:
        """Take ``item``, read from the input as the upload stopped (a batch that ended meanwhile was refused, say),
        to be counted as not sent with the rest (``rest``): ``taken`` is what was read, so a caller going on from the
        same iterator, or skipping ``taken`` results of the input, re-sends it with the failures. (Before, it was
        read and in no count.)"""
        if (batch := self.add(item)) is not None:
            self._ready.append(batch)

    def _place(self, result_id: str, line_item: str, encoded: bytes, position: int) -> Batch | None:
        if result_id in self._unsettled_ids:
            # (sent with the first, it would sink their whole batch: 422 for a batch naming an id twice; sent while
            # the first's batch is in flight, the server may store it first and refuse the first's whole batch with
            # 409. It waits for the first's batch to settle, waiting or in flight alike: what becomes of it then does
            # not hang on the batch size or on timing. Only the results waiting or in flight are compared: memory
            # stays flat.)
            if (copies := self._repeats.get(result_id)) is None:
                copies = self._repeats[result_id] = deque()
            copies.append((line_item, encoded, position))
            self.held_repeats += 1
            return None
        pending = self._pending
        group = pending.get(line_item)
        if group is None:
            group = pending[line_item] = Batch(line_item, [], EncodedItems(), [])
        group.ids.append(result_id)
        group.positions.append(position)
        self._unsettled_ids.add(result_id)
        group.records.append(encoded)  # (kept encoded, not as the dict: see EncodedItems)
        self._held += 1
        size = len(group.ids)
        if size > 1:
            self._unsized(line_item, size - 1)
        if size >= self.batch_size:
            return self._take(line_item, sized=False)
        self._by_size.setdefault(size, {})[line_item] = None
        self._fullest = max(self._fullest, size)
        if self._held > PENDING_BATCHES * self.batch_size:
            return self._take(next(iter(self._by_size[self._fullest])))
        return None

    def _unsized(self, line_item: str, size: int) -> None:
        """``line_item``'s batch no longer of ``size`` (grown, or taken)."""
        same = self._by_size[size]
        del same[line_item]
        if not same:
            del self._by_size[size]

    def _take(self, line_item: str, *, sized: bool = True) -> Batch:
        batch = self._pending.pop(line_item)
        if sized:  # (not when taken full: never among the sizes)
            self._unsized(line_item, len(batch.ids))
        while self._fullest and self._fullest not in self._by_size:  # (at most a batch's size of steps per batch)
            self._fullest -= 1
        self._held -= len(batch.ids)
        return batch

    def waited_for(self) -> Iterator[Batch]:
        """The part-filled batches holding first copies of held repeats, each taken as it is given: sent now, full
        or not, when no more input is read until the repeats go."""
        for line_item in [li for li, batch in self._pending.items() if any(i in self._repeats for i in batch.ids)]:
            if line_item in self._pending:  # (not if a batch settled while one was sent filled it: taken then)
                yield self._take(line_item)

    def settled(self, batch: Batch, failures: Iterable[BulkFailure]) -> None:
        """``batch`` (one this batcher made) is settled, ``failures`` what its outcome added to the summary. The
        repeats held for it are taken now, each in turn (a third copy waits for the second): with
        ``if_exists="fail"`` a repeat of a copy stored, maybe stored or refused with 409 (the id exists) goes in a
        batch of its own, for its 409 to fail it alone (in a batch of later results, it cost that batch a request
        more: the 409 naming it, and the rest sent again); otherwise
        it goes as a later input would. The batches they fill are ``ready``."""
        self._unsettled_ids.difference_update(batch.ids)
        if self._repeats:
            absent = {
                sourced_id
                for failure in failures
                if not failure.maybe_stored and failure.status_code != 409
                for sourced_id in failure.sourced_ids
            }
            for sourced_id, first in zip(batch.ids, batch.positions, strict=True):
                if (copies := self._repeats.pop(sourced_id, None)) is None:
                    continue
                # Only the first copy goes; the others wait for its batch, in order. (Placed again one by one, they
                # went straight back here: n copies of one id cost up to n x batch_size placings, 18 s for 16,000.)
                line_item, encoded, position = copies.popleft()
                self.held_repeats -= 1
                if not self.replace and sourced_id not in absent:
                    self._unsettled_ids.add(sourced_id)
                    # (a third copy repeats the copy the second repeated: that one holds the id, not the second)
                    before = first if batch.repeat_of is None else batch.repeat_of
                    self._ready.append(Batch(line_item, [sourced_id], EncodedItems([encoded]), [position], before))
                elif (full := self._place(sourced_id, line_item, encoded, position)) is not None:
                    self._ready.append(full)
                if copies:  # (held again last, as placing them did: ``rest(held=True)`` counts them in that order)
                    self._repeats[sourced_id] = copies

    def lost(self, batch: Batch, reason: str) -> None:
        """``batch`` was sent, and its answer will not be known (cancelled in flight, or not waited for): it counts
        as a batch whose answer a network error lost (see ``record_outcome``), sent and failed, maybe stored."""
        self.summary.batches += 1
        self.summary.sent += len(batch.ids)
        failure = batch.failure(reason, maybe_stored=True)
        self.summary._add_failure(failure)
        self.settled(batch, [failure])

    def ready(self) -> Iterator[Batch]:
        """The batches filled by repeats taken as their first copies settled, each taken as it is given."""
        while self._ready:
            yield self._ready.popleft()

    def rest(self, *, held: bool = False) -> Iterator[Batch]:
        """The batches ready and part-filled left at the end of the input, each taken as it is given: when the
        upload stops while they are sent, those not given yet are still here, for ``not_sent`` to count. ``held``:
        the repeats still waiting for their first copies too (to count, never to send)."""
        yield from self.ready()
        while self._pending:
            yield self._take(next(iter(self._pending)))
        while held and self._repeats:
            sourced_id, copies = self._repeats.popitem()
            self.held_repeats -= len(copies)
            for line_item, encoded, position in copies:
                yield Batch(line_item, [sourced_id], EncodedItems([encoded]), [position])


def _errors(exc: pydantic.ValidationError, shown: int = 5) -> str:
    """Every field at fault, as "where: what", joined (a row missing three fields names the three: fixed one at a
    time, it failed three syncs in a row), the first ``shown`` and how many more."""
    errors = exc.errors(include_url=False)
    named = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'result'}: {e['msg']}" for e in errors[:shown])
    return named + (f"; and {len(errors) - shown} more" if len(errors) > shown else "")


# An upload stops once its batches have reached no server for this long (see ``Reachability``).
UNREACHABLE_SECONDS = 30.0


class Reachability:
    """Whether the server still answers. An upload stops when every batch has failed to reach it (a connection
    error or a timeout, after the batch's retries) for ``UNREACHABLE_SECONDS`` since the last answer of any kind,
    and more batches in a row than are sent at once: a short outage fails the batches in flight together, and that
    alone does not stop it. (Without it, an upload to a server that was down went through every batch's retries,
    one batch after another behind the token's: a million results took about 23 minutes to say so.) Any answer from
    the API counts, the token endpoint's aside (``answered()``), to a batch's failed attempts or to the reads
    confirming it: counting only a batch's outcome, an upload whose every POST a proxy cut stopped while the server
    answered those reads."""

    def __init__(self, concurrency: int, answered: Callable[[], float] = float) -> None:
        self.concurrency = concurrency
        self.failed_in_a_row = 0
        self.answered = monotonic()  # (the upload's start, before any answer)
        self._client_answered = answered

    def gone(self, outcome: object) -> bool:
        """Count ``outcome``; True when the upload should stop on it (the note on it says why)."""
        if not isinstance(outcome, APIConnectionError):
            self.failed_in_a_row, self.answered = 0, monotonic()
            return False
        self.failed_in_a_row += 1
        silent = monotonic() - max(self.answered, self._client_answered())
        if self.failed_in_a_row <= self.concurrency or silent < UNREACHABLE_SECONDS:
            return False
        outcome.add_note(
            f"no answer from the server for {silent:.0f} s ({self.failed_in_a_row} batches in a row could not reach "
            "it): the upload stopped"
        )
        return True


def record_outcome(
    summary: BulkSummary,
    batch: Batch,
    outcome: Outcome | BaseException,
    reach: Reachability,
    closed: Callable[[], bool] = bool,
    *,
    replace: bool = False,
) -> BaseException | None:
    """Count a batch's answer; return the error the upload stops with, if it stops there: every later batch would
    fail alike (the credentials or their scopes refused, the server not reached for long: ``reach``, the client
    closed: ``closed()``, asked only of a failure), or the outcome is no API failure (an answer not as documented,
    but a 2xx cut short: read back, a bug)."""
    gone = reach.gone(outcome)
    if isinstance(outcome, Split):
        summary.batches += 1
        summary.sent += sum(len(failure.sourced_ids) for failure in outcome.failures)  # (those refused: sent)
        summary.retries_taken += outcome.retries_taken
        for failure in outcome.failures:
            summary._add_failure(failure)
        stop = None
        for part, settled in outcome.parts:
            if settled is None:  # (sent once, in the batch refused: they count as sent)
                summary.sent += len(part.ids)
                why = f"not sent again {outcome.how}: the upload stopped"
                summary._add_failure(part.failure(why))
            elif (fatal := record_outcome(summary, part, settled, reach, closed, replace=replace)) is not None:
                stop = stop or fatal
        return stop
    summary.batches += 1
    summary.sent += len(batch.ids)
    if isinstance(outcome, Replaced):
        summary.stored += outcome.replaced + outcome.unchanged
        summary.replaced += outcome.replaced
        summary.unchanged += outcome.unchanged
        summary.retries_taken += outcome.retries_taken
        for failure in outcome.failures:
            summary._add_failure(failure)
        return outcome.stop
    if not isinstance(outcome, BaseException):
        summary.stored += len(batch.ids)  # a batch is all or nothing: a success stored every result in it
        summary.retries_taken += outcome.retries_taken
        return None
    if isinstance(outcome, RequestError):
        summary.retries_taken += outcome.retries_taken
        reason = str(outcome)
        if too_large(outcome) and len(batch.ids) == 1:  # (the server's "send fewer records" cannot help it)
            reason += f" ({ONE_TOO_LARGE})"
        elif outcome.status_code == 409 and not replace:  # (a sync run again: the 409 said nothing of the way out)
            reason += f" ({exists_hint(batch)})"
        failure = batch.failure(reason, outcome.status_code, outcome.request_id, outcome._answer_lost)
    elif isinstance(outcome, APIConnectionError):
        summary.retries_taken += outcome.retries_taken
        summary._add_failure(batch.failure(str(outcome), None, outcome.request_id, outcome._answer_lost))
        return outcome if gone or closed() else None
    elif isinstance(outcome, APIResponseValidationError) and outcome._answer_lost:
        # (its 2xx answer cut short, and its results not read back as sent: ``call`` or ``replacing`` read them.
        # Failed, maybe stored, as a batch answered without its pairs is, the upload going on)
        summary.retries_taken += outcome.retries_taken
        failure = batch.failure(str(outcome), None, outcome.request_id, maybe_stored=True)
    else:
        # Not an API failure (an answer not as documented, a bug): the upload stops with it. Whether the batch was
        # stored is not known (a garbled 201 may follow a commit): it counts as failed, so that what was taken
        # still adds up.
        reason = f"the upload stopped: {type(outcome).__name__}: {outcome}"
        status, request_id = getattr(outcome, "status_code", None), getattr(outcome, "request_id", None)
        summary._add_failure(batch.failure(reason, status, request_id, maybe_stored=True))
        return outcome
    summary._add_failure(failure)
    return outcome if stops(outcome, closed) else None


def stops(outcome: Outcome | BaseException, closed: Callable[[], bool] = bool) -> bool:
    """Whether the upload stops on a batch's outcome (``record_outcome``), the server not reached for long aside:
    the credentials or their scopes refused, the client closed (asked only of a failure), no API failure, or a part
    of a batch sent in parts stopping it."""
    if isinstance(outcome, Split):
        return any(settled is not None and stops(settled, closed) for _, settled in outcome.parts)
    if isinstance(outcome, Replaced):
        return outcome.stop is not None
    if isinstance(outcome, APIResponseValidationError) and outcome._answer_lost:  # (a 2xx cut short: an API failure)
        return closed()
    if isinstance(outcome, (RequestError, APIConnectionError)):
        return isinstance(outcome, (AuthError, PermissionDeniedError)) or closed()
    return isinstance(outcome, BaseException)


@dataclass
class Replaced:
    """How a batch refused with 409, or whose answer was lost and every record read back, was settled record by
    record (``if_exists="replace"``): each result read back as sent counts as stored unchanged; each other one was PUT
    (created or replaced), or failed alone."""

    replaced: int = 0
    unchanged: int = 0
    failures: list[BulkFailure] = field(default_factory=list)
    retries_taken: int = 0
    stop: BaseException | None = None  # the credentials or their scopes refused: the upload stops after this batch


# Failed reads of one record's derived reference (a line item's, for its class) a batch replaced makes before it
# stops asking: each of its results needing it is PUT then, not judged (``_reading_derived``)
DERIVED_READ_ATTEMPTS = 3


def _reading_derived(
    client: BaseClient,
    create: Operation[Any, Any],
    derived: dict[Any, Any],
    held: Any,
    record: dict[str, Any],
    unread: dict[str, int],
) -> Exchange[int]:
    """Read into ``derived`` the reference the server gives ``record`` (its line item's class) if ``held`` needs it
    to be judged and it was not read yet; the retries the read took. A read that fails is counted in ``unread`` (the
    batch's), not kept: the next result needing it reads it again, up to ``DERIVED_READ_ATTEMPTS`` failures. (Kept as
    None, one failed read had every result of the line item PUT for the rest of the upload: 968 of 1,000 stored as
    sent rewritten, their stamps moved, under faults.)"""
    from timeback._read_back import derives_from

    source = derives_from(create, held, record)
    if source is None or source in derived or unread.get(source, 0) >= DERIVED_READ_ATTEMPTS:
        return 0
    more, retries, failed = yield from client.derived_reads(create, [source])
    if failed is None:
        derived[source] = more.get(source)
    else:  # (not read: the result is PUT, unless a later one reads it)
        unread[source] = unread.get(source, 0) + 1
    return retries


def _maybe_as_sent(
    create: Operation[Any, Any],
    held: Any,
    record: dict[str, Any],
    derived: dict[Any, Any],
    unread: dict[str, int],
    dates: Any,
    refs: Any,
) -> bool:
    """Whether ``held`` may be ``record`` as sent though it was not judged so: what the server derives for it (its
    line item's class) could not be read (``unread``, never read since), and it is as sent if that is what ``held``
    names. (A record differing in another field is not: its score changed, it was said maybe stored as sent.)"""
    from timeback._read_back import DERIVED, derives_from, sourced_id_of, written_as_sent

    source = derives_from(create, held, record)
    if source is None or source in derived or source not in unread:
        return False
    fields = DERIVED[create.stored_in or create.collection][0]
    as_held = {source: {name: sourced_id_of(held.get(name)) for name in fields}}
    return bool(written_as_sent(create, held, record, dates, as_held, refs))


def replaces(refused: RequestError | APIConnectionError | APIResponseValidationError) -> bool:
    """Whether ``if_exists="replace"`` settles a batch that failed so record by record (``replacing``): refused with
    409 (some of its results exist), or failed after an attempt got no answer (it may have stored them), or answered
    2xx cut short (it stored them, not saying what)."""
    return isinstance(refused, ConflictError) or refused._answer_lost


def replacing(
    client: BaseClient,
    create: Operation[Any, Any],
    put: Operation[Any, Any],
    batch: Batch,
    refused: RequestError | APIConnectionError | APIResponseValidationError,
    stopping: Callable[[], bool] = bool,
    derived: dict[str, Any] | None = None,
) -> Exchange[Replaced]:
    """The requests that settle a batch the server refused because some of its results exist (its 409), or one that
    failed after an attempt got no answer or was answered 2xx cut short (``replaces``): read the batch's records back
    (as a retried create's are confirmed), then PUT each result not stored as sent. One whose answer was lost or cut
    short only when every record reads back (they exist, as a 409 would have said): else ``refused`` is raised, saying
    why, as the call's confirmation fails it (they may be stored, or may still be). Run by the client's ``exchange``; no
    I/O here. A read that fails fails the whole batch (with the 409 and why); a PUT that fails fails its result alone
    (unless an attempt of it got no answer and it reads back as PUT: replaced); refused credentials or scopes, or the
    client closed, stop the upload. When ``stopping()`` turns true (the upload stops: Ctrl-C, a refusal elsewhere), no
    more PUTs are sent either, instead of the stop waiting for up to a batch of PUTs. After a stop, the results left
    that a PUT would change count as not sent; those stored as sent still count unchanged."""
    from timeback._base_client import LOOP_TURN, retries_taken_of
    from timeback._read_back import written_as_sent
    from timeback.models._base import date_fields, reference_fields

    sent = batch.records.decoded()
    outcome = Replaced(retries_taken=refused.retries_taken)
    held = yield from client.reading_back(create, client.read_back_requests(create, sent) or [])
    outcome.retries_taken += held.retries_taken
    if not isinstance(refused, ConflictError) and (held.failed is not None or not held.records.keys() >= {*batch.ids}):
        client.confirmed(create, sent, held, refused)  # (not confirmed: it says why in the error's message)
        raise refused
    if held.failed is not None:
        failed = held.failed
        status, request_id = getattr(failed, "status_code", None), getattr(failed, "request_id", None)
        reason = f"{refused}; reading the existing records back to replace them failed: {failed}"
        if refused._answer_lost:  # (its 409 may be the batch's own, stored by an attempt whose answer was lost)
            reason += "; an attempt got no answer: the batch may have been stored by it"
        outcome.failures.append(batch.failure(reason, status, request_id, refused._answer_lost))
        outcome.stop = failed if isinstance(failed, (AuthError, PermissionDeniedError)) or client.is_closed() else None
        return outcome
    stored = held.records
    dates, refs = date_fields(put.request), reference_fields(put.request)
    # (the line items' classes, read when a result holds a class it is not sent: shared by the upload's batches)
    derived = {} if derived is None else derived
    not_put: list[int] = []  # (once the upload stops: the results left that a PUT would change, by index)
    unread: dict[str, int] = {}  # (failed reads of a reference to judge results by: ``_reading_derived``)
    for index, record in enumerate(sent):
        if (index + 1) % LOOP_TURN_EVERY == 0:  # (comparing a batch of 1,000 held an async app's event loop ~50 ms)
            yield LOOP_TURN
        sourced_id = record["sourcedId"]
        held_now = stored.get(sourced_id)
        outcome.retries_taken += yield from _reading_derived(client, create, derived, held_now, record, unread)
        if written_as_sent(create, held_now, record, dates, derived, refs):  # (as a PUT would leave it)
            outcome.unchanged += 1  # (after a stop too: stored as sent, it is no failure)
            continue
        if outcome.stop is not None or stopping():
            not_put.append(index)
            continue
        request = ValidatedRequest({"sourced_id": sourced_id, cast(str, put.wire_body_key): record})
        answer = yield client.build_request(put, request)
        if not isinstance(answer, BaseException):
            outcome.replaced += 1
            outcome.retries_taken += retries_taken_of(answer)
            continue
        outcome.retries_taken += answer.retries_taken
        if answer._answer_lost:
            # (an attempt got no answer and may have written it: read back, held as PUT, it was replaced)
            check = yield from client.reading_back(create, client.read_back_requests(create, [record]) or [])
            outcome.retries_taken += check.retries_taken
            if check.failed is None:
                was = check.records.get(sourced_id)
                outcome.retries_taken += yield from _reading_derived(client, create, derived, was, record, unread)
                if written_as_sent(create, was, record, dates, derived, refs):
                    outcome.replaced += 1
                    continue
        reason = str(answer)
        if answer._answer_lost and check.failed is not None:  # (its error says it may have been applied)
            reason += f"; reading it back failed: {check.failed}"
        unjudged = not answer._answer_lost and _maybe_as_sent(create, held_now, record, derived, unread, dates, refs)
        if unjudged:
            reason += ("; it is stored, and may be stored as sent: reading what the server gives it (its line "
                       "item's class) to compare failed")  # fmt: skip
        status, request_id = getattr(answer, "status_code", None), getattr(answer, "request_id", None)
        failure = batch.part([index]).failure(reason, status, request_id, answer._answer_lost or unjudged)
        outcome.failures.append(failure)
        if stops(answer, client.is_closed):
            outcome.stop = answer
    if not_put:
        outcome.failures.append(batch.part(not_put).failure("not sent: the upload stopped"))
    return outcome


# A batch refused with 422 naming some of its results is sent again without them, this many times in a row (the
# server checks what each result's validation here leaves to it: an enum's members, a real date, unknown fields,
# references, and one result it refuses must not sink the others of its batch). Refused again after that, it goes
# in halves (``resent``): a server naming one result a 422 (as Timeback may) costs about log2(batch_size) requests
# for each result it refuses, not one request each (a batch's worth of requests of up to a batch each).
MAX_RESENDS = 3
# A batch's refusals naming some of its results, its parts' counted with its own, before the rest of it is not sent
# again, while no part of it is stored: a server laying a refusal of the whole batch on one result (``results[0]``,
# each time) cost a request for each result of it, 1,000 a batch. A part stored shows a real upload, whose every
# result named fails alone however many there are (one a 422, 30 refused of 1,000 take about 58 requests).
MAX_REFUSALS = 64
SENT_AGAIN = "; the rest of its batch was sent again"  # (ends the reason of a result a refusal named)
ONE_TOO_LARGE = "this result alone is over the server's size limit"  # (a 413 on a batch of one: said in its reason)
# (said in the reason of a batch refused 409 with if_exists="fail")
IF_EXISTS_HINT = (
    'sending results stored before again? if_exists="replace" leaves those stored as sent and PUTs the others. '
    "Or a repeat of a row earlier in this input, stored already: replace would PUT it over that row"
)


def exists_hint(batch: Batch) -> str:
    """What a 409 to ``batch`` (if_exists="fail") adds to its reason: the way out of a sync run again, or, for a
    repeat of a sourcedId earlier in the input (held until that copy's batch settled, then sent alone), which
    copy it repeats: with the general hint alone, a repeat looked like a record stored before."""
    if batch.repeat_of is None:
        return IF_EXISTS_HINT
    return (f"the sourcedId of input position {batch.repeat_of} repeated; if_exists=\"replace\" would PUT this result "
            "over that one")  # fmt: skip


def too_large(outcome: object) -> bool:
    """Whether a batch was refused as too large for the server (413)."""
    return isinstance(outcome, RequestError) and outcome.status_code == 413


# (``results[3].comment``; ``results[3] (a key)``, the server's for a key of the result itself)
_ITEM_FIELD = re.compile(r"results\[(\d+)\](?:[. ](.+))?", re.DOTALL)


@dataclass
class RefusalCount:
    """One batch's refusals naming some of its results, its parts' counted with its own (sent one after another):
    ``left`` of ``MAX_REFUSALS``, whether a part of it was stored (no count then), and the last refusal's words."""

    left: int = MAX_REFUSALS
    stored: bool = False
    last: tuple[str, int | None, str | None] = ("", None, None)  # (reason, status, request id: for those not sent)


@dataclass
class Refusals:
    """A batch's refusals naming some of its results (``resent``): ``in_a_row`` along the parts that led to this one,
    and its ``count``, shared by the batch and all its parts."""

    in_a_row: int = 0
    count: RefusalCount = field(default_factory=RefusalCount)
    after_conflict: bool = False  # (a 409 split one of the parts that led to this one: another fails it whole)

    def settled(self, outcome: object) -> None:
        """Note a part's outcome (``outcome``): stored, the batch's refusals are no longer counted."""
        if stored_some(outcome):
            self.count.stored = True

    def spent(self) -> bool:
        """Whether the batch's parts are no longer sent: refused ``MAX_REFUSALS`` times, no part of it stored."""
        return self.count.left <= 0 and not self.count.stored

    def unsent(self, split: Split) -> None:
        """Fail ``split``'s parts not sent once its count is spent, with the last refusal's words. They were sent
        before, each once more (a halving's other half waiting at each level: 1,000 a batch took up to about ten
        requests past the count); now the count bounds the batch's requests."""
        if self.spent():
            split.failures += [part.failure(*self.count.last) for part, outcome in split.parts if outcome is None]
            split.parts = [(part, outcome) for part, outcome in split.parts if outcome is not None]


@dataclass
class Split:
    """A batch refused and sent again in parts (``resent``): the results it was refused for failed (``failures``),
    and each part (the rest after a 422, the halves after a 413) has its own outcome (None: not sent again, the
    upload stopped). ``how``: how the parts were made, for their failure then."""

    failures: list[BulkFailure]
    retries_taken: int
    parts: list[tuple[Batch, Outcome | BaseException | None]]
    how: str = "without the results its batch was refused for"


class Splitting:
    """An upload's batches sent again in parts (shared by them: threads on ``Timeback``), and whether a 413 still
    halves a batch. A server refusing every size (a gateway's or a firewall's rule) answers 413 to a single result
    too: halving went on all the same, 2n - 1 requests for a batch of n, one after another (a million results, two
    million requests). Once a part of one result is answered 413 and no part of any batch sent in parts is stored
    yet, a 413 fails its batch whole, with the server's reason: such a server costs about 2 log2(batch_size)
    requests, then one a batch. A real size limit stores halves, and halving goes on (the one result too large
    still fails alone). ``closed``: whether the client was closed (a part's failure then stops the upload)."""

    def __init__(self, closed: Callable[[], bool] = bool) -> None:
        self.closed = closed
        # (flags that only ever turn True, each by a plain assignment: no lock. A race costs one halving more.)
        self._single_refused = False
        self._part_stored = False

    def halves(self) -> bool:
        """Whether a batch answered 413 is sent again in halves."""
        return self._part_stored or not self._single_refused

    def settled(self, split: Split, index: int, outcome: Outcome | BaseException) -> bool:
        """Note ``outcome``, that of ``split``'s part ``index``; whether to send its next part (not once the upload
        stops on it: the parts left count as not sent again, and the stop does not wait for them)."""
        part = split.parts[index][0]
        split.parts[index] = (part, outcome)
        if too_large(outcome) and len(part.ids) == 1:
            self._single_refused = True
        elif stored_some(outcome):
            self._part_stored = True
        return not stops(outcome, self.closed)


def stored_some(outcome: object) -> bool:
    """Whether a part's ``outcome`` stored results of it (a nested split's parts are noted by its own loop)."""
    if isinstance(outcome, (BaseException, Split)):
        return False
    return not isinstance(outcome, Replaced) or outcome.replaced + outcome.unchanged > 0


def resent(
    refused: RequestError | APIConnectionError | APIResponseValidationError,
    batch: Batch,
    refusals: Refusals,
    splitting: Splitting,
    *,
    replace: bool = False,
) -> tuple[Split, Refusals] | None:
    """How a refused batch is sent again: its ``Split``, no part sent yet, and the ``resends`` its parts count;
    None: it fails whole. A 413 (too large for the server: a local server's ``max_json_values`` is about 15,000
    results) sends it again in two halves, down to single results (one answered 413 fails alone, with the server's
    reason) while ``splitting`` halves; a 422 naming results, as ``without_named`` says, the rest whole the first
    ``MAX_RESENDS`` times, in halves after (each 422 naming a result, the parts end); so does a 409 naming some of
    its results as existing, once (the part sent again fails whole on a 409), except with ``replace`` (it
    settles the batch record by record: ``replacing``). Never after an attempt got
    no answer: it may have stored the batch, whose parts would then meet 409 each, their failures no longer saying
    they may be stored (whole, it fails maybe stored, or is settled record by record: ``replaces``)."""
    if refused._answer_lost:
        return None
    if too_large(refused) and len(batch.ids) > 1:
        if not splitting.halves():
            return None
        how = "in halves after its batch was too large (413)"
        return Split([], refused.retries_taken, [(part, None) for part in _halves(batch)], how), refusals
    # (a 409: split once, not again for the part sent again, whose 409 fails it whole: a server naming one existing
    # result a 409, every result existing, would cost a request per result; 120 for a batch of 1,000, it was 1)
    parted = without_named(refused, batch, conflicts=not replace and not refusals.after_conflict)
    if parted is None:
        return None
    failures, rest = parted
    count = refusals.count
    count.left -= 1
    conflict = refusals.after_conflict or refused.status_code == 409
    more = Refusals(refusals.in_a_row + 1, count, conflict)
    if more.spent():
        why = (f"not sent again: its batch was refused for some of its results {MAX_REFUSALS} times (a refusal of "
               f"every result laid on some, say), the last: {refused}")  # fmt: skip
        count.last = (shown(why, MAX_SHOWN_MESSAGE), failures[0].status_code, failures[0].request_id)
        if rest.ids:
            failures = [dataclasses.replace(f, reason=f.reason.removesuffix(SENT_AGAIN)) for f in failures]
            failures.append(rest.failure(*count.last))
            return Split(failures, refused.retries_taken, []), more
    if refusals.in_a_row < MAX_RESENDS or len(rest.ids) < 2:
        return Split(failures, refused.retries_taken, [(rest, None)] if rest.ids else []), more
    # (refused for some of its results again and again: in halves, each settled as its batch, so that every result
    # the server names fails alone and the others are stored however few it names at a time. Before, the rest of the
    # batch failed whole after the third resend, each result with the fourth 422, another result's reason)
    status = failures[0].status_code  # (the refusal's: 422, or 400)
    how = f"in halves after its batch was refused ({status}) for some of its results {more.in_a_row} times"
    return Split(failures, refused.retries_taken, [(part, None) for part in _halves(rest)], how), more


def _halves(batch: Batch) -> list[Batch]:
    middle = len(batch.ids) // 2
    return [batch.part(range(middle)), batch.part(range(middle, len(batch.ids)))]


def without_named(
    refused: RequestError | APIConnectionError | APIResponseValidationError, batch: Batch, *, conflicts: bool = False
) -> tuple[list[BulkFailure], Batch] | None:
    """The failures of the results a 422 or 400 names (``results[3].scoreStatus``), each with what was said of it alone,
    or, given ``conflicts``, a 409 naming some of them, not all (``results[3].sourcedId``: it exists; one result
    stored before sank a batch of later results, as every result of a batch of 1,000 holding one id sent by an
    earlier run failed), and the batch without them (empty if it names all of them: nothing to send again); None if
    it names none of them (a server whose 422 names no results, or only the batch as a whole: the batch fails whole,
    with what was said of it) or a result past the batch's end (what it counts is not known). What it says of the
    batch as a whole besides it says again of the rest sent again, if it still holds: the rest then fails with that,
    not with what was said of the results named (before, it failed whole with all of it)."""
    # (a 400 too: the server's for a value that is no JSON, a NaN in one result's metadata, names that result; it
    # sank its whole batch)
    if not isinstance(refused, RequestError) or refused.status_code not in (
        (400, 422, 409) if conflicts else (400, 422)
    ):
        return None
    details = refused.imsx_error_details if isinstance(refused.imsx_error_details, list) else []
    said = [(d["field"], str(d.get("message", ""))) for d in details if isinstance(d, dict) and "field" in d]
    said = said or [(name, refused.message) for name, _ in refused.code_minor]
    named: dict[int, list[str]] = {}
    references: dict[str, list[tuple[int, str]]] = {}  # "student.sourcedId": (result, what was said of it)
    for where, message in said:
        if (match := _ITEM_FIELD.fullmatch(str(where))) is None:
            continue  # (the batch as a whole: see above)
        if int(match[1]) >= len(batch.ids):
            return None
        named.setdefault(int(match[1]), []).append(f"{match[2]}: {message}" if match[2] else message)
        if match[2] and match[2].endswith(".sourcedId"):
            references.setdefault(match[2], []).append((int(match[1]), named[int(match[1])][-1]))
    if references:
        _name_same_references(named, references, batch)
    if not named or (refused.status_code == 409 and len(named) == len(batch.ids)):
        return None  # (every result of it exists, a sync run again: one failure for the batch, not one each)
    kept = [index for index in range(len(batch.ids)) if index not in named]
    then = (f" ({exists_hint(batch)})" if refused.status_code == 409 else "") + (SENT_AGAIN if kept else "")
    failures = [
        batch.part([index]).failure(told(shown("; ".join(messages), MAX_SHOWN_MESSAGE), refused.method, refused.url,
                                         refused.request_id, refused.status_code) + then,
                                    refused.status_code, refused.request_id)
        for index, messages in sorted(named.items())
    ]  # fmt: skip
    return failures, batch.part(kept)


def _name_same_references(
    named: dict[int, list[str]], references: dict[str, list[tuple[int, str]]], batch: Batch
) -> None:
    """Add to ``named`` every other result of ``batch`` holding an id a 422 refused at the same reference, with the
    same reason: a server may name an unknown id only at the first result holding it, and the others, sent again,
    would each cost one more 422 until the batch failed whole (``MAX_RESENDS``). The ids are read from the batch's
    own records, not from the messages."""
    records = batch.records.decoded()
    for path, said in references.items():
        keys = path.split(".")
        refused: dict[str | None, str] = {}
        for index, reason in said:
            refused.setdefault(_at(records[index], keys), reason)  # (what was said where it was first named)
        refused.pop(None, None)
        done = {index for index, _ in said}
        for index, record in enumerate(records):
            if index not in done and (same := refused.get(_at(record, keys))) is not None:
                named.setdefault(index, []).append(same)


def _at(record: Any, keys: list[str]) -> str | None:
    """The id at ``keys`` (``["student", "sourcedId"]``) in ``record``, if it holds one there."""
    for key in keys:
        record = record.get(key) if isinstance(record, dict) else None
    return record if isinstance(record, str) else None


# Why the results an async upload's cancel leaves are not sent
CANCELLED = "the upload was cancelled"


def not_sent(summary: BulkSummary, batches: Iterable[Batch], why: str) -> None:
    """Results taken that will not be sent, counted as failed (``taken == stored + failed`` still holds)."""
    for batch in batches:
        summary._add_failure(batch.failure(f"not sent: {why}"))


def check_results(results: object) -> None:
    """Refuse one result (a dict, a model, a record read) or a string given where the iterable of them goes: it
    would be iterated, a dict's keys or a model's fields each an invalid result, and nothing raised."""
    if isinstance(results, (Mapping, pydantic.BaseModel, str, bytes)):
        raise TypeError(
            f"bulk_post_results takes an iterable of results (a list, a generator...), not one "
            f"{type(results).__name__}: give [record] for a single result"
        )
    if any(kind.__name__.endswith("DataFrame") and kind.__module__.partition(".")[0] in _DATAFRAME_LIBRARIES
           for kind in type(results).__mro__):  # fmt: skip
        # (iterated, a DataFrame gives its column names, or columns: each an invalid result, "6 taken" for 5 rows)
        raise TypeError(
            "bulk_post_results takes an iterable of results; a DataFrame iterates its columns: give its rows as "
            'dicts (pandas: df.to_dict("records"); polars: df.to_dicts()), leaving out the empty cells (NaN is no '
            "value: README, Bulk uploads)"
        )


# (the packages whose DataFrames, subclasses too, iterate their columns: pandas and those made like it)
_DATAFRAME_LIBRARIES = frozenset(("pandas", "polars", "modin", "dask", "dask_expr", "pyspark", "cudf", "geopandas"))


def _awaits(call: Callable[..., object]) -> bool:
    """Whether calling ``call`` makes a coroutine: an ``async def``, an object whose ``__call__`` is one, or a
    ``functools.partial`` of either. (A lambda returning one is found at its first call: ``_report``.)"""
    while isinstance(call, functools.partial):
        call = call.func
    if inspect.iscoroutinefunction(call):
        return True
    return not inspect.isroutine(call) and inspect.iscoroutinefunction(type(call).__call__)


class ProgressReports:
    """``on_progress`` after every batch, and once more when the upload ends or stops if the counts changed since
    (results found invalid after the last batch; in a stop, the batches settled and the results not sent): its last
    call holds the summary's counts, or the stop's note's (an input of invalid results only never made a call).
    ``on_failure``, if given, takes each failure the summary holds (``failures``): a batch's before the
    ``on_progress`` call counting them, an invalid result's as it is taken, the rest when the upload ends or stops;
    the summary keeps none. Either is never called again once it raised. ``through``: how they are called (the sync
    upload's: where Ctrl-C lands)."""

    def __init__(
        self,
        summary: BulkSummary,
        on_progress: ProgressCallback | None,
        through: Callable[..., Any] = operator.call,
        on_failure: FailureCallback | None = None,
    ) -> None:
        self._summary, self._through = summary, through
        self._calls: dict[str, Callable[[Any], object] | None] = {"on_progress": on_progress, "on_failure": on_failure}
        self._last: BulkProgress | None = None

    @staticmethod
    def check(on_progress: ProgressCallback | None, on_failure: FailureCallback | None = None) -> None:
        """Refuse an ``async def`` before anything is read: its coroutine would be made after every batch and never
        run (the upload cannot await it between batches)."""
        for name, call in (("on_progress", on_progress), ("on_failure", on_failure)):
            if call is not None and _awaits(call):
                raise TypeError(
                    f"{name} is called, not awaited: give a plain function (an async one can schedule its work "
                    "with asyncio.create_task)"
                )

    def failures(self, through: Callable[..., Any] | None = None) -> None:
        """Hand ``on_failure`` the failures the summary holds, each in turn, and drop them from it."""
        if self._calls["on_failure"] is not None:
            summary = self._summary
            taken, summary.failures = summary.failures, []
            for failure in taken:
                self._report("on_failure", failure, through)

    def after_batch(self, through: Callable[..., Any] | None = None) -> None:
        self.failures(through)
        if self._calls["on_progress"] is not None:
            self._last = self._summary.progress()
            self._report("on_progress", self._last, through)

    def _report(self, name: str, value: object, through: Callable[..., Any] | None) -> None:
        made = (through or self._through)(self._called, name, value)
        if not inspect.isawaitable(made):
            return
        import asyncio  # (here: ``import timeback`` does not load it)

        if asyncio.isfuture(made):  # (a task it scheduled, as ``check`` advises: kept until done, as asyncio asks)
            _scheduled.add(made)
            made.add_done_callback(_scheduled.discard)
        else:  # (a coroutine, from a lambda around an async function, say: refused as above)
            self._calls[name] = None
            what = "a coroutine" if inspect.iscoroutine(made) else "an awaitable"
            if inspect.iscoroutine(made):
                made.close()  # (else "never awaited" when it is collected)
            scheduling = " (one that schedules its work with asyncio.create_task and returns the task is fine)"
            in_loop = "asyncio" in sys.modules and sys.modules["asyncio"]._get_running_loop() is not None
            raise TypeError(
                f"{name} returned {what}, which would never run: give a plain function{scheduling if in_loop else ''}"
            )

    def _called(self, name: str, value: object) -> Any:
        call = cast("Callable[[Any], object]", self._calls[name])
        try:
            return call(value)
        except BaseException:  # (a Ctrl-C while it ran too: called again, it could redo what it had begun)
            self._calls[name] = None
            raise

    def at_end(self, through: Callable[..., Any] | None = None) -> None:
        self.failures(through)
        if self._calls["on_progress"] is not None and self._summary.progress() != self._last:
            self.after_batch(through)


_scheduled: set[asyncio.Future[Any]] = set()  # (what the callbacks scheduled, referenced until done: a loop holds its
# tasks weakly, and one collected mid-run never finishes)


CANCELLED_IN_FLIGHT = "cancelled in flight: it may have been stored"
NOT_WAITED_FOR = "in flight when the upload was interrupted again, not waited for: it may have been stored"


def note_stop(
    summary: BulkSummary, error: BaseException, reports: ProgressReports, through: Callable[..., Any] | None = None
) -> None:
    """Tell ``error`` what the upload had done when it stopped (the batches in flight had finished, or had been
    cancelled: those count as failed), and how many of the results failed may have been stored all the same (an
    answer lost, a batch cancelled in flight: ``maybe_stored``); then ``on_progress`` those counts (``reports``).
    That call raising (a second Ctrl-C, say), its error goes up instead, with the note too."""
    unsure = summary._maybe_stored
    maybe = f" ({unsure} of them maybe stored: an answer lost, or cancelled in flight)" if unsure else ""
    # (a stop once the input has ended: on_progress raising at its last call, a refusal of the last batches)
    rest = "all of the input was read" if summary._read_all else "the rest of the input was not read"
    note = (
        f"bulk_post_results stopped: {summary.taken} results taken, {summary.stored} stored, {summary.failed} "
        f"failed or not sent{maybe}; {rest}"
    )
    error.add_note(note)
    try:
        reports.at_end(through)
    except BaseException as late:
        late.add_note(note)
        raise


class InterruptPoints:
    """Where Ctrl-C may stop a sync upload: while it waits (for the next result from the caller's iterable, for a
    batch to finish) or runs ``on_progress``. There the counts add up. A KeyboardInterrupt raised anywhere else
    could fall between taking a result and placing it in a batch, or between sending a batch and noting it in
    flight, and the note would miscount (a CI run saw 31 taken, 30 stored, 0 failed). Arriving elsewhere, the
    interrupt is held for the microseconds until the next such point (or until the upload ends).

    It works through a SIGINT handler set for the upload's length, only in the main thread and only over Python's
    own handler or another upload's (one run from its ``on_progress``): a caller's handler is left alone (its
    KeyboardInterrupt then lands wherever it lands)."""

    def __init__(self) -> None:
        self.waiting = False
        self.held = False
        self._previous: Any = None

    def __enter__(self) -> InterruptPoints:
        import signal
        import threading

        handler = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is threading.main_thread() and (
            handler is signal.default_int_handler
            or getattr(handler, "__func__", None) is InterruptPoints._on_interrupt  # (an upload's: restored after)
        ):
            self._previous = signal.signal(signal.SIGINT, self._on_interrupt)
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._previous is not None:
            import signal

            if getattr(signal.getsignal(signal.SIGINT), "__self__", None) is self:  # (one the caller set meanwhile
                signal.signal(signal.SIGINT, self._previous)  # stays)
        if self.held and kind is not KeyboardInterrupt:  # (held until the end: raised, not swallowed)
            self.held = False
            raise KeyboardInterrupt

    def _on_interrupt(self, signum: int, frame: object) -> None:
        if self.waiting:
            raise KeyboardInterrupt
        self.held = True

    def wait(self, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)``, interruptible; an interrupt held since the last wait is raised first. (``waiting`` is
        set before ``held`` is read: one arriving in between is raised at once, not held through the wait.)"""
        self.waiting = True
        try:
            if self.held:
                self.held = False
                raise KeyboardInterrupt
            return call(*args)
        finally:
            self.waiting = False

    def wait_only(self, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)``, interruptible (an interrupt held stays held: raised at the end)."""
        self.waiting = True
        try:
            return call(*args)
        finally:
            self.waiting = False

    def check(self) -> None:
        """Raise the interrupt held since the last wait, if one was."""
        self.wait(bool)


def check_counts(batch_size: object, concurrency: object) -> None:
    """Checked before anything is read, as the client's options are (``batch_size=1.5`` made batches of 2)."""
    whole_number("batch_size", batch_size, 1, "results a batch")
    whole_number("concurrency", concurrency, 1, "batches in flight")


def run_sync(
    send: Callable[[Batch], Outcome],
    results: Iterable[Any],
    *,
    batch_size: int,
    concurrency: int,
    on_progress: ProgressCallback | None,
    on_failure: FailureCallback | None = None,
    stopping: threading.Event | None = None,
    replace: bool = False,
    closed: Callable[[], bool] = bool,
    answered: Callable[[], float] = float,
) -> BulkSummary:
    """``on_failure``: given each failure as it is reported, the summary keeping none (see ``ProgressReports``).
    ``stopping``: set when the upload stops, for the batches in flight to cut short what they still have to do
    (``replacing``). ``replace``: ``if_exists="replace"`` (a result without its own sourcedId fails alone; a repeat
    of one stored goes like any result, see ``Batcher.settled``).
    ``closed``: whether the client sending the batches was closed (a failed batch then stops the upload).
    ``answered``: when the server last answered that client (``Reachability``)."""
    check_counts(batch_size, concurrency)
    summary = BulkSummary()
    started = monotonic()
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    in_flight: dict[Future[Outcome], Batch] = {}
    interrupts = InterruptPoints()
    check_results(results)
    if async_only(results):  # (else a stop at the first result)
        raise TypeError(
            f"Timeback's bulk_post_results takes an iterable, not an async one ({type(results).__name__}): give it "
            "to AsyncTimeback's"
        )
    ProgressReports.check(on_progress, on_failure)
    reports = ProgressReports(summary, on_progress, interrupts.wait, on_failure)
    reach = Reachability(concurrency, answered)
    batcher = Batcher(batch_size, summary, replace=replace)
    # (filled by the batches' done-callbacks, in the pool's threads: settled at the next result, so that their ids
    # are freed and the repeats held for them sent without waiting for a slot to be needed)
    finished: deque[Future[Outcome]] = deque()

    def settle(done: Iterable[Future[Outcome]], progress: bool = True) -> BaseException | None:
        fatal = None
        for future in done:
            if (batch := in_flight.pop(future, None)) is None:  # (settled already: by a wait, or the callback's)
                continue
            error = future.exception()
            outcome = error if error is not None else future.result()
            failed_before = len(summary.failures)
            if (stop := record_outcome(summary, batch, outcome, reach, closed, replace=batcher.replace)) is not None:
                fatal = stop
            batcher.settled(batch, summary.failures[failed_before:])
            if progress:
                reports.after_batch()
        return fatal

    # (the handler restored first: the pool's shutdown waits for its threads, and a Ctrl-C there is raised, not held)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="timeback-bulk") as pool, interrupts:

        def submit(batch: Batch) -> None:
            try:
                if len(in_flight) >= concurrency and (fatal := settle(interrupts.wait(done_of, in_flight, True))):
                    raise fatal
            except BaseException:  # (a refusal, on_progress raising, an interrupt: this batch is not sent)
                not_sent(summary, [batch], "the upload stopped")
                raise
            # (in a copy of the caller's context, as a task on AsyncTimeback: what reads it around a request sees it)
            future = pool.submit(contextvars.copy_context().run, send, batch)
            in_flight[future] = batch
            future.add_done_callback(finished.append)

        def settle_finished(item: Any) -> None:
            """Settle the batches finished since, and send the batches their held repeats filled, before ``item``,
            the result just read, is taken; the upload stopping there takes it as not sent (``add_unsent``)."""
            try:
                if fatal := settle([finished.popleft() for _ in range(len(finished))]):
                    raise fatal
                for batch in batcher.ready():
                    submit(batch)
            except BaseException:
                batcher.add_unsent(item)
                raise

        def settle_next() -> None:
            """Wait for a batch in flight to finish, then as ``settle_finished``: the repeats held for it go at once."""
            if fatal := settle(interrupts.wait(done_of, in_flight, True)):
                raise fatal
            for batch in batcher.ready():
                submit(batch)

        def settle_repeats() -> None:
            """More than a batch's worth of repeats held: send the batches their first copies wait in, full or not
            (no input is read to fill them), and settle batches until no more than a batch's worth are held."""
            while batcher.held_repeats > batch_size:
                for batch in batcher.waited_for():
                    submit(batch)
                if not in_flight:
                    break
                settle_next()

        def noted(stop: BaseException) -> None:
            """Count the results left as not sent, and tell ``stop`` what the upload did."""
            not_sent(summary, batcher.rest(held=True), "the upload stopped")
            note_stop(summary, stop, reports, interrupts.wait_only)  # (an interrupt held stays held)

        try:
            # (waiting for the caller's next result, an interrupt is raised at once. Set inline, not around a
            # next() call of ours: that cost 0.8 us a result.)
            interrupts.waiting = True
            for item in results:
                interrupts.waiting = False
                if finished:
                    settle_finished(item)
                batch = batcher.add(item)
                if batch is not None:
                    submit(batch)
                elif batcher.held_repeats > batch_size:  # (see Batcher._repeats)
                    settle_repeats()
                elif on_failure is not None and summary.failures:  # (an invalid result: reported as it is taken)
                    reports.failures()
                interrupts.waiting = True  # (before reading held: see InterruptPoints.wait)
                if interrupts.held:
                    interrupts.check()
            interrupts.waiting = False
            summary._read_all = True
            while True:  # (until the repeats held for the batches in flight are sent too, each once its own settles)
                for batch in batcher.rest():
                    submit(batch)
                if not in_flight:
                    break
                settle_next()
            reports.at_end()
            interrupts.check()  # (raised here, an interrupt gets the note)
        except BaseException as error:
            # Stopped (refused credentials, the input or on_progress raising, an interrupt): the batches in flight
            # finish and are counted, the ones not yet sent are counted as not sent, so the note tells what was
            # stored. As on AsyncTimeback, whose tasks all run: a batch given to the pool within `concurrency` that
            # no thread has started yet is in flight too, and goes.
            if stopping is not None:
                stopping.set()
            try:  # (a second Ctrl-C while it logs, too, goes up with the note)
                pending = sum(not future.done() for future in in_flight)
                if isinstance(error, KeyboardInterrupt) and pending:
                    # (up to a read timeout each, a minute by default, with nothing said: it looked hung. A warning,
                    # as Python's handler of last resort shows one where the app configured no logging.)
                    log.warning("bulk_post_results interrupted: waiting for the %s in flight to end, to count them "
                                "(Ctrl-C again stops without waiting)", _batches(pending))  # fmt: skip
                settle(interrupts.wait_only(done_of, in_flight, False), progress=False)
            except BaseException as again:
                # A second Ctrl-C stops the wait, and goes up with the note: the batches no thread has started are
                # not sent (as cancelling an async upload ends its tasks); those running are not waited for, and may
                # store their results (as an async batch cancelled in flight may).
                not_sent(summary, [in_flight.pop(f) for f in list(in_flight) if f.cancel()], "the upload stopped")
                settle([future for future in in_flight if future.done()], progress=False)
                for batch in in_flight.values():
                    batcher.lost(batch, NOT_WAITED_FOR)
                noted(again)
                raise
            noted(error)
            raise
    summary.seconds = monotonic() - started
    return summary


async def run_async(
    send: Callable[[Batch], Awaitable[Outcome]],
    results: Iterable[Any] | AsyncIterable[Any],
    *,
    batch_size: int,
    concurrency: int,
    on_progress: ProgressCallback | None,
    on_failure: FailureCallback | None = None,
    stopping: threading.Event | None = None,
    replace: bool = False,
    closed: Callable[[], bool] = bool,
    answered: Callable[[], float] = float,
) -> BulkSummary:
    """As ``run_sync``."""
    check_counts(batch_size, concurrency)
    summary = BulkSummary()
    started = monotonic()
    import asyncio

    in_flight: dict[asyncio.Task[Outcome], Batch] = {}
    check_results(results)
    ProgressReports.check(on_progress, on_failure)
    reports = ProgressReports(summary, on_progress, on_failure=on_failure)
    reach = Reachability(concurrency, answered)
    batcher = Batcher(batch_size, summary, replace=replace)
    finished: deque[asyncio.Task[Outcome]] = deque()  # (as the sync upload's)

    def settle(done: Iterable[asyncio.Task[Outcome]], progress: bool = True) -> BaseException | None:
        fatal = None
        for task in done:
            if (batch := in_flight.pop(task, None)) is None:  # (settled already)
                continue
            failed_before = len(summary.failures)
            if task.cancelled():  # (only by cancel_in_flight: its request may have reached the server)
                batcher.lost(batch, CANCELLED_IN_FLIGHT)
                continue
            error = task.exception()
            outcome = error if error is not None else task.result()
            if (stop := record_outcome(summary, batch, outcome, reach, closed, replace=batcher.replace)) is not None:
                fatal = stop
            batcher.settled(batch, summary.failures[failed_before:])
            if progress:
                reports.after_batch()
        return fatal

    async def submit(batch: Batch) -> None:
        try:
            if len(in_flight) >= concurrency:
                done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                if fatal := settle(done):
                    raise fatal
        except BaseException as stop:  # (as the sync upload: this batch is not sent)
            # (a cancel says so, as the batches it leaves held do: one cancel gave both reasons)
            not_sent(summary, [batch], CANCELLED if isinstance(stop, asyncio.CancelledError) else "the upload stopped")
            raise
        task = asyncio.ensure_future(send(batch))
        in_flight[task] = batch
        task.add_done_callback(finished.append)
        # (its task starts now, and the answers that came meanwhile are read: from a plain iterable the loop ran
        # only when a slot was awaited, so the first batch went once `concurrency` were made)
        await asyncio.sleep(0)

    async def settle_finished(item: Any) -> None:
        """As the sync upload's."""
        try:
            if fatal := settle([finished.popleft() for _ in range(len(finished))]):
                raise fatal
            for batch in batcher.ready():
                await submit(batch)
        except BaseException:  # (a cancel too)
            batcher.add_unsent(item)
            raise

    async def settle_next() -> None:
        """As the sync upload's."""
        done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        if fatal := settle(done):
            raise fatal
        for batch in batcher.ready():
            await submit(batch)

    async def settle_repeats() -> None:
        """As the sync upload's."""
        while batcher.held_repeats > batch_size:
            for batch in batcher.waited_for():
                await submit(batch)
            if not in_flight:
                break
            await settle_next()

    async def cancel_in_flight(cancelled: asyncio.CancelledError) -> None:
        """Cancelled by the caller (Ctrl-C under ``asyncio.run`` too): what was in flight is left undone, as asked,
        and ended before the upload ends (as a ``TaskGroup`` does), so that no request outlives it. Its batches
        count as failed, maybe stored; the note says how many. Cancelled again while they end (anyio's cancel scopes
        cancel on every loop turn until the task ends; two ``cancel()`` calls may come a turn apart), it waits on, as
        a ``TaskGroup`` does: they are cancelled already. ``cancelled`` goes up then, and the task's count of cancels
        (``Task.cancelling``) still holds each, for a timeout around it to tell its own from another's."""
        tasks = list(in_flight)
        for task in tasks:
            task.cancel()
        while pending := [task for task in tasks if not task.done()]:
            try:
                await asyncio.wait(pending)
            except asyncio.CancelledError:  # (a cancel again: see above. Before, no note, no failures, tasks left)
                pass
        settle(tasks, progress=False)
        not_sent(summary, batcher.rest(held=True), CANCELLED)
        note_stop(summary, cancelled, reports)

    try:
        if isinstance(results, AsyncIterable):
            async for item in results:
                if finished:
                    await settle_finished(item)
                if (batch := batcher.add(item)) is not None:
                    await submit(batch)
                elif batcher.held_repeats > batch_size:  # (as the sync upload)
                    await settle_repeats()
                elif on_failure is not None and summary.failures:  # (as the sync upload)
                    reports.failures()
                # (the loop runs every so many results taken, batch or none: results that make no batch, invalid or
                # with no id to replace, await nothing; 100,000 of them held up every other task, a timeout and
                # Ctrl-C under asyncio.run too, for 3 s)
                if summary.taken % LOOP_TURN_EVERY == 0:
                    await asyncio.sleep(0)
        else:
            for item in results:
                if finished:
                    await settle_finished(item)
                if (batch := batcher.add(item)) is not None:
                    await submit(batch)
                elif batcher.held_repeats > batch_size:  # (as the sync upload)
                    await settle_repeats()
                elif on_failure is not None and summary.failures:  # (as the sync upload)
                    reports.failures()
                if summary.taken % LOOP_TURN_EVERY == 0:  # (as above)
                    await asyncio.sleep(0)
        summary._read_all = True
        while True:  # (as the sync upload)
            for batch in batcher.rest():
                await submit(batch)
            if not in_flight:
                break
            await settle_next()
        reports.at_end()
    except asyncio.CancelledError as cancelled:
        await cancel_in_flight(cancelled)
        raise
    except BaseException as error:
        # As the sync upload: the batches in flight finish and are counted before the error goes up.
        if stopping is not None:
            stopping.set()
        try:
            if in_flight:
                done, _ = await asyncio.wait(in_flight)
                settle(done, progress=False)
        except asyncio.CancelledError as cancelled:  # (cancelled while they finish: as above)
            await cancel_in_flight(cancelled)
            raise
        not_sent(summary, batcher.rest(held=True), "the upload stopped")
        note_stop(summary, error, reports)
        raise
    summary.seconds = monotonic() - started
    return summary
