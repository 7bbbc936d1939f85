"""Creating and revoking an API token is recorded; the secret never is."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.accounts.models import ApiToken
from icpdesk.changes.models import ChangeRecord
from tests.changes.conftest import REQUEST_ID, only_record, raw_text
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def test_a_new_token_is_recorded_by_name_and_expiry_without_its_secret(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.consultant)
    response = client.post("/accounts/tokens/", {"name": "ERP 同步"}, headers={"X-Request-ID": REQUEST_ID})
    assert response.status_code == 200
    secret = response.context["issued"]
    token = ApiToken.objects.get(user=personas.consultant)
    record = only_record("api_token.create")
    assert (record.actor, record.request_id, record.organisation_id, record.object_id) == (
        personas.consultant,
        REQUEST_ID,
        personas.agency.pk,
        token.pk,
    )
    assert record.enterprise_id is None
    assert record.object_label == f"ERP 同步 ({token.prefix}…)"
    assert record.after == {"name": "ERP 同步", "expires_at": token.expires_at.isoformat()}
    assert secret not in raw_text(record)
    assert secret[len(token.prefix) :] not in raw_text(record)
    assert token.token_hash not in raw_text(record)


def test_a_revocation_is_recorded_once(client: Client, personas: Personas) -> None:
    token, _secret = ApiToken.issue(personas.applicant, "对接")
    client.force_login(personas.applicant)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    record = only_record("api_token.revoke")
    token.refresh_from_db()
    assert record.actor == personas.applicant
    assert record.before == {"revoked_at": None}
    assert record.after == {"revoked_at": token.revoked_at.isoformat()}


def test_anothers_token_is_not_found_and_nothing_is_recorded(client: Client, personas: Personas) -> None:
    theirs, _secret = ApiToken.issue(personas.consultant, "他人的令牌")
    client.force_login(personas.outsider)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
    assert not ChangeRecord.objects.exists()


def test_a_token_without_a_name_is_refused_and_nothing_is_recorded(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.applicant)
    response = client.post("/accounts/tokens/", {"name": " "})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()
    assert not ChangeRecord.objects.exists()
