"""The pages: the list with mark-read, the preferences, the calendar feed and its reset; who may see what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from icpdesk.notifications import context, services, sweep
from icpdesk.notifications.models import CalendarFeed, Delivery, Notification, Webhook

PERSONAS = ("applicant", "consultant", "reviewer", "inspector", "approver", "outsider", "other_reviewer")


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", [*PERSONAS, "anonymous"])
def test_every_page_answers_each_persona(desk: Any, client: Client, who: str) -> None:
    sweep.run(date(2026, 3, 24))
    if who == "anonymous":
        for url in ("/notifications/", "/notifications/settings/"):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.post("/notifications/read-all/").status_code == 302
        return
    user = getattr(desk, who)
    login(client, user)
    response = client.get("/notifications/")
    assert response.status_code == 200
    mine = Notification.objects.filter(user=user)
    assert response.content.decode().count("还有 7 天：") == mine.count()
    assert client.get("/notifications/settings/").status_code == 200
    # Nobody may mark another person's notification: it does not exist for them.
    theirs = Notification.objects.exclude(user=user).first()
    assert theirs is not None
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_the_unread_count(desk: Any, client: Client, rf: Any) -> None:
    sweep.run(date(2026, 3, 24))
    services.notify(desk.enterprise.organisation, "另一条", "正文", "Another", "Body")
    login(client, desk.applicant)
    request = rf.get("/")
    request.user = desk.applicant
    assert context.unread_count(request)["unread_notifications"]() == 2
    first = Notification.objects.filter(user=desk.applicant).first()
    assert first is not None
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405  # POST only
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/?unread=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?unread=1"
    assert services.unread_count(desk.applicant) == 1
    unread_page = client.get("/notifications/?unread=1").content.decode()
    assert "另一条" in unread_page or "还有 7 天" in unread_page
    client.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert services.unread_count(desk.applicant) == 0
    assert services.unread_count(desk.member) == 2  # another person's state is their own
    anonymous = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    anonymous.user = AnonymousUser()
    assert context.unread_count(anonymous) == {"unread_notifications": 0}


def test_the_csrf_token_is_required_for_marking(desk: Any) -> None:
    sweep.run(date(2026, 3, 24))
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.applicant)
    first = Notification.objects.filter(user=desk.applicant).first()
    assert first is not None
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(
    desk: Any, client: Client, rows: int, django_assert_max_num_queries: Any
) -> None:
    for i in range(rows):
        services.notify(desk.enterprise.organisation, f"通知{i}", "正文", f"Notice {i}", "Body", key=f"k{i}")
    login(client, desk.applicant)
    with django_assert_max_num_queries(6):
        response = client.get("/notifications/")
    assert response.status_code == 200
    assert response.content.decode().count(">标为已读</button>") == rows


def test_preferences_save_channels_and_keep_what_was_typed_when_refused(desk: Any, client: Client) -> None:
    login(client, desk.applicant)
    response = client.post("/notifications/settings/", {"section": "channels", "p-in_app": "on"})
    assert response.status_code == 302
    pref = services.preference_for(desk.applicant, desk.enterprise.organisation.pk)
    assert (pref.in_app, pref.email, pref.webhook) == (True, False, False)
    # The owner manages the enterprise's robot; a bad URL is refused with the field named and kept.
    response = client.post(
        "/notifications/settings/",
        {"section": "webhook", "w-kind": "wecom", "w-url": "ftp://robot", "w-active": "on"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "ftp://robot" in body and 'class="error"' in body
    response = client.post(
        "/notifications/settings/",
        {
            "section": "webhook",
            "w-kind": "feishu",
            "w-url": "https://open.feishu.cn/hook/x",
            "w-active": "on",
        },
    )
    assert response.status_code == 302
    assert Webhook.objects.get(organisation=desk.enterprise.organisation).kind == "feishu"


def test_a_member_or_consultant_cannot_manage_the_robot(desk: Any, client: Client) -> None:
    for user in (desk.member, desk.consultant, desk.reviewer):
        login(client, user)
        assert "机器人地址" not in client.get("/notifications/settings/").content.decode()
        response = client.post(
            "/notifications/settings/",
            {"section": "webhook", "w-kind": "wecom", "w-url": "https://x.example/"},
        )
        assert response.status_code == 404
    assert not Webhook.objects.exists()


def test_failing_deliveries_are_reported_on_the_preferences_page(
    desk: Any, client: Client, monkeypatch: Any
) -> None:
    from icpdesk.notifications import channels

    def broken(*args: Any, **kwargs: Any) -> None:
        raise channels.ChannelError("mailbox unavailable")

    monkeypatch.setattr(channels, "send_email", broken)
    sweep.run(date(2026, 3, 24))
    login(client, desk.applicant)
    body = client.get("/notifications/settings/").content.decode()
    assert "mailbox unavailable" in body
    assert Delivery.objects.filter(user=desk.applicant, state="failed").exists()


def test_the_calendar_feed_lists_every_due_date_and_its_secret_can_be_reset(
    desk: Any, client: Client
) -> None:
    login(client, desk.applicant)
    client.get("/notifications/settings/")
    token = CalendarFeed.objects.get(user=desk.applicant).token
    assert token in client.get("/notifications/settings/").content.decode()  # shown again, the same
    # At rest the secret is encrypted and hashed: the table alone opens no feed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT token, token_hash FROM notifications_calendarfeed")
        stored = cursor.fetchall()
    assert stored and all(token not in row[0] and token != row[1] for row in stored)
    anonymous = Client()
    response = anonymous.get(f"/notifications/ical/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lic = desk.license
    today = timezone.localdate()
    uids = [line for line in text.split("\r\n") if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) == text.count("BEGIN:VEVENT")
    if date(2030, 6, 10) - timedelta(days=90) <= today + timedelta(days=800):
        assert f"UID:renewal:{lic.pk}:20300610@icpdesk" in text
    # Stable: the same UIDs on the next fetch.
    assert [
        ln
        for ln in anonymous.get(f"/notifications/ical/{token}.ics").content.decode().split("\r\n")
        if ln.startswith("UID:")
    ] == uids
    assert client.post("/notifications/settings/feed/reset/").status_code == 302
    assert anonymous.get(f"/notifications/ical/{token}.ics").status_code == 404
    fresh = CalendarFeed.objects.get(user=desk.applicant).token
    assert fresh != token and anonymous.get(f"/notifications/ical/{fresh}.ics").status_code == 200
    assert anonymous.get("/notifications/ical/not-a-token.ics").status_code == 404


def test_the_feed_has_an_all_day_event_per_duty(desk: Any, settings: Any) -> None:
    from icpdesk.notifications import duties, ical

    found = duties.duties_of_user(desk.applicant, date(2026, 1, 1), date(2031, 1, 1))
    kinds = {d.kind for d in found}
    assert {"annual_report", "annual_report_window", "renewal_open", "renewal_deadline"} <= kinds
    assert duties.duties_of_user(desk.outsider, date(2026, 1, 1), date(2031, 1, 1)) == []
    assert duties.duties_of_user(desk.reviewer, date(2026, 1, 1), date(2031, 1, 1)) == []
    text = ical.calendar(found, "x")
    assert "DTSTART;VALUE=DATE:20260331\r\nDTEND;VALUE=DATE:20260401" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_the_command_sweeps_a_given_day(desk: Any, capsys: Any) -> None:
    call_command("send_reminders", "--today", "2026-03-24")
    out = capsys.readouterr().out
    assert "claimed 1" in out and "delivered_sent 3" in out
    call_command("send_reminders", "--today", "2026-03-24")
    assert "claimed 0" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "24/03/2026")


def test_the_daily_task_sweeps_and_schedules_the_next_run(desk: Any) -> None:
    from django.core import mail

    from icpdesk.notifications import tasks

    result = tasks.daily_sweep.call("2026-03-24", False)
    assert result["claimed"] == 1 and len(mail.outbox) == 3
    assert tasks.next_sweep_at(date(2026, 3, 24)).date() == date(2026, 3, 25)
