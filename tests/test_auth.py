"""The token cache: refreshed before expiry, dropped only if still the current token."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

import timeback._auth as auth
from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import add_line_items, add_students, make_roster, result_body, token_answers_held, uid
from timeback import AsyncTimeback, DefaultAioHttpClient, Timeback
from timeback._config import CallOptions, resolve_config
from timeback.errors import APITimeoutError, AuthError, ServerError
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(auth, "monotonic", lambda: now[0])
    return now


def cache() -> auth.TokenCache:
    config = resolve_config(client_id="id", client_secret="secret", environment=None, base_url="https://x",
                            token_url=None, timeout=None, max_retries=None)  # fmt: skip
    return auth.TokenCache(config)


def current(tokens: auth.TokenCache) -> str | None:
    token = tokens.current()
    return None if token is None else token.value


def token_response(value: str, expires_in: float) -> httpx.Response:
    return httpx.Response(200, json={"access_token": value, "expires_in": expires_in, "token_type": "Bearer"})


def test_token_is_refreshed_a_minute_before_expiry(clock: list[float]) -> None:
    tokens = cache()
    tokens.store(token_response("t1", 3600))
    clock[0] += 3600 - 61
    assert current(tokens) == "t1"
    clock[0] += 2
    assert current(tokens) is None


def test_short_tokens_refresh_at_half_life(clock: list[float]) -> None:
    tokens = cache()
    tokens.store(token_response("t1", 10))
    clock[0] += 4.9
    assert current(tokens) == "t1"
    clock[0] += 0.2
    assert current(tokens) is None


def test_a_failed_refresh_leaves_the_token_held_in_use_until_its_expiry(clock: list[float]) -> None:
    """A refresh that failed (the endpoint down, not refusing) took the held token away with it: every call failed,
    though the server took that token for a minute more. It is used now, refreshes paused a while between tries,
    until a few seconds before it expires."""
    tokens = cache()
    tokens.store(token_response("t1", 3600))
    clock[0] += 3600 - 30  # (past the refresh point, 60 s before expiry)
    assert current(tokens) is None
    tokens.fail(ServerError("token endpoint down"))
    assert current(tokens) == "t1"
    clock[0] += auth.REFRESH_PAUSE_SECONDS
    assert current(tokens) is None  # (a refresh is tried again)
    tokens.fail(ServerError("token endpoint down"))
    assert current(tokens) == "t1"
    clock[0] += 30 - auth.EXPIRY_MARGIN_SECONDS - auth.REFRESH_PAUSE_SECONDS
    assert current(tokens) is None
    tokens.fail(ServerError("token endpoint down"))
    assert current(tokens) is None  # (too near its expiry: the refresh's failure is raised)
    tokens.store(token_response("t2", 3600))
    assert current(tokens) == "t2"


def test_a_short_token_held_is_used_until_a_tenth_of_its_life_is_left(clock: list[float]) -> None:
    tokens = cache()
    tokens.store(token_response("t1", 10))
    clock[0] += 8.8  # (refreshed at half-life; usable until 9 s)
    tokens.fail(APITimeoutError("token request timed out"))
    assert current(tokens) == "t1"
    clock[0] += 0.2
    assert current(tokens) is None


def test_a_refused_refresh_leaves_no_token_in_use(clock: list[float]) -> None:
    """The credentials refused (revoked, rotated): said at once, not hidden behind the token held."""
    tokens = cache()
    tokens.store(token_response("t1", 3600))
    clock[0] += 3600 - 30
    tokens.fail(AuthError("token endpoint refused the client credentials"))
    assert current(tokens) is None


def test_a_refresh_while_a_token_is_held_is_bounded_by_half_the_life_it_has_left(clock: list[float]) -> None:
    """Half the life left, or nearly all of a short one (up to ``REFRESH_BOUND_FLOOR_SECONDS``): halving a short
    one cut every refresh of an endpoint slower than it, each next one given half of what was left."""
    tokens = cache()
    assert tokens.refresh_bound() is None  # (no token: the call's own timeout and retries)
    tokens.store(token_response("t1", 3600))
    clock[0] += 3600 - 30  # (past the refresh point: usable 25 s more)
    assert tokens.refresh_bound() == 25 * auth.REFRESH_BOUND_SHARE == 12.5
    clock[0] += 10  # (15 s more)
    assert tokens.refresh_bound() == auth.REFRESH_BOUND_FLOOR_SECONDS == 10
    clock[0] += 10  # (5 s more: all but a tenth, for the call going on with it once the bound passed)
    assert tokens.refresh_bound() == pytest.approx(5 * auth.REFRESH_BOUND_SHORT_SHARE) == 4.5
    clock[0] += 5
    assert tokens.refresh_bound() is None


def test_invalidate_keeps_a_newer_token(clock: list[float]) -> None:
    tokens = cache()
    first = tokens.store(token_response("t1", 3600))
    second = tokens.store(token_response("t2", 3600))
    tokens.invalidate(first)  # a request that failed with the old token must not drop the new one
    assert current(tokens) == "t2"
    tokens.invalidate(second)
    assert current(tokens) is None


def test_token_request_uses_basic_auth_and_client_credentials() -> None:
    request = cache().build_request()
    assert request.url == "https://x/oauth2/token" and request.method == "POST"
    assert request.headers["Authorization"].startswith("Basic ")
    # One authentication method (RFC 6749 section 2.3): the secret only in the header; the form's client_id is
    # identification and names the header's client (the local server refuses a form secret or another id with it).
    assert parse_qs(request.read().decode()) == {"grant_type": ["client_credentials"], "client_id": ["id"]}


def test_client_credentials_are_form_encoded_in_the_basic_header() -> None:
    """RFC 6749 section 2.3.1: the id and secret are form-urlencoded, then used as Basic user and password. Sent
    raw, an id holding ':' split at the wrong place, and a secret holding '%' was decoded into another secret."""
    from timeback import Timeback
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    client_id, secret = "tenant:client 1", "p%41ss+w:rd é"
    settings = ServerSettings(database="sqlite://", client_id=client_id, client_secret=secret)
    with LocalServer(settings) as server, Timeback(**server.client_kwargs()) as client:
        assert client.oneroster.gradebook.put_category(sourced_id="c1", category={"title": "t"}).category.title == "t"


def test_a_token_never_shows_in_a_repr() -> None:
    tokens = cache()
    tokens.store(token_response("secret-token-value", 3600))
    assert "secret-token-value" not in repr(tokens._token) and "secret-token-value" not in repr(vars(tokens))
    assert "secret-token-value" not in repr(tokens.current())


ABSENT = object()


@pytest.mark.parametrize("expires_in", [ABSENT, None, "3600", 3600, "3600.0", " 3600 "])
def test_expires_in_absent_null_or_a_string_of_digits_is_taken(clock: list[float], expires_in: object) -> None:
    # (ABSENT and None: the null case was once never sent, the parameter None standing for an absent key)
    tokens = cache()
    body = {"access_token": "t1"} if expires_in is ABSENT else {"access_token": "t1", "expires_in": expires_in}
    tokens.store(httpx.Response(200, json=body))
    clock[0] += 3600 - 61
    assert current(tokens) == "t1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"access_token": "t1", "expires_in": "soon"}, "expires_in that is not a number of seconds"),
        ({"access_token": "t1", "expires_in": "\u00b2"}, "expires_in that is not a number of seconds"),
        ({"access_token": "t1", "expires_in": "NaN"}, "expires_in that is not a number of seconds"),
        ({"access_token": "t1", "expires_in": -5}, "expires_in that is not a number of seconds"),
        ({"access_token": "t1", "expires_in": True}, "expires_in that is not a number of seconds"),
        ({"access_token": "t1", "expires_in": 1e308 * 10}, "expires_in that is not a number of seconds"),
        ({"access_token": "t\u00e9"}, "not printable ASCII"),
        ({"access_token": "t1\r\nX-Injected: 1"}, "not printable ASCII"),
        ({"token": "t1"}, "without an access_token"),
        ({"access_token": ""}, "an empty access_token"),  # (sent, it would be 'Bearer ': a 401 blaming the secret)
        ({"access_token": None}, "an empty access_token"),
    ],
)
def test_a_token_answer_that_cannot_be_used_is_a_typed_error(body: dict[str, object], message: str) -> None:
    import json

    from timeback.errors import APIResponseValidationError

    with pytest.raises(APIResponseValidationError, match=message) as raised:  # (json.dumps writes inf as Infinity)
        cache().store(httpx.Response(200, content=json.dumps(body).encode()))
    if body.get("access_token"):
        assert str(body["access_token"]) not in str(raised.value)  # (the token itself is not quoted)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_token_answer_with_a_bom_or_in_utf_16_or_32_is_read(clock: list[float], encoding: str) -> None:
    """RFC 8259 lets a parser take a BOM (.NET and IIS endpoints send one); Python's json takes it, and UTF-16 and
    -32 too, as the token answer was read until cf2ca6f read it with pydantic-core, which refuses them all: every
    call failed "token endpoint answered without an access_token"."""
    text = '{"access_token": "tok-bom", "expires_in": 3600}'
    tokens = cache()
    tokens.store(httpx.Response(200, content=text.encode(encoding), headers={"Content-Type": "application/json"}))
    assert current(tokens) == "tok-bom"


def test_a_token_answer_nested_past_the_decoders_depth_is_a_typed_error() -> None:
    """A token endpoint answering '[' * 100000 + ']' * 100000 raised json's raw RecursionError, past the token
    cache's failure record. (A local server answers no such thing: a mock.)"""
    from timeback import Timeback
    from timeback.errors import APIResponseValidationError

    def deep(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)
        return httpx.Response(200, json={})

    kwargs = {"client_id": "id", "client_secret": "secret", "base_url": "https://x", "max_retries": 0}
    with Timeback(**kwargs, http_client=httpx.Client(transport=httpx.MockTransport(deep))) as client:
        with pytest.raises(APIResponseValidationError, match="token endpoint answered without an access_token"):
            client.oneroster.gradebook.get_category(sourced_id="any")
        assert client._client._tokens.failures == 1


