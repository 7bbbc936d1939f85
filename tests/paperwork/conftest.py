"""Fixtures for the paperwork tests: media in a temp folder, tasks run inline, a case to draft from."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from icpdesk.cases import actions
from icpdesk.cases.models import Application
from tests.factories import Personas, mark_filed

TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    yield


@pytest.fixture
def case(personas: Personas) -> Application:
    return actions.create_application(personas.consultant, personas.enterprise)


@pytest.fixture
def filed(case: Application) -> Application:
    """The case once filed: the regulator sees it from then on."""
    mark_filed(case)
    return case


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data: bytes) -> set[str]:
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page["/Resources"].get_object()
        fonts = resources["/Font"].get_object() if "/Font" in resources else {}
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont", "")))
    return names
