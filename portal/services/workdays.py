"""Working days in mainland China: public holidays and adjusted working weekends (调休).

The calendar is the maintained ``chinesecalendar`` package, which carries each year's State
Council notice. For a year it does not know yet, weekends are the only days off, so that a
deadline is never refused; update the package when a new notice is published.
"""

import datetime as dt
import functools

import chinese_calendar  # type: ignore[import-untyped]  # the package ships no type hints


@functools.lru_cache(maxsize=8192)
def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day on which a limit of ``days`` working days ends, counting from the day after start.

    With ``days`` = 0 the result is ``start`` itself.
    """
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
