"""Every change record the desk writes has a label for people: the enterprise page, the admin and the
API never show an action's internal code."""

from __future__ import annotations

import re
from pathlib import Path

import icpdesk
from icpdesk.changes.display import ACTION_LABELS, action_label

# An action code passed as the third argument of record_change / note_change.
CALL = re.compile(r"\b(?:record_change|note_change)\(\s*[^,()]+,\s*[^,()]+,\s*\"([a-z_]+\.[a-z_]+)\"", re.S)


LITERAL = re.compile(r"\"([a-z_]+)\.([a-z_]+)\"")


def _written_actions() -> set[str]:
    """Codes passed to the record functions, and codes chosen beforehand (``action = "webhook.update"
    if ... else ...``) in the modules that call them, of the same subjects."""
    root = Path(icpdesk.__file__).parent
    direct: set[str] = set()
    chosen: set[tuple[str, str]] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "record_change(" not in text and "note_change(" not in text:
            continue
        direct.update(CALL.findall(text))
        chosen.update(LITERAL.findall(text))
    subjects = {code.split(".")[0] for code in direct}
    return direct | {f"{subject}.{verb}" for subject, verb in chosen if subject in subjects}


def test_the_search_finds_the_actions_it_should() -> None:
    written = _written_actions()
    assert {"enterprise.update", "two_factor.enable", "webhook.update"} <= written


def test_every_written_action_has_a_label() -> None:
    missing = sorted(_written_actions() - set(ACTION_LABELS))
    assert missing == []


def test_the_two_factor_records_read_as_words() -> None:
    assert action_label("two_factor.enable") == "启用两步验证"
    assert action_label("two_factor.recovery_code_used") == "使用恢复码登录"
