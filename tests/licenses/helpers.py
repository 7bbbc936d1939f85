"""Licenses for tests, issued without walking a whole case."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.db import transaction

from icpdesk.cases.models import Application
from icpdesk.licenses.models import License
from icpdesk.licenses.services import create_license

_n = itertools.count(1)


def make_license(enterprise: Any, issued_on: date = date(2025, 6, 16), license_type: str = "B25") -> License:
    with transaction.atomic():
        application = Application.objects.create(
            reference=f"T-{next(_n):08d}",
            enterprise=enterprise,
            license_type=license_type,
            state="certificate_issued",
            province_code=enterprise.province_code,
            rule_pack="gansu",
        )
        return create_license(application, issued_on)
