"""What an inspector looks for on a licensed website, as pure rules over what was fetched.

The fetching (``icpdesk.monitoring.fetch``) turns a site into :class:`SiteEvidence`:
the pages read (their text in blocks, their links, whether they take logins
or payments), how HTTPS went, the privacy links tried and the server
addresses with their countries. :func:`analyse` turns that evidence and what
the desk expects (the license and filing numbers, the states it knows) into
:class:`Finding` values. No Django, no network: the same rules serve the CLI,
the task workers and the tests.

The finding codes and message codes are a public contract (the API, the CLI's
JSON and the stored findings carry them); add new ones, never rename.

Word lists
----------
* Financial services without authorisation: the seed article's first failure
  (购物分期 offered by a trading platform) and the business types that need a
  financial licence under 《关于促进互联网金融健康发展的指导意见》（银发〔2015〕221号）:
  online lending, crowdfunding, fund and wealth-management sales; cash loans
  under 《关于规范整顿“现金贷”业务的通知》（整治办函〔2017〕141号）.
* Prohibited content: the categories of 《互联网信息服务管理办法》（国务院令第292号）
  第十五条第（六）项 (淫秽、色情、赌博、暴力、凶杀、恐怖) and
  《网络信息内容生态治理规定》第六条, reduced to phrases that offer such content.
  The list is deliberately conservative: a word that news reports or site
  rules use as often as offers (赌博, 色情 alone) is not on it.
* A sentence that warns against, denies or forbids (严禁、不提供、谨防诈骗 and the
  like, :data:`DISCLAIMER_MARKERS`) is a disclaimer, and its terms do not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from icpdesk.core.identifiers import (
    PROVINCE_ABBREVIATIONS,
    IdentifierError,
    normalize_icp_filing,
    normalize_license_number,
)

__all__ = [
    "CODES",
    "MESSAGES",
    "Expectations",
    "Finding",
    "IdentifierError",
    "Link",
    "Page",
    "Severity",
    "SiteEvidence",
    "analyse",
    "finance_offers",
    "find_filing_numbers",
    "find_license_numbers",
    "is_disclaimer",
    "normalize_text",
    "prohibited_offers",
]


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# code -> (severity, title in Chinese, title in English)
CODES: Mapping[str, tuple[Severity, str, str]] = {
    "unreachable": (Severity.HIGH, "网站无法访问", "The site cannot be reached"),
    "no_https": (Severity.MEDIUM, "未正确使用 HTTPS", "HTTPS missing or broken"),
    "license_not_displayed": (Severity.HIGH, "首页未展示许可证编号", "License number not on the home page"),
    "license_mismatch": (Severity.HIGH, "首页展示的许可证编号不符", "Wrong license number on the home page"),
    "filing_not_displayed": (
        Severity.MEDIUM,
        "首页未展示 ICP 备案号",
        "ICP filing number not on the home page",
    ),
    "filing_mismatch": (
        Severity.MEDIUM,
        "首页展示的 ICP 备案号不符",
        "Wrong ICP filing number on the home page",
    ),
    "privacy_policy_missing": (
        Severity.MEDIUM,
        "缺少隐私政策或用户协议",
        "No privacy policy or user agreement",
    ),
    "out_of_scope_finance": (Severity.HIGH, "超范围提供金融服务", "Financial services beyond the license"),
    "prohibited_content": (Severity.HIGH, "疑似违法违规内容", "Possibly prohibited content"),
    "server_outside_mainland": (
        Severity.HIGH,
        "服务器不在中国大陆境内",
        "Server outside mainland China",
    ),
    "trading_modules_missing": (
        Severity.MEDIUM,
        "未发现交易功能模块",
        "No trading functions found",
    ),
}

# message code -> (Chinese, English), formatted with the finding's params.
MESSAGES: Mapping[str, tuple[str, str]] = {
    "unreachable.connect": ("无法连接网站：{reason}", "The site does not answer: {reason}"),
    "unreachable.status": (
        "网站首页返回错误状态 {status}",
        "The home page answers with the error status {status}",
    ),
    "unreachable.redirects": ("网站首页重定向次数过多", "The home page redirects too many times"),
    "unreachable.not_html": (
        "网站首页不是网页（{content_type}）",
        "The home page is not a web page ({content_type})",
    ),
    "no_https.no_service": ("网站不提供 HTTPS 访问", "The site does not offer HTTPS"),
    "no_https.invalid_certificate": (
        "网站的 HTTPS 证书无效：{reason}",
        "The site's HTTPS certificate is invalid: {reason}",
    ),
    "no_https.login_over_http": (
        "页面通过明文 HTTP 收集登录或支付信息，未跳转到 HTTPS：{url}",
        "A plain-HTTP page takes logins or payments without redirecting to HTTPS: {url}",
    ),
    "license_not_displayed": (
        "首页未以文字展示许可证编号 {expected}",
        "The home page does not show the license number {expected} as text",
    ),
    "license_mismatch.other": (
        "首页展示的许可证编号 {shown} 与本站许可证 {expected} 不符",
        "The home page shows the license number {shown}, not {expected}",
    ),
    "license_mismatch.state": (
        "首页展示的许可证 {shown} 已{state_zh}",
        "The home page shows the license {shown}, which is {state_en}",
    ),
    "filing_not_displayed": (
        "首页未以文字展示 ICP 备案号 {expected}",
        "The home page does not show the ICP filing number {expected} as text",
    ),
    "filing_mismatch.other": (
        "首页展示的 ICP 备案号 {shown} 与备案号 {expected} 不符",
        "The home page shows the ICP filing number {shown}, not {expected}",
    ),
    "privacy_policy_missing.no_link": (
        "首页没有隐私政策或用户协议的链接",
        "The home page links to no privacy policy or user agreement",
    ),
    "privacy_policy_missing.unreachable": (
        "隐私政策或用户协议页面无法打开（{url}，{status}）",
        "The privacy policy or user agreement cannot be opened ({url}, {status})",
    ),
    "out_of_scope_finance": (
        "页面提供金融服务（“{term}”），超出许可范围",
        "A page offers financial services ('{term}') beyond the license",
    ),
    "prohibited_content": (
        "页面疑似含有{category_zh}内容（“{term}”）",
        "A page may carry {category_en} content ('{term}')",
    ),
    "server_outside_mainland": (
        "网站服务器地址 {address} 位于{country_zh}，不在中国大陆境内",
        "The site's server address {address} is in {country_en}, outside mainland China",
    ),
    "trading_modules_missing": (
        "交易平台网站上未发现注册、登录、购物车或订单功能",
        "No registration, sign-in, cart or orders found on a trading platform's site",
    ),
}

LAPSED_STATES: Mapping[str, tuple[str, str]] = {
    "lapsed": ("失效", "lapsed"),
    "suspended": ("暂停", "suspended"),
    "revoked": ("吊销", "revoked"),
    "cancelled": ("注销", "cancelled"),
    "expired": ("过期", "expired"),
}

COUNTRY_NAMES: Mapping[str, tuple[str, str]] = {
    "HK": ("中国香港", "Hong Kong, China"),
    "MO": ("中国澳门", "Macao, China"),
    "TW": ("中国台湾", "Taiwan, China"),
}

FINANCE_TERMS: Sequence[str] = (
    # instalments (the seed article's 购物分期)
    "分期",
    "0首付",
    "零首付",
    # lending
    "贷款",
    "借贷",
    "借款",
    "网贷",
    "现金贷",
    # wealth management
    "理财",
    # crowdfunding
    "众筹",
)

PROHIBITED_TERMS: Mapping[str, Sequence[str]] = {
    "gambling": ("在线赌场", "网上赌场", "真人娱乐场", "百家乐", "时时彩", "六合彩", "赌球", "博彩"),
    "pornography": ("色情视频", "成人视频", "裸聊", "约炮", "一夜情", "黄色网站"),
    "violence": ("血腥视频", "斩首视频", "出售枪支", "枪支出售", "买卖枪支", "出售炸药"),
}
CATEGORY_NAMES: Mapping[str, tuple[str, str]] = {
    "gambling": ("赌博", "gambling"),
    "pornography": ("色情", "pornographic"),
    "violence": ("暴力", "violent"),
}

DISCLAIMER_MARKERS: Sequence[str] = (
    "不提供",
    "不支持",
    "不开展",
    "未开展",
    "不涉及",
    "不从事",
    "不属于",
    "并非",
    "无任何",
    "不会",
    "不得",
    "严禁",
    "禁止",
    "切勿",
    "请勿",
    "谨防",
    "警惕",
    "防范",
    "诈骗",
    "风险提示",
    "声明",
    "打击",
    "举报",
    "与本平台无关",
)

MODULE_TERMS: Mapping[str, Sequence[str]] = {
    "registration": ("注册", "register", "sign up", "signup"),
    "sign_in": ("登录", "登陆", "login", "log in", "sign in", "signin"),
    "cart": ("购物车", "cart", "basket"),
    "orders": ("订单", "order"),
}

PRIVACY_TERMS: Sequence[str] = (
    "隐私",
    "个人信息保护",
    "用户协议",
    "服务协议",
    "注册协议",
    "使用条款",
    "privacy",
    "user agreement",
    "terms of service",
    "terms of use",
    "/terms",
)


# ------------------------------------------------------------------ text

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣－ｰ", "-"))
_TRADITIONAL = str.maketrans({"備": "备", "號": "号", "証": "证", "證": "证"})


def normalize_text(text: str) -> str:
    """Full-width forms folded to ASCII (NFKC), dash variants to '-', a few traditional
    characters to simplified, invisible format characters (zero-width spaces, soft
    hyphens) removed. Whitespace is kept: the number patterns allow it between characters."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_TRADITIONAL)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


