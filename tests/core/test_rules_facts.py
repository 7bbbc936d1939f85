"""Rules where facts are missing or contradict: every field of the schema walked, scopes that
exclude, credit codes against the legal form, and domains under a platform's suffix."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import uscc

from icpdesk.core.rules import assess, load_pack, parse_profile
from icpdesk.core.rules.conditions import RULES

ROOT = Path(__file__).parent.parent.parent
SCHEMA = json.loads((ROOT / "src/icpdesk/core/schemas/profile.schema.json").read_text(encoding="utf-8"))
GOOD = json.loads((ROOT / "tests/fixtures/profiles/good.json").read_text(encoding="utf-8"))
SECTIONS = {
    "enterprise": "Enterprise",
    "website": "Website",
    "capital_proof": "CapitalProof",
    "history": "History",
}

# The pairs (field, rule) where the rule reads the field but deleting it from a
# profile that passes leaves the verdict standing, each for the reason given.
# Every other field a rule reads must make the rule unknown when it is deleted.
NOT_NEEDED_HERE = {
    # Read to cross-check the legal form; a missing code is entity.uscc's unknown.
    ("enterprise.uscc", "entity.legal_form"): "cross-check only",
    # Optional: the province decides; a city, when given, must lie in it.
    ("enterprise.city", "entity.province"): "optional detail",
    # Either proof suffices: the good profile has the verification report.
    ("capital_proof.bank_statement_months", "capital.proof"): "an alternative proof",
    # Read only when the enterprise is barred; the good profile is not.
    ("history.barred_until", "compliance.ban"): "read only when barred",
    # How the person is named in the message, not a condition.
    ("security_staff.0.name", "staff.security_manager"): "a label",
    ("security_staff.0.id_number", "staff.security_manager"): "checked by the identifier rules, not here",
}
# The national pack asks no local social insurance.
NATIONAL_NOT_NEEDED = {("security_staff.0.insured_province", "staff.security_manager")}


def _schema_paths() -> Iterator[str]:
    defs = SCHEMA["$defs"]
    for section, name in SECTIONS.items():
        yield section
        for prop in defs[name]["properties"]:
            yield f"{section}.{prop}"
    yield "security_staff"
    for prop in defs["StaffMember"]["properties"]:
        yield f"security_staff.0.{prop}"


def _without(path: str) -> dict[str, Any] | None:
    """The good profile without ``path``, or None when the good profile has no such field."""
    data = copy.deepcopy(GOOD)
    target: Any = data
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target.get(key)
    if last not in target:
        return None
    del target[last]
    return data


def _readers(path: str, pack: Any) -> list[str]:
    ids = {rule.id for rule in pack.rules}
    return [
        rule
        for rule, condition in RULES.items()
        if rule in ids
        and any(
            path == read or path.startswith(read + ".") or read.startswith(path + ".")
            for read in condition.reads
        )
    ]


def test_the_walk_covers_every_field_of_the_schema() -> None:
    paths = set(_schema_paths())
    assert {"enterprise.uscc", "website.services", "security_staff.0.insured_months"} <= paths
    # Every field some rule reads is one the walk deletes (or an optional field absent from the good profile).
    read = {r for c in RULES.values() for r in c.reads}
    assert read <= paths
    # The fields the good profile leaves out, read only when another answer makes them matter:
    # an authorisation only for financial services offered, a date only for false materials found.
    assert {p for p in paths if _without(p) is None} == {
        "website.financial_authorisation",
        "history.false_materials_on",
    }


@pytest.mark.parametrize("pack_name", ["gansu", "national"])
@pytest.mark.parametrize("path", sorted(p for p in set(_schema_paths()) if _without(p) is not None))
def test_deleting_a_field_a_rule_reads_makes_the_rule_unknown(pack_name: str, path: str) -> None:
    pack = load_pack(pack_name)
    before = {c.id: c.status for c in assess(parse_profile(GOOD), pack).checks}
    assert set(before.values()) == {"pass"}
    data = _without(path)
    assert data is not None
    if path == "enterprise.name" or path == "enterprise":
        with pytest.raises(Exception, match="required field is missing"):
            parse_profile(data)
        return
    after = {c.id: c.status for c in assess(parse_profile(data), pack).checks}
    for rule in _readers(path, pack):
        if (path, rule) in NOT_NEEDED_HERE or (
            pack_name == "national" and (path, rule) in NATIONAL_NOT_NEEDED
        ):
            assert after[rule] == "pass", (path, rule)
        else:
            assert after[rule] == "unknown", (path, rule, after[rule])
    # No rule that does not read the field changes, and nothing missing ever passes a failing rule.
    others = {r: s for r, s in after.items() if r not in _readers(path, pack)}
    assert all(s in ("pass", "unknown") for s in others.values())
    assert others == {r: before[r] for r in others}


# ------------------------------------------------------------------ business scope


def _check(path: str, value: Any, rule: str, pack: str = "gansu") -> Any:
    data = copy.deepcopy(GOOD)
    section, key = path.split(".")
    data[section][key] = value
    return assess(parse_profile(data), load_pack(pack)).check(rule)


@pytest.mark.parametrize(
    ("scope", "term"),
    [
        ("技术开发（不含互联网信息服务）", "互联网信息服务"),
        ("日用百货销售；不得从事互联网信息服务", "互联网信息服务"),
        ("除互联网信息服务以外的技术服务", "互联网信息服务"),
        ("除在线交易平台服务外的软件开发", "在线交易平台"),
    ],
)
def test_a_scope_naming_the_service_only_to_exclude_it_does_not_pass(scope: str, term: str) -> None:
    check = _check("enterprise.business_scope", scope, "entity.business_scope")
    assert (check.status, check.message_key) == ("fail", "entity.business_scope.excluded")
    assert term in check.message


def test_an_exclusion_of_one_service_leaves_the_other_standing() -> None:
    check = _check(
        "enterprise.business_scope",
        "软件开发（不包括在线交易平台服务）；互联网信息服务",
        "entity.business_scope",
    )
    assert check.status == "pass"


# ------------------------------------------------------------------ credit code against legal form


def _code(prefix: str) -> str:
    body = prefix + "620100MA7ABC2D1"
    return body + uscc.calc_check_digit(body)


@pytest.mark.parametrize(
    ("prefix", "kind"), [("92", "个体工商户"), ("93", "农民专业合作社"), ("52", "民办非企业单位")]
)
def test_a_credit_code_of_another_kind_of_body_contradicts_a_limited_company(prefix: str, kind: str) -> None:
    data = copy.deepcopy(GOOD)
    data["enterprise"]["uscc"] = _code(prefix)
    check = assess(parse_profile(data), load_pack("gansu")).check("entity.legal_form")
    assert (check.status, check.message_key) == ("fail", "entity.legal_form.uscc_contradicts")
    assert f"“{prefix}”" in check.message and kind in check.message and "有限责任公司" in check.message
    english = assess(parse_profile(data), load_pack("gansu"), lang="en").check("entity.legal_form")
    assert prefix in english.message


def test_a_company_code_with_a_company_form_passes() -> None:
    assert _check("enterprise.uscc", _code("91"), "entity.legal_form").status == "pass"


# ------------------------------------------------------------------ the public suffix list's private section


@pytest.mark.parametrize(
    ("domain", "suffix"),
    [("gansu-ec.github.io", "github.io"), ("gansu-ec.s3.amazonaws.com", "s3.amazonaws.com")],
)
def test_a_name_under_a_platforms_suffix_is_not_the_enterprises_own_domain(domain: str, suffix: str) -> None:
    check = _check("website.domain", domain, "site.domain")
    assert (check.status, check.message_key) == ("fail", "site.domain.platform")
    assert suffix in check.message


@pytest.mark.parametrize("domain", ["shop.gansu-ec.com", "gansu-ec.com.cn"])
def test_an_own_domain_under_a_public_suffix_passes(domain: str) -> None:
    assert _check("website.domain", domain, "site.domain").status == "pass"
