"""The OpenAPI document and the interactive docs, served without any outside host."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.api.conftest import BASE
from tests.factories import Personas

pytestmark = pytest.mark.django_db

TRANSITIONS = (
    "file",
    "accept",
    "return",
    "answer",
    "lapse",
    "schedule-inspection",
    "record-inspection",
    "approve",
    "reject",
    "issue-certificate",
    "withdraw",
)


def test_the_openapi_document_lists_every_endpoint(client: Client) -> None:
    response = client.get(BASE + "/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    for name in TRANSITIONS:
        operation = paths[f"/api/v1/cases/{{case_id}}/{name}"]["post"]
        assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/enterprises",
        "/api/v1/cases/{case_id}/audit",
    ):
        assert path in paths
    assert set(paths["/api/v1/cases"]) == {"get", "post"}
    assert set(paths["/api/v1/cases/{case_id}/comments"]) == {"get", "post"}
    assert set(paths["/api/v1/enterprises/{enterprise_id}/eligibility"]) == {"get", "post"}
    schemes = spec["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()
    params = {p["name"] for p in paths["/api/v1/cases"]["get"]["parameters"]}
    assert {"state", "enterprise", "prefecture", "due_before", "overdue", "limit", "offset"} <= params


def test_the_docs_page_references_no_outside_host(client: Client, personas: Personas) -> None:
    client.force_login(personas.reviewer)
    response = client.get(BASE + "/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: CSP is 'self'
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body


def test_only_the_docs_assets_are_served(client: Client) -> None:
    assert client.get(BASE + "/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get(BASE + "/docs/assets/..%2F..%2F__init__.py").status_code == 404
    assert client.get(BASE + "/docs/assets/redoc.standalone.js.map").status_code == 404


def test_an_unknown_api_path_is_a_json_404(client: Client) -> None:
    response = client.get(BASE + "/no/such/thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
