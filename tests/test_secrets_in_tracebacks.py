"""What an error reporter records of a failed call holds neither the bearer token nor the client secret.

Sentry (``include_local_variables``, on by default), rich's ``show_locals``, pytest's ``--showlocals`` and
``traceback.TracebackException(capture_locals=True)`` record the local variables of every frame of an exception's
traceback, and of its ``__cause__`` and ``__context__``: strings as they are, containers item by item, any other
object by its ``repr``. Each test makes a call fail against the real server in one of the usual ways and looks for
the token and the secret in all of that.
"""

from __future__ import annotations

import base64
import html
import json
import re
import socket
import subprocess
import sys
import traceback
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from tests.support import AsyncFromSync, Forwarding, result_body, uid
from timeback import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncTimeback,
    AuthError,
    ConfigurationError,
    DefaultAioHttpClient,
    NotFoundError,
    PermissionDeniedError,
    Timeback,
)
from timeback.errors import RequestError, UnprocessableEntityError
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"


def recorded(error: BaseException) -> list[tuple[str, str]]:
    """What a locals-capturing reporter records of ``error``, each with where it was found: its message and repr,
    and every local of every frame of its traceback, and so on down its ``__cause__`` and ``__context__``. Frames
    of this file (the test's own, which hold the credentials it checks for) are left out."""
    out: list[tuple[str, str]] = []
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        out += [(type(exc).__name__, repr(exc)), (type(exc).__name__, str(exc))]
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename != __file__:
                for name, value in tb.tb_frame.f_locals.items():
                    where = f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}:{name}"
                    out += [(where, text) for text in [name, *_values(value, 0)]]
            tb = tb.tb_next
        pending += [e for e in (exc.__cause__, exc.__context__) if e is not None]
    return out


def _values(value: Any, depth: int) -> list[str]:
    if isinstance(value, str):
        return [value]
    if depth < 4 and isinstance(value, dict):
        return [s for k, v in list(value.items())[:100] for s in _values(k, depth + 1) + _values(v, depth + 1)]
    if depth < 4 and isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in list(value)[:100] for s in _values(item, depth + 1)]
    try:
        return [repr(value)]
    except Exception as exc:  # (a repr that fails: a reporter records that it failed)
        return [type(exc).__name__]


def assert_holds_no_credentials(error: BaseException, *secrets: str) -> None:
    forms = set(secrets)
    for secret in secrets:  # (the secret as it travels: form-encoded, in a Basic header)
        forms |= {quote(secret, safe=""), base64.b64encode(secret.encode()).decode()}
    leaks = sorted({where for where, text in recorded(error) for secret in forms if secret in text})
    assert not leaks, leaks
    captured = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    for secret in forms:
        assert secret not in captured, secret


def without_own_frames(error: BaseException) -> BaseException:
    """``error`` with the frames of this file cut from the head of its traceback (a test's locals are its own)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return error.with_traceback(tb)


def failure(call: Callable[[], Any], expected: type[BaseException]) -> BaseException:
    with pytest.raises(expected) as caught:
        call()
    return without_own_frames(caught.value)


async def async_failure(call: Callable[[], Awaitable[Any]], expected: type[BaseException]) -> BaseException:
    with pytest.raises(expected) as caught:
        await call()
    return without_own_frames(caught.value)


class Credentials:
    def __init__(self, server: LocalServer, scopes: str | None = None) -> None:
        # (no character quote() would change: the forms looked for are then the secret's own)
        self.client_id, self.secret = uid("tracebacks"), "s3cret-" + uid("never-recorded")
        server.app.state.clients.add(self.client_id, self.secret, scopes)
        self.url = server.url

    def kwargs(self, **overrides: Any) -> dict[str, Any]:
        return {"base_url": self.url, "client_id": self.client_id, "client_secret": self.secret,
                "max_retries": 0, **overrides}  # fmt: skip


@pytest.fixture
def creds(server: LocalServer) -> Credentials:
    return Credentials(server)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback URL nothing listens on (bound, not listening: connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def token_of(client: Timeback | AsyncTimeback) -> str:
    """The bearer token the client holds (read here only, to look for it)."""
    token = client._client._tokens._token
    assert token is not None
    return str(token.value)


class Garbling(Forwarding):
    """Forwards to the server; a GET's answer comes back as JSON the SDK's models refuse."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method != "GET":
            return response
        response.read()
        return httpx.Response(200, json={"category": {"sourcedId": 5}})