_PROVINCES = "".join(PROVINCE_ABBREVIATIONS)
_LICENSE_RE = re.compile(rf"([{_PROVINCES}])\s*([Bb])\s*([12])\s*-\s*((?:\d\s*){{7}}\d)(?!\d)")
_FILING_RE = re.compile(
    rf"([{_PROVINCES}])\s*[Ii]\s*[Cc]\s*[Pp]\s*备\s*((?:\d\s*){{7,9}}\d)(?!\d)\s*号(?:\s*-\s*(\d{{1,3}})(?!\d))?"
)
_SPACE_RE = re.compile(r"\s+")


def _excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    piece = _SPACE_RE.sub(" ", text[left:right]).strip()
    return ("…" if left > 0 else "") + piece + ("…" if right < len(text) else "")


def find_license_numbers(text: str) -> list[tuple[str, str]]:
    """The license numbers a text shows, canonical (``甘B2-20240001``), each with an excerpt."""
    norm = normalize_text(text)
    found: list[tuple[str, str]] = []
    for m in _LICENSE_RE.finditer(norm):
        number = f"{m.group(1)}B{m.group(3)}-{_SPACE_RE.sub('', m.group(4))}"
        found.append((number, _excerpt(norm, m.start(), m.end())))
    return found


def find_filing_numbers(text: str) -> list[tuple[str, str]]:
    """The ICP filing numbers a text shows, as bases without the site suffix (``甘ICP备20230001号``)."""
    norm = normalize_text(text)
    found: list[tuple[str, str]] = []
    for m in _FILING_RE.finditer(norm):
        number = f"{m.group(1)}ICP备{_SPACE_RE.sub('', m.group(2))}号"
        found.append((number, _excerpt(norm, m.start(), m.end())))
    return found


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")


