"""The rostering writes and reads a gradebook integration needs, sync and async."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import uid
from timeback import AsyncTimeback, ConflictError, Timeback, UnprocessableEntityError


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, client: Timeback, async_client: AsyncTimeback) -> Any:
    return client if request.param == "sync" else async_client


async def call(api: Any, method: str, **kwargs: Any) -> Any:
    result = getattr(api.oneroster.rostering, method)(**kwargs)
    return await result if isinstance(api, AsyncTimeback) else result


async def test_create_update_get_each_rostering_record(api: Any) -> None:
    school, district, term, course, klass, user = (
        uid(p) for p in ("school", "district", "term", "course", "class", "user")
    )
    await call(api, "create_org", org={"sourcedId": district, "name": "District", "type": "district"})
    await call(
        api,
        "create_school",
        org={"sourcedId": school, "name": "School", "type": "school", "parent": {"sourcedId": district}},
    )
    assert (await call(api, "get_school", sourced_id=school)).org.parent.sourcedId == district
    assert (await call(api, "get_org", sourced_id=school)).org.type == "school"
    await call(api, "update_org", sourced_id=district, org={"name": "Renamed", "type": "district"})
    assert (await call(api, "get_org", sourced_id=district)).org.name == "Renamed"
    await call(
        api,
        "create_academic_session",
        academicSession={
            "sourcedId": term,
            "title": "T1",
            "type": "term",
            "startDate": "2024-01-01",
            "endDate": "2024-06-30",
            "schoolYear": "2024",
        },
    )
    await call(
        api,
        "update_academic_session",
        sourced_id=term,
        academicSession={
            "title": "T1b",
            "type": "term",
            "startDate": "2024-01-01",
            "endDate": "2024-06-30",
            "schoolYear": "2024",
        },
    )
    assert (await call(api, "get_academic_session", sourced_id=term)).academicSession.title == "T1b"
    await call(api, "create_course", course={"sourcedId": course, "title": "Algebra", "org": {"sourcedId": school}})
    assert (await call(api, "get_course", sourced_id=course)).course.title == "Algebra"
    await call(
        api,
        "create_class",
        **{
            "class": {
                "sourcedId": klass,
                "title": "Algebra A",
                "course": {"sourcedId": course},
                "org": {"sourcedId": school},
                "terms": [{"sourcedId": term}],
            }
        },
    )
    got = (await call(api, "get_class", sourced_id=klass)).class_
    assert got.title == "Algebra A" and got.terms[0].sourcedId == term
    await call(
        api,
        "create_user",
        user={
            "sourcedId": user,
            "enabledUser": "true",
            "givenName": "T",
            "familyName": "Q",
            "email": "t@example.org",
            "roles": [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": school}}],
        },
    )
    await call(
        api,
        "update_user",
        sourced_id=user,
        user={
            "enabledUser": True,
            "givenName": "Tess",
            "familyName": "Q",
            "roles": [{"roleType": "primary", "role": "teacher", "org": {"sourcedId": school}}],
        },
    )
    assert (await call(api, "get_user", sourced_id=user)).user.givenName == "Tess"
    with pytest.raises(ConflictError):
        await call(api, "create_course", course={"sourcedId": course, "title": "Again", "org": {"sourcedId": school}})


async def test_references_to_missing_records_are_422_naming_them(api: Any) -> None:
    with pytest.raises(UnprocessableEntityError) as err:
        await call(
            api,
            "create_class",
            **{
                "class": {
                    "title": "X",
                    "course": {"sourcedId": uid("nope")},
                    "org": {"sourcedId": uid("nope")},
                    "terms": [{"sourcedId": uid("nope")}],
                }
            },
        )
    fields = {name for name, _ in err.value.code_minor}
    assert fields == {"class.course.sourcedId", "class.org.sourcedId", "class.terms[0].sourcedId"}


async def test_school_view_rejects_other_org_types(api: Any) -> None:
    with pytest.raises(UnprocessableEntityError, match=r"org\.type"):
        await call(api, "create_school", org={"name": "Not a school", "type": "district"})
