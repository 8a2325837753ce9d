"""Cut each pool (the students of one module in one slot) into its groups, and give rooms,
staff and ids.

The model decided who attends each module in each slot and how many groups of each
capacity class it has; the objective does not depend on how a pool is cut. The cut is made
for homogeneity: students are sorted by their need level in the module's competency and cut
into consecutive groups by dynamic programming, minimising the sum over groups of
size × level spread (max − min). Blocks of students who must be together stay whole; pairs
who must be apart are then separated, and students of equal level are swapped between the
pool's groups to spread divisions and last period's groupmates, which changes no level
range.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

from ortools.sat.python import cp_model

from .instance import Group
from .model import ModelContext, ModelResult
from .prepare import Prepared
from .start import Placement

Item = tuple[str, ...]  # students who go to the same group (a block, or one student)
_NONE: frozenset[str] = frozenset()


def split(ctx: ModelContext, result: ModelResult, *, slots: set[str] | None = None) -> list[Group]:
    """Named groups (locked ones included) for a solved model; only those of ``slots`` when
    given (a neighbourhood where the other slots did not change)."""
    prep = ctx.prep
    staff_by_pool: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (t, p, m), value in sorted(result.a.items()):
        if value:
            staff_by_pool[t, m].append(p)
    drafts: dict[str, list[Draft]] = defaultdict(list)
    for (t, m), classes in ctx.vars.classes.items():
        if slots is not None and t not in slots:
            continue
        caps = [e for e in classes for _ in range(result.y.get((t, m, e), 0))]
        if not caps:
            continue
        items: list[Item] = [
            block.members
            for b, block in enumerate(prep.blocks[t])
            if result.x.get((block.members[0], t, m), 0)
        ]
        items += [
            (s,) for s in prep.free[t] if (s, t) not in prep.block_of and result.x.get((s, t, m), 0)
        ]
        staff = staff_by_pool[t, m]
        if len(staff) != len(caps):
            raise RuntimeError(f"staff count mismatch in {t}/{m}")
        anchored = None
        if ctx.start is not None:
            anchored = _anchored_cut(prep, t, m, items, caps, staff, ctx.start)
        if anchored is not None:
            for cap, chunk, person, gid in anchored:
                drafts[t].append(Draft(t, m, cap, [s for it in chunk for s in it], person, gid))
            continue
        caps, chunks = _cut_by_scheme(prep, t, m, items, caps, result)
        for cap, chunk, person in zip(caps, chunks, staff, strict=True):
            drafts[t].append(Draft(t, m, cap, [s for item in chunk for s in item], person))
    return name_groups(prep, drafts, slots=slots)


# Long on purpose: one greedy pass per step (anchor, fill minimums, fill the rest, check).
def _anchored_cut(
    prep: Prepared,
    t: str,
    m: str,
    items: list[Item],
    caps: list[int],
    staff: list[str],
    start: Mapping[tuple[str, str], Placement],
) -> list[tuple[int, list[Item], str, str | None]] | None:
    """Minimal change: keep each student with their start group's staff member when the
    model kept both in the pool; newcomers fill the groups by level. None when that cut
    breaks a size, apart or scheme rule (the ordinary cut is then used)."""
    module = prep.modules[m]
    anchor: dict[str, list[Item]] = {p: [] for p in staff}
    ids: dict[str, str | None] = dict.fromkeys(staff)
    loose: list[Item] = []
    for it in items:
        place = start.get((it[0], t))
        home = None
        if place is not None and place.module == m:
            home = next((p for p in staff if p in place.staff), None)
        if home is None:
            loose.append(it)
        else:
            anchor[home].append(it)
            ids[home] = ids[home] or place.group_id  # type: ignore[union-attr]
    order = sorted(staff, key=lambda p: (-sum(len(it) for it in anchor[p]), p))
    cap_of = dict(zip(order, sorted(caps, reverse=True), strict=True))
    chunks = {p: list(anchor[p]) for p in staff}

    def size(p: str) -> int:
        return sum(len(it) for it in chunks[p])

    for p in staff:  # too many for the room or the module: the last ones become loose
        while size(p) > cap_of[p]:
            loose.append(chunks[p].pop())

    def mean(p: str) -> float:
        levels = [prep.level(s, m) for it in chunks[p] for s in it]
        return sum(levels) / len(levels) if levels else 1.5

    def fits(p: str, it: Item) -> bool:
        if size(p) + len(it) > cap_of[p] or _clashes(chunks[p] + [it], it, prep.apart_set):
            return False
        return not chunks[p] or prep.scheme_of(chunks[p][0][0]) == prep.scheme_of(it[0])

    loose.sort(key=lambda it: (-len(it), it))
    for needy in (True, False):
        for it in list(loose):
            level = sum(prep.level(s, m) for s in it) / len(it)
            targets = [p for p in staff if fits(p, it) and (not needy or size(p) < module.min_size)]
            if targets:
                best = min(targets, key=lambda p: (abs(mean(p) - level), size(p), p))
                chunks[best].append(it)
                loose.remove(it)
    if loose or any(size(p) < module.min_size for p in staff):
        return None
    for chunk in chunks.values():
        if len({prep.scheme_of(it[0]) for it in chunk}) > 1 or any(
            _clashes(chunk, it, prep.apart_set) for it in chunk
        ):
            return None
    return [(cap_of[p], chunks[p], p, ids[p]) for p in staff]


def _cut_by_scheme(
    prep: Prepared, t: str, m: str, items: list[Item], caps: list[int], result: ModelResult
) -> tuple[list[int], list[list[Item]]]:
    """Cut a pool into its groups; a pool shared out between schemes (``ys``) is cut one
    scheme at a time into that scheme's groups. Returns the capacities and the groups."""
    shares = {k: n for (tt, mm, _e, k), n in result.ys.items() if (tt, mm) == (t, m) and n}
    if not shares:
        return caps, cut_pool(prep, m, items, caps)
    all_caps: list[int] = []
    chunks: list[list[Item]] = []
    for k in sorted(shares):
        mine = [it for it in items if prep.scheme_of(it[0]) == k]
        # Capacities in the order of ``caps`` (largest first), as many as the scheme has.
        scheme_caps = [
            e for e in dict.fromkeys(caps) for _ in range(result.ys.get((t, m, e, k), 0))
        ]
        all_caps += scheme_caps
        chunks += cut_pool(prep, m, mine, scheme_caps)
    if sum(len(chunk) for chunk in chunks) != len(items):
        raise ValueError(f"{m}: students of a scheme without a group of their own")
    return all_caps, chunks


