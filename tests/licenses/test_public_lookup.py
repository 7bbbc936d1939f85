"""The public lookup page and API: no sign-in, nothing personal, reasons for malformed input, a rate limit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.factories import Personas
from tests.licenses.helpers import make_license

API = "/api/v1/public/licenses"
PAGE = "/licenses/verify/"


@pytest.fixture
def lic(personas: Personas) -> Any:
    return make_license(personas.enterprise, date(2026, 1, 5))


@pytest.mark.django_db
def test_api_by_number_name_and_credit_code(client: Client, personas: Personas, lic: Any) -> None:
    for query in (
        {"number": lic.number},
        {"name": lic.holder_name},
        {"uscc": personas.enterprise.uscc.lower()},
    ):
        response = client.get(API, query)
        assert response.status_code == 200, response.content
        item = response.json()["items"][0]
        assert item["number"] == "甘B2-20260001"
        assert item["holder"] == "兰州陇货精品电子商务有限公司"
        assert item["state"] == "valid" and item["state_label_zh"] == "有效"
        assert item["issued_on"] == "2026-01-05" and item["expires_on"] == "2031-01-05"
        assert item["domains"] == lic.domains
        assert item["license_type"] == "B25"
        body = response.content.decode()
        assert "王建国" not in body and "张伟" not in body and "138" not in body


@pytest.mark.django_db
def test_api_unknown_is_404_and_malformed_is_422_with_the_reason(client: Client, lic: Any) -> None:
    unknown = client.get(API, {"number": "甘B2-20269999"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert client.get(API, {"name": "不存在的公司"}).status_code == 404
    malformed = client.get(API, {"number": "甘B3-20260001"})
    assert malformed.status_code == 422
    assert "B1" in malformed.json()["message"] and malformed.json()["field"] == "number"
    english = client.get(API, {"number": "甘B2-2026", "lang": "en"})
    assert english.status_code == 422 and "4-digit year" in english.json()["message"]
    assert client.get(API).status_code == 422
    assert client.get(API, {"uscc": "123"}).status_code == 422


@pytest.mark.django_db
def test_page_shows_the_license_without_sign_in(client: Client, lic: Any) -> None:
    response = client.get(PAGE, {"number": lic.number})
    assert response.status_code == 200
    text = response.content.decode()
    assert "甘B2-20260001" in text and "有效" in text and "2031-01-05" in text
    assert "王建国" not in text
    assert client.get(PAGE).status_code == 200
    missing = client.get(PAGE, {"number": "甘B2-20269999"})
    assert missing.status_code == 404 and "没有找到" in missing.content.decode()
    malformed = client.get(PAGE, {"number": "甘B2-2026"})
    assert malformed.status_code == 422 and "4 位年份" in malformed.content.decode()


@pytest.mark.django_db
def test_rate_limit_per_client_address_is_429_with_retry_after(
    client: Client, settings: Any, lic: Any
) -> None:
    settings.PUBLIC_LOOKUP_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(API, {"number": lic.number}).status_code == 200
    limited = client.get(API, {"number": lic.number})
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    page = client.get(PAGE, {"number": lic.number})
    assert page.status_code == 429 and page["Retry-After"]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(API, {"number": lic.number}).status_code == 200


@pytest.mark.django_db
def test_lookup_by_number_takes_a_fixed_number_of_queries(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    lic = make_license(personas.enterprise)
    # The first request of a window creates the counter row (savepoints included); later ones only update it.
    with django_assert_max_num_queries(9):
        assert client.get(API, {"number": lic.number}).status_code == 200
