"""``/api/v1/``: the ninja API, the docs' own assets, and a JSON 404 for anything else."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path

from icpdesk.api.docs import docs_asset
from icpdesk.api.errors import not_found_body
from icpdesk.api.main import api


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(not_found_body(request), status=404, json_dumps_params={"ensure_ascii": False})


urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("v1/", api.urls),
    path("v1/<path:rest>", not_found),
]
