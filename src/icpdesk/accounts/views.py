"""Pages of the signed-in user: sign-in and API tokens.

The mandate pages are in ``icpdesk.enterprises.mandates``: who reaches a
mandate is who reaches its enterprise.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts import actions
from icpdesk.accounts.forms import DeskAuthenticationForm, TokenForm
from icpdesk.accounts.models import ApiToken
from icpdesk.lib.errors import ActionError
from icpdesk.lib.language import current_lang


class DeskLoginView(auth_views.LoginView):
    """Sign-in that tells a locked-out user until when (the backend raises, the form explains)."""

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
    if actions.revoke_api_token(user, token):
        messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("accounts:tokens")
