"""The case and what hangs off it. Only the actions in ``icpdesk.cases.actions`` write a state."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone

from icpdesk.core.lifecycle import STATE_LABELS, State

STATE_CHOICES = [(s.value, f"{zh} / {en}") for s, (zh, en) in STATE_LABELS.items()]


class Application(models.Model):
    KIND_CHOICES: ClassVar = [("new", "新申请 / New"), ("renewal", "续期 / Renewal")]

    reference = models.CharField(max_length=32, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="applications"
    )
    # The agency that prepares and files the case, if any.
    agency = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=KIND_CHOICES, default="new")
    license_type = models.CharField(max_length=16, default="B25")
    state = models.CharField(max_length=32, choices=STATE_CHOICES, default=State.DRAFT.value)
    version = models.PositiveIntegerField(default=0)
    # Copied from the enterprise so queues filter without a join.
    province_code = models.CharField(max_length=8, db_index=True)
    prefecture = models.CharField(max_length=40, blank=True)
    rule_pack = models.CharField(max_length=32)
    rule_pack_version = models.CharField(max_length=32, blank=True)
    eligibility = models.JSONField(null=True, blank=True)  # snapshot taken when filed
    # The deadline of the step pending now (indexed for queues, oldest first).
    due_step = models.CharField(max_length=32, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    # Working days of the acceptance clock used before a return (the clock stops while returned).
    acceptance_days_used = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(max_length=16, blank=True)
    decision_reasons = models.TextField(blank=True)
    forged = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    inspected_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    certificate_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["province_code", "state", "due_on"]),
            models.Index(fields=["agency", "state", "due_on"]),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["enterprise", "due_on"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def state_label_zh(self) -> str:
        return STATE_LABELS[self.state_enum][0]

    @property
    def state_label_en(self) -> str:
        return STATE_LABELS[self.state_enum][1]


class Deadline(models.Model):
    """The due date of one step of one case: when its clock started, when it is due, when met."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(max_length=32)
    started_on = models.DateField()
    due_on = models.DateField()
    provisional = models.BooleanField(default=False)
    met_on = models.DateField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["application", "step"])]
        ordering: ClassVar = ["created_at", "id"]


class SupplementNotice(models.Model):
    """补正通知: every item the applicant must fix, listed at once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplements")
    items = models.JSONField()  # [{"item": ..., "reason": ...}]
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    due_provisional = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-issued_at", "-id"]
        indexes: ClassVar = [
            # The reminder sweep reads unanswered notices by due date.
            models.Index(
                fields=["due_on"], condition=models.Q(answered_at__isnull=True), name="open_supplement_due"
            )
        ]


class Inspection(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="inspections")
    scheduled_on = models.DateField()
    inspectors = models.ManyToManyField("accounts.User", related_name="inspections")
    scheduled_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # {"site": {"passed": bool, "remarks": str}, "servers": ..., "security_manager": ...,
    #  "rules_and_drills": ...}
    record = models.JSONField(null=True, blank=True)
    inspected_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-id"]

    def passed(self) -> bool | None:
        if not self.record:
            return None
        return all(area.get("passed") for area in self.record.values())


class Comment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Audit events are added, never changed: bulk updates and deletes are refused here too.

    ``QuerySet.update()`` and ``.delete()`` bypass ``save()`` and ``delete()`` of the
    model; the database refuses them as well (a trigger, migration 0003).
    """

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("audit events cannot be changed")


class AuditEvent(models.Model):
    """One entry of a case's audit trail. Written once; never updated or deleted by the application."""

    objects = AuditEventQuerySet.as_manager()

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audit_events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    actor_org = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # The case's events form a hash chain in the order they were written: each
    # stores the SHA-256 of its own content and of the event before it, so an
    # event changed, removed or slipped in afterwards breaks every link after
    # it (``icpdesk audit verify`` recomputes them).
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        indexes: ClassVar = [models.Index(fields=["application", "at"])]

    def content_hash(self, prev_hash: str) -> str:
        """SHA-256 (hex) of this event's content and the hash of the event before it."""
        at = self.at.astimezone(UTC).isoformat(timespec="microseconds") if self.at else ""
        content = {
            "application": self.application_id,
            "at": at,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "actor_org": self.actor_org,
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "changes": self.changes,
            "prev": prev_hash,
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        with transaction.atomic():
            # One writer at a time per case, so two events never claim the same predecessor.
            Application.objects.select_for_update().filter(pk=self.application_id).values_list("pk").first()
            last = (
                AuditEvent.objects.filter(application_id=self.application_id)
                .order_by("-id")
                .values_list("hash", flat=True)
                .first()
            )
            self.prev_hash = last or ""
            self.hash = self.content_hash(self.prev_hash)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be deleted")
