"""The methods' typed signatures, for type checkers, written from the operation declarations by
``python -m timeback._stubs``: do not edit (tests/test_stubs.py fails when it is out of date). The resources
of these names take these classes as their bases when type checked: see ``timeback._stubs``."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import httpx

from timeback._pagination import (
    AsyncPaginator,
    Page,
)
from timeback.models._requests_base import (
    TimebackQueryParams,
)
from timeback.models.gradebook import (
    TimebackAssessmentLineItem,
    TimebackAssessmentResult,
    TimebackCategory,
    TimebackLineItem,
    TimebackResult,
    TimebackScoreScale,
)
from timeback.models.request import (
    TimebackAddStudentToClassRequest,
    TimebackAddTeacherToClassRequest,
    TimebackClassEnrollmentBody,
    TimebackCreateAcademicSessionBody,
    TimebackCreateAcademicSessionRequest,
    TimebackCreateAssessmentLineItemBody,
    TimebackCreateAssessmentLineItemRequest,
    TimebackCreateAssessmentResultBody,
    TimebackCreateAssessmentResultRequest,
    TimebackCreateCategoryBody,
    TimebackCreateCategoryRequest,
    TimebackCreateClassBody,
    TimebackCreateClassRequest,
    TimebackCreateCourseBody,
    TimebackCreateCourseRequest,
    TimebackCreateDemographicsBody,
    TimebackCreateDemographicsRequest,
    TimebackCreateEnrollmentBody,
    TimebackCreateEnrollmentRequest,
    TimebackCreateGradingPeriodBody,
    TimebackCreateGradingPeriodForTermBody,
    TimebackCreateGradingPeriodForTermRequest,
    TimebackCreateGradingPeriodRequest,
    TimebackCreateLineItemBody,
    TimebackCreateLineItemRequest,
    TimebackCreateLineItemsForSchoolRequest,
    TimebackCreateOrgBody,
    TimebackCreateOrgRequest,
    TimebackCreateResultBody,
    TimebackCreateResultForLineItemRequest,
    TimebackCreateResultRequest,
    TimebackCreateSchoolRequest,
    TimebackCreateScoreScaleBody,
    TimebackCreateScoreScaleRequest,
    TimebackCreateTermBody,
    TimebackCreateTermRequest,
    TimebackCreateUserBody,
    TimebackCreateUserRequest,
    TimebackDeleteAcademicSessionRequest,
    TimebackDeleteAssessmentLineItemRequest,
    TimebackDeleteAssessmentResultRequest,
    TimebackDeleteCategoryRequest,
    TimebackDeleteClassRequest,
    TimebackDeleteCourseRequest,
    TimebackDeleteDemographicsRequest,
    TimebackDeleteEnrollmentRequest,
    TimebackDeleteGradingPeriodRequest,
    TimebackDeleteLineItemRequest,
    TimebackDeleteOrgRequest,
    TimebackDeleteResultRequest,
    TimebackDeleteSchoolRequest,
    TimebackDeleteScoreScaleRequest,
    TimebackDeleteTermRequest,
    TimebackDeleteUserRequest,
    TimebackGetAcademicSessionRequest,
    TimebackGetAllAcademicSessionsRequest,
    TimebackGetAllAssessmentLineItemsRequest,
    TimebackGetAllAssessmentResultsRequest,
    TimebackGetAllCategoriesRequest,
    TimebackGetAllClassesRequest,
    TimebackGetAllCoursesRequest,
    TimebackGetAllDemographicsRequest,
    TimebackGetAllEnrollmentsRequest,
    TimebackGetAllGradingPeriodsRequest,
    TimebackGetAllLineItemsRequest,
    TimebackGetAllOrgsRequest,
    TimebackGetAllResultsRequest,
    TimebackGetAllSchoolsRequest,
    TimebackGetAllScoreScalesRequest,
    TimebackGetAllStudentsRequest,
    TimebackGetAllTeachersRequest,
    TimebackGetAllTermsRequest,
    TimebackGetAllUsersRequest,
    TimebackGetAssessmentLineItemRequest,
    TimebackGetAssessmentResultRequest,
    TimebackGetCategoriesForClassRequest,
    TimebackGetCategoryRequest,
    TimebackGetClassesForCourseRequest,
    TimebackGetClassesForSchoolRequest,
    TimebackGetClassesForStudentRequest,
    TimebackGetClassesForTeacherRequest,
    TimebackGetClassesForTermRequest,
    TimebackGetClassesForUserRequest,
    TimebackGetClassRequest,
    TimebackGetCourseRequest,
    TimebackGetCoursesForSchoolRequest,
    TimebackGetDemographicsRequest,
    TimebackGetEnrollmentRequest,
    TimebackGetEnrollmentsForClassInSchoolRequest,
    TimebackGetEnrollmentsForSchoolRequest,
    TimebackGetGradingPeriodRequest,
    TimebackGetGradingPeriodsForTermRequest,
    TimebackGetLineItemRequest,
    TimebackGetLineItemsForClassRequest,
    TimebackGetLineItemsForSchoolRequest,
    TimebackGetOrgRequest,
    TimebackGetResultRequest,
    TimebackGetResultsForClassRequest,
    TimebackGetResultsForLineItemForClassRequest,
    TimebackGetResultsForStudentForClassRequest,
    TimebackGetSchoolRequest,
    TimebackGetScoreScaleRequest,
    TimebackGetScoreScalesForClassRequest,
    TimebackGetScoreScalesForSchoolRequest,
    TimebackGetStudentRequest,
    TimebackGetStudentsForClassInSchoolRequest,
    TimebackGetStudentsForClassRequest,
    TimebackGetStudentsForSchoolRequest,
    TimebackGetTeacherRequest,
    TimebackGetTeachersForClassInSchoolRequest,
    TimebackGetTeachersForClassRequest,
    TimebackGetTeachersForSchoolRequest,
    TimebackGetTermRequest,
    TimebackGetTermsForSchoolRequest,
    TimebackGetUserRequest,
    TimebackPatchAssessmentLineItemBody,
    TimebackPatchAssessmentLineItemRequest,
    TimebackPatchAssessmentResultBody,
    TimebackPatchAssessmentResultRequest,
    TimebackPostLineItemsForClassRequest,
    TimebackPostResultsForAcademicSessionForClassRequest,
    TimebackPutAssessmentLineItemBody,
    TimebackPutAssessmentLineItemRequest,
    TimebackPutAssessmentResultBody,
    TimebackPutAssessmentResultRequest,
    TimebackPutCategoryBody,
    TimebackPutCategoryRequest,
    TimebackPutLineItemBody,
    TimebackPutLineItemRequest,
    TimebackPutResultBody,
    TimebackPutResultRequest,
    TimebackPutScoreScaleBody,
    TimebackPutScoreScaleRequest,
    TimebackUpdateAcademicSessionRequest,
    TimebackUpdateClassBody,
    TimebackUpdateClassRequest,
    TimebackUpdateCourseRequest,
    TimebackUpdateDemographicsRequest,
    TimebackUpdateEnrollmentRequest,
    TimebackUpdateGradingPeriodRequest,
    TimebackUpdateOrgRequest,
    TimebackUpdateSchoolRequest,
    TimebackUpdateTermRequest,
    TimebackUpdateUserRequest,
)
from timeback.models.response import (
    TimebackCreateGradingPeriodForTermResponse,
    TimebackGetAcademicSessionResponse,
    TimebackGetAssessmentLineItemResponse,
    TimebackGetAssessmentResultResponse,
    TimebackGetCategoryResponse,
    TimebackGetClassResponse,
    TimebackGetCourseResponse,
    TimebackGetDemographicsResponse,
    TimebackGetEnrollmentResponse,
    TimebackGetGradingPeriodResponse,
    TimebackGetLineItemResponse,
    TimebackGetOrgResponse,
    TimebackGetResultResponse,
    TimebackGetScoreScaleResponse,
    TimebackGetTermResponse,
    TimebackGetUserResponse,
    TimebackPatchAssessmentLineItemResponse,
    TimebackPatchAssessmentResultResponse,
    TimebackPutAssessmentLineItemResponse,
    TimebackPutAssessmentResultResponse,
    TimebackPutCategoryResponse,
    TimebackPutLineItemResponse,
    TimebackPutResultResponse,
    TimebackPutScoreScaleResponse,
    TimebackSourcedIdPairsResponse,
    TimebackUpdateCourseResponse,
    TimebackUpdateEnrollmentResponse,
    TimebackUpdateGradingPeriodResponse,
    TimebackUpdateOrgResponse,
)
from timeback.models.rostering import (
    TimebackAcademicSession,
    TimebackClass,
    TimebackCourse,
    TimebackDemographics,
    TimebackEnrollment,
    TimebackOrg,
    TimebackUser,
)

class Gradebook:
    def get_all_score_scales(
        self,
        request: TimebackGetAllScoreScalesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackScoreScale]:
        """GET /ims/oneroster/gradebook/v1p2/scoreScales/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllScoreScalesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackScoreScale]``: iterate it for every record across pages.
        """
    def create_score_scale(
        self,
        request: TimebackCreateScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        scoreScale: TimebackCreateScoreScaleBody | TimebackScoreScale | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/scoreScales/: Create one record.

        request: a ``TimebackCreateScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: scoreScale (TimebackCreateScoreScaleBody, a dict, or a ``TimebackScoreScale`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_score_scale(
        self,
        request: TimebackGetScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetScoreScaleResponse:
        """GET /ims/oneroster/gradebook/v1p2/scoreScales/{sourced_id}: Read one record.

        request: a ``TimebackGetScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetScoreScaleResponse`` (the server answers 200).
        """
    def put_score_scale(
        self,
        request: TimebackPutScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        scoreScale: TimebackPutScoreScaleBody | TimebackScoreScale | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutScoreScaleResponse:
        """PUT /ims/oneroster/gradebook/v1p2/scoreScales/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: scoreScale (TimebackPutScoreScaleBody, a dict, or a ``TimebackScoreScale`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutScoreScaleResponse`` (the server answers 201).
        """
    def delete_score_scale(
        self,
        request: TimebackDeleteScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/scoreScales/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_score_scales_for_school(
        self,
        request: TimebackGetScoreScalesForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackScoreScale]:
        """GET /ims/oneroster/gradebook/v1p2/schools/{school_sourced_id}/scoreScales: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetScoreScalesForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackScoreScale]``: iterate it for every record across pages.
        """
    def get_score_scales_for_class(
        self,
        request: TimebackGetScoreScalesForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackScoreScale]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/scoreScales: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetScoreScalesForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackScoreScale]``: iterate it for every record across pages.
        """
    def get_all_results(
        self,
        request: TimebackGetAllResultsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/results/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllResultsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackResult]``: iterate it for every record across pages.
        """
    def create_result(
        self,
        request: TimebackCreateResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        result: TimebackCreateResultBody | TimebackResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/results/: Create one record.

        request: a ``TimebackCreateResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: result (TimebackCreateResultBody, a dict, or a ``TimebackResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_result(
        self,
        request: TimebackGetResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetResultResponse:
        """GET /ims/oneroster/gradebook/v1p2/results/{sourced_id}: Read one record.

        request: a ``TimebackGetResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetResultResponse`` (the server answers 200).
        """
    def put_result(
        self,
        request: TimebackPutResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        result: TimebackPutResultBody | TimebackResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutResultResponse:
        """PUT /ims/oneroster/gradebook/v1p2/results/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: result (TimebackPutResultBody, a dict, or a ``TimebackResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutResultResponse`` (the server answers 201).
        """
    def delete_result(
        self,
        request: TimebackDeleteResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/results/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_results_for_class(
        self,
        request: TimebackGetResultsForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/results: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetResultsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackResult]``: iterate it for every record across pages.
        """
    def get_results_for_line_item_for_class(
        self,
        request: TimebackGetResultsForLineItemForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        line_item_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/lineItems/{line_item_sourced_id}/results: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetResultsForLineItemForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id, line_item_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackResult]``: iterate it for every record across pages.
        """
    def get_results_for_student_for_class(
        self,
        request: TimebackGetResultsForStudentForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        student_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/students/{student_sourced_id}/results: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetResultsForStudentForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id, student_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackResult]``: iterate it for every record across pages.
        """
    def post_results_for_academic_session_for_class(
        self,
        request: TimebackPostResultsForAcademicSessionForClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        academic_session_sourced_id: str = ...,
        results: Iterable[TimebackCreateResultBody | TimebackResult | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/academicSessions/{academic_session_sourced_id}/results: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackPostResultsForAcademicSessionForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id, academic_session_sourced_id (str)
          body: results (Sequence[TimebackCreateResultBody]: of those, dicts, or ``TimebackResult`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_all_line_items(
        self,
        request: TimebackGetAllLineItemsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/lineItems/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllLineItemsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackLineItem]``: iterate it for every record across pages.
        """
    def create_line_item(
        self,
        request: TimebackCreateLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        lineItem: TimebackCreateLineItemBody | TimebackLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/lineItems/: Create one record.

        request: a ``TimebackCreateLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: lineItem (TimebackCreateLineItemBody, a dict, or a ``TimebackLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_line_item(
        self,
        request: TimebackGetLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetLineItemResponse:
        """GET /ims/oneroster/gradebook/v1p2/lineItems/{sourced_id}: Read one record.

        request: a ``TimebackGetLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetLineItemResponse`` (the server answers 200).
        """
    def put_line_item(
        self,
        request: TimebackPutLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        lineItem: TimebackPutLineItemBody | TimebackLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutLineItemResponse:
        """PUT /ims/oneroster/gradebook/v1p2/lineItems/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: lineItem (TimebackPutLineItemBody, a dict, or a ``TimebackLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutLineItemResponse`` (the server answers 201).
        """
    def delete_line_item(
        self,
        request: TimebackDeleteLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/lineItems/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def create_result_for_line_item(
        self,
        request: TimebackCreateResultForLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        line_item_sourced_id: str = ...,
        results: Iterable[TimebackCreateResultBody | TimebackResult | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/lineItems/{line_item_sourced_id}/results: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackCreateResultForLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: line_item_sourced_id (str)
          body: results (Sequence[TimebackCreateResultBody]: of those, dicts, or ``TimebackResult`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_line_items_for_school(
        self,
        request: TimebackGetLineItemsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/schools/{school_sourced_id}/lineItems: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetLineItemsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackLineItem]``: iterate it for every record across pages.
        """
    def create_line_items_for_school(
        self,
        request: TimebackCreateLineItemsForSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        lineItems: Iterable[TimebackCreateLineItemBody | TimebackLineItem | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/schools/{school_sourced_id}/lineItems: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackCreateLineItemsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          body: lineItems (Sequence[TimebackCreateLineItemBody]: of those, dicts, or ``TimebackLineItem`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_line_items_for_class(
        self,
        request: TimebackGetLineItemsForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/lineItems: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetLineItemsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackLineItem]``: iterate it for every record across pages.
        """
    def post_line_items_for_class(
        self,
        request: TimebackPostLineItemsForClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        lineItems: Iterable[TimebackCreateLineItemBody | TimebackLineItem | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/lineItems: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackPostLineItemsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          body: lineItems (Sequence[TimebackCreateLineItemBody]: of those, dicts, or ``TimebackLineItem`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_all_categories(
        self,
        request: TimebackGetAllCategoriesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackCategory]:
        """GET /ims/oneroster/gradebook/v1p2/categories/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllCategoriesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackCategory]``: iterate it for every record across pages.
        """
    def create_category(
        self,
        request: TimebackCreateCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        category: TimebackCreateCategoryBody | TimebackCategory | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/categories/: Create one record.

        request: a ``TimebackCreateCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: category (TimebackCreateCategoryBody, a dict, or a ``TimebackCategory`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_category(
        self,
        request: TimebackGetCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetCategoryResponse:
        """GET /ims/oneroster/gradebook/v1p2/categories/{sourced_id}: Read one record.

        request: a ``TimebackGetCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetCategoryResponse`` (the server answers 200).
        """
    def put_category(
        self,
        request: TimebackPutCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        category: TimebackPutCategoryBody | TimebackCategory | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutCategoryResponse:
        """PUT /ims/oneroster/gradebook/v1p2/categories/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: category (TimebackPutCategoryBody, a dict, or a ``TimebackCategory`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutCategoryResponse`` (the server answers 201).
        """
    def delete_category(
        self,
        request: TimebackDeleteCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/categories/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_categories_for_class(
        self,
        request: TimebackGetCategoriesForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackCategory]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/categories: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetCategoriesForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackCategory]``: iterate it for every record across pages.
        """
    def get_all_assessment_results(
        self,
        request: TimebackGetAllAssessmentResultsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAssessmentResult]:
        """GET /ims/oneroster/gradebook/v1p2/assessmentResults/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllAssessmentResultsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAssessmentResult]``: iterate it for every record across pages.
        """
    def create_assessment_result(
        self,
        request: TimebackCreateAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        assessmentResult: TimebackCreateAssessmentResultBody | TimebackAssessmentResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/assessmentResults/: Create one record.

        request: a ``TimebackCreateAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: assessmentResult (TimebackCreateAssessmentResultBody, a dict, or a ``TimebackAssessmentResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_assessment_result(
        self,
        request: TimebackGetAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAssessmentResultResponse:
        """GET /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Read one record.

        request: a ``TimebackGetAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAssessmentResultResponse`` (the server answers 200).
        """
    def put_assessment_result(
        self,
        request: TimebackPutAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentResult: TimebackPutAssessmentResultBody | TimebackAssessmentResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutAssessmentResultResponse:
        """PUT /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentResult (TimebackPutAssessmentResultBody, a dict, or a ``TimebackAssessmentResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutAssessmentResultResponse`` (the server answers 201).
        """
    def patch_assessment_result(
        self,
        request: TimebackPatchAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentResult: TimebackPatchAssessmentResultBody | TimebackAssessmentResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPatchAssessmentResultResponse:
        """PATCH /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Update the fields sent (``metadata`` merged key by key).

        request: a ``TimebackPatchAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentResult (TimebackPatchAssessmentResultBody, a dict, or a ``TimebackAssessmentResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPatchAssessmentResultResponse`` (the server answers 200).
        """
    def delete_assessment_result(
        self,
        request: TimebackDeleteAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_all_assessment_line_items(
        self,
        request: TimebackGetAllAssessmentLineItemsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAssessmentLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/assessmentLineItems/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllAssessmentLineItemsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAssessmentLineItem]``: iterate it for every record across pages.
        """
    def create_assessment_line_item(
        self,
        request: TimebackCreateAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        assessmentLineItem: TimebackCreateAssessmentLineItemBody | TimebackAssessmentLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/assessmentLineItems/: Create one record.

        request: a ``TimebackCreateAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: assessmentLineItem (TimebackCreateAssessmentLineItemBody, a dict, or a ``TimebackAssessmentLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_assessment_line_item(
        self,
        request: TimebackGetAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAssessmentLineItemResponse:
        """GET /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Read one record.

        request: a ``TimebackGetAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAssessmentLineItemResponse`` (the server answers 200).
        """
    def put_assessment_line_item(
        self,
        request: TimebackPutAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentLineItem: TimebackPutAssessmentLineItemBody | TimebackAssessmentLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutAssessmentLineItemResponse:
        """PUT /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentLineItem (TimebackPutAssessmentLineItemBody, a dict, or a ``TimebackAssessmentLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutAssessmentLineItemResponse`` (the server answers 201).
        """
    def patch_assessment_line_item(
        self,
        request: TimebackPatchAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentLineItem: TimebackPatchAssessmentLineItemBody | TimebackAssessmentLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPatchAssessmentLineItemResponse:
        """PATCH /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Update the fields sent (``metadata`` merged key by key).

        request: a ``TimebackPatchAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentLineItem (TimebackPatchAssessmentLineItemBody, a dict, or a ``TimebackAssessmentLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPatchAssessmentLineItemResponse`` (the server answers 200).
        """
    def delete_assessment_line_item(
        self,
        request: TimebackDeleteAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """

class AsyncGradebook:
    def get_all_score_scales(
        self,
        request: TimebackGetAllScoreScalesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackScoreScale]:
        """GET /ims/oneroster/gradebook/v1p2/scoreScales/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllScoreScalesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackScoreScale]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_score_scale(
        self,
        request: TimebackCreateScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        scoreScale: TimebackCreateScoreScaleBody | TimebackScoreScale | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/scoreScales/: Create one record.

        request: a ``TimebackCreateScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: scoreScale (TimebackCreateScoreScaleBody, a dict, or a ``TimebackScoreScale`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def get_score_scale(
        self,
        request: TimebackGetScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetScoreScaleResponse:
        """GET /ims/oneroster/gradebook/v1p2/scoreScales/{sourced_id}: Read one record.

        request: a ``TimebackGetScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetScoreScaleResponse`` (the server answers 200). Awaitable.
        """
    async def put_score_scale(
        self,
        request: TimebackPutScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        scoreScale: TimebackPutScoreScaleBody | TimebackScoreScale | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutScoreScaleResponse:
        """PUT /ims/oneroster/gradebook/v1p2/scoreScales/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: scoreScale (TimebackPutScoreScaleBody, a dict, or a ``TimebackScoreScale`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutScoreScaleResponse`` (the server answers 201). Awaitable.
        """
    async def delete_score_scale(
        self,
        request: TimebackDeleteScoreScaleRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/scoreScales/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteScoreScaleRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_score_scales_for_school(
        self,
        request: TimebackGetScoreScalesForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackScoreScale]:
        """GET /ims/oneroster/gradebook/v1p2/schools/{school_sourced_id}/scoreScales: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetScoreScalesForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackScoreScale]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_score_scales_for_class(
        self,
        request: TimebackGetScoreScalesForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackScoreScale]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/scoreScales: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetScoreScalesForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackScoreScale]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_all_results(
        self,
        request: TimebackGetAllResultsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/results/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllResultsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackResult]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_result(
        self,
        request: TimebackCreateResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        result: TimebackCreateResultBody | TimebackResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/results/: Create one record.

        request: a ``TimebackCreateResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: result (TimebackCreateResultBody, a dict, or a ``TimebackResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def get_result(
        self,
        request: TimebackGetResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetResultResponse:
        """GET /ims/oneroster/gradebook/v1p2/results/{sourced_id}: Read one record.

        request: a ``TimebackGetResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetResultResponse`` (the server answers 200). Awaitable.
        """
    async def put_result(
        self,
        request: TimebackPutResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        result: TimebackPutResultBody | TimebackResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutResultResponse:
        """PUT /ims/oneroster/gradebook/v1p2/results/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: result (TimebackPutResultBody, a dict, or a ``TimebackResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutResultResponse`` (the server answers 201). Awaitable.
        """
    async def delete_result(
        self,
        request: TimebackDeleteResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/results/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_results_for_class(
        self,
        request: TimebackGetResultsForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/results: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetResultsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackResult]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_results_for_line_item_for_class(
        self,
        request: TimebackGetResultsForLineItemForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        line_item_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/lineItems/{line_item_sourced_id}/results: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetResultsForLineItemForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id, line_item_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackResult]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_results_for_student_for_class(
        self,
        request: TimebackGetResultsForStudentForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        student_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackResult]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/students/{student_sourced_id}/results: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetResultsForStudentForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id, student_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackResult]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def post_results_for_academic_session_for_class(
        self,
        request: TimebackPostResultsForAcademicSessionForClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        academic_session_sourced_id: str = ...,
        results: Iterable[TimebackCreateResultBody | TimebackResult | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/academicSessions/{academic_session_sourced_id}/results: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackPostResultsForAcademicSessionForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id, academic_session_sourced_id (str)
          body: results (Sequence[TimebackCreateResultBody]: of those, dicts, or ``TimebackResult`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    def get_all_line_items(
        self,
        request: TimebackGetAllLineItemsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/lineItems/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllLineItemsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackLineItem]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_line_item(
        self,
        request: TimebackCreateLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        lineItem: TimebackCreateLineItemBody | TimebackLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/lineItems/: Create one record.

        request: a ``TimebackCreateLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: lineItem (TimebackCreateLineItemBody, a dict, or a ``TimebackLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def get_line_item(
        self,
        request: TimebackGetLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetLineItemResponse:
        """GET /ims/oneroster/gradebook/v1p2/lineItems/{sourced_id}: Read one record.

        request: a ``TimebackGetLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetLineItemResponse`` (the server answers 200). Awaitable.
        """
    async def put_line_item(
        self,
        request: TimebackPutLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        lineItem: TimebackPutLineItemBody | TimebackLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutLineItemResponse:
        """PUT /ims/oneroster/gradebook/v1p2/lineItems/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: lineItem (TimebackPutLineItemBody, a dict, or a ``TimebackLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutLineItemResponse`` (the server answers 201). Awaitable.
        """
    async def delete_line_item(
        self,
        request: TimebackDeleteLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/lineItems/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    async def create_result_for_line_item(
        self,
        request: TimebackCreateResultForLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        line_item_sourced_id: str = ...,
        results: Iterable[TimebackCreateResultBody | TimebackResult | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/lineItems/{line_item_sourced_id}/results: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackCreateResultForLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: line_item_sourced_id (str)
          body: results (Sequence[TimebackCreateResultBody]: of those, dicts, or ``TimebackResult`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    def get_line_items_for_school(
        self,
        request: TimebackGetLineItemsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/schools/{school_sourced_id}/lineItems: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetLineItemsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackLineItem]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_line_items_for_school(
        self,
        request: TimebackCreateLineItemsForSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        lineItems: Iterable[TimebackCreateLineItemBody | TimebackLineItem | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/schools/{school_sourced_id}/lineItems: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackCreateLineItemsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          body: lineItems (Sequence[TimebackCreateLineItemBody]: of those, dicts, or ``TimebackLineItem`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    def get_line_items_for_class(
        self,
        request: TimebackGetLineItemsForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/lineItems: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetLineItemsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackLineItem]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def post_line_items_for_class(
        self,
        request: TimebackPostLineItemsForClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        lineItems: Iterable[TimebackCreateLineItemBody | TimebackLineItem | Mapping[str, Any]] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/lineItems: Create a batch of records under the parent the path names: all or nothing.

        request: a ``TimebackPostLineItemsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          body: lineItems (Sequence[TimebackCreateLineItemBody]: of those, dicts, or ``TimebackLineItem`` records read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    def get_all_categories(
        self,
        request: TimebackGetAllCategoriesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackCategory]:
        """GET /ims/oneroster/gradebook/v1p2/categories/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllCategoriesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackCategory]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_category(
        self,
        request: TimebackCreateCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        category: TimebackCreateCategoryBody | TimebackCategory | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/categories/: Create one record.

        request: a ``TimebackCreateCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: category (TimebackCreateCategoryBody, a dict, or a ``TimebackCategory`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def get_category(
        self,
        request: TimebackGetCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetCategoryResponse:
        """GET /ims/oneroster/gradebook/v1p2/categories/{sourced_id}: Read one record.

        request: a ``TimebackGetCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetCategoryResponse`` (the server answers 200). Awaitable.
        """
    async def put_category(
        self,
        request: TimebackPutCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        category: TimebackPutCategoryBody | TimebackCategory | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutCategoryResponse:
        """PUT /ims/oneroster/gradebook/v1p2/categories/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: category (TimebackPutCategoryBody, a dict, or a ``TimebackCategory`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutCategoryResponse`` (the server answers 201). Awaitable.
        """
    async def delete_category(
        self,
        request: TimebackDeleteCategoryRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/categories/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteCategoryRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_categories_for_class(
        self,
        request: TimebackGetCategoriesForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackCategory]:
        """GET /ims/oneroster/gradebook/v1p2/classes/{class_sourced_id}/categories: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetCategoriesForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackCategory]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_all_assessment_results(
        self,
        request: TimebackGetAllAssessmentResultsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAssessmentResult]:
        """GET /ims/oneroster/gradebook/v1p2/assessmentResults/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllAssessmentResultsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAssessmentResult]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_assessment_result(
        self,
        request: TimebackCreateAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        assessmentResult: TimebackCreateAssessmentResultBody | TimebackAssessmentResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/assessmentResults/: Create one record.

        request: a ``TimebackCreateAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: assessmentResult (TimebackCreateAssessmentResultBody, a dict, or a ``TimebackAssessmentResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def get_assessment_result(
        self,
        request: TimebackGetAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAssessmentResultResponse:
        """GET /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Read one record.

        request: a ``TimebackGetAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAssessmentResultResponse`` (the server answers 200). Awaitable.
        """
    async def put_assessment_result(
        self,
        request: TimebackPutAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentResult: TimebackPutAssessmentResultBody | TimebackAssessmentResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutAssessmentResultResponse:
        """PUT /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentResult (TimebackPutAssessmentResultBody, a dict, or a ``TimebackAssessmentResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutAssessmentResultResponse`` (the server answers 201). Awaitable.
        """
    async def patch_assessment_result(
        self,
        request: TimebackPatchAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentResult: TimebackPatchAssessmentResultBody | TimebackAssessmentResult | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPatchAssessmentResultResponse:
        """PATCH /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Update the fields sent (``metadata`` merged key by key).

        request: a ``TimebackPatchAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentResult (TimebackPatchAssessmentResultBody, a dict, or a ``TimebackAssessmentResult`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPatchAssessmentResultResponse`` (the server answers 200). Awaitable.
        """
    async def delete_assessment_result(
        self,
        request: TimebackDeleteAssessmentResultRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/assessmentResults/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteAssessmentResultRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_all_assessment_line_items(
        self,
        request: TimebackGetAllAssessmentLineItemsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAssessmentLineItem]:
        """GET /ims/oneroster/gradebook/v1p2/assessmentLineItems/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllAssessmentLineItemsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAssessmentLineItem]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_assessment_line_item(
        self,
        request: TimebackCreateAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        assessmentLineItem: TimebackCreateAssessmentLineItemBody | TimebackAssessmentLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/gradebook/v1p2/assessmentLineItems/: Create one record.

        request: a ``TimebackCreateAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: assessmentLineItem (TimebackCreateAssessmentLineItemBody, a dict, or a ``TimebackAssessmentLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def get_assessment_line_item(
        self,
        request: TimebackGetAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAssessmentLineItemResponse:
        """GET /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Read one record.

        request: a ``TimebackGetAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAssessmentLineItemResponse`` (the server answers 200). Awaitable.
        """
    async def put_assessment_line_item(
        self,
        request: TimebackPutAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentLineItem: TimebackPutAssessmentLineItemBody | TimebackAssessmentLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPutAssessmentLineItemResponse:
        """PUT /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackPutAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentLineItem (TimebackPutAssessmentLineItemBody, a dict, or a ``TimebackAssessmentLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPutAssessmentLineItemResponse`` (the server answers 201). Awaitable.
        """
    async def patch_assessment_line_item(
        self,
        request: TimebackPatchAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        assessmentLineItem: TimebackPatchAssessmentLineItemBody | TimebackAssessmentLineItem | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackPatchAssessmentLineItemResponse:
        """PATCH /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Update the fields sent (``metadata`` merged key by key).

        request: a ``TimebackPatchAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: assessmentLineItem (TimebackPatchAssessmentLineItemBody, a dict, or a ``TimebackAssessmentLineItem`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackPatchAssessmentLineItemResponse`` (the server answers 200). Awaitable.
        """
    async def delete_assessment_line_item(
        self,
        request: TimebackDeleteAssessmentLineItemRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/gradebook/v1p2/assessmentLineItems/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteAssessmentLineItemRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """

class Rostering:
    def get_all_academic_sessions(
        self,
        request: TimebackGetAllAcademicSessionsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/academicSessions/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllAcademicSessionsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAcademicSession]``: iterate it for every record across pages.
        """
    def get_academic_session(
        self,
        request: TimebackGetAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAcademicSessionResponse:
        """GET /ims/oneroster/rostering/v1p2/academicSessions/{sourced_id}: Read one record.

        request: a ``TimebackGetAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAcademicSessionResponse`` (the server answers 200).
        """
    def create_academic_session(
        self,
        request: TimebackCreateAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        academicSession: TimebackCreateAcademicSessionBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/academicSessions/: Create one record.

        request: a ``TimebackCreateAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: academicSession (TimebackCreateAcademicSessionBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_academic_session(
        self,
        request: TimebackUpdateAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        academicSession: TimebackCreateAcademicSessionBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAcademicSessionResponse:
        """PUT /ims/oneroster/rostering/v1p2/academicSessions/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: academicSession (TimebackCreateAcademicSessionBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAcademicSessionResponse`` (the server answers 200, the record bare).
        """
    def delete_academic_session(
        self,
        request: TimebackDeleteAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/academicSessions/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_all_terms(
        self,
        request: TimebackGetAllTermsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/terms/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllTermsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAcademicSession]``: iterate it for every record across pages.
        """
    def get_term(
        self,
        request: TimebackGetTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetTermResponse:
        """GET /ims/oneroster/rostering/v1p2/terms/{sourced_id}: Read one record.

        request: a ``TimebackGetTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetTermResponse`` (the server answers 200).
        """
    def create_term(
        self,
        request: TimebackCreateTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        academicSession: TimebackCreateTermBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/terms/: Create one record.

        request: a ``TimebackCreateTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: academicSession (TimebackCreateTermBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_term(
        self,
        request: TimebackUpdateTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        academicSession: TimebackCreateTermBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAcademicSessionResponse:
        """PUT /ims/oneroster/rostering/v1p2/terms/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: academicSession (TimebackCreateTermBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAcademicSessionResponse`` (the server answers 201).
        """
    def delete_term(
        self,
        request: TimebackDeleteTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/terms/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_classes_for_term(
        self,
        request: TimebackGetClassesForTermRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        term_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/terms/{term_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: term_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """
    def get_grading_periods_for_term(
        self,
        request: TimebackGetGradingPeriodsForTermRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        term_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/terms/{term_sourced_id}/gradingPeriods: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetGradingPeriodsForTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: term_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAcademicSession]``: iterate it for every record across pages.
        """
    def create_grading_period_for_term(
        self,
        request: TimebackCreateGradingPeriodForTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        term_sourced_id: str = ...,
        academicSession: TimebackCreateGradingPeriodForTermBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackCreateGradingPeriodForTermResponse:
        """POST /ims/oneroster/rostering/v1p2/terms/{term_sourced_id}/gradingPeriods: Create one record.

        request: a ``TimebackCreateGradingPeriodForTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: term_sourced_id (str)
          body: academicSession (TimebackCreateGradingPeriodForTermBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackCreateGradingPeriodForTermResponse`` (the server answers 201).
        """
    def get_all_grading_periods(
        self,
        request: TimebackGetAllGradingPeriodsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/gradingPeriods/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllGradingPeriodsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAcademicSession]``: iterate it for every record across pages.
        """
    def get_grading_period(
        self,
        request: TimebackGetGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetGradingPeriodResponse:
        """GET /ims/oneroster/rostering/v1p2/gradingPeriods/{sourced_id}: Read one record.

        request: a ``TimebackGetGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetGradingPeriodResponse`` (the server answers 200).
        """
    def create_grading_period(
        self,
        request: TimebackCreateGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        academicSession: TimebackCreateGradingPeriodBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/gradingPeriods/: Create one record.

        request: a ``TimebackCreateGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: academicSession (TimebackCreateGradingPeriodBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_grading_period(
        self,
        request: TimebackUpdateGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        academicSession: TimebackCreateGradingPeriodBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateGradingPeriodResponse:
        """PUT /ims/oneroster/rostering/v1p2/gradingPeriods/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: academicSession (TimebackCreateGradingPeriodBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateGradingPeriodResponse`` (the server answers 201).
        """
    def delete_grading_period(
        self,
        request: TimebackDeleteGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/gradingPeriods/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_all_classes(
        self,
        request: TimebackGetAllClassesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/classes/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllClassesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """
    def get_class(
        self,
        request: TimebackGetClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetClassResponse:
        """GET /ims/oneroster/rostering/v1p2/classes/{sourced_id}: Read one record.

        request: a ``TimebackGetClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetClassResponse`` (the server answers 200).
        """
    def create_class(
        self,
        request: TimebackCreateClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_: TimebackCreateClassBody | TimebackClass | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/classes/: Create one record.

        request: a ``TimebackCreateClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: class_ (TimebackCreateClassBody, ``class`` on the wire, a dict, or a ``TimebackClass`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_class(
        self,
        request: TimebackUpdateClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        class_: TimebackUpdateClassBody | TimebackClass | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetClassResponse:
        """PUT /ims/oneroster/rostering/v1p2/classes/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: class_ (TimebackUpdateClassBody, ``class`` on the wire, a dict, or a ``TimebackClass`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetClassResponse`` (the server answers 200, the record bare).
        """
    def delete_class(
        self,
        request: TimebackDeleteClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/classes/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_students_for_class(
        self,
        request: TimebackGetStudentsForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/students: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetStudentsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_teachers_for_class(
        self,
        request: TimebackGetTeachersForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/teachers: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTeachersForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def add_student_to_class(
        self,
        request: TimebackAddStudentToClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        enrollment: TimebackClassEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/students: Create one record.

        request: a ``TimebackAddStudentToClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          body: enrollment (TimebackClassEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def add_teacher_to_class(
        self,
        request: TimebackAddTeacherToClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        enrollment: TimebackClassEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/teachers: Create one record.

        request: a ``TimebackAddTeacherToClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          body: enrollment (TimebackClassEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def get_all_courses(
        self,
        request: TimebackGetAllCoursesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackCourse]:
        """GET /ims/oneroster/rostering/v1p2/courses/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllCoursesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackCourse]``: iterate it for every record across pages.
        """
    def get_course(
        self,
        request: TimebackGetCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetCourseResponse:
        """GET /ims/oneroster/rostering/v1p2/courses/{sourced_id}: Read one record.

        request: a ``TimebackGetCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetCourseResponse`` (the server answers 200).
        """
    def create_course(
        self,
        request: TimebackCreateCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        course: TimebackCreateCourseBody | TimebackCourse | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/courses/: Create one record.

        request: a ``TimebackCreateCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: course (TimebackCreateCourseBody, a dict, or a ``TimebackCourse`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_course(
        self,
        request: TimebackUpdateCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        course: TimebackCreateCourseBody | TimebackCourse | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateCourseResponse:
        """PUT /ims/oneroster/rostering/v1p2/courses/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: course (TimebackCreateCourseBody, a dict, or a ``TimebackCourse`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateCourseResponse`` (the server answers 200).
        """
    def delete_course(
        self,
        request: TimebackDeleteCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/courses/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_classes_for_course(
        self,
        request: TimebackGetClassesForCourseRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        course_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/courses/{course_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: course_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """
    def get_all_demographics(
        self,
        request: TimebackGetAllDemographicsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackDemographics]:
        """GET /ims/oneroster/rostering/v1p2/demographics/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackDemographics]``: iterate it for every record across pages.
        """
    def get_demographics(
        self,
        request: TimebackGetDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetDemographicsResponse:
        """GET /ims/oneroster/rostering/v1p2/demographics/{sourced_id}: Read one record.

        request: a ``TimebackGetDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetDemographicsResponse`` (the server answers 200).
        """
    def create_demographics(
        self,
        request: TimebackCreateDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        demographics: TimebackCreateDemographicsBody | TimebackDemographics | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/demographics/: Create one record.

        request: a ``TimebackCreateDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: demographics (TimebackCreateDemographicsBody, a dict, or a ``TimebackDemographics`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_demographics(
        self,
        request: TimebackUpdateDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        demographics: TimebackCreateDemographicsBody | TimebackDemographics | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetDemographicsResponse:
        """PUT /ims/oneroster/rostering/v1p2/demographics/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: demographics (TimebackCreateDemographicsBody, a dict, or a ``TimebackDemographics`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetDemographicsResponse`` (the server answers 200, the record bare).
        """
    def delete_demographics(
        self,
        request: TimebackDeleteDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/demographics/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_all_enrollments(
        self,
        request: TimebackGetAllEnrollmentsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackEnrollment]:
        """GET /ims/oneroster/rostering/v1p2/enrollments/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllEnrollmentsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackEnrollment]``: iterate it for every record across pages.
        """
    def get_enrollment(
        self,
        request: TimebackGetEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetEnrollmentResponse:
        """GET /ims/oneroster/rostering/v1p2/enrollments/{sourced_id}: Read one record.

        request: a ``TimebackGetEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetEnrollmentResponse`` (the server answers 200).
        """
    def create_enrollment(
        self,
        request: TimebackCreateEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        enrollment: TimebackCreateEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/enrollments/: Create one record.

        request: a ``TimebackCreateEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: enrollment (TimebackCreateEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_enrollment(
        self,
        request: TimebackUpdateEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        enrollment: TimebackCreateEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateEnrollmentResponse:
        """PUT /ims/oneroster/rostering/v1p2/enrollments/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: enrollment (TimebackCreateEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateEnrollmentResponse`` (the server answers 201).
        """
    def delete_enrollment(
        self,
        request: TimebackDeleteEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/enrollments/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_all_orgs(
        self,
        request: TimebackGetAllOrgsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackOrg]:
        """GET /ims/oneroster/rostering/v1p2/orgs/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllOrgsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackOrg]``: iterate it for every record across pages.
        """
    def get_org(
        self,
        request: TimebackGetOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetOrgResponse:
        """GET /ims/oneroster/rostering/v1p2/orgs/{sourced_id}: Read one record.

        request: a ``TimebackGetOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetOrgResponse`` (the server answers 200).
        """
    def create_org(
        self,
        request: TimebackCreateOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/orgs/: Create one record.

        request: a ``TimebackCreateOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_org(
        self,
        request: TimebackUpdateOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateOrgResponse:
        """PUT /ims/oneroster/rostering/v1p2/orgs/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateOrgResponse`` (the server answers 201).
        """
    def delete_org(
        self,
        request: TimebackDeleteOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/orgs/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_all_schools(
        self,
        request: TimebackGetAllSchoolsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackOrg]:
        """GET /ims/oneroster/rostering/v1p2/schools/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllSchoolsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackOrg]``: iterate it for every record across pages.
        """
    def get_school(
        self,
        request: TimebackGetSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetOrgResponse:
        """GET /ims/oneroster/rostering/v1p2/schools/{sourced_id}: Read one record.

        request: a ``TimebackGetSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetOrgResponse`` (the server answers 200).
        """
    def create_school(
        self,
        request: TimebackCreateSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/schools/: Create one record.

        request: a ``TimebackCreateSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_school(
        self,
        request: TimebackUpdateSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetOrgResponse:
        """PUT /ims/oneroster/rostering/v1p2/schools/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetOrgResponse`` (the server answers 200, the record bare).
        """
    def delete_school(
        self,
        request: TimebackDeleteSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/schools/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_classes_for_school(
        self,
        request: TimebackGetClassesForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """
    def get_enrollments_for_class_in_school(
        self,
        request: TimebackGetEnrollmentsForClassInSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackEnrollment]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes/{class_sourced_id}/enrollments: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetEnrollmentsForClassInSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id, class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackEnrollment]``: iterate it for every record across pages.
        """
    def get_students_for_class_in_school(
        self,
        request: TimebackGetStudentsForClassInSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes/{class_sourced_id}/students: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetStudentsForClassInSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id, class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_teachers_for_class_in_school(
        self,
        request: TimebackGetTeachersForClassInSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes/{class_sourced_id}/teachers: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTeachersForClassInSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id, class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_courses_for_school(
        self,
        request: TimebackGetCoursesForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackCourse]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/courses: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetCoursesForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackCourse]``: iterate it for every record across pages.
        """
    def get_enrollments_for_school(
        self,
        request: TimebackGetEnrollmentsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackEnrollment]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/enrollments: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetEnrollmentsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackEnrollment]``: iterate it for every record across pages.
        """
    def get_students_for_school(
        self,
        request: TimebackGetStudentsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/students: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetStudentsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_teachers_for_school(
        self,
        request: TimebackGetTeachersForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/teachers: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTeachersForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_terms_for_school(
        self,
        request: TimebackGetTermsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/terms: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTermsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackAcademicSession]``: iterate it for every record across pages.
        """
    def get_all_students(
        self,
        request: TimebackGetAllStudentsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/students/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllStudentsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_student(
        self,
        request: TimebackGetStudentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """GET /ims/oneroster/rostering/v1p2/students/{sourced_id}: Read one record.

        request: a ``TimebackGetStudentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200).
        """
    def get_classes_for_student(
        self,
        request: TimebackGetClassesForStudentRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        student_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/students/{student_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForStudentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: student_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """
    def get_all_teachers(
        self,
        request: TimebackGetAllTeachersRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/teachers/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllTeachersRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_teacher(
        self,
        request: TimebackGetTeacherRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """GET /ims/oneroster/rostering/v1p2/teachers/{sourced_id}: Read one record.

        request: a ``TimebackGetTeacherRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200).
        """
    def get_classes_for_teacher(
        self,
        request: TimebackGetClassesForTeacherRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        teacher_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/teachers/{teacher_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForTeacherRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: teacher_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """
    def get_all_users(
        self,
        request: TimebackGetAllUsersRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/users/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllUsersRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackUser]``: iterate it for every record across pages.
        """
    def get_user(
        self,
        request: TimebackGetUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """GET /ims/oneroster/rostering/v1p2/users/{sourced_id}: Read one record.

        request: a ``TimebackGetUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200).
        """
    def create_user(
        self,
        request: TimebackCreateUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        user: TimebackCreateUserBody | TimebackUser | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/users/: Create one record.

        request: a ``TimebackCreateUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: user (TimebackCreateUserBody, a dict, or a ``TimebackUser`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201).
        """
    def update_user(
        self,
        request: TimebackUpdateUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        user: TimebackCreateUserBody | TimebackUser | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """PUT /ims/oneroster/rostering/v1p2/users/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: user (TimebackCreateUserBody, a dict, or a ``TimebackUser`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200).
        """
    def delete_user(
        self,
        request: TimebackDeleteUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/users/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204).
        """
    def get_classes_for_user(
        self,
        request: TimebackGetClassesForUserRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        user_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> Page[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/users/{user_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: user_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``Page[TimebackClass]``: iterate it for every record across pages.
        """

class AsyncRostering:
    def get_all_academic_sessions(
        self,
        request: TimebackGetAllAcademicSessionsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/academicSessions/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllAcademicSessionsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAcademicSession]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_academic_session(
        self,
        request: TimebackGetAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAcademicSessionResponse:
        """GET /ims/oneroster/rostering/v1p2/academicSessions/{sourced_id}: Read one record.

        request: a ``TimebackGetAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAcademicSessionResponse`` (the server answers 200). Awaitable.
        """
    async def create_academic_session(
        self,
        request: TimebackCreateAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        academicSession: TimebackCreateAcademicSessionBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/academicSessions/: Create one record.

        request: a ``TimebackCreateAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: academicSession (TimebackCreateAcademicSessionBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_academic_session(
        self,
        request: TimebackUpdateAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        academicSession: TimebackCreateAcademicSessionBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAcademicSessionResponse:
        """PUT /ims/oneroster/rostering/v1p2/academicSessions/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: academicSession (TimebackCreateAcademicSessionBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAcademicSessionResponse`` (the server answers 200, the record bare). Awaitable.
        """
    async def delete_academic_session(
        self,
        request: TimebackDeleteAcademicSessionRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/academicSessions/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteAcademicSessionRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_all_terms(
        self,
        request: TimebackGetAllTermsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/terms/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllTermsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAcademicSession]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_term(
        self,
        request: TimebackGetTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetTermResponse:
        """GET /ims/oneroster/rostering/v1p2/terms/{sourced_id}: Read one record.

        request: a ``TimebackGetTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetTermResponse`` (the server answers 200). Awaitable.
        """
    async def create_term(
        self,
        request: TimebackCreateTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        academicSession: TimebackCreateTermBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/terms/: Create one record.

        request: a ``TimebackCreateTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: academicSession (TimebackCreateTermBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_term(
        self,
        request: TimebackUpdateTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        academicSession: TimebackCreateTermBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetAcademicSessionResponse:
        """PUT /ims/oneroster/rostering/v1p2/terms/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: academicSession (TimebackCreateTermBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetAcademicSessionResponse`` (the server answers 201). Awaitable.
        """
    async def delete_term(
        self,
        request: TimebackDeleteTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/terms/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_classes_for_term(
        self,
        request: TimebackGetClassesForTermRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        term_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/terms/{term_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: term_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_grading_periods_for_term(
        self,
        request: TimebackGetGradingPeriodsForTermRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        term_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/terms/{term_sourced_id}/gradingPeriods: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetGradingPeriodsForTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: term_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAcademicSession]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def create_grading_period_for_term(
        self,
        request: TimebackCreateGradingPeriodForTermRequest | Mapping[str, Any] | None = None,
        /,
        *,
        term_sourced_id: str = ...,
        academicSession: TimebackCreateGradingPeriodForTermBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackCreateGradingPeriodForTermResponse:
        """POST /ims/oneroster/rostering/v1p2/terms/{term_sourced_id}/gradingPeriods: Create one record.

        request: a ``TimebackCreateGradingPeriodForTermRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: term_sourced_id (str)
          body: academicSession (TimebackCreateGradingPeriodForTermBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackCreateGradingPeriodForTermResponse`` (the server answers 201). Awaitable.
        """
    def get_all_grading_periods(
        self,
        request: TimebackGetAllGradingPeriodsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/gradingPeriods/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllGradingPeriodsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAcademicSession]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_grading_period(
        self,
        request: TimebackGetGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetGradingPeriodResponse:
        """GET /ims/oneroster/rostering/v1p2/gradingPeriods/{sourced_id}: Read one record.

        request: a ``TimebackGetGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetGradingPeriodResponse`` (the server answers 200). Awaitable.
        """
    async def create_grading_period(
        self,
        request: TimebackCreateGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        academicSession: TimebackCreateGradingPeriodBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/gradingPeriods/: Create one record.

        request: a ``TimebackCreateGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: academicSession (TimebackCreateGradingPeriodBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_grading_period(
        self,
        request: TimebackUpdateGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        academicSession: TimebackCreateGradingPeriodBody | TimebackAcademicSession | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateGradingPeriodResponse:
        """PUT /ims/oneroster/rostering/v1p2/gradingPeriods/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: academicSession (TimebackCreateGradingPeriodBody, a dict, or a ``TimebackAcademicSession`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateGradingPeriodResponse`` (the server answers 201). Awaitable.
        """
    async def delete_grading_period(
        self,
        request: TimebackDeleteGradingPeriodRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/gradingPeriods/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteGradingPeriodRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_all_classes(
        self,
        request: TimebackGetAllClassesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/classes/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllClassesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_class(
        self,
        request: TimebackGetClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetClassResponse:
        """GET /ims/oneroster/rostering/v1p2/classes/{sourced_id}: Read one record.

        request: a ``TimebackGetClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetClassResponse`` (the server answers 200). Awaitable.
        """
    async def create_class(
        self,
        request: TimebackCreateClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_: TimebackCreateClassBody | TimebackClass | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/classes/: Create one record.

        request: a ``TimebackCreateClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: class_ (TimebackCreateClassBody, ``class`` on the wire, a dict, or a ``TimebackClass`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_class(
        self,
        request: TimebackUpdateClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        class_: TimebackUpdateClassBody | TimebackClass | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetClassResponse:
        """PUT /ims/oneroster/rostering/v1p2/classes/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: class_ (TimebackUpdateClassBody, ``class`` on the wire, a dict, or a ``TimebackClass`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetClassResponse`` (the server answers 200, the record bare). Awaitable.
        """
    async def delete_class(
        self,
        request: TimebackDeleteClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/classes/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_students_for_class(
        self,
        request: TimebackGetStudentsForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/students: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetStudentsForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_teachers_for_class(
        self,
        request: TimebackGetTeachersForClassRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/teachers: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTeachersForClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def add_student_to_class(
        self,
        request: TimebackAddStudentToClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        enrollment: TimebackClassEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/students: Create one record.

        request: a ``TimebackAddStudentToClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          body: enrollment (TimebackClassEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def add_teacher_to_class(
        self,
        request: TimebackAddTeacherToClassRequest | Mapping[str, Any] | None = None,
        /,
        *,
        class_sourced_id: str = ...,
        enrollment: TimebackClassEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/classes/{class_sourced_id}/teachers: Create one record.

        request: a ``TimebackAddTeacherToClassRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: class_sourced_id (str)
          body: enrollment (TimebackClassEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    def get_all_courses(
        self,
        request: TimebackGetAllCoursesRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackCourse]:
        """GET /ims/oneroster/rostering/v1p2/courses/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllCoursesRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackCourse]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_course(
        self,
        request: TimebackGetCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetCourseResponse:
        """GET /ims/oneroster/rostering/v1p2/courses/{sourced_id}: Read one record.

        request: a ``TimebackGetCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetCourseResponse`` (the server answers 200). Awaitable.
        """
    async def create_course(
        self,
        request: TimebackCreateCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        course: TimebackCreateCourseBody | TimebackCourse | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/courses/: Create one record.

        request: a ``TimebackCreateCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: course (TimebackCreateCourseBody, a dict, or a ``TimebackCourse`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_course(
        self,
        request: TimebackUpdateCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        course: TimebackCreateCourseBody | TimebackCourse | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateCourseResponse:
        """PUT /ims/oneroster/rostering/v1p2/courses/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: course (TimebackCreateCourseBody, a dict, or a ``TimebackCourse`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateCourseResponse`` (the server answers 200). Awaitable.
        """
    async def delete_course(
        self,
        request: TimebackDeleteCourseRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/courses/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_classes_for_course(
        self,
        request: TimebackGetClassesForCourseRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        course_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/courses/{course_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForCourseRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: course_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_all_demographics(
        self,
        request: TimebackGetAllDemographicsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackDemographics]:
        """GET /ims/oneroster/rostering/v1p2/demographics/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackDemographics]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_demographics(
        self,
        request: TimebackGetDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetDemographicsResponse:
        """GET /ims/oneroster/rostering/v1p2/demographics/{sourced_id}: Read one record.

        request: a ``TimebackGetDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetDemographicsResponse`` (the server answers 200). Awaitable.
        """
    async def create_demographics(
        self,
        request: TimebackCreateDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        demographics: TimebackCreateDemographicsBody | TimebackDemographics | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/demographics/: Create one record.

        request: a ``TimebackCreateDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: demographics (TimebackCreateDemographicsBody, a dict, or a ``TimebackDemographics`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_demographics(
        self,
        request: TimebackUpdateDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        demographics: TimebackCreateDemographicsBody | TimebackDemographics | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetDemographicsResponse:
        """PUT /ims/oneroster/rostering/v1p2/demographics/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: demographics (TimebackCreateDemographicsBody, a dict, or a ``TimebackDemographics`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetDemographicsResponse`` (the server answers 200, the record bare). Awaitable.
        """
    async def delete_demographics(
        self,
        request: TimebackDeleteDemographicsRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/demographics/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteDemographicsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_all_enrollments(
        self,
        request: TimebackGetAllEnrollmentsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackEnrollment]:
        """GET /ims/oneroster/rostering/v1p2/enrollments/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllEnrollmentsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackEnrollment]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_enrollment(
        self,
        request: TimebackGetEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetEnrollmentResponse:
        """GET /ims/oneroster/rostering/v1p2/enrollments/{sourced_id}: Read one record.

        request: a ``TimebackGetEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetEnrollmentResponse`` (the server answers 200). Awaitable.
        """
    async def create_enrollment(
        self,
        request: TimebackCreateEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        enrollment: TimebackCreateEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/enrollments/: Create one record.

        request: a ``TimebackCreateEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: enrollment (TimebackCreateEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_enrollment(
        self,
        request: TimebackUpdateEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        enrollment: TimebackCreateEnrollmentBody | TimebackEnrollment | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateEnrollmentResponse:
        """PUT /ims/oneroster/rostering/v1p2/enrollments/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: enrollment (TimebackCreateEnrollmentBody, a dict, or a ``TimebackEnrollment`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateEnrollmentResponse`` (the server answers 201). Awaitable.
        """
    async def delete_enrollment(
        self,
        request: TimebackDeleteEnrollmentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/enrollments/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteEnrollmentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_all_orgs(
        self,
        request: TimebackGetAllOrgsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackOrg]:
        """GET /ims/oneroster/rostering/v1p2/orgs/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllOrgsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackOrg]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_org(
        self,
        request: TimebackGetOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetOrgResponse:
        """GET /ims/oneroster/rostering/v1p2/orgs/{sourced_id}: Read one record.

        request: a ``TimebackGetOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetOrgResponse`` (the server answers 200). Awaitable.
        """
    async def create_org(
        self,
        request: TimebackCreateOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/orgs/: Create one record.

        request: a ``TimebackCreateOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_org(
        self,
        request: TimebackUpdateOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackUpdateOrgResponse:
        """PUT /ims/oneroster/rostering/v1p2/orgs/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackUpdateOrgResponse`` (the server answers 201). Awaitable.
        """
    async def delete_org(
        self,
        request: TimebackDeleteOrgRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/orgs/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteOrgRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_all_schools(
        self,
        request: TimebackGetAllSchoolsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackOrg]:
        """GET /ims/oneroster/rostering/v1p2/schools/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllSchoolsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackOrg]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_school(
        self,
        request: TimebackGetSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetOrgResponse:
        """GET /ims/oneroster/rostering/v1p2/schools/{sourced_id}: Read one record.

        request: a ``TimebackGetSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetOrgResponse`` (the server answers 200). Awaitable.
        """
    async def create_school(
        self,
        request: TimebackCreateSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/schools/: Create one record.

        request: a ``TimebackCreateSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_school(
        self,
        request: TimebackUpdateSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        org: TimebackCreateOrgBody | TimebackOrg | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetOrgResponse:
        """PUT /ims/oneroster/rostering/v1p2/schools/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: org (TimebackCreateOrgBody, a dict, or a ``TimebackOrg`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetOrgResponse`` (the server answers 200, the record bare). Awaitable.
        """
    async def delete_school(
        self,
        request: TimebackDeleteSchoolRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/schools/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_classes_for_school(
        self,
        request: TimebackGetClassesForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_enrollments_for_class_in_school(
        self,
        request: TimebackGetEnrollmentsForClassInSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackEnrollment]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes/{class_sourced_id}/enrollments: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetEnrollmentsForClassInSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id, class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackEnrollment]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_students_for_class_in_school(
        self,
        request: TimebackGetStudentsForClassInSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes/{class_sourced_id}/students: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetStudentsForClassInSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id, class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_teachers_for_class_in_school(
        self,
        request: TimebackGetTeachersForClassInSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        class_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/classes/{class_sourced_id}/teachers: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTeachersForClassInSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id, class_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_courses_for_school(
        self,
        request: TimebackGetCoursesForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackCourse]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/courses: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetCoursesForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackCourse]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_enrollments_for_school(
        self,
        request: TimebackGetEnrollmentsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackEnrollment]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/enrollments: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetEnrollmentsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackEnrollment]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_students_for_school(
        self,
        request: TimebackGetStudentsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/students: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetStudentsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_teachers_for_school(
        self,
        request: TimebackGetTeachersForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/teachers: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTeachersForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_terms_for_school(
        self,
        request: TimebackGetTermsForSchoolRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        school_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackAcademicSession]:
        """GET /ims/oneroster/rostering/v1p2/schools/{school_sourced_id}/terms: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetTermsForSchoolRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: school_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackAcademicSession]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_all_students(
        self,
        request: TimebackGetAllStudentsRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/students/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllStudentsRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_student(
        self,
        request: TimebackGetStudentRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """GET /ims/oneroster/rostering/v1p2/students/{sourced_id}: Read one record.

        request: a ``TimebackGetStudentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200). Awaitable.
        """
    def get_classes_for_student(
        self,
        request: TimebackGetClassesForStudentRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        student_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/students/{student_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForStudentRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: student_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_all_teachers(
        self,
        request: TimebackGetAllTeachersRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/teachers/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllTeachersRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_teacher(
        self,
        request: TimebackGetTeacherRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """GET /ims/oneroster/rostering/v1p2/teachers/{sourced_id}: Read one record.

        request: a ``TimebackGetTeacherRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200). Awaitable.
        """
    def get_classes_for_teacher(
        self,
        request: TimebackGetClassesForTeacherRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        teacher_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/teachers/{teacher_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForTeacherRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: teacher_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    def get_all_users(
        self,
        request: TimebackGetAllUsersRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackUser]:
        """GET /ims/oneroster/rostering/v1p2/users/: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetAllUsersRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackUser]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
    async def get_user(
        self,
        request: TimebackGetUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """GET /ims/oneroster/rostering/v1p2/users/{sourced_id}: Read one record.

        request: a ``TimebackGetUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          query: fields
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200). Awaitable.
        """
    async def create_user(
        self,
        request: TimebackCreateUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        user: TimebackCreateUserBody | TimebackUser | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackSourcedIdPairsResponse:
        """POST /ims/oneroster/rostering/v1p2/users/: Create one record.

        request: a ``TimebackCreateUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          body: user (TimebackCreateUserBody, a dict, or a ``TimebackUser`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackSourcedIdPairsResponse`` (the server answers 201). Awaitable.
        """
    async def update_user(
        self,
        request: TimebackUpdateUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        user: TimebackCreateUserBody | TimebackUser | Mapping[str, Any] = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> TimebackGetUserResponse:
        """PUT /ims/oneroster/rostering/v1p2/users/{sourced_id}: Create or replace the record the path names (its sourcedId is the path's).

        request: a ``TimebackUpdateUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          body: user (TimebackCreateUserBody, a dict, or a ``TimebackUser`` read)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``TimebackGetUserResponse`` (the server answers 200). Awaitable.
        """
    async def delete_user(
        self,
        request: TimebackDeleteUserRequest | Mapping[str, Any] | None = None,
        /,
        *,
        sourced_id: str = ...,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> None:
        """DELETE /ims/oneroster/rostering/v1p2/users/{sourced_id}: Delete the record: a soft delete (its status becomes ``tobedeleted``).

        request: a ``TimebackDeleteUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: sourced_id (str)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns None (the server answers 204). Awaitable.
        """
    def get_classes_for_user(
        self,
        request: TimebackGetClassesForUserRequest | TimebackQueryParams | Mapping[str, Any] | None = None,
        /,
        *,
        user_sourced_id: str = ...,
        fields: Sequence[str] | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: str | None = None,
        order_by: Literal["asc", "desc"] | None = None,
        filter: str | None = None,
        search: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> AsyncPaginator[TimebackClass]:
        """GET /ims/oneroster/rostering/v1p2/users/{user_sourced_id}/classes: Read a collection, paged: iterating the page reads every record across pages.

        request: a ``TimebackGetClassesForUserRequest`` (``timeback.models.request``), a dict of its fields, or its
        fields as keywords (a keyword overrides the request's field):
          path: user_sourced_id (str)
          query: fields, limit, offset, sort, order_by, filter, search
          (request may also be a ``TimebackQueryParams``: the query alone, path fields as keywords)
          call options: timeout, max_retries, deadline (this call's, over the client's; None: the client's);
          extra_headers, extra_query (sent with each of the call's requests)

        Returns ``AsyncPaginator[TimebackClass]``: iterate it for every record across pages (``async for``; ``await`` it for the first page).
        """
