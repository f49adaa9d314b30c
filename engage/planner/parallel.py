"""Price and dive on several processes at once (the solver's steps 3a and 3b).

A problem of one block (a council: the county) is priced and dived once per worker
(`dive_copies`): each process makes its own starting plan (its own seed), converges the
bound's LP, dives in it and repairs the dive's plan; the caller keeps the cheapest. Where
a dive ends depends much on where it starts, so the better of two beats one.

A large problem (the region: ten councils side by side) splits into blocks
(`engage.planner.bound.block_specs`), one per council's teams, whose LPs together bound
the whole. Solved one after another they take longer than the whole time limit, and
most of that time is Python and GLOP on one core. `dive_blocks` solves each block in a
process of its own, `workers` at a time: its column-generation LP (seeded with the
starting plan's chains) for most of its share of the time, then a dive in that LP, then
best responses for the block's own series. Series copied into several blocks (regional
groups) keep their starting chains in every block, so that the blocks plan around the
same dates. The blocks' bounds add up to a proven bound on the whole, and each series
takes the chain of its home block (the block of its teams): a plan for the caller to
repair on the whole problem.

The processes are forked, so they share the compiled problem without copying it; where
a process cannot start children (a daemonic one, such as a Celery prefork worker) or
fork is not available, both return None and the solver plans on one core.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import time as clock
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from engage.planner.bound import BlockSpec, block_specs, blocks
from engage.planner.compiled import Compiled
from engage.planner.heuristic import Chain, Placement, chains_of, improve, placements_of

#: Of each block's time, the share its LP may use before the dive starts (an LP that
#: converges sooner leaves the rest to the dive), and the share by which the dive ends;
#: the rest repairs the block's own series by best responses.
LP_SHARE_OF_BLOCK = 0.6
DIVE_SHARE_OF_BLOCK = 0.8

logger = logging.getLogger(__name__)

# What the forked processes work on; set in the parent just before they are forked.
_JOB: tuple[Compiled, list[BlockSpec], list[Placement]] | None = None


def _warn_one_core(error: BaseException) -> None:
    """Say why the planner's processes gave no plan, with the traceback: they could not
    start (in a Celery prefork worker: give the planner a worker of its own,
    docs/DEPLOYMENT.md), or one failed or died."""
    logger.warning(
        "The planner's processes could not start or failed (%s: %s); it plans on one core.",
        type(error).__name__,
        error,
        exc_info=error,
    )


@dataclass(frozen=True)
class BlockResult:
    """What one block's process found: its proven bound (without `Compiled.constant`),
    the dive's chain for each of its series, and whether its LP converged."""

    bound: float
    chains: dict[str, Chain]
    converged: bool


@dataclass(frozen=True)
class DivedBlocks:
    """A proven lower bound on every plan (constant included), and the dived plan."""

    bound: int
    placements: list[Placement]
    converged: int  # blocks whose LP converged


def _run_block(number: int, seconds: float, preset: dict[str, Chain]) -> BlockResult:
    """Solve block `number`'s LP and dive in it, within `seconds` of starting, with the
    series of `preset` fixed to their chains there first."""
    if _JOB is None:  # pragma: no cover - only forked processes run this
        raise RuntimeError("no block job in this process")
    compiled, specs, placements = _JOB
    began = clock.perf_counter()
    part = specs[number].build(compiled)
    part.add_plan(placements)
    part.run(began + LP_SHARE_OF_BLOCK * seconds)
    converged = part.converged
    bound = part.bound if math.isfinite(part.bound) else part.floor()
    chains = part.dive(began + DIVE_SHARE_OF_BLOCK * seconds, preset=preset)
    # Repair the block's own series (not those fixed for every block) against the rest
    # of the starting plan, which they share no rule with but busy weeks.
    spec = specs[number]
    plan = {p.number: p for p in placements}
    plan.update({p.number: p for p in placements_of(compiled, {k: chains[k] for k in spec.home})})
    moving = frozenset(spec.home - preset.keys())
    repaired = improve(compiled, began + seconds, number, list(plan.values()), only=moving)
    chains.update(chains_of(compiled, repaired, moving))
    return BlockResult(bound=bound, chains=chains, converged=converged)


