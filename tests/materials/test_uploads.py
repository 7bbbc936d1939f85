"""Uploads: the type from the content, each refusal with its reason, versions that are never overwritten."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from icpdesk.cases.models import Application, AuditEvent
from icpdesk.materials.models import CaseMaterial, MaterialState, MaterialVersion
from tests.factories import Personas
from tests.materials.conftest import docx, jpeg, pdf, png, post_upload


@pytest.fixture
def consultant_client(client: Client, personas: Personas) -> Client:
    client.force_login(personas.consultant)
    return client


def _refused(response: Any, *words: str) -> None:
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="file-errors"' in body
    for word in words:
        assert word in body


@pytest.mark.django_db
def test_two_uploads_make_two_versions_and_the_first_stays_intact(
    consultant_client: Client, case: Application, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = png(color="white"), png(color="black")
    with django_capture_on_commit_callbacks(execute=True):
        r1 = post_upload(consultant_client, case, "business_license", first, "执照.png")
        r2 = post_upload(consultant_client, case, "business_license", second, "执照.png")
    assert r1.status_code == r2.status_code == 302
    v1, v2 = MaterialVersion.objects.order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.file != v2.file
    with default_storage.open(v1.file) as handle:
        assert handle.read() == first
    with default_storage.open(v2.file) as handle:
        assert handle.read() == second
    import hashlib

    assert v1.sha256 == hashlib.sha256(first).hexdigest()
    assert v1.size == len(first)
    assert v1.uploaded_by == personas.consultant
    assert v1.original_name == "执照.png"
    assert v1.file.startswith(f"cases/{case.pk}/business_license/1-") and v1.file.endswith(".png")
    assert "执照" not in v1.file
    assert CaseMaterial.objects.get().state == MaterialState.UPLOADED
    assert AuditEvent.objects.filter(application=case, action="material_upload").count() == 2


@pytest.mark.django_db
def test_a_pdf_records_its_page_count(consultant_client: Client, case: Application) -> None:
    assert post_upload(consultant_client, case, "articles", pdf(pages=3), "章程.pdf").status_code == 302
    version = MaterialVersion.objects.get()
    assert version.content_type == "application/pdf"
    assert version.page_count == 3


@pytest.mark.django_db
def test_a_png_named_pdf_is_treated_as_a_png(consultant_client: Client, case: Application) -> None:
    assert post_upload(consultant_client, case, "topology", png(), "拓扑.pdf").status_code == 302
    version = MaterialVersion.objects.get()
    assert version.content_type == "image/png"
    assert version.file.endswith(".png")


@pytest.mark.django_db
def test_jpeg_and_docx_are_accepted(consultant_client: Client, case: Application) -> None:
    assert post_upload(consultant_client, case, "security_id", jpeg(), "id.bin").status_code == 302
    assert post_upload(consultant_client, case, "application_form", docx(), "form.docx").status_code == 302
    types = set(MaterialVersion.objects.values_list("content_type", flat=True))
    assert types == {"image/jpeg", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"just some text, not a document\n", "text.pdf", ["不是 PDF、JPEG、PNG 或 DOCX 文件"]),
        (b"", "empty.pdf", ["文件为空"]),
        (pdf(password="secret"), "locked.pdf", ["PDF 已加密"]),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage\n%%EOF", "broken.pdf", ["PDF 文件已损坏"]),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "fake.png", ["不是可以读取的图片"]),
        (b"\xff\xd8\xff\xe0" + b"nonsense" * 20, "fake.jpg", ["不是可以读取的图片"]),
        (b"PK\x03\x04" + b"not really a zip" * 4, "fake.docx", ["不是 PDF、JPEG、PNG 或 DOCX 文件"]),
    ],
    ids=[
        "text-named-pdf",
        "empty",
        "encrypted-pdf",
        "broken-pdf",
        "not-an-image-png",
        "not-an-image-jpeg",
        "bad-zip",
    ],
)
def test_a_refused_upload_names_the_file_field_and_why(
    consultant_client: Client, case: Application, data: bytes, name: str, words: list[str]
) -> None:
    response = post_upload(
        consultant_client, case, "business_license", data, name, company_name="已填写的名称"
    )
    _refused(response, name, *words)
    assert "已填写的名称" in response.content.decode()  # what the user typed is kept
    assert not MaterialVersion.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(
    consultant_client: Client, case: Application, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1_000
    _refused(post_upload(consultant_client, case, "business_license", png(), "big.png"), "超过")


@pytest.mark.django_db
def test_an_image_bomb_is_refused_before_decoding(consultant_client: Client, case: Application) -> None:
    bomb = _png_claiming(20_000, 20_000)  # 400 million pixels claimed by a few hundred bytes
    response = post_upload(consultant_client, case, "business_license", bomb, "bomb.png")
    _refused(response, "图片像素过多")


@pytest.mark.django_db
def test_an_image_over_the_pixel_setting_is_refused_with_its_size(
    consultant_client: Client, case: Application, settings: Any
) -> None:
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    _refused(
        post_upload(consultant_client, case, "business_license", png(1200, 1600), "big.png"), "1200×1600"
    )


@pytest.mark.django_db
def test_a_refused_upload_leaves_the_earlier_version_untouched(
    consultant_client: Client, case: Application
) -> None:
    good = png()
    assert post_upload(consultant_client, case, "business_license", good, "ok.png").status_code == 302
    before = list(MaterialVersion.objects.values())
    _refused(post_upload(consultant_client, case, "business_license", pdf(password="x"), "locked.pdf"))
    assert list(MaterialVersion.objects.values()) == before
    with default_storage.open(before[0]["file"]) as handle:
        assert handle.read() == good


@pytest.mark.django_db
def test_english_reasons_when_the_page_is_english(consultant_client: Client, case: Application) -> None:
    consultant_client.cookies["django_language"] = "en"
    response = post_upload(consultant_client, case, "business_license", b"hello", "a.pdf")
    _refused(response, "The file (file) &#x27;a.pdf&#x27; cannot be accepted", "not a PDF, JPEG, PNG or DOCX")


@pytest.mark.django_db
def test_uploads_are_refused_once_the_case_is_filed(
    consultant_client: Client, case: Application, personas: Personas
) -> None:
    Application.objects.filter(pk=case.pk).update(state="filed")
    response = post_upload(consultant_client, case, "business_license", png(), "a.png")
    assert response.status_code == 409
    assert "只有草稿或退回补正的案件可以上传材料" in response.content.decode()
    assert not MaterialVersion.objects.exists()


@pytest.mark.django_db
def test_an_unknown_material_is_404(consultant_client: Client, case: Application) -> None:
    assert post_upload(consultant_client, case, "no_such_thing", png(), "a.png").status_code == 404


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (valid CRC)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
