"""Bearer tokens and the browser session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from icpdesk.accounts.models import ApiToken
from tests.api.conftest import BASE, Api
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def test_a_valid_token_authenticates_and_records_its_use(api: Api, personas: Personas) -> None:
    record, token = ApiToken.issue(personas.applicant, "test")
    response = api.client.get(BASE + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(api: Api, personas: Personas) -> None:
    record, token = ApiToken.issue(personas.applicant, "test")
    recent = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=recent)
    api.client.get(BASE + "/cases", headers={"Authorization": f"Bearer {token}"})
    record.refresh_from_db()
    assert record.last_used_at == recent
    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=old)
    api.client.get(BASE + "/cases", headers={"Authorization": f"Bearer {token}"})
    record.refresh_from_db()
    assert record.last_used_at is not None and record.last_used_at > old


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer icpd_not-a-real-token",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
)
def test_missing_or_unknown_tokens_are_401_json(api: Api, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = api.client.get(BASE + "/cases", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert set(body) >= {"code", "message", "field", "state"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(api: Api, personas: Personas) -> None:
    record, token = ApiToken.issue(personas.reviewer, "test")
    record.revoked_at = timezone.now()
    record.save()
    response = api.client.get(BASE + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_an_expired_token_is_refused(api: Api, personas: Personas) -> None:
    record, token = ApiToken.issue(personas.reviewer, "test")
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.client.get(BASE + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_token_of_an_inactive_user_is_refused(api: Api, personas: Personas) -> None:
    _, token = ApiToken.issue(personas.reviewer, "test")
    personas.reviewer.is_active = False
    personas.reviewer.save()
    response = api.client.get(BASE + "/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_post_without_credentials_is_401_not_a_csrf_failure(api: Api) -> None:
    response = api.post(None, "/cases", {"enterprise_id": 1})
    assert response.status_code == 401


def test_the_signed_in_session_works_and_changes_need_the_csrf_token(personas: Personas) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.consultant)
    assert browser.get(BASE + "/cases").status_code == 200
    body = {"enterprise_id": personas.enterprise.pk}
    refused = browser.post(BASE + "/cases", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    docs = browser.get(BASE + "/docs")  # sets the CSRF cookie, as the docs page does
    token = docs.cookies["csrftoken"].value
    created = browser.post(
        BASE + "/cases", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert created.status_code == 201
    assert created.json()["state"] == "draft"


def test_a_bearer_token_needs_no_csrf_token(api: Api, personas: Personas) -> None:
    api.client = Client(enforce_csrf_checks=True)
    response = api.post("consultant", "/cases", {"enterprise_id": personas.enterprise.pk})
    assert response.status_code == 201
