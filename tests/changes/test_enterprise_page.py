"""The enterprise page lists its change records (who, when, what), masked; an outsider sees no page."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from icpdesk.enterprises import actions
from tests.factories import Personas, make_id_number

pytestmark = pytest.mark.django_db


def test_the_page_shows_who_changed_what_masked(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    staff = enterprise.security_staff.get()
    new_id = make_id_number("19850505", 666)
    actions.update_security_staff(personas.consultant, staff, {"id_number": new_id, "insured_months": 9})
    actions.update_enterprise(personas.applicant, enterprise, {"city": "天水市"})
    client.force_login(personas.reviewer)
    response = client.get(f"/enterprises/{enterprise.pk}/")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    section = body[body.index("变更记录") :]
    assert "修改企业资料" in section and "修改安全责任人" in section
    assert "所在市州：<span" in response.content.decode()[response.content.decode().index("变更记录") :]
    assert '兰州市</span> → <span class="personal">天水市' in section
    assert "社保缴纳月数" in section and '6</span> → <span class="personal">9' in section
    assert f"{new_id[:6]}********{new_id[-4:]}" in section
    assert new_id not in section
    assert staff.id_number not in section
    # Newest first, by who.
    assert section.index("修改企业资料") < section.index("修改安全责任人")
    assert "applicant" in section and "consultant" in section


def test_an_enterprise_without_changes_says_so(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    body = client.get(f"/enterprises/{personas.enterprise.pk}/").content.decode()
    assert "变更记录" in body and "暂无变更记录。" in body


def test_the_page_in_english(client: Client, personas: Personas) -> None:
    actions.update_enterprise(personas.applicant, personas.enterprise, {"city": "天水市"})
    client.force_login(personas.applicant)
    body = client.get(f"/enterprises/{personas.enterprise.pk}/", headers={"accept-language": "en"}).content
    text = body.decode()
    assert "Change log" in text and "Profile changed" in text


@pytest.mark.parametrize("who", ["outsider", "other_reviewer"])
def test_an_outsider_gets_404(client: Client, personas: Personas, who: str) -> None:
    actions.update_enterprise(personas.applicant, personas.enterprise, {"city": "天水市"})
    client.force_login(getattr(personas, who))
    assert client.get(f"/enterprises/{personas.enterprise.pk}/").status_code == 404
