"""The append-only audit trail (감사 기록). One table per schema: each agency's trail lives in
its own schema, the central console's in the public schema. A database trigger refuses
UPDATE, DELETE and TRUNCATE, so not even a bug or a shell session can rewrite history."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
