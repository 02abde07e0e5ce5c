"""The request engine: configuration, OAuth2, retries, error mapping and response parsing.

All policy lives in ``BaseClient`` and in one generator, ``_send_flow``, that yields what it needs done (fetch a
token, send a request, sleep) and receives the outcome. ``SyncAPIClient`` and ``AsyncAPIClient`` only drive that
generator with blocking or awaitable I/O, so retry, replay and error rules exist once.

Concerns of their own live beside it: a call's deadline as each attempt meets it, and how a timeout is named
(``_deadline``); confirming a create whose answer was lost by reading its records back, and whether a record read
back is the one sent (``_read_back``: this module builds and sends the reads); the httpx clients the SDK makes, their
proxies, TLS context and headers, and closing their pools (``_http_clients``: ``DefaultHttpxClient``,
``DefaultAsyncHttpxClient``); credentials taken out of what an error shows (``_redaction``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import email.utils
import errno
import functools
import itertools
import logging
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
import types
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, SupportsIndex, TypeVar, cast
from urllib.parse import quote

import httpx
import pydantic
import pydantic_core

from timeback import _http_clients
from timeback._auth import NO_HEADERS, TokenCache, _Token
from timeback._clock import loop_clock_stopped, monotonic
from timeback._config import NO_OPTIONS, USER_AGENT, CallOptions, ClientConfig
from timeback._deadline import (
    _CUT_ANSWER,
    _CUT_BY,
    _OTHERS_CUT,
    _WRITTEN_BEFORE,
    ATTEMPT_ENDS,
    CLOCK_SLACK,
    NO_TIME_LEFT,
    WAITED,
    _AttemptEnds,
    _capped,
    _causes,
    _deadline_cut,
    _no_time_left,
    _past,
    _ReadBy,
    _SendingTrace,
    _timed_out,
    _traced,
)
from timeback._http_clients import (
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    _close_waking_readers,
    _httpcore_pool,
    callers_headers,
    direct_to_loopback,
)
from timeback._operations import LISTERS, READERS, Operation
from timeback._pagination import LOOP_TURN_EVERY, AsyncPaginator, Page, PageInfo
from timeback._read_back import (
    CONFIRM_CHUNK,
    DERIVED,
    READ_BACK_IN_LIST,
    STORED_ALL_THE_SAME,
    ReadBack,
    _fits_in_list,
    _within_url,
    derives_from,
    reads_back_as_sent,
    sourced_id_of,
    written_as_sent,
)
from timeback._redaction import Credentials, Echo, _redacted, _redactor, echoes, sent_credentials
from timeback._waits import wait_for
from timeback.errors import (
    MAX_SHOWN_MESSAGE,
    MAX_SHOWN_REQUEST_ID,
    MAX_SHOWN_URL,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AuthError,
    ConflictError,
    NotFoundError,
    RequestError,
    TimebackError,
    decode_error_body,
    describe,
    error_class_for,
    shown,
)
from timeback.models._dicts import (
    NestedTooDeeply,
    ValidatedRequest,
    ends_mid_value,
    lone_surrogate_refused,
    read_json,
    unencodable_text,
    validated_dict,
)

if TYPE_CHECKING:
    import asyncio

    import httpcore

    from timeback.models._base import ResponseModel
    from timeback.models._requests_base import _PutRequest
    from timeback.models.response import TimebackSourcedIdPairsResponse

# The models load on first use, not on ``import timeback``: they are most of the SDK's import time.
log = logging.getLogger("timeback")

ModelT = TypeVar("ModelT", bound="pydantic.BaseModel")
DumpT = TypeVar("DumpT")

# (408: the request did not arrive whole in time, a server or load balancer says; nothing of it was handled)
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Transport errors raised before a request reached the server: its attempt cannot have been handled. After any other
# (the connection dropped, a read timed out), the server may have handled it without its answer arriving.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError, httpx.UnsupportedProtocol)
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
CLIENT_CLOSED = "the client was closed"  # (an error's reason: a call ended by close(), or begun after it)
LOOP_CLOSED = "Event loop is closed"  # (asyncio's RuntimeError: a caller's http client's connection of a closed loop)
# What the errors of a token refresh bounded by the token held's life (``TokenCache.refresh_bound``) call that bound,
# in place of a call's deadline: the call may have none.
REFRESH_BOUND = "the token refresh's bound"
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not slept through: the error is raised at once
RETRY_AFTER_SECONDS = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Passed as each send's ``auth``: httpx applies a client's own ``auth`` (a caller's ``http_client=httpx.Client(auth=
# ...)``) unless told which to use, and it would replace the SDK's credentials. (None would not do: httpx then takes
# any user and password in the URL.) The base ``Auth`` leaves the request as it is.
NO_AUTH = httpx.Auth()
# Said by a call in a child process after fork() through an http_client of the caller's the SDK sent with before it.
FORKED = ("this client's http_client was used before os.fork(): its pooled connections are the parent process's "
          "too; create the client (and its http_client) after forking, in each process, or pass none")  # fmt: skip

# Said by an AsyncTimeback call, or its close(), outside an asyncio event loop: its locks, waits and per-loop http
# clients are asyncio's (under trio, asyncio's own "no running event loop" said nothing of what to do).
NOT_ASYNCIO = "AsyncTimeback runs on asyncio (uvloop too); under trio, call Timeback through trio.to_thread.run_sync"

# The live clients (and DefaultAioHttpClient's transports), each told in a child process after fork() to drop what it
# shares with the parent: pooled connections (both processes would write on one socket and read each other's
# answers) and locks (one another thread held at the fork would never be released in the child).
_forkable: weakref.WeakSet[Any] = weakref.WeakSet()
# What a child dropped: kept referenced, never closed nor collected. Closing would end the parent's connections too
# (TLS's close_notify, a shutdown); collecting would warn of unclosed sockets, or wake the parent's event loop.
_inherited: list[object] = []


def _after_fork_in_child() -> None:
    _http_clients._tls_contexts_lock = threading.Lock()  # (another thread may have held it, making one, at the fork)
    for forkable in list(_forkable):
        forkable._after_fork()


if hasattr(os, "register_at_fork"):  # (not on Windows, which has no fork)
    os.register_at_fork(after_in_child=_after_fork_in_child)


@dataclass(frozen=True)
class _NeedToken:
    # The token request is part of the call: the call's timeout and retries apply, and what is left of its deadline.
    options: CallOptions
    expires: float | None  # monotonic() at the call's deadline
    failures: int  # the token requests that had failed when this call asked (see TokenCache.failed_since)


@dataclass(frozen=True)
class _Send:
    request: httpx.Request
    # monotonic() at the call's deadline: the attempt ends then, however its answer is coming (None: no bound)
    expires: float | None = None
    limit: str | None = None  # (what the SDK's own timeouts at ``expires`` call it: see ``_send_flow``)


@dataclass(frozen=True)
class _Sleep:
    # Before a retry. Its outcome is True when ``stop`` was set before the time was up (the call then gives up).
    seconds: float
    stop: threading.Event | None = None


_Action = _NeedToken | _Send | _Sleep
_Outcome = httpx.Response | Exception | _Token | bool | None
Flow = Generator[_Action, _Outcome, httpx.Response]
ResultT = TypeVar("ResultT")
ErrorT = TypeVar("ErrorT", bound="RequestError | APIConnectionError | APIResponseValidationError")
# A sequence of API requests, each chosen from the answers before it: it yields a request and gets its answer, or the
# API error that ended it (``SyncAPIClient.exchange``). Used by ``bulk_post_results(if_exists="replace")``. It may
# yield None (``LOOP_TURN``) between long stretches of its own work: an async client lets the event loop run then.
Exchange = Generator[
    "httpx.Request | None", "httpx.Response | RequestError | APIConnectionError | APIResponseValidationError", ResultT
]
LOOP_TURN = None


NOT_COPIED = ("a Timeback client cannot be pickled or copied (connections, locks, credentials): create one per "
              "process, e.g. in the pool's initializer; for other timeout, max_retries or deadline, pass them to "
              "the call (get_result(..., timeout=5)) or create another client")  # fmt: skip


class Uncopyable:
    """Refuses pickle, ``copy.copy`` and ``copy.deepcopy`` (each asks ``__reduce_ex__``) of the clients,
    ``Timeback`` and ``AsyncTimeback``, and pickle and ``deepcopy`` of what holds one (a resource, a bound method)
    through them (a shallow copy of those shares the client, which is fine). Pickling failed on a lock,
    obscurely, after the pure-Python pickler (dill's base) had written the secret and the token; a shallow copy
    shared the connection pool (closing it closed the original)."""

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError(NOT_COPIED)


class BaseClient(Uncopyable):
    """Everything the two clients share that does no I/O."""

    _http: httpx.Client | httpx.AsyncClient | None  # (set by each client; the flow only asks whether it is closed)

    def __init__(self, config: ClientConfig, http_client: httpx.Client | httpx.AsyncClient | None) -> None:
        self._config = config
        self._tokens = TokenCache(config)
        self._closing = _Closing()
        # The caller's http client's headers as last seen, and those of them sent (``callers_headers``); None for the
        # SDK's own client, which has none of the caller's.
        self._callers_headers: tuple[list[tuple[bytes, bytes]], Mapping[str, bytes]] | None = None
        if http_client is not None:
            self._callers_headers = ([], {})
        # The headers of a request with a body and of one without, and the caller's they were made with.
        self._headers_made: dict[bool, tuple[Mapping[str, bytes], list[tuple[bytes, bytes]]]] = {}
        self._sent = False  # (whether a request went out through the http client: see _after_fork)
        self._answered = 0.0  # (when the API last answered a request, any status: ``last_answered``)
        self._forked_http = False  # (the caller's http client, used before a fork, in the child: refused)
        _forkable.add(self)

    def _after_fork(self) -> None:
        """In a child process after fork(): a ``_Closing`` of its own (its lock may have been held by a thread of the
        parent), as closed as it was. The token is kept. Each client replaces the rest."""
        closed = self._closing.is_set()
        self._closing = _Closing()
        if closed:
            self._closing.set()

    def last_answered(self) -> float:
        """When (``monotonic()``) the API last answered one of this client's requests, any status; 0.0 before
        any did. A bulk upload stops only after a long silence (``Reachability``)."""
        return self._answered

    @property
    def base_url(self) -> str:
        return self._config.base_url

    def is_closed(self) -> bool:
        """Whether ``close()`` ran, or the http client was closed (by its owner): no request can be sent any more."""
        return self._closing.is_set() or (self._http is not None and self._http.is_closed)

    @functools.cached_property
    def _secret_forms(self) -> tuple[Echo, ...]:
        """The client secret as a server may echo it (``echoes``): worked out once, on the first error."""
        return echoes(self._config.client_secret)

    def __repr__(self) -> str:
        # Never the secret, never a token.
        return f"{type(self).__name__}(base_url={self._config.base_url!r}, client_id={self._config.client_id!r})"

    # ----- building requests

    @staticmethod
    def coerce_request(op: Operation[ModelT, Any], request: Any, fields: Mapping[str, Any]) -> ModelT:
        """Accept the request model, a plain dict, keyword arguments, or a model plus overriding keywords."""
        with _KeywordsMeant(op, fields):
            return BaseClient._coerced(op, request, fields)

    @staticmethod
    def _coerced(op: Operation[ModelT, Any], request: Any, fields: Mapping[str, Any]) -> ModelT:
        model = op.request
        if isinstance(request, model) and not fields:
            return request
        if request is None:
            data: dict[str, Any] = dict(fields)
        elif isinstance(request, pydantic.BaseModel):
            data = {**request.model_dump(exclude_unset=True, warnings=False), **fields}  # (validated below)
        elif isinstance(request, Mapping):
            data = {**request, **fields}
        else:
            raise TypeError(f"{op.name}() takes a {model.__name__} or a dict, not {type(request).__name__}")
        return model.model_validate(data)  # (a record read for a body taken: the request models' validator)

    @classmethod
    def coerce_call_request(
        cls, op: Operation[Any, Any], request: Any, fields: Mapping[str, Any]
    ) -> pydantic.BaseModel | ValidatedRequest:
        """``coerce_request``, but a body given as dicts is validated into dicts (see ``models._dicts``).

        Models, and operations whose request needs a model (a model validator), keep the model path.
        """
        with _KeywordsMeant(op, fields):
            return cls._call_coerced(op, request, fields)

    @classmethod
    def _call_coerced(
        cls, op: Operation[Any, Any], request: Any, fields: Mapping[str, Any]
    ) -> pydantic.BaseModel | ValidatedRequest:
        # (the model path through ``_coerced``: the keyword hint is this call's, around it once)
        if op.body is None or isinstance(request, pydantic.BaseModel):
            return cast(pydantic.BaseModel, cls._coerced(op, request, fields))
        if isinstance(request, ValidatedRequest) and not fields:
            return request
        if request is not None and not isinstance(request, Mapping):
            return cast(pydantic.BaseModel, cls._coerced(op, request, fields))  # (raises the TypeError)
        requests_base = _requests_base()
        data: dict[str, Any] = dict(fields) if request is None else {**request, **fields}
        data = requests_base.records_as_bodies(op.request, data)  # (a record read, as a dict: the dict path takes it)
        if not _holds_models(data.get(op.body, data.get(op.wire_body_key or op.body))):
            validated = validated_dict(op.request, data)
            if validated is None and op.kind == "put":  # (a PUT's model holds its path rule: checked on the dicts)
                validated = requests_base.put_validated(op.request, data)
            if validated is not None:
                return ValidatedRequest(validated)
        return cast(pydantic.BaseModel, op.request.model_validate(data, context=requests_base.RECORDS_TAKEN))

    def build_request(self, op: Operation[Any, Any], request: pydantic.BaseModel | ValidatedRequest) -> httpx.Request:
        if not isinstance(request, ValidatedRequest):
            request = as_sent(request, op)
        value = request.__getitem__ if isinstance(request, ValidatedRequest) else functools.partial(getattr, request)
        path_values = {name: path_segment(value(name)) for name in op.path_fields}
        url = self._config.base_url + op.base_path + op.path.format(**path_values)
        if isinstance(request, ValidatedRequest):
            key = cast(str, op.wire_body_key)
            try:
                content = request.body_json(key)
            except pydantic_core.PydanticSerializationError as exc:
                raise unencodable(exc, key, request[key]) from exc
            return self._http_request(op.method, url, content=content)
        # (looked up on the class: on the model, pydantic's __getattr__ raised for the requests without, 3 us)
        query_params = getattr(type(request), "query_params", None)
        params = None if query_params is None else query_params(request)
        if op.body is None:
            return self._http_request(op.method, url, params=params)
        # Serialized by pydantic-core straight to JSON bytes: no intermediate dicts, no json.dumps.
        body_field = {op.body}  # (here: mypy does not narrow op.body inside the lambda)
        try:
            if op.kind == "put":  # (its body's own dump: the request's JSON dump leaves out an id taken from the path)
                body = body_dump(request, lambda r: cast("_PutRequest", r).body_json())
            else:
                body = body_dump(
                    request,
                    lambda r: r.model_dump_json(
                        by_alias=True, exclude_unset=True, include=body_field, warnings="error"
                    ).encode(),
                )
        except (pydantic_core.PydanticSerializationError, UnicodeError) as exc:
            raise unencodable(exc, op.wire_body_key or op.body, getattr(request, op.body)) from exc
        return self._http_request(op.method, url, params=params, content=body)

    def url_of(self, path: str) -> str:
        """The URL of ``request()``'s ``path``: after the base URL, so it must begin with ``/``. (Joined as it was, a
        path without it ran into the host: ``https://api.example.com`` + ``ims/...`` went to ``api.example.comims``,
        the token with it, and a URL in its place was refused as too long.)"""
        if not path.startswith("/"):
            raise ValueError(f"path {path!r} must begin with '/': it goes after the base URL {self.base_url!r}")
        return self.base_url + path

    def _http_request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
    ) -> httpx.Request:
        # (Any: a caller's header values are bytes, the SDK's text; httpx takes both, its annotation one kind)
        # Made once per caller's headers (``_extra_headers`` returns the same mapping until they change) and with
        # or without a body: httpx copies them into each request (its Content-Length and Host go on the copy).
        extra = self._extra_headers()
        with_body = content is not None
        made = self._headers_made.get(with_body)
        if made is None or made[0] is not extra:
            headers: dict[str, Any] = {**extra, "Accept": "application/json", "User-Agent": USER_AGENT}
            if with_body:
                headers["Content-Type"] = "application/json"
            made = self._headers_made[with_body] = (extra, httpx.Headers(headers).raw)
        try:
            if json is not None:  # (``request()``'s: httpx encodes it)
                return httpx.Request(method, url, params=params, json=json, headers=made[1])
            return _request_of_bytes(method, url, params, content, made[1])
        except httpx.InvalidURL as exc:  # (a query or path over httpx's 64 KB: input, refused before sending)
            raise ValueError(f"{exc}: the request's URL cannot be sent (shorten the filter, search or id)") from None
        except UnicodeEncodeError:  # (a lone surrogate: httpx's error names no parameter; looked for only now)
            in_url = "UTF-8 in a URL"
            where = unencodable_text(params or {}, in_url, text_keys=False)
            where = where or unencodable_text({"url": url}, in_url)
            # (``request()``'s own: the SDK's bodies are bytes. Keys not text, which json.dumps writes, are no error)
            where = where or unencodable_text({"json": json}, text_keys=False)
            if where is None:
                raise
            raise ValueError(where) from None

    def _extra_headers(self) -> Mapping[str, bytes]:
        """The headers of the caller's http client to send with each request (``callers_headers``), made again only
        when those changed (``client.headers["X-Request-Id"] = ...`` between calls): a comparison of httpx's raw
        lists per request, under a microsecond."""
        seen = self._callers_headers
        if seen is None:
            return NO_HEADERS
        headers = cast("httpx.Client | httpx.AsyncClient", self._http).headers  # (seen: the caller's)
        raw = headers.raw
        if raw != seen[0]:
            seen = self._callers_headers = (raw, callers_headers(headers))
        return seen[1]

    # ----- the send flow: auth, 401 replay, retries, errors

    def _send_flow(
        self,
        request: httpx.Request,
        options: CallOptions = NO_OPTIONS,
        *,
        authenticated: bool = True,
        expires: float | None = None,
        since: float | None = None,
        read: Callable[[httpx.Response], Any] | None = None,
        limit: str | None = None,
    ) -> Flow:
        """``expires``: the deadline of the call this request is part of (a token request), else the options'
        deadline counted from ``since`` (``monotonic()`` when the call began; by default, now). ``read``: what
        the call makes of a successful answer, then returned instead; one it finds cut short (its JSON ends
        mid-value) is retried as an answer httpx cannot decode is, but a POST's (its write was done). ``limit``: what
        the errors call ``expires`` when it is no call's deadline (``REFRESH_BOUND``)."""
        config = self._config
        if options.extra_headers or options.extra_query:  # (the caller's: each of the call's requests, not a token's)
            _add_extras(request, options)
        max_retries = config.max_retries if options.max_retries is None else options.max_retries
        timeout = options.timeout or config.timeout
        deadline = config.deadline if options.deadline is None else options.deadline
        if expires is None and deadline is not None:
            expires = (monotonic() if since is None else since) + deadline
        retries_taken = 0
        replayed_unauthorized = False
        answer_lost = False  # (an attempt reached the server and got no answer: marked on the error that ends it)
        post_once = request.method == "POST" and not options.resend_lost_post  # (request()'s: see CallOptions)
        sent = False  # (an attempt went out: else the error that ends the call says why none did, ``_not_sent``)
        built_trace = request.extensions.get("trace")  # (each attempt is sent with it: see below)

        def not_sent_in_time() -> APITimeoutError:
            # (the deadline, or ``limit``, passed before this attempt was sent)
            passed = self._not_sent_by(
                request, deadline, retries_taken, answer_lost=answer_lost, sent=sent, limit=limit
            )
            return self._cut_short(passed, authenticated)

        while True:
            token = None
            if authenticated:
                # A fresh token held is taken here, as the drivers' ``_token`` takes it first: no round trip through
                # the driver (its action, its coroutine) for what is most calls' answer. (About 4 us a call.)
                got: _Outcome = self._tokens.current()
                if got is None:
                    call_options = CallOptions(timeout, max_retries, deadline, options.stop)
                    got = yield _NeedToken(call_options, expires, self._tokens.failures)
                if isinstance(got, (RequestError, APIConnectionError, APIResponseValidationError)):
                    # The token request failed: the call ends with its error, marked by this call's own attempts. A
                    # token request's lost answer stored nothing; this call's attempt before it may have (an update's
                    # error says so). It names the call it was for: a service's log read a failed GET of a result as
                    # a POST to /token.
                    call = f"{request.method} {shown(str(request.url), MAX_SHOWN_URL)}"
                    got = _with_reason(got, f"getting a token for {call}")
                    got._answer_lost = False
                    got = _lost_if(got, answer_lost, request)
                    if sent:  # (a 401 answered this request before its new token's request was not sent)
                        got._not_sent = None
                    raise got
                token = cast(_Token, got)  # (never the token as a str local: see _Token)
                request.headers["Authorization"] = token.header
            if expires is not None:
                remaining = expires - monotonic()
                if remaining <= 0:
                    raise not_sent_in_time()
                request.extensions["timeout"] = _capped(timeout, remaining).as_dict()
                bound = expires if remaining < threading.TIMEOUT_MAX else None
            else:  # always ours: an http_client passed in must not bring its own 5 s default
                request.extensions["timeout"] = timeout.as_dict()
                bound = remaining = None
            if self._forked_http:
                if self.is_closed():  # (closed in the child, or its http_client: what a call after close() raises)
                    closed = _closed_error(request, retries_taken)
                    raise _not_sent_if(closed, True, CLIENT_CLOSED) from _cause(request, RuntimeError(CLIENT_CLOSED))
                raise RuntimeError(FORKED)
            self._sent = True
            # (each attempt with the trace the request was built with: a request hook wrapping the trace it finds
            # wrapped the last attempt's wrapper, left on the request, which then saw this attempt's events too)
            if built_trace is None:
                request.extensions.pop("trace", None)
            else:
                request.extensions["trace"] = built_trace
            outcome = yield _Send(request, bound, limit)
            # (not a try after one that wrote the request: maybe sent, _written_before)
            waited = isinstance(outcome, WAITED) and not hasattr(outcome, _WRITTEN_BEFORE)
            if bound is not None and waited and monotonic() >= bound - CLOCK_SLACK:
                # (it waited for a pooled connection, or was connecting, or for its proxy's tunnel (_unopened), until
                # the deadline, or _DeadlineTrace stopped it after: not sent, as AsyncTimeback's timer says of it. The
                # proxy it was to go through named, as a connect's timeout without a deadline names it: maybe the proxy
                # that cannot be reached. Told with the slack, as left is below: a timeout capped at the deadline may
                # end a hair before it by this clock)
                cut = not_sent_in_time()
                if (proxy := self._proxy_for(request.url)) is not None:
                    _with_reason(cut, f"to be sent through the proxy {proxy}")
                raise cut from _cause(request, outcome)
            if isinstance(outcome, httpx.Response) and outcome.status_code == 407 and self._forwarded(request.url):
                outcome = _proxy_refusal(request, outcome)
            unsent = isinstance(outcome, NOT_SENT) and not hasattr(outcome, _WRITTEN_BEFORE)
            sent = sent or not (unsent or isinstance(outcome, RuntimeError))  # (a refused connection sent nothing)
            error: RequestError | APIConnectionError | APIResponseValidationError
            if isinstance(outcome, RuntimeError) and str(outcome) == LOOP_CLOSED:
                # (not retried: the pool has dropped that connection, but the client may hold more of that loop's)
                message = "connection failed: the http_client's connections belong to an event loop that was closed"
                error = APIConnectionError(f"{message}: make one client per event loop, or pass none (the SDK's own "
                                           "serves one loop after another)", method=request.method,
                                           url=str(request.url), retries_taken=retries_taken)  # fmt: skip
                raise _lost_if(error, answer_lost, request) from _cause(request, outcome)
            if isinstance(outcome, Exception):
                if isinstance(outcome, RuntimeError):  # (the drivers pass one on only from a closed client)
                    error = _not_sent_if(_closed_error(request, retries_taken), not sent, CLIENT_CLOSED)
                    raise _lost_if(error, answer_lost, request) from _cause(request, outcome)
                # (the proxy the connection went to, if any: looked up for a failed connection only)
                connecting = isinstance(outcome, (httpx.ConnectError, httpx.ConnectTimeout))
                proxy = self._proxy_for(request.url) if connecting else None
                # (what was left of the deadline, to name a timeout capped at it as the deadline passing: only once
                # it has, a transport's own timeout may run out before it)
                left = remaining if bound is not None and monotonic() >= bound - CLOCK_SLACK else None
                error = self._connection_error(request, outcome, retries_taken, proxy, limit, left, timeout)
                lost = not unsent
                if hasattr(outcome, _WRITTEN_BEFORE):  # (its message may read as a connect's, never sent)
                    _with_reason(error, "the request was written on an earlier try of the http_client's transport")
                wait: float | None = self._backoff(retries_taken)
                if (again := _fails_again(outcome, request.url, proxy)) is not None:
                    wait = None
                    _with_reason(error, f"not retried: {again}")
                what = type(outcome).__name__
            else:
                response = cast(httpx.Response, outcome)
                log.debug("%s %s -> %s", request.method, request.url, response.status_code)
                if authenticated:  # (the API's answer: the token endpoint may be another host)
                    self._answered = monotonic()
                if response.status_code == 401 and token is not None and not replayed_unauthorized:
                    # The token may have been revoked or expired early: drop it and replay once with a fresh one.
                    log.debug("%s %s: 401, replaying once with a new token", request.method, request.url)
                    self._tokens.invalidate(token)
                    replayed_unauthorized = True
                    continue
                if response.is_success:
                    response.extensions["timeback_retries_taken"] = retries_taken
                    if read is None:
                        return response
                    try:
                        return cast(httpx.Response, read(response))  # (what read made of it: see send_read)
                    except APIResponseValidationError as refused:
                        if not refused._cut_short:
                            raise
                        error, what = refused, "answer cut short"
                    wait = self._backoff(retries_taken)
                    # (a POST's write was done: sent again, a create meets its own records. Its answer is as good as
                    # lost: a create's records are read back instead, ``call``. Not the token request's: asked
                    # again, it gets another token)
                    lost = request.method == "POST" and authenticated
                    if lost:
                        wait = None
                        _with_reason(error, "not retried (a POST)")  # (its status said so: "the call itself succeeded")
                else:
                    error = self._status_error(request, response, retries_taken, token_endpoint=not authenticated)
                    retryable = response.status_code in RETRYABLE_STATUSES
                    if (
                        response.status_code == 504
                        and request.method == "GET"
                        and isinstance(error.body, dict)
                        and "imsx_codeMajor" in error.body
                    ):
                        # (the server's own answer, not a gateway's: it stopped the query at its time limit, and a
                        # retry would run it as long again, up to max_retries times the load of a runaway filter.
                        # A read's only: a write's imsx 504 may come after its commit, a gateway's or an app's that
                        # timed out waiting, and is taken as a gateway's, below; it was said not stored, a create
                        # stored then met 409 when sent again)
                        retryable = False
                        _with_reason(error, "not retried: the server stopped the query at its time limit")
                    # A gateway's 502 or 504 (not the server's own, above) says no more than a read timeout would:
                    # the server behind it may have handled the request, its answer lost on the way.
                    lost = retryable and response.status_code in (502, 504)
                    wait = self._retry_delay(retries_taken, response) if retryable else None
                    if retryable and wait is None:  # (a 503 for maintenance, say: the caller may schedule it)
                        _with_reason(error, f"not retried: the server asked for a wait of {error.retry_after:g} s, "
                                     f"over the {MAX_RETRY_AFTER:g} s the SDK waits")  # fmt: skip
                    what = str(response.status_code)
            if error.request_id is not None:  # (the log lines of concurrent calls told apart)
                what = f"{what} (request id {shown(error.request_id, MAX_SHOWN_REQUEST_ID)})"
            answer_lost = answer_lost or lost
            if lost and post_once and wait is not None and retries_taken < max_retries:
                wait = None
                _with_reason(
                    error, "not retried: request() fixes no sourcedId, so a POST sent again could be stored twice"
                )
            _lost_if(error, answer_lost, request, unconfirmed=post_once)
            if wait is None or retries_taken >= max_retries:
                if wait is not None:
                    log.debug("%s %s: %s, giving up after %d retries", request.method, request.url, what, retries_taken)
                # The calls waiting for this token request raise its error too: the endpoint's final answer, or
                # its failures through the retries, unless its call's deadline cut them short; or unless a waiting
                # call has more to try with (more retries, another timeout where one ran out): it asks again.
                if not authenticated:
                    cut_short = wait is not None and expires is not None and monotonic() >= expires
                    ran_out = timeout if isinstance(error, APITimeoutError) else None
                    within = None if wait is None else (ran_out, max_retries)
                    self._tokens.fail(error, within, shared=not cut_short)
                raise error from _cause(request, outcome)
            # Looked at only once an attempt failed: closed while it was on its way (its failure, most likely, the
            # connection closed under it), the call ends here; a retry would be refused by the closed client.
            if self.is_closed():
                raise self._not_retried_closed(request, error, what) from _cause(request, outcome)
            if expires is not None and monotonic() + wait >= expires:
                log.debug("%s %s: %s, %s", request.method, request.url, what, _no_time_left(limit))
                # (else the caller sees a 429 or 503 and wonders why it was not retried)
                ends = limit or "the call's deadline"
                if isinstance(error, RequestError) and error.retry_after is not None:
                    why = f"the server asked for a wait of {wait:g} s, past {ends}"
                else:
                    why = f"the wait before the next attempt would pass {ends}"
                if not authenticated:  # (the token held, if usable, goes on: see TokenCache.fail)
                    self._tokens.fail(error, shared=False)
                raise _with_reason(error, f"not retried: {why}") from _cause(request, outcome)
            log.debug("%s %s: %s, retry %d in %.2fs", request.method, request.url, what, retries_taken + 1, wait)
            if (yield _Sleep(wait, options.stop)):
                log.debug("%s %s: %s, not retried: the call was stopped", request.method, request.url, what)
                raise _with_reason(error, "not retried: the call was stopped") from _cause(request, outcome)
            if self.is_closed():  # (closed during the wait: close() cuts it short, an http client's owner does not)
                raise self._not_retried_closed(request, error, what) from _cause(request, outcome)
            retries_taken += 1

    def _exchanged(self, request: httpx.Request, options: CallOptions, since: float | None) -> Flow:
        """The send flow of a request an ``Exchange`` yielded. A GET's is a read-back (``reading_back``,
        ``derived_reads``): its answer's JSON is decoded within the retries (``decoded``), so that one cut short is
        retried, as any GET's is."""
        read = decoded if request.method == "GET" else None
        return self._send_flow(request, options, since=since, read=read)

    def _cut_short(self, error: ErrorT, authenticated: bool) -> ErrorT:
        """``error``, a request's deadline passed before it was sent: a token request's, noted as cut short (the token
        held, if usable, goes on and refreshes pause: see TokenCache.fail), as when the deadline stops its retries.
        (A refresh bounded by the token held's life met it waiting for a pooled connection, and the next call asked
        again at once, waiting as long.)"""
        if not authenticated:
            self._tokens.fail(error, shared=False)
        return error

    @staticmethod
    def _not_retried_closed(request: httpx.Request, error: ErrorT, what: str) -> ErrorT:
        log.debug("%s %s: %s, not retried: the client was closed", request.method, request.url, what)
        return _with_reason(error, f"not retried: {CLIENT_CLOSED}")

    def _token_flow(self, need: _NeedToken) -> Flow:
        """Its outcome is the token: its answer read by ``TokenCache.store`` within the retries (one cut short is
        retried, as an API call's is). While a token is held, within ``TokenCache.refresh_bound`` too (its call's
        deadline, if sooner, bounds it as it is)."""
        failure = self._tokens.failed_since(need.failures, need.options.timeout, need.options.max_retries or 0)
        if failure is not None:
            raise failure

        def ask(options: CallOptions, expires: float | None, limit: str | None = None) -> Flow:
            # (the refresh bounded by the token held's life first, below; then with the call's own options)
            request = self._tokens.build_request(self._extra_headers())
            return self._send_flow(
                request, options, authenticated=False, expires=expires, read=self._tokens.store, limit=limit
            )

        bound = self._tokens.refresh_bound()
        if bound is not None and (need.expires is None or monotonic() + bound < need.expires):
            # (a deadline of the bound's: its run-out ends the refresh as a call's deadline does, and the call goes
            # on with the token held, ``_held_token_after_failure``)
            failures, options = self._tokens.failures, dataclasses.replace(need.options, deadline=bound)
            flow = ask(options, monotonic() + bound, REFRESH_BOUND)
            try:
                return (yield from flow)
            except TimebackError as exc:
                # The bound ran out (the endpoint's word would be counted in ``failures``) and the token held was
                # dropped meanwhile (another call's 401): asked again as with no token held, with the call's own;
                # after the wait the endpoint asked for, if its answer (a 429, a 503) came with one past the bound.
                if self._tokens.failures != failures or self._ended(need) or self._tokens.usable() is not None:
                    raise
                asked = exc.retry_after if isinstance(exc, RequestError) else None
                if asked is not None:
                    past = need.expires is not None and monotonic() + asked >= need.expires
                    if past or asked > MAX_RETRY_AFTER or (yield _Sleep(asked, need.options.stop)):
                        raise
        return (yield from ask(need.options, need.expires))

    def _ended(self, need: _NeedToken) -> bool:
        """Whether a call was stopped (``bulk_post_results``' batches once its upload stops) or its client closed."""
        return (need.options.stop is not None and need.options.stop.is_set()) or self.is_closed()

    def _held_token_after_failure(self, need: _NeedToken) -> _Token | None:
        """The token held, for a call whose refresh failed (see ``TokenCache.fail``); None for a call stopped or a
        client closed meanwhile (``_ended``): those end, unsent."""
        return None if self._ended(need) else self._tokens.usable()

    def _token_wait(self, need: _NeedToken) -> float | None:
        """How long a call may wait for another's token request (None: no limit); raises if its deadline passed."""
        if need.expires is None:
            return None
        remaining = need.expires - monotonic()
        if remaining <= 0:
            raise self._token_deadline_passed(need)
        return remaining

    def _token_deadline_passed(self, need: _NeedToken) -> APITimeoutError:
        passed = self._deadline_passed("POST", self._config.token_url, need.options.deadline)
        return _not_sent_if(passed, True, NO_TIME_LEFT)  # (the call's request waited for it: not sent either)

    def _not_sent_by(
        self,
        request: httpx.Request,
        deadline: float | None,
        retries_taken: int,
        *,
        answer_lost: bool,
        sent: bool,
        limit: str | None = None,
    ) -> APITimeoutError:
        """The error of a call whose deadline (or ``limit``: see ``_send_flow``) passed before its attempt was sent."""
        passed = self._deadline_passed(request.method, str(request.url), deadline, retries_taken, limit)
        return _not_sent_if(_lost_if(passed, answer_lost, request), not sent, _no_time_left(limit))

    @staticmethod
    def _deadline_passed(
        method: str, url: str, deadline: float | None, retries_taken: int = 0, limit: str | None = None
    ) -> APITimeoutError:
        # (a limit of the SDK's own, not set by the caller: to 3 digits, "0.9s", not "0.899994s")
        passed = f"deadline of {deadline:g}s" if limit is None else f"{limit} of {deadline:.3g}s"
        return APITimeoutError(f"{passed} passed", method=method, url=url, retries_taken=retries_taken)

    def _retry_delay(self, retries_taken: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt; None when the server asks for longer than we will wait."""
        if response is not None:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), response.headers.get("Date"))
            if retry_after is not None:
                return retry_after if retry_after <= MAX_RETRY_AFTER else None
        return self._backoff(retries_taken)

    @staticmethod
    def _backoff(retries_taken: int) -> float:
        """0.5 s doubling per retry, capped at 8 s, less up to 25% jitter so clients don't retry in step."""
        delay = min(INITIAL_RETRY_DELAY * 2.0**retries_taken, MAX_RETRY_DELAY)
        return delay * (1 - 0.25 * random.random())

    def _connection_error(
        self,
        request: httpx.Request,
        exc: Exception,
        retries_taken: int,
        proxy: str | None = None,
        limit: str | None = None,
        left: float | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> APIConnectionError:
        """``limit``, ``left``, ``timeout``: see ``_timed_out``."""
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        if isinstance(exc, httpx.PoolTimeout):  # (not the server's slowness: the request never left)
            message = "no connection free in the pool within its timeout: this attempt not sent"
        elif cls is APITimeoutError:
            message = f"request timed out: {_timed_out(request, exc, limit, left, timeout)}"
            if proxy is not None and isinstance(exc, httpx.ConnectTimeout):  # (packets dropped on the way, say)
                message = f"request timed out connecting through the proxy {proxy}"  # (to it, or in its tunnel)
        elif isinstance(exc, httpx.DecodingError):  # (a proxy's body not in the Content-Encoding it declared)
            message = f"the answer could not be read: {type(exc).__name__}"
        else:
            # (the proxy's status first: it is this error's own, where an OS reason may be an earlier try's, in its
            # context: a retrying transport's first try's SSL error worded its second's 407)
            message = f"connection failed: {type(exc).__name__}{_proxy_answer(exc) or _os_reason(exc)}"
            # Through a proxy, the connection made is the proxy's: refused there (the proxy down), or its name not
            # found, read as the server's. (Not a reset or a TLS failure: through a tunnel, that may be the server's.)
            if proxy is not None and _connect_failed(exc):
                message = f"connection to the proxy {proxy} failed: {type(exc).__name__}{_os_reason(exc)}"
        request_id = None
        if (cut := getattr(exc, _CUT_ANSWER, None)) is not None:  # (an answer came: its body was cut short)
            status, request_id = cut
            message = f"{message}, reading the body of its {status} answer"
            if request_id is not None:  # (a gateway may echo what it refused there too)
                request_id = _redacted(request_id, sent_credentials(request, self._secret_forms))
        return cls(
            message, method=request.method, url=str(request.url), request_id=request_id, retries_taken=retries_taken
        )

    def _proxy_for(self, url: httpx.URL) -> str | None:
        """The proxy the http client sends a request to ``url`` through (see ``_proxy_of``); each client's own."""
        raise NotImplementedError

    def _forwarded(self, url: httpx.URL) -> bool:
        """Whether a request to ``url`` went to a proxy that forwards it itself (an http:// URL: no tunnel), whose
        407 is then the proxy's. To an https:// URL, or sent directly, a 407 is the server's own (a gateway's): a
        proxy refusing a tunnel is httpx's ``ProxyError``, no answer. (Looked up for a 407 only.)"""
        return url.scheme == "http" and self._proxy_for(url) is not None

    def _status_error(
        self, request: httpx.Request, response: httpx.Response, retries_taken: int, *, token_endpoint: bool = False
    ) -> RequestError:
        credentials = sent_credentials(request, self._secret_forms)
        redact = functools.partial(_redacted, credentials=credentials)
        body = decode_error_body(response.content, redact, response.charset_encoding)
        # (cut once redacted: cut first, a secret's first characters outlived it)
        message = _redacted(describe(response.status_code, response.reason_phrase, body), credentials)
        message = shown(message, MAX_SHOWN_MESSAGE)
        cls = error_class_for(response.status_code)
        status = response.status_code
        # A redirect is not followed (the SDK's own client follows none: not with the secret or a token, nor a POST
        # turned into a GET): at a trailing slash, http for https, a path prefix missing, the URL is what to fix.
        moved = ""
        if 300 <= status < 400 and status != 304:  # (304: an answer to conditional headers, not a redirect)
            # (cut once redacted: cut first, a token's first characters outlived it)
            moved = f"it redirected to {redact(_location(request.url, response))[:300]}"
        if token_endpoint and (status in (404, 405) or moved):  # (no token endpoint there)
            cls = AuthError
            where = moved or f"no token endpoint at {request.url}"
            message = (f"the token URL looks wrong: {where} ({message}); check token_url, or base_url when no "
                       "token_url is given")  # fmt: skip
        elif moved:
            message = (f"the base URL looks wrong: {moved} ({message}); check base_url (http for https? a path "
                       "prefix missing?)")  # fmt: skip
        elif token_endpoint and response.status_code < 500 and response.status_code not in RETRYABLE_STATUSES:
            cls, message = AuthError, f"token endpoint refused the client credentials: {message}"
            message += _edge_whitespace(self._config)
        kwargs: dict[str, Any] = dict(
            status_code=response.status_code,
            method=request.method,
            url=str(request.url),
            request_id=redact(request_id_of(response)),  # (a gateway may echo what it refused there too)
            body=body,
            retries_taken=retries_taken,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), response.headers.get("Date")),
        )
        return cls(message, **kwargs)

    # ----- creates whose answer was lost

    def confirmation_reads(
        self,
        op: Operation[Any, Any],
        request: pydantic.BaseModel | ValidatedRequest,
        error: RequestError | APIConnectionError | APIResponseValidationError,
    ) -> tuple[list[dict[str, Any]], list[httpx.Request]] | None:
        """After a 409 on a retried create, or any error ending a create an attempt of which got no answer (a 2xx
        answer cut short too): the records this call sent, and the requests that read them back.

        The SDK fixed every sourcedId before the first attempt, so when an attempt's answer was lost after the
        server committed, the retry meets its own records, and a call whose retries ran out (or that had none
        left) may have stored them all the same. None when that cannot be the case (see ``read_back_requests``
        for how they are read).
        """
        retried_conflict = isinstance(error, ConflictError) and error.retries_taken > 0
        if not (retried_conflict or error._answer_lost) or op.body is None:
            return None
        if op.kind not in ("create", "batch_create"):
            return None
        if isinstance(request, ValidatedRequest):
            sent = request.body_values(cast(str, op.wire_body_key))
        else:
            body_field = {op.body}
            body = body_dump(
                request,
                lambda r: r.model_dump(
                    mode="json", by_alias=True, exclude_unset=True, include=body_field, warnings="error"
                ),
            )
            sent = next(iter(body.values()))
        records: list[dict[str, Any]] = sent if isinstance(sent, list) else [sent]
        # The parent the path names, which the server sets on each record that leaves it out (a class's students,
        # a term's grading periods), and the values the path implies (their role): a record with the same sourcedId
        # under another parent, or a teacher's enrollment read back for a student's, is not this call's.
        value = request.__getitem__ if isinstance(request, ValidatedRequest) else functools.partial(getattr, request)
        implied: dict[str, Any] = {p.field: {"sourcedId": value(p.param)} for p in op.parents
                                   if p.field and p.through is None and not p.contains}  # fmt: skip
        implied.update(op.implies)
        if implied:
            records = [{**r, **{k: v for k, v in implied.items() if r.get(k) is None}} for r in records]
        reads = self.read_back_requests(op, records)
        return None if reads is None else (records, reads)

    def confirming(
        self,
        op: Operation[Any, Any],
        request: pydantic.BaseModel | ValidatedRequest,
        error: RequestError | APIConnectionError | APIResponseValidationError,
        why: str | None = None,
    ) -> Exchange[TimebackSourcedIdPairsResponse | None]:
        """The reads that confirm a retried create's 409, or a create that failed after an attempt got no answer
        (``confirmation_reads``), run by ``exchange``: the create's
        answer if the records read back are those sent (``confirmed``, ``why`` too), else None. The first read that
        fails ends it (the others would not confirm it either); a failed read leaves the 409 standing, saying so."""
        reads = self.confirmation_reads(op, request, error)
        if reads is None:
            return None
        records, requests = reads
        held = yield from self.reading_back(op, requests)
        from timeback.models._base import date_fields, reference_fields

        dates, refs = date_fields(op.request), reference_fields(op.request)
        # Both compares yield a loop turn every LOOP_TURN_EVERY records, as ``replacing``'s does: 1,000 records read
        # back held an async app's event loop tens of milliseconds (a sync client goes straight on).
        wanted: set[Any] = set()  # (a result holding a class it was not sent: its line item's?)
        for count, record in enumerate(records, 1):
            if reads_back_as_sent(read := held.records.get(record["sourcedId"]), record, dates, refs):
                wanted.add(derives_from(op, read, record))
            if count % LOOP_TURN_EVERY == 0:
                yield LOOP_TURN
        wanted.discard(None)
        derived: dict[Any, Any] = {}
        if held.failed is None and wanted:
            derived, retries, held.failed = yield from self.derived_reads(op, wanted)
            held.retries_taken += retries
        as_sent: bool | None = None
        if held.failed is None:
            as_sent = True
            for count, record in enumerate(records, 1):
                if not written_as_sent(op, held.records.get(record["sourcedId"]), record, dates, derived, refs):
                    as_sent = False
                    break
                if count % LOOP_TURN_EVERY == 0:
                    yield LOOP_TURN
        return self.confirmed(op, records, held, error, derived, why, as_sent=as_sent)

    def derived_reads(
        self, op: Operation[Any, Any], wanted: Iterable[str]
    ) -> Exchange[tuple[dict[str, Any], int, RequestError | APIConnectionError | APIResponseValidationError | None]]:
        """For each sourcedId in ``wanted`` (as ``derives_from`` names them), the sourcedId of each reference the
        server gives a record of ``op`` written without it, by field (``DERIVED``: a line item's class), read from
        the server; the retries the reads took; and the error that ended them, if one did (a record needing what
        was not read is not taken as written as sent). A record not found derives nothing (None)."""
        fields, _, collection = DERIVED[op.stored_in or op.collection]
        reader = READERS.get((op.base_path, collection))
        found: dict[str, Any] = {}
        retries = 0
        if reader is None:
            return found, retries, None
        for sourced_id in sorted(wanted):
            answer = yield self.build_request(reader, reader.request.model_construct(sourced_id=sourced_id))
            if isinstance(answer, NotFoundError):
                found[sourced_id] = None
                retries += answer.retries_taken
                continue
            if not isinstance(answer, httpx.Response):
                return found, retries + answer.retries_taken, answer
            retries += retries_taken_of(answer)
            try:
                page, _ = read_back_page(reader, answer)
            except APIResponseValidationError as failed:
                return found, retries, failed
            read = page.get(sourced_id)
            found[sourced_id] = None if read is None else {f: sourced_id_of(read.get(f)) for f in fields}
        return found, retries, None

    def reading_back(self, op: Operation[Any, Any], requests: list[httpx.Request]) -> Exchange[ReadBack]:
        """Run the ``read_back_requests``, following a listing's later pages when the server serves fewer records
        a page than asked (its own cap on ``limit``). A read by id answered 404 means a record not stored; the
        first other failure ends the reads."""
        held = ReadBack()
        pending = list(requests)
        while pending:
            read = pending.pop(0)
            answer = yield read
            if isinstance(answer, NotFoundError) and "filter" not in read.url.params:
                continue
            if not isinstance(answer, httpx.Response):
                held.failed = answer
                held.retries_taken += answer.retries_taken
                break
            held.retries_taken += retries_taken_of(answer)
            try:
                page, total = read_back_page(op, answer)
            except APIResponseValidationError as error:
                held.failed = error
                break
            held.records.update(page)
            linked = total is None and "next" in answer.links  # (no total: its Link may name a next page)
            if (more := self.next_read_back(read, len(page), total, linked)) is not None:
                pending.insert(0, more)
        return held

    def read_back_requests(self, op: Operation[Any, Any], records: list[dict[str, Any]]) -> list[httpx.Request] | None:
        """The requests that read ``records`` (as a create of ``op`` sends them) back by their sourcedIds, or None
        when the collection can be read neither way. Through the collection's listing (a filter of
        ``sourcedId@'...'``, ``READ_BACK_IN_LIST`` ids per request at most), or one by one when it has no
        listing. Records sent as ``tobedeleted`` are read one by one too: a listing leaves deleted records out
        unless its filter asks for them, and a read by id returns them."""
        base = self._config.base_url + op.base_path
        stored_in = op.stored_in or op.collection  # (a class's students are read back as enrollments)
        lister = LISTERS.get((op.base_path, stored_in))
        reader = READERS.get((op.base_path, stored_in))
        if lister is None and reader is None:
            return None

        def by_id(record: dict[str, Any]) -> bool:
            return reader is not None and (lister is None or record.get("status") == "tobedeleted")

        reads = []
        listed = [str(r["sourcedId"]) for r in records if not by_id(r)]
        in_list = [i for i in listed if _fits_in_list(i)]
        ored = ["sourcedId='{}'".format(i.replace("'", "''")) for i in listed if not _fits_in_list(i)]
        chunks: list[tuple[str, int]] = []
        # Timeback's "@" (in a list): as many per request as the URL takes. Ids an "@" list cannot hold: ORed,
        # CONFIRM_CHUNK a time at most. (Sized as they are in the URL, percent-encoded: a CJK character is 9 bytes.)
        for chunk in _within_url(in_list, READ_BACK_IN_LIST, separator=","):
            chunks.append((f"sourcedId@'{','.join(chunk)}'", len(chunk)))
        for chunk in _within_url(ored, CONFIRM_CHUNK, separator=" OR "):
            chunks.append((" OR ".join(chunk), len(chunk)))
        for expression, count in chunks:
            assert lister is not None  # (by_id takes every record when there is none)
            reads.append(self._http_request("GET", base + lister.path, params={"filter": expression, "limit": count}))
        for record in filter(by_id, records):
            assert reader is not None
            path = reader.path.format(sourced_id=path_segment(record["sourcedId"]))
            reads.append(self._http_request("GET", base + path))
        return reads

    def next_read_back(
        self, read: httpx.Request, found: int, total: int | None, links_next: bool = False
    ) -> httpx.Request | None:
        """The read of the next page of a read-back listing whose answer held ``found`` records of ``total``, or None
        when it held them all. A server may serve fewer records a page than the read asked for (its own cap on
        ``limit``): those left are on the pages after. Without a total, the rule of auto-pagination (``PageInfo``): a
        page whose ``Link`` names a next one (``links_next``) is not the last."""
        params = read.url.params
        if "filter" not in params or found == 0:  # (a read by id; a listing that says no more)
            return None
        offset = int(params.get("offset", 0)) + found
        if total is None:  # (the filter matches no more records than the ids it names: the read's limit)
            total = int(params["limit"]) if links_next else 0
        if offset >= total:
            return None
        return self._http_request("GET", str(read.url.copy_with(query=None)), params={**params, "offset": offset})

    @staticmethod
    def confirmed(
        op: Operation[Any, Any],
        sent: list[dict[str, Any]],
        held: ReadBack,
        error: RequestError | APIConnectionError | APIResponseValidationError,
        derived: Mapping[Any, Any] | None = None,
        why: str | None = None,
        *,
        as_sent: bool | None = None,
    ) -> TimebackSourcedIdPairsResponse | None:
        """The create's answer if every record sent reads back as sent, else None, and the error's message then says
        why it was not confirmed: an earlier attempt of this call may have stored the records, or may still store
        them (one that got no answer, its records not found, may be committed after the reads). ``why``: why the
        records may be stored, when it is not a lost answer, a retry's 409 or a 2xx answer cut short (a batch
        answered with no pairs). ``as_sent``: whether they do, compared already (``confirming``)."""
        conflict = isinstance(error, ConflictError)
        retried = why or (
            "this call was retried, so an earlier attempt may have stored them without its answer arriving"
            if conflict
            else STORED_ALL_THE_SAME  # (its 2xx answer cut short: it says they were, not which)
            if isinstance(error, APIResponseValidationError)
            else "an attempt of this call got no answer, so it may have stored the records"
        )
        stored = held.records
        if held.failed is not None:
            failed: Any = "no answer" if isinstance(held.failed, APIConnectionError) else held.failed.status_code
            if isinstance(held.failed, APIResponseValidationError):
                failed = f"{failed}: {held.failed.message}"  # (200: the answer is not a JSON object)
            outcome = f"reading them back to confirm it failed ({failed})"
            if held.failed._not_sent is not None:  # (the client closed, or the deadline passed, before the read)
                outcome = f"they could not be read back to confirm it (not sent: {held.failed._not_sent})"
            _with_reason(error, f"{retried}, and {outcome}")
            return None
        from timeback.models._base import date_fields, reference_fields

        dates, refs = date_fields(op.request), reference_fields(op.request)
        if as_sent is None:
            as_sent = all(written_as_sent(op, stored.get(r["sourcedId"]), r, dates, derived or {}, refs) for r in sent)
        if not as_sent:
            if conflict or any(record["sourcedId"] in stored for record in sent):
                _with_reason(error, f"{retried}, but the records read back are not those sent")
            else:  # (an attempt with no answer may still be handled: a server or a gateway may commit it later; one
                # answered 2xx was handled, its records gone since)
                answered = why is not None or isinstance(error, APIResponseValidationError)
                since = "changed or deleted since?" if answered else "it may still be handled"
                _with_reason(error, f"{retried}, though they were not found when read back ({since})")
            return None
        from timeback.models.response import TimebackSourcedIdPairsResponse

        pairs = [{"suppliedSourcedId": r["sourcedId"], "allocatedSourcedId": r["sourcedId"]} for r in sent]
        body = {"sourcedIdPairs": pairs}
        if op.answers_record:  # (the answer lost held the record too: the one read back)
            body[op.wire_body_key or ""] = stored[sent[0]["sourcedId"]]
        answer = (op.response or TimebackSourcedIdPairsResponse).model_validate(body)
        answer._request_id = error.request_id
        answer._retries_taken = error.retries_taken
        return answer

    # ----- parsing answers

    @staticmethod
    def parse(op: Operation[Any, ModelT], response: httpx.Response) -> ModelT | None:
        if op.response is None:
            return None
        content = response.content
        if op.kind == "put" and response.is_success and not content.strip():
            # The 1EdTech spec answers a PUT with 201 and no body (Timeback with the record): what was stored is the
            # record sent, under the same key, so the answer is that. (Not a failure: the write succeeded.)
            content = response.request.content
        try:
            parsed = _validated_json(op.response, content)
        except pydantic.ValidationError as exc:
            otherwise = _record_answered_otherwise(op.response, content)
            if otherwise is None:
                raise _bad_answer(
                    f"{op.name}: unexpected response body (status {response.status_code}"
                    f"{': the call itself succeeded' if response.is_success else ''}): "
                    f"{_problems(exc, op.response, _redactor(_request_of(response)))}",
                    response,
                    cut_short=any(ends_mid_value(error["msg"]) for error in exc.errors(include_url=False)),
                ) from None
            parsed = otherwise
        else:
            if _record_left_out(parsed):  # (a record the answer may leave out, PATCH's: maybe bare or elsewhere)
                parsed = _record_answered_otherwise(op.response, content) or parsed
        if isinstance(parsed, _response_model()):
            parsed._request_id = request_id_of(response)
            parsed._retries_taken = retries_taken_of(response)
        if op.kind == "get" and b"fields=" in response.request.url.query:  # (a read by id with fields=)
            fields = ",".join(response.request.url.params.get_list("fields"))
            for record in parsed.__dict__.values() if fields else ():
                if isinstance(record, pydantic.BaseModel):
                    _mark_read_with()(record, fields)
        return parsed

    @staticmethod
    def parse_page(op: Operation[Any, ModelT], request: Any, response: httpx.Response) -> PageInfo[ModelT]:
        """The page's envelope, decoded; its items stay JSON values (or a record's line, ``_records_by_line``)
        until iteration reaches them (``PageInfo``)."""
        keys, redact = _list_keys(op), _redactor(_request_of(response))
        by_line = _records_by_line(response.content, keys, request.offset or 0)
        if by_line is not None:
            envelope, items = by_line
        else:
            try:
                envelope = read_json(response.content)
            except ValueError as exc:
                message = f"{op.name}: the response is not JSON: {exc}"
                raise _bad_answer(message, response, cut_short=ends_mid_value(str(exc))) from None
            items = None
            if isinstance(envelope, dict):
                key = next((key for key in keys if isinstance(envelope.get(key), list)), None)
                items = envelope.pop(key) if key is not None else None
        total = envelope.get("totalCount") if isinstance(envelope, dict) else None
        if isinstance(total, float) and total.is_integer():  # (3.0: a JSON number all the same; bool is no count)
            total = int(total)
        if total is None and response.headers.get("x-total-count", "").isdigit():
            total = int(response.headers["x-total-count"])
        if items is None and total in (0, None) and _holds_no_records(envelope, keys):
            items = []  # (the official document's collections make their list optional: {} lists none)
        if not isinstance(items, list) or not (total is None or (type(total) is int and total >= 0)):
            found = "a totalCount that is not a count" if isinstance(items, list) else f"no {op.collection!r} list"
            raise _bad_answer(
                f"{op.name}: expected a {op.collection!r} list and a totalCount in the response, found {found}",
                response,
            )
        sent = _request_of(response)
        return PageInfo(
            raw_items=items,
            build_item=_item_builder(op, response, redact, by_line=by_line is not None, fields=_fields_of(request)),
            redact=redact,
            collection=op.collection,
            envelope=envelope,
            total_count=total,
            offset=request.offset or 0,
            limit=request.limit,
            request_id=request_id_of(response),
            retries_taken=retries_taken_of(response),
            method=None if sent is None else sent.method,
            url=None if sent is None else str(sent.url),
            status_code=response.status_code,
            links_next=total is None and "next" in response.links,  # (read only where it decides: no total)
            aliases=keys,
        )


