"""The filter builder, checked against the real server's parser."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any

import pytest

from tests.support import Roster, line_item_body, make_roster, result_body, uid
from timeback import AsyncTimeback, Timeback
from timeback.errors import RequestError
from timeback.filters import where


def test_values_are_quoted_and_escaped() -> None:
    assert where("comment", "=", "it's") == "comment='it''s'"
    assert where("score", ">=", 90) == "score>='90'"
    assert where("scoreDate", ">", date(2024, 1, 2)) == "scoreDate>'2024-01-02'"
    assert where("dateLastModified", ">", datetime(2024, 1, 2, 3, 4, 5)) == "dateLastModified>'2024-01-02T03:04:05Z'"
    assert where("status", "@", ["active", "tobedeleted"]) == "status@'active,tobedeleted'"
    combined = where("a", "=", "1") | where("b", "=", "2") & where("c", "~", "x")
    assert combined == "a='1' OR b='2' AND c~'x'"


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_a_datetime_without_a_zone_is_utc_whatever_the_local_zone(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # (as README says: naive as UTC; the suite's machines run in UTC, where reading it as local time looks the same)
    import time
    from datetime import timedelta, timezone

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert (
            where("dateLastModified", ">", datetime(2024, 1, 2, 3, 4, 5)) == "dateLastModified>'2024-01-02T03:04:05Z'"
        )
        paris = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))  # (a zone given: kept)
        assert where("dateLastModified", ">", paris) == "dateLastModified>'2024-01-02T03:04:05+01:00'"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_datetime_whose_offset_has_seconds_is_written_in_utc(client: Timeback) -> None:
    """RFC 3339 offsets have no seconds (Python's have: old local mean times such as Amsterdam's +00:19:32), and
    ``+00:00:30`` was written ``Z:30``, a value the server refused: such a datetime is written as its moment in UTC.
    Only a whole ``+00:00`` offset is ``Z``."""
    from datetime import timedelta, timezone

    half_minute = datetime(2024, 1, 16, 10, tzinfo=timezone(timedelta(seconds=30)))
    assert where("scoreDate", ">", half_minute) == "scoreDate>'2024-01-16T09:59:30Z'"
    lmt = datetime(1900, 1, 1, 12, tzinfo=timezone(timedelta(minutes=19, seconds=32, microseconds=5)))
    assert where("scoreDate", ">", lmt) == "scoreDate>'1900-01-01T11:40:27.999995Z'"
    assert where("scoreDate", "@", [datetime(2024, 1, 16, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))]) == (
        "scoreDate@'2024-01-16T00:00:00-05:30'"
    )
    too_late = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(seconds=-30)))  # (year 10000 in UTC)
    assert where("scoreDate", ">", too_late) == "scoreDate>'9999-12-31T23:59:59-00:00:30'"
    with pytest.raises(RequestError, match=r"400.*compares with a date \(2024-01-15\) or an RFC 3339 date-time"):
        list(client.oneroster.gradebook.get_all_results(filter=where("scoreDate", ">", too_late)))
    list(client.oneroster.gradebook.get_all_results(filter=where("scoreDate", ">", lmt)))


def test_every_date_where_writes_is_one_the_server_takes(client: Timeback) -> None:
    """The server takes a filter's date in the forms a record's takes (RFC 3339: a time without an offset is 400, it
    was read as UTC), so each date and datetime ``where()`` writes must be one: a naive datetime has ``Z``."""
    from datetime import UTC, timedelta, timezone

    values = [
        date(2024, 1, 16),
        date.min,
        datetime(2024, 1, 16, 10),
        datetime(2024, 1, 16, 10, 0, 0, 5),
        datetime(2024, 1, 16, 10, tzinfo=UTC),
        datetime(2024, 1, 16, 10, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2024, 1, 16, 10, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
        datetime(2024, 1, 16, 10, tzinfo=timezone(timedelta(seconds=30))),
        datetime.min,
        datetime.max,
    ]
    results = client.oneroster.gradebook.get_all_results
    for value in values:  # (a 400 is raised by the first page)
        next(iter(results(filter=where("scoreDate", ">=", value), limit=1)), None)
    next(iter(results(filter=where("scoreDate", "@", values), limit=1)), None)


def test_grouping_is_written_out_for_a_grammar_without_parentheses() -> None:
    a, b, c = where("a", "=", "1"), where("b", "=", "2"), where("c", "=", "x OR y")  # (an OR inside a value)
    assert (a | b) & c == "a='1' AND c='x OR y' OR b='2' AND c='x OR y'"
    assert a & (b | c) == "a='1' AND b='2' OR a='1' AND c='x OR y'"
    assert "x='1' OR y='2'" & a == "x='1' AND a='1' OR y='2' AND a='1'"  # a filter string takes part too
    assert (a | b) & "x='1'" == "a='1' AND x='1' OR b='2' AND x='1'"
    for written in ("x='1' or y='2'", "x='1'OR y='2'", "x='1'  Or  y='2'"):  # (as the server reads them too)
        assert written & a == "x='1' AND a='1' OR y='2' AND a='1'"


def test_a_combination_keeps_the_groups_its_text_reads_as_parsing_each_predicate_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A filter made by ``|`` and ``&`` holds the groups its text is read as, without reading that text again: a
    chain of n ORs parses each predicate once. (Before, each ``|`` parsed the whole filter so far: n^2 / 2 predicates,
    15 s for 4,000.) The text read is counted where it is parsed (counted at ``_groups_of``, a filter given to it
    counted nothing, so reading a filter's own text again went unseen)."""
    from timeback import filters

    a, b, c = where("a", "=", "1"), where("b", "=", "it's AND x='y' OR"), where("c", "@", ["p", "q"])
    for combined in (
        (a | b) & c,
        a & (b | c) | "x='1' or y='2'",
        "x='1'OR y='2'" & (a | b),
        ("z~'w'" | a) & b & (c | "x='1'"),
    ):
        assert combined._groups == filters._groups_of(str(combined)), combined
    parsed = 0
    pattern = filters._VALUE_THEN_LOGICAL

    class Counted:
        def finditer(self, text: str) -> Any:
            nonlocal parsed
            parsed += len(text)
            return pattern.finditer(text)

    monkeypatch.setattr(filters, "_VALUE_THEN_LOGICAL", Counted())
    chain = where("sourcedId", "=", "x0")
    for i in range(1, 300):
        chain |= where("sourcedId", "=", f"x{i}")
    assert parsed <= len(chain), (parsed, len(chain))  # (each predicate's text, once: never the filter so far)
    monkeypatch.undo()
    assert chain._groups == filters._groups_of(str(chain)) and len(chain._groups) == 300


