"""Forms of the materials pages: an upload with the facts it states, a verdict, a forgery mark."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REGION_CHOICES = [
    ("", _("（未填写）")),
    ("CN-GS", _("甘肃省")),
    ("CN", _("中国大陆其他省份")),
    ("CN-HK", _("香港")),
    ("CN-MO", _("澳门")),
    ("CN-TW", _("台湾")),
    ("ABROAD", _("境外")),
]


class UploadForm(forms.Form):
    # Empty files reach the service, which refuses them with its own reason.
    file = forms.FileField(label=_("文件（PDF、JPEG、PNG 或 DOCX）"), allow_empty_file=True)
    company_name = forms.CharField(label=_("材料上的企业名称"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("材料上的统一社会信用代码"), max_length=40, required=False)
    domain = forms.CharField(label=_("材料上的域名"), max_length=253, required=False)
    server_address = forms.CharField(label=_("材料上的服务器地址"), max_length=300, required=False)
    server_region = forms.ChoiceField(label=_("服务器所在地区"), choices=REGION_CHOICES, required=False)
    person_name = forms.CharField(label=_("材料上的人员姓名"), max_length=60, required=False)
    valid_from = forms.DateField(
        label=_("有效期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("所覆盖的最后日期（流水、社保）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("有效期至不能早于有效期起。"))
        return data


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("意见"), choices=[("accept", _("认可")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回原因"), required=False, max_length=1000, widget=forms.Textarea)


class ForgedForm(forms.Form):
    reason = forms.CharField(label=_("伪造理由"), max_length=2000, widget=forms.Textarea)
