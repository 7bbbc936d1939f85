"""Sign-in: Argon2 hashes, one answer for a refusal, sessions that expire, sign-out by POST.

The throttle of repeated failures is in test_signin_throttle.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

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
    assert "用户名或密码不正确" in response.content.decode()
    assert response.context["form"].errors
    unknown = sign_in(client, "nobody-here", "wrong")
    assert unknown.status_code == 200


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