class TokenExpiringSoon(Forwarding):
    """Forwards to the server; a token's answer comes back with an ``expires_in`` that is no number of seconds."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if not request.url.path.endswith("/oauth2/token"):
            return response
        body = json.loads(response.read())
        self.answered = body["access_token"]  # (read here only, to look for it)
        return httpx.Response(200, json={**body, "expires_in": "soon"})


def test_a_404_422_and_bad_answer_record_neither_token_nor_secret(creds: Credentials) -> None:
    with Timeback(**creds.kwargs()) as client:
        gradebook = client.oneroster.gradebook
        missing = failure(lambda: gradebook.get_category(sourced_id=uid("missing")), NotFoundError)
        unprocessable = failure(
            lambda: client.request("PUT", f"{GB}/categories/{uid('c')}", json={"category": {"title": 5}}),
            UnprocessableEntityError,
        )
        token = token_of(client)
    with Timeback(**creds.kwargs(), http_client=httpx.Client(transport=Garbling())) as client:
        bad = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), APIResponseValidationError)
        garbled_token = token_of(client)
    for error in (missing, unprocessable):
        assert_holds_no_credentials(error, token, creds.secret)
    assert_holds_no_credentials(bad, garbled_token, creds.secret)


def test_a_refused_connection_records_neither_token_nor_secret(creds: Credentials, refused_url: str) -> None:
    # The token comes from the server; the call goes to a port nothing listens on.
    kwargs = creds.kwargs(base_url=refused_url, token_url=f"{creds.url}/oauth2/token")
    with Timeback(**kwargs) as client:
        refused = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), APIConnectionError)
        token = token_of(client)
    with Timeback(**creds.kwargs(base_url=refused_url)) as client:  # (the token request itself refused)
        at_token = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), APIConnectionError)
    assert_holds_no_credentials(refused, token, creds.secret)
    assert_holds_no_credentials(at_token, creds.secret)


@pytest.mark.parametrize("where", ["token", "call"])
def test_a_cut_connection_records_neither_token_nor_secret(server: LocalServer, creds: Credentials, where: str) -> None:
    settings = ServerSettings(faults="close=1")
    with LocalServer(settings, storage=server.app.state.storage) as faulty:
        faulty.app.state.clients.add(creds.client_id, creds.secret)
        kwargs = creds.kwargs(base_url=faulty.url)
        if where == "call":  # (the token from the server that does not cut: the call's connection is cut)
            kwargs["token_url"] = f"{creds.url}/oauth2/token"
        with Timeback(**kwargs) as client:
            cut = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), APIConnectionError)
            token = token_of(client) if where == "call" else creds.secret
    assert_holds_no_credentials(cut, token, creds.secret)


def test_a_wrong_secret_and_a_bad_token_answer_record_no_secret(creds: Credentials) -> None:
    with Timeback(**creds.kwargs(client_secret=creds.secret + "-wrong")) as client:
        refused = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), AuthError)
    assert_holds_no_credentials(refused, creds.secret, creds.secret + "-wrong")
    transport = TokenExpiringSoon()
    with Timeback(**creds.kwargs(), http_client=httpx.Client(transport=transport)) as client:
        bad = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), APIResponseValidationError)
    assert_holds_no_credentials(bad, transport.answered, creds.secret)
    assert not [where for where, text in recorded(bad) if "access_token" in text and "without" not in text]


def test_a_bulk_upload_that_raises_records_neither_token_nor_secret(server: LocalServer) -> None:
    # A client that may only read: its first batch is refused (403), which ends the upload, raised.
    reader = Credentials(server, scopes="gradebook.readonly")
    rows = [result_body(uid("li"), uid("student")) for _ in range(2)]
    with Timeback(**reader.kwargs()) as client:
        forbidden = failure(lambda: client.oneroster.gradebook.bulk_post_results(rows), PermissionDeniedError)
        token = token_of(client)
    with Timeback(**reader.kwargs(client_secret=reader.secret + "-wrong")) as client:
        refused = failure(lambda: client.oneroster.gradebook.bulk_post_results(rows), AuthError)
    assert_holds_no_credentials(forbidden, token, reader.secret)
    assert_holds_no_credentials(refused, reader.secret)


def async_clients(kind: str, **kwargs: Any) -> AsyncTimeback:
    http_client = DefaultAioHttpClient() if kind == "aiohttp" else None
    return AsyncTimeback(**kwargs, http_client=http_client)


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_async_failures_record_neither_token_nor_secret(
    server: LocalServer, creds: Credentials, refused_url: str, kind: str
) -> None:
    async with async_clients(kind, **creds.kwargs()) as client:
        gradebook = client.oneroster.gradebook
        missing = await async_failure(lambda: gradebook.get_category(sourced_id=uid("missing")), NotFoundError)
        unprocessable = await async_failure(
            lambda: client.request("PUT", f"{GB}/categories/{uid('c')}", json={"category": {"title": 5}}),
            UnprocessableEntityError,
        )
        token = token_of(client)
    kwargs = creds.kwargs(base_url=refused_url, token_url=f"{creds.url}/oauth2/token")
    async with async_clients(kind, **kwargs) as client:
        refused = await async_failure(
            lambda: client.oneroster.gradebook.get_category(sourced_id="a"), APIConnectionError
        )
        refused_token = token_of(client)
    async with async_clients(kind, **creds.kwargs(base_url=refused_url)) as client:
        at_token = await async_failure(
            lambda: client.oneroster.gradebook.get_category(sourced_id="a"), APIConnectionError
        )
    async with async_clients(kind, **creds.kwargs(client_secret=creds.secret + "-wrong")) as client:
        wrong = await async_failure(lambda: client.oneroster.gradebook.get_category(sourced_id="a"), AuthError)
    for error in (missing, unprocessable):
        assert_holds_no_credentials(error, token, creds.secret)
    assert_holds_no_credentials(refused, refused_token, creds.secret)
    for error in (at_token, wrong):
        assert_holds_no_credentials(error, creds.secret)

    settings = ServerSettings(faults="close=1")
    with LocalServer(settings, storage=server.app.state.storage) as faulty:
        faulty.app.state.clients.add(creds.client_id, creds.secret)
        kwargs = creds.kwargs(base_url=faulty.url, token_url=f"{creds.url}/oauth2/token")
        async with async_clients(kind, **kwargs) as client:
            cut = await async_failure(
                lambda: client.oneroster.gradebook.get_category(sourced_id="a"), APIConnectionError
            )
            cut_token = token_of(client)
    assert_holds_no_credentials(cut, cut_token, creds.secret)


async def test_async_bad_answers_and_bulk_record_neither_token_nor_secret(server: LocalServer) -> None:
    creds = Credentials(server)
    transport = AsyncFromSync(Garbling())
    async with AsyncTimeback(**creds.kwargs(), http_client=httpx.AsyncClient(transport=transport)) as client:
        bad = await async_failure(
            lambda: client.oneroster.gradebook.get_category(sourced_id="a"), APIResponseValidationError
        )
        token = token_of(client)
    assert_holds_no_credentials(bad, token, creds.secret)
    reader = Credentials(server, scopes="gradebook.readonly")
    rows = [result_body(uid("li"), uid("student")) for _ in range(2)]
    async with AsyncTimeback(**reader.kwargs()) as client:
        forbidden = await async_failure(
            lambda: client.oneroster.gradebook.bulk_post_results(rows), PermissionDeniedError
        )
        reader_token = token_of(client)
    assert_holds_no_credentials(forbidden, reader_token, reader.secret)


@pytest.mark.parametrize("client_class", [Timeback, AsyncTimeback])
def test_a_configuration_error_can_be_reported_with_locals(client_class: type[Timeback | AsyncTimeback]) -> None:
    """The client half made, a local of its ``__init__``, has a repr: ``TracebackException(capture_locals=True)``
    called it and failed with an AttributeError of its own in place of reporting the ConfigurationError."""
    error = failure(lambda: client_class(client_id="i", client_secret="s", base_url="ftp://x"), ConfigurationError)
    captured = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    assert "base_url must be an http:// or https:// URL" in captured


@pytest.mark.parametrize("client_class", [Timeback, AsyncTimeback])
@pytest.mark.parametrize("given", ["argument", "environment"])
@pytest.mark.parametrize(
    "where",
    [
        {"base_url": "ftp://x"},  # (refused URL)
        {"base_url": "http://timeback.example"},  # (plain http off this machine)
        {"environment": "moon"},
        {"timeout": -1},
        {},  # (nowhere to send: TIMEBACK_ENVIRONMENT missing)
    ],
)
def test_a_configuration_error_records_no_secret_and_no_environment(
    monkeypatch: pytest.MonkeyPatch, client_class: type[Timeback | AsyncTimeback], given: str, where: dict[str, Any]
) -> None:
    """Misconfiguration is the error a deployment meets first, and reporters send it with its frames' locals: the
    secret given (as an argument, or in TIMEBACK_CLIENT_SECRET) is in none of them, nor is the process's environment
    (``os.environ`` held as a local shows every variable in its repr: an application's own secrets too)."""
    secret, other = "s3cret-" + uid("config"), "app-password-" + uid("env")
    for name in ("TIMEBACK_ENVIRONMENT", "TIMEBACK_BASE_URL", "TIMEBACK_TOKEN_URL", "TIMEBACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOME_APP_PASSWORD", other)
    kwargs: dict[str, Any] = {"client_id": "i", **where}
    if given == "argument":
        kwargs["client_secret"] = secret
    else:
        monkeypatch.setenv("TIMEBACK_CLIENT_SECRET", secret)
    error = failure(lambda: client_class(**kwargs), (ConfigurationError, ValueError, TypeError))  # type: ignore[arg-type]
    assert_holds_no_credentials(error, secret, other)


@pytest.mark.parametrize("client_class", [Timeback, AsyncTimeback])
def test_a_mistyped_secret_argument_is_refused_without_recording_it(
    client_class: type[Timeback | AsyncTimeback],
) -> None:
    secret = "s3cret-" + uid("typo")
    kwargs: dict[str, Any] = {"client_id": "i", "clientSecret": secret, "base_url": "http://127.0.0.1:1"}
    error = failure(lambda: client_class(**kwargs), TypeError)
    assert "clientSecret" in str(error)
    assert_holds_no_credentials(error, secret)


@pytest.mark.parametrize("client_class", [Timeback, AsyncTimeback])
def test_a_secret_that_is_not_a_str_is_refused_without_recording_it(
    client_class: type[Timeback | AsyncTimeback],
) -> None:
    secret = "s3cret-" + uid("bytes")
    kwargs: dict[str, Any] = {"client_id": "i", "client_secret": secret.encode(), "base_url": "http://127.0.0.1:1"}
    error = failure(lambda: client_class(**kwargs), ConfigurationError)
    assert str(error) == "client_secret must be a string, not bytes"
    assert_holds_no_credentials(error, secret)


@pytest.mark.parametrize("client_class", [Timeback, AsyncTimeback])
@pytest.mark.parametrize(
    ("key", "name"),
    [("client_secret", "client_secret"), ("TIMEBACK_CLIENT_SECRET", "TIMEBACK_CLIENT_SECRET"),
     ("client_id", "client_id"), ("TIMEBACK_CLIENT_ID", "TIMEBACK_CLIENT_ID")],
)  # fmt: skip
def test_a_secret_or_id_with_no_utf8_form_is_refused_naming_it_without_recording_it(
    monkeypatch: pytest.MonkeyPatch, client_class: type[Timeback | AsyncTimeback], key: str, name: str
) -> None:
    """A byte of another encoding in a variable (0xE9, a Latin-1 'é') is read as a lone surrogate: each call failed
    in quote() with a UnicodeEncodeError whose message held the whole secret (or id)."""
    readable = "s3cret-" + uid("latin1")  # (what is looked for: the part any form of the value shows as it is)
    for variable in ("TIMEBACK_CLIENT_ID", "TIMEBACK_CLIENT_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    kwargs: dict[str, Any] = {"client_id": "i", "client_secret": "s", "base_url": "http://127.0.0.1:1"}
    if key.isupper():
        del kwargs[key.removeprefix("TIMEBACK_").lower()]
        monkeypatch.setenv(key, readable + "\udce9")  # (os.environ: the byte 0xE9, read back as '\udce9')
    else:
        kwargs[key] = readable + "\udce9"
    error = failure(lambda: client_class(**kwargs), ConfigurationError)
    assert str(error) == f"{name} holds a character that cannot be encoded as UTF-8"
    assert isinstance(error, ConfigurationError) and error.missing == (name,)
    assert readable not in repr(error)
    if "secret" in key.lower():  # (the id, no secret, is a local of the frame that read it)
        assert_holds_no_credentials(error, readable)


def test_a_secret_given_is_used_whatever_its_type_never_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Concealing it does not change which secret is taken: one given wins over TIMEBACK_CLIENT_SECRET; an empty
    one does not. (A non-str one is refused: tests/test_config.py.)"""
    monkeypatch.setenv("TIMEBACK_CLIENT_SECRET", "from-the-environment")
    for given, taken in (("given", "given"), ("", "from-the-environment")):
        with Timeback(client_id="i", client_secret=given, base_url="http://127.0.0.1:1") as client:
            assert client._client._config.client_secret == taken


class Echoing:
    """A gateway and a token endpoint that echo the credentials they were sent in their error bodies, as some do
    (``Invalid key=value pair in Authorization header: 'Bearer ...'``): a case the local server cannot produce, so a
    mock. The secret and the token hold characters percent-encoding changes; the echoes hold that form too. ``at``:
    the token endpoint refuses (400, JSON), or the API does (403, JSON or text), or answers 200 with the request's
    headers (as an echo service at base_url would: an answer the models refuse)."""

    secret, token = "s3cret+/" + uid("echoed"), "t0ken+/=" + uid("echoed")

    def __init__(self, at: str) -> None:
        self.at = at

    def __call__(self, request: httpx.Request) -> httpx.Response:
        sent = request.headers["Authorization"]
        if request.url.path.endswith("/oauth2/token"):
            if self.at == "token":
                described = f"bad secret {self.secret} ({quote(self.secret, safe='')}), header {sent}"
                return httpx.Response(400, json={"error": "invalid_client", "error_description": described})
            return httpx.Response(200, json={"access_token": self.token, "expires_in": 3600})
        echoed = f"Invalid key=value pair in Authorization header: '{sent}'"
        request_id = {"X-Request-Id": f"gw-{sent}"}  # (a gateway naming its answer after what it was sent)
        if self.at == "200":
            return httpx.Response(200, json={"headers": {"Authorization": sent}}, headers=request_id)
        if self.at == "same":  # (a server ignoring offset: every page the first)
            page = {"results": [{"sourcedId": "r1"}, {"sourcedId": "r2"}], "totalCount": 10}
            return httpx.Response(200, json=page, headers=request_id)
        if self.at == "page":  # (a listed record that is no result: its value is in the message and the body)
            page = {"results": [{"sourcedId": "r1", "score": sent}], "totalCount": 1}
            return httpx.Response(200, json=page, headers=request_id)
        if self.at == "text":
            return httpx.Response(403, text=f"{echoed} {quote(self.token, safe='')}", headers=request_id)
        seen = [quote(self.token, safe=""), {sent: 1}]
        return httpx.Response(403, json={"message": echoed, "seen": seen}, headers=request_id)

    def kwargs(self) -> dict[str, Any]:
        return {"base_url": "http://127.0.0.1:1", "client_id": "echo-client", "client_secret": self.secret,
                "max_retries": 0}  # fmt: skip

    def expected(self) -> type[BaseException]:
        validation = APIResponseValidationError
        return {"token": AuthError, "200": validation, "page": validation}.get(self.at, PermissionDeniedError)

    def assert_redacted(self, error: BaseException) -> None:
        assert isinstance(error, RequestError | APIResponseValidationError)
        kept = {"token": "bad secret", "200": "Authorization", "page": "score"}.get(
            self.at, "Invalid key=value pair in Authorization header: '[redacted]'"
        )
        basic = base64.b64encode(f"echo-client:{quote(self.secret, safe='')}".encode()).decode()
        message = error.message if isinstance(error, RequestError) else error.args[0]
        texts = {"str": str(error), "repr": repr(error), "message": message, "body": json.dumps(error.body)}
        if self.at != "token":
            assert error.request_id == "gw-[redacted]", error.request_id
        for where, text in {**texts, "request_id": str(error.request_id)}.items():
            assert where == "request_id" or (kept in text and "[redacted]" in text), (where, text)
            for secret in (self.secret, self.token, basic, quote(self.secret, safe=""), quote(self.token, safe="")):
                assert secret not in text, (where, secret)
        if self.at not in ("200", "page"):  # (a 200's answer is also a local of the frame that parsed it)
            assert_holds_no_credentials(error, self.secret, self.token, basic)


@pytest.mark.parametrize("at", ["token", "api", "text", "200"])
def test_credentials_a_server_echoes_in_an_error_are_redacted(at: str) -> None:
    echoing = Echoing(at)
    with Timeback(**echoing.kwargs(), http_client=httpx.Client(transport=httpx.MockTransport(echoing))) as client:
        error = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), echoing.expected())
    echoing.assert_redacted(error)


def test_credentials_a_server_echoes_in_a_listed_record_are_redacted() -> None:
    echoing = Echoing("page")
    with Timeback(**echoing.kwargs(), http_client=httpx.Client(transport=httpx.MockTransport(echoing))) as client:
        error = failure(lambda: list(client.oneroster.gradebook.get_all_results()), echoing.expected())
    echoing.assert_redacted(error)


def test_credentials_a_server_echoes_in_its_request_id_are_redacted_when_it_answers_a_page_again() -> None:
    echoing = Echoing("same")
    with Timeback(**echoing.kwargs(), http_client=httpx.Client(transport=httpx.MockTransport(echoing))) as client:
        error = failure(lambda: list(client.oneroster.gradebook.get_all_results(limit=2)), APIResponseValidationError)
    assert "same page" in str(error) and isinstance(error, APIResponseValidationError)
    assert error.request_id == "gw-[redacted]", error.request_id


@pytest.mark.parametrize("at", ["token", "api", "200"])
@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_credentials_a_server_echoes_in_an_error_are_redacted_async(at: str, kind: str) -> None:
    echoing = Echoing(at)
    transport = httpx.MockTransport(echoing)
    http = DefaultAioHttpClient(transport=transport) if kind == "aiohttp" else httpx.AsyncClient(transport=transport)
    async with AsyncTimeback(**echoing.kwargs(), http_client=http) as client:
        error = await async_failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"),
                                    echoing.expected())  # fmt: skip
    echoing.assert_redacted(error)


def test_a_token_a_long_redirect_carries_is_redacted_whole() -> None:
    """A gateway redirecting to its login page with the bearer token in a long Location: the Location was cut to
    300 characters before redaction, which then found no whole token, and its first characters were in the message.
    (``timeback serve`` redirects nothing: a mock.)"""
    token = "tok-" + uid("redirected")

    def redirect(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        sent = request.headers["Authorization"].split()[1]
        return httpx.Response(302, headers={"Location": f"https://sso.example/login?{'x' * 255}&t={sent}"})

    kwargs = Echoing("api").kwargs()
    with Timeback(**kwargs, http_client=httpx.Client(transport=httpx.MockTransport(redirect))) as client:
        error = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), RequestError)
    assert "the base URL looks wrong: it redirected to https://sso.example/login?xxx" in str(error), str(error)
    assert "[redacted]" in str(error) and token[:8] not in str(error), str(error)


RE_ENCODINGS: dict[str, Callable[[str], str]] = {
    "form": quote_plus,  # (a form's encoding: "+" for a space, "%2B" for a "+")
    "html": html.escape,  # ("&amp;", "&lt;", "&quot;" in an HTML error page)
    "html, quotes left": lambda text: html.escape(text, quote=False),
    "json slashes": lambda text: text.replace("/", "\\/"),  # (PHP's json_encode: "\/")
    "percent, slashes left": quote,  # (Python's quote() as it is called most)
    "percent, javascript": lambda text: quote(text, safe="-_.!~*'()"),  # (encodeURIComponent)
    "percent, lower-case hex": lambda text: re.sub("%[0-9A-F]{2}", lambda hex: hex[0].lower(), quote(text, safe="")),
    # (these, from the security review's echo server: a secret holding '"', '\\' or 'é' was shown so)
    "json string, ascii": lambda text: json.dumps(text)[1:-1],  # ('\\"', '\\u00e9' in a text body)
    "json string": lambda text: json.dumps(text, ensure_ascii=False)[1:-1],
    "python repr": lambda text: repr(text)[1:-1],  # (a message holding the repr: '\\\\' doubled)
    "html, numeric": lambda text: "".join(f"&#{ord(c)};" if c in "&<>\"'" else c for c in text),
    # (Go's html/template: its htmlReplacementTable; Rails' ERB; PHP 8.1's htmlspecialchars)
    "html, go html/template": lambda text: _swap(
        text, {"&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "+": "&#43;"}
    ),
    "html, rails": lambda text: _swap(text, {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}),
    "html, php": lambda text: _swap(text, {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}),
    "json, php json_encode": lambda text: json.dumps(text)[1:-1].replace("/", "\\/"),
    "json, go encoding/json": lambda text: _swap(
        json.dumps(text, ensure_ascii=False)[1:-1], {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
    ),
    # (mixtures: one escaper's output through another's, or one escaping some characters another way)
    "json, php JSON_HEX_TAG|JSON_HEX_APOS": lambda text: _swap(
        json.dumps(text)[1:-1].replace("/", "\\/"), {"<": "\\u003C", ">": "\\u003E", "'": "\\u0027"}
    ),
    "html of a percent-encoding leaving &<>'": lambda text: html.escape(quote(text, safe="&<>'/")),
    "percent, mixed case hex": lambda text: re.sub(
        "%[0-9A-F]{2}", lambda hex: hex[0] if int(hex[0][1:], 16) % 2 else hex[0].lower(), quote(text, safe="")
    ),
    "percent, ~ too (PHP's urlencode, Java's URLEncoder)": lambda text: quote(text, safe="").replace("~", "%7E"),
    "html, hex references": lambda text: "".join(f"&#x{ord(c):X};" if c in "&<>\"'+" else c for c in text),
    "base64": lambda text: base64.b64encode(text.encode()).decode(),
    "base64url, unpadded": lambda text: base64.urlsafe_b64encode(text.encode()).decode().rstrip("="),
}


def _swap(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in text)


@pytest.mark.parametrize("encoding", RE_ENCODINGS)
def test_a_secret_or_token_a_server_echoes_re_encoded_is_redacted(encoding: str) -> None:
    """A token endpoint that echoes the secret, and a gateway the token, in a form-encoded, HTML-escaped or
    JSON-slash-escaped form: those forms escaped redaction. A case the local server cannot produce: a mock."""
    encode = RE_ENCODINGS[encoding]
    secret, token = "Sup3r Secret+Value/2024&<x>'(y)!~ \"\\é " + uid("s"), "t0ken+/&<x>'(y)!~" + uid("t")

    def echo(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            if at == "token":
                return httpx.Response(400, text=f"bad client: client_secret={encode(secret)}")
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        return httpx.Response(403, text=f"<p>refused: Bearer {encode(token)}</p>")

    for at, expected in (("token", AuthError), ("api", PermissionDeniedError)):
        kwargs = {**Echoing("token").kwargs(), "client_secret": secret}
        with Timeback(**kwargs, http_client=httpx.Client(transport=httpx.MockTransport(echo))) as client:
            error = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), expected)
        assert isinstance(error, RequestError)
        for text in (str(error), repr(error), json.dumps(error.body)):
            assert "[redacted]" in text, (at, text)
            for credential in (secret, token):
                assert encode(credential) not in text, (at, text)


def test_what_a_credential_echoed_in_escapes_is_matched_by_is_no_wider_and_takes_no_exponential_time() -> None:
    """Each character of a credential is matched as itself or one of its escapes, nothing else: a "." matched any
    character (``abcdXefgh`` read ``[redacted]`` for the credential ``abcd.efgh``). A run of backslashes in it is
    matched as a run: each alone, as "\\" or "\\\\", cost 2^n tries where the text did not match (a secret of
    34 backslashes and a body of 68 took about 20 minutes). The search runs in a process given a minute (it takes
    milliseconds), so a return to the old way fails here rather than hanging the suite."""
    from timeback._redaction import REDACTED, _redacted, echoes

    backslashes = "key" + "\\" * 34 + "!"
    search = "from timeback._redaction import _redacted, echoes; print(_redacted('key' + '\\\\' * 68, echoes(%r)))"
    try:  # (in a process of its own: a regular expression's search holds the GIL, a thread could not be waited for)
        done = subprocess.run([sys.executable, "-c", search % backslashes], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the search took over a minute")
    assert done.stdout == "key" + "\\" * 68 + "\n", done.stderr
    for form in (backslashes, json.dumps(backslashes)[1:-1], quote(backslashes, safe="")):
        assert _redacted(f"<{form}>", echoes(backslashes)) == f"<{REDACTED}>", form
    assert _redacted("abcdXefgh and abcd.efgh", echoes("abcd.efgh")) == f"abcdXefgh and {REDACTED}"


def test_a_credential_of_a_few_characters_is_not_redacted() -> None:
    """An empty or very short value would blot out the server's message (an empty one, between every character):
    only credentials of ``MIN_REDACTED`` characters or more are looked for."""

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "invalid_client", "error_description": "no such client: abc"})

    kwargs: dict[str, Any] = {"base_url": "http://127.0.0.1:1", "client_id": "c", "client_secret": "abc"}
    with Timeback(**kwargs, max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(refuse))) as client:
        error = failure(lambda: client.oneroster.gradebook.get_category(sourced_id="any"), AuthError)
    assert isinstance(error, AuthError)
    assert error.body == {"error": "invalid_client", "error_description": "no such client: abc"}