def sentences(text: str) -> list[str]:
    """The text's sentences: split at Chinese and Latin sentence ends and at block boundaries."""
    out = []
    for piece in _SENTENCE_END.split(normalize_text(text)):
        piece = _SPACE_RE.sub(" ", piece).strip()
        if piece:
            out.append(piece)
    return out


def is_disclaimer(sentence: str) -> bool:
    """A sentence that warns against, denies or forbids: its terms are not an offer."""
    return any(marker in sentence for marker in DISCLAIMER_MARKERS)


def finance_offers(text: str) -> list[tuple[str, str]]:
    """(term, sentence) for each sentence offering a financial service, disclaimers left out."""
    found: list[tuple[str, str]] = []
    for sentence in sentences(text):
        if is_disclaimer(sentence):
            continue
        for term in FINANCE_TERMS:
            if term in sentence:
                found.append((term, sentence[:200]))
                break
    return found


def prohibited_offers(text: str) -> list[tuple[str, str, str]]:
    """(category, term, sentence) for each sentence carrying a prohibited phrase, disclaimers left out."""
    found: list[tuple[str, str, str]] = []
    for sentence in sentences(text):
        if is_disclaimer(sentence):
            continue
        for category, terms in PROHIBITED_TERMS.items():
            term = next((t for t in terms if t in sentence), None)
            if term:
                found.append((category, term, sentence[:200]))
                break
    return found


