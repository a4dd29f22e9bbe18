"""Background jobs that carry their agency.

A job is a ``Job`` row in the schema of whoever started it plus a task on the queue whose
arguments are ``(schema name, job id)``. The worker enters that schema only after checking
that it is an agency that may run jobs (or, for the console's own jobs, the public schema);
anything else is refused before any work is done — never a silent fall-back to the public
schema. A job runs at most once to success: the worker claims it by moving it from "queued"
to "running" in one UPDATE, so a task delivered twice finds nothing left to do. A failure
that is not the person's to fix is retried a bounded number of times, then shown to them.

Declare a job with ``@agency_task()`` (or ``@console_task()``) on a function
``body(job, progress) -> dict``; start it from a service with ``job_start``.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import Task
from django_tenants.utils import get_public_schema_name, schema_context
from psycopg import sql

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.jobs.models import RUNNABLE, UNFINISHED, Job, JobStatus

logger = logging.getLogger(__name__)

AGENCY, CONSOLE = "agency", "console"
# Which schemas each declared job may run in, by task path.
_SCOPES: dict[str, str] = {}


class JobRefused(Exception):
    """The job names no agency, or one that may not run jobs now: nothing was run."""


class JobFailed(Exception):
    """A failure the person who started the job can act on (a row that no longer fits, a
    code taken meanwhile): shown as it is and never retried, since a retry would fail alike."""

    def __init__(self, message: str, *, result: dict | None = None):
        super().__init__(message)
        self.message, self.result = message, result or {}


Body = Callable[[Job, "Progress"], dict | None]


def agency_task(*, atomic: bool = False) -> Callable[[Body], Task]:
    """Declare a job that runs inside one agency's schema. With ``atomic`` the body and the
    job's success are committed together, so a crash in between cannot make it run twice."""
    return _job_task(AGENCY, atomic=atomic)


def console_task(*, atomic: bool = False) -> Callable[[Body], Task]:
    """Declare a job of the central console, run in the public schema."""
    return _job_task(CONSOLE, atomic=atomic)


def _job_task(scope: str, *, atomic: bool) -> Callable[[Body], Task]:
    def decorate(body: Body) -> Task:
        def run(schema_name: str, job_id: str) -> dict:
            return run_job(body, scope=scope, atomic=atomic, schema_name=schema_name,
                           job_id=job_id)

        # The queue finds a task by its module path: give it the body's, so the name bound
        # in the body's module (the Task returned here) is what the worker imports.
        run.__module__, run.__name__ = body.__module__, body.__name__
        run.__qualname__, run.__doc__ = body.__qualname__, body.__doc__
        job_task = task()(run)
        _SCOPES[job_task.module_path] = scope
        return job_task

    return decorate


# --- Starting ---------------------------------------------------------------------------------

def job_start(*, job_task: Task, title: str, key: str, actor,
              origin: Origin = COMMAND_ORIGIN, params: dict | None = None,
              upload: bytes | None = None, total: int = 0) -> Job:
    """Create a job in the current schema and queue it when the transaction commits.

    While a job with the same ``key`` is unfinished, return that job instead of starting
    the same work twice."""
    schema_name = connection.schema_name
    _check_scope(job_task.module_path, schema_name)
    with transaction.atomic():
        running = Job.objects.filter(key=key, status__in=UNFINISHED).first()
        if running is not None:
            return running
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    task_path=job_task.module_path, title=title[:200], key=key[:200],
                    started_by=actor, origin_ip=origin.ip_address,
                    origin_request_id=origin.request_id, params=params or {}, upload=upload,
                    total=total, max_attempts=len(settings.HARMONY_JOB_RETRY_DELAYS) + 1)
        except IntegrityError:  # the same key was started a moment ago by another request
            return Job.objects.get(key=key, status__in=UNFINISHED)
        event_record(EventType.JOB_STARTED, actor=actor, subject=job, origin=origin,
                     payload={"title": job.title}, changes={"title": job.title})
        transaction.on_commit(lambda: _enqueue(job_task, schema_name, job))
    return job


