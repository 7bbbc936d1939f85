"""The change record: who changed what, when, in which request, with the values before and after.

Records are added, never changed or deleted: ``save()`` and ``delete()`` refuse,
so does the queryset (``update()``, ``delete()``, ``bulk_update()``), and the
database refuses an UPDATE (and on PostgreSQL a DELETE) by a trigger
(migration 0002), like the cases' audit trail.

``changes`` sits below the enterprises app in the layers, so the enterprise a
record concerns is kept by its id (no foreign key), and the changed object by
a generic reference: its content type, id and a readable label kept at the
time (the object may be gone since).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """A change record was about to be changed or deleted."""


class ChangeRecordQuerySet(models.QuerySet["ChangeRecord"]):
    """``update()`` and ``delete()`` of a queryset bypass the model's methods: refused here too."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("change records cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("change records cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("change records cannot be changed")


class ChangeRecord(models.Model):
    """One write: written once, in the write's own transaction; never updated or deleted."""

    objects = ChangeRecordQuerySet.as_manager()

    at = models.DateTimeField("时间", default=timezone.now)
    # None: the system (a command, a worker).
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True, db_index=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise_id = models.PositiveBigIntegerField("企业", null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_label = models.CharField("对象", max_length=300, blank=True)
    # Only the fields that changed; personal data and secrets masked (see records.MASKS).
    before = models.JSONField("变更前", default=dict, blank=True)
    after = models.JSONField("变更后", default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        indexes: ClassVar = [
            models.Index(fields=["enterprise_id", "at"], name="change_enterprise_at_idx"),
            models.Index(fields=["organisation", "at"], name="change_organisation_at_idx"),
            models.Index(fields=["content_type", "object_id"], name="change_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_label} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("change records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("change records cannot be deleted")

    @property
    def fields(self) -> list[str]:
        """The changed fields, in the order they were recorded."""
        names = list(self.before)
        names += [name for name in self.after if name not in self.before]
        return names
