"""The eligibility page runs the rule pack and keeps the result with date, pack version and author."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils.html import escape

from icpdesk.enterprises.models import EligibilityAssessment
from icpdesk.lib.packs import current_pack
from tests.factories import Personas, file_a_case, make_enterprise


@pytest.mark.django_db
def test_an_ineligible_enterprise_sees_the_failing_rule_and_its_remedy(
    client: Client, personas: Personas
) -> None:
    enterprise = personas.enterprise
    enterprise.registered_capital_cny = 999_999
    enterprise.save()
    client.force_login(personas.applicant)
    assert "尚未评估" in client.get(f"/enterprises/{enterprise.pk}/eligibility/").content.decode()

    response = client.post(f"/enterprises/{enterprise.pk}/eligibility/", follow=True)
    assert response.status_code == 200
    kept = EligibilityAssessment.objects.get(enterprise=enterprise)
    assert kept.verdict == "not_eligible"
    assert kept.created_by == personas.applicant
    assert kept.assessed_on == date.today()
    pack = current_pack()
    assert (kept.rule_pack, kept.rule_pack_version) == (pack.id, pack.version)
    capital = next(c for c in kept.checks() if c["id"] == "capital.registered")
    assert capital["status"] == "fail"
    assert "增资" in capital["remedy"]

    body = response.content.decode()
    assert "不符合条件" in body
    row = body.split('id="rule-capital.registered"', 1)[1].split("</tr>", 1)[0]
    assert "不通过" in row
    assert escape(capital["message"]) in row
    assert escape(capital["remedy"]) in row
    assert pack.version in body
    assert kept.assessed_on.isoformat() in body
    # Every rule of the pack has its row.
    assert body.count('id="rule-') == len(kept.checks())
    # The advised license types with their reasons.
    for advised in kept.result["license_types"]:
        assert advised["code"] in body
        assert escape(advised["reason"]) in body


@pytest.mark.django_db
def test_an_eligible_enterprise_passes_every_rule(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    client.post(f"/enterprises/{personas.enterprise.pk}/eligibility/")
    kept = EligibilityAssessment.objects.get(enterprise=personas.enterprise)
    assert kept.verdict == "eligible"
    assert {c["status"] for c in kept.checks()} == {"pass"}
    assert kept.created_by == personas.consultant


@pytest.mark.django_db
def test_missing_information_is_unknown_not_a_failure(client: Client, personas: Personas) -> None:
    sparse = make_enterprise("平凉空白资料有限公司", eligible=False, registered_capital_cny=None, domain="")
    file_a_case(sparse)  # before, the regulator does not see it
    client.force_login(personas.reviewer)
    client.post(f"/enterprises/{sparse.pk}/eligibility/")
    kept = EligibilityAssessment.objects.get(enterprise=sparse)
    assert kept.verdict in ("incomplete", "not_eligible")
    statuses = {c["id"]: c["status"] for c in kept.checks()}
    assert statuses["capital.registered"] == "unknown"
    assert statuses["staff.security_manager"] in ("unknown", "fail")


@pytest.mark.django_db
def test_the_page_shows_the_latest_kept_result_and_runs_in_english_when_asked(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.reviewer)
    url = f"/enterprises/{personas.enterprise.pk}/eligibility/"
    client.post(url)
    personas.enterprise.registered_capital_cny = 500_000
    personas.enterprise.save()
    client.post(url, headers={"accept-language": "en"})
    assert EligibilityAssessment.objects.filter(enterprise=personas.enterprise).count() == 2
    latest = client.get(url)
    assert latest.context["assessment"].verdict == "not_eligible"
    capital = next(c for c in latest.context["checks"] if c["id"] == "capital.registered")
    assert "1,000,000" in capital["remedy"] or "1000000" in capital["remedy"]
