"""Claiming reminders exactly once, fanning them out to people and channels, and delivering them.

Exactly once: a reminder is claimed by inserting its row (unique ``duty_key,
threshold``) with ``bulk_create(ignore_conflicts=True)``, tagged with this
run's id; the rows carrying the run's id afterwards are the ones this run
created, and only those get notifications and deliveries, in the same
transaction. A second sweep at the same time inserts nothing (PostgreSQL waits
on the unique index, then skips; SQLite runs one writer at a time).

Delivery: in-app notifications are rows written with the claim, so they are
there exactly when the claim is. Email and webhook messages are
:class:`~icpdesk.notifications.models.Delivery` rows, taken by a worker with a
conditional update (the row's state and due time must still match, so two
workers never take the same row), sent, and marked sent; a failure is recorded
and retried with exponential backoff, and never stops the other deliveries.
A worker that dies while sending leaves the row ``sending`` with a lease that
expires, after which the next run retries it.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from icpdesk.accounts.models import Organisation, User
from icpdesk.notifications import channels
from icpdesk.notifications.duties import Owner
from icpdesk.notifications.models import (
    Channel,
    ChannelPreference,
    Delivery,
    Notification,
    Reminder,
    Webhook,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
LEASE = timedelta(minutes=10)
DELIVERY_BATCH = 100  # deliveries per task, sent through one mail connection
KEY_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Message:
    """One reminder to claim: its key and threshold, what it says, and who owes it."""

    duty_key: str
    threshold: str
    kind: str
    due_on: date | None
    owners: tuple[Owner, ...]
    subject_zh: str
    body_zh: str
    subject_en: str
    body_en: str
    link: str = ""


def new_run_id() -> str:
    return uuid.uuid4().hex


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failed attempt, at most 6 hours."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(0, attempts - 1))
    return min(delay, BACKOFF_CAP)


# ------------------------------------------------------------------ claiming


def claim(messages: Sequence[Message], run_id: str, today: date) -> list[Reminder]:
    """Insert the reminders; fan out those this run created. The reminders this run claimed."""
    if not messages:
        return []
    by_key = {(m.duty_key, m.threshold): m for m in messages}
    now = timezone.now()
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    duty_key=m.duty_key,
                    threshold=m.threshold,
                    kind=m.kind,
                    due_on=m.due_on,
                    fire_on=today,
                    claimed_by=run_id,
                    subject_zh=m.subject_zh[:200],
                    body_zh=m.body_zh,
                    subject_en=m.subject_en[:200],
                    body_en=m.body_en,
                    link=m.link,
                    created_at=now,
                )
                for m in by_key.values()
            ],
            ignore_conflicts=True,
            batch_size=KEY_CHUNK,
        )
        keys = sorted({m.duty_key for m in by_key.values()})
        mine: list[Reminder] = []
        for i in range(0, len(keys), KEY_CHUNK):
            mine.extend(
                r
                for r in Reminder.objects.filter(claimed_by=run_id, duty_key__in=keys[i : i + KEY_CHUNK])
                if (r.duty_key, r.threshold) in by_key
            )
        _fan_out([(r, by_key[(r.duty_key, r.threshold)].owners) for r in mine], now)
    return mine


@dataclass(slots=True)
class _Person:
    id: int
    organisation_id: int
    roles: frozenset[str]
    has_email: bool


def _people(org_ids: Iterable[int]) -> dict[int, list[_Person]]:
    from icpdesk.accounts.choices import ROLES_BY_KIND

    kinds = dict(Organisation.objects.filter(pk__in=list(org_ids)).values_list("pk", "kind"))
    people: dict[int, list[_Person]] = defaultdict(list)
    rows = User.objects.filter(organisation_id__in=list(kinds), is_active=True).values_list(
        "pk", "organisation_id", "roles", "email"
    )
    for pk, org_id, roles, email in rows:
        valid = ROLES_BY_KIND.get(kinds[org_id], frozenset()) & frozenset(roles or [])
        people[org_id].append(_Person(pk, org_id, valid, bool(email)))
    return people


def _fan_out(claimed: list[tuple[Reminder, tuple[Owner, ...]]], now: datetime) -> None:
    if not claimed:
        return
    org_ids = {o.organisation_id for _, owners in claimed for o in owners}
    people = _people(org_ids)
    user_ids = [p.id for group in people.values() for p in group]
    prefs = (
        {
            (p.user_id, p.organisation_id): p
            for p in ChannelPreference.objects.filter(user_id__in=user_ids, organisation_id__in=list(org_ids))
        }
        if user_ids
        else {}
    )
    hooked = set(
        Webhook.objects.filter(organisation_id__in=list(org_ids), active=True).values_list(
            "organisation_id", flat=True
        )
    )
    notifications: list[Notification] = []
    deliveries: list[Delivery] = []
    for reminder, owners in claimed:
        seen: set[int] = set()
        for owner in owners:
            wants_webhook = False
            for person in people.get(owner.organisation_id, []):
                if person.id in seen or (owner.role and owner.role not in person.roles):
                    continue
                if not owner.role and not person.roles:
                    continue  # a person without a valid role acts for nobody
                seen.add(person.id)
                pref = prefs.get((person.id, owner.organisation_id))
                if pref is None or pref.in_app:
                    notifications.append(
                        Notification(
                            reminder=reminder,
                            user_id=person.id,
                            organisation_id=owner.organisation_id,
                            created_at=now,
                        )
                    )
                if person.has_email and (pref is None or pref.email):
                    deliveries.append(
                        Delivery(
                            reminder=reminder,
                            channel=Channel.EMAIL,
                            user_id=person.id,
                            organisation_id=owner.organisation_id,
                            next_attempt_at=now,
                            created_at=now,
                        )
                    )
                wants_webhook = wants_webhook or pref is None or pref.webhook
            if wants_webhook and owner.organisation_id in hooked:
                deliveries.append(
                    Delivery(
                        reminder=reminder,
                        channel=Channel.WEBHOOK,
                        user=None,
                        organisation_id=owner.organisation_id,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    Notification.objects.bulk_create(notifications, batch_size=1000)
    # One webhook post per organisation and reminder, even when it owes the duty twice.
    unique: dict[tuple[int, str, int | None, int], Delivery] = {}
    for d in deliveries:
        unique.setdefault((d.reminder.pk, d.channel, d.user_id, d.organisation_id), d)
    Delivery.objects.bulk_create(list(unique.values()), batch_size=1000)


# ------------------------------------------------------------------ delivering

DUE_STATES = (Delivery.State.PENDING, Delivery.State.FAILED, Delivery.State.SENDING)


def _due(now: datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(state__in=DUE_STATES, next_attempt_at__lte=now)


def deliver_due(
    now: datetime | None = None, *, ids: Sequence[int] | None = None, limit: int | None = None
) -> dict[str, int]:
    """Send every email and webhook message that is due, ``DELIVERY_BATCH`` at a time (each
    batch through one mail connection); ``{"sent": n, "failed": n, "abandoned": n}``."""
    counts = {"sent": 0, "failed": 0, "abandoned": 0}
    done = 0
    while limit is None or done < limit:
        moment = now or timezone.now()
        due = _due(moment)
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        batch = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:DELIVERY_BATCH])
        if not batch:
            break
        done += _deliver_batch(batch, moment, counts)
    return counts


def deliver_batch(ids: Sequence[int], now: datetime | None = None) -> dict[str, int]:
    """Send those of the given deliveries that are still due, through one mail connection.

    Safe to run twice, or on two workers at once: each row is taken by a conditional
    update (its state and due time must still match), so a delivery already sent,
    or being sent by another worker, is left alone and nothing goes out twice."""
    counts = {"sent": 0, "failed": 0, "abandoned": 0}
    _deliver_batch(list(ids), now or timezone.now(), counts)
    return counts


def _deliver_batch(batch: list[int], now: datetime, counts: dict[str, int]) -> int:
    """Take, send and mark one batch; the number of deliveries taken."""
    token = new_run_id()
    taken = (
        _due(now)
        .filter(pk__in=batch)
        .update(
            state=Delivery.State.SENDING,
            next_attempt_at=now + LEASE,
            attempts=F("attempts") + 1,
            lease=token,
        )
    )
    if not taken:
        return 0
    rows = list(
        Delivery.objects.filter(pk__in=batch, state=Delivery.State.SENDING, lease=token)
        .select_related("reminder", "user")
        .order_by("pk")
    )
    sent = _send_emails([r for r in rows if r.channel == Channel.EMAIL], now, counts)
    others = [r for r in rows if r.channel != Channel.EMAIL]
    webhooks = {
        w.organisation_id: w
        for w in Webhook.objects.filter(organisation_id__in={r.organisation_id for r in others})
    }
    for delivery in others:
        try:
            _send(delivery, webhooks.get(delivery.organisation_id))
        except Exception as error:
            _record_failure(delivery, error, now, counts)
        else:
            sent.append(delivery.pk)
    Delivery.objects.filter(pk__in=sent, lease=token).update(
        state=Delivery.State.SENT, sent_at=now, last_error="", lease=""
    )
    counts["sent"] += len(sent)
    return len(rows)


def _send_emails(rows: list[Delivery], now: datetime, counts: dict[str, int]) -> list[int]:
    """Send the emails of one batch through one connection of the default mailer; the ids sent.
    A message the server refuses fails alone (see :func:`channels.mail_batch`)."""
    sent: list[int] = []
    if not rows:
        return sent
    with channels.mail_batch():
        for delivery in rows:
            try:
                _send(delivery, None)
            except Exception as error:
                _record_failure(delivery, error, now, counts)
            else:
                sent.append(delivery.pk)
    return sent


def enqueue_due(
    now: datetime | None = None, *, batch_size: int = DELIVERY_BATCH, counts: dict[str, int] | None = None
) -> int:
    """Hand every due email and webhook message to the task workers, ``batch_size`` per
    task; the number of batches. A batch the queue refuses is sent here and now."""
    ids = list(_due(now or timezone.now()).order_by("next_attempt_at", "pk").values_list("pk", flat=True))
    return enqueue_batches(ids, batch_size=batch_size, inline=True, counts=counts)


def enqueue_batches(
    ids: Sequence[int],
    *,
    batch_size: int = DELIVERY_BATCH,
    inline: bool = False,
    counts: dict[str, int] | None = None,
) -> int:
    """Enqueue a delivery-batch task per ``batch_size`` ids; the number of batches.

    A batch the queue refuses is sent at once with ``inline``, or else stays pending
    in the table for the next sweep. The figures of batches that ran already (a
    backend that runs tasks at once, as in the tests) are added to ``counts``."""
    from django.tasks import TaskResultStatus

    from icpdesk.notifications.tasks import deliver_batch as task

    batches = 0
    for i in range(0, len(ids), batch_size):
        chunk = list(ids[i : i + batch_size])
        batches += 1
        try:
            result = task.enqueue(chunk)
        except Exception:
            logger.exception("could not enqueue deliveries %s", chunk[:10])
            if not inline:
                continue
            done = deliver_batch(chunk)
        else:
            if result.status != TaskResultStatus.SUCCESSFUL:
                continue
            done = result.return_value
        if counts is not None:
            for key, value in done.items():
                counts[key] = counts.get(key, 0) + value
    return batches


def retry_later(ids: Sequence[int]) -> bool:
    """Enqueue the retry of those deliveries that failed, at the earliest of their next
    attempts, when the task backend can run a task later; True when one was enqueued.
    (Without it, the next sweep sends them.)"""
    from django.tasks import default_task_backend

    from icpdesk.notifications.tasks import deliver_batch as task

    failed = Delivery.objects.filter(pk__in=list(ids), state=Delivery.State.FAILED)
    first = failed.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    if first is None or not default_task_backend.supports_defer:
        return False
    try:
        task.using(run_after=first).enqueue(list(failed.values_list("pk", flat=True)))
    except Exception:
        logger.exception("could not enqueue the retry of deliveries %s", list(ids)[:10])
        return False
    return True


def _send(delivery: Delivery, webhook: Webhook | None) -> None:
    r = delivery.reminder
    if delivery.channel == Channel.EMAIL:
        user = delivery.user
        if user is None:
            raise channels.ChannelError("no recipient")
        text = channels.text_of(r.subject_zh, r.body_zh, r.subject_en, r.body_en, r.link)
        channels.send_email(
            user.email,
            f"{r.subject_zh} / {r.subject_en}",
            text,
            key=f"delivery.{delivery.pk}.{delivery.message_token}",
        )
    elif delivery.channel == Channel.WEBHOOK:
        if webhook is None or not webhook.active:
            raise channels.ChannelError("the organisation has no active webhook")
        body = f"{r.body_zh}\n\n{r.subject_en}\n{r.body_en}"
        channels.send_webhook(webhook.kind, webhook.url, r.subject_zh, body, r.link, secret=webhook.secret)
    else:
        raise channels.ChannelError(f"unknown channel {delivery.channel!r}")


def _record_failure(delivery: Delivery, error: Exception, now: datetime, counts: dict[str, int]) -> None:
    message = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, message)
    if delivery.attempts >= MAX_ATTEMPTS:
        state, counts["abandoned"] = Delivery.State.ABANDONED, counts["abandoned"] + 1
    else:
        state, counts["failed"] = Delivery.State.FAILED, counts["failed"] + 1
    Delivery.objects.filter(pk=delivery.pk, lease=delivery.lease).update(
        state=state, last_error=message, next_attempt_at=now + backoff(delivery.attempts), lease=""
    )


# ------------------------------------------------------------------ the API for other apps


def notify(
    organisation: Organisation,
    subject_zh: str,
    body_zh: str,
    subject_en: str,
    body_en: str,
    link: str = "",
    *,
    key: str | None = None,
) -> list[Notification]:
    """Tell every active person of the organisation, through the channels each chose.

    With ``key`` the call is idempotent: a second call with the same key (for
    the same organisation) does nothing and returns ``[]``. Email and webhook
    messages go out on the task workers after the transaction commits (and by
    the next sweep if the queue is down).
    """
    duty_key = f"notice:{organisation.pk}:{key}" if key else f"notice:{uuid.uuid4().hex}"
    message = Message(
        duty_key=duty_key[:120],
        threshold="notice",
        kind="notice",
        due_on=None,
        owners=(Owner(organisation.pk),),
        subject_zh=subject_zh,
        body_zh=body_zh,
        subject_en=subject_en,
        body_en=body_en,
        link=link,
    )
    run_id = new_run_id()
    with transaction.atomic():
        claimed = claim([message], run_id, timezone.localdate())
        if not claimed:
            return []
        ids = list(Delivery.objects.filter(reminder__in=claimed).values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: _enqueue_deliveries(ids))
        return list(
            Notification.objects.filter(reminder__in=claimed).select_related("reminder").order_by("pk")
        )


def _enqueue_deliveries(ids: list[int]) -> None:
    # A batch the queue refuses stays pending: the next sweep sends it.
    enqueue_batches(ids)


def preference_for(user: User, organisation_id: int) -> ChannelPreference:
    found = ChannelPreference.objects.filter(user=user, organisation_id=organisation_id).first()
    return found or ChannelPreference(user=user, organisation_id=organisation_id)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
