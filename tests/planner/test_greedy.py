"""The first-fit planner an officer would use by hand."""

from __future__ import annotations

from datetime import date, timedelta

from engage.planner.greedy import plan_greedy
from engage.planner.validate import check
from tests.planner.factories import END, NORTH_RES, SOUTH_RES, START, problem, series, team


def test_every_meeting_is_placed_once_and_costed_by_the_validator() -> None:
    p = problem(series("a", meetings=3, gaps=(2, 6)), series("b", audience=(SOUTH_RES,)))
    result = plan_greedy(p)
    assert sorted((m.series_key, m.index) for m in result.meetings) == [
        ("a", 0),
        ("a", 1),
        ("a", 2),
        ("b", 0),
        ("b", 1),
    ]
    validation = check(p, result)
    assert result.objective == validation.soft_cost
    assert result.costs == validation.costs
    assert result.status == "feasible"
    assert result.best_bound == 0


def test_first_meeting_goes_on_first_allowed_day_at_or_after_the_ideal_date() -> None:
    p = problem(series("a", meetings=2, gaps=(2, 10)))
    # 87-day horizon, ideal gap 44 days: the pair is centred, so the first meeting's
    # ideal date is Mon 25 Jan, which is not an allowed weekday (Tue-Thu).
    assert p.ideal_gap_days(p.series[0]) == 44
    a0, a1 = plan_greedy(p).meetings
    assert a0.day == date(2027, 1, 26)
    assert a1.day == a0.day + timedelta(days=44)  # Thu 11 Mar


def test_first_fit_skips_days_that_clash_with_what_is_already_placed() -> None:
    p = problem(series("a", meetings=1), series("b", meetings=1, audience=(NORTH_RES,)))
    first, second = plan_greedy(p).meetings
    assert second.day == first.day + timedelta(days=1)


def test_pinned_meetings_are_placed_first() -> None:
    pin = date(2027, 2, 3)
    p = problem(series("a", meetings=1, pinned={0: pin}), series("b", meetings=1))
    by_key = {m.series_key: m for m in plan_greedy(p).meetings}
    assert by_key["a"].day == pin
    assert by_key["b"].day != pin


def test_when_nothing_fits_the_ideal_day_is_used_and_the_violation_reported() -> None:
    every_day = [START + timedelta(days=i) for i in range((END - START).days + 1)]
    p = problem(
        series("a", meetings=1, teams=("contracts",)),
        teams=[team("contracts", unavailable=every_day)],
    )
    result = plan_greedy(p)
    assert len(result.meetings) == 1
    assert result.status == "unknown"
    assert any("Contracts team is unavailable" in c for c in result.conflicts)
    assert check(p, result).hard_violations == result.conflicts
