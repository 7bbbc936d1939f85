"""The agency's import page, its progress and error table, the header mapping, the book assessment page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from icpdesk.bulk.models import HeaderMapping, ImportRun
from icpdesk.enterprises.models import EligibilityAssessment, Enterprise
from tests.bulk.conftest import open_xlsx, xlsx
from tests.factories import Personas, make_uscc

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_import_page_offers_the_template_and_the_upload(personas: Personas) -> None:
    client = signed_in(personas.consultant)
    page = client.get("/bulk/imports/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'type="file"' in text and "skip_invalid" in text and "/bulk/imports/template.xlsx" in text
    template = client.get("/bulk/imports/template.xlsx")
    assert open_xlsx(template.content).sheetnames[:2] == ["企业", "安全管理人员"]
    assert signed_in(personas.applicant).get("/bulk/imports/").status_code == 404


def test_an_upload_with_errors_shows_them_by_row_and_offers_the_error_workbook(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    data = xlsx([[make_uscc(), "兰州页面有限公司", "明天"]], ["统一社会信用代码", "企业名称", "成立日期"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bulk/imports/", {"file": SimpleUploadedFile("c.xlsx", data)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page
    assert "<td>2</td><td>成立日期</td><td><code>enterprise.registered_on</code></td>" in page
    assert "未导入任何数据" in page
    run = ImportRun.objects.get()
    assert client.get(f"/bulk/imports/{run.pk}/errors.xlsx").status_code == 200
    fragment = client.get(f"/bulk/imports/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<section class="card" id="import-progress"') and "hx-trigger" not in fragment
    assert signed_in(personas.outsider).get(f"/bulk/imports/{run.pk}/").status_code == 404


def test_a_run_in_progress_polls_for_its_progress(personas: Personas) -> None:
    client = signed_in(personas.consultant)
    client.post(
        "/bulk/imports/",
        {
            "file": SimpleUploadedFile(
                "c.xlsx", xlsx([[make_uscc(), "兰州等待"]], ["统一社会信用代码", "企业名称"])
            )
        },
    )
    run = ImportRun.objects.get()
    page = client.get(f"/bulk/imports/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page


def test_a_refused_file_is_named_on_the_page(personas: Personas) -> None:
    response = signed_in(personas.consultant).post(
        "/bulk/imports/", {"file": SimpleUploadedFile("c.xlsm", xlsx([]))}
    )
    assert response.status_code == 422
    assert "启用宏" in response.content.decode()


def test_unknown_headers_are_mapped_remembered_and_the_file_imported_again(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    code = make_uscc()
    data = xlsx([[code, "兰州映射页面有限公司"]], ["社会信用代码（新）", "公司全称"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bulk/imports/", {"file": SimpleUploadedFile("c.xlsx", data)})
    first = ImportRun.objects.get()
    assert first.status == "failed"  # no column the desk knows
    page = client.get(response["Location"]).content.decode()
    assert "找不到表头行" in page or "没有可识别的列名" in page


def test_a_mapping_form_is_offered_for_ignored_columns(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    code = make_uscc()
    data = xlsx([[code, "兰州映射二有限公司", "800万"]], ["统一社会信用代码", "企业名称", "资本金"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bulk/imports/", {"file": SimpleUploadedFile("c.xlsx", data)})
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "资本金" in page and 'name="map-0"' in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            f"/bulk/imports/{run.pk}/mapping/", {"map-0": "enterprise.registered_capital_cny"}
        )
    assert again.status_code == 302
    assert HeaderMapping.objects.get(agency=personas.agency).field == "enterprise.registered_capital_cny"
    assert Enterprise.objects.get(uscc=code).registered_capital_cny == 8_000_000


def test_the_whole_book_is_assessed_from_the_page(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    page = client.get("/bulk/book/").content.decode()
    assert "/api/v1/exports/assessments?format=xlsx" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bulk/book/")
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "已评估 1 / 1 家" in result
    assert EligibilityAssessment.objects.filter(enterprise=personas.enterprise).exists()


def test_list_pages_link_their_exports_with_their_filters(personas: Personas) -> None:
    client = signed_in(personas.consultant)
    enterprises = client.get("/enterprises/?q=兰州").content.decode()
    assert "/api/v1/exports/enterprises?format=xlsx&q=%E5%85%B0%E5%B7%9E" in enterprises
    assert "/bulk/imports/" in enterprises and "/bulk/book/" in enterprises
    queue = client.get("/cases/?state=filed&overdue=on").content.decode()
    assert "/api/v1/exports/cases?format=csv&state=filed&amp;overdue=on" in queue
    licenses = client.get("/licenses/?state=valid").content.decode()
    assert "/api/v1/exports/licenses?format=xlsx&state=valid" in licenses
    exported = client.get("/api/v1/exports/cases?format=csv&state=filed&overdue=on")
    assert exported.status_code == 200


def test_the_pages_speak_english_too(personas: Personas) -> None:
    client = signed_in(personas.consultant)
    page = client.get("/bulk/imports/", headers={"Accept-Language": "en"}).content.decode()
    assert "Import clients" in page and "Download the import template" in page
    book = client.get("/bulk/book/", headers={"Accept-Language": "en"}).content.decode()
    assert "Assess the whole book" in book and "Export the assessments" in book