@dataclass
class Draft:
    """A group before it has a room and an id."""

    slot: str
    module: str
    capacity: int
    students: list[str] = field(default_factory=list)
    staff: str = ""
    #: The start group's id to keep (minimal change), if any.
    id: str | None = None


#: Seconds the exact cut of one pool (blocks, apart pairs) may take.
CUT_TIME = 1.0


def cut_pool(
    prep: Prepared, module: str, items: list[Item], caps: Sequence[int], *, mix: bool = True
) -> list[list[Item]]:
    """Cut a pool into ``len(caps)`` groups, group ``j`` holding at most ``caps[j]`` and at
    least the module's minimum; returns the groups in the order of ``caps``.

    Raises ``ValueError`` if the items cannot be cut at all (sizes out of reach).
    """
    min_size = prep.modules[module].min_size
    chunks = cut_by_level(prep, module, items, caps, min_size)
    if chunks is None:
        # Blocks of two in a nearly full pool may leave no consecutive cut: seat the
        # blocks first, then the single students by level.
        chunks = cut_blocks_first(prep, module, items, caps, min_size)
    if chunks is None or not _separate(prep, module, chunks):
        if len(caps) == 1 and chunks is not None:
            raise ValueError(f"{module}: students to keep apart in its only group")
        chunks = _cut_exactly(prep, module, items, caps, min_size)
    if mix:
        _mix(prep, module, chunks)
    return chunks


def _levels(prep: Prepared, module: str, item: Item) -> tuple[int, int]:
    values = [prep.level(s, module) for s in item]
    return min(values), max(values)


