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
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import bounds, metrics, validation
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


def default_workers(cgroup_cpu_max: str = "/sys/fs/cgroup/cpu.max") -> int:
    """CP-SAT workers: the CPUs this process may really use, at most 8.

    ``APPUI_SOLVER_WORKERS`` overrides it. Otherwise the count is the CPU affinity of the
    process (a worker pinned to 2 cores of a 32-core machine gets 2, not 32), lowered by a
    cgroup v2 quota (``cpu.max`` "200000 100000" is 2 CPUs) when one is set.
    """
    wanted = os.environ.get("APPUI_SOLVER_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpus(cgroup_cpu_max)
    if quota is not None:
        cpus = min(cpus, quota)
    return max(1, min(8, cpus))


def _cgroup_cpus(path: str) -> int | None:
    """Whole CPUs allowed by a cgroup v2 ``cpu.max`` file ("max 100000" means no quota)."""
    try:
        with open(path, encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max" or not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return None
    return max(1, int(quota) // int(period))


def solve(
    instance: Instance,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    *,
    warm_start: bool = True,
    gap_limit: float = 0.0,
    log: bool = False,
) -> Solution:
    """Best plan found within ``time_limit`` seconds, with its proven bound and metrics.

    Never raises on an infeasible instance: the solution then has status ``infeasible`` and
    French ``messages`` saying which rule cannot be met. ``workers`` defaults to the number
    of cores (at most 8); ``gap_limit`` stops as soon as the relative gap is that small;
    ``warm_start=False`` skips the greedy plan.
    """
    return solve_with_details(
        instance,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        warm_start=warm_start,
        gap_limit=gap_limit,
        log=log,
    ).solution


# Long on purpose: the solve as one list of steps (prepare, model, warm start, solve, read
# back, re-check); the solver rewrite (a later issue) splits it with the constraint classes.
def solve_with_details(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    warm_start: bool = True,
    gap_limit: float = 0.0,
    log: bool = False,
) -> SolveDetails:
    start = time.perf_counter()
    workers = workers or default_workers()
    prep = Prepared(instance)

    def elapsed() -> float:
        return time.perf_counter() - start

    details = SolveDetails(Solution(status="unknown"))
    problems = precheck(prep)
    if problems:
        details.solution = Solution(
            status="infeasible", messages=tuple(problems), wall_time=elapsed(), method="appui"
        )
        return details

    plan: list[Group] | None = None
    best = None
    if warm_start:
        greedy = greedy_plan(instance, prepared=prep, seed=seed)
        if not validation.violations(instance, greedy):
            plan, best = greedy, validation.objective(instance, greedy)
            details.greedy_objective = best

    gm = GroupingModel(prep)
    if plan is not None:
        gm.hint(plan)
    # A proven bound first: the LP relaxation of the model, in a fraction of a second.
    bound = bounds.lp_bound(gm.model)
    details.lp_bound = bound

    def gap_reached() -> bool:
        gap = bounds.relative_gap(best, bound)
        return gap is not None and gap <= gap_limit

    status = "feasible"
    rounds = (
        plan is not None
        and len(prep.slot_ids) > 1
        and len(gm.ctx.vars.x) >= SMALL_MODEL
        and not gap_reached()
    )
    if rounds:
        # Phase 2: slot by slot, while it improves, keeping time for the full model.
        assert plan is not None and best is not None
        deadline = start + time_limit - FULL_MODEL_RESERVE * time_limit
        target = None
        if gap_limit > 0 and bound is not None:
            target = math.ceil(bound - gap_limit * abs(bound))
        plan, best = _slot_rounds(
            instance,
            plan,
            best,
            deadline=deadline,
            seed=seed,
            workers=workers,
            details=details,
            stop=gap_reached,
            target=target,
        )
        gm.hint(plan)

    # Phase 3: the full model for the time left (all of it for small instances).
    left = time_limit - FINISH_TIME - elapsed()
    if not gap_reached() and (plan is None or left >= MIN_SOLVE):
        result = gm.solve(
            time_limit=max(MIN_SOLVE, left),
            seed=seed,
            workers=workers,
            gap_limit=gap_limit,
            log=log,
        )
        details.model_status = result.status
        if result.status == "infeasible" and plan is None:
            messages = diagnose(prep, time_limit=max(1.0, min(10.0, time_limit)), workers=workers)
            details.solution = Solution(
                status="infeasible", messages=tuple(messages), wall_time=elapsed(), method="appui"
            )
            return details
        if result.bound is not None:
            bound = result.bound if bound is None else min(bound, result.bound)
        if result.status in ("optimal", "feasible"):
            details.model_objective = result.objective
            details.model_terms = dict(result.terms)
            # Apart lists are cliques in the model, so the cut succeeds on them; should a
            # pool still resist (overlapping lists with unequal rooms), the plan already
            # held is kept rather than lost, and the failure is counted, not hidden.
            try:
                groups = split(gm.ctx, result)
            except ValueError:
                details.split_failures += 1
            else:
                value = validation.objective(instance, groups)
                if best is None or value >= best:
                    plan, best = groups, value
    if plan is not None and best is not None and bound is not None and best >= bound:
        status = "optimal"

    if plan is None:
        details.solution = Solution(
            status="unknown",
            bound=bound,
            messages=("Aucun plan trouvé dans le temps imparti.",),
            wall_time=elapsed(),
            method="appui",
        )
        return details
    details.solution = finish(
        instance, plan, status=status, bound=bound, prep=prep, wall_time=elapsed()
    )
    return details


def _slot_rounds(
    instance: Instance,
    plan: list[Group],
    best: int,
    *,
    deadline: float,
    seed: int,
    workers: int,
    details: SolveDetails,
    stop: Callable[[], bool],
    target: int | None = None,
) -> tuple[list[Group], int]:
    """Re-solve one slot at a time with the others locked, while it improves.

    The last slot comes first: the greedy plan fills slots in order, so the last one is the
    most constrained by earlier choices and usually gains most.
    """
    slots = [t.id for t in reversed(instance.slots)]
    stale = 0  # slots re-solved in a row without improvement
    index = 0
    while stale < len(slots) and not stop():
        remaining = deadline - time.perf_counter()
        if remaining < MIN_SOLVE:
            break
        t = slots[index % len(slots)]
        index += 1
        if index % len(slots) == 0:
            details.slot_rounds += 1
        others = tuple(replace(g, locked=True) for g in plan if g.slot != t and not g.locked)
        sub = instance.with_changes(locked_groups=instance.locked_groups + others)
        gm = GroupingModel(Prepared(sub))
        gm.hint([g for g in plan if g.slot == t])
        # A fair share of the time left, but enough for a large slot to converge: a one-slot
        # solve usually stops early at SLOT_GAP anyway.
        share = remaining / max(1, len(slots) - stale)
        per_slot = min(remaining, max(share, min(SLOT_TIME, 1.5 * share)))
        # With the other slots locked, the slot's objective is the whole plan's: it may stop
        # as soon as the plan is within the wanted gap of the proven bound.
        result = gm.solve(
            time_limit=per_slot, seed=seed, workers=workers, gap_limit=SLOT_GAP, target=target
        )
        groups = None
        if result.status in ("optimal", "feasible"):
            try:
                groups = split(gm.ctx, result)
            except ValueError:  # see solve_with_details: the current plan stays
                details.split_failures += 1
        if groups is None:
            stale += 1
            continue
        candidate = [g for g in plan if g.slot != t] + [g for g in groups if g.slot == t]
        value = validation.objective(instance, candidate)
        if value > best and not validation.violations(instance, candidate):
            plan, best, stale = candidate, value, 0
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
) -> Solution:
    """A Solution for ``groups``: objective recomputed, gap, metrics and hard-rule check."""
    violations = validation.violations(instance, groups)
    terms = validation.objective_terms(instance, groups)
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
        metrics=metrics.compute(instance, groups, gap),
        terms=terms,
        messages=tuple(v.message for v in violations),
        simple_bound=bounds.simple_upper_bound(instance, prep),
        wall_time=wall_time,
        method=method,
    )
