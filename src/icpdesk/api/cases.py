"""Cases: the list, the detail, one endpoint per transition, comments and the audit trail.

Every endpoint loads the case through :func:`icpdesk.cases.actions.load_for`
(404 for a case the user may not see) and changes it only through the action
functions; the API has no workflow logic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date
from typing import Any

from django.db.models import F, Prefetch, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from icpdesk.accounts.models import User
from icpdesk.api.auth import current_user
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import (
    MAX_ID,
    AnswerIn,
    ApproveIn,
    AuditOut,
    CaseCreateIn,
    CaseOut,
    CasePage,
    CommentIn,
    CommentOut,
    ErrorOut,
    RecordIn,
    RejectIn,
    ReturnIn,
    ScheduleIn,
    VersionIn,
    WithdrawIn,
)
from icpdesk.calendars.deadlines import working_days_left
from icpdesk.cases import access, actions
from icpdesk.cases.models import Application, Inspection
from icpdesk.core.lifecycle import STATE_LABELS, TRANSITIONS, State
from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.errors import InvalidInput, NotFound
from icpdesk.licenses.models import License

router = Router(tags=["cases"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

# The endpoint of each transition, under /cases/{id}/.
ENDPOINTS: dict[str, str] = {
    "file": "file",
    "accept": "accept",
    "return": "return",
    "answer": "answer",
    "lapse": "lapse",
    "schedule_inspection": "schedule-inspection",
    "record_inspection": "record-inspection",
    "approve": "approve",
    "reject": "reject",
    "issue_certificate": "issue-certificate",
    "withdraw": "withdraw",
}


def _load(request: HttpRequest, case_id: int) -> Application:
    if not 0 < case_id <= MAX_ID:
        raise NotFound("没有找到该案件。", "No such case.")
    return actions.load_for(current_user(request), case_id)


def _state_label(state: str, lang: str) -> str:
    zh, en = STATE_LABELS[State(state)]
    return en if lang == "en" else zh


def _due(application: Application, today: Date) -> dict[str, Any]:
    on = application.due_on
    return {
        "step": application.due_step,
        "on": on,
        "provisional": application.due_provisional,
        "days_left": working_days_left(today, on) if on else None,
        "overdue": bool(on and on < today),
    }


def _enterprise_ref(enterprise: Enterprise) -> dict[str, Any]:
    return {"id": enterprise.pk, "name": enterprise.name, "uscc": enterprise.uscc}


def allowed_actions(user: User, application: Application, lang: str) -> list[dict[str, str]]:
    """The transitions this user may take now: the actions' own authorisation, asked per transition."""
    allowed = []
    for transition in actions.allowed_transitions(user, application):
        allowed.append(
            {
                "name": transition.name,
                "label": transition.label_en if lang == "en" else transition.label_zh,
                "method": "POST",
                "path": f"/api/v1/cases/{application.pk}/{ENDPOINTS[transition.name]}",
            }
        )
    return allowed


