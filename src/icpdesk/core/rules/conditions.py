"""The eligibility conditions, one small function each, and the table of them.

A condition receives the rule pack, the rule's parameters from the pack, the
assessment date when it needs one (``dated``) and, after them, exactly the
profile values named in its ``reads`` (``None`` when absent), in that order.
It returns a :class:`Result`: a status and a message key of
:mod:`icpdesk.core.rules.messages` with its parameters. It sees nothing else
of the profile, which is what lets the engine remember its answers by those
values (see ``engine._MEMO``).

Missing information is never a pass: a value the condition needs that is
``None`` gives ``unknown``. Facts that contradict each other (a credit code of
an individual business for a limited company, a filing from another province,
a violation dated after the assessment) fail, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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
from icpdesk.core.periods import add_months, add_years
from icpdesk.core.rules.advice import finance_services, service_label
from icpdesk.core.rules.messages import CATALOGUE, Findings, Items, Message, Text
from icpdesk.core.rules.packs import RulePack
from icpdesk.core.rules.profile import LEGAL_FORMS, StaffMember, Violation
from icpdesk.core.rules.reference import (
    FORM_NAMES,
    MAINLAND,
    REGION_NAMES,
    USCC_KINDS,
    expected_uscc_kind,
    platform_suffix,
    province_abbreviations,
    scope_mentions,
)

__all__ = ["FAIL", "PASS", "RULES", "UNKNOWN", "Condition", "Result", "StaffRequirements"]

PASS = "pass"  # noqa: S105 - a status, not a password
FAIL = "fail"
UNKNOWN = "unknown"

Params = Mapping[str, Any]


class Result(NamedTuple):
    status: str
    key: str
    params: Mapping[str, Any]


def passed(key: str, **params: Any) -> Result:
    return Result(PASS, key, params)


def failed(key: str, **params: Any) -> Result:
    return Result(FAIL, key, params)


def unknown(key: str, **params: Any) -> Result:
    return Result(UNKNOWN, key, params)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _fold(text: str) -> str:
    return text.strip().casefold()


def _reason(error: IdentifierError) -> Text:
    return Text(error.message_zh, error.message_en)


def _money(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


# ------------------------------------------------------------------ entity


def legal_form(pack: RulePack, params: Params, form: str | None, uscc: str | None) -> Result:
    if _blank(form):
        return unknown("entity.legal_form.missing")
    assert form is not None
    shown = FORM_NAMES.get(form, form)
    allowed = form in params.get("allowed", ())
    # Characters 1-2 of the credit code say what the registry registered. A
    # contradiction is reported here, not by entity.uscc: the code itself is
    # well formed (entity.uscc checks that); it is the legal form given that the
    # registry's record does not bear out. A form refused anyway keeps its own
    # reason, and a code whose first characters are no pair of the standard is
    # left to entity.uscc, which fails it.
    prefix = uscc.strip().upper()[:2] if uscc else ""
    kind = USCC_KINDS.get(prefix)
    if kind is not None and (allowed or form == "other"):
        expected = expected_uscc_kind(form)
        if expected is not None and prefix != expected:
            return failed("entity.legal_form.uscc_contradicts", prefix=prefix, kind=kind, form=shown)
        if expected is None and prefix != "91":
            return failed("entity.legal_form.uscc_not_enterprise", prefix=prefix, kind=kind)
    if allowed:
        return passed("entity.legal_form.pass", form=shown)
    if form == "other":
        return unknown("entity.legal_form.other")
    if form in params.get("refused", ()):
        if f"entity.legal_form.{form}" in CATALOGUE:  # a refusal worded for this form
            return failed(f"entity.legal_form.{form}")
        return failed("entity.legal_form.refused", form=form)
    return failed("entity.legal_form.unknown_form", form=form, known=", ".join(LEGAL_FORMS))


def province(pack: RulePack, params: Params, given: str | None, city: str | None) -> Result:
    if _blank(given):
        return unknown("entity.province.missing")
    assert given is not None
    if _fold(given) not in {_fold(alias) for alias in pack.province_aliases}:
        return failed("entity.province.elsewhere", given=given, province=pack.province)
    # The city is optional: the province decides; a city, when given, must be in it.
    city = (city or "").strip()
    if city and pack.cities and not any(c == city or c.startswith(city) for c in pack.cities):
        return failed("entity.province.city", city=city, province=pack.province)
    return passed("entity.province.pass", province=pack.province, city=Text(city, f" {city}" if city else ""))


def age(pack: RulePack, params: Params, on: date, registered: date | None) -> Result:
    if registered is None:
        return unknown("entity.age.missing")
    if registered > on:
        return failed("entity.age.future", registered=registered.isoformat(), on=on.isoformat())
    years = int(params.get("min_age_years", 1))
    ready = add_years(registered, years)
    if ready <= on:
        return passed("entity.age.pass", registered=registered.isoformat(), years=years)
    return failed("entity.age.fail", registered=registered.isoformat(), ready=ready.isoformat(), years=years)


def business_scope(pack: RulePack, params: Params, scope: str | None) -> Result:
    if _blank(scope):
        return unknown("entity.business_scope.missing")
    assert scope is not None
    keyword, exclusion = scope_mentions(scope, tuple(params.get("keywords", ())))
    if keyword is not None:
        return passed("entity.business_scope.pass", keyword=keyword)
    if exclusion is not None:
        return failed("entity.business_scope.excluded", keyword=exclusion.keyword, item=exclusion.item)
    return failed("entity.business_scope.fail")


def uscc(pack: RulePack, params: Params, value: str | None) -> Result:
    if _blank(value):
        return unknown("entity.uscc.missing")
    assert value is not None
    try:
        code = normalize_uscc(value)
    except IdentifierError as error:
        return failed("entity.uscc.invalid", reason=_reason(error))
    return passed("entity.uscc.pass", code=code)


def credit_standing(pack: RulePack, params: Params, abnormal: bool | None, serious: bool | None) -> Result:
    flags = (
        (abnormal, "entity.credit_standing.abnormal", "entity.credit_standing.abnormal_unknown"),
        (serious, "entity.credit_standing.serious", "entity.credit_standing.serious_unknown"),
    )
    listed = [Message(on_list) for flag, on_list, _ in flags if flag]
    if listed:
        return failed("entity.credit_standing.listed", lists=Findings(listed))
    gaps = [Message(not_said) for flag, _, not_said in flags if flag is None]
    if gaps:
        return unknown("entity.credit_standing.not_said", lists=Findings(gaps))
    return passed("entity.credit_standing.pass")


# ------------------------------------------------------------------ site


def _holder_key(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")").casefold()


def domain(pack: RulePack, params: Params, value: str | None, holder: str | None, name: str) -> Result:
    if _blank(value):
        return unknown("site.domain.missing")
    assert value is not None
    try:
        info = normalize_domain(value)
    except IdentifierError as error:
        return failed("site.domain.invalid", reason=_reason(error))
    suffix = platform_suffix(info.domain)
    if suffix is not None:
        return failed("site.domain.platform", domain=info.unicode, suffix=suffix)
    shown = info.registrable if info.registrable.isascii() else info.registrable_unicode
    if _blank(holder):
        return unknown("site.domain.holder_missing", domain=shown)
    assert holder is not None
    if holder != name and _holder_key(holder) != _holder_key(name):
        return failed("site.domain.holder", domain=shown, holder=holder, name=name)
    return passed("site.domain.pass", domain=shown)


def domain_filing(
    pack: RulePack, params: Params, value: str | None, enterprise_province: str | None
) -> Result:
    if _blank(value):
        return unknown("site.domain_filing.missing")
    assert value is not None
    try:
        filing = normalize_icp_filing(value)
    except IdentifierError as error:
        return failed("site.domain_filing.invalid", reason=_reason(error))
    if params.get("same_province", False) and filing.province != pack.abbreviation:
        return failed(
            "site.domain_filing.pack_province",
            number=filing.number,
            filed=filing.province,
            province=pack.province,
            abbreviation=pack.abbreviation,
        )
    # A site is filed in the province where the enterprise is registered.
    abbreviations = province_abbreviations(enterprise_province) if enterprise_province else None
    if abbreviations is None:
        return unknown("site.domain_filing.province_unknown", number=filing.number)
    if filing.province not in abbreviations:
        return failed(
            "site.domain_filing.enterprise_province",
            number=filing.number,
            filed=filing.province,
            province=enterprise_province,
        )
    return passed("site.domain_filing.pass", number=filing.number)


def _region(code: str) -> Message | str:
    name = REGION_NAMES.get(code)
    return code if name is None else Message("site.server_location.region", {"name": name, "code": code})


def server_location(pack: RulePack, params: Params, regions: Sequence[str] | None) -> Result:
    if not regions:  # an empty list says nothing about where the servers are
        return unknown("site.server_location.missing")
    not_mainland = frozenset(params.get("not_mainland", ("CN-HK", "CN-MO", "CN-TW")))
    outside: list[Message | str] = []
    invalid: list[str] = []
    for raw in regions:
        code = raw.strip().upper()
        if code in MAINLAND or code == "CN":
            continue
        if code in not_mainland or (len(code) == 2 and code.isalpha()):
            outside.append(_region(code))
        elif code.startswith("CN-") or len(code) < 4 or code[2] != "-" or not code[:2].isalpha():
            invalid.append(raw)
        else:  # a foreign subdivision such as US-CA
            outside.append(_region(code))
    if outside:
        return failed("site.server_location.outside", regions=Items(outside))
    if invalid:
        return failed("site.server_location.invalid", codes=Items(invalid))
    codes = Items(dict.fromkeys(r.strip().upper() for r in regions))
    return passed("site.server_location.pass", codes=codes)


def trading_modules(pack: RulePack, params: Params, modules: Sequence[str] | None) -> Result:
    if modules is None:
        return unknown("site.trading_modules.missing")
    required: Sequence[str] = params.get("required_modules", ())
    zh: Mapping[str, str] = params.get("module_names_zh", {})
    en: Mapping[str, str] = params.get("module_names_en", {})
    lacking = [Text(zh.get(m, m), en.get(m, m)) for m in required if m not in modules]
    if lacking:
        return failed("site.trading_modules.fail", modules=Items(lacking))
    return passed("site.trading_modules.pass", count=len(required))


def content(pack: RulePack, params: Params, compliant: bool | None) -> Result:
    if compliant is None:
        return unknown("site.content.missing")
    return passed("site.content.pass") if compliant else failed("site.content.fail")


def out_of_scope_services(
    pack: RulePack, params: Params, services: Sequence[str] | None, authorised: bool | None
) -> Result:
    if services is None:
        return unknown("site.out_of_scope_services.missing")
    # [] is an answer (no extra services); the authorisation is asked only of
    # the financial services listed.
    finance = finance_services(services, params.get("finance_keywords", ()))
    if not finance:
        return passed("site.out_of_scope_services.pass")
    listed = Items(Text(service_label(s, "zh-hans"), service_label(s, "en")) for s in finance)
    if authorised:
        return passed("site.out_of_scope_services.authorised", services=listed)
    return failed("site.out_of_scope_services.fail", services=listed)


# ------------------------------------------------------------------ staff


_CERT_PUNCTUATION = str.maketrans("", "", " -_+·/")


def _cert_key(name: str) -> str:
    """A certificate's name to compare: ignoring case, spaces, hyphens and "+"."""
    return name.casefold().translate(_CERT_PUNCTUATION)


