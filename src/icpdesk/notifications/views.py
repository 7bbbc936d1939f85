"""The notification pages: the list with its read state, the preferences, and the calendar feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from icpdesk.lib.errors import NotFound
from icpdesk.notifications import actions, duties, ical
from icpdesk.notifications.actions import can_manage_webhook
from icpdesk.notifications.forms import PreferenceForm, WebhookForm
from icpdesk.notifications.models import CalendarFeed, Delivery, Notification, Webhook
from icpdesk.notifications.services import preference_for

PAGE_SIZE = 50
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 800


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    qs = Notification.objects.filter(user=user).select_related("reminder").order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    english = _english()
    rows = [
        {
            "n": n,
            "subject": n.reminder.subject_en if english else n.reminder.subject_zh,
            "body": n.reminder.body_en if english else n.reminder.body_zh,
        }
        for n in page.object_list
    ]
    return render(
        request, "notifications/list.html", {"rows": rows, "page": page, "unread_only": unread_only}
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        actions.mark_read(_user(request), pk)
    except NotFound:
        raise Http404 from None
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(_user(request))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/notifications/") and "//" not in target:
        return target
    return reverse("notifications:list")


def _feed(user: Any) -> CalendarFeed:
    return actions.calendar_feed(user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    org = user.organisation
    manages = can_manage_webhook(user)
    pref = preference_for(user, org.pk) if org is not None else None
    webhook = Webhook.objects.filter(organisation=org).first() if org is not None else None
    pref_form = PreferenceForm(instance=pref, prefix="p") if pref is not None else None
    hook_form = WebhookForm(instance=webhook, prefix="w") if manages else None
    status = 200
    if request.method == "POST":
        section = request.POST.get("section")
        if section == "channels" and pref is not None:
            pref_form = PreferenceForm(request.POST, instance=pref, prefix="p")
            if pref_form.is_valid():
                actions.update_channel_preference(user, org, pref_form.values())
                messages.success(request, _("通知方式已保存。"))
                return redirect("notifications:preferences")
            status = 422
        elif section == "webhook" and manages and org is not None:
            hook_form = WebhookForm(request.POST, instance=webhook, prefix="w")
            if hook_form.is_valid():
                actions.save_webhook(user, org, hook_form.values())
                messages.success(request, _("群机器人已保存。"))
                return redirect("notifications:preferences")
            status = 422
        elif section == "webhook_delete" and manages and org is not None:
            actions.delete_webhook(user, org)
            messages.success(request, _("群机器人已删除。"))
            return redirect("notifications:preferences")
        else:
            raise Http404
    feed = _feed(user)
    failing = Delivery.objects.filter(
        state__in=(Delivery.State.FAILED, Delivery.State.ABANDONED, Delivery.State.SENDING),
        attempts__gt=0,
    ).exclude(last_error="")
    own = list(failing.filter(user=user).select_related("reminder").order_by("-next_attempt_at", "-id")[:20])
    org_failures = (
        list(
            failing.filter(organisation=org, user__isnull=True)
            .select_related("reminder")
            .order_by("-next_attempt_at", "-id")[:20]
        )
        if manages
        else []
    )
    english = _english()
    failures = [
        {"d": d, "subject": d.reminder.subject_en if english else d.reminder.subject_zh}
        for d in own + org_failures
    ]
    return render(
        request,
        "notifications/preferences.html",
        {
            "pref_form": pref_form,
            "hook_form": hook_form,
            "webhook": webhook,
            "feed_url": request.build_absolute_uri(reverse("notifications:ical", args=[feed.token])),
            "failures": failures,
        },
        status=status,
    )


@login_required
@require_POST
def reset_feed(request: HttpRequest) -> HttpResponse:
    actions.reset_calendar_feed(_user(request))
    messages.success(request, _("日历订阅地址已重置，旧地址已失效。"))
    return redirect("notifications:preferences")


@require_http_methods(["GET", "HEAD"])
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.find(token)
    if feed is None or not feed.user.is_active:
        raise Http404
    today = timezone.localdate()
    found = duties.duties_of_user(
        feed.user,
        today - timedelta(days=FEED_PAST_DAYS),
        today + timedelta(days=FEED_FUTURE_DAYS),
    )
    body = ical.calendar(found, name=f"icpdesk · {feed.user.get_username()}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="icpdesk.ics"'
    return response
