"""One action per write of the notification settings: a person's channels and the organisation's webhook.

Each is atomic, checks who may do it, and keeps one change record; the
webhook's address carries the robot's key, so the record keeps only its host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from icpdesk.accounts.choices import Role
from icpdesk.accounts.models import Organisation, User
from icpdesk.changes.records import diff, hide, mask_url, record_change, snapshot
from icpdesk.lib.errors import Forbidden, InvalidInput, NotFound
from icpdesk.notifications.models import (
    CalendarFeed,
    ChannelPreference,
    Notification,
    Webhook,
    new_feed_token,
)

WEBHOOK_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.ADMIN})
PREFERENCE_FIELDS = ("in_app", "email", "webhook")
WEBHOOK_FIELDS = ("kind", "url", "active", "secret")
# The address carries the robot's key: only its host is kept. The signing secret is
# kept as "***" (set or changed) or "" (none), like every field called "secret".
WEBHOOK_MASKS = {"url": mask_url, "secret": hide}


def can_manage_webhook(user: User | Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.organisation is not None
        and bool(user.valid_roles() & WEBHOOK_ROLES)
    )


def _member_of(user: User | Any, organisation: Organisation) -> None:
    if not getattr(user, "is_authenticated", False) or user.organisation_id != organisation.pk:
        raise Forbidden(
            "您只能修改本单位的通知设置。", "You may only change your own organisation's settings."
        )


def _check_fields(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput(
            f"不能修改字段：{unknown[0]}", f"Field {unknown[0]} cannot be set.", field=unknown[0]
        )


@transaction.atomic
def update_channel_preference(
    user: User | Any, organisation: Organisation, values: Mapping[str, bool]
) -> ChannelPreference:
    """The channels the user wants for the organisation's notifications; no change writes nothing."""
    _member_of(user, organisation)
    _check_fields(values, PREFERENCE_FIELDS)
    pref = ChannelPreference.objects.select_for_update().filter(
        user=user, organisation=organisation
    ).first() or ChannelPreference(user=user, organisation=organisation)
    before = snapshot(pref, PREFERENCE_FIELDS)
    for name, value in values.items():
        setattr(pref, name, bool(value))
    old, new = diff(before, snapshot(pref, PREFERENCE_FIELDS))
    if old or new or pref.pk is None:
        pref.save()
        record_change(
            user,
            pref,
            "channel_preference.update",
            old,
            new,
            organisation=organisation,
            label=user.get_username(),
        )
    return pref


def _manages(user: User | Any, organisation: Organisation) -> None:
    _member_of(user, organisation)
    if not can_manage_webhook(user):
        raise Forbidden(
            "只有企业负责人、代办机构经理或管理局管理员可以设置群机器人。",
            "Only an enterprise owner, an agency manager or a regulator administrator sets the webhook.",
        )


def _webhook_label(webhook: Webhook) -> str:
    # Not str(webhook): that shows the address, and the address holds the key.
    return str(Webhook.Kind(webhook.kind).label) if webhook.kind in Webhook.Kind.values else webhook.kind


@transaction.atomic
def save_webhook(user: User | Any, organisation: Organisation, values: Mapping[str, Any]) -> Webhook:
    """Set or change the organisation's group robot.

    ``secret`` is the signing secret of a DingTalk or Feishu robot: left out, the
    stored one stays; ``""`` removes it. A WeCom robot is not signed, so changing
    the robot to WeCom removes it too. The change record says only that the
    secret was set, replaced or removed, never what it is."""
    _manages(user, organisation)
    _check_fields(values, WEBHOOK_FIELDS)
    webhook = Webhook.objects.select_for_update().filter(organisation=organisation).first()
    action = "webhook.update" if webhook is not None else "webhook.create"
    webhook = webhook or Webhook(organisation=organisation)
    # A new robot without a secret: its record does not mention the secret.
    before = snapshot(webhook, WEBHOOK_FIELDS) if webhook.pk is not None else {"secret": ""}
    for name, value in values.items():
        setattr(webhook, name, value)
    if webhook.kind == Webhook.Kind.WECOM:
        webhook.secret = ""
    old, new = diff(before, snapshot(webhook, WEBHOOK_FIELDS))
    if old or new:
        webhook.updated_at = timezone.now()
        webhook.save()
        record_change(
            user,
            webhook,
            action,
            old,
            new,
            organisation=organisation,
            label=_webhook_label(webhook),
            masks=WEBHOOK_MASKS,
        )
    return webhook


@transaction.atomic
def delete_webhook(user: User | Any, organisation: Organisation) -> bool:
    """Remove the organisation's group robot; ``False`` when it had none."""
    _manages(user, organisation)
    webhook = Webhook.objects.select_for_update().filter(organisation=organisation).first()
    if webhook is None:
        return False
    record_change(
        user,
        webhook,
        "webhook.delete",
        snapshot(webhook, WEBHOOK_FIELDS),
        {},
        organisation=organisation,
        label=_webhook_label(webhook),
        masks=WEBHOOK_MASKS,
    )
    webhook.delete()
    return True


# ------------------------------------------------- read state and the calendar feed


def mark_read(user: User | Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; another person's is the same 404 as none."""
    found = Notification.objects.filter(pk=notification_id, user=user).first()
    if found is None:
        raise NotFound("没有找到该通知。", "No such notification.")
    if found.read_at is None:
        found.read_at = timezone.now()
        Notification.objects.filter(pk=found.pk, read_at__isnull=True).update(read_at=found.read_at)
    return found


def mark_all_read(user: User | Any) -> int:
    """Mark every unread notification of the user read; how many were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def calendar_feed(user: User | Any) -> CalendarFeed:
    """The user's calendar feed, created on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def reset_calendar_feed(user: User | Any) -> CalendarFeed:
    """Replace the feed's secret: the old address stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save()
    return feed
