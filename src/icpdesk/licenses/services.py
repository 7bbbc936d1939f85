"""Issuing a license: its number, taken without gaps or duplicates, and its dates;
renewing one: the same number, a new period of validity."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from icpdesk.accounts.choices import Scope
from icpdesk.cases import access
from icpdesk.cases.models import Application
from icpdesk.core import license_lifecycle as lifecycle
from icpdesk.core.periods import shift
from icpdesk.lib.packs import current_pack
from icpdesk.licenses import annual
from icpdesk.licenses.models import ChangeFiling, License, LicenseEvent, LicenseNumberCounter

if TYPE_CHECKING:
    from icpdesk.accounts.models import User


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


# A renewal case renews the license it was opened for while that license is
# valid, or expired during the case; one revoked, cancelled or lapsed in the
# meantime is not revived: the case then issues a new license.
RENEWABLE_STATES = lifecycle.TRANSITIONS["renew"].sources


def coverage_area(province: str) -> str:
    """The license's 业务覆盖范围: the pack's province (甘肃省), or 全国 for the national pack."""
    return province or "全国"


def create_license(application: Application, issued_on: date) -> License:
    """The license a granted case issues: for a renewal case, the renewed license."""
    if application.kind == "renewal":
        renewed = (
            License.objects.select_for_update()
            .filter(renewal_application=application, state__in=RENEWABLE_STATES)
            .first()
        )
        if renewed is not None:
            return renew_license(renewed, application, issued_on)
    pack = current_pack()
    validity = pack.limit("license_validity")
    enterprise = application.enterprise
    number = next_license_number(pack.abbreviation, "B2", issued_on.year)
    staff = enterprise.security_staff.order_by("id").first()
    license_ = License.objects.create(
        number=number,
        holder=enterprise,
        holder_name=enterprise.name,
        application=application,
        license_type=application.license_type,
        province_code=application.province_code,
        domains=[enterprise.domain] if enterprise.domain else [],
        server_locations=[enterprise.server_address] if enterprise.server_address else [],
        security_manager=staff.name if staff else "",
        # 业务覆盖范围 is where the service may be offered: the issuing province, or the whole country.
        service_scope=coverage_area(pack.province),
        issued_on=issued_on,
        expires_on=shift(issued_on, validity.value, validity.unit),
        state=lifecycle.INITIAL_STATE.value,
        state_changed_on=issued_on,
        annual_report_due_on=annual.first_due_on(pack, issued_on),
    )
    LicenseEvent.objects.create(
        license=license_,
        on=issued_on,
        actor=None,
        action="issue",
        to_state=lifecycle.INITIAL_STATE.value,
        reason=f"依申请 {application.reference} 颁发 / issued on case {application.reference}",
        changes=recorded_facts(license_),
    )
    return license_


def renew_license(license_: License, application: Application, renewed_on: date) -> License:
    """Keep the number and extend the validity by the pack's period: from the old
    expiry when renewed before it, else from the renewal (an expired license is
    valid again). Must run inside the issuing transaction, on a locked row."""
    renewal = lifecycle.check_transition("renew", license_.state)
    validity = current_pack().limit("license_validity")
    start = license_.expires_on if license_.expires_on >= renewed_on else renewed_on
    before = {"expires_on": license_.expires_on.isoformat(), "state": license_.state}
    from_state = license_.state
    license_.expires_on = shift(start, validity.value, validity.unit)
    fields = ["expires_on"]
    if license_.state != renewal.target:
        license_.state = renewal.target.value
        license_.state_changed_on = renewed_on
        fields += ["state", "state_changed_on"]
    license_.save(update_fields=fields)
    until = f"{license_.expires_on:%Y-%m-%d}"
    after = {"expires_on": license_.expires_on.isoformat(), "state": renewal.target.value}
    LicenseEvent.objects.create(
        license=license_,
        on=renewed_on,
        actor=None,
        action="renew",
        from_state=from_state,
        to_state=renewal.target.value,
        reason=(
            f"依续期申请 {application.reference} 续期，有效期至 {until} / "
            f"renewed on case {application.reference} until {until}"
        ),
        changes={"before": before, "after": after},
    )
    return license_


def recorded_facts(license_: License) -> dict[str, Any]:
    """The facts a change filing can alter, as the license records them now."""
    return {
        "holder_name": license_.holder_name,
        "domains": list(license_.domains),
        "server_locations": list(license_.server_locations),
        "security_manager": license_.security_manager,
    }


def returned_change_outstanding() -> Q:
    """A Q on License: a change filing of it was returned for correction and not filed again since."""
    refiled = ChangeFiling.objects.filter(
        license=OuterRef("license"), kind=OuterRef("kind"), pk__gt=OuterRef("pk")
    )
    outstanding = ChangeFiling.objects.filter(license=OuterRef("pk"), state="returned").exclude(
        Exists(refiled)
    )
    return Q(Exists(outstanding))


def duty_filter(cleaned: dict[str, Any], today: date) -> Q:
    """The license list's duty filters (the overviews link to them): due from today up to a date."""
    q = Q()
    if cleaned.get("annual_due_by"):
        q &= Q(annual_report_due_on__gte=today, annual_report_due_on__lte=cleaned["annual_due_by"])
    if cleaned.get("expires_by"):
        q &= Q(expires_on__gte=today, expires_on__lte=cleaned["expires_by"])
    if cleaned.get("unrenewed"):
        q &= Q(renewal_application__isnull=True)
    if cleaned.get("change_returned"):
        q &= returned_change_outstanding()
    return q


def visible_licenses(user: User | Any, scope: str = Scope.VIEW) -> QuerySet[License]:
    """The licenses of the enterprises the user may see (scoped by :mod:`icpdesk.cases.access`)."""
    return License.objects.filter(holder__in=access.visible_enterprises(user, scope))
