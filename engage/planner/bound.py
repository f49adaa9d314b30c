"""A proven lower bound on the cost of any plan, by column generation (Dantzig-Wolfe).

The planning problem is one chain of meetings per series, linked by shared rules: the
same providers at most once a day, team capacity, near clashes per audience group and
run of working days, busy weeks. The linear relaxation used here lets each series take
a *mixture* of its chains (weights summing to one) and prices every linking rule by the
mixture. Each series' chains are described exactly (its own costs included), so this is
the linear relaxation of the time-indexed model with a perfect description of every
series on its own; what it cannot see is that a series must pick one chain.

Chains are generated as needed: the master LP (GLOP through MathOpt, warm-started
between rounds) over the chains found so far gives prices (duals) for the linking rules;
each series' cheapest chain under those prices is found exactly by dynamic programming
(`engage.planner.heuristic.cheapest_chain`) and added if it could lower the LP. Linking
rules enter the master only once the mixture breaks them; rules not (yet) in the master
only loosen it, so every bound is valid.

The bound reported is the Lagrangian value of the prices: for prices y (<= 0 on each
<= rule, and no cheaper than the cost of breaking a soft rule), sum(b * y) plus, for
each series, the cheapest chain's cost minus the prices it uses. Because the cheapest
chain is exact, this is a lower bound on every plan whatever the prices, so the LP
solver's accuracy cannot make it wrong; better prices only make it tighter.

Large problems are split into blocks (`blocks`, `lower_bound`) whose LPs are solved one
after another; the sum of their bounds is a bound on the whole.
"""

from __future__ import annotations

import math
import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from ortools.math_opt import result_pb2
from ortools.math_opt.python import callback, mathopt, model_parameters

from engage.planner.compiled import Compiled
from engage.planner.heuristic import (
    Chain,
    FloatArray,
    Placement,
    chains_of,
    placements_of,
    series_chain,
)

_EPS = 1e-7
#: At most this many linking rules enter the master LP per round (the worst broken first):
#: adding thousands at once makes the LP re-solves slow.
ROWS_PER_ROUND = 500
#: Weight of the best prices so far when smoothing the master's duals for pricing.
SMOOTHING = 0.5
#: Cost per unit of breaking a hard rule in the master LP. Hard rules get an artificial
#: excess at this cost, so the master stays feasible whatever chains it holds (needed
#: when series are fixed by a dive); prices of hard rules are then at least -this, and
#: any prices <= 0 on a hard rule give a valid Lagrangian bound, so the bound stays valid.
HARD_PENALTY = 10_000.0
#: Diving: rounds of column generation between fixings, and series fixed per step when
#: the LP puts none wholly on one chain (at least; more when time is short, see `dive`).
DIVE_ROUNDS = 5
DIVE_FIX = 4


@dataclass
class _Row:
    """A linking rule in the master LP: sum of column coefficients <= `rhs`.

    `penalty` > 0 makes it soft: an excess variable with that cost per unit is added.
    """

    kind: str  # "day", "near", "team" or "busy"
    key: tuple[int, int]  # (group, day) / (group, run index) / (limit, 0) / (week, 0)
    rhs: float
    penalty: float
    constraint: mathopt.LinearConstraint
    dual: float = 0.0


@dataclass
class _Column:
    """A chain of one series: positions and slots of its meetings, and its cost."""

    series_key: str
    chain: Chain  # (position, slot) per meeting
    cost: float
    var: mathopt.Variable
    touches: dict[tuple[str, tuple[int, int]], float]


