"""Exactly once: two sweeps at the same moment, and a sweep that dies half-way, never send twice.

Runs on SQLite (an on-disk copy in WAL mode, see ``tests/cases/test_concurrency.py``)
and on PostgreSQL (``DATABASE_URL=postgres://... ICPDESK_DB_TESTS_ONLY=1``).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.db import connections

from icpdesk.notifications import services, sweep
from icpdesk.notifications.models import Delivery, Notification, Reminder
from tests.cases.test_concurrency import on_disk  # noqa: F401 - the fixture
from tests.factories import make_enterprise, make_personas
from tests.notifications.conftest import give_emails, make_license

TODAY = date(2026, 3, 24)  # the 7-day reminder of the 2025 annual report


def build_desk(licenses: int = 12) -> Any:
    personas = make_personas()
    give_emails(personas)
    from icpdesk.accounts.models import Mandate

    for i in range(licenses):
        enterprise = personas.enterprise if i == 0 else make_enterprise(f"并发测试企业{i}有限公司")
        if i:
            Mandate.objects.create(agency=personas.agency, enterprise=enterprise)
            from tests.factories import make_user

            make_user(f"owner{i}", enterprise.organisation, ["owner"], email=f"owner{i}@example.cn")
        make_license(enterprise)
    return personas


def assert_each_once(licenses: int) -> None:
    assert Reminder.objects.count() == licenses
    per_user = Counter(Notification.objects.values_list("reminder_id", "user_id"))
    assert per_user and max(per_user.values()) == 1
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert max(sent.values()) == 1
    # 1 + 2 people at the first enterprise, 1 owner at the others, and the consultant everywhere.
    assert len(mail.outbox) == 3 + (licenses - 1) * 2
    assert not Delivery.objects.exclude(state=Delivery.State.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_each_reminder_once(on_disk: None) -> None:  # noqa: F811
    build_desk(12)
    barrier = threading.Barrier(2, timeout=30)
    results: list[Any] = [None, None]

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = sweep.run(TODAY, batch_size=5)
        except Exception as error:  # reported below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(isinstance(r, sweep.SweepResult) for r in results), results
    assert sum(r.claimed for r in results) == 12
    assert_each_once(12)


@pytest.mark.django_db(transaction=True)
def test_two_delivery_workers_at_the_same_time_send_each_message_once(on_disk: None) -> None:  # noqa: F811
    build_desk(6)
    sweep.run(TODAY, deliver=False)
    assert len(mail.outbox) == 0
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            services.deliver_due()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert_each_once(6)


class Killed(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_sweep_killed_half_way_then_run_again_sends_each_reminder_once(monkeypatch: Any) -> None:
    build_desk(12)
    real_claim = services.claim
    calls = {"n": 0}

    def dying_claim(*args: Any, **kwargs: Any) -> Any:
        claimed = real_claim(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed  # after two batches were claimed and committed, before anything was sent
        return claimed

    monkeypatch.setattr(services, "claim", dying_claim)
    with pytest.raises(Killed):
        sweep.run(TODAY, batch_size=4)
    assert Reminder.objects.count() == 8
    assert len(mail.outbox) == 0
    assert Delivery.objects.filter(state=Delivery.State.PENDING).exists()
    monkeypatch.setattr(services, "claim", real_claim)
    again = sweep.run(TODAY, batch_size=4)
    assert again.claimed == 4
    assert_each_once(12)
    assert sweep.run(TODAY).claimed == 0
    assert_each_once(12)


@pytest.mark.django_db(transaction=True)
def test_a_worker_dead_while_sending_is_retried_after_its_lease(monkeypatch: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    build_desk(2)
    sweep.run(TODAY, deliver=False)
    # A worker took every delivery and died before marking any sent.
    Delivery.objects.update(
        state=Delivery.State.SENDING,
        lease="dead",
        attempts=1,
        next_attempt_at=timezone.now() + services.LEASE,
    )
    assert services.deliver_due()["sent"] == 0  # the lease still holds
    later = timezone.now() + services.LEASE + timedelta(seconds=1)
    assert services.deliver_due(later)["sent"] == Delivery.objects.count()
    assert_each_once(2)
