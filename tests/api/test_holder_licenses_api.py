"""The license holder's duties in the API: who may call each endpoint, and what it does.

A license the caller may not see is 404, exactly as if it did not exist; a
visible license whose action the caller's role or mandate does not allow is
403; no credentials is 401. The actions are the pages' own, so a view-only
mandate sees the license and may do nothing with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from unittest import mock

import pytest

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import Mandate
from icpdesk.cases.models import Application
from icpdesk.licenses import actions
from icpdesk.licenses.models import AnnualReport, ChangeFiling, License
from tests.api.conftest import BASE, Api
from tests.factories import Personas, make_organisation, make_user
from tests.licenses.helpers import make_license

pytestmark = pytest.mark.django_db

# On this day the 2025 report is owed (its window is 2026-01-01 to 2026-03-31).
TODAY = date(2026, 3, 3)
# A license issued 2025-06-16 runs to 2030-06-16; its renewal opens six months before.
RENEWAL_DAY = date(2029, 12, 16)

HOLDER_SIDE = ("applicant", "member", "consultant")
REGULATOR = ("reviewer", "inspector", "approver")
SEE = (*HOLDER_SIDE, "viewer", *REGULATOR)
UNSEEN = ("outsider", "other_owner", "other_reviewer")
EVERYONE: tuple[str | None, ...] = (*SEE, *UNSEEN, None)

REPORT = {
    "operations": {"summary": "交易额 1200 万元", "registered_users": 5200},
    "security": {"summary": "全年无安全事件", "incidents": 0},
    "complaints": {"summary": "3 起，均已处理", "received": 3},
}


@pytest.fixture
def desk(personas: Personas) -> Personas:
    """The personas, plus an agency holding a view-only mandate and the other enterprise's owner."""
    p: Any = personas
    viewing_agency = make_organisation(OrgKind.AGENCY, "只读代办有限公司")
    p.viewer = make_user("viewer", viewing_agency, [Role.CONSULTANT])
    Mandate.objects.create(
        agency=viewing_agency,
        enterprise=p.enterprise,
        prepare=False,
        file=False,
        answer_supplement=False,
        annual_and_changes=False,
    )
    p.other_owner = make_user("other_owner", p.other_enterprise.organisation, [Role.OWNER])
    return personas


@pytest.fixture
def today() -> Iterator[mock.MagicMock]:
    with mock.patch("icpdesk.api.licenses._today", return_value=TODAY) as patched:
        yield patched


def call(api: Api, method: str, who: str | None, path: str, body: Any = None, **hdr: str) -> Any:
    user = None if who is None else getattr(api.personas, who)
    headers = api.headers(user, **hdr)
    if method == "get":
        return api.client.get(BASE + path, headers=headers)
    data = "" if body is None else json.dumps(body)
    return getattr(api.client, method)(BASE + path, data, content_type="application/json", headers=headers)


def expect(allowed: tuple[str, ...], status: int) -> dict[str | None, int]:
    """``status`` for ``allowed``, 403 for the others who see the license, 404 for those who do not."""
    expected: dict[str | None, int] = dict.fromkeys(SEE, 403)
    expected.update(dict.fromkeys(allowed, status))
    expected.update(dict.fromkeys(UNSEEN, 404))
    expected[None] = 401
    return expected


def a_filing(lic: License, filed_by: Any) -> ChangeFiling:
    return ChangeFiling.objects.create(
        license=lic,
        kind="security_manager",
        before="张伟",
        after="李娜",
        happened_on=date(2026, 3, 2),
        due_on=date(2026, 3, 12),
        filed_on=TODAY,
        filed_by=filed_by,
    )


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # {license} and {filing} are filled in
    expected: dict[str | None, int]
    body: Any = None
    state: str = "valid"
    day: date = TODAY


