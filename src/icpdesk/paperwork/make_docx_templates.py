"""Build the Word templates in ``docx_templates/`` once, from the outlines below.

Run ``python -m icpdesk.paperwork.make_docx_templates`` to write them again
(it overwrites the .docx files: edit the .docx in Word afterwards, not here,
unless you mean to start over). The .docx files are committed; they hold
docxtpl (Jinja) fields such as ``{{ company_name }}`` that a non-programmer can
move, restyle or reword in Word. ``--html`` also writes the PDF templates
(``templates/paperwork/pdf/<id>.html``) from the same outlines, but only
those that do not exist yet, so hand edits there are never lost.

An outline is a list of blocks:
``("h1", text)``, ``("h2", text)``, ``("p", text)``, ``("sign", [lines])``,
``("facts", [(label, field), ...])``, ``("list", "m in modules_list", "{{ m }}")``,
``("table", [headers], "c in cases", [cells])``, ``("if", "not cases", text)``,
``("image", field)``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCX_DIR = HERE / "docx_templates"
HTML_DIR = HERE / "templates" / "paperwork" / "pdf"

Block = tuple[Any, ...]

_SIGN = [
    "单位名称（盖章）：{{ company_name }}",
    "法定代表人（签字）：＿＿＿＿＿＿＿＿",
    "日期：{{ today }}",
]

OUTLINES: dict[str, list[Block]] = {
    "application_form": [
        ("h1", "互联网信息服务许可证申请表"),
        ("p", "申请业务类型：{{ license_type }}（互联网信息服务）　　案件编号：{{ case_reference }}"),
        ("h2", "一、申请单位基本情况"),
        (
            "facts",
            [
                ("企业名称", "company_name"),
                ("统一社会信用代码", "credit_code"),
                ("企业类型", "legal_form"),
                ("法定代表人", "legal_rep_name"),
                ("住所", "address"),
                ("成立日期", "registered_on"),
                ("注册资本", "registered_capital"),
                ("经营范围", "business_scope"),
                ("联系电话", "contact_phone"),
            ],
        ),
        ("h2", "二、网站基本情况"),
        (
            "facts",
            [
                ("网站域名", "domain"),
                ("ICP备案号", "icp_filing_number"),
                ("服务器所在地区", "server_regions"),
                ("服务器地址", "server_address"),
                ("网站功能模块", "modules"),
            ],
        ),
        ("h2", "三、网络与信息安全负责人"),
        (
            "facts",
            [
                ("姓名", "security_manager"),
                ("专业背景", "security_manager_major"),
                ("安全资格证书", "security_manager_certificates"),
            ],
        ),
        ("h2", "四、申请单位承诺"),
        (
            "p",
            "本单位承诺：本表所填内容及所附材料真实、准确、完整，与原件一致；"
            "如有虚假，愿承担相应的法律责任，并接受主管部门依法作出的处理。",
        ),
        ("sign", _SIGN),
    ],
    "no_violation_statement": [
        ("h1", "无违法违规声明"),
        ("p", "致：{{ province }}通信管理局"),
        (
            "p",
            "本人{{ legal_rep_name }}，系{{ company_name }}"
            "（统一社会信用代码：{{ credit_code }}）的法定代表人。"
            "现郑重声明：自{{ period_from }}至{{ period_to }}的两年内，本公司及本公司运营的网站"
            "（{{ domain }}）未发生违反《互联网信息服务管理办法》等互联网信息服务法律法规的行为，"
            "未因此受到通信管理部门或其他主管部门的行政处罚。",
        ),
        (
            "p",
            "本人对上述声明的真实性负责。如有不实，本公司愿承担由此产生的一切法律责任，"
            "并接受主管部门依法作出的处理（包括不予许可和三年内不得再次申请）。",
        ),
        ("p", "特此声明。"),
        (
            "sign",
            [
                "声明人（法定代表人签字）：＿＿＿＿＿＿＿＿",
                "单位名称（盖章）：{{ company_name }}",
                "日期：{{ today }}",
            ],
        ),
    ],
    "content_review": [
        ("h1", "网站内容自查报告"),
        (
            "facts",
            [
                ("企业名称", "company_name"),
                ("统一社会信用代码", "credit_code"),
                ("网站域名", "domain"),
                ("ICP备案号", "icp_filing_number"),
                ("自查日期", "today"),
            ],
        ),
        ("h2", "一、自查范围"),
        ("p", "本公司对网站（{{ domain }}）以下功能模块的全部页面及用户发布的内容进行了逐项检查："),
        ("list", "m in modules_list", "{{ m }}"),
        ("h2", "二、检查的内容类别"),
        (
            "p",
            "对照《互联网信息服务管理办法》第十五条及相关法律法规，逐项检查网站是否含有下列信息"
            "（请在核实后勾选检查结果）：",
        ),
        (
            "table",
            ["内容类别", "检查结果"],
            "c in content_categories",
            ["{{ c }}", "□ 未发现　□ 已发现并整改"],
        ),
        ("h2", "三、内容管理措施"),
        ("p", "1. 信息发布前审核：商品信息及用户发布内容经人工或关键词过滤审核后发布。"),
        ("p", "2. 用户实名注册：用户以手机号码注册并验证，商家入驻须提交营业执照。"),
        ("p", "3. 违法信息处置：发现违法信息立即停止传输、保存记录，并向主管部门报告。"),
        ("p", "4. 投诉举报：网站首页公布投诉举报渠道，收到的投诉在规定时间内处理并记录。"),
        ("h2", "四、自查结论"),
        ("p", "经自查，本网站 □ 未发现　□ 发现并已整改 上述违法和不良信息。"),
        ("sign", _SIGN),
    ],
    "privacy_policy": [
        ("h1", "{{ platform_name }}隐私政策与用户协议"),
        ("p", "发布日期：{{ today }}　　网址：{{ domain }}"),
        (
            "p",
            "{{ company_name }}（统一社会信用代码：{{ credit_code }}，住所：{{ address }}，以下简称“我们”）"
            "运营{{ platform_name }}（网址：{{ domain }}，以下简称“本平台”）。我们依据"
            "《中华人民共和国个人信息保护法》《中华人民共和国网络安全法》《中华人民共和国数据安全法》"
            "《中华人民共和国电子商务法》制定本隐私政策与用户协议。请您在使用本平台前仔细阅读。",
        ),
        ("h2", "第一部分　隐私政策"),
        ("h2", "一、我们收集的个人信息及用途"),
        ("p", "我们仅为实现下列功能所必需收集您的个人信息："),
        (
            "table",
            ["功能模块", "收集的信息", "用途"],
            "r in privacy_rows",
            ["{{ r.module }}", "{{ r.data }}", "{{ r.purpose }}"],
        ),
        ("h2", "二、保存期限"),
        (
            "p",
            "交易记录自交易完成之日起保存不少于三年；其他个人信息仅在实现处理目的所必需的最短期间内保存，"
            "期满或您注销账户后，我们将删除或匿名化处理您的个人信息，法律另有规定的除外。",
        ),
        ("h2", "三、我们如何保护您的个人信息"),
        (
            "p",
            "您的个人信息存储于中华人民共和国境内的服务器（{{ server_regions }}），未经您单独同意且未依法"
            "通过安全评估，不向境外提供。数据传输全程采用 HTTPS（TLS）加密；身份证号、手机号等敏感个人信息"
            "加密存储，不以明文保存银行卡号；您的密码仅保存使用 Argon2 等加盐慢哈希算法计算的摘要，"
            "绝不使用 MD5 等快速哈希。我们按最小必要原则授予员工访问权限，并记录访问日志。",
        ),
        ("h2", "四、您的权利"),
        (
            "p",
            "依据《个人信息保护法》，您有权查阅、复制您的个人信息，要求更正、补充或删除，撤回同意，"
            "注销账户，请求将个人信息转移至您指定的个人信息处理者，并要求我们对个人信息处理规则作出解释说明。"
            "我们将在收到请求后十五个工作日内答复。",
        ),
        ("h2", "五、对外提供与委托处理"),
        (
            "p",
            "我们不出售您的个人信息。仅在完成交易所必需时，向支付机构、物流企业提供必要信息，"
            "并告知您接收方的名称和联系方式；其他情形须取得您的单独同意，法律法规另有规定的除外。",
        ),
        ("h2", "六、未成年人保护"),
        ("p", "不满十四周岁的未成年人使用本平台，须取得其父母或其他监护人的同意。"),
        ("h2", "七、联系我们"),
        (
            "facts",
            [
                ("个人信息保护负责人", "security_manager"),
                ("联系电话", "contact_phone"),
                ("联系地址", "address"),
            ],
        ),
        ("h2", "第二部分　用户协议"),
        ("p", "一、协议的订立：您注册或使用本平台，即表示同意本协议。本协议由您与{{ company_name }}订立。"),
        ("p", "二、账户安全：您应妥善保管账户和密码，发现账户被盗用时立即通知我们。"),
        (
            "p",
            "三、行为规范：您不得利用本平台发布、传播法律法规禁止的信息，不得销售禁止或限制网络交易的商品，"
            "不得从事欺诈、侵犯他人知识产权等违法活动。",
        ),
        ("p", "四、交易规则：商品信息、价格、配送以页面展示和订单为准，售后服务依《消费者权益保护法》执行。"),
        ("p", "五、协议变更：本协议变更时，我们将在本平台显著位置公告，并以合理方式提示您。"),
        (
            "p",
            "六、争议解决：本协议适用中华人民共和国法律；争议协商不成的，任何一"
            "方可向{{ company_name }}住所地人民法院提起诉讼。",
        ),
        ("sign", ["{{ company_name }}", "{{ today }}"]),
    ],
    "network_security_rules": [
        ("h1", "网络安全管理制度"),
        ("p", "单位：{{ company_name }}（统一社会信用代码：{{ credit_code }}）　网站：{{ domain }}"),
        ("h2", "第一章　总则"),
        (
            "p",
            "第一条　为保障本公司所运营网站（{{ domain }}"
            "）及其信息系统的网络安全，依据《中华人民共和国网络安全法》"
            "《互联网信息服务管理办法》等法律法规，制定本制度。",
        ),
        ("h2", "第二章　组织与职责"),
        (
            "p",
            "第二条　本公司总经理是网络安全第一责任人，对本公司网络安全工作负全面领导责任，"
            "保障网络安全所需的人员、经费和技术投入。",
        ),
        (
            "p",
            "第三条　网络安全负责人{{ security_manager }}是网络安全直接责任人，全职负责网络安全的日常管理："
            "组织制定和落实安全制度、技术措施和应急预案，开展安全检查、教育培训和应急演练，"
            "处置安全事件并按规定向主管部门报告。",
        ),
        ("p", "第四条　各部门负责人对本部门的网络安全负责；全体员工应遵守本制度，发现安全隐患及时报告。"),
        ("h2", "第三章　日常管理"),
        (
            "p",
            "第五条　服务器和网络设备由专人管理，机房出入登记；系"
            "统账号实行实名和最小权限管理，人员离岗当日注销账号。",
        ),
        (
            "p",
            "第六条　网络日志及用户登录、发布信息记录留存不少于六个月；及时安装安全补丁，定期进行漏洞扫描。",
        ),
        (
            "p",
            "第七条　网站发布的信息实行先审后发；发现违法信息立即停止传输，保存记录，并向有关主管部门报告。",
        ),
        ("h2", "第四章　检查与培训"),
        (
            "p",
            "第八条　网络安全负责人每季度组织一次安全检查，每年"
            "至少组织一次全员网络安全培训，检查和培训均留存记录。",
        ),
        ("h2", "第五章　附则"),
        ("p", "第九条　本制度自{{ today }}起施行，由网络安全负责人负责解释，并在办公场所张贴公示。"),
        ("sign", _SIGN),
    ],
    "data_security_rules": [
        ("h1", "数据安全保护制度"),
        ("p", "单位：{{ company_name }}（统一社会信用代码：{{ credit_code }}）　网站：{{ domain }}"),
        ("h2", "第一章　总则"),
        (
            "p",
            "第一条　为保护本公司处理的数据和用户个人信息的安全，依据《中华人民共和国数据安全法》"
            "《中华人民共和国个人信息保护法》，制定本制度。网络安全负责人"
            "{{ security_manager }}负责本制度的落实。",
        ),
        ("h2", "第二章　分类分级"),
        (
            "p",
            "第二条　数据分为一般数据、个人信息和敏感个人信息（身份证"
            "号、银行卡号、手机号、行踪轨迹等），按级别采取保护措施。",
        ),
        ("h2", "第三章　传输与存储加密"),
        ("p", "第三条　传输加密：网站全站使用 HTTPS（TLS 1.2 及以上），服务器之间的数据传输同样加密。"),
        (
            "p",
            "第四条　存储加密：敏感个人信息以 AES-256 等强加密算法加密存储，密钥与数据分开保管；"
            "不得明文存储银行卡号，页面展示时脱敏处理。",
        ),
        (
            "p",
            "第五条　用户密码只保存以 Argon2（或 scrypt、bcrypt）等加盐慢哈希算法计算的摘要；"
            "严禁使用 MD5、SHA-1 等快速哈希或不加盐的哈希保存密码。",
        ),
        ("h2", "第四章　访问控制与备份"),
        (
            "p",
            "第六条　按最小必要原则授权访问数据，访问和导出敏感数据须审批并记录日志，日志保存不少于六个月。",
        ),
        ("p", "第七条　数据每日备份，备份数据同样加密；每季度进行一次恢复测试。"),
        ("h2", "第五章　数据存放地点与销毁"),
        (
            "p",
            "第八条　数据存放于中华人民共和国境内的服务器（{{ server_address }}"
            "），未经安全评估不得向境外提供。",
        ),
        (
            "p",
            "第九条　数据超过保存期限或用户注销账户后，按规定删除或匿名化处理；存储介质报废前彻底销毁数据。",
        ),
        ("h2", "第六章　附则"),
        ("p", "第十条　违反本制度造成数据泄露的，依法追究责任。本制度自{{ today }}起施行。"),
        ("sign", _SIGN),
    ],
    "emergency_plan": [
        ("h1", "网络与信息安全应急预案"),
        ("p", "单位：{{ company_name }}（统一社会信用代码：{{ credit_code }}）　网站：{{ domain }}"),
        ("h2", "一、组织机构"),
        (
            "facts",
            [
                ("应急领导小组组长", "general_manager"),
                ("应急工作负责人（网络安全负责人）", "security_manager"),
                ("应急联系电话", "contact_phone"),
            ],
        ),
        ("h2", "二、适用范围"),
        ("p", "网站被攻击篡改、数据泄露、发布违法信息、服务器或网络故障等网络与信息安全事件。"),
        ("h2", "三、处置流程"),
        ("p", "1. 发现与报告：任何员工发现安全事件，立即报告网络安全负责人。"),
        ("p", "2. 断开隔离：立即断开受影响服务器的网络连接，暂停相关功能或网站服务，防止事态扩大。"),
        ("p", "3. 调查取证：保存系统日志和相关数据，查明事件原因、影响范围和涉及的用户。"),
        (
            "p",
            "4. 报告主管部门：在发现事件后 24 小时内向{{ province }}通信管理局报告，"
            "涉及违法犯罪的同时向公安机关报告；个人信息泄露的，依法通知受影响的用户。",
        ),
        ("p", "5. 恢复：消除隐患、修复系统并经检查确认安全后恢复服务。"),
        ("p", "6. 总结：事件处置完毕后五个工作日内形成书面报告，改进安全措施。"),
        ("h2", "四、应急演练"),
        (
            "p",
            "每年至少组织一次应急演练，演练后如实填写演练记录（"
            "时间、场景、参加人员、过程、发现的问题和改进措施），"
            "记录留存备查。",
        ),
        (
            "table",
            ["演练日期", "演练场景", "参加人员", "发现的问题与改进措施"],
            "d in drill_rows",
            ["{{ d }}", "", "", ""],
        ),
        ("h2", "五、附则"),
        ("p", "本预案自{{ today }}起施行，由网络安全负责人负责解释和组织修订。"),
        ("sign", _SIGN),
    ],
    "topology": [
        ("h1", "网站拓扑结构图"),
        (
            "facts",
            [
                ("企业名称", "company_name"),
                ("统一社会信用代码", "credit_code"),
                ("网站域名", "domain"),
                ("服务器所在地区", "server_regions"),
                ("服务器地址", "server_address"),
            ],
        ),
        ("image", "topology_image"),
        ("h2", "架构与数据流说明"),
        (
            "p",
            "用户通过浏览器或手机访问 {{ domain }}，请求经 CDN 加"
            "速后到达位于{{ server_regions }}的 Web 服务器"
            "（{{ server_address }}），Web 服务器读写同机房的数据库服务器。全程使用 HTTPS 加密传输，"
            "数据库中的敏感数据加密存储。{{ server_location_statement }}",
        ),
        ("h2", "网站功能模块"),
        ("list", "m in modules_list", "{{ m }}"),
        ("sign", _SIGN),
    ],
    "weekly_report": [
        ("h1", "代办进度周报"),
        ("p", "客户：{{ company_name }}（统一社会信用代码：{{ credit_code }}）"),
        ("p", "代办机构：{{ agency_name }}　　报告期间：{{ week_from }} 至 {{ week_to }}"),
        ("h2", "一、案件状态与下一步"),
        (
            "table",
            ["案件编号", "当前状态", "下一步", "截止日期"],
            "c in cases",
            ["{{ c.reference }}", "{{ c.state }}", "{{ c.next_step }}", "{{ c.due }}"],
        ),
        ("if", "not cases", "本客户目前没有案件。"),
        ("h2", "二、本周进展"),
        (
            "table",
            ["日期", "案件编号", "事项", "办理方"],
            "e in events",
            ["{{ e.at }}", "{{ e.reference }}", "{{ e.what }}", "{{ e.who }}"],
        ),
        ("if", "not events", "本周没有新的进展。"),
        ("sign", ["{{ agency_name }}", "{{ today }}"]),
    ],
}


# ------------------------------------------------------------------ Word


def _fonts(element: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for key in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(key), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _page_number_footer(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页 / 共 ", "NUMPAGES"), (" 页", None)):
        paragraph.add_run(text)
        if field:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), field)
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            run.append(t)
            simple.append(run)
            paragraph._p.append(simple)


def _table(document: Any, rows: int, cols: int) -> Any:
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def build_docx(document_id: str, outline: list[Block], target: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _fonts(normal.element, "宋体")
    for name, size in (("Title", 20), ("Heading 1", 15)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = None
        _fonts(style.element, "黑体", "Arial")
    doc.core_properties.title = document_id
    _page_number_footer(section)

    for block in outline:
        kind = block[0]
        if kind == "h1":
            p = doc.add_paragraph(block[1], style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "h2":
            doc.add_paragraph(block[1], style="Heading 1")
        elif kind == "p":
            p = doc.add_paragraph(block[1])
            p.paragraph_format.first_line_indent = Pt(24)
        elif kind == "sign":
            doc.add_paragraph("")
            for line in block[1]:
                p = doc.add_paragraph(line)
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "facts":
            table = _table(doc, len(block[1]), 2)
            for row, (label, field) in zip(table.rows, block[1], strict=True):
                row.cells[0].text = label
                row.cells[1].text = "{{ " + field + " }}"
                row.cells[0].width, row.cells[1].width = Mm(50), Mm(110)
        elif kind == "list":
            doc.add_paragraph("{%p for " + block[1] + " %}")
            doc.add_paragraph("· " + block[2])
            doc.add_paragraph("{%p endfor %}")
        elif kind == "table":
            headers, loop, cells = block[1], block[2], block[3]
            table = _table(doc, 4, len(headers))
            for cell, header in zip(table.rows[0].cells, headers, strict=True):
                cell.text = header
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
            for cell, text in zip(table.rows[2].cells, cells, strict=True):
                cell.text = text
            table.rows[3].cells[0].text = "{%tr endfor %}"
        elif kind == "if":
            doc.add_paragraph("{%p if " + block[1] + " %}")
            doc.add_paragraph(block[2])
            doc.add_paragraph("{%p endif %}")
        elif kind == "image":
            p = doc.add_paragraph("{{ " + block[1] + " }}")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:  # pragma: no cover - an outline typo
            raise ValueError(f"{document_id}: unknown block {kind!r}")
    doc.save(str(target))


# ------------------------------------------------------------------ HTML (first draft only)


def build_html(outline: list[Block]) -> str:
    out = ['{% extends "paperwork/pdf/_base.html" %}', "{% block body %}"]
    for block in outline:
        kind = block[0]
        if kind == "h1":
            out.append(f"<h1>{block[1]}</h1>")
        elif kind == "h2":
            out.append(f"<h2>{block[1]}</h2>")
        elif kind == "p":
            out.append(f"<p>{block[1]}</p>")
        elif kind == "sign":
            out.append('<div class="sign">')
            out.extend(f"  <p>{line}</p>" for line in block[1])
            out.append("</div>")
        elif kind == "facts":
            out.append('<table class="facts">')
            out.extend(f"  <tr><th>{label}</th><td>{{{{ {field} }}}}</td></tr>" for label, field in block[1])
            out.append("</table>")
        elif kind == "list":
            out.append(f"<ul>{{% for {block[1]} %}}<li>{block[2]}</li>{{% endfor %}}</ul>")
        elif kind == "table":
            out.append('<table class="rows">')
            out.append("  <tr>" + "".join(f"<th>{h}</th>" for h in block[1]) + "</tr>")
            out.append(f"  {{% for {block[2]} %}}")
            out.append("  <tr>" + "".join(f"<td>{c}</td>" for c in block[3]) + "</tr>")
            out.append("  {% endfor %}")
            out.append("</table>")
        elif kind == "if":
            out.append(f"{{% if {block[1]} %}}<p>{block[2]}</p>{{% endif %}}")
        elif kind == "image":
            out.append('<figure><img src="{{ topology_svg_uri }}" alt="网站拓扑结构图"></figure>')
    out.append("{% endblock %}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    DOCX_DIR.mkdir(parents=True, exist_ok=True)
    for document_id, outline in OUTLINES.items():
        build_docx(document_id, outline, DOCX_DIR / f"{document_id}.docx")
        print(f"wrote {DOCX_DIR / (document_id + '.docx')}")
        if "--html" in args:
            target = HTML_DIR / f"{document_id}.html"
            if not target.exists():
                HTML_DIR.mkdir(parents=True, exist_ok=True)
                target.write_text(build_html(outline), encoding="utf-8")
                print(f"wrote {target}")


if __name__ == "__main__":
    main()
