"""One action per write of a user's own settings: API tokens and two-factor sign-in.

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
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from icpdesk.accounts import two_factor
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


# -- two-factor sign-in ----------------------------------------------------------
#
# The TOTP secret is never recorded, nor the recovery codes: only that two-factor
# sign-in was turned on or off, and when recovery codes were issued or one was used.


def _check_code(owner: User, code: str) -> Any:
    """The device (TOTP or recovery) that accepts ``code`` for ``owner``, or refuse naming the field.

    Called outside the writing transaction: a wrong code counts towards the
    device's back-off even though the refusal rolls the write back.
    """
    wait = two_factor.seconds_to_wait(owner)
    if wait:
        raise InvalidInput(
            f"验证码错误次数过多，请 {wait} 秒后再试。",
            f"Too many wrong codes: try again in {wait} seconds.",
            field="code",
        )
    device = two_factor.verify_code(owner, code)
    if device is None:
        raise InvalidInput(
            "验证码不正确或已使用，请输入验证器应用中当前的 6 位验证码或一个未使用的恢复码。",
            "The code is wrong or was used already: enter the app's current 6-digit code or an unused"
            " recovery code.",
            field="code",
        )
    return device


def _issue_recovery_codes(owner: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=owner, name=two_factor.RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = two_factor.new_recovery_codes()
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=two_factor.recovery_token(code)) for code in codes]
    )
    return codes


@transaction.atomic
def enable_two_factor(user: User | Any, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn on two-factor sign-in with the TOTP secret the user's app was given, confirmed by its code.

    Returns the device and the ten recovery codes, which are shown once and kept only as digests.
    """
    owner = _signed_in(user)
    User.objects.select_for_update().filter(pk=owner.pk).first()  # one enrolment at a time
    if two_factor.has_two_factor(owner):
        raise InvalidInput(
            "两步验证已开启；如需更换验证器，请先关闭再重新开启。",
            "Two-factor sign-in is on already; to change the app, turn it off and on again.",
            field="code",
        )
    if not key or len(key) != 40 or any(c not in "0123456789abcdef" for c in key):
        raise InvalidInput(
            "密钥已失效，请重新打开本页获取新的密钥。",
            "The secret has expired: open this page again for a new one.",
            field="code",
        )
    step = two_factor.matching_step(key, code)
    if step is None:
        raise InvalidInput(
            "验证码不正确：请输入验证器应用中当前显示的 6 位数字，并确认手机时间准确。",
            "The code is wrong: enter the 6 digits the app shows now, and check the phone's clock.",
            field="code",
        )
    device = TOTPDevice.objects.create(
        user=owner, name=two_factor.TOTP_DEVICE_NAME, key=key, confirmed=True, last_t=step
    )
    codes = _issue_recovery_codes(owner)
    note_change(
        owner,
        owner,
        "two_factor.enable",
        {"two_factor": False},
        {"two_factor": True, "recovery_codes": len(codes)},
        organisation=owner.organisation,
        label=owner.get_username(),
    )
    return device, codes


def regenerate_recovery_codes(user: User | Any, code: str) -> list[str]:
    """Ten new recovery codes in place of the old ones, confirmed by a current code."""
    owner = _signed_in(user)
    if not two_factor.has_two_factor(owner):
        raise InvalidInput("尚未开启两步验证。", "Two-factor sign-in is not on.", field="code")
    _check_code(owner, code)
    with transaction.atomic():
        return _replace_recovery_codes(owner)


def _replace_recovery_codes(owner: User) -> list[str]:
    codes = _issue_recovery_codes(owner)
    note_change(
        owner,
        owner,
        "two_factor.recovery_codes",
        {},
        {"recovery_codes": len(codes)},
        organisation=owner.organisation,
        label=owner.get_username(),
    )
    return codes


def disable_two_factor(user: User | Any, code: str) -> None:
    """Turn two-factor sign-in off, confirmed by a current code; refused where it is required."""
    owner = _signed_in(user)
    if two_factor.requires_two_factor(owner):
        raise Forbidden(
            "监管人员和管理员必须使用两步验证，不能关闭。",
            "Regulator staff and administrators must use two-factor sign-in; it cannot be turned off.",
            field="code",
        )
    if not two_factor.has_two_factor(owner):
        raise InvalidInput("尚未开启两步验证。", "Two-factor sign-in is not on.", field="code")
    _check_code(owner, code)
    with transaction.atomic():
        _remove_devices(owner)


def _remove_devices(owner: User) -> None:
    TOTPDevice.objects.filter(user=owner).delete()
    StaticDevice.objects.filter(user=owner).delete()
    note_change(
        owner,
        owner,
        "two_factor.disable",
        {"two_factor": True},
        {"two_factor": False},
        organisation=owner.organisation,
        label=owner.get_username(),
    )


def verify_second_factor(user: User | Any, code: str) -> Any:
    """The second step of signing in: the device that accepts ``code``; a recovery code is used up.

    Using a recovery code is recorded (with how many are left), a TOTP code is not.
    """
    owner = _signed_in(user)
    device = _check_code(owner, code)
    if isinstance(device, StaticDevice):
        with transaction.atomic():
            _note_recovery_code_used(owner, device)
    return device


def _note_recovery_code_used(owner: User, device: StaticDevice) -> None:
    left = device.token_set.count()
    note_change(
        owner,
        owner,
        "two_factor.recovery_code_used",
        {},
        {"recovery_codes_left": left},
        organisation=owner.organisation,
        label=owner.get_username(),
    )
