"""The daily state sweep: licenses whose annual report window closed unreported, and expired ones.

It queries only what is due, through indexes: ``(state, annual_report_due_on)``
for missed reports and ``(state, expires_on)`` for expiry. Every change goes
through an action that locks the license and re-checks its state, so running
the sweep twice (even at the same time) changes each license once. Once a
missed report's change has committed, :data:`icpdesk.licenses.events.report_missed`
says so; the notifications app tells the holder and its agencies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from icpdesk.core import license_lifecycle as lifecycle
from icpdesk.core.rules import RulePack
from icpdesk.lib.errors import ActionError
from icpdesk.lib.packs import current_pack
from icpdesk.licenses import actions, annual, events
from icpdesk.licenses.models import License

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class Counts:
    lapsed: int = 0
    bad_record: int = 0
    expired: int = 0
    notified: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "lapsed": self.lapsed,
            "bad_record": self.bad_record,
            "expired": self.expired,
            "notified": self.notified,
        }


def _missed_messages(license_: License, pack: RulePack, consequence: str) -> tuple[str, str, str, str]:
    due = license_.annual_report_due_on
    year = (due.year - 1) if due else 0
    if consequence == "lapse":
        subject_zh = f"许可证 {license_.number} 因未报送年报已失效"
        body_zh = (
            f"{license_.holder_name}未在 {due:%Y-%m-%d} 前报送 {year} 年度报告，"
            f"依{pack.name_zh}，许可证 {license_.number} 自今日起失效。"
            "如需继续经营，请重新申请许可证（新建申请），并按期报送以后各年度报告。"
        )
        subject_en = f"License {license_.number} has lapsed: annual report missed"
        body_en = (
            f"{license_.holder_name} did not file its {year} annual report by {due:%Y-%m-%d}; "
            f"under the {pack.name_en}, license {license_.number} has lapsed as of today. "
            "To keep operating, apply for a new license and file every later report on time."
        )
    else:
        subject_zh = f"许可证 {license_.number} 的持证企业已列入不良名单"
        body_zh = (
            f"{license_.holder_name}未在 {due:%Y-%m-%d} 前报送 {year} 年度报告，已列入不良名单。"
            "请尽快补报该年度报告；补报后即移出不良名单。"
        )
        subject_en = f"The holder of license {license_.number} is on the bad-record list"
        body_en = (
            f"{license_.holder_name} did not file its {year} annual report by {due:%Y-%m-%d} "
            "and has been put on the bad-record list. "
            "File the report now; filing it removes the holder from the list."
        )
    return subject_zh, body_zh, subject_en, body_en


def _announce_missed_report(
    license_: License, consequence: str, texts: tuple[str, str, str, str], key: str, counts: Counts
) -> None:
    """Once the change has committed, say so (the notifications app tells the holder and its agencies)."""
    subject_zh, body_zh, subject_en, body_en = texts

    def send() -> None:
        responses = events.report_missed.send_robust(
            sender=License,
            license=license_,
            consequence=consequence,
            subject_zh=subject_zh,
            body_zh=body_zh,
            subject_en=subject_en,
            body_en=body_en,
            key=key,
        )
        for receiver, response in responses:
            if isinstance(response, Exception):  # a failing receiver must not stop the sweep
                logger.error("%s failed on license %s: %r", receiver, license_.number, response)
            elif isinstance(response, int):
                counts.notified += response

    transaction.on_commit(send)


def apply_due_transitions(today: date, pack: RulePack | None = None) -> dict[str, int]:
    """Lapse (or bad-record) licenses whose report window closed unreported, and expire ended ones."""
    pack = pack or current_pack()
    counts = Counts()
    consequence = annual.missed_consequence(pack)
    # The states the table lets the consequence act on: a lapse, or a place on the bad-record list.
    if consequence == "lapse":
        states = lifecycle.TRANSITIONS["lapse"].sources
    else:
        states = lifecycle.ACTIVITIES["bad_record"]
    overdue = License.objects.filter(state__in=sorted(states), annual_report_due_on__lt=today)
    if consequence == "bad_record":
        overdue = overdue.filter(bad_record=False)
    for license_ in _batches(overdue):
        subject_zh, body_zh, subject_en, body_en = _missed_messages(license_, pack, consequence)
        reason = f"{body_zh}\n{body_en}"
        try:
            if consequence == "lapse":
                actions.lapse_license(None, license_, reason=reason, today=today)
                counts.lapsed += 1
            elif actions.mark_bad_record(license_, reason=reason, today=today):
                counts.bad_record += 1
            else:
                continue
        except ActionError:
            continue  # another sweep changed it first
        # Keyed by license, consequence and report year: a re-run tells nobody twice.
        key = f"license:{license_.pk}:{consequence}:{license_.annual_report_due_on}"
        texts = (subject_zh, body_zh, subject_en, body_en)
        _announce_missed_report(license_, consequence, texts, key, counts)
    ended = License.objects.filter(
        state__in=sorted(lifecycle.TRANSITIONS["expire"].sources), expires_on__lt=today
    )
    for license_ in _batches(ended):
        try:
            actions.expire_license(license_, today=today)
        except ActionError:
            continue
        counts.expired += 1
    return counts.as_dict()


def _batches(qs: Any) -> Any:
    """Rows in primary-key batches, so a long sweep holds no huge result set."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).select_related("holder").order_by("pk")[:BATCH])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk
