"""The persona access matrix of every materials URL: 404 without sight of the case, 403 for a wrong role."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from icpdesk.cases.models import Application
from icpdesk.materials.models import MaterialVersion
from tests.factories import Personas, file_with_materials
from tests.materials.conftest import png, post_upload

PERSONAS = [
    "applicant",
    "member",
    "consultant",
    "reviewer",
    "inspector",
    "approver",
    "outsider",
    "other_reviewer",
    None,
]
SEES = {"applicant", "member", "consultant", "reviewer", "inspector", "approver"}
APPLICANT_SIDE = {"applicant", "member", "consultant"}
REGULATORS = {"reviewer", "inspector", "approver"}


def _client(personas: Personas, who: str | None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(getattr(personas, who))
    return client


@pytest.fixture
def uploaded(personas: Personas, case: Application, put: Any) -> MaterialVersion:
    version: MaterialVersion = put(personas.consultant, case, "business_license", png(), "执照.png")
    return version


@pytest.fixture
def filed(personas: Personas, case: Application, uploaded: MaterialVersion) -> Application:
    file_with_materials(personas.consultant, case, today=date(2026, 12, 1))
    return case


def _expected_view(who: str | None) -> int:
    return 200 if who in SEES else 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_case_page_and_checklist(
    personas: Personas, uploaded: MaterialVersion, filed: Application, who: str | None
) -> None:
    client = _client(personas, who)
    case = filed
    for name in ("materials:case", "materials:checklist", "materials:changes"):
        response = client.get(reverse(name, args=[case.pk]))
        assert response.status_code == _expected_view(who), (name, who)
    if who in SEES:
        assert "营业执照副本复印件" in client.get(reverse("materials:case", args=[case.pk])).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_a_draft_is_the_applicant_sides_alone(
    personas: Personas, uploaded: MaterialVersion, case: Application, who: str | None
) -> None:
    """Until it is filed, the case and its materials exist for the applicant side only."""
    client = _client(personas, who)
    expected = 200 if who in APPLICANT_SIDE else 404
    for name in ("materials:case", "materials:checklist", "materials:changes"):
        assert client.get(reverse(name, args=[case.pk])).status_code == expected, (name, who)
    for name in ("materials:download", "materials:preview"):
        assert client.get(reverse(name, args=[uploaded.pk])).status_code == expected, (name, who)
    zipped = client.get(reverse("materials:zip", args=[case.pk])).status_code
    assert zipped == (403 if who in APPLICANT_SIDE else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_upload(personas: Personas, case: Application, who: str | None) -> None:
    # A case returned for supplement: the regulator sees it but may not upload.
    Application.objects.filter(pk=case.pk).update(state="returned", filed_on=date(2026, 12, 1))
    case.refresh_from_db()
    client = _client(personas, who)
    response = post_upload(client, case, "business_license", png(), "a.png")
    expected = 302 if who in APPLICANT_SIDE else 403 if who in REGULATORS else 404
    assert response.status_code == expected
    assert MaterialVersion.objects.count() == (1 if expected == 302 else 0)
    get = client.get(reverse("materials:upload", args=[case.pk, "business_license"]))
    assert get.status_code == (200 if who in APPLICANT_SIDE else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_download_and_preview(
    personas: Personas, uploaded: MaterialVersion, filed: Application, who: str | None
) -> None:
    client = _client(personas, who)
    for name, disposition in (("materials:download", "attachment"), ("materials:preview", "inline")):
        response = client.get(reverse(name, args=[uploaded.pk]))
        assert response.status_code == _expected_view(who)
        if who in SEES:
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "image/png"
            assert response["Content-Disposition"].startswith(f"{disposition}; filename*=UTF-8''")
            assert "business_license_v1.png" in response["Content-Disposition"]
            assert b"".join(response.streaming_content) == png()  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_case_zip(personas: Personas, uploaded: MaterialVersion, filed: Application, who: str | None) -> None:
    response = _client(personas, who).get(reverse("materials:zip", args=[filed.pk]))
    expected = 200 if who in REGULATORS else 403 if who in APPLICANT_SIDE else 404
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/zip"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_verdict_and_forgery_mark(personas: Personas, filed: Application, who: str | None) -> None:
    client = _client(personas, who)
    url = reverse("materials:verdict", args=[filed.pk, "business_license"])
    response = client.post(url, {"verdict": "accept"})
    expected = 302 if who == "reviewer" else 403 if who in SEES else 404
    assert response.status_code == expected
    forged = client.post(
        reverse("materials:forged", args=[filed.pk, "business_license"]), {"reason": "印章不符"}
    )
    assert forged.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("who", PERSONAS)
def test_return_the_case(personas: Personas, filed: Application, who: str | None) -> None:
    from icpdesk.materials import services

    services.set_verdict(personas.reviewer, filed, "business_license", "return", "复印不清")
    response = _client(personas, who).post(reverse("materials:return", args=[filed.pk]))
    expected = 302 if who == "reviewer" else 403 if who in SEES else 404
    assert response.status_code == expected
    filed.refresh_from_db()
    assert filed.state == ("returned" if expected == 302 else "filed")


@pytest.mark.django_db
def test_get_is_not_allowed_on_writes(personas: Personas, filed: Application) -> None:
    client = _client(personas, "reviewer")
    assert client.get(reverse("materials:verdict", args=[filed.pk, "business_license"])).status_code == 405
    assert client.get(reverse("materials:return", args=[filed.pk])).status_code == 405