def case_detail(request: HttpRequest, application: Application) -> dict[str, Any]:
    user = current_user(request)
    lang = request_lang(request)
    today = timezone.localdate()
    inspections = Inspection.objects.filter(application=application).prefetch_related(
        Prefetch("inspectors", queryset=User.objects.order_by("username"))
    )
    license_ = License.objects.filter(application=application).first()
    return {
        "id": application.pk,
        "reference": application.reference,
        "enterprise": _enterprise_ref(application.enterprise),
        "agency": application.agency.name if application.agency else None,
        "kind": application.kind,
        "license_type": application.license_type,
        "state": application.state,
        "state_label": _state_label(application.state, lang),
        "version": application.version,
        "province_code": application.province_code,
        "prefecture": application.prefecture,
        "rule_pack": application.rule_pack,
        "rule_pack_version": application.rule_pack_version,
        "due": _due(application, today),
        "filed_on": application.filed_on,
        "accepted_on": application.accepted_on,
        "inspected_on": application.inspected_on,
        "decided_on": application.decided_on,
        "certificate_on": application.certificate_on,
        "closed_on": application.closed_on,
        "decision": application.decision,
        "decision_reasons": application.decision_reasons,
        "forged": application.forged,
        "eligibility": application.eligibility,
        "deadlines": list(
            application.deadlines.order_by("created_at", "id").values(
                "step", "started_on", "due_on", "provisional", "met_on", "cancelled"
            )
        ),
        "supplement_notices": [
            {
                "id": n.pk,
                "items": n.items,
                "issued_at": n.issued_at,
                "due_on": n.due_on,
                "due_provisional": n.due_provisional,
                "answered_at": n.answered_at,
                "answer": n.answer,
            }
            for n in application.supplements.order_by("issued_at", "id")
        ],
        "inspections": [
            {
                "id": i.pk,
                "scheduled_on": i.scheduled_on,
                "inspectors": [p.username for p in i.inspectors.all()],
                "record": i.record,
                "inspected_on": i.inspected_on,
                "passed": i.passed(),
            }
            for i in inspections.order_by("id")
        ],
        "license": (
            {
                "number": license_.number,
                "license_type": license_.license_type,
                "issued_on": license_.issued_on,
                "expires_on": license_.expires_on,
                "state": license_.state,
            }
            if license_
            else None
        ),
        "license_number": license_.number if license_ else None,
        "allowed_actions": allowed_actions(user, application, lang),
    }


# ------------------------------------------------------------------ list


class CaseFilters(Schema):
    state: str = Field("", max_length=300, description="one state or several, comma-separated")
    enterprise: int | None = Field(None, ge=1, le=MAX_ID, description="enterprise id")
    prefecture: str = Field("", max_length=40)
    due_before: Date | None = Field(None, description="due on or before this date")
    overdue: bool | None = Field(None, description="only cases past their due date (or only those not)")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List cases, oldest due date first")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user = current_user(request)
    lang = request_lang(request)
    today = timezone.localdate()
    qs = access.visible_applications(user)
    if filters.state.strip():
        states = [s.strip() for s in filters.state.split(",") if s.strip()]
        known = {s.value for s in State}
        unknown = [s for s in states if s not in known]
        if unknown:
            raise InvalidInput(
                f"未知的案件状态：{'、'.join(unknown)}。",
                f"Unknown case state: {', '.join(unknown)}.",
                field="state",
            )
        qs = qs.filter(state__in=states)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.prefecture.strip():
        qs = qs.filter(prefecture=filters.prefecture.strip())
    if filters.due_before is not None:
        qs = qs.filter(due_on__lte=filters.due_before)
    if filters.overdue is True:
        qs = qs.filter(due_on__lt=today)
    elif filters.overdue is False:
        qs = qs.filter(Q(due_on__isnull=True) | Q(due_on__gte=today))
    total = qs.count()
    ordering = (F("due_on").asc(nulls_last=True), "id")
    # Choose the page's ids on the index columns, then read only those rows in full.
    ids = qs.order_by(*ordering).values("pk")[filters.offset : filters.offset + filters.limit]
    page = Application.objects.filter(pk__in=ids).select_related("enterprise").order_by(*ordering)
    items = [
        {
            "id": a.pk,
            "reference": a.reference,
            "enterprise": _enterprise_ref(a.enterprise),
            "kind": a.kind,
            "license_type": a.license_type,
            "state": a.state,
            "state_label": _state_label(a.state, lang),
            "version": a.version,
            "prefecture": a.prefecture,
            "due": _due(a, today),
            "filed_on": a.filed_on,
            "updated_at": a.updated_at,
        }
        for a in page
    ]
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post("/cases", response={201: CaseOut, **ERRORS}, summary="Create a draft application")
def create_case(request: HttpRequest, payload: CaseCreateIn) -> tuple[int, dict[str, Any]]:
    enterprise = Enterprise.objects.filter(pk=payload.enterprise_id).first()
    if enterprise is None:
        raise NotFound("没有找到该企业。", "No such enterprise.")
    application = actions.create_application(
        current_user(request), enterprise, license_type=payload.license_type, kind=payload.kind
    )
    return 201, case_detail(request, actions.load_for(current_user(request), application.pk))


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="One case")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return case_detail(request, _load(request, case_id))


