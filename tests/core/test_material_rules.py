"""The pure rules on materials: which flag fires, on which day, with which values."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from icpdesk.core import material_rules as rules
from icpdesk.core.material_rules import Flag, Stated

FILED = date(2026, 3, 2)
DECISION = date(2026, 4, 20)


def credit_code(n: int) -> str:
    body = f"91620102{n:09d}"
    return body + uscc.calc_check_digit(body)


PROFILE = {
    "company_name": "甘肃丝路商贸有限公司",
    "credit_code": credit_code(7),
    "domain": "silkroad-shop.cn",
}


def material(material_id: str, name_zh: str = "材料", name_en: str = "material", **facts: str) -> Stated:
    return Stated(material_id, name_zh, name_en, facts)


def codes(flags: list[Flag]) -> list[str]:
    return [f.code for f in flags]


def dated(facts: dict[str, Any], validity: dict[str, int], today: date) -> list[Flag]:
    return rules.date_flags(facts, validity, today=today, filing_date=FILED, decision_date=DECISION)


# ------------------------------------------------------------------ validity windows


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        ("2026-03-01", ["expired_by_filing"]),  # the day before filing
        ("2026-03-02", ["expires_before_decision"]),  # the filing day is covered, the decision is not
        ("2026-04-19", ["expires_before_decision"]),
        ("2026-04-20", []),  # the decision day itself is covered
        ("2031-01-01", []),
    ],
)
def test_which_validity_flag_fires(valid_until: str, expected: list[str]) -> None:
    assert codes(dated({"valid_until": valid_until}, {}, date(2026, 3, 10))) == expected


def test_the_expired_flag_carries_both_dates() -> None:
    [flag] = dated({"valid_until": "2026-02-28"}, {}, date(2026, 3, 10))
    assert flag.values == {"valid_until": "2026-02-28", "filing_date": "2026-03-02"}
    assert "2026-02-28" in flag.message_zh and "申报日（2026-03-02）" in flag.message_zh
    assert flag.message_en == "Valid until 2026-02-28: expired by the filing date (2026-03-02)."


def test_a_validity_that_ends_before_the_decision_names_the_decision_date() -> None:
    [flag] = dated({"valid_until": "2026-04-19"}, {}, date(2026, 3, 10))
    assert flag.code == "expires_before_decision"
    assert flag.values == {"valid_until": "2026-04-19", "decision_date": "2026-04-20"}


@pytest.mark.parametrize("value", ["", None, "soon", "2026-02-30", "19/04/2026"])
def test_an_unreadable_validity_raises_no_flag(value: Any) -> None:
    assert dated({"valid_until": value}, {}, date(2026, 3, 10)) == []


# ------------------------------------------------------------------ bank statements: max age


@pytest.mark.parametrize(
    ("period_end", "today", "too_old"),
    [
        ("2025-11-30", date(2026, 2, 28), False),  # three months after 30 November: 28 February
        ("2025-11-30", date(2026, 3, 1), True),
        ("2025-12-31", date(2026, 3, 31), False),
        ("2025-12-31", date(2026, 4, 1), True),
        ("2023-11-29", date(2024, 2, 29), False),  # leap year
        ("2023-11-29", date(2024, 3, 1), True),
    ],
)
def test_statements_become_too_old_the_day_after_max_age_months(
    period_end: str, today: date, too_old: bool
) -> None:
    flags = dated({"period_end": period_end}, {"max_age_months": 3}, today)
    assert codes(flags) == (["statements_too_old"] if too_old else [])
    if too_old:
        assert flags[0].values == {"period_end": period_end, "max_age_months": 3}


def test_statements_without_a_last_date_cannot_be_aged() -> None:
    [flag] = dated({}, {"max_age_months": 3}, date(2026, 3, 10))
    assert flag.code == "period_unknown" and flag.values == {}


def test_statements_stale_after_counts_months_to_the_month_end() -> None:
    assert rules.statements_stale_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert rules.statements_stale_after(date(2025, 3, 15), 3) == date(2025, 6, 15)


# ------------------------------------------------------------------ social insurance: the last month


@pytest.mark.parametrize(
    ("today", "needed"),
    [
        (date(2026, 3, 15), date(2026, 2, 1)),
        (date(2026, 3, 1), date(2026, 2, 1)),
        (date(2026, 1, 31), date(2025, 12, 1)),
    ],
)
def test_the_month_insurance_must_reach(today: date, needed: date) -> None:
    assert rules.needed_insurance_month(today, 1) == needed


@pytest.mark.parametrize(
    ("period_end", "fires"),
    [("2026-02-01", False), ("2026-02-28", False), ("2026-03-10", False), ("2026-01-31", True)],
)
def test_insurance_must_cover_the_most_recent_month(period_end: str, fires: bool) -> None:
    flags = dated({"period_end": period_end}, {"covers_recent_months": 1}, date(2026, 3, 15))
    assert codes(flags) == (["insurance_not_recent"] if fires else [])
    if fires:
        assert flags[0].values == {"period_end": "2026-01-31", "needed_month": "2026-02"}
        assert "2026-01" in flags[0].message_zh and "（2026-02）" in flags[0].message_zh


def test_insurance_without_a_period_says_what_is_missing() -> None:
    [flag] = dated({}, {"covers_recent_months": 1}, date(2026, 1, 5))
    assert flag.code == "insurance_period_unknown"
    assert flag.values == {"needed_month": "2025-12"}
    assert "未填写社保缴费记录覆盖到的月份" in flag.message_zh and "（2025-12）" in flag.message_zh
    assert "is not stated" in flag.message_en
    assert "?" not in flag.message_zh + flag.message_en


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=1, max_value=24),
)
def test_statements_are_too_old_exactly_after_the_period(period_end: date, today: date, months: int) -> None:
    flags = dated({"period_end": period_end.isoformat()}, {"max_age_months": months}, today)
    assert ("statements_too_old" in codes(flags)) == (
        today > rules.statements_stale_after(period_end, months)
    )


# ------------------------------------------------------------------ 准: the profile


def test_a_domain_certificate_for_another_domain() -> None:
    [flag] = rules.consistency_flags(material("domain_certificate", domain="www.other.cn"), [], PROFILE)
    assert flag.code == "domain_mismatch"
    assert flag.values == {
        "field": "domain",
        "stated": "www.other.cn",
        "expected": "silkroad-shop.cn",
        "source": "profile",
    }
    assert flag.message_zh == "域名“www.other.cn”与企业档案中的“silkroad-shop.cn”不一致。"


@pytest.mark.parametrize(
    ("material_id", "key", "value", "code"),
    [
        ("business_license", "credit_code", credit_code(8), "license_credit_code_mismatch"),
        ("application_form", "credit_code", credit_code(8), "credit_code_mismatch"),
        ("application_form", "company_name", "兰州别家公司", "company_name_mismatch"),
        ("security_insurance", "company_name", "兰州别家公司", "insurance_employer_mismatch"),
        ("hosting_agreement", "domain", "other.com", "domain_mismatch"),
    ],
)
def test_which_mismatch_fires(material_id: str, key: str, value: str, code: str) -> None:
    flags = rules.consistency_flags(material(material_id, **{key: value}), [], PROFILE)
    assert codes(flags) == [code]


def test_the_insurance_of_another_employer_says_so() -> None:
    [flag] = rules.consistency_flags(material("security_insurance", company_name="兰州别家公司"), [], PROFILE)
    assert "兼职或他人社保" in flag.message_zh
    assert (
        flag.message_en
        == "The insurance was paid by '兰州别家公司', not by the applicant '甘肃丝路商贸有限公司'."
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("domain", "SILKROAD-SHOP.CN"),
        ("domain", " silkroad-shop.cn "),
        ("credit_code", credit_code(7).lower()),
        ("company_name", "甘肃丝路商贸 有限公司"),
    ],
)
def test_the_same_fact_written_differently_is_not_a_mismatch(key: str, value: str) -> None:
    assert rules.consistency_flags(material("application_form", **{key: value}), [], PROFILE) == []


def test_nothing_stated_or_nothing_recorded_is_no_mismatch() -> None:
    assert rules.consistency_flags(material("application_form", domain=""), [], PROFILE) == []
    assert rules.consistency_flags(material("application_form", domain="x.cn"), [], {}) == []


@pytest.mark.parametrize(
    ("region", "outside"),
    [
        ("CN-HK", True),
        ("CN-MO", True),
        ("cn-tw", True),
        ("ABROAD", True),
        ("US", True),
        ("CN-GS", False),
        ("CN", False),
        (" cn-bj ", False),
    ],
)
def test_a_server_region_outside_the_mainland(region: str, outside: bool) -> None:
    flags = rules.consistency_flags(material("hosting_agreement", server_region=region), [], PROFILE)
    assert codes(flags) == (["region_not_mainland"] if outside else [])
    assert rules.is_mainland(region) is not outside


def test_the_region_is_named_in_words() -> None:
    [flag] = rules.consistency_flags(material("hosting_agreement", server_region="CN-HK"), [], PROFILE)
    assert "“香港”" in flag.message_zh and "The server region is Hong Kong" in flag.message_en


# ------------------------------------------------------------------ 准: across materials


def test_two_server_addresses_conflict_on_the_material_checked() -> None:
    form = material("application_form", "申请表", "application form", server_address="兰州城关数据中心")
    hosting = material(
        "hosting_agreement", "托管协议", "hosting agreement", server_address="香港葵涌数据中心"
    )
    [flag] = rules.consistency_flags(hosting, [form, hosting], PROFILE)
    assert flag.code == "server_location_conflict"
    assert flag.values == {
        "field": "server_address",
        "stated": "香港葵涌数据中心",
        "other_material": "application_form",
        "other_value": "兰州城关数据中心",
    }
    assert flag.message_zh == "服务器地址“香港葵涌数据中心”与申请表中的“兰州城关数据中心”不一致。"


def test_two_regions_conflict_and_are_shown_by_name() -> None:
    form = material("application_form", "申请表", "application form", server_region="CN-GS")
    hosting = material("hosting_agreement", server_region="CN")
    [flag] = rules.consistency_flags(hosting, [form], PROFILE)
    assert flag.code == "server_location_conflict"
    assert "中国大陆其他省份" in flag.message_zh and "甘肃省" in flag.message_zh


def test_the_security_manager_is_one_person_across_the_staff_materials_only() -> None:
    id_card = material("security_id", person_name="张伟")
    insurance = material("security_insurance", person_name="李娜")
    form = material("application_form", person_name="王芳")
    assert codes(rules.consistency_flags(insurance, [id_card, form], PROFILE)) == ["person_conflict"]
    assert rules.consistency_flags(form, [id_card, insurance], PROFILE) == []


def test_identity_facts_are_compared_across_materials_only_when_the_profile_has_none() -> None:
    form = material("application_form", "申请表", "application form", domain="a-shop.cn")
    cert = material("domain_certificate", domain="b-shop.cn")
    assert codes(rules.consistency_flags(cert, [form], {})) == ["domain_conflict"]
    # With the profile's domain, each is held to the profile instead.
    assert codes(rules.consistency_flags(cert, [form], {"domain": "b-shop.cn"})) == []


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_same_fact_is_symmetric(a: str, b: str) -> None:
    for key in ("company_name", "credit_code", "domain", "server_address", "server_region"):
        assert rules.same_fact(key, a, b) == rules.same_fact(key, b, a)
        assert rules.same_fact(key, a, a)


@given(
    st.dictionaries(
        st.sampled_from(["company_name", "credit_code", "domain", "server_address", "server_region"]),
        st.text(min_size=1, max_size=20),
    )
)
def test_a_material_stating_only_what_the_profile_and_the_others_say_raises_only_the_region_flag(
    facts: dict[str, str],
) -> None:
    me = material("application_form", **facts)
    twin = material("hosting_agreement", **facts)
    profile = {k: v for k, v in facts.items() if k in rules.IDENTITY_FACTS}
    flags = rules.consistency_flags(me, [twin], profile)
    assert set(codes(flags)) <= {"region_not_mainland"}


# ------------------------------------------------------------------ 清 and the flag's shape


def test_legibility_flags_fire_under_the_minimum() -> None:
    assert rules.illegible_image(1000, 1000) is None
    flag = rules.illegible_image(999, 1000)
    assert flag is not None and flag.values == {"short_side_px": 999, "minimum_px": 1000}
    page = rules.illegible_page(2, 625, 1000, 150)
    assert page is not None and page.values == {
        "page": 2,
        "short_side_px": 625,
        "minimum_px": 1000,
        "dpi": 150,
    }
    assert "第 2 页按 150 DPI" in page.message_zh
    assert rules.illegible_page(1, 1240, 1000, 150) is None


def test_a_flag_is_stored_as_a_plain_dict() -> None:
    assert Flag("x", "甲", "a", {"n": 1}).as_dict() == {
        "code": "x",
        "message_zh": "甲",
        "message_en": "a",
        "values": {"n": 1},
    }
