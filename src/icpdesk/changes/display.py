"""Change records as pages and the API show them: the action's name and each field's label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icpdesk.changes.models import ChangeRecord

ACTION_LABELS = {
    "enterprise.create": _("新建客户企业"),
    "enterprise.update": _("修改企业资料"),
    "security_staff.create": _("添加安全责任人"),
    "security_staff.update": _("修改安全责任人"),
    "security_staff.delete": _("删除安全责任人"),
    "violation.create": _("添加违规记录"),
    "violation.delete": _("删除违规记录"),
    "mandate.grant": _("授予委托"),
    "mandate.revoke": _("撤销委托"),
    "api_token.create": _("创建 API 令牌"),
    "api_token.revoke": _("撤销 API 令牌"),
    "webhook.create": _("设置群机器人"),
    "webhook.update": _("修改群机器人"),
    "webhook.delete": _("删除群机器人"),
    "channel_preference.update": _("修改通知方式"),
    "calendar.load": _("导入节假日安排"),
    "two_factor.enable": _("启用两步验证"),
    "two_factor.disable": _("停用两步验证"),
    "two_factor.recovery_codes": _("重新生成恢复码"),
    "two_factor.recovery_code_used": _("使用恢复码登录"),
}

# Fields that are not model fields of the object, or are named otherwise on the pages.
EXTRA_LABELS = {
    "agency": _("代办机构"),
    "organisation": _("组织"),
    "mandate": _("委托"),
    "holidays": _("节假日"),
    "workdays": _("调休工作日"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def field_label(record: ChangeRecord, name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    model = record.content_type.model_class() if record.content_type is not None else None
    if model is not None:
        try:
            verbose = model._meta.get_field(name).verbose_name  # type: ignore[union-attr]
        except FieldDoesNotExist:
            return name
        text = str(verbose)
        # A verbose name that is only the field's name (no label given) says nothing more.
        return name if text == name.replace("_", " ") else gettext(text)
    return name


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: Any
    after: Any


def field_changes(record: ChangeRecord) -> list[FieldChange]:
    return [
        FieldChange(name, field_label(record, name), record.before.get(name), record.after.get(name))
        for name in record.fields
    ]


def shown(value: Any) -> str:
    """A recorded value as text: yes/no, lists joined, nothing as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return gettext("是")
    if value is False:
        return gettext("否")
    if isinstance(value, list):
        return "、".join(shown(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{shown(v)}" for k, v in value.items())
    return str(value)
