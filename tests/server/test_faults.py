"""``timeback serve --faults``: each injected fault does what it says, and the SDK comes through all of them.

The headline test uploads 10,000 results through ``bulk_post_results`` to a server failing 30% of requests
(429, 500, 503, connections cut before the answer, answers dropped after the write committed) and checks that
exactly 10,000 results are stored, each with the score sent, none twice.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bench import faulted_upload

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.support import uid
from timeback import RequestError, Timeback
from timeback.server import ServerSettings
from timeback.server.auth import ALL_SCOPES
from timeback.server.faults import EXEMPT_PATHS, FaultSpec
from timeback.server.runner import LocalServer

GRADEBOOK = "/ims/oneroster/gradebook/v1p2"


def test_spec_parsing() -> None:
    spec = FaultSpec.parse("429=0.1, drop=0.05,retry_after=2,slow_ms=50,seed=3")
    assert spec.rates == {"429": 0.1, "drop": 0.05} and (spec.retry_after, spec.slow_ms, spec.seed) == (2, 50, 3)
    assert FaultSpec.parse("all=0.3").total_rate == pytest.approx(0.3) and len(FaultSpec.parse("all=0.3").rates) == 6
    # (all the kinds, one of them set apart, whichever comes first: "500=0.2,all=0.3" gave 500 its share, 0.05)
    assert FaultSpec.parse("all=0.3,500=0.2").rates == FaultSpec.parse("500=0.2,all=0.3").rates
    assert FaultSpec.parse("500=0.2,all=0.3").rates["500"] == 0.2
    for bad, says in [("teapot=0.1", "unknown name 'teapot'"), ("500=2", "probability"), ("500", "name=value"),
                      ("500=0.6,503=0.6", "must not exceed 1"), ("slow=x", "needs a number"),
                      ("slow_ms=inf", "slow_ms needs a finite number"), ("seed=nan", "seed needs a finite number"),
                      ("retry_after=-3", "at least 0"), ("retry_after=1e999", "finite"),
                      ("retry_after=1.5", "retry_after needs a whole number"), ("slow_ms=0.5", "whole number"),
                      ("500=0.1,500=0.2", "500 is given twice"), ("seed=1, seed=2", "seed is given twice"),
                      ("all=1.2,500=0", "all is a probability")]:  # fmt: skip
        with pytest.raises(ValueError, match=says):
            FaultSpec.parse(bad)


def test_serve_rejects_a_bad_spec() -> None:
    from typer.testing import CliRunner

    from timeback._cli import _app

    result = CliRunner().invoke(_app(), ["serve", "--faults", "teapot=1"])
    assert result.exit_code == 2 and "teapot" in result.output
    result = CliRunner().invoke(_app(), ["serve", "--faults", "slow=0.1,slow_ms=inf"])  # (was an OverflowError)
    assert result.exit_code == 2 and "slow_ms needs a finite number" in result.output


async def test_the_paths_never_faulted_are_not_faulted_under_a_root_path(make_app: Any) -> None:
    # (``serve --root-path``: uvicorn's paths hold the prefix, and /health, the document and the docs were faulted)
    app = make_app(ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="500=1"))
    transport = httpx.ASGITransport(app, root_path="/oneroster")  # (as uvicorn's: the paths keep the prefix)
    async with httpx.AsyncClient(transport=transport, base_url="http://local/oneroster") as http:
        assert {path: (await http.get(path)).status_code for path in EXEMPT_PATHS} == dict.fromkeys(EXEMPT_PATHS, 200)
        assert (await http.get(f"{GRADEBOOK}/categories")).status_code == 500


@pytest.fixture
def always(server: LocalServer, request: pytest.FixtureRequest) -> Iterator[tuple[LocalServer, dict[str, str]]]:
    """A server on the session's store that injects one kind of fault into every request, and a token for it."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults=f"{request.param}=1,slow_ms=300")
    with LocalServer(settings, storage=server.app.state.storage) as faulty:
        scopes = frozenset(ALL_SCOPES.split())
        token = faulty.app.state.tokens.issue(CLIENT_ID, scopes)
        yield faulty, {"Authorization": f"Bearer {token}"}


def put_category(base: str, headers: dict[str, str], sourced_id: str) -> httpx.Response:
    url = f"{base}{GRADEBOOK}/categories/{sourced_id}"
    return httpx.put(url, json={"category": {"title": "Faulted"}}, headers=headers)


