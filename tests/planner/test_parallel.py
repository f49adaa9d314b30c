"""Price and dive on the blocks of a problem, in processes of their own."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import time
from dataclasses import replace
from datetime import date

import pytest

from engage.planner import parallel
from engage.planner import solver as planner_solver
from engage.planner.compiled import Compiled
from engage.planner.heuristic import Placement, improve
from engage.planner.problem import Problem
from engage.planner.solver import _plan_from, solve
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


def two_councils() -> Problem:
    """Teams q and c staff their own series; d (team c) shares providers with q's b, so
    it is copied into q's block."""
    return problem(
        series("a", meetings=3, gaps=(2, 5), teams=("q",), audience=(NORTH_RES,)),
        series("b", meetings=2, teams=("q",), audience=(NORTH_RES, NORTH_DOM)),
        series("c", meetings=3, gaps=(2, 5), teams=("c",), audience=(SOUTH_RES,)),
        series("d", meetings=2, teams=("c",), audience=(SOUTH_RES, NORTH_DOM)),
        fixed_activities=[fixed("budget", date(2027, 2, 10))],
        teams=[team("q"), team("c")],
    )


def compiled_and_start() -> tuple[Compiled, list[Placement]]:
    """The compiled problem and a starting plan in which d's two meetings are as close
    as its limits allow (two weeks, against an ideal of six), which no dive would pick."""
    compiled = compiled_of(two_councils())
    assert compiled is not None
    start = {p.number: p for p in improve(compiled, time.perf_counter() + 0.1)}
    first, second = compiled.of_series["d"]
    early = compiled.meetings[first]
    start[first] = Placement(first, 0, 0)
    later = compiled.meetings[second].offsets
    start[second] = Placement(second, int((later >= early.offsets[0] + 14).argmax()), 0)
    return compiled, list(start.values())


def test_the_blocks_dive_in_processes_to_a_complete_plan_and_a_proven_bound() -> None:
    compiled, start = compiled_and_start()
    outcome = parallel.dive_blocks(compiled, start, time.perf_counter() + 3.0, workers=2)
    assert outcome is not None
    optimum = solve(two_councils())
    assert optimum.status == "optimal"
    assert outcome.bound <= optimum.objective
    # Every meeting once, on a candidate day, within its series' gap limits.
    assert sorted(p.number for p in outcome.placements) == list(range(len(compiled.meetings)))
    position = {p.number: p for p in outcome.placements}
    for s in compiled.series:
        offsets = [
            int(compiled.meetings[n].offsets[position[n].position])
            for n in compiled.of_series[s.key]
        ]
        for first, second in itertools.pairwise(offsets):
            assert 7 * s.min_gap_weeks <= second - first <= 7 * s.max_gap_weeks
    # d, in both blocks, keeps its starting dates so that both blocks plan around them.
    started = {p.number: (p.position, p.slot) for p in start}
    for n in compiled.of_series["d"]:
        assert (position[n].position, position[n].slot) == started[n]
    # The plan reads back through the validator (it may still need repair).
    _plan_from(compiled, outcome.placements)


def test_one_worker_or_one_block_is_left_to_the_single_core_path() -> None:
    compiled, start = compiled_and_start()
    assert parallel.dive_blocks(compiled, start, time.perf_counter() + 1.0, workers=1) is None
    single = compiled_of(problem(series("a", teams=("q",)), teams=[team("q")]))
    assert single is not None
    placements = improve(single, time.perf_counter() + 0.05)
    assert parallel.dive_blocks(single, placements, time.perf_counter() + 1.0, workers=2) is None


def test_a_daemonic_process_such_as_a_celery_worker_falls_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Celery's prefork workers are daemonic and may not start processes of their own."""
    compiled, start = compiled_and_start()
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)  # type: ignore[attr-defined]
    with caplog.at_level(logging.WARNING, logger="engage.planner.parallel"):
        assert parallel.dive_blocks(compiled, start, time.perf_counter() + 1.0, workers=2) is None
    assert "it plans on one core" in caplog.text
    assert "daemonic processes are not allowed to have children" in caplog.text


def one_council() -> Problem:
    """Everything staffed by team q: one block."""
    return problem(
        series("a", meetings=3, gaps=(2, 5), teams=("q",), audience=(NORTH_RES,)),
        series("b", meetings=2, teams=("q",), audience=(NORTH_RES, NORTH_DOM)),
        series("c", meetings=2, teams=("q",), audience=(SOUTH_RES, NORTH_DOM)),
        teams=[team("q", capacity=2)],
    )


def test_each_worker_dives_from_its_own_start_on_a_problem_of_one_block() -> None:
    compiled = compiled_of(one_council())
    assert compiled is not None
    now = time.perf_counter()
    times = (now + 0.1, now + 1.0, now + 1.5, now + 2.0)
    copies = parallel.dive_copies(compiled, 0, times, workers=2)
    assert copies is not None
    assert len(copies.plans) == 4  # each worker's start and repaired dive
    for plan in copies.plans:
        assert sorted(p.number for p in plan) == list(range(len(compiled.meetings)))
    assert copies.bound <= solve(one_council()).objective
    assert parallel.dive_copies(compiled, 0, times, workers=1) is None
    two, _ = compiled_and_start()
    assert parallel.dive_copies(two, 0, times, workers=2) is None


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("diving_candidates", [0, 10**9])
def test_the_solver_plans_validly_by_blocks_or_by_copies(
    monkeypatch: pytest.MonkeyPatch, workers: int, diving_candidates: int
) -> None:
    """Small problems pushed down the large-problem paths: price and dive in copies
    (one block) or in blocks (two), on processes or on one core."""
    optima = [solve(make()) for make in (one_council, two_councils)]  # the whole model
    assert all(found.status == "optimal" for found in optima)
    monkeypatch.setattr(planner_solver, "WHOLE_MODEL_CANDIDATES", 0)
    monkeypatch.setattr(planner_solver, "DIVING_CANDIDATES", diving_candidates)
    for make, found in zip((one_council, two_councils), optima, strict=True):
        optimum = found.objective
        p = replace(make(), workers=workers, time_limit_seconds=1.0)
        result = solve(p)
        assert result.status in ("optimal", "feasible")
        validation = check(p, result)
        assert validation.hard_violations == ()
        assert result.objective == validation.soft_cost
        assert result.best_bound <= optimum <= result.objective
