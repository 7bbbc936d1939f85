"""The license's states, the transitions between them, and who may take each.

The case's table is :mod:`icpdesk.core.lifecycle`; this is the license's, the
table the licenses app enforces after the certificate is issued: the sweep
lapses and expires, the approver suspends, reinstates and revokes, the holder
cancels, a renewal case renews. What a license may do in each state (file its
annual report, a change, a renewal) is here too. Labels are message codes of
:data:`MESSAGES` (Chinese first, English second), so the pages, the API and
the refusals word a state or a transition the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from icpdesk.core.lifecycle import TransitionError

__all__ = [
    "ACTIVITIES",
    "APPROVER",
    "ENDED_STATES",
    "INITIAL_STATE",
    "MESSAGES",
    "OWNER",
    "REVIEWER",
    "SYSTEM",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "LicenseState",
    "LicenseTransition",
    "TransitionError",
    "allows",
    "check_transition",
    "labels",
    "may_take",
    "message",
    "refusal",
    "state_label",
    "transitions_from",
]


class LicenseState(StrEnum):
    VALID = "valid"
    LAPSED = "lapsed"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


# A license is issued valid.
INITIAL_STATE = LicenseState.VALID

# No transition leaves these.
TERMINAL_STATES = frozenset({LicenseState.REVOKED, LicenseState.CANCELLED})

# No longer in force: the holder must apply for a new license. A lapsed one
# can still be revoked or cancelled on the record, and a renewal case opened
# before the expiry still renews an expired one.
ENDED_STATES = TERMINAL_STATES | {LicenseState.LAPSED, LicenseState.EXPIRED}

# Who takes a transition: the daily sweep (a reviewer or approver may record
# it by hand), the holder enterprise's owner, or a regulator role.
SYSTEM = "system"
OWNER = "owner"
REVIEWER = "reviewer"
APPROVER = "approver"


@dataclass(frozen=True, slots=True)
class LicenseTransition:
    name: str
    sources: frozenset[LicenseState]
    target: LicenseState
    actor: str  # SYSTEM, OWNER or a regulator role
    roles: frozenset[str]  # the regulator roles that may take it (a system one: record it by hand)
    reason_required: bool
    label: str  # message code of the past participle: "it cannot be {label}"


def _t(
    name: str,
    sources: set[LicenseState],
    target: LicenseState,
    actor: str,
    roles: set[str],
    *,
    reason_required: bool = True,
) -> LicenseTransition:
    return LicenseTransition(
        name,
        frozenset(sources),
        target,
        actor,
        frozenset(roles),
        reason_required,
        f"license.transition.{name}",
    )


_V, _S, _L, _E = LicenseState.VALID, LicenseState.SUSPENDED, LicenseState.LAPSED, LicenseState.EXPIRED

TRANSITIONS: dict[str, LicenseTransition] = {
    t.name: t
    for t in (
        _t("lapse", {_V}, _L, SYSTEM, {REVIEWER, APPROVER}),
        _t("expire", {_V, _S}, _E, SYSTEM, {REVIEWER, APPROVER}, reason_required=False),
        _t("suspend", {_V}, _S, APPROVER, {APPROVER}),
        _t("reinstate", {_S}, _V, APPROVER, {APPROVER}),
        _t("revoke", {_V, _S, _L}, LicenseState.REVOKED, APPROVER, {APPROVER}),
        _t("cancel", {_V, _S, _L}, LicenseState.CANCELLED, OWNER, set()),
        # Taken by the renewal case's certificate: the same number, a new validity.
        _t("renew", {_V, _E}, _V, SYSTEM, set(), reason_required=False),
    )
}

# What the holder may do with the license, by state.
ACTIVITIES: dict[str, frozenset[LicenseState]] = {
    "annual_report": frozenset({_V}),
    "change_filing": frozenset({_V, _S}),
    "renewal": frozenset({_V}),
    "bad_record": frozenset({_V}),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "license.state.valid": ("有效", "valid"),
    "license.state.lapsed": ("失效（未年报）", "lapsed (annual report missed)"),
    "license.state.suspended": ("暂停", "suspended"),
    "license.state.revoked": ("吊销", "revoked"),
    "license.state.cancelled": ("注销", "cancelled"),
    "license.state.expired": ("过期", "expired"),
    "license.transition.lapse": ("使其失效", "lapsed"),
    "license.transition.expire": ("到期", "expired"),
    "license.transition.suspend": ("暂停", "suspended"),
    "license.transition.reinstate": ("恢复", "reinstated"),
    "license.transition.revoke": ("吊销", "revoked"),
    "license.transition.cancel": ("注销", "cancelled"),
    "license.transition.renew": ("续期", "renewed"),
    "license.refused.transition": (
        "许可证当前为“{state}”，不能{transition}。",
        "The license is {state}; it cannot be {transition}.",
    ),
    "license.refused.annual_report": (
        "许可证当前为“{state}”，不能报送年报。",
        "The license is {state}; it cannot file an annual report.",
    ),
    "license.refused.change_filing": (
        "许可证当前为“{state}”，不能办理变更。",
        "The license is {state}; changes cannot be filed.",
    ),
    "license.refused.renewal": (
        "许可证当前为“{state}”，不能续期。",
        "The license is {state}; it cannot be renewed.",
    ),
}


def message(code: str, lang: str = "zh-hans", **params: Any) -> str:
    """The text of ``code`` in ``lang`` (English for ``en…``, else Chinese) with ``params`` filled in."""
    template = MESSAGES[code][1 if lang.startswith("en") else 0]
    return template.format_map(params) if params else template


def state_label(state: str, lang: str = "zh-hans") -> str:
    """The label of a license state; an unknown state shows as itself."""
    code = f"license.state.{state}"
    return message(code, lang) if code in MESSAGES else str(state)


def refusal(code: str, state: str, lang: str = "zh-hans", transition: str | None = None) -> str:
    """A refusal of ``code`` worded with the license's current state (and the transition refused)."""
    params = {"state": state_label(state, lang)}
    if transition is not None:
        params["transition"] = message(TRANSITIONS[transition].label, lang)
    return message(code, lang, **params)


def labels(codes: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """``name -> (zh, en)`` for a mapping of names to message codes."""
    return {name: MESSAGES[code] for name, code in codes.items()}


def transitions_from(state: LicenseState) -> list[LicenseTransition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def may_take(
    transition: LicenseTransition, *, roles: Collection[str] = (), owner: bool = False, system: bool = False
) -> bool:
    """Whether an actor may take ``transition``: the sweep (``system``), the holder's owner
    (``owner``), or someone holding ``roles`` (regulator roles in the license's province)."""
    if transition.actor == SYSTEM and system:
        return True
    if transition.actor == OWNER:
        return owner
    return any(role in transition.roles for role in roles)


def allows(activity: str, state: str) -> bool:
    """Whether a license in ``state`` may take part in ``activity`` (a key of :data:`ACTIVITIES`)."""
    return state in ACTIVITIES[activity]


def check_transition(name: str, state: str) -> LicenseTransition:
    """The transition ``name`` if the table allows it from ``state``.

    :class:`KeyError` for a name not in the table, :class:`TransitionError`
    for a state it does not leave from.
    """
    transition = TRANSITIONS[name]
    if state not in transition.sources:
        raise TransitionError(name, state)
    return transition
