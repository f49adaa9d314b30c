"""A first-fit plan, made the way an officer fills in a diary by hand.

Pinned meetings go in first. Then, series by series in the order given, each meeting goes
on the first allowed day at or after its ideal date (the previous meeting plus the
series' ideal gap) that clashes with nothing already in the diary. When nothing fits
within the series' gap limits, the meeting goes on its ideal day anyway and the validator
reports what that breaks. The result is the baseline the solver is measured against.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from datetime import date, timedelta

from engage.planner.problem import (
    Plan,
    PlannedMeeting,
    Problem,
    Segment,
    Series,
    TimeSlot,
    relative_gap,
)
from engage.planner.validate import check


class _Diary:
    """What is already booked, by day: audiences present and each team's commitments."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.teams = problem.teams_by_key()
        self.audience: dict[date, set[Segment]] = defaultdict(set)
        self.busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
        for activity in problem.fixed:
            self._book(
                activity.day,
                activity.audience,
                activity.teams,
                activity.start_minute,
                activity.end_minute,
            )

    def _book(
        self, day: date, audience: frozenset[Segment], teams: frozenset[str], start: int, end: int
    ) -> None:
        self.audience[day] |= audience
        for team in teams:
            self.busy[(team, day)].append((start, end))

    def book(self, series: Series, day: date, slot: TimeSlot) -> None:
        """Write a meeting of `series` into the diary."""
        self._book(day, series.audience, series.teams, slot.start_minute, slot.end_minute)

    def fits(self, series: Series, day: date, slot: TimeSlot) -> bool:
        """True when a meeting of `series` at `day`/`slot` breaks no hard rule with the diary."""
        problem = self.problem
        if not problem.start <= day <= problem.end or not problem.is_working_day(day):
            return False
        if day.weekday() not in series.weekdays:
            return False
        if series.audience & self.audience.get(day, set()):
            return False
        start, end = slot.start_minute, slot.end_minute
        for team_key in series.teams:
            team = self.teams[team_key]
            if day in team.unavailable:
                return False
            booked = self.busy.get((team_key, day), [])
            moments = {start} | {s for s, _ in booked if start <= s < end}
            for moment in moments:
                if 1 + sum(1 for s, e in booked if s <= moment < e) > team.capacity:
                    return False
        return True

    def first_slot(self, series: Series, day: date) -> TimeSlot | None:
        """The first of the series' slots that fits on `day`, if any."""
        return next((slot for slot in series.slots if self.fits(series, day, slot)), None)


def _venue_key(series: Series) -> str | None:
    if series.online:
        return None
    fitting = series.fitting_venues()
    if fitting:
        return fitting[0].key
    return max(series.venues, key=lambda v: v.capacity).key


def greedy_meetings(problem: Problem) -> tuple[PlannedMeeting, ...]:
    """Place every meeting first-fit; see the module docstring.

    Guarantees: exactly one `PlannedMeeting` per meeting of every series, deterministic for
    a given problem. Hard rules hold where first-fit found room; where it did not, the
    meeting sits on its ideal date and may break rules (check it with the validator).
    """
    diary = _Diary(problem)
    placed: dict[tuple[str, int], tuple[date, TimeSlot]] = {}
    for series in problem.series:
        for index, day in sorted(series.pinned.items()):
            slot = diary.first_slot(series, day) or series.slots[0]
            diary.book(series, day, slot)
            placed[(series.key, index)] = (day, slot)

    for series in problem.series:
        gap = problem.ideal_gap_days(series)
        low_gap, high_gap = 7 * series.min_gap_weeks, 7 * series.max_gap_weeks
        for index in range(series.meetings):
            if (series.key, index) in placed:
                continue
            lower, upper = problem.start, problem.end
            previous = placed.get((series.key, index - 1))
            later_pins = sorted(j for j in series.pinned if j > index)
            if previous is not None:
                lower = max(lower, previous[0] + timedelta(days=low_gap))
                upper = min(upper, previous[0] + timedelta(days=high_gap))
                ideal = previous[0] + timedelta(days=gap)
            elif later_pins:
                ideal = series.pinned[later_pins[0]] - timedelta(days=gap * (later_pins[0] - index))
            else:
                spare = problem.horizon_days - 1 - gap * (series.meetings - 1)
                ideal = problem.start + timedelta(days=max(spare, 0) // 2)
            if later_pins:
                steps = later_pins[0] - index
                pin = series.pinned[later_pins[0]]
                lower = max(lower, pin - timedelta(days=high_gap * steps))
                upper = min(upper, pin - timedelta(days=low_gap * steps))
            choice: tuple[date, TimeSlot] | None = None
            day = max(ideal, lower)
            while day <= upper:
                found = diary.first_slot(series, day)
                if found is not None:
                    choice = (day, found)
                    break
                day += timedelta(days=1)
            if choice is None:
                choice = (ideal, series.slots[0])
            diary.book(series, *choice)
            placed[(series.key, index)] = choice

    return tuple(
        PlannedMeeting(
            series_key=series.key,
            index=index,
            day=placed[(series.key, index)][0],
            start=placed[(series.key, index)][1].start,
            minutes=placed[(series.key, index)][1].minutes,
            venue_key=_venue_key(series),
        )
        for series in problem.series
        for index in range(series.meetings)
    )


def plan_greedy(problem: Problem) -> Plan:
    """Plan every series first-fit, as an officer would by hand, and cost it.

    Guarantees: every meeting is in the plan; `costs` and `objective` come from
    `engage.planner.validate.check`, exactly as for the solver's plans. `status` is
    "feasible" when the plan breaks no hard rule, otherwise "unknown" (first-fit cannot
    tell whether a valid plan exists) with the broken rules in `conflicts`. `best_bound`
    is the trivial bound 0.
    """
    began = clock.perf_counter()
    meetings = greedy_meetings(problem)
    draft = Plan(
        meetings=meetings,
        costs=(),
        objective=0,
        best_bound=0,
        gap=0.0,
        status="unknown",
        seconds=0.0,
    )
    validation = check(problem, draft)
    return Plan(
        meetings=meetings,
        costs=validation.costs,
        objective=validation.soft_cost,
        best_bound=0,
        gap=relative_gap(validation.soft_cost, 0),
        status="feasible" if validation.ok else "unknown",
        seconds=clock.perf_counter() - began,
        conflicts=validation.hard_violations,
    )