def _label(i: int, s: StaffMember) -> Message | str:
    return (
        s.name.strip() if s.name and s.name.strip() else Message("staff.security_manager.nth", {"n": i + 1})
    )


@dataclass(frozen=True, slots=True)
class StaffRequirements:
    """The pack's requirements for the security manager, in the form compared with."""

    min_months: int
    background: re.Pattern[str]  # any of the background keywords, ignoring case
    certificates: frozenset[str]  # as _cert_key gives them
    province: str  # where the insurance must be paid; "" for anywhere
    aliases: frozenset[str]  # the province's names, folded


def staff_requirements(pack: RulePack, params: Params) -> StaffRequirements:
    province = str(params.get("insured_province", ""))
    return StaffRequirements(
        min_months=int(params.get("min_insured_months", 1)),
        background=re.compile(
            "|".join(re.escape(k) for k in params.get("background_keywords", ())) or "(?!)", re.IGNORECASE
        ),
        certificates=frozenset(_cert_key(c) for c in params.get("certificates", ())),
        province=province,
        aliases=frozenset(_fold(a) for a in (*pack.province_aliases, province)) if province else frozenset(),
    )


def _review(s: StaffMember, need: StaffRequirements, on: date) -> tuple[list[Any], list[Any]]:
    """What candidate ``s`` definitely misses, and what is not known of them."""
    key = "staff.security_manager."
    misses: list[Any] = []
    gaps: list[Any] = []
    if s.full_time is None:
        gaps.append(Message(key + "full_time_unknown"))
    elif not s.full_time:
        misses.append(Message(key + "part_time"))
    if s.major is None or not s.major.strip():
        gaps.append(Message(key + "major_unknown"))
    elif need.background.search(s.major) is None:
        misses.append(Message(key + "major", {"major": s.major}))
    if s.certificates is None:
        gaps.append(Message(key + "certificates_unknown"))
    elif not any(_cert_key(c) in need.certificates for c in s.certificates):
        misses.append(Message(key + "no_certificate"))
    if need.province:
        if s.insured_province is None or not s.insured_province.strip():
            gaps.append(Message(key + "insured_province_unknown"))
        elif _fold(s.insured_province) not in need.aliases:
            misses.append(
                Message(key + "insured_elsewhere", {"given": s.insured_province, "province": need.province})
            )
    if s.insured_months is None:
        gaps.append(Message(key + "months_unknown"))
    elif s.insured_months < need.min_months:
        misses.append(Message(key + "months_short", {"months": need.min_months}))
    # The ID number is checked when given; the ID card copy itself is a material.
    if s.id_number is not None and s.id_number.strip():
        try:
            normalize_id_number(s.id_number, today=on)
        except IdentifierError as error:
            misses.append(Message(key + "id_number", {"reason": _reason(error)}))
    return misses, gaps


