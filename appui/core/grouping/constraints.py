"""One class per rule of the grouping problem.

Each class adds its constraints to the CP-SAT model in ``build()`` and returns its objective
term (0 for hard rules). Hard rules are guarded per slot in diagnosis mode (see
:meth:`ModelContext.guard`) so that an infeasible instance can be explained; ``label``
names the rule for the coordinator.

Students who must be together share their attendance literals (see
:func:`model.build_variables`), so that rule has no class of its own; contradictions it may
cause are reported by :func:`feasibility.precheck`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar

from .model import ModelContext


class Rule:
    """Base class: a named rule that adds constraints and returns its objective term."""

    name: ClassVar[str]
    label: ClassVar[str]

    def __init__(self, ctx: ModelContext) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.prep = ctx.prep
        self.vars = ctx.vars

    def build(self) -> Any:
        raise NotImplementedError


# --- hard rules --------------------------------------------------------------------------


class Placement(Rule):
    """Same hours for all: every student available in a slot is in exactly one group of it.

    A student unavailable in a slot has no variable for it, so is in no group of it.
    """

    name = "placement"
    label = "chaque élève disponible dans un groupe"

    def build(self) -> int:
        for t in self.prep.slot_ids:
            guard = self.ctx.guard(self.name, t)
            for lits in self.ctx.units(t):
                if len(lits) > 1:
                    self.model.add_at_most_one(lits)
                self.model.add(sum(lits) == 1).only_enforce_if(guard)
        return 0


class GroupSizes(Rule):
    """Group sizes within the module's bounds and the capacity class of the group's room:
    a pool of ``n`` students in groups of classes ``e`` needs
    ``min_size × groups <= n <= sum(e × groups of class e)``; any such ``n`` can be cut
    into groups of allowed sizes."""

    name = "sizes"
    label = "tailles des groupes"

    def build(self) -> int:
        var = self.vars
        for (t, m), classes in var.classes.items():
            guard = self.ctx.guard(self.name, t)
            size = self.ctx.pool_size(t, m)
            module = self.prep.modules[m]
            self.model.add(size >= module.min_size * var.groups[t, m]).only_enforce_if(guard)
            self.model.add(size <= sum(e * var.y[t, m, e] for e in classes)).only_enforce_if(guard)
        return 0


class Rooms(Rule):
    """A room holds at most one group per slot, large enough for it.

    A group of capacity class ``e`` needs a room of at least ``e`` seats; rooms can be
    matched to groups iff, for every threshold ``e``, the groups needing ``e`` seats or more
    are no more than the rooms offering them (Hall's condition on nested sets).
    """

    name = "rooms"
    label = "salles"

    def build(self) -> int:
        prep, var = self.prep, self.vars
        for t in prep.slot_ids:
            guard = self.ctx.guard(self.name, t)
            demand: dict[int, list[Any]] = defaultdict(list)
            for (tt, _m, e), y in var.y.items():
                if tt == t:
                    demand[e].append(y)
            for threshold in sorted(demand):
                needing = [y for e, ys in demand.items() if e >= threshold for y in ys]
                supply = sum(1 for r in prep.free_rooms[t] if r.capacity >= threshold)
                self.model.add(sum(needing) <= supply).only_enforce_if(guard)
        return 0


class Staffing(Rule):
    """Each new group is led by one staff member able to teach its competency; a staff
    member leads at most one group per slot, and at most ``max_groups`` over the period."""

    name = "staff"
    label = "intervenants"

    def build(self) -> int:
        prep, var, model = self.prep, self.vars, self.model
        for t in prep.slot_ids:
            guard = self.ctx.guard(self.name, t)
            for p in prep.free_staff[t]:
                lits = [var.a[t, p.id, m] for m in prep.open_modules[t] if (t, p.id, m) in var.a]
                if len(lits) > 1:
                    model.add_at_most_one(lits)
            for (tt, m), count in var.groups.items():
                if tt == t:
                    staff = [var.a[t, p.id, m] for p in prep.free_staff[t] if (t, p.id, m) in var.a]
                    model.add(sum(staff) == count).only_enforce_if(guard)
        limits = {
            p.id: p.max_groups
            for t in self.ctx.instance.slots
            for p in t.staff
            if p.max_groups is not None
        }
        for person, limit in limits.items():
            locked = sum(1 for g in self.ctx.instance.locked_groups if person in g.staff)
            lits = [lit for (_t, p, _m), lit in var.a.items() if p == person]
            model.add(sum(lits) + locked <= limit).only_enforce_if(self.ctx.guard("staff_limits"))
        return 0


class ModuleLimits(Rule):
    """At most ``max_groups`` groups of a module in one slot (locked groups included)."""

    name = "module_limits"
    label = "nombre maximal de groupes par module"

    def build(self) -> int:
        for t, m in self.vars.groups:
            limit = self.prep.modules[m].max_groups
            if limit is not None:
                self.model.add(self.ctx.group_count(t, m) <= limit).only_enforce_if(
                    self.ctx.guard(self.name, t)
                )
        return 0


class SeparateSchemes(Rule):
    """Special schemes kept apart (when the instance says so): no group mixes students of
    different schemes (SEGPA, ULIS, UPE2A, none) — need groups must not mix different kinds
    of need.

    Groups stay counted, not named: in a pool whose candidates have several schemes, the
    groups of each capacity class are shared out between the schemes (``ys[t, m, e, k]``,
    summing to ``y[t, m, e]``) and each scheme's students must fill its own groups, between
    the minimum size and the classes' capacity. As for the whole pool, any such share can
    be cut into groups of allowed sizes, so :mod:`split` cuts each scheme's students into
    its groups. Pools whose candidates share one scheme get no variable at all.
    """

    name = "schemes"
    label = "dispositifs séparés"

    def build(self) -> int:
        prep, var, model = self.prep, self.vars, self.model
        if not prep.mixed_schemes:
            return 0
        for (t, m), classes in var.classes.items():
            by_scheme: dict[str, list[Any]] = defaultdict(list)
            for s in prep.free[t]:
                lit = var.x.get((s, t, m))
                if lit is not None:
                    by_scheme[prep.scheme_of(s)].append(lit)
            if len(by_scheme) < 2:
                continue
            guard = self.ctx.guard(self.name, t)
            module = prep.modules[m]
            most = len(prep.free_rooms[t])  # y[t, m, e] is bounded tighter; the sum binds
            for e in classes:
                shares = []
                for k in sorted(by_scheme):
                    ys = model.new_int_var(0, most, f"ys[{t},{m},{e},{k}]")
                    var.ys[t, m, e, k] = ys
                    shares.append(ys)
                model.add(var.y[t, m, e] == sum(shares))
            largest = max(by_scheme, key=lambda k: (len(by_scheme[k]), k))
            for k, lits in by_scheme.items():
                groups = [var.ys[t, m, e, k] for e in classes]
                size = sum(lits)
                model.add(size >= module.min_size * sum(groups)).only_enforce_if(guard)
                model.add(
                    size <= sum(e * g for e, g in zip(classes, groups, strict=True))
                ).only_enforce_if(guard)
                if k == largest:
                    continue
                # Implied, but it tightens the LP bound a lot: a fractional pupil of a small
                # scheme no longer gets a sliver of a group. Only for the smaller schemes,
                # where it binds (few literals).
                for lit in {lit.index: lit for lit in lits}.values():
                    model.add(lit <= sum(groups)).only_enforce_if(guard)
        return 0


class Apart(Rule):
    """Students of an ``apart`` list never share a group. Each list is a clique: in every
    slot and module, the groups (of their scheme, when schemes are kept apart) are at least
    as many as the list's members who attend it (:mod:`split` then separates them)."""

    name = "apart"
    label = "élèves à séparer"

    def build(self) -> int:
        prep, var = self.prep, self.vars
        for group in prep.instance.apart:
            for t in prep.slot_ids:
                # Distinct blocks of the list's free members, by scheme. Members fixed in
                # locked groups are checked by feasibility.precheck; two members in one
                # block contradict "together" (reported by it too) and count once.
                by_scheme: dict[str, list[int]] = {}
                for s in group:
                    b = prep.block_of.get((s, t))
                    if b is not None and b not in by_scheme.setdefault(prep.scheme_of(s), []):
                        by_scheme[prep.scheme_of(s)].append(b)
                for scheme, blocks in sorted(by_scheme.items()):
                    if len(blocks) < 2:
                        continue  # other schemes never share a group anyway (SeparateSchemes)
                    guard = self.ctx.guard(self.name, t)
                    modules = dict.fromkeys(m for b in blocks for m in prep.blocks[t][b].options)
                    for m in modules:
                        lits = [var.xb[key] for b in blocks if (key := (t, b, m)) in var.xb]
                        if len(lits) >= 2:
                            groups = self.ctx.scheme_group_count(t, m, scheme)
                            self.model.add(groups >= sum(lits)).only_enforce_if(guard)
        return 0


class Locks(Rule):
    """Students the coordinator locked in a module for a slot stay in it. (Locked whole
    groups are fixed beforehand: their students, staff and room never enter the model.)"""

    name = "locks"
    label = "verrous de la coordination"

    def build(self) -> int:
        for (s, t), m in self.prep.locks.items():
            if (s, t) in self.prep.fixed:
                continue
            lit = self.vars.x.get((s, t, m))
            guard = self.ctx.guard(self.name, t)
            if lit is None:
                # Cannot be met; feasibility.precheck explains why. Keep the model honest.
                self.model.add_bool_or([]).only_enforce_if(guard)
            else:
                self.model.add(lit == 1).only_enforce_if(guard)
        return 0


# --- objective terms ---------------------------------------------------------------------


class NeedCoverage(Rule):
    """Serve each student's highest needs: a competency worked on in any slot of the period
    earns ``need × need_values[level]``, once per student."""

    name = "need"
    label = "besoins servis"

    def build(self) -> Any:
        w = self.ctx.weights
        if w.need == 0:
            return 0
        by_competency: dict[str | None, list[str]] = defaultdict(list)
        for m in self.prep.modules.values():
            by_competency[m.competency].append(m.id)
        term: Any = 0
        for s in self.ctx.instance.students:
            for c, level in s.needs.items():
                value = w.need_value(level)
                if value == 0:
                    continue
                lits = [
                    self.ctx.attend(s.id, t, m)
                    for t in self.prep.slot_ids
                    for m in by_competency[c]
                ]
                term = term + value * _logical_or(self.ctx, lits, f"served[{s.id},{c}]")
        return term


class Homogeneity(Rule):
    """Homogeneous levels: each placement costs ``homogeneity`` per level between the
    student's need and the module's target level. (Inside a module, :mod:`split` cuts the
    groups by level so that their spread is as small as the pool allows.)"""

    name = "homogeneity"
    label = "homogénéité des niveaux"

    def build(self) -> Any:
        w = self.ctx.weights.homogeneity
        if w == 0:
            return 0
        total: Any = 0
        for (s, _t, m), lit in self.vars.x.items():
            distance = self.prep.modules[m].distance(self.prep.level(s, m))
            if distance:
                total = total + distance * lit
        for g in self.ctx.instance.locked_groups:
            module = self.prep.modules[g.module]
            total = total + sum(module.distance(self.prep.level(s, g.module)) for s in g.students)
        return -w * total


class Wishes(Rule):
    """Honour wishes: a wished module attended in any slot earns ``wish × wish_values[rank]``."""

    name = "wishes"
    label = "vœux respectés"

    def build(self) -> Any:
        w = self.ctx.weights
        if w.wish == 0:
            return 0
        term: Any = 0
        for s in self.ctx.instance.students:
            for rank, m in enumerate(s.wishes):
                value = w.wish_value(rank)
                if value == 0:
                    continue
                lits = [self.ctx.attend(s.id, t, m) for t in self.prep.slot_ids]
                term = term + value * _logical_or(self.ctx, lits, f"wish[{s.id},{m}]")
        return term


class DivisionMixing(Rule):
    """Mix divisions: each (slot, module) earns ``mix`` per division among its students;
    :mod:`split` then spreads each division over the module's groups."""

    name = "mixing"
    label = "mixité des divisions"

    def build(self) -> Any:
        w = self.ctx.weights.mix
        if w == 0:
            return 0
        term: Any = 0
        for t, m in self.ctx.pools():
            by_division: dict[str, list[Any]] = defaultdict(list)
            for s in self.prep.available[t]:
                lit = self.ctx.attend(s, t, m)
                if not _is_zero(lit):
                    by_division[self.prep.students[s].division].append(lit)
            for d, lits in by_division.items():
                term = term + _logical_or(self.ctx, lits, f"mix[{t},{m},{d}]")
        return w * term


class GroupChange(Rule):
    """Change groups vs last period: each placement of a student in a module they already
    attended last period costs ``change``. (Who meets whom again inside a module is left to
    :mod:`split`, which spreads last period's groupmates over the module's groups.)"""

    name = "change"
    label = "renouvellement des groupes"

    def build(self) -> Any:
        w = self.ctx.weights.change
        if w == 0:
            return 0
        term: Any = 0
        for s, modules in self.ctx.instance.previous_modules().items():
            if s not in self.prep.students:
                continue
            for t in self.prep.slot_ids:
                for m in modules:
                    lit = self.ctx.attend(s, t, m)
                    if not _is_zero(lit):
                        term = term + lit
        return -w * term


class StaffLoad(Rule):
    """Balanced staff load: a staff member leading ``n`` groups over the period costs
    ``load × n(n-1)/2`` (convex, so spreading groups over more people pays)."""

    name = "load"
    label = "équilibre des services"

    def build(self) -> Any:
        w = self.ctx.weights.load
        if w == 0:
            return 0
        lits_of: dict[str, list[Any]] = defaultdict(list)
        slots_of: dict[str, set[str]] = defaultdict(set)
        for (t, p, _m), lit in self.vars.a.items():
            lits_of[p].append(lit)
            slots_of[p].add(t)
        locked: dict[str, int] = defaultdict(int)
        for g in self.ctx.instance.locked_groups:
            for p in g.staff:
                locked[p] += 1
        term: Any = 0
        for p in sorted(set(lits_of) | set(locked)):
            most = len(slots_of[p]) + locked[p]
            if most <= 1:
                continue
            lits, fixed = lits_of[p], locked[p]
            load = sum(lits) + fixed
            pairs = self.model.new_int_var(0, most * (most - 1) // 2, f"load[{p}]")

            def pairs_of(value: Any, lits: list[Any] = lits, fixed: int = fixed) -> int:
                n = sum(value(lit) for lit in lits) + fixed
                return n * (n - 1) // 2

            self.ctx.derive(pairs, pairs_of)
            # n(n-1)/2 on integers is the maximum of its tangents k·n - k(k+1)/2; being
            # penalised, the variable settles on it at the optimum.
            for k in range(1, most):
                self.model.add(pairs >= k * load - k * (k + 1) // 2)
            term = term + pairs
        return -w * term


class Stay(Rule):
    """Minimal change (a re-solve with ``minimal_change``): each placement of the start plan
    not kept costs ``stay``. A placement is kept when the student attends the same module
    with one of the start group's staff members (the module alone when none of them is on
    the slot any more); see :mod:`start`. Only built when the context has a start."""

    name = "stay"
    label = "changements limités"

    def build(self) -> Any:
        start = self.ctx.start
        if start is None:
            return 0
        w = self.ctx.weights.stay
        prep, var = self.prep, self.vars
        kept: Any = 0
        total = 0
        for (s, t), place in sorted(start.items()):
            if s not in prep.students or t not in prep.free_rooms:
                continue
            total += 1
            locked = prep.fixed.get((s, t))
            if locked is not None:
                kept = kept + int(
                    locked.module == place.module
                    and (not place.staff or bool(place.staff & set(locked.staff)))
                )
                continue
            lit = var.x.get((s, t, place.module))
            if lit is None:
                continue
            leads = [
                var.a[key] for p in sorted(place.staff) if (key := (t, p, place.module)) in var.a
            ]
            if place.staff and not leads:
                continue  # the start group's staff cannot lead it any more here
            k = self.model.new_bool_var(f"stay[{s},{t}]")
            self.model.add(k <= lit)
            if leads:
                self.model.add(k <= sum(leads))
            self.ctx.derive(k, _kept_rule(lit, leads))
            kept = kept + k
        return w * (kept - total)


def _kept_rule(lit: Any, leads: list[Any]) -> Callable[[Callable[[Any], int]], int]:
    """Rule for ModelContext.derive: the placement is kept (attends, with a start leader)."""

    def rule(value: Callable[[Any], int]) -> int:
        led = 1 if not leads else min(1, sum(value(a) for a in leads))
        return min(value(lit), led)

    return rule


def _is_zero(lit: Any) -> bool:
    return isinstance(lit, int) and lit == 0


def _logical_or(ctx: ModelContext, lits: list[Any], name: str) -> Any:
    """A literal that may be 1 only if one of ``lits`` is (constants folded)."""
    lits = [lit for lit in lits if not _is_zero(lit)]
    if any(isinstance(lit, int) for lit in lits):
        return 1
    if not lits:
        return 0
    if len(lits) == 1:
        return lits[0]
    model = ctx.model
    result = model.new_bool_var(name)
    ctx.derive(result, lambda value: max(value(lit) for lit in lits))
    # Only the side that bounds a maximised objective. The other side (any literal forces
    # the result) holds at the optimum; validation.py recomputes the plan's objective
    # exactly anyway, and leaving it out keeps the LP small.
    model.add(result <= sum(lits))
    return result


HARD_RULES: tuple[type[Rule], ...] = (
    Placement,
    GroupSizes,
    Rooms,
    Staffing,
    ModuleLimits,
    SeparateSchemes,
    Apart,
    Locks,
)
OBJECTIVE_TERMS: tuple[type[Rule], ...] = (
    NeedCoverage,
    Homogeneity,
    Wishes,
    DivisionMixing,
    GroupChange,
    StaffLoad,
    Stay,
)


def build_all(ctx: ModelContext) -> tuple[list[Rule], dict[str, Any]]:
    """Build every rule; return them and the objective terms by name."""
    rules: list[Rule] = []
    for cls in HARD_RULES:
        rule = cls(ctx)
        rule.build()
        rules.append(rule)
    terms: dict[str, Any] = {}
    if not ctx.diagnose:
        for cls in OBJECTIVE_TERMS:
            if cls is Stay and ctx.start is None:
                continue
            rule = cls(ctx)
            terms[rule.name] = rule.build()
            rules.append(rule)
    return rules, terms
