"""Staff: one competent staff member per group, one group per slot, max_groups per period."""

from .builders import instance, module, slot, solved, student, students


def test_each_group_is_led_by_someone_who_teaches_its_competency():
    inst = instance(
        [student(f"S{i}", needs={"MATH": 2} if i < 4 else {"FR": 2}) for i in range(8)],
        slots=[slot("lun", staff=[("PM", ["MATH"]), ("PF", ["FR"])])],
        modules=[module("M", "MATH", 2, 8), module("F", "FR", 2, 8)],
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    leaders = {g.module: g.staff for g in solution.groups}
    assert leaders == {"M": ("PM",), "F": ("PF",)}


def test_it_reports_too_few_staff():
    inst = instance(
        students(12),
        slots=[slot("lun", staff=[("P1", ["MATH"])], label="lundi")],
        modules=[module("M", "MATH", 2, 6)],
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert solution.messages == (
        "Barrette lundi : 12 élèves mais 1 intervenants disponibles, soit 6 places au plus.",
    )


def test_it_respects_a_staff_members_limit_over_the_period():
    slots = [
        {
            **slot("lun", staff=[("P1", ["MATH"])]),
            "staff": [{"id": "P1", "competencies": ["MATH"], "max_groups": 1}],
        },
        {
            **slot("mar", staff=[("P1", ["MATH"])]),
            "staff": [{"id": "P1", "competencies": ["MATH"], "max_groups": 1}],
        },
    ]
    solution = solved(instance(students(4), slots=slots))
    assert solution.status == "infeasible"
    assert any("intervenant" in m for m in solution.messages), solution.messages
