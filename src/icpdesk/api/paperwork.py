"""Paperwork: the documents the desk drafts for a case, generating them, and downloading them.

Access is decided in :mod:`icpdesk.paperwork.services` through ``icpdesk.cases.access``:
a case the user may not see is a 404; a visible case whose user may not
generate documents is a 403 with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from icpdesk.api.auth import current_user
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import MAX_ID, ErrorOut, In
from icpdesk.cases.models import Application
from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.errors import InvalidInput, NotFound
from icpdesk.paperwork import context, documents, services
from icpdesk.paperwork.models import GeneratedDocument
from icpdesk.paperwork.render import CONTENT_TYPES

router = Router(tags=["paperwork"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
GENERATED_LIMIT = 50


# ------------------------------------------------------------------ schemas


class MissingFactOut(Schema):
    fact: str
    label: str


class AvailableDocumentOut(Schema):
    id: str
    name: str
    formats: list[str]
    material_id: str | None
    attachable: bool
    missing: list[MissingFactOut]


class AttachedOut(Schema):
    material_id: str
    version: int


class GeneratedOut(Schema):
    id: int
    document: str
    name: str
    format: str
    status: str
    filename: str
    sha256: str
    size: int
    missing: list[str]
    created_by: str | None
    created_at: datetime
    download: str
    attached: AttachedOut | None = None


class CaseDocumentsOut(Schema):
    case_id: int
    can_generate: bool
    available: list[AvailableDocumentOut]
    generated: list[GeneratedOut]


class GenerateIn(In):
    document: str = Field(..., max_length=40, description="a document id from GET /cases/{id}/documents")
    format: str = Field("pdf", max_length=8, description="docx, pdf (the topology also svg, png)")
    attach: bool = Field(
        False, description="also add the PDF as a new version of the matching material of the checklist"
    )


# ------------------------------------------------------------------ helpers


def _load(request: HttpRequest, case_id: int) -> Application:
    if not 0 < case_id <= MAX_ID:
        raise NotFound("没有找到该案件。", "No such case.")
    return services.load_case(current_user(request), case_id)


def _generated(record: GeneratedDocument, lang: str) -> dict[str, Any]:
    try:
        name = documents.get(record.document_id).name(lang)
    except KeyError:
        name = record.document_id
    creator = record.created_by
    return {
        "id": record.pk,
        "document": record.document_id,
        "name": name,
        "format": record.format,
        "status": record.status,
        "filename": record.filename,
        "sha256": record.sha256,
        "size": record.size,
        "missing": [str(m) for m in record.missing or []],
        "created_by": (creator.get_full_name() or creator.get_username()) if creator is not None else None,
        "created_at": record.created_at,
        "download": f"/api/v1/documents/{record.pk}/download",
    }


# ------------------------------------------------------------------ endpoints


@router.get(
    "/cases/{case_id}/documents",
    response={200: CaseDocumentsOut, **ERRORS},
    summary="The documents the desk can draft for a case (with the facts each lacks) and those drafted",
)
def case_documents(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = current_user(request)
    application = _load(request, case_id)
    lang = request_lang(request)
    enterprise = Enterprise.objects.prefetch_related("security_staff").get(pk=application.enterprise_id)
    raw = context.enterprise_facts(enterprise)
    available = [
        {
            "id": d.id,
            "name": d.name(lang),
            "formats": list(d.formats),
            "material_id": d.material_id,
            "attachable": d.material_id is not None,
            "missing": [{"fact": f, "label": context.FACT_LABELS[f]} for f in d.facts if not raw.get(f)],
        }
        for d in documents.CASE_DOCUMENTS
    ]
    generated = services.case_documents(application)[:GENERATED_LIMIT]
    return {
        "case_id": application.pk,
        "can_generate": services.may_generate(user, application),
        "available": available,
        "generated": [_generated(record, lang) for record in generated],
    }


@router.post(
    "/cases/{case_id}/documents",
    response={201: GeneratedOut, **ERRORS},
    summary="Draft a document of the case (and optionally attach it to the checklist)",
)
def generate(request: HttpRequest, case_id: int, payload: GenerateIn) -> tuple[int, dict[str, Any]]:
    user = current_user(request)
    application = _load(request, case_id)
    lang = request_lang(request)
    if not payload.attach:
        record = services.generate_for_case(user, application, payload.document, payload.format)
        return 201, _generated(record, lang)
    if payload.format != "pdf":
        raise InvalidInput(
            "附加到材料清单的文书只生成 PDF 格式。",
            "A document attached to the checklist is drafted as a PDF only.",
            field="format",
        )
    # A refused attachment (the case no longer takes uploads, or the user may not upload)
    # leaves no record of the drafted file behind.
    with transaction.atomic():
        record, version = services.generate_and_attach(user, application, payload.document)
    body = _generated(record, lang)
    body["attached"] = {"material_id": version.case_material.material_id, "version": version.number}
    return 201, body


@router.get(
    "/documents/{doc_id}/download",
    response={200: None, **ERRORS},
    summary="Download a drafted document",
)
def download(request: HttpRequest, doc_id: int) -> FileResponse:
    if not 0 < doc_id <= MAX_ID:
        raise NotFound("没有找到该文件。", "No such file.")
    record = services.visible_document(current_user(request), doc_id)
    if record.status != GeneratedDocument.Status.READY or not record.file:
        raise NotFound("没有找到该文件。", "No such file.")
    try:
        handle = default_storage.open(record.file, "rb")
    except OSError:
        raise NotFound("没有找到该文件。", "No such file.") from None
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(record.format, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(record.filename)}"
    response["Content-Length"] = str(record.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
