"""Server settings, in one place."""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from typing import Literal, get_args, get_origin, get_type_hints

from timeback._config import ENDLESS, not_utf8


@dataclass(frozen=True)
class ServerSettings:
    """The local server's settings, in one place: ``timeback serve`` makes them from its options and ``TIMEBACK_*``
    variables, ``LocalServer`` and ``create_app`` take them. Values the server cannot run with (``__post_init__``'s
    checks) are a ``SettingError`` (a ``ValueError``) naming the field. The comment beside each field says what it
    does."""

    database: str = "sqlite://"  # SQLite URL: sqlite:///path.db, or sqlite:// in memory
    client_id: str | None = None  # None: a dev client is made at start
    client_secret: str | None = field(default=None, repr=False)  # (never in a repr, which error reporters capture)
    client_scopes: str | None = None  # space-separated scopes of the client (short or full URIs); None: all
    sourced_id_pairs: Literal["spec", "timeback"] = "spec"  # array of pairs (OneRoster) or first pair (Timeback)
    token_ttl_seconds: int = 3600
    # tokens held at most, the one used least recently dropped first (its holder gets a 401): tokens that never
    # expire grew the server by about 0.7 KB each, without end, under a client fetching one per call
    max_live_tokens: int = 100_000
    token_max_failures: int = 10  # failed token requests per client id within the window before 429; 0: no limit
    token_failure_window_seconds: float = 60.0
    seed: str | os.PathLike[str] | None = None  # a JSON file of records to load at start (see timeback.server.seed)
    faults: str | None = None  # fault injection spec (see timeback.server.faults); None: off
    workers: int = 1  # server processes on the database (timeback serve --workers); above 1, tokens are shared there
    max_body_bytes: int = 32 * 1024 * 1024  # larger request bodies are 413
    # a request body none of which comes for this long is 408, the connection closed (as a load balancer cuts an
    # idle request); 0: no limit
    body_timeout_seconds: float = 30.0
    max_string_length: int = 65_536  # characters in any one JSON string (or key) of a request body; more: 422
    # nesting levels of objects/arrays in a request body (a batch's array of records not counted); deeper: 422
    max_json_depth: int = 32
    # object fields and array items in a request body outside metadata (a result is about 13, metadata counting one):
    # each may make a validation error or several, and naming millions of them took minutes and gigabytes. More: 413
    max_json_values: int = 200_000
    # object fields and array items inside a request body's metadata objects, all together: no model looks there,
    # but a PUT of 15M items (30 MB) took 21 s and 940 MB as it was copied, stored and echoed. More: 413
    max_metadata_values: int = 1_000_000
    # a read (a listing, a get) still running this long after it came is stopped inside SQLite and answered 504, as
    # Timeback's gateway cuts a request at 29 s: a runaway filter held a thread and a CPU for as long as it ran, its
    # client long gone. None or 0: no limit. Writes are never cut (see lane.OperationLane._serve)
    query_timeout_seconds: float | None = 30.0
    max_page_size: int = 3000
    # a page's records hold at most this many characters of JSON all together (one record at least): past it the page
    # is answered short, its envelope's offset and Link next saying where the rest starts (Timeback answers short
    # pages too). 3,000 records of 30 MB each made one listing of 90 GB, built in memory (about four times over)
    max_page_characters: int = 32 * 1024 * 1024
    default_page_size: int = 100
    # the reverse proxies (comma-separated IP addresses or networks; "*": every peer) whose X-Forwarded-Proto, -For
    # and -Host are the request's scheme, client address and host (timeback serve --forwarded-allow-ips); None: none
    forwarded_allow_ips: str | None = None

    @property
    def read_time_limit(self) -> float | None:
        """``query_timeout_seconds`` when it limits anything: None for 0, None or infinity."""
        limit = self.query_timeout_seconds
        return limit if limit and limit < float("inf") else None

    def __post_init__(self) -> None:
        # (a value of another type failed later, naming no setting: client_scopes=["gradebook.readonly"] an
        # AttributeError, no .split, token_ttl_seconds="3600" a TypeError; the secret's value never shown)
        if isinstance(self.seed, os.PathLike):  # (a file's path: a pathlib.Path is taken, as a file's name is)
            object.__setattr__(self, "seed", os.fspath(self.seed))
        for name, (kinds, optional) in _typed_settings().items():
            value = getattr(self, name)
            if not (isinstance(value, kinds) and not isinstance(value, bool)) and not (optional and value is None):
                shown = "[redacted]" if name == "client_secret" else value
                wanted = _WANTED.get(kinds, "a number")
                raise SettingError(name, shown, f"must be {wanted}, not {type(value).__name__}")
        check_client(self.client_id, self.client_secret)
        # (an empty id was served as a generated one, never shown, an empty secret as a generated one: the client
        # the caller named was not the server's; as ``timeback serve`` shows it, under the option)
        for name in ("client_id", "client_secret"):
            if getattr(self, name) == "":
                raise SettingError(name, "", "must not be empty")
        # (a lone surrogate, from a byte of another encoding in the environment: a raw UnicodeEncodeError as the app
        # hashed the secret, the error holding it whole; named here, not shown)
        if unencodable := not_utf8(client_id=self.client_id, client_secret=self.client_secret):
            raise ValueError(f"{unencodable} holds a character that cannot be encoded as UTF-8")
        # What ``timeback serve`` refuses, a server made from settings refuses too: it started, then failed its calls
        if self.seed == "":  # (seed=os.environ.get("SEED_FILE", "") with the variable unset: no records, no word)
            raise SettingError("seed", "", "must not be empty")
        if self.client_scopes is not None:  # ("" held all scopes, admin's too; one misspelt made every call 403)
            from timeback.server.auth import ALL_SCOPES, short_scope

            unknown = [scope for scope in self.client_scopes.split() if short_scope(scope) not in ALL_SCOPES.split()]
            if unknown or not self.client_scopes.split():
                why = f"unknown scope {unknown[0]!r} (known: {ALL_SCOPES})" if unknown else "no scope given"
                raise SettingError("client_scopes", self.client_scopes, why)
        if self.sourced_id_pairs not in ("spec", "timeback"):
            raise SettingError("sourced_id_pairs", self.sourced_id_pairs, "must be 'spec' or 'timeback'")
        # (0 or less: tokens born expired; past a float's range, every token request a 500)
        if not 1 <= self.token_ttl_seconds <= MAX_TOKEN_TTL_SECONDS:
            why = f"must be from 1 to {MAX_TOKEN_TTL_SECONDS} seconds (about 31 years)"
            raise SettingError("token_ttl_seconds", self.token_ttl_seconds, why)
        if not self.max_live_tokens >= 1:  # (0 refused every token as it was issued; negative emptied the table)
            raise SettingError("max_live_tokens", self.max_live_tokens, "must be 1 or more")
        if not self.token_max_failures >= 0:
            raise SettingError("token_max_failures", self.token_max_failures, "must be 0 or more (0: no limit)")
        # (0, negative or NaN: no failure ever counted; infinity locked a client out for good, and 1e300 answered a
        # Retry-After of 301 digits)
        if not 0 < self.token_failure_window_seconds <= MAX_TOKEN_TTL_SECONDS:
            why = f"must be a finite number of seconds above 0, at most {MAX_TOKEN_TTL_SECONDS} (about 31 years)"
            raise SettingError("token_failure_window_seconds", self.token_failure_window_seconds, why)
        if self.query_timeout_seconds is not None and not self.query_timeout_seconds >= 0:  # (NaN too)
            why = "must be 0 or more seconds (0: no limit)"
            raise SettingError("query_timeout_seconds", self.query_timeout_seconds, why)
        if not 0 <= self.body_timeout_seconds < math.inf:  # (NaN: every request with a body a 500)
            why = "must be 0 or more seconds, and finite (0: no limit)"
            raise SettingError("body_timeout_seconds", self.body_timeout_seconds, why)
        if not self.max_page_size >= 1:  # (0: every listing a 500, dividing by the page size)
            raise SettingError("max_page_size", self.max_page_size, "must be 1 or more")
        if not self.max_page_characters >= 1:
            raise SettingError("max_page_characters", self.max_page_characters, "must be 1 or more")
        # (-1: listings of limit -1, pageCount -5. Above max_page_size it is served as that: max_page_size=10 alone
        # is a server of pages of 10.)
        if not self.default_page_size >= 1:
            raise SettingError("default_page_size", self.default_page_size, "must be 1 or more")
        if not self.workers >= 1:
            raise SettingError("workers", self.workers, "must be 1 or more")
        if self.workers > 1 and in_memory(self.database):  # (their failed-login file was "None-logins", shared)
            raise SettingError("workers", self.workers, f"{WORKERS_NEED_A_FILE} ({self.database!r})")
        if self.faults:
            from timeback.server.faults import FaultSpec

            if self.workers > 1:  # (each process would draw its own faults, and count its own)
                why = f"fault injection runs in one process, not {self.workers} workers"
                raise SettingError("faults", self.faults, why)
            try:
                FaultSpec.parse(self.faults)
            except ValueError as exc:
                raise SettingError("faults", self.faults, str(exc)) from None
        if self.forwarded_allow_ips is not None:
            try:
                trusted_proxies(self.forwarded_allow_ips)
            except ValueError as exc:
                raise SettingError("forwarded_allow_ips", self.forwarded_allow_ips, str(exc)) from None


