"""Materials of a case: the checklist, uploads, versions, downloads, verdicts and the case ZIP.

Every endpoint loads the case through :func:`icpdesk.materials.services.load_case`
(404 for a case the user may not see, exactly like one that does not exist) and
changes materials only through the materials services, which decide who may
do what; the API has no rules of its own.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.utils import translation
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field, field_validator

from icpdesk.accounts.models import User
from icpdesk.api.auth import current_user
from icpdesk.api.cases import case_detail
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import MAX_ID, CaseOut, ErrorOut, In, VersionIn
from icpdesk.cases.models import Application
from icpdesk.lib.errors import InvalidInput, NotFound
from icpdesk.materials import services
from icpdesk.materials.checks import REGION_LABELS
from icpdesk.materials.models import CaseMaterial, MaterialVersion
from icpdesk.materials.reading import reading_out
from icpdesk.materials.safety import PREVIEW_CSP

router = Router(tags=["materials"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
FLAG_GROUPS = ("legibility", "consistency", "dates")
MAX_VERSION = 2**31 - 1


# ------------------------------------------------------------------ schemas


class FlagOut(Schema):
    group: str
    code: str
    message: str
    values: dict[str, Any]


class UploaderOut(Schema):
    id: int
    name: str


class ReadFieldOut(Schema):
    value: str | int | list[str]
    confidence: float
    page: int
    box: list[float]


class ReadFlagOut(Schema):
    code: str
    message: str
    values: dict[str, Any]


class ReadErrorOut(Schema):
    code: str
    message: str


class ReadingOut(Schema):
    """What the desk read in the file: identity numbers masked; boxes in fractions of the page."""

    pages: int | None
    page_count: int | None
    fields: dict[str, ReadFieldOut]
    qr: list[str]
    text: str
    flags: list[ReadFlagOut]
    error: ReadErrorOut | None


class MaterialVersionOut(Schema):
    number: int
    sha256: str
    size: int
    content_type: str
    pages: int | None
    width: int | None
    height: int | None
    original_name: str
    uploaded_at: datetime
    uploader: UploaderOut
    facts: dict[str, str]
    check_status: str
    checked_at: datetime | None
    flags: list[FlagOut]
    read_status: str
    reading: ReadingOut | None
    download: str


class DuplicateOut(Schema):
    sha256: str
    application_id: int | None
    reference: str | None


class ChecklistMaterialOut(Schema):
    id: str
    name: str
    required: bool
    seal: bool
    guidance: str
    state: str
    state_label: str
    return_reason: str
    version_count: int
    latest: MaterialVersionOut | None
    check_status: str
    flags: list[FlagOut]
    forged: bool
    forged_reason: str
    duplicates: list[DuplicateOut]


class ChecklistGroupOut(Schema):
    id: str
    name: str
    materials: list[ChecklistMaterialOut]


class ChecklistOut(Schema):
    case_id: int
    state: str
    version: int
    missing_required: list[str]
    can_upload: bool
    can_review: bool
    can_download_zip: bool
    checks_pending: bool
    returned_count: int
    groups: list[ChecklistGroupOut]


class MaterialStatusOut(Schema):
    id: str
    state: str
    return_reason: str
    verdict_by: str | None
    verdict_at: datetime | None
    reviewed_version: int | None
    forged: bool
    forged_reason: str


class FactDiffOut(Schema):
    field: str
    label: str
    before: str
    after: str


class VersionRefOut(Schema):
    number: int
    sha256: str
    uploaded_at: datetime


class MaterialChangeOut(Schema):
    material_id: str
    name: str
    reviewed_version: int | None
    latest_version: int
    new_versions: list[VersionRefOut]
    file_changed: bool
    facts_diff: list[FactDiffOut]


class FactsIn(Schema):
    """The facts the uploaded material shows, as the uploader states them (all optional)."""

    company_name: str = Field("", max_length=200)
    credit_code: str = Field("", max_length=40)
    domain: str = Field("", max_length=253)
    server_address: str = Field("", max_length=300)
    server_region: str = Field("", max_length=16, description="CN-GS, CN, CN-HK, CN-MO, CN-TW or ABROAD")
    person_name: str = Field("", max_length=60)
    valid_from: Date | None = None
    valid_until: Date | None = None
    period_end: Date | None = None

    @field_validator("valid_from", "valid_until", "period_end", mode="before")
    @classmethod
    def _blank_date(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("server_region")
    @classmethod
    def _region(cls, value: str) -> str:
        value = value.strip().upper()
        if value and value not in REGION_LABELS:
            raise ValueError("unknown region")
        return value


class VerdictIn(In):
    verdict: str = Field(..., max_length=16, description="accept or return")
    reason: str = Field("", max_length=1000, description="why it is returned (required to return)")


class ForgedIn(In):
    reason: str = Field(..., max_length=2000)


# ------------------------------------------------------------------ helpers


def _load(request: HttpRequest, case_id: int) -> Application:
    if not 0 < case_id <= MAX_ID:
        raise NotFound("没有找到该案件。", "No such case.")
    return services.load_case(current_user(request), case_id)


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _flags(version: MaterialVersion, lang: str) -> list[dict[str, Any]]:
    key = "message_en" if lang == "en" else "message_zh"
    return [
        {
            "group": group,
            "code": str(flag.get("code", "")),
            "message": str(flag.get(key, "")),
            "values": dict(flag.get("values") or {}),
        }
        for group in FLAG_GROUPS
        for flag in (version.flags or {}).get(group, [])
    ]


def _download_path(application: Application, material_id: str, number: int) -> str:
    return f"/api/v1/cases/{application.pk}/materials/{material_id}/versions/{number}/download"


def _version(
    application: Application, material_id: str, version: MaterialVersion, uploader: User, lang: str
) -> dict[str, Any]:
    return {
        "number": version.number,
        "sha256": version.sha256,
        "size": version.size,
        "content_type": version.content_type,
        "pages": version.page_count,
        "width": version.width,
        "height": version.height,
        "original_name": version.original_name,
        "uploaded_at": version.uploaded_at,
        "uploader": _person(uploader),
        "facts": {k: str(v) for k, v in (version.facts or {}).items()},
        "check_status": version.check_status,
        "checked_at": version.checked_at,
        "flags": _flags(version, lang),
        "read_status": version.read_status,
        "reading": reading_out(version, lang),
        "download": _download_path(application, material_id, version.number),
    }


def _status(case_material: CaseMaterial) -> dict[str, Any]:
    return {
        "id": case_material.material_id,
        "state": case_material.state,
        "return_reason": case_material.return_reason,
        "verdict_by": (
            _person(case_material.verdict_by)["name"] if case_material.verdict_by is not None else None
        ),
        "verdict_at": case_material.verdict_at,
        "reviewed_version": (
            case_material.reviewed_version.number if case_material.reviewed_version is not None else None
        ),
        "forged": case_material.forged,
        "forged_reason": case_material.forged_reason,
    }


def _file(handle: Any, content_type: str, filename: str, size: int | None = None) -> FileResponse:
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


# ------------------------------------------------------------------ checklist


@router.get(
    "/cases/{case_id}/materials",
    response={200: ChecklistOut, **ERRORS},
    summary="The checklist of materials (清单), per group, with each latest version and its check results",
)
def checklist(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = current_user(request)
    application = _load(request, case_id)
    lang = request_lang(request)
    with translation.override(lang):
        context = services.checklist_context(user, application)
    rows = [row for group in context["checklist_groups"] for row in group["items"]]
    uploader_ids = {row.latest.uploaded_by_id for row in rows if row.latest is not None}
    uploaders = {u.pk: u for u in User.objects.filter(pk__in=uploader_ids)} if uploader_ids else {}
    groups = []
    for group in context["checklist_groups"]:
        materials = []
        for row in group["items"]:
            latest = row.latest
            materials.append(
                {
                    "id": row.material.id,
                    "name": row.name,
                    "required": row.material.required,
                    "seal": row.material.seal,
                    "guidance": row.material.guidance,
                    "state": row.state,
                    "state_label": row.state_label,
                    "return_reason": row.return_reason,
                    "version_count": row.version_count,
                    "latest": (
                        _version(application, row.material.id, latest, uploaders[latest.uploaded_by_id], lang)
                        if latest is not None
                        else None
                    ),
                    "check_status": row.check_status,
                    "flags": _flags(latest, lang) if latest is not None else [],
                    "forged": row.forged,
                    "forged_reason": row.forged_reason,
                    "duplicates": row.duplicates,
                }
            )
        groups.append({"id": group["group"].id, "name": group["name"], "materials": materials})
    return {
        "case_id": application.pk,
        "state": application.state,
        "version": application.version,
        "missing_required": [m.id for m in context["missing_required"]],
        "can_upload": context["can_upload"],
        "can_review": context["can_review"],
        "can_download_zip": context["can_download_zip"],
        "checks_pending": context["checks_pending"],
        "returned_count": context["returned_count"],
        "groups": groups,
    }


# ------------------------------------------------------------------ versions


@router.post(
    "/cases/{case_id}/materials/{material_id}/versions",
    response={201: MaterialVersionOut, **ERRORS},
    summary="Upload a new version of a material (multipart: file and the facts it states)",
)
def upload(
    request: HttpRequest,
    case_id: int,
    material_id: str,
    file: File[UploadedFile],
    facts: Form[FactsIn],
) -> tuple[int, dict[str, Any]]:
    user = current_user(request)
    application = _load(request, case_id)
    if facts.valid_from and facts.valid_until and facts.valid_until < facts.valid_from:
        raise InvalidInput(
            "有效期至不能早于有效期起。", "Valid until cannot be before valid from.", field="valid_until"
        )
    version = services.upload_version(
        user,
        application,
        material_id,
        file,
        original_name=file.name or "",
        facts=facts.model_dump(),
    )
    return 201, _version(application, material_id, version, user, request_lang(request))


@router.get(
    "/cases/{case_id}/materials/{material_id}/versions",
    response={200: list[MaterialVersionOut], **ERRORS},
    summary="Every version of a material, oldest first",
)
def versions(request: HttpRequest, case_id: int, material_id: str) -> list[dict[str, Any]]:
    application = _load(request, case_id)
    material = services.material_of(application, material_id)
    lang = request_lang(request)
    rows = (
        MaterialVersion.objects.filter(
            case_material__application=application, case_material__material_id=material.id
        )
        .select_related("uploaded_by")
        .order_by("number")
    )
    return [_version(application, material.id, v, v.uploaded_by, lang) for v in rows]


@router.get(
    "/cases/{case_id}/materials/{material_id}/versions/{number}/download",
    response={200: None, **ERRORS},
    summary="Download one version of a material",
)
def download(request: HttpRequest, case_id: int, material_id: str, number: int) -> FileResponse:
    application = _load(request, case_id)
    material = services.material_of(application, material_id)
    version = (
        MaterialVersion.objects.filter(
            case_material__application=application, case_material__material_id=material.id, number=number
        ).first()
        if 0 < number <= MAX_VERSION
        else None
    )
    if version is None:
        raise NotFound("没有找到该文件。", "No such file.")
    name = f"{application.reference}_{material.id}_v{version.number}.{version.extension}"
    try:
        handle = default_storage.open(version.file, "rb")
    except OSError:
        raise NotFound("没有找到该文件。", "No such file.") from None
    return _file(handle, version.content_type, name, version.size)


# ------------------------------------------------------------------ review


@router.post(
    "/cases/{case_id}/materials/{material_id}/verdict",
    response={200: MaterialStatusOut, **ERRORS},
    summary="The reviewer's verdict on a material: accept, or return with a reason",
)
def verdict(request: HttpRequest, case_id: int, material_id: str, payload: VerdictIn) -> dict[str, Any]:
    application = _load(request, case_id)
    row = services.set_verdict(
        current_user(request), application, material_id, payload.verdict, payload.reason
    )
    return _status(row)


@router.post(
    "/cases/{case_id}/materials/{material_id}/forged",
    response={200: MaterialStatusOut, **ERRORS},
    summary="Mark a material as forged, with a reason (reviewer)",
)
def forged(request: HttpRequest, case_id: int, material_id: str, payload: ForgedIn) -> dict[str, Any]:
    application = _load(request, case_id)
    return _status(services.mark_forged(current_user(request), application, material_id, payload.reason))


@router.post(
    "/cases/{case_id}/materials/return",
    response={200: CaseOut, **ERRORS},
    summary="Return the case for supplement with every returned material and its reason (reviewer)",
)
def return_case(request: HttpRequest, case_id: int, payload: VersionIn | None = None) -> dict[str, Any]:
    application = _load(request, case_id)
    version = payload.version if payload is not None else None
    services.return_case(current_user(request), application, expected_version=version)
    return case_detail(request, application)


@router.get(
    "/cases/{case_id}/materials/changes",
    response={200: list[MaterialChangeOut], **ERRORS},
    summary="What changed since the reviewer last judged each material (versions and stated facts)",
)
def changes(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    application = _load(request, case_id)
    with translation.override(request_lang(request)):
        rows = services.changes_since_review(application)
    return [
        {
            "material_id": row["material_id"],
            "name": row["name"],
            "reviewed_version": row["base"].number if row["base"] is not None else None,
            "latest_version": row["latest"].number,
            "new_versions": [
                {"number": v.number, "sha256": v.sha256, "uploaded_at": v.uploaded_at}
                for v in row["new_versions"]
            ],
            "file_changed": row["file_changed"],
            "facts_diff": [{k: str(v) for k, v in d.items()} for d in row["facts_diff"]],
        }
        for row in rows
    ]


@router.get(
    "/cases/{case_id}/materials.zip",
    response={200: None, **ERRORS},
    summary="Every version of every material as a ZIP with a manifest (the regulator's staff)",
)
def case_zip(request: HttpRequest, case_id: int) -> FileResponse:
    application = _load(request, case_id)
    archive = services.build_case_zip(current_user(request), application)
    return _file(archive, "application/zip", f"{application.reference}.zip")
