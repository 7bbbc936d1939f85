"""The preferences page: a person's channels, and the organisation's webhook."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from icpdesk.lib import netguard
from icpdesk.lib.language import current_lang
from icpdesk.notifications import channels
from icpdesk.notifications.models import ChannelPreference, Webhook


class PreferenceForm(forms.ModelForm[ChannelPreference]):
    class Meta:
        model = ChannelPreference
        fields: ClassVar = ["in_app", "email", "webhook"]
        labels: ClassVar = {
            "in_app": _("站内通知"),
            "email": _("电子邮件"),
            "webhook": _("群机器人（本单位的企业微信、钉钉或飞书）"),
        }

    def values(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in self.Meta.fields}


SECRET_MAX_LENGTH = 200


class WebhookForm(forms.ModelForm[Webhook]):
    """The robot's kind, address and state, and its signing secret.

    The secret is write-only: the field is always empty, and says whether one is
    set; leaving it empty keeps the stored one, ``clear_secret`` removes it."""

    secret = forms.CharField(
        label=_("签名密钥（钉钉“加签”或飞书“签名校验”）"),
        required=False,
        max_length=SECRET_MAX_LENGTH,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_secret = forms.BooleanField(label=_("清除已保存的签名密钥"), required=False)

    class Meta:
        model = Webhook
        fields: ClassVar = ["kind", "url", "active"]
        labels: ClassVar = {"kind": _("类型"), "url": _("机器人地址"), "active": _("启用")}

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data.get("secret") or ""
        if secret and not all(33 <= ord(c) < 127 for c in secret):
            raise forms.ValidationError(_("签名密钥只能包含字母、数字和符号，不能有空格。"))
        return secret

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        secret = data.get("secret") or ""
        kind = data.get("kind")
        if secret and data.get("clear_secret"):
            self.add_error("secret", _("请填写新的签名密钥或勾选清除，不能同时进行。"))
        elif secret and kind == Webhook.Kind.WECOM:
            self.add_error("secret", _("企业微信群机器人不使用签名密钥，请留空。"))
        elif secret and kind == Webhook.Kind.DINGTALK and not secret.startswith("SEC"):
            self.add_error("secret", _("钉钉的加签密钥以 SEC 开头，请从机器人的安全设置中复制。"))
        return data

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("地址须以 https:// 或 http:// 开头。"))
        try:
            channels.check_webhook_url(url)
        except netguard.AddressRefused as error:
            raise forms.ValidationError(
                _("机器人地址不可用：%(reason)s") % {"reason": error.message(current_lang())}
            ) from None
        return url

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].error_messages["invalid"] = _("请输入有效的网址。")
        self.secret_set = bool(self.instance.pk is not None and self.instance.secret)
        if not self.secret_set:
            del self.fields["clear_secret"]
        self.fields["secret"].help_text = (
            _("已设置。留空则保持不变，填写则替换。")
            if self.secret_set
            else _("未设置。机器人未开启签名时留空。")
        )

    def values(self) -> dict[str, Any]:
        """What the action writes: ``secret`` only when it is replaced or cleared."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.cleaned_data.get("secret"):
            values["secret"] = self.cleaned_data["secret"]
        elif self.cleaned_data.get("clear_secret"):
            values["secret"] = ""
        return values
