"""Forms of the license pages; the actions decide, the forms only parse."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icpdesk.lib.errors import ActionError
from icpdesk.licenses.models import ChangeFiling


class ActionErrorMixin:
    #: action error field → form field
    FIELD_MAP: ClassVar[dict[str, str]] = {}

    def add_action_error(self, error: ActionError) -> None:
        fields: Any = getattr(self, "fields", {})
        name = self.FIELD_MAP.get(error.field or "", error.field or "")
        target = name if name in fields else None
        self.add_error(target, error.message(get_language() or "zh-hans"))  # type: ignore[attr-defined]


class DutyFilterForm(forms.Form):
    """The list's duty filters: what falls due from today up to a date (the overviews link here)."""

    annual_due_by = forms.DateField(label=_("年度报告截止不晚于"), required=False)
    expires_by = forms.DateField(label=_("到期日不晚于"), required=False)
    unrenewed = forms.BooleanField(label=_("尚未申请续期"), required=False)
    change_returned = forms.BooleanField(label=_("有退回待重报的变更"), required=False)


class ReasonForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnnualReportForm(ActionErrorMixin, forms.Form):
    FIELD_MAP: ClassVar[dict[str, str]] = {
        "operations": "operations_summary",
        "security": "security_summary",
        "complaints": "complaints_summary",
    }

    operations_summary = forms.CharField(
        label=_("经营情况"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    registered_users = forms.IntegerField(label=_("注册用户数"), required=False, min_value=0)
    security_summary = forms.CharField(
        label=_("网络与信息安全"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    security_incidents = forms.IntegerField(label=_("安全事件数"), required=False, min_value=0)
    complaints_summary = forms.CharField(
        label=_("投诉处理"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    complaints_received = forms.IntegerField(label=_("收到投诉数"), required=False, min_value=0)

    def report_data(self) -> dict[str, dict[str, Any]]:
        d = self.cleaned_data
        return {
            "operations": {
                "summary": d.get("operations_summary") or "",
                "registered_users": d.get("registered_users"),
            },
            "security": {
                "summary": d.get("security_summary") or "",
                "incidents": d.get("security_incidents"),
            },
            "complaints": {
                "summary": d.get("complaints_summary") or "",
                "received": d.get("complaints_received"),
            },
        }

    @classmethod
    def initial_from(cls, report: Any) -> dict[str, Any]:
        if report is None:
            return {}
        return {
            "operations_summary": report.operations.get("summary", ""),
            "registered_users": report.operations.get("registered_users"),
            "security_summary": report.security.get("summary", ""),
            "security_incidents": report.security.get("incidents"),
            "complaints_summary": report.complaints.get("summary", ""),
            "complaints_received": report.complaints.get("received"),
        }


class ChangeFilingForm(ActionErrorMixin, forms.Form):
    kind = forms.ChoiceField(label=_("变更事项"), choices=ChangeFiling.KIND_CHOICES)
    after = forms.CharField(label=_("变更后"), max_length=300)
    happened_on = forms.DateField(label=_("变更发生日期"), widget=forms.DateInput(attrs={"type": "date"}))


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("许可证编号"), required=False, max_length=40)
    name = forms.CharField(label=_("企业全称"), required=False, max_length=200)
    uscc = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=40)
