"""Electronic approval moves. Each one locks the document, checks the transition, writes the
steps and a history row, and appends the audit event, all in one transaction; a move that
lost a race finds the document changed and is refused with "already handled"."""

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from core.approvals.models import (
    CONTINUOUS,
    ActionKind,
    ApprovalStep,
    Attachment,
    Circulation,
    Disclosure,
    Document,
    DocumentAction,
    DocumentRecipient,
    DocumentStatus,
    DocumentVersion,
    PolicyParticipant,
    Retention,
    SerialCounter,
    SignMark,
    StepRole,
    StepStatus,
)
from core.approvals.selectors import (
    absent_people_acted_for,
    effect_days,
    is_policy_type,
    may_circulate,
    may_register_absence,
    reads_by_role_only,
)
from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.korean import with_particle
from core.org import services as org_services
from core.org.models import Absence, Person, PersonStatus, Unit
from core.policies.selectors import rule_version

MAX_BODY_CHARS = 200_000
TAG = re.compile(r"<[a-zA-Z][^>]*>")
# Whitespace, no-break and zero-width spaces: a body of only these is empty.
INVISIBLE = re.compile(r"[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]+")
MAX_ATTACHMENTS = 10
# Office documents used in government (HWP/HWPX included), PDF, images, text and archives.
ATTACHMENT_TYPES = {
    "pdf", "hwp", "hwpx", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "txt",
    "csv", "png", "jpg", "jpeg", "gif", "zip",
}
EDITABLE = (DocumentStatus.DRAFT, DocumentStatus.RETURNED, DocumentStatus.WITHDRAWN)
OPEN = (DocumentStatus.IN_PROGRESS, DocumentStatus.HELD)


class AlreadyHandled(ValidationError):
    """The document moved on before this action could apply (another signer, a withdrawal)."""

    def __init__(self):
        super().__init__(_("이미 처리된 문서입니다. 화면을 새로 고쳐 확인하세요."))


@dataclass(frozen=True)
class LineEntry:
    """One box on a proposed approval line; co-operators with ``parallel`` are asked at once."""

    person: Person
    role: str
    parallel: bool = False


@dataclass(frozen=True)
class Participant:
    """정책실명제: someone who took part in a policy meeting on the draft."""

    name: str
    affiliation: str = ""
    remark: str = ""
    meeting_on: date | None = None


MAX_PARTICIPANTS = 50
UNCHANGED = object()  # document_edit: a value not given stays as it is


def _check_management(retention: str | None, classification: str | None) -> None:
    if retention is not None and retention not in Retention.values:
        raise ValidationError({"retention": _("보존기간을 목록에서 고르세요.")})
    if classification is not None and len(classification.strip()) > 100:
        raise ValidationError({"classification": _("분류는 100자까지 적을 수 있습니다.")})


def _check_effective_on(rule: dict, effective_on: date | None) -> None:
    if effective_on is None:
        return
    if effect_days(rule) is None:
        raise ValidationError({"effective_on": _(
            "효력 발생일은 공고 문서에만 지정합니다.")})
    if effective_on < timezone.localdate():
        raise ValidationError({"effective_on": _("효력 발생일은 오늘이나 그 뒤여야 합니다.")})


def _check_participants(rule: dict, participants) -> list[Participant]:
    participants = [p for p in participants if p.name.strip() or p.affiliation.strip()
                    or p.remark.strip()]
    if participants and not is_policy_type(rule):
        raise ValidationError({"participants": _(
            "회의 참석자는 정책실명제 대상 문서에만 적습니다.")})
    if len(participants) > MAX_PARTICIPANTS:
        raise ValidationError({"participants": _("회의 참석자는 %(n)d명까지 적을 수 있습니다.")
                               % {"n": MAX_PARTICIPANTS}})
    for p in participants:
        if not p.name.strip():
            raise ValidationError({"participants": _("회의 참석자의 성명을 적으세요.")})
        if len(p.name.strip()) > 50 or len(p.affiliation.strip()) > 100 or len(
                p.remark.strip()) > 500:
            raise ValidationError({"participants": _(
                "회의 참석자의 성명은 50자, 소속·직위는 100자, 발언 요지는 500자까지 적을 수 "
                "있습니다.")})
    return participants


def _write_participants(document: Document, participants: list[Participant]) -> None:
    document.policy_participants.all().delete()
    PolicyParticipant.objects.bulk_create(
        PolicyParticipant(document=document, name=p.name.strip(),
                          affiliation=p.affiliation.strip(), remark=p.remark.strip(),
                          meeting_on=p.meeting_on) for p in participants)


def body_is_empty(body: str) -> bool:
    """Whether the text shows nothing once its markup is gone: an editor left as
    ``<div><br></div>``, spaces, ``&nbsp;``."""
    text = html.unescape(nh3.clean(body or "", tags=set()))
    return not INVISIBLE.sub("", text)


def _clean_body(body: str) -> str:
    if body_is_empty(body):
        raise ValidationError({"body": _("본문을 입력하세요.")})
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError({"body": _("본문이 너무 깁니다 (최대 %(n)s자).") % {
            "n": f"{MAX_BODY_CHARS:,}"}})
    if not TAG.search(body):  # plain text (the page without JavaScript, the API)
        body = linebreaks(body, autoescape=True)
    return nh3.clean(body)


