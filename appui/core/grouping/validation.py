"""Solver-independent checks of a plan: every hard rule, and every objective term recomputed.

Nothing here looks at the CP-SAT model: a plan typed by hand, produced by a heuristic or
edited by the coordinator is judged exactly like a solver's plan. Messages are in French
because the coordinator reads them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import metrics as plan_metrics
from . import start as start_plan
from .bounds import relative_gap
from .instance import Group, Instance, parcours_label, scheme_label
from .solution import Solution


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: ``rule`` is a stable English code, ``message`` is for people."""

    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


# Long on purpose: one pass over the groups, then one block per hard rule, kept together so
# the rules read as a list; the solver rewrite (a later issue) gives each rule its class.
def violations(instance: Instance, groups: Sequence[Group]) -> list[Violation]:
    """Every hard rule broken by ``groups`` (an empty list when the plan is valid)."""
    out: list[Violation] = []
    slots = {t.id: t for t in instance.slots}
    modules = {m.id: m for m in instance.modules}
    students = {s.id: s for s in instance.students}

    def add(rule: str, message: str) -> None:
        out.append(Violation(rule, message))

    # Where each student is, per slot.
    placed: dict[tuple[str, str], list[int]] = defaultdict(list)
    staff_use: dict[tuple[str, str], list[int]] = defaultdict(list)
    room_use: dict[tuple[str, str], list[int]] = defaultdict(list)
    load: Counter[str] = Counter()
    per_module: Counter[tuple[str, str]] = Counter()
    for index, g in enumerate(groups):
        name = _group_name(instance, g)
        slot = slots.get(g.slot)
        module = modules.get(g.module)
        if slot is None:
            add("reference", f"{name} : barrette inconnue {g.slot}.")
            continue
        if module is None:
            add("reference", f"{name} : module inconnu {g.module}.")
            continue
        per_module[g.slot, g.module] += 1
        if not module.runs_in(g.slot):
            add("module_slot", f"{name} : ce module n'est pas proposé sur cette barrette.")
        size = len(g.students)
        for sid, count in Counter(g.students).items():
            if count > 1:
                add("placement", f"{name} : l'élève {sid} figure {count} fois.")
        if size < module.min_size:
            add("size", f"{name} : {size} élèves, moins que le minimum {module.min_size}.")
        if size > module.max_size:
            add("size", f"{name} : {size} élèves, plus que le maximum {module.max_size}.")
        rooms = {r.id: r for r in slot.rooms}
        room = rooms.get(g.room)
        if room is None:
            add("room", f"{name} : salle {g.room or '(aucune)'} indisponible sur cette barrette.")
        else:
            room_use[g.slot, g.room].append(index)
            if size > room.capacity:
                add(
                    "room_capacity",
                    f"{name} : {size} élèves pour la salle {room.id} de capacité {room.capacity}.",
                )
        staff = {p.id: p for p in slot.staff}
        if not g.staff:
            add("staff", f"{name} : aucun intervenant.")
        for p in g.staff:
            person = staff.get(p)
            if person is None:
                add("staff", f"{name} : intervenant {p} indisponible sur cette barrette.")
                continue
            staff_use[g.slot, p].append(index)
            load[p] += 1
            if module.competency is not None and module.competency not in person.competencies:
                add(
                    "staff_competency",
                    f"{name} : {p} n'enseigne pas {instance.competency_label(module.competency)}.",
                )
        if instance.separate_schemes:
            message = mixed_schemes(instance, g)
            if message:
                add("schemes", message)
        if instance.separate_parcours:
            message = mixed_parcours(instance, g)
            if message:
                add("parcours", message)
        for sid in g.students:
            student = students.get(sid)
            if student is None:
                add("reference", f"{name} : élève inconnu {sid}.")
                continue
            placed[sid, g.slot].append(index)
            level = student.level(module.competency)
            if not module.accepts_level(level):
                lo, hi = module.levels
                add(
                    "levels",
                    f"{name} : l'élève {sid} a un besoin de niveau {level}, "
                    f"le module vise les niveaux {lo} à {hi}.",
                )

    for slot in instance.slots:
        for s in instance.students:
            where = placed.get((s.id, slot.id), [])
            if slot.id in s.unavailable_slots:
                if where:
                    add(
                        "placement",
                        f"Barrette {slot.name} : l'élève {s.id} est indisponible mais placé.",
                    )
            elif not where:
                add("placement", f"Barrette {slot.name} : l'élève {s.id} n'est dans aucun groupe.")
            elif len(where) > 1:
                add(
                    "placement",
                    f"Barrette {slot.name} : l'élève {s.id} est dans {len(where)} groupes.",
                )
    for (slot_id, p), uses in staff_use.items():
        if len(uses) > 1:
            add(
                "staff_clash",
                f"Barrette {slots[slot_id].name} : {p} anime {len(uses)} groupes en même temps.",
            )
    for (slot_id, r), uses in room_use.items():
        if len(uses) > 1:
            add(
                "room_clash",
                f"Barrette {slots[slot_id].name} : la salle {r} accueille {len(uses)} groupes.",
            )
    limits = {
        p.id: p.max_groups for t in instance.slots for p in t.staff if p.max_groups is not None
    }
    for p, limit in limits.items():
        if load[p] > limit:
            add("staff_max_groups", f"{p} anime {load[p]} groupes, au plus {limit} permis.")
    for (slot_id, module_id), count in per_module.items():
        most = modules[module_id].max_groups
        if most is not None and count > most:
            add(
                "module_max_groups",
                f"Barrette {slots[slot_id].name} : {count} groupes de {module_id}, au plus {most}.",
            )

    def group_of(student: str, slot_id: str) -> int | None:
        where = placed.get((student, slot_id), [])
        return where[0] if len(where) == 1 else None

    for pair in instance.together:
        for slot in instance.slots:
            present = [s for s in pair if slot.id not in students[s].unavailable_slots]
            homes = {group_of(s, slot.id) for s in present}
            if len(present) >= 2 and len(homes) > 1:
                add(
                    "together",
                    f"Barrette {slot.name} : {', '.join(present)} doivent être ensemble.",
                )
    for pair in instance.apart:
        for slot in instance.slots:
            homes_seen: dict[int, str] = {}
            for member in pair:
                home = group_of(member, slot.id)
                if home is None:
                    continue
                if home in homes_seen:
                    add(
                        "apart",
                        f"Barrette {slot.name} : {homes_seen[home]} et {member} doivent être séparés.",
                    )
                else:
                    homes_seen[home] = member
    for lock in instance.locked:
        home = group_of(lock.student, lock.slot)
        if home is None or groups[home].module != lock.module:
            add(
                "lock",
                f"Barrette {slots[lock.slot].name} : l'élève {lock.student} est verrouillé "
                f"en {lock.module}.",
            )
    for locked in instance.locked_groups:
        if not any(_same_group(locked, g) for g in groups):
            add("locked_group", f"{_group_name(instance, locked)} verrouillé : absent ou modifié.")
    return out


