"""Pages of the enterprise profile: list, profile, editing, security staff, history, eligibility.

Every enterprise comes from ``access.visible_enterprises``: one the user may not
see is a 404. One the user may see but not change (a reviewer, an agency whose
mandate does not cover preparing) answers 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts.choices import OrgKind, Scope
from icpdesk.changes.display import action_label, field_changes, shown
from icpdesk.changes.models import ChangeRecord
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from icpdesk.core.rules import ProfileError
from icpdesk.enterprises import access, actions
from icpdesk.enterprises.choices import STATUS_LABELS, VERDICT_LABELS
from icpdesk.enterprises.forms import (
    SERVER_REGIONS,
    EnterpriseForm,
    NewEnterpriseForm,
    SecurityStaffForm,
    ViolationForm,
)
from icpdesk.enterprises.models import MODULES, EligibilityAssessment, Enterprise
from icpdesk.enterprises.services import may_assess, run_assessment, search_filter
from icpdesk.lib.errors import ActionError, Forbidden, NotFound
from icpdesk.lib.language import current_lang

PAGE_SIZE = 25
CHANGES_SHOWN = 50


def _visible(request: HttpRequest, pk: int) -> Enterprise:
    enterprise: Enterprise = get_object_or_404(access.visible_enterprises(request.user), pk=pk)
    return enterprise


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "enterprises/forbidden.html", {"message": message}, status=403)


def _may_prepare(request: HttpRequest, enterprise: Enterprise) -> bool:
    return access.is_applicant_side(request.user, enterprise, Scope.PREPARE)


def _prepare_refused(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request,
        _("只有企业本身或持有“准备材料”委托的代办机构可以修改企业资料。"),
    )


def _refused(request: HttpRequest, exc: ActionError, form: BaseForm | None = None) -> HttpResponse | None:
    """The answer to an action's refusal: 404, 403 with the reason, or the error under the form's field.

    ``None`` when the error went on the form (the page is shown again with it).
    """
    if isinstance(exc, NotFound):
        raise Http404(exc.message(current_lang()))
    if isinstance(exc, Forbidden) or form is None:
        return forbidden(request, exc.message(current_lang()))
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message(current_lang()))
    return None


def _change_rows(enterprise: Enterprise) -> list[dict[str, Any]]:
    """The latest change records of the enterprise, newest first; values were masked when recorded."""
    records = (
        ChangeRecord.objects.filter(enterprise_id=enterprise.pk)
        .select_related("content_type")
        .order_by("-at", "-id")[:CHANGES_SHOWN]
    )
    return [
        {
            "record": r,
            "action": action_label(r.action),
            "fields": [
                {"label": c.label, "before": shown(c.before), "after": shown(c.after)}
                for c in field_changes(r)
            ],
        }
        for r in records
    ]


def _latest_assessment(enterprise: Enterprise) -> EligibilityAssessment | None:
    return enterprise.assessments.select_related("created_by").order_by("-created_at", "-pk").first()


def _verdict_label(verdict: str) -> str:
    return str(VERDICT_LABELS[verdict]) if verdict in VERDICT_LABELS else verdict


@login_required
@require_http_methods(["GET", "HEAD"])
def enterprise_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    latest = EligibilityAssessment.objects.filter(enterprise=OuterRef("pk")).order_by("-created_at", "-pk")
    enterprises = (
        access.visible_enterprises(request.user)
        .only("pk", "name", "uscc", "province", "city", "domain")
        .annotate(
            latest_verdict=Subquery(latest.values("verdict")[:1]),
            latest_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .order_by("name", "pk")
    )
    if query:
        enterprises = enterprises.filter(search_filter(query))
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "enterprise": e,
            "verdict": getattr(e, "latest_verdict", None),
            "verdict_label": _verdict_label(getattr(e, "latest_verdict", None) or ""),
        }
        for e in page.object_list
    ]
    is_agency = bool(
        request.user.organisation_id  # type: ignore[union-attr]
        and request.user.organisation.kind == OrgKind.AGENCY  # type: ignore[union-attr]
    )
    return render(
        request,
        "enterprises/list.html",
        {"page": page, "rows": rows, "query": query, "may_create": is_agency},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible(request, pk)
    unmasked = access.sees_personal_data(request.user, enterprise)

    def id_shown(value: str) -> str:
        return value if unmasked else mask_id_number(value)

    def phone_shown(value: str) -> str:
        return value if unmasked else mask_mobile(value)

    staff = [
        {"staff": s, "id_number": id_shown(s.id_number), "phone": phone_shown(s.phone)}
        for s in enterprise.security_staff.order_by("pk")
    ]
    assessment = _latest_assessment(enterprise)
    cases = (
        access.cases_of(request.user, enterprise)
        .only("pk", "reference", "state", "kind", "license_type", "due_on", "due_provisional", "created_at")
        .order_by("-created_at", "-pk")[:50]
    )
    module_labels = dict(MODULES)
    region_labels = dict(SERVER_REGIONS)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "legal_rep_id": id_shown(enterprise.legal_rep_id_number),
            "contact_phone": phone_shown(enterprise.contact_phone),
            "unmasked": unmasked,
            "staff": staff,
            "violations": enterprise.violations.order_by("-date", "-pk"),
            "modules": [module_labels.get(m, m) for m in enterprise.modules or []],
            "regions": [region_labels.get(r, r) for r in enterprise.server_regions or []],
            "assessment": assessment,
            "verdict_label": _verdict_label(assessment.verdict) if assessment else "",
            "cases": cases,
            "may_prepare": _may_prepare(request, enterprise),
            "changes": _change_rows(enterprise),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible(request, pk)
    if not _may_prepare(request, enterprise):
        return _prepare_refused(request)
    if request.method == "POST":
        form = EnterpriseForm(request.POST, instance=enterprise)
        if form.is_valid():
            try:
                actions.update_enterprise(request.user, enterprise, form.values())
            except ActionError as exc:
                if (refusal := _refused(request, exc, form)) is not None:
                    return refusal
            else:
                messages.success(request, _("企业资料已保存。"))
                return redirect("enterprises:detail", pk=enterprise.pk)
        status = 422
    else:
        form = EnterpriseForm(instance=enterprise)
        status = 200
    return render(request, "enterprises/edit.html", {"form": form, "enterprise": enterprise}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enterprise_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    agency = user.organisation
    if agency is None or agency.kind != OrgKind.AGENCY or not user.valid_roles():
        return forbidden(request, _("只有代办机构的顾问可以新建客户企业；企业用户请编辑本企业资料。"))
    if request.method == "POST":
        form = NewEnterpriseForm(request.POST)
        if form.is_valid():
            try:
                enterprise = actions.create_client(user, form.values())
            except ActionError as exc:
                if (refusal := _refused(request, exc, form)) is not None:
                    return refusal
            else:
                messages.success(request, _("客户企业已创建，本机构持有全部委托范围。"))
                return redirect("enterprises:detail", pk=enterprise.pk)
        status = 422
    else:
        form = NewEnterpriseForm(initial={"province": "甘肃省"})
        status = 200
    return render(request, "enterprises/edit.html", {"form": form, "enterprise": None}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_form(request, pk, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_edit(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    return _staff_form(request, pk, staff_pk)


def _staff_form(request: HttpRequest, pk: int, staff_pk: int | None) -> HttpResponse:
    enterprise = _visible(request, pk)
    staff = get_object_or_404(enterprise.security_staff, pk=staff_pk) if staff_pk is not None else None
    if not _may_prepare(request, enterprise):
        return _prepare_refused(request)
    if request.method == "POST":
        form = SecurityStaffForm(request.POST, instance=staff)
        if form.is_valid():
            try:
                if staff is None:
                    actions.create_security_staff(request.user, enterprise, form.values())
                else:
                    actions.update_security_staff(request.user, staff, form.values())
            except ActionError as exc:
                if (refusal := _refused(request, exc, form)) is not None:
                    return refusal
            else:
                messages.success(request, _("安全责任人已保存。"))
                return redirect("enterprises:detail", pk=enterprise.pk)
        status = 422
    else:
        form = SecurityStaffForm(instance=staff, initial=None if staff else {"insured_province": "甘肃省"})
        status = 200
    return render(
        request,
        "enterprises/staff_form.html",
        {"form": form, "enterprise": enterprise, "staff": staff},
        status=status,
    )


@login_required
@require_POST
def staff_delete(request: HttpRequest, pk: int, staff_pk: int) -> HttpResponse:
    enterprise = _visible(request, pk)
    staff = get_object_or_404(enterprise.security_staff, pk=staff_pk)
    if not _may_prepare(request, enterprise):
        return _prepare_refused(request)
    try:
        actions.delete_security_staff(request.user, staff)
    except ActionError as exc:
        return _refused(request, exc) or _prepare_refused(request)
    messages.success(request, _("安全责任人已删除。"))
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def violation_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible(request, pk)
    if not _may_prepare(request, enterprise):
        return _prepare_refused(request)
    if request.method == "POST":
        form = ViolationForm(request.POST)
        if form.is_valid():
            try:
                actions.create_violation(request.user, enterprise, form.values())
            except ActionError as exc:
                if (refusal := _refused(request, exc, form)) is not None:
                    return refusal
            else:
                messages.success(request, _("违规记录已保存。"))
                return redirect("enterprises:detail", pk=enterprise.pk)
        status = 422
    else:
        form = ViolationForm()
        status = 200
    return render(
        request, "enterprises/violation_form.html", {"form": form, "enterprise": enterprise}, status=status
    )


@login_required
@require_POST
def violation_delete(request: HttpRequest, pk: int, violation_pk: int) -> HttpResponse:
    enterprise = _visible(request, pk)
    violation = get_object_or_404(enterprise.violations, pk=violation_pk)
    if not _may_prepare(request, enterprise):
        return _prepare_refused(request)
    try:
        actions.delete_violation(request.user, violation)
    except ActionError as exc:
        return _refused(request, exc) or _prepare_refused(request)
    messages.success(request, _("违规记录已删除。"))
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest kept assessment; a POST runs the rule pack now and keeps the result."""
    enterprise = _visible(request, pk)
    error = ""
    if request.method == "POST":
        try:
            run_assessment(request.user, enterprise, lang=current_lang())
        except Forbidden as exc:
            return forbidden(request, exc.message(current_lang()))
        except ProfileError as exc:
            error = _("企业资料有误，无法评估：") + f"{exc.field}：{exc.message(current_lang())}"
        else:
            messages.success(request, _("已按现行规则包完成评估。"))
            return redirect("enterprises:eligibility", pk=enterprise.pk)
    assessment = _latest_assessment(enterprise)
    checks = []
    if assessment is not None:
        for check in assessment.checks():
            checks.append({**check, "status_label": str(STATUS_LABELS.get(check["status"], check["status"]))})
    return render(
        request,
        "enterprises/eligibility.html",
        {
            "enterprise": enterprise,
            "assessment": assessment,
            "checks": checks,
            "license_types": assessment.result.get("license_types", []) if assessment else [],
            "verdict_label": _verdict_label(assessment.verdict) if assessment else "",
            "error": error,
            "may_assess": may_assess(request.user, enterprise),
        },
        status=422 if error else 200,
    )
