"""A corpus of scanned documents made on the spot, with the facts each one prints.

Every kind of material the reader has fields for is rendered as a page with
realistic Chinese text in the CJK font, then made to look scanned: turned by
90°, 180° or 270°, slightly skewed, blurred, noised and JPEG-compressed; some
pages go into a PDF as an image (a scanned PDF), some are PDFs with a text
layer (weasyprint). The facts are valid (credit codes and identity numbers
with their check characters), so the reader's normalisation is tested too.
"""

from __future__ import annotations

import html
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from stdnum.cn import ric, uscc

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
WIDTH = 1100
MARGIN = 80
SIZE = 26

Value = str | int | list[str]


@dataclass
class Doc:
    """A page: rows of (x in fractions of the width, text, size), QR codes, and the facts it prints."""

    material: str
    title: str
    rows: list[list[tuple[float, str]]]
    expected: dict[str, Value]
    qr: list[str] = field(default_factory=list)
    seal: str = ""


@dataclass
class Sample:
    name: str
    material: str
    data: bytes
    expected: dict[str, Value]
    qr: list[str]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT_BOLD if bold else FONT, size)
    except OSError:
        return ImageFont.truetype(FONT, size)


def valid_uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def valid_id(body: str) -> str:
    return body + ric.calc_check_digit(body)


