"""Editing the profile, creating a client, the security staff: identifiers checked by the core."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import Mandate, Organisation
from icpdesk.enterprises.models import Enterprise, SecurityStaff
from tests.enterprises.helpers import profile_data
from tests.factories import Personas, make_id_number, make_uscc


def wrong_check_character(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


@pytest.mark.django_db
def test_a_wrong_credit_code_check_character_is_refused_with_the_reason(
    client: Client, personas: Personas
) -> None:
    enterprise = personas.enterprise
    bad = wrong_check_character(enterprise.uscc)
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/",
        profile_data(enterprise, uscc=bad, name="兰州陇货新名称有限公司"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == ["uscc"]
    assert f"第 18 位校验码应为“{enterprise.uscc[17]}”，实际为“{bad[17]}”" in errors["uscc"][0]
    body = response.content.decode()
    assert html.escape(errors["uscc"][0]) in body
    # What was typed is kept, and nothing was saved.
    assert f'value="{bad}"' in body
    assert 'value="兰州陇货新名称有限公司"' in body
    enterprise.refresh_from_db()
    assert enterprise.name == "兰州陇货精品电子商务有限公司"


@pytest.mark.django_db
def test_the_reason_follows_the_page_language(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/",
        profile_data(enterprise, uscc=wrong_check_character(enterprise.uscc)),
        headers={"accept-language": "en"},
    )
    assert "check character (position 18)" in response.context["form"].errors["uscc"][0]


@pytest.mark.django_db
def test_identifiers_are_saved_in_their_canonical_form(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    client.force_login(personas.consultant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/",
        profile_data(
            enterprise,
            uscc=enterprise.uscc.lower(),
            domain="https://WWW.Longhuo-Shop.com.cn/index.html",
            icp_filing_number="甘ICP備20231234號-2",
            contact_phone="+86 139-0931-2345",
            server_regions=["CN-GS", "CN-HK"],
            modules=["product_display", "order_payment"],
            services_text="购物分期，小额贷款",
            registered_capital_cny="999999",
        ),
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.uscc == personas.enterprise.uscc.upper()
    assert enterprise.domain == "longhuo-shop.com.cn"
    assert enterprise.icp_filing_number == "甘ICP备20231234号-2"
    assert enterprise.contact_phone == "13909312345"
    assert enterprise.server_regions == ["CN-GS", "CN-HK"]
    assert enterprise.modules == ["product_display", "order_payment"]
    assert enterprise.services == ["购物分期", "小额贷款"]
    assert enterprise.registered_capital_cny == 999_999


@pytest.mark.django_db
def test_every_refused_field_is_named_and_everything_typed_is_kept(
    client: Client, personas: Personas
) -> None:
    enterprise = personas.enterprise
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/",
        profile_data(
            enterprise,
            legal_rep_id_number=wrong_check_character(make_id_number("19750101", 111)),
            contact_phone="12345",
            domain="192.168.1.1",
            icp_filing_number="ICP备123号",
            server_regions=["CN-GS", "XX-NOPE"],
            city="兰州市城关区",
        ),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {
        "legal_rep_id_number",
        "contact_phone",
        "domain",
        "icp_filing_number",
        "server_regions",
    }
    assert "IP 地址" in errors["domain"][0]
    assert "11 位" in errors["contact_phone"][0]
    body = response.content.decode()
    assert 'value="兰州市城关区"' in body
    assert 'value="192.168.1.1"' in body
    assert 'value="CN-GS" selected' in body


@pytest.mark.django_db
def test_a_credit_code_already_used_by_another_enterprise_is_refused(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/edit/",
        profile_data(personas.enterprise, uscc=personas.other_enterprise.uscc),
    )
    assert response.status_code == 422
    assert "已有企业使用此统一社会信用代码" in response.context["form"].errors["uscc"][0]


@pytest.mark.django_db
def test_the_edit_form_shows_server_regions_and_modules_as_choices(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.applicant)
    body = client.get(f"/enterprises/{personas.enterprise.pk}/edit/").content.decode()
    for code in ("CN-GS", "CN-HK", "CN-MO", "CN-TW", "US", "SG"):
        assert f'value="{code}"' in body
    assert 'type="checkbox" name="modules" value="logistics_tracking"' in body


# ------------------------------------------------------------------ a new client


def new_client_data(personas: Personas, uscc: str) -> dict[str, object]:
    return profile_data(personas.enterprise, uscc=uscc, name="酒泉光伏设备电子商务有限公司", city="酒泉市")


@pytest.mark.django_db
def test_an_agency_creates_a_client_with_a_full_mandate(client: Client, personas: Personas) -> None:
    code = make_uscc(987654)
    client.force_login(personas.consultant)
    response = client.post("/enterprises/new/", new_client_data(personas, code))
    assert response.status_code == 302
    created = Enterprise.objects.get(uscc=code)
    assert response["Location"] == f"/enterprises/{created.pk}/"
    assert created.organisation.kind == OrgKind.ENTERPRISE
    assert created.organisation.name == "酒泉光伏设备电子商务有限公司"
    mandate = Mandate.objects.get(enterprise=created)
    assert mandate.agency == personas.agency
    assert mandate.active
    assert mandate.scopes == ["view", "prepare", "file", "answer_supplement", "annual_and_changes"]
    assert mandate.granted_by == personas.consultant
    assert client.get(f"/enterprises/{created.pk}/").status_code == 200
    # The other agency does not see the new client.
    client.force_login(personas.outsider)
    assert client.get(f"/enterprises/{created.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_known_credit_code_is_not_created_twice(client: Client, personas: Personas) -> None:
    organisations = Organisation.objects.count()
    client.force_login(personas.consultant)
    response = client.post("/enterprises/new/", new_client_data(personas, personas.other_enterprise.uscc))
    assert response.status_code == 422
    message = response.context["form"].errors["uscc"][0]
    assert personas.other_enterprise.uscc in message
    assert "已登记为企业" in message
    assert Organisation.objects.count() == organisations
    assert 'value="酒泉光伏设备电子商务有限公司"' in response.content.decode()


@pytest.mark.django_db
def test_a_new_client_with_a_bad_credit_code_is_refused(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    response = client.post(
        "/enterprises/new/", new_client_data(personas, wrong_check_character(make_uscc(5)))
    )
    assert response.status_code == 422
    assert "校验码" in response.context["form"].errors["uscc"][0]
    assert not Enterprise.objects.filter(name="酒泉光伏设备电子商务有限公司").exists()


# ------------------------------------------------------------------ security staff and history


def staff_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "李娜",
        "id_number": make_id_number("19880512", 222),
        "phone": "13809310000",
        "major": "计算机科学与技术",
        "certificates_text": "CISP, CCNA",
        "full_time": "on",
        "insured_province": "甘肃省",
        "insured_months": "3",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_staff_are_added_with_checked_id_and_mobile_numbers(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    client.force_login(personas.applicant)
    number = make_id_number("19880512", 222)
    response = client.post(
        f"/enterprises/{enterprise.pk}/staff/add/",
        staff_data(id_number=number.lower(), phone="0086 138 0931 0000"),
    )
    assert response.status_code == 302
    added = SecurityStaff.objects.get(enterprise=enterprise, name="李娜")
    assert added.id_number == number.upper()
    assert added.id_number_masked == number[:6] + "********" + number[-4:]
    assert added.phone == "13809310000"
    assert added.certificates == ["CISP", "CCNA"]


@pytest.mark.django_db
def test_a_bad_id_or_mobile_number_is_refused_with_the_reason(client: Client, personas: Personas) -> None:
    number = make_id_number("19880512", 222)
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/staff/add/", staff_data(id_number=bad, phone="23809310000")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "第 18 位校验码应为" in errors["id_number"][0]
    assert "应以 13–19 开头" in errors["phone"][0]
    assert f'value="{bad}"' in response.content.decode()
    assert not SecurityStaff.objects.filter(name="李娜").exists()


@pytest.mark.django_db
def test_staff_are_edited_and_deleted(client: Client, personas: Personas) -> None:
    staff = personas.enterprise.security_staff.get()
    base = f"/enterprises/{personas.enterprise.pk}/staff/{staff.pk}"
    client.force_login(personas.consultant)
    form = client.get(f"{base}/edit/").content.decode()
    assert 'value="CISSP"' in form
    response = client.post(f"{base}/edit/", staff_data(name="张伟", insured_months="12"))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.insured_months == 12
    assert client.post(f"{base}/delete/").status_code == 302
    assert not SecurityStaff.objects.filter(pk=staff.pk).exists()


@pytest.mark.django_db
def test_violations_are_recorded_and_removed(client: Client, personas: Personas) -> None:
    enterprise = personas.enterprise
    client.force_login(personas.applicant)
    response = client.post(
        f"/enterprises/{enterprise.pk}/violations/add/", {"date": "2025-06-01", "description": "未按规定备案"}
    )
    assert response.status_code == 302
    violation = enterprise.violations.get()
    assert "未按规定备案" in client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    refused = client.post(f"/enterprises/{enterprise.pk}/violations/add/", {"date": "", "description": "x"})
    assert refused.status_code == 422
    assert "date" in refused.context["form"].errors
    client.post(f"/enterprises/{enterprise.pk}/violations/{violation.pk}/delete/")
    assert not enterprise.violations.exists()
