"""``Timeback`` and ``AsyncTimeback``: configuration plus the ``oneroster`` namespace of resources."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Self, Unpack

import httpx

from timeback._base_client import NOT_ASYNCIO, AsyncAPIClient, SyncAPIClient, Uncopyable
from timeback._config import CallOptions, ClientOptions, checked_options, conceal, resolve_config
from timeback._http_clients import given_timeout

__all__ = ["AsyncTimeback", "Timeback"]


def _raw_options(**given: Any) -> CallOptions:
    """``request()``'s call options: a POST is not sent again after a lost answer (see ``CallOptions``)."""
    return dataclasses.replace(CallOptions.take(given), resend_lost_post=False)


def _as_sent(json: Any) -> Any:
    """``request()``'s ``json`` with the SDK's models in it as the dicts their methods send (``to_dict()``: wire names,
    unset fields left out), at any depth: httpx's encoder took none, a record read and passed back was a TypeError
    ("not JSON serializable")."""
    from timeback.models._base import TimebackModel  # (loaded with the client, not on ``import timeback``)

    if isinstance(json, TimebackModel):
        return json.to_dict()
    if isinstance(json, dict):
        return {key: _as_sent(value) for key, value in json.items()}
    if isinstance(json, list | tuple):
        return [_as_sent(value) for value in json]
    return json


def _its_timeout(options: ClientOptions, http_client: object) -> None:
    """A client given no ``timeout`` takes the one its ``DefaultHttpxClient``, ``DefaultAsyncHttpxClient`` or
    ``DefaultAioHttpClient`` was given (``DefaultAioHttpClient(timeout=httpx.Timeout(5, pool=0.5))``: its pool
    timeout was ignored, calls waiting seconds for a connection)."""
    if options.get("timeout") is None and (given := given_timeout(http_client)) is not None:
        phases = set(given.as_dict().values())
        try:  # (one value for every phase, as httpx spreads ``timeout=0``, is named as given: not its first phase)
            checked_options(phases.pop() if len(phases) == 1 else given, None, None)
        except ValueError as error:  # (it named ``timeout``, which the caller did not give: say whose it is)
            taker = "an AsyncTimeback" if isinstance(http_client, httpx.AsyncClient) else "a Timeback"
            whose = f"the {type(http_client).__name__}'s timeout=, which {taker} given no timeout= takes"
            raise ValueError(f"{error} ({whose})") from None
        options["timeout"] = given


def check_http_client(http_client: object, kind: type[httpx.Client] | type[httpx.AsyncClient]) -> None:
    """Refuse an ``http_client`` that is not a ``kind`` (None: the SDK's own). Taken, it failed only at the first
    call, and obscurely, and so did closing the client: the other httpx client (code moved from sync to async keeps
    its ``http_client=``) each its own way, anything else with an AttributeError."""
    if http_client is None or isinstance(http_client, kind):
        return
    wanted = f"http_client must be an httpx.{kind.__name__}"
    other, taker = (httpx.AsyncClient, "AsyncTimeback") if kind is httpx.Client else (httpx.Client, "Timeback")
    if isinstance(http_client, other):
        raise TypeError(f"{wanted}, not an httpx.{other.__name__} ({taker} takes that)")
    raise TypeError(f"{wanted}, not {type(http_client).__name__}")


class OneRoster:
    """``client.oneroster``: the OneRoster 1.2 services, ``gradebook`` (results, line items, categories, score scales,
    assessments, ``bulk_post_results``) and ``rostering`` (orgs, schools, classes, courses, users, enrollments,
    academic sessions, demographics)."""

    def __init__(self, client: SyncAPIClient) -> None:
        # The resources and their models load here, as the client is made (0.25-0.35 s, once per process), not on
        # ``import timeback`` nor on a first call: there, an async app's event loop stalled, every request waiting.
        from timeback.resources import Gradebook, Rostering

        self.gradebook: Gradebook = Gradebook(client)  # (annotated: pyright --verifytypes asks it of a library)
        self.rostering: Rostering = Rostering(client)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.gradebook._client.base_url}: .gradebook and .rostering>"


class AsyncOneRoster:
    """``client.oneroster`` of an ``AsyncTimeback``: ``gradebook`` and ``rostering``, as ``OneRoster``'s, awaitable."""

    def __init__(self, client: AsyncAPIClient) -> None:
        from timeback.resources import AsyncGradebook, AsyncRostering  # (as OneRoster's)

        self.gradebook: AsyncGradebook = AsyncGradebook(client)
        self.rostering: AsyncRostering = AsyncRostering(client)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.gradebook._client.base_url}: .gradebook and .rostering>"


