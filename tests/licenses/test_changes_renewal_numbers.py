"""Change filings, renewal windows and license numbers."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.errors import Forbidden, InvalidInput, InvalidTransition, PreconditionFailed
from icpdesk.licenses import actions
from icpdesk.licenses.models import License, LicenseNumberCounter
from icpdesk.licenses.services import next_license_number
from tests.factories import Personas
from tests.licenses.helpers import make_license


@pytest.mark.django_db
def test_change_filed_in_time_and_acknowledged_updates_license_history_and_profile(
    personas: Personas,
) -> None:
    p = personas
    lic = make_license(p.enterprise)
    old_domain = lic.domains[0]
    filing = actions.file_change(
        p.consultant, lic, "domain", "New-Shop.gansu-ec.com", date(2026, 3, 2), today=date(2026, 3, 12)
    )
    assert filing.due_on == date(2026, 3, 12) and not filing.late
    assert filing.before == old_domain and filing.after == "new-shop.gansu-ec.com"
    with pytest.raises(Forbidden):
        actions.acknowledge_change(p.approver, filing)
    actions.acknowledge_change(p.reviewer, filing, today=date(2026, 3, 13))
    lic.refresh_from_db()
    assert lic.domains == ["new-shop.gansu-ec.com"]
    assert Enterprise.objects.get(pk=p.enterprise.pk).domain == "new-shop.gansu-ec.com"
    event = lic.events.get(action="change_acknowledged")
    assert event.changes["facts_before"]["domains"] == [old_domain]
    assert event.changes["facts_after"]["domains"] == ["new-shop.gansu-ec.com"]
    with pytest.raises(InvalidTransition):
        actions.return_change(p.reviewer, filing, reason="x")


@pytest.mark.django_db
def test_change_filed_late_is_flagged_and_can_be_returned(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise)
    filing = actions.file_change(
        p.applicant, lic, "company_name", "兰州陇货科技有限公司", date(2026, 3, 2), today=date(2026, 3, 13)
    )
    assert filing.late
    with pytest.raises(InvalidInput):
        actions.return_change(p.reviewer, filing, reason="")
    actions.return_change(p.reviewer, filing, reason="缺少营业执照变更证明", today=date(2026, 3, 14))
    filing.refresh_from_db()
    assert filing.state == "returned" and filing.review_reason == "缺少营业执照变更证明"
    lic.refresh_from_db()
    assert lic.holder_name == "兰州陇货精品电子商务有限公司"


@pytest.mark.django_db
def test_change_refusals(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise)
    with pytest.raises(InvalidInput) as future:
        actions.file_change(
            p.applicant, lic, "server_address", "x", date(2026, 3, 20), today=date(2026, 3, 13)
        )
    assert future.value.field == "happened_on"
    with pytest.raises(InvalidInput) as bad_domain:
        actions.file_change(
            p.applicant, lic, "domain", "not a domain", date(2026, 3, 2), today=date(2026, 3, 3)
        )
    assert bad_domain.value.field == "after"
    with pytest.raises(Forbidden):
        actions.file_change(
            p.reviewer, lic, "security_manager", "李娜", date(2026, 3, 2), today=date(2026, 3, 3)
        )


@pytest.mark.django_db
def test_renewal_opens_six_months_before_and_is_late_after_90_days_before(personas: Personas) -> None:
    p = personas
    lic = make_license(p.enterprise, date(2025, 6, 16))  # expires 2030-06-16
    window = actions.renewal_window(lic)
    assert window.opens_on == date(2029, 12, 16) and window.deadline == date(2030, 3, 18)
    with pytest.raises(PreconditionFailed) as early:
        actions.start_renewal(p.consultant, lic, today=date(2029, 12, 15))
    assert "2029-12-16" in early.value.message_zh
    with pytest.raises(Forbidden):
        actions.start_renewal(p.reviewer, lic, today=date(2029, 12, 16))
    application = actions.start_renewal(p.consultant, lic, today=date(2029, 12, 16))
    assert application.kind == "renewal" and application.license_type == lic.license_type
    assert not lic.events.get(action="renewal_started").changes["late"]
    with pytest.raises(PreconditionFailed):  # one open renewal case at a time
        actions.start_renewal(p.consultant, lic, today=date(2029, 12, 17))


@pytest.mark.django_db
def test_renewal_after_the_national_deadline_is_allowed_but_late(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    actions.start_renewal(personas.applicant, lic, today=date(2030, 3, 19))
    assert lic.events.get(action="renewal_started").changes["late"] is True


def _grant_renewal(personas: Personas, lic: License, started: date, issued: date) -> License:
    """Open the renewal case, take it to approval and issue the certificate."""
    from icpdesk.cases import actions as case_actions
    from icpdesk.cases.models import Application

    application = actions.start_renewal(personas.consultant, lic, today=started)
    Application.objects.filter(pk=application.pk).update(state="approved")
    application.refresh_from_db()
    case_actions.issue_certificate(personas.approver, application, today=issued)
    return License.objects.get(pk=lic.pk)


@pytest.mark.django_db
def test_a_renewal_keeps_the_number_and_runs_on_from_the_old_expiry(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))  # 甘B2-20250001, expires 2030-06-16
    renewed = _grant_renewal(personas, lic, date(2029, 12, 16), date(2030, 3, 2))
    assert License.objects.count() == 1
    assert renewed.number == lic.number == "甘B2-20250001"
    assert renewed.state == "valid" and renewed.issued_on == date(2025, 6, 16)
    assert renewed.expires_on == date(2035, 6, 16)
    event = renewed.events.get(action="renew")
    assert event.on == date(2030, 3, 2) and (event.from_state, event.to_state) == ("valid", "valid")
    assert event.changes["before"]["expires_on"] == "2030-06-16"
    assert event.changes["after"]["expires_on"] == "2035-06-16"
    assert not LicenseNumberCounter.objects.filter(year=2030).exists()  # no number was taken


@pytest.mark.django_db
def test_a_license_that_expired_during_its_renewal_is_valid_again_from_the_renewal(
    personas: Personas,
) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    from icpdesk.cases import actions as case_actions
    from icpdesk.cases.models import Application

    application = actions.start_renewal(personas.consultant, lic, today=date(2030, 3, 19))
    actions.expire_license(lic, today=date(2030, 6, 17))
    Application.objects.filter(pk=application.pk).update(state="approved")
    application.refresh_from_db()
    case_actions.issue_certificate(personas.approver, application, today=date(2030, 7, 1))
    renewed = License.objects.get(pk=lic.pk)
    assert License.objects.count() == 1
    assert (renewed.number, renewed.state) == (lic.number, "valid")
    assert renewed.expires_on == date(2035, 7, 1) and renewed.state_changed_on == date(2030, 7, 1)
    assert renewed.events.get(action="renew").from_state == "expired"


@pytest.mark.django_db
def test_a_renewal_of_a_license_revoked_meanwhile_issues_a_new_license(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2025, 6, 16))
    from icpdesk.cases import actions as case_actions
    from icpdesk.cases.models import Application

    application = actions.start_renewal(personas.consultant, lic, today=date(2029, 12, 16))
    actions.revoke_license(personas.approver, lic, reason="严重违规", today=date(2030, 1, 5))
    Application.objects.filter(pk=application.pk).update(state="approved")
    application.refresh_from_db()
    case_actions.issue_certificate(personas.approver, application, today=date(2030, 3, 2))
    assert License.objects.get(pk=lic.pk).state == "revoked"
    new = License.objects.exclude(pk=lic.pk).get()
    assert new.number == "甘B2-20300001" and new.state == "valid"


@pytest.mark.django_db
def test_numbers_are_consecutive_per_year(personas: Personas) -> None:
    a = make_license(personas.enterprise, date(2026, 1, 5))
    b = make_license(personas.other_enterprise, date(2026, 2, 5))
    c = make_license(personas.enterprise, date(2027, 1, 5))
    assert [a.number, b.number, c.number] == ["甘B2-20260001", "甘B2-20260002", "甘B2-20270001"]


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_serial_back(personas: Personas) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        next_license_number("甘", "B2", 2026)
        raise RuntimeError
    assert next_license_number("甘", "B2", 2026) == "甘B2-20260001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_consecutive_numbers() -> None:
    workers = 8
    barrier = threading.Barrier(workers)
    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def issue() -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                number = next_license_number("甘", "B2", 2031)
            with lock:
                numbers.append(number)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert sorted(numbers) == [f"甘B2-2031{n:04d}" for n in range(1, workers + 1)]
    assert LicenseNumberCounter.objects.get(year=2031).last_serial == workers
    assert not License.objects.exists()
