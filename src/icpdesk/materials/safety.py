"""Active content and polyglots in uploads: refused, with the reason.

A material is a stamped copy to be read by a reviewer, so nothing in it may
act: a PDF with JavaScript or a launch action, a Word file with macros,
ActiveX, embedded OLE objects or relationships that fetch something from
outside (an attached template, a frame), or a file that is two formats at
once (a JPEG with a ZIP after it, HTML that carries ``%PDF-`` to pass as a
PDF). Each finding is a code with Chinese and English reasons; the upload
check turns it into the refusal naming the file.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

# PDF names whose presence means the document can run or fetch something.
PDF_ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/XFA"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition"}
PDF_WALK_LIMIT = 200_000

# Relationship types a Word file may point outside with (links to read, not to fetch).
DOCX_EXTERNAL_OK = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/hyperlink",
}
DOCX_MACRO_MARKERS = ("vbaproject.bin", "vbadata.xml", "activex/", "embeddings/oleobject")
MACRO_CONTENT_TYPE = re.compile(rb"macroEnabled|vbaProject|ms-office\.activeX|oleObject", re.IGNORECASE)
EXTERNAL_REL = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)
HTML_MARKERS = re.compile(rb"<\s*(?:!doctype\s+html|html|script|body|iframe|svg)\b", re.IGNORECASE)
OTHER_FORMATS = (b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"MZ")


@dataclass(frozen=True)
class Finding:
    code: str
    zh: str
    en: str


def pdf_findings(stream: IO[bytes]) -> list[Finding]:
    """JavaScript, launch and other actions anywhere in the PDF; HTML around it; another format after it."""
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    found: list[Finding] = []
    start = data.find(b"%PDF-")
    if start > 0 and data[:start].strip(b"\x00\t\n\r\x0c "):
        found.append(
            Finding(
                "polyglot",
                "文件在 PDF 头之前还有其他内容（可能是伪装成 PDF 的网页或程序）。",
                "it carries other content before the PDF header (a web page or program posing as a PDF).",
            )
        )
    if HTML_MARKERS.search(data[:4096]):
        found.append(
            Finding(
                "polyglot",
                "文件中含有网页代码，不是单纯的 PDF。",
                "it contains web-page code: it is not a plain PDF.",
            )
        )
    tail = data[data.rfind(b"%%EOF") + 5 :] if b"%%EOF" in data else b""
    if any(marker in tail for marker in OTHER_FORMATS) or HTML_MARKERS.search(tail):
        found.append(
            Finding(
                "polyglot",
                "PDF 结束标记之后附带了其他文件。",
                "another file is appended after the end of the PDF.",
            )
        )
    active = _pdf_active(stream)
    stream.seek(0)
    if active:
        found.append(
            Finding(
                "active_content",
                f"PDF 含有可执行内容（{active}），请打印后重新扫描或另存为不含脚本的 PDF。",
                f"the PDF contains executable content ({active}); print and scan it again, "
                "or save it as a PDF without scripts.",
            )
        )
    return found


def _pdf_active(stream: IO[bytes]) -> str | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            seen: set[tuple[int, int]] = set()
            todo: list[Any] = [reader.trailer]
            steps = 0
            while todo and steps < PDF_WALK_LIMIT:
                steps += 1
                item = todo.pop()
                if isinstance(item, IndirectObject):
                    key = (item.idnum, item.generation)
                    if key in seen:
                        continue
                    seen.add(key)
                    item = item.get_object()
                if isinstance(item, DictionaryObject):
                    for name in item:
                        if name in PDF_ACTIVE_KEYS:
                            return str(name)
                    action = item.get("/S")
                    if action in PDF_ACTIVE_ACTIONS:
                        return str(action)
                    todo.extend(item.values())
                elif isinstance(item, ArrayObject):
                    todo.extend(item)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError, RecursionError):
        return None  # a PDF that cannot be walked is judged broken by the upload check
    return None


def docx_findings(stream: IO[bytes]) -> list[Finding]:
    """Macros, ActiveX, embedded OLE objects and relationships that fetch from outside."""
    stream.seek(0)
    found: list[Finding] = []
    try:
        with zipfile.ZipFile(stream) as archive:
            names = [n.lower() for n in archive.namelist()]
            macro = next((n for n in names for m in DOCX_MACRO_MARKERS if m in n), None)
            if macro is None and "[content_types].xml" in names:
                types = archive.read(_real_name(archive, "[content_types].xml"))
                if MACRO_CONTENT_TYPE.search(types):
                    macro = "[Content_Types].xml"
            if macro:
                found.append(
                    Finding(
                        "active_content",
                        f"Word 文件含有宏或嵌入的可执行对象（{macro}），请另存为不含宏的 .docx 或 PDF。",
                        f"the Word file contains macros or embedded executable objects ({macro}); "
                        "save it as a .docx without macros, or as a PDF.",
                    )
                )
            for rels in (n for n in archive.namelist() if n.lower().endswith(".rels")):
                target = next(_external_targets(archive.read(rels)), None)
                if target:
                    found.append(
                        Finding(
                            "external_content",
                            f"Word 文件会从外部加载内容（{target}），请删除外部模板或链接对象后重新上传。",
                            f"the Word file loads content from outside ({target}); remove the external "
                            "template or linked object and upload it again.",
                        )
                    )
                    break
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        pass  # the upload check refuses a broken file on its own
    finally:
        stream.seek(0)
    return found


def _real_name(archive: zipfile.ZipFile, lower: str) -> str:
    return next(n for n in archive.namelist() if n.lower() == lower)


def _external_targets(xml: bytes) -> Iterator[str]:
    for match in EXTERNAL_REL.finditer(xml):
        tag = match.group(0)
        if not re.search(rb'TargetMode\s*=\s*["\']External["\']', tag, re.IGNORECASE):
            continue
        kind = re.search(rb'Type\s*=\s*["\']([^"\']+)["\']', tag)
        if kind and kind.group(1).decode("utf-8", "replace") in DOCX_EXTERNAL_OK:
            continue
        target = re.search(rb'Target\s*=\s*["\']([^"\']*)["\']', tag)
        yield (target.group(1).decode("utf-8", "replace") if target else "?")[:120]


def image_findings(stream: IO[bytes], content_type: str) -> list[Finding]:
    """Another file hidden after the image's end (a JPEG with a ZIP after it, and the like)."""
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    if content_type == "image/png":
        end = data.find(b"IEND")
        tail = data[end + 8 :] if end >= 0 else b""
    else:
        end = data.rfind(b"\xff\xd9")
        tail = data[end + 2 :] if end >= 0 else b""
    if any(marker in tail for marker in OTHER_FORMATS) or HTML_MARKERS.search(tail):
        return [
            Finding(
                "polyglot",
                "图片结束之后附带了其他文件（压缩包、PDF 或网页）。",
                "another file (an archive, a PDF or a web page) is hidden after the end of the image.",
            )
        ]
    return []


# Files are served for preview in a sandbox: no scripts, no plugins, nothing loaded.
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
