"""The weekly report names the material of each material event in its rows."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from icpdesk.cases.models import Application
from icpdesk.materials import services as materials
from icpdesk.paperwork import services
from tests.factories import sample_png
from tests.paperwork.conftest import docx_text, pdf_text


def test_each_material_event_names_its_material(
    personas: Any, case: Application, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            materials.upload_version(
                personas.consultant,
                case,
                "business_license",
                io.BytesIO(sample_png()),
                original_name="license.png",
            )
        materials.upload_version(
            personas.consultant, case, "domain_certificate", io.BytesIO(sample_png()), original_name="d.png"
        )
    today = date.today()
    (made,) = services.weekly_drafts(personas.consultant, [personas.enterprise], ["docx", "pdf"], today=today)
    docx, pdf = made.rendered
    for text in (docx_text(docx.content), pdf_text(pdf.content)):
        text = "".join(text.split())  # PDF text extraction drops or adds spaces at line ends
        assert "上传材料：营业执照副本复印件（第1版）" in text
        assert "上传材料：营业执照副本复印件（第2版）" in text
        assert "上传材料：域名证书复印件（第1版）" in text