@pytest.mark.parametrize("expires_in", [10**9, 10**12, "1e30", pytest.param(10**400, id="10**400")])
def test_a_token_that_lives_for_decades_is_taken_and_kept(clock: list[float], expires_in: object) -> None:
    # (``timeback serve --token-ttl 1000000000``, for CI tokens that never expire, was refused: no call could be made)
    tokens = cache()
    tokens.store(httpx.Response(200, json={"access_token": "t1", "expires_in": expires_in}))
    clock[0] += 10**8
    assert current(tokens) == "t1"


async def test_calls_work_against_a_server_whose_tokens_live_for_decades() -> None:
    from timeback import AsyncTimeback, Timeback
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    # (the server's longest, as serve's: 10**12 is refused now, as serve --token-ttl refused it)
    settings = ServerSettings(database="sqlite://", client_id="ci", client_secret="s", token_ttl_seconds=10**9)
    with LocalServer(settings) as server:
        with Timeback(**server.client_kwargs()) as client:
            client.oneroster.gradebook.put_category(sourced_id="c1", category={"title": "t"})
        async with AsyncTimeback(**server.client_kwargs()) as async_client:
            category = await async_client.oneroster.gradebook.get_category(sourced_id="c1")
    assert category.category.title == "t"


@pytest.fixture(scope="module")
def own_server() -> Iterator[LocalServer]:
    """A server of these tests' own: a refusal below counts as a failed login of its client."""
    settings = ServerSettings(database="sqlite://", client_id="outage", client_secret="outage-secret")
    with LocalServer(settings) as running:
        yield running


