"""Work management moves. Each one checks who acts, validates, locks what it changes, writes
and appends the audit event in one transaction; bad input raises ValidationError with a
Korean message before anything is written."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals.models import Document
from core.approvals.selectors import visible_documents
from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record, field_changes
from core.korean import with_particle
from core.org.models import Person, Unit
from core.work import selectors
from core.work.models import (
    AssignmentStatus,
    DecisionKind,
    DecisionRecord,
    Instruction,
    InstructionAssignment,
    Memo,
    MemoRecipient,
    MemoReply,
    Priority,
    ProgressReport,
    Task,
    TaskDocument,
    TaskStatus,
)

TASK_FIELDS = ("title", "owner", "unit", "goal", "plan", "start_date", "due_date", "status",
               "priority", "is_public", "topic")
MAX_TEXT_CHARS = 20_000
MAX_RECIPIENTS = 20


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > MAX_TEXT_CHARS:
        raise ValidationError({field: _("내용이 너무 깁니다 (최대 %(n)s자).") % {
            "n": f"{MAX_TEXT_CHARS:,}"}})
    return value


def _check_task_fields(fields: dict) -> None:
    if "title" in fields:
        fields["title"] = _text(fields["title"], "title", _("과제명을 입력하세요."))
    if "topic" in fields:
        fields["topic"] = (fields["topic"] or "").strip()[:100]
    start, due = fields.get("start_date"), fields.get("due_date")
    if start and due and due < start:
        raise ValidationError({"due_date": _("완료 예정일은 시작일보다 빠를 수 없습니다.")})
    if fields.get("status", TaskStatus.PLANNED) not in TaskStatus.values:
        raise ValidationError({"status": _("알 수 없는 상태입니다.")})
    if fields.get("priority", Priority.NORMAL) not in Priority.values:
        raise ValidationError({"priority": _("알 수 없는 중요도입니다.")})
    if "unit" in fields and fields["unit"] is None:
        raise ValidationError({"unit": _("과제의 부서를 지정하세요.")})
    owner = fields.get("owner")
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("퇴직·전출한 직원은 담당자로 지정할 수 없습니다.")})


# --- tasks -------------------------------------------------------------------------------


def _task_event(event_type: EventType, task: Task, actor: Person, origin: Origin, *,
                changes: dict, **payload) -> None:
    """Record a move on a task card; its owner is told when someone else made it."""
    event_record(event_type, actor=actor, subject=task, person_id=task.owner_id,
                 unit_id=task.unit_id, audience=[task.owner_id],
                 payload={"title": task.title[:200], **payload}, changes=changes, origin=origin)


def task_create(*, actor: Person, title: str, owner: Person, unit: Unit | None = None,
                origin: Origin = COMMAND_ORIGIN, **fields) -> Task:
    """Open a task card. Whoever opens it must be able to keep it: the owner themself, the
    head of its unit, or an agency admin."""
    unit = unit or owner.unit
    if unit is None:
        raise ValidationError({"unit": _("과제의 부서를 지정하세요.")})
    fields = {"title": title, "owner": owner, "unit": unit, **fields}
    _check_task_fields(fields)
    _require(selectors.can_edit_task(actor, Task(owner=owner, unit=unit)))
    with transaction.atomic():
        task = Task.objects.create(created_by=actor, **fields)
        _task_event(EventType.TASK_CREATED, task, actor, origin, status=task.status,
                    changes={"owner": str(owner), "unit": str(unit), "status": task.status})
    return task


def task_update(*, task: Task, actor: Person, origin: Origin = COMMAND_ORIGIN,
                **fields) -> Task:
    """Change a task card's heading, plan, dates, status or priority."""
    fields = {name: value for name, value in fields.items() if name in TASK_FIELDS}
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
        _require(selectors.can_edit_task(actor, task))
        merged = {"start_date": task.start_date, "due_date": task.due_date, **fields}
        _check_task_fields(merged)
        fields = {name: merged[name] for name in fields}
        changes = field_changes(task, fields)
        if not changes:
            return task
        if "unit" in fields or "owner" in fields:
            # The new owner and unit must still leave the card with someone who may keep it.
            _require(selectors.can_edit_task(actor, Task(owner=fields.get("owner", task.owner),
                                                         unit=fields.get("unit", task.unit))))
        for name in changes:
            setattr(task, name, fields[name])
        task.save(update_fields=[*changes, "updated_at"])
        _task_event(EventType.TASK_UPDATED, task, actor, origin, status=task.status,
                    changes=changes)
    return task


