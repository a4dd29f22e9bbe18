"""The transparency views (누가 무엇을 어떻게 처리했는지): an object's timeline, a unit's flow
and a person's record of work, read from the activity events every move records.

What a viewer sees follows the object types' own access helpers (``KINDS``: one per type;
a type missing here shows nowhere — fail closed) and the agency's rule on colleagues'
records (core/policies, 업무 공개 범위)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.approvals.selectors import (
    open_turns,
    turns_waiting_by_person,
    visible_document_ids,
    visible_documents,
)
from core.audit.events import EventType, Visibility, event_label
from core.audit.models import ActivityEvent
from core.org.models import Person, Unit
from core.org.selectors import is_agency_admin
from core.policies.selectors import ColleagueRecords, colleague_records
from core.work.selectors import (
    open_work_by_person,
    visible_instructions,
    visible_memos,
    visible_tasks,
)

# Moves that finish a piece of work, counted in a unit's flow.
FINISHING = [EventType.DOCUMENT_APPROVED, EventType.DOCUMENT_RETURNED,
             EventType.DOCUMENT_COMPLETED, EventType.DOCUMENT_RECEIVED,
             EventType.INSTRUCTION_COMPLETED, EventType.PROGRESS_REPORTED,
             EventType.MEMO_REPLIED]


@dataclass(frozen=True)
class ObjectKind:
    """One object type the timeline shows, with the one helper that says who reads it
    (and, where that helper filters a large table, the same answer as a set of ids)."""

    model_label: str
    name: str
    readable: Callable[[Person], QuerySet]
    url_name: str
    ids: Callable[[Person], QuerySet] | None = None

    def url(self, pk) -> str:
        return reverse(self.url_name, args=[pk])

    def readable_ids(self, viewer: Person) -> QuerySet:
        """The ids the viewer may read, as text (activity events name objects by text id)."""
        if self.ids is not None:
            return self.ids(viewer)
        return (self.readable(viewer).order_by().annotate(text_id=Cast("pk", CharField()))
                .values("text_id"))


KINDS = {
    "document": ObjectKind("approvals.document", _("문서"),
                           lambda person: visible_documents(person=person),
                           "approvals:document",
                           lambda person: visible_document_ids(person=person)),
    "task": ObjectKind("work.task", _("과제"), visible_tasks,
                       "work:task"),
    "memo": ObjectKind("work.memo", _("메모보고"), visible_memos,
                       "work:memo"),
    "instruction": ObjectKind("work.instruction", _("지시사항"),
                              visible_instructions,
                              "work:instruction"),
}
BY_LABEL = {kind.model_label: (key, kind) for key, kind in KINDS.items()}


@dataclass
class Step:
    at: datetime
    label: str
    actor: str
    note: str = ""
    waited: timedelta | None = None  # since the step before: how long it waited with them


@dataclass
class Timeline:
    kind: ObjectKind
    key: str
    pk: int
    title: str
    steps: list[Step]
    waiting: list[tuple[str, timedelta]] = field(default_factory=list)  # open now


def object_timeline(*, viewer: Person, key: str, pk: int, now: datetime) -> Timeline | None:
    """Every recorded step of an object the viewer may read, oldest first, with how long
    each waited; None when the object does not exist or the viewer may not read it."""
    kind = KINDS.get(key)
    if kind is None:
        return None
    target = kind.readable(viewer).filter(pk=pk).first()
    if target is None:
        return None
    events = list(ActivityEvent.objects
                  .filter(object_type=kind.model_label, object_id=str(pk))
                  .exclude(visibility=Visibility.ADMIN)
                  .select_related("audit_event").order_by("id"))
    names = _names({event.actor_person_id for event in events})
    steps, previous = [], None
    for event in events:
        steps.append(Step(at=event.occurred_at, label=event_label(event.type),
                          actor=names.get(event.actor_person_id, ""),
                          note=str(event.payload.get("note", "")),
                          waited=event.occurred_at - previous if previous else None))
        previous = event.occurred_at
    waiting = ([(step.person.name, now - step.opened_at) for step in open_turns(document=target)
                if step.opened_at] if key == "document" else [])
    return Timeline(kind=kind, key=key, pk=pk, title=str(target), steps=steps,
                    waiting=waiting)


def _names(person_ids) -> dict[int, str]:
    ids = [pk for pk in person_ids if pk]
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


# --- a unit's flow -----------------------------------------------------------------------


def can_see_unit_flow(viewer: Person | None, unit: Unit) -> bool:
    return viewer is not None and viewer.is_active and (
        unit.head_id == viewer.pk or is_agency_admin(viewer))


@dataclass
class MemberFlow:
    person: Person
    turns: int = 0
    oldest_wait: timedelta | None = None
    tasks: int = 0
    overdue: int = 0
    instructions: int = 0
    instruction_due: date | None = None
    memos: int = 0
    done_week: int = 0
    done_month: int = 0

    @property
    def waiting(self) -> int:
        return self.turns + self.instructions + self.memos


def unit_flow(*, unit: Unit, now: datetime) -> list[MemberFlow]:
    """What waits with whom in the unit and since when, and what each finished this week
    and month; the most burdened first (where it piles up). A constant number of queries."""
    members = list(Person.objects.filter(unit=unit, status="active")
                   .select_related("position").order_by("name"))
    ids = [person.pk for person in members]
    turns = turns_waiting_by_person(person_ids=ids)
    work = open_work_by_person(person_ids=ids)
    finished = _finished_by_person(ids, now)
    rows = [MemberFlow(person=person, **work.get(person.pk, {}), **_turns(turns, person, now),
                       **finished.get(person.pk, {})) for person in members]
    return sorted(rows, key=lambda row: (-row.waiting, -(row.oldest_wait or timedelta(0))))


def _turns(turns: dict, person: Person, now: datetime) -> dict:
    found = turns.get(person.pk)
    if not found:
        return {}
    return {"turns": found["turns"],
            "oldest_wait": now - found["since"] if found["since"] else None}


def _finished_by_person(ids: list[int], now: datetime) -> dict[int, dict]:
    today = timezone.localtime(now).date()
    month_start = _day_start(today.replace(day=1))
    week_start = _day_start(today - timedelta(days=today.weekday()))
    # Bounds as instants, not ``occurred_at__date``: the (actor, occurred_at) index then
    # reads only this month's moves instead of each member's whole history.
    rows = (ActivityEvent.objects
            .filter(actor_person_id__in=ids, type__in=FINISHING,
                    occurred_at__gte=min(month_start, week_start))
            .values("actor_person_id")
            .annotate(week=Count("id", filter=Q(occurred_at__gte=week_start)),
                      month=Count("id", filter=Q(occurred_at__gte=month_start))))
    return {row["actor_person_id"]: {"done_week": row["week"], "done_month": row["month"]}
            for row in rows}


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` in the agency's time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- a person's record of work -----------------------------------------------------------


def may_see_record(*, viewer: Person | None, person: Person, on) -> bool:
    """Anyone sees their own record; their unit's head and agency admins see it; colleagues
    as the agency's rule says."""
    if viewer is None or not viewer.is_active:
        return False
    if viewer.pk == person.pk or is_agency_admin(viewer):
        return True
    if person.unit_id and person.unit.head_id == viewer.pk:
        return True
    rule = colleague_records(on=on)
    if rule == ColleagueRecords.NONE:
        return False
    return rule == ColleagueRecords.READABLE or viewer.unit_id == person.unit_id


def work_record(*, viewer: Person, person: Person) -> QuerySet[ActivityEvent]:
    """The moves the person made, newest first: all but security records for themselves;
    for anyone else only moves on objects the viewer may read anyway."""
    events = (ActivityEvent.objects.filter(actor_person_id=person.pk)
              .exclude(visibility=Visibility.ADMIN).select_related("audit_event")
              .order_by("-id"))
    if viewer.pk == person.pk:
        return events
    readable = Q()
    for kind in KINDS.values():
        readable |= Q(object_type=kind.model_label, object_id__in=kind.readable_ids(viewer))
    return events.filter(readable, visibility=Visibility.READERS)


@dataclass
class RecordRow:
    at: datetime
    label: str
    title: str
    url: str


def record_rows(events) -> list[RecordRow]:
    """Rows of a record page: each move with a link to its object's timeline."""
    rows = []
    for event in events:
        key, _kind = BY_LABEL.get(event.object_type, (None, None))
        url = reverse("portal:timeline", args=[key, event.object_id]) if key else ""
        rows.append(RecordRow(at=event.occurred_at, label=event_label(event.type),
                              title=event.audit_event.target_label, url=url))
    return rows
