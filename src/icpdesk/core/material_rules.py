"""The pure rules of 准 and of dates on a case's materials, and the flags they raise.

A material states facts (company name, credit code, domain, server address and
region, a person's name, validity and period dates). These functions compare
them with the enterprise profile and with the case's other materials, and
check the dates against the material's validity rules from the rule pack:
``max_age_months`` (bank statements no older than that), ``covers_recent_months``
(social insurance paid for the most recent month), and a validity window that
must still be open on the filing and on the expected decision date.

Each finding is a :class:`Flag`: a code, the measured values and its text in
both languages. The materials app reads the files, stores the flags and runs
the checks in the background; what is a mismatch, and on which day a date
rule fires, is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from icpdesk.core.identifiers import IdentifierError, normalize_domain, normalize_uscc
from icpdesk.core.periods import shift

__all__ = [
    "FACT_LABELS",
    "IDENTITY_FACTS",
    "MAINLAND_EXCLUDED",
    "REGION_LABELS",
    "STAFF_MATERIALS",
    "Flag",
    "Stated",
    "consistency_flags",
    "date_flags",
    "illegible_image",
    "illegible_page",
    "is_mainland",
    "needed_insurance_month",
    "parse_date",
    "same_fact",
    "statements_stale_after",
]

MAINLAND_EXCLUDED = frozenset({"CN-HK", "CN-MO", "CN-TW"})

FACT_LABELS: dict[str, tuple[str, str]] = {
    "company_name": ("企业名称", "company name"),
    "credit_code": ("统一社会信用代码", "credit code"),
    "domain": ("域名", "domain"),
    "server_address": ("服务器地址", "server address"),
    "server_region": ("服务器所在地区", "server region"),
    "person_name": ("人员姓名", "person's name"),
    "valid_from": ("有效期起", "valid from"),
    "valid_until": ("有效期至", "valid until"),
    "period_end": ("所覆盖的最后日期", "last date covered"),
}

REGION_LABELS: dict[str, tuple[str, str]] = {
    "CN-GS": ("甘肃省", "Gansu"),
    "CN": ("中国大陆其他省份", "elsewhere in mainland China"),
    "CN-HK": ("香港", "Hong Kong"),
    "CN-MO": ("澳门", "Macao"),
    "CN-TW": ("台湾", "Taiwan"),
    "ABROAD": ("境外", "abroad"),
}

# The facts every material must state as the enterprise profile records them.
IDENTITY_FACTS = ("company_name", "credit_code", "domain")

# Facts compared across materials whatever the profile says: one server location.
LOCATION_FACTS = ("server_address", "server_region")

# Materials whose person is the security manager (one person across them).
STAFF_MATERIALS = frozenset({"security_id", "security_certificate", "security_insurance"})

# A mismatch with the profile has a code of its own for these materials.
_PROFILE_CODES: dict[tuple[str, str], str] = {
    ("domain_certificate", "domain"): "domain_mismatch",
    ("business_license", "credit_code"): "license_credit_code_mismatch",
    ("security_insurance", "company_name"): "insurance_employer_mismatch",
}

_CONFLICT_CODES: dict[str, str] = {
    "server_address": "server_location_conflict",
    "server_region": "server_location_conflict",
    "person_name": "person_conflict",
}


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding on a material: ``code`` says what, ``values`` what was measured."""

    code: str
    message_zh: str
    message_en: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "values": dict(self.values),
        }


def _flag(code: str, zh: str, en: str, **values: Any) -> Flag:
    return Flag(code, zh, en, values)


@dataclass(frozen=True)
class Stated:
    """The latest stated facts of one material of the case."""

    material_id: str
    name_zh: str
    name_en: str
    facts: Mapping[str, str]


# ------------------------------------------------------------------ 清: legibility


def illegible_image(short_side: int, minimum: int) -> Flag | None:
    """The flag of an image whose short side is under ``minimum`` pixels, else None."""
    if short_side >= minimum:
        return None
    return _flag(
        "illegible",
        f"可能不清晰：图片短边 {short_side} 像素，低于 {minimum} 像素。",
        f"May be illegible: the image's short side is {short_side} px, under {minimum} px.",
        short_side_px=short_side,
        minimum_px=minimum,
    )


