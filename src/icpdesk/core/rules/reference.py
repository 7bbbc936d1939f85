"""Reference facts the rules compare a profile with: legal forms, the credit
code's registration characters, provinces and their abbreviations, server
regions, the public suffix list and the wording of an exclusion in a business
scope. Data and small pure functions; no rule decides anything here.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from publicsuffixlist import PublicSuffixList

from icpdesk.core.rules.messages import Text

__all__ = [
    "FORM_NAMES",
    "MAINLAND",
    "REGION_NAMES",
    "USCC_KINDS",
    "Exclusion",
    "expected_uscc_kind",
    "platform_suffix",
    "province_abbreviations",
    "scope_mentions",
]

FORM_NAMES: dict[str, Text] = {
    "limited_company": Text("有限责任公司", "limited liability company"),
    "joint_stock_company": Text("股份有限公司", "joint stock company"),
    "individual_business": Text("个体工商户", "individual business"),
    "partnership": Text("合伙企业", "partnership"),
    "sole_proprietorship": Text("个人独资企业", "sole proprietorship"),
    "branch": Text("分公司", "branch"),
    "other": Text("其他", "other"),
}

# ------------------------------------------------------------------ credit code
# GB 32100-2015: character 1 is the registration authority, character 2 the
# kind of entity it registered. Only the pairs the standard defines are listed.
USCC_KINDS: dict[str, Text] = {
    "11": Text("机关（机构编制部门登记）", "a government body (registered by the staffing authority)"),
    "12": Text("事业单位（机构编制部门登记）", "a public institution (registered by the staffing authority)"),
    "13": Text("群众团体（中央编办直接管理）", "a mass organisation (registered by the staffing authority)"),
    "19": Text("其他机构编制单位", "another body registered by the staffing authority"),
    "21": Text("外国常驻新闻机构（外交部门登记）", "a foreign press office (registered by foreign affairs)"),
    "29": Text("其他外交部门登记单位", "another body registered by foreign affairs"),
    "31": Text("律师执业机构（司法行政部门登记）", "a law firm (registered by the justice authority)"),
    "32": Text("公证处（司法行政部门登记）", "a notary office (registered by the justice authority)"),
    "33": Text(
        "基层法律服务所（司法行政部门登记）", "a legal service office (registered by the justice authority)"
    ),
    "34": Text(
        "司法鉴定机构（司法行政部门登记）", "a forensic institute (registered by the justice authority)"
    ),
    "35": Text(
        "仲裁委员会（司法行政部门登记）", "an arbitration commission (registered by the justice authority)"
    ),
    "39": Text("其他司法行政部门登记单位", "another body registered by the justice authority"),
    "41": Text(
        "外国在华文化中心（文化部门登记）", "a foreign cultural centre (registered by the culture authority)"
    ),
    "49": Text("其他文化部门登记单位", "another body registered by the culture authority"),
    "51": Text("社会团体（民政部门登记）", "a social organisation (registered by civil affairs)"),
    "52": Text(
        "民办非企业单位（民政部门登记）", "a private non-enterprise unit (registered by civil affairs)"
    ),
    "53": Text("基金会（民政部门登记）", "a foundation (registered by civil affairs)"),
    "59": Text("其他民政部门登记单位", "another body registered by civil affairs"),
    "61": Text("外国旅游部门常驻代表机构", "a foreign tourism office (registered by the tourism authority)"),
    "62": Text("港澳台地区旅游部门常驻内地代表机构", "a Hong Kong, Macao or Taiwan tourism office"),
    "69": Text("其他旅游部门登记单位", "another body registered by the tourism authority"),
    "71": Text(
        "宗教活动场所（宗教部门登记）", "a place of religious activity (registered by religious affairs)"
    ),
    "72": Text("宗教院校（宗教部门登记）", "a religious college (registered by religious affairs)"),
    "79": Text("其他宗教部门登记单位", "another body registered by religious affairs"),
    "81": Text("基层工会（工会登记）", "a trade union (registered by the trade unions)"),
    "89": Text("其他工会登记单位", "another body registered by the trade unions"),
    "91": Text("企业（市场监管部门登记）", "an enterprise (registered by the market regulator)"),
    "92": Text(
        "个体工商户（市场监管部门登记）", "an individual business (registered by the market regulator)"
    ),
    "93": Text(
        "农民专业合作社（市场监管部门登记）", "a farmers' cooperative (registered by the market regulator)"
    ),
    "A1": Text("军队事业单位", "a military public institution"),
    "A9": Text("其他军队登记单位", "another body registered by the military"),
    "N1": Text("组级集体经济组织（农业部门登记）", "a group-level collective (registered by agriculture)"),
    "N2": Text("村级集体经济组织（农业部门登记）", "a village collective (registered by agriculture)"),
    "N3": Text("乡镇级集体经济组织（农业部门登记）", "a township collective (registered by agriculture)"),
    "N9": Text("其他农业部门登记单位", "another body registered by agriculture"),
    "Y1": Text("其他登记管理部门登记单位", "a body registered by another authority"),
}

# The registration characters each legal form of the profile must carry: every
# enterprise form, a branch included, is registered by the market regulator as
# an enterprise (91); an individual business as 92. "other" may be anything.
_FORM_KINDS = {
    "limited_company": "91",
    "joint_stock_company": "91",
    "partnership": "91",
    "sole_proprietorship": "91",
    "branch": "91",
    "individual_business": "92",
}


def expected_uscc_kind(form: str) -> str | None:
    """Characters 1-2 of the credit code that ``form`` implies; ``None`` if it implies none."""
    return _FORM_KINDS.get(form)


# ------------------------------------------------------------------ provinces
# Each province by its names and the abbreviations its ICP filing numbers use
# (Guizhou files as 黔 or 贵, Sichuan as 川 or 蜀, Yunnan as 滇 or 云).
_PROVINCES: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = tuple(
    (names, frozenset(abbreviations))
    for names, abbreviations in (
        (("北京市", "北京", "CN-BJ", "Beijing"), "京"),
        (("天津市", "天津", "CN-TJ", "Tianjin"), "津"),
        (("河北省", "河北", "CN-HE", "Hebei"), "冀"),
        (("山西省", "山西", "CN-SX", "Shanxi"), "晋"),
        (("内蒙古自治区", "内蒙古", "CN-NM", "Inner Mongolia"), "蒙"),
        (("辽宁省", "辽宁", "CN-LN", "Liaoning"), "辽"),
        (("吉林省", "吉林", "CN-JL", "Jilin"), "吉"),
        (("黑龙江省", "黑龙江", "CN-HL", "Heilongjiang"), "黑"),
        (("上海市", "上海", "CN-SH", "Shanghai"), "沪"),
        (("江苏省", "江苏", "CN-JS", "Jiangsu"), "苏"),
        (("浙江省", "浙江", "CN-ZJ", "Zhejiang"), "浙"),
        (("安徽省", "安徽", "CN-AH", "Anhui"), "皖"),
        (("福建省", "福建", "CN-FJ", "Fujian"), "闽"),
        (("江西省", "江西", "CN-JX", "Jiangxi"), "赣"),
        (("山东省", "山东", "CN-SD", "Shandong"), "鲁"),
        (("河南省", "河南", "CN-HA", "Henan"), "豫"),
        (("湖北省", "湖北", "CN-HB", "Hubei"), "鄂"),
        (("湖南省", "湖南", "CN-HN", "Hunan"), "湘"),
        (("广东省", "广东", "CN-GD", "Guangdong"), "粤"),
        (("广西壮族自治区", "广西", "CN-GX", "Guangxi"), "桂"),
        (("海南省", "海南", "CN-HI", "Hainan"), "琼"),
        (("重庆市", "重庆", "CN-CQ", "Chongqing"), "渝"),
        (("四川省", "四川", "CN-SC", "Sichuan"), "川蜀"),
        (("贵州省", "贵州", "CN-GZ", "Guizhou"), "黔贵"),
        (("云南省", "云南", "CN-YN", "Yunnan"), "滇云"),
        (("西藏自治区", "西藏", "CN-XZ", "Tibet", "Xizang"), "藏"),
        (("陕西省", "陕西", "CN-SN", "Shaanxi"), "陕"),
        (("甘肃省", "甘肃", "CN-GS", "Gansu", "Gansu Province"), "甘陇"),
        (("青海省", "青海", "CN-QH", "Qinghai"), "青"),
        (("宁夏回族自治区", "宁夏", "CN-NX", "Ningxia"), "宁"),
        (("新疆维吾尔自治区", "新疆", "CN-XJ", "Xinjiang"), "新"),
    )
)
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    name.casefold(): abbreviations for names, abbreviations in _PROVINCES for name in names
}


def province_abbreviations(province: str) -> frozenset[str] | None:
    """The filing abbreviations of a province given by name or code; ``None`` if not recognised."""
    return _ABBREVIATIONS.get(province.strip().casefold())


# ------------------------------------------------------------------ server regions

# Each mainland province's full name with its ISO 3166-2 code, in the order above.
PROVINCE_NAMES: tuple[tuple[str, str], ...] = tuple((names[0], names[2]) for names, _ in _PROVINCES)
MAINLAND = frozenset(name for names, _ in _PROVINCES for name in names if name.startswith("CN-"))
REGION_NAMES: dict[str, Text] = {
    "CN-HK": Text("香港", "Hong Kong"),
    "CN-MO": Text("澳门", "Macao"),
    "CN-TW": Text("台湾", "Taiwan"),
    "HK": Text("香港", "Hong Kong"),
    "MO": Text("澳门", "Macao"),
    "TW": Text("台湾", "Taiwan"),
    "US": Text("美国", "the United States"),
    "SG": Text("新加坡", "Singapore"),
    "JP": Text("日本", "Japan"),
    "KR": Text("韩国", "South Korea"),
    "DE": Text("德国", "Germany"),
    "GB": Text("英国", "the United Kingdom"),
    "RU": Text("俄罗斯", "Russia"),
    "KZ": Text("哈萨克斯坦", "Kazakhstan"),
}


# ------------------------------------------------------------------ public suffixes


@functools.cache
def _suffix_lists() -> tuple[PublicSuffixList, PublicSuffixList]:
    # The lists bundled with the package (never a download), read once: the
    # whole list, and its ICANN section alone.
    return PublicSuffixList(), PublicSuffixList(only_icann=True)


def platform_suffix(host: str) -> str | None:
    """The private public suffix (``github.io``, ``s3.amazonaws.com``, ``vercel.app``)
    that ``host`` sits under, else ``None``. A name under such a suffix is given
    out by a hosting or cloud platform: it is the platform's domain, not one the
    enterprise registered."""
    whole, icann = _suffix_lists()
    suffix = whole.publicsuffix(host)
    if suffix is None or suffix == icann.publicsuffix(host):
        return None
    return suffix


# ------------------------------------------------------------------ business scope
# A scope is a list of items separated by ；;。 or a line break; a bracket holds
# items of its own (usually the exclusions of the item before it). An item
# names an activity only to exclude it when a negation comes before the
# activity in the item ("不含互联网信息服务", "不得从事…") or "除" before and
# "外" after it ("除互联网信息服务以外").
_ITEM_BREAK = re.compile(r"[；;。\n（）()【】\[\]]")
_NEGATIONS = ("不含", "不包含", "不包括", "不得从事", "不得经营", "不从事", "不经营", "禁止", "不涉及")


class Exclusion(NamedTuple):
    keyword: str
    item: str  # the scope item that excludes it, as written


def _excluded(item: str, at: int, keyword: str) -> bool:
    before = item[:at]
    if any(negation in before for negation in _NEGATIONS):
        return True
    return "除" in before and "外" in item[at + len(keyword) :]


def scope_mentions(scope: str, keywords: tuple[str, ...]) -> tuple[str | None, Exclusion | None]:
    """The first keyword (in the pack's order) that ``scope`` names as an activity
    of its own, else ``None``; and the first exclusion of a keyword met on the way."""
    items = [(item, item.casefold()) for item in _ITEM_BREAK.split(scope)]
    exclusion: Exclusion | None = None
    for keyword in keywords:
        wanted = keyword.casefold()
        for item, folded in items:
            at = folded.find(wanted)
            while at >= 0:
                if not _excluded(folded, at, wanted):
                    return keyword, None
                exclusion = exclusion or Exclusion(keyword, item.strip())
                at = folded.find(wanted, at + 1)
    return None, exclusion
