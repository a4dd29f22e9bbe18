"""Write customers and cases: intake (public page, staff entry, API), assignment, transfer
(이송), extension with a reason, stages, links to task cards and documents, closure with the
answer, revoking the status link, the record of each unmasked view of a customer's contact
details and of each attachment downloaded; and requests between agencies on the platform
(sent from here, received here as cases, their status pushed back through the channel)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.approvals.models import Document
from core.approvals.selectors import visible_documents
from core.approvals.services import ATTACHMENT_TYPES
from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.customers import notices
from core.customers.models import (
    Case,
    CaseAttachment,
    CaseCounter,
    CaseLink,
    CaseStatus,
    CaseStep,
    Channel,
    Customer,
    CustomerKind,
    OutgoingRequest,
    SurveyResponse,
)
from core.customers.selectors import (
    case_stages,
    case_type_of,
    handles,
    has_approved_document,
    is_customer_officer,
    survey_of,
)
from core.customers.tally import tally_answered, tally_closed
from core.customers.workdays import add_working_days, due_date, working_days_between
from core.exchange import services as exchange
from core.exchange.models import RequestStatus
from core.korean import with_particle
from core.org.models import Person, Unit
from core.policies.selectors import rule_version
from core.work.models import Task

# The consent text the public page shows; a new text gets a new version (what each
# customer agreed to stays recorded with them).
CONSENT_VERSION = "2026-1"
PURPOSE = "민원·요청 처리 및 진행 상황 안내"
MAX_TITLE = 200
MAX_BODY = 10_000
MAX_PUBLIC_ATTACHMENTS = 3


@dataclass(frozen=True)
class Intake:
    """What a customer tells us when filing a case."""

    kind: str
    name: str
    email: str
    phone: str
    case_type: str
    title: str
    body: str
    affiliation: str = ""
    field: str = ""
    consent: bool = False
    # The steps the customer wants to be told about, and by which channels (맞춤 알림).
    notice_steps: tuple[str, ...] = ()
    notice_channels: tuple[str, ...] = ()
    # An official of another agency on the platform, reached through the channel.
    agency_code: str = ""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _next_serial(year: int) -> int:
    """The next receipt serial of ``year``: the counter row's lock queues concurrent
    intakes, so numbers are gap-free (the approvals registers work the same way)."""
    CaseCounter.objects.bulk_create([CaseCounter(year=year)], ignore_conflicts=True)
    counter = CaseCounter.objects.select_for_update().get(year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_intake(intake: Intake, types: dict, *, public: bool) -> None:
    errors: dict[str, str] = {}
    if intake.kind not in CustomerKind.values:
        errors["kind"] = _("고객 유형을 고르세요.")
    if not intake.name.strip():
        errors["name"] = _("이름을 입력하세요.")
    if not intake.email.strip() and not intake.phone.strip() and not intake.agency_code:
        errors["email"] = _("이메일이나 전화번호 중 하나는 입력하세요.")
    if not intake.consent:
        errors["consent"] = _("개인정보 수집·이용에 동의해야 신청할 수 있습니다.")
    kind = types.get(intake.case_type)
    if kind is None or (public and not kind.public):
        errors["case_type"] = _("민원 유형을 고르세요.")
    if not intake.title.strip():
        errors["title"] = _("제목을 입력하세요.")
    elif len(intake.title) > MAX_TITLE:
        errors["title"] = _("제목은 %(n)d자까지 입력할 수 있습니다.") % {"n": MAX_TITLE}
    if not intake.body.strip():
        errors["body"] = _("내용을 입력하세요.")
    elif len(intake.body) > MAX_BODY:
        errors["body"] = _("내용은 %(n)s자까지 입력할 수 있습니다.") % {"n": f"{MAX_BODY:,}"}
    if errors:
        raise ValidationError(errors)


def check_attachments(files, *, limit: int = MAX_PUBLIC_ATTACHMENTS) -> None:
    """The approvals' file types and size limit; at most ``limit`` files."""
    if len(files) > limit:
        raise ValidationError(
            {"attachments": _("파일은 %(n)d개까지 붙일 수 있습니다.") % {"n": limit}}
        )
    for upload in files:
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise ValidationError(
                {
                    "attachments": _("%(name)s 붙일 수 없는 파일 형식입니다.")
                    % {"name": with_particle(f"'{upload.name}'", "은")}
                }
            )
        if upload.size > settings.HARMONY_MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {
                    "attachments": _("%(name)s 너무 큽니다 (파일당 최대 %(mb)d MB).")
                    % {"name": with_particle(f"'{upload.name}'", "이"),
                       "mb": settings.HARMONY_MAX_ATTACHMENT_BYTES // 2**20}
                }
            )


