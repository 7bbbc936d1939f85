"""A small book and province, dated around Wednesday 2 December 2026, for the overview tests.

The agency (``personas.agency``) serves two clients: the personas' enterprise
in 兰州市 and a second one in 天水市; another agency's client (天水市) files a
case too. Every figure the tests expect is worked out in the docstrings of
:class:`Book`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from icpdesk.accounts.models import Mandate, User
from icpdesk.cases.models import Application, Deadline
from icpdesk.enterprises.models import Enterprise
from icpdesk.licenses.models import AnnualReport, ChangeFiling, License
from tests.factories import Personas, make_enterprise

TODAY = date(2026, 12, 2)  # a Wednesday; its week began on Monday 30 November
_serial = itertools.count(1)


@dataclass
class Book:
    personas: Personas
    tianshui: Enterprise  # the agency's second client
    cases: dict[str, Application]
    licenses: dict[str, License]


def case(enterprise: Enterprise, state: str, *, agency: Any = None, **fields: Any) -> Application:
    n = next(_serial)
    values: dict[str, Any] = {
        "reference": f"甘ICP-OV-{n:04d}",
        "enterprise": enterprise,
        "agency": agency,
        "state": state,
        "province_code": "CN-GS",
        "prefecture": enterprise.city,
        "rule_pack": "gansu",
    }
    values.update(fields)
    return Application.objects.create(**values)


def license_of(enterprise: Enterprise, *, state: str = "valid", **fields: Any) -> License:
    application = case(enterprise, "certificate_issued", decision="approved", decided_on=date(2025, 6, 1))
    n = next(_serial)
    values: dict[str, Any] = {
        "number": f"甘B2-2025{n:04d}",
        "holder": enterprise,
        "holder_name": enterprise.name,
        "application": application,
        "license_type": "B25",
        "province_code": "CN-GS",
        "domains": [enterprise.domain],
        "issued_on": date(2025, 6, 10),
        "expires_on": date(2030, 6, 10),
        "state": state,
        "annual_report_due_on": date(2028, 3, 31),
    }
    values.update(fields)
    return License.objects.create(**values)


@pytest.fixture(autouse=True)
def _rules(settings: Any) -> None:
    settings.RULE_PACK = "gansu"


@pytest.fixture
def frozen_today(monkeypatch: Any) -> date:
    """Pages and lists count from TODAY (the overviews and the lists they link to alike)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def book(personas: Personas) -> Book:
    p = personas
    lanzhou = p.enterprise
    tianshui = make_enterprise("天水秦州花牛果业电子商务有限公司", city="天水市")
    Mandate.objects.create(agency=p.agency, enterprise=tianshui, granted_by=p.applicant)
    cases = {
        # filed this week, acceptance overdue (due yesterday)
        "a1": case(lanzhou, "filed", agency=p.agency, filed_on=date(2026, 11, 30), due_on=date(2026, 12, 1)),
        # filed last week, inspection due today: this week, 0–2 working days left
        "a2": case(lanzhou, "accepted", agency=p.agency, filed_on=date(2026, 11, 23), due_on=TODAY),
        # filed last week, decision due next Tuesday: next week, 4 working days left
        "a3": case(
            tianshui, "inspected", agency=p.agency, filed_on=date(2026, 11, 23), due_on=date(2026, 12, 8)
        ),
        # filed two weeks ago, approved last week (Tuesday), certificate issued
        "a4": case(
            tianshui,
            "certificate_issued",
            agency=p.agency,
            filed_on=date(2026, 11, 16),
            decision="approved",
            decided_on=date(2026, 11, 24),
        ),
        "a5": case(lanzhou, "draft", agency=p.agency),
        # another agency's client: filed, 6 working days left (10 December)
        "ox": case(
            p.other_enterprise,
            "filed",
            agency=p.other_agency,
            filed_on=date(2026, 12, 1),
            due_on=date(2026, 12, 10),
        ),
        # a case of another province, which the Gansu regulator never counts
        "sn": case(p.other_enterprise, "filed", province_code="CN-SN", filed_on=date(2026, 11, 2)),
    }
    licenses = {
        # the 2026 window's report of the year 2025 owed from this license is due on 30 December
        "L1": license_of(lanzhou, annual_report_due_on=date(2026, 12, 30)),
        # expires within 90 days + 6 months, no renewal case yet
        "L2": license_of(tianshui, expires_on=date(2027, 6, 1)),
        # a change filing returned and not filed again
        "L3": license_of(tianshui),
        # another agency's client: its annual report is due within 90 days, but not the agency's
        "L4": license_of(p.other_enterprise, annual_report_due_on=date(2026, 12, 20)),
        # lapsed: it never filed the report of 2025 (its due date stays on the window's last day)
        "L5": license_of(lanzhou, state="lapsed", annual_report_due_on=date(2026, 3, 31)),
    }
    staff = p.applicant
    ChangeFiling.objects.create(
        license=licenses["L3"],
        kind="domain",
        after="new.example.cn",
        happened_on=date(2026, 11, 1),
        due_on=date(2026, 11, 11),
        filed_on=date(2026, 11, 5),
        state="returned",
        filed_by=staff,
        reviewed_on=date(2026, 11, 25),
    )
    # L1's returned filing was filed again since: nothing outstanding
    ChangeFiling.objects.create(
        license=licenses["L1"],
        kind="domain",
        after="a.example.cn",
        happened_on=date(2026, 11, 1),
        due_on=date(2026, 11, 11),
        filed_on=date(2026, 11, 5),
        state="returned",
        filed_by=staff,
        reviewed_on=date(2026, 11, 20),
    )
    ChangeFiling.objects.create(
        license=licenses["L1"],
        kind="domain",
        after="b.example.cn",
        happened_on=date(2026, 11, 1),
        due_on=date(2026, 11, 11),
        filed_on=date(2026, 11, 22),
        state="filed",
        filed_by=staff,
    )
    # The 2025 reports (window 1 January – 31 March 2026): L1 on time, L2 late, L3 a draft only.
    for lic, submitted in ((licenses["L1"], date(2026, 3, 1)), (licenses["L2"], date(2026, 4, 5))):
        AnnualReport.objects.create(
            license=lic,
            year=2025,
            state="submitted",
            window_opens_on=date(2026, 1, 1),
            due_on=date(2026, 3, 31),
            submitted_on=submitted,
        )
    AnnualReport.objects.create(
        license=licenses["L3"],
        year=2025,
        state="draft",
        window_opens_on=date(2026, 1, 1),
        due_on=date(2026, 3, 31),
    )
    # Steps done: acceptance in November (one in time, one late), an inspection in December
    # (in time), a certificate in October (in time); a cancelled clock and another province's don't count.
    deadline = Deadline.objects.create
    deadline(
        application=cases["a2"],
        step="acceptance",
        started_on=date(2026, 11, 23),
        due_on=date(2026, 11, 27),
        met_on=date(2026, 11, 25),
    )
    deadline(
        application=cases["a3"],
        step="acceptance",
        started_on=date(2026, 11, 16),
        due_on=date(2026, 11, 23),
        met_on=date(2026, 11, 24),
    )
    deadline(
        application=cases["a3"],
        step="inspection",
        started_on=date(2026, 11, 24),
        due_on=date(2026, 12, 5),
        met_on=date(2026, 12, 1),
    )
    deadline(
        application=cases["a4"],
        step="certificate",
        started_on=date(2026, 10, 1),
        due_on=date(2026, 10, 10),
        met_on=date(2026, 10, 9),
    )
    deadline(
        application=cases["a1"],
        step="acceptance",
        started_on=date(2026, 11, 13),
        due_on=date(2026, 11, 20),
        met_on=date(2026, 11, 19),
        cancelled=True,
    )
    deadline(
        application=cases["a1"], step="acceptance", started_on=date(2026, 11, 30), due_on=date(2026, 12, 1)
    )
    deadline(
        application=cases["sn"],
        step="acceptance",
        started_on=date(2026, 11, 2),
        due_on=date(2026, 11, 9),
        met_on=date(2026, 11, 10),
    )
    return Book(personas=p, tianshui=tianshui, cases=cases, licenses=licenses)


def fresh(user: User) -> User:
    """The user as a request would load it (with its organisation)."""
    return User.objects.select_related("organisation").get(pk=user.pk)
