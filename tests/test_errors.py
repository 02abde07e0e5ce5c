"""Errors rebuilt from their arguments alone, as Celery's JSON result serializer and a user's test build them."""

from __future__ import annotations

import contextlib
import inspect
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import Roster, line_item_body, result_body, uid
from timeback import AsyncTimeback, Timeback, errors
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer


@contextlib.contextmanager
def faulty(server: LocalServer, faults: str, **options: Any) -> Iterator[Timeback]:
    """A client of a server on the same store answering every request with ``faults`` (its token from the other)."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=faults)
    with LocalServer(settings, storage=server.app.state.storage) as failing:
        kwargs = {**server.client_kwargs(), "base_url": failing.url, "token_url": f"{server.url}/oauth2/token"}
        with Timeback(**kwargs, max_retries=0, **options) as api:
            yield api


def raised_by(call: Callable[[], object]) -> errors.TimebackError:
    with pytest.raises(errors.TimebackError) as raised:
        call()
    return raised.value


def test_every_error_rebuilt_from_its_args_is_the_same_type_and_says_the_same(
    server: LocalServer,
    client: Timeback,
    roster: Roster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Celery's JSON result serializer sends an error's type and ``args`` and rebuilds it as ``cls(*args)``: a
    ``RequestError`` or an ``APIConnectionError`` (keyword-only ``status_code``, ``method`` and ``url`` required) came
    back a plain ``Exception``, so ``except NotFoundError`` no longer caught it. Each class the SDK raises, from a real
    answer where the server can give one, comes back as itself, its message whole (status, request and request id)."""
    gradebook = client.oneroster.gradebook
    line_item = uid("li")
    gradebook.post_line_items_for_class(class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)])
    reader, secret = uid("reader"), uid("secret")
    server.app.state.clients.add(reader, secret, "gradebook.readonly")
    with socket.socket() as unused:  # (a port nothing listens on: the connection is refused)
        unused.bind(("127.0.0.1", 0))
        refused_url = f"http://127.0.0.1:{unused.getsockname()[1]}"
    with Timeback(base_url=server.url, client_id=reader, client_secret=secret) as readonly:
        forbidden = raised_by(lambda: readonly.oneroster.gradebook.delete_line_item(sourced_id=line_item))
    with Timeback(base_url=server.url, client_id=CLIENT_ID, client_secret="not-the-secret") as wrong:
        unauthorized = raised_by(lambda: wrong.oneroster.gradebook.get_line_item(sourced_id=line_item))
    with Timeback(base_url=refused_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_retries=0) as nowhere:
        unreachable = raised_by(lambda: nowhere.oneroster.gradebook.get_line_item(sourced_id=line_item))
    with faulty(server, "429=1,retry_after=1") as busy_server:
        busy = raised_by(lambda: busy_server.oneroster.gradebook.get_line_item(sourced_id=line_item))
    with faulty(server, "503=1") as failing_server:
        failing = raised_by(lambda: failing_server.oneroster.gradebook.get_line_item(sourced_id=line_item))
    with faulty(server, "slow=1,slow_ms=2000", timeout=0.2) as slow_server:
        timed_out = raised_by(lambda: slow_server.oneroster.gradebook.get_line_item(sourced_id=line_item))
    small = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_body_bytes=64)
    with LocalServer(small, storage=server.app.state.storage) as strict, Timeback(**strict.client_kwargs()) as api:
        too_large = raised_by(lambda: api.oneroster.gradebook.put_line_item(  # (413: no class of its own)
            sourced_id=line_item, lineItem=line_item_body(roster, line_item)))  # fmt: skip
    malformed_answer = httpx.MockTransport(lambda request: httpx.Response(200, json={"lineItem": "lots"}))
    with Timeback(**server.client_kwargs(), http_client=httpx.Client(transport=malformed_answer)) as mocked:
        malformed = raised_by(lambda: mocked.oneroster.gradebook.get_line_item(sourced_id=line_item))
    for name in ("TIMEBACK_CLIENT_ID", "TIMEBACK_CLIENT_SECRET", "TIMEBACK_BASE_URL", "TIMEBACK_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    raised = {
        errors.ConfigurationError: raised_by(Timeback),
        errors.APIConnectionError: unreachable,
        errors.APITimeoutError: timed_out,
        errors.APIResponseValidationError: malformed,
        errors.RequestError: too_large,
        errors.BadRequestError: raised_by(lambda: gradebook.get_all_results(filter="nonsense", limit=1)),
        errors.AuthError: unauthorized,
        errors.PermissionDeniedError: forbidden,
        errors.NotFoundError: raised_by(lambda: gradebook.get_line_item(sourced_id=uid("no-such"))),
        errors.ConflictError: raised_by(
            lambda: gradebook.post_line_items_for_class(
                class_sourced_id=roster.class_, lineItems=[line_item_body(roster, line_item)]
            )
        ),
        errors.UnprocessableEntityError: raised_by(
            lambda: gradebook.create_result_for_line_item(
                line_item_sourced_id=line_item, results=[result_body(line_item, uid("ghost"))]
            )
        ),
        errors.RateLimitError: busy,
        errors.ServerError: failing,
    }
    assert (
        {cls for cls in vars(errors).values() if isinstance(cls, type) and cls is not errors.TimebackError}
        >= {getattr(errors, name) for name in errors.__all__ if name != "TimebackError"}
        == set(raised)
    )
    unanswered = {errors.ConfigurationError, errors.APIConnectionError, errors.APITimeoutError}
    for cls, error in raised.items():
        assert type(error) is cls, (cls, error)
        # (every error has them: `except TimebackError as e: e.status_code` raised AttributeError for a refused
        # connection)
        assert (error.status_code is None) if cls in unanswered else isinstance(error.status_code, int), error
        assert error.retries_taken >= 0 and (error.request_id is None or isinstance(error.request_id, str)), error
        again = cls(*error.args)
        assert type(again) is cls and str(again) == str(error), (str(again), str(error))
    # (a client error is not sent again: answered by the real server, not only by a script, test_client's)
    client_errors = (errors.BadRequestError, errors.PermissionDeniedError, errors.NotFoundError, errors.ConflictError,
                     errors.UnprocessableEntityError)  # fmt: skip
    assert {cls: raised[cls].retries_taken for cls in client_errors} == dict.fromkeys(client_errors, 0)


