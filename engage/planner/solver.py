"""Plan every meeting series at once: a heuristic plan, CP-SAT, and a proven lower bound.

How `solve` spends its time (`Problem.time_limit_seconds`, wall clock):

1. Candidate days per meeting (`build_domains`): allowed weekdays, no weekends, bank
   holidays or team leave, not on the day of a fixed activity for the same providers,
   pins fixed, and each meeting's window narrowed by its series' gap limits.
2. A starting plan (`engage.planner.heuristic.improve`, until `HEURISTIC_SHARE` of the
   time, or `WHOLE_START_SHARE` when the whole model is solved): series placed one by one on their exact cheapest chains given the others,
   then best responses and ruin-and-recreate. It is the hint for CP-SAT and a fallback.
3. The lower bound (`engage.planner.bound.lower_bound`, until it converges or
   `BOUND_SHARE` of the time): the linear relaxation in which each series takes a
   mixture of its chains, solved by column generation; any prices give a valid bound, so
   it is reported even when time runs out first. The per-series dynamic-programming
   bound (`series_lower_bounds`) is the floor.
3a. Price and dive, for problems between `WHOLE_MODEL_CANDIDATES` and
   `DIVING_CANDIDATES` meeting-days (the county): the starting plan gets only
   `START_SHARE` of the time and the LP runs until it converges or `LP_SHARE`; then a
   dive in the LP (`engage.planner.bound.dived_plan`) fixes series on their heaviest
   chains a few at a time, re-solving the LP after each fixing, until `DIVE_SHARE`, and
   its plan is repaired by the same best responses until `REPAIR_SHARE`, and kept when
   it is valid and cheaper than the starting plan. With two workers or more, each
   worker's process does all of this from a starting plan of its own (random seeds
   `random_seed`, `random_seed` + 1, ...; `engage.planner.parallel.dive_copies`), its
   repair ending at `COPIES_SHARE`, and the cheapest valid plan is kept: where a dive
   ends depends much on where it starts.
3b. Price and dive in blocks, for larger problems (the region) when `workers` > 1: after
   the same short starting plan, every block of the bound (a council's teams and
   series) gets its LP, dive and a repair of its own series in a process of its own,
   `workers` at a time (`engage.planner.parallel.dive_blocks`), until `DIVE_SHARE`; the
   blocks' bounds add up to the bound, and their plans, put together, are repaired on
   the whole problem until `REPAIR_SHARE`. Where processes cannot be started (a Celery
   prefork worker, whose processes are daemonic), or with one worker, the plan comes
   from steps 2 and 3 as before: the heuristic until `HEURISTIC_SHARE`, the bound until
   `BOUND_SHARE`.
4. CP-SAT on the time-indexed model (`engage.planner.model.PlanningModel`, one Boolean
   per meeting and candidate day). Small problems (up to `WHOLE_MODEL_CANDIDATES`
   meeting-days) are solved as one model, which proves optimality or infeasibility;
   larger ones are improved by large-neighbourhood search: the same model with most
   meetings frozen on their current days and a few related series, or a few weeks of the
   calendar, free near their current days, re-planned exactly and kept when cheaper,
   for the rest of the time. When the starting plan breaks a rule, the whole model is
   solved whatever the size, to find a valid plan or prove there is none.

When the whole model proves there is no plan, `engage.planner.explain` names the
conflicting rules in words.
"""

from __future__ import annotations

import bisect
import math
import random
import time as clock
from dataclasses import dataclass
from datetime import date

import numpy as np
from ortools.sat.python import cp_model

from engage.planner.bound import bound_with_blocks, dived_plan, lower_bound
from engage.planner.compiled import Compiled
from engage.planner.explain import explain_infeasibility, precheck
from engage.planner.heuristic import Placement, improve, series_lower_bounds
from engage.planner.model import PlanningModel
from engage.planner.parallel import dive_blocks, dive_copies
from engage.planner.problem import (
    Plan,
    PlannedMeeting,
    Problem,
    Series,
    TimeSlot,
    relative_gap,
)
from engage.planner.validate import Validation, check
from engage.planner.workdays import WorkingCalendar

