"""The demo's history is dated as it happened, not at the minute it was loaded."""

from __future__ import annotations

import pytest
from django.utils import timezone

from icpdesk.cases.models import Application, AuditEvent, SupplementNotice
from icpdesk.demo.loader import load_demo
from icpdesk.licenses import actions as license_actions
from icpdesk.licenses.models import License

STEP_DAYS = {
    "file": "filed_on",
    "accept": "accepted_on",
    "record_inspection": "inspected_on",
    "approve": "decided_on",
    "reject": "decided_on",
    "issue_certificate": "certificate_on",
}


@pytest.mark.django_db
def test_each_step_is_dated_on_its_day() -> None:
    load_demo()
    today = timezone.localdate()
    checked = 0
    for case in Application.objects.all():
        for event in AuditEvent.objects.filter(application=case, action__in=STEP_DAYS):
            day = getattr(case, STEP_DAYS[event.action])
            assert day is not None, (case.reference, event.action)
            assert timezone.localdate(event.at) == day, (case.reference, event.action)
            checked += 1
    assert checked > 20
    # Most of the history is in the past: only today's steps are dated today.
    past = AuditEvent.objects.filter(action__in=STEP_DAYS).exclude(at__date=today).count()
    assert past > checked // 2


@pytest.mark.django_db
def test_every_supplement_notice_is_issued_before_its_deadline() -> None:
    load_demo()
    notices = list(SupplementNotice.objects.all())
    assert notices
    for notice in notices:
        assert timezone.localdate(notice.issued_at) <= notice.due_on
        if notice.answered_at is not None:
            assert notice.answered_at >= notice.issued_at


@pytest.mark.django_db
def test_the_demo_license_owes_the_report_of_its_year_of_issue() -> None:
    load_demo()
    today = timezone.localdate()
    for license_ in License.objects.all():
        year = license_actions.owed_report_year(license_, today)
        assert year >= license_.issued_on.year
        assert license_.annual_report_due_on is not None
        assert license_.annual_report_due_on.year == year + 1


@pytest.mark.django_db
def test_every_filed_demo_case_has_its_capital_proof() -> None:
    from icpdesk.materials.models import CaseMaterial

    load_demo()
    for case in Application.objects.exclude(state="draft"):
        proofs = CaseMaterial.objects.filter(
            application=case,
            material_id__in=("capital_verification", "bank_statements"),
            versions__isnull=False,
        )
        assert proofs.exists(), case.reference
