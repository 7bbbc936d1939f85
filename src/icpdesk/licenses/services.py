"""Issuing a license: its number, taken without gaps or duplicates, and its dates."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from icpdesk.cases.deadlines import current_pack
from icpdesk.cases.models import Application
from icpdesk.core.periods import add_years
from icpdesk.licenses.models import License, LicenseNumberCounter


def next_license_number(abbreviation: str, category: str, year: int) -> str:
    """Take the next serial for (province, category, year) under a row lock.

    Must run inside the issuing transaction: a rolled-back certificate gives
    its serial back, so the sequence has no gaps.
    """
    counter = (
        LicenseNumberCounter.objects.select_for_update()
        .filter(province_abbreviation=abbreviation, category=category, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                LicenseNumberCounter.objects.create(
                    province_abbreviation=abbreviation, category=category, year=year
                )
        except IntegrityError:
            pass  # another transaction created it first
        counter = LicenseNumberCounter.objects.select_for_update().get(
            province_abbreviation=abbreviation, category=category, year=year
        )
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return f"{abbreviation}{category}-{year}{counter.last_serial:04d}"


def create_license(application: Application, issued_on: date) -> License:
    pack = current_pack()
    validity = pack.limit("license_validity")
    enterprise = application.enterprise
    number = next_license_number(pack.abbreviation, "B2", issued_on.year)
    return License.objects.create(
        number=number,
        holder=enterprise,
        holder_name=enterprise.name,
        application=application,
        license_type=application.license_type,
        province_code=application.province_code,
        domains=[enterprise.domain] if enterprise.domain else [],
        issued_on=issued_on,
        expires_on=add_years(issued_on, validity.value),
    )
