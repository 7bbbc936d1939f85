"""Reading an uploaded spreadsheet: checks that refuse a file before anything parses it, then its rows.

A file is refused, with a reason in both languages, when it is empty, over the
upload limit, not a spreadsheet, an encrypted (or legacy binary) workbook,
macro-enabled, a zip whose directory promises more than the uncompressed limit
or an implausible compression ratio (a zip bomb), or has no header row. The
zip directory is read before openpyxl opens anything.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from icpdesk.core.tabular import TabularError, decode_text, is_blank

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 200_000


class FileRefused(Exception):
    """The file cannot be read at all; ``code`` is stable for machines."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def to_dict(self, lang: str = "zh-hans") -> dict[str, str]:
        return {"code": self.code, "message": self.message(lang)}


@dataclass
class Sheet:
    name: str
    header_row: int  # the Excel row number of the header
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row number, cells)


@dataclass
class Workbook:
    kind: str  # "xlsx" or "csv"
    sheets: dict[str, Sheet]
    encoding: str = ""


def upload_limit() -> int:
    return int(
        getattr(settings, "IMPORT_MAX_BYTES", 0) or getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    )


def refuse_early(data: bytes, filename: str) -> str:
    """The kind of file (``xlsx`` or ``csv``), or :class:`FileRefused` with the reason."""
    if not data:
        raise FileRefused("empty", "文件是空的。", "The file is empty.")
    limit = upload_limit()
    if len(data) > limit:
        raise FileRefused(
            "too_large",
            f"文件超过上传上限 {limit // (1024 * 1024)} MB。",
            f"The file is over the upload limit of {limit // (1024 * 1024)} MB.",
        )
    name = filename.lower()
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise _macro()
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise FileRefused(
                "encrypted",
                "工作簿设有打开密码（已加密）：请取消密码后另存为 .xlsx 再上传。",
                "The workbook is password-protected (encrypted): remove the password, save it as .xlsx "
                "and upload it again.",
            )
        raise FileRefused(
            "legacy_xls",
            "这是旧版 Excel 97-2003（.xls）文件：请另存为 .xlsx 或 CSV 再上传。",
            "This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV and upload it again.",
        )
    if data.startswith(b"PK"):
        _check_zip(data)
        return "xlsx"
    if name.endswith((".xlsx", ".xls")):
        raise _not_spreadsheet()
    return "csv"


def _macro() -> FileRefused:
    return FileRefused(
        "macro",
        "不接受启用宏的工作簿（.xlsm）：请另存为普通的 .xlsx 再上传。",
        "Macro-enabled workbooks (.xlsm) are not accepted: save it as a plain .xlsx and upload it again.",
    )


def _not_spreadsheet() -> FileRefused:
    return FileRefused(
        "not_spreadsheet",
        "这不是电子表格：请上传 Excel 工作簿（.xlsx）或 CSV 文件。",
        "This is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.",
    )


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_spreadsheet() from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _not_spreadsheet()
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _macro()
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise FileRefused(
            "zip_bomb",
            "工作簿解压后过大（疑似压缩炸弹），已拒绝。",
            "The workbook would be far too large once uncompressed (a zip bomb); refused.",
        )
    try:
        content_types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        raise _not_spreadsheet() from None
    if b"macroEnabled" in content_types:
        raise _macro()


def read(data: bytes, filename: str) -> Workbook:
    kind = refuse_early(data, filename)
    book = _read_xlsx(data) if kind == "xlsx" else _read_csv(data)
    if not any(sheet.rows or sheet.headers for sheet in book.sheets.values()):
        raise FileRefused("empty", "文件中没有任何数据。", "The file holds no data.")
    return book


def _trim(cells: list[Any]) -> list[Any]:
    end = len(cells)
    while end and is_blank(cells[end - 1]):
        end -= 1
    return cells[:end]


def _sheet(name: str, rows: Any) -> Sheet:
    """The first non-empty row is the header; the rows after it are data (empty ones skipped)."""
    sheet: Sheet | None = None
    for number, raw in enumerate(rows, start=1):
        cells = _trim(list(raw))
        if sheet is None:
            if cells:
                sheet = Sheet(name, number, ["" if is_blank(c) else str(c).strip() for c in cells])
            continue
        if cells:
            if len(sheet.rows) >= MAX_ROWS:
                raise FileRefused(
                    "too_many_rows",
                    f"行数超过上限 {MAX_ROWS}：请拆分为多个文件。",
                    f"More than {MAX_ROWS} rows: split the file.",
                )
            sheet.rows.append((number, cells))
    return sheet or Sheet(name, 0, [])


def _read_xlsx(data: bytes) -> Workbook:
    import openpyxl  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken files
        raise _not_spreadsheet() from None
    try:
        sheets = {ws.title: _sheet(ws.title, ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    except FileRefused:
        raise
    except Exception:
        raise _not_spreadsheet() from None
    finally:
        workbook.close()
    return Workbook("xlsx", sheets)


def _read_csv(data: bytes) -> Workbook:
    from icpdesk.bulk.columns import ENTERPRISE_SHEET

    try:
        text, encoding = decode_text(data)
    except TabularError:
        raise _not_spreadsheet() from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error:
        raise _not_spreadsheet() from None
    return Workbook("csv", {ENTERPRISE_SHEET: _sheet(ENTERPRISE_SHEET, rows)}, encoding=encoding)
