"""The enterprise profile: everything the eligibility rules read, kept current."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from icpdesk.crypto import EncryptedTextField

LEGAL_FORMS = [
    ("limited_company", "有限责任公司 / Limited company"),
    ("joint_stock_company", "股份有限公司 / Joint stock company"),
    ("individual_business", "个体工商户 / Individual business"),
    ("partnership", "合伙企业 / Partnership"),
    ("sole_proprietorship", "个人独资企业 / Sole proprietorship"),
    ("branch", "分公司 / Branch"),
    ("other", "其他 / Other"),
]

MODULES = [
    ("product_display", "商品展示 / Product display"),
    ("user_registration", "用户注册 / User registration"),
    ("order_payment", "下单支付 / Order and payment"),
    ("order_management", "订单管理 / Order management"),
    ("logistics_tracking", "物流跟踪 / Logistics tracking"),
]

GANSU_PREFECTURES = [
    "兰州市",
    "嘉峪关市",
    "金昌市",
    "白银市",
    "天水市",
    "武威市",
    "张掖市",
    "平凉市",
    "酒泉市",
    "庆阳市",
    "定西市",
    "陇南市",
    "临夏回族自治州",
    "甘南藏族自治州",
]

PROVINCE_CODES = {"甘肃省": "CN-GS", "甘肃": "CN-GS"}


class Enterprise(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="enterprise"
    )
    name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_form = models.CharField("企业类型", max_length=32, choices=LEGAL_FORMS, default="limited_company")
    province = models.CharField("注册省份", max_length=20, default="甘肃省")
    province_code = models.CharField(max_length=8, default="CN-GS", db_index=True)
    city = models.CharField("所在市州", max_length=40, blank=True, db_index=True)
    registered_on = models.DateField("成立日期", null=True, blank=True)
    registered_capital_cny = models.PositiveBigIntegerField("注册资本（元）", null=True, blank=True)
    business_scope = models.TextField("经营范围", blank=True)
    on_abnormal_list = models.BooleanField("列入经营异常名录", null=True, blank=True)
    on_serious_violation_list = models.BooleanField("列入严重违法失信名单", null=True, blank=True)
    legal_rep_name = models.CharField("法定代表人", max_length=60, blank=True)
    legal_rep_id_number = EncryptedTextField("法定代表人身份证号", blank=True, default="")
    contact_phone = EncryptedTextField("联系电话", blank=True, default="")
    address = models.CharField("住所", max_length=300, blank=True)
    # website
    domain = models.CharField("网站域名", max_length=253, blank=True)
    domain_holder = models.CharField("域名持有者", max_length=200, blank=True)
    icp_filing_number = models.CharField("ICP备案号", max_length=40, blank=True)
    server_regions = models.JSONField("服务器所在地区", default=list, blank=True)
    server_address = models.CharField("服务器地址", max_length=300, blank=True)
    modules = models.JSONField("网站功能模块", default=list, blank=True)
    content_compliant = models.BooleanField("内容合规", null=True, blank=True)
    third_party_merchants = models.BooleanField("第三方商家入驻", default=False)
    services = models.JSONField("其他服务", default=list, blank=True)
    # capital proof
    capital_verification_report = models.BooleanField("验资报告", null=True, blank=True)
    bank_statement_months = models.PositiveSmallIntegerField("基本户银行流水（月）", default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["province_code", "city"])]

    def __str__(self) -> str:
        return self.name


class SecurityStaff(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="security_staff")
    name = models.CharField("姓名", max_length=60)
    id_number = EncryptedTextField("身份证号", blank=True, default="")
    id_number_masked = models.CharField(max_length=24, blank=True, default="")
    phone = EncryptedTextField("手机号", blank=True, default="")
    major = models.CharField("专业背景", max_length=100, blank=True)
    certificates = models.JSONField("证书", default=list, blank=True)
    full_time = models.BooleanField("全职", default=True)
    insured_province = models.CharField("社保缴纳省份", max_length=20, blank=True)
    insured_months = models.PositiveSmallIntegerField("社保缴纳月数", default=0)

    def __str__(self) -> str:
        return self.name


class Violation(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="violations")
    date = models.DateField("日期")
    description = models.CharField("说明", max_length=300)


class Ban(models.Model):
    """A credit code barred from applying (forged materials), until a date."""

    uscc = models.CharField(max_length=18, db_index=True)
    until = models.DateField()
    reason = models.TextField()
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    @classmethod
    def barred_until(cls, uscc: str, on: date) -> date | None:
        ban = cls.objects.filter(uscc=uscc, until__gte=on).order_by("-until").first()
        return ban.until if ban else None


class EligibilityAssessment(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    rule_pack = models.CharField(max_length=32)
    rule_pack_version = models.CharField(max_length=32)
    verdict = models.CharField(max_length=16)
    result = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["enterprise", "-created_at"])]

    def checks(self) -> list[dict[str, Any]]:
        checks: list[dict[str, Any]] = self.result.get("checks", [])
        return checks
