"""What the desk checks on a material: the upload itself, then 清, 准 and dates.

``inspect_upload`` runs while the user waits and refuses what cannot be a
material (the type comes from the content, never the name). The other
checks run in the background (``materials.tasks``) and produce flags: dicts
with ``code``, ``message_zh``, ``message_en`` and the measured ``values``.
Here are the reading of files and images; what a flag is, and when it
fires, is decided in :mod:`icpdesk.core.material_rules`.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.conf import settings

from icpdesk.core import material_rules as rules
from icpdesk.core.material_rules import FACT_LABELS, REGION_LABELS, Stated
from icpdesk.lib.errors import InvalidInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FIELD = "file"

__all__ = [
    "FACT_LABELS",
    "REGION_LABELS",
    "Inspected",
    "Stated",
    "consistency_flags",
    "date_flags",
    "inspect_upload",
    "legibility_flags",
    "sniff",
]


@dataclass(frozen=True)
class Inspected:
    content_type: str
    page_count: int | None
    width: int | None = None
    height: int | None = None


def _refuse(name: str, zh: str, en: str, code: str) -> InvalidInput:
    return InvalidInput(
        f"文件（file）“{name}”不能接受：{zh}",
        f"The file (file) '{name}' cannot be accepted: {en}",
        field=FIELD,
        reason=code,
    )


def sniff(head: bytes, stream: IO[bytes]) -> str | None:
    """The content type from the first bytes (and, for a zip, its members)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if b"%PDF-" in head[:1024]:
        return PDF  # where the header may sit; what comes before it is judged by the safety check
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def inspect_upload(stream: IO[bytes], size: int, name: str) -> Inspected:
    """Validate an upload; :class:`InvalidInput` (field ``file``) names why it is refused."""
    if size <= 0:
        raise _refuse(name, "文件为空。", "the file is empty.", "empty")
    limit = int(settings.UPLOAD_MAX_BYTES)
    if size > limit:
        raise _refuse(
            name,
            f"文件大小 {size / 1048576:.1f} MB，超过 {limit / 1048576:.0f} MB 的上限。",
            f"it is {size / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit.",
            "too_large",
        )
    stream.seek(0)
    head = stream.read(2048)
    content_type = sniff(head, stream)
    stream.seek(0)
    if content_type is None:
        raise _refuse(
            name,
            "不是 PDF、JPEG、PNG 或 DOCX 文件（按文件内容判断，与文件名无关）。",
            "it is not a PDF, JPEG, PNG or DOCX file (judged by its content, not its name).",
            "unsupported_type",
        )
    _refuse_active_content(stream, name, content_type)
    if content_type == PDF:
        return _inspect_pdf(stream, name)
    if content_type in (PNG, JPEG):
        return _inspect_image(stream, name, content_type)
    return Inspected(DOCX, None)


def _refuse_active_content(stream: IO[bytes], name: str, content_type: str) -> None:
    from icpdesk.materials import safety

    if content_type == PDF:
        findings = safety.pdf_findings(stream)
    elif content_type == DOCX:
        findings = safety.docx_findings(stream)
    else:
        findings = safety.image_findings(stream, content_type)
    if findings:
        first = findings[0]
        raise _refuse(name, first.zh, first.en, first.code)


# The largest page accepted, in points (6,000 pt is 2.1 m, larger than A0);
# PDF allows 14,400, which only a crafted file uses.
PDF_MAX_PAGE_POINTS = 6000
PDF_MAX_PAGES_CHECKED = 200


def _absurd_page(reader: Any) -> tuple[int, float, float] | None:
    for index, page in enumerate(reader.pages):
        if index >= PDF_MAX_PAGES_CHECKED:
            break
        box = page.mediabox
        width, height = abs(float(box.width)), abs(float(box.height))
        if not (1 <= width <= PDF_MAX_PAGE_POINTS and 1 <= height <= PDF_MAX_PAGE_POINTS):
            return index + 1, width, height
    return None


