# ruff: noqa
# The identifiers module as it stood before the check characters were taken from
# python-stdnum (src/icpdesk/core/identifiers.py at commit 6b09684^), kept
# unchanged as the reference of tests/core/test_identifiers_old_agree.py: on
# valid input, the desk answers today exactly as this module did.
"""Validation and normalisation of the identifiers an ICP case carries.

Unified social credit codes (GB 32100-2015), resident identity numbers
(GB 11643), bank card numbers (Luhn), mainland mobile numbers, domain names
(IDNA 2008 and the public suffix list), ICP filing numbers and license
numbers. Every ``normalize_*`` function returns the canonical form or raises
:class:`IdentifierError`, whose ``code`` is stable for machines and whose
messages (zh-Hans and English) say which position is wrong and what was
expected.

Error codes: ``type``, ``empty``, ``length``, ``characters``,
``check_character``, ``birth_date``, ``region``, ``prefix``, ``format``,
``province``, ``category``, ``year``, ``suffix``, ``ip_address``, ``idna``,
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
from stdnum import luhn
from stdnum.cn import ric

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

# GB 32100-2015 table 1 (registration authority) and table 2 (entity type).
_USCC_AUTHORITIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "1": ("机构编制", "institutional establishment"),
        "2": ("外交", "foreign affairs"),
        "3": ("司法行政", "judicial administration"),
        "4": ("文化", "culture"),
        "5": ("民政", "civil affairs"),
        "6": ("旅游", "tourism"),
        "7": ("宗教", "religious affairs"),
        "8": ("工会", "trade unions"),
        "9": ("工商", "market regulation (industry and commerce)"),
        "A": ("中央军委改革和编制办公室", "CMC reform and establishment office"),
        "N": ("农业", "agriculture"),
        "Y": ("其他", "other"),
    }
)
_USCC_ORG_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "11": ("机关", "government body"),
        "12": ("事业单位", "public institution"),
        "13": ("中央编办直接管理机构编制的群众团体", "mass organisation"),
        "19": ("其他", "other"),
        "51": ("社会团体", "social organisation"),
        "52": ("民办非企业单位", "private non-enterprise unit"),
        "53": ("基金会", "foundation"),
        "59": ("其他", "other"),
        "91": ("企业", "enterprise"),
        "92": ("个体工商户", "individual business"),
        "93": ("农民专业合作社", "farmers' cooperative"),
        "N1": ("农村集体经济组织", "rural collective economic organisation"),
        "N2": ("农民专业合作社", "farmers' cooperative"),
        "N9": ("其他", "other"),
        "Y1": ("其他", "other"),
    }
)

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_DIGITS = frozenset("0123456789")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－﹣", "-"))
_ID_EARLIEST_BIRTH = datetime.date(1880, 1, 1)
_USCC_VALUES = {ch: index for index, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # GB 32100-2015: 3^i mod 31

# Fast paths: a value already in canonical form is checked by a precompiled
# pattern and the check character alone (batch assessment checks tens of
# thousands of identifiers a second). Anything else takes the full path,
# which canonicalises the value or says precisely what is wrong with it; the
# property tests hold the two to the same answers.
_USCC_CHAR = "[0-9A-HJ-NP-RTUW-Y]"
_USCC_CANONICAL = re.compile(f"{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}").fullmatch
_ID_CANONICAL = re.compile(r"[0-9]{17}[0-9X]").fullmatch
_LDH_LABEL = r"(?:[a-z0-9-]{0,61}[a-z0-9])?"
_ASCII_HOST = re.compile(rf"(?:[a-z0-9]{_LDH_LABEL}\.)+[a-z]{_LDH_LABEL}").fullmatch
_FILING_CANONICAL = re.compile(r"([^\x00-\x7f])ICP备([0-9]{10}|[0-9]{8})号(?:-([1-9][0-9]*))?").fullmatch
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
    """Full-width forms to ASCII, dash variants to '-'."""
    return unicodedata.normalize("NFKC", value).translate(_DASHES)


def _compact(value: str, drop: str = "-") -> str:
    """Folded, without whitespace and the characters in ``drop``."""
    folded = _fold(value)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in drop)


def _is_digits(value: str) -> bool:
    return bool(value) and all(ch in _DIGITS for ch in value)


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
        names = _USCC_AUTHORITIES.get(self.registration_authority)
        return names[0] if names else None

    @property
    def org_type_name(self) -> str | None:
        names = _USCC_ORG_TYPES.get(self.registration_authority + self.org_type)
        return names[0] if names else None


def _uscc_check_character(code: str) -> str:
    """The check character of the first 17 characters of ``code`` (all in the alphabet)."""
    total = sum(map(int.__mul__, map(_USCC_VALUES.__getitem__, code[:17]), _USCC_WEIGHTS))
    return _USCC_ALPHABET[-total % 31]


def normalize_uscc(value: str) -> str:
    """The unified social credit code in canonical form (18 characters, uppercase)."""
    if (
        type(value) is str
        and _USCC_CANONICAL(value) is not None
        and (value[2:4] in PROVINCE_CODES or value[2:4] == _USCC_NATIONAL_DIVISION)
        and _uscc_check_character(value) == value[17]
    ):
        return value
    return _normalize_uscc(value)


def _normalize_uscc(value: str) -> str:
    kind = "uscc"
    raw = _text(kind, value)
    code = _compact(raw).upper()
    if len(code) != 18:
        raise _length_error(kind, raw, "18", "18", len(code))
    for position, ch in enumerate(code, 1):
        if ch in _USCC_ALPHABET:
            continue
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
    division = code[2:8]
    if not _is_digits(division):
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
    expected = _uscc_check_character(code)
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
        """Province, prefecture and county as far as python-stdnum knows the code."""
        try:
            place = ric.get_birth_place(self.number)
        except Exception:  # an unknown or retired code is not an error here
            return None
        parts = [place.get(key, "") for key in ("province", "prefecture", "county")]
        return "".join(parts) or None

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def _id_check_character(number: str) -> str:
    """The check character of the first 17 digits (GB 11643: weights 2^(17-i) mod 11)."""
    checksum = (1 - 2 * int(number[:17], 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def normalize_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """The 18-character resident identity number, with an uppercase X check character."""
    if type(value) is str and _ID_CANONICAL(value) is not None and value[:2] in PROVINCE_CODES:
        try:
            birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            birth = None
        if (
            birth is not None
            and _ID_EARLIEST_BIRTH <= birth <= (today or datetime.date.today())
            and _id_check_character(value) == value[17]
        ):
            return value
    return _normalize_id_number(value, today=today)


def _normalize_id_number(value: str, *, today: datetime.date | None = None) -> str:
    kind = "id_number"
    raw = _text(kind, value)
    number = _compact(raw).upper()
    if len(number) == 15:
        raise _fail(
            kind,
            "length",
            raw,
            "为 15 位的第一代号码，已停止使用，应为 18 位",
            "has 15 digits (first-generation number, no longer valid); it should have 18",
        )
    if len(number) != 18:
        raise _length_error(kind, raw, "18", "18", len(number))
    for position, ch in enumerate(number[:17], 1):
        if ch not in _DIGITS:
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
    if number[:2] not in PROVINCE_CODES:
        raise _fail(
            kind,
            "region",
            raw,
            f"前 6 位地址码“{number[:6]}”无效：前 2 位“{number[:2]}”不是省级行政区划代码",
            f"region code '{number[:6]}' is invalid: '{number[:2]}' is not a province-level code",
        )
    text_date = number[6:14]
    try:
        birth = datetime.date(int(text_date[:4]), int(text_date[4:6]), int(text_date[6:]))
    except ValueError:
        raise _fail(
            kind,
            "birth_date",
            raw,
            f"第 7–14 位出生日期“{text_date}”不是有效日期",
            f"positions 7-14 (birth date) '{text_date}' are not a valid date",
        ) from None
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
    expected = _id_check_character(number)
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
    return IDInfo(
        number=number,
        region_code=number[:6],
        birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
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
    if not 12 <= len(number) <= 19:
        raise _length_error(kind, raw, "12 至 19", "12 to 19", len(number))
    expected = luhn.calc_check_digit(number[:-1])
    if number[-1] != expected:
        raise _fail(
            kind,
            "check_character",
            raw,
            f"最后一位（第 {len(number)} 位）Luhn 校验位应为“{expected}”，实际为“{number[-1]}”",
            f"the Luhn check digit (position {len(number)}) should be '{expected}', got '{number[-1]}'",
        )
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


def _host_of(text: str) -> str:
    """The host part when a URL (or host:port/path) is given."""
    if "://" in text:
        try:
            host = urlsplit(text).hostname
        except ValueError:
            host = None
        return host or ""
    host = re.split(r"[/?#]", text, maxsplit=1)[0]
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


_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


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
    if type(value) is str and value.isascii():
        host = value.strip().lower()
        # Letters, digits and inner hyphens (no "--", which could be an A-label
        # to check), at most 63 a label and 253 in all: its own A-label and
        # U-label, so only the public suffix list is asked.
        if len(host) <= 253 and "--" not in host and _ASCII_HOST(host) is not None:
            registrable = _public_suffixes().privatesuffix(host)
            if registrable is not None:
                return DomainInfo(host, host, registrable, registrable.partition(".")[2])
    return _normalize_domain(value)


def _normalize_domain(value: str) -> DomainInfo:
    kind = "domain"
    raw = _text(kind, value)
    text = raw.strip()
    # UTS 46 mapping first, so full-width letters and the ideographic full stop
    # (。) become ASCII before the URL is taken apart.
    mapped = unicodedata.normalize("NFKC", text).replace("。", ".").replace("｡", ".")
    host = _host_of(mapped).strip().rstrip(".").lower()
    if not host:
        raise _fail(kind, "format", raw, "中没有主机名", "contains no host name")
    if _is_ip_address(host) or re.fullmatch(r"[0-9.]+", host):
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
        if label.isascii():
            bad = next((ch for ch in label if ch not in _LDH), None)
            if bad is not None:
                raise _fail(
                    kind,
                    "characters",
                    raw,
                    f"标签“{label}”含无效字符“{bad}”：只允许字母、数字和连字符",
                    f"label '{label}' has the invalid character '{bad}'; only letters, digits and "
                    "hyphens are allowed",
                )
            _check_label_length(raw, label)
    if host.isascii():
        _check_domain_length(raw, len(host))
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
    suffix = psl.publicsuffix(ascii_host)
    if suffix is None:
        tld = unicode_host.rsplit(".", 1)[-1]
        raise _fail(
            kind,
            "suffix",
            raw,
            f"顶级域“{tld}”不在公共后缀列表中",
            f"the top-level domain '{tld}' is not in the public suffix list",
        )
    registrable = psl.privatesuffix(ascii_host)
    if registrable is None:
        raise _fail(
            kind,
            "not_registrable",
            raw,
            f"“{unicode_host}”是公共后缀，不是可注册的域名",
            f"'{unicode_host}' is a public suffix, not a registrable domain",
        )
    return DomainInfo(domain=ascii_host, unicode=unicode_host, registrable=registrable, suffix=suffix)


# ---------------------------------------------------------------------------
# ICP filing number and license number


def _official_text(value: str) -> str:
    """Folded to half-width and simplified, whitespace removed."""
    return "".join(ch for ch in _fold(value).translate(_TRADITIONAL) if not ch.isspace())


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
    if type(value) is str:
        match = _FILING_CANONICAL(value)
        if match is not None and match[1] in PROVINCE_ABBREVIATIONS:
            province, digits, suffix = match.groups()
            base = f"{province}ICP备{digits}号"
            if suffix is None:
                return ICPFiling(number=base, province=province, digits=digits, site=None, base=base)
            site = int(suffix)
            return ICPFiling(f"{base}-{site}", province, digits, site, base)
    return _normalize_icp_filing(value)


def _normalize_icp_filing(value: str) -> ICPFiling:
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
    digit_count = 0
    while digit_count < len(rest) and rest[digit_count] in _DIGITS:
        digit_count += 1
    digits, rest = rest[:digit_count], rest[digit_count:]
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
    digit_count = 0
    while digit_count < len(rest) and rest[digit_count] in _DIGITS:
        digit_count += 1
    digits, rest = rest[:digit_count], rest[digit_count:]
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
