"""Files the reader cannot read get a reason, not a crash; limits keep every read bounded."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw, ImageFont

from icpdesk.reading import Limits, ReadError, read_document
from tests.reading import corpus
from tests.reading.conftest import jpeg


def _reason(data: bytes, **limits: int) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_document(data, "business_license", Limits(**limits))
    error = caught.value
    assert error.message_zh and error.message_en
    return error


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few bytes: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _blank_pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_file_that_is_neither_pdf_nor_image_is_refused_with_the_reason() -> None:
    assert _reason(b"just some words").code == "format"
    assert _reason(b"").code == "empty"


def test_a_broken_pdf_is_refused() -> None:
    assert _reason(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is no pdf").code == "broken"


def test_a_truncated_image_is_refused(small_scan: Image.Image) -> None:
    assert _reason(jpeg(small_scan)[:400]).code == "broken"


def test_an_encrypted_pdf_is_refused_with_the_reason(license_pdf: bytes) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(license_pdf)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    error = _reason(buffer.getvalue())
    assert error.code == "encrypted"
    assert "密码" in error.message_zh


def test_a_pixel_bomb_is_refused_before_it_is_decoded() -> None:
    error = _reason(_png_header(50_000, 50_000))
    assert error.code == "pixel_bomb"
    assert "上限 40,000,000 像素" in error.message_zh
    # Under Pillow's own ceiling, the reader's lower one still refuses it, naming the size.
    error = _reason(_png_header(8_000, 8_000), max_image_pixels=10_000_000)
    assert error.code == "pixel_bomb"
    assert "8000×8000" in error.message_zh


def test_a_document_of_blank_pages_says_nothing_could_be_read() -> None:
    assert _reason(_blank_pdf(3)).code == "nothing_read"
    blank = io.BytesIO()
    Image.new("RGB", (800, 1100), "white").save(blank, format="PNG")
    assert _reason(blank.getvalue()).code == "nothing_read"


def test_a_pdf_without_pages_is_refused() -> None:
    assert _reason(_blank_pdf(0)).code in {"no_pages", "broken"}


def test_a_long_document_is_read_up_to_the_page_limit_and_says_so(long_pdf: bytes) -> None:
    reading = read_document(long_pdf, "bank_statements", Limits(page_limit=20))
    assert (reading.pages, reading.page_count) == (20, 25)
    limit = next(flag for flag in reading.flags if flag["code"] == "page_limit")
    assert limit["values"] == {"pages": 25, "read": 20}
    assert "第 20 页" in reading.text and "第 21 页" not in reading.text
    assert reading.fields["account_holder"].value == "兰州陇货精品电子商务有限公司"
    assert reading.sources == ["text"] * 20


def test_a_blank_page_among_read_ones_is_flagged(license_pdf: bytes) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(license_pdf)).pages[0])
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    reading = read_document(buffer.getvalue(), "business_license")
    assert reading.pages == 2
    assert {"code": "blank_page", "page": 2} in [
        {"code": f["code"], "page": f["values"].get("page")} for f in reading.flags
    ]
    assert reading.fields["uscc"].value == corpus.business_license(0).expected["uscc"]


def test_a_page_of_14400_points_is_read_within_the_pixel_budget() -> None:
    # An image saved at 5 dpi makes a PDF page of 14,400 points a side (200 inches).
    image = Image.new("RGB", (1000, 1000), "white")
    ImageDraw.Draw(image).text(
        (60, 420), "注册日期：2023-05-15", font=ImageFont.truetype(corpus.FONT, 60), fill="black"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=5)
    reading = read_document(buffer.getvalue(), "domain_certificate", Limits(pixel_budget=1_000_000))
    assert "page_scaled" in {flag["code"] for flag in reading.flags}
    assert reading.fields["registered_on"].value == "2023-05-15"


def test_an_image_over_the_pixel_budget_is_read_scaled_down(small_scan: Image.Image) -> None:
    big = small_scan.resize((small_scan.width * 3, small_scan.height * 3))
    reading = read_document(jpeg(big), "domain_certificate", Limits(pixel_budget=400_000))
    assert "page_scaled" in {flag["code"] for flag in reading.flags}
    assert reading.fields["domain"].value == "longhuo.cn"
