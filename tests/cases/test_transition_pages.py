"""Each transition through its form on the case page: access, state changes, stale pages, refused input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from icpdesk.cases import actions
from icpdesk.cases.models import Application, SupplementNotice
from icpdesk.core.lifecycle import State
from icpdesk.enterprises.models import Ban
from tests.factories import Personas, file_with_materials, supply_materials

pytestmark = pytest.mark.django_db

AREAS = ("site", "servers", "security_manager", "rules_and_drills")
RECORD = {a: {"passed": True, "remarks": ""} for a in AREAS}


def _walk(p: Personas, state: State) -> Application:
    """A case brought to ``state`` by the actions."""
    today = timezone.localdate()
    case = actions.create_application(p.consultant, p.enterprise)
    supply_materials(case)
    if state == State.DRAFT:
        return case
    file_with_materials(p.consultant, case)
    if state == State.FILED:
        return case
    if state == State.RETURNED:
        return actions.return_application(p.reviewer, case, [{"item": "验资报告", "reason": "不清晰"}])
    actions.accept_application(p.reviewer, case)
    if state == State.ACCEPTED:
        return case
    actions.schedule_inspection(p.inspector, case, today, [p.inspector])
    if state == State.INSPECTION_SCHEDULED:
        return case
    actions.record_inspection(p.inspector, case, RECORD)
    if state == State.INSPECTED:
        return case
    actions.approve_application(p.approver, case)
    assert state == State.APPROVED
    return case


def _post(
    client: Client, user: Any, case: Application, action: str, data: dict[str, Any] | None = None
) -> Any:
    if user is not None:
        client.force_login(user)
    payload = {"version": case.version, **(data or {})}
    return client.post(f"/cases/{case.pk}/act/{action}/", payload)


# ------------------------------------------------------------ access matrix


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_reviewer", 404),
        ("applicant", 403),
        ("consultant", 403),
        ("inspector", 403),
        ("approver", 403),
        ("reviewer", 302),
    ],
)
def test_accept_access_matrix(client: Client, personas: Personas, who: str, status: int) -> None:
    case = _walk(personas, State.FILED)
    user = None if who == "anonymous" else getattr(personas, who)
    response = _post(client, user, case, "accept")
    assert response.status_code == status
    case.refresh_from_db()
    assert case.state == (State.ACCEPTED if who == "reviewer" else State.FILED)
    if status == 302 and who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if status == 403:
        assert "您无权执行“受理”" in response.content.decode()
    if status == 404:
        assert personas.enterprise.name not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    # A draft is not the regulator's to see until it is filed: 404, as for the outsider.
    [("anonymous", 302), ("outsider", 404), ("other_reviewer", 404), ("reviewer", 404), ("member", 302)],
)
def test_file_access_matrix(client: Client, personas: Personas, who: str, status: int) -> None:
    case = _walk(personas, State.DRAFT)
    response = _post(client, None if who == "anonymous" else getattr(personas, who), case, "file")
    assert response.status_code == status
    case.refresh_from_db()
    assert case.state == (State.FILED if who == "member" else State.DRAFT)


def test_actions_are_post_only_and_unknown_ones_404(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.FILED)
    client.force_login(personas.reviewer)
    assert client.get(f"/cases/{case.pk}/act/accept/").status_code == 405
    assert _post(client, None, case, "teleport").status_code == 404
    assert client.post("/cases/999999/act/accept/", {"version": 0}).status_code == 404


# ---------------------------------------------------- each transition on the page


def _ok(client: Client, response: Any, case: Application, state: State) -> None:
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == state
    page = client.get(response["Location"]).content.decode()
    assert "已完成“" in page


def test_file_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.DRAFT)
    _ok(client, _post(client, personas.applicant, case, "file"), case, State.FILED)
    assert case.filed_on == timezone.localdate()


def test_accept_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.FILED)
    _ok(client, _post(client, personas.reviewer, case, "accept"), case, State.ACCEPTED)
    assert case.due_step == "inspection"


def test_return_through_the_page_lists_every_item(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.FILED)
    data = {
        "item_0": "托管协议",
        "reason_0": "服务器地址与申请表不一致",
        "item_1": "",
        "reason_1": "",
        "item_2": "验资报告",
        "reason_2": "印章不清晰",
    }
    _ok(client, _post(client, personas.reviewer, case, "return", data), case, State.RETURNED)
    notice = SupplementNotice.objects.get(application=case)
    assert notice.items == [
        {"item": "托管协议", "reason": "服务器地址与申请表不一致"},
        {"item": "验资报告", "reason": "印章不清晰"},
    ]


def test_answer_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.RETURNED)
    response = _post(client, personas.consultant, case, "answer", {"answer": "已重新上传清晰的验资报告。"})
    _ok(client, response, case, State.FILED)
    assert case.supplements.get().answer == "已重新上传清晰的验资报告。"


def test_lapse_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.RETURNED)
    early = _post(client, personas.reviewer, case, "lapse")
    assert early.status_code == 422
    assert "尚未届满" in early.content.decode()
    SupplementNotice.objects.filter(application=case).update(due_on=timezone.localdate() - timedelta(days=3))
    _ok(client, _post(client, personas.reviewer, case, "lapse"), case, State.LAPSED)


def test_schedule_inspection_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.ACCEPTED)
    on = timezone.localdate() + timedelta(days=3)
    data = {"date": on.isoformat(), "inspectors": [personas.inspector.pk]}
    _ok(
        client,
        _post(client, personas.inspector, case, "schedule_inspection", data),
        case,
        State.INSPECTION_SCHEDULED,
    )
    inspection = case.inspections.get()
    assert inspection.scheduled_on == on
    assert list(inspection.inspectors.all()) == [personas.inspector]


def test_schedule_inspection_offers_only_the_regulators_inspectors(
    client: Client, personas: Personas
) -> None:
    case = _walk(personas, State.ACCEPTED)
    response = _post(
        client,
        personas.inspector,
        case,
        "schedule_inspection",
        {"date": timezone.localdate().isoformat(), "inspectors": [personas.reviewer.pk]},
    )
    assert response.status_code == 422
    assert 'data-field="inspectors"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_record_inspection_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.INSPECTION_SCHEDULED)
    data: dict[str, Any] = {f"{a}_passed": "yes" for a in AREAS}
    data["servers_remarks"] = "机房位于兰州"
    _ok(client, _post(client, personas.inspector, case, "record_inspection", data), case, State.INSPECTED)
    record = case.inspections.get().record
    assert record is not None
    assert record["servers"] == {"passed": True, "remarks": "机房位于兰州"}
    assert all(record[a]["passed"] for a in AREAS)


def test_approve_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.INSPECTED)
    _ok(client, _post(client, personas.approver, case, "approve", {"reasons": ""}), case, State.APPROVED)
    assert case.decision == "approved"


def test_reject_for_forgery_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.INSPECTED)
    data = {"reasons": "托管协议伪造，服务器实际位于境外", "forged": "on"}
    _ok(client, _post(client, personas.approver, case, "reject", data), case, State.REJECTED)
    assert case.forged
    assert Ban.objects.filter(uscc=personas.enterprise.uscc).exists()


def test_issue_certificate_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.APPROVED)
    _ok(client, _post(client, personas.approver, case, "issue_certificate"), case, State.CERTIFICATE_ISSUED)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.license.number in page


def test_withdraw_through_the_page(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.ACCEPTED)
    response = _post(client, personas.applicant, case, "withdraw", {"reason": "暂缓申请"})
    _ok(client, response, case, State.WITHDRAWN)
    assert case.audit_events.filter(action="withdraw", reason="暂缓申请").exists()


# ------------------------------------------------ stale pages and refused input


def test_a_stale_page_gets_the_case_changed_message_and_no_transition(
    client: Client, personas: Personas
) -> None:
    case = _walk(personas, State.FILED)
    stale_version = case.version
    actions.return_application(personas.reviewer, case, [{"item": "章程", "reason": "缺档案章"}])
    client.force_login(personas.reviewer)
    response = client.post(f"/cases/{case.pk}/act/accept/", {"version": stale_version})
    assert response.status_code == 409
    assert "案件已被他人更新" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.RETURNED
    assert not case.audit_events.filter(action="accept").exists()


def test_a_second_identical_submission_does_not_transition_twice(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.FILED)
    version = case.version
    client.force_login(personas.reviewer)
    first = client.post(f"/cases/{case.pk}/act/accept/", {"version": version})
    second = client.post(f"/cases/{case.pk}/act/accept/", {"version": version})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "案件已被他人更新" in second.content.decode()
    assert case.audit_events.filter(action="accept").count() == 1


def test_a_wrong_state_is_409_with_the_state(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.ACCEPTED)
    response = _post(client, personas.reviewer, case, "accept")
    assert response.status_code == 409
    assert "不能执行“受理”" in response.content.decode()


def test_missing_version_is_refused(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.FILED)
    client.force_login(personas.reviewer)
    response = client.post(f"/cases/{case.pk}/act/accept/", {})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.state == State.FILED


def test_a_refused_return_keeps_the_typed_rows_and_names_the_field(
    client: Client, personas: Personas
) -> None:
    case = _walk(personas, State.FILED)
    data = {"item_0": "网站拓扑图", "reason_0": "", "item_1": "隐私政策", "reason_1": "未盖公章"}
    response = _post(client, personas.reviewer, case, "return", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="网站拓扑图"' in body and 'value="隐私政策"' in body and 'value="未盖公章"' in body
    assert 'data-field="item_0"' in body
    assert "补正事项 1" in body and "须同时写明事项和原因" in body
    case.refresh_from_db()
    assert case.state == State.FILED


def test_a_refused_rejection_keeps_the_typed_text_and_names_the_field(
    client: Client, personas: Personas
) -> None:
    case = _walk(personas, State.INSPECTED)
    response = _post(client, personas.approver, case, "reject", {"reasons": "   ", "forged": "on"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-field="reasons"' in body and "不予许可须写明理由" in body
    assert 'name="forged" id="id_forged" checked' in body
    case.refresh_from_db()
    assert case.state == State.INSPECTED


def test_a_refused_inspection_record_keeps_the_remarks_and_names_the_area(
    client: Client, personas: Personas
) -> None:
    case = _walk(personas, State.INSPECTION_SCHEDULED)
    data: dict[str, Any] = {f"{a}_passed": "yes" for a in AREAS}
    data["servers_passed"] = "no"
    data["site_remarks"] = "交易功能完整"
    response = _post(client, personas.inspector, case, "record_inspection", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "交易功能完整" in body
    assert 'data-field="servers_remarks"' in body and "须写明原因" in body
    case.refresh_from_db()
    assert case.state == State.INSPECTION_SCHEDULED


def test_an_empty_answer_is_refused_with_the_field(client: Client, personas: Personas) -> None:
    case = _walk(personas, State.RETURNED)
    response = _post(client, personas.applicant, case, "answer", {"answer": ""})
    assert response.status_code == 422
    assert 'data-field="answer"' in response.content.decode()
