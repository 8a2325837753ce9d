"""Plans made without the optimiser: what a careful coordinator does by hand, and the
traditional "each division is a group" plan.

``greedy_plan`` works slot by slot, like a coordinator with a spreadsheet: it looks at what
each student still needs most (a competency already worked on earlier in the period no
longer counts), opens groups where the most unmet need is, seats students with the highest
needs first, fixes groups below their minimum size, then cuts each module's students into
groups of close levels (the same dynamic programming over students sorted by level as the
solver's :mod:`split`). It is the solver's warm start and the benchmark's baseline (b).

``division_plan`` is baseline (a): every division is one group with one module per slot,
whatever the sizes; ``validation.violations`` then says which rules it breaks.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .instance import Group, Instance, Room, Staff
from .prepare import Prepared
from .split import Item, cut_blocks_first, cut_pool

PoolKey = tuple[str, str, str]  # slot, module, scheme ("" unless schemes are kept apart)


@dataclass(frozen=True)
class Unit:
    """Students placed together by the heuristic (a ``together`` block, or one student)."""

    members: tuple[str, ...]
    options: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)


class _State:
    """What the period's earlier slots already gave each student and staff member."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.served: dict[str, set[str]] = defaultdict(set)
        self.honoured: dict[str, set[str]] = defaultdict(set)
        self.load: Counter[str] = Counter()
        self.repeated = prep.instance.previous_modules()
        #: ``time.perf_counter()`` instant after which no more groups are opened.
        self.deadline: float | None = None

    def record(self, group: Group) -> None:
        competency = self.prep.modules[group.module].competency
        for s in group.students:
            self.honoured[s].add(group.module)
            if competency is not None:
                self.served[s].add(competency)
        self.load.update(group.staff)

    def gain(self, student: str, module: str) -> int:
        """Objective gained by putting ``student`` in ``module`` now."""
        prep, w = self.prep, self.prep.instance.weights
        s = prep.students[student]
        competency = prep.modules[module].competency
        value = -w.homogeneity * prep.modules[module].distance(s.level(competency))
        if competency is not None and competency not in self.served[student]:
            value += w.need_value(s.level(competency))
        if module in s.wishes and module not in self.honoured[student]:
            value += w.wish_value(s.wishes.index(module))
        if module in self.repeated.get(student, ()):
            value -= w.change
        return value


def greedy_plan(
    instance: Instance,
    *,
    prepared: Prepared | None = None,
    seed: int = 0,
    polish: bool = True,
    deadline: float | None = None,
) -> list[Group]:
    """A complete plan built slot by slot (see the module docstring), then reviewed by
    :func:`polish_plan` unless ``polish`` is false. It meets every hard rule on ordinary
    instances; ``validation.violations`` says if it could not.

    ``deadline`` (a ``time.perf_counter()`` instant): the review stops its passes there, and
    is skipped when the deadline has passed once the slots are planned."""
    prep = prepared or Prepared(instance)
    rng = random.Random(seed)
    state = _State(prep)
    state.deadline = deadline
    groups: list[Group] = []
    for g in instance.locked_groups:
        groups.append(g)
        state.record(g)
    for t in prep.slot_ids:
        # When the plan is polished, groups are cut again afterwards: no need to mix now.
        planned = _plan_slot(prep, t, state, rng, mix=not polish)
        for g in planned:
            state.record(g)
        groups.extend(planned)
    if polish:
        # Past the deadline the review makes no move but still cuts the pools by level.
        groups = polish_plan(prep, groups, deadline=deadline)
    return groups


def _plan_slot(
    prep: Prepared, t: str, state: _State, rng: random.Random, *, mix: bool
) -> list[Group]:
    """One slot's groups. When schemes are kept apart, each scheme is planned on its own,
    the smallest first (its few students need groups of their own), with the staff, rooms
    and module limits the schemes planned before it left."""
    counts = Counter(prep.scheme_of(s) for s in prep.free[t])
    if len(counts) <= 1:
        return _SlotPlanner(prep, t, state, rng, mix=mix).plan()
    staff, rooms = list(prep.free_staff[t]), list(prep.free_rooms[t])
    taken: Counter[str] = Counter()
    planned: list[Group] = []
    for scheme in sorted(counts, key=lambda k: (counts[k], k)):
        planner = _SlotPlanner(
            prep, t, state, rng, mix=mix, scheme=scheme, staff=staff, rooms=rooms, taken=taken
        )
        groups = planner.plan()
        staff, rooms = planner.staff, planner.rooms
        taken.update(g.module for g in groups)
        planned.extend(groups)
    return planned


