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
    # A batch's last step, assembling the parts into one ZIP: who took it and its last sign of life.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
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


class WeeklyChunk(models.Model):
    """A share of a weekly batch: up to ``CHUNK`` clients, rendered by one task into a part of the ZIP.

    A task claims its chunk with a conditional update (``queued``, or ``running`` with a claim gone
    stale because its worker died) and writes a fresh ``token``; progress updates refresh
    ``claimed_at`` and count only while the token is still theirs, so a chunk taken over by another
    worker is written once. A chunk that is ``done`` is never run again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中 / Queued"
        RUNNING = "running", "生成中 / Running"
        DONE = "done", "已完成 / Done"
        FAILED = "failed", "生成失败 / Failed"

    batch = models.ForeignKey(GeneratedDocument, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()  # 0, 1, …: the order of the parts in the ZIP
    enterprise_ids = models.JSONField(default=list)  # the clients of this share, fixed when the batch starts
    formats = models.JSONField(default=list)  # "docx", "pdf" or both
    report_date = models.DateField()  # the last day of the reports' week
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    token = models.CharField(max_length=32, blank=True)  # the current claim
    claimed_at = models.DateTimeField(null=True, blank=True)  # the claim's last sign of life
    attempts = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)  # documents this share is to hold
    done = models.PositiveIntegerField(default=0)  # documents written so far
    part = models.CharField(max_length=300, blank=True)  # storage name of the share's ZIP, until assembled
    seconds = models.FloatField(default=0.0)  # how long the run that finished it took
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["batch", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["batch", "number"], name="paperwork_chunk_batch_number")
        ]
        indexes: ClassVar = [models.Index(fields=["state", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.number}"
