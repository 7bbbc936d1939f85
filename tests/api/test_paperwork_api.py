"""Paperwork through the API: who may draft, the drafted files themselves, and attaching to the checklist."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icpdesk.core.lifecycle import State
from icpdesk.materials.models import MaterialVersion
from icpdesk.paperwork import documents
from icpdesk.paperwork.models import GeneratedDocument
from tests.api.conftest import PERSONAS, Api, case_in
from tests.factories import Personas

pytestmark = pytest.mark.django_db

SEERS = ("applicant", "consultant", "reviewer", "inspector", "approver")
HIDDEN = ("outsider", "other_reviewer")


@pytest.fixture(autouse=True)
def _media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    yield


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return response.json()


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _not_found_like_nothing(
    api: Api, who: str, response: Any, method: str, missing: str, body: Any = None
) -> None:
    assert response.json()["code"] == "not_found"
    other = api.get(who, missing) if method == "get" else api.post(who, missing, body)
    assert other.status_code == 404
    assert other.json() == response.json()


# ------------------------------------------------------------------ the access matrix


def test_the_document_list_access_matrix(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    for who in SEERS:
        body = ok(api.get(who, f"/cases/{case.pk}/documents"))
        assert body["can_generate"] is True, who
        assert {d["id"] for d in body["available"]} == {d.id for d in documents.CASE_DOCUMENTS}
    for who in HIDDEN:
        response = api.get(who, f"/cases/{case.pk}/documents")
        assert response.status_code == 404, who
        _not_found_like_nothing(api, who, response, "get", "/cases/1000000000/documents")
    assert api.get(None, f"/cases/{case.pk}/documents").status_code == 401


def test_the_generate_access_matrix(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    body = {"document": "no_violation_statement", "format": "docx"}
    for who in SEERS:
        made = ok(api.post(who, f"/cases/{case.pk}/documents", body), 201)
        assert made["document"] == "no_violation_statement" and made["format"] == "docx", who
    assert GeneratedDocument.objects.filter(application=case).count() == len(SEERS)
    for who in HIDDEN:
        response = api.post(who, f"/cases/{case.pk}/documents", body)
        assert response.status_code == 404, who
        _not_found_like_nothing(api, who, response, "post", "/cases/1000000000/documents", body)
    assert api.post(None, f"/cases/{case.pk}/documents", body).status_code == 401
    assert GeneratedDocument.objects.filter(application=case).count() == len(SEERS)


def test_the_download_access_matrix(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    made = ok(
        api.post(
            "consultant", f"/cases/{case.pk}/documents", {"document": "content_review", "format": "docx"}
        ),
        201,
    )
    path = f"/documents/{made['id']}/download"
    assert made["download"] == "/api/v1" + path
    for who in SEERS:
        response = api.get(who, path)
        assert response.status_code == 200, who
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        assert len(content(response)) == made["size"]
    for who in HIDDEN:
        response = api.get(who, path)
        assert response.status_code == 404, who
        _not_found_like_nothing(api, who, response, "get", "/documents/1000000000/download")
    assert api.get(None, path).status_code == 401


def test_an_enterprise_without_a_mandate_cannot_generate(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    personas.mandate.prepare = False
    personas.mandate.save()
    body = {"document": "privacy_policy", "format": "docx"}
    refused = ok(api.post("consultant", f"/cases/{case.pk}/documents", body), 403)
    assert refused["code"] == "forbidden"
    assert ok(api.get("consultant", f"/cases/{case.pk}/documents"))["can_generate"] is False
    assert not GeneratedDocument.objects.exists()


# ------------------------------------------------------------------ the files themselves


def test_a_pdf_and_a_docx_hold_the_company_name(api: Api, personas: Personas) -> None:
    from docx import Document
    from pypdf import PdfReader

    case = case_in(personas, State.DRAFT)
    e = personas.enterprise
    made_pdf = ok(
        api.post(
            "consultant", f"/cases/{case.pk}/documents", {"document": "application_form", "format": "pdf"}
        ),
        201,
    )
    made_docx = ok(
        api.post(
            "applicant", f"/cases/{case.pk}/documents", {"document": "application_form", "format": "docx"}
        ),
        201,
    )
    pdf_response = api.get("consultant", made_pdf["download"].removeprefix("/api/v1"))
    assert pdf_response["Content-Type"] == "application/pdf"
    pdf_text = "".join(
        page.extract_text() or "" for page in PdfReader(io.BytesIO(content(pdf_response))).pages
    ).replace("\n", "")
    assert e.name in pdf_text
    assert e.uscc in pdf_text

    docx_response = api.get("applicant", made_docx["download"].removeprefix("/api/v1"))
    doc = Document(io.BytesIO(content(docx_response)))
    lines = [p.text for p in doc.paragraphs]
    lines += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    text = "\n".join(lines)
    assert e.name in text and e.uscc in text
    assert "{{" not in text and "{%" not in text

    listed = ok(api.get("consultant", f"/cases/{case.pk}/documents"))
    assert {g["id"] for g in listed["generated"]} == {made_pdf["id"], made_docx["id"]}
    # A draft and what was drafted for it reach the regulator once the case is filed.
    assert api.get("reviewer", f"/cases/{case.pk}/documents").status_code == 404
    assert api.get("reviewer", made_pdf["download"].removeprefix("/api/v1")).status_code == 404
    assert all(g["name"] == "互联网信息服务许可证申请表" for g in listed["generated"])


def test_a_missing_fact_is_listed_before_and_after_drafting(api: Api, personas: Personas) -> None:
    e = personas.enterprise
    e.legal_rep_name = ""
    e.save()
    case = case_in(personas, State.DRAFT)
    listed = ok(api.get("consultant", f"/cases/{case.pk}/documents"))
    statement = next(d for d in listed["available"] if d["id"] == "no_violation_statement")
    assert {"fact": "legal_rep_name", "label": "法定代表人"} in statement["missing"]
    made = ok(
        api.post(
            "consultant",
            f"/cases/{case.pk}/documents",
            {"document": "no_violation_statement", "format": "docx"},
        ),
        201,
    )
    assert "法定代表人" in made["missing"]


def test_bad_requests_name_the_field(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    path = f"/cases/{case.pk}/documents"
    assert (
        ok(api.post("consultant", path, {"document": "nothing", "format": "pdf"}), 422)["field"] == "document"
    )
    assert ok(api.post("consultant", path, {"document": "weekly_report"}), 422)["field"] == "document"
    assert ok(api.post("consultant", path, {"document": "privacy_policy", "format": "odt"}), 422)[
        "field"
    ] == ("format")
    assert ok(api.post("consultant", path, {"format": "pdf"}), 422)["field"] == "document"
    attach_docx = {"document": "privacy_policy", "format": "docx", "attach": True}
    assert ok(api.post("consultant", path, attach_docx), 422)["field"] == "format"
    no_material = {"document": "emergency_plan", "attach": True}
    assert ok(api.post("consultant", path, no_material), 422)["field"] == "document"
    assert not GeneratedDocument.objects.exists()
    assert ok(api.get("consultant", "/documents/0/download"), 404)["code"] == "not_found"


# ------------------------------------------------------------------ attaching


def test_attach_adds_a_version_of_the_matching_material(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.DRAFT)
    made = ok(
        api.post(
            "consultant",
            f"/cases/{case.pk}/documents",
            {"document": "privacy_policy", "format": "pdf", "attach": True},
        ),
        201,
    )
    assert made["attached"] == {"material_id": "privacy_policy", "version": 1}
    version = MaterialVersion.objects.get(case_material__application=case)
    assert version.content_type == "application/pdf"
    assert version.sha256 == made["sha256"]
    assert version.facts["company_name"] == personas.enterprise.name
    checklist = ok(api.get("applicant", f"/cases/{case.pk}/materials"))
    row = next(m for g in checklist["groups"] for m in g["materials"] if m["id"] == "privacy_policy")
    assert row["state"] == "uploaded" and row["latest"]["number"] == 1


@pytest.mark.parametrize("who", ["reviewer", "inspector", "approver"])
def test_the_regulator_may_draft_but_not_attach(api: Api, personas: Personas, who: str) -> None:
    case = case_in(personas, State.RETURNED)  # the applicant side may attach, the regulator sees it
    before = MaterialVersion.objects.count()
    body = {"document": "privacy_policy", "attach": True}
    refused = ok(api.post(who, f"/cases/{case.pk}/documents", body), 403)
    assert refused["code"] == "forbidden"
    assert not GeneratedDocument.objects.exists()  # a refused attachment leaves no record
    assert MaterialVersion.objects.count() == before


def test_attach_is_refused_once_the_case_is_filed(api: Api, personas: Personas) -> None:
    case = case_in(personas, State.FILED)
    before = MaterialVersion.objects.count()
    body = {"document": "privacy_policy", "attach": True}
    refused = ok(api.post("consultant", f"/cases/{case.pk}/documents", body), 409)
    assert refused["state"] == "filed"
    assert MaterialVersion.objects.count() == before
    assert not GeneratedDocument.objects.exists()


# ------------------------------------------------------------------ query count


@pytest.mark.parametrize("rows", [3, 30])
def test_the_document_list_takes_a_fixed_number_of_queries(
    api: Api, personas: Personas, django_assert_max_num_queries: Any, rows: int
) -> None:
    case = case_in(personas, State.DRAFT)
    for index in range(rows):
        GeneratedDocument.objects.create(
            application=case,
            enterprise=personas.enterprise,
            document_id="privacy_policy",
            format="pdf",
            file=f"paperwork/x/{index}.pdf",
            filename="x.pdf",
            created_by=personas.consultant if index % 2 else personas.applicant,
        )
    api.token("consultant")
    with django_assert_max_num_queries(7):
        body = ok(api.get("consultant", f"/cases/{case.pk}/documents"))
    assert len(body["generated"]) == rows


def test_every_persona_is_covered() -> None:
    assert set(SEERS) | set(HIDDEN) == set(PERSONAS)
