"""The clock set to the days that matter: each reminder is created once, and a second sweep adds nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail

from icpdesk.cases.models import Application, SupplementNotice
from icpdesk.notifications import sweep
from icpdesk.notifications.models import Notification, Reminder
from tests.notifications.conftest import make_license


def reminders() -> set[tuple[str, str]]:
    return set(Reminder.objects.values_list("duty_key", "threshold"))


def sweep_twice(today: date) -> set[tuple[str, str]]:
    sweep.run(today)
    first = (reminders(), Notification.objects.count(), len(mail.outbox))
    again = sweep.run(today)
    assert again.claimed == 0
    assert (reminders(), Notification.objects.count(), len(mail.outbox)) == first
    return first[0]


def test_the_annual_report_window_opens_on_1_january(desk: Any) -> None:
    lic = desk.license
    assert sweep_twice(date(2026, 1, 1)) == {(f"annual:{lic.pk}:2025:open", "open")}
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {"applicant", "member", "consultant"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "applicant@example.cn",
        "consultant@example.cn",
        "member@example.cn",
    ]
    assert "2025" in mail.outbox[0].subject and "2026-03-31" in mail.outbox[0].body


def test_30_7_and_1_days_before_31_march_each_once(desk: Any) -> None:
    key = f"annual:{desk.license.pk}:2025"
    assert sweep_twice(date(2026, 3, 1)) == {(key, "30d")}
    assert sweep_twice(date(2026, 3, 24)) == {(key, "30d"), (key, "7d")}
    assert sweep_twice(date(2026, 3, 30)) == {(key, "30d"), (key, "7d"), (key, "1d")}
    # On 31 March itself nothing new: the last-day reminder went out the day before.
    assert sweep_twice(date(2026, 3, 31)) == {(key, "30d"), (key, "7d"), (key, "1d")}
    subjects = list(Reminder.objects.order_by("fire_on").values_list("subject_zh", flat=True))
    assert subjects[0].startswith("还有 30 天") and subjects[1].startswith("还有 7 天")


def test_on_31_march_a_desk_that_never_swept_still_reminds_once(desk: Any) -> None:
    key = f"annual:{desk.license.pk}:2025"
    assert sweep_twice(date(2026, 3, 31)) == {(key, "1d")}
    assert Reminder.objects.get().subject_zh.startswith("今日到期")


def test_on_1_april_an_unreported_valid_license_is_overdue(desk: Any) -> None:
    key = f"annual:{desk.license.pk}:2025"
    assert (key, "overdue") in sweep_twice(date(2026, 4, 1))
    assert Reminder.objects.get(threshold="overdue").subject_zh.startswith("已逾期")


def test_on_1_april_a_lapsed_license_gets_no_annual_reminder(desk: Any) -> None:
    desk.license.state = "lapsed"
    desk.license.save(update_fields=["state"])
    assert sweep_twice(date(2026, 4, 1)) == set()


def test_a_submitted_report_stops_the_reminders(desk: Any) -> None:
    from icpdesk.licenses.models import AnnualReport

    AnnualReport.objects.create(
        license=desk.license,
        year=2025,
        state="submitted",
        window_opens_on=date(2026, 1, 1),
        due_on=date(2026, 3, 31),
        submitted_on=date(2026, 2, 1),
    )
    assert sweep_twice(date(2026, 3, 24)) == set()


def test_six_months_before_expiry_renewal_opens(desk: Any) -> None:
    lic = desk.license  # expires 2030-06-10
    key = f"renewal:{lic.pk}:20300610:open"
    assert sweep_twice(date(2029, 11, 10)) == {(key, "30d")}
    assert sweep_twice(date(2029, 12, 10)) == {(key, "30d"), (key, "open")}
    assert Reminder.objects.get(threshold="open").subject_zh.startswith("已开始")


def test_90_days_before_expiry_the_renewal_deadline(desk: Any) -> None:
    lic = desk.license
    key = f"renewal:{lic.pk}:20300610"
    deadline = date(2030, 6, 10) - timedelta(days=90)
    assert deadline == date(2030, 3, 12)
    assert sweep_twice(deadline - timedelta(days=30)) == {(key, "30d")}
    assert (key, "7d") in sweep_twice(deadline - timedelta(days=7))
    assert (key, "1d") in sweep_twice(deadline - timedelta(days=1))
    assert (key, "overdue") in sweep_twice(deadline + timedelta(days=1))


def test_a_started_renewal_stops_its_reminders(desk: Any) -> None:
    renewal = Application.objects.create(
        reference="T-RENEW",
        enterprise=desk.enterprise,
        kind="renewal",
        province_code="CN-GS",
        rule_pack="gansu",
    )
    desk.license.renewal_application = renewal
    desk.license.save(update_fields=["renewal_application"])
    assert sweep_twice(date(2030, 3, 11)) == set()


def test_month_end_expiry_counts_six_months_back_exactly(desk: Any) -> None:
    lic = make_license(desk.enterprise, expires_on=date(2030, 8, 31), annual_report_due_on=None)
    # 31 August minus six months is 28 February (no 31st in February).
    assert (f"renewal:{lic.pk}:20300831:open", "open") in sweep_twice(date(2030, 2, 28))


def supplement_case(desk: Any, due_on: date) -> SupplementNotice:
    case = Application.objects.create(
        reference="T-SUPP",
        enterprise=desk.enterprise,
        agency=desk.agency,
        state="returned",
        province_code="CN-GS",
        rule_pack="gansu",
        due_step="supplement_answer",
        due_on=due_on,
    )
    return SupplementNotice.objects.create(
        application=case,
        items=[{"item": "topology", "reason": "缺少"}],
        issued_by=desk.reviewer,
        due_on=due_on,
    )


def test_a_supplement_due_tomorrow_reminds_the_enterprise_and_its_agency(desk: Any) -> None:
    today = date(2026, 7, 14)
    notice = supplement_case(desk, today + timedelta(days=1))
    found = sweep_twice(today)
    assert (f"supplement:{notice.pk}", "1d") in found
    people = set(
        Notification.objects.filter(reminder__duty_key=f"supplement:{notice.pk}").values_list(
            "user__username", flat=True
        )
    )
    assert people == {"applicant", "member", "consultant"}
    # The returned case runs the applicant's clock: the reviewer is not reminded of it.
    assert set(Notification.objects.values_list("user__username", flat=True)) == people


def test_an_answered_supplement_is_not_reminded(desk: Any) -> None:
    from django.utils import timezone

    today = date(2026, 7, 14)
    notice = supplement_case(desk, today + timedelta(days=1))
    notice.answered_at = timezone.now()
    notice.save(update_fields=["answered_at"])
    assert all(not key.startswith("supplement:") for key, _ in sweep_twice(today))


@pytest.mark.parametrize(
    ("state", "told", "not_told"),
    [
        ("filed", "reviewer", "inspector"),
        ("accepted", "inspector", "reviewer"),
        ("inspected", "approver", "inspector"),
    ],
)
def test_staff_hear_of_their_own_queue_deadlines(desk: Any, state: str, told: str, not_told: str) -> None:
    today = date(2026, 7, 14)
    case = Application.objects.create(
        reference="T-QUEUE",
        enterprise=desk.enterprise,
        state=state,
        province_code="CN-GS",
        rule_pack="gansu",
        due_step="step",
        due_on=today + timedelta(days=1),
    )
    assert (f"case:{case.pk}:step:20260715", "1d") in sweep_twice(today)
    people = set(Notification.objects.values_list("user__username", flat=True))
    assert told in people
    assert not_told not in people
    assert "other_reviewer" not in people and "applicant" not in people


def test_thresholds_are_configurable_per_kind(desk: Any, settings: Any) -> None:
    settings.NOTIFICATION_THRESHOLDS = {"annual_report": [14]}
    key = f"annual:{desk.license.pk}:2025"
    assert sweep_twice(date(2026, 3, 1)) == set()
    assert sweep_twice(date(2026, 3, 17)) == {(key, "14d")}


def test_a_returned_change_is_reminded_when_returned_and_before_its_new_due_date(desk: Any) -> None:
    from icpdesk.licenses.models import ChangeFiling

    filing = ChangeFiling.objects.create(
        license=desk.license,
        kind="domain",
        after="new.example.cn",
        happened_on=date(2026, 6, 1),
        due_on=date(2026, 6, 11),
        filed_on=date(2026, 6, 5),
        state="returned",
        filed_by=desk.applicant,
        reviewed_by=desk.reviewer,
        reviewed_on=date(2026, 6, 8),
        review_reason="域名证书不清晰",
    )
    key = f"change:{filing.pk}"
    assert sweep_twice(date(2026, 6, 8)) == {(key, "returned")}
    assert (key, "1d") in sweep_twice(date(2026, 6, 17))  # 10 days after the return
    assert (key, "overdue") in sweep_twice(date(2026, 6, 19))
