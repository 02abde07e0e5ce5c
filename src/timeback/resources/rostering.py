"""OneRoster 1.2 Rostering: ``client.oneroster.rostering.<operation>(request)``.

For now the records a gradebook needs to exist: reads by id and Timeback's writes (create, update).
"""

from __future__ import annotations

from timeback._operations import OperationSet
from timeback._resource import AsyncResource, SyncResource, endpoint
from timeback.models import request as rq, response as rs

PAIRS = rs.TimebackSourcedIdPairsResponse


class RosteringOperations(OperationSet):
    base_path = "/ims/oneroster/rostering/v1p2"

    # ----- orgs (schools are orgs of type school)
    get_org = endpoint("get", "GET", "/orgs/{sourced_id}", rq.TimebackGetOrgRequest, rs.TimebackGetOrgResponse, "orgs")
    create_org = endpoint("create", "POST", "/orgs/", rq.TimebackCreateOrgRequest, PAIRS, "orgs", body="org")
    update_org = endpoint(
        "put", "PUT", "/orgs/{sourced_id}", rq.TimebackUpdateOrgRequest, rs.TimebackGetOrgResponse, "orgs", body="org"
    )
    get_school = endpoint(
        "get", "GET", "/schools/{sourced_id}", rq.TimebackGetSchoolRequest, rs.TimebackGetOrgResponse, "schools"
    )
    create_school = endpoint(
        "create", "POST", "/schools/", rq.TimebackCreateSchoolRequest, PAIRS, "schools", body="org"
    )
    update_school = endpoint(
        "put",
        "PUT",
        "/schools/{sourced_id}",
        rq.TimebackUpdateSchoolRequest,
        rs.TimebackGetOrgResponse,
        "schools",
        body="org",
    )

    # ----- academic sessions
    get_academic_session = endpoint(
        "get",
        "GET",
        "/academicSessions/{sourced_id}",
        rq.TimebackGetAcademicSessionRequest,
        rs.TimebackGetAcademicSessionResponse,
        "academicSessions",
    )
    create_academic_session = endpoint(
        "create",
        "POST",
        "/academicSessions/",
        rq.TimebackCreateAcademicSessionRequest,
        PAIRS,
        "academicSessions",
        body="academicSession",
    )
    update_academic_session = endpoint(
        "put",
        "PUT",
        "/academicSessions/{sourced_id}",
        rq.TimebackUpdateAcademicSessionRequest,
        rs.TimebackGetAcademicSessionResponse,
        "academicSessions",
        body="academicSession",
    )

    # ----- courses
    get_course = endpoint(
        "get", "GET", "/courses/{sourced_id}", rq.TimebackGetCourseRequest, rs.TimebackGetCourseResponse, "courses"
    )
    create_course = endpoint(
        "create", "POST", "/courses/", rq.TimebackCreateCourseRequest, PAIRS, "courses", body="course"
    )
    update_course = endpoint(
        "put",
        "PUT",
        "/courses/{sourced_id}",
        rq.TimebackUpdateCourseRequest,
        rs.TimebackGetCourseResponse,
        "courses",
        body="course",
    )

    # ----- classes
    get_class = endpoint(
        "get", "GET", "/classes/{sourced_id}", rq.TimebackGetClassRequest, rs.TimebackGetClassResponse, "classes"
    )
    create_class = endpoint(
        "create", "POST", "/classes/", rq.TimebackCreateClassRequest, PAIRS, "classes", body="class_"
    )
    update_class = endpoint(
        "put",
        "PUT",
        "/classes/{sourced_id}",
        rq.TimebackUpdateClassRequest,
        rs.TimebackGetClassResponse,
        "classes",
        body="class_",
    )

    # ----- users
    get_user = endpoint(
        "get", "GET", "/users/{sourced_id}", rq.TimebackGetUserRequest, rs.TimebackGetUserResponse, "users"
    )
    create_user = endpoint("create", "POST", "/users/", rq.TimebackCreateUserRequest, PAIRS, "users", body="user")
    update_user = endpoint(
        "put",
        "PUT",
        "/users/{sourced_id}",
        rq.TimebackUpdateUserRequest,
        rs.TimebackGetUserResponse,
        "users",
        body="user",
    )


class Rostering(SyncResource, RosteringOperations):
    """The rostering service, blocking."""


class AsyncRostering(AsyncResource, RosteringOperations):
    """The rostering service, async."""
