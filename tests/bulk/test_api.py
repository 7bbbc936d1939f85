"""The bulk endpoints: POST /api/v1/imports (202), its progress and report, exports, the book assessment."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from icpdesk.enterprises.models import EligibilityAssessment, Enterprise
from tests.bulk.conftest import open_xlsx, xlsx
from tests.factories import Personas, make_uscc

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_an_import_is_accepted_then_reports_its_progress_and_result(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    code = make_uscc()
    upload = SimpleUploadedFile(
        "clients.xlsx", xlsx([[code, "兰州接口有限公司"]], ["统一社会信用代码", "企业名称"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", {"file": upload})
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/{run_id}").json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["report"]["created"] == 1 and status["report"]["errors"] == []
    assert Enterprise.objects.filter(uscc=code).exists()


def test_an_import_with_errors_offers_the_error_workbook(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    upload = SimpleUploadedFile(
        "c.xlsx", xlsx([["91620100MA7ABC2D18", "兰州错"]], ["统一社会信用代码", "企业名称"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_id = client.post("/api/v1/imports", {"file": upload, "skip_invalid": "false"}).json()["id"]
    status = client.get(f"/api/v1/imports/{run_id}?lang=en").json()
    assert status["status"] == "rejected"
    [error] = status["report"]["errors"]
    assert (error["row"], error["column"], error["field"]) == (2, "统一社会信用代码", "enterprise.uscc")
    workbook = client.get(status["error_workbook"])
    assert workbook.status_code == 200
    assert open_xlsx(workbook.content)["企业"]["A2"].comment is not None


def test_a_refused_file_is_a_422_with_the_reason(personas: Personas) -> None:
    client = signed_in(personas.consultant)
    response = client.post("/api/v1/imports?lang=en", {"file": SimpleUploadedFile("c.xlsm", xlsx([]))})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "file_refused" and body["field"] == "file" and body["reason"] == "macro"
    assert "Macro-enabled" in body["message"]


def test_only_the_agency_sees_its_imports(personas: Personas) -> None:
    upload = SimpleUploadedFile("c.xlsx", xlsx([[make_uscc(), "兰州甲"]], ["统一社会信用代码", "企业名称"]))
    run_id = signed_in(personas.consultant).post("/api/v1/imports", {"file": upload}).json()["id"]
    assert signed_in(personas.outsider).get(f"/api/v1/imports/{run_id}").status_code == 404
    refused = signed_in(personas.applicant).post("/api/v1/imports", {"file": upload})
    assert refused.status_code == 403


def test_exports_return_the_files(personas: Personas) -> None:
    client = signed_in(personas.consultant)
    response = client.get("/api/v1/exports/enterprises?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert personas.enterprise.uscc in response.content.decode("utf-8-sig")
    xlsx_response = client.get("/api/v1/exports/cases")
    assert "spreadsheetml" in xlsx_response["Content-Type"]
    assert open_xlsx(xlsx_response.content).active["A1"].value == "案件编号"
    assert client.get("/api/v1/exports/duties?lang=en").status_code == 200
    assert client.get("/api/v1/exports/nothing").status_code == 404
    assert client.get("/api/v1/exports/cases?format=pdf").status_code == 422


def test_the_book_assessment_runs_and_reports(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(personas.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/assessments/book", {"on": "2026-12-01"}, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    status = client.get(response.json()["url"]).json()
    assert status["status"] == "done" and status["verdicts"] == {"eligible": 1}
    assert EligibilityAssessment.objects.filter(enterprise=personas.enterprise).count() == 1
    assert signed_in(personas.outsider).get(response.json()["url"]).status_code == 404
