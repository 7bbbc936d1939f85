"""Fixtures of the change-log tests: the enterprise has filed a case (the regulator sees it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from icpdesk.calendars import services as calendar_services
from icpdesk.changes.models import ChangeRecord
from tests.factories import Personas, file_a_case

REQUEST_ID = "req-7f3a9c1e-0001"


@pytest.fixture(autouse=True)
def _filed(request: pytest.FixtureRequest) -> None:
    if "personas" in request.fixturenames:
        personas: Personas = request.getfixturevalue("personas")
        file_a_case(personas.enterprise, personas.agency)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar_services.clear_cache()
    yield
    calendar_services.clear_cache()


def only_record(action: str, **filters: Any) -> ChangeRecord:
    """The one record of ``action``; fails when there are none or several."""
    records = list(ChangeRecord.objects.filter(action=action, **filters))
    assert len(records) == 1, [(r.action, r.object_label) for r in records]
    return records[0]


def raw_text(record: ChangeRecord) -> str:
    """Everything a record keeps, as one string (to look for plain personal data)."""
    return repr((record.object_label, record.before, record.after))
