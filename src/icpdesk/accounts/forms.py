"""Forms of sign-in, mandates and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import SCOPE_FIELDS, ApiToken, Mandate, Organisation

SCOPE_LABELS = {
    "prepare": gettext_lazy("准备材料"),
    "file": gettext_lazy("申报"),
    "answer_supplement": gettext_lazy("答复补正"),
    "annual_and_changes": gettext_lazy("年报与变更"),
}


class DeskAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with one message for every refusal.

    A wrong password, an unknown name and a throttled attempt read the same,
    so the answer never tells which user names exist.
    """

    error_messages = {  # noqa: RUF012 - Django's own class attribute, extended
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "用户名或密码不正确。同一地址对同一账户连续失败多次后，需等待一段时间才能再次尝试。"
        ),
    }


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MandateGrantForm(forms.Form):
    agency = AgencyChoiceField(
        label=gettext_lazy("代办机构"),
        queryset=Organisation.objects.filter(kind=OrgKind.AGENCY).order_by("name", "pk"),
        empty_label=gettext_lazy("— 请选择 —"),
        error_messages={
            "required": gettext_lazy("请选择代办机构"),
            "invalid_choice": gettext_lazy("没有这个代办机构"),
        },
    )
    prepare = forms.BooleanField(label=SCOPE_LABELS["prepare"], required=False, initial=True)
    file = forms.BooleanField(label=SCOPE_LABELS["file"], required=False, initial=True)
    answer_supplement = forms.BooleanField(
        label=SCOPE_LABELS["answer_supplement"], required=False, initial=True
    )
    annual_and_changes = forms.BooleanField(
        label=SCOPE_LABELS["annual_and_changes"], required=False, initial=True
    )

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise

    def clean_agency(self) -> Organisation:
        agency: Organisation = self.cleaned_data["agency"]
        if Mandate.objects.filter(
            agency=agency, enterprise=self.enterprise, revoked_at__isnull=True
        ).exists():
            raise ValidationError(
                _("%(agency)s 已持有本企业的有效委托；如需调整范围，请先撤销再重新授予。")
                % {"agency": agency.name},
                code="duplicate",
            )
        return agency

    def scopes(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in SCOPE_FIELDS}


class TokenForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ApiToken
        fields: ClassVar = ["name"]
        labels: ClassVar = {"name": gettext_lazy("令牌名称")}
        help_texts: ClassVar = {"name": gettext_lazy("说明用途，如：ERP 同步")}
        error_messages: ClassVar = {"name": {"required": gettext_lazy("请填写令牌名称")}}


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code where allowed."""

    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        strip=True,
        help_text=gettext_lazy("验证器应用中当前显示的 6 位数字，或一个恢复码"),
        error_messages={"required": gettext_lazy("请输入验证码"), "max_length": gettext_lazy("验证码太长")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"}
        ),
    )


class EnrolCodeForm(CodeForm):
    """The first code of a new authenticator app: six digits only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext_lazy("验证器应用中当前显示的 6 位数字")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(_("验证码应为 6 位数字"), code="format")
        return code