@pytest.fixture
def sdk_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock of the SDK's token cache, moved on by the test alone. The rest of the SDK and the server keep real
    time: the server takes its tokens for as long as these tests run."""
    now = [1000.0]
    monkeypatch.setattr(auth, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def token_outage(own_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> tuple[list[bool], list[int]]:
    """The server's token endpoint answers 503 while the first item is True, counting those answers in the second;
    its API takes the tokens it issued all the same."""
    from timeback.server.errors import ApiError

    tokens = own_server.app.state.tokens
    issue = tokens.issue
    down, refused = [False], [0]

    def issue_unless_down(client_id: str, scopes: frozenset[str]) -> str:
        if down[0]:
            refused[0] += 1
            raise ApiError(503, "the token service is down")
        return issue(client_id, scopes)

    monkeypatch.setattr(tokens, "issue", issue_unless_down)
    return down, refused


@pytest.fixture(params=["sync", "async"])
async def call(own_server: LocalServer, request: pytest.FixtureRequest) -> Any:
    """A call through a sync ``Timeback`` (in a thread) or an ``AsyncTimeback``, no retries."""
    if request.param == "sync":
        with Timeback(**own_server.client_kwargs(), max_retries=0) as client:
            yield lambda: asyncio.to_thread(client.oneroster.gradebook.get_all_categories, limit=1)
    else:
        async with AsyncTimeback(**own_server.client_kwargs(), max_retries=0) as async_client:
            yield lambda: async_client.oneroster.gradebook.get_all_categories(limit=1)


async def test_calls_go_on_with_the_token_held_through_a_token_endpoint_outage(
    call: Any, token_outage: tuple[list[bool], list[int]], sdk_clock: list[float]
) -> None:
    """The token endpoint down from the refresh point, the server taking the token held for a minute more: every
    call failed (after its token request's retries) until the endpoint came back. The calls use the token held now,
    one refresh tried per pause, and the refresh's error is raised once the token is too near its expiry."""
    down, refused = token_outage
    await call()
    down[0] = True
    sdk_clock[0] += 3600 - 30  # (past the refresh point, 60 s before expiry)
    for _ in range(3):
        await call()
    assert refused[0] == 1  # (then refreshes pause: the calls are not each held up by a try)
    sdk_clock[0] += auth.REFRESH_PAUSE_SECONDS
    await call()
    assert refused[0] == 2
    sdk_clock[0] += 30  # (past the token's expiry, less the margin)
    with pytest.raises(ServerError, match="503"):
        await call()
    assert refused[0] == 3
    down[0] = False
    await call()


async def test_a_refused_refresh_raises_auth_error_though_a_token_is_held(
    call: Any, own_server: LocalServer, sdk_clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    await call()
    monkeypatch.setattr(own_server.app.state.clients, "verify", lambda client_id, secret: None)  # (secret rotated)
    sdk_clock[0] += 3600 - 30
    with pytest.raises(AuthError, match="refused the client credentials"):
        await call()


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_bulk_upload_through_a_token_endpoint_outage_stores_everything(
    own_server: LocalServer, token_outage: tuple[list[bool], list[int]], sdk_clock: list[float], kind: str
) -> None:
    """The token endpoint down from the refresh point on, mid-upload: the batches after it failed on the refresh's
    error (37 of 100, sync; 24, async), though the server still took the token held. They go with it now."""
    down, refused = token_outage
    with Timeback(**own_server.client_kwargs()) as setup:
        roster = make_roster(setup)
        students = add_students(setup, roster, 10)
        line_items = add_line_items(setup, roster, 10)
    rows = [result_body(line_item, student, uid("result")) for line_item in line_items for student in students]

    def outage_midway() -> Iterator[dict[str, object]]:
        for number, row in enumerate(rows):
            if number == 30:
                down[0] = True
                sdk_clock[0] += 3600 - 30
            yield row

    options: dict[str, Any] = {"batch_size": 10, "concurrency": 4}
    if kind == "sync":
        with Timeback(**own_server.client_kwargs()) as client:
            client.oneroster.gradebook.get_all_categories(limit=1)  # (its token, before the upload reads ahead)
            summary = client.oneroster.gradebook.bulk_post_results(outage_midway(), **options)
    else:
        async with AsyncTimeback(**own_server.client_kwargs()) as async_client:
            await async_client.oneroster.gradebook.get_all_categories(limit=1)
            summary = await async_client.oneroster.gradebook.bulk_post_results(outage_midway(), **options)
    assert (summary.stored, summary.failed) == (100, 0), summary.failures
    assert refused[0] == 3  # (one refresh, through its 2 retries, for every batch after it)


def token_answers(own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, status: int, **headers: str) -> list[int]:
    """The server's token endpoint answers ``status`` (with ``headers``), counting those answers; its API takes the
    tokens it issued all the same."""
    from timeback.server.errors import ApiError

    answered = [0]

    def fail(client_id: str, scopes: frozenset[str]) -> str:
        answered[0] += 1
        raise ApiError(status, "the token service is down", headers=headers)

    monkeypatch.setattr(own_server.app.state.tokens, "issue", fail)
    return answered


def call_and_tokens(server: LocalServer, kind: str, **options: Any) -> Any:
    """As ``calls`` (sync or async), yielding the call and its client's token cache."""
    import contextlib

    @contextlib.asynccontextmanager
    async def made() -> Any:
        if kind == "sync":
            with Timeback(**server.client_kwargs(), **options) as client:
                yield (lambda: asyncio.to_thread(client.oneroster.gradebook.get_all_categories, limit=1),
                       client._client._tokens)  # fmt: skip
        else:
            async with AsyncTimeback(**server.client_kwargs(), **options) as async_client:
                yield lambda: async_client.oneroster.gradebook.get_all_categories(limit=1), async_client._client._tokens

    return made()


def calls(own_server: LocalServer, kind: str, **options: Any) -> Any:
    """``call`` with the client's ``options``, as an async context manager yielding the call (``kind`` "aiohttp":
    an ``AsyncTimeback`` on ``DefaultAioHttpClient``)."""
    import contextlib

    @contextlib.asynccontextmanager
    async def made() -> Any:
        if kind == "sync":
            with Timeback(**own_server.client_kwargs(), **options) as client:
                yield lambda: asyncio.to_thread(client.oneroster.gradebook.get_all_categories, limit=1)
        else:
            if kind == "aiohttp":
                options["http_client"] = DefaultAioHttpClient()
            async with AsyncTimeback(**own_server.client_kwargs(), **options) as async_client:
                yield lambda: async_client.oneroster.gradebook.get_all_categories(limit=1)

    return made()


async def test_a_revoked_token_held_through_an_outage_is_not_used_again(
    call: Any, own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float]
) -> None:
    """The token held in use while refreshes fail, the server revokes it: the 401 drops it, and the call raises
    the refresh's error rather than send it again; the next call asks again."""
    await call()
    refused = token_answers(own_server, monkeypatch, 503)
    sdk_clock[0] += 3600 - 30
    await call()  # (the refresh failed: the token held is used, refreshes paused)
    assert refused[0] == 1
    monkeypatch.setattr(own_server.app.state.tokens, "check", lambda token: None)  # (every token revoked)
    with pytest.raises(ServerError, match="503"):
        await call()
    assert refused[0] == 2
    with pytest.raises(ServerError, match="503"):
        await call()
    assert refused[0] == 3


async def test_a_refresh_pause_lasts_as_long_as_the_token_endpoint_asks(
    call: Any, own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float]
) -> None:
    """A 429 asking for 120 s still had a token request every 5 s; now the pause lasts as asked, up to half the life
    the token held has left (here 27 s)."""
    await call()
    refused = token_answers(own_server, monkeypatch, 429, **{"Retry-After": "120"})
    sdk_clock[0] += 3600 - 59  # (54 s of use left)
    await call()
    assert refused[0] == 1
    sdk_clock[0] += 26
    await call()
    assert refused[0] == 1
    sdk_clock[0] += 2
    await call()
    assert refused[0] == 2


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_call_whose_deadline_a_failing_refresh_would_pass_goes_on_with_the_token_held(
    own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float], kind: str
) -> None:
    """The token endpoint asking for a wait past the call's deadline (a slow one: the same) raised its error,
    though the token held had most of a minute left, and every call after asked again. The call goes on with the
    token held now, and the calls after it too, refreshes paused."""
    async with calls(own_server, kind, max_retries=2, deadline=10) as call:
        await call()
        refused = token_answers(own_server, monkeypatch, 503, **{"Retry-After": "30"})
        sdk_clock[0] += 3600 - 30
        await call()
        await call()
    assert refused[0] == 1


