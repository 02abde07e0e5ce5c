"""User code, type-checked by scripts/test with ``mypy --strict`` and no pydantic plugin, and by tests/test_typecheck.py
with pyright in strict mode (as Pylance reads it): the documented spellings must check. Never run, never collected by
pytest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable, Iterator
from typing import Any, Unpack, assert_type, cast

from timeback import AsyncPaginator, AsyncTimeback, ClientOptions, Environment, IfExists, Page, Timeback
from timeback.enums import TimebackEnrollmentRole, TimebackScoreStatus, TimebackStatus
from timeback.filters import Filter, Operator, where
from timeback.models.gradebook import TimebackResult, TimebackScoreScaleValue
from timeback.models.request import (
    TimebackCreateClassBody,
    TimebackCreateClassRequest,
    TimebackCreateEnrollmentBody,
    TimebackCreateLineItemBody,
    TimebackCreateResultBody,
    TimebackCreateScoreScaleBody,
    TimebackPostLineItemsForClassRequest,
    TimebackPutResultBody,
    TimebackPutResultRequest,
    TimebackQueryParams,
    TimebackUpdateClassBody,
    TimebackUpdateClassRequest,
)
from timeback.models.timeback_sourced_id_ref import TimebackSourcedIdReference as Ref
from timeback.server.runner import LocalServer


def bodies_take_class_by_its_python_name(client: Timeback) -> None:
    # The seeds' and README's constructor calls: ``class_=``, required or not.
    result = TimebackCreateResultBody(
        sourcedId="result-1",
        lineItem=Ref(sourcedId="line-item-1"),
        student=Ref(sourcedId="student-1"),
        scoreStatus=TimebackScoreStatus.FULLY_GRADED,
        scoreDate="2024-01-15T10:00:00Z",
        score=95.5,
        class_=Ref(sourcedId="class-1"),
    )
    put = TimebackPutResultBody(
        lineItem=Ref(sourcedId="line-item-1"),
        student=Ref(sourcedId="student-1"),
        scoreStatus=TimebackScoreStatus.FULLY_GRADED,
        scoreDate="2024-01-15T10:00:00Z",
        class_=Ref(sourcedId="class-1"),
    )
    client.oneroster.gradebook.put_result(TimebackPutResultRequest(sourced_id="result-1", result=put))
    line_item = TimebackCreateLineItemBody(
        sourcedId="line-item-1",
        title="Math Quiz 1",
        assignDate="2024-01-15T00:00:00Z",
        dueDate="2024-01-20T23:59:59Z",
        class_=Ref(sourcedId="class-1"),
        school=Ref(sourcedId="school-1"),
        category=Ref(sourcedId="category-1"),
        status=TimebackStatus.ACTIVE,
    )
    client.oneroster.gradebook.post_line_items_for_class(
        TimebackPostLineItemsForClassRequest(class_sourced_id="class-1", lineItems=[line_item])
    )
    TimebackCreateScoreScaleBody(
        title="Letters",
        type="letter",
        class_=Ref(sourcedId="class-1"),
        scoreScaleValue=[TimebackScoreScaleValue(itemValueLHS="A", itemValueRHS="90")],
    )
    TimebackCreateEnrollmentBody(
        user=Ref(sourcedId="u"), class_=Ref(sourcedId="class-1"), role=TimebackEnrollmentRole.STUDENT
    )
    body = TimebackCreateClassBody(
        title="Math", course=Ref(sourcedId="c"), terms=[Ref(sourcedId="t")], org=Ref(sourcedId="o")
    )
    TimebackCreateClassRequest(class_=body)
    TimebackUpdateClassRequest(sourced_id="class-1", class_=TimebackUpdateClassBody(title="Algebra"))
    assert_type(result.class_, Ref | None)


def query_params_are_a_list_request(client: Timeback) -> None:
    params = TimebackQueryParams(limit=500, order_by="desc", sort="score")
    page = client.oneroster.gradebook.get_results_for_class(params, class_sourced_id="c")
    assert_type(page, Page[TimebackResult])
    assert_type(page.items, list[TimebackResult])
    assert_type(page.iter_items(), Iterator[TimebackResult])
    client.oneroster.gradebook.get_all_results(params)


async def query_params_are_a_list_request_async(client: AsyncTimeback) -> None:
    params = TimebackQueryParams(order_by="asc")
    paginator = client.oneroster.gradebook.get_results_for_class(params, class_sourced_id="c")
    assert_type(paginator, AsyncPaginator[TimebackResult])
    async for _ in paginator:
        pass


def records_read_are_bulk_results(client: Timeback) -> None:
    read: list[TimebackResult] = list(client.oneroster.gradebook.get_all_results())
    client.oneroster.gradebook.bulk_post_results(read)
    client.oneroster.gradebook.bulk_post_results(r for r in read)
    client.oneroster.gradebook.bulk_post_results([{"sourcedId": "r"}, *read])


async def records_read_are_bulk_results_async(client: AsyncTimeback, read: list[TimebackResult]) -> None:
    async def rows() -> AsyncIterator[TimebackResult]:
        for record in read:
            yield record

    await client.oneroster.gradebook.bulk_post_results(read)
    await client.oneroster.gradebook.bulk_post_results(rows())


class ProgressBar:
    """As tqdm's: ``update`` returns a value (``bool | None``), which ``on_progress`` may pass on."""

    def update(self, n: int = 1) -> bool | None:
        return None


