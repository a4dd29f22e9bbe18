"""Write customers and cases: intake (public page, staff entry, API), assignment, transfer
(이송), extension with a reason, closure with the answer, revoking the status link, and the
record of each unmasked view of a customer's contact details."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals.services import ATTACHMENT_TYPES
from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.customers import notices
from core.customers.models import (
    Case,
    CaseAttachment,
    CaseCounter,
    CaseStatus,
    CaseStep,
    Channel,
    Customer,
    CustomerKind,
)
from core.customers.selectors import handles
from core.customers.workdays import add_working_days, due_date, working_days_between
from core.org.models import Person, Unit
from core.policies.selectors import rule_version

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
    if not intake.email.strip() and not intake.phone.strip():
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
                    "attachments": _("'%(name)s'은(는) 붙일 수 없는 파일 형식입니다.")
                    % {"name": upload.name}
                }
            )
        if upload.size > settings.HARMONY_MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {
                    "attachments": _("'%(name)s'이(가) 너무 큽니다 (파일당 최대 %(mb)d MB).")
                    % {"name": upload.name, "mb": settings.HARMONY_MAX_ATTACHMENT_BYTES // 2**20}
                }
            )


def case_receive(
    *,
    intake: Intake,
    channel: str,
    actor: Person | None = None,
    attachments=(),
    origin: Origin = COMMAND_ORIGIN,
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
                payload={"number": case.number, "case_type": case.case_type, "channel": channel},
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


def _record(
    event_type: EventType,
    case: Case,
    actor: Person,
    origin: Origin,
    changes: dict | None = None,
    **payload,
) -> None:
    event_record(
        event_type,
        actor=actor,
        subject=case,
        subject_label=case.number,
        person_id=case.assignee_id,
        unit_id=case.handling_unit_id,
        audience=[case.assignee_id] if case.assignee_id else (),
        changes=changes,
        payload={"number": case.number, "case_type": case.case_type, **payload},
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
        _record(EventType.CASE_EXTENDED, case, actor, origin, changes, due_on=new_due.isoformat())
    return case


def _type_days(case: Case) -> int:
    version = rule_version(kind="case_types", on=timezone.localdate(case.received_at))
    found = next((t for t in version.rule.types if t.code == case.case_type), None)
    return found.due_days if found else 14


def case_close(*, case: Case, answer: str, actor: Person, origin: Origin = COMMAND_ORIGIN) -> Case:
    """Close the case with the answer the customer reads (완료)."""
    if not answer.strip():
        raise ValidationError({"answer": _("답변을 입력하세요.")})
    if len(answer) > MAX_BODY:
        raise ValidationError(
            {"answer": _("답변은 %(n)s자까지 입력할 수 있습니다.") % {"n": f"{MAX_BODY:,}"}}
        )
    with transaction.atomic():
        case = _locked(case, actor)
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
    return case


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