def security_manager(
    pack: RulePack, need: StaffRequirements, on: date, staff: Sequence[StaffMember] | None
) -> Result:
    if staff is None:
        return unknown("staff.security_manager.missing")
    if not staff:
        return failed("staff.security_manager.nobody")
    failing: list[Message] = []
    undecided: list[Message] = []
    for i, s in enumerate(staff):
        misses, gaps = _review(s, need, on)
        name = _label(i, s)
        if not misses and not gaps:
            where = Text(need.province or "本企业", f" in {need.province}" if need.province else "")
            return passed("staff.security_manager.pass", name=name, province=where)
        if misses:
            failing.append(
                Message("staff.security_manager.person", {"name": name, "problems": Items(misses)})
            )
        else:
            undecided.append(
                Message("staff.security_manager.person", {"name": name, "problems": Items(gaps)})
            )
    if undecided:
        return unknown("staff.security_manager.unknown", findings=Findings(undecided + failing))
    return failed("staff.security_manager.fail", findings=Findings(failing))


# ------------------------------------------------------------------ capital


def registered_capital(pack: RulePack, params: Params, capital: float | None) -> Result:
    if capital is None:
        return unknown("capital.registered.missing")
    minimum = int(params.get("min_capital_cny", 1_000_000))
    if capital >= minimum:
        return passed("capital.registered.pass", capital=_money(capital))
    return failed("capital.registered.fail", capital=_money(capital), minimum=_money(minimum))