def test_an_error_built_by_hand_takes_its_classs_status() -> None:
    """(A user's test raising ``NotFoundError("x")`` was refused: status_code, method and url were required.)"""
    assert errors.NotFoundError("x").status_code == 404 and str(errors.NotFoundError("x")) == "x"
    assert errors.RateLimitError("slow down").status_code == 429
    assert errors.ServerError("down").status_code is None  # (5xx: no one status)
    assert repr(errors.ConflictError("taken")).startswith("ConflictError(status_code=409, message='taken'")
    assert str(errors.APIConnectionError("connection failed")) == "connection failed"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        # API Gateway's explicit deny: "Message", capitalised (the message read "Forbidden")
        (403, {"Message": "User is not authorized to access this resource with an explicit deny"},
         "User is not authorized to access this resource with an explicit deny"),
        # an imsx failure with no description: its codeMinor values (the message read "Bad Request")
        (400, {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_CodeMinor": {"imsx_codeMinorField": [
            {"imsx_codeMinorFieldName": "filter", "imsx_codeMinorFieldValue": "invalid_filter_field"}]}},
         "Bad Request (invalid_filter_field)"),
        (500, {"imsx_codeMajor": "failure", "imsx_description": None, "imsx_CodeMinor": {"imsx_codeMinorField": [
            {"imsx_codeMinorFieldName": "a", "imsx_codeMinorFieldValue": "internal_server_error"},
            {"imsx_codeMinorFieldName": "b", "imsx_codeMinorFieldValue": "unknownobject"}]}},
         "Internal Server Error (internal_server_error, unknownobject)"),
        (404, {"IMSX_Description": "Line item not found.", "message": "second"}, "Line item not found."),
        # a null or empty value under a name is no reason: the next key of that name is read (it read "Forbidden")
        (403, {"message": None, "Message": "explicit deny"}, "explicit deny"),
        (403, {"message": "", "Message": "explicit deny"}, "explicit deny"),
        # codeMinor values once each, the first 5 (1,000 fields made a message of 14,097 characters)
        (422, {"imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": f"results[{i}].score",
            "imsx_codeMinorFieldValue": "invalid_data"} for i in range(1000)]}}, "Unprocessable Entity (invalid_data)"),
        (400, {"imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "f",
            "imsx_codeMinorFieldValue": f"v{i % 7}"} for i in range(20)]}}, "Bad Request (v0, v1, v2, v3, v4 and 2 more)"),
        # one codeMinor field sent as itself, not in a list (the message read "Bad Request")
        (400, {"imsx_codeMajor": "failure", "imsx_CodeMinor": {"imsx_codeMinorField": {
            "imsx_codeMinorFieldName": "filter", "imsx_codeMinorFieldValue": "invalid_filter_field"}}},
         "Bad Request (invalid_filter_field)"),
        # a message one level down (each read the status's reason): Google's, Azure's and OpenAI's "error" object
        (403, {"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}},
         "The caller does not have permission"),
        (401, {"error": {"code": "InvalidAuthenticationToken", "Message": "Access token has expired."}},
         "Access token has expired."),
        # GraphQL's and JSON:API's "errors" list: the first message, detail or title there, the first item's first
        (400, {"data": None, "errors": [{"message": "Cannot query field 'x'", "locations": [{"line": 1}]},
            {"message": "second"}]}, "Cannot query field 'x'"),
        (422, {"errors": [{"status": "422", "title": "Invalid Attribute", "detail": "Name is too short."}]},
         "Name is too short."),
        (502, {"errors": [{"code": "E1"}, "text", {"title": "Upstream failed"}]}, "Upstream failed"),
        # and no deeper: an arbitrary body is not searched
        (403, {"error": {"details": [{"message": "deep"}]}, "errors": {"message": "not a list"}}, "Forbidden"),
        # Timeback's 422: a description naming no field, the fields in imsx_error_details (it read "Invalid request
        # body" alone); not added where the description names them, by path or last name, nor to a 404's or 409's
        (422, {"imsx_description": "Invalid request body", "imsx_error_details": [
            {"path": "result.score", "message": "Expected number, received string"}]},
         "Invalid request body (result.score: Expected number, received string)"),
        (400, {"imsx_description": "Invalid", "imsx_error_details": [{"path": ["a", 0, "b"], "message": "x"},
            {"field": "c"}, {"path": "d", "message": "y"}, {"path": "e"}, {"path": "f"}]},
         "Invalid (a.0.b: x; c; d: y and 2 more)"),
        (422, {"imsx_description": "Invalid 'score'", "imsx_error_details": [{"path": "result.score", "message": "NaN"}]},
         "Invalid 'score'"),
        # each detail the description does not name (one it named hid them all), a plain name counting only where it
        # is set off as a field's: quoted, or before a colon (a word of the text hid them all: "request", "body")
        (422, {"imsx_description": "Invalid request body", "imsx_error_details": [
            {"field": "request", "message": "missing"}, {"field": "result.score", "message": "bad"}]},
         "Invalid request body (request: missing; result.score: bad)"),
        (422, {"imsx_description": "Invalid request body", "imsx_error_details": [{"path": "body", "message": "No"}]},
         "Invalid request body (body: No)"),
        (422, {"imsx_description": "Invalid score", "imsx_error_details": [{"path": "result.score", "message": "NaN"}]},
         "Invalid score (result.score: NaN)"),
        (422, {"imsx_description": "Invalid request body: result.score: NaN; `status` unknown", "imsx_error_details": [
            {"path": "result.score"}, {"path": "result.scoreDate", "message": "no date"}, {"path": "result.status"},
            {"field": "sourced_id"}]},
         "Invalid request body: result.score: NaN; `status` unknown (result.scoreDate: no date; sourced_id)"),
        (404, {"imsx_description": "Result 'r1' not found.", "imsx_error_details": [{"field": "sourcedId"}]},
         "Result 'r1' not found."),
    ],
)  # fmt: skip
async def test_an_error_s_message_is_the_reason_the_server_gave(status: int, body: Any, message: str) -> None:
    from tests.test_client import Script, answer, make_async_client, make_client

    client = make_client(Script([answer(status, body)]), max_retries=0)
    raised = raised_by(lambda: client.oneroster.gradebook.get_result(sourced_id="r1"))
    async with make_async_client(Script([answer(status, body)]), max_retries=0) as async_client:
        with pytest.raises(errors.RequestError) as async_raised:
            await async_client.oneroster.gradebook.get_result(sourced_id="r1")
    for error in (raised, async_raised.value):
        assert isinstance(error, errors.RequestError) and error.message == message, error
        assert str(error).startswith(f"{status}: {message} (GET "), str(error)