# ------------------------------------------------------------ transitions


def _done(request: HttpRequest, application: Application) -> dict[str, Any]:
    return case_detail(request, application)


def _summary(name: str) -> str:
    t = TRANSITIONS[name]
    return f"{t.label_en} ({t.label_zh})"


def _body(payload: VersionIn | None) -> VersionIn:
    return payload if payload is not None else VersionIn.model_validate({})


@router.post("/cases/{case_id}/file", response={200: CaseOut, **ERRORS}, summary=_summary("file"))
def file_case(request: HttpRequest, case_id: int, payload: VersionIn | None = None) -> dict[str, Any]:
    application = _load(request, case_id)
    actions.file_application(current_user(request), application, expected_version=_body(payload).version)
    return _done(request, application)


@router.post("/cases/{case_id}/accept", response={200: CaseOut, **ERRORS}, summary=_summary("accept"))
def accept_case(request: HttpRequest, case_id: int, payload: VersionIn | None = None) -> dict[str, Any]:
    application = _load(request, case_id)
    actions.accept_application(current_user(request), application, expected_version=_body(payload).version)
    return _done(request, application)


@router.post("/cases/{case_id}/return", response={200: CaseOut, **ERRORS}, summary=_summary("return"))
def return_case(request: HttpRequest, case_id: int, payload: ReturnIn) -> dict[str, Any]:
    application = _load(request, case_id)
    items = [item.model_dump() for item in payload.items]
    actions.return_application(current_user(request), application, items, expected_version=payload.version)
    return _done(request, application)


@router.post("/cases/{case_id}/answer", response={200: CaseOut, **ERRORS}, summary=_summary("answer"))
def answer_case(request: HttpRequest, case_id: int, payload: AnswerIn) -> dict[str, Any]:
    application = _load(request, case_id)
    actions.answer_supplement(
        current_user(request), application, payload.answer, expected_version=payload.version
    )
    return _done(request, application)


@router.post("/cases/{case_id}/lapse", response={200: CaseOut, **ERRORS}, summary=_summary("lapse"))
def lapse_case(request: HttpRequest, case_id: int, payload: VersionIn | None = None) -> dict[str, Any]:
    application = _load(request, case_id)
    actions.lapse_application(current_user(request), application, expected_version=_body(payload).version)
    return _done(request, application)


def _inspectors(user: User, named: Sequence[int | str]) -> list[User]:
    """The named colleagues (by username or id) of the user's own administration.

    A name that matches nobody there becomes an unsaved placeholder, so the
    action itself refuses it (after its own role and state checks) exactly as
    it refuses someone who is not an inspector of this administration.
    """
    ids = [n for n in named if isinstance(n, int) and 0 < n <= MAX_ID]
    names = [n for n in named if isinstance(n, str)]
    found = list(
        User.objects.filter(organisation_id=user.organisation_id).filter(
            Q(pk__in=ids) | Q(username__in=names)
        )
        if user.organisation_id
        else []
    )
    by_id = {u.pk: u for u in found}
    by_name = {u.username: u for u in found}
    people: list[User] = []
    for n in named:
        person = by_id.get(n) if isinstance(n, int) else by_name.get(n)
        people.append(person if person is not None else User(username=str(n)))
    return people


