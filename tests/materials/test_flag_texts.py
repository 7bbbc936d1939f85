"""A check flag says what is missing when it could not read a value; it never prints "?"."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from icpdesk.cases.models import Application
from icpdesk.materials import checks
from tests.factories import Personas
from tests.materials.conftest import png


@pytest.mark.django_db
def test_insurance_without_its_last_month_is_told_to_state_it(
    personas: Personas, case: Application, put: Any
) -> None:
    with mock.patch("icpdesk.materials.services.timezone.localdate", return_value=date(2026, 12, 1)):
        version = put(personas.consultant, case, "security_insurance", png())
    [flag] = version.flags["dates"]
    assert flag["code"] == "insurance_period_unknown"
    client = Client()
    client.force_login(personas.consultant)
    body = client.get(reverse("materials:checklist", args=[case.pk])).content.decode()
    assert "未填写社保缴费记录覆盖到的月份" in body and "（2026-11）" in body
    assert "截至 ?" not in body


def test_an_image_whose_size_could_not_be_read_is_refused_without_a_question_mark() -> None:
    refused = checks._bomb("huge.png", 0, 0)
    assert "?" not in refused.message_zh and "?" not in refused.message_en
    assert "无法读出其尺寸" in refused.message_zh
    assert "20000×20000" in checks._bomb("huge.png", 20000, 20000).message_zh
