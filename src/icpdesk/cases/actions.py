"""One action function per state transition of a case.

Each action checks the actor's role and access, the current state and the
preconditions, then writes the new state, an audit event and the new
deadlines in one transaction. The state is changed with a conditional update
on (state, version), so of two people acting at once exactly one succeeds and
the other gets :class:`CaseChanged`. Signals fire only after the commit.
Views, the API, the command line and the workers call these; nothing else
writes a case's state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind, Role, Scope
from icpdesk.accounts.models import User
from icpdesk.calendars.deadlines import Due, due_for
from icpdesk.cases import access, hooks
from icpdesk.cases.models import (
    Application,
    AuditEvent,
    Comment,
    Deadline,
    Inspection,
    SupplementNotice,
)
from icpdesk.core.lifecycle import (
    APPLICANT_SIDE,
    INSPECTION_AREAS,
    STATE_LABELS,
    TRANSITIONS,
    State,
    Transition,
    TransitionError,
    check_transition,
)
from icpdesk.core.periods import add_years
from icpdesk.enterprises.models import Ban, Enterprise
from icpdesk.enterprises.services import assess_enterprise
from icpdesk.lib.errors import (
    CaseChanged,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
)
from icpdesk.lib.packs import current_pack

# Sent after the transaction commits: sender=Application, application, transition, actor.
case_transitioned = Signal()


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# The day the actions of this context happen on, when it is not today: set by
# ``acting_on`` (the demo replays its stories on their days), read by ``moment``.
_acting_on: ContextVar[date | None] = ContextVar("icpdesk_acting_on", default=None)


@contextmanager
def acting_on(day: date) -> Iterator[None]:
    """Date what is written inside (audit events, notices, uploads) on ``day`` rather than now."""
    token = _acting_on.set(day)
    try:
        yield
    finally:
        _acting_on.reset(token)


def moment(on: date | None = None) -> datetime:
    """The time to record for an act on ``on``: now when that is today, else that day at this hour.

    An action told that it happens on an earlier day (``today=``) records its
    audit event on that day, so a case's history reads as it happened.
    """
    now = timezone.now()
    day = on or _acting_on.get()
    if day is None or day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(day, timezone.localtime(now).time()))


def _actor_org_name(user: User) -> str:
    return user.organisation.name if user.organisation_id and user.organisation else ""


def audit(
    application: Application,
    user: User | None,
    action: str,
    *,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    on: date | None = None,
) -> AuditEvent:
    """Add an event to the case's trail, dated ``on`` when the act happened on another day."""
    return AuditEvent.objects.create(
        application=application,
        at=moment(on),
        actor=user,
        actor_name=(user.get_full_name() or user.get_username()) if user else "system",
        actor_org=_actor_org_name(user) if user else "",
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        changes=dict(changes or {}),
    )


