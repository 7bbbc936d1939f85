"""Starting scans, running them, and keeping each subject's findings open or resolved.

Who may start a scan: the reviewers and inspectors of the license's (or
case's) province, and the applicant side: the holder's own people and its
agency under an active mandate. Who may see scans: whoever may see the
license or the case (:mod:`icpdesk.access`). The :class:`Scan` row, with the
person who asked and when, is the record of every request.

Running: a batch of queued scans is claimed with a conditional update (so two
workers never run the same scan), the sites are read concurrently
(:func:`icpdesk.monitoring.fetch.scan_many`), then each result is recorded in
its own transaction: new findings are opened, findings the scan no longer
sees are resolved, and each new finding is told, once, to the holder and its
agencies through the reminder channels after the transaction commits. A scan
that could not read the site (``unreachable``) opens that finding and leaves
the others as they were: it did not see them go.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Mod
from django.urls import reverse
from django.utils import timezone

from icpdesk.accounts.choices import Role, Scope
from icpdesk.accounts.models import Mandate
from icpdesk.cases import access
from icpdesk.cases.models import Application
from icpdesk.core import sitecheck
from icpdesk.lib import netguard
from icpdesk.lib.errors import ActionError, Forbidden, NotFound
from icpdesk.licenses.models import License
from icpdesk.licenses.services import visible_licenses
from icpdesk.monitoring import fetch
from icpdesk.monitoring.models import Finding, Scan

if TYPE_CHECKING:
    from icpdesk.accounts.models import User

logger = logging.getLogger(__name__)

ACTIVE = (Scan.Status.QUEUED, Scan.Status.RUNNING)
# A scan left running this long by a worker that died may be started again.
STALE_RUNNING = timedelta(hours=1)
DAYS = 7


class ScanRunning(ActionError):
    status = 409
    code = "scan_running"


# ------------------------------------------------------------------ what a subject is


def license_site(license_: License) -> str:
    domains = [d for d in (license_.domains or []) if d]
    return domains[0] if domains else (license_.holder.domain or "")


def case_site(application: Application) -> str:
    return application.enterprise.domain or ""


def trading_platform(license_: License | None, application: Application | None) -> bool:
    holder = license_.holder if license_ is not None else application.enterprise if application else None
    license_type = (
        license_.license_type if license_ is not None else (application.license_type if application else "")
    )
    scope = (license_.service_scope if license_ is not None else "") + (
        holder.business_scope if holder else ""
    )
    return license_type == "B21" or "交易" in scope


def _filing_of(holder: Any) -> str:
    try:
        return sitecheck.canonical_filing(holder.icp_filing_number) if holder.icp_filing_number else ""
    except sitecheck.IdentifierError:
        return ""


def _subject(scan: Scan) -> Q:
    if scan.license_id is not None:
        return Q(license_id=scan.license_id)
    return Q(application_id=scan.application_id, license__isnull=True)


# ------------------------------------------------------------------ access


def may_start(
    user: User | Any, license_: License | None = None, application: Application | None = None
) -> bool:
    if license_ is not None:
        province, enterprise = license_.province_code, license_.holder
    elif application is not None:
        province, enterprise = application.province_code, application.enterprise
    else:
        return False
    if any(access.has_regulator_role(user, role, province) for role in (Role.REVIEWER, Role.INSPECTOR)):
        return True
    return access.is_applicant_side(user, enterprise, Scope.VIEW)


def load_license(user: User | Any, license_id: int) -> License:
    found = visible_licenses(user).select_related("holder").filter(pk=license_id).first()
    if found is None:
        raise NotFound("没有找到该许可证。", "No such license.")
    return found


def load_case(user: User | Any, application_id: int) -> Application:
    found = access.visible_applications(user).select_related("enterprise").filter(pk=application_id).first()
    if found is None:
        raise NotFound("没有找到该案件。", "No such case.")
    return found


def scans_of_license(user: User | Any, license_id: int, limit: int = 20) -> tuple[License, list[Scan]]:
    license_ = load_license(user, license_id)
    return license_, list(Scan.objects.filter(license=license_).order_by("-created_at", "-id")[:limit])


def latest_case_scan(application: Application) -> Scan | None:
    license_ = License.objects.filter(application=application).first()
    condition = Q(application=application)
    if license_ is not None:
        condition |= Q(license=license_)
    return Scan.objects.filter(condition).order_by("-created_at", "-id").first()


# ------------------------------------------------------------------ starting


def _refuse_if_running(condition: Q) -> None:
    stale = timezone.now() - STALE_RUNNING
    if Scan.objects.filter(condition, status__in=ACTIVE, created_at__gte=stale).exists():
        raise ScanRunning(
            "该网站正在检测中，请稍后查看结果。",
            "A scan of this site is already under way; see its result shortly.",
        )


def _check_site(url: str) -> None:
    if not url:
        raise ActionError(
            "没有登记网站域名，无法检测。",
            "No domain is recorded, so there is no site to scan.",
            field="domain",
        )


@transaction.atomic
def request_license_scan(user: User | Any, license_id: int) -> Scan:
    """Queue a scan of the license's site for ``user``; the scan runs on the task workers."""
    license_ = load_license(user, license_id)
    if not may_start(user, license_=license_):
        raise Forbidden("您无权发起该网站的检测。", "You may not start a scan of this site.")
    License.objects.select_for_update().filter(pk=license_.pk).first()  # one request at a time per license
    _refuse_if_running(Q(license=license_))
    url = license_site(license_)
    _check_site(url)
    scan = Scan.objects.create(
        license=license_, url=url, trigger=Scan.Trigger.ON_DEMAND, requested_by=user, application=None
    )
    transaction.on_commit(lambda: enqueue([scan.pk]))
    return scan