#: Problems with at most this many (meeting, candidate day) pairs are solved as one
#: CP-SAT model; larger ones by large-neighbourhood search with the same model.
WHOLE_MODEL_CANDIDATES = 4000
#: Shares of the time limit, from the start, by which the heuristic and the bound stop
#: when the whole model is solved.
HEURISTIC_SHARE = 0.5
BOUND_SHARE = 0.95
#: When the whole model is solved, the heuristic only gives CP-SAT its first plan (a hint),
#: so it stops at this share and CP-SAT has the rest, usually to prove the optimum early.
WHOLE_START_SHARE = 0.1
#: Problems above `WHOLE_MODEL_CANDIDATES` and up to this many meeting-days are planned
#: by price and dive: a short starting plan (until `START_SHARE` of the time), the
#: bound's LP (until it converges or `LP_SHARE`), a dive in it (until `DIVE_SHARE`), its
#: plan repaired by best responses (until `REPAIR_SHARE`), then neighbourhood search.
#: Larger ones dive in blocks on several processes with the same shares (3b in the
#: module docstring) or, on one core, where their LPs would not converge in time, keep
#: the heuristic until `HEURISTIC_SHARE`, the bound until `BOUND_SHARE`, then
#: neighbourhood search.
DIVING_CANDIDATES = 40_000
START_SHARE = 0.06
LP_SHARE = 0.45
DIVE_SHARE = 0.85
REPAIR_SHARE = 0.97
#: On several processes (`engage.planner.parallel.dive_copies`), each process's repair
#: ends here, leaving time to check their plans and take the cheapest.
COPIES_SHARE = 0.93
#: Neighbourhood search: meetings move at most this many working days at once; a
#: neighbourhood frees at most this many meetings; a calendar neighbourhood spans this
#: many working days.
LNS_RADIUS_WORKING_DAYS = 10
LNS_MEETINGS = 30
LNS_WINDOW_WORKING_DAYS = 30


@dataclass(frozen=True)
class ModelStats:
    """Size of the whole-problem CP-SAT model, for benchmarks."""

    meetings: int
    candidate_days: int
    variables: int
    constraints: int
    lower_bound: int


def _allowed_days(problem: Problem, cal: WorkingCalendar) -> dict[str, list[int]]:
    """Working-day indexes each series may use before spacing is considered."""
    teams = problem.teams_by_key()
    allowed: dict[str, list[int]] = {}
    for series in problem.series:
        blocked: set[date] = set()
        for key in series.teams:
            blocked |= teams[key].unavailable
        if any(teams[key].capacity == 0 for key in series.teams):
            allowed[series.key] = []
            continue
        for activity in problem.fixed:
            if activity.audience & series.audience:
                blocked.add(activity.day)
        allowed[series.key] = [
            i
            for i, day in enumerate(cal.days)
            if day.weekday() in series.weekdays and day not in blocked
        ]
    return allowed


def _series_domains(
    problem: Problem, cal: WorkingCalendar, series: Series, allowed: list[int]
) -> list[list[int]]:
    """Candidate working days per meeting of `series`, narrowed by pins and gap limits.

    Guarantees: every day of every meeting's domain is allowed, and a meeting's domain
    contains every day it could take in some plan that respects the series' own rules
    (pins, weekdays, gaps); an empty domain means the series cannot be planned.
    """
    count = series.meetings
    if count == 0:
        return []
    if not allowed:
        return [[] for _ in range(count)]
    offsets = [cal.offset[i] for i in allowed]
    low_gap, high_gap = 7 * series.min_gap_weeks, 7 * series.max_gap_weeks
    lo = [offsets[0]] * count
    hi = [offsets[-1]] * count
    for index, day in series.pinned.items():
        position = cal.index.get(day)
        if position is None or position not in set(allowed):
            return [[] for _ in range(count)]
        lo[index] = hi[index] = cal.offset[position]

    def snap_up(value: int) -> int | None:
        k = bisect.bisect_left(offsets, value)
        return offsets[k] if k < len(offsets) else None

    def snap_down(value: int) -> int | None:
        k = bisect.bisect_right(offsets, value) - 1
        return offsets[k] if k >= 0 else None

    changed = True
    while changed:
        changed = False
        for k in range(count):
            new_lo, new_hi = lo[k], hi[k]
            if k > 0:
                new_lo = max(new_lo, lo[k - 1] + low_gap)
                new_hi = min(new_hi, hi[k - 1] + high_gap)
            if k + 1 < count:
                new_lo = max(new_lo, lo[k + 1] - high_gap)
                new_hi = min(new_hi, hi[k + 1] - low_gap)
            up, down = snap_up(new_lo), snap_down(new_hi)
            if up is None or down is None or up > down:
                return [[] for _ in range(count)]
            if (up, down) != (lo[k], hi[k]):
                lo[k], hi[k] = up, down
                changed = True
    return [[i for i in allowed if lo[k] <= cal.offset[i] <= hi[k]] for k in range(count)]


