"""OneRoster 1.2 Rostering routes, as declared in ``timeback.resources.rostering``."""

from fastapi import APIRouter

from timeback.resources.rostering import RosteringOperations
from timeback.server.routes.operations import register

router = APIRouter(tags=["rostering"])
register(router, RosteringOperations)
