"""A case walks the six steps from draft to certificate, with deadlines on the working-day calendar."""

from __future__ import annotations

from datetime import date

import pytest

from icpdesk.cases import actions
from icpdesk.core.lifecycle import State
from tests.factories import Personas, file_with_materials


@pytest.mark.django_db
def test_a_case_walks_from_draft_to_certificate(personas: Personas) -> None:
    p = personas
    case = actions.create_application(p.consultant, p.enterprise)
    assert case.state == State.DRAFT
    file_with_materials(p.consultant, case, today=date(2026, 9, 30))
    assert case.state == State.FILED
    assert case.due_on == date(2026, 10, 13)  # National Day; Saturday 10 October is worked
    actions.accept_application(p.reviewer, case, today=date(2026, 10, 12))
    assert case.due_step == "inspection"
    actions.schedule_inspection(
        p.inspector, case, date(2026, 10, 15), [p.inspector], today=date(2026, 10, 12)
    )
    record = {
        a: {"passed": True, "remarks": ""}
        for a in ("site", "servers", "security_manager", "rules_and_drills")
    }
    actions.record_inspection(p.inspector, case, record, today=date(2026, 10, 15))
    assert case.state == State.INSPECTED
    actions.approve_application(p.approver, case, today=date(2026, 10, 20))
    actions.issue_certificate(p.approver, case, today=date(2026, 10, 21))
    assert case.state == State.CERTIFICATE_ISSUED
    assert case.license.number == "甘B2-20260001"
    assert case.license.expires_on == date(2031, 10, 21)
