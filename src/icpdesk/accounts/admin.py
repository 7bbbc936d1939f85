from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from icpdesk.accounts.models import ApiToken, Mandate, Organisation, User


@admin.register(User)
class DeskUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("icpdesk", {"fields": ("organisation", "roles")}),
    )
    list_display = ("username", "first_name", "organisation", "roles", "is_active")
    list_filter = ("organisation__kind", "is_active")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "province_code")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "agency",
        "enterprise",
        "prepare",
        "file",
        "answer_supplement",
        "granted_at",
        "revoked_at",
    )
    raw_id_fields = ("enterprise",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "name", "prefix", "created_at", "revoked_at")
    readonly_fields = ("token_hash", "prefix")
