"""Which telecom license types the platform needs, and why.

B25 (information services, the ICP license) always, for a trading platform as
the article describes it; B21 (online data processing and transaction
processing, EDI) as well when third-party merchants trade on the platform.
Neither covers financial services (installments, lending, payments): the
reasons say so when the profile lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icpdesk.core.rules.packs import RulePack

Advice = tuple[tuple[str, str], ...]

__all__ = ["finance_services", "license_advice", "service_label"]

_SERVICE_NAMES = {
    "installment": ("购物分期", "installment purchases"),
    "instalment": ("购物分期", "installment purchases"),
    "lending": ("借贷", "lending"),
    "loan": ("贷款", "loans"),
    "payment": ("支付", "payments"),
    "wallet": ("电子钱包", "e-wallets"),
    "insurance": ("保险", "insurance"),
    "wealth_management": ("理财", "wealth management"),
    "crowdfunding": ("众筹", "crowdfunding"),
}


def service_label(service: str, lang: str = "zh-hans") -> str:
    """A service code in words (``installment`` → 购物分期), else the code itself."""
    names = _SERVICE_NAMES.get(service.strip().casefold())
    return service if names is None else names[1] if lang == "en" else names[0]


DEFAULT_FINANCE_KEYWORDS = ("installment", "lending", "loan", "payment", "分期", "借贷", "贷款", "支付")


def finance_services(services: Iterable[str], keywords: Iterable[str]) -> list[str]:
    """The services that are financial (installment, lending, payment, ...): those
    naming one of ``keywords``, ignoring case."""
    folded = tuple(k.casefold() for k in keywords)
    return [s for s in services if any(k in s.casefold() for k in folded)]


def _finance_keywords(pack: RulePack) -> tuple[str, ...]:
    for rule in pack.rules:
        if rule.id == "site.out_of_scope_services":
            return tuple(str(k) for k in rule.params.get("finance_keywords", DEFAULT_FINANCE_KEYWORDS))
    return DEFAULT_FINANCE_KEYWORDS


def license_advice(
    pack: RulePack, lang: str, third_party: bool | None, services: tuple[str, ...] | None
) -> Advice:
    """``((code, reason), ...)``: B25, and B21 when third parties trade. It reads
    the two answers of the profile it is given, nothing else."""
    en = lang == "en"
    b25, b21 = pack.license_types["B25"], pack.license_types["B21"]
    authority = pack.authority_en if en else pack.authority_zh
    if en:
        b25_reason = (
            f"{b25.name_en}: the platform provides paid information services to internet users "
            f"(product display, user registration, its own online sales), licensed by {authority}."
        )
        b21_reason = (
            f"{b21.name_en}: third-party merchants trade on the platform, which makes it an online "
            "transaction-processing service for others (a marketplace)."
        )
        b21_maybe = " If third-party merchants will trade on the platform, B21 (EDI) is needed as well."
        finance_note = (
            " Note: neither B25 nor B21 covers {services}; "
            "these need the financial regulator's authorisation."
        )
    else:
        b25_reason = (
            f"{b25.name_zh}：平台通过互联网向用户有偿提供信息服务（商品展示、用户注册、自营在线交易），"
            f"由{authority}许可。"
        )
        b21_reason = f"{b21.name_zh}：有第三方商家在平台上交易，平台为他人提供在线交易处理服务（交易市场）。"
        b21_maybe = "若将有第三方商家入驻交易，还需办理 B21（EDI）。"
        finance_note = "注意：B25 与 B21 均不涵盖{services}，这些金融服务须取得金融监管部门的许可。"
    note = ""
    finance = finance_services(services or (), _finance_keywords(pack))
    if finance:
        labels = [service_label(s, "en" if en else "zh-hans") for s in finance]
        note = finance_note.format(services=(", " if en else "、").join(labels))
    if third_party:
        return (("B25", b25_reason + note), ("B21", b21_reason + note))
    if third_party is None:
        return (("B25", b25_reason + b21_maybe + note),)
    return (("B25", b25_reason + note),)
