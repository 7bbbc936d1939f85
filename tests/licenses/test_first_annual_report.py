"""A license owes its first annual report on its year of issue, filed in the next year's window."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from icpdesk.lib.errors import PreconditionFailed
from icpdesk.licenses import actions
from tests.factories import Personas
from tests.licenses.helpers import make_license

REPORT = {
    "operations": {"summary": "平台交易额 300 万元"},
    "security": {"summary": "无安全事件"},
    "complaints": {"summary": "无投诉", "received": 0},
}


@pytest.mark.django_db
def test_a_license_issued_in_october_2026_owes_its_2026_report_in_2027(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2026, 10, 12))
    assert lic.annual_report_due_on == date(2027, 3, 31)
    assert actions.owed_report_year(lic, date(2026, 12, 4)) == 2026
    assert actions.owed_report_year(lic, date(2027, 2, 1)) == 2026
    with pytest.raises(PreconditionFailed) as early:
        actions.save_annual_report(personas.applicant, lic, 2026, REPORT, today=date(2026, 12, 4))
    assert early.value.message_zh == "2026 年度报告的报送期为 2027-01-01 至 2027-03-31，尚未开始。"
    with pytest.raises(PreconditionFailed):  # it never owed a report on 2025
        actions.save_annual_report(personas.applicant, lic, 2025, REPORT, today=date(2026, 12, 4))
    report = actions.submit_annual_report(personas.applicant, lic, 2026, REPORT, today=date(2027, 1, 5))
    assert report.due_on == date(2027, 3, 31)
    assert lic.annual_report_due_on == date(2028, 3, 31)
    assert actions.owed_report_year(lic, date(2027, 6, 1)) == 2027


@pytest.mark.django_db
def test_the_license_page_names_the_report_of_the_year_of_issue(personas: Personas) -> None:
    today = timezone.localdate()
    lic = make_license(personas.enterprise, today)
    client = Client()
    client.force_login(personas.applicant)
    body = client.get(f"/licenses/{lic.pk}/").content.decode()
    assert f"{today.year} 年度报告" in body
    assert f"{today.year - 1} 年度报告" not in body
    annual = client.get(f"/licenses/{lic.pk}/annual/").content.decode()
    assert f"{today.year + 1}-01-01 — {today.year + 1}-03-31" in annual
