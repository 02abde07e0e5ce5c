# pyright: standard
"""User code that ``mypy --strict`` and pyright must reject (tests/test_typecheck.py runs both and compares): a
comment ``# error: <what mypy reports>`` or ``# pyright error: <the first line of what pyright reports>`` stands above
each line that fails. Pyright reads this file in its default mode ("standard", the comment above), so that what is
listed is the error itself, not strict mode's follow-ups. Never run, never collected by pytest."""

from __future__ import annotations

from datetime import UTC, datetime

from timeback import AsyncTimeback, Timeback
from timeback.filters import where
from timeback.models.gradebook import TimebackLineItem
from timeback.models.request import TimebackPutResultBody
from timeback.server.runner import LocalServer


def misspelt_page_attributes(client: Timeback) -> None:
    page = client.oneroster.gradebook.get_all_results(limit=1)
    # error: "Page[TimebackResult]" has no attribute "next_page"; maybe "get_next_page"?  [attr-defined]
    # pyright error: Cannot access attribute "next_page" for class "Page[TimebackResult]"  [reportAttributeAccessIssue]
    page.next_page()
    # error: "Page[TimebackResult]" has no attribute "totalcount"  [attr-defined]
    # pyright error: Cannot access attribute "totalcount" for class "Page[TimebackResult]"  [reportAttributeAccessIssue]
    print(page.totalcount)
    # The envelope's keys answer at run time, untyped: typed code reads page.items and page.body["results"].
    # error: "Page[TimebackResult]" has no attribute "results"  [attr-defined]
    # pyright error: Cannot access attribute "results" for class "Page[TimebackResult]"  [reportAttributeAccessIssue]
    print(page.results)


async def misspelt_async_page_attributes(client: AsyncTimeback) -> None:
    page = await client.oneroster.gradebook.get_all_results(limit=1)
    # error: "AsyncPage[TimebackResult]" has no attribute "next_page"; maybe "get_next_page"?  [attr-defined]
    # pyright error: Cannot access attribute "next_page" for class "AsyncPage[TimebackResult]"  [reportAttributeAccessIssue]
    await page.next_page()


def body_without_its_required_fields() -> None:
    # Required in the body, optional in the record class it extends (TimebackResult): pyright kept the record's
    # default for them, until the body declared them with Field().
    # error: Missing named argument "student" for "TimebackPutResultBody"  [call-arg]
    # error: Missing named argument "scoreStatus" for "TimebackPutResultBody"  [call-arg]
    # error: Missing named argument "scoreDate" for "TimebackPutResultBody"  [call-arg]
    # error: Missing named argument "lineItem" for "TimebackPutResultBody"  [call-arg]
    # pyright error: Arguments missing for parameters "student", "scoreStatus", "scoreDate", "lineItem"  [reportCallIssue]
    TimebackPutResultBody(score=1)


def unknown_filter_operator_and_environment() -> None:
    # Typed as their few words, not as any str (the run-time checks stay, for untyped callers).
    # error: Argument 2 to "where" has incompatible type "Literal['==']"; expected "Literal['=', '!=', '>', '>=', '<', '<=', '~', '@']"  [arg-type]
    # pyright error: Argument of type "Literal['==']" cannot be assigned to parameter "op" of type "Operator" in function "where"  [reportArgumentType]
    where("score", "==", 90)
    # error: Argument "environment" to "Timeback" has incompatible type "Literal['prod']"; expected "Literal['production', 'staging'] | None"  [arg-type]
    # pyright error: Argument of type "Literal['prod']" cannot be assigned to parameter "environment" of type "Environment | None" in function "__init__"  [reportArgumentType]
    Timeback(environment="prod")


def a_record_read_is_changed_in_what_validation_takes(client: Timeback) -> None:
    # Accepted at run time (validated when sent), not by a checker: README gives the typed form first.
    r = client.oneroster.gradebook.get_result(sourced_id="x").result
    # error: Incompatible types in assignment (expression has type "str", variable has type "TimebackScoreStatus | None")  [assignment]
    # pyright error: Cannot assign to attribute "scoreStatus" for class "TimebackResult"  [reportAttributeAccessIssue]
    r.scoreStatus = "exempt"
    # error: Incompatible types in assignment (expression has type "dict[str, str]", variable has type "TimebackSourcedIdReference | None")  [assignment]
    # pyright error: Cannot assign to attribute "student" for class "TimebackResult"  [reportAttributeAccessIssue]
    r.student = {"sourcedId": "s-1"}
    # error: Incompatible types in assignment (expression has type "str", variable has type "float | None")  [assignment]
    # pyright error: Cannot assign to attribute "score" for class "TimebackResult"  [reportAttributeAccessIssue]
    r.score = "77"
    # error: Incompatible types in assignment (expression has type "datetime", variable has type "str | None")  [assignment]
    # pyright error: Cannot assign to attribute "scoreDate" for class "TimebackResult"  [reportAttributeAccessIssue]
    r.scoreDate = datetime(2024, 1, 16, 10, tzinfo=UTC)