def _records_by_line(content: bytes, keys: tuple[str, ...], offset: int) -> tuple[dict[str, Any], list[bytes]] | None:
    """A page written one record a line, as ``timeback serve`` writes them: its envelope, and each record's JSON
    text, which ``PageInfo`` validates straight into a model (a third of the CPU of decoding the page into dicts
    and validating those, and no page of dicts for the garbage collector to walk). None for any other page (a
    compact or indented one: decoded whole), or one whose lines are not its records: the first line must open the
    records' list and nothing else, the last close it, and there must be as many lines as the envelope's
    ``totalCount`` and ``limit`` say the page from ``offset`` (the request's) holds, each break between two records
    (``},\n{``): a record split over lines made more lines, or as many when the page held fewer records than its
    total says (a short page, which Timeback answers), and was refused as cut short. (One case is left: a short page
    whose record holds a list of objects laid one a line, "},\n{" inside it, is split there and refused.)"""
    first = content.find(b"\n")
    last = content.rfind(b"\n")
    if first <= 0 or last <= first or not content.startswith(b'{"'):
        return None
    head, tail = content[:first], content[last + 1 :]
    key = head[2:-3].decode("utf-8", "replace")
    if not head.endswith(b'":[') or key not in keys or not tail.startswith(b"]"):
        return None
    try:
        envelope = pydantic_core.from_json(head + tail)
    except ValueError:
        return None
    if not isinstance(envelope, dict) or envelope.pop(key, None) != []:
        return None
    # (the request's offset, not the envelope's: Timeback's is the next page's, "Offset for the next page", and so
    # is the local server's since it follows it; the one asked for before)
    total, limit = envelope.get("totalCount"), envelope.get("limit")
    if type(total) is not int or type(limit) is not int:
        return None
    expected = max(0, min(limit, total - offset))
    if content.count(b"},\n{", first + 1, last) + 1 != expected:  # (before any split; faster than b",\n" is)
        return None
    lines = content[first + 1 : last].split(b",\n")
    return (envelope, lines) if len(lines) == expected else None