def test_an_and_that_would_write_out_too_many_predicates_is_refused_before_it_is_built() -> None:
    pair = where("a", "=", "1") | where("b", "=", "2")
    f = pair & pair & pair & pair  # 16 ORed groups of 4 (64 predicates); each "& pair" doubles the groups
    assert str(f).count(" OR ") == 15 and str(f).count(" AND ") == 16 * 3
    with pytest.raises(ValueError, match="160 predicates, over 100"):
        f & pair
    with pytest.raises(ValueError, match="over 100"):
        "x='1' OR y='2'" & f
    assert str(f & where("c", "=", "3")).count("c='3'") == 16  # 16 x 5 = 80: still written out
    ten, five = where("a", "=", 0), where("b", "=", 0)
    for n in range(1, 10):
        ten |= where("a", "=", n)
    for n in range(1, 5):
        five |= where("b", "=", n)
    assert str(ten & five).count(" AND ") == 50  # 50 groups of 2: 100 predicates, the most
    with pytest.raises(ValueError, match="120 predicates, over 100"):
        ten & (five | where("b", "=", 5))


def test_an_or_group_anded_with_more_selects_what_python_grouped(client: Timeback) -> None:
    r = make_roster(client)
    gb = client.oneroster.gradebook
    mine, other = uid("li"), uid("li")
    gb.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, mine), line_item_body(r, other)]
    )
    gb.post_results_for_academic_session_for_class(
        class_sourced_id=r.class_,
        academic_session_sourced_id=r.term,
        results=[result_body(li, s, score=v) for li in (mine, other) for s, v in zip(r.students, [95, 50, 40], strict=True)],
    )  # fmt: skip
    f = (where("score", ">=", 90) | where("score", "<", 45)) & where("lineItem.sourcedId", "=", mine)
    assert sorted((x.lineItem.sourcedId, x.score) for x in gb.get_all_results(filter=f)) == [(mine, 40), (mine, 95)]


