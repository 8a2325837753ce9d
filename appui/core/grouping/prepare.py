"""Facts derived once from an instance and shared by the model, the heuristics and the checks.

Which students are available in each slot, which are fixed by a locked group, which modules
can open new groups in a slot, which modules each student may join, the blocks of students
that must share a group (``together``) or be tracked individually (``apart``), and the
room-capacity classes of each module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from .instance import Group, Instance, Module, Room, Staff, Student


@dataclass(frozen=True)
class Block:
    """Students who must share one group in a slot (a single student when tracked for
    ``apart``). ``options`` are the modules every member may join in that slot."""

    slot: str
    members: tuple[str, ...]
    options: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)


def group_key(scheme: str, parcours: str | None = None) -> str:
    """The key of a kind of pupils kept apart: the scheme ("" for none), followed by
    ``/parcours`` when parcours are kept apart (``parcours`` not None)."""
    return scheme if parcours is None else f"{scheme}/{parcours}"


def key_parts(key: str) -> tuple[str, str | None]:
    """The scheme and parcours (None when parcours are not kept apart) of a ``group_key``."""
    scheme, _sep, parcours = key.partition("/")
    return scheme, (parcours if _sep else None)


def _find(parent: dict[str, str], s: str) -> str:
    """Union-find root of ``s`` (with path halving)."""
    while parent[s] != s:
        parent[s] = parent[parent[s]]
        s = parent[s]
    return s


class Prepared:
    """Derived, read-only view of an :class:`Instance`."""

    # Long on purpose: each derived table is computed once, in dependency order; the solver
    # rewrite (a later issue) replaces this class.
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.students: dict[str, Student] = {s.id: s for s in instance.students}
        self.modules: dict[str, Module] = {m.id: m for m in instance.modules}
        self.slot_ids = [t.id for t in instance.slots]
        self.slot_names = {t.id: t.name for t in instance.slots}

        self.available: dict[str, list[str]] = {
            t.id: [s.id for s in instance.students if t.id not in s.unavailable_slots]
            for t in instance.slots
        }
        self.locked_groups: dict[str, list[Group]] = defaultdict(list)
        self.fixed: dict[tuple[str, str], Group] = {}
        for g in instance.locked_groups:
            self.locked_groups[g.slot].append(g)
            for s in g.students:
                self.fixed.setdefault((s, g.slot), g)
        self.locked_count: dict[tuple[str, str], int] = defaultdict(int)
        for g in instance.locked_groups:
            self.locked_count[g.slot, g.module] += 1

        self.free: dict[str, list[str]] = {}
        self.free_staff: dict[str, list[Staff]] = {}
        self.free_rooms: dict[str, list[Room]] = {}
        self.open_modules: dict[str, list[str]] = {}
        self.classes: dict[tuple[str, str], list[int]] = {}
        for t in instance.slots:
            self.free[t.id] = [s for s in self.available[t.id] if (s, t.id) not in self.fixed]
            busy_staff = {p for g in self.locked_groups[t.id] for p in g.staff}
            busy_rooms = {g.room for g in self.locked_groups[t.id]}
            self.free_staff[t.id] = [p for p in t.staff if p.id not in busy_staff]
            self.free_rooms[t.id] = sorted(
                (r for r in t.rooms if r.id not in busy_rooms), key=lambda r: (-r.capacity, r.id)
            )
            opened = []
            for m in instance.modules:
                classes = sorted(
                    {
                        min(m.max_size, r.capacity)
                        for r in self.free_rooms[t.id]
                        if r.capacity >= m.min_size
                    },
                    reverse=True,
                )
                limit = m.max_groups
                if (
                    m.runs_in(t.id)
                    and classes
                    and any(self.can_teach(p, m) for p in self.free_staff[t.id])
                    and (limit is None or limit > self.locked_count[t.id, m.id])
                ):
                    opened.append(m.id)
                    self.classes[t.id, m.id] = classes
            self.open_modules[t.id] = opened

        self.locks: dict[tuple[str, str], str] = {}
        self.lock_conflicts: list[tuple[str, str, str, str]] = []
        for lock in instance.locked:
            key = (lock.student, lock.slot)
            if key in self.locks and self.locks[key] != lock.module:
                self.lock_conflicts.append((lock.student, lock.slot, self.locks[key], lock.module))
            self.locks.setdefault(key, lock.module)

        self.options: dict[tuple[str, str], list[str]] = {}
        for t_id in self.slot_ids:
            for s in self.free[t_id]:
                allowed = [
                    m
                    for m in self.open_modules[t_id]
                    if self.modules[m].accepts_level(self.level(s, m))
                ]
                self.options[s, t_id] = allowed

        self.blocks: dict[str, list[Block]] = {}
        self.block_of: dict[tuple[str, str], int] = {}
        apart_members = {s for group in instance.apart for s in group}
        for t_id in self.slot_ids:
            free = set(self.free[t_id])
            parent = {s: s for s in free}
            for group in instance.together:
                present = [s for s in group if s in free]
                for a, b in zip(present, present[1:], strict=False):
                    parent[_find(parent, a)] = _find(parent, b)
            components: dict[str, list[str]] = defaultdict(list)
            for s in self.free[t_id]:
                components[_find(parent, s)].append(s)
            blocks = []
            for members in components.values():
                if len(members) >= 2 or members[0] in apart_members:
                    common = [
                        m
                        for m in self.options[members[0], t_id]
                        if all(m in self.options[s, t_id] for s in members[1:])
                    ]
                    blocks.append(Block(t_id, tuple(members), tuple(common)))
            self.blocks[t_id] = blocks
            for index, block in enumerate(blocks):
                for s in block.members:
                    self.block_of[s, t_id] = index

    def level(self, student: str, module: str) -> int:
        return self.students[student].level(self.modules[module].competency)

    def scheme_of(self, student: str) -> str:
        """The student's kind of group: their scheme when the instance keeps schemes apart,
        joined with their terminale parcours when it keeps parcours apart (``group_key``),
        else "" for all: students of one key may share a group, students of two keys never
        do. Every rule that keeps kinds of pupils apart reads this one key."""
        student_ = self.students[student]
        return group_key(
            student_.scheme if self.instance.separate_schemes else "",
            student_.parcours if self.instance.separate_parcours else None,
        )

    @cached_property
    def mixed_schemes(self) -> bool:
        """The rule is on and the level has students of at least two schemes."""
        return len({self.scheme_of(s) for s in self.students}) > 1

    @staticmethod
    def can_teach(staff: Staff, module: Module) -> bool:
        return module.competency is None or module.competency in staff.competencies

    def apart_pairs(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for group in self.instance.apart:
            for i, a in enumerate(group):
                pairs.extend((a, b) for b in group[i + 1 :])
        return pairs

    @cached_property
    def apart_set(self) -> set[frozenset[str]]:
        return {frozenset(p) for p in self.apart_pairs()}

    @cached_property
    def former_mates(self) -> dict[str, set[str]]:
        """For each student, the students who shared one of their groups last period."""
        mates: dict[str, set[str]] = defaultdict(set)
        for group in self.instance.previous_groups:
            for s in group.students:
                mates[s].update(group.students)
        for s, others in mates.items():
            others.discard(s)
        return dict(mates)