@transaction.atomic
def request_case_scan(user: User | Any, application_id: int) -> Scan:
    """Queue a scan of a case's site (the inspector's check of the live site)."""
    application = load_case(user, application_id)
    if not may_start(user, application=application):
        raise Forbidden("您无权发起该网站的检测。", "You may not start a scan of this site.")
    license_ = License.objects.filter(application=application).first()
    Application.objects.select_for_update().filter(pk=application.pk).first()
    _refuse_if_running(Q(application=application) | (Q(license=license_) if license_ else Q(pk__in=[])))
    url = license_site(license_) if license_ is not None else case_site(application)
    _check_site(url)
    scan = Scan.objects.create(
        license=license_, application=application, url=url, trigger=Scan.Trigger.ON_DEMAND, requested_by=user
    )
    transaction.on_commit(lambda: enqueue([scan.pk]))
    return scan


def enqueue(ids: Sequence[int]) -> None:
    from icpdesk.monitoring.tasks import run_scans

    batch = max(1, int(getattr(settings, "MONITORING_BATCH", 20)))
    for i in range(0, len(ids), batch):
        chunk = list(ids[i : i + batch])
        try:
            run_scans.enqueue(chunk)
        except Exception:
            # The rows stay queued: the next sweep picks them up again.
            logger.exception("could not enqueue scans %s", chunk[:10])


# ------------------------------------------------------------------ the weekly sweep


def slot_of(license_id: int) -> int:
    """The weekday (Monday 0) on which a license's site is scanned: the licenses spread over the week."""
    return license_id % DAYS


def due_licenses(today: date) -> QuerySet[License]:
    """Valid licenses whose weekday is today, and those whose last weekly scan is over a week old
    (their day was missed while no worker ran); none scanned weekly in the last six days."""
    last_weekly = (
        Scan.objects.filter(license=OuterRef("pk"), trigger=Scan.Trigger.WEEKLY)
        .order_by("-scheduled_for")
        .values("scheduled_for")[:1]
    )
    missed = today - timedelta(days=DAYS + 1)
    recent = today - timedelta(days=DAYS - 1)
    return (
        License.objects.filter(state="valid")
        .annotate(slot=Mod("id", DAYS), last_weekly=Subquery(last_weekly))
        .filter(Q(slot=today.weekday()) | Q(last_weekly__lte=missed))
        .filter(Q(last_weekly__isnull=True) | Q(last_weekly__lte=recent))
        .select_related("holder")
    )


