"""Documents the reading tests share, made once per session."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.reading import corpus


@pytest.fixture(scope="session")
def license_pdf() -> bytes:
    """A business license as a PDF with a text layer (read without OCR)."""
    return corpus.text_pdf(corpus.business_license(0))


@pytest.fixture(scope="session")
def long_pdf() -> bytes:
    """A text-layer PDF of 25 pages, each saying its number."""
    from weasyprint import HTML

    pages = "".join(
        f'<p>户名：兰州陇货精品电子商务有限公司</p><p style="page-break-after: always">第 {n} 页</p>'
        for n in range(1, 26)
    )
    return bytes(
        HTML(
            string=f"<html><body style=\"font-family: 'Noto Sans CJK SC'\">{pages}</body></html>"
        ).write_pdf()
    )


@pytest.fixture(scope="session")
def small_scan() -> Image.Image:
    """A small scan with a few lines of large text (quick to OCR)."""
    image = Image.new("RGB", (900, 360), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(corpus.FONT, 40)
    draw.text((40, 40), "域名：longhuo.cn", font=font, fill="black")
    draw.text((40, 140), "注册日期：2023-05-15", font=font, fill="black")
    draw.text((40, 240), "到期日期：2026-05-15", font=font, fill="black")
    return image


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