def _ranked(options: Sequence[str], gains: dict[str, int]) -> list[str]:
    """Modules from the most to the least rewarding (ties by id)."""
    return sorted(options, key=lambda m: (-gains[m], m))


class _SlotPlanner:
    def __init__(
        self,
        prep: Prepared,
        t: str,
        state: _State,
        rng: random.Random,
        *,
        mix: bool = True,
        scheme: str | None = None,
        staff: Sequence[Staff] | None = None,
        rooms: Sequence[Room] | None = None,
        taken: Counter[str] | None = None,
    ) -> None:
        """Plans the slot's free students — only those of ``scheme`` when given — with
        ``staff`` and ``rooms`` (default: all free ones); ``taken`` counts groups per module
        already opened in the slot by other planners (for ``max_groups``)."""
        self.prep, self.t, self.state, self.mix = prep, t, state, mix
        self.scheme = scheme
        self.taken: Counter[str] = taken if taken is not None else Counter()
        self.units = self._units()
        self.unit_of = {s: i for i, u in enumerate(self.units) for s in u.members}
        self.gains = [
            {m: sum(state.gain(s, m) for s in u.members) for m in u.options} for u in self.units
        ]
        order = list(range(len(self.units)))
        rng.shuffle(order)
        # Locked students first (they have one place: a full module would strand them),
        # then the highest needs; the shuffle only breaks ties.
        locked = [any((s, t) in prep.locks for s in u.members) for u in self.units]
        self.order = sorted(
            order, key=lambda i: (not locked[i], -max(self.gains[i].values(), default=0))
        )
        self.prefs = [
            _ranked(u.options, gains) for u, gains in zip(self.units, self.gains, strict=True)
        ]
        self.apart: dict[int, set[int]] = defaultdict(set)
        for a, b in prep.apart_pairs():
            ua, ub = self.unit_of.get(a), self.unit_of.get(b)
            if ua is not None and ub is not None and ua != ub:
                self.apart[ua].add(ub)
                self.apart[ub].add(ua)
        self.staff: list[Staff] = list(prep.free_staff[t] if staff is None else staff)
        self.rooms: list[Room] = list(prep.free_rooms[t] if rooms is None else rooms)
        self.opened: dict[str, list[tuple[Staff, Room]]] = defaultdict(list)
        self.banned: set[str] = set()
        self.forced: dict[int, str] = {}

    def _units(self) -> list[Unit]:
        prep, t = self.prep, self.t
        units = []
        for block in prep.blocks[t]:
            if self._planned_here(block.members[0]):
                units.append(
                    Unit(block.members, self._locked_options(block.members, block.options))
                )
        for s in prep.free[t]:
            if (s, t) not in prep.block_of and self._planned_here(s):
                units.append(Unit((s,), self._locked_options((s,), prep.options[s, t])))
        return units

    def _planned_here(self, student: str) -> bool:
        return self.scheme is None or self.prep.scheme_of(student) == self.scheme

    def _locked_options(self, members: Sequence[str], options: Sequence[str]) -> tuple[str, ...]:
        locks = {self.prep.locks[s, self.t] for s in members if (s, self.t) in self.prep.locks}
        if locks:
            kept = tuple(m for m in options if m in locks)
            return kept or tuple(options)
        return tuple(options)

    # -- capacities ----------------------------------------------------------------------
    def capacity(self, m: str) -> int:
        module = self.prep.modules[m]
        return sum(min(module.max_size, room.capacity) for _p, room in self.opened[m])

    def can_open(self, m: str) -> bool:
        module = self.prep.modules[m]
        if m in self.banned or m not in self.prep.open_modules[self.t]:
            return False
        limit = module.max_groups
        opened = len(self.opened[m]) + self.prep.locked_count[self.t, m] + self.taken[m]
        if limit is not None and opened >= limit:
            return False
        return any(self.prep.can_teach(p, module) for p in self.staff) and any(
            r.capacity >= module.min_size for r in self.rooms
        )

    def open(self, m: str) -> None:
        module = self.prep.modules[m]
        # The least loaded person, and among them the least versatile: keep the others free.
        person = min(
            (p for p in self.staff if self.prep.can_teach(p, module)),
            key=lambda p: (self.state.load[p.id], len(p.competencies), p.id),
        )
        fitting = [r for r in self.rooms if r.capacity >= module.max_size]
        room = (
            min(fitting, key=lambda r: (r.capacity, r.id))
            if fitting
            else max(
                (r for r in self.rooms if r.capacity >= module.min_size),
                key=lambda r: (r.capacity, r.id),
            )
        )
        self.staff.remove(person)
        self.rooms.remove(room)
        self.opened[m].append((person, room))

    def close(self, m: str) -> None:
        """Close the group of ``m`` with the smallest room."""
        groups = self.opened[m]
        index = min(range(len(groups)), key=lambda i: groups[i][1].capacity)
        person, room = groups.pop(index)
        self.staff.append(person)
        self.rooms.append(room)
        if not groups:
            del self.opened[m]

    # -- seating -------------------------------------------------------------------------
    def simulate(self) -> tuple[dict[int, str], Counter[str], Counter[str], list[int]]:
        """Seat units by priority in their best open module with room; return the seating,
        the fill of each module, the gain lost per first choice, and the unseated units."""
        fill: Counter[str] = Counter()
        seat: dict[int, str] = {}
        lost: Counter[str] = Counter()
        unseated: list[int] = []
        members: dict[str, set[int]] = defaultdict(set)
        caps = {m: self.capacity(m) for m in self.opened}
        for i, m in self.forced.items():
            if m in self.opened:
                seat[i] = m
                fill[m] += self.units[i].size
                members[m].add(i)
        for i in self.order:
            if i in seat:
                continue
            unit = self.units[i]
            for m in self.prefs[i]:
                if m not in caps or fill[m] + unit.size > caps[m]:
                    continue
                if len(self.opened[m]) == 1 and self.apart[i] & members[m]:
                    continue
                seat[i] = m
                fill[m] += unit.size
                members[m].add(i)
                break
            prefs = [m for m in self.prefs[i] if m not in self.banned]
            if prefs:
                best = prefs[0]
                got = self.gains[i].get(seat[i], 0) if i in seat else 0
                if seat.get(i) != best:
                    lost[best] += self.gains[i][best] - got + (1 if i not in seat else 0)
            if i not in seat:
                unseated.append(i)
        return seat, fill, lost, unseated

    def plan(self) -> list[Group]:
        if not self.units:
            return []
        self._open_groups()
        self._repair_sizes()
        seat, _fill, _lost, _unseated = self.simulate()
        return self._split(seat)

    def _open_groups(self) -> None:
        deadline = self.state.deadline
        for _ in range(4 * len(self.prep.instance.slot(self.t).rooms) + 10):
            if deadline is not None and time.perf_counter() >= deadline:
                break  # out of time: the groups opened so far (sizes repaired next)
            seat, fill, lost, unseated = self.simulate()
            # Units seated elsewhere than their first choice, by first choice (one pass).
            wanting: Counter[str] = Counter()
            for i in self.order:
                first = self._first(i)
                if first is not None and seat.get(i) != first:
                    wanting[first] += self.units[i].size
            best, best_value = None, 0
            for m, value in lost.items():
                if value <= best_value or not self.can_open(m):
                    continue
                module = self.prep.modules[m]
                # A new group must be fillable up to the minimum size.
                if wanting[m] + fill[m] >= module.min_size * (len(self.opened[m]) + 1):
                    best, best_value = m, value
            if best is not None:
                # Where many more want it than a group holds, open several at once (half of
                # what they would fill): the next simulation re-seats everyone anyway.
                more = wanting[best] // (2 * self.prep.modules[best].max_size)
                self.open(best)
                for _more in range(more):
                    if not self.can_open(best):
                        break
                    self.open(best)
                continue
            if not unseated:
                return
            # Seats are missing: open where the unseated students gain the most.
            totals: Counter[str] = Counter()
            for i in unseated:
                for m in self.units[i].options:
                    if self.can_open(m):
                        totals[m] += self.gains[i][m] + 1
            if not totals:
                return
            self.open(max(totals, key=lambda m: (totals[m], m)))

    def _first(self, i: int) -> str | None:
        for m in self.prefs[i]:
            if m not in self.banned:
                return m
        return None

    def _repair_sizes(self) -> None:
        for _ in range(3 * len(self.prep.modules) + 10):
            seat, fill, _lost, unseated = self.simulate()
            if unseated:
                before = sum(len(g) for g in self.opened.values())
                self._open_for(unseated)
                if sum(len(g) for g in self.opened.values()) > before:
                    continue
            short = [
                m
                for m in self.opened
                if fill[m] < self.prep.modules[m].min_size * len(self.opened[m])
            ]
            if not short:
                return
            m = max(
                short, key=lambda m: self.prep.modules[m].min_size * len(self.opened[m]) - fill[m]
            )
            module = self.prep.modules[m]
            groups = len(self.opened[m])
            if groups > 1:
                self.close(m)
                continue
            missing = module.min_size - fill[m]
            if self._pull(m, missing, seat, fill):
                continue
            self.close(m)
            self.banned.add(m)
            self.forced = {i: mm for i, mm in self.forced.items() if mm != m}

    def _open_for(self, unseated: list[int]) -> None:
        totals: Counter[str] = Counter()
        openable: dict[str, bool] = {}  # nothing opens during the loop: ask once per module
        for i in unseated:
            for m in self.units[i].options:
                if m not in openable:
                    openable[m] = self.can_open(m)
                if openable[m]:
                    totals[m] += self.gains[i][m] + 1
        if totals:
            self.open(max(totals, key=lambda m: (totals[m], m)))

    def _pull(self, m: str, missing: int, seat: dict[int, str], fill: Counter[str]) -> bool:
        """Move the units that lose least to ``m`` from modules that stay above minimum."""
        spare = {
            mm: fill[mm] - self.prep.modules[mm].min_size * len(self.opened[mm])
            for mm in self.opened
        }
        moves = sorted(
            (
                self.gains[i][seat[i]] - self.gains[i][m],
                i,
            )
            for i in seat
            if seat[i] != m and m in self.gains[i] and i not in self.forced
        )
        chosen = []
        for _loss, i in moves:
            if missing <= 0:
                break
            source = seat[i]
            size = self.units[i].size
            if spare[source] < size:
                continue
            spare[source] -= size
            missing -= size
            chosen.append(i)
        if missing > 0:
            return False
        for i in chosen:
            self.forced[i] = m
        return True

    # -- cutting modules into groups -------------------------------------------------------
    def _split(self, seat: dict[int, str]) -> list[Group]:
        prep, t = self.prep, self.t
        by_module: dict[str, list[int]] = defaultdict(list)
        for i, m in seat.items():
            by_module[m].append(i)
        cut: list[tuple[str, Staff, Room, list[Item]]] = []
        for m, units in by_module.items():
            module = prep.modules[m]
            slots = sorted(self.opened[m], key=lambda pr: (-pr[1].capacity, pr[1].id))
            caps = [min(module.max_size, room.capacity) for _p, room in slots]
            items = [self.units[i].members for i in units]
            try:
                # Without mixing, the review re-cuts every pool: sizes are all that matter.
                quick = None if self.mix else cut_blocks_first(prep, m, items, caps)
                chunks = quick or cut_pool(prep, m, items, caps, mix=self.mix)
            except ValueError:
                chunks = [items[j :: len(caps)] for j in range(len(caps))]
            cut.extend(
                (m, person, room, chunk)
                for (person, room), chunk in zip(slots, chunks, strict=True)
            )
        options = {u.members: u.options for u in self.units}
        _separate_across_modules(cut, {frozenset(p) for p in prep.apart_pairs()}, options)
        return [
            Group(t, m, (person.id,), room.id, tuple(s for item in chunk for s in item))
            for m, person, room, chunk in cut
        ]


