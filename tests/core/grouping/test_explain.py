"""Per-student explanations in French."""

from appui.core.grouping import Group, explain, explain_all

from .builders import instance, module, slot, student


def test_it_names_the_need_its_rank_and_the_wish():
    inst = instance(
        [
            student("S1", needs={"MATH": 3, "FR": 2}, wishes=("C", "F")),
            student("S2", unavailable=("mar",)),
        ],
        slots=[slot("lun", label="lundi"), slot("mar", label="mardi"), slot("jeu", label="jeudi")],
        modules=[
            module("M", "MATH", 1, 4, label="Maths – soutien"),
            module("F", "FR", 1, 4),
            module("C", None, 1, 4),
        ],
        competency_labels={"MATH": "les mathématiques", "FR": "le français"},
    )
    plan = [
        Group("lun", "M", ("P1",), "R1", ("S1", "S2")),
        Group("mar", "F", ("P1",), "R1", ("S1",)),
        Group("jeu", "C", ("P2",), "R2", ("S1", "S2")),
    ]
    lines = explain(inst, plan, "S1")
    assert lines[0] == (
        "Le lundi, en Maths – soutien avec P1 (R1), parce que ton besoin le plus fort porte sur "
        "les mathématiques (niveau 3)."
    )
    assert lines[1] == (
        "Le mardi, en F avec P1 (R1), parce que ton deuxième besoin porte sur le français (niveau 2) ; "
        "ton vœu 2 est respecté."
    )
    assert lines[2] == "Le jeudi, en C avec P2 (R2), ton vœu 1 est respecté."
    others = explain_all(inst, plan)["S2"]
    assert others[1] == "Le mardi : pas de groupe, tu es indisponible sur ce créneau."
    assert "pour aller plus loin en mathématiques" in others[0]
