"""Licenses after the certificate: the list, the detail and its e-license PDF, annual reports,
change filings, renewal, cancellation and the regulator's state changes.

Every endpoint loads the license through :func:`icpdesk.licenses.actions.load_license`
(scoped by ``visible_licenses``: a license the caller may not see is the same 404 as
none) and writes only through :mod:`icpdesk.licenses.actions`, as the pages do.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from icpdesk.accounts.choices import Role, Scope
from icpdesk.accounts.models import User
from icpdesk.api.auth import current_user
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import MAX_ID, ActionOut, EnterpriseRef, ErrorOut, In
from icpdesk.cases import access
from icpdesk.core import license_lifecycle as lifecycle
from icpdesk.lib.errors import NotFound
from icpdesk.lib.packs import current_pack
from icpdesk.licenses import actions, annual
from icpdesk.licenses.models import AnnualReport, ChangeFiling, License
from icpdesk.licenses.pdf import license_pdf, verify_url
from icpdesk.licenses.services import visible_licenses

router = Router(tags=["licenses"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}

# The regulator's state changes, each its own endpoint under /licenses/{id}/.
REGULATOR_CHANGES = ("suspend", "reinstate", "revoke", "lapse")
LicenseState = Literal["valid", "lapsed", "suspended", "revoked", "cancelled", "expired"]
ChangeKind = Literal["company_name", "domain", "server_address", "security_manager"]
MAX_COUNT = 10**12


# ------------------------------------------------------------------ schemas


class LicenseFilters(Schema):
    state: LicenseState | None = Field(None, description="only licenses in this state")
    q: str = Field("", max_length=200, description="number or holder name contains")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class LicenseListItem(Schema):
    id: int
    number: str
    holder: EnterpriseRef
    license_type: str
    issued_on: Date
    expires_on: Date
    state: str
    state_label: str
    bad_record: bool
    annual_report_due_on: Date | None


class LicensePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[LicenseListItem]


class LicenseEventOut(Schema):
    at: datetime
    on: Date
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str


class AnnualReportSummary(Schema):
    year: int
    state: str
    due_on: Date
    submitted_on: Date | None


class ChangeFilingOut(Schema):
    id: int
    license_id: int
    kind: str
    kind_label: str
    before: str
    after: str
    happened_on: Date
    due_on: Date
    due_provisional: bool
    filed_on: Date
    late: bool
    state: str
    reviewed_on: Date | None
    review_reason: str
    allowed_actions: list[ActionOut]


class RenewalOut(Schema):
    opens_on: Date
    deadline: Date
    expires_on: Date
    open: bool
    late: bool
    application_id: int | None


class LicenseDetailOut(Schema):
    id: int
    number: str
    holder: EnterpriseRef
    holder_name: str
    license_type: str
    license_type_name: str
    service_scope: str
    domains: list[str]
    server_locations: list[str]
    security_manager: str
    authority: str
    issued_on: Date
    expires_on: Date
    state: str
    state_label: str
    state_changed_on: Date | None
    bad_record: bool
    annual_report_due_on: Date | None
    report_year: int
    renewal: RenewalOut
    verify_url: str
    events: list[LicenseEventOut]
    annual_reports: list[AnnualReportSummary]
    change_filings: list[ChangeFilingOut]
    allowed_actions: list[ActionOut]


class OperationsIn(In):
    summary: str = Field("", max_length=4000)
    registered_users: int | None = Field(None, ge=0, le=MAX_COUNT)


class SecurityIn(In):
    summary: str = Field("", max_length=4000)
    incidents: int | None = Field(None, ge=0, le=MAX_COUNT)


class ComplaintsIn(In):
    summary: str = Field("", max_length=4000)
    received: int | None = Field(None, ge=0, le=MAX_COUNT)


class AnnualReportIn(In):
    year: int | None = Field(
        None, ge=1900, le=9999, description="the year reported on; the one owed now if left out"
    )
    operations: OperationsIn = Field(default_factory=lambda: OperationsIn.model_validate({}))
    security: SecurityIn = Field(default_factory=lambda: SecurityIn.model_validate({}))
    complaints: ComplaintsIn = Field(default_factory=lambda: ComplaintsIn.model_validate({}))


class OperationsOut(Schema):
    summary: str
    registered_users: int | None


class SecurityOut(Schema):
    summary: str
    incidents: int | None


class ComplaintsOut(Schema):
    summary: str
    received: int | None


class AnnualReportOut(Schema):
    license_id: int
    year: int
    state: str
    exists: bool
    window_opens_on: Date
    due_on: Date
    submitted_on: Date | None
    editable: bool
    operations: OperationsOut
    security: SecurityOut
    complaints: ComplaintsOut


class ChangeIn(In):
    kind: ChangeKind
    after: str = Field(..., min_length=1, max_length=300)
    happened_on: Date


class ReasonIn(In):
    reason: str = Field(..., min_length=1, max_length=2000)


class RenewalStartedOut(Schema):
    license_id: int
    application_id: int
    reference: str
    path: str


# ------------------------------------------------------------------ helpers


def _load(request: HttpRequest, license_id: int) -> License:
    if not 0 < license_id <= MAX_ID:
        raise NotFound("没有找到该许可证。", "No such license.")
    return actions.load_license(current_user(request), license_id)


def _load_filing(request: HttpRequest, filing_id: int) -> ChangeFiling:
    if not 0 < filing_id <= MAX_ID:
        raise NotFound("没有找到该变更。", "No such change filing.")
    return actions.load_filing(current_user(request), filing_id)


def _label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _ref(license_: License) -> dict[str, Any]:
    holder = license_.holder
    return {"id": holder.pk, "name": holder.name, "uscc": holder.uscc}


def _today() -> Date:
    return timezone.localdate()


def _action(name: str, label: str, path: str, method: str = "POST") -> dict[str, str]:
    return {"name": name, "label": label, "method": method, "path": f"/api/v1{path}"}


def _is_reviewer(user: User, license_: License) -> bool:
    return access.has_regulator_role(user, Role.REVIEWER, license_.province_code)


def _filing_out(filing: ChangeFiling, lang: str, reviewer: bool) -> dict[str, Any]:
    allowed = []
    if reviewer and filing.state == "filed":
        allowed = [
            _action(
                "acknowledge",
                "确认" if lang != "en" else "Acknowledge",
                f"/license-changes/{filing.pk}/acknowledge",
            ),
            _action("return", "退回" if lang != "en" else "Return", f"/license-changes/{filing.pk}/return"),
        ]
    zh, _sep, en = str(filing.get_kind_display()).partition(" / ")
    return {
        "id": filing.pk,
        "license_id": filing.license_id,
        "kind": filing.kind,
        "kind_label": en if lang == "en" and en else zh,
        "before": filing.before,
        "after": filing.after,
        "happened_on": filing.happened_on,
        "due_on": filing.due_on,
        "due_provisional": filing.due_provisional,
        "filed_on": filing.filed_on,
        "late": filing.late,
        "state": filing.state,
        "reviewed_on": filing.reviewed_on,
        "review_reason": filing.review_reason,
        "allowed_actions": allowed,
    }


def _allowed_actions(user: User, license_: License, lang: str) -> list[dict[str, str]]:
    """What the license's page offers this user now, as API calls."""
    base = f"/licenses/{license_.pk}"
    allowed: list[dict[str, str]] = []
    regulator_roles = {
        role
        for role in (Role.REVIEWER, Role.APPROVER)
        if access.has_regulator_role(user, role, license_.province_code)
    }
    for name in REGULATOR_CHANGES:
        change = actions.STATE_CHANGES[name]
        may = change.actor in regulator_roles if change.actor != "system" else bool(regulator_roles)
        if may and license_.state in change.sources:
            allowed.append(_action(name, _label(actions.ACTION_LABELS[name], lang), f"{base}/{name}"))
    holder = license_.holder
    if access.is_enterprise_owner(user, holder) and license_.state in actions.STATE_CHANGES["cancel"].sources:
        allowed.append(_action("cancel", _label(actions.ACTION_LABELS["cancel"], lang), f"{base}/cancel"))
    today = _today()
    window = actions.renewal_window(license_)
    if (
        access.is_applicant_side(user, holder, Scope.PREPARE)
        and lifecycle.allows("renewal", license_.state)
        and window.opens_on <= today <= window.expires_on
    ):
        allowed.append(_action("renew", "申请续期" if lang != "en" else "Apply for renewal", f"{base}/renew"))
    if access.is_applicant_side(user, holder, Scope.ANNUAL_AND_CHANGES):
        if lifecycle.allows("change_filing", license_.state):
            allowed.append(
                _action("file_change", "提交变更" if lang != "en" else "File a change", f"{base}/changes")
            )
        year = actions.owed_report_year(license_, today)
        submitted = license_.annual_reports.filter(year=year, state="submitted").exists()
        if (
            lifecycle.allows("annual_report", license_.state)
            and not submitted
            and license_.issued_on.year <= year
        ):
            report = f"{base}/annual-report"
            allowed.append(
                _action(
                    "save_annual_report",
                    "保存年报草稿" if lang != "en" else "Save the annual report",
                    report,
                    "PUT",
                )
            )
            allowed.append(
                _action(
                    "submit_annual_report",
                    "提交年报" if lang != "en" else "Submit the annual report",
                    f"{report}/submit",
                )
            )
    return allowed


