"""The planner's data: what goes in (a `Problem`) and what comes out (a `Plan`).

These frozen dataclasses are the only interface the rest of Engage uses. Nothing here
imports Django, OR-Tools or any other part of Engage, so the Django side can build a
`Problem` from its models, hand it to `engage.planner.solver.solve` (or
`engage.planner.greedy.plan_greedy`) and read back a `Plan`.

Conventions:

* Dates and times are naive local (Europe/London) `date` and `time` objects; no time zones.
* Meeting indexes are 0-based (`PlannedMeeting.index`, the keys of `Series.pinned`);
  text for people counts from 1 ("meeting 2" is index 1).
* Weekdays are integers with 0 = Monday ... 4 = Friday (`date.weekday()`); weekends are
  never allowed.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import MappingProxyType
from typing import Literal

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_FULL_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MINUTES_PER_DAY = 24 * 60

PlanStatus = Literal["optimal", "feasible", "infeasible", "unknown"]

#: Sentinel meaning "12 months from `Problem.start`"; replaced in `Problem.__post_init__`.
_END_FROM_START = date.min


def describe_day(day: date) -> str:
    """Return a date the way a manager writes it, e.g. ``"Fri 12 Mar 2027"`` (locale-free)."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def describe_time(moment: time) -> str:
    """Return a time of day as ``"10:00"`` (24-hour clock)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def describe_weekdays(weekdays: Iterable[int]) -> str:
    """Return weekday numbers as words, e.g. ``{1, 3}`` -> ``"Tuesday or Thursday"``."""
    names = [WEEKDAY_FULL_NAMES[d] for d in sorted(set(weekdays))]
    if not names:
        return "no day"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def minute_of_day(moment: time) -> int:
    """Return the minutes since midnight of a time of day (seconds are ignored)."""
    return moment.hour * 60 + moment.minute


def twelve_months_after(start: date, months: int = 12) -> date:
    """Return the last day of a horizon of `months` months that begins on `start`.

    Guarantees: the result is the day before the same day-of-month `months` months later
    (clamped to the month's length), so 1 Jan 2027 gives 31 Dec 2027 and 29 Feb 2028 gives
    27 Feb 2029 (the day before 28 Feb 2029).
    """
    month0 = start.month - 1 + months
    year = start.year + month0 // 12
    month = month0 % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def dates_between(first: date, last: date) -> frozenset[date]:
    """Return every date from `first` to `last` inclusive (empty when `last` < `first`)."""
    return frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))


def relative_gap(objective: int, bound: int) -> float:
    """Return (objective - bound) / max(1, objective), never negative."""
    return max(0.0, (objective - bound) / max(1, abs(objective)))


@dataclass(frozen=True, order=True)
class Segment:
    """One cell of the provider market: a service type at a level in a locality.

    Two meetings' audiences overlap if and only if their sets of segments intersect.
    """

    service_type: str
    level: str
    locality: str

    def describe(self) -> str:
        """Return the segment in words, e.g. ``"domiciliary (manager), North"``."""
        return f"{self.service_type} ({self.level}), {self.locality}"


@dataclass(frozen=True)
class Venue:
    """A room a series can meet in; `capacity` is the number of people it holds."""

    key: str
    name: str
    capacity: int

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"Venue {self.key!r}: capacity must not be negative")


@dataclass(frozen=True)
class TimeSlot:
    """A time of day a meeting may start at, and how long it lasts, within one day."""

    start: time
    minutes: int

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            raise ValueError("TimeSlot.minutes must be positive")
        if minute_of_day(self.start) + self.minutes > MINUTES_PER_DAY:
            raise ValueError("A TimeSlot must end by midnight")

    @property
    def start_minute(self) -> int:
        """Minutes after midnight at which the slot starts."""
        return minute_of_day(self.start)

    @property
    def end_minute(self) -> int:
        """Minutes after midnight at which the slot ends (exclusive)."""
        return self.start_minute + self.minutes


DEFAULT_SLOTS = (TimeSlot(time(10, 0), 120),)


@dataclass(frozen=True, kw_only=True)
class Series:
    """A recurring meeting series to be scheduled over the horizon.

    `meetings` meetings are planned, consecutive ones between `min_gap_weeks` and
    `max_gap_weeks` weeks apart (calendar days, 7 per week, inclusive), each on one of
    `weekdays` at one of `slots`. `venues` empty means the series meets online and has no
    room-size limit; otherwise the planner books a venue holding `expected_attendance`.
    `pinned` maps a 0-based meeting index to the date a manager fixed for it.
    """

    key: str
    name: str
    meetings: int
    min_gap_weeks: int
    max_gap_weeks: int
    weekdays: frozenset[int] = frozenset(range(5))
    slots: tuple[TimeSlot, ...] = DEFAULT_SLOTS
    sessions: tuple[str, ...] = ()
    audience: frozenset[Segment] = frozenset()
    teams: frozenset[str] = frozenset()
    venues: tuple[Venue, ...] = ()
    expected_attendance: int = 0
    pinned: Mapping[int, date] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.meetings < 0:
            raise ValueError(f"Series {self.key!r}: meetings must not be negative")
        if self.min_gap_weeks < 1 or self.max_gap_weeks < self.min_gap_weeks:
            raise ValueError(
                f"Series {self.key!r}: need 1 <= min_gap_weeks <= max_gap_weeks, "
                f"got {self.min_gap_weeks} and {self.max_gap_weeks}"
            )
        if not self.weekdays or not set(self.weekdays) <= set(range(5)):
            raise ValueError(f"Series {self.key!r}: weekdays must be a non-empty subset of 0..4")
        if not self.slots:
            raise ValueError(f"Series {self.key!r}: at least one time slot is needed")
        if self.expected_attendance < 0:
            raise ValueError(f"Series {self.key!r}: expected_attendance must not be negative")
        for index in self.pinned:
            if not 0 <= index < self.meetings:
                raise ValueError(f"Series {self.key!r}: pinned meeting index {index} out of range")
        object.__setattr__(self, "pinned", MappingProxyType(dict(self.pinned)))

    def fitting_venues(self) -> tuple[Venue, ...]:
        """Venues big enough for `expected_attendance`, smallest first (stable for ties)."""
        fits = [v for v in self.venues if v.capacity >= self.expected_attendance]
        return tuple(sorted(fits, key=lambda v: v.capacity))

    @property
    def online(self) -> bool:
        """True when the series has no venues, i.e. it meets online."""
        return not self.venues

    def meeting_label(self, index: int) -> str:
        """Return e.g. ``"Mid forum, meeting 2"`` for the 0-based `index` 1."""
        return f"{self.name}, meeting {index + 1}"


@dataclass(frozen=True, kw_only=True)
class FixedActivity:
    """Something already in the calendar that cannot move (e.g. a consultation event)."""

    key: str
    name: str
    day: date
    start: time
    minutes: int
    audience: frozenset[Segment] = frozenset()
    teams: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            raise ValueError(f"FixedActivity {self.key!r}: minutes must be positive")
        if minute_of_day(self.start) + self.minutes > MINUTES_PER_DAY:
            raise ValueError(f"FixedActivity {self.key!r}: must end by midnight")

    @property
    def start_minute(self) -> int:
        """Minutes after midnight at which the activity starts."""
        return minute_of_day(self.start)

    @property
    def end_minute(self) -> int:
        """Minutes after midnight at which the activity ends (exclusive)."""
        return self.start_minute + self.minutes


@dataclass(frozen=True, kw_only=True)
class Team:
    """A council team; `capacity` officers can be out at once, none on `unavailable` dates."""

    key: str
    name: str
    capacity: int
    unavailable: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.capacity < 0:
            raise ValueError(f"Team {self.key!r}: capacity must not be negative")


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Integer weights of the soft costs (all >= 0; 0 switches a cost off).

    * `spacing_per_day`: per calendar day a gap between consecutive meetings of a series
      differs from the series' ideal gap (`Problem.ideal_gap_days`).
    * `audience_warning`: near clashes. For every provider group (`Segment`) and every run
      of W + 1 consecutive working days (W = `Problem.warning_window_working_days`), every
      event for that group in the run beyond the first costs this weight; fixed
      activities in a run count as one event together, as the plan cannot move them.
      So two events k <= W working days apart cost the weight times (W + 1 - k) for each
      provider group they share: the closer they are and the more providers they share,
      the more it costs. (A weekend or bank holiday counts as the working day before it.)
    * `school_holiday`: per meeting on a school-holiday date.
    * `monday_friday`: per meeting on a Monday or a Friday.
    * `busy_week_excess`: per engagement event (meeting or fixed activity) in an ISO week
      of the horizon beyond `Problem.busy_week_threshold` (weeks wholly outside the horizon,
      which hold fixed activities only, are not the plan's and cost nothing).
    """

    spacing_per_day: int = 1
    audience_warning: int = 3
    school_holiday: int = 5
    monday_friday: int = 2
    busy_week_excess: int = 8

    def __post_init__(self) -> None:
        for name in (
            "spacing_per_day",
            "audience_warning",
            "school_holiday",
            "monday_friday",
            "busy_week_excess",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"Weights.{name} must not be negative")


@dataclass(frozen=True, kw_only=True)
class Problem:
    """Everything the planner needs to schedule a year of meeting series.

    The horizon runs from `start` to `end` inclusive; `end` defaults to 12 months from
    `start` (see `twelve_months_after`). Working days are Monday to Friday except
    `bank_holidays`. Construction checks the data is coherent (unique keys, known teams)
    and raises `ValueError` otherwise; whether a plan exists is the solver's question.
    """

    start: date
    end: date = _END_FROM_START
    series: tuple[Series, ...] = ()
    fixed: tuple[FixedActivity, ...] = ()
    teams: tuple[Team, ...] = ()
    bank_holidays: frozenset[date] = frozenset()
    school_holidays: frozenset[date] = frozenset()
    warning_window_working_days: int = 3
    busy_week_threshold: int = 5
    weights: Weights = field(default_factory=Weights)
    time_limit_seconds: float = 10.0
    workers: int = 2
    random_seed: int = 0

    def __post_init__(self) -> None:
        if self.end == _END_FROM_START:
            object.__setattr__(self, "end", twelve_months_after(self.start))
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "fixed", tuple(self.fixed))
        object.__setattr__(self, "teams", tuple(self.teams))
        object.__setattr__(self, "bank_holidays", frozenset(self.bank_holidays))
        object.__setattr__(self, "school_holidays", frozenset(self.school_holidays))
        if self.end < self.start:
            raise ValueError("Problem.end must not be before Problem.start")
        for what, keys in (
            ("series", [s.key for s in self.series]),
            ("fixed activity", [f.key for f in self.fixed]),
            ("team", [t.key for t in self.teams]),
        ):
            seen: set[str] = set()
            for key in keys:
                if key in seen:
                    raise ValueError(f"Duplicate {what} key {key!r}")
                seen.add(key)
        known = {t.key for t in self.teams}
        staffed: list[tuple[str, frozenset[str]]] = [(s.key, s.teams) for s in self.series]
        staffed += [(f.key, f.teams) for f in self.fixed]
        for key, team_keys in staffed:
            unknown = sorted(set(team_keys) - known)
            if unknown:
                raise ValueError(f"{key!r} names unknown team(s): {', '.join(unknown)}")
        if self.warning_window_working_days < 0:
            raise ValueError("warning_window_working_days must not be negative")
        if self.busy_week_threshold < 0:
            raise ValueError("busy_week_threshold must not be negative")
        if self.time_limit_seconds <= 0:
            raise ValueError("time_limit_seconds must be positive")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")

    @property
    def horizon_days(self) -> int:
        """Number of calendar days in the horizon, both ends included."""
        return (self.end - self.start).days + 1

    def is_working_day(self, day: date) -> bool:
        """True for Monday to Friday dates that are not bank holidays (any date, any year)."""
        return day.weekday() < 5 and day not in self.bank_holidays

    def working_days(self) -> tuple[date, ...]:
        """All working days in the horizon, in order."""
        days = (self.start + timedelta(days=i) for i in range(self.horizon_days))
        return tuple(d for d in days if self.is_working_day(d))

    def ideal_gap_days(self, series: Series) -> int:
        """The gap in calendar days that spreads `series` evenly over the horizon.

        Guarantees: horizon length / meetings rounded half up, clamped into the series'
        allowed range [7 * min_gap_weeks, 7 * max_gap_weeks].
        """
        meetings = max(series.meetings, 1)
        even = (2 * self.horizon_days + meetings) // (2 * meetings)
        return min(max(even, 7 * series.min_gap_weeks), 7 * series.max_gap_weeks)

    def series_by_key(self) -> dict[str, Series]:
        """Series indexed by key."""
        return {s.key: s for s in self.series}

    def teams_by_key(self) -> dict[str, Team]:
        """Teams indexed by key."""
        return {t.key: t for t in self.teams}

    @property
    def meeting_count(self) -> int:
        """Total number of meetings to plan."""
        return sum(s.meetings for s in self.series)


