"""Forms of sign-in, mandates and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
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
    """Django's sign-in form, saying so when the account is locked (instead of "wrong password")."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            until = getattr(self.request, "icpdesk_locked_until", None)
            if until is not None:
                raise ValidationError(
                    _("登录失败次数过多，账户已锁定至 %(time)s")
                    % {"time": timezone.localtime(until).strftime("%H:%M")},
                    code="locked",
                ) from None
            raise


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
