"""Mixing divisions: each module of a slot draws from as many divisions as it can."""

from .builders import instance, module, solved, student


def test_each_module_mixes_both_divisions():
    inst = instance(
        [student(f"A{i}", division="2A") for i in range(2)]
        + [student(f"B{i}", division="2B") for i in range(2)],
        modules=[module("X", None, 2, 2), module("Y", None, 2, 2)],
    )
    solution = solved(inst)
    for g in solution.groups:
        assert {inst.student(s).division for s in g.students} == {"2A", "2B"}
    assert solution.terms["mixing"] == 4 * inst.weights.mix
    assert solution.metrics["divisions_per_group"] == 2
