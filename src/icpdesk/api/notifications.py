"""Notifications and their settings: the list and its read state, the person's channels, the
organisation's group robot and the calendar feed's address.

Writes go through :mod:`icpdesk.notifications.actions`, as the pages' do; the robot's
address is checked by the settings page's own form (and so by the address guard), and is
never shown back whole, since it carries the robot's key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema

from icpdesk.accounts.models import Organisation, User
from icpdesk.api.auth import current_user
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import MAX_ID, ErrorOut, In
from icpdesk.changes.records import mask_url
from icpdesk.lib.errors import Forbidden, InvalidInput, NotFound
from icpdesk.notifications import actions
from icpdesk.notifications.forms import WebhookForm
from icpdesk.notifications.models import Notification, Webhook
from icpdesk.notifications.services import preference_for

router = Router(tags=["notifications"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# ------------------------------------------------------------------ schemas


class NotificationFilters(Schema):
    unread: bool = Field(False, description="only unread notifications")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    due_on: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    total: int
    unread: int
    limit: int
    offset: int
    items: list[NotificationOut]


class MarkedOut(Schema):
    marked: int


class ChannelsOut(Schema):
    organisation_id: int
    in_app: bool
    email: bool
    webhook: bool


class ChannelsIn(In):
    in_app: bool | None = None
    email: bool | None = None
    webhook: bool | None = None


class WebhookOut(Schema):
    configured: bool
    kind: str | None
    url_masked: str | None = Field(None, description="scheme and host only: the address carries the key")
    active: bool | None
    secret_set: bool | None = Field(None, description="whether a signing secret is saved (never shown)")
    updated_at: datetime | None


class WebhookIn(In):
    kind: Literal["wecom", "dingtalk", "feishu"]
    url: str = Field(..., min_length=1, max_length=500)
    active: bool = True
    secret: str | None = Field(
        None,
        max_length=200,
        description="DingTalk 加签 / Feishu 签名校验 secret; omitted keeps the saved one",
    )
    clear_secret: bool = False


class FeedOut(Schema):
    url: str
    created_at: datetime


# ------------------------------------------------------------------ helpers


def _organisation(user: User) -> Organisation:
    if user.organisation is None:
        raise Forbidden("您不属于任何单位，没有通知设置。", "You belong to no organisation: no settings.")
    return user.organisation


def _notification(n: Notification, lang: str) -> dict[str, Any]:
    r = n.reminder
    en = lang == "en"
    return {
        "id": n.pk,
        "kind": r.kind,
        "subject": r.subject_en if en else r.subject_zh,
        "body": r.body_en if en else r.body_zh,
        "link": r.link,
        "due_on": r.due_on.isoformat() if r.due_on else None,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


def _channels(user: User, organisation: Organisation) -> dict[str, Any]:
    pref = preference_for(user, organisation.pk)
    return {
        "organisation_id": organisation.pk,
        "in_app": pref.in_app,
        "email": pref.email,
        "webhook": pref.webhook,
    }


def _webhook(webhook: Webhook | None) -> dict[str, Any]:
    if webhook is None:
        return {"configured": False, "kind": None, "url_masked": None, "active": None, "updated_at": None}
    return {
        "configured": True,
        "kind": webhook.kind,
        "url_masked": mask_url(webhook.url),
        "active": webhook.active,
        "secret_set": bool(webhook.secret),
        "updated_at": webhook.updated_at,
    }


def _manager_org(user: User) -> Organisation:
    organisation = _organisation(user)
    if not actions.can_manage_webhook(user):
        raise Forbidden(
            "只有企业负责人、代办机构经理或管理局管理员可以设置群机器人。",
            "Only an enterprise owner, an agency manager or a regulator administrator sets the webhook.",
        )
    return organisation


def _feed(request: HttpRequest, token: str, created_at: datetime) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("notifications:ical", args=[token]))
    return {"url": url, "created_at": created_at}


# ------------------------------------------------------------ notifications


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, summary="My notifications")
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    user = current_user(request)
    lang = request_lang(request)
    mine = Notification.objects.filter(user=user)
    qs = mine.filter(read_at__isnull=True) if filters.unread else mine
    total = qs.count()
    rows = qs.select_related("reminder").order_by("-created_at", "-id")[
        filters.offset : filters.offset + filters.limit
    ]
    return {
        "total": total,
        "unread": mine.filter(read_at__isnull=True).count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_notification(n, lang) for n in rows],
    }


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all read")
def mark_all_read(request: HttpRequest) -> dict[str, Any]:
    return {"marked": actions.mark_all_read(current_user(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one notification read",
)
def mark_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    if not 0 < notification_id <= MAX_ID:
        raise NotFound("没有找到该通知。", "No such notification.")
    found = actions.mark_read(current_user(request), notification_id)
    found = Notification.objects.select_related("reminder").get(pk=found.pk)
    return _notification(found, request_lang(request))


# ------------------------------------------------------------------ settings


@router.get(
    "/notification-settings/channels",
    response={200: ChannelsOut, **ERRORS},
    summary="My channels for my organisation's notifications",
)
def get_channels(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    return _channels(user, _organisation(user))


@router.put(
    "/notification-settings/channels",
    response={200: ChannelsOut, **ERRORS},
    summary="Choose my channels (fields left out keep their value)",
)
def put_channels(request: HttpRequest, payload: ChannelsIn) -> dict[str, Any]:
    user = current_user(request)
    organisation = _organisation(user)
    values = {k: v for k, v in payload.model_dump().items() if v is not None}
    actions.update_channel_preference(user, organisation, values)
    return _channels(user, organisation)


@router.get(
    "/notification-settings/webhook",
    response={200: WebhookOut, **ERRORS},
    summary="The organisation's group robot (owner, agency manager or regulator administrator)",
)
def get_webhook(request: HttpRequest) -> dict[str, Any]:
    organisation = _manager_org(current_user(request))
    return _webhook(Webhook.objects.filter(organisation=organisation).first())


@router.put(
    "/notification-settings/webhook",
    response={200: WebhookOut, **ERRORS},
    summary="Set the organisation's group robot (the address may not point into the desk's network)",
)
def put_webhook(request: HttpRequest, payload: WebhookIn) -> dict[str, Any]:
    user = current_user(request)
    organisation = _manager_org(user)
    webhook = Webhook.objects.filter(organisation=organisation).first()
    # The page's form: the same address rules and the same address guard.
    with translation.override(request_lang(request)):
        form = WebhookForm(
            {
                "kind": payload.kind,
                "url": payload.url,
                "active": payload.active,
                "secret": payload.secret or "",
                "clear_secret": payload.clear_secret,
            },
            instance=webhook,
        )
        if not form.is_valid():
            field, messages = next(iter(form.errors.items()))
            message = str(messages[0])
            raise InvalidInput(message, message, field=field if field != "__all__" else None)
        values = form.values()
    return _webhook(actions.save_webhook(user, organisation, values))


@router.delete(
    "/notification-settings/webhook",
    response={204: None, **ERRORS},
    summary="Remove the organisation's group robot",
)
def delete_webhook(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organisation = _manager_org(user)
    if not actions.delete_webhook(user, organisation):
        raise NotFound("本单位没有设置群机器人。", "Your organisation has no webhook.")
    return HttpResponse(status=204)


@router.get(
    "/notification-settings/calendar-feed",
    response={200: FeedOut, **ERRORS},
    summary="My calendar feed's address (iCalendar, secret: it opens without sign-in)",
)
def get_feed(request: HttpRequest) -> dict[str, Any]:
    feed = actions.calendar_feed(current_user(request))
    return _feed(request, feed.token, feed.created_at)


@router.post(
    "/notification-settings/calendar-feed/reset",
    response={200: FeedOut, **ERRORS},
    summary="Reset my calendar feed's address (the old one stops working)",
)
def reset_feed(request: HttpRequest) -> dict[str, Any]:
    feed = actions.reset_calendar_feed(current_user(request))
    return _feed(request, feed.token, feed.created_at)
