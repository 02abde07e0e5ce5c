"""Logging: DEBUG through the whole demo flow (SDK and server in one process) shows no secret and no token."""

from __future__ import annotations

import logging
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
