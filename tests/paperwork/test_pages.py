"""The paperwork pages: who may see, generate and download what, and what the weekly report says."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icpdesk.accounts.models import Mandate
from icpdesk.cases.models import Application
from icpdesk.paperwork import services
from icpdesk.paperwork.models import GeneratedDocument
from tests.factories import make_enterprise, mark_filed
from tests.paperwork.conftest import docx_text, pdf_text

PERSONAS = [
    "applicant",
    "member",
    "consultant",
    "reviewer",
    "inspector",
    "approver",
    "outsider",
    "other_reviewer",
    None,
]
SEES_CASE = {"applicant", "member", "consultant", "reviewer", "inspector", "approver"}
AGENCY = {"consultant", "outsider"}


def _client(personas: Any, who: str | None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(getattr(personas, who))
    return client


def _expect(who: str | None, allowed: bool, ok: int) -> int:
    if who is None:
        return 302  # to the login page
    return ok if allowed else 404


@pytest.mark.parametrize("who", PERSONAS)
def test_the_case_documents_page(personas: Any, filed: Application, who: str | None) -> None:
    response = _client(personas, who).get(reverse("paperwork:case_documents", args=[filed.pk]))
    assert response.status_code == _expect(who, who in SEES_CASE, 200)
    if response.status_code == 200:
        assert "互联网信息服务许可证申请表" in response.content.decode()
        assert reverse("paperwork:generate", args=[filed.pk]) in response.content.decode()


@pytest.mark.parametrize("who", PERSONAS)
def test_generating_a_document_then_downloading_it(
    personas: Any, filed: Application, who: str | None
) -> None:
    client = _client(personas, who)
    url = reverse("paperwork:generate", args=[filed.pk])
    response = client.post(url, {"document": "no_violation_statement", "format": "docx"})
    assert response.status_code == _expect(who, who in SEES_CASE, 302)
    if response.status_code == 302 and who is not None:
        download = client.get(response["Location"])
        assert download.status_code == 200
        data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        assert filed.enterprise.uscc in docx_text(data)
        assert "attachment" in download["Content-Disposition"]
        record = GeneratedDocument.objects.get()
        assert record.application_id == filed.pk and record.created_by == getattr(personas, who)
        assert len(record.sha256) == 64


def test_a_get_does_not_generate(personas: Any, case: Application) -> None:
    response = _client(personas, "consultant").get(reverse("paperwork:generate", args=[case.pk]))
    assert response.status_code == 405
    assert not GeneratedDocument.objects.exists()


def test_an_agency_without_a_preparing_mandate_is_refused_with_a_reason(
    personas: Any, case: Application
) -> None:
    Mandate.objects.filter(pk=personas.mandate.pk).update(prepare=False)
    client = _client(personas, "consultant")
    page = client.get(reverse("paperwork:case_documents", args=[case.pk]))
    assert (
        page.status_code == 200 and reverse("paperwork:generate", args=[case.pk]) not in page.content.decode()
    )
    response = client.post(
        reverse("paperwork:generate", args=[case.pk]), {"document": "application_form", "format": "pdf"}
    )
    assert response.status_code == 403
    assert "准备材料" in response.content.decode()


def test_an_unknown_document_or_format_is_named(personas: Any, case: Application) -> None:
    client = _client(personas, "applicant")
    response = client.post(
        reverse("paperwork:generate", args=[case.pk]), {"document": "nope", "format": "pdf"}
    )
    assert response.status_code == 422 and "没有这种文书" in response.content.decode()
    response = client.post(
        reverse("paperwork:generate", args=[case.pk]), {"document": "application_form", "format": "png"}
    )
    assert response.status_code == 422 and "png" in response.content.decode()


def test_a_draft_is_not_the_regulators_to_see(personas: Any, case: Application) -> None:
    record = services.generate_for_case(personas.consultant, case, "topology", "svg")
    client = _client(personas, "reviewer")
    assert client.get(reverse("paperwork:case_documents", args=[case.pk])).status_code == 404
    assert client.get(reverse("paperwork:download", args=[record.pk])).status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_downloading_a_generated_file(personas: Any, filed: Application, who: str | None) -> None:
    record = services.generate_for_case(personas.consultant, filed, "topology", "svg")
    response = _client(personas, who).get(reverse("paperwork:download", args=[record.pk]))
    assert response.status_code == _expect(who, who in SEES_CASE, 200)


def test_generate_and_attach_adds_a_material_version(personas: Any, case: Application) -> None:
    from icpdesk.materials.models import MaterialVersion

    client = _client(personas, "consultant")
    response = client.post(reverse("paperwork:attach", args=[case.pk]), {"document": "application_form"})
    assert response.status_code == 302
    version = MaterialVersion.objects.get()
    assert version.case_material.material_id == "application_form"
    assert version.content_type == "application/pdf" and version.number == 1
    assert version.facts["credit_code"] == case.enterprise.uscc
    response = client.post(reverse("paperwork:attach", args=[case.pk]), {"document": "emergency_plan"})
    assert response.status_code == 422 and "没有对应的材料" in response.content.decode()
    assert MaterialVersion.objects.count() == 1


def test_a_regulator_may_generate_but_not_attach(personas: Any, case: Application) -> None:
    from icpdesk.materials.models import MaterialVersion

    # Returned for supplement: the regulator sees the case, the applicant side may attach.
    mark_filed(case, state="returned")
    client = _client(personas, "reviewer")
    response = client.post(reverse("paperwork:attach", args=[case.pk]), {"document": "application_form"})
    assert response.status_code == 403
    # Refused before anything was generated or stored.
    assert not GeneratedDocument.objects.filter(application=case).exists()
    assert not MaterialVersion.objects.exists()


def test_attaching_to_a_filed_case_is_refused_before_anything_is_stored(
    personas: Any, case: Application
) -> None:
    from icpdesk.materials.models import MaterialVersion

    Application.objects.filter(pk=case.pk).update(state="filed")
    client = _client(personas, "consultant")
    response = client.post(reverse("paperwork:attach", args=[case.pk]), {"document": "application_form"})
    assert response.status_code == 409
    assert not GeneratedDocument.objects.filter(application=case).exists()
    assert not MaterialVersion.objects.exists()


def test_the_case_page_query_count_does_not_grow(
    personas: Any, case: Application, django_assert_max_num_queries: Any
) -> None:
    client = _client(personas, "consultant")
    url = reverse("paperwork:case_documents", args=[case.pk])
    services.generate_for_case(personas.consultant, case, "topology", "svg")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for _ in range(29):
        services.generate_for_case(personas.consultant, case, "topology", "svg")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# ------------------------------------------------------------------ weekly reports


@pytest.mark.parametrize("who", PERSONAS)
def test_the_weekly_page_is_for_agencies_only(personas: Any, who: str | None) -> None:
    response = _client(personas, who).get(reverse("paperwork:weekly"))
    assert response.status_code == _expect(who, who in AGENCY, 200)
    if who == "consultant":
        assert personas.enterprise.name in response.content.decode()
        assert personas.other_enterprise.name not in response.content.decode()


@pytest.mark.parametrize("who", PERSONAS)
def test_a_weekly_report_for_one_client(personas: Any, who: str | None) -> None:
    url = reverse("paperwork:weekly_one", args=[personas.enterprise.pk])
    response = _client(personas, who).post(url, {"format": "pdf"})
    assert response.status_code == _expect(who, who == "consultant", 302)


def _filed_case(personas: Any, case: Application) -> Application:
    Application.objects.filter(pk=case.pk).update(
        state="filed", due_step="acceptance", due_on=date(2026, 12, 8), due_provisional=False
    )
    case.refresh_from_db()
    return case


def test_the_weekly_report_lists_the_state_and_the_next_due_date(personas: Any, case: Application) -> None:
    _filed_case(personas, case)
    client = _client(personas, "consultant")
    for fmt in ("docx", "pdf"):
        response = client.post(
            reverse("paperwork:weekly_one", args=[personas.enterprise.pk]), {"format": fmt}
        )
        download = client.get(response["Location"])
        data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        text = docx_text(data) if fmt == "docx" else pdf_text(data).replace("\n", "")
        assert "已申报，待受理" in text
        assert "受理" in text and "2026年12月8日" in text
        assert case.reference in text
        assert "创建案件" in text  # this week's event
        assert personas.agency.name in text
        assert "{{" not in text and "{%" not in text


def test_a_provisional_due_date_is_flagged(personas: Any, case: Application) -> None:
    Application.objects.filter(pk=case.pk).update(
        state="accepted", due_step="inspection", due_on=date(2027, 1, 20), due_provisional=True
    )
    (made,) = services.weekly_drafts(
        personas.consultant, [personas.enterprise], ["docx"], today=date(2026, 12, 1)
    )
    assert "2027年1月20日（暂定" in docx_text(made.rendered[0].content)


def test_a_batch_for_every_client_runs_in_the_background(
    personas: Any, case: Application, django_capture_on_commit_callbacks: Any
) -> None:
    _filed_case(personas, case)
    second = make_enterprise("白银第二电子商务有限公司", city="白银市")
    Mandate.objects.create(agency=personas.agency, enterprise=second)
    client = _client(personas, "consultant")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("paperwork:weekly_batch"), {"format": "both"})
    assert response.status_code == 302
    batch = GeneratedDocument.objects.get(document_id="weekly_batch")
    assert batch.status == "ready" and batch.count == 4
    page = client.get(reverse("paperwork:weekly"))
    assert reverse("paperwork:download", args=[batch.pk]) in page.content.decode()
    download = client.get(reverse("paperwork:download", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    names = archive.namelist()
    assert len(names) == 4 and any(second.name in n and n.endswith(".pdf") for n in names)
    assert personas.other_enterprise.name not in "".join(names)
    ours = next(n for n in names if personas.enterprise.name in n and n.endswith(".docx"))
    assert "已申报，待受理" in docx_text(archive.read(ours))
    # Another agency cannot fetch it.
    assert (
        _client(personas, "outsider").get(reverse("paperwork:download", args=[batch.pk])).status_code == 404
    )


def test_a_running_batch_shows_how_far_it_has_come(personas: Any, monkeypatch: Any) -> None:
    for n in range(2):
        Mandate.objects.create(
            agency=personas.agency, enterprise=make_enterprise(f"庆阳第{n}电子商务有限公司", city="庆阳市")
        )
    # One client a chunk: each chunk done adds its documents to the batch's progress.
    monkeypatch.setattr(services, "CHUNK", 1)
    batch = services.start_weekly_batch(personas.consultant, "docx", today=date(2026, 12, 1))
    assert (batch.status, batch.count, batch.total) == ("pending", 0, 3)  # three clients, one file each
    client = _client(personas, "consultant")
    page = client.get(reverse("paperwork:weekly")).content.decode()
    assert "0 / 3" in page and 'hx-trigger="every 2s"' in page
    chunks = list(batch.chunks.order_by("number"))
    assert [c.state for c in chunks] == ["queued"] * 3
    assert services.run_weekly_chunk(chunks[0].pk) == "done"
    fragment = client.get(reverse("paperwork:weekly"), HTTP_HX_REQUEST="true").content.decode()
    assert "1 / 3" in fragment and "<h1>" not in fragment
    for chunk in chunks[1:]:
        services.run_weekly_chunk(chunk.pk)
    assert services.assemble_weekly_batch(batch.pk) == "ready"
    done = GeneratedDocument.objects.get(pk=batch.pk)
    assert (done.status, done.count, done.total) == ("ready", 3, 3)
    fragment = client.get(reverse("paperwork:weekly"), HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in fragment and reverse("paperwork:download", args=[batch.pk]) in fragment


def test_a_batch_format_is_checked(personas: Any) -> None:
    response = _client(personas, "consultant").post(reverse("paperwork:weekly_batch"), {"format": "xls"})
    assert response.status_code == 422
    assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("who", ["applicant", "reviewer", "outsider"])
def test_others_cannot_start_this_agencys_batch_or_report(personas: Any, who: str) -> None:
    client = _client(personas, who)
    response = client.post(reverse("paperwork:weekly_one", args=[personas.enterprise.pk]), {"format": "docx"})
    assert response.status_code == 404


def test_the_weekly_page_query_count_does_not_grow(personas: Any, django_assert_max_num_queries: Any) -> None:
    client = _client(personas, "consultant")
    url = reverse("paperwork:weekly")

    def add(n: int) -> None:
        for _ in range(n):
            Mandate.objects.create(
                agency=personas.agency, enterprise=make_enterprise(f"客户{timezone.now().timestamp()}")
            )

    add(2)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