async def test_a_loop_stopped_in_a_refresh_does_not_keep_other_loops_from_refreshing(
    own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float]
) -> None:
    """A loop stopped (not closed) while its task refreshed keeps the cross-loop lock for good: the calls of other
    loops took it as a refresh under way and used the token held, no refresh tried, to its expiry. They refresh."""
    import threading

    tokens = own_server.app.state.tokens
    issue, asked, answer, issued = tokens.issue, threading.Event(), threading.Event(), [0]

    def slow_issue(client_id: str, scopes: frozenset[str]) -> str:
        issued[0] += 1
        if issued[0] == 1:  # (the stopped loop's)
            asked.set()
            answer.wait(30)
        return issue(client_id, scopes)

    other = asyncio.new_event_loop()
    runner = threading.Thread(target=other.run_forever, daemon=True)
    async with AsyncTimeback(**own_server.client_kwargs()) as client:

        async def call() -> None:
            await client.oneroster.gradebook.get_all_categories(limit=1)

        await call()
        monkeypatch.setattr(tokens, "issue", slow_issue)
        sdk_clock[0] += 3600 - 50  # (past the refresh point, the token held good for 40 s more)
        runner.start()
        try:
            asyncio.run_coroutine_threadsafe(call(), other)
            assert await asyncio.to_thread(asked.wait, 30)
            other.call_soon_threadsafe(other.stop)
            await asyncio.to_thread(runner.join, 30)
            await call()
            assert issued[0] == 2
        finally:
            answer.set()
            if runner.is_alive():  # (stopped already, unless the test failed before)
                other.call_soon_threadsafe(other.stop)
                runner.join(30)
            # The stopped loop's call, left pending, run to its end, then the loop shut down as asyncio.run does (the
            # SDK's http client of that loop closed as it shuts down): closed under them, the task was destroyed
            # pending and its connection left to the collector (printed after the session).
            leftover = asyncio.all_tasks(other)

            def finish() -> None:
                other.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
                other.run_until_complete(other.shutdown_asyncgens())

            finisher = threading.Thread(target=finish, daemon=True)
            finisher.start()
            await asyncio.to_thread(finisher.join, 30)
            other.close()


