"""The channels: email through the mailers, the robots' JSON on a local HTTP server, retries with backoff."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from icpdesk.notifications import channels, services, sweep
from icpdesk.notifications.models import ChannelPreference, Delivery, Notification, Webhook

TODAY = date(2026, 3, 24)


class Robot:
    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.status = 200
        self.answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def robot() -> Iterator[tuple[Robot, str]]:
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((self.path, json.loads(body)))
            payload = json.dumps(state.answer).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("wecom", {"msgtype": "markdown"}),
        ("dingtalk", {"msgtype": "markdown"}),
        ("feishu", {"msg_type": "text"}),
    ],
)
def test_each_robot_gets_the_json_it_accepts(
    desk: Any, robot: tuple[Robot, str], kind: str, expected: Any
) -> None:
    state, base = robot
    Webhook.objects.create(organisation=desk.agency, kind=kind, url=f"{base}/hook/{kind}")
    sweep.run(TODAY)
    assert len(state.received) == 1  # one post for the agency, however many consultants it has
    path, payload = state.received[0]
    assert path == f"/hook/{kind}"
    assert expected.items() <= payload.items()
    if kind == "wecom":
        assert "还有 7 天" in payload["markdown"]["content"]
    elif kind == "dingtalk":
        assert payload["markdown"]["title"].startswith("还有 7 天")
        assert "/licenses/" in payload["markdown"]["text"]
    else:
        assert "还有 7 天" in payload["content"]["text"]
    assert Delivery.objects.get(channel="webhook").state == Delivery.State.SENT


def test_a_failing_webhook_is_retried_with_backoff_and_does_not_block_email(
    desk: Any, robot: tuple[Robot, str]
) -> None:
    state, base = robot
    state.status = 500
    Webhook.objects.create(organisation=desk.agency, kind="wecom", url=f"{base}/hook")
    sweep.run(TODAY)
    assert len(mail.outbox) == 3  # the emails went out
    hook = Delivery.objects.get(channel="webhook")
    assert hook.state == Delivery.State.FAILED and hook.attempts == 1
    assert "HTTP 500" in hook.last_error
    first_retry = hook.next_attempt_at
    assert first_retry > timezone.now()
    # Not due yet: nothing is tried.
    services.deliver_due()
    hook.refresh_from_db()
    assert hook.attempts == 1
    # Due, still failing: the wait doubles.
    services.deliver_due(first_retry + timedelta(seconds=1))
    hook.refresh_from_db()
    assert hook.attempts == 2
    assert hook.next_attempt_at - (first_retry + timedelta(seconds=1)) == services.backoff(2)
    assert services.backoff(2) == 2 * services.backoff(1)
    # The robot recovers.
    state.status = 200
    services.deliver_due(hook.next_attempt_at + timedelta(seconds=1))
    hook.refresh_from_db()
    assert hook.state == Delivery.State.SENT and hook.last_error == ""
    assert len(mail.outbox) == 3


def test_a_robot_refusing_the_message_counts_as_failed(desk: Any, robot: tuple[Robot, str]) -> None:
    state, base = robot
    state.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    Webhook.objects.create(organisation=desk.agency, kind="dingtalk", url=f"{base}/hook")
    sweep.run(TODAY)
    assert "93000" in Delivery.objects.get(channel="webhook").last_error


def test_delivery_gives_up_after_the_last_attempt(desk: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise channels.ChannelError("smtp down")

    monkeypatch.setattr(channels, "send_email", broken)
    sweep.run(TODAY)
    assert Delivery.objects.filter(state=Delivery.State.FAILED).count() == 3
    Delivery.objects.update(attempts=services.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    services.deliver_due()
    assert Delivery.objects.filter(state=Delivery.State.ABANDONED).count() == 3
    # In-app notifications were never at risk.
    assert Notification.objects.count() == 3


def test_a_delivery_sent_twice_is_one_message_to_the_mail_system(desk: Any, settings: Any) -> None:
    settings.SITE_URL = "https://desk.example.cn:8443/"
    sweep.run(TODAY)
    assert len(mail.outbox) == 3
    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert len(set(ids)) == 3  # one per delivery
    # The sender stopped after sending, before recording it: the retry sends the same message.
    delivery = Delivery.objects.filter(channel="email").order_by("pk").first()
    assert delivery is not None
    services._send(delivery, None)
    again = mail.outbox[-1].message()["Message-ID"]
    assert again == f"<icpdesk.delivery.{delivery.pk}.{delivery.message_token}@desk.example.cn>"
    assert again in ids
    assert mail.outbox[-1].message()["Auto-Submitted"] == "auto-generated"


def test_a_message_id_is_not_reused_by_a_desk_started_anew(desk: Any, settings: Any) -> None:
    """Delivery numbers start again after a database reset; the Message-ID's random part does not."""
    sweep.run(TODAY)
    delivery = Delivery.objects.filter(channel="email").order_by("pk").first()
    assert delivery is not None
    first = mail.outbox[0].message()["Message-ID"]
    token = delivery.message_token
    assert len(token) == 24 and token in first
    Delivery.objects.filter(pk=delivery.pk).update(
        message_token=Delivery._meta.get_field("message_token").default()
    )
    delivery.refresh_from_db()
    services._send(delivery, None)
    assert mail.outbox[-1].message()["Message-ID"] != first


