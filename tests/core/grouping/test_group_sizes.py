"""Group sizes within the module's bounds."""

from .builders import instance, module, solved, students


def test_it_cuts_a_module_into_groups_within_bounds():
    inst = instance(students(10), modules=[module("M", "MATH", 4, 5)])
    solution = solved(inst)
    assert solution.status == "optimal"
    assert sorted(len(g.students) for g in solution.groups) == [5, 5]


def test_it_reports_sizes_that_no_number_of_groups_fits():
    # 7 students: one group holds at most 6, two groups need at least 8.
    inst = instance(students(7), modules=[module("M", "MATH", 4, 6)])
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("tailles" in m for m in solution.messages), solution.messages
    assert all(m.startswith("Barrette lundi") for m in solution.messages)
