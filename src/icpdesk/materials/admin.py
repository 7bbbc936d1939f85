"""Read-mostly administration of materials: versions are evidence and are never edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from icpdesk.materials.models import CaseMaterial, MaterialVersion


class VersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = MaterialVersion
    fields = ("number", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "check_status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseMaterial)
class CaseMaterialAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("application", "material_id", "state", "forged")
    list_filter = ("state", "forged")
    search_fields = ("application__reference", "material_id")
    raw_id_fields = ("application", "verdict_by", "reviewed_version", "forged_by")
    inlines = (VersionInline,)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MaterialVersion)
class MaterialVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("case_material", "number", "content_type", "size", "check_status", "uploaded_at")
    list_filter = ("check_status", "content_type")
    search_fields = ("sha256", "case_material__application__reference")
    readonly_fields = tuple(f.name for f in MaterialVersion._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
