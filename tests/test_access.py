"""Who sees what: the one place queries are scoped, for every persona."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind, Role, Scope
from icpdesk.accounts.models import Mandate, User
from icpdesk.cases import access, actions
from icpdesk.cases.models import Application
from icpdesk.enterprises.models import Enterprise
from tests.factories import Personas, make_enterprise, make_organisation, make_user


@dataclass
class World:
    p: Personas
    third: Enterprise  # a Gansu enterprise that files for itself, no agency
    shaanxi: Enterprise  # an enterprise of another province
    cases: dict[str, list[Application]]


def _owner(enterprise: Enterprise) -> User:
    return make_user(f"owner{enterprise.pk}", enterprise.organisation, [Role.OWNER])


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    third = make_enterprise("嘉峪关钢铁电商有限公司", city="嘉峪关市")
    shaanxi = make_enterprise("西安秦川电商有限公司", province="陕西省", province_code="CN-SN", city="西安市")
    cases = {
        "enterprise": [
            actions.create_application(p.consultant, p.enterprise),
            actions.create_application(p.consultant, p.enterprise),
        ],
        "enterprise_draft": [actions.create_application(p.applicant, p.enterprise)],
        "other_enterprise": [
            actions.create_application(p.outsider, p.other_enterprise),
            actions.create_application(p.outsider, p.other_enterprise),
        ],
        "third": [actions.create_application(_owner(third), third)],
        "shaanxi": [actions.create_application(_owner(shaanxi), shaanxi)],
    }
    # Every case but one is filed; the regulator sees a case once it is filed.
    filed = [c.pk for key, group in cases.items() if key != "enterprise_draft" for c in group]
    Application.objects.filter(pk__in=filed).update(state="filed", filed_on=timezone.localdate())
    return World(p, third, shaanxi, cases)


def ids(queryset: Any) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def case_ids(w: World, *keys: str) -> set[int]:
    return {c.pk for key in keys for c in w.cases[key]}


# persona -> (the cases they see, the enterprises they see)
EXPECTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "applicant": (("enterprise", "enterprise_draft"), ("enterprise",)),
    "member": (("enterprise", "enterprise_draft"), ("enterprise",)),
    "consultant": (("enterprise", "enterprise_draft"), ("enterprise",)),
    "outsider": (("other_enterprise",), ("other_enterprise",)),
    "reviewer": (("enterprise", "other_enterprise", "third"), ("enterprise", "other_enterprise", "third")),
    "inspector": (("enterprise", "other_enterprise", "third"), ("enterprise", "other_enterprise", "third")),
    "approver": (("enterprise", "other_enterprise", "third"), ("enterprise", "other_enterprise", "third")),
    "regulator_admin": (
        ("enterprise", "other_enterprise", "third"),
        ("enterprise", "other_enterprise", "third"),
    ),
    "other_reviewer": (("shaanxi",), ("shaanxi",)),
}
COUNTS = {"applicant": 3, "member": 3, "consultant": 3, "outsider": 2, "reviewer": 5, "other_reviewer": 1}


def _enterprise(w: World, key: str) -> Enterprise:
    return {
        "enterprise": w.p.enterprise,
        "other_enterprise": w.p.other_enterprise,
        "third": w.third,
        "shaanxi": w.shaanxi,
    }[key]


def test_a_draft_reaches_the_regulator_only_once_filed(world: World) -> None:
    draft = world.cases["enterprise_draft"][0]
    reviewer = world.p.reviewer
    assert draft.pk not in ids(access.visible_applications(reviewer))
    # Withdrawn before it was ever filed: still the applicant's own.
    Application.objects.filter(pk=draft.pk).update(state="withdrawn")
    assert draft.pk not in ids(access.visible_applications(reviewer))
    # Withdrawn after filing: the regulator keeps it on record.
    Application.objects.filter(pk=draft.pk).update(filed_on=timezone.localdate())
    assert draft.pk in ids(access.visible_applications(reviewer))
    assert draft.pk in ids(access.visible_applications(world.p.applicant))


def test_an_enterprise_reaches_the_regulator_with_its_first_filed_case(world: World) -> None:
    p = world.p
    newcomer = make_enterprise("白银新设电子商务有限公司", city="白银市")
    draft = actions.create_application(_owner(newcomer), newcomer)
    for user in (p.reviewer, p.inspector, p.approver, p.regulator_admin):
        assert newcomer.pk not in ids(access.visible_enterprises(user)), user.username
        assert not access.sees_personal_data(user, newcomer), user.username
    # Withdrawn before it was filed: still nothing to the regulator.
    Application.objects.filter(pk=draft.pk).update(state="withdrawn")
    assert newcomer.pk not in ids(access.visible_enterprises(p.reviewer))
    # Filed (even if withdrawn later): the regulator sees the enterprise and its people.
    Application.objects.filter(pk=draft.pk).update(filed_on=timezone.localdate())
    assert newcomer.pk in ids(access.visible_enterprises(p.reviewer))
    assert access.sees_personal_data(p.reviewer, newcomer)
    # Another province's regulator never does.
    assert newcomer.pk not in ids(access.visible_enterprises(p.other_reviewer))
    assert not access.sees_personal_data(p.other_reviewer, newcomer)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_persona_sees_exactly_its_cases_and_enterprises(world: World, persona: str) -> None:
    user = getattr(world.p, persona)
    case_keys, enterprise_keys = EXPECTED[persona]
    assert ids(access.visible_applications(user)) == case_ids(world, *case_keys)
    assert ids(access.visible_enterprises(user)) == {_enterprise(world, k).pk for k in enterprise_keys}
    if persona in COUNTS:
        assert access.visible_applications(user).count() == COUNTS[persona]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: AnonymousUser(),
        lambda p: None,
        lambda p: make_user("no_org", None, []),
        lambda p: make_user("inactive", p.regulator, [Role.REVIEWER], is_active=False),
        lambda p: make_user("no_role", p.regulator, []),
        lambda p: make_user("wrong_role", p.regulator, [Role.CONSULTANT]),  # not a regulator role
        lambda p: make_user("agency_reviewer", p.agency, [Role.REVIEWER]),  # not an agency role
        lambda p: make_user("enterprise_reviewer", p.enterprise.organisation, [Role.REVIEWER]),
        lambda p: make_user("countryless", make_organisation(OrgKind.REGULATOR, "无省份"), [Role.REVIEWER]),
    ],
    ids=[
        "anonymous",
        "none",
        "no_organisation",
        "inactive",
        "no_role",
        "wrong_role",
        "agency_with_regulator_role",
        "enterprise_with_regulator_role",
        "regulator_without_province",
    ],
)
def test_who_sees_nothing(world: World, make: Any) -> None:
    user = make(world.p)
    assert access.visible_applications(user).count() == 0
    assert access.visible_enterprises(user).count() == 0
    assert not access.is_applicant_side(user, world.p.enterprise, Scope.VIEW)
    assert not access.sees_personal_data(user, world.p.enterprise)


def test_a_second_consultant_and_the_manager_of_the_agency_see_its_clients(world: World) -> None:
    p = world.p
    for user in (
        make_user("consultant2", p.agency, [Role.CONSULTANT]),
        make_user("manager", p.agency, [Role.MANAGER]),
    ):
        assert ids(access.visible_applications(user)) == case_ids(world, "enterprise", "enterprise_draft")


def test_an_agency_sees_every_client_under_an_active_mandate(world: World) -> None:
    p = world.p
    Mandate.objects.create(agency=p.agency, enterprise=world.third, granted_by=None)
    assert ids(access.visible_applications(p.consultant)) == case_ids(
        world, "enterprise", "enterprise_draft", "third"
    )
    assert access.visible_enterprises(p.consultant).count() == 2


def test_a_revoked_mandate_ends_access_at_once(world: World) -> None:
    p = world.p
    p.mandate.revoked_at = timezone.now()
    p.mandate.save()
    for scope in Scope:
        assert access.visible_applications(p.consultant, scope).count() == 0
        assert access.visible_enterprises(p.consultant, scope).count() == 0
        assert not access.is_applicant_side(p.consultant, p.enterprise, scope)
    assert not access.sees_personal_data(p.consultant, p.enterprise)
    # The enterprise's own people still see everything.
    assert access.visible_applications(p.applicant).count() == 3
    # A new mandate gives access again.
    Mandate.objects.create(agency=p.agency, enterprise=p.enterprise, file=False)
    assert access.visible_applications(p.consultant).count() == 3
    assert access.visible_applications(p.consultant, Scope.FILE).count() == 0


def test_a_view_only_mandate_sees_but_cannot_prepare_or_file(world: World) -> None:
    p = world.p
    for scope in ("prepare", "file", "answer_supplement", "annual_and_changes"):
        setattr(p.mandate, scope, False)
    p.mandate.save()
    assert p.mandate.scopes == ["view"]
    assert access.visible_applications(p.consultant).count() == 3
    assert access.visible_enterprises(p.consultant).count() == 1
    assert access.is_applicant_side(p.consultant, p.enterprise, Scope.VIEW)
    for scope in (Scope.PREPARE, Scope.FILE, Scope.ANSWER_SUPPLEMENT, Scope.ANNUAL_AND_CHANGES):
        assert access.visible_applications(p.consultant, scope).count() == 0
        assert access.visible_enterprises(p.consultant, scope).count() == 0
        assert not access.is_applicant_side(p.consultant, p.enterprise, scope)
    assert not access.sees_personal_data(p.consultant, p.enterprise)
    case = world.cases["enterprise"][0]
    assert actions.load_for(p.consultant, case.pk) == case


def test_scopes_narrow_an_agencys_view_one_by_one(world: World) -> None:
    p = world.p
    p.mandate.file = False
    p.mandate.save()
    assert access.visible_applications(p.consultant, Scope.PREPARE).count() == 3
    assert access.visible_applications(p.consultant, Scope.FILE).count() == 0
    assert access.is_applicant_side(p.consultant, p.enterprise, Scope.PREPARE)
    assert not access.is_applicant_side(p.consultant, p.enterprise, Scope.FILE)
    assert access.sees_personal_data(p.consultant, p.enterprise)


def test_an_unknown_scope_reaches_nothing(world: World) -> None:
    p = world.p
    assert access.visible_applications(p.consultant, "bogus").count() == 0
    assert access.visible_enterprises(p.consultant, "bogus").count() == 0
    assert not access.is_applicant_side(p.consultant, p.enterprise, "bogus")


def test_applicant_side_and_ownership(world: World) -> None:
    p = world.p
    for user in (p.applicant, p.member, p.consultant):
        assert access.is_applicant_side(user, p.enterprise, Scope.FILE)
    for user in (p.outsider, p.reviewer, p.approver, p.other_reviewer):
        assert not access.is_applicant_side(user, p.enterprise, Scope.FILE)
    assert not access.is_applicant_side(p.applicant, p.other_enterprise, Scope.VIEW)
    assert access.is_enterprise_owner(p.applicant, p.enterprise)
    assert not access.is_enterprise_owner(p.member, p.enterprise)
    assert not access.is_enterprise_owner(p.consultant, p.enterprise)
    assert not access.is_enterprise_owner(p.applicant, p.other_enterprise)


def test_personal_data_is_for_those_who_need_it(world: World) -> None:
    p = world.p
    for user in (p.applicant, p.member, p.consultant, p.reviewer, p.inspector, p.approver):
        assert access.sees_personal_data(user, p.enterprise), user.username
    for user in (p.outsider, p.other_reviewer):
        assert not access.sees_personal_data(user, p.enterprise), user.username


def test_regulator_roles_are_for_their_province(world: World) -> None:
    p = world.p
    assert access.has_regulator_role(p.reviewer, Role.REVIEWER, "CN-GS")
    assert not access.has_regulator_role(p.reviewer, Role.APPROVER, "CN-GS")
    assert not access.has_regulator_role(p.other_reviewer, Role.REVIEWER, "CN-GS")
    assert access.has_regulator_role(p.other_reviewer, Role.REVIEWER, "CN-SN")
    assert not access.has_regulator_role(p.consultant, Role.REVIEWER, "CN-GS")


def test_scoping_is_one_query(world: World, django_assert_num_queries: Any) -> None:
    p = world.p
    users = [User.objects.select_related("organisation").get(pk=u.pk) for u in (p.consultant, p.reviewer)]
    for user in users:
        with django_assert_num_queries(1):
            list(access.visible_applications(user))
        with django_assert_num_queries(1):
            list(access.visible_enterprises(user))
