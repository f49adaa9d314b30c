"""Say, in words, why no plan exists.

Two steps. `precheck` catches single causes that need no search (a venue too small, a
pin on a bank holiday, two pins for the same providers on one day...). When those pass
but the solver proves there is no plan, `explain_infeasibility` rebuilds the problem as
a compact CP-SAT model in which every family of hard rules is switched on by its own
literal: one per series for its weekdays, one per series for its spacing, one per pinned
meeting, one per team for its leave and one for its capacity, one per pair of series
sharing providers, one per series and fixed activity for the same providers. Those
literals are solved as assumptions; CP-SAT's `sufficient_assumptions_for_infeasibility`
names a set of families that cannot all hold, which is then shrunk by deletion (drop one
family, re-solve, keep it out if still infeasible) while time allows. Each series is
tried on its own first, so local problems are named without the rest of the market.
"""

from __future__ import annotations

import itertools
import time as clock
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from engage.planner.problem import (
    MINUTES_PER_DAY,
    FixedActivity,
    Problem,
    Series,
    Team,
    describe_day,
    describe_weekdays,
)
from engage.planner.workdays import WorkingCalendar, fixed_load_profile


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def precheck(problem: Problem) -> list[str]:
    """Single-cause reasons no plan can exist, in words; empty when none is found.

    Guarantees: every message is a true reason the problem has no plan (so a non-empty
    result proves infeasibility); an empty result proves nothing.
    """
    reasons: list[str] = []
    teams = problem.teams_by_key()
    pins: dict[date, list[tuple[Series, int]]] = defaultdict(list)
    for series in problem.series:
        if series.meetings == 0:
            continue
        if series.venues and not series.fitting_venues():
            largest = max(series.venues, key=lambda v: v.capacity)
            reasons.append(
                f"{series.name}: {series.expected_attendance} people are expected, but the "
                f"largest of its venues, {largest.name}, holds only {largest.capacity}"
            )
        for key in sorted(series.teams):
            if teams[key].capacity == 0:
                reasons.append(
                    f"{teams[key].name} has capacity 0, so it cannot staff {series.name}"
                )
        for index, day in sorted(series.pinned.items()):
            pins[day].append((series, index))
            label = f"{series.meeting_label(index)} is pinned to {describe_day(day)}"
            if not problem.start <= day <= problem.end:
                reasons.append(
                    f"{label}, outside the planning period {describe_day(problem.start)} "
                    f"to {describe_day(problem.end)}"
                )
            elif day.weekday() >= 5:
                reasons.append(f"{label}, a weekend day")
            elif day in problem.bank_holidays:
                reasons.append(f"{label}, a bank holiday")
            elif day.weekday() not in series.weekdays:
                reasons.append(
                    f"{label}, but {series.name} meets only on {describe_weekdays(series.weekdays)}"
                )
            for key in sorted(series.teams):
                if day in teams[key].unavailable:
                    reasons.append(f"{label}, when {teams[key].name} is unavailable")
            for activity in problem.fixed:
                if activity.day == day and activity.audience & series.audience:
                    reasons.append(
                        f"{label}, the day of {activity.name}, which is for the same providers"
                    )
        ordered = sorted(series.pinned.items())
        low, high = 7 * series.min_gap_weeks, 7 * series.max_gap_weeks
        for (i, first), (j, second) in itertools.pairwise(ordered):
            gap, steps = (second - first).days, j - i
            if not steps * low <= gap <= steps * high:
                reasons.append(
                    f"{series.name}: meetings {i + 1} and {j + 1} are pinned to "
                    f"{describe_day(first)} and {describe_day(second)}, {gap} days apart, but "
                    f"{_plural(steps, 'gap')} of {series.min_gap_weeks} to "
                    f"{series.max_gap_weeks} weeks allow only {steps * low} to {steps * high} days"
                )
    for day, pinned in sorted(pins.items()):
        for a, (one, i) in enumerate(pinned):
            for two, j in pinned[a + 1 :]:
                if one.key != two.key and one.audience & two.audience:
                    reasons.append(
                        f"{one.meeting_label(i)} and {two.meeting_label(j)} are both "
                        f"pinned to {describe_day(day)}, but they are for the same providers"
                    )
    return reasons


