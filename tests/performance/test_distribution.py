"""Forced distribution of a service rating (rules.md §4): head-counts, pooling, ties, errors."""

import math
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import translation

from core.performance.distribution import (
    STANDARD_RULE,
    DistributionError,
    DistributionRule,
    Evaluatee,
    Grade,
    Graded,
    distribute,
    head_counts,
)

THREE_GRADES = DistributionRule(
    grades=(Grade("상", Decimal(20)), Grade("중", Decimal(70)), Grade("하", Decimal(10)))
)


def unit_of(n: int, unit: str = "A", first_score: int = 100) -> list[Evaluatee]:
    """Return ``n`` people of ``unit`` with distinct scores, best first."""
    return [Evaluatee(f"{unit}{i:02d}", unit, Decimal(first_score - i)) for i in range(n)]


def grades_of(results: list[Graded]) -> list[str]:
    return [result.grade for result in results]


def test_standard_four_grades_on_ten_people_give_2_4_3_1():
    results = distribute(unit_of(10), STANDARD_RULE, {})

    assert grades_of(results) == ["수"] * 2 + ["우"] * 4 + ["양"] * 3 + ["가"]
    assert [result.rank for result in results] == list(range(1, 11))
    assert {result.pooled_into for result in results} == {None}


@pytest.mark.parametrize(
    ("n", "counts"),
    [
        (7, (1, 3, 3, 0)),  # top 1.4 → 1, bottom 0.7 → 0
        (13, (3, 5, 4, 1)),  # top 2.6 → 3 (half up), bottom 1.3 → 1
        (5, (1, 2, 2, 0)),  # top 1.0, bottom 0.5 → 0
        (19, (4, 8, 6, 1)),  # bottom 1.9 → 1 (down)
        (20, (4, 8, 6, 2)),
        (1, (0, 0, 1, 0)),
    ],
)
def test_standard_head_counts_round_the_top_half_up_and_the_bottom_down(n, counts):
    assert head_counts(n, STANDARD_RULE) == counts
    assert (
        tuple(
            Counter(grades_of(distribute(unit_of(n), STANDARD_RULE, {}))).get(g, 0)
            for g in "수우양가"
        )
        == counts
    )


def test_rounding_modes_are_the_agencys_choice():
    down_up = DistributionRule(STANDARD_RULE.grades, top_rounding="down", bottom_rounding="up")
    assert head_counts(13, down_up) == (2, 5, 4, 2)  # 2.6 → 2, 1.3 → 2
    assert head_counts(7, down_up) == (1, 3, 2, 1)
    half_half = DistributionRule(STANDARD_RULE.grades, bottom_rounding="half_up")
    assert head_counts(15, half_half) == (3, 6, 4, 2)  # bottom 1.5 → 2


def test_three_grades_put_the_remainder_in_the_middle():
    assert head_counts(9, THREE_GRADES) == (2, 7, 0)
    assert head_counts(10, THREE_GRADES) == (2, 7, 1)


def test_counts_never_go_negative_when_top_and_bottom_round_up_past_the_pool():
    rule = DistributionRule(
        (Grade("A", Decimal(50)), Grade("B", Decimal(0)), Grade("C", Decimal(50))),
        bottom_rounding="up",
    )
    assert head_counts(1, rule) == (1, 0, 0)  # 0.5 → 1 for both; the top comes first
    assert head_counts(3, rule) == (2, 0, 1)


def test_a_three_person_unit_is_graded_in_its_parents_pool():
    people = unit_of(3, "TEAM", first_score=90) + unit_of(7, "DIV", first_score=100)
    parents = {"TEAM": "DIV", "DIV": None}

    results = {r.id: r for r in distribute(people, STANDARD_RULE, parents)}

    assert {results[p.id].pooled_into for p in people if p.unit == "TEAM"} == {"DIV"}
    assert {results[p.id].pooled_into for p in people if p.unit == "DIV"} == {None}
    # One pool of 10: 2/4/3/1 across both units, ranked together (DIV: 100 … 94, TEAM: 90 …).
    assert Counter(r.grade for r in results.values()) == {"수": 2, "우": 4, "양": 3, "가": 1}
    assert results["TEAM00"].rank == 8
    assert results["TEAM02"].grade == "가"
    assert sorted(r.rank for r in results.values()) == list(range(1, 11))


def test_a_unit_of_the_minimum_size_is_graded_on_its_own():
    people = unit_of(5, "TEAM") + unit_of(5, "DIV")
    results = distribute(people, STANDARD_RULE, {"TEAM": "DIV"})

    assert {r.pooled_into for r in results} == {None}
    assert [r.rank for r in results] == [1, 2, 3, 4, 5] * 2