def dive_blocks(
    compiled: Compiled, placements: list[Placement], deadline: float, workers: int
) -> DivedBlocks | None:
    """Every block's LP and dive on `workers` processes, all done by about `deadline`.

    Each block gets an equal share of the processes' time, enough for every block to
    finish by `deadline` even if each takes all of it (the largest blocks start first). Guarantees: `bound` is a proven lower bound on every plan's cost (any prices
    give one); `placements` places every meeting on one of its candidate days within its
    series' gap limits, and may break rules. None when fewer than two workers are asked
    for, the problem has one block, or the processes cannot be started or fail.
    """
    global _JOB
    specs = block_specs(compiled)
    if workers < 2 or len(specs) < 2:
        return None
    window = deadline - clock.perf_counter()
    if window <= 0:
        return None
    # Blocks run `workers` at a time, in ceil(blocks / workers) waves at most; keep a
    # little back for starting and collecting.
    seconds = 0.95 * window / math.ceil(len(specs) / workers)
    order = sorted(range(len(specs)), key=lambda n: -len(specs[n].shares))
    # A series copied into several blocks (a regional group) keeps its starting chain in
    # every dive, so that the blocks, diving apart, all plan around the same dates.
    copies: dict[str, int] = {}
    for spec in specs:
        for key in spec.shares:
            copies[key] = copies.get(key, 0) + 1
    preset = chains_of(compiled, placements, [key for key, count in copies.items() if count > 1])
    _JOB = (compiled, specs, placements)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {n: pool.submit(_run_block, n, seconds, preset) for n in order}
            results = {n: future.result() for n, future in futures.items()}
    except (AssertionError, ValueError, OSError, BrokenProcessPool) as error:
        # A daemonic process may not have children; no fork on this platform; a block's
        # process died. The caller plans on one core instead.
        _warn_one_core(error)
        return None
    finally:
        _JOB = None
    chains = {key: results[n].chains[key] for n, spec in enumerate(specs) for key in spec.home}
    plan = placements_of(compiled, chains)
    total = sum(result.bound for result in results.values())
    return DivedBlocks(
        bound=math.ceil(total + compiled.constant - 1e-6),
        placements=plan,
        converged=sum(1 for result in results.values() if result.converged),
    )


@dataclass(frozen=True)
class DivedCopies:
    """A proven lower bound on every plan (constant included) and, from each process,
    its starting plan and its repaired dive plan."""

    bound: int
    plans: list[list[Placement]]


def _run_copy(
    seed: int, start_at: float, lp_at: float, dive_at: float, end_at: float
) -> tuple[float, list[Placement], list[Placement]]:
    """Price and dive from a starting plan of its own (`seed`), by the given times."""
    if _JOB is None:  # pragma: no cover - only forked processes run this
        raise RuntimeError("no job in this process")
    compiled = _JOB[0]
    start = improve(compiled, start_at, seed)
    (part,) = blocks(compiled)
    part.add_plan(start)
    part.run(lp_at)
    bound = part.bound if math.isfinite(part.bound) else part.floor()
    dived = placements_of(compiled, part.dive(dive_at))
    return bound, start, improve(compiled, end_at, seed, dived)


def dive_copies(
    compiled: Compiled, seed: int, times: tuple[float, float, float, float], workers: int
) -> DivedCopies | None:
    """Price and dive on a problem of one block, once per worker, each from its own
    starting plan (seeds `seed`, `seed` + 1, ...): the dive's plan depends much on where
    it starts (county: 197-256 from ten seeds), so the cheapest of two is better than
    one. `times` are the `time.perf_counter()` values by which each process ends its
    starting plan, its LP, its dive and its repair. None with one worker, several
    blocks, or where processes cannot be started (see `dive_blocks`)."""
    global _JOB
    if workers < 2 or len(block_specs(compiled)) != 1:
        return None
    _JOB = (compiled, [], [])  # the processes make their own starting plans and block
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_run_copy, seed + k, *times) for k in range(workers)]
            results = [future.result() for future in futures]
    except (AssertionError, ValueError, OSError, BrokenProcessPool) as error:
        _warn_one_core(error)
        return None
    finally:
        _JOB = None
    best = max(bound for bound, _, _ in results)
    return DivedCopies(
        bound=math.ceil(best + compiled.constant - 1e-6),
        plans=[plan for _, start, repaired in results for plan in (start, repaired)],
    )
