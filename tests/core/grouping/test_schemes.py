"""Special schemes kept apart: no group mixes SEGPA, ULIS, UPE2A and ordinary students when
the instance says so."""

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appui.core.grouping import Group, InstanceError, check, explain, greedy_plan
from appui.core.grouping.generator import preset, with_schemes
from appui.core.grouping.solver import solve_with_details

from .builders import group_of, instance, module, slot, solved, student, students
from .test_properties import instances


def with_scheme(scheme: str, *sids: str) -> list[dict]:
    return [{**student(sid), "scheme": scheme} for sid in sids]


def schemes_in(inst, group) -> set[str]:
    return {inst.student(s).scheme for s in group.students}


def test_the_rule_keeps_a_segpa_pupil_out_of_a_group_of_ordinary_pupils():
    inst = instance(
        students(6) + with_scheme("segpa", "G1", "G2", "G3"),
        modules=[module("M", "MATH", 3, 12)],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.status == "optimal"
    assert set(group_of(solution, "G1", "lun").students) == {"G1", "G2", "G3"}
    assert all(len(schemes_in(inst, g)) == 1 for g in solution.groups)
    assert "avec les élèves du dispositif SEGPA" in explain(inst, solution, "G1")[0]
    assert "dispositif" not in explain(inst, solution, "S1")[0]


def test_each_scheme_gets_rooms_of_the_size_it_needs():
    # Rooms of 12 and 8 seats: the 10 ordinary students need the large room, the 8 ULIS
    # students the small one.
    inst = instance(
        students(10) + with_scheme("ulis", *(f"U{i}" for i in range(1, 9))),
        slots=[slot("lun", rooms=[("R12", 12), ("R8", 8)], label="lundi")],
        modules=[module("M", "MATH", 4, 12)],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.is_plan
    assert group_of(solution, "U1", "lun").room == "R8"
    assert group_of(solution, "S1", "lun").room == "R12"


def test_students_to_keep_apart_within_a_scheme_get_two_groups_of_that_scheme():
    inst = instance(
        students(8) + with_scheme("ulis", "U1", "U2", "U3", "U4", "U5", "U6"),
        slots=[
            slot(
                "lun",
                staff=[(f"P{i}", ["MATH"]) for i in range(3)],
                rooms=[(f"R{i}", 30) for i in range(3)],
            )
        ],
        modules=[module("M", "MATH", 3, 12)],
        apart=[["U1", "U2"]],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.is_plan
    assert group_of(solution, "U1", "lun") != group_of(solution, "U2", "lun")
    assert all(len(schemes_in(inst, g)) == 1 for g in solution.groups)


def test_too_few_pupils_of_a_scheme_for_a_group_of_their_own_is_infeasible():
    inst = instance(
        students(6) + with_scheme("ulis", "U1", "U2"),
        modules=[module("M", "MATH", 4, 12)],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any(
        "2 élèves du dispositif ULIS" in m and "ne se mélangent pas" in m for m in solution.messages
    ), solution.messages


def test_one_group_for_two_schemes_is_infeasible_and_the_solver_names_the_rule():
    # One staff member: a single group, while each scheme could fill one of its own.
    inst = instance(
        students(6) + with_scheme("upe2a", "A1", "A2", "A3", "A4"),
        slots=[slot("lun", staff=[("P1", ["MATH"])], label="lundi")],
        modules=[module("M", "MATH", 4, 12)],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("séparation des dispositifs" in m for m in solution.messages), solution.messages


def test_with_the_rule_off_pupils_of_two_schemes_share_a_group():
    inst = instance(
        students(6) + with_scheme("ulis", "U1", "U2"),
        modules=[module("M", "MATH", 4, 12)],
    )
    solution = solved(inst)
    assert solution.is_plan
    assert len(schemes_in(inst, group_of(solution, "U1", "lun"))) == 2


def test_validation_catches_a_hand_made_mixed_group():
    inst = instance(
        students(3) + with_scheme("segpa", "G1"),
        modules=[module("M", "MATH", 1, 12)],
        separate_schemes=True,
    )
    plan = [Group("lun", "M", ("P1",), "R1", ("S1", "S2", "S3", "G1"), id="g1")]
    report = check(inst, plan)
    assert [v.rule for v in report.violations] == ["schemes"]
    message = report.violations[0].message
    assert "Groupe g1 M (lundi)" in message
    assert "SEGPA : G1" in message and "sans dispositif : S1, S2, S3" in message
    assert check(inst.with_changes(separate_schemes=False), plan).ok


def test_the_greedy_plan_keeps_schemes_apart():
    inst = instance(
        students(12) + with_scheme("ulis", "U1", "U2", "U3", "U4"),
        slots=[slot("lun", label="lundi"), slot("mar", label="mardi")],
        modules=[module("M", "MATH", 4, 12), module("F", "FR", 4, 12)],
        separate_schemes=True,
    )
    plan = greedy_plan(inst)
    report = check(inst, plan)
    assert report.ok, [v.message for v in report.violations]


def test_a_together_list_across_schemes_is_refused_with_the_reason():
    inst = instance(
        students(6) + with_scheme("ulis", "U1", "U2", "U3", "U4"),
        modules=[module("M", "MATH", 3, 12)],
        together=[["S1", "U1"]],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any("dispositifs différents" in m for m in solution.messages), solution.messages


def test_a_locked_mixed_group_is_refused_with_the_reason():
    inst = instance(
        students(6) + with_scheme("ulis", "U1", "U2", "U3"),
        modules=[module("M", "MATH", 3, 12)],
        locked_groups=[
            {
                "slot": "lun",
                "module": "M",
                "staff": ["P1"],
                "room": "R1",
                "students": ["S1", "S2", "U1"],
            }
        ],
        separate_schemes=True,
    )
    solution = solved(inst)
    assert solution.status == "infeasible"
    assert any(
        m.startswith("Groupe verrouillé M (lundi) : dispositifs mélangés")
        for m in solution.messages
    )


def test_schemes_and_the_switch_survive_a_json_round_trip():
    inst = instance(students(2) + with_scheme("upe2a", "A1"), separate_schemes=True)
    again = type(inst).from_json(inst.to_json())
    assert again == inst
    assert again.student("A1").scheme == "upe2a" and again.separate_schemes


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"students": [{**student("S1"), "scheme": "clis"}]}, "dispositif inconnu « clis »"),
        ({"students": [{**student("S1"), "scheme": 3}]}, "Dispositif : texte attendu"),
        ({"separate_schemes": "oui"}, "« separate_schemes » : true ou false attendu"),
    ],
)
def test_an_unknown_scheme_or_a_switch_that_is_not_a_boolean_is_refused(extra, expected):
    data = {"students": [student("S1")], **extra}
    with pytest.raises(InstanceError) as error:
        instance(**data)
    assert any(expected in m for m in error.value.messages), error.value.messages


@st.composite
def instances_with_schemes(draw):
    inst = draw(instances())
    schemes = draw(
        st.lists(
            st.sampled_from(["", "", "segpa", "ulis"]),
            min_size=len(inst.students),
            max_size=len(inst.students),
        )
    )
    kept = tuple(
        dataclasses.replace(s, scheme=k) for s, k in zip(inst.students, schemes, strict=True)
    )
    return inst.with_changes(students=kept, separate_schemes=True)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances_with_schemes())
def test_with_the_rule_on_no_plan_ever_mixes_schemes(inst):
    solution = solve_with_details(inst, time_limit=2.0, seed=0, workers=1).solution
    if solution.status == "infeasible":
        assert solution.messages
        return
    if not solution.is_plan:
        return
    assert check(inst, solution).ok
    assert all(len(schemes_in(inst, g)) == 1 for g in solution.groups)


def test_the_generator_gives_a_share_of_pupils_a_scheme_without_together_lists_across():
    base = preset("cap", seed=0)
    inst = with_schemes(base, 0.05, seed=0)
    ulis = {s.id for s in inst.students if s.scheme == "ulis"}
    assert len(ulis) == 6 and inst.separate_schemes
    assert len({inst.student(s).division for s in ulis}) > 1  # included across divisions
    assert all(len({s in ulis for s in group}) == 1 for group in inst.together)
    assert not with_schemes(base, 0.05, seed=0, separate=False).separate_schemes