def load_for(user: User, application_id: int, scope: str = Scope.VIEW) -> Application:
    """The case if the user may see it, else NotFound (the same answer as for no case)."""
    application = (
        access.visible_applications(user, scope)
        .select_related("enterprise", "agency")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound("没有找到该案件。", "No such case.")
    return application


def _authorise(user: User, application: Application, transition: Transition) -> None:
    if transition.actor == APPLICANT_SIDE:
        scope = transition.mandate_scope or Scope.FILE
        if not access.is_applicant_side(user, application.enterprise, scope):
            raise Forbidden(
                f"您无权执行“{transition.label_zh}”：需要企业本身或持有相应委托的代办机构。",
                f"You may not {transition.label_en.lower()}: the enterprise itself or an agency "
                f"with a mandate to {scope} must do it.",
            )
    elif not access.has_regulator_role(user, transition.actor, application.province_code):
        role = Role(transition.actor)
        raise Forbidden(
            f"您无权执行“{transition.label_zh}”：需要{role.label.split(' / ')[0]}角色。",
            f"You may not {transition.label_en.lower()}: it needs the {transition.actor} role.",
        )


def allowed_transitions(user: User | Any, application: Application) -> list[Transition]:
    """The transitions this user may take on the case now: its state, their role and mandate allow them.

    Pages and the API offer exactly these; the actions enforce the same rule.
    """
    from icpdesk.core.lifecycle import transitions_from
    from icpdesk.lib.errors import ActionError

    allowed = []
    for transition in transitions_from(application.state_enum):
        try:
            _authorise(user, application, transition)
        except ActionError:
            continue
        allowed.append(transition)
    return allowed


def _check_state(application: Application, transition: Transition) -> None:
    try:
        check_transition(transition.name, application.state_enum)
    except TransitionError:
        zh, en = STATE_LABELS[application.state_enum]
        raise InvalidTransition(
            f"案件当前状态为“{zh}”，不能执行“{transition.label_zh}”。",
            f"The case is {en.lower()} (state '{application.state}'); "
            f"'{transition.name}' is not possible now.",
            state=application.state,
        ) from None


def _begin(user: User, application: Application, name: str, expected_version: int | None) -> Transition:
    transition = TRANSITIONS[name]
    _authorise(user, application, transition)
    if expected_version is not None and expected_version != application.version:
        raise CaseChanged(
            "案件已被他人更新，请刷新后查看最新状态再操作。",
            "The case was changed by someone else; reload it and check its new state.",
            state=application.state,
        )
    _check_state(application, transition)
    return transition


def _write_state(
    application: Application,
    transition: Transition,
    *,
    fields: Mapping[str, Any],
) -> None:
    """Move the case with a conditional update; exactly one of two racing actors wins."""
    previous_state, previous_version = application.state, application.version
    values = dict(fields)
    values.update(state=transition.target.value, version=F("version") + 1, updated_at=timezone.now())
    updated = Application.objects.filter(
        pk=application.pk, state=previous_state, version=previous_version
    ).update(**values)
    if updated != 1:
        current = Application.objects.filter(pk=application.pk).values_list("state", flat=True).first()
        raise CaseChanged(
            "案件已被他人更新，请刷新后查看最新状态再操作。",
            "The case was changed by someone else; reload it and check its new state.",
            state=current,
        )
    application.refresh_from_db()


def _start_deadline(application: Application, step: str, start: date, due: Due) -> Deadline:
    return Deadline.objects.create(
        application=application, step=step, started_on=start, due_on=due.on, provisional=due.provisional
    )


def _meet_deadline(application: Application, step: str, on: date, *, cancelled: bool = False) -> None:
    Deadline.objects.filter(application=application, step=step, met_on__isnull=True, cancelled=False).update(
        met_on=None if cancelled else on, cancelled=cancelled
    )


def _due_fields(step: str, due: Due | None) -> dict[str, Any]:
    if due is None:
        return {"due_step": "", "due_on": None, "due_provisional": False}
    return {"due_step": step, "due_on": due.on, "due_provisional": due.provisional}


def _after_commit(application: Application, transition: str, user: User | None) -> None:
    transaction.on_commit(
        lambda: case_transitioned.send(
            sender=Application, application=application, transition=transition, actor=user
        )
    )


# ----------------------------------------------------------------- creating


@transaction.atomic
def create_application(
    user: User, enterprise: Enterprise, *, license_type: str = "B25", kind: str = "new"
) -> Application:
    if not access.visible_enterprises(user).filter(pk=enterprise.pk).exists():
        raise NotFound("没有找到该企业。", "No such enterprise.")
    if not access.is_applicant_side(user, enterprise, Scope.PREPARE):
        raise Forbidden("您无权为该企业准备申请。", "You may not prepare an application for this enterprise.")
    if kind not in {"new", "renewal"}:
        raise InvalidInput("申请类别无效。", "Unknown application kind.", field="kind")
    pack = current_pack()
    if license_type not in pack.license_types:
        known = "、".join(pack.license_types)
        raise InvalidInput(
            f"许可类型“{license_type}”无效，应为 {known} 之一。",
            f"Unknown license type “{license_type}”: expected one of {', '.join(pack.license_types)}.",
            field="license_type",
        )
    agency = user.organisation if user.organisation and user.organisation.kind == OrgKind.AGENCY else None
    application = Application.objects.create(
        reference=f"tmp-{timezone.now().timestamp()}-{user.pk}",
        enterprise=enterprise,
        agency=agency,
        kind=kind,
        license_type=license_type,
        province_code=enterprise.province_code,
        prefecture=enterprise.city,
        rule_pack=pack.id,
        rule_pack_version=pack.version,
        created_by=user,
    )
    application.reference = f"{pack.abbreviation}ICP-{timezone.localdate().year}-{application.pk:06d}"
    application.save(update_fields=["reference"])
    audit(application, user, "create", to_state=State.DRAFT.value, changes={"kind": kind})
    return application


# ------------------------------------------------------- the applicant side


@transaction.atomic
def file_application(
    user: User, application: Application, *, expected_version: int | None = None, today: date | None = None
) -> Application:
    transition = _begin(user, application, "file", expected_version)
    today = _today(today)
    enterprise = application.enterprise
    barred = Ban.barred_until(enterprise.uscc, today)
    if barred is not None:
        raise PreconditionFailed(
            f"该统一社会信用代码因提供虚假材料被禁止申请，至 {barred:%Y-%m-%d} 止。",
            f"This credit code is barred from applying (forged materials) until {barred:%Y-%m-%d}.",
        )
    assessment = assess_enterprise(enterprise, user=user, on=today)
    if assessment.verdict == "not_eligible":
        failed = [c for c in assessment.checks() if c["status"] == "fail"]
        raise PreconditionFailed(
            "企业不符合申请条件，不能申报：" + "；".join(f"{c['id']}：{c['message']}" for c in failed),
            "The enterprise does not meet the conditions and cannot file: "
            + "; ".join(c["id"] for c in failed),
            failed=[c["id"] for c in failed],
        )
    # The apps above take part here: materials refuses while a required material is missing.
    hooks.filing_requested.send(sender=Application, application=application)
    due = due_for("acceptance", today)
    _write_state(
        application,
        transition,
        fields={
            "filed_on": today,
            "eligibility": assessment.result,
            "rule_pack_version": assessment.rule_pack_version,
            "acceptance_days_used": 0,
            **_due_fields("acceptance", due),
        },
    )
    _start_deadline(application, "acceptance", today, due)
    audit(
        application,
        user,
        "file",
        on=today,
        from_state=State.DRAFT,
        to_state=State.FILED,
        changes={"eligibility_verdict": assessment.verdict, "acceptance_due": due.on.isoformat()},
    )
    _after_commit(application, "file", user)
    return application


@transaction.atomic
def answer_supplement(
    user: User,
    application: Application,
    answer: str,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "answer", expected_version)
    today = _today(today)
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput("请说明补正了哪些内容。", "Say what was supplemented.", field="answer")
    notice = application.supplements.filter(answered_at__isnull=True).first()
    pack = current_pack()
    limit = pack.limit("acceptance")
    # The review clock resumes with the working days it had left (at least one).
    remaining = max(limit.value - application.acceptance_days_used, 1)
    due = due_for("acceptance", today, pack, value=remaining)
    _write_state(application, transition, fields=_due_fields("acceptance", due))
    if notice is not None:
        notice.answered_at = moment(today)
        notice.answered_by = user
        notice.answer = answer
        notice.save(update_fields=["answered_at", "answered_by", "answer"])
    _meet_deadline(application, "supplement", today)
    _start_deadline(application, "acceptance", today, due)
    audit(
        application,
        user,
        "answer",
        on=today,
        from_state=State.RETURNED,
        to_state=State.FILED,
        reason=answer,
        changes={"acceptance_due": due.on.isoformat(), "acceptance_days_left": remaining},
    )
    _after_commit(application, "answer", user)
    return application


@transaction.atomic
def withdraw_application(
    user: User,
    application: Application,
    reason: str = "",
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "withdraw", expected_version)
    today = _today(today)
    before = application.state
    _write_state(application, transition, fields={"closed_on": today, **_due_fields("", None)})
    Deadline.objects.filter(application=application, met_on__isnull=True, cancelled=False).update(
        cancelled=True
    )
    audit(application, user, "withdraw", from_state=before, to_state=State.WITHDRAWN, reason=reason, on=today)
    _after_commit(application, "withdraw", user)
    return application


# ---------------------------------------------------------- the regulator


@transaction.atomic
def accept_application(
    user: User, application: Application, *, expected_version: int | None = None, today: date | None = None
) -> Application:
    transition = _begin(user, application, "accept", expected_version)
    today = _today(today)
    due = due_for("inspection", today)
    _write_state(application, transition, fields={"accepted_on": today, **_due_fields("inspection", due)})
    _meet_deadline(application, "acceptance", today)
    _start_deadline(application, "inspection", today, due)
    pack = current_pack()
    if "decision_total" in pack.limits:
        _start_deadline(application, "decision_total", today, due_for("decision_total", today, pack))
    audit(
        application,
        user,
        "accept",
        on=today,
        from_state=State.FILED,
        to_state=State.ACCEPTED,
        changes={"inspection_due": due.on.isoformat()},
    )
    _after_commit(application, "accept", user)
    return application


def _clean_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = []
    for index, entry in enumerate(items):
        item = str(entry.get("item", "")).strip()
        reason = str(entry.get("reason", "")).strip()
        if not item and not reason:
            continue
        if not item or not reason:
            raise InvalidInput(
                f"补正事项第 {index + 1} 项须同时写明事项和原因。",
                f"Supplement item {index + 1} needs both the item and the reason.",
                field=f"items[{index}]",
            )
        entry_out = {"item": item, "reason": reason}
        material = str(entry.get("material", "") or "").strip()
        if material:  # the checklist material the item is about, so clients can match them
            entry_out["material"] = material
        cleaned.append(entry_out)
    if not cleaned:
        raise InvalidInput(
            "补正通知须一次列明全部需补正的事项。",
            "A supplement notice must list every item to fix.",
            field="items",
        )
    return cleaned


@transaction.atomic
def return_application(
    user: User,
    application: Application,
    items: Sequence[Mapping[str, Any]],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "return", expected_version)
    today = _today(today)
    cleaned = _clean_items(items)
    from icpdesk.calendars.services import get_calendar

    running = (
        Deadline.objects.filter(
            application=application, step="acceptance", met_on__isnull=True, cancelled=False
        )
        .order_by("-id")
        .first()
    )
    started = running.started_on if running else (application.filed_on or today)
    used = application.acceptance_days_used + max(
        get_calendar().working_days_between(started, today).working_days, 0
    )
    due = due_for("supplement_answer", today)
    _write_state(
        application,
        transition,
        fields={"acceptance_days_used": used, **_due_fields("supplement", due)},
    )
    _meet_deadline(application, "acceptance", today, cancelled=True)
    _start_deadline(application, "supplement", today, due)
    SupplementNotice.objects.create(
        application=application,
        items=cleaned,
        issued_at=moment(today),
        issued_by=user,
        due_on=due.on,
        due_provisional=due.provisional,
    )
    audit(
        application,
        user,
        "return",
        on=today,
        from_state=State.FILED,
        to_state=State.RETURNED,
        reason="；".join(f"{i['item']}：{i['reason']}" for i in cleaned),
        changes={"items": cleaned, "supplement_due": due.on.isoformat(), "acceptance_days_used": used},
    )
    _after_commit(application, "return", user)
    return application


@transaction.atomic
def lapse_application(
    user: User, application: Application, *, expected_version: int | None = None, today: date | None = None
) -> Application:
    transition = _begin(user, application, "lapse", expected_version)
    today = _today(today)
    notice = application.supplements.filter(answered_at__isnull=True).first()
    if notice is not None and today <= notice.due_on:
        raise PreconditionFailed(
            f"补正期限 {notice.due_on:%Y-%m-%d} 尚未届满，不能终止。",
            f"The supplement limit ({notice.due_on:%Y-%m-%d}) has not passed yet.",
        )
    _write_state(application, transition, fields={"closed_on": today, **_due_fields("", None)})
    _meet_deadline(application, "supplement", today, cancelled=True)
    audit(application, user, "lapse", from_state=State.RETURNED, to_state=State.LAPSED, on=today)
    _after_commit(application, "lapse", user)
    return application


@transaction.atomic
def schedule_inspection(
    user: User,
    application: Application,
    on: date,
    inspectors: Sequence[User],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "schedule_inspection", expected_version)
    today = _today(today)
    if on < today:
        raise InvalidInput(
            "核查日期不能早于今天。", "The inspection date cannot be in the past.", field="date"
        )
    if not inspectors:
        raise InvalidInput("请至少指定一名核查员。", "Name at least one inspector.", field="inspectors")
    for person in inspectors:
        if not access.has_regulator_role(person, Role.INSPECTOR, application.province_code):
            raise InvalidInput(
                f"{person.get_full_name() or person.username} 不是本局核查员。",
                f"{person.username} is not an inspector of this administration.",
                field="inspectors",
            )
    before = application.state
    _write_state(application, transition, fields={})
    inspection = Inspection.objects.create(application=application, scheduled_on=on, scheduled_by=user)
    inspection.inspectors.set(inspectors)
    audit(
        application,
        user,
        "schedule_inspection",
        on=today,
        from_state=before,
        to_state=State.INSPECTION_SCHEDULED,
        changes={"date": on.isoformat(), "inspectors": [p.username for p in inspectors]},
    )
    _after_commit(application, "schedule_inspection", user)
    return application


def _clean_record(record: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    cleaned: dict[str, dict[str, Any]] = {}
    for area, label_zh, label_en in INSPECTION_AREAS:
        entry = record.get(area)
        if not isinstance(entry, Mapping) or entry.get("passed") not in (True, False):
            raise InvalidInput(
                f"请填写核查项“{label_zh}”是否通过。",
                f"Say whether '{label_en}' passed.",
                field=f"record.{area}",
            )
        remarks = str(entry.get("remarks", "")).strip()
        if entry["passed"] is False and not remarks:
            raise InvalidInput(
                f"核查项“{label_zh}”未通过，须写明原因。",
                f"'{label_en}' failed: give the remarks.",
                field=f"record.{area}.remarks",
            )
        cleaned[area] = {"passed": bool(entry["passed"]), "remarks": remarks}
    return cleaned


@transaction.atomic
def record_inspection(
    user: User,
    application: Application,
    record: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "record_inspection", expected_version)
    today = _today(today)
    cleaned = _clean_record(record)
    inspection = application.inspections.order_by("-id").first()
    if inspection is None:  # pragma: no cover - the state guarantees one
        raise PreconditionFailed("尚未安排核查。", "No inspection is scheduled.")
    due = due_for("decision", today)
    _write_state(application, transition, fields={"inspected_on": today, **_due_fields("decision", due)})
    inspection.record = cleaned
    inspection.inspected_on = today
    inspection.recorded_by = user
    inspection.save(update_fields=["record", "inspected_on", "recorded_by"])
    _meet_deadline(application, "inspection", today)
    _start_deadline(application, "decision", today, due)
    audit(
        application,
        user,
        "record_inspection",
        on=today,
        from_state=State.INSPECTION_SCHEDULED,
        to_state=State.INSPECTED,
        changes={"record": cleaned, "decision_due": due.on.isoformat()},
    )
    _after_commit(application, "record_inspection", user)
    return application


@transaction.atomic
def approve_application(
    user: User,
    application: Application,
    reasons: str = "",
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "approve", expected_version)
    today = _today(today)
    inspection = application.inspections.order_by("-id").first()
    if inspection is not None and inspection.passed() is False:
        raise PreconditionFailed(
            "现场核查有未通过的项目，不能批准；请不予许可或重新核查。",
            "The inspection found failures; the case cannot be approved.",
        )
    due = due_for("certificate", today)
    _write_state(
        application,
        transition,
        fields={
            "decided_on": today,
            "decision": "approved",
            "decision_reasons": reasons,
            **_due_fields("certificate", due),
        },
    )
    _meet_deadline(application, "decision", today)
    _meet_deadline(application, "decision_total", today)
    _start_deadline(application, "certificate", today, due)
    audit(
        application,
        user,
        "approve",
        on=today,
        from_state=State.INSPECTED,
        to_state=State.APPROVED,
        reason=reasons,
        changes={"certificate_due": due.on.isoformat()},
    )
    _after_commit(application, "approve", user)
    return application


@transaction.atomic
def reject_application(
    user: User,
    application: Application,
    reasons: str,
    *,
    forged: bool = False,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    transition = _begin(user, application, "reject", expected_version)
    today = _today(today)
    reasons = (reasons or "").strip()
    if not reasons:
        raise InvalidInput("不予许可须写明理由。", "A rejection needs its reasons.", field="reasons")
    _write_state(
        application,
        transition,
        fields={
            "decided_on": today,
            "closed_on": today,
            "decision": "rejected",
            "decision_reasons": reasons,
            "forged": forged,
            **_due_fields("", None),
        },
    )
    _meet_deadline(application, "decision", today)
    _meet_deadline(application, "decision_total", today)
    changes: dict[str, Any] = {"forged": forged}
    if forged:
        pack = current_pack()
        ban = pack.limit("ban")
        until = add_years(today, ban.value) if ban.unit == "year" else due_for("ban", today, pack).on
        Ban.objects.create(
            uscc=application.enterprise.uscc, until=until, reason=reasons, application=application
        )
        changes["barred_until"] = until.isoformat()
    audit(
        application,
        user,
        "reject",
        on=today,
        from_state=State.INSPECTED,
        to_state=State.REJECTED,
        reason=reasons,
        changes=changes,
    )
    _after_commit(application, "reject", user)
    return application


@transaction.atomic
def issue_certificate(
    user: User, application: Application, *, expected_version: int | None = None, today: date | None = None
) -> Application:
    transition = _begin(user, application, "issue_certificate", expected_version)
    today = _today(today)
    _write_state(
        application,
        transition,
        fields={"certificate_on": today, "closed_on": today, **_due_fields("", None)},
    )
    # The licenses app creates (or renews) the license here and returns its number and expiry.
    issued = hooks.facts(
        hooks.certificate_issued.send(sender=Application, application=application, issued_on=today)
    )
    _meet_deadline(application, "certificate", today)
    audit(
        application,
        user,
        "issue_certificate",
        on=today,
        from_state=State.APPROVED,
        to_state=State.CERTIFICATE_ISSUED,
        changes=issued,
    )
    _after_commit(application, "issue_certificate", user)
    return application


# ------------------------------------------------------------- comments


@transaction.atomic
def add_comment(user: User, application: Application, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("留言不能为空。", "The comment is empty.", field="body")
    if len(body) > 5000:
        raise InvalidInput(
            "留言不能超过 5000 字。", "The comment is longer than 5000 characters.", field="body"
        )
    if not access.visible_applications(user).filter(pk=application.pk).exists():
        raise NotFound("没有找到该案件。", "No such case.")
    assert user.organisation is not None  # a user who sees a case belongs to an organisation
    comment = Comment.objects.create(
        application=application, author=user, organisation=user.organisation, body=body
    )
    audit(application, user, "comment", reason=body[:200])
    return comment