def case_receive(
    *,
    intake: Intake,
    channel: str,
    actor: Person | None = None,
    attachments=(),
    origin: Origin = COMMAND_ORIGIN,
    exchange_request_id: int | None = None,
) -> tuple[Case, str]:
    """Receive a case (접수): the customer with their consent, the case numbered in the
    year's register, its due date in working days from the case type, its first step, and a
    private status token. Return the case and the token (shown once; only its hash is kept).
    ``actor`` is the official entering a phone or visit case; None for the public page."""
    now = timezone.now()
    today = timezone.localdate(now)
    version = rule_version(kind="case_types", on=today)
    types = {t.code: t for t in version.rule.types}
    _check_intake(intake, types, public=channel == Channel.WEB)
    check_attachments(attachments)
    case_type = types[intake.case_type]
    steps, channels = notices.check_notice_choices(
        steps=intake.notice_steps, channels=intake.notice_channels,
        email=intake.email, phone=intake.phone)
    years = {r.kind: r.years for r in version.rule.retention}
    unit = (
        Unit.objects.filter(code=case_type.handling_unit, is_active=True).first()
        if case_type.handling_unit
        else None
    )
    token = secrets.token_urlsafe(32)
    written = []
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                kind=intake.kind,
                name=intake.name.strip()[:100],
                email=intake.email.strip()[:254],
                phone=intake.phone.strip()[:30],
                affiliation=intake.affiliation.strip()[:200],
                field=intake.field.strip()[:200],
                agency_code=intake.agency_code,
                purpose=PURPOSE,
                consent_version=CONSENT_VERSION,
                consented_at=now,
                retain_until=_years_later(today, years.get(intake.kind, 3)),
            )
            case = Case.objects.create(
                year=today.year,
                serial=_next_serial(today.year),
                customer=customer,
                channel=channel,
                case_type=case_type.code,
                case_type_name=case_type.name,
                title=intake.title.strip(),
                body=intake.body.strip(),
                handling_unit=unit,
                received_by=actor,
                received_at=now,
                due_on=due_date(today, case_type.due_days),
                stage=case_type.stages[0][:100] if case_type.stages else "",
                exchange_request_id=exchange_request_id,
                rule_version_id=version.id,
                token_hash=_hash(token),
                notice_steps=steps,
                notice_channels=channels,
                notice_nonce=notices.new_nonce(),
            )
            step = CaseStep.objects.create(
                case=case,
                status=CaseStatus.RECEIVED,
                occurred_at=now,
                unit_name=unit.name if unit else "",
                stage=case.stage,
                actor=actor,
            )
            for upload in attachments:
                attachment = CaseAttachment(
                    case=case,
                    name=upload.name[:200],
                    size=upload.size,
                    content_type=upload.content_type or "",
                )
                attachment.file.save(upload.name, upload, save=False)
                written.append(attachment.file)
                attachment.save()
            event_record(
                EventType.CASE_RECEIVED,
                actor=actor,
                subject=case,
                subject_label=case.number,
                unit_id=case.handling_unit_id,
                payload={
                    "number": case.number,
                    "case_type": case.case_type,
                    "person": None,
                    "unit": case.handling_unit_id,
                    "channel": channel,
                },
                changes={"agency_request": [None, exchange_request_id]}
                if exchange_request_id
                else None,
                origin=origin,
            )
            notices.notices_queue_for_step(case=case, step=step)
    except BaseException:
        for file in written:
            file.storage.delete(file.name)
        raise
    return case, token


