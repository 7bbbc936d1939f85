"""Writes of the bulk work: importing clients into an agency's book.

A new client is created as the agency's new-client page creates one
(:func:`icpdesk.enterprises.actions.create_client`: its own organisation, the
enterprise, and a mandate of the agency with every scope). A client already in
the book is updated field by field (``update_enterprise``), its security staff
replaced through the staff actions; each write leaves a change record. All of
it runs in one transaction: a file is imported whole, or (with errors and
without ``skip_invalid``) not at all.

The command line imports as the desk's operator, with no user: the enterprise
actions need an agency's consultant, so the same writes are made here, with the
same change records (actor "system").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import Mandate, Organisation
from icpdesk.bulk.importer import NOT_NULL_DEFAULTS, STAFF_ATTRS, Plan, Step
from icpdesk.changes.records import diff, record_change, snapshot
from icpdesk.enterprises import actions as enterprise_actions
from icpdesk.enterprises.actions import ENTERPRISE_FIELDS, MANDATE_FIELDS, STAFF_FIELDS
from icpdesk.enterprises.forms import PROVINCE_CODE_BY_NAME
from icpdesk.enterprises.models import Enterprise, SecurityStaff
from icpdesk.lib.errors import Forbidden

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    imported: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)  # what each row did

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def check_may_import(user: Any, agency: Organisation) -> None:
    """The agency's own consultants may import; ``user`` None is the desk's operator on the command line."""
    if agency.kind != OrgKind.AGENCY:
        raise Forbidden("只能导入到代办机构名下。", "Clients are imported into an agency's book only.")
    if user is None:
        return
    organisation = getattr(user, "organisation", None)
    if (
        organisation is None
        or organisation.pk != agency.pk
        or agency.kind != OrgKind.AGENCY
        or not user.valid_roles()
    ):
        raise Forbidden(
            "只有代办机构的顾问可以导入本机构的客户。",
            "Only the agency's consultants can import its clients.",
        )


def _staff_objects(enterprise: Enterprise, staff: list[dict[str, Any]]) -> list[SecurityStaff]:
    from icpdesk.core.identifiers import mask_id_number

    members = []
    for record in staff:
        member = SecurityStaff(enterprise=enterprise, **{name: record[name] for name in STAFF_ATTRS})
        member.id_number = member.id_number or ""
        member.id_number_masked = mask_id_number(member.id_number) if member.id_number else ""
        members.append(member)
    return members


def _replace_staff(user: Any, enterprise: Enterprise, staff: list[dict[str, Any]]) -> None:
    if user is not None:
        for old in list(enterprise.security_staff.all()):
            enterprise_actions.delete_security_staff(user, old)
        for record in staff:
            enterprise_actions.create_security_staff(user, enterprise, {n: record[n] for n in STAFF_ATTRS})
        return
    for old in list(enterprise.security_staff.all()):
        record_change(
            user, old, "security_staff.delete", snapshot(old, STAFF_FIELDS), {}, enterprise=enterprise
        )
        old.delete()
    for member in SecurityStaff.objects.bulk_create(_staff_objects(enterprise, staff)):
        record_change(
            user, member, "security_staff.create", {}, snapshot(member, STAFF_FIELDS), enterprise=enterprise
        )


def _create(agency: Organisation, user: Any, step: Step) -> Enterprise:
    values = {**NOT_NULL_DEFAULTS, **step.client.values}
    values["province_code"] = PROVINCE_CODE_BY_NAME.get(values["province"], "")
    if user is not None:
        enterprise = enterprise_actions.create_client(user, values)
    else:
        organisation = Organisation.objects.create(
            kind=OrgKind.ENTERPRISE, name=values["name"], province_code=values["province_code"]
        )
        enterprise = Enterprise.objects.create(organisation=organisation, **values)
        mandate = Mandate.objects.create(agency=agency, enterprise=enterprise, granted_by=None)
        record_change(
            user,
            enterprise,
            "enterprise.create",
            {},
            snapshot(enterprise, ENTERPRISE_FIELDS),
            enterprise=enterprise,
        )
        record_change(
            user, mandate, "mandate.grant", {}, snapshot(mandate, MANDATE_FIELDS), enterprise=enterprise
        )
    if step.staff:
        _replace_staff(user, enterprise, step.staff)
    return enterprise


def _update(user: Any, step: Step) -> None:
    enterprise = step.enterprise
    assert enterprise is not None
    if step.changes:
        values = {name: list(v) if isinstance(v, tuple) else v for name, v in step.changes.items()}
        if user is not None:
            enterprise = enterprise_actions.update_enterprise(user, enterprise, values)
        else:
            names = list(values)
            before = snapshot(enterprise, names)
            for name, value in values.items():
                setattr(enterprise, name, value)
            enterprise.save(update_fields=[*names, "updated_at"])
            old, new = diff(before, snapshot(enterprise, names))
            record_change(user, enterprise, "enterprise.update", old, new, enterprise=enterprise)
    if step.staff is not None:
        _replace_staff(user, enterprise, step.staff)


def import_clients(
    agency: Organisation,
    user: Any,
    plan: Plan,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Write the plan into the agency's book; nothing when it has errors and ``skip_invalid`` is off,
    or when ``dry_run`` (the counts then say what would have been done)."""
    check_may_import(user, agency)
    outcome = Outcome()
    outcome.skipped = len(plan.failed_rows())
    for step in plan.steps:
        if step.action == "create":
            outcome.created += 1
        elif step.action == "update":
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    if plan.errors and not skip_invalid:
        return Outcome(skipped=outcome.skipped)
    if dry_run:
        return outcome
    total = len(plan.steps)
    with transaction.atomic():
        for done, step in enumerate(plan.steps, start=1):
            if step.action == "create":
                enterprise = _create(agency, user, step)
                outcome.rows.append({"row": step.client.row, "uscc": enterprise.uscc, "action": "created"})
            elif step.action == "update":
                _update(user, step)
                outcome.rows.append(
                    {
                        "row": step.client.row,
                        "uscc": step.client.uscc,
                        "action": "updated",
                        "fields": sorted(step.changes)
                        + (["security_staff"] if step.staff is not None else []),
                    }
                )
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done, total)
    outcome.imported = True
    return outcome
