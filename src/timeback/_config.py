"""Client configuration: constructor arguments first, then ``TIMEBACK_*`` environment variables."""

from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict, Unpack

import httpx

from timeback._version import __version__
from timeback.errors import ConfigurationError

Environment = Literal["production", "staging"]

ENVIRONMENTS: dict[str, tuple[str, str]] = {
    # environment: (API base URL, OAuth2 token URL)
    "production": (
        "https://api.alpha-1edtech.ai",
        "https://prod-beyond-timeback-api-2-idp.auth.us-east-1.amazoncognito.com/oauth2/token",
    ),
    "staging": (
        "https://api.staging.alpha-1edtech.ai",
        "https://staging-beyond-timeback-api-2-idp.auth.us-east-1.amazoncognito.com/oauth2/token",
    ),
}

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
# The SDK's own http clients' pool: up to 100 threads or tasks sharing a client each keep their connection between
# calls (httpx's default keeps 20 idle: 32 threads opened a new connection for nearly every call).
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"timeback-python/{__version__}"  # (every request the SDK sends, the token request too)


@dataclass(frozen=True)
class ClientConfig:
    client_id: str
    client_secret: str = field(repr=False)
    base_url: str
    token_url: str
    timeout: httpx.Timeout
    max_retries: int
    deadline: float | None = None  # seconds for a whole call, retries and waits included; None: no limit


class ClientOptions(TypedDict, total=False):
    """The configuration arguments of ``Timeback`` and ``AsyncTimeback``."""

    client_id: str | None
    client_secret: str | None
    environment: Environment | None  # (typed, so that a checker catches "prod"; checked at run time too)
    base_url: str | httpx.URL | None
    token_url: str | httpx.URL | None
    timeout: float | httpx.Timeout | None
    max_retries: int | None
    deadline: float | None


