"""Balanced staff load: groups spread over the staff over the period."""

from .builders import instance, slot, solved, students


def test_two_slots_are_led_by_two_people():
    both = [("P1", ["MATH"]), ("P2", ["MATH"])]
    inst = instance(
        students(4),
        slots=[
            slot("lun", staff=both, rooms=[("R1", 30)]),
            slot("mar", staff=both, rooms=[("R1", 30)]),
        ],
    )
    solution = solved(inst)
    leaders = [g.staff for g in sorted(solution.groups, key=lambda g: g.slot)]
    assert len(set(leaders)) == 2
    assert solution.terms["load"] == 0
