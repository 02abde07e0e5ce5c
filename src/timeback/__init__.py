"""Python SDK for Timeback's OneRoster 1.2 Gradebook API.

from timeback import Timeback
client = Timeback()  # reads TIMEBACK_* from the environment
client.oneroster.gradebook.get_result(sourced_id="result-1")
"""

from timeback._aiohttp import DefaultAioHttpClient
from timeback._bulk import BulkFailure, BulkProgress, BulkSummary, IfExists
from timeback._client import AsyncTimeback, Timeback
from timeback._config import ClientOptions, Environment
from timeback._http_clients import DefaultAsyncHttpxClient, DefaultHttpxClient
from timeback._pagination import AsyncPage, AsyncPaginator, Page
from timeback._version import __version__ as __version__  # (explicit: a re-export, as checkers read it)
from timeback.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestError,
    ServerError,
    TimebackError,
    UnprocessableEntityError,
)

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncTimeback",
    "AuthError",
    "BadRequestError",
    "BulkFailure",
    "BulkProgress",
    "BulkSummary",
    "ClientOptions",
    "ConfigurationError",
    "ConflictError",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "Environment",
    "IfExists",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestError",
    "ServerError",
    "Timeback",
    "TimebackError",
    "UnprocessableEntityError",
]