def illegible_page(page: int, short_side: int, minimum: int, dpi: int) -> Flag | None:
    """The flag of PDF page ``page`` (from 1) rendered at ``dpi`` with a short side under ``minimum``."""
    if short_side >= minimum:
        return None
    return _flag(
        "illegible",
        f"可能不清晰：第 {page} 页按 {dpi} DPI 渲染后短边 {short_side} 像素，低于 {minimum} 像素。",
        f"May be illegible: page {page} rendered at {dpi} DPI has a short side "
        f"of {short_side} px, under {minimum} px.",
        page=page,
        short_side_px=short_side,
        minimum_px=minimum,
        dpi=dpi,
    )


# ------------------------------------------------------------------ 准: consistency


def is_mainland(region: str) -> bool:
    """Mainland China: ``CN`` or a ``CN-`` province, not Hong Kong, Macao or Taiwan."""
    region = region.strip().upper()
    return (region == "CN" or region.startswith("CN-")) and region not in MAINLAND_EXCLUDED


def _norm(key: str, value: str) -> str:
    value = " ".join(str(value).split())
    if key == "credit_code":
        try:
            return normalize_uscc(value)
        except IdentifierError:
            return value.upper()
    if key == "domain":
        try:
            return normalize_domain(value).domain
        except IdentifierError:
            return value.lower()
    if key == "server_region":
        return value.upper()
    return value.casefold().replace(" ", "")


def same_fact(key: str, a: str, b: str) -> bool:
    """Whether two statements of fact ``key`` say the same thing.

    A credit code or a domain is compared in its normal form (letter case,
    ``www.``-less spelling and the like do not matter); a region by its code;
    a name or an address regardless of case and spaces.
    """
    return _norm(key, a) == _norm(key, b)


def _shown(key: str, value: str) -> tuple[str, str]:
    if key == "server_region":
        return REGION_LABELS.get(value.upper(), (value, value))
    return value, value


def _stated(facts: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v).strip() for k, v in facts.items() if v and str(v).strip()}


def consistency_flags(me: Stated, others: Iterable[Stated], profile: Mapping[str, str]) -> list[Flag]:
    """Mismatches of ``me``'s stated facts with the enterprise profile and the other materials.

    The identity facts are compared with the profile; where the profile has
    none, with the other materials instead. The server's address and region
    are compared across all materials, and the security manager's name across
    the staff materials. A server region outside the mainland is a flag of
    its own.
    """
    flags: list[Flag] = []
    facts = _stated(me.facts)

    for key in IDENTITY_FACTS:
        value = facts.get(key)
        expected = (profile.get(key) or "").strip()
        if not value or not expected or same_fact(key, value, expected):
            continue
        zh_label, en_label = FACT_LABELS[key]
        code = _PROFILE_CODES.get((me.material_id, key), f"{key}_mismatch")
        if code == "insurance_employer_mismatch":
            zh = f"社保缴费单位“{value}”与申请企业“{expected}”不一致（兼职或他人社保？）。"
            en = f"The insurance was paid by '{value}', not by the applicant '{expected}'."
        else:
            zh = f"{zh_label}“{value}”与企业档案中的“{expected}”不一致。"
            en = f"The {en_label} '{value}' differs from the enterprise profile's '{expected}'."
        flags.append(_flag(code, zh, en, field=key, stated=value, expected=expected, source="profile"))

    region = facts.get("server_region")
    if region and not is_mainland(region):
        zh_r, en_r = _shown("server_region", region)
        flags.append(
            _flag(
                "region_not_mainland",
                f"服务器所在地区为“{zh_r}”，不在中国大陆境内（港澳台及境外不符合要求）。",
                f"The server region is {en_r}, not mainland China "
                "(Hong Kong, Macao, Taiwan and abroad do not count).",
                field="server_region",
                stated=region,
            )
        )

    cross = [*LOCATION_FACTS, *(k for k in IDENTITY_FACTS if not (profile.get(k) or "").strip())]
    for other in others:
        if other.material_id == me.material_id:
            continue
        keys = list(cross)
        if me.material_id in STAFF_MATERIALS and other.material_id in STAFF_MATERIALS:
            keys.append("person_name")
        for key in keys:
            mine = facts.get(key)
            theirs = str(other.facts.get(key) or "").strip()
            if not mine or not theirs or same_fact(key, mine, theirs):
                continue
            zh_label, en_label = FACT_LABELS[key]
            mine_zh, mine_en = _shown(key, mine)
            theirs_zh, theirs_en = _shown(key, theirs)
            flags.append(
                _flag(
                    _CONFLICT_CODES.get(key, f"{key}_conflict"),
                    f"{zh_label}“{mine_zh}”与{other.name_zh}中的“{theirs_zh}”不一致。",
                    f"The {en_label} '{mine_en}' differs from '{theirs_en}' in the {other.name_en}.",
                    field=key,
                    stated=mine,
                    other_material=other.material_id,
                    other_value=theirs,
                )
            )
    return flags