def on_progress_may_return_a_value(client: Timeback, bar: ProgressBar) -> None:
    client.oneroster.gradebook.bulk_post_results([], on_progress=lambda progress: bar.update(progress.stored))


async def on_progress_may_return_a_value_async(client: AsyncTimeback, bar: ProgressBar) -> None:
    await client.oneroster.gradebook.bulk_post_results([], on_progress=lambda progress: bar.update(progress.stored))


def filters_take_an_operator_typed_or_cast(op: Operator, from_a_form: str) -> None:
    both = where("score", op, 90) & where("scoreStatus", "=", "fully graded")
    assert_type(both, Filter)
    where("score", cast(Operator, from_a_form), 90)  # (a str held: where() still checks it at run time)
    where("student.sourcedId", "@", ["a", "b"])


def environment_is_one_of_two(env: Environment, from_the_shell: str) -> None:
    Timeback(environment="staging")
    Timeback(environment=env)
    AsyncTimeback(environment=cast(Environment, from_the_shell))


def open_enums_are_tested_for_unknown_values_first(status: TimebackScoreStatus) -> str:
    if not status.is_known():
        return f"unknown to this SDK: {status.value}"
    match status:
        case TimebackScoreStatus.FULLY_GRADED | TimebackScoreStatus.PARTIALLY_GRADED:
            return "graded"
        case TimebackScoreStatus.EXEMPT | TimebackScoreStatus.NOT_SUBMITTED | TimebackScoreStatus.SUBMITTED:
            return "not graded"


def a_record_read_is_changed_in_its_types(client: Timeback) -> None:
    # README's read-modify-write, typed (the run-time spellings, "exempt" and a dict, are in rejected_usage.py).
    r = client.oneroster.gradebook.get_result(sourced_id="x").result
    r.scoreStatus = TimebackScoreStatus.EXEMPT
    r.student = Ref(sourcedId="s-1")
    r.score = 77.0
    r.scoreDate = "2024-01-16T10:00:00Z"
    client.oneroster.gradebook.put_result(sourced_id="x", result=r)  # (r.sourcedId is str | None: rejected_usage.py)


def keyword_calls_are_checked(client: Timeback, read: list[TimebackResult]) -> None:
    # Each method's keywords and their types, from the stub generated from the operation table (timeback._stubs):
    # a body as its model, a record read or a dict; a batch as any iterable of those; the query and call options.
    gradebook = client.oneroster.gradebook
    assert_type(gradebook.get_result(sourced_id="x", timeout=5.0, max_retries=0).result, TimebackResult)
    assert_type(gradebook.get_all_results(limit=100, order_by="desc", filter="score>'50'", fields=["score"]),
                Page[TimebackResult])  # fmt: skip
    gradebook.get_all_results(fields=("score", "sourcedId"))  # (any sequence of names, or "score,sourcedId")
    gradebook.get_result(sourced_id="x", extra_headers={"X-Trace-Id": "t"}, extra_query={"fields": "score", "n": 1})
    for read_class in client.oneroster.rostering.get_all_classes():
        # (a record's sourcedId is typed str | None: checked, it is the id to pass on)
        assert read_class.sourcedId is not None
        gradebook.get_results_for_class(class_sourced_id=read_class.sourcedId)
    gradebook.put_result(sourced_id="x", result={"score": 1})
    gradebook.put_result(sourced_id="x", result=read[0], deadline=30)
    gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=[read[0], {"score": 2}])
    gradebook.create_result_for_line_item(line_item_sourced_id="li-1", results=(r for r in read))
    gradebook.get_results_for_class(TimebackQueryParams(limit=5), class_sourced_id="c")
    gradebook.delete_result({"sourced_id": "x"})
    client.oneroster.rostering.get_all_users(filter="role='student'", limit=10)


async def keyword_calls_are_checked_async(client: AsyncTimeback) -> None:
    gradebook = client.oneroster.gradebook
    assert_type((await gradebook.get_result(sourced_id="x")).result, TimebackResult)
    assert_type(gradebook.get_all_results(limit=100), AsyncPaginator[TimebackResult])
    await gradebook.put_result(sourced_id="x", result={"score": 1}, timeout=5.0)


def a_local_server_points_a_client_at_itself(server: LocalServer) -> None:
    # (client_kwargs() is its three keywords, typed, so others go beside them; its address typed too)
    with Timeback(**server.client_kwargs(), max_retries=0, timeout=5.0) as client:
        client.oneroster.gradebook.get_all_results(limit=1)
    assert_type(server.port, int)
    assert_type(server.host, str)


def a_dataframes_records_go_to_bulk_post_results(client: Timeback, records: list[dict[Hashable, Any]]) -> None:
    # (pandas-stubs types df.to_dict("records") so: Mapping[str, Any] refused it, its key type invariant)
    rows = [{k: v for k, v in r.items() if v is not None} for r in records]
    client.oneroster.gradebook.bulk_post_results(rows)


def options_and_modes_are_typed_by_public_names(rows: list[TimebackResult], **options: Unpack[ClientOptions]) -> None:
    # (the names checkers print: IfExists in a refused if_exists=, ClientOptions for a function passing them on)
    mode: IfExists = "replace"
    with Timeback(**options) as client:
        client.oneroster.gradebook.bulk_post_results(rows, if_exists=mode)