def categories_sender(kind: str, client: Timeback, async_client: AsyncTimeback, url: str) -> Any:
    """An ``async`` function sending a GET of the categories through the engine with the options it is given (the
    token flow's bounds in play), from a thread for ``Timeback`` (``kind`` "sync"), else on ``AsyncTimeback``."""
    inner = client._client if kind == "sync" else async_client._client
    request = inner._http_request("GET", f"{url}/ims/oneroster/gradebook/v1p2/categories")

    async def send(options: CallOptions) -> Any:
        return await (asyncio.to_thread(client._client.send, request, options) if kind == "sync"
                      else async_client._client.send(request, options))  # fmt: skip

    return send


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_stopped_call_whose_refresh_fails_ends_unsent_though_a_token_is_held(
    own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float], kind: str
) -> None:
    """A call stopped while its refresh waited to retry (``bulk_post_results``' batches once the upload stops) went
    on with the token held: its request was sent. It ends on the refresh's error now, unsent."""
    import threading

    tokens = own_server.app.state.tokens
    check, checked = tokens.check, [0]

    def counted_check(token: str) -> Any:
        checked[0] += 1
        return check(token)

    stopped = threading.Event()
    stopped.set()
    with Timeback(**own_server.client_kwargs(), max_retries=2) as client:
        async with AsyncTimeback(**own_server.client_kwargs(), max_retries=2) as async_client:
            send = categories_sender(kind, client, async_client, own_server.url)

            await send(CallOptions())  # (its token)
            refused = token_answers(own_server, monkeypatch, 503)
            monkeypatch.setattr(tokens, "check", counted_check)
            sdk_clock[0] += 3600 - 30  # (past the refresh point, the token held good for a minute more)
            with pytest.raises(ServerError, match="not retried: the call was stopped"):
                await send(CallOptions(stop=stopped))
    assert (refused[0], checked[0]) == (1, 0)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_calls_go_on_with_the_token_held_while_another_refreshes(
    own_server: LocalServer, sdk_clock: list[float], kind: str
) -> None:
    """A call arriving during another's refresh waited for it, to its own deadline, the token held good for tens of
    seconds more. It uses that token now."""
    async with calls(own_server, kind, deadline=20) as call:
        await call()
        with token_answers_held(own_server) as held:
            sdk_clock[0] += 3600 - 30
            refreshing = asyncio.ensure_future(call())
            try:
                assert await asyncio.to_thread(held.asked.wait, 30)
                await call()  # (without the token held, it waited for the refresh, past its deadline)
                assert not refreshing.done()
            finally:
                held.release()
                await refreshing


