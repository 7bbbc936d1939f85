"""The menu shows how many notifications are unread."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from selectolax.lexbor import LexborHTMLParser

from icpdesk.notifications.models import Notification, Reminder
from tests.factories import Personas


def _count(client: Client) -> str | None:
    node = LexborHTMLParser(client.get("/licenses/").content.decode()).css_first("#unread-count")
    return node.text() if node is not None else None


@pytest.mark.django_db
def test_the_menu_counts_the_unread_notifications(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.applicant)
    assert _count(client) is None
    for n in range(3):
        reminder = Reminder.objects.create(
            duty_key=f"test:{n}",
            threshold="7",
            kind="annual_report",
            fire_on="2026-12-01",
            claimed_by="test",
            subject_zh="提醒",
            body_zh="提醒",
            subject_en="Reminder",
            body_en="Reminder",
        )
        Notification.objects.create(
            reminder=reminder, user=personas.applicant, organisation=personas.enterprise.organisation
        )
    assert _count(client) == "3"
    first = Notification.objects.filter(user=personas.applicant).order_by("pk").first()
    assert first is not None
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    assert _count(client) == "2"
