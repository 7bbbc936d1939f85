"""Granting and revoking a mandate: one record each, on the enterprise; only the owner may."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.accounts.models import Mandate
from icpdesk.changes.models import ChangeRecord
from tests.changes.conftest import REQUEST_ID, only_record
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def test_a_grant_is_recorded_with_its_scopes(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    response = client.post(
        "/accounts/mandates/",
        {"agency": personas.other_agency.pk, "prepare": "on", "file": "on"},
        headers={"X-Request-ID": REQUEST_ID},
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get(agency=personas.other_agency, enterprise=personas.enterprise)
    record = only_record("mandate.grant")
    assert (record.actor, record.request_id, record.enterprise_id, record.object_id) == (
        personas.applicant,
        REQUEST_ID,
        personas.enterprise.pk,
        mandate.pk,
    )
    assert record.object_label == "外省代办有限公司 → 兰州陇货精品电子商务有限公司"
    assert record.after == {
        "agency": "外省代办有限公司",
        "prepare": True,
        "file": True,
        "answer_supplement": False,
        "annual_and_changes": False,
    }


def test_a_revocation_is_recorded_once(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    url = f"/accounts/mandates/{personas.mandate.pk}/revoke/"
    assert client.post(url, headers={"X-Request-ID": REQUEST_ID}).status_code == 302
    assert client.post(url).status_code == 302  # already revoked: nothing more is written
    record = only_record("mandate.revoke")
    personas.mandate.refresh_from_db()
    assert record.actor == personas.applicant and record.request_id == REQUEST_ID
    assert record.object_id == personas.mandate.pk
    assert record.before == {"revoked_at": None, "revoked_by": None}
    assert record.after["revoked_by"] == "applicant"
    assert record.after["revoked_at"] == personas.mandate.revoked_at.isoformat()


@pytest.mark.parametrize("who", ["member", "consultant"])
def test_anyone_but_the_owner_is_refused_and_nothing_is_recorded(
    client: Client, personas: Personas, who: str
) -> None:
    client.force_login(getattr(personas, who))
    response = client.post("/accounts/mandates/", {"agency": personas.other_agency.pk, "prepare": "on"})
    assert response.status_code == 403
    response = client.post(f"/accounts/mandates/{personas.mandate.pk}/revoke/")
    assert response.status_code == 403
    personas.mandate.refresh_from_db()
    assert personas.mandate.active
    assert not ChangeRecord.objects.exists()