def build_domains(problem: Problem, cal: WorkingCalendar) -> dict[str, list[list[int]]]:
    """Candidate working-day indexes for every meeting (see `_series_domains`)."""
    allowed = _allowed_days(problem, cal)
    return {s.key: _series_domains(problem, cal, s, allowed[s.key]) for s in problem.series}


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
}


def solve(problem: Problem) -> Plan:
    """Plan every meeting of every series in `problem`.

    Guarantees:

    * status "optimal" or "feasible": `meetings` holds every meeting once and satisfies
      every hard rule (see `engage.planner.validate.check`); `objective` is the weighted
      soft cost, equal to the validator's `soft_cost`, and `costs` itemises it;
      `best_bound` <= optimum <= `objective`, where `best_bound` is proven (CP-SAT's
      bound, the column-generation bound or the per-series bound, whichever is
      highest); "optimal" means proven optimal.
    * status "infeasible": no plan satisfies the hard rules; `conflicts` names, in words,
      a set of rules (series, pins, teams) that cannot all hold together.
    * status "unknown": no plan was found in `problem.time_limit_seconds` and
      infeasibility was not proven; `conflicts` says so.

    Runs with `problem.workers` threads and `problem.random_seed`; the wall-clock time,
    model building included, is reported in `seconds` and stays close to
    `problem.time_limit_seconds` (explaining infeasibility may take up to half as long
    again).
    """
    began = clock.perf_counter()
    problems = precheck(problem)
    if problems:
        return _empty_plan("infeasible", began, tuple(problems))
    cal = WorkingCalendar(problem)
    domains = build_domains(problem, cal)
    empty = [key for key, ds in domains.items() if any(not d for d in ds)]
    if empty:
        conflicts = explain_infeasibility(problem, _explain_budget(problem, began), empty)
        return _empty_plan("infeasible", began, conflicts)
    if problem.meeting_count == 0:
        validation = check(problem, _draft(()))
        return _finished((), validation, validation.soft_cost, began)

    limit = problem.time_limit_seconds
    deadline = began + limit
    compiled = Compiled(problem, cal, domains)
    lower = sum(series_lower_bounds(compiled).values()) + compiled.constant
    candidates = sum(len(m.days) for m in compiled.meetings)
    whole = candidates <= WHOLE_MODEL_CANDIDATES
    placements, found = _first_plan(compiled, began, candidates)
    bound = None if found is None else max(lower, found)
    plan, validation = _plan_from(compiled, placements)
    if not validation.ok or whole:
        outcome = _solve_whole(compiled, placements, deadline)
        if outcome.status == "infeasible":
            conflicts = explain_infeasibility(
                problem,
                _explain_budget(problem, began),
                suspects=(),
                focus=validation.violating_series,
            )
            return _empty_plan("infeasible", began, conflicts)
        if outcome.status == "unknown" and not validation.ok:
            return _empty_plan(
                "unknown",
                began,
                (
                    f"No plan was found within the time limit of {limit:g} seconds, and the "
                    "solver could not prove that none exists. Allow more time, or relax some "
                    "series' gap limits or pinned dates.",
                ),
            )
        if outcome.status in ("optimal", "feasible"):
            plan, validation = _plan_from(compiled, outcome.placements)
            lower = max(lower, outcome.bound)
            if outcome.status == "optimal":
                return _finished(plan, validation, lower, began)
        if whole:
            bound = max(lower, lower_bound(compiled, placements, deadline))
            return _finished(plan, validation, bound, began)
        placements = outcome.placements
    if bound is None:
        bound = max(lower, lower_bound(compiled, placements, began + BOUND_SHARE * limit))
    else:
        bound = max(bound, lower)
    placements = _search(compiled, placements, deadline)
    plan, validation = _plan_from(compiled, placements)
    return _finished(plan, validation, bound, began)


