"""OneRoster 1.2 Gradebook: ``client.oneroster.gradebook.<operation>(request)``.

Each line below is one operation: kind, verb, path, request model, response model and the records it touches.
The local server serves these same declarations (``timeback.server``), and ``docs/api.md`` lists them.
"""

from __future__ import annotations

from timeback._operations import OperationSet, Parent
from timeback._resource import AsyncResource, SyncResource, endpoint, list_endpoint
from timeback.models import request as rq, response as rs
from timeback.models.gradebook import TimebackResult

CLASS = Parent("class_sourced_id", "classes", "class")


class GradebookOperations(OperationSet):
    base_path = "/ims/oneroster/gradebook/v1p2"

    # ----- results
    get_result = endpoint(
        "get", "GET", "/results/{sourced_id}", rq.TimebackGetResultRequest, rs.TimebackGetResultResponse, "results"
    )
    put_result = endpoint(
        "put",
        "PUT",
        "/results/{sourced_id}",
        rq.TimebackPutResultRequest,
        rs.TimebackPutResultResponse,
        "results",
        body="result",
    )
    get_results_for_class = list_endpoint(
        "/classes/{class_sourced_id}/results",
        rq.TimebackGetResultsForClassRequest,
        TimebackResult,
        "results",
        parents=(CLASS,),
        not_found="Class not found.",
    )
    post_results_for_academic_session_for_class = endpoint(
        "batch_create",
        "POST",
        "/classes/{class_sourced_id}/academicSessions/{academic_session_sourced_id}/results",
        rq.TimebackPostResultsForAcademicSessionForClassRequest,
        rs.TimebackSourcedIdPairsResponse,
        "results",
        body="results",
        parents=(CLASS, Parent("academic_session_sourced_id", "academicSessions")),
        not_found="Class or academic session not found.",
    )

    # ----- line items
    get_line_item = endpoint(
        "get",
        "GET",
        "/lineItems/{sourced_id}",
        rq.TimebackGetLineItemRequest,
        rs.TimebackGetLineItemResponse,
        "lineItems",
    )
    post_line_items_for_class = endpoint(
        "batch_create",
        "POST",
        "/classes/{class_sourced_id}/lineItems",
        rq.TimebackPostLineItemsForClassRequest,
        rs.TimebackSourcedIdPairsResponse,
        "lineItems",
        body="lineItems",
        parents=(CLASS,),
        not_found="Class not found.",
    )

    # ----- categories
    get_category = endpoint(
        "get",
        "GET",
        "/categories/{sourced_id}",
        rq.TimebackGetCategoryRequest,
        rs.TimebackGetCategoryResponse,
        "categories",
    )
    put_category = endpoint(
        "put",
        "PUT",
        "/categories/{sourced_id}",
        rq.TimebackPutCategoryRequest,
        rs.TimebackPutCategoryResponse,
        "categories",
        body="category",
    )

    # ----- score scales
    get_score_scale = endpoint(
        "get",
        "GET",
        "/scoreScales/{sourced_id}",
        rq.TimebackGetScoreScaleRequest,
        rs.TimebackGetScoreScaleResponse,
        "scoreScales",
    )
    put_score_scale = endpoint(
        "put",
        "PUT",
        "/scoreScales/{sourced_id}",
        rq.TimebackPutScoreScaleRequest,
        rs.TimebackPutScoreScaleResponse,
        "scoreScales",
        body="scoreScale",
    )

    # ----- assessment line items
    get_assessment_line_item = endpoint(
        "get",
        "GET",
        "/assessmentLineItems/{sourced_id}",
        rq.TimebackGetAssessmentLineItemRequest,
        rs.TimebackGetAssessmentLineItemResponse,
        "assessmentLineItems",
    )
    put_assessment_line_item = endpoint(
        "put",
        "PUT",
        "/assessmentLineItems/{sourced_id}",
        rq.TimebackPutAssessmentLineItemRequest,
        rs.TimebackPutAssessmentLineItemResponse,
        "assessmentLineItems",
        body="assessmentLineItem",
    )

    # ----- assessment results
    get_assessment_result = endpoint(
        "get",
        "GET",
        "/assessmentResults/{sourced_id}",
        rq.TimebackGetAssessmentResultRequest,
        rs.TimebackGetAssessmentResultResponse,
        "assessmentResults",
    )
    create_assessment_result = endpoint(
        "create",
        "POST",
        "/assessmentResults/",
        rq.TimebackCreateAssessmentResultRequest,
        rs.TimebackSourcedIdPairsResponse,
        "assessmentResults",
        body="assessmentResult",
    )


class Gradebook(SyncResource, GradebookOperations):
    """The gradebook service, blocking."""


class AsyncGradebook(AsyncResource, GradebookOperations):
    """The gradebook service, async: the same methods, awaitable."""