def _locked(case: Case, actor: Person) -> Case:
    """The case locked for a move by one of its handlers, still open."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_unit", "assignee", "customer")
        .get(pk=case.pk)
    )
    if not handles(actor, locked):
        raise ValidationError(_("이 민원을 처리할 권한이 없습니다."))
    if locked.is_closed:
        raise ValidationError(_("이미 완료된 민원입니다."))
    return locked


def _step(case: Case, actor: Person, note: str = "") -> None:
    """Record the step the case just took, and queue the notices the customer asked for."""
    step = CaseStep.objects.create(
        case=case,
        status=case.status,
        occurred_at=timezone.now(),
        unit_name=case.handling_unit.name if case.handling_unit else "",
        note=note,
        actor=actor,
    )
    notices.notices_queue_for_step(case=case, step=step)


# A case's status as the requesting agency reads it on the channel (issue 9 §4).
CHANNEL_STATUS = {
    CaseStatus.RECEIVED: RequestStatus.RECEIVED,
    CaseStatus.ASSIGNED: RequestStatus.IN_PROGRESS,
    CaseStatus.IN_PROGRESS: RequestStatus.IN_PROGRESS,
    CaseStatus.TRANSFERRED: RequestStatus.IN_PROGRESS,
    CaseStatus.EXTENDED: RequestStatus.EXTENDED,
    CaseStatus.CLOSED: RequestStatus.ANSWERED,
}


def _push(case: Case) -> dict:
    """Push a request's new status (and the answer, at closure) to the channel, in the move's
    transaction; return the change for this agency's audit row ({} when nothing crossed)."""
    if not case.exchange_request_id:
        return {}
    old, new = exchange.request_status_push(
        pk=case.exchange_request_id, status=CHANNEL_STATUS[case.status], answer=case.answer
    )
    return {"agency_request_status": [old, new]} if old != new else {}


def _record(
    event_type: EventType,
    case: Case,
    actor: Person,
    origin: Origin,
    changes: dict | None = None,
    *,
    push: bool = True,
    **payload,
) -> None:
    """Record a move of the case; ``push`` also pushes its status to the channel when the
    case is a request from another agency (once per move: not for an event that follows the
    move in the same transaction, such as the survey invitation after the closure)."""
    changes = {**(changes or {}), **(_push(case) if push else {})} or None
    event_record(
        event_type,
        actor=actor,
        subject=case,
        subject_label=case.number,
        person_id=case.assignee_id,
        unit_id=case.handling_unit_id,
        audience=[case.assignee_id] if case.assignee_id else (),
        changes=changes,
        payload={
            "number": case.number,
            "case_type": case.case_type,
            "person": case.assignee_id,
            "unit": case.handling_unit_id,
            **payload,
        },
        origin=origin,
    )


def case_assign(
    *, case: Case, assignee: Person, actor: Person, origin: Origin = COMMAND_ORIGIN
) -> Case:
    """Give the case to a person (배정); without a handling unit it takes theirs."""
    if not assignee.is_active or assignee.unit_id is None:
        raise ValidationError(
            {"assignee": _("소속 부서가 있는 재직 중인 직원에게만 배정할 수 있습니다.")}
        )
    with transaction.atomic():
        case = _locked(case, actor)
        if case.handling_unit_id and assignee.unit_id != case.handling_unit_id:
            raise ValidationError(
                {
                    "assignee": _(
                        "처리 부서의 직원에게만 배정할 수 있습니다. 다른 부서라면 먼저 이송하세요."
                    )
                }
            )
        changes = {"assignee": [case.assignee_id, assignee.pk]}
        case.assignee = assignee
        case.handling_unit_id = assignee.unit_id
        case.handling_unit = assignee.unit
        case.status = CaseStatus.ASSIGNED if not case.extended else CaseStatus.EXTENDED
        case.save(update_fields=["assignee", "handling_unit", "status"])
        _step(case, actor)
        _record(EventType.CASE_ASSIGNED, case, actor, origin, changes)
    return case


