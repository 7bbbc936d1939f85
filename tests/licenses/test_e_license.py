"""The e-license: a QR code with the standard quiet zone that phones read, and an address people can read."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any
from urllib.parse import unquote

import pypdfium2
import pytest
import segno
import zxingcpp
from django.test import Client
from pypdf import PdfReader

from icpdesk.licenses.pdf import qr_svg_data_uri, verify_url
from tests.factories import Personas
from tests.licenses.helpers import make_license


def test_the_qr_code_keeps_a_quiet_zone_of_four_modules() -> None:
    url = "https://desk.example.cn/licenses/verify/?number=%E7%94%98B2-20260001"
    uri = qr_svg_data_uri(url)
    svg = unquote(uri.split(",", 1)[1])
    width = re.search(r"width=['\"](\d+)['\"]", svg)
    assert width is not None
    modules = segno.make(url, error="m").symbol_size(scale=1, border=0)[0]
    assert int(width.group(1)) == (modules + 2 * 4) * 4  # scale 4, four light modules on each side


@pytest.mark.django_db
def test_the_pdf_prints_a_readable_address_and_a_qr_code_that_decodes_to_it(
    personas: Personas, settings: Any
) -> None:
    settings.SITE_URL = "https://desk.example.cn"
    lic = make_license(personas.enterprise, date(2026, 10, 12))
    client = Client()
    client.force_login(personas.applicant)
    body = client.get(f"/licenses/{lic.pk}/pdf/").content
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "https://desk.example.cn/licenses/verify/?number=甘B2-20260001" in text.replace("\n", "")
    assert "%E7" not in text
    page = pypdfium2.PdfDocument(body)[0]
    image = page.render(scale=200 / 72).to_pil()
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == verify_url(lic)


@pytest.mark.django_db
def test_the_coverage_area_is_the_province_not_the_business_type(personas: Personas) -> None:
    lic = make_license(personas.enterprise, date(2026, 10, 12))
    assert lic.service_scope == "甘肃省"
    client = Client()
    client.force_login(personas.applicant)
    text = PdfReader(io.BytesIO(client.get(f"/licenses/{lic.pk}/pdf/").content)).pages[0].extract_text()
    assert "业务覆盖范围甘肃省" in "".join(text.split())
