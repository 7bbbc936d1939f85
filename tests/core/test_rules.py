"""The eligibility engine against the Gansu and national packs: every boundary of issue #2."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from icpdesk.core.rules import Assessment, add_months, add_years, assess, load_pack, parse_profile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "profiles"
GANSU = load_pack("gansu")
NATIONAL = load_pack("national")


def good() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "good.json").read_text(encoding="utf-8"))
    return data


def run(
    data: dict[str, Any], pack: str = "gansu", lang: str = "zh-hans", on: date | None = None
) -> Assessment:
    return assess(parse_profile(data), load_pack(pack), on=on, lang=lang)


def status(data: dict[str, Any], rule: str, pack: str = "gansu", on: date | None = None) -> str:
    return run(data, pack, on=on).check(rule).status


def with_(path: str, value: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the good profile with ``path`` (a.b or a.0.b) set to ``value``."""
    out = copy.deepcopy(data if data is not None else good())
    keys = path.split(".")
    target: Any = out
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is _DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return out


_DELETE = object()


class TestDates:
    @pytest.mark.parametrize(
        ("start", "years", "expected"),
        [
            (date(2024, 2, 29), 1, date(2025, 2, 28)),
            (date(2024, 2, 29), 4, date(2028, 2, 29)),
            (date(2024, 2, 29), -2, date(2022, 2, 28)),
            (date(2023, 5, 10), 1, date(2024, 5, 10)),
        ],
    )
    def test_add_years(self, start: date, years: int, expected: date) -> None:
        assert add_years(start, years) == expected

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (date(2026, 8, 31), 6, date(2027, 2, 28)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2026, 3, 31), -1, date(2026, 2, 28)),
            (date(2026, 1, 15), -6, date(2025, 7, 15)),
        ],
    )
    def test_add_months(self, start: date, months: int, expected: date) -> None:
        assert add_months(start, months) == expected

    def test_on_overrides_the_profile_date(self) -> None:
        assert run(good(), on=date(2027, 1, 4)).assessed_on == date(2027, 1, 4)
        assert run(good()).assessed_on == date(2026, 11, 30)

    def test_without_any_date_it_is_today(self) -> None:
        assert run(with_("assessed_on", _DELETE)).assessed_on == date.today()


class TestVerdict:
    def test_the_issue_example_is_eligible(self) -> None:
        result = run(good())
        assert result.verdict == "eligible"
        assert {c.status for c in result.checks} == {"pass"}
        assert all(c.remedy is None for c in result.checks)

    def test_a_failure_makes_it_not_eligible(self) -> None:
        assert run(with_("enterprise.registered_capital_cny", 10)).verdict == "not_eligible"

    def test_an_unknown_makes_it_incomplete(self) -> None:
        result = run(with_("enterprise.uscc", None))
        assert result.verdict == "incomplete"
        check = result.check("entity.uscc")
        assert check.status == "unknown" and check.remedy

    def test_a_failure_outranks_an_unknown(self) -> None:
        data = with_("enterprise.uscc", None, with_("enterprise.registered_capital_cny", 10))
        assert run(data).verdict == "not_eligible"

    def test_the_output_has_the_shape_of_the_issue(self) -> None:
        out = run(good()).to_dict()
        assert list(out) == [
            "verdict",
            "rule_pack",
            "rule_pack_version",
            "assessed_on",
            "checks",
            "license_types",
        ]
        assert (out["rule_pack"], out["rule_pack_version"], out["assessed_on"]) == (
            "gansu",
            "2026.1",
            "2026-11-30",
        )
        assert list(out["checks"][0]) == ["id", "group", "status", "message", "remedy", "message_key"]
        assert out["checks"][0]["message_key"] == "entity.legal_form.pass"
        assert out["license_types"][0]["code"] == "B25" and list(out["license_types"][0]) == [
            "code",
            "reason",
        ]
        json.dumps(out)

    def test_every_rule_of_the_pack_is_checked_in_order(self) -> None:
        assert [c.id for c in run(good()).checks] == [r.id for r in GANSU.rules]

    def test_english(self) -> None:
        result = run(with_("enterprise.registered_capital_cny", 999_999), lang="en")
        check = result.check("capital.registered")
        assert check.message == "registered capital 999,999 CNY, less than 1,000,000 CNY"
        assert check.remedy is not None and check.remedy.startswith("Increase")


