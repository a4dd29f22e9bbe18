"""Measuring indicators from activity events, and attainment — pure functions, no database.

An indicator defined on events (rule kind ``indicator_definitions``) keeps one ``Tally`` per
cycle, definition and person: how many events matched (``count``), the sum of the measured
payload field (``total``) and, for a ratio, how many also met the numerator's condition
(``hits``). ``contribution`` says what one event adds; ``fold`` adds up many. The live update
(``core/performance/collect.py``) adds one event's contribution to the stored tally, the full
recomputation folds every event of the period: both call ``contribution``, so they cannot
disagree. ``value`` reads a tally as the indicator's value; a unit's value is the value of
its members' tallies added up (``Tally.__add__``)."""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from core.policies.kinds.performance import Definition, definition_filters

HUNDRED = Decimal(100)
CAP = HUNDRED  # attainment is the degree a target is reached: at most 100%
PLACES = Decimal("0.01")


class Tally(NamedTuple):
    count: int = 0
    total: Decimal = Decimal(0)
    hits: int = 0

    def __add__(self, other: "Tally") -> "Tally":  # type: ignore[override]
        return Tally(self.count + other.count, self.total + other.total, self.hits + other.hits)


ZERO = Tally()
_NOTHING = Decimal(0)


class Occurrence(NamedTuple):
    """What a definition reads of an activity event."""

    type: str
    actor_person_id: int | None
    person_id: int | None
    payload: Mapping


def _meets(payload: Mapping, filters: Mapping) -> bool:
    return all(payload.get(name) == wanted for name, wanted in filters.items())


def _number(value) -> Decimal:
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


class Measure:
    """A definition read once — its types and filters as a set and dicts — with what one
    event adds to its tally. The live update and the full recomputation both count through
    ``Measure.contribution``."""

    __slots__ = ("code", "types", "where", "numerator", "field", "ratio", "by_actor")

    def __init__(self, definition: Definition) -> None:
        self.code = definition.code
        self.types = frozenset(definition.event_types)
        self.where, self.numerator = definition_filters(definition)
        self.field = definition.field
        self.ratio = definition.measure == "ratio"
        self.by_actor = definition.attribute_to == "actor"

    def person(self, event: Occurrence) -> int | None:
        """Whose indicator the event counts for: the one who acted, or the one it concerns."""
        return event.actor_person_id if self.by_actor else event.person_id

    def contribution(self, event: Occurrence) -> Tally | None:
        """What ``event`` adds to the tally (None: it does not count)."""
        payload = event.payload
        if event.type not in self.types or (self.where and not _meets(payload, self.where)):
            return None
        total = _number(payload.get(self.field)) if self.field else _NOTHING
        return Tally(1, total, 1 if self.ratio and _meets(payload, self.numerator) else 0)


_measures: dict[int, tuple[Definition, Measure]] = {}


def measure_of(definition: Definition) -> Measure:
    """The definition's ``Measure``, made once per definition object."""
    kept = _measures.get(id(definition))
    if kept is None or kept[0] is not definition:  # an id reused by a new object
        if len(_measures) > 1000:
            _measures.clear()
        kept = (definition, Measure(definition))
        _measures[id(definition)] = kept
    return kept[1]


def attributed_to(definition: Definition, event: Occurrence) -> int | None:
    return measure_of(definition).person(event)


def contribution(definition: Definition, event: Occurrence) -> Tally | None:
    return measure_of(definition).contribution(event)


def fold(definition: Definition, events: Iterable[Occurrence]) -> dict[int, Tally]:
    """Person id → tally of ``definition`` over ``events``."""
    return {person: tally for (_code, person), tally in fold_all([definition], events).items()}


def fold_all(definitions: Iterable[Definition], events: Iterable[Occurrence]
             ) -> dict[tuple[str, int], Tally]:
    """(code, person id) → tally of every definition over ``events``, in one pass (the full
    recomputation)."""
    routes: dict[str, list[Measure]] = {}
    for definition in definitions:
        for event_type in definition.event_types:
            routes.setdefault(event_type, []).append(measure_of(definition))
    sums: dict[tuple[str, int], list] = {}
    for event in events:
        for measure in routes.get(event.type, ()):
            person_id = measure.person(event)
            added = measure.contribution(event) if person_id is not None else None
            if added is not None:
                kept = sums.get((measure.code, person_id))
                if kept is None:
                    sums[(measure.code, person_id)] = [added.count, added.total, added.hits]
                else:  # in place: a new Tally per event would double the fold's time
                    kept[0] += added.count
                    kept[1] += added.total
                    kept[2] += added.hits
    return {key: Tally(*kept) for key, kept in sums.items()}


def value(definition: Definition, tally: Tally) -> Decimal | None:
    """The indicator's value from its tally: a count, a sum, an average, or a percentage.
    An average or ratio of nothing has no value yet (None)."""
    if definition.measure == "count":
        return Decimal(tally.count)
    if definition.measure == "sum":
        return tally.total.quantize(PLACES, ROUND_HALF_UP)
    if not tally.count:
        return None
    if definition.measure == "average":
        return (tally.total / tally.count).quantize(PLACES, ROUND_HALF_UP)
    return (Decimal(tally.hits) * HUNDRED / tally.count).quantize(PLACES, ROUND_HALF_UP)


def attainment(current: Decimal | None, target: Decimal, direction: str = "higher") -> Decimal:
    """How far ``current`` reaches ``target``, in percent, at most 100 (no value yet: 0).
    Lower-is-better indicators (handling days) attain fully at or below the target."""
    if current is None:
        return Decimal(0)
    if direction == "lower":
        reached = HUNDRED if current <= target else (
            target * HUNDRED / current if current > 0 else HUNDRED)
    elif target <= 0:
        reached = HUNDRED
    else:
        reached = current * HUNDRED / target
    return max(Decimal(0), min(CAP, reached)).quantize(PLACES, ROUND_HALF_UP)


def weighted(parts: Iterable[tuple[int, Decimal]]) -> Decimal:
    """Σ weight × attainment / 100 over (weight, attainment) pairs whose weights sum to 100."""
    return (sum((Decimal(w) * a for w, a in parts), Decimal(0)) / HUNDRED).quantize(
        PLACES, ROUND_HALF_UP)
