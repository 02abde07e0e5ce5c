"""The SDK's own sync connections (``_sync_backend``): what they write at once and hold. (Their deadline: see
test_deadline.py.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpcore._backends.sync import SyncStream

from tests.support import UPGRADE, assert_written_whole, uid, upgrading_echo, writes_to
from timeback import DefaultHttpxClient, Timeback
from timeback._http_clients import JOINED_BODY_BYTES
from timeback.server.runner import LocalServer


def test_a_requests_head_and_short_body_are_one_write(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore writes a request's head, then its body: two sends, the server woken for each. Held and joined: one.
    A GET's head goes out as its answer is read; a body past ``JOINED_BODY_BYTES`` on its own."""
    written = writes_to(monkeypatch, SyncStream)
    with Timeback(**server.client_kwargs()) as client:
        gradebook, sourced_id = client.oneroster.gradebook, uid("held")
        gradebook.get_all_categories()  # (its token and its connection)
        written.clear()
        gradebook.put_category(sourced_id=sourced_id, category={"title": "short"})
        assert gradebook.get_category(sourced_id=sourced_id).category.title == "short"
        gradebook.put_category(
            sourced_id=sourced_id, category={"title": "large", "metadata": {"n": "x" * JOINED_BODY_BYTES}}
        )
    assert_written_whole(written, JOINED_BODY_BYTES)


def test_what_a_caller_writes_to_an_upgraded_connection_goes_at_once() -> None:
    """Only a request's head announcing a body is held for it: a write to a connection handed to the caller
    (``network_stream``, after a 101) goes as it comes, though no read follows it (held, the close dropped it)."""
    with upgrading_echo() as (url, _, received), DefaultHttpxClient() as http:
        with http.stream("GET", url, headers=UPGRADE) as answer:
            assert answer.status_code == 101
            stream = answer.extensions["network_stream"]
            stream.write(b"bye")
            stream.close()
        assert received.get(timeout=10) == b"bye"


def test_a_streamed_bodys_head_goes_before_its_first_chunk() -> None:
    """A chunked body (a caller's stream) may be long in coming: its head is not held for it (a server or proxy
    would time out waiting for the head). Here the body comes once the server has the head."""
    with upgrading_echo() as (url, heads, received), DefaultHttpxClient() as http:

        def body() -> Iterator[bytes]:
            heads.get(timeout=10)  # (queue.Empty, raised through httpx, had the head been held for this chunk)
            yield b"chunk"

        assert http.post(url, content=body()).status_code == 200
        assert received.get(timeout=10).endswith(b"chunk\r\n0\r\n\r\n")
