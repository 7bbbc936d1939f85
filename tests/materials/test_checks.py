"""The background checks: 清 legibility, 准 consistency, dates, and a failed run retried."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest

from icpdesk.cases.models import Application
from icpdesk.materials import services
from icpdesk.materials.models import CheckStatus
from tests.factories import Personas
from tests.materials.conftest import pdf, png


def codes(version: Any, kind: str) -> list[str]:
    return [f["code"] for f in version.flags.get(kind, [])]


@pytest.mark.django_db
def test_a_small_image_is_flagged_with_its_measured_short_side(
    personas: Personas, case: Application, put: Any
) -> None:
    version = put(personas.consultant, case, "business_license", png(800, 1400))
    assert version.check_status == CheckStatus.DONE
    [flag] = version.flags["legibility"]
    assert flag["code"] == "illegible"
    assert flag["values"]["short_side_px"] == 800
    assert "800 像素" in flag["message_zh"] and "800 px" in flag["message_en"]


@pytest.mark.django_db
def test_a_large_image_is_not_flagged(personas: Personas, case: Application, put: Any) -> None:
    assert put(personas.consultant, case, "business_license", png(1200, 1700)).flags["legibility"] == []


@pytest.mark.django_db
def test_a_small_pdf_page_is_flagged_with_the_rendered_size(
    personas: Personas, case: Application, put: Any
) -> None:
    # Page 2 is 300 × 400 pt: 625 × 833 px at 150 DPI.
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=300, height=400)
    buffer = io.BytesIO()
    writer.write(buffer)
    version = put(personas.consultant, case, "articles", buffer.getvalue(), "章程.pdf")
    [flag] = version.flags["legibility"]
    assert flag["values"] == {"page": 2, "short_side_px": 625, "minimum_px": 1000, "dpi": 150}
    assert "第 2 页" in flag["message_zh"]


@pytest.mark.django_db
def test_the_threshold_is_a_setting(personas: Personas, case: Application, put: Any, settings: Any) -> None:
    settings.LEGIBILITY_MIN_SHORT_SIDE_PX = 500
    assert put(personas.consultant, case, "business_license", png(800, 1400)).flags["legibility"] == []


@pytest.mark.django_db
def test_a_domain_certificate_for_another_domain(personas: Personas, case: Application, put: Any) -> None:
    version = put(personas.consultant, case, "domain_certificate", png(), domain="www.other-shop.cn")
    [flag] = version.flags["consistency"]
    assert flag["code"] == "domain_mismatch"
    assert "www.other-shop.cn" in flag["message_zh"] and personas.enterprise.domain in flag["message_zh"]


@pytest.mark.django_db
def test_the_same_domain_written_differently_is_not_flagged(
    personas: Personas, case: Application, put: Any
) -> None:
    domain = personas.enterprise.domain.upper()
    assert (
        put(personas.consultant, case, "domain_certificate", png(), domain=domain).flags["consistency"] == []
    )


@pytest.mark.django_db
@pytest.mark.parametrize("region", ["CN-HK", "CN-MO", "CN-TW", "ABROAD"])
def test_a_hosting_agreement_outside_the_mainland(
    personas: Personas, case: Application, put: Any, region: str
) -> None:
    version = put(personas.consultant, case, "hosting_agreement", png(), server_region=region)
    assert codes(version, "consistency") == ["region_not_mainland"]


@pytest.mark.django_db
def test_a_business_license_with_another_credit_code(personas: Personas, case: Application, put: Any) -> None:
    from tests.factories import make_uscc

    other = make_uscc(999)
    version = put(personas.consultant, case, "business_license", png(), credit_code=other)
    [flag] = version.flags["consistency"]
    assert flag["code"] == "license_credit_code_mismatch"
    assert other in flag["message_zh"] and personas.enterprise.uscc in flag["message_zh"]


@pytest.mark.django_db
def test_two_server_locations_are_flagged_on_both_materials(
    personas: Personas, case: Application, put: Any
) -> None:
    form = put(
        personas.consultant, case, "application_form", png(), server_address="甘肃省兰州市城关区数据中心"
    )
    hosting = put(personas.consultant, case, "hosting_agreement", png(), server_address="香港葵涌数据中心")
    [flag] = hosting.flags["consistency"]
    assert flag["code"] == "server_location_conflict"
    assert "香港葵涌数据中心" in flag["message_zh"] and "甘肃省兰州市城关区数据中心" in flag["message_zh"]
    form.refresh_from_db()  # the earlier material is re-checked against the new one
    assert codes(form, "consistency") == ["server_location_conflict"]


@pytest.mark.django_db
def test_an_insurance_proof_for_another_employer(personas: Personas, case: Application, put: Any) -> None:
    version = put(
        personas.consultant,
        case,
        "security_insurance",
        png(),
        company_name="兰州某某科技有限公司",
        period_end="2026-11-30",
    )
    [flag] = version.flags["consistency"]
    assert flag["code"] == "insurance_employer_mismatch"
    assert "兰州某某科技有限公司" in flag["message_zh"] and personas.enterprise.name in flag["message_zh"]


@pytest.mark.django_db
def test_two_security_managers_are_flagged(personas: Personas, case: Application, put: Any) -> None:
    put(personas.consultant, case, "security_id", png(), person_name="张伟")
    version = put(personas.consultant, case, "security_certificate", png(), person_name="李娜")
    assert codes(version, "consistency") == ["person_conflict"]


@pytest.mark.django_db
def test_matching_facts_raise_no_flag(personas: Personas, case: Application, put: Any) -> None:
    e = personas.enterprise
    version = put(
        personas.consultant,
        case,
        "application_form",
        png(),
        company_name=e.name,
        credit_code=e.uscc,
        domain=e.domain,
        server_address=e.server_address,
        server_region="CN-GS",
    )
    assert version.flags["consistency"] == []
    assert version.flags["dates"] == []


@pytest.mark.django_db
def test_a_validity_that_ends_before_the_filing_date(personas: Personas, case: Application, put: Any) -> None:
    version = put(personas.consultant, case, "domain_certificate", png(), valid_until="2026-11-15")
    assert codes(version, "dates") == ["expired_by_filing"]


@pytest.mark.django_db
def test_a_validity_that_ends_before_the_expected_decision(
    personas: Personas, case: Application, put: Any
) -> None:
    today = date.today()
    decision = services.expected_decision_date(today)
    ends = date.fromordinal(decision.toordinal() - 1)
    version = put(personas.consultant, case, "domain_certificate", png(), valid_until=ends.isoformat())
    [flag] = version.flags["dates"]
    assert flag["code"] == "expires_before_decision"
    assert flag["values"]["decision_date"] == decision.isoformat()
    later = put(personas.consultant, case, "domain_certificate", png(), valid_until="2030-01-01")
    assert later.flags["dates"] == []


def test_the_expected_decision_date_chains_acceptance_inspection_and_decision(db: None) -> None:
    # 5 + 10 + 15 working days from Tuesday 1 December 2026: 8 and 22 December, then into
    # 2027, whose holiday schedule the test database does not hold (weekends only, provisional).
    from icpdesk.calendars.deadlines import due_for

    assert due_for("acceptance", date(2026, 12, 1)).on == date(2026, 12, 8)
    assert due_for("inspection", date(2026, 12, 8)).on == date(2026, 12, 22)
    assert services.expected_decision_date(date(2026, 12, 1)) == due_for("decision", date(2026, 12, 22)).on


@pytest.mark.django_db
def test_bank_statements_older_than_the_pack_allows(personas: Personas, case: Application, put: Any) -> None:
    with mock.patch("icpdesk.materials.services.timezone.localdate", return_value=date(2026, 12, 1)):
        old = put(personas.consultant, case, "bank_statements", pdf(), "流水.pdf", period_end="2026-08-15")
        fresh = put(personas.consultant, case, "bank_statements", pdf(), "流水.pdf", period_end="2026-11-30")
    assert codes(old, "dates") == ["statements_too_old"]
    assert fresh.flags["dates"] == []


@pytest.mark.django_db
def test_social_insurance_not_covering_the_most_recent_month(
    personas: Personas, case: Application, put: Any
) -> None:
    with mock.patch("icpdesk.materials.services.timezone.localdate", return_value=date(2026, 12, 1)):
        old = put(personas.consultant, case, "security_insurance", png(), period_end="2026-10-31")
        recent = put(personas.consultant, case, "security_insurance", png(), period_end="2026-11-30")
    [flag] = old.flags["dates"]
    assert flag["code"] == "insurance_not_recent"
    assert flag["values"]["needed_month"] == "2026-11"
    assert recent.flags["dates"] == []


@pytest.mark.django_db
def test_a_failed_check_run_is_retried_and_never_loses_the_upload(
    personas: Personas, case: Application, put: Any
) -> None:
    from django.core.files.storage import default_storage

    real = services.run_checks
    calls = {"n": 0}

    def flaky(version_id: int, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("renderer crashed")
        return real(version_id, **kwargs)

    with mock.patch("icpdesk.materials.services.run_checks", side_effect=flaky):
        version = put(personas.consultant, case, "business_license", png(800, 1200))
    assert calls["n"] == 2
    assert version.check_status == CheckStatus.DONE
    assert version.check_attempts == 2
    assert default_storage.exists(version.file)


@pytest.mark.django_db
def test_a_check_that_keeps_failing_is_marked_failed_to_run(
    personas: Personas, case: Application, put: Any
) -> None:
    from icpdesk.materials.tasks import MAX_ATTEMPTS

    with mock.patch("icpdesk.materials.services.run_checks", side_effect=RuntimeError("boom")):
        version = put(personas.consultant, case, "business_license", png())
    assert version.check_status == CheckStatus.FAILED
    assert version.check_attempts == MAX_ATTEMPTS
    assert "boom" in version.check_error


@pytest.mark.django_db
def test_running_the_checks_twice_gives_the_same_result(
    personas: Personas, case: Application, put: Any
) -> None:
    version = put(personas.consultant, case, "hosting_agreement", png(700, 900), server_region="CN-HK")
    again = services.run_checks(version.pk)
    assert again.flags == version.flags
