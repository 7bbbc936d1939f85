"""Import history, remembered header mappings and bulk assessments of an agency's book."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("等待中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("有错误，未导入")
    FAILED = "failed", _("失败")


class ImportRun(models.Model):
    """One uploaded client file: the file as uploaded, its progress and its report."""

    agency = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="imports")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200)
    file = models.CharField(max_length=300)  # storage name of the file as uploaded
    error_file = models.CharField(max_length=300, blank=True)  # storage name of the error workbook
    skip_invalid = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    mapping = models.JSONField(default=dict, blank=True)  # header -> field key, for this file
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)  # data rows of the file
    done = models.PositiveIntegerField(default=0)  # rows checked or written so far
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["agency", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status in {Status.DONE, Status.REJECTED, Status.FAILED}

    @property
    def percent(self) -> int:
        return 100 if self.finished else (100 * self.done // self.total if self.total else 0)


class HeaderMapping(models.Model):
    """An agency's own column header and the field it means, remembered for its next files."""

    agency = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="header_mappings"
    )
    header = models.CharField(max_length=200)  # normalised (icpdesk.core.tabular.normalize_header)
    field = models.CharField(max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "header"], name="bulk_mapping_agency_header")
        ]


class BookAssessment(models.Model):
    """The whole book assessed from the stored profiles: each result is kept as an eligibility run."""

    agency = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="book_assessments"
    )
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    assessed_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    verdicts = models.JSONField(default=dict, blank=True)  # verdict -> count
    errors = models.JSONField(default=list, blank=True)  # clients whose stored profile is malformed

    class Meta:
        indexes: ClassVar = [models.Index(fields=["agency", "-created_at"])]

    @property
    def finished(self) -> bool:
        return self.status in {Status.DONE, Status.FAILED}

    @property
    def percent(self) -> int:
        return 100 if self.finished else (100 * self.done // self.total if self.total else 0)

    def summary(self) -> dict[str, Any]:
        return {"total": self.total, "done": self.done, "verdicts": self.verdicts}