def progress_report(*, task: Task, actor: Person, percent: int, text: str,
                    share_with_customers: bool = False,
                    origin: Origin = COMMAND_ORIGIN) -> ProgressReport:
    """Report progress (실적) on a task; the card shows the latest percentage. A report
    shared with customers shows on the status page of each case the task is linked to and,
    on a public card, is e-mailed to the card's and its topic's followers
    (core/customers/notices.py), after the commit."""
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("진척률은 0에서 100 사이의 숫자로 입력하세요.")})
    text = _text(text, "text", _("추진 실적을 입력하세요."))
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
        _require(selectors.can_edit_task(actor, task))
        report = ProgressReport.objects.create(task=task, author=actor, percent=percent,
                                               text=text,
                                               share_with_customers=bool(share_with_customers))
        old = task.progress
        task.progress = percent
        task.save(update_fields=["progress", "updated_at"])
        _task_event(EventType.PROGRESS_REPORTED, task, actor, origin, progress=percent,
                    changes={"progress": [old, percent],
                             **({"shared": True} if report.share_with_customers else {})})
        if report.share_with_customers:
            # The explicit link to customer management (issue 9 §3): followers' notices.
            from core.customers.notices import notices_queue_for_report

            notices_queue_for_report(report=report)
    return report


def decision_record(*, task: Task, actor: Person, kind: str, content: str,
                    origin: Origin = COMMAND_ORIGIN) -> DecisionRecord:
    """Append an opinion or a decision to the task's decision process (의사결정 과정)."""
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("의견 또는 결정을 선택하세요.")})
    content = _text(content, "content", _("내용을 입력하세요."))
    with transaction.atomic():
        # Lock the card so records made at the same moment keep one clear order.
        task = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
        _require(selectors.can_record_decision(actor, task, kind))
        record = DecisionRecord.objects.create(task=task, author=actor, kind=kind,
                                               content=content)
        event_type = (EventType.DECISION_RECORDED if kind == DecisionKind.DECISION
                      else EventType.OPINION_RECORDED)
        _task_event(event_type, task, actor, origin, changes={"content": content[:500]})
    return record


def task_link_document(*, task: Task, document: Document, actor: Person,
                       origin: Origin = COMMAND_ORIGIN) -> TaskDocument:
    """Link an approval document to the card; only a document the actor may read."""
    if not visible_documents(person=actor).filter(pk=document.pk).exists():
        raise ValidationError({"document": _("열람 권한이 있는 문서만 연결할 수 있습니다.")})
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
        _require(selectors.can_edit_task(actor, task))
        if TaskDocument.objects.filter(task=task, document=document).exists():
            raise ValidationError({"document": _("이미 연결된 문서입니다.")})
        link = TaskDocument.objects.create(task=task, document=document, linked_by=actor)
        _task_event(EventType.TASK_DOCUMENT_LINKED, task, actor, origin,
                    changes={"document": document.title[:200]})
    return link


def task_unlink_document(*, task: Task, document: Document, actor: Person,
                         origin: Origin = COMMAND_ORIGIN) -> None:
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
        _require(selectors.can_edit_task(actor, task))
        deleted, _rows = TaskDocument.objects.filter(task=task, document=document).delete()
        if not deleted:
            raise ValidationError({"document": _("연결되어 있지 않은 문서입니다.")})
        _task_event(EventType.TASK_DOCUMENT_UNLINKED, task, actor, origin,
                    changes={"document": document.title[:200]})


# --- memo reports ------------------------------------------------------------------------


def _check_people(people, actor: Person, field: str, who: str) -> list[Person]:
    people = list({person.pk: person for person in people}.values())
    if not people:
        raise ValidationError({field: _("%(who)s 한 명 이상 지정하세요.") % {
            "who": with_particle(who, "을")}})
    if len(people) > MAX_RECIPIENTS:
        raise ValidationError({field: _("%(who)s %(n)d명까지 지정할 수 있습니다.") % {
            "who": with_particle(who, "은"), "n": MAX_RECIPIENTS}})
    if any(person.pk == actor.pk for person in people):
        raise ValidationError({field: _("자기 자신은 %(who)s 지정할 수 없습니다.") % {
            "who": with_particle(who, "(으)로")}})
    departed = [person.name for person in people if not person.is_active]
    if departed:
        raise ValidationError({field: _("퇴직·전출한 직원은 지정할 수 없습니다: %(names)s") % {
            "names": ", ".join(departed)}})
    return people


def memo_send(*, actor: Person, recipients, title: str, body: str, task: Task | None = None,
              origin: Origin = COMMAND_ORIGIN) -> Memo:
    """Send a memo report (메모보고) to one or more superiors."""
    _require(selectors.is_member(actor))
    title = _text(title, "title", _("제목을 입력하세요."))[:200]
    body = _text(body, "body", _("내용을 입력하세요."))
    recipients = _check_people(recipients, actor, "recipients", _("받는 사람"))
    with transaction.atomic():
        memo = Memo.objects.create(author=actor, title=title, body=body, task=task)
        MemoRecipient.objects.bulk_create(MemoRecipient(memo=memo, person=person)
                                          for person in recipients)
        event_record(EventType.MEMO_SENT, actor=actor, subject=memo, person_id=actor.pk,
                     unit_id=actor.unit_id, audience=[person.pk for person in recipients],
                     payload={"title": title},
                     changes={"recipients": sorted(person.name for person in recipients)},
                     origin=origin)
    return memo


