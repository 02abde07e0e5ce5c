from __future__ import annotations

import logging
import re
from collections.abc import Callable

import httpx
import pytest

from timeback import AsyncTimeback, ConfigurationError, Timeback
from timeback._config import ENVIRONMENTS
from timeback.server.runner import LocalServer

VARS = (
    "TIMEBACK_CLIENT_ID",
    "TIMEBACK_CLIENT_SECRET",
    "TIMEBACK_ENVIRONMENT",
    "TIMEBACK_BASE_URL",
    "TIMEBACK_TOKEN_URL",
    "TIMEBACK_INSECURE_TRANSPORT",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)


def given_at(
    where: str, urls: dict[str, str], change: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """``urls`` (``base_url`` and ``token_url``), the one ``where`` names changed by ``change``: the arguments to
    pass, or none when ``where`` is a TIMEBACK_* variable (the URLs are then set as the variables)."""
    key = where.removeprefix("TIMEBACK_").lower()
    urls = {**urls, key: change(urls[key])}
    if where.startswith("TIMEBACK_"):
        for name, value in urls.items():
            monkeypatch.setenv(f"TIMEBACK_{name.upper()}", value)
        return {}
    return urls


def test_missing_configuration_names_every_variable() -> None:
    with pytest.raises(ConfigurationError) as err:
        Timeback()
    assert err.value.missing == (
        "TIMEBACK_CLIENT_ID",
        "TIMEBACK_CLIENT_SECRET",
        "TIMEBACK_ENVIRONMENT (or TIMEBACK_BASE_URL)",
    )
    for name in ("TIMEBACK_CLIENT_ID", "TIMEBACK_CLIENT_SECRET", "TIMEBACK_ENVIRONMENT"):
        assert name in str(err.value)
    # (the arguments too: "or pass them as arguments" left a newcomer guessing client_secret's name)
    assert str(err.value).endswith("as arguments (client_id=, client_secret=, environment= or base_url=)"), err.value
    with pytest.raises(ConfigurationError, match=r"as arguments \(client_secret=\)$"):
        Timeback(client_id="a", base_url="http://127.0.0.1:8000")


def test_no_silent_fallback_to_production() -> None:
    with pytest.raises(ConfigurationError, match="TIMEBACK_ENVIRONMENT"):
        Timeback(client_id="a", client_secret="b")


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_environment_from_env(monkeypatch: pytest.MonkeyPatch, environment: str) -> None:
    monkeypatch.setenv("TIMEBACK_CLIENT_ID", "a")
    monkeypatch.setenv("TIMEBACK_CLIENT_SECRET", "b")
    monkeypatch.setenv("TIMEBACK_ENVIRONMENT", environment)
    with Timeback() as client:
        config = client._client._config
    assert (config.base_url, config.token_url) == ENVIRONMENTS[environment]


def test_staging_urls_are_the_documented_ones() -> None:
    assert ENVIRONMENTS["staging"] == (
        "https://api.staging.alpha-1edtech.ai",
        "https://staging-beyond-timeback-api-2-idp.auth.us-east-1.amazoncognito.com/oauth2/token",
    )


def test_arguments_override_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEBACK_CLIENT_ID", "env-id")
    monkeypatch.setenv("TIMEBACK_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("TIMEBACK_ENVIRONMENT", "production")
    with Timeback(client_id="arg-id", environment="staging", timeout=5, max_retries=0) as client:
        config = client._client._config
    assert config.client_id == "arg-id" and config.client_secret == "env-secret"
    assert config.base_url == ENVIRONMENTS["staging"][0] and config.max_retries == 0 and config.timeout.read == 5


def test_a_location_given_as_arguments_takes_nothing_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A TIMEBACK_ENVIRONMENT or TIMEBACK_BASE_URL left in the shell must not send a local server's secret to
    production's token endpoint, or a staging token to another host."""
    monkeypatch.setenv("TIMEBACK_ENVIRONMENT", "production")
    monkeypatch.setenv("TIMEBACK_TOKEN_URL", "https://elsewhere.example/oauth2/token")
    with Timeback(client_id="a", client_secret="b", base_url="http://127.0.0.1:8000") as client:
        config = client._client._config
    assert (config.base_url, config.token_url) == ("http://127.0.0.1:8000", "http://127.0.0.1:8000/oauth2/token")
    monkeypatch.delenv("TIMEBACK_ENVIRONMENT")
    monkeypatch.setenv("TIMEBACK_BASE_URL", "http://127.0.0.1:8000")
    with Timeback(client_id="a", client_secret="b", environment="staging") as client:
        config = client._client._config
    assert (config.base_url, config.token_url) == ENVIRONMENTS["staging"]
    with Timeback(client_id="a", client_secret="b", token_url="http://127.0.0.1:9/token") as client:
        config = client._client._config  # (no location given: the environment's, with the argument's token URL)
    assert (config.base_url, config.token_url) == ("http://127.0.0.1:8000", "http://127.0.0.1:9/token")


def test_base_url_alone_needs_no_environment_and_implies_token_url() -> None:
    with Timeback(client_id="a", client_secret="b", base_url="http://127.0.0.1:8000/") as client:
        config = client._client._config
    assert config.base_url == "http://127.0.0.1:8000" and config.token_url == "http://127.0.0.1:8000/oauth2/token"


def test_unknown_environment_is_rejected_naming_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match=r"^environment must be .*'prod'") as raised:
        Timeback(client_id="a", client_secret="b", environment="prod")
    assert raised.value.missing == ("environment",)
    monkeypatch.setenv("TIMEBACK_ENVIRONMENT", "prod")
    with pytest.raises(ConfigurationError, match=r"^TIMEBACK_ENVIRONMENT must be .*'prod'"):
        Timeback(client_id="a", client_secret="b")


@pytest.mark.parametrize(
    "url", ["localhost:8000", "ftp://host", "http://", "not a url", "http://[::1", "htp://user:hunter2@host"]
)
def test_a_location_that_is_not_an_http_url_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    # (it used to be httpx.InvalidURL, or an unsupported-protocol error, at the first call)
    with pytest.raises(ConfigurationError, match=r"^base_url must be an http") as raised:
        Timeback(client_id="a", client_secret="b", base_url=url)
    assert "hunter2" not in str(raised.value)  # (a URL's password is not repeated)
    with pytest.raises(ConfigurationError, match=r"^token_url must be an http"):
        Timeback(client_id="a", client_secret="b", base_url="http://127.0.0.1:8000", token_url=url)
    monkeypatch.setenv("TIMEBACK_BASE_URL", url)
    with pytest.raises(ConfigurationError, match=r"^TIMEBACK_BASE_URL must be an http"):
        Timeback(client_id="a", client_secret="b")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/?x=1", "http://127.0.0.1:8000#top", "http://127.0.0.1:8000?"])
def test_a_base_url_with_a_query_or_fragment_is_refused(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Each call's path is appended to the base URL: "http://host/?x=1" made the token URL
    "http://host/?x=1/oauth2/token", and every call's path part of the query."""
    with pytest.raises(ConfigurationError, match=r"^base_url must have no query \(\?\) nor fragment \(#\)") as raised:
        Timeback(client_id="a", client_secret="b", base_url=url)
    assert raised.value.missing == ("base_url",)
    monkeypatch.setenv("TIMEBACK_BASE_URL", url)
    with pytest.raises(ConfigurationError, match=r"^TIMEBACK_BASE_URL must have no query"):
        AsyncTimeback(client_id="a", client_secret="b")


def test_misspelt_arguments_are_errors() -> None:
    with pytest.raises(TypeError, match="client_idd"):
        Timeback(client_idd="a", client_secret="b", base_url="http://x")  # type: ignore[call-arg]


@pytest.mark.parametrize("where", ["base_url", "token_url", "TIMEBACK_BASE_URL", "TIMEBACK_TOKEN_URL"])
@pytest.mark.parametrize("userinfo", ["alice:hunter2@", "hunter2@"])
def test_a_url_holding_a_user_or_password_is_refused_without_repeating_it(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, where: str, userinfo: str
) -> None:
    """httpx sends a URL's user:password as Basic credentials in place of the bearer token (or of the client's, on
    the token endpoint): every call failed with a 401, and its error message and the DEBUG log carried the URL,
    password and all."""
    caplog.set_level(logging.DEBUG)
    client_id, client_secret = server.credentials
    urls = {"base_url": server.url, "token_url": f"{server.url}/oauth2/token"}
    urls = given_at(where, urls, lambda url: url.replace("http://", f"http://{userinfo}"), monkeypatch)
    with pytest.raises(ConfigurationError, match=rf"^{where} must not hold a user or password") as raised:
        with Timeback(client_id=client_id, client_secret=client_secret, **urls) as client:
            client.oneroster.gradebook.get_category(sourced_id="none")
    assert raised.value.missing == (where,)
    assert "hunter2" not in str(raised.value) and "hunter2" not in caplog.text


def test_an_environment_and_another_base_url_without_a_token_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """TIMEBACK_ENVIRONMENT=production with TIMEBACK_BASE_URL pointing at a local server (one of them left in the
    shell) took the token from production's Cognito while sending calls to the local server: the local secret went
    to production, or a production token to the local host. Refused, naming both; a token URL given, or the
    environment's own API as base URL, is taken as before."""
    monkeypatch.setenv("TIMEBACK_CLIENT_ID", "a")
    monkeypatch.setenv("TIMEBACK_CLIENT_SECRET", "b")
    monkeypatch.setenv("TIMEBACK_ENVIRONMENT", "production")
    monkeypatch.setenv("TIMEBACK_BASE_URL", "http://127.0.0.1:18731")
    with pytest.raises(ConfigurationError, match=r"^TIMEBACK_ENVIRONMENT and TIMEBACK_BASE_URL are both given") as err:
        Timeback()
    assert err.value.missing == ("TIMEBACK_ENVIRONMENT", "TIMEBACK_BASE_URL") and "TIMEBACK_TOKEN_URL" in str(err.value)
    with pytest.raises(ConfigurationError, match=r"^environment and base_url are both given.*\(token_url\)"):
        Timeback(environment="staging", base_url="http://127.0.0.1:18731")
    monkeypatch.setenv("TIMEBACK_TOKEN_URL", "http://127.0.0.1:18731/oauth2/token")
    with Timeback() as client:
        config = client._client._config
    assert (config.base_url, config.token_url) == ("http://127.0.0.1:18731", "http://127.0.0.1:18731/oauth2/token")
    with Timeback(environment="staging", base_url=ENVIRONMENTS["staging"][0] + "/") as client:
        assert client._client._config.token_url == ENVIRONMENTS["staging"][1]


@pytest.mark.parametrize("where", ["base_url", "token_url", "TIMEBACK_BASE_URL", "TIMEBACK_TOKEN_URL"])
@pytest.mark.parametrize("make", [Timeback, AsyncTimeback])
async def test_plain_http_to_another_host_is_refused_unless_allowed(
    monkeypatch: pytest.MonkeyPatch, where: str, make: type[Timeback] | type[AsyncTimeback]
) -> None:
    """The token request carries the client secret and every call a bearer token: over http:// to another host
    they went in clear text. Refused when the client is made, naming where the URL came from (and not the secret);
    TIMEBACK_INSECURE_TRANSPORT=1 allows it on purpose (a CI job's container reaching http://timeback:8000)."""
    urls = {"base_url": "https://grades.example.org", "token_url": "https://grades.example.org/oauth2/token"}
    urls = given_at(where, urls, lambda url: url.replace("https://", "http://"), monkeypatch)
    for allowed in ("", "0", "true"):  # (only the documented 1 allows it)
        monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", allowed)
        with pytest.raises(ConfigurationError, match=rf"^{where} is http:// to 'grades.example.org'") as raised:
            make(client_id="a", client_secret="hunter2", **urls)
        assert raised.value.missing == (where,)
        assert "unencrypted" in str(raised.value) and "TIMEBACK_INSECURE_TRANSPORT=1" in str(raised.value)
        assert "hunter2" not in str(raised.value)
    monkeypatch.setenv("TIMEBACK_INSECURE_TRANSPORT", "1")
    client = make(client_id="a", client_secret="hunter2", **urls)
    config = client._client._config
    assert config.base_url.startswith("http") and config.token_url.startswith("http")
    if isinstance(client, AsyncTimeback):
        await client.close()
    else:
        client.close()


@pytest.mark.parametrize(
    "host",
    # (the short and numeric IPv4 forms, and IPv4-mapped IPv6, are this machine too: connect() resolves them so)
    ["127.0.0.1", "127.8.9.10", "localhost", "[::1]", "127.1", "0x7f.1", "2130706433", "[::ffff:127.0.0.1]"],
)  # fmt: skip
def test_plain_http_to_a_loopback_host_needs_no_variable(host: str) -> None:
    # (the local server, `timeback demo`, the tests: nothing leaves this machine)
    with Timeback(client_id="a", client_secret="b", base_url=f"http://{host}:8000") as client:
        assert client._client._config.token_url == f"http://{host}:8000/oauth2/token"
    with Timeback(client_id="a", client_secret="b", base_url="https://api.example.org",
                  token_url=f"http://{host}:9/token") as client:  # fmt: skip
        assert client._client._config.token_url == f"http://{host}:9/token"


@pytest.mark.parametrize(
    # (localhost.: glibc asks DNS for the rooted name, not /etc/hosts; a number past 32 bits is no address connect()
    # reads, nor is it this machine)
    "host",
    ["127.0.0.1.example.org", "localhost.example.org", "localhost.", "10.0.0.1", "[::ffff:10.0.0.1]", "0x7f.1.example",
     "4294967296", "0x1ffffffff"],
)  # fmt: skip
def test_plain_http_to_a_name_or_address_only_like_loopback_is_refused(host: str) -> None:
    with pytest.raises(ConfigurationError, match="is http:// to"):
        Timeback(client_id="a", client_secret="b", base_url=f"http://{host}:8000")


def test_https_needs_no_variable() -> None:
    with Timeback(client_id="a", client_secret="b", base_url="https://grades.example.org") as client:
        assert client._client._config.token_url == "https://grades.example.org/oauth2/token"


@pytest.mark.parametrize("make", [Timeback, AsyncTimeback])
@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("client_id", 5),
        ("client_id", b"cid"),
        ("client_id", 0),
        ("client_secret", 123987),
        ("client_secret", b"s3cr3t"),
        ("base_url", 8000),
        ("base_url", b"http://127.0.0.1:8000"),
        ("token_url", 8000),
    ],
)
async def test_a_client_id_secret_or_url_that_is_not_a_string_is_refused_naming_it(
    make: type[Timeback] | type[AsyncTimeback], argument: str, value: object
) -> None:
    # (it passed, and every call then failed with a bare TypeError from quote(), or a server's 400 for bytes; a
    # base URL, at once: "argument of type 'int' is not iterable", and a token URL of 8000 was taken)
    arguments = {"client_id": "a", "client_secret": "b", "base_url": "http://127.0.0.1:8000", argument: value}
    with pytest.raises(ConfigurationError, match=rf"^{argument} must be a string, not {type(value).__name__}") as err:
        make(**arguments)  # type: ignore[arg-type]
    assert err.value.missing == (argument,)
    assert str(value) not in str(err.value) and repr(value) not in str(err.value)