def _check_scope(task_path: str, schema_name: str) -> None:
    on_console = schema_name == get_public_schema_name()
    if (_SCOPES.get(task_path) == CONSOLE) != on_console:
        raise JobRefused(_("이 작업은 여기에서 시작할 수 없습니다."))


def _enqueue(job_task: Task, schema_name: str, job: Job, *, delay: int | None = None) -> None:
    if delay is not None:
        job_task = job_task.using(run_after=timezone.now() + timedelta(seconds=delay))
    job_task.enqueue(schema_name, str(job.pk))


# --- Running ----------------------------------------------------------------------------------

def run_job(body: Body, *, scope: str, atomic: bool, schema_name: str, job_id: str) -> dict:
    """Run one delivery of a job inside its schema (the worker calls this)."""
    _refuse_unless_runnable_in(schema_name, scope)
    with schema_context(schema_name):
        job = _claim(job_id)
        if job is None:  # finished, or running elsewhere: nothing is done twice
            return {"job": job_id, "skipped": True}
        progress = Progress(job, schema_name)
        try:
            if atomic:
                with transaction.atomic():
                    _succeed(job, body(job, progress))
            else:
                _succeed(job, body(job, progress))
        except JobFailed as failure:
            _fail(job, failure.message, result=failure.result)
        except Exception as error:
            _retry_or_fail(job, error, schema_name)
            raise  # the queue keeps the traceback for operators
        finally:
            progress.close()
    return {"job": job_id, "status": job.status}


def _refuse_unless_runnable_in(schema_name: Any, scope: str) -> None:
    """Fail closed: a console job runs only in the public schema; an agency job only in the
    schema of an existing agency that is not suspended."""
    from tenants.models import Agency, AgencyKind

    public = get_public_schema_name()
    if not isinstance(schema_name, str) or not schema_name:
        raise JobRefused("a job must name its agency's schema")
    if scope == CONSOLE:
        if schema_name != public:
            raise JobRefused(f"a console job cannot run in schema {schema_name!r}")
        return
    with schema_context(public):
        agency = (Agency.objects.exclude(kind=AgencyKind.PLATFORM)
                  .filter(schema_name=schema_name).first())
    if agency is None:
        raise JobRefused(f"no agency has schema {schema_name!r}")
    if agency.is_suspended:
        raise JobRefused(f"agency {schema_name!r} is suspended")


def _claim(job_id: str) -> Job | None:
    """Move the job from queued (or waiting to retry) to running, in one UPDATE; return None
    when another delivery already did."""
    try:
        now = timezone.now()
        claimed = Job.objects.filter(pk=job_id, status__in=RUNNABLE).update(
            status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=now,
            heartbeat_at=now)
        job = Job.objects.get(pk=job_id)
    except (Job.DoesNotExist, ValidationError) as error:
        raise JobRefused(f"no job {job_id!r} in schema {connection.schema_name!r}") from error
    return job if claimed else None


def _succeed(job: Job, result: dict | None) -> None:
    job.status, job.result, job.error = JobStatus.SUCCEEDED, result or {}, ""
    # An UPDATE, not save(): the totals were written by Progress's own connection, and the
    # upload is dropped since it was only kept for retries.
    Job.objects.filter(pk=job.pk).update(status=job.status, result=job.result, error="",
                                         finished_at=timezone.now(), done=F("total"),
                                         upload=None)


def _fail(job: Job, message: str, *, result: dict | None = None) -> None:
    job.status, job.error, job.finished_at = JobStatus.FAILED, message, timezone.now()
    job.result = result or {}
    job.save(update_fields=["status", "error", "finished_at", "result"])


