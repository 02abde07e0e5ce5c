"""Fixtures: a real server on a free loopback port, and clients pointed at it over real HTTP."""

from __future__ import annotations

import contextlib
import gc
import signal
import sqlite3
import sys
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tests.support import Roster, close_app, make_roster
from timeback import AsyncTimeback, DefaultAioHttpClient, Timeback
from timeback.server import ServerSettings, create_app
from timeback.server.runner import LocalServer

CLIENT_ID = "test-client"
CLIENT_SECRET = "test-secret-5b0f2c"

if sys.version_info < (3, 13):

    class _WarnsUnclosed(sqlite3.Connection):
        """A connection that warns when collected unclosed, as every one does from Python 3.13 (a ResourceWarning:
        an error under this suite's filterwarnings). Without it a connection the code or a test leaves to the
        garbage collector failed only the 3.13 runs, in whichever later test the collection landed."""

        _open = False

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._open = True

        def close(self) -> None:
            self._open = False
            super().close()

        def __del__(self) -> None:
            if self._open:
                warnings.warn(f"unclosed database in {self!r}", ResourceWarning, source=self, stacklevel=1)

    def _connect_warning_unclosed(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return _connect(*args, **{"factory": _WarnsUnclosed, **kwargs})

    _connect = sqlite3.connect
    sqlite3.connect = sqlite3.dbapi2.connect = _connect_warning_unclosed  # (SQLAlchemy's pysqlite calls dbapi2's)


@pytest.fixture(autouse=True, scope="session")
def pythons_own_sigint_handler() -> Iterator[None]:
    """Python's own SIGINT handler (KeyboardInterrupt), which the Ctrl-C tests of the bulk upload rely on. A
    process started in the background of a non-interactive shell (``cmd &``, as some CI runners start jobs)
    inherits SIGINT ignored, and Python then installs no handler: ``_thread.interrupt_main()`` does nothing and
    those tests failed with "DID NOT RAISE KeyboardInterrupt" though the code under test was right."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The cyclic garbage collector off for a Ctrl-C test: a KeyboardInterrupt that lands while the collector runs a
    callback (Hypothesis adds one to ``gc.callbacks`` in every process that has run a Hypothesis test) is swallowed,
    "Exception ignored in: gc_callback", and the test waited for a stop that never came (once in CI, session 48)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    settings = ServerSettings(database="sqlite://", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings) as running:
        yield running


@pytest.fixture(scope="session")
def tls_server(server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, Any]]:
    """The server over HTTPS, with a certificate for 127.0.0.1 from a test CA; and that CA."""
    trustme = pytest.importorskip("trustme")  # (a dev dependency: installed wherever the tests run)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost", "timeback.test")  # (the last: through a proxy)
    directory = tmp_path_factory.mktemp("tls")
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    settings = ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with LocalServer(settings, storage=server.app.state.storage, tls=(str(certfile), str(keyfile))) as running:
        yield running, ca


@pytest.fixture
def make_app() -> Iterator[Callable[[ServerSettings], Any]]:
    """``create_app``, for a test serving the app itself (httpx's ASGITransport); each app closed after the test."""
    apps: list[Any] = []

    def make(settings: ServerSettings) -> Any:
        apps.append(create_app(settings))
        return apps[-1]

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def client(server: LocalServer) -> Iterator[Timeback]:
    with Timeback(**server.client_kwargs()) as c:
        yield c


@contextlib.asynccontextmanager
async def _async_client_on(server: LocalServer, transport: str) -> AsyncIterator[AsyncTimeback]:
    http_client = DefaultAioHttpClient() if transport == "aiohttp" else None
    async with AsyncTimeback(**server.client_kwargs(), http_client=http_client) as c:
        yield c


@pytest.fixture(params=["httpx", "aiohttp"])
async def async_client(server: LocalServer, request: pytest.FixtureRequest) -> AsyncIterator[AsyncTimeback]:
    """``AsyncTimeback`` on httpx's own async stack, and on aiohttp (``DefaultAioHttpClient``, the aiohttp extra)."""
    async with _async_client_on(server, request.param) as c:
        yield c


@pytest.fixture(params=["sync", "async-httpx", "async-aiohttp"])
async def either(
    server: LocalServer, client: Timeback, request: pytest.FixtureRequest
) -> AsyncIterator[Timeback | AsyncTimeback]:
    """``client``, or ``AsyncTimeback`` on each of ``async_client``'s stacks: a test of both clients runs once for
    the sync one (had it taken ``client`` and ``async_client``, once per async stack: twice alike)."""
    if request.param == "sync":
        yield client
        return
    async with _async_client_on(server, request.param.removeprefix("async-")) as c:
        yield c


@pytest.fixture
def timeback_env(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point ``Timeback()`` (no arguments) at the test server, as the seed documents call it."""
    for name in ("TIMEBACK_ENVIRONMENT",):
        monkeypatch.delenv(name, raising=False)
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def roster(client: Timeback) -> Roster:
    return make_roster(client)