def looks_like_privacy_link(href: str, text: str) -> bool:
    haystack = f"{normalize_text(text)} {href}".lower()
    return any(term in haystack for term in PRIVACY_TERMS)


def _has_term(haystack: str, term: str) -> bool:
    if term.isascii():
        return re.search(rf"(?<![a-z]){re.escape(term)}", haystack) is not None
    return term in haystack


def modules_found(pages: Iterable[Page]) -> set[str]:
    """The trading modules (registration, sign-in, cart, orders) any page shows or links to."""
    found: set[str] = set()
    for page in pages:
        haystack = " ".join(
            [normalize_text(page.text), *(f"{normalize_text(link.text)} {link.href}" for link in page.links)]
        ).lower()
        if page.has_password:
            found.add("sign_in")
        for module, terms in MODULE_TERMS.items():
            if module not in found and any(_has_term(haystack, term) for term in terms):
                found.add(module)
    return found


# ------------------------------------------------------------------ evidence and findings


@dataclass(frozen=True, slots=True)
class Link:
    href: str  # absolute
    text: str


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # where the page was read, after redirects
    status: int
    text: str  # the visible text, one block per line
    links: tuple[Link, ...] = ()
    has_password: bool = False
    has_payment: bool = False
    depth: int = 0

    @property
    def https(self) -> bool:
        return self.url.startswith("https://")


@dataclass(frozen=True, slots=True)
class SiteEvidence:
    start_url: str
    home: Page | None
    pages: tuple[Page, ...] = ()
    # Why the home page could not be read: (message code, params), or None.
    failure: tuple[str, Mapping[str, str]] | None = None
    # "ok", "no_service" or "invalid_certificate" (with tls_reason)
    tls: str = "ok"
    tls_reason: str = ""
    # (url, status) of each privacy link tried from the home page; status 0 when it did not answer.
    privacy_links: tuple[tuple[str, int], ...] = ()
    # (address, country code) of the site's host; "" for an address the database does not place.
    addresses: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Expectations:
    license_number: str = ""
    filing_number: str = ""
    # States the desk knows for license numbers (canonical number -> state).
    known_states: Mapping[str, str] = field(default_factory=dict)
    trading_platform: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message_code: str
    params: Mapping[str, str]
    url: str
    excerpt: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def key(self) -> str:
        """What makes two scans' findings the same finding (for the open/resolved lifecycle)."""
        term = self.params.get("term", "")
        return f"{self.message_code}:{term}" if term else self.message_code

    def message(self, lang: str = "zh-hans") -> str:
        zh, en = MESSAGES[self.message_code]
        template = en if lang.startswith("en") else zh
        return template.format_map(_Defaults(self.params))

    def as_dict(self, lang: str = "zh-hans") -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message(lang),
            "message_code": self.message_code,
            "params": dict(self.params),
            "evidence": {"url": self.url, "excerpt": self.excerpt},
        }


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def canonical_license(value: str) -> str:
    """The canonical license number (without a site suffix); raises IdentifierError."""
    return normalize_license_number(value).base


def canonical_filing(value: str) -> str:
    """The filing number's base (without the -N site suffix); raises IdentifierError."""
    return normalize_icp_filing(value).base


def analyse(evidence: SiteEvidence, expect: Expectations) -> list[Finding]:
    """Every finding the evidence supports, in the order of :data:`CODES`."""
    if evidence.home is None or evidence.failure is not None:
        code, params = evidence.failure or ("unreachable.connect", {"reason": ""})
        return [Finding("unreachable", code, dict(params), evidence.start_url)]
    home = evidence.home
    findings: list[Finding] = []
    findings += _https(evidence)
    findings += _numbers(home, expect)
    findings += _privacy(evidence)
    findings += _content(evidence.pages or (home,))
    findings += _servers(evidence)
    if expect.trading_platform and not modules_found(evidence.pages or (home,)):
        findings.append(Finding("trading_modules_missing", "trading_modules_missing", {}, home.url))
    return findings


