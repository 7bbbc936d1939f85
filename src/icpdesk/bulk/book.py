"""Assessing an agency's whole book from the stored profiles, each result kept as an eligibility run.

The clients are read in chunks with their security staff, violations and bans
(three queries a chunk), assessed by the core engine and written back with one
``bulk_create`` a chunk; ``done`` is updated after each chunk, so the page can
show how far it has come. A client whose stored profile the decoder refuses is
listed with the reason, and the others go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import JSONField, Prefetch, QuerySet, Value
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import Mandate, Organisation
from icpdesk.bulk.models import BookAssessment, Status
from icpdesk.core.rules import ProfileError, assess, parse_profile
from icpdesk.enterprises.models import Ban, EligibilityAssessment, Enterprise, SecurityStaff, Violation
from icpdesk.lib.errors import Forbidden
from icpdesk.lib.packs import current_pack

CHUNK = 1000
JSON_FIELD = JSONField()
Progress = Callable[[int, int], None]


def book_of(agency: Organisation) -> QuerySet[Enterprise]:
    """The agency's clients: every enterprise it holds an active mandate for."""
    held = Mandate.objects.filter(agency=agency, revoked_at__isnull=True).values("enterprise_id")
    return Enterprise.objects.filter(pk__in=held)


def _bans(codes: list[str], on: date) -> dict[str, date]:
    """The latest bar in force on ``on`` of each credit code (one query for a chunk)."""
    found: dict[str, date] = {}
    for code, until in Ban.objects.filter(uscc__in=codes, until__gte=on).values_list("uscc", "until"):
        if code not in found or until > found[code]:
            found[code] = until
    return found


def stored_profile(enterprise: Enterprise, on: date, barred: date | None) -> dict[str, Any]:
    """The same profile as :func:`icpdesk.enterprises.services.build_profile`, with the enterprise's bar
    given (read for a whole chunk at once) instead of looked up one enterprise at a time."""
    return {
        "assessed_on": on.isoformat(),
        "enterprise": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "legal_form": enterprise.legal_form,
            "province": enterprise.province,
            "city": enterprise.city or None,
            "registered_on": enterprise.registered_on.isoformat() if enterprise.registered_on else None,
            "registered_capital_cny": enterprise.registered_capital_cny,
            "business_scope": enterprise.business_scope or None,
            "on_abnormal_list": enterprise.on_abnormal_list,
            "on_serious_violation_list": enterprise.on_serious_violation_list,
        },
        "website": {
            "domain": enterprise.domain or None,
            "domain_holder": enterprise.domain_holder or None,
            "icp_filing_number": enterprise.icp_filing_number or None,
            "server_regions": list(enterprise.server_regions or []),
            "modules": list(enterprise.modules or []),
            "content_compliant": enterprise.content_compliant,
            "third_party_merchants": enterprise.third_party_merchants,
            "services": list(enterprise.services or []),
        },
        "security_staff": [
            {
                "name": s.name,
                "id_number": s.id_number or None,
                "major": s.major or None,
                "certificates": list(s.certificates or []),
                "full_time": s.full_time,
                "insured_province": s.insured_province or None,
                "insured_months": s.insured_months,
            }
            for s in enterprise.security_staff.all()
        ],
        "capital_proof": {
            "verification_report": enterprise.capital_verification_report,
            "bank_statement_months": enterprise.bank_statement_months,
        },
        "history": {
            "violations": [
                {"date": v.date.isoformat(), "description": v.description}
                for v in enterprise.violations.all()
            ],
            "barred": barred is not None,
            "barred_until": barred.isoformat() if barred else None,
        },
    }


def check_may_assess(user: Any, agency: Organisation) -> None:
    organisation = getattr(user, "organisation", None)
    if user is None:  # the command line, run by the desk's operator
        return
    if (
        organisation is None
        or organisation.pk != agency.pk
        or agency.kind != OrgKind.AGENCY
        or not user.valid_roles()
    ):
        raise Forbidden(
            "只有代办机构的顾问可以评估本机构的全部客户。",
            "Only the agency's consultants can assess its whole book.",
        )


def start_book_assessment(
    agency: Organisation, user: Any, on: date | None = None, *, enqueue: bool = True
) -> BookAssessment:
    check_may_assess(user, agency)
    with transaction.atomic():
        run = BookAssessment.objects.create(
            agency=agency,
            created_by=user if getattr(user, "pk", None) else None,
            assessed_on=on or timezone.localdate(),
            total=book_of(agency).count(),
        )
        if enqueue:
            from icpdesk.bulk.tasks import enqueue_book_assessment

            transaction.on_commit(lambda: enqueue_book_assessment(run.pk))
    return run


def run_book_assessment(
    run: BookAssessment, progress: Progress | None = None, lang: str = "zh-hans"
) -> BookAssessment:
    pack = current_pack()
    on = run.assessed_on
    ids = list(book_of(run.agency).order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    BookAssessment.objects.filter(pk=run.pk).update(status=Status.RUNNING, total=total)
    verdicts: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    done = 0
    user = run.created_by
    for start in range(0, total, CHUNK):
        chunk = ids[start : start + CHUNK]
        chunk_query = Enterprise.objects.filter(pk__in=chunk).prefetch_related(
            Prefetch("security_staff", queryset=SecurityStaff.objects.order_by("pk")),
            Prefetch("violations", queryset=Violation.objects.order_by("pk")),
        )
        enterprises = list(chunk_query)
        bans = _bans([e.uscc for e in enterprises], on)
        rows = []
        for enterprise in enterprises:
            try:
                profile = parse_profile(stored_profile(enterprise, on, bans.get(enterprise.uscc)))
            except ProfileError as exc:
                errors.append(
                    {
                        "enterprise": enterprise.pk,
                        "name": enterprise.name,
                        "uscc": enterprise.uscc,
                        "field": exc.field,
                        "message": exc.message(lang),
                    }
                )
                continue
            result = assess(profile, pack, on=on, lang=lang).to_dict()
            verdicts[result["verdict"]] += 1
            rows.append(
                EligibilityAssessment(
                    enterprise=enterprise,
                    assessed_on=on,
                    rule_pack=pack.id,
                    rule_pack_version=pack.version,
                    verdict=result["verdict"],
                    # An expression keeps PostgreSQL's bulk insert off the UNNEST path, whose array
                    # literal escapes every JSON document character by character on the client.
                    result=Value(result, output_field=JSON_FIELD),
                    created_by=user,
                )
            )
        EligibilityAssessment.objects.bulk_create(rows, batch_size=500)
        done += len(chunk)
        BookAssessment.objects.filter(pk=run.pk).update(done=done, verdicts=dict(verdicts))
        if progress is not None:
            progress(done, total)
    run.status = Status.DONE
    run.done = done
    run.total = total
    run.verdicts = dict(verdicts)
    run.errors = errors
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "done", "total", "verdicts", "errors", "finished_at"])
    return run


__all__ = ["book_of", "run_book_assessment", "start_book_assessment"]