def zh_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def capitals(amount: int) -> str:
    """A whole number of yuan in Chinese capitals, e.g. 壹佰万元整 (up to 9,999 万)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]

    def four(n: int) -> str:
        out, zero = "", False
        for i in range(3, -1, -1):
            d = n // 10**i % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += digits[d] + units[i]
        return out

    high, low = divmod(amount, 10_000)
    text = (four(high) + "万" if high else "") + (
        ("零" if high and low < 1000 else "") + four(low) if low else ""
    )
    return text + "元整"


# ------------------------------------------------------------------ the facts

COMPANIES = [
    ("兰州陇货精品电子商务有限公司", "916201027MA7ABCD1", "张建国", "62010219790312401", "longhuo.cn"),
    (
        "天水秦州花牛果业电子商务有限公司",
        "916205027MA71B2C3",
        "李秀英",
        "62050219850707202",
        "huaniuguo.com.cn",
    ),
    ("庆阳岐黄中药材交易平台有限公司", "916210007MA74Q8K6", "王志强", "62100019820215303", "qihuangyao.cn"),
]
STAFF = [("赵明", "62010219900418501"), ("孙丽娟", "62050219920923602"), ("周杰", "62100019881130703")]


def business_license(i: int) -> Doc:
    name, code, rep, _, _ = COMPANIES[i]
    credit = valid_uscc(code[:17])
    capital = [1_000_000, 5_000_000, 12_345_000][i]
    founded = ["2023-05-10", "2021-11-03", "2019-08-26"][i]
    address = [
        "甘肃省兰州市城关区张掖路街道庆阳路77号5楼",
        "甘肃省天水市秦州区民主西路38号",
        "甘肃省庆阳市西峰区南大街12号2单元",
    ][i]
    scope = [
        "许可项目：第二类增值电信业务；互联网信息服务。一般项目：互联网销售（除销售需要许可的商品）；农副产品销售。",
        "许可项目：第二类增值电信业务。一般项目：水果种植；初级农产品收购；互联网销售；供应链管理服务。",
        "许可项目：第二类增值电信业务；药品互联网信息服务。一般项目：中草药收购；信息咨询服务。",
    ][i]
    scope_rows = [scope[k : k + 30] for k in range(0, len(scope), 30)]
    rows = [
        [(0.0, f"统一社会信用代码  {credit}")],
        [(0.0, f"名　　称  {name}")],
        [(0.0, "类　　型  有限责任公司（自然人投资或控股）")],
        [(0.0, f"法定代表人  {rep}"), (0.5, f"注册资本  {capitals(capital)}")],
        [(0.0, f"成立日期  {zh_date(founded)}"), (0.5, "营业期限  长期")],
        [(0.0, f"住　　所  {address}")],
        [(0.0, f"经营范围  {scope_rows[0]}")],
        *[[(0.14, part)] for part in scope_rows[1:]],
        [(0.0, "")],
        [(0.5, "登记机关  兰州市市场监督管理局")],
        [(0.5, zh_date(["2023-05-12", "2021-11-05", "2019-08-28"][i]))],
    ]
    return Doc(
        "business_license",
        "营业执照",
        rows,
        {
            "company_name": name,
            "uscc": credit,
            "legal_form_text": "有限责任公司（自然人投资或控股）",
            "legal_representative": rep,
            "registered_capital_cny": capital,
            "registered_on": founded,
            "address": address,
            "business_scope": scope,
        },
        qr=[f"http://www.gsxt.gov.cn/index.html?uniscid={credit}"],
        seal="兰州市市场监督管理局",
    )


def domain_certificate(i: int) -> Doc:
    name, _, _, _, domain = COMPANIES[i]
    registered = ["2023-05-15", "2020-04-09", "2018-12-01"][i]
    expires = ["2026-05-15", "2027-04-09", "2028-12-01"][i]
    registrar = ["阿里云计算有限公司", "北京新网数码信息技术有限公司", "厦门易名科技股份有限公司"][i]
    rows = [
        [(0.0, "兹证明以下域名已在中国互联网络信息中心注册，注册信息如下：")],
        [(0.0, f"域名：{domain}")],
        [(0.0, f"域名持有者：{name}")],
        [(0.0, f"注册日期：{registered}")],
        [(0.0, f"到期日期：{expires}")],
        [(0.0, f"注册服务机构：{registrar}")],
        [(0.0, "本证书仅证明证书颁发时的域名注册信息，")],
        [(0.0, "最新信息请以域名注册服务机构的查询结果为准。")],
    ]
    return Doc(
        "domain_certificate",
        "域名注册证书",
        rows,
        {
            "domain": domain,
            "holder": name,
            "registered_on": registered,
            "expires_on": expires,
            "registrar": registrar,
        },
        qr=[f"https://whois.cnnic.cn/verify?domain={domain}&sn=CN2023{i:04d}"],
    )


HOSTING = [
    ("甘肃云联数据服务有限公司", "甘肃省兰州市兰州新区中川园区云计算中心3号机房", "CN-GS"),
    ("香港环亚数据中心有限公司", "香港特别行政区葵涌葵昌路51号九龙贸易中心2座12楼", "CN-HK"),
    ("星联云计算服务有限公司", "新加坡裕廊西大道88号数据中心B栋", "SG"),
]


def hosting_agreement(i: int) -> Doc:
    name = COMPANIES[i][0]
    provider, address, region = HOSTING[i]
    start, end = ["2024-01-01", "2023-07-01", "2024-03-15"][i], ["2025-12-31", "2026-06-30", "2027-03-14"][i]
    rows = [
        [(0.0, f"甲方（客户）：{name}")],
        [(0.0, f"乙方（服务商）：{provider}")],
        [(0.0, "甲乙双方经友好协商，就甲方服务器托管于乙方机房事宜达成如下协议：")],
        [(0.0, "一、乙方为甲方提供机柜空间、电力、网络带宽及7×24小时运维服务。")],
        [(0.0, f"机房地址：{address}")],
        [(0.0, f"服务期限：自{zh_date(start)}起至{zh_date(end)}止")],
        [(0.0, "二、甲方保证托管服务器上的信息内容合法，遵守国家有关规定。")],
        [(0.0, "甲方（盖章）"), (0.5, "乙方（盖章）")],
    ]
    return Doc(
        "hosting_agreement",
        "服务器托管协议",
        rows,
        {
            "customer": name,
            "provider": provider,
            "server_address": address,
            "server_region": region,
            "valid_from": start,
            "valid_until": end,
        },
        seal=provider,
    )


def security_insurance(i: int) -> Doc:
    person, id_body = STAFF[i]
    employer = COMPANIES[i][0]
    months = [
        ["2024-03", "2024-04", "2024-05"],
        ["2024-06", "2024-07", "2024-08"],
        ["2023-10", "2023-11", "2023-12"],
    ][i]
    rows = [
        [(0.0, f"姓名：{person}"), (0.5, f"公民身份号码：{valid_id(id_body)}")],
        [(0.0, f"参保单位：{employer}")],
        [(0.0, "参保地：甘肃省兰州市"), (0.5, "险种：城镇职工基本养老保险")],
        [(0.0, "缴费年月"), (0.25, "缴费基数"), (0.5, "单位缴费"), (0.75, "个人缴费")],
        *[[(0.0, month), (0.25, "4500.00"), (0.5, "720.00"), (0.75, "360.00")] for month in months],
        [(0.0, "以上信息由甘肃省社会保险事业管理局提供，仅供参考。")],
    ]
    return Doc(
        "security_insurance",
        "社会保险个人参保证明",
        rows,
        {"person_name": person, "employer": employer, "province": "CN-GS", "months": months},
        seal="甘肃省社会保险事业管理局",
    )


def id_card(i: int, material: str) -> Doc:
    person, id_body = STAFF[i] if material == "security_id" else (COMPANIES[i][2], COMPANIES[i][3])
    number = valid_id(id_body)
    birth = f"{number[6:10]}年{int(number[10:12])}月{int(number[12:14])}日"
    start_year = 2016 + i
    until = f"{start_year + 20}-{number[10:12]}-{number[12:14]}"
    rows = [
        [(0.05, f"姓名  {person}")],
        [(0.05, "性别  男"), (0.3, "民族  汉")],
        [(0.05, f"出生  {birth}")],
        [(0.05, "住址  甘肃省兰州市城关区东岗西路")],
        [(0.05, f"公民身份号码  {number}")],
        [(0.0, "")],
        [(0.25, "中华人民共和国  居民身份证")],
        [(0.05, "签发机关  兰州市公安局城关分局")],
        [(0.05, f"有效期限  {start_year}.{number[10:12]}.{number[12:14]}-{until.replace('-', '.')}")],
        [(0.0, "")],
        [(0.05, "与原件一致，仅供申请互联网信息服务许可使用")],
    ]
    return Doc(
        material,
        "身份证复印件",
        rows,
        {"name": person, "id_number": number[:6] + "********" + number[-4:], "valid_until": until},
    )


def capital_verification(i: int) -> Doc:
    name = COMPANIES[i][0]
    amount = [1_000_000, 5_000_000, 12_345_000][i]
    firm = [
        "甘肃正信会计师事务所（特殊普通合伙）",
        "天水华信会计师事务所有限公司",
        "庆阳中正会计师事务所有限公司",
    ][i]
    date = ["2023-05-22", "2021-12-10", "2019-09-30"][i]
    rows = [
        [(0.3, f"甘正信验字〔{date[:4]}〕第0{18 + i}号")],
        [(0.0, f"{name}全体股东：")],
        [(0.0, "我们接受委托，审验了贵公司截至验资日止的注册资本实收情况。")],
        [(0.0, f"被审验单位：{name}")],
        [(0.0, f"注册资本：人民币{capitals(amount)}（¥{amount:,}.00）")],
        [(0.0, "全体股东均以货币出资，出资已全部缴足。")],
        [(0.0, f"会计师事务所：{firm}")],
        [(0.0, "中国注册会计师：刘文华"), (0.5, f"报告日期：{zh_date(date)}")],
    ]
    return Doc(
        "capital_verification",
        "验资报告",
        rows,
        {"firm": firm, "company_name": name, "amount_cny": amount, "date": date},
        seal=firm,
    )


def bank_statements(i: int) -> Doc:
    name = COMPANIES[i][0]
    start, end = ["2024-03-01", "2024-06-01", "2023-10-01"][i], ["2024-05-31", "2024-08-31", "2023-12-31"][i]
    rows = [
        [(0.0, f"户名：{name}")],
        [(0.0, "账号：2703 0012 0910 0123 456"), (0.55, "币种：人民币")],
        [(0.0, "开户行：中国工商银行兰州城关支行")],
        [(0.0, f"查询期间：{start} 至 {end}")],
        [(0.0, "交易日期"), (0.22, "摘要"), (0.45, "收入"), (0.65, "支出"), (0.82, "余额")],
        [(0.0, start[:8] + "05"), (0.22, "货款"), (0.45, "56,800.00"), (0.65, ""), (0.82, "1,256,800.00")],
        [(0.0, start[:8] + "18"), (0.22, "房租"), (0.45, ""), (0.65, "12,000.00"), (0.82, "1,244,800.00")],
        [(0.0, end[:8] + "20"), (0.22, "工资"), (0.45, ""), (0.65, "86,400.00"), (0.82, "1,158,400.00")],
        [(0.0, "本明细由银行系统生成，加盖业务专用章有效。")],
    ]
    return Doc(
        "bank_statements",
        "中国工商银行对公账户交易明细",
        rows,
        {"account_holder": name, "period_from": start, "period_to": end},
        seal="中国工商银行兰州城关支行",
    )


def icp_filing(i: int) -> Doc:
    name, _, _, _, domain = COMPANIES[i]
    number = [
        f"甘ICP备2023{1234 + i:06d}号-1",
        f"甘ICP备2021{88 + i:06d}号-1",
        f"甘ICP备2019{5600 + i:06d}号-2",
    ][i]
    rows = [
        [(0.0, f"主办单位名称：{name}")],
        [(0.0, "主办单位性质：企业")],
        [(0.0, f"网站备案号：{number}")],
        [(0.0, "网站名称：陇原好物商城")],
        [(0.0, f"网站域名：{domain}")],
        [(0.0, "审核日期：2023-06-01")],
    ]
    return Doc("icp_filing", "ICP备案信息", rows, {"filing_number": number, "domain": domain, "holder": name})


MAKERS: dict[str, Callable[[int], Doc]] = {
    "business_license": business_license,
    "domain_certificate": domain_certificate,
    "hosting_agreement": hosting_agreement,
    "security_insurance": security_insurance,
    "legal_rep_id": lambda i: id_card(i, "legal_rep_id"),
    "security_id": lambda i: id_card(i, "security_id"),
    "capital_verification": capital_verification,
    "bank_statements": bank_statements,
    "icp_filing": icp_filing,
}


# ------------------------------------------------------------------ rendering


def render(doc: Doc) -> Image.Image:
    """The page as an upright greyscale-on-white image."""
    line = int(SIZE * 1.9)
    height = 200 + line * (len(doc.rows) + 2) + 120
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    title = _font(48, bold=True)
    width = draw.textlength(doc.title, font=title)
    draw.text(((WIDTH - width) / 2, 70), doc.title, font=title, fill=(20, 20, 20))
    body = _font(SIZE)
    y = 190
    inner = WIDTH - 2 * MARGIN
    for row in doc.rows:
        for x, text in row:
            draw.text((MARGIN + x * inner, y), text, font=body, fill=(25, 25, 25))
        y += line
    for k, payload in enumerate(doc.qr):
        qr = segno.make(payload, error="m")
        buffer = io.BytesIO()
        qr.save(buffer, kind="png", scale=4, border=2)
        code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
        image.paste(code, (WIDTH - MARGIN - code.width, 40 + k * (code.height + 10)))
    if doc.seal:
        # A red seal over the lower right, as stamped copies carry.
        seal = Image.new("RGBA", image.size, (0, 0, 0, 0))
        sd = ImageDraw.Draw(seal)
        cx, cy, r = WIDTH - MARGIN - 110, height - 150, 95
        sd.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(210, 30, 30, 150), width=6)
        sd.regular_polygon((cx, cy, 26), 5, fill=(210, 30, 30, 150))
        image = Image.alpha_composite(image.convert("RGBA"), seal).convert("RGB")
    return image


def scanned(
    image: Image.Image, rng: random.Random, *, turn: int, blur: float, noise: float, quality: int
) -> bytes:
    """``image`` as a scanner would give it: turned, slightly skewed, blurred, noised, as a JPEG."""
    import numpy as np

    skew = rng.uniform(-0.6, 0.6)
    image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    if turn:
        image = image.rotate(turn, expand=True)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        array = np.asarray(image).astype(np.int16)
        noisy = array + np.random.default_rng(rng.randrange(1 << 30)).normal(0, noise, array.shape).astype(
            np.int16
        )
        image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def as_pdf(jpeg: bytes) -> bytes:
    """A scanned PDF: the page image and no text layer."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(buffer, format="PDF", resolution=130)
    return buffer.getvalue()


