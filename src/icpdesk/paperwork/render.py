"""Render a document: Word through docxtpl, PDF through WeasyPrint, the topology also as SVG and PNG.

The PDF renderer fetches nothing from the network: its URL fetcher accepts
only ``file:`` and inline ``data:`` URLs, and the fonts are the local Noto CJK
fonts named in the templates' CSS.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from icpdesk.paperwork import topology
from icpdesk.paperwork.documents import Document

DOCX_DIR = Path(__file__).resolve().parent / "docx_templates"
BLANK = re.compile(r"【待填写：([^】]+)】")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "png": "image/png",
    "zip": "application/zip",
}


class RenderError(Exception):
    pass


@dataclass
class Rendered:
    content: bytes
    format: str
    missing: list[str]  # the labels of the blanks left in the document, in order of appearance

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def _blanks(text: str) -> list[str]:
    return list(dict.fromkeys(BLANK.findall(text)))


@functools.cache
def local_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses everything but local files and inline data.

    One per process: making one builds a TLS context (reading every system CA certificate),
    a tenth of a second that a batch of 20,000 reports would otherwise spend 20,000 times.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("file", "data"), fail_on_errors=False)


def render_docx(document: Document, values: dict[str, Any]) -> Rendered:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    template = DocxTemplate(str(DOCX_DIR / f"{document.id}.docx"))
    context = dict(values)
    if document.id == "topology":
        context["topology_image"] = InlineImage(template, io.BytesIO(topology.png(values)), width=Mm(160))
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return Rendered(data, "docx", _blanks(xml))


def render_html(document: Document, values: dict[str, Any]) -> str:
    context = dict(values)
    if document.id == "topology":
        svg = topology.svg(values).encode("utf-8")
        context["topology_svg_uri"] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return render_to_string(f"paperwork/pdf/{document.id}.html", context)


def render_pdf(document: Document, values: dict[str, Any]) -> Rendered:
    from weasyprint import HTML

    html = render_html(document, values)
    base = str(Path(__file__).resolve().parent / "templates" / "paperwork" / "pdf") + "/"
    data = HTML(string=html, base_url=base, url_fetcher=local_fetcher()).write_pdf()
    if not data:
        raise RenderError(f"{document.id}: WeasyPrint wrote nothing")
    return Rendered(bytes(data), "pdf", _blanks(html))


def render(document: Document, fmt: str, values: dict[str, Any]) -> Rendered:
    """The document in ``fmt`` (one of ``document.formats``)."""
    if fmt not in document.formats:
        raise RenderError(f"{document.id} has no {fmt} format")
    if fmt == "docx":
        return render_docx(document, values)
    if fmt == "pdf":
        return render_pdf(document, values)
    if fmt == "svg":
        text = topology.svg(values)
        return Rendered(text.encode("utf-8"), "svg", _blanks(text))
    shown = " ".join(s.text for s in topology.layout(values) if isinstance(s, topology.Text))
    return Rendered(topology.png(values), "png", _blanks(shown))
