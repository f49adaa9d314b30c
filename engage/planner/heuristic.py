"""Per-series dynamic programming: exact chains, a lower bound, and a starting plan.

A single series on its own is a chain: meeting k+1 follows meeting k by a gap within the
series' limits, each gap costs its deviation from the ideal, and each meeting's day has
its own cost. `cheapest_chain` finds the cheapest chain exactly by dynamic programming
over the candidate days, for any per-day costs (the solver's lower bound prices days
with it too). Summed over series, the minima with the plain own costs are a valid lower
bound on any plan's cost (`series_lower_bounds`), because every other cost (near
clashes between planned meetings, busy weeks) is non-negative.

`improve` builds the plan the solver starts from (its hint) and falls back on: series
are placed one at a time, each on its cheapest chain given everything already placed
(same-day clashes and over-committed teams forbidden where possible, near clashes and
busy weeks priced at their exact marginal cost); then each series in turn is taken out
and put back on its best response to all the others, and small groups of related series
are ruined and recreated, until the deadline. It is a hint provider, not a solver: it
proves nothing and may, on tight problems, leave a rule broken.
"""

from __future__ import annotations

import random
import time as clock
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engage.planner.compiled import Compiled, IntArray
from engage.planner.problem import Series

FloatArray = npt.NDArray[np.float64]
_CLASH = 1_000_000.0


def cheapest_chain(
    offsets: Sequence[IntArray],
    costs: Sequence[FloatArray] | Sequence[IntArray],
    ideal: int,
    low: int,
    high: int,
    weight: float,
) -> tuple[float, list[int]] | None:
    """The cheapest positions for a chain of meetings, and its cost.

    Meeting k may take calendar offset `offsets[k][j]` at cost `costs[k][j]`; consecutive
    meetings must be `low`..`high` days apart, and each gap costs `weight` per day off
    `ideal`. Guarantees: the positions respect the gap limits and minimise the total;
    None when no chain respects the limits.
    """
    count = len(offsets)
    if count == 0:
        return 0.0, []
    best = np.asarray(costs[0], dtype=np.float64)
    back: list[npt.NDArray[np.intp]] = []
    for k in range(1, count):
        gaps = offsets[k][:, None] - offsets[k - 1][None, :]
        step = best[None, :] + weight * np.abs(gaps - ideal)
        step[(gaps < low) | (gaps > high)] = np.inf
        arg = np.argmin(step, axis=1)
        best = step[np.arange(len(offsets[k])), arg] + np.asarray(costs[k], dtype=np.float64)
        back.append(arg)
    j = int(np.argmin(best))
    total = float(best[j])
    if not np.isfinite(total):
        return None
    picks = [j]
    for arg in reversed(back):
        j = int(arg[j])
        picks.append(j)
    picks.reverse()
    return total, picks


def series_chain(
    compiled: Compiled,
    series: Series,
    costs: Sequence[FloatArray] | Sequence[IntArray],
    spacing_share: float = 1.0,
) -> tuple[float, list[int]] | None:
    """`cheapest_chain` for `series` with per-candidate-day `costs` (one array per meeting)
    and `spacing_share` of its spacing cost."""
    problem = compiled.problem
    numbers = compiled.of_series[series.key]
    return cheapest_chain(
        [compiled.meetings[n].offsets for n in numbers],
        costs,
        problem.ideal_gap_days(series),
        7 * series.min_gap_weeks,
        7 * series.max_gap_weeks,
        spacing_share * problem.weights.spacing_per_day,
    )


def series_lower_bounds(compiled: Compiled) -> dict[str, int]:
    """Per series, the least its own costs (spacing and per-day costs) can be in any plan."""
    bounds: dict[str, int] = {}
    for series in compiled.series:
        own = [compiled.meetings[n].own for n in compiled.of_series[series.key]]
        result = series_chain(compiled, series, own)
        bounds[series.key] = round(result[0]) if result else 0
    return bounds


@dataclass(frozen=True)
class Placement:
    """Meeting number `number` (see `Compiled.meetings`) on its candidate `position`, in
    time slot `slot` (an index into the series' slots)."""

    number: int
    position: int
    slot: int


#: A series' meetings as (candidate position, slot) pairs, in meeting order.
Chain = tuple[tuple[int, int], ...]


def placements_of(
    compiled: Compiled, chains: Mapping[str, Sequence[tuple[int, int]]]
) -> list[Placement]:
    """The placements of every meeting of the series in `chains`."""
    return [
        Placement(number, position, slot)
        for key, chain in chains.items()
        for number, (position, slot) in zip(compiled.of_series[key], chain, strict=True)
    ]


def chains_of(
    compiled: Compiled, placements: Iterable[Placement], keys: Iterable[str]
) -> dict[str, Chain]:
    """The chains of series `keys` in `placements` (which place all their meetings)."""
    by_number = {p.number: p for p in placements}
    return {
        key: tuple((by_number[n].position, by_number[n].slot) for n in compiled.of_series[key])
        for key in keys
    }