@dataclass(frozen=True)
class _Family:
    """A family of hard rules that an assumption literal switches on."""

    kind: str
    text: str
    series_key: str | None = None


class _Diagnosis:
    """A feasibility-only model over `series` with one literal per rule family."""

    def __init__(self, problem: Problem, cal: WorkingCalendar, series: list[Series]) -> None:
        self.problem = problem
        self.cal = cal
        self.series = series
        self.model = cp_model.CpModel()
        self.families: dict[int, _Family] = {}
        self.literals: list[cp_model.IntVar] = []
        self._build()

    def _family(self, name: str, family: _Family) -> cp_model.IntVar:
        literal = self.model.new_bool_var(name)
        self.families[literal.index] = family
        self.literals.append(literal)
        return literal

    def _build(self) -> None:
        problem, cal, model = self.problem, self.cal, self.model
        offsets = list(cal.offset)
        everywhere = cp_model.Domain.from_values(offsets)
        problem.teams_by_key()
        day_of: dict[str, list[cp_model.IntVar]] = {}
        for series in self.series:
            days = [
                model.new_int_var_from_domain(everywhere, f"day[{series.key}#{k}]")
                for k in range(series.meetings)
            ]
            day_of[series.key] = days
            if len(days) > 1:
                model.add_all_different(days)
            # Weekdays.
            allowed = [
                o for o, d in zip(offsets, cal.days, strict=True) if d.weekday() in series.weekdays
            ]
            if len(allowed) < len(offsets):
                literal = self._family(
                    f"weekdays[{series.key}]",
                    _Family(
                        "weekdays",
                        f"{series.name} meets only on {describe_weekdays(series.weekdays)}",
                        series.key,
                    ),
                )
                for day in days:
                    model.add_linear_expression_in_domain(
                        day, cp_model.Domain.from_values(allowed)
                    ).only_enforce_if(literal)
            # Spacing and order.
            if len(days) > 1:
                literal = self._family(
                    f"spacing[{series.key}]",
                    _Family(
                        "spacing",
                        f"{series.name} needs {_plural(series.meetings, 'meeting')} "
                        f"{series.min_gap_weeks} to {series.max_gap_weeks} weeks apart between "
                        f"{describe_day(problem.start)} and {describe_day(problem.end)}",
                        series.key,
                    ),
                )
                for first, second in itertools.pairwise(days):
                    model.add_linear_constraint(
                        second - first, 7 * series.min_gap_weeks, 7 * series.max_gap_weeks
                    ).only_enforce_if(literal)
            # Pins (dates already checked to be working days by the pre-check).
            for index, pinned in sorted(series.pinned.items()):
                position = cal.index.get(pinned)
                if position is None:
                    continue
                literal = self._family(
                    f"pin[{series.key}#{index}]",
                    _Family(
                        "pin",
                        f"{series.meeting_label(index)} is pinned to {describe_day(pinned)}",
                        series.key,
                    ),
                )
                model.add(days[index] == cal.offset[position]).only_enforce_if(literal)
            # Fixed activities for the same providers.
            for activity in problem.fixed:
                position = cal.index.get(activity.day)
                if position is None or not activity.audience & series.audience:
                    continue
                literal = self._family(
                    f"fixed[{series.key},{activity.key}]",
                    _Family(
                        "fixed",
                        f"{activity.name} on {describe_day(activity.day)} is for the same "
                        f"providers as {series.name}, which therefore cannot meet that day",
                        series.key,
                    ),
                )
                for day in days:
                    model.add(day != cal.offset[position]).only_enforce_if(literal)

        # Pairs of series sharing providers: never the same day.
        for a, one in enumerate(self.series):
            for two in self.series[a + 1 :]:
                if not one.audience & two.audience:
                    continue
                if not day_of[one.key] or not day_of[two.key]:
                    continue
                literal = self._family(
                    f"audience[{one.key},{two.key}]",
                    _Family(
                        "audience",
                        f"{one.name} and {two.name} are for some of the same providers, "
                        "so they cannot meet on the same day",
                    ),
                )
                for x in day_of[one.key]:
                    for y in day_of[two.key]:
                        before = model.new_bool_var("")
                        model.add(y - x >= 1).only_enforce_if([literal, before])
                        model.add(x - y >= 1).only_enforce_if([literal, before.negated()])

        # Teams: leave and capacity.
        involved = {key for s in self.series for key in s.teams}
        for team in problem.teams:
            if team.key not in involved:
                continue
            self._team(team, [(s, day_of[s.key]) for s in self.series if team.key in s.teams])

    def _team(self, team: Team, staffed: list[tuple[Series, list[cp_model.IntVar]]]) -> None:
        model, cal, problem = self.model, self.cal, self.problem
        leave = [o for o, d in zip(cal.offset, cal.days, strict=True) if d in team.unavailable]
        if leave:
            shown = sorted(d for d in team.unavailable if problem.start <= d <= problem.end)
            listed = ", ".join(describe_day(d) for d in shown[:4])
            more = f" and {len(shown) - 4} more days" if len(shown) > 4 else ""
            literal = self._family(
                f"leave[{team.key}]",
                _Family("leave", f"{team.name} is unavailable on {listed}{more}"),
            )
            free = [o for o in cal.offset if o not in set(leave)]
            domain = cp_model.Domain.from_values(free)
            for _, days in staffed:
                for day in days:
                    model.add_linear_expression_in_domain(day, domain).only_enforce_if(literal)
        meetings = sum(len(days) for _, days in staffed)
        fixed = _fixed_in_horizon(problem, team.key)
        if meetings + len(fixed) <= team.capacity:
            return
        literal = self._family(
            f"capacity[{team.key}]",
            _Family(
                "capacity",
                f"{team.name} can cover {_plural(team.capacity, 'commitment')} at a time"
                + (
                    f", and already has {len(fixed)} fixed "
                    + ("activity" if len(fixed) == 1 else "activities")
                    if fixed
                    else ""
                ),
            ),
        )
        intervals: list[cp_model.IntervalVar] = []
        demands: list[int] = []
        for series, days in staffed:
            for day in days:
                slot_literals = [model.new_bool_var("") for _ in series.slots]
                model.add_exactly_one(slot_literals)
                start = model.new_int_var(0, (problem.horizon_days + 1) * MINUTES_PER_DAY, "")
                size = model.new_int_var(
                    min(s.minutes for s in series.slots), max(s.minutes for s in series.slots), ""
                )
                end = model.new_int_var(0, (problem.horizon_days + 2) * MINUTES_PER_DAY, "")
                model.add(
                    start
                    == day * MINUTES_PER_DAY
                    + sum(
                        s.start_minute * v for s, v in zip(series.slots, slot_literals, strict=True)
                    )
                )
                model.add(
                    size
                    == sum(s.minutes * v for s, v in zip(series.slots, slot_literals, strict=True))
                )
                intervals.append(model.new_optional_interval_var(start, size, end, literal, ""))
                demands.append(1)
        for begin, finish, load in fixed_load_profile(problem, team.key, team.capacity):
            intervals.append(
                model.new_optional_fixed_size_interval_var(begin, finish - begin, literal, "")
            )
            demands.append(load)
        model.add_cumulative(intervals, demands, team.capacity)

    def solve(self, assumptions: list[cp_model.IntVar], seconds: float) -> tuple[str, list[int]]:
        self.model.clear_assumptions()
        self.model.add_assumptions(assumptions)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.random_seed = self.problem.random_seed
        code = solver.solve(self.model)
        if code == cp_model.INFEASIBLE:
            return "infeasible", list(solver.sufficient_assumptions_for_infeasibility())
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "feasible", []
        return "unknown", []


