"""Scans of licensed sites and their findings.

A :class:`Scan` is one reading of a site, for a license (the weekly sweep, or
on demand) or for a case being inspected. A :class:`Finding` belongs to its
subject (the license, or the case when there is no license yet): it is open
from the first scan that sees it and resolved by the first later scan that
does not; the partial unique constraints keep one open finding per subject,
code and key. The weekly sweep claims a license's scan of a day by inserting
it (unique license and day), so two workers never scan the same site twice.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Scan(models.Model):
    class Trigger(models.TextChoices):
        WEEKLY = "weekly", "每周巡检 / Weekly"
        ON_DEMAND = "on_demand", "手动检测 / On demand"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中 / Queued"
        RUNNING = "running", "检测中 / Running"
        DONE = "done", "已完成 / Done"
        REFUSED = "refused", "地址被拒绝 / Address refused"
        FAILED = "failed", "未能完成 / Failed"

    license = models.ForeignKey(
        "licenses.License", null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    url = models.CharField(max_length=500)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sweep's day for a weekly scan (its claim); null on demand.
    scheduled_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    page_urls = models.JSONField(default=list, blank=True)
    # For a refused or failed scan: a reason code and the plain reason (never an internal error).
    error_code = models.CharField(max_length=40, blank=True)
    error_zh = models.CharField(max_length=300, blank=True)
    error_en = models.CharField(max_length=300, blank=True)
    # The codes found by this scan, in order (the findings themselves carry the evidence).
    codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["license", "scheduled_for"],
                condition=models.Q(trigger="weekly"),
                name="one_weekly_scan_per_license_day",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["license", "-created_at"], name="scan_license_recent_idx"),
            models.Index(fields=["application", "-created_at"], name="scan_case_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"scan {self.pk} {self.url} {self.status}"


class Finding(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "未整改 / Open"
        RESOLVED = "resolved", "已消除 / Resolved"

    license = models.ForeignKey(
        "licenses.License", null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    code = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    severity = models.CharField(max_length=8)
    message_code = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    evidence_url = models.CharField(max_length=500, blank=True)
    evidence_excerpt = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    first_scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")
    last_scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")
    resolved_scan = models.ForeignKey(
        Scan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["state", "-opened_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["license", "code", "key"],
                condition=models.Q(state="open", license__isnull=False),
                name="one_open_finding_per_license",
            ),
            models.UniqueConstraint(
                fields=["application", "code", "key"],
                condition=models.Q(state="open", license__isnull=True),
                name="one_open_finding_per_case",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["license", "state"], name="finding_license_state_idx")]

    def message(self, lang: str = "zh-hans") -> str:
        from icpdesk.core.sitecheck import MESSAGES

        zh, en = MESSAGES.get(self.message_code, (self.message_code, self.message_code))
        params = {k: str(v) for k, v in (self.params or {}).items()}
        try:
            return (en if lang.startswith("en") else zh).format(**params)
        except (KeyError, IndexError):
            return en if lang.startswith("en") else zh
