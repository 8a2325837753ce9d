"""Terminale parcours kept apart: with the level's rule on, no group mixes pupils preparing
for insertion, pupils preparing for further studies and pupils who have not chosen yet
(seed 001, « le choix du parcours personnalisé »). The rule shares the special schemes'
machinery (one key per kind of pupil, ``Prepared.scheme_of``)."""

import pytest

from appui.core.grouping import Group, InstanceError, check, explain, greedy_plan

from .builders import group_of, instance, module, slot, solved, student, students


def with_parcours(parcours: str, *sids: str, **extra) -> list[dict]:
    return [{**student(sid), "parcours": parcours, **extra} for sid in sids]


def parcours_in(inst, group) -> set[str]:
    return {inst.student(s).parcours for s in group.students}


def two_parcours(staff: int = 2, **extra):
    return instance(
        with_parcours("insertion", "I1", "I2", "I3", "I4")
        + with_parcours("further_studies", "F1", "F2", "F3", "F4"),
        slots=[slot("lun", staff=[(f"P{i + 1}", ["MATH"]) for i in range(staff)], label="lundi")],
        modules=[module("M", "MATH", 3, 12)],
        **extra,
    )


def test_the_rule_gives_each_parcours_its_own_groups():
    inst = two_parcours(separate_parcours=True)
    solution = solved(inst)
    assert solution.status == "optimal"
    assert set(group_of(solution, "I1", "lun").students) == {"I1", "I2", "I3", "I4"}
    assert set(group_of(solution, "F1", "lun").students) == {"F1", "F2", "F3", "F4"}
    assert all(len(parcours_in(inst, g)) == 1 for g in solution.groups)
    why = explain(inst, solution, "I1")[0]
    assert "avec les élèves de ton parcours (préparation à l'insertion professionnelle)" in why


def test_with_the_rule_off_the_two_parcours_share_a_group():
    inst = two_parcours(staff=1)
    solution = solved(inst)
    assert solution.is_plan
    assert parcours_in(inst, group_of(solution, "I1", "lun")) == {"insertion", "further_studies"}


def test_one_group_for_two_parcours_is_infeasible_and_the_solver_names_the_rule():
    inst = two_parcours(staff=1, separate_parcours=True)
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("parcours de terminale" in m for m in solution.messages), solution.messages


def test_pupils_who_have_not_chosen_are_a_kind_of_their_own():
    inst = instance(
        students(2) + with_parcours("insertion", "I1", "I2", "I3", "I4"),
        modules=[module("M", "MATH", 3, 12)],
        separate_parcours=True,
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any(
        "2 élèves sans parcours choisi" in m and "les parcours ne se mélangent pas" in m
        for m in solution.messages
    ), solution.messages


def test_parcours_and_schemes_kept_apart_together():
    inst = instance(
        with_parcours("insertion", "I1", "I2", "I3")
        + with_parcours("insertion", "U1", "U2", "U3", scheme="ulis")
        + with_parcours("further_studies", "F1", "F2", "F3"),
        slots=[
            slot(
                "lun",
                staff=[(f"P{i}", ["MATH"]) for i in range(3)],
                rooms=[(f"R{i}", 30) for i in range(3)],
                label="lundi",
            )
        ],
        modules=[module("M", "MATH", 3, 12)],
        separate_parcours=True,
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.is_plan
    assert {frozenset(g.students) for g in solution.groups} == {
        frozenset({"I1", "I2", "I3"}),
        frozenset({"U1", "U2", "U3"}),
        frozenset({"F1", "F2", "F3"}),
    }


def test_validation_catches_a_hand_made_mixed_group():
    inst = two_parcours(separate_parcours=True)
    plan = [
        Group("lun", "M", ("P1",), "R1", ("I1", "I2", "I3", "F1"), id="g1"),
        Group("lun", "M", ("P2",), "R2", ("I4", "F2", "F3", "F4"), id="g2"),
    ]
    report = check(inst, plan)
    assert {v.rule for v in report.violations} == {"parcours"}
    message = report.violations[0].message
    assert "parcours de terminale mélangés" in message
    assert "préparation à la poursuite d'études : F1" in message
    assert check(inst.with_changes(separate_parcours=False), plan).ok


def test_the_greedy_plan_keeps_parcours_apart():
    inst = instance(
        with_parcours("insertion", *(f"I{i}" for i in range(1, 7)))
        + with_parcours("further_studies", *(f"F{i}" for i in range(1, 5))),
        slots=[slot("lun", label="lundi"), slot("mar", label="mardi")],
        modules=[module("M", "MATH", 4, 12), module("F", "FR", 4, 12)],
        separate_parcours=True,
    )
    report = check(inst, greedy_plan(inst))
    assert report.ok, [v.message for v in report.violations]


def test_a_locked_mixed_group_is_refused_with_the_reason():
    inst = two_parcours(
        separate_parcours=True,
        locked_groups=[
            {"slot": "lun", "module": "M", "staff": ["P1"], "room": "R1",
             "students": ["I1", "I2", "F1"]}
        ],
    )  # fmt: skip
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any(
        m.startswith("Groupe verrouillé M (lundi) : parcours de terminale mélangés")
        for m in solution.messages
    ), solution.messages


def test_parcours_and_the_switch_survive_a_json_round_trip():
    inst = two_parcours(separate_parcours=True)
    again = type(inst).from_json(inst.to_json())
    assert again == inst
    assert again.student("F1").parcours == "further_studies" and again.separate_parcours


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"students": [{**student("S1"), "parcours": "bts"}]}, "parcours inconnu « bts »"),
        ({"students": [{**student("S1"), "parcours": 1}]}, "Parcours : texte attendu"),
        ({"separate_parcours": "oui"}, "« separate_parcours » : true ou false attendu"),
    ],
)
def test_an_unknown_parcours_or_a_switch_that_is_not_a_boolean_is_refused(extra, expected):
    data = {"students": [student("S1")], **extra}
    with pytest.raises(InstanceError) as error:
        instance(**data)
    assert any(expected in m for m in error.value.messages), error.value.messages
