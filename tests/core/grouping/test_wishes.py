"""Wishes: honoured in rank order when nothing else differs."""

from .builders import group_of, instance, module, solved, student


def test_first_wishes_are_honoured():
    inst = instance(
        [
            student("S1", wishes=("A",)),
            student("S2", wishes=("A",)),
            student("S3", wishes=("B", "A")),
        ]
        + [student("S4")],
        modules=[module("A", None, 2, 2, kind="culturel"), module("B", None, 2, 2, kind="projet")],
    )
    solution = solved(inst)
    assert group_of(solution, "S1", "lun").module == "A"
    assert group_of(solution, "S2", "lun").module == "A"
    assert group_of(solution, "S3", "lun").module == "B"
    assert solution.terms["wishes"] == 3 * inst.weights.wish_value(0)
    assert solution.metrics["wishes_honoured"] == 3 / 4
