"""The token cap (``TokenStore``, ``max_tokens``) under threads: ``check`` moves the token it finds to the end of
the held tokens without the store's lock (it runs for every request), while ``issue`` drops the oldest and, now and
then, rebuilds its expiry heap from the tokens held."""

from __future__ import annotations

import sys
import threading

from timeback.server.auth import TokenStore


def test_checks_in_another_thread_never_fail_an_issue_at_the_cap() -> None:
    """The heap's rebuild looped over the held tokens in Python: a ``check`` moving one meanwhile made ``issue`` raise
    "OrderedDict mutated during iteration" (the token endpoint's 500, the token stored all the same)."""
    store = TokenStore(ttl_seconds=1_000_000_000, max_tokens=5_000)
    held = store.issue("c", frozenset({"x"}))
    stop = threading.Event()

    def check() -> None:
        while not stop.is_set():
            store.check(held)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # (threads switch as often as they can: the old code failed here every time)
    checker = threading.Thread(target=check, daemon=True)
    checker.start()
    errors = []
    try:
        for _ in range(40_000):
            try:
                store.issue("c", frozenset({"x"}))
            except RuntimeError as error:
                errors.append(repr(error))
    finally:
        stop.set()
        checker.join(30)
        sys.setswitchinterval(previous)
    assert errors == [], (len(errors), errors[:1])
