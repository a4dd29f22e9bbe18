"""Background jobs as people see them: what runs, how far it got, and how it ended.

One table per schema, like the audit trail: an agency's jobs live in its own schema and the
central console's in the public schema, so no agency can read another's. The task queue
itself (django-tasks-db's table, or Redis) only carries ``(schema name, job id)``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("대기 중")
    RUNNING = "running", _("진행 중")
    RETRYING = "retrying", _("재시도 대기")
    SUCCEEDED = "succeeded", _("완료")
    FAILED = "failed", _("실패")


# A job in one of these states may still be picked up by a worker.
RUNNABLE = (JobStatus.QUEUED, JobStatus.RETRYING)
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)


class Job(models.Model):
    """One piece of work started by a person and run by a worker."""

    # A UUID, not a serial number: job pages are not guessable or countable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_path = models.CharField(_("작업 함수"), max_length=200)
    title = models.CharField(_("작업"), max_length=200)
    # The idempotency key: while one job with a key is unfinished, the same work is not
    # queued again (a double-clicked upload joins the running job).
    key = models.CharField(_("작업 키"), max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("요청자"))
    origin_ip = models.GenericIPAddressField(_("요청 IP"), null=True, blank=True)
    origin_request_id = models.CharField(_("요청 ID"), max_length=64, blank=True)
    params = models.JSONField(_("입력값"), default=dict, blank=True)
    upload = models.BinaryField(_("올린 파일"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=20, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("최대 시도 횟수"), default=3)
    done = models.PositiveIntegerField(_("처리한 수"), default=0)
    total = models.PositiveIntegerField(_("전체 수"), default=0)
    step = models.CharField(_("단계"), max_length=200, blank=True)
    result = models.JSONField(_("결과"), default=dict, blank=True)
    error = models.TextField(_("오류"), blank=True)
    created_at = models.DateTimeField(_("요청 시각"), auto_now_add=True)
    started_at = models.DateTimeField(_("시작 시각"), null=True, blank=True)
    # Moved on by the running worker every few seconds (runner.Heartbeat): a job left
    # "running" whose heartbeat stopped had its worker die under it (sweeps.jobs_stale_recover).
    heartbeat_at = models.DateTimeField(_("마지막 응답 시각"), null=True, blank=True)
    finished_at = models.DateTimeField(_("종료 시각"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("백그라운드 작업")
        verbose_name_plural = _("백그라운드 작업")
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(status__in=UNFINISHED),
                                    name="job_one_unfinished_per_key"),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0),
                                   name="job_done_within_total"),
        ]
        indexes = [models.Index(fields=["started_by", "-created_at"]),
                   models.Index(fields=["heartbeat_at"], condition=Q(status="running"),
                                name="job_running_heartbeat")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return self.done * 100 // self.total if self.total else 0
