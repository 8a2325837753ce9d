"""Bounds: the LP bound and the simple bound are never below a plan's objective."""

from appui.core.grouping import greedy_plan, preset
from appui.core.grouping.bounds import lp_bound, relative_gap, simple_upper_bound
from appui.core.grouping.model import GroupingModel
from appui.core.grouping.prepare import Prepared
from appui.core.grouping.validation import objective

from .builders import instance, module, slot, solved, student


def test_relative_gap():
    assert relative_gap(95, 100) == 0.05
    assert relative_gap(100, 100) == 0
    assert relative_gap(None, 100) is None


def test_the_bounds_hold_at_the_optimum_of_a_small_instance():
    inst = instance(
        [
            student(f"S{i}", division=f"d{i % 3}", needs={"MATH": i % 4, "FR": (i * 5) % 4})
            for i in range(12)
        ],
        slots=[slot("lun"), slot("mar")],
        modules=[
            module("M", "MATH", 2, 6, target_level=3),
            module("F", "FR", 2, 6),
            module("C", None, 2, 8),
        ],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    prep = Prepared(inst)
    assert lp_bound(GroupingModel(prep).model) >= solution.objective
    assert simple_upper_bound(inst, prep) >= solution.objective
    assert solution.bound == solution.objective


def test_the_lp_bound_is_above_the_greedy_plan_of_a_realistic_level():
    inst = preset("cap", seed=1)
    prep = Prepared(inst)
    bound = lp_bound(GroupingModel(prep).model)
    plan = greedy_plan(inst, prepared=prep)
    assert bound is not None
    assert objective(inst, plan) <= bound <= simple_upper_bound(inst, prep)
