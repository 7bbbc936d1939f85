"""The "scan now" buttons: parse, call one action, go back to the page the button is on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from icpdesk.lib.errors import ActionError, NotFound
from icpdesk.lib.language import current_lang
from icpdesk.monitoring import services


@login_required
@require_POST
def scan_license(request: HttpRequest, pk: int) -> HttpResponse:
    back = reverse("licenses:detail", args=[pk]) + "#site-scans"
    try:
        services.request_license_scan(request.user, pk)
    except NotFound:
        raise Http404 from None
    except ActionError as error:
        messages.error(request, error.message(current_lang()))
        return redirect(back)
    messages.success(request, _("已开始检测网站，结果稍后显示在本页。"))
    return redirect(back)


@login_required
@require_POST
def scan_case(request: HttpRequest, pk: int) -> HttpResponse:
    back = reverse("cases:detail", args=[pk]) + "#site-scan"
    try:
        services.request_case_scan(request.user, pk)
    except NotFound:
        raise Http404 from None
    except ActionError as error:
        messages.error(request, error.message(current_lang()))
        return redirect(back)
    messages.success(request, _("已开始检测网站，结果稍后显示在本页。"))
    return redirect(back)