# ------------------------------------------------------------------ dates


def parse_date(value: Any) -> date | None:
    """An ISO date (``YYYY-MM-DD``) or None for nothing or anything else."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def statements_stale_after(period_end: date, max_age_months: int) -> date:
    """The last day on which statements ending on ``period_end`` are recent enough."""
    return shift(period_end, max_age_months, "month")


def needed_insurance_month(today: date, recent_months: int) -> date:
    """The first day of the month the insurance record must reach: ``recent_months`` before this one."""
    return shift(today.replace(day=1), -recent_months, "month")


def date_flags(
    facts: Mapping[str, Any],
    validity: Mapping[str, int],
    *,
    today: date,
    filing_date: date,
    decision_date: date,
) -> list[Flag]:
    """Validity periods that end too early, statements too old, insurance not covering last month.

    ``validity`` is the material's rule from the pack: ``max_age_months`` for
    statements (``period_end`` is the last date covered), ``covers_recent_months``
    for insurance. A stated ``valid_until`` must reach the filing date and
    the expected decision date.
    """
    flags: list[Flag] = []
    until = parse_date(facts.get("valid_until"))
    if until is not None:
        if until < filing_date:
            flags.append(
                _flag(
                    "expired_by_filing",
                    f"有效期至 {until:%Y-%m-%d}，申报日（{filing_date:%Y-%m-%d}）时已过期。",
                    f"Valid until {until:%Y-%m-%d}: expired by the filing date ({filing_date:%Y-%m-%d}).",
                    valid_until=until.isoformat(),
                    filing_date=filing_date.isoformat(),
                )
            )
        elif until < decision_date:
            flags.append(
                _flag(
                    "expires_before_decision",
                    f"有效期至 {until:%Y-%m-%d}，早于预计审批决定日 {decision_date:%Y-%m-%d}。",
                    f"Valid until {until:%Y-%m-%d}, before the expected decision date "
                    f"{decision_date:%Y-%m-%d}.",
                    valid_until=until.isoformat(),
                    decision_date=decision_date.isoformat(),
                )
            )
    period_end = parse_date(facts.get("period_end"))
    max_age = validity.get("max_age_months")
    if max_age is not None:
        if period_end is None:
            flags.append(
                _flag(
                    "period_unknown",
                    "未填写流水所覆盖的最后日期，无法判断是否过旧。",
                    "The last date covered is not stated; the age cannot be checked.",
                )
            )
        elif statements_stale_after(period_end, int(max_age)) < today:
            flags.append(
                _flag(
                    "statements_too_old",
                    f"流水截至 {period_end:%Y-%m-%d}，已超过 {max_age} 个月（今天 {today:%Y-%m-%d}）。",
                    f"The statements end on {period_end:%Y-%m-%d}, more than {max_age} months ago.",
                    period_end=period_end.isoformat(),
                    max_age_months=int(max_age),
                )
            )
    recent = validity.get("covers_recent_months")
    if recent is not None:
        needed = needed_insurance_month(today, int(recent))
        if period_end is None:
            # Nothing to print in place of the month: say what is missing instead.
            flags.append(
                _flag(
                    "insurance_period_unknown",
                    f"未填写社保缴费记录覆盖到的月份，无法判断是否覆盖最近一个月（{needed:%Y-%m}）；"
                    "请填写缴费记录的最后月份。",
                    "The last month the insurance record covers is not stated, so it cannot be checked "
                    f"against the most recent month ({needed:%Y-%m}); state the record's last month.",
                    needed_month=f"{needed:%Y-%m}",
                )
            )
        elif (period_end.year, period_end.month) < (needed.year, needed.month):
            flags.append(
                _flag(
                    "insurance_not_recent",
                    f"社保缴费记录截至 {period_end:%Y-%m}，未覆盖最近一个月（{needed:%Y-%m}）。",
                    f"The insurance record ends in {period_end:%Y-%m} and does not cover the most recent "
                    f"month ({needed:%Y-%m}).",
                    period_end=period_end.isoformat(),
                    needed_month=f"{needed:%Y-%m}",
                )
            )
    return flags
