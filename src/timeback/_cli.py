"""The ``timeback`` command: ``timeback serve`` and ``timeback demo``. Needs the ``server`` extra."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from typer import Context as _TyperContext


class PairsStyle(str, Enum):
    spec = "spec"
    timeback = "timeback"


class LogLevel(str, Enum):  # (uvicorn's --log-level choices)
    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"
    trace = "trace"


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # (answered without the server extra too: it says which release is installed)
        from timeback._version import __version__

        sys.stdout.write(f"timeback {__version__}\n")
        return
    # SIGTERM is Ctrl-C from here (unless ignored): one in the second or two of imports killed the process, exit
    # 143, and Ctrl-C there printed a KeyboardInterrupt traceback; now either exits 130. serve and demo stop on it
    # gracefully once they run. (Its handler is put back after: main called in-process leaves the caller's. The
    # timeback package's own imports, before main, keep Python's defaults: README says so.)
    try:
        with _sigterm_as_ctrl_c():
            from timeback._extras import OutdatedRequirementError, install_hint

            try:
                import rich  # noqa: F401  (the demo's tables: removed alone, it was a traceback there)
                import typer  # noqa: F401
                import uvicorn  # noqa: F401

                from timeback.server import create_app  # noqa: F401
            except OutdatedRequirementError as exc:
                sys.stderr.write(f"{exc}\n")  # ("timeback's server needs newer releases of ...")
                raise SystemExit(2) from None
            except ImportError as exc:
                sys.stderr.write(
                    f"timeback: the command line needs the server extra ({exc.name} is missing).\n"
                    f"Install it with:  {install_hint('server', exc.name)}\n"
                )
                raise SystemExit(2) from None
            _app()()
    except KeyboardInterrupt:
        raise SystemExit(130) from None


@contextlib.contextmanager
def _sigterm_as_ctrl_c(*signals: signal.Signals) -> Iterator[None]:
    """Inside, SIGTERM (or ``signals``) raises KeyboardInterrupt, as Ctrl-C, so a stop unwinds and cleans up; the
    handlers found are put back on the way out. A signal ignored stays ignored (nohup, a supervisor's choice). Outside
    the main thread nothing changes: Python sets handlers there only (an embedding program's thread, a test's)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in signals or (signal.SIGTERM,)}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():  # (None: set outside Python, which cannot be put back; the default is)
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _check_can_listen(host: str, port: int) -> None:
    """A usage error if ``host:port`` cannot be listened on (not an address of this machine; taken: exit 1, see
    ``_refuse_listening``), found by binding it as the server will (``reuse_address``) and letting it go: uvicorn's
    own failure came after the banner, the dev credentials and a seeded database file."""
    import socket

    import typer

    from timeback.server.runner import reuse_address

    if not host.strip():  # (getaddrinfo's "Name or service not known" said nothing of what was wrong)
        raise typer.BadParameter(
            "an empty host names no address: give one (127.0.0.1, the default: this machine only; 0.0.0.0: every "
            "interface)",
            param_hint=_hint("--host"),
        )
    try:
        # Every address the host names, as asyncio's create_server binds them all ("localhost": ::1 and 127.0.0.1)
        for family, kind, proto, _, address in socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        ):
            with socket.socket(family, kind, proto) as probe:
                reuse_address(probe)
                probe.bind(address)
    except OSError as exc:
        _refuse_listening(host, port, exc)


def _refuse_listening(host: str, port: int, exc: OSError) -> NoReturn:
    """A name that does not resolve, or an address of no interface here, is the host's fault, a usage error (exit 2);
    a port below 1024 without the right the port's. A port another process has is no fault of the command (exit 1,
    as a database another program locks): it was a usage error, which a CI job's retry on a failed start cannot tell
    from a typo."""
    import errno
    import socket

    import typer

    why = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    if exc.errno == errno.EADDRINUSE:
        typer.echo(f"timeback: {why} (another process listens there; --port 0 takes a free port)", err=True)
        raise typer.Exit(1)
    of_host = isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL
    raise typer.BadParameter(why, param_hint=_hint("--host" if of_host else "--port"))


def _prepare_workers(app_: Any, settings: Any) -> None:
    """``serve --workers N``, before anything is printed: this process has made and seeded the database (``app_``);
    it voids its client's earlier tokens, makes the failed-login table anew, and closes what it opened (the workers
    open their own)."""
    from timeback.server.app import count_failed_logins_anew, void_earlier_tokens

    try:
        void_earlier_tokens(app_)
        count_failed_logins_anew(settings.database)
    finally:  # (failed, no server runs to close these)
        app_.state.token_failures.close()
        app_.state.storage.close()


