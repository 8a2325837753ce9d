"""validation.py rejects hand-broken plans, rule by rule, independently of the solver."""

from dataclasses import replace

import pytest

from appui.core.grouping import Group, check
from appui.core.grouping.validation import violations

from .builders import instance, module, slot, solved, student, students


@pytest.fixture(scope="module")
def case():
    inst = instance(
        students(10, needs={"MATH": 2}) + [student("S11", unavailable=("mar",))],
        slots=[slot("lun", label="lundi"), slot("mar", label="mardi")],
        modules=[module("M", "MATH", 2, 6, levels=[1, 3]), module("C", None, 2, 6)],
        together=[["S1", "S2"]],
        apart=[["S3", "S4"]],
        locked=[{"student": "S5", "slot": "mar", "module": "C"}],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    return inst, list(solution.groups)


def rules(inst, groups):
    return {v.rule for v in violations(inst, groups)}


def replace_group(groups, index, **changes):
    out = list(groups)
    out[index] = replace(out[index], **changes)
    return out


def test_the_solvers_plan_is_valid(case):
    inst, groups = case
    assert violations(inst, groups) == []
    assert check(inst, groups).ok


def test_a_missing_student_is_reported(case):
    inst, groups = case
    g = groups[0]
    broken = replace_group(groups, 0, students=g.students[1:])
    assert "placement" in rules(inst, broken)


def test_a_student_twice_in_a_slot_is_reported(case):
    inst, groups = case
    same_slot = [i for i, g in enumerate(groups) if g.slot == groups[0].slot and i != 0]
    extra = next(s for s in groups[same_slot[0]].students if s not in groups[0].students)
    broken = replace_group(groups, 0, students=groups[0].students + (extra,))
    assert "placement" in rules(inst, broken)


def test_an_unavailable_student_placed_is_reported(case):
    inst, groups = case
    index = next(i for i, g in enumerate(groups) if g.slot == "mar")
    broken = replace_group(groups, index, students=groups[index].students + ("S11",))
    messages = [v.message for v in violations(inst, broken)]
    assert "Barrette mardi : l'élève S11 est indisponible mais placé." in messages


def test_sizes_out_of_bounds_are_reported(case):
    inst, groups = case
    small = replace_group(groups, 0, students=groups[0].students[:1])
    assert "size" in rules(inst, small)
    merged = [g for g in groups if g.slot == "lun"]
    big = Group(
        "lun",
        merged[0].module,
        merged[0].staff,
        merged[0].room,
        tuple(s for g in merged for s in g.students),
    )
    assert "size" in rules(inst, [big] + [g for g in groups if g.slot != "lun"])


def test_a_room_too_small_and_a_room_used_twice_are_reported():
    inst = instance(
        students(6),
        slots=[slot("lun", rooms=[("R1", 2), ("R2", 30)])],
        modules=[module("M", "MATH", 1, 6)],
    )
    broken = [
        Group("lun", "M", ("P1",), "R1", ("S1", "S2", "S3")),
        Group("lun", "M", ("P2",), "R1", ("S4", "S5", "S6")),
    ]
    assert {"room_capacity", "room_clash"} <= rules(inst, broken)


def test_staff_clashes_and_competency_are_reported():
    inst = instance(
        students(4),
        slots=[slot("lun", staff=[("P1", ["MATH"]), ("P2", ["FR"])])],
        modules=[module("M", "MATH", 1, 6)],
    )
    broken = [
        Group("lun", "M", ("P1",), "R1", ("S1", "S2")),
        Group("lun", "M", ("P1",), "R2", ("S3", "S4")),
    ]
    assert "staff_clash" in rules(inst, broken)
    wrong = [Group("lun", "M", ("P2",), "R1", ("S1", "S2", "S3", "S4"))]
    assert "staff_competency" in rules(inst, wrong)
    nobody = [Group("lun", "M", (), "R1", ("S1", "S2", "S3", "S4"))]
    assert "staff" in rules(inst, nobody)


def test_levels_outside_the_module_are_reported():
    inst = instance(
        [student("S1", needs={"MATH": 2}), student("S2", needs={"MATH": 0})],
        modules=[module("M", "MATH", 1, 6, levels=[1, 3])],
    )
    plan = [Group("lun", "M", ("P1",), "R1", ("S1", "S2"))]
    messages = [v.message for v in violations(inst, plan)]
    assert messages == [
        "Groupe M (lundi) : l'élève S2 a un besoin de niveau 0, le module vise les niveaux 1 à 3."
    ]


def test_pairs_and_locks_are_reported(case):
    inst, groups = case
    lun = [i for i, g in enumerate(groups) if g.slot == "lun"]
    # Move S1 away from S2, and put S3 with S4.
    home1 = next(i for i in lun if "S1" in groups[i].students)
    away = next(i for i in lun if i != home1)
    moved = list(groups)
    moved[home1] = replace(
        groups[home1], students=tuple(s for s in groups[home1].students if s != "S1")
    )
    moved[away] = replace(groups[away], students=groups[away].students + ("S1",))
    assert "together" in rules(inst, moved)
    home3 = next(i for i in lun if "S3" in groups[i].students)
    home4 = next(i for i in lun if "S4" in groups[i].students)
    if home3 != home4:
        joined = list(groups)
        joined[home4] = replace(
            groups[home4], students=tuple(s for s in groups[home4].students if s != "S4")
        )
        joined[home3] = replace(groups[home3], students=groups[home3].students + ("S4",))
        assert "apart" in rules(inst, joined)
    mar = [i for i, g in enumerate(groups) if g.slot == "mar"]
    home5 = next(i for i in mar if "S5" in groups[i].students)
    other = next(i for i in mar if groups[i].module != groups[home5].module)
    unlocked = list(groups)
    unlocked[home5] = replace(
        groups[home5], students=tuple(s for s in groups[home5].students if s != "S5")
    )
    unlocked[other] = replace(groups[other], students=groups[other].students + ("S5",))
    assert "lock" in rules(inst, unlocked)


def test_a_changed_locked_group_is_reported():
    locked = {"slot": "lun", "module": "M", "staff": ["P1"], "room": "R1", "students": ["S1", "S2"]}
    inst = instance(students(4), modules=[module("M", "MATH", 1, 6)], locked_groups=[locked])
    plan = [
        Group("lun", "M", ("P1",), "R1", ("S1", "S2", "S3")),
        Group("lun", "M", ("P2",), "R2", ("S4",)),
    ]
    assert "locked_group" in rules(inst, plan)


def test_check_recomputes_the_objective_and_flags_a_false_claim(case):
    inst, groups = case
    from appui.core.grouping import Solution

    claimed = Solution(status="optimal", groups=tuple(groups), objective=999_999, bound=1_000_000)
    report = check(inst, claimed)
    assert report.ok
    assert report.stated_objective == 999_999
    assert report.objective != 999_999
    assert report.metrics["gap"] is not None
