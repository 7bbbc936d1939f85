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
from tests.factories import Personas, make_uscc

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
