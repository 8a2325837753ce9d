"""The JSON format: round trips and French errors."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.grouping import Instance, InstanceError, Solution, preset, solve

from .builders import instance, module, student


def test_a_generated_instance_survives_a_json_round_trip(tmp_path):
    inst = preset("cap", seed=3)
    path = tmp_path / "instance.json"
    inst.save(path)
    again = Instance.load(path)
    assert again == inst
    assert again.to_dict() == inst.to_dict()


def test_optional_keys_default_and_unknown_previous_students_are_dropped():
    inst = Instance.from_dict(
        {
            "competencies": ["MATH"],
            "students": [{"id": "S1", "division": "2A", "needs": {"MATH": 2}}],
            "slots": [
                {
                    "id": "lun",
                    "staff": [{"id": "P1", "competencies": ["MATH"]}],
                    "rooms": [{"id": "R", "capacity": 20}],
                }
            ],
            "modules": [
                {"id": "M", "competency": "MATH", "kind": "soutien", "min_size": 1, "max_size": 5}
            ],
            "previous_groups": [["S1", "GONE"]],
        }
    )
    assert inst.weights.need == 10
    assert inst.previous_groups[0].students == ("S1",)
    assert inst.together == () and inst.locked == ()


def test_errors_are_listed_in_french():
    with pytest.raises(InstanceError) as error:
        instance(
            [student("S1", needs={"MATH": 5}), student("S1")],
            modules=[module("M", "CHIMIE", 4, 2)],
            weights={"need": -1, "colour": 3},
        )
    text = "\n".join(error.value.messages)
    assert "Poids « need »" in text
    assert "Clé inconnue « colour » (poids)" in text


def test_instance_errors_list_every_problem():
    with pytest.raises(InstanceError) as error:
        instance(
            [student("S1", needs={"MATH": 5}), student("S1")],
            modules=[module("M", "CHIMIE", 4, 2)],
            apart=[["S1", "S9"]],
        )
    messages = error.value.messages
    assert "Élève en double : S1." in messages
    assert "Élève S1 : niveau de besoin 5 hors de 0 à 3." in messages
    assert "Module M : compétence inconnue CHIMIE." in messages
    assert "Module M : tailles invalides (min 4, max 2)." in messages
    assert "Liste « séparés » : élève inconnu S9." in messages


def test_malformed_json_is_an_instance_error():
    with pytest.raises(InstanceError):
        Instance.from_json("{not json")
    with pytest.raises(InstanceError):
        Instance.from_json(json.dumps({"students": []}))


def test_a_solution_survives_a_json_round_trip(tmp_path):
    inst = instance([student(f"S{i}") for i in range(4)])
    solution = solve(inst, time_limit=2, workers=1)
    path = tmp_path / "solution.json"
    solution.save(path)
    again = Solution.load(path)
    assert again.groups == solution.groups
    assert (again.status, again.objective, again.bound) == (
        solution.status,
        solution.objective,
        solution.bound,
    )
    assert again.metrics == json.loads(json.dumps(solution.metrics))
    assert set(solution.to_dict()) >= {"status", "groups", "objective", "bound", "gap", "metrics"}


@given(seed=st.integers(0, 10_000), size=st.integers(6, 40), slots=st.integers(1, 3))
def test_any_generated_instance_round_trips(seed, size, slots):
    from appui.core.grouping import generate

    inst = generate(size, slots, max(1, size // 10), seed=seed, previous=False)
    assert Instance.from_json(inst.to_json()) == inst
