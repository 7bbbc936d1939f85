"""The sign-in throttle: per user name and client address together, with one answer for every refusal."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, Personas
from tests.hashers import FastArgon2PasswordHasher

LOGIN = "/accounts/login/"
STRANGER = "203.0.113.9"
HOME = "198.51.100.7"
REFUSED = "用户名或密码不正确"


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client: Client, username: str, times: int, **extra: Any) -> None:
    for _attempt in range(times):
        assert sign_in(client, username, "wrong-password", **extra).status_code == 200


def page_text(response: Any, username: str) -> str:
    """The answer's body without what differs by design: the CSRF token and the name typed back."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return body.replace(f'value="{username}"', 'value=""')


class CountingHasher(FastArgon2PasswordHasher):
    """The suite's fast hasher, counting the passwords it hashes and checks."""

    calls: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls.append("encode")
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.calls.append("verify")
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings: Any) -> list[str]:
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signin_throttle.CountingHasher"]
    CountingHasher.calls.clear()
    return CountingHasher.calls


@pytest.mark.django_db
def test_a_strangers_failures_do_not_lock_the_user_out_from_their_address(personas: Personas) -> None:
    assert settings.LOCKOUT_FAILURES == 5
    stranger = Client(REMOTE_ADDR=STRANGER)
    fail(stranger, "applicant", settings.LOCKOUT_FAILURES + 2)

    # The stranger's address is throttled for this name, even with the right password...
    refused = sign_in(stranger, "applicant", PASSWORD)
    assert refused.status_code == 200
    assert "_auth_user_id" not in stranger.session
    # ...but the user signs in from their own address.
    user = Client(REMOTE_ADDR=HOME)
    assert sign_in(user, "applicant", PASSWORD).status_code == 302
    assert user.get("/enterprises/").status_code == 200
    # And another name from the stranger's address is not throttled either.
    assert sign_in(Client(REMOTE_ADDR=STRANGER), "member", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_throttled_known_name_and_an_unknown_name_get_the_same_answer(personas: Personas) -> None:
    client = Client(REMOTE_ADDR=STRANGER)
    fail(client, "applicant", settings.LOCKOUT_FAILURES)
    fail(client, "nobody-here", settings.LOCKOUT_FAILURES)

    known = sign_in(client, "applicant", PASSWORD)  # the right password, refused while throttled
    unknown = sign_in(client, "nobody-here", PASSWORD)
    assert known.status_code == unknown.status_code == 200
    assert page_text(known, "applicant") == page_text(unknown, "nobody-here")
    assert REFUSED in known.content.decode()
    assert "锁定" not in known.content.decode()

    # It is also the answer to a plain wrong password for a name that is not throttled.
    wrong = sign_in(Client(REMOTE_ADDR=HOME), "member", "wrong-password")
    assert wrong.status_code == 200
    assert page_text(wrong, "member") == page_text(known, "applicant")


@pytest.mark.django_db
def test_the_refusal_is_in_english_for_an_english_reader(personas: Personas) -> None:
    client = Client(REMOTE_ADDR=STRANGER, HTTP_ACCEPT_LANGUAGE="en")
    fail(client, "applicant", settings.LOCKOUT_FAILURES, HTTP_ACCEPT_LANGUAGE="en")
    body = sign_in(client, "applicant", PASSWORD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The user name or password is not correct" in body
    assert REFUSED not in body


@pytest.mark.django_db
def test_the_password_hasher_runs_for_unknown_and_throttled_names(
    personas: Personas, counting_hasher: list[str]
) -> None:
    client = Client(REMOTE_ADDR=STRANGER)
    sign_in(client, "applicant", "wrong-password")
    assert counting_hasher == ["verify"]  # a known name: its hash is checked

    counting_hasher.clear()
    sign_in(client, "nobody-here", "wrong-password")
    assert counting_hasher == ["encode"]  # an unknown name: a password is hashed all the same

    fail(client, "applicant", settings.LOCKOUT_FAILURES)
    fail(client, "nobody-here", settings.LOCKOUT_FAILURES)
    for name in ("applicant", "nobody-here"):
        counting_hasher.clear()
        sign_in(client, name, PASSWORD)
        assert counting_hasher == ["encode"], name  # throttled: hashed, not checked


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings: Any, personas: Personas) -> None:
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    stranger = Client(**proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    fail(stranger, "applicant", settings.LOCKOUT_FAILURES)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}
    assert sign_in(stranger, "applicant", PASSWORD).status_code == 200  # throttled

    # Every visitor arrives from the proxy, but only the stranger is throttled.
    user = Client(**proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert sign_in(user, "applicant", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_forwarded_address_is_ignored(personas: Personas) -> None:
    assert settings.TRUSTED_PROXIES == 0
    for n in range(settings.LOCKOUT_FAILURES):
        forged = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
        sign_in(forged, "applicant", "wrong-password")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}
    again = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert sign_in(again, "applicant", PASSWORD).status_code == 200  # still the same address


@pytest.mark.django_db
def test_the_throttle_passes_after_the_cool_off(personas: Personas) -> None:
    client = Client(REMOTE_ADDR=STRANGER)
    fail(client, "applicant", settings.LOCKOUT_FAILURES)
    assert sign_in(client, "applicant", PASSWORD).status_code == 200
    assert timedelta(minutes=settings.LOCKOUT_MINUTES) == settings.AXES_COOLOFF_TIME

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES, seconds=1)
    )
    assert sign_in(client, "applicant", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_starts_the_count_afresh(personas: Personas) -> None:
    client = Client(REMOTE_ADDR=HOME)
    fail(client, "applicant", settings.LOCKOUT_FAILURES - 1)
    assert sign_in(client, "applicant", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="applicant").exists()
    client.post("/accounts/logout/")
    fail(client, "applicant", settings.LOCKOUT_FAILURES - 1)
    assert sign_in(client, "applicant", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_sign_in_without_a_request_is_not_counted(personas: Personas) -> None:
    from django.contrib.auth import authenticate

    assert authenticate(username="applicant", password=PASSWORD) == personas.applicant
    assert authenticate(username="applicant", password="wrong-password") is None
    assert not AccessAttempt.objects.exists()
