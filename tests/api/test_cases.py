"""Cases through the API: a full walk, the workflow's refusals, the list and its query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import State
from icpdesk.enterprises.models import Ban
from tests.api.conftest import ALL_RECORD, Api, case_in
from tests.factories import Personas, make_enterprise, supply_materials

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    body: dict[str, Any] = response.json()
    return body


def test_a_case_walks_from_draft_to_certificate_through_the_api(api: Api, personas: Personas) -> None:
    p = personas
    today = timezone.localdate()
    case = ok(api.post("consultant", "/cases", {"enterprise_id": p.enterprise.pk}), 201)
    cid = case["id"]
    assert case["state"] == "draft"
    assert case["state_label"] == "草稿"
    assert [a["name"] for a in case["allowed_actions"]] == ["file", "withdraw"]
    # A draft is the applicant side's own work: the regulator sees the case once it is filed.
    assert api.get("reviewer", f"/cases/{cid}").status_code == 404

    refused = api.post("consultant", f"/cases/{cid}/file")
    assert refused.status_code == 422
    assert refused.json()["code"] == "precondition_failed" and refused.json()["field"] == "materials"
    supply_materials(Application.objects.get(pk=cid), p.consultant)  # uploads are another part's endpoints
    case = ok(api.get("consultant", f"/cases/{cid}"))
    filed = ok(api.post("consultant", f"/cases/{cid}/file", {"version": case["version"]}))
    assert filed["state"] == "filed"
    assert filed["filed_on"] == today.isoformat()
    assert filed["due"]["step"] == "acceptance"
    assert filed["due"]["on"] > today.isoformat()
    assert filed["due"]["days_left"] == 5
    assert filed["eligibility"]["verdict"] == "eligible"
    assert filed["allowed_actions"] == [
        {"name": "withdraw", "label": "撤回申请", "method": "POST", "path": f"/api/v1/cases/{cid}/withdraw"}
    ]
    reviewer_view = ok(api.get("reviewer", f"/cases/{cid}"))
    assert [a["name"] for a in reviewer_view["allowed_actions"]] == ["accept", "return"]

    items = [{"item": "business_license", "reason": "营业执照复印件不清晰"}]
    returned = ok(api.post("reviewer", f"/cases/{cid}/return", {"items": items}))
    assert returned["state"] == "returned"
    assert returned["supplement_notices"][0]["items"] == items
    answered = ok(api.post("applicant", f"/cases/{cid}/answer", {"answer": "已重新上传清晰的复印件"}))
    assert answered["state"] == "filed"
    assert answered["supplement_notices"][0]["answer"] == "已重新上传清晰的复印件"

    accepted = ok(api.post("reviewer", f"/cases/{cid}/accept", {"version": answered["version"]}))
    assert accepted["state"] == "accepted"
    assert accepted["due"]["step"] == "inspection"
    scheduled = ok(
        api.post(
            "inspector",
            f"/cases/{cid}/schedule-inspection",
            {"date": today.isoformat(), "inspectors": ["inspector"]},
        )
    )
    assert scheduled["state"] == "inspection_scheduled"
    assert scheduled["inspections"][0]["inspectors"] == ["inspector"]
    inspected = ok(api.post("inspector", f"/cases/{cid}/record-inspection", {"record": ALL_RECORD}))
    assert inspected["state"] == "inspected"
    assert inspected["inspections"][0]["passed"] is True
    assert inspected["due"]["step"] == "decision"
    approved = ok(api.post("approver", f"/cases/{cid}/approve", {"reasons": "符合条件"}))
    assert approved["state"] == "approved"
    assert approved["decision"] == "approved"
    issued = ok(api.post("approver", f"/cases/{cid}/issue-certificate"))
    assert issued["state"] == "certificate_issued"
    assert issued["license_number"].startswith(f"甘B2-{today.year}")
    assert issued["license"]["expires_on"] == today.replace(year=today.year + 5).isoformat()
    assert issued["allowed_actions"] == []
    assert issued["due"] == {
        "step": "",
        "on": None,
        "provisional": False,
        "days_left": None,
        "overdue": False,
    }

    audit = [e for e in ok(api.get("applicant", f"/cases/{cid}/audit")) if e["action"] != "material_upload"]
    assert [e["action"] for e in audit] == [
        "create",
        "file",
        "return",
        "answer",
        "accept",
        "schedule_inspection",
        "record_inspection",
        "approve",
        "issue_certificate",
    ]
    assert audit[2]["actor"] == "reviewer" and audit[2]["to_state"] == "returned"


def test_schedule_inspection_takes_user_ids_too(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.ACCEPTED)
    body = {"date": timezone.localdate().isoformat(), "inspectors": [personas.inspector.pk]}
    done = ok(api.post("inspector", f"/cases/{case.pk}/schedule-inspection", body))
    assert done["inspections"][0]["inspectors"] == ["inspector"]


@pytest.mark.parametrize("who", ["nobody-here", "reviewer", "other_reviewer", "consultant"])
def test_schedule_inspection_refuses_anyone_not_an_inspector_here(
    api: Api, personas: Personas, who: str
) -> None:
    case = case_in(personas, State.ACCEPTED)
    body = {"date": timezone.localdate().isoformat(), "inspectors": [who]}
    refused = api.post("inspector", f"/cases/{case.pk}/schedule-inspection", body)
    assert refused.status_code == 422
    assert refused.json()["field"] == "inspectors"
    case.refresh_from_db()
    assert case.state == "accepted"


def test_an_invalid_transition_is_409_with_the_current_state(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.REJECTED)
    response = api.post("reviewer", f"/cases/{case.pk}/accept")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["state"] == "rejected"
    assert "不予许可" in body["message"]
    english = api.post("reviewer", f"/cases/{case.pk}/accept", **{"Accept-Language": "en"})
    assert "rejected" in english.json()["message"].lower()
    assert "不予许可" not in english.json()["message"]
    query = api.client.post(
        f"/api/v1/cases/{case.pk}/accept?lang=en",
        "",
        content_type="application/json",
        headers=api.headers("reviewer"),
    )
    assert query.json()["message"].startswith("The case is rejected")


def test_a_stale_version_is_409_case_changed(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    seen = ok(api.get("reviewer", f"/cases/{case.pk}"))["version"]
    ok(api.post("consultant", f"/cases/{case.pk}/withdraw", {"reason": "改日再报", "version": seen}))
    response = api.post("reviewer", f"/cases/{case.pk}/accept", {"version": seen})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "case_changed"
    assert body["state"] == "withdrawn"
    case.refresh_from_db()
    assert case.state == "withdrawn"


def test_refusals_name_the_field(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    empty_item = api.post("reviewer", f"/cases/{case.pk}/return", {"items": [{"item": "x", "reason": ""}]})
    assert empty_item.status_code == 422
    assert empty_item.json() == {
        "code": "invalid_input",
        "message": "补正事项第 1 项须同时写明事项和原因。",
        "field": "items[0]",
        "state": None,
    }
    wrong_type = api.post("reviewer", f"/cases/{case.pk}/accept", {"version": "abc"})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["field"] == "version"
    assert wrong_type.json()["code"] == "invalid_input"
    missing = api.post(
        "reviewer", f"/cases/{case.pk}/return", {"items": [{"item": "x"}]}, **{"Accept-Language": "en"}
    )
    assert missing.status_code == 422
    assert missing.json()["field"] == "items[0].reason"
    assert missing.json()["message"] == "items[0].reason is required."
    case.refresh_from_db()
    assert case.state == "filed"


def test_filing_a_barred_enterprise_is_422_precondition_failed(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    Ban.objects.create(
        uscc=personas.enterprise.uscc, until=timezone.localdate() + timedelta(days=900), reason="伪造"
    )
    response = api.post("applicant", f"/cases/{case.pk}/file")
    assert response.status_code == 422
    assert response.json()["code"] == "precondition_failed"


def test_a_forged_rejection_bars_the_credit_code(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.INSPECTED)
    done = ok(api.post("approver", f"/cases/{case.pk}/reject", {"reasons": "托管协议伪造", "forged": True}))
    assert done["state"] == "rejected" and done["forged"] is True
    assert Ban.barred_until(personas.enterprise.uscc, timezone.localdate()) is not None


def test_lapse_before_the_supplement_limit_is_refused(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.RETURNED)
    response = api.post("reviewer", f"/cases/{case.pk}/lapse")
    assert response.status_code == 422
    assert response.json()["code"] == "precondition_failed"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/cases/{id}/accept", "{not json"),
        ("post", "/cases/{id}/accept", "[1, 2]"),
        ("post", "/cases/{id}/return", {"items": "everything"}),
        ("post", "/cases/{id}/return", {"items": [1, 2]}),
        ("post", "/cases/{id}/schedule-inspection", {"date": "tomorrow", "inspectors": ["inspector"]}),
        ("post", "/cases/{id}/schedule-inspection", {"date": "2026-13-45", "inspectors": {}}),
        ("post", "/cases/{id}/record-inspection", {"record": "all fine"}),
        ("post", "/cases/{id}/record-inspection", {"record": {"site": {"passed": "maybe"}}}),
        ("post", "/cases/{id}/reject", {"reasons": None, "forged": "yes please"}),
        ("post", "/cases/{id}/comments", {"body": 12}),
        ("post", "/cases/{id}/comments", {}),
        ("post", "/cases", {"enterprise_id": "one"}),
        ("post", "/cases", {"enterprise_id": 10**30}),
        ("post", "/cases", {"enterprise_id": 999999}),
        ("get", "/cases/abc", None),
        ("get", "/cases/99999999999999999999999", None),
        ("get", "/cases/-1", None),
        ("get", "/cases/0/audit", None),
        ("get", "/cases/999999", None),
        ("get", "/cases", {"limit": "lots"}),
        ("get", "/cases", {"limit": 10**6}),
        ("get", "/cases", {"state": "nonsense"}),
        ("get", "/cases", {"due_before": "soon"}),
        ("get", "/cases", {"enterprise": "x"}),
        ("get", "/enterprises/9999999999999999999999", None),
        ("get", "/nowhere/at/all", None),
    ],
)
def test_bad_input_is_never_a_500(api: Api, personas: Personas, method: str, path: str, body: Any) -> None:
    case = case_in(personas, State.FILED)
    url = path.replace("{id}", str(case.pk))
    response = api.get("reviewer", url, body) if method == "get" else api.post("reviewer", url, body)
    assert 400 <= response.status_code < 500, response.content.decode()
    payload = response.json()
    assert {"code", "message", "field", "state"} <= set(payload)
    if response.status_code == 422:
        assert payload["field"]
    case.refresh_from_db()
    assert case.state == "filed"


def test_comments_are_kept_on_the_record(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    posted = ok(api.post("consultant", f"/cases/{case.pk}/comments", {"body": "请尽快受理"}), 201)
    assert posted["organisation"] == "陇原企业服务有限公司"
    ok(api.post("reviewer", f"/cases/{case.pk}/comments", {"body": "已收到"}), 201)
    comments = ok(api.get("applicant", f"/cases/{case.pk}/comments"))
    assert [c["body"] for c in comments] == ["请尽快受理", "已收到"]
    blank = api.post("applicant", f"/cases/{case.pk}/comments", {"body": "   "})
    assert blank.status_code == 422 and blank.json()["field"] == "body"
    assert "comment" in [e["action"] for e in ok(api.get("reviewer", f"/cases/{case.pk}/audit"))]


# ------------------------------------------------------------------ list


def test_the_list_filters_sorts_and_paginates(api: Api, personas: Personas) -> None:
    p = personas
    draft = case_in(p, State.DRAFT)  # the applicant side's alone
    withdrawn = case_in(p, State.FILED)
    actions.withdraw_application(p.applicant, withdrawn, "不再申请")
    filed = case_in(p, State.FILED)
    accepted = case_in(p, State.ACCEPTED)
    Application.objects.filter(pk=accepted.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    other = make_enterprise("酒泉光伏设备电子商务有限公司", city="酒泉市")
    page = ok(api.get("reviewer", "/cases"))
    assert page["total"] == 3
    assert [c["id"] for c in page["items"]] == [accepted.pk, filed.pk, withdrawn.pk]  # due date, none last
    assert page["items"][0]["due"]["overdue"] is True
    assert page["items"][0]["due"]["days_left"] < 0
    assert ok(api.get("reviewer", "/cases", {"overdue": "true"}))["total"] == 1
    assert ok(api.get("reviewer", "/cases", {"overdue": "false"}))["total"] == 2
    assert ok(api.get("reviewer", "/cases", {"state": "filed,withdrawn"}))["total"] == 2
    assert ok(api.get("reviewer", "/cases", {"enterprise": other.pk}))["total"] == 0
    assert ok(api.get("reviewer", "/cases", {"prefecture": "兰州市"}))["total"] == 3
    assert ok(api.get("reviewer", "/cases", {"prefecture": "酒泉市"}))["total"] == 0
    due = filed.due_on
    assert due is not None
    assert ok(api.get("reviewer", "/cases", {"due_before": due.isoformat()}))["total"] == 2
    second = ok(api.get("reviewer", "/cases", {"limit": 1, "offset": 1}))
    assert second["total"] == 3 and [c["id"] for c in second["items"]] == [filed.pk]
    assert ok(api.get("outsider", "/cases"))["total"] == 0
    assert ok(api.get("other_reviewer", "/cases"))["total"] == 0
    assert ok(api.get("applicant", "/cases"))["total"] == 4
    assert draft.pk in {c["id"] for c in ok(api.get("applicant", "/cases"))["items"]}
    english = ok(api.get("reviewer", "/cases", {"lang": "en"}))
    assert english["items"][0]["state_label"] == "Accepted, inspection to be scheduled"


@pytest.mark.parametrize("who", ["reviewer", "consultant"])
@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    api: Api, personas: Personas, django_assert_max_num_queries: Any, rows: int, who: str
) -> None:
    today = timezone.localdate()
    Application.objects.bulk_create(
        Application(
            reference=f"甘ICP-2026-{800000 + n}",
            enterprise=personas.enterprise,
            agency=personas.agency,
            state=State.FILED if n % 2 else State.WITHDRAWN,
            filed_on=today,
            province_code="CN-GS",
            prefecture="兰州市",
            rule_pack="gansu",
            due_step="acceptance" if n % 2 else "",
            due_on=today + timedelta(days=n - 10) if n % 2 else None,
        )
        for n in range(rows)
    )
    api.token(who)
    api.get(who, "/cases")  # the token's first use writes last_used_at
    with django_assert_max_num_queries(5):
        body = ok(api.get(who, "/cases", {"limit": 200}))
    assert body["total"] == rows
