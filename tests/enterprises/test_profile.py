"""The enterprise profile page: masked personal data, encryption at rest, and the cases of the enterprise."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from icpdesk.cases import actions
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from tests.factories import Personas


def shown(client: Client, personas: Personas) -> str:
    response = client.get(f"/enterprises/{personas.enterprise.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["applicant", "member", "consultant", "reviewer", "inspector", "approver"]
)
def test_those_who_need_them_see_id_and_phone_numbers_in_full(
    client: Client, personas: Personas, persona: str
) -> None:
    staff = personas.enterprise.security_staff.get()
    client.force_login(getattr(personas, persona))
    body = shown(client, personas)
    assert staff.id_number in body
    assert staff.phone in body
    assert personas.enterprise.legal_rep_id_number in body
    assert personas.enterprise.contact_phone in body


@pytest.mark.django_db
def test_an_agency_with_a_view_only_mandate_sees_them_masked(client: Client, personas: Personas) -> None:
    personas.mandate.prepare = False
    personas.mandate.save()
    staff = personas.enterprise.security_staff.get()
    client.force_login(personas.consultant)
    body = shown(client, personas)
    assert staff.id_number not in body
    assert staff.phone not in body
    assert personas.enterprise.legal_rep_id_number not in body
    masked = mask_id_number(staff.id_number)
    assert masked == staff.id_number[:6] + "********" + staff.id_number[-4:]
    assert masked in body
    assert mask_mobile(staff.phone) == "139****2345"
    assert "139****2345" in body
    assert "138****2345" in body  # the enterprise's contact phone
    assert "已脱敏" in body


@pytest.mark.django_db
def test_id_and_phone_numbers_are_ciphertext_in_the_database(personas: Personas) -> None:
    staff = personas.enterprise.security_staff.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM enterprises_securitystaff WHERE id = %s", [staff.pk])
        stored_id, stored_phone = cursor.fetchone()
        cursor.execute(
            "SELECT legal_rep_id_number, contact_phone FROM enterprises_enterprise WHERE id = %s",
            [personas.enterprise.pk],
        )
        stored_rep, stored_contact = cursor.fetchone()
    assert staff.id_number not in stored_id
    assert staff.phone not in stored_phone
    assert personas.enterprise.legal_rep_id_number not in stored_rep
    assert personas.enterprise.contact_phone not in stored_contact
    assert stored_id.startswith("gAAAA")  # a Fernet token


@pytest.mark.django_db
def test_the_profile_lists_the_enterprises_cases_with_links(client: Client, personas: Personas) -> None:
    case = actions.create_application(personas.consultant, personas.enterprise)
    other = actions.create_application(personas.outsider, personas.other_enterprise)
    client.force_login(personas.applicant)
    body = shown(client, personas)
    assert case.reference in body
    assert f'href="/cases/{case.pk}/"' in body
    assert other.reference not in body


@pytest.mark.django_db
def test_the_profile_shows_the_latest_eligibility_result(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    assert "尚未评估" in shown(client, personas)
    client.post(f"/enterprises/{personas.enterprise.pk}/eligibility/")
    body = shown(client, personas)
    assert "符合条件" in body
    assert "gansu" in body
