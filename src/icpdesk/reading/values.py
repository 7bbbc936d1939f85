"""Values as documents print them, in the desk's normal forms.

Dates (``2023年5月10日``, ``2023-05-10``, ``2023.05.10``) become ISO dates;
amounts written in figures (``100万元``, ``¥1,000,000.00``) or in Chinese
capitals (``壹佰万元整``) become integer yuan; an address or a place name
becomes its region code as the enterprise profile records server regions
(ISO 3166-2 ``CN-GS``, ``CN-HK``, or a country code abroad); resident identity
numbers are masked wherever they appear in text.
"""

from __future__ import annotations

import datetime
import re

from icpdesk.core.identifiers import mask_id_number
from icpdesk.core.rules.reference import PROVINCE_NAMES

__all__ = [
    "REGION_NAMES",
    "find_dates",
    "mask_id_numbers",
    "parse_amount",
    "parse_date",
    "parse_month",
    "region_of",
]

# ------------------------------------------------------------------ dates

_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-./])\s*(?P<m>\d{1,2})\s*(?:月|[-./])\s*(?P<d>\d{1,2})\s*日?"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


_HAN_DIGITS = "〇一二三四五六七八九"
_HAN_DATE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)


def _han_number(text: str) -> str:
    """``二十一`` as ``21`` (numbers under 100, as dates write them)."""
    if "十" not in text:
        return "".join(str(_HAN_DIGITS.index(c)) for c in text)
    tens, _, ones = text.partition("十")
    return str((_HAN_DIGITS.index(tens) if tens else 1) * 10 + (_HAN_DIGITS.index(ones) if ones else 0))


def find_dates(text: str) -> list[datetime.date]:
    """Every valid date written in ``text`` (in figures or in Chinese numerals), in the order written."""
    found = [d for m in _DATE.finditer(text) if (d := _date(m["y"], m["m"], m["d"]))]
    if not found:
        for m in _HAN_DATE.finditer(text.replace("零", "〇")):
            day = _date(_han_number(m["y"]), _han_number(m["m"]), _han_number(m["d"]))
            if day:
                found.append(day)
    if not found:
        found = [d for m in _COMPACT_DATE.finditer(text) if (d := _date(m["y"], m["m"], m["d"]))]
    return found


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD``, or None."""
    dates = find_dates(text)
    return dates[0].isoformat() if dates else None


_MONTH = re.compile(r"^(?P<y>(?:19|20)\d{2})\s*(?:年|[-./])?\s*(?P<m>0?[1-9]|1[0-2])\s*月?$")


def parse_month(text: str) -> str | None:
    """A month written alone (``2024-05``, ``2024年5月``, ``202405``) as ``YYYY-MM``, or None."""
    match = _MONTH.match(text.strip())
    if not match:
        return None
    return f"{match['y']}-{int(match['m']):02d}"


# ------------------------------------------------------------------ amounts

_CAPITAL_DIGITS = {
    "零": 0,
    "〇": 0,
    "壹": 1,
    "一": 1,
    "贰": 2,
    "貳": 2,
    "二": 2,
    "两": 2,
    "叁": 3,
    "參": 3,
    "三": 3,
    "肆": 4,
    "四": 4,
    "伍": 5,
    "五": 5,
    "陆": 6,
    "陸": 6,
    "六": 6,
    "柒": 7,
    "七": 7,
    "捌": 8,
    "八": 8,
    "玖": 9,
    "九": 9,
}
_SMALL_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CAPITAL_RUN = re.compile(
    "[" + "".join(_CAPITAL_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + "]+(?:元|圆|圓)"
)
_FIGURES = re.compile(r"(?P<n>\d[\d,，]*(?:\.\d+)?)\s*(?P<unit>万|亿)?\s*(?:元|圆|人民币)?")


def _capitals(text: str) -> int | None:
    total = section = digit = 0
    seen = False
    for char in text:
        if char in _CAPITAL_DIGITS:
            digit = _CAPITAL_DIGITS[char]
            seen = True
        elif char in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
            seen = True
        elif char in _BIG_UNITS:
            unit = _BIG_UNITS[char]
            section += digit
            if unit > 10_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = digit = 0
            seen = True
    if not seen:
        return None
    return total + section + digit


def parse_amount(text: str) -> int | None:
    """An amount of money in integer yuan, from Chinese capitals or from figures; None if none."""
    compact = re.sub(r"\s+", "", text)
    match = _CAPITAL_RUN.search(compact)
    if match:
        value = _capitals(match.group(0)[:-1])
        if value:
            return value
    for found in _FIGURES.finditer(compact.replace("¥", "").replace("￥", "")):
        number = found["n"].replace(",", "").replace("，", "")
        try:
            amount = float(number)
        except ValueError:
            continue
        if found["unit"] == "万":
            amount *= 10_000
        elif found["unit"] == "亿":
            amount *= 100_000_000
        if amount > 0:
            return int(round(amount, 2))
    return None


# ------------------------------------------------------------------ regions

# Names a document gives a place, with the code the profile records for it.
# Full names come before the short ones so 青海省海南藏族自治州 is Qinghai.
_PROVINCE_NAMES: tuple[tuple[str, str], ...] = (
    *PROVINCE_NAMES,
    ("香港特别行政区", "CN-HK"),
    ("澳门特别行政区", "CN-MO"),
)
_OTHER_NAMES: tuple[tuple[str, str], ...] = (
    ("香港", "CN-HK"),
    ("Hong Kong", "CN-HK"),
    ("澳门", "CN-MO"),
    ("Macao", "CN-MO"),
    ("Macau", "CN-MO"),
    ("台湾", "CN-TW"),
    ("Taiwan", "CN-TW"),
    ("美国", "US"),
    ("United States", "US"),
    ("新加坡", "SG"),
    ("Singapore", "SG"),
    ("日本", "JP"),
    ("Japan", "JP"),
    ("韩国", "KR"),
    ("Korea", "KR"),
    ("德国", "DE"),
    ("Germany", "DE"),
    ("英国", "GB"),
    ("United Kingdom", "GB"),
    ("俄罗斯", "RU"),
    ("Russia", "RU"),
    ("哈萨克斯坦", "KZ"),
    ("Kazakhstan", "KZ"),
    ("兰州", "CN-GS"),
    ("天水", "CN-GS"),
    ("酒泉", "CN-GS"),
)
REGION_NAMES: tuple[tuple[str, str], ...] = (
    *_PROVINCE_NAMES,
    *((name[:-1] if name[-1] in "省市" else name[:2], code) for name, code in _PROVINCE_NAMES),
    *_OTHER_NAMES,
)


def region_of(text: str) -> str | None:
    """The region code of the place ``text`` names first (``CN-GS``, ``CN-HK``, ``SG``), or None."""
    folded = text.casefold()
    best: tuple[int, int, str] | None = None
    for name, code in REGION_NAMES:
        at = folded.find(name.casefold())
        if at < 0:
            continue
        candidate = (at, -len(name), code)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


# ------------------------------------------------------------------ identity numbers

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}\s?(?:19|20)\d{2}\s?\d{4}\s?\d{3}[0-9Xx](?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """``text`` with every resident identity number in it masked (valid or not)."""

    def _masked(match: re.Match[str]) -> str:
        return mask_id_number(re.sub(r"\s", "", match.group(0)))

    return _ID_LIKE.sub(_masked, text)
