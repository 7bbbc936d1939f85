"""Two-factor sign-in: required for regulator staff and administrators, optional for everyone else."""

from __future__ import annotations

import re
from binascii import unhexlify
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from icpdesk.accounts import actions
from icpdesk.accounts.views import PENDING_KEY
from icpdesk.changes.models import ChangeRecord
from icpdesk.lib.errors import Forbidden, InvalidInput
from tests.factories import PASSWORD, Personas, make_user

LOGIN = "/accounts/login/"
ENROL = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"
CODES = "/accounts/two-factor/codes/"


@pytest.fixture(autouse=True)
def no_back_off(settings: Any) -> None:
    """A wrong code then the right one in the same second: the back-off has its own test."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(key_hex: str) -> str:
    """The code an authenticator app with this secret shows now."""
    return f"{totp(unhexlify(key_hex), step=30, t0=0, digits=6):06d}"


def password_sign_in(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(client: Client) -> tuple[str, list[str]]:
    """Enrol through the page: read the secret it shows, confirm with the code; the recovery codes."""
    page = client.get(ENROL)
    assert page.status_code == 200
    key = client.session[PENDING_KEY]
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode())
    assert shown is not None
    done = client.post(ENROL, {"code": code_for(key)})
    assert done.status_code == 302
    assert done["Location"] == CODES
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", client.get(CODES).content.decode())
    return key, codes


def test_a_reviewer_without_a_device_is_sent_to_enrolment(personas: Personas) -> None:
    client = password_sign_in("reviewer")
    response = client.get("/cases/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == ENROL
    assert parse_qs(target.query)["next"] == ["/cases/"]
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "<svg" in body  # the QR code, inline
    assert re.search(r'id="totp-secret">[A-Z2-7]{4}( [A-Z2-7]{1,4})+<', body)
    assert "监管人员和管理员登录时必须使用两步验证" in body
    assert page["Cache-Control"] == "no-store"
    # The pages the second step needs are open; the rest are not, nor the API by the session.
    assert client.get("/licenses/verify/").status_code == 200
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/accounts/tokens/").status_code == 302


def test_enrolment_shows_ten_recovery_codes_once_and_verifies_the_session(personas: Personas) -> None:
    client = password_sign_in("reviewer")
    key, codes = enrol(client)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get(CODES).status_code == 302  # shown once
    assert client.get("/cases/").status_code == 200  # the enrolment's code verified this session
    device = TOTPDevice.objects.get(user=personas.reviewer)
    assert device.confirmed
    assert device.key == key
    # The codes are kept as digests only.
    stored = set(StaticToken.objects.filter(device__user=personas.reviewer).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    record = ChangeRecord.objects.get(action="two_factor.enable")
    assert record.actor_id == personas.reviewer.pk
    assert key not in str(record.after) and not any(c in str(record.after) for c in codes)


def test_a_wrong_enrolment_code_is_refused_naming_the_field(personas: Personas) -> None:
    client = password_sign_in("reviewer")
    client.get(ENROL)
    key = client.session[PENDING_KEY]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 422
    assert "验证码不正确" in " ".join(response.context["form"].errors["code"])
    short = client.post(ENROL, {"code": "12a"})
    assert short.context["form"].errors["code"] == ["验证码应为 6 位数字"]
    assert not TOTPDevice.objects.filter(user=personas.reviewer).exists()


def test_after_the_password_a_wrong_code_is_refused_and_the_right_one_verifies(personas: Personas) -> None:
    key, _codes = enrol(password_sign_in("reviewer"))
    TOTPDevice.objects.filter(user=personas.reviewer).update(last_t=-1)  # the enrolment's step is used

    client = password_sign_in("reviewer")
    response = client.get("/cases/")
    assert urlsplit(response["Location"]).path == VERIFY

    wrong = client.post(VERIFY + "?next=/cases/", {"code": f"{(int(code_for(key)) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 422
    assert "验证码不正确或已使用" in " ".join(wrong.context["form"].errors["code"])
    assert client.get("/cases/").status_code == 302

    right = client.post(VERIFY + "?next=/cases/", {"code": code_for(key)})
    assert right.status_code == 302
    assert right["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_the_same_code_does_not_verify_twice(personas: Personas) -> None:
    key, _codes = enrol(password_sign_in("inspector"))
    TOTPDevice.objects.filter(user=personas.inspector).update(last_t=-1)
    code = code_for(key)
    first = password_sign_in("inspector")
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = password_sign_in("inspector")
    assert second.post(VERIFY, {"code": code}).status_code == 422


def test_a_recovery_code_works_once_only(personas: Personas) -> None:
    _key, codes = enrol(password_sign_in("approver"))
    client = password_sign_in("approver")
    assert client.post(VERIFY, {"code": codes[3].upper()}).status_code == 302
    assert client.get("/cases/").status_code == 200
    record = ChangeRecord.objects.get(action="two_factor.recovery_code_used")
    assert record.after == {"recovery_codes_left": 9}

    again = password_sign_in("approver")
    refused = again.post(VERIFY, {"code": codes[3]})
    assert refused.status_code == 422
    assert "code" in refused.context["form"].errors
    assert again.get("/cases/").status_code == 302
    assert again.post(VERIFY, {"code": codes[4]}).status_code == 302


def test_wrong_codes_back_off(settings: Any, personas: Personas) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    key, _codes = enrol(password_sign_in("reviewer"))
    TOTPDevice.objects.filter(user=personas.reviewer).update(last_t=-1)
    client = password_sign_in("reviewer")
    client.post(VERIFY, {"code": "000000" if code_for(key) != "000000" else "111111"})
    response = client.post(VERIFY, {"code": code_for(key)})
    assert response.status_code == 422
    assert "秒后再试" in " ".join(response.context["form"].errors["code"])


def test_an_enterprise_user_may_opt_in(personas: Personas) -> None:
    client = password_sign_in("applicant")
    assert client.get("/enterprises/").status_code == 200  # not required
    page = client.get(ENROL)
    assert "监管人员和管理员登录时必须使用两步验证" not in page.content.decode()
    key, codes = enrol(client)
    assert len(codes) == 10
    TOTPDevice.objects.filter(user=personas.applicant).update(last_t=-1)
    # Once it is on, the user's next sign-in asks for the code too.
    later = password_sign_in("applicant")
    assert urlsplit(later.get("/enterprises/")["Location"]).path == VERIFY
    assert later.post(VERIFY, {"code": code_for(key)}).status_code == 302
    assert later.get("/enterprises/").status_code == 200


def test_turning_it_off_takes_a_code(personas: Personas) -> None:
    client = password_sign_in("applicant")
    _key, codes = enrol(client)
    missing = client.post(ENROL, {"disable-code": ""})
    assert missing.status_code == 422
    assert missing.context["disable"].errors["code"] == ["请输入验证码"]
    wrong = client.post(ENROL, {"disable-code": "aaaaa-bbbbb"})
    assert wrong.status_code == 422
    assert "验证码不正确或已使用" in " ".join(wrong.context["disable"].errors["code"])
    assert TOTPDevice.objects.filter(user=personas.applicant).exists()

    done = client.post(ENROL, {"disable-code": codes[0]})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.applicant).exists()
    assert not StaticToken.objects.filter(device__user=personas.applicant).exists()
    assert ChangeRecord.objects.filter(action="two_factor.disable", actor=personas.applicant).count() == 1
    assert password_sign_in("applicant").get("/enterprises/").status_code == 200


def test_regulator_staff_cannot_turn_it_off(personas: Personas) -> None:
    client = password_sign_in("reviewer")
    _key, codes = enrol(client)
    page = client.get(ENROL).content.decode()
    assert "不能关闭" in page
    assert 'name="disable-code"' not in page
    with pytest.raises(Forbidden) as refused:
        actions.disable_two_factor(personas.reviewer, codes[0])
    assert refused.value.field == "code"
    assert TOTPDevice.objects.filter(user=personas.reviewer).exists()


def test_new_recovery_codes_replace_the_old(personas: Personas) -> None:
    client = password_sign_in("applicant")
    _key, codes = enrol(client)
    response = client.post(ENROL, {"regenerate-code": codes[0]})
    assert response["Location"] == CODES
    fresh = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", client.get(CODES).content.decode())
    assert len(fresh) == 10
    assert not set(fresh) & set(codes)
    with pytest.raises(InvalidInput):
        actions.verify_second_factor(personas.applicant, codes[1])
    assert actions.verify_second_factor(personas.applicant, fresh[1]) is not None


def test_administrators_need_it_too(personas: Personas) -> None:
    make_user("desk-admin", None, [], is_staff=True, is_superuser=True)
    client = password_sign_in("desk-admin")
    assert urlsplit(client.get("/admin/")["Location"]).path == ENROL
    assert urlsplit(password_sign_in("gsadmin").get("/cases/")["Location"]).path == ENROL


def test_an_api_token_is_not_asked_for_a_second_factor(personas: Personas) -> None:
    _token, secret = actions.create_api_token(personas.reviewer, "ERP")
    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_the_test_sign_in_helper_verifies_regulator_sessions(client: Client, personas: Personas) -> None:
    client.force_login(personas.reviewer)
    assert client.get("/cases/").status_code == 200
    assert TOTPDevice.objects.filter(user=personas.reviewer, confirmed=True).count() == 1


def test_the_enrolment_page_is_in_english_for_an_english_reader(personas: Personas) -> None:
    client = password_sign_in("reviewer")
    body = client.get(ENROL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Turn on two-factor sign-in" in body
    assert "Regulator staff and administrators must sign in with two factors" in body
