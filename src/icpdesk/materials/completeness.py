"""全: what the case's checklist still lacks, as the rule pack counts it.

A required material counts once it has a version. Materials that share a
``one_of`` name in the pack are alternatives (the capital proof: the
verification report or the bank statements): together they count once, when
any of them has a version.
"""

from __future__ import annotations

from typing import Any

from icpdesk.cases.models import Application
from icpdesk.lib.language import is_english
from icpdesk.materials import services


def missing_labels(checklist: dict[str, Any]) -> list[str]:
    """The names of the requirements no version meets yet, in checklist order."""
    en = is_english()
    rows = [row for group in checklist["checklist_groups"] for row in group["items"]]
    labels: list[str] = []
    alternatives: dict[str, list[Any]] = {}
    for row in rows:
        material = row.material
        if material.one_of:
            if material.one_of not in alternatives:
                labels.append(material.one_of)  # a placeholder, replaced below
            alternatives.setdefault(material.one_of, []).append(row)
        elif material.required and row.version_count == 0:
            labels.append(material.name_en if en else material.name_zh)
    joiner = " or " if en else " 或 "
    out: list[str] = []
    for label in labels:
        members = alternatives.get(label)
        if members is None:
            out.append(label)
        elif not any(row.version_count for row in members):
            out.append(joiner.join(row.material.name_en if en else row.material.name_zh for row in members))
    return out


def checklist(user: Any, application: Application) -> dict[str, Any]:
    """The checklist's context with what it still lacks, for ``materials/_checklist.html``."""
    context = services.checklist_context(user, application)
    context["missing_labels"] = missing_labels(context)
    return context
