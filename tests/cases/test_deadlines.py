"""Deadlines: each step's due date on the official 2026 schedule, the stopped supplement clock,
and the provisional flag for 2027 (no schedule published)."""

from __future__ import annotations

from datetime import date

import pytest

from icpdesk.calendars.deadlines import due_for, working_days_left
from icpdesk.cases import actions
from icpdesk.cases.models import Application, Deadline
from icpdesk.core.lifecycle import State
from icpdesk.lib.errors import PreconditionFailed
from icpdesk.lib.packs import current_pack
from tests.cases.test_actions import ITEMS, PASSED, walk_to
from tests.factories import Personas, file_with_materials


def running(case: Application, step: str) -> Deadline:
    return Deadline.objects.get(application=case, step=step, met_on__isnull=True, cancelled=False)


def test_the_calendar_has_national_day_2026_and_no_schedule_for_2027() -> None:
    from icpdesk.core.workdays import default_calendar

    calendar = default_calendar()
    assert calendar.has_official_schedule(2026)
    assert not calendar.has_official_schedule(2027)
    assert not any(calendar.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert calendar.is_working_day(date(2026, 10, 10))  # Saturday make-up day


def test_filed_on_30_september_is_due_for_acceptance_on_13_october(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    assert (case.due_step, case.due_on, case.due_provisional) == ("acceptance", date(2026, 10, 13), False)
    deadline = running(case, "acceptance")
    assert (deadline.started_on, deadline.due_on, deadline.provisional) == (
        date(2026, 9, 30),
        date(2026, 10, 13),
        False,
    )


def test_each_step_is_due_its_working_days_after_the_last(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.FILED)
    actions.accept_application(p.reviewer, case, today=date(2026, 10, 12))
    # 10 working days after acceptance.
    assert (case.due_step, case.due_on) == ("inspection", date(2026, 10, 26))
    assert Deadline.objects.get(application=case, step="acceptance").met_on == date(2026, 10, 12)
    assert running(case, "inspection").due_on == date(2026, 10, 26)
    # The national 60-working-day ceiling runs from acceptance and ends in 2027 (estimated: 1 January
    # off): provisional.
    total = running(case, "decision_total")
    assert (total.due_on, total.provisional) == (date(2027, 1, 5), True)

    actions.schedule_inspection(
        p.inspector, case, date(2026, 10, 15), [p.inspector], today=date(2026, 10, 12)
    )
    assert (case.due_step, case.due_on) == ("inspection", date(2026, 10, 26))  # still owed
    actions.record_inspection(p.inspector, case, PASSED, today=date(2026, 10, 15))
    # 15 working days after the inspection.
    assert (case.due_step, case.due_on) == ("decision", date(2026, 11, 5))
    assert Deadline.objects.get(application=case, step="inspection").met_on == date(2026, 10, 15)

    actions.approve_application(p.approver, case, today=date(2026, 10, 20))
    # 5 working days after approval.
    assert (case.due_step, case.due_on) == ("certificate", date(2026, 10, 27))
    assert Deadline.objects.get(application=case, step="decision").met_on == date(2026, 10, 20)
    assert Deadline.objects.get(application=case, step="decision_total").met_on == date(2026, 10, 20)

    actions.issue_certificate(p.approver, case, today=date(2026, 10, 21))
    assert (case.due_step, case.due_on, case.due_provisional) == ("", None, False)
    assert not Deadline.objects.filter(application=case, met_on__isnull=True, cancelled=False).exists()
    assert list(Deadline.objects.filter(application=case).values_list("step", "due_on", "met_on")) == [
        ("acceptance", date(2026, 10, 13), date(2026, 10, 12)),
        ("inspection", date(2026, 10, 26), date(2026, 10, 15)),
        ("decision_total", date(2027, 1, 5), date(2026, 10, 20)),
        ("decision", date(2026, 11, 5), date(2026, 10, 20)),
        ("certificate", date(2026, 10, 27), date(2026, 10, 21)),
    ]


def test_a_deadline_in_2027_is_provisional(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.DRAFT)
    file_with_materials(p.consultant, case, today=date(2026, 12, 28))
    assert (case.due_on, case.due_provisional) == (date(2027, 1, 5), True)
    deadline = running(case, "acceptance")
    assert (deadline.due_on, deadline.provisional) == (date(2027, 1, 5), True)
    # One that ends within 2026 is not.
    other = walk_to(p, State.DRAFT)
    file_with_materials(p.consultant, other, today=date(2026, 12, 24))
    assert (other.due_on, other.due_provisional) == (date(2026, 12, 31), False)
    assert running(other, "acceptance").provisional is False
    # Approved on the last day of 2026: the certificate is due in 2027, provisionally.
    late = walk_to(p, State.INSPECTED)
    actions.approve_application(p.approver, late, today=date(2026, 12, 30))
    assert (late.due_step, late.due_on, late.due_provisional) == ("certificate", date(2027, 1, 7), True)
    assert running(late, "certificate").provisional is True


def test_the_review_clock_stops_while_the_case_is_returned(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.FILED)  # filed Wed 30 September, due Tue 13 October
    # Returned on Friday 9 October: 8 and 9 October used 2 of the 5 working days.
    actions.return_application(p.reviewer, case, ITEMS, today=date(2026, 10, 9))
    assert case.acceptance_days_used == 2
    notice = case.supplements.get()
    # The supplement limit (5 working days) runs from the return: 10 (make-up Saturday), 12-15 October.
    assert current_pack().limit("supplement_answer").value == 5
    assert (notice.due_on, notice.due_provisional) == (date(2026, 10, 15), False)
    assert (case.due_step, case.due_on) == ("supplement", date(2026, 10, 15))
    assert Deadline.objects.get(application=case, step="acceptance").cancelled is True
    assert running(case, "supplement").due_on == date(2026, 10, 15)

    # Answered on Wednesday 14 October: the 3 remaining working days run from the answer.
    actions.answer_supplement(p.consultant, case, "已补交清晰的营业执照复印件", today=date(2026, 10, 14))
    assert case.state == State.FILED
    assert (case.due_step, case.due_on) == ("acceptance", date(2026, 10, 19))
    assert running(case, "acceptance").started_on == date(2026, 10, 14)
    assert Deadline.objects.get(application=case, step="supplement").met_on == date(2026, 10, 14)
    notice.refresh_from_db()
    assert notice.answered_by == p.consultant
    assert notice.answer == "已补交清晰的营业执照复印件"

    # Returned again on Friday 16 October (15 and 16 used: 4 in all), answered Monday 19:
    # one working day left.
    actions.return_application(p.reviewer, case, ITEMS, today=date(2026, 10, 16))
    assert case.acceptance_days_used == 4
    actions.answer_supplement(p.applicant, case, "再次补正", today=date(2026, 10, 19))
    assert (case.due_step, case.due_on) == ("acceptance", date(2026, 10, 20))


def test_a_return_after_the_acceptance_limit_leaves_at_least_one_day(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.FILED)
    actions.return_application(p.reviewer, case, ITEMS, today=date(2026, 10, 16))  # 8 working days on
    assert case.acceptance_days_used == 8
    actions.answer_supplement(p.applicant, case, "已补正", today=date(2026, 10, 19))
    assert case.due_on == date(2026, 10, 20)


def test_a_case_returned_on_its_filing_day_keeps_all_five_days(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.FILED)
    actions.return_application(p.reviewer, case, ITEMS, today=date(2026, 9, 30))
    assert case.acceptance_days_used == 0
    actions.answer_supplement(p.applicant, case, "已补正", today=date(2026, 10, 8))
    assert case.due_on == due_for("acceptance", date(2026, 10, 8)).on == date(2026, 10, 14)


def test_lapse_is_refused_until_the_supplement_limit_has_passed(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.RETURNED)  # returned 9 October, supplement due 15 October
    for day in (date(2026, 10, 12), date(2026, 10, 15)):
        with pytest.raises(PreconditionFailed) as error:
            actions.lapse_application(p.reviewer, case, today=day)
        assert "2026-10-15" in error.value.message_en
    case.refresh_from_db()
    assert case.state == State.RETURNED
    actions.lapse_application(p.reviewer, case, today=date(2026, 10, 16))
    assert case.state == State.LAPSED
    assert case.closed_on == date(2026, 10, 16)
    assert (case.due_step, case.due_on) == ("", None)
    assert Deadline.objects.get(application=case, step="supplement").cancelled is True


def test_days_left_count_working_days(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    assert case.due_on is not None
    assert working_days_left(date(2026, 9, 30), case.due_on) == 5
    assert working_days_left(date(2026, 10, 9), case.due_on) == 3
    assert working_days_left(date(2026, 10, 13), case.due_on) == 0
    assert working_days_left(date(2026, 10, 15), case.due_on) < 0
