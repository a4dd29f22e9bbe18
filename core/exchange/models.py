"""The one channel between agencies on the platform (기관 간 요청 창구), in the public schema.

An official of agency A sends a request or query to agency B; B handles it as a case in its
own schema. Only what is here crosses: who asked (name, unit, title — no contact details,
no ids of either agency's rows), the request, its status and the answer, with the time of
each step. Nothing else of either agency is reachable from the other: A keeps its own record
of who sent what (customers.OutgoingRequest), B its case (customers.Case.exchange_request_id),
and each refers to the channel by this row's id, never by a foreign key into the public
schema (the scale plan's rule)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.models import Agency


class RequestStatus(models.TextChoices):
    SENT = "sent", _("발송")
    RECEIVED = "received", _("접수")
    IN_PROGRESS = "in_progress", _("처리중")
    EXTENDED = "extended", _("처리기간 연장")
    ANSWERED = "answered", _("답변 완료")


class AgencyRequest(models.Model):
    """A request or query from one agency's official to another agency."""

    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("요청 기관")
    )
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("받는 기관")
    )
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"))
    requester_name = models.CharField(_("요청자"), max_length=100)
    requester_unit = models.CharField(_("요청자 소속"), max_length=200, blank=True)
    requester_title = models.CharField(_("요청자 직위"), max_length=100, blank=True)
    status = models.CharField(
        _("상태"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SENT
    )
    answer = models.TextField(_("답변"), blank=True)
    sent_at = models.DateTimeField(_("발송 일시"))
    updated_at = models.DateTimeField(_("최근 변경"))
    answered_at = models.DateTimeField(_("답변 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("기관 간 요청")
        verbose_name_plural = _("기관 간 요청")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_agency=F("to_agency")), name="agency_request_not_to_itself"
            ),
            models.CheckConstraint(
                condition=Q(status="answered", answered_at__isnull=False)
                | (~Q(status="answered") & Q(answered_at__isnull=True)),
                name="agency_request_answered_when_answered_at",
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "status", "sent_at"], name="agency_request_inbox"),
            models.Index(fields=["from_agency", "sent_at"], name="agency_request_outbox"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class Side(models.TextChoices):
    SENDER = "sender", _("요청 기관")
    RECEIVER = "receiver", _("받는 기관")


class AgencyRequestStep(models.Model):
    """Each crossing of the channel (sent, received, each change of status, the answer):
    append-only in the database (migration 0002), the channel's own trail beside each
    agency's audit trail."""

    request = models.ForeignKey(AgencyRequest, on_delete=models.PROTECT, related_name="steps")
    status = models.CharField(max_length=20, choices=RequestStatus.choices)
    side = models.CharField(max_length=10, choices=Side.choices)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status}"
