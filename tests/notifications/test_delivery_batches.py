"""The sweep hands its deliveries to the task workers in batches; each batch sends its emails through
one SMTP connection, to a real SMTP server on loopback that counts its connections and messages."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from icpdesk.accounts.models import User
from icpdesk.notifications import services, sweep, tasks
from icpdesk.notifications.models import Delivery
from tests.notifications.test_channels import TODAY

pytestmark = pytest.mark.django_db


@dataclass
class Mailbox:
    """What the server saw: connections opened, messages accepted, addresses it refuses."""

    connections: int = 0
    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def recipients(self) -> Counter[str]:
        return Counter(to for rcpts, _ in self.messages for to in rcpts)


class _Session(socketserver.StreamRequestHandler):
    """Enough of SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    box: Mailbox

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        box = self.server.box  # type: ignore[attr-defined]
        with box.lock:
            box.connections += 1
        self.reply("220 mail.test ESMTP")
        rcpts: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-mail.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb in (b"HELO", b"NOOP"):
                self.reply("250 OK")
            elif verb in (b"MAIL", b"RSET"):
                rcpts = []
                self.reply("250 OK")
            elif verb == b"RCPT":
                address = line.split(b"<", 1)[1].split(b">", 1)[0].decode()
                if address in box.refuse:
                    self.reply("550 5.1.1 mailbox unavailable")
                else:
                    rcpts.append(address)
                    self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                with box.lock:
                    box.messages.append((rcpts, data))
                self.reply("250 OK queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    box = Mailbox()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
    server.daemon_threads = True
    server.box = box  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.server_address[1], "timeout": 10},
        }
    }
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def queued(settings: Any) -> None:
    """The production queue: tasks wait in the database for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def people(desk: Any, total: int) -> list[str]:
    """Enough people at the enterprise that the 7-day reminder makes ``total`` emails (the desk has 3)."""
    org = desk.enterprise.organisation
    User.objects.bulk_create(
        [
            User(username=f"staff{i}", organisation=org, roles=["member"], email=f"staff{i}@example.cn")
            for i in range(total - 3)
        ]
    )
    owed = User.objects.filter(organisation__in=[org, desk.agency]).exclude(email="")
    return list(owed.values_list("email", flat=True))


def batch_tasks() -> list[list[int]]:
    rows = DBTaskResult.objects.filter(task_path=tasks.deliver_batch.module_path).order_by(
        "enqueued_at", "id"
    )
    return [row.args_kwargs["args"][0] for row in rows]


def run_worker() -> None:
    """One task worker, in this process, until the queue is empty. (It keeps the test's database
    connection: between tasks a worker closes one that is inside a transaction, as the test's is.)"""
    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()


def test_a_sweep_of_250_emails_enqueues_3_batches_each_sent_through_one_connection(
    desk: Any, smtp: Mailbox, queued: None
) -> None:
    addresses = people(desk, 250)
    assert len(addresses) == 250
    result = sweep.run(TODAY)
    assert result.claimed == 1 and result.batches == 3
    # The sweep sent nothing itself: the batches wait for the workers.
    assert smtp.connections == 0 and smtp.messages == []
    batches = batch_tasks()
    assert [len(b) for b in batches] == [100, 100, 50]
    emails = Delivery.objects.filter(channel="email")
    assert sorted(i for b in batches for i in b) == sorted(emails.values_list("pk", flat=True))
    assert emails.count() == 250

    run_worker()
    assert smtp.connections == 3
    assert len(smtp.messages) == 250
    received = smtp.recipients()
    assert set(received) == set(addresses) and max(received.values()) == 1
    assert not emails.exclude(state=Delivery.State.SENT).exists()
    assert set(emails.values_list("attempts", flat=True)) == {1}
    first = message_from_bytes(smtp.messages[0][1])
    assert first["Auto-Submitted"] == "auto-generated" and first["Message-ID"].startswith(
        "<icpdesk.delivery."
    )

    # A batch run again (a worker that picked up a task twice) sends nothing and opens no connection.
    for ids in batches:
        assert services.deliver_batch(ids) == {"sent": 0, "failed": 0, "abandoned": 0}
    assert smtp.connections == 3 and len(smtp.messages) == 250
    # The next sweep finds nothing new to claim or hand out.
    again = sweep.run(TODAY)
    assert again.claimed == 0 and again.batches == 0
    assert len(batch_tasks()) == 3


def test_a_refused_email_is_recorded_and_retried_while_the_rest_of_its_batch_goes_out(
    desk: Any, smtp: Mailbox, queued: None
) -> None:
    people(desk, 40)
    smtp.refuse = {"member@example.cn"}
    assert sweep.run(TODAY).batches == 1
    run_worker()
    assert smtp.connections == 1  # the refusal did not cost the others their connection
    assert len(smtp.messages) == 39 and "member@example.cn" not in smtp.recipients()
    failed = Delivery.objects.get(state=Delivery.State.FAILED)
    assert failed.user == desk.member and failed.attempts == 1
    assert "550" in failed.last_error and "mailbox unavailable" in failed.last_error
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=50)  # the first backoff, a minute
    # The retry of the failed one waits in the queue for its next attempt.
    retry = DBTaskResult.objects.filter(task_path=tasks.deliver_batch.module_path, status="READY").get()
    assert retry.args_kwargs["args"][0] == [failed.pk]
    assert retry.run_after == failed.next_attempt_at

    smtp.refuse = set()
    assert services.deliver_batch([failed.pk]) == {"sent": 0, "failed": 0, "abandoned": 0}  # not yet due
    later = failed.next_attempt_at + timedelta(seconds=1)
    assert services.deliver_batch([failed.pk], later)["sent"] == 1
    failed.refresh_from_db()
    assert failed.state == Delivery.State.SENT and failed.attempts == 2 and failed.last_error == ""
    assert smtp.recipients()["member@example.cn"] == 1 and len(smtp.messages) == 40


def test_a_connection_that_breaks_fails_its_message_and_the_next_one_reconnects(
    desk: Any, smtp: Mailbox, monkeypatch: Any
) -> None:
    from django.core.mail.backends.smtp import EmailBackend

    people(desk, 10)
    sweep.run(TODAY, deliver=False)
    real = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 4:
            self.connection.sock.shutdown(socket.SHUT_RDWR)  # the line drops under the fourth message
        return int(real(self, messages))

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    counts = services.deliver_batch(list(Delivery.objects.values_list("pk", flat=True)))
    assert counts == {"sent": 9, "failed": 1, "abandoned": 0}
    assert smtp.connections == 2 and len(smtp.messages) == 9
    assert Delivery.objects.get(state=Delivery.State.FAILED).attempts == 1
