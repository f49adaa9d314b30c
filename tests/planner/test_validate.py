"""The validator: one test per hard rule and per soft cost, on hand-made plans."""

from __future__ import annotations

from datetime import date, time

import pytest

from engage.planner.problem import Plan, PlannedMeeting, TimeSlot, Venue, Weights
from engage.planner.validate import check
from tests.planner.factories import (
    AFTERNOON,
    NORTH_DOM,
    NORTH_RES,
    SOUTH_RES,
    fixed,
    problem,
    series,
    team,
)


def meeting(
    key: str,
    index: int,
    day: date,
    *,
    slot: TimeSlot | None = None,
    venue: str | None = None,
) -> PlannedMeeting:
    chosen = slot or TimeSlot(time(10, 0), 120)
    return PlannedMeeting(
        series_key=key,
        index=index,
        day=day,
        start=chosen.start,
        minutes=chosen.minutes,
        venue_key=venue,
    )


def plan(*meetings: PlannedMeeting) -> Plan:
    return Plan(
        meetings=meetings,
        costs=(),
        objective=0,
        best_bound=0,
        gap=0.0,
        status="feasible",
        seconds=0.0,
    )


NO_COSTS = Weights(
    spacing_per_day=0, audience_warning=0, school_holiday=0, monday_friday=0, busy_week_excess=0
)
TUE = date(2027, 1, 12)
TUE_2 = date(2027, 1, 26)  # two weeks later


def test_valid_plan_has_no_violations_and_no_costs() -> None:
    p = problem(series("a"), weights=NO_COSTS)
    result = check(p, plan(meeting("a", 0, TUE), meeting("a", 1, TUE_2)))
    assert result.ok
    assert result.hard_violations == ()
    assert result.soft_cost == 0


def test_missing_and_duplicate_meetings_are_violations() -> None:
    p = problem(series("a"))
    missing = check(p, plan(meeting("a", 0, TUE)))
    assert any("meeting(s) 2 not planned" in v for v in missing.hard_violations)
    twice = check(p, plan(meeting("a", 0, TUE), meeting("a", 0, TUE), meeting("a", 1, TUE_2)))
    assert any("planned twice" in v for v in twice.hard_violations)
    unknown = check(p, plan(meeting("a", 0, TUE), meeting("a", 1, TUE_2), meeting("zz", 0, TUE)))
    assert any("unknown series" in v for v in unknown.hard_violations)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2027, 1, 9), "weekend"),
        (date(2027, 3, 26), "bank holiday"),
        (date(2027, 1, 11), "meets only on Tuesday, Wednesday or Thursday"),
    ],
)
def test_day_rules(day: date, words: str) -> None:
    p = problem(series("a", meetings=1), weights=NO_COSTS)
    result = check(p, plan(meeting("a", 0, day)))
    assert any(words in v for v in result.hard_violations), result.hard_violations


def test_outside_horizon_is_a_violation() -> None:
    p = problem(series("a", meetings=1), weights=NO_COSTS)
    result = check(p, plan(meeting("a", 0, date(2027, 4, 6))))
    assert any("outside the planning period" in v for v in result.hard_violations)


def test_slot_must_be_one_of_the_series_slots() -> None:
    p = problem(series("a", meetings=1), weights=NO_COSTS)
    result = check(p, plan(meeting("a", 0, TUE, slot=AFTERNOON)))
    assert any("not one of the series' time slots" in v for v in result.hard_violations)


def test_venue_rules() -> None:
    small = Venue("small", "Small room", 10)
    big = Venue("big", "Big hall", 100)
    p = problem(series("a", meetings=1, venues=(small, big), expected=50), weights=NO_COSTS)
    assert check(p, plan(meeting("a", 0, TUE, venue="big"))).ok
    too_small = check(p, plan(meeting("a", 0, TUE, venue="small")))
    assert any("holds 10, fewer than the 50 expected" in v for v in too_small.hard_violations)
    assert not check(p, plan(meeting("a", 0, TUE))).ok
    online = problem(series("b", meetings=1), weights=NO_COSTS)
    assert not check(online, plan(meeting("b", 0, TUE, venue="big"))).ok


