"""Cases in the administration: to look at, never to edit.

A case's state changes only through the actions of ``icpdesk.cases.actions``
(with its audit event and deadlines), and the audit trail is append-only, so
the admin shows cases and their trail read-only: nobody adds, changes or
deletes them here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from icpdesk.cases.models import Application, AuditEvent, Deadline


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    actions = None  # no bulk "delete selected"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeadlineInline(ReadOnlyInline):
    model = Deadline
    fields = ("step", "started_on", "due_on", "provisional", "met_on", "cancelled")


class AuditEventInline(ReadOnlyInline):
    model = AuditEvent
    fields = ("at", "actor_name", "actor_org", "action", "from_state", "to_state", "reason")
    ordering = ("at", "id")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "enterprise", "state", "due_step", "due_on", "due_provisional", "filed_on")
    list_filter = ("state", "province_code", "due_step", "due_provisional")
    search_fields = ("reference", "enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise",)
    date_hierarchy = "filed_on"
    inlines = (DeadlineInline, AuditEventInline)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "application", "action", "from_state", "to_state", "actor_name", "actor_org")
    list_filter = ("action", "to_state")
    search_fields = ("application__reference", "actor_name", "reason")
    list_select_related = ("application",)
    date_hierarchy = "at"
