"""Loads the demo data. Every step looks its objects up by a natural key
first, so running it twice changes nothing.

People and organisations are made with the real models; every case is
walked through the real actions of ``icpdesk.cases.actions`` with ``today=``
dates a fixed number of working days before the day of loading, so its
deadlines, audit trail, supplement notices, inspections, bans and licenses
are what the desk itself would have written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric, uscc

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.accounts.two_factor import TOTP_DEVICE_NAME, key_base32, totp_now
from icpdesk.calendars.services import get_calendar
from icpdesk.cases import actions
from icpdesk.cases.models import Application
from icpdesk.core.identifiers import mask_id_number
from icpdesk.core.periods import add_years
from icpdesk.demo import data
from icpdesk.demo.materials import supply as supply_materials
from icpdesk.enterprises.models import Enterprise, SecurityStaff
from icpdesk.enterprises.services import assess_enterprise

DEMO_PASSWORD = "icpdesk-demo-2026"  # noqa: S105 - documented demo login, never used in production

KINDS = ("organisations", "users", "two_factor_devices", "enterprises", "mandates", "cases")


def demo_totp_key(username: str) -> str:
    """The demo login's TOTP secret (hex): fixed and public, like the demo password.

    Regulator staff and the administrator must sign in with two factors; their
    demo secrets are printed by ``icpdesk demo`` and listed in the README, so
    anyone can add them to an authenticator app.
    """
    return hashlib.sha1(f"icpdesk-demo-totp:{username}".encode()).hexdigest()  # noqa: S324 - a public demo key


def demo_two_factor_logins() -> list[tuple[str, str, str]]:
    """(login, secret in base32, the code now) of each demo login that signs in with two factors."""
    names = ["admin", *(person.username for person in data.REGULATOR_STAFF)]
    devices = TOTPDevice.objects.filter(user__username__in=names, confirmed=True).select_related("user")
    shown = {device.user.username: device.key for device in devices}
    return [(name, key_base32(shown[name]), totp_now(shown[name])) for name in names if name in shown]


def credit_code(division: str, serial: int) -> str:
    """A unified social credit code (GB 32100-2015) of a company registered in ``division``."""
    body = f"91{division}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def id_number(region: str, birth: str, seq: int) -> str:
    """A resident identity number (GB 11643) with its check character."""
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


class _Loader:
    def __init__(self, today: date) -> None:
        self.today = today
        self.created: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.calendar = get_calendar()
        self._password_hash = ""

    def day(self, ago: int) -> date:
        """The working day ``ago`` working days before today (after it when negative)."""
        if ago == 0:
            return self.today
        return self.calendar.add_working_days(self.today, -ago).date

    # ------------------------------------------------------------ people

    def organisation(self, kind: str, name: str, province_code: str = "") -> Organisation:
        organisation = Organisation.objects.filter(kind=kind, name=name).order_by("pk").first()
        if organisation is None:
            organisation = Organisation.objects.create(kind=kind, name=name, province_code=province_code)
            self.created["organisations"] += 1
        return organisation

    def user(
        self,
        username: str,
        name: str,
        organisation: Organisation | None,
        roles: list[str],
        phone: str = "",
        **extra: bool,
    ) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=name,
                organisation=organisation,
                roles=roles,
                phone=phone,
                email=f"{username}@demo.icpdesk.invalid",
                **extra,
            )
            # One Argon2 hash for every demo login: hashing is slow by design, and
            # the demo password is public anyway.
            if not self._password_hash:
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
            user.save()
            self.created["users"] += 1
        return user

    def two_factor(self, user: User) -> None:
        """A TOTP device with the login's public demo secret, for a login that must use two factors."""
        if not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, name=TOTP_DEVICE_NAME, key=demo_totp_key(user.username), confirmed=True
            )
            self.created["two_factor_devices"] += 1

    # ------------------------------------------------------------ clients

    def enterprise(self, client: data.Client) -> Enterprise:
        code = credit_code(client.division, client.serial)
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is not None:
            return enterprise
        organisation = self.organisation(OrgKind.ENTERPRISE, client.name)
        enterprise = Enterprise.objects.create(
            organisation=organisation,
            name=client.name,
            uscc=code,
            legal_form="limited_company",
            province="甘肃省",
            province_code=data.REGULATOR_PROVINCE,
            city=client.city,
            registered_on=add_years(self.today, -client.registered_years_ago) - timedelta(days=41),
            registered_capital_cny=client.registered_capital_cny,
            business_scope=client.business_scope,
            on_abnormal_list=False,
            on_serious_violation_list=False,
            legal_rep_name=client.legal_rep,
            legal_rep_id_number=id_number(client.division, client.legal_rep_birth, 111),
            contact_phone=client.phone,
            address=client.address,
            domain=client.domain,
            domain_holder=client.name,
            icp_filing_number=client.icp_filing,
            server_regions=list(client.server_regions),
            server_address=client.server_address,
            modules=list(data.ALL_MODULES),
            content_compliant=True,
            third_party_merchants=client.third_party_merchants,
            services=list(client.services),
            capital_verification_report=True,
            bank_statement_months=3,
        )
        staff = client.staff
        staff_id = id_number(client.division, staff.birth, staff.seq)
        SecurityStaff.objects.create(
            enterprise=enterprise,
            name=staff.name,
            id_number=staff_id,
            id_number_masked=mask_id_number(staff_id),
            phone=staff.phone,
            major=staff.major,
            certificates=list(staff.certificates),
            full_time=True,
            insured_province="甘肃省",
            insured_months=12,
        )
        self.created["enterprises"] += 1
        return enterprise

    def mandate(self, agency: Organisation, enterprise: Enterprise, owner: User) -> None:
        if Mandate.objects.filter(agency=agency, enterprise=enterprise, revoked_at__isnull=True).exists():
            return
        Mandate.objects.create(agency=agency, enterprise=enterprise, granted_by=owner)
        self.created["mandates"] += 1

    # ------------------------------------------------------------ cases

    def case(self, client: data.Client, enterprise: Enterprise, people: dict[str, User]) -> None:
        """Walk the client's case through its story, once: a client with a case is left alone."""
        if Application.objects.filter(enterprise=enterprise).exists():
            return
        owner = people[client.owner]
        case = actions.create_application(people["consultant"], enterprise)
        self.created["cases"] += 1
        for step in client.story:
            self.play(case, step, owner, people)
        if not client.story:
            # A draft: keep a current eligibility result for the eligibility page.
            assess_enterprise(enterprise, user=people["consultant"], on=self.today)

    def play(self, case: Application, step: data.Step, owner: User, people: dict[str, User]) -> None:
        default_actor = {
            "file": "consultant",
            "answer": "consultant",
            "withdraw": "consultant",
            "comment": "consultant",
            "accept": "reviewer",
            "return": "reviewer",
            "lapse": "reviewer",
            "schedule": "inspector",
            "inspect": "inspector",
            "approve": "approver",
            "reject": "approver",
            "issue": "approver",
        }[step.action]
        who = step.by or default_actor
        actor = owner if who == "owner" else people[who]
        on = self.day(step.ago)
        run: dict[str, Callable[[], object]] = {
            "file": lambda: (supply_materials(case, actor), actions.file_application(actor, case, today=on)),
            "accept": lambda: actions.accept_application(actor, case, today=on),
            "return": lambda: actions.return_application(
                actor, case, [{"item": item, "reason": reason} for item, reason in step.items], today=on
            ),
            "answer": lambda: actions.answer_supplement(actor, case, step.text, today=on),
            "lapse": lambda: actions.lapse_application(actor, case, today=on),
            "withdraw": lambda: actions.withdraw_application(actor, case, step.text, today=on),
            "schedule": lambda: actions.schedule_inspection(
                actor, case, self.day(step.on_ago), [people["inspector"]], today=on
            ),
            "inspect": lambda: actions.record_inspection(actor, case, step.record, today=on),
            "approve": lambda: actions.approve_application(actor, case, step.text, today=on),
            "reject": lambda: actions.reject_application(
                actor, case, step.text, forged=step.forged, today=on
            ),
            "issue": lambda: actions.issue_certificate(actor, case, today=on),
            "comment": lambda: actions.add_comment(actor, case, step.text),
        }
        # Whatever the step writes without a day of its own (a comment) is dated on the step's day too.
        with actions.acting_on(on):
            run[step.action]()


