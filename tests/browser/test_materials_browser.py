"""In Chromium: a hosting agreement with servers in Hong Kong is flagged (准); a corrected version clears it.

The consultant uploads through the upload page, the checks run in the
background (the immediate task backend here) and the checklist shows the
mismatch; the corrected new version has no flag while the first version is
kept, untouched, in the history.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import TIMEOUT_MS
from tests.factories import make_personas

FLAG = "不在中国大陆境内"


def scan(shade: int) -> bytes:
    """A legible scan (1240×1754 px), a little different each time."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(image).rectangle((100, 100 + shade * 40, 1100, 120 + shade * 40), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload_hosting_agreement(page: Page, url: str, data: bytes, region: str, facts: dict[str, str]) -> None:
    page.goto(url)
    payload: FilePayload = {"name": "托管协议.png", "mimeType": "image/png", "buffer": data}
    page.locator("input[name=file]").set_input_files(files=payload)
    for name, value in facts.items():
        page.locator(f"form [name={name}]").fill(value)
    page.locator("select[name=server_region]").select_option(region)
    with page.expect_navigation():
        page.get_by_role("button", name="上传", exact=True).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_region_mismatch_is_flagged_and_a_corrected_version_clears_it(
    live_server: Any, sign_in: Callable[[str], Page], media_and_tasks: None
) -> None:
    from icpdesk.cases import actions
    from icpdesk.materials.models import MaterialVersion

    expect.set_options(timeout=TIMEOUT_MS)
    p = make_personas()
    case = actions.create_application(p.consultant, p.enterprise)
    base = live_server.url
    upload_url = f"{base}/materials/case/{case.pk}/hosting_agreement/upload/"
    facts = {
        "company_name": p.enterprise.name,
        "credit_code": p.enterprise.uscc,
        "server_address": p.enterprise.server_address,
    }
    consultant = sign_in("consultant")

    # 1. A hosting agreement whose servers are in Hong Kong.
    first = scan(1)
    upload_hosting_agreement(consultant, upload_url, first, "CN-HK", facts)
    expect(consultant).to_have_url(re.compile(rf"/materials/case/{case.pk}/$"))
    row = consultant.locator("#material-hosting_agreement")
    expect(row).to_contain_text("v1")
    expect(row).to_contain_text("已上传")
    expect(row.locator("ul.flags li.error")).to_contain_text(FLAG)
    expect(row.locator("ul.flags li.error")).to_contain_text("香港")

    # The case page's checklist shows it too.
    consultant.goto(f"{base}/cases/{case.pk}/")
    expect(consultant.locator("#materials-checklist #material-hosting_agreement")).to_contain_text(FLAG)

    # 2. The consultant uploads the corrected agreement: servers in Gansu.
    consultant.goto(f"{base}/materials/case/{case.pk}/")
    with consultant.expect_navigation():
        row.get_by_role("link", name="上传新版本").click()
    expect(consultant).to_have_url(re.compile(r"/hosting_agreement/upload/$"))
    upload_hosting_agreement(consultant, upload_url, scan(2), "CN-GS", facts)
    expect(consultant).to_have_url(re.compile(rf"/materials/case/{case.pk}/$"))
    row = consultant.locator("#material-hosting_agreement")
    expect(row).to_contain_text("v2")
    expect(row).to_contain_text("共 2 个版本")
    expect(row.locator("ul.flags")).to_have_count(0)
    expect(row).to_contain_text("未发现问题")
    expect(row).not_to_contain_text(FLAG)

    # 3. v1 is kept, with its file and its own flag; the history lists both versions.
    consultant.goto(upload_url)
    history = consultant.locator("main table tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("v2")
    expect(history.nth(1)).to_contain_text("v1")
    v1, v2 = MaterialVersion.objects.filter(case_material__application=case).order_by("number")
    with default_storage.open(v1.file, "rb") as handle:
        assert handle.read() == first
    assert v1.facts["server_region"] == "CN-HK" and v2.facts["server_region"] == "CN-GS"
    assert [f["code"] for f in v1.flags["consistency"]] == ["region_not_mainland"]
    assert v2.flags["consistency"] == []
