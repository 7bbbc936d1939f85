"""The license pages: who sees what (the persona matrix), the PDF, the forms and query counts."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from icpdesk.licenses.models import AnnualReport, ChangeFiling, License
from tests.factories import Personas, make_enterprise
from tests.licenses.helpers import make_license

SEE = {"applicant", "member", "consultant", "reviewer", "inspector", "approver"}
ALL = [*sorted(SEE), "outsider", "other_reviewer", "anonymous"]


def _client(personas: Personas, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("who", ALL)
def test_access_matrix_for_the_read_pages(personas: Personas, who: str) -> None:
    lic = make_license(personas.enterprise)
    client = _client(personas, who)
    for url in (f"/licenses/{lic.pk}/", f"/licenses/{lic.pk}/pdf/", f"/licenses/{lic.pk}/annual/"):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif who in SEE:
            assert response.status_code == 200, (url, who)
        else:
            assert response.status_code == 404, (url, who)
    listing = client.get("/licenses/")
    if who == "anonymous":
        assert listing.status_code == 302
    else:
        assert listing.status_code == 200
        assert (lic.number in listing.content.decode()) == (who in SEE)
    assert client.get("/licenses/verify/", {"number": lic.number}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ALL)
def test_access_matrix_for_the_actions(personas: Personas, who: str) -> None:
    p = personas
    lic = make_license(p.enterprise, date(2025, 6, 16))
    filing = ChangeFiling.objects.create(
        license=lic,
        kind="security_manager",
        before="张伟",
        after="李娜",
        happened_on=date(2026, 3, 2),
        due_on=date(2026, 3, 12),
        filed_on=date(2026, 3, 3),
        filed_by=p.applicant,
    )
    client = _client(p, who)
    with mock.patch("icpdesk.licenses.views._today", return_value=date(2026, 3, 3)):
        suspend = client.post(f"/licenses/{lic.pk}/state/suspend/", {"reason": "整改"})
        annual = client.post(f"/licenses/{lic.pk}/annual/", {"operations_summary": "草稿", "save": "1"})
        change = client.post(
            f"/licenses/{lic.pk}/changes/",
            {"kind": "server_address", "after": "兰州新区机房", "happened_on": "2026-03-01"},
        )
        ack = client.post(f"/licenses/changes/{filing.pk}/acknowledge/")
        renew = client.post(f"/licenses/{lic.pk}/renew/")
    codes = {
        "suspend": suspend.status_code,
        "annual": annual.status_code,
        "change": change.status_code,
        "ack": ack.status_code,
        "renew": renew.status_code,
    }
    if who == "anonymous":
        assert set(codes.values()) == {302}
        return
    if who not in SEE:
        assert set(codes.values()) == {404}, codes
        return
    expected = {
        "suspend": 302 if who == "approver" else 403,
        "annual": 302 if who in {"applicant", "member", "consultant"} else 403,
        "change": 302 if who in {"applicant", "member", "consultant"} else 403,
        "ack": 302 if who == "reviewer" else 403,
        # renewal opens on 2029-12-16: the holder side is told when; the others may not renew
        "renew": 422 if who in {"applicant", "member", "consultant"} else 403,
    }
    assert codes == expected, codes


@pytest.mark.django_db
def test_renewal_refusal_names_the_opening_date(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    client = _client(personas, "consultant")
    with mock.patch("icpdesk.licenses.views._today", return_value=date(2029, 6, 1)):
        response = client.post(f"/licenses/{lic.pk}/renew/")
    assert response.status_code == 422 and "2029-12-16" in response.content.decode()
    with mock.patch("icpdesk.licenses.views._today", return_value=date(2029, 12, 16)):
        response = client.post(f"/licenses/{lic.pk}/renew/")
    assert response.status_code == 302 and response["Location"].startswith("/cases/")


@pytest.mark.django_db
def test_annual_report_page_saves_a_draft_then_submits_for_good(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    client = _client(personas, "applicant")
    form = {
        "operations_summary": "交易额 1200 万元",
        "security_summary": "无事件",
        "complaints_summary": "3 起，已处理",
    }
    with mock.patch("icpdesk.licenses.views._today", return_value=date(2026, 2, 1)):
        refused = client.post(f"/licenses/{lic.pk}/annual/", {"operations_summary": "x", "submit": "1"})
        assert refused.status_code == 422 and "网络与信息安全" in refused.content.decode()
        assert ">\nx</textarea>" in refused.content.decode()  # what was typed is kept
        assert client.post(f"/licenses/{lic.pk}/annual/", {**form, "save": "1"}).status_code == 302
        assert AnnualReport.objects.get(license=lic).state == "draft"
        assert client.post(f"/licenses/{lic.pk}/annual/", {**form, "submit": "1"}).status_code == 302
        assert AnnualReport.objects.get(license=lic).state == "submitted"
        # The 2025 report is in: the page moves on to the 2026 one, whose window has not opened.
        again = client.post(f"/licenses/{lic.pk}/annual/", {**form, "save": "1"})
        assert again.status_code == 422
        assert "2026 年度报告的报送期为 2027-01-01 至 2027-03-31" in again.content.decode()
        assert AnnualReport.objects.get(license=lic, year=2025).state == "submitted"


@pytest.mark.django_db
def test_cancellation_by_the_owner_from_the_page(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    client = _client(personas, "applicant")
    empty = client.post(f"/licenses/{lic.pk}/state/cancel/", {"reason": "", "confirm": "yes"})
    assert empty.status_code == 422
    unconfirmed = client.post(f"/licenses/{lic.pk}/state/cancel/", {"reason": "停止经营"})
    assert unconfirmed.status_code == 422 and "请勾选确认注销许可证" in unconfirmed.content.decode()
    assert License.objects.get(pk=lic.pk).state == "valid"
    confirmed = client.post(f"/licenses/{lic.pk}/state/cancel/", {"reason": "停止经营", "confirm": "yes"})
    assert confirmed.status_code == 302
    assert License.objects.get(pk=lic.pk).state == "cancelled"
    assert client.get(f"/licenses/{lic.pk}/state/cancel/").status_code == 405


@pytest.mark.django_db
def test_pdf_has_chinese_text_and_the_verification_link(personas: Personas, settings: Any) -> None:
    from pypdf import PdfReader

    settings.SITE_URL = "https://desk.example.cn"
    lic = make_license(personas.enterprise, date(2026, 1, 5))
    response = _client(personas, "applicant").get(f"/licenses/{lic.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "增值电信业务经营许可证" in text and "甘B2-20260001" in text
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object()  # type: ignore[index]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])]
    assert "https://desk.example.cn/licenses/verify/?number=%E7%94%98B2-20260001" in links
    assert any("Noto-Sans-CJK-SC" in name for name in names), names


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_list_page_query_count_does_not_grow(
    personas: Personas, rows: int, django_assert_max_num_queries: Any
) -> None:
    for i in range(rows):
        make_license(make_enterprise(f"测试企业{i}有限公司", eligible=False), date(2026, 1, 5))
    client = _client(personas, "reviewer")
    with django_assert_max_num_queries(8):
        response = client.get("/licenses/")
    assert response.status_code == 200
