"""OneRoster 1.2 Gradebook routes, as declared in ``timeback.resources.gradebook``."""

from fastapi import APIRouter

from timeback.resources.gradebook import GradebookOperations
from timeback.server.routes.operations import register

router = APIRouter(tags=["gradebook"])
register(router, GradebookOperations)
