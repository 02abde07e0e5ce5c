"""A gradebook integration end to end, the way Google Classroom's OneRoster 1.2 checks play it."""

from __future__ import annotations

from tests.support import uid
from timeback import Timeback
from timeback.filters import where


def test_gradebook_integration_flow(client: Timeback) -> None:
    ro, gb = client.oneroster.rostering, client.oneroster.gradebook
    school, term, course, klass, other_class = uid("school"), uid("term"), uid("course"), uid("class"), uid("class")
    teacher, email = uid("teacher"), f"{uid('t')}@school.example"
    students = [uid("student") for _ in range(3)]

    # The roster, as a district would have it.
    ro.create_school(org={"sourcedId": school, "name": "North High", "type": "school"})
    ro.create_term(academicSession={"sourcedId": term, "title": "Fall", "startDate": "2024-08-20",
                                    "endDate": "2024-12-20", "schoolYear": "2025", "org": {"sourcedId": school}})  # fmt: skip
    periods = [uid("gp"), uid("gp")]
    for n, gp in enumerate(periods):
        ro.create_grading_period_for_term(term_sourced_id=term, academicSession={
            "sourcedId": gp, "title": f"Q{n + 1}", "startDate": "2024-08-20", "endDate": "2024-10-20",
            "schoolYear": "2025"})  # fmt: skip
    ro.create_course(course={"sourcedId": course, "title": "Biology", "org": {"sourcedId": school}})
    for c in (klass, other_class):
        ro.create_class(**{"class": {"sourcedId": c, "title": c, "course": {"sourcedId": course},
                                     "org": {"sourcedId": school}, "terms": [{"sourcedId": term}]}})  # fmt: skip
    role = {"roleType": "primary", "org": {"sourcedId": school}}
    ro.create_user(user={"sourcedId": teacher, "enabledUser": True, "givenName": "Tia", "familyName": "Teach",
                         "email": email, "roles": [{**role, "role": "teacher"}]})  # fmt: skip
    for s in students:
        ro.create_user(user={"sourcedId": s, "enabledUser": True, "givenName": "S", "familyName": s,
                             "roles": [{**role, "role": "student"}]})  # fmt: skip
        ro.add_student_to_class(class_sourced_id=klass, enrollment={"user": {"sourcedId": s}})
    ro.add_teacher_to_class(class_sourced_id=klass, enrollment={"user": {"sourcedId": teacher}, "primary": True})
    ro.add_teacher_to_class(class_sourced_id=other_class, enrollment={"user": {"sourcedId": teacher}})
    ro.delete_class(sourced_id=other_class)
    category = uid("cat")
    gb.put_category(sourced_id=category, category={"title": "Labs"})

    # The integration reads the roster first...
    (found,) = ro.get_all_teachers(filter=where("email", "=", email))
    assert found.sourcedId == teacher
    classes = list(ro.get_classes_for_teacher(teacher_sourced_id=teacher, filter="status='active'"))
    assert [c.sourcedId for c in classes] == [klass]  # the deleted class is gone from the listing
    assert sorted(u.sourcedId for u in ro.get_students_for_class(class_sourced_id=klass)) == sorted(students)
    assert [u.sourcedId for u in ro.get_teachers_for_class(class_sourced_id=klass)] == [teacher]
    (class_term,) = classes[0].terms or []
    assert [p.sourcedId for p in ro.get_grading_periods_for_term(term_sourced_id=class_term.sourcedId)] == periods
    assert category in [c.sourcedId for c in gb.get_categories_for_class(class_sourced_id=klass)]

    # ...then writes grades: a line item, and a result per student (one above the maximum, one exempt).
    line_item = uid("li")
    gb.put_line_item(sourced_id=line_item, lineItem={
        "title": "Lab 1", "assignDate": "2024-09-01T00:00:00Z", "dueDate": "2024-09-08T23:59:59Z",
        "class": {"sourcedId": klass}, "school": {"sourcedId": school}, "category": {"sourcedId": category},
        "gradingPeriod": {"sourcedId": periods[0]}, "resultValueMin": 0, "resultValueMax": 100})  # fmt: skip
    sent = {students[0]: (95.0, "fully graded"), students[1]: (300.0, "fully graded"), students[2]: (None, "exempt")}
    result_ids = {}
    for s, (score, status) in sent.items():
        result_ids[s] = uid("res")
        gb.put_result(sourced_id=result_ids[s], result={
            "lineItem": {"sourcedId": line_item}, "student": {"sourcedId": s}, "scoreStatus": status,
            "scoreDate": "2024-09-09T10:00:00Z", **({"score": score} if score is not None else {})})  # fmt: skip
    back = {r.student.sourcedId: (r.score, r.scoreStatus) for r in
            gb.get_results_for_line_item_for_class(class_sourced_id=klass, line_item_sourced_id=line_item)}  # fmt: skip
    assert back == sent

    # Deleting the result and then the line item takes both out of the class listings.
    gb.delete_result(sourced_id=result_ids[students[0]])
    remaining = gb.get_results_for_line_item_for_class(class_sourced_id=klass, line_item_sourced_id=line_item)
    assert students[0] not in [r.student.sourcedId for r in remaining]
    gb.delete_line_item(sourced_id=line_item)
    assert line_item not in [li.sourcedId for li in gb.get_line_items_for_class(class_sourced_id=klass)]

    # Rostering scoped reads agree with each other.
    assert [c.sourcedId for c in ro.get_classes_for_student(student_sourced_id=students[1])] == [klass]
    assert sorted(u.sourcedId for u in ro.get_students_for_school(school_sourced_id=school)) == sorted(students)
    assert [t.sourcedId for t in ro.get_terms_for_school(school_sourced_id=school)] == [term]
    enrollments = list(ro.get_enrollments_for_class_in_school(school_sourced_id=school, class_sourced_id=klass))
    assert len(enrollments) == 4 and {e.role for e in enrollments} == {"student", "teacher"}
    assert all(e.school and e.school.sourcedId == school for e in enrollments)  # taken from the class
