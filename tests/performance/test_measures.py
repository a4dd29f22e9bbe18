"""The pure measuring functions: what an event adds, a tally's value, attainment."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.performance.measures import (
    Occurrence,
    Tally,
    attainment,
    contribution,
    fold,
    value,
    weighted,
)
from core.policies.kinds import kind_get

KIND = kind_get("indicator_definitions")
DEFINITIONS = {d.code: d for d in KIND.parse(KIND.default).definitions}


def _closed(person, on_time=True, days=3):
    return Occurrence("customers.case_closed", 99, person,
                      {"number": "1", "case_type": "x", "on_time": on_time,
                       "handling_days": days})


def test_cases_closed_on_time_over_cases_closed_is_a_percentage():
    events = [_closed(1), _closed(1, on_time=False), _closed(1), _closed(2)]
    tallies = fold(DEFINITIONS["cases_on_time"], events)
    assert tallies[1] == Tally(3, Decimal(0), 2)
    assert value(DEFINITIONS["cases_on_time"], tallies[1]) == Decimal("66.67")
    # The folded tally is the sum of what each event adds (the live update's increments).
    added = [contribution(DEFINITIONS["cases_on_time"], e) for e in events[:3]]
    assert added[0] + added[1] + added[2] == tallies[1]


def test_mean_handling_days_is_lower_better():
    tally = fold(DEFINITIONS["case_handling_days"], [_closed(1, days=2), _closed(1, days=5)])[1]
    assert value(DEFINITIONS["case_handling_days"], tally) == Decimal("3.50")
    assert attainment(Decimal("3.5"), Decimal("7"), "lower") == 100
    assert attainment(Decimal("14"), Decimal("7"), "lower") == 50


def test_an_average_or_ratio_of_nothing_has_no_value_and_attains_nothing():
    assert value(DEFINITIONS["cases_on_time"], Tally()) is None
    assert attainment(None, Decimal(10)) == 0


def test_events_of_other_types_or_attributed_elsewhere_do_not_count():
    instruction = Occurrence("work.instruction_completed", 5, 6, {"title": "t",
                                                                   "on_time": False})
    assert contribution(DEFINITIONS["instructions_on_time"], instruction) is None
    on_time = Occurrence("work.instruction_completed", 5, 6, {"title": "t", "on_time": True})
    assert fold(DEFINITIONS["instructions_on_time"], [on_time]) == {5: Tally(1, Decimal(0), 0)}
    assert contribution(DEFINITIONS["cases_closed"], on_time) is None


def test_attainment_is_capped_and_weighted():
    assert attainment(Decimal(30), Decimal(20)) == 100
    assert weighted([(70, Decimal(50)), (30, Decimal(100))]) == Decimal("65.00")


def test_definitions_are_checked_against_the_event_vocabulary():
    bad = {"definitions": [{"code": "x", "name": "엉터리", "measure": "average",
                            "event_types": ["customers.case_closed"], "field": "score",
                            "attribute_to": "person"},
                           {"code": "y", "name": "없는 이벤트", "measure": "count",
                            "event_types": ["nothing.happened"], "attribute_to": "actor"}]}
    with pytest.raises(ValidationError) as refused:
        KIND.validate(bad, bounds={})
    assert refused.value.messages == ["엉터리: 이벤트에 없는 항목입니다: score",
                                      "없는 이벤트: 알 수 없는 이벤트입니다: nothing.happened"]
    KIND.validate(KIND.default, bounds={})