def case_transfer(
    *, case: Case, unit: Unit, actor: Person, reason: str = "", origin: Origin = COMMAND_ORIGIN
) -> Case:
    """Send the case to another unit (이송): it waits there for an assignee."""
    with transaction.atomic():
        case = _locked(case, actor)
        if not unit.is_active or unit.pk == case.handling_unit_id:
            raise ValidationError({"unit": _("다른 처리 부서를 고르세요.")})
        changes = {"handling_unit": [case.handling_unit_id, unit.pk]}
        case.handling_unit, case.assignee = unit, None
        case.status = CaseStatus.TRANSFERRED
        case.save(update_fields=["handling_unit", "assignee", "status"])
        _step(case, actor, note=reason.strip()[:500])
        _record(EventType.CASE_TRANSFERRED, case, actor, origin, changes)
    return case


def case_extend(
    *, case: Case, days: int, reason: str, actor: Person, origin: Origin = COMMAND_ORIGIN
) -> Case:
    """Extend the due date once, by at most the type's own period, with a reason the
    customer reads (민원 처리에 관한 법률 시행령: 한 차례만, 처리기간의 범위에서 연장)."""
    if not reason.strip():
        raise ValidationError({"reason": _("연장 사유를 입력하세요.")})
    with transaction.atomic():
        case = _locked(case, actor)
        if case.extended:
            raise ValidationError(_("처리기간은 한 번만 연장할 수 있습니다."))
        limit = _type_days(case)
        if not 1 <= days <= limit:
            raise ValidationError(
                {"days": _("연장 기간은 1일에서 %(n)d일(근무일) 사이여야 합니다.") % {"n": limit}}
            )
        new_due = add_working_days(case.due_on, days)
        changes = {
            "due_on": [case.due_on.isoformat(), new_due.isoformat()],
            "reason": reason.strip()[:500],
        }
        case.due_on, case.extended, case.status = new_due, True, CaseStatus.EXTENDED
        case.save(update_fields=["due_on", "extended", "status"])
        _step(case, actor, note=reason.strip()[:500])
        _record(
            EventType.CASE_EXTENDED,
            case,
            actor,
            origin,
            changes,
            due_on=new_due.isoformat(),
            days=days,
        )
    return case


def _type_days(case: Case) -> int:
    version = rule_version(kind="case_types", on=timezone.localdate(case.received_at))
    found = next((t for t in version.rule.types if t.code == case.case_type), None)
    return found.due_days if found else 14


def case_close(*, case: Case, answer: str, actor: Person, origin: Origin = COMMAND_ORIGIN) -> Case:
    """Close the case with the answer the customer reads (완료). Where the case type says the
    answer needs an approved document, one must be linked to the case first."""
    if not answer.strip():
        raise ValidationError({"answer": _("답변을 입력하세요.")})
    if len(answer) > MAX_BODY:
        raise ValidationError(
            {"answer": _("답변은 %(n)s자까지 입력할 수 있습니다.") % {"n": f"{MAX_BODY:,}"}}
        )
    with transaction.atomic():
        case = _locked(case, actor)
        found = case_type_of(case)
        if found is not None and found.answer_needs_document and not has_approved_document(case):
            raise ValidationError(
                _(
                    "이 유형의 민원은 결재가 끝난 문서를 연결해야 답변할 수 있습니다. "
                    "답변 문서의 결재를 마친 뒤 민원에 연결하세요."
                )
            )
        now = timezone.now()
        closed_on = timezone.localdate(now)
        case.status, case.closed_at, case.answer = CaseStatus.CLOSED, now, answer.strip()
        case.save(update_fields=["status", "closed_at", "answer"])
        _step(case, actor)
        _record(
            EventType.CASE_CLOSED,
            case,
            actor,
            origin,
            {"answer": [None, case.answer[:200]]},
            on_time=closed_on <= case.due_on,
            handling_days=working_days_between(timezone.localdate(case.received_at), closed_on),
        )
        tally_closed(case)
        _survey_invite(case, actor, origin, closed_on)
    return case


