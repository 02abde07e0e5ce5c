"""``ServerSettings`` refuses, naming the setting, what ``timeback serve`` refuses: a ``LocalServer`` made from
settings out of range started, then failed its calls (500s, tokens born expired, a client holding every scope)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from timeback.server import ServerSettings
from timeback.server.config import SettingError
from timeback.server.runner import LocalServer

GB = "/ims/oneroster/gradebook/v1p2"


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        # (every listing 500, ZeroDivisionError; a limit of -1 served with pageCount -5)
        ({"max_page_size": 0}, "max_page_size=0: must be 1 or more"),
        ({"max_page_characters": 0}, "max_page_characters=0: must be 1 or more"),
        ({"default_page_size": 0}, "default_page_size=0: must be 1 or more"),
        ({"default_page_size": -1, "max_page_size": 2}, "default_page_size=-1: must be 1 or more"),
        # (tokens born expired; past a float's range, every token request 500)
        ({"token_ttl_seconds": 0}, "token_ttl_seconds=0: must be from 1 to 1000000000 seconds"),
        ({"token_ttl_seconds": -5}, "token_ttl_seconds=-5: must be from 1 to 1000000000 seconds"),
        ({"token_ttl_seconds": 10**400}, "token_ttl_seconds=1000"),
        # (every request with a body 500)
        ({"body_timeout_seconds": math.nan}, "body_timeout_seconds=nan: must be 0 or more seconds, and finite"),
        ({"body_timeout_seconds": math.inf}, "body_timeout_seconds=inf: must be 0 or more seconds, and finite"),
        ({"body_timeout_seconds": -1.0}, "body_timeout_seconds=-1.0: must be 0 or more seconds, and finite"),
        # (an empty string made a client holding all 16 scopes, admin's too; one misspelt, every call 403)
        ({"client_scopes": ""}, "client_scopes='': no scope given"),
        ({"client_scopes": "gradebook.readnly"}, "client_scopes='gradebook.readnly': unknown scope 'gradebook.readnly'"),
        ({"sourced_id_pairs": "bogus"}, "sourced_id_pairs='bogus': must be 'spec' or 'timeback'"),
        ({"workers": 0}, "workers=0: must be 1 or more"),
        ({"workers": -1}, "workers=-1: must be 1 or more"),
        ({"token_failure_window_seconds": math.inf}, "token_failure_window_seconds=inf: must be a finite number"),
        ({"token_failure_window_seconds": 0.0}, "token_failure_window_seconds=0.0: must be a finite number"),
        ({"token_failure_window_seconds": 1e300}, "token_failure_window_seconds=1e+300: must be a finite number of seconds above 0, at most 1000000000"),
        ({"token_max_failures": -1}, "token_max_failures=-1: must be 0 or more"),
        ({"faults": "429=x"}, "faults='429=x': fault spec: 429 needs a number"),
        ({"query_timeout_seconds": -1.0}, "query_timeout_seconds=-1.0: must be 0 or more seconds"),
        ({"max_live_tokens": 0}, "max_live_tokens=0: must be 1 or more"),
        # (uvicorn took an entry that is no address as a name no peer has: no proxy trusted, silently)
        ({"forwarded_allow_ips": " "}, "forwarded_allow_ips=' ': must not be empty"),
        ({"forwarded_allow_ips": "10.0.0.1,proxy"}, "forwarded_allow_ips='10.0.0.1,proxy': 'proxy' is not an IP"),
        # (an empty id was served as a generated one, never shown; an empty secret as a generated one)
        ({"client_id": "", "client_secret": "s"}, "client_id='': must not be empty"),
        ({"client_id": "id", "client_secret": ""}, "client_secret='': must not be empty"),
        ({"client_id": "", "client_secret": ""}, "client_id='': must not be empty"),
        # (seed=os.environ.get("SEED_FILE", "") with the variable unset: no records and no word, as serve --seed "")
        ({"seed": ""}, "seed='': must not be empty"),
    ],
)  # fmt: skip
def test_settings_out_of_range_are_refused_naming_the_setting(given: dict[str, Any], refusal: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(refusal)}"):
        ServerSettings(**given)


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        # (an AttributeError, "'list' object has no attribute 'split'", naming no setting)
        ({"client_scopes": ["gradebook.readonly"]}, "client_scopes=['gradebook.readonly']: must be text (a str), not list"),
        ({"database": None}, "database=None: must be text (a str), not NoneType"),
        ({"client_id": 7, "client_secret": "s"}, "client_id=7: must be text (a str), not int"),
        ({"client_id": "id", "client_secret": b"hunter2-secret"}, "client_secret='[redacted]': must be text (a str), not bytes"),
        ({"sourced_id_pairs": ["spec"]}, "sourced_id_pairs=['spec']: must be text (a str), not list"),
        ({"seed": 3}, "seed=3: must be text (a str), not int"),
        ({"faults": {"429": 0.1}}, "faults={'429': 0.1}: must be text (a str), not dict"),
        ({"forwarded_allow_ips": ["10.0.0.1"]}, "forwarded_allow_ips=['10.0.0.1']: must be text (a str), not list"),
        # (a TypeError as the token's life was added to the clock, naming no setting)
        ({"token_ttl_seconds": "3600"}, "token_ttl_seconds='3600': must be a whole number (an int), not str"),
        ({"workers": True}, "workers=True: must be a whole number (an int), not bool"),
        ({"max_page_size": 3000.0}, "max_page_size=3000.0: must be a whole number (an int), not float"),
        ({"body_timeout_seconds": "30"}, "body_timeout_seconds='30': must be a number, not str"),
        ({"query_timeout_seconds": [30]}, "query_timeout_seconds=[30]: must be a number, not list"),
    ],
)  # fmt: skip
def test_a_setting_given_a_value_of_another_type_is_refused_naming_it(given: dict[str, Any], refusal: str) -> None:
    """Each text or number setting (None where it may be None) refuses any other value as the others are refused:
    a ``SettingError`` naming it, the secret's value not shown."""
    with pytest.raises(SettingError, match=f"^{re.escape(refusal)}$") as refused:
        ServerSettings(**given)
    assert refused.value.setting == refusal.split("=")[0]
    assert "hunter2" not in str(refused.value)


