"""Read schedules. Who sees and who edits an entry is decided here, and only here."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from core.org.models import Person
from core.org.selectors import is_agency_admin
from core.schedules.deadlines import Deadline, deadlines_between
from core.schedules.models import KST, Entry, FeedToken, Scope

# The calendar filter tabs: 내 일정 / 부서 일정 / 기관 일정 map onto scopes.
FILTERS = {"mine": Scope.PERSONAL, "unit": Scope.UNIT, "agency": Scope.AGENCY}
FEED_PAST_DAYS = 180
FEED_FUTURE_DAYS = 400


def _active(person: Person | None) -> bool:
    return person is not None and person.is_active


def visible_entries(person: Person | None) -> QuerySet[Entry]:
    """Return the entries ``person`` may see.

    Personal entries: only their owner, except key personal schedules (주요일정), which the
    owner's unit sees too (업무관리 §2: key schedules visible to the unit). Unit entries: the
    unit's members. Agency entries: everyone in the agency."""
    if not _active(person):
        return Entry.objects.none()
    rule = Q(scope=Scope.AGENCY) | Q(owner=person)
    if person.unit_id is not None:
        rule |= Q(scope=Scope.UNIT, unit_id=person.unit_id)
        rule |= Q(scope=Scope.PERSONAL, is_key=True, owner__unit_id=person.unit_id)
    return Entry.objects.filter(rule).select_related("owner", "unit")


def can_edit(person: Person | None, entry: Entry) -> bool:
    """Owner edits; a unit entry also its unit's head; an agency entry only agency admins."""
    if not _active(person):
        return False
    if entry.scope == Scope.AGENCY:
        return is_agency_admin(person)
    if entry.owner_id == person.pk:
        return True
    return entry.scope == Scope.UNIT and entry.unit is not None and entry.unit.head_id == person.pk


def can_create(person: Person | None, scope: str) -> bool:
    """Anyone keeps a personal calendar; unit members post to their unit; admins to the agency."""
    if not _active(person):
        return False
    if scope == Scope.AGENCY:
        return is_agency_admin(person)
    if scope == Scope.UNIT:
        return person.unit_id is not None
    return scope == Scope.PERSONAL


def creatable_scopes(person: Person | None) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Scope.choices if can_create(person, value)]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=KST)


def entries_between(person: Person | None, start: datetime, end: datetime,
                    scope: str = "") -> QuerySet[Entry]:
    """Return the visible entries that overlap [start, end), optionally of one scope."""
    entries = visible_entries(person).filter(starts_at__lt=end, ends_at__gt=start)
    if scope:
        entries = entries.filter(scope=scope)
    return entries.order_by("starts_at", "id")


def feed_entries(person: Person) -> QuerySet[Entry]:
    today = datetime.now(KST).date()
    return entries_between(person, day_start(today - timedelta(days=FEED_PAST_DAYS)),
                           day_start(today + timedelta(days=FEED_FUTURE_DAYS)))


def feed_token_of(person: Person) -> FeedToken | None:
    return FeedToken.objects.filter(person=person).first()


def person_for_feed(key: str) -> Person | None:
    """Return the active person whose feed link carries ``key``, or None."""
    token = (FeedToken.objects.select_related("person", "person__unit")
             .filter(key=key).first() if key else None)
    if token is None or not token.person.is_active:
        return None
    return token.person


@dataclass
class Day:
    date: date
    in_month: bool = True
    entries: list[Entry] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


def _days(first: date, count: int, entries: list[Entry], deadlines: list[Deadline],
          month: int | None = None) -> list[Day]:
    days = [Day(first + timedelta(days=n)) for n in range(count)]
    for day in days:
        day.in_month = month is None or day.date.month == month
    for entry in entries:
        for day in days:
            if entry.first_day <= day.date <= entry.last_day:
                day.entries.append(entry)
    for deadline in deadlines:
        days[(deadline.day - first).days].deadlines.append(deadline)
    return days


def week_start(day: date) -> date:
    """Return the Sunday that starts ``day``'s week (Korean calendars start on Sunday)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _period(person: Person | None, first: date, count: int, scope: str):
    """The entries and, on the person's own calendar views, their deadlines."""
    last = first + timedelta(days=count - 1)
    entries = list(entries_between(person, day_start(first), day_start(last + timedelta(days=1)),
                                   scope))
    own = _active(person) and scope in ("", Scope.PERSONAL)
    return entries, deadlines_between(person, first, last) if own else []


def month_grid(person: Person | None, year: int, month: int,
               scope: str = "") -> tuple[list[list[Day]], int]:
    """Return the month's weeks (Sunday first) with each day's entries and deadlines, and
    how many there are."""
    weeks = calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(year, month)
    first, count = weeks[0][0], 7 * len(weeks)
    entries, deadlines = _period(person, first, count, scope)
    days = _days(first, count, entries, deadlines, month)
    return [days[n:n + 7] for n in range(0, count, 7)], len(entries) + len(deadlines)


def week_days(person: Person | None, anchor: date, scope: str = "") -> tuple[list[Day], int]:
    """Return the seven days (Sunday to Saturday) around ``anchor`` with their entries."""
    first = week_start(anchor)
    entries, deadlines = _period(person, first, 7, scope)
    return _days(first, 7, entries, deadlines), len(entries) + len(deadlines)


def feed_deadlines(person: Person) -> list[Deadline]:
    today = datetime.now(KST).date()
    return deadlines_between(person, today - timedelta(days=FEED_PAST_DAYS),
                             today + timedelta(days=FEED_FUTURE_DAYS))