def test_small_units_pool_up_the_chain_until_the_group_is_big_enough():
    # TEAM (2) → SECTION (1): 3, still small → BUREAU (4): 7.
    people = unit_of(2, "TEAM") + unit_of(1, "SECTION", 90) + unit_of(4, "BUREAU", 80)
    parents = {"TEAM": "SECTION", "SECTION": "BUREAU", "BUREAU": "MINISTRY", "MINISTRY": None}

    results = distribute(people, STANDARD_RULE, parents)

    by_unit = {(p.unit, r.pooled_into) for p, r in zip(people, results, strict=True)}
    assert by_unit == {("TEAM", "BUREAU"), ("SECTION", "BUREAU"), ("BUREAU", None)}
    assert Counter(grades_of(results)) == {"수": 1, "우": 3, "양": 3}


def test_siblings_pool_into_a_parent_without_people_of_its_own():
    people = unit_of(3, "T1") + unit_of(3, "T2", first_score=90)
    results = distribute(people, STANDARD_RULE, {"T1": "DIV", "T2": "DIV"})

    assert {r.pooled_into for r in results} == {"DIV"}
    assert Counter(grades_of(results)) == {"수": 1, "우": 2, "양": 3}  # 6: 1.2→1, 2.4→2, 0.6→0


def test_a_too_small_root_is_graded_on_its_own():
    results = distribute([Evaluatee("solo", "ROOT", Decimal(80))], STANDARD_RULE, {})

    assert results == [Graded("solo", "양", 1, None)]


def test_a_too_small_top_unit_of_a_chain_keeps_the_pooled_people():
    people = unit_of(2, "TEAM") + unit_of(1, "DIV", first_score=50)
    results = distribute(people, STANDARD_RULE, {"TEAM": "DIV", "DIV": None})

    assert [r.pooled_into for r in results] == ["DIV", "DIV", None]
    assert [r.rank for r in results] == [1, 2, 3]


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    scores = [90, 90, 80, 70, 70, 70, 60, 50, 40, 30]
    people = [Evaluatee(f"p{i}", "A", Decimal(s)) for i, s in enumerate(scores)]

    assert [r.rank for r in distribute(people, STANDARD_RULE, {})] == [
        1,
        1,
        3,
        4,
        4,
        4,
        7,
        8,
        9,
        10,
    ]


def test_a_tie_across_the_top_boundary_goes_below_the_top_grade():
    # 10 people: 2 수. Three share the best score: giving all three 수 would exceed 20%.
    scores = [90, 90, 90, 80, 70, 60, 50, 40, 30, 20]
    people = [Evaluatee(f"p{i}", "A", Decimal(s)) for i, s in enumerate(scores)]

    assert grades_of(distribute(people, STANDARD_RULE, {})) == (
        ["우"] * 3 + ["우"] * 3 + ["양"] * 3 + ["가"]
    )


def test_a_tie_across_a_lower_boundary_goes_to_the_better_grade():
    # 10 people: 2/4/3/1. Positions 9 and 10 (the 가 boundary) tie; positions 6 and 7 (우/양) tie.
    scores = [100, 99, 98, 97, 96, 95, 95, 90, 80, 80]
    people = [Evaluatee(f"p{i}", "A", Decimal(s)) for i, s in enumerate(scores)]

    assert grades_of(distribute(people, STANDARD_RULE, {})) == (
        ["수"] * 2 + ["우"] * 5 + ["양"] * 3
    )


def test_equal_scores_always_get_the_same_grade():
    people = [Evaluatee(f"p{i}", "A", Decimal(77)) for i in range(10)]

    results = distribute(people, STANDARD_RULE, {})

    assert set(grades_of(results)) == {"우"}
    assert {r.rank for r in results} == {1}


def test_output_follows_the_input_and_shuffling_changes_nothing():
    rng = random.Random(8)
    people = [
        Evaluatee(f"p{i:03d}", rng.choice(["A", "B", "C", "T"]), Decimal(rng.randint(60, 70)))
        for i in range(60)
    ]
    parents = {"T": "A", "A": "ROOT", "B": "ROOT", "C": "ROOT"}
    expected = {r.id: r for r in distribute(people, STANDARD_RULE, parents)}

    for _ in range(20):
        shuffled = rng.sample(people, len(people))
        results = distribute(shuffled, STANDARD_RULE, parents)
        assert [r.id for r in results] == [p.id for p in shuffled]
        assert {r.id: r for r in results} == expected


def test_floats_and_ints_are_accepted_for_scores_and_shares():
    rule = DistributionRule((Grade("A", 20), Grade("B", 70.5), Grade("C", 9.5)))
    people = [Evaluatee(f"p{i}", "A", 87.5 - i) for i in range(10)]  # type: ignore[arg-type]

    assert Counter(grades_of(distribute(people, rule, {}))) == {"A": 2, "B": 8}


def test_no_evaluatees_give_no_results():
    assert distribute([], STANDARD_RULE, {}) == []


