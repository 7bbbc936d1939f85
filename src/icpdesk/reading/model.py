"""What a reading is: lines of text with their boxes, fields, codes and flags.

A box is ``(x0, y0, x1, y1)`` in fractions of the upright page (0 at the top
left, 1 at the bottom right), so it can be drawn on a preview of any size.
Confidences are between 0 and 1; text from a PDF's text layer has 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Box", "Field", "Limits", "Line", "ReadError", "Reading", "Value"]

Box = tuple[float, float, float, float]
Value = str | int | list[str]


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of a document is read.

    ``page_limit`` pages at most (the rest is flagged, not read);
    ``pixel_budget`` pixels per rendered page (a larger page is rendered at a
    lower resolution); ``max_image_pixels`` the largest image decoded at all
    (a larger one is a pixel bomb, refused); ``dpi`` the resolution PDF pages
    are rendered at for OCR when the budget allows.
    """

    page_limit: int = 20
    pixel_budget: int = 4_000_000
    max_image_pixels: int = 40_000_000
    dpi: int = 150


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    confidence: float
    page: int
    box: Box


@dataclass(frozen=True, slots=True)
class Field:
    value: Value
    confidence: float
    page: int
    box: Box

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "page": self.page,
            "box": [round(v, 4) for v in self.box],
        }


@dataclass(frozen=True, slots=True)
class Reading:
    """One document read: ``pages`` read of ``page_count``; every ID number in it masked."""

    material: str
    pages: int
    page_count: int
    fields: dict[str, Field]
    qr: list[str]
    text: str
    lines: list[Line]
    flags: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def as_dict(self, *, lines: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "material": self.material,
            "pages": self.pages,
            "page_count": self.page_count,
            "fields": {name: f.as_dict() for name, f in self.fields.items()},
            "qr": list(self.qr),
            "text": self.text,
            "flags": [dict(flag) for flag in self.flags],
            "sources": list(self.sources),
        }
        if lines:
            data["lines"] = [
                {
                    "text": line.text,
                    "confidence": round(line.confidence, 3),
                    "page": line.page,
                    "box": [round(v, 4) for v in line.box],
                }
                for line in self.lines
            ]
        return data


class ReadError(Exception):
    """A file that cannot be read; ``code`` is stable, the messages say why in both languages."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang.lower().startswith("en") else self.message_zh
