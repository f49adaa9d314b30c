"""Working time: the clock of enquiry targets and reminders (engage.core.working_days)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.core.working_days import (
    add_working_days,
    clock_day,
    is_working_day,
    is_working_time,
    local_date,
    target_date,
    working_days_between,
    working_days_elapsed,
    working_days_paused,
)

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=LONDON)


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(LONDON)
)


def test_a_moment_in_working_hours_counts_as_its_own_day() -> None:
    assert clock_day(at(2026, 11, 24, 9, 0)) == date(2026, 11, 24)
    assert clock_day(at(2026, 11, 24, 16, 59)) == date(2026, 11, 24)


def test_after_hours_and_non_working_days_count_as_the_next_working_day() -> None:
    # Friday evening → Monday.
    assert clock_day(at(2026, 11, 20, 17, 0)) == date(2026, 11, 23)
    # Saturday → Monday.
    assert clock_day(at(2026, 11, 21, 11, 0)) == date(2026, 11, 23)
    # Christmas Eve evening 2026 → Tuesday 29 December (Christmas, weekend, Boxing Day substitute).
    assert clock_day(at(2026, 12, 24, 18, 0)) == date(2026, 12, 29)
    # Maundy Thursday 2027 evening → Tuesday 30 March (Good Friday, Easter Monday).
    assert clock_day(at(2027, 3, 25, 20, 0)) == date(2027, 3, 30)


def test_early_morning_counts_as_that_working_day() -> None:
    assert clock_day(at(2027, 1, 4, 7, 30)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Across Christmas and New Year 2026–2027.
        (at(2026, 12, 23, 10), 2, date(2026, 12, 29)),
        (at(2026, 12, 24, 10), 1, date(2026, 12, 29)),
        (at(2026, 12, 31, 15), 1, date(2027, 1, 4)),
        (at(2026, 12, 22, 11), 10, date(2027, 1, 8)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (at(2027, 3, 25, 12), 1, date(2027, 3, 30)),
        (at(2027, 3, 24, 12), 5, date(2027, 4, 2)),
        # The early and late May bank holidays of 2026.
        (at(2026, 5, 1, 9, 30), 1, date(2026, 5, 5)),
        (at(2026, 5, 22, 9, 30), 1, date(2026, 5, 26)),
        # The August bank holiday 2027 (30 August), and a weekend in between.
        (at(2027, 8, 27, 16), 1, date(2027, 8, 31)),
        # Received on a Sunday: the clock starts on Monday.
        (at(2026, 11, 22, 12), 1, date(2026, 11, 24)),
        (at(2026, 11, 22, 12), 0, date(2026, 11, 23)),
    ],
)
def test_target_dates_skip_weekends_and_england_bank_holidays(
    received: datetime, days: int, due: date
) -> None:
    assert target_date(received, days) == due


def test_working_days_elapsed_counts_from_the_clock_day() -> None:
    received = at(2026, 12, 24, 10)
    assert working_days_elapsed(received, at(2026, 12, 24, 15)) == 0
    assert working_days_elapsed(received, at(2026, 12, 29, 9)) == 1
    # 29, 30, 31 December, (1 January a bank holiday), 4 January.
    assert working_days_elapsed(received, at(2027, 1, 4, 9)) == 4
    # Something done before the clock day (a reply on the Saturday to a Saturday enquiry).
    assert working_days_elapsed(at(2026, 11, 21, 10), at(2026, 11, 21, 12)) == 0


def test_a_pause_adds_the_working_days_it_lasted() -> None:
    # Within one working day: nothing.
    assert working_days_paused(at(2026, 11, 24, 10), at(2026, 11, 24, 16)) == 0
    # Friday afternoon to Monday morning: one.
    assert working_days_paused(at(2026, 11, 20, 15), at(2026, 11, 23, 9, 30)) == 1
    # Over Christmas 2026 (24 Dec to 4 Jan): 24, 29, 30, 31 Dec → 4.
    assert working_days_paused(at(2026, 12, 24, 10), at(2027, 1, 4, 10)) == 4


def test_working_time_is_office_hours_of_working_days(settings) -> None:  # type: ignore[no-untyped-def]
    assert is_working_time(at(2026, 11, 24, 9, 0))
    assert is_working_time(at(2026, 11, 24, 16, 59))
    assert not is_working_time(at(2026, 11, 24, 8, 59))
    assert not is_working_time(at(2026, 11, 24, 17, 0))
    assert not is_working_time(at(2026, 11, 21, 12, 0))  # Saturday
    assert not is_working_time(at(2026, 12, 28, 12, 0))  # Boxing Day substitute
    assert not is_working_time(at(2027, 3, 26, 12, 0))  # Good Friday
    settings.ENGAGE_WORKING_DAY_START = "08:00"
    assert is_working_time(at(2026, 11, 24, 8, 30))


def test_working_time_reads_the_clock_in_london_not_utc() -> None:
    # 16:30 UTC in June is 17:30 in London: after hours.
    assert not is_working_time(datetime(2026, 6, 15, 16, 30, tzinfo=UTC))
    # 16:30 UTC in January is 16:30 in London: working time.
    assert is_working_time(datetime(2027, 1, 15, 16, 30, tzinfo=UTC))
    assert local_date(datetime(2026, 6, 15, 23, 30, tzinfo=UTC)) == date(2026, 6, 16)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        clock_day(datetime(2026, 11, 24, 10, 0))


@settings(max_examples=300, deadline=None)
@given(moment=moments)
def test_the_clock_day_is_a_working_day_on_or_after_the_moment(moment: datetime) -> None:
    day = clock_day(moment)
    assert is_working_day(day)
    assert day >= moment.date()
    assert (day - moment.date()).days <= 7


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(min_value=0, max_value=40))
def test_a_target_of_n_days_is_n_working_days_after_the_clock_day(
    start: datetime, days: int
) -> None:
    due = target_date(start, days)
    assert is_working_day(due)
    assert working_days_between(clock_day(start), due) == days


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(min_value=0, max_value=30), later=st.integers(0, 90))
def test_met_by_elapsed_days_agrees_with_met_by_date_on_working_days(
    start: datetime, days: int, later: int
) -> None:
    end_day = add_working_days(clock_day(start), 0) + timedelta(days=later)
    if not is_working_day(end_day):
        return
    end = datetime(end_day.year, end_day.month, end_day.day, 12, 0, tzinfo=LONDON)
    assert (working_days_elapsed(start, end) <= days) == (end_day <= target_date(start, days))


@settings(max_examples=300, deadline=None)
@given(start=moments, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)))
def test_a_pause_never_adds_more_working_days_than_calendar_days(
    start: datetime, gap: timedelta
) -> None:
    end = start + gap
    paused = working_days_paused(start, end)
    assert 0 <= paused <= gap.days + 1
    # Pausing and resuming on the same clock day adds nothing.
    if clock_day(start) == clock_day(end):
        assert paused == 0