def cut_by_level(
    prep: Prepared, module: str, items: list[Item], caps: Sequence[int], min_size: int
) -> list[list[Item]] | None:
    """Consecutive cut of the items sorted by level minimising Σ size × spread (ties: the
    most even sizes), choosing which group takes which capacity. None if no cut fits."""
    items = sorted(
        items,
        key=lambda it: (_levels(prep, module, it), prep.students[it[0]].division, it),
    )
    n = len(items)
    sizes = [len(it) for it in items]
    bounds = [_levels(prep, module, it) for it in items]
    classes = sorted(set(caps), reverse=True)
    wanted = tuple(sum(1 for c in caps if c == e) for e in classes)
    target = sum(sizes) / max(1, len(caps))
    # best[(i, used)] = (cost, previous state, class index) for the first i items cut into
    # groups using ``used[k]`` groups of class k.
    start = (0, tuple(0 for _ in classes))
    best: dict[
        tuple[int, tuple[int, ...]], tuple[float, tuple[int, tuple[int, ...]] | None, int]
    ] = {start: (0.0, None, -1)}
    states = sorted(
        ((i, used) for i in range(n + 1) for used in product(*(range(w + 1) for w in wanted))),
        key=lambda st: (st[0], sum(st[1])),
    )
    for i, used in states:
        if (i, used) not in best:
            continue
        cost = best[i, used][0]
        for k, e in enumerate(classes):
            if used[k] >= wanted[k]:
                continue
            nxt = tuple(u + (1 if kk == k else 0) for kk, u in enumerate(used))
            size, lo, hi = 0, 10**9, -1
            for j in range(i, n):
                size += sizes[j]
                if size > e:
                    break
                lo, hi = min(lo, bounds[j][0]), max(hi, bounds[j][1])
                if size < min_size:
                    continue
                new = cost + 1000 * size * (hi - lo) + abs(size - target)
                key = (j + 1, nxt)
                if key not in best or new < best[key][0]:
                    best[key] = (new, (i, used), k)
    end = (n, wanted)
    if end not in best:
        return None
    cut: list[tuple[int, list[Item]]] = []
    state: tuple[int, tuple[int, ...]] | None = end
    while state is not None and state != start:
        _cost, previous, k = best[state]
        assert previous is not None
        cut.append((classes[k], items[previous[0] : state[0]]))
        state = previous
    cut.reverse()
    # Hand the groups back in the order of ``caps``.
    by_class: dict[int, list[list[Item]]] = defaultdict(list)
    for e, chunk in cut:
        by_class[e].append(chunk)
    return [by_class[e].pop(0) for e in caps]


def cut_blocks_first(
    prep: Prepared,
    module: str,
    items: list[Item],
    caps: Sequence[int],
    min_size: int | None = None,
) -> list[list[Item]] | None:
    """A cut with even sizes: the blocks (together lists) go first, each to the group with
    most room left, then the single students, sorted by level, fill the groups in turn.
    None if the sizes cannot be met this way."""
    if min_size is None:
        min_size = prep.modules[module].min_size
    total = sum(len(it) for it in items)
    sizes = [min_size] * len(caps)
    left = total - min_size * len(caps)
    if left < 0 or total > sum(caps):
        return None
    while left > 0:  # raise the group furthest below its capacity, one seat at a time
        j = max(range(len(caps)), key=lambda k: (caps[k] - sizes[k], -k))
        if sizes[j] >= caps[j]:
            return None
        sizes[j] += 1
        left -= 1
    chunks: list[list[Item]] = [[] for _ in caps]
    room = list(sizes)
    key = {it: (_levels(prep, module, it), it) for it in items}
    for item in sorted((it for it in items if len(it) > 1), key=lambda it: key[it]):
        j = max(range(len(caps)), key=lambda k: (room[k], -k))
        if room[j] < len(item):
            return None
        chunks[j].append(item)
        room[j] -= len(item)
    j = 0
    for item in sorted((it for it in items if len(it) == 1), key=lambda it: key[it]):
        while j < len(caps) and room[j] == 0:
            j += 1
        if j == len(caps):
            return None
        chunks[j].append(item)
        room[j] -= 1
    return chunks


def _clashes(chunk: list[Item], item: Item, apart: set[frozenset[str]]) -> bool:
    return any(
        frozenset((a, b)) in apart
        for other in chunk
        if other is not item
        for a in item
        for b in other
    )


