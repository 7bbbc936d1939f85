"""The license a certificate records."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class License(models.Model):
    STATE_CHOICES: ClassVar = [
        ("valid", "有效 / Valid"),
        ("lapsed", "失效（未年报） / Lapsed"),
        ("suspended", "暂停 / Suspended"),
        ("revoked", "吊销 / Revoked"),
        ("cancelled", "注销 / Cancelled"),
        ("expired", "过期 / Expired"),
    ]

    number = models.CharField(max_length=32, unique=True)
    holder = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="licenses")
    holder_name = models.CharField(max_length=200)
    application = models.OneToOneField("cases.Application", on_delete=models.PROTECT, related_name="license")
    license_type = models.CharField(max_length=16)
    province_code = models.CharField(max_length=8, db_index=True)
    domains = models.JSONField(default=list)
    server_locations = models.JSONField(default=list)
    security_manager = models.CharField(max_length=60, blank=True)
    service_scope = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default="valid", db_index=True)
    state_changed_on = models.DateField(null=True, blank=True)
    # The national pack puts a holder that missed its annual report on the bad-record list.
    bad_record = models.BooleanField(default=False)
    # The last day of the window of the next annual report owed (the sweep's index).
    annual_report_due_on = models.DateField(null=True, blank=True)
    # The renewal case started for this license, if any.
    renewal_application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["state", "expires_on"]),
            models.Index(fields=["holder_name"]),
            models.Index(fields=["state", "annual_report_due_on"], name="license_annual_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class LicenseNumberCounter(models.Model):
    """The last serial used for one province and year; locked while a number is taken."""

    province_abbreviation = models.CharField(max_length=4)
    category = models.CharField(max_length=4, default="B2")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["province_abbreviation", "category", "year"], name="one_counter_per_year"
            )
        ]


class LicenseEvent(models.Model):
    """The license's history: every change of state or of recorded facts, with its reason."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    on = models.DateField()
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    # For a change filing: {"field": "domain", "before": ..., "after": ...}
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]


class AnnualReport(models.Model):
    """The report a valid license owes for the previous year, between the pack's window dates."""

    STATE_CHOICES: ClassVar = [("draft", "草稿 / Draft"), ("submitted", "已提交 / Submitted")]

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField()  # the year reported on
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default="draft")
    operations = models.JSONField(default=dict, blank=True)
    security = models.JSONField(default=dict, blank=True)
    complaints = models.JSONField(default=dict, blank=True)
    window_opens_on = models.DateField()
    due_on = models.DateField(db_index=True)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["license", "year"], name="one_annual_report_per_year")
        ]


class ChangeFiling(models.Model):
    """A change of company name, domain, server address or security manager, filed with its date."""

    KIND_CHOICES: ClassVar = [
        ("company_name", "企业名称 / Company name"),
        ("domain", "网站域名 / Domain"),
        ("server_address", "服务器地址 / Server address"),
        ("security_manager", "网络安全负责人 / Security manager"),
    ]
    STATE_CHOICES: ClassVar = [
        ("filed", "已提交 / Filed"),
        ("acknowledged", "已确认 / Acknowledged"),
        ("returned", "已退回 / Returned"),
    ]

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="change_filings")
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    before = models.TextField(blank=True)
    after = models.TextField()
    happened_on = models.DateField()
    due_on = models.DateField(db_index=True)
    due_provisional = models.BooleanField(default=False)
    filed_on = models.DateField()
    late = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default="filed", db_index=True)
    filed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-filed_on", "-id"]


class PublicLookupWindow(models.Model):
    """Requests of one client address to the public lookup in one fixed window (one minute)."""

    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["client", "window_start"], name="one_lookup_window_per_client")
        ]
        indexes: ClassVar = [models.Index(fields=["window_start"], name="lookup_window_start_idx")]