def _holds_no_records(envelope: Any, keys: tuple[str, ...]) -> bool:
    """Whether a page's JSON value is an empty collection as the official document allows one (``{}``): an object
    holding nothing but Timeback's envelope keys, or null under the records' ``keys``. (Anything else, a
    ``{"message": ...}`` a gateway answered 200, is no listing: read as empty, its records would be lost unseen.)"""
    return isinstance(envelope, dict) and all(
        key in _ENVELOPE_KEYS or (key in keys and value is None) for key, value in envelope.items()
    )


_ENVELOPE_KEYS = frozenset(("totalCount", "pageCount", "pageNumber", "offset", "limit"))


def _list_keys(op: Operation[Any, Any]) -> tuple[str, ...]:
    """The keys a listing's records may come under, its declared one first. Timeback and the official document
    differ on some: a class's students are "students" in Timeback's and "users" in the other, a term's grading
    periods "gradingPeriods" and "academicSessions"."""
    return (op.records_key, op.collection, *_LIST_KEY_ALIASES.get(op.collection, ()))


# The keys a listing of a view (students, schools, terms...) may be answered under besides its own.
_LIST_KEY_ALIASES: dict[str, tuple[str, ...]] = {
    "students": ("users",), "teachers": ("users",), "schools": ("orgs",),
    "terms": ("academicSessions",), "gradingPeriods": ("academicSessions",),
}  # fmt: skip


