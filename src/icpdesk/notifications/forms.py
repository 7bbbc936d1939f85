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


class WebhookForm(forms.ModelForm[Webhook]):
    class Meta:
        model = Webhook
        fields: ClassVar = ["kind", "url", "active"]
        labels: ClassVar = {"kind": _("类型"), "url": _("机器人地址"), "active": _("启用")}

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

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
