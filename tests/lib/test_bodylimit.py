"""An oversized body is refused from its declared length, before it is read."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory

from icpdesk.lib.bodylimit import BodyLimitMiddleware, LimitedUploadHandler, body_limit


class Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def _never_called(request: Any) -> Any:
    raise AssertionError("the view was called")


def test_a_declared_200_mb_upload_is_413_without_reading_it(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    request = RequestFactory().post(
        "/api/v1/cases/1/materials/business_license/versions",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    request.META["wsgi.input"] = Unreadable()
    response = BodyLimitMiddleware(_never_called)(request)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    body = json.loads(response.content)
    assert body["code"] == "too_large"
    assert body["message"] == "The request body is too large: an uploaded file may be at most 20 MB."


def test_a_page_gets_the_refusal_in_its_language(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    request = RequestFactory().post(
        "/cases/1/materials/business_license/upload/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(21 * 1024 * 1024 + 1024 * 1024 + 1),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    response = BodyLimitMiddleware(_never_called)(request)
    assert response.status_code == 413
    assert "20 MB" in response.content.decode() and "上传的文件最大" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_view(settings: Any) -> None:
    request = RequestFactory().post("/api/v1/cases", data=b"{}", content_type="application/json")
    seen = []
    response = BodyLimitMiddleware(lambda r: seen.append(r) or "ok")(request)  # type: ignore[arg-type,func-returns-value]
    assert seen and response == "ok"


def test_a_chunked_upload_stops_once_over_the_limit(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    handler = LimitedUploadHandler()
    chunk = b"x" * 65536
    received = 0
    with pytest.raises(RequestDataTooBig):
        while True:
            handler.receive_data_chunk(chunk, received)
            received += len(chunk)
    assert received <= body_limit()