class TestEntity:
    @pytest.mark.parametrize(
        ("form", "expected"),
        [
            ("limited_company", "pass"),
            ("joint_stock_company", "pass"),
            ("individual_business", "fail"),
            ("partnership", "fail"),
            ("sole_proprietorship", "fail"),
            ("branch", "fail"),
            ("other", "unknown"),
            (None, "unknown"),
            ("cooperative", "fail"),
        ],
    )
    def test_legal_form(self, form: str | None, expected: str) -> None:
        assert status(with_("enterprise.legal_form", form), "entity.legal_form") == expected

    def test_an_individual_business_cannot_apply(self) -> None:
        check = run(with_("enterprise.legal_form", "individual_business")).check("entity.legal_form")
        assert "个体工商户不能申请" in check.message

    def test_an_unknown_legal_form_is_named(self) -> None:
        check = run(with_("enterprise.legal_form", "cooperative")).check("entity.legal_form")
        assert "cooperative" in check.message

    @pytest.mark.parametrize(
        ("province", "city", "expected"),
        [
            ("甘肃省", "兰州市", "pass"),
            ("甘肃", "天水市", "pass"),
            ("CN-GS", None, "pass"),
            ("甘肃省", "兰州", "pass"),
            ("陕西省", "西安市", "fail"),
            ("甘肃省", "西安市", "fail"),
            (None, None, "unknown"),
        ],
    )
    def test_province(self, province: str | None, city: str | None, expected: str) -> None:
        data = with_("enterprise.city", city, with_("enterprise.province", province))
        assert status(data, "entity.province") == expected

    @pytest.mark.parametrize(
        ("registered", "on", "expected"),
        [
            ("2025-11-30", date(2026, 11, 30), "pass"),  # exactly one year
            ("2025-12-01", date(2026, 11, 30), "fail"),  # one day short
            ("2024-02-29", date(2025, 2, 28), "pass"),  # 29 February: the year ends on 28 February
            ("2024-02-29", date(2025, 2, 27), "fail"),
            ("2027-01-01", date(2026, 11, 30), "fail"),  # not registered yet
        ],
    )
    def test_age(self, registered: str, on: date, expected: str) -> None:
        assert status(with_("enterprise.registered_on", registered), "entity.age", on=on) == expected

    def test_age_says_when_the_year_is_full(self) -> None:
        check = run(with_("enterprise.registered_on", "2024-02-29"), on=date(2025, 2, 27)).check("entity.age")
        assert "2025-02-28" in check.message

    def test_age_unknown(self) -> None:
        assert status(with_("enterprise.registered_on", None), "entity.age") == "unknown"

    @pytest.mark.parametrize(
        ("scope", "expected"),
        [
            ("技术开发；互联网信息服务", "pass"),
            ("在线交易平台服务", "pass"),
            ("日用百货销售", "fail"),
            ("", "unknown"),
            (None, "unknown"),
        ],
    )
    def test_business_scope(self, scope: str | None, expected: str) -> None:
        assert status(with_("enterprise.business_scope", scope), "entity.business_scope") == expected

    def test_business_scope_remedy_is_the_registry_change(self) -> None:
        check = run(with_("enterprise.business_scope", "日用百货")).check("entity.business_scope")
        assert check.remedy is not None and "工商增项" in check.remedy

    def test_uscc_with_a_bad_check_character_fails_with_the_reason(self) -> None:
        check = run(with_("enterprise.uscc", "91620100MA7ABC2D18")).check("entity.uscc")
        assert check.status == "fail"
        assert "校验码" in check.message and "9" in check.message

    def test_uscc_is_normalised(self) -> None:
        assert status(with_("enterprise.uscc", "91620100ma7abc2d19"), "entity.uscc") == "pass"

    @pytest.mark.parametrize(
        ("abnormal", "serious", "expected"),
        [
            (False, False, "pass"),
            (True, False, "fail"),
            (False, True, "fail"),
            (None, False, "unknown"),
            (True, None, "fail"),
        ],
    )
    def test_credit_standing(self, abnormal: bool | None, serious: bool | None, expected: str) -> None:
        data = with_(
            "enterprise.on_serious_violation_list", serious, with_("enterprise.on_abnormal_list", abnormal)
        )
        assert status(data, "entity.credit_standing") == expected


