"""Reminders, the notifications and deliveries they produce, and each person's channel choices.

A :class:`Reminder` is one message about one duty at one threshold (or one
notice, with its idempotency key); the unique ``(duty_key, threshold)`` makes
the sweep's insert the claim: whoever inserts the row sends it, nobody else.
The in-app :class:`Notification` rows are written in the claiming transaction;
email and webhook messages are :class:`Delivery` rows with a state, sent after
the claim commits and retried with backoff until they go out or give up.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from icpdesk.crypto import EncryptedTextField, digest


class Channel(models.TextChoices):
    IN_APP = "in_app", "站内通知 / In-app"
    EMAIL = "email", "电子邮件 / Email"
    WEBHOOK = "webhook", "群机器人 / Webhook"


class Reminder(models.Model):
    duty_key = models.CharField(max_length=120)
    # "30d", "7d", "1d", "0d", "overdue", "open", "returned"; "notice" for a one-off notice.
    threshold = models.CharField(max_length=16)
    kind = models.CharField(max_length=32)
    due_on = models.DateField(null=True, blank=True)
    fire_on = models.DateField()
    # The sweep run (or notify call) that inserted the row: how a run tells its claims from others'.
    claimed_by = models.CharField(max_length=32)
    subject_zh = models.CharField(max_length=200)
    body_zh = models.TextField()
    subject_en = models.CharField(max_length=200)
    body_en = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["duty_key", "threshold"], name="one_reminder_per_duty_threshold")
        ]
        indexes: ClassVar = [models.Index(fields=["claimed_by"], name="reminder_claimed_by_idx")]

    def __str__(self) -> str:
        return f"{self.duty_key}@{self.threshold}"


class Notification(models.Model):
    """An in-app notification of one person, with its read state."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["reminder", "user"], name="one_notification_per_user")
        ]
        indexes: ClassVar = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    @property
    def subject_zh(self) -> str:
        return self.reminder.subject_zh

    @property
    def subject_en(self) -> str:
        return self.reminder.subject_en


def new_message_token() -> str:
    return secrets.token_hex(12)


class Delivery(models.Model):
    """One email to one person, or one webhook post to one organisation, with its retry state."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送 / Pending"
        SENDING = "sending", "发送中 / Sending"
        SENT = "sent", "已发送 / Sent"
        FAILED = "failed", "失败待重试 / Failed, will retry"
        ABANDONED = "abandoned", "已放弃 / Gave up"

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; while SENDING, when the claim of a dead worker expires.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # The worker run holding the row while SENDING.
    lease = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The random part of the email's Message-ID: kept with the delivery so every
    # attempt sends the same message, and random so that a database restored or
    # started anew never reuses an identifier that already went out.
    message_token = models.CharField(max_length=32, default=new_message_token, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["reminder", "user", "channel"],
                condition=models.Q(user__isnull=False),
                name="one_delivery_per_user_channel",
            ),
            models.UniqueConstraint(
                fields=["reminder", "organisation", "channel"],
                condition=models.Q(user__isnull=True),
                name="one_delivery_per_org_channel",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["organisation", "state"], name="delivery_org_state_idx"),
        ]


class ChannelPreference(models.Model):
    """The channels one person wants for one organisation; no row means every channel."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="channel_preferences")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    webhook = models.BooleanField(default=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_preference_per_user_org")
        ]


class Webhook(models.Model):
    """An organisation's group robot (WeCom, DingTalk or Feishu)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", "企业微信 / WeCom"
        DINGTALK = "dingtalk", "钉钉 / DingTalk"
        FEISHU = "feishu", "飞书 / Feishu"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    url = models.URLField(max_length=500)
    active = models.BooleanField(default=True)
    # The signing secret of a DingTalk robot with 加签 or a Feishu robot with 签名校验
    # ("" when the robot is not signed). Encrypted at rest, and never shown again
    # once saved: the settings page and the API tell only whether one is set.
    secret = EncryptedTextField(blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.url}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret of a person's iCalendar feed; resetting it replaces the token (the old URL is gone).

    The token is a credential: the database holds it encrypted (to show the
    person their feed address again) and its SHA-256, by which a request is
    matched; a copy of the table alone opens no feed."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="calendar_feed")
    token = EncryptedTextField(default="")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    @staticmethod
    def hash(token: str) -> str:
        return digest(token)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token:
            self.token = new_feed_token()
        self.token_hash = self.hash(self.token)
        fields = kwargs.get("update_fields")
        if fields is not None and "token" in fields:
            kwargs["update_fields"] = {*fields, "token_hash"}
        super().save(*args, **kwargs)

    @classmethod
    def find(cls, token: str) -> CalendarFeed | None:
        """The feed whose secret is ``token``, with its user, or ``None``."""
        return cls.objects.filter(token_hash=cls.hash(token)).select_related("user__organisation").first()
