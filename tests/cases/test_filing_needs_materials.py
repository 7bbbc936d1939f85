"""Filing is refused while a required material is missing, with the list of what is missing (全)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from icpdesk.cases import actions
from icpdesk.core.lifecycle import State
from icpdesk.lib.errors import PreconditionFailed
from icpdesk.lib.packs import current_pack
from icpdesk.materials import services
from tests.factories import Personas, sample_png, supply_materials


@pytest.mark.django_db
def test_filing_without_materials_lists_every_missing_required_one(personas: Personas) -> None:
    case = actions.create_application(personas.consultant, personas.enterprise)
    with pytest.raises(PreconditionFailed) as refused:
        actions.file_application(personas.consultant, case, today=date(2026, 12, 1))
    required = [m.id for m in current_pack().materials if m.required]
    assert refused.value.extra["missing"] == required
    assert refused.value.field == "materials"
    assert "尚缺必交材料" in refused.value.message_zh
    case.refresh_from_db()
    assert case.state == State.DRAFT


@pytest.mark.django_db
def test_one_missing_material_is_named_and_supplying_it_allows_filing(personas: Personas) -> None:
    case = actions.create_application(personas.consultant, personas.enterprise)
    supply_materials(case)
    required = [m for m in current_pack().materials if m.required]
    # A case whose every material but the last is there: only that one is named.
    other = actions.create_application(personas.applicant, personas.enterprise)
    for material in required[:-1]:
        services.upload_version(
            personas.applicant, other, material.id, io.BytesIO(sample_png()), original_name="scan.png"
        )
    with pytest.raises(PreconditionFailed) as refused:
        actions.file_application(personas.applicant, other, today=date(2026, 12, 1))
    assert refused.value.extra["missing"] == [required[-1].id]
    assert required[-1].name_zh in refused.value.message_zh

    actions.file_application(personas.consultant, case, today=date(2026, 12, 1))
    assert case.state == State.FILED
