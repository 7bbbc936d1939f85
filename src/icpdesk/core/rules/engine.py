"""The eligibility engine: a profile and a rule pack in, a verdict out.

Each rule id of the pack has an evaluator here; its thresholds, keyword lists
and texts come from the pack. For speed in batch work a pack is compiled once
per language into a list of closures (:func:`compile_pack`), and the checks
that pass with a fixed message are shared objects, not rebuilt per profile.
"""

from __future__ import annotations

import calendar
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from icpdesk.core.identifiers import (
    IdentifierError,
    normalize_domain,
    normalize_icp_filing,
    normalize_id_number,
    normalize_uscc,
)
from icpdesk.core.rules.advice import clear_advice, license_advice, service_label
from icpdesk.core.rules.packs import Rule, RulePack
from icpdesk.core.rules.profile import Profile, StaffMember, fast_constructor

__all__ = [
    "Assessment",
    "Check",
    "add_months",
    "add_years",
    "assess",
    "clear_memos",
    "compile_pack",
    "normalize_lang",
]

PASS = "pass"  # noqa: S105 - a status, not a password
FAIL = "fail"
UNKNOWN = "unknown"


class Check(NamedTuple):
    id: str
    group: str
    status: str
    message: str
    remedy: str | None
    encoded: bytes = b""  # the check as compact UTF-8 JSON, filled in by make_check

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "status": self.status,
            "message": self.message,
            "remedy": self.remedy,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: str
    rule_pack: str
    rule_pack_version: str
    assessed_on: date
    checks: tuple[Check, ...]
    license_types: tuple[tuple[str, str], ...]
    lang: str = "zh-hans"

    def to_dict(self) -> dict[str, Any]:
        """The JSON output of issue #2, key for key."""
        return {
            "verdict": self.verdict,
            "rule_pack": self.rule_pack,
            "rule_pack_version": self.rule_pack_version,
            "assessed_on": self.assessed_on.isoformat(),
            "checks": [
                {"id": c[0], "group": c[1], "status": c[2], "message": c[3], "remedy": c[4]}
                for c in self.checks
            ],
            "license_types": [{"code": code, "reason": reason} for code, reason in self.license_types],
        }

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON text (not ASCII-escaped)."""
        return self.to_json_bytes().decode()

    def to_json_bytes(self) -> bytes:
        """``to_dict()`` as compact UTF-8 JSON, joined from fragments encoded once
        (checks, license advice, the head): the batch hot path."""
        key = (self.verdict, self.rule_pack, self.rule_pack_version, self.assessed_on)
        head = _HEAD_JSON.get(key) or _head_json(key)
        checks = b",".join([c[5] or _encode_check(c).encode() for c in self.checks])
        types = _LICENSE_JSON.get(self.license_types) or _license_json(self.license_types)
        return b"".join((head, checks, b'],"license_types":', types, b"}"))

    def check(self, rule_id: str) -> Check:
        for c in self.checks:
            if c.id == rule_id:
                return c
        raise KeyError(rule_id)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Bounded caches, emptied when full: the JSON of a check (most checks are
# shared objects or repeat by value), the JSON of license advice, and each
# rule's memo of checks by the values it looks at.
_CACHE_LIMIT = 65536
_LICENSE_JSON: dict[tuple[tuple[str, str], ...], bytes] = {}
_HEAD_JSON: dict[tuple[str, str, str, date], bytes] = {}


def _remember[K, V](cache: dict[K, V], key: K, value: V) -> V:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _license_json(types: tuple[tuple[str, str], ...]) -> bytes:
    encoded = _encode([{"code": code, "reason": reason} for code, reason in types]).encode()
    return _remember(_LICENSE_JSON, types, encoded)


def _head_json(key: tuple[str, str, str, date]) -> bytes:
    verdict, pack, version, day = key
    head = (
        f'{{"verdict":{_encode(verdict)},"rule_pack":{_encode(pack)},'
        f'"rule_pack_version":{_encode(version)},"assessed_on":"{day.isoformat()}","checks":['
    )
    return _remember(_HEAD_JSON, key, head.encode())


_quote: Callable[[str], str] = json.encoder.encode_basestring


def _encode_check(c: Check) -> str:
    # Equal to _encode(c.to_dict()), without the encoder's per-call set-up.
    return _encode_fields(c[0], c[1], c[2], c[3], c[4])


def _encode_fields(id: str, group: str, status: str, message: str, remedy: str | None) -> str:
    remedy_json = "null" if remedy is None else _quote(remedy)
    return (
        f'{{"id":{_quote(id)},"group":{_quote(group)},"status":{_quote(status)},'
        f'"message":{_quote(message)},"remedy":{remedy_json}}}'
    )


def make_check(id: str, group: str, status: str, message: str, remedy: str | None) -> Check:
    """A check with its JSON encoded once: checks are shared and kept in the
    rules' memos, so a batch encodes each one once, not once per profile."""
    encoded = _encode_fields(id, group, status, message, remedy).encode()
    return Check(id, group, status, message, remedy, encoded)