def test_pinned_date_must_be_kept() -> None:
    p = problem(series("a", meetings=1, pinned={0: TUE}), weights=NO_COSTS)
    assert check(p, plan(meeting("a", 0, TUE))).ok
    moved = check(p, plan(meeting("a", 0, date(2027, 1, 13))))
    assert any("pinned to Tue 12 Jan 2027" in v for v in moved.hard_violations)


def test_spacing_limits() -> None:
    p = problem(series("a", gaps=(2, 3)), weights=NO_COSTS)
    assert check(p, plan(meeting("a", 0, TUE), meeting("a", 1, TUE_2))).ok
    close = check(p, plan(meeting("a", 0, TUE), meeting("a", 1, date(2027, 1, 19))))
    assert any("7 days apart" in v and "2 to 3 weeks" in v for v in close.hard_violations)
    far = check(p, plan(meeting("a", 0, TUE), meeting("a", 1, date(2027, 2, 9))))
    assert any("28 days apart" in v for v in far.hard_violations)
    backwards = check(p, plan(meeting("a", 0, TUE_2), meeting("a", 1, TUE)))
    assert not backwards.ok


def test_same_day_for_overlapping_audiences_is_a_violation() -> None:
    p = problem(
        series("a", meetings=1),
        series("b", meetings=1, audience=(NORTH_RES, NORTH_DOM)),
        series("c", meetings=1, audience=(SOUTH_RES,)),
        weights=NO_COSTS,
    )
    clash = check(p, plan(meeting("a", 0, TUE), meeting("b", 0, TUE), meeting("c", 0, TUE_2)))
    assert any("same day" in v and "A forum" in v for v in clash.hard_violations)
    assert clash.violating_series == ("a", "b")
    # Disjoint audiences may share a day.
    assert check(p, plan(meeting("a", 0, TUE), meeting("b", 0, TUE_2), meeting("c", 0, TUE))).ok


def test_same_day_as_a_fixed_activity_is_a_violation_but_fixed_clashes_are_not() -> None:
    p = problem(
        series("a", meetings=1),
        fixed_activities=[fixed("budget", TUE), fixed("survey", TUE_2), fixed("cqc", TUE_2)],
        weights=NO_COSTS,
    )
    result = check(p, plan(meeting("a", 0, TUE)))
    assert any("Budget event" in v for v in result.hard_violations)
    assert len(result.hard_violations) == 1  # survey and cqc clash, but that is not the plan's
    assert check(p, plan(meeting("a", 0, date(2027, 1, 13)))).ok


def test_team_leave_is_a_violation() -> None:
    p = problem(
        series("a", meetings=1, teams=("contracts",)),
        teams=[team("contracts", unavailable=[TUE])],
        weights=NO_COSTS,
    )
    result = check(p, plan(meeting("a", 0, TUE)))
    assert any(
        "Contracts team is unavailable on Tue 12 Jan 2027" in v for v in result.hard_violations
    )


def test_team_capacity_counts_overlapping_times_only() -> None:
    p = problem(
        series(
            "a", meetings=1, teams=("contracts",), slots=(TimeSlot(time(10, 0), 120), AFTERNOON)
        ),
        series("b", meetings=1, audience=(SOUTH_RES,), teams=("contracts",)),
        teams=[team("contracts", capacity=1)],
        weights=NO_COSTS,
    )
    together = check(p, plan(meeting("a", 0, TUE), meeting("b", 0, TUE)))
    assert any("Contracts team can cover 1 commitment" in v for v in together.hard_violations)
    apart = check(p, plan(meeting("a", 0, TUE, slot=AFTERNOON), meeting("b", 0, TUE)))
    assert apart.ok
    roomy = problem(
        series("a", meetings=1, teams=("contracts",)),
        series("b", meetings=1, audience=(SOUTH_RES,), teams=("contracts",)),
        teams=[team("contracts", capacity=2)],
        weights=NO_COSTS,
    )
    assert check(roomy, plan(meeting("a", 0, TUE), meeting("b", 0, TUE))).ok