def _fixed_in_horizon(problem: Problem, team_key: str) -> list[FixedActivity]:
    return [
        f for f in problem.fixed if team_key in f.teams and problem.start <= f.day <= problem.end
    ]


def _core(diagnosis: _Diagnosis, deadline: float) -> list[int] | None:
    """A small set of family literals that cannot all hold, or None if not proven."""
    remaining = deadline - clock.perf_counter()
    verdict, core = diagnosis.solve(diagnosis.literals, remaining)
    if verdict != "infeasible":
        return None
    by_index = {lit.index: lit for lit in diagnosis.literals}
    kept = [i for i in core if i in by_index]
    # Deletion-based shrinking: drop a family if the rest is still infeasible.
    for candidate in list(kept):
        remaining = deadline - clock.perf_counter()
        if remaining <= 0.05 or len(kept) <= 1:
            break
        trial = [by_index[i] for i in kept if i != candidate]
        verdict, smaller = diagnosis.solve(trial, min(remaining, 2.0))
        if verdict == "infeasible":
            still = set(smaller) if smaller else {i for i in kept if i != candidate}
            kept = [i for i in kept if i != candidate and i in still]
    return kept


def _words(problem: Problem, diagnosis: _Diagnosis, core: list[int]) -> list[str]:
    families = [diagnosis.families[i] for i in core]
    kinds = {f.kind for f in families}
    series_keys = {f.series_key for f in families}
    items = [f.text for f in families]
    if len(series_keys) == 1 and kinds <= {"spacing", "weekdays"} and "spacing" in kinds:
        series = problem.series_by_key()[str(next(iter(series_keys)))]
        on_days = f" on {describe_weekdays(series.weekdays)}" if "weekdays" in kinds else ""
        headline = (
            f"{series.name}: {_plural(series.meetings, 'meeting')} at least "
            f"{_plural(series.min_gap_weeks, 'week')} apart{on_days} do not fit between "
            f"{describe_day(problem.start)} and {describe_day(problem.end)}"
        )
        return [headline, *items]
    if not families:
        return ["No plan exists, even before any series' own rules are applied."]
    return ["No plan can keep all of these rules at once:", *items]