def _inspect_pdf(stream: IO[bytes], name: str) -> Inspected:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    name,
                    "PDF 已加密，请上传未加密的文件。",
                    "the PDF is encrypted; upload it without encryption.",
                    "encrypted_pdf",
                )
            pages = len(reader.pages)
            absurd = _absurd_page(reader) if pages else None
            if absurd:
                number, width, height = absurd
                raise _refuse(
                    name,
                    f"PDF 第 {number} 页尺寸异常（{width:.0f}×{height:.0f} 点，"
                    f"每边上限 {PDF_MAX_PAGE_POINTS} 点）。",
                    f"page {number} of the PDF has an absurd size ({width:.0f}×{height:.0f} points; "
                    f"at most {PDF_MAX_PAGE_POINTS} a side).",
                    "absurd_page",
                )
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError, RecursionError):
        pages = 0
    finally:
        stream.seek(0)
    if pages == 0:
        raise _refuse(
            name, "PDF 文件已损坏，无法读取。", "the PDF is broken and cannot be read.", "broken_pdf"
        )
    return Inspected(PDF, pages)


def _inspect_image(stream: IO[bytes], name: str, content_type: str) -> Inspected:
    from PIL import Image, UnidentifiedImageError

    not_image = _refuse(name, "不是可以读取的图片。", "it is not an image that can be read.", "not_an_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(stream) as image:
                width, height = image.size  # read from the header, nothing decoded yet
                if width * height > int(settings.UPLOAD_MAX_PIXELS):
                    raise _bomb(name, width, height)
                image.verify()
            stream.seek(0)
            with Image.open(stream) as image:
                image.load()
    except InvalidInput:
        raise
    except Image.DecompressionBombError:
        raise _bomb(name, 0, 0) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, TypeError, IndexError):
        raise not_image from None
    finally:
        stream.seek(0)
    return Inspected(content_type, 1, width, height)


def _bomb(name: str, width: int, height: int) -> InvalidInput:
    limit = int(settings.UPLOAD_MAX_PIXELS)
    if width:
        zh = f"图片像素过多（{width}×{height}，上限 {limit:,} 像素）。"
        en = f"the image has too many pixels ({width}×{height}; the limit is {limit:,})."
    else:  # the decoder stopped before it could say the size
        zh = f"图片像素过多（超过上限 {limit:,} 像素，无法读出其尺寸）。"
        en = f"the image has too many pixels (over the limit of {limit:,}; its size could not be read)."
    return _refuse(name, zh, en, "image_bomb")


# ------------------------------------------------------------------ 清: legibility


def legibility_flags(data: bytes, content_type: str) -> list[dict[str, Any]]:
    """Flags for every image or PDF page whose short side is under the threshold."""
    minimum = int(settings.LEGIBILITY_MIN_SHORT_SIDE_PX)
    if content_type in (PNG, JPEG):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            short = min(image.size)
        flag = rules.illegible_image(short, minimum)
        return [flag.as_dict()] if flag else []
    if content_type == PDF:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

        dpi = int(settings.LEGIBILITY_PDF_RENDER_DPI)
        flags = []
        document = pdfium.PdfDocument(data)
        try:
            # The measure is the page's short side at the render resolution, which
            # the page size gives exactly: nothing is rendered, so a page of any
            # size costs the same (a 14,400-point page rendered took gigabytes).
            for index in range(min(len(document), PDF_MAX_PAGES_CHECKED)):
                page = document[index]
                width, height = page.get_size()
                short = round(min(width, height) * dpi / 72)
                page.close()
                flag = rules.illegible_page(index + 1, short, minimum, dpi)
                if flag:
                    flags.append(flag.as_dict())
        finally:
            document.close()
        return flags
    return []


# ------------------------------------------------------------------ 准 and dates

# The rules themselves are the core's (icpdesk.core.material_rules); these store their flags as dicts.


def consistency_flags(
    me: Stated, others: Iterable[Stated], profile: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Mismatches of ``me``'s stated facts with the enterprise profile and the other materials."""
    return [flag.as_dict() for flag in rules.consistency_flags(me, others, profile)]


def date_flags(
    facts: Mapping[str, Any],
    validity: Mapping[str, int],
    *,
    today: date,
    filing_date: date,
    decision_date: date,
) -> list[dict[str, Any]]:
    """Validity periods that end too early, statements too old, insurance not covering last month."""
    found = rules.date_flags(
        facts, validity, today=today, filing_date=filing_date, decision_date=decision_date
    )
    return [flag.as_dict() for flag in found]
