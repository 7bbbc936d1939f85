"""A new client of an agency: the enterprise, its organisation and the mandate in one action, two records."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.accounts.models import Mandate
from icpdesk.changes.models import ChangeRecord
from icpdesk.core.identifiers import mask_mobile
from icpdesk.enterprises.models import Enterprise
from tests.changes.conftest import REQUEST_ID, only_record, raw_text
from tests.enterprises.helpers import profile_data
from tests.factories import Personas, make_uscc

pytestmark = pytest.mark.django_db


def _new_client_data(personas: Personas, uscc: str) -> dict[str, object]:
    data = profile_data(
        personas.enterprise, name="白银铜城电子商务有限公司", uscc=uscc, contact_phone="13512345678"
    )
    data["domain"] = "baiyin-shop.com"
    return data


def test_a_new_client_records_its_creation_and_the_agencys_mandate(
    client: Client, personas: Personas
) -> None:
    uscc = make_uscc(9001)
    client.force_login(personas.consultant)
    response = client.post(
        "/enterprises/new/", _new_client_data(personas, uscc), headers={"X-Request-ID": REQUEST_ID}
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=uscc)
    assert enterprise.organisation.name == "白银铜城电子商务有限公司"
    mandate = Mandate.objects.get(enterprise=enterprise)
    assert mandate.agency == personas.agency

    created = only_record("enterprise.create")
    assert (created.actor, created.request_id, created.enterprise_id) == (
        personas.consultant,
        REQUEST_ID,
        enterprise.pk,
    )
    assert created.before == {}
    assert created.after["name"] == "白银铜城电子商务有限公司"
    assert created.after["uscc"] == uscc
    assert created.after["contact_phone"] == mask_mobile("13512345678")
    assert "13512345678" not in raw_text(created)
    assert enterprise.legal_rep_id_number not in raw_text(created)

    granted = only_record("mandate.grant")
    assert granted.enterprise_id == enterprise.pk
    assert granted.object_id == mandate.pk
    assert granted.after == {
        "agency": "陇原企业服务有限公司",
        "prepare": True,
        "file": True,
        "answer_supplement": True,
        "annual_and_changes": True,
    }


def test_an_enterprise_user_cannot_create_a_client_and_nothing_is_recorded(
    client: Client, personas: Personas
) -> None:
    uscc = make_uscc(9002)
    client.force_login(personas.applicant)
    response = client.post("/enterprises/new/", _new_client_data(personas, uscc))
    assert response.status_code == 403
    assert not Enterprise.objects.filter(uscc=uscc).exists()
    assert not ChangeRecord.objects.exists()
