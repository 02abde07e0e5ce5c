"""OneRoster 1.2 Gradebook: ``client.oneroster.gradebook.<operation>(request)``.

One line per operation: what kind it is (which fixes the verb), its path, request model, response model and the
collection of records it touches. These 44 declarations (the 35 official operations and Timeback's 9) drive the
SDK methods, the local server's routes, ``docs/api.md`` and the operation-table tests.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import httpx

from timeback import _bulk as bulk
from timeback._base_client import asyncio_loop
from timeback._clock import monotonic
from timeback._config import CallOptions
from timeback._operations import OperationSet, Parent, Through
from timeback._resource import (
    AsyncResource,
    SyncResource,
    create_many,
    create_one,
    delete_one,
    get_one,
    list_of,
    patch_one,
    put_one,
)
from timeback.errors import APIConnectionError, APIResponseValidationError, RequestError
from timeback.models import gradebook as m, request as rq, response as rs
from timeback.models._base import ResponseModel
from timeback.models._dicts import ValidatedRequest
from timeback.models.gradebook import TimebackResult  # (named so in the signatures, which docs/api.md shows)

CLASS = Parent("class_sourced_id", "classes", "class")
SCHOOL = Parent("school_sourced_id", "schools", "school")


class GradebookOperations(OperationSet):
    base_path = "/ims/oneroster/gradebook/v1p2"

    # ----- score scales
    get_all_score_scales = list_of(
        "/scoreScales/", rq.TimebackGetAllScoreScalesRequest, m.TimebackScoreScale, "scoreScales"
    )
    create_score_scale = create_one(
        "/scoreScales/", rq.TimebackCreateScoreScaleRequest, "scoreScales", body="scoreScale"
    )
    get_score_scale = get_one(
        "/scoreScales/{sourced_id}", rq.TimebackGetScoreScaleRequest, rs.TimebackGetScoreScaleResponse, "scoreScales"
    )
    put_score_scale = put_one(
        "/scoreScales/{sourced_id}", rq.TimebackPutScoreScaleRequest, rs.TimebackPutScoreScaleResponse, "scoreScales",
        body="scoreScale",
    )  # fmt: skip
    delete_score_scale = delete_one("/scoreScales/{sourced_id}", rq.TimebackDeleteScoreScaleRequest, "scoreScales")
    get_score_scales_for_school = list_of(
        "/schools/{school_sourced_id}/scoreScales", rq.TimebackGetScoreScalesForSchoolRequest, m.TimebackScoreScale,
        "scoreScales",
        parents=(Parent("school_sourced_id", "schools", "class",
                        through=Through("classes", match="school", live_only=False)),),
    )  # fmt: skip
    get_score_scales_for_class = list_of(
        "/classes/{class_sourced_id}/scoreScales", rq.TimebackGetScoreScalesForClassRequest, m.TimebackScoreScale,
        "scoreScales", parents=(CLASS,),
    )  # fmt: skip

    # ----- results
    get_all_results = list_of("/results/", rq.TimebackGetAllResultsRequest, m.TimebackResult, "results")
    create_result = create_one("/results/", rq.TimebackCreateResultRequest, "results", body="result")
    get_result = get_one("/results/{sourced_id}", rq.TimebackGetResultRequest, rs.TimebackGetResultResponse, "results")
    put_result = put_one(
        "/results/{sourced_id}", rq.TimebackPutResultRequest, rs.TimebackPutResultResponse, "results", body="result"
    )
    delete_result = delete_one("/results/{sourced_id}", rq.TimebackDeleteResultRequest, "results")
    get_results_for_class = list_of(
        "/classes/{class_sourced_id}/results", rq.TimebackGetResultsForClassRequest, m.TimebackResult, "results",
        parents=(CLASS,),
    )  # fmt: skip
    get_results_for_line_item_for_class = list_of(
        "/classes/{class_sourced_id}/lineItems/{line_item_sourced_id}/results",
        rq.TimebackGetResultsForLineItemForClassRequest, m.TimebackResult, "results",
        parents=(CLASS, Parent("line_item_sourced_id", "lineItems", "lineItem")),
    )  # fmt: skip
    get_results_for_student_for_class = list_of(
        "/classes/{class_sourced_id}/students/{student_sourced_id}/results",
        rq.TimebackGetResultsForStudentForClassRequest, m.TimebackResult, "results",
        parents=(CLASS, Parent("student_sourced_id", "users", "student")),
    )  # fmt: skip
    post_results_for_academic_session_for_class = create_many(
        "/classes/{class_sourced_id}/academicSessions/{academic_session_sourced_id}/results",
        rq.TimebackPostResultsForAcademicSessionForClassRequest, "results", body="results",
        parents=(CLASS, Parent("academic_session_sourced_id", "academicSessions")),
    )  # fmt: skip

    # ----- line items
    get_all_line_items = list_of("/lineItems/", rq.TimebackGetAllLineItemsRequest, m.TimebackLineItem, "lineItems")
    create_line_item = create_one("/lineItems/", rq.TimebackCreateLineItemRequest, "lineItems", body="lineItem")
    get_line_item = get_one(
        "/lineItems/{sourced_id}", rq.TimebackGetLineItemRequest, rs.TimebackGetLineItemResponse, "lineItems"
    )
    put_line_item = put_one(
        "/lineItems/{sourced_id}", rq.TimebackPutLineItemRequest, rs.TimebackPutLineItemResponse, "lineItems",
        body="lineItem",
    )  # fmt: skip
    delete_line_item = delete_one("/lineItems/{sourced_id}", rq.TimebackDeleteLineItemRequest, "lineItems")
    create_result_for_line_item = create_many(
        "/lineItems/{line_item_sourced_id}/results", rq.TimebackCreateResultForLineItemRequest, "results",
        body="results", parents=(Parent("line_item_sourced_id", "lineItems", "lineItem"),),
    )  # fmt: skip
    get_line_items_for_school = list_of(
        "/schools/{school_sourced_id}/lineItems", rq.TimebackGetLineItemsForSchoolRequest, m.TimebackLineItem,
        "lineItems", parents=(SCHOOL,),
    )  # fmt: skip
    create_line_items_for_school = create_many(
        "/schools/{school_sourced_id}/lineItems", rq.TimebackCreateLineItemsForSchoolRequest, "lineItems",
        body="lineItems", parents=(SCHOOL,),
    )  # fmt: skip
    get_line_items_for_class = list_of(
        "/classes/{class_sourced_id}/lineItems", rq.TimebackGetLineItemsForClassRequest, m.TimebackLineItem,
        "lineItems", parents=(CLASS,),
    )  # fmt: skip
    post_line_items_for_class = create_many(
        "/classes/{class_sourced_id}/lineItems", rq.TimebackPostLineItemsForClassRequest, "lineItems",
        body="lineItems", parents=(CLASS,),
    )  # fmt: skip

    # ----- categories
    get_all_categories = list_of("/categories/", rq.TimebackGetAllCategoriesRequest, m.TimebackCategory, "categories")
    create_category = create_one("/categories/", rq.TimebackCreateCategoryRequest, "categories", body="category")
    get_category = get_one(
        "/categories/{sourced_id}", rq.TimebackGetCategoryRequest, rs.TimebackGetCategoryResponse, "categories"
    )
    put_category = put_one(
        "/categories/{sourced_id}", rq.TimebackPutCategoryRequest, rs.TimebackPutCategoryResponse, "categories",
        body="category",
    )  # fmt: skip
    delete_category = delete_one("/categories/{sourced_id}", rq.TimebackDeleteCategoryRequest, "categories")
    get_categories_for_class = list_of(
        "/classes/{class_sourced_id}/categories", rq.TimebackGetCategoriesForClassRequest, m.TimebackCategory,
        "categories", parents=(Parent("class_sourced_id", "classes"),),
    )  # fmt: skip

    # ----- assessment results
    get_all_assessment_results = list_of(
        "/assessmentResults/", rq.TimebackGetAllAssessmentResultsRequest, m.TimebackAssessmentResult,
        "assessmentResults",
    )  # fmt: skip
    create_assessment_result = create_one(
        "/assessmentResults/", rq.TimebackCreateAssessmentResultRequest, "assessmentResults", body="assessmentResult"
    )
    get_assessment_result = get_one(
        "/assessmentResults/{sourced_id}", rq.TimebackGetAssessmentResultRequest,
        rs.TimebackGetAssessmentResultResponse, "assessmentResults",
    )  # fmt: skip
    put_assessment_result = put_one(
        "/assessmentResults/{sourced_id}", rq.TimebackPutAssessmentResultRequest,
        rs.TimebackPutAssessmentResultResponse, "assessmentResults", body="assessmentResult",
    )  # fmt: skip
    patch_assessment_result = patch_one(
        "/assessmentResults/{sourced_id}", rq.TimebackPatchAssessmentResultRequest,
        rs.TimebackPatchAssessmentResultResponse, "assessmentResults", body="assessmentResult",
    )  # fmt: skip
    delete_assessment_result = delete_one(
        "/assessmentResults/{sourced_id}", rq.TimebackDeleteAssessmentResultRequest, "assessmentResults"
    )

    # ----- assessment line items
    get_all_assessment_line_items = list_of(
        "/assessmentLineItems/", rq.TimebackGetAllAssessmentLineItemsRequest, m.TimebackAssessmentLineItem,
        "assessmentLineItems",
    )  # fmt: skip
    create_assessment_line_item = create_one(
        "/assessmentLineItems/", rq.TimebackCreateAssessmentLineItemRequest, "assessmentLineItems",
        body="assessmentLineItem",
    )  # fmt: skip
    get_assessment_line_item = get_one(
        "/assessmentLineItems/{sourced_id}", rq.TimebackGetAssessmentLineItemRequest,
        rs.TimebackGetAssessmentLineItemResponse, "assessmentLineItems",
    )  # fmt: skip
    put_assessment_line_item = put_one(
        "/assessmentLineItems/{sourced_id}", rq.TimebackPutAssessmentLineItemRequest,
        rs.TimebackPutAssessmentLineItemResponse, "assessmentLineItems", body="assessmentLineItem",
    )  # fmt: skip
    patch_assessment_line_item = patch_one(
        "/assessmentLineItems/{sourced_id}", rq.TimebackPatchAssessmentLineItemRequest,
        rs.TimebackPatchAssessmentLineItemResponse, "assessmentLineItems", body="assessmentLineItem",
    )  # fmt: skip
    delete_assessment_line_item = delete_one(
        "/assessmentLineItems/{sourced_id}", rq.TimebackDeleteAssessmentLineItemRequest, "assessmentLineItems"
    )


if TYPE_CHECKING:  # (type checkers read each method's keywords from the stub made from the table: timeback._stubs)
    from timeback.resources._methods import AsyncGradebook as _AsyncGradebookBase, Gradebook as _GradebookBase
else:
    _GradebookBase = _AsyncGradebookBase = GradebookOperations


class Gradebook(SyncResource, _GradebookBase):
    """The gradebook service, blocking."""

    def bulk_post_results(
        self,
        # (a mapping's keys any type to a checker, as pandas-stubs types a DataFrame's records: ``dict[Hashable, Any]``,
        # which ``Mapping[str, Any]`` refused, its key type invariant)
        results: Iterable[TimebackResult | Mapping[Any, Any]],
        *,
        batch_size: int = bulk.DEFAULT_BATCH_SIZE,
        concurrency: int = bulk.DEFAULT_CONCURRENCY,
        on_progress: Callable[[bulk.BulkProgress], object] | None = None,
        on_failure: Callable[[bulk.BulkFailure], object] | None = None,
        if_exists: bulk.IfExists = "fail",
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> bulk.BulkSummary:
        """Create any number of results: batched by line item, ``concurrency`` batches at once, memory flat.

        Failures (an invalid record, a refused or unreachable batch) are reported in the summary, not raised; given
        ``on_failure``, each is handed to it as it is reported instead, and ``summary.failures`` keeps none of them
        (``summary.failed`` still counts them): memory stays flat however many fail.
        ``if_exists="replace"``: a batch refused because some of its results exist (409), or whose answer was lost
        or cut short and whose every result reads back, is settled record by record: results stored as sent are left
        alone, the others are PUT (a sync that sends every result again).
        ``timeout``, ``max_retries`` and ``deadline`` override the client's for each batch (each is one call);
        ``extra_headers`` and ``extra_query`` are sent with each of its requests.
        """
        replace = _replaces(if_exists)
        # Set by the upload when it stops: a batch's replacing sends no more PUTs, and a batch waiting to retry gives
        # up (the stop would otherwise wait for it: up to a minute for a Retry-After).
        stopping = threading.Event()
        op = bulk.receipt_operation(GradebookOperations.create_result_for_line_item.operation)
        taken = CallOptions.take({"timeout": timeout, "max_retries": max_retries, "deadline": deadline,
                                  "extra_headers": extra_headers, "extra_query": extra_query})  # fmt: skip
        options = dataclasses.replace(taken, stop=stopping)
        derived: dict[str, Any] = {}  # (the classes of the line items read while replacing: once per upload)
        splitting = bulk.Splitting(self._client.is_closed)  # (whether a 413 still halves a batch: once per upload)

        def send(batch: bulk.Batch, refusals: bulk.Refusals | None = None) -> bulk.Outcome:
            request = ValidatedRequest(line_item_sourced_id=batch.line_item, results=batch.records)  # validated
            started = monotonic()
            try:
                # Replacing, a retry's 409 is settled as the first attempt's would be, record by record: the records
                # may be its earlier attempt's or stored before (no telling), and each counts unchanged or replaced.
                # So is a batch whose answer was lost or cut short, when all its records read back (``bulk.replaces``):
                # one another writer changed since is PUT again, as sent.
                receipt = cast(ResponseModel, self._client.call(op, request, {}, options, confirm=not replace))
            except (RequestError, APIConnectionError, APIResponseValidationError) as refused:
                # (a 422 naming results of the batch, or a 409 those that exist: they fail alone, the others go again;
                # a 413: in halves)
                parted = bulk.resent(refused, batch, refusals or bulk.Refusals(), splitting, replace=replace)
                if parted is None:
                    if not (replace and bulk.replaces(refused)):
                        raise
                    flow = bulk.replacing(self._client, op, _PUT_RESULT, batch, refused, stopping.is_set, derived)
                    return self._client.exchange(flow, options, since=started)  # (the batch's deadline: all of it)
                split, refusals = parted
                for index, (part, _) in enumerate(split.parts):
                    if stopping.is_set() or refusals.spent():
                        break
                    try:
                        outcome: bulk.Outcome | Exception = send(part, refusals)
                    except Exception as exc:  # (counted as the part's outcome, as a batch's error is)
                        outcome = exc
                    refusals.settled(outcome)
                    if not splitting.settled(split, index, outcome):  # (the upload stops on it: no more parts)
                        break
                refusals.unsent(split)  # (the parts left when the batch's count of refusals was spent)
                return split
            if bulk.holds_pairs(receipt, len(batch.ids)):
                return receipt
            confirming = bulk.confirming_unpaired(self._client, op, request, receipt)  # ({}, [], too few: one read)
            return self._client.exchange(confirming, options, since=started)

        return bulk.run_sync(
            send,
            results,
            batch_size=batch_size,
            concurrency=concurrency,
            on_progress=on_progress,
            on_failure=on_failure,
            stopping=stopping,
            replace=replace,
            closed=self._client.is_closed,
            answered=self._client.last_answered,
        )


class AsyncGradebook(AsyncResource, _AsyncGradebookBase):
    """The gradebook service, async: the same methods, awaitable."""

    async def bulk_post_results(
        self,
        results: Iterable[TimebackResult | Mapping[Any, Any]] | AsyncIterable[TimebackResult | Mapping[Any, Any]],
        *,
        batch_size: int = bulk.DEFAULT_BATCH_SIZE,
        concurrency: int = bulk.DEFAULT_CONCURRENCY,
        on_progress: Callable[[bulk.BulkProgress], object] | None = None,
        on_failure: Callable[[bulk.BulkFailure], object] | None = None,
        if_exists: bulk.IfExists = "fail",
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> bulk.BulkSummary:
        """Create any number of results; see ``Gradebook.bulk_post_results``. Takes sync or async iterables."""
        replace = _replaces(if_exists)
        stopping = threading.Event()  # (as the sync one's: a batch waiting to retry gives up when the upload stops)
        op = bulk.receipt_operation(GradebookOperations.create_result_for_line_item.operation)
        taken = CallOptions.take({"timeout": timeout, "max_retries": max_retries, "deadline": deadline,
                                  "extra_headers": extra_headers, "extra_query": extra_query})  # fmt: skip
        options = dataclasses.replace(taken, stop=stopping)
        derived: dict[str, Any] = {}  # (as the sync one's)
        splitting = bulk.Splitting(self._client.is_closed)  # (as the sync one's)

        async def send(batch: bulk.Batch, refusals: bulk.Refusals | None = None) -> bulk.Outcome:
            request = ValidatedRequest(line_item_sourced_id=batch.line_item, results=batch.records)  # validated
            started = monotonic()
            try:
                receipt = cast(ResponseModel, await self._client.call(op, request, {}, options, confirm=not replace))
            except (RequestError, APIConnectionError, APIResponseValidationError) as refused:  # (as the sync one)
                parted = bulk.resent(refused, batch, refusals or bulk.Refusals(), splitting, replace=replace)
                if parted is None:
                    if not (replace and bulk.replaces(refused)):
                        raise
                    flow = bulk.replacing(self._client, op, _PUT_RESULT, batch, refused, stopping.is_set, derived)
                    return await self._client.exchange(flow, options, since=started)  # (as the sync one)
                split, refusals = parted
                for index, (part, _) in enumerate(split.parts):
                    if stopping.is_set() or refusals.spent():
                        break
                    try:
                        outcome: bulk.Outcome | Exception = await send(part, refusals)
                    except Exception as exc:
                        outcome = exc
                    refusals.settled(outcome)
                    if not splitting.settled(split, index, outcome):  # (the upload stops on it: no more parts)
                        break
                refusals.unsent(split)  # (the parts left when the batch's count of refusals was spent)
                return split
            if bulk.holds_pairs(receipt, len(batch.ids)):
                return receipt
            confirming = bulk.confirming_unpaired(self._client, op, request, receipt)  # (as the sync one)
            return await self._client.exchange(confirming, options, since=started)

        asyncio_loop()  # (its batches are asyncio's tasks: outside asyncio, trio's obscure error at the first)
        return await bulk.run_async(
            send,
            results,
            batch_size=batch_size,
            concurrency=concurrency,
            on_progress=on_progress,
            on_failure=on_failure,
            stopping=stopping,
            replace=replace,
            closed=self._client.is_closed,
            answered=self._client.last_answered,
        )


_PUT_RESULT = GradebookOperations.put_result.operation  # (what if_exists="replace" writes with)


def _replaces(if_exists: str) -> bool:
    if if_exists not in ("fail", "replace"):
        raise ValueError(f"if_exists must be 'fail' or 'replace', not {if_exists!r}")
    return if_exists == "replace"
