"""Values as people type them into spreadsheets, read into the profile's types.

Agencies keep their books in Excel, and a cell holds whatever was typed: a
date as a date cell or as ``2023/5/10`` or ``2023年5月10日``; capital as
``1,000,000``, ``100万`` or ``1.5亿``; a credit code with spaces, lower case or
full-width characters; a list split by ``、``, ``；``, ``,`` or ``;``. Each
``parse_*`` function returns the value in canonical form or raises
:class:`TabularError`, whose ``code`` is stable and whose messages (zh-Hans and
English) say what was expected. Empty cells are ``None`` (missing), never an
error here.

Also: reading CSV bytes as Excel in China saves them (UTF-8 with or without a
BOM, GBK, GB18030).

Pure Python: no Django import.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "TabularError",
    "decode_text",
    "fold_width",
    "is_blank",
    "normalize_header",
    "parse_amount",
    "parse_bool",
    "parse_choice",
    "parse_count",
    "parse_date",
    "parse_list",
    "parse_text",
]


class TabularError(ValueError):
    """A cell that cannot be read as the column's type; ``code`` is stable for machines."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def __reduce__(self) -> tuple[type[TabularError], tuple[str, str, str]]:
        return (type(self), (self.code, self.message_zh, self.message_en))


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation (Ｆ, ９, ／) as their ASCII forms, and the
    ideographic space as a space; other characters (Chinese) unchanged."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def parse_text(value: object) -> str | None:
    """A text cell, trimmed; a number cell as Excel shows it (``12`` not ``12.0``)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def normalize_header(value: object) -> str:
    """A header as typed, compared without width, case, spaces or a trailing ``*`` or ``（…）`` note."""
    text = fold_width(parse_text(value) or "").strip().lower()
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\*+$", "", text)
    text = re.sub(r"\((?:[^()]*)\)$", "", text)
    return text


_DATE = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
# Excel's serial day 1 is 1900-01-01, with its phantom 1900-02-29: day 0 is 1899-12-30.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: object) -> datetime.date | None:
    """``2023-05-10``, ``2023/5/10``, ``2023.5.10``, ``2023年5月10日``, ``20230510``, a date cell,
    or an Excel serial number (a date cell saved as a number in CSV)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _date_error(value)
    if isinstance(value, int | float):
        if float(value).is_integer() and 1 <= value <= 2_958_465:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise _date_error(value)
    text = fold_width(str(value)).strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise _date_error(value)
    try:
        return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise TabularError("date", f"日期不存在：{_shown(value)}", f"no such date: {_shown(value)}") from None


def _date_error(value: object) -> TabularError:
    return TabularError(
        "date",
        f"不是日期：{_shown(value)}（应为 2023-05-10、2023/5/10 或 2023年5月10日）",
        f"not a date: {_shown(value)} (expected 2023-05-10, 2023/5/10 or 2023年5月10日)",
    )


_UNITS = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}
_AMOUNT = re.compile(
    r"^(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>万元|亿元|万|亿|元)?$"
)


