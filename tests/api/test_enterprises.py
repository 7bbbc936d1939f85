"""Enterprises and eligibility through the API."""

from __future__ import annotations

from typing import Any

import pytest

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import Mandate
from icpdesk.enterprises.models import EligibilityAssessment
from tests.api.conftest import Api
from tests.factories import Personas, file_a_case, make_enterprise, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_personal_data_is_masked_unless_the_user_needs_it(api: Api, personas: Personas) -> None:
    path = f"/enterprises/{personas.enterprise.pk}"
    # Before its first filed case the enterprise, and its people, are nothing to the regulator.
    assert api.get("reviewer", path).status_code == 404
    file_a_case(personas.enterprise, personas.agency)
    for who in ("applicant", "consultant", "reviewer"):
        full = api.get(who, path).json()
        assert full["personal_data_masked"] is False
        assert full["legal_rep_id_number"] == personas.enterprise.legal_rep_id_number
        assert full["contact_phone"] == "13893112345"
        assert full["security_staff"][0]["phone"] == "13993112345"
    personas.mandate.prepare = False
    personas.mandate.save()
    masked = api.get("consultant", path).json()
    assert masked["personal_data_masked"] is True
    assert (
        masked["legal_rep_id_number"]
        == personas.enterprise.legal_rep_id_number[:6]
        + "********"
        + (personas.enterprise.legal_rep_id_number[-4:])
    )
    assert masked["contact_phone"] == "138****2345"
    assert masked["security_staff"][0]["id_number"].count("*") == 8
    assert masked["security_staff"][0]["phone"] == "139****2345"


def test_the_enterprise_list_searches_and_paginates(api: Api, personas: Personas) -> None:
    names = ["庆阳中药材电子商务有限公司", "酒泉光伏设备电子商务有限公司", "天水苹果二号电子商务有限公司"]
    for name in names:
        enterprise = make_enterprise(name)
        Mandate.objects.create(agency=personas.agency, enterprise=enterprise)
    page = api.get("consultant", "/enterprises", {"limit": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    found = api.get("consultant", "/enterprises", {"q": "光伏"}).json()
    assert [e["name"] for e in found["items"]] == ["酒泉光伏设备电子商务有限公司"]
    by_code = api.get("consultant", "/enterprises", {"q": personas.enterprise.uscc}).json()
    assert [e["id"] for e in by_code["items"]] == [personas.enterprise.pk]
    assert api.get("applicant", "/enterprises").json()["total"] == 1
    assert api.get("other_reviewer", "/enterprises").json()["total"] == 0


@pytest.mark.parametrize("rows", [3, 30])
def test_the_enterprise_list_runs_a_fixed_number_of_queries(
    api: Api, personas: Personas, django_assert_max_num_queries: Any, rows: int
) -> None:
    for enterprise in [personas.enterprise, personas.other_enterprise] + [
        make_enterprise(f"测试企业{n}有限公司", eligible=False) for n in range(rows)
    ]:
        file_a_case(enterprise)
    make_enterprise("未申报企业有限公司", eligible=False)  # no case filed: not the regulator's
    api.get("reviewer", "/enterprises")
    with django_assert_max_num_queries(4):
        body = api.get("reviewer", "/enterprises", {"limit": 200}).json()
    assert body["total"] == rows + 2


def test_eligibility_is_run_kept_and_read_back(api: Api, personas: Personas) -> None:
    path = f"/enterprises/{personas.enterprise.pk}/eligibility"
    none_yet = api.get("applicant", path)
    assert none_yet.status_code == 404
    assert none_yet.json()["code"] == "not_found"
    run = api.post("consultant", path)
    assert run.status_code == 201
    body = run.json()
    assert body["verdict"] == "eligible"
    assert body["rule_pack"] == "gansu"
    assert {c["id"] for c in body["result"]["checks"]} >= {"entity.uscc", "compliance.ban"}
    assert EligibilityAssessment.objects.filter(enterprise=personas.enterprise).count() == 1
    file_a_case(personas.enterprise, personas.agency)
    latest = api.get("reviewer", path).json()
    assert latest["id"] == body["id"]


def test_an_ineligible_enterprise_gets_the_failing_rules_with_remedies(api: Api, personas: Personas) -> None:
    personas.enterprise.business_scope = "日用百货销售"
    personas.enterprise.save()
    body = api.post("applicant", f"/enterprises/{personas.enterprise.pk}/eligibility?lang=en").json()
    assert body["verdict"] == "not_eligible"
    failing = [c for c in body["result"]["checks"] if c["status"] == "fail"]
    assert [c["id"] for c in failing] == ["entity.business_scope"]
    assert failing[0]["remedy"]


def test_a_member_without_a_valid_role_sees_nothing(api: Api, personas: Personas) -> None:
    stray = make_user("stray", make_organisation(OrgKind.ENTERPRISE, "某公司"), [Role.REVIEWER])
    assert api.get(stray, f"/enterprises/{personas.enterprise.pk}").status_code == 404
    assert api.get(stray, "/enterprises").json()["total"] == 0