def capital_proof(pack: RulePack, params: Params, report: bool | None, months: int | None) -> Result:
    needed = int(params.get("bank_statement_months", 3))
    # Either proof is enough: a report, or enough months of statements.
    if report:
        return passed("capital.proof.report")
    if months is not None and months >= needed:
        return passed("capital.proof.statements", months=months)
    if report is None or months is None:
        if report is None and months is None:
            return unknown("capital.proof.missing")
        return unknown("capital.proof.unknown", needed=needed)
    return failed("capital.proof.fail", months=months, needed=needed)


# ------------------------------------------------------------------ compliance


def history(pack: RulePack, params: Params, on: date, violations: Sequence[Violation] | None) -> Result:
    if violations is None:
        return unknown("compliance.history.missing")
    years = int(params.get("history_years", 2))
    if not violations:  # [] is the answer "none"
        return passed("compliance.history.clean", years=years)
    future = [v for v in violations if v.date > on]
    if future:
        return failed("compliance.history.future", date=future[0].date.isoformat(), on=on.isoformat())
    since = add_years(on, -years)
    recent = [v for v in violations if v.date >= since]
    if not recent:
        latest = max(v.date for v in violations).isoformat()
        return passed("compliance.history.clean_since", years=years, latest=latest)
    listed = Findings(
        f"{v.date.isoformat()} {v.description}" if v.description else v.date.isoformat() for v in recent
    )
    return failed("compliance.history.fail", since=since.isoformat(), violations=listed)