def _survey_invite(case: Case, actor: Person, origin: Origin, closed_on: date) -> None:
    """Invite the customer to the satisfaction survey (on the status page, and by the
    notice that hooks on this event): recorded with the last day an answer is taken."""
    rule = rule_version(kind="survey", on=closed_on).rule
    _record(
        EventType.SURVEY_INVITED,
        case,
        actor,
        origin,
        push=False,
        closes_on=(closed_on + timedelta(days=rule.open_days)).isoformat(),
    )


def case_link_revoke(*, case: Case, actor: Person, origin: Origin = COMMAND_ORIGIN) -> str:
    """Revoke the private status link (a leaked link) and return a new token for the
    customer; the old link answers 404 from now on, and so do the old unsubscribe links."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("handling_unit")
            .get(pk=case.pk)
        )
        if not handles(actor, locked):
            raise ValidationError(_("이 민원을 처리할 권한이 없습니다."))
        locked.token_hash, locked.token_revoked_at = _hash(token), timezone.now()
        # The unsubscribe links of the case go with the leaked status link.
        locked.notice_nonce = notices.new_nonce()
        locked.save(update_fields=["token_hash", "token_revoked_at", "notice_nonce"])
        event_record(
            EventType.CASE_LINK_REVOKED,
            actor=actor,
            subject=locked,
            subject_label=locked.number,
            origin=origin,
        )
    return token


def contact_view_record(*, case: Case, viewer: Person, origin: Origin = COMMAND_ORIGIN) -> None:
    """Record that ``viewer`` saw the customer's contact details unmasked."""
    event_record(
        EventType.CUSTOMER_CONTACT_VIEWED,
        actor=viewer,
        subject=case.customer,
        subject_label=case.number,
        payload={"customer": case.customer_id},
        origin=origin,
    )


# Why a follower's details are kept (개인정보 보호법 제15조: the purpose, told at consent).
FOLLOWER_PURPOSE = "공개 과제·정책 분야 진행 보고 안내"


def follower_register(
    *, kind: str, name: str, email: str, affiliation: str = "", field: str = ""
) -> Customer:
    """The customer record of a follower (an expert or another agency's official) who
    consented to it: the one already kept for the same kind and address, or a new one."""
    if kind not in notices.FOLLOWER_KINDS:
        raise ValidationError({"kind": _("정책전문가나 타부처 공무원만 구독할 수 있습니다.")})
    if not name.strip():
        raise ValidationError({"name": _("이름을 입력하세요.")})
    if not email.strip():
        raise ValidationError({"email": _("구독 알림을 받을 이메일을 입력하세요.")})
    found = (
        Customer.objects.filter(kind=kind, email__iexact=email.strip())
        .order_by("-created_at")
        .first()
    )
    if found is not None:
        return found
    version = rule_version(kind="case_types", on=timezone.localdate())
    years = {r.kind: r.years for r in version.rule.retention}
    now = timezone.now()
    return Customer.objects.create(
        kind=kind,
        name=name.strip()[:100],
        email=email.strip()[:254],
        affiliation=affiliation.strip()[:200],
        field=field.strip()[:200],
        purpose=FOLLOWER_PURPOSE,
        consent_version=CONSENT_VERSION,
        consented_at=now,
        retain_until=_years_later(timezone.localdate(now), years.get(kind, 3)),
    )


def case_stage_set(
    *, case: Case, stage: str, actor: Person, origin: Origin = COMMAND_ORIGIN
) -> Case:
    """Move the case to one of its type's stages (처리 단계); the customer reads each move."""
    with transaction.atomic():
        case = _locked(case, actor)
        stages = case_stages(case)
        if stage not in stages:
            raise ValidationError({"stage": _("이 민원 유형의 처리 단계를 고르세요.")})
        if stage == case.stage:
            raise ValidationError({"stage": _("이미 그 단계에 있습니다.")})
        changes = {"stage": [case.stage, stage]}
        case.stage = stage
        case.status = CaseStatus.EXTENDED if case.extended else CaseStatus.IN_PROGRESS
        case.save(update_fields=["stage", "status"])
        CaseStep.objects.create(
            case=case,
            status=CaseStatus.IN_PROGRESS,
            occurred_at=timezone.now(),
            unit_name=case.handling_unit.name if case.handling_unit else "",
            stage=stage,
            actor=actor,
        )
        _record(EventType.CASE_STAGE_CHANGED, case, actor, origin, changes, stage=stage)
    return case


