"""Benchmark the planner: ``python -m engage.planner.bench [--out FILE] [--instances ...]``.

Builds the generated instances (`engage.planner.instances`), plans each with the CP-SAT
solver and with first-fit, checks both plans with the validator and writes the figures as
JSON (default ``benchmarks/results/planner.json``). The goals it reports against are:
county optimal or gap <= 1 % within 5 s, region gap <= 5 % within 60 s, both on 2 workers,
with no hard violation and a soft cost well below first-fit's.

The calendar for the instances is England's bank holidays for 2026-2028 (as published,
including substitute days) and illustrative school holidays for the 2026/27 and 2027/28
school years; the Django side passes real ones.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from engage.planner import instances
from engage.planner.greedy import plan_greedy
from engage.planner.problem import Plan, Problem
from engage.planner.solver import model_stats, solve
from engage.planner.validate import check

ENGLAND_BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),
        date(2027, 12, 28),
        date(2028, 1, 3),
        date(2028, 4, 14),
        date(2028, 4, 17),
        date(2028, 5, 1),
        date(2028, 5, 29),
        date(2028, 8, 28),
        date(2028, 12, 25),
        date(2028, 12, 26),
    }
)

#: Illustrative school holidays (inclusive ranges) for the 2026/27 and 2027/28 years.
SCHOOL_HOLIDAYS: tuple[tuple[date, date], ...] = (
    (date(2026, 7, 22), date(2026, 9, 2)),
    (date(2026, 10, 26), date(2026, 10, 30)),
    (date(2026, 12, 21), date(2027, 1, 1)),
    (date(2027, 2, 15), date(2027, 2, 19)),
    (date(2027, 3, 29), date(2027, 4, 9)),
    (date(2027, 5, 31), date(2027, 6, 4)),
    (date(2027, 7, 22), date(2027, 9, 1)),
    (date(2027, 10, 25), date(2027, 10, 29)),
    (date(2027, 12, 20), date(2027, 12, 31)),
    (date(2028, 2, 14), date(2028, 2, 18)),
    (date(2028, 4, 10), date(2028, 4, 21)),
    (date(2028, 5, 29), date(2028, 6, 2)),
    (date(2028, 7, 21), date(2028, 8, 31)),
)

DEFAULT_SECONDS = {"county": 5.0, "region": 60.0}
GAP_GOALS = {"county": 0.01, "region": 0.05}
BUILDERS: dict[str, Callable[..., Problem]] = {
    "county": instances.county,
    "region": instances.region,
}


def build(name: str, seed: int, seconds: float, workers: int) -> Problem:
    """The named instance with the benchmark calendar, time limit and workers."""
    problem = BUILDERS[name](
        seed, bank_holidays=ENGLAND_BANK_HOLIDAYS, school_holidays=SCHOOL_HOLIDAYS
    )
    return replace(problem, time_limit_seconds=seconds, workers=workers)


def _costs(plan: Plan) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for item in plan.costs:
        totals[item.kind] += item.amount
    return dict(sorted(totals.items()))


def run_instance(name: str, seed: int, seconds: float, workers: int) -> dict[str, Any]:
    """Plan one instance with both planners and return its figures."""
    problem = build(name, seed, seconds, workers)
    stats = model_stats(problem)
    greedy = plan_greedy(problem)
    greedy_check = check(problem, greedy)
    plan = solve(problem)
    plan_check = check(problem, plan)
    goal_gap = GAP_GOALS.get(name)
    return {
        "instance": name,
        "seed": seed,
        "size": {
            "series": len(problem.series),
            "meetings": problem.meeting_count,
            "teams": len(problem.teams),
            "fixed_activities": len(problem.fixed),
            "working_days": len(problem.working_days()),
            "model_variables": stats.variables if stats else None,
            "model_constraints": stats.constraints if stats else None,
            "candidate_days": stats.candidate_days if stats else None,
            "per_series_bound": stats.lower_bound if stats else None,
        },
        "time_limit_seconds": seconds,
        "workers": workers,
        "solver": {
            "seconds": round(plan.seconds, 3),
            "status": plan.status,
            "objective": plan.objective,
            "best_bound": plan.best_bound,
            "gap": round(plan.gap, 4),
            "hard_violations": len(plan_check.hard_violations),
            "validator_soft_cost": plan_check.soft_cost,
            "cost_by_kind": _costs(plan),
        },
        "greedy": {
            "seconds": round(greedy.seconds, 3),
            "status": greedy.status,
            "objective": greedy.objective,
            "hard_violations": len(greedy_check.hard_violations),
            "cost_by_kind": _costs(greedy),
        },
        "goals": {
            "gap_goal": goal_gap,
            "gap_met": plan.status == "optimal" or (goal_gap is not None and plan.gap <= goal_gap),
            "time_met": plan.seconds <= seconds + 0.5,
            "no_violations": not plan_check.hard_violations and plan.status != "infeasible",
            "below_greedy": plan.objective < greedy.objective,
        },
    }


@contextmanager
def _progress(label: str) -> Iterator[None]:
    try:
        from rich.console import Console
    except ImportError:
        print(f"{label} ...", file=sys.stderr, flush=True)
        yield
        return
    with Console(stderr=True).status(label):
        yield


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the JSON file; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/planner.json")
    parser.add_argument("--instances", default="county,region")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--county-seconds", type=float, default=DEFAULT_SECONDS["county"])
    parser.add_argument("--region-seconds", type=float, default=DEFAULT_SECONDS["region"])
    args = parser.parse_args(argv)
    limits = {"county": args.county_seconds, "region": args.region_seconds}
    load_before = os.getloadavg()
    results = []
    for name in [n.strip() for n in args.instances.split(",") if n.strip()]:
        if name not in BUILDERS:
            parser.error(f"unknown instance {name!r} (choose from {', '.join(BUILDERS)})")
        with _progress(f"Planning {name} (up to {limits[name]:g} s)"):
            result = run_instance(name, args.seed, limits[name], args.workers)
        solver = result["solver"]
        print(
            f"{name}: {result['size']['meetings']} meetings, solver {solver['status']} "
            f"cost {solver['objective']} (bound {solver['best_bound']}, gap "
            f"{solver['gap']:.1%}) in {solver['seconds']:.1f} s, "
            f"{solver['hard_violations']} violations; first-fit cost "
            f"{result['greedy']['objective']}, {result['greedy']['hard_violations']} violations",
            flush=True,
        )
        results.append(result)
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "ortools": metadata.version("ortools"),
            # Other work on the same machine slows the planner down; this says how busy
            # it was (1-minute load average before and after the run, 2 cores).
            "load_average_before": round(load_before[0], 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "results": results,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
