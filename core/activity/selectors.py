"""Read activity records and performance cards, with the access rules built in.

One access helper per object type: ``record_for`` (and ``visible_records``) for activity
records, ``card_for`` (and ``card_people``) for the performance card. Everything else
— pages, the API, reports — reads through them."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.activity.models import (
    ActivityRecord,
    CardEntry,
    CardEntryKind,
    EvidenceType,
    RecordStatus,
)
from core.org.models import Person, PersonStatus, Position, RoleCode, Unit
from core.org.selectors import (
    appointment_of,
    appointments_of,
    can_manage_org,
    role_codes,
    unit_members_on,
)
from core.portal.params import digits_to_int
from core.work.models import ProgressReport


def is_member(person: Person | None) -> bool:
    return person is not None and person.is_active


# --- the org history: unit and rater on a date ----------------------------------------------

def unit_on(person: Person, on: date) -> Unit | None:
    """The unit the person served in on ``on`` by their primary appointment; for someone
    with no recorded history at all, the unit they are in now."""
    appointment = appointment_of(person, on)
    if appointment is not None:
        return appointment.unit
    if not person.appointments.exists():
        return person.unit
    return None


def head_on(unit: Unit, on: date) -> Person | None:
    """The head of ``unit`` on ``on``: whoever served in it then in a head's post (org
    history), else the head the unit names."""
    heads = set(Position.objects.filter(is_head=True).values_list("pk", flat=True))
    for placement in unit_members_on(unit, on):
        if placement.position_id in heads:
            return Person.objects.filter(pk=placement.person_id).first()
    return unit.head


def rater_of(person: Person, on: date) -> Person | None:
    """The rater (평가자) of the person's work on ``on``: the head of the unit they served in
    then; for a head, the head of the unit above (no one rates their own work)."""
    unit = unit_on(person, on)
    while unit is not None:
        head = head_on(unit, on)
        if head is not None and head.pk != person.pk and head.is_active:
            return head
        unit = unit.parent
    return None


def headed_unit_ids(person: Person) -> list[int]:
    """The units the person heads now (unit heads' views of their unit's members)."""
    if RoleCode.UNIT_HEAD not in role_codes(person):
        return []
    return list(Unit.objects.filter(head=person).values_list("pk", flat=True))


# --- activity records -------------------------------------------------------------------------

def visible_records(person: Person | None) -> QuerySet[ActivityRecord]:
    """Records ``person`` may read: their own, those they are to confirm, and — for a unit
    head — those earned in the units they head."""
    if not is_member(person):
        return ActivityRecord.objects.none()
    scope = Q(person=person) | Q(rater=person)
    if units := headed_unit_ids(person):
        scope |= Q(unit_id__in=units)
    return (ActivityRecord.objects.filter(scope)
            .select_related("person", "unit", "rater").prefetch_related("files"))


def record_for(*, person: Person | None, pk) -> ActivityRecord | None:
    """The record ``pk`` if ``person`` may read it, else None (answered as not found)."""
    if (record_id := digits_to_int(pk)) is None:
        return None
    return visible_records(person).filter(pk=record_id).first()


@dataclass(frozen=True)
class Period:
    since: date | None = None
    until: date | None = None


def record_list(*, records: QuerySet[ActivityRecord], period: Period = Period(),
                kind: str = "", status: str = "", person_id: int | None = None
                ) -> QuerySet[ActivityRecord]:
    if period.since:
        records = records.filter(occurred_on__gte=period.since)
    if period.until:
        records = records.filter(occurred_on__lte=period.until)
    if kind:
        records = records.filter(kind=kind)
    if status:
        records = records.filter(status=status)
    if person_id:
        records = records.filter(person_id=person_id)
    return records.order_by("-occurred_on", "-id")


def my_records(*, person: Person, **filters) -> QuerySet[ActivityRecord]:
    return record_list(records=visible_records(person).filter(person=person), **filters)


def records_to_confirm(*, person: Person) -> QuerySet[ActivityRecord]:
    """Records added by hand that wait for ``person``'s confirmation, oldest first."""
    if not is_member(person):
        return ActivityRecord.objects.none()
    return (ActivityRecord.objects.filter(rater=person, status=RecordStatus.PENDING)
            .select_related("person", "unit").prefetch_related("files")
            .order_by("occurred_on", "id"))


def can_decide(person: Person | None, record: ActivityRecord) -> bool:
    return (is_member(person) and record.status == RecordStatus.PENDING
            and record.rater_id == person.pk and record.person_id != person.pk)