def _validated_json(model: type[ModelT], content: bytes) -> ModelT:
    """JSON text validated; text pydantic-core refuses for a lone surrogate escape, as ``read_json`` reads it."""
    try:
        validated: ModelT = model.__pydantic_validator__.validate_json(content)
    except pydantic.ValidationError as exc:
        return _validated_read_again(model, content, exc)
    return validated


def _validated_read_again(model: type[ModelT], content: bytes, refused: pydantic.ValidationError) -> ModelT:
    """``content``, which pydantic-core refused (``refused``), validated as ``read_json`` reads it if the refusal
    was a lone surrogate escape; else ``refused`` raised."""
    if not lone_surrogate_refused(refused):
        raise refused
    try:
        value = read_json(content)
    except NestedTooDeeply as too_deep:  # (as pydantic-core refuses it: nested too deeply, not the surrogate)
        detail = pydantic_core.InitErrorDetails(
            type="json_invalid", loc=(), input=content, ctx={"error": str(too_deep)}
        )
        raise pydantic.ValidationError.from_exception_data(refused.title, [detail], input_type="json") from None
    except ValueError:
        raise refused from None
    return model.model_validate(value)


def _record_left_out(parsed: pydantic.BaseModel) -> bool:
    """A one-record answer whose record is optional and was not found under its key."""
    fields = type(parsed).__pydantic_fields__  # (every call's answer passes here: not the model_fields property)
    return len(fields) == 1 and getattr(parsed, next(iter(fields))) is None


def _record_answered_otherwise(model: type[ModelT], content: bytes) -> ModelT | None:
    """A one-record answer (``{"org": {...}}``) that came bare (``{...}``) or under another key: Timeback's document
    answers PUT /schools/{id}, /classes/{id} and /academicSessions/{id} with the bare record. None if it is neither,
    or if the model is not a one-record envelope. (Only after the expected shape failed: no cost otherwise.)"""
    fields = model.model_fields
    if len(fields) != 1:
        return None
    name, info = next(iter(fields.items()))  # (GET /terms/{id} under "academicSession", the official key, too)
    try:
        body = read_json(content)
    except ValueError:
        return None
    if isinstance(body, dict) and len(body) == 1 and isinstance(next(iter(body.values())), dict):
        body = next(iter(body.values()))  # (under another key)
    if not isinstance(body, dict) or not isinstance(body.get("sourcedId"), str):
        return None  # (a record has its sourcedId: an error body or an empty answer is not taken for one)
    try:
        return model.model_validate({info.serialization_alias or name: body})
    except pydantic.ValidationError:
        return None


# The models' modules each call uses, imported on first use (as the models are: see ``timeback.models``), then held:
# an import statement in the function costs every call about 0.9 us, though the module is imported already.
@functools.cache
def _response_model() -> type[ResponseModel]:
    from timeback.models._base import ResponseModel

    return ResponseModel


@functools.cache
def _mark_read_with() -> Callable[[pydantic.BaseModel, str], None]:
    from timeback.models._base import mark_read_with

    return mark_read_with


@functools.cache
def _requests_base() -> types.ModuleType:
    from timeback.models import _requests_base

    return _requests_base


