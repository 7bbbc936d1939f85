"""Editing the profile writes one change record: actor, request id, the changed fields before and after."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.changes.models import ChangeRecord
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from icpdesk.enterprises.models import Enterprise
from tests.changes.conftest import REQUEST_ID, only_record, raw_text
from tests.enterprises.helpers import profile_data
from tests.factories import Personas, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _canonical_domain(personas: Personas) -> None:
    # The form keeps the registrable domain (shop1.gansu-ec.com → gansu-ec.com):
    # store it so, so that only the fields a test changes differ.
    Enterprise.objects.filter(pk=personas.enterprise.pk).update(domain="gansu-ec.com")
    personas.enterprise.refresh_from_db()


def test_an_edit_records_the_changed_fields_the_actor_and_the_request_id(
    client: Client, personas: Personas
) -> None:
    enterprise = personas.enterprise
    old_name, old_id, old_phone = enterprise.name, enterprise.legal_rep_id_number, enterprise.contact_phone
    new_id = make_id_number("19800202", 222)
    client.force_login(personas.consultant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/",
        profile_data(
            enterprise,
            name="兰州陇货新名称有限公司",
            legal_rep_id_number=new_id,
            contact_phone="13700001111",
            bank_statement_months=6,
        ),
        headers={"X-Request-ID": REQUEST_ID},
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == REQUEST_ID
    record = only_record("enterprise.update")
    assert record.actor == personas.consultant
    assert record.actor_name == "consultant"
    assert record.request_id == REQUEST_ID
    assert record.enterprise_id == enterprise.pk
    assert record.organisation_id == enterprise.organisation_id
    assert record.object_id == enterprise.pk
    assert record.content_type is not None and record.content_type.model == "enterprise"
    assert record.before == {
        "name": old_name,
        "legal_rep_id_number": mask_id_number(old_id),
        "contact_phone": mask_mobile(old_phone),
        "bank_statement_months": 3,
    }
    assert record.after == {
        "name": "兰州陇货新名称有限公司",
        "legal_rep_id_number": mask_id_number(new_id),
        "contact_phone": "137****1111",
        "bank_statement_months": 6,
    }
    # Never the numbers themselves.
    text = raw_text(record)
    for plain in (old_id, new_id, old_phone, "13700001111"):
        assert plain not in text


def test_saving_the_profile_unchanged_writes_no_record(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    response = client.post(f"/enterprises/{personas.enterprise.pk}/edit/", profile_data(personas.enterprise))
    assert response.status_code == 302
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "approver"])
def test_a_user_who_may_only_look_is_refused_and_nothing_is_recorded(
    client: Client, personas: Personas, who: str
) -> None:
    enterprise = personas.enterprise
    client.force_login(getattr(personas, who))
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/", profile_data(enterprise, name="改名有限公司")
    )
    assert response.status_code == 403
    assert "只有企业本身或持有“准备材料”委托的代办机构可以修改企业资料。" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.name == "兰州陇货精品电子商务有限公司"
    assert not ChangeRecord.objects.exists()


def test_an_outsider_gets_404_and_nothing_is_recorded(client: Client, personas: Personas) -> None:
    client.force_login(personas.outsider)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/edit/", profile_data(personas.enterprise, name="改名有限公司")
    )
    assert response.status_code == 404
    assert not ChangeRecord.objects.exists()


def test_a_credit_code_taken_by_another_enterprise_is_refused_under_its_field(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/edit/",
        profile_data(personas.enterprise, uscc=personas.other_enterprise.uscc),
    )
    assert response.status_code == 422
    assert "已有企业使用此统一社会信用代码" in response.context["form"].errors["uscc"][0]
    assert not ChangeRecord.objects.exists()
