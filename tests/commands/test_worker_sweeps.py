"""A task worker runs the reminder sweep when it starts and queues the next day's: no scheduler needed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from icpdesk.commands.worker import start_reminder_sweeps
from icpdesk.licenses.models import License
from icpdesk.notifications.models import Notification
from icpdesk.notifications.tasks import daily_sweep, next_sweep_at
from tests.factories import Personas
from tests.licenses.helpers import make_license


def _sweeps() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=daily_sweep.module_path, status="READY"))


@pytest.mark.django_db
def test_a_starting_worker_queues_one_sweep_for_now() -> None:
    assert start_reminder_sweeps() is True
    assert start_reminder_sweeps() is False  # a second worker starting finds it queued
    assert DBTaskResult.objects.ready().filter(task_path=daily_sweep.module_path).count() == 1
    assert len(_sweeps()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_todays_reminders_without_a_command(personas: Personas) -> None:
    license_ = make_license(personas.enterprise)
    today = timezone.localdate()
    # The annual report is due in 7 days: the 7-day reminder is due today.
    License.objects.filter(pk=license_.pk).update(annual_report_due_on=today + timedelta(days=7))
    start_reminder_sweeps()
    call_command("db_worker", batch=True, interval=0.01, verbosity=0)
    notes = Notification.objects.filter(user=personas.applicant)
    assert notes.count() == 1
    assert f"{today + timedelta(days=7):%Y-%m-%d}" in notes.get().reminder.body_zh
    # Tomorrow's sweep waits in the queue.
    [waiting] = _sweeps()
    assert waiting.run_after == next_sweep_at(today)