def _separate(prep: Prepared, module: str, chunks: list[list[Item]]) -> bool:
    """Swap items until no apart pair shares a group: first with an item of the same size
    and levels elsewhere (no level range changes), else of the same size. False if stuck."""
    apart = prep.apart_set
    if not apart:
        return True
    for _ in range(3):
        stuck = False
        for i, chunk in enumerate(chunks):
            for item in list(chunk):
                if not _clashes(chunk, item, apart):
                    continue
                levels = sorted(prep.level(s, module) for s in item)
                candidates = [
                    (sorted(prep.level(s, module) for s in other) != levels, j, other)
                    for j, group in enumerate(chunks)
                    if j != i
                    for other in group
                    if len(other) == len(item)
                    and not _clashes([o for o in group if o is not other] + [item], item, apart)
                    and not _clashes([o for o in chunk if o is not item] + [other], other, apart)
                ]
                if not candidates:
                    stuck = True
                    continue
                _differs, j, other = min(candidates, key=lambda c: (c[0], c[1]))
                chunk[chunk.index(item)] = other
                chunks[j][chunks[j].index(other)] = item
        if not stuck:
            return not any(_clashes(c, it, apart) for c in chunks for it in c)
    return False


def _cut_exactly(
    prep: Prepared, module: str, items: list[Item], caps: Sequence[int], min_size: int
) -> list[list[Item]]:
    """Small exact model for pools the sorted cut cannot handle (blocks, apart pairs):
    minimise the sum of the groups' level spreads under every size and pair rule."""
    apart = prep.apart_set
    model = cp_model.CpModel()
    g_range = range(len(caps))
    u = {(i, g): model.new_bool_var("") for i in range(len(items)) for g in g_range}
    spread = []
    for i in range(len(items)):
        model.add_exactly_one(u[i, g] for g in g_range)
    for g in g_range:
        size = sum(len(it) * u[i, g] for i, it in enumerate(items))
        model.add(size >= min_size)
        model.add(size <= caps[g])
        lo = model.new_int_var(0, 3, "")
        hi = model.new_int_var(0, 3, "")
        for i, it in enumerate(items):
            a, b = _levels(prep, module, it)
            model.add(lo <= a).only_enforce_if(u[i, g])
            model.add(hi >= b).only_enforce_if(u[i, g])
        spread.append(hi - lo)
    for i, first in enumerate(items):
        for j in range(i + 1, len(items)):
            if any(frozenset((x, y)) in apart for x in first for y in items[j]):
                for g in g_range:
                    model.add(u[i, g] + u[j, g] <= 1)
    model.minimize(sum(spread))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # A feasible cut is what matters; proving its spread optimal is not worth the time.
    solver.parameters.max_time_in_seconds = CUT_TIME
    solver.parameters.relative_gap_limit = 0.25
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(f"cannot cut {module} into groups")
    return [[it for i, it in enumerate(items) if solver.value(u[i, g])] for g in g_range]


