"""The public license lookup in the JSON API (no sign-in).

Mount it in ``icpdesk/api/main.py`` with::

    from icpdesk.licenses.api import router as licenses_router
    api.add_router("/", licenses_router)

which serves ``GET /api/v1/public/licenses?number=|name=|uscc=``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from icpdesk.lib.clients import client_address
from icpdesk.licenses import lookup

router = Router(tags=["public"])


class LookupQuery(Schema):
    number: str = Field("", max_length=40, description="license number, e.g. 甘B2-20260001")
    name: str = Field("", max_length=200, description="the holder's exact company name")
    uscc: str = Field("", max_length=40, description="the holder's unified social credit code")
    lang: str = Field("", max_length=8, description="en for English messages")


class PublicLicenseOut(Schema):
    number: str
    holder: str
    license_type: str
    license_type_name: str
    service_scope: str
    domains: list[str]
    issued_on: date
    expires_on: date
    state: str
    state_label_zh: str
    state_label_en: str


class LookupOut(Schema):
    count: int
    items: list[PublicLicenseOut]


class LookupErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    state: str | None = None


def _lang(request: HttpRequest, asked: str) -> str:
    lang = asked or get_language() or "zh-hans"
    return "en" if lang.lower().startswith("en") else "zh-hans"


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "field": field, "state": None},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/public/licenses",
    auth=None,
    response={200: LookupOut, 404: LookupErrorOut, 422: LookupErrorOut, 429: LookupErrorOut},
    summary="Check a license (public, no sign-in)",
    description=(
        "Look a license up by number, exact company name or credit code. Rate-limited per client address."
    ),
)
def public_licenses(request: HttpRequest, query: Query[LookupQuery]) -> Any:
    lang = _lang(request, query.lang)
    en = lang == "en"
    wait = lookup.take_token(client_address(request))
    if wait:
        response: HttpResponse = _error(
            429,
            "rate_limited",
            f"Too many lookups; try again in {wait} seconds."
            if en
            else f"查询过于频繁，请 {wait} 秒后再试。",
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        found = lookup.find(query.number, query.name, query.uscc)
    except lookup.LookupError_ as error:
        return _error(422, "invalid_input", error.message(lang), error.field)
    if not found:
        return _error(
            404,
            "not_found",
            "No license matches; check what you typed." if en else "没有找到符合条件的许可证，请核对输入。",
        )
    return {"count": len(found), "items": [item.as_dict() for item in found]}
