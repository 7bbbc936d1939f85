"""A weekly batch in chunks: each chunk its own task, done once, taken up again when its worker died."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from icpdesk.accounts.models import Mandate
from icpdesk.paperwork import services, tasks
from icpdesk.paperwork.models import GeneratedDocument, WeeklyChunk
from tests.factories import make_enterprise
from tests.paperwork.conftest import docx_text

TODAY = date(2026, 12, 1)


@pytest.fixture
def book(personas: Any, monkeypatch: Any) -> list[Any]:
    """Five clients of the agency (the persona's and four more), two a chunk."""
    monkeypatch.setattr(services, "CHUNK", 2)
    more = [make_enterprise(f"武威第{n}电子商务有限公司", city="武威市") for n in range(4)]
    for enterprise in more:
        Mandate.objects.create(agency=personas.agency, enterprise=enterprise)
    return [personas.enterprise, *more]


def _start(personas: Any, fmt: str = "docx") -> GeneratedDocument:
    return services.start_weekly_batch(personas.consultant, fmt, today=TODAY)


def _chunks(batch: GeneratedDocument) -> list[WeeklyChunk]:
    return list(WeeklyChunk.objects.filter(batch=batch).order_by("number"))


def _archive(batch: GeneratedDocument) -> zipfile.ZipFile:
    batch.refresh_from_db()
    with default_storage.open(batch.file, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_a_batch_is_split_into_chunks_of_clients(personas: Any, book: list[Any]) -> None:
    batch = _start(personas, "both")
    chunks = _chunks(batch)
    assert [c.number for c in chunks] == [0, 1, 2]
    assert [c.enterprise_ids for c in chunks] == [
        sorted(e.pk for e in book)[0:2],
        sorted(e.pk for e in book)[2:4],
        sorted(e.pk for e in book)[4:],
    ]
    assert [c.total for c in chunks] == [4, 4, 2]  # Word and PDF for each client
    assert {(c.state, tuple(c.formats), c.report_date) for c in chunks} == {
        ("queued", ("docx", "pdf"), TODAY)
    }
    assert batch.total == 10
    # Another agency's client is in none of them.
    assert all(personas.other_enterprise.pk not in c.enterprise_ids for c in chunks)


def test_each_chunk_is_a_task_and_the_last_one_assembles_the_zip(
    personas: Any, book: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch = _start(personas)
    batch.refresh_from_db()
    assert (batch.status, batch.count, batch.total) == ("ready", 5, 5)
    assert {c.state for c in _chunks(batch)} == {"done"}
    assert [c.done for c in _chunks(batch)] == [2, 2, 1]
    assert all(c.seconds > 0 and c.attempts == 1 for c in _chunks(batch))
    names = _archive(batch).namelist()
    assert sorted(names) == sorted(f"代办进度周报-{e.name}.docx" for e in book)
    ours = next(n for n in names if personas.enterprise.name in n)
    assert personas.enterprise.name in docx_text(_archive(batch).read(ours))
    # The parts are gone once the ZIP holds them.
    assert {c.part for c in _chunks(batch)} == {""}


def test_a_done_chunk_run_again_does_nothing(personas: Any, book: list[Any]) -> None:
    batch = _start(personas)
    first = _chunks(batch)[0]
    assert services.run_weekly_chunk(first.pk) == "done"
    first.refresh_from_db()
    part, finished = first.part, first.finished_at
    assert services.run_weekly_chunk(first.pk) == "done"
    first.refresh_from_db()
    assert (first.attempts, first.part, first.finished_at, first.done) == (1, part, finished, 2)


def test_a_running_chunk_with_a_live_claim_is_not_run_twice(personas: Any, book: list[Any]) -> None:
    batch = _start(personas)
    first = _chunks(batch)[0]
    WeeklyChunk.objects.filter(pk=first.pk).update(state="running", token="other", claimed_at=timezone.now())
    assert services.run_weekly_chunk(first.pk) == "running"
    first.refresh_from_db()
    assert (first.token, first.attempts, first.part) == ("other", 0, "")
    assert services.stale_work() == ([], [])


def test_a_chunk_whose_worker_died_is_queued_again_by_the_watch(personas: Any, book: list[Any]) -> None:
    batch = _start(personas)
    first, second, third = _chunks(batch)
    for chunk in (second, third):
        services.run_weekly_chunk(chunk.pk)
    # The first chunk's worker died half way: running, no sign of life for longer than the limit.
    gone = timezone.now() - services.STALE_CLAIM - timedelta(seconds=1)
    WeeklyChunk.objects.filter(pk=first.pk).update(
        state="running", token="dead", claimed_at=gone, attempts=1, done=1
    )
    assert services.stale_work() == ([first.pk], [])
    result = tasks.watch_weekly_batches.call()
    assert result == {"chunks": 1, "assemblies": 0}
    first.refresh_from_db()
    batch.refresh_from_db()
    assert (first.state, first.attempts, first.done) == ("done", 2, 2)
    assert (batch.status, batch.count) == ("ready", 5)
    assert len(_archive(batch).namelist()) == 5


def test_a_worker_that_lost_its_claim_writes_nothing(
    personas: Any, book: list[Any], monkeypatch: Any
) -> None:
    batch = _start(personas)
    first = _chunks(batch)[0]
    monkeypatch.setattr(services, "HEARTBEAT", 1)
    drafts = services.weekly_drafts

    def taken_over(*args: Any, **kwargs: Any) -> Any:
        for made in drafts(*args, **kwargs):
            # Thought dead, this worker's chunk was claimed by another meanwhile.
            WeeklyChunk.objects.filter(pk=first.pk).update(token="another", claimed_at=timezone.now())
            yield made

    monkeypatch.setattr(services, "weekly_drafts", taken_over)
    assert services.run_weekly_chunk(first.pk) == "taken over"
    first.refresh_from_db()
    assert (first.state, first.token, first.part, first.done) == ("running", "another", "", 0)


def test_a_failing_chunk_fails_the_batch_and_the_others_stop(
    personas: Any, book: list[Any], monkeypatch: Any
) -> None:
    batch = _start(personas)
    first, second, _ = _chunks(batch)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the PDF renderer is missing its font")

    monkeypatch.setattr(services, "weekly_drafts", broken)
    with pytest.raises(RuntimeError):
        services.run_weekly_chunk(first.pk)
    assert tasks.run_weekly_chunk_task.call(second.pk) == "batch over"
    batch.refresh_from_db()
    first.refresh_from_db()
    assert batch.status == "failed" and batch.error.startswith("chunk 0: RuntimeError")
    assert first.state == "failed" and "font" in first.error
    assert services.stale_work() == ([], [])


def test_the_watch_assembles_a_batch_whose_assembly_was_lost(
    personas: Any, book: list[Any], monkeypatch: Any
) -> None:
    batch = _start(personas)
    monkeypatch.setattr(tasks, "enqueue_assembly", lambda batch_id: None)  # the queue lost it
    for chunk in _chunks(batch):
        services.run_weekly_chunk(chunk.pk)
    # An assembly that was taken a moment ago is left alone; one taken long ago is due again.
    GeneratedDocument.objects.filter(pk=batch.pk).update(claim="x", claimed_at=timezone.now())
    assert services.stale_work() == ([], [])
    gone = timezone.now() - services.STALE_CLAIM - timedelta(seconds=1)
    GeneratedDocument.objects.filter(pk=batch.pk).update(claimed_at=gone)
    assert services.stale_work() == ([], [batch.pk])
    assert services.assemble_weekly_batch(batch.pk) == "ready"
    assert services.assemble_weekly_batch(batch.pk) == "ready"  # again: nothing more to do


def test_chunks_left_waiting_with_no_task_are_queued_again(personas: Any, book: list[Any]) -> None:
    batch = _start(personas)  # no commit here: nothing was queued
    assert services.stale_work() == ([], [])  # just started: still waiting their turn
    WeeklyChunk.objects.filter(batch=batch).update(created_at=timezone.now() - timedelta(hours=1))
    assert services.stale_work()[0] == [c.pk for c in _chunks(batch)]


def test_clients_of_the_same_name_keep_their_own_report(personas: Any, book: list[Any]) -> None:
    twin = make_enterprise(personas.enterprise.name, city="兰州市")
    Mandate.objects.create(agency=personas.agency, enterprise=twin)
    batch = services.build_weekly_batch(_start(personas).pk, "docx", TODAY)
    names = _archive(batch).namelist()
    assert len(names) == 6 and len(set(names)) == 6
    assert f"代办进度周报-{personas.enterprise.name}-{twin.uscc}.docx" in names


def test_an_agency_with_no_clients_gets_an_empty_zip(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Mandate.objects.filter(agency=personas.agency).delete()
    with django_capture_on_commit_callbacks(execute=True):
        batch = _start(personas)
    batch.refresh_from_db()
    assert (batch.status, batch.count, batch.total) == ("ready", 0, 0)
    assert _archive(batch).namelist() == []


def test_a_batch_queued_whole_is_split_by_the_old_task(personas: Any, book: list[Any]) -> None:
    batch = GeneratedDocument.objects.create(
        agency=personas.agency,
        document_id=services.BATCH,
        format="zip",
        status="pending",
        created_by=personas.consultant,
        total=5,
    )
    assert tasks.generate_weekly_batch.call(batch.pk, "docx", TODAY.isoformat()) == "split"
    batch.refresh_from_db()
    assert (batch.status, batch.count) == ("ready", 5)
    assert len(_chunks(batch)) == 3
