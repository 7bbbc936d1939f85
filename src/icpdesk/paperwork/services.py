"""Generating documents: who may, where the files go, and the weekly reports of an agency.

Every query is scoped through ``icpdesk.cases.access``. A generated file is written
to the default storage (local folder or S3) and recorded as a
``GeneratedDocument`` with its SHA-256 and the facts it left blank.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import perf_counter
from typing import IO, Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind, Role, Scope
from icpdesk.cases import access
from icpdesk.cases.models import Application, AuditEvent
from icpdesk.enterprises.models import Enterprise
from icpdesk.enterprises.services import search_filter
from icpdesk.lib.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed
from icpdesk.paperwork import context, documents
from icpdesk.paperwork.documents import Document
from icpdesk.paperwork.models import GeneratedDocument, WeeklyChunk
from icpdesk.paperwork.render import Rendered, render

REGULATOR_ROLES = (Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.ADMIN)
BATCH_FORMATS = ("docx", "pdf", "both")
WEEKLY = "weekly_report"
BATCH = "weekly_batch"
# Clients per chunk, each chunk its own task: a few minutes of work in PDF, so a chunk whose worker
# died costs little to do again, and a batch of 20,000 clients is a hundred tasks to share.
CHUNK = 200
# A running chunk (or a batch's assembly) with no sign of life for this long is taken to be dead.
STALE_CLAIM = timedelta(minutes=5)
HEARTBEAT = 10  # clients between a chunk's progress updates


# ------------------------------------------------------------------ who may


def load_case(user: Any, application_id: int) -> Application:
    """The case if the user may see it; NotFound otherwise (as for no case at all)."""
    application = (
        access.visible_applications(user, Scope.VIEW)
        .select_related("enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound("没有找到该案件。", "No such case.")
    return application


def may_generate(user: Any, application: Application) -> bool:
    """The applicant side with a preparing mandate, or the regulator's staff of the case's province."""
    return access.is_applicant_side(user, application.enterprise, Scope.PREPARE) or any(
        access.has_regulator_role(user, role, application.province_code) for role in REGULATOR_ROLES
    )


def is_agency_user(user: Any) -> bool:
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    return bool(org is not None and org.kind == OrgKind.AGENCY and user.is_active and user.valid_roles())


def _require_generate(user: Any, application: Application) -> None:
    if not may_generate(user, application):
        raise Forbidden(
            "您无权为该案件生成文书：需要企业本身、持有“准备材料”委托的代办机构或通信管理局工作人员。",
            "You may not generate documents for this case: it takes the enterprise itself, an agency "
            "with a mandate to prepare, or the regulator's staff.",
        )


def document_for_case(document_id: str, fmt: str) -> Document:
    try:
        document = documents.get(document_id)
    except KeyError:
        raise InvalidInput("没有这种文书。", "No such document.", field="document") from None
    if not document.case:
        raise InvalidInput(
            "这种文书不能从案件生成。", "This document is not drafted from a case.", field="document"
        )
    if fmt not in document.formats:
        raise InvalidInput(f"该文书没有 {fmt} 格式。", f"This document has no {fmt} format.", field="format")
    return document


# ------------------------------------------------------------------ files


def filename_for(document: Document, company: str, fmt: str) -> str:
    safe = "".join(ch for ch in company if ch not in '\\/:*?"<>|')[:60]
    return f"{document.name_zh}-{safe}.{fmt}"


def _store(prefix: str, fmt: str, content: bytes | IO[bytes]) -> tuple[str, str, int]:
    """Save to the default storage; the storage name, SHA-256 and size."""
    name = f"paperwork/{prefix}/{uuid.uuid4().hex}.{fmt}"
    if isinstance(content, bytes):
        sha, size = hashlib.sha256(content).hexdigest(), len(content)
        stored = default_storage.save(name, ContentFile(content, name=name))
    else:
        digest = hashlib.sha256()
        size = 0
        content.seek(0)
        for chunk in iter(lambda: content.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
        content.seek(0)
        sha = digest.hexdigest()
        stored = default_storage.save(name, File(content, name=name))
    return stored, sha, size


def _record(rendered: Rendered, *, prefix: str, filename: str, **fields: Any) -> GeneratedDocument:
    stored, sha, size = _store(prefix, rendered.format, rendered.content)
    return GeneratedDocument.objects.create(
        file=stored,
        filename=filename,
        sha256=sha,
        size=size,
        format=rendered.format,
        missing=rendered.missing,
        finished_at=timezone.now(),
        **fields,
    )


# ------------------------------------------------------------------ case documents


def _enterprise_with_staff(application: Application) -> Enterprise:
    return Enterprise.objects.prefetch_related("security_staff").get(pk=application.enterprise_id)


def draft(application: Application, document: Document, fmt: str, *, today: date | None = None) -> Rendered:
    """Render one document of the case without storing it; refused when the profile contradicts it."""
    enterprise = _enterprise_with_staff(application)
    refused = context.contradictions(document.id, enterprise)
    if refused:
        raise PreconditionFailed(
            "不能生成《" + document.name_zh + "》：" + "；".join(zh for zh, _en in refused),
            f"The {document.name_en} cannot be drafted: " + " ".join(en for _zh, en in refused),
            field="document",
        )
    filled = context.build(document, enterprise, application, today=today)
    return render(document, fmt, filled.values)


def generate_for_case(
    user: Any, application: Application, document_id: str, fmt: str, *, today: date | None = None
) -> GeneratedDocument:
    """Render a document of a case, store it and record it."""
    _require_generate(user, application)
    document = document_for_case(document_id, fmt)
    rendered = draft(application, document, fmt, today=today)
    return _record(
        rendered,
        prefix=f"cases/{application.pk}",
        filename=filename_for(document, application.enterprise.name, fmt),
        application=application,
        enterprise_id=application.enterprise_id,
        document_id=document.id,
        created_by=user if getattr(user, "pk", None) else None,
    )


def generate_and_attach(
    user: Any, application: Application, document_id: str, *, today: date | None = None
) -> tuple[GeneratedDocument, Any]:
    """Generate the PDF and add it as a new version of the matching material of the checklist."""
    from icpdesk.materials import services as materials

    _require_generate(user, application)
    # Attaching is an upload: refuse before anything is generated or stored.
    materials.require_upload(user, application)
    document = document_for_case(document_id, "pdf")
    if document.material_id is None:
        raise InvalidInput(
            "该文书在材料清单中没有对应的材料，不能附加；请下载后张贴或留存。",
            "This document has no material of its own in the checklist; download it instead.",
            field="document",
        )
    record = generate_for_case(user, application, document.id, "pdf", today=today)
    facts = {
        key: value
        for key, value in context.enterprise_facts(application.enterprise, []).items()
        if key in ("company_name", "credit_code", "domain", "server_address") and value
    }
    with default_storage.open(record.file, "rb") as handle:
        stream = io.BytesIO(handle.read())
    version = materials.upload_version(
        user, application, document.material_id, stream, original_name=record.filename, facts=facts
    )
    return record, version


def case_documents(application: Application) -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.filter(application=application).select_related("created_by")


# ------------------------------------------------------------------ weekly reports


def week_bounds(today: date) -> datetime:
    """The start of the report's week: the last 7 days, today included."""
    start = today - timedelta(days=6)
    return timezone.make_aware(datetime.combine(start, time.min))


