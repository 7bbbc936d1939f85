"""Who gets what from every endpoint: the persona access matrix.

Each row is an endpoint, the state the case is in first, a body, and the
status each persona gets. A case or enterprise the persona may not see is 404,
exactly as if it did not exist; a visible case whose action the persona's
role or mandate does not allow is 403; no credentials is 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from icpdesk.cases import actions
from icpdesk.core.lifecycle import State
from icpdesk.enterprises.services import assess_enterprise
from tests.api.conftest import ALL_RECORD, PERSONAS, Api, case_in
from tests.factories import Personas, file_a_case

pytestmark = pytest.mark.django_db

READ = dict.fromkeys(("applicant", "consultant", "reviewer", "inspector", "approver"), 200) | {
    "outsider": 404,
    "other_reviewer": 404,
    None: 401,
}


def only(allowed: tuple[str, ...], status: int = 200) -> dict[str | None, int]:
    """``status`` for ``allowed``, 403 for the other personas who see the case, 404/401 for the rest."""
    expected: dict[str | None, int] = dict.fromkeys(
        ("applicant", "consultant", "reviewer", "inspector", "approver"), 403
    )
    expected.update(dict.fromkeys(allowed, status))
    expected.update({"outsider": 404, "other_reviewer": 404, None: 401})
    return expected


APPLICANT_SIDE = ("applicant", "consultant")


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    state: State
    expected: dict[str | None, int]
    body: Any = None
    materials: bool | None = None  # upload the case's materials first (a draft that is to be filed)


def _rows() -> list[Row]:
    today = timezone.localdate().isoformat()
    return [
        Row("get", "/cases/{case}", State.FILED, READ),
        Row("get", "/cases/{case}/comments", State.FILED, READ),
        Row("get", "/cases/{case}/audit", State.FILED, READ),
        Row(
            "post",
            "/cases/{case}/comments",
            State.FILED,
            READ | {p: 201 for p in READ if READ[p] == 200},
            {"body": "你好"},
        ),
        # A draft is the applicant side's alone: it reaches the regulator once filed.
        Row(
            "post",
            "/cases/{case}/file",
            State.DRAFT,
            only(APPLICANT_SIDE) | dict.fromkeys(("reviewer", "inspector", "approver"), 404),
            materials=True,
        ),
        Row("post", "/cases/{case}/accept", State.FILED, only(("reviewer",))),
        Row(
            "post",
            "/cases/{case}/return",
            State.FILED,
            only(("reviewer",)),
            {"items": [{"item": "articles", "reason": "缺少档案章"}]},
        ),
        Row("post", "/cases/{case}/answer", State.RETURNED, only(APPLICANT_SIDE), {"answer": "已补充"}),
        # Before the supplement limit the reviewer is refused on the merits (422), the others on the role.
        Row("post", "/cases/{case}/lapse", State.RETURNED, only(("reviewer",), 422)),
        Row(
            "post",
            "/cases/{case}/schedule-inspection",
            State.ACCEPTED,
            only(("inspector",)),
            {"date": today, "inspectors": ["inspector"]},
        ),
        Row(
            "post",
            "/cases/{case}/record-inspection",
            State.INSPECTION_SCHEDULED,
            only(("inspector",)),
            {"record": ALL_RECORD},
        ),
        Row("post", "/cases/{case}/approve", State.INSPECTED, only(("approver",)), {"reasons": "符合条件"}),
        Row("post", "/cases/{case}/reject", State.INSPECTED, only(("approver",)), {"reasons": "不符合条件"}),
        Row("post", "/cases/{case}/issue-certificate", State.APPROVED, only(("approver",))),
        Row("post", "/cases/{case}/withdraw", State.FILED, only(APPLICANT_SIDE), {"reason": "不再申请"}),
        # The enterprise has filed a case, so its province's regulator sees it
        # (before that it is 404 to the regulator: tests/test_access.py).
        Row("get", "/enterprises/{enterprise}", State.FILED, READ),
        Row("get", "/enterprises/{enterprise}/eligibility", State.FILED, READ),
        Row(
            "post",
            "/enterprises/{enterprise}/eligibility",
            State.FILED,
            READ | {p: 201 for p in READ if READ[p] == 200},
        ),
        Row("post", "/cases", State.FILED, only(APPLICANT_SIDE, 201), {"enterprise_id": "{enterprise}"}),
    ]


ROWS = _rows()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path}" for r in ROWS])
def test_access_matrix(api: Api, personas: Personas, row: Row) -> None:
    assess_enterprise(personas.enterprise)
    shared = case_in(personas, row.state, materials=row.materials) if row.method == "get" else None
    for who in (*PERSONAS, None):
        case = shared or case_in(personas, row.state, materials=row.materials)
        before = (case.state, case.version)
        path = row.path.format(case=case.pk, enterprise=personas.enterprise.pk)
        body = row.body
        if isinstance(body, dict) and body.get("enterprise_id") == "{enterprise}":
            body = {"enterprise_id": personas.enterprise.pk}
        response = api.get(who, path) if row.method == "get" else api.post(who, path, body)
        expected = row.expected[who]
        assert response.status_code == expected, (who, response.content.decode())
        payload = response.json()
        if expected >= 400:
            assert {"code", "message", "field", "state"} <= set(payload), who
            case.refresh_from_db()
            assert (case.state, case.version) == before, who
        if expected == 404:
            assert payload["code"] == "not_found"
            # the same answer as for a case that does not exist
            missing = row.path.format(case=10**9, enterprise=10**9)
            other = api.get(who, missing) if row.method == "get" else api.post(who, missing, body)
            assert other.status_code == 404
            assert other.json() == payload


@pytest.mark.parametrize(
    "who", ["applicant", "consultant", "reviewer", "inspector", "approver", "outsider", "other_reviewer"]
)
def test_the_case_list_shows_each_persona_only_their_cases(api: Api, personas: Personas, who: str) -> None:
    ours = case_in(personas, State.FILED)
    theirs = file_a_case(personas.other_enterprise, personas.other_agency)
    draft = actions.create_application(personas.outsider, personas.other_enterprise)
    ids = {c["id"] for c in api.get(who, "/cases").json()["items"]}
    expected = {
        "applicant": {ours.pk},
        "consultant": {ours.pk},
        "reviewer": {ours.pk, theirs.pk},
        "inspector": {ours.pk, theirs.pk},
        "approver": {ours.pk, theirs.pk},
        "outsider": {theirs.pk, draft.pk},
        "other_reviewer": set(),
    }[who]
    assert ids == expected
    enterprises = {e["id"] for e in api.get(who, "/enterprises").json()["items"]}
    assert (personas.enterprise.pk in enterprises) == (ours.pk in expected)
    assert api.get(None, "/cases").status_code == 401


def test_a_revoked_mandate_ends_the_consultants_access_at_once(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    assert api.get("consultant", f"/cases/{case.pk}").status_code == 200
    personas.mandate.revoked_at = timezone.now()
    personas.mandate.save()
    assert api.get("consultant", f"/cases/{case.pk}").status_code == 404
    assert api.post("consultant", f"/cases/{case.pk}/withdraw").status_code == 404


def test_a_mandate_without_filing_scope_may_view_but_not_file(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    personas.mandate.file = False
    personas.mandate.save()
    detail = api.get("consultant", f"/cases/{case.pk}").json()
    assert detail["allowed_actions"] == []
    refused = api.post("consultant", f"/cases/{case.pk}/file")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