class Concealed:
    """A client secret as the SDK holds it while it resolves its configuration. Error reporters record the local
    variables of each frame an error passed through (Sentry's ``include_local_variables``, on by default; a ``str``
    as it is, an object by its repr): a misconfigured client, the error a deployment meets first, would send its
    secret with them."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:  # (a str, as typed; anything else is passed on as given)
        self.value = value

    def __repr__(self) -> str:
        return "Concealed('**********')"


def conceal(options: ClientOptions) -> None:
    """``options``' client secret, in place, as a ``Concealed``: the first thing a constructor does with them. So is
    the value of any argument the client does not take (``clientSecret=``, a typo: refused, but recorded first)."""
    secrets = [key for key in options if key == "client_secret" or key not in ClientOptions.__annotations__]
    for key in secrets:  # (no local holds the value: this frame is on the traceback of a refusal too)
        if options[key] is not None and not isinstance(options[key], Concealed):  # type: ignore[literal-required]
            options[key] = Concealed(options[key])  # type: ignore[literal-required]


def _env(name: str) -> str | None:
    # (never ``os.environ`` in a local: its repr, which error reporters record, shows every variable of the process)
    return os.environ.get(name) or None


def not_utf8(**values: str | None) -> str | None:
    """The name of the first of ``values`` that cannot be encoded as UTF-8, if any: a byte of another encoding in an
    environment variable is read as a lone surrogate ('\\udce9' for 0xE9), which quote() and encode() refuse with an
    error that shows the value (a secret). Checked here, so that no frame of an error the caller raises holds it."""
    for name, value in values.items():
        try:
            (value or "").encode()
        except UnicodeEncodeError:
            return name
    return None


def resolve_config(**options: Unpack[ClientOptions]) -> ClientConfig:
    """Merge arguments with the environment. Raises ``ConfigurationError`` naming every missing variable."""
    conceal(options)
    unknown = set(options) - set(ClientOptions.__annotations__)
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    given: Any = options.get("client_secret")  # (a Concealed, or None when not given)
    given_urls = {"base_url": options.get("base_url"), "token_url": options.get("token_url")}
    urls = {key: str(url) if isinstance(url, httpx.URL) else url for key, url in given_urls.items()}  # (as text)
    # Found here, not as a bare TypeError from quote(), or a server's 400 for bytes, at every call; a URL's at once,
    # "argument of type 'int' is not iterable". (Types only: a local holding the secret would be recorded with any
    # error raised below.)
    kinds = {"client_id": type(options.get("client_id")), "client_secret": type(given and given.value)}
    for name, kind in (kinds | {key: type(url) for key, url in urls.items()}).items():
        if kind is not type(None) and not issubclass(kind, str):
            raise ConfigurationError(f"{name} must be a string, not {kind.__name__}", (name,))
    client_id = options.get("client_id") or _env("TIMEBACK_CLIENT_ID")
    client_secret: Concealed | None = given if isinstance(given, Concealed) and given.value else None
    if client_secret is None and os.environ.get("TIMEBACK_CLIENT_SECRET"):
        client_secret = Concealed(os.environ["TIMEBACK_CLIENT_SECRET"])
    # Refused here, named: else a UnicodeEncodeError at each call's token request, with the secret in its message.
    id_name = "client_id" if options.get("client_id") else "TIMEBACK_CLIENT_ID"
    secret_name = "client_secret" if client_secret is given else "TIMEBACK_CLIENT_SECRET"
    unencodable = not_utf8(**{id_name: client_id, secret_name: client_secret.value if client_secret else None})
    if unencodable:
        raise ConfigurationError(f"{unencodable} holds a character that cannot be encoded as UTF-8", (unencodable,))
    # Where to send grades and credentials is taken whole from one place: the arguments if they name an environment
    # or a base URL, else the environment variables. Mixed, an argument's local server would get the token URL of
    # a TIMEBACK_ENVIRONMENT left in the shell (the client's secret sent to production), or a staging token be
    # sent to a TIMEBACK_BASE_URL.
    environment: str | None  # (any text: TIMEBACK_ENVIRONMENT's, or an untyped caller's argument; checked below)
    if options.get("environment") or urls["base_url"]:
        environment, base_url = options.get("environment") or None, urls["base_url"] or None
        token_url = urls["token_url"] or None
        names = {"environment": "environment", "base_url": "base_url", "token_url": "token_url"}
    else:
        environment, base_url = _env("TIMEBACK_ENVIRONMENT"), _env("TIMEBACK_BASE_URL")
        token_url = urls["token_url"] or _env("TIMEBACK_TOKEN_URL")
        names = {"environment": "TIMEBACK_ENVIRONMENT", "base_url": "TIMEBACK_BASE_URL",
                 "token_url": "token_url" if urls["token_url"] else "TIMEBACK_TOKEN_URL"}  # fmt: skip
    timeout, max_retries, deadline = checked_options(
        options.get("timeout"), options.get("max_retries"), options.get("deadline")
    )

    insecure_ok = _env("TIMEBACK_INSECURE_TRANSPORT") == "1"
    missing = []
    if not client_id:
        missing.append("TIMEBACK_CLIENT_ID")
    if client_secret is None:
        missing.append("TIMEBACK_CLIENT_SECRET")
    if environment is not None and environment not in ENVIRONMENTS:
        name = names["environment"]
        raise ConfigurationError(f"{name} must be 'production' or 'staging', not {environment!r}", (name,))
    for key, url in (("base_url", base_url), ("token_url", token_url)):
        parsed = None if url is None else _http_url(url)
        if url is not None and parsed is None:  # (found here, not as httpx.InvalidURL at the first call)
            name = names[key]
            shown = repr(url) if "@" not in url else "a URL holding '@' (not shown: it may hold a password)"
            raise ConfigurationError(f"{name} must be an http:// or https:// URL with a host, not {shown}", (name,))
        port = "" if url is None else _port_as_written(url)
        if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
            # httpx reads a port with int(): 99999 was taken, and the sync client sent to 34463 (99999 - 65536), the
            # client id and secret with it; "+80", "1_0" and "-1" were taken too.
            name = names[key]
            raise ConfigurationError(f"{name} must have a port from 1 to 65535, if any, not {port!r}", (name,))
        unusable = None if parsed is None else _unusable_host(parsed)
        if unusable:
            name = names[key]
            raise ConfigurationError(f"{name} has a host name that is not valid (IDNA): {unusable}", (name,))
        if parsed is not None and parsed.userinfo:
            # httpx would send it as Basic credentials in place of the bearer token (or of the client's own on the
            # token endpoint), and the URL, password and all, would be in every error message and log line.
            raise ConfigurationError(
                f"{names[key]} must not hold a user or password (user:password@): the SDK authenticates with the "
                "client id and secret",
                (names[key],),
            )
        if key == "base_url" and url is not None and ("?" in url or "#" in url):
            # Each call's path is appended to it: the token URL of "http://host/?x=1" was
            # "http://host/?x=1/oauth2/token", and every path part of the query. (Not shown: a query may hold a key.)
            raise ConfigurationError(
                f"{names[key]} must have no query (?) nor fragment (#): the API's root, to which the SDK appends "
                "each call's path",
                (names[key],),
            )
        if parsed is not None and parsed.scheme == "http" and not is_loopback(parsed.host) and not insecure_ok:
            # The token request carries the client secret, and every call a bearer token: over plain http anyone on
            # the path reads them (oauthlib's InsecureTransportError, refused the same way).
            raise ConfigurationError(
                f"{names[key]} is http:// to {parsed.host!r}, which is not this machine: the client secret and "
                "bearer tokens would travel unencrypted. Use https://, or set TIMEBACK_INSECURE_TRANSPORT=1 to "
                "allow it on purpose (e.g. a local server reached as http://timeback:8000 from a CI container)",
                (names[key],),
            )
    if environment is not None and base_url is not None and token_url is None:
        if base_url.rstrip("/") != ENVIRONMENTS[environment][0]:
            # The token would come from the environment's Cognito while calls go elsewhere: a local server's secret
            # sent to production, or a production token to another host, on a variable left in the shell.
            both = (names["environment"], names["base_url"])
            raise ConfigurationError(
                f"{both[0]} and {both[1]} are both given, and {base_url!r} is not {environment}'s API: say where "
                f"tokens come from ({names['token_url']}), or give only one of them",
                both,
            )
    if environment is None and base_url is None:
        # Never fall back to production silently: the caller must say where to send grades.
        missing.append("TIMEBACK_ENVIRONMENT (or TIMEBACK_BASE_URL)")
    if missing:
        arguments = ", ".join(_ARGUMENT_OF[name] for name in missing)
        raise ConfigurationError(
            f"Timeback client is not configured; set {', '.join(missing)}, or pass them as arguments ({arguments})",
            tuple(missing),
        )
    assert client_id is not None and client_secret is not None
    env_base, env_token = ENVIRONMENTS[environment] if environment else (None, None)
    base_url = (base_url or env_base or "").rstrip("/")
    # A base URL given without an environment is a self-hosted server: its token endpoint sits beside the API.
    token_url = token_url or env_token or f"{base_url}/oauth2/token"
    return ClientConfig(
        client_id=client_id,
        client_secret=client_secret.value,
        base_url=base_url,
        token_url=token_url,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
        deadline=deadline,
    )


_ARGUMENT_OF = {
    "TIMEBACK_CLIENT_ID": "client_id=",
    "TIMEBACK_CLIENT_SECRET": "client_secret=",
    "TIMEBACK_ENVIRONMENT (or TIMEBACK_BASE_URL)": "environment= or base_url=",
}


# Seconds (about 31 years) from which a timeout is no limit: a socket takes none past about 292 years (the sync
# client raised OverflowError for ``timeout=math.inf``), aiohttp none that is infinite.
ENDLESS = 1e9


def checked_options(
    timeout: float | httpx.Timeout | None, max_retries: int | None, deadline: float | None
) -> tuple[httpx.Timeout | None, int | None, float | None]:
    """The options every client and call takes, checked where they are given (each None: not given). Found later
    they failed far from their cause: NaN compares false with everything, so a NaN deadline never passed and made
    the phases it capped NaN, which the socket refused naming nothing; a negative timeout was refused by the socket
    the same way, and one of 0 failed every connection ("Operation now in progress"); ``deadline="5"`` was a
    TypeError of float + str at the first request; ``max_retries=-1`` was taken as no retries."""
    if timeout is not None:
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(_seconds("timeout", timeout, positive=True, no_limit="httpx.Timeout(None)"))
        phases = timeout.as_dict()
        for phase, value in phases.items():
            if value is not None:
                _seconds(f"timeout ({phase})", value, positive=True)
        if any(value is not None and value >= ENDLESS for value in phases.values()):
            timeout = httpx.Timeout(**{k: None if v is not None and v >= ENDLESS else v for k, v in phases.items()})
    if max_retries is not None:
        whole_number("max_retries", max_retries, 0, "retries")
    if deadline is not None:
        # (not checked for being positive: a deadline computed from what is left of a caller's time may have run
        # out, and such a call fails as one whose deadline passed, with APITimeoutError)
        deadline = _seconds("deadline", deadline)
    return timeout, max_retries, deadline


def whole_number(name: str, value: Any, least: int, what: str) -> int:
    """``value``, an ``int`` of ``least`` or more: not a bool, nor a float (``2.0``, ``1.5``), nor text; else the
    error naming ``name``, a count of ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _bad(name, value, f"a whole number of {what}, {least} or more")
    return value