class _State:
    """A full assignment of meetings to days and slots, with the bookkeeping needed to
    re-place one series at a time exactly (its best response to all the others)."""

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled
        problem = compiled.problem
        self.teams = problem.teams_by_key()
        self.per_group = [np.zeros(compiled.size, dtype=np.int64) for _ in compiled.groups]
        self.per_week = np.zeros(max(compiled.weeks, 1), dtype=np.int64)
        for week, count in compiled.fixed_per_week.items():
            self.per_week[week] += count
        self.busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        # Per team, how many commitments each working day holds (a day with none, for
        # every team of a series, takes its first slot without looking further).
        self.booked = {key: np.zeros(compiled.size, dtype=np.int64) for key in self.teams}
        for activity in problem.fixed:
            t = compiled.cal.index.get(activity.day)
            if t is not None:
                for key in activity.teams:
                    self.busy[(key, t)].append((activity.start_minute, activity.end_minute))
                    if key in self.booked:
                        self.booked[key][t] += 1
        # Slot spans (start, end minute) per series, read once (`TimeSlot` computes them).
        self.spans = {
            s.key: [(slot.start_minute, slot.end_minute) for slot in s.slots]
            for s in compiled.series
        }
        self.chains: dict[str, list[tuple[int, int]]] = {}  # series -> (position, slot)
        related: dict[str, set[str]] = defaultdict(set)
        for group in compiled.groups:
            for key in group.series_keys:
                related[key] |= group.series_keys
        for series in compiled.series:
            for other in compiled.series:
                if series.teams & other.teams:
                    related[series.key].add(other.key)
        self.related = {key: sorted(keys - {key}) for key, keys in related.items()}

    # -- bookkeeping ------------------------------------------------------------------------
    def _apply(self, key: str, chosen: list[tuple[int, int]], sign: int) -> None:
        compiled = self.compiled
        series = compiled.meetings[compiled.of_series[key][0]].series
        for number, (position, slot) in zip(compiled.of_series[key], chosen, strict=True):
            t = int(compiled.meetings[number].days[position])
            for g in compiled.groups_of[key]:
                self.per_group[g][t] += sign
            self.per_week[compiled.week[t]] += sign
            span = self.spans[key][slot]
            for team in series.teams:
                if sign > 0:
                    self.busy[(team, t)].append(span)
                else:
                    self.busy[(team, t)].remove(span)
                self.booked[team][t] += sign

    def insert(self, key: str, chosen: list[tuple[int, int]]) -> None:
        self._apply(key, chosen, 1)
        self.chains[key] = chosen

    def remove(self, key: str) -> list[tuple[int, int]]:
        chosen = self.chains.pop(key)
        self._apply(key, chosen, -1)
        return chosen

    def _slot(self, series: Series, t: int) -> int | None:
        for j, (start, end) in enumerate(self.spans[series.key]):
            if all(self._fits(team, t, start, end) for team in series.teams):
                return j
        return None

    def _fits(self, team_key: str, t: int, start: int, end: int) -> bool:
        booked = self.busy.get((team_key, t))
        capacity = self.teams[team_key].capacity
        if not booked:
            return capacity >= 1
        moments = {start} | {s for s, _ in booked if start <= s < end}
        return all(1 + sum(1 for s, e in booked if s <= m < e) <= capacity for m in moments)

    # -- best response --------------------------------------------------------------------
    def costs_for(self, key: str) -> tuple[list[FloatArray], list[dict[int, int]]]:
        """Each candidate day's marginal cost for `key` given everything else placed
        (`key` must be removed), and the slot to use on each candidate day."""
        compiled = self.compiled
        threshold = compiled.problem.busy_week_threshold
        near = np.zeros(compiled.size, dtype=np.float64)
        clash = np.zeros(compiled.size, dtype=np.int64)
        for g in compiled.groups_of[key]:
            counts = self.per_group[g]
            clash += counts
            occupied = (compiled.run_counts(counts) > 0).astype(np.int64)
            near += compiled.runs_covering(compiled.groups[g].run_weight * occupied)
        busy = (self.per_week[compiled.week] >= threshold) * float(compiled.busy_weight)
        per_day = near + busy + np.where(clash > 0, _CLASH, 0.0)
        unary: list[FloatArray] = []
        slots: list[dict[int, int]] = []
        series = compiled.meetings[compiled.of_series[key][0]].series
        booked = np.zeros(compiled.size, dtype=np.int64)
        for team in series.teams:
            booked += self.booked[team]
            if self.teams[team].capacity < 1:  # no day is free of it: check every day
                booked += 1
        # On a day none of its teams has a commitment, the series' first slot fits.
        for number in compiled.of_series[key]:
            meeting = compiled.meetings[number]
            costs = meeting.own + per_day[meeting.days]
            chosen: dict[int, int] = {}
            open_days = costs < _CLASH
            check = (booked[meeting.days] > 0) & open_days
            for position in np.flatnonzero(open_days & ~check).tolist():
                chosen[position] = 0
            for position in np.flatnonzero(check).tolist():
                t = int(meeting.days[position])
                slot = self._slot(series, t)
                if slot is None:
                    costs[position] += _CLASH
                else:
                    chosen[position] = slot
            unary.append(costs)
            slots.append(chosen)
        return unary, slots

    def best_response(self, key: str) -> tuple[float, list[tuple[int, int]]]:
        """The cheapest chain for `key` against the rest (`key` must be removed)."""
        compiled = self.compiled
        series = compiled.meetings[compiled.of_series[key][0]].series
        unary, slots = self.costs_for(key)
        result = series_chain(compiled, series, unary)
        if result is None:  # pragma: no cover - domains come from the same gap limits
            raise RuntimeError(f"no chain for series {key!r}")
        cost, positions = result
        return cost, [(p, slots[k].get(p, 0)) for k, p in enumerate(positions)]

    def chain_cost(self, key: str, chosen: list[tuple[int, int]]) -> float:
        """The marginal cost of a given chain for `key` (`key` must be removed)."""
        compiled = self.compiled
        series = compiled.meetings[compiled.of_series[key][0]].series
        unary, _ = self.costs_for(key)
        total = float(sum(costs[p] for costs, (p, _) in zip(unary, chosen, strict=True)))
        offsets = np.array(
            [
                compiled.meetings[n].offsets[p]
                for n, (p, _) in zip(compiled.of_series[key], chosen, strict=True)
            ],
            dtype=np.int64,
        )
        return total + compiled.spacing_cost(series, offsets)

    def placements(self) -> list[Placement]:
        return placements_of(self.compiled, self.chains)


