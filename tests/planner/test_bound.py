"""The lower bound, the compiled costs and the neighbourhood search, on random problems."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.planner import solver as planner_solver
from engage.planner.bound import (
    DantzigWolfeBound,
    blocks,
    bound_with_blocks,
    dived_plan,
    lower_bound,
)
from engage.planner.heuristic import improve, series_lower_bounds
from engage.planner.model import PlanningModel
from engage.planner.problem import Problem
from engage.planner.solver import solve
from engage.planner.validate import check
from tests.planner.factories import (
    NORTH_DOM,
    NORTH_RES,
    SOUTH_RES,
    compiled_of,
    fixed,
    problem,
    series,
    team,
)
from tests.planner.test_properties import small_problems

FAST = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@FAST
@given(small_problems())
def test_compiled_costs_and_the_model_agree_with_the_validator(p: Problem) -> None:
    compiled = compiled_of(p)
    if compiled is None or not compiled.meetings:
        return
    placements = improve(compiled, time.perf_counter() + 0.05)
    _, validation = planner_solver._plan_from(compiled, placements)
    if not validation.ok:
        return
    days = [0] * len(compiled.meetings)
    for placement in placements:
        days[placement.number] = int(compiled.meetings[placement.number].days[placement.position])
    assert compiled.cost(days) == validation.soft_cost
    assert PlanningModel(compiled).add_hint(placements) == validation.soft_cost


@FAST
@given(small_problems())
def test_the_bound_never_exceeds_the_optimum(p: Problem) -> None:
    result = solve(p)
    if result.status != "optimal":
        return
    compiled = compiled_of(p)
    assert compiled is not None
    placements = improve(compiled, time.perf_counter() + 0.05)
    if not planner_solver._plan_from(compiled, placements)[1].ok:
        return
    bound = lower_bound(compiled, placements, time.perf_counter() + 2.0)
    assert bound <= result.objective
    assert bound >= sum(series_lower_bounds(compiled).values()) + compiled.constant


@FAST
@given(small_problems())
def test_neighbourhood_search_keeps_plans_valid_and_costed_like_the_validator(
    p: Problem,
) -> None:
    original = planner_solver.WHOLE_MODEL_CANDIDATES
    planner_solver.WHOLE_MODEL_CANDIDATES = 0
    try:
        result = solve(p)
    finally:
        planner_solver.WHOLE_MODEL_CANDIDATES = original
    if result.status in ("optimal", "feasible"):
        validation = check(p, result)
        assert validation.hard_violations == ()
        assert result.objective == validation.soft_cost
        assert result.best_bound <= result.objective
    else:
        assert result.conflicts


def test_near_clashes_make_the_bound_rise_above_each_series_on_its_own() -> None:
    # Three one-meeting series for the same providers, and only Tue 12, Wed 13 and Thu 14
    # Jan: they must take one day each. On its own each series costs nothing (the
    # per-series bound is 0); together they are near clashes in every run of 4 working
    # days that holds two or three of them: 1 + 2 + 2 + 1 extra events, 3 each.
    p = problem(
        series("a", meetings=1),
        series("b", meetings=1),
        series("c", meetings=1),
        start=date(2027, 1, 12),
        end=date(2027, 1, 14),
    )
    compiled = compiled_of(p)
    assert compiled is not None
    assert sum(series_lower_bounds(compiled).values()) == 0
    result = solve(p)
    assert result.status == "optimal"
    assert result.objective == 6 * 3
    placements = improve(compiled, time.perf_counter() + 0.1)
    assert lower_bound(compiled, placements, time.perf_counter() + 2.0) == 6 * 3


def test_series_staffed_by_separate_teams_are_bounded_in_separate_blocks() -> None:
    p = problem(
        series("a", meetings=2, teams=("q",), audience=(NORTH_RES,)),
        series("b", meetings=2, teams=("q",), audience=(NORTH_RES, NORTH_DOM)),
        series("c", meetings=2, teams=("c",), audience=(SOUTH_RES,)),
        series("d", meetings=2, teams=("c",), audience=(SOUTH_RES, NORTH_DOM)),
        fixed_activities=[fixed("budget", date(2027, 2, 10))],
        teams=[team("q"), team("c")],
    )
    compiled = compiled_of(p)
    assert compiled is not None
    parts = blocks(compiled)
    assert sorted(sorted(part.keys) for part in parts) == [["a", "b", "d"], ["c", "d"]]
    # d is in both blocks, with half of its own costs in each.
    assert sorted(part.shares["d"] for part in parts) == [0.5, 0.5]
    result = solve(p)
    assert result.status == "optimal"
    placements = improve(compiled, time.perf_counter() + 0.1)
    bound = lower_bound(compiled, placements, time.perf_counter() + 2.0)
    assert bound <= result.objective


@pytest.mark.parametrize("workers", [1, 2])
def test_whole_model_proves_small_problems_optimal_with_any_worker_count(workers: int) -> None:
    p = replace(
        problem(
            series("a", meetings=3, gaps=(2, 6), weekdays=(1, 2)),
            series("b", meetings=2, gaps=(3, 9), audience=(NORTH_RES, NORTH_DOM)),
        ),
        workers=workers,
    )
    result = solve(p)
    assert result.status == "optimal"
    assert result.best_bound == result.objective == check(p, result).soft_cost


@FAST
@given(small_problems(), st.sampled_from([0.0, 0.3]))
def test_the_dived_lp_plan_gives_each_meeting_a_candidate_day_within_its_gaps(
    p: Problem, dive_seconds: float
) -> None:
    """With no time left the dive puts every series on its heaviest chain at once; with
    time it fixes a few at a time. Either way the plan is complete and keeps the gaps."""
    compiled = compiled_of(p)
    if compiled is None or not compiled.meetings:
        return
    placements = improve(compiled, time.perf_counter() + 0.05)
    if not planner_solver._plan_from(compiled, placements)[1].ok:
        return
    bound, parts = bound_with_blocks(compiled, placements, time.perf_counter() + 2.0)
    rounded = dived_plan(compiled, parts, time.perf_counter() + dive_seconds)
    assert sorted(placement.number for placement in rounded) == list(range(len(compiled.meetings)))
    position = {placement.number: placement for placement in rounded}
    for series_ in compiled.series:
        numbers = compiled.of_series[series_.key]
        offsets = [int(compiled.meetings[n].offsets[position[n].position]) for n in numbers]
        gaps = [b - a for a, b in itertools.pairwise(offsets)]
        assert all(7 * series_.min_gap_weeks <= g <= 7 * series_.max_gap_weeks for g in gaps)
        for n in numbers:
            assert 0 <= position[n].slot < len(series_.slots)
    # Diving fixes every series and leaves the proven bound alone.
    assert all(len(part.fixed) == len(part.keys) for part in parts)
    assert math.ceil(sum(part.bound for part in parts) + compiled.constant - 1e-6) == bound
    # Repairing the rounded plan gives a valid plan costed like the validator.
    repaired = improve(compiled, time.perf_counter() + 0.05, 0, rounded)
    _, validation = planner_solver._plan_from(compiled, repaired)
    if validation.ok:
        days = [0] * len(compiled.meetings)
        for placement in repaired:
            meeting = compiled.meetings[placement.number]
            days[placement.number] = int(meeting.days[placement.position])
        assert compiled.cost(days) == validation.soft_cost


@FAST
@given(small_problems())
def test_reading_the_master_lp_directly_gives_the_public_apis_bound(p: Problem) -> None:
    compiled = compiled_of(p)
    if compiled is None or not compiled.meetings:
        return
    placements = improve(compiled, time.perf_counter() + 0.05)
    if not planner_solver._plan_from(compiled, placements)[1].ok:
        return
    fast = lower_bound(compiled, placements, time.perf_counter() + 5.0)
    original = DantzigWolfeBound._solve_raw
    DantzigWolfeBound._solve_raw = lambda self, params: None  # type: ignore[method-assign]
    try:
        public = lower_bound(compiled, placements, time.perf_counter() + 5.0)
    finally:
        DantzigWolfeBound._solve_raw = original  # type: ignore[method-assign]
    assert fast == public
