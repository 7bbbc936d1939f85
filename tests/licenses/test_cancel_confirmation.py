"""Cancelling a license asks for confirmation and a reason; the action refuses it without one."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from icpdesk.lib.errors import InvalidInput
from icpdesk.licenses import actions
from icpdesk.licenses.models import License
from tests.factories import Personas
from tests.licenses.helpers import make_license


@pytest.mark.django_db
def test_the_cancel_form_asks_for_a_reason_and_a_confirmation(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    client = Client()
    client.force_login(personas.applicant)
    page = HTMLParser(client.get(f"/licenses/{lic.pk}/").content.decode())
    form = page.css_first("#cancel-license form")
    assert form is not None
    assert form.attributes["action"] == f"/licenses/{lic.pk}/state/cancel/"
    reason = form.css_first("textarea[name=reason]")
    assert reason is not None and "required" in reason.attributes
    confirm = form.css_first("input[type=checkbox][name=confirm]")
    assert confirm is not None and "required" in confirm.attributes
    assert lic.number in form.text()
    assert "不能撤回" in form.text()


@pytest.mark.django_db
def test_an_empty_reason_is_refused_and_says_so(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    client = Client()
    client.force_login(personas.applicant)
    response = client.post(f"/licenses/{lic.pk}/state/cancel/", {"reason": "  ", "confirm": "yes"})
    assert response.status_code == 422
    page = HTMLParser(response.content.decode())
    assert "open" in page.css_first("#cancel-license").attributes  # the form stays open, with the error
    assert "理由" in page.css_first("#state-actions .errors").text()
    assert License.objects.get(pk=lic.pk).state == "valid"


@pytest.mark.django_db
def test_the_action_requires_the_reason(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    with pytest.raises(InvalidInput) as refused:
        actions.cancel_license(personas.applicant, lic, reason=" ", today=date(2026, 3, 1))
    assert refused.value.field == "reason"
    assert refused.value.message_en == "Give a reason."
    assert License.objects.get(pk=lic.pk).state == "valid"
    assert not lic.events.filter(action="cancel").exists()


@pytest.mark.django_db
def test_the_cancel_form_speaks_english(personas: Personas) -> None:
    lic = make_license(personas.enterprise)
    client = Client()
    client.force_login(personas.applicant)
    body = client.get(f"/licenses/{lic.pk}/", headers={"accept-language": "en"}).content.decode()
    form = HTMLParser(body).css_first("#cancel-license")
    assert form is not None
    text = form.text()
    assert "Confirm cancellation" in text
    assert f"I confirm cancelling license {lic.number}" in text
    assert "注销" not in text
