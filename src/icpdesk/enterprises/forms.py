"""Forms of the enterprise profile: every identifier goes through the core checks.

A refused value keeps what the user typed and names the reason under its field,
in the page's language (IdentifierError carries both).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from icpdesk.core.identifiers import (
    IdentifierError,
    normalize_domain,
    normalize_icp_filing,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
)
from icpdesk.enterprises.models import MODULES, Enterprise, SecurityStaff, Violation
from icpdesk.lib.language import current_lang

# Province-level divisions by name, with their ISO 3166-2 codes.
PROVINCES: list[tuple[str, str]] = [
    ("北京市", "CN-BJ"),
    ("天津市", "CN-TJ"),
    ("河北省", "CN-HE"),
    ("山西省", "CN-SX"),
    ("内蒙古自治区", "CN-NM"),
    ("辽宁省", "CN-LN"),
    ("吉林省", "CN-JL"),
    ("黑龙江省", "CN-HL"),
    ("上海市", "CN-SH"),
    ("江苏省", "CN-JS"),
    ("浙江省", "CN-ZJ"),
    ("安徽省", "CN-AH"),
    ("福建省", "CN-FJ"),
    ("江西省", "CN-JX"),
    ("山东省", "CN-SD"),
    ("河南省", "CN-HA"),
    ("湖北省", "CN-HB"),
    ("湖南省", "CN-HN"),
    ("广东省", "CN-GD"),
    ("广西壮族自治区", "CN-GX"),
    ("海南省", "CN-HI"),
    ("重庆市", "CN-CQ"),
    ("四川省", "CN-SC"),
    ("贵州省", "CN-GZ"),
    ("云南省", "CN-YN"),
    ("西藏自治区", "CN-XZ"),
    ("陕西省", "CN-SN"),
    ("甘肃省", "CN-GS"),
    ("青海省", "CN-QH"),
    ("宁夏回族自治区", "CN-NX"),
    ("新疆维吾尔自治区", "CN-XJ"),
]
PROVINCE_CODE_BY_NAME = dict(PROVINCES)

# Server locations: every mainland province, then Hong Kong, Macao, Taiwan and
# the countries hosting is most often bought in (they do not count as mainland).
SERVER_REGIONS: list[tuple[str, str]] = [
    *((code, f"{name}（{code}）") for name, code in PROVINCES),
    ("CN-HK", "香港（CN-HK）"),
    ("CN-MO", "澳门（CN-MO）"),
    ("CN-TW", "台湾（CN-TW）"),
    ("US", "美国（US）"),
    ("SG", "新加坡（SG）"),
    ("JP", "日本（JP）"),
    ("KR", "韩国（KR）"),
    ("DE", "德国（DE）"),
    ("GB", "英国（GB）"),
    ("RU", "俄罗斯（RU）"),
    ("KZ", "哈萨克斯坦（KZ）"),
]


def _identifier(value: str, check: Any) -> Any:
    """Run a core check, turning its error into a form error with the reason in the page language."""
    try:
        return check(value)
    except IdentifierError as exc:
        raise forms.ValidationError(exc.message(current_lang()), code=exc.code) from None


def _split(text: str) -> list[str]:
    parts = text.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


class TriStateSelect(forms.NullBooleanSelect):
    """Unknown / yes / no: "unknown" is a real answer for the rules (they say what is missing)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("未知")), ("true", _("是")), ("false", _("否"))]


class TriState(forms.NullBooleanField):
    widget = TriStateSelect


