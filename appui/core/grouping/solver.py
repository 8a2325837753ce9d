"""Solve an instance: checks, warm start, CP-SAT, split into groups, re-validation, metrics.

The search, within the time limit:

1. the greedy plan of :mod:`heuristics` (what a careful coordinator would do) is the warm
   start; the LP relaxation of the CP-SAT model (:func:`bounds.lp_bound`) gives a proven
   bound at once;
2. on instances of real size, slot by slot re-optimisation: every other slot is locked as
   it stands (the locking machinery the coordinator uses) and the slot is solved again by
   CP-SAT; rounds go on while they improve, keeping a fifth of the time for
3. the full CP-SAT model, hinted with the best plan, which may improve it further, prove it
   optimal or tighten the bound (small instances get all the time here).

The plan is scored by :mod:`validation` (never trusted from the solver) and the gap is
measured against the best proven bound.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..cpus import CGROUP_CPU_MAX, usable_cpus
from . import bounds, metrics, validation
from . import start as start_plan
from .aggregate import BoundTask
from .feasibility import diagnose, precheck
from .heuristics import greedy_plan
from .instance import Group, Instance
from .model import GroupingModel
from .prepare import Prepared
from .solution import Solution
from .split import split

#: Share of the time limit kept for the full model after the slot rounds.
FULL_MODEL_RESERVE = 0.2
#: Below this many attendance variables the full model gets all the time (no slot rounds).
SMALL_MODEL = 1500
#: Seconds kept at the end to cut the pools into groups and compute the metrics.
FINISH_TIME = 0.5
#: Shortest CP-SAT run worth starting.
MIN_SOLVE = 0.3
#: Relative gap at which a one-slot re-solve stops (its proof of optimality is not needed).
SLOT_GAP = 0.0005
#: Time a one-slot re-solve may take even when that exceeds its fair share.
SLOT_TIME = 4.0
#: Share of the time left spent waiting for the proven bound when a gap limit may stop the
#: search early.
LP_SHARE = 0.3
#: Seconds to build the CP-SAT model, per attendance variable (measured: 1.2 s of CPU for
#: 53,000 at 1,500 pupils); the model is not built when the time left cannot pay for it.
BUILD_TIME = 3e-5
#: ``deterministic=True``: CP-SAT work budget (deterministic time) per second of the time
#: limit. Measured: a CP-SAT run on these models does 0.05–0.15 units a second on one
#: loaded core, so the budget, not the clock, normally ends each run.
WORK_PER_SECOND = 0.04


@dataclass
class SolveDetails:
    """What happened during a solve, for tests and benchmarks."""

    solution: Solution
    #: The CP-SAT objective of the full model's solution (None if none was found).
    model_objective: int | None = None
    model_status: str | None = None
    model_terms: dict[str, int] = field(default_factory=dict)
    greedy_objective: int | None = None
    lp_bound: int | None = None
    slot_rounds: int = 0
    #: Solutions whose pools the cut into groups could not separate (kept plan used instead).
    split_failures: int = 0
    #: Objective of the repaired start plan when it met every hard rule (the incumbent).
    start_objective: int | None = None


def default_workers(cgroup_cpu_max: str = CGROUP_CPU_MAX) -> int:
    """CP-SAT workers: the CPUs this process may really use (:mod:`appui.core.cpus`: its
    affinity, lowered by a cgroup quota), at most 8. ``APPUI_SOLVER_WORKERS`` overrides it."""
    wanted = os.environ.get("APPUI_SOLVER_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return min(8, usable_cpus(cgroup_cpu_max))


def solve(
    instance: Instance,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    *,
    warm_start: bool = True,
    gap_limit: float = 0.0,
    log: bool = False,
    start: Sequence[Group] | None = None,
    minimal_change: bool = False,
    deterministic: bool = False,
) -> Solution:
    """Best plan found within ``time_limit`` seconds, with its proven bound and metrics.

    Never raises on an infeasible instance: the solution then has status ``infeasible`` and
    French ``messages`` saying which rule cannot be met. ``time_limit`` is a wall-clock
    budget for the whole solve (every phase checks it; the plan comes back within about
    half a second of it). ``workers`` defaults to the CPUs available
    (:func:`default_workers`); ``gap_limit`` stops as soon as the relative gap is that small;
    ``warm_start=False`` skips the greedy plan.

    ``start``: the plan to re-solve from (e.g. the current plan after a hand move). It is
    repaired to fit the instance (:func:`start.repair`; the instance's locks win over it) and,
    when the repaired plan meets every hard rule, it is the incumbent: the plan returned is
    never worse on the objective. ``minimal_change``: each placement of ``start`` not kept
    costs ``Weights.stay`` (objective term ``stay``). With a start, ``metrics["moved"]``
    counts the pupils moved from it.

    ``deterministic``: CP-SAT stops on a work budget (its deterministic time) rather than
    the clock, so that with ``workers=1`` the same instance and seed give the same plan on
    any machine; the wall-clock limit still applies to the phases around it.
    """
    return solve_with_details(
        instance,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        warm_start=warm_start,
        gap_limit=gap_limit,
        log=log,
        start=start,
        minimal_change=minimal_change,
        deterministic=deterministic,
    ).solution


@dataclass
class Deadline:
    """The end of the time budget, fixed once at entry (``time.perf_counter()`` seconds)."""

    end: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.perf_counter() + seconds)

    def left(self) -> float:
        return self.end - time.perf_counter()


# Long on purpose: the solve as one list of phases, each bounded by the deadline.
def solve_with_details(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    warm_start: bool = True,
    gap_limit: float = 0.0,
    log: bool = False,
    start: Sequence[Group] | None = None,
    minimal_change: bool = False,
    deterministic: bool = False,
) -> SolveDetails:
    started = time.perf_counter()
    # Everything but the final cut, scoring and metrics must end here.
    # (The final cut and scoring take longer on a large level: measured 0.5–0.8 s at 1,500.)
    finish_time = FINISH_TIME * max(1.0, len(instance.students) / 1000)
    deadline = Deadline.after(max(0.05, time_limit - finish_time))
    workers = workers or default_workers()
    prep = Prepared(instance)

    def elapsed() -> float:
        return time.perf_counter() - started

    details = SolveDetails(Solution(status="unknown"))
    problems = precheck(prep)
    if problems:
        details.solution = Solution(
            status="infeasible", messages=tuple(problems), wall_time=elapsed(), method="appui"
        )
        return details

    start_groups = list(start) if start is not None else None
    stay_from = start_groups if minimal_change else None
    placements = start_plan.placements(instance, stay_from) if stay_from is not None else None
    # The proven bound (aggregated LP) is computed beside the greedy plan, in a child process
    # on large levels; it is collected below, and dropped if it is not ready in time.
    bound_task = BoundTask(prep, start=placements, time_limit=max(0.05, deadline.left()))
    try:
        return _search(
            instance,
            prep,
            details,
            deadline=deadline,
            bound_task=bound_task,
            elapsed=elapsed,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            warm_start=warm_start,
            gap_limit=gap_limit,
            log=log,
            start_groups=start_groups,
            placements=placements,
            minimal_change=minimal_change,
            deterministic=deterministic,
        )
    finally:
        bound_task.close()


# Long on purpose: the solve as one list of phases, each bounded by the deadline.
def _search(  # noqa: PLR0913, PLR0912, PLR0915, C901
    instance: Instance,
    prep: Prepared,
    details: SolveDetails,
    *,
    deadline: Deadline,
    bound_task: BoundTask,
    elapsed: Callable[[], float],
    time_limit: float,
    seed: int,
    workers: int,
    warm_start: bool,
    gap_limit: float,
    log: bool,
    start_groups: list[Group] | None,
    placements: dict[tuple[str, str], start_plan.Placement] | None,
    minimal_change: bool,
    deterministic: bool,
) -> SolveDetails:
    stay_from = start_groups if minimal_change else None

    def value(groups: list[Group]) -> int:
        return validation.objective(instance, groups, start=stay_from)

    plan: list[Group] | None = None
    best: int | None = None
    repaired: list[Group] | None = None
    if start_groups is not None:
        repaired = start_plan.repair(instance, start_groups, prep)
        if not validation.violations(instance, repaired):
            plan, best = repaired, value(repaired)
            details.start_objective = best
    if plan is None and warm_start:
        # Reproducible runs review the greedy plan fully (the clock must not cut it).
        cut = None if deterministic else deadline.end
        greedy = greedy_plan(instance, prepared=prep, seed=seed, deadline=cut)
        if validation.violations(instance, greedy):
            # The greedy plan may miss a coordinator's lock (a module it did not open):
            # repairing it as a start puts the locked pupils where they belong. Done even
            # past the deadline (it is quick): a plan late by a fraction of a second is
            # better than none.
            greedy = start_plan.repair(instance, greedy, prep)
        if not validation.violations(instance, greedy):
            plan, best = greedy, value(greedy)
            details.greedy_objective = best
    bound: int | None = None

    def result(status: str = "feasible") -> SolveDetails:
        nonlocal bound
        late = bound_task.result(deadline.end)
        if late is not None:
            bound = late if bound is None else min(bound, late)
            details.lp_bound = late
        if plan is None:
            details.solution = Solution(
                status="unknown",
                bound=bound,
                messages=("Aucun plan trouvé dans le temps imparti.",),
                wall_time=elapsed(),
                method="appui",
            )
            return details
        if best is not None and bound is not None and best >= bound:
            status = "optimal"
        details.solution = finish(
            instance,
            plan,
            status=status,
            bound=bound,
            prep=prep,
            wall_time=elapsed(),
            start=start_groups,
            minimal_change=minimal_change,
        )
        return details

    # No time for a model: building it alone takes seconds on a large level.
    build = BUILD_TIME * sum(len(options) for options in prep.options.values())
    if deadline.left() < MIN_SOLVE + build:
        return result()
    gm = GroupingModel(prep, start=placements)
    if plan is not None:
        gm.hint(plan)
    elif repaired is not None:
        gm.hint(repaired, lenient=True)

    large = len(gm.ctx.vars.x) >= SMALL_MODEL and len(prep.slot_ids) > 1
    # The proven bound, if ready: waiting a share of the time left for it pays when the plan
    # may already be close enough (gap_limit); otherwise the search goes on without it.
    wait = LP_SHARE * max(0.0, deadline.left()) if gap_limit > 0 else 0.0
    bound = bound_task.result(time.perf_counter() + wait, final=False)
    details.lp_bound = bound

    def gap_reached() -> bool:
        gap = bounds.relative_gap(best, bound)
        return gap is not None and gap <= gap_limit

    rounds_run = large and plan is not None and not gap_reached()
    if rounds_run and plan is not None:
        target = None
        if gap_limit > 0 and bound is not None:
            target = math.ceil(bound - gap_limit * abs(bound))
        plan, best = _slot_rounds(
            gm,
            plan,
            best if best is not None else value(plan),
            value=value,
            end=deadline.end - FULL_MODEL_RESERVE * max(0.0, deadline.left()),
            seed=seed,
            workers=workers,
            details=details,
            stop=gap_reached,
            target=target,
            work=WORK_PER_SECOND * time_limit * (1 - FULL_MODEL_RESERVE) if deterministic else None,
        )
        gm.hint(plan)

    # The full model for the time left (all of it on small instances): it may improve the
    # plan, prove it optimal, or lower the bound.
    left = deadline.left()
    if not gap_reached() and (left >= MIN_SOLVE or (plan is None and left > 0)):
        outcome = gm.solve(
            time_limit=left,
            seed=seed,
            workers=workers,
            gap_limit=gap_limit,
            log=log,
            work=WORK_PER_SECOND * time_limit * (FULL_MODEL_RESERVE if rounds_run else 1.0)
            if deterministic
            else None,
        )
        details.model_status = outcome.status
        if outcome.status == "infeasible" and plan is None:
            messages = diagnose(prep, time_limit=max(1.0, min(10.0, time_limit)), workers=workers)
            details.solution = Solution(
                status="infeasible", messages=tuple(messages), wall_time=elapsed(), method="appui"
            )
            return details
        if outcome.bound is not None:
            bound = outcome.bound if bound is None else min(bound, outcome.bound)
        if outcome.status in ("optimal", "feasible"):
            details.model_objective = outcome.objective
            details.model_terms = dict(outcome.terms)
            # Apart lists are cliques in the model, so the cut succeeds on them; should a
            # pool still resist (overlapping lists with unequal rooms), the plan already
            # held is kept rather than lost, and the failure is counted, not hidden.
            try:
                groups = split(gm.ctx, outcome)
            except ValueError:
                details.split_failures += 1
            else:
                if not validation.violations(instance, groups):
                    score = value(groups)
                    if best is None or score >= best:
                        plan, best = groups, score
    return result()


def _slot_rounds(
    gm: GroupingModel,
    plan: list[Group],
    best: int,
    *,
    value: Callable[[list[Group]], int],
    end: float,
    seed: int,
    workers: int,
    details: SolveDetails,
    stop: Callable[[], bool],
    target: int | None = None,
    work: float | None = None,
) -> tuple[list[Group], int]:
    """Re-solve one slot at a time with the others fixed as they stand, while it improves.

    One model serves every round: a neighbourhood is a copy of it whose variables of the
    other slots are fixed to the plan's values (:meth:`GroupingModel.neighbourhood`). The
    last slot comes first: the greedy plan fills slots in order, so the last one is the
    most constrained by earlier choices and usually gains most.

    ``work``: a total CP-SAT work budget (deterministic time) shared equally between the
    slots, for reproducible runs; the clock (``end``) still bounds every round.
    """
    instance = gm.ctx.instance
    slots = list(reversed(gm.ctx.prep.slot_ids))
    stale = 0  # slots re-solved in a row without improvement
    index = 0
    spent = 0.0
    while stale < len(slots) and not stop():
        remaining = end - time.perf_counter()
        if remaining < MIN_SOLVE or (work is not None and spent >= work - 1e-9):
            break
        t = slots[index % len(slots)]
        index += 1
        if index % len(slots) == 0:
            details.slot_rounds += 1
        values = gm.values(plan)
        if values is None:
            break
        sub = gm.neighbourhood([t], values)
        # A fair share of the time left, but enough for a large slot to converge: a one-slot
        # solve usually stops early at SLOT_GAP anyway.
        share = remaining / max(1, len(slots) - stale)
        per_slot = min(remaining, max(share, min(SLOT_TIME, 1.5 * share)))
        # With the other slots fixed, the slot's objective is the whole plan's: it may stop
        # as soon as the plan is within the wanted gap of the proven bound.
        outcome = gm.solve(
            time_limit=per_slot,
            seed=seed,
            workers=workers,
            gap_limit=SLOT_GAP,
            target=target,
            model=sub,
            work=None if work is None else work / len(slots),
        )
        spent += 0.0 if work is None else work / len(slots)
        groups = None
        if outcome.status in ("optimal", "feasible"):
            try:
                groups = split(gm.ctx, outcome, slots={t})
            except ValueError:  # see solve_with_details: the current plan stays
                details.split_failures += 1
        if groups is None:
            stale += 1
            continue
        candidate = [g for g in plan if g.slot != t] + [g for g in groups if g.slot == t]
        score = value(candidate)
        if score > best and not validation.violations(instance, candidate):
            plan, best, stale = candidate, score, 0
        else:
            stale += 1
    return plan, best


def finish(
    instance: Instance,
    groups: list[Group],
    *,
    status: str = "feasible",
    bound: int | None = None,
    prep: Prepared | None = None,
    wall_time: float | None = None,
    method: str = "appui",
    start: Sequence[Group] | None = None,
    minimal_change: bool = False,
) -> Solution:
    """A Solution for ``groups``: objective recomputed, gap, metrics and hard-rule check.
    With ``start``, the metrics count the pupils ``moved`` from it; with ``minimal_change``
    too, the objective has the ``stay`` term."""
    violations = validation.violations(instance, groups)
    terms = validation.objective_terms(instance, groups, start=start if minimal_change else None)
    objective = sum(terms.values())
    gap = bounds.relative_gap(objective, bound) if not violations else None
    if violations:
        status = "invalid"
    return Solution(
        status=status,
        groups=tuple(groups),
        objective=objective,
        bound=bound,
        gap=gap,
        metrics=metrics.compute(instance, groups, gap, start=start),
        terms=terms,
        messages=tuple(v.message for v in violations),
        simple_bound=bounds.simple_upper_bound(instance, prep),
        wall_time=wall_time,
        method=method,
    )
