"""Placement: every available student in exactly one group per slot; unavailable ones in none."""

from .builders import group_of, instance, module, slot, solved, student, students


def test_it_places_every_available_student_once_per_slot():
    inst = instance(
        students(5) + [student("S6", unavailable=("mar",))],
        slots=[slot("lun", label="lundi"), slot("mar", label="mardi")],
        modules=[module("M", "MATH", 2, 6)],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    for s in ("S1", "S2", "S3", "S4", "S5"):
        for t in ("lun", "mar"):
            group_of(solution, s, t)
    group_of(solution, "S6", "lun")
    assert not [g for g in solution.groups if g.slot == "mar" and "S6" in g.students]


def test_it_explains_in_french_when_seats_are_missing():
    inst = instance(
        students(8),
        slots=[slot("lun", staff=[("P1", ["MATH"])], rooms=[("R1", 30)], label="lundi")],
        modules=[module("M", "MATH", 2, 6)],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert solution.messages == ("Barrette lundi : 8 élèves mais capacité des salles 6.",)
