"""Active content, polyglots and absurd PDF pages are refused with their reason; previews are sandboxed."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from typing import Any

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from icpdesk.lib.errors import InvalidInput
from icpdesk.materials import checks
from tests.materials.conftest import docx, jpeg, pdf, png


def _inspect(data: bytes, name: str = "scan.pdf") -> checks.Inspected:
    return checks.inspect_upload(io.BytesIO(data), len(data), name)


def _refusal(data: bytes, name: str = "scan.pdf") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        _inspect(data, name)
    assert caught.value.field == "file"
    return caught.value


def _pdf_with(open_action: dict[str, Any]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject({NameObject(k): v for k, v in open_action.items()})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_plain_pdf_passes(settings: Any) -> None:
    assert _inspect(pdf()).content_type == checks.PDF


def test_a_pdf_with_javascript_is_refused() -> None:
    data = _pdf_with({"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")})
    error = _refusal(data)
    assert error.extra["reason"] == "active_content"
    assert "可执行内容" in error.message_zh and "executable content" in error.message_en


def test_a_pdf_with_a_launch_action_is_refused() -> None:
    data = _pdf_with({"/S": NameObject("/Launch"), "/F": TextStringObject("cmd.exe")})
    assert _refusal(data).extra["reason"] == "active_content"


def test_html_carrying_a_pdf_header_is_refused() -> None:
    data = b"<html><script>alert(1)</script>%PDF-1.4\n" + pdf()
    assert _refusal(data).extra["reason"] == "polyglot"


def test_a_pdf_with_a_zip_after_its_end_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.exe", "MZ")
    assert _refusal(pdf() + buffer.getvalue()).extra["reason"] == "polyglot"


def test_a_jpeg_with_a_zip_after_it_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    error = _refusal(jpeg(1200, 1600) + buffer.getvalue(), "scan.jpg")
    assert error.extra["reason"] == "polyglot"
    assert "图片结束之后附带了其他文件" in error.message_zh


def test_a_png_with_html_after_it_is_refused() -> None:
    assert _refusal(png() + b"<html><script>x</script>", "scan.png").extra["reason"] == "polyglot"


def test_plain_images_pass() -> None:
    assert _inspect(jpeg(), "a.jpg").content_type == checks.JPEG
    assert _inspect(png(), "a.png").content_type == checks.PNG


def _docx_with(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_docx_with_macros_is_refused() -> None:
    error = _refusal(_docx_with({"word/vbaProject.bin": "x"}), "a.docx")
    assert error.extra["reason"] == "active_content"
    assert "宏" in error.message_zh


def test_a_docx_with_an_external_template_is_refused() -> None:
    rels = (
        '<Relationships><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        'Target="http://203.0.113.9/t.dotm" TargetMode="External"/></Relationships>'
    )
    error = _refusal(_docx_with({"word/_rels/settings.xml.rels": rels}), "a.docx")
    assert error.extra["reason"] == "external_content"
    assert "203.0.113.9" in error.message_en


def test_a_docx_with_a_plain_hyperlink_passes() -> None:
    rels = (
        '<Relationships><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://www.gov.cn/" TargetMode="External"/></Relationships>'
    )
    assert _inspect(_docx_with({"word/_rels/document.xml.rels": rels}), "a.docx").content_type == checks.DOCX
    assert _inspect(docx(), "b.docx").content_type == checks.DOCX


def test_a_14400_point_page_is_refused_quickly_and_cheaply() -> None:
    data = pdf(width=14400, height=14400)
    tracemalloc.start()
    started = time.perf_counter()
    error = _refusal(data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert error.extra["reason"] == "absurd_page"
    assert "14400×14400" in error.message_zh
    assert elapsed < 2 and peak < 50 * 1024 * 1024


def test_legibility_of_a_large_page_renders_nothing(settings: Any) -> None:
    settings.LEGIBILITY_MIN_SHORT_SIDE_PX = 1000
    settings.LEGIBILITY_PDF_RENDER_DPI = 150
    small = checks.legibility_flags(pdf(width=200, height=300), checks.PDF)
    assert len(small) == 1  # 200 pt at 150 dpi is 417 px
    started = time.perf_counter()
    assert checks.legibility_flags(pdf(pages=5, width=5000, height=5000), checks.PDF) == []
    assert time.perf_counter() - started < 2


@pytest.mark.django_db
def test_previews_are_served_in_a_sandbox(client: Any, personas: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from icpdesk.cases import actions
    from icpdesk.materials import services

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    application = actions.create_application(personas.consultant, personas.enterprise)
    version = services.upload_version(
        personas.consultant,
        application,
        "business_license",
        SimpleUploadedFile("bl.pdf", pdf()),
        original_name="bl.pdf",
    )
    client.force_login(personas.consultant)
    response = client.get(f"/materials/version/{version.pk}/preview/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox;")
