"""Every text a rule can say, in one catalogue: message key → (Chinese, English).

A rule returns a message key and its parameters; :func:`render` fills the
template of the wanted language. To change what a rule says, change its line
here (the key names the rule and the case: ``entity.age.fail``). Chinese is the
source text; the English is its translation.

A parameter is a plain value (shown as it is), a :class:`Text` (words in both
languages), a :class:`Message` (another entry of the catalogue, rendered in the
same language), or a tuple of those: :class:`Items` are joined as a list
(、 / ", "), :class:`Findings` as separate findings (； / "; ").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = ["CATALOGUE", "Findings", "Items", "Message", "Text", "render"]


class Text(NamedTuple):
    """Words in both languages, as a parameter."""

    zh: str
    en: str


class Message(NamedTuple):
    """An entry of the catalogue with its parameters, as a parameter of another."""

    key: str
    params: Mapping[str, Any] = {}


class Items(tuple[Any, ...]):
    """A list within a sentence: 下单支付、物流跟踪 / order and payment, logistics tracking."""

    __slots__ = ()


class Findings(tuple[Any, ...]):
    """Findings side by side: 甲：非专职；乙：无认可的网络安全证书."""

    __slots__ = ()


def render(key: str, params: Mapping[str, Any], lang: str) -> str:
    """The text of ``key`` in ``lang`` (``en``, else Chinese) with ``params`` filled in."""
    template = CATALOGUE[key][1 if lang == "en" else 0]
    if not params:
        return template
    return template.format_map({name: _word(value, lang) for name, value in params.items()})


def _word(value: Any, lang: str) -> str:
    if type(value) is str:
        return value
    en = lang == "en"
    if isinstance(value, Text):
        return value.en if en else value.zh
    if isinstance(value, Message):
        return render(value.key, value.params, lang)
    if isinstance(value, Items):
        return (", " if en else "、").join(_word(v, lang) for v in value)
    if isinstance(value, Findings):
        return ("; " if en else "；").join(_word(v, lang) for v in value)
    return str(value)


CATALOGUE: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- entity.legal_form
    "entity.legal_form.missing": ("未提供法律形式", "the legal form is not given"),
    "entity.legal_form.pass": ("法律形式：{form}", "legal form: {form}"),
    "entity.legal_form.other": (
        "法律形式为“其他”，需人工核实是否为企业法人",
        "the legal form is “other”: check by hand whether it is an enterprise legal person",
    ),
    "entity.legal_form.individual_business": (
        "个体工商户不能申请，申请主体须为企业法人",
        "an individual business cannot apply: the applicant must be an enterprise legal person",
    ),
    "entity.legal_form.partnership": (
        "合伙企业不是企业法人，不能申请",
        "a partnership is not an enterprise legal person and cannot apply",
    ),
    "entity.legal_form.sole_proprietorship": (
        "个人独资企业不是企业法人，不能申请",
        "a sole proprietorship is not an enterprise legal person and cannot apply",
    ),
    "entity.legal_form.branch": (
        "分公司不是独立法人，应由总公司申请",
        "a branch is not a legal person of its own: the head company must apply",
    ),
    "entity.legal_form.refused": ("法律形式“{form}”不能申请", "the legal form “{form}” cannot apply"),
    "entity.legal_form.unknown_form": (
        "未知的法律形式“{form}”（应为 {known} 之一）",
        "unknown legal form “{form}” (expected one of {known})",
    ),
    "entity.legal_form.uscc_contradicts": (
        "统一社会信用代码以“{prefix}”开头，登记为{kind}，与填报的法律形式“{form}”不符",
        "the credit code begins with “{prefix}”, registered as {kind}, which contradicts the legal form "
        "given (“{form}”)",
    ),
    "entity.legal_form.uscc_not_enterprise": (
        "统一社会信用代码以“{prefix}”开头，登记为{kind}，不是企业法人，不能申请",
        "the credit code begins with “{prefix}”: registered as {kind}, not an enterprise legal person, "
        "which cannot apply",
    ),
    # ---------------------------------------------------------------- entity.province
    "entity.province.missing": ("未提供注册省份", "the province of registration is not given"),
    "entity.province.elsewhere": (
        "注册地为“{given}”，不在{province}",
        "registered in “{given}”, not in {province}",
    ),
    "entity.province.city": ("城市“{city}”不属于{province}", "the city “{city}” is not in {province}"),
    "entity.province.pass": ("注册地：{province}{city}", "registered in {province}{city}"),
    # ---------------------------------------------------------------- entity.age
    "entity.age.missing": ("未提供注册日期", "the registration date is not given"),
    "entity.age.pass": (
        "注册于 {registered}，已满 {years} 年",
        "registered on {registered}, at least {years} year(s) ago",
    ),
    "entity.age.fail": (
        "注册于 {registered}，至 {ready} 才满 {years} 年",
        "registered on {registered}: {years} year(s) only on {ready}",
    ),
    "entity.age.future": (
        "注册日期 {registered} 晚于评估日期 {on}，请核对营业执照",
        "the registration date {registered} is after the assessment date {on}: check the business license",
    ),
    # ---------------------------------------------------------------- entity.business_scope
    "entity.business_scope.missing": ("未提供经营范围", "the business scope is not given"),
    "entity.business_scope.pass": ("经营范围包含“{keyword}”", "the business scope names “{keyword}”"),
    "entity.business_scope.fail": (
        "经营范围未包含“互联网信息服务”或在线交易平台服务",
        "the business scope names neither internet information services nor online trading platform services",
    ),
    "entity.business_scope.excluded": (
        "经营范围提到“{keyword}”只是为了排除它：“{item}”",
        "the business scope names “{keyword}” only to exclude it: “{item}”",
    ),
    # ---------------------------------------------------------------- entity.uscc
    "entity.uscc.missing": ("未提供统一社会信用代码", "the unified social credit code is not given"),
    "entity.uscc.invalid": ("{reason}", "{reason}"),
    "entity.uscc.pass": ("统一社会信用代码 {code} 校验通过", "unified social credit code {code} is valid"),
    # ---------------------------------------------------------------- entity.credit_standing
    "entity.credit_standing.pass": (
        "未列入经营异常名录或严重违法失信名单",
        "on neither the abnormal-operations nor the serious-violation list",
    ),
    "entity.credit_standing.listed": ("{lists}", "{lists}"),
    "entity.credit_standing.not_said": ("{lists}", "{lists}"),
    "entity.credit_standing.abnormal": ("已列入经营异常名录", "on the abnormal-operations list"),
    "entity.credit_standing.serious": ("已列入严重违法失信名单", "on the serious-violation list"),
    "entity.credit_standing.abnormal_unknown": (
        "未说明是否列入经营异常名录",
        "not said whether on the abnormal-operations list",
    ),
    "entity.credit_standing.serious_unknown": (
        "未说明是否列入严重违法失信名单",
        "not said whether on the serious-violation list",
    ),
    # ---------------------------------------------------------------- site.domain
    "site.domain.missing": ("未提供网站域名", "the domain is not given"),
    "site.domain.invalid": ("{reason}", "{reason}"),
    "site.domain.platform": (
        "域名 {domain} 位于平台后缀“{suffix}”之下，是托管或云服务平台分配的名称，不是企业自己的独立域名",
        "the domain {domain} is under the platform suffix “{suffix}”: a name given out by a hosting or "
        "cloud platform, not the enterprise's own domain",
    ),
    "site.domain.holder_missing": (
        "未提供域名 {domain} 的持有人",
        "the holder of the domain {domain} is not given",
    ),
    "site.domain.holder": (
        "域名 {domain} 的持有人“{holder}”不是本企业“{name}”",
        "the domain {domain} is held by “{holder}”, not by “{name}”",
    ),
    "site.domain.pass": (
        "独立域名 {domain}，持有人为本企业",
        "independent domain {domain}, held by the enterprise",
    ),
    # ---------------------------------------------------------------- site.domain_filing
    "site.domain_filing.missing": ("未提供ICP备案号", "the ICP filing number is not given"),
    "site.domain_filing.invalid": ("{reason}", "{reason}"),
    "site.domain_filing.pack_province": (
        "备案号 {number} 属于“{filed}”，不是{province}（{abbreviation}）的备案",
        "the filing {number} is from “{filed}”, not from {province} ({abbreviation})",
    ),
    "site.domain_filing.enterprise_province": (
        "备案号 {number} 属于“{filed}”，与企业注册地“{province}”不符（网站在主体注册地备案）",
        "the filing {number} is from “{filed}”, not from the enterprise's province “{province}” (a site "
        "is filed where the enterprise is registered)",
    ),
    "site.domain_filing.province_unknown": (
        "未提供可识别的企业注册省份，无法核对备案号 {number} 的省份",
        "the enterprise's province is not given or not recognised: the province of the filing {number} "
        "cannot be checked",
    ),
    "site.domain_filing.pass": ("ICP备案号 {number}", "ICP filing {number}"),
    # ---------------------------------------------------------------- site.server_location
    "site.server_location.missing": ("未提供服务器所在地区", "the server regions are not given"),
    "site.server_location.region": ("{name}（{code}）", "{name} ({code})"),
    "site.server_location.outside": (
        "服务器位于{regions}，不在中国大陆境内（港澳台及境外不计）",
        "servers in {regions}: not mainland China (Hong Kong, Macao, Taiwan and abroad do not count)",
    ),
    "site.server_location.invalid": (
        "无法识别的地区代码：{codes}（应为 ISO 3166-2 代码，如 CN-GS）",
        "unrecognised region code(s): {codes} (expected ISO 3166-2, e.g. CN-GS)",
    ),
    "site.server_location.pass": ("服务器位于中国大陆境内：{codes}", "servers in mainland China: {codes}"),
    # ---------------------------------------------------------------- site.trading_modules
    "site.trading_modules.missing": ("未提供网站功能模块", "the site's modules are not given"),
    "site.trading_modules.pass": ("具备全部 {count} 个交易功能模块", "all {count} trading modules are live"),
    "site.trading_modules.fail": ("缺少功能模块：{modules}", "missing modules: {modules}"),
    # ---------------------------------------------------------------- site.content
    "site.content.missing": ("未说明网站内容是否合规", "not said whether the content is compliant"),
    "site.content.pass": ("网站内容合规", "no prohibited content"),
    "site.content.fail": (
        "网站含有色情、暴力、赌博等违法违规内容",
        "the site carries prohibited content (pornography, violence, gambling or other unlawful content)",
    ),
    # ---------------------------------------------------------------- site.out_of_scope_services
    "site.out_of_scope_services.missing": ("未说明网站提供的服务", "the site's services are not given"),
    "site.out_of_scope_services.pass": ("未提供金融服务", "no financial services"),
    "site.out_of_scope_services.authorised": (
        "金融服务（{services}）已取得金融监管部门许可；ICP许可证不涵盖这些服务",
        "the financial services ({services}) are authorised by the financial regulator; the ICP license "
        "does not cover them",
    ),
    "site.out_of_scope_services.fail": (
        "提供未经许可的金融服务：{services}（ICP许可证不涵盖，属超范围经营）",
        "unauthorised financial services: {services} (not covered by the ICP license: out of scope)",
    ),
    # ---------------------------------------------------------------- staff.security_manager
    "staff.security_manager.missing": ("未提供网络安全管理人员信息", "no security staff given"),
    "staff.security_manager.nobody": ("未配备网络安全管理人员", "no network-security manager"),
    "staff.security_manager.pass": (
        "{name}：专职、专业与证书符合要求，已在{province}缴纳社保",
        "{name}: full-time, qualified, certified and insured{province}",
    ),
    "staff.security_manager.fail": ("{findings}", "{findings}"),
    "staff.security_manager.unknown": ("{findings}", "{findings}"),
    "staff.security_manager.person": ("{name}：{problems}", "{name}: {problems}"),
    "staff.security_manager.nth": ("第{n}人", "person {n}"),
    "staff.security_manager.part_time": ("非专职（兼职）", "not full-time"),
    "staff.security_manager.full_time_unknown": ("未说明是否专职", "full-time not stated"),
    "staff.security_manager.major_unknown": ("未提供专业", "major not given"),
    "staff.security_manager.major": (
        "专业“{major}”不属于计算机或网络安全相关专业",
        "the major “{major}” is not computing or cyber security",
    ),
    "staff.security_manager.certificates_unknown": ("未提供证书", "certificates not given"),
    "staff.security_manager.no_certificate": ("无认可的网络安全证书", "no recognised security certificate"),
    "staff.security_manager.insured_province_unknown": (
        "未提供社保缴纳地",
        "province of social insurance not given",
    ),
    "staff.security_manager.insured_elsewhere": (
        "社保缴纳地为“{given}”，不在{province}",
        "social insurance paid in “{given}”, not in {province}",
    ),
    "staff.security_manager.months_unknown": ("未提供社保缴纳月数", "months of social insurance not given"),
    "staff.security_manager.months_short": (
        "社保缴纳不足 {months} 个月",
        "less than {months} month(s) of social insurance",
    ),
    "staff.security_manager.id_number": ("{reason}", "{reason}"),
    # ---------------------------------------------------------------- capital.registered
    "capital.registered.missing": ("未提供注册资本", "the registered capital is not given"),
    "capital.registered.pass": ("注册资本 {capital} 元", "registered capital {capital} CNY"),
    "capital.registered.fail": (
        "注册资本 {capital} 元，低于 {minimum} 元",
        "registered capital {capital} CNY, less than {minimum} CNY",
    ),
    # ---------------------------------------------------------------- capital.proof
    "capital.proof.missing": ("未提供资金证明信息", "no capital proof given"),
    "capital.proof.report": ("有验资报告", "capital verification report available"),
    "capital.proof.statements": ("有 {months} 个月基本户流水", "{months} months of basic-account statements"),
    "capital.proof.unknown": (
        "未说明是否有验资报告或 {needed} 个月银行流水",
        "not said whether there is a verification report or {needed} months of statements",
    ),
    "capital.proof.fail": (
        "无验资报告，基本户流水仅 {months} 个月（需 {needed} 个月）",
        "no verification report and only {months} month(s) of statements ({needed} needed)",
    ),
    # ---------------------------------------------------------------- compliance.history
    "compliance.history.missing": ("未提供违规记录", "the violation history is not given"),
    "compliance.history.clean": ("近 {years} 年无违规", "no violation in the last {years} years"),
    "compliance.history.clean_since": (
        "近 {years} 年无违规（最近一次为 {latest}）",
        "no violation in the last {years} years (the latest on {latest})",
    ),
    "compliance.history.fail": (
        "{since} 以来有违规：{violations}",
        "violation(s) since {since}: {violations}",
    ),
    "compliance.history.future": (
        "违规记录的日期 {date} 晚于评估日期 {on}，请核对记录",
        "a violation is dated {date}, after the assessment date {on}: check the record",
    ),
    # ---------------------------------------------------------------- compliance.ban
    "compliance.ban.missing": (
        "未说明是否有禁止申请记录",
        "not said whether a bar from applying is on record",
    ),
    "compliance.ban.clean": ("不在禁止申请期内", "not barred from applying"),
    "compliance.ban.barred": ("禁止申请至 {until}", "barred from applying until {until}"),
    "compliance.ban.false_materials": (
        "{rejected} 因提供虚假材料被驳回，{free} 前不得再次申请",
        "rejected for false materials on {rejected}: may not apply again before {free}",
    ),
    "compliance.ban.dates_missing": (
        "有禁止申请记录，但未提供禁止期截止日期或因虚假材料被驳回的日期",
        "a bar is on record, but neither its end nor the date of the rejection for false materials is given",
    ),
    "compliance.ban.contradiction": (
        "记录为无禁止申请（barred 为 false），却提供了禁止申请日期：请核对记录",
        "the record says no bar (barred is false), yet gives a date of one: check the record",
    ),
}
