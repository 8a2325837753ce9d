"""Issue 16, correctness: apart lists as cliques, strict JSON, French errors, exit codes,
the first infeasibility cause, reproducible plans."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appui.core.grouping import Instance
from appui.core.grouping.cli import main
from appui.core.grouping.instance import InstanceError

from .builders import instance, module, slot, solved, student, students

ROOT = Path(__file__).resolve().parents[3]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def base() -> dict:
    return instance(
        [student(f"S{i}", needs={"MATH": i % 4}) for i in range(6)],
        modules=[module("M", "MATH", 2, 6)],
    ).to_dict()


def test_an_apart_list_of_eight_is_a_clique():
    staff = [(f"P{i}", ["MATH"]) for i in range(8)]
    rooms = [(f"R{i}", 30) for i in range(8)]
    inst = instance(
        students(32),
        slots=[slot("lun", staff=staff, rooms=rooms, label="lundi")],
        modules=[module("M", "MATH", 2, 8)],
        apart=[[f"S{i}" for i in range(1, 9)]],
    )
    solution = solved(inst, time_limit=2.0)
    assert solution.is_plan, solution.messages
    holders = [g for g in solution.groups if any(f"S{i}" in g.students for i in range(1, 9))]
    assert len(holders) == 8
    assert all(sum(f"S{i}" in g.students for i in range(1, 9)) == 1 for g in holders)


@pytest.mark.parametrize(
    ("where", "key", "close"),
    [
        ("top", "togther", "together"),
        ("student", "unavailable", "unavailable_slots"),
        ("module", "maxsize", "max_size"),
        ("slot", "romos", "rooms"),
        ("room", "capacty", "capacity"),
        ("staff", "max_group", "max_groups"),
        ("weights", "homogenity", "homogeneity"),
    ],
)
def test_an_unknown_key_is_named_with_the_closest_one(where, key, close):
    data = base()
    target = {
        "top": data,
        "student": data["students"][0],
        "module": data["modules"][0],
        "slot": data["slots"][0],
        "room": data["slots"][0]["rooms"][0],
        "staff": data["slots"][0]["staff"][0],
        "weights": data["weights"],
    }[where]
    target[key] = 1
    with pytest.raises(InstanceError) as caught:
        Instance.from_dict(data)
    message = caught.value.messages[0]
    assert f"Clé inconnue « {key} »" in message
    assert f"vouliez-vous dire « {close} » ?" in message


@pytest.mark.parametrize(
    "content",
    [
        "é".encode("latin-1") + b'{"name": "\xe9l\xe8ves"}',
        b"",
        b"{'students': []}",
        b'{"competencies": ["MATH"], "students": [{"id": "E1", "division": "A", '
        b'"needs": {"MATH": "fort"}}], "slots": [], "modules": []}',
        b'{"competencies": ["MATH"], "students": [], "slots": [{"id": "t", "rooms": '
        b'[{"id": "R", "capacity": "grande"}]}], "modules": []}',
        b"[1, 2]",
    ],
)
def test_unreadable_or_malformed_files_give_french_errors_and_exit_2(tmp_path, content):
    path = tmp_path / "instance.json"
    path.write_bytes(content)
    code, out, err = run("solve", str(path), "--time-limit", "1")
    assert code == 2
    assert out == ""
    assert "Fichier invalide" in err
    for english in ("Expecting", "invalid literal", "Traceback", "codec", "line 1 column"):
        assert english not in err, err


def test_time_limit_must_be_positive(capsys):
    for value in ("0", "-3", "abc"):
        with pytest.raises(SystemExit) as caught:
            main(["solve", "x.json", "--time-limit", value])
        assert caught.value.code == 2
        err = capsys.readouterr().err
        assert "erreur" in err and ("strictement positive" in err or "secondes" in err)


def test_an_infeasible_instance_exits_1_with_the_cause_first(tmp_path):
    inst = instance(
        students(6),
        slots=[slot("lun", staff=[], label="lundi")],
        modules=[module("M", "MATH", 2, 6)],
        together=[["S1", "S2"]],
    )
    path = tmp_path / "instance.json"
    inst.save(path)
    code, _out, err = run("solve", str(path), "--time-limit", "1", "-o", str(tmp_path / "s.json"))
    assert code == 1
    reasons = [line for line in err.splitlines() if line.startswith("  - ")]
    assert reasons and "aucun intervenant" in reasons[0], err


def test_rooms_too_small_come_before_a_together_pair():
    inst = instance(
        students(12),
        slots=[slot("lun", rooms=[("R1", 3), ("R2", 3)], label="lundi")],
        modules=[module("M", "MATH", 4, 8)],
        together=[["S1", "S2"]],
    )
    solution = solved(inst, time_limit=2.0)
    assert solution.status == "infeasible"
    assert "salles trop petites" in solution.messages[0], solution.messages


def test_same_seed_one_worker_gives_the_same_plan_byte_for_byte(tmp_path):
    staff = [(f"P{i}", ["MATH", "FR"]) for i in range(3)]
    rooms = [(f"R{i}", 12) for i in range(3)]
    inst = instance(
        [
            student(f"S{i}", division=f"2{'ABC'[i % 3]}", needs={"MATH": i % 4, "FR": i * 7 % 4})
            for i in range(24)
        ],
        slots=[slot(t, staff=staff, rooms=rooms) for t in ("lun", "mar")],
        modules=[module("M", "MATH", 3, 12), module("F", "FR", 3, 12), module("C", None, 3, 12)],
        together=[["S1", "S5"]],
        apart=[["S2", "S3", "S4"]],
    )
    path = tmp_path / "instance.json"
    inst.save(path)
    texts = []
    for hashseed in ("1", "2"):
        output = tmp_path / f"solution-{hashseed}.json"
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        subprocess.run(
            [sys.executable, "-m", "appui.core.grouping", "solve", str(path), "--workers", "1"]
            + ["--seed", "1", "--time-limit", "2", "-o", str(output)],
            check=True,
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        data = json.loads(output.read_text(encoding="utf-8"))
        data.pop("wall_time", None)
        texts.append(json.dumps(data, ensure_ascii=False, indent=1))
    assert texts[0] == texts[1]