# What a setting typed as text, or as a whole number, must be, by the types its value may have (else: a number)
_WANTED: dict[tuple[type, ...], str] = {(str,): "text (a str)", (int,): "a whole number (an int)"}


@functools.cache
def _typed_settings() -> dict[str, tuple[tuple[type, ...], bool]]:
    """The settings typed as text (``str``, a ``Literal`` of them) or as a number (``int``; ``float``, which takes an
    int too), each with the types its value may have and whether it may be None. (A bool is no number here.)"""
    settings: dict[str, tuple[tuple[type, ...], bool]] = {}
    for name, kind in get_type_hints(ServerSettings).items():
        choices = get_args(kind) if get_origin(kind) is not Literal else (kind,)
        if str in choices or kind is str or get_origin(kind) is Literal:
            settings[name] = ((str,), type(None) in choices)
        elif float in choices or kind is float:
            settings[name] = ((int, float), type(None) in choices)
        elif int in choices or kind is int:
            settings[name] = ((int,), type(None) in choices)
    return settings


class SettingError(ValueError):
    """A setting ``ServerSettings`` refuses: ``setting`` names it, ``why`` says what is wrong with its value (what
    ``timeback serve`` shows under the setting's option)."""

    def __init__(self, setting: str, value: object, why: str) -> None:
        super().__init__(f"{setting}={value!r}: {why}")
        self.setting, self.why = setting, why