def _check_attachments(files) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("파일은 %(n)d개까지 붙일 수 있습니다.") % {
            "n": MAX_ATTACHMENTS}})
    for upload in files:
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise ValidationError({"attachments": _(
                "%(name)s 붙일 수 없는 파일 형식입니다.") % {
                "name": with_particle(f"'{upload.name}'", "은")}})
        if upload.size > settings.HARMONY_MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": _(
                "%(name)s 너무 큽니다 (파일당 최대 %(mb)d MB).") % {
                "name": with_particle(f"'{upload.name}'", "이"),
                "mb": settings.HARMONY_MAX_ATTACHMENT_BYTES // 2**20}})


def _attach(document: Document, uploads, written: list) -> None:
    """Store the uploads as the document's attachments, each file before its row; ``written``
    collects the files so the caller can remove them if its transaction fails."""
    for upload in uploads:
        attachment = Attachment(document=document, name=upload.name[:200], size=upload.size,
                                content_type=upload.content_type or "")
        attachment.file.save(upload.name, upload, save=False)
        written.append(attachment.file)
        attachment.save()


@contextmanager
def _files_removed_on_failure():
    """Yield a list for the files a transaction writes; if the transaction fails — the disk
    full at the third file, a refused row — the files are removed with it, so none is left
    behind without its row."""
    written: list = []
    try:
        yield written
    except BaseException:
        for file in written:
            file.storage.delete(file.name)
        raise


def _check_disclosure(disclosure: str, ground: int | None) -> None:
    if disclosure != Disclosure.PUBLIC and not (ground and 1 <= ground <= 8):
        raise ValidationError({"disclosure_ground": _(
            "부분공개·비공개 문서는 정보공개법 제9조제1항 각 호(1~8) 중 근거를 지정하세요.")})


ACTION_EVENTS = {
    ActionKind.SUBMITTED: EventType.DOCUMENT_SUBMITTED,
    ActionKind.APPROVED: EventType.DOCUMENT_APPROVED,
    ActionKind.RETURNED: EventType.DOCUMENT_RETURNED,
    ActionKind.HELD: EventType.DOCUMENT_HELD,
    ActionKind.WITHDRAWN: EventType.DOCUMENT_WITHDRAWN,
    ActionKind.COMPLETED: EventType.DOCUMENT_COMPLETED,
    ActionKind.ACKNOWLEDGED: EventType.DOCUMENT_ACKNOWLEDGED,
    ActionKind.RECEIVED: EventType.DOCUMENT_RECEIVED,
    ActionKind.CIRCULATED: EventType.DOCUMENT_CIRCULATED,
    ActionKind.REVISED: EventType.DOCUMENT_REVISED,
    ActionKind.SKIPPED: EventType.DOCUMENT_SKIPPED,
}
NOTED = {EventType.DOCUMENT_APPROVED, EventType.DOCUMENT_RETURNED, EventType.DOCUMENT_HELD,
         EventType.DOCUMENT_SKIPPED}


def _record(document: Document, actor: Person, kind: str, origin: Origin, note: str = "", *,
            audience=(), **payload) -> None:
    """Keep the document's history row and record the move as its typed event, told to
    ``audience`` (people on the line or circulated: all of them may read the document)."""
    DocumentAction.objects.create(document=document, actor=actor, kind=kind, note=note,
                                  version=document.version)
    event_type = ACTION_EVENTS[kind]
    payload = {"title": document.title[:200], "status": document.status, **payload}
    if event_type in NOTED:
        payload["note"] = note[:500]
    event_record(event_type, actor=actor, subject=document, person_id=document.drafter_id,
                 unit_id=document.handling_unit_id, audience=audience, payload=payload,
                 changes={"status": document.status, "note": note[:500]}, origin=origin)


def _pending_people(document: Document) -> list[int]:
    """Who holds a turn on the document now (told that it waits for them)."""
    return list(document.steps.filter(status=StepStatus.PENDING)
                .values_list("person_id", flat=True))


def _close_open_turns(document: Document) -> None:
    """The document left the line (회수, 반려): no box still says it is someone's turn, nor
    counts as a turn waiting with them."""
    document.steps.filter(status__in=[StepStatus.PENDING, StepStatus.HELD]).update(
        status=StepStatus.WAITING, opened_at=None)


def _waited(step: ApprovalStep) -> int:
    """Seconds the step's turn waited with its signer before they acted."""
    if step.opened_at is None or step.acted_at is None:
        return 0
    return max(0, int((step.acted_at - step.opened_at).total_seconds()))


def document_draft(*, drafter: Person, title: str, body: str, document_type: str = "general",
                   disclosure: str = Disclosure.PUBLIC, disclosure_ground: int | None = None,
                   recipient_units=(), external_recipients=(), attachments=(), via: str = "",
                   retention: str | None = None, classification: str | None = None,
                   effective_on: date | None = None, participants=(),
                   origin: Origin = COMMAND_ORIGIN) -> Document:
    """Write a new draft (기안) in the drafter's unit, addressed to internal units and/or
    external addressees (no recipient: 내부결재). 보존기간 and 분류 default to the type's
    rule; a 공고 may name its effective date; a policy document its meeting's participants
    (정책실명제)."""
    if not title.strip():
        raise ValidationError({"title": _("제목을 입력하세요.")})
    if drafter.unit_id is None:
        raise ValidationError(_("소속 부서가 없는 직원은 기안할 수 없습니다."))
    rule = _known_type(document_type)
    _check_disclosure(disclosure, disclosure_ground)
    _check_management(retention, classification)
    _check_effective_on(rule, effective_on)
    participants = _check_participants(rule, participants)
    _check_attachments(attachments)
    with _files_removed_on_failure() as written, transaction.atomic():
        document = Document.objects.create(
            title=title.strip(), body=_clean_body(body), document_type=document_type,
            drafter=drafter, handling_unit_id=drafter.unit_id, disclosure=disclosure,
            via=via.strip()[:200],
            disclosure_ground=disclosure_ground if disclosure != Disclosure.PUBLIC else None,
            retention=retention or rule.get("retention") or Retention.YEARS_3,
            classification=(rule.get("classification") or "" if classification is None
                            else classification.strip()),
            policy_record=is_policy_type(rule), effective_on=effective_on,
            effect_days=effect_days(rule),
        )
        _write_participants(document, participants)
        DocumentRecipient.objects.bulk_create(
            [DocumentRecipient(document=document, unit=unit) for unit in set(recipient_units)]
            + [DocumentRecipient(document=document, external_name=name.strip()[:200])
               for name in external_recipients if name.strip()])
        _attach(document, attachments, written)
        event_record(EventType.DOCUMENT_DRAFTED, actor=drafter, subject=document,
                     person_id=drafter.pk, unit_id=document.handling_unit_id,
                     payload={"title": document.title[:200]}, origin=origin,
                     changes={"retention": document.retention,
                              "classification": document.classification,
                              "effective_on": str(effective_on or ""),
                              "participants": [p.name.strip() for p in participants]})
    return document


# 검토 before 협조 before 결재 (rules §1: drafter → reviewers → co-operators → approver).
ROLE_ORDER = {StepRole.REVIEWER: 0, StepRole.COOPERATOR: 1, StepRole.APPROVER: 2}
# The head of the agency and their deputy (standard model 장관·차관, ranks 1–2) stand above
# every unit's chain: they may sign any type the rules give to a lower position.
AGENCY_WIDE_RANK = 2


def _validate_line(line: list[LineEntry], drafter: Person) -> None:
    if not line or line[-1].role != StepRole.APPROVER:
        raise ValidationError(_("결재선의 마지막에는 결재권자가 있어야 합니다."))
    if sum(entry.role == StepRole.APPROVER for entry in line) != 1:
        raise ValidationError(_("결재권자는 한 명이어야 합니다."))
    ranks = [ROLE_ORDER[entry.role] for entry in line]
    if ranks != sorted(ranks):
        raise ValidationError(_("결재선은 검토, 협조, 결재 순서여야 합니다."))
    same_unit = [entry.person.name for entry in line if entry.role == StepRole.COOPERATOR
                 and entry.person.unit_id == drafter.unit_id]
    if same_unit:
        raise ValidationError(_("협조자는 기안자와 다른 부서의 직원이어야 합니다: %(names)s")
                              % {"names": ", ".join(same_unit)})
    people = [entry.person.pk for entry in line]
    if len(set(people)) != len(people):
        raise ValidationError(_("같은 사람이 결재선에 두 번 들어 있습니다."))
    if drafter.pk in people:
        raise ValidationError(_("기안자는 자신의 결재선에 들어갈 수 없습니다."))
    departed = [entry.person.name for entry in line if not entry.person.is_active]
    if departed:
        raise ValidationError(_("퇴직·전출한 직원은 결재선에 넣을 수 없습니다: %(names)s")
                              % {"names": ", ".join(departed)})


def _line_orders(line: list[LineEntry]) -> list[int]:
    """Sequential boxes get the next order; a parallel co-operator shares the previous one."""
    orders, order = [], 0
    for index, entry in enumerate(line):
        previous = line[index - 1] if index else None
        shares = (entry.parallel and previous is not None and previous.parallel
                  and entry.role == previous.role == StepRole.COOPERATOR)
        order += 0 if shares else 1
        orders.append(order)
    return orders


def document_submit(*, document: Document, line: list[LineEntry], actor: Person,
                    origin: Origin = COMMAND_ORIGIN) -> Document:
    """Send the draft up its approval line (상신); a returned or withdrawn document goes up
    again as a new version, with a new line."""
    _validate_line(line, document.drafter)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.drafter_id != actor.pk:
            raise ValidationError(_("기안자만 상신할 수 있습니다."))
        if document.status not in EDITABLE:
            raise AlreadyHandled
        check_authority(document_type=document.document_type, approver=line[-1].person,
                        handling_unit=document.handling_unit)
        if document.status != DocumentStatus.DRAFT:
            document.version += 1
        document.steps.all().delete()
        orders = _line_orders(line)
        now = timezone.now()
        ApprovalStep.objects.bulk_create(
            ApprovalStep(document=document, order=order, role=entry.role, person=entry.person,
                         status=StepStatus.PENDING if order == 1 else StepStatus.WAITING,
                         opened_at=now if order == 1 else None)
            for entry, order in zip(line, orders, strict=True)
        )
        DocumentVersion.objects.create(document=document, version=document.version,
                                       title=document.title, body=document.body)
        document.status = DocumentStatus.IN_PROGRESS
        document.submitted_at = now
        document.save(update_fields=["status", "version", "submitted_at"])
        first = [entry.person.pk for entry, order in zip(line, orders, strict=True) if order == 1]
        _record(document, actor, ActionKind.SUBMITTED, origin, audience=first)
    return document


def _my_turn(document: Document, actor: Person) -> ApprovalStep:
    """The open step of the actor, or of someone absent today for whom the actor acts (대결);
    ``acted_by`` is set on the step in the second case."""
    open_steps = document.steps.filter(status__in=[StepStatus.PENDING, StepStatus.HELD])
    step = open_steps.filter(person=actor).first()
    if step is None:
        absent = absent_people_acted_for(acting=actor, on=timezone.localdate())
        step = open_steps.filter(person__in=absent).first()
        if step is not None and document.drafter_id == actor.pk:
            # Nobody signs on their own document, also not as someone's acting official.
            raise ValidationError(_("자신이 기안한 문서에는 대결할 수 없습니다."))
        if step is not None:
            step.acted_by = actor
            return step
        if document.steps.filter(person=actor).exclude(status=StepStatus.WAITING).exists():
            raise AlreadyHandled
        raise ValidationError(_("이 문서를 결재할 차례가 아닙니다."))
    step.acted_by = None  # the person acts in their own right, even after a proxy's hold
    return step


def _lock_open(document: Document) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status not in OPEN:
        raise AlreadyHandled
    return document


def step_approve(*, document: Document, actor: Person, opinion: str = "",
                 origin: Origin = COMMAND_ORIGIN) -> Document:
    """Approve at the actor's turn; the last approval numbers the document and completes it."""
    with transaction.atomic():
        document = _lock_open(document)
        step = _my_turn(document, actor)
        step.status, step.opinion, step.acted_at = StepStatus.APPROVED, opinion, timezone.now()
        # The document type's rule decides 전결 and the register (read once, at the approver).
        rule = _type_rule(document) if step.role == StepRole.APPROVER else {}
        if step.role == StepRole.APPROVER:
            # The rules or the person's position may have changed since 상신.
            check_authority(document_type=document.document_type, approver=step.person,
                            handling_unit=document.handling_unit)
        if step.acted_by_id:
            step.sign_mark = SignMark.PROXY
        elif step.role == StepRole.APPROVER and _signs_by_delegation(rule, actor):
            step.sign_mark = SignMark.DELEGATED
        step.save(update_fields=["status", "opinion", "acted_at", "sign_mark", "acted_by"])
        document.status = DocumentStatus.IN_PROGRESS
        if not _open_next_turn(document, step.order):
            _record(document, actor, ActionKind.APPROVED, origin, opinion,
                    mark=step.sign_mark, waited_seconds=_waited(step))
            _complete(document, actor, origin, rule)
        else:
            document.save(update_fields=["status"])
            _record(document, actor, ActionKind.APPROVED, origin, opinion,
                    audience=[document.drafter_id, *_pending_people(document)],
                    mark=step.sign_mark, waited_seconds=_waited(step))
    return document


def type_rule(document_type: str) -> dict | None:
    """The delegation rule (위임전결규정) in force today for a document type, None if the
    rules do not know the type (the standard model's rules where the agency has none)."""
    rules = rule_version(kind="delegation", on=timezone.localdate()).rule.rules
    return next((rule.model_dump(exclude_none=True) for rule in rules
                 if rule.document_type == document_type), None)


def _known_type(document_type: str) -> dict:
    rule = type_rule(document_type)
    if rule is None:
        raise ValidationError({"document_type": _(
            "위임전결규정에 없는 문서 유형입니다: %(type)s") % {"type": document_type}})
    return rule


def _type_rule(document: Document) -> dict:
    return type_rule(document.document_type) or {}


def _unit_chain(unit) -> list[int]:
    """The unit and the units above it (the chain its documents go up)."""
    chain = []
    while unit is not None and unit.pk not in chain:
        chain.append(unit.pk)
        unit = unit.parent
    return chain


def check_authority(*, document_type: str, approver: Person, handling_unit) -> None:
    """규정 §1 (위임전결규정): the last signer holds the position the rules give the type, or
    a higher one in the same chain of units (the agency's head and deputy: any chain).
    Someone lower cannot sign it; a 대결 is the absent approver's acting official signing
    in their box, so the line still names the approver."""
    from core.org.models import Position

    rule = _known_type(document_type)
    required = Position.objects.filter(code=rule["final_position"]).first()
    position = approver.position
    if required is None or position is None or position.rank > required.rank or (
            position.rank > AGENCY_WIDE_RANK
            and approver.unit_id not in _unit_chain(handling_unit)):
        raise ValidationError(_(
            "'%(type)s' 문서의 결재권자는 %(position)s 이상이어야 합니다 (위임전결규정). "
            "%(name)s 님은 결재할 수 없습니다. 결재권자가 부재 중이면 결재권자를 그대로 두고 "
            "대결자가 대결합니다.") % {
            "type": rule.get("name") or document_type,
            "position": required.name if required else rule["final_position"],
            "name": approver.name})


def _signs_by_delegation(rule: dict, approver: Person) -> bool:
    """전결: the final signature comes from the position the delegation rules name for this
    document type, below the head of the agency (rank 1), who signs in their own right."""
    position = approver.position
    return bool(position and position.rank > 1 and rule.get("final_position") == position.code)


def _open_next_turn(document: Document, order: int) -> bool:
    """Open the next boxes once every box of this order has approved; False when none left."""
    done = [StepStatus.APPROVED, StepStatus.SKIPPED]
    if document.steps.filter(order=order).exclude(status__in=done).exists():
        return True
    following = document.steps.filter(order__gt=order).order_by("order").first()
    if following is None:
        return False
    document.steps.filter(order=following.order).update(status=StepStatus.PENDING,
                                                         opened_at=timezone.now())
    return True


def _complete(document: Document, actor: Person, origin: Origin, rule: dict) -> None:
    """Number the document at the approver's signature and close it: in the handling unit's
    register, or in its type's own register when its delegation rule gives it one."""
    now = timezone.now()
    register = rule.get("register", "unit")
    if register == "unit":
        year, serial = _next_serial(unit_id=document.handling_unit_id, on=now)
    else:
        year, serial = _next_serial(register=document.document_type, on=now,
                                    continuous=register == "continuous")
        document.register = document.document_type
        document.register_name = rule.get("name") or document.document_type
    document.status, document.approved_at = DocumentStatus.APPROVED, now
    document.year, document.serial = year, serial
    if document.effect_days is not None and document.effective_on is None:  # 규정 제6조③
        document.effective_on = timezone.localdate(now) + timedelta(days=document.effect_days)
    document.save(update_fields=["status", "year", "serial", "approved_at", "register",
                                 "register_name", "effective_on"])
    # 도달주의: the document takes effect as it reaches its recipients, now.
    document.recipients.update(dispatched_at=now)
    line = list(document.steps.values_list("person_id", flat=True))
    _record(document, actor, ActionKind.COMPLETED, origin,
            audience=[document.drafter_id, *line], number=document.number,
            handling_seconds=int((now - (document.submitted_at or now)).total_seconds()))


def _next_serial(*, on, unit_id: int | None = None, register: str = "",
                 continuous: bool = False) -> tuple[int, int]:
    """Take the next number of a register: the unit's yearly one (shared by produced and
    received documents) or a document type's. The row lock makes concurrent takers queue,
    so numbers are gap-free."""
    year = CONTINUOUS if continuous else timezone.localdate(on).year
    key = {"handling_unit_id": unit_id, "register": register, "year": year}
    SerialCounter.objects.bulk_create([SerialCounter(**key)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(**key)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return year, counter.last_serial


def step_return(*, document: Document, actor: Person, reason: str,
                origin: Origin = COMMAND_ORIGIN) -> Document:
    """Send the document back to the drafter (반려); a reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("반려 사유를 입력하세요.")})
    with transaction.atomic():
        document = _lock_open(document)
        step = _my_turn(document, actor)
        step.status, step.opinion, step.acted_at = StepStatus.RETURNED, reason, timezone.now()
        step.save(update_fields=["status", "opinion", "acted_at", "acted_by"])
        _close_open_turns(document)  # a parallel co-operator's turn ends with it
        document.status = DocumentStatus.RETURNED
        document.save(update_fields=["status"])
        _record(document, actor, ActionKind.RETURNED, origin, reason,
                audience=[document.drafter_id], waited_seconds=_waited(step))
    return document


def step_hold(*, document: Document, actor: Person, reason: str,
              origin: Origin = COMMAND_ORIGIN) -> Document:
    """Pause the document at the actor's turn (보류); they can approve or return it later."""
    if not reason.strip():
        raise ValidationError({"reason": _("보류 사유를 입력하세요.")})
    with transaction.atomic():
        document = _lock_open(document)
        step = _my_turn(document, actor)
        if step.status == StepStatus.HELD:
            raise AlreadyHandled
        step.status, step.opinion = StepStatus.HELD, reason
        step.save(update_fields=["status", "opinion", "acted_by"])
        document.status = DocumentStatus.HELD
        document.save(update_fields=["status"])
        _record(document, actor, ActionKind.HELD, origin, reason,
                audience=[document.drafter_id])
    return document


def document_withdraw(*, document: Document, actor: Person,
                      origin: Origin = COMMAND_ORIGIN) -> Document:
    """Take the document back (회수) while nobody on the line has acted on it yet."""
    with transaction.atomic():
        document = _lock_open(document)
        if document.drafter_id != actor.pk:
            raise ValidationError(_("기안자만 회수할 수 있습니다."))
        acted = document.steps.exclude(
            status__in=[StepStatus.PENDING, StepStatus.WAITING, StepStatus.SKIPPED])
        if acted.exists() or document.steps.filter(revised=True).exists():
            raise AlreadyHandled
        waiting = _pending_people(document)
        _close_open_turns(document)
        document.status = DocumentStatus.WITHDRAWN
        document.save(update_fields=["status"])
        _record(document, actor, ActionKind.WITHDRAWN, origin, audience=waiting)
    return document


def step_acknowledge(*, document: Document, actor: Person,
                     origin: Origin = COMMAND_ORIGIN) -> Document:
    """후결: the absent person acknowledges what their acting official signed for them."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        step = document.steps.filter(person=actor, sign_mark=SignMark.PROXY).first()
        if step is None:
            raise ValidationError(_("후결할 문서가 아닙니다."))
        if step.acknowledged_at is not None:
            raise AlreadyHandled
        step.acknowledged_at = timezone.now()
        step.save(update_fields=["acknowledged_at"])
        _record(document, actor, ActionKind.ACKNOWLEDGED, origin)
    return document


def absence_register(*, person: Person, acting: Person, kind: str, starts_on, ends_on,
                     reason: str = "", actor: Person, origin: Origin = COMMAND_ORIGIN) -> Absence:
    """Register leave or a business trip with the acting official who signs meanwhile. Who
    may register it is the agency's rule; someone else's registration is mailed to them.
    The absence itself belongs to the person's record in org."""
    if not may_register_absence(actor=actor, person=person, on=timezone.localdate()):
        raise ValidationError(_("이 직원의 부재를 등록할 권한이 없습니다 (기관 규칙: 부재 등록 "
                                "권한)."))
    with transaction.atomic():
        absence = org_services.absence_record(person=person, acting=acting, kind=kind,
                                              starts_on=starts_on, ends_on=ends_on,
                                              reason=reason, actor=actor, origin=origin)
        if actor.pk != person.pk and person.email:
            context = {"absence": absence, "by": actor.name}
            transaction.on_commit(lambda: _absence_announce(person.email, context), robust=True)
    return absence


def _absence_announce(email: str, context: dict) -> None:
    """Tell the absent person that someone registered their absence and who signs for them."""
    send_mail(subject=render_to_string("approvals/email/absence_subject.txt", context).strip(),
              message=render_to_string("approvals/email/absence.txt", context),
              from_email=None, recipient_list=[email])


def receipt_register(*, recipient: DocumentRecipient, actor: Person,
                     handler: Person | None = None,
                     origin: Origin = COMMAND_ORIGIN) -> DocumentRecipient:
    """접수: a member of the receiving unit registers the dispatched document in the unit's
    register, which gives it a receipt number, and names its 처리담당자 (themselves unless
    another active member of the unit is named), who handles it and designates its 공람."""
    handler = handler or actor
    if handler.unit_id != actor.unit_id or not handler.is_active:
        raise ValidationError({"handler": _("처리담당자는 수신 부서의 재직 중인 직원이어야 "
                                            "합니다.")})
    with transaction.atomic():
        recipient = (DocumentRecipient.objects.select_for_update().select_related("document")
                     .get(pk=recipient.pk))
        if recipient.unit_id is None or recipient.unit_id != actor.unit_id:
            raise ValidationError(_("수신 부서의 직원만 접수할 수 있습니다."))
        if recipient.dispatched_at is None:
            raise ValidationError(_("아직 시행되지 않은 문서입니다."))
        if recipient.received_at is not None:
            raise AlreadyHandled
        now = timezone.now()
        recipient.receipt_year, recipient.receipt_serial = _next_serial(
            unit_id=recipient.unit_id, on=now)
        recipient.received_at, recipient.received_by = now, actor
        recipient.handler = handler
        recipient.save(update_fields=["receipt_year", "receipt_serial", "received_at",
                                      "received_by", "handler"])
        _record(recipient.document, actor, ActionKind.RECEIVED, origin,
                _("%(number)s · 처리담당자 %(name)s") % {
                    "number": recipient.receipt_number, "name": handler.name},
                audience=[handler.pk], number=recipient.receipt_number)
    return recipient


def document_circulate(*, document: Document, people: list[Person], actor: Person,
                       units: list[Unit] = (), deadline=None,
                       origin: Origin = COMMAND_ORIGIN) -> list[Circulation]:
    """공람: share an approved document with people to read, or with whole units (their
    active members, the designator left out); reading is logged. A received document's
    공람 is designated by its 처리담당자 (see ``may_circulate``)."""
    if document.status != DocumentStatus.APPROVED:
        raise ValidationError(_("결재가 끝난 문서만 공람할 수 있습니다."))
    if not may_circulate(person=actor, document=document):
        raise ValidationError(_("이 문서를 공람할 수 있는 사람은 기안자와 결재선, 접수한 부서의 "
                                "처리담당자, 기록물 열람 담당자입니다 (비공개 문서는 기안자와 "
                                "결재권자만)."))
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": _("공람 기한은 오늘이나 그 뒤여야 합니다.")})
    members = list(Person.objects.filter(unit__in=list(units), status=PersonStatus.ACTIVE)
                   .exclude(pk=actor.pk)) if units else []
    readers = list({person.pk: person for person in [*people, *members]
                    if person.is_active}.values())
    if not readers:
        raise ValidationError({"people": _("공람할 사람이나 부서를 지정하세요.")})
    with transaction.atomic():
        new = [Circulation(document=document, person=person, circulated_by=actor,
                           deadline=deadline) for person in readers]
        Circulation.objects.bulk_create(new, ignore_conflicts=True)
        named = [unit.name for unit in units] + [person.name for person in people]
        _record(document, actor, ActionKind.CIRCULATED, origin, ", ".join(named)[:1000],
                audience=[person.pk for person in readers], readers=len(readers))
    return new


def document_read_record(*, document: Document, reader: Person, signers: list[int],
                         origin: Origin = COMMAND_ORIGIN) -> None:
    """Record a reading that only the records officer role allowed (기록물 열람): whoever
    reads documents they had no part in leaves a trace."""
    if reads_by_role_only(person=reader, document=document, signers=signers):
        event_record(EventType.DOCUMENT_READ_BY_RECORDS_OFFICER, actor=reader,
                     subject=document, origin=origin, changes={"status": document.status})


def document_download_record(*, document: Document, actor: Person, file: str,
                             origin: Origin = COMMAND_ORIGIN) -> None:
    """Record that a document left the system as a file: its PDF or one attachment."""
    event_record(EventType.DOCUMENT_DOWNLOADED, actor=actor, subject=document,
                 origin=origin, changes={"file": file[:200]})


def documents_export_record(*, actor: Person, box: str, filters: dict,
                            origin: Origin = COMMAND_ORIGIN) -> None:
    """Record an XLSX export of a document list, with the box and filters it was taken with."""
    event_record(EventType.DOCUMENTS_EXPORTED, actor=actor, subject_label=box,
                 origin=origin, changes={"box": box, **{k: str(v) for k, v in filters.items()
                                                        if v}})


def circulation_mark_read(*, document: Document, person: Person) -> None:
    """Log the first time a person reads a document circulated to them (no audit event:
    the receipt is the record)."""
    Circulation.objects.filter(document=document, person=person, read_at__isnull=True).update(
        read_at=timezone.now())


def document_edit(*, document: Document, actor: Person, title: str, body: str,
                  document_type: str | None = None, disclosure: str | None = None,
                  disclosure_ground: int | None = None, recipient_units=None,
                  external_recipients=None, attachments=(), via: str | None = None,
                  retention: str | None = None, classification: str | None = None,
                  effective_on=UNCHANGED, participants=None,
                  origin: Origin = COMMAND_ORIGIN) -> Document:
    """Rewrite a draft, or a returned or withdrawn document before it goes up again (the
    text that was submitted stays in its version): its text and, when given, its type,
    disclosure class, recipients, 보존기간, 분류, a 공고's effective date (None: from its
    notice) and a policy document's meeting participants; ``attachments`` are added to
    those it has (임시 저장 keeps them). A new type without 보존기간 or 분류 given brings
    its own defaults."""
    if not title.strip():
        raise ValidationError({"title": _("제목을 입력하세요.")})
    body = _clean_body(body)
    if document_type is not None:
        _known_type(document_type)
    if disclosure is not None:
        _check_disclosure(disclosure, disclosure_ground)
    _check_management(retention, classification)
    with _files_removed_on_failure() as written, transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.drafter_id != actor.pk:
            raise ValidationError(_("기안자만 고칠 수 있습니다."))
        if document.status not in EDITABLE:
            raise AlreadyHandled
        rule = _known_type(document_type or document.document_type)
        if effective_on is UNCHANGED:
            effective_on = document.effective_on
        else:
            _check_effective_on(rule, effective_on)
        if participants is not None:
            participants = _check_participants(rule, participants)
        elif not is_policy_type(rule) and document.policy_participants.exists():
            participants = []  # no longer a policy document: its meeting record goes
        _check_attachments([*document.attachments.all(), *attachments])
        before = {name: getattr(document, name) for name in MANAGED}
        document.title, document.body = title.strip(), body
        fields = ["title", "body"]
        if document_type is not None and document_type != document.document_type:
            document.document_type = document_type
            document.retention = rule.get("retention") or Retention.YEARS_3
            document.classification = rule.get("classification") or ""
            fields += ["document_type", "retention", "classification"]
        document.policy_record = is_policy_type(rule)
        document.effect_days = effect_days(rule)
        document.effective_on = effective_on if document.effect_days is not None else None
        fields += ["policy_record", "effective_on", "effect_days"]
        if retention is not None:
            document.retention = retention
            fields.append("retention")
        if classification is not None:
            document.classification = classification.strip()
            fields.append("classification")
        if via is not None:
            document.via = via.strip()[:200]
            fields.append("via")
        if disclosure is not None:
            document.disclosure = disclosure
            document.disclosure_ground = (disclosure_ground if disclosure != Disclosure.PUBLIC
                                          else None)
            fields += ["disclosure", "disclosure_ground"]
        document.save(update_fields=fields)
        if recipient_units is not None or external_recipients is not None:
            _readdress(document, recipient_units or (), external_recipients or ())
        if participants is not None:
            _write_participants(document, participants)
        _attach(document, attachments, written)
        event_record(EventType.DOCUMENT_EDITED, actor=actor, subject=document,
                     person_id=document.drafter_id, unit_id=document.handling_unit_id,
                     payload={"title": document.title[:200]}, origin=origin,
                     changes=_managed_changes(before, document, participants))
    return document


# 문서관리카드의 관리정보 and the 공고's effective date, audited as they change.
MANAGED = ("retention", "classification", "effective_on", "policy_record")


def _plain(value):
    """A value as the audit trail keeps it (JSON): dates as text, yes/no and none as such."""
    return value if value is None or isinstance(value, bool) else str(value)


def _managed_changes(before: dict, document: Document, participants=None) -> dict:
    changes = {name: [_plain(before[name]), _plain(getattr(document, name))]
               for name in MANAGED if before[name] != getattr(document, name)}
    if participants is not None:
        changes["participants"] = [p.name.strip() for p in participants]
    return changes


def document_management_update(*, document: Document, actor: Person,
                               retention: str | None = None,
                               classification: str | None = None,
                               origin: Origin = COMMAND_ORIGIN) -> Document:
    """Change the 보존기간 or 분류 on the document card until the approver signs: the
    drafter, or a signer whose turn it is, may; once complete they are fixed."""
    _check_management(retention, classification)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status == DocumentStatus.APPROVED:
            raise ValidationError(_("결재가 끝난 문서의 보존기간과 분류는 바꿀 수 없습니다."))
        if actor.pk != document.drafter_id and not (
                document.status in OPEN and _holds_turn(document, actor)):
            raise ValidationError(_("보존기간과 분류는 기안자나 지금 결재할 차례인 사람만 "
                                    "바꿀 수 있습니다."))
        before = {name: getattr(document, name) for name in MANAGED}
        if retention is not None:
            document.retention = retention
        if classification is not None:
            document.classification = classification.strip()
        changes = _managed_changes(before, document)
        if changes:
            document.save(update_fields=["retention", "classification"])
            event_record(EventType.DOCUMENT_EDITED, actor=actor, subject=document,
                         person_id=document.drafter_id, unit_id=document.handling_unit_id,
                         payload={"title": document.title[:200]}, origin=origin,
                         changes=changes)
    return document


def _holds_turn(document: Document, actor: Person) -> bool:
    signers = [actor.pk, *absent_people_acted_for(acting=actor, on=timezone.localdate())
               .values_list("pk", flat=True)]
    return document.steps.filter(person__in=signers,
                                 status__in=[StepStatus.PENDING, StepStatus.HELD]).exists()


def _readdress(document: Document, units, external) -> None:
    """Replace the recipients of a document not yet dispatched."""
    document.recipients.all().delete()
    DocumentRecipient.objects.bulk_create(
        [DocumentRecipient(document=document, unit=unit) for unit in set(units)]
        + [DocumentRecipient(document=document, external_name=name.strip()[:200])
           for name in external if name.strip()])


def step_revise(*, document: Document, actor: Person, title: str, body: str,
                origin: Origin = COMMAND_ORIGIN) -> Document:
    """A reviewer who disagrees rewrites the draft at their turn (검토자의 직접 수정); the text
    becomes a new version, the earlier one is kept, and their box shows "(의견 있음)". A
    co-operator may only write an opinion."""
    if not title.strip():
        raise ValidationError({"title": _("제목을 입력하세요.")})
    body = _clean_body(body)
    with transaction.atomic():
        document = _lock_open(document)
        step = _my_turn(document, actor)
        if step.role != StepRole.REVIEWER:
            raise ValidationError(_("기안문은 검토자만 직접 고칠 수 있습니다. 의견으로 남기세요."))
        document.version += 1
        document.title, document.body = title.strip(), body
        document.save(update_fields=["title", "body", "version"])
        DocumentVersion.objects.create(document=document, version=document.version,
                                       title=document.title, body=document.body)
        step.revised = True
        step.save(update_fields=["revised"])
        _record(document, actor, ActionKind.REVISED, origin, audience=[document.drafter_id],
                version=document.version)
    return document


def step_skip(*, document: Document, actor: Person, reason: str,
              origin: Origin = COMMAND_ORIGIN) -> Document:
    """The drafter passes over a reviewer who cannot review (e.g. travelling) at their turn;
    the reason is shown in the reviewer's box and the next box opens."""
    if not reason.strip():
        raise ValidationError({"reason": _("건너뛰는 사유를 입력하세요.")})
    with transaction.atomic():
        document = _lock_open(document)
        if document.drafter_id != actor.pk:
            raise ValidationError(_("기안자만 검토자를 건너뛸 수 있습니다."))
        step = (document.steps.select_related("person")
                .filter(status=StepStatus.PENDING, role=StepRole.REVIEWER).first())
        if step is None:
            raise ValidationError(_("지금 건너뛸 수 있는 검토자가 없습니다."))
        step.status, step.opinion, step.acted_at = StepStatus.SKIPPED, reason, timezone.now()
        step.save(update_fields=["status", "opinion", "acted_at"])
        _open_next_turn(document, step.order)  # the approver comes last: a next box exists
        _record(document, actor, ActionKind.SKIPPED, origin, f"{step.person.name}: {reason}",
                audience=[step.person_id, *_pending_people(document)])
    return document
