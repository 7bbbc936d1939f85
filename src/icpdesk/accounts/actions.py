"""One action per write of a user's own settings: API tokens.

Each is atomic, refuses what the user may not do, and keeps one change record
per write. The accounts app sits below the change log in the layers, so it
records through :func:`icpdesk.lib.changelog.note_change` (the changes app
keeps the record in the same transaction). A token's secret is never recorded:
only its name and expiry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from icpdesk.accounts.models import ApiToken, User
from icpdesk.lib.changelog import note_change
from icpdesk.lib.errors import Forbidden, InvalidInput, NotFound

TOKEN_DAYS = 365
TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length or 100


def _signed_in(user: User | Any) -> User:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Forbidden("请先登录。", "Sign in first.")
    signed_in: User = user
    return signed_in


def _token_label(token: ApiToken) -> str:
    return f"{token.name} ({token.prefix}…)"


@transaction.atomic
def create_api_token(user: User | Any, name: str, *, days: int | None = TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new bearer token of the user; returns it with its secret, which is shown once and kept nowhere."""
    owner = _signed_in(user)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写令牌名称", "Give the token a name.", field="name")
    if len(name) > TOKEN_NAME_MAX:
        raise InvalidInput(
            f"令牌名称最多 {TOKEN_NAME_MAX} 个字符",
            f"The name has at most {TOKEN_NAME_MAX} characters.",
            field="name",
        )
    token, secret = ApiToken.issue(owner, name, days=days)
    note_change(
        owner,
        token,
        "api_token.create",
        {},
        {"name": token.name, "expires_at": token.expires_at.isoformat() if token.expires_at else None},
        organisation=owner.organisation,
        label=_token_label(token),
    )
    return token, secret


@transaction.atomic
def revoke_api_token(user: User | Any, token: ApiToken) -> bool:
    """Revoke one of the user's own tokens; ``False`` when it was revoked already (nothing is written)."""
    owner = _signed_in(user)
    if token.user_id != owner.pk:
        raise NotFound("没有找到该令牌。", "No such token.")
    now = timezone.now()
    # Conditional: of two revocations at once, one is written and recorded.
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    token.revoked_at = now
    note_change(
        owner,
        token,
        "api_token.revoke",
        {"revoked_at": None},
        {"revoked_at": now.isoformat()},
        organisation=owner.organisation,
        label=_token_label(token),
    )
    return True
