"""Pages of an enterprise's mandates: the owner grants and revokes, its agencies look.

They live with the enterprises because who may reach a mandate is who may
reach its enterprise (:mod:`icpdesk.enterprises.access`); the URLs stay under
``/accounts/`` beside the user's other pages (see ``icpdesk.urls``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.forms import SCOPE_LABELS, MandateGrantForm
from icpdesk.accounts.models import SCOPE_FIELDS, Mandate
from icpdesk.enterprises import access, actions
from icpdesk.lib.errors import ActionError, Forbidden
from icpdesk.lib.language import current_lang


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "enterprises/forbidden.html", {"message": message}, status=403)


def _scope_labels(mandate: Mandate) -> list[str]:
    return [str(SCOPE_LABELS[name]) for name in SCOPE_FIELDS if getattr(mandate, name)]


def _kind(user: Any) -> str | None:
    org = user.organisation if user.is_authenticated else None
    if org is None or not user.valid_roles():
        return None
    return str(org.kind)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mandates(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    kind = _kind(user)
    if kind == OrgKind.ENTERPRISE:
        return _enterprise_mandates(request, user)
    if kind == OrgKind.AGENCY:
        if request.method == "POST":
            return _forbidden(request, _("代办机构只能查看委托；委托由客户企业的负责人授予和撤销。"))
        held = (
            Mandate.objects.filter(agency=user.organisation, enterprise__in=access.visible_enterprises(user))
            .select_related("enterprise")
            .order_by("enterprise__name", "pk")
        )
        rows = [{"mandate": m, "scopes": _scope_labels(m)} for m in held]
        return render(request, "accounts/mandates_agency.html", {"rows": rows})
    raise Http404


def _enterprise_mandates(request: HttpRequest, user: Any) -> HttpResponse:
    enterprise = access.visible_enterprises(user).first()
    if enterprise is None:
        raise Http404
    owner = access.is_enterprise_owner(user, enterprise)
    form = MandateGrantForm(enterprise=enterprise)
    status = 200
    if request.method == "POST":
        if not owner:
            return _forbidden(request, _("只有企业负责人可以授予或撤销委托。"))
        form = MandateGrantForm(request.POST, enterprise=enterprise)
        if form.is_valid():
            try:
                actions.grant_mandate(user, enterprise, form.cleaned_data["agency"], form.scopes())
            except ActionError as exc:
                if isinstance(exc, Forbidden):
                    return _forbidden(request, exc.message(current_lang()))
                form.add_error(exc.field if exc.field in form.fields else None, exc.message(current_lang()))
            else:
                messages.success(
                    request, _("已向 %(agency)s 授予委托。") % {"agency": form.cleaned_data["agency"].name}
                )
                return redirect("accounts:mandates")
        status = 422
    all_mandates = (
        Mandate.objects.filter(enterprise=enterprise)
        .select_related("agency", "granted_by", "revoked_by")
        .order_by("revoked_at", "-granted_at", "-pk")
    )
    rows = [{"mandate": m, "scopes": _scope_labels(m)} for m in all_mandates]
    return render(
        request,
        "accounts/mandates_enterprise.html",
        {"enterprise": enterprise, "rows": rows, "form": form, "owner": owner},
        status=status,
    )


@login_required
@require_POST
def mandate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    mandate = get_object_or_404(
        Mandate.objects.filter(enterprise__in=access.visible_enterprises(user)).select_related(
            "enterprise", "agency"
        ),
        pk=pk,
    )
    if not access.is_enterprise_owner(user, mandate.enterprise):
        return _forbidden(request, _("只有企业负责人可以授予或撤销委托。"))
    if actions.revoke_mandate(user, mandate):
        messages.success(
            request,
            _("已撤销 %(agency)s 的委托，该机构即刻失去对本企业的访问。") % {"agency": mandate.agency.name},
        )
    else:
        messages.warning(request, _("该委托此前已被撤销。"))
    return redirect("accounts:mandates")