def explain_infeasibility(
    problem: Problem,
    seconds: float,
    suspects: Collection[str] | None = None,
    focus: Collection[str] = (),
) -> tuple[str, ...]:
    """Explain, in words, why `problem` has no plan, spending at most about `seconds`.

    `suspects` are keys of series that may be infeasible on their own (None: all); each is
    first examined alone. Then groups of series are examined, growing from `focus` (e.g.
    the series a heuristic plan could not place validly) through the series sharing
    providers or a team with them, to the whole problem; a conflict found in a group is a
    conflict of the whole problem.

    Guarantees: non-empty. When the pre-check or the assumption core proves a reason, the
    messages name the series, pinned meetings and teams whose rules conflict; otherwise a
    single message says the cause could not be pinned down in time.
    """
    began = clock.perf_counter()
    deadline = began + seconds
    reasons = precheck(problem)
    if reasons:
        return tuple(reasons)
    cal = WorkingCalendar(problem)
    # Series on their own first (with their teams' leave and fixed activities).
    found: list[str] = []
    for series in problem.series:
        if clock.perf_counter() > deadline:
            break
        if series.meetings == 0 or (suspects is not None and series.key not in suspects):
            continue
        diagnosis = _Diagnosis(problem, cal, [series])
        share = max(0.2, (deadline - clock.perf_counter()) / 4)
        core = _core(diagnosis, min(deadline, clock.perf_counter() + share))
        if core is not None:
            found.extend(_words(problem, diagnosis, core))
    if found:
        return tuple(found)
    active = [s for s in problem.series if s.meetings]
    groups: list[list[Series]] = []
    if focus:
        inner = [s for s in active if s.key in set(focus)]
        outer = [
            s
            for s in active
            if s.key in set(focus)
            or any(s.audience & f.audience or s.teams & f.teams for f in inner)
        ]
        groups = [inner, outer]
    groups.append(active)
    tried: set[tuple[str, ...]] = set()
    for number, group in enumerate(groups):
        key = tuple(s.key for s in group)
        if not group or key in tried:
            continue
        tried.add(key)
        last = number == len(groups) - 1
        left = deadline - clock.perf_counter()
        stop = clock.perf_counter() + (max(left, 1.0) if last else max(left / 3, 0.5))
        diagnosis = _Diagnosis(problem, cal, group)
        core = _core(diagnosis, stop)
        if core is not None:
            return tuple(_words(problem, diagnosis, core))
    return (
        "No plan exists, but the conflicting rules could not be pinned down in the time "
        "allowed. Try relaxing gap limits, pinned dates or team leave, one at a time.",
    )
