"""Fault injection: ``timeback serve --faults SPEC`` makes the server misbehave the way networks and busy services do.

SPEC is a comma-separated list of ``kind=rate`` (a probability per request) and settings::

    429=0.05,500=0.05,503=0.05,slow=0.05,close=0.05,drop=0.05,retry_after=1,slow_ms=300,seed=7

Kinds:

- ``429``: answer 429 with ``Retry-After: <retry_after>`` seconds; the request is not handled (its body is read and
  dropped: the connection is kept).
- ``500``, ``503``: answer that status with an ``imsx_StatusInfo`` body; the request is not handled (likewise).
- ``slow``: wait ``slow_ms`` milliseconds, then handle the request normally.
- ``close``: close the connection after the status line, before the body; the request is not handled.
- ``drop``: handle the request (writes commit), then close the connection after the answer's own status line,
  before its body: the client cannot know its write landed. This is the fault that makes naive retries duplicate
  records.

``all=R`` spreads a total rate R evenly over the six kinds; a kind also given takes its own rate instead of its share
(``all=0.3,500=0.2`` and ``500=0.2,all=0.3`` alike). ``retry_after``, ``slow_ms`` and ``seed`` are whole numbers.
``seed`` makes the sequence of faults repeatable.
``/health``, ``/openapi.json``, ``/docs`` and ``/redoc`` are never faulted. Off unless asked for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from timeback.server.access_log import REQUEST_ID
from timeback.server.errors import imsx_body

FAULT_KINDS = ("429", "500", "503", "slow", "close", "drop")
EXEMPT_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
log = logging.getLogger("timeback.server.faults")


@dataclass(frozen=True)
class FaultSpec:
    rates: dict[str, float] = field(default_factory=dict)
    retry_after: int = 1  # seconds: a Retry-After header holds digits only
    slow_ms: int = 300
    seed: int | None = None

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Parse ``kind=rate,...``; raises ValueError naming what is wrong."""
        rates: dict[str, float] = {}
        spread: dict[str, float] = {}  # (all=R's shares: under the kinds given, whichever came first)
        settings: dict[str, Any] = {}
        given: set[str] = set()
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep:
                raise ValueError(f"fault spec: expected name=value, got {part!r}")
            if name in given:  # (the last one was taken without a word: which was meant?)
                raise ValueError(f"fault spec: {name} is given twice")
            given.add(name)
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"fault spec: {name} needs a number, got {value!r}") from None
            if name == "all":
                if not 0 <= number <= 1:  # (its shares could pass: all=1.2,500=0 summed to 1 and was taken)
                    raise ValueError(f"fault spec: all is a probability (a total rate from 0 to 1), got {value!r}")
                spread = dict.fromkeys(FAULT_KINDS, number / len(FAULT_KINDS))
            elif name in FAULT_KINDS:
                rates[name] = number
            elif name in ("retry_after", "slow_ms", "seed"):
                if not math.isfinite(number) or (number < 0 and name != "seed"):
                    raise ValueError(f"fault spec: {name} needs a finite number of at least 0, got {value!r}")
                if number != int(number):  # (retry_after=1.5 went out as "Retry-After: 1.5", which clients refuse)
                    raise ValueError(f"fault spec: {name} needs a whole number, got {value!r}")
                settings[name] = int(number)
            else:
                known = ", ".join((*FAULT_KINDS, "all", "retry_after", "slow_ms", "seed"))
                raise ValueError(f"fault spec: unknown name {name!r} (known: {known})")
        rates = {**spread, **rates}
        if any(not 0 <= r <= 1 for r in rates.values()) or sum(rates.values()) > 1 + 1e-9:
            raise ValueError("fault spec: each rate is a probability and together they must not exceed 1")
        return cls(rates=rates, **settings)

    @property
    def total_rate(self) -> float:
        return sum(self.rates.values())


class FaultInjector:
    """Draws a fault (or none) per request and counts what it did; shared by the middleware and its readers."""

    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self.counts: Counter[str] = Counter()  # "requests" plus one entry per kind injected
        self._random = random.Random(spec.seed)

    def draw(self) -> str | None:
        self.counts["requests"] += 1
        roll = self._random.random()
        for kind, rate in self.spec.rates.items():
            if roll < rate:
                self.counts[kind] += 1
                return kind
            roll -= rate
        return None

    @property
    def faulted(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "requests")


