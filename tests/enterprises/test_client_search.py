"""The consultant finds a client by name, by credit code and by domain, typed the way people type them."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.accounts.models import Mandate
from tests.factories import Personas, make_enterprise


@pytest.fixture
def clients(personas: Personas) -> list[str]:
    names = []
    for i, domain in enumerate(("shop.longhuo.cn", "mall.huaniu-fruit.com")):
        enterprise = make_enterprise(f"客户{i}电子商务有限公司", domain=domain)
        Mandate.objects.create(agency=personas.agency, enterprise=enterprise)
        names.append(enterprise.name)
    return names


def _found(client: Client, url: str, query: str) -> set[str]:
    body = client.get(url, {"q": query}).content.decode()
    return {name for name in ("客户0电子商务有限公司", "客户1电子商务有限公司") if name in body}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/enterprises/", "/paperwork/weekly/"])
def test_by_domain_and_by_credit_code_with_spaces(
    client: Client, personas: Personas, clients: list[str], url: str
) -> None:
    client.force_login(personas.consultant)
    assert _found(client, url, "huaniu-fruit") == {"客户1电子商务有限公司"}
    assert _found(client, url, "https://SHOP.longhuo.cn/index.html") == {"客户0电子商务有限公司"}
    from icpdesk.enterprises.models import Enterprise

    code = Enterprise.objects.get(name="客户0电子商务有限公司").uscc
    spaced = f"{code[:4]} {code[4:10]} {code[10:]}".lower()
    assert _found(client, url, spaced) == {"客户0电子商务有限公司"}
    assert _found(client, url, "客户1") == {"客户1电子商务有限公司"}


@pytest.mark.django_db
def test_the_export_follows_the_same_search(client: Client, personas: Personas, clients: list[str]) -> None:
    client.force_login(personas.consultant)
    response = client.get("/api/v1/exports/enterprises", {"format": "csv", "q": "huaniu-fruit"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "客户1电子商务有限公司" in body and "客户0电子商务有限公司" not in body
