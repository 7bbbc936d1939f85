"""The licensing case's states, transitions and the deadline each step owes.

This table is the single statement of the six-step workflow of DOMAIN.md; the
Django actions enforce it, the pages and the API show it, and the timeline
projects dates from it. Time limits are not here: they are the rule pack's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    FILED = "filed"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    INSPECTION_SCHEDULED = "inspection_scheduled"
    INSPECTED = "inspected"
    APPROVED = "approved"
    REJECTED = "rejected"
    CERTIFICATE_ISSUED = "certificate_issued"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


STATE_LABELS: dict[State, tuple[str, str]] = {
    State.DRAFT: ("草稿", "Draft"),
    State.FILED: ("已申报，待受理", "Filed, awaiting acceptance"),
    State.RETURNED: ("已退回补正", "Returned for supplement"),
    State.ACCEPTED: ("已受理，待安排核查", "Accepted, inspection to be scheduled"),
    State.INSPECTION_SCHEDULED: ("已安排现场核查", "On-site inspection scheduled"),
    State.INSPECTED: ("已核查，待审核决定", "Inspected, awaiting decision"),
    State.APPROVED: ("已批准，待发证", "Approved, certificate to be issued"),
    State.REJECTED: ("不予许可", "Rejected"),
    State.CERTIFICATE_ISSUED: ("已发证", "Certificate issued"),
    State.WITHDRAWN: ("已撤回", "Withdrawn"),
    State.LAPSED: ("逾期未补正，已终止", "Lapsed (supplement not answered)"),
}

TERMINAL_STATES = frozenset({State.REJECTED, State.CERTIFICATE_ISSUED, State.WITHDRAWN, State.LAPSED})

# Who acts, by organisation kind and role.
APPLICANT_SIDE = "applicant"  # enterprise member/owner, or an agency consultant with a mandate
REVIEWER = "reviewer"
INSPECTOR = "inspector"
APPROVER = "approver"


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State
    actor: str  # APPLICANT_SIDE or a regulator role
    mandate_scope: str | None  # the mandate scope an agency needs, for applicant-side transitions
    label_zh: str
    label_en: str


def _t(
    name: str,
    sources: set[State],
    target: State,
    actor: str,
    label_zh: str,
    label_en: str,
    mandate_scope: str | None = None,
) -> Transition:
    return Transition(name, frozenset(sources), target, actor, mandate_scope, label_zh, label_en)


BEFORE_DECISION = {
    State.DRAFT,
    State.FILED,
    State.RETURNED,
    State.ACCEPTED,
    State.INSPECTION_SCHEDULED,
    State.INSPECTED,
}

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("file", {State.DRAFT}, State.FILED, APPLICANT_SIDE, "提交申报", "File", "file"),
        _t("accept", {State.FILED}, State.ACCEPTED, REVIEWER, "受理", "Accept"),
        _t("return", {State.FILED}, State.RETURNED, REVIEWER, "退回补正", "Return for supplement"),
        _t(
            "answer",
            {State.RETURNED},
            State.FILED,
            APPLICANT_SIDE,
            "提交补正",
            "Answer the supplement notice",
            "answer_supplement",
        ),
        _t("lapse", {State.RETURNED}, State.LAPSED, REVIEWER, "逾期终止", "Close as lapsed"),
        _t(
            "schedule_inspection",
            {State.ACCEPTED, State.INSPECTION_SCHEDULED},
            State.INSPECTION_SCHEDULED,
            INSPECTOR,
            "安排现场核查",
            "Schedule the inspection",
        ),
        _t(
            "record_inspection",
            {State.INSPECTION_SCHEDULED},
            State.INSPECTED,
            INSPECTOR,
            "录入核查记录",
            "Record the inspection",
        ),
        _t("approve", {State.INSPECTED}, State.APPROVED, APPROVER, "批准", "Approve"),
        _t("reject", {State.INSPECTED}, State.REJECTED, APPROVER, "不予许可", "Reject"),
        _t(
            "issue_certificate",
            {State.APPROVED},
            State.CERTIFICATE_ISSUED,
            APPROVER,
            "发放许可证",
            "Issue the certificate",
        ),
        _t(
            "withdraw",
            BEFORE_DECISION,
            State.WITHDRAWN,
            APPLICANT_SIDE,
            "撤回申请",
            "Withdraw",
            "file",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Step:
    """A step of the six-step timeline whose deadline the desk tracks."""

    id: str
    limit: str | None  # the pack limit that sets the deadline
    starts_at: str | None  # the event the limit counts from
    owner: str
    label_zh: str
    label_en: str


STEPS: tuple[Step, ...] = (
    Step("filing", None, None, APPLICANT_SIDE, "网上申报", "Online filing"),
    Step("acceptance", "acceptance", "filed", REVIEWER, "受理", "Acceptance"),
    Step("inspection", "inspection", "accepted", INSPECTOR, "现场核查", "On-site inspection"),
    Step("decision", "decision", "inspected", APPROVER, "审核决定", "Final review and decision"),
    Step("certificate", "certificate", "approved", APPROVER, "发证", "Certificate"),
)

# The step whose deadline is running in each state (the queue a case sits in).
PENDING_STEP: dict[State, str] = {
    State.FILED: "acceptance",
    State.RETURNED: "supplement",
    State.ACCEPTED: "inspection",
    State.INSPECTION_SCHEDULED: "inspection",
    State.INSPECTED: "decision",
    State.APPROVED: "certificate",
}

# Which regulator role's queue holds a case in each state.
QUEUE_ROLE: dict[State, str] = {
    State.FILED: REVIEWER,
    State.RETURNED: REVIEWER,
    State.ACCEPTED: INSPECTOR,
    State.INSPECTION_SCHEDULED: INSPECTOR,
    State.INSPECTED: APPROVER,
    State.APPROVED: APPROVER,
}

INSPECTION_AREAS: tuple[tuple[str, str, str], ...] = (
    ("site", "网站交易功能与内容", "Live site: trading functions and content"),
    ("servers", "服务器与托管协议一致", "Servers match the hosting agreement"),
    ("security_manager", "网络安全负责人背景与全职", "Security manager: background and full-time work"),
    ("rules_and_drills", "安全制度张贴与应急演练记录", "Posted security rules and emergency drill records"),
)


# Audit-trail entries that are not state transitions.
AUDIT_LABELS: dict[str, tuple[str, str]] = {
    "create": ("创建申请", "Created the application"),
    "comment": ("留言", "Comment"),
    "material_upload": ("上传材料", "Uploaded a material"),
    "material_accept": ("材料审查通过", "Accepted a material"),
    "material_return": ("材料退回", "Returned a material"),
    "material_forged": ("标记材料为伪造", "Marked a material as forged"),
}


def action_label(action: str, lang: str = "zh-hans") -> str:
    """The zh or en label of an audit-trail action (a transition or another entry)."""
    english = lang.startswith("en")
    transition = TRANSITIONS.get(action)
    if transition is not None:
        return transition.label_en if english else transition.label_zh
    pair = AUDIT_LABELS.get(action)
    if pair is not None:
        return pair[1] if english else pair[0]
    return action


def transitions_from(state: State) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


class TransitionError(Exception):
    """A transition that the workflow (a case's or a license's) does not allow from the current state."""

    def __init__(self, name: str, state: str) -> None:
        self.name = name
        self.state = str(state)
        super().__init__(f"transition {name!r} is not allowed from state {self.state!r}")


def check_transition(name: str, state: State) -> Transition:
    """The transition ``name`` if the table allows it from ``state``.

    :class:`KeyError` for a name not in the table, :class:`TransitionError`
    for a state it does not leave from.
    """
    transition = TRANSITIONS[name]
    if state not in transition.sources:
        raise TransitionError(name, state)
    return transition
