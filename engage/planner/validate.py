"""An independent check of a plan: hard rules broken and soft costs, all in words.

This module recomputes everything from the plan's dates and times. It deliberately does
not import the solver, so a modelling mistake in the solver shows up as a disagreement
here. Both the solver and the greedy planner itemise their costs with `check`, so the two
are always costed the same way.

Rules about fixed activities among themselves (two fixed activities on the same day for
the same providers, or more fixed activities than a team can staff) are not the plan's
doing and are not reported; a planned meeting clashing with a fixed activity is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from engage.planner.problem import (
    CostItem,
    FixedActivity,
    Plan,
    PlannedMeeting,
    Problem,
    Segment,
    Series,
    describe_day,
    describe_time,
    describe_weekdays,
    minute_of_day,
)


@dataclass(frozen=True, kw_only=True)
class Validation:
    """What `check` found: broken hard rules (in words), soft costs, and their total.

    `violating_series` lists the keys of the series whose meetings break a hard rule.
    """

    hard_violations: tuple[str, ...]
    costs: tuple[CostItem, ...]
    soft_cost: int
    violating_series: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.hard_violations


@dataclass(frozen=True)
class _Event:
    """A meeting or fixed activity as the checks see it."""

    label: str
    day: date
    start: int
    end: int
    audience: frozenset[Segment]
    teams: frozenset[str]
    series_key: str | None  # None for a fixed activity


def _meeting_event(series: Series, meeting: PlannedMeeting) -> _Event:
    start = minute_of_day(meeting.start)
    return _Event(
        label=f"{series.meeting_label(meeting.index)} ({describe_day(meeting.day)})",
        day=meeting.day,
        start=start,
        end=start + meeting.minutes,
        audience=series.audience,
        teams=series.teams,
        series_key=series.key,
    )


def _fixed_event(activity: FixedActivity) -> _Event:
    return _Event(
        label=f"{activity.name} ({describe_day(activity.day)}, fixed)",
        day=activity.day,
        start=activity.start_minute,
        end=activity.end_minute,
        audience=activity.audience,
        teams=activity.teams,
        series_key=None,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _keys(*keys: str | None) -> tuple[str, ...]:
    return tuple(sorted({k for k in keys if k is not None}))


def check(problem: Problem, plan: Plan) -> Validation:
    """Check `plan` against every hard rule of `problem` and cost it.

    Guarantees: `hard_violations` is empty exactly when the plan has every meeting of
    every series once, each on an allowed working weekday within the horizon, at one of
    the series' slots, in a venue that fits (or online when the series has no venues), on
    its pinned date, spaced within the series' gap limits, never on the same day as
    another event for an overlapping audience, never on a team's unavailable date, and
    never with more of a team's commitments at once than the team's capacity.
    `soft_cost` is the sum of `costs`, each costed with `problem.weights`.
    """
    series_by_key = problem.series_by_key()
    teams = problem.teams_by_key()
    violations: list[str] = []
    blamed: set[str] = set()
    costs: list[CostItem] = []

    def blame(keys: tuple[str | None, ...], text: str) -> None:
        violations.append(text)
        blamed.update(k for k in keys if k is not None)

    # --- every meeting exactly once -------------------------------------------------------
    by_series: dict[str, dict[int, PlannedMeeting]] = defaultdict(dict)
    for meeting in plan.meetings:
        series = series_by_key.get(meeting.series_key)
        if series is None:
            violations.append(f"The plan has a meeting of an unknown series {meeting.series_key!r}")
            continue
        if not 0 <= meeting.index < series.meetings:
            blame(
                (series.key,),
                f"{series.name}: the plan has a meeting {meeting.index + 1}, "
                f"but the series has only {_plural(series.meetings, 'meeting')}",
            )
            continue
        if meeting.index in by_series[series.key]:
            blame((series.key,), f"{series.meeting_label(meeting.index)} is planned twice")
            continue
        by_series[series.key][meeting.index] = meeting
    for series in problem.series:
        missing = [i for i in range(series.meetings) if i not in by_series[series.key]]
        if missing:
            numbers = ", ".join(str(i + 1) for i in missing)
            blame((series.key,), f"{series.name}: meeting(s) {numbers} not planned")

    # --- each meeting on its own ---------------------------------------------------------------
    events: list[_Event] = [_fixed_event(a) for a in problem.fixed]
    for series in problem.series:
        for index in sorted(by_series[series.key]):
            meeting = by_series[series.key][index]
            label = series.meeting_label(index)
            day = meeting.day
            events.append(_meeting_event(series, meeting))
            if not problem.start <= day <= problem.end:
                blame(
                    (series.key,),
                    f"{label} on {describe_day(day)} is outside the planning period "
                    f"{describe_day(problem.start)} to {describe_day(problem.end)}",
                )
            if day.weekday() >= 5:
                blame((series.key,), f"{label} is on a weekend day, {describe_day(day)}")
            elif day in problem.bank_holidays:
                blame((series.key,), f"{label} is on a bank holiday, {describe_day(day)}")
            elif day.weekday() not in series.weekdays:
                blame(
                    (series.key,),
                    f"{label} is on {describe_day(day)}, but {series.name} meets only on "
                    f"{describe_weekdays(series.weekdays)}",
                )
            if all(
                (slot.start_minute, slot.minutes) != (minute_of_day(meeting.start), meeting.minutes)
                for slot in series.slots
            ):
                blame(
                    (series.key,),
                    f"{label} starts at {describe_time(meeting.start)} for {meeting.minutes} "
                    "minutes, which is not one of the series' time slots",
                )
            if series.online:
                if meeting.venue_key is not None:
                    blame((series.key,), f"{label} meets online but was given a venue")
            else:
                venue = next((v for v in series.venues if v.key == meeting.venue_key), None)
                if venue is None:
                    blame((series.key,), f"{label} has no venue from the series' list")
                elif venue.capacity < series.expected_attendance:
                    blame(
                        (series.key,),
                        f"{label}: {venue.name} holds {venue.capacity}, fewer than the "
                        f"{series.expected_attendance} expected",
                    )
            pinned = series.pinned.get(index)
            if pinned is not None and pinned != day:
                blame(
                    (series.key,),
                    f"{label} is pinned to {describe_day(pinned)} but planned on {describe_day(day)}",
                )
            for team_key in sorted(series.teams):
                team = teams[team_key]
                if day in team.unavailable:
                    blame(
                        (series.key,), f"{label}: {team.name} is unavailable on {describe_day(day)}"
                    )

    # --- spacing within each series ---------------------------------------------------------
    weights = problem.weights
    for series in problem.series:
        ideal = problem.ideal_gap_days(series)
        low, high = 7 * series.min_gap_weeks, 7 * series.max_gap_weeks
        for index in range(series.meetings - 1):
            first = by_series[series.key].get(index)
            second = by_series[series.key].get(index + 1)
            if first is None or second is None:
                continue
            gap = (second.day - first.day).days
            if not low <= gap <= high:
                blame(
                    (series.key,),
                    f"{series.name}: meetings {index + 1} and {index + 2} are {gap} days apart "
                    f"({describe_day(first.day)} to {describe_day(second.day)}); they must be "
                    f"{series.min_gap_weeks} to {series.max_gap_weeks} weeks ({low}-{high} days) apart",
                )
            deviation = abs(gap - ideal)
            if deviation and weights.spacing_per_day:
                costs.append(
                    CostItem(
                        kind="spacing",
                        amount=deviation * weights.spacing_per_day,
                        description=(
                            f"{series.name}, meetings {index + 1} and {index + 2} "
                            f"({describe_day(first.day)} to {describe_day(second.day)}): "
                            f"{gap} days apart, {_plural(deviation, 'day')} off the even "
                            f"spacing of {ideal} days (cost {deviation * weights.spacing_per_day})"
                        ),
                        series_keys=(series.key,),
                    )
                )

    # --- same-day audience clashes ------------------------------------------------------
    by_day: dict[date, list[_Event]] = defaultdict(list)
    for event in events:
        by_day[event.day].append(event)
    for day in sorted(by_day):
        same_day = by_day[day]
        for i, one in enumerate(same_day):
            for two in same_day[i + 1 :]:
                if one.series_key is None and two.series_key is None:
                    continue
                if one.audience & two.audience:
                    blame(
                        (one.series_key, two.series_key),
                        f"{one.label} and {two.label} are on the same day for overlapping "
                        f"providers ({_shared(one, two)})",
                    )

    # --- near clashes: events for the same providers within a few working days ------------
    if weights.audience_warning:
        costs.extend(_near_clashes(problem, events))

    # --- team capacity at any moment ---------------------------------------------------------
    for team in problem.teams:
        per_day: dict[date, list[_Event]] = defaultdict(list)
        for event in events:
            if team.key in event.teams:
                per_day[event.day].append(event)
        for day in sorted(per_day):
            day_events = per_day[day]
            if all(e.series_key is None for e in day_events):
                continue
            reported: set[frozenset[str]] = set()
            for moment in sorted({e.start for e in day_events}):
                active = [e for e in day_events if e.start <= moment < e.end]
                if len(active) > team.capacity and any(e.series_key for e in active):
                    names = frozenset(e.label for e in active)
                    if names in reported:
                        continue
                    reported.add(names)
                    blame(
                        tuple(e.series_key for e in active),
                        f"{team.name} can cover {_plural(team.capacity, 'commitment')} at a "
                        f"time but has {len(active)} at {moment // 60:02d}:{moment % 60:02d} on "
                        f"{describe_day(day)}: " + "; ".join(sorted(names)),
                    )

    # --- per-meeting soft costs ------------------------------------------------------------
    for series in problem.series:
        for index in sorted(by_series[series.key]):
            day = by_series[series.key][index].day
            label = f"{series.meeting_label(index)} on {describe_day(day)}"
            if day in problem.school_holidays and weights.school_holiday:
                costs.append(
                    CostItem(
                        kind="school_holiday",
                        amount=weights.school_holiday,
                        description=f"{label}: school holiday (cost {weights.school_holiday})",
                        series_keys=(series.key,),
                    )
                )
            if day.weekday() in (0, 4) and weights.monday_friday:
                costs.append(
                    CostItem(
                        kind="monday_friday",
                        amount=weights.monday_friday,
                        description=(
                            f"{label}: {'Monday' if day.weekday() == 0 else 'Friday'} "
                            f"(cost {weights.monday_friday})"
                        ),
                        series_keys=(series.key,),
                    )
                )

    # --- busy weeks across the market ----------------------------------------------------
    if weights.busy_week_excess:
        per_week: dict[tuple[int, int], list[_Event]] = defaultdict(list)
        for event in events:
            iso = event.day.isocalendar()
            per_week[(iso.year, iso.week)].append(event)
        for (year, week), week_events in sorted(per_week.items()):
            monday = date.fromisocalendar(year, week, 1)
            if monday > problem.end or monday + timedelta(days=6) < problem.start:
                continue  # a week outside the horizon: fixed activities only, not the plan's
            excess = len(week_events) - problem.busy_week_threshold
            if excess > 0:
                amount = excess * weights.busy_week_excess
                costs.append(
                    CostItem(
                        kind="busy_week",
                        amount=amount,
                        description=(
                            f"Week of {describe_day(monday)}: {len(week_events)} engagement "
                            f"events, {excess} over the limit of {problem.busy_week_threshold} "
                            f"(cost {amount})"
                        ),
                        series_keys=_keys(*(e.series_key for e in week_events)),
                    )
                )

    return Validation(
        hard_violations=tuple(violations),
        violating_series=tuple(sorted(blamed)),
        costs=tuple(costs),
        soft_cost=sum(c.amount for c in costs),
    )


class _Ranks:
    """Working-day numbers: a date's rank is the number of working days up to and including it.

    Two events are `rank(later) - rank(earlier)` working days apart; a weekend or bank
    holiday has the rank of the working day before it.
    """

    def __init__(self, problem: Problem, days: Iterable[date]) -> None:
        listed = [problem.start, problem.end, *days]
        self.first = min(listed) - timedelta(days=7)
        self.last = max(listed) + timedelta(days=7)
        self.rank: dict[date, int] = {}
        count = 0
        day = self.first
        while day <= self.last:
            if problem.is_working_day(day):
                count += 1
            self.rank[day] = count
            day += timedelta(days=1)


def _near_clashes(problem: Problem, events: list[_Event]) -> list[CostItem]:
    """The near-clash costs of `events`, one item per group of events close together.

    The rule (`Weights.audience_warning`): for every provider group (`Segment`) and every
    run of W + 1 consecutive working days (W = `Problem.warning_window_working_days`), the
    events in the run whose audience includes the group are counted (planned meetings one
    each; fixed activities together count as one, since the plan cannot move them); every
    event beyond the first costs the weight. So two events k <= W working days apart cost
    the weight times (W + 1 - k) for each provider group they share.

    Runs that hold events close together form chains (each event at most W working days
    after the previous one, for that group); a chain's cost is itemised once, listing its
    events and every provider group that has exactly that chain.
    """
    weight = problem.weights.audience_warning
    window = problem.warning_window_working_days
    ranks = _Ranks(problem, (e.day for e in events))
    per_segment: dict[Segment, list[tuple[int, int]]] = defaultdict(list)
    for number, event in enumerate(events):
        for segment in event.audience:
            per_segment[segment].append((ranks.rank[event.day], number))
    chains: dict[tuple[int, ...], tuple[int, list[Segment]]] = {}
    for segment in sorted(per_segment):
        found = sorted(per_segment[segment])
        start = 0
        for end in range(1, len(found) + 1):
            if end < len(found) and found[end][0] - found[end - 1][0] <= window:
                continue
            chain = found[start:end]
            start = end
            if len(chain) < 2 or all(events[n].series_key is None for _, n in chain):
                continue
            excess = 0
            for first in range(chain[0][0] - window, chain[-1][0] + 1):
                inside = [events[n] for r, n in chain if first <= r <= first + window]
                planned = sum(1 for e in inside if e.series_key is not None)
                fixed = 1 if len(inside) > planned else 0
                excess += max(0, planned + fixed - 1)
            if excess:
                key = tuple(n for _, n in chain)
                amount, groups = chains.get(key, (0, []))
                chains[key] = (amount + excess * weight, [*groups, segment])
    items: list[CostItem] = []
    for key, (amount, groups) in sorted(
        chains.items(), key=lambda kv: (events[kv[0][0]].day, kv[0])
    ):
        chain_events = [events[n] for n in key]
        first_rank = ranks.rank[chain_events[0].day]
        last_rank = ranks.rank[chain_events[-1].day]
        if len(chain_events) == 2:
            apart = f"are {_plural(last_rank - first_rank, 'working day')} apart"
        else:
            apart = (
                f"are close together ({_plural(last_rank - first_rank, 'working day')} from "
                "the first to the last)"
            )
        names = [g.describe() for g in groups[:2]]
        if len(groups) > 2:
            names.append(f"and {len(groups) - 2} more")
        items.append(
            CostItem(
                kind="audience_warning",
                amount=amount,
                description=(
                    f"{_listed(e.label for e in chain_events)} {apart} for the same providers: "
                    f"{_plural(len(groups), 'provider group')} ({'; '.join(names)}) "
                    f"(cost {amount})"
                ),
                series_keys=_keys(*(e.series_key for e in chain_events)),
            )
        )
    return items


def _listed(labels: Iterable[str]) -> str:
    words = list(labels)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _shared(first: _Event, second: _Event) -> str:
    shared = sorted(first.audience & second.audience)
    words = [s.describe() for s in shared[:2]]
    if len(shared) > 2:
        words.append(f"and {len(shared) - 2} more")
    return "; ".join(words)


def total_soft_cost(costs: Iterable[CostItem]) -> int:
    """Sum of the amounts of `costs`."""
    return sum(c.amount for c in costs)
