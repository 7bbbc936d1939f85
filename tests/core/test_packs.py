"""Rule packs: the data files load, validate and carry every figure of DOMAIN.md."""

from __future__ import annotations

import pytest

from icpdesk.core.rules import Limit, PackError, available_packs, load_pack
from icpdesk.core.rules.packs import RULE_IDS, build_pack

DOMAIN_RULES = [
    "entity.legal_form",
    "entity.province",
    "entity.age",
    "entity.business_scope",
    "entity.uscc",
    "entity.credit_standing",
    "site.domain",
    "site.domain_filing",
    "site.server_location",
    "site.trading_modules",
    "site.content",
    "staff.security_manager",
    "capital.registered",
    "capital.proof",
    "compliance.history",
    "compliance.ban",
]
DOMAIN_MATERIALS = {
    "identity": ["application_form", "business_license", "legal_rep_id", "articles"],
    "site": ["domain_certificate", "hosting_agreement", "topology", "content_review"],
    "staff": ["security_id", "security_certificate", "security_insurance"],
    "capital": ["capital_verification", "bank_statements"],
    "compliance": ["icp_filing", "no_violation_statement", "privacy_policy"],
}


def test_it_lists_the_shipped_packs() -> None:
    assert available_packs() == ["gansu", "national"]


def test_load_pack_is_cached() -> None:
    assert load_pack("gansu") is load_pack("gansu")
    assert load_pack() is load_pack("gansu")


def test_an_unknown_pack_is_refused() -> None:
    with pytest.raises(PackError):
        load_pack("atlantis")
    with pytest.raises(PackError):
        load_pack("../gansu")


class TestGansu:
    pack = load_pack("gansu")

    def test_metadata(self) -> None:
        p = self.pack
        assert (p.id, p.province, p.province_code, p.abbreviation) == ("gansu", "甘肃省", "CN-GS", "甘")
        assert p.version == "2026.1"
        assert len(p.cities) == 14 and "兰州市" in p.cities and "甘南藏族自治州" in p.cities

    def test_it_holds_every_rule_of_domain_md_with_texts(self) -> None:
        ids = [r.id for r in self.pack.rules]
        assert [i for i in ids if i in DOMAIN_RULES] == DOMAIN_RULES
        assert set(ids) <= set(RULE_IDS)
        for rule in self.pack.rules:
            assert rule.title_zh and rule.title_en and rule.remedy_zh and rule.remedy_en and rule.source
            assert rule.id.startswith(rule.group + ".")

    def test_thresholds_are_data(self) -> None:
        p = self.pack
        assert p.rule("capital.registered").params["min_capital_cny"] == 1_000_000
        assert p.rule("entity.age").params["min_age_years"] == 1
        assert p.rule("compliance.history").params["history_years"] == 2
        assert p.rule("capital.proof").params["bank_statement_months"] == 3
        manager = p.rule("staff.security_manager").params
        assert manager["min_insured_months"] == 1 and manager["insured_province"] == "甘肃省"
        assert {"CISSP", "CCNA", "CISP"} <= set(manager["certificates"])
        assert len(p.rule("site.trading_modules").params["required_modules"]) == 5

    @pytest.mark.parametrize(
        ("name", "value", "unit"),
        [
            ("acceptance", 5, "workday"),
            ("supplement_answer", 5, "workday"),
            ("inspection", 10, "workday"),
            ("decision", 15, "workday"),
            ("certificate", 5, "workday"),
            ("decision_total", 60, "workday"),
            ("change_filing", 10, "day"),
            ("renewal_reminder", 6, "month"),
            ("renewal_deadline", 90, "day"),
            ("ban", 3, "year"),
            ("license_validity", 5, "year"),
        ],
    )
    def test_time_limits(self, name: str, value: int, unit: str) -> None:
        limit = self.pack.limit(name)
        assert (limit.value, limit.unit) == (value, unit)
        assert limit.source

    def test_annual_report(self) -> None:
        assert self.pack.annual_report_window == ("01-01", "03-31")
        assert self.pack.annual_report_missed == "lapse"

    def test_materials(self) -> None:
        p = self.pack
        got: dict[str, list[str]] = {}
        for m in p.materials:
            got.setdefault(m.group, []).append(m.id)
            assert m.seal and m.guidance and m.name_zh and m.name_en
        assert got == DOMAIN_MATERIALS
        assert p.material("bank_statements").validity["max_age_months"] == 3
        assert p.material("security_insurance").validity["covers_recent_months"] == 1
        assert not p.material("articles").renewal and p.material("business_license").renewal
        for group in DOMAIN_MATERIALS:
            assert p.group(group).name_zh and p.group(group).name_en

    def test_an_unknown_limit_is_a_key_error(self) -> None:
        with pytest.raises(KeyError):
            self.pack.limit("nap")


