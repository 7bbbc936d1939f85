"""``change_recorded`` goes out once the write commits, never for a write that rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from icpdesk.changes.models import ChangeRecord
from icpdesk.changes.records import change_recorded
from icpdesk.enterprises import actions
from tests.factories import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Any:
    seen: list[ChangeRecord] = []

    def listen(sender: Any, record: ChangeRecord, **kwargs: Any) -> None:
        seen.append(record)

    change_recorded.connect(listen)
    yield seen
    change_recorded.disconnect(listen)


def test_the_event_follows_the_commit(
    personas: Personas, heard: list[ChangeRecord], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.update_enterprise(personas.applicant, personas.enterprise, {"city": "天水市"})
    assert heard == []  # not before the commit
    for callback in callbacks:
        callback()
    assert [r.action for r in heard] == ["enterprise.update"]


def test_a_rolled_back_write_leaves_no_record_and_no_event(
    personas: Personas, heard: list[ChangeRecord], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        actions.update_enterprise(personas.applicant, personas.enterprise, {"city": "天水市"})
        raise RuntimeError("later step failed")
    personas.enterprise.refresh_from_db()
    assert personas.enterprise.city == "兰州市"
    assert not ChangeRecord.objects.exists()
    assert heard == []
