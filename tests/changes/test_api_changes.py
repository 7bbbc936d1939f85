"""GET /api/v1/enterprises/{id}/changes: the records, newest first, masked; scoped like the enterprise."""

from __future__ import annotations

import pytest

from icpdesk.enterprises import actions
from tests.api.conftest import Api, api  # noqa: F401 - the fixture
from tests.factories import Personas, make_id_number

pytestmark = pytest.mark.django_db


def test_the_api_lists_the_changes_newest_first_masked(api: Api, personas: Personas) -> None:  # noqa: F811
    enterprise = personas.enterprise
    new_id = make_id_number("19810303", 777)
    actions.update_enterprise(personas.consultant, enterprise, {"legal_rep_id_number": new_id})
    actions.create_violation(personas.applicant, enterprise, {"date": "2025-01-02", "description": "未备案"})
    response = api.get("consultant", f"/enterprises/{enterprise.pk}/changes")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and body["limit"] == 50 and body["offset"] == 0
    newest, older = body["items"]
    assert newest["action"] == "violation.create"
    assert newest["action_label"] == "添加违规记录"
    assert newest["actor"] == "applicant"
    assert newest["object_type"] == "violation"
    assert newest["object_label"] == "2025-01-02 未备案"
    assert newest["changes"] == [
        {"field": "date", "label": "日期", "before": None, "after": "2025-01-02"},
        {"field": "description", "label": "说明", "before": None, "after": "未备案"},
    ]
    assert older["action"] == "enterprise.update"
    assert older["changes"][0]["field"] == "legal_rep_id_number"
    assert older["changes"][0]["after"] == f"{new_id[:6]}********{new_id[-4:]}"
    assert new_id not in response.content.decode()


def test_the_request_id_of_the_write_is_given(api: Api, personas: Personas) -> None:  # noqa: F811
    api.client.force_login(personas.applicant)
    api.client.post(
        f"/enterprises/{personas.enterprise.pk}/violations/add/",
        {"date": "2025-03-14", "description": "x"},
        headers={"X-Request-ID": "batch-17"},
    )
    api.client.logout()
    body = api.get("reviewer", f"/enterprises/{personas.enterprise.pk}/changes").json()
    assert [item["request_id"] for item in body["items"]] == ["batch-17"]


def test_paging(api: Api, personas: Personas) -> None:  # noqa: F811
    for n in range(3):
        actions.create_violation(
            personas.applicant, personas.enterprise, {"date": "2025-01-02", "description": f"{n}"}
        )
    body = api.get(
        "applicant", f"/enterprises/{personas.enterprise.pk}/changes", {"limit": 1, "offset": 1}
    ).json()
    assert body["total"] == 3
    assert [item["object_label"] for item in body["items"]] == ["2025-01-02 1"]
    assert (
        api.get("applicant", f"/enterprises/{personas.enterprise.pk}/changes", {"limit": 0}).status_code
        == 422
    )


@pytest.mark.parametrize("who", ["outsider", "other_reviewer"])
def test_an_outsider_gets_404(api: Api, personas: Personas, who: str) -> None:  # noqa: F811
    actions.create_violation(
        personas.applicant, personas.enterprise, {"date": "2025-01-02", "description": "x"}
    )
    response = api.get(who, f"/enterprises/{personas.enterprise.pk}/changes")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get(None, f"/enterprises/{personas.enterprise.pk}/changes").status_code == 401
