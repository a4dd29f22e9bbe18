"""Read cycles, goals and attainment, with the access rules of one place.

Who sees what (rules.md §4: each person sees their own; evaluations are never shared with
colleagues): every active member sees the cycles and the agency's goals; a unit's goals, its
members; a person's goals and attainment, the person, their rater and confirmer, the head
of their unit (as the cycle has them), HR officers and agency admins."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, prefetch_related_objects

from core.org.models import Person
from core.org.selectors import can_manage_org
from core.performance.definitions import definitions_by_code
from core.performance.measures import ZERO, Tally, attainment, value, weighted
from core.performance.models import (
    Cycle,
    CycleMember,
    CycleStatus,
    CycleUnit,
    Goal,
    Indicator,
    Level,
    Source,
)
from core.performance.models import Tally as TallyRow
from core.portal.params import digits_to_int


def _member(person: Person | None) -> bool:
    return person is not None and person.is_active


def cycles_visible_to(person: Person | None) -> QuerySet[Cycle]:
    """Every cycle for an active member (what is evaluated when is no secret)."""
    return Cycle.objects.all() if _member(person) else Cycle.objects.none()


def cycle_for(person: Person | None, pk) -> Cycle | None:
    if (cycle_id := digits_to_int(pk)) is None:
        return None
    return cycles_visible_to(person).filter(pk=cycle_id).first()


def current_cycle(person: Person | None, cycles: list[Cycle] | None = None) -> Cycle | None:
    """The open cycle the person is evaluated in, else the latest open one, else the latest
    (among ``cycles`` when the caller has read them already)."""
    if not _member(person):
        return None
    if cycles is None:
        cycles = list(cycles_visible_to(person)[:20])
    open_ = [c for c in cycles if c.status == CycleStatus.OPEN]
    if len(open_) > 1:
        mine = set(CycleMember.objects.filter(cycle__in=open_, person=person)
                   .values_list("cycle_id", flat=True))
        open_ = [c for c in open_ if c.pk in mine] or open_
    return (open_ or cycles or [None])[0]


def units_headed(person: Person | None, cycle: Cycle) -> QuerySet[CycleUnit]:
    """The units whose dashboards ``person`` watches in ``cycle``: those they head (as the
    cycle has them, or now), every unit for HR officers and agency admins."""
    if not _member(person):
        return CycleUnit.objects.none()
    units = CycleUnit.objects.filter(cycle=cycle).order_by("name", "id")
    if can_manage_org(person):
        return units
    return units.filter(Q(head=person) | Q(unit__head=person))


def goals_visible_to(person: Person | None, cycle: Cycle | None = None) -> QuerySet[Goal]:
    """The goals ``person`` may read (see the module's rule)."""
    if not _member(person):
        return Goal.objects.none()
    goals = Goal.objects.select_related("cycle", "unit", "person").prefetch_related(
        "indicators")
    if cycle is not None:
        goals = goals.filter(cycle=cycle)
    if can_manage_org(person):
        return goals
    # Each relation within the goal's own cycle: heading a unit in one cycle opens nothing
    # of another cycle's.
    headed = CycleUnit.objects.filter(Q(head=person) | Q(unit__head=person),
                                      cycle_id=OuterRef("cycle_id"), unit_id=OuterRef("unit_id"))
    mine = CycleMember.objects.filter(person=person, cycle_id=OuterRef("cycle_id"),
                                      unit_id=OuterRef("unit_id"))
    related = CycleMember.objects.filter(
        Q(rater=person) | Q(confirmer=person) | Q(unit__in=CycleUnit.objects.filter(
            Q(head=person) | Q(unit__head=person), cycle_id=OuterRef(OuterRef("cycle_id")))
            .values("unit_id")),
        cycle_id=OuterRef("cycle_id"), person_id=OuterRef("person_id"))
    return goals.filter(
        Q(level=Level.AGENCY) | Q(person=person)
        | Q(level=Level.UNIT) & (Exists(mine) | Exists(headed))
        | Q(level=Level.PERSON) & Exists(related))


def may_see_person(viewer: Person | None, cycle: Cycle, person_id: int) -> bool:
    """Whether ``viewer`` may see ``person_id``'s goals and attainment in ``cycle``."""
    if not _member(viewer):
        return False
    if viewer.pk == person_id or can_manage_org(viewer):
        return True
    member = CycleMember.objects.filter(cycle=cycle, person_id=person_id).first()
    if member is None:
        return False
    return viewer.pk in (member.rater_id, member.confirmer_id) or units_headed(
        viewer, cycle).filter(unit_id=member.unit_id).exists()


def may_edit_person_goals(viewer: Person | None, cycle: Cycle, person_id: int) -> bool:
    return may_see_person(viewer, cycle, person_id)


def may_edit_unit_goals(viewer: Person | None, cycle: Cycle, unit_id: int) -> bool:
    return units_headed(viewer, cycle).filter(unit_id=unit_id).exists()


# --- Attainment -----------------------------------------------------------------------------

@dataclass
class IndicatorNow:
    indicator: Indicator
    value: Decimal | None
    attainment: Decimal


@dataclass
class GoalNow:
    goal: Goal
    indicators: list[IndicatorNow]
    attainment: Decimal


@dataclass
class OwnerNow:
    """A person's (or a unit's) goals now, and their attainment."""

    goals: list[GoalNow] = field(default_factory=list)
    attainment: Decimal = Decimal(0)
    weight_total: int = 0

    @property
    def complete(self) -> bool:
        return self.weight_total == 100


def _indicator_now(indicator: Indicator, tallies: dict[str, Tally], definitions) -> IndicatorNow:
    if indicator.source == Source.MANUAL:
        current = indicator.value
    else:
        definition = definitions.get(indicator.code)
        current = value(definition, tallies.get(indicator.code, ZERO)) if definition else None
    return IndicatorNow(indicator, current,
                        attainment(current, indicator.target, indicator.direction))


def owner_now(goals: list[Goal], tallies: dict[str, Tally], definitions) -> OwnerNow:
    """Attainment of one owner's goals: each indicator against its target, weighted within
    its goal, the goals weighted (rules.md §4: weights sum to 100)."""
    now = OwnerNow()
    for goal in goals:
        indicators = [_indicator_now(i, tallies, definitions) for i in goal.indicators.all()]
        reached = weighted((i.indicator.weight, i.attainment) for i in indicators)
        now.goals.append(GoalNow(goal, indicators, reached))
        now.weight_total += goal.weight
    now.attainment = weighted((g.goal.weight, g.attainment) for g in now.goals)
    return now


def _tally_rows(rows) -> dict[int, dict[str, Tally]]:
    by_person: dict[int, dict[str, Tally]] = {}
    for person_id, code, count, total, hits in rows:
        by_person.setdefault(person_id, {})[code] = Tally(count, total, hits)
    return by_person


def _summed(tallies: list[dict[str, Tally]]) -> dict[str, Tally]:
    total: dict[str, Tally] = {}
    for person in tallies:
        for code, tally in person.items():
            total[code] = total.get(code, ZERO) + tally
    return total


@dataclass
class MemberNow:
    member: CycleMember
    now: OwnerNow


@dataclass
class UnitBoard:
    cycle: Cycle
    unit: CycleUnit
    now: OwnerNow
    members: list[MemberNow]


def unit_board(cycle: Cycle, unit: CycleUnit) -> UnitBoard:
    """A unit head's dashboard: the unit's goals and attainment (its members' tallies added
    up) and each member's, now (five queries, whatever the unit's size)."""
    definitions = definitions_of(cycle)
    members = list(CycleMember.objects.filter(cycle=cycle, unit_id=unit.unit_id)
                   .select_related("person", "grade", "position")
                   .order_by("position__rank", "grade__rank", "person__name"))
    ids = [m.person_id for m in members]
    # One read (PostgreSQL ORs the two indexes: the unit's and the members' goals).
    goals = list(Goal.objects.filter(Q(level=Level.UNIT, unit_id=unit.unit_id)
                                     | Q(level=Level.PERSON, person_id__in=ids), cycle=cycle))
    prefetch_related_objects(goals, "indicators")
    tallies = _tally_rows(TallyRow.objects.filter(cycle=cycle, person_id__in=ids)
                          .values_list("person_id", "code", "count", "total", "hits"))
    rows = [MemberNow(m, owner_now([g for g in goals if g.person_id == m.person_id],
                                   tallies.get(m.person_id, {}), definitions))
            for m in members]
    unit_goals = [g for g in goals if g.level == Level.UNIT]
    return UnitBoard(cycle, unit, owner_now(unit_goals, _summed(list(tallies.values())),
                                            definitions), rows)


def person_now(cycle: Cycle, person_id: int) -> OwnerNow:
    """One person's goals and attainment now."""
    definitions = definitions_of(cycle)
    goals = list(Goal.objects.filter(cycle=cycle, level=Level.PERSON, person_id=person_id)
                 .prefetch_related("indicators"))
    tallies = _tally_rows(TallyRow.objects.filter(cycle=cycle, person_id=person_id)
                          .values_list("person_id", "code", "count", "total", "hits"))
    return owner_now(goals, tallies.get(person_id, {}), definitions)


def agency_now(cycle: Cycle) -> OwnerNow:
    """The agency's goals against every evaluatee's tallies added up (one aggregate)."""
    definitions = definitions_of(cycle)
    goals = list(Goal.objects.filter(cycle=cycle, level=Level.AGENCY)
                 .prefetch_related("indicators"))
    sums = (TallyRow.objects.filter(cycle=cycle).values("code")
            .annotate(c=Sum("count"), t=Sum("total"), h=Sum("hits")).order_by())
    tallies = {row["code"]: Tally(row["c"], row["t"], row["h"]) for row in sums}
    return owner_now(goals, tallies, definitions)


def definitions_of(cycle: Cycle):
    """Code → indicator definition the cycle measures by."""
    return definitions_by_code(cycle.definitions_id,
                               cycle.definitions.created_at if cycle.definitions_id else None)
