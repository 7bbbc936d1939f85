"""Reading a document: the text layer of a PDF first, OCR for scans, QR codes on every page.

:func:`read_document` takes the bytes of a PDF or an image and returns a
:class:`~icpdesk.reading.model.Reading`, or raises
:class:`~icpdesk.reading.model.ReadError` with the reason (an encrypted or
broken file, a pixel bomb, a document with nothing to read). Limits keep
every document's cost bounded: pages past the page limit are flagged, not
read; a page is rendered within a pixel budget whatever its size in points;
an image over the pixel ceiling is refused before it is decoded.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, ImageStat

from icpdesk.reading import extract, ocr
from icpdesk.reading.model import Limits, Line, ReadError, Reading
from icpdesk.reading.values import mask_id_numbers

__all__ = ["read_document", "read_image", "read_pages"]

# A page whose text layer has fewer characters than this is read as a scan.
MIN_TEXT_LAYER_CHARS = 8
# Grey levels: a page whose spread is under this is blank (nothing is OCR'd).
BLANK_STDDEV = 2.0
# Resolution of the render a text-layer page gets for its QR codes only.
BARCODE_DPI = 150


@dataclass(slots=True)
class _Page:
    lines: list[Line]
    qr: list[str]
    source: str  # "text" | "ocr" | "blank"
    turn: int = 0
    scaled: bool = False


def _flag(code: str, zh: str, en: str, **values: Any) -> dict[str, Any]:
    return {"code": code, "message_zh": zh, "message_en": en, "values": values}


def _barcodes(image: Image.Image) -> list[str]:
    import zxingcpp

    try:
        found = zxingcpp.read_barcodes(image.convert("L"))
    except (ValueError, RuntimeError):  # pragma: no cover - zxing refuses odd buffers
        return []
    return [code.text for code in found if code.valid and code.text]


def _is_blank(image: Image.Image) -> bool:
    grey = image.convert("L")
    grey.thumbnail((256, 256))
    return float(ImageStat.Stat(grey).stddev[0]) < BLANK_STDDEV


def _ocr_page(image: Image.Image, page: int, threads: int) -> _Page:
    qr = _barcodes(image)
    if _is_blank(image):
        return _Page([], qr, "blank")
    found, turn, (width, height) = ocr.recognise(image, threads)
    lines = [
        Line(
            item.text,
            item.confidence,
            page,
            (item.box[0] / width, item.box[1] / height, item.box[2] / width, item.box[3] / height),
        )
        for item in found
    ]
    return _Page(lines, qr, "ocr" if lines else "blank", turn)


def _fit(image: Image.Image, budget: int) -> tuple[Image.Image, bool]:
    pixels = image.width * image.height
    if pixels <= budget:
        return image, False
    scale = math.sqrt(budget / pixels)
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS), True


def _open_image(data: bytes, limits: Limits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > limits.max_image_pixels:
                raise ReadError(
                    "pixel_bomb",
                    f"图片像素过多（{width}×{height}，上限 {limits.max_image_pixels:,} 像素），未读取。",
                    f"The image has too many pixels ({width}×{height}; the limit is "
                    f"{limits.max_image_pixels:,}); it was not read.",
                )
            if image.format == "JPEG":
                # Decode a large JPEG at a reduced scale straight away.
                side = int(math.sqrt(limits.pixel_budget * width / height))
                image.draft("RGB", (side, int(side * height / width)))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError(
            "pixel_bomb",
            f"图片像素过多（上限 {limits.max_image_pixels:,} 像素），未读取。",
            f"The image has too many pixels (the limit is {limits.max_image_pixels:,}); it was not read.",
        ) from exc
    except ReadError:
        raise
    except (OSError, ValueError, SyntaxError) as exc:
        raise ReadError(
            "broken",
            "图片文件已损坏或格式不受支持，无法读取。",
            "The image file is broken or of a kind that cannot be read.",
        ) from exc
    return ImageOps.exif_transpose(image).convert("RGB")


def read_image(data: bytes, limits: Limits, threads: int = 1) -> list[_Page]:
    image = _open_image(data, limits)
    image, scaled = _fit(image, limits.pixel_budget)
    page = _ocr_page(image, 1, threads)
    page.scaled = scaled
    return [page]


def _text_layer(page: Any, number: int) -> list[Line]:
    width, height = page.get_size()
    rotation = int(page.get_rotation()) % 360
    textpage = page.get_textpage()
    try:
        lines = []
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            if not text:
                continue
            box = (left / width, 1 - top / height, right / width, 1 - bottom / height)
            lines.append(Line(" ".join(text.split()), 1.0, number, _rotate_box(box, rotation)))
        return lines
    finally:
        textpage.close()


def _rotate_box(box: tuple[float, float, float, float], rotation: int) -> tuple[float, float, float, float]:
    """A box on the unrotated page as it shows on a page displayed turned clockwise by ``rotation``."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        return (1 - y1, x0, 1 - y0, x1)
    if rotation == 180:
        return (1 - x1, 1 - y1, 1 - x0, 1 - y0)
    if rotation == 270:
        return (y0, 1 - x1, y1, 1 - x0)
    return box