# Seconds the tokens of ``short_token_server`` live: refreshed at half-life (3 s), used until 5.4 s, their refresh then
# bounded by nine tenths of what is left (at most 2.2 s).
SHORT_TTL = 6


@pytest.fixture(scope="module")
def short_token_server() -> Iterator[LocalServer]:
    settings = ServerSettings(database="sqlite://", client_id="short", client_secret="short-secret",
                              token_ttl_seconds=SHORT_TTL)  # fmt: skip
    with LocalServer(settings) as running:
        yield running


@pytest.mark.parametrize("kind", ["sync", "async", "aiohttp"])
async def test_a_refresh_from_a_hung_token_endpoint_ends_while_the_token_held_lives(
    short_token_server: LocalServer, kind: str
) -> None:
    """The token endpoint hung past the refresh point: the call refreshing waited out its timeout and retries (60 s
    each, by default), the token held expiring meanwhile, then raised the refresh's timeout (and every call after
    that expiry waited behind it). The refresh ends within the bound (here nine tenths of the 2.2 s the token held
    has left), unretried here, and the call goes on with that token."""
    async with calls(short_token_server, kind, timeout=4, max_retries=1) as call:  # (4 s: past the token's life)
        await call()
        with token_answers_held(short_token_server) as held:
            await asyncio.sleep(SHORT_TTL / 2 + 0.2)  # (past the refresh point)
            await call()
            assert held.count == 1


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_refresh_in_the_last_seconds_of_the_token_held_waits_for_a_slow_endpoint(
    own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float], kind: str
) -> None:
    """The token held usable 6 s more, the endpoint answering in 4.2 s: the refresh given half of that life (3 s) was
    cut, the call going on with the token held, and each next refresh given half of what was left, until the token
    expired and every call waited behind an unbounded one. Given nearly all of a short life, it comes through."""
    import time

    tokens = own_server.app.state.tokens
    issue, issued = tokens.issue, []

    def slow_issue(client_id: str, scopes: frozenset[str]) -> str:
        time.sleep(4.2)
        token = issue(client_id, scopes)
        issued.append(token)
        return token

    async with call_and_tokens(own_server, kind, timeout=20, max_retries=0) as (call, held):
        await call()
        monkeypatch.setattr(tokens, "issue", slow_issue)
        sdk_clock[0] += 3600 - auth.EXPIRY_MARGIN_SECONDS - 6  # (past the refresh point: usable 6 s more)
        await call()
        token = held.usable()
        assert token is not None and issued == [token.value]  # (cut, it held the first token still)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_bounded_refresh_answered_with_a_wait_past_it_asks_again_after_that_wait(
    own_server: LocalServer, monkeypatch: pytest.MonkeyPatch, sdk_clock: list[float], kind: str
) -> None:
    """The refresh bounded (the token held usable 4 s more), its answer a 429 asking for 5 s, the token held dropped
    meanwhile (another call's 401): asked again at once, into the endpoint that had asked for a wait. It waits."""
    import time

    from timeback.server.errors import ApiError

    tokens = own_server.app.state.tokens
    issue, asked = tokens.issue, []
    async with call_and_tokens(own_server, kind, timeout=20, max_retries=2) as (call, held):

        def answering(client_id: str, scopes: frozenset[str]) -> str:
            asked.append(time.monotonic())
            if len(asked) == 1:
                held.invalidate(held.usable())  # (another call's 401 meanwhile)
                raise ApiError(429, "slow down", headers={"Retry-After": "5"})
            return issue(client_id, scopes)

        await call()
        monkeypatch.setattr(tokens, "issue", answering)
        sdk_clock[0] += 3600 - auth.EXPIRY_MARGIN_SECONDS - 4  # (past the refresh point: usable 4 s more)
        await call()
        assert len(asked) == 2 and asked[1] - asked[0] >= 4.5  # (5 s; before, 0.0)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_bounded_refresh_asks_again_when_the_token_held_is_revoked_meanwhile(
    short_token_server: LocalServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A refresh the bound ended, the token held dropped meanwhile by another call's 401 (revoked): the token held
    gone, the refresh asks again with its call's own timeout and retries, as with no token held, rather than raise
    the bound's timeout. (Unbounded, with no retries, the refresh raised its timeout, shared by the call waiting.)"""
    tokens = short_token_server.app.state.tokens
    issue, check, issued, revoked = tokens.issue, tokens.check, [], set()
    hang, asked, release = [False], threading.Event(), threading.Event()

    def issuing(client_id: str, scopes: frozenset[str]) -> str:
        if hang[0]:  # (the first request once asked to: unanswered until released)
            hang[0] = False
            asked.set()
            release.wait(30)
        token = issue(client_id, scopes)
        issued.append(token)
        return token

    monkeypatch.setattr(tokens, "issue", issuing)
    monkeypatch.setattr(tokens, "check", lambda token: None if token in revoked else check(token))
    async with calls(short_token_server, kind, timeout=4, max_retries=0) as call:
        await call()
        hang[0] = True
        await asyncio.sleep(SHORT_TTL / 2 + 0.2)  # (past the refresh point)
        refreshing = asyncio.ensure_future(call())
        try:
            assert await asyncio.to_thread(asked.wait, 30)
            revoked.update(issued)
            await call()  # (the token held: a 401, dropped; then it waits for the refresh)
            await refreshing
            assert len(issued) == 2  # (the first token, and the refresh's asked again; the hung one unanswered)
        finally:
            release.set()
            await asyncio.wait([refreshing])


