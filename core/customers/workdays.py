"""Working days for case due dates: Saturdays, Sundays and Korean public holidays (관공서의
공휴일에 관한 규정: lunar holidays, substitute holidays and election days included) are not
counted. The holidays come from the maintained ``holidays`` library, so a new substitute
holiday arrives with a library update, not a code change."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.KR(years=year, categories=holidays.PUBLIC))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def due_date(received: date, working_days: int) -> date:
    """The due date of a case received on ``received`` with ``working_days`` to handle it.

    민원 처리에 관한 법률 제19조: up to 5 days the period runs from the time of receipt (so
    the day of receipt is not a whole day: the due date is the ``working_days``-th working
    day after it); from 6 days on it is counted in days with the first day included; in
    both, Saturdays and public holidays are not counted."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    if working_days >= 6 and is_working_day(received):
        return add_working_days(received, working_days - 1)
    return add_working_days(received, working_days)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
