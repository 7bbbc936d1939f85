"""Pages of the signed-in user: sign-in, the mandates of their enterprise or agency, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk import access
from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.forms import SCOPE_LABELS, DeskAuthenticationForm, MandateGrantForm, TokenForm
from icpdesk.accounts.models import SCOPE_FIELDS, ApiToken, Mandate


class DeskLoginView(auth_views.LoginView):
    """Sign-in that tells a locked-out user until when (the backend raises, the form explains)."""

    form_class = DeskAuthenticationForm
    redirect_authenticated_user = True


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
                with transaction.atomic():
                    Mandate.objects.create(
                        agency=form.cleaned_data["agency"],
                        enterprise=enterprise,
                        granted_by=user,
                        **form.scopes(),
                    )
            except IntegrityError:
                form.add_error("agency", _("该代办机构已持有本企业的有效委托。"))
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
    # A conditional update: two owners revoking at once write one revocation.
    revoked = Mandate.objects.filter(pk=mandate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )
    if revoked:
        messages.success(
            request,
            _("已撤销 %(agency)s 的委托，该机构即刻失去对本企业的访问。") % {"agency": mandate.agency.name},
        )
    else:
        messages.warning(request, _("该委托此前已被撤销。"))
    return redirect("accounts:mandates")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    issued = ""
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _record, issued = ApiToken.issue(user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            status = 422
    else:
        form = TokenForm()
    own = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")
    response = render(
        request, "accounts/tokens.html", {"form": form, "tokens": own, "issued": issued}, status=status
    )
    if issued:
        # The token is on this page once: never cached, never shown again.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    token = get_object_or_404(ApiToken.objects.filter(user=user), pk=pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("accounts:tokens")
