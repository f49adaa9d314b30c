"""Properties over random small problems (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.planner.greedy import plan_greedy
from engage.planner.problem import Problem, Segment, Series, Team, Weights
from engage.planner.solver import solve
from engage.planner.validate import check
from tests.planner.factories import AFTERNOON, END, MORNING, START, fixed, problem, series, team

SEGMENTS = [
    Segment(service, "registered manager", place)
    for service in ("residential", "domiciliary")
    for place in ("North", "South")
]
WORKING = [
    START + timedelta(days=i)
    for i in range((END - START).days + 1)
    if (START + timedelta(days=i)).weekday() < 5
]
FAST = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def small_series(draw: st.DrawFn, key: str) -> Series:
    meetings = draw(st.integers(1, 3))
    low = draw(st.integers(1, 4))
    high = draw(st.integers(low, low + 4))
    pinned: dict[int, date] = {}
    if draw(st.booleans()) and draw(st.booleans()):
        pinned[draw(st.integers(0, meetings - 1))] = draw(st.sampled_from(WORKING))
    return series(
        key,
        meetings=meetings,
        gaps=(low, high),
        weekdays=draw(st.sets(st.integers(0, 4), min_size=1)),
        audience=draw(st.sets(st.sampled_from(SEGMENTS), min_size=1, max_size=3)),
        teams=draw(st.sets(st.sampled_from(["q", "c"]), max_size=2)),
        slots=draw(st.sampled_from([(MORNING,), (AFTERNOON,), (MORNING, AFTERNOON)])),
        pinned=pinned,
    )


@st.composite
def small_problems(draw: st.DrawFn) -> Problem:
    count = draw(st.integers(1, 4))
    series_list = [draw(small_series(f"s{i}")) for i in range(count)]
    teams = [
        team(
            key,
            capacity=draw(st.integers(1, 2)),
            unavailable=draw(st.sets(st.sampled_from(WORKING), max_size=6)),
        )
        for key in ("q", "c")
    ]
    activities = [
        fixed(
            f"f{i}",
            draw(st.sampled_from(WORKING)),
            audience=draw(st.sets(st.sampled_from(SEGMENTS), min_size=1, max_size=2)),
            teams=draw(st.sets(st.sampled_from(["q", "c"]), max_size=1)),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    school = draw(st.sets(st.sampled_from(WORKING), max_size=15))
    return problem(
        *series_list,
        fixed_activities=activities,
        teams=teams,
        school=school,
        threshold=draw(st.integers(1, 4)),
        window=draw(st.integers(0, 3)),
        weights=Weights(
            spacing_per_day=draw(st.integers(0, 2)),
            audience_warning=draw(st.integers(0, 12)),
            school_holiday=draw(st.integers(0, 6)),
            monday_friday=draw(st.integers(0, 3)),
            busy_week_excess=draw(st.integers(0, 9)),
        ),
        seconds=1.0,
    )


@FAST
@given(small_problems())
def test_solver_plans_are_valid_and_costed_like_the_validator(p: Problem) -> None:
    result = solve(p)
    if result.status in ("optimal", "feasible"):
        validation = check(p, result)
        assert validation.hard_violations == ()
        assert result.objective == validation.soft_cost
        assert result.best_bound <= result.objective
        assert 0.0 <= result.gap <= 1.0
    else:
        assert result.conflicts
        assert result.meetings == ()


@FAST
@given(small_problems())
def test_greedy_places_every_meeting_and_is_costed_by_the_validator(p: Problem) -> None:
    result = plan_greedy(p)
    assert sorted((m.series_key, m.index) for m in result.meetings) == sorted(
        (s.key, i) for s in p.series for i in range(s.meetings)
    )
    validation = check(p, result)
    assert result.objective == validation.soft_cost
    assert result.conflicts == validation.hard_violations


@FAST
@given(small_problems())
def test_solver_never_does_worse_than_a_valid_greedy_plan(p: Problem) -> None:
    greedy = plan_greedy(p)
    result = solve(p)
    if greedy.status == "feasible":
        assert result.status in ("optimal", "feasible")
        assert result.objective <= greedy.objective


@settings(max_examples=8, deadline=None, derandomize=True)
@given(meetings=st.integers(2, 6), min_gap=st.integers(1, 12))
def test_spacing_that_cannot_fit_names_the_series(meetings: int, min_gap: int) -> None:
    horizon = (END - START).days
    if (meetings - 1) * 7 * min_gap <= horizon:
        min_gap = horizon // (7 * (meetings - 1)) + 1
    p = problem(series("x", meetings=meetings, gaps=(min_gap, min_gap + 2), name="Skills group"))
    result = solve(p)
    assert result.status == "infeasible"
    assert result.conflicts and "Skills group" in result.conflicts[0]


@settings(max_examples=8, deadline=None, derandomize=True)
@given(day=st.sampled_from(WORKING), shared=st.sampled_from(SEGMENTS))
def test_same_audience_pinned_to_one_day_names_both_series(day: date, shared: Segment) -> None:
    p = problem(
        series("a", meetings=1, weekdays=range(5), audience=(shared,), pinned={0: day}),
        series("b", meetings=1, weekdays=range(5), audience=(shared,), pinned={0: day}),
    )
    result = solve(p)
    assert result.status == "infeasible"
    text = " ".join(result.conflicts)
    assert "A forum" in text and "B forum" in text


@settings(max_examples=8, deadline=None, derandomize=True)
@given(weekdays=st.sets(st.integers(0, 4), min_size=1, max_size=3), extra=st.integers(0, 5))
def test_team_away_on_every_allowed_day_names_the_team(weekdays: set[int], extra: int) -> None:
    away = [d for d in WORKING if d.weekday() in weekdays] + WORKING[:extra]
    p = Problem(
        start=START,
        end=END,
        series=(series("a", meetings=1, weekdays=weekdays, teams=("contracts",)),),
        teams=(
            Team(key="contracts", name="Contracts team", capacity=1, unavailable=frozenset(away)),
        ),
        time_limit_seconds=1.0,
    )
    result = solve(p)
    assert result.status == "infeasible"
    assert any("Contracts team" in c for c in result.conflicts)