def test_one_failing_email_does_not_stop_the_others(desk: Any, monkeypatch: Any) -> None:
    real = channels.send_email

    def picky(address: str, subject: str, body: str, key: str = "") -> None:
        if address.startswith("member"):
            raise channels.ChannelError("mailbox full")
        real(address, subject, body, key)

    monkeypatch.setattr(channels, "send_email", picky)
    sweep.run(TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == ["applicant@example.cn", "consultant@example.cn"]
    assert Delivery.objects.get(state=Delivery.State.FAILED).user == desk.member


def test_a_person_chooses_channels_per_organisation(desk: Any, robot: tuple[Robot, str]) -> None:
    state, base = robot
    Webhook.objects.create(organisation=desk.agency, kind="feishu", url=f"{base}/hook")
    ChannelPreference.objects.create(
        user=desk.consultant, organisation=desk.agency, in_app=False, email=False, webhook=False
    )
    ChannelPreference.objects.create(user=desk.member, organisation=desk.enterprise.organisation, email=False)
    sweep.run(TODAY)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"applicant", "member"}
    assert sorted(m.to[0] for m in mail.outbox) == ["applicant@example.cn"]
    assert state.received == []  # nobody at the agency wants the robot


def test_the_email_names_the_duty_in_both_languages(desk: Any) -> None:
    sweep.run(TODAY)
    message = mail.outbox[0]
    assert "年度报告" in message.subject and "annual report" in message.subject
    assert "http://" in message.body and f"/licenses/{desk.license.pk}/" in message.body


def test_notify_is_idempotent_with_a_key_and_tells_every_active_person(
    desk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    desk.member.is_active = False
    desk.member.save(update_fields=["is_active"])
    org = desk.enterprise.organisation
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(
            org, "许可证已失效", "正文", "License lapsed", "Body", "/licenses/1/", key="lapse:1"
        )
    assert [n.user.username for n in made] == ["applicant"]
    assert made[0].read_at is None and made[0].subject_zh == "许可证已失效"
    assert [m.to[0] for m in mail.outbox] == ["applicant@example.cn"]
    assert services.notify(org, "许可证已失效", "正文", "License lapsed", "Body", key="lapse:1") == []
    assert len(mail.outbox) == 1
    # Without a key each call is a new notice (the positional form the license sweep uses).
    assert len(services.notify(org, "a", "b", "c", "d", "")) == 1


def test_notify_survives_a_queue_that_is_down(
    desk: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from icpdesk.notifications import tasks

    def down(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("queue down")

    monkeypatch.setattr(type(tasks.deliver), "enqueue", down)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(desk.enterprise.organisation, "s", "b", "s", "b", key="x")
    assert len(made) == 2
    assert len(mail.outbox) == 0
    sweep.run(TODAY)  # the next sweep sends what is pending
    assert {"applicant@example.cn", "member@example.cn"} <= {m.to[0] for m in mail.outbox}