def test_a_bounded_refresh_that_waited_for_a_pooled_connection_pauses_refreshes() -> None:
    """The refresh bounded by the token held's life met the bound waiting for a free pooled connection (a full pool:
    a transport's ``PoolTimeout``, which a server cannot answer): the call went on with the token held, but no
    pause was noted, so the next call asked again at once and waited as long. It goes on with the token now."""
    import time

    asked = [0]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            asked[0] += 1
            if asked[0] > 1:  # (the refresh: the pool full until its timeout, the bound's time left)
                time.sleep(request.extensions["timeout"]["pool"])
                raise httpx.PoolTimeout("no connection free", request=request)
            return httpx.Response(200, json={"access_token": "t1", "expires_in": 3600})
        return httpx.Response(200, json={"category": {"sourcedId": "c", "title": "t", "status": "active",
                                                      "dateLastModified": "2026-01-01T00:00:00Z"}})  # fmt: skip

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with Timeback(client_id="id", client_secret="secret", base_url="http://127.0.0.1:9", http_client=http,
                  max_retries=0) as client:  # fmt: skip
        client.oneroster.gradebook.get_category(sourced_id="c")
        held = client._client._tokens.usable()
        assert held is not None
        held.refresh_at, held.expires_at = 0.0, time.monotonic() + 2  # (past its refresh point, 2 s left)
        client.oneroster.gradebook.get_category(sourced_id="c")  # (the refresh cut at the bound: the token held)
        client.oneroster.gradebook.get_category(sourced_id="c")
    assert asked[0] == 2  # (3 before: the second call's refresh)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("cut", ["waiting for a pooled connection", "waiting for the answer"])
@pytest.mark.parametrize("max_retries", [None, 0])
async def test_a_stopped_calls_refresh_cut_at_its_bound_names_the_bound_not_a_deadline(
    own_server: LocalServer,
    sdk_clock: list[float],
    caplog: pytest.LogCaptureFixture,
    kind: str,
    cut: str,
    max_retries: int | None,
) -> None:
    """A call stopped (``bulk_post_results``' batches once the upload stops) whose refresh its bound cut (the token
    held usable 1 s more) ends on that refresh's error, which spoke of a deadline the call did not have: "deadline of
    0.9s passed" (waiting for the one pooled connection, another client's token request held on it); the answer held,
    "...; not retried: the wait before the next attempt would pass the call's deadline" (async, after "the deadline
    passed before the answer came"), its DEBUG line "no time left before the deadline". It names the refresh's bound,
    the sync client's as the async one's: with no retries left, the sync one's said "ReadTimeout after 0.9 s", the
    read's timeout capped at the bound."""
    from timeback import DefaultAsyncHttpxClient, DefaultHttpxClient

    stopped = threading.Event()
    stopped.set()
    kwargs, one = own_server.client_kwargs(), httpx.Limits(max_connections=1)
    http, async_http = DefaultHttpxClient(limits=one), DefaultAsyncHttpxClient(limits=one)
    with Timeback(**kwargs, http_client=http) as client, Timeback(**kwargs, http_client=http, max_retries=0) as other:
        async with (
            AsyncTimeback(**kwargs, http_client=async_http) as async_client,
            AsyncTimeback(**kwargs, http_client=async_http, max_retries=0) as async_other,
        ):
            send = categories_sender(kind, client, async_client, own_server.url)

            async def other_call() -> Any:
                return await (asyncio.to_thread(other.oneroster.gradebook.get_all_categories, limit=1) if kind == "sync"
                              else async_other.oneroster.gradebook.get_all_categories(limit=1))  # fmt: skip

            await send(CallOptions())  # (its token)
            caplog.set_level("DEBUG", logger="timeback")
            with token_answers_held(own_server) as held:
                waiting = None
                if cut == "waiting for a pooled connection":
                    waiting = asyncio.ensure_future(other_call())  # (its first token request, held on the connection)
                    assert await asyncio.to_thread(held.asked.wait, 30)
                sdk_clock[0] += 3600 - auth.EXPIRY_MARGIN_SECONDS - 1  # (past the refresh point: usable 1 s more)
                try:
                    with pytest.raises(APITimeoutError) as raised:
                        await send(CallOptions(max_retries=max_retries, stop=stopped))
                finally:
                    held.release()
                    if waiting is not None:
                        await waiting
    import timeback._base_client as engine

    said = f"{raised.value} (not sent: {raised.value._not_sent})"
    assert "the token refresh's bound" in said and "deadline" not in said, said
    # (nor the errors of the SDK's own under it: AsyncTimeback's "no time left before the deadline", "the deadline
    # passed before the answer came")
    assert not any("deadline" in str(seen) for seen in engine._causes(raised.value)), list(engine._causes(raised.value))
    if cut == "waiting for the answer":
        assert str(raised.value).startswith(
            "request timed out: the token refresh's bound passed before the answer came"
        )
        if max_retries is None:
            assert "no time left within the token refresh's bound" in caplog.text, caplog.text
    assert "deadline" not in caplog.text, caplog.text


