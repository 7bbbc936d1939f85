"""Which telecom license types the platform needs, and why.

B25 (information services, the ICP license) always, for a trading platform as
the article describes it; B21 (online data processing and transaction
processing, EDI) as well when third-party merchants trade on the platform.
Neither covers financial services (installments, lending, payments): the
reasons say so when the profile lists them.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icpdesk.core.rules.packs import RulePack
    from icpdesk.core.rules.profile import Profile

    Advice = tuple[tuple[str, str], ...]

__all__ = ["license_advice", "service_label"]

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


@functools.cache
def _texts(pack: RulePack, lang: str) -> tuple[str, str, str, str, tuple[str, ...]]:
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
        finance = (
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
        finance = "注意：B25 与 B21 均不涵盖{services}，这些金融服务须取得金融监管部门的许可。"
    keywords: tuple[str, ...] = DEFAULT_FINANCE_KEYWORDS
    for rule in pack.rules:
        if rule.id == "site.out_of_scope_services":
            keywords = tuple(str(k) for k in rule.params.get("finance_keywords", keywords))
    return b25_reason, b21_reason, b21_maybe, finance, tuple(k.casefold() for k in keywords)


# The advice depends on two answers of the profile only; kept by them (bounded).
_ADVICE: dict[tuple[RulePack, str, bool | None, tuple[str, ...] | None], Advice] = {}


def clear_advice() -> None:
    """Forget the remembered advice (see ``engine.clear_memos``)."""
    _ADVICE.clear()


def license_advice(profile: Profile, pack: RulePack, lang: str = "zh-hans") -> Advice:
    """``((code, reason), ...)``: B25, and B21 when third parties trade."""
    website = profile.website
    key = (
        pack,
        "en" if lang == "en" else "zh",
        None if website is None else website.third_party_merchants,
        None if website is None else website.services,
    )
    advice = _ADVICE.get(key)
    if advice is None:
        if len(_ADVICE) >= 4096:
            _ADVICE.clear()
        advice = _ADVICE[key] = _advice(*key)
    return advice


def _advice(pack: RulePack, lang: str, third_party: bool | None, services: tuple[str, ...] | None) -> Advice:
    b25_reason, b21_reason, b21_maybe, finance_note, keywords = _texts(pack, lang)
    lang = "en" if lang == "en" else "zh-hans"
    note = ""
    if services:
        finance = [s for s in services if any(k in s.casefold() for k in keywords)]
        if finance:
            labels = [service_label(s, lang) for s in finance]
            note = finance_note.format(services=(", " if lang == "en" else "、").join(labels))
    if third_party:
        return (("B25", b25_reason + note), ("B21", b21_reason + note))
    if third_party is None:
        return (("B25", b25_reason + b21_maybe + note),)
    return (("B25", b25_reason + note),)