@pytest.mark.parametrize(
    ("field", "op", "value"),
    [
        ("bad field", "=", "x"),
        ("a", "==", "x"),
        ("a", "@", "x"),
        ("a", "@", ["x,y"]),
        ("a", "=", ["x"]),
        ("score", "@", []),
        ("sourcedId", "@", ["a", " b"]),
        ("sourcedId", "@", ["a "]),
        ("metadata.", "=", "x"),  # (an empty key: as the server reads it, a 400)
        ("metadata..n", "=", "x"),
        ("metadata.n.", "=", "x"),
        ("metadata.a b", "=", "x"),
        ("metadata.a'b", "=", "x"),
        ("metadata.a=b", "=", "x"),
        ("metadata.a\\b", "=", "x"),
        ("é", "=", "x"),  # (a model field's name is ASCII; only a metadata key may be any text)
        ("2024", "=", "x"),  # (nor starts with a digit: metadata.2024 does)
    ],
)
def test_rejects_what_the_grammar_cannot_say(field: str, op: str, value: object) -> None:
    """(An empty ``@`` list was sent as ``''``, a list holding the empty string: a 400 for a number field, and
    records with an empty text field for a text one; a value with spaces around it, trimmed by the server.)"""
    with pytest.raises(ValueError):
        where(field, op, value)  # type: ignore[arg-type]


def test_an_at_list_value_it_cannot_hold_is_named_with_its_field() -> None:
    # (it said "values for '@' cannot contain commas", naming neither: a batch of ids with one 'a,b' among them)
    with pytest.raises(ValueError) as comma:
        where("sourcedId", "@", ["a", "b,c"])
    assert str(comma.value) == (
        "sourcedId: an '@' list cannot hold a value with a comma ('b,c'): compare it with '=' "
        "(where(field, '=', value) | where(...) for several)"
    )
    with pytest.raises(ValueError, match=r"^comment: an '@' list cannot hold a value starting or ending with spaces"):
        where("comment", "@", ["ok", " padded"])
    with pytest.raises(ValueError, match=r"^comment: an '@' list cannot hold a value starting or ending with spaces"):
        where("comment", "@", ["ok", "padded\t"])
    # (the server trims blanks alone: a value with a no-break space at its end is sent and compared whole)
    assert str(where("comment", "@", ["ok", "\u00a0x", "x\u2003"])) == "comment@'ok,\u00a0x,x\u2003'"


def test_built_filters_select_on_the_server(client: Timeback) -> None:
    r = make_roster(client)
    gb = client.oneroster.gradebook
    line_item = uid("li")
    gb.post_line_items_for_class(class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)])
    tricky = "O'Brien's \"best\" work; DROP TABLE results"
    gb.post_results_for_academic_session_for_class(
        class_sourced_id=r.class_,
        academic_session_sourced_id=r.term,
        results=[result_body(line_item, s, comment=c, score=v)
                 for s, c, v in zip(r.students, [tricky, "plain", "also plain"], [95, 80, 70], strict=True)],
    )  # fmt: skip
    f = where("class.sourcedId", "=", r.class_) & where("comment", "=", tricky)
    assert [x.comment for x in gb.get_all_results(filter=f)] == [tricky]
    f = where("lineItem.sourcedId", "=", line_item) & where("score", "@", [70, 95])
    assert sorted(x.score for x in gb.get_all_results(filter=f, sort="score")) == [70, 95]


def test_a_metadata_key_of_any_text_the_server_takes_is_built_and_found(client: Timeback) -> None:
    """``where`` takes the field names the server does (one pattern, ``timeback.filters.FIELD``): ``metadata.2024``
    was refused, each dotted part having to start with a letter or ``_``, and ``grade-level`` and ``é`` with it."""
    r = make_roster(client)
    gb = client.oneroster.gradebook
    line_item = uid("li")
    gb.post_line_items_for_class(class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)])
    keys = ["grade-level", "é", "2024"]
    gb.post_results_for_academic_session_for_class(
        class_sourced_id=r.class_,
        academic_session_sourced_id=r.term,
        results=[result_body(line_item, s, comment=k, metadata={k: "5", "other": "5"})
                 for s, k in zip(r.students, keys, strict=True)],
    )  # fmt: skip
    for key in keys:
        f = where("lineItem.sourcedId", "=", line_item) & where(f"metadata.{key}", "=", 5)
        assert [x.comment for x in gb.get_all_results(filter=f)] == [key]


def _line_item_graded(client: Timeback, **values: list[Any]) -> str:
    """A new line item of a new class whose three students each have a result: ``values`` gives each field's value
    per student, in their order."""
    r = make_roster(client)
    assert all(len(each) == len(r.students) for each in values.values()), (len(r.students), values)
    line_item = uid("li")
    client.oneroster.gradebook.post_line_items_for_class(
        class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)]
    )
    results = [result_body(line_item, s, **{name: each[n] for name, each in values.items()})
               for n, s in enumerate(r.students)]  # fmt: skip
    client.oneroster.gradebook.post_results_for_academic_session_for_class(
        class_sourced_id=r.class_, academic_session_sourced_id=r.term, results=results
    )
    return line_item