def _order(compiled: Compiled) -> list[str]:
    """Most constrained series first: pinned, then fewest candidate days per meeting."""

    def key(series: Series) -> tuple[int, float, int]:
        numbers = compiled.of_series[series.key]
        freedom = sum(len(compiled.meetings[n].days) for n in numbers) / len(numbers)
        return (0 if series.pinned else 1, freedom, -len(series.audience))

    return [s.key for s in sorted(compiled.series, key=key)]


def improve(
    compiled: Compiled,
    deadline: float,
    seed: int = 0,
    start: Sequence[Placement] = (),
    only: frozenset[str] | None = None,
) -> list[Placement]:
    """A plan by best responses and ruin-and-recreate, improved until `deadline`.

    Starts from `start` (every meeting placed) or, when empty, places the series one by
    one. Each step takes one series out and puts it back on its exact cheapest chain
    given all the others; when no single series can improve, a few related series are
    taken out together and put back one by one in random order, and the change is kept
    only if the total does not rise. `deadline` is a `time.perf_counter()` value. With
    `only` (and a complete `start`), only the series named there move; the others stay
    where `start` has them.
    Guarantees: one placement per meeting on one of its candidate days, respecting its
    series' gap limits; the plan's cost never rises during the search (near clashes of
    a series with itself aside, which the marginal costs do not see).
    """
    rng = random.Random(seed)
    state = _State(compiled)
    if start:
        for key, chain in chains_of(compiled, start, compiled.of_series).items():
            state.insert(key, list(chain))
    else:
        for key in _order(compiled):
            _, chosen = state.best_response(key)
            state.insert(key, chosen)
    keys = [key for key in state.chains if only is None or key in only]
    stalled = False
    while keys and clock.perf_counter() < deadline:
        if not stalled:
            improved = False
            rng.shuffle(keys)
            for key in keys:
                if clock.perf_counter() >= deadline:
                    break
                old = state.remove(key)
                old_cost = state.chain_cost(key, old)
                new_cost, new = state.best_response(key)
                if new_cost < old_cost - 1e-9:
                    state.insert(key, new)
                    improved = True
                else:
                    state.insert(key, old)
            stalled = not improved
            continue
        # Ruin and recreate a small group of related series.
        seed_key = rng.choice(keys)
        others = [k for k in state.related.get(seed_key, []) if only is None or k in only]
        group = [seed_key, *rng.sample(others, min(len(others), rng.randint(1, 3)))]
        saved = {key: state.chains[key] for key in group}
        removed = 0.0
        for key in group:
            chosen = state.remove(key)
            removed += state.chain_cost(key, chosen)
        added = 0.0
        rng.shuffle(group)
        for key in group:
            cost, chosen = state.best_response(key)
            added += cost
            state.insert(key, chosen)
        if added > removed + 1e-9:
            for key in group:
                state.remove(key)
            for key in group:
                state.insert(key, saved[key])
        elif added < removed - 1e-9:
            stalled = False
    return state.placements()