@pytest.mark.parametrize("seed", range(5))
def test_random_pools_keep_the_counts_the_ceiling_and_the_order_of_scores(seed):
    rng = random.Random(seed)
    for _ in range(200):
        cuts = sorted(rng.randint(0, 100) for _ in range(rng.randint(2, 4)))
        bounds = [0, *cuts, 100]
        shares = [Decimal(b - a) for a, b in zip(bounds, bounds[1:], strict=False)]
        rule = DistributionRule(
            tuple(Grade(f"g{i}", s) for i, s in enumerate(shares)),
            min_unit_size=rng.randint(1, 6),
            top_rounding=rng.choice(["half_up", "down", "up"]),
            bottom_rounding=rng.choice(["half_up", "down", "up"]),
        )
        n = rng.randint(1, 40)
        counts = head_counts(n, rule)
        assert sum(counts) == n and min(counts) >= 0
        assert counts[0] <= math.ceil(n * shares[0] / 100)

        people = [Evaluatee(f"p{i}", "A", Decimal(rng.randint(0, 10))) for i in range(n)]
        results = distribute(people, rule, {})
        index = {g.name: i for i, g in enumerate(rule.grades)}
        graded = sorted(zip(people, results, strict=True), key=lambda pr: -pr[0].score)
        assert sum(r.grade == "g0" for r in results) <= counts[0]
        for (better, b), (worse, w) in zip(graded, graded[1:], strict=False):
            assert index[b.grade] <= index[w.grade]
            assert (b.rank == w.rank) == (better.score == worse.score)
        for person, result in zip(people, results, strict=True):
            assert result.rank == 1 + sum(other.score > person.score for other in people)


def grades(*shares: int) -> tuple[Grade, ...]:
    return tuple(Grade(f"g{i}", Decimal(s)) for i, s in enumerate(shares))


@pytest.mark.parametrize(
    ("rule", "code", "words"),
    [
        (DistributionRule(()), "too_few_grades", "3개 이상"),
        (DistributionRule(grades(30, 70)), "too_few_grades", "공무원 성과평가 등에 관한 규정"),
        (DistributionRule(grades(20, 40, 30)), "shares_sum", "90"),
        (DistributionRule(grades(20, 90, -10)), "negative_share", "0 이상"),
        (DistributionRule(grades(20, 40, 30, 10), top_rounding="nearest"), "rounding", "nearest"),
        (DistributionRule(grades(20, 40, 30, 10), bottom_rounding="UP"), "rounding", "UP"),
        (DistributionRule(grades(20, 40, 30, 10), min_unit_size=0), "min_unit_size", "최소"),
        (
            DistributionRule((Grade("수", 20), Grade("수", 70), Grade("가", 10))),  # type: ignore[arg-type]
            "grade_names",
            "등급 이름",
        ),
        (
            DistributionRule((Grade("A", "x"), Grade("B", 90), Grade("C", 10))),  # type: ignore[arg-type]
            "share",
            "숫자",
        ),
    ],
)
def test_a_bad_rule_is_refused_with_a_korean_reason(rule, code, words):
    with pytest.raises(DistributionError) as refused:
        distribute(unit_of(10), rule, {})

    assert refused.value.code == code
    assert words in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_duplicate_ids_are_refused():
    people = [Evaluatee("kim", "A", Decimal(90)), Evaluatee("kim", "B", Decimal(80))]

    with pytest.raises(DistributionError, match="'kim'") as refused:
        distribute(people, STANDARD_RULE, {})
    assert refused.value.code == "duplicate_id"


@pytest.mark.parametrize("score", [Decimal("NaN"), Decimal("Infinity"), "high", None])
def test_a_score_that_is_not_a_number_is_refused(score):
    with pytest.raises(DistributionError, match="점수") as refused:
        distribute([Evaluatee("kim", "A", score)], STANDARD_RULE, {})
    assert refused.value.code == "score"


@pytest.mark.parametrize(
    "parents",
    [{"A": "B", "B": "C", "C": "A"}, {"A": "A"}, {"X": "Y", "Y": "X", "A": None}],
)
def test_a_cycle_in_the_unit_tree_is_refused(parents):
    with pytest.raises(DistributionError, match="순환") as refused:
        distribute(unit_of(3, "A"), STANDARD_RULE, parents)
    assert refused.value.code == "parents_cycle"


def test_a_big_unit_stays_on_its_own_when_its_small_parent_pools_upwards():
    people = unit_of(6, "TEAM") + unit_of(2, "DIV", 50) + unit_of(5, "BUREAU", 40)
    parents = {"TEAM": "DIV", "DIV": "BUREAU"}

    pooled = {
        p.unit: r.pooled_into
        for p, r in zip(people, distribute(people, STANDARD_RULE, parents), strict=True)
    }

    assert pooled == {"TEAM": None, "DIV": "BUREAU", "BUREAU": None}


def test_the_reason_reads_in_english_for_an_english_reader():
    with translation.override("en"), pytest.raises(DistributionError) as refused:
        distribute(unit_of(3), DistributionRule(grades(20, 40, 30)), {})

    assert str(refused.value) == "Grade shares must sum to 100% (now 90%)."
