"""Paperwork pages: the documents of a case, downloads, and an agency's weekly reports.

Views parse the form and call ``icpdesk.paperwork.services``; access is
decided there through ``icpdesk.cases.access``. No access is a 404; a visible case
whose user may not generate is a 403 with the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icpdesk.cases.models import Application
from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.errors import ActionError, NotFound
from icpdesk.lib.language import current_lang
from icpdesk.paperwork import context, documents, services
from icpdesk.paperwork.models import GeneratedDocument

FORMAT_LABELS = {"docx": "Word", "pdf": "PDF", "svg": "SVG", "png": "PNG", "zip": "ZIP"}


def _message(error: ActionError) -> str:
    return error.message(current_lang())


def _load_case(request: HttpRequest, pk: int) -> Application:
    try:
        return services.load_case(request.user, pk)
    except NotFound:
        raise Http404 from None


def _case_page(
    request: HttpRequest, application: Application, *, error: str = "", field: str = "", status: int = 200
) -> HttpResponse:
    enterprise = Enterprise.objects.prefetch_related("security_staff").get(pk=application.enterprise_id)
    raw = context.enterprise_facts(enterprise)
    lang = current_lang()
    rows = [
        {
            "document": d,
            "name": d.name(lang),
            "formats": [(f, FORMAT_LABELS[f]) for f in d.formats],
            "missing": [context.FACT_LABELS[f] for f in d.facts if not raw.get(f)],
            "attachable": d.material_id is not None,
        }
        for d in documents.CASE_DOCUMENTS
    ]
    generated = list(services.case_documents(application)[:50])
    names = {d.id: d.name(lang) for d in documents.DOCUMENTS}
    for record in generated:
        record.display_name = names.get(record.document_id, record.document_id)  # type: ignore[attr-defined]
    return render(
        request,
        "paperwork/case_documents.html",
        {
            "case": application,
            "enterprise": enterprise,
            "rows": rows,
            "generated": generated,
            "can_generate": services.may_generate(request.user, application),
            "page_error": error,
            "error_field": field,
            "case_url": reverse("cases:detail", args=[application.pk]),
        },
        status=status,
    )


@login_required
@require_GET
def case_documents(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _load_case(request, pk))


@login_required
@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    application = _load_case(request, pk)
    document_id = request.POST.get("document", "")
    fmt = request.POST.get("format", "")
    try:
        record = services.generate_for_case(request.user, application, document_id, fmt)
    except ActionError as error:
        return _case_page(
            request, application, error=_message(error), field=error.field or "", status=error.status
        )
    return redirect(reverse("paperwork:download", args=[record.pk]))


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    application = _load_case(request, pk)
    document_id = request.POST.get("document", "")
    try:
        record, version = services.generate_and_attach(request.user, application, document_id)
    except ActionError as error:
        return _case_page(
            request, application, error=_message(error), field=error.field or "", status=error.status
        )
    messages.success(
        request,
        _("已生成“%(name)s”并作为材料的第 %(n)s 版附加到材料清单；盖章后请上传扫描件。")
        % {"name": documents.get(record.document_id).name(current_lang()), "n": version.number},
    )
    return redirect(reverse("paperwork:case_documents", args=[application.pk]))


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        record = services.visible_document(request.user, pk)
    except NotFound:
        raise Http404 from None
    if record.status != GeneratedDocument.Status.READY or not record.file:
        raise Http404
    try:
        handle = default_storage.open(record.file, "rb")
    except OSError:
        raise Http404 from None
    from icpdesk.paperwork.render import CONTENT_TYPES

    return FileResponse(
        handle,
        as_attachment=True,
        filename=record.filename,
        content_type=CONTENT_TYPES.get(record.format, "application/octet-stream"),
    )


# ------------------------------------------------------------------ weekly reports


def _weekly_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    batches = list(services.batches(request.user).select_related("created_by")[:20])
    running = any(b.status == GeneratedDocument.Status.PENDING for b in batches)
    if request.headers.get("HX-Request") and not error:  # the batches' progress, polled while one runs
        return render(request, "paperwork/_weekly_batches.html", {"batches": batches, "running": running})
    query = request.GET.get("q", "").strip()[:100]
    paginator = Paginator(services.clients(request.user, query), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "paperwork/weekly.html",
        {
            "page": page,
            "query": query,
            "batches": batches,
            "running": running,
            "page_error": error,
        },
        status=status,
    )


def _require_agency(request: HttpRequest) -> None:
    if not services.is_agency_user(request.user):
        raise Http404


@login_required
@require_GET
def weekly(request: HttpRequest) -> HttpResponse:
    _require_agency(request)
    return _weekly_page(request)


@login_required
@require_POST
def weekly_one(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    _require_agency(request)
    try:
        record = services.weekly_for_client(request.user, enterprise_pk, request.POST.get("format", ""))
    except NotFound:
        raise Http404 from None
    except ActionError as error:
        return _weekly_page(request, error=_message(error), status=error.status)
    return redirect(reverse("paperwork:download", args=[record.pk]))


@login_required
@require_POST
def weekly_batch(request: HttpRequest) -> HttpResponse:
    _require_agency(request)
    try:
        services.start_weekly_batch(request.user, request.POST.get("format", ""))
    except ActionError as error:
        return _weekly_page(request, error=_message(error), status=error.status)
    messages.success(request, _("已开始在后台为全部客户生成周报；完成后可在下方下载。"))
    return redirect(reverse("paperwork:weekly"))