async def test_urls_given_as_httpx_urls_are_taken(server: LocalServer) -> None:
    # (base_url=httpx.URL(...) was a bare TypeError, "argument of type 'URL' is not iterable")
    client_id, client_secret = server.credentials
    urls = {"base_url": httpx.URL(server.url), "token_url": httpx.URL(f"{server.url}/oauth2/token")}
    with Timeback(client_id=client_id, client_secret=client_secret, **urls) as client:
        assert client.base_url == server.url
        client.oneroster.gradebook.get_all_categories(limit=1)
    async with AsyncTimeback(client_id=client_id, client_secret=client_secret, **urls) as async_client:
        await async_client.oneroster.gradebook.get_all_categories(limit=1)


@pytest.mark.parametrize("where", ["base_url", "token_url", "TIMEBACK_BASE_URL", "TIMEBACK_TOKEN_URL"])
@pytest.mark.parametrize("port", ["65536 past the server's", "0", "-1", "+80", "1_0", "\u0663"])
def test_a_port_that_is_not_a_number_from_1_to_65535_is_refused(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, where: str, port: str
) -> None:
    """httpx takes any whole number as a URL's port: the sync client sent to port 99999 - 65536 = 34463, the client
    id and secret with it (here: 65536 past the server's port reached the server), and the async client raised a bare
    ExceptionGroup(OverflowError); ``:-1``, ``:+80`` and ``:1_0`` were taken too."""
    if port.startswith("65536"):
        port = str(server.port + 65536)
    client_id, client_secret = server.credentials
    urls = {"base_url": server.url, "token_url": f"{server.url}/oauth2/token"}
    urls = given_at(where, urls, lambda url: url.replace(f":{server.port}", f":{port}"), monkeypatch)
    said = rf"^{where} must have a port from 1 to 65535"
    with pytest.raises(ConfigurationError, match=said) as raised:
        with Timeback(client_id=client_id, client_secret=client_secret, **urls) as client:
            client.oneroster.gradebook.get_all_categories(limit=1)
    assert raised.value.missing == (where,) and repr(port) in str(raised.value)
    with pytest.raises(ConfigurationError, match=said):
        AsyncTimeback(client_id=client_id, client_secret=client_secret, **urls)