class TestSite:
    @pytest.mark.parametrize(
        ("regions", "expected"),
        [
            (["CN-GS"], "pass"),
            (["CN-GS", "CN-BJ", "CN-SN"], "pass"),
            (["cn-gs"], "pass"),
            (["CN-HK"], "fail"),
            (["CN-GS", "CN-MO"], "fail"),
            (["CN-TW"], "fail"),
            (["US"], "fail"),
            (["HK"], "fail"),
            (["SG"], "fail"),
            (["CN-XX"], "fail"),
            ([], "unknown"),
            (None, "unknown"),
        ],
    )
    def test_server_location(self, regions: list[str] | None, expected: str) -> None:
        assert status(with_("website.server_regions", regions), "site.server_location") == expected

    def test_a_hong_kong_server_is_named(self) -> None:
        check = run(with_("website.server_regions", ["CN-GS", "CN-HK"])).check("site.server_location")
        assert "香港" in check.message and "CN-HK" in check.message
        check = run(with_("website.server_regions", ["CN-HK"]), lang="en").check("site.server_location")
        assert "Hong Kong" in check.message

    def test_modules(self) -> None:
        check = run(with_("website.modules", ["product_display", "user_registration"])).check(
            "site.trading_modules"
        )
        assert check.status == "fail"
        assert "下单支付" in check.message and "物流跟踪" in check.message
        assert status(with_("website.modules", None), "site.trading_modules") == "unknown"

    @pytest.mark.parametrize(
        ("domain", "holder", "expected"),
        [
            ("gansu-ec.com", "兰州陇货精品电子商务有限公司", "pass"),
            ("shop.gansu-ec.com", "兰州陇货精品电子商务有限公司", "pass"),
            ("gansu-ec.com", "某个人", "fail"),
            ("gansu-ec.com", None, "unknown"),
            ("not a domain", "兰州陇货精品电子商务有限公司", "fail"),
            (None, None, "unknown"),
        ],
    )
    def test_domain(self, domain: str | None, holder: str | None, expected: str) -> None:
        data = with_("website.domain_holder", holder, with_("website.domain", domain))
        assert status(data, "site.domain") == expected

    @pytest.mark.parametrize(
        ("number", "gansu", "national"),
        [
            ("甘ICP备2023001234号-1", "pass", "pass"),
            # A site is filed where the enterprise is registered: a Gansu enterprise's
            # filing from Beijing fails under either pack.
            ("京ICP备2023001234号", "fail", "fail"),
            ("甘ICP备123号", "fail", "fail"),
            (None, "unknown", "unknown"),
        ],
    )
    def test_domain_filing(self, number: str | None, gansu: str, national: str) -> None:
        data = with_("website.icp_filing_number", number)
        assert status(data, "site.domain_filing") == gansu
        assert status(data, "site.domain_filing", pack="national") == national

    @pytest.mark.parametrize(("value", "expected"), [(True, "pass"), (False, "fail"), (None, "unknown")])
    def test_content(self, value: bool | None, expected: str) -> None:
        assert status(with_("website.content_compliant", value), "site.content") == expected

    def test_no_website_is_unknown(self) -> None:
        result = run(with_("website", None))
        assert {c.status for c in result.checks if c.group == "site"} == {"unknown"}

    @pytest.mark.parametrize(
        ("services", "authorised", "expected"),
        [
            ([], None, "pass"),
            (["live_streaming"], None, "pass"),
            (["installment"], None, "fail"),
            (["购物分期"], None, "fail"),
            (["lending"], True, "pass"),
            (None, None, "unknown"),
        ],
    )
    def test_out_of_scope_services(
        self, services: list[str] | None, authorised: bool | None, expected: str
    ) -> None:
        data = with_("website.financial_authorisation", authorised, with_("website.services", services))
        assert status(data, "site.out_of_scope_services") == expected