ROWS = {
    "detail": Row("get", "/licenses/{license}", expect(SEE, 200)),
    "pdf": Row("get", "/licenses/{license}/pdf", expect(SEE, 200)),
    "annual_report": Row("get", "/licenses/{license}/annual-report", expect(SEE, 200)),
    "save_report": Row("put", "/licenses/{license}/annual-report", expect(HOLDER_SIDE, 200), REPORT),
    "submit_report": Row(
        "post", "/licenses/{license}/annual-report/submit", expect(HOLDER_SIDE, 200), REPORT
    ),
    "file_change": Row(
        "post",
        "/licenses/{license}/changes",
        expect(HOLDER_SIDE, 201),
        {"kind": "server_address", "after": "兰州新区数据中心", "happened_on": "2026-03-01"},
    ),
    "acknowledge": Row("post", "/license-changes/{filing}/acknowledge", expect(("reviewer",), 200)),
    "return": Row(
        "post", "/license-changes/{filing}/return", expect(("reviewer",), 200), {"reason": "请附变更证明"}
    ),
    "renew": Row("post", "/licenses/{license}/renew", expect(HOLDER_SIDE, 201), day=RENEWAL_DAY),
    "cancel": Row("post", "/licenses/{license}/cancel", expect(("applicant",), 200), {"reason": "停止经营"}),
    "suspend": Row("post", "/licenses/{license}/suspend", expect(("approver",), 200), {"reason": "整改"}),
    "reinstate": Row(
        "post",
        "/licenses/{license}/reinstate",
        expect(("approver",), 200),
        {"reason": "整改完成"},
        state="suspended",
    ),
    "revoke": Row("post", "/licenses/{license}/revoke", expect(("approver",), 200), {"reason": "材料造假"}),
    "lapse": Row(
        "post",
        "/licenses/{license}/lapse",
        expect(("reviewer", "approver"), 200),
        {"reason": "未报送 2025 年度报告"},
    ),
}


@pytest.mark.parametrize("name", ROWS)
def test_access_matrix(api: Api, desk: Personas, name: str) -> None:
    row = ROWS[name]
    got: dict[str | None, int] = {}
    with mock.patch("icpdesk.api.licenses._today", return_value=row.day):
        for who in EVERYONE:
            # A fresh license for every caller, so one caller's change never decides the next one's answer.
            lic = make_license(desk.enterprise, date(2025, 6, 16))
            if row.state != "valid":
                License.objects.filter(pk=lic.pk).update(state=row.state)
            filing = a_filing(lic, desk.applicant)
            path = row.path.format(license=lic.pk, filing=filing.pk)
            response = call(api, row.method, who, path, row.body)
            got[who] = response.status_code
            if response.status_code >= 400:
                body = response.json()
                assert set(body) >= {"code", "message", "field", "state"}, body
    assert got == row.expected


