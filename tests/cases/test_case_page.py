"""The case page, the new-case page and comments: who may open them, and what they show."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from icpdesk.calendars.deadlines import due_for
from icpdesk.cases import actions
from icpdesk.cases.models import Application, Comment
from icpdesk.core.lifecycle import State
from tests.factories import Personas, file_with_materials

pytestmark = pytest.mark.django_db

RECORD = {
    a: {"passed": True, "remarks": ""} for a in ("site", "servers", "security_manager", "rules_and_drills")
}
VIEWERS = ["applicant", "member", "consultant", "reviewer", "inspector", "approver"]
STRANGERS = ["outsider", "other_reviewer"]


@pytest.fixture
def filed(personas: Personas) -> Application:
    case = actions.create_application(personas.consultant, personas.enterprise)
    return file_with_materials(personas.consultant, case)


def _get(client: Client, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


# ------------------------------------------------------------ access matrix


@pytest.mark.parametrize("who", VIEWERS + STRANGERS + ["anonymous"])
def test_case_page_access_matrix(client: Client, personas: Personas, filed: Application, who: str) -> None:
    url = f"/cases/{filed.pk}/"
    if who == "anonymous":
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    response = _get(client, getattr(personas, who), url)
    assert response.status_code == (404 if who in STRANGERS else 200)
    if response.status_code == 404:
        assert personas.enterprise.name not in response.content.decode()


def test_an_unknown_case_is_404(client: Client, personas: Personas) -> None:
    assert _get(client, personas.reviewer, "/cases/999999/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("applicant", 200),
        ("member", 200),
        ("consultant", 200),
        ("outsider", 200),  # for its own client only
        ("reviewer", 404),
        ("inspector", 404),
        ("approver", 404),
        ("other_reviewer", 404),
        ("anonymous", 302),
    ],
)
def test_new_case_page_access_matrix(client: Client, personas: Personas, who: str, status: int) -> None:
    if who == "anonymous":
        response = client.get("/cases/new/")
    else:
        response = _get(client, getattr(personas, who), "/cases/new/")
    assert response.status_code == status
    if who == "outsider":
        body = response.content.decode()
        assert personas.other_enterprise.name in body
        assert personas.enterprise.name not in body


def test_new_case_creates_a_draft_and_goes_to_it(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    response = client.post(
        "/cases/new/", {"enterprise": personas.enterprise.pk, "license_type": "B21", "kind": "new"}
    )
    case = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.state == State.DRAFT
    assert case.license_type == "B21"
    assert case.agency == personas.agency
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page
    assert "已创建申请草稿" in page


def test_new_case_for_an_enterprise_out_of_reach_is_refused(client: Client, personas: Personas) -> None:
    client.force_login(personas.outsider)
    response = client.post(
        "/cases/new/", {"enterprise": personas.enterprise.pk, "license_type": "B25", "kind": "new"}
    )
    assert response.status_code == 422
    assert not Application.objects.exists()
    body = response.content.decode()
    assert "企业" in body and 'class="error"' in body
    assert personas.enterprise.name not in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("applicant", 302),
        ("consultant", 302),
        ("reviewer", 302),
        ("approver", 302),
        ("outsider", 404),
        ("other_reviewer", 404),
        ("anonymous", 302),
    ],
)
def test_comment_access_matrix(
    client: Client, personas: Personas, filed: Application, who: str, status: int
) -> None:
    url = f"/cases/{filed.pk}/comments/"
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    response = client.post(url, {"body": "请尽快安排受理。"})
    assert response.status_code == status
    stored = Comment.objects.filter(application=filed).count()
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
        assert stored == 0
    else:
        assert stored == (1 if status == 302 else 0)
    assert client.get(url).status_code in {302, 404, 405}


def test_comment_is_shown_and_an_empty_one_refused(
    client: Client, personas: Personas, filed: Application
) -> None:
    client.force_login(personas.applicant)
    response = client.post(f"/cases/{filed.pk}/comments/", {"body": "服务器地址已更正。"}, follow=True)
    assert "服务器地址已更正。" in response.content.decode()
    refused = client.post(f"/cases/{filed.pk}/comments/", {"body": "   "})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "留言不能为空" in body
    assert 'data-field="body"' in body


# ------------------------------------------------------------------ content


def test_case_page_shows_enterprise_snapshot_timeline_and_audit(
    client: Client, personas: Personas, filed: Application
) -> None:
    p = personas
    today = timezone.localdate()
    body = _get(client, p.reviewer, f"/cases/{filed.pk}/").content.decode()
    assert p.enterprise.name in body and p.enterprise.uscc in body
    assert p.enterprise.domain in body and "兰州市" in body
    assert f'href="/enterprises/{p.enterprise.pk}/"' in body
    assert "已申报，待受理" in body
    # the eligibility snapshot taken when filed
    assert "申报时的资格评估" in body and "entity.uscc" in body and "符合条件" in body
    # the timeline: filing done today, acceptance due, the next steps projected from it
    acceptance_due = due_for("acceptance", today).on
    inspection_projected = due_for("inspection", acceptance_due).on
    decision_projected = due_for("decision", inspection_projected).on
    assert filed.due_on == acceptance_due
    timeline = body[body.index('id="timeline"') : body.index('id="eligibility"')]
    assert today.isoformat() in timeline
    assert acceptance_due.isoformat() in timeline
    assert inspection_projected.isoformat() in timeline
    assert decision_projected.isoformat() in timeline
    assert "预计期限" in timeline and "剩余" in timeline
    # the audit trail
    audit = body[body.index('id="audit"') :]
    assert "提交申报" in audit and "草稿" in audit and "已申报，待受理" in audit


def test_actions_offered_follow_role_and_state(
    client: Client, personas: Personas, filed: Application
) -> None:
    p = personas

    def forms(who: Any) -> set[str]:
        body = _get(client, who, f"/cases/{filed.pk}/").content.decode()
        return {
            name
            for name in ("accept", "return", "withdraw", "answer", "lapse", "file")
            if f'id="action-{name}"' in body
        }

    assert forms(p.reviewer) == {"accept", "return"}
    assert forms(p.consultant) == {"withdraw"}
    assert forms(p.applicant) == {"withdraw"}
    assert forms(p.inspector) == set()
    assert forms(p.approver) == set()
    page = _get(client, p.reviewer, f"/cases/{filed.pk}/").content.decode()
    assert f'name="version" value="{filed.version}"' in page
    # the return form lists at least three blank rows at once
    assert 'name="item_2"' in page and 'name="reason_2"' in page


def test_returned_case_shows_notice_and_paused_clock(
    client: Client, personas: Personas, filed: Application
) -> None:
    p = personas
    actions.return_application(p.reviewer, filed, [{"item": "验资报告", "reason": "印章不清晰"}])
    body = _get(client, p.applicant, f"/cases/{filed.pk}/").content.decode()
    assert "补正通知" in body and "验资报告" in body and "印章不清晰" in body
    assert filed.supplements.get().due_on.isoformat() in body
    assert "计时暂停" in body
    assert 'id="action-answer"' in body


def test_overdue_step_is_marked_on_the_case_page(client: Client, personas: Personas) -> None:
    p = personas
    case = actions.create_application(p.applicant, p.enterprise)
    file_with_materials(p.applicant, case, today=date(2026, 11, 2))
    assert case.due_on is not None and case.due_on < timezone.localdate()
    body = _get(client, p.reviewer, f"/cases/{case.pk}/").content.decode()
    timeline = body[body.index('id="timeline"') : body.index('id="eligibility"')]
    assert "overdue" in timeline and "已逾期" in timeline


def test_issued_case_shows_inspection_decision_and_license(
    client: Client, personas: Personas, filed: Application
) -> None:
    p = personas
    today = timezone.localdate()
    actions.accept_application(p.reviewer, filed)
    actions.schedule_inspection(p.inspector, filed, today, [p.inspector])
    actions.record_inspection(
        p.inspector, filed, {**RECORD, "servers": {"passed": True, "remarks": "与托管协议一致"}}
    )
    actions.approve_application(p.approver, filed, "材料齐全")
    actions.issue_certificate(p.approver, filed)
    body = _get(client, p.applicant, f"/cases/{filed.pk}/").content.decode()
    assert "现场核查" in body and "与托管协议一致" in body and "inspector" in body
    assert "材料齐全" in body
    assert filed.license.number in body
    assert 'id="actions"' not in body
    timeline = body[body.index('id="timeline"') :]
    assert "预计期限" not in timeline[: timeline.index("</ol>")]


def test_case_page_speaks_english_when_asked(client: Client, personas: Personas, filed: Application) -> None:
    client.force_login(personas.reviewer)
    response = client.get(f"/cases/{filed.pk}/", headers={"accept-language": "en"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Filed, awaiting acceptance" in body
    assert "Online filing" in body
