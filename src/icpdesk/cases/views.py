"""The case pages: each role's work queue, the new case, the case page and its actions.

Views parse forms and call the actions in ``icpdesk.cases.actions``; they
decide nothing themselves. Every query is scoped by ``icpdesk.cases.access``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.accounts.choices import OrgKind, Scope
from icpdesk.cases import access, actions, queues, timeline
from icpdesk.cases import panels as page_panels
from icpdesk.cases.actions import allowed_transitions
from icpdesk.cases.forms import ACTION_FORMS, ActionForm, CommentForm, NewCaseForm, QueueFilterForm
from icpdesk.cases.models import Application, AuditEvent
from icpdesk.core.lifecycle import (
    INSPECTION_AREAS,
    STATE_LABELS,
    TRANSITIONS,
    State,
    Transition,
    action_label,
)
from icpdesk.enterprises.choices import STATUS_LABELS, VERDICT_LABELS
from icpdesk.lib.errors import ActionError, CaseChanged, NotFound
from icpdesk.lib.language import current_lang, is_english
from icpdesk.lib.packs import current_pack


def _today() -> date:
    return timezone.localdate()


def _user(request: HttpRequest) -> Any:
    return request.user


# ------------------------------------------------------------------ queue


@login_required
@require_http_methods(["GET", "HEAD"])
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    kind = queues.kind_of(user)
    if kind is None:
        raise Http404
    today = _today()
    context: dict[str, Any] = {"kind": kind, "today": today, "lang_en": is_english()}
    if kind == OrgKind.REGULATOR:
        sections = []
        for role in queues.regulator_roles(user):
            page, rows = queues.paginate(
                queues.regulator_queue(user, role), request.GET.get(f"{role}_page"), today
            )
            zh, en = queues.QUEUE_LABELS[role]
            sections.append({"role": role, "label": en if is_english() else zh, "page": page, "rows": rows})
        context["sections"] = sections
    elif kind == OrgKind.AGENCY:
        form = QueueFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page, rows = queues.paginate(
            queues.agency_cases(user, filters, today), request.GET.get("page"), today
        )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=form, page=page, rows=rows, query=query.urlencode())
    else:
        notices = list(queues.open_supplements(user))
        page, rows = queues.paginate(queues.enterprise_cases(user), request.GET.get("page"), today)
        context.update(notices=notices, page=page, rows=rows, query="")
    context["can_create"] = kind != OrgKind.REGULATOR
    return render(request, "cases/queue.html", context)


# --------------------------------------------------------------- new case


def _preparable(user: Any) -> Any:
    if queues.kind_of(user) not in {OrgKind.ENTERPRISE, OrgKind.AGENCY}:
        return None
    enterprises = access.visible_enterprises(user, Scope.PREPARE)
    return enterprises if enterprises.exists() else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    enterprises = _preparable(user)
    if enterprises is None:
        raise Http404
    if request.method != "POST":
        return render(request, "cases/new.html", {"form": NewCaseForm(enterprises=enterprises)})
    form = NewCaseForm(request.POST, enterprises=enterprises)
    status = 422
    if form.is_valid():
        try:
            application = actions.create_application(
                user,
                form.cleaned_data["enterprise"],
                license_type=form.cleaned_data["license_type"],
                kind=form.cleaned_data["kind"],
            )
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(request, _("已创建申请草稿 %(ref)s。") % {"ref": application.reference})
            return redirect("cases:detail", pk=application.pk)
    return render(request, "cases/new.html", {"form": form}, status=status)


# -------------------------------------------------------------- case page


@dataclass
class ActionPanel:
    transition: Transition
    form: ActionForm
    label: str
    error: str = ""

    @property
    def name(self) -> str:
        return self.transition.name


def _load(user: Any, pk: int) -> Application:
    try:
        return actions.load_for(user, pk)
    except NotFound:
        raise Http404 from None


def _enterprise_url(application: Application) -> str | None:
    try:
        return reverse("enterprises:detail", args=[application.enterprise_id])
    except NoReverseMatch:
        return None


def _eligibility_view(snapshot: Any, lang: str) -> dict[str, Any] | None:
    """The snapshot with labels: the verdict and each status in words, each rule by its title."""
    if not isinstance(snapshot, dict):
        return None
    pack = current_pack()
    checks = []
    for check in snapshot.get("checks", []):
        try:
            title = pack.rule(str(check.get("id"))).title(lang)
        except KeyError:
            title = str(check.get("id"))
        status = str(check.get("status", ""))
        checks.append({**check, "title": title, "status_label": str(STATUS_LABELS.get(status, status))})
    verdict = str(snapshot.get("verdict", ""))
    return {"verdict": verdict, "verdict_label": str(VERDICT_LABELS.get(verdict, verdict)), "checks": checks}


def _material_name(event: AuditEvent, en: bool) -> str:
    """The material an upload or verdict entry is about, by name."""
    material_id = (event.changes or {}).get("material") if isinstance(event.changes, dict) else None
    if not material_id:
        return ""
    try:
        material = current_pack().material(str(material_id))
    except KeyError:
        return str(material_id)
    version = event.changes.get("version")
    name = material.name_en if en else material.name_zh
    return f"{name} v{version}" if version else name


def _state_label(value: str, en: bool) -> str:
    try:
        zh, en_label = STATE_LABELS[State(value)]
    except ValueError:
        return value
    return en_label if en else zh


def _render_case(
    request: HttpRequest,
    application: Application,
    *,
    bound: ActionForm | None = None,
    bound_name: str = "",
    action_error: str = "",
    page_error: str = "",
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    today = _today()
    lang = current_lang()
    deadlines = list(application.deadlines.all())
    notices = list(application.supplements.select_related("issued_by", "answered_by"))
    inspections = list(application.inspections.prefetch_related("inspectors"))
    comments = list(application.comments.select_related("author", "organisation"))
    events = list(application.audit_events.all())
    panels = []
    for transition in allowed_transitions(user, application):
        label = transition.label_en if lang.startswith("en") else transition.label_zh
        if bound is not None and transition.name == bound_name:
            panels.append(ActionPanel(transition, bound, label, action_error))
        else:
            form = ACTION_FORMS[transition.name](application=application, user=user)
            panels.append(ActionPanel(transition, form, label))
    area_labels = {a: (en if lang.startswith("en") else zh) for a, zh, en in INSPECTION_AREAS}
    inspection_rows = []
    for inspection in inspections:
        record = inspection.record or {}
        inspection_rows.append(
            {
                "inspection": inspection,
                "areas": [
                    {"label": area_labels.get(area, area), **entry}
                    for area, entry in record.items()
                    if isinstance(entry, dict)
                ],
            }
        )
    state_labels = {
        name: (t.label_en if lang.startswith("en") else t.label_zh) for name, t in TRANSITIONS.items()
    }
    en = lang.startswith("en")
    event_rows = [
        {
            "event": event,
            "action": action_label(event.action, lang),
            "material": _material_name(event, en),
            "from": _state_label(event.from_state, en),
            "to": _state_label(event.to_state, en),
        }
        for event in events
    ]
    context = {
        "case": application,
        "enterprise": application.enterprise,
        "enterprise_url": _enterprise_url(application),
        "state_label": application.state_label_en if lang.startswith("en") else application.state_label_zh,
        "eligibility": application.eligibility or None,
        "eligibility_view": _eligibility_view(application.eligibility, lang),
        "timeline": timeline.build(application, deadlines, notices, today),
        "lang_en": lang.startswith("en"),
        "notices": notices,
        "inspections": inspection_rows,
        "license": None,
        "panels": panels,
        # The inspector recording the four areas has the latest site scan beside them.
        "recording_inspection": any(p.name == "record_inspection" for p in panels),
        "comments": comments,
        "comment_form": comment_form or CommentForm(),
        "events": event_rows,
        "action_labels": state_labels,
        "page_error": page_error,
        "today": today,
    }
    # The checklist (materials) and the license (licenses) come from the apps above.
    context.update(page_panels.context(request, application))
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _load(_user(request), pk))


def _run(name: str) -> Callable[..., Any]:
    runners: dict[str, Callable[..., Any]] = {
        "file": actions.file_application,
        "accept": actions.accept_application,
        "return": actions.return_application,
        "answer": actions.answer_supplement,
        "lapse": actions.lapse_application,
        "schedule_inspection": actions.schedule_inspection,
        "record_inspection": actions.record_inspection,
        "approve": actions.approve_application,
        "reject": actions.reject_application,
        "issue_certificate": actions.issue_certificate,
        "withdraw": actions.withdraw_application,
    }
    return runners[name]


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    application = _load(user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    transition = TRANSITIONS[action]
    label = transition.label_en if is_english() else transition.label_zh
    form = ACTION_FORMS[action](request.POST, application=application, user=user)
    if not form.is_valid():
        return _render_case(
            request,
            application,
            bound=form,
            bound_name=action,
            action_error=_("请检查标出的字段。"),
            status=422,
        )
    try:
        _run(action)(
            user,
            application,
            **form.arguments(),
            expected_version=form.cleaned_data["version"],
            today=_today(),
        )
    except NotFound:
        raise Http404 from None
    except ActionError as error:
        message = error.message(current_lang())
        fresh = _load(user, pk)
        data = request.POST.copy()
        if isinstance(error, CaseChanged):
            # The page now shows the case as it is; what was typed is kept for a deliberate retry.
            data["version"] = str(fresh.version)
        bound = ACTION_FORMS[action](data, application=fresh, user=user)
        bound.is_valid()
        if error.field:
            bound.add_action_error(error)
        return _render_case(
            request,
            fresh,
            bound=bound,
            bound_name=action,
            action_error="" if error.field else message,
            page_error=message,
            status=error.status,
        )
    messages.success(request, _("已完成“%(action)s”。") % {"action": label})
    return redirect("cases:detail", pk=application.pk)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _load(user, pk)
    form = CommentForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.add_comment(user, application, form.cleaned_data["body"])
        except NotFound:
            raise Http404 from None
        except ActionError as error:
            form.add_action_error(error)
            status = error.status
        else:
            messages.success(request, _("留言已发送。"))
            return redirect(reverse("cases:detail", args=[application.pk]) + "#comments")
    return _render_case(request, application, comment_form=form, status=status)