class DantzigWolfeBound:
    """The column-generation LP of one block of `compiled` (see `lower_bound`).

    The block holds the series `shares` maps to the share of their own costs counted
    here, the audience groups `groups` and the team limits `limits` whose rules it
    prices, and the busy weeks when `busy`. `bound` excludes `compiled.constant`.
    """

    def __init__(
        self,
        compiled: Compiled,
        shares: dict[str, float],
        groups: set[int],
        limits: set[int],
        busy: bool,
    ) -> None:
        self.compiled = compiled
        self.shares = shares
        self.block_groups = groups
        self.block_limits = limits
        self.busy = busy
        self.keys = [s.key for s in compiled.series if s.key in shares]
        self.model = mathopt.Model(name="planner-bound")
        self.objective = self.model.objective
        self.objective.is_maximize = False
        self.rows: list[_Row] = []
        self.row_index: dict[tuple[str, tuple[int, int]], int] = {}
        self.columns: list[_Column] = []
        self.columns_of: dict[str, list[_Column]] = defaultdict(list)
        self.seen: set[tuple[str, Chain]] = set()
        self.convexity = {
            key: self.model.add_linear_constraint(lb=1.0, ub=1.0, name=f"conv[{key}]")
            for key in self.keys
        }
        # GLOP through MathOpt keeps its basis between solves as chains and rules are added.
        self.solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        self.bound = -math.inf
        self.centre: list[float] = []
        #: Series fixed to one chain by a dive (`fix`); while any is, the Lagrangian
        #: values are bounds of the restricted problem only and do not update `bound`.
        self.fixed: dict[str, _Column] = {}
        self.centre_value = -math.inf
        self.converged = False
        self._limits_at: dict[tuple[int, int], list[int]] | None = None
        # The block's team limits by (meeting, position, slot) that count there (rules
        # of other limits never enter this master).
        self._limits_for: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for number in sorted(limits):
            for n, position, cover in compiled.team_limits[number].items:
                for slot in cover:
                    self._limits_for[(n, position, slot)].append(number)
        self._cover_of: dict[int, list[tuple[int, int, int]]] = {}
        self._touched: dict[tuple[str, Chain], dict[tuple[str, tuple[int, int]], float]] = {}
        self.values: list[float] = []
        self.rounds = 0
        self.master_seconds = 0.0  # wall time of all rounds so far (`run`)
        window = compiled.window
        # Which rows a meeting on working day t touches, per series.
        self.maximal_of = {
            key: [g for g in compiled.groups_of[key] if compiled.groups[g].maximal and g in groups]
            for key in self.keys
        }
        self.window = window

    # -- rows -------------------------------------------------------------------------------
    def _row(self, kind: str, key: tuple[int, int], rhs: float, penalty: float) -> int:
        constraint = self.model.add_linear_constraint(ub=rhs, name=f"{kind}{key}")
        penalty = penalty if penalty > 0 else HARD_PENALTY
        if penalty > 0:
            excess = self.model.add_variable(lb=0.0, name=f"ex_{kind}{key}")
            constraint.set_coefficient(excess, -1.0)
            self.objective.set_linear_coefficient(excess, penalty)
        number = len(self.rows)
        self.rows.append(_Row(kind, key, rhs, penalty, constraint))
        self.row_index[(kind, key)] = number
        compiled = self.compiled
        if kind in ("day", "near"):
            keys: list[str] = sorted(compiled.groups[key[0]].series_keys)
        elif kind == "team":
            keys = sorted(
                {compiled.meetings[n].series.key for n, _, _ in compiled.team_limits[key[0]].items}
            )
        else:
            keys = list(self.columns_of)
        for series_key in keys:
            for column in self.columns_of.get(series_key, []):
                coefficient = column.touches.get((kind, key))
                if coefficient:
                    constraint.set_coefficient(column.var, coefficient)
        return number

    def _touches(self, series_key: str, chain: Chain) -> dict[tuple[str, tuple[int, int]], float]:
        """The linking rules a chain counts in, with how many times it counts (remembered:
        pricing meets the same chains again)."""
        found = self._touched.get((series_key, chain))
        if found is not None:
            return found
        compiled = self.compiled
        touched: dict[tuple[str, tuple[int, int]], float] = defaultdict(float)
        for n, (p, slot) in zip(compiled.of_series[series_key], chain, strict=True):
            t = int(compiled.meetings[n].days[p])
            for group in self.maximal_of[series_key]:
                touched[("day", (group, t))] += 1
            for group in compiled.groups_of[series_key]:
                for first in range(t - self.window, t + 1):
                    touched[("near", (group, first + self.window))] += 1
            touched[("busy", (int(compiled.week[t]), 0))] += 1
            for number in self._limits_for.get((n, p, slot), ()):
                touched[("team", (number, 0))] += 1
        self._touched[(series_key, chain)] = touched
        return touched

    # -- columns ----------------------------------------------------------------------------
    def _cost(self, series_key: str, chain: Chain) -> float:
        """This block's share of a chain's own costs (spacing and per-day costs)."""
        compiled = self.compiled
        numbers = compiled.of_series[series_key]
        series = compiled.meetings[numbers[0]].series
        offsets = np.array(
            [compiled.meetings[n].offsets[p] for n, (p, _) in zip(numbers, chain, strict=True)],
            dtype=np.int64,
        )
        cost = float(compiled.spacing_cost(series, offsets))
        cost += float(
            sum(compiled.meetings[n].own[p] for n, (p, _) in zip(numbers, chain, strict=True))
        )
        return cost * self.shares[series_key]

    def add_chain(self, series_key: str, chain: Chain) -> bool:
        """Add a chain of a series as a column; False if it is already there."""
        if (series_key, chain) in self.seen:
            return False
        self.seen.add((series_key, chain))
        cost = self._cost(series_key, chain)
        var = self.model.add_variable(lb=0.0)
        self.objective.set_linear_coefficient(var, cost)
        self.convexity[series_key].set_coefficient(var, 1.0)
        column = _Column(series_key, chain, cost, var, self._touches(series_key, chain))
        for row_key, coefficient in column.touches.items():
            number = self.row_index.get(row_key)
            if number is not None:
                self.rows[number].constraint.set_coefficient(var, coefficient)
        self.columns.append(column)
        self.columns_of[series_key].append(column)
        return True

    def add_plan(self, placements: list[Placement]) -> None:
        """Add the chains of a complete plan (keeps the master feasible)."""
        for key, chain in chains_of(self.compiled, placements, self.keys).items():
            self.add_chain(key, chain)

    # -- pricing ----------------------------------------------------------------------------
    def _prices(
        self, duals: list[float]
    ) -> tuple[dict[int, FloatArray], FloatArray, dict[tuple[int, int], float]]:
        """For row prices `duals`: per group, the price of a meeting on each working day;
        per week; per team limit."""
        compiled = self.compiled
        per_group: dict[int, FloatArray] = {}
        busy = np.zeros(max(compiled.weeks, 1), dtype=np.float64)
        team: dict[tuple[int, int], float] = {}
        near: dict[int, FloatArray] = defaultdict(lambda: np.zeros(compiled.runs))
        for row, dual in zip(self.rows, duals, strict=True):
            if dual == 0.0:
                continue
            if row.kind == "day":
                group, t = row.key
                array = per_group.setdefault(group, np.zeros(compiled.size))
                array[t] += dual
            elif row.kind == "near":
                near[row.key[0]][row.key[1]] += dual
            elif row.kind == "busy":
                busy[row.key[0]] += dual
            else:
                team[row.key] = dual
        for group, per_run in near.items():
            array = per_group.setdefault(group, np.zeros(compiled.size))
            total = np.concatenate(([0.0], np.cumsum(per_run)))
            days = np.arange(compiled.size)
            array += total[days + self.window + 1] - total[days]
        return per_group, busy, team

    def _price(
        self,
        duals: list[float],
        per_group: dict[int, FloatArray],
        busy: FloatArray,
        team: dict[tuple[int, int], float],
    ) -> tuple[float, list[tuple[str, Chain, float]]]:
        """Lagrangian value of the current duals, and each series' cheapest chain."""
        compiled = self.compiled
        team_of: dict[tuple[int, int], list[tuple[tuple[int, ...], float]]] = defaultdict(list)
        for (limit_number, _), dual in team.items():
            for n, position, cover in compiled.team_limits[limit_number].items:
                team_of[(n, position)].append((cover, dual))
        value = sum(row.rhs * dual for row, dual in zip(self.rows, duals, strict=True))
        found: list[tuple[str, Chain, float]] = []
        dual_of = (
            {(row.kind, row.key): dual for row, dual in zip(self.rows, duals, strict=True)}
            if self.fixed
            else {}
        )
        for key in self.keys:
            fixed = self.fixed.get(key)
            if fixed is not None:  # its one chain, priced
                price = sum(c * dual_of.get(k, 0.0) for k, c in fixed.touches.items())
                value += fixed.cost - price
                continue
            series = compiled.meetings[compiled.of_series[key][0]].series
            share = self.shares[key]
            day_price = np.zeros(compiled.size)
            for group in compiled.groups_of[series.key]:
                array = per_group.get(group)
                if array is not None:
                    day_price += array
            day_price += busy[compiled.week]
            costs: list[FloatArray] = []
            slots: list[dict[int, int]] = []
            for n in compiled.of_series[series.key]:
                meeting = compiled.meetings[n]
                cost = share * meeting.own - day_price[meeting.days]
                chosen: dict[int, int] = {}
                for position in range(len(meeting.days)):
                    pieces = team_of.get((n, position))
                    if not pieces:
                        continue
                    per_slot = [
                        -sum(d for cover, d in pieces if j in cover)
                        for j in range(len(meeting.series.slots))
                    ]
                    best = int(np.argmin(per_slot))
                    cost[position] += per_slot[best]
                    chosen[position] = best
                costs.append(cost)
                slots.append(chosen)
            result = series_chain(compiled, series, costs, share)
            if result is None:  # pragma: no cover - domains come from the same gap limits
                raise RuntimeError(f"no chain for series {series.key!r}")
            total, positions = result
            value += total
            chain = tuple((p, slots[k].get(p, 0)) for k, p in enumerate(positions))
            found.append((series.key, chain, total))
        return value, found

    # -- the loop ---------------------------------------------------------------------------
    def _solve_master(self, deadline: float) -> dict[str, float] | None:
        """Solve the master LP; store row duals; return the convexity duals (None: failed)."""
        seconds = deadline - clock.perf_counter()
        if seconds <= 0:
            return None
        params = mathopt.SolveParameters(time_limit=timedelta(seconds=seconds), threads=1)
        raw = self._solve_raw(params)
        keys = list(self.convexity)
        if raw is not None:
            primal, dual_of = raw
            duals = [dual_of.get(row.constraint.id, 0.0) for row in self.rows]
            self.values = [primal.get(column.var.id, 0.0) for column in self.columns]
            convexity = [dual_of.get(self.convexity[key].id, 0.0) for key in keys]
        else:
            result = self.solver.solve(params=params)
            if result.termination.reason != mathopt.TerminationReason.OPTIMAL:
                return None
            duals = result.dual_values([row.constraint for row in self.rows])
            self.values = result.variable_values([column.var for column in self.columns])
            convexity = result.dual_values([self.convexity[key] for key in keys])
        for row, value in zip(self.rows, duals, strict=True):
            dual = min(0.0, value)
            if row.penalty > 0:
                dual = max(dual, -row.penalty)
            row.dual = dual
        return dict(zip(keys, convexity, strict=True))

    def _solve_raw(
        self, params: mathopt.SolveParameters
    ) -> tuple[dict[int, float], dict[int, float]] | None:
        """Solve the master through MathOpt's solver object and read the primal and dual
        values straight from the result message, by variable and constraint id.

        MathOpt's `IncrementalSolver.solve` also turns the whole basis and all reduced
        costs into Python objects, which took half the time of each master solve here.
        Returns None when that path is not available (another OR-Tools version) or the
        LP was not solved to optimality; the caller then uses the public API.
        """
        proto_solver = getattr(self.solver, "_proto_solver", None)
        tracker = getattr(self.solver, "_update_tracker", None)
        if proto_solver is None or tracker is None:
            return None
        update = tracker.export_update()
        if update is not None:
            if not proto_solver.update(update):
                return None  # the public path rebuilds the solver
            tracker.advance_checkpoint()
        proto = proto_solver.solve(
            params.to_proto(),
            model_parameters.ModelSolveParameters().to_proto(),
            None,
            callback.CallbackRegistration().to_proto(),
            None,
            None,
        )
        if proto.termination.reason != result_pb2.TERMINATION_REASON_OPTIMAL:
            return None
        if not proto.solutions:
            return None
        solution = proto.solutions[0]
        primal = solution.primal_solution.variable_values
        dual = solution.dual_solution.dual_values
        return (
            dict(zip(primal.ids, primal.values, strict=True)),
            dict(zip(dual.ids, dual.values, strict=True)),
        )

    def _violated_rows(self) -> int:
        """Add the linking rules that the master's current mixture breaks most (at most
        `ROWS_PER_ROUND` of them, worst first)."""
        compiled = self.compiled
        usage = np.zeros((len(compiled.meetings), compiled.size))
        slot_usage: dict[tuple[int, int, int], float] = defaultdict(float)
        for column, value in zip(self.columns, self.values, strict=False):
            if value <= _EPS:
                continue
            numbers = compiled.of_series[column.series_key]
            for n, (p, slot) in zip(numbers, column.chain, strict=True):
                usage[n, compiled.meetings[n].days[p]] += value
                slot_usage[(n, p, slot)] += value
        # (how much it is broken, kind, key, rhs, penalty)
        broken: list[tuple[float, str, tuple[int, int], float, float]] = []
        for g in sorted(self.block_groups):
            group = compiled.groups[g]
            numbers = [n for key in group.series_keys for n in compiled.of_series[key]]
            per_day = usage[numbers].sum(axis=0)
            if group.maximal:
                for t in np.flatnonzero(per_day > 1 + 1e-6):
                    if ("day", (g, int(t))) not in self.row_index:
                        broken.append((float(per_day[t]) - 1, "day", (g, int(t)), 1.0, 0.0))
            runs = compiled.run_counts(per_day)
            weights = group.run_weight
            for index in np.flatnonzero((runs > 1 + 1e-6) & (weights > 0)):
                if ("near", (g, int(index))) not in self.row_index:
                    amount = (float(runs[index]) - 1) * float(weights[index])
                    broken.append((amount, "near", (g, int(index)), 1.0, float(weights[index])))
        if self._limits_at is None:
            self._limits_at = defaultdict(list)
            for number in sorted(self.block_limits):
                for n, position, _ in compiled.team_limits[number].items:
                    self._limits_at[(n, position)].append(number)
        candidates = {
            number for n, p, _ in slot_usage for number in self._limits_at.get((n, p), ())
        }
        for number in sorted(candidates):
            limit = compiled.team_limits[number]
            if ("team", (number, 0)) in self.row_index:
                continue
            load = sum(slot_usage.get(triple, 0.0) for triple in self._covers(number))
            if load > limit.room + 1e-6:
                broken.append((load - limit.room, "team", (number, 0), float(limit.room), 0.0))
        if compiled.busy_weight and self.busy:
            per_week = np.zeros(max(compiled.weeks, 1))
            np.add.at(per_week, compiled.week, usage.sum(axis=0))
            threshold = compiled.problem.busy_week_threshold
            for week in range(len(per_week)):
                fixed = compiled.fixed_per_week.get(week, 0)
                over = float(per_week[week]) + fixed - threshold
                if over > 1e-6 and ("busy", (week, 0)) not in self.row_index:
                    amount = over * compiled.busy_weight
                    rhs = float(threshold - fixed)
                    broken.append((amount, "busy", (week, 0), rhs, float(compiled.busy_weight)))
        broken.sort(key=lambda item: -item[0])
        for _, kind, key, rhs, penalty in broken[:ROWS_PER_ROUND]:
            self._row(kind, key, rhs, penalty)
        return min(len(broken), ROWS_PER_ROUND)

    def _covers(self, number: int) -> list[tuple[int, int, int]]:
        """(meeting, position, slot) triples that count against team limit `number`."""
        found = self._cover_of.get(number)
        if found is None:
            found = [
                (n, position, slot)
                for n, position, cover in self.compiled.team_limits[number].items
                for slot in cover
            ]
            self._cover_of[number] = found
        return found

    def floor(self) -> float:
        """The bound with no prices: each series' cheapest chain on its own costs."""
        value, _ = self._price(
            [0.0] * len(self.rows), {}, np.zeros(max(self.compiled.weeks, 1)), {}
        )
        return value

    def _evaluate(self, duals: list[float]) -> tuple[float, list[tuple[str, Chain, float]]]:
        """Lagrangian value at row prices `duals` (a bound) and each series' cheapest chain;
        keeps the best prices seen as the stability centre."""
        value, found = self._price(duals, *self._prices(duals))
        if value > self.centre_value:
            self.centre_value = value
            self.centre = list(duals)
            if not self.fixed:
                self.bound = value
        return value, found

    def _reduced_cost(self, series_key: str, chain: Chain, convexity: float) -> float:
        """Reduced cost of a chain at the master's current duals."""
        price = 0.0
        for key, coefficient in self._touches(series_key, chain).items():
            number = self.row_index.get(key)
            if number is not None:
                price += coefficient * self.rows[number].dual
        return self._cost(series_key, chain) - price - convexity

    def run(self, deadline: float, max_rounds: int | None = None) -> float:
        """Generate chains and rules until the LP is solved, `deadline` or `max_rounds`
        master solves; the bound (without `Compiled.constant`).

        Prices are smoothed (Wentges): each round first prices at a mix of the master's
        duals and the best prices so far, which needs far fewer rounds; only when that
        finds no chain worth adding are the master's own duals used.
        """
        rounds = 0
        self.converged = False
        while clock.perf_counter() < deadline and (max_rounds is None or rounds < max_rounds):
            began = clock.perf_counter()
            convexity = self._solve_master(deadline)
            if convexity is None:
                break
            self.rounds += 1
            rounds += 1
            duals = [row.dual for row in self.rows]
            centre = self.centre + [0.0] * (len(self.rows) - len(self.centre))
            smoothed = [
                SMOOTHING * c + (1 - SMOOTHING) * d for c, d in zip(centre, duals, strict=True)
            ]
            new = 0
            for attempt in (smoothed, duals):
                _, found = self._evaluate(attempt)
                for series_key, chain, _ in found:
                    if (series_key, chain) in self.seen:
                        continue
                    if self._reduced_cost(series_key, chain, convexity[series_key]) < -1e-6:
                        self.add_chain(series_key, chain)
                        new += 1
                if new:
                    break
            added = self._violated_rows()
            self.master_seconds += clock.perf_counter() - began
            if added == 0 and new == 0:
                self.converged = True
                break
        return self.bound

    # -- diving -----------------------------------------------------------------------------
    def fix(self, series_key: str, chain: Chain) -> None:
        """Restrict the master to one chain of a series (its other columns get bound 0)."""
        self.add_chain(series_key, chain)
        column = next(c for c in self.columns_of[series_key] if c.chain == chain)
        for other in self.columns_of[series_key]:
            if other is not column:
                other.var.upper_bound = 0.0
        self.fixed[series_key] = column
        self.centre_value = -math.inf

    def dive(
        self,
        deadline: float,
        preset: dict[str, Chain] | None = None,
        rounds_per_step: int = DIVE_ROUNDS,
        per_step: int = DIVE_FIX,
    ) -> dict[str, Chain]:
        """A plan by diving in the column-generation LP (price and dive).

        Repeatedly: improve the LP by a few rounds of column generation (prices, chains
        and rules as in `run`), then fix every series the LP puts wholly on one chain, or
        else the series with the largest weight on one chain, to that chain: `per_step` of
        them, or more when the time left (at the rounds' average time so far) would not
        reach the last series otherwise, so that the dive ends near `deadline` rather than
        fixing everything left at once. `preset` fixes series first (chains chosen
        elsewhere). When `deadline` comes, the series left are fixed to their heaviest
        chain at once. Returns one chain per series of the block. A heuristic: the plan
        may break a hard rule (the master allows that at `HARD_PENALTY`), so callers must
        check it; `bound` is untouched.
        """
        for key, chain in (preset or {}).items():
            if key in self.shares and key not in self.fixed:
                self.fix(key, chain)
        while len(self.fixed) < len(self.keys):
            now = clock.perf_counter()
            late = now >= deadline
            step = per_step
            if not late:
                self.run(deadline, rounds_per_step)
                if self.rounds:
                    per_round = self.master_seconds / self.rounds
                    steps = max(
                        1.0, (deadline - clock.perf_counter()) / (per_round * rounds_per_step)
                    )
                    step = max(per_step, math.ceil((len(self.keys) - len(self.fixed)) / steps))
            heaviest: dict[str, tuple[float, _Column]] = {}
            for column, value in zip(self.columns, self.values, strict=False):
                key = column.series_key
                if key in self.fixed:
                    continue
                if key not in heaviest or value > heaviest[key][0]:
                    heaviest[key] = (value, column)
            for key in self.keys:  # series with no column in the last solve
                if key not in self.fixed and key not in heaviest:
                    column = self.columns_of[key][0]
                    heaviest[key] = (0.0, column)
            order = sorted(heaviest.items(), key=lambda item: -item[1][0])
            whole = [item for item in order if item[1][0] > 1 - 1e-6]
            chosen = order if late else (whole or order[:step])
            for key, (_, column) in chosen:
                self.fix(key, column.chain)
        return {key: column.chain for key, column in self.fixed.items()}