def test_a_timeout_capped_at_a_refresh_bound_is_named_as_the_bound_passing() -> None:
    """What a timeout of a refresh bounded by the token held's life says (the texts alone: tests/test_deadline.py
    has answers held, cut and trickled): a phase's timeout capped at what was left of the bound ran out as it
    passed, "before the answer came", or "while" once the answer's head came (as ``AsyncTimeback``'s timer says);
    one the client's own timeout ended names that. One capped at a call's deadline is named as the bound is."""
    import timeback._base_client as engine
    from timeback._deadline import _deadline_cut, _past, _timed_out

    timeout = {"connect": 0.9, "read": 0.9, "write": 0.5, "pool": 0.9}  # (the client's write timeout 0.5 s)
    request = httpx.Request("POST", "http://127.0.0.1:9/oauth2/token", extensions={"timeout": timeout})
    cut = httpx.ReadTimeout("timed out", request=request)
    engine.answer_cut_short(cut, httpx.Response(200, request=request))
    bound = engine.REFRESH_BOUND

    def said(exc: Exception, limit: str | None = bound) -> str:
        return _timed_out(request, exc, limit, 0.9)

    assert said(httpx.ReadTimeout("timed out", request=request)) == f"{bound} passed before the answer came"
    assert said(cut) == f"{bound} passed while the answer came"
    assert said(httpx.WriteTimeout("timed out", request=request)) == "WriteTimeout after 0.5 s"
    reading = _past(bound, reading=True)  # (_ReadBy's, _sent_by's, marked as theirs)
    assert said(_deadline_cut(httpx.ReadTimeout(reading, request=request))) == f"{bound} passed while the answer came"
    before = _deadline_cut(httpx.TimeoutException(_past(bound, reading=False)))
    assert said(before) == f"{bound} passed before the answer came"
    assert said(cut, None) == "the deadline passed while the answer came"
    assert said(_deadline_cut(httpx.TimeoutException(_past(None, reading=False))), None) == (
        "the deadline passed before the answer came"
    )


@pytest.mark.parametrize(
    ("client_id", "client_secret", "said"),
    [
        (CLIENT_ID, CLIENT_SECRET + "\n", "the client secret given begins or ends with whitespace"),
        (" " + CLIENT_ID, CLIENT_SECRET, "the client id given begins or ends with whitespace"),
        (
            CLIENT_ID + "\t",
            " " + CLIENT_SECRET,
            "the client id and the client secret given begin or end with whitespace",
        ),
        (CLIENT_ID, "not-the-secret", None),
    ],
)
def test_credentials_refused_say_when_they_begin_or_end_with_whitespace(
    server: LocalServer, client_id: str, client_secret: str, said: str | None
) -> None:
    """A secret copied with its newline (a secrets file's last line) was refused as any wrong secret: the error now
    says so, without showing it; the credentials are sent as given (OAuth allows spaces in both)."""
    with Timeback(base_url=server.url, client_id=client_id, client_secret=client_secret) as client:
        with pytest.raises(AuthError, match="token endpoint refused the client credentials") as refused:
            client.oneroster.gradebook.get_all_categories(limit=1)
    message = str(refused.value)
    assert (said in message) if said else ("whitespace" not in message), message
    assert CLIENT_SECRET not in message and "not-the-secret" not in message