def clients(user: Any, query: str = "") -> QuerySet[Enterprise]:
    """The agency's clients (an active mandate), for agency users only."""
    if not is_agency_user(user):
        return Enterprise.objects.none()
    rows = access.visible_enterprises(user, Scope.VIEW)
    if query:
        rows = rows.filter(search_filter(query))
    return rows.order_by("name", "pk")


def load_client(user: Any, enterprise_id: int) -> Enterprise:
    enterprise = clients(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound("没有找到该客户。", "No such client.")
    return enterprise


@dataclass
class WeeklyDraft:
    enterprise: Enterprise
    rendered: list[Rendered]


def weekly_drafts(
    user: Any, enterprises: Sequence[Enterprise], formats: Iterable[str], *, today: date
) -> Iterator[WeeklyDraft]:
    """The weekly reports of the given clients, three queries for the whole group."""
    document = documents.get(WEEKLY)
    formats = tuple(formats)
    ids = [e.pk for e in enterprises]
    cases: dict[int, list[Application]] = {}
    apps = list(
        access.visible_applications(user, Scope.VIEW)
        .filter(enterprise_id__in=ids)
        .order_by("created_at", "pk")
    )
    for app in apps:
        cases.setdefault(app.enterprise_id, []).append(app)
    events = list(
        AuditEvent.objects.filter(
            application_id__in=[a.pk for a in apps], at__gte=week_bounds(today)
        ).order_by("at", "pk")
    )
    agency_name = user.organisation.name
    for enterprise in enterprises:
        mine = cases.get(enterprise.pk, [])
        mine_ids = {a.pk for a in mine}
        filled = context.weekly(
            document,
            enterprise,
            mine,
            [e for e in events if e.application_id in mine_ids],
            agency_name=agency_name,
            today=today,
        )
        yield WeeklyDraft(enterprise, [render(document, fmt, filled.values) for fmt in formats])


def weekly_for_client(
    user: Any, enterprise_id: int, fmt: str, *, today: date | None = None
) -> GeneratedDocument:
    """The weekly report of one client, now."""
    if not is_agency_user(user):
        raise NotFound("没有找到该页面。", "No such page.")
    if fmt not in documents.FORMATS:
        raise InvalidInput("请选择 Word 或 PDF。", "Choose Word or PDF.", field="format")
    enterprise = load_client(user, enterprise_id)
    today = today or timezone.localdate()
    (made,) = weekly_drafts(user, [enterprise], [fmt], today=today)
    document = documents.get(WEEKLY)
    return _record(
        made.rendered[0],
        prefix=f"weekly/{user.organisation_id}",
        filename=f"{document.name_zh}-{enterprise.name}-{today.isoformat()}.{fmt}",
        enterprise=enterprise,
        agency_id=user.organisation_id,
        document_id=WEEKLY,
        created_by=user,
    )


def batch_formats(fmt: str) -> tuple[str, ...]:
    """The formats each client's report is written in, for a batch format."""
    return ("docx", "pdf") if fmt == "both" else (fmt,)


def start_weekly_batch(user: Any, fmt: str, *, today: date | None = None) -> GeneratedDocument:
    """Record a batch of every client's weekly report, split into chunks for the background workers."""
    if not is_agency_user(user):
        raise NotFound("没有找到该页面。", "No such page.")
    if fmt not in BATCH_FORMATS:
        raise InvalidInput("请选择 Word、PDF 或两者。", "Choose Word, PDF or both.", field="format")
    today = today or timezone.localdate()
    formats = batch_formats(fmt)
    ids = list(clients(user).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        batch = GeneratedDocument.objects.create(
            agency_id=user.organisation_id,
            document_id=BATCH,
            format="zip",
            status=GeneratedDocument.Status.PENDING,
            filename=f"代办进度周报-{today.isoformat()}-{fmt}.zip",
            count=0,
            total=len(ids) * len(formats),
            created_by=user,
            missing=[],
        )
        plan_chunks(batch, ids, formats, today)
        from icpdesk.paperwork.tasks import enqueue_weekly_batch

        transaction.on_commit(lambda: enqueue_weekly_batch(batch.pk))
    return batch


def plan_chunks(
    batch: GeneratedDocument, ids: Sequence[int], formats: Sequence[str], today: date
) -> list[WeeklyChunk]:
    """Split the batch's clients into chunks of ``CHUNK``, each to be run by its own task."""
    rows = [
        WeeklyChunk(
            batch=batch,
            number=number,
            enterprise_ids=list(ids[start : start + CHUNK]),
            formats=list(formats),
            report_date=today,
            total=len(ids[start : start + CHUNK]) * len(formats),
        )
        for number, start in enumerate(range(0, len(ids), CHUNK))
    ]
    return WeeklyChunk.objects.bulk_create(rows, batch_size=500)


class ClaimLost(Exception):
    """Another worker took the chunk over (this one was thought dead): stop, write nothing."""


def _batch_user(batch: GeneratedDocument) -> Any:
    user = batch.created_by
    if user is None or not is_agency_user(user) or user.organisation_id != batch.agency_id:
        raise NotFound("生成人已无权访问这些客户。", "The user who asked can no longer see these clients.")
    return user


def _fail_batch(batch_id: int, error: str) -> None:
    GeneratedDocument.objects.filter(pk=batch_id, status=GeneratedDocument.Status.PENDING).update(
        status=GeneratedDocument.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def _claimable(now: datetime) -> Q:
    return Q(state=WeeklyChunk.State.QUEUED) | Q(
        state=WeeklyChunk.State.RUNNING, claimed_at__lt=now - STALE_CLAIM
    )


def run_weekly_chunk(chunk_id: int) -> str:
    """Render one chunk's reports into its part of the ZIP; what became of it.

    Done exactly once however often it is queued: a chunk is claimed first (nothing to do
    if it is done, or running with a live claim), and written only while the claim holds.
    """
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = WeeklyChunk.objects.filter(_claimable(now), pk=chunk_id).update(
        state=WeeklyChunk.State.RUNNING,
        token=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
        done=0,
        error="",
    )
    if not claimed:
        state = WeeklyChunk.objects.filter(pk=chunk_id).values_list("state", flat=True).first()
        return state or "gone"
    chunk = WeeklyChunk.objects.select_related("batch__created_by__organisation").get(pk=chunk_id)
    batch = chunk.batch
    if batch.status != GeneratedDocument.Status.PENDING:
        WeeklyChunk.objects.filter(pk=chunk_id, token=token).update(
            state=WeeklyChunk.State.FAILED, error="batch over", finished_at=timezone.now()
        )
        return "batch over"
    started = perf_counter()
    mine = WeeklyChunk.objects.filter(pk=chunk_id, token=token, state=WeeklyChunk.State.RUNNING)
    out = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115 - closed below
    count = 0
    try:
        user = _batch_user(batch)
        enterprises = list(clients(user).filter(pk__in=chunk.enterprise_ids).order_by("pk"))
        document = documents.get(WEEKLY)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            drafts = weekly_drafts(user, enterprises, chunk.formats, today=chunk.report_date)
            for n, made in enumerate(drafts, 1):
                for rendered in made.rendered:
                    name = filename_for(document, made.enterprise.name, rendered.format)
                    archive.writestr(f"{made.enterprise.uscc}/{name}", rendered.content)
                    count += 1
                # Progress for the page, and a sign of life: a chunk whose worker died is run again.
                if n % HEARTBEAT == 0 and not mine.update(done=count, claimed_at=timezone.now()):
                    raise ClaimLost
        stored, sha, size = _store(f"weekly/{batch.agency_id}/parts", "zip", out)
    except ClaimLost:
        return "taken over"
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        if mine.update(state=WeeklyChunk.State.FAILED, error=reason[:2000], finished_at=timezone.now()):
            _fail_batch(batch.pk, f"chunk {chunk.number}: {reason}")
        raise
    finally:
        out.close()
    del sha, size
    if not mine.update(
        state=WeeklyChunk.State.DONE,
        part=stored,
        done=count,
        total=count,
        seconds=perf_counter() - started,
        finished_at=timezone.now(),
    ):
        default_storage.delete(stored)
        return "taken over"
    if not WeeklyChunk.objects.filter(batch_id=batch.pk).exclude(state=WeeklyChunk.State.DONE).exists():
        from icpdesk.paperwork.tasks import enqueue_assembly

        enqueue_assembly(batch.pk)
    return "done"


def assemble_weekly_batch(batch_id: int) -> str:
    """Put the chunks' parts into the batch's one ZIP once every chunk is done; what became of it."""
    if WeeklyChunk.objects.filter(batch_id=batch_id).exclude(state=WeeklyChunk.State.DONE).exists():
        return "waiting"
    token = uuid.uuid4().hex
    now = timezone.now()
    free = Q(claim="") | Q(claimed_at__lt=now - STALE_CLAIM)
    if not GeneratedDocument.objects.filter(
        free, pk=batch_id, document_id=BATCH, status=GeneratedDocument.Status.PENDING
    ).update(claim=token, claimed_at=now):
        status = GeneratedDocument.objects.filter(pk=batch_id).values_list("status", flat=True).first()
        return status or "gone"
    mine = GeneratedDocument.objects.filter(pk=batch_id, claim=token, status=GeneratedDocument.Status.PENDING)
    chunks = list(WeeklyChunk.objects.filter(batch_id=batch_id).order_by("number"))
    batch = GeneratedDocument.objects.get(pk=batch_id)
    out = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115 - closed below
    count = 0
    try:
        names: set[str] = set()
        # Stored, not deflated: Word files are ZIPs already and the PDFs' streams are compressed.
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            for chunk in chunks:
                with default_storage.open(chunk.part, "rb") as handle, zipfile.ZipFile(handle) as part:
                    for info in part.infolist():
                        uscc, _, name = info.filename.partition("/")
                        if name in names:  # two clients of the same name
                            name = name.replace(".", f"-{uscc}.", 1)
                        names.add(name)
                        with part.open(info) as source, archive.open(name, "w") as target:
                            shutil.copyfileobj(source, target, 1 << 20)
                        count += 1
                if not mine.update(claimed_at=timezone.now()):
                    raise ClaimLost
        stored, sha, size = _store(f"weekly/{batch.agency_id}", "zip", out)
    except ClaimLost:
        return "taken over"
    except Exception as error:
        if mine.exists():
            _fail_batch(batch_id, f"{type(error).__name__}: {error}")
        raise
    finally:
        out.close()
    if not mine.update(
        status=GeneratedDocument.Status.READY,
        file=stored,
        sha256=sha,
        size=size,
        count=count,
        finished_at=timezone.now(),
    ):
        default_storage.delete(stored)
        return "taken over"
    for chunk in chunks:
        default_storage.delete(chunk.part)
    WeeklyChunk.objects.filter(batch_id=batch_id).update(part="")
    return "ready"


def build_weekly_batch(batch_id: int, fmt: str, today: date) -> GeneratedDocument:
    """Run a whole batch in this process, chunk after chunk, then assemble it (no worker needed)."""
    batch = GeneratedDocument.objects.select_related("created_by__organisation").get(pk=batch_id)
    if not batch.chunks.exists():
        try:
            user = _batch_user(batch)
        except NotFound as error:
            _fail_batch(batch_id, str(error))
            raise
        ids = list(clients(user).order_by("pk").values_list("pk", flat=True))
        plan_chunks(batch, ids, batch_formats(fmt), today)
    for chunk_id in batch.chunks.order_by("number").values_list("pk", flat=True):
        run_weekly_chunk(chunk_id)
    assemble_weekly_batch(batch_id)
    batch.refresh_from_db()
    return batch


def stale_work(now: datetime | None = None) -> tuple[list[int], list[int]]:
    """The chunks of unfinished batches to queue again, and the batches whose ZIP is due.

    A chunk is queued again when its worker died (running, no sign of life for ``STALE_CLAIM``)
    or when it has been waiting that long with no task in the queue for it (the queue was down).
    """
    now = now or timezone.now()
    stale = now - STALE_CLAIM
    pending = GeneratedDocument.objects.filter(document_id=BATCH, status=GeneratedDocument.Status.PENDING)
    dead = WeeklyChunk.objects.filter(
        batch__in=pending, state=WeeklyChunk.State.RUNNING, claimed_at__lt=stale
    ).values_list("pk", flat=True)
    waiting = WeeklyChunk.objects.filter(
        batch__in=pending, state=WeeklyChunk.State.QUEUED, created_at__lt=stale
    ).values_list("pk", flat=True)
    from icpdesk.paperwork.tasks import queued_chunk_ids

    queued = queued_chunk_ids(stale)
    chunks = sorted({*dead, *(pk for pk in waiting if queued is None or pk not in queued)})
    due = list(
        pending.filter(Q(claim="") | Q(claimed_at__lt=stale))
        .exclude(chunks__state__in=[s for s in WeeklyChunk.State if s != WeeklyChunk.State.DONE])
        .filter(chunks__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    return chunks, due


def batches(user: Any) -> QuerySet[GeneratedDocument]:
    """The agency's batches, newest first, each with ``progress``: the documents its chunks wrote so far."""
    if not is_agency_user(user):
        return GeneratedDocument.objects.none()
    return GeneratedDocument.objects.filter(agency_id=user.organisation_id, document_id=BATCH).annotate(
        progress=Coalesce(Sum("chunks__done"), 0)
    )


# ------------------------------------------------------------------ downloads


def visible_document(user: Any, document_pk: int) -> GeneratedDocument:
    """A generated file the user may download: of a case they see, or their agency's reports."""
    condition = Q(application__in=access.visible_applications(user, Scope.VIEW))
    if is_agency_user(user):
        condition |= Q(
            application__isnull=True,
            agency_id=user.organisation_id,
            document_id__in=(WEEKLY, BATCH),
        ) & (Q(enterprise__isnull=True) | Q(enterprise__in=access.visible_enterprises(user, Scope.VIEW)))
    record = GeneratedDocument.objects.filter(condition, pk=document_pk).first()
    if record is None:
        raise NotFound("没有找到该文件。", "No such file.")
    return record