def _add_extras(request: httpx.Request, options: CallOptions) -> None:
    """``request`` with the call's ``extra_query`` parameters and ``extra_headers`` (replacing the caller's http
    client's of the same name; none of the SDK's own: ``CallOptions.take`` refused them)."""
    if options.extra_query:
        request.url = request.url.copy_merge_params(dict(options.extra_query))
    for name, value in options.extra_headers:
        request.headers[name] = value


def _request_of_bytes(
    method: str, url: str, params: Mapping[str, Any] | None, content: bytes | None, headers: list[tuple[bytes, bytes]]
) -> httpx.Request:
    """``httpx.Request(method, url, params=params, content=content, headers=headers)``, the same request (the same
    headers in the same order: ``Host`` first, ``Content-Length`` as httpx sets it), built 10-15 us faster: given its
    stream and all its headers, httpx neither encodes the content nor merges and normalizes the headers again
    (``Request._prepare``). ``headers`` never hold a ``Host``, ``Content-Length`` or ``Transfer-Encoding``
    (``OWN_HEADERS``: not taken from a caller's client), which would keep httpx from setting its own."""
    request = httpx.Request(method, url, params=params, stream=httpx.ByteStream(content or b""))
    head = [(b"Host", request.url.netloc)] if request.url.host else []
    if content:
        head += headers
        head.append((b"Content-Length", str(len(content)).encode("ascii")))
    else:
        if request.method in ("POST", "PUT", "PATCH"):
            head.append((b"Content-Length", b"0"))
        head += headers
    request.headers = httpx.Headers(head)
    request.read()
    return request


def path_segment(value: object) -> str:
    """A path parameter as one URL path segment: every reserved character percent-encoded, and the ids "." and
    ".." (which ``quote`` leaves alone) as ``%2E``: httpx removes such dot segments, as RFC 3986 says, so the
    class ".." sent ``get_results_for_class`` to ``/results``, every class's results."""
    segment = quote(str(value), safe="")
    return segment.replace(".", "%2E") if segment in (".", "..") else segment


def _os_reason(exc: BaseException) -> str:
    """ ": Connection refused", ": Name or service not known", a certificate refused...: the operating system's or
    TLS's reason under an httpx error, else "". Only an OSError's strerror: an httpx message may quote a header."""
    for seen in _causes(exc):
        if isinstance(seen, OSError):
            # (by errno where there is one: asyncio's strerror is "Connect call failed ('127.0.0.1', 8000)";
            # an SSLError's errno is OpenSSL's, and a DNS error's negative, so theirs is their text)
            if isinstance(seen.errno, int) and seen.errno > 0 and not isinstance(seen, ssl.SSLError):
                return f": {os.strerror(seen.errno)}"
            if isinstance(seen.strerror, str) and seen.strerror:
                return f": {seen.strerror}"
    return ""


def _raised_in_a_close(exc: BaseException) -> bool:
    """Whether ``exc`` was raised as a coroutine was being closed: a GeneratorExit among its causes (handled up the
    stack, or the error raised during its cleanup)."""
    return any(isinstance(seen, GeneratorExit) for seen in _causes(exc))


def _closed_with_no_loop(exc: RuntimeError) -> bool:
    """Whether ``exc`` was raised as the coroutine was being closed (a GeneratorExit in its context) with no event
    loop running: the garbage collector closing a call whose loop was closed under it (at the interpreter's exit, for
    one the asyncio backend kept: ``_asyncio_backend._WAITING``), in which httpcore's cleanup found no async library.
    It ends as closed, not with an error sys prints. Not any error during a close: a caller's cleanup failing in a
    running task is its own error."""
    module = sys.modules.get("asyncio")  # (None at the interpreter's exit: its modules let go)
    return (module is None or module._get_running_loop() is None) and _raised_in_a_close(exc)


def _fails_again(exc: BaseException, url: httpx.URL, proxy: str | None = None) -> str | None:
    """Why a retry of an attempt to ``url`` (through ``proxy``, if any) that failed with ``exc`` would fail alike, or
    None (a network failure may pass): a certificate that failed verification, a proxy's 407 (its credentials missing
    or refused), a proxy's 403 to a ``CONNECT`` (its access rules)."""
    proxy_answer = _proxy_answer(exc)
    if proxy_answer.startswith(": 407"):
        return ("the proxy wants credentials, and refused those sent if any: check the user:password in its URL "
                "(HTTPS_PROXY, HTTP_PROXY or ALL_PROXY; or the http_client's proxy=)")  # fmt: skip
    if proxy_answer.startswith(": 403"):
        return ("the proxy refuses a tunnel to this host and port (its access rules: many allow port 443 only): "
                "check the URL's port, have the proxy allow it, or list the host in NO_PROXY if it is reachable "
                "without the proxy")  # fmt: skip
    if any(isinstance(seen, ssl.SSLCertVerificationError) for seen in _causes(exc)):
        whose = "the server's"
        if proxy is not None and proxy.startswith("https://"):  # (verified too: its certificate, or one through it)
            whose = f"the proxy's ({proxy})" if url.scheme == "http" else f"the server's or the proxy's ({proxy})"
        return (f"{whose} TLS certificate failed verification: trust its CA (SSL_CERT_FILE, or an http_client "
                "with verify=), or check that the URL's host is the certificate's")  # fmt: skip
    return None


def _proxy_answer(exc: BaseException) -> str:
    """ ": 407 Proxy Authentication Required": the status a proxy refused a tunnel with (httpcore's ``ProxyError``
    text, and DefaultAioHttpClient's), else "". Only a status and its reason: no URL, which may hold credentials."""
    text = str(exc)
    if isinstance(exc, httpx.ProxyError) and text[:3].isdigit() and text[3:4] in ("", " ") and text.isprintable():
        return f": {text[:100]}"
    return ""


# (EADDRNOTAVAIL, EAFNOSUPPORT: an address of a family the host has off, ::1 for a proxy named localhost with IPv6
# disabled, beside 127.0.0.1's refusal: the whole connect failed all the same)
UNREACHABLE = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT)


def _connect_failed(exc: BaseException) -> bool:
    """Whether the operating system's connect itself failed under ``exc``: refused, no route, its name not found, an
    address the host cannot use (anyio's "All connection attempts failed" holds each address's: all failed so). Not
    a reset, nor TLS's failure: through a proxy's tunnel, those may be the server's."""

    def failed(seen: BaseException) -> bool:
        if isinstance(seen, BaseExceptionGroup):
            return all(failed(attempt) for attempt in seen.exceptions)
        return isinstance(seen, ConnectionRefusedError | socket.gaierror) or (
            isinstance(seen, OSError) and seen.errno in UNREACHABLE
        )

    return any(failed(seen) for seen in _causes(exc))


def _proxy_of(http: httpx.Client | httpx.AsyncClient | None, url: httpx.URL) -> str | None:
    """``scheme://host:port`` of the proxy ``http`` sends a request to ``url`` through: one of httpx's (the
    environment's or ``proxy=``) or ``DefaultAioHttpClient``'s; None: directly, or through a transport that does not
    tell. Never its credentials (a user:password in a proxy's URL is kept apart from it by httpx and aiohttp)."""
    if http is None:
        return None
    from timeback._aiohttp import AiohttpTransport  # (aiohttp itself is not imported with it)

    transport = http._transport_for_url(url)
    if isinstance(transport, AiohttpTransport):
        chosen = transport._proxy(url)
        found = None if chosen is None else (chosen.url.scheme, chosen.url.host, chosen.url.explicit_port)
    else:  # (httpcore's HTTPProxy or SOCKSProxy: an httpcore.URL)
        proxy_url = getattr(getattr(transport, "_pool", None), "_proxy_url", None)
        found = None if proxy_url is None else (proxy_url.scheme.decode(), proxy_url.host.decode(), proxy_url.port)
    if found is None:
        return None
    scheme, host, port = found
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port is None else f"{scheme}://{host}:{port}"


def _proxy_refusal(request: httpx.Request, response: httpx.Response) -> httpx.ProxyError:
    """A plain-http proxy's 407 to a request it forwards itself, no ``CONNECT`` (``_forwarded``), as the refusal of a
    tunnel it is (httpcore's ``ProxyError``). Neither the token endpoint refusing the client credentials nor the API's
    answer: nothing reached either."""
    reason = response.reason_phrase if response.reason_phrase.isprintable() else ""
    return httpx.ProxyError(f"407 {reason}".rstrip(), request=request)


def _close_there(loop: asyncio.AbstractEventLoop, close: Callable[[], Coroutine[Any, Any, object]]) -> None:
    """In ``loop`` (which runs it): ``close()``, of one of its clients (``AsyncAPIClient.close`` from another)."""
    _closing_elsewhere.add(task := loop.create_task(close()))
    task.add_done_callback(_closing_elsewhere.discard)


_closing_elsewhere: set[asyncio.Task[Any]] = set()  # (referenced until done: a loop holds its tasks weakly)


async def _to_the_end(closing: Awaitable[None]) -> None:
    """Await ``closing`` to its end even when the caller is cancelled meanwhile, then raise the cancel: cut short (an
    ``asyncio.timeout`` around ``close()``), httpx's close of its pool left 5 connections of 6 open for good, httpx
    having marked itself closed first (a second ``close()`` did nothing), a ResourceWarning each when collected. A
    second cancel stops the wait, not the close. The cancel raised, an error of the close is logged (debug) only."""
    import asyncio

    task = asyncio.ensure_future(closing)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        _closing_elsewhere.add(task)  # (referenced until done, should a second cancel stop the wait)
        task.add_done_callback(_closed_after_cancel)
        await asyncio.wait((task,))
        raise


def asyncio_loop() -> asyncio.AbstractEventLoop:
    """The running asyncio event loop; outside one (trio), a ``RuntimeError`` that says so (``NOT_ASYNCIO``)."""
    # (looked up, not imported: none runs if asyncio was never imported; an import statement per call was 0.4 us.
    # None outside one: asyncio's own error would be chained to ours)
    module = sys.modules.get("asyncio")
    loop: asyncio.AbstractEventLoop | None = None if module is None else module._get_running_loop()
    if loop is None:
        raise RuntimeError(NOT_ASYNCIO)
    return loop


def _closed_after_cancel(task: asyncio.Task[None]) -> None:
    """Its error retrieved (else asyncio logged "Task exception was never retrieved" when it was collected)."""
    _closing_elsewhere.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        log.debug("the close, its caller cancelled, failed: %s", repr(error))  # (see _closed_quietly)


async def closed_with_loop(close: Callable[[], Awaitable[object]]) -> AsyncGenerator[None]:
    """Calls ``close`` when closed itself: by its owner, or by asyncio as the event loop it was started in shuts down
    (``loop.shutdown_asyncgens``, which asyncio.run, asyncio.Runner and pytest-asyncio call before they close a
    loop). A client's connections are then closed in their loop, while it still runs: one used again from the next
    loop leaves no socket open behind it, nor a ResourceWarning. Not in a child process after fork(): they are the
    parent's connections."""
    pid = os.getpid()
    try:
        yield
    finally:
        if os.getpid() == pid:
            await close()


def _cause(request: httpx.Request, outcome: object) -> Exception | None:
    """The httpx exception an error is chained to, its request (reachable from the error, as ``__cause__.request``)
    stripped of the credentials it carried: a bearer token, or the client secret on the token endpoint. (After a
    redirect that an ``http_client`` of the caller's followed, the request that failed is another object.)"""
    if not isinstance(outcome, Exception):
        return None
    request.headers.pop("Authorization", None)
    if isinstance(outcome, httpx.RequestError):
        try:
            outcome.request.headers.pop("Authorization", None)
        except RuntimeError:  # (an httpx error made without its request)
            pass
    return outcome


class _Closing(threading.Event):
    """Set by a client's ``close()``: its calls' waits before a retry end then (the call gives up, the client closed).
    An async wait with no ``stop`` to poll waits on a future of its own, held in ``wakers`` and woken here."""

    def __init__(self) -> None:
        super().__init__()
        self.wakers: set[asyncio.Future[None]] = set()
        self.wakers_lock = threading.Lock()  # (each loop's thread adds and drops its own; close() reads them all)

    def set(self) -> None:
        super().set()
        with self.wakers_lock:
            wakers = list(self.wakers)
        for waker in wakers:  # (a wait that adds its waker later sees the event set first)
            with contextlib.suppress(RuntimeError):  # (its loop closed: nothing waits on it)
                waker.get_loop().call_soon_threadsafe(_wake, waker)


def _wake(waker: asyncio.Future[None]) -> None:
    if not waker.done():
        waker.set_result(None)


def _read_by(response: httpx.Response, expires: float, limit: str | None) -> httpx.Response:
    """``response`` (sent with ``stream=True``) read whole, by ``expires`` (see ``_ReadBy``). On the SDK's own
    connections each read, of its head too, is capped at what is left until ``expires`` then (``ATTEMPT_ENDS``);
    through a caller's transport its head is bounded by each read's timeout only (capped at what was left of the
    deadline when the attempt began)."""
    response.stream = _ReadBy(cast(httpx.SyncByteStream, response.stream), response.request, expires, limit)
    return _read_whole(response)


def _disowned(exc: httpx.RequestError, ends: _AttemptEnds | None) -> httpx.RequestError:
    """``exc``, the error of an attempt bounded by ``ends`` (None: no deadline), marked (``_OTHERS_CUT``) when a read
    or write cut at another attempt's end raised it (``_CUT_BY``): httpcore fails an HTTP/2 connection, shared by
    several threads' calls, for all of them when one's read fails, and raises that read's error to each."""
    for seen in _causes(exc):
        if (owner := getattr(seen, _CUT_BY, None)) is not None:
            if owner is not ends:
                setattr(exc, _OTHERS_CUT, True)
            break
    return exc


def _unopened(exc: httpx.RequestError, ends: _AttemptEnds | None, request: httpx.Request) -> httpx.RequestError:
    """``exc``, the error of an attempt of ``request`` bounded by ``ends``, as a ``ConnectTimeout`` (not sent:
    ``_opening_cut``) when a read's or write's timeout ran out while a connection was being opened for the attempt
    (``ends.opening``: a proxy's ``CONNECT`` unanswered, the tunnel not open; never once the request began to be
    written, on a connection before: a caller's transport trying it again). At the deadline (the send flow tells
    it by the clock), the SDK's own connections raise that themselves (``_sync_backend``); through a caller's
    transport, each read's timeout capped at what was left of the deadline, it was a ``ReadTimeout``, "the deadline
    passed before the answer came", counted as maybe sent, where ``AsyncTimeback``'s timer says not sent. So was
    the client's own timeout running out there before the deadline ("ReadTimeout after 0.5 s"), on any transport."""
    if (
        ends is None
        or not ends.opening
        or not isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout))
        or hasattr(exc, _OTHERS_CUT)
    ):
        return exc
    return _opening_cut(exc, request)


def _written_before(exc: Exception, written: bool) -> None:
    """Marks ``exc`` (``_WRITTEN_BEFORE``), an attempt's transport error that did not send it (``NOT_SENT``), when its
    request was ``written`` before, on another connection: a caller's transport trying it again (its first try wrote
    a create, its answer lost) whose new connection or tunnel failed. The send flow counts it as maybe sent, not as
    a connect's error from its type alone."""
    if written and isinstance(exc, NOT_SENT):
        setattr(exc, _WRITTEN_BEFORE, True)


def _opening_cut(exc: httpx.ReadTimeout | httpx.WriteTimeout, request: httpx.Request) -> httpx.ConnectTimeout:
    """``exc``, a read's or write's timeout that ran out while a connection was being opened for ``request`` (a
    proxy's ``CONNECT`` and its answer), as the ``ConnectTimeout`` it is: nothing of the request was sent. The send
    flow names it the deadline passing at the deadline, else as a connect's timeout through the proxy, or by
    ``exc`` (``_timed_out``: "ReadTimeout after 0.5 s", the timeout that ran out)."""
    cut = httpx.ConnectTimeout("timed out opening the connection (a proxy's tunnel): not sent", request=request)
    cut.__cause__ = exc
    return cut


