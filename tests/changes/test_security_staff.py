"""Adding, changing and deleting a security manager: one record each, ID and mobile masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from icpdesk.changes.models import ChangeRecord
from icpdesk.core.identifiers import mask_id_number
from icpdesk.enterprises.models import SecurityStaff
from tests.changes.conftest import REQUEST_ID, only_record, raw_text
from tests.factories import Personas, make_id_number

pytestmark = pytest.mark.django_db


def staff_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "李娜",
        "id_number": make_id_number("19920415", 333),
        "phone": "13609311234",
        "major": "计算机科学与技术",
        "certificates_text": "CISP、CCNA",
        "full_time": "on",
        "insured_province": "甘肃省",
        "insured_months": "12",
    }
    data.update(overrides)
    return data


def test_adding_a_security_manager_records_it_masked(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    data = staff_data()
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/staff/add/", data, headers={"X-Request-ID": REQUEST_ID}
    )
    assert response.status_code == 302
    staff = SecurityStaff.objects.get(enterprise=enterprise, name="李娜")
    assert staff.id_number_masked == mask_id_number(data["id_number"])
    record = only_record("security_staff.create")
    assert (record.actor, record.request_id, record.enterprise_id, record.object_id) == (
        personas.applicant,
        REQUEST_ID,
        enterprise.pk,
        staff.pk,
    )
    assert record.object_label == "李娜"
    assert record.before == {}
    assert record.after == {
        "name": "李娜",
        "id_number": mask_id_number(data["id_number"]),
        "phone": "136****1234",
        "major": "计算机科学与技术",
        "certificates": ["CISP", "CCNA"],
        "full_time": True,
        "insured_province": "甘肃省",
        "insured_months": 12,
    }
    assert data["id_number"] not in raw_text(record)
    assert "13609311234" not in raw_text(record)


def test_changing_a_security_manager_records_only_what_changed(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    staff = enterprise.security_staff.get()
    old_id = staff.id_number
    new_id = make_id_number("19880808", 444)
    client.force_login(personas.consultant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/staff/{staff.pk}/edit/",
        staff_data(
            name=staff.name,
            id_number=new_id,
            phone=staff.phone,
            major=staff.major,
            certificates_text="CISSP",
            insured_months="7",
        ),
    )
    assert response.status_code == 302
    record = only_record("security_staff.update")
    assert record.actor == personas.consultant
    assert record.before == {"id_number": mask_id_number(old_id), "insured_months": 6}
    assert record.after == {"id_number": mask_id_number(new_id), "insured_months": 7}
    staff.refresh_from_db()
    assert staff.id_number_masked == mask_id_number(new_id)


def test_deleting_a_security_manager_records_what_was_there(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    staff = enterprise.security_staff.get()
    client.force_login(personas.applicant)
    response = client.post(f"/enterprises/{enterprise.pk}/staff/{staff.pk}/delete/")
    assert response.status_code == 302
    assert not SecurityStaff.objects.filter(pk=staff.pk).exists()
    record = only_record("security_staff.delete")
    assert record.object_id == staff.pk and record.object_label == "张伟"
    assert record.after == {}
    assert record.before["name"] == "张伟"
    assert record.before["id_number"] == mask_id_number(staff.id_number)
    assert record.before["phone"] == "139****2345"


@pytest.mark.parametrize(("who", "status"), [("reviewer", 403), ("outsider", 404)])
def test_a_user_without_the_right_changes_no_staff_and_nothing_is_recorded(
    client: Client, personas: Personas, who: str, status: int
) -> None:
    enterprise = personas.enterprise
    staff = enterprise.security_staff.get()
    client.force_login(getattr(personas, who))
    assert client.post(f"/enterprises/{enterprise.pk}/staff/add/", staff_data()).status_code == status
    assert client.post(f"/enterprises/{enterprise.pk}/staff/{staff.pk}/delete/").status_code == status
    assert list(enterprise.security_staff.values_list("name", flat=True)) == ["张伟"]
    assert not ChangeRecord.objects.exists()