def license_detail(request: HttpRequest, license_: License) -> dict[str, Any]:
    user = current_user(request)
    lang = request_lang(request)
    today = _today()
    pack = current_pack()
    license_type = pack.license_types.get(license_.license_type)
    window = actions.renewal_window(license_, pack)
    reviewer = _is_reviewer(user, license_)
    return {
        "id": license_.pk,
        "number": license_.number,
        "holder": _ref(license_),
        "holder_name": license_.holder_name,
        "license_type": license_.license_type,
        "license_type_name": (
            (license_type.name_en if lang == "en" else license_type.name_zh)
            if license_type
            else license_.license_type
        ),
        "service_scope": license_.service_scope,
        "domains": [str(d) for d in license_.domains or []],
        "server_locations": [str(s) for s in license_.server_locations or []],
        "security_manager": license_.security_manager,
        "authority": pack.authority_en if lang == "en" else pack.authority_zh,
        "issued_on": license_.issued_on,
        "expires_on": license_.expires_on,
        "state": license_.state,
        "state_label": actions.state_label(license_.state, lang),
        "state_changed_on": license_.state_changed_on,
        "bad_record": license_.bad_record,
        "annual_report_due_on": license_.annual_report_due_on,
        "report_year": actions.owed_report_year(license_, today),
        "renewal": {
            "opens_on": window.opens_on,
            "deadline": window.deadline,
            "expires_on": window.expires_on,
            "open": window.opens_on <= today <= window.expires_on,
            "late": today > window.deadline,
            "application_id": license_.renewal_application_id,
        },
        "verify_url": verify_url(license_),
        "events": [
            {
                "at": e.at,
                "on": e.on,
                "actor": e.actor.get_username() if e.actor else "",
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "reason": e.reason,
            }
            for e in license_.events.select_related("actor").order_by("at", "id")
        ],
        "annual_reports": [
            {"year": r.year, "state": r.state, "due_on": r.due_on, "submitted_on": r.submitted_on}
            for r in license_.annual_reports.order_by("-year")
        ],
        "change_filings": [
            _filing_out(f, lang, reviewer) for f in license_.change_filings.order_by("-filed_on", "-id")
        ],
        "allowed_actions": _allowed_actions(user, license_, lang),
    }