class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
    province = forms.ChoiceField(label=_("注册省份"), choices=[(n, n) for n, _c in PROVINCES])
    server_regions = forms.MultipleChoiceField(
        label=_("服务器所在地区"),
        choices=SERVER_REGIONS,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("ISO 3166-2 代码；港澳台及境外不计为中国大陆境内"),
    )
    modules = forms.MultipleChoiceField(
        label=_("网站功能模块"), choices=MODULES, required=False, widget=forms.CheckboxSelectMultiple
    )
    services_text = forms.CharField(
        label=_("其他服务"),
        required=False,
        help_text=_("以逗号分隔，如：购物分期、小额贷款"),
    )
    on_abnormal_list = TriState(label=_("列入经营异常名录"), required=False)
    on_serious_violation_list = TriState(label=_("列入严重违法失信名单"), required=False)
    content_compliant = TriState(label=_("内容合规"), required=False)
    capital_verification_report = TriState(label=_("验资报告"), required=False)

    class Meta:
        model = Enterprise
        fields: ClassVar = [
            "name",
            "uscc",
            "legal_form",
            "province",
            "city",
            "registered_on",
            "registered_capital_cny",
            "business_scope",
            "on_abnormal_list",
            "on_serious_violation_list",
            "legal_rep_name",
            "legal_rep_id_number",
            "contact_phone",
            "address",
            "domain",
            "domain_holder",
            "icp_filing_number",
            "server_regions",
            "server_address",
            "modules",
            "content_compliant",
            "third_party_merchants",
            "capital_verification_report",
            "bank_statement_months",
        ]
        widgets: ClassVar = {
            "registered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "legal_rep_id_number": forms.TextInput(),
            "contact_phone": forms.TextInput(),
        }
        error_messages: ClassVar = {
            "uscc": {"unique": _("已有企业使用此统一社会信用代码")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["services_text"] = "、".join(self.instance.services or [])

    def clean_uscc(self) -> str:
        code: str = _identifier(self.cleaned_data.get("uscc", ""), normalize_uscc)
        return code

    def clean_legal_rep_id_number(self) -> str:
        value = self.cleaned_data.get("legal_rep_id_number", "")
        return _identifier(value, normalize_id_number) if value else ""

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone", "")
        return _identifier(value, normalize_mobile) if value else ""

    def clean_domain(self) -> str:
        value = self.cleaned_data.get("domain", "")
        if not value:
            return ""
        registrable: str = _identifier(value, normalize_domain).registrable
        return registrable

    def clean_icp_filing_number(self) -> str:
        value = self.cleaned_data.get("icp_filing_number", "")
        if not value:
            return ""
        number: str = _identifier(value, normalize_icp_filing).number
        return number

    def clean_services_text(self) -> list[str]:
        return _split(self.cleaned_data.get("services_text", ""))

    def values(self) -> dict[str, Any]:
        """The profile's model fields as typed and checked, with what follows from them; for the actions."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        values["province_code"] = PROVINCE_CODE_BY_NAME.get(
            values.get("province", ""), self.instance.province_code
        )
        values["services"] = self.cleaned_data.get("services_text", [])
        return values


def _tri(value: bool | None) -> str:
    return "unknown" if value is None else "true" if value else "false"


TRI_STATE_FIELDS = (
    "on_abnormal_list",
    "on_serious_violation_list",
    "content_compliant",
    "capital_verification_report",
)


def profile_form_data(values: dict[str, Any]) -> dict[str, Any]:
    """Profile values (model fields, as the API takes them) in the shape the profile form is posted in.

    The API validates a change with the same form as the page: the current
    profile with the changed fields on top, checked by the same rules.
    """
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name in TRI_STATE_FIELDS:
            data[name] = _tri(value)
        elif name == "third_party_merchants":
            if value:
                data[name] = "on"
        elif name == "services":
            data["services_text"] = "、".join(value or [])
        elif name in ("server_regions", "modules"):
            data[name] = list(value or [])
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = value
    return data


class NewEnterpriseForm(EnterpriseForm):
    """An agency's new client: the same profile, refused when the credit code is already known."""

    def clean_uscc(self) -> str:
        code = super().clean_uscc()
        if Enterprise.objects.filter(uscc=code).exists():
            raise forms.ValidationError(
                _("统一社会信用代码 %(code)s 已登记为企业：请联系该企业的负责人授予委托，而不是重复创建")
                % {"code": code},
                code="duplicate",
            )
        return code


def _certificates(text: str) -> list[str]:
    return _split(text)


class SecurityStaffForm(forms.ModelForm):  # type: ignore[type-arg]
    certificates_text = forms.CharField(
        label=_("证书"), required=False, help_text=_("以逗号分隔，如：CISSP、CCNA、CISP")
    )

    class Meta:
        model = SecurityStaff
        fields: ClassVar = [
            "name",
            "id_number",
            "phone",
            "major",
            "full_time",
            "insured_province",
            "insured_months",
        ]
        widgets: ClassVar = {"id_number": forms.TextInput(), "phone": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["certificates_text"] = "、".join(self.instance.certificates or [])

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "")
        return _identifier(value, normalize_id_number) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        return _identifier(value, normalize_mobile) if value else ""

    def clean_certificates_text(self) -> list[str]:
        return _certificates(self.cleaned_data.get("certificates_text", ""))

    def values(self) -> dict[str, Any]:
        """The staff member's model fields as typed and checked; for the actions."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        values["certificates"] = self.cleaned_data.get("certificates_text", [])
        return values


class ViolationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Violation
        fields: ClassVar = ["date", "description"]
        widgets: ClassVar = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


__all__ = [
    "SERVER_REGIONS",
    "TRI_STATE_FIELDS",
    "EnterpriseForm",
    "NewEnterpriseForm",
    "SecurityStaffForm",
    "ViolationForm",
    "profile_form_data",
]