def _read_whole(response: httpx.Response) -> httpx.Response:
    """``response`` (sent with ``stream=True``) read whole, as httpx's send without it reads it, but an error of the
    read keeps the answer's head (``answer_cut_short``): httpx's own send dropped it, its request id with it."""
    try:
        response.read()
    except BaseException as exc:
        response.close()  # (its connection closed: the rest of the answer is not read)
        answer_cut_short(exc, response)
        raise
    return response


async def _aread_whole(response: httpx.Response) -> httpx.Response:
    """As ``_read_whole``, for an ``httpx.AsyncClient``'s answer."""
    try:
        await response.aread()
    except BaseException as exc:
        await response.aclose()
        answer_cut_short(exc, response)
        raise
    return response


def answer_cut_short(exc: BaseException, response: httpx.Response) -> None:
    """Notes on ``exc``, an httpx error reading ``response``'s body, the answer's status and request id, which the
    SDK's error for it names (``_CUT_ANSWER``): the server answered, whatever cut its body short."""
    if isinstance(exc, httpx.HTTPError):
        setattr(exc, _CUT_ANSWER, (response.status_code, request_id_of(response)))


async def _sent_by(
    http: httpx.AsyncClient, request: httpx.Request, expires: float, limit: str | None
) -> httpx.Response:
    """``http.send(request)``, its answer read whole by ``expires`` (``monotonic()``), head and body, or an
    httpx timeout: each read's timeout alone let an answer trickling in run past a call's deadline. (A
    ``PoolTimeout`` when nothing of the request was sent by then: see ``_SendingTrace``; a ``ConnectTimeout`` when
    its own read or write timeout ran out before, a proxy's ``CONNECT`` unanswered: ``_opening_cut``.) ``limit``: see
    ``_send_flow``."""
    import asyncio

    request.extensions["trace"] = watch = _SendingTrace(request.extensions.get("trace"))
    timer = asyncio.timeout(expires - monotonic())
    try:
        async with timer:
            watch.answered = await http.send(request, auth=NO_AUTH, follow_redirects=False, stream=True)
            return await _aread_whole(watch.answered)
    except TimeoutError:
        if not timer.expired():  # (not ours)
            raise
    except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
        # (its own timeout, before the deadline, reading a proxy's answer to the CONNECT: not sent, as _unopened
        # has it on the sync client. Only once a CONNECT was seen written: any other timeout with nothing seen
        # written is a transport's that did not tell, its request maybe written)
        if watch.answered is None and watch.tunnelling and _unsent(http, request, watch):
            raise _opening_cut(exc, request) from exc
        raise
    except NOT_SENT as exc:  # (a write seen is true on any transport: see _written_before)
        _written_before(exc, watch.sending)
        raise
    await _reclaim_orphans(http, request)
    if watch.answered is not None:  # (its head came: the error names its status and request id, as _ReadBy's)
        cut = _deadline_cut(httpx.ReadTimeout(_past(limit, reading=True), request=request))
        answer_cut_short(cut, watch.answered)
        raise cut
    if _unsent(http, request, watch):
        # (waiting for a pooled connection, or connecting: nothing of it was sent, as the send flow has a
        # PoolTimeout at the deadline)
        raise httpx.PoolTimeout(_no_time_left(limit), request=request)
    # (any part of the attempt: it may have reached the server, so its answer counts as lost)
    raise _deadline_cut(httpx.TimeoutException(_past(limit, reading=False), request=request))


def _unsent(http: httpx.AsyncClient, request: httpx.Request, watch: _SendingTrace) -> bool:
    """Whether nothing of ``request``, sent through ``http`` traced by ``watch``, was sent: none of it written, as
    httpx's own transport and ``DefaultAioHttpClient``'s tell. Another transport may not tell, nor a trace a request
    hook put instead; nor a subclass of theirs (a signing one may send a request of its own making, which never
    calls the trace: a request written whole, its answer lost, was "not sent", its create not read back), nor a
    subclass of httpx's client overriding how it sends (a signing one's ``send``, alike)."""
    from timeback._aiohttp import AiohttpTransport  # (aiohttp itself is not imported with it)

    told = type(http._transport_for_url(request.url)) in (httpx.AsyncHTTPTransport, AiohttpTransport)
    sends = type(http)
    told = told and all(getattr(sends, name) is getattr(httpx.AsyncClient, name) for name in _SENDING)
    return told and request.extensions.get("trace") is watch and not watch.sending


# httpx.AsyncClient's methods a request passes through on its way to the transport (``_unsent``)
_SENDING = ("send", "_send_handling_auth", "_send_handling_redirects", "_send_single_request")


async def _reclaim_orphans(http: httpx.AsyncClient, request: httpx.Request) -> None:
    """After an attempt of ``request`` was cut by a cancel (a caller's, or the deadline's): the connections of
    ``http``'s pool (httpx's own transport only) that no request holds any more, closed and dropped. httpcore 1.0.9
    (encode/httpcore#1093) leaves in its pool, for good, a connection given to a request cancelled before sending on
    it (neither idle nor closed: never reused nor closed), and the request itself when a cancel cuts the close of its
    answer; with ``max_connections`` of them every later call waited for a connection until its pool timeout. Only
    what no request in flight holds is dropped (one being read holds its connection until closed); this attempt's
    own request is over. Another transport, or a pool without these attributes, is left alone."""
    pool = _httpcore_pool(http._transport_for_url(request.url), "AsyncConnectionPool")
    if pool is None:
        return
    try:
        with pool._optional_thread_lock:
            left = [held for held in pool._requests if held.request.extensions is not request.extensions]
            owned = {id(held.connection) for held in left}
            orphans = [
                connection
                for connection in pool._connections
                if not (id(connection) in owned or connection.is_idle() or connection.is_closed())
            ]
            pool._requests[:] = left
            for connection in orphans:
                pool._connections.remove(connection)
            closing = orphans + pool._assign_requests_to_connections()  # (the requests queued meanwhile)
    except AttributeError:  # (another httpcore's pool)
        return
    if closing:
        await _to_the_end(_closed_quietly(closing))


async def _aclose(http: httpx.AsyncClient) -> None:
    """``http.aclose()``, its httpcore pools keeping no connection from then on once let go. httpcore 1.0.9's close
    empties a pool, closing its connections, but the requests queued in it for one (more calls than
    ``max_connections``) then opened new ones, and a connection still connecting (its close does nothing) went on to
    serve its request: the closed pool kept the new ones idle, and had dropped the other, both open for good (a
    ResourceWarning each when collected). Now each is closed by the task letting it go. (No socket is shut down, as
    ``Timeback``'s close does: the event loop wakes a reader.)"""
    pools: list[tuple[Any, list[httpcore.AsyncConnectionInterface]]] = []
    for transport in (getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()):
        pool = _httpcore_pool(transport, "AsyncConnectionPool")
        if pool is None:
            continue
        with contextlib.suppress(AttributeError):  # (another httpcore's pool: closed as it closes)
            with pool._optional_thread_lock:
                pools.append((pool, list(pool._connections)))
                pool._max_keepalive_connections = 0
    try:
        await http.aclose()
    except RuntimeError as error:
        if str(error) != LOOP_CLOSED:
            raise
        # (a caller's client used in an event loop since closed: that loop's connections cannot be closed in another,
        # and go with the garbage collector; httpcore stopped at the first, the others are closed below)
        log.debug("closing the http client's connections of a closed event loop failed: %s", repr(error))
    for pool, connections in pools:
        with pool._optional_thread_lock:  # (back in the pool: those its close could not close, still connecting)
            pool._connections.extend(connection for connection in connections if not connection.is_closed())
            closing = pool._assign_requests_to_connections()  # (any let go during the close: idle, closed now)
        await _closed_quietly(closing)


async def _closed_quietly(connections: list[httpcore.AsyncConnectionInterface]) -> None:
    for connection in connections:
        try:
            await connection.aclose()
        except Exception as error:  # (each closed: one's error skips none of the others)
            # (its repr, not the error: a record kept by a handler, as pytest's caplog keeps them, would keep the
            # error's traceback, and through its frames the connection's socket, open until collected)
            log.debug("closing a pooled connection failed: %s", repr(error))


def _pause(seconds: float, stop: threading.Event | None, closing: threading.Event) -> bool:
    """Sleep ``seconds`` (a blocking call's wait before a retry), less once ``closing`` is set; True, as soon as it
    is set, if ``stop`` is. With both, ``closing`` is looked at every 50 ms; either way Ctrl-C stops the wait on
    Windows too (``wait_for``)."""
    if stop is None:
        wait_for(closing.wait, seconds)
        return False
    until = monotonic() + seconds
    while not closing.is_set():
        left = until - monotonic()
        if left <= 0:
            return False
        if stop.wait(min(left, 0.05)):
            return True
    return False


