"""The enterprise profile that the eligibility engine assesses.

The profile is declared once, as the msgspec structs below: the decoder, the
published JSON Schema (``core/schemas/profile.schema.json``, written by
:func:`icpdesk.core.rules.schema.profile_schema`) and docs/profile.md follow
from them. :func:`parse_profile` decodes JSON bytes, text or an already
decoded dict straight into the structs; a malformed profile raises
:class:`ProfileError` naming the JSON path of the bad field
(``security_staff[0].insured_months``) and the problem, in Chinese and English.

Every field but ``enterprise.name`` is optional and defaults to ``None``:
absent (or ``null``) means the information is missing, and the rules that
need it yield ``unknown``. Values that are well formed but wrong (a bad check
character, an unknown legal form) are not errors here: the matching rule fails.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

import msgspec

__all__ = [
    "LEGAL_FORMS",
    "CapitalProof",
    "Enterprise",
    "History",
    "Profile",
    "ProfileError",
    "StaffMember",
    "Violation",
    "Website",
    "parse_profile",
]

LEGAL_FORMS = (
    "limited_company",
    "joint_stock_company",
    "individual_business",
    "partnership",
    "sole_proprietorship",
    "branch",
    "other",
)


def _about(description: str, **extra: Any) -> msgspec.Meta:
    return msgspec.Meta(description=description, **extra)


Count = Annotated[int, msgspec.Meta(ge=0)]
Amount = Annotated[float, msgspec.Meta(ge=0)]
Strings = tuple[str, ...]

# Every part of the profile is a frozen struct (immutable, and so hashable) that
# refuses unknown keys: a typo is an error, not silently missing information.


class Enterprise(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The applicant as on its business license."""

    name: Annotated[
        str, _about("Registered company name, as on the business license; not blank.", pattern=r"\S")
    ]
    uscc: Annotated[str | None, _about("Unified social credit code (18 characters, GB 32100-2015).")] = None
    legal_form: Annotated[
        str | None,
        _about(
            "One of " + ", ".join(LEGAL_FORMS) + ". Any other string is assessed and fails "
            "entity.legal_form; it must agree with characters 1-2 of the credit code.",
            examples=["limited_company"],
        ),
    ] = None
    province: Annotated[
        str | None, _about("Province of registration, e.g. 甘肃省 (甘肃, CN-GS accepted).")
    ] = None
    city: Annotated[str | None, _about("Prefecture-level city, e.g. 兰州市.")] = None
    registered_on: Annotated[date | None, _about("Date of registration (成立日期).")] = None
    registered_capital_cny: Annotated[
        Amount | None, _about("Registered capital in CNY (subscribed or paid in).")
    ] = None
    business_scope: Annotated[str | None, _about("Business scope as on the license.")] = None
    on_abnormal_list: Annotated[bool | None, _about("On the abnormal-operations list (经营异常名录).")] = None
    on_serious_violation_list: Annotated[
        bool | None, _about("On the serious-violation list (严重违法失信名单).")
    ] = None


