"""The forms of the case pages: one per transition, the new case, comments and the queue filters.

The forms only parse what was typed; the domain checks (what a supplement
notice or a rejection must say) are the actions', so the pages and the API
give the same answers. An :class:`ActionError` naming a field is put back on
the form next to that field (:meth:`ActionForm.add_action_error`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import User
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import INSPECTION_AREAS, STATE_LABELS
from icpdesk.enterprises.models import GANSU_PREFECTURES, Enterprise
from icpdesk.lib.errors import ActionError
from icpdesk.lib.language import is_english

LICENSE_TYPES = [("B25", _("B25 信息服务业务（ICP）")), ("B21", _("B21 在线数据处理与交易处理业务（EDI）"))]
KINDS = [("new", _("新申请")), ("renewal", _("续期"))]
PASSED_CHOICES = [("yes", _("通过")), ("no", _("未通过"))]
MIN_RETURN_ROWS = 3
BLANK_RETURN_ROWS = 2


def state_choices() -> list[tuple[str, str]]:
    en = is_english()
    return [(s.value, en_label if en else zh) for s, (zh, en_label) in STATE_LABELS.items()]


class PersonChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class EnterpriseChoiceField(forms.ModelChoiceField[Enterprise]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.uscc}）"


class ActionForm(forms.Form):
    """A transition's form: the hidden version of the case the user saw, and the action's fields."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # ActionError.field -> form field
    field_map: ClassVar[dict[str, str]] = {}

    def __init__(self, data: Any = None, *, application: Application, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": application.version})
        super().__init__(data, **kwargs)
        self.application = application
        self.user = user

    def form_field_for(self, error_field: str | None) -> str | None:
        if not error_field:
            return None
        if error_field in self.field_map:
            return self.field_map[error_field]
        return error_field if error_field in self.fields else None

    def add_action_error(self, error: ActionError) -> None:
        message = error.message(get_language() or "zh-hans")
        self.add_error(self.form_field_for(error.field), message)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of the action, from the cleaned data."""
        return {}


class FileForm(ActionForm):
    pass


class AcceptForm(ActionForm):
    pass


class LapseForm(ActionForm):
    pass


class IssueCertificateForm(ActionForm):
    pass


class AnswerForm(ActionForm):
    answer = forms.CharField(
        label=_("补正说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def arguments(self) -> dict[str, Any]:
        return {"answer": self.cleaned_data["answer"]}


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label=_("撤回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def arguments(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class ApproveForm(ActionForm):
    reasons = forms.CharField(
        label=_("批准意见（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def arguments(self) -> dict[str, Any]:
        return {"reasons": self.cleaned_data["reasons"]}


class RejectForm(ActionForm):
    reasons = forms.CharField(
        label=_("不予许可理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    forged = forms.BooleanField(label=_("提供虚假材料（禁止再次申请）"), required=False)

    def arguments(self) -> dict[str, Any]:
        return {"reasons": self.cleaned_data["reasons"], "forged": self.cleaned_data["forged"]}


class ReturnForm(ActionForm):
    """The supplement notice: every item to fix with its reason, all listed at once."""

    field_map: ClassVar[dict[str, str]] = {"items": "item_0"}

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        filled = 0
        if data is not None:
            for key in data:
                if key.startswith(("item_", "reason_")) and key.partition("_")[2].isdigit():
                    index = int(key.partition("_")[2])
                    if data.get(key, "").strip():
                        filled = max(filled, index + 1)
        rows = max(MIN_RETURN_ROWS, filled + BLANK_RETURN_ROWS)
        for i in range(rows):
            self.fields[f"item_{i}"] = forms.CharField(
                label=_("补正事项 %(n)d") % {"n": i + 1}, required=False, max_length=500
            )
            self.fields[f"reason_{i}"] = forms.CharField(
                label=_("原因 %(n)d") % {"n": i + 1}, required=False, max_length=2000
            )
        self.row_count = rows

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"item_{i}"], self[f"reason_{i}"]) for i in range(self.row_count)]

    def form_field_for(self, error_field: str | None) -> str | None:
        if error_field and error_field.startswith("items[") and error_field.endswith("]"):
            index = error_field[6:-1]
            if index.isdigit() and f"item_{index}" in self.fields:
                return f"item_{index}"
        return super().form_field_for(error_field)

    def arguments(self) -> dict[str, Any]:
        items = [
            {
                "item": self.cleaned_data.get(f"item_{i}", ""),
                "reason": self.cleaned_data.get(f"reason_{i}", ""),
            }
            for i in range(self.row_count)
        ]
        return {"items": items}


class ScheduleInspectionForm(ActionForm):
    date = forms.DateField(label=_("核查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = PersonChoiceField(
        label=_("核查员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["inspectors"]
        assert isinstance(field, PersonChoiceField)
        field.queryset = self.inspector_choices()

    def inspector_choices(self) -> QuerySet[User]:
        """The inspectors of the user's own administration (the one that administers the case)."""
        organisation = self.user.organisation
        if organisation is None or organisation.kind != OrgKind.REGULATOR:
            return User.objects.none()
        people = User.objects.filter(organisation=organisation, is_active=True).select_related("organisation")
        ids = [u.pk for u in people if Role.INSPECTOR in u.valid_roles()]
        return User.objects.filter(pk__in=ids).order_by("username")

    def arguments(self) -> dict[str, Any]:
        return {"on": self.cleaned_data["date"], "inspectors": list(self.cleaned_data["inspectors"])}


class RecordInspectionForm(ActionForm):
    """The four areas of the on-site inspection, each passed or failed, with remarks."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        en = is_english()
        self.areas = []
        for area, label_zh, label_en in INSPECTION_AREAS:
            label = label_en if en else label_zh
            self.fields[f"{area}_passed"] = forms.ChoiceField(
                label=label, choices=PASSED_CHOICES, required=False, widget=forms.RadioSelect
            )
            self.fields[f"{area}_remarks"] = forms.CharField(
                label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.areas.append(area)

    def area_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{a}_passed"], self[f"{a}_remarks"]) for a in self.areas]

    def form_field_for(self, error_field: str | None) -> str | None:
        if error_field and error_field.startswith("record."):
            parts = error_field.split(".")
            if len(parts) == 2:
                return f"{parts[1]}_passed"
            if len(parts) == 3:
                return f"{parts[1]}_{parts[2]}"
        return super().form_field_for(error_field)

    def arguments(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for area in self.areas:
            value = self.cleaned_data.get(f"{area}_passed")
            passed = True if value == "yes" else False if value == "no" else None
            record[area] = {"passed": passed, "remarks": self.cleaned_data.get(f"{area}_remarks", "")}
        return {"record": record}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "file": FileForm,
    "accept": AcceptForm,
    "return": ReturnForm,
    "answer": AnswerForm,
    "lapse": LapseForm,
    "schedule_inspection": ScheduleInspectionForm,
    "record_inspection": RecordInspectionForm,
    "approve": ApproveForm,
    "reject": RejectForm,
    "issue_certificate": IssueCertificateForm,
    "withdraw": WithdrawForm,
}


class CommentForm(forms.Form):
    body = forms.CharField(label=_("留言"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def add_action_error(self, error: ActionError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message(get_language() or "zh-hans"))


class NewCaseForm(forms.Form):
    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    license_type = forms.ChoiceField(label=_("许可类型"), choices=LICENSE_TYPES, initial="B25")
    kind = forms.ChoiceField(label=_("申请类别"), choices=KINDS, initial="new")

    def __init__(self, data: Any = None, *, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = enterprises.order_by("name")

    def add_action_error(self, error: ActionError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message(get_language() or "zh-hans"))


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False)
    client = forms.CharField(label=_("客户企业"), required=False, max_length=200)
    prefecture = forms.ChoiceField(label=_("市州"), required=False)
    due_from = forms.DateField(
        label=_("期限不早于"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_before = forms.DateField(
        label=_("期限早于"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_from = forms.DateField(
        label=_("申报日不早于"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_before = forms.DateField(
        label=_("申报日早于"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    approved_from = forms.DateField(
        label=_("批准日不早于"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    approved_before = forms.DateField(
        label=_("批准日早于"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("仅显示已逾期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [("", _("全部")), *state_choices()]
        prefecture = self.fields["prefecture"]
        assert isinstance(prefecture, forms.ChoiceField)
        prefecture.choices = [("", _("全部"))] + [(p, p) for p in GANSU_PREFECTURES]