def keyword_calls_misspelt_or_mistyped(client: Timeback, line_item: TimebackLineItem) -> None:
    # Each method's keywords are typed (the stub timeback._stubs renders from the operation table): they passed as
    # **fields: Any, failing only when the call was made.
    gradebook = client.oneroster.gradebook
    # error: Unexpected keyword argument "sourcd_id" for "get_result" of "Gradebook"; did you mean "sourced_id"?  [call-arg]
    # pyright error: No parameter named "sourcd_id"  [reportCallIssue]
    gradebook.get_result(sourcd_id="x")
    # error: Argument "limit" to "get_all_results" of "Gradebook" has incompatible type "str"; expected "int | None"  [arg-type]
    # pyright error: Argument of type "Literal['10']" cannot be assigned to parameter "limit" of type "int | None" in function "get_all_results"  [reportArgumentType]
    gradebook.get_all_results(limit="10")
    # error: Argument "order_by" to "get_all_results" of "Gradebook" has incompatible type "Literal['DESC']"; expected "Literal['asc', 'desc'] | None"  [arg-type]
    # pyright error: Argument of type "Literal['DESC']" cannot be assigned to parameter "order_by" of type "Literal['asc', 'desc'] | None" in function "get_all_results"  [reportArgumentType]
    gradebook.get_all_results(order_by="DESC")
    # error: Argument "result" to "put_result" of "Gradebook" has incompatible type "TimebackLineItem"; expected "TimebackPutResultBody | TimebackResult | Mapping[str, Any]"  [arg-type]
    # pyright error: Argument of type "TimebackLineItem" cannot be assigned to parameter "result" of type "TimebackPutResultBody | TimebackResult | Mapping[str, Any]" in function "put_result"  [reportArgumentType]
    gradebook.put_result(sourced_id="x", result=line_item)
    # error: Unexpected keyword argument "filterr" for "get_all_users" of "Rostering"; did you mean "filter"?  [call-arg]
    # pyright error: No parameter named "filterr"  [reportCallIssue]
    client.oneroster.rostering.get_all_users(filterr="role='student'")
    # The wire name is taken at run time, as in the request model's constructor; typed code writes order_by=.
    # error: Unexpected keyword argument "orderBy" for "get_all_results" of "Gradebook"; did you mean "order_by"?  [call-arg]
    # pyright error: No parameter named "orderBy"  [reportCallIssue]
    gradebook.get_all_results(orderBy="desc")
    # A record's model types its sourcedId `str | None`: typed code checks it (check_usage.py) or passes the id it
    # read by.
    r = gradebook.get_result(sourced_id="x").result
    # error: Argument "sourced_id" to "put_result" of "Gradebook" has incompatible type "str | None"; expected "str"  [arg-type]
    # pyright error: Argument of type "str | None" cannot be assigned to parameter "sourced_id" of type "str" in function "put_result"  [reportArgumentType]
    # error: Argument "sourced_id" to "put_result" of "Gradebook" has incompatible type "str | None"; expected "str"  [arg-type]
    # pyright error: Argument of type "str | None" cannot be assigned to parameter "sourced_id" of type "str" in function "put_result"  [reportArgumentType]
    gradebook.put_result(sourced_id=r.sourcedId, result=r)


async def keyword_calls_misspelt_async(client: AsyncTimeback) -> None:
    # error: Unexpected keyword argument "sourcd_id" for "get_result" of "AsyncGradebook"; did you mean "sourced_id"?  [call-arg]
    # pyright error: No parameter named "sourcd_id"  [reportCallIssue]
    # error: Unexpected keyword argument "sourcd_id" for "get_result" of "AsyncGradebook"; did you mean "sourced_id"?  [call-arg]
    # pyright error: No parameter named "sourcd_id"  [reportCallIssue]
    await client.oneroster.gradebook.get_result(sourcd_id="x")
    # error: Argument "limit" to "get_all_results" of "AsyncGradebook" has incompatible type "str"; expected "int | None"  [arg-type]
    # pyright error: Argument of type "Literal['10']" cannot be assigned to parameter "limit" of type "int | None" in function "get_all_results"  [reportArgumentType]
    # error: Argument "limit" to "get_all_results" of "AsyncGradebook" has incompatible type "str"; expected "int | None"  [arg-type]
    # pyright error: Argument of type "Literal['10']" cannot be assigned to parameter "limit" of type "int | None" in function "get_all_results"  [reportArgumentType]
    client.oneroster.gradebook.get_all_results(limit="10")


async def sync_spellings_on_the_async_client(client: AsyncTimeback) -> None:
    # Refused at run time too, saying to use `async for` / `async with` (their methods are hidden from checkers).
    # error: "AsyncPaginator[TimebackResult]" has no attribute "__iter__"; maybe "__aiter__"? (not iterable)  [attr-defined]
    # pyright error: "AsyncPaginator[TimebackResult]" is not iterable  [reportGeneralTypeIssues]
    for _ in client.oneroster.gradebook.get_all_results(limit=1):
        pass
    # error: "AsyncTimeback" has no attribute "__enter__"; maybe "__aenter__"?  [attr-defined]
    # error: "AsyncTimeback" has no attribute "__exit__"; maybe "__aexit__"?  [attr-defined]
    # pyright error: Object of type "AsyncTimeback" cannot be used with "with" because it does not correctly implement __enter__  [reportGeneralTypeIssues]
    # pyright error: Object of type "AsyncTimeback" cannot be used with "with" because it does not correctly implement __exit__  [reportGeneralTypeIssues]
    with AsyncTimeback() as other:
        print(other)


def a_local_servers_client_keywords_are_typed(server: LocalServer) -> None:
    # (they were a dict[str, Any]: any key read, and Timeback(**kwargs) checked nothing)
    # error: TypedDict "ClientKwargs" has no key "port"  [typeddict-item]
    # pyright error: Could not access item in TypedDict  [reportGeneralTypeIssues]
    print(server.client_kwargs()["port"])
