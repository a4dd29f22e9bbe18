"""Forced distribution of a service rating (근무성적평가의 강제배분) — a pure function.

공무원 성과평가 등에 관한 규정 (rules.md §4): at least three grades; the top grade (최상위 등급)
holds the top 20% and the bottom grade (최하위 등급) the bottom 10% of each evaluation unit
(평가단위); agencies may change the shares. The standard model's default is four grades
수 20% · 우 40% · 양 30% · 가 10%; head-count rounding and small units follow the agency's rule
(default: round half up for the top grade, down for the bottom; units under 5 people pooled
with the parent unit). Nothing here touches the database: the rulebook preview and the real
grading call the same :func:`distribute`.

Semantics
---------
Pooling (소규모 평가단위 통합)
    A unit is a label; ``parents`` maps a label to its parent label (``None`` or missing: a
    root). Units are visited deepest first (then by label). A unit whose group — its own
    evaluatees plus the groups pooled into it — has fewer than ``min_unit_size`` people moves
    its whole group into its parent's, so pooling climbs the chain while the pooled group is
    still too small. A root that is still too small is graded on its own (a one-person root
    gets a grade too). ``pooled_into`` is the label of the unit whose pool a person was graded
    in, ``None`` for a person graded in their own unit.

Head-counts per grade (등급별 인원), for a pool of ``n`` people
    1. top grade: ``n × share / 100`` rounded with ``top_rounding`` (``half_up`` by default;
       ``down`` and ``up`` also accepted), at most ``n``;
    2. bottom grade: rounded with ``bottom_rounding`` (``down`` by default), at most what the
       top grade left;
    3. middle grades, best first, except the last one: rounded half up, each at most what is
       left;
    4. the last middle grade (the second-to-last grade) takes the remainder, so the counts sum
       to ``n`` and none is negative. 10 people → 2 / 4 / 3 / 1; 7 → 1 / 3 / 3 / 0;
       13 → 3 / 5 / 4 / 1.

Ranking and ties (순위와 동점자)
    Within a pool people are ranked by score, highest first, in competition ranking: equal
    scores share a rank and the next rank skips (1, 1, 3). Equal scores always get the same
    grade. A tie that straddles a grade boundary goes to the better grade and the next grade
    shrinks — except at the top grade's boundary: the top head-count is a ceiling (the decree's
    "top 20%"), so the whole tie goes to the next grade and the top grade shrinks. Grades are
    therefore monotonic in score, the top grade never exceeds its head-count, and the other
    grades may hold more or fewer people than their head-count when scores tie (the bottom
    grade may then be empty: nobody is put below someone with the same score).

Output
    One :class:`Graded` per evaluatee, in the order of the input; ``rank`` is within the pool.
    The result depends only on the people, their units and scores, never on the input order.

Validation
    Bad input raises :class:`DistributionError` (a ``ValueError``) with a Korean message (English
    in the catalogue) and a ``code``: fewer than three grades, empty or duplicate grade names,
    a share that is not a number or is negative, shares that do not sum to 100, an unknown
    rounding mode, a ``min_unit_size`` below 1, duplicate evaluatee ids, a score that is not a
    finite number, a cycle in ``parents``. An empty list of evaluatees gives an empty result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.korean import with_particle

ROUNDINGS = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_CEILING}
MIN_GRADES = 3  # 규정: 등급은 3개 이상


@dataclass(frozen=True)
class Grade:
    """A grade and its share in percent of the unit; a rule lists them best first."""

    name: str
    share: Decimal


@dataclass(frozen=True)
class DistributionRule:
    """The agency's distribution rule: grades (best → worst, shares sum to 100) and rounding."""

    grades: tuple[Grade, ...]
    min_unit_size: int = 5
    top_rounding: str = "half_up"
    bottom_rounding: str = "down"


@dataclass(frozen=True)
class Evaluatee:
    """A person to grade: an id, the label of their evaluation unit, and their score."""

    id: str
    unit: str
    score: Decimal


