"""Collect activity records (활동실적) from the recorded moves — idempotent.

Each collected record names its source event (unique), so collecting the same moves again —
the on-commit collector and the backfill job racing, a job retried — adds nothing. Which
moves count, and for whom, is one table (``RULES``): a pure reading of the event."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.activity.models import ActivityRecord, EvidenceType, RecordKind, RecordStatus
from core.audit.events import EventType
from core.audit.models import ActivityEvent
from core.org.models import Appointment, Person

BATCH = 1000


@dataclass(frozen=True)
class Rule:
    kind: str
    credited: Callable[[ActivityEvent], int | None]  # whose record it is
    applies: Callable[[ActivityEvent], bool] = lambda event: True


def _actor(event: ActivityEvent) -> int | None:
    return event.actor_person_id


def _concerned(event: ActivityEvent) -> int | None:
    return event.person_id or event.actor_person_id


def _task_done(event: ActivityEvent) -> bool:
    """A task update that moved the task to 완료 (not every later edit of a done task)."""
    status = event.audit_event.changes.get("status")
    return isinstance(status, list) and len(status) == 2 and status[1] == "done"


RULES: dict[str, Rule] = {
    # The drafter of a document whose approval completed (결재 완료).
    EventType.DOCUMENT_COMPLETED: Rule(RecordKind.DOCUMENT, _concerned),
    # The author of a task card's progress report (2005 Harmony counted them as reports).
    EventType.PROGRESS_REPORTED: Rule(RecordKind.PROGRESS, _actor),
    EventType.TASK_UPDATED: Rule(RecordKind.TASK_DONE, _concerned, _task_done),
    EventType.INSTRUCTION_COMPLETED: Rule(RecordKind.INSTRUCTION, _actor),
    EventType.MEMO_SENT: Rule(RecordKind.MEMO, _actor),
    # The case's handler (its assignee), else whoever closed it.
    EventType.CASE_CLOSED: Rule(RecordKind.CASE, _concerned),
}
COLLECTED_TYPES = tuple(str(event_type) for event_type in RULES)
EVIDENCE_TYPES = {value for value in EvidenceType.values}


def _title(event: ActivityEvent) -> str:
    payload = event.payload
    if event.type == EventType.CASE_CLOSED:
        # The number and type only: a case's title may carry the customer's words.
        return f"{payload.get('number', '')} ({payload.get('case_type', '')})"
    return str(payload.get("title") or event.audit_event.target_label)[:200]


def _events_not_collected(events) -> Iterable[ActivityEvent]:
    collected = ActivityRecord.objects.filter(source_event=OuterRef("pk"))
    return (events.filter(type__in=COLLECTED_TYPES).filter(~Exists(collected))
            .select_related("audit_event").order_by("id"))


def records_collect(*, after_id: int = 0, ids: Iterable[int] | None = None,
                    limit: int = BATCH) -> tuple[int, int]:
    """Collect up to ``limit`` moves after ``after_id`` (or exactly ``ids``) not collected
    yet. Return (records added, the last event id looked at; 0 when there was none)."""
    events = ActivityEvent.objects.filter(id__gt=after_id)
    if ids is not None:
        events = events.filter(id__in=list(ids))
    batch = list(_events_not_collected(events)[:limit])
    if not batch:
        return 0, 0
    records = _records_for(batch)
    # A record collected meanwhile (the other path) is skipped by its unique source event.
    ActivityRecord.objects.bulk_create(records, ignore_conflicts=True)
    return len(records), batch[-1].pk


def record_collect_event(event_id: int) -> None:
    """The on-commit collector: collect one move as soon as it is committed."""
    records_collect(ids=[event_id])


def _records_for(events: list[ActivityEvent]) -> list[ActivityRecord]:
    """The records of ``events`` (the rules that apply), each with the unit the person
    served in on the day (their appointments, else the unit the move names)."""
    planned = []
    for event in events:
        rule = RULES.get(event.type)
        if rule is None or not rule.applies(event):
            continue
        person_id = rule.credited(event)
        if person_id is None:
            continue
        planned.append((event, rule, person_id, timezone.localdate(event.occurred_at)))
    people = set(Person.objects.filter(pk__in={p for _e, _r, p, _d in planned})
                 .values_list("pk", flat=True))
    units = units_on({(person_id, day) for _e, _r, person_id, day in planned})
    return [ActivityRecord(
        person_id=person_id, unit_id=units.get((person_id, day)) or event.unit_id,
        kind=rule.kind, title=_title(event) or str(rule.kind), occurred_on=day,
        status=RecordStatus.COLLECTED, source_event_id=event.pk,
        evidence_type=event.object_type if event.object_type in EVIDENCE_TYPES else "",
        evidence_id=event.object_id if event.object_type in EVIDENCE_TYPES else "")
        for event, rule, person_id, day in planned if person_id in people]


def units_on(pairs: set[tuple[int, date]]) -> dict[tuple[int, date], int | None]:
    """(person, day) → the unit of the person's primary appointment on the day, in one
    query for all the people (the org history; nothing reads "the present")."""
    if not pairs:
        return {}
    chains: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in (Appointment.objects.filter(person_id__in={p for p, _d in pairs},
                                                   primary=True)
                        .only("person_id", "unit_id", "starts_on", "ends_on")):
        chains[appointment.person_id].append(appointment)
    found = {}
    for person_id, day in pairs:
        found[(person_id, day)] = next(
            (a.unit_id for a in chains.get(person_id, ())
             if a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)), None)
    return found
