"""Reminders, notifications and deliveries in the admin: failing deliveries are found and retried here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from icpdesk.notifications.models import (
    CalendarFeed,
    ChannelPreference,
    Delivery,
    Notification,
    Reminder,
    Webhook,
)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin[Reminder]):
    list_display = ("duty_key", "threshold", "kind", "due_on", "fire_on", "created_at")
    list_filter = ("kind", "threshold", "fire_on")
    search_fields = ("duty_key", "subject_zh", "subject_en")
    date_hierarchy = "fire_on"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("user", "organisation", "reminder", "created_at", "read_at")
    list_select_related = ("user", "organisation", "reminder")
    raw_id_fields = ("user", "organisation", "reminder")


@admin.action(description="立即重试 / Retry now")
def retry_now(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
    queryset.exclude(state=Delivery.State.SENT).update(
        state=Delivery.State.PENDING, next_attempt_at=timezone.now(), attempts=0, lease=""
    )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = (
        "reminder",
        "channel",
        "user",
        "organisation",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("state", "channel")
    list_select_related = ("reminder", "user", "organisation")
    raw_id_fields = ("reminder", "user", "organisation")
    actions = (retry_now,)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    list_display = ("organisation", "kind", "url", "active", "updated_at")
    raw_id_fields = ("organisation",)
    # The signing secret is never shown again once saved; the settings page replaces it.
    exclude = ("secret",)


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin[ChannelPreference]):
    list_display = ("user", "organisation", "in_app", "email", "webhook")
    raw_id_fields = ("user", "organisation")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin[CalendarFeed]):
    list_display = ("user", "created_at")
    exclude = ("token", "token_hash")
    raw_id_fields = ("user",)