@dataclass(frozen=True)
class BlockSpec:
    """One block of `block_specs`: the series it holds with the share of their own costs
    counted here, the audience groups and team limits whose rules it prices, whether it
    prices busy weeks, and its `home` series (those staffed by its teams; the others are
    copies of series whose providers it shares)."""

    shares: dict[str, float]
    groups: frozenset[int]
    limits: frozenset[int]
    busy: bool
    home: frozenset[str]

    def build(self, compiled: Compiled) -> DantzigWolfeBound:
        """The block's column-generation LP."""
        return DantzigWolfeBound(
            compiled, dict(self.shares), set(self.groups), set(self.limits), busy=self.busy
        )


def block_specs(compiled: Compiled) -> list[BlockSpec]:
    """Split the problem into blocks whose LPs together bound the whole (see `lower_bound`).

    Series staffed by a common team are in one block (a council's teams staff its own
    series). The rules of an audience group go to the block holding most of its series,
    and the group's other series are copied into that block. Each series' own costs are
    shared equally between its copies.
    """
    keys = [s.key for s in compiled.series]
    parent = {key: key for key in keys}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    by_team: dict[str, list[str]] = defaultdict(list)
    for series in compiled.series:
        for team in series.teams:
            by_team[team].append(series.key)
    for staffed in by_team.values():
        for key in staffed[1:]:
            parent[find(key)] = find(staffed[0])
    home = {key: find(key) for key in keys}
    roots = sorted(set(home.values()))
    own: dict[str, frozenset[str]] = {
        root: frozenset(k for k in keys if home[k] == root) for root in roots
    }
    members: dict[str, set[str]] = {root: set(own[root]) for root in roots}
    groups: dict[str, set[int]] = {root: set() for root in roots}
    order = {root: number for number, root in enumerate(roots)}
    for g, group in enumerate(compiled.groups):
        root = max(roots, key=lambda r: (len(group.series_keys & members[r]), -order[r]))
        groups[root].add(g)
        members[root] |= group.series_keys
    limits: dict[str, set[int]] = {root: set() for root in roots}
    for number, limit in enumerate(compiled.team_limits):
        limits[home[compiled.meetings[limit.items[0][0]].series.key]].add(number)
    copies: dict[str, int] = defaultdict(int)
    for root in roots:
        for key in members[root]:
            copies[key] += 1
    single = len(roots) == 1
    return [
        BlockSpec(
            shares={key: 1.0 / copies[key] for key in members[root]},
            groups=frozenset(groups[root]),
            limits=frozenset(limits[root]),
            busy=single,
            home=own[root],
        )
        for root in roots
    ]


