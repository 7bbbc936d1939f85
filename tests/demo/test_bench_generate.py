"""The benchmark generator (bench/generate.py) keeps working as the models change."""

from __future__ import annotations

import pytest
from bench.generate import generate

from icpdesk.accounts.models import Mandate
from icpdesk.cases import access
from icpdesk.cases.models import Application, Deadline
from icpdesk.core.lifecycle import PENDING_STEP, State
from icpdesk.licenses.models import License


@pytest.mark.django_db
def test_generate_spreads_cases_over_every_state() -> None:
    desk = generate(enterprises=30, cases=400, seed=7)
    assert (desk.enterprises, desk.cases) == (30, 400)
    assert set(Application.objects.values_list("state", flat=True)) == {s.value for s in State}
    assert Mandate.objects.filter(agency=desk.agency, revoked_at__isnull=True).count() == 30
    assert access.visible_applications(desk.consultant).count() == 400
    drafts = Application.objects.filter(state=State.DRAFT).count()
    assert drafts > 0
    assert access.visible_applications(desk.reviewer).count() == 400 - drafts  # drafts are not filed yet
    for case in Application.objects.all():
        step = PENDING_STEP.get(State(case.state))
        assert (case.due_step or None) == step
        assert (case.due_on is None) == (step is None)
    assert Deadline.objects.count() == Application.objects.exclude(due_on=None).count()
    issued = Application.objects.filter(state=State.CERTIFICATE_ISSUED)
    assert License.objects.filter(application__in=issued).count() == issued.count()
