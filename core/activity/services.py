"""Write activity records and performance-card entries. Each change: lock, check, write,
one typed event in the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.activity import selectors
from core.activity.models import (
    ActivityRecord,
    CardEntry,
    EvidenceType,
    RecordFile,
    RecordKind,
    RecordStatus,
)
from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.customers.services import check_attachments
from core.org.models import Person
from core.org.selectors import hire_date

MAX_TITLE, MAX_TEXT, MAX_REASON = 200, 5000, 500
MAX_FILES = 5
# A report or a list covers at most this many days (a whole career's card is not a period).
MAX_PERIOD_DAYS = 366 * 5


def _text(value: str, field: str, limit: int, required: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required})
    if len(value) > limit:
        raise ValidationError({field: _("%(n)s자까지 입력할 수 있습니다.") % {"n": f"{limit:,}"}})
    return value


def check_period(since: date | None, until: date | None) -> None:
    """A period runs forwards and spans at most five years."""
    if since and until and since > until:
        raise ValidationError({"until": _("기간의 끝이 시작보다 빠릅니다.")})
    if since and until and (until - since).days > MAX_PERIOD_DAYS:
        raise ValidationError({"until": _("기간은 5년을 넘을 수 없습니다.")})


def _check_day(person: Person, occurred_on: date | None, field: str = "occurred_on") -> date:
    """A day of the person's service: not in the future, not before they joined."""
    if occurred_on is None:
        raise ValidationError({field: _("날짜를 입력하세요.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({field: _("앞으로의 날짜는 입력할 수 없습니다.")})
    joined = hire_date(person)
    if joined is not None and occurred_on < joined:
        raise ValidationError({field: _("임용일(%(day)s) 이전의 날짜는 입력할 수 없습니다.")
                               % {"day": joined.isoformat()}})
    return occurred_on


def _check_evidence(*, actor: Person, evidence_type: str, evidence_id: str, files) -> None:
    if not evidence_type and not evidence_id and not files:
        raise ValidationError({"evidence_id": _("증빙 파일을 붙이거나 증빙 자료를 연결하세요.")})
    if evidence_type or evidence_id:
        if evidence_type not in EvidenceType.values:
            raise ValidationError({"evidence_type": _("증빙 자료의 유형을 고르세요.")})
        found = selectors.evidence_for(person=actor, evidence_type=evidence_type,
                                       evidence_id=evidence_id)
        if found is None:
            raise ValidationError({"evidence_id": _(
                "연결한 증빙 자료를 찾을 수 없거나 열람할 권한이 없습니다.")})
    check_attachments(files, limit=MAX_FILES)


def record_add(*, actor: Person, title: str, description: str = "", occurred_on: date | None,
               evidence_type: str = "", evidence_id: str = "", files=(),
               origin: Origin = COMMAND_ORIGIN) -> ActivityRecord:
    """Add a record by hand, with evidence the actor may read (a file or a linked object);
    it waits for the rater — the head of the unit the actor served in on the day."""
    if not selectors.is_member(actor):
        raise ValidationError(_("재직 중인 직원만 활동실적을 등록할 수 있습니다."))
    title = _text(title, "title", MAX_TITLE, _("제목을 입력하세요."))
    description = (description or "").strip()[:MAX_TEXT]
    occurred_on = _check_day(actor, occurred_on)
    files = list(files)
    evidence_id = str(evidence_id or "").strip()
    _check_evidence(actor=actor, evidence_type=evidence_type, evidence_id=evidence_id,
                    files=files)
    rater = selectors.rater_of(actor, occurred_on)
    if rater is None:
        raise ValidationError(_("실적을 확인할 부서장을 찾을 수 없습니다. 인사담당자에게 "
                                "발령 이력을 확인해 달라고 요청하세요."))
    unit = selectors.unit_on(actor, occurred_on)
    written = []
    try:
        with transaction.atomic():
            record = ActivityRecord.objects.create(
                person=actor, unit=unit, kind=RecordKind.MANUAL, title=title,
                description=description, occurred_on=occurred_on,
                status=RecordStatus.PENDING, evidence_type=evidence_type,
                evidence_id=evidence_id, rater=rater, created_by=actor)
            for upload in files:
                stored = RecordFile(record=record, name=upload.name[:200], size=upload.size,
                                    content_type=upload.content_type or "")
                stored.file.save(upload.name, upload, save=False)
                written.append(stored.file)
                stored.save()
            event_record(EventType.ACTIVITY_RECORD_ADDED, actor=actor, subject=record,
                         person_id=actor.pk, unit_id=unit.pk if unit else None,
                         audience=[rater.pk],
                         payload={"title": title, "kind": RecordKind.MANUAL.value,
                                  "occurred_on": occurred_on.isoformat()},
                         changes={"title": title, "occurred_on": occurred_on.isoformat(),
                                  "evidence": f"{evidence_type}:{evidence_id}" if evidence_id
                                  else ", ".join(f.name for f in files)},
                         origin=origin)
    except Exception:
        for stored_file in written:  # no file left behind by a record that was not written
            stored_file.storage.delete(stored_file.name)
        raise
    return record


def _decide(record: ActivityRecord, actor: Person) -> ActivityRecord:
    locked = ActivityRecord.objects.select_for_update().get(pk=record.pk)
    if locked.person_id == actor.pk:
        raise ValidationError(_("자신의 실적은 확인하거나 반려할 수 없습니다."))
    if locked.rater_id != actor.pk:
        raise ValidationError(_("이 실적의 확인자가 아닙니다."))
    if locked.status != RecordStatus.PENDING:
        raise ValidationError(_("확인 대기 중인 실적이 아닙니다 (현재: %(s)s).")
                              % {"s": locked.get_status_display()})
    return locked


def record_confirm(*, record: ActivityRecord, actor: Person,
                   origin: Origin = COMMAND_ORIGIN) -> ActivityRecord:
    """The rater confirms a record added by hand."""
    with transaction.atomic():
        locked = _decide(record, actor)
        locked.status, locked.decided_at = RecordStatus.CONFIRMED, timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        event_record(EventType.ACTIVITY_RECORD_CONFIRMED, actor=actor, subject=locked,
                     person_id=locked.person_id, unit_id=locked.unit_id,
                     audience=[locked.person_id], payload={"title": locked.title},
                     changes={"status": [str(RecordStatus.PENDING.label),
                                         str(RecordStatus.CONFIRMED.label)]}, origin=origin)
    return locked


def record_return(*, record: ActivityRecord, actor: Person, reason: str,
                  origin: Origin = COMMAND_ORIGIN) -> ActivityRecord:
    """The rater returns a record added by hand, saying why."""
    reason = _text(reason, "reason", MAX_REASON, _("반려 사유를 입력하세요."))
    with transaction.atomic():
        locked = _decide(record, actor)
        locked.status, locked.decided_at = RecordStatus.RETURNED, timezone.now()
        locked.return_reason = reason
        locked.save(update_fields=["status", "decided_at", "return_reason"])
        event_record(EventType.ACTIVITY_RECORD_RETURNED, actor=actor, subject=locked,
                     person_id=locked.person_id, unit_id=locked.unit_id,
                     audience=[locked.person_id], payload={"title": locked.title},
                     changes={"status": [str(RecordStatus.PENDING.label),
                                         str(RecordStatus.RETURNED.label)],
                              "reason": reason}, origin=origin)
    return locked


def records_export_record(*, actor: Person, filters: dict,
                          origin: Origin = COMMAND_ORIGIN) -> None:
    event_record(EventType.ACTIVITY_RECORDS_EXPORTED, actor=actor, subject_label=actor.name,
                 origin=origin, changes={k: str(v) for k, v in filters.items() if v})


def report_export_record(*, actor: Person, label: str, period: str, file_format: str,
                         origin: Origin = COMMAND_ORIGIN) -> None:
    event_record(EventType.PERFORMANCE_REPORT_EXPORTED, actor=actor, subject_label=label[:200],
                 origin=origin, changes={"period": period, "format": file_format})


# --- the performance card ------------------------------------------------------------------------

def card_entry_add(*, actor: Person, person: Person, kind: str, title: str, body: str,
                   occurred_on: date | None, origin: Origin = COMMAND_ORIGIN) -> CardEntry:
    """Add an entry to ``person``'s card: HR the external evaluations, audits and results;
    heads their opinions. The entry keeps the unit the person served in on the day."""
    if not selectors.may_write_entry(author=actor, person=person, kind=kind):
        raise ValidationError({"kind": _("이 직원의 성과관리카드에 이 항목을 기재할 권한이 "
                                         "없습니다.")})
    title = _text(title, "title", MAX_TITLE, _("제목을 입력하세요."))
    body = _text(body, "body", MAX_TEXT, _("내용을 입력하세요."))
    occurred_on = _check_day(person, occurred_on)
    unit = selectors.unit_on(person, occurred_on)
    with transaction.atomic():
        entry = CardEntry.objects.create(
            person=person, kind=kind, title=title, body=body, occurred_on=occurred_on,
            unit=unit, unit_name=unit.name if unit else "", author=actor)
        event_record(EventType.CARD_ENTRY_ADDED, actor=actor, subject=entry,
                     person_id=person.pk, unit_id=unit.pk if unit else None,
                     audience=[person.pk], payload={"kind": kind},
                     changes={"kind": kind, "title": title, "content": body,
                              "occurred_on": occurred_on.isoformat()}, origin=origin)
    return entry


def card_entry_edit(*, entry: CardEntry, actor: Person, title: str, body: str,
                    occurred_on: date | None, origin: Origin = COMMAND_ORIGIN) -> CardEntry:
    """Correct an entry — its author only; the old and new words go to the audit trail."""
    with transaction.atomic():
        locked = CardEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
        if locked.author_id != actor.pk or not selectors.may_write_entry(
                author=actor, person=locked.person, kind=locked.kind):
            raise ValidationError(_("다른 사람이 기재한 항목은 고칠 수 없습니다."))
        fields = {"title": _text(title, "title", MAX_TITLE, _("제목을 입력하세요.")),
                  "body": _text(body, "body", MAX_TEXT, _("내용을 입력하세요.")),
                  "occurred_on": _check_day(locked.person, occurred_on)}
        changes = {name: [str(getattr(locked, name)), str(value)]
                   for name, value in fields.items() if getattr(locked, name) != value}
        if not changes:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        unit = selectors.unit_on(locked.person, locked.occurred_on)
        locked.unit, locked.unit_name = unit, unit.name if unit else ""
        locked.save(update_fields=[*fields, "unit", "unit_name", "updated_at"])
        event_record(EventType.CARD_ENTRY_EDITED, actor=actor, subject=locked,
                     person_id=locked.person_id, unit_id=locked.unit_id,
                     audience=[locked.person_id], payload={"kind": locked.kind},
                     changes=changes, origin=origin)
    return locked
