"""The local Timeback-compatible OneRoster 1.2 server (``timeback serve``). Needs the ``server`` extra."""

from timeback.server.app import create_app
from timeback.server.config import ServerSettings

__all__ = ["ServerSettings", "create_app"]
