"""Rooms: one group per room and slot, room large enough."""

from .builders import instance, module, slot, solved, students


def test_small_rooms_force_more_groups():
    inst = instance(
        students(10),
        slots=[slot("lun", rooms=[("R1", 6), ("R2", 6)])],
        modules=[module("M", "MATH", 2, 10)],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    assert len(solution.groups) == 2
    assert {g.room for g in solution.groups} == {"R1", "R2"}
    assert all(len(g.students) <= 6 for g in solution.groups)


def test_it_reports_missing_room_capacity_with_figures():
    inst = instance(
        students(10),
        slots=[slot("lun", rooms=[("R1", 4), ("R2", 4)], label="lundi")],
        modules=[module("M", "MATH", 2, 10)],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert solution.messages == ("Barrette lundi : 10 élèves mais capacité des salles 8.",)


def test_a_room_below_every_minimum_is_useless():
    # Seats add up (10 + 3 >= 12) but a group needs at least 4 students: R2 cannot be used.
    inst = instance(
        students(12),
        slots=[slot("lun", rooms=[("R1", 10), ("R2", 3)], label="lundi")],
        modules=[module("M", "MATH", 4, 10)],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert solution.messages and all("Barrette lundi" in m for m in solution.messages)
