"""Refuse an oversized request body before reading it.

Django reads a multipart body into upload handlers before any view can look
at the file's size, so a 200 MB upload was received whole before the 20 MB
refusal. :class:`BodyLimitMiddleware` answers 413 from the declared
``Content-Length`` alone; :class:`LimitedUploadHandler` stops a body sent
without one (chunked) once it passes the limit. The reverse proxy in front of
the desk should refuse such bodies even earlier (``client_max_body_size`` in
nginx: see the README).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH"}
# Room for the form fields and multipart boundaries around the largest file.
FORM_OVERHEAD = 1024 * 1024


def body_limit() -> int:
    return int(settings.UPLOAD_MAX_BYTES) + FORM_OVERHEAD


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def too_large_response(request: HttpRequest) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        limit_mb = int(settings.UPLOAD_MAX_BYTES) // (1024 * 1024)
        message = _("请求正文过大：上传的文件最大 %(mb)s MB。") % {"mb": limit_mb}
    if request.path.startswith("/api/"):
        body = {"code": "too_large", "message": message, "field": "file", "state": None}
        return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
    response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    return response


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            length = _declared_length(request)
            if length is not None and length > body_limit():
                # Nothing of the body has been read; the connection is closed
                # after the answer so the client stops sending.
                response = too_large_response(request)
                response["Connection"] = "close"
                return response
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file of a request and stops at the limit."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > body_limit():
            raise RequestDataTooBig("upload over the limit")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
