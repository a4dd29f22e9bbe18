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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.policies.kinds.performance import Definition, definition_filters

HUNDRED = Decimal(100)
CAP = HUNDRED  # attainment is the degree a target is reached: at most 100%
PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Tally:
    count: int = 0
    total: Decimal = Decimal(0)
    hits: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.count + other.count, self.total + other.total, self.hits + other.hits)


ZERO = Tally()


@dataclass(frozen=True)
class Occurrence:
    """What a definition reads of an activity event."""

    type: str
    actor_person_id: int | None
    person_id: int | None
    payload: Mapping


def _meets(payload: Mapping, filters: Mapping) -> bool:
    return all(payload.get(name) == wanted for name, wanted in filters.items())


def _number(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


def attributed_to(definition: Definition, event: Occurrence) -> int | None:
    """Whose indicator the event counts for: the one who acted, or the one it concerns."""
    return event.actor_person_id if definition.attribute_to == "actor" else event.person_id


def contribution(definition: Definition, event: Occurrence) -> Tally | None:
    """What ``event`` adds to the tally of ``definition`` (None: it does not count)."""
    if event.type not in definition.event_types:
        return None
    where, numerator = definition_filters(definition)
    if not _meets(event.payload, where):
        return None
    total = _number(event.payload.get(definition.field)) if definition.field else Decimal(0)
    hits = 1 if definition.measure == "ratio" and _meets(event.payload, numerator) else 0
    return Tally(1, total, hits)


def fold(definition: Definition, events: Iterable[Occurrence]) -> dict[int, Tally]:
    """Person id → tally of ``definition`` over ``events`` (the full recomputation)."""
    tallies: dict[int, Tally] = {}
    for event in events:
        person_id = attributed_to(definition, event)
        if person_id is None:
            continue
        added = contribution(definition, event)
        if added is not None:
            tallies[person_id] = tallies.get(person_id, ZERO) + added
    return tallies


def fold_all(definitions: Iterable[Definition], events: Iterable[Occurrence]
             ) -> dict[tuple[str, int], Tally]:
    """(code, person id) → tally of every definition over ``events``, in one pass."""
    routes: dict[str, list[Definition]] = {}
    for definition in definitions:
        for event_type in definition.event_types:
            routes.setdefault(event_type, []).append(definition)
    tallies: dict[tuple[str, int], Tally] = {}
    for event in events:
        for definition in routes.get(event.type, ()):
            person_id = attributed_to(definition, event)
            added = contribution(definition, event) if person_id is not None else None
            if added is not None:
                key = (definition.code, person_id)
                tallies[key] = tallies.get(key, ZERO) + added
    return tallies


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
