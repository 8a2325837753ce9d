"""A proven bound from a small LP: interchangeable pupils and slots aggregated.

The LP relaxation of the CP-SAT model (:func:`bounds.lp_bound`) has one variable per
(student, slot, module): 50,000 at 1,500 pupils, and GLOP needs 10–15 s of CPU for it. This
module builds a much smaller LP directly from the instance, whose optimum is **never below
the model's LP optimum**, hence never below the best plan's objective: a proven bound.

**What is aggregated.**

* *Slots.* A pupil's attendance is counted over the period: ``X[c, m]`` is the number of
  (pupil of class ``c``, slot) placements in module ``m``, instead of one variable per slot.
  Pool-side quantities are summed over the slots too: ``G[m, e]`` groups of capacity class
  ``e``, ``A[p, m]`` groups of ``m`` led by staff member ``p``, ``MIX[m, d]`` pools of ``m``
  where division ``d`` is present.
* *Pupils.* Pupils with the same division, scheme, needs, wishes, last period's modules,
  availability and options in every slot — and in no ``together`` or ``apart`` list, with no
  lock, no place in a locked group and no start placement — have the same coefficients in
  every row and column of the model: they form one class of ``n_c`` pupils, with
  ``S[c, k] ≤ n_c`` (pupils of the class whose competency ``k`` is served) instead of one
  indicator each. Every other pupil is a class of one.

**Why it is an upper bound (validity).** Take any solution of the model's LP relaxation
(in particular any plan). Put ``X[c, m] = Σ_{s ∈ c, t} x[s, t, m]``, ``S[c, k] = Σ_{s ∈ c}
served[s, k]``, ``W`` likewise, ``G[m, e] = Σ_t y[t, m, e]``, ``A[p, m] = Σ_t a[t, p, m]``,
``MIX[m, d] = Σ_t mix[t, m, d]``, and the same ``load`` variables. Every row below is a sum
of rows of the model (placement per slot summed over the slots; ``served ≤ Σ x`` summed over
the class; pool sizes, Hall's condition on rooms, staffing, module and staff limits, apart
lists summed over the slots), or a sum of the model's variable bounds, so this point is
feasible; and the objective is linear with the same coefficient for every pupil of a class,
so it has the same value. Hence ``max (aggregated LP) ≥ max (model LP) ≥ best plan``. One
family of rows is only valid for plans, not for every LP point: for an ``apart`` list, the
groups of a module over the period are at least its members' attendances over the period
(in each slot, each attending member has a group of their own) — so with apart lists the
bound may fall below the model's LP, never below the best plan.
Rules this LP leaves out (``together`` lists, the staff side of the ``stay`` term) only
enlarge the feasible set, which keeps the bound valid.

**When it is exact.** If the slots are interchangeable (same staff, rooms and module
availability; every pupil available everywhere; no lock or locked group) and no pupil is
in a pair list, a solution of the aggregated LP spread evenly — ``x[s, t, m] = X[c, m] /
(n_c × T)``, ``y[t, m, e] = G[m, e] / T``… — satisfies every row of the model's LP with the
same objective (each per-slot row is the aggregated row divided by ``T``), so the two LP
optima are equal. Otherwise the bound may be looser; ``tests/core/grouping/test_aggregate.py``
checks both on small instances (≥ the optimum proven by CP-SAT, ≥ the model's LP, equal to
it when exact). At 1,500 pupils it has about 20,000 columns instead of 60,000 and the same
value as the model's LP within a fraction of a percent.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.linear_solver import pywraplp

from .prepare import Prepared
from .start import Placement

#: GLOP's parameters for the aggregated LP.
GLOP_PARAMETERS = "use_dual_simplex: false initial_basis: BIXBY"


@dataclass
class _Class:
    """``count`` interchangeable units: a pupil, or the pupils of a ``together`` block who
    share every placement (``members``, one of the class's units)."""

    members: tuple[str, ...]
    count: int = 1
    #: Free slots (available, not in a locked group) and each one's options.
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _units(prep: Prepared) -> dict[str, tuple[str, ...]]:
    """For each pupil of a ``together`` list, the block they form in every free slot — when
    it is the same block everywhere, with the same free slots for all its members. Others
    (a member away in one slot) are left out and counted alone: a relaxation."""
    found: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for t in prep.slot_ids:
        for block in prep.blocks[t]:
            if len(block.members) > 1:
                for s in block.members:
                    found[s].add(tuple(sorted(block.members)))
    free = {s: frozenset(t for t in prep.slot_ids if (s, t) in prep.options) for s in prep.students}
    units: dict[str, tuple[str, ...]] = {}
    for s, blocks in found.items():
        if len(blocks) != 1:
            continue
        (members,) = blocks
        if all(free[o] == free[s] for o in members) and all(
            (o, t) in prep.block_of for o in members for t in free[s]
        ):
            units[s] = members
    return units


def pupil_classes(
    prep: Prepared, start: Mapping[tuple[str, str], Placement] | None = None
) -> list[_Class]:
    """Classes of interchangeable pupils (see the module docstring)."""
    inst = prep.instance
    previous = inst.previous_modules()
    blocks = _units(prep)
    alone = {s for group in inst.together for s in group}
    alone |= {s for group in inst.apart for s in group}
    alone |= {s for s, _t in prep.locks}
    alone |= {s for s, _t in prep.fixed}
    if start is not None:
        alone |= {s for s, _t in start}
    classes: dict[object, _Class] = {}
    out: list[_Class] = []
    done: set[str] = set()
    for s in inst.students:
        if s.id in done:
            continue
        members = blocks.get(s.id, (s.id,))
        done.update(members)
        options: dict[str, tuple[str, ...]] = {}
        for t in prep.slot_ids:
            if (s.id, t) not in prep.options or (s.id, t) in prep.fixed:
                continue
            if len(members) > 1:
                options[t] = prep.blocks[t][prep.block_of[s.id, t]].options
            else:
                options[t] = tuple(prep.options[s.id, t])
        if s.id in alone:
            out.append(_Class(members, 1, options))
            continue
        wishes = s.wishes[: len(inst.weights.wish_values)]
        key = (
            s.division,
            prep.scheme_of(s.id),
            tuple(sorted((k, v) for k, v in s.needs.items() if v)),
            wishes,
            tuple(sorted(previous.get(s.id, ()))),
            tuple(sorted(options.items())),
        )
        same = classes.get(key)
        if same is None:
            classes[key] = same = _Class(members, 0, options)
            out.append(same)
        same.count += 1
    return out


class _LP:
    """A thin GLOP wrapper: variables, rows ``lo ≤ Σ coeff × var ≤ hi``, the objective."""

    def __init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        assert solver is not None
        self.solver = solver
        self.inf = solver.infinity()
        self.objective: dict[object, float] = defaultdict(float)
        self.constant = 0.0

    def var(self, hi: float, lo: float = 0.0) -> pywraplp.Variable:
        return self.solver.NumVar(lo, hi, "")

    def row(self, terms: list[tuple[pywraplp.Variable, float]], lo: float, hi: float) -> None:
        row = self.solver.Constraint(lo, hi)
        for v, k in terms:
            row.SetCoefficient(v, row.GetCoefficient(v) + k)

    def gain(self, v: pywraplp.Variable, k: float) -> None:
        self.objective[v] += k


# Long on purpose: one block per family of rows, in the order of the module docstring.
def aggregated_lp(  # noqa: C901, PLR0912, PLR0915
    prep: Prepared,
    *,
    start: Mapping[tuple[str, str], Placement] | None = None,
    time_limit: float | None = None,
) -> float | None:
    """Optimum of the aggregated LP (a float; see the module docstring), or None when GLOP
    does not finish within ``time_limit`` seconds (building the LP counts)."""
    started = time.perf_counter()
    inst, w = prep.instance, prep.instance.weights
    lp = _LP()
    inf = lp.inf
    previous = inst.previous_modules()
    modules = prep.modules
    by_competency: dict[str, list[str]] = defaultdict(list)
    for mod in modules.values():
        if mod.competency is not None:
            by_competency[mod.competency].append(mod.id)
    open_slots: dict[str, list[str]] = defaultdict(list)
    for t, m in prep.classes:
        open_slots[m].append(t)

    # -- locked groups: constants ---------------------------------------------------------
    fixed_modules: dict[str, set[str]] = defaultdict(set)
    fixed_mix: dict[tuple[str, str], set[str]] = defaultdict(set)  # (module, division) -> slots
    for g in inst.locked_groups:
        module = modules[g.module]
        for s in g.students:
            student = prep.students[s]
            fixed_modules[s].add(g.module)
            fixed_mix[g.module, student.division].add(g.slot)
            lp.constant -= w.homogeneity * module.distance(student.level(module.competency))
            if g.module in previous.get(s, ()):
                lp.constant -= w.change
    lp.constant += w.mix * sum(len(slots) for slots in fixed_mix.values())

    # -- pupils -----------------------------------------------------------------------------
    classes = pupil_classes(prep, start)
    locks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (s, t), m in prep.locks.items():
        if (s, t) not in prep.fixed:
            locks[s][m] += 1
    # Attendance variables by module, by (module, division) and by (module, scheme) with
    # the class's units and students per unit.
    pool: dict[str, list[pywraplp.Variable]] = defaultdict(list)
    by_division: dict[tuple[str, str], list[pywraplp.Variable]] = defaultdict(list)
    by_scheme: dict[tuple[str, str], list[tuple[pywraplp.Variable, int, int]]] = defaultdict(list)
    xs: dict[tuple[int, str], pywraplp.Variable] = {}
    for index, c in enumerate(classes):
        size = len(c.members)
        reach: dict[str, int] = defaultdict(int)
        for options in c.options.values():
            for m in options:
                reach[m] += 1
        if c.options:
            terms = []
            for m, slots in reach.items():
                x = lp.var(c.count * slots)
                xs[index, m] = x
                terms.append((x, 1.0))
                pool[m].append(x)
                by_scheme[m, prep.scheme_of(c.members[0])].append((x, c.count, size))
                module = modules[m]
                cost = 0
                for s in c.members:
                    student = prep.students[s]
                    by_division[m, student.division].append(x)
                    cost += w.homogeneity * module.distance(student.level(module.competency))
                    if m in previous.get(s, ()):
                        cost += w.change
                if cost:
                    lp.gain(x, -cost)
            placed = c.count * len(c.options)
            lp.row(terms, placed, placed)
        for s in c.members:
            for m, n in locks.get(s, {}).items():
                x = xs.get((index, m))
                if x is None:
                    return None  # a lock that cannot be met: no plan, no bound
                lp.row([(x, 1.0)], float(n), inf)
        for s in c.members:
            student = prep.students[s]
            served = {modules[m].competency for m in fixed_modules.get(s, ())}
            for k, level in student.needs.items():
                value = w.need_value(level)
                if not value:
                    continue
                if k in served:
                    lp.constant += c.count * value
                    continue
                lits = [xs[key] for m in by_competency[k] if (key := (index, m)) in xs]
                if lits:
                    s_var = lp.var(c.count)
                    lp.row([(s_var, 1.0)] + [(x, -1.0) for x in lits], -inf, 0.0)
                    lp.gain(s_var, value)
            for rank, m in enumerate(student.wishes):
                value = w.wish_value(rank)
                if not value:
                    continue
                if m in fixed_modules.get(s, ()):
                    lp.constant += c.count * value
                elif (index, m) in xs:
                    w_var = lp.var(c.count)
                    lp.row([(w_var, 1.0), (xs[index, m], -1.0)], -inf, 0.0)
                    lp.gain(w_var, value)

    # -- minimal change: placements kept ----------------------------------------------------
    if start is not None:
        kept: dict[tuple[str, str], int] = defaultdict(int)
        total = 0
        for (s, t), place in start.items():
            if s not in prep.students or t not in prep.free_rooms:
                continue
            total += 1
            locked = prep.fixed.get((s, t))
            if locked is not None:
                lp.constant += w.stay * int(
                    locked.module == place.module
                    and (not place.staff or bool(place.staff & set(locked.staff)))
                )
                continue
            leaders = place.staff & {
                p.id for p in prep.free_staff[t] if prep.can_teach(p, modules[place.module])
            }
            if place.module in prep.options.get((s, t), ()) and (not place.staff or leaders):
                kept[s, place.module] += 1
        lp.constant -= w.stay * total
        index_of = {s: i for i, c in enumerate(classes) for s in c.members}
        for (s, m), most in kept.items():
            k_var = lp.var(most)
            lp.row([(k_var, 1.0), (xs[index_of[s], m], -1.0)], -inf, 0.0)
            lp.gain(k_var, w.stay)

    # -- pools, per slot: pupils, groups, rooms, staff ---------------------------------------
    # Pupils are counted over the slots, groups are not: n[t, m, k] (pupils of scheme k in
    # the pool) links them — summed over the slots it is the pupils' attendance, summed over
    # the modules it is the slot's free pupils.
    schemes = sorted({prep.scheme_of(s) for s in prep.students})
    linked: dict[tuple[str, str], list[pywraplp.Variable]] = defaultdict(list)
    groups: dict[str, list[pywraplp.Variable]] = defaultdict(list)  # module -> counts
    shares: dict[tuple[str, str], list[pywraplp.Variable]] = defaultdict(list)
    load_terms: dict[str, list[pywraplp.Variable]] = defaultdict(list)
    slots_of: dict[str, int] = defaultdict(int)
    for t in prep.slot_ids:
        free_by_scheme: dict[str, int] = defaultdict(int)
        candidates: dict[tuple[str, str], int] = defaultdict(int)
        for s in prep.free[t]:
            k = prep.scheme_of(s)
            free_by_scheme[k] += 1
            for m in prep.options[s, t]:
                candidates[m, k] += 1
        in_slot: dict[str, list[pywraplp.Variable]] = defaultdict(list)  # scheme -> n vars
        thresholds: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        leads: dict[str, list[pywraplp.Variable]] = defaultdict(list)
        for m in prep.open_modules[t]:
            module = modules[m]
            present = [k for k in schemes if candidates[m, k]]
            total = sum(candidates[m, k] for k in present)
            if not pool[m] or not total:
                continue
            teachers = [p for p in prep.free_staff[t] if prep.can_teach(p, module)]
            pool_leads: list[pywraplp.Variable] = []
            most = min(len(teachers), len(prep.free_rooms[t]), total // module.min_size)
            if module.max_groups is not None:
                most = min(most, module.max_groups - prep.locked_count[t, m])
            most = max(0, most)
            ys = []
            for e in prep.classes[t, m]:
                rooms = sum(1 for r in prep.free_rooms[t] if r.capacity >= e)
                y = lp.var(min(rooms, most))
                ys.append((y, e))
                thresholds[e].append(y)
            count = lp.var(most)
            lp.row([(count, 1.0)] + [(y, -1.0) for y, _e in ys], 0.0, 0.0)
            groups[m].append(count)
            for p in teachers:
                a = lp.var(1.0)
                leads[p.id].append(a)
                load_terms[p.id].append(a)
                pool_leads.append(a)
            for k in present:
                n = lp.var(candidates[m, k])
                linked[m, k].append(n)
                in_slot[k].append(n)
                if len(present) == 1:
                    scheme_groups = ys
                else:
                    scheme_groups = [(lp.var(inf), e) for _y, e in ys]
                    shares[m, k].extend(v for v, _e in scheme_groups)
                pupils = [(n, 1.0)]
                lp.row(pupils + [(v, -float(module.min_size)) for v, _e in scheme_groups], 0.0, inf)
                lp.row(pupils + [(v, -float(e)) for v, e in scheme_groups], -inf, 0.0)
            if len(present) > 1:
                for j, (y, _e) in enumerate(ys):
                    parts = [shares[m, k][-len(ys) + j] for k in present]
                    lp.row([(y, 1.0)] + [(v, -1.0) for v in parts], 0.0, 0.0)
            lp.row([(a, 1.0) for a in pool_leads] + [(count, -1.0)], 0.0, 0.0)
        for k, ns in in_slot.items():
            lp.row([(n, 1.0) for n in ns], free_by_scheme[k], free_by_scheme[k])
        for h in thresholds:
            # Hall's condition: groups needing h seats or more ≤ rooms offering them.
            demand = [y for e, found in thresholds.items() if e >= h for y in found]
            supply = sum(1 for r in prep.free_rooms[t] if r.capacity >= h)
            lp.row([(y, 1.0) for y in demand], -inf, supply)
        for person, lits in leads.items():
            slots_of[person] += 1
            if len(lits) > 1:
                lp.row([(a, 1.0) for a in lits], -inf, 1.0)
    for m in pool:
        for k in schemes:
            units = [(x, float(size)) for x, _n, size in by_scheme.get((m, k), [])]
            if units or linked.get((m, k)):
                lp.row(units + [(n, -1.0) for n in linked.get((m, k), [])], 0.0, 0.0)
    locked_load: dict[str, int] = defaultdict(int)
    for g in inst.locked_groups:
        for person in g.staff:
            locked_load[person] += 1
    limits = {p.id: p.max_groups for t in inst.slots for p in t.staff if p.max_groups is not None}
    for person, limit in limits.items():
        lits = load_terms.get(person, [])
        lp.row([(a, 1.0) for a in lits], -inf, limit - locked_load[person])
    if w.load:
        for person in sorted(set(load_terms) | set(locked_load)):
            most = slots_of[person] + locked_load[person]
            if most <= 1:
                continue
            pairs_var = lp.var(most * (most - 1) / 2)
            for step in range(1, most):
                # pairs ≥ step × (Σ a + locked) − step(step+1)/2
                lits = load_terms.get(person, [])
                terms = [(pairs_var, 1.0)] + [(a, -float(step)) for a in lits]
                lp.row(terms, step * locked_load[person] - step * (step + 1) / 2, inf)
            lp.gain(pairs_var, -w.load)

    # -- special schemes, apart lists, mixing ----------------------------------------------
    if prep.mixed_schemes:
        # Implied in integers (a pupil attends only where their scheme has a group), but it
        # keeps the LP from giving a fractional pupil of a small scheme a sliver of a group.
        for m in pool:
            present = [k for k in schemes if shares.get((m, k))]
            if len(present) < 2:
                continue
            largest = max(present, key=lambda k: (sum(n for _x, n, _z in by_scheme[m, k]), k))
            for k in present:
                if k == largest:
                    continue
                for x, n, _size in by_scheme[m, k]:
                    lp.row([(x, 1.0)] + [(v, -float(n)) for v in shares[m, k]], -inf, 0.0)
    index_of = {s: i for i, c in enumerate(classes) for s in c.members}
    for group in inst.apart:
        # Distinct units: two members of one together block count once (the prechecks
        # report that contradiction), as in the model.
        members = list(dict.fromkeys(index_of[s] for s in group if s in index_of))
        if len(members) < 2:
            continue
        for m, counts in groups.items():
            lits = [xs[key] for i in members if (key := (i, m)) in xs]
            if len(lits) >= 2:
                lp.row([(g, 1.0) for g in counts] + [(x, -1.0) for x in lits], 0.0, inf)
    if w.mix:
        for (m, d), lits in by_division.items():
            open_here = [t for t in open_slots[m] if t not in fixed_mix.get((m, d), ())]
            if not open_here:
                continue
            mix_var = lp.var(len(open_here))
            lp.row([(mix_var, 1.0)] + [(x, -1.0) for x in lits], -inf, 0.0)
            lp.gain(mix_var, w.mix)

    objective = lp.solver.Objective()
    for v, coeff in lp.objective.items():
        objective.SetCoefficient(v, coeff)
    objective.SetMaximization()
    if time_limit is not None:
        left = time_limit - (time.perf_counter() - started)
        if left <= 0:
            return None
        lp.solver.SetTimeLimit(max(1, int(1000 * left)))
    lp.solver.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
    if lp.solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return objective.Value() + lp.constant


def aggregated_bound(
    prep: Prepared,
    *,
    start: Mapping[tuple[str, str], Placement] | None = None,
    time_limit: float | None = None,
) -> int | None:
    """The aggregated LP's optimum rounded down (the objective is integral): a proven upper
    bound on every plan's objective. None if GLOP does not finish in ``time_limit``."""
    value = aggregated_lp(prep, start=start, time_limit=time_limit)
    if value is None:
        return None
    return math.floor(value + 1e-6 * max(1.0, abs(value)) + 1e-6)


#: Below this many (student, slot) pairs the bound is computed in the process itself; above,
#: in a forked process running beside the greedy plan (the LP takes seconds of one core).
FORK_ABOVE = 2000


class BoundTask:
    """The aggregated bound computed beside the rest of the solve.

    On Linux a forked child process builds and solves the LP while the parent makes the
    greedy plan (two cores work at once); :meth:`result` waits for it no later than a given
    instant and ends the child if it is not done — no bound then, rather than a late one.
    Small instances, or platforms without ``fork``, compute it at once in the process.
    """

    def __init__(
        self,
        prep: Prepared,
        *,
        start: Mapping[tuple[str, str], Placement] | None = None,
        time_limit: float,
    ) -> None:
        self._value: int | None = None
        self._process: Any = None
        self._reader: Any = None
        pairs = sum(1 for _key in prep.options)
        context = _fork_context()
        if pairs <= FORK_ABOVE or context is None:
            self._value = aggregated_bound(prep, start=start, time_limit=time_limit)
            return
        reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_bound_child, args=(prep, start, time_limit, writer), daemon=True
        )
        self._process.start()
        writer.close()
        self._reader = reader

    def result(self, until: float, *, final: bool = True) -> int | None:
        """The bound, waiting until ``until`` (a ``time.perf_counter()`` instant) at most.
        ``final``: the child is ended when it is not done by then (else it goes on and a
        later call may still get the bound)."""
        if self._process is None:
            return self._value
        try:
            if self._reader.poll(max(0.0, until - time.perf_counter())):
                self._value = self._reader.recv()
                final = True
        except (EOFError, OSError):
            self._value, final = None, True
        if final:
            self.close()
        return self._value

    def close(self) -> None:
        """End the child process (if still running) and release its pipe."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=1.0)
        self._reader.close()
        self._process = None


def _fork_context() -> Any:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return None


def _bound_child(
    prep: Prepared,
    start: Mapping[tuple[str, str], Placement] | None,
    time_limit: float,
    writer: Any,
) -> None:
    try:
        writer.send(aggregated_bound(prep, start=start, time_limit=time_limit))
    finally:
        writer.close()
