"""Students who must be together share a group in every slot where both are present."""

from .builders import group_of, instance, module, slot, solved, student


def test_they_share_a_group_in_every_slot():
    inst = instance(
        [student(f"S{i}", needs={"MATH": i % 4, "FR": (i * 7) % 4}) for i in range(12)],
        slots=[slot("lun"), slot("mar")],
        modules=[module("M", "MATH", 2, 6), module("F", "FR", 2, 6)],
        together=[["S1", "S2"]],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    for t in ("lun", "mar"):
        assert group_of(solution, "S1", t) == group_of(solution, "S2", t)


def test_together_and_apart_at_once_is_explained():
    inst = instance(
        [student(f"S{i}") for i in range(6)],
        together=[["S1", "S2"]],
        apart=[["S2", "S1"]],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("à la fois ensemble" in m for m in solution.messages), solution.messages


def test_no_common_module_is_explained():
    inst = instance(
        [student("S1", needs={"MATH": 3}), student("S2", needs={"MATH": 0})]
        + [student(f"T{i}", needs={"MATH": 3}) for i in range(4)],
        modules=[
            module("M-fort", "MATH", 1, 10, levels=[2, 3]),
            module("M-appro", "MATH", 1, 10, levels=[0, 1]),
        ],
        together=[["S1", "S2"]],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("ensemble S1, S2" in m for m in solution.messages), solution.messages
