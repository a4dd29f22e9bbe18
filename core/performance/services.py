"""Write performance management: open and close cycles (with their snapshot of the org
history), set goals and indicators per owner, assign one goal or indicator to many people,
enter an indicator's value with evidence, and recompute every tally from the events.

Every refusal is a Korean message and leaves nothing written; a closed cycle refuses every
change (issue 10: bad input)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.events import EventType
from core.audit.services import COMMAND_ORIGIN, Origin, event_record
from core.korean import with_particle
from core.org.models import Person, Position, Unit
from core.org.selectors import can_manage_org, people_on
from core.performance import selectors
from core.performance.definitions import KIND as DEFINITIONS_KIND
from core.performance.measures import Occurrence, Tally, fold_all
from core.performance.models import (
    Cycle,
    CycleMember,
    CycleStatus,
    CycleUnit,
    Direction,
    Goal,
    Indicator,
    IndicatorEntry,
    Level,
    Scheme,
    Source,
)
from core.performance.models import Tally as TallyRow
from core.policies.models import Policy
from core.policies.selectors import policy_in_force, rule_version

MAX_GOALS = 20
MAX_INDICATORS = 10
MAX_NUMBER = Decimal("999999999999.99")
SCHEME_KINDS = {Scheme.CONTRACT: "performance_contract", Scheme.SERVICE: "service_rating"}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))


def _locked_open(cycle: Cycle, *, key: bool = False) -> Cycle:
    """The cycle, locked; refused once closed (results of a closed cycle never change).
    Edits lock it without blocking the moves being counted (``no_key``); closing and
    recomputing (``key``) wait for them and hold them back."""
    cycle = Cycle.objects.select_for_update(no_key=not key).get(pk=cycle.pk)
    if not cycle.is_open:
        raise ValidationError(_("마감된 평가 주기(%(name)s)는 고칠 수 없습니다.")
                              % {"name": cycle.name})
    return cycle


def number(raw, what: str) -> Decimal:
    """A target or value typed by a person: a plain number, else a Korean refusal."""
    try:
        parsed = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(what)s 숫자로 적으세요: %(raw)s")
                              % {"what": with_particle(what, "은"), "raw": str(raw)[:40]}) from None
    if not parsed.is_finite() or abs(parsed) > MAX_NUMBER:
        raise ValidationError(_("%(what)s 숫자로 적으세요: %(raw)s")
                              % {"what": with_particle(what, "은"), "raw": str(raw)[:40]})
    return parsed.quantize(Decimal("0.01"))


# --- Cycles ---------------------------------------------------------------------------------

def _month_day(value: str, year: int) -> date:
    month, day = (int(part) for part in value.split("-"))
    return date(year, month, day)


def cycle_period(scheme: str, base_date: date) -> tuple[date, date, str]:
    """(first day, last day, name) of the cycle of ``scheme`` ending on ``base_date``:
    성과계약등평가 the year up to the base date; 근무성적평가 the half since the previous base
    date (rules.md §4: base dates 30 June and 31 December, as the agency's rule has them)."""
    kind = SCHEME_KINDS[scheme]
    rule = rule_version(kind=kind, on=base_date).rule
    if scheme == Scheme.CONTRACT:
        if base_date != _month_day(rule.base_date, base_date.year):
            raise ValidationError(_("성과계약등평가의 평가 기준일은 %(d)s입니다.")
                                  % {"d": rule.base_date})
        starts = date(base_date.year - 1, base_date.month, base_date.day) + timedelta(days=1)
        return starts, base_date, _("%(y)s년 성과계약등평가") % {"y": base_date.year}
    bases = sorted(_month_day(v, y) for v in rule.base_dates
                   for y in (base_date.year - 1, base_date.year))
    if base_date not in bases:
        raise ValidationError(_("근무성적평가의 평가 기준일은 %(d)s 중 하나입니다.")
                              % {"d": ", ".join(rule.base_dates)})
    previous = bases[bases.index(base_date) - 1]
    name = _("%(y)s년 %(m)s월 %(d)s일 기준 근무성적평가") % {
        "y": base_date.year, "m": base_date.month, "d": base_date.day}
    return previous + timedelta(days=1), base_date, name


def _evaluated(scheme: str, grade_code: str | None, contract_grades: set[str]) -> bool:
    """성과계약등평가: the grades the agency's rule names (4급 and above by default);
    근무성적평가: everyone else (5급 and below)."""
    in_contract = grade_code in contract_grades
    return in_contract if scheme == Scheme.CONTRACT else (grade_code is not None
                                                          and not in_contract)


def _heads_on(placements) -> dict[int, int]:
    """Unit id → its head on the day: who held a head's post (직위) there by the org history,
    else the unit's head as recorded now."""
    head_posts = set(Position.objects.filter(is_head=True).values_list("pk", flat=True))
    heads = {p.unit_id: p.person_id for p in placements
             if p.unit_id and p.position_id in head_posts}
    for unit_id, head_id in Unit.objects.filter(head__isnull=False).values_list("pk",
                                                                                 "head_id"):
        heads.setdefault(unit_id, head_id)
    return heads


def _rater_of(person_id: int, unit_id: int | None, heads: dict[int, int],
              parents: dict[int, int | None]) -> int | None:
    """The nearest head above ``person_id``: their unit's head, or for the head themself the
    head of a unit above (평가자: the supervisor who observes the work)."""
    seen = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        head = heads.get(unit_id)
        if head is not None and head != person_id:
            return head
        unit_id = parents.get(unit_id)
    return None


def cycle_open(*, scheme: str, base_date: date, actor: Person,
               origin: Origin = COMMAND_ORIGIN) -> Cycle:
    """Open the cycle of ``scheme`` ending on ``base_date``, snapshotting from the org history
    who is evaluated, by whom (평가자, 확인자) and in which units."""
    _require(can_manage_org(actor))
    if scheme not in Scheme.values:
        raise ValidationError(_("알 수 없는 평가 종류입니다."))
    starts_on, ends_on, name = cycle_period(scheme, base_date)
    snapshot_on = min(base_date, timezone.localdate())
    contract = rule_version(kind=SCHEME_KINDS[Scheme.CONTRACT], on=base_date).rule
    with transaction.atomic():
        if Cycle.objects.filter(scheme=scheme, base_date=base_date).exists():
            raise ValidationError(_("같은 기준일의 평가 주기가 이미 있습니다: %(name)s")
                                  % {"name": name})
        cycle = Cycle.objects.create(
            scheme=scheme, name=name, starts_on=starts_on, ends_on=ends_on,
            base_date=base_date, snapshot_on=snapshot_on,
            scheme_rule_id=rule_version(kind=SCHEME_KINDS[scheme], on=base_date).id,
            definitions=policy_in_force(kind=DEFINITIONS_KIND, on=snapshot_on))
        evaluatees = _snapshot(cycle, scheme, set(contract.evaluated_grades))
        event_record(EventType.CYCLE_OPENED, actor=actor, subject=cycle,
                     payload={"scheme": scheme, "base_date": base_date.isoformat(),
                              "evaluatees": evaluatees}, origin=origin)
        _retally(cycle)  # moves already recorded in the period count from the start
    return cycle


def _snapshot(cycle: Cycle, scheme: str, contract_grades: set[str]) -> int:
    from core.org.models import Grade

    placements = people_on(cycle.snapshot_on)
    grade_codes = dict(Grade.objects.values_list("pk", "code"))
    units = {u.pk: u for u in Unit.objects.only("pk", "name", "parent_id")}
    parents = {pk: u.parent_id for pk, u in units.items()}
    heads = _heads_on(placements)
    members = [p for p in placements
               if _evaluated(scheme, grade_codes.get(p.grade_id), contract_grades)]
    unit_ids: set[int] = set()
    for p in members:
        unit_id = p.unit_id
        while unit_id is not None and unit_id not in unit_ids:
            unit_ids.add(unit_id)
            unit_id = parents.get(unit_id)
    CycleUnit.objects.bulk_create(
        [CycleUnit(cycle=cycle, unit_id=pk, name=units[pk].name, parent_id=parents[pk],
                   head_id=heads.get(pk)) for pk in sorted(unit_ids)], batch_size=2000)
    headed = {head: unit for unit, head in heads.items()}
    rows = []
    for p in members:
        rater = _rater_of(p.person_id, p.unit_id, heads, parents)
        rater_unit = headed.get(rater)
        confirmer = (_rater_of(rater, rater_unit, heads, parents) if rater is not None
                     else None)
        rows.append(CycleMember(cycle=cycle, person_id=p.person_id, unit_id=p.unit_id,
                                grade_id=p.grade_id, position_id=p.position_id,
                                rater_id=rater, confirmer_id=confirmer))
    CycleMember.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def cycle_close(*, cycle: Cycle, actor: Person, origin: Origin = COMMAND_ORIGIN) -> Cycle:
    """Close the cycle: its goals, values and tallies stay as they are from now on."""
    _require(can_manage_org(actor))
    with transaction.atomic():
        cycle = _locked_open(cycle, key=True)
        cycle.status, cycle.closed_at = CycleStatus.CLOSED, timezone.now()
        cycle.save(update_fields=["status", "closed_at"])
        event_record(EventType.CYCLE_CLOSED, actor=actor, subject=cycle,
                     changes={"status": [str(CycleStatus.OPEN.label),
                                         str(CycleStatus.CLOSED.label)]},
                     payload={"scheme": cycle.scheme, "base_date": cycle.base_date.isoformat()},
                     origin=origin)
    return cycle


# --- Goals and indicators -------------------------------------------------------------------

@dataclass
class IndicatorInput:
    """An indicator as typed: ``target`` may be text (a form's, an API's) and is checked."""

    name: str
    weight: int
    target: object
    code: str = ""  # an indicator definition's code; empty: entered by hand
    direction: str = ""
    unit_label: str = ""
    id: int | None = None


@dataclass
class GoalInput:
    title: str
    weight: int
    parent_id: int | None = None
    indicators: list[IndicatorInput] = field(default_factory=list)
    id: int | None = None


def _weights_problem(weights: list[int], what: str) -> str | None:
    total = sum(weights)
    if total != 100:
        return _("%(what)s 가중치의 합은 100이어야 합니다 (지금 %(total)s).") % {
            "what": what, "total": total}
    return None


def _check_weight(weight, what: str) -> int:
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        raise ValidationError(_("%(what)s 가중치는 1부터 100 사이의 정수로 적으세요.")
                              % {"what": what})
    return weight


def _indicator_fields(cycle: Cycle, spec: IndicatorInput) -> dict:
    """The indicator's columns from what was typed, checked (Korean refusal otherwise)."""
    name = (spec.name or "").strip()
    definition = selectors.definitions_of(cycle).get(spec.code) if spec.code else None
    if spec.code and definition is None:
        raise ValidationError(_("알 수 없는 지표 정의입니다: %(code)s") % {"code": spec.code})
    name = name or (definition.name if definition else "")
    if not name:
        raise ValidationError(_("지표명을 입력하세요."))
    direction = spec.direction or (definition.direction if definition else Direction.HIGHER)
    if direction not in Direction.values:
        raise ValidationError(_("지표의 방향이 올바르지 않습니다."))
    return {"name": name[:200], "weight": _check_weight(spec.weight, name),
            "target": number(spec.target, _("%(name)s의 목표치") % {"name": name}),
            "source": Source.EVENTS if definition else Source.MANUAL,
            "code": definition.code if definition else "", "direction": direction,
            "unit_label": (spec.unit_label or (definition.unit if definition else ""))[:10]}


def _checked_goals(cycle: Cycle, level: str, goals: list[GoalInput],
                   parents_allowed: set[int]) -> list[tuple[GoalInput, list[dict]]]:
    if not goals:
        raise ValidationError(_("성과목표를 하나 이상 입력하세요."))
    if len(goals) > MAX_GOALS:
        raise ValidationError(_("성과목표는 %(n)s개까지 둘 수 있습니다.") % {"n": MAX_GOALS})
    checked = []
    for goal in goals:
        title = (goal.title or "").strip()
        if not title:
            raise ValidationError(_("목표를 입력하세요."))
        _check_weight(goal.weight, title)
        if goal.parent_id is not None and goal.parent_id not in parents_allowed:
            raise ValidationError(_("%(title)s: 상위 목표는 바로 위 단계의 목표여야 합니다.")
                                  % {"title": title})
        if len(goal.indicators) > MAX_INDICATORS:
            raise ValidationError(_("목표당 지표는 %(n)s개까지입니다.") % {"n": MAX_INDICATORS})
        indicators = [_indicator_fields(cycle, i) for i in goal.indicators]
        if indicators and (problem := _weights_problem(
                [i["weight"] for i in indicators], _("%(t)s의 지표") % {"t": title})):
            raise ValidationError(problem)
        goal.title = title[:200]
        checked.append((goal, indicators))
    if problem := _weights_problem([g.weight for g in goals], _(Level(level).label)):
        raise ValidationError(_("성과목표 %(problem)s") % {"problem": problem})
    return checked


def _parents_allowed(cycle: Cycle, level: str, unit_id: int | None) -> set[int]:
    """The goals a new goal may serve: the agency's for a unit's, the unit's for a person's."""
    if level == Level.UNIT:
        return set(Goal.objects.filter(cycle=cycle, level=Level.AGENCY)
                   .values_list("pk", flat=True))
    if level == Level.PERSON:
        return set(Goal.objects.filter(cycle=cycle, level=Level.UNIT, unit_id=unit_id)
                   .values_list("pk", flat=True))
    return set()


def _owner(cycle: Cycle, level: str, owner_id: int | None, actor: Person) -> dict:
    """The owner's columns, after checking ``actor`` may set that owner's goals."""
    if level == Level.AGENCY:
        _require(can_manage_org(actor))
        return {}
    if level == Level.UNIT:
        _require(owner_id is not None and selectors.may_edit_unit_goals(actor, cycle, owner_id))
        return {"unit_id": owner_id}
    if level == Level.PERSON:
        _require(owner_id is not None
                 and selectors.may_edit_person_goals(actor, cycle, owner_id))
        if not CycleMember.objects.filter(cycle=cycle, person_id=owner_id).exists():
            raise ValidationError(_("이 평가 주기의 평가 대상자가 아닙니다."))
        return {"person_id": owner_id}
    raise ValidationError(_("알 수 없는 목표 단계입니다."))


def _member_unit(cycle: Cycle, person_id: int) -> int | None:
    return (CycleMember.objects.filter(cycle=cycle, person_id=person_id)
            .values_list("unit_id", flat=True).first())


def goals_set(*, cycle: Cycle, level: str, owner_id: int | None, goals: list[GoalInput],
              actor: Person, origin: Origin = COMMAND_ORIGIN) -> list[Goal]:
    """Set one owner's goals and their indicators at once: the goals' weights sum to 100,
    each goal's indicators' too. Goals and indicators named by id are kept (with their
    entered values); the owner's others are removed; new ones are added."""
    with transaction.atomic():
        cycle = _locked_open(cycle)
        owner = _owner(cycle, level, owner_id, actor)
        unit_id = owner.get("unit_id") or (_member_unit(cycle, owner_id)
                                           if level == Level.PERSON else None)
        checked = _checked_goals(cycle, level, goals, _parents_allowed(cycle, level, unit_id))
        existing = {g.pk: g for g in Goal.objects.select_for_update().filter(
            cycle=cycle, level=level, **owner)}
        kept_ids = {g.id for g in goals if g.id in existing}
        Goal.objects.filter(pk__in=set(existing) - kept_ids).delete()
        saved = [_goal_save(cycle, level, owner, spec, indicators, order, existing)
                 for order, (spec, indicators) in enumerate(checked)]
        event_record(EventType.GOALS_SET, actor=actor, subject=cycle,
                     person_id=owner.get("person_id"), unit_id=owner.get("unit_id"),
                     audience=[owner["person_id"]] if "person_id" in owner else (),
                     payload={"level": level, "goals": len(saved)},
                     changes={"goals": [f"{g.title} ({g.weight})" for g in saved]},
                     origin=origin)
    return saved


def _goal_save(cycle, level, owner, spec: GoalInput, indicators: list[dict], order: int,
               existing: dict[int, Goal]) -> Goal:
    goal = existing.get(spec.id) if spec.id else None
    if goal is None:
        goal = Goal.objects.create(cycle=cycle, level=level, title=spec.title,
                                   weight=spec.weight, parent_id=spec.parent_id,
                                   sort_order=order, **owner)
    else:
        goal.title, goal.weight, goal.parent_id, goal.sort_order = (
            spec.title, spec.weight, spec.parent_id, order)
        goal.save(update_fields=["title", "weight", "parent", "sort_order"])
    kept = {i.pk: i for i in goal.indicators.all()}
    wanted_ids = {s.id for s in spec.indicators if s.id in kept}
    goal.indicators.filter(pk__in=set(kept) - wanted_ids).delete()
    for index, (typed, fields) in enumerate(zip(spec.indicators, indicators, strict=True)):
        indicator = kept.get(typed.id) if typed.id else None
        if indicator is None:
            Indicator.objects.create(goal=goal, sort_order=index, **fields)
            continue
        for name, value in {**fields, "sort_order": index}.items():
            setattr(indicator, name, value)
        indicator.save(update_fields=[*fields, "sort_order"])
    return goal


def goal_assign(*, cycle: Cycle, people: Iterable[int], goal: GoalInput, actor: Person,
                origin: Origin = COMMAND_ORIGIN) -> list[Goal]:
    """Give one goal (with its indicators) to many people at once. Each person's goals may
    not weigh more than 100 with it (their own goals fill the rest); whoever it does not fit
    is named and nothing is written."""
    people = sorted(set(people))
    if not people:
        raise ValidationError(_("목표를 줄 직원을 고르세요."))
    with transaction.atomic():
        cycle = _locked_open(cycle)
        for person_id in people:
            _owner(cycle, Level.PERSON, person_id, actor)
        units = dict(CycleMember.objects.filter(cycle=cycle, person_id__in=people)
                     .values_list("person_id", "unit_id"))
        allowed = set(Goal.objects.filter(cycle=cycle, level=Level.UNIT,
                                          unit_id__in=set(units.values()))
                      .values_list("pk", flat=True))
        [(spec, indicators)] = _checked_goals_partial(cycle, goal, allowed)
        _fits(people, Goal.objects.filter(cycle=cycle, level=Level.PERSON,
                                          person_id__in=people).select_for_update(),
              "person_id", spec.weight, _("목표"))
        made = []
        for person_id in people:
            order = Goal.objects.filter(cycle=cycle, person_id=person_id).count()
            made.append(_goal_save(cycle, Level.PERSON, {"person_id": person_id},
                                   GoalInput(spec.title, spec.weight, spec.parent_id,
                                             spec.indicators), indicators, order, {}))
        event_record(EventType.GOALS_ASSIGNED, actor=actor, subject=cycle,
                     audience=people, payload={"title": spec.title, "people": len(people)},
                     changes={"weight": spec.weight, "people": len(people)}, origin=origin)
    return made


def _checked_goals_partial(cycle: Cycle, goal: GoalInput, parents: set[int]):
    """A goal given beside others: checked like a set, but its weight alone is not 100."""
    title = (goal.title or "").strip()
    if not title:
        raise ValidationError(_("목표를 입력하세요."))
    _check_weight(goal.weight, title)
    if goal.parent_id is not None and goal.parent_id not in parents:
        raise ValidationError(_("%(title)s: 상위 목표는 대상 직원 부서의 목표여야 합니다.")
                              % {"title": title})
    indicators = [_indicator_fields(cycle, i) for i in goal.indicators]
    if indicators and (problem := _weights_problem([i["weight"] for i in indicators],
                                                   _("%(t)s의 지표") % {"t": title})):
        raise ValidationError(problem)
    goal.title = title[:200]
    return [(goal, indicators)]


def _fits(owners: list[int], rows, owner_field: str, weight: int, what: str) -> None:
    """Refuse, naming them, the owners whose weights would pass 100 with ``weight`` more."""
    totals: dict[int, int] = {}
    for row in rows:
        owner = getattr(row, owner_field)
        totals[owner] = totals.get(owner, 0) + row.weight
    over = [o for o in owners if totals.get(o, 0) + weight > 100]
    if over:
        names = dict(Person.objects.filter(pk__in=over).values_list("pk", "name"))
        listed = ", ".join(f"{names.get(o, o)} ({totals.get(o, 0)}+{weight})" for o in over[:10])
        raise ValidationError(_("%(what)s 가중치의 합이 100을 넘는 직원이 있어 아무것도 "
                                "부여하지 않았습니다: %(people)s") % {"what": what,
                                                                "people": listed})


def indicator_assign(*, cycle: Cycle, parent_goal: Goal, people: Iterable[int],
                     indicator: IndicatorInput, actor: Person,
                     origin: Origin = COMMAND_ORIGIN) -> list[Indicator]:
    """Add one indicator to the goal each of ``people`` holds under ``parent_goal`` (a unit
    goal). Everyone must hold such a goal and have room for the indicator's weight."""
    people = sorted(set(people))
    if not people:
        raise ValidationError(_("지표를 줄 직원을 고르세요."))
    with transaction.atomic():
        cycle = _locked_open(cycle)
        for person_id in people:
            _owner(cycle, Level.PERSON, person_id, actor)
        fields = _indicator_fields(cycle, indicator)
        goals = {g.person_id: g for g in Goal.objects.select_for_update().filter(
            cycle=cycle, level=Level.PERSON, parent=parent_goal, person_id__in=people)}
        missing = [p for p in people if p not in goals]
        if missing:
            names = Person.objects.filter(pk__in=missing).values_list("name", flat=True)
            raise ValidationError(_("'%(goal)s' 아래 목표가 없는 직원이 있어 아무것도 부여하지 "
                                    "않았습니다: %(people)s")
                                  % {"goal": parent_goal.title, "people": ", ".join(names)})
        _indicator_room(goals, fields["weight"])
        made = [Indicator.objects.create(goal=goals[p], sort_order=goals[p].indicators.count(),
                                         **fields) for p in people]
        event_record(EventType.INDICATORS_ASSIGNED, actor=actor, subject=cycle,
                     audience=people, payload={"name": fields["name"], "people": len(people)},
                     changes={"weight": fields["weight"], "target": str(fields["target"]),
                              "people": len(people)}, origin=origin)
    return made


def _indicator_room(goals: dict[int, Goal], weight: int) -> None:
    totals = {p: sum(i.weight for i in g.indicators.all()) for p, g in goals.items()}
    over = [p for p, total in totals.items() if total + weight > 100]
    if over:
        names = dict(Person.objects.filter(pk__in=over).values_list("pk", "name"))
        raise ValidationError(_("지표 가중치의 합이 100을 넘는 직원이 있어 아무것도 부여하지 "
                                "않았습니다: %(people)s") % {"people": ", ".join(
                                    f"{names[p]} ({totals[p]}+{weight})" for p in over[:10])})


def indicator_value_enter(*, indicator: Indicator, value, evidence: str, actor: Person,
                          origin: Origin = COMMAND_ORIGIN) -> IndicatorEntry:
    """Enter a hand-measured indicator's value with its evidence (증빙)."""
    evidence = (evidence or "").strip()
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().select_related("goal").get(
            pk=indicator.pk)
        goal = indicator.goal
        cycle = _locked_open(goal.cycle)
        _require(_may_enter(actor, cycle, goal))
        if indicator.source != Source.MANUAL:
            raise ValidationError(_("활동 이벤트로 측정하는 지표는 직접 입력할 수 없습니다."))
        amount = number(value, _("실적"))
        if not evidence:
            raise ValidationError(_("실적의 증빙(문서 번호, 링크, 설명)을 입력하세요."))
        entry = IndicatorEntry.objects.create(indicator=indicator, value=amount,
                                              evidence=evidence[:500], entered_by=actor)
        old = indicator.value
        indicator.value = amount
        indicator.save(update_fields=["value"])
        event_record(EventType.INDICATOR_VALUE_ENTERED, actor=actor, subject=indicator,
                     person_id=goal.person_id, unit_id=goal.unit_id,
                     audience=[goal.person_id] if goal.person_id else (),
                     payload={"name": indicator.name, "value": str(amount)},
                     changes={"value": [None if old is None else str(old), str(amount)],
                              "evidence": evidence[:500]}, origin=origin)
    return entry


def _may_enter(actor: Person, cycle: Cycle, goal: Goal) -> bool:
    if goal.level == Level.PERSON:
        return selectors.may_edit_person_goals(actor, cycle, goal.person_id)
    if goal.level == Level.UNIT:
        return selectors.may_edit_unit_goals(actor, cycle, goal.unit_id)
    return can_manage_org(actor)


# --- Recomputation --------------------------------------------------------------------------

OCCURRENCES = """
SELECT type, actor_person_id, person_id, payload FROM audit_activityevent
WHERE type = ANY(%s) AND occurred_at >= %s AND occurred_at < %s
"""


def _occurrences(types: list[str], starts_on: date, ends_on: date):
    """The period's events of ``types``, streamed through a server-side cursor in batches
    (millions of events never sit in memory at once); the day is the agency's local day.
    Call inside a transaction."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(starts_on, time.min), tz)
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min), tz)
    with connection.cursor():  # the agency's search_path is set on the session
        pass
    loads = json.loads
    with connection.connection.cursor(name="performance_retally") as server:
        server.itersize = 10_000
        server.execute(OCCURRENCES, [types, start, end])
        for event_type, actor_id, person_id, payload in server:
            # Django reads jsonb as text (its JSONField decodes it); so does this cursor.
            yield Occurrence(event_type, actor_id, person_id,
                             loads(payload) if isinstance(payload, str) else payload)


def _retally(cycle: Cycle) -> tuple[int, int]:
    """Rebuild every tally of ``cycle`` from its period's events with the same contribution
    function the live update uses (one pass over the events); return (events read, tallies
    written)."""
    definitions = list(selectors.definitions_of(cycle).values())
    types = sorted({t for d in definitions for t in d.event_types})
    counted = [0]

    def events():
        for occurrence in _occurrences(types, cycle.starts_on, cycle.ends_on):
            counted[0] += 1
            yield occurrence

    tallies = fold_all(definitions, events()) if types else {}
    TallyRow.objects.filter(cycle=cycle).delete()
    TallyRow.objects.bulk_create(
        [TallyRow(cycle=cycle, code=code, person_id=person_id, count=t.count, total=t.total,
                  hits=t.hits) for (code, person_id), t in tallies.items()], batch_size=5000)
    return counted[0], len(tallies)


def attainment_recompute(*, cycle: Cycle, actor: Person,
                         origin: Origin = COMMAND_ORIGIN) -> tuple[int, int]:
    """Recompute every tally of an open cycle from the recorded events (a repair: the live
    update keeps them current). The cycle is locked meanwhile, so no move slips between."""
    _require(can_manage_org(actor))
    with transaction.atomic():
        # The cycle's row locked outright: a move being recorded takes a key-share lock on it
        # before it adds to a tally (collect.py), so moves in flight finish first and later
        # ones wait for the rebuild — none is counted twice or lost.
        cycle = _locked_open(cycle, key=True)
        events, tallies = _retally(cycle)
        event_record(EventType.ATTAINMENT_RECOMPUTED, actor=actor, subject=cycle,
                     payload={"events": events, "tallies": tallies}, origin=origin)
    return events, tallies


def tally_of(cycle: Cycle, code: str, person_id: int) -> Tally:
    row = TallyRow.objects.filter(cycle=cycle, code=code, person_id=person_id).first()
    return Tally(row.count, row.total, row.hits) if row else Tally()


def definitions_policy(on: date) -> Policy | None:
    return policy_in_force(kind=DEFINITIONS_KIND, on=on)
