"""Materials of a case: one row per (case, material of the rule pack), and its versions.

A version is never overwritten or deleted by users: every upload adds one,
with its hash, size, sniffed type and page count, the facts the uploader
states it shows, and the results of the background checks.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone


class MaterialState(models.TextChoices):
    MISSING = "missing", "缺少 / Missing"
    UPLOADED = "uploaded", "已上传 / Uploaded"
    ACCEPTED = "accepted", "已认可 / Accepted"
    RETURNED = "returned", "已退回 / Returned"


class CheckStatus(models.TextChoices):
    PENDING = "pending", "待检查 / Pending"
    DONE = "done", "已检查 / Done"
    FAILED = "failed", "检查未能完成 / Failed to run"


class ReadStatus(models.TextChoices):
    PENDING = "pending", "待读取 / Pending"
    DONE = "done", "已读取 / Read"
    UNREADABLE = "unreadable", "无法读取 / Unreadable"
    FAILED = "failed", "读取未能完成 / Failed to run"
    SKIPPED = "skipped", "不读取（Word 文件）/ Not read (Word file)"


#: The facts an uploader may state for a material, in display order.
FACT_KEYS = (
    "company_name",
    "credit_code",
    "domain",
    "server_address",
    "server_region",
    "person_name",
    "valid_from",
    "valid_until",
    "period_end",
)


class CaseMaterial(models.Model):
    """One material of the pack's checklist for one case, with the reviewer's verdict."""

    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="materials")
    material_id = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=MaterialState.choices, default=MaterialState.MISSING)
    return_reason = models.TextField(blank=True)
    verdict_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict_at = models.DateTimeField(null=True, blank=True)
    # The version the reviewer last judged: the base of "what changed since the last look".
    reviewed_version = models.ForeignKey(
        "materials.MaterialVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forged = models.BooleanField(default=False)
    forged_reason = models.TextField(blank=True)
    forged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["application", "material_id"], name="one_material_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.material_id}"


class MaterialVersion(models.Model):
    case_material = models.ForeignKey(CaseMaterial, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.CharField(max_length=300)  # the storage name the desk made
    original_name = models.CharField(max_length=255, blank=True)  # metadata only
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    facts = models.JSONField(default=dict, blank=True)
    check_status = models.CharField(max_length=16, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    check_error = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # {"legibility": [...], "consistency": [...], "dates": [...]}; each flag has code, message_zh/en, values.
    flags = models.JSONField(default=dict, blank=True)
    # What the desk read in the file (icpdesk.reading): pages, fields with value, confidence, page and
    # box, QR codes, text and flags; identity numbers masked. An unreadable file has {"error": {...}}.
    read_status = models.CharField(max_length=16, choices=ReadStatus.choices, default=ReadStatus.PENDING)
    read_at = models.DateTimeField(null=True, blank=True)
    reading = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["case_material_id", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case_material", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.case_material} v{self.number}"

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")

    def all_flags(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for key in ("legibility", "consistency", "dates"):
            out.extend(self.flags.get(key, []))
        return out


EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
