"""Who reaches which enterprise page: 200, 403 (visible but not theirs to change), 404, or sign-in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.enterprises.helpers import PERSONA_NAMES, client_for, is_login_redirect
from tests.factories import Personas

# Expected answers per persona, in PERSONA_NAMES order. "login" is a redirect to
# sign-in, "done" a redirect after a successful change.
READ = [200, 200, 200, 200, 200, 200, 404, 404, "login"]
CHANGE_PAGE = [200, 200, 200, 403, 403, 403, 404, 404, "login"]
CHANGE_POST = ["done", "done", "done", 403, 403, 403, 404, 404, "login"]
RUN = ["done", "done", "done", "done", "done", "done", 404, 404, "login"]
LIST = [200, 200, 200, 200, 200, 200, 200, 200, "login"]
NEW = [403, 403, 200, 403, 403, 403, 200, 403, "login"]

PAGES = [
    ("get", "/enterprises/", LIST),
    ("get", "/enterprises/new/", NEW),
    ("get", "/enterprises/{e}/", READ),
    ("get", "/enterprises/{e}/eligibility/", READ),
    ("post", "/enterprises/{e}/eligibility/", RUN),
    ("get", "/enterprises/{e}/edit/", CHANGE_PAGE),
    ("get", "/enterprises/{e}/staff/add/", CHANGE_PAGE),
    ("get", "/enterprises/{e}/staff/{s}/edit/", CHANGE_PAGE),
    ("post", "/enterprises/{e}/staff/{s}/delete/", CHANGE_POST),
    ("get", "/enterprises/{e}/violations/add/", CHANGE_PAGE),
    ("post", "/enterprises/{e}/violations/{v}/delete/", CHANGE_POST),
]

CASES = [
    pytest.param(method, url, name, expected[i], id=f"{method} {url} {name}")
    for method, url, expected in PAGES
    for i, name in enumerate(PERSONA_NAMES)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url", "persona", "expected"), CASES)
def test_the_access_matrix(
    client: Client, personas: Personas, method: str, url: str, persona: str, expected: int | str
) -> None:
    enterprise = personas.enterprise
    staff = enterprise.security_staff.get()
    violation = enterprise.violations.create(date="2025-01-02", description="未备案擅自经营")
    path = url.format(e=enterprise.pk, s=staff.pk, v=violation.pk)
    response = getattr(client_for(client, personas, persona), method)(path)
    if expected == "login":
        assert is_login_redirect(response)
    elif expected == "done":
        assert response.status_code == 302
        assert response["Location"].startswith(f"/enterprises/{enterprise.pk}/")
    else:
        assert response.status_code == expected
    if response.status_code in (403, 404):
        assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_a_refused_change_says_why_and_changes_nothing(client: Client, personas: Personas) -> None:
    staff = personas.enterprise.security_staff.get()
    client.force_login(personas.reviewer)
    response = client.post(f"/enterprises/{personas.enterprise.pk}/staff/{staff.pk}/delete/")
    assert response.status_code == 403
    assert "准备材料" in response.content.decode()
    assert personas.enterprise.security_staff.filter(pk=staff.pk).exists()


@pytest.mark.django_db
def test_another_enterprises_staff_is_not_found_through_this_enterprise(
    client: Client, personas: Personas
) -> None:
    theirs = personas.other_enterprise.security_staff.get()
    client.force_login(personas.applicant)
    base = f"/enterprises/{personas.enterprise.pk}/staff/{theirs.pk}"
    assert client.get(f"{base}/edit/").status_code == 404
    assert client.post(f"{base}/delete/").status_code == 404
    assert personas.other_enterprise.security_staff.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_an_agency_without_a_preparing_mandate_may_look_but_not_edit(
    client: Client, personas: Personas
) -> None:
    personas.mandate.prepare = False
    personas.mandate.save()
    client.force_login(personas.consultant)
    assert client.get(f"/enterprises/{personas.enterprise.pk}/").status_code == 200
    assert client.get(f"/enterprises/{personas.enterprise.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_changes_need_post(client: Client, personas: Personas) -> None:
    staff = personas.enterprise.security_staff.get()
    client.force_login(personas.applicant)
    response = client.get(f"/enterprises/{personas.enterprise.pk}/staff/{staff.pk}/delete/")
    assert response.status_code == 405
    assert personas.enterprise.security_staff.filter(pk=staff.pk).exists()