def test_team_capacity_includes_fixed_activities() -> None:
    p = problem(
        series("a", meetings=1, teams=("contracts",)),
        fixed_activities=[fixed("budget", TUE, audience=(SOUTH_RES,), teams=("contracts",))],
        teams=[team("contracts", capacity=1)],
        weights=NO_COSTS,
    )
    assert not check(p, plan(meeting("a", 0, TUE))).ok
    assert check(p, plan(meeting("a", 0, date(2027, 1, 13)))).ok


# --- soft costs ------------------------------------------------------------------------------


def test_spacing_deviation_costs_per_day() -> None:
    weights = Weights(
        spacing_per_day=3, audience_warning=0, school_holiday=0, monday_friday=0, busy_week_excess=0
    )
    p = problem(series("a", gaps=(2, 10)), weights=weights)
    ideal = p.ideal_gap_days(p.series[0])
    assert ideal == 44  # 87 days / 2 meetings, rounded
    result = check(p, plan(meeting("a", 0, TUE), meeting("a", 1, date(2027, 2, 23))))
    assert result.ok
    (item,) = result.costs
    assert item.kind == "spacing"
    assert item.amount == 3 * abs(42 - 44)
    assert "42 days apart, 2 days off the even spacing of 44 days (cost 6)" in item.description


def test_monday_friday_cost() -> None:
    p = problem(series("a", meetings=1, weekdays=range(5)), weights=Weights(spacing_per_day=0))
    friday = check(p, plan(meeting("a", 0, date(2027, 3, 12))))
    (item,) = friday.costs
    assert item.kind == "monday_friday"
    assert item.description == "A forum, meeting 1 on Fri 12 Mar 2027: Friday (cost 2)"
    assert check(p, plan(meeting("a", 0, date(2027, 3, 10)))).soft_cost == 0


def test_school_holiday_cost() -> None:
    p = problem(series("a", meetings=1), school=[TUE], weights=Weights(school_holiday=7))
    result = check(p, plan(meeting("a", 0, TUE)))
    assert [(c.kind, c.amount) for c in result.costs] == [("school_holiday", 7)]


def test_near_clash_costs_more_the_closer_the_events() -> None:
    p = problem(
        series("a", meetings=1),
        series("b", meetings=1, audience=(NORTH_RES, NORTH_DOM)),
        weights=Weights(audience_warning=10, spacing_per_day=0, monday_friday=0),
        window=3,
    )

    def cost(one: date, two: date) -> int:
        return check(p, plan(meeting("a", 0, one), meeting("b", 0, two))).soft_cost

    # Thu 14 Jan and Tue 19 Jan are 3 working days apart (Fri, Mon, Tue): in 1 run of 4.
    near = check(p, plan(meeting("a", 0, date(2027, 1, 14)), meeting("b", 0, date(2027, 1, 19))))
    assert [(c.kind, c.amount) for c in near.costs] == [("audience_warning", 10)]
    assert near.costs[0].description == (
        "A forum, meeting 1 (Thu 14 Jan 2027) and B forum, meeting 1 (Tue 19 Jan 2027) are "
        "3 working days apart for the same providers: 1 provider group (residential "
        "(registered manager), North) (cost 10)"
    )
    assert near.costs[0].series_keys == ("a", "b")
    # 4 working days apart: no run of 4 holds both.
    assert cost(date(2027, 1, 14), date(2027, 1, 20)) == 0
    # 1 working day apart: in 3 runs of 4.
    assert cost(date(2027, 1, 14), date(2027, 1, 15)) == 30
    # Bank holidays do not count: Thu 25 to Wed 31 Mar 2027 (Good Friday and Easter Monday
    # between) is 2 working days, in 2 runs.
    assert cost(date(2027, 3, 25), date(2027, 3, 31)) == 20