def case_link_task(
    *, case: Case, task: Task, actor: Person, origin: Origin = COMMAND_ORIGIN
) -> CaseLink:
    """Link a task card to the case: its progress reports shared with customers show on the
    case's status page."""
    with transaction.atomic():
        case = _locked(case, actor)
        if case.links.filter(task=task).exists():
            raise ValidationError({"task": _("이미 연결된 과제입니다.")})
        link = CaseLink.objects.create(case=case, task=task, linked_by=actor)
        _record(
            EventType.CASE_LINKED, case, actor, origin, {"task": [None, task.title]}, kind="task"
        )
    return link


def case_link_document(
    *, case: Case, document: Document, actor: Person, origin: Origin = COMMAND_ORIGIN
) -> CaseLink:
    """Link an approval document the actor may read to the case (the answer's basis)."""
    if not visible_documents(person=actor).filter(pk=document.pk).exists():
        raise ValidationError({"document": _("읽을 수 있는 문서만 연결할 수 있습니다.")})
    with transaction.atomic():
        case = _locked(case, actor)
        if case.links.filter(document=document).exists():
            raise ValidationError({"document": _("이미 연결된 문서입니다.")})
        link = CaseLink.objects.create(case=case, document=document, linked_by=actor)
        _record(
            EventType.CASE_LINKED,
            case,
            actor,
            origin,
            {"document": [None, document.title[:200]]},
            kind="document",
        )
    return link


def case_unlink(
    *, case: Case, link_id: int, actor: Person, origin: Origin = COMMAND_ORIGIN
) -> None:
    """Remove a link made by mistake, while the case is open."""
    with transaction.atomic():
        case = _locked(case, actor)
        link = case.links.select_related("task", "document").filter(pk=link_id).first()
        if link is None:
            raise ValidationError(_("연결을 찾을 수 없습니다."))
        kind, label = (
            ("task", link.task.title) if link.task_id else ("document", link.document.title)
        )
        link.delete()
        _record(
            EventType.CASE_UNLINKED, case, actor, origin, {kind: [label[:200], None]}, kind=kind
        )


def case_attachment_download_record(
    *, case: Case, actor: Person, file: str, origin: Origin = COMMAND_ORIGIN
) -> None:
    """Record that a case's attachment left the system as a file (the customer's words)."""
    event_record(
        EventType.CASE_ATTACHMENT_DOWNLOADED,
        actor=actor,
        subject=case,
        subject_label=case.number,
        changes={"file": file[:200]},
        origin=origin,
    )


# --- Requests between agencies on the platform (issue 9 §4) ------------------------------

# The case type a request from another agency becomes, when the agency's rule has it.
AGENCY_REQUEST_TYPE = "agency_request"