def mixed_schemes(instance: Instance, group: Group, *, name: str | None = None) -> str | None:
    """French message when ``group`` holds students of different special schemes (the
    members of each scheme listed), else None. Unknown students are reported elsewhere."""
    members: dict[str, list[str]] = defaultdict(list)
    for sid in group.students:
        if sid in instance._students_by_id:
            members[instance.student(sid).scheme].append(sid)
    if len(members) < 2:
        return None
    parts = " ; ".join(
        f"{scheme_label(k)} : {', '.join(ids)}" for k, ids in sorted(members.items())
    )
    return f"{name or _group_name(instance, group)} : dispositifs mélangés ({parts})."


def mixed_parcours(instance: Instance, group: Group, *, name: str | None = None) -> str | None:
    """French message when ``group`` holds students of different terminale parcours (not
    chosen counts as one), else None."""
    members: dict[str, list[str]] = defaultdict(list)
    for sid in group.students:
        if sid in instance._students_by_id:
            members[instance.student(sid).parcours].append(sid)
    if len(members) < 2:
        return None
    parts = " ; ".join(
        f"{parcours_label(k)} : {', '.join(ids)}" for k, ids in sorted(members.items())
    )
    return f"{name or _group_name(instance, group)} : parcours de terminale mélangés ({parts})."


def _same_group(a: Group, b: Group) -> bool:
    return (
        a.slot == b.slot
        and a.module == b.module
        and a.room == b.room
        and set(a.staff) == set(b.staff)
        and set(a.students) == set(b.students)
        and len(a.students) == len(b.students)
    )


