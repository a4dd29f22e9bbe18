"""A few years of plausible history for the demo agencies: each person's 신규임용, the
promotions and transfers that brought them to where they are today, a year's leave (휴직)
for some, and one disciplinary action (견책). Deterministic: the same run gives the same
history. Written in bulk (a demo agency has hundreds of people), ending exactly in each
person's current unit, grade and post."""

import random
from datetime import date, timedelta

from core.org.models import (
    Appointment,
    AppointmentKind,
    DisciplinaryAction,
    DisciplineKind,
    Grade,
    Person,
    Position,
)

LEAVE_SHARE = 0.04  # about one in 25 took a year's leave


def seed_history(*, divisions: list, staff: Person, rng: random.Random,
                 today: date | None = None) -> None:
    """Replace the appointments made while seeding (all dated today) with a history."""
    today = today or date.today()
    grades = sorted(Grade.objects.all(), key=lambda g: g.rank)  # most senior first
    positions = {p.code: p for p in Position.objects.all()}
    Appointment.objects.all().delete()
    rows = []
    for person in Person.objects.select_related("grade", "position").order_by("pk"):
        steps = _career(person, divisions, grades, positions, rng, today,
                        eventful=person.pk == staff.pk)
        rows += _appointments(person, steps)
    Appointment.objects.bulk_create(rows, batch_size=1000)
    _discipline(divisions, staff, rng, today)


def _career(person, divisions, grades, positions, rng, today, *, eventful: bool):
    """Return [(date, kind, unit, grade, position)] from the hire to today's placement."""
    years = rng.randint(3, 12)
    hired = today - timedelta(days=365 * years + rng.randint(0, 300))
    rank_index = grades.index(person.grade) if person.grade in grades else len(grades) - 1
    promotions = min(rng.randint(0, 2), len(grades) - 1 - rank_index, years // 3)
    transfers = rng.randint(0, 2)
    if eventful:  # the demo staff member's page shows a promotion and a transfer
        promotions = max(promotions, min(1, len(grades) - 1 - rank_index))
        transfers = max(transfers, 1)
    kinds = [AppointmentKind.PROMOTION] * promotions + [AppointmentKind.TRANSFER] * transfers
    rng.shuffle(kinds)
    dates = _spread(hired, today, len(kinds), rng)
    grade_index = rank_index + promotions
    # Each transfer moves to another unit; the last one to where the person is today.
    unit = _elsewhere(divisions, person.unit, rng) if transfers else person.unit
    steps = [(hired, AppointmentKind.HIRE, unit, grades[grade_index])]
    left_transfers = transfers
    for day, kind in zip(dates, kinds, strict=True):
        if kind == AppointmentKind.PROMOTION:
            grade_index -= 1
        else:
            left_transfers -= 1
            unit = (person.unit if left_transfers == 0
                    else _elsewhere(divisions, {unit, person.unit}, rng))
        steps.append((day, kind, unit, grades[grade_index]))
    placed = []
    for index, (day, kind, unit, grade) in enumerate(steps):
        last = index == len(steps) - 1
        if last:  # ends exactly where the person is today
            unit, grade, position = person.unit, person.grade, person.position
        else:
            position = positions["deputy" if grade.code in ("G4", "G5") else "officer"]
        placed.append((day, kind, unit, grade, position))
    if years >= 4 and rng.random() < LEAVE_SHARE:
        placed = _with_leave(placed, rng, today)
    return placed


def _elsewhere(divisions, avoid, rng: random.Random):
    avoid = avoid if isinstance(avoid, set) else {avoid}
    return rng.choice([unit for unit in divisions if unit not in avoid] or divisions)


def _spread(start: date, end: date, count: int, rng: random.Random) -> list[date]:
    """``count`` distinct dates between start and end, at least half a year apart."""
    span = (end - start).days
    if count == 0:
        return []
    slot = span // (count + 1)
    return [start + timedelta(days=slot * (i + 1) + rng.randint(-slot // 4, slot // 4))
            for i in range(count)]


def _with_leave(steps, rng, today):
    """A year's leave (휴직) and the return (복직) in the longest stretch of the career."""
    bounds = [step[0] for step in steps[1:]] + [today]
    index = max(range(len(steps)), key=lambda i: (bounds[i] - steps[i][0]).days)
    start, end = steps[index][0], bounds[index]
    if (end - start).days < 2 * 365:
        return steps
    leave = start + timedelta(days=rng.randint(120, (end - start).days - 400))
    _day, _kind, unit, grade, position = steps[index]
    return (steps[: index + 1]
            + [(leave, AppointmentKind.LEAVE, unit, grade, position),
               (leave + timedelta(days=365), AppointmentKind.RETURN, unit, grade, position)]
            + steps[index + 1:])


def _appointments(person, steps) -> list[Appointment]:
    reasons = {AppointmentKind.HIRE: "공개경쟁채용", AppointmentKind.PROMOTION: "정기승진",
               AppointmentKind.TRANSFER: "정기인사", AppointmentKind.LEAVE: "육아휴직",
               AppointmentKind.RETURN: "휴직기간 만료"}
    rows = []
    for index, (day, kind, unit, grade, position) in enumerate(steps):
        following = steps[index + 1][0] if index + 1 < len(steps) else None
        rows.append(Appointment(
            person=person, kind=kind, unit=unit, grade=grade, position=position, starts_on=day,
            ends_on=following - timedelta(days=1) if following else None,
            reason=reasons[kind]))
    return rows


def _discipline(divisions, staff: Person, rng: random.Random, today: date) -> None:
    """One reprimand (견책) two years ago, in another unit than the demo staff member's."""
    person = (Person.objects.filter(unit__in=divisions, position__code="officer")
              .exclude(unit=staff.unit).order_by("pk").first())
    if person is None:
        return
    decided = today - timedelta(days=730 + rng.randint(0, 60))
    DisciplinaryAction.objects.create(person=person, kind=DisciplineKind.REPRIMAND,
                                      decided_on=decided, starts_on=decided,
                                      reason="복무규정 위반(무단 조퇴)")