class _Polisher:
    """Moves and swaps of students between the modules of a slot, keeping every group
    (module, staff, room) and every size rule; each change is kept if it raises the
    objective (needs, wishes, homogeneity, mixing, change — computed incrementally)."""

    def __init__(self, prep: Prepared, groups: list[Group]) -> None:
        self.prep = prep
        inst = prep.instance
        self.w = inst.weights
        self.repeated = inst.previous_modules()
        self.fixed = [g for g in groups if g.locked]
        self.scheme = {st: prep.scheme_of(st) for st in prep.students}
        # A pool is (slot, module, scheme): students move only between groups of their own
        # scheme, so that no move mixes schemes kept apart (the scheme is "" otherwise).
        self.pools: dict[PoolKey, list[Group]] = defaultdict(list)
        for g in groups:
            if not g.locked and g.students:
                self.pools[g.slot, g.module, prep.scheme_of(g.students[0])].append(g)
        # Ordered (dicts, not sets) so that the result never depends on hashing.
        self.members: dict[PoolKey, dict[Item, None]] = defaultdict(dict)
        self.seat: dict[tuple[str, Item], str] = {}
        self.units: dict[str, list[Item]] = defaultdict(list)
        self.locked_units: dict[str, list[Item]] = defaultdict(list)
        self.options: dict[tuple[str, Item], tuple[str, ...]] = {}
        for t in prep.slot_ids:
            for block in prep.blocks[t]:
                self._add_unit(t, block.members, block.options)
            for st in prep.free[t]:
                if (st, t) not in prep.block_of:
                    self._add_unit(t, (st,), tuple(prep.options[st, t]))
        for (t, m, k), pool in self.pools.items():
            present = {st for g in pool for st in g.students}
            for item in self.units[t] + self.locked_units[t]:
                if item[0] in present:
                    self.seat[t, item] = m
                    self.members[t, m, k][item] = None
        self.served: dict[str, Counter[str]] = defaultdict(Counter)
        self.attended: dict[str, Counter[str]] = defaultdict(Counter)
        self.divisions: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for g in groups:
            comp = prep.modules[g.module].competency
            for st in g.students:
                self.attended[st][g.module] += 1
                if comp is not None:
                    self.served[st][comp] += 1
                self.divisions[g.slot, g.module][prep.students[st].division] += 1
        self.apart: dict[str, set[str]] = defaultdict(set)
        for a, b in prep.apart_pairs():
            self.apart[a].add(b)
            self.apart[b].add(a)
        self.sizes: Counter[PoolKey] = Counter(
            {key: sum(len(item) for item in items) for key, items in self.members.items()}
        )
        self.bounds: dict[PoolKey, tuple[int, int]] = {}
        for (t, m, k), pool in self.pools.items():
            module = prep.modules[m]
            rooms = {r.id: r.capacity for r in inst.slot(t).rooms}
            self.bounds[t, m, k] = (
                module.min_size * len(pool),
                sum(min(module.max_size, rooms[g.room]) for g in pool),
            )
        self.wish_rank = {s.id: {m: r for r, m in enumerate(s.wishes)} for s in inst.students}
        self.values: dict[tuple[str, str], int] = {}

    def _add_unit(self, t: str, members: Item, options: tuple[str, ...]) -> None:
        if any((st, t) in self.prep.locks for st in members):
            # Locked students stay where the coordinator put them: in their pool (the cut
            # must seat them), never moved.
            self.locked_units[t].append(members)
            return
        self.units[t].append(members)
        self.options[t, members] = options

    def key(self, t: str, m: str, item: Item) -> PoolKey:
        """The pool ``item`` is in, or would join, when it attends ``m`` in ``t``."""
        return (t, m, self.scheme[item[0]])

    def size(self, key: PoolKey) -> int:
        return self.sizes[key]

    def limits(self, key: PoolKey) -> tuple[int, int]:
        return self.bounds[key]

    def value(self, st: str, m: str) -> int:
        """Objective earned by ``st`` attending ``m`` that does not depend on other slots."""
        found = self.values.get((st, m))
        if found is None:
            found = self.values[st, m] = self._value(st, m)
        return found

    def _value(self, st: str, m: str) -> int:
        module = self.prep.modules[m]
        level = self.prep.students[st].level(module.competency)
        penalty = self.w.homogeneity * module.distance(level)
        if m in self.repeated.get(st, ()):
            penalty += self.w.change
        return -penalty

    def gain(self, t: str, item: Item, source: str, target: str) -> int:
        """Objective change of moving ``item`` from ``source`` to ``target`` in slot ``t``."""
        prep, w = self.prep, self.w
        c1 = prep.modules[source].competency
        c2 = prep.modules[target].competency
        if len(item) == 1:  # the usual case, without the counters
            st = item[0]
            student = prep.students[st]
            delta = self.value(st, target) - self.value(st, source)
            if c1 != c2:
                served = self.served[st]
                if c1 is not None and served[c1] == 1:
                    delta -= w.need_value(student.level(c1))
                if c2 is not None and served[c2] == 0:
                    delta += w.need_value(student.level(c2))
            wishes = self.wish_rank[st]
            if source in wishes and self.attended[st][source] == 1:
                delta -= w.wish_value(wishes[source])
            if target in wishes and self.attended[st][target] == 0:
                delta += w.wish_value(wishes[target])
            d = student.division
            if self.divisions[t, source][d] == 1:
                delta -= w.mix
            if self.divisions[t, target][d] == 0:
                delta += w.mix
            return delta
        delta = 0
        moved: Counter[str] = Counter()
        for st in item:
            student = prep.students[st]
            delta += self.value(st, target) - self.value(st, source)
            if c1 != c2:
                if c1 is not None and self.served[st][c1] == 1:
                    delta -= w.need_value(student.level(c1))
                if c2 is not None and self.served[st][c2] == 0:
                    delta += w.need_value(student.level(c2))
            wishes = self.wish_rank[st]
            if source in wishes and self.attended[st][source] == 1:
                delta -= w.wish_value(wishes[source])
            if target in wishes and self.attended[st][target] == 0:
                delta += w.wish_value(wishes[target])
            moved[student.division] += 1
        for d, k in moved.items():
            if self.divisions[t, source][d] == k:
                delta -= w.mix
            if self.divisions[t, target][d] == 0:
                delta += w.mix
        return delta

    def apply(self, t: str, item: Item, source: str, target: str) -> None:
        c1 = self.prep.modules[source].competency
        c2 = self.prep.modules[target].competency
        for st in item:
            if c1 is not None:
                self.served[st][c1] -= 1
            if c2 is not None:
                self.served[st][c2] += 1
            self.attended[st][source] -= 1
            self.attended[st][target] += 1
            division = self.prep.students[st].division
            self.divisions[t, source][division] -= 1
            self.divisions[t, target][division] += 1
        del self.members[self.key(t, source, item)][item]
        self.members[self.key(t, target, item)][item] = None
        self.sizes[self.key(t, source, item)] -= len(item)
        self.sizes[self.key(t, target, item)] += len(item)
        self.seat[t, item] = target

    def apart_ok(self, t: str, item: Item, target: str, leaving: Item | None = None) -> bool:
        pool = self.key(t, target, item)
        if len(self.pools[pool]) > 1:
            return True
        partners = {b for st in item for b in self.apart.get(st, ())}
        if not partners:
            return True
        return not any(
            st in partners for other in self.members[pool] if other != leaving for st in other
        )

    def run(self, passes: int = 2, deadline: float | None = None) -> None:
        for _ in range(passes):
            improved = False
            for t in self.prep.slot_ids:
                if deadline is not None and time.perf_counter() >= deadline:
                    return
                for item in self.units[t]:
                    source = self.seat.get((t, item))
                    if source is None:
                        continue
                    if self._move(t, item, source) or self._swap(t, item, source):
                        improved = True
            if not improved:
                return

    def _move(self, t: str, item: Item, source: str) -> bool:
        low, _high = self.limits(self.key(t, source, item))
        if self.size(self.key(t, source, item)) - len(item) < low:
            return False
        best, best_gain = None, 0
        for target in self.options[t, item]:
            pool = self.key(t, target, item)
            if target == source or not self.pools.get(pool):
                continue
            if self.size(pool) + len(item) > self.limits(pool)[1]:
                continue
            if not self.apart_ok(t, item, target):
                continue
            gain = self.gain(t, item, source, target)
            if gain > best_gain:
                best, best_gain = target, gain
        if best is None:
            return False
        self.apply(t, item, source, best)
        return True

    def _swap(self, t: str, item: Item, source: str) -> bool:
        """Exchange ``item`` with a student of a full module it would rather join."""
        for target in self.options[t, item]:
            pool = self.key(t, target, item)
            if target == source or not self.pools.get(pool):
                continue
            if self.size(pool) + len(item) <= self.limits(pool)[1]:
                continue  # not full: a plain move was possible
            first = self.gain(t, item, source, target)
            if first <= 0:
                continue
            # The two moves are independent but for the divisions of the two pools: the
            # reverse move's gain, computed before the first is made, is within
            # mix × (students moved) × 2 of its true value. Only promising swaps are tried.
            margin = 2 * self.w.mix * 2 * len(item)
            for other in list(self.members[pool]):
                if len(other) != len(item) or source not in self.options.get((t, other), ()):
                    continue  # (locked students have no options: they never move)
                if first + self.gain(t, other, target, source) + margin <= 0:
                    continue
                if not (
                    self.apart_ok(t, item, target, leaving=other)
                    and self.apart_ok(t, other, source, leaving=item)
                ):
                    continue
                self.apply(t, item, source, target)
                if first + self.gain(t, other, target, source) > 0:
                    self.apply(t, other, target, source)
                    return True
                self.apply(t, item, target, source)
        return False

    def groups(self) -> list[Group]:
        """The polished plan: each pool cut again into its groups (same staff and rooms)."""
        out = list(self.fixed)
        rooms = {t.id: {r.id: r.capacity for r in t.rooms} for t in self.prep.instance.slots}
        for (t, m, k), pool in self.pools.items():
            module = self.prep.modules[m]
            pool = sorted(pool, key=lambda g: (-rooms[t][g.room], g.room))
            caps = [min(module.max_size, rooms[t][g.room]) for g in pool]
            items = list(self.members[t, m, k])
            try:
                chunks = cut_pool(self.prep, m, items, caps)
            except ValueError:
                chunks = [items[j :: len(caps)] for j in range(len(caps))]
            for g, chunk in zip(pool, chunks, strict=True):
                out.append(
                    Group(
                        t, m, g.staff, g.room, tuple(st for item in chunk for st in item), id=g.id
                    )
                )
        return out