def _listen(host: str, port: int) -> Any:
    """The server's socket, listened on before serve prints where it is: a call made at once with the printed
    variables waits in the backlog, where it was refused (one process listened about 0.3 s after the banner, the
    --workers only once each had imported and built the app, seconds). Bound here, not by uvicorn's bind_socket,
    which logs a failure and exits 3 from inside serve: a port taken since _check_can_listen is its usage error."""
    from timeback.server.runner import bound_socket

    listening = bound_socket(host, port)
    try:
        listening.set_inheritable(True)  # (--workers: they are spawned with it)
        listening.listen(2048)  # (uvicorn's default backlog)
    except BaseException:
        listening.close()
        raise
    return listening


# How long a stop (SIGTERM, Ctrl-C) waits for the requests in flight before it closes their connections: a request
# whose body a client trickles in held it forever (a byte every 5 s resets every timer), and a stalled one for the
# 30 s of its 408, past the 10 s `docker stop` waits before SIGKILL. An answer takes milliseconds.
SHUTDOWN_GRACE_SECONDS = 8
# What --root-path takes: "/" and segments of a URI path's own characters, ASCII (uvicorn encodes it so on every
# request: another character failed each one) without "%" (it is the decoded path too), "'" (FastAPI writes the
# prefix unescaped into a JavaScript string of the /docs page: a blank page) or a "." or ".." segment (the Link
# headers named /../ims/...)
_ROOT_PATH = re.compile(r"(/(?!\.\.?(?:/|$))[A-Za-z0-9\-._~!$&()*+,;=:@]+)+")


def _root_path(value: str) -> str:
    """``--root-path`` checked, without a trailing slash (as an nginx location names it: the paths got "//")."""
    import typer

    root = value.rstrip("/")
    if root and not _ROOT_PATH.fullmatch(root):
        allowed = "ASCII letters, digits and -._~!$&()*+,;=:@ between slashes, no . or .."
        why = f"must be a path such as /oneroster ({allowed})"
        raise typer.BadParameter(why, param_hint=_hint("--root-path"))
    return root


# serve's option of each setting it takes (``ServerSettings`` refuses a value naming its setting: shown as the option's)
_SETTING_OPTIONS = {
    "client_scopes": "--scopes", "sourced_id_pairs": "--sourced-id-pairs", "token_ttl_seconds": "--token-ttl",
    "token_max_failures": "--token-max-failures", "token_failure_window_seconds": "--token-failure-window",
    "faults": "--faults", "workers": "--workers", "query_timeout_seconds": "--query-timeout",
    "client_id": "--client-id", "client_secret": "--client-secret",  # (empty: --client-id "$ID" with ID unset)
    "forwarded_allow_ips": "--forwarded-allow-ips", "seed": "--seed",  # (empty: --seed "$SEED_FILE" with it unset)
}  # fmt: skip


def _hint(flag: str) -> str:
    """How a refusal of a setting names its option of ``serve``: with the variable that sets it too."""
    return f"{flag} (or {_variable(flag)})"


# serve's options whose variable, set but empty, is refused: click takes an empty variable for an unset one, and
# `TIMEBACK_SERVE_SEED: ${SEED_FILE}` with SEED_FILE unset started a server with no records (the default database in
# the working directory, all scopes, port 8000...), where `--seed ""` is refused. Not the client's two (an empty one
# counts as unset: a secret a CI job may not read), nor those whose empty value means none (`--faults ''`,
# `--root-path ''`), nor a flag.
_REFUSED_EMPTY = (
    "--host", "--port", "--database", "--sourced-id-pairs", "--token-ttl", "--token-max-failures",
    "--token-failure-window", "--seed", "--scopes", "--query-timeout", "--log-level", "--workers",
    "--forwarded-allow-ips",
)  # fmt: skip


def _refuse_empty_variables(context: _TyperContext) -> None:
    """Refuse a variable of ``_REFUSED_EMPTY`` set but empty, unless its option was given (which wins over it)."""
    import typer

    for flag in _REFUSED_EMPTY:
        source = context.get_parameter_source(flag.removeprefix("--").replace("-", "_"))
        given = source is not None and source.name == "COMMANDLINE"
        if os.environ.get(_variable(flag)) == "" and not given:
            raise typer.BadParameter(
                f"{_variable(flag)} is set but empty: give it a value, or unset it", param_hint=flag
            )


def _variable(flag: str) -> str:
    """The variable setting ``serve``'s option ``flag``: ``--token-ttl``, TIMEBACK_SERVE_TOKEN_TTL."""
    return "TIMEBACK_SERVE_" + flag.removeprefix("--").upper().replace("-", "_")


