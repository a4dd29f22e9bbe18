"""Write the channel: a request sent, received, its status moved on and answered. Each
function acts for the agency whose schema the connection serves and appends one step to the
channel's own trail; each agency's services record the move in their own audit trail in the
same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exchange.models import AgencyRequest, AgencyRequestStep, RequestStatus, Side
from core.exchange.selectors import current_agency, destinations


def request_send(
    *,
    to_agency_id: int,
    title: str,
    body: str,
    requester_name: str,
    requester_unit: str,
    requester_title: str,
) -> AgencyRequest:
    """Put a request from this agency to another on the channel."""
    to_agency = destinations().filter(pk=to_agency_id).first()
    if to_agency is None:
        raise ValidationError({"to_agency": _("요청을 받을 기관을 고르세요.")})
    now = timezone.now()
    with transaction.atomic():
        request = AgencyRequest.objects.create(
            from_agency=current_agency(),
            to_agency=to_agency,
            title=title,
            body=body,
            requester_name=requester_name[:100],
            requester_unit=requester_unit[:200],
            requester_title=requester_title[:100],
            sent_at=now,
            updated_at=now,
        )
        AgencyRequestStep.objects.create(
            request=request, status=RequestStatus.SENT, side=Side.SENDER, occurred_at=now
        )
    return request


def _addressed_here(pk: int) -> AgencyRequest:
    """The request ``pk`` sent to this agency, locked; refused for any other id."""
    request = (
        AgencyRequest.objects.select_for_update(of=("self",))
        .select_related("from_agency")
        .filter(pk=pk, to_agency=current_agency())
        .first()
    )
    if request is None:
        raise ValidationError(_("이 기관에 온 요청이 아닙니다."))
    return request


def request_receive(*, pk: int) -> AgencyRequest:
    """Mark a request sent to this agency as received (접수); once only."""
    with transaction.atomic():
        request = _addressed_here(pk)
        if request.status != RequestStatus.SENT:
            raise ValidationError(_("이미 접수한 요청입니다."))
        _move(request, RequestStatus.RECEIVED)
    return request


def request_status_push(*, pk: int, status: str, answer: str = "") -> tuple[str, str]:
    """Move a request this agency handles to ``status`` (with the answer when answered).
    Return (old, new) status; nothing is written when the status does not change."""
    if status not in RequestStatus.values or status == RequestStatus.SENT:
        raise ValueError(f"not a status the receiving agency sets: {status!r}")
    with transaction.atomic():
        request = _addressed_here(pk)
        old = request.status
        if old == RequestStatus.ANSWERED:
            raise ValidationError(_("이미 답변한 요청입니다."))
        if old == status:
            return old, old
        if status == RequestStatus.ANSWERED:
            request.answer = answer
        _move(request, status)
    return old, status


def _move(request: AgencyRequest, status: str) -> None:
    now = timezone.now()
    request.status, request.updated_at = status, now
    fields = ["status", "updated_at"]
    if status == RequestStatus.ANSWERED:
        request.answered_at = now
        fields += ["answer", "answered_at"]
    request.save(update_fields=fields)
    AgencyRequestStep.objects.create(
        request=request, status=status, side=Side.RECEIVER, occurred_at=now
    )
