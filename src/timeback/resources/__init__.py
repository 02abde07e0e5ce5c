"""API resources: each is a class of operation declarations, exposed sync and async."""

from timeback.resources.gradebook import AsyncGradebook, Gradebook, GradebookOperations
from timeback.resources.rostering import AsyncRostering, Rostering, RosteringOperations

__all__ = ["AsyncGradebook", "AsyncRostering", "Gradebook", "GradebookOperations", "Rostering", "RosteringOperations"]
