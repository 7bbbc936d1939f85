"""Two-factor sign-in: who needs it, the check after the password, and the TOTP pieces.

Regulator staff (reviewers, inspectors, approvers, the regulator's
administrators) and the desk's administrators (staff and superusers) must sign
in with a code from a TOTP app, or one of their ten recovery codes, after their
password; everyone else may turn it on. A session counts as verified once
django-otp has put the device that accepted a code in it
(:func:`django_otp.login`), and its middleware checks that device on every
request, so a device that is removed stops verifying at once.

:class:`TwoFactorMiddleware` sends a signed-in user who owes the second step
(who must use it, or who turned it on) and has not taken it to the
verification page (or, without a device yet, to enrolment), except for the
pages needed to get there. A call to the API with a bearer token is not a
session and is left to the token; a session call to the API from such a user
counts as not signed in.
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from icpdesk.accounts.choices import Role
from icpdesk.crypto import digest

REGULATOR_ROLES = frozenset({Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.ADMIN})
RECOVERY_CODES = 10
TOTP_DEVICE_NAME = "totp"
RECOVERY_DEVICE_NAME = "recovery"

# The pages a user who owes the second step may still reach: signing in and out,
# the two-factor pages themselves, the language switch and the public pages.
OPEN_PAGES = frozenset(
    {
        "web:login",
        "web:logout",
        "web:home",
        "web:healthz",
        "set_language",
        "licenses:verify",
        "accounts:two_factor",
        "accounts:two_factor_verify",
        "accounts:two_factor_codes",
        "admin:login",
        "admin:logout",
    }
)


def requires_two_factor(user: Any) -> bool:
    """Regulator staff and administrators must sign in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(REGULATOR_ROLES.intersection(getattr(user, "roles", None) or ()))


# Set at sign-in for a user who turned two-factor sign-in on without having to:
# their session owes the second step too (read from the session, so the pages
# of everyone else cost no query for it).
OPTED_IN = "icpdesk_two_factor_opted_in"


def note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in (``user_logged_in``): whether this session owes a second step the user chose."""
    if request is None or not hasattr(request, "session") or requires_two_factor(user):
        return
    if has_two_factor(user):
        request.session[OPTED_IN] = True
    else:
        request.session.pop(OPTED_IN, None)


def owes_second_step(request: HttpRequest) -> bool:
    """Whether the signed-in user of ``request`` must still enter a code."""
    user: Any = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    if not (requires_two_factor(user) or request.session.get(OPTED_IN)):
        return False
    return not is_verified(user)


def is_verified(user: Any) -> bool:
    """Whether this request's session was verified with a second factor (django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()
    )
    return device


def recovery_device(user: Any) -> StaticDevice | None:
    device: StaticDevice | None = (
        StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


def has_two_factor(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


# -- TOTP keys and codes -------------------------------------------------------


def new_key() -> str:
    """A new TOTP secret: 20 random bytes, hex-encoded as django-otp stores them."""
    return secrets.token_hex(20)


def key_base32(key_hex: str) -> str:
    """The secret as an authenticator app takes it by hand (base32, in groups of four)."""
    text = b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_url(key_hex: str, username: str) -> str:
    issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "icpdesk")).replace(":", "")
    params = urlencode(
        {
            "secret": b32encode(unhexlify(key_hex)).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": 6,
            "period": 30,
        }
    )
    label = f"{issuer}:{username}".replace("/", "")
    return f"otpauth://totp/{label}?{params}"


def qr_svg(url: str) -> str:
    """The enrolment QR code as inline SVG (nothing is fetched from elsewhere)."""
    svg: str = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1f2933", light="#ffffff")
    return svg


def totp_now(key_hex: str, *, at: float | None = None) -> str:
    """The six-digit code of a key at a moment (now by default)."""
    totp = TOTP(unhexlify(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def matching_step(key_hex: str, code: str, *, tolerance: int = 1) -> int | None:
    """The time step whose code ``code`` is (within ``tolerance`` steps of now), else ``None``."""
    code = normalise_code(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance):
        return None
    step: int = totp.t()
    return step


def normalise_code(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case."""
    return "".join((code or "").split()).replace("-", "").lower()


def new_recovery_codes() -> list[str]:
    """Ten one-time codes, shown as two groups of five letters and digits."""
    codes = []
    for _ in range(RECOVERY_CODES):
        text = b32encode(secrets.token_bytes(10)).decode().lower()[:10]
        codes.append(f"{text[:5]}-{text[5:]}")
    return codes


def recovery_token(code: str) -> str:
    """What a recovery code is stored as: a digest, so the database does not hold the codes."""
    return digest("icpdesk-recovery:" + normalise_code(code))[:16]


def verify_code(user: Any, code: str) -> TOTPDevice | StaticDevice | None:
    """The device of ``user`` that accepts ``code``: the TOTP app's code, or a recovery code (used up).

    django-otp verifies under a row lock, refuses a TOTP code of a time step
    already used, and backs off after wrong codes.
    """
    code = normalise_code(code)
    if not code or len(code) > 32:
        return None
    if code.isdigit():
        device = totp_device(user)
        if device is not None and django_otp.verify_token(user, device.persistent_id, code) is not None:
            return device
        return None
    recovery = recovery_device(user)
    if recovery is not None and django_otp.verify_token(user, recovery.persistent_id, recovery_token(code)):
        return recovery
    return None


def seconds_to_wait(user: Any) -> int:
    """How long the user must wait after too many wrong codes (0: not at all)."""
    for device in (totp_device(user), recovery_device(user)):
        if device is None:
            continue
        allowed, details = device.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until")
            if locked_until is None:
                return 1
            return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return 0


# -- the check after the password ---------------------------------------------


def _bearer(request: HttpRequest) -> bool:
    return str(request.META.get("HTTP_AUTHORIZATION", "")).lower().startswith("bearer ")


def _page_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    name: str = match.view_name
    return name


class TwoFactorMiddleware:
    """Sends regulator staff and administrators who have not taken the second step to take it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _bearer(request):
            return self.get_response(request)
        if not owes_second_step(request):
            return self.get_response(request)
        user: Any = request.user
        if request.path_info.startswith("/api/"):
            # The API answers this session as it answers no session (401 in its own shape).
            request.user = AnonymousUser()
            return self.get_response(request)
        if _page_name(request) in OPEN_PAGES or request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        page = "accounts:two_factor_verify" if has_two_factor(user) else "accounts:two_factor"
        return redirect(reverse(page) + "?" + urlencode({"next": request.get_full_path()}))