def _mix(prep: Prepared, module: str, chunks: list[list[Item]]) -> None:
    """Swap single students of equal level between groups while it spreads divisions and
    last period's groupmates better: a group scores 2 per division present, minus 1 per
    pair of last period's groupmates (bounded number of passes)."""
    if len(chunks) < 2:
        return
    mates = prep.former_mates
    apart = prep.apart_set
    division = {st: prep.students[st].division for c in chunks for it in c for st in it}
    counts = [Counter(division[st] for it in c for st in it) for c in chunks]
    present = [{st for it in c for st in it} for c in chunks]

    def delta(i: int, leaving: str, coming: str) -> int:
        """Score change of group i when ``leaving`` is replaced by ``coming``."""
        d_out, d_in = division[leaving], division[coming]
        change = 0
        if d_out != d_in:
            change -= 2 if counts[i][d_out] == 1 else 0
            change += 2 if counts[i][d_in] == 0 else 0
        group = present[i]
        change += len(mates.get(leaving, _NONE) & group)
        coming_mates = mates.get(coming, _NONE)
        change -= len(coming_mates & group) - (1 if leaving in coming_mates else 0)
        return change

    level = {st: prep.level(st, module) for c in chunks for it in c for st in it}

    def unhappy(i: int, st: str) -> bool:
        return counts[i][division[st]] > 1 or bool(mates.get(st, set()) & present[i])

    # Swaps keep every position's level, so each group's positions by level never change.
    by_levels: list[dict[int, list[int]]] = []
    for chunk in chunks:
        positions: dict[int, list[int]] = defaultdict(list)
        for ib, item_b in enumerate(chunk):
            if len(item_b) == 1:
                positions[level[item_b[0]]].append(ib)
        by_levels.append(positions)
    for _ in range(2):
        improved = False
        for i in range(len(chunks)):
            for j in range(len(chunks)):
                if i == j:
                    continue
                by_level = by_levels[j]
                for ia, item_a in enumerate(chunks[i]):
                    if len(item_a) != 1 or not unhappy(i, item_a[0]):
                        continue
                    a = item_a[0]
                    reunited = bool(mates.get(a, _NONE) & present[i])
                    for ib in by_level.get(level[a], ()):
                        item_b = chunks[j][ib]
                        b = item_b[0]
                        # Only a division new to group i, or leaving former mates, can help.
                        if counts[i][division[b]] and not reunited:
                            continue
                        if delta(i, a, b) + delta(j, b, a) <= 0:
                            continue
                        na = chunks[i][:ia] + [item_b] + chunks[i][ia + 1 :]
                        nb = chunks[j][:ib] + [item_a] + chunks[j][ib + 1 :]
                        if _clashes(na, item_b, apart) or _clashes(nb, item_a, apart):
                            continue
                        chunks[i], chunks[j] = na, nb
                        counts[i][division[a]] -= 1
                        counts[i][division[b]] += 1
                        counts[j][division[b]] -= 1
                        counts[j][division[a]] += 1
                        present[i] = (present[i] - {a}) | {b}
                        present[j] = (present[j] - {b}) | {a}
                        improved = True
                        break
        if not improved:
            return


def name_groups(
    prep: Prepared, drafts_by_slot: dict[str, list[Draft]], *, slots: set[str] | None = None
) -> list[Group]:
    """Give rooms (Hall's matching: largest needs first) and ids; add the locked groups."""
    groups: list[Group] = []
    used_ids: set[str | None] = {g.id for g in prep.instance.locked_groups if g.id}
    order = {m: i for i, m in enumerate(prep.modules)}
    for t in prep.slot_ids:
        if slots is not None and t not in slots:
            continue
        for i, g in enumerate(prep.locked_groups[t]):
            gid = g.id or _fresh_id(f"{t}-{g.module}-v", used_ids, i + 1)
            used_ids.add(gid)
            groups.append(Group(g.slot, g.module, g.staff, g.room, g.students, id=gid, locked=True))
        drafts = sorted(drafts_by_slot.get(t, []), key=lambda d: (-d.capacity, -len(d.students)))
        rooms = prep.free_rooms[t]
        if len(drafts) > len(rooms):
            raise RuntimeError(f"not enough rooms in {t}")
        placed = list(zip(drafts, rooms, strict=False))
        for d, room in placed:
            if room.capacity < len(d.students):
                raise RuntimeError(f"room {room.id} too small in {t}")

        def level_key(d: Draft) -> tuple[int, int, str]:
            levels = [prep.level(s, d.module) for s in d.students] or [0]
            return (-max(levels), -min(levels), d.staff)

        placed.sort(key=lambda dr: (order[dr[0].module], level_key(dr[0])))
        rank: Counter[str] = Counter()
        for d, room in placed:
            rank[d.module] += 1
            if d.id is not None and d.id not in used_ids:
                gid = d.id
            else:
                gid = _fresh_id(f"{t}-{d.module}-", used_ids, rank[d.module])
            used_ids.add(gid)
            groups.append(
                Group(
                    slot=t,
                    module=d.module,
                    staff=(d.staff,),
                    room=room.id,
                    students=tuple(sorted(d.students, key=lambda s: (-prep.level(s, d.module), s))),
                    id=gid,
                )
            )
    return groups


def _fresh_id(prefix: str, used: set[str | None], start: int) -> str:
    n = start
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"
