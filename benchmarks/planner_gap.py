"""Experiments on the county planner's gap: where is the optimum, and what closes the gap?

Not a benchmark (``python -m engage.planner.bench`` is); these runs back the figures in
docs/PLANNER_BENCH.md, section "Closing the gap: what was tried". Each converges the
column-generation LP of the county (seed 1, the benchmark calendar) first.

    python benchmarks/planner_gap.py fixing 276 233 206   # reduced-cost fixing at these costs
    python benchmarks/planner_gap.py branch 4              # strong branching on meeting-days
    python benchmarks/planner_gap.py dive                  # price and dive, to the end
    python benchmarks/planner_gap.py relax near teams busy # which costs make the gap

* ``fixing``: for each cost UB, how many (meeting, day) pairs could be in a plan cheaper
  than UB. With the LP's prices y and Lagrangian bound L(y), a plan's cost is at least
  L(y) plus, for each series, its chain's reduced cost minus the series' cheapest reduced
  cost; so a meeting-day whose cheapest chain through it has a margin above UB - 1 - L(y)
  is in no plan costing less than UB. Chains through each meeting-day are priced by a
  forward and a backward pass of the same dynamic programming as the pricing.
* ``branch``: the LP bound after forcing (x = 1) and after forbidding (x = 0) each of the
  most fractional meeting-days, re-solved by column generation with that domain.
* ``dive``: fix series to their heaviest LP chain a few at a time, re-converging the LP
  after each fixing, until every series is fixed; prints the bound of each restricted
  LP and the plan's cost (checked by the validator).
* ``relax``: the county without some of its rules or costs (``near``: near clashes cost
  nothing; ``teams``: every team twenty times its capacity; ``busy``: busy weeks cost
  nothing; join them with ``+``; ``none`` is the county as it is), and for each the
  per-series floor, the LP bound and two 8 s plans (seeds 0 and 1): where the floor, the
  LP and the plans meet, the rules left out were what made the gap.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engage.planner import bench  # noqa: E402
from engage.planner.bound import DantzigWolfeBound, bound_with_blocks  # noqa: E402
from engage.planner.compiled import Compiled  # noqa: E402
from engage.planner.heuristic import Placement, improve  # noqa: E402
from engage.planner.problem import Problem  # noqa: E402
from engage.planner.solver import _plan_from, build_domains, solve  # noqa: E402
from engage.planner.workdays import WorkingCalendar  # noqa: E402


def _through(
    offsets: Sequence[np.ndarray],
    costs: Sequence[np.ndarray],
    ideal: int,
    low: int,
    high: int,
    weight: float,
) -> list[np.ndarray]:
    """Per meeting and candidate day: the cost of the cheapest chain through that day."""

    def forward(offs: Sequence[np.ndarray], cs: Sequence[np.ndarray]) -> list[np.ndarray]:
        best = np.asarray(cs[0], dtype=np.float64)
        out = [best]
        for k in range(1, len(offs)):
            gaps = offs[k][:, None] - offs[k - 1][None, :]
            step = best[None, :] + weight * np.abs(gaps - ideal)
            step[(gaps < low) | (gaps > high)] = np.inf
            best = step.min(axis=1) + np.asarray(cs[k], dtype=np.float64)
            out.append(best)
        return out

    ahead = forward(offsets, costs)
    behind = forward([-o[::-1] for o in offsets[::-1]], [np.asarray(c)[::-1] for c in costs[::-1]])
    behind = [b[::-1] for b in behind[::-1]]
    return [
        f + b - np.asarray(c, dtype=np.float64)
        for f, b, c in zip(ahead, behind, costs, strict=True)
    ]


def margins(part: DantzigWolfeBound, duals: list[float]) -> tuple[float, dict[int, np.ndarray]]:
    """Lagrangian value at `duals`, and per meeting the margin of each candidate day."""
    compiled = part.compiled
    per_group, busy, team = part._prices(duals)
    team_of: dict[tuple[int, int], list[tuple[tuple[int, ...], float]]] = defaultdict(list)
    for (number, _), dual in team.items():
        for n, position, cover in compiled.team_limits[number].items:
            team_of[(n, position)].append((cover, dual))
    value = sum(row.rhs * dual for row, dual in zip(part.rows, duals, strict=True))
    out: dict[int, np.ndarray] = {}
    problem = compiled.problem
    for key in part.keys:
        numbers = compiled.of_series[key]
        series = compiled.meetings[numbers[0]].series
        day_price = np.zeros(compiled.size)
        for group in compiled.groups_of[key]:
            if group in per_group:
                day_price += per_group[group]
        day_price += busy[compiled.week]
        costs = []
        for n in numbers:
            meeting = compiled.meetings[n]
            cost = meeting.own - day_price[meeting.days]
            for position in range(len(meeting.days)):
                pieces = team_of.get((n, position))
                if pieces:
                    cost[position] += min(
                        -sum(d for cover, d in pieces if j in cover)
                        for j in range(len(series.slots))
                    )
            costs.append(cost)
        through = _through(
            [compiled.meetings[n].offsets for n in numbers],
            costs,
            problem.ideal_gap_days(series),
            7 * series.min_gap_weeks,
            7 * series.max_gap_weeks,
            float(problem.weights.spacing_per_day),
        )
        best = float(through[0].min())
        value += best
        for n, array in zip(numbers, through, strict=True):
            out[n] = array - best
    return value, out


def _county() -> tuple[Compiled, list[Placement]]:
    problem = bench.build("county", 1, 5.0, 2)
    cal = WorkingCalendar(problem)
    compiled = Compiled(problem, cal, build_domains(problem, cal))
    return compiled, improve(compiled, time.perf_counter() + 0.5, 0)


def fixing(costs: list[int]) -> None:
    compiled, start = _county()
    _, parts = bound_with_blocks(compiled, start, time.perf_counter() + 120)
    (part,) = parts
    value, margin = margins(part, part.centre)
    total = sum(len(m.days) for m in compiled.meetings)
    print(f"Lagrangian bound {value + compiled.constant:.2f}, {total} meeting-days")
    for ub in costs:
        slack = ub - 1 - (value + compiled.constant)
        kept = sum(int((margin[n] <= slack + 1e-6).sum()) for n in margin)
        print(f"plans cheaper than {ub}: {kept} meeting-days survive (slack {slack:.1f})")


def branch(count: int) -> None:
    problem = bench.build("county", 1, 5.0, 2)
    cal = WorkingCalendar(problem)
    domains = build_domains(problem, cal)

    def solve(
        domains: dict[str, list[list[int]]],
    ) -> tuple[float, dict[tuple[int, int], float], Compiled]:
        local = Compiled(problem, cal, domains)
        part = bound_with_blocks(
            local, improve(local, time.perf_counter() + 0.5, 0), time.perf_counter() + 120
        )[1][0]
        usage: dict[tuple[int, int], float] = defaultdict(float)
        for column, value in zip(part.columns, part.values, strict=False):
            for n, (position, _) in zip(
                local.of_series[column.series_key], column.chain, strict=True
            ):
                usage[(n, int(local.meetings[n].days[position]))] += value
        return part.bound + local.constant, usage, local

    root, usage, local = solve(domains)
    print(f"root LP {root:.2f}")
    for (n, t), value in sorted(usage.items(), key=lambda item: abs(item[1] - 0.5))[:count]:
        meeting = local.meetings[n]
        key, index = meeting.series.key, meeting.index
        forced = copy.deepcopy(domains)
        forced[key][index] = [t]
        forbidden = copy.deepcopy(domains)
        forbidden[key][index] = [d for d in domains[key][index] if d != t]
        one, zero = solve(forced)[0], solve(forbidden)[0]
        print(
            f"{key} meeting {index + 1} on working day {t} (LP {value:.3f}): x=1 {one:.2f}, x=0 {zero:.2f}"
        )


def dive() -> None:
    began = time.perf_counter()
    compiled, start = _county()
    _, parts = bound_with_blocks(compiled, start, time.perf_counter() + 120)
    (part,) = parts
    print(f"{time.perf_counter() - began:.1f} s: LP bound {part.bound + compiled.constant:.2f}")
    chains = part.dive(time.perf_counter() + 600, rounds_per_step=1000, per_step=3)
    placements = [
        Placement(n, position, slot)
        for key, chain in chains.items()
        for n, (position, slot) in zip(compiled.of_series[key], chain, strict=True)
    ]
    _, validation = _plan_from(compiled, placements)
    print(
        f"{time.perf_counter() - began:.1f} s: dive plan {validation.soft_cost}, "
        f"{len(validation.hard_violations)} hard violations, {part.rounds} LP rounds in all"
    )


def _relaxed(problem: Problem, what: str) -> Problem:
    parts = set(what.split("+")) - {"none"}
    unknown = parts - {"near", "teams", "busy"}
    if unknown:
        raise SystemExit(f"relax: unknown {', '.join(sorted(unknown))} (none, near, teams, busy)")
    weights = problem.weights
    if "near" in parts:
        weights = dataclasses.replace(weights, audience_warning=0)
    if "busy" in parts:
        weights = dataclasses.replace(weights, busy_week_excess=0)
    teams = problem.teams
    if "teams" in parts:
        teams = tuple(dataclasses.replace(t, capacity=20 * t.capacity) for t in teams)
    return dataclasses.replace(problem, weights=weights, teams=teams)


def relax(variants: list[str]) -> None:
    for what in variants:
        problem = _relaxed(bench.build("county", 1, 8.0, 2), what)
        cal = WorkingCalendar(problem)
        compiled = Compiled(problem, cal, build_domains(problem, cal))
        start = improve(compiled, time.perf_counter() + 0.5, 0)
        _, parts = bound_with_blocks(compiled, start, time.perf_counter() + 120)
        floor = sum(part.floor() for part in parts) + compiled.constant
        bound = sum(part.bound for part in parts) + compiled.constant
        plans = [solve(dataclasses.replace(problem, random_seed=seed)).objective for seed in (0, 1)]
        print(f"{what}: floor {floor:.1f}, LP bound {bound:.2f}, 8 s plans {plans}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("fixing").add_argument("costs", nargs="+", type=int)
    sub.add_parser("branch").add_argument("count", nargs="?", type=int, default=4)
    sub.add_parser("dive")
    sub.add_parser("relax").add_argument("variants", nargs="+")
    args = parser.parse_args()
    if args.what == "fixing":
        fixing(args.costs)
    elif args.what == "branch":
        branch(args.count)
    elif args.what == "relax":
        relax(args.variants)
    else:
        dive()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
