"""The checklist: the pack's materials per group with their states, what is missing, fixed query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from icpdesk.cases.models import Application
from icpdesk.lib.packs import current_pack
from icpdesk.materials import services
from tests.factories import Personas, file_with_materials, mark_filed
from tests.materials.conftest import png


@pytest.mark.django_db
def test_every_material_of_the_pack_is_listed_per_group_with_its_state(
    personas: Personas, case: Application, put: Any
) -> None:
    put(personas.consultant, case, "business_license", png())
    context = services.checklist_context(personas.consultant, case)
    pack = current_pack()
    listed = [row.material.id for g in context["checklist_groups"] for row in g["items"]]
    assert listed == [m.id for m in pack.materials]
    assert [g["group"].id for g in context["checklist_groups"]] == [
        "identity",
        "site",
        "staff",
        "capital",
        "compliance",
    ]
    states = {row.material.id: row.state for g in context["checklist_groups"] for row in g["items"]}
    assert states["business_license"] == "uploaded"
    assert states["articles"] == "missing"
    assert context["can_upload"] is True and context["can_review"] is False


@pytest.mark.django_db
def test_missing_required_lists_what_is_missing(personas: Personas, case: Application, put: Any) -> None:
    required = [m.id for m in current_pack().materials if m.required]
    assert [m.id for m in services.missing_required(case)] == required
    put(personas.consultant, case, "business_license", png())
    assert "business_license" not in [m.id for m in services.missing_required(case)]
    for mid in required:
        put(personas.consultant, case, mid, png())
    assert services.missing_required(case) == []


@pytest.mark.django_db
def test_accepted_and_returned_states_show_with_the_reason(
    personas: Personas, case: Application, put: Any
) -> None:
    put(personas.consultant, case, "business_license", png())
    put(personas.consultant, case, "articles", png())
    file_with_materials(personas.consultant, case, today=date(2026, 12, 1))
    services.set_verdict(personas.reviewer, case, "business_license", "accept")
    services.set_verdict(personas.reviewer, case, "articles", "return", "缺少档案查询章")
    client = Client()
    client.force_login(personas.applicant)
    html = client.get(reverse("materials:case", args=[case.pk])).content.decode()
    assert "已认可" in html and "已退回" in html and "缺少档案查询章" in html
    assert services.supplement_items(case) == [
        {"item": "企业章程复印件", "reason": "缺少档案查询章", "material": "articles"}
    ]


@pytest.mark.django_db
def test_the_checklist_polls_while_checks_are_pending(personas: Personas, case: Application) -> None:
    import io

    # Without running the on-commit callbacks the check stays pending.
    services.upload_version(
        personas.consultant, case, "business_license", io.BytesIO(png()), original_name="a.png"
    )
    client = Client()
    client.force_login(personas.consultant)
    html = client.get(reverse("materials:checklist", args=[case.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in html and "检查中" in html


@pytest.mark.django_db
@pytest.mark.parametrize("uploads", [3, 16])
def test_the_checklist_page_uses_a_fixed_number_of_queries(
    personas: Personas, case: Application, put: Any, django_assert_max_num_queries: Any, uploads: int
) -> None:
    ids = [m.id for m in current_pack().materials][:uploads]
    for mid in ids:
        put(personas.consultant, case, mid, png(900, 1200), domain="x.example.cn")
        put(personas.consultant, case, mid, png(1000, 1200))
    mark_filed(case)
    for who in (personas.reviewer, personas.consultant):
        client = Client()
        client.force_login(who)
        # A reviewer's request also reads the session's two-factor device; the menu counts unread notices.
        with django_assert_max_num_queries(10 if who is personas.reviewer else 9):
            response = client.get(reverse("materials:case", args=[case.pk]))
        assert response.status_code == 200


@pytest.mark.django_db
def test_a_renewal_case_lists_only_the_materials_the_pack_asks_for_renewals(personas: Personas) -> None:
    from icpdesk.cases import actions
    from icpdesk.lib.packs import current_pack
    from icpdesk.materials.services import materials_for, missing_required

    renewal = actions.create_application(personas.consultant, personas.enterprise, kind="renewal")
    expected = [m.id for m in current_pack().materials if m.renewal]
    assert [m.id for m in materials_for(renewal)] == expected
    assert "articles" not in expected  # the articles of association are not asked for again
    assert [m.id for m in missing_required(renewal)] == [
        m.id for m in current_pack().materials if m.renewal and m.required
    ]
