"""Generate N enterprises and M cases spread over every state, fast, with bulk_create.

Reusable by every benchmark that needs a large desk::

    from bench.generate import generate
    desk = generate(enterprises=20_000, cases=100_000)
    desk.reviewer, desk.consultant, ...

One regulator (甘肃省通信管理局, CN-GS) with a reviewer, an inspector and an
approver; one agency with a consultant holding an active mandate for every
enterprise; each enterprise with its own organisation. Cases are spread over
every state of ``core.lifecycle.State`` with dates consistent with the state
(filed, accepted, inspected, decided, certificate), a pending-step deadline
for open cases (a share of them overdue), the running ``Deadline`` row, and a
License for every issued certificate. Rows are written directly (not through
the actions): the point is volume, and the actions are exercised by the tests.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.cases.models import Application, Deadline
from icpdesk.core.lifecycle import PENDING_STEP, State
from icpdesk.core.periods import add_years
from icpdesk.enterprises.models import GANSU_PREFECTURES, Enterprise
from icpdesk.licenses.models import License, LicenseNumberCounter

# Share of cases in each state (weights): queues are large, as at a real desk.
STATE_WEIGHTS: dict[State, int] = {
    State.DRAFT: 8,
    State.FILED: 12,
    State.RETURNED: 5,
    State.ACCEPTED: 8,
    State.INSPECTION_SCHEDULED: 7,
    State.INSPECTED: 8,
    State.APPROVED: 5,
    State.REJECTED: 5,
    State.CERTIFICATE_ISSUED: 32,
    State.WITHDRAWN: 5,
    State.LAPSED: 5,
}

AFTER_ACCEPTANCE = frozenset(
    {
        State.ACCEPTED,
        State.INSPECTION_SCHEDULED,
        State.INSPECTED,
        State.APPROVED,
        State.REJECTED,
        State.CERTIFICATE_ISSUED,
    }
)

# Administrative division codes of one district of each prefecture (for credit codes).
DIVISIONS = {
    "兰州市": "620102",
    "嘉峪关市": "620201",
    "金昌市": "620302",
    "白银市": "620402",
    "天水市": "620502",
    "武威市": "620602",
    "张掖市": "620702",
    "平凉市": "620802",
    "酒泉市": "620902",
    "庆阳市": "621002",
    "定西市": "621102",
    "陇南市": "621202",
    "临夏回族自治州": "622901",
    "甘南藏族自治州": "623001",
}

MODULES = ["product_display", "user_registration", "order_payment", "order_management", "logistics_tracking"]
PRODUCTS = ["电子商务", "农产品电子商务", "特产商贸", "网络科技", "供应链管理", "新能源设备", "文旅商贸"]


@dataclass
class Desk:
    regulator: Organisation
    agency: Organisation
    reviewer: User
    inspector: User
    approver: User
    consultant: User
    enterprises: int
    cases: int
    seconds: float


def certificate_applications(prefix: str, rows: range, enterprises: list[Enterprise]) -> list[Application]:
    """Bulk-create one certificate-issued case per row, to hang a license on (for the license benchmarks)."""
    return Application.objects.bulk_create(
        [
            Application(
                reference=f"{prefix}-{i:08d}",
                enterprise=enterprises[i % len(enterprises)],
                state="certificate_issued",
                province_code="CN-GS",
                rule_pack="gansu",
            )
            for i in rows
        ],
        batch_size=5000,
    )


def _user(username: str, organisation: Organisation, role: str) -> User:
    user = User(username=username, first_name=username, organisation=organisation, roles=[role])
    user.set_unusable_password()
    user.save()
    return user


def _credit_code(division: str, serial: int) -> str:
    body = f"91{division}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def generate(
    enterprises: int = 20_000,
    cases: int = 100_000,
    *,
    today: date | None = None,
    seed: int = 2026,
    batch_size: int = 2_000,
    serial_base: int = 500_000_000,
    progress: Callable[[str], None] | None = None,
) -> Desk:
    """Write the desk; return its people and what was made. Runs in one transaction."""
    if enterprises < 1 or cases < 0:
        raise ValueError("need at least one enterprise")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        regulator = Organisation.objects.create(
            kind=OrgKind.REGULATOR, name="甘肃省通信管理局", province_code="CN-GS"
        )
        agency = Organisation.objects.create(kind=OrgKind.AGENCY, name="陇原企业服务有限公司（基准）")
        suffix = f"{seed}"
        reviewer = _user(f"bench_reviewer_{suffix}", regulator, Role.REVIEWER)
        inspector = _user(f"bench_inspector_{suffix}", regulator, Role.INSPECTOR)
        approver = _user(f"bench_approver_{suffix}", regulator, Role.APPROVER)
        consultant = _user(f"bench_consultant_{suffix}", agency, Role.CONSULTANT)

        # ---------------------------------------------------- enterprises
        names = [f"甘肃{rng.choice(PRODUCTS)}第{i + 1:05d}号有限公司" for i in range(enterprises)]
        orgs = Organisation.objects.bulk_create(
            [Organisation(kind=OrgKind.ENTERPRISE, name=name, created_at=now) for name in names],
            batch_size=batch_size,
        )
        rows = []
        for i, (org, name) in enumerate(zip(orgs, names, strict=True)):
            city = GANSU_PREFECTURES[i % len(GANSU_PREFECTURES)]
            rows.append(
                Enterprise(
                    organisation=org,
                    name=name,
                    uscc=_credit_code(DIVISIONS[city], serial_base + i),
                    province="甘肃省",
                    province_code="CN-GS",
                    city=city,
                    registered_on=today - timedelta(days=400 + i % 3000),
                    registered_capital_cny=1_000_000 + (i % 50) * 100_000,
                    business_scope="互联网信息服务；在线交易平台服务",
                    on_abnormal_list=False,
                    on_serious_violation_list=False,
                    legal_rep_name="法定代表人",
                    domain=f"bench{seed}-{i}.example.cn",
                    domain_holder=name,
                    icp_filing_number=f"甘ICP备{2020000000 + i:010d}号-1",
                    server_regions=["CN-GS"],
                    modules=MODULES,
                    content_compliant=True,
                    capital_verification_report=True,
                    bank_statement_months=3,
                    created_at=now,
                )
            )
        firms = Enterprise.objects.bulk_create(rows, batch_size=batch_size)
        Mandate.objects.bulk_create(
            [Mandate(agency=agency, enterprise=firm, granted_at=now) for firm in firms], batch_size=batch_size
        )
        say(f"{len(firms):,} enterprises, {len(firms):,} mandates: {time.perf_counter() - started:.1f} s")

        # ---------------------------------------------------- cases
        states = list(STATE_WEIGHTS)
        weights = list(STATE_WEIGHTS.values())
        picked = rng.choices(states, weights=weights, k=cases)
        apps: list[Application] = []
        for i, state in enumerate(picked):
            firm = firms[i % len(firms)]
            apps.append(_application(i, seed, state, firm, agency, consultant, today, rng, now))
        made = Application.objects.bulk_create(apps, batch_size=batch_size)
        say(f"{len(made):,} cases: {time.perf_counter() - started:.1f} s")

        deadlines = [
            Deadline(
                application=app,
                step=app.due_step,
                started_on=app.due_on - timedelta(days=7),
                due_on=app.due_on,
                created_at=now,
            )
            for app in made
            if app.due_on is not None
        ]
        Deadline.objects.bulk_create(deadlines, batch_size=batch_size)
        licenses = _licenses(made, firms)
        say(
            f"{len(deadlines):,} deadlines, {len(licenses):,} licenses: {time.perf_counter() - started:.1f} s"
        )

    return Desk(
        regulator=regulator,
        agency=agency,
        reviewer=reviewer,
        inspector=inspector,
        approver=approver,
        consultant=consultant,
        enterprises=len(firms),
        cases=len(made),
        seconds=time.perf_counter() - started,
    )


def _application(
    i: int,
    seed: int,
    state: State,
    firm: Enterprise,
    agency: Organisation,
    consultant: User,
    today: date,
    rng: random.Random,
    now: datetime,
) -> Application:
    """A case in ``state`` with the dates that state implies, ending up to ~120 days ago."""
    app = Application(
        reference=f"BENCH{seed}-{i + 1:07d}",
        enterprise=firm,
        agency=agency,
        state=state.value,
        version=0,
        province_code="CN-GS",
        prefecture=firm.city,
        rule_pack="gansu",
        rule_pack_version="bench",
        created_by=consultant,
        created_at=now,
        updated_at=now,
    )
    if state == State.DRAFT:
        return app
    # Working back from the latest event: each step took a few days.
    filed = today - timedelta(days=rng.randint(2, 120))
    app.filed_on = filed
    app.eligibility = {"verdict": "eligible"}
    app.version = 1
    accepted = filed + timedelta(days=rng.randint(1, 7))
    inspected = accepted + timedelta(days=rng.randint(3, 14))
    decided = inspected + timedelta(days=rng.randint(3, 20))
    if state in AFTER_ACCEPTANCE:
        app.accepted_on = accepted
    if state in {State.INSPECTED, State.APPROVED, State.REJECTED, State.CERTIFICATE_ISSUED}:
        app.inspected_on = inspected
    if state in {State.APPROVED, State.REJECTED, State.CERTIFICATE_ISSUED}:
        app.decided_on = decided
        app.decision = "rejected" if state == State.REJECTED else "approved"
        app.decision_reasons = "基准数据"
        app.forged = state == State.REJECTED and i % 10 == 0
    if state == State.CERTIFICATE_ISSUED:
        app.certificate_on = decided + timedelta(days=rng.randint(1, 7))
    if state in {State.REJECTED, State.CERTIFICATE_ISSUED, State.WITHDRAWN, State.LAPSED}:
        app.closed_on = app.certificate_on or app.decided_on or filed + timedelta(days=rng.randint(1, 20))
    step = PENDING_STEP.get(state)
    if step is not None:
        # Due from 12 days ago to 20 days ahead: about a third overdue.
        app.due_step = step
        app.due_on = today + timedelta(days=rng.randint(-12, 20))
    return app


def _licenses(apps: list[Application], firms: list[Enterprise]) -> list[License]:
    """A license for every issued certificate, numbered on from the desk's counters."""
    by_id = {firm.pk: firm for firm in firms}
    serials: dict[int, int] = dict(
        LicenseNumberCounter.objects.filter(province_abbreviation="甘", category="B2").values_list(
            "year", "last_serial"
        )
    )
    rows = []
    for app in apps:
        if app.state != State.CERTIFICATE_ISSUED or app.certificate_on is None:
            continue
        issued = app.certificate_on
        serial = serials.get(issued.year, 0) + 1
        serials[issued.year] = serial
        firm = by_id[app.enterprise_id]
        rows.append(
            License(
                number=f"甘B2-{issued.year}{serial:04d}",
                holder=firm,
                holder_name=firm.name,
                application=app,
                license_type=app.license_type,
                province_code="CN-GS",
                domains=[firm.domain],
                issued_on=issued,
                expires_on=add_years(issued, 5),
            )
        )
    made = License.objects.bulk_create(rows, batch_size=2_000)
    for year, last in serials.items():
        LicenseNumberCounter.objects.update_or_create(
            province_abbreviation="甘", category="B2", year=year, defaults={"last_serial": last}
        )
    return made
