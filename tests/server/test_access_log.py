"""The access log's redaction of secrets in query strings (``timeback.server.access_log``): the served log's lines
are checked in tests/test_cli.py; here, the names and forms a secret may come under."""

from __future__ import annotations

import pytest

from timeback.server.access_log import redact_query, redact_query_string


@pytest.mark.parametrize(
    ("query", "redacted"),
    [
        ("access_token=T&limit=1", "access_token=[redacted]&limit=1"),
        ("Client%5FSecret=S", "Client%5FSecret=[redacted]"),
        # (names a framework reads as the secret's, written in clear before: the security run's variants)
        ("access_token[]=T", "access_token[]=[redacted]"),
        ("access_token%5B0%5D=T", "access_token%5B0%5D=[redacted]"),
        ("access_token+=T", "access_token+=[redacted]"),
        ("access_token%00=T", "access_token%00=[redacted]"),
        ("access-token=T", "access-token=[redacted]"),
        ("authorization=Bearer%20T", "authorization=[redacted]"),
        ("a=1;access_token=T", "a=1;access_token=[redacted]"),
        # (a value that is a query itself, percent-encoded: its secret in clear once decoded)
        ("x=1%26access_token%3DT&y=2", "x=[redacted]&y=2"),
        ("x=1%2526access_token%253DT", "x=[redacted]"),
        # (joined up, or a dot or a space between: a framework's, PHP's, reading of them; from the review)
        ("accessToken=T&clientSecret=S", "accessToken=[redacted]&clientSecret=[redacted]"),
        ("access.token=T", "access.token=[redacted]"),
        ("access%20token=T", "access%20token=[redacted]"),
        # (a URL whose query holds one)
        ("redirect_uri=https%3A%2F%2Fx%2Fcb%3Faccess_token%3DT", "redirect_uri=[redacted]"),
        ("next=/cb?access_token=T", "next=[redacted]"),
    ],
)
def test_a_secret_is_redacted_under_any_name_a_framework_reads_as_its(query: str, redacted: str) -> None:
    assert redact_query_string(query) == redacted
    assert redact_query(f"/results?{query}") == f"/results?{redacted}"


@pytest.mark.parametrize(
    "query",
    ["limit=1&offset=2", "filter=score%3E%3D90%20AND%20status%3D%27active%27", "sort=a;b", "fields=", "x", "&&;="],
)
def test_other_parameters_are_written_as_they_came(query: str) -> None:
    assert redact_query_string(query) == query


def test_a_value_of_many_levels_of_equals_signs_is_read_without_recursing_deeper_than_a_few() -> None:
    query = "x=" + "a=" * 50_000 + "1"  # (each level decoded and looked into: a RecursionError in a log filter)
    assert redact_query_string(query) == query
