"""How the notifications app reacts to what the apps below it did.

Connected in :meth:`icpdesk.notifications.apps.NotificationsConfig.ready`. The
signals are sent after the change committed, so a notice never tells of
something that was rolled back; each notice is keyed, so a signal received
twice tells nobody twice.
"""

from __future__ import annotations

import logging
from typing import Any

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import STATE_LABELS, TRANSITIONS, State
from icpdesk.licenses.models import License
from icpdesk.notifications.services import notify

logger = logging.getLogger(__name__)

# Decisions the regulator takes on a case: the enterprise and its agency hear of them.
TOLD_TO_APPLICANT = frozenset(
    {"accept", "return", "lapse", "schedule_inspection", "approve", "reject", "issue_certificate"}
)
# What the applicant side does: the province's regulator hears of it.
TOLD_TO_REGULATOR = frozenset({"file", "answer"})


def _tell(organisations: list[Organisation], texts: tuple[str, str, str, str], link: str, key: str) -> int:
    subject_zh, body_zh, subject_en, body_en = texts
    sent = 0
    for organisation in organisations:
        try:
            notify(
                organisation, subject_zh, body_zh, subject_en, body_en, link, key=f"{key}:{organisation.pk}"
            )
        except Exception:  # one organisation's failing channel must not keep the others uninformed
            logger.exception("could not notify %s (%s)", organisation.pk, key)
            continue
        sent += 1
    return sent


def _case_recipients(application: Application, transition: str) -> list[Organisation]:
    if transition in TOLD_TO_APPLICANT:
        told = [application.enterprise.organisation]
        if application.agency_id and application.agency is not None:
            told.append(application.agency)
        return told
    if transition in TOLD_TO_REGULATOR:
        return list(
            Organisation.objects.filter(kind=OrgKind.REGULATOR, province_code=application.province_code)
        )
    return []


def case_transitioned(
    sender: Any, application: Application, transition: str, actor: User | None = None, **kwargs: Any
) -> int:
    """Tell the other side of a case what happened to it; returns how many organisations were told."""
    organisations = _case_recipients(application, transition)
    if not organisations:
        return 0
    step = TRANSITIONS[transition]
    state_zh, state_en = STATE_LABELS[State(application.state)]
    name = application.enterprise.name
    due_zh = f"，办理期限至 {application.due_on:%Y-%m-%d}" if application.due_on else ""
    due_en = f"; due by {application.due_on:%Y-%m-%d}" if application.due_on else ""
    texts = (
        f"案件 {application.reference}：{step.label_zh}",
        f"{name}的案件 {application.reference} 已{step.label_zh}，当前状态：{state_zh}{due_zh}。",
        f"Case {application.reference}: {step.label_en}",
        f"Case {application.reference} of {name}: {step.label_en.lower()} done; "
        f"it is now {state_en.lower()}{due_en}.",
    )
    # The version after the transition is unique to it: a repeated signal tells nobody twice.
    key = f"case:{application.pk}:{transition}:{application.version}"
    return _tell(organisations, texts, f"/cases/{application.pk}/", key)


def license_report_missed(
    sender: Any,
    license: License,
    subject_zh: str,
    body_zh: str,
    subject_en: str,
    body_en: str,
    key: str,
    **kwargs: Any,
) -> int:
    """Tell the holder and the agencies holding an active mandate for it."""
    told = [license.holder.organisation]
    told += list(
        Organisation.objects.filter(
            pk__in=Mandate.objects.filter(enterprise_id=license.holder_id, revoked_at__isnull=True).values(
                "agency_id"
            )
        )
    )
    return _tell(told, (subject_zh, body_zh, subject_en, body_en), f"/licenses/{license.pk}/", key)