def _seconds(name: str, value: Any, *, positive: bool = False, no_limit: str = "None") -> float:
    """``value``, a number of seconds (more than 0 if ``positive``: a timeout of 0 failed every connection, "Operation
    now in progress"); ``no_limit`` says how to ask for none."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(name, value, f"a number of seconds ({no_limit}: no limit)")
    if value != value or (value <= 0 and positive):
        more = ", more than 0" if positive else ""
        raise ValueError(f"{name} must be a number of seconds{more} ({no_limit}: no limit), not {value!r}")
    try:
        return float(value)
    except OverflowError:  # (an int past any float, 10**400: kept as given, it overflowed at each call)
        return math.inf if value > 0 else -math.inf


def _bad(name: str, value: Any, what: str) -> Exception:
    error = TypeError if not isinstance(value, (int, float)) or isinstance(value, bool) else ValueError
    return error(f"{name} must be {what}, not {value!r}")


def is_loopback(host: str) -> bool:
    """``localhost``, or a loopback address: 127.0.0.0/8 in any form the resolver reads as a number (``127.1``,
    ``0x7f.1``, ``2130706433``), ``::1``, or 127.0.0.0/8 mapped into IPv6 (``::ffff:127.0.0.1``). Not
    ``localhost.``: glibc looks the rooted name up in DNS, not /etc/hosts, and DNS may answer anything."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # (a name, or an IPv4 address in a short or numeric form, which connect() resolves alike)
        numeric = ipv4_address(host)
        return numeric is not None and ipaddress.IPv4Address(numeric).is_loopback
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


# (inet_aton's own parse stops at whitespace on some C libraries: only what is wholly an address goes to it)
_INET_ATON_FORM = re.compile(r"(?:0[xX][0-9a-fA-F]+|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]+|[0-9]+)){0,3}")


def ipv4_address(host: str) -> str | None:
    """The dotted quad of an IPv4 address written in any form the resolver reads as a number (``127.1``, ``0x7f.1``,
    ``2130706433``, ``127.0.0.1`` itself), else None (a name, an IPv6 address)."""
    import socket

    if not _INET_ATON_FORM.fullmatch(host):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


_AUTHORITY = re.compile(r"//([^/?#]*)")  # (the first // in an http URL starts its authority: user@host:port)


def _port_as_written(url: str) -> str:
    """The port of ``url`` (an http URL with a host) as written, '' if none."""
    authority = _AUTHORITY.search(url)
    host_and_port = "" if authority is None else authority[1].rpartition("@")[2]
    return host_and_port.rpartition("]")[2].partition(":")[2]  # (an IPv6 address's colons are not the port's)


def _http_url(url: str) -> httpx.URL | None:
    """``url`` parsed, if it is an http(s) URL with a host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return None
    return parsed if parsed.scheme in ("http", "https") and parsed.raw_host else None


def _unusable_host(url: httpx.URL) -> str | None:
    """Why ``url``'s host cannot be looked up (as IDNA encodes it), or None. Found here, not as a bare UnicodeError
    at each call (the sync client's and aiohttp's; httpx's async one said only "Name or service not known"), nor as
    the idna package's error out of the constructor (``url.host`` of an ``xn--`` label IDNA 2008 refuses)."""
    raw = url.raw_host.decode("ascii")
    try:
        url.host  # noqa: B018 (decodes each xn-- label: httpx reads it so)
        raw.encode("idna")  # (as the socket module does: an empty label, or one over 63 characters, is refused)
    except UnicodeError as error:
        return f"{raw!r} ({error.__cause__ or error})"  # (the codec's cause: "label empty or too long")
    return None


# Every method's call options, each with its annotation as the generated signatures and stubs write it
# (``_resource._signature``); ``request()`` and ``bulk_post_results`` spell the same out for type checkers
CALL_OPTIONS = {
    "timeout": "float | httpx.Timeout | None",
    "max_retries": "int | None",
    "deadline": "float | None",
    "extra_headers": "Mapping[str, str] | None",
    "extra_query": "Mapping[str, str | int | float] | None",
}
CALL_OPTION_NAMES = frozenset(CALL_OPTIONS)
# The headers the SDK sets itself, or that belong to a request's own target and body: a caller's http client's are not
# sent in their place (as httpx's own merge lets a request's win), nor its Authorization anywhere (not in place of the
# bearer token, nor to the token URL, maybe another host), nor its Host (the token URL's host may be another); a
# call's ``extra_headers`` may not set them either
OWN_HEADERS = frozenset(
    {"accept", "user-agent", "authorization", "content-type", "content-length", "transfer-encoding", "host"}
)
# Query parameters a call may not set (``extra_query``): those the SDK sets and reads back by. One replacing them broke
# paging (offset: the same page again and again, read back forever) or marked a listing's records whole when they
# were not (fields: a PUT of one wiped the fields left out)
SDK_QUERY = frozenset({"fields", "limit", "offset", "filter", "sort", "orderBy", "search"})


@dataclass(frozen=True)
class CallOptions:
    """Per-call overrides of the client's ``timeout``, ``max_retries`` and ``deadline``; None keeps the client's.
    ``extra_headers`` and ``extra_query``: sent with each request of the call (its retries, its pages, its reads
    back; not a token request), the query's parameters replacing any of the same name. ``stop`` (not a caller's
    option: ``bulk_post_results`` sets it for its batches): once set, a
    call waiting to retry gives up at once with the error it would have retried. ``resend_lost_post`` (False for
    ``request()``'s): whether a POST is sent again after an attempt that may have been handled without its answer
    arriving; ``request()`` fixes no sourcedId and reads nothing back, so sent again it could be stored twice."""

    timeout: httpx.Timeout | None = None
    max_retries: int | None = None
    deadline: float | None = None
    stop: threading.Event | None = None
    resend_lost_post: bool = True
    extra_headers: tuple[tuple[str, str], ...] = ()
    extra_query: tuple[tuple[str, str], ...] = ()

    @classmethod
    def take(cls, fields: dict[str, Any]) -> CallOptions:
        """Remove the call options from a method's keyword arguments (what is left are request fields)."""
        if fields.keys().isdisjoint(CALL_OPTION_NAMES):  # (not any() of a generator over them: 0.8 us every call)
            return NO_OPTIONS
        timeout, max_retries, deadline = checked_options(
            fields.pop("timeout", None), fields.pop("max_retries", None), fields.pop("deadline", None)
        )
        headers = _text_pairs("extra_headers", fields.pop("extra_headers", None))
        for header, value in headers:
            if header.lower() in OWN_HEADERS:
                raise ValueError(f"extra_headers cannot set {header!r}: the SDK sends it (the token, its JSON's, "
                                 "or what httpx writes from the request)")  # fmt: skip
            if not _HEADER_NAME.fullmatch(header) or not _HEADER_VALUE.fullmatch(value):
                raise ValueError(f"extra_headers: {header!r}: {value!r} cannot be sent as a header (a name of "
                                 "letters, digits and !#$%&'*+-.^_`|~; a value of printable ASCII)")  # fmt: skip
        query = _text_pairs("extra_query", fields.pop("extra_query", None), numbers=True)
        if sdks := [name for name, _ in query if name in SDK_QUERY]:
            raise ValueError(f"extra_query cannot set {sdks[0]!r}: the SDK sets it (paging, reading back what it "
                             f"wrote); give it as the method's keyword, or request()'s params=")  # fmt: skip
        return cls(timeout=timeout, max_retries=max_retries, deadline=deadline, extra_headers=headers,
                   extra_query=query)  # fmt: skip


# RFC 9110's token (a field name), and a field value as sent here: printable ASCII, spaces and tabs inside, no line
# break (h11 refused the rest as it sent the request: a connection error, retried, a create said maybe stored)
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?")  # (no space or tab at either end)


def _text_pairs(name: str, given: Any, *, numbers: bool = False) -> tuple[tuple[str, str], ...]:
    """``given`` (a mapping of text to text, or to numbers where ``numbers``; None: empty) as (key, value) pairs,
    checked where the call is made (a header's value of another type failed inside httpx, naming no header)."""
    if given is None:
        return ()
    if not hasattr(given, "items"):
        raise TypeError(f"{name} must be a mapping of names to values, not {type(given).__name__}")
    pairs = []
    for key, value in given.items():
        kinds = (str, int, float) if numbers else (str,)
        if not isinstance(key, str) or not key or not isinstance(value, kinds) or isinstance(value, bool):
            wanted = "text or a number" if numbers else "text"
            raise TypeError(f"{name} takes names (text) to values ({wanted}): not {key!r}: {value!r}")
        # (a number as its plain text: an IntEnum's repr is '<C.A: 1>', numpy 2's float64's 'np.float64(1.5)')
        text = value if isinstance(value, str) else str(int(value)) if isinstance(value, int) else repr(float(value))
        pairs.append((key, text))
    return tuple(pairs)


NO_OPTIONS = CallOptions()
