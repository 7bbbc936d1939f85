"""License states, the annual report window and the daily sweep, with the clock set by hand."""

from __future__ import annotations

from datetime import date

import pytest

from icpdesk.core.rules import load_pack
from icpdesk.lib.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, PreconditionFailed
from icpdesk.licenses import actions
from icpdesk.licenses.models import License, LicenseEvent
from icpdesk.licenses.sweep import apply_due_transitions
from tests.factories import Personas
from tests.licenses.helpers import make_license

REPORT = {
    "operations": {"summary": "平台交易额 1200 万元"},
    "security": {"summary": "全年无安全事件"},
    "complaints": {"summary": "收到 3 起投诉，均已处理", "received": 3},
}


@pytest.mark.django_db
def test_issued_license_owes_its_first_report_in_the_next_window(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    assert lic.number == "甘B2-20250001"
    assert lic.annual_report_due_on == date(2026, 3, 31)
    assert lic.expires_on == date(2030, 6, 16)
    assert lic.events.get().action == "issue"


@pytest.mark.django_db
def test_31_march_still_valid_1_april_lapsed_and_told_why(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    assert apply_due_transitions(date(2026, 3, 31))["lapsed"] == 0
    lic.refresh_from_db()
    assert lic.state == "valid"
    counts = apply_due_transitions(date(2026, 4, 1))
    assert counts["lapsed"] == 1
    lic.refresh_from_db()
    assert lic.state == "lapsed"
    assert lic.state_changed_on == date(2026, 4, 1)
    event = lic.events.get(action="lapse")
    assert event.from_state == "valid" and event.to_state == "lapsed"
    assert "2025 年度报告" in event.reason and "重新申请" in event.reason
    # Idempotent: a second run changes nothing.
    assert apply_due_transitions(date(2026, 4, 1)) == {
        "lapsed": 0,
        "bad_record": 0,
        "expired": 0,
        "notified": 0,
    }
    assert lic.events.filter(action="lapse").count() == 1


@pytest.mark.django_db
def test_a_submitted_report_keeps_the_license_valid(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise, date(2025, 6, 16))
    actions.save_annual_report(
        p.consultant, lic, 2025, {"operations": {"summary": "草稿"}}, today=date(2026, 2, 1)
    )
    report = actions.submit_annual_report(p.applicant, lic, 2025, REPORT, today=date(2026, 3, 31))
    assert report.state == "submitted" and report.submitted_on == date(2026, 3, 31)
    assert lic.annual_report_due_on == date(2027, 3, 31)
    assert apply_due_transitions(date(2026, 4, 1))["lapsed"] == 0
    lic.refresh_from_db()
    assert lic.state == "valid"
    with pytest.raises(InvalidTransition):  # final: no edits after
        actions.save_annual_report(p.applicant, lic, 2025, REPORT, today=date(2026, 3, 31))
    assert apply_due_transitions(date(2027, 4, 1))["lapsed"] == 1


@pytest.mark.django_db
def test_submission_needs_every_section_and_the_holder_side(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise, date(2025, 6, 16))
    with pytest.raises(InvalidInput) as missing:
        actions.submit_annual_report(
            p.applicant, lic, 2025, {"operations": {"summary": "x"}}, today=date(2026, 2, 1)
        )
    assert missing.value.field == "security"
    with pytest.raises(Forbidden):
        actions.save_annual_report(p.reviewer, lic, 2025, REPORT, today=date(2026, 2, 1))
    with pytest.raises(NotFound):
        actions.save_annual_report(p.outsider, lic, 2025, REPORT, today=date(2026, 2, 1))
    with pytest.raises(PreconditionFailed):  # a license issued in 2025 owes nothing on 2024
        actions.save_annual_report(p.applicant, lic, 2024, REPORT, today=date(2025, 2, 1))


@pytest.mark.django_db
def test_national_pack_puts_the_holder_on_the_bad_record_list_until_it_files(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise, date(2025, 6, 16))
    national = load_pack("national")
    assert apply_due_transitions(date(2026, 3, 31), pack=national)["bad_record"] == 0
    counts = apply_due_transitions(date(2026, 4, 1), pack=national)
    assert counts["bad_record"] == 1 and counts["lapsed"] == 0
    lic.refresh_from_db()
    assert lic.state == "valid" and lic.bad_record
    assert apply_due_transitions(date(2026, 4, 2), pack=national)["bad_record"] == 0
    actions.submit_annual_report(p.applicant, lic, 2025, REPORT, today=date(2026, 5, 10))
    lic.refresh_from_db()
    assert not lic.bad_record and lic.annual_report_due_on == date(2027, 3, 31)
    assert lic.events.filter(action="annual_report", changes__late=True).exists()


@pytest.mark.django_db
def test_expiry_after_the_last_valid_day(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    License.objects.filter(pk=lic.pk).update(annual_report_due_on=date(2031, 3, 31))
    assert apply_due_transitions(date(2030, 6, 16))["expired"] == 0
    assert apply_due_transitions(date(2030, 6, 17))["expired"] == 1
    lic.refresh_from_db()
    assert lic.state == "expired"
    assert apply_due_transitions(date(2030, 6, 18))["expired"] == 0


@pytest.mark.django_db
def test_state_actions_with_reasons_and_roles(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise)
    with pytest.raises(Forbidden):
        actions.suspend_license(p.reviewer, lic, reason="x")
    with pytest.raises(NotFound):
        actions.suspend_license(p.other_reviewer, lic, reason="x")
    with pytest.raises(InvalidInput) as no_reason:
        actions.suspend_license(p.approver, lic, reason=" ")
    assert no_reason.value.field == "reason"
    actions.suspend_license(p.approver, lic, reason="网站含违法内容", today=date(2026, 1, 5))
    assert lic.state == "suspended"
    actions.reinstate_license(p.approver, lic, reason="已整改", today=date(2026, 2, 5))
    assert lic.state == "valid"
    with pytest.raises(Forbidden):
        actions.cancel_license(p.member, lic, reason="停止经营")
    with pytest.raises(Forbidden):
        actions.cancel_license(p.consultant, lic, reason="停止经营")
    actions.cancel_license(p.applicant, lic, reason="停止经营", today=date(2026, 3, 1))
    assert lic.state == "cancelled"
    with pytest.raises(InvalidTransition):
        actions.revoke_license(p.approver, lic, reason="x")
    history = list(LicenseEvent.objects.filter(license=lic).values_list("action", "to_state", "reason"))
    assert history[1:] == [
        ("suspend", "suspended", "网站含违法内容"),
        ("reinstate", "valid", "已整改"),
        ("cancel", "cancelled", "停止经营"),
    ]


@pytest.mark.django_db
def test_revoke(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    actions.revoke_license(personas.approver, lic, reason="伪造材料", today=date(2026, 1, 5))
    assert lic.state == "revoked"


# Committed for real: the notice goes out once the lapse has committed.
@pytest.mark.django_db(transaction=True)
def test_the_lapse_tells_the_holder_and_its_agency_once(personas: Personas) -> None:
    from icpdesk.notifications.models import Notification

    lic = make_license(personas.enterprise, date(2025, 6, 16))
    assert apply_due_transitions(date(2026, 4, 1))["notified"] == 2
    told = Notification.objects.select_related("reminder")
    assert {n.organisation for n in told} == {personas.enterprise.organisation, personas.agency}
    assert {n.user for n in told} >= {personas.applicant, personas.consultant}
    assert all("已失效" in n.reminder.subject_zh and n.reminder.link == f"/licenses/{lic.pk}/" for n in told)
    # The license is lapsed now: a second sweep finds nothing and tells nobody again.
    count = told.count()
    assert apply_due_transitions(date(2026, 4, 2))["notified"] == 0
    assert Notification.objects.count() == count
