"""The daily reminder sweep: find the duties with a reminder due, claim each once, hand out.

It looks back ``LOOKBACK_DAYS`` days (today included), so a sweep that did not
run for a day or two still sends what fell due; of several thresholds of one
duty in that span only the latest is sent (the text counts the days from
today). Claims are committed batch by batch before anything is sent: a sweep
that dies half-way leaves committed claims with pending deliveries, which the
next run (or the delivery task) sends, and uncommitted ones, which it claims.

The sweep sends nothing itself: it hands every due delivery (today's and any
left pending or failed before) to the task workers, ``DELIVERY_BATCH`` per
task, each batch through one mail connection
(:func:`icpdesk.notifications.services.enqueue_due`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from icpdesk.core.rules import RulePack
from icpdesk.lib.packs import current_pack
from icpdesk.notifications import duties, services
from icpdesk.notifications.duties import Duty
from icpdesk.notifications.services import Message, new_run_id

logger = logging.getLogger(__name__)

LOOKBACK_DAYS = 3
CLAIM_BATCH = 1000


@dataclass
class SweepResult:
    today: date
    candidates: int = 0
    claimed: int = 0
    # Delivery batches handed to the workers; the figures of those already run (a
    # backend that runs tasks at once, or a batch the queue refused, sent here).
    batches: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "candidates": self.candidates,
            "claimed": self.claimed,
            "batches": self.batches,
            **{f"delivered_{k}": v for k, v in self.delivered.items()},
        }


def pick_threshold(duty: Duty, start: date, end: date) -> str | None:
    """The latest threshold of the duty whose day falls in [start, end], if any."""
    best: tuple[date, str] | None = None
    for name, day in duty.fires.items():
        if start <= day <= end and (best is None or day > best[0]):
            best = (day, name)
    return best[1] if best else None


def compose(duty: Duty, threshold: str, today: date) -> tuple[str, str, str, str]:
    """Subject and body, in Chinese and English, of the reminder of ``duty`` at ``threshold``."""
    left = (duty.due_on - today).days
    due = f"{duty.due_on:%Y-%m-%d}"
    if threshold == "open":
        subject_zh, subject_en = f"已开始：{duty.title_zh}", f"Now open: {duty.title_en}"
        body_zh = f"{duty.title_zh}。自 {due} 起可以办理。"
        body_en = f"{duty.title_en}. It can be done from {due}."
    elif threshold == "returned":
        subject_zh, subject_en = f"已退回：{duty.title_zh}", f"Returned: {duty.title_en}"
        body_zh = f"{duty.title_zh}，请于 {due} 前完成。"
        body_en = f"{duty.title_en}, by {due}."
    elif left < 0:
        subject_zh, subject_en = f"已逾期：{duty.title_zh}", f"Overdue: {duty.title_en}"
        body_zh = f"{duty.title_zh}已于 {due} 到期，已逾期 {-left} 天，请立即办理。"
        body_en = f"{duty.title_en} was due on {due}, {-left} day(s) ago. Act now."
    elif left == 0:
        subject_zh, subject_en = f"今日到期：{duty.title_zh}", f"Due today: {duty.title_en}"
        body_zh = f"{duty.title_zh}今日（{due}）到期。"
        body_en = f"{duty.title_en} is due today ({due})."
    else:
        subject_zh, subject_en = f"还有 {left} 天：{duty.title_zh}", f"{left} day(s) left: {duty.title_en}"
        body_zh = f"{duty.title_zh}将于 {due} 到期，还有 {left} 天。"
        body_en = f"{duty.title_en} is due on {due}, in {left} day(s)."
    return subject_zh, body_zh, subject_en, body_en


def message_for(duty: Duty, threshold: str, today: date) -> Message:
    subject_zh, body_zh, subject_en, body_en = compose(duty, threshold, today)
    return Message(
        duty_key=duty.key,
        threshold=threshold,
        kind=duty.kind,
        due_on=duty.due_on,
        owners=duty.owners,
        subject_zh=subject_zh,
        body_zh=body_zh,
        subject_en=subject_en,
        body_en=body_en,
        link=duty.link,
    )


def run(
    today: date,
    *,
    lookback: int = LOOKBACK_DAYS,
    deliver: bool = True,
    pack: RulePack | None = None,
    batch_size: int = CLAIM_BATCH,
) -> SweepResult:
    """Claim every reminder due between ``today - lookback + 1`` and ``today``; then, with
    ``deliver``, hand every due delivery to the task workers in batches."""
    pack = pack or current_pack()
    start = today - timedelta(days=max(1, lookback) - 1)
    result = SweepResult(today=today)
    run_id = new_run_id()
    began = time.perf_counter()
    batch: list[Message] = []
    for duty in duties.due_between(start, today, pack):
        threshold = pick_threshold(duty, start, today)
        if threshold is None:
            continue
        result.candidates += 1
        batch.append(message_for(duty, threshold, today))
        if len(batch) >= batch_size:
            result.claimed += len(services.claim(batch, run_id, today))
            batch = []
    result.claimed += len(services.claim(batch, run_id, today))
    result.seconds["claim"] = time.perf_counter() - began
    if deliver:
        began = time.perf_counter()
        result.batches = services.enqueue_due(counts=result.delivered)
        result.seconds["enqueue"] = time.perf_counter() - began
    logger.info("reminder sweep %s: %s", today, result.as_dict())
    return result
