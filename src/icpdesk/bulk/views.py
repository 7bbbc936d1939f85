"""The agency's bulk pages: importing clients (upload, header mapping, progress, errors); the book assessed.

Views parse, call one action, render. Progress fragments are polled with htmx
while a run is pending or running.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts.choices import OrgKind
from icpdesk.bulk.book import book_of, start_book_assessment
from icpdesk.bulk.columns import ENTERPRISE_COLUMNS
from icpdesk.bulk.importer import RowError
from icpdesk.bulk.imports import remembered_mapping, start_import
from icpdesk.bulk.models import BookAssessment, ImportRun
from icpdesk.bulk.reader import FileRefused, upload_limit
from icpdesk.bulk.workbooks import XLSX_TYPE, template
from icpdesk.lib.errors import ActionError
from icpdesk.lib.language import current_lang


def _agency(request: HttpRequest) -> Any:
    user: Any = request.user
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or organisation.kind != OrgKind.AGENCY or not user.valid_roles():
        raise Http404
    return organisation


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _field_choices() -> list[tuple[str, str]]:
    return [(c.key, f"{c.label}（{c.key}）") for c in ENTERPRISE_COLUMNS]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要导入的文件。")
        elif upload.size is not None and upload.size > upload_limit():
            error = _("文件超过上传上限 %(mb)s MB。") % {"mb": upload_limit() // (1024 * 1024)}
        else:
            try:
                run = start_import(
                    agency,
                    request.user,
                    upload.read(upload_limit() + 1),
                    upload.name or "upload",
                    skip_invalid=request.POST.get("skip_invalid") == "on",
                )
            except FileRefused as refused:
                error = refused.message(current_lang())
            except ActionError as refused_action:
                error = refused_action.message(current_lang())
            else:
                return redirect("bulk:import", pk=run.pk)
    runs = ImportRun.objects.filter(agency=agency).order_by("-created_at", "-pk")[:20]
    mapping = remembered_mapping(agency)
    return render(
        request,
        "bulk/imports.html",
        {
            "runs": runs,
            "error": error,
            "mapping": sorted(mapping.items()),
            "limit_mb": upload_limit() // (1024 * 1024),
        },
        status=422 if error else 200,
    )


def _run_of(request: HttpRequest, pk: int) -> ImportRun:
    agency = _agency(request)
    run: ImportRun = get_object_or_404(ImportRun, pk=pk, agency=agency)
    return run


def _context(run: ImportRun) -> dict[str, Any]:
    lang = current_lang()
    report = run.report or {}
    errors = [RowError.from_json(e).to_dict(lang) for e in report.get("errors", [])]
    refused = report.get("refused")
    unknown = [h for h in report.get("ignored_columns", []) if "!" not in h]
    return {
        "run": run,
        "report": report,
        "errors": errors[:1000],
        "more_errors": max(0, len(errors) - 1000),
        "refused": (refused.get("message_en") if lang == "en" else refused.get("message")) if refused else "",
        "unknown": unknown,
        "fields": _field_choices(),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_of(request, pk)
    template_name = "bulk/_import_progress.html" if request.headers.get("HX-Request") else "bulk/import.html"
    return render(request, template_name, _context(run))


@login_required
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the file's unknown headers to fields (remembered for the agency) and import the same file again."""
    run = _run_of(request, pk)
    known = {key for key, _label in _field_choices()}
    unknown = [h for h in run.report.get("ignored_columns", []) if "!" not in h]
    mapping = {header: request.POST.get(f"map-{index}", "") for index, header in enumerate(unknown)}
    mapping = {h: k for h, k in mapping.items() if k in known}
    if not mapping:
        messages.error(request, _("请至少为一列选择对应的字段。"))
        return redirect("bulk:import", pk=run.pk)
    with default_storage.open(run.file, "rb") as handle:
        data = handle.read()
    again = start_import(
        run.agency, request.user, data, run.filename, skip_invalid=run.skip_invalid, mapping=mapping
    )
    return redirect("bulk:import", pk=again.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_of(request, pk)
    if not run.error_file:
        raise Http404
    with default_storage.open(run.error_file, "rb") as handle:
        return _file(handle.read(), XLSX_TYPE, f"errors-{run.pk}.xlsx")


@login_required
@require_http_methods(["GET", "HEAD"])
def import_template(request: HttpRequest) -> HttpResponse:
    _agency(request)
    return _file(template(), XLSX_TYPE, "icpdesk-enterprises-template.xlsx")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    if request.method == "POST":
        run = start_book_assessment(agency, request.user)
        return redirect("bulk:book_run", pk=run.pk)
    runs = BookAssessment.objects.filter(agency=agency).order_by("-created_at", "-pk")[:10]
    return render(request, "bulk/book.html", {"runs": runs, "clients": book_of(agency).count()})


@login_required
@require_http_methods(["GET", "HEAD"])
def book_run(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency(request)
    run = get_object_or_404(BookAssessment, pk=pk, agency=agency)
    template_name = "bulk/_book_progress.html" if request.headers.get("HX-Request") else "bulk/book_run.html"
    return render(request, template_name, {"run": run})
