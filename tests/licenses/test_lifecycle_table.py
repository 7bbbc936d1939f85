"""The license actions and the sweep follow the core's table: states, roles and the refusals' words."""

from __future__ import annotations

from datetime import date

import pytest

from icpdesk.core.license_lifecycle import TRANSITIONS
from icpdesk.lib.errors import Forbidden, InvalidTransition
from icpdesk.licenses import actions
from icpdesk.licenses.models import License
from icpdesk.licenses.sweep import apply_due_transitions
from tests.factories import Personas
from tests.licenses.helpers import make_license


@pytest.mark.django_db
def test_a_cancelled_license_cannot_be_revoked_and_the_refusal_says_so(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    actions.cancel_license(personas.applicant, lic, reason="停止经营", today=date(2026, 3, 1))
    with pytest.raises(InvalidTransition) as refused:
        actions.revoke_license(personas.approver, lic, reason="伪造材料", today=date(2026, 3, 2))
    assert refused.value.message_zh == "许可证当前为“注销”，不能吊销。"
    assert refused.value.message_en == "The license is cancelled; it cannot be revoked."
    lic.refresh_from_db()
    assert lic.state == "cancelled"


@pytest.mark.django_db
def test_a_valid_license_cannot_be_reinstated(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    with pytest.raises(InvalidTransition) as refused:
        actions.reinstate_license(personas.approver, lic, reason="已整改")
    assert refused.value.message_en == "The license is valid; it cannot be reinstated."


@pytest.mark.django_db
def test_a_reviewer_may_record_a_lapse_by_hand_an_inspector_may_not(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    with pytest.raises(Forbidden):
        actions.lapse_license(personas.inspector, lic, reason="未报年报", today=date(2026, 4, 1))
    actions.lapse_license(personas.reviewer, lic, reason="未报年报", today=date(2026, 4, 1))
    assert lic.state == "lapsed"
    assert lic.events.get(action="lapse").actor == personas.reviewer


@pytest.mark.django_db
def test_only_a_renewal_case_renews(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    for user in (personas.approver, personas.reviewer):
        with pytest.raises(Forbidden):
            actions.change_state(user, lic, "renew", reason="续期")
    lic.refresh_from_db()
    assert lic.state == "valid" and lic.expires_on == date(2030, 6, 16)


@pytest.mark.django_db
def test_a_revoked_license_files_no_change_and_no_report(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    actions.revoke_license(personas.approver, lic, reason="违法经营", today=date(2026, 1, 5))
    with pytest.raises(InvalidTransition) as change:
        actions.file_change(
            personas.applicant, lic, "domain", "new-shop.cn", date(2026, 1, 6), today=date(2026, 1, 7)
        )
    assert change.value.message_zh == "许可证当前为“吊销”，不能办理变更。"
    with pytest.raises(InvalidTransition) as report:
        actions.save_annual_report(personas.applicant, lic, 2025, {}, today=date(2026, 2, 1))
    assert report.value.message_en == "The license is revoked; it cannot file an annual report."


@pytest.mark.django_db
def test_a_suspended_license_files_changes_but_not_reports(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    actions.suspend_license(personas.approver, lic, reason="整改", today=date(2026, 1, 5))
    filing = actions.file_change(
        personas.applicant, lic, "domain", "new-shop.cn", date(2026, 1, 6), today=date(2026, 1, 7)
    )
    assert filing.after == "new-shop.cn"
    with pytest.raises(InvalidTransition) as report:
        actions.save_annual_report(personas.applicant, lic, 2025, {}, today=date(2026, 2, 1))
    assert report.value.message_zh == "许可证当前为“暂停”，不能报送年报。"


@pytest.mark.django_db
def test_the_sweep_lapses_only_from_the_tables_sources_and_expires_a_suspended_license(
    personas: Personas,
) -> None:
    assert TRANSITIONS["lapse"].sources == {"valid"}
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    actions.suspend_license(personas.approver, lic, reason="整改", today=date(2026, 1, 5))
    # A suspended license that missed its report does not lapse ...
    assert apply_due_transitions(date(2026, 4, 1))["lapsed"] == 0
    lic.refresh_from_db()
    assert lic.state == "suspended"
    # ... but it expires when its validity ends.
    assert apply_due_transitions(date(2030, 6, 17))["expired"] == 1
    assert License.objects.get(pk=lic.pk).state == "expired"


def test_the_pages_labels_come_from_the_table() -> None:
    assert actions.STATE_LABELS["lapsed"] == ("失效（未年报）", "lapsed (annual report missed)")
    assert actions.ACTION_LABELS["lapse"] == ("使其失效", "lapsed")
    assert set(actions.STATE_CHANGES) == set(TRANSITIONS)
    assert actions.state_label("suspended", "en") == "suspended"