def _retry_or_fail(job: Job, error: Exception, schema_name: str) -> None:
    """Queue the next attempt after a delay, or give up and say so after the last one."""
    logger.exception("job %s (%s) failed on attempt %d", job.pk, job.task_path, job.attempts)
    kind = type(error).__name__
    if job.attempts >= job.max_attempts:
        _fail(job, _("작업이 %(n)d번 모두 실패했습니다 (%(kind)s). 관리자에게 문의하세요.")
              % {"n": job.attempts, "kind": kind})
        return
    delays = settings.HARMONY_JOB_RETRY_DELAYS
    delay = delays[min(job.attempts, len(delays)) - 1]
    job.status = JobStatus.RETRYING
    job.error = (_("작업 중 오류가 발생해 %(s)d초 뒤 다시 시도합니다 (%(kind)s, %(n)d/%(max)d회).")
                 % {"s": delay, "kind": kind, "n": job.attempts, "max": job.max_attempts})
    job.save(update_fields=["status", "error"])
    _enqueue(import_string(job.task_path), schema_name, job, delay=delay)


class Progress:
    """Report how far a job got: ``progress(done, total, step=...)``.

    The writes go through a connection of their own that commits at once, so the job's page
    shows them while the job's own transaction (an all-or-nothing import) is still open.
    Progress is best effort: it is written at most twice a second, waits at most two
    seconds for a lock, and a failed write never fails the job."""

    INTERVAL = 0.5

    def __init__(self, job: Job, schema_name: str):
        self._job, self._schema = job, schema_name
        self._connection = None
        # Read here, on the worker's thread: the heartbeat's thread has connections of its own.
        self._params = connection.get_connection_params()
        self._written_at = 0.0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        # While the body runs, a thread moves the job's heartbeat on (through the same
        # connection of its own, so an open all-or-nothing transaction does not hide it);
        # a worker that dies stops it, and jobs_stale_recover takes the job back.
        self._beating = threading.Thread(target=self._beat, daemon=True,
                                         name=f"job-heartbeat-{job.pk}")
        self._beating.start()

    def _beat(self) -> None:
        statement = sql.SQL("UPDATE {} SET heartbeat_at = now() WHERE id = %s AND status = %s"
                            ).format(sql.Identifier(self._schema, Job._meta.db_table))
        while not self._stopped.wait(settings.HARMONY_JOB_HEARTBEAT_SECONDS):
            try:
                with self._lock, self._open().cursor() as cursor:
                    cursor.execute(statement, [self._job.pk, JobStatus.RUNNING])
            except Exception:  # noqa: BLE001 — a missed beat is retried at the next one
                logger.warning("could not record the heartbeat of job %s", self._job.pk,
                               exc_info=True)

    def __call__(self, done: int, total: int | None = None, *, step: str | None = None) -> None:
        finished = total is not None and done >= total
        if step is None and not finished and time.monotonic() - self._written_at < self.INTERVAL:
            return
        self._written_at = time.monotonic()
        try:
            self._write(done, total, step)
        except Exception:  # noqa: BLE001 — progress must never break the job itself
            logger.warning("could not record progress of job %s", self._job.pk, exc_info=True)

    def _write(self, done: int, total: int | None, step: str | None) -> None:
        statement = sql.SQL(
            "UPDATE {} SET done = %s, total = COALESCE(%s, total), step = COALESCE(%s, step) "
            "WHERE id = %s").format(sql.Identifier(self._schema, Job._meta.db_table))
        with self._lock, self._open().cursor() as cursor:
            cursor.execute(statement, [done, total, step, self._job.pk])

    def _open(self):
        if self._connection is None:
            import psycopg

            self._connection = psycopg.connect(**self._params, autocommit=True)
            self._connection.execute("SET lock_timeout = '2s'")
        return self._connection

    def close(self) -> None:
        self._stopped.set()
        self._beating.join()
        if self._connection is not None:
            self._connection.close()
            self._connection = None