@dataclass(frozen=True, kw_only=True)
class PlannedMeeting:
    """One planned meeting: meeting `index` (0-based) of series `series_key`."""

    series_key: str
    index: int
    day: date
    start: time
    minutes: int
    venue_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class CostItem:
    """One soft cost of a plan, in words a manager understands.

    `kind` is one of "spacing", "audience_warning", "school_holiday", "monday_friday",
    "busy_week"; `amount` is the weighted cost it adds to the objective.
    """

    kind: str
    amount: int
    description: str
    series_keys: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The outcome of planning.

    `meetings` is empty when no plan was found (status "infeasible" or "unknown"), and
    then `objective`, `best_bound` and `gap` are 0. `gap` is
    (objective - best_bound) / max(1, objective). `conflicts` explains, in words, why no
    plan exists (or, for a greedy plan, which rules it breaks). `seconds` is wall time.
    """

    meetings: tuple[PlannedMeeting, ...]
    costs: tuple[CostItem, ...]
    objective: int
    best_bound: int
    gap: float
    status: PlanStatus
    seconds: float
    conflicts: tuple[str, ...] = ()

    def meetings_of(self, series_key: str) -> tuple[PlannedMeeting, ...]:
        """The planned meetings of one series, in index order."""
        return tuple(
            sorted((m for m in self.meetings if m.series_key == series_key), key=lambda m: m.index)
        )
