"""What an extra needs that is missing or too old here, read from this distribution's metadata (no import of the
extra's dependencies, nor of ``packaging``: the SDK does not depend on it)."""

from __future__ import annotations

import os
import re
import sys


class OutdatedRequirementError(ImportError):
    """A requirement of the server extra installed at a release older than the extra's minimum."""


def outdated_requirements() -> list[str]:
    """The server extra's requirements installed below their minimum, as ``"pydantic 2.11.3 (needs >=2.12)"``: pip
    keeps an older release that satisfied the SDK alone, or one the user downgraded, and the server then failed
    mid-run (pydantic 2.11: ``timeback demo`` crashed at its first write). Read from the installed package's
    metadata, so the minimums are pyproject's; none when timeback runs uninstalled."""
    outdated = []
    for name, _, minimums in _requirements("server"):
        installed = _installed(name)
        outdated += [f"{name} {installed} (needs >={minimum})" for minimum in minimums if _below(installed, minimum)]
    return outdated


def install_hint(extra: str, missing: str | None = None) -> str:
    """The pip command that installs what ``extra`` needs and is missing or too old here (and ``missing``, the
    module an import did not find), each requirement as pyproject writes it: ``pip install 'fastapi>=0.115' ...``.
    Never ``timeback`` nor ``timeback[extra]``: PyPI's ``timeback`` is another project (same import name, a class
    also named Timeback), which that installs over this one. Uninstalled, the module's own name; none to name (no
    module, or one of this package's own: an install gone wrong), this package reinstalled from its checkout."""
    wanted, upgrade = [], False
    for name, written, minimums in _requirements(extra):
        installed = _installed(name)
        old = any(_below(installed, minimum) for minimum in minimums)
        if installed is None or old or _canonical(name) == _canonical(missing or ""):
            wanted.append(written)
            upgrade |= old
    module = (missing or "").partition(".")[0]
    if not wanted and module not in ("", "timeback"):
        wanted.append(module)
    if not wanted:
        return f"pip install '.[{extra}]' run in this package's checkout (reinstalling it)"
    return " ".join(["pip install", *["--upgrade"] * upgrade, *(f"'{requirement}'" for requirement in wanted)])


def _requirements(extra: str) -> list[tuple[str, str, list[str]]]:
    """``extra``'s requirements that apply here, each as (name, requirement without its marker, its minimums)."""
    from importlib import metadata

    try:
        requires = metadata.requires("timeback") or []
    except metadata.PackageNotFoundError:
        return []
    found = []
    for requirement in requires:
        spec, _, marker = requirement.partition(";")
        # (a name with extras, ``uvicorn[standard]>=0.51``, and the old form ``name (>=x)`` too)
        parts = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(\[[^\]]*\])?\s*\(?([^)]*)\)?", spec)
        if parts is None or not _applies(marker, extra):
            continue
        name, extras, constraints = parts.group(1), parts.group(2) or "", parts.group(3).replace(" ", "")
        minimums = [c.removeprefix(">=") for c in constraints.split(",") if c.startswith(">=")]
        found.append((name, f"{name}{extras}{constraints}", minimums))
    return found


def _applies(marker: str, extra: str) -> bool:
    """Whether a requirement's marker, as build backends write them (comparisons joined by ``and``), names
    ``extra`` and holds here; a variable other than these counts as met."""
    here = {"extra": extra, "sys_platform": sys.platform, "os_name": os.name}
    clauses = re.findall(r"(\w+)\s*(==|!=)\s*['\"]([^'\"]*)['\"]", marker)
    return ("extra", "==", extra) in clauses and all(
        variable not in here or (here[variable] == value) == (op == "==") for variable, op, value in clauses
    )


def _installed(name: str) -> str | None:
    """The release of ``name`` installed, None if none is. (A dist-info without its METADATA, left by a failed
    uninstall, reads as installed, at no release: the import says what it says.)"""
    from importlib import metadata

    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
    return version if isinstance(version, str) else ""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _below(installed: str | None, minimum: str) -> bool:
    """Whether release ``installed`` comes before ``minimum`` as PEP 440 orders them, for the versions pyproject
    names (digits): a pre- or dev release of a version comes before it (``2.12.0rc1`` < ``2.12``), a post or local
    one does not. (None or "": not installed, or at no release: not below.)"""
    if not installed:
        return False
    mine, theirs = _release(installed), _release(minimum)
    width = max(len(mine), len(theirs))
    pre = re.match(r"\d+(?:\.\d+)*[-_.]?(a|b|c|rc|alpha|beta|pre|preview|dev)", installed, re.IGNORECASE)
    return (*mine, *[0] * (width - len(mine)), -1 if pre else 0) < (*theirs, *[0] * (width - len(theirs)), 0)


def _release(version: str) -> tuple[int, ...]:
    found = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(map(int, found.group().split("."))) if found else ()
