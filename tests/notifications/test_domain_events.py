"""Notifications react to what the apps below them did, once it has committed."""

from __future__ import annotations

from typing import Any

import pytest

from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.notifications.models import Notification
from tests.factories import Personas, file_a_case, file_with_materials


def _told(subject_part: str) -> set[Any]:
    return {
        n.organisation
        for n in Notification.objects.select_related("reminder", "organisation")
        if subject_part in n.reminder.subject_zh
    }


@pytest.mark.django_db
def test_accepting_a_case_tells_the_enterprise_and_its_agency(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    p = personas
    case = file_a_case(p.enterprise, p.agency)
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_application(p.reviewer, case)
    assert _told(f"案件 {case.reference}：受理") == {p.enterprise.organisation, p.agency}
    notice = Notification.objects.select_related("reminder").filter(user=p.applicant).get()
    assert notice.reminder.link == f"/cases/{case.pk}/"
    assert notice.reminder.body_zh.startswith(f"{p.enterprise.name}的案件 {case.reference} 已受理，")
    assert "当前状态：已受理，待安排核查" in notice.reminder.body_zh


@pytest.mark.django_db
def test_filing_tells_the_provinces_regulator_only(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    p = personas
    case = actions.create_application(p.consultant, p.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        file_with_materials(p.consultant, case)
    assert _told(f"案件 {case.reference}：提交申报") == {p.reviewer.organisation}
    assert not Notification.objects.filter(organisation=p.enterprise.organisation).exists()


@pytest.mark.django_db
def test_nothing_is_told_before_the_commit_nor_twice(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    p = personas
    case = file_a_case(p.enterprise, p.agency)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.accept_application(p.reviewer, case)
    assert Notification.objects.count() == 0  # not committed yet: nobody heard of it
    for callback in callbacks * 2:  # the same signal twice
        callback()
    assert Notification.objects.filter(user=p.applicant).count() == 1
    assert Application.objects.get(pk=case.pk).state == "accepted"
