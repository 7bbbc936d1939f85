"""Bulk work in the JSON API: imports with their progress and report, exports as files, book assessments.

Mounted in ``icpdesk/api/main.py``::

    from icpdesk.bulk import api as bulk_api
    bulk_api.provide_duties(duties_of_user)   # the duties export, from the notifications app above
    api.add_router("/", bulk_api.router)

Errors are raised as :class:`icpdesk.lib.errors.ActionError`, which the API
turns into ``{"code", "message", "field"}`` with its status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from icpdesk.accounts.choices import OrgKind
from icpdesk.bulk import exports
from icpdesk.bulk.book import start_book_assessment
from icpdesk.bulk.imports import public_report, start_import
from icpdesk.bulk.models import BookAssessment, ImportRun
from icpdesk.bulk.reader import FileRefused, upload_limit
from icpdesk.bulk.workbooks import XLSX_TYPE, template
from icpdesk.lib.errors import Forbidden, InvalidInput, NotFound

router = Router(tags=["bulk"])
DUTY_DAYS = 90
_duties: dict[str, Callable[..., Any]] = {}


def provide_duties(duties_of_user: Callable[..., Any]) -> None:
    """Where the duties export gets a user's duties (the notifications app sits above this one)."""
    _duties["of_user"] = duties_of_user


class FileRefusedError(InvalidInput):
    code = "file_refused"


