"""The work queues: who sees which cases, overdue and provisional marks, filters and fixed query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from icpdesk.accounts.choices import Role
from icpdesk.accounts.models import Mandate
from icpdesk.calendars.services import get_calendar
from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import State
from icpdesk.enterprises.models import Enterprise
from tests.factories import Personas, file_with_materials, make_enterprise, make_user

pytestmark = pytest.mark.django_db


QUEUE = "/cases/"
RECORD = {
    a: {"passed": True, "remarks": ""} for a in ("site", "servers", "security_manager", "rules_and_drills")
}


def _case(
    enterprise: Enterprise, state: State, *, due: date | None = None, provisional: bool = False
) -> Application:
    """A case row in a given state (test data only: the actions are tested in test_walk and the pages)."""
    count = Application.objects.count() + 1
    return Application.objects.create(
        reference=f"T-{enterprise.pk}-{count}",
        enterprise=enterprise,
        state=state.value,
        province_code=enterprise.province_code,
        prefecture=enterprise.city,
        rule_pack="gansu",
        due_step="acceptance" if due else "",
        due_on=due,
        due_provisional=provisional,
        filed_on=timezone.localdate() if state != State.DRAFT else None,
    )


def _body(client: Client, user: object, url: str = QUEUE) -> str:
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "who",
    ["applicant", "member", "consultant", "reviewer", "inspector", "approver", "outsider", "other_reviewer"],
)
def test_every_persona_has_a_queue(client: Client, personas: Personas, who: str) -> None:
    client.force_login(getattr(personas, who))
    assert client.get(QUEUE).status_code == 200


def test_signed_in_home_redirects_to_the_queue(client: Client, personas: Personas) -> None:
    client.force_login(personas.applicant)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_queue_is_get_only(client: Client, personas: Personas) -> None:
    client.force_login(personas.reviewer)
    assert client.post(QUEUE).status_code == 405


def test_each_regulator_role_sees_the_cases_waiting_for_its_step(client: Client, personas: Personas) -> None:
    p = personas
    by_state = {s: _case(p.enterprise, s, due=date(2026, 12, 10)) for s in State}
    expected = {
        "reviewer": {State.FILED, State.RETURNED},
        "inspector": {State.ACCEPTED, State.INSPECTION_SCHEDULED},
        "approver": {State.INSPECTED, State.APPROVED},
    }
    for who, states in expected.items():
        body = _body(client, getattr(p, who))
        for state, case in by_state.items():
            assert (case.reference in body) == (state in states), (who, state)
    body = _body(client, p.other_reviewer)
    assert not any(case.reference in body for case in by_state.values())


def test_a_user_with_several_roles_sees_each_queue(client: Client, personas: Personas) -> None:
    p = personas
    both = make_user("both", p.regulator, [Role.REVIEWER, Role.APPROVER])
    filed = _case(p.enterprise, State.FILED, due=date(2026, 12, 10))
    inspected = _case(p.enterprise, State.INSPECTED, due=date(2026, 12, 10))
    accepted = _case(p.enterprise, State.ACCEPTED, due=date(2026, 12, 10))
    body = _body(client, both)
    assert 'id="queue-reviewer"' in body and 'id="queue-approver"' in body
    assert filed.reference in body and inspected.reference in body
    assert accepted.reference not in body


def test_oldest_deadline_first_and_overdue_marked(client: Client, personas: Personas) -> None:
    p = personas
    today = timezone.localdate()
    later = _case(p.enterprise, State.FILED, due=today + timedelta(days=20))
    overdue = _case(p.enterprise, State.FILED, due=today - timedelta(days=7))
    soon = _case(p.enterprise, State.FILED, due=today + timedelta(days=2))
    body = _body(client, p.reviewer)
    assert body.index(overdue.reference) < body.index(soon.reference) < body.index(later.reference)
    row = body[body.index(overdue.reference) - 200 : body.index(soon.reference)]
    assert 'class="overdue' in row
    assert "已逾期" in row
    days = get_calendar().working_days_between(today, overdue.due_on).working_days  # type: ignore[arg-type]
    assert f"已逾期 {-days} 个工作日" in row
    soon_row = body[body.index(soon.reference) : body.index(later.reference)]
    assert "已逾期" not in soon_row
    left = get_calendar().working_days_between(today, soon.due_on).working_days  # type: ignore[arg-type]
    assert f"剩余 {left} 个工作日" in soon_row


def test_provisional_deadline_is_marked(client: Client, personas: Personas) -> None:
    p = personas
    case = _case(p.enterprise, State.ACCEPTED, due=date(2027, 1, 20), provisional=True)
    body = _body(client, p.inspector)
    assert case.reference in body
    assert "待官方节假日安排" in body[body.index(case.reference) :]


def test_the_applicant_sees_its_cases_and_the_supplement_asked_first(
    client: Client, personas: Personas
) -> None:
    p = personas
    case = actions.create_application(p.applicant, p.enterprise)
    file_with_materials(p.applicant, case)
    actions.return_application(p.reviewer, case, [{"item": "托管协议", "reason": "服务器地址与申请表不一致"}])
    draft = actions.create_application(p.applicant, p.enterprise)
    other = _case(p.other_enterprise, State.FILED, due=date(2026, 12, 10))
    body = _body(client, p.applicant)
    assert "待您补正" in body
    assert "托管协议" in body and "服务器地址与申请表不一致" in body
    notice = case.supplements.get()
    assert notice.due_on.isoformat() in body
    assert body.index("待您补正") < body.index("我的案件")
    assert case.reference in body and draft.reference in body
    assert other.reference not in body
    # the outsider's client is not the applicant's; the outsider does not see the applicant's cases
    outsider_body = _body(client, p.outsider)
    assert case.reference not in outsider_body and other.reference in outsider_body


def test_consultant_sees_all_clients_and_filters(client: Client, personas: Personas) -> None:
    p = personas
    today = timezone.localdate()
    second = make_enterprise("酒泉光伏设备商贸有限公司", city="酒泉市")
    Mandate.objects.create(agency=p.agency, enterprise=second)
    a = _case(p.enterprise, State.FILED, due=today + timedelta(days=10))
    b = _case(second, State.ACCEPTED, due=today - timedelta(days=3))
    c = _case(second, State.DRAFT)
    foreign = _case(p.other_enterprise, State.FILED, due=today)
    client.force_login(p.consultant)

    def refs(query: str) -> set[str]:
        response = client.get(QUEUE + query)
        assert response.status_code == 200
        text = response.content.decode()
        return {x.reference for x in (a, b, c, foreign) if x.reference in text}

    assert refs("") == {a.reference, b.reference, c.reference}
    assert refs("?state=accepted") == {b.reference}
    assert refs("?client=酒泉") == {b.reference, c.reference}
    assert refs("?prefecture=兰州市") == {a.reference}
    assert refs(f"?due_before={(today + timedelta(days=5)).isoformat()}") == {b.reference}
    assert refs("?overdue=on") == {b.reference}
    # a malformed date is reported, not a 500
    response = client.get(QUEUE + "?due_before=2026-13-45")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_agency_queue_is_paginated_by_fifty(client: Client, personas: Personas) -> None:
    p = personas
    today = timezone.localdate()
    for i in range(55):
        _case(p.enterprise, State.FILED, due=today + timedelta(days=i))
    client.force_login(p.consultant)
    first = client.get(QUEUE).content.decode()
    assert first.count("/cases/") >= 50
    assert "第 1 / 2 页" in first
    second = client.get(QUEUE + "?page=2").content.decode()
    assert "第 2 / 2 页" in second


def _many(p: Personas, n: int) -> None:
    today = timezone.localdate()
    states = [State.FILED, State.RETURNED, State.ACCEPTED, State.INSPECTED, State.DRAFT]
    for i in range(n):
        enterprise = make_enterprise(f"测试电商{i}有限公司", eligible=False, city="白银市")
        Mandate.objects.create(agency=p.agency, enterprise=enterprise)
        _case(enterprise, states[i % len(states)], due=today + timedelta(days=i - 5))
        _case(p.enterprise, states[i % len(states)], due=today + timedelta(days=i - 5))


# The queries each queue runs, whatever the number of rows: session, user, organisation,
# then the page's own (counts and pages; for agencies the mandate subquery is inside them).
EXPECTED_ROWS: dict[str, Callable[[int], int]] = {
    # _many: states cycle filed, returned, accepted, inspected, draft; two cases each round
    "reviewer": lambda n: 2 * sum(1 for i in range(n) if i % 5 in (0, 1)),
    "inspector": lambda n: 2 * sum(1 for i in range(n) if i % 5 == 2),
    "consultant": lambda n: min(2 * n, 50),  # one page
    "applicant": lambda n: n,
}
# Regulator staff sign in with two factors: one more query reads the session's OTP device.
# Every page's menu counts the unread notifications: one query each.
QUERY_PINS = {"reviewer": 7, "inspector": 7, "consultant": 6, "applicant": 8}


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("who", sorted(QUERY_PINS))
def test_queue_runs_a_fixed_number_of_queries(
    client: Client, personas: Personas, django_assert_num_queries: Any, n: int, who: str
) -> None:
    _many(personas, n)
    if who == "applicant":
        returned = actions.create_application(personas.applicant, personas.enterprise)
        file_with_materials(personas.applicant, returned)
        actions.return_application(personas.reviewer, returned, [{"item": "章程", "reason": "缺档案章"}])
    client.force_login(getattr(personas, who))
    get_calendar()  # the calendar is held in memory; load it outside the measured request
    with django_assert_num_queries(QUERY_PINS[who]):
        response = client.get(QUEUE)
    assert response.status_code == 200
    rows = response.content.decode().count('<tr class="')
    extra = 1 if who == "applicant" else 0  # the returned case with its notice
    assert rows == EXPECTED_ROWS[who](n) + extra  # every row was rendered within those queries
    if who == "applicant":
        assert "缺档案章" in response.content.decode()
