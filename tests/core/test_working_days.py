"""The working-day helper: weekends and England bank holidays are not working days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.core.working_days import (
    add_working_days,
    bank_holiday_name,
    bank_holidays,
    is_working_day,
    next_working_day,
    working_days_between,
)

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


def test_england_bank_holidays_2026_and_2027() -> None:
    found = bank_holidays(date(2026, 1, 1), date(2027, 12, 31))
    expected = {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),
        date(2027, 12, 28),
    }
    assert set(found) == expected
    assert bank_holiday_name(date(2026, 12, 28)) is not None  # Boxing Day, substitute


def test_add_working_days_skips_weekends_and_bank_holidays() -> None:
    # Thursday 24 Dec 2026 + 1 → Tuesday 29 Dec (25th Christmas, 26-27 weekend, 28th Boxing Day substitute).
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    # Thursday 2 Apr 2026 + 1 → Tuesday 7 Apr (Good Friday and Easter Monday).
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    # Friday + 1 → Monday.
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    # Ten working days from Friday 21 May 2027 cross the late-May bank holiday.
    assert add_working_days(date(2027, 5, 21), 10) == date(2027, 6, 7)


def test_zero_days_rolls_forward_to_a_working_day() -> None:
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)
    assert next_working_day(date(2026, 11, 24)) == date(2026, 11, 24)


def test_closure_days_of_the_council_count_as_non_working(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENGAGE_CLOSURE_DATES = ["2026-12-29"]
    assert not is_working_day(date(2026, 12, 29))
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 30)


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(min_value=0, max_value=60))
def test_result_is_always_a_working_day_and_the_count_round_trips(day: date, n: int) -> None:
    result = add_working_days(day, n)
    assert is_working_day(result)
    assert result >= day
    if is_working_day(day):
        assert working_days_between(day, result) == n


@settings(max_examples=200, deadline=None)
@given(a=days, b=days)
def test_working_days_between_is_antisymmetric_and_never_counts_weekends(a: date, b: date) -> None:
    assert working_days_between(a, b) == -working_days_between(b, a)
    span = abs((b - a).days)
    assert abs(working_days_between(a, b)) <= span


@settings(max_examples=100, deadline=None)
@given(day=days)
def test_weekends_are_never_working_days(day: date) -> None:
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    assert not is_working_day(saturday)
    assert not is_working_day(saturday + timedelta(days=1))
