"""Tiny fictitious instances, written in the JSON format the Django side sends."""

from __future__ import annotations

from typing import Any

from appui.core.grouping import Instance, Solution, solve
from appui.core.grouping.validation import objective_terms, violations


def student(
    sid: str,
    division: str = "2A",
    needs: dict[str, int] | None = None,
    wishes: tuple[str, ...] = (),
    unavailable: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "id": sid,
        "division": division,
        "needs": needs or {},
        "wishes": list(wishes),
        "unavailable_slots": list(unavailable),
    }


def slot(
    tid: str,
    staff: list[tuple[str, list[str]]] | None = None,
    rooms: list[tuple[str, int]] | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    staff = staff if staff is not None else [("P1", ["MATH", "FR"]), ("P2", ["MATH", "FR"])]
    rooms = rooms if rooms is not None else [("R1", 30), ("R2", 30)]
    data: dict[str, Any] = {
        "id": tid,
        "staff": [{"id": p, "competencies": c} for p, c in staff],
        "rooms": [{"id": r, "capacity": c} for r, c in rooms],
    }
    if label:
        data["label"] = label
    return data


def module(
    mid: str, competency: str | None, min_size: int, max_size: int, **extra: Any
) -> dict[str, Any]:
    return {
        "id": mid,
        "competency": competency,
        "kind": extra.pop("kind", "soutien"),
        "min_size": min_size,
        "max_size": max_size,
        **extra,
    }


def instance(
    students: list[dict[str, Any]],
    slots: list[dict[str, Any]] | None = None,
    modules: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Instance:
    data: dict[str, Any] = {
        "competencies": ["MATH", "FR"],
        "students": students,
        "slots": slots if slots is not None else [slot("lun", label="lundi")],
        "modules": modules if modules is not None else [module("M", "MATH", 1, 30)],
    }
    data.update(extra)
    return Instance.from_dict(data)


def students(n: int, prefix: str = "S", **kwargs: Any) -> list[dict[str, Any]]:
    return [student(f"{prefix}{i + 1}", **kwargs) for i in range(n)]


def solved(inst: Instance, time_limit: float = 5.0) -> Solution:
    """Solve a mini-instance; when a plan comes back, check it independently."""
    solution = solve(inst, time_limit=time_limit, seed=0, workers=1)
    if solution.is_plan:
        assert violations(inst, list(solution.groups)) == []
        assert solution.objective == sum(objective_terms(inst, solution.groups).values())
    return solution


def group_of(solution: Solution, student_id: str, slot_id: str) -> Any:
    found = [g for g in solution.groups if g.slot == slot_id and student_id in g.students]
    assert len(found) == 1, found
    return found[0]
