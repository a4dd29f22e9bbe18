"""The append-only audit trail (감사 기록). One table per schema: each agency's trail lives in
its own schema, the central console's in the public schema. A database trigger refuses
UPDATE, DELETE and TRUNCATE, so not even a bug or a shell session can rewrite history."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit.events import Visibility, event_label


class AuditEvent(models.Model):
    """Who did what, when, to what, and from where."""

    occurred_at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("행위자 ID"), null=True, blank=True)
    actor_label = models.CharField(_("행위자"), max_length=200, blank=True)
    action = models.CharField(_("행위"), max_length=60, db_index=True)
    target_type = models.CharField(_("대상 유형"), max_length=60, blank=True)
    target_id = models.CharField(_("대상 ID"), max_length=60, blank=True)
    target_label = models.CharField(_("대상"), max_length=200, blank=True)
    changes = models.JSONField(_("변경 내용"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("접속 IP"), null=True, blank=True)
    request_id = models.CharField(_("요청 ID"), max_length=64, blank=True)
    # The hash chain (tamper evidence), written by the database as the row's transaction
    # commits (migration 0004): position in commit order, the previous row's hash, its own.
    seq = models.BigIntegerField(_("순번"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class ActivityEvent(models.Model):
    """A domain fact beside its audit row (활동 기록): what moved, who acted, whom and which
    unit it concerns, and who is told. Performance collects from these, the timeline reads
    them and the live stream announces them. Ids, not foreign keys: the audit app sits at the
    bottom and knows no other app's models."""

    audit_event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT,
                                       related_name="activity")
    occurred_at = models.DateTimeField(_("일시"), auto_now_add=True)
    # No ``choices``: adding a type to the vocabulary needs no migration (events.py checks).
    type = models.CharField(_("유형"), max_length=60)
    version = models.PositiveSmallIntegerField(_("판"))
    actor_person_id = models.BigIntegerField(_("행위자"), null=True, blank=True)
    person_id = models.BigIntegerField(_("관련 직원"), null=True, blank=True)
    unit_id = models.BigIntegerField(_("관련 부서"), null=True, blank=True)
    object_type = models.CharField(_("대상 유형"), max_length=60, blank=True)
    object_id = models.CharField(_("대상 ID"), max_length=60, blank=True)
    visibility = models.CharField(_("공개 범위"), max_length=10, choices=Visibility.choices)
    audience = ArrayField(models.BigIntegerField(), default=list, blank=True,
                          verbose_name=_("알림 대상"))
    payload = models.JSONField(_("내용"), default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("활동 기록")
        verbose_name_plural = _("활동 기록")
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"]),
            models.Index(fields=["person_id", "id"]),
            models.Index(fields=["unit_id", "id"]),
            models.Index(fields=["actor_person_id", "occurred_at"]),
            # A record of work, newest first, and its page count: read from the index alone
            # instead of visiting each of the person's moves (60 ms for 10,000 moves).
            models.Index(fields=["actor_person_id", "id"], name="activity_record",
                         condition=~models.Q(visibility=Visibility.ADMIN)),
            GinIndex(fields=["audience"], name="activity_audience_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {event_label(self.type)}"