def test_a_decimal_filters_as_the_number_it_is_sent_as(client: Timeback) -> None:
    """(A score read from a SQL NUMERIC column is a Decimal, and a body takes it: ``where`` refused it with
    "operator '>=' takes one value".)"""
    gb = client.oneroster.gradebook
    line_item = _line_item_graded(client, score=[Decimal("88.5"), Decimal("90"), Decimal("91.25")])
    assert where("score", ">=", Decimal("90.0")) == "score>='90.0'"
    f = where("lineItem.sourcedId", "=", line_item) & where("score", ">=", Decimal("90.0"))
    assert sorted(x.score for x in gb.get_all_results(filter=f)) == [90, 91.25]
    f = where("lineItem.sourcedId", "=", line_item) & where("score", "@", [Decimal("88.50"), Decimal("91.25")])
    assert sorted(x.score for x in gb.get_all_results(filter=f)) == [88.5, 91.25]


def test_a_callers_own_enum_filters_as_the_value_a_body_sends(client: Timeback) -> None:
    """A body sends an Enum member's value; ``where`` sent ``str(member)``, which on Python 3.11+ is ``'Grade.A'`` for
    a caller's own ``(str, Enum)`` (the SDK's enums define ``__str__``): the filter found nothing, silently."""

    class Grade(str, Enum):
        A = "excellent"
        C = "fair"

    class Points(IntEnum):
        HIGH = 95
        LOW = 40

    gb = client.oneroster.gradebook
    line_item = _line_item_graded(client, textScore=[Grade.A, Grade.C, "good"], score=[Points.HIGH, Points.LOW, 70])
    assert where("textScore", "=", Grade.A) == "textScore='excellent'"
    assert where("score", "@", [Points.HIGH, Points.LOW]) == "score@'95,40'"
    mine = where("lineItem.sourcedId", "=", line_item)
    assert [x.textScore for x in gb.get_all_results(filter=mine & where("textScore", "=", Grade.A))] == ["excellent"]
    f = mine & where("textScore", "@", [Grade.A, Grade.C]) & where("score", ">=", Points.LOW)
    assert sorted(x.score for x in gb.get_all_results(filter=f)) == [40, 95]


def test_a_bool_filters_as_the_json_true_or_false_a_body_sends(client: Timeback) -> None:
    # (the grammar's 'true', which str() does not give: 'True'; the local server reads either case: the text checked too)
    gb = client.oneroster.gradebook
    flags = [{"flag": True}, {"flag": False}, {"other": True}]
    line_item = _line_item_graded(client, comment=["yes", "no", "unset"], metadata=flags)
    mine = where("lineItem.sourcedId", "=", line_item)
    assert [x.comment for x in gb.get_all_results(filter=mine & where("metadata.flag", "=", True))] == ["yes"]
    assert [x.comment for x in gb.get_all_results(filter=mine & where("metadata.flag", "=", False))] == ["no"]
    both = mine & where("metadata.flag", "@", [True, False])
    assert sorted(x.comment for x in gb.get_all_results(filter=both)) == ["no", "yes"]
    assert where("metadata.flag", "=", True) == "metadata.flag='true'"


