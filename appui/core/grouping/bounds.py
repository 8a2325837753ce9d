"""Upper bounds on the objective and the optimality gap.

* CP-SAT's best objective bound, proven by the search (see :mod:`solver`);
* ``lp_bound``: the LP relaxation of the same model solved by GLOP — proven too, and
  obtained in a fraction of a second even when CP-SAT has little time;
* ``simple_upper_bound``: independent, cheap and looser — every student gets their best
  modules, ignoring capacities, staff and every penalty.

A plan's objective can never exceed any of them.
"""

from __future__ import annotations

import math
import time
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .instance import Instance
from .prepare import Prepared


def relative_gap(objective: int | None, bound: int | None) -> float | None:
    """``(bound - objective) / |bound|`` (0 when optimal; None when either is unknown)."""
    if objective is None or bound is None:
        return None
    return max(0, bound - objective) / max(1, abs(bound))


def simple_upper_bound(instance: Instance, prepared: Prepared | None = None) -> int:
    """Need and wish values of each student's best modules, plus every division in every
    module pool, without capacities or penalties."""
    prep = prepared or Prepared(instance)
    w = instance.weights
    total = 0
    for s in instance.students:
        reachable: set[str] = set()
        slots = 0
        for t in prep.slot_ids:
            if t in s.unavailable_slots:
                continue
            slots += 1
            fixed = prep.fixed.get((s.id, t))
            reachable.update([fixed.module] if fixed else prep.options[s.id, t])
        wish_rank = {m: r for r, m in enumerate(s.wishes)}
        values = sorted(
            (
                w.need_value(s.level(prep.modules[m].competency))
                + (w.wish_value(wish_rank[m]) if m in wish_rank else 0)
                for m in reachable
            ),
            reverse=True,
        )
        total += sum(values[:slots])
    divisions = len({s.division for s in instance.students})
    for t in prep.slot_ids:
        pools = len(set(prep.open_modules[t]) | {g.module for g in prep.locked_groups[t]})
        total += w.mix * min(len(prep.available[t]), pools * divisions)
    return total


def lp_bound(model: cp_model.CpModel, time_limit: float | None = None) -> int | None:
    """Upper bound from the LP relaxation of the CP-SAT model, solved by GLOP.

    The model is a mixed-integer linear program (linear constraints, at-most-one and
    exactly-one), so relaxing integrality gives a proven bound on its optimum, which is the
    instance's optimum. Constraints of other kinds (none in a normal solve) and enforced
    constraints are left out, which only relaxes further. None if GLOP fails or does not
    finish within ``time_limit`` seconds (building the LP counts).
    """
    started = time.perf_counter()
    proto = model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    # (The proto's repeated fields do not support negative indices: copy them to lists.)
    domains = [list(v.domain) for v in proto.variables]
    variables = [lp.NumVar(float(d[0]), float(d[-1]), "") for d in domains]
    infinity = lp.infinity()

    def add_row(refs: Any, coeffs: Any, lo: float, hi: float) -> None:
        """Add lo <= Σ coeff × literal(ref) <= hi; a negative ref is a negated Boolean."""
        terms: dict[int, float] = {}
        shift = 0.0
        for ref, coeff in zip(refs, coeffs, strict=True):
            if ref >= 0:
                terms[ref] = terms.get(ref, 0.0) + coeff
            else:  # not(x) = 1 - x
                terms[-ref - 1] = terms.get(-ref - 1, 0.0) - coeff
                shift += coeff
        row = lp.Constraint(lo - shift, hi - shift)
        for index, coeff in terms.items():
            row.SetCoefficient(variables[index], coeff)

    for c in proto.constraints:
        if len(c.enforcement_literal):
            continue
        if c.has_linear():
            domain = list(c.linear.domain)
            lo = float(domain[0]) if domain[0] > -(2**62) else -infinity
            hi = float(domain[-1]) if domain[-1] < 2**62 else infinity
            add_row(list(c.linear.vars), [float(k) for k in c.linear.coeffs], lo, hi)
        elif c.has_at_most_one():
            literals = list(c.at_most_one.literals)
            add_row(literals, [1.0] * len(literals), -infinity, 1.0)
        elif c.has_exactly_one():
            literals = list(c.exactly_one.literals)
            add_row(literals, [1.0] * len(literals), 1.0, 1.0)
    objective = lp.Objective()
    for v, k in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(variables[v], objective.GetCoefficient(variables[v]) + float(k))
    objective.SetMinimization()
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    if time_limit is not None:
        left = time_limit - (time.perf_counter() - started)
        if left <= 0:
            return None
        lp.SetTimeLimit(max(1, int(1000 * left)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    scaling = proto.objective.scaling_factor or 1.0
    value = scaling * (objective.Value() + proto.objective.offset)
    if scaling > 0:
        # A minimisation model: its LP gives a lower bound, not what we want.
        return None
    # Round down, with a tolerance on the safe side.
    return math.floor(value + 1e-6 * max(1.0, abs(value)) + 1e-6)
