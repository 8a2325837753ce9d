"""Plan metrics stored with every plan and printed by ``check`` (definitions in docs/grouping.md).

Computed from the groups alone, like :mod:`validation`, so they compare plans from any
source: the solver, the heuristics, the coordinator's hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from . import start as start_plan
from .instance import Group, Instance


def compute(
    instance: Instance,
    groups: Sequence[Group],
    gap: float | None = None,
    *,
    start: Sequence[Group] | None = None,
) -> dict[str, Any]:
    """Every metric of a plan; shares are in [0, 1], ``None`` when undefined. With the plan
    a re-solve started from (``start``), ``moved`` counts the pupils moved (:mod:`start`)."""
    students = {s.id: s for s in instance.students}
    modules = {m.id: m for m in instance.modules}
    served: dict[str, set[str]] = defaultdict(set)
    attended: dict[str, set[str]] = defaultdict(set)
    homes: dict[str, list[Group]] = defaultdict(list)
    spreads: list[int] = []
    divisions: list[int] = []
    for g in groups:
        module = modules.get(g.module)
        members = [students[s] for s in g.students if s in students]
        if module is None or not members:
            continue
        divisions.append(len({s.division for s in members}))
        for s in members:
            attended[s.id].add(module.id)
            homes[s.id].append(g)
            if module.competency is not None:
                served[s.id].add(module.competency)
        if module.competency is not None:
            levels = [s.level(module.competency) for s in members]
            spreads.append(max(levels) - min(levels))

    n_slots = len(instance.slots)
    got = due = 0
    top_served = top_total = 0
    for s in instance.students:
        slots = n_slots - len(s.unavailable_slots & {t.id for t in instance.slots})
        levels = sorted((v for v in s.needs.values() if v > 0), reverse=True)
        due += sum(levels[:slots])
        got += sum(s.level(c) for c in served[s.id])
        if levels:
            top_total += 1
            top = levels[0]
            if any(s.level(c) == top for c in served[s.id]):
                top_served += 1

    expressed = honoured = wishers = happy = 0
    for s in instance.students:
        if s.wishes:
            wishers += 1
            hits = sum(1 for m in s.wishes if m in attended[s.id])
            expressed += len(s.wishes)
            honoured += hits
            happy += hits > 0

    changed: float | None = None
    if instance.previous_groups:
        previous: dict[str, list[set[str]]] = defaultdict(list)
        for group in instance.previous_groups:
            for member in group.students:
                previous[member].append(set(group.students))
        concerned = [sid for sid in previous if sid in students and homes.get(sid)]
        kept = sum(1 for sid in concerned if _kept(sid, homes[sid], previous[sid]))
        changed = 1 - kept / len(concerned) if concerned else None

    out: dict[str, Any] = {
        "need_coverage": _share(got, due),
        "top_need_served": _share(top_served, top_total),
        "mean_spread": _mean(spreads),
        "wishes_honoured": _share(honoured, expressed),
        "students_with_wish_honoured": _share(happy, wishers),
        "divisions_per_group": _mean(divisions),
        "single_division_groups": sum(1 for d in divisions if d == 1),
        "changed_share": changed,
        "gap": gap,
        "groups": len(groups),
    }
    if start is not None:
        out["moved"] = start_plan.moved(instance, groups, start)
    return out


def _kept(student: str, new: list[Group], previous: list[set[str]]) -> bool:
    """Unchanged: in some new group, at least half of the other members were in one of the
    student's groups last period."""
    for g in new:
        others = [s for s in g.students if s != student]
        if not others:
            continue
        for members in previous:
            if 2 * sum(1 for s in others if s in members) >= len(others):
                return True
    return False


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


#: French labels, in display order.
LABELS = {
    "need_coverage": "Couverture des besoins",
    "top_need_served": "Élèves dont le besoin principal est servi",
    "mean_spread": "Écart moyen de niveaux dans un groupe",
    "wishes_honoured": "Vœux respectés",
    "students_with_wish_honoured": "Élèves ayant au moins un vœu respecté",
    "divisions_per_group": "Divisions mêlées par groupe",
    "single_division_groups": "Groupes d'une seule division",
    "changed_share": "Élèves ayant changé de groupe",
    "gap": "Écart à la borne prouvée",
    "groups": "Groupes",
    "moved": "Élèves déplacés",
}
_PERCENT = {
    "need_coverage",
    "top_need_served",
    "wishes_honoured",
    "students_with_wish_honoured",
    "changed_share",
    "gap",
}


def format_value(key: str, value: Any) -> str:
    """A metric value in French notation (decimal comma, percentages)."""
    if value is None:
        return "—"
    if key in _PERCENT:
        return f"{100 * value:.1f} %".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def format_metrics(metrics: Mapping[str, Any]) -> list[str]:
    return [
        f"{label} : {format_value(key, metrics.get(key))}"
        for key, label in LABELS.items()
        if key in metrics
    ]