def test_a_value_of_another_type_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="not NoneType"):
        where("score", "=", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not object"):
        where("score", "@", [1, object()])  # type: ignore[list-item]
    # (the wire's list written as one string, as README's status@'active,tobedeleted': the message shows the list)
    with pytest.raises(ValueError) as one_string:
        where("status", "@", "active,tobedeleted")
    assert str(one_string.value) == "'@' takes a list of values: where('status', '@', ['active', 'tobedeleted'])"
    with pytest.raises(ValueError, match=r"^'@' takes a list of values: where\('score', '@', \[90\]\)$"):
        where("score", "@", 90)
    # (quotes as the wire has them dropped; a long list shown by its first values, not whole)
    ids = ",".join(f"'student-{n}'" for n in range(1500))
    with pytest.raises(ValueError) as long_list:
        where("user.sourcedId", "@", ids)
    assert str(long_list.value) == (
        "'@' takes a list of values: where('user.sourcedId', '@', ['student-0', 'student-1', 'student-2', ...])"
    )
    with pytest.raises(ValueError, match=r"^'@' takes a list of values$"):
        where("score", "@", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="operator '=' takes one value"):  # (a list, for any operator but '@')
        where("score", "=", [1])


@pytest.mark.parametrize(
    "number",
    [
        float("inf"),
        float("-inf"),
        float("nan"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("NaN"),
        Decimal("sNaN"),
    ],
    ids=repr,
)
@pytest.mark.parametrize("op", ["<", "@"])
def test_a_nan_or_infinity_is_refused_naming_the_field(number: float | Decimal, op: str) -> None:
    # (written as str() gives it, "metadata.n<'inf'" compared text: it matched only strings, and score>'inf' was 400)
    with pytest.raises(ValueError, match=r"metadata\.n: .* is no finite number"):
        where("metadata.n", op, [1, number] if op == "@" else number)


def test_query_params_as_a_model_or_as_keywords(client: Timeback) -> None:
    from timeback.models.request import TimebackGetResultsForClassRequest, TimebackQueryParams

    r = make_roster(client)
    gb = client.oneroster.gradebook
    line_item = uid("li")
    gb.post_line_items_for_class(class_sourced_id=r.class_, lineItems=[line_item_body(r, line_item)])
    gb.post_results_for_academic_session_for_class(
        class_sourced_id=r.class_, academic_session_sourced_id=r.term,
        results=[result_body(line_item, s, score=60 + i) for i, s in enumerate(r.students)],
    )  # fmt: skip
    params = TimebackQueryParams(sort="score", order_by="desc", limit=1, fields=["sourcedId", "score"])
    by_model = [x.score for x in gb.get_results_for_class(params, class_sourced_id=r.class_)]
    by_keywords = [x.score for x in gb.get_results_for_class(class_sourced_id=r.class_, sort="score", orderBy="desc")]
    request = TimebackGetResultsForClassRequest(class_sourced_id=r.class_, sort="score", order_by="desc", offset=1)
    assert by_model == by_keywords == [62, 61, 60]
    assert [x.score for x in gb.get_results_for_class(request)] == [61, 60]
    first_page = gb.get_results_for_class(params, class_sourced_id=r.class_)
    assert first_page.items[0].model_extra == {} and first_page.items[0].lineItem is None  # only the fields asked


def test_fields_may_name_a_field_by_its_python_name_for_a_keyword(client: Timeback, roster: Roster) -> None:
    """``fields=["class_"]`` (the model's name of ``class``) was the server's 400 (wire names only), where a model
    and ``model_copy(update=...)`` take either name: sent as ``class``, by list or string, in listings and reads."""
    gb = client.oneroster.gradebook
    line_item = uid("li")
    gb.post_line_items_for_class(class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)])
    for fields in (["sourcedId", "class_"], "sourcedId,class_", "sourcedId, class_"):
        (listed,) = gb.get_line_items_for_class(class_sourced_id=roster.class_, fields=fields)
        read = gb.get_line_item(sourced_id=line_item, fields=fields).lineItem
        for record in (listed, read):
            assert (record.sourcedId, record.class_.sourcedId, record.title) == (line_item, roster.class_, None)


async def test_a_url_too_long_to_send_is_a_value_error_before_anything_is_sent(
    client: Timeback, async_client: AsyncTimeback
) -> None:
    """httpx refuses a URL component over 64 KB with its own ``InvalidURL``, which is neither a ``TimebackError``
    nor a ``ValueError`` (README: what the SDK checks itself is refused with Python's own exceptions). A 1,000-id
    ``@`` list is within the server's limits and passes it once the ids are about 70 characters long."""
    ids = [f"{i:070d}" for i in range(1000)]
    with pytest.raises(ValueError, match="too long"):
        client.oneroster.gradebook.get_all_results(filter=where("sourcedId", "@", ids))
    with pytest.raises(ValueError, match="too long"):
        client.oneroster.gradebook.get_result(sourced_id="y" * 70_000)
    with pytest.raises(ValueError, match="too long"):
        await async_client.oneroster.gradebook.get_all_results(search="y" * 70_000)


def test_a_query_the_server_cannot_read_is_a_bad_request_error_naming_it(client: Timeback) -> None:
    """A 400 was a bare ``RequestError``, told from a 405 or a redirect only by its status; it is a
    ``BadRequestError`` (still a ``RequestError``, as the interface documents say), ``code_minor`` naming what."""
    from timeback import BadRequestError

    gradebook = client.oneroster.gradebook
    for query, named in (
        ({"filter": "scor>'1'"}, ("filter", "invalid_filter_field")),
        ({"sort": "nothing"}, ("sort", "invalid_selection_field")),
        ({"fields": "sourcedId,nothing"}, ("fields", "invalid_selection_field")),
    ):
        with pytest.raises(BadRequestError) as refused:
            gradebook.get_all_results(**query)
        assert isinstance(refused.value, RequestError) and refused.value.status_code == 400
        assert refused.value.code_minor[0][0] == named[0] and refused.value.code_minor[0][1] == named[1], query
