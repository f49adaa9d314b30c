"""A `Problem` compiled into arrays over working days, shared by the planner's parts.

The planner decides one working day per meeting (and a time slot where a team's capacity
makes the choice matter). Every soft cost is then a sum of simple pieces:

* a meeting's own cost on each candidate day (`Compiled.own`): Monday/Friday, school
  holiday, and near clashes with fixed activities (see below);
* the spacing of consecutive meetings of a series (deviation from the ideal gap);
* near clashes between planned meetings, per *audience group* and run of working days;
* busy ISO weeks.

Near clashes (`Weights.audience_warning`, defined in `engage.planner.validate`) are counted
per provider group (segment) and run of W + 1 consecutive working days. Segments invited
by exactly the same series form an audience group (`AudienceGroup`). In a run that holds
a fixed activity for a segment, every planned meeting for it costs the weight, which is a
per-meeting (own) cost; in a run without one, the meetings beyond the first cost the
weight each, which is the group's `run_weight` times max(0, meetings in the run - 1).
Working days are numbered 0.. over the horizon (`WorkingCalendar`); run r covers working
days r .. r + W, for r from -W to the last working day, and is stored at index r + W.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from engage.planner.problem import Problem, Segment, Series
from engage.planner.workdays import WorkingCalendar

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MeetingSlot:
    """Meeting `index` of `series`: its candidate working days and their own costs."""

    series: Series
    index: int
    days: IntArray  # candidate working-day indexes, ascending
    offsets: IntArray  # their calendar-day offsets from the start
    own: IntArray  # own cost on each candidate day


@dataclass(frozen=True)
class AudienceGroup:
    """Segments invited by exactly the same series (`series_keys`).

    `run_weight[r + W]` is the cost of each meeting beyond the first in run r; `maximal`
    groups (whose series are not a strict subset of another group's) carry the hard
    same-day rule for all groups.
    """

    series_keys: frozenset[str]
    segments: tuple[Segment, ...]
    run_weight: IntArray
    maximal: bool


@dataclass(frozen=True)
class TeamLimit:
    """At `minute` of working day `day`, team `team_key` can take `room` more commitments.

    `items` lists the meetings that could be there then: (meeting number, position in
    its candidate days, indexes of its slots that cover the minute). Only limits that
    the candidates could break are listed.
    """

    team_key: str
    day: int
    minute: int
    room: int
    items: tuple[tuple[int, int, tuple[int, ...]], ...]


class Compiled:
    """`problem` with candidate days `domains` (working-day indexes per meeting).

    Guarantees: `cost(days)` of an assignment of one candidate day per meeting that keeps
    every hard rule equals the validator's soft cost of the corresponding plan.
    """

    def __init__(
        self, problem: Problem, cal: WorkingCalendar, domains: dict[str, list[list[int]]]
    ) -> None:
        self.problem = problem
        self.cal = cal
        self.window = problem.warning_window_working_days
        self.size = len(cal.days)
        self.runs = self.size + self.window  # run r at index r + W, r in [-W, size - 1]
        weights = problem.weights
        self.series = [s for s in problem.series if s.meetings]
        self.offset = np.array(cal.offset, dtype=np.int64)
        self.week = np.array(self._week_numbers(), dtype=np.int64)
        self.weeks = int(self.week.max()) + 1 if self.size else 0
        self.fixed_rank = {
            f.key: cal.rank(f.day) - cal.rank(cal.days[0]) if self.size else 0
            for f in problem.fixed
        }
        self.fixed_runs = self._fixed_runs()
        self.groups = self._groups()
        self.groups_of: dict[str, list[int]] = defaultdict(list)
        for number, group in enumerate(self.groups):
            for key in group.series_keys:
                self.groups_of[key].append(number)
        self.meetings: list[MeetingSlot] = []
        self.of_series: dict[str, list[int]] = {}
        for series in self.series:
            numbers = []
            fixed_near = self._fixed_near(series)
            for index, domain in enumerate(domains[series.key]):
                days = np.array(domain, dtype=np.int64)
                own = fixed_near[days] if len(days) else np.zeros(0, dtype=np.int64)
                own = own + np.array(
                    [self._day_cost(cal.days[t]) for t in domain], dtype=np.int64
                ).reshape(-1)
                numbers.append(len(self.meetings))
                self.meetings.append(
                    MeetingSlot(
                        series=series, index=index, days=days, offsets=self.offset[days], own=own
                    )
                )
            self.of_series[series.key] = numbers
        self.position = [{int(t): i for i, t in enumerate(m.days)} for m in self.meetings]
        self.busy_weight = weights.busy_week_excess
        self.fixed_per_week, self.constant = self._fixed_weeks()
        self.team_limits = self._team_limits()
        self.limits_of: list[list[int]] = [[] for _ in self.meetings]
        for i, limit in enumerate(self.team_limits):
            for n in {n for n, _, _ in limit.items}:
                self.limits_of[n].append(i)

    # -- construction ---------------------------------------------------------------------
    def _week_numbers(self) -> list[int]:
        shift = self.problem.start.weekday()
        return [(o + shift) // 7 for o in self.cal.offset]

    def _day_cost(self, day: date) -> int:
        weights, cost = self.problem.weights, 0
        if day.weekday() in (0, 4):
            cost += weights.monday_friday
        if day in self.problem.school_holidays:
            cost += weights.school_holiday
        return cost

    def _fixed_runs(self) -> dict[Segment, IntArray]:
        """Per segment with fixed activities: 1 for each run holding one of them."""
        runs: dict[Segment, IntArray] = {}
        for activity in self.problem.fixed:
            rank = self.fixed_rank[activity.key]
            low, high = max(rank - self.window, -self.window), min(rank, self.size - 1)
            if low > high:
                continue
            for segment in activity.audience:
                flags = runs.setdefault(segment, np.zeros(self.runs, dtype=np.int64))
                flags[low + self.window : high + self.window + 1] = 1
        return runs

    def _groups(self) -> list[AudienceGroup]:
        weight = self.problem.weights.audience_warning
        invited: dict[Segment, set[str]] = defaultdict(set)
        for series in self.series:
            for segment in series.audience:
                invited[segment].add(series.key)
        by_set: dict[frozenset[str], list[Segment]] = defaultdict(list)
        for segment, keys in invited.items():
            by_set[frozenset(keys)].append(segment)
        groups: list[AudienceGroup] = []
        for members, segments in sorted(by_set.items(), key=lambda kv: sorted(kv[0])):
            run_weight = np.zeros(self.runs, dtype=np.int64)
            for segment in segments:
                flags = self._fixed_runs_of(segment)
                run_weight += weight * (1 - flags)
            groups.append(
                AudienceGroup(
                    series_keys=members,
                    segments=tuple(sorted(segments)),
                    run_weight=run_weight,
                    maximal=not any(members < other for other in by_set),
                )
            )
        return groups

    def _fixed_runs_of(self, segment: Segment) -> IntArray:
        flags = self.fixed_runs.get(segment)
        return flags if flags is not None else np.zeros(self.runs, dtype=np.int64)

    def _fixed_near(self, series: Series) -> IntArray:
        """Near-clash cost with fixed activities of a meeting of `series` on each working day."""
        weight = self.problem.weights.audience_warning
        cost = np.zeros(self.size, dtype=np.int64)
        if not weight:
            return cost
        for segment in series.audience:
            flags = self.fixed_runs.get(segment)
            if flags is not None:
                cost += weight * self.runs_covering(flags)
        return cost

    def runs_covering(self, per_run: IntArray) -> IntArray:
        """For each working day t, the sum of `per_run` over the runs that contain t."""
        total = np.concatenate(([0], np.cumsum(per_run)))
        days = np.arange(self.size)
        # Runs containing t are r = t - W .. t, at indexes t .. t + W.
        return total[days + self.window + 1] - total[days]

    def _fixed_weeks(self) -> tuple[dict[int, int], int]:
        """Fixed activities per week of the horizon, and the busy-week cost of the horizon's
        weeks that have no working day (which no plan can change). Weeks wholly outside the
        horizon are not the plan's business and cost nothing (as in the validator)."""
        problem, threshold = self.problem, self.problem.busy_week_threshold
        shift = problem.start.weekday()
        inside: dict[int, int] = defaultdict(int)
        outside: dict[tuple[int, int], int] = defaultdict(int)
        for activity in problem.fixed:
            offset = (activity.day - problem.start).days
            if 0 <= offset < problem.horizon_days:
                inside[(offset + shift) // 7] += 1
            else:
                iso = activity.day.isocalendar()
                outside[(iso.year, iso.week)] += 1
        # ISO weeks straddling the horizon's ends count their fixed activities outside it.
        first, last = problem.start.isocalendar(), problem.end.isocalendar()
        last_week = (problem.horizon_days - 1 + shift) // 7
        inside[0] += outside.pop((first.year, first.week), 0)
        if last_week != 0:
            inside[last_week] += outside.pop((last.year, last.week), 0)
        constant = 0
        for week, count in inside.items():
            if week >= self.weeks:  # a week of the horizon without working days
                constant += self.busy_weight * max(0, count - threshold)
        return {w: c for w, c in inside.items() if w < self.weeks}, constant

    def _team_limits(self) -> list[TeamLimit]:
        limits: list[TeamLimit] = []
        problem = self.problem
        spans_of = [
            tuple((s.start_minute, s.end_minute) for s in m.series.slots) for m in self.meetings
        ]
        for team in problem.teams:
            fixed_spans: dict[date, list[tuple[int, int]]] = defaultdict(list)
            for activity in problem.fixed:
                if team.key in activity.teams:
                    fixed_spans[activity.day].append((activity.start_minute, activity.end_minute))
            candidates: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for number, meeting in enumerate(self.meetings):
                if team.key in meeting.series.teams:
                    for position, t in enumerate(meeting.days.tolist()):
                        candidates[t].append((number, position))
            for t, items in sorted(candidates.items()):
                spans = fixed_spans.get(self.cal.days[t], [])
                minutes = {start for start, _ in spans}
                for number, _ in items:
                    minutes.update(start for start, _ in spans_of[number])
                for minute in sorted(minutes):
                    load = sum(1 for start, end in spans if start <= minute < end)
                    room = team.capacity - min(load, team.capacity)
                    covering: list[tuple[int, int, tuple[int, ...]]] = []
                    for number, position in items:
                        cover = tuple(
                            j
                            for j, (start, end) in enumerate(spans_of[number])
                            if start <= minute < end
                        )
                        if cover:
                            covering.append((number, position, cover))
                    if len(covering) > room:
                        limits.append(TeamLimit(team.key, t, minute, room, tuple(covering)))
        return limits

    # -- costs ----------------------------------------------------------------------------
    def spacing_cost(self, series: Series, offsets: IntArray) -> int:
        """Spacing cost of a series whose meetings fall on calendar `offsets`."""
        ideal = self.problem.ideal_gap_days(series)
        weight = self.problem.weights.spacing_per_day
        return int(weight * np.abs(np.diff(offsets) - ideal).sum())

    def cost(self, days: list[int]) -> int:
        """Soft cost of placing meeting number i on working day `days[i]` (a candidate)."""
        total = self.constant
        for series in self.series:
            numbers = self.of_series[series.key]
            offsets = self.offset[[days[n] for n in numbers]]
            total += self.spacing_cost(series, offsets)
        for number, meeting in enumerate(self.meetings):
            total += int(meeting.own[self.position[number][days[number]]])
        for group in self.groups:
            counts = np.zeros(self.size, dtype=np.int64)
            for key in group.series_keys:
                for number in self.of_series[key]:
                    counts[days[number]] += 1
            in_run = self.run_counts(counts)
            total += int((group.run_weight * np.maximum(in_run - 1, 0)).sum())
        if self.busy_weight:
            per_week = np.zeros(self.weeks, dtype=np.int64)
            for t in days:
                per_week[self.week[t]] += 1
            for week, count in self.fixed_per_week.items():
                per_week[week] += count
            excess = np.maximum(per_week - self.problem.busy_week_threshold, 0)
            total += int(self.busy_weight * excess.sum())
        return total

    def run_counts(self, per_day: IntArray) -> IntArray:
        """For each run, the sum of `per_day` over its working days."""
        total = np.concatenate(([0], np.cumsum(per_day)))
        starts = np.arange(-self.window, self.size)
        low = np.clip(starts, 0, self.size)
        high = np.clip(starts + self.window + 1, 0, self.size)
        return total[high] - total[low]
