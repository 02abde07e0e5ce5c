"""The benchmarks of docs/benchmarks.md: ``python -m bench`` runs them all, ``python -m bench.<module>`` one."""

from __future__ import annotations

import argparse


def command_line(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark module's argument parser, described by its docstring's first paragraph (its first line cut the
    description mid-sentence)."""
    return argparse.ArgumentParser(description=(doc or "").split("\n\n")[0].replace("\n", " "))
