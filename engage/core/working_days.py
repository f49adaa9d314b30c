"""Dates of the English working calendar: the one helper every rule about days uses.

A working day is Monday to Friday, not an England bank holiday (package ``holidays``,
``UK`` subdivision ``ENG``) and not one of the council's extra closure days
(setting ``ENGAGE_CLOSURE_DATES``, ISO dates).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _bank_holidays_for_year(year: int) -> dict[date, str]:
    # The package also lists the day itself when Christmas or New Year falls at a weekend;
    # the bank holiday is then the weekday substitute it lists as "(observed)".
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: str(name) for day, name in calendar.items() if day.weekday() < 5}


def bank_holidays(start: date, end: date) -> dict[date, str]:
    """England bank holidays (weekdays off) from ``start`` to ``end`` inclusive, with names."""
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _bank_holidays_for_year(year).items():
            if start <= day <= end:
                found[day] = name
    return dict(sorted(found.items()))


def bank_holiday_name(day: date) -> str | None:
    """The bank holiday's name if ``day`` is one in England, else ``None``."""
    return _bank_holidays_for_year(day.year).get(day)


def _closure_dates() -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in getattr(settings, "ENGAGE_CLOSURE_DATES", []))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays_for_year(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, not a bank holiday in England, not a council closure day."""
    return day.weekday() < 5 and not is_bank_holiday(day) and day not in _closure_dates()


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is day 0).

    ``add_working_days(friday, 1)`` is the next Monday (or Tuesday after a bank holiday).
    With ``days == 0`` the answer is ``start`` rolled forward to a working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        return next_working_day(day)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier).

    ``working_days_between(d, add_working_days(d, n)) == n`` for every ``d`` and ``n >= 0``
    when ``d`` is a working day.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


# --- Working time: the clock of response targets and of reminders ---------------------------
#
# Targets are whole working days. A moment counts as the working day it falls in if that day
# is a working day and the moment is before the end of working hours; otherwise it counts as
# the next working day (an enquiry sent on Saturday, or at 20:00 on Friday, starts on Monday).
# Hours are local to settings.TIME_ZONE (Europe/London) and set by ENGAGE_WORKING_DAY_START and
# ENGAGE_WORKING_DAY_END ("HH:MM").


def _hours() -> tuple[time, time]:
    start = time.fromisoformat(getattr(settings, "ENGAGE_WORKING_DAY_START", "09:00"))
    end = time.fromisoformat(getattr(settings, "ENGAGE_WORKING_DAY_END", "17:00"))
    return start, end


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working-time functions need an aware datetime")
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` in the council's time zone."""
    return _local(moment).date()


def is_working_time(moment: datetime) -> bool:
    """True during working hours (local time) of a working day."""
    local = _local(moment)
    start, end = _hours()
    return is_working_day(local.date()) and start <= local.time() < end


def clock_day(moment: datetime) -> date:
    """The working day ``moment`` counts as (see above): its own day, or the next working one."""
    local = _local(moment)
    _, end = _hours()
    day = local.date()
    if is_working_day(day) and local.time() < end:
        return day
    return next_working_day(day + timedelta(days=1))


def target_date(start: datetime, days: int) -> date:
    """The last day on which something started at ``start`` meets a ``days``-working-day target.

    Received on Thursday 24 December 2026 with a 1-day target: due Tuesday 29 December.
    """
    return add_working_days(clock_day(start), days)


def working_days_elapsed(start: datetime, end: datetime) -> int:
    """Whole working days from ``start``'s clock day to ``end``'s date (0 on the same day).

    A target of ``n`` days is met by ``end`` exactly when this is at most ``n``; for an ``end``
    on a working day that is the same as ``local_date(end) <= target_date(start, n)``.
    """
    return max(0, working_days_between(clock_day(start), local_date(end)))


def working_days_paused(start: datetime, end: datetime) -> int:
    """Working days a clock stopped from ``start`` to ``end`` adds to a target.

    Counted between the two clock days, so a pause within one working day adds nothing and a
    pause from Friday afternoon to Monday morning adds one.
    """
    return max(0, working_days_between(clock_day(start), clock_day(end)))