def stored(server: LocalServer, sourced_id: str) -> bool:
    with Timeback(**server.client_kwargs()) as client:
        found = list(client.oneroster.gradebook.get_all_categories(filter=f"sourcedId='{sourced_id}'"))
    return len(found) == 1


@pytest.mark.parametrize("always", ["429", "500", "503"], indirect=True)
def test_error_faults_keep_the_connection_when_the_body_comes_after_the_head(
    always: tuple[LocalServer, dict[str, str]],
) -> None:
    """As a gateway answering 429 or 5xx does: the body is read (and dropped) before the answer, so the connection
    is kept for the retry, also when the body comes after the head (as httpx sends a larger one)."""
    faulty, headers = always
    body = b'{"category": {"title": "Faulted"}}'
    head = (f"PUT {GRADEBOOK}/categories/{uid('cat')} HTTP/1.1\r\nHost: x\r\nAuthorization: {headers['Authorization']}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
    host, port = faulty.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for _ in range(2):  # (the second on the same connection: it was kept)
            sock.sendall(head)
            time.sleep(0.05)  # (the head read and handed to the app before the body comes)
            sock.sendall(body)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                chunk = sock.recv(65536)
                assert chunk, f"connection closed after: {answer!r}"
                answer += chunk
            status = faulty.settings.faults.split("=")[0]  # type: ignore[union-attr]
            assert answer.startswith(f"HTTP/1.1 {status} ".encode()) and b"connection: close" not in answer.lower()


@pytest.mark.parametrize("always", ["429", "500", "503"], indirect=True)
def test_error_faults_answer_imsx_and_do_not_write(always: tuple[LocalServer, dict[str, str]], server: LocalServer,
                                                    caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    faulty, headers = always
    sourced_id = uid("cat")
    caplog.set_level(logging.INFO, logger="timeback.server.faults")
    response = put_category(faulty.url, headers, sourced_id)
    status = int(faulty.settings.faults.split("=")[0])  # type: ignore[union-attr]
    assert response.status_code == status and response.json()["imsx_codeMajor"] == "failure"
    assert ("retry-after" in response.headers) == (status == 429)
    assert response.headers["x-request-id"]  # (as a gateway's answer carries its own: the SDK's error names it)
    # (logged at INFO with its kind and request id: it was at DEBUG only, an injected 500 not told from a real one)
    injected = f"injected fault {status} on PUT {GRADEBOOK}/categories/{sourced_id}, request_id="
    assert [r.getMessage() for r in caplog.records if r.name == "timeback.server.faults"] == [
        injected + response.headers["x-request-id"]
    ]
    assert not stored(server, sourced_id)
    with Timeback(**faulty.client_kwargs(), max_retries=0) as client, pytest.raises(RequestError) as err:
        client.oneroster.gradebook.get_category(sourced_id=sourced_id)
    assert err.value.status_code == status and err.value.request_id, err.value


@pytest.mark.parametrize(("always", "error"), [("429", "temporarily_unavailable"), ("500", "server_error"),
                                               ("503", "temporarily_unavailable")], indirect=["always"])  # fmt: skip
def test_an_error_fault_at_the_token_endpoint_has_oauth2s_shape_too(
    always: tuple[LocalServer, dict[str, str]], error: str
) -> None:
    """The token endpoint's own errors carry OAuth2's ``error`` beside the imsx fields, not to be cached; its
    injected ones had the imsx body alone (from a QA engineer's run whose client reads OAuth2's shape there)."""
    faulty, headers = always
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    response = httpx.post(f"{faulty.url}/oauth2/token", data=form)
    body = response.json()
    said = "Injected fault: too many requests." if response.status_code == 429 else "Injected fault."
    assert (body["error"], body["error_description"], body["imsx_codeMajor"]) == (error, said, "failure")
    assert response.headers["cache-control"] == "no-store"
    assert "error" not in put_category(faulty.url, headers, uid("cat")).json()  # (the API's: imsx alone, as before)


def test_an_injected_429s_retry_after_is_whole_seconds_in_digits(server: LocalServer) -> None:
    """A Retry-After of delay-seconds is digits only (RFC 9110): one of 123456789 went out as "1.23457e+08" (urllib3
    refuses it; read as a number, it is 123,457,000)."""
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, faults="429=1,retry_after=123456789")
    with LocalServer(settings, storage=server.app.state.storage) as faulty:
        token = faulty.app.state.tokens.issue(CLIENT_ID, frozenset(ALL_SCOPES.split()))
        response = put_category(faulty.url, {"Authorization": f"Bearer {token}"}, uid("cat"))
    assert response.status_code == 429 and response.headers["retry-after"] == "123456789"


@pytest.mark.parametrize("always", ["close"], indirect=True)
def test_close_cuts_the_connection_before_handling(always: tuple[LocalServer, dict[str, str]],
                                                   server: LocalServer) -> None:  # fmt: skip
    faulty, headers = always
    sourced_id = uid("cat")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):  # a cut connection, whichever way it shows
        put_category(faulty.url, headers, sourced_id)
    assert not stored(server, sourced_id)


