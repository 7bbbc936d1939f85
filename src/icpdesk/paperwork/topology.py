"""The website topology diagram: user → CDN → web servers → database, with locations and modules.

The layout is computed once as a list of shapes; ``svg`` writes them as SVG
text and ``png`` draws them with Pillow in the Noto CJK font, so both images
say the same thing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_INDEX = 2  # Noto Sans CJK SC in the collection
WIDTH, HEIGHT = 1280, 640  # HEIGHT: a fallback; the layout sets the real one
INK = "#1f2937"
LINE = "#2563eb"
FILLS = ("#eef2ff", "#ecfeff", "#f0fdf4", "#fff7ed")


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    fill: str


@dataclass(frozen=True)
class Text:
    x: int
    y: int  # baseline
    text: str
    size: int
    bold: bool = False
    anchor: str = "middle"  # middle or start


@dataclass(frozen=True)
class Arrow:
    x1: int
    y: int
    x2: int


def _em(text: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E7F else 0.58 for ch in text)


def wrap(text: str, max_em: float) -> list[str]:
    """Split text into lines no wider than ``max_em`` ems (CJK counts 1, Latin about half)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if _em(line + ch) > max_em and line:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines or [""]


def layout(values: dict[str, Any]) -> list[Box | Text | Arrow]:
    """The diagram's shapes for the facts of ``context.build``; the last shape sets the height."""
    shapes: list[Box | Text | Arrow] = []
    shapes.append(Text(WIDTH // 2, 52, f"{values['company_name']} 网站拓扑结构图", 30, bold=True))
    shapes.append(Text(WIDTH // 2, 90, f"网站域名：{values['domain']}", 20))
    widths = (185, 225, 385, 255)
    gap = 50
    size, step = 20, 30
    regions, address = str(values["server_regions"]), str(values["server_address"])
    location = address if address.startswith(regions) else f"{regions} {address}"
    columns: list[tuple[str, list[str]]] = [
        ("用户", ["浏览器 / 手机", "访问网站域名", str(values["domain"])]),
        ("CDN 内容分发", ["静态资源缓存加速", "HTTPS 加密传输", "防护异常流量"]),
        (
            "Web 服务器",
            ["服务器所在地：", location, "功能模块：", *[f"· {m}" for m in values["modules_list"]]],
        ),
        ("数据库服务器", ["与 Web 服务器同机房", location, "数据加密存储", "每日备份"]),
    ]
    wrapped = [
        [part for line in lines for part in wrap(line, (w - 32) / size)]
        for (_title, lines), w in zip(columns, widths, strict=True)
    ]
    top = 125
    height = 100 + step * max(len(lines) for lines in wrapped)
    x = (WIDTH - sum(widths) - gap * (len(widths) - 1)) // 2
    for i, ((title, _lines), lines, w) in enumerate(zip(columns, wrapped, widths, strict=True)):
        shapes.append(Box(x, top, w, height, FILLS[i]))
        shapes.append(Text(x + w // 2, top + 44, title, 24, bold=True))
        y = top + 88
        for part in lines:
            shapes.append(Text(x + 16, y, part, size, anchor="start"))
            y += step
        if i < len(widths) - 1:
            shapes.append(Arrow(x + w + 4, top + height // 2, x + w + gap - 4))
            shapes.append(Text(x + w + gap // 2, top + height // 2 - 12, "HTTPS", 14))
        x += w + gap
    shapes.append(
        Text(
            WIDTH // 2,
            top + height + 50,
            f"数据流向：用户请求 → CDN → Web 服务器 → 数据库；{values['server_location_statement']}",
            20,
        )
    )
    return shapes


def size_of(shapes: list[Box | Text | Arrow]) -> tuple[int, int]:
    last = shapes[-1]
    bottom = last.y + 30 if isinstance(last, Text) else HEIGHT
    return WIDTH, bottom


def svg(values: dict[str, Any]) -> str:
    """The diagram as SVG text (fonts by name; no remote resources)."""
    shapes = layout(values)
    width, height = size_of(shapes)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker></defs>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for shape in shapes:
        if isinstance(shape, Box):
            out.append(
                f'<rect x="{shape.x}" y="{shape.y}" width="{shape.w}" height="{shape.h}" rx="12" '
                f'fill="{shape.fill}" stroke="{INK}" stroke-width="2"/>'
            )
        elif isinstance(shape, Arrow):
            out.append(
                f'<line x1="{shape.x1}" y1="{shape.y}" x2="{shape.x2}" y2="{shape.y}" stroke="{LINE}" '
                'stroke-width="3" marker-end="url(#arrow)"/>'
            )
        else:
            anchor = "middle" if shape.anchor == "middle" else "start"
            weight = ' font-weight="bold"' if shape.bold else ""
            out.append(
                f'<text x="{shape.x}" y="{shape.y}" font-size="{shape.size}" text-anchor="{anchor}" '
                f'fill="{INK}"{weight}>{escape(shape.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


@lru_cache(maxsize=16)
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(FONT_PATH, size, index=FONT_INDEX)


def png(values: dict[str, Any], scale: int = 2) -> bytes:
    """The diagram as a PNG, ``scale`` times the SVG's size (sharp when printed)."""
    from PIL import Image, ImageDraw

    shapes = layout(values)
    width, height = size_of(shapes)
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        if isinstance(shape, Box):
            draw.rounded_rectangle(
                (shape.x * scale, shape.y * scale, (shape.x + shape.w) * scale, (shape.y + shape.h) * scale),
                radius=12 * scale,
                fill=shape.fill,
                outline=INK,
                width=2 * scale,
            )
        elif isinstance(shape, Arrow):
            y = shape.y * scale
            draw.line((shape.x1 * scale, y, (shape.x2 - 8) * scale, y), fill=LINE, width=3 * scale)
            tip = shape.x2 * scale
            draw.polygon(
                [(tip, y), (tip - 12 * scale, y - 6 * scale), (tip - 12 * scale, y + 6 * scale)], fill=LINE
            )
        else:
            font = _font(shape.size * scale)
            anchor = "ms" if shape.anchor == "middle" else "ls"
            position = (shape.x * scale, shape.y * scale)
            draw.text(position, shape.text, font=font, fill=INK, anchor=anchor)
            if shape.bold:  # the collection's regular face, thickened
                draw.text((position[0] + 1, position[1]), shape.text, font=font, fill=INK, anchor=anchor)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()
