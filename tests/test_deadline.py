"""A call's ``deadline`` bounds each attempt by the clock, not only each read: an answer trickling in a byte at a
time (each read well within its timeout) is cut at the deadline with ``APITimeoutError``.

``timeback serve`` cannot trickle an answer (its ``slow`` fault delays it whole), so a raw asyncio server on
loopback does: the token at once, then the answer's body (or its head) one byte every ``DRIP`` seconds, for about
25 s in all. Each call must end within ``ENDS_WITHIN`` seconds (a liveness bound, far above the 1 s deadline; the
trickle outlasts it, so a call that waits for the whole answer fails the bound)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from timeback import APITimeoutError, AsyncTimeback, DefaultAioHttpClient, Timeback

DRIP = 0.05
ENDS_WITHIN = 15.0
RESULT = {"result": {"sourcedId": "x", "status": "active", "dateLastModified": "2024-01-01T00:00:00Z",
                     "lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
                     "scoreDate": "2024-01-01T00:00:00Z", "score": 1}}  # fmt: skip
BODY = json.dumps(RESULT).encode().ljust(500)  # (500 bytes: 25 s of trickle)
TOKEN = b'{"access_token":"tok-0123456789","expires_in":3600}'
REQUEST_ID = b"rid-trickled"


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while line := await reader.readline():
            headers = {}
            while (field := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = field.decode().partition(":")
                headers[name.lower()] = value.strip()
            await reader.readexactly(int(headers.get("content-length", 0)))
            path = line.split()[1].decode()
            if path == "/oauth2/token":
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(TOKEN), TOKEN))  # fmt: skip
                continue
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(BODY)
            head += b"X-Request-Id: %s\r\n" % REQUEST_ID
            if path.endswith("/head"):  # (the head trickled, made 500 bytes long, then the body at once)
                drip, rest = head + b"X-Padding: " + b"p" * (500 - len(head) - 15) + b"\r\n\r\n", BODY
            else:
                writer.write(head + b"\r\n")
                drip, rest = BODY, b""
            for i in range(len(drip)):
                writer.write(drip[i : i + 1])
                await writer.drain()
                await asyncio.sleep(DRIP)
            writer.write(rest)
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


@pytest.fixture(scope="module")
def trickling() -> Iterator[str]:
    """The base URL of a server that trickles every answer but the token's."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(asyncio.start_server(_answer, "127.0.0.1", 0), loop).result(10)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    async def stop() -> None:
        server.close()
        answering = asyncio.all_tasks() - {asyncio.current_task()}
        for task in answering:
            task.cancel()
        await asyncio.gather(*answering, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def kwargs(base_url: str) -> dict[str, Any]:
    return {"client_id": "cid", "client_secret": "sec-0123456789", "base_url": base_url}


async def ended_with(kind: str, base_url: str, call: Callable[[Any], Any]) -> BaseException:
    """The error ``call(client)`` ended with, within ``ENDS_WITHIN`` seconds."""
    if kind == "sync":
        ended: list[BaseException] = []

        def run() -> None:
            with Timeback(**kwargs(base_url)) as client:
                try:
                    call(client)
                except BaseException as exc:
                    ended.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(ENDS_WITHIN)
        assert not thread.is_alive(), "the call ran past its deadline"
        assert ended, "the call returned"
        return ended[0]
    http_client = DefaultAioHttpClient() if kind == "aiohttp" else None
    async with AsyncTimeback(**kwargs(base_url), http_client=http_client) as client:
        with pytest.raises(BaseException) as raised:
            await asyncio.wait_for(call(client), ENDS_WITHIN)
    assert not isinstance(raised.value, TimeoutError), "the call ran past its deadline"
    return raised.value


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_an_answer_trickling_in_past_the_deadline_is_a_timeout(trickling: str, kind: str) -> None:
    """Before: each read came within its timeout, and the call returned when the whole answer had come (25 s). Its
    head had come: the error names its request id and status (AsyncTimeback's said "before the answer came", its
    request id lost, the deadline's cancel no httpx error)."""
    error = await ended_with(kind, trickling, lambda c: c.oneroster.gradebook.get_result(sourced_id="x", deadline=1))
    assert type(error) is APITimeoutError, error
    assert error.request_id == REQUEST_ID.decode(), error.request_id
    assert "the deadline passed while the answer came, reading the body of its 200 answer" in str(error), str(error)


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_an_answer_whose_head_trickles_in_past_the_deadline_is_a_timeout(trickling: str, kind: str) -> None:
    call = lambda c: c.oneroster.gradebook.get_result(sourced_id="head", deadline=1)  # noqa: E731
    assert type(await ended_with(kind, trickling, call)) is APITimeoutError


@pytest.mark.parametrize("kind", ["sync", "httpx", "aiohttp"])
async def test_a_create_whose_answer_the_deadline_cut_may_have_stored_its_records(trickling: str, kind: str) -> None:
    """The server got the create: its answer cut short, the call says the records may be stored (the reads that
    would confirm it had no time left), as for any attempt whose answer was lost."""
    body = {"lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "fully graded",
            "scoreDate": "2024-01-15T10:00:00Z"}  # fmt: skip
    error = await ended_with(kind, trickling, lambda c: c.oneroster.gradebook.create_result(result=body, deadline=1))
    assert type(error) is APITimeoutError and error._answer_lost, error
    assert "may have stored the records" in str(error) and "could not be read back" in str(error), str(error)