def _proxying(root_path: str) -> dict[str, Any]:
    """uvicorn's options for serving behind a reverse proxy. Its proxy headers are off: the app reads them, from the
    proxies ``ServerSettings.forwarded_allow_ips`` names only, X-Forwarded-Host too (``ForwardedHeadersMiddleware``).
    uvicorn's default read X-Forwarded-For and -Proto from loopback: any local client's header was the access log's
    client, verbatim (a space, tab or quote forging the line's fields), and a request's scheme."""
    return {"root_path": root_path, "proxy_headers": False}


def _workers_config(host: str, port: int, workers: int, access_log: bool, log_level: str, log_timestamps: bool,
                    **proxying: Any) -> Any:  # fmt: skip
    """uvicorn's config for ``serve --workers N`` (run on ``_listen``'s socket by ``_run_workers``); ``proxying``:
    ``_proxying``'s."""
    import uvicorn

    from timeback.server.access_log import serve_log_config
    from timeback.server.protocol import KEEP_ALIVE_SECONDS

    # The protocol by name, as the app: a worker answers the supervisor's health checks (killed as hung after 5 s)
    # once it has unpickled this config, and the class would be imported then, with the whole server (seconds).
    return uvicorn.Config(
        "timeback.server.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
        http="timeback.server.protocol:BoundedHttpToolsProtocol", log_level=log_level, access_log=access_log,
        log_config=serve_log_config(log_level, log_timestamps), timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS, **proxying,
    )  # fmt: skip


