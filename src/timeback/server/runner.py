"""Run the server in a background thread on a free loopback port: for ``timeback demo`` and for tests.

with LocalServer(ServerSettings(client_id="id", client_secret="secret")) as server:
    client = Timeback(**server.client_kwargs())
"""

from __future__ import annotations

import atexit
import ipaddress
import logging
import os
import socket
import threading
import time
import warnings
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypedDict

import uvicorn

from timeback.server.app import count_failed_logins_anew, create_app, void_earlier_tokens
from timeback.server.config import ServerSettings
from timeback.server.faults import QuietCuts
from timeback.server.protocol import KEEP_ALIVE_SECONDS, BoundedHttpToolsProtocol
from timeback.server.seed import load_seed
from timeback.server.storage import Storage

__all__ = ["ClientKwargs", "LocalServer"]


def reuse_address(sock: socket.socket) -> None:
    """A server's socket, before it binds: on POSIX, SO_REUSEADDR (a restart binds the port its last run left in
    TIME_WAIT), as asyncio's servers set it. Nothing on Windows, as asyncio and libuv: there SO_REUSEADDR lets a
    second server bind a port another listens on (a plain bind refuses that), and SO_EXCLUSIVEADDRUSE refuses a
    restart while a connection of the last run lingers."""
    if os.name == "posix":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (IPv6 if the host holds a colon), its address reused as a server's
    (``reuse_address``), for uvicorn to serve on; closed again if it cannot be bound. proto=IPPROTO_TCP matters:
    asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and without it every answer waits out a
    40 ms delayed ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    bound = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        reuse_address(bound)
        bound.bind((host, port))
    except BaseException:
        bound.close()
        raise
    return bound


# How long stop() waits for the requests in flight before it cancels them (a fault's slow answer, say): an answer
# takes milliseconds, and a write under way in a worker thread is finished all the same.
SHUTDOWN_GRACE_SECONDS = 2


class _Config(uvicorn.Config):
    def configure_logging(self) -> None:
        """Nothing: a library in a caller's process configures no logger. uvicorn's default config
        (``dictConfig``) closed every handler of the process, and its levels and ``access_log=False`` reset the
        ``uvicorn`` loggers an app of the caller's may use. Its records go up the hierarchy to the caller's handlers
        (at the levels set there); the access log is off in ``BoundedHttpToolsProtocol``."""


def reachable_host(host: str) -> str:
    """Where this machine reaches a server listening on ``host``: every interface (0.0.0.0, ::) is no address to
    connect to (``http://0.0.0.0:8000`` fails on some systems and is refused as a URL by others), its loopback is.
    Every interface is known by its address, however spelled (``0``, ``0.0.0``, ``::0``, as bind takes them)."""
    if ":" in host:
        try:
            return "::1" if ipaddress.ip_address(host).is_unspecified else host
        except ValueError:
            return host
    try:
        # (inet_aton, as bind reads an IPv4 address: ipaddress refuses "0" and "0.0.0")
        return "127.0.0.1" if socket.inet_aton(host) == bytes(4) else host
    except (OSError, ValueError):  # (not an address: a name; ValueError: a NUL in it)
        return host


def url_of(scheme: str, host: str, port: int) -> str:
    """The URL of a server listening on ``host:port``, as this machine reaches it (IPv6: bracketed)."""
    reach = reachable_host(host)
    return f"{scheme}://[{reach}]:{port}" if ":" in reach else f"{scheme}://{reach}:{port}"


class ClientKwargs(TypedDict):
    """``LocalServer.client_kwargs()``: the three arguments of ``Timeback``/``AsyncTimeback`` it gives."""

    base_url: str
    client_id: str
    client_secret: str


