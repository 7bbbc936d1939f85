"""What the desk drafted: one row per generated file, kept with its hash and the facts left blank."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class GeneratedDocument(models.Model):
    """A generated document of a case or of an enterprise, or an agency's batch of weekly reports (ZIP)."""

    class Status(models.TextChoices):
        PENDING = "pending", "生成中 / Being generated"
        READY = "ready", "已生成 / Ready"
        FAILED = "failed", "生成失败 / Failed"

    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="paperwork"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.CASCADE, related_name="paperwork"
    )
    # The agency a weekly report or a batch was made for (batches have no enterprise).
    agency = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document_id = models.CharField(max_length=40)
    format = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY)
    file = models.CharField(max_length=300, blank=True)  # the storage name
    filename = models.CharField(max_length=200, blank=True)  # offered to the browser
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    missing = models.JSONField(default=list, blank=True)  # labels of facts left blank
    count = models.PositiveIntegerField(default=1)  # documents in a batch (so far, while pending)
    total = models.PositiveIntegerField(default=0)  # documents a batch is to hold, known when it starts
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["application", "-created_at"]),
            models.Index(fields=["agency", "document_id", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}.{self.format}"
