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
    issued_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default="valid")
    created_at = models.DateTimeField(default=timezone.now)

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
