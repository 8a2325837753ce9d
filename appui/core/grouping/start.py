"""Re-solving from a plan: the placements a plan started from, what changed, and repair.

A coordinator re-solves a plan already made (after moving a pupil, when a pupil arrives or a
teacher is away). The plan started from is given as groups (``solve(start=…)``); this module
says, for one (student, slot), whether a new plan *keeps* the start's placement, counts the
pupils moved, and repairs the start into a plan of the current instance (locks win over it).

**Kept placement.** A student of the instance who is available in a slot and was placed in
that slot by the start plan keeps their placement when, in the new plan, they attend the same
module in that slot *with one of the start group's staff members* — unless none of them is on
the slot's staff any more (a teacher away), when the same module is enough. A room change
alone is not a change. Students new to the level and slots where the student is no longer
available are not counted. The minimal-change objective term costs ``Weights.stay`` per
placement not kept; ``moved`` counts the pupils with at least one placement not kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .instance import Group, Instance
from .prepare import Prepared


@dataclass(frozen=True)
class Placement:
    """Where the start plan put one student in one slot: the module and the staff members
    who count (the start group's staff still on the slot; empty: the module is enough)."""

    module: str
    staff: frozenset[str]
    group_id: str | None = None


def placements(instance: Instance, start: Iterable[Group]) -> dict[tuple[str, str], Placement]:
    """The start plan's placement of each (student, slot) that the current instance still has
    (student known and available in that slot). A student in two groups of a slot (a broken
    start) counts with the first."""
    students = {s.id: s for s in instance.students}
    slot_staff = {t.id: {p.id for p in t.staff} for t in instance.slots}
    out: dict[tuple[str, str], Placement] = {}
    for g in start:
        if g.slot not in slot_staff:
            continue
        staff = frozenset(p for p in g.staff if p in slot_staff[g.slot])
        for s in g.students:
            student = students.get(s)
            if student is None or g.slot in student.unavailable_slots:
                continue
            out.setdefault((s, g.slot), Placement(g.module, staff, g.id))
    return out


def is_kept(place: Placement, group: Group | None) -> bool:
    """Whether a student placed in ``group`` keeps their start placement ``place``."""
    if group is None or group.module != place.module:
        return False
    return not place.staff or bool(place.staff & set(group.staff))


def changed(
    instance: Instance, groups: Iterable[Group], start: Iterable[Group]
) -> list[tuple[str, str]]:
    """The (student, slot) placements of ``start`` that ``groups`` does not keep."""
    home: dict[tuple[str, str], Group] = {}
    for g in groups:
        for s in g.students:
            home.setdefault((s, g.slot), g)
    return [
        key
        for key, place in placements(instance, start).items()
        if not is_kept(place, home.get(key))
    ]


def moved(instance: Instance, groups: Iterable[Group], start: Iterable[Group]) -> int:
    """Pupils with at least one start placement not kept (see the module docstring)."""
    return len({s for s, _t in changed(instance, groups, start)})


# -- repair -------------------------------------------------------------------------------


@dataclass
class _Draft:
    slot: str
    module: str
    staff: list[str]
    room: str
    students: list[str] = field(default_factory=list)
    id: str | None = None


# Long on purpose: the repair as one list of steps (keep what still fits, re-staff or dissolve
# groups, place whoever is missing), each a few lines.
def repair(
    instance: Instance, start: Sequence[Group], prepared: Prepared | None = None
) -> list[Group]:
    """The start plan made to fit the current instance, as far as cheaply possible.

    Locked groups of the instance replace whatever the start had; students who left, are
    unavailable, are fixed elsewhere or locked in another module leave their group; staff no
    longer on the slot leave it (another free person able to teach the module takes a group
    left without staff, else the group is dissolved); a room no longer free is replaced by a
    free one large enough; then every student without a group in a slot (a new pupil, a locked
    one, a dissolved group's) joins the open group of an allowed module that gains the most.
    The result may still break rules (a group below its minimum size): the solver then uses
    it as a hint only.
    """
    prep = prepared or Prepared(instance)
    modules = prep.modules
    placed: set[tuple[str, str]] = set()
    drafts: dict[str, list[_Draft]] = defaultdict(list)
    locked = prep.locked_groups
    locked_ids = {g.id for g in instance.locked_groups if g.id}
    for g in start:
        if g.slot not in prep.slot_names or g.module not in modules:
            continue
        if (g.id is not None and g.id in locked_ids) or any(_same(g, lg) for lg in locked[g.slot]):
            continue
        t = g.slot
        free_staff = {p.id: p for p in prep.free_staff[t]}
        used_staff = {p for d in drafts[t] for p in d.staff}
        staff = [
            p
            for p in dict.fromkeys(g.staff)
            if p in free_staff
            and p not in used_staff
            and prep.can_teach(free_staff[p], modules[g.module])
        ]
        members = []
        for s in g.students:
            if s not in prep.students or (s, t) in placed or (s, t) in prep.fixed:
                continue
            if t in prep.students[s].unavailable_slots:
                continue
            if g.module not in prep.options.get((s, t), ()):
                continue
            if prep.locks.get((s, t), g.module) != g.module:
                continue
            members.append(s)
            placed.add((s, t))
        drafts[t].append(_Draft(t, g.module, staff, g.room, members, g.id))

    for t in prep.slot_ids:
        slot_staff = list(prep.free_staff[t])
        rooms = {r.id: r for r in prep.free_rooms[t]}
        kept: list[_Draft] = []
        for d in drafts[t]:
            if not d.staff:
                used = {p for other in drafts[t] for p in other.staff}
                spare = next(
                    (
                        p.id
                        for p in slot_staff
                        if p.id not in used and prep.can_teach(p, modules[d.module])
                    ),
                    None,
                )
                if spare is not None:
                    d.staff = [spare]
            used_rooms = {k.room for k in kept}
            room = rooms.get(d.room)
            need = max(len(d.students), modules[d.module].min_size)
            if room is None or d.room in used_rooms or room.capacity < len(d.students):
                spare_room = min(
                    (r for r in rooms.values() if r.id not in used_rooms and r.capacity >= need),
                    key=lambda r: (r.capacity, r.id),
                    default=None,
                )
                d.room = spare_room.id if spare_room is not None else ""
            if not d.staff or not d.room or not d.students:
                for s in d.students:
                    placed.discard((s, t))
                continue
            kept.append(d)
        drafts[t] = kept

    _place_missing(prep, drafts, placed)
    out = [replace_locked(g) for g in instance.locked_groups]
    for t in prep.slot_ids:
        out.extend(
            Group(d.slot, d.module, tuple(d.staff), d.room, tuple(d.students), id=d.id)
            for d in drafts[t]
        )
    return out


def replace_locked(g: Group) -> Group:
    return g if g.locked else Group(g.slot, g.module, g.staff, g.room, g.students, g.id, True)


def _place_missing(
    prep: Prepared, drafts: dict[str, list[_Draft]], placed: set[tuple[str, str]]
) -> None:
    """Put every available, unplaced, unfixed student in the open group that gains most."""
    instance = prep.instance
    w = instance.weights
    served: dict[str, set[str | None]] = defaultdict(set)
    attended: dict[str, set[str]] = defaultdict(set)
    for t in prep.slot_ids:
        for d in drafts[t]:
            for s in d.students:
                served[s].add(prep.modules[d.module].competency)
                attended[s].add(d.module)
        for g in prep.locked_groups[t]:
            for s in g.students:
                served[s].add(prep.modules[g.module].competency)
                attended[s].add(g.module)
    previous = instance.previous_modules()
    apart = prep.apart_set
    rooms = {t: {r.id: r.capacity for r in prep.free_rooms[t]} for t in prep.slot_ids}
    for t in prep.slot_ids:
        for s in prep.free[t]:
            if (s, t) in placed:
                continue
            student = prep.students[s]
            wish_rank = {m: r for r, m in enumerate(student.wishes)}
            block = prep.block_of.get((s, t))
            mates = set(prep.blocks[t][block].members) - {s} if block is not None else set()
            best: tuple[int, int] | None = None
            chosen: _Draft | None = None
            for d in drafts[t]:
                m = d.module
                module = prep.modules[m]
                if m not in prep.options.get((s, t), ()):
                    continue
                if prep.locks.get((s, t), m) != m:
                    continue
                if len(d.students) >= min(module.max_size, rooms[t].get(d.room, 0)):
                    continue
                if any(frozenset((s, o)) in apart for o in d.students):
                    continue
                if d.students and prep.scheme_of(d.students[0]) != prep.scheme_of(s):
                    continue
                placed_mates = mates & {o for o in d.students}
                others_placed = any((o, t) in placed for o in mates)
                if others_placed and not placed_mates:
                    continue
                gain = 0
                if module.competency not in served[s]:
                    gain += w.need_value(student.level(module.competency))
                if m in wish_rank and m not in attended[s]:
                    gain += w.wish_value(wish_rank[m])
                gain -= w.homogeneity * module.distance(student.level(module.competency))
                if m in previous.get(s, ()):
                    gain -= w.change
                key = (gain, -len(d.students))
                if best is None or key > best:
                    best, chosen = key, d
            if chosen is not None:
                chosen.students.append(s)
                placed.add((s, t))
                served[s].add(prep.modules[chosen.module].competency)
                attended[s].add(chosen.module)


def _same(a: Group, b: Group) -> bool:
    return (
        a.slot == b.slot
        and a.module == b.module
        and a.room == b.room
        and set(a.staff) == set(b.staff)
        and set(a.students) == set(b.students)
    )
