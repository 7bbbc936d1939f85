"""Every transition's preconditions: role, access, state, mandate scope, eligibility and the ban."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import User
from icpdesk.cases import access, actions
from icpdesk.cases.models import Application, AuditEvent, Comment, Deadline
from icpdesk.core.lifecycle import INSPECTION_AREAS, State
from icpdesk.enterprises.models import Ban, Enterprise
from icpdesk.lib.errors import (
    CaseChanged,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
)
from icpdesk.licenses.models import License
from tests.factories import (
    Personas,
    file_a_case,
    file_with_materials,
    make_enterprise,
    make_organisation,
    make_user,
)

# The dates a case walks on by default (2026 has the official schedule).
DAYS: dict[str, date] = {
    "file": date(2026, 9, 30),
    "return": date(2026, 10, 9),
    "accept": date(2026, 10, 12),
    "schedule": date(2026, 10, 12),
    "inspect": date(2026, 10, 15),
    "decide": date(2026, 10, 20),
    "certificate": date(2026, 10, 21),
}
PASSED = {area: {"passed": True, "remarks": ""} for area, _, _ in INSPECTION_AREAS}
ITEMS = [{"item": "business_license", "reason": "营业执照复印件不清晰"}]


def applicant_for(p: Personas, enterprise: Enterprise) -> User:
    """The consultant for the persona enterprise; for any other, an owner of its own."""
    if enterprise.pk == p.enterprise.pk:
        return p.consultant
    owner = User.objects.filter(organisation=enterprise.organisation).first()
    return owner or make_user(f"owner{enterprise.pk}", enterprise.organisation, [Role.OWNER])


def walk_to(
    p: Personas,
    state: State,
    *,
    enterprise: Enterprise | None = None,
    days: dict[str, date] | None = None,
) -> Application:
    """A case taken through the actions to ``state``, on the dates of ``DAYS`` (or ``days``)."""
    on = {**DAYS, **(days or {})}
    enterprise = enterprise or p.enterprise
    side = applicant_for(p, enterprise)
    case = actions.create_application(side, enterprise)
    if state == State.DRAFT:
        return case
    file_with_materials(side, case, today=on["file"])
    if state == State.FILED:
        return case
    if state in (State.RETURNED, State.LAPSED):
        actions.return_application(p.reviewer, case, ITEMS, today=on["return"])
        if state == State.LAPSED:
            actions.lapse_application(p.reviewer, case, today=date(2026, 12, 31))
        return case
    if state == State.WITHDRAWN:
        actions.withdraw_application(side, case, "不再申请", today=on["file"])
        return case
    actions.accept_application(p.reviewer, case, today=on["accept"])
    if state == State.ACCEPTED:
        return case
    actions.schedule_inspection(p.inspector, case, on["inspect"], [p.inspector], today=on["schedule"])
    if state == State.INSPECTION_SCHEDULED:
        return case
    actions.record_inspection(p.inspector, case, PASSED, today=on["inspect"])
    if state == State.INSPECTED:
        return case
    if state == State.REJECTED:
        actions.reject_application(p.approver, case, "材料不实", today=on["decide"])
        return case
    actions.approve_application(p.approver, case, today=on["decide"])
    if state == State.APPROVED:
        return case
    actions.issue_certificate(p.approver, case, today=on["certificate"])
    assert state == State.CERTIFICATE_ISSUED
    return case


def test_walk_to_reaches_every_state(personas: Personas) -> None:
    for state in State:
        case = walk_to(personas, state)
        assert case.state == state
        case.refresh_from_db()
        assert case.state == state


# ------------------------------------------------------------------ roles

# (transition, state the case is in, a call of the action by `user`)
ACTIONS: dict[str, tuple[State, Callable[[User, Application], Any]]] = {
    "file": (State.DRAFT, lambda u, c: file_with_materials(u, c, today=DAYS["file"])),
    "accept": (State.FILED, lambda u, c: actions.accept_application(u, c, today=DAYS["accept"])),
    "return": (State.FILED, lambda u, c: actions.return_application(u, c, ITEMS, today=DAYS["return"])),
    "answer": (State.RETURNED, lambda u, c: actions.answer_supplement(u, c, "已补正", today=DAYS["accept"])),
    "lapse": (State.RETURNED, lambda u, c: actions.lapse_application(u, c, today=date(2026, 12, 31))),
    "schedule_inspection": (
        State.ACCEPTED,
        lambda u, c: actions.schedule_inspection(u, c, DAYS["inspect"], [u], today=DAYS["schedule"]),
    ),
    "record_inspection": (
        State.INSPECTION_SCHEDULED,
        lambda u, c: actions.record_inspection(u, c, PASSED, today=DAYS["inspect"]),
    ),
    "approve": (State.INSPECTED, lambda u, c: actions.approve_application(u, c, today=DAYS["decide"])),
    "reject": (
        State.INSPECTED,
        lambda u, c: actions.reject_application(u, c, "不符合", today=DAYS["decide"]),
    ),
    "issue_certificate": (
        State.APPROVED,
        lambda u, c: actions.issue_certificate(u, c, today=DAYS["certificate"]),
    ),
    "withdraw": (State.FILED, lambda u, c: actions.withdraw_application(u, c, today=DAYS["accept"])),
}

# Who may act, and who, seeing the case, may not.
ALLOWED = {
    "file": "consultant",
    "accept": "reviewer",
    "return": "reviewer",
    "answer": "applicant",
    "lapse": "reviewer",
    "schedule_inspection": "inspector",
    "record_inspection": "inspector",
    "approve": "approver",
    "reject": "approver",
    "issue_certificate": "approver",
    "withdraw": "member",
}
SEEING = ["applicant", "member", "consultant", "reviewer", "inspector", "approver", "regulator_admin"]
APPLICANT_SIDE = {"applicant", "member", "consultant"}
APPLICANT_ACTIONS = {"file", "answer", "withdraw"}


REGULATORS = {"reviewer", "inspector", "approver", "regulator_admin"}


def _cases() -> list[tuple[str, str]]:
    out = []
    for name in ACTIONS:
        for who in SEEING:
            if ACTIONS[name][0] == State.DRAFT and who in REGULATORS:
                continue  # a draft reaches the regulator once it is filed
            allowed = who in APPLICANT_SIDE if name in APPLICANT_ACTIONS else who == ALLOWED[name]
            if not allowed:
                out.append((name, who))
    return out


@pytest.mark.parametrize(("name", "who"), _cases())
def test_a_visible_case_but_the_wrong_role_is_forbidden(personas: Personas, name: str, who: str) -> None:
    state, call = ACTIONS[name]
    case = walk_to(personas, state)
    user: User = getattr(personas, who)
    assert actions.load_for(user, case.pk) == case  # they see it
    version = case.version
    with pytest.raises(Forbidden) as error:
        call(user, case)
    assert error.value.status == 403
    assert error.value.message_zh and error.value.message_en
    case.refresh_from_db()
    assert (case.state, case.version) == (state, version)


@pytest.mark.parametrize("who", sorted(REGULATORS))
def test_a_regulator_cannot_file_a_draft_it_does_not_see(personas: Personas, who: str) -> None:
    case = walk_to(personas, State.DRAFT)
    user: User = getattr(personas, who)
    version = case.version
    with pytest.raises(NotFound):
        actions.load_for(user, case.pk)
    case.refresh_from_db()
    assert (case.state, case.version) == (State.DRAFT, version)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_allowed_role_can_act(personas: Personas, name: str) -> None:
    state, call = ACTIONS[name]
    case = walk_to(personas, state)
    call(getattr(personas, ALLOWED[name]), case)
    case.refresh_from_db()
    assert case.state != state or name == "schedule_inspection"
    assert case.version > 0


def test_a_reviewer_cannot_approve(personas: Personas) -> None:
    case = walk_to(personas, State.INSPECTED)
    with pytest.raises(Forbidden):
        actions.approve_application(personas.reviewer, case, today=DAYS["decide"])


@pytest.mark.parametrize("who", ["outsider", "other_reviewer", "other_inspector", "stranger", "anonymous"])
def test_no_access_is_not_found(personas: Personas, who: str) -> None:
    from django.contrib.auth.models import AnonymousUser

    case = walk_to(personas, State.ACCEPTED)
    users: dict[str, Any] = {
        "outsider": personas.outsider,
        "other_reviewer": personas.other_reviewer,
        "other_inspector": make_user("sn_inspector", personas.other_regulator, [Role.INSPECTOR]),
        "stranger": make_user("stranger", None, []),
        "anonymous": AnonymousUser(),
    }
    with pytest.raises(NotFound) as error:
        actions.load_for(users[who], case.pk)
    assert error.value.status == 404
    with pytest.raises(NotFound):
        actions.load_for(personas.reviewer, 10**9)  # the same answer as for no case at all


def test_an_inspector_of_another_province_acting_directly_is_refused(personas: Personas) -> None:
    case = walk_to(personas, State.ACCEPTED)
    other = make_user("sn_inspector", personas.other_regulator, [Role.INSPECTOR])
    with pytest.raises(Forbidden):
        actions.schedule_inspection(other, case, DAYS["inspect"], [other], today=DAYS["schedule"])


def test_a_user_without_a_valid_role_sees_nothing(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    roleless = make_user("roleless", personas.regulator, [Role.CONSULTANT])  # not a regulator role
    with pytest.raises(NotFound):
        actions.load_for(roleless, case.pk)
    inactive = make_user("inactive", personas.regulator, [Role.REVIEWER], is_active=False)
    with pytest.raises(NotFound):
        actions.load_for(inactive, case.pk)


# ------------------------------------------------------------------ state


def test_accepting_a_draft_is_an_invalid_transition(personas: Personas) -> None:
    case = walk_to(personas, State.DRAFT)
    with pytest.raises(InvalidTransition) as error:
        actions.accept_application(personas.reviewer, case, today=DAYS["accept"])
    assert error.value.status == 409
    assert error.value.code == "invalid_transition"
    assert error.value.extra["state"] == "draft"
    assert "草稿" in error.value.message_zh
    assert AuditEvent.objects.filter(application=case).count() == 1  # only the creation


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("file", State.FILED),
        ("accept", State.ACCEPTED),
        ("accept", State.RETURNED),
        ("return", State.ACCEPTED),
        ("answer", State.FILED),
        ("lapse", State.FILED),
        ("schedule_inspection", State.FILED),
        ("record_inspection", State.ACCEPTED),
        ("approve", State.APPROVED),
        ("reject", State.CERTIFICATE_ISSUED),
        ("issue_certificate", State.INSPECTED),
        ("issue_certificate", State.CERTIFICATE_ISSUED),
    ],
)
def test_an_action_from_the_wrong_state_is_refused_with_the_state(
    personas: Personas, name: str, state: State
) -> None:
    _, call = ACTIONS[name]
    case = walk_to(personas, state)
    with pytest.raises(InvalidTransition) as error:
        call(getattr(personas, ALLOWED[name]), case)
    assert error.value.extra["state"] == state.value


def test_a_stale_version_gets_case_changed(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    stale = case.version
    actions.accept_application(personas.reviewer, case, today=DAYS["accept"])
    again = Application.objects.get(pk=case.pk)
    with pytest.raises(CaseChanged) as error:
        actions.schedule_inspection(
            personas.inspector, again, DAYS["inspect"], [personas.inspector], expected_version=stale
        )
    assert error.value.status == 409
    assert error.value.extra["state"] == State.ACCEPTED


def test_a_stale_copy_without_expected_version_still_loses(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    stale_copy = Application.objects.get(pk=case.pk)
    actions.accept_application(personas.reviewer, case, today=DAYS["accept"])
    with pytest.raises(CaseChanged):
        actions.return_application(personas.reviewer, stale_copy, ITEMS, today=DAYS["accept"])
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


# ---------------------------------------------------------- mandate scopes


def test_a_consultant_without_the_file_scope_cannot_file(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.DRAFT)
    p.mandate.file = False
    p.mandate.save()
    with pytest.raises(Forbidden) as error:
        file_with_materials(p.consultant, case, today=DAYS["file"])
    assert "file" in error.value.message_en
    # The enterprise itself still can.
    file_with_materials(p.applicant, case, today=DAYS["file"])
    assert case.state == State.FILED


def test_a_consultant_without_the_answer_scope_cannot_answer(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.RETURNED)
    p.mandate.answer_supplement = False
    p.mandate.save()
    with pytest.raises(Forbidden):
        actions.answer_supplement(p.consultant, case, "已补正", today=DAYS["accept"])
    actions.answer_supplement(p.member, case, "已补正", today=DAYS["accept"])
    assert case.state == State.FILED


def test_a_view_only_consultant_sees_but_cannot_prepare_or_file(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.DRAFT)
    for scope in ("prepare", "file", "answer_supplement", "annual_and_changes"):
        setattr(p.mandate, scope, False)
    p.mandate.save()
    assert actions.load_for(p.consultant, case.pk) == case
    with pytest.raises(Forbidden):
        actions.create_application(p.consultant, p.enterprise)
    with pytest.raises(Forbidden):
        file_with_materials(p.consultant, case, today=DAYS["file"])
    with pytest.raises(Forbidden):
        actions.withdraw_application(p.consultant, case, today=DAYS["file"])


def test_a_revoked_mandate_hides_the_case_at_once(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.FILED)
    p.mandate.revoked_at = timezone.now()
    p.mandate.revoked_by = p.applicant
    p.mandate.save()
    with pytest.raises(NotFound):
        actions.load_for(p.consultant, case.pk)
    with pytest.raises(Forbidden):
        actions.withdraw_application(p.consultant, case, today=DAYS["accept"])
    with pytest.raises(NotFound):
        actions.create_application(p.consultant, p.enterprise)


def test_an_outsider_cannot_create_a_case_for_another_agencys_client(personas: Personas) -> None:
    with pytest.raises(NotFound):
        actions.create_application(personas.outsider, personas.enterprise)
    with pytest.raises(NotFound):  # an enterprise that has filed nothing is nothing to the regulator
        actions.create_application(personas.reviewer, personas.enterprise)
    file_a_case(personas.enterprise, personas.agency)
    with pytest.raises(Forbidden):  # the regulator sees the enterprise but does not file for it
        actions.create_application(personas.reviewer, personas.enterprise)


def test_creating_checks_the_kind(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        actions.create_application(personas.applicant, personas.enterprise, kind="bogus")
    assert error.value.field == "kind"
    case = actions.create_application(personas.applicant, personas.enterprise, kind="renewal")
    assert case.agency is None
    assert case.reference.startswith("甘ICP-")
    consultant_case = actions.create_application(personas.consultant, personas.enterprise)
    assert consultant_case.agency == personas.agency


# ------------------------------------------------------------ eligibility


def test_an_ineligible_enterprise_cannot_file_and_the_failed_rule_is_named(personas: Personas) -> None:
    p = personas
    p.enterprise.registered_capital_cny = 999_999
    p.enterprise.save()
    case = walk_to(p, State.DRAFT)
    with pytest.raises(PreconditionFailed) as error:
        file_with_materials(p.consultant, case, today=DAYS["file"])
    assert error.value.status == 422
    assert "capital.registered" in error.value.extra["failed"]  # type: ignore[operator]
    assert "capital.registered" in error.value.message_en
    assert "capital.registered" in error.value.message_zh
    case.refresh_from_db()
    assert case.state == State.DRAFT
    assert not Deadline.objects.filter(application=case).exists()
    p.enterprise.registered_capital_cny = 1_000_000
    p.enterprise.save()
    file_with_materials(p.consultant, case, today=DAYS["file"])
    assert case.eligibility is not None
    assert case.eligibility["verdict"] != "not_eligible"


def test_filing_snapshots_the_assessment(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    assert case.filed_on == DAYS["file"]
    assert case.eligibility and case.eligibility["verdict"] == "eligible"
    assert case.rule_pack_version


# -------------------------------------------------------------------- ban


def test_a_forged_rejection_bars_the_credit_code_for_three_years(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.INSPECTED)
    actions.reject_application(p.approver, case, "托管协议系伪造", forged=True, today=date(2026, 10, 20))
    assert case.forged is True
    ban = Ban.objects.get(uscc=p.enterprise.uscc)
    assert ban.until == date(2029, 10, 20)
    assert ban.application == case
    event = AuditEvent.objects.get(application=case, action="reject")
    assert event.changes["barred_until"] == "2029-10-20"

    again = actions.create_application(p.consultant, p.enterprise)
    for day in (date(2026, 10, 21), date(2028, 1, 5), date(2029, 10, 20)):
        with pytest.raises(PreconditionFailed) as error:
            file_with_materials(p.consultant, again, today=day)
        assert "2029-10-20" in error.value.message_en
        again.refresh_from_db()
        assert again.state == State.DRAFT
    file_with_materials(p.consultant, again, today=date(2029, 10, 21))
    assert again.state == State.FILED


def test_a_rejection_without_forgery_does_not_bar(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.REJECTED)
    assert not Ban.objects.exists()
    assert case.decision == "rejected"
    again = walk_to(p, State.FILED)
    assert again.state == State.FILED


def test_a_rejection_needs_reasons(personas: Personas) -> None:
    case = walk_to(personas, State.INSPECTED)
    with pytest.raises(InvalidInput) as error:
        actions.reject_application(personas.approver, case, "  ", today=DAYS["decide"])
    assert error.value.field == "reasons"


# --------------------------------------------------------------- withdraw


@pytest.mark.parametrize(
    "state",
    [
        State.DRAFT,
        State.FILED,
        State.RETURNED,
        State.ACCEPTED,
        State.INSPECTION_SCHEDULED,
        State.INSPECTED,
    ],
)
def test_withdraw_is_allowed_before_a_decision(personas: Personas, state: State) -> None:
    p = personas
    case = walk_to(p, state)
    actions.withdraw_application(p.applicant, case, "改变经营计划", today=date(2026, 10, 16))
    assert case.state == State.WITHDRAWN
    assert case.closed_on == date(2026, 10, 16)
    assert (case.due_step, case.due_on) == ("", None)
    assert not Deadline.objects.filter(application=case, met_on__isnull=True, cancelled=False).exists()
    event = AuditEvent.objects.filter(application=case).order_by("-id").first()
    assert event is not None
    assert (event.action, event.from_state, event.to_state, event.reason) == (
        "withdraw",
        state.value,
        "withdrawn",
        "改变经营计划",
    )


@pytest.mark.parametrize(
    "state",
    [State.APPROVED, State.REJECTED, State.CERTIFICATE_ISSUED, State.WITHDRAWN, State.LAPSED],
)
def test_withdraw_is_refused_after_a_decision(personas: Personas, state: State) -> None:
    case = walk_to(personas, state)
    with pytest.raises(InvalidTransition) as error:
        actions.withdraw_application(personas.applicant, case, today=date(2026, 10, 22))
    assert error.value.extra["state"] == state.value


# ----------------------------------------------------------- other inputs


def test_a_return_must_list_every_item_with_its_reason(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    with pytest.raises(InvalidInput) as error:
        actions.return_application(personas.reviewer, case, [], today=DAYS["return"])
    assert error.value.field == "items"
    with pytest.raises(InvalidInput) as error:
        actions.return_application(
            personas.reviewer, case, [*ITEMS, {"item": "topology", "reason": ""}], today=DAYS["return"]
        )
    assert error.value.field == "items[1]"
    actions.return_application(
        personas.reviewer,
        case,
        [*ITEMS, {"item": "", "reason": ""}, {"item": "topology", "reason": "缺数据流向"}],
        today=DAYS["return"],
    )
    notice = case.supplements.get()
    assert [i["item"] for i in notice.items] == ["business_license", "topology"]


def test_an_answer_must_say_something(personas: Personas) -> None:
    case = walk_to(personas, State.RETURNED)
    with pytest.raises(InvalidInput) as error:
        actions.answer_supplement(personas.applicant, case, "   ", today=DAYS["accept"])
    assert error.value.field == "answer"


def test_scheduling_needs_a_future_date_and_inspectors_of_this_administration(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.ACCEPTED)
    day = DAYS["schedule"]
    with pytest.raises(InvalidInput) as error:
        actions.schedule_inspection(p.inspector, case, date(2026, 10, 1), [p.inspector], today=day)
    assert error.value.field == "date"
    with pytest.raises(InvalidInput) as error:
        actions.schedule_inspection(p.inspector, case, DAYS["inspect"], [], today=day)
    assert error.value.field == "inspectors"
    for stranger in (p.reviewer, make_user("sn_insp", p.other_regulator, [Role.INSPECTOR])):
        with pytest.raises(InvalidInput) as error:
            actions.schedule_inspection(p.inspector, case, DAYS["inspect"], [stranger], today=day)
        assert error.value.field == "inspectors"
    # Rescheduling keeps the state and records a new inspection.
    actions.schedule_inspection(p.inspector, case, DAYS["inspect"], [p.inspector], today=day)
    actions.schedule_inspection(p.inspector, case, date(2026, 10, 16), [p.inspector], today=day)
    assert case.state == State.INSPECTION_SCHEDULED
    assert case.inspections.count() == 2
    assert case.inspections.first().scheduled_on == date(2026, 10, 16)  # type: ignore[union-attr]


def test_the_inspection_record_needs_every_area_and_remarks_for_a_failure(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.INSPECTION_SCHEDULED)
    partial = {k: v for k, v in PASSED.items() if k != "servers"}
    with pytest.raises(InvalidInput) as error:
        actions.record_inspection(p.inspector, case, partial, today=DAYS["inspect"])
    assert error.value.field == "record.servers"
    failed = {**PASSED, "servers": {"passed": False, "remarks": ""}}
    with pytest.raises(InvalidInput) as error:
        actions.record_inspection(p.inspector, case, failed, today=DAYS["inspect"])
    assert error.value.field == "record.servers.remarks"
    failed["servers"]["remarks"] = "服务器实际位于境外"
    actions.record_inspection(p.inspector, case, failed, today=DAYS["inspect"])
    assert case.inspections.get().passed() is False
    # A failed inspection cannot be approved; it can be rejected.
    with pytest.raises(PreconditionFailed):
        actions.approve_application(p.approver, case, today=DAYS["decide"])
    actions.reject_application(p.approver, case, "服务器在境外", forged=True, today=DAYS["decide"])
    assert case.state == State.REJECTED


# ------------------------------------------------------------ certificate


def test_certificates_are_numbered_in_sequence_without_gaps(personas: Personas) -> None:
    p = personas
    first = walk_to(p, State.CERTIFICATE_ISSUED)
    other = make_enterprise("酒泉光伏设备电子商务有限公司", city="酒泉市")
    second = walk_to(p, State.CERTIFICATE_ISSUED, enterprise=other)
    assert first.license.number == "甘B2-20260001"
    assert second.license.number == "甘B2-20260002"
    assert second.license.holder == other
    assert second.license.holder_name == other.name
    assert second.license.domains == [other.domain]
    assert second.license.issued_on == DAYS["certificate"]
    assert second.license.expires_on == date(2031, 10, 21)
    assert second.license.province_code == "CN-GS"
    # A new year starts a new series.
    third = walk_to(
        p,
        State.CERTIFICATE_ISSUED,
        enterprise=make_enterprise("天水苹果电子商务有限公司", city="天水市"),
        days={"certificate": date(2027, 1, 4)},
    )
    assert third.license.number == "甘B2-20270001"


def test_a_failed_issue_gives_its_number_back(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    p = personas
    case = walk_to(p, State.APPROVED)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit write failed")

    with monkeypatch.context() as patched:
        patched.setattr(actions, "audit", broken)
        with pytest.raises(RuntimeError):
            actions.issue_certificate(p.approver, case, today=DAYS["certificate"])
    case = Application.objects.get(pk=case.pk)
    assert case.state == State.APPROVED
    assert not License.objects.exists()
    actions.issue_certificate(p.approver, case, today=DAYS["certificate"])
    assert case.license.number == "甘B2-20260001"


def test_a_license_issued_on_29_february_expires_on_28_february(personas: Personas) -> None:
    p = personas
    p.enterprise.registered_on = date(2020, 1, 2)
    p.enterprise.save()
    case = walk_to(
        p,
        State.CERTIFICATE_ISSUED,
        days={
            "file": date(2024, 1, 30),
            "accept": date(2024, 2, 1),
            "schedule": date(2024, 2, 1),
            "inspect": date(2024, 2, 5),
            "decide": date(2024, 2, 27),
            "certificate": date(2024, 2, 29),
        },
    )
    assert case.license.number == "甘B2-20240001"
    assert case.license.issued_on == date(2024, 2, 29)
    assert case.license.expires_on == date(2029, 2, 28)
    assert case.certificate_on == date(2024, 2, 29)


# --------------------------------------------------------------- comments


def test_comments_are_kept_on_the_record(personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.FILED)
    comment = actions.add_comment(p.consultant, case, "  请问何时受理？ ")
    assert comment.body == "请问何时受理？"
    assert comment.organisation == p.agency
    actions.add_comment(p.reviewer, case, "本周内。")
    assert list(Comment.objects.filter(application=case).values_list("body", flat=True)) == [
        "请问何时受理？",
        "本周内。",
    ]
    assert AuditEvent.objects.filter(application=case, action="comment").count() == 2
    with pytest.raises(InvalidInput) as error:
        actions.add_comment(p.reviewer, case, " ")
    assert error.value.field == "body"
    with pytest.raises(InvalidInput):
        actions.add_comment(p.reviewer, case, "长" * 5001)


def test_a_comment_needs_access_to_the_case(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    for user in (personas.outsider, personas.other_reviewer, make_user("nobody", None, [])):
        with pytest.raises(NotFound):
            actions.add_comment(user, case, "看看")
    assert not Comment.objects.exists()


def test_signals_fire_after_commit(personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    received: list[str] = []

    def listener(sender: Any, application: Application, transition: str, actor: Any, **kw: Any) -> None:
        received.append(transition)

    actions.case_transitioned.connect(listener)
    try:
        case = walk_to(personas, State.DRAFT)
        with django_capture_on_commit_callbacks(execute=True):
            file_with_materials(personas.consultant, case, today=DAYS["file"])
        assert received == ["file"]
    finally:
        actions.case_transitioned.disconnect(listener)


def test_only_regulators_of_the_province_are_regulators(personas: Personas) -> None:
    agency_reviewer = make_user("fake", make_organisation(OrgKind.AGENCY, "假局"), [Role.REVIEWER])
    assert not access.has_regulator_role(agency_reviewer, Role.REVIEWER, "CN-GS")
    assert access.has_regulator_role(personas.reviewer, Role.REVIEWER, "CN-GS")
    assert not access.has_regulator_role(personas.other_reviewer, Role.REVIEWER, "CN-GS")
