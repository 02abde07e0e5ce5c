"""OneRoster 1.2 Rostering: ``client.oneroster.rostering.<operation>(request)``.

For now the records a gradebook refers to: reads by id and Timeback's writes (create, update).
"""

from __future__ import annotations

from timeback._operations import OperationSet
from timeback._resource import AsyncResource, SyncResource, create_one, get_one, put_one
from timeback.models import request as rq, response as rs


class RosteringOperations(OperationSet):
    base_path = "/ims/oneroster/rostering/v1p2"

    # ----- orgs (schools are orgs of type school)
    get_org = get_one("/orgs/{sourced_id}", rq.TimebackGetOrgRequest, rs.TimebackGetOrgResponse, "orgs")
    create_org = create_one("/orgs/", rq.TimebackCreateOrgRequest, "orgs", body="org")
    update_org = put_one(
        "/orgs/{sourced_id}", rq.TimebackUpdateOrgRequest, rs.TimebackGetOrgResponse, "orgs", body="org"
    )
    get_school = get_one("/schools/{sourced_id}", rq.TimebackGetSchoolRequest, rs.TimebackGetOrgResponse, "schools")
    create_school = create_one("/schools/", rq.TimebackCreateSchoolRequest, "schools", body="org")
    update_school = put_one(
        "/schools/{sourced_id}", rq.TimebackUpdateSchoolRequest, rs.TimebackGetOrgResponse, "schools", body="org"
    )

    # ----- academic sessions
    get_academic_session = get_one(
        "/academicSessions/{sourced_id}", rq.TimebackGetAcademicSessionRequest,
        rs.TimebackGetAcademicSessionResponse, "academicSessions",
    )  # fmt: skip
    create_academic_session = create_one(
        "/academicSessions/", rq.TimebackCreateAcademicSessionRequest, "academicSessions", body="academicSession"
    )
    update_academic_session = put_one(
        "/academicSessions/{sourced_id}", rq.TimebackUpdateAcademicSessionRequest,
        rs.TimebackGetAcademicSessionResponse, "academicSessions", body="academicSession",
    )  # fmt: skip

    # ----- courses
    get_course = get_one("/courses/{sourced_id}", rq.TimebackGetCourseRequest, rs.TimebackGetCourseResponse, "courses")
    create_course = create_one("/courses/", rq.TimebackCreateCourseRequest, "courses", body="course")
    update_course = put_one(
        "/courses/{sourced_id}", rq.TimebackUpdateCourseRequest, rs.TimebackGetCourseResponse, "courses", body="course"
    )

    # ----- classes
    get_class = get_one("/classes/{sourced_id}", rq.TimebackGetClassRequest, rs.TimebackGetClassResponse, "classes")
    create_class = create_one("/classes/", rq.TimebackCreateClassRequest, "classes", body="class_")
    update_class = put_one(
        "/classes/{sourced_id}", rq.TimebackUpdateClassRequest, rs.TimebackGetClassResponse, "classes", body="class_"
    )

    # ----- users
    get_user = get_one("/users/{sourced_id}", rq.TimebackGetUserRequest, rs.TimebackGetUserResponse, "users")
    create_user = create_one("/users/", rq.TimebackCreateUserRequest, "users", body="user")
    update_user = put_one(
        "/users/{sourced_id}", rq.TimebackUpdateUserRequest, rs.TimebackGetUserResponse, "users", body="user"
    )


class Rostering(SyncResource, RosteringOperations):
    """The rostering service, blocking."""


class AsyncRostering(AsyncResource, RosteringOperations):
    """The rostering service, async."""
