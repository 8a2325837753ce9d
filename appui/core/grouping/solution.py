"""A grouping plan and what is known about it, loaded from and saved to JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .instance import Group, InstanceError, describe_error, parse_json, read_text

#: ``optimal``: proven best; ``feasible``: every hard rule met, optimality not proven;
#: ``infeasible``: no plan meets every hard rule (``messages`` says why, in French);
#: ``unknown``: no plan found within the time limit; ``invalid``: a plan that breaks hard
#: rules (a baseline, or a hand-edited plan), listed in ``messages``.
STATUSES = ("optimal", "feasible", "infeasible", "unknown", "invalid")


@dataclass(frozen=True)
class Solution:
    """Groups of one level for one period, with the objective, the proven bound and metrics.

    ``objective`` is recomputed by :mod:`validation` from the groups; ``bound`` is an upper
    bound on the objective of any plan, proven by the solver; ``gap`` is
    ``(bound - objective) / |bound|``.
    """

    status: str
    groups: tuple[Group, ...] = ()
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    metrics: Mapping[str, Any] = field(default_factory=dict)
    terms: Mapping[str, int] = field(default_factory=dict)
    messages: tuple[str, ...] = ()
    simple_bound: int | None = None
    wall_time: float | None = None
    method: str | None = None

    @property
    def is_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "groups": [g.to_dict() for g in self.groups],
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "metrics": dict(self.metrics),
        }
        if self.terms:
            data["terms"] = dict(self.terms)
        if self.messages:
            data["messages"] = list(self.messages)
        if self.simple_bound is not None:
            data["simple_bound"] = self.simple_bound
        if self.wall_time is not None:
            data["wall_time"] = round(self.wall_time, 3)
        if self.method is not None:
            data["method"] = self.method
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Solution:
        try:
            return cls(
                status=str(data.get("status", "feasible")),
                groups=tuple(Group.from_dict(g) for g in data.get("groups", [])),
                objective=_optional_int(data.get("objective")),
                bound=_optional_int(data.get("bound")),
                gap=None if data.get("gap") is None else float(data["gap"]),
                metrics=dict(data.get("metrics", {})),
                terms={str(k): int(v) for k, v in dict(data.get("terms", {})).items()},
                messages=tuple(str(m) for m in data.get("messages", [])),
                simple_bound=_optional_int(data.get("simple_bound")),
                wall_time=None if data.get("wall_time") is None else float(data["wall_time"]),
                method=None if data.get("method") is None else str(data["method"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InstanceError(
                [f"Format de solution invalide : {describe_error(error)}."]
            ) from error

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Solution:
        data = parse_json(text)
        if not isinstance(data, dict):
            raise InstanceError(["Format de solution invalide : un objet JSON est attendu."])
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> Solution:
        return cls.from_json(read_text(path))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
