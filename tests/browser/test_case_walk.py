"""One case walked from draft to certificate in Chromium, through the pages, as each persona.

Every persona signs in through the login form in a browser context of their
own, so sessions never mix, and the test checks what each of them sees: the
state in the heading, the actions offered and the ones withheld, the queues,
the materials checklist, the license number, and the 404 of an outsider.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import TIMEOUT_MS
from tests.factories import Personas, make_personas

SCREENSHOT = "/tmp/case_walk.png"


def scan_png(mark: int) -> bytes:
    """A legible A4-proportioned scan (1240×1754 px), a little different for each material."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100 + mark * 40, 1100, 120 + mark * 40), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def heading(page: Page) -> Any:
    return page.locator("main h1")


def action_buttons(page: Page) -> list[str]:
    """The labels of the transition buttons the case page offers this user."""
    return [
        text.strip() for text in page.locator("#actions form.action button[type=submit]").all_inner_texts()
    ]


def submit(page: Page, form_id: str) -> None:
    """Submit one of the case page's action forms and wait for the page that follows."""
    with page.expect_navigation():
        page.locator(f"#{form_id} button[type=submit]").click()
    expect(page.locator("main .errors[role=alert]")).to_have_count(0)


def stated_facts(p: Personas, material_id: str, today: date) -> dict[str, str]:
    """What the material states, consistent with the enterprise profile."""
    e = p.enterprise
    facts = {"company_name": e.name, "credit_code": e.uscc}
    if material_id in {"domain_certificate", "icp_filing", "privacy_policy", "content_review"}:
        facts["domain"] = e.domain
    if material_id in {"hosting_agreement", "topology"}:
        facts["server_address"] = e.server_address
    if material_id == "legal_rep_id":
        facts["person_name"] = e.legal_rep_name
    if material_id in {"security_id", "security_certificate", "security_insurance"}:
        facts["person_name"] = "张伟"
    if material_id == "security_insurance":
        facts["period_end"] = (today.replace(day=1) - timedelta(days=1)).isoformat()
    return facts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_case_walks_from_draft_to_certificate_through_the_pages(
    live_server: Any, sign_in: Callable[[str], Page], media_and_tasks: None
) -> None:
    from icpdesk.lib.packs import current_pack

    expect.set_options(timeout=TIMEOUT_MS)
    p = make_personas()
    base = live_server.url
    today = timezone.localdate()
    required = [m for m in current_pack().materials if m.required]
    assert required, "the rule pack names no required material"
    # Of materials that stand in for each other (the capital proof), the first is supplied.
    alternatives: dict[str, Any] = {}
    for m in current_pack().materials:
        if m.one_of:
            alternatives.setdefault(m.one_of, m)
    supplied = required + list(alternatives.values())

    # 1. The consultant drafts the case for their client, supplies the materials and files it.
    consultant = sign_in("consultant")
    consultant.goto(base + "/cases/new/")
    expect(heading(consultant)).to_contain_text("新建申请")
    consultant.locator("select[name=enterprise]").select_option(
        label=f"{p.enterprise.name}（{p.enterprise.uscc}）"
    )
    consultant.locator("select[name=license_type]").select_option("B25")
    with consultant.expect_navigation():
        consultant.get_by_role("button", name="创建草稿").click()
    expect(consultant).to_have_url(re.compile(r"/cases/\d+/$"))
    case_url = consultant.url
    match = re.search(r"/cases/(\d+)/$", case_url)
    assert match
    pk = int(match.group(1))
    expect(heading(consultant)).to_contain_text("草稿")
    reference = heading(consultant).inner_text().split()[0]
    expect(consultant.locator("main .messages")).to_contain_text(reference)
    assert "提交申报" in action_buttons(consultant)
    assert "受理" not in action_buttons(consultant)

    # The checklist names every required material still missing.
    missing = consultant.locator("#materials-checklist p.errors")
    expect(missing).to_contain_text("尚缺必交材料")
    for material in required:
        expect(missing).to_contain_text(material.name_zh)

    # The draft is in the consultant's queue.
    consultant.goto(base + "/cases/")
    row = consultant.locator("table.queue tbody tr", has=consultant.get_by_role("link", name=reference))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("草稿")
    expect(row).to_contain_text(p.enterprise.name)

    # Every required material, uploaded through its upload page with the facts it states.
    for index, material in enumerate(supplied):
        consultant.goto(f"{base}/materials/case/{pk}/{material.id}/upload/")
        expect(heading(consultant)).to_have_text(material.name_zh)
        scan: FilePayload = {"name": f"{material.id}.png", "mimeType": "image/png", "buffer": scan_png(index)}
        consultant.locator("input[name=file]").set_input_files(files=scan)
        for name, value in stated_facts(p, material.id, today).items():
            consultant.locator(f"form [name={name}]").fill(value)
        if material.id in {"hosting_agreement", "topology"}:
            consultant.locator("select[name=server_region]").select_option("CN-GS")
        with consultant.expect_navigation():
            consultant.get_by_role("button", name="上传", exact=True).click()
        expect(consultant).to_have_url(re.compile(rf"/materials/case/{pk}/$"))
        expect(consultant.locator(f"#material-{material.id}")).to_contain_text("v1")

    consultant.goto(case_url)
    checklist = consultant.locator("#materials-checklist")
    expect(checklist.locator("p.errors")).to_have_count(0)
    expect(checklist).to_contain_text("必交材料已齐全")
    submit(consultant, "action-file")
    expect(heading(consultant)).to_contain_text("已申报，待受理")
    assert "受理" not in action_buttons(consultant)
    assert "提交申报" not in action_buttons(consultant)
    assert "撤回申请" in action_buttons(consultant)

    # 2. The reviewer finds it in their queue with its due date and accepts it.
    reviewer = sign_in("reviewer")
    reviewer.goto(base + "/cases/")
    row = reviewer.locator(
        "#queue-reviewer table.queue tbody tr", has=reviewer.get_by_role("link", name=reference)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已申报，待受理")
    expect(row.locator("td").nth(5)).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    with reviewer.expect_navigation():
        row.get_by_role("link", name=reference).click()
    expect(heading(reviewer)).to_contain_text("已申报，待受理")
    offered = action_buttons(reviewer)
    assert "受理" in offered and "退回补正" in offered, offered
    assert "批准" not in offered and "提交申报" not in offered and "撤回申请" not in offered, offered
    # The timeline shows the review step with a due date.
    expect(reviewer.locator("#timeline li.current time.due")).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    submit(reviewer, "action-accept")
    expect(heading(reviewer)).to_contain_text("已受理，待安排核查")
    assert action_buttons(reviewer) == []

    # 3. The inspector schedules the inspection today with themselves, then records it.
    inspector = sign_in("inspector")
    inspector.goto(base + "/cases/")
    row = inspector.locator(
        "#queue-inspector table.queue tbody tr", has=inspector.get_by_role("link", name=reference)
    )
    expect(row).to_have_count(1)
    with inspector.expect_navigation():
        row.get_by_role("link", name=reference).click()
    expect(heading(inspector)).to_contain_text("已受理，待安排核查")
    offered = action_buttons(inspector)
    assert offered == ["安排现场核查"], offered
    schedule = inspector.locator("#action-schedule_inspection")
    schedule.locator("input[name=date]").fill(today.isoformat())
    schedule.locator(f"input[name=inspectors][value='{p.inspector.pk}']").check()
    submit(inspector, "action-schedule_inspection")
    expect(heading(inspector)).to_contain_text("已安排现场核查")
    expect(inspector.locator("#inspection")).to_contain_text(today.isoformat())
    expect(inspector.locator("#inspection")).to_contain_text("inspector")
    assert "录入核查记录" in action_buttons(inspector)
    record = inspector.locator("#action-record_inspection")
    for area in ("site", "servers", "security_manager", "rules_and_drills"):
        record.locator(f"input[name={area}_passed][value=yes]").check()
    submit(inspector, "action-record_inspection")
    expect(heading(inspector)).to_contain_text("已核查，待审核决定")
    expect(inspector.locator("#inspection .status.pass")).to_have_count(4)
    assert "批准" not in action_buttons(inspector)

    # 4. The approver approves and issues the certificate.
    approver = sign_in("approver")
    approver.goto(base + "/cases/")
    row = approver.locator(
        "#queue-approver table.queue tbody tr", has=approver.get_by_role("link", name=reference)
    )
    expect(row).to_have_count(1)
    with approver.expect_navigation():
        row.get_by_role("link", name=reference).click()
    expect(heading(approver)).to_contain_text("已核查，待审核决定")
    offered = action_buttons(approver)
    assert "批准" in offered and "不予许可" in offered, offered
    assert "受理" not in offered and "发放许可证" not in offered, offered
    submit(approver, "action-approve")
    expect(heading(approver)).to_contain_text("已批准，待发证")
    assert action_buttons(approver) == ["发放许可证"]
    submit(approver, "action-issue_certificate")
    expect(heading(approver)).to_contain_text("已发证")
    number = f"甘B2-{today.year}0001"
    expect(approver.locator("#license")).to_contain_text(number)
    assert action_buttons(approver) == []

    # 5. The applicant sees the certificate; the outsider gets a 404.
    applicant = sign_in("applicant")
    applicant.goto(base + "/cases/")
    row = applicant.locator("table.queue tbody tr", has=applicant.get_by_role("link", name=reference))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已发证")
    with applicant.expect_navigation():
        row.get_by_role("link", name=reference).click()
    expect(heading(applicant)).to_contain_text("已发证")
    expect(applicant.locator("#license")).to_contain_text(number)
    expect(applicant.locator("#license")).to_contain_text(today.isoformat())
    expect(applicant.locator("#actions")).to_have_count(0)
    # The record of every step is on the page.
    audit = applicant.locator("#audit")
    for label in ("提交申报", "受理", "安排现场核查", "录入核查记录", "批准", "发放许可证"):
        expect(audit).to_contain_text(label)
    applicant.screenshot(path=SCREENSHOT, full_page=True)

    outsider = sign_in("outsider")
    for url in (case_url, f"{base}/materials/case/{pk}/"):
        response = outsider.goto(url)
        assert response is not None and response.status == 404, (url, response and response.status)
        expect(outsider.locator("body")).not_to_contain_text(reference)
        expect(outsider.locator("body")).not_to_contain_text(p.enterprise.name)
    outsider.goto(base + "/cases/")
    expect(outsider.get_by_role("link", name=reference)).to_have_count(0)
