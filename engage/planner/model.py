"""The planner's CP-SAT model: one Boolean per meeting and candidate day.

For meeting m and each of its candidate working days d (see `engage.planner.compiled`)
a Boolean x[m,d] says "m is on d"; exactly one is true. Everything else is linear in x:

* spacing: the day D_m = sum of d's calendar offset * x[m,d]; consecutive meetings of a
  series are `min_gap_weeks`..`max_gap_weeks` apart and the deviation from the ideal gap,
  |D_{m+1} - D_m - ideal|, is costed per day;
* the same providers never twice on one day: for each audience group and day, at most
  one of its meetings (fixed activities for the same providers already removed the day
  from the candidates);
* team capacity: for each team, day and start minute where the candidates could exceed
  it, the meetings there at that minute (by time slot where a series has several) fit in
  what fixed activities leave;
* own costs (Monday/Friday, school holiday, near clashes with fixed activities) on x;
* near clashes between planned meetings: per audience group and run of W + 1 working
  days, an excess of at least (meetings in the run - 1), costed by the group's weight;
* busy weeks: an excess of at least (events in the ISO week - threshold).

Spacing is modelled compactly (one day expression and one deviation per gap) because
CP-SAT uses this model to search, on small problems and on neighbourhoods of a plan; the
tight description of a series' chains, whose linear relaxation gives the lower bound,
is the column generation in `engage.planner.bound`.

The objective equals the validator's soft cost. Meetings whose candidate days are
narrowed to one (pinned, or frozen by the solver's neighbourhood search) are constants.
Given the time slots of the frozen meetings too (`slots`), the model is a neighbourhood
of a plan: only the rules and costs that involve a free meeting are built, and the
objective is the part of the cost that the free meetings can change.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from ortools.sat.python import cp_model

from engage.planner.compiled import Compiled, IntArray
from engage.planner.heuristic import Placement

_Term = tuple[int, cp_model.IntVar]  # coefficient, variable


class PlanningModel:
    """The CP-SAT model of `compiled` with meeting n restricted to `allowed[n]`.

    `allowed[n]` lists positions in meeting n's candidate days (None: all of them).
    `slots[n]`, when given, is the time slot of each meeting left with one candidate day,
    and makes this a neighbourhood model (see the module docstring).
    """

    def __init__(
        self,
        compiled: Compiled,
        allowed: Sequence[IntArray | None] | None = None,
        slots: Sequence[int] | None = None,
    ) -> None:
        self.compiled = compiled
        self.slots = slots
        self.model = cp_model.CpModel()
        count = len(compiled.meetings)
        self.allowed: list[IntArray] = [
            np.arange(len(m.days), dtype=np.int64)
            if allowed is None or allowed[n] is None
            else np.asarray(allowed[n], dtype=np.int64)
            for n, m in enumerate(compiled.meetings)
        ]
        self.free = [len(a) > 1 for a in self.allowed]
        self.x: list[dict[int, cp_model.IntVar]] = [{} for _ in range(count)]
        self.fixed_day = [-1] * count  # working day of a meeting with one candidate left
        self.slot_vars: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        self.objective: list[_Term] = []
        self.constant = 0
        self.infeasible = False
        # Aux variables and how to compute them from a plan (for hints).
        self._spacing: list[tuple[cp_model.IntVar, int, int, int]] = []
        self._excess: list[tuple[cp_model.IntVar, list[tuple[int, int]], int]] = []
        self._build()

    # -- variables --------------------------------------------------------------------------
    def _build(self) -> None:
        compiled, model = self.compiled, self.model
        for n, meeting in enumerate(compiled.meetings):
            positions = self.allowed[n]
            if len(positions) == 0:
                self.infeasible = True
                model.add_bool_or([])
                continue
            if len(positions) == 1:
                p = int(positions[0])
                self.fixed_day[n] = int(meeting.days[p])
                if self.slots is None:
                    self.constant += int(meeting.own[p])
                continue
            tag = f"{meeting.series.key}#{meeting.index}"
            for p in positions:
                self.x[n][int(p)] = model.new_bool_var(f"x[{tag}@{int(meeting.days[p])}]")
            model.add_exactly_one(self.x[n].values())
            for p, var in self.x[n].items():
                if meeting.own[p]:
                    self.objective.append((int(meeting.own[p]), var))
        if self.infeasible:
            return
        self._add_spacing()
        self._add_same_day()
        self._add_teams()
        self._add_near_clashes()
        self._add_busy_weeks()
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum(
                [v for _, v in self.objective], [c for c, _ in self.objective]
            )
            + self.constant
        )

    def _day_terms(
        self, numbers: Sequence[int]
    ) -> tuple[dict[int, list[cp_model.IntVar]], IntArray]:
        """Free literals by working day, and fixed meetings per working day, for `numbers`."""
        compiled = self.compiled
        literals: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        fixed = np.zeros(compiled.size, dtype=np.int64)
        for n in numbers:
            if self.fixed_day[n] >= 0:
                fixed[self.fixed_day[n]] += 1
                continue
            days = compiled.meetings[n].days
            for p, var in self.x[n].items():
                literals[int(days[p])].append(var)
        return literals, fixed

    # -- hard rules and costs -----------------------------------------------------------------
    def _add_spacing(self) -> None:
        compiled, model = self.compiled, self.model
        problem = compiled.problem
        weight = problem.weights.spacing_per_day
        for series in compiled.series:
            ideal = problem.ideal_gap_days(series)
            low, high = 7 * series.min_gap_weeks, 7 * series.max_gap_weeks
            numbers = compiled.of_series[series.key]
            for first, second in itertools.pairwise(numbers):
                day_one, day_two = self._day(first), self._day(second)
                if isinstance(day_one, int) and isinstance(day_two, int):
                    gap = day_two - day_one
                    if not low <= gap <= high:
                        self.infeasible = True
                        model.add_bool_or([])
                    if self.slots is None:
                        self.constant += weight * abs(gap - ideal)
                    continue
                gap_expr = day_two - day_one
                model.add_linear_constraint(gap_expr, low, high)
                if not weight:
                    continue
                deviation = model.new_int_var(
                    0, max(high - ideal, ideal - low), f"dev[{series.key}#{first}]"
                )
                model.add(deviation >= gap_expr - ideal)
                model.add(deviation >= ideal - gap_expr)
                self.objective.append((weight, deviation))
                self._spacing.append((deviation, first, second, ideal))

    def _day(self, n: int) -> cp_model.LinearExpr | int:
        """Meeting n's calendar offset, as a constant or a linear expression."""
        meeting = self.compiled.meetings[n]
        if self.fixed_day[n] >= 0:
            return int(self.compiled.offset[self.fixed_day[n]])
        items = list(self.x[n].items())
        return cp_model.LinearExpr.weighted_sum(
            [v for _, v in items], [int(meeting.offsets[p]) for p, _ in items]
        )

    def _relevant(self, keys: frozenset[str]) -> bool:
        """Whether a rule over the meetings of series `keys` must be built."""
        if self.slots is None:
            return True
        compiled = self.compiled
        return any(self.free[n] for key in keys for n in compiled.of_series[key])

    def _add_same_day(self) -> None:
        for group in self.compiled.groups:
            if not group.maximal or not self._relevant(group.series_keys):
                continue
            numbers = [n for key in sorted(group.series_keys) for n in self.compiled.of_series[key]]
            literals, fixed = self._day_terms(numbers)
            for t, found in literals.items():
                if fixed[t]:
                    for var in found:
                        self.model.add(var == 0)
                elif len(found) > 1:
                    self.model.add_at_most_one(found)
            if (fixed > 1).any():
                self.infeasible = True
                self.model.add_bool_or([])

    def _add_teams(self) -> None:
        compiled, model = self.compiled, self.model
        if self.slots is None:
            limits = list(range(len(compiled.team_limits)))
        else:
            limits = sorted(
                {i for n, free in enumerate(self.free) if free for i in compiled.limits_of[n]}
            )
        for i in limits:
            limit = compiled.team_limits[i]
            terms: list[cp_model.IntVar] = []
            load = 0
            for n, position, cover in limit.items:
                slots = compiled.meetings[n].series.slots
                if self.fixed_day[n] >= 0:
                    if self.fixed_day[n] != limit.day:
                        continue
                    if len(cover) == len(slots):
                        load += 1
                    elif self.slots is not None:
                        load += 1 if self.slots[n] in cover else 0
                    else:
                        terms.extend(self._slot_literals(n, position, cover))
                    continue
                var = self.x[n].get(position)
                if var is None:
                    continue
                if len(cover) == len(slots):
                    terms.append(var)
                else:
                    terms.extend(self._slot_literals(n, position, cover))
            if len(terms) + load > limit.room:
                if load > limit.room:
                    self.infeasible = True
                    model.add_bool_or([])
                else:
                    model.add(sum(terms) <= limit.room - load)

    def _slot_literals(
        self, n: int, position: int, cover: tuple[int, ...]
    ) -> list[cp_model.IntVar]:
        literals = self.slot_vars.get((n, position))
        if literals is None:
            meeting = self.compiled.meetings[n]
            tag = f"{meeting.series.key}#{meeting.index}@{int(meeting.days[position])}"
            literals = [
                self.model.new_bool_var(f"slot[{tag},{j}]")
                for j in range(len(meeting.series.slots))
            ]
            var = self.x[n].get(position)
            if var is None:  # a meeting with one candidate day left
                self.model.add_exactly_one(literals)
            else:
                self.model.add(sum(literals) == var)
            self.slot_vars[(n, position)] = literals
        return [literals[j] for j in cover]

    def _add_near_clashes(self) -> None:
        compiled, model = self.compiled, self.model
        window = compiled.window
        for g, group in enumerate(compiled.groups):
            if not self._relevant(group.series_keys):
                continue
            numbers = [n for key in sorted(group.series_keys) for n in compiled.of_series[key]]
            literals, fixed = self._day_terms(numbers)
            fixed_runs = compiled.run_counts(fixed)
            weights = group.run_weight
            touched = np.zeros(compiled.runs, dtype=bool)
            for t in literals:
                touched[t : t + window + 1] = True  # runs t - W .. t
            if self.slots is None:  # runs with frozen meetings only: a constant
                self.constant += int((weights * np.maximum(fixed_runs - 1, 0))[~touched].sum())
            for index in np.flatnonzero(touched & (weights > 0)):
                first = int(index) - window
                found = [
                    var
                    for t in range(max(first, 0), min(first + window + 1, compiled.size))
                    for var in literals.get(t, ())
                ]
                base = int(fixed_runs[index])
                most = len(found) + base
                if most <= 1:
                    continue
                excess = model.new_int_var(max(base - 1, 0), most - 1, f"near[{g},{first}]")
                model.add(excess >= sum(found) + base - 1)
                self.objective.append((int(weights[index]), excess))
                self._excess.append((excess, self._run_members(numbers, first), base - 1))

    def _run_members(self, numbers: Sequence[int], first: int) -> list[tuple[int, int]]:
        """(meeting, working day) pairs of free meetings whose candidates fall in a run."""
        compiled = self.compiled
        members: list[tuple[int, int]] = []
        for n in numbers:
            if self.fixed_day[n] >= 0:
                continue
            days = compiled.meetings[n].days
            for p in self.x[n]:
                if first <= days[p] <= first + compiled.window:
                    members.append((n, int(days[p])))
        return members

    def _add_busy_weeks(self) -> None:
        compiled, model = self.compiled, self.model
        weight, threshold = compiled.busy_weight, compiled.problem.busy_week_threshold
        if not weight:
            return
        literals: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        members: dict[int, list[tuple[int, int]]] = defaultdict(list)
        base = np.zeros(max(compiled.weeks, 1), dtype=np.int64)
        for week, count in compiled.fixed_per_week.items():
            base[week] += count
        for n, meeting in enumerate(compiled.meetings):
            if self.fixed_day[n] >= 0:
                base[compiled.week[self.fixed_day[n]]] += 1
                continue
            for p, var in self.x[n].items():
                week = int(compiled.week[meeting.days[p]])
                literals[week].append(var)
                members[week].append((n, int(meeting.days[p])))
        for week in range(len(base)):
            found = literals.get(week, [])
            fixed = int(base[week])
            if not found:
                if self.slots is None:
                    self.constant += weight * max(0, fixed - threshold)
                continue
            # A meeting adds at most one to its week, however many of its days are in it.
            most = len({n for n, _ in members[week]}) + fixed
            if most <= threshold:
                continue
            excess = model.new_int_var(max(0, fixed - threshold), most - threshold, f"busy[{week}]")
            model.add(excess >= sum(found) + fixed - threshold)
            self.objective.append((weight, excess))
            self._excess.append((excess, members[week], fixed - threshold))

    # -- hints and solutions ------------------------------------------------------------------
    def add_hint(self, placements: Sequence[Placement]) -> int:
        """Hint a complete plan (every meeting placed on an allowed day); return the
        objective value of the hinted plan in this model."""
        compiled, model = self.compiled, self.model
        chosen: dict[int, Placement] = {p.number: p for p in placements}
        days = [-1] * len(compiled.meetings)
        values: dict[int, int] = {}

        def hint(var: cp_model.IntVar, value: int) -> None:
            model.add_hint(var, value)
            values[var.index] = value

        for n, placement in chosen.items():
            days[n] = int(compiled.meetings[n].days[placement.position])
            for p, var in self.x[n].items():
                hint(var, int(p == placement.position))
        for (n, position), literals in self.slot_vars.items():
            found = chosen.get(n)
            for j, var in enumerate(literals):
                on = found is not None and found.position == position and j == found.slot
                hint(var, int(on))
        offsets = compiled.offset
        for var, first, second, ideal in self._spacing:
            gap = int(offsets[days[second]] - offsets[days[first]])
            hint(var, abs(gap - ideal))
        for var, members, base in self._excess:
            present = sum(1 for n, t in members if days[n] == t)
            hint(var, max(0, present + base))
        return self.constant + sum(c * values.get(v.index, 0) for c, v in self.objective)

    def read(self, solver: cp_model.CpSolver) -> list[Placement]:
        """The solved plan as placements."""
        placements: list[Placement] = []
        for n in range(len(self.compiled.meetings)):
            if self.fixed_day[n] >= 0:
                position = int(self.allowed[n][0])
            else:
                position = next(p for p, var in self.x[n].items() if solver.boolean_value(var))
            slot = 0 if self.slots is None or self.free[n] else self.slots[n]
            literals = self.slot_vars.get((n, position))
            if literals is not None:
                slot = next(j for j, var in enumerate(literals) if solver.boolean_value(var))
            placements.append(Placement(n, position, slot))
        return placements
