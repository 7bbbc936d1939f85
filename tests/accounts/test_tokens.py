"""API tokens: shown once, stored as a hash, listed and revoked by their owner only."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test import Client

from icpdesk.accounts.models import ApiToken
from tests.enterprises.helpers import PERSONA_NAMES, client_for, is_login_redirect
from tests.factories import Personas


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_every_signed_in_user_has_a_tokens_page(client: Client, personas: Personas, persona: str) -> None:
    response = client_for(client, personas, persona).get("/accounts/tokens/")
    if persona == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == 200


@pytest.mark.django_db
def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    response = client.post("/accounts/tokens/", {"name": "ERP 同步"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = response.context["issued"]
    assert token.startswith("icpd_")
    assert token in response.content.decode()

    record = ApiToken.objects.get(user=personas.consultant)
    assert record.name == "ERP 同步"
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest() == ApiToken.hash(token)
    assert token.startswith(record.prefix)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [record.pk])
        row = cursor.fetchone()
    assert all(token not in str(value) for value in row)

    listing = client.get("/accounts/tokens/").content.decode()
    assert token not in listing
    assert record.prefix in listing
    assert "ERP 同步" in listing


@pytest.mark.django_db
def test_a_token_needs_a_name(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    response = client.post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 422
    assert "请填写令牌名称" in response.context["form"].errors["name"][0]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_user_revokes_their_token(client: Client, personas: Personas) -> None:
    record, _token = ApiToken.issue(personas.reviewer, "监测脚本")
    client.force_login(personas.reviewer)
    assert client.post(f"/accounts/tokens/{record.pk}/revoke/").status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert not record.active
    assert "已撤销" in client.get("/accounts/tokens/").content.decode()
    assert client.get(f"/accounts/tokens/{record.pk}/revoke/").status_code == 405


@pytest.mark.django_db
def test_another_users_token_is_not_found_nor_listed(client: Client, personas: Personas) -> None:
    theirs, _token = ApiToken.issue(personas.applicant, "企业的令牌")
    client.force_login(personas.outsider)
    assert "企业的令牌" not in client.get("/accounts/tokens/").content.decode()
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
