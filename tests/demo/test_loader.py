"""The demo data: every state on show, nothing duplicated on a second run, every persona can sign in."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Model
from django.test import Client
from stdnum.cn import uscc

from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.calendars.services import get_calendar
from icpdesk.cases.models import Application, AuditEvent, Comment, Deadline, Inspection, SupplementNotice
from icpdesk.core.identifiers import normalize_icp_filing, normalize_uscc
from icpdesk.core.lifecycle import State
from icpdesk.demo import data
from icpdesk.demo.loader import DEMO_PASSWORD, load_demo
from icpdesk.enterprises.models import Ban, EligibilityAssessment, Enterprise, SecurityStaff
from icpdesk.licenses.models import License

MODELS: tuple[type[Model], ...] = (
    Organisation,
    User,
    Mandate,
    Enterprise,
    SecurityStaff,
    EligibilityAssessment,
    Ban,
    Application,
    Deadline,
    SupplementNotice,
    Inspection,
    Comment,
    AuditEvent,
    License,
)

PERSONAS = (
    "admin",
    "reviewer",
    "inspector",
    "approver",
    "gsadmin",
    "consultant",
    "manager",
    "lanzhou",
    "tianshui",
    "qingyang",
    "jiuquan",
)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    return load_demo()


def case_of(name: str) -> Application:
    return Application.objects.get(enterprise__name=name)


def test_every_state_has_a_case(demo: dict[str, int]) -> None:
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {s.value for s in State}
    assert demo["cases"] == len(data.CLIENTS)


def test_a_second_run_creates_nothing(demo: dict[str, int]) -> None:
    before = counts()
    again = load_demo()
    assert set(again.values()) == {0}
    assert counts() == before


def test_each_persona_can_sign_in(demo: dict[str, int]) -> None:
    for username in PERSONAS:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username


def test_the_article_platforms_are_the_agency_clients(demo: dict[str, int]) -> None:
    agency = Organisation.objects.get(name=data.AGENCY_NAME)
    cities = {"lanzhou": "兰州市", "tianshui": "天水市", "qingyang": "庆阳市", "jiuquan": "酒泉市"}
    for owner, city in cities.items():
        user = User.objects.get(username=owner)
        enterprise = Enterprise.objects.get(organisation=user.organisation)
        assert enterprise.city == city
        assert user.has_role("owner")
        assert Mandate.objects.filter(agency=agency, enterprise=enterprise, revoked_at__isnull=True).exists()
    for enterprise in Enterprise.objects.all():
        assert normalize_uscc(enterprise.uscc) == enterprise.uscc
        assert uscc.is_valid(enterprise.uscc)
        assert normalize_icp_filing(enterprise.icp_filing_number)
    assert Enterprise.objects.count() == len({e.uscc for e in Enterprise.objects.all()})


def test_deadlines_count_from_the_day_of_loading(demo: dict[str, int]) -> None:
    today = date.today()
    calendar = get_calendar()
    tianshui = case_of("天水秦州花牛果业电子商务有限公司")
    assert tianshui.state == State.FILED
    assert tianshui.filed_on is not None
    assert calendar.working_days_between(tianshui.filed_on, today).working_days <= 3
    assert tianshui.due_on == calendar.add_working_days(tianshui.filed_on, 5).date
    overdue = Application.objects.filter(due_on__lt=today).exclude(due_on=None)
    assert {a.state for a in overdue} >= {State.FILED, State.RETURNED, State.ACCEPTED, State.APPROVED}
    lanzhou = case_of("兰州陇货精品电子商务有限公司")
    license_ = License.objects.get(application=lanzhou)
    assert lanzhou.state == State.CERTIFICATE_ISSUED
    assert license_.issued_on == lanzhou.certificate_on
    assert license_.expires_on.year == license_.issued_on.year + 5


def test_forged_materials_bar_the_enterprise(demo: dict[str, int]) -> None:
    rejected = Application.objects.get(state=State.REJECTED)
    assert rejected.forged
    assert rejected.decided_on is not None
    ban = Ban.objects.get(uscc=rejected.enterprise.uscc)
    assert ban.until > date.today()
    assert Ban.barred_until(rejected.enterprise.uscc, date.today()) == ban.until


def test_one_enterprise_is_not_eligible_and_says_why(demo: dict[str, int]) -> None:
    gannan = Enterprise.objects.get(name="甘南高原牦牛特产电子商务有限公司")
    assessment = gannan.assessments.latest("created_at")
    assert assessment.verdict == "not_eligible"
    failed = {c["id"]: c for c in assessment.checks() if c["status"] == "fail"}
    assert {"capital.registered", "site.server_location"} <= set(failed)
    assert all(c.get("remedy") for c in failed.values())
    eligible = EligibilityAssessment.objects.exclude(enterprise=gannan).values_list("verdict", flat=True)
    assert set(eligible) == {"eligible"}


def test_the_third_party_marketplace_is_advised_b21(demo: dict[str, int]) -> None:
    qingyang = Enterprise.objects.get(name="庆阳岐黄中药材交易平台有限公司")
    assessment = qingyang.assessments.latest("created_at")
    assert "B21" in str(assessment.result)
    case = case_of(qingyang.name)
    assert case.state == State.INSPECTION_SCHEDULED
    assert case.supplements.get().answered_at is not None


def test_the_regulator_logins_sign_in_with_their_printed_code(demo: dict[str, int]) -> None:
    from icpdesk.accounts.two_factor import totp_now
    from icpdesk.demo.loader import demo_totp_key, demo_two_factor_logins

    logins = demo_two_factor_logins()
    assert [name for name, _secret, _code in logins] == [
        "admin",
        "reviewer",
        "inspector",
        "approver",
        "gsadmin",
    ]
    assert demo["two_factor_devices"] == 5
    name, _secret, code = logins[1]
    assert code == totp_now(demo_totp_key(name))
    client = Client()
    client.post("/accounts/login/", {"username": name, "password": DEMO_PASSWORD})
    verify = client.get("/cases/")["Location"]
    assert verify.startswith("/accounts/two-factor/verify/")
    assert client.post(verify, {"code": code}).status_code == 302
    assert client.get("/cases/").status_code == 200