def staff(**changes: Any) -> dict[str, Any]:
    person = {
        "name": "张伟",
        "id_number": "62010219900307123X",
        "major": "网络空间安全",
        "certificates": ["CISSP"],
        "full_time": True,
        "insured_province": "甘肃省",
        "insured_months": 3,
    }
    person.update(changes)
    return person


class TestSecurityManager:
    rule = "staff.security_manager"

    def check(self, *people: dict[str, Any], pack: str = "gansu", lang: str = "zh-hans") -> Any:
        return run(with_("security_staff", list(people)), pack=pack, lang=lang).check(self.rule)

    def test_a_qualified_manager_passes(self) -> None:
        assert self.check(staff()).status == "pass"

    def test_a_part_time_manager_fails(self) -> None:
        check = self.check(staff(full_time=False))
        assert check.status == "fail"
        assert "非专职" in check.message and "张伟" in check.message
        assert "not full-time" in self.check(staff(full_time=False), lang="en").message

    def test_one_qualified_candidate_is_enough(self) -> None:
        assert self.check(staff(name="甲", full_time=False), staff(name="乙")).status == "pass"

    def test_each_candidate_is_explained(self) -> None:
        check = self.check(
            staff(name="甲", full_time=False),
            staff(name="乙", certificates=["驾驶证"], major="会计学"),
            lang="zh-hans",
        )
        assert check.status == "fail"
        assert "甲：非专职" in check.message
        assert "乙：" in check.message and "会计学" in check.message and "证书" in check.message

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"major": "计算机科学与技术"}, "pass"),
            ({"major": "Computer Science"}, "pass"),
            ({"major": "汉语言文学"}, "fail"),
            ({"certificates": ["ccna"]}, "pass"),
            ({"certificates": ["CompTIA Security+"]}, "pass"),
            ({"certificates": []}, "fail"),
            ({"insured_province": "甘肃"}, "pass"),
            ({"insured_province": "CN-GS"}, "pass"),
            ({"insured_province": "陕西省"}, "fail"),
            ({"insured_months": 1}, "pass"),
            ({"insured_months": 0}, "fail"),
            ({"id_number": "620102199003071230"}, "fail"),
            ({"id_number": None}, "pass"),
            ({"full_time": None}, "unknown"),
            ({"insured_months": None}, "unknown"),
            ({"certificates": None}, "unknown"),
        ],
    )
    def test_requirements(self, changes: dict[str, Any], expected: str) -> None:
        assert self.check(staff(**changes)).status == expected

    def test_a_definite_miss_beats_an_unknown_in_another_candidate(self) -> None:
        assert (
            self.check(staff(name="甲", full_time=False), staff(name="乙", full_time=None)).status
            == "unknown"
        )
        assert self.check(staff(full_time=False, insured_months=None)).status == "fail"

    def test_nobody_fails_and_absent_is_unknown(self) -> None:
        assert self.check().status == "fail"
        assert run(with_("security_staff", None)).check(self.rule).status == "unknown"

    def test_the_national_pack_accepts_insurance_in_any_province(self) -> None:
        assert self.check(staff(insured_province="陕西省"), pack="national").status == "pass"
        assert self.check(staff(insured_months=0), pack="national").status == "fail"