class _RefreshBetweenLoops:
    """The token refresh of an ``AsyncAPIClient``, one at a time across event loops: a lock held by a task of
    whichever loop (its own ``token_lock`` queues that loop's tasks), and that loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None  # (the holder's)

    async def acquire(self) -> bool:
        """True once held; False when its holder's loop stopped or closed with the refresh in it (that refresh is
        never finished: the caller refreshes without it, as each loop did before). Tried every 5 ms, the loop free
        meanwhile (a blocking wait would stall it; a thread left waiting on cancel would take it, never to give
        back). Only for the wait for a refresh in another loop, which is rare and long."""
        import asyncio  # (imported on use: see _pause_async)

        while not self._lock.acquire(blocking=False):
            if self._abandoned():
                return False
            await asyncio.sleep(0.005)
        self._loop = asyncio.get_running_loop()
        return True

    def release(self) -> None:
        self._loop = None
        self._lock.release()

    def locked(self) -> bool:
        """Held by a loop still running (one stopped or closed in the refresh never releases it: see acquire)."""
        return self._lock.locked() and not self._abandoned()

    def _abandoned(self) -> bool:
        holder = self._loop
        return holder is not None and (holder.is_closed() or not holder.is_running())


LOOP_CLOCK_STOPPED = (
    "AsyncTimeback cannot wait before a retry: the event loop's clock stands still (freezegun's freeze_time stops it "
    "unless given real_asyncio=True), so no wait of the loop's ends"
)


async def _pause_async(seconds: float, stop: threading.Event | None, closing: _Closing) -> bool:
    """As ``_pause``, awaited: ``stop`` (set from the event loop, or another thread) and ``closing`` are looked at
    every 50 ms; with no ``stop``, the wait is woken by ``closing``, not polled."""
    import asyncio  # imported on use: it costs 45 ms, and sync users never need it

    # (it waited forever: looked at before such a wait only, retries being rare)
    if seconds > 0 and loop_clock_stopped(asyncio.get_running_loop()):
        raise RuntimeError(LOOP_CLOCK_STOPPED)
    if stop is None:
        waker = asyncio.get_running_loop().create_future()
        with closing.wakers_lock:
            closing.wakers.add(waker)  # (before looking at the event: see _Closing.set)
        try:
            if not closing.is_set():
                await asyncio.wait((waker,), timeout=seconds)
        finally:
            with closing.wakers_lock:
                closing.wakers.discard(waker)
        return False
    until = monotonic() + seconds
    while not stop.is_set():
        left = until - monotonic()
        if left <= 0 or closing.is_set():
            return False
        await asyncio.sleep(min(left, 0.05))
    return True


def _problems(exc: pydantic.ValidationError, model: Any, redact: Callable[[str], str] = str) -> str:
    """An answer's first validation errors, for a message, each "where: what [type], input ...": the input cut short
    (for a missing field it is the whole object around it, which was as big as the answer, other students' records
    in every log line), its strings ``redact``-ed before they are cut (a credential cut in two is no longer found),
    and none where the model hides it (a user's password: ``HIDES_INPUT``). The whole answer, cut, stays in the
    error's ``body``."""
    hidden = bool(getattr(model, "model_config", {}).get("hide_input_in_errors"))
    problems = []
    for error in exc.errors(include_url=False, include_input=not hidden)[:3]:
        where = shown(".".join(redact(str(part)) for part in error["loc"]) or "(the answer)", 200)
        problem = f"{where}: {shown(redact(error['msg']), 200)} [{error['type']}]"
        problems.append(problem if hidden else f"{problem}, input {shown(_short_repr(error['input'], redact), 200)}")
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more" if more else "")


def _short_repr(value: Any, redact: Callable[[str], str], depth: int = 3) -> str:
    """``repr`` of a JSON value's first few levels, items and characters ("..." where cut), its strings ``redact``-ed
    whole before they are cut: bounded work and length, however big the value."""
    if isinstance(value, str):
        text = redact(value)
        return repr(text[:40]) + ("..." if len(text) > 40 else "")
    if not isinstance(value, (dict, list)) or not value:
        try:
            return shown(repr(value), 40)
        except ValueError:  # (an int of more digits than Python writes: sys.set_int_max_str_digits)
            return f"<{type(value).__name__}>"
    if depth == 0:
        return "{...}" if isinstance(value, dict) else "[...]"
    if isinstance(value, dict):
        parts = [f"{_short_repr(key, redact)}: {_short_repr(item, redact, depth - 1)}"
                 for key, item in itertools.islice(value.items(), 4)]  # fmt: skip
    else:
        parts = [_short_repr(item, redact, depth - 1) for item in value[:4]]
    parts += ["..."] if len(value) > 4 else []
    return ("{%s}" if isinstance(value, dict) else "[%s]") % ", ".join(parts)


def _with_reason(error: ErrorT, reason: str) -> ErrorT:
    """``error``, its message ending with ``; reason`` (in place of a sentence's full stop: the server's "...in one
    request." read "...in one request.; not retried")."""

    def ended(text: str) -> str:
        return f"{text[:-1] if text.endswith('.') and not text.endswith('..') else text}; {reason}"

    error.message = ended(error.message)
    error.args = (error._text(),)
    return error


def _closed_error(request: httpx.Request, retries_taken: int) -> APIConnectionError:
    """The error of a call ``close()`` refused: ``not sent: the client was closed`` (logged at debug)."""
    log.debug("%s %s: not sent: the client was closed", request.method, request.url)
    return APIConnectionError(f"not sent: {CLIENT_CLOSED}", method=request.method, url=str(request.url),
                              retries_taken=retries_taken)  # fmt: skip


def _not_sent_if(error: ErrorT, not_sent: bool, why: str) -> ErrorT:
    """``error``, marked as ending a request no attempt of which was sent (``not_sent``), and why."""
    if not_sent:
        error._not_sent = why
    return error


def _lost_if(error: ErrorT, answer_lost: bool, request: httpx.Request, *, unconfirmed: bool = False) -> ErrorT:
    """``error``, marked as ending a call an attempt of which may have been handled unanswered (``answer_lost``).
    An update's or a delete's error then says so: the record may have changed though the call failed, and so does
    an ``unconfirmed`` POST's (``request()``'s). (A create's records are read back instead, and its error says what
    that found: ``confirmed``.)"""
    if answer_lost:
        error._answer_lost = True
        if request.method in ("PUT", "PATCH", "DELETE"):
            _with_reason(error, "an attempt of this call got no answer, so it may have been applied")
        elif unconfirmed:
            _with_reason(error, "an attempt of this call got no answer, so it may have been stored")
    return error


def _confirms(error: RequestError | APIConnectionError | APIResponseValidationError, confirm: bool) -> bool:
    """Whether ``call`` reads a create's records back to confirm the error that ended it: a retry's 409, an attempt
    with no answer, or a 2xx answer cut short (a POST's, not sent again: ``_send_flow``), unless ``confirm`` is False
    (the caller settles those: a batch replacing settles a cut-short one as a lost answer's, so that one changed
    since is PUT again)."""
    return confirm and (isinstance(error, ConflictError) or error._answer_lost)


DECODED = "timeback_json"  # (an answer's extension: its JSON value, decoded by ``decoded``; None: not JSON)


def decoded(response: httpx.Response) -> httpx.Response:
    """``response`` with its JSON value decoded (``DECODED``), for ``read_back_page``; an answer whose JSON ends
    mid-value (cut short, or empty) raised, ``_cut_short``: read in the send flow, it is retried."""
    try:
        response.extensions[DECODED] = read_json(response.content)
    except ValueError as refused:
        if ends_mid_value(str(refused)):
            raise _bad_answer(f"the answer is not JSON: {refused}", response, cut_short=True) from None
        response.extensions[DECODED] = None
    return response


def read_back_page(op: Operation[Any, Any], response: httpx.Response) -> tuple[dict[Any, Any], int | None]:
    """The records one successful answer to a read-back holds, by sourcedId, and the number of records its listing
    matches (its ``totalCount``; None for a read by id, or a listing that does not say)."""
    stored: dict[Any, Any] = {}
    stored_in = op.stored_in or op.collection
    lister = LISTERS.get((op.base_path, stored_in))
    keys = _list_keys(lister) if lister else (stored_in,)  # (a reader's answers: one record each, below)
    if DECODED not in response.extensions:
        decoded(response)
    body = response.extensions[DECODED]
    if not isinstance(body, dict):  # (a proxy's page, say)
        message = "the answer is not a JSON object"
        raise _bad_answer(message, response)
    found = next((body[key] for key in keys if isinstance(body.get(key), list)), None)
    for record in found if isinstance(found, list) else [next(iter(body.values()), None)]:
        if isinstance(record, dict):
            stored[record.get("sourcedId")] = record
    if not isinstance(found, list):
        return stored, None
    total: Any = body.get("totalCount")
    if total is None and response.headers.get("x-total-count", "").isdigit():
        total = int(response.headers["x-total-count"])
    counted = type(total) is int or (isinstance(total, float) and total.is_integer())  # (3.0 too; a bool is no count)
    return stored, int(total) if counted else None


class _KeywordsMeant:
    """Around a call's request being validated: a ``ValidationError`` raised gets a note for each keyword the call
    was given that its request does not take but that names one it does, closely (``assessment_result=`` for
    ``assessmentResult=``: body keywords are wire names, path and query ones snake case, and pydantic's "Extra
    inputs are not permitted" named neither). Shown in the traceback; the error's type and message stay pydantic's.
    (A class, not ``contextlib.contextmanager``: it wraps every call, and a generator costs more.)"""

    __slots__ = ("fields", "op")

    def __init__(self, op: Operation[Any, Any], fields: Mapping[str, Any]) -> None:
        self.op, self.fields = op, fields

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if not isinstance(error, pydantic.ValidationError):
            return
        accepted = _keywords_of(self.op.request)
        for key in self.fields:
            if key in accepted or (meant := _keyword_meant(key, accepted)) is None:
                continue
            error.add_note(f"{key}= is not a keyword of {self.op.name}(): did you mean {meant}=?")


def _keywords_of(model: type[pydantic.BaseModel]) -> frozenset[str]:
    """The keywords a request model takes: its fields' names and aliases. (Read on the error path alone.)"""
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(name)
        for alias in (info.alias, info.validation_alias):
            choices = alias.choices if isinstance(alias, pydantic.AliasChoices) else [alias]
            names.update(choice for choice in choices if isinstance(choice, str))
    return frozenset(names)


def _keyword_meant(given: str, accepted: frozenset[str]) -> str | None:
    """The keyword ``given`` most likely stands for: one spelt alike but for case and underscores, else the closest."""
    import difflib
    import keyword

    squashed = {name.replace("_", "").lower(): name for name in sorted(accepted)}
    found = squashed.get(given.replace("_", "").lower())
    if found is None:
        close = difflib.get_close_matches(given, sorted(accepted), n=1, cutoff=0.75)
        found = close[0] if close else None
    return f"{found}_" if found is not None and keyword.iskeyword(found) else found  # (class=: class_=)


def _bad_answer(message: str, response: httpx.Response, *, cut_short: bool = False) -> APIResponseValidationError:
    """The error for an answer that is not what the API documents, with its text: both without the bearer token
    the request carried, should the answer echo it (a service at base_url that answers with the request it got).
    ``cut_short``: its JSON ends mid-value (retried: see ``_send_flow``)."""
    credentials = _credentials_of(response)
    body = _redacted(response.text, credentials)[:2000]
    error = APIResponseValidationError(_redacted(message, credentials), body=body, **answer_of(response, credentials))
    error._cut_short = cut_short
    return error


def _credentials_of(response: httpx.Response) -> Credentials:
    request = _request_of(response)
    return sent_credentials(request) if request is not None else ()


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # (a response made without its request)
        return None


def answer_of(response: httpx.Response, credentials: Credentials | None = None) -> dict[str, Any]:
    """What an ``APIResponseValidationError`` tells of the answer it is about (its body: the caller's choice); its
    request id without the ``credentials`` the request carried (by default, read from it), should it echo them."""
    request_id = request_id_of(response)
    if request_id is not None:
        request_id = _redacted(request_id, _credentials_of(response) if credentials is None else credentials)
    request = _request_of(response)
    return {
        "status_code": response.status_code,
        "method": None if request is None else request.method,
        "url": None if request is None else str(request.url),  # (a page's: its offset too, to go on from)
        "request_id": request_id,
        "retries_taken": retries_taken_of(response),
    }


def _item_builder(
    op: Operation[Any, ModelT],
    response: httpx.Response,
    redact: Callable[[Any], Any],
    by_line: bool = False,
    fields: str | None = None,
) -> Callable[[int, Any], ModelT]:
    """Builds a page's items: JSON values, or with ``by_line`` each record's JSON text (``_records_by_line``); read
    with ``fields``, each marked so (``mark_read_with``)."""
    model = op.response
    assert model is not None  # a listing always declares its item model
    validator = model.__pydantic_validator__
    validate = validator.validate_json if by_line else validator.validate_python
    answer = answer_of(response, credentials=())  # (its figures, not the response: a page must not keep its body twice)
    mark_read_with = _mark_read_with()

    def build(index: int, raw: Any) -> ModelT:
        try:
            try:
                item: ModelT = validate(raw)
            except pydantic.ValidationError as refused:
                if not by_line:
                    raise
                item = _validated_read_again(model, raw, refused)  # (a lone surrogate; here, not a call a record)
        except pydantic.ValidationError as exc:
            raise APIResponseValidationError(
                redact(f"{op.name}: item {index} of {op.collection!r} is not a {model.__name__}: ")
                + _problems(exc, model, redact),
                body=redact(raw.decode("utf-8", "replace") if type(raw) is bytes else repr(raw))[:2000],
                **{**answer, "request_id": redact(answer["request_id"])},
            ) from None
        if fields is not None:
            mark_read_with(item, fields)
        return item

    return build


def _fields_of(request: Any) -> str | None:
    """The ``fields=`` a listing's request asks for, as sent (comma-separated), or None: every field."""
    fields = getattr(request, "fields", None)
    return ",".join(fields) if isinstance(fields, list) else fields


def request_id_of(response: httpx.Response) -> str | None:
    # A header sent twice (a proxy adding its own) gives its first value, the answering server's: ``get`` joined
    # them ("req-1, proxy-9", no one's id). An empty one is no id: the next value is.
    for name in ("x-request-id", "x-amzn-requestid"):
        for value in response.headers.get_list(name):
            if value:
                return value
    return None


def retries_taken_of(response: httpx.Response) -> int:
    return int(response.extensions.get("timeback_retries_taken", 0))


def body_dump(request: pydantic.BaseModel, dump: Callable[[pydantic.BaseModel], DumpT]) -> DumpT:
    """``dump(request)``, which must raise on pydantic's serializer warnings (``warnings="error"``). Models do not
    validate assignment: a body changed after it was built (``body.score = "77"``, ``body.scoreStatus = "exempt"``)
    warned, and was sent as it held, for the server's 422 (or nothing was sent under ``-W error``). Only such a
    request is validated again, as if built with what it holds: a value validation takes is sent as it makes it,
    and one it refuses is its ValidationError, naming the field. The request that dumps cleanly costs one dump."""
    try:
        return dump(request)
    except pydantic_core.PydanticSerializationError:
        checked = _validated_again(request)
    return dump(checked)  # (a value with no JSON form still has none: the same error)


def as_sent(request: pydantic.BaseModel, op: Operation[Any, Any]) -> pydantic.BaseModel:
    """``request``, validated again (as ``body_dump`` does) if a value set on it after it was built would be sent
    otherwise than building it with that value does: a path parameter that is not a string or is empty
    (``sourced_id = 5`` went out as the path ``/results/5``, ``None`` as ``/results/None``, ``""`` as the
    collection's ``/results/``), a query parameter of another type (its other limits are the server's 400), or a
    bool in a number field, anywhere (``body.score = True``: pydantic's JSON dump writes 1.0 without a warning).
    A small dump and a walk of the number fields per call; the body's other values are checked by its own dump
    (``body_dump``)."""
    from timeback.models._base import holds_bool_for_number  # (here: the SDK's import does not load the models)

    try:
        request.model_dump(exclude={op.body} if op.body else None, warnings="error")
    except pydantic_core.PydanticSerializationError:
        return _validated_again(request)
    paths_are_text = all(isinstance(value := getattr(request, name), str) and value for name in op.path_fields)
    return request if paths_are_text and not holds_bool_for_number(request) else _validated_again(request)


def _validated_again(request: pydantic.BaseModel) -> pydantic.BaseModel:
    # (one refused raises its ValidationError, naming the field: nothing is sent)
    return type(request).model_validate(request.model_dump(exclude_unset=True, warnings=False))


def unencodable(error: Exception, key: str, body: Any) -> Exception:
    """What to raise for ``error``, a failure to encode the request ``body`` (sent under ``key``): a ValueError
    naming the field when it holds text with no UTF-8 JSON form (pydantic's error names neither), else ``error``."""
    where = unencodable_text({key: body})
    return error if where is None else ValueError(where)


def _holds_models(body: Any) -> bool:
    """Whether a body was given as models (or a list of them): those take the model path."""
    if isinstance(body, list):
        return bool(body) and isinstance(body[0], pydantic.BaseModel)
    return isinstance(body, pydantic.BaseModel)


def _location(url: httpx.URL, response: httpx.Response) -> str:
    """Where a redirect points, as a URL (relative to ``url``, the request's), or what it said."""
    location: str | None = response.headers.get("Location")
    if location is None:
        return "nowhere it named (no Location)"
    with contextlib.suppress(httpx.InvalidURL):
        location = str(url.join(location))
    return location


def parse_retry_after(value: str | None, date: str | None = None) -> float | None:
    """``Retry-After`` in seconds, given as delta-seconds or as an HTTP date: from ``date``, the answer's own ``Date``
    when it reads as one (the server's clock, as RFC 9110 sets them both by: a test's frozen clock, or the machine's
    skewed one, made a 5 s wait 71 million seconds or none), else from the machine's time."""
    if not value:
        return None
    # Digits, with a decimal fraction (``--faults retry_after=0.5``); a negative wait is none. Not whatever float()
    # takes: "1_0", "+5" and "infinity" (which was over the cap: raised at once) are no advice, the backoff decides.
    if RETRY_AFTER_SECONDS.fullmatch(value.strip()):
        return max(0.0, float(value))
    # (OverflowError: a year or a zone past what a datetime holds, "01 Jan 99999999999", "+99999999999999999999")
    try:
        return max(0.0, _http_date(value) - _http_date_or_now(date))
    except (TypeError, ValueError, OverflowError):
        return None


def _http_date(value: str) -> float:
    when = email.utils.parsedate_to_datetime(value)
    if when.tzinfo is None:  # (asctime's form and "-0000" name no zone: an HTTP date is GMT, not local time)
        when = when.replace(tzinfo=datetime.UTC)
    return when.timestamp()


def _http_date_or_now(value: str | None) -> float:
    try:
        return _http_date(value) if value else time.time()
    except (TypeError, ValueError, OverflowError):
        return time.time()


def _edge_whitespace(config: ClientConfig) -> str:
    """What a refusal of the credentials adds when the client id or secret begins or ends with whitespace (a value
    copied with its newline, a secrets file's last line): said, never shown. Sent as given all the same: OAuth allows
    spaces in both."""
    named = [name for name, value in (("client id", config.client_id), ("client secret", config.client_secret))
             if value != value.strip()]  # fmt: skip
    if not named:
        return ""
    ends = "begins or ends" if len(named) == 1 else "begin or end"
    return f" (the {' and the '.join(named)} given {ends} with whitespace: copied with a newline or a space?)"


def _close_in(pid: int, http: httpx.Client) -> None:
    """Closes ``http`` in the process ``pid`` only: in a child after fork(), its connections are the parent's."""
    if os.getpid() == pid:
        http.close()


class SyncAPIClient(BaseClient):
    _http: httpx.Client

    def __init__(self, config: ClientConfig, http_client: httpx.Client | None = None) -> None:
        super().__init__(config, http_client)
        self._owns_http = http_client is None
        self._http = http_client or self._new_http()
        self._token_lock = threading.Lock()
        # (in a child process after fork(): self._http is the parent's, to be made anew at the first send)
        self._parents_http = False
        # (in a child process after fork(): the caller's http client, its sockets shared with the parent)
        self._inherited_http = False
        self._http_lock = threading.Lock()

    def _new_http(self) -> httpx.Client:
        config = self._config
        http = DefaultHttpxClient(timeout=config.timeout, **direct_to_loopback(config))
        # Closed as this client is collected unclosed (its pooled sockets were left to the garbage collector, each a
        # ResourceWarning); the finalizer holds the http client only. Not at exit: a daemon thread may still send.
        weakref.finalize(self, _close_in, os.getpid(), http).atexit = False
        return http

    def _after_fork(self) -> None:
        super()._after_fork()
        self._token_lock, self._http_lock = threading.Lock(), threading.Lock()
        if self._closing.is_set():  # (closed: its http client too, holding no connection)
            return
        if self._owns_http:
            # Made anew at the child's first send, not here: its TLS context took 30-45 ms, in every child process
            # (multiprocessing's, gunicorn's, a subprocess's before its exec) whether it called or not.
            _inherited.append(self._http)
            self._parents_http = True
        else:
            self._forked_http = self._sent
            self._inherited_http = True

    def _proxy_for(self, url: httpx.URL) -> str | None:
        return _proxy_of(self._http, url)

    def _own_http_again(self) -> bool:
        """Whether the child has an http client of its own to send with (made now if need be): not once closed."""
        with self._http_lock:  # (two threads of the child sending at once make one; not the token lock, held by a
            # token request as it is sent)
            if self._parents_http and not self._closing.is_set():
                self._http = self._new_http()
                self._parents_http = False
            return not self._parents_http

    def close(self) -> None:
        self._closing.set()  # (first: the calls waiting to retry give up now, not at the end of their wait)
        with self._http_lock:
            if self._inherited_http:  # (closing the child's copies of the sockets only: a shutdown ends the parent's)
                self._http.close()
            elif not self._parents_http:  # (the parent's own is the parent's to close)
                _close_waking_readers(self._http)

    def _drive(self, flow: Flow) -> httpx.Response:
        outcome: _Outcome = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration as stop:
                return cast(httpx.Response, stop.value)
            if isinstance(action, _Send):
                # Closed: refused here, not by httpx alone (a send racing close(), past httpx's check, marks httpx's
                # client open again after it); in a child, closed before it had a client of its own.
                if self._closing.is_set() or (self._parents_http and not self._own_http_again()):
                    outcome = RuntimeError(CLIENT_CLOSED)  # (as httpx's refusal: "not sent: the client was closed")
                    continue
                # (set for every attempt, None with no deadline: a call made during another's attempt with one, from
                # an event hook, is not bounded by that attempt's end. The SDK's own connections cap each read and
                # write at it: see _sync_backend)
                ends = None if action.expires is None else _AttemptEnds(action.expires, action.limit)
                bounding = ATTEMPT_ENDS.set(ends)
                try:
                    if ends is None:  # (read here, not by httpx: see _read_whole)
                        sent = self._http.send(action.request, auth=NO_AUTH, follow_redirects=False, stream=True)
                        outcome = _read_whole(sent)
                    else:
                        request = _traced(action.request, ends)
                        sent = self._http.send(request, auth=NO_AUTH, follow_redirects=False, stream=True)
                        ends.reading = True
                        outcome = _read_by(sent, ends.expires, ends.limit)
                except httpx.RequestError as exc:  # (transport errors, and an answer httpx could not decode)
                    outcome = _unopened(_disowned(exc, ends), ends, action.request)
                    _written_before(outcome, ends is not None and ends.written)
                except RuntimeError as exc:  # (httpx's refusal to send on a closed client: the flow types it)
                    if not self._http.is_closed:
                        raise
                    outcome = exc
                finally:
                    ATTEMPT_ENDS.reset(bounding)
            elif isinstance(action, _Sleep):
                outcome = _pause(action.seconds, action.stop, self._closing)
            else:
                try:
                    outcome = self._token(action)
                except (RequestError, APIConnectionError, APIResponseValidationError) as exc:
                    outcome = exc  # (to the flow, which ends the call with it)

    def _token(self, need: _NeedToken) -> _Token:
        token = self._tokens.current()
        if token is not None:
            return token
        # One refresh at a time; the others use the token held while it lives, else wait and reuse the refresh's,
        # no longer than their own deadline allows.
        wait = self._token_wait(need)
        if not self._token_lock.acquire(blocking=False):
            if (token := self._tokens.usable()) is not None:
                return token
            # (in slices, as Ctrl-C stops it on Windows too: the refresh waited for may take a minute's Retry-After.
            # Each slice short, a deadline of inf, or of centuries, is no OverflowError either.)
            if not wait_for(lambda seconds: self._token_lock.acquire(True, seconds), wait):
                raise self._token_deadline_passed(need)
        try:
            token = self._tokens.current()
            if token is None:
                try:
                    token = cast(_Token, self._drive(self._token_flow(need)))
                except TimebackError:
                    # (the endpoint failing or slow, not refusing, while the token held lives: used, see
                    # TokenCache.fail)
                    token = self._held_token_after_failure(need)
                    if token is None:
                        raise
            return token
        finally:
            self._token_lock.release()

    def send(self, request: httpx.Request, options: CallOptions = NO_OPTIONS) -> httpx.Response:
        """Send an authenticated request with the client's retry policy; raise a typed error on failure."""
        return self._drive(self._send_flow(request, options))

    def send_read(
        self, request: httpx.Request, options: CallOptions, read: Callable[[httpx.Response], ResultT]
    ) -> ResultT:
        """``send``, the successful answer read by ``read`` within the call's retries: one cut short is retried."""
        return cast(ResultT, self._drive(self._send_flow(request, options, read=read)))

    def exchange(
        self, flow: Exchange[ResultT], options: CallOptions = NO_OPTIONS, *, since: float | None = None
    ) -> ResultT:
        """Run ``flow``: each request it yields is sent as ``send`` sends it (auth, retries), and it gets back the
        answer, or the API error that ended the request. ``since``: when the call the flow is part of began
        (``monotonic()``): the options' deadline counts from there, for all of its requests together
        (without it, each request has the whole deadline, as ``send`` gives it)."""
        answer: httpx.Response | RequestError | APIConnectionError | APIResponseValidationError | None = None
        while True:
            try:
                request = flow.send(answer)  # type: ignore[arg-type]  # (None only to start it)
            except StopIteration as stop:
                return cast(ResultT, stop.value)
            if request is LOOP_TURN:  # (nothing to send; blocking, nothing to let run)
                answer = None
                continue
            try:
                answer = self._drive(self._exchanged(request, options, since))
            except (RequestError, APIConnectionError, APIResponseValidationError) as error:
                answer = error

    def call(
        self,
        op: Operation[Any, ModelT],
        request: Any,
        fields: Mapping[str, Any],
        options: CallOptions = NO_OPTIONS,
        *,
        confirm: bool = True,
    ) -> ModelT | None:
        """A create that fails after an attempt got no answer (a retry's 409, or retries that ran out), or whose 2xx
        answer was cut short, is confirmed by reading its records back (``confirming``). ``confirm=False``: each of
        those is raised, not confirmed (the caller settles them: ``bulk_post_results(if_exists="replace")``)."""
        req = self.coerce_call_request(op, request, fields)
        started = monotonic()
        try:
            return self.send_read(self.build_request(op, req), options, functools.partial(self.parse, op))
        except (RequestError, APIConnectionError, APIResponseValidationError) as error:
            if not _confirms(error, confirm):
                raise
            # (its reads are part of the call: what is left of its deadline bounds them)
            answer = self.exchange(self.confirming(op, req, error), options, since=started)
            if answer is None:
                raise
            log.debug("%s: confirmed: an attempt's records, its answer lost or cut short, read back as sent", op.name)
            return cast(ModelT, answer)

    def paginate(
        self, op: Operation[Any, ModelT], request: Any, fields: Mapping[str, Any], options: CallOptions = NO_OPTIONS
    ) -> Page[ModelT]:
        req = self.coerce_request(op, request, fields)

        def fetch(offset: int | None, stop: threading.Event | None) -> PageInfo[ModelT]:
            page_request = req if offset is None else req.model_copy(update={"offset": offset})
            page_options = options if stop is None else dataclasses.replace(options, stop=stop)  # (a page ahead)
            read = functools.partial(self.parse_page, op, page_request)
            return self.send_read(self.build_request(op, page_request), page_options, read)

        return Page(fetch(None, None), fetch)


@dataclass
class _InLoop:
    """What an ``AsyncAPIClient`` holds for one event loop: asyncio's objects are bound to the loop they are used in."""

    http: httpx.AsyncClient  # (the SDK's own, this loop's; or the caller's, the same in every loop)
    closer: AsyncGenerator[None] | None  # (closes the SDK's own as this loop shuts down: see closed_with_loop)
    token_lock: asyncio.Lock


class AsyncAPIClient(BaseClient):
    _http: httpx.AsyncClient | None  # (the caller's; None: the SDK's own, one per event loop, in _loops)

    def __init__(self, config: ClientConfig, http_client: httpx.AsyncClient | None = None) -> None:
        super().__init__(config, http_client)
        self._http = http_client
        # Per event loop, made on its first call there. The SDK's own http client is one per loop: a pool's
        # connections, locks and timers are the loop's they were made in, and loops may run at once, in threads
        # (``asyncio.run`` per request of a sync web view, with a module-level client).
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _InLoop] = weakref.WeakKeyDictionary()
        self._loops_lock = threading.Lock()  # (loops of other threads add theirs at the same time)
        # Held through a token refresh, by the one task of any loop doing it: each loop's token_lock queues its own
        # tasks, this one the loops (with only theirs, each loop running at once in a thread fetched a token).
        self._refresh = _RefreshBetweenLoops()
        # The first loop's own http client, made now (no connection yet: no loop's): made on the first call, its
        # once-per-process work (httpcore imported, trio with it if installed; the shared TLS context's CA bundle
        # loaded) stalled that call's event loop 80-180 ms. The README has the client made at startup.
        self._first_http = None if http_client else self._new_http()

    def _after_fork(self) -> None:
        super()._after_fork()
        self._loops_lock, self._refresh = threading.Lock(), _RefreshBetweenLoops()
        _inherited.append(self._loops)  # (the parent's loops': their connections and locks)
        self._loops = weakref.WeakKeyDictionary()
        if self._http is not None:  # (DefaultAioHttpClient makes its own connections anew: see its _after_fork)
            self._forked_http = self._sent and not getattr(self._http, "_survives_fork", False)

    def _new_http(self) -> httpx.AsyncClient:
        config = self._config
        return DefaultAsyncHttpxClient(timeout=config.timeout, **direct_to_loopback(config))

    def _proxy_for(self, url: httpx.URL) -> str | None:
        loop = asyncio_loop()  # (the flow runs in the loop that sent the request)
        here = self._loops.get(loop)
        return _proxy_of(self._http or (here.http if here is not None else None), url)

    async def _in_loop(self) -> _InLoop:
        """The running event loop's ``_InLoop``: one dict lookup, but on the loop's first call."""
        loop = asyncio_loop()
        here = self._loops.get(loop)
        return here if here is not None else await self._new_in_loop(loop)

    async def _new_in_loop(self, loop: asyncio.AbstractEventLoop) -> _InLoop:
        """A loop's first call: its own http client (unless the caller's), closed as the loop shuts down, so a loop
        after one since closed (a second ``asyncio.run``) starts a fresh pool and leaves no socket open behind it.
        Loops closed without that (``loop.close()`` alone) are dropped: their connections, which reference them,
        kept them in ``_loops``, and nothing of theirs can be closed in this one."""
        import asyncio

        with self._loops_lock:
            dead = [self._loops.pop(old) for old in list(self._loops) if old.is_closed()]
            http = self._http or self._first_http or self._new_http()
            self._first_http = None
            here = _InLoop(
                http, None if self._http else closed_with_loop(functools.partial(_aclose, http)), asyncio.Lock()
            )
            self._loops[loop] = here
        if here.closer is not None:
            await anext(here.closer)  # (started in this loop: asyncio's to close as it shuts down)
        for gone in dead:
            if gone.closer is not None:
                with contextlib.suppress(RuntimeError):
                    await gone.closer.aclose()
        return here

    async def close(self) -> None:
        """Closes the caller's http client, or the SDK's own: this loop's now, those of other loops still open in
        them (soon after, as their loops run next; else as they shut down). Outside asyncio (trio), it closes them
        all the same, then raises ``NOT_ASYNCIO``."""
        import asyncio

        self._closing.set()  # (as the sync client's)
        loop = asyncio._get_running_loop()
        if self._http is not None:
            # (httpx closes on trio too; asyncio.shield there was trio's "unrecognized yield message <Future ...>")
            await (_aclose(self._http) if loop is None else _to_the_end(_aclose(self._http)))
        here = None
        for other, there in list(self._loops.items()):
            if there.closer is None:
                continue
            if other is loop:
                here = there.closer  # (closed last: a cancel raised while it closes skips none of the others)
            elif not other.is_closed():
                # (the http client, not its closer: that loop's shutdown closes the closer, which would then be
                # running still, and asyncio logged "aclose(): asynchronous generator is already running"; closing
                # the http client again is nothing)
                # (the coroutine made only as that loop runs the call: made here, a loop never run again left it
                # "never awaited", a RuntimeWarning)
                with contextlib.suppress(RuntimeError):  # (closed meanwhile: its shutdown closed it)
                    other.call_soon_threadsafe(_close_there, other, functools.partial(_aclose, there.http))
        if loop is None:
            raise RuntimeError(NOT_ASYNCIO)
        if here is not None:
            await _to_the_end(here.aclose())

    async def _drive(self, flow: Flow) -> httpx.Response:
        outcome: _Outcome = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration as stop:
                return cast(httpx.Response, stop.value)
            if isinstance(action, _Send):
                if self._http is None and self._closing.is_set():  # (no new client of the SDK's after close())
                    outcome = RuntimeError(CLIENT_CLOSED)  # (as httpx's refusal: "not sent: the client was closed")
                    continue
                here = self._loops.get(asyncio_loop())  # (_in_loop's lookup; its coroutine: a first call)
                http = (here if here is not None else await self._in_loop()).http
                try:
                    if action.expires is None:  # (read here, not by httpx: see _read_whole)
                        sent = await http.send(action.request, auth=NO_AUTH, follow_redirects=False, stream=True)
                        outcome = await _aread_whole(sent)
                    else:
                        outcome = await _sent_by(http, action.request, action.expires, action.limit)
                except httpx.RequestError as exc:  # (transport errors, and an answer httpx could not decode)
                    outcome = exc
                except RuntimeError as exc:  # (as the sync client's; or a caller's client's, of a closed loop)
                    if _closed_with_no_loop(exc):
                        raise GeneratorExit from None
                    if not (http.is_closed or str(exc) == LOOP_CLOSED):
                        raise
                    outcome = exc
                except BaseException as exc:  # (a caller's cancel: see _reclaim_orphans)
                    if not isinstance(exc, GeneratorExit):  # (the coroutine closed: nothing may be awaited)
                        await _reclaim_orphans(http, action.request)
                    raise
            elif isinstance(action, _Sleep):
                outcome = await _pause_async(action.seconds, action.stop, self._closing)
            else:
                try:
                    outcome = await self._token(action)
                except (RequestError, APIConnectionError, APIResponseValidationError) as exc:  # (as the sync client's)
                    outcome = exc

    async def _token(self, need: _NeedToken) -> _Token:
        token = self._tokens.current()
        if token is not None:
            return token
        import asyncio

        lock = (await self._in_loop()).token_lock
        refresh = self._refresh  # (this one released: after a fork in the refresh, the attribute is the child's)
        # One refresh at a time, across tasks and loops; the others use the token held while it lives, else wait
        # and reuse the refresh's, no longer than their own deadline allows.
        wait = self._token_wait(need)
        if (lock.locked() or refresh.locked()) and (token := self._tokens.usable()) is not None:
            return token
        try:
            async with asyncio.timeout(wait):
                await lock.acquire()
                try:
                    held = await refresh.acquire()
                except BaseException:
                    lock.release()
                    raise
        except TimeoutError:
            raise self._token_deadline_passed(need) from None
        try:
            token = self._tokens.current()
            if token is None:
                try:
                    token = cast(_Token, await self._drive(self._token_flow(need)))
                except TimebackError:
                    # (as the sync client's)
                    token = self._held_token_after_failure(need)
                    if token is None:
                        raise
            return token
        finally:
            if held:
                refresh.release()
            lock.release()

    async def send(self, request: httpx.Request, options: CallOptions = NO_OPTIONS) -> httpx.Response:
        return await self._drive(self._send_flow(request, options))

    async def send_read(
        self, request: httpx.Request, options: CallOptions, read: Callable[[httpx.Response], ResultT]
    ) -> ResultT:
        """As the sync client's."""
        return cast(ResultT, await self._drive(self._send_flow(request, options, read=read)))

    async def exchange(
        self, flow: Exchange[ResultT], options: CallOptions = NO_OPTIONS, *, since: float | None = None
    ) -> ResultT:
        """As the sync client's."""
        answer: httpx.Response | RequestError | APIConnectionError | APIResponseValidationError | None = None
        while True:
            try:
                request = flow.send(answer)  # type: ignore[arg-type]  # (None only to start it)
            except StopIteration as stop:
                return cast(ResultT, stop.value)
            if request is LOOP_TURN:  # (the flow's long stretch of work: the event loop runs other tasks now)
                import asyncio

                await asyncio.sleep(0)
                answer = None
                continue
            try:
                answer = await self._drive(self._exchanged(request, options, since))
            except (RequestError, APIConnectionError, APIResponseValidationError) as error:
                answer = error

    async def call(
        self,
        op: Operation[Any, ModelT],
        request: Any,
        fields: Mapping[str, Any],
        options: CallOptions = NO_OPTIONS,
        *,
        confirm: bool = True,
    ) -> ModelT | None:
        """A create that fails after an attempt got no answer (a retry's 409, or retries that ran out), or whose 2xx
        answer was cut short, is confirmed by reading its records back (``confirming``). ``confirm=False``: each of
        those is raised, not confirmed (the caller settles them: ``bulk_post_results(if_exists="replace")``)."""
        req = self.coerce_call_request(op, request, fields)
        started = monotonic()
        try:
            return await self.send_read(self.build_request(op, req), options, functools.partial(self.parse, op))
        except (RequestError, APIConnectionError, APIResponseValidationError) as error:
            if not _confirms(error, confirm):
                raise
            # (its reads are part of the call: what is left of its deadline bounds them)
            answer = await self.exchange(self.confirming(op, req, error), options, since=started)
            if answer is None:
                raise
            log.debug("%s: confirmed: an attempt's records, its answer lost or cut short, read back as sent", op.name)
            return cast(ModelT, answer)

    def paginate(
        self, op: Operation[Any, ModelT], request: Any, fields: Mapping[str, Any], options: CallOptions = NO_OPTIONS
    ) -> AsyncPaginator[ModelT]:
        req = self.coerce_request(op, request, fields)

        async def fetch(offset: int | None) -> PageInfo[ModelT]:
            page_request = req if offset is None else req.model_copy(update={"offset": offset})
            read = functools.partial(self.parse_page, op, page_request)
            return await self.send_read(self.build_request(op, page_request), options, read)

        return AsyncPaginator(fetch)


__all__ = [
    "AsyncAPIClient",
    "BaseClient",
    "SyncAPIClient",
]