def test_a_description_a_message_cuts_gets_no_details() -> None:
    """They would be cut from the message: none is looked for (a search of the whole description per detail took
    86 s for one of 1 MB and 2,000 details)."""
    description = "x" * errors.MAX_SHOWN_MESSAGE
    body = {"imsx_description": description, "imsx_error_details": [{"path": f"f{i}"} for i in range(2000)]}
    assert errors.describe(422, "Unprocessable Entity", body) == description


@pytest.mark.parametrize("kind", ["sync", "async-httpx", "async-aiohttp"])
async def test_a_timeout_names_which_ran_out_and_its_limit(server: LocalServer, kind: str) -> None:
    """It said "request timed out" alone: not which of httpx's timeouts (connect, read, write, pool) ran out, nor
    after how long."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=2000")
    with LocalServer(settings, storage=server.app.state.storage) as slow:
        kwargs = {**server.client_kwargs(), "base_url": slow.url, "token_url": f"{server.url}/oauth2/token"}
        # (the read's 0.3 s is what runs out; connecting has 5: a loaded CI machine once took over 0.3 s to connect)
        quick = httpx.Timeout(0.3, connect=5)
        with pytest.raises(errors.APITimeoutError) as caught:
            if kind == "sync":
                with Timeback(**kwargs, max_retries=0, timeout=quick) as api:
                    api.oneroster.gradebook.get_result(sourced_id="any")
            else:
                from timeback import DefaultAioHttpClient

                http = DefaultAioHttpClient() if kind == "async-aiohttp" else None
                async with AsyncTimeback(**kwargs, max_retries=0, timeout=quick, http_client=http) as async_api:
                    await async_api.oneroster.gradebook.get_result(sourced_id="any")
    assert str(caught.value).startswith(QUICK_READ_TIMED_OUT), str(caught.value)


# The 0.3 s read ran out: the GET's, or on a loaded machine the token request's before it ("...; getting a token
# for GET ..."), which the same timeout governs (it failed CI so: the token endpoint is the loaded test server's)
QUICK_READ_TIMED_OUT = "request timed out: ReadTimeout after 0.3 s"


@pytest.mark.parametrize("kind", ["sync", "async-httpx"])
async def test_a_timeout_given_to_the_sdk_s_http_client_is_the_client_s_when_it_is_given_none(
    server: LocalServer, kind: str
) -> None:
    """``DefaultAioHttpClient(timeout=...)`` (or a ``Default*HttpxClient``'s), the http_client of a client given no
    ``timeout``: the SDK's 60 s default replaced it without a word, a pool timeout of 0.5 s waiting seconds. A timeout
    the client is given still wins over it."""
    from timeback import DefaultAsyncHttpxClient, DefaultHttpxClient

    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="slow=1,slow_ms=2000")
    quick, slow = httpx.Timeout(0.3, connect=5), httpx.Timeout(30)
    with LocalServer(settings, storage=server.app.state.storage) as slowed:
        kwargs = {**server.client_kwargs(), "base_url": slowed.url, "token_url": f"{server.url}/oauth2/token"}
        for http_timeout, client_timeout in ((quick, None), (slow, quick)):
            with pytest.raises(errors.APITimeoutError) as caught:
                if kind == "sync":
                    with (
                        DefaultHttpxClient(timeout=http_timeout) as http,
                        Timeback(**kwargs, max_retries=0, timeout=client_timeout, http_client=http) as api,
                    ):
                        api.oneroster.gradebook.get_result(sourced_id="any")
                else:
                    async with (
                        DefaultAsyncHttpxClient(timeout=http_timeout) as async_http,
                        AsyncTimeback(
                            **kwargs, max_retries=0, timeout=client_timeout, http_client=async_http
                        ) as async_api,
                    ):
                        await async_api.oneroster.gradebook.get_result(sourced_id="any")
            assert str(caught.value).startswith(QUICK_READ_TIMED_OUT), str(caught.value)


async def test_which_timeout_a_client_takes_from_the_sdk_s_http_client() -> None:
    """The timeouts a client sends with (its config's), for each of the SDK's http clients (the one above, through
    a slow server, shows it for httpx's): the http_client's ``timeout=`` when the client is given none, as it is
    when the client is made (``None`` too: httpx's no limit); never a plain httpx client's; never over the client's."""
    from timeback import DefaultAioHttpClient, DefaultAsyncHttpxClient, DefaultHttpxClient

    kwargs: dict[str, Any] = {"base_url": "http://127.0.0.1:9", "client_id": "id", "client_secret": "secret"}
    quick = httpx.Timeout(0.3, connect=5)

    async def taken(http: httpx.AsyncClient, **given: Any) -> httpx.Timeout:
        async with http, AsyncTimeback(**kwargs, **given, http_client=http) as api:
            return api._client._config.timeout

    def taken_sync(http: httpx.Client) -> httpx.Timeout:
        with http, Timeback(**kwargs, http_client=http) as api:
            return api._client._config.timeout

    assert await taken(DefaultAioHttpClient(timeout=quick)) == quick
    assert await taken(DefaultAioHttpClient(timeout=quick), timeout=7) == httpx.Timeout(7)
    assert await taken(DefaultAsyncHttpxClient(timeout=None)) == httpx.Timeout(None)
    changed = DefaultHttpxClient(timeout=quick)
    changed.timeout = httpx.Timeout(9)  # (read when the client is made)
    assert taken_sync(changed) == httpx.Timeout(9)
    assert taken_sync(httpx.Client(timeout=1)) == taken_sync(DefaultHttpxClient()) == httpx.Timeout(60, connect=5)
    # One the SDK refuses (httpx takes 0) is refused naming whose it is: "timeout" alone named what was not given.
    with DefaultHttpxClient(timeout=0) as zero, pytest.raises(ValueError) as refused:
        Timeback(**kwargs, http_client=zero)
    assert str(refused.value) == (
        "timeout must be a number of seconds, more than 0 (httpx.Timeout(None): no limit), not 0 "
        "(the DefaultHttpxClient's timeout=, which a Timeback given no timeout= takes)"
    )
    async with DefaultAsyncHttpxClient(timeout=httpx.Timeout(5, pool=0)) as zero_pool:
        with pytest.raises(ValueError) as refused:
            AsyncTimeback(**kwargs, http_client=zero_pool)
    assert str(refused.value) == (
        "timeout (pool) must be a number of seconds, more than 0 (None: no limit), not 0 "
        "(the DefaultAsyncHttpxClient's timeout=, which an AsyncTimeback given no timeout= takes)"
    )


def test_an_error_s_imsx_attributes_are_read_as_its_message_is() -> None:
    """Keys of any case gave the message, and the attributes read their exact names only: an ``IMSX_Description``
    was the message with ``imsx_description`` None, an ``IMSX_CodeMinor`` gave one with ``code_minor`` []."""
    from tests.test_client import Script, answer, make_client

    minor = {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "filter", "imsx_codeMinorFieldValue": "invalid"}]}
    body = {"IMSX_CodeMajor": "failure", "Imsx_Severity": "error", "IMSX_Description": "No.", "IMSX_CodeMinor": minor}
    client = make_client(Script([answer(400, body)]), max_retries=0)
    raised = raised_by(lambda: client.oneroster.gradebook.get_result(sourced_id="r1"))
    assert isinstance(raised, errors.RequestError) and raised.message == "No."
    assert (raised.imsx_codeMajor, raised.imsx_severity, raised.imsx_description) == ("failure", "error", "No.")
    assert raised.imsx_CodeMinor == minor and raised.code_minor == [("filter", "invalid")]


def test_one_code_minor_field_sent_as_itself_is_a_list_of_one() -> None:
    """(``imsx_codeMinorField`` sent as one object, not a list of one, gave ``code_minor`` [].)"""
    from tests.test_client import Script, answer, make_client

    minor = {
        "imsx_codeMinorField": {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": "unknownobject"}
    }
    client = make_client(Script([answer(404, {"imsx_codeMajor": "failure", "imsx_CodeMinor": minor})]), max_retries=0)
    raised = raised_by(lambda: client.oneroster.gradebook.get_result(sourced_id="r1"))
    assert isinstance(raised, errors.RequestError) and raised.imsx_CodeMinor == minor
    assert raised.code_minor == [("sourcedId", "unknownobject")] and raised.message == "Not Found (unknownobject)"


async def test_a_long_description_is_cut_in_the_message_and_kept_whole_in_the_attribute(
    either: Timeback | AsyncTimeback, roster: Roster
) -> None:
    """The server's 422 for a batch repeating 1,500 sourcedIds names each: its ``imsx_description`` of 84,000
    characters was the message whole, in ``str()``, ``args[0]`` and the repr. The message holds its first
    ``MAX_SHOWN_MESSAGE`` characters and says how many were cut; ``imsx_description`` and ``body`` hold it all."""
    ids = [uid(f"repeated-{'x' * 40}") for _ in range(1500)]
    with pytest.raises(errors.UnprocessableEntityError) as raised:
        sent = either.oneroster.gradebook.post_line_items_for_class(
            class_sourced_id=roster.class_, lineItems=[line_item_body(roster, i) for i in ids + ids]
        )
        if inspect.isawaitable(sent):
            await sent
    error, limit = raised.value, errors.MAX_SHOWN_MESSAGE
    description = error.body["imsx_description"]
    assert description.startswith("sourcedId repeated within the batch: ") and len(description) > 80_000
    assert error.imsx_description == description  # (whole)
    assert error.message == f"{description[:limit]}... ({len(description) - limit:,} characters cut)"
    assert str(error) == error.args[0] == f"422: {error.message} (POST {error.url}, request id {error.request_id})"
    assert repr(error) == (f"UnprocessableEntityError(status_code=422, message={error.message!r}, method='POST', "
                           f"url={error.url!r}, request_id={error.request_id!r})")  # fmt: skip
    assert str(type(error)(*error.args)) == str(error)  # (rebuilt from its args, as Celery does: not cut again)


async def test_a_long_url_is_cut_in_the_message_and_the_repr_and_kept_whole_in_the_attribute(
    either: Timeback | AsyncTimeback,
) -> None:
    """A listing refused for its ``@`` filter of 1,500 ids (over the 1,000 a filter takes): its message was 26,000
    characters, the URL nearly all of it, a line of that length in every log that records it."""
    from timeback.filters import where

    ids = [f"student-{n:06d}" for n in range(1500)]
    with pytest.raises(errors.RequestError) as raised:
        page = either.oneroster.rostering.get_all_enrollments(filter=where("user.sourcedId", "@", ids))
        if inspect.isawaitable(page):
            await page
    error, limit = raised.value, errors.MAX_SHOWN_URL
    assert error.status_code == 400 and error.url is not None and len(error.url) > 20_000
    cut = f"{error.url[:limit]}... ({len(error.url) - limit:,} characters cut)"
    assert str(error) == error.args[0] == f"400: {error.message} (GET {cut}, request id {error.request_id})"
    assert f"url={cut!r}" in repr(error) and len(repr(error)) < 2_000, repr(error)
    assert str(type(error)(*error.args)) == str(error)  # (rebuilt from its args: the same message)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"filter": "colour='x'"}, "Unknown filter field: colour; filter takes sourcedId, "),
        ({"sort": "nope"}, "Cannot sort by 'nope': no such field; sort takes sourcedId, "),
    ],
)
def test_a_listing_s_refusal_says_what_it_takes_and_names_what_was_sent_once(
    client: Timeback, query: dict[str, str], says: str
) -> None:
    """An unknown filter field said what a filter takes (as a sort's did), and the details the SDK adds name what was
    sent: they were the field alone, "(filter: colour)", read as the filter sent, and a sort's whole list again."""
    with pytest.raises(errors.RequestError) as caught:
        client.oneroster.gradebook.get_all_results(**query)
    message = str(caught.value)
    ((name, sent),) = query.items()
    assert message.startswith(f"400: {says}"), message
    assert message.count(" takes ") == 1 and f"({name}: {sent}) (GET " in message, message