class TestCapital:
    @pytest.mark.parametrize(
        ("capital", "expected"),
        [
            (999_999, "fail"),
            (1_000_000, "pass"),
            (999_999.99, "fail"),
            (5_000_000, "pass"),
            (None, "unknown"),
        ],
    )
    def test_registered(self, capital: float | None, expected: str) -> None:
        assert status(with_("enterprise.registered_capital_cny", capital), "capital.registered") == expected

    @pytest.mark.parametrize(
        ("report", "months", "expected"),
        [
            (True, 0, "pass"),
            (False, 3, "pass"),
            (False, 2, "fail"),
            (None, 3, "pass"),
            (None, 2, "unknown"),
            (False, None, "unknown"),
        ],
    )
    def test_proof(self, report: bool | None, months: int | None, expected: str) -> None:
        data = with_("capital_proof", {"verification_report": report, "bank_statement_months": months})
        assert status(data, "capital.proof") == expected

    def test_proof_absent(self) -> None:
        assert status(with_("capital_proof", _DELETE), "capital.proof") == "unknown"


class TestCompliance:
    @pytest.mark.parametrize(
        ("violation", "expected"),
        [
            ("2024-11-30", "fail"),  # just inside two years of 2026-11-30
            ("2024-11-29", "pass"),  # just outside
            ("2026-06-01", "fail"),
        ],
    )
    def test_history(self, violation: str, expected: str) -> None:
        data = with_("history.violations", [{"date": violation, "description": "发布虚假广告"}])
        assert status(data, "compliance.history") == expected

    def test_history_on_29_february(self) -> None:
        data = with_("history.violations", [{"date": "2024-02-28"}])
        assert status(data, "compliance.history", on=date(2026, 2, 28)) == "fail"
        data = with_("history.violations", [{"date": "2024-02-29"}])
        assert status(data, "compliance.history", on=date(2026, 2, 28)) == "fail"
        data = with_("history.violations", [{"date": "2024-02-27"}])
        assert status(data, "compliance.history", on=date(2026, 2, 28)) == "pass"

    def test_history_names_the_violation(self) -> None:
        data = with_("history.violations", [{"date": "2025-03-01", "description": "发布虚假广告"}])
        assert "发布虚假广告" in run(data).check("compliance.history").message

    def test_history_unknown(self) -> None:
        assert status(with_("history", None), "compliance.history") == "unknown"
        assert status(with_("history.violations", None), "compliance.history") == "unknown"

    @pytest.mark.parametrize(
        ("until", "expected"),
        [("2026-11-30", "fail"), ("2026-11-29", "pass"), ("2029-01-01", "fail"), (None, "pass")],
    )
    def test_barred_until(self, until: str | None, expected: str) -> None:
        data = with_("history.barred", until is not None, with_("history.barred_until", until))
        assert status(data, "compliance.ban") == expected

    @pytest.mark.parametrize(
        ("rejected", "gansu", "national"),
        [
            ("2023-11-30", "pass", "pass"),  # three years to the day
            ("2023-12-01", "fail", "pass"),
            ("2025-11-30", "fail", "pass"),  # one year to the day
            ("2025-12-01", "fail", "fail"),  # within one year
        ],
    )
    def test_false_materials_ban_follows_the_pack(self, rejected: str, gansu: str, national: str) -> None:
        data = with_("history.barred", True, with_("history.false_materials_on", rejected))
        assert status(data, "compliance.ban") == gansu
        assert status(data, "compliance.ban", pack="national") == national


