"""Students who must be apart never share a group."""

from .builders import group_of, instance, module, slot, solved, students


def test_it_separates_them_into_two_groups_of_the_same_module():
    inst = instance(students(8), modules=[module("M", "MATH", 2, 8)], apart=[["S1", "S2"]])
    solution = solved(inst)
    assert solution.status == "optimal"
    assert group_of(solution, "S1", "lun") != group_of(solution, "S2", "lun")


def test_one_room_cannot_keep_them_apart():
    inst = instance(
        students(8),
        slots=[slot("lun", rooms=[("R1", 30)], label="lundi")],
        modules=[module("M", "MATH", 2, 8)],
        apart=[["S1", "S2"]],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("séparer" in m for m in solution.messages), solution.messages
