"""The id of the request being served, kept for the actions' change records.

The middleware takes the caller's ``X-Request-ID`` when it looks like an id
(a proxy or a client that sets it can then find its records) and makes one
otherwise; it returns the id in the response's ``X-Request-ID``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits and ._:- only, up to 64: what fits the column and is safe in a log line.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

_current: ContextVar[str] = ContextVar("icpdesk_request_id", default="")


def current_request_id() -> str:
    """The id of the request this code serves; ``""`` outside a request (a command, a worker)."""
    return _current.get()


def is_sane(value: str) -> bool:
    return bool(_SANE.fullmatch(value))


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "").strip()
        request_id = given if is_sane(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response
