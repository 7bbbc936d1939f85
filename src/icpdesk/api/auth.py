"""Who is calling: a bearer token (``Authorization: Bearer icpd_...``) or the browser's session.

Tokens are looked up by their SHA-256 only; revoked or expired tokens, and
tokens of inactive users, are refused. ``last_used_at`` is written at most once
a minute so a busy client does not turn every read into a write.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from icpdesk.accounts.models import ApiToken, User

LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` checked against :class:`ApiToken`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > 200:
            return None
        record = (
            ApiToken.objects.select_related("user", "user__organisation")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True)
            .first()
        )
        if record is None or not record.active or not record.user.is_active:
            return None
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        user = record.user
        request.user = user
        return user


class DeskSessionAuth(SessionAuth):
    """The signed-in browser (the interactive docs), with Django's CSRF check on changes.

    The CSRF check runs only for a signed-in session, so a call with neither a
    token nor a session is a plain 401, not a CSRF failure.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def current_user(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user