def _after(d: date, value: int, unit: str) -> date:
    if unit == "year":
        return add_years(d, value)
    if unit == "month":
        return add_months(d, value)
    # A bar counted in days (or working days, approximated by days here: the
    # eligibility screen has no calendar) runs from the rejection date.
    return date.fromordinal(d.toordinal() + value)


def ban(
    pack: RulePack,
    params: Params,
    on: date,
    barred: bool | None,
    barred_until: date | None,
    false_materials_on: date | None,
) -> Result:
    if barred_until is not None and on <= barred_until:
        return failed("compliance.ban.barred", until=barred_until.isoformat())
    limit = pack.limits.get("ban")
    if false_materials_on is not None and limit is not None:
        free = _after(false_materials_on, limit.value, limit.unit)
        if on < free:
            return failed(
                "compliance.ban.false_materials",
                rejected=false_materials_on.isoformat(),
                free=free.isoformat(),
            )
    if barred is None:
        return unknown("compliance.ban.missing")
    dated = barred_until is not None or false_materials_on is not None
    if not barred:
        return failed("compliance.ban.contradiction") if dated else passed("compliance.ban.clean")
    # A bar on record: its dates (either of them) say it is over.
    return passed("compliance.ban.clean") if dated else unknown("compliance.ban.dates_missing")


# ------------------------------------------------------------------ the table


@dataclass(frozen=True, slots=True)
class Condition:
    """A rule's function, the profile values it reads (dotted paths), whether it
    needs the assessment date, and optionally how to turn the pack's params into
    what the function compares with (done once per pack; the function then
    receives that in place of the params)."""

    check: Callable[..., Result]
    reads: tuple[str, ...]
    dated: bool = False
    prepare: Callable[[RulePack, Params], Any] | None = None


RULES: Mapping[str, Condition] = {
    "entity.legal_form": Condition(legal_form, ("enterprise.legal_form", "enterprise.uscc")),
    "entity.province": Condition(province, ("enterprise.province", "enterprise.city")),
    "entity.age": Condition(age, ("enterprise.registered_on",), dated=True),
    "entity.business_scope": Condition(business_scope, ("enterprise.business_scope",)),
    "entity.uscc": Condition(uscc, ("enterprise.uscc",)),
    "entity.credit_standing": Condition(
        credit_standing, ("enterprise.on_abnormal_list", "enterprise.on_serious_violation_list")
    ),
    "site.domain": Condition(domain, ("website.domain", "website.domain_holder", "enterprise.name")),
    "site.domain_filing": Condition(domain_filing, ("website.icp_filing_number", "enterprise.province")),
    "site.server_location": Condition(server_location, ("website.server_regions",)),
    "site.trading_modules": Condition(trading_modules, ("website.modules",)),
    "site.content": Condition(content, ("website.content_compliant",)),
    "site.out_of_scope_services": Condition(
        out_of_scope_services, ("website.services", "website.financial_authorisation")
    ),
    "staff.security_manager": Condition(
        security_manager, ("security_staff",), dated=True, prepare=staff_requirements
    ),
    "capital.registered": Condition(registered_capital, ("enterprise.registered_capital_cny",)),
    "capital.proof": Condition(
        capital_proof, ("capital_proof.verification_report", "capital_proof.bank_statement_months")
    ),
    "compliance.history": Condition(history, ("history.violations",), dated=True),
    "compliance.ban": Condition(
        ban, ("history.barred", "history.barred_until", "history.false_materials_on"), dated=True
    ),
}
