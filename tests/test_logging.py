"""Logging: DEBUG through the whole demo flow (SDK and server in one process) shows no secret and no token."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from timeback._demo import run_demo
from timeback.server.auth import ClientRegistry, TokenStore


def test_demo_flow_at_debug_logs_no_secret_and_no_token(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    secrets: list[str] = []
    tokens: list[str] = []
    real_add, real_issue = ClientRegistry.add, TokenStore.issue

    def add(self: ClientRegistry, client_id: str, client_secret: str, scopes: str | None = None) -> None:
        secrets.append(client_secret)
        real_add(self, client_id, client_secret, scopes)

    def issue(self: TokenStore, *args: Any, **kwargs: Any) -> str:
        token = real_issue(self, *args, **kwargs)
        tokens.append(token)
        return token

    monkeypatch.setattr(ClientRegistry, "add", add)
    monkeypatch.setattr(TokenStore, "issue", issue)
    caplog.set_level(logging.DEBUG)  # the root logger: timeback, timeback.server, uvicorn, httpx, httpcore
    assert run_demo() == 0
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    printed = capsys.readouterr().out
    assert secrets and tokens, "the demo should have made a client and fetched a token"
    assert "-> 201" in caplog.text and "timeback" in {r.name.split(".")[0] for r in caplog.records}
    for secret in secrets + tokens:
        assert secret not in logged and secret not in printed
    assert not logging.getLogger("timeback").handlers, "the library must not install logging handlers"


def test_a_500_is_logged_with_its_request_id(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The id the answer carries (``X-Request-Id``, which the SDK's errors show) is in the error's log record: in
    its message, and as ``request_id`` for a handler given ``RequestIdFilter`` (a format's ``%(request_id)s``)."""
    import httpx

    from timeback.server import ServerSettings
    from timeback.server.access_log import RequestIdFilter
    from timeback.server.runner import LocalServer
    from timeback.server.service import GradebookService

    def fails(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(GradebookService, "handle", fails)
    caplog.handler.addFilter(RequestIdFilter())
    with LocalServer(ServerSettings(client_id="id", client_secret="secret")) as server:
        form = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
        token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        with caplog.at_level(logging.ERROR, logger="timeback.server"):
            answer = httpx.get(f"{server.url}/ims/oneroster/gradebook/v1p2/categories/c-1", headers=headers)
    assert answer.status_code == 500
    request_id = answer.headers["X-Request-Id"]
    (logged,) = [record for record in caplog.records if record.exc_info]
    assert request_id in logged.getMessage() and logged.request_id == request_id  # type: ignore[attr-defined]
    # Outside a request, the field is there (a format naming it never fails), as "-".
    logging.getLogger("timeback.server").error("not in a request")
    assert caplog.records[-1].request_id == "-"  # type: ignore[attr-defined]


def test_the_retry_log_lines_name_each_failed_answers_request_id(caplog: pytest.LogCaptureFixture) -> None:
    """Concurrent calls' "retry 1 in 0.50s" and "giving up" lines could not be told apart: each names the request id
    of the answer that failed, the last one's as the error does."""
    from timeback import Timeback, errors
    from timeback.server import ServerSettings
    from timeback.server.runner import LocalServer

    settings = ServerSettings(client_id="id", client_secret="secret-123456789")
    with LocalServer(settings) as server:
        failing = ServerSettings(client_id="id", client_secret="secret-123456789", faults="503=1,retry_after=0")
        with LocalServer(failing, storage=server.app.state.storage) as faulty:
            kwargs = {**server.client_kwargs(), "base_url": faulty.url, "token_url": f"{server.url}/oauth2/token"}
            with Timeback(**kwargs, max_retries=1) as api, caplog.at_level(logging.DEBUG, logger="timeback"):
                with pytest.raises(errors.ServerError) as caught:
                    api.oneroster.gradebook.get_result(sourced_id="any")
    lines = [record.getMessage() for record in caplog.records if record.name == "timeback"]
    (retry,) = [line for line in lines if ", retry 1 in " in line]
    (gave_up,) = [line for line in lines if "giving up" in line]
    assert f": 503 (request id {caught.value.request_id}), giving up after 1 retries" in gave_up, gave_up
    first = re.search(r": 503 \(request id (\w+)\), retry 1 in ", retry)
    assert first and first[1] != caught.value.request_id, retry
