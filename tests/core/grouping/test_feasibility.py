"""French explanations of infeasible instances: prechecks with figures, then CP-SAT's core."""

from appui.core.grouping.feasibility import diagnose, precheck
from appui.core.grouping.prepare import Prepared

from .builders import instance, module, slot, students


def test_the_issue_example_message():
    inst = instance(
        students(118),
        slots=[slot("mar", rooms=[(f"R{i}", 24) for i in range(4)], label="mardi")],
        modules=[module("M", "MATH", 2, 30)],
    )
    assert precheck(Prepared(inst)) == ["Barrette mardi : 118 élèves mais capacité des salles 96."]


def test_too_few_students_for_any_module():
    inst = instance(
        students(3), slots=[slot("lun", label="lundi")], modules=[module("M", "MATH", 5, 10)]
    )
    assert precheck(Prepared(inst)) == [
        "Barrette lundi : 3 élèves, moins que la plus petite taille minimale des modules (5)."
    ]


def test_no_competent_staff():
    inst = instance(students(6), slots=[slot("lun", staff=[("P1", ["FR"])], label="lundi")])
    assert precheck(Prepared(inst)) == [
        "Barrette lundi : 6 élèves mais aucun module ne peut ouvrir (intervenants compétents ou salles manquants)."
    ]


def test_diagnosis_names_the_slot_and_the_rules():
    inst = instance(
        students(7), slots=[slot("lun", label="lundi")], modules=[module("M", "MATH", 4, 6)]
    )
    prep = Prepared(inst)
    assert precheck(prep) == []
    messages = diagnose(prep, time_limit=5)
    assert messages and all(
        m.startswith("Barrette lundi : impossible de respecter") for m in messages
    )
