"""Changing groups: a module attended last period is not repeated when another fits as well;
last period's groupmates are spread over a module's groups."""

from .builders import group_of, instance, module, solved, student, students


def test_last_periods_module_is_not_repeated():
    inst = instance(
        [student(f"S{i}") for i in range(4)],
        modules=[module("X", None, 2, 4), module("Y", None, 2, 4)],
        previous_groups=[{"students": ["S0", "S1"], "module": "X", "slot": "lun"}],
    )
    solution = solved(inst)
    assert group_of(solution, "S0", "lun").module == "Y"
    assert group_of(solution, "S1", "lun").module == "Y"
    assert solution.terms["change"] == 0


def test_former_groupmates_are_spread_over_the_modules_groups():
    inst = instance(
        students(8),
        modules=[module("M", "MATH", 4, 4)],
        previous_groups=[["S1", "S2", "S3", "S4"], ["S5", "S6", "S7", "S8"]],
    )
    solution = solved(inst)
    for g in solution.groups:
        assert len(set(g.students) & {"S1", "S2", "S3", "S4"}) == 2
    assert solution.metrics["changed_share"] == 1.0
