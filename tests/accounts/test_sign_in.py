"""Sign-in: Argon2 hashes, lockout after repeated failures, sessions that expire, sign-out by POST."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from icpdesk.accounts.models import User
from tests.factories import PASSWORD, Personas

LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_passwords_are_stored_as_argon2(personas: Personas) -> None:
    user = personas.applicant
    user.set_password("a-brand-new-passphrase-42")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert "a-brand-new-passphrase-42" not in user.password
    assert user.check_password("a-brand-new-passphrase-42")


@pytest.mark.django_db
def test_the_right_password_signs_in(client: Client, personas: Personas) -> None:
    response = sign_in(client, "applicant", PASSWORD)
    assert response.status_code == 302
    assert client.get("/enterprises/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_is_refused_without_saying_more(client: Client, personas: Personas) -> None:
    response = sign_in(client, "applicant", "wrong")
    assert response.status_code == 200
    assert "锁定" not in response.content.decode()
    assert response.context["form"].errors
    unknown = sign_in(client, "nobody-here", "wrong")
    assert unknown.status_code == 200


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_until_the_lock_passes(client: Client, personas: Personas) -> None:
    assert settings.LOCKOUT_FAILURES == 5
    for _attempt in range(settings.LOCKOUT_FAILURES):
        assert sign_in(client, "applicant", "wrong-password").status_code == 200
    user = User.objects.get(username="applicant")
    assert user.is_locked()
    assert user.locked_until is not None
    expected_span = timedelta(minutes=settings.LOCKOUT_MINUTES)
    assert abs(user.locked_until - timezone.now() - expected_span) < timedelta(minutes=1)

    # The right password is refused while locked, with a clear message and no error page.
    response = sign_in(client, "applicant", PASSWORD)
    assert response.status_code == 200
    body = response.content.decode()
    until = timezone.localtime(user.locked_until).strftime("%H:%M")
    assert f"登录失败次数过多，账户已锁定至 {until}" in body
    assert "_auth_user_id" not in client.session
    assert client.get("/enterprises/").status_code == 302

    # Once the lock time has passed, the right password works again and the count starts afresh.
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(client, "applicant", PASSWORD).status_code == 302
    assert client.get("/enterprises/").status_code == 200
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert user.locked_until is None


@pytest.mark.django_db
def test_a_lock_is_per_account(client: Client, personas: Personas) -> None:
    for _attempt in range(settings.LOCKOUT_FAILURES):
        sign_in(client, "applicant", "wrong-password")
    assert sign_in(Client(), "member", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sessions_expire_after_the_configured_age(client: Client, personas: Personas) -> None:
    sign_in(client, "reviewer", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    record = Session.objects.get(session_key=client.session.session_key)
    remaining = record.expire_date - timezone.now()
    assert abs(remaining - timedelta(seconds=settings.SESSION_COOKIE_AGE)) < timedelta(minutes=1)

    # A session past its age no longer signs anyone in.
    Session.objects.filter(pk=record.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_sign_out_is_a_post(client: Client, personas: Personas) -> None:
    sign_in(client, "consultant", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/enterprises/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/enterprises/").status_code == 302


@pytest.mark.django_db
def test_the_sign_in_page_is_in_chinese(client: Client) -> None:
    body = client.get(LOGIN).content.decode()
    assert "登录" in body
    assert "csrfmiddlewaretoken" in body
