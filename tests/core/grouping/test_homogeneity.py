"""Homogeneity: students go to the module aimed at their level; groups are cut by level."""

from .builders import group_of, instance, module, solved, student


def test_students_go_to_the_module_aimed_at_their_level():
    inst = instance(
        [student(f"F{i}", needs={"MATH": 3}) for i in range(2)]
        + [student(f"G{i}", needs={"MATH": 0}) for i in range(2)],
        modules=[
            module("M-soutien", "MATH", 2, 2, target_level=3),
            module("M-appro", "MATH", 2, 2, target_level=0, kind="approfondissement"),
        ],
    )
    solution = solved(inst)
    assert {group_of(solution, f"F{i}", "lun").module for i in range(2)} == {"M-soutien"}
    assert {group_of(solution, f"G{i}", "lun").module for i in range(2)} == {"M-appro"}
    assert solution.terms["homogeneity"] == 0


def test_a_module_is_cut_into_groups_of_close_levels():
    inst = instance(
        [student(f"S{i}", needs={"MATH": level}) for i, level in enumerate([0, 3, 0, 3, 0, 3])],
        modules=[module("M", "MATH", 3, 3)],
    )
    solution = solved(inst)
    for g in solution.groups:
        levels = {inst.student(s).level("MATH") for s in g.students}
        assert len(levels) == 1
    assert solution.metrics["mean_spread"] == 0
