"""Failures leave nothing behind (issue 13 §5): an upload whose row an outer transaction rolled
back is removed by the agency's file sweep, files that rows name are kept, and a job whose
worker died is taken back instead of showing "진행 중" for ever."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Attachment, Document
from core.audit.events import EventType
from core.audit.models import AuditEvent
from core.jobs.models import Job, JobStatus
from core.jobs.runner import JobRefused, job_start
from core.jobs.sweeps import files_sweep_start, jobs_stale_recover, orphan_files_remove
from tests.conftest import agency_client
from tests.jobs import sample_jobs

HOUR_AGO = time.time() - 3600


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    # django-tenants' storage keeps the media root it read first and forgets it only when
    # MULTITENANT_RELATIVE_MEDIA_ROOT changes: set that to its default layout (MEDIA_ROOT/
    # <schema>) so this test's folder is the one written to.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7", content_type="application/pdf")


def _files(root) -> set[str]:
    return {p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file()}


def _age_everything(root) -> None:
    for path in Path(root).rglob("*"):
        if path.is_file():
            os.utime(path, (HOUR_AGO, HOUR_AGO))


def _draft_rolled_back_by_the_caller(people) -> None:
    """The service succeeds and writes its file; the transaction around it then fails."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_draft(drafter=people.staff, title="되돌려질 기안", body="본문",
                                attachments=[_pdf("되돌려진 붙임.pdf")])
        raise RuntimeError("the caller's next step failed")


def test_a_file_left_by_an_outer_rollback_is_removed_by_the_sweep_and_attached_files_kept(
        alpha_people, beta_people, settings, run_jobs, django_capture_on_commit_callbacks):
    media = Path(settings.MEDIA_ROOT)
    with schema_context("alpha"):
        kept = services.document_draft(drafter=alpha_people.staff, title="붙임 있는 기안",
                                       body="본문", attachments=[_pdf("계획.pdf")])
        _draft_rolled_back_by_the_caller(alpha_people)
        assert Document.objects.count() == 1 and Attachment.objects.count() == 1
    with schema_context("beta"):  # another agency's orphan is not alpha's to remove
        _draft_rolled_back_by_the_caller(beta_people)
    left = _files(media)
    assert len(left) == 3, left  # the rolled-back drafts left their files: the bug swept up
    _age_everything(media)
    with schema_context("alpha"):  # written a moment ago: may still be committed, kept
        young = services.document_draft(drafter=alpha_people.staff, title="방금 올린 기안",
                                        body="본문", attachments=[_pdf("방금.pdf")])
        Attachment.objects.filter(document=young).delete()
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        job = files_sweep_start(actor=alpha_people.admin.user)

    run_jobs()

    with schema_context("alpha"):
        job.refresh_from_db()
        attachment = kept.attachments.get()
        swept = AuditEvent.objects.get(action=EventType.FILES_SWEPT.value)
    assert job.status == JobStatus.SUCCEEDED and job.result["removed"] == 1
    remaining = _files(media)
    assert f"alpha/{attachment.file.name}" in remaining
    assert sum(name.startswith("beta/") for name in remaining) == 1
    assert sum(name.startswith("alpha/") for name in remaining) == 2  # kept and the young one
    assert "되돌려진" in swept.changes["file"] and swept.changes["removed"] == 1
    url = f"/approvals/{kept.pk}/attachments/{attachment.pk}/"
    download = agency_client("alpha", alpha_people.staff.user).get(url)  # its drafter
    assert b"".join(download.streaming_content) == b"%PDF-1.7"


def test_the_sweep_command_removes_one_agencys_orphans_now(alpha_people, beta_people, settings):
    with schema_context("alpha"):
        _draft_rolled_back_by_the_caller(alpha_people)
    with schema_context("beta"):
        _draft_rolled_back_by_the_caller(beta_people)
    _age_everything(settings.MEDIA_ROOT)

    call_command("jobs_sweep", "--agency", "alpha", "--now")

    assert [name.split("/")[0] for name in _files(settings.MEDIA_ROOT)] == ["beta"]


def test_the_file_sweep_refuses_to_run_outside_an_agency(db, settings):
    Path(settings.MEDIA_ROOT, "alpha").mkdir()
    Path(settings.MEDIA_ROOT, "alpha", "x.pdf").write_bytes(b"x")
    _age_everything(settings.MEDIA_ROOT)
    with pytest.raises(JobRefused):
        orphan_files_remove(older_than=timedelta(minutes=1))
    assert _files(settings.MEDIA_ROOT) == {"alpha/x.pdf"}


def _running(people, *, key: str, attempts: int, silent_minutes: int) -> Job:
    """A job a worker claimed, whose heartbeat stopped ``silent_minutes`` ago."""
    job = job_start(job_task=sample_jobs.where_job, title="멈춘 작업", key=key,
                    actor=people.hr.user)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=attempts,
        started_at=timezone.now() - timedelta(minutes=silent_minutes + 1),
        heartbeat_at=timezone.now() - timedelta(minutes=silent_minutes))
    return job


def test_a_job_whose_worker_died_is_queued_again_and_then_finishes(
        alpha_people, run_jobs, django_capture_on_commit_callbacks):
    with schema_context("alpha"):
        dead = _running(alpha_people, key="dead", attempts=1, silent_minutes=10)
        alive = _running(alpha_people, key="alive", attempts=1, silent_minutes=0)
        DBTaskResult.objects.all().delete()  # the first delivery went with the dead worker
        with django_capture_on_commit_callbacks(execute=True):
            recovered = jobs_stale_recover()
        assert [job.pk for job in recovered] == [dead.pk]
        assert Job.objects.get(pk=dead.pk).status == JobStatus.RETRYING
        assert "서버가 멈춰 다시 시도합니다" in Job.objects.get(pk=dead.pk).error
        assert AuditEvent.objects.filter(action=EventType.JOB_RECOVERED.value).count() == 1
        assert jobs_stale_recover() == []  # taken back once

    run_jobs()

    with schema_context("alpha"):
        done, still = Job.objects.get(pk=dead.pk), Job.objects.get(pk=alive.pk)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 2
    assert still.status == JobStatus.RUNNING  # its worker is still beating: left alone


def test_a_dead_job_with_no_attempts_left_fails_with_a_message_for_its_owner(alpha_people):
    with schema_context("alpha"):
        job = _running(alpha_people, key="last", attempts=3, silent_minutes=10)
        DBTaskResult.objects.all().delete()
        jobs_stale_recover()
        job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "3번 모두 끝나지 못했습니다" in job.error
    assert not DBTaskResult.objects.exists()  # not queued again
    page = agency_client("alpha", alpha_people.hr.user).get(f"/jobs/{job.pk}/")
    assert "3번 모두 끝나지 못했습니다" in page.content.decode()


def test_the_sweep_command_takes_back_dead_jobs_in_every_agency(alpha_people, beta_people):
    with schema_context("alpha"):
        a = _running(alpha_people, key="a", attempts=3, silent_minutes=10)
    with schema_context("beta"):
        b = _running(beta_people, key="b", attempts=3, silent_minutes=10)

    call_command("jobs_sweep", "--now")

    for schema, job in (("alpha", a), ("beta", b)):
        with schema_context(schema):
            assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
