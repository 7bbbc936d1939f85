"""``icpdesk read FILE --material KIND``: the text, fields and QR codes of one document.

Pure: no Django, no database, no network (the OCR models are the ones the
``rapidocr`` wheel ships). Exit 0 when the file was read, 2 with the reason
on stderr (or in the JSON) when it cannot be: not a PDF or an image,
encrypted, broken, a pixel bomb, nothing legible on it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icpdesk.core.rules import load_pack

if TYPE_CHECKING:
    from icpdesk.reading import Reading

EXIT_OK = 0
EXIT_UNREADABLE = 2


def _kinds() -> list[str]:
    # The pack's materials; the reading engine (numpy, Pillow, the OCR) is imported only to read.
    return sorted(m.id for m in load_pack("gansu").materials)


def _page_limit() -> int:
    try:
        return max(1, int(os.environ.get("ICPDESK_READING_PAGE_LIMIT", "20")))
    except ValueError:
        return 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "read",
        help="read a document's text, fields and QR codes",
        description=(
            "Read a PDF or an image as the given material: the PDF's text layer, OCR for scans, QR "
            "codes and barcodes, and the material's fields with their confidence and page. Works "
            "offline. Exit 0 when read, 2 with the reason when the file cannot be read."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the PDF or image to read")
    parser.add_argument(
        "--material", metavar="KIND", required=True, choices=_kinds(), help=", ".join(_kinds())
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--page-limit",
        type=int,
        default=None,
        metavar="N",
        help="read at most N pages (default ICPDESK_READING_PAGE_LIMIT or 20)",
    )
    parser.add_argument("--lang", type=str.lower, choices=("zh-hans", "en"), default="zh-hans")
    parser.set_defaults(func=handler)


def _payload(reading: Reading) -> dict[str, Any]:
    return {
        "material": reading.material,
        "pages": reading.pages,
        "fields": {
            name: {"value": f.value, "confidence": round(f.confidence, 3), "page": f.page}
            for name, f in reading.fields.items()
        },
        "qr": reading.qr,
        "text": reading.text,
        "flags": [flag["code"] for flag in reading.flags],
    }


def _fail(args: argparse.Namespace, code: str, reason: str) -> int:
    if args.format == "json":
        print(json.dumps({"read": False, "code": code, "reason": reason}, ensure_ascii=False))
    else:
        print(reason, file=sys.stderr)
    return EXIT_UNREADABLE


def handler(args: argparse.Namespace) -> int:
    from icpdesk.reading import Limits, ReadError, read_document

    english = args.lang == "en"
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = (
            f"Cannot open {path}: {exc.strerror or exc}."
            if english
            else f"无法打开文件 {path}：{exc.strerror or exc}。"
        )
        return _fail(args, "unreadable_file", reason)
    limit = args.page_limit if args.page_limit and args.page_limit > 0 else _page_limit()
    try:
        reading = read_document(data, args.material, Limits(page_limit=limit))
    except ReadError as exc:
        return _fail(args, exc.code, exc.message(args.lang))
    payload = _payload(reading)
    if args.format == "json":
        print(json.dumps(payload, ensure_ascii=False))
        return EXIT_OK
    print(f"{'material' if english else '材料'}: {reading.material}")
    print(f"{'pages' if english else '页数'}: {reading.pages}/{reading.page_count}")
    for name, item in payload["fields"].items():
        value = item["value"]
        shown = ", ".join(value) if isinstance(value, list) else value
        print(f"{name}: {shown}  ({item['confidence']:.2f}, p.{item['page']})")
    for code in reading.qr:
        print(f"QR: {code}")
    for flag in reading.flags:
        print(f"! {flag['message_en'] if english else flag['message_zh']}")
    print()
    print(reading.text)
    return EXIT_OK
