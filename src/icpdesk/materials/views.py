"""Pages of the materials: the checklist, uploads, downloads, the case ZIP and the reviewer's verdicts.

Views parse the input, call one service, and render; access is decided in
``materials.services`` through ``icpdesk.cases.access``. A case the user may not
see is a 404, exactly like a case that does not exist.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icpdesk.cases.models import Application
from icpdesk.lib.errors import ActionError, Forbidden, NotFound
from icpdesk.lib.language import current_lang
from icpdesk.materials import completeness, services
from icpdesk.materials.forms import ForgedForm, UploadForm, VerdictForm
from icpdesk.materials.models import MaterialVersion
from icpdesk.materials.safety import PREVIEW_CSP


def _case(request: HttpRequest, pk: int) -> Application:
    try:
        return services.load_case(request.user, pk)
    except NotFound:
        raise Http404("no such case") from None


def _error(request: HttpRequest, exc: ActionError, application: Application | None = None) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise Http404("not found")
    return render(
        request,
        "materials/error.html",
        {"message": exc.message(current_lang()), "application": application},
        status=exc.status,
    )


def _checklist_url(application: Application) -> str:
    return reverse("materials:case", args=[application.pk])


@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    return render(request, "materials/case.html", completeness.checklist(request.user, application))


@require_GET
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist alone, for the case page and for polling while checks run."""
    application = _case(request, pk)
    return render(request, "materials/_checklist.html", completeness.checklist(request.user, application))


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int, material_id: str) -> HttpResponse:
    application = _case(request, pk)
    try:
        material = services.material_of(application, material_id)
    except NotFound:
        raise Http404("no such material") from None
    if not services.may_upload(request.user, application):
        return _error(
            request,
            Forbidden(
                "您无权上传该案件的材料：需要企业本身或持有“准备材料”委托的代办机构。",
                "You may not upload materials for this case: the enterprise itself or an agency "
                "with a mandate to prepare must do it.",
            ),
            application,
        )
    versions = MaterialVersion.objects.filter(
        case_material__application=application, case_material__material_id=material.id
    ).order_by("-number")
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            handle = data["file"]
            try:
                services.upload_version(
                    request.user,  # type: ignore[arg-type]
                    application,
                    material.id,
                    handle,
                    original_name=handle.name or "",
                    facts={k: v for k, v in data.items() if k != "file"},
                )
            except ActionError as exc:
                if exc.field is None:
                    return _error(request, exc, application)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message(current_lang()))
            else:
                return redirect(_checklist_url(application))
        status = 422
    else:
        latest = versions.first()
        form = UploadForm(initial=latest.facts if latest else None)
    context: dict[str, Any] = {
        "application": application,
        "material": material,
        "material_name": material.name(current_lang()),
        "form": form,
        "versions": versions,
        "open": application.state in services.UPLOAD_STATES,
    }
    return render(request, "materials/upload.html", context, status=status)


def _file_response(version: MaterialVersion, inline: bool) -> FileResponse:
    application = version.case_material.application
    name = (
        f"{application.reference}_{version.case_material.material_id}_v{version.number}.{version.extension}"
    )
    handle = default_storage.open(version.file, "rb")
    response = FileResponse(handle, content_type=version.content_type)
    disposition = "inline" if inline and version.extension != "docx" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["Content-Length"] = str(version.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


@require_GET
def download(request: HttpRequest, version_id: int) -> HttpResponseBase:
    try:
        version = services.visible_version(request.user, version_id)
    except NotFound:
        raise Http404("no such file") from None
    return _file_response(version, inline=False)


@require_GET
def preview(request: HttpRequest, version_id: int) -> HttpResponseBase:
    try:
        version = services.visible_version(request.user, version_id)
    except NotFound:
        raise Http404("no such file") from None
    return _file_response(version, inline=True)


@require_GET
def case_zip(request: HttpRequest, pk: int) -> HttpResponseBase:
    application = _case(request, pk)
    try:
        archive = services.build_case_zip(request.user, application)  # type: ignore[arg-type]
    except ActionError as exc:
        return _error(request, exc, application)
    response = FileResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(application.reference)}.zip"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def verdict(request: HttpRequest, pk: int, material_id: str) -> HttpResponse:
    application = _case(request, pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        try:
            services.set_verdict(
                request.user,  # type: ignore[arg-type]
                application,
                material_id,
                form.cleaned_data["verdict"],
                form.cleaned_data["reason"],
            )
        except ActionError as exc:
            if exc.field is None:
                return _error(request, exc, application)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message(current_lang()))
        else:
            return redirect(_checklist_url(application))
    try:
        material = services.material_of(application, material_id)
    except NotFound:
        raise Http404("no such material") from None
    if not services.may_review(request.user, application):
        return _error(
            request, Forbidden("您无权审查材料：需要受理审查员角色。", "It needs the reviewer role.")
        )
    context = {"application": application, "material_name": material.name(current_lang()), "form": form}
    return render(request, "materials/verdict.html", context, status=422)


@require_POST
def forged(request: HttpRequest, pk: int, material_id: str) -> HttpResponse:
    application = _case(request, pk)
    form = ForgedForm(request.POST)
    if not services.may_review(request.user, application):
        return _error(
            request, Forbidden("您无权标记伪造材料：需要受理审查员角色。", "It needs the reviewer role.")
        )
    if form.is_valid():
        try:
            services.mark_forged(request.user, application, material_id, form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ActionError as exc:
            if exc.field is None:
                return _error(request, exc, application)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message(current_lang()))
        else:
            return redirect(_checklist_url(application))
    try:
        material = services.material_of(application, material_id)
    except NotFound:
        raise Http404("no such material") from None
    context = {"application": application, "material_name": material.name(current_lang()), "form": form}
    return render(request, "materials/forged.html", context, status=422)


@require_POST
def return_case(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    raw = request.POST.get("expected_version", "")
    expected = int(raw) if raw.isdigit() else None
    try:
        services.return_case(request.user, application, expected_version=expected)  # type: ignore[arg-type]
    except ActionError as exc:
        return _error(request, exc, application)
    return redirect(_checklist_url(application))


@require_GET
def changes(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case(request, pk)
    context = {"application": application, "changes": services.changes_since_review(application)}
    return render(request, "materials/changes.html", context)
