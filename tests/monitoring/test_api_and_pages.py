"""The scans in the API and on the license and case pages, for each persona."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from icpdesk.core.lifecycle import INSPECTION_AREAS, State
from icpdesk.core.sitecheck import Link, Page, SiteEvidence
from icpdesk.monitoring import services
from icpdesk.monitoring.models import Scan
from tests.api.conftest import Api, case_in
from tests.monitoring.conftest import make_license


@pytest.fixture
def api(client: Client, personas: Any) -> Api:
    return Api(client, personas)


@pytest.fixture
def scanned(personas: Any) -> Any:
    """A license whose last scan found instalments offered and no privacy policy."""
    lic = make_license(personas.enterprise, "shop.example.cn")
    scan = Scan.objects.create(license=lic, url="shop.example.cn", trigger="weekly", status="running")
    home = Page(
        url="https://shop.example.cn/",
        status=200,
        text=f"{lic.number}\n{personas.enterprise.icp_filing_number}\n支持分期付款，0首付。",
        links=(Link("https://shop.example.cn/cart", "购物车"),),
    )
    services.record(scan, SiteEvidence(start_url="https://shop.example.cn/", home=home, pages=(home,)))
    personas.license = lic
    return personas


VIEWERS = ("applicant", "consultant", "reviewer", "inspector", "approver")


@pytest.mark.parametrize("who", [*VIEWERS, "outsider", "other_reviewer"])
def test_the_scans_of_a_license_by_persona(api: Api, scanned: Any, who: str) -> None:
    response = api.get(who, f"/licenses/{scanned.license.pk}/scans")
    if who not in VIEWERS:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        return
    assert response.status_code == 200
    body = response.json()
    assert [s["status"] for s in body["scans"]] == ["done"]
    assert [f["code"] for f in body["open_findings"]] == ["out_of_scope_finance", "privacy_policy_missing"]
    finance = body["open_findings"][0]
    assert finance["evidence"] == {"url": "https://shop.example.cn/", "excerpt": "支持分期付款,0首付。"}
    assert finance["severity"] == "high" and finance["message"].startswith("页面提供金融服务")
    assert body["can_start"] is (who != "approver")


def test_the_api_speaks_english_when_asked(api: Api, scanned: Any) -> None:
    body = api.get("applicant", f"/licenses/{scanned.license.pk}/scans", {"lang": "en"}).json()
    assert body["open_findings"][1]["message"] == "The home page links to no privacy policy or user agreement"


def test_no_token_no_scans(api: Api, scanned: Any) -> None:
    assert api.get(None, f"/licenses/{scanned.license.pk}/scans").status_code == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("applicant", 202),
        ("consultant", 202),
        ("reviewer", 202),
        ("inspector", 202),
        ("approver", 403),
        ("outsider", 404),
        ("other_reviewer", 404),
    ],
)
def test_starting_a_scan_by_persona(api: Api, personas: Any, who: str, status: int) -> None:
    lic = make_license(personas.enterprise, "shop.example.cn")
    response = api.post(who, f"/licenses/{lic.pk}/scans")
    assert response.status_code == status
    if status == 202:
        body = response.json()
        assert (body["status"], body["trigger"], body["url"]) == ("queued", "on_demand", "shop.example.cn")
        assert Scan.objects.get().requested_by == getattr(personas, who)
        again = api.post(who, f"/licenses/{lic.pk}/scans")
        assert again.status_code == 409 and again.json()["code"] == "scan_running"
    else:
        assert not Scan.objects.exists()


def test_the_scans_are_in_the_openapi_document(api: Api, personas: Any) -> None:
    paths = api.client.get("/api/v1/openapi.json").json()["paths"]
    operations = paths["/api/v1/licenses/{license_id}/scans"]
    assert set(operations) == {"get", "post"}
    assert {"202", "403", "404", "409"} <= set(operations["post"]["responses"])


# ------------------------------------------------------------------ pages


def test_the_license_page_shows_findings_with_evidence_and_the_button(client: Client, scanned: Any) -> None:
    client.force_login(scanned.applicant)
    body = client.get(f"/licenses/{scanned.license.pk}/").content.decode()
    assert 'id="site-scans"' in body and 'id="scan-now"' in body
    assert 'data-code="out_of_scope_finance"' in body and "支持分期付款,0首付。" in body
    assert 'data-code="privacy_policy_missing"' in body


def test_the_approver_sees_the_findings_without_the_button(client: Client, scanned: Any) -> None:
    client.force_login(scanned.approver)
    body = client.get(f"/licenses/{scanned.license.pk}/").content.decode()
    assert 'data-code="out_of_scope_finance"' in body and 'id="scan-now"' not in body


def test_resolved_findings_are_listed_apart(client: Client, scanned: Any) -> None:
    lic = scanned.license
    scan = Scan.objects.create(license=lic, url="shop.example.cn", trigger="weekly", status="running")
    home = Page(
        url="https://shop.example.cn/",
        status=200,
        text=f"{lic.number}\n{scanned.enterprise.icp_filing_number}\n支持分期付款。",
        links=(Link("https://shop.example.cn/privacy", "隐私政策"),),
    )
    services.record(
        scan,
        SiteEvidence(
            start_url=home.url,
            home=home,
            pages=(home,),
            privacy_links=(("https://shop.example.cn/privacy", 200),),
        ),
    )
    client.force_login(scanned.applicant)
    body = client.get(f"/licenses/{lic.pk}/").content.decode()
    resolved_part = body.split("已消除的问题", 1)[1]
    assert 'data-code="privacy_policy_missing"' in resolved_part


def test_the_scan_now_button(client: Client, scanned: Any) -> None:
    client.force_login(scanned.consultant)
    response = client.post(f"/monitoring/licenses/{scanned.license.pk}/scan/")
    assert response.status_code == 302 and response["Location"].endswith("#site-scans")
    assert Scan.objects.filter(trigger="on_demand", requested_by=scanned.consultant).count() == 1
    client.force_login(scanned.approver)
    client.post(f"/monitoring/licenses/{scanned.license.pk}/scan/")
    assert not Scan.objects.filter(requested_by=scanned.approver).exists()
    client.force_login(scanned.outsider)
    assert client.post(f"/monitoring/licenses/{scanned.license.pk}/scan/").status_code == 404


def test_the_inspectors_case_page_shows_the_latest_scan(client: Client, scanned: Any) -> None:
    case = scanned.license.application
    client.force_login(scanned.inspector)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="site-scan"' in body and 'data-code="out_of_scope_finance"' in body
    response = client.post(f"/monitoring/cases/{case.pk}/scan/")
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/#site-scan")
    scan = Scan.objects.get(trigger="on_demand")
    assert (scan.application_id, scan.license_id, scan.requested_by) == (
        case.pk,
        scanned.license.pk,
        scanned.inspector,
    )


def test_the_inspector_recording_the_four_areas_has_the_latest_scan_beside_them(
    client: Client, personas: Any
) -> None:
    case = case_in(personas, State.INSPECTION_SCHEDULED)
    scan = Scan.objects.create(application=case, url="shop.example.cn", trigger="on_demand", status="running")
    home = Page(url="https://shop.example.cn/", status=200, text="新用户专享0首付，免息分期。")
    services.record(scan, SiteEvidence(start_url="https://shop.example.cn/", home=home, pages=(home,)))
    client.force_login(personas.inspector)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert body.count('id="site-scan"') == 1
    scan_at, form_at = body.index('id="site-scan"'), body.index('id="action-record_inspection"')
    assert scan_at < form_at
    between = body[scan_at:form_at]
    assert 'data-code="out_of_scope_finance"' in between and "<form" in between  # its own scan button
    assert 'class="card"' not in between.split("</section>", 1)[1]  # nothing else comes between
    areas = body[form_at:]
    assert all(zh in areas for _area, zh, _en in INSPECTION_AREAS)
    # A reviewer, who records no inspection, sees the scan in its usual place.
    client.force_login(personas.reviewer)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert body.count('id="site-scan"') == 1 and 'id="action-record_inspection"' not in body


def test_the_scans_section_in_english(client: Client, scanned: Any) -> None:
    client.force_login(scanned.applicant)
    body = client.get(f"/licenses/{scanned.license.pk}/", headers={"Accept-Language": "en"}).content.decode()
    assert "Site checks" in body and "Scan now" in body and "Open findings" in body
    assert "A page offers financial services (&#x27;分期&#x27;) beyond the license" in body