class FaultMiddleware:
    def __init__(self, app: Any, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from timeback.server.lane import route_path  # (here: lane imports middleware, which imports this module)
        from timeback.server.routes.oauth import TOKEN_PATH

        # (the path without the root path it holds under ``serve --root-path``: its /health was faulted)
        if scope["type"] != "http" or route_path(scope) in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        kind = self.injector.draw()
        if kind is None:
            await self.app(scope, receive, send)
            return
        if kind in ("close", "drop") and scope["method"] == "HEAD":
            kind = "503"  # (a HEAD's answer has no body to cut short: its 200, a cut unseen, read as a record there)
        # (at INFO: a fault cut or answered looks like the server's own failure in the access log, a 200 for a cut)
        log.info("injected fault %s on %s %s, request_id=%s", kind, scope["method"], scope["path"], REQUEST_ID.get())
        if kind == "slow":
            # (the server stopping while it waits cancels it, answered as any request not begun then:
            # ``RequestIdMiddleware``'s 503 ``SHUTTING_DOWN``, nothing carried out)
            await asyncio.sleep(self.injector.spec.slow_ms / 1000)
            await self.app(scope, receive, send)
        elif kind in ("429", "500", "503"):
            # The body read and dropped first, as a gateway answering so does: the connection is then kept for the
            # retry however slowly the body comes (answered before it had all come, it would be kept only if the
            # rest came within server/protocol.py's DRAIN_SECONDS)
            await _drain(receive)
            oauth = route_path(scope) == TOKEN_PATH
            await _answer(send, int(kind), self.injector.spec.retry_after, oauth=oauth)
        elif kind == "drop":
            answered: list[int] = []

            async def swallow(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    answered.append(message["status"])

            await self.app(scope, receive, swallow)  # the write happens and commits; its answer goes nowhere
            # (its own status line, then cut: a 200 for a write refused 422, or one answered 201, was read as
            # stored by a client checking the status alone, and the log could not tell which it was)
            status = answered[0] if answered else 200
            if status < 200 or status in (204, 304):  # (no body to cut: a 204 with a length was read whole)
                status = 200
            log.info("the answer dropped was a %d, request_id=%s", status, REQUEST_ID.get())
            await cut_answer(send, status)
        else:
            await _drain(receive)  # unread request bytes would turn the close into a reset, sometimes
            await cut_answer(send)


async def _answer(send: Any, status: int, retry_after: int, *, oauth: bool = False) -> None:
    """The injected error: an imsx body, and at the token endpoint OAuth2's ``error`` too, ``no-store``, as the
    endpoint's own errors are (a client reading OAuth2's shape there found no ``error``)."""
    description = "Injected fault: too many requests." if status == 429 else "Injected fault."
    fields = imsx_body(status, description, "server_busy" if status != 500 else "internal_server_error")
    if oauth:
        error = "server_error" if status == 500 else "temporarily_unavailable"  # (RFC 6749's codes for these)
        fields = {"error": error, "error_description": description, **fields}
    body = json.dumps(fields)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if oauth:
        headers.append((b"cache-control", b"no-store"))
    if status == 429:
        headers.append((b"retry-after", str(retry_after).encode()))  # (not :g, which wrote 1.23457e+08)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})


async def _drain(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def cut_answer(send: Any, status: int = 200) -> None:
    # A status line promising a body that never comes: the server closes the connection when the app returns
    # without completing the response, and the client sees a broken answer (httpx: RemoteProtocolError). A request
    # cut before it was handled has no status of its own: 200.
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"64")]})


class QuietCuts(logging.Filter):
    """Keeps uvicorn from logging an error for every connection a ``close``/``drop`` fault cut on purpose: of every
    server in the process (``timeback serve``'s), or only of the one running in ``thread`` (a ``LocalServer``'s,
    the filter taken off again when it stops; other servers' errors are left to be logged)."""

    def __init__(self, thread: threading.Thread | None = None) -> None:
        super().__init__()
        self.thread = thread

    def filter(self, record: logging.LogRecord) -> bool:
        if self.thread is not None and record.thread != self.thread.ident:
            return True
        return "without completing response" not in record.getMessage()


QUIET_CUTS = QuietCuts()