@dataclass(frozen=True)
class Graded:
    """A person's outcome: grade, rank within the pool, and the pool's unit when pooled."""

    id: str
    grade: str
    rank: int
    pooled_into: str | None


STANDARD_RULE = DistributionRule(
    grades=(
        Grade("수", Decimal(20)),
        Grade("우", Decimal(40)),
        Grade("양", Decimal(30)),
        Grade("가", Decimal(10)),
    )
)


class DistributionError(ValueError):
    """Input a forced distribution cannot be computed from; ``code`` names the problem."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def distribute(
    evaluatees: Sequence[Evaluatee],
    rule: DistributionRule,
    parents: Mapping[str, str | None],
) -> list[Graded]:
    """Return each evaluatee's grade, rank and pool, in the order of ``evaluatees``."""
    rule_validate(rule)
    _evaluatees_validate(evaluatees)
    _parents_validate(parents)
    pools = _pools(evaluatees, parents, rule.min_unit_size)
    graded: dict[str, Graded] = {}
    for label, members in pools.items():
        graded.update(_pool_grade(label, members, rule))
    return [graded[person.id] for person in evaluatees]


def head_counts(n: int, rule: DistributionRule) -> tuple[int, ...]:
    """Return how many of ``n`` people each grade holds, best first, before ties.

    ``rule`` must be valid (:func:`rule_validate`); the rulebook preview can show these targets.
    """
    shares = [_decimal(grade.share) for grade in rule.grades]
    top = min(n, _round(n, shares[0], rule.top_rounding))
    bottom = min(n - top, _round(n, shares[-1], rule.bottom_rounding))
    left = n - top - bottom
    middle = []
    for share in shares[1:-2]:
        count = min(left, _round(n, share, "half_up"))
        middle.append(count)
        left -= count
    return (top, *middle, left, bottom)


def rule_validate(rule: DistributionRule) -> None:
    """Raise :class:`DistributionError` unless ``rule`` is a usable distribution rule."""
    grades = rule.grades
    if len(grades) < MIN_GRADES:
        raise DistributionError(
            _("등급은 %(n)d개 이상이어야 합니다 — 공무원 성과평가 등에 관한 규정")
            % {"n": MIN_GRADES},
            code="too_few_grades",
        )
    names = [grade.name for grade in grades]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise DistributionError(
            _("등급 이름은 비어 있지 않고 서로 달라야 합니다."), code="grade_names"
        )
    if not all(_is_finite(grade.share) for grade in grades):
        raise DistributionError(_("등급 비율이 숫자가 아닙니다."), code="share")
    shares = [_decimal(grade.share) for grade in grades]
    if any(share < 0 for share in shares):
        raise DistributionError(_("등급 비율은 0 이상이어야 합니다."), code="negative_share")
    if sum(shares) != 100:
        raise DistributionError(
            _("등급 비율의 합은 100%%여야 합니다 (지금 %(total)s%%).") % {"total": sum(shares)},
            code="shares_sum",
        )
    for rounding in (rule.top_rounding, rule.bottom_rounding):
        if rounding not in ROUNDINGS:
            raise DistributionError(
                _("알 수 없는 반올림 방식입니다: '%(value)s' (half_up, down, up 중 하나)")
                % {"value": rounding},
                code="rounding",
            )
    if rule.min_unit_size < 1:
        raise DistributionError(
            _("평가단위 최소 인원은 1명 이상이어야 합니다."), code="min_unit_size"
        )


def _evaluatees_validate(evaluatees: Sequence[Evaluatee]) -> None:
    seen: set[str] = set()
    for person in evaluatees:
        if person.id in seen:
            raise DistributionError(
                _("평가대상자 %(id)s 두 번 있습니다.") % {
                    "id": with_particle(f"'{person.id}'", "이")},
                code="duplicate_id",
            )
        seen.add(person.id)
        if not _is_finite(person.score):
            raise DistributionError(
                _("평가대상자 '%(id)s'의 점수가 숫자가 아닙니다.") % {"id": person.id},
                code="score",
            )