def test_a_seed_given_as_a_path_is_loaded(tmp_path: Path) -> None:
    """A seed file's ``pathlib.Path`` is taken as its name is (it was, before settings were checked for text)."""
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"orgs": [{"sourcedId": "sch-1", "status": "active", "name": "One", "type": "school"}]}))
    settings = ServerSettings(seed=seed)
    assert settings.seed == str(seed)
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        answer = http.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=server.credentials)
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        school = http.get("/ims/oneroster/rostering/v1p2/schools/sch-1", headers=headers)
        assert school.status_code == 200 and school.json()["org"]["name"] == "One", school.text


def test_faults_with_workers_are_refused_as_serve_refuses_them(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^faults='429=0.1': fault injection runs in one process, not 2 workers"):
        ServerSettings(database=f"sqlite:///{tmp_path / 'w.db'}", workers=2, faults="429=0.1")


def test_settings_at_their_bounds_serve() -> None:
    settings = ServerSettings(
        client_id="bounds", client_secret="bounds-secret", client_scopes="gradebook.readonly gradebook.createput",
        max_page_size=1, default_page_size=1, token_ttl_seconds=1_000_000_000, body_timeout_seconds=0.0,
        token_max_failures=0,
    )  # fmt: skip
    with LocalServer(settings) as server, httpx.Client(base_url=server.url) as http:
        answer = http.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=server.credentials)
        assert answer.status_code == 200 and answer.json()["expires_in"] == 1_000_000_000
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        for name in ("a", "b"):
            category = {"category": {"sourcedId": name, "status": "active", "title": name}}
            assert http.put(f"{GB}/categories/{name}", json=category, headers=headers).status_code in (200, 201)
        listing = http.get(f"{GB}/categories", headers=headers).json()
        assert (len(listing["categories"]), listing["limit"], listing["pageCount"]) == (1, 1, 2)


def test_a_default_page_size_above_the_max_is_served_as_the_max_unclamped() -> None:
    """``max_page_size=1`` alone (the default page size 100): pages of 1, and only a limit asked above it is clamped."""
    with LocalServer(ServerSettings(max_page_size=1)) as server, httpx.Client(base_url=server.url) as http:
        answer = http.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=server.credentials)
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        for name in ("a", "b"):
            category = {"category": {"sourcedId": name, "status": "active", "title": name}}
            assert http.put(f"{GB}/categories/{name}", json=category, headers=headers).status_code in (200, 201)
        unasked = http.get(f"{GB}/categories", headers=headers)
        assert (len(unasked.json()["categories"]), unasked.json()["limit"]) == (1, 1)
        assert "X-Limit-Clamped" not in unasked.headers
        asked = http.get(f"{GB}/categories", params={"limit": 5}, headers=headers)
        assert len(asked.json()["categories"]) == 1 and "X-Limit-Clamped" in asked.headers
