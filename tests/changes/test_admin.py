"""The admin lists change records to read: nothing can be added, changed or deleted there."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.accounts.models import User
from icpdesk.changes.models import ChangeRecord
from icpdesk.enterprises import actions
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def test_an_administrator_reads_records_but_cannot_change_them(client: Client, personas: Personas) -> None:
    actions.update_enterprise(personas.applicant, personas.enterprise, {"city": "天水市"})
    record_id = ChangeRecord.objects.get().pk
    admin = User.objects.create_superuser("root", "root@example.invalid", "pw-for-tests-only-1")
    client.force_login(admin)
    listing = client.get("/admin/changes/changerecord/")
    assert listing.status_code == 200
    assert "修改企业资料" in listing.content.decode()
    assert client.get("/admin/changes/changerecord/add/").status_code == 403
    page = client.get(f"/admin/changes/changerecord/{record_id}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/changes/changerecord/{record_id}/delete/", {"post": "yes"}).status_code == 403
