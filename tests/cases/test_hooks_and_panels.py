"""The apps above cases take part in its transactions through hooks, and in its page through panels."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from icpdesk.accounts.choices import Scope
from icpdesk.cases import actions, hooks, panels
from icpdesk.cases.models import Application, AuditEvent
from icpdesk.lib.errors import NotFound, PreconditionFailed
from icpdesk.licenses.models import License
from tests.factories import Personas, file_a_case


@pytest.mark.django_db
def test_load_for_honours_its_scope(personas: Personas) -> None:
    p = personas
    case = actions.create_application(p.consultant, p.enterprise)
    p.mandate.file = False
    p.mandate.save()
    assert actions.load_for(p.consultant, case.pk) == case
    assert actions.load_for(p.consultant, case.pk, Scope.PREPARE) == case
    with pytest.raises(NotFound) as refused:
        actions.load_for(p.consultant, case.pk, Scope.FILE)
    assert refused.value.message("zh-hans") == "没有找到该案件。"
    # The enterprise's own members are not narrowed by an agency's scope.
    assert actions.load_for(p.applicant, case.pk, Scope.FILE) == case


@pytest.mark.django_db
def test_a_filing_hook_that_refuses_rolls_the_filing_back(personas: Personas) -> None:
    p = personas
    case = actions.create_application(p.applicant, p.enterprise)

    def refuse(sender: Any, application: Application, **kwargs: Any) -> None:
        raise PreconditionFailed("不行。", "No.", field="materials")

    # The materials app's own receiver refuses first: nothing was uploaded.
    with pytest.raises(PreconditionFailed) as missing:
        actions.file_application(p.applicant, case)
    assert missing.value.field == "materials"
    assert missing.value.message("zh-hans").startswith("尚缺必交材料，不能申报：")
    hooks.filing_requested.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(PreconditionFailed):
            actions.file_application(p.applicant, case)
    finally:
        hooks.filing_requested.disconnect(dispatch_uid="test.refuse")
    case.refresh_from_db()
    assert case.state == "draft"
    assert not AuditEvent.objects.filter(application=case, action="file").exists()


@pytest.mark.django_db
def test_issuing_the_certificate_creates_the_license_through_the_hook(personas: Personas) -> None:
    p = personas
    case = file_a_case(p.enterprise, p.agency)
    Application.objects.filter(pk=case.pk).update(state="approved")
    case.refresh_from_db()
    actions.issue_certificate(p.approver, case, today=date(2026, 3, 2))
    license_ = License.objects.get(application=case)
    event = AuditEvent.objects.get(application=case, action="issue_certificate")
    assert event.changes == {"license_number": license_.number, "expires_on": "2031-03-02"}
    assert license_.number.startswith("甘B2-2026")


def test_facts_merge_the_mappings_receivers_return() -> None:
    responses: list[tuple[Any, Any]] = [(None, {"a": 1}), (None, None), (None, {"b": 2})]
    assert hooks.facts(responses) == {"a": 1, "b": 2}


@pytest.mark.django_db
def test_the_case_page_takes_the_panels_of_the_apps_above(personas: Personas, rf: Any) -> None:
    case = file_a_case(personas.enterprise, personas.agency)
    request = rf.get("/")
    request.user = personas.reviewer
    context = panels.context(request, case)
    assert context["license"] is None  # not issued yet
    assert context["checklist_groups"] and context["is_regulator"] is True  # the materials checklist
    panels.register("test", lambda request, application: {"extra": application.pk})
    try:
        assert panels.context(request, case)["extra"] == case.pk
    finally:
        panels._panels.pop("test")
