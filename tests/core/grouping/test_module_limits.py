"""A module's max_groups per slot and the slots it may run in."""

from .builders import instance, module, slot, solved, students


def test_max_groups_sends_the_others_to_another_module():
    inst = instance(
        students(10, needs={"MATH": 3}),
        modules=[
            module("M", "MATH", 2, 5, max_groups=1),
            module("C", None, 2, 10, kind="culturel"),
        ],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    assert sum(1 for g in solution.groups if g.module == "M") == 1


def test_max_groups_can_make_an_instance_infeasible():
    inst = instance(students(10), modules=[module("M", "MATH", 2, 5, max_groups=1)])
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert solution.messages


def test_a_module_only_runs_in_its_slots():
    inst = instance(
        students(4, needs={"MATH": 3}),
        slots=[slot("lun"), slot("mar")],
        modules=[module("M", "MATH", 2, 5, slots=["mar"]), module("C", None, 2, 10)],
    )
    solution = solved(inst)
    assert {g.slot for g in solution.groups if g.module == "M"} == {"mar"}