@pytest.mark.parametrize("always", ["drop"], indirect=True)
def test_drop_commits_the_write_then_loses_the_answer(always: tuple[LocalServer, dict[str, str]],
                                                      server: LocalServer) -> None:  # fmt: skip
    faulty, headers = always
    sourced_id = uid("cat")
    with pytest.raises(httpx.RemoteProtocolError):
        put_category(faulty.url, headers, sourced_id)
    assert stored(server, sourced_id)


@pytest.mark.parametrize("always", ["drop"], indirect=True)
def test_drop_cuts_the_answer_after_its_own_status_line_and_logs_it(
    always: tuple[LocalServer, dict[str, str]], server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The cut answer's status line was a 200 whatever the answer was: a write refused 422 read as stored by a
    client checking the status alone (``curl -w '%{http_code}'``), and the log could not tell which it was (from
    a QA engineer's run with their own client)."""
    faulty, headers = always
    caplog.set_level(logging.INFO, logger="timeback.server.faults")
    for body, status, kept in (({"title": "Faulted"}, 201, True), ({"title": "Faulted", "bogus": 1}, 422, False)):
        sourced_id = uid("cat")
        url = f"{faulty.url}{GRADEBOOK}/categories/{sourced_id}"
        with httpx.stream("PUT", url, json={"category": body}, headers=headers) as answer:
            assert answer.status_code == status
            with pytest.raises(httpx.RemoteProtocolError):
                answer.read()
        assert stored(server, sourced_id) is kept
        assert f"the answer dropped was a {status}," in caplog.text, caplog.text


@pytest.mark.parametrize("always", ["close", "drop"], indirect=True)
def test_a_cut_shows_for_an_answer_without_a_body_and_a_head_meets_a_503(
    always: tuple[LocalServer, dict[str, str]], server: LocalServer
) -> None:
    """A drop repeating a DELETE's 204 with a length was read whole, a clean 204 (no cut seen: review); a HEAD's
    answer has no body to cut, so its 200 read as there, the request unhandled (close) or its answer unseen."""
    faulty, headers = always
    kind = faulty.settings.faults.split("=")[0]  # type: ignore[union-attr]
    sourced_id = uid("cat")
    with Timeback(**server.client_kwargs()) as client:  # (through the server without faults, on the same store)
        client.oneroster.gradebook.put_category(sourced_id=sourced_id, category={"title": "To delete"})
    with httpx.stream("DELETE", f"{faulty.url}{GRADEBOOK}/categories/{sourced_id}", headers=headers) as answer:
        assert answer.status_code == 200  # (no status of its own shown: a cut, whichever kind)
        with pytest.raises(httpx.RemoteProtocolError):
            answer.read()
    head = httpx.head(f"{faulty.url}{GRADEBOOK}/categories/{sourced_id}", headers=headers)
    assert head.status_code == 503, (kind, head.status_code)


@pytest.mark.parametrize("always", ["slow"], indirect=True)
def test_slow_delays_then_answers(always: tuple[LocalServer, dict[str, str]], server: LocalServer) -> None:
    faulty, headers = always
    sourced_id = uid("cat")
    started = time.monotonic()
    assert put_category(faulty.url, headers, sourced_id).status_code == 201
    assert time.monotonic() - started >= 0.3 and stored(server, sourced_id)


# ----- the SDK through a server failing 30% of its requests


def test_10000_results_through_30_percent_faults_are_stored_exactly_once(server: LocalServer) -> None:
    figures = faulted_upload.run(10_000, faulted_upload.DEFAULT_FAULTS, storage=server.app.state.storage)
    assert figures.requests >= 100 and figures.faulted_share >= 0.20, figures
    assert figures.by_kind.get("drop", 0) >= 1 and figures.by_kind.get("close", 0) >= 1, figures
    assert figures.retries_taken > 0  # (token fetches and read-backs retry too, outside the upload's count)
    assert figures.bulk_failures == 0
    assert figures.results_stored == figures.distinct_ids_stored == 10_000 and figures.scores_as_sent
