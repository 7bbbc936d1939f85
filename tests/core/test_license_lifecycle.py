"""The license's table of states and transitions, and the same properties of the case's table."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icpdesk.core import license_lifecycle as lic
from icpdesk.core import lifecycle as case
from icpdesk.core.license_lifecycle import LicenseState
from icpdesk.core.lifecycle import TransitionError

# (initial state, every state, the transitions, the terminal states, check_transition) of each table.
TABLES: dict[str, tuple[Any, type[StrEnum], Mapping[str, Any], frozenset[Any], Any]] = {
    "case": (case.State.DRAFT, case.State, case.TRANSITIONS, case.TERMINAL_STATES, case.check_transition),
    "license": (
        lic.INITIAL_STATE,
        LicenseState,
        lic.TRANSITIONS,
        lic.TERMINAL_STATES,
        lic.check_transition,
    ),
}


def reachable(initial: Any, transitions: Mapping[str, Any]) -> set[Any]:
    seen, queue = {initial}, deque([initial])
    while queue:
        state = queue.popleft()
        for t in transitions.values():
            if state in t.sources and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return seen


@pytest.mark.parametrize("table", TABLES)
def test_every_state_is_reachable_from_the_first(table: str) -> None:
    initial, states, transitions, _terminal, _check = TABLES[table]
    assert reachable(initial, transitions) == set(states)


@pytest.mark.parametrize("table", TABLES)
def test_the_table_is_consistent(table: str) -> None:
    initial, states, transitions, terminal, _check = TABLES[table]
    for name, t in transitions.items():
        assert t.name == name
        assert t.sources, name
        assert t.sources <= set(states) and t.target in states
    # Terminal means exactly: no transition leaves it.
    leaving = {s for t in transitions.values() for s in t.sources}
    assert terminal == set(states) - leaving
    assert initial not in terminal


@pytest.mark.parametrize("table", TABLES)
@given(data=st.data())
def test_check_transition_allows_exactly_the_table(table: str, data: st.DataObject) -> None:
    _initial, states, transitions, _terminal, check = TABLES[table]
    state = data.draw(st.sampled_from(list(states)))
    name = data.draw(st.sampled_from(sorted(transitions)))
    if state in transitions[name].sources:
        assert check(name, state) is transitions[name]
    else:
        with pytest.raises(TransitionError) as refused:
            check(name, state)
        assert refused.value.name == name and refused.value.state == state.value
        assert f"{name!r}" in str(refused.value) and f"{state.value!r}" in str(refused.value)


@pytest.mark.parametrize("table", TABLES)
@given(name=st.text(max_size=12))
def test_check_transition_refuses_a_name_not_in_the_table(table: str, name: str) -> None:
    initial, _states, transitions, _terminal, check = TABLES[table]
    if name not in transitions:
        with pytest.raises(KeyError):
            check(name, initial)


@pytest.mark.parametrize("table", TABLES)
@given(data=st.data())
def test_a_walk_along_the_table_never_leaves_a_terminal_state(table: str, data: st.DataObject) -> None:
    initial, _states, transitions, terminal, check = TABLES[table]
    state = initial
    names = data.draw(st.lists(st.sampled_from(sorted(transitions)), max_size=30))
    for name in names:
        try:
            state = check(name, state).target
        except TransitionError:
            assert state not in transitions[name].sources
            continue
    if state in terminal:
        for name in transitions:
            with pytest.raises(TransitionError):
                check(name, state)


# ------------------------------------------------------------------ the license's table


def test_the_license_transitions_and_who_takes_them() -> None:
    t = lic.TRANSITIONS
    assert {n: (sorted(x.sources), x.target, x.actor) for n, x in t.items()} == {
        "lapse": (["valid"], "lapsed", "system"),
        "expire": (["suspended", "valid"], "expired", "system"),
        "suspend": (["valid"], "suspended", "approver"),
        "reinstate": (["suspended"], "valid", "approver"),
        "revoke": (["lapsed", "suspended", "valid"], "revoked", "approver"),
        "cancel": (["lapsed", "suspended", "valid"], "cancelled", "owner"),
        "renew": (["expired", "valid"], "valid", "system"),
    }
    assert sorted(lic.TERMINAL_STATES) == ["cancelled", "revoked"]
    assert sorted(lic.ENDED_STATES) == ["cancelled", "expired", "lapsed", "revoked"]
    assert not t["expire"].reason_required and not t["renew"].reason_required
    assert all(x.reason_required for n, x in t.items() if n not in {"expire", "renew"})


@pytest.mark.parametrize(
    ("name", "kwargs", "allowed"),
    [
        ("lapse", {"system": True}, True),
        ("lapse", {"roles": ["reviewer"]}, True),  # recorded by hand
        ("lapse", {"roles": ["inspector"]}, False),
        ("lapse", {"owner": True}, False),
        ("suspend", {"roles": ["approver"]}, True),
        ("suspend", {"roles": ["reviewer", "inspector"]}, False),
        ("suspend", {"system": True}, False),
        ("revoke", {"roles": ["approver"], "owner": True}, True),
        ("cancel", {"owner": True}, True),
        ("cancel", {"roles": ["approver"]}, False),
        ("cancel", {"system": True}, False),
        ("renew", {"system": True}, True),
        ("renew", {"roles": ["approver", "reviewer"]}, False),  # only a renewal case renews
    ],
)
def test_may_take(name: str, kwargs: dict[str, Any], allowed: bool) -> None:
    assert lic.may_take(lic.TRANSITIONS[name], **kwargs) is allowed


def test_what_a_license_may_do_in_each_state() -> None:
    assert [s for s in LicenseState if lic.allows("annual_report", s)] == ["valid"]
    assert [s for s in LicenseState if lic.allows("change_filing", s)] == ["valid", "suspended"]
    assert [s for s in LicenseState if lic.allows("renewal", s)] == ["valid"]
    assert [s for s in LicenseState if lic.allows("bad_record", s)] == ["valid"]
    assert not lic.allows("renewal", "unknown")


def test_every_state_and_transition_has_its_label_in_both_languages() -> None:
    for state in LicenseState:
        zh, en = lic.MESSAGES[f"license.state.{state.value}"]
        assert zh and en and zh != en
    for t in lic.TRANSITIONS.values():
        assert t.label == f"license.transition.{t.name}" and all(lic.MESSAGES[t.label])
    assert lic.state_label("lapsed") == "失效（未年报）"
    assert lic.state_label("lapsed", "en") == "lapsed (annual report missed)"
    assert lic.state_label("gone") == "gone"


def test_refusals_name_the_state_and_the_transition() -> None:
    assert lic.refusal("license.refused.transition", "cancelled", transition="revoke") == (
        "许可证当前为“注销”，不能吊销。"
    )
    assert lic.refusal("license.refused.transition", "valid", "en", "reinstate") == (
        "The license is valid; it cannot be reinstated."
    )
    assert lic.refusal("license.refused.renewal", "suspended", "en") == (
        "The license is suspended; it cannot be renewed."
    )
    assert lic.refusal("license.refused.change_filing", "revoked") == "许可证当前为“吊销”，不能办理变更。"
    assert lic.refusal("license.refused.annual_report", "expired", "en") == (
        "The license is expired; it cannot file an annual report."
    )


def test_labels_maps_names_to_both_languages() -> None:
    assert lic.labels({"x": "license.state.suspended"}) == {"x": ("暂停", "suspended")}
