"""Builders for test data: valid identifiers, eligible enterprises and the persona set."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum.cn import ric, uscc

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.enterprises.models import Enterprise, SecurityStaff

PASSWORD = "correct-horse-battery-9"
_serial = itertools.count(1)

ALL_MODULES = [
    "product_display",
    "user_registration",
    "order_payment",
    "order_management",
    "logistics_tracking",
]


def make_uscc(n: int | None = None, division: str = "620102") -> str:
    """A well-formed unified social credit code (GB 32100-2015) for a Gansu company."""
    n = next(_serial) if n is None else n
    body = f"91{division}{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_id_number(birth: str = "19900307", seq: int = 123, region: str = "620102") -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_organisation(kind: str, name: str, province_code: str = "") -> Organisation:
    return Organisation.objects.create(kind=kind, name=name, province_code=province_code)


def make_user(username: str, organisation: Organisation | None, roles: list[str], **extra: Any) -> User:
    user = User(username=username, organisation=organisation, roles=roles, first_name=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_enterprise(
    name: str = "兰州陇货精品电子商务有限公司", *, eligible: bool = True, **fields: Any
) -> Enterprise:
    """An enterprise with its own organisation; eligible on 2026-12-01 unless told otherwise."""
    organisation = make_organisation(OrgKind.ENTERPRISE, name)
    n = next(_serial)
    values: dict[str, Any] = {
        "organisation": organisation,
        "name": name,
        "uscc": make_uscc(n),
        "legal_form": "limited_company",
        "province": "甘肃省",
        "province_code": "CN-GS",
        "city": "兰州市",
        "registered_on": date(2023, 5, 10),
        "registered_capital_cny": 1_000_000,
        "business_scope": "互联网信息服务；在线交易平台服务",
        "on_abnormal_list": False,
        "on_serious_violation_list": False,
        "legal_rep_name": "王建国",
        "legal_rep_id_number": make_id_number("19750101", 111),
        "contact_phone": "13893112345",
        "domain": f"shop{n}.gansu-ec.com",
        "domain_holder": name,
        "icp_filing_number": f"甘ICP备{20230000 + n:08d}号-1",
        "server_regions": ["CN-GS"],
        "server_address": "甘肃省兰州市城关区数据中心",
        "modules": list(ALL_MODULES),
        "content_compliant": True,
        "capital_verification_report": True,
        "bank_statement_months": 3,
    }
    values.update(fields)
    enterprise = Enterprise.objects.create(**values)
    if eligible:
        SecurityStaff.objects.create(
            enterprise=enterprise,
            name="张伟",
            id_number=make_id_number(),
            phone="13993112345",
            major="网络空间安全",
            certificates=["CISSP"],
            full_time=True,
            insured_province="甘肃省",
            insured_months=6,
        )
    return enterprise


@dataclass
class Personas:
    regulator: Organisation
    reviewer: User
    inspector: User
    approver: User
    regulator_admin: User
    agency: Organisation
    consultant: User
    enterprise: Enterprise
    applicant: User  # the enterprise's owner
    member: User
    mandate: Mandate
    other_agency: Organisation
    outsider: User  # a consultant of another agency
    other_enterprise: Enterprise  # a client of the other agency
    other_regulator: Organisation
    other_reviewer: User  # a reviewer of another province


def make_personas() -> Personas:
    regulator = make_organisation(OrgKind.REGULATOR, "甘肃省通信管理局", "CN-GS")
    agency = make_organisation(OrgKind.AGENCY, "陇原企业服务有限公司")
    other_agency = make_organisation(OrgKind.AGENCY, "外省代办有限公司")
    other_regulator = make_organisation(OrgKind.REGULATOR, "陕西省通信管理局", "CN-SN")
    enterprise = make_enterprise("兰州陇货精品电子商务有限公司")
    other_enterprise = make_enterprise("天水花牛苹果电子商务有限公司", city="天水市")
    applicant = make_user("applicant", enterprise.organisation, [Role.OWNER])
    member = make_user("member", enterprise.organisation, [Role.MEMBER])
    consultant = make_user("consultant", agency, [Role.CONSULTANT])
    outsider = make_user("outsider", other_agency, [Role.CONSULTANT])
    mandate = Mandate.objects.create(agency=agency, enterprise=enterprise, granted_by=applicant)
    Mandate.objects.create(agency=other_agency, enterprise=other_enterprise)
    return Personas(
        regulator=regulator,
        reviewer=make_user("reviewer", regulator, [Role.REVIEWER]),
        inspector=make_user("inspector", regulator, [Role.INSPECTOR]),
        approver=make_user("approver", regulator, [Role.APPROVER]),
        regulator_admin=make_user("gsadmin", regulator, [Role.ADMIN]),
        agency=agency,
        consultant=consultant,
        enterprise=enterprise,
        applicant=applicant,
        member=member,
        mandate=mandate,
        other_agency=other_agency,
        outsider=outsider,
        other_enterprise=other_enterprise,
        other_regulator=other_regulator,
        other_reviewer=make_user("other_reviewer", other_regulator, [Role.REVIEWER]),
    )


_SAMPLE_PNG: bytes | None = None


def sample_png() -> bytes:
    """A legible, blank A4-proportioned scan (1240×1754 px, 150 dpi)."""
    global _SAMPLE_PNG
    if _SAMPLE_PNG is None:
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (1240, 1754), "white").save(buffer, "PNG")
        _SAMPLE_PNG = buffer.getvalue()
    return _SAMPLE_PNG


def supply_materials(application: Any, user: Any = None) -> None:
    """Upload every required material of the case that has no version yet."""
    import io

    from icpdesk.materials import services
    from icpdesk.materials.models import CaseMaterial

    user = user or application.created_by
    have = set(
        CaseMaterial.objects.filter(application=application, versions__isnull=False).values_list(
            "material_id", flat=True
        )
    )
    for material in services.materials_for(application):
        if material.required and material.id not in have:
            services.upload_version(
                user, application, material.id, io.BytesIO(sample_png()), original_name=f"{material.id}.png"
            )


def file_with_materials(user: Any, application: Any, **kwargs: Any) -> Any:
    """File the case after supplying its required materials (filing refuses a case missing any).

    The materials are uploaded by whoever prepared the case; when that is not
    possible (a revoked mandate, a case past its draft) the filing below
    raises the error the test is about.
    """
    from icpdesk.cases import actions
    from icpdesk.lib.errors import ActionError

    try:
        supply_materials(application)
    except ActionError:
        pass
    return actions.file_application(user, application, **kwargs)


def mark_filed(*applications: Any, on: date | None = None, state: str = "filed") -> None:
    """Put draft cases in the filed state (or another state after filing)
    directly: the regulator sees a case once it is filed. Uploads made to the
    cases stay as they are."""
    from django.utils import timezone

    from icpdesk.cases.models import Application

    day = on or timezone.localdate()
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(state=state, filed_on=day)
    for application in applications:
        application.refresh_from_db()


def file_a_case(enterprise: Any, agency: Any = None, on: date | None = None) -> Any:
    """A case of ``enterprise`` put straight in the filed state: the regulator
    sees an enterprise once it has filed a case."""
    from django.utils import timezone

    from icpdesk.cases.models import Application

    n = Application.objects.count() + 1
    return Application.objects.create(
        reference=f"甘ICP-FILED-{enterprise.pk}-{n}",
        enterprise=enterprise,
        agency=agency,
        province_code=enterprise.province_code,
        prefecture=enterprise.city,
        rule_pack="gansu",
        state="filed",
        filed_on=on or timezone.localdate(),
    )
