"""The change log in the admin: to read and search, never to add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from icpdesk.changes.display import action_label
from icpdesk.changes.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin[ChangeRecord]):
    list_display = ("at", "actor_name", "action_shown", "object_label", "enterprise_id", "request_id")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_label", "request_id", "action")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    list_select_related = ("actor",)

    def get_readonly_fields(self, request: HttpRequest, obj: ChangeRecord | None = None) -> list[str]:
        return [f.name for f in ChangeRecord._meta.fields]

    @admin.display(description=_("操作"), ordering="action")
    def action_shown(self, obj: ChangeRecord) -> str:
        return action_label(obj.action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
