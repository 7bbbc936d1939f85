"""Every error of the API has one JSON shape: ``{"code", "message", "field", "state"}``.

Messages are in simplified Chinese unless the caller asks for English
(``Accept-Language: en`` or ``?lang=en``). The case actions' errors keep their
own status; ninja's validation and parsing errors are reshaped to name the
field; nothing a client sends becomes a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import get_language
from ninja.errors import AuthenticationError, HttpError, ValidationError

from icpdesk.lib.errors import ActionError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# Body, query and path parameters arrive under these names in ninja's error locations.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
BODY_PARAM = "payload"


def request_lang(request: HttpRequest) -> str:
    """``en`` or ``zh-hans``: ``?lang=`` first, then the language the locale middleware chose."""
    asked = request.GET.get("lang", "") if hasattr(request, "GET") else ""
    lang = asked or get_language() or "zh-hans"
    return "en" if lang.lower().startswith("en") else "zh-hans"


def pick(request: HttpRequest, zh: str, en: str) -> str:
    return en if request_lang(request) == "en" else zh


def error_body(
    code: str, message: str, field: str | None = None, state: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, "state": state, **extra}


def action_error_response(api: NinjaAPI, request: HttpRequest, exc: ActionError) -> HttpResponse:
    state = exc.extra.get("state")
    extra = {k: v for k, v in exc.extra.items() if k != "state"}
    body = error_body(
        exc.code,
        exc.message(request_lang(request)),
        exc.field,
        str(state) if state is not None else None,
        **extra,
    )
    return api.create_response(request, body, status=exc.status)


def field_name(loc: Sequence[Any]) -> str:
    """``["body", "payload", "items", 0, "reason"]`` → ``items[0].reason``."""
    parts = list(loc)
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts.pop(0)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


_TYPE_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("必须填写", "is required"),
    "int_parsing": ("须为整数", "must be an integer"),
    "int_type": ("须为整数", "must be an integer"),
    "int_from_float": ("须为整数", "must be an integer"),
    "bool_parsing": ("须为 true 或 false", "must be true or false"),
    "bool_type": ("须为 true 或 false", "must be true or false"),
    "string_type": ("须为文本", "must be a string"),
    "date_from_datetime_parsing": ("须为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_parsing": ("须为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_type": ("须为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "list_type": ("须为列表", "must be a list"),
    "dict_type": ("须为对象", "must be an object"),
    "model_type": ("须为对象", "must be an object"),
    "model_attributes_type": ("须为对象", "must be an object"),
    "greater_than_equal": ("数值过小", "is too small"),
    "greater_than": ("数值过小", "is too small"),
    "less_than_equal": ("数值过大", "is too large"),
    "less_than": ("数值过大", "is too large"),
    "string_too_long": ("过长", "is too long"),
    "string_too_short": ("过短", "is too short"),
    "too_long": ("条目过多", "has too many entries"),
    "literal_error": ("取值无效", "is not one of the allowed values"),
    "enum": ("取值无效", "is not one of the allowed values"),
    "extra_forbidden": ("不是可接受的字段", "is not an accepted field"),
}


def _describe(error: dict[str, Any], lang: str) -> dict[str, str]:
    field = field_name(error.get("loc", ()))
    zh, en = _TYPE_MESSAGES.get(str(error.get("type", "")), ("取值无效", "is not valid"))
    if lang == "en":
        return {"field": field, "message": f"{field} {en}."}
    return {"field": field, "message": f"字段“{field}”{zh}。"}


def validation_error_response(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    lang = request_lang(request)
    errors = [_describe(e, lang) for e in _as_dicts(exc.errors)]
    first = (
        errors[0] if errors else {"field": "body", "message": pick(request, "请求无效。", "Invalid request.")}
    )
    body = error_body("invalid_input", first["message"], first["field"], errors=errors)
    return api.create_response(request, body, status=422)


def _as_dicts(errors: Iterable[Any]) -> list[dict[str, Any]]:
    return [e for e in errors if isinstance(e, dict)]


def http_error_response(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        body = error_body(
            "unauthenticated",
            pick(
                request,
                "需要有效的 API 令牌（Authorization: Bearer …）或已登录的会话。",
                "A valid API token (Authorization: Bearer …) or a signed-in session is required.",
            ),
        )
        response = api.create_response(request, body, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="icpdesk"'
        return response
    if exc.status_code == 400:
        body = error_body(
            "malformed_request",
            pick(request, "请求正文不是有效的 JSON。", "The request body is not valid JSON."),
            "body",
        )
        return api.create_response(request, body, status=400)
    if exc.status_code == 403:
        body = error_body(
            "csrf_failed" if "CSRF" in exc.message else "forbidden",
            pick(request, "请求被拒绝（CSRF 校验未通过）。", "Refused: the CSRF check failed.")
            if "CSRF" in exc.message
            else pick(request, "无权执行该操作。", "You may not do this."),
        )
        return api.create_response(request, body, status=403)
    body = error_body("error", exc.message)
    return api.create_response(request, body, status=exc.status_code)


def body_error_response(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body the desk will not read: too big or too many parts (413), or not parseable (400)."""
    if isinstance(exc, RequestDataTooBig):
        body = error_body(
            "too_large",
            pick(
                request,
                "请求正文过大（文件以外的内容最多 5 MB）。",
                "The request body is too large (at most 5 MB besides files).",
            ),
            "body",
        )
        return api.create_response(request, body, status=413)
    if isinstance(exc, TooManyFilesSent):
        body = error_body(
            "too_large",
            pick(
                request, "一次上传的文件过多（最多 100 个）。", "Too many files in one request (at most 100)."
            ),
            "file",
        )
        return api.create_response(request, body, status=413)
    if isinstance(exc, TooManyFieldsSent):
        body = error_body(
            "too_large",
            pick(request, "表单字段过多（最多 1000 个）。", "Too many form fields (at most 1,000)."),
            "body",
        )
        return api.create_response(request, body, status=413)
    body = error_body(
        "malformed_request",
        pick(
            request,
            "请求正文无法解析（multipart 正文须有 boundary 且格式完整）。",
            "The request body cannot be parsed (a multipart body needs a boundary and complete parts).",
        ),
        "body",
    )
    return api.create_response(request, body, status=400)


# Responses every operation that takes a body can give, whatever its own list says.
BODY_RESPONSES = {
    "400": "The body cannot be parsed (malformed JSON or multipart).",
    "413": "The body is too large, or has too many files or fields.",
}


def document_body_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the 400 and 413 answers (in the error shape) to every operation with a request body."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in BODY_RESPONSES.items():
                if int(status) in responses:
                    # ninja keys the operation's own answers by int: one key per status in the JSON.
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                        },
                    },
                )
    return schema


def not_found_body(request: HttpRequest) -> dict[str, Any]:
    return error_body("not_found", pick(request, "没有找到。", "Not found."))


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the one shape."""

    def on_action_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return action_error_response(api, request, exc)

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return validation_error_response(api, request, exc)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return http_error_response(api, request, exc)

    def on_body_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return body_error_response(api, request, exc)

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, not_found_body(request), status=404)

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        body = error_body("server_error", pick(request, "服务器内部错误。", "Internal server error."))
        return api.create_response(request, body, status=500)

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(ActionError, on_action_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    for body_error in (
        RequestDataTooBig,
        TooManyFilesSent,
        TooManyFieldsSent,
        MultiPartParserError,
        UnreadablePostError,
    ):
        api.add_exception_handler(body_error, on_body_error)
