"""Validation and normalisation of the identifiers an ICP case carries.

Unified social credit codes (GB 32100-2015), resident identity numbers
(GB 11643), bank card numbers (Luhn), mainland mobile numbers, domain names
(IDNA 2008 and the public suffix list), ICP filing numbers and license
numbers. Every ``normalize_*`` function returns the canonical form or raises
:class:`IdentifierError`, whose ``code`` is stable for machines and whose
messages (zh-Hans and English) say which position is wrong and what was
expected.

Check characters are python-stdnum's (``stdnum.cn.uscc``, ``stdnum.cn.ric``,
``stdnum.luhn``), and so is the list of address codes a resident identity
number may carry (``stdnum/cn/loc.dat``). This module folds what people type
(spaces, hyphens, full-width forms, lower case) and says which part is wrong.

Error codes: ``type``, ``empty``, ``length``, ``characters``, ``authority``,
``category``, ``check_character``, ``birth_date``, ``region``, ``prefix``,
``format``, ``province``, ``year``, ``suffix``, ``ip_address``, ``idna``,
``not_registrable``.

Pure Python: no Django import, so the command line and the rule engine can use
it without a database.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from urllib.parse import urlsplit

import idna
from publicsuffixlist import PublicSuffixList
from stdnum import luhn, numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum

__all__ = [
    "KIND_NAMES",
    "PROVINCE_ABBREVIATIONS",
    "PROVINCE_CODES",
    "DomainInfo",
    "ICPFiling",
    "IDInfo",
    "IdentifierError",
    "LicenseNumber",
    "USCCInfo",
    "id_number_details",
    "mask_bank_card",
    "mask_id_number",
    "mask_mobile",
    "normalize_bank_card",
    "normalize_domain",
    "normalize_icp_filing",
    "normalize_id_number",
    "normalize_license_number",
    "normalize_mobile",
    "normalize_uscc",
    "uscc_details",
]

# ---------------------------------------------------------------------------
# Reference data

PROVINCE_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "京": "北京市",
        "津": "天津市",
        "沪": "上海市",
        "渝": "重庆市",
        "冀": "河北省",
        "豫": "河南省",
        "云": "云南省",
        "辽": "辽宁省",
        "黑": "黑龙江省",
        "湘": "湖南省",
        "皖": "安徽省",
        "鲁": "山东省",
        "新": "新疆维吾尔自治区",
        "苏": "江苏省",
        "浙": "浙江省",
        "赣": "江西省",
        "鄂": "湖北省",
        "桂": "广西壮族自治区",
        "甘": "甘肃省",
        "晋": "山西省",
        "蒙": "内蒙古自治区",
        "陕": "陕西省",
        "吉": "吉林省",
        "闽": "福建省",
        "贵": "贵州省",
        "粤": "广东省",
        "青": "青海省",
        "藏": "西藏自治区",
        "川": "四川省",
        "宁": "宁夏回族自治区",
        "琼": "海南省",
    }
)

# The source article is written in traditional characters, so numbers copied
# from it (or from a traditional-script page) are folded to the simplified form.
_TRADITIONAL = str.maketrans(
    {
        "滬": "沪",
        "雲": "云",
        "遼": "辽",
        "魯": "鲁",
        "蘇": "苏",
        "贛": "赣",
        "晉": "晋",
        "陝": "陕",
        "閩": "闽",
        "貴": "贵",
        "粵": "粤",
        "寧": "宁",
        "瓊": "琼",
        "備": "备",
        "號": "号",
    }
)
_TRADITIONAL_CHARACTERS = frozenset(map(chr, _TRADITIONAL))

# First two digits of an administrative division code (GB/T 2260); 71 is
# Taiwan, 81/82 Hong Kong and Macao, 83 the residence permits of Hong Kong,
# Macao and Taiwan residents.
PROVINCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
        "83": "台湾地区（居住证）",
    }
)

# Codes registered by national authorities carry 100000 as their division.
_USCC_NATIONAL_DIVISION = "10"

KIND_NAMES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "uscc": ("统一社会信用代码", "unified social credit code"),
        "id_number": ("居民身份证号码", "resident identity number"),
        "bank_card": ("银行卡号", "bank card number"),
        "mobile": ("手机号码", "mobile number"),
        "domain": ("域名", "domain name"),
        "icp_filing": ("ICP备案号", "ICP filing number"),
        "license_number": ("许可证编号", "license number"),
    }
)

# GB 32100-2015 position 1 (registration authority) and position 2 (category
# within that authority), with the authorities added by later notices (2
# foreign affairs to 8 trade unions, A the military, N agriculture). A pair
# not listed here has never been assigned.
_USCC_AUTHORITIES: Mapping[str, tuple[str, Mapping[str, str]]] = MappingProxyType(
    {
        "1": (
            "机构编制",
            {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
        ),
        "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
        "3": (
            "司法行政",
            {
                "1": "律师执业机构",
                "2": "公证处",
                "3": "基层法律服务所",
                "4": "司法鉴定机构",
                "5": "仲裁委员会",
                "9": "其他",
            },
        ),
        "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
        "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
        "6": (
            "旅游",
            {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
        ),
        "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
        "8": ("工会", {"1": "基层工会", "9": "其他"}),
        "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
        "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
        "N": (
            "农业",
            {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
        ),
        "Y": ("其他", {"1": "其他"}),
    }
)

# GB 32100-2015: digits and capital letters except I, O, Z, S and V.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_CHARACTERS = frozenset(_USCC_ALPHABET)
_DIGITS = frozenset("0123456789")
_DASH_CHARACTERS = frozenset("‐‑‒–—―−－﹣")
_DASHES = str.maketrans(dict.fromkeys(_DASH_CHARACTERS, "-"))
# No one born before 1900 is alive to sign for an enterprise or hold a
# security post; an earlier year is a typing mistake in the number.
_ID_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# Address codes in use that python-stdnum's division data lacks: 830000 on
# the residence permits of Taiwan residents (those of Hong Kong and Macao
# residents carry 810000 and 820000, which it lists), and 620201, the urban
# area of Jiayuguan (GB/T 2260), a city without counties.
_ADDRESS_CODES_BESIDES_STDNUM: Mapping[str, str] = MappingProxyType(
    {"830000": "台湾居民居住证", "620201": "甘肃省嘉峪关市"}
)
_LICENSE_YEARS = (1990, 2100)


# ---------------------------------------------------------------------------
# The error


class IdentifierError(ValueError):
    """An identifier that is not well formed, with a precise reason."""

    kind: str
    code: str
    value: str
    message_zh: str
    message_en: str

    def __init__(self, kind: str, code: str, value: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh)
        self.kind = kind
        self.code = code
        self.value = value
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        """The reason in ``lang`` (anything starting with ``en`` is English)."""
        return self.message_en if lang.lower().startswith("en") else self.message_zh

    def __reduce__(self) -> tuple[type[IdentifierError], tuple[str, str, str, str, str]]:
        return (type(self), (self.kind, self.code, self.value, self.message_zh, self.message_en))

    def __repr__(self) -> str:
        return f"IdentifierError(kind={self.kind!r}, code={self.code!r}, value={self.value!r})"


def _fail(kind: str, code: str, value: str, zh: str, en: str) -> IdentifierError:
    name_zh, name_en = KIND_NAMES[kind]
    return IdentifierError(kind, code, value, f"{name_zh}{zh}", f"{name_en}: {en}")


def _text(kind: str, value: object) -> str:
    """The input as text, refusing non-strings and blanks."""
    if not isinstance(value, str):
        raise _fail(
            kind,
            "type",
            repr(value),
            f"应为文本，实际为 {type(value).__name__}",
            f"expected text, got {type(value).__name__}",
        )
    if not value.strip():
        raise _fail(kind, "empty", value, "为空", "is empty")
    return value


def _fold(value: str) -> str:
    """Full-width forms to ASCII, dash variants to '-' (ASCII text is left as it is)."""
    if value.isascii():
        return value
    text = unicodedata.normalize("NFKC", value)
    # str.translate costs microseconds on any non-ASCII text: only when needed
    return text if _DASH_CHARACTERS.isdisjoint(text) else text.translate(_DASHES)


def _compact(value: str, drop: str = "-") -> str:
    """Folded, without whitespace and the characters in ``drop``."""
    text = "".join(_fold(value).split())
    for ch in drop:
        text = text.replace(ch, "")
    return text


def _is_digits(value: str) -> bool:
    """ASCII digits only (str.isdigit alone also takes other scripts' digits)."""
    return value.isdigit() and value.isascii()


def _length_error(kind: str, value: str, expected: str, expected_en: str, actual: int) -> IdentifierError:
    return _fail(
        kind,
        "length",
        value,
        f"应为 {expected} 位，实际为 {actual} 位",
        f"should have {expected_en} characters, got {actual}",
    )


# ---------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)


@dataclass(frozen=True, slots=True)
class USCCInfo:
    """The parts of a unified social credit code."""

    code: str
    registration_authority: str
    org_type: str
    division_code: str
    organisation_code: str
    check_character: str

    @property
    def province_code(self) -> str:
        return self.division_code[:2]

    @property
    def province(self) -> str | None:
        """The province of the registering authority (None for national registrations)."""
        return PROVINCE_CODES.get(self.province_code)

    @property
    def in_gansu(self) -> bool:
        return self.province_code == "62"

    @property
    def registration_authority_name(self) -> str | None:
        return _USCC_AUTHORITIES[self.registration_authority][0]

    @property
    def org_type_name(self) -> str | None:
        return _USCC_AUTHORITIES[self.registration_authority][1][self.org_type]


def normalize_uscc(value: str) -> str:
    """The unified social credit code in canonical form (18 characters, uppercase).

    The canonical form is python-stdnum's compact form; the check character is
    stdnum's. Before it, every position is checked so that the reason names it.
    """
    kind = "uscc"
    raw = _text(kind, value)
    code = _compact(raw).upper()
    if len(code) != 18:
        raise _length_error(kind, raw, "18", "18", len(code))
    if not _USCC_CHARACTERS.issuperset(code):
        position, ch = next((i, ch) for i, ch in enumerate(code, 1) if ch not in _USCC_CHARACTERS)
        if ch in "IOZSV":
            raise _fail(
                kind,
                "characters",
                raw,
                f"第 {position} 位为字母“{ch}”：该代码不使用字母 I、O、Z、S、V",
                f"position {position} is the letter '{ch}'; the code never uses I, O, Z, S or V",
            )
        raise _fail(
            kind,
            "characters",
            raw,
            f"第 {position} 位字符“{ch}”无效：只允许数字和除 I、O、Z、S、V 以外的大写字母",
            f"position {position} has the invalid character '{ch}'; only digits and capital letters "
            "other than I, O, Z, S, V are allowed",
        )
    authority = _USCC_AUTHORITIES.get(code[0])
    if authority is None:
        raise _fail(
            kind,
            "authority",
            raw,
            f"第 1 位登记管理部门代码“{code[0]}”未分配：应为 1–9、A、N 或 Y",
            f"position 1 (registration authority) '{code[0]}' is not assigned; it should be 1-9, A, N or Y",
        )
    name, categories = authority
    if code[1] not in categories:
        allowed = "、".join(categories)
        raise _fail(
            kind,
            "category",
            raw,
            f"第 2 位机构类别代码“{code[1]}”在登记管理部门“{code[0]}”（{name}）下未分配：应为 {allowed}",
            f"position 2 (category) '{code[1]}' is not assigned under registration authority "
            f"'{code[0]}'; it should be {', '.join(categories)}",
        )
    division = code[2:8]
    if not division.isdigit():
        raise _fail(
            kind,
            "region",
            raw,
            f"第 3–8 位（登记管理机关行政区划码）应为 6 位数字，实际为“{division}”",
            f"positions 3-8 (administrative division code) should be 6 digits, got '{division}'",
        )
    if division[:2] not in PROVINCE_CODES and division[:2] != _USCC_NATIONAL_DIVISION:
        raise _fail(
            kind,
            "region",
            raw,
            f"第 3–4 位“{division[:2]}”不是省级行政区划代码",
            f"positions 3-4 '{division[:2]}' are not a province-level division code",
        )
    expected = uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise _fail(
            kind,
            "check_character",
            raw,
            f"第 18 位校验码应为“{expected}”，实际为“{code[17]}”",
            f"check character (position 18) should be '{expected}', got '{code[17]}'",
        )
    return code


def uscc_details(value: str) -> USCCInfo:
    """Validate the code and split it into its parts."""
    code = normalize_uscc(value)
    return USCCInfo(
        code=code,
        registration_authority=code[0],
        org_type=code[1],
        division_code=code[2:8],
        organisation_code=code[8:17],
        check_character=code[17],
    )


# ---------------------------------------------------------------------------
# Resident identity number (GB 11643-1999)


def _expand(length: int, low: str, high: str) -> list[str]:
    """The codes a line of the division data covers (one code, or a range)."""
    if low == high:
        return [low]
    return [str(n).zfill(length) for n in range(int(low), int(high) + 1)]


@cache
def _address_codes() -> Mapping[str, str]:
    """Every address code in python-stdnum's division data, with its place.

    The data lists each code with the years it was in use; a number keeps the
    code of the place where it was first issued, whatever happened to that
    county later, and the year it was issued is not in the number (the birth
    year says nothing about it). So every code the data lists is accepted, and
    the place is given by the latest name the code had.
    """
    places: dict[str, str] = {}
    for length, low, high, props, counties in numdb.get("cn/loc").prefixes:
        for province_code in _expand(length, low, high):
            province = PROVINCE_CODES.get(province_code, props.get("province", ""))
            for county_length, county_low, county_high, county_props, _ in counties:
                names = county_props.get("county")
                if not names:
                    continue
                latest = names.rsplit(",", 1)[-1].rpartition("]")[2]
                place = province if latest == province else province + latest
                for county_code in _expand(county_length, county_low, county_high):
                    places[province_code + county_code] = place
    places.update(_ADDRESS_CODES_BESIDES_STDNUM)
    return MappingProxyType(places)


@dataclass(frozen=True, slots=True)
class IDInfo:
    """The parts of a resident identity number."""

    number: str
    region_code: str
    birth_date: datetime.date
    sex: str  # "male" or "female"
    check_character: str

    @property
    def province(self) -> str | None:
        return PROVINCE_CODES.get(self.region_code[:2])

    @property
    def region_name(self) -> str | None:
        """Province and county (by the latest name of the code) from python-stdnum's data."""
        return _address_codes().get(self.region_code)

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def _birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def normalize_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """The 18-character resident identity number, with an uppercase X check character.

    The address code must be one python-stdnum's division data lists (retired
    codes included), the birth date a real day between 1900 and ``today``, and
    the check character the one stdnum computes.
    """
    kind = "id_number"
    raw = _text(kind, value)
    number = _compact(raw).upper()
    if len(number) == 15:
        # First-generation cards carried 15 digits; they stopped being valid
        # on 1 January 2013.
        raise _fail(
            kind,
            "length",
            raw,
            "为 15 位的第一代号码，已停止使用，应为 18 位",
            "has 15 digits (first-generation number, no longer valid); it should have 18",
        )
    if len(number) != 18:
        raise _length_error(kind, raw, "18", "18", len(number))
    body = number[:17]
    if not _is_digits(body):
        position, ch = next((i, ch) for i, ch in enumerate(body, 1) if ch not in _DIGITS)
        raise _fail(
            kind,
            "characters",
            raw,
            f"第 {position} 位应为数字，实际为“{ch}”",
            f"position {position} should be a digit, got '{ch}'",
        )
    if number[17] not in _DIGITS and number[17] != "X":
        raise _fail(
            kind,
            "characters",
            raw,
            f"第 18 位校验码应为数字或 X，实际为“{number[17]}”",
            f"position 18 (check character) should be a digit or X, got '{number[17]}'",
        )
    region = number[:6]
    if region not in _address_codes():
        if region[:2] not in PROVINCE_CODES:
            raise _fail(
                kind,
                "region",
                raw,
                f"前 6 位地址码“{region}”无效：前 2 位“{region[:2]}”不是省级行政区划代码",
                f"region code '{region}' is invalid: '{region[:2]}' is not a province-level code",
            )
        raise _fail(
            kind,
            "region",
            raw,
            f"前 6 位地址码“{region}”不是任何时期的县级行政区划代码",
            f"region code '{region}' (positions 1-6) has never been an administrative division code",
        )
    birth = _birth_date(number)
    if birth is None:
        raise _fail(
            kind,
            "birth_date",
            raw,
            f"第 7–14 位出生日期“{number[6:14]}”不是有效日期",
            f"positions 7-14 (birth date) '{number[6:14]}' are not a valid date",
        )
    today = today or datetime.date.today()
    if birth > today:
        raise _fail(
            kind,
            "birth_date",
            raw,
            f"第 7–14 位出生日期 {birth.isoformat()} 晚于今天（{today.isoformat()}）",
            f"positions 7-14: the birth date {birth.isoformat()} is after today ({today.isoformat()})",
        )
    if birth < _ID_EARLIEST_BIRTH:
        raise _fail(
            kind,
            "birth_date",
            raw,
            f"第 7–14 位出生日期 {birth.isoformat()} 早于 {_ID_EARLIEST_BIRTH.isoformat()}，不可能",
            f"positions 7-14: the birth date {birth.isoformat()} is before "
            f"{_ID_EARLIEST_BIRTH.isoformat()}, which is implausible",
        )
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise _fail(
            kind,
            "check_character",
            raw,
            f"第 18 位校验码应为“{expected}”，实际为“{number[17]}”",
            f"check character (position 18) should be '{expected}', got '{number[17]}'",
        )
    return number


def id_number_details(value: str, *, today: datetime.date | None = None) -> IDInfo:
    """Validate the number and split it into region, birth date and sex."""
    number = normalize_id_number(value, today=today)
    birth = _birth_date(number)
    assert birth is not None  # checked by normalize_id_number
    return IDInfo(
        number=number,
        region_code=number[:6],
        birth_date=birth,
        sex="male" if int(number[16]) % 2 else "female",
        check_character=number[17],
    )


def _mask(visible_head: str, hidden: int, visible_tail: str) -> str:
    return visible_head + "*" * hidden + visible_tail


def mask_id_number(value: str) -> str:
    """``620102********1234``: first 6 and last 4 kept.

    Masking never validates (it serves display of stored data) and never shows
    more than those 10 characters; anything shorter than 11 is masked whole.
    """
    text = _compact(value).upper() if isinstance(value, str) else ""
    if len(text) < 11:
        return "*" * len(text)
    return _mask(text[:6], len(text) - 10, text[-4:])


# ---------------------------------------------------------------------------
# Bank card number (Luhn)


def normalize_bank_card(value: str) -> str:
    """The card number as 12 to 19 digits with a valid Luhn check digit."""
    kind = "bank_card"
    raw = _text(kind, value)
    number = _compact(raw)
    for position, ch in enumerate(number, 1):
        if ch not in _DIGITS:
            raise _fail(
                kind,
                "characters",
                raw,
                f"第 {position} 位应为数字，实际为“{ch}”",
                f"position {position} should be a digit, got '{ch}'",
            )
    # The length first: a number too short or too long to be a card is refused
    # as such, even when its last digit happens to pass Luhn (ISO/IEC 7812
    # allows at most 19 digits; bank cards issued here have at least 12).
    if not 12 <= len(number) <= 19:
        raise _length_error(kind, raw, "12 至 19", "12 to 19", len(number))
    try:
        luhn.validate(number)
    except InvalidChecksum:
        expected = luhn.calc_check_digit(number[:-1])
        raise _fail(
            kind,
            "check_character",
            raw,
            f"最后一位（第 {len(number)} 位）Luhn 校验位应为“{expected}”，实际为“{number[-1]}”",
            f"the Luhn check digit (position {len(number)}) should be '{expected}', got '{number[-1]}'",
        ) from None
    return number


def mask_bank_card(value: str) -> str:
    """``6222 **** **** 1234``: first 4 and last 4 kept, the middle masked in groups of 4."""
    digits = _compact(value) if isinstance(value, str) else ""
    if len(digits) < 9:
        return "*" * len(digits)
    middle = "*" * (len(digits) - 8)
    groups = [middle[i : i + 4] for i in range(0, len(middle), 4)]
    return " ".join([digits[:4], *groups, digits[-4:]])


# ---------------------------------------------------------------------------
# Mainland mobile number

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")


def normalize_mobile(value: str) -> str:
    """The 11-digit mainland mobile number, without a +86/0086/86 prefix."""
    kind = "mobile"
    raw = _text(kind, value)
    number = _compact(raw, drop="-()")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    for position, ch in enumerate(number, 1):
        if ch not in _DIGITS:
            raise _fail(
                kind,
                "characters",
                raw,
                f"第 {position} 位应为数字，实际为“{ch}”（国家代码只接受 +86、0086 或 86）",
                f"position {position} should be a digit, got '{ch}' (the only country code accepted "
                "is +86, 0086 or 86)",
            )
    if len(number) != 11:
        raise _length_error(kind, raw, "11", "11", len(number))
    if not _MOBILE_RE.fullmatch(number):
        raise _fail(
            kind,
            "prefix",
            raw,
            f"应以 13–19 开头，实际以“{number[:2]}”开头",
            f"should start with 13 to 19, starts with '{number[:2]}'",
        )
    return number


def mask_mobile(value: str) -> str:
    """``138****5678``: first 3 and last 4 kept."""
    try:
        number = normalize_mobile(value)
    except IdentifierError:
        number = _compact(value, drop="-()") if isinstance(value, str) else ""
    if len(number) < 8:
        return "*" * len(number)
    return _mask(number[:3], len(number) - 7, number[-4:])


# ---------------------------------------------------------------------------
# Domain name


@dataclass(frozen=True, slots=True)
class DomainInfo:
    """A domain name: its A-label form, its Unicode form and where it is registered."""

    domain: str  # A-labels, lowercase, no trailing dot
    unicode: str  # U-labels
    registrable: str  # e.g. gansu-ec.com for shop.gansu-ec.com (A-labels)
    suffix: str  # the public suffix, e.g. com, com.cn (A-labels)

    @property
    def registrable_unicode(self) -> str:
        return idna.decode(self.registrable)

    @property
    def is_subdomain(self) -> bool:
        return self.domain != self.registrable


@cache
def _public_suffixes() -> PublicSuffixList:
    # The list bundled with the package, never a download. Only ICANN suffixes
    # count: a site under a private suffix such as github.io is on someone
    # else's domain, which is not an independent domain of the enterprise.
    return PublicSuffixList(only_icann=True, accept_unknown=False)


_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_PATH_START = re.compile(r"[/?#]")
_NUMERIC_HOST = re.compile(r"[0-9.]+").fullmatch  # an IPv4 address, or digits no suffix has


def _host_of(text: str) -> str:
    """The host part when a URL (or host:port/path) is given."""
    if "://" in text:
        try:
            host = urlsplit(text).hostname
        except ValueError:
            host = None
        return host or ""
    host = _PATH_START.split(text, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    if host.startswith("["):  # [IPv6]:port
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _check_label_length(raw: str, label: str) -> None:
    if len(label) > 63:
        raise _fail(
            "domain",
            "length",
            raw,
            f"标签“{label[:20]}…”长 {len(label)} 个字符，超过 63",
            f"label '{label[:20]}...' has {len(label)} characters, more than 63",
        )


def _check_domain_length(raw: str, length: int) -> None:
    if length > 253:
        raise _fail(
            "domain",
            "length",
            raw,
            f"长 {length} 个字符，超过 253",
            f"has {length} characters, more than 253",
        )


def _plain_ascii_label(label: str) -> bool:
    """An LDH label that IDNA would leave as it is (no hyphen at either end or in positions 3-4)."""
    return not (label[0] == "-" or label[-1] == "-" or label[2:4] == "--")


def normalize_domain(value: str) -> DomainInfo:
    """The domain (or the host of a URL) in A-label form, with its registrable domain."""
    kind = "domain"
    raw = _text(kind, value)
    text = raw.strip()
    if not text.isascii():
        # UTS 46 mapping first, so full-width letters and the ideographic full
        # stop (。) become ASCII before the URL is taken apart.
        text = unicodedata.normalize("NFKC", text).replace("。", ".").replace("｡", ".")
    host = _host_of(text).strip().rstrip(".").lower()
    if not host:
        raise _fail(kind, "format", raw, "中没有主机名", "contains no host name")
    if _NUMERIC_HOST(host) is not None or (":" in host and _is_ip_address(host)):
        raise _fail(
            kind,
            "ip_address",
            raw,
            f"“{host}”是 IP 地址，应为域名",
            f"'{host}' is an IP address, not a domain name",
        )
    labels = host.split(".")
    for index, label in enumerate(labels, 1):
        if not label:
            raise _fail(
                kind,
                "format",
                raw,
                f"第 {index} 个标签为空（连续的点或以点开头）",
                f"label {index} is empty (consecutive dots or a leading dot)",
            )
        if label.isascii() and not _LDH.issuperset(label):
            bad = next(ch for ch in label if ch not in _LDH)
            raise _fail(
                kind,
                "characters",
                raw,
                f"标签“{label}”含无效字符“{bad}”：只允许字母、数字和连字符",
                f"label '{label}' has the invalid character '{bad}'; only letters, digits and "
                "hyphens are allowed",
            )
    try:
        if host.isascii() and all(_plain_ascii_label(label) for label in labels):
            # Letters, digits and inner hyphens only: already its own A-label
            # and U-label, so the (slow) IDNA round trip is not needed.
            ascii_host = unicode_host = host
        else:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
            unicode_host = idna.decode(ascii_host)
    except idna.IDNAError as exc:
        code = "length" if "too long" in str(exc).lower() else "idna"
        raise _fail(
            kind,
            code,
            raw,
            f"“{host}”不符合 IDNA 2008 规则：{exc}",
            f"'{host}' does not conform to IDNA 2008: {exc}",
        ) from None
    for label in ascii_host.split("."):
        _check_label_length(raw, label)
    _check_domain_length(raw, len(ascii_host))
    psl = _public_suffixes()
    registrable = psl.privatesuffix(ascii_host)
    if registrable is not None:  # one label and the public suffix
        return DomainInfo(ascii_host, unicode_host, registrable, registrable.partition(".")[2])
    if psl.publicsuffix(ascii_host) is None:
        tld = unicode_host.rsplit(".", 1)[-1]
        raise _fail(
            kind,
            "suffix",
            raw,
            f"顶级域“{tld}”不在公共后缀列表中",
            f"the top-level domain '{tld}' is not in the public suffix list",
        )
    raise _fail(
        kind,
        "not_registrable",
        raw,
        f"“{unicode_host}”是公共后缀，不是可注册的域名",
        f"'{unicode_host}' is a public suffix, not a registrable domain",
    )


# ---------------------------------------------------------------------------
# ICP filing number and license number


def _official_text(value: str) -> str:
    """Folded to half-width and simplified, whitespace removed."""
    text = _fold(value)
    if not _TRADITIONAL_CHARACTERS.isdisjoint(text):
        text = text.translate(_TRADITIONAL)
    return "".join(text.split())


def _province_of(kind: str, raw: str, text: str) -> str:
    first = text[0]
    if first not in PROVINCE_ABBREVIATIONS:
        raise _fail(
            kind,
            "province",
            raw,
            f"第 1 个字应为省级行政区简称（{''.join(PROVINCE_ABBREVIATIONS)}），实际为“{first}”",
            f"the first character should be a province abbreviation "
            f"({''.join(PROVINCE_ABBREVIATIONS)}), got '{first}'",
        )
    return first


def _site_suffix(kind: str, raw: str, rest: str) -> int | None:
    """The optional ``-N`` (N >= 1) after the number."""
    if not rest:
        return None
    if not rest.startswith("-"):
        raise _fail(
            kind,
            "suffix",
            raw,
            f"结尾多出“{rest}”：只允许“-N”形式的序号",
            f"unexpected '{rest}' at the end; only a '-N' suffix is allowed",
        )
    digits = rest[1:]
    if not _is_digits(digits) or int(digits) < 1:
        raise _fail(
            kind,
            "suffix",
            raw,
            f"后缀“{rest}”无效：“-”后应为不小于 1 的整数",
            f"suffix '{rest}' is invalid: '-' should be followed by a whole number of at least 1",
        )
    return int(digits)


@dataclass(frozen=True, slots=True)
class ICPFiling:
    """An ICP filing number, e.g. 甘ICP备2023001234号-1."""

    number: str  # canonical, with the -N suffix if any
    province: str  # the abbreviation, e.g. 甘
    digits: str
    site: int | None
    base: str  # without the -N suffix

    @property
    def province_name(self) -> str:
        return PROVINCE_ABBREVIATIONS[self.province]


def normalize_icp_filing(value: str) -> ICPFiling:
    """Parse ``甘ICP备2023001234号-1`` (full-width and traditional forms accepted)."""
    kind = "icp_filing"
    raw = _text(kind, value)
    text = _official_text(raw)
    province = _province_of(kind, raw, text)
    rest = text[1:]
    if not rest.upper().startswith("ICP备"):
        raise _fail(
            kind,
            "format",
            raw,
            f"省份简称后应为“ICP备”，实际为“{rest[:4]}”",
            f"'ICP备' should follow the province abbreviation, got '{rest[:4]}'",
        )
    rest = rest[4:]
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    rest = rest[len(digits) :]
    if not digits:
        raise _fail(
            kind,
            "format",
            raw,
            f"“ICP备”后应为 8 位或 10 位数字，实际为“{rest[:4]}”",
            f"'ICP备' should be followed by 8 or 10 digits, got '{rest[:4]}'",
        )
    if len(digits) not in (8, 10):
        raise _fail(
            kind,
            "length",
            raw,
            f"数字部分应为 8 位或 10 位，实际为 {len(digits)} 位（“{digits}”）",
            f"the number part should have 8 or 10 digits, got {len(digits)} ('{digits}')",
        )
    if not rest.startswith("号"):
        raise _fail(
            kind,
            "format",
            raw,
            f"数字后应为“号”，实际为“{rest[:1] or '（无）'}”",
            f"'号' should follow the digits, got '{rest[:1] or '(nothing)'}'",
        )
    site = _site_suffix(kind, raw, rest[1:])
    base = f"{province}ICP备{digits}号"
    number = base if site is None else f"{base}-{site}"
    return ICPFiling(number=number, province=province, digits=digits, site=site, base=base)


@dataclass(frozen=True, slots=True)
class LicenseNumber:
    """A telecom business license number, e.g. 甘B2-20240001."""

    number: str  # canonical
    province: str  # the abbreviation, e.g. 甘
    category: str  # B1 or B2
    year: int
    serial: str
    suffix: int | None

    @property
    def base(self) -> str:
        return f"{self.province}{self.category}-{self.year}{self.serial}"

    @property
    def province_name(self) -> str:
        return PROVINCE_ABBREVIATIONS[self.province]


def normalize_license_number(value: str) -> LicenseNumber:
    """Parse ``甘B2-20240001`` with an optional ``-N`` suffix."""
    kind = "license_number"
    raw = _text(kind, value)
    text = _official_text(raw)
    province = _province_of(kind, raw, text)
    category = text[1:3].upper()
    if category not in ("B1", "B2"):
        raise _fail(
            kind,
            "category",
            raw,
            f"第 2–3 位业务类别应为“B1”或“B2”，实际为“{text[1:3]}”",
            f"positions 2-3 (category) should be 'B1' or 'B2', got '{text[1:3]}'",
        )
    if text[3:4] != "-":
        raise _fail(
            kind,
            "format",
            raw,
            f"“{category}”后应为“-”，实际为“{text[3:4] or '（无）'}”",
            f"'-' should follow '{category}', got '{text[3:4] or '(nothing)'}'",
        )
    rest = text[4:]
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    rest = rest[len(digits) :]
    if len(digits) < 8:
        raise _fail(
            kind,
            "length",
            raw,
            f"“-”后应为 4 位年份加至少 4 位序号（如 20240001），实际为“{digits}”（{len(digits)} 位）",
            f"'-' should be followed by a 4-digit year and a serial of at least 4 digits "
            f"(e.g. 20240001), got '{digits}' ({len(digits)} digits)",
        )
    year = int(digits[:4])
    low, high = _LICENSE_YEARS
    if not low <= year <= high:
        raise _fail(
            kind,
            "year",
            raw,
            f"年份“{digits[:4]}”应在 {low} 至 {high} 之间",
            f"the year '{digits[:4]}' should be between {low} and {high}",
        )
    suffix = _site_suffix(kind, raw, rest)
    serial = digits[4:]
    base = f"{province}{category}-{digits}"
    number = base if suffix is None else f"{base}-{suffix}"
    return LicenseNumber(
        number=number, province=province, category=category, year=year, serial=serial, suffix=suffix
    )