def text_pdf(doc: Doc) -> bytes:
    """The document as a PDF with a text layer, as a registrar's or a bank's system prints it."""
    from weasyprint import HTML

    cells = []
    for row in doc.rows:
        spans = "".join(
            f'<span style="position:absolute;left:{x * 100:.0f}%">{html.escape(text)}</span>'
            for x, text in row
        )
        cells.append(f'<div class="row">{spans}</div>')
    codes = "".join(
        f'<img style="float:right;width:30mm" src="{segno.make(payload, error="m").png_data_uri(scale=4)}">'
        for payload in doc.qr
    )
    page = f"""<html><head><style>
      @page {{ size: A4; margin: 20mm; }}
      body {{ font-family: 'Noto Sans CJK SC'; font-size: 11pt; }}
      h1 {{ text-align: center; font-size: 20pt; }}
      .row {{ position: relative; height: 2em; }}
    </style></head><body>{codes}<h1>{html.escape(doc.title)}</h1>{"".join(cells)}</body></html>"""
    result: Any = HTML(string=page).write_pdf()
    return bytes(result)


# What each sample looks like: (index of the facts, how it was scanned, as what).
PLAN: list[tuple[int, dict[str, Any], str]] = [
    (0, {"turn": 0, "blur": 0.6, "noise": 6, "quality": 70}, "jpeg"),
    (1, {"turn": 90, "blur": 0.9, "noise": 10, "quality": 55}, "jpeg"),
    (2, {"turn": 180, "blur": 0.8, "noise": 8, "quality": 60}, "pdf"),
]
EXTRA: list[tuple[str, int, dict[str, Any], str]] = [
    ("business_license", 1, {"turn": 270, "blur": 1.0, "noise": 12, "quality": 45}, "jpeg"),
    ("hosting_agreement", 1, {"turn": 270, "blur": 0.7, "noise": 8, "quality": 60}, "pdf"),
    ("domain_certificate", 2, {}, "text"),
    ("bank_statements", 0, {}, "text"),
    ("icp_filing", 1, {}, "text"),
]


def build(seed: int = 12) -> list[Sample]:
    rng = random.Random(seed)
    samples: list[Sample] = []
    plan = [(m, i, scan, kind) for m in MAKERS for i, scan, kind in PLAN] + EXTRA
    for material, index, scan, kind in plan:
        doc = MAKERS[material](index)
        if kind == "text":
            data = text_pdf(doc)
        else:
            jpeg = scanned(render(doc), rng, **scan)
            data = as_pdf(jpeg) if kind == "pdf" else jpeg
        name = f"{material}-{index}-{kind}-{scan.get('turn', 0)}"
        samples.append(Sample(name, material, data, doc.expected, doc.qr))
    return samples


def plain_id_numbers(text: str) -> list[str]:
    """The corpus's identity numbers that appear unmasked in ``text``."""
    numbers = [valid_id(body) for *_, body, _ in COMPANIES] + [valid_id(body) for _, body in STAFF]
    return [number for number in numbers if number in text]
