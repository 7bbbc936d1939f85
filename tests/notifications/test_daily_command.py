"""The daily command moves license states first, then sends the day's reminders."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from icpdesk.licenses.models import License
from tests.factories import Personas
from tests.licenses.helpers import make_license


# Committed for real: the holder is told once the lapse has committed.
@pytest.mark.django_db(transaction=True)
def test_send_reminders_lapses_an_unreported_license_and_tells_the_holder(personas: Personas) -> None:
    from icpdesk.notifications.models import Notification

    lic = make_license(personas.enterprise, date(2025, 6, 16))
    out = StringIO()
    call_command("send_reminders", today="2026-04-01", stdout=out)
    assert "lapsed 1" in out.getvalue()
    assert License.objects.get(pk=lic.pk).state == "lapsed"
    assert Notification.objects.filter(user=personas.applicant).exists()
    # Run again the same day: nothing new.
    before = Notification.objects.count()
    call_command("send_reminders", today="2026-04-01", stdout=StringIO())
    assert Notification.objects.count() == before
