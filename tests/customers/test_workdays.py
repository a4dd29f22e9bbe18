"""Due dates in working days: weekends and Korean public holidays (lunar, substitute and
election days) are not counted (민원 처리에 관한 법률 제19조)."""

from datetime import date

import pytest

from core.customers.workdays import due_date, is_working_day, working_days_between


def test_seven_days_count_the_day_of_receipt_and_skip_the_weekend():
    # Mon 2026-11-02 counts as day 1; the weekend is skipped → Tue 2026-11-10.
    assert due_date(date(2026, 11, 2), 7) == date(2026, 11, 10)


def test_short_periods_run_from_the_time_of_receipt():
    # 5 days or fewer: the day of receipt is not a whole day → the 5th working day after it.
    assert due_date(date(2026, 11, 2), 5) == date(2026, 11, 9)


def test_seollal_2026_is_skipped():
    # 설날 2026-02-16..18 (Mon–Wed): received Fri 13 Feb (day 1), then Thu 19, Fri 20,
    # Mon 23, Tue 24, Wed 25 → day 7 is Thu 26 February.
    assert not is_working_day(date(2026, 2, 17))
    assert due_date(date(2026, 2, 13), 7) == date(2026, 2, 26)


def test_chuseok_2026_and_the_substitute_for_foundation_day():
    # 추석 2026-09-24..26, 개천절 Sat 3 Oct → substitute holiday Mon 5 Oct.
    assert not is_working_day(date(2026, 10, 5))
    assert due_date(date(2026, 9, 23), 7) == date(2026, 10, 6)


def test_seollal_2027_with_its_substitute_holiday():
    # 설날 2027-02-06..08 falls on a weekend → substitute holiday Tue 9 Feb.
    assert not is_working_day(date(2027, 2, 8))
    assert not is_working_day(date(2027, 2, 9))
    assert due_date(date(2027, 2, 5), 3) == date(2027, 2, 12)


def test_a_case_received_on_a_holiday_starts_on_the_next_working_day():
    # Received on 추석 2027 (Wed 15 Sep): the count starts Fri 17 Sep.
    assert due_date(date(2027, 9, 15), 7) == date(2027, 9, 27)


def test_handling_days_count_working_days_only():
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 20)) == 2


def test_a_period_must_be_at_least_one_day():
    with pytest.raises(ValueError):
        due_date(date(2026, 11, 2), 0)