class LocalServer:
    """A local Timeback server in a background thread of this process, on a free loopback port by default:
    ``with LocalServer(ServerSettings(...)) as server:`` starts it and stops it; ``server.client_kwargs()`` or
    ``server.environ()`` point the SDK at it. Its socket is bound (and its database opened) when it is made."""

    def __init__(
        self,
        settings: ServerSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        storage: Storage | None = None,
        tls: tuple[str, str] | None = None,
    ) -> None:
        """``storage``: serve an existing store (two servers, e.g. one with faults and one without, on one store).
        ``tls``: (certificate file, key file) to serve HTTPS."""
        self.settings = settings or ServerSettings()
        # (reset() reads it again: from the directory it was given in, wherever the process has gone since)
        self._seed = Path(self.settings.seed).absolute() if self.settings.seed else None
        self._owns_storage = storage is None
        if storage is not None:  # (its owner, collected unstarted, leaves it open for this one: _release_unstarted)
            _borrowed[self] = storage
        if self.settings.workers > 1:  # (before its app maps the file)
            count_failed_logins_anew(self.settings.database)
        self.app = create_app(self.settings, storage)
        try:
            if self.settings.workers > 1:  # (as serve --workers: the run before's tokens are in the file)
                void_earlier_tokens(self.app)
            try:
                self._socket = bound_socket(host, port)
            except OSError as exc:  # (a bare "Address already in use" named no port; the same type, errno kept)
                raise type(exc)(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        except BaseException:  # (the port taken, say): what was opened for it is closed
            _release(None, self.app, self._owns_storage)
            raise
        address = self._socket.getsockname()
        self.host: str = address[0]
        self.port: int = address[1]
        certfile, keyfile = tls or (None, None)
        self.scheme = "http" if tls is None else "https"
        # (proxy_headers: X-Forwarded-For and -Proto from loopback are no proxy's, as serve's without a proxy named)
        config = _Config(
            self.app, http=BoundedHttpToolsProtocol, access_log=False, lifespan="off", proxy_headers=False,
            ssl_certfile=certfile, ssl_keyfile=keyfile, timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._failed: BaseException | None = None  # (what ended the thread before the server started)
        self._stopped = False
        # (on the shared uvicorn.error logger while this server runs, for its own cuts only)
        self._quiet_cuts = QuietCuts(self._thread) if self.settings.faults else None
        # A server collected unstarted (made, then dropped: a fixture that failed before start) has its socket and
        # storage closed, so no ``-wal``/``-shm`` is left beside its file, with a ResourceWarning as an unclosed
        # file's; at exit too. The finalizer holds what it closes, not the server. Detached once the server thread
        # has started (stop() closes them then).
        self._unstarted = weakref.finalize(
            self, _release_unstarted, os.getpid(), repr(self), self._socket, self.app, self._owns_storage
        )

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:
            if self._server.started:
                raise  # (once serving: the thread's excepthook reports it, as any thread's)
            # (``start`` raises from it: a traceback printed from this thread was the only word of why, TLS files
            # that are not there say)
            self._failed = exc

    def __repr__(self) -> str:
        # (its URL and whether it serves; no credential. A notebook showed "<...LocalServer at 0x...>". Read from
        # what is there: a traceback showing locals calls it on a server whose __init__ failed midway)
        thread, server = getattr(self, "_thread", None), getattr(self, "_server", None)
        if getattr(self, "_stopped", False):
            state = "stopped"
        elif thread is None or thread.ident is None:
            state = "not started"
        elif thread.is_alive() and server is not None and server.started:
            state = "serving"
        else:
            state = "starting" if thread.is_alive() else "ended"
        where = url_of(self.scheme, self.host, self.port) if hasattr(self, "port") else "(no address)"
        return f"<{type(self).__name__} {where} {state}>"

    @property
    def url(self) -> str:
        """Its base URL as this machine reaches it (``http://127.0.0.1:<port>``; ``https`` with ``tls=``)."""
        return url_of(self.scheme, self.host, self.port)

    @property
    def credentials(self) -> tuple[str, str]:
        """(client id, client secret) to get a token with: the settings' own, else the dev client made with the
        server."""
        if self.settings.client_id and self.settings.client_secret:
            return self.settings.client_id, self.settings.client_secret
        creds: tuple[str, str] = self.app.state.dev_credentials
        return creds

    def client_kwargs(self) -> ClientKwargs:
        """Arguments that point ``Timeback``/``AsyncTimeback`` at this server (typed: ``Timeback(**kwargs)`` is
        checked as the keywords themselves, and others may be given beside them)."""
        client_id, client_secret = self.credentials
        return {"base_url": self.url, "client_id": client_id, "client_secret": client_secret}

    def environ(self) -> dict[str, str]:
        """The ``TIMEBACK_*`` environment variables that point ``Timeback()`` at this server."""
        client_id, client_secret = self.credentials
        return {
            "TIMEBACK_BASE_URL": self.url,
            "TIMEBACK_TOKEN_URL": f"{self.url}/oauth2/token",
            "TIMEBACK_CLIENT_ID": client_id,
            "TIMEBACK_CLIENT_SECRET": client_secret,
        }

    def reset(self) -> None:
        """Removes every record (``tobedeleted`` ones too), then loads the seed again if one was given
        (``settings.seed``, its file read again; a relative path from the directory the server was made in): the
        data as right after start, in one write transaction (nothing changed if the seed no longer loads), while the
        server keeps serving. Clients and their tokens stay valid; failed token requests are forgotten, as at start
        (``token_max_failures``: a test of a wrong secret does not lock the next test's client out).
        Requests in flight are served before or after it, as any write. With a ``storage`` shared by two servers,
        both see it emptied."""
        if self._stopped:
            raise RuntimeError("this local Timeback server was stopped: its storage is closed")
        storage = self.app.state.storage
        with storage.all_or_nothing():
            storage.delete_all()
            if self._seed is not None:
                load_seed(self.app.state.service, self._seed, anew=True)
        self.app.state.token_failures.clear()

    def start(self) -> Self:
        """Serves, returning once the server answers (``RuntimeError`` if it could not start, from the reason).
        Once only: a stopped server is not started again."""
        if self._stopped:  # (its thread runs once, and its socket and storage are closed)
            raise RuntimeError("this local Timeback server was stopped: make a new LocalServer to serve again")
        if self._quiet_cuts is not None:
            logging.getLogger("uvicorn.error").addFilter(self._quiet_cuts)
        self._thread.start()
        self._unstarted.detach()
        _serving[self] = os.getpid()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()  # (a failed start is not stopped by its caller: __exit__ does not run)
                raise RuntimeError("the local Timeback server did not start") from self._failed
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stops the server: the requests in flight are answered, or after ``SHUTDOWN_GRACE_SECONDS`` cut, and
        the server thread has ended before its storage is closed (closed under a request, the write was a 500, or
        committed after ``stop()`` returned)."""
        if self._stopped:
            return
        self._stopped = True
        self._unstarted.detach()
        _serving.pop(self, None)
        if self._thread.ident is not None:  # (started; a server never started has only its socket and storage)
            self._server.should_exit = True
            self._thread.join(timeout=SHUTDOWN_GRACE_SECONDS + 30)
            if self._thread.is_alive():  # (a request that ignored its cancellation: its storage is left open)
                raise RuntimeError("the local Timeback server did not stop; its storage is left open")
        _release(self._socket, self.app, self._owns_storage)
        if self._quiet_cuts is not None:
            logging.getLogger("uvicorn.error").removeFilter(self._quiet_cuts)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _release(sock: socket.socket | None, app: Any, owns_storage: bool) -> None:
    """What a server opened when it was made, closed: its socket, its failed-login table, its storage if its own."""
    if sock is not None:
        sock.close()
    app.state.token_failures.close()
    if owns_storage:
        app.state.storage.close()


def _release_unstarted(pid: int, name: str, sock: socket.socket, app: Any, owns_storage: bool) -> None:
    """A server never started nor stopped, being collected (or at exit): its socket and storage closed, in the
    process that made it only (a child after fork() would close the parent's SQLite connections, and its WAL under
    it), its storage left open while another server made with ``storage=`` serves on it. The warning comes last: made
    an error (``-W error``), it ended the finalizer, nothing closed."""
    if os.getpid() != pid:
        return
    storage = app.state.storage
    lent = any(lent is storage and not server._stopped for server, lent in list(_borrowed.items()))
    try:
        _release(sock, app, owns_storage and not lent)
    finally:
        warnings.warn(f"{name} was never started nor stopped: closed when collected or at exit", ResourceWarning,
                      stacklevel=1)  # fmt: skip


# Servers started and not yet stopped, with the process that started them. At exit, those of this process are
# stopped (the server thread is a daemon: left to die with the process, its storage was never closed and its WAL
# stayed beside the file); the last started first, as nested ``with`` blocks would (a server serving on another's
# storage stops before that one closes it).
_serving: weakref.WeakKeyDictionary[LocalServer, int] = weakref.WeakKeyDictionary()
# Servers made with ``storage=``, and that storage
_borrowed: weakref.WeakKeyDictionary[LocalServer, Storage] = weakref.WeakKeyDictionary()


@atexit.register
def _stop_serving() -> None:
    for server, pid in reversed(list(_serving.items())):
        if pid == os.getpid():
            try:
                server.stop()
            except RuntimeError:  # (its thread did not end: its storage is left open, as stop() says)
                pass