class Timeback(Uncopyable):
    """Client for Timeback's OneRoster 1.2 API: its methods are ``client.oneroster.gradebook.*`` and
    ``client.oneroster.rostering.*`` (``help(client.oneroster.gradebook)`` lists them; docs/api.md too).

    Arguments (all keyword-only, all optional): ``client_id``, ``client_secret``, ``environment``, ``base_url``,
    ``token_url``, ``timeout``, ``max_retries``, ``deadline``, ``http_client``. Each of the first five falls back to an
    environment variable: ``TIMEBACK_CLIENT_ID``, ``TIMEBACK_CLIENT_SECRET``,
    ``TIMEBACK_ENVIRONMENT`` (``production`` or ``staging``), ``TIMEBACK_BASE_URL``, ``TIMEBACK_TOKEN_URL``.
    A ``base_url`` given without an environment (a local ``timeback serve``) needs no environment; its token
    endpoint defaults to ``{base_url}/oauth2/token``. Missing configuration raises ``ConfigurationError``, and so
    does an ``http://`` URL to a host other than loopback unless ``TIMEBACK_INSECURE_TRANSPORT=1``.

    **Parameters:**

    * **timeout** - *(optional)* seconds, or an ``httpx.Timeout``; default 60 s, 5 s to connect (or the
      ``timeout=`` given to the ``DefaultHttpxClient``/``DefaultAsyncHttpxClient``/``DefaultAioHttpClient`` passed).
    * **max_retries** - *(optional)* retries of 408, 429, 500, 502, 503, 504 (not a 504 with an imsx body: the
      server's own time limit), connection errors, timeouts and answers httpx cannot decode; default 2.
    * **deadline** - *(optional)* seconds for a whole call, retries and waits included; default none.
    * **http_client** - *(optional)* an ``httpx.Client`` to send with (proxies, transports, limits).
    """

    def __init__(self, *, http_client: httpx.Client | None = None, **options: Unpack[ClientOptions]) -> None:
        conceal(options)  # (first: see Concealed)
        check_http_client(http_client, httpx.Client)
        _its_timeout(options, http_client)
        self._client = SyncAPIClient(resolve_config(**options), http_client)
        self.oneroster: OneRoster = OneRoster(self._client)

    @property
    def base_url(self) -> str:
        """The API's base URL this client sends to (as given or from ``TIMEBACK_BASE_URL``, without a trailing
        slash)."""
        return self._client.base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> httpx.Response:
        """Send any request to the API (auth, retries and errors included): the escape hatch for new endpoints.
        ``timeout``, ``max_retries`` and ``deadline`` override the client's, and ``extra_headers`` and
        ``extra_query`` are sent with it, as for every method. A POST is not sent
        again once an attempt may have been handled without its answer arriving (nothing fixes its sourcedIds or
        reads it back: it could be stored twice); its error then says it may have been stored."""
        options = _raw_options(timeout=timeout, max_retries=max_retries, deadline=deadline,
                               extra_headers=extra_headers, extra_query=extra_query)  # fmt: skip
        return self._client.send(
            self._client._http_request(method, self._client.url_of(path), params=params, json=_as_sent(json)), options
        )

    def close(self) -> None:
        """Closes this client's connections, an ``http_client`` you gave it too (share one only between clients
        closed together); ``with Timeback() as client:`` calls it. Closing twice is harmless."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        # (a local of __init__ when it raises: reporters that record locals call this on the client half made)
        client = getattr(self, "_client", None)
        return f"Timeback(base_url={None if client is None else client.base_url!r})"


class AsyncTimeback(Uncopyable):
    """The async twin of ``Timeback``: same arguments, same methods, awaitable: ``client.oneroster.gradebook.*`` and
    ``client.oneroster.rostering.*`` (``help(client.oneroster.gradebook)`` lists them; docs/api.md too)."""

    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **options: Unpack[ClientOptions]) -> None:
        conceal(options)  # (first: see Concealed)
        check_http_client(http_client, httpx.AsyncClient)
        _its_timeout(options, http_client)
        self._client = AsyncAPIClient(resolve_config(**options), http_client)
        self.oneroster: AsyncOneRoster = AsyncOneRoster(self._client)

    @property
    def base_url(self) -> str:
        """The API's base URL this client sends to (as ``Timeback.base_url``)."""
        return self._client.base_url

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str | int | float] | None = None,
    ) -> httpx.Response:
        """``Timeback.request``, awaited: any request to the API, with auth, retries and errors (a POST not sent
        again once an attempt may have been handled; its error then says it may have been stored)."""
        options = _raw_options(timeout=timeout, max_retries=max_retries, deadline=deadline,
                               extra_headers=extra_headers, extra_query=extra_query)  # fmt: skip
        request = self._client._http_request(method, self._client.url_of(path), params=params, json=_as_sent(json))
        return await self._client.send(request, options)

    async def close(self) -> None:
        """Closes this client's connections, an ``http_client`` you gave it too; ``async with`` awaits it."""
        await self._client.close()

    async def __aenter__(self) -> Self:
        return self

    if not TYPE_CHECKING:  # (hidden from type checkers, which then flag such a `with` themselves)

        def __enter__(self) -> NoReturn:
            # (Python's own error named only "the context manager protocol"; aiohttp's session says the same)
            raise TypeError("AsyncTimeback is used with `async with` (in an async function); `with` takes Timeback")

        def __exit__(self, *exc_info: object) -> None:
            pass  # (never reached: __enter__ raises; with it missing, Python would name __exit__ instead)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.close()
        except RuntimeError as error:
            # (outside asyncio: the error leaving the block goes on alone, not with this one chained to it, which
            # its first call raised already)
            if exc is None or str(error) != NOT_ASYNCIO:
                raise

    def __repr__(self) -> str:
        # (a local of __init__ when it raises: reporters that record locals call this on the client half made)
        client = getattr(self, "_client", None)
        return f"AsyncTimeback(base_url={None if client is None else client.base_url!r})"