# Seconds a token may live at most: the SDK's bound (``timeback._config.ENDLESS``, about 31 years)
MAX_TOKEN_TTL_SECONDS = int(ENDLESS)
WORKERS_NEED_A_FILE = "several workers need a database file, not in-memory"


def in_memory(database: str) -> bool:
    """Whether ``database`` is a SQLite URL naming no file (``sqlite://``, ``sqlite:///:memory:``; not ``sqlite:///``,
    an empty path, which ``open_storage`` refuses as a variable left unset: with ``workers``, it said they need a
    file instead)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from timeback.server.storage.sql import has_host_part, names_no_file

    try:
        parsed = make_url(database)
    except (ArgumentError, ValueError):  # (ValueError: a port that is no number)
        return False  # (not a URL: open_storage says so)
    # (sqlite://x.db: open_storage says why)
    return parsed.database != "" and names_no_file(parsed.database) and not has_host_part(parsed)


def trusted_proxies(value: str) -> str:
    """``forwarded_allow_ips`` as uvicorn's proxy headers middleware reads it: each an IP address or network, or "*"
    alone; a ValueError saying why for anything else, which uvicorn took as a name no TCP peer has, silently: a typo
    trusted no proxy, or with "*" among others, not every one."""
    import ipaddress

    if not value.strip():  # (--forwarded-allow-ips "$PROXIES" with PROXIES unset)
        raise ValueError("must not be empty")
    entries = [entry.strip() for entry in value.split(",")]
    if entries == ["*"]:
        return "*"  # (uvicorn trusts every peer for "*" exactly: " *" was a name)
    for entry in entries:
        try:
            ipaddress.ip_network(entry) if "/" in entry else ipaddress.ip_address(entry)  # (as uvicorn reads them)
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (or '*' alone, trusting every peer)") from None
    return ",".join(entries)


def check_client(client_id: str | None, client_secret: str | None, names: str = "client_id and client_secret") -> None:
    """A ValueError unless both or neither are given (``names`` says how the caller calls them): a secret without
    an id left ``LocalServer.client_kwargs()`` a TypeError, an id without a secret a generated secret."""
    if (client_id is None) != (client_secret is None):
        raise ValueError(f"give both {names}, or neither")