def test_near_clash_counts_every_provider_group_shared() -> None:
    p = problem(
        series("a", meetings=1, audience=(NORTH_RES, NORTH_DOM, SOUTH_RES)),
        series("b", meetings=1, audience=(NORTH_RES, NORTH_DOM)),
        weights=Weights(audience_warning=10, spacing_per_day=0, monday_friday=0),
    )
    result = check(p, plan(meeting("a", 0, date(2027, 1, 12)), meeting("b", 0, date(2027, 1, 15))))
    (item,) = result.costs
    assert item.amount == 2 * 10  # two groups shared, 3 working days apart
    assert "2 provider groups (domiciliary (registered manager), North; residential" in (
        item.description
    )


def test_near_clash_counts_fixed_activities_in_a_run_as_one() -> None:
    # Two fixed activities a day apart cost nothing between themselves; a meeting after
    # them costs once per run it shares with either of them.
    p = problem(
        series("a", meetings=1),
        fixed_activities=[fixed("budget", date(2027, 1, 12)), fixed("survey", date(2027, 1, 13))],
        weights=Weights(audience_warning=10, spacing_per_day=0, monday_friday=0),
        window=3,
    )
    far = check(p, plan(meeting("a", 0, date(2027, 2, 10))))
    assert far.soft_cost == 0
    near = check(p, plan(meeting("a", 0, date(2027, 1, 14))))
    # Runs of 4 working days holding Thu 14: starting Mon 11, Tue 12 and Wed 13 also hold
    # a fixed activity (the run from Mon 11 holds both, still counted once); from Thu 14
    # it is alone.
    assert near.soft_cost == 3 * 10
    (item,) = near.costs
    assert item.description.startswith(
        "Budget event (Tue 12 Jan 2027, fixed), Survey event (Wed 13 Jan 2027, fixed) and "
        "A forum, meeting 1 (Thu 14 Jan 2027) are close together (2 working days from the "
        "first to the last) for the same providers"
    )
    assert item.series_keys == ("a",)


def test_near_clash_itemises_a_chain_of_events_once() -> None:
    p = problem(
        series("a", meetings=1),
        series("b", meetings=1),
        series("c", meetings=1),
        weights=Weights(audience_warning=1, spacing_per_day=0, monday_friday=0),
        window=3,
    )
    result = check(
        p,
        plan(
            meeting("a", 0, date(2027, 1, 12)),
            meeting("b", 0, date(2027, 1, 14)),
            meeting("c", 0, date(2027, 1, 19)),
        ),
    )
    (item,) = result.costs
    # Working days 0, 2 and 5: runs holding two of them: 2 (a, b) + 1 (b, c).
    assert item.amount == 3
    assert item.series_keys == ("a", "b", "c")
    assert "are close together (5 working days from the first to the last)" in item.description


def test_audience_warning_with_fixed_activity_and_disjoint_audiences() -> None:
    p = problem(
        series("a", meetings=1),
        series("c", meetings=1, audience=(SOUTH_RES,)),
        fixed_activities=[fixed("budget", date(2027, 1, 13))],
        weights=Weights(audience_warning=10, spacing_per_day=0),
    )
    result = check(p, plan(meeting("a", 0, TUE), meeting("c", 0, date(2027, 1, 13))))
    assert [c.kind for c in result.costs] == ["audience_warning"]
    assert "Budget event" in result.costs[0].description


def test_busy_week_cost_counts_events_over_threshold() -> None:
    p = problem(
        series("a", meetings=1),
        series("b", meetings=1, audience=(NORTH_DOM,)),
        series("c", meetings=1, audience=(SOUTH_RES,)),
        fixed_activities=[fixed("budget", date(2027, 1, 15), audience=())],
        threshold=2,
        weights=Weights(busy_week_excess=8, spacing_per_day=0, audience_warning=0),
    )
    result = check(
        p,
        plan(
            meeting("a", 0, date(2027, 1, 12)),
            meeting("b", 0, date(2027, 1, 13)),
            meeting("c", 0, date(2027, 1, 14)),
        ),
    )
    (item,) = [c for c in result.costs if c.kind == "busy_week"]
    assert item.amount == 2 * 8  # 4 events, 2 over the limit
    assert item.description.startswith("Week of Mon 11 Jan 2027: 4 engagement events")
    assert result.soft_cost == sum(c.amount for c in result.costs)
