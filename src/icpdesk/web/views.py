"""Views of the public part of the desk."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public front page; a signed-in user of an organisation goes to their work queue."""
    if request.user.is_authenticated and getattr(request.user, "organisation_id", None):
        return redirect("cases:queue")
    return render(request, "web/home.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