def polish_plan(
    prep: Prepared, groups: list[Group], *, deadline: float | None = None
) -> list[Group]:
    """Review a plan like a coordinator going over it: move or swap students between the
    modules of each slot while it serves them better (see :class:`_Polisher`), until
    ``deadline`` (a ``time.perf_counter()`` instant) if given."""
    polisher = _Polisher(prep, groups)
    polisher.run(deadline=deadline)
    return polisher.groups()


def _clash(chunk: list[Item], item: Item, apart: set[frozenset[str]]) -> bool:
    return any(
        frozenset((a, b)) in apart
        for other in chunk
        if other is not item
        for a in item
        for b in other
    )


def _separate_across_modules(
    cut: list[tuple[str, Staff, Room, list[Item]]],
    apart: set[frozenset[str]],
    options: dict[Item, tuple[str, ...]],
) -> None:
    """Last resort for a pair still sharing a group: swap one of them with a student of the
    same size in another module's group that both may join."""
    for i, (m, _p, _r, chunk) in enumerate(cut):
        for item in list(chunk):
            if not _clash(chunk, item, apart):
                continue
            for j, (other_m, _q, _s, other) in enumerate(cut):
                if j == i:
                    continue
                swap = next(
                    (
                        o
                        for o in other
                        if len(o) == len(item)
                        and other_m in options[item]
                        and m in options[o]
                        and not _clash([u for u in other if u is not o] + [item], item, apart)
                        and not _clash([u for u in chunk if u is not item] + [o], o, apart)
                    ),
                    None,
                )
                if swap is not None:
                    chunk[chunk.index(item)] = swap
                    other[other.index(swap)] = item
                    break