def memo_mark_read(*, memo: Memo, actor: Person, origin: Origin = COMMAND_ORIGIN) -> bool:
    """Record the read receipt the first time a recipient opens the memo; return whether
    this was that first time. Opening it again, or by the author, records nothing."""
    with transaction.atomic():
        receipt = (MemoRecipient.objects.select_for_update()
                   .filter(memo=memo, person=actor, read_at__isnull=True).first())
        if receipt is None:
            return False
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
        event_record(EventType.MEMO_READ, actor=actor, subject=memo, person_id=memo.author_id,
                     audience=[memo.author_id], payload={"title": memo.title}, origin=origin)
    return True


def memo_reply(*, memo: Memo, actor: Person, body: str,
               origin: Origin = COMMAND_ORIGIN) -> MemoReply:
    """Reply to a memo; its author and recipients may write."""
    body = _text(body, "body", _("답신 내용을 입력하세요."))
    with transaction.atomic():
        memo = Memo.objects.select_for_update().get(pk=memo.pk)
        _require(selectors.memo_for(person=actor, pk=memo.pk) is not None)
        reply = MemoReply.objects.create(memo=memo, author=actor, body=body)
        people = [memo.author_id, *memo.recipients.values_list("person_id", flat=True)]
        event_record(EventType.MEMO_REPLIED, actor=actor, subject=memo,
                     person_id=memo.author_id, audience=people, payload={"title": memo.title},
                     changes={"reply": body[:500]}, origin=origin)
    return reply


# --- instructions ------------------------------------------------------------------------


def instruction_issue(*, actor: Person, assignees, title: str, body: str, due_date: date,
                      task: Task | None = None, origin: Origin = COMMAND_ORIGIN) -> Instruction:
    """Issue an instruction (지시사항) with a due date to one or more people."""
    _require(selectors.can_issue_instructions(actor))
    title = _text(title, "title", _("제목을 입력하세요."))[:200]
    body = _text(body, "body", _("지시 내용을 입력하세요."))
    if due_date is None:
        raise ValidationError({"due_date": _("처리기한을 입력하세요.")})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("처리기한은 오늘 이후로 지정하세요.")})
    assignees = _check_people(assignees, actor, "assignees", _("담당자"))
    with transaction.atomic():
        instruction = Instruction.objects.create(issuer=actor, title=title, body=body,
                                                 due_date=due_date, task=task)
        InstructionAssignment.objects.bulk_create(
            InstructionAssignment(instruction=instruction, assignee=person)
            for person in assignees)
        event_record(EventType.INSTRUCTION_ISSUED, actor=actor, subject=instruction,
                     person_id=actor.pk, unit_id=actor.unit_id,
                     audience=[person.pk for person in assignees],
                     payload={"title": title, "due_date": due_date.isoformat()},
                     changes={"assignees": sorted(person.name for person in assignees),
                              "due_date": due_date.isoformat()}, origin=origin)
    return instruction


def instruction_complete(*, instruction: Instruction, actor: Person, note: str,
                         origin: Origin = COMMAND_ORIGIN) -> InstructionAssignment:
    """The assignee reports their part of the instruction done, with a note."""
    note = _text(note, "note", _("처리 결과를 입력하세요."))
    with transaction.atomic():
        assignment = (InstructionAssignment.objects.select_for_update()
                      .filter(instruction=instruction, assignee=actor).first())
        _require(assignment is not None and selectors.is_member(actor))
        if assignment.status == AssignmentStatus.DONE:
            raise ValidationError(_("이미 완료 처리한 지시사항입니다."))
        assignment.status = AssignmentStatus.DONE
        assignment.note = note
        assignment.done_at = timezone.now()
        assignment.save(update_fields=["status", "note", "done_at"])
        event_record(EventType.INSTRUCTION_COMPLETED, actor=actor, subject=instruction,
                     person_id=actor.pk, unit_id=actor.unit_id,
                     audience=[instruction.issuer_id],
                     payload={"title": instruction.title, "on_time": (
                         timezone.localdate(assignment.done_at) <= instruction.due_date)},
                     changes={"status": [str(AssignmentStatus.OPEN.label),
                                         str(AssignmentStatus.DONE.label)],
                              "note": note[:500]}, origin=origin)
    return assignment
