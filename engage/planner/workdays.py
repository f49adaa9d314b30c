"""Working-day arithmetic for the planner and the infeasibility explainer.

The validator does its own date arithmetic on purpose and does not use this module.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from datetime import date, timedelta

from engage.planner.problem import MINUTES_PER_DAY, Problem


class WorkingCalendar:
    """The horizon's working days, indexed 0.. in date order.

    `days[i]` is the i-th working day, `offset[i]` its calendar-day offset from
    `problem.start`.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.days: tuple[date, ...] = problem.working_days()
        self.index: dict[date, int] = {d: i for i, d in enumerate(self.days)}
        self.offset: tuple[int, ...] = tuple((d - problem.start).days for d in self.days)
        # Working days over a wider span, for distances to fixed activities outside the
        # horizon or on non-working days.
        extra = [f.day for f in problem.fixed]
        low = min([problem.start, *extra]) - timedelta(days=60)
        high = max([problem.end, *extra]) + timedelta(days=60)
        span = (low + timedelta(days=i) for i in range((high - low).days + 1))
        self._wide: list[date] = [d for d in span if problem.is_working_day(d)]

    def __len__(self) -> int:
        return len(self.days)

    def rank(self, day: date) -> int:
        """Number of working days on or before `day` (relative to an arbitrary origin)."""
        return bisect.bisect_right(self._wide, day)


def fixed_load_profile(
    problem: Problem, team_key: str, capacity: int
) -> list[tuple[int, int, int]]:
    """The team's fixed-activity load in the horizon as (start, end, load) on the minute line.

    Load is capped at `capacity`: where fixed activities alone already exceed it, the team
    is simply full (the plan is not blamed for the calendar it was given).
    """
    per_day: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for activity in problem.fixed:
        if team_key in activity.teams and problem.start <= activity.day <= problem.end:
            per_day[activity.day].append((activity.start_minute, activity.end_minute))
    pieces: list[tuple[int, int, int]] = []
    for day, spans in sorted(per_day.items()):
        base = (day - problem.start).days * MINUTES_PER_DAY
        points = sorted({p for span in spans for p in span})
        for low, high in itertools.pairwise(points):
            load = sum(1 for s, e in spans if s <= low and high <= e)
            if load:
                pieces.append((base + low, base + high, min(load, capacity)))
    return pieces
