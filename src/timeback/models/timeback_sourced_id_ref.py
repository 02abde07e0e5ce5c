"""A reference to another OneRoster record (a GUIDRef)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict

from timeback.models._base import TimebackModel

__all__ = ["TimebackSourcedIdReference"]


class TimebackSourcedIdReference(TimebackModel):
    """``{"sourcedId": ...}``, optionally with the ``href`` and ``type`` of the official GUIDRef and the ``name``
    Timeback's answers give some (a user's primaryOrg; an enrollment's user, class, school and course)."""

    # Unlike records, references drop unknown fields: every record holds three or more, and keeping extras costs
    # about a third of the time it takes to parse one. A body's are dropped too, before sending: the server, which
    # refuses them (422 ``result.lineItem.foo: unknown field``), never sees them from the SDK, only sent raw.
    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", populate_by_name=True)

    # Any string, as both specs have it (an answer's empty reference reads; a body's names no record the server
    # knows: 422 where the server checks references).
    sourcedId: str
    href: str | None = None
    type: str | None = None
    name: str | None = None  # (taken in bodies too: a record read from Timeback can be written back as read)
