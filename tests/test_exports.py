from __future__ import annotations

import timeback
from timeback import errors


def test_public_surface_is_explicit_and_sorted() -> None:
    assert timeback.__all__ == sorted(timeback.__all__)
    public = {name for name in dir(timeback) if not name.startswith("_")}
    assert set(timeback.__all__) <= public


def test_error_tree() -> None:
    for cls in (
        errors.AuthError,
        errors.NotFoundError,
        errors.RateLimitError,
        errors.ServerError,
        errors.ConflictError,
        errors.PermissionDeniedError,
        errors.UnprocessableEntityError,
    ):
        assert issubclass(cls, errors.RequestError) and issubclass(cls, errors.TimebackError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.ConfigurationError, errors.TimebackError)
    assert errors.error_class_for(503) is errors.ServerError and errors.error_class_for(418) is errors.RequestError