@transaction.atomic
def load_demo(today: date | None = None) -> dict[str, int]:
    """Create the demo data that is missing; return how many objects were created, by kind."""
    loader = _Loader(today or timezone.localdate())
    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        loader.two_factor(loader.user("admin", "管理员", None, [], is_staff=True, is_superuser=True))

    regulator = loader.organisation(OrgKind.REGULATOR, data.REGULATOR_NAME, data.REGULATOR_PROVINCE)
    agency = loader.organisation(OrgKind.AGENCY, data.AGENCY_NAME)
    people: dict[str, User] = {}
    for person in data.REGULATOR_STAFF:
        people[person.username] = loader.user(
            person.username, person.name, regulator, list(person.roles), person.phone
        )
        loader.two_factor(people[person.username])
    for person in data.AGENCY_STAFF:
        people[person.username] = loader.user(
            person.username, person.name, agency, list(person.roles), person.phone
        )

    clients: list[tuple[data.Client, Enterprise]] = []
    for client in data.CLIENTS:
        enterprise = loader.enterprise(client)
        people[client.owner] = loader.user(
            client.owner, client.owner_name, enterprise.organisation, [Role.OWNER], client.phone
        )
        loader.mandate(agency, enterprise, people[client.owner])
        clients.append((client, enterprise))
    for client, enterprise in clients:
        loader.case(client, enterprise, people)
    return loader.created
