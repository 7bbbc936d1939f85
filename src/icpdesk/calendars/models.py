"""A year's holiday schedule as loaded by an administrator; it replaces the built-in year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from icpdesk.core.schedule_format import ScheduleFormatError, schedule_from_data
from icpdesk.core.workdays import YearSchedule


class HolidaySchedule(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    official = models.BooleanField(
        _("官方安排"), default=True, help_text=_("来自国务院办公厅发布的节假日安排通知")
    )
    source = models.TextField(_("来源"), help_text=_("通知标题或文件名"))
    # {"holidays": {"2027-01-01": "元旦", ...}, "workdays": {"2027-02-07": "春节", ...}}
    data = models.JSONField(_("节假日与调休工作日"), default=dict)
    # auto_now: every write bumps it, which is how other processes notice a change.
    loaded_at = models.DateTimeField(_("导入时间"), auto_now=True, db_index=True)
    loaded_by = models.TextField(_("导入人"), blank=True, default="")

    class Meta:
        ordering = ("year",)
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")

    def __str__(self) -> str:
        kind = "official" if self.official else "unofficial"
        return f"{self.year} ({kind})"

    def to_schedule(self) -> YearSchedule:
        return schedule_from_data(self.year, self.data, official=self.official, source=self.source)

    def clean(self) -> None:
        try:
            schedule = self.to_schedule()
        except ScheduleFormatError as exc:
            raise ValidationError({"data": exc.reason}) from exc
        stray = [d for d in (*schedule.holidays, *schedule.workdays) if d.year != self.year]
        if stray:
            raise ValidationError({"data": f"{stray[0].isoformat()} is not in {self.year}"})