def _first_plan(
    compiled: Compiled, began: float, candidates: int
) -> tuple[list[Placement], int | None]:
    """The plan CP-SAT starts from (steps 2, 3a and 3b of the module docstring) and, when
    those steps computed it, the proven bound (else None)."""
    problem = compiled.problem
    limit, seed = problem.time_limit_seconds, problem.random_seed
    if candidates <= WHOLE_MODEL_CANDIDATES:
        return improve(compiled, began + WHOLE_START_SHARE * limit, seed), None
    if candidates <= DIVING_CANDIDATES:
        # On two processes or more: one price and dive each, the cheapest plan kept.
        start_at, lp_at = began + START_SHARE * limit, began + LP_SHARE * limit
        dive_at, end_at = began + DIVE_SHARE * limit, began + COPIES_SHARE * limit
        copies = dive_copies(compiled, seed, (start_at, lp_at, dive_at, end_at), problem.workers)
        if copies is not None:
            return _cheapest(compiled, copies.plans), copies.bound
        start = improve(compiled, start_at, seed)
        found, parts = bound_with_blocks(compiled, start, lp_at)
        dived = dived_plan(compiled, parts, dive_at)
    else:
        start = improve(compiled, began + START_SHARE * limit, seed)
        blocks = dive_blocks(compiled, start, began + DIVE_SHARE * limit, problem.workers)
        if blocks is None:  # one worker, or no processes here: plan on one core
            return improve(compiled, began + HEURISTIC_SHARE * limit, seed, start), None
        found, dived = blocks.bound, blocks.placements
    # Price and dive: the dive's plan, repaired by best responses, usually beats the
    # starting plan by far; keep whichever is cheaper (and valid).
    repaired = improve(compiled, began + REPAIR_SHARE * limit, seed, dived)
    return _cheapest(compiled, [start, repaired]), found


def _cheapest(compiled: Compiled, plans: list[list[Placement]]) -> list[Placement]:
    """The cheapest plan that breaks no rule (the first, if every one breaks some)."""
    checked = [(placements, _plan_from(compiled, placements)[1]) for placements in plans]
    valid = [item for item in checked if item[1].ok]
    if not valid:
        return plans[0]
    return min(valid, key=lambda item: item[1].soft_cost)[0]


@dataclass(frozen=True)
class _Outcome:
    """What one whole-model CP-SAT run returned."""

    status: str
    placements: list[Placement]
    bound: int


def _solve_whole(compiled: Compiled, placements: list[Placement], deadline: float) -> _Outcome:
    """Solve the whole CP-SAT model, hinted with `placements`, until `deadline`."""
    problem = compiled.problem
    planning = PlanningModel(compiled)
    if planning.infeasible:
        return _Outcome("infeasible", [], 0)
    planning.add_hint(placements)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = problem.workers
    params.random_seed = problem.random_seed
    params.max_time_in_seconds = max(0.05, deadline - clock.perf_counter())
    code = solver.solve(planning.model)
    status = _STATUS.get(code)
    if status is None:
        raise RuntimeError(f"CP-SAT rejected the planning model: {solver.status_name(code)}")
    if status in ("infeasible", "unknown"):
        return _Outcome(status, [], 0)
    # The model leaves out the costs no plan can change (busy weeks of fixed activities
    # outside the horizon's weeks); the validator counts them, so the bound must too.
    bound = math.ceil(solver.best_objective_bound - 1e-6) + compiled.constant
    return _Outcome(status, planning.read(solver), bound)


def _search(compiled: Compiled, placements: list[Placement], deadline: float) -> list[Placement]:
    """Large-neighbourhood search with CP-SAT until `deadline`, from a valid plan.

    Each round frees a neighbourhood near its current days (a few related series, or the
    meetings in a few weeks of the calendar), freezes every other meeting where it is,
    and solves that model exactly within a short time; the new plan is kept only if it
    costs less, so the plan only ever improves and stays valid (the neighbourhood model
    holds every rule that involves a free meeting).
    """
    problem = compiled.problem
    rng = random.Random(problem.random_seed)
    current = sorted(placements, key=lambda p: p.number)
    related: dict[str, list[str]] = {}
    for series in compiled.series:
        near = {k for g in compiled.groups_of[series.key] for k in compiled.groups[g].series_keys}
        near |= {s.key for s in compiled.series if s.teams & series.teams}
        related[series.key] = sorted(near - {series.key})
    keys = [s.key for s in compiled.series]
    budget = max(0.2, min(2.0, problem.time_limit_seconds / 20))
    round_number = 0
    while clock.perf_counter() + 0.05 < deadline:
        round_number += 1
        days = [int(compiled.meetings[p.number].days[p.position]) for p in current]
        if round_number % 2:
            seed = rng.choice(keys)
            others = related[seed]
            group = [seed, *rng.sample(others, min(len(others), rng.randint(1, 5)))]
            moving = [n for key in group for n in compiled.of_series[key]][:LNS_MEETINGS]
        else:
            first = rng.randrange(max(1, compiled.size - LNS_WINDOW_WORKING_DAYS))
            inside = [n for n, t in enumerate(days) if first <= t < first + LNS_WINDOW_WORKING_DAYS]
            moving = rng.sample(inside, min(len(inside), LNS_MEETINGS))
        if not moving:
            continue
        free = set(moving)
        allowed: list[np.ndarray | None] = []
        for n, placement in enumerate(current):
            meeting = compiled.meetings[n]
            if n in free:
                t = days[n]
                low = bisect.bisect_left(meeting.days.tolist(), t - LNS_RADIUS_WORKING_DAYS)
                high = bisect.bisect_right(meeting.days.tolist(), t + LNS_RADIUS_WORKING_DAYS)
                allowed.append(np.arange(low, high))
            else:
                allowed.append(np.array([placement.position]))
        planning = PlanningModel(compiled, allowed, [p.slot for p in current])
        if planning.infeasible:  # pragma: no cover - the current plan is valid
            continue
        before = planning.add_hint(current)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = problem.workers
        params.random_seed = problem.random_seed + round_number
        params.max_time_in_seconds = max(0.05, min(budget, deadline - clock.perf_counter()))
        code = solver.solve(planning.model)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < before - 0.5:
            current = planning.read(solver)
    return current


