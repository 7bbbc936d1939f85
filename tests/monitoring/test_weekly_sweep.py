"""The clock set to each day of two weeks: every valid license's site is scanned once a week,
on its own weekday, a missed day is caught up, and a second sweep on one day adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from icpdesk.monitoring import services, tasks
from icpdesk.monitoring.models import Scan
from tests.monitoring.conftest import Site, make_license, page

MONDAY = date(2026, 12, 7)


@pytest.fixture
def fleet(personas: Any, site: Site) -> list[Any]:
    site.serve("/", page("<p>陇货精品</p>"))
    domain = f"127.0.0.1:{site.server.port}"
    licenses = [make_license(personas.enterprise, domain) for _ in range(14)]
    make_license(personas.enterprise, domain, state="lapsed")
    make_license(personas.enterprise, domain, state="revoked")
    return licenses


def _sweep(day: date, capture: Any) -> dict[str, int]:
    with capture(execute=True):
        return services.sweep(day)


def _weekly(day: date) -> list[int]:
    return sorted(
        Scan.objects.filter(trigger="weekly", scheduled_for=day).values_list("license_id", flat=True)
    )


def test_each_valid_license_is_scanned_once_a_week_on_its_weekday(
    fleet: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    for offset in range(7):
        day = MONDAY + timedelta(days=offset)
        result = _sweep(day, django_capture_on_commit_callbacks)
        expected = sorted(lic.pk for lic in fleet if lic.pk % 7 == day.weekday())
        assert _weekly(day) == expected and result["queued"] == len(expected)
        # The same day again (a second worker, a restart): nothing new.
        _sweep(day, django_capture_on_commit_callbacks)
        assert _weekly(day) == expected
    week = Counter(Scan.objects.filter(trigger="weekly").values_list("license_id", flat=True))
    assert week == Counter({lic.pk: 1 for lic in fleet})  # lapsed and revoked licenses are not watched
    assert set(Scan.objects.values_list("status", flat=True)) == {"done"}
    per_day = Counter(Scan.objects.values_list("scheduled_for", flat=True))
    assert sorted(per_day.values()) == [2] * 7  # 14 licenses spread over the 7 days

    # The second week: each once more.
    for offset in range(7, 14):
        _sweep(MONDAY + timedelta(days=offset), django_capture_on_commit_callbacks)
    week2 = Counter(Scan.objects.filter(trigger="weekly").values_list("license_id", flat=True))
    assert week2 == Counter({lic.pk: 2 for lic in fleet})


def test_a_day_without_a_sweep_is_caught_up_the_next_day(
    fleet: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    for offset in range(7):
        _sweep(MONDAY + timedelta(days=offset), django_capture_on_commit_callbacks)
    wednesday = MONDAY + timedelta(days=9)
    missed = sorted(lic.pk for lic in fleet if lic.pk % 7 == wednesday.weekday())
    _sweep(MONDAY + timedelta(days=7), django_capture_on_commit_callbacks)
    _sweep(MONDAY + timedelta(days=8), django_capture_on_commit_callbacks)
    # No worker ran on Wednesday; Thursday scans Thursday's licenses and Wednesday's.
    thursday = MONDAY + timedelta(days=10)
    _sweep(thursday, django_capture_on_commit_callbacks)
    expected = sorted(missed + [lic.pk for lic in fleet if lic.pk % 7 == thursday.weekday()])
    assert _weekly(thursday) == expected


def test_the_sweep_task_runs_the_day_and_schedules_the_next(
    fleet: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.weekly_sweep.call(MONDAY.isoformat(), False)
    assert result == {"queued": len(_weekly(MONDAY))} and result["queued"] == 2
    assert tasks.next_sweep_at(MONDAY).date() == MONDAY + timedelta(days=1)
    assert tasks.next_sweep_at(MONDAY).hour == 2


def test_a_claimed_scan_runs_once_though_two_workers_take_it(
    fleet: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    services.sweep(MONDAY)  # queued; the callbacks did not run
    ids = list(Scan.objects.values_list("pk", flat=True))
    first = services.run(ids)
    second = services.run(ids)
    assert first == {"done": 2, "refused": 0, "failed": 0}
    assert second == {"done": 0, "refused": 0, "failed": 0}


def test_a_scan_left_behind_is_picked_up_by_the_next_sweep(
    fleet: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta as td

    from django.utils import timezone

    lic = fleet[0]
    stuck = Scan.objects.create(
        license=lic,
        url=services.license_site(lic),
        trigger="on_demand",
        status="running",
        created_at=timezone.now() - td(hours=3),
        started_at=timezone.now() - td(hours=3),
    )
    never = Scan.objects.create(
        license=fleet[1],
        url=services.license_site(fleet[1]),
        trigger="on_demand",
        created_at=timezone.now() - td(hours=5),
    )
    _sweep(MONDAY, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    never.refresh_from_db()
    assert (stuck.status, never.status) == ("done", "done")


@pytest.mark.django_db
def test_a_worker_starting_again_does_not_queue_a_second_sweep(settings: Any) -> None:
    """The next weekly sweep is queued once, however many workers start (the queue is read)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

    from icpdesk.monitoring import tasks as monitoring_tasks

    assert monitoring_tasks.schedule_next_sweep(date(2026, 12, 7)) is True
    assert monitoring_tasks.schedule_next_sweep(date(2026, 12, 7)) is False
    waiting = DBTaskResult.objects.filter(task_path=monitoring_tasks.weekly_sweep.module_path, status="READY")
    assert waiting.count() == 1
