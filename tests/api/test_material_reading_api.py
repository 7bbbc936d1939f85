"""The API shows on each material version what the desk read in its file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icpdesk.core.lifecycle import State
from icpdesk.materials import services
from tests.api.conftest import Api, case_in
from tests.factories import Personas
from tests.reading import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reading_on_upload(settings: Any) -> None:
    settings.READING_ON_UPLOAD = True


@pytest.fixture(autouse=True)
def _media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    yield


def test_each_version_shows_its_reading(
    api: Api, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    import io

    case = case_in(personas, State.DRAFT)
    doc = corpus.hosting_agreement(1)
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_version(
            personas.consultant,
            case,
            "hosting_agreement",
            io.BytesIO(corpus.text_pdf(doc)),
            original_name="协议.pdf",
        )
    response = api.get("consultant", f"/cases/{case.pk}/materials/hosting_agreement/versions")
    assert response.status_code == 200, response.content.decode()
    [version] = response.json()
    assert version["read_status"] == "done"
    reading = version["reading"]
    assert reading["fields"]["server_region"]["value"] == "CN-HK"
    assert reading["fields"]["provider"]["value"] == doc.expected["provider"]
    assert reading["fields"]["valid_until"]["value"] == doc.expected["valid_until"]
    assert 0 < reading["fields"]["server_region"]["confidence"] <= 1
    assert reading["error"] is None and reading["pages"] == 1
    assert "服务器托管协议" in reading["text"]


def test_a_version_not_read_yet_shows_no_reading(api: Api, personas: Personas, settings: Any) -> None:
    import io

    settings.READING_ON_UPLOAD = False
    case = case_in(personas, State.DRAFT)
    services.upload_version(
        personas.consultant,
        case,
        "business_license",
        io.BytesIO(corpus.text_pdf(corpus.business_license(0))),
        original_name="执照.pdf",
    )
    [version] = api.get("consultant", f"/cases/{case.pk}/materials/business_license/versions").json()
    assert version["read_status"] == "pending"
    assert version["reading"] is None
