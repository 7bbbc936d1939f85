"""Loads the demo data. Every step looks its objects up by a natural key
first, so running it twice changes nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_PASSWORD = "icpdesk-demo-2026"  # noqa: S105 - documented demo login, never used in production


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo data that is missing; return how many objects were created, by kind."""
    created: dict[str, int] = {"users": 0}
    user_model = get_user_model()
    admin, was_created = user_model.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "管理员"}
    )
    if was_created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        created["users"] += 1
    return created