def _https(evidence: SiteEvidence) -> list[Finding]:
    home = evidence.home
    assert home is not None
    if evidence.tls == "invalid_certificate":
        return [
            Finding(
                "no_https",
                "no_https.invalid_certificate",
                {"reason": evidence.tls_reason},
                evidence.start_url,
            )
        ]
    if evidence.tls == "no_service":
        return [Finding("no_https", "no_https.no_service", {}, home.url)]
    for page in evidence.pages or (home,):
        if not page.https and (page.has_password or page.has_payment):
            return [Finding("no_https", "no_https.login_over_http", {"url": page.url}, page.url, "<form>")]
    return []


def _numbers(home: Page, expect: Expectations) -> list[Finding]:
    findings: list[Finding] = []
    shown = find_license_numbers(home.text)
    numbers = {n for n, _ in shown}
    expected = expect.license_number
    if expected and expected not in numbers:
        other = next(((n, e) for n, e in shown if n != expected), None)
        if other is not None:
            findings.append(
                Finding(
                    "license_mismatch",
                    "license_mismatch.other",
                    {"shown": other[0], "expected": expected},
                    home.url,
                    other[1],
                )
            )
        else:
            findings.append(
                Finding("license_not_displayed", "license_not_displayed", {"expected": expected}, home.url)
            )
    for number, excerpt in shown:
        state = expect.known_states.get(number, "")
        if state in LAPSED_STATES:
            zh, en = LAPSED_STATES[state]
            findings.append(
                Finding(
                    "license_mismatch",
                    "license_mismatch.state",
                    {"shown": number, "state": state, "state_zh": zh, "state_en": en},
                    home.url,
                    excerpt,
                )
            )
            break
    filings = find_filing_numbers(home.text)
    bases = {n for n, _ in filings}
    if expect.filing_number and expect.filing_number not in bases:
        other = next(((n, e) for n, e in filings if n != expect.filing_number), None)
        if other is not None:
            findings.append(
                Finding(
                    "filing_mismatch",
                    "filing_mismatch.other",
                    {"shown": other[0], "expected": expect.filing_number},
                    home.url,
                    other[1],
                )
            )
        else:
            findings.append(
                Finding(
                    "filing_not_displayed",
                    "filing_not_displayed",
                    {"expected": expect.filing_number},
                    home.url,
                )
            )
    return findings


def _privacy(evidence: SiteEvidence) -> list[Finding]:
    home = evidence.home
    assert home is not None
    if not evidence.privacy_links:
        return [Finding("privacy_policy_missing", "privacy_policy_missing.no_link", {}, home.url)]
    if any(0 < status < 400 for _, status in evidence.privacy_links):
        return []
    url, status = evidence.privacy_links[0]
    return [
        Finding(
            "privacy_policy_missing",
            "privacy_policy_missing.unreachable",
            {"url": url, "status": str(status) if status else "—"},
            url,
        )
    ]


def _content(pages: Sequence[Page]) -> list[Finding]:
    findings: list[Finding] = []
    finance_terms: set[str] = set()
    prohibited_terms: set[str] = set()
    for page in pages:
        for term, sentence in finance_offers(page.text):
            if term not in finance_terms:
                finance_terms.add(term)
                findings.append(
                    Finding(
                        "out_of_scope_finance", "out_of_scope_finance", {"term": term}, page.url, sentence
                    )
                )
        for category, term, sentence in prohibited_offers(page.text):
            if term not in prohibited_terms:
                prohibited_terms.add(term)
                zh, en = CATEGORY_NAMES[category]
                findings.append(
                    Finding(
                        "prohibited_content",
                        "prohibited_content",
                        {"category": category, "term": term, "category_zh": zh, "category_en": en},
                        page.url,
                        sentence,
                    )
                )
    findings.sort(key=lambda f: 0 if f.code == "out_of_scope_finance" else 1)
    return findings


def _servers(evidence: SiteEvidence) -> list[Finding]:
    for address, country in evidence.addresses:
        if country and country not in ("CN", "--"):
            zh, en = COUNTRY_NAMES.get(country, (country, country))
            return [
                Finding(
                    "server_outside_mainland",
                    "server_outside_mainland",
                    {"address": address, "country": country, "country_zh": zh, "country_en": en},
                    evidence.start_url,
                    f"{address} → {country}",
                )
            ]
    return []
