"""The administration of enterprise profiles, bans and kept assessments."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from icpdesk.enterprises.models import Ban, EligibilityAssessment, Enterprise, SecurityStaff, Violation


class SecurityStaffInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SecurityStaff
    extra = 0
    exclude = ("id_number_masked",)


class ViolationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Violation
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "uscc", "province_code", "city", "domain")
    list_filter = ("province_code", "city", "legal_form")
    search_fields = ("name", "uscc", "domain")
    raw_id_fields = ("organisation",)
    inlines = (SecurityStaffInline, ViolationInline)


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("uscc", "until", "created_at")
    search_fields = ("uscc",)
    raw_id_fields = ("application",)


@admin.register(EligibilityAssessment)
class EligibilityAssessmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Kept results are evidence: viewable, never edited."""

    list_display = ("enterprise", "assessed_on", "rule_pack", "rule_pack_version", "verdict", "created_by")
    list_filter = ("verdict", "rule_pack")
    raw_id_fields = ("enterprise", "created_by")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