class Website(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The platform's site."""

    domain: Annotated[str | None, _about("The site's domain, e.g. gansu-ec.com.")] = None
    domain_holder: Annotated[str | None, _about("Holder of the domain, as on the domain certificate.")] = None
    icp_filing_number: Annotated[
        str | None,
        _about("ICP filing number, e.g. 甘ICP备2023001234号-1; filed in the enterprise's province."),
    ] = None
    server_regions: Annotated[
        Strings | None,
        _about(
            "ISO 3166-2 codes (CN-GS, CN-BJ, ...) or country codes (US) of the servers. "
            "CN-HK, CN-MO, CN-TW are not mainland. Empty means unknown."
        ),
    ] = None
    modules: Annotated[
        Strings | None,
        _about(
            "Live modules: product_display, user_registration, order_payment, order_management, "
            "logistics_tracking."
        ),
    ] = None
    content_compliant: Annotated[bool | None, _about("No prohibited content.")] = None
    third_party_merchants: Annotated[
        bool | None, _about("Third-party merchants trade on the platform (needs B21 too).")
    ] = None
    services: Annotated[
        Strings | None,
        _about(
            "Extra services offered, e.g. installment, lending, payment (financial services are out of "
            "the ICP scope); [] means none."
        ),
    ] = None
    financial_authorisation: Annotated[
        bool | None,
        _about("The financial services listed have the financial regulator's authorisation."),
    ] = None


class StaffMember(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A candidate for the full-time network-security manager."""

    name: Annotated[str | None, _about("Name, to label the findings.")] = None
    id_number: Annotated[
        str | None, _about("Resident identity number (GB 11643); an invalid one fails the candidate.")
    ] = None
    major: Annotated[str | None, _about("Field of study, e.g. 网络空间安全.")] = None
    certificates: Annotated[Strings | None, _about("Security certificates, e.g. CISSP, CCNA, CISP.")] = None
    full_time: Annotated[bool | None, _about("Works full-time for the enterprise.")] = None
    insured_province: Annotated[
        str | None, _about("Where the enterprise pays the social insurance, e.g. 甘肃省.")
    ] = None
    insured_months: Annotated[
        Count | None,
        _about("Months of social insurance paid by this enterprise, up to the most recent month."),
    ] = None


class CapitalProof(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What proves the capital."""

    verification_report: Annotated[bool | None, _about("A capital verification report exists.")] = None
    bank_statement_months: Annotated[
        Count | None, _about("Months of basic-account statements available.")
    ] = None


class Violation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An internet-information-service violation."""

    date: Annotated[date, _about("Date of the violation.")]
    description: Annotated[str | None, _about("What it was, e.g. 发布虚假广告.")] = None


class History(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The enterprise's record with the regulator."""

    violations: Annotated[
        tuple[Violation, ...] | None, _about("Internet-information-service violations; [] means none.")
    ] = None
    barred: Annotated[
        bool | None,
        _about(
            "A bar from applying is on record (imposed by the authority, or a rejection for false "
            "materials). false: none, and compliance.ban can pass; true: barred_until and/or "
            "false_materials_on say until when."
        ),
    ] = None
    barred_until: Annotated[date | None, _about("Barred from applying up to and including this date.")] = None
    false_materials_on: Annotated[
        date | None,
        _about("Date an application was rejected for false materials; the pack's ban limit runs from it."),
    ] = None


class Profile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The input of `icpdesk assess`: what is known of an enterprise applying for the ICP license.
    A null or absent optional field means the information is missing: the rules that need it yield
    `unknown`. Well-formed but wrong values (a bad check character, an unknown legal form) are
    assessed and fail the matching rule. See docs/profile.md."""

    enterprise: Enterprise
    website: Website | None = None
    security_staff: Annotated[
        tuple[StaffMember, ...] | None,
        _about("Candidates for the full-time network-security manager. Empty array: nobody."),
    ] = None
    capital_proof: CapitalProof | None = None
    history: History | None = None
    assessed_on: Annotated[date | None, _about("Assessment date; `--on` overrides it; default today.")] = None


# ------------------------------------------------------------------ errors


class ProfileError(ValueError):
    """A malformed profile; ``field`` is the JSON path of the bad field."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self, lang: str = "zh-hans") -> dict[str, str]:
        return {"field": self.field, "message": self.message(lang)}


_DECODER = msgspec.json.Decoder(Profile)


def parse_profile(data: bytes | str | dict[str, Any] | Any) -> Profile:
    """Decode a profile from JSON (bytes or text) or from a decoded dict; raise
    :class:`ProfileError` if it is malformed."""
    try:
        if isinstance(data, bytes | str):
            profile: Profile = _DECODER.decode(data)
        else:
            profile = msgspec.convert(data, Profile)
    except msgspec.ValidationError as exc:
        raise _translate(str(exc), data) from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise _not_json(data) from None
    return profile


# msgspec's messages, e.g. "Expected `int | null`, got `str` - at `$.security_staff[0].insured_months`",
# in the desk's words. Anything not matched here is passed on as msgspec words it.
_AT = re.compile(r"^(?P<what>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.S)
_EXPECTED = re.compile(r"^Expected `(?P<expected>[^`]*)`, got `(?P<got>[^`]*)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]*)`$")

_JSON_TYPES = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}
_JSON_TYPES |= {"object": "object", "array": "array", "null": "null", "date": "date"}
_TYPE_ZH = {"string": "字符串", "boolean": "布尔值", "integer": "整数", "number": "数字", "array": "数组"}
_TYPE_ZH |= {"object": "对象", "date": "日期（YYYY-MM-DD）"}


def _translate(message: str, data: Any) -> ProfileError:
    match = _AT.match(message)
    what = match["what"] if match else message
    at = (match["path"] if match else None) or "$"
    path = at.removeprefix("$").removeprefix(".") or "$"

    def below(name: str) -> str:
        return name if path == "$" else f"{path}.{name}"

    if found := _MISSING.match(what):
        return ProfileError(below(found["name"]), "缺少必填字段", "required field is missing")
    if found := _UNKNOWN.match(what):
        return ProfileError(below(found["name"]), "未知字段", "unknown field")
    if found := _EXPECTED.match(what):
        wanted = found["expected"].removesuffix(" | null")
        expected = _JSON_TYPES.get(wanted, wanted)
        got = _JSON_TYPES.get(found["got"], found["got"])
        shown = "a date (YYYY-MM-DD)" if expected == "date" else expected
        return ProfileError(
            path, f"应为{_TYPE_ZH.get(expected, expected)}，实际为 {got}", f"expected {shown}, got {got}"
        )
    if what.startswith("Expected `") and ">= 0" in what:
        return ProfileError(path, "不能为负数", "must not be negative")
    if what.startswith("Expected `str` matching regex"):  # only the name has a pattern: not blank
        return ProfileError(path, "企业名称不能为空", "must not be empty")
    if what.startswith("Invalid RFC3339 encoded date"):
        value = _value_at(data, at)
        return ProfileError(
            path, f"日期无效：{value!r}（应为 YYYY-MM-DD）", f"invalid date {value!r} (YYYY-MM-DD)"
        )
    if what == "Number out of range":
        return ProfileError(path, "数值超出范围", "number out of range")
    return ProfileError(path, what, what)


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _value_at(data: Any, at: str) -> Any:
    """The value at a msgspec path (``$.history.violations[0].date``), to quote it in a message."""
    if isinstance(data, bytes | str):
        data = msgspec.json.decode(data)
    for key, index in _STEP.findall(at.removeprefix("$")):
        data = data[int(index)] if index else data[key]
    return data


def _not_json(data: Any) -> ProfileError:
    """Why ``data`` (text or bytes) is not JSON: the first byte that is not UTF-8,
    else the standard library's reading of the syntax error."""
    text = data
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = data[exc.start]
            return ProfileError(
                "$",
                f"不是有效的 UTF-8 文本：第 {exc.start + 1} 个字节（0x{byte:02x}）无法解码",
                f"not valid UTF-8: byte {exc.start + 1} (0x{byte:02x}) cannot be decoded",
            )
    try:
        json.loads(text)
    except (ValueError, RecursionError) as exc:
        detail = str(exc)
    else:  # valid for the standard library but not for msgspec (e.g. NaN)
        detail = "unsupported value"
    return ProfileError("$", f"不是有效的 JSON：{detail}", f"not valid JSON: {detail}")
