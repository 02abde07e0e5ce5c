"""The interface documents' Python usage, executed verbatim against the local server over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import make_roster
from timeback import Timeback

SEEDS = Path(__file__).parent / "seeds"
# CI checks the project out with the interface documents' folder, shared/, beside it: the seeds and the OpenAPI
# documents here are copies of its seeds/ and spec/.
SHARED = Path(__file__).resolve().parents[2] / "shared"
VENDORED = {"seeds": (SEEDS, "*.txt"), "spec": (Path(__file__).resolve().parents[1] / "spec", "*.json")}


def python_blocks(name: str) -> list[str]:
    (document,) = SEEDS.glob(f"{name}_*.txt")  # (two documents numbered alike: which one is run is no guess)
    text = document.read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def run_seed(name: str) -> dict[str, object]:
    (code,) = python_blocks(name)
    namespace: dict[str, object] = {"__name__": f"seed_{name}"}
    try:
        exec(compile(code, f"seed {name}", "exec"), namespace)
    finally:
        seed_client = namespace.get("client")
        if isinstance(seed_client, Timeback):
            seed_client.close()  # the documents never close their client
    return namespace


@pytest.mark.parametrize("folder", sorted(VENDORED))
def test_vendored_copies_match_shared(folder: str) -> None:
    """The same files, alike (a copy left behind that shared/ no longer has is drift too)."""
    original = SHARED / folder
    if not original.is_dir():
        pytest.skip(f"no shared/{folder} beside this checkout ({original}) to compare the vendored copies with")
    copies, pattern = VENDORED[folder]
    names = sorted(path.name for path in original.glob(pattern))
    assert sorted(path.name for path in copies.glob(pattern)) == names
    for name in names:
        assert (copies / name).read_bytes() == (original / name).read_bytes(), name


@pytest.fixture
def seed_roster(client: Timeback) -> None:
    """The records the seed documents refer to by id, so their writes can be stored."""
    make_roster(
        client,
        ids={
            "class": "class-123",
            "school": "school-1",
            "category": "category-1",
            "scale": "scale-1",
            "term": "session-456",
        },
        students=["student-1", "student-2", "<student-id>"],
    )
    make_roster(client, ids={"class": "class-1"}, students=["student-1"])
    client.oneroster.gradebook.put_assessment_line_item(
        sourced_id="<assessment-line-item-id>", assessmentLineItem={"title": "Seed assessment"}
    )


@pytest.mark.usefixtures("timeback_env", "seed_roster")
def test_seed_documents_run_verbatim_and_store_what_they_send(
    client: Timeback, capsys: pytest.CaptureFixture[str]
) -> None:
    gb = client.oneroster.gradebook

    # 002: line items for a class (first, since 000 and 003 grade against line-item-1).
    ns = run_seed("002")
    assert "Allocated SourcedId: line-item-1" in capsys.readouterr().out
    sent = ns["line_item1"].to_dict()  # type: ignore[attr-defined]
    stored = gb.get_line_item(sourced_id="line-item-1").lineItem.to_dict()
    assert {k: v for k, v in stored.items() if k != "dateLastModified"} == sent
    assert gb.get_line_item(sourced_id="line-item-2").lineItem.title == "Math Quiz 2"

    # 000: results for an academic session and class.
    ns = run_seed("000")
    out = capsys.readouterr().out
    assert "Supplied SourcedId: result-1" in out and "Allocated SourcedId: result-1" in out
    for name, sourced_id in (("result1", "result-1"), ("result2", "result-2")):
        stored = gb.get_result(sourced_id=sourced_id).result.to_dict()
        stored.pop("dateLastModified")
        assert stored == ns[name].to_dict()  # type: ignore[attr-defined]

    # 001: an assessment result (no sourcedId: the SDK allocates a UUID).
    ns = run_seed("001")
    allocated = ns["response"].sourcedIdPairs.allocatedSourcedId  # type: ignore[attr-defined]
    assert f"Created with sourcedId: {allocated}" in capsys.readouterr().out
    stored_ar = gb.get_assessment_result(sourced_id=allocated).assessmentResult
    assert (
        stored_ar.score == 85.5 and stored_ar.comment == "Good work!" and stored_ar.scoreDate == "2024-01-15T00:00:00Z"
    )
    assert stored_ar.assessmentLineItem is not None and stored_ar.assessmentLineItem.type == "assessmentLineItem"

    # 003: put a result (creates it), then again (replaces it).
    for _ in range(2):
        ns = run_seed("003")
        out = capsys.readouterr().out
        assert "Updated/Created Result: result-123-456" in out and "Score: 95.5" in out and "Text Score: A" in out
    stored = gb.get_result(sourced_id="result-123-456").result
    assert stored.comment == "Excellent work - updated" and stored.scoreScale is not None
