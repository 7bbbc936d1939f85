"""Views of the public part of the desk."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from icpdesk.accounts.choices import OrgKind, Role


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public front page; a signed-in user of an organisation goes to their work queue.

    The regulator's administrator, who holds no queue, lands on the province's overview.
    """
    if request.user.is_authenticated and getattr(request.user, "organisation_id", None):
        user: Any = request.user
        if user.organisation.kind == OrgKind.REGULATOR and Role.ADMIN in user.valid_roles():
            return redirect("overviews:province")
        return redirect("cases:queue")
    return render(request, "web/home.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
