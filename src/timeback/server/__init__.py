"""The local Timeback-compatible OneRoster 1.2 server (``timeback serve``). Needs the ``server`` extra."""

try:
    import fastapi  # noqa: F401
    import sqlalchemy  # noqa: F401
    import uvicorn  # noqa: F401
except ModuleNotFoundError as exc:  # (``LocalServer`` in a test fixture, the SDK alone installed: what to install)
    if exc.name not in ("fastapi", "sqlalchemy", "uvicorn"):
        raise  # (a broken install of one of them: its own error says what)
    from timeback._extras import install_hint

    raise ModuleNotFoundError(
        f"timeback's server needs the server extra ({exc.name} is missing): {install_hint('server', exc.name)}",
        name=exc.name,
    ) from None


from timeback._extras import OutdatedRequirementError, install_hint, outdated_requirements

if outdated := outdated_requirements():
    raise OutdatedRequirementError(
        f"timeback's server needs newer releases of {', '.join(outdated)}: {install_hint('server')}"
    )

from timeback.server.app import create_app
from timeback.server.config import ServerSettings

__all__ = ["ServerSettings", "create_app"]
