"""Deadlines in working days: China's public holidays and adjusted working weekends."""

import datetime as dt

from portal.services.workdays import add_working_days, is_working_day, working_days_between


def test_national_day_2026_holiday_and_its_adjusted_working_saturday() -> None:
    """1-7 Oct 2026 are off; Sunday 20 Sep and Saturday 10 Oct 2026 are working days."""
    assert not is_working_day(dt.date(2026, 10, 1))
    assert not is_working_day(dt.date(2026, 10, 7))
    assert is_working_day(dt.date(2026, 9, 20))  # a Sunday made a working day
    assert is_working_day(dt.date(2026, 10, 10))  # a Saturday made a working day
    assert not is_working_day(dt.date(2026, 10, 11))


def test_a_limit_running_into_national_day_skips_the_holiday_and_counts_the_saturday() -> None:
    """Filed Tue 29 Sep 2026 with 5 working days: 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct, 12 Oct."""
    assert add_working_days(dt.date(2026, 9, 29), 5) == dt.date(2026, 10, 12)
    assert add_working_days(dt.date(2026, 9, 29), 4) == dt.date(2026, 10, 10)


def test_a_limit_across_the_spring_festival() -> None:
    """15-23 Feb 2026 are off (Spring Festival, with the weekends around it)."""
    assert add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)  # adjusted Saturday
    assert add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


def test_working_days_between_counts_both_ways() -> None:
    assert working_days_between(dt.date(2026, 9, 29), dt.date(2026, 10, 12)) == 5
    assert working_days_between(dt.date(2026, 10, 12), dt.date(2026, 9, 29)) == -5
    assert working_days_between(dt.date(2026, 10, 1), dt.date(2026, 10, 1)) == 0


def test_a_year_the_calendar_does_not_know_falls_back_to_weekends() -> None:
    """Beyond the calendar's years only Saturdays and Sundays are off, so nothing breaks."""
    assert is_working_day(dt.date(2099, 1, 5))  # a Monday
    assert not is_working_day(dt.date(2099, 1, 4))  # a Sunday
    assert add_working_days(dt.date(2099, 1, 2), 1) == dt.date(2099, 1, 5)
