"""The command line: solve, check (exit 1 on broken rules), explain, generate; French output."""

import io
import json
import subprocess
import sys
from pathlib import Path

from appui.core.grouping import Instance
from appui.core.grouping.cli import main

from .builders import instance, module, slot, student, students


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def small(tmp_path: Path) -> Path:
    inst = instance(
        [
            student(
                f"S{i}", needs={"MATH": i % 4, "FR": (i + 1) % 4}, wishes=("F",) if i < 3 else ()
            )
            for i in range(10)
        ],
        slots=[slot("lun", label="lundi"), slot("mar", label="mardi")],
        modules=[module("M", "MATH", 2, 6), module("F", "FR", 2, 6)],
    )
    path = tmp_path / "instance.json"
    inst.save(path)
    return path


def test_solve_writes_a_solution_and_prints_the_metrics(tmp_path):
    path = small(tmp_path)
    out_path = tmp_path / "solution.json"
    code, out, _err = run(
        "solve",
        str(path),
        "--time-limit",
        "5",
        "--seed",
        "1",
        "--workers",
        "1",
        "-o",
        str(out_path),
    )
    assert code == 0
    data = json.loads(out_path.read_text(encoding="utf-8"))
    assert data["status"] == "optimal"
    assert {"status", "groups", "objective", "bound", "gap", "metrics"} <= set(data)
    assert "Statut : optimal (prouvé)" in out
    assert "Couverture des besoins" in out


def test_check_accepts_the_solvers_plan_and_rejects_a_broken_one(tmp_path):
    path = small(tmp_path)
    sol = tmp_path / "solution.json"
    run("solve", str(path), "--time-limit", "5", "--workers", "1", "-o", str(sol))
    code, out, _ = run("check", str(path), str(sol))
    assert code == 0
    assert "Toutes les règles sont respectées." in out
    assert "Élèves dont le besoin principal est servi" in out

    data = json.loads(sol.read_text(encoding="utf-8"))
    data["groups"][0]["students"] = data["groups"][0]["students"][:1]  # too small, others lost
    sol.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("check", str(path), str(sol))
    assert code == 1
    assert "règles enfreintes :" in out or "1 règle enfreinte :" in out
    assert "n'est dans aucun groupe" in out
    assert "moins que le minimum 2" in out


def test_an_infeasible_instance_gets_a_french_explanation_not_a_traceback(tmp_path):
    inst = instance(
        students(118),
        slots=[
            slot(
                "mar",
                staff=[(f"P{i}", ["MATH"]) for i in range(8)],
                rooms=[(f"R{i}", 24) for i in range(4)],
                label="mardi",
            )
        ],
        modules=[module("M", "MATH", 2, 30)],
    )
    path = tmp_path / "instance.json"
    inst.save(path)
    code, _out, err = run("solve", str(path), "--time-limit", "2")
    assert code == 1
    assert "Barrette mardi : 118 élèves mais capacité des salles 96." in err
    assert "Traceback" not in err


def test_a_malformed_file_exits_2_with_french_messages(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"competencies": [], "students": [], "slots": [], "modules": []}', encoding="utf-8"
    )
    code, _out, err = run("check", str(path), str(path))
    assert code == 2
    assert "Aucune barrette." in err
    code, _out, err = run("solve", str(tmp_path / "missing.json"))
    assert code == 2
    assert "Lecture impossible" in err


def test_explain_and_generate(tmp_path):
    path = small(tmp_path)
    sol = tmp_path / "solution.json"
    run("solve", str(path), "--time-limit", "5", "--workers", "1", "-o", str(sol))
    code, out, _ = run("explain", str(path), str(sol), "--student", "S3")
    assert code == 0
    assert out.startswith("S3 :")
    assert "Le lundi" in out and "Le mardi" in out
    generated = tmp_path / "cap.json"
    assert run("generate", "cap", "--seed", "2", "-o", str(generated))[0] == 0
    assert len(Instance.load(generated).students) == 120


def test_python_dash_m_runs_without_django(tmp_path):
    path = small(tmp_path)
    sol = tmp_path / "solution.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "appui.core.grouping",
            "solve",
            str(path),
            "--time-limit",
            "3",
            "--workers",
            "1",
            "-o",
            str(sol),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(sol.read_text(encoding="utf-8"))["status"] == "optimal"


def test_the_package_never_imports_django():
    package = Path(__file__).resolve().parents[3] / "appui" / "core" / "grouping"
    for source in package.glob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            words = line.split()
            assert not (words[:1] in (["import"], ["from"]) and words[1].startswith("django")), (
                source
            )