class TestNational:
    pack = load_pack("national")

    @pytest.mark.parametrize(
        ("name", "limit"),
        [
            ("decision_total", Limit(60, "workday")),
            ("change_filing", Limit(30, "day")),
            ("ban", Limit(1, "year")),
            ("renewal_reminder", Limit(90, "day")),
            ("renewal_deadline", Limit(90, "day")),
            ("acceptance", Limit(5, "workday")),
        ],
    )
    def test_it_differs_in_limits(self, name: str, limit: Limit) -> None:
        got = self.pack.limit(name)
        assert (got.value, got.unit) == (limit.value, limit.unit)

    def test_the_clock_stops_for_supplements(self) -> None:
        assert "supplement_answer" not in self.pack.limits

    def test_missed_report_is_a_bad_record(self) -> None:
        assert self.pack.annual_report_missed == "bad_record"

    def test_it_has_no_province_rules(self) -> None:
        ids = [r.id for r in self.pack.rules]
        assert "entity.province" not in ids
        assert ids == [r.id for r in load_pack("gansu").rules if r.id != "entity.province"]
        assert self.pack.rule("staff.security_manager").params["insured_province"] == ""
        # inherited params stay
        assert self.pack.rule("staff.security_manager").params["min_insured_months"] == 1
        assert self.pack.province == "" and self.pack.extends == "gansu"

    def test_it_inherits_the_materials(self) -> None:
        assert [m.id for m in self.pack.materials] == [m.id for m in load_pack("gansu").materials]
        assert "甘肃" not in self.pack.material("security_insurance").name_zh


class TestValidation:
    def base(self) -> dict[str, object]:
        return {
            "pack": {
                "id": "t",
                "version": "1",
                "name_zh": "测",
                "name_en": "t",
                "province": "",
                "province_code": "CN",
                "abbreviation": "",
                "source": "",
            },
            "annual_report": {"start": "01-01", "end": "03-31", "missed": "lapse"},
            "groups": [{"id": "entity", "name_zh": "主体", "name_en": "Applicant"}],
            "license_types": {
                "B25": {"name_zh": "a", "name_en": "a"},
                "B21": {"name_zh": "b", "name_en": "b"},
            },
        }

    def test_a_minimal_pack_builds(self) -> None:
        assert build_pack(self.base(), "t").id == "t"

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("limits", {"nap": {"value": 1, "unit": "day"}}),
            ("limits", {"ban": {"value": 1, "unit": "fortnight"}}),
            ("limits", {"ban": {"value": True, "unit": "year"}}),
            ("annual_report", {"start": "1-1", "end": "03-31", "missed": "lapse"}),
            ("annual_report", {"start": "01-01", "end": "03-31", "missed": "shrug"}),
            (
                "rules",
                [
                    {
                        "id": "entity.nonsense",
                        "group": "entity",
                        "title_zh": "x",
                        "title_en": "x",
                        "remedy_zh": "x",
                        "remedy_en": "x",
                        "source": "x",
                    }
                ],
            ),
            ("license_types", {}),
        ],
    )
    def test_a_bad_pack_is_refused(self, key: str, value: object) -> None:
        data = self.base()
        data[key] = value
        with pytest.raises(PackError):
            build_pack(data, "t")
