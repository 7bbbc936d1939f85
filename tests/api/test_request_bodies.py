"""Malformed and oversized request bodies get the API's error shape and a 4xx, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from icpdesk.core.lifecycle import State
from tests.api.conftest import BASE, Api, case_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload_url(api: Api) -> str:
    application = case_in(api.personas, State.DRAFT)
    return f"{BASE}/cases/{application.pk}/materials/business_license/versions"


def _shape(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) >= {"code", "message", "field", "state"}, body
    return body


def test_a_multipart_body_without_a_boundary_is_400(api: Api, upload_url: str) -> None:
    response = api.client.post(
        upload_url, b"--x\r\n\r\n", content_type="multipart/form-data", headers=api.headers("applicant")
    )
    assert response.status_code == 400
    assert _shape(response)["code"] == "malformed_request"


def test_a_file_name_over_a_kilobyte_is_422_naming_the_file(api: Api, upload_url: str) -> None:
    name = "营" * 400 + ".pdf"
    response = api.client.post(
        upload_url,
        {"file": SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n")},
        headers=api.headers("applicant"),
    )
    assert response.status_code == 422
    assert _shape(response)["field"] == "file"


def test_more_than_a_hundred_files_is_413(api: Api, upload_url: str) -> None:
    files = {f"file{i}": SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4\n") for i in range(101)}
    response = api.client.post(upload_url, files, headers=api.headers("applicant"))
    assert response.status_code == 413
    assert _shape(response)["code"] == "too_large"


def test_more_than_a_thousand_fields_is_413(api: Api, upload_url: str) -> None:
    fields = {f"f{i}": "x" for i in range(1001)}
    response = api.client.post(upload_url, fields, headers=api.headers("applicant"))
    assert response.status_code == 413
    assert _shape(response)["code"] == "too_large"


def test_json_over_five_megabytes_is_413(api: Api) -> None:
    body = '{"name": "' + "x" * (5 * 1024 * 1024 + 10) + '"}'
    response = api.client.post(
        f"{BASE}/cases", body, content_type="application/json", headers=api.headers("consultant")
    )
    assert response.status_code == 413
    assert _shape(response)["code"] == "too_large"


def test_the_openapi_document_lists_the_body_errors(client: Any) -> None:
    schema = client.get(f"{BASE}/openapi.json").json()
    upload = schema["paths"]["/api/v1/cases/{case_id}/materials/{material_id}/versions"]["post"]
    assert {"400", "413", "422"} <= set(upload["responses"])
    create = schema["paths"]["/api/v1/cases"]["post"]
    assert {"400", "413"} <= set(create["responses"])
    assert "400" not in schema["paths"]["/api/v1/cases"]["get"]["responses"]


def test_the_openapi_document_has_one_key_per_status(client: Any) -> None:
    """An operation declaring its own 400 keeps one "400": Swagger UI refuses a repeated key."""

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    text = client.get(f"{BASE}/openapi.json").content.decode()
    schema = json.loads(text, object_pairs_hook=no_repeats)
    assert schema["paths"]
