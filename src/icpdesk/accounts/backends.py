"""Sign-in with lockout: repeated failures lock an account for a while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from icpdesk.accounts.models import User


class AccountLocked(PermissionDenied):
    def __init__(self, until: Any) -> None:
        self.until = until
        super().__init__(f"account locked until {until}")


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is not None and user.is_locked():
            # PermissionDenied stops the other backends and fails the sign-in.
            if request is not None:
                request.icpdesk_locked_until = user.locked_until  # type: ignore[attr-defined]
            raise AccountLocked(user.locked_until)
        authenticated = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            if authenticated is None:
                record_failure(user)
            elif user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        return authenticated


def record_failure(user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.LOCKOUT_FAILURES:
        until = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
