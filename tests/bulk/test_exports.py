"""Exports: the user's own rows, the page's filters, personal data masked as on the pages, the assessments."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from icpdesk.accounts.models import Mandate
from icpdesk.bulk import exports
from icpdesk.bulk.book import run_book_assessment, start_book_assessment
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from icpdesk.enterprises.access import sees_personal_data
from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.packs import current_pack
from tests.bulk.conftest import open_xlsx
from tests.factories import Personas, file_a_case, make_enterprise

pytestmark = pytest.mark.django_db


def rows_of(table: exports.ExportTable) -> list[list[object]]:
    content, content_type, name = table.render("csv")
    assert content_type.startswith("text/csv") and name.endswith(".csv")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_an_agency_exports_its_clients_with_personal_data_it_may_see(personas: Personas) -> None:
    [header, *rows] = rows_of(exports.enterprises_table(personas.consultant))
    assert header[:2] == ["企业名称", "统一社会信用代码"]
    assert [r[1] for r in rows] == [personas.enterprise.uscc]
    e = personas.enterprise
    assert rows[0][6] == e.legal_rep_id_number and rows[0][7] == e.contact_phone


def test_personal_data_is_masked_for_whoever_sees_it_masked(personas: Personas) -> None:
    Mandate.objects.filter(pk=personas.mandate.pk).update(prepare=False)
    e = personas.enterprise
    assert not sees_personal_data(personas.consultant, e)
    [_header, row] = rows_of(exports.enterprises_table(personas.consultant))
    assert row[6] == mask_id_number(e.legal_rep_id_number) and row[7] == mask_mobile(e.contact_phone)
    assert e.legal_rep_id_number not in row


def test_the_regulator_sees_unmasked_only_the_enterprises_that_filed_in_its_province(
    personas: Personas,
) -> None:
    file_a_case(personas.enterprise, personas.agency)
    [_header, row] = rows_of(exports.enterprises_table(personas.reviewer))
    assert row[1] == personas.enterprise.uscc
    assert sees_personal_data(personas.reviewer, personas.enterprise)
    assert row[6] == personas.enterprise.legal_rep_id_number
    assert exports.unmasked_enterprises(personas.other_reviewer, [personas.enterprise.pk]) == set()


def test_the_enterprise_list_filter_applies(personas: Personas) -> None:
    second = make_enterprise("兰州第二客户有限公司")
    Mandate.objects.create(agency=personas.agency, enterprise=second)
    rows = rows_of(exports.enterprises_table(personas.consultant, {"q": "第二"}))[1:]
    assert [r[0] for r in rows] == ["兰州第二客户有限公司"]


def test_the_case_queue_export_keeps_the_queue_filters(personas: Personas) -> None:
    file_a_case(personas.enterprise, personas.agency)
    all_rows = rows_of(exports.cases_table(personas.consultant))[1:]
    assert len(all_rows) == 1 and all_rows[0][1] == personas.enterprise.name
    assert rows_of(exports.cases_table(personas.consultant, {"state": "draft"}))[1:] == []
    assert rows_of(exports.cases_table(personas.outsider))[1:] == []
    english = rows_of(exports.cases_table(personas.consultant, {}, "en"))
    assert english[0][0] == "Reference"


def test_the_assessments_export_has_a_column_per_rule_and_failures_in_red(personas: Personas) -> None:
    failing = make_enterprise("兰州资本不足有限公司", registered_capital_cny=500_000)
    Mandate.objects.create(agency=personas.agency, enterprise=failing)
    run = start_book_assessment(personas.agency, personas.consultant, date(2026, 12, 1), enqueue=False)
    run_book_assessment(run)
    table = exports.assessments_table(personas.consultant)
    content, _type, _name = table.render("xlsx")
    ws = open_xlsx(content).active
    headers = [c.value for c in ws[1]]
    rules = list(current_pack().rules)
    assert headers[5 : 5 + len(rules)] == [r.title_zh for r in rules]
    assert headers[-2:] == ["整改建议", "建议许可类型"]
    capital = 5 + [r.id for r in rules].index("capital.registered") + 1
    by_name = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    bad = by_name["兰州资本不足有限公司"]
    assert bad[4].value == "不符合条件" and bad[capital - 1].value == "不通过"
    assert bad[capital - 1].fill.fgColor.rgb.endswith("FFC7CE")
    assert "注册资本" in (bad[len(headers) - 2].value or "")
    good = by_name[personas.enterprise.name]
    assert good[4].value == "符合条件" and good[capital - 1].value == "通过"
    assert "B25" in good[len(headers) - 1].value
    only_bad = rows_of(exports.assessments_table(personas.consultant, {"verdict": "not_eligible"}))[1:]
    assert [r[0] for r in only_bad] == ["兰州资本不足有限公司"]


def test_the_licenses_and_duties_exports_are_scoped(personas: Personas) -> None:
    assert rows_of(exports.licenses_table(personas.outsider))[1:] == []
    table = exports.duties_table([], "en", date(2026, 12, 1))
    assert rows_of(table) == [["Due on", "Kind", "Duty", "Days left"]]


def test_book_assessment_keeps_one_run_per_client_and_counts_verdicts(personas: Personas) -> None:
    for i in range(3):
        extra = make_enterprise(f"兰州批量{i}有限公司", eligible=i != 0)
        Mandate.objects.create(agency=personas.agency, enterprise=extra)
    run = start_book_assessment(personas.agency, personas.consultant, date(2026, 12, 1), enqueue=False)
    assert run.total == 4
    seen: list[tuple[int, int]] = []
    run = run_book_assessment(run, lambda done, total: seen.append((done, total)))
    assert run.status == "done" and seen[-1] == (4, 4)
    assert run.verdicts == {"eligible": 3, "not_eligible": 1} or run.verdicts == {
        "eligible": 3,
        "incomplete": 1,
    }
    book = Enterprise.objects.filter(mandates__agency=personas.agency)
    assert all(e.assessments.count() == 1 for e in book)
    assert not personas.other_enterprise.assessments.exists()


def test_the_books_profile_is_the_profile_of_the_enterprise_page(personas: Personas) -> None:
    from icpdesk.bulk.book import _bans, stored_profile
    from icpdesk.enterprises.models import Ban, Violation
    from icpdesk.enterprises.services import build_profile

    e = personas.enterprise
    on = date(2026, 12, 1)
    Violation.objects.create(enterprise=e, date=date(2025, 3, 1), description="发布虚假广告")
    assert stored_profile(e, on, _bans([e.uscc], on).get(e.uscc)) == build_profile(e, on)
    Ban.objects.create(uscc=e.uscc, until=date(2027, 1, 1), reason="伪造材料")
    Ban.objects.create(uscc=e.uscc, until=date(2028, 1, 1), reason="伪造材料")
    assert _bans([e.uscc], on) == {e.uscc: date(2028, 1, 1)}
    assert stored_profile(e, on, _bans([e.uscc], on).get(e.uscc)) == build_profile(e, on)
