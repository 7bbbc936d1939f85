"""The checklist's badge follows the pack: the capital proof is the verification report or the statements."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from selectolax.lexbor import LexborHTMLParser

from icpdesk.cases.models import Application
from icpdesk.lib.packs import pack_named
from tests.factories import Personas, supply_materials
from tests.materials.conftest import png

EITHER = "注册资本验资报告复印件 或 企业基本户近3个月资金流水"


def _badge(personas: Personas, case: Application) -> str:
    client = Client()
    client.force_login(personas.consultant)
    page = LexborHTMLParser(client.get(reverse("materials:checklist", args=[case.pk])).content.decode())
    missing = page.css_first("#materials-missing")
    return missing.text() if missing is not None else page.css_first(".status.good").text()


def test_the_pack_names_the_two_capital_proofs_as_alternatives() -> None:
    pack = pack_named("gansu")
    assert pack.material("capital_verification").one_of == "capital_proof"
    assert pack.material("bank_statements").one_of == "capital_proof"
    assert pack_named("national").material("bank_statements").one_of == "capital_proof"


@pytest.mark.django_db
def test_without_a_capital_proof_the_badge_says_either(
    personas: Personas, case: Application, put: Any
) -> None:
    supply_materials(case, personas.consultant)
    assert _badge(personas, case) == "尚缺必交材料：" + EITHER
    put(personas.consultant, case, "bank_statements", png())
    assert _badge(personas, case) == "必交材料已齐全"


@pytest.mark.django_db
def test_the_verification_report_alone_is_enough(personas: Personas, case: Application, put: Any) -> None:
    supply_materials(case, personas.consultant)
    put(personas.consultant, case, "capital_verification", png())
    assert _badge(personas, case) == "必交材料已齐全"


@pytest.mark.django_db
def test_an_empty_checklist_lists_the_required_and_the_proof(personas: Personas, case: Application) -> None:
    badge = _badge(personas, case)
    assert badge.startswith("尚缺必交材料：《互联网信息服务许可证申请表》、营业执照副本复印件")
    assert EITHER in badge