def parse_amount(value: object) -> int | None:
    """An amount in CNY, as a whole number of yuan: ``1000000``, ``1,000,000``, ``100万``,
    ``100万元``, ``0.1亿``, ``¥1,000,000``; not negative."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise _amount_error(value)
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = fold_width(str(value)).strip().replace(" ", "").lstrip("¥￥").replace("人民币", "")
        match = _AMOUNT.match(text)
        if match is None:
            raise _amount_error(value)
        try:
            number = Decimal(match["number"].replace(",", "")) * _UNITS[match["unit"] or ""]
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise _amount_error(value) from None
    if number < 0:
        raise TabularError(
            "negative", f"金额不能为负数：{_shown(value)}", f"negative amount: {_shown(value)}"
        )
    if number != number.to_integral_value():
        raise TabularError(
            "fraction",
            f"金额应精确到元：{_shown(value)}",
            f"the amount must be whole yuan: {_shown(value)}",
        )
    return int(number)


def _amount_error(value: object) -> TabularError:
    return TabularError(
        "amount",
        f"不是金额：{_shown(value)}（应为 1000000、1,000,000 或 100万）",
        f"not an amount: {_shown(value)} (expected 1000000, 1,000,000 or 100万)",
    )


def parse_count(value: object) -> int | None:
    """A whole number ≥ 0: ``3``, ``3.0``, ``1,200``, ``3个月`` (a trailing unit word is dropped)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise _count_error(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        text = fold_width(str(value)).strip().replace(",", "")
        text = re.sub(r"(个月|个|月|人|名)$", "", text).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _count_error(value) from None
        if not number.is_finite():
            raise _count_error(value)
    if number < 0 or number != number.to_integral_value():
        raise _count_error(value)
    return int(number)


def _count_error(value: object) -> TabularError:
    return TabularError(
        "count",
        f"应为不小于 0 的整数：{_shown(value)}",
        f"expected a whole number of at least 0: {_shown(value)}",
    )


_TRUE = frozenset({"是", "有", "true", "yes", "y", "1", "√", "✓", "对", "t"})
_FALSE = frozenset({"否", "无", "没有", "false", "no", "n", "0", "×", "✗", "不是", "f"})
_UNKNOWN = frozenset({"未知", "不详", "unknown", "?", "？"})


def parse_bool(value: object) -> bool | None:
    """是/否, 有/无, true/false, yes/no, 1/0, √/×; 未知 (or empty) is ``None``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = fold_width(str(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _UNKNOWN:
        return None
    raise TabularError(
        "boolean",
        f"应为“是”或“否”：{_shown(value)}",
        f"expected 是 (yes) or 否 (no): {_shown(value)}",
    )


_SEPARATORS = re.compile(r"[、；;,，\n\r|/]+")


def parse_list(value: object) -> tuple[str, ...] | None:
    """Items split by ``、``, ``；``, ``;``, ``,`` (half or full width), ``/``, ``|`` or line breaks,
    trimmed, empty items dropped, order kept, duplicates dropped."""
    if is_blank(value):
        return None
    text = fold_width(parse_text(value) or "")
    items: list[str] = []
    for part in _SEPARATORS.split(text):
        item = part.strip()
        if item and item not in items:
            items.append(item)
    return tuple(items)


def parse_choice(value: object, choices: dict[str, str]) -> str | None:
    """One of ``choices``, given as its key or as one of its labels (``choices`` maps every accepted
    spelling, already folded with :func:`normalize_header`, to its key)."""
    if is_blank(value):
        return None
    key = choices.get(normalize_header(value))
    if key is None:
        raise TabularError(
            "choice",
            f"不是可选值：{_shown(value)}（请从下拉列表中选择）",
            f"not one of the allowed values: {_shown(value)} (pick one from the drop-down list)",
        )
    return key


_ENCODINGS = ("utf-8", "gb18030")


def decode_text(data: bytes) -> tuple[str, str]:
    """CSV bytes as text, with the encoding found: UTF-8 (with or without a BOM), else GB18030
    (a superset of GBK and GB2312). Raise :class:`TabularError` for anything else (binary)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise _encoding_error() from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _encoding_error() from None
    if b"\x00" in data:
        raise _encoding_error()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030":
            # GB18030 decodes almost any byte string; text that is mostly control characters or
            # unassigned code points is a binary file, not a Chinese CSV.
            odd = sum(
                1 for ch in text if unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in "\r\n\t"
            )
            if odd > max(2, len(text) // 100):
                raise _encoding_error()
            try:
                data.decode("gbk")
                encoding = "gbk"
            except UnicodeDecodeError:
                pass
        return text, encoding
    raise _encoding_error()


def _encoding_error() -> TabularError:
    return TabularError(
        "encoding",
        "无法识别文件的字符编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 Excel 工作簿（.xlsx）",
        "the file's character encoding is not recognised: save it as CSV in UTF-8 or GBK, or as an "
        "Excel workbook (.xlsx)",
    )
