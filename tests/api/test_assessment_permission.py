"""One permission for running an assessment, on the page and in the API alike."""

from __future__ import annotations

from typing import Any

import pytest

from icpdesk.cases import actions
from icpdesk.enterprises.models import EligibilityAssessment
from icpdesk.lib.errors import InvalidInput
from tests.api.conftest import Api
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def _view_only(p: Personas) -> None:
    p.mandate.prepare = False
    p.mandate.file = False
    p.mandate.save()


def test_a_view_only_mandate_cannot_assess_on_the_page(client: Any, personas: Personas) -> None:
    _view_only(personas)
    client.force_login(personas.consultant)
    url = f"/enterprises/{personas.enterprise.pk}/eligibility/"
    page = client.get(url)
    assert page.status_code == 200
    assert "评估</button>" not in page.content.decode()  # no button to press
    response = client.post(url)
    assert response.status_code == 403
    assert "无权为该企业进行资格评估" in response.content.decode()
    assert not EligibilityAssessment.objects.filter(enterprise=personas.enterprise).exists()


def test_a_view_only_mandate_cannot_assess_in_the_api(api: Api, personas: Personas) -> None:
    _view_only(personas)
    response = api.post("consultant", f"/enterprises/{personas.enterprise.pk}/eligibility")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_preparing_mandate_assesses_on_both(client: Any, api: Api, personas: Personas) -> None:
    client.force_login(personas.consultant)
    assert client.post(f"/enterprises/{personas.enterprise.pk}/eligibility/").status_code == 302
    assert api.post("consultant", f"/enterprises/{personas.enterprise.pk}/eligibility").status_code == 201
    assert EligibilityAssessment.objects.filter(enterprise=personas.enterprise).count() == 2


def test_an_unknown_license_type_is_refused_by_the_api_as_by_the_page(api: Api, personas: Personas) -> None:
    response = api.post(
        "applicant", "/cases", {"enterprise_id": personas.enterprise.pk, "license_type": "X99", "kind": "new"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "license_type"
    assert "X99" in body["message"] and "B25" in body["message"]
    with pytest.raises(InvalidInput):
        actions.create_application(personas.applicant, personas.enterprise, license_type="B99")