def evidence_for(*, person: Person, evidence_type: str, evidence_id) -> object | None:
    """The object a record points at, if ``person`` may read it — through the object
    type's own access helper (never a bare lookup)."""
    from core.approvals.selectors import document_for
    from core.customers.selectors import case_for
    from core.work.selectors import instruction_for, memo_for, task_for

    if (pk := digits_to_int(evidence_id)) is None:
        return None
    helpers = {
        EvidenceType.DOCUMENT: lambda: document_for(person=person, pk=pk),
        EvidenceType.TASK: lambda: task_for(person=person, pk=pk),
        EvidenceType.MEMO: lambda: memo_for(person=person, pk=pk),
        EvidenceType.INSTRUCTION: lambda: instruction_for(person=person, pk=pk),
        EvidenceType.CASE: lambda: case_for(person, pk),
    }
    helper = helpers.get(evidence_type)
    return helper() if helper is not None else None


EVIDENCE_URLS = {
    EvidenceType.DOCUMENT: "approvals:document",
    EvidenceType.TASK: "work:task",
    EvidenceType.MEMO: "work:memo",
    EvidenceType.INSTRUCTION: "work:instruction",
    EvidenceType.CASE: "cases:detail",
}


# --- the performance card (성과관리카드) -------------------------------------------------------

def card_for(*, viewer: Person | None, person: Person | int) -> Person | None:
    """The official whose card ``viewer`` may read, else None: their own; everyone's for
    HR officers and agency admins; a unit head's current members' (by the org history
    today, so a head who moved no longer sees the unit they left)."""
    if not is_member(viewer):
        return None
    person_id = person if isinstance(person, int) else person.pk
    if (found := card_people(viewer).filter(pk=person_id).first()) is not None:
        return found
    return None


def card_people(viewer: Person | None) -> QuerySet[Person]:
    """Everyone whose card ``viewer`` may read (the card access rule, as a queryset)."""
    if not is_member(viewer):
        return Person.objects.none()
    people = Person.objects.select_related("unit", "grade", "position")
    if can_manage_org(viewer):
        return people
    scope = Q(pk=viewer.pk)
    if units := headed_unit_ids(viewer):
        today = timezone.localdate()
        members = {p.person_id for unit in units for p in unit_members_on(unit, today)}
        # People with no recorded history are where the directory puts them.
        scope |= Q(pk__in=members) | Q(unit_id__in=units, appointments__isnull=True,
                                       status=PersonStatus.ACTIVE)
    return people.filter(scope).distinct()


def may_write_entry(*, author: Person | None, person: Person, kind: str) -> bool:
    """Who adds which entries: HR officers and agency admins any kind (external evaluations
    and audits, evaluation results, achievements); a unit head — of the person's unit now —
    superiors' opinions and achievements. Nobody writes on their own card."""
    if not is_member(author) or author.pk == person.pk:
        return False
    if can_manage_org(author):
        return True
    if kind not in (CardEntryKind.OPINION, CardEntryKind.ACHIEVEMENT):
        return False
    return card_for(viewer=author, person=person) is not None and bool(
        headed_unit_ids(author))


def writable_kinds(*, author: Person, person: Person) -> list[tuple[str, str]]:
    return [(value, label) for value, label in CardEntryKind.choices
            if may_write_entry(author=author, person=person, kind=value)]


def card_entries(*, person: Person, kind: str = "") -> QuerySet[CardEntry]:
    entries = CardEntry.objects.filter(person=person).select_related("author", "unit")
    return entries.filter(kind=kind) if kind else entries


def card_entry_for(*, viewer: Person, pk) -> CardEntry | None:
    if (entry_id := digits_to_int(pk)) is None:
        return None
    entry = CardEntry.objects.select_related("person", "author").filter(pk=entry_id).first()
    if entry is None or card_for(viewer=viewer, person=entry.person_id) is None:
        return None
    return entry


def card(*, person: Person) -> dict:
    """What the card shows: the career (appointments), entries by kind, and the counts of
    activity records by year."""
    entries = list(card_entries(person=person))
    by_kind = {value: [e for e in entries if e.kind == value]
               for value in CardEntryKind.values}
    years = (ActivityRecord.objects.filter(person=person)
             .exclude(status=RecordStatus.RETURNED)
             .values("occurred_on__year").annotate(n=Count("id"))
             .order_by("-occurred_on__year"))
    return {"appointments": list(appointments_of(person)), "sections": [
        (value, label, by_kind[value]) for value, label in CardEntryKind.choices],
        "record_years": [(row["occurred_on__year"], row["n"]) for row in years]}


# --- reports -----------------------------------------------------------------------------------

def progress_reports(*, period: Period, person: Person | None = None,
                     unit: Unit | None = None) -> QuerySet[ProgressReport]:
    """Task cards' progress reports in the period: those the person wrote, or those on the
    unit's task cards (the 2005 Harmony counted them as reports)."""
    reports = ProgressReport.objects.select_related("task", "author")
    if person is not None:
        reports = reports.filter(author=person)
    if unit is not None:
        reports = reports.filter(task__unit=unit)
    if period.since:
        reports = reports.filter(reported_at__date__gte=period.since)
    if period.until:
        reports = reports.filter(reported_at__date__lte=period.until)
    return reports.order_by("reported_at", "id")
