"""The SDK's own sync connections (``_sync_backend``): what they write at once and hold. (Their deadline: see
test_deadline.py.)"""

from __future__ import annotations

import httpcore
import pytest
from httpcore._backends.sync import SyncStream

from tests.support import assert_written_whole, uid, writes_to
from timeback import Timeback
from timeback._http_clients import HELD_BYTES
from timeback._sync_backend import AttemptBoundBackend, bounded_by_attempts
from timeback.server.runner import LocalServer


def test_a_requests_head_and_short_body_are_one_write(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore writes a request's head, then its body: two sends, the server woken for each. Held and joined: one.
    A GET's head goes out as its answer is read; a body past ``HELD_BYTES`` on its own."""
    written = writes_to(monkeypatch, SyncStream)
    with Timeback(**server.client_kwargs()) as client:
        gradebook, sourced_id = client.oneroster.gradebook, uid("held")
        gradebook.get_all_categories()  # (its token and its connection)
        written.clear()
        gradebook.put_category(sourced_id=sourced_id, category={"title": "short"})
        assert gradebook.get_category(sourced_id=sourced_id).category.title == "short"
        gradebook.put_category(sourced_id=sourced_id, category={"title": "large", "metadata": {"n": "x" * HELD_BYTES}})
    assert_written_whole(written, HELD_BYTES)


@pytest.mark.parametrize("http2", [False, True])
def test_writes_are_held_on_a_pool_of_http_1_1_only(http2: bool) -> None:
    """On HTTP/2 another thread may read the connection, and so send what is held, while this one writes."""

    class Transport:  # (as httpx's HTTPTransport holds its pool: its http2 needs the h2 package, not installed)
        _pool = httpcore.ConnectionPool(http2=http2)

    bounded_by_attempts(Transport())
    backend = Transport._pool._network_backend
    assert isinstance(backend, AttemptBoundBackend) and backend._holds is not http2
