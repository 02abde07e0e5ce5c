"""The server against the official 1EdTech gradebook OpenAPI document (bench/conformance.py, docs/conformance.md)."""

from __future__ import annotations

import httpx
from bench import conformance

from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.server.zero_world import ZERO_WORLD
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer
from timeback.server.seed import load_seed

ROSTERING = conformance.SPEC.with_name("onerosterv1p2rostersservice_openapi3_v1p0.json")


def test_every_difference_from_the_official_document_is_a_documented_one() -> None:
    report = conformance.run(examples=5)
    assert report.operations == 35 and report.cases > 100
    assert report.server_errors == 0
    assert report.unexplained() == [], "explain these in docs/conformance.md (and DIFFERENCES)"


def test_the_rostering_document_is_sent_under_its_own_base_path() -> None:
    # Under the gradebook's base path every rostering request was a 404, all counted as D2.
    report = conformance.run(ROSTERING, examples=5)
    assert report.operations == 41 and report.statuses["2xx"] > 50
    assert report.server_errors == 0
    assert report.unexplained() == [], "explain these in docs/conformance.md (and DIFFERENCES)"


def test_the_base_path_is_the_documents_variable_or_the_path_of_its_server_url() -> None:
    variable = {"url": "https://{hostName}{basePath}", "variables": {"basePath": {"default": "/ims/x/v1p2"}}}
    assert conformance.base_path({"servers": [variable]}) == "/ims/x/v1p2"
    assert conformance.base_path({"servers": [{"url": "https://example.org/ims/y/v1p2/"}]}) == "/ims/y/v1p2"
    assert conformance.base_path({"servers": [{"url": "https://api.alpha-1edtech.com"}]}) == ""
    assert conformance.base_path({}) == ""


def test_fields_as_the_official_exploded_array_or_comma_separated() -> None:
    with LocalServer(ServerSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)) as own:
        load_seed(own.app.state.service, ZERO_WORLD)
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        token = httpx.post(f"{own.url}/oauth2/token", data=form).json()["access_token"]
        url = f"{own.url}/ims/oneroster/gradebook/v1p2/lineItems/0"
        for query in ("fields=sourcedId&fields=title", "fields=sourcedId,title"):
            got = httpx.get(f"{url}?{query}", headers={"Authorization": f"Bearer {token}"})
            assert got.json() == {"lineItem": {"sourcedId": "0", "title": "0"}}
