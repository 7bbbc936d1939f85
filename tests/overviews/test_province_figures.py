"""The province overview: caseload, statutory compliance, annual reports and licenses."""

from __future__ import annotations

from typing import Any

from django.test import Client

from icpdesk.overviews import queries
from tests.overviews.conftest import TODAY, Book, fresh


def test_the_caseload_by_step_with_working_days_left(book: Book) -> None:
    data = queries.province_overview(fresh(book.personas.reviewer), TODAY)
    load = {row["state"]: row for row in data["caseload"]}

    assert [row["state"] for row in data["caseload"]] == [
        "filed",
        "returned",
        "accepted",
        "inspection_scheduled",
        "inspected",
        "approved",
    ]
    # a1 was due yesterday; the other agency's case is due on 10 December, 6 working days on.
    assert load["filed"]["total"] == 2
    assert load["filed"]["buckets"] == {"overdue": 1, "d0_2": 0, "d3_5": 0, "later": 1, "none": 0}
    assert load["accepted"]["buckets"]["d0_2"] == 1  # due today
    assert load["inspected"]["buckets"]["d3_5"] == 1  # due Tuesday 8 December: 4 working days
    assert load["approved"]["total"] == 0


def test_statutory_compliance_per_month(book: Book) -> None:
    compliance = queries.province_overview(fresh(book.personas.reviewer), TODAY)["compliance"]
    steps = {step["step"]: {m["month"]: m for m in step["months"]} for step in compliance}

    assert list(steps) == ["acceptance", "inspection", "decision", "certificate"]
    assert len(steps["acceptance"]) == 12
    assert min(steps["acceptance"]) == "2026-01"
    assert steps["acceptance"]["2026-11"] == {"month": "2026-11", "done": 2, "within_limit": 1, "share": 0.5}
    assert steps["inspection"]["2026-12"]["share"] == 1.0
    assert steps["certificate"]["2026-10"]["within_limit"] == 1
    assert all(m["done"] == 0 and m["share"] is None for m in steps["decision"].values())
    # The cancelled clock and the other province's acceptance are not counted anywhere.
    assert sum(m["done"] for m in steps["acceptance"].values()) == 2


def test_annual_report_compliance_in_the_first_quarter_by_prefecture(book: Book) -> None:
    annual = queries.province_overview(fresh(book.personas.reviewer), TODAY)["annual_reports"]

    assert (annual["reported_year"], annual["window_opens"], annual["window_closes"]) == (
        2025,
        "2026-01-01",
        "2026-03-31",
    )
    assert annual["window_closed"] is True
    assert annual["prefectures"] == [
        {
            "prefecture": "兰州市",
            "label": "兰州市",
            "owed": 2,
            "on_time": 1,
            "late": 0,
            "missing": 1,
            "share": 0.5,
        },
        {
            "prefecture": "天水市",
            "label": "天水市",
            "owed": 1,
            "on_time": 0,
            "late": 1,
            "missing": 0,
            "share": 0.0,
        },
    ]


def test_licenses_by_state(book: Book) -> None:
    licenses = queries.province_overview(fresh(book.personas.approver), TODAY)["licenses_by_state"]

    assert [(s["state"], s["count"], s["link"]) for s in licenses] == [
        ("valid", 4, "/licenses/?state=valid"),
        ("lapsed", 1, "/licenses/?state=lapsed"),
    ]


def test_another_province_sees_only_its_own(book: Book) -> None:
    data = queries.province_overview(fresh(book.personas.other_reviewer), TODAY)

    # Shaanxi's one filed case, and its acceptance done a day late.
    assert [(row["state"], row["total"]) for row in data["caseload"] if row["total"]] == [("filed", 1)]
    november = data["compliance"][0]["months"][-2]
    assert (november["month"], november["done"], november["within_limit"]) == ("2026-11", 1, 0)
    assert data["licenses_by_state"] == []
    assert data["annual_reports"]["prefectures"] == []


def test_the_open_site_findings_are_counted_by_code(book: Book) -> None:
    from icpdesk.monitoring.models import Finding, Scan

    def finding(lic: Any, code: str, state: str = Finding.State.OPEN) -> None:
        scan = Scan.objects.create(license=lic, url="https://example.cn/", trigger=Scan.Trigger.WEEKLY)
        Finding.objects.create(
            license=lic,
            code=code,
            key=code,
            severity="high",
            message_code=code,
            state=state,
            first_scan=scan,
            last_scan=scan,
        )

    finding(book.licenses["L1"], "license_not_displayed")
    finding(book.licenses["L2"], "license_not_displayed")
    finding(book.licenses["L2"], "server_outside_mainland")
    finding(book.licenses["L3"], "unreachable", state=Finding.State.RESOLVED)
    figures = queries.province_overview(fresh(book.personas.reviewer), TODAY)
    assert [(r["code"], r["count"], r["licenses"]) for r in figures["site_findings"]] == [
        ("license_not_displayed", 2, 2),
        ("server_outside_mainland", 1, 1),
    ]
    assert figures["site_findings"][0]["label"] == "首页未展示许可证编号"
    client = Client()
    client.force_login(book.personas.reviewer)
    page = client.get("/overviews/province/").content.decode()
    assert 'id="site-findings"' in page and "首页未展示许可证编号" in page
    english = client.get("/overviews/province/", headers={"accept-language": "en"}).content.decode()
    assert "License number not on the home page" in english