def _section(data: dict[str, Any], count: str) -> dict[str, Any]:
    value = data.get(count)
    return {"summary": str(data.get("summary", "")), count: value if isinstance(value, int) else None}


def _report_out(user: User, license_: License, year: int, report: AnnualReport | None) -> dict[str, Any]:
    if report is None:
        opens, closes = annual.window(current_pack(), year + 1)
    else:
        opens, closes = report.window_opens_on, report.due_on
    holder_side = access.is_applicant_side(user, license_.holder, Scope.ANNUAL_AND_CHANGES)
    return {
        "license_id": license_.pk,
        "year": year,
        "state": report.state if report else "draft",
        "exists": report is not None,
        "window_opens_on": opens,
        "due_on": closes,
        "submitted_on": report.submitted_on if report else None,
        "editable": holder_side and (report is None or report.state == "draft") and license_.state == "valid",
        "operations": _section(report.operations if report else {}, "registered_users"),
        "security": _section(report.security if report else {}, "incidents"),
        "complaints": _section(report.complaints if report else {}, "received"),
    }


def _report_data(payload: AnnualReportIn) -> dict[str, dict[str, Any]]:
    return {
        "operations": payload.operations.model_dump(),
        "security": payload.security.model_dump(),
        "complaints": payload.complaints.model_dump(),
    }


