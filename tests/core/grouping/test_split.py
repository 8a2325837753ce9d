"""Cutting a module's students into groups: by level (exact DP), blocks whole, apart separated."""

from appui.core.grouping.prepare import Prepared
from appui.core.grouping.split import cut_by_level, cut_pool

from .builders import instance, module, student


def _prep(levels, **extra):
    inst = instance(
        [
            student(f"S{i}", division="2A" if i % 2 else "2B", needs={"MATH": lv})
            for i, lv in enumerate(levels)
        ],
        modules=[module("M", "MATH", 2, 10)],
        **extra,
    )
    return Prepared(inst)


def spread(prep, chunk):
    levels = [prep.level(s, "M") for item in chunk for s in item]
    return max(levels) - min(levels)


def test_the_cut_minimises_size_times_spread():
    prep = _prep([3, 0, 3, 1, 0, 3, 1, 0])
    items = [(f"S{i}",) for i in range(8)]
    chunks = cut_by_level(prep, "M", items, [5, 5], 3)
    assert chunks is not None
    # Levels 0 0 0 1 1 3 3 3: {0,0,0,1,1} + {3,3,3} costs 5 × 1 + 3 × 0 = 5, the least;
    # {0,0,0} + {1,1,3,3,3} costs 10 and {0,0,0,1} + {1,3,3,3} costs 12.
    assert sum(len(c) * spread(prep, c) for c in chunks) == 5


def test_capacities_are_respected_in_the_order_given():
    prep = _prep([0] * 5 + [3] * 2)
    items = [(f"S{i}",) for i in range(7)]
    chunks = cut_pool(prep, "M", items, [2, 5])
    assert [len(c) for c in chunks] == [2, 5]


def test_blocks_stay_whole_and_apart_pairs_are_separated():
    prep = _prep([0, 0, 0, 0, 3, 3, 3, 3], together=[["S0", "S4"]], apart=[["S1", "S2"]])
    block = next(b for b in prep.blocks["lun"] if len(b.members) == 2)
    items = [block.members] + [(f"S{i}",) for i in (1, 2, 3, 5, 6, 7)]
    chunks = cut_pool(prep, "M", items, [4, 4])
    for chunk in chunks:
        members = {s for item in chunk for s in item}
        assert not {"S1", "S2"} <= members
        assert ("S0" in members) == ("S4" in members)
