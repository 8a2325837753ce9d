"""The CP-SAT model, formulated on aggregated groups.

Groups of one module in one slot are interchangeable, so the model never names them: it
counts them. A *pool* is a (slot, module) pair. The model decides

* ``x[s, t, m]``: student ``s`` attends module ``m`` in slot ``t`` (students who must be
  together share one literal);
* ``y[t, m, e]``: how many groups of the pool go to rooms of capacity class ``e`` — a group
  of class ``e`` holds at most ``e`` students (the module's maximum, or a smaller room's
  capacity) and needs a room of at least ``e`` seats;
* ``a[t, p, m]``: staff member ``p`` leads one of the pool's groups.

Every objective term depends only on who attends which module in which slot, on the number
of groups and on who leads them — never on which group of a pool a student is in. So
:mod:`split` can afterwards cut each pool into its groups freely (by level, exactly, with
dynamic programming) without changing the objective, and the model has none of the symmetry
between identical groups (and their rooms) that makes a per-group model slow to prove.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .instance import Group
from .prepare import Prepared
from .start import Placement

Literal = Any  # a CP-SAT Boolean variable, or the constants 0 and 1

#: Full-problem CP-SAT subsolvers, by priority; the other workers run local search (LNS).
FULL_SUBSOLVERS = ("max_lp", "quick_restart", "core", "default_lp")


@dataclass
class Variables:
    """Decision variables of the model, indexed by slot id, module id and student id."""

    #: (student, slot, module) -> attendance literal; block members share their block's.
    x: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    #: (slot, module) -> capacity classes of the pool's groups, largest first.
    classes: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    #: (slot, module, capacity class) -> number of new groups of that class.
    y: dict[tuple[str, str, int], Any] = field(default_factory=dict)
    #: (slot, module) -> number of new groups of the pool (sum of its y).
    groups: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: (slot, block index, module) -> the block attends the module.
    xb: dict[tuple[str, int, str], Any] = field(default_factory=dict)
    #: (slot, staff, module) -> the staff member leads a group of the module.
    a: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    #: (slot, module, capacity class, scheme) -> new groups of that class given to the
    #: students of that scheme; only for pools whose candidates have several schemes while
    #: schemes are kept apart (see :class:`constraints.SeparateSchemes`).
    ys: dict[tuple[str, str, int, str], Any] = field(default_factory=dict)


class ModelContext:
    """What every constraint class needs: the model, the derived data and the variables.

    In diagnosis mode each relaxable rule is guarded, per slot, by an assumption literal, so
    that CP-SAT can name a set of rules that cannot all hold together.
    """

    def __init__(
        self,
        prepared: Prepared,
        *,
        diagnose: bool = False,
        start: Mapping[tuple[str, str], Placement] | None = None,
    ) -> None:
        self.model = cp_model.CpModel()
        #: Minimal-change re-solve: the start plan's placements (see :mod:`start`).
        self.start = start
        self.prep = prepared
        self.instance = prepared.instance
        self.weights = prepared.instance.weights
        self.vars = Variables()
        self.diagnose = diagnose
        self.guards: dict[tuple[str, str | None], Any] = {}
        #: Auxiliary variables and how to compute each from others, in creation order, so
        #: that a plan can be hinted completely (a partial hint is often lost by presolve).
        self.derived: list[tuple[Any, Callable[[Callable[[Any], int]], int]]] = []

    def guard(self, family: str, slot: str | None = None) -> list[Any]:
        """Enforcement literals for a rule (empty outside diagnosis mode)."""
        if not self.diagnose:
            return []
        key = (family, slot)
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"guard[{family},{slot}]")
        return [self.guards[key]]

    def derive(self, var: Any, rule: Callable[[Callable[[Any], int]], int]) -> Any:
        """Record how ``var`` follows from other variables (``rule`` gets a value lookup)."""
        self.derived.append((var, rule))
        return var

    # -- helpers for constraint classes -------------------------------------------------
    def attend(self, student: str, slot: str, module: str) -> Literal:
        """Literal (or constant) for ``student`` attending ``module`` in ``slot``."""
        fixed = self.prep.fixed.get((student, slot))
        if fixed is not None:
            return 1 if fixed.module == module else 0
        return self.vars.x.get((student, slot, module), 0)

    def units(self, slot: str) -> list[list[Any]]:
        """Attendance literals of each free student of ``slot``, one list per block or
        student outside blocks (block members share their literals)."""
        out: list[list[Any]] = [
            [self.vars.xb[slot, b, m] for m in block.options]
            for b, block in enumerate(self.prep.blocks[slot])
        ]
        for s in self.prep.free[slot]:
            if (s, slot) not in self.prep.block_of:
                out.append([self.vars.x[s, slot, m] for m in self.prep.options[s, slot]])
        return out

    def pools(self) -> list[tuple[str, str]]:
        """Every (slot, module) pair that may hold students: open or with locked groups."""
        seen = dict.fromkeys(self.vars.classes)
        for g in self.instance.locked_groups:
            seen.setdefault((g.slot, g.module), None)
        return list(seen)

    def pool_size(self, slot: str, module: str) -> Any:
        """Free students of a pool (block members counted once each)."""
        return sum(
            self.vars.x[s, slot, module]
            for s in self.prep.free[slot]
            if (s, slot, module) in self.vars.x
        )

    def scheme_group_count(self, slot: str, module: str, scheme: str) -> Any:
        """New groups of a pool open to the students of ``scheme`` (all of them when the
        pool is not split by scheme), as a linear expression."""
        classes = self.vars.classes.get((slot, module), [])
        split = [
            self.vars.ys[key] for e in classes if (key := (slot, module, e, scheme)) in self.vars.ys
        ]
        if split:
            return sum(split)
        return self.vars.groups.get((slot, module), 0)

    def group_count(self, slot: str, module: str) -> Any:
        """Number of groups of a pool (new ones plus locked ones), as a linear expression."""
        new = self.vars.groups.get((slot, module), 0)
        return new + self.prep.locked_count[slot, module]


def build_variables(ctx: ModelContext) -> None:
    """Create x, y and a for every open pool."""
    prep, model, var = ctx.prep, ctx.model, ctx.vars
    for t in prep.slot_ids:
        in_block = {s for (s, slot) in prep.block_of if slot == t}
        for b, block in enumerate(prep.blocks[t]):
            for m in block.options:
                lit = model.new_bool_var(f"xb[{t},{b},{m}]")
                var.xb[t, b, m] = lit
                for s in block.members:
                    var.x[s, t, m] = lit
        for s in prep.free[t]:
            if s in in_block:
                continue
            for m in prep.options[s, t]:
                var.x[s, t, m] = model.new_bool_var(f"x[{s},{t},{m}]")
        for m in prep.open_modules[t]:
            module = prep.modules[m]
            candidates = sum(1 for s in prep.free[t] if (s, t, m) in var.x)
            if not candidates:
                continue
            staff = [p for p in prep.free_staff[t] if prep.can_teach(p, module)]
            classes = prep.classes[t, m]
            var.classes[t, m] = classes
            most = min(len(staff), len(prep.free_rooms[t]), candidates // module.min_size)
            ys = []
            for e in classes:
                rooms = sum(1 for r in prep.free_rooms[t] if r.capacity >= e)
                var.y[t, m, e] = model.new_int_var(0, min(rooms, most), f"y[{t},{m},{e}]")
                ys.append(var.y[t, m, e])
            count = model.new_int_var(0, most, f"groups[{t},{m}]")
            model.add(count == sum(ys))
            var.groups[t, m] = ctx.derive(count, _summing(ys))
            for p in staff:
                var.a[t, p.id, m] = model.new_bool_var(f"a[{t},{p.id},{m}]")


def _summing(variables: list[Any]) -> Callable[[Callable[[Any], int]], int]:
    """Rule for ModelContext.derive: the sum of ``variables``."""

    def rule(value: Callable[[Any], int]) -> int:
        return sum(value(v) for v in variables)

    return rule


@dataclass
class ModelResult:
    """What the solver decided, read back from CP-SAT."""

    status: str
    objective: int | None
    bound: int | None
    terms: dict[str, int]
    x: dict[tuple[str, str, str], int]
    y: dict[tuple[str, str, int], int]
    a: dict[tuple[str, str, str], int]
    wall_time: float
    ys: dict[tuple[str, str, int, str], int] = field(default_factory=dict)


class GroupingModel:
    """Builds the CP-SAT model from the rule classes and solves it."""

    def __init__(
        self,
        prepared: Prepared,
        *,
        diagnose: bool = False,
        start: Mapping[tuple[str, str], Placement] | None = None,
    ) -> None:
        # Imported here: constraints.py imports this module for ModelContext.
        from .constraints import build_all

        self.ctx = ModelContext(prepared, diagnose=diagnose, start=start)
        build_variables(self.ctx)
        self.rules, self.terms = build_all(self.ctx)
        if not diagnose:
            self.ctx.model.maximize(sum(self.terms.values()))

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model

    def hint(self, groups: Iterable[Group], *, lenient: bool = False) -> bool:
        """Hint a plan (e.g. the greedy one) as the first solution; False if it does not fit.
        ``lenient``: hint what fits of a plan that breaks rules (a repaired start)."""
        known = self.values(groups, lenient=lenient)
        if known is None:
            return False
        self.model.clear_hints()
        for index, number in known.items():
            self.model.add_hint(self.model.get_int_var_from_proto_index(index), number)
        return True

    def values(self, groups: Iterable[Group], *, lenient: bool = False) -> dict[int, int] | None:
        """The value of every model variable (by proto index) describing ``groups``."""
        values = plan_values(self.ctx, list(groups), lenient=lenient)
        if values is None:
            return None
        known: dict[int, int] = {}
        var = self.ctx.vars
        for mapping, name in ((var.y, "y"), (var.a, "a"), (var.x, "x"), (var.ys, "ys")):
            chosen = values[name]
            for key, variable in mapping.items():
                if variable.index not in known:
                    known[variable.index] = chosen.get(key, 0)

        def value(item: Any) -> int:
            return item if isinstance(item, int) else known[item.index]

        for variable, rule in self.ctx.derived:
            known[variable.index] = rule(value)
        return known

    def slot_indices(self) -> dict[str, list[int]]:
        """Proto indices of the decision variables of each slot (x, y, a, their sums)."""
        if not hasattr(self, "_slot_indices"):
            var = self.ctx.vars
            out: dict[str, set[int]] = {t: set() for t in self.ctx.prep.slot_ids}
            for (_s, t, _m), v in var.x.items():
                out[t].add(v.index)
            for mapping in (var.y, var.groups, var.a, var.ys):
                for key, v in mapping.items():
                    out[key[0]].add(v.index)
            self._slot_indices = {t: sorted(ix) for t, ix in out.items()}
        return self._slot_indices

    def neighbourhood(self, free_slots: Iterable[str], values: dict[int, int]) -> cp_model.CpModel:
        """A copy of the model where the decision variables of every slot but ``free_slots``
        are fixed to ``values`` (a plan, from :meth:`values`), hinted with ``values``: the
        coordinator's "lock everything else", without building a model again."""
        copy = self.model.clone()
        proto = copy.proto
        free = set(free_slots)
        for t, indices in self.slot_indices().items():
            if t in free:
                continue
            for index in indices:
                value = values.get(index, 0)
                domain = proto.variables[index].domain
                if len(domain) == 2:
                    domain[0] = value
                    domain[1] = value
                else:
                    copy.add(copy.get_int_var_from_proto_index(index) == value)
        copy.clear_hints()
        for index, number in values.items():
            copy.add_hint(copy.get_int_var_from_proto_index(index), number)
        return copy

    def solve(
        self,
        *,
        time_limit: float,
        seed: int = 0,
        workers: int = 1,
        gap_limit: float = 0.0,
        log: bool = False,
        target: int | None = None,
        model: cp_model.CpModel | None = None,
        work: float | None = None,
    ) -> ModelResult:
        """Solve within ``time_limit`` seconds; stop at ``gap_limit`` (relative gap to this
        model's own bound) or as soon as a solution reaches ``target`` (an objective known
        to be good enough, e.g. from a bound proven elsewhere), or when ``work`` units of
        deterministic time are spent. ``model``: a neighbourhood of this one to solve
        instead (:meth:`neighbourhood`); its variables are this model's."""
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.05, time_limit)
        params.random_seed = seed
        params.num_workers = max(1, workers)
        params.relative_gap_limit = gap_limit
        params.log_search_progress = log
        # The objective's OR-type links (a need is served if some module works on it) become
        # clauses after presolve; only linearization level 2 puts them in the LP, and
        # without them the LP bound is useless. max_lp is the subsolver with that level.
        params.linearization_level = 2
        if workers >= 2:
            params.subsolvers.extend(FULL_SUBSOLVERS[: max(1, workers // 2)])
        if work is not None:
            # A work budget (CP-SAT's deterministic time) that ends the search before the
            # clock does: the same run on any machine and load, with one worker.
            params.max_deterministic_time = max(0.001, work)
        callback = _StopAt(target) if target is not None else None
        code = solver.solve(model if model is not None else self.model, callback)
        status = {
            cp_model.OPTIMAL: "optimal",
            cp_model.FEASIBLE: "feasible",
            cp_model.INFEASIBLE: "infeasible",
            cp_model.MODEL_INVALID: "invalid",
        }.get(code, "unknown")
        has_solution = status in ("optimal", "feasible")
        var = self.ctx.vars

        def values(mapping: dict[Any, Any]) -> dict[Any, int]:
            if not has_solution:
                return {}
            return {key: int(solver.value(v)) for key, v in mapping.items()}

        terms = {}
        if has_solution:
            terms = {
                name: expr if isinstance(expr, int) else int(solver.value(expr))
                for name, expr in self.terms.items()
            }
        bound = None
        if has_solution:
            # The objective is integral, so the bound may be rounded down. (Without a
            # solution CP-SAT's bound may be a placeholder such as 0: not used.)
            bound = int(math.floor(solver.best_objective_bound + 1e-6))
        return ModelResult(
            status=status,
            objective=int(round(solver.objective_value)) if has_solution else None,
            bound=bound,
            terms=terms,
            x=values(var.x),
            y=values(var.y),
            a=values(var.a),
            wall_time=solver.wall_time,
            ys=values(var.ys),
        )


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first solution whose objective reaches ``target``."""

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target

    def on_solution_callback(self) -> None:
        if self.objective_value >= self.target - 1e-6:
            self.stop_search()


def plan_values(
    ctx: ModelContext, groups: list[Group], *, lenient: bool = False
) -> dict[str, dict[Any, int]] | None:
    """Values of x, y and a that describe ``groups`` (None if they do not fit the model;
    ``lenient``: the groups that do not fit are left out)."""
    prep, var = ctx.prep, ctx.vars
    values: dict[str, dict[Any, int]] = {"x": {}, "y": {}, "a": {}, "ys": {}}
    for g in groups:
        if g.locked:
            continue
        t, m = g.slot, g.module
        rooms = {r.id: r.capacity for r in prep.free_rooms[t]}
        if (t, m) not in var.classes or g.room not in rooms or not g.staff:
            if lenient:
                continue
            return None
        e = min(prep.modules[m].max_size, rooms[g.room])
        if (t, m, e) not in var.y or (t, g.staff[0], m) not in var.a:
            if lenient:
                continue
            return None
        if not lenient and any((s, t, m) not in var.x for s in g.students):
            return None
        values["y"][t, m, e] = values["y"].get((t, m, e), 0) + 1
        for s in g.students:
            if (s, t, m) in var.x:
                values["x"][s, t, m] = 1
        if g.students:
            key = (t, m, e, prep.scheme_of(g.students[0]))
            values["ys"][key] = values["ys"].get(key, 0) + 1
        values["a"][t, g.staff[0], m] = 1
    return values