def _parents_validate(parents: Mapping[str, str | None]) -> None:
    acyclic: set[str] = set()
    for start in parents:
        chain: list[str] = []
        unit: str | None = start
        while unit is not None and unit not in acyclic:
            if unit in chain:
                raise DistributionError(
                    _("상위 평가단위가 순환합니다: %(chain)s")
                    % {"chain": " → ".join([*chain[chain.index(unit) :], unit])},
                    code="parents_cycle",
                )
            chain.append(unit)
            unit = parents.get(unit)
        acyclic.update(chain)


def _pools(
    evaluatees: Sequence[Evaluatee], parents: Mapping[str, str | None], min_size: int
) -> dict[str, list[Evaluatee]]:
    """Return the people graded together, by the label of the unit whose pool they are in."""
    groups: dict[str, list[Evaluatee]] = {}
    for person in evaluatees:
        groups.setdefault(person.unit, []).append(person)
    depths = _depths(list(groups), parents)
    # Deepest first, so a unit has received its children's groups before deciding to move up.
    for unit in sorted(depths, key=lambda label: (-depths[label], label)):
        parent = parents.get(unit)
        group = groups.get(unit)
        if parent is not None and group and len(group) < min_size:
            groups.setdefault(parent, []).extend(group)
            del groups[unit]
    return groups


def _depths(units: list[str], parents: Mapping[str, str | None]) -> dict[str, int]:
    """Return the depth of every unit on the chains from ``units`` to their roots (root: 0)."""
    depths: dict[str, int] = {}
    for start in units:
        chain: list[str] = []
        unit: str | None = start
        while unit is not None and unit not in depths:
            chain.append(unit)
            unit = parents.get(unit)
        depth = -1 if unit is None else depths[unit]
        for label in reversed(chain):
            depth += 1
            depths[label] = depth
    return depths


def _pool_grade(label: str, members: list[Evaluatee], rule: DistributionRule) -> dict[str, Graded]:
    ranked = sorted(members, key=lambda person: (-_decimal(person.score), person.id))
    counts = head_counts(len(ranked), rule)
    graded: dict[str, Graded] = {}
    start = 0
    while start < len(ranked):
        end = start
        while end < len(ranked) and _decimal(ranked[end].score) == _decimal(ranked[start].score):
            end += 1
        grade = rule.grades[_tie_grade(start, end, counts)].name
        for person in ranked[start:end]:
            pooled_into = None if person.unit == label else label
            graded[person.id] = Graded(person.id, grade, start + 1, pooled_into)
        start = end
    return graded


def _tie_grade(start: int, end: int, counts: tuple[int, ...]) -> int:
    """Return the grade index of the tied people at positions ``start``..``end - 1``.

    A tie straddling a boundary takes the better grade, except the top grade: its head-count
    is a ceiling (규정: 최상위 등급은 상위 20%), so the tie goes below it.
    """
    grade = _grade_at(start, counts)
    if grade == 0 and end > counts[0]:
        grade = _grade_at(counts[0], counts)
    return grade


def _grade_at(position: int, counts: tuple[int, ...]) -> int:
    limit = 0
    for index, count in enumerate(counts):
        limit += count
        if position < limit:
            return index
    raise AssertionError("position beyond the pool")  # counts always sum to the pool size


def _round(n: int, share: Decimal, rounding: str) -> int:
    return int((n * share / 100).to_integral_value(rounding=ROUNDINGS[rounding]))


def _decimal(value: Decimal | int | float | str) -> Decimal:
    # str() first: Decimal(0.1) would carry the binary float's error into a share or a score.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _is_finite(value: object) -> bool:
    try:
        return _decimal(value).is_finite()  # type: ignore[arg-type]
    except (InvalidOperation, ValueError, TypeError):
        return False
