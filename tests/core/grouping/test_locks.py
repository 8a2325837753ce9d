"""Locks: a student locked in a module stays in it; a locked group is kept as it is."""

from .builders import group_of, instance, module, slot, solved, student, students


def _modules():
    return [module("M", "MATH", 2, 6), module("C", None, 2, 6, kind="culturel")]


def test_a_locked_student_stays_in_the_module():
    inst = instance(
        students(8, needs={"MATH": 3}),
        modules=_modules(),
        locked=[{"student": "S1", "slot": "lun", "module": "C"}],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    assert group_of(solution, "S1", "lun").module == "C"


def test_a_locked_group_is_kept_exactly_and_the_rest_is_planned_around_it():
    locked = {
        "slot": "lun",
        "module": "C",
        "staff": ["P1"],
        "room": "R1",
        "students": ["S1", "S2", "S3"],
    }
    inst = instance(students(8, needs={"MATH": 3}), modules=_modules(), locked_groups=[locked])
    solution = solved(inst)
    assert solution.status == "optimal"
    kept = [g for g in solution.groups if g.locked]
    assert len(kept) == 1
    assert set(kept[0].students) == {"S1", "S2", "S3"}
    assert (kept[0].staff, kept[0].room) == (("P1",), "R1")
    others = [g for g in solution.groups if not g.locked]
    assert all(g.staff != ("P1",) and g.room != "R1" for g in others)


def test_a_lock_on_an_unavailable_slot_is_explained():
    inst = instance(
        students(5) + [student("S9", unavailable=("lun",))],
        slots=[slot("lun", label="lundi")],
        locked=[{"student": "S9", "slot": "lun", "module": "M"}],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert solution.messages == (
        "Verrou impossible : l'élève S9 est indisponible sur la barrette lundi.",
    )


def test_a_locked_group_too_large_is_explained():
    locked = {
        "slot": "lun",
        "module": "M",
        "staff": ["P1"],
        "room": "R1",
        "students": [f"S{i}" for i in range(1, 9)],
    }
    inst = instance(students(8), modules=_modules(), locked_groups=[locked])
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("8 élèves, hors des tailles 2 à 6" in m for m in solution.messages), (
        solution.messages
    )
