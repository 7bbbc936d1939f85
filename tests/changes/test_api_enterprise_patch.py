"""PATCH /api/v1/enterprises/{id}: the page's checks and action, so the same change record."""

from __future__ import annotations

import json
from typing import Any

import pytest

from icpdesk.changes.models import ChangeRecord
from icpdesk.core.identifiers import mask_id_number
from tests.api.conftest import Api, api  # noqa: F401 - the fixture
from tests.changes.conftest import REQUEST_ID, only_record, raw_text
from tests.factories import Personas, make_id_number

pytestmark = pytest.mark.django_db


def patch(api: Api, who: str, enterprise_id: int, body: Any, **headers: str) -> Any:  # noqa: F811
    return api.client.patch(
        f"/api/v1/enterprises/{enterprise_id}",
        json.dumps(body),
        content_type="application/json",
        headers=api.headers(who, **headers),
    )


def test_a_patch_changes_the_profile_and_is_recorded(api: Api, personas: Personas) -> None:  # noqa: F811
    enterprise = personas.enterprise
    new_id = make_id_number("19790909", 888)
    response = patch(
        api,
        "consultant",
        enterprise.pk,
        {"city": "白银市", "legal_rep_id_number": new_id, "content_compliant": None},
        **{"X-Request-ID": REQUEST_ID},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["city"] == "白银市" and body["content_compliant"] is None
    record = only_record("enterprise.update")
    assert (record.actor, record.request_id) == (personas.consultant, REQUEST_ID)
    assert record.after["city"] == "白银市"
    assert record.after["legal_rep_id_number"] == mask_id_number(new_id)
    assert record.after["content_compliant"] is None and record.before["content_compliant"] is True
    assert new_id not in raw_text(record)


def test_a_bad_identifier_is_refused_naming_the_field(api: Api, personas: Personas) -> None:  # noqa: F811
    response = patch(api, "applicant", personas.enterprise.pk, {"contact_phone": "12345"})
    assert response.status_code == 422
    assert response.json()["field"] == "contact_phone"
    assert response.json()["code"] == "invalid_input"
    assert not ChangeRecord.objects.exists()


def test_an_unknown_field_or_a_null_name_is_refused(api: Api, personas: Personas) -> None:  # noqa: F811
    response = patch(api, "applicant", personas.enterprise.pk, {"colour": "red"})
    assert response.status_code == 422 and response.json()["field"] == "colour"
    response = patch(api, "applicant", personas.enterprise.pk, {"name": None})
    assert response.status_code == 422 and response.json()["field"] == "name"
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("reviewer", 403), ("outsider", 404), ("other_reviewer", 404)])
def test_who_may_not_change_it_is_refused_and_nothing_is_recorded(
    api: Api,  # noqa: F811
    personas: Personas,
    who: str,
    status: int,
) -> None:
    response = patch(api, who, personas.enterprise.pk, {"city": "白银市"})
    assert response.status_code == status
    personas.enterprise.refresh_from_db()
    assert personas.enterprise.city == "兰州市"
    assert not ChangeRecord.objects.exists()
