"""A small client for the API: call endpoints as a persona with a bearer token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from icpdesk.accounts.models import ApiToken, User
from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import INSPECTION_AREAS, State
from tests.factories import Personas, supply_materials

BASE = "/api/v1"
PERSONAS = ("applicant", "consultant", "reviewer", "inspector", "approver", "outsider", "other_reviewer")
ALL_RECORD = {area: {"passed": True, "remarks": ""} for area, _, _ in INSPECTION_AREAS}


@dataclass
class Api:
    client: Client
    personas: Personas
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, who: str | User) -> str:
        user = getattr(self.personas, who) if isinstance(who, str) else who
        key = user.username
        if key not in self.tokens:
            _, self.tokens[key] = ApiToken.issue(user, "test")
        return self.tokens[key]

    def headers(self, who: str | User | None, **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if who is not None:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        return headers

    def get(self, who: str | User | None, path: str, params: dict[str, Any] | None = None, **hdr: str) -> Any:
        return self.client.get(BASE + path, params or {}, headers=self.headers(who, **hdr))

    def post(self, who: str | User | None, path: str, body: Any = None, **hdr: str) -> Any:
        data = "" if body is None else (body if isinstance(body, (str, bytes)) else json.dumps(body))
        return self.client.post(
            BASE + path, data, content_type="application/json", headers=self.headers(who, **hdr)
        )


@pytest.fixture
def api(client: Client, personas: Personas) -> Api:
    return Api(client, personas)


def case_in(p: Personas, state: State, *, materials: bool | None = None) -> Application:
    """A case of ``p.enterprise`` brought to ``state`` through the actions (today's date).

    Its required materials are uploaded when it is to be filed (or when ``materials`` says so).
    """
    case = actions.create_application(p.consultant, p.enterprise)
    if materials if materials is not None else state not in (State.DRAFT, State.WITHDRAWN):
        supply_materials(case, p.consultant)  # filing needs every required material
    if state == State.DRAFT:
        return case
    if state == State.WITHDRAWN:
        return actions.withdraw_application(p.applicant, case, "不再申请")
    actions.file_application(p.consultant, case)
    if state == State.FILED:
        return case
    if state in (State.RETURNED, State.LAPSED):
        actions.return_application(p.reviewer, case, [{"item": "business_license", "reason": "复印件不清晰"}])
        if state == State.LAPSED:
            later = timezone.localdate() + timedelta(days=60)
            actions.lapse_application(p.reviewer, case, today=later)
        return case
    actions.accept_application(p.reviewer, case)
    if state == State.ACCEPTED:
        return case
    actions.schedule_inspection(p.inspector, case, timezone.localdate(), [p.inspector])
    if state == State.INSPECTION_SCHEDULED:
        return case
    actions.record_inspection(p.inspector, case, ALL_RECORD)
    if state == State.INSPECTED:
        return case
    if state == State.REJECTED:
        return actions.reject_application(p.approver, case, "材料不实")
    actions.approve_application(p.approver, case, "符合条件")
    if state == State.APPROVED:
        return case
    return actions.issue_certificate(p.approver, case)
