"""How the apps above cases take part in a case's transaction.

The cases app sits below materials and licenses and never imports them. Where
one of them must act inside a transition's transaction, it connects a receiver
to one of these signals in its ``AppConfig.ready()``. They are sent
synchronously, inside the transaction, with ``Signal.send`` (not
``send_robust``): a receiver that raises stops the transition and rolls back
everything written so far. Reactions after the fact (notifications) listen to
:data:`icpdesk.cases.actions.case_transitioned`, which is sent on commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.dispatch import Signal

# Sent by file_application before the case moves: sender=Application, application.
# A receiver refuses the filing by raising PreconditionFailed (materials: every
# required material has a version).
filing_requested = Signal()

# Sent by issue_certificate once the case is certificate_issued, in the same
# transaction: sender=Application, application, issued_on. A receiver returns a
# mapping of facts for the audit event (licenses: the license number, its expiry).
certificate_issued = Signal()


def facts(responses: list[tuple[Any, Any]]) -> dict[str, Any]:
    """The facts the receivers returned, merged (a receiver returning None adds none)."""
    merged: dict[str, Any] = {}
    for _receiver, response in responses:
        if isinstance(response, Mapping):
            merged.update(response)
    return merged