def outgoing_request_send(
    *,
    actor: Person,
    to_agency_id: int | None,
    title: str,
    body: str,
    consent: bool,
    origin: Origin = COMMAND_ORIGIN,
) -> OutgoingRequest:
    """Send a request or query to another agency on the platform. Only the request and who
    asks (name, unit, title) cross; this agency keeps who sent it, to follow it here."""
    errors: dict[str, str] = {}
    if not to_agency_id:
        errors["to_agency"] = _("요청을 받을 기관을 고르세요.")
    if not title.strip():
        errors["title"] = _("제목을 입력하세요.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("제목은 %(n)d자까지 입력할 수 있습니다.") % {"n": MAX_TITLE}
    if not body.strip():
        errors["body"] = _("내용을 입력하세요.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("내용은 %(n)s자까지 입력할 수 있습니다.") % {"n": f"{MAX_BODY:,}"}
    if not consent:
        errors["consent"] = _("이름·소속·직위가 받는 기관에 전달되는 데 동의해야 보낼 수 있습니다.")
    if not actor.is_active:
        errors["to_agency"] = _("재직 중인 직원만 요청을 보낼 수 있습니다.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sent = exchange.request_send(
            to_agency_id=to_agency_id,
            title=title.strip(),
            body=body.strip(),
            requester_name=actor.name,
            requester_unit=actor.unit.name if actor.unit_id else "",
            requester_title=actor.position.name if actor.position_id else "",
        )
        row = OutgoingRequest.objects.create(
            exchange_request_id=sent.pk,
            requester=actor,
            unit_id=actor.unit_id,
            to_agency_name=sent.to_agency.name_ko,
            title=sent.title,
            sent_at=sent.sent_at,
        )
        event_record(
            EventType.AGENCY_REQUEST_SENT,
            actor=actor,
            subject=row,
            subject_label=f"{sent.to_agency.name_ko}: {sent.title}"[:200],
            person_id=actor.pk,
            unit_id=actor.unit_id,
            payload={"to_agency": sent.to_agency.code or ""},
            changes={"agency_request": [None, sent.pk], "to_agency": sent.to_agency.name_ko},
            origin=origin,
        )
    return row


def incoming_request_receive(*, pk: int, actor: Person, origin: Origin = COMMAND_ORIGIN) -> Case:
    """Receive a request from another agency's official as a case (접수): the customer is
    that official (타부처 공무원), reached through the channel; the channel reads 접수."""
    if not is_customer_officer(actor) or not actor.is_active:
        raise ValidationError(_("다른 기관의 요청은 고객 담당관이 접수합니다."))
    with transaction.atomic():
        request = exchange.request_receive(pk=pk)
        types = [
            t.code for t in rule_version(kind="case_types", on=timezone.localdate()).rule.types
        ]
        code = AGENCY_REQUEST_TYPE if AGENCY_REQUEST_TYPE in types else types[0]
        affiliation = " ".join(
            part
            for part in (
                request.from_agency.name_ko,
                request.requester_unit,
                request.requester_title,
            )
            if part
        )
        case, _token = case_receive(
            intake=Intake(
                kind=CustomerKind.OFFICIAL,
                name=request.requester_name,
                email="",
                phone="",
                case_type=code,
                title=request.title,
                body=request.body,
                affiliation=affiliation,
                # Given on the sending agency's form: nothing crosses without it.
                consent=True,
                agency_code=request.from_agency.code or "",
            ),
            channel=Channel.AGENCY,
            actor=actor,
            origin=origin,
            exchange_request_id=request.pk,
        )
    return case


MAX_COMMENT = 2_000
FOLLOW_UP_DAYS = 7
SURVEY_ORIGIN = Origin(request_id="customers.survey")
ANSWERED_TWICE = gettext_lazy(
    "이미 이 민원의 만족도 조사에 응답하셨습니다. 응답은 한 번만 할 수 있습니다."
)


def _check_answers(answers: list, questions: int, scale: int) -> list[int]:
    """The answers as integers on the scale, one per question; Korean refusal otherwise."""
    try:
        values = [int(a) for a in answers]
    except (TypeError, ValueError):
        values = []
    if len(values) != questions or any(not 1 <= v <= scale for v in values):
        raise ValidationError(
            {"answers": _("모든 문항에 1점에서 %(n)d점 사이로 답하세요.") % {"n": scale}}
        )
    return values


def _scores(values: list[int], scale: int) -> tuple[Decimal, Decimal]:
    """The mean on the survey's scale and on 0–100 (1 → 0, the top point → 100)."""
    mean = Decimal(sum(values)) / len(values)
    score = (mean - 1) * 100 / (scale - 1)
    return (
        mean.quantize(Decimal("0.01"), ROUND_HALF_UP),
        score.quantize(Decimal("0.1"), ROUND_HALF_UP),
    )


def survey_answer(
    *, case: Case, answers: list, comment: str = "", origin: Origin = COMMAND_ORIGIN
) -> SurveyResponse:
    """Record the customer's one answer to the survey of their closed case (고객만족도),
    reached through the private status link. A second answer, an answer to an open case or
    after the survey closed is refused in Korean and nothing is written. A mean at or below
    the rule's threshold opens a follow-up task for the head of the handling unit."""
    survey = survey_of(case)
    if survey is None:
        raise ValidationError(_("처리가 끝난 민원에만 만족도 조사에 응답할 수 있습니다."))
    if survey.answered:
        raise ValidationError(ANSWERED_TWICE)
    if not survey.is_open:
        raise ValidationError(
            _("응답 기간(%(date)s까지)이 지나 응답할 수 없습니다.")
            % {"date": survey.closes_on.isoformat()}
        )
    rule = survey.version.rule
    values = _check_answers(answers, len(rule.questions), rule.scale)
    comment = (comment or "").strip() if rule.comment else ""
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {"comment": _("의견은 %(n)s자까지 입력할 수 있습니다.") % {"n": f"{MAX_COMMENT:,}"}}
        )
    mean, score = _scores(values, rule.scale)
    try:
        with transaction.atomic():
            locked = (
                Case.objects.select_for_update(of=("self",))
                .select_related("handling_unit__head")
                .get(pk=case.pk)
            )
            response = SurveyResponse.objects.create(
                case=locked,
                rule_version_id=survey.version.id,
                scale=rule.scale,
                answers=values,
                mean=mean,
                score=score,
                low=mean <= rule.low_mean,
                comment=comment,
                answered_at=timezone.now(),
            )
            event_record(
                EventType.SURVEY_ANSWERED,
                actor=None,
                subject=response,
                subject_label=str(_("만족도 응답")),
                person_id=locked.assignee_id,
                unit_id=locked.handling_unit_id,
                payload={
                    "case_type": locked.case_type,
                    "person": locked.assignee_id,
                    "unit": locked.handling_unit_id,
                    "scale": rule.scale,
                    "mean": float(mean),
                    "score": float(score),
                    "low": response.low,
                },
                origin=origin,
            )
            tally_answered(locked, score=score, low=response.low)
            if response.low:
                _follow_up_open(locked, rule.low_mean)
    except IntegrityError:
        # Answered a moment ago from another tab: the one-to-one key refused this one.
        if SurveyResponse.objects.filter(case_id=case.pk).exists():
            raise ValidationError(ANSWERED_TWICE) from None
        raise
    return response


def _follow_up_open(case: Case, threshold: Decimal) -> None:
    """A task card for the head of the handling unit: review the case whose satisfaction
    was low. It names the case, never the customer's answers or comment. Without a head,
    nothing is opened (the results page still counts the low scores)."""
    from core.work.models import Priority
    from core.work.services import task_create

    unit = case.handling_unit
    head = unit.head if unit else None
    if head is None or not head.is_active:
        return
    today = timezone.localdate()
    task_create(
        actor=head,
        owner=head,
        unit=unit,
        title=_("고객만족도 후속 조치: 민원 %(number)s") % {"number": case.number},
        plan=_(
            "고객만족도 조사 응답의 평균이 기준(%(n)s점 이하)에 들었습니다. 처리 과정을 "
            "점검하고 개선 조치를 기록하세요. (만족도 조사가 자동으로 등록한 과제)"
        )
        % {"n": f"{threshold.normalize():f}"},
        start_date=today,
        due_date=add_working_days(today, FOLLOW_UP_DAYS),
        priority=Priority.HIGH,
        origin=SURVEY_ORIGIN,
    )


def survey_results_export_record(
    *, actor: Person, period: str, origin: Origin = COMMAND_ORIGIN
) -> None:
    """Record that ``actor`` downloaded the satisfaction results of ``period``."""
    event_record(
        EventType.SURVEY_RESULTS_EXPORTED,
        actor=actor,
        changes={"filters": period},
        origin=origin,
    )