def blocks(compiled: Compiled) -> list[DantzigWolfeBound]:
    """The LPs of the blocks of `block_specs`."""
    return [spec.build(compiled) for spec in block_specs(compiled)]


def lower_bound(compiled: Compiled, placements: list[Placement], deadline: float) -> int:
    """A proven lower bound on the cost of every plan, computed until `deadline` (see
    `bound_with_blocks`)."""
    return bound_with_blocks(compiled, placements, deadline)[0]


def bound_with_blocks(
    compiled: Compiled, placements: list[Placement], deadline: float
) -> tuple[int, list[DantzigWolfeBound]]:
    """A proven lower bound on the cost of every plan, computed until `deadline`, and the
    blocks' LPs (for `dived_plan`).

    The blocks of `blocks` are solved one after another, each with a share of the time
    left in proportion to its number of meetings, each seeded with the chains of the
    valid plan `placements`. Any plan gives every block a choice of one chain per series
    (its copies follow the plan) that keeps the block's rules, and every cost of the plan
    is counted in exactly one block or shared between copies in parts that add up to it,
    except busy weeks, which are left out when there are several blocks (they are never
    negative). So the sum of the blocks' bounds, plus the cost no plan can change, is a
    lower bound.
    """
    parts = blocks(compiled)
    sizes = [sum(len(compiled.of_series[k]) for k in part.keys) for part in parts]
    total = 0.0
    for number, part in enumerate(parts):
        part.add_plan(placements)
        left = deadline - clock.perf_counter()
        share = sizes[number] / max(1, sum(sizes[number:]))
        part.run(clock.perf_counter() + max(0.0, left * share))
        if not math.isfinite(part.bound):
            part.bound = part.floor()
        total += part.bound
    return math.ceil(total + compiled.constant - 1e-6), parts


def dived_plan(
    compiled: Compiled, parts: list[DantzigWolfeBound], deadline: float
) -> list[Placement]:
    """A plan by diving in the blocks' LPs until `deadline` (`DantzigWolfeBound.dive`),
    each block with a share of the time left in proportion to its series still free (a
    series copied into several blocks takes the chain of the first block that fixes it).

    The LP lets series share out good days and weeks; fixing a few series at a time and
    re-solving makes the others move out of their way, so the plan is far better than
    each series on its heaviest chain at once (county: about 215 after repair, against
    about 250), but it may still break a rule: it is a starting point for
    `engage.planner.heuristic.improve`, which repairs it. With `deadline` already past,
    every series goes straight to its heaviest chain. Every meeting gets one of its
    candidate days and every series' chain keeps its gap limits. Fixes every series in
    `parts`.
    """
    chains: dict[str, Chain] = {}
    free = [sum(1 for key in part.keys if key not in part.fixed) for part in parts]
    for number, part in enumerate(parts):
        left = deadline - clock.perf_counter()
        share = free[number] / max(1, sum(free[number:]))
        chains.update(part.dive(clock.perf_counter() + max(0.0, left * share), preset=chains))
    return placements_of(compiled, chains)
