"""Need served: highest needs first, a competency counted once per student per period."""

from appui.core.grouping.validation import objective_terms

from .builders import group_of, instance, module, slot, solved, student


def test_a_competency_counts_once_so_the_second_slot_serves_another_need():
    inst = instance(
        [student(f"S{i}", needs={"MATH": 3, "FR": 2}) for i in range(4)],
        slots=[slot("lun"), slot("mar")],
        modules=[module("M", "MATH", 1, 10), module("F", "FR", 1, 10)],
    )
    solution = solved(inst)
    for i in range(4):
        modules = {group_of(solution, f"S{i}", t).module for t in ("lun", "mar")}
        assert modules == {"M", "F"}
    w = inst.weights
    assert solution.terms["need"] == 4 * (w.need_value(3) + w.need_value(2))


def test_the_highest_need_is_served_when_only_one_slot_exists():
    inst = instance(
        [student("S1", needs={"MATH": 1, "FR": 3}), student("S2", needs={"MATH": 1, "FR": 3})],
        modules=[module("M", "MATH", 1, 10), module("F", "FR", 1, 10)],
    )
    solution = solved(inst)
    assert group_of(solution, "S1", "lun").module == "F"
    assert objective_terms(inst, solution.groups)["need"] == 2 * inst.weights.need_value(3)