_assessment_of = fast_constructor(Assessment)


def normalize_lang(lang: str | None) -> str:
    """``en`` for any English tag, else ``zh-hans`` (the default language)."""
    if lang == "zh-hans" or lang == "en":
        return lang
    return "en" if lang and lang.lower().startswith("en") else "zh-hans"


# ------------------------------------------------------------------ date arithmetic


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months; the corresponding day, else the
    last day of that month (Civil Code art. 202–203: 2024-02-29 + 12 months
    is 2025-02-28)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = d.day
    if day > 28:
        day = min(day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(d: date, years: int) -> date:
    """``d`` plus ``years`` years, with :func:`add_months`'s end-of-month rule."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a common year
        return date(d.year + years, 2, 28)


def _add_period(d: date, value: int, unit: str) -> date:
    if unit == "year":
        return add_years(d, value)
    if unit == "month":
        return add_months(d, value)
    # A bar counted in days (or working days, approximated by days here: the
    # eligibility screen has no calendar) runs from the rejection date.
    return date.fromordinal(d.toordinal() + value)


# ------------------------------------------------------------------ identifier caches
# Staff ID numbers repeat across a client's assessments; errors are cached too.


@functools.lru_cache(maxsize=65536)
def _id_number_error(value: str, on: date) -> IdentifierError | None:
    try:
        normalize_id_number(value, today=on)
    except IdentifierError as exc:
        return exc
    return None


# ------------------------------------------------------------------ rule evaluators

Evaluator = Callable[[Profile, date], Check]


class _Ctx:
    """What every evaluator factory needs: the rule, the pack, the language."""

    __slots__ = ("en", "group", "id", "lang", "made", "memo", "pack", "params", "remedy", "rule")

    def __init__(self, rule: Rule, pack: RulePack, lang: str) -> None:
        self.rule = rule
        self.pack = pack
        self.lang = lang
        self.en = lang == "en"
        self.id = rule.id
        self.group = rule.group
        self.params: Mapping[str, Any] = rule.params
        self.remedy = rule.remedy(lang)
        self.memo: dict[Any, Check] = {}
        # Checks by status and message: a worded message (a person's findings,
        # a violation) recurs across profiles, and its check is built and
        # encoded once.
        self.made: dict[tuple[str, str], Check] = {}

    def remember(self, key: Any, check: Check) -> Check:
        """Keep ``check`` for ``key``: profiles repeat registration dates,
        capitals, regions, and a client's credit code, domain and filing number
        from one assessment to the next. Bounded: emptied when full."""
        return _remember(self.memo, key, check)

    def t(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def _check(self, status: str, message: str) -> Check:
        key = (status, message)
        check = self.made.get(key)
        if check is None:
            remedy = None if status == PASS else self.remedy
            check = _remember(self.made, key, make_check(self.id, self.group, status, message, remedy))
        return check

    def ok(self, message: str) -> Check:
        return self._check(PASS, message)

    def fail(self, message: str) -> Check:
        return self._check(FAIL, message)

    def unknown(self, message: str) -> Check:
        return self._check(UNKNOWN, message)


def _join(ctx: _Ctx, items: Iterable[str]) -> str:
    return ("; " if ctx.en else "；").join(items)


def _list(ctx: _Ctx, items: Iterable[str]) -> str:
    return (", " if ctx.en else "、").join(items)


def _money(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


_FORM_NAMES = {
    "limited_company": ("有限责任公司", "limited liability company"),
    "joint_stock_company": ("股份有限公司", "joint stock company"),
    "individual_business": ("个体工商户", "individual business"),
    "partnership": ("合伙企业", "partnership"),
    "sole_proprietorship": ("个人独资企业", "sole proprietorship"),
    "branch": ("分公司", "branch"),
    "other": ("其他", "other"),
}
_FORM_REASONS = {
    "individual_business": (
        "个体工商户不能申请，申请主体须为企业法人",
        "an individual business cannot apply: the applicant must be an enterprise legal person",
    ),
    "partnership": (
        "合伙企业不是企业法人，不能申请",
        "a partnership is not an enterprise legal person and cannot apply",
    ),
    "sole_proprietorship": (
        "个人独资企业不是企业法人，不能申请",
        "a sole proprietorship is not an enterprise legal person and cannot apply",
    ),
    "branch": (
        "分公司不是独立法人，应由总公司申请",
        "a branch is not a legal person of its own: the head company must apply",
    ),
}


def _legal_form(ctx: _Ctx) -> Evaluator:
    allowed = frozenset(ctx.params.get("allowed", ()))
    refused = frozenset(ctx.params.get("refused", ()))
    idx = 1 if ctx.en else 0
    passes = {
        form: ctx.ok(ctx.t(f"法律形式：{_FORM_NAMES[form][0]}", f"legal form: {_FORM_NAMES[form][1]}"))
        for form in allowed
        if form in _FORM_NAMES
    }
    missing = ctx.unknown(ctx.t("未提供法律形式", "the legal form is not given"))
    other = ctx.unknown(
        ctx.t(
            "法律形式为“其他”，需人工核实是否为企业法人",
            "the legal form is “other”: check by hand whether it is an enterprise legal person",
        )
    )
    known = ", ".join(_FORM_NAMES)

    def evaluate(p: Profile, on: date) -> Check:
        form = p.enterprise.legal_form
        if form is None or not form.strip():
            return missing
        hit = passes.get(form)
        if hit is not None:
            return hit
        if form in allowed:
            return ctx.ok(ctx.t(f"法律形式：{form}", f"legal form: {form}"))
        if form == "other":
            return other
        if form in refused:
            reason = _FORM_REASONS.get(form)
            if reason is not None:
                return ctx.fail(reason[idx])
            return ctx.fail(ctx.t(f"法律形式“{form}”不能申请", f"the legal form “{form}” cannot apply"))
        return ctx.fail(
            ctx.t(
                f"未知的法律形式“{form}”（应为 {known} 之一）",
                f"unknown legal form “{form}” (expected one of {known})",
            )
        )

    return evaluate


def _fold(text: str) -> str:
    return text.strip().casefold()


def _province(ctx: _Ctx) -> Evaluator:
    pack = ctx.pack
    aliases = frozenset(_fold(a) for a in pack.province_aliases)
    cities = pack.cities
    province = pack.province
    missing = ctx.unknown(ctx.t("未提供注册省份", "the province of registration is not given"))

    def city_ok(city: str) -> bool:
        return not cities or any(c == city or c.startswith(city) for c in cities)

    def evaluate(p: Profile, on: date) -> Check:
        e = p.enterprise
        key = (e.province, e.city)
        hit = ctx.memo.get(key)
        if hit is not None:
            return hit
        return ctx.remember(key, make(e.province, e.city))

    def make(province_given: str | None, city_given: str | None) -> Check:
        if province_given is None or not province_given.strip():
            return missing
        if _fold(province_given) not in aliases:
            return ctx.fail(
                ctx.t(
                    f"注册地为“{province_given}”，不在{province}",
                    f"registered in “{province_given}”, not in {province}",
                )
            )
        city = (city_given or "").strip()
        if city and not city_ok(city):
            return ctx.fail(ctx.t(f"城市“{city}”不属于{province}", f"the city “{city}” is not in {province}"))
        return ctx.ok(ctx.t(f"注册地：{province}{city}", f"registered in {province} {city}".rstrip()))

    return evaluate


def _age(ctx: _Ctx) -> Evaluator:
    years = int(ctx.params.get("min_age_years", 1))
    missing = ctx.unknown(ctx.t("未提供注册日期", "the registration date is not given"))

    def evaluate(p: Profile, on: date) -> Check:
        registered = p.enterprise.registered_on
        if registered is None:
            return missing
        ready = add_years(registered, years)
        key = (registered, ready <= on)
        hit = ctx.memo.get(key)
        if hit is not None:
            return hit
        return ctx.remember(key, make(registered, ready, on))

    def make(registered: date, ready: date, on: date) -> Check:
        if ready <= on:
            return ctx.ok(
                ctx.t(
                    f"注册于 {registered.isoformat()}，已满 {years} 年",
                    f"registered on {registered.isoformat()}, at least {years} year(s) ago",
                )
            )
        return ctx.fail(
            ctx.t(
                f"注册于 {registered.isoformat()}，至 {ready.isoformat()} 才满 {years} 年",
                f"registered on {registered.isoformat()}: {years} year(s) only on {ready.isoformat()}",
            )
        )

    return evaluate


def _scope(ctx: _Ctx) -> Evaluator:
    keywords = tuple(_fold(k) for k in ctx.params.get("keywords", ()))
    originals = tuple(ctx.params.get("keywords", ()))
    missing = ctx.unknown(ctx.t("未提供经营范围", "the business scope is not given"))
    absent = ctx.fail(
        ctx.t(
            "经营范围未包含“互联网信息服务”或在线交易平台服务",
            "the business scope names neither internet information services nor online trading platform "
            "services",
        )
    )

    def evaluate(p: Profile, on: date) -> Check:
        scope = p.enterprise.business_scope
        if scope is None:
            return missing
        hit = ctx.memo.get(scope)
        return hit if hit is not None else ctx.remember(scope, make(scope))

    def make(scope: str) -> Check:
        if not scope.strip():
            return missing
        folded = scope.casefold()
        for keyword, original in zip(keywords, originals, strict=True):
            if keyword in folded:
                return ctx.ok(ctx.t(f"经营范围包含“{original}”", f"the business scope names “{original}”"))
        return absent

    return evaluate


def _uscc_rule(ctx: _Ctx) -> Evaluator:
    missing = ctx.unknown(ctx.t("未提供统一社会信用代码", "the unified social credit code is not given"))

    memo = ctx.memo

    def evaluate(p: Profile, on: date) -> Check:
        value = p.enterprise.uscc
        if value is None:
            return missing
        hit = memo.get(value)
        return hit if hit is not None else ctx.remember(value, make(value))

    def make(value: str) -> Check:
        if not value.strip():
            return missing
        try:
            result = normalize_uscc(value)
        except IdentifierError as error:
            return ctx.fail(error.message(ctx.lang))
        return ctx.ok(
            ctx.t(f"统一社会信用代码 {result} 校验通过", f"unified social credit code {result} is valid")
        )

    return evaluate


def _credit(ctx: _Ctx) -> Evaluator:
    passed = ctx.ok(
        ctx.t(
            "未列入经营异常名录或严重违法失信名单",
            "on neither the abnormal-operations nor the serious-violation list",
        )
    )
    abnormal = ctx.t("已列入经营异常名录", "on the abnormal-operations list")
    serious = ctx.t("已列入严重违法失信名单", "on the serious-violation list")
    missing_abnormal = ctx.t("未说明是否列入经营异常名录", "not said whether on the abnormal-operations list")
    missing_serious = ctx.t(
        "未说明是否列入严重违法失信名单", "not said whether on the serious-violation list"
    )

    def evaluate(p: Profile, on: date) -> Check:
        a = p.enterprise.on_abnormal_list
        s = p.enterprise.on_serious_violation_list
        if a is False and s is False:
            return passed
        hit = ctx.memo.get((a, s))
        return hit if hit is not None else ctx.remember((a, s), make(a, s))

    def make(a: bool | None, s: bool | None) -> Check:
        bad = [text for flag, text in ((a, abnormal), (s, serious)) if flag]
        if bad:
            return ctx.fail(_join(ctx, bad))
        gaps = [text for flag, text in ((a, missing_abnormal), (s, missing_serious)) if flag is None]
        return ctx.unknown(_join(ctx, gaps))

    return evaluate


_NO_SITE = ("未提供网站信息", "no website information given")


def _holder_key(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")").casefold()


def _domain_rule(ctx: _Ctx) -> Evaluator:
    no_site = ctx.unknown(ctx.t(*_NO_SITE))
    missing = ctx.unknown(ctx.t("未提供网站域名", "the domain is not given"))

    memo = ctx.memo

    def evaluate(p: Profile, on: date) -> Check:
        w = p.website
        if w is None:
            return no_site
        if w.domain is None:
            return missing
        key = (w.domain, w.domain_holder, p.enterprise.name)
        hit = memo.get(key)
        return hit if hit is not None else ctx.remember(key, make(*key))

    def make(domain: str, holder: str | None, name: str) -> Check:
        if not domain.strip():
            return missing
        try:
            info = normalize_domain(domain)
        except IdentifierError as error:
            return ctx.fail(error.message(ctx.lang))
        shown = info.registrable if info.registrable.isascii() else info.registrable_unicode
        if holder is None or not holder.strip():
            return ctx.unknown(
                ctx.t(f"未提供域名 {shown} 的持有人", f"the holder of the domain {shown} is not given")
            )
        if holder != name and _holder_key(holder) != _holder_key(name):
            return ctx.fail(
                ctx.t(
                    f"域名 {shown} 的持有人“{holder}”不是本企业“{name}”",
                    f"the domain {shown} is held by “{holder}”, not by “{name}”",
                )
            )
        return ctx.ok(
            ctx.t(f"独立域名 {shown}，持有人为本企业", f"independent domain {shown}, held by the enterprise")
        )

    return evaluate


def _filing_rule(ctx: _Ctx) -> Evaluator:
    no_site = ctx.unknown(ctx.t(*_NO_SITE))
    missing = ctx.unknown(ctx.t("未提供ICP备案号", "the ICP filing number is not given"))
    abbreviation = ctx.pack.abbreviation if ctx.params.get("same_province", False) else ""

    memo = ctx.memo

    def evaluate(p: Profile, on: date) -> Check:
        w = p.website
        if w is None:
            return no_site
        value = w.icp_filing_number
        if value is None:
            return missing
        hit = memo.get(value)
        return hit if hit is not None else ctx.remember(value, make(value))

    def make(value: str) -> Check:
        if not value.strip():
            return missing
        try:
            filing = normalize_icp_filing(value)
        except IdentifierError as error:
            return ctx.fail(error.message(ctx.lang))
        if abbreviation and filing.province != abbreviation:
            return ctx.fail(
                ctx.t(
                    f"备案号 {filing.number} 属于“{filing.province}”，"
                    f"不是{ctx.pack.province}（{abbreviation}）的备案",
                    f"the filing {filing.number} is from “{filing.province}”, not from "
                    f"{ctx.pack.province} ({abbreviation})",
                )
            )
        return ctx.ok(ctx.t(f"ICP备案号 {filing.number}", f"ICP filing {filing.number}"))

    return evaluate


_MAINLAND = frozenset(
    f"CN-{code}"
    for code in (
        "BJ",
        "TJ",
        "HE",
        "SX",
        "NM",
        "LN",
        "JL",
        "HL",
        "SH",
        "JS",
        "ZJ",
        "AH",
        "FJ",
        "JX",
        "SD",
        "HA",
        "HB",
        "HN",
        "GD",
        "GX",
        "HI",
        "CQ",
        "SC",
        "GZ",
        "YN",
        "XZ",
        "SN",
        "GS",
        "QH",
        "NX",
        "XJ",
    )
)
_REGION_NAMES = {
    "CN-HK": ("香港", "Hong Kong"),
    "CN-MO": ("澳门", "Macao"),
    "CN-TW": ("台湾", "Taiwan"),
    "HK": ("香港", "Hong Kong"),
    "MO": ("澳门", "Macao"),
    "TW": ("台湾", "Taiwan"),
    "US": ("美国", "the United States"),
    "SG": ("新加坡", "Singapore"),
    "JP": ("日本", "Japan"),
    "KR": ("韩国", "South Korea"),
    "DE": ("德国", "Germany"),
    "GB": ("英国", "the United Kingdom"),
    "RU": ("俄罗斯", "Russia"),
    "KZ": ("哈萨克斯坦", "Kazakhstan"),
}


def _server_rule(ctx: _Ctx) -> Evaluator:
    no_site = ctx.unknown(ctx.t(*_NO_SITE))
    missing = ctx.unknown(ctx.t("未提供服务器所在地区", "the server regions are not given"))
    not_mainland = frozenset(ctx.params.get("not_mainland", ("CN-HK", "CN-MO", "CN-TW")))
    idx = 1 if ctx.en else 0

    def describe(code: str) -> str:
        names = _REGION_NAMES.get(code)
        return f"{names[idx]} ({code})" if ctx.en and names else f"{names[idx]}（{code}）" if names else code

    def evaluate(p: Profile, on: date) -> Check:
        w = p.website
        if w is None:
            return no_site
        regions = w.server_regions
        if not regions:
            return missing
        hit = ctx.memo.get(regions)
        return hit if hit is not None else ctx.remember(regions, make(regions))

    def make(regions: tuple[str, ...]) -> Check:
        outside: list[str] = []
        invalid: list[str] = []
        for raw in regions:
            code = raw.strip().upper()
            if code in _MAINLAND or code == "CN":
                continue
            if code in not_mainland or (len(code) == 2 and code.isalpha()):
                outside.append(describe(code))
            elif code.startswith("CN-") or len(code) < 4 or code[2] != "-" or not code[:2].isalpha():
                invalid.append(raw)
            else:  # a foreign subdivision such as US-CA
                outside.append(describe(code))
        if outside:
            return ctx.fail(
                ctx.t(
                    f"服务器位于{_list(ctx, outside)}，不在中国大陆境内（港澳台及境外不计）",
                    f"servers in {_list(ctx, outside)}: not mainland China (Hong Kong, Macao, Taiwan and "
                    "abroad do not count)",
                )
            )
        if invalid:
            return ctx.fail(
                ctx.t(
                    f"无法识别的地区代码：{_list(ctx, invalid)}（应为 ISO 3166-2 代码，如 CN-GS）",
                    f"unrecognised region code(s): {_list(ctx, invalid)} (expected ISO 3166-2, e.g. CN-GS)",
                )
            )
        codes = _list(ctx, dict.fromkeys(r.strip().upper() for r in regions))
        return ctx.ok(ctx.t(f"服务器位于中国大陆境内：{codes}", f"servers in mainland China: {codes}"))

    return evaluate


def _modules_rule(ctx: _Ctx) -> Evaluator:
    required: Sequence[str] = tuple(ctx.params.get("required_modules", ()))
    names: Mapping[str, str] = ctx.params.get("module_names_en" if ctx.en else "module_names_zh", {})
    no_site = ctx.unknown(ctx.t(*_NO_SITE))
    missing = ctx.unknown(ctx.t("未提供网站功能模块", "the site's modules are not given"))
    passed = ctx.ok(
        ctx.t(f"具备全部 {len(required)} 个交易功能模块", f"all {len(required)} trading modules are live")
    )

    def evaluate(p: Profile, on: date) -> Check:
        w = p.website
        if w is None:
            return no_site
        if w.modules is None:
            return missing
        hit = ctx.memo.get(w.modules)
        return hit if hit is not None else ctx.remember(w.modules, make(w.modules))

    def make(modules: tuple[str, ...]) -> Check:
        have = set(modules)
        lacking = [names.get(m, m) for m in required if m not in have]
        if not lacking:
            return passed
        return ctx.fail(
            ctx.t(f"缺少功能模块：{_list(ctx, lacking)}", f"missing modules: {_list(ctx, lacking)}")
        )

    return evaluate


def _content_rule(ctx: _Ctx) -> Evaluator:
    no_site = ctx.unknown(ctx.t(*_NO_SITE))
    missing = ctx.unknown(ctx.t("未说明网站内容是否合规", "not said whether the content is compliant"))
    passed = ctx.ok(ctx.t("网站内容合规", "no prohibited content"))
    failed = ctx.fail(
        ctx.t(
            "网站含有色情、暴力、赌博等违法违规内容",
            "the site carries prohibited content (pornography, violence, gambling or other unlawful content)",
        )
    )

    def evaluate(p: Profile, on: date) -> Check:
        w = p.website
        if w is None:
            return no_site
        c = w.content_compliant
        return missing if c is None else passed if c else failed

    return evaluate


def finance_services(services: Iterable[str], keywords: Iterable[str]) -> list[str]:
    """The services that are financial (installment, lending, payment, ...)."""
    folded = tuple(k.casefold() for k in keywords)
    return [s for s in services if any(k in s.casefold() for k in folded)]


def _services_rule(ctx: _Ctx) -> Evaluator:
    keywords = tuple(ctx.params.get("finance_keywords", ()))
    no_site = ctx.unknown(ctx.t(*_NO_SITE))
    missing = ctx.unknown(ctx.t("未说明网站提供的服务", "the site's services are not given"))
    passed = ctx.ok(ctx.t("未提供金融服务", "no financial services"))

    def evaluate(p: Profile, on: date) -> Check:
        w = p.website
        if w is None:
            return no_site
        if w.services is None:
            return missing
        if not w.services:
            return passed
        key = (w.services, w.financial_authorisation)
        hit = ctx.memo.get(key)
        return hit if hit is not None else ctx.remember(key, make(*key))

    def make(services: tuple[str, ...], authorised: bool | None) -> Check:
        finance = finance_services(services, keywords)
        if not finance:
            return passed
        listed = _list(ctx, (service_label(s, ctx.lang) for s in finance))
        if authorised:
            return ctx.ok(
                ctx.t(
                    f"金融服务（{listed}）已取得金融监管部门许可；ICP许可证不涵盖这些服务",
                    f"the financial services ({listed}) are authorised by the financial regulator; the ICP "
                    "license does not cover them",
                )
            )
        return ctx.fail(
            ctx.t(
                f"提供未经许可的金融服务：{listed}（ICP许可证不涵盖，属超范围经营）",
                f"unauthorised financial services: {listed} (not covered by the ICP license: out of scope)",
            )
        )

    return evaluate


def _cert_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " -_+·/")


def _security_rule(ctx: _Ctx) -> Evaluator:
    params = ctx.params
    min_months = int(params.get("min_insured_months", 1))
    keywords = tuple(k.casefold() for k in params.get("background_keywords", ()))
    certificates = frozenset(_cert_key(c) for c in params.get("certificates", ()))
    province = str(params.get("insured_province", ""))
    aliases = frozenset(_fold(a) for a in ctx.pack.province_aliases) | {_fold(province)} if province else None
    missing = ctx.unknown(ctx.t("未提供网络安全管理人员信息", "no security staff given"))
    nobody = ctx.fail(ctx.t("未配备网络安全管理人员", "no network-security manager"))
    t = ctx.t
    part_time = t("非专职（兼职）", "not full-time")
    full_time_unknown = t("未说明是否专职", "full-time not stated")
    major_unknown = t("未提供专业", "major not given")
    certs_unknown = t("未提供证书", "certificates not given")
    no_certs = t("无认可的网络安全证书", "no recognised security certificate")
    province_unknown = t("未提供社保缴纳地", "province of social insurance not given")
    months_unknown = t("未提供社保缴纳月数", "months of social insurance not given")
    months_short = t(
        f"社保缴纳不足 {min_months} 个月", f"less than {min_months} month(s) of social insurance"
    )

    qualified: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def review(s: StaffMember, on: date) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What ``s`` misses (fails) and what is not known; the findings on the
        employment and qualifications repeat from person to person and are kept."""
        key = (s.full_time, s.major, s.certificates, s.insured_province, s.insured_months)
        found = qualified.get(key) or _remember(qualified, key, qualifications(s))
        if s.id_number:
            error = _id_number_error(s.id_number, on)
            if error is not None:
                return (*found[0], error.message(ctx.lang)), found[1]
        return found

    def qualifications(s: StaffMember) -> tuple[tuple[str, ...], tuple[str, ...]]:
        misses: list[str] = []
        gaps: list[str] = []
        if s.full_time is None:
            gaps.append(full_time_unknown)
        elif not s.full_time:
            misses.append(part_time)
        if s.major is None or not s.major.strip():
            gaps.append(major_unknown)
        else:
            major = s.major.casefold()
            if not any(k in major for k in keywords):
                misses.append(
                    t(
                        f"专业“{s.major}”不属于计算机或网络安全相关专业",
                        f"the major “{s.major}” is not computing or cyber security",
                    )
                )
        if s.certificates is None:
            gaps.append(certs_unknown)
        elif not any(_cert_key(c) in certificates for c in s.certificates):
            misses.append(no_certs)
        if aliases is not None:
            if s.insured_province is None or not s.insured_province.strip():
                gaps.append(province_unknown)
            elif _fold(s.insured_province) not in aliases:
                misses.append(
                    t(
                        f"社保缴纳地为“{s.insured_province}”，不在{province}",
                        f"social insurance paid in “{s.insured_province}”, not in {province}",
                    )
                )
        if s.insured_months is None:
            gaps.append(months_unknown)
        elif s.insured_months < min_months:
            misses.append(months_short)
        return tuple(misses), tuple(gaps)

    def label(i: int, s: StaffMember) -> str:
        return s.name.strip() if s.name and s.name.strip() else t(f"第{i + 1}人", f"person {i + 1}")

    def evaluate(p: Profile, on: date) -> Check:
        staff = p.security_staff
        if staff is None:
            return missing
        if not staff:
            return nobody
        failed: list[str] = []
        undecided: list[str] = []
        for i, s in enumerate(staff):
            misses, gaps = review(s, on)
            if not misses and not gaps:
                return ctx.ok(
                    t(
                        f"{label(i, s)}：专职、专业与证书符合要求，已在{province or '本企业'}缴纳社保",
                        f"{label(i, s)}: full-time, qualified, certified and insured"
                        + (f" in {province}" if province else ""),
                    )
                )
            if misses:
                failed.append(f"{label(i, s)}{t('：', ': ')}{_list(ctx, misses)}")
            else:
                undecided.append(f"{label(i, s)}{t('：', ': ')}{_list(ctx, gaps)}")
        if undecided:
            return ctx.unknown(_join(ctx, undecided + failed))
        return ctx.fail(_join(ctx, failed))

    return evaluate


def _capital_rule(ctx: _Ctx) -> Evaluator:
    minimum = int(ctx.params.get("min_capital_cny", 1_000_000))
    missing = ctx.unknown(ctx.t("未提供注册资本", "the registered capital is not given"))

    def evaluate(p: Profile, on: date) -> Check:
        capital = p.enterprise.registered_capital_cny
        if capital is None:
            return missing
        hit = ctx.memo.get(capital)
        if hit is not None:
            return hit
        return ctx.remember(capital, make(capital))

    def make(capital: float) -> Check:
        if capital >= minimum:
            return ctx.ok(
                ctx.t(f"注册资本 {_money(capital)} 元", f"registered capital {_money(capital)} CNY")
            )
        return ctx.fail(
            ctx.t(
                f"注册资本 {_money(capital)} 元，低于 {_money(minimum)} 元",
                f"registered capital {_money(capital)} CNY, less than {_money(minimum)} CNY",
            )
        )

    return evaluate


def _proof_rule(ctx: _Ctx) -> Evaluator:
    months = int(ctx.params.get("bank_statement_months", 3))
    missing = ctx.unknown(ctx.t("未提供资金证明信息", "no capital proof given"))
    report = ctx.ok(ctx.t("有验资报告", "capital verification report available"))

    def evaluate(p: Profile, on: date) -> Check:
        cp = p.capital_proof
        if cp is None:
            return missing
        if cp.verification_report:
            return report
        key = (cp.verification_report, cp.bank_statement_months)
        hit = ctx.memo.get(key)
        return hit if hit is not None else ctx.remember(key, make(*key))

    def make(verification_report: bool | None, have: int | None) -> Check:
        if have is not None and have >= months:
            return ctx.ok(ctx.t(f"有 {have} 个月基本户流水", f"{have} months of basic-account statements"))
        if verification_report is None or have is None:
            return ctx.unknown(
                ctx.t(
                    f"未说明是否有验资报告或 {months} 个月银行流水",
                    f"not said whether there is a verification report or {months} months of statements",
                )
            )
        return ctx.fail(
            ctx.t(
                f"无验资报告，基本户流水仅 {have} 个月（需 {months} 个月）",
                f"no verification report and only {have} month(s) of statements ({months} needed)",
            )
        )

    return evaluate


def _history_rule(ctx: _Ctx) -> Evaluator:
    years = int(ctx.params.get("history_years", 2))
    missing = ctx.unknown(ctx.t("未提供违规记录", "the violation history is not given"))
    clean = ctx.ok(ctx.t(f"近 {years} 年无违规", f"no violation in the last {years} years"))

    def evaluate(p: Profile, on: date) -> Check:
        h = p.history
        if h is None or h.violations is None:
            return missing
        if not h.violations:
            return clean
        cutoff = add_years(on, -years)
        recent = [v for v in h.violations if v.date >= cutoff]
        if not recent:
            latest = max(v.date for v in h.violations).isoformat()
            return ctx.ok(
                ctx.t(
                    f"近 {years} 年无违规（最近一次为 {latest}）",
                    f"no violation in the last {years} years (the latest on {latest})",
                )
            )
        listed = _join(
            ctx,
            (
                f"{v.date.isoformat()} {v.description}" if v.description else v.date.isoformat()
                for v in recent
            ),
        )
        return ctx.fail(
            ctx.t(
                f"{cutoff.isoformat()} 以来有违规：{listed}",
                f"violation(s) since {cutoff.isoformat()}: {listed}",
            )
        )

    return evaluate


def _ban_rule(ctx: _Ctx) -> Evaluator:
    ban = ctx.pack.limits.get("ban")
    missing = ctx.unknown(ctx.t("未提供禁止申请记录", "the bar history is not given"))
    clean = ctx.ok(ctx.t("不在禁止申请期内", "not barred from applying"))

    def evaluate(p: Profile, on: date) -> Check:
        h = p.history
        if h is None:
            return missing
        if h.barred_until is not None and on <= h.barred_until:
            until = h.barred_until.isoformat()
            return ctx.fail(ctx.t(f"禁止申请至 {until}", f"barred from applying until {until}"))
        if h.false_materials_on is not None and ban is not None:
            free = _add_period(h.false_materials_on, ban.value, ban.unit)
            if on < free:
                rejected = h.false_materials_on.isoformat()
                return ctx.fail(
                    ctx.t(
                        f"{rejected} 因提供虚假材料被驳回，{free.isoformat()} 前不得再次申请",
                        f"rejected for false materials on {rejected}: may not apply again before "
                        f"{free.isoformat()}",
                    )
                )
        return clean

    return evaluate


_FACTORIES: dict[str, Callable[[_Ctx], Evaluator]] = {
    "entity.legal_form": _legal_form,
    "entity.province": _province,
    "entity.age": _age,
    "entity.business_scope": _scope,
    "entity.uscc": _uscc_rule,
    "entity.credit_standing": _credit,
    "site.domain": _domain_rule,
    "site.domain_filing": _filing_rule,
    "site.server_location": _server_rule,
    "site.trading_modules": _modules_rule,
    "site.content": _content_rule,
    "site.out_of_scope_services": _services_rule,
    "staff.security_manager": _security_rule,
    "capital.registered": _capital_rule,
    "capital.proof": _proof_rule,
    "compliance.history": _history_rule,
    "compliance.ban": _ban_rule,
}


@functools.cache
def compile_pack(pack: RulePack, lang: str = "zh-hans") -> tuple[Evaluator, ...]:
    """The pack's evaluators in order, for ``lang``; cached per pack and language."""
    lang = normalize_lang(lang)
    evaluators = []
    for rule in pack.rules:
        ctx = _Ctx(rule, pack, lang)
        evaluators.append(_FACTORIES[rule.id](ctx))
    return tuple(evaluators)


def clear_memos() -> None:
    """Forget every remembered check, identifier verdict and JSON fragment: the
    next assessments run from cold, as in a fresh process."""
    compile_pack.cache_clear()
    _id_number_error.cache_clear()
    _LICENSE_JSON.clear()
    _HEAD_JSON.clear()
    clear_advice()


def assess(profile: Profile, pack: RulePack, on: date | None = None, lang: str = "zh-hans") -> Assessment:
    """Assess ``profile`` against ``pack`` on the date ``on`` (which overrides the
    profile's ``assessed_on``; without either, today)."""
    lang = normalize_lang(lang)
    day = on or profile.assessed_on or date.today()
    checks = tuple([evaluate(profile, day) for evaluate in compile_pack(pack, lang)])
    statuses = {c[2] for c in checks}
    verdict = "not_eligible" if FAIL in statuses else "incomplete" if UNKNOWN in statuses else "eligible"
    return _assessment_of(
        verdict, pack.id, pack.version, day, checks, license_advice(profile, pack, lang), lang
    )