def _lang(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    lang = asked or get_language() or "zh-hans"
    return "en" if lang.lower().startswith("en") else "zh-hans"


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _agency(user: Any) -> Any:
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or organisation.kind != OrgKind.AGENCY or not user.valid_roles():
        raise Forbidden(
            "只有代办机构的顾问可以批量导入和评估。", "Only an agency's consultants work in bulk."
        )
    return organisation


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ImportStarted(Schema):
    id: int
    status: str
    url: str


class ImportOptions(Schema):
    skip_invalid: bool = False
    dry_run: bool = False


class ImportOut(Schema):
    id: int
    filename: str
    status: str
    done: int
    total: int
    percent: int
    created_at: Any
    finished_at: Any = None
    report: dict[str, Any]
    error_workbook: str | None = None


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    state: str | None = None


ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/imports/template.xlsx", response={200: None}, summary="The client import template")
def import_template(request: HttpRequest) -> HttpResponse:
    return _file(template(), XLSX_TYPE, "icpdesk-enterprises-template.xlsx")


@router.post(
    "/imports",
    response={202: ImportStarted, **ERRORS},
    summary="Import clients from .xlsx or .csv (multipart: file, skip_invalid, dry_run), in the background",
)
def import_start(
    request: HttpRequest, file: File[UploadedFile], options: Form[ImportOptions]
) -> tuple[int, dict[str, Any]]:
    user = _user(request)
    agency = _agency(user)
    limit = upload_limit()
    if file.size is not None and file.size > limit:
        raise FileRefusedError(
            f"文件超过上传上限 {limit // (1024 * 1024)} MB。",
            f"The file is over the upload limit of {limit // (1024 * 1024)} MB.",
            field="file",
            reason="too_large",
        )
    data = file.read(limit + 1)
    try:
        run = start_import(
            agency,
            user,
            data,
            file.name or "upload",
            skip_invalid=options.skip_invalid,
            dry_run=options.dry_run,
        )
    except FileRefused as refused:
        raise FileRefusedError(
            refused.message_zh, refused.message_en, field="file", reason=refused.code
        ) from None
    return 202, {"id": run.pk, "status": run.status, "url": f"/api/v1/imports/{run.pk}"}


def _import_of(request: HttpRequest, run_id: int) -> ImportRun:
    user = _user(request)
    run = (
        ImportRun.objects.filter(pk=run_id, agency_id=user.organisation_id).first()
        if user.organisation_id
        else None
    )
    if run is None or not user.valid_roles():
        raise NotFound("没有找到该导入记录。", "No such import.")
    return run


@router.get(
    "/imports/{run_id}", response={200: ImportOut, **ERRORS}, summary="An import's progress and report"
)
def import_status(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = _import_of(request, run_id)
    return {
        "id": run.pk,
        "filename": run.filename,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "report": public_report(run.report, _lang(request)) if run.report else {},
        "error_workbook": f"/api/v1/imports/{run.pk}/errors.xlsx" if run.error_file else None,
    }


@router.get("/imports/{run_id}/errors.xlsx", response={200: None, **ERRORS}, summary="The error workbook")
def import_errors(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _import_of(request, run_id)
    if not run.error_file:
        raise NotFound("这次导入没有错误工作簿。", "This import has no error workbook.")
    with default_storage.open(run.error_file, "rb") as handle:
        content = handle.read()
    return _file(content, XLSX_TYPE, f"errors-{run.pk}.xlsx")


@router.get(
    "/exports/{kind}",
    response={200: None, **ERRORS},
    summary="A list as .xlsx or .csv (format=xlsx|csv): cases, enterprises, licenses, duties, assessments",
)
def export(
    request: HttpRequest, kind: str, format: str = "xlsx", state: str = "", q: str = "", verdict: str = ""
) -> HttpResponse:
    user = _user(request)
    lang = _lang(request)
    if format not in {"xlsx", "csv"}:
        raise InvalidInput("格式应为 xlsx 或 csv。", "The format is xlsx or csv.", field="format")
    if kind == "duties":
        today = timezone.localdate()
        source = _duties.get("of_user")
        duties = source(user, today, today + timedelta(days=DUTY_DAYS)) if source is not None else []
        table = exports.duties_table(duties, lang, today)
    elif kind in exports.BUILDERS:
        filters: dict[str, Any] = {"state": state, "q": q, "verdict": verdict}
        if kind == "cases":
            filters.update(_queue_filters(request))
        table = exports.BUILDERS[kind](user, filters, lang)
    else:
        raise NotFound("没有这种导出。", "No such export.")
    content, content_type, name = table.render(format)
    return _file(content, content_type, name)


def _queue_filters(request: HttpRequest) -> dict[str, Any]:
    """The agency queue page's filters (client, prefecture, due_before, overdue), as its form reads them."""
    from icpdesk.cases.forms import QueueFilterForm

    form = QueueFilterForm(request.GET)
    return dict(form.cleaned_data) if form.is_valid() else {}


class BookStarted(Schema):
    id: int
    status: str
    total: int
    url: str


class BookIn(Schema):
    on: date | None = None


class BookOut(Schema):
    id: int
    status: str
    assessed_on: date
    done: int
    total: int
    percent: int
    verdicts: dict[str, int]
    errors: list[dict[str, Any]]
    export: str


@router.post(
    "/assessments/book",
    response={202: BookStarted, **ERRORS},
    summary="Assess the agency's whole book from the stored profiles, in the background",
)
def book_start(request: HttpRequest, payload: BookIn | None = None) -> tuple[int, dict[str, Any]]:
    user = _user(request)
    run = start_book_assessment(_agency(user), user, payload.on if payload else None)
    return 202, {
        "id": run.pk,
        "status": run.status,
        "total": run.total,
        "url": f"/api/v1/assessments/book/{run.pk}",
    }


@router.get(
    "/assessments/book/{run_id}", response={200: BookOut, **ERRORS}, summary="A book assessment's progress"
)
def book_status(request: HttpRequest, run_id: int) -> dict[str, Any]:
    user = _user(request)
    run = (
        BookAssessment.objects.filter(pk=run_id, agency_id=user.organisation_id).first()
        if user.organisation_id
        else None
    )
    if run is None:
        raise NotFound("没有找到该评估。", "No such assessment run.")
    return {
        "id": run.pk,
        "status": run.status,
        "assessed_on": run.assessed_on,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "verdicts": run.verdicts,
        "errors": run.errors,
        "export": "/api/v1/exports/assessments",
    }