def _layer_chars(page: Any) -> int:
    textpage = page.get_textpage()
    try:
        return len("".join(textpage.get_text_range().split()))
    finally:
        textpage.close()


def read_pages(data: bytes, limits: Limits, threads: int = 1) -> tuple[list[_Page], int]:
    """The pages of a PDF up to the page limit, and how many it has."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium's error code is process-wide state; the trailer's /Encrypt says it for this file.
        if b"/Encrypt" in data:
            raise ReadError(
                "encrypted",
                "PDF 文件已加密（需要密码），无法读取；请上传未加密的文件。",
                "The PDF is encrypted (it needs a password) and cannot be read; upload it unencrypted.",
            ) from exc
        raise ReadError(
            "broken",
            "PDF 文件已损坏，无法读取。",
            "The PDF file is broken and cannot be read.",
        ) from exc
    try:
        count = len(document)
        pages = []
        for index in range(min(count, limits.page_limit)):
            number = index + 1
            page = document[index]
            try:
                width, height = page.get_size()
                if not (width > 0 and height > 0):
                    pages.append(_Page([], [], "blank"))
                    continue
                wanted = limits.dpi / 72
                fitted = math.sqrt(limits.pixel_budget / (width * height))
                scale = min(wanted, fitted)
                if _layer_chars(page) >= MIN_TEXT_LAYER_CHARS:
                    lines = _text_layer(page, number)
                    image = page.render(scale=min(BARCODE_DPI / 72, fitted)).to_pil()
                    pages.append(_Page(lines, _barcodes(image), "text"))
                    continue
                image = page.render(scale=scale).to_pil()
                result = _ocr_page(image, number, threads)
                result.scaled = fitted < wanted
                pages.append(result)
            finally:
                page.close()
        return pages, count
    finally:
        document.close()


def _sniff(data: bytes) -> str:
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    raise ReadError(
        "format",
        "只能读取 PDF 或图片（PNG、JPEG、TIFF、WebP）文件。",
        "Only PDF files and images (PNG, JPEG, TIFF, WebP) can be read.",
    )


def read_document(data: bytes, material: str, limits: Limits | None = None, *, threads: int = 1) -> Reading:
    """Read ``data`` (a PDF or an image) as material ``material``."""
    limits = limits or Limits()
    if not data:
        raise ReadError("empty", "文件为空。", "The file is empty.")
    if _sniff(data) == "pdf":
        pages, count = read_pages(data, limits, threads)
    else:
        pages, count = read_image(data, limits, threads), 1
    if count == 0:
        raise ReadError("no_pages", "PDF 文件没有页面。", "The PDF has no pages.")
    flags: list[dict[str, Any]] = []
    if count > limits.page_limit:
        flags.append(
            _flag(
                "page_limit",
                f"文件共 {count} 页，只读取了前 {limits.page_limit} 页。",
                f"The file has {count} pages; only the first {limits.page_limit} were read.",
                pages=count,
                read=limits.page_limit,
            )
        )
    for number, page in enumerate(pages, start=1):
        if page.source == "blank":
            flags.append(
                _flag(
                    "blank_page",
                    f"第 {number} 页是空白页或没有可读的文字。",
                    f"Page {number} is blank or has no text that can be read.",
                    page=number,
                )
            )
        if page.turn:
            flags.append(
                _flag(
                    "page_turned",
                    f"第 {number} 页旋转了 {page.turn}°，已按正向读取。",
                    f"Page {number} lies turned by {page.turn}°; it was read upright.",
                    page=number,
                    degrees=page.turn,
                )
            )
        if page.scaled:
            flags.append(
                _flag(
                    "page_scaled",
                    f"第 {number} 页尺寸过大，已按较低分辨率读取。",
                    f"Page {number} is very large; it was read at a lower resolution.",
                    page=number,
                )
            )
    lines = [line for page in pages for line in page.lines]
    qr = [mask_id_numbers(code) for page in pages for code in page.qr]
    if not lines and not qr:
        raise ReadError(
            "nothing_read",
            "文件中没有读到任何文字（空白页或无法识别）。",
            "No text could be read in the file (blank pages, or nothing legible).",
        )
    rows = extract.rows(lines)
    fields = extract.extract(material, rows)
    masked_lines = [Line(mask_id_numbers(line.text), line.confidence, line.page, line.box) for line in lines]
    text = mask_id_numbers(extract.text_of(rows))
    return Reading(
        material=material,
        pages=len(pages),
        page_count=count,
        fields=fields,
        qr=qr,
        text=text,
        lines=masked_lines,
        flags=flags,
        sources=[page.source for page in pages],
    )
