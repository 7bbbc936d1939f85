"""The license pages: the list, the e-license and its PDF, annual reports, change filings,
renewal and state changes, and the public verification page.

Views parse forms and call :mod:`icpdesk.licenses.actions`; every query is
scoped by :mod:`icpdesk.cases.access` (through ``visible_licenses``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts.choices import Role, Scope
from icpdesk.cases import access
from icpdesk.lib.clients import client_address
from icpdesk.lib.errors import ActionError, NotFound
from icpdesk.lib.language import current_lang, is_english
from icpdesk.lib.packs import current_pack
from icpdesk.licenses import actions, lookup
from icpdesk.licenses.forms import AnnualReportForm, ChangeFilingForm, DutyFilterForm, ReasonForm, VerifyForm
from icpdesk.licenses.models import AnnualReport, License
from icpdesk.licenses.pdf import license_pdf, verify_url
from icpdesk.licenses.services import duty_filter, visible_licenses

REGULATOR_CHANGES = ("suspend", "reinstate", "revoke", "lapse")


def _today() -> date:
    return timezone.localdate()


def _user(request: HttpRequest) -> Any:
    return request.user


def _load(request: HttpRequest, pk: int) -> License:
    try:
        return actions.load_license(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "HEAD"])
def license_list(request: HttpRequest) -> HttpResponse:
    qs = visible_licenses(request.user).order_by("expires_on", "pk")
    state = request.GET.get("state", "")
    if state in actions.STATE_LABELS:
        qs = qs.filter(state=state)
    duties = DutyFilterForm(request.GET)
    duty_filters: list[str] = []
    if duties.is_valid():
        qs = qs.filter(duty_filter(duties.cleaned_data, _today()))
        duty_filters = [
            f"{duties.fields[name].label}{'' if value is True else f'：{value}'}"
            for name, value in duties.cleaned_data.items()
            if value
        ]
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(
        qs.only(
            "pk", "number", "holder_name", "license_type", "issued_on", "expires_on", "state", "bad_record"
        ),
        50,
    ).get_page(request.GET.get("page"))
    rows = [{"license": lic, "state_label": actions.state_label(lic.state, current_lang())} for lic in page]
    return render(
        request,
        "licenses/list.html",
        {
            "page": page,
            "rows": rows,
            "states": actions.STATE_LABELS,
            "state": state,
            "lang_en": is_english(),
            "duty_filters": duty_filters,
            "query": query.urlencode(),
        },
    )


def _facts_context(license_: License) -> dict[str, Any]:
    pack = current_pack()
    lt = pack.license_types.get(license_.license_type)
    en = is_english()
    return {
        "license_type_name": (lt.name_en if en else lt.name_zh) if lt else license_.license_type,
        "state_label": actions.state_label(license_.state, current_lang()),
        "authority": pack.authority_en if en else pack.authority_zh,
    }


def _render_detail(
    request: HttpRequest,
    license_: License,
    *,
    status: int = 200,
    page_error: str = "",
    reason_form: ReasonForm | None = None,
    change_form: ChangeFilingForm | None = None,
) -> HttpResponse:
    user = request.user
    today = _today()
    holder = license_.holder
    holder_side = access.is_applicant_side(user, holder, Scope.ANNUAL_AND_CHANGES)
    regulator_roles = {
        role
        for role in (Role.REVIEWER, Role.APPROVER)
        if access.has_regulator_role(user, role, license_.province_code)
    }
    state_actions = []
    for name in REGULATOR_CHANGES:
        change = actions.STATE_CHANGES[name]
        allowed = change.actor in regulator_roles if change.actor != "system" else bool(regulator_roles)
        if allowed and license_.state in change.sources:
            state_actions.append(name)
    if access.is_enterprise_owner(user, holder) and license_.state in actions.STATE_CHANGES["cancel"].sources:
        state_actions.append("cancel")
    window = actions.renewal_window(license_)
    context = {
        "license": license_,
        "verify_url": verify_url(license_),
        "events": list(license_.events.select_related("actor").order_by("at", "id")),
        "reports": list(license_.annual_reports.order_by("-year")),
        "filings": list(license_.change_filings.order_by("-filed_on", "-id")),
        "holder_side": holder_side,
        "is_reviewer": Role.REVIEWER in regulator_roles,
        "state_actions": [(name, actions.ACTION_LABELS[name]) for name in state_actions],
        "reason_form": reason_form or ReasonForm(),
        "change_form": change_form or ChangeFilingForm(initial={"happened_on": today}),
        "can_renew": access.is_applicant_side(user, holder, Scope.PREPARE) and license_.state == "valid",
        "renewal": window,
        "renewal_open": window.opens_on <= today <= window.expires_on,
        "renewal_late": today > window.deadline,
        "report_year": actions.owed_report_year(license_, today),
        "page_error": page_error,
        "lang_en": is_english(),
        **_facts_context(license_),
    }
    return render(request, "licenses/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


@login_required
@require_http_methods(["GET", "HEAD"])
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    license_ = _load(request, pk)
    body = license_pdf(license_, _facts_context(license_))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="license-{license_.pk}.pdf"'
    return response


@login_required
@require_POST
def change_state(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    license_ = _load(request, pk)
    if name not in actions.STATE_CHANGES or name == "expire":
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, license_, status=422, reason_form=form)
    if name == "cancel" and request.POST.get("confirm") != "yes":
        # Cancelling cannot be undone: the holder ticks the confirmation first.
        form.add_error(None, _("请勾选确认注销许可证。"))
        return _render_detail(request, license_, status=422, reason_form=form)
    try:
        actions.change_state(
            _user(request), license_, name, reason=form.cleaned_data["reason"], today=_today()
        )
    except ActionError as error:
        if error.status == 404:
            raise Http404 from None
        form.add_action_error(error)
        return _render_detail(
            request, license_, status=error.status, reason_form=form, page_error=error.message(current_lang())
        )
    messages.success(
        request,
        _("许可证状态已变更为“%(state)s”。") % {"state": actions.state_label(license_.state, current_lang())},
    )
    return redirect("licenses:detail", pk=license_.pk)


@login_required
@require_POST
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    license_ = _load(request, pk)
    try:
        application = actions.start_renewal(_user(request), license_, today=_today())
    except ActionError as error:
        if error.status == 404:
            raise Http404 from None
        return _render_detail(
            request, license_, status=error.status, page_error=error.message(current_lang())
        )
    messages.success(request, _("已创建续期申请 %(ref)s。") % {"ref": application.reference})
    return redirect("cases:detail", pk=application.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def annual_report(request: HttpRequest, pk: int) -> HttpResponse:
    license_ = _load(request, pk)
    today = _today()
    year = actions.owed_report_year(license_, today)
    report = AnnualReport.objects.filter(license=license_, year=year).first()
    holder_side = access.is_applicant_side(request.user, license_.holder, Scope.ANNUAL_AND_CHANGES)
    status = 200
    error_message = ""
    if request.method == "POST":
        form = AnnualReportForm(request.POST)
        if form.is_valid():
            submit = "submit" in request.POST
            run = actions.submit_annual_report if submit else actions.save_annual_report
            try:
                report = run(_user(request), license_, year, form.report_data(), today=today)
            except ActionError as error:
                if error.status == 404:
                    raise Http404 from None
                form.add_action_error(error)
                status = error.status
                error_message = error.message(current_lang())
            else:
                messages.success(request, _("年报已提交。") if submit else _("草稿已保存。"))
                return redirect("licenses:annual", pk=license_.pk)
        else:
            status = 422
    else:
        form = AnnualReportForm(initial=AnnualReportForm.initial_from(report))
    from icpdesk.licenses import annual

    opens, closes = annual.window(current_pack(), year + 1)
    return render(
        request,
        "licenses/annual.html",
        {
            "license": license_,
            "year": year,
            "report": report,
            "form": form,
            "holder_side": holder_side,
            "editable": holder_side
            and (report is None or report.state == "draft")
            and license_.state == "valid",
            "opens": opens,
            "closes": closes,
            "page_error": error_message,
        },
        status=status,
    )


@login_required
@require_POST
def file_change(request: HttpRequest, pk: int) -> HttpResponse:
    license_ = _load(request, pk)
    form = ChangeFilingForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, license_, status=422, change_form=form)
    d = form.cleaned_data
    try:
        filing = actions.file_change(
            _user(request), license_, d["kind"], d["after"], d["happened_on"], today=_today()
        )
    except ActionError as error:
        if error.status == 404:
            raise Http404 from None
        form.add_action_error(error)
        return _render_detail(
            request, license_, status=error.status, change_form=form, page_error=error.message(current_lang())
        )
    if filing.late:
        messages.warning(
            request, _("变更已提交，但已超过报送期限 %(due)s。") % {"due": filing.due_on.isoformat()}
        )
    else:
        messages.success(request, _("变更已提交，等待审查。"))
    return redirect("licenses:detail", pk=license_.pk)


@login_required
@require_POST
def review_change(request: HttpRequest, filing_id: int, decision: str) -> HttpResponse:
    try:
        filing = actions.load_filing(request.user, filing_id)
    except NotFound:
        raise Http404 from None
    if decision not in {"acknowledge", "return"}:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        if decision == "acknowledge":
            actions.acknowledge_change(_user(request), filing, today=_today())
        else:
            reason = request.POST.get("reason", "")
            actions.return_change(_user(request), filing, reason=reason, today=_today())
    except ActionError as error:
        if error.status == 404:
            raise Http404 from None
        form.is_valid()
        return _render_detail(
            request,
            filing.license,
            status=error.status,
            reason_form=form,
            page_error=error.message(current_lang()),
        )
    messages.success(request, _("变更已确认。") if decision == "acknowledge" else _("变更已退回。"))
    return redirect("licenses:detail", pk=filing.license_id)


# ------------------------------------------------------------ public check


@require_http_methods(["GET", "HEAD"])
def verify(request: HttpRequest) -> HttpResponse:
    """The public check: no sign-in, nothing personal, rate-limited per client address."""
    asked = any(request.GET.get(k, "").strip() for k in ("number", "name", "uscc"))
    form = VerifyForm(request.GET if asked else None)
    context: dict[str, Any] = {
        "form": form,
        "asked": asked,
        "results": [],
        "error": "",
        "lang_en": is_english(),
    }
    status = 200
    if asked:
        wait = lookup.take_token(client_address(request))
        if wait:
            context["error"] = _("查询过于频繁，请 %(n)s 秒后再试。") % {"n": wait}
            response = render(request, "licenses/verify.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            d = form.cleaned_data
            try:
                context["results"] = lookup.find(d["number"], d["name"], d["uscc"])
            except lookup.LookupError_ as error:
                context["error"] = error.message(current_lang())
                context["error_field"] = error.field
                status = 422
            else:
                if not context["results"]:
                    status = 404
        else:
            status = 422
    return render(request, "licenses/verify.html", context, status=status)
