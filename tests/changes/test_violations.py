"""Recording and deleting a violation: one change record each."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.changes.models import ChangeRecord
from icpdesk.enterprises.models import Violation
from tests.changes.conftest import REQUEST_ID, only_record
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def test_a_new_violation_is_recorded(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    client.force_login(personas.consultant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/violations/add/",
        {"date": "2025-03-14", "description": "未按期报送年报"},
        headers={"X-Request-ID": REQUEST_ID},
    )
    assert response.status_code == 302
    violation = Violation.objects.get(enterprise=enterprise)
    record = only_record("violation.create")
    assert (record.actor, record.request_id, record.enterprise_id, record.object_id) == (
        personas.consultant,
        REQUEST_ID,
        enterprise.pk,
        violation.pk,
    )
    assert record.object_label == "2025-03-14 未按期报送年报"
    assert record.before == {}
    assert record.after == {"date": "2025-03-14", "description": "未按期报送年报"}


def test_deleting_a_violation_records_what_it_said(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    violation = Violation.objects.create(enterprise=enterprise, date="2024-11-02", description="内容违规")
    client.force_login(personas.applicant)
    response = client.post(f"/enterprises/{enterprise.pk}/violations/{violation.pk}/delete/")
    assert response.status_code == 302
    assert not Violation.objects.filter(pk=violation.pk).exists()
    record = only_record("violation.delete")
    assert record.actor == personas.applicant
    assert record.before == {"date": "2024-11-02", "description": "内容违规"}
    assert record.after == {}


@pytest.mark.parametrize(("who", "status"), [("inspector", 403), ("outsider", 404), ("other_reviewer", 404)])
def test_a_user_without_the_right_is_refused_and_nothing_is_recorded(
    client: Client, personas: Personas, who: str, status: int
) -> None:
    enterprise = personas.enterprise
    violation = Violation.objects.create(enterprise=enterprise, date="2024-11-02", description="内容违规")
    client.force_login(getattr(personas, who))
    response = client.post(
        f"/enterprises/{enterprise.pk}/violations/add/", {"date": "2025-03-14", "description": "x"}
    )
    assert response.status_code == status
    response = client.post(f"/enterprises/{enterprise.pk}/violations/{violation.pk}/delete/")
    assert response.status_code == status
    assert list(Violation.objects.values_list("pk", flat=True)) == [violation.pk]
    assert not ChangeRecord.objects.exists()
