"""Small hand-made planning problems for the planner tests (no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time

from engage.planner.compiled import Compiled
from engage.planner.problem import (
    FixedActivity,
    Problem,
    Segment,
    Series,
    Team,
    TimeSlot,
    Venue,
    Weights,
)
from engage.planner.solver import build_domains
from engage.planner.workdays import WorkingCalendar

START = date(2027, 1, 4)  # a Monday
END = date(2027, 3, 31)
MORNING = TimeSlot(time(10, 0), 120)
AFTERNOON = TimeSlot(time(14, 0), 120)
NORTH_RES = Segment("residential", "registered manager", "North")
NORTH_DOM = Segment("domiciliary", "registered manager", "North")
SOUTH_RES = Segment("residential", "registered manager", "South")
BANK_HOLIDAYS = frozenset({date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29)})


def series(
    key: str,
    *,
    meetings: int = 2,
    gaps: tuple[int, int] = (2, 8),
    weekdays: Iterable[int] = (1, 2, 3),
    audience: Iterable[Segment] = (NORTH_RES,),
    teams: Iterable[str] = (),
    slots: tuple[TimeSlot, ...] = (MORNING,),
    venues: tuple[Venue, ...] = (),
    expected: int = 0,
    pinned: Mapping[int, date] | None = None,
    name: str | None = None,
) -> Series:
    """A series with test-friendly defaults."""
    return Series(
        key=key,
        name=name or f"{key.title()} forum",
        meetings=meetings,
        min_gap_weeks=gaps[0],
        max_gap_weeks=gaps[1],
        weekdays=frozenset(weekdays),
        slots=slots,
        audience=frozenset(audience),
        teams=frozenset(teams),
        venues=venues,
        expected_attendance=expected,
        pinned=dict(pinned or {}),
    )


def team(key: str, capacity: int = 1, unavailable: Iterable[date] = ()) -> Team:
    """A team named after its key."""
    return Team(
        key=key, name=f"{key.title()} team", capacity=capacity, unavailable=frozenset(unavailable)
    )


def fixed(
    key: str,
    day: date,
    *,
    audience: Iterable[Segment] = (NORTH_RES,),
    teams: Iterable[str] = (),
    start: time = time(10, 0),
    minutes: int = 120,
) -> FixedActivity:
    """A fixed activity named after its key."""
    return FixedActivity(
        key=key,
        name=f"{key.title()} event",
        day=day,
        start=start,
        minutes=minutes,
        audience=frozenset(audience),
        teams=frozenset(teams),
    )


def problem(
    *series_list: Series,
    fixed_activities: Iterable[FixedActivity] = (),
    teams: Iterable[Team] = (),
    start: date = START,
    end: date = END,
    school: Iterable[date] = (),
    weights: Weights | None = None,
    threshold: int = 5,
    window: int = 3,
    seconds: float = 2.0,
) -> Problem:
    """A short-horizon problem with test-friendly defaults."""
    return Problem(
        start=start,
        end=end,
        series=tuple(series_list),
        fixed=tuple(fixed_activities),
        teams=tuple(teams),
        bank_holidays=BANK_HOLIDAYS,
        school_holidays=frozenset(school),
        warning_window_working_days=window,
        busy_week_threshold=threshold,
        weights=weights or Weights(),
        time_limit_seconds=seconds,
        workers=2,
        random_seed=0,
    )


def compiled_of(p: Problem) -> Compiled | None:
    """The compiled problem, or None when some meeting has no candidate day."""
    cal = WorkingCalendar(p)
    domains = build_domains(p, cal)
    if any(not d for ds in domains.values() for d in ds):
        return None
    return Compiled(p, cal, domains)
