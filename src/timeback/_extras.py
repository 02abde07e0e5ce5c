"""Whether the installed releases meet the server extra's minimums (no import of the server's dependencies)."""

from __future__ import annotations

import re


class OutdatedRequirementError(ImportError):
    """A requirement of the server extra installed at a release older than the extra's minimum."""


def outdated_requirements() -> list[str]:
    """The server extra's requirements installed below their minimum, as ``"pydantic 2.11.3 (needs >=2.12)"``: pip
    keeps an older release that satisfied the SDK alone, or one the user downgraded, and the server then failed
    mid-run (pydantic 2.11: ``timeback demo`` crashed at its first write). Read from the installed package's
    metadata, so the minimums are pyproject's; none when timeback runs uninstalled."""
    from importlib import metadata

    try:
        requires = metadata.requires("timeback") or []
    except metadata.PackageNotFoundError:
        return []
    outdated = []
    for requirement in requires:
        spec, _, marker = requirement.partition(";")
        # (a name with extras, ``uvicorn[standard]>=0.51``, and the old form ``name (>=x)`` too)
        found = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*\(?([^)]*)\)?", spec)
        if found is None or "extra == 'server'" not in marker.replace('"', "'"):
            continue
        name, constraints = found.groups()
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # (a missing one: its import says so; uvloop is optional to uvicorn)
        if not isinstance(installed, str):
            continue  # (a dist-info without its METADATA, left by a failed uninstall: the import says what it says)
        for constraint in constraints.replace(" ", "").split(","):
            minimum = constraint.strip().removeprefix(">=")
            if minimum != constraint.strip() and _below(installed, minimum):
                outdated.append(f"{name} {installed} (needs >={minimum})")
    return outdated


def _below(installed: str, minimum: str) -> bool:
    """Whether release ``installed`` comes before ``minimum`` as PEP 440 orders them, for the versions pyproject
    names (digits): a pre- or dev release of a version comes before it (``2.12.0rc1`` < ``2.12``), a post or local
    one does not."""
    mine, theirs = _release(installed), _release(minimum)
    width = max(len(mine), len(theirs))
    pre = re.match(r"\d+(?:\.\d+)*[-_.]?(a|b|c|rc|alpha|beta|pre|preview|dev)", installed, re.IGNORECASE)
    return (*mine, *[0] * (width - len(mine)), -1 if pre else 0) < (*theirs, *[0] * (width - len(theirs)), 0)


def _release(version: str) -> tuple[int, ...]:
    found = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(map(int, found.group().split("."))) if found else ()
