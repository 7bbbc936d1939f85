"""Fixtures for the materials tests: media in a temp folder, checks run inline, real files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from icpdesk.cases import actions
from icpdesk.cases.models import Application
from tests.factories import Personas

TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    yield


def png(width: int = 1200, height: int = 1600, color: str = "white") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 1200, height: int = 1600) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def pdf(pages: int = 1, width: float = 595, height: float = 842, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=height)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def case(personas: Personas) -> Application:
    return actions.create_application(personas.consultant, personas.enterprise)


def login(client: Client, user: Any) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def post_upload(
    client: Client, application: Application, material_id: str, data: bytes, name: str, **facts: Any
) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("materials:upload", args=[application.pk, material_id])
    return client.post(url, {"file": SimpleUploadedFile(name, data), **facts})


@pytest.fixture
def put(django_capture_on_commit_callbacks: Any) -> Any:
    """Upload through the service, running the on-commit check inline."""
    from icpdesk.materials import services

    def upload(
        user: Any,
        application: Application,
        material_id: str,
        data: bytes,
        name: str = "scan.png",
        **facts: Any,
    ) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            version = services.upload_version(
                user, application, material_id, io.BytesIO(data), original_name=name, facts=facts
            )
        version.refresh_from_db()
        return version

    return upload
