"""A reference to another OneRoster record (a GUIDRef)."""

from __future__ import annotations

from pydantic import Field

from timeback.models._base import TimebackModel

__all__ = ["TimebackSourcedIdReference"]


class TimebackSourcedIdReference(TimebackModel):
    """``{"sourcedId": ...}``, optionally with the ``href`` and ``type`` of the official GUIDRef."""

    sourcedId: str = Field(min_length=1)
    href: str | None = None
    type: str | None = None
