"""Pages of the signed-in user: sign-in, two-factor sign-in and API tokens.

The mandate pages are in ``icpdesk.enterprises.mandates``: who reaches a
mandate is who reaches its enterprise.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts import actions, two_factor
from icpdesk.accounts.forms import CodeForm, DeskAuthenticationForm, EnrolCodeForm, TokenForm
from icpdesk.accounts.models import ApiToken
from icpdesk.lib.errors import ActionError
from icpdesk.lib.language import current_lang


class DeskLoginView(auth_views.LoginView):
    """Sign-in by password; the throttle and the second step come after (backends, two_factor)."""

    form_class = DeskAuthenticationForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    issued = ""
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _record, issued = actions.create_api_token(user, form.cleaned_data["name"])
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message(current_lang()))
                status = 422
            else:
                form = TokenForm()
        else:
            status = 422
    else:
        form = TokenForm()
    own = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": own, "issued": issued, "two_factor_on": two_factor.has_two_factor(user)},
        status=status,
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
    if actions.revoke_api_token(user, token):
        messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("accounts:tokens")


# -- two-factor sign-in ----------------------------------------------------------

PENDING_KEY = "icpdesk_totp_pending_key"
NEW_CODES = "icpdesk_recovery_codes"
NEXT = "icpdesk_two_factor_next"


def _next_url(request: HttpRequest, fallback: str = settings.LOGIN_REDIRECT_URL) -> str:
    """Where to go after the second step: the page the user asked for, if it is on this desk."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _code_error(form: CodeForm, exc: ActionError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message(current_lang()))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in of the signed-in user: enrolment with a QR code, or its state and settings."""
    user: Any = request.user
    required = two_factor.requires_two_factor(user)
    status = 200
    if not two_factor.has_two_factor(user):
        key = request.session.get(PENDING_KEY) or two_factor.new_key()
        request.session[PENDING_KEY] = key
        form = EnrolCodeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    device, codes = actions.enable_two_factor(user, key, form.cleaned_data["code"])
                except ActionError as exc:
                    _code_error(form, exc)
                else:
                    django_otp.login(request, device)
                    if not required:
                        request.session[two_factor.OPTED_IN] = True
                    request.session.pop(PENDING_KEY, None)
                    request.session[NEW_CODES] = codes
                    request.session[NEXT] = _next_url(request)
                    return redirect("accounts:two_factor_codes")
            status = 422
        url = two_factor.otpauth_url(key, user.get_username())
        context = {
            "enrolling": True,
            "required": required,
            "form": form,
            "qr": two_factor.qr_svg(url),
            "secret": two_factor.key_base32(key),
            "otpauth": url,
            "next": _next_url(request, ""),
        }
        response = render(request, "accounts/two_factor.html", context, status=status)
        response["Cache-Control"] = "no-store"  # the page shows the secret
        return response

    regenerate = CodeForm(prefix="regenerate")
    disable = CodeForm(prefix="disable")
    if request.method == "POST":
        if "regenerate-code" in request.POST:
            regenerate = CodeForm(request.POST, prefix="regenerate")
            if regenerate.is_valid():
                try:
                    codes = actions.regenerate_recovery_codes(user, regenerate.cleaned_data["code"])
                except ActionError as exc:
                    _code_error(regenerate, exc)
                else:
                    request.session[NEW_CODES] = codes
                    request.session[NEXT] = reverse("accounts:two_factor")
                    return redirect("accounts:two_factor_codes")
        else:
            disable = CodeForm(request.POST, prefix="disable")
            if disable.is_valid():
                try:
                    actions.disable_two_factor(user, disable.cleaned_data["code"])
                except ActionError as exc:
                    _code_error(disable, exc)
                else:
                    request.session.pop(two_factor.OPTED_IN, None)
                    messages.success(request, _("两步验证已关闭。"))
                    return redirect("accounts:two_factor")
        status = 422
    recovery = two_factor.recovery_device(user)
    context = {
        "enrolling": False,
        "required": required,
        "verified": two_factor.is_verified(user),
        "codes_left": recovery.token_set.count() if recovery is not None else 0,
        "regenerate": regenerate,
        "disable": disable,
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: they leave the session as the page is made."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:two_factor")
    onward = request.session.pop(NEXT, None) or settings.LOGIN_REDIRECT_URL
    response = render(request, "accounts/two_factor_codes.html", {"codes": codes, "onward": onward})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user: Any = request.user
    if not two_factor.has_two_factor(user):
        return redirect(
            reverse("accounts:two_factor") + "?" + urlencode({REDIRECT_FIELD_NAME: _next_url(request)})
        )
    if two_factor.is_verified(user):
        return redirect(_next_url(request))
    status = 200
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                device = actions.verify_second_factor(user, form.cleaned_data["code"])
            except ActionError as exc:
                _code_error(form, exc)
            else:
                request.session.cycle_key()
                django_otp.login(request, device)
                return redirect(_next_url(request))
        status = 422
    context = {"form": form, "next": _next_url(request, "")}
    return render(request, "accounts/two_factor_verify.html", context, status=status)
