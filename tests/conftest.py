"""Shared fixtures for the whole suite.

With ICPDESK_DB_TESTS_ONLY=1 (set by `make test` for its PostgreSQL pass) only
the tests that touch the database run, so the second pass costs little.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

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


@pytest.fixture
def personas(db: None) -> Any:
    """The applicant, the agency consultant, reviewer, inspector, approver and the outsiders."""
    from tests.factories import make_personas

    return make_personas()