def _reason(exc: BaseException) -> str:
    """Why ``exc`` stopped the demo, in a few words: an OSError's reason and file, sqlite's own message."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
    return str(exc.orig if isinstance(exc, DBAPIError) else exc)


def _close(app_: Any) -> None:
    """Closes what ``create_app`` opened, for an app no server will run (its lifespan's shutdown closes them)."""
    app_.state.token_failures.close()
    app_.state.storage.close()


def _size(path: str) -> int:
    """The size of the file at ``path``; 0 if there is none (or it cannot be read: opening it says why)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _counted(counts: dict[str, int]) -> str:
    """How many records of each collection a seed loaded, those it held ("orgs: 2, users: 40"), or "no records"."""
    return ", ".join(f"{name}: {count:,}" for name, count in counts.items() if count) or "no records"


def _banner(
    where: str,
    faults: str | None,
    dev_credentials: tuple[str, str] | None,
    base: str,
    reach: str,
    seeded: str | None = None,
) -> None:
    """What ``serve`` prints once it listens: where, what the seed loaded (``seeded``), and the variables that point
    the SDK at a dev client."""
    import sys

    import typer

    # A character the output's encoding lacks is written escaped (\u6210): on Windows, output redirected is in the
    # ANSI code page (cp1252, say), and a database path's other characters were a UnicodeEncodeError, no server.
    # Tried with the output's own error handler first: on Linux a file name's undecodable byte (surrogateescape)
    # is written as that byte, as before, not escaped.
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    errors = getattr(sys.stdout, "errors", None) or "strict"

    def echo(line: str) -> None:
        try:
            line.encode(encoding, errors)
        except UnicodeEncodeError:
            line = line.encode(encoding, "backslashreplace").decode(encoding)
        typer.echo(line)

    echo(f"Timeback-compatible server on {where}")
    if seeded:
        echo(seeded)
    if faults:
        echo(f"Injecting faults: {faults}")
    if dev_credentials:
        dev_id, dev_secret = dev_credentials
        echo("Made a dev client for this run. Point the SDK at this server with:")
        echo(f"  export TIMEBACK_BASE_URL={base}")
        echo(f"  export TIMEBACK_TOKEN_URL={base}/oauth2/token")
        echo(f"  export TIMEBACK_CLIENT_ID={dev_id}")
        echo(f"  export TIMEBACK_CLIENT_SECRET={dev_secret}")
        from timeback._config import is_loopback

        if not is_loopback(reach):  # (else the SDK refuses plain http:// to this host)
            echo("  export TIMEBACK_INSECURE_TRANSPORT=1  # plain http:// off loopback: the secret unencrypted")


def _hold_standard_descriptors() -> None:
    """Standard input, output or error closed at start (``serve >&-``) opened on the null device: else the next file
    opened took its number (the -writer lock; with --workers the listening socket, in every worker), where a write
    to standard output would have gone."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            # (the lowest number free, so ``fd`` itself: every one below it is open, found so or opened here)
            os.open(os.devnull, os.O_RDWR)


def _drop_output() -> None:
    """Standard output, which could not be written, sent to the null device: the interpreter's flush at exit would
    fail again on what is still buffered, with a message of its own."""
    from timeback.server.access_log import null_device_onto

    null_device_onto(sys.stdout.fileno())


def _supervisor(config: Any, listening: Any) -> Any:
    """uvicorn's supervisor of ``serve --workers N`` (its ``__init__`` takes the signals over), whose workers start
    with SIGINT ignored, a disposition spawn's exec keeps: a Ctrl-C to the process group while they still imported
    printed a KeyboardInterrupt traceback in each. The supervisor stops them with SIGTERM (``app_from_environment``
    leaves SIGINT ignored). This process blocks SIGINT meanwhile: one that comes waits, not ignored. Stopping, it
    closes its copy of the listening socket first, as each worker closes its own: new connections are refused."""
    import logging

    from uvicorn.supervisors import Multiprocess

    @contextlib.contextmanager
    def quiet_start() -> Iterator[None]:
        if not hasattr(signal, "pthread_sigmask"):  # (Windows: no exec to keep a disposition through)
            yield
            return
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    class QuietStartSupervisor(Multiprocess):
        # Every way it starts a worker: the first ones; one in place of a worker dead, or killed as hung (no answer to
        # its 5 s health check: a start that slow on a loaded machine), which started with Ctrl-C's default and
        # printed the traceback; SIGHUP's and SIGTTIN's, from handle_signals.
        def init_processes(self) -> None:
            with quiet_start():
                super().init_processes()

        def keep_subprocess_alive(self) -> None:
            before = list(self.processes)
            with quiet_start():
                super().keep_subprocess_alive()
            # (uvicorn says so at INFO, "Child process [pid] died": unseen at --log-level warning, where an operator
            # alerts on WARNING and ERROR lines; one killed as hung, or by the system for memory, counts too)
            for old, new in zip(before, self.processes, strict=False):
                if new is not old:
                    logging.getLogger("uvicorn.error").warning(
                        "worker process [%s] ended (exit code %s); process [%s] started in its place",
                        old.pid, old.process.exitcode, new.pid,
                    )  # fmt: skip

        def handle_signals(self) -> None:
            with quiet_start():
                super().handle_signals()

        def terminate_all(self) -> None:
            # (its copy of the socket, as it stops: kept, the port took connections no one would accept until the
            # workers had stopped, up to the grace, and a server started meanwhile on the port was refused it)
            listening.close()
            super().terminate_all()

    return QuietStartSupervisor(config, sockets=[listening])


def _server(config: Any) -> Any:
    """uvicorn's server for ``serve`` (one process), whose second Ctrl-C while it stops (which uvicorn's banner calls
    force quit) ends the stop's grace at once: the requests in flight are cancelled (answered 503 "shutting down")
    and the app shut down as after the grace, its database closed. uvicorn's own skipped that shutdown, left to the
    loop's end: a ``CancelledError`` traceback, and a client trickling a body in cut without an answer."""
    import asyncio

    import uvicorn

    class GraceEndingServer(uvicorn.Server):
        _loop: asyncio.AbstractEventLoop | None = None
        _ended_grace = False

        async def serve(self, sockets: Any = None) -> None:
            self._loop = asyncio.get_running_loop()
            await super().serve(sockets)

        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            # (the second Ctrl-C only: a third is uvicorn's own force quit, for a shutdown itself stuck)
            if self.force_exit and self._loop is not None and not self._ended_grace:
                self.force_exit, self._ended_grace = False, True
                with contextlib.suppress(RuntimeError):  # (the loop closed since: nothing is left to cancel)
                    self._loop.call_soon_threadsafe(self._cancel_requests)  # (from a signal handler: thread-safe)

        def _cancel_requests(self) -> None:
            for task in self.server_state.tasks:
                task.cancel()

    return GraceEndingServer(config)


def _run_workers(app_: Any, settings: Any, config: Any, listening: Any, stops: list[int]) -> None:
    """``serve --workers N`` (after ``_prepare_workers``, listening on ``listening``): uvicorn's supervisor runs N
    processes on that socket that each build the app from these settings (``app.app_from_environment``), with the
    client this process registered, and tokens shared through the database. A worker that cannot start stops it
    all, and ``serve`` exits with uvicorn's start-up failure status (its supervisor returns as from a Ctrl-C). A stop
    in ``stops`` (noted by serve's handler before the supervisor took the signals over) starts no worker."""
    import dataclasses
    import json
    import logging

    import typer
    from uvicorn.config import STARTUP_FAILURE

    from timeback.server.app import SETTINGS_ENV, SUPERVISOR_ENV

    client_id, client_secret = app_.state.dev_credentials or (settings.client_id, settings.client_secret)
    shared = dataclasses.replace(settings, seed=None, client_id=client_id, client_secret=client_secret)
    # (taken out again once the supervisor returns: serve run in-process, main() called by a program or a test, left
    # the caller's environment holding the client secret, handed to whatever it started next, and this pid)
    before = {name: os.environ.get(name) for name in (SETTINGS_ENV, SUPERVISOR_ENV)}
    os.environ[SETTINGS_ENV] = json.dumps(dataclasses.asdict(shared))
    os.environ[SUPERVISOR_ENV] = str(os.getpid())  # (uvicorn supervises its workers from this process)
    failed: list[str] = []

    def note_failed_start(record: logging.LogRecord) -> bool:  # (the supervisor's "... failed to start, stopping")
        if record.levelno >= logging.ERROR and "failed to start" in record.getMessage():
            failed.append(record.getMessage())
        return True

    supervisor_log = logging.getLogger("uvicorn.error")
    supervisor_log.addFilter(note_failed_start)
    try:
        supervisor = _supervisor(config, listening)  # (it takes the signals over here)
        if stops:
            typer.echo("Stopped before serving.", err=True)
        else:
            supervisor.run()  # (what uvicorn.run does with workers, on this socket)
    finally:
        supervisor_log.removeFilter(note_failed_start)
        listening.close()
        for name, value in before.items():  # (as they were: a caller's own value put back)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if failed:
        raise typer.Exit(STARTUP_FAILURE)


def _app() -> Any:
    import typer

    # (serve's context parameter is annotated with this name, which typer resolves in this module's globals: typer
    # is imported here, not at the top, so that `timeback --version` runs without the server extra)
    globals()["_TyperContext"] = typer.Context

    from timeback._config import ENDLESS

    # Tracebacks never show local variables (the client secret is one): typer's default, said here because older
    # releases (before pyproject's >=0.21.1) defaulted the other way, and a default can change again. Help in click's
    # plain format (typer 0.29: errors too): rich's panels cut serve's longer option names to "--sourced-id-pai…" in
    # an 80-column terminal or CI log.
    app = typer.Typer(
        add_completion=False, no_args_is_help=True, help="Timeback OneRoster 1.2 SDK tools.",
        pretty_exceptions_show_locals=False, rich_markup_mode=None,
    )  # fmt: skip

    def print_version(wanted: bool) -> None:
        if wanted:
            from timeback._version import __version__

            typer.echo(f"timeback {__version__}")
            raise typer.Exit()

    @app.callback()
    def options(
        version: bool = typer.Option(
            False, "--version", callback=print_version, is_eager=True, help="Print the version and exit."
        ),
    ) -> None:
        pass

    # (help= rather than docstrings, which python -OO drops: the commands' lines were gone from --help)
    @app.command(help="Run the local Timeback-compatible OneRoster 1.2 server.")
    def serve(
        context: _TyperContext,
        host: str = typer.Option(
            "127.0.0.1", envvar="TIMEBACK_SERVE_HOST", metavar="HOST", help="Interface to listen on."
        ),
        port: int = typer.Option(
            8000,
            envvar="TIMEBACK_SERVE_PORT",
            min=0,
            max=65535,
            metavar="PORT",
            help="Port to listen on (0: a free one, picked as it listens and printed).",
        ),
        database: str = typer.Option(
            "sqlite:///timeback.db",
            envvar="TIMEBACK_SERVE_DATABASE",
            metavar="URL",
            help="SQLite URL: sqlite:///path.db, or sqlite:// in memory.",
        ),
        client_id: str | None = typer.Option(
            None,
            envvar="TIMEBACK_SERVE_CLIENT_ID",
            metavar="ID",
            help="OAuth2 client id (default: a generated dev client).",
        ),
        # (an option's value is in the process listing, which every user of the machine can read: the variable is not)
        client_secret: str | None = typer.Option(
            None,
            envvar="TIMEBACK_SERVE_CLIENT_SECRET",
            metavar="SECRET",
            help="OAuth2 client secret.",
            show_default=False,
        ),
        sourced_id_pairs: PairsStyle = typer.Option(
            PairsStyle.spec,
            envvar="TIMEBACK_SERVE_SOURCED_ID_PAIRS",
            help="Answer sourcedIdPairs as the OneRoster array (spec) or Timeback's single object.",
        ),
        # (at most the SDK's bound on a token's life, about 31 years; past a float's range it overflowed: a 500)
        token_ttl: int = typer.Option(
            3600,
            envvar="TIMEBACK_SERVE_TOKEN_TTL",
            min=1,
            max=int(ENDLESS),
            metavar="SECONDS",
            help="Access token lifetime in seconds (at most 1000000000).",
        ),
        token_max_failures: int = typer.Option(
            10,
            envvar="TIMEBACK_SERVE_TOKEN_MAX_FAILURES",
            min=0,
            metavar="N",
            help="Failed token requests allowed per client id within the window before 429 (0: no limit).",
        ),
        token_failure_window: float = typer.Option(
            60.0,
            envvar="TIMEBACK_SERVE_TOKEN_FAILURE_WINDOW",
            metavar="SECONDS",
            help="Window in seconds for --token-max-failures.",
        ),
        seed: str | None = typer.Option(
            None, envvar="TIMEBACK_SERVE_SEED", metavar="FILE", help="JSON file of OneRoster records to load at start."
        ),
        faults: str | None = typer.Option(
            None,
            envvar="TIMEBACK_SERVE_FAULTS",
            metavar="SPEC",
            help="Inject faults, e.g. '429=0.05,503=0.05,close=0.05,drop=0.05,slow=0.05' or 'all=0.3' "
            "(see README, Fault injection). Off by default.",
        ),
        scopes: str | None = typer.Option(
            None,
            envvar="TIMEBACK_SERVE_SCOPES",
            metavar="SCOPES",
            help="Space-separated scopes of the client (e.g. 'gradebook.readonly'); default: all of them.",
        ),
        query_timeout: float = typer.Option(
            30.0,
            envvar="TIMEBACK_SERVE_QUERY_TIMEOUT",
            metavar="SECONDS",
            help="A read still running after this many seconds is stopped and answered 504 (0: no limit).",
        ),
        access_log: bool = typer.Option(
            False, envvar="TIMEBACK_SERVE_ACCESS_LOG", help="Log every request (off by default: it costs throughput)."
        ),
        log_level: LogLevel = typer.Option(
            LogLevel.info,
            envvar="TIMEBACK_SERVE_LOG_LEVEL",
            case_sensitive=False,  # (WARNING, as containers write it)
            help="The least level logged, the server's and uvicorn's.",
        ),
        log_timestamps: bool = typer.Option(
            False,
            "--log-timestamps",
            envvar="TIMEBACK_SERVE_LOG_TIMESTAMPS",
            help="Begin each log line with its time (2026-12-07T21:20:00.123, the machine's time zone).",
        ),
        workers: int = typer.Option(
            1,
            envvar="TIMEBACK_SERVE_WORKERS",
            min=1,
            metavar="N",
            help="Server processes sharing the port and the database file (one per CPU to use them all).",
        ),
        root_path: str = typer.Option(
            "",
            envvar="TIMEBACK_SERVE_ROOT_PATH",
            metavar="PATH",
            help="The path prefix a reverse proxy serves this server under and strips (e.g. /oneroster): the "
            "Link headers, the docs and the OpenAPI document carry it. See README, Behind a reverse proxy.",
        ),
        forwarded_allow_ips: str | None = typer.Option(
            None,
            envvar="TIMEBACK_SERVE_FORWARDED_ALLOW_IPS",
            metavar="ADDRESSES",
            help="Comma-separated addresses or networks of the reverse proxies whose X-Forwarded-Proto, -For and "
            "-Host are trusted ('*': every peer, believing any client). Default: none, the peer is the client.",
        ),
    ) -> None:
        _hold_standard_descriptors()
        _refuse_empty_variables(context)
        import uvicorn

        from timeback._config import not_utf8
        from timeback.server import ServerSettings, create_app
        from timeback.server.config import SettingError, check_client

        try:  # (an empty variable counts as unset: a secret a CI job may not read, say)
            check_client(client_id, client_secret, "--client-id and --client-secret (or TIMEBACK_SERVE_CLIENT_ID "
                         "and TIMEBACK_SERVE_CLIENT_SECRET, not empty)")  # fmt: skip
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        # (a byte of another encoding in a variable: a traceback at start, from hashing the secret; named, not shown)
        unencodable = not_utf8(**{"--client-id (TIMEBACK_SERVE_CLIENT_ID)": client_id,
                                  "--client-secret (TIMEBACK_SERVE_CLIENT_SECRET)": client_secret})  # fmt: skip
        if unencodable:
            raise typer.BadParameter(f"{unencodable} holds a character that cannot be encoded as UTF-8")
        proxying = _proxying(_root_path(root_path))
        try:  # (the settings check themselves, as for a server made in Python: shown under the option's name)
            settings = ServerSettings(
                database=database,
                client_id=client_id,
                client_secret=client_secret,
                sourced_id_pairs=sourced_id_pairs.value,
                token_ttl_seconds=token_ttl,
                token_max_failures=token_max_failures,
                token_failure_window_seconds=token_failure_window,
                client_scopes=scopes,
                seed=seed,
                faults=faults,
                workers=workers,
                query_timeout_seconds=query_timeout,
                forwarded_allow_ips=forwarded_allow_ips,
            )
        except SettingError as exc:
            raise typer.BadParameter(exc.why, param_hint=_hint(_SETTING_OPTIONS[exc.setting])) from None
        import dataclasses

        from timeback.server.app import filter_server_logs, open_errors, opening_failed
        from timeback.server.seed import SeedAlreadyLoaded, SeedError, SeedPartlyHeld, counted, load_seed

        _check_can_listen(host, port)  # (before the database is made or seeded and anything is printed)
        from timeback.server.storage.sql import database_file, readable_by_everyone

        # (said once opened: not of a file then refused, holding no passwords; here, once: not in every worker too)
        exposed = readable_by_everyone(database)
        # (the banner says which: a CI run that meant to start afresh can see the records of an earlier one are kept)
        file = database_file(database)
        # (an empty file too is new: `mktemp` makes one, which the server fills with its tables)
        kept = "" if file is None else ", its records kept" if _size(file) else ", a new file"
        # SIGTERM is Ctrl-C while the database is made and seeded: a KeyboardInterrupt rolls a half-loaded seed back
        # (the default handler killed the process there, exit 143, which fails CI's `kill $PID; wait $PID`, with the
        # seed's -wal and -shm left). Once the app is built, either signal is noted, not raised, until uvicorn takes
        # them over: raised between the banner and uvicorn's own handlers, it escaped (exit 130) or failed its
        # start (3). A stop noted stops uvicorn as soon as it has started; the handlers found are put back at the end.
        stop_signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
        # SIGHUP (the terminal closed, a container's reload) killed one process: exit 129, its -wal and -shm left.
        # A stop too, unless ignored (nohup). With --workers, uvicorn's supervisor restarts the workers on it.
        hangup = getattr(signal, "SIGHUP", None)  # (not on Windows)
        if workers == 1 and hangup is not None and signal.getsignal(hangup) is not signal.SIG_IGN:
            stop_signals += (hangup,)
        stops: list[int] = []

        def take_over(handler: Any) -> None:
            for sig in stop_signals:
                signal.signal(sig, handler)

        app_ = None
        seeded: dict[str, int] | None = None  # (how many records of each collection the seed loaded)
        held: int | None = None  # (how many the database holds already, a seed not loaded again)
        commits: int | None = None  # (the storage's before the seed: one more, and the seed is stored)
        with _sigterm_as_ctrl_c(*stop_signals):  # (the handlers take_over replaces are put back too)
            try:
                try:
                    # (made and seeded by this process alone: with the workers' number, it made their failed-login
                    # file before it could fail, and left it. Seeded here, once the app is: a stop that came once the
                    # seed was stored said it was not)
                    app_ = create_app(dataclasses.replace(settings, workers=1, seed=None))
                    if seed is not None:
                        commits = app_.state.storage.commits
                        try:
                            seeded = load_seed(app_.state.service, seed)
                        except SeedAlreadyLoaded as exc:  # (a restart on its file with the same --seed)
                            held = exc.records
                    if workers > 1:
                        # (its writes fail as opening does: a database locked, a disk full)
                        _prepare_workers(app_, settings)
                    take_over(lambda sig, frame: stops.append(sig))
                except SeedPartlyHeld as exc:  # (the database's state: exit 1, one line)
                    typer.echo(f"timeback: cannot load the seed {exc}", err=True)
                    raise typer.Exit(1) from None
                except SeedError as exc:
                    raise typer.BadParameter(str(exc), param_hint=_hint("--seed")) from None
                except open_errors() as exc:  # (no such directory, not writable, not a database file, locked)
                    why, of_the_option = opening_failed(database, exc)
                    if not of_the_option:  # (locked, damaged, a full disk: no usage error, exit 2)
                        typer.echo(f"timeback: {why}", err=True)
                        raise typer.Exit(1) from None
                    raise typer.BadParameter(why, param_hint=_hint("--database")) from None
                except KeyboardInterrupt:  # (SIGTERM, Ctrl-C: both closed what they opened, a half-loaded seed undone)
                    stored = app_ is not None and commits is not None and app_.state.storage.commits > commits
                    if app_ is not None:  # (stopped once it was built)
                        _close(app_)
                    said = ": the seed is stored" if stored else ": nothing of the seed is stored" if seed else ""
                    typer.echo(f"Stopped while starting{said}.", err=True)
                    return
                if exposed is not None:
                    typer.echo(f"timeback: warning: {exposed}", err=True)
                try:
                    listening = _listen(host, port)
                except OSError as exc:  # (taken since _check_can_listen)
                    _refuse_listening(host, port, exc)
                port = listening.getsockname()[1]  # (--port 0: the free port the system picked, all workers share it)
                from timeback.server.runner import reachable_host, url_of

                reach, base = reachable_host(host), url_of("http", host, port)
                where = f" (listening on every interface: {host})" if reach != host else ""
                try:
                    loaded = None if seeded is None else f"Loaded the seed {seed}: {_counted(seeded)}"
                    if held is not None:
                        loaded = (f"The seed {seed} is in the database already (its {counted(held, 'record')}): "
                                  "not loaded again")  # fmt: skip
                    _banner(f"{base}{where} (database {database}{kept})", faults, app_.state.dev_credentials, base,
                            reach, loaded)  # fmt: skip
                except BrokenPipeError as exc:
                    # (its reader gone, ``serve | head -1``: it serves on, as with standard output closed, or the
                    # reader gone just after the banner; it refused to start, exit 1, or not, as the race went)
                    _drop_output()
                    with contextlib.suppress(OSError):  # (standard error into that pipe too: `serve 2>&1 | head -1`)
                        typer.echo(f"timeback: warning: the server's output could not be written ({exc.strerror}): "
                                   "it is dropped from now on", err=True)  # fmt: skip
                except OSError as exc:  # (stdout on a full disk, say: a traceback)
                    listening.close()
                    _drop_output()
                    typer.echo(f"timeback: cannot write the server's output: {exc.strerror or exc}", err=True)
                    raise typer.Exit(1) from None
                from timeback.server.app import import_request_modules, raise_open_files_limit, tune_gc

                if workers > 1:
                    config = _workers_config(
                        host, port, workers, access_log, log_level.value, log_timestamps, **proxying
                    )
                    raise_open_files_limit()  # (once its logging is set up by the config; before its workers start)
                    _run_workers(app_, settings, config, listening, stops)
                    return
                import_request_modules()
                tune_gc()
                from timeback.server.access_log import serve_log_config
                from timeback.server.protocol import KEEP_ALIVE_SECONDS, BoundedHttpToolsProtocol

                logs = serve_log_config(log_level.value, log_timestamps)
                config = uvicorn.Config(app_, http=BoundedHttpToolsProtocol, log_level=log_level.value,
                                        access_log=access_log, log_config=logs,
                                        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
                                        timeout_keep_alive=KEEP_ALIVE_SECONDS, **proxying)  # fmt: skip
                filter_server_logs(settings)  # (once uvicorn configured logging: --workers, each worker's app does)
                raise_open_files_limit()
                server = _server(config)
                take_over(server.handle_exit)  # (uvicorn's own handler, before its run takes the signals over itself)
                if stops:
                    server.should_exit = True  # (it starts, then stops at once: its lifespan's shutdown closes the app)
                try:
                    # (uvicorn.run's, on the socket listened on before the banner; a start that fails, the lifespan's,
                    # exits STARTUP_FAILURE from inside it, as uvicorn.run's does)
                    server.run(sockets=[listening])
                finally:
                    listening.close()
            except BaseException:
                # Whatever stopped the start (uvicorn's own setup included) closes the app: its -wal and -shm were left.
                # (Closed already by _prepare_workers or the lifespan's shutdown: closing again does nothing.)
                if app_ is not None:
                    _close(app_)
                raise

    @app.command(
        short_help="Grade a seeded school through the SDK on an in-process server.",
        help="Start a server in-process, seed a school, run the seed operations through the SDK, print the gradebook.",
    )
    def demo() -> None:
        import tempfile

        from timeback._demo import OutputUnwritable, run_demo
        from timeback.errors import TimebackError
        from timeback.server.app import open_errors
        from timeback.server.seed import SeedError

        try:  # (tempfile's error named its candidate directories, in a traceback, and not the way out)
            tempfile.gettempdir()
        except OSError:
            reason = "no writable temporary directory (set TMPDIR to one)"
            typer.echo(f"timeback: the demo could not run: {reason}", err=True)
            raise typer.Exit(1) from None
        failures: tuple[type[Exception], ...] = (SeedError, TimebackError, *open_errors())
        try:
            # SIGTERM is Ctrl-C while it runs: the default killed it, exit 143, with its temporary directory left (3 MB)
            with _sigterm_as_ctrl_c():
                code = run_demo()
        except OutputUnwritable as exc:  # (as serve's banner on a full disk)
            _drop_output()
            typer.echo(f"timeback: cannot write the demo's output: {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:  # (its server stopped and its temporary directory removed on the way out)
            raise typer.Exit(130) from None
        except failures as exc:  # (a full disk, no loopback: a traceback of 60-390 lines)
            typer.echo(f"timeback: the demo could not run: {_reason(exc)}", err=True)
            raise typer.Exit(1) from None
        raise typer.Exit(code)

    return app