class TestNationalPack:
    def test_the_example_is_eligible_nationally(self) -> None:
        result = run(good(), pack="national")
        assert result.verdict == "eligible"
        assert result.rule_pack == "national"
        assert "entity.province" not in [c.id for c in result.checks]

    def test_a_beijing_enterprise_is_not_refused_for_its_province(self) -> None:
        data = with_("enterprise.province", "北京市", with_("enterprise.city", "北京市"))
        data = with_("website.icp_filing_number", "京ICP备2023001234号-1", data)
        assert run(data, pack="national").verdict == "eligible"
        assert run(data).verdict == "not_eligible"


class TestLicenseTypes:
    def codes(self, data: dict[str, Any], lang: str = "zh-hans") -> list[tuple[str, str]]:
        return list(run(data, lang=lang).license_types)

    def test_b25_for_the_platform(self) -> None:
        types = self.codes(good())
        assert [c for c, _ in types] == ["B25"]
        assert "信息服务" in types[0][1]

    def test_b21_too_when_third_parties_trade(self) -> None:
        types = self.codes(with_("website.third_party_merchants", True), lang="en")
        assert [c for c, _ in types] == ["B25", "B21"]
        assert "third-party merchants" in types[1][1]

    def test_unknown_third_parties_mention_b21(self) -> None:
        types = self.codes(with_("website.third_party_merchants", None))
        assert [c for c, _ in types] == ["B25"] and "B21" in types[0][1]

    def test_finance_is_covered_by_neither(self) -> None:
        types = self.codes(with_("website.services", ["installment", "payment"]), lang="en")
        assert all("neither B25 nor B21" in reason for _, reason in types)
        assert "installment purchases" in types[0][1]

    def test_the_issue_fixtures(self) -> None:
        data = json.loads((FIXTURES / "marketplace_finance.json").read_text(encoding="utf-8"))
        result = run(data)
        assert result.verdict == "not_eligible"
        assert [c for c, _ in result.license_types] == ["B25", "B21"]
        failing = {c.id for c in result.checks if c.status == "fail"}
        assert failing == {
            "site.server_location",
            "site.trading_modules",
            "site.out_of_scope_services",
            "staff.security_manager",
            "compliance.history",
        }


class TestJson:
    @pytest.mark.parametrize("name", ["good", "marketplace_finance", "incomplete", "bad_values"])
    @pytest.mark.parametrize("lang", ["zh-hans", "en"])
    def test_to_json_is_the_compact_dump_of_to_dict(self, name: str, lang: str) -> None:
        data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
        for pack in ("gansu", "national"):
            first = run(data, pack=pack, lang=lang)
            again = run(data, pack=pack, lang=lang)  # now from the engine's memo
            assert first.to_json() == json.dumps(first.to_dict(), ensure_ascii=False, separators=(",", ":"))
            assert again.to_dict() == first.to_dict()
            assert again.to_json() == first.to_json()

    def test_a_cold_engine_answers_as_the_warm_one(self) -> None:
        from icpdesk.core.rules.engine import clear_memos

        profiles = [
            with_("enterprise.registered_capital_cny", 999_999),
            with_("website.third_party_merchants", True),
            with_("website.server_regions", ["CN-HK"]),
            with_("security_staff.0.full_time", False),
        ]
        warm = [run(p).to_json() for p in profiles] + [run(p, lang="en").to_json() for p in profiles]
        clear_memos()
        cold = [run(p).to_json() for p in profiles] + [run(p, lang="en").to_json() for p in profiles]
        assert cold == warm
        assert '"B21"' in cold[1] and '"B21"' not in cold[0]

    def test_memoised_messages_follow_their_inputs(self) -> None:
        low = run(with_("enterprise.registered_capital_cny", 999_999)).check("capital.registered")
        high = run(with_("enterprise.registered_capital_cny", 1_000_000)).check("capital.registered")
        low_again = run(with_("enterprise.registered_capital_cny", 999_999)).check("capital.registered")
        assert (low.status, high.status, low_again.status) == ("fail", "pass", "fail")
        assert low == low_again
