"""Forced distribution of service-rating grades per evaluation unit (rules.md §4).

STUB written by the rule-kinds branch against the agreed interface; the performance branch
owns this module and replaces it. A pure function: no database, no clock."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Grade:
    name: str
    share: Decimal  # percent of the unit, ordered best → worst


@dataclass(frozen=True)
class DistributionRule:
    grades: tuple[Grade, ...]
    min_unit_size: int = 5
    top_rounding: str = "half_up"
    bottom_rounding: str = "down"


@dataclass(frozen=True)
class Evaluatee:
    id: str
    unit: str
    score: Decimal


@dataclass(frozen=True)
class Graded:
    id: str
    grade: str
    rank: int
    pooled_into: str | None


_ROUNDING = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN}


def _count(size: int, share: Decimal, rounding: str) -> int:
    return int((Decimal(size) * Decimal(share) / 100).quantize(
        Decimal(1), rounding=_ROUNDING.get(rounding, ROUND_HALF_UP)))


def _pool_of(unit: str, sizes: Mapping[str, int], parents: Mapping[str, str | None],
             minimum: int) -> str:
    """Climb from ``unit`` while the evaluation unit is smaller than ``minimum``."""
    seen = {unit}
    total = sizes.get(unit, 0)
    while total < minimum and parents.get(unit) and parents[unit] not in seen:
        unit = parents[unit]
        seen.add(unit)
        total = sum(size for label, size in sizes.items() if _under(label, unit, parents))
    return unit


def _under(label: str, ancestor: str, parents: Mapping[str, str | None]) -> bool:
    seen = set()
    while label is not None and label not in seen:
        if label == ancestor:
            return True
        seen.add(label)
        label = parents.get(label)
    return False


def distribute(evaluatees: Sequence[Evaluatee], rule: DistributionRule,
               parents: Mapping[str, str | None]) -> list[Graded]:
    sizes: dict[str, int] = defaultdict(int)
    for person in evaluatees:
        sizes[person.unit] += 1
    pools: dict[str, list[Evaluatee]] = defaultdict(list)
    for person in evaluatees:
        pools[_pool_of(person.unit, sizes, parents, rule.min_unit_size)].append(person)
    results: list[Graded] = []
    for pool, members in pools.items():
        ranked = sorted(members, key=lambda p: (-Decimal(p.score), p.id))
        size = len(ranked)
        counts = [0] * len(rule.grades)
        counts[0] = _count(size, rule.grades[0].share, rule.top_rounding)
        if len(rule.grades) > 1:
            counts[-1] = min(size - counts[0],
                             _count(size, rule.grades[-1].share, rule.bottom_rounding))
        left = size - counts[0] - counts[-1]
        middle = range(1, len(rule.grades) - 1)
        for index in middle:
            counts[index] = min(left, _count(size, rule.grades[index].share, "half_up"))
            left -= counts[index]
        if left and len(rule.grades) > 2:
            counts[len(rule.grades) - 2] += left
        elif left:
            counts[0] += left
        grades = [g.name for g, n in zip(rule.grades, counts, strict=True) for _ in range(n)]
        rank, previous = 0, None
        for position, person in enumerate(ranked, start=1):
            if person.score != previous:
                rank, previous = position, person.score
            results.append(Graded(person.id, grades[position - 1], rank,
                                  pool if pool != person.unit else None))
    order = {person.id: i for i, person in enumerate(evaluatees)}
    return sorted(results, key=lambda g: order[g.id])
