"""Mandates: the enterprise owner grants and revokes; a revoked mandate ends the agency's access at once."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.accounts.choices import Scope
from icpdesk.accounts.models import Mandate
from icpdesk.cases import access, actions
from icpdesk.lib.errors import NotFound
from tests.enterprises.helpers import PERSONA_NAMES, client_for, is_login_redirect
from tests.factories import Personas, file_a_case

PAGE = dict(zip(PERSONA_NAMES, [200, 200, 200, 404, 404, 404, 200, 404, "login"], strict=True))
# The province's regulator sees an enterprise once it has filed a case; then the
# mandate is no secret to it (403), before that it is nothing to it (404).
REVOKE = dict(zip(PERSONA_NAMES, ["done", 403, 403, 403, 403, 403, 404, 404, "login"], strict=True))
REVOKE_BEFORE_FILING = REVOKE | dict.fromkeys(("reviewer", "inspector", "approver"), 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_who_reaches_the_mandates_page(client: Client, personas: Personas, persona: str) -> None:
    response = client_for(client, personas, persona).get("/accounts/mandates/")
    expected = PAGE[persona]
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("filed", [True, False], ids=["filed", "not-filed"])
def test_who_may_revoke(client: Client, personas: Personas, persona: str, filed: bool) -> None:
    if filed:
        file_a_case(personas.enterprise, personas.agency)
    response = client_for(client, personas, persona).post(f"/accounts/mandates/{personas.mandate.pk}/revoke/")
    expected = (REVOKE if filed else REVOKE_BEFORE_FILING)[persona]
    if expected == "login":
        assert is_login_redirect(response)
    elif expected == "done":
        assert response.status_code == 302
    else:
        assert response.status_code == expected
    personas.mandate.refresh_from_db()
    assert personas.mandate.active is (expected != "done")


@pytest.mark.django_db
def test_the_enterprise_sees_its_agencies_and_their_scopes(client: Client, personas: Personas) -> None:
    personas.mandate.annual_and_changes = False
    personas.mandate.save()
    client.force_login(personas.member)
    response = client.get("/accounts/mandates/")
    body = response.content.decode()
    assert personas.agency.name in body
    assert "查看、准备材料、申报、答复补正" in body
    assert "年报与变更" not in body  # not granted, and a member has no grant form
    assert not response.context["owner"]
    assert "只有企业负责人可以授予或撤销委托" in body


@pytest.mark.django_db
def test_the_owner_grants_a_mandate_to_an_agency_with_chosen_scopes(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.applicant)
    form = client.get("/accounts/mandates/").content.decode()
    assert personas.other_agency.name in form
    response = client.post("/accounts/mandates/", {"agency": personas.other_agency.pk, "prepare": "on"})
    assert response.status_code == 302
    granted = Mandate.objects.get(agency=personas.other_agency, enterprise=personas.enterprise)
    assert granted.scopes == ["view", "prepare"]
    assert granted.granted_by == personas.applicant
    assert access.is_applicant_side(personas.outsider, personas.enterprise, Scope.PREPARE)
    assert not access.is_applicant_side(personas.outsider, personas.enterprise, Scope.FILE)
    client.force_login(personas.outsider)
    assert client.get(f"/enterprises/{personas.enterprise.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_second_active_mandate_for_the_same_agency_is_refused(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    response = client.post("/accounts/mandates/", {"agency": personas.agency.pk, "file": "on"})
    assert response.status_code == 422
    assert "已持有本企业的有效委托" in response.context["form"].errors["agency"][0]
    assert Mandate.objects.filter(agency=personas.agency, enterprise=personas.enterprise).count() == 1


@pytest.mark.django_db
def test_only_an_agency_may_be_chosen(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    response = client.post("/accounts/mandates/", {"agency": personas.regulator.pk, "prepare": "on"})
    assert response.status_code == 422
    assert "agency" in response.context["form"].errors
    assert client.post("/accounts/mandates/", {}).status_code == 422


@pytest.mark.django_db
def test_a_member_may_not_grant(client: Client, personas: Personas) -> None:
    client.force_login(personas.member)
    response = client.post("/accounts/mandates/", {"agency": personas.other_agency.pk, "prepare": "on"})
    assert response.status_code == 403
    assert not Mandate.objects.filter(agency=personas.other_agency, enterprise=personas.enterprise).exists()


@pytest.mark.django_db
def test_a_revoked_mandate_ends_the_agencys_access_at_once(client: Client, personas: Personas) -> None:
    case = actions.create_application(personas.consultant, personas.enterprise)
    client.force_login(personas.consultant)
    assert client.get(f"/enterprises/{personas.enterprise.pk}/").status_code == 200
    assert client.get(f"/cases/{case.pk}/").status_code == 200

    owner = Client()
    owner.force_login(personas.applicant)
    assert owner.post(f"/accounts/mandates/{personas.mandate.pk}/revoke/").status_code == 302
    personas.mandate.refresh_from_db()
    assert personas.mandate.revoked_at is not None
    assert personas.mandate.revoked_by == personas.applicant

    assert client.get(f"/enterprises/{personas.enterprise.pk}/").status_code == 404
    assert client.get(f"/enterprises/{personas.enterprise.pk}/edit/").status_code == 404
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    with pytest.raises(NotFound):
        actions.load_for(personas.consultant, case.pk)
    assert personas.enterprise.name not in client.get("/enterprises/").content.decode()
    assert personas.enterprise.name not in client.get("/accounts/mandates/").content.decode()
    # The enterprise keeps the record of the revoked mandate.
    assert "已撤销" in owner.get("/accounts/mandates/").content.decode()
    # Revoking twice changes nothing.
    again = owner.post(f"/accounts/mandates/{personas.mandate.pk}/revoke/", follow=True)
    assert "此前已被撤销" in again.content.decode()


@pytest.mark.django_db
def test_an_agency_sees_its_clients_mandates_read_only(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    response = client.get("/accounts/mandates/")
    body = response.content.decode()
    assert personas.enterprise.name in body
    assert personas.other_enterprise.name not in body
    assert "/revoke/" not in body
    assert client.post("/accounts/mandates/", {"agency": personas.agency.pk}).status_code == 403


@pytest.mark.django_db
def test_another_enterprises_mandate_is_not_found(client: Client, personas: Personas) -> None:
    theirs = Mandate.objects.get(enterprise=personas.other_enterprise)
    client.force_login(personas.applicant)
    assert client.post(f"/accounts/mandates/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