def sweep(today: date | None = None) -> dict[str, int]:
    """Claim today's weekly scans (once per license and day) and queue them for the workers."""
    today = today or timezone.localdate()
    rows = [
        Scan(license=lic, url=license_site(lic), trigger=Scan.Trigger.WEEKLY, scheduled_for=today)
        for lic in due_licenses(today).order_by("pk")
        if license_site(lic)
    ]
    with transaction.atomic():
        Scan.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        ids = list(
            Scan.objects.filter(
                trigger=Scan.Trigger.WEEKLY, scheduled_for=today, status=Scan.Status.QUEUED
            ).values_list("pk", flat=True)
        )
        # Scans of the last days that never ran (the queue was down) or whose worker died.
        now = timezone.now()
        left = Scan.objects.filter(
            Q(status=Scan.Status.QUEUED) | Q(status=Scan.Status.RUNNING, started_at__lt=now - STALE_RUNNING),
            created_at__lt=now - STALE_RUNNING,
            created_at__gte=now - timedelta(days=2),
        ).exclude(pk__in=ids)
        ids += list(left.values_list("pk", flat=True)[:1000])
        transaction.on_commit(lambda: enqueue(ids))
    return {"queued": len(ids)}


# ------------------------------------------------------------------ running


def claim(ids: Sequence[int]) -> list[Scan]:
    """Take the queued scans among ``ids`` (a conditional update: nobody else takes them)."""
    now = timezone.now()
    stale = now - STALE_RUNNING
    claimable = Q(status=Scan.Status.QUEUED) | Q(status=Scan.Status.RUNNING, started_at__lt=stale)
    taken: list[Scan] = []
    for scan in Scan.objects.filter(claimable, pk__in=list(ids)).only("pk", "status", "started_at"):
        if Scan.objects.filter(claimable, pk=scan.pk, status=scan.status).update(
            status=Scan.Status.RUNNING, started_at=now
        ):
            taken.append(scan)
    return list(
        Scan.objects.filter(pk__in=[s.pk for s in taken]).select_related(
            "license__holder", "application__enterprise"
        )
    )


def run(ids: Sequence[int]) -> dict[str, int]:
    """Run the queued scans among ``ids`` concurrently and record each; counts by status."""
    scans = claim(ids)
    counts = {"done": 0, "refused": 0, "failed": 0}
    if not scans:
        return counts
    options = fetch.options_from(settings)
    results = fetch.run_sync(fetch.scan_many([s.url for s in scans], options))
    for scan, result in zip(scans, results, strict=True):
        status = record(scan, result)
        counts[status] = counts.get(status, 0) + 1
    return counts


def expectations(scan: Scan, evidence: sitecheck.SiteEvidence) -> sitecheck.Expectations:
    license_ = scan.license
    application = scan.application
    holder = license_.holder if license_ is not None else application.enterprise if application else None
    shown = [n for n, _ in sitecheck.find_license_numbers(evidence.home.text)] if evidence.home else []
    known = dict(License.objects.filter(number__in=shown).values_list("number", "state")) if shown else {}
    return sitecheck.Expectations(
        license_number=license_.number if license_ is not None else "",
        filing_number=_filing_of(holder) if holder is not None else "",
        known_states=known,
        trading_platform=trading_platform(license_, application),
    )


def record(scan: Scan, result: sitecheck.SiteEvidence | BaseException) -> str:
    """Store one scan's outcome; the status it ended in."""
    now = timezone.now()
    if isinstance(result, netguard.AddressRefused):
        Scan.objects.filter(pk=scan.pk).update(
            status=Scan.Status.REFUSED,
            finished_at=now,
            error_code=result.code,
            error_zh=result.message("zh-hans")[:300],
            error_en=result.message("en")[:300],
        )
        return "refused"
    if isinstance(result, BaseException):
        logger.warning("scan %s of %s failed: %r", scan.pk, scan.url, result)
        Scan.objects.filter(pk=scan.pk).update(
            status=Scan.Status.FAILED,
            finished_at=now,
            error_code="failed",
            error_zh="检测未能完成，将在下次巡检时重试。",
            error_en="The scan could not be completed; the next sweep tries again.",
        )
        return "failed"
    findings = sitecheck.analyse(result, expectations(scan, result))
    with transaction.atomic():
        new = _apply(scan, findings, now)
        Scan.objects.filter(pk=scan.pk).update(
            status=Scan.Status.DONE,
            finished_at=now,
            pages=len(result.pages),
            page_urls=[p.url for p in result.pages][:50],
            codes=[f.code for f in findings],
        )
        if new:
            ids = [f.pk for f in new]
            transaction.on_commit(lambda: notify_new(ids))
    return "done"


