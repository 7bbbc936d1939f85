"""Shared fixtures for the whole suite.

With ICPDESK_DB_TESTS_ONLY=1 (set by `make test` for its PostgreSQL pass) only
the tests that touch the database run, so the second pass costs little.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.backends.signals import connection_created
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings


def _audit_maintenance(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The suite flushes its PostgreSQL test database with TRUNCATE between
    transactional tests; the audit table refuses that unless the session says
    it is maintenance (migration cases 0006)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET icpdesk.audit_maintenance = 'on'")


connection_created.connect(_audit_maintenance)

# Property tests judge answers, not wall-clock time: on shared two-core machines
# running the suite in parallel, a 200 ms deadline fails correct code.
hypothesis_settings.register_profile("desk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("desk")

DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "client", "admin_client", "live_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ICPDESK_DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_db = item.get_closest_marker("django_db") is not None or bool(fixtures & DB_FIXTURES)
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def no_reading_on_upload(settings: Any) -> None:
    """Uploads are not OCR-read unless a test asks for it (tests/materials/test_reading.py does):
    with the inline task backend every upload would load the OCR models and read its pages."""
    settings.READING_ON_UPLOAD = False


def verified_login(client: Client, user: Any, backend: str | None = None) -> None:
    """Sign ``user`` in on ``client`` with both factors, as after the sign-in and verification pages.

    Who must use two-factor sign-in (regulator staff, administrators) gets a
    confirmed TOTP device if they have none, and the session is marked verified
    with it, exactly as ``django_otp.login`` marks it after a right code. The
    pages and tests of the second step itself sign in through the forms.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from icpdesk.accounts.two_factor import requires_two_factor

    _plain_force_login(client, user, backend)
    if not requires_two_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


_plain_force_login = Client.force_login


@pytest.fixture(autouse=True, scope="session")
def force_login_is_a_full_sign_in() -> Iterator[None]:
    """``client.force_login`` signs in with both factors (see :func:`verified_login`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", verified_login)
        yield


@pytest.fixture
def personas(db: None) -> Any:
    """The applicant, the agency consultant, reviewer, inspector, approver and the outsiders."""
    from tests.factories import make_personas

    return make_personas()
