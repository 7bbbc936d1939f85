from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from icpdesk.calendars.models import HolidaySchedule


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin[HolidaySchedule]):
    list_display = ("year", "official", "source", "holiday_count", "workday_count", "loaded_at", "loaded_by")
    list_filter = ("official",)
    search_fields = ("source", "loaded_by")
    readonly_fields = ("loaded_at",)
    ordering = ("-year",)

    @admin.display(description=_("节假日天数"))
    def holiday_count(self, obj: HolidaySchedule) -> int:
        return len(obj.data.get("holidays", {}))

    @admin.display(description=_("调休工作日天数"))
    def workday_count(self, obj: HolidaySchedule) -> int:
        return len(obj.data.get("workdays", {}))

    def save_model(self, request: Any, obj: HolidaySchedule, form: Any, change: bool) -> None:
        if not obj.loaded_by:
            obj.loaded_by = f"admin:{request.user.get_username()}"
        super().save_model(request, obj, form, change)