def _explain_budget(problem: Problem, began: float) -> float:
    """Time for explaining infeasibility: what is left, but at least half the limit."""
    remaining = problem.time_limit_seconds - (clock.perf_counter() - began)
    return max(remaining, problem.time_limit_seconds / 2, 1.0)


def _planned(series: Series, index: int, day: date, slot: TimeSlot) -> PlannedMeeting:
    fitting = series.fitting_venues()
    return PlannedMeeting(
        series_key=series.key,
        index=index,
        day=day,
        start=slot.start,
        minutes=slot.minutes,
        venue_key=fitting[0].key if fitting else None,
    )


def _plan_from(
    compiled: Compiled, placements: list[Placement]
) -> tuple[tuple[PlannedMeeting, ...], Validation]:
    """Placements as a plan (in series and meeting order), with the validator's verdict."""
    cal = compiled.cal
    meetings = []
    for placement in sorted(placements, key=lambda p: p.number):
        meeting = compiled.meetings[placement.number]
        day = cal.days[int(meeting.days[placement.position])]
        slot = meeting.series.slots[placement.slot]
        meetings.append(_planned(meeting.series, meeting.index, day, slot))
    plan = tuple(meetings)
    return plan, check(compiled.problem, _draft(plan))


def _draft(meetings: tuple[PlannedMeeting, ...]) -> Plan:
    return Plan(
        meetings=meetings,
        costs=(),
        objective=0,
        best_bound=0,
        gap=0.0,
        status="unknown",
        seconds=0.0,
    )


def _empty_plan(status: str, began: float, conflicts: tuple[str, ...]) -> Plan:
    return Plan(
        meetings=(),
        costs=(),
        objective=0,
        best_bound=0,
        gap=0.0,
        status="infeasible" if status == "infeasible" else "unknown",
        seconds=clock.perf_counter() - began,
        conflicts=conflicts,
    )


def _finished(
    meetings: tuple[PlannedMeeting, ...],
    validation: Validation,
    bound: int,
    began: float,
) -> Plan:
    """The plan with its costs; "optimal" exactly when the proven bound reaches its cost."""
    objective = validation.soft_cost
    bound = min(bound, objective)
    return Plan(
        meetings=meetings,
        costs=validation.costs,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound),
        status="optimal" if bound >= objective else "feasible",
        seconds=clock.perf_counter() - began,
        conflicts=validation.hard_violations,
    )


def model_stats(problem: Problem) -> ModelStats | None:
    """Size of the whole-problem CP-SAT model (None when a pre-check fails)."""
    if precheck(problem):
        return None
    cal = WorkingCalendar(problem)
    domains = build_domains(problem, cal)
    if any(not d for ds in domains.values() for d in ds):
        return None
    compiled = Compiled(problem, cal, domains)
    planning = PlanningModel(compiled)
    proto = planning.model.proto
    return ModelStats(
        meetings=len(compiled.meetings),
        candidate_days=sum(len(m.days) for m in compiled.meetings),
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        lower_bound=sum(series_lower_bounds(compiled).values()) + compiled.constant,
    )
