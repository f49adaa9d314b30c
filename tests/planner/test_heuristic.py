"""The heuristic's best responses: the slots it offers on each day (hypothesis)."""

from __future__ import annotations

import time
from datetime import date

from hypothesis import given

from engage.planner.heuristic import _CLASH, _State, improve
from engage.planner.problem import Problem
from tests.planner.factories import (
    AFTERNOON,
    MORNING,
    NORTH_DOM,
    SOUTH_RES,
    compiled_of,
    fixed,
    problem,
    series,
    team,
)
from tests.planner.test_properties import FAST, small_problems


@FAST
@given(small_problems())
def test_each_day_offers_the_first_slot_every_team_has_room_for(p: Problem) -> None:
    """`costs_for` skips the team check on days none of the series' teams is booked; the
    slot it offers must still be the first one that fits, and a day where none fits must
    be priced as a clash, exactly as checking every day would give."""
    compiled = compiled_of(p)
    if compiled is None or not compiled.meetings:
        return
    state = _State(compiled)
    by_series: dict[str, list[tuple[int, int]]] = {}
    for placement in sorted(improve(compiled, time.perf_counter() + 0.05), key=lambda x: x.number):
        key = compiled.meetings[placement.number].series.key
        by_series.setdefault(key, []).append((placement.position, placement.slot))
    for key, chosen in by_series.items():
        state.insert(key, chosen)
    for key in by_series:
        series = compiled.meetings[compiled.of_series[key][0]].series
        state.remove(key)
        costs, slots = state.costs_for(key)
        for number, cost, offered in zip(compiled.of_series[key], costs, slots, strict=True):
            meeting = compiled.meetings[number]
            for position, t in enumerate(meeting.days.tolist()):
                fits = state._slot(series, t)
                if position in offered:
                    assert offered[position] == fits
                else:  # a clash: the same providers that day, or no slot fits
                    assert cost[position] >= _CLASH
                if fits is None:
                    assert position not in offered
        state.insert(key, by_series[key])


def test_a_fixed_activity_of_the_team_moves_the_meeting_to_a_later_slot_or_off_the_day() -> None:
    """Team q (one officer) is at a fixed activity on Wednesday morning, for other
    providers: that day, a two-slot series of team q is offered the afternoon, and a
    morning-only series cannot be there at all. Other days offer the first slot."""
    wednesday = date(2027, 1, 20)
    both = series("both", meetings=1, teams=["q"], slots=(MORNING, AFTERNOON))
    morning = series("morning", meetings=1, teams=["q"], slots=(MORNING,), audience=[NORTH_DOM])
    p = problem(
        both,
        morning,
        teams=[team("q", capacity=1)],
        fixed_activities=[fixed("briefing", wednesday, audience=[SOUTH_RES], teams=["q"])],
    )
    compiled = compiled_of(p)
    assert compiled is not None
    state = _State(compiled)
    t = compiled.cal.index[wednesday]
    for key, expected in (("both", 1), ("morning", None)):
        (number,) = compiled.of_series[key]
        position = compiled.position[number][t]
        (costs,), (offered,) = state.costs_for(key)
        assert offered.get(position) == expected
        assert (costs[position] >= _CLASH) == (expected is None)
        assert offered[position + 1] == 0  # Thursday: nothing booked


@FAST
@given(small_problems())
def test_improving_only_some_series_leaves_the_others_where_they_were(p: Problem) -> None:
    compiled = compiled_of(p)
    if compiled is None or len(compiled.series) < 2:
        return
    start = improve(compiled, time.perf_counter() + 0.02)
    moving = frozenset({compiled.series[0].key})
    after = {q.number: q for q in improve(compiled, time.perf_counter() + 0.05, 1, start, moving)}
    for placement in start:
        if compiled.meetings[placement.number].series.key not in moving:
            assert after[placement.number] == placement
