"""OneRoster 1.2 Rostering: ``client.oneroster.rostering.<operation>(request)``.

The 41 reads of the official rostering OpenAPI, and Timeback's writes (create, update, soft delete; enrolling a
student or teacher in a class; a grading period under a term). Students and teachers are views of users by role;
terms and grading periods are views of academic sessions by type; schools are orgs of type school.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeback._operations import OperationSet, Parent, Through
from timeback._resource import (
    AsyncResource,
    SyncResource,
    create_one,
    create_one_answering,
    delete_one,
    get_one,
    list_of,
    put_one,
)
from timeback.models import request as rq, response as rs, rostering as m

CLASS = Parent("class_sourced_id", "classes")


def _enrolled(role: str | None, match: str) -> Through:
    """Records whose sourcedId appears as ``user``/``class`` on enrollments matching the parent."""
    select = "user" if match == "class" else "class"
    return Through("enrollments", match=match, select=select, where=(("role", role),) if role else ())


def _enrolled_in_class_in_school(role: str) -> tuple[Parent, Parent]:
    """Users enrolled with ``role`` in the class, by enrollments of that school: the server matches both parents on
    the same enrollment (parents through the same rows), so a class of another school lists no one, as its
    ``.../enrollments`` there lists nothing."""
    user = Through("enrollments", match="school", select="user", where=(("role", role),))
    return (
        Parent("school_sourced_id", "schools", "sourcedId", user),
        Parent("class_sourced_id", "classes", "sourcedId", _enrolled(role, "class")),
    )


class RosteringOperations(OperationSet):
    base_path = "/ims/oneroster/rostering/v1p2"

    # ----- academic sessions, terms, grading periods
    get_all_academic_sessions = list_of(
        "/academicSessions/", rq.TimebackGetAllAcademicSessionsRequest, m.TimebackAcademicSession, "academicSessions"
    )
    get_academic_session = get_one(
        "/academicSessions/{sourced_id}", rq.TimebackGetAcademicSessionRequest,
        rs.TimebackGetAcademicSessionResponse, "academicSessions",
    )  # fmt: skip
    create_academic_session = create_one(
        "/academicSessions/", rq.TimebackCreateAcademicSessionRequest, "academicSessions", body="academicSession"
    )
    update_academic_session = put_one(
        "/academicSessions/{sourced_id}", rq.TimebackUpdateAcademicSessionRequest,
        rs.TimebackGetAcademicSessionResponse, "academicSessions", body="academicSession", status=200, bare=True,
    )  # fmt: skip
    delete_academic_session = delete_one(
        "/academicSessions/{sourced_id}", rq.TimebackDeleteAcademicSessionRequest, "academicSessions"
    )
    get_all_terms = list_of("/terms/", rq.TimebackGetAllTermsRequest, m.TimebackAcademicSession, "terms")
    get_term = get_one("/terms/{sourced_id}", rq.TimebackGetTermRequest, rs.TimebackGetTermResponse, "terms")
    create_term = create_one("/terms/", rq.TimebackCreateTermRequest, "terms", body="academicSession")
    update_term = put_one(
        "/terms/{sourced_id}", rq.TimebackUpdateTermRequest, rs.TimebackGetAcademicSessionResponse, "terms",
        body="academicSession",
    )  # fmt: skip
    delete_term = delete_one("/terms/{sourced_id}", rq.TimebackDeleteTermRequest, "terms")
    get_classes_for_term = list_of(
        "/terms/{term_sourced_id}/classes", rq.TimebackGetClassesForTermRequest, m.TimebackClass, "classes",
        parents=(Parent("term_sourced_id", "terms", "terms", contains=True),),
    )  # fmt: skip
    get_grading_periods_for_term = list_of(
        "/terms/{term_sourced_id}/gradingPeriods", rq.TimebackGetGradingPeriodsForTermRequest,
        m.TimebackAcademicSession, "gradingPeriods",
        parents=(Parent("term_sourced_id", "terms", "parent"),),
    )  # fmt: skip
    create_grading_period_for_term = create_one_answering(
        "/terms/{term_sourced_id}/gradingPeriods", rq.TimebackCreateGradingPeriodForTermRequest,
        rs.TimebackCreateGradingPeriodForTermResponse, "gradingPeriods", body="academicSession",
        parents=(Parent("term_sourced_id", "terms", "parent"),),
    )  # fmt: skip
    get_all_grading_periods = list_of(
        "/gradingPeriods/", rq.TimebackGetAllGradingPeriodsRequest, m.TimebackAcademicSession, "gradingPeriods"
    )
    get_grading_period = get_one(
        "/gradingPeriods/{sourced_id}", rq.TimebackGetGradingPeriodRequest, rs.TimebackGetGradingPeriodResponse,
        "gradingPeriods",
    )  # fmt: skip
    create_grading_period = create_one(
        "/gradingPeriods/", rq.TimebackCreateGradingPeriodRequest, "gradingPeriods", body="academicSession"
    )
    update_grading_period = put_one(
        "/gradingPeriods/{sourced_id}", rq.TimebackUpdateGradingPeriodRequest, rs.TimebackUpdateGradingPeriodResponse,
        "gradingPeriods", body="academicSession",
    )  # fmt: skip
    delete_grading_period = delete_one(
        "/gradingPeriods/{sourced_id}", rq.TimebackDeleteGradingPeriodRequest, "gradingPeriods"
    )

    # ----- classes
    get_all_classes = list_of("/classes/", rq.TimebackGetAllClassesRequest, m.TimebackClass, "classes")
    get_class = get_one("/classes/{sourced_id}", rq.TimebackGetClassRequest, rs.TimebackGetClassResponse, "classes")
    create_class = create_one("/classes/", rq.TimebackCreateClassRequest, "classes", body="class_")
    update_class = put_one(
        "/classes/{sourced_id}", rq.TimebackUpdateClassRequest, rs.TimebackGetClassResponse, "classes", body="class_",
        status=200, bare=True,
    )  # fmt: skip
    delete_class = delete_one("/classes/{sourced_id}", rq.TimebackDeleteClassRequest, "classes")
    get_students_for_class = list_of(
        "/classes/{class_sourced_id}/students", rq.TimebackGetStudentsForClassRequest, m.TimebackUser, "students",
        parents=(Parent("class_sourced_id", "classes", "sourcedId", _enrolled("student", "class")),),
    )  # fmt: skip
    get_teachers_for_class = list_of(
        "/classes/{class_sourced_id}/teachers", rq.TimebackGetTeachersForClassRequest, m.TimebackUser, "teachers",
        parents=(Parent("class_sourced_id", "classes", "sourcedId", _enrolled("teacher", "class")),),
    )  # fmt: skip
    add_student_to_class = create_one(
        "/classes/{class_sourced_id}/students", rq.TimebackAddStudentToClassRequest, "studentEnrollments",
        body="enrollment", parents=(Parent("class_sourced_id", "classes", "class"),),
        stored_in="enrollments", implies=(("role", "student"),),
    )  # fmt: skip
    add_teacher_to_class = create_one(
        "/classes/{class_sourced_id}/teachers", rq.TimebackAddTeacherToClassRequest, "teacherEnrollments",
        body="enrollment", parents=(Parent("class_sourced_id", "classes", "class"),),
        stored_in="enrollments", implies=(("role", "teacher"),),
    )  # fmt: skip

    # ----- courses
    get_all_courses = list_of("/courses/", rq.TimebackGetAllCoursesRequest, m.TimebackCourse, "courses")
    get_course = get_one("/courses/{sourced_id}", rq.TimebackGetCourseRequest, rs.TimebackGetCourseResponse, "courses")
    create_course = create_one("/courses/", rq.TimebackCreateCourseRequest, "courses", body="course")
    update_course = put_one(
        "/courses/{sourced_id}", rq.TimebackUpdateCourseRequest, rs.TimebackUpdateCourseResponse, "courses",
        body="course", status=200,
    )  # fmt: skip
    delete_course = delete_one("/courses/{sourced_id}", rq.TimebackDeleteCourseRequest, "courses")
    get_classes_for_course = list_of(
        "/courses/{course_sourced_id}/classes", rq.TimebackGetClassesForCourseRequest, m.TimebackClass, "classes",
        parents=(Parent("course_sourced_id", "courses", "course"),),
    )  # fmt: skip

    # ----- demographics
    get_all_demographics = list_of(
        "/demographics/", rq.TimebackGetAllDemographicsRequest, m.TimebackDemographics, "demographics"
    )
    get_demographics = get_one(
        "/demographics/{sourced_id}", rq.TimebackGetDemographicsRequest, rs.TimebackGetDemographicsResponse,
        "demographics",
    )  # fmt: skip
    create_demographics = create_one(
        "/demographics/", rq.TimebackCreateDemographicsRequest, "demographics", body="demographics"
    )
    update_demographics = put_one(
        "/demographics/{sourced_id}", rq.TimebackUpdateDemographicsRequest, rs.TimebackGetDemographicsResponse,
        "demographics", body="demographics", status=200, bare=True,
    )  # fmt: skip
    delete_demographics = delete_one("/demographics/{sourced_id}", rq.TimebackDeleteDemographicsRequest, "demographics")

    # ----- enrollments
    get_all_enrollments = list_of(
        "/enrollments/", rq.TimebackGetAllEnrollmentsRequest, m.TimebackEnrollment, "enrollments"
    )
    get_enrollment = get_one(
        "/enrollments/{sourced_id}", rq.TimebackGetEnrollmentRequest, rs.TimebackGetEnrollmentResponse, "enrollments"
    )
    create_enrollment = create_one(
        "/enrollments/", rq.TimebackCreateEnrollmentRequest, "enrollments", body="enrollment"
    )
    update_enrollment = put_one(
        "/enrollments/{sourced_id}", rq.TimebackUpdateEnrollmentRequest, rs.TimebackUpdateEnrollmentResponse,
        "enrollments", body="enrollment",
    )  # fmt: skip
    delete_enrollment = delete_one("/enrollments/{sourced_id}", rq.TimebackDeleteEnrollmentRequest, "enrollments")

    # ----- orgs and schools
    get_all_orgs = list_of("/orgs/", rq.TimebackGetAllOrgsRequest, m.TimebackOrg, "orgs")
    get_org = get_one("/orgs/{sourced_id}", rq.TimebackGetOrgRequest, rs.TimebackGetOrgResponse, "orgs")
    create_org = create_one("/orgs/", rq.TimebackCreateOrgRequest, "orgs", body="org")
    update_org = put_one(
        "/orgs/{sourced_id}", rq.TimebackUpdateOrgRequest, rs.TimebackUpdateOrgResponse, "orgs", body="org"
    )
    delete_org = delete_one("/orgs/{sourced_id}", rq.TimebackDeleteOrgRequest, "orgs")
    # (Timeback's document answers the listings of schools, students and teachers under "orgs" and "users", but a
    # class's own students and teachers under "students" and "teachers": answer_key follows it, route by route.)
    get_all_schools = list_of("/schools/", rq.TimebackGetAllSchoolsRequest, m.TimebackOrg, "schools", answer_key="orgs")
    get_school = get_one("/schools/{sourced_id}", rq.TimebackGetSchoolRequest, rs.TimebackGetOrgResponse, "schools")
    create_school = create_one("/schools/", rq.TimebackCreateSchoolRequest, "schools", body="org")
    update_school = put_one(
        "/schools/{sourced_id}", rq.TimebackUpdateSchoolRequest, rs.TimebackGetOrgResponse, "schools", body="org",
        status=200, bare=True,
    )  # fmt: skip
    delete_school = delete_one("/schools/{sourced_id}", rq.TimebackDeleteSchoolRequest, "schools")
    get_classes_for_school = list_of(
        "/schools/{school_sourced_id}/classes", rq.TimebackGetClassesForSchoolRequest, m.TimebackClass, "classes",
        parents=(Parent("school_sourced_id", "schools", "school"),),
    )  # fmt: skip
    get_enrollments_for_class_in_school = list_of(
        "/schools/{school_sourced_id}/classes/{class_sourced_id}/enrollments",
        rq.TimebackGetEnrollmentsForClassInSchoolRequest, m.TimebackEnrollment, "enrollments",
        parents=(Parent("school_sourced_id", "schools", "school"), Parent("class_sourced_id", "classes", "class")),
    )  # fmt: skip
    get_students_for_class_in_school = list_of(
        "/schools/{school_sourced_id}/classes/{class_sourced_id}/students",
        rq.TimebackGetStudentsForClassInSchoolRequest, m.TimebackUser, "students",
        parents=_enrolled_in_class_in_school("student"),
        answer_key="users",
    )  # fmt: skip
    get_teachers_for_class_in_school = list_of(
        "/schools/{school_sourced_id}/classes/{class_sourced_id}/teachers",
        rq.TimebackGetTeachersForClassInSchoolRequest, m.TimebackUser, "teachers",
        parents=_enrolled_in_class_in_school("teacher"),
        answer_key="users",
    )  # fmt: skip
    get_courses_for_school = list_of(
        "/schools/{school_sourced_id}/courses", rq.TimebackGetCoursesForSchoolRequest, m.TimebackCourse, "courses",
        parents=(Parent("school_sourced_id", "schools", "org"),),
    )  # fmt: skip
    get_enrollments_for_school = list_of(
        "/schools/{school_sourced_id}/enrollments", rq.TimebackGetEnrollmentsForSchoolRequest, m.TimebackEnrollment,
        "enrollments", parents=(Parent("school_sourced_id", "schools", "school"),),
    )  # fmt: skip
    get_students_for_school = list_of(
        "/schools/{school_sourced_id}/students", rq.TimebackGetStudentsForSchoolRequest, m.TimebackUser, "students",
        parents=(Parent("school_sourced_id", "schools", "orgs", contains=True),),
        answer_key="users",
    )  # fmt: skip
    get_teachers_for_school = list_of(
        "/schools/{school_sourced_id}/teachers", rq.TimebackGetTeachersForSchoolRequest, m.TimebackUser, "teachers",
        parents=(Parent("school_sourced_id", "schools", "orgs", contains=True),),
        answer_key="users",
    )  # fmt: skip
    get_terms_for_school = list_of(
        "/schools/{school_sourced_id}/terms", rq.TimebackGetTermsForSchoolRequest, m.TimebackAcademicSession, "terms",
        parents=(Parent("school_sourced_id", "schools", "org"),),
    )  # fmt: skip

    # ----- students and teachers (users by role)
    get_all_students = list_of(
        "/students/", rq.TimebackGetAllStudentsRequest, m.TimebackUser, "students", answer_key="users"
    )
    get_student = get_one(
        "/students/{sourced_id}", rq.TimebackGetStudentRequest, rs.TimebackGetUserResponse, "students"
    )
    get_classes_for_student = list_of(
        "/students/{student_sourced_id}/classes", rq.TimebackGetClassesForStudentRequest, m.TimebackClass, "classes",
        parents=(Parent("student_sourced_id", "students", "sourcedId", _enrolled("student", "user")),),
    )  # fmt: skip
    get_all_teachers = list_of(
        "/teachers/", rq.TimebackGetAllTeachersRequest, m.TimebackUser, "teachers", answer_key="users"
    )
    get_teacher = get_one(
        "/teachers/{sourced_id}", rq.TimebackGetTeacherRequest, rs.TimebackGetUserResponse, "teachers"
    )
    get_classes_for_teacher = list_of(
        "/teachers/{teacher_sourced_id}/classes", rq.TimebackGetClassesForTeacherRequest, m.TimebackClass, "classes",
        parents=(Parent("teacher_sourced_id", "teachers", "sourcedId", _enrolled("teacher", "user")),),
    )  # fmt: skip

    # ----- users
    get_all_users = list_of("/users/", rq.TimebackGetAllUsersRequest, m.TimebackUser, "users")
    get_user = get_one("/users/{sourced_id}", rq.TimebackGetUserRequest, rs.TimebackGetUserResponse, "users")
    create_user = create_one("/users/", rq.TimebackCreateUserRequest, "users", body="user")
    update_user = put_one(
        "/users/{sourced_id}", rq.TimebackUpdateUserRequest, rs.TimebackGetUserResponse, "users", body="user",
        status=200,
    )  # fmt: skip
    delete_user = delete_one("/users/{sourced_id}", rq.TimebackDeleteUserRequest, "users")
    get_classes_for_user = list_of(
        "/users/{user_sourced_id}/classes", rq.TimebackGetClassesForUserRequest, m.TimebackClass, "classes",
        parents=(Parent("user_sourced_id", "users", "sourcedId", _enrolled(None, "user")),),
    )  # fmt: skip


if TYPE_CHECKING:  # (as gradebook's: each method's keywords, for type checkers, from timeback._stubs's stub)
    from timeback.resources._methods import AsyncRostering as _AsyncRosteringBase, Rostering as _RosteringBase
else:
    _RosteringBase = _AsyncRosteringBase = RosteringOperations


class Rostering(SyncResource, _RosteringBase):
    """The rostering service, blocking."""


class AsyncRostering(AsyncResource, _AsyncRosteringBase):
    """The rostering service, async."""