def test_the_list_holds_only_the_licenses_the_caller_sees(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    theirs = make_license(desk.other_enterprise, date(2025, 6, 16))
    for who in EVERYONE:
        response = call(api, "get", who, "/licenses")
        if who is None:
            assert response.status_code == 401
            continue
        assert response.status_code == 200, who
        numbers = {item["number"] for item in response.json()["items"]}
        assert (lic.number in numbers) == (who in SEE), who
        # Gansu's regulator sees every Gansu license; an agency or enterprise only its own.
        assert (theirs.number in numbers) == (who in ("outsider", "other_owner", *REGULATOR)), who


def test_the_list_filters_by_state_and_text(api: Api, desk: Personas, today: Any) -> None:
    valid = make_license(desk.enterprise, date(2025, 6, 16))
    suspended = make_license(desk.enterprise, date(2025, 7, 1))
    License.objects.filter(pk=suspended.pk).update(state="suspended")
    page = call(api, "get", "consultant", "/licenses?state=suspended").json()
    assert [item["id"] for item in page["items"]] == [suspended.pk] and page["total"] == 1
    page = call(api, "get", "consultant", f"/licenses?q={valid.number}").json()
    assert [item["id"] for item in page["items"]] == [valid.pk]
    refused = call(api, "get", "consultant", "/licenses?state=dormant")
    assert refused.status_code == 422 and refused.json()["field"] == "state"


def test_the_detail_offers_each_caller_what_the_page_offers(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    a_filing(lic, desk.applicant)

    def offered(who: str) -> set[str]:
        body = call(api, "get", who, f"/licenses/{lic.pk}").json()
        return {a["name"] for a in body["allowed_actions"]} | {
            f"filing:{a['name']}" for f in body["change_filings"] for a in f["allowed_actions"]
        }

    holder = {"file_change", "save_annual_report", "submit_annual_report"}
    assert offered("applicant") == holder | {"cancel"}
    assert offered("member") == holder
    assert offered("consultant") == holder
    assert offered("viewer") == set()
    assert offered("reviewer") == {"lapse", "filing:acknowledge", "filing:return"}
    assert offered("approver") == {"lapse", "suspend", "revoke"}
    assert offered("inspector") == set()
    with mock.patch("icpdesk.api.licenses._today", return_value=RENEWAL_DAY):
        assert "renew" in offered("consultant") and "renew" not in offered("viewer")


def test_the_pdf_is_the_e_license(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    response = call(api, "get", "consultant", f"/licenses/{lic.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_an_annual_report_is_saved_then_submitted_for_good(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    path = f"/licenses/{lic.pk}/annual-report"
    empty = call(api, "get", "consultant", path).json()
    assert (empty["year"], empty["state"], empty["exists"], empty["editable"]) == (2025, "draft", False, True)
    assert (empty["window_opens_on"], empty["due_on"]) == ("2026-01-01", "2026-03-31")

    draft = {"operations": {"summary": "草稿", "registered_users": 10}}
    saved = call(api, "put", "consultant", path, draft)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["operations"] == {"summary": "草稿", "registered_users": 10}
    report = AnnualReport.objects.get(license=lic, year=2025)
    assert report.state == "draft" and report.operations == {"summary": "草稿", "registered_users": 10}

    # Submitting needs every section: the first empty one is named.
    incomplete = call(api, "post", "consultant", f"{path}/submit", draft, **{"Accept-Language": "en"})
    assert incomplete.status_code == 422
    assert incomplete.json()["field"] == "security" and "security" in incomplete.json()["message"]

    submitted = call(api, "post", "applicant", f"{path}/submit", REPORT)
    assert submitted.status_code == 200
    body = submitted.json()
    assert (body["state"], body["submitted_on"], body["editable"]) == ("submitted", "2026-03-03", False)
    lic.refresh_from_db()
    assert lic.annual_report_due_on == date(2027, 3, 31)
    assert lic.events.filter(action="annual_report").count() == 1

    again = call(api, "put", "consultant", path, {"year": 2025, **REPORT})
    assert again.status_code == 409 and again.json()["state"] == "submitted"
    # The report owed next is on 2026, whose window opens in 2027.
    assert call(api, "get", "consultant", path).json()["year"] == 2026
    early = call(api, "put", "consultant", path, REPORT)
    assert early.status_code == 422 and early.json()["field"] == "year"
    wrong_year = call(api, "put", "consultant", path, {"year": 2024, **REPORT})
    assert wrong_year.status_code == 422 and wrong_year.json()["field"] == "year"


def test_a_report_body_that_is_not_a_report_names_the_field(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    path = f"/licenses/{lic.pk}/annual-report"
    bad = call(api, "put", "consultant", path, {"operations": {"registered_users": -1}})
    assert bad.status_code == 422 and bad.json()["field"] == "operations.registered_users"
    bad = call(api, "put", "consultant", path, {"security": "全部正常"})
    assert bad.status_code == 422 and bad.json()["field"] == "security"
    assert not AnnualReport.objects.filter(license=lic).exists()


def test_a_change_is_filed_then_acknowledged(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    filed = call(
        api,
        "post",
        "consultant",
        f"/licenses/{lic.pk}/changes",
        {"kind": "domain", "after": "WWW.Longhuo-Shop.CN", "happened_on": "2026-02-20"},
    )
    assert filed.status_code == 201, filed.json()
    body = filed.json()
    assert (body["kind"], body["after"], body["state"]) == ("domain", "www.longhuo-shop.cn", "filed")
    # 10 days from 2026-02-20 is 2026-03-02: filed on 2026-03-03, it is late.
    assert (body["due_on"], body["late"]) == ("2026-03-02", True)
    assert body["allowed_actions"] == []  # the holder side does not review its own filing
    seen_by_reviewer = call(api, "get", "reviewer", f"/licenses/{lic.pk}").json()["change_filings"][0]
    assert {a["name"] for a in seen_by_reviewer["allowed_actions"]} == {"acknowledge", "return"}

    ack = call(api, "post", "reviewer", f"/license-changes/{body['id']}/acknowledge")
    assert ack.status_code == 200
    assert (ack.json()["state"], ack.json()["reviewed_on"]) == ("acknowledged", "2026-03-03")
    lic.refresh_from_db()
    assert lic.domains == ["www.longhuo-shop.cn"]
    twice = call(api, "post", "reviewer", f"/license-changes/{body['id']}/acknowledge")
    assert twice.status_code == 409 and twice.json()["state"] == "acknowledged"


def test_a_change_is_returned_with_its_reason(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    filing = a_filing(lic, desk.applicant)
    path = f"/license-changes/{filing.pk}/return"
    missing = call(api, "post", "reviewer", path, {})
    assert missing.status_code == 422 and missing.json()["field"] == "reason"
    blank = call(api, "post", "reviewer", path, {"reason": "   "})
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    returned = call(api, "post", "reviewer", path, {"reason": "请附任命文件"})
    assert returned.status_code == 200
    assert (returned.json()["state"], returned.json()["review_reason"]) == ("returned", "请附任命文件")
    lic.refresh_from_db()
    assert lic.security_manager != "李娜"


def test_a_change_refused_by_the_rules_names_the_field(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    path = f"/licenses/{lic.pk}/changes"
    cases = [
        ({"kind": "domain", "after": "not a domain", "happened_on": "2026-03-01"}, "after"),
        ({"kind": "server_address", "after": "机房", "happened_on": "2026-04-01"}, "happened_on"),
        ({"kind": "hair_colour", "after": "x", "happened_on": "2026-03-01"}, "kind"),
        ({"kind": "server_address", "after": "", "happened_on": "2026-03-01"}, "after"),
        ({"kind": "server_address", "after": "机房", "happened_on": "yesterday"}, "happened_on"),
        ({"kind": "company_name", "after": lic.holder_name, "happened_on": "2026-03-01"}, "after"),
        # Found by the fuzzer: a day the working-day calendar does not cover was a server error.
        ({"kind": "server_address", "after": "机房", "happened_on": "0231-08-12"}, "happened_on"),
    ]
    for body, field in cases:
        response = call(api, "post", "consultant", path, body)
        assert response.status_code == 422, (body, response.json())
        assert response.json()["field"] == field, (body, response.json())
    assert not ChangeFiling.objects.filter(license=lic).exists()


def test_renewal_opens_a_renewal_case(api: Api, desk: Personas) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    path = f"/licenses/{lic.pk}/renew"
    with mock.patch("icpdesk.api.licenses._today", return_value=date(2029, 6, 1)):
        early = call(api, "post", "consultant", path)
    assert early.status_code == 422 and "2029-12-16" in early.json()["message"]
    with mock.patch("icpdesk.api.licenses._today", return_value=RENEWAL_DAY):
        started = call(api, "post", "consultant", path)
        assert started.status_code == 201, started.json()
        body = started.json()
        case = Application.objects.get(pk=body["application_id"])
        assert (case.kind, case.state, case.enterprise_id) == ("renewal", "draft", desk.enterprise.pk)
        assert body["reference"] == case.reference and body["path"] == f"/api/v1/cases/{case.pk}"
        lic.refresh_from_db()
        assert lic.renewal_application_id == case.pk
        assert call(api, "get", "consultant", f"/licenses/{lic.pk}").json()["renewal"]["application_id"] == (
            case.pk
        )
        again = call(api, "post", "applicant", path)
    assert again.status_code == 422 and case.reference in again.json()["message"]


def test_cancellation_needs_its_reason(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    path = f"/licenses/{lic.pk}/cancel"
    for body in (None, {}, {"reason": ""}, {"reason": "  \n "}):
        response = call(api, "post", "applicant", path, body, **{"Accept-Language": "en"})
        assert response.status_code == 422, body
        error = response.json()
        assert error["field"] == ("body" if body is None else "reason"), (body, error)
        assert error["code"] == "invalid_input"
    assert License.objects.get(pk=lic.pk).state == "valid"

    done = call(api, "post", "applicant", path, {"reason": "停止经营网站"})
    assert done.status_code == 200
    body = done.json()
    assert (body["state"], body["state_changed_on"]) == ("cancelled", "2026-03-03")
    assert body["events"][-1] | {"at": None} == {
        "at": None,
        "on": "2026-03-03",
        "actor": "applicant",
        "action": "cancel",
        "from_state": "valid",
        "to_state": "cancelled",
        "reason": "停止经营网站",
    }
    assert body["allowed_actions"] == []
    twice = call(api, "post", "applicant", path, {"reason": "再次注销"})
    assert twice.status_code == 409 and twice.json()["state"] == "cancelled"


def test_the_approver_suspends_and_reinstates(api: Api, desk: Personas, today: Any) -> None:
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    suspended = call(api, "post", "approver", f"/licenses/{lic.pk}/suspend", {"reason": "限期整改"})
    assert suspended.status_code == 200 and suspended.json()["state"] == "suspended"
    assert {a["name"] for a in suspended.json()["allowed_actions"]} == {"reinstate", "revoke"}
    refused = call(api, "post", "approver", f"/licenses/{lic.pk}/suspend", {"reason": "再次暂停"})
    assert refused.status_code == 409 and refused.json()["state"] == "suspended"
    # A suspended license still files changes, but owes no annual report while suspended.
    report = call(api, "put", "consultant", f"/licenses/{lic.pk}/annual-report", REPORT)
    assert report.status_code == 409 and report.json()["state"] == "suspended"
    back = call(api, "post", "approver", f"/licenses/{lic.pk}/reinstate", {"reason": "整改完成"})
    assert back.status_code == 200 and back.json()["state"] == "valid"
    assert [e["action"] for e in back.json()["events"]][-2:] == ["suspend", "reinstate"]


def test_ids_out_of_range_are_not_found(api: Api, desk: Personas, today: Any) -> None:
    for path in ("/licenses/0", f"/licenses/{2**63}", "/licenses/-3/pdf"):
        response = call(api, "get", "consultant", path)
        assert response.status_code in (404, 422), path
        assert response.json()["code"] in ("not_found", "invalid_input"), path
    assert call(api, "post", "reviewer", "/license-changes/0/acknowledge").status_code == 404


def test_the_state_changes_use_the_actions(api: Api, desk: Personas, today: Any) -> None:
    """The API's state change is the action's: the same refusal text as the page shows."""
    lic = make_license(desk.enterprise, date(2025, 6, 16))
    actions.change_state(desk.applicant, lic, "cancel", reason="停业", today=TODAY)
    refused = call(api, "post", "approver", f"/licenses/{lic.pk}/revoke", {"reason": "违规"})
    assert refused.status_code == 409
    assert refused.json()["message"] == "许可证当前为“注销”，不能吊销。"