def _group_name(instance: Instance, group: Group) -> str:
    slot = next((t for t in instance.slots if t.id == group.slot), None)
    slot_name = slot.name if slot else group.slot
    label = f" {group.id}" if group.id else ""
    return f"Groupe{label} {group.module} ({slot_name})"


def objective_terms(
    instance: Instance, groups: Iterable[Group], *, start: Sequence[Group] | None = None
) -> dict[str, int]:
    """Each weighted objective term of ``groups`` (signed: penalties are negative).

    The definitions are the ones documented in docs/grouping.md and are the same as the
    CP-SAT model's, but computed directly from the groups. With ``start`` (a minimal-change
    re-solve) the term ``stay`` costs ``Weights.stay`` per start placement not kept
    (:mod:`start`).
    """
    w = instance.weights
    groups = list(groups)
    students = {s.id: s for s in instance.students}
    modules = {m.id: m for m in instance.modules}
    groups = [g for g in groups if g.module in modules]

    served: set[tuple[str, str]] = set()
    attended: set[tuple[str, str]] = set()
    distance = 0
    pools: dict[tuple[str, str], list[Group]] = defaultdict(list)
    load: Counter[str] = Counter()
    for g in groups:
        module = modules[g.module]
        members = [students[s] for s in g.students if s in students]
        pools[g.slot, g.module].append(g)
        load.update(g.staff)
        for s in members:
            attended.add((s.id, module.id))
            if module.competency is not None:
                served.add((s.id, module.competency))
        distance += sum(module.distance(s.level(module.competency)) for s in members)

    need = sum(w.need_value(students[s].level(c)) for s, c in served)
    wishes = sum(
        w.wish_value(rank)
        for s in instance.students
        for rank, m in enumerate(s.wishes)
        if (s.id, m) in attended
    )
    mixing = 0
    for pool in pools.values():
        present = {sid for g in pool for sid in g.students if sid in students}
        mixing += len({students[sid].division for sid in present})
    repeated = instance.previous_modules()
    change = sum(
        1 for g in groups for s in g.students if s in students and g.module in repeated.get(s, ())
    )
    load_pairs = sum(n * (n - 1) // 2 for n in load.values())
    terms = {
        "need": need,
        "homogeneity": -w.homogeneity * distance,
        "wishes": wishes,
        "mixing": w.mix * mixing,
        "change": -w.change * change,
        "load": -w.load * load_pairs,
    }
    if start is not None:
        terms["stay"] = -w.stay * len(start_plan.changed(instance, groups, start))
    return terms


def objective(
    instance: Instance, groups: Iterable[Group], *, start: Sequence[Group] | None = None
) -> int:
    return sum(objective_terms(instance, groups, start=start).values())


@dataclass(frozen=True)
class CheckReport:
    """A plan judged independently of whoever made it."""

    violations: tuple[Violation, ...]
    objective: int
    terms: dict[str, int]
    metrics: dict[str, Any] = field(default_factory=dict)
    #: The objective the plan claimed (None if it did not say).
    stated_objective: int | None = None

    @property
    def ok(self) -> bool:
        return not self.violations


def check(
    instance: Instance,
    plan: Solution | Sequence[Group],
    *,
    start: Sequence[Group] | None = None,
    minimal_change: bool = False,
) -> CheckReport:
    """Re-check every hard rule of ``plan``, recompute its objective terms and metrics.

    ``plan`` may be a :class:`Solution` (its bound is then used for the gap) or just groups.
    With ``start`` the metrics count the pupils ``moved`` from it, and with ``minimal_change``
    the objective has the ``stay`` term, as in ``solve(start=…, minimal_change=True)``.
    """
    groups = list(plan.groups) if isinstance(plan, Solution) else list(plan)
    bound = plan.bound if isinstance(plan, Solution) else None
    stated = plan.objective if isinstance(plan, Solution) else None
    broken = tuple(violations(instance, groups))
    terms = objective_terms(instance, groups, start=start if minimal_change else None)
    value = sum(terms.values())
    gap = None if broken else relative_gap(value, bound)
    return CheckReport(
        violations=broken,
        objective=value,
        terms=terms,
        metrics=plan_metrics.compute(instance, groups, gap, start=start),
        stated_objective=stated,
    )