# ------------------------------------------------------------------ licenses


@router.get("/licenses", response={200: LicensePage, **READ_ERRORS}, summary="List licenses")
def list_licenses(request: HttpRequest, filters: Query[LicenseFilters]) -> dict[str, Any]:
    lang = request_lang(request)
    qs = visible_licenses(current_user(request)).select_related("holder")
    if filters.state:
        qs = qs.filter(state=filters.state)
    term = filters.q.strip()
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(holder_name__icontains=term))
    total = qs.count()
    rows = qs.order_by("expires_on", "pk")[filters.offset : filters.offset + filters.limit]
    items = [
        {
            "id": lic.pk,
            "number": lic.number,
            "holder": _ref(lic),
            "license_type": lic.license_type,
            "issued_on": lic.issued_on,
            "expires_on": lic.expires_on,
            "state": lic.state,
            "state_label": actions.state_label(lic.state, lang),
            "bad_record": lic.bad_record,
            "annual_report_due_on": lic.annual_report_due_on,
        }
        for lic in rows
    ]
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/licenses/{license_id}", response={200: LicenseDetailOut, **READ_ERRORS}, summary="One license")
def get_license(request: HttpRequest, license_id: int) -> dict[str, Any]:
    return license_detail(request, _load(request, license_id))


@router.get(
    "/licenses/{license_id}/pdf",
    response={200: None, **READ_ERRORS},
    summary="The e-license as a PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The e-license (application/pdf)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_license_pdf(request: HttpRequest, license_id: int) -> HttpResponse:
    license_ = _load(request, license_id)
    lang = request_lang(request)
    pack = current_pack()
    license_type = pack.license_types.get(license_.license_type)
    context: dict[str, object] = {
        "license_type_name": (
            (license_type.name_en if lang == "en" else license_type.name_zh)
            if license_type
            else license_.license_type
        ),
        "state_label": actions.state_label(license_.state, lang),
        "authority": pack.authority_en if lang == "en" else pack.authority_zh,
    }
    response = HttpResponse(license_pdf(license_, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="license-{license_.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------ annual reports


@router.get(
    "/licenses/{license_id}/annual-report",
    response={200: AnnualReportOut, **READ_ERRORS},
    summary="The annual report owed now (the saved draft, the submitted report, or an empty one)",
)
def get_annual_report(request: HttpRequest, license_id: int) -> dict[str, Any]:
    user = current_user(request)
    license_ = _load(request, license_id)
    year = actions.owed_report_year(license_, _today())
    report = AnnualReport.objects.filter(license=license_, year=year).first()
    return _report_out(user, license_, year, report)


@router.put(
    "/licenses/{license_id}/annual-report",
    response={200: AnnualReportOut, **ERRORS},
    summary="Save the annual report as a draft",
)
def save_annual_report(request: HttpRequest, license_id: int, payload: AnnualReportIn) -> dict[str, Any]:
    user = current_user(request)
    license_ = _load(request, license_id)
    today = _today()
    year = payload.year if payload.year is not None else actions.owed_report_year(license_, today)
    report = actions.save_annual_report(user, license_, year, _report_data(payload), today=today)
    return _report_out(user, license_, year, report)


@router.post(
    "/licenses/{license_id}/annual-report/submit",
    response={200: AnnualReportOut, **ERRORS},
    summary="Submit the annual report (final)",
)
def submit_annual_report(request: HttpRequest, license_id: int, payload: AnnualReportIn) -> dict[str, Any]:
    user = current_user(request)
    license_ = _load(request, license_id)
    today = _today()
    year = payload.year if payload.year is not None else actions.owed_report_year(license_, today)
    report = actions.submit_annual_report(user, license_, year, _report_data(payload), today=today)
    return _report_out(user, license_, year, report)


# ------------------------------------------------------------ change filings


@router.post(
    "/licenses/{license_id}/changes",
    response={201: ChangeFilingOut, **ERRORS},
    summary="File a change (company name, domain, server address or security manager)",
)
def file_change(request: HttpRequest, license_id: int, payload: ChangeIn) -> Status[dict[str, Any]]:
    user = current_user(request)
    license_ = _load(request, license_id)
    filing = actions.file_change(
        user, license_, payload.kind, payload.after, payload.happened_on, today=_today()
    )
    return Status(201, _filing_out(filing, request_lang(request), _is_reviewer(user, license_)))


@router.post(
    "/license-changes/{filing_id}/acknowledge",
    response={200: ChangeFilingOut, **ERRORS},
    summary="Acknowledge a change filing (reviewer): the license takes the new value",
)
def acknowledge_change(request: HttpRequest, filing_id: int) -> dict[str, Any]:
    user = current_user(request)
    filing = actions.acknowledge_change(user, _load_filing(request, filing_id), today=_today())
    return _filing_out(filing, request_lang(request), True)


@router.post(
    "/license-changes/{filing_id}/return",
    response={200: ChangeFilingOut, **ERRORS},
    summary="Return a change filing with the reason (reviewer)",
)
def return_change(request: HttpRequest, filing_id: int, payload: ReasonIn) -> dict[str, Any]:
    user = current_user(request)
    filing = actions.return_change(
        user, _load_filing(request, filing_id), reason=payload.reason, today=_today()
    )
    return _filing_out(filing, request_lang(request), True)


# ------------------------------------------------------- renewal and states


@router.post(
    "/licenses/{license_id}/renew",
    response={201: RenewalStartedOut, **ERRORS},
    summary="Open the renewal case (inside the renewal window)",
)
def renew(request: HttpRequest, license_id: int) -> Status[dict[str, Any]]:
    license_ = _load(request, license_id)
    application = actions.start_renewal(current_user(request), license_, today=_today())
    return Status(
        201,
        {
            "license_id": license_.pk,
            "application_id": application.pk,
            "reference": application.reference,
            "path": f"/api/v1/cases/{application.pk}",
        },
    )


def _state_endpoint(name: str) -> None:
    summary = {
        "cancel": "Cancel the license, with the reason (the holder's owner)",
        "suspend": "Suspend the license, with the reason (approver)",
        "reinstate": "Reinstate a suspended license, with the reason (approver)",
        "revoke": "Revoke the license, with the reason (approver)",
        "lapse": "Record that the license lapsed, with the reason (reviewer)",
    }[name]

    def change(request: HttpRequest, license_id: int, payload: ReasonIn) -> dict[str, Any]:
        license_ = _load(request, license_id)
        actions.change_state(current_user(request), license_, name, reason=payload.reason, today=_today())
        return license_detail(request, license_)

    change.__name__ = f"{name}_license"
    router.post(
        f"/licenses/{{license_id}}/{name}",
        response={200: LicenseDetailOut, **ERRORS},
        summary=summary,
        operation_id=f"{name}_license",
    )(change)


for _name in ("cancel", *REGULATOR_CHANGES):
    _state_endpoint(_name)