@router.post(
    "/cases/{case_id}/schedule-inspection",
    response={200: CaseOut, **ERRORS},
    summary=_summary("schedule_inspection"),
)
def schedule_case(request: HttpRequest, case_id: int, payload: ScheduleIn) -> dict[str, Any]:
    user = current_user(request)
    application = _load(request, case_id)
    actions.schedule_inspection(
        user,
        application,
        payload.date,
        _inspectors(user, payload.inspectors),
        expected_version=payload.version,
    )
    return _done(request, application)


@router.post(
    "/cases/{case_id}/record-inspection",
    response={200: CaseOut, **ERRORS},
    summary=_summary("record_inspection"),
)
def record_case(request: HttpRequest, case_id: int, payload: RecordIn) -> dict[str, Any]:
    application = _load(request, case_id)
    record = {area: entry.model_dump() for area, entry in payload.record.items()}
    actions.record_inspection(current_user(request), application, record, expected_version=payload.version)
    return _done(request, application)


@router.post("/cases/{case_id}/approve", response={200: CaseOut, **ERRORS}, summary=_summary("approve"))
def approve_case(request: HttpRequest, case_id: int, payload: ApproveIn | None = None) -> dict[str, Any]:
    body = payload or ApproveIn.model_validate({})
    application = _load(request, case_id)
    actions.approve_application(
        current_user(request), application, body.reasons, expected_version=body.version
    )
    return _done(request, application)


@router.post("/cases/{case_id}/reject", response={200: CaseOut, **ERRORS}, summary=_summary("reject"))
def reject_case(request: HttpRequest, case_id: int, payload: RejectIn) -> dict[str, Any]:
    application = _load(request, case_id)
    actions.reject_application(
        current_user(request),
        application,
        payload.reasons,
        forged=payload.forged,
        expected_version=payload.version,
    )
    return _done(request, application)


@router.post(
    "/cases/{case_id}/issue-certificate",
    response={200: CaseOut, **ERRORS},
    summary=_summary("issue_certificate"),
)
def issue_case(request: HttpRequest, case_id: int, payload: VersionIn | None = None) -> dict[str, Any]:
    application = _load(request, case_id)
    actions.issue_certificate(current_user(request), application, expected_version=_body(payload).version)
    return _done(request, application)


@router.post("/cases/{case_id}/withdraw", response={200: CaseOut, **ERRORS}, summary=_summary("withdraw"))
def withdraw_case(request: HttpRequest, case_id: int, payload: WithdrawIn | None = None) -> dict[str, Any]:
    body = payload or WithdrawIn.model_validate({})
    application = _load(request, case_id)
    actions.withdraw_application(
        current_user(request), application, body.reason, expected_version=body.version
    )
    return _done(request, application)


# ------------------------------------------------------- comments, audit


def _comment(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "author": c.author.get_full_name() or c.author.get_username(),
        "organisation": c.organisation.name,
        "body": c.body,
        "created_at": c.created_at,
    }


@router.get("/cases/{case_id}/comments", response={200: list[CommentOut], **ERRORS}, summary="Comments")
def list_comments(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    application = _load(request, case_id)
    comments = application.comments.select_related("author", "organisation").order_by("created_at", "id")
    return [_comment(c) for c in comments]


@router.post("/cases/{case_id}/comments", response={201: CommentOut, **ERRORS}, summary="Add a comment")
def post_comment(request: HttpRequest, case_id: int, payload: CommentIn) -> tuple[int, dict[str, Any]]:
    application = _load(request, case_id)
    comment = actions.add_comment(current_user(request), application, payload.body)
    return 201, _comment(comment)


@router.get("/cases/{case_id}/audit", response={200: list[AuditOut], **ERRORS}, summary="Audit trail")
def list_audit(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    application = _load(request, case_id)
    return [
        {
            "id": e.pk,
            "at": e.at,
            "actor": e.actor_name,
            "actor_org": e.actor_org,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "reason": e.reason,
            "changes": e.changes,
        }
        for e in application.audit_events.order_by("at", "id")
    ]
