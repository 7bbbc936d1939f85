"""Importing clients: values as typed, errors by row, column and field, all or nothing, upsert."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from icpdesk.accounts.models import Mandate
from icpdesk.bulk.imports import public_report, run_import, start_import
from icpdesk.changes.models import ChangeRecord
from icpdesk.enterprises.models import Enterprise
from tests.bulk.conftest import HEADERS, xlsx
from tests.factories import Personas, make_id_number, make_uscc

pytestmark = pytest.mark.django_db


def do_import(
    personas: Personas, data: bytes, name: str = "clients.xlsx", lang: str = "zh-hans", **options: Any
) -> dict[str, Any]:
    run = start_import(personas.agency, personas.consultant, data, name, enqueue=False, **options)
    return public_report(run_import(run, lang=lang), lang)


def row(code: str, name: str = "兰州新客户电子商务有限公司", **extra: Any) -> list[Any]:
    values = {
        "企业类型": "有限责任公司",
        "注册省份": "甘肃省",
        "所在市州": "兰州市",
        "成立日期": "2023/5/10",
        "注册资本（元）": "100万",
    }
    values.update(extra)
    return [code, name, *[values[h] for h in HEADERS[2:]]]


def test_it_creates_new_clients_with_organisation_and_mandate(personas: Personas) -> None:
    code = make_uscc()
    report = do_import(personas, xlsx([row(code)]))
    assert report["errors"] == []
    assert (report["created"], report["updated"], report["unchanged"], report["skipped"]) == (1, 0, 0, 0)
    enterprise = Enterprise.objects.get(uscc=code)
    assert enterprise.registered_on == date(2023, 5, 10)
    assert enterprise.registered_capital_cny == 1_000_000
    assert enterprise.legal_form == "limited_company"
    assert enterprise.province_code == "CN-GS"
    assert enterprise.organisation.kind == "enterprise"
    mandate = Mandate.objects.get(enterprise=enterprise)
    assert mandate.agency == personas.agency and mandate.prepare and mandate.file
    assert ChangeRecord.objects.filter(enterprise_id=enterprise.pk, action="enterprise.create").count() == 1


FULL_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "企业类型",
    "注册省份",
    "所在市州",
    "成立日期",
    "注册资本（元）",
    "经营范围",
    "列入经营异常名录",
    "列入严重违法失信名单",
    "法定代表人",
    "法定代表人身份证号",
    "联系手机",
    "住所",
    "网站域名",
    "域名持有者",
    "ICP备案号",
    "服务器所在地区",
    "网站功能模块",
    "内容合规",
    "第三方商家入驻",
    "其他服务",
    "验资报告",
    "基本户银行流水（月）",
]


def test_every_value_format_is_read_into_the_profile(personas: Personas) -> None:
    code = make_uscc()
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())  # full-width, lower case
    values = [
        f" {wide[:6]} {wide[6:]} ",
        "兰州全格式电子商务有限公司",
        "limited_company",
        "甘肃",
        "兰州市",
        date(2023, 5, 10),
        "1,000,000",
        "互联网信息服务；在线交易平台服务",
        "否",
        "no",
        "王建国",
        make_id_number("19750101", 111),
        "138 9311 2345",
        "兰州市城关区",
        "Shop.Gansu-EC.com",
        "兰州全格式电子商务有限公司",
        "甘ICP备20230001号-1",
        "甘肃省、CN-BJ；香港",
        "商品展示、用户注册；下单支付,订单管理;物流跟踪",
        "是",
        "否",
        "购物分期、小额贷款",
        "√",
        "3个月",
    ]
    report = do_import(personas, xlsx([values], FULL_HEADERS))
    assert report["errors"] == [], report["errors"]
    e = Enterprise.objects.get(uscc=code)
    assert e.province == "甘肃省" and e.province_code == "CN-GS"
    assert e.registered_capital_cny == 1_000_000
    assert e.on_abnormal_list is False and e.on_serious_violation_list is False
    assert e.contact_phone == "13893112345"
    assert e.domain == "gansu-ec.com"
    assert e.icp_filing_number == "甘ICP备20230001号-1"
    assert e.server_regions == ["CN-GS", "CN-BJ", "CN-HK"]
    assert e.modules == [
        "product_display",
        "user_registration",
        "order_payment",
        "order_management",
        "logistics_tracking",
    ]
    assert e.services == ["购物分期", "小额贷款"]
    assert e.capital_verification_report is True and e.bank_statement_months == 3


def test_field_keys_work_as_headers(personas: Personas) -> None:
    code = make_uscc()
    data = xlsx(
        [[code, "兰州字段名有限公司", "2023年5月10日", "100万", "张三"]],
        [
            "enterprise.uscc",
            "enterprise.name",
            "enterprise.registered_on",
            "enterprise.registered_capital_cny",
            "enterprise.legal_representative",
        ],
    )
    assert do_import(personas, data)["created"] == 1
    e = Enterprise.objects.get(uscc=code)
    assert (e.registered_on, e.registered_capital_cny, e.legal_rep_name) == (
        date(2023, 5, 10),
        1_000_000,
        "张三",
    )


def test_a_formula_counts_as_its_cached_value(personas: Personas, tmp_path: Any) -> None:
    # openpyxl writes formulas without cached values; Excel keeps both. Build the XML as Excel saves it.
    import io
    import zipfile

    code = make_uscc()
    source = xlsx([[code, "兰州公式有限公司", None, None, None, None, 0]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<c r="G2" t="n"><v>0</v></c>', b'<c r="G2"><f>100*10000</f><v>1000000</v></c>'
                )
                assert b"<f>100*10000</f>" in content
            zout.writestr(item, content)
    assert do_import(personas, out.getvalue())["errors"] == []
    assert Enterprise.objects.get(uscc=code).registered_capital_cny == 1_000_000


def test_errors_name_row_column_field_and_reason_in_both_languages(personas: Personas) -> None:
    good = make_uscc()
    data = xlsx(
        [
            row(good),
            row("91620100MA7ABC2D18", "兰州坏代码有限公司"),  # check character wrong
            row(make_uscc(), "兰州坏日期有限公司", 成立日期="2023-02-30"),
            row(make_uscc(), "兰州坏资本有限公司", **{"注册资本（元）": "一百万"}),
            row(make_uscc(), "兰州坏类型有限公司", 企业类型="股份公司"),
        ]
    )
    report = do_import(personas, data)
    assert not Enterprise.objects.filter(uscc=good).exists()  # all or nothing
    assert (report["created"], report["skipped"], report["imported"]) == (0, 4, False)
    found = {(e["row"], e["column"], e["field"]) for e in report["errors"]}
    assert found == {
        (3, "统一社会信用代码", "enterprise.uscc"),
        (4, "成立日期", "enterprise.registered_on"),
        (5, "注册资本（元）", "enterprise.registered_capital_cny"),
        (6, "企业类型", "enterprise.legal_form"),
    }
    by_row = {e["row"]: e["message"] for e in report["errors"]}
    assert "日期不存在" in by_row[4]
    english = {e["row"]: e["message"] for e in do_import(personas, data, lang="en")["errors"]}
    assert english[4].startswith("no such date") and "not an amount" in english[5]


def test_a_credit_code_twice_in_one_file_is_an_error_on_the_second_row(personas: Personas) -> None:
    code = make_uscc()
    report = do_import(personas, xlsx([row(code), row(code, "兰州重复有限公司")]))
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(3, "enterprise.uscc")]
    assert "第 2 行" in report["errors"][0]["message"]
    assert not Enterprise.objects.filter(uscc=code).exists()


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(personas: Personas) -> None:
    good = make_uscc()
    report = do_import(personas, xlsx([row(good), row(make_uscc(), 成立日期="明天")]), skip_invalid=True)
    assert (report["created"], report["skipped"], report["imported"]) == (1, 1, True)
    assert report["errors"][0]["row"] == 3
    assert Enterprise.objects.filter(uscc=good).exists()


def test_a_new_client_without_a_name_is_an_error(personas: Personas) -> None:
    report = do_import(personas, xlsx([[make_uscc(), None, None, None, None, None, None]]))
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(2, "enterprise.name")]


def test_a_missing_credit_code_column_is_an_error_on_the_header_row(personas: Personas) -> None:
    report = do_import(personas, xlsx([["兰州无代码有限公司"]], ["企业名称"]))
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(1, "enterprise.uscc")]


def test_an_existing_client_is_updated_field_by_field_with_a_change_record(personas: Personas) -> None:
    enterprise = personas.enterprise
    data = xlsx(
        [[enterprise.uscc, enterprise.name, "20,000,000", "王新"]],
        ["统一社会信用代码", "企业名称", "注册资本（元）", "法定代表人"],
    )
    report = do_import(personas, data)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 0)
    enterprise.refresh_from_db()
    assert (enterprise.registered_capital_cny, enterprise.legal_rep_name) == (20_000_000, "王新")
    record = ChangeRecord.objects.filter(enterprise_id=enterprise.pk, action="enterprise.update").get()
    assert record.before == {"registered_capital_cny": 1_000_000, "legal_rep_name": "王建国"}
    assert record.after == {"registered_capital_cny": 20_000_000, "legal_rep_name": "王新"}


def test_importing_the_same_file_twice_changes_nothing(personas: Personas) -> None:
    data = xlsx([row(make_uscc()), row(make_uscc(), "兰州第二家有限公司")])
    first = do_import(personas, data)
    assert first["created"] == 2
    records = ChangeRecord.objects.count()
    second = do_import(personas, data)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)
    assert ChangeRecord.objects.count() == records


def test_blank_cells_leave_stored_values_alone(personas: Personas) -> None:
    enterprise = personas.enterprise
    report = do_import(personas, xlsx([[enterprise.uscc, None, None, None, None, None, None]]))
    assert report["unchanged"] == 1
    enterprise.refresh_from_db()
    assert enterprise.registered_capital_cny == 1_000_000


def test_another_agencys_client_is_not_taken_over(personas: Personas) -> None:
    other = personas.other_enterprise
    report = do_import(personas, xlsx([row(other.uscc, "改名企图有限公司")]))
    error = report["errors"][0]
    assert (error["row"], error["field"]) == (2, "enterprise.uscc")
    assert "其他代办机构" in error["message"] and "授予委托" in error["message"]
    other.refresh_from_db()
    assert other.name != "改名企图有限公司"
    assert not Mandate.objects.filter(agency=personas.agency, enterprise=other).exists()


def test_an_enterprise_with_its_own_accounts_is_not_taken_over(personas: Personas) -> None:
    from tests.factories import make_enterprise, make_user

    own = make_enterprise("武威自营电子商务有限公司")
    make_user("own_owner", own.organisation, ["owner"])
    report = do_import(personas, xlsx([row(own.uscc, own.name)]), lang="en")
    assert "its own accounts" in report["errors"][0]["message"]
    assert not Mandate.objects.filter(agency=personas.agency, enterprise=own).exists()


def test_a_mandate_without_preparing_does_not_allow_changes(personas: Personas) -> None:
    Mandate.objects.filter(pk=personas.mandate.pk).update(prepare=False)
    report = do_import(personas, xlsx([row(personas.enterprise.uscc, personas.enterprise.name)]))
    assert report["errors"][0]["field"] == "enterprise.uscc"
    assert "准备材料" in report["errors"][0]["message"]


def test_dry_run_counts_and_writes_nothing(personas: Personas) -> None:
    code = make_uscc()
    report = do_import(personas, xlsx([row(code)]), dry_run=True)
    assert (report["created"], report["dry_run"]) == (1, True)
    assert not Enterprise.objects.filter(uscc=code).exists()


STAFF = ["统一社会信用代码", "姓名", "身份证号", "专业背景", "证书", "全职", "社保缴纳省份", "社保缴纳月数"]


def test_security_managers_come_from_their_sheet_keyed_by_credit_code(personas: Personas) -> None:
    code = make_uscc()
    staff = [
        [code, "李安全", make_id_number("19880808", 222), "网络空间安全", "CISSP、CISP", "是", "甘肃", "6"]
    ]
    report = do_import(personas, xlsx([row(code)], staff=staff, staff_headers=STAFF))
    assert report["errors"] == []
    member = Enterprise.objects.get(uscc=code).security_staff.get()
    assert (
        member.name,
        member.certificates,
        member.full_time,
        member.insured_province,
        member.insured_months,
    ) == (
        "李安全",
        ["CISSP", "CISP"],
        True,
        "甘肃省",
        6,
    )
    assert member.id_number_masked.startswith("6201") and "*" in member.id_number_masked
    again = do_import(personas, xlsx([row(code)], staff=staff, staff_headers=STAFF))
    assert again["unchanged"] == 1


def test_a_staff_row_error_names_its_sheet_and_keeps_the_client_out(personas: Personas) -> None:
    code = make_uscc()
    staff = [[code, "李安全", "620102198808082229", None, None, "是", "甘肃省", "-1"]]
    report = do_import(personas, xlsx([row(code)], staff=staff, staff_headers=STAFF), skip_invalid=True)
    sheets = {(e["sheet"], e["row"], e["field"]) for e in report["errors"]}
    assert ("安全管理人员", 2, "security_staff[].insured_months") in sheets
    assert report["created"] == 0
    assert not Enterprise.objects.filter(uscc=code).exists()


def test_a_staff_row_for_an_unknown_client_is_an_error(personas: Personas) -> None:
    staff = [[make_uscc(), "李安全", None, None, None, "是", "甘肃省", "3"]]
    report = do_import(personas, xlsx([row(make_uscc())], staff=staff, staff_headers=STAFF))
    assert report["errors"][0]["sheet"] == "安全管理人员"
    assert report["errors"][0]["field"] == "enterprise.uscc"


def test_unknown_columns_are_ignored_and_named(personas: Personas) -> None:
    data = xlsx([[make_uscc(), "兰州多列有限公司", "备注内容"]], ["统一社会信用代码", "企业名称", "客户经理"])
    report = do_import(personas, data)
    assert report["created"] == 1
    assert report["ignored_columns"] == ["客户经理"]


def test_a_remembered_mapping_reads_the_agencys_own_headers(personas: Personas) -> None:
    from icpdesk.bulk.imports import remember_mapping

    remember_mapping(personas.agency, {"信用代码": "enterprise.uscc", "公司": "enterprise.name"})
    code = make_uscc()
    report = do_import(personas, xlsx([[code, "兰州映射有限公司"]], ["信用代码", "公司"]))
    assert report["created"] == 1, report
    assert Enterprise.objects.get(uscc=code).name == "兰州映射有限公司"


def test_the_error_workbook_highlights_and_comments_the_faulty_cells(personas: Personas) -> None:
    from django.core.files.storage import default_storage

    from icpdesk.bulk.models import ImportRun, Status
    from tests.bulk.conftest import open_xlsx

    run = start_import(
        personas.agency,
        personas.consultant,
        xlsx([row(make_uscc(), 成立日期="明天")]),
        "c.xlsx",
        enqueue=False,
    )
    run_import(run)
    run.refresh_from_db()
    assert run.status == Status.REJECTED and run.error_file
    with default_storage.open(run.error_file, "rb") as handle:
        ws = open_xlsx(handle.read())["企业"]
    cell = ws["F3"] if ws["F2"].value is None else ws["F2"]
    assert cell.value == "明天"
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "enterprise.registered_on" in cell.comment.text
    assert ImportRun.objects.get(pk=run.pk).report["errors"][0]["row"] == 2