def _apply(scan: Scan, findings: Sequence[sitecheck.Finding], now: Any) -> list[Finding]:
    subject = _subject(scan)
    open_ = {
        (f.code, f.key): f
        for f in Finding.objects.select_for_update().filter(subject, state=Finding.State.OPEN)
    }
    seen: set[tuple[str, str]] = set()
    new: list[Finding] = []
    for found in findings:
        ident = (found.code, found.key)
        if ident in seen:
            continue
        seen.add(ident)
        existing = open_.get(ident)
        values = {
            "severity": str(found.severity),
            "message_code": found.message_code,
            "params": dict(found.params),
            "evidence_url": found.url[:500],
            "evidence_excerpt": found.excerpt[:2000],
            "last_scan": scan,
        }
        if existing is not None:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=[*values])
            continue
        new.append(
            Finding.objects.create(
                license_id=scan.license_id,
                application_id=scan.application_id if scan.license_id is None else None,
                code=found.code,
                key=found.key[:120],
                first_scan=scan,
                opened_at=now,
                **values,
            )
        )
    if any(f.code == "unreachable" for f in findings):
        return new  # the site was not read: nothing else is known to be gone
    gone = [f.pk for ident, f in open_.items() if ident not in seen]
    if gone:
        Finding.objects.filter(pk__in=gone).update(
            state=Finding.State.RESOLVED, resolved_scan=scan, resolved_at=now, last_scan=scan
        )
    return new


# ------------------------------------------------------------------ telling the holder


def notify_new(finding_ids: Sequence[int]) -> int:
    """Tell the holder and its agencies of each new finding, once per finding; the notices sent."""
    from icpdesk.notifications.services import notify

    sent = 0
    findings = Finding.objects.filter(pk__in=list(finding_ids)).select_related(
        "license__holder__organisation", "application__enterprise__organisation"
    )
    for finding in findings:
        license_ = finding.license
        holder = (
            license_.holder
            if license_ is not None
            else finding.application.enterprise
            if finding.application
            else None
        )
        if holder is None:
            continue
        if license_ is not None:
            link = reverse("licenses:detail", args=[license_.pk]) + "#site-scans"
            what_zh, what_en = f"许可证 {license_.number}", f"license {license_.number}"
        else:
            assert finding.application is not None
            link = reverse("cases:detail", args=[finding.application_id]) + "#site-scan"
            what_zh, what_en = (
                f"案件 {finding.application.reference}",
                f"case {finding.application.reference}",
            )
        _, title_zh, title_en = sitecheck.CODES.get(finding.code, (None, finding.code, finding.code))
        subject_zh = f"网站检测发现问题：{title_zh}"
        subject_en = f"Site check found a problem: {title_en}"
        body_zh = (
            f"{holder.name}（{what_zh}）的网站：{finding.message('zh-hans')}\n证据：{finding.evidence_url}"
        )
        evidence = finding.evidence_url
        body_en = f"The site of {holder.name} ({what_en}): {finding.message('en')}\nEvidence: {evidence}"
        organisations = [holder.organisation]
        agencies = Mandate.objects.filter(enterprise=holder, revoked_at__isnull=True).select_related("agency")
        organisations += [m.agency for m in agencies]
        for organisation in organisations:
            if notify(
                organisation, subject_zh, body_zh, subject_en, body_en, link, key=f"site-finding:{finding.pk}"
            ):
                sent += 1
    return sent
