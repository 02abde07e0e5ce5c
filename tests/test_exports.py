from __future__ import annotations

import pytest

import timeback
from timeback import errors


def test_public_surface_is_explicit_and_sorted() -> None:
    assert timeback.__all__ == sorted(timeback.__all__)
    public = {name for name in dir(timeback) if not name.startswith("_")}
    assert set(timeback.__all__) <= public


def test_error_tree() -> None:
    for cls in (
        errors.BadRequestError,
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
    assert errors.error_class_for(400) is errors.BadRequestError


def test_importing_the_client_does_not_load_the_models_or_httpcore() -> None:
    """The import target (docs/benchmarks.md) holds because the pydantic models load as a client is made: a
    module-level import of ``timeback.models._base`` from the engine's imports (``models._dicts``) added 100-170 ms to
    ``from timeback import Timeback``. httpcore loads as httpx makes a transport, as with httpx alone: imported by the
    engine, it cost 20-25 ms more, and 90 with trio installed (httpcore imports it, whose async stack it supports).
    Checked by what is loaded, in a fresh interpreter, not by a timing."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom timeback import AsyncTimeback, Timeback\n"
        "print(sorted(m for m in sys.modules if m.startswith(('timeback.models', 'httpcore'))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "['timeback.models', 'timeback.models._dicts']", done.stdout


def test_an_async_client_does_its_http_stacks_one_time_work_as_it_is_made() -> None:
    """``AsyncTimeback`` made its first event loop's httpx client on its first call: httpcore imported (trio with it,
    when installed) and the shared TLS context's CA bundle loaded there stalled that loop 80-180 ms, every other task
    waiting. That client is made with the ``AsyncTimeback`` now, as ``Timeback`` makes its own (the README has
    clients made at startup). In a fresh interpreter: what is loaded and made once it is constructed."""
    import subprocess
    import sys

    script = """
import sys
from timeback import AsyncTimeback, _http_clients
api = AsyncTimeback(base_url="https://timeback.test", client_id="id", client_secret="secret")
print("httpcore" in sys.modules, len(_http_clients._tls_contexts))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["True", "1"], done.stdout


@pytest.mark.parametrize("client", ["AsyncTimeback", "Timeback"])
def test_a_constructed_clients_first_use_of_its_resources_imports_nothing(client: str) -> None:
    """The resources and their models loaded on the first access of ``client.oneroster.gradebook``, 0.25-0.35 s
    that stalled an async app's event loop, every other request waiting on its first call. They load as a client is
    made (at startup, or in a lifespan), not on its first use. In a fresh interpreter: what is loaded."""
    import subprocess
    import sys

    script = f"""
import sys
from timeback import {client}
api = {client}(base_url="http://127.0.0.1:1", client_id="id", client_secret="secret")
loaded = set(sys.modules)
api.oneroster.gradebook, api.oneroster.rostering
print(sorted(set(sys.modules) - loaded))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]", done.stdout