@pytest.mark.parametrize("where", ["base_url", "token_url", "TIMEBACK_BASE_URL", "TIMEBACK_TOKEN_URL"])
@pytest.mark.parametrize(
    ("host", "reason"),
    [
        # (Python's own words: "label empty or too long" up to 3.12, "... label empty" or "label too long" from 3.13)
        ("api..timeback.invalid", r".*label empty"),
        ("a" * 64 + ".invalid", r".*label (empty or )?too long"),
        ("xn--i-7iq.ws", r"Codepoint U\+2764 at position 2"),  # (i\u2764.ws: IDNA 2008 refuses it, so httpx does)
    ],
)
async def test_a_host_name_idna_cannot_encode_is_refused(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, where: str, host: str, reason: str
) -> None:
    """It was a bare UnicodeError at each call (the sync client's and aiohttp's), "Name or service not known"
    (httpx's async one), or the idna package's error out of the constructor (an ``xn--`` label)."""
    from timeback import DefaultAioHttpClient

    client_id, client_secret = server.credentials
    urls = {"base_url": server.url, "token_url": f"{server.url}/oauth2/token"}
    urls = given_at(where, urls, lambda url: url.replace("127.0.0.1", host), monkeypatch)
    said = rf"^{where} has a host name that is not valid \(IDNA\): '{re.escape(host)}' \({reason}"
    with pytest.raises(ConfigurationError, match=said) as raised:
        with Timeback(client_id=client_id, client_secret=client_secret, **urls) as client:
            client.oneroster.gradebook.get_all_categories(limit=1)
    assert raised.value.missing == (where,)
    for http_client in (None, DefaultAioHttpClient()):
        with pytest.raises(ConfigurationError, match=said):
            AsyncTimeback(client_id=client_id, client_secret=client_secret, **urls, http_client=http_client)
        if http_client is not None:
            await http_client.aclose()


def test_the_first_and_last_ports_and_an_empty_one_are_taken() -> None:
    with Timeback(client_id="a", client_secret="b", base_url="http://127.0.0.1:65535/", token_url="http://[::1]:1/t"):
        pass
    with Timeback(client_id="a", client_secret="b", base_url="http://127.0.0.1:/api") as client:  # (":": no port)
        assert client._client._config.token_url == "http://127.0.0.1:/api/oauth2/token"
