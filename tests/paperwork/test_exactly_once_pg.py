"""Two task workers on PostgreSQL: an import, a book assessment and a weekly batch, each done exactly once.

Both workers (``icpdesk worker``, separate processes on the test database) are
started and waiting before anything is queued, and every task is queued twice,
as a client retrying or a watch queueing again would: the rows, the results
and the chunks must still be written once. The PostgreSQL pass of `make test`
runs it (row claims under concurrency are PostgreSQL's here; SQLite has one
writer at a time).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from icpdesk.accounts.models import Mandate
from icpdesk.bulk import tasks as bulk_tasks
from icpdesk.bulk.book import book_of, start_book_assessment
from icpdesk.bulk.imports import start_import
from icpdesk.bulk.models import BookAssessment, ImportRun
from icpdesk.enterprises.models import EligibilityAssessment, Enterprise
from icpdesk.paperwork import services
from icpdesk.paperwork import tasks as paperwork_tasks
from icpdesk.paperwork.models import GeneratedDocument, WeeklyChunk
from tests.bulk.conftest import xlsx
from tests.factories import make_enterprise, make_uscc

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the PostgreSQL pass of `make test` runs it"
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMPORTED = 30
CLIENTS = 12  # with the persona's own client, before the import
WAIT = 240.0  # seconds for all the work, on a busy machine


@pytest.fixture
def workers(settings: Any, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two ``icpdesk worker`` processes on the test database and the test's media folder, ready."""
    settings.TASKS = DATABASE_TASKS
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "ICPDESK_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ICPDESK_FILE_STORAGE": "django.core.files.storage.FileSystemStorage",
        "ICPDESK_S3_BUCKET": "",
        "PYTHONPATH": str(ROOT / "src"),
    }
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "icpdesk.cli", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        deadline = time.monotonic() + 90
        while not all("Starting worker" in log.read_text(errors="replace") for log in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise AssertionError(
                    "the workers did not start:\n" + "\n".join(log.read_text() for log in logs)
                )
            time.sleep(0.2)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(done: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not finished within {WAIT:.0f} s")
        time.sleep(0.3)


def test_two_workers_do_each_import_assessment_and_weekly_chunk_once(
    personas: Any, workers: list[Any], monkeypatch: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    agency, consultant = personas.agency, personas.consultant
    for n in range(CLIENTS - 1):
        Mandate.objects.create(agency=agency, enterprise=make_enterprise(f"张掖第{n}电子商务有限公司"))
    codes = [make_uscc() for _ in range(IMPORTED)]
    data = xlsx(
        [[code, f"定西导入第{n}有限公司"] for n, code in enumerate(codes)], ["统一社会信用代码", "企业名称"]
    )
    monkeypatch.setattr(services, "CHUNK", 2)  # six chunks for twelve clients

    # Queued once as the page queues them (after commit), then once more each. The batch first:
    # its clients are fixed when it starts, before the import adds any.
    batch = services.start_weekly_batch(consultant, "docx")
    paperwork_tasks.enqueue_weekly_batch(batch.pk)
    book = start_book_assessment(agency, consultant)
    bulk_tasks.run_book_assessment_task.enqueue(book.pk)
    run = start_import(agency, consultant, data, "clients.xlsx")
    bulk_tasks.run_import_task.enqueue(run.pk)

    _wait_for(lambda: ImportRun.objects.get(pk=run.pk).finished, "the import")
    _wait_for(lambda: BookAssessment.objects.get(pk=book.pk).finished, "the book assessment")
    _wait_for(
        lambda: GeneratedDocument.objects.get(pk=batch.pk).status != GeneratedDocument.Status.PENDING,
        "the weekly batch",
    )
    # Every task due has run (the watch and the workers' daily sweeps wait for later).
    _wait_for(
        lambda: (
            not DBTaskResult.objects.ready().exists()
            and not DBTaskResult.objects.filter(status="RUNNING").exists()
        ),
        "the queue",
    )

    # The import: thirty clients created once, the report says so (a second run would say unchanged).
    run.refresh_from_db()
    assert run.status == "done", run.report
    assert (run.report["created"], run.report["unchanged"], run.report["updated"]) == (IMPORTED, 0, 0)
    assert Enterprise.objects.filter(uscc__in=codes).count() == IMPORTED
    assert Mandate.objects.filter(agency=agency, enterprise__uscc__in=codes).count() == IMPORTED

    # The book assessment: one eligibility run per client (the book counted when it started).
    book.refresh_from_db()
    assert book.status == "done"
    assessed = EligibilityAssessment.objects.filter(enterprise__in=book_of(agency))
    assert assessed.count() == book.total == book.done
    assert assessed.values("enterprise").distinct().count() == book.total

    # The weekly batch: six chunks, each run by one claim, every client once in the ZIP.
    batch.refresh_from_db()
    chunks = list(WeeklyChunk.objects.filter(batch=batch).order_by("number"))
    assert batch.status == "ready", batch.error
    assert len(chunks) == CLIENTS // 2
    assert [(c.state, c.attempts, c.done) for c in chunks] == [("done", 1, 2)] * len(chunks)
    with default_storage.open(batch.file, "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert batch.count == len(names) == len(set(names)) == CLIENTS

    # Twelve chunk tasks for six chunks, two for each run: the second of each found the work
    # done or running and did nothing. Both workers took their share.
    chunk_tasks = DBTaskResult.objects.filter(task_path=paperwork_tasks.run_weekly_chunk_task.module_path)
    assert chunk_tasks.count() == 2 * len(chunks)
    assert set(chunk_tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert set(chunk_tasks.values_list("return_value", flat=True)) <= {"done", "running"}
    workers_seen = {w for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for w in ids}
    assert len(workers_seen) == 2
    # One watch waits for the batch, however often the batch was queued.
    watches = DBTaskResult.objects.filter(task_path=paperwork_tasks.watch_weekly_batches.module_path)
    assert watches.filter(status="READY").count() == 1
