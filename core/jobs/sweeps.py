"""Housekeeping that keeps failures from leaving anything behind (issue 13 §5), run per agency
by ``harmony jobs-sweep`` (from cron or a timer, every few minutes):

- **Orphan files.** An upload is written to the agency's media folder before its row; the
  service removes the file if its own transaction fails, but a transaction around it that
  rolls back later (a view's, a job's) takes the row and leaves the file. Files that no row
  of the agency names and that are older than ``HARMONY_ORPHAN_FILE_MINUTES`` (a younger one
  may belong to a transaction still open) are removed by a job in the agency's schema.
- **Stale jobs.** A job is "running" while a worker holds it; the worker moves its heartbeat
  on (runner.Progress). A job whose heartbeat stopped for ``HARMONY_JOB_STALE_SECONDS`` had
  its worker die (killed, out of memory, the machine lost): it is queued again, or failed with
  a message once its attempts are used up, instead of showing "진행 중" for ever.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from core.audit.events import EventType
from core.audit.services import event_record
from core.jobs.models import Job, JobStatus
from core.jobs.runner import JobRefused, Progress, agency_task, job_start

# --- Orphan files -----------------------------------------------------------------------------


def _agency_schema() -> str:
    """The current agency's schema; refuse the public one (the console has no uploads, and a
    sweep there must never walk MEDIA_ROOT's agency folders)."""
    schema = connection.schema_name
    if not schema or schema == get_public_schema_name():
        raise JobRefused("the file sweep runs inside one agency's schema")
    return schema


def _file_fields():
    """(model, column) of every file field of the models in an agency's schema."""
    tenant_apps = set(settings.TENANT_APPS)
    for model in apps.get_models():
        if model._meta.app_config.name in tenant_apps:
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    yield model, field.attname


def referenced_files(names: list[str] | None = None) -> set[str]:
    """The stored names (of ``names``, if given) that a row of the current agency names, in
    any file field of any model in its schema: a new model with a FileField is covered
    without a change here."""
    found: set[str] = set()
    for model, column in _file_fields():
        rows = model._default_manager.exclude(**{column: ""})
        if names is not None:
            rows = rows.filter(**{f"{column}__in": names})
        found.update(rows.values_list(column, flat=True))
    return found


def orphan_files(*, older_than: timedelta) -> list[str]:
    """The files under the agency's media folder that no row names, last written before
    ``older_than`` ago, as storage names (``approvals/2026/12/a.pdf``)."""
    _agency_schema()
    root = Path(default_storage.location)
    if not root.is_dir():
        return []
    cutoff = (timezone.now() - older_than).timestamp()
    referenced = referenced_files()
    found = []
    for folder, _dirs, files in os.walk(root):
        for file in files:
            path = Path(folder) / file
            name = path.relative_to(root).as_posix()
            if name not in referenced and path.stat().st_mtime < cutoff:
                found.append(name)
    return sorted(found)


def orphan_files_remove(*, older_than: timedelta, actor=None) -> list[str]:
    """Remove the agency's orphan files (see ``orphan_files``) and record what was removed."""
    found = orphan_files(older_than=older_than)
    # Named meanwhile by a row just committed: kept.
    named = referenced_files(found) if found else set()
    removed = [name for name in found if name not in named]
    for name in removed:
        default_storage.delete(name)
    if removed:
        event_record(EventType.FILES_SWEPT, actor=actor, subject_label=_("남은 파일"),
                     changes={"removed": len(removed), "file": ", ".join(removed[:20])})
    return removed


@agency_task()
def files_sweep_job(job: Job, progress: Progress) -> dict:
    """Remove the agency's uploaded files that no row names (left by a rolled-back write)."""
    progress(0, step=_("남은 파일을 찾는 중"))
    minutes = int(job.params.get("older_than_minutes", settings.HARMONY_ORPHAN_FILE_MINUTES))
    removed = orphan_files_remove(older_than=timedelta(minutes=minutes), actor=job.started_by)
    return {"summary": _("남은 파일 %(n)d개를 지웠습니다.") % {"n": len(removed)},
            "removed": len(removed)}


def files_sweep_start(*, actor=None, older_than_minutes: int | None = None) -> Job:
    """Queue the file sweep of the current agency (joined if one is already queued)."""
    minutes = older_than_minutes or settings.HARMONY_ORPHAN_FILE_MINUTES
    return job_start(job_task=files_sweep_job, title=_("남은 파일 정리"), key="jobs.files-sweep",
                     actor=actor, params={"older_than_minutes": minutes})


# --- Stale jobs -------------------------------------------------------------------------------


def stale_jobs(*, silent_for: timedelta):
    """Jobs of the current schema held "running" whose heartbeat stopped ``silent_for`` ago."""
    cutoff = timezone.now() - silent_for
    return Job.objects.filter(status=JobStatus.RUNNING).filter(
        models.Q(heartbeat_at__lt=cutoff)
        | models.Q(heartbeat_at__isnull=True, started_at__lt=cutoff))


def jobs_stale_recover(*, silent_for: timedelta | None = None) -> list[Job]:
    """Take back the current schema's jobs whose worker died: queue each again while it has
    attempts left, else fail it with a message for the person who started it. Each job is
    taken back once, however many sweeps run at the same time."""
    silent_for = silent_for or timedelta(seconds=settings.HARMONY_JOB_STALE_SECONDS)
    schema = connection.schema_name
    recovered = []
    for job in stale_jobs(silent_for=silent_for):
        with transaction.atomic():
            # Locked and checked again: a worker that only paused may have beaten meanwhile.
            job = (stale_jobs(silent_for=silent_for).select_for_update(skip_locked=True)
                   .filter(pk=job.pk).first())
            if job is None:
                continue
            if job.attempts >= job.max_attempts:
                job.status, job.finished_at = JobStatus.FAILED, timezone.now()
                job.error = _("작업을 처리하던 서버가 멈춰 %(n)d번 모두 끝나지 못했습니다. "
                              "관리자에게 문의하세요.") % {"n": job.attempts}
                job.save(update_fields=["status", "finished_at", "error"])
            else:
                job.status = JobStatus.RETRYING
                job.error = _("작업을 처리하던 서버가 멈춰 다시 시도합니다 (%(n)d/%(max)d회).") % {
                    "n": job.attempts, "max": job.max_attempts}
                job.save(update_fields=["status", "error"])
                task_path = job.task_path
                transaction.on_commit(lambda j=job, p=task_path: import_string(p).enqueue(
                    schema, str(j.pk)))
            event_record(EventType.JOB_RECOVERED, actor=None, subject=job,
                         changes={"status": job.status, "attempts": job.attempts})
        recovered.append(job)
    return recovered