def division_plan(instance: Instance, *, prepared: Prepared | None = None) -> list[Group]:
    """Baseline (a): in every slot each division is one group following one module — the
    one serving the most unmet need of its students — with a free competent staff member
    and the largest free room when there is one. Sizes, levels and pairs are ignored."""
    prep = prepared or Prepared(instance)
    state = _State(prep)
    groups: list[Group] = []
    divisions: dict[str, list[str]] = defaultdict(list)
    for s in instance.students:
        divisions[s.division].append(s.id)
    for t in prep.slot_ids:
        staff = list(prep.instance.slot(t).staff)
        rooms = sorted(prep.instance.slot(t).rooms, key=lambda r: (-r.capacity, r.id))
        planned = []
        for d in sorted(divisions, key=lambda d: (-len(divisions[d]), d)):
            members = [s for s in divisions[d] if t not in prep.students[s].unavailable_slots]
            if not members:
                continue
            modules = [m for m in prep.modules.values() if m.runs_in(t)]
            staffed = [m for m in modules if any(prep.can_teach(p, m) for p in staff)] or modules
            module = max(staffed, key=lambda m: (sum(state.gain(s, m.id) for s in members), m.id))
            teachers = [p for p in staff if prep.can_teach(p, module)]
            person = min(teachers, key=lambda p: (state.load[p.id], p.id)) if teachers else None
            room = rooms.pop(0) if rooms else None
            if person is not None:
                staff.remove(person)
            planned.append(
                Group(
                    t,
                    module.id,
                    (person.id,) if person else (),
                    room.id if room else "",
                    tuple(members),
                    id=f"{t}-{d}",
                )
            )
        for g in planned:
            state.record(g)
        groups.extend(planned)
    return groups
