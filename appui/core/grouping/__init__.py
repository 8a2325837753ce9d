"""Need groups: the grouping solver, in plain Python (never imports Django).

Typical use, e.g. from the Django planning service::

    from appui.core import grouping

    instance = grouping.Instance.from_dict(data)        # or grouping.Instance.load(path)
    solution = grouping.solve(instance, time_limit=10, seed=0, workers=2)
    report = grouping.check(instance, solution)          # hard rules, objective, metrics
    sentences = grouping.explain(instance, solution, "E001")

See docs/grouping.md for the model, the JSON format, the weights and the metrics.
"""

from .explain import explain, explain_all
from .generator import generate, preset
from .heuristics import division_plan, greedy_plan
from .instance import (
    Group,
    Instance,
    InstanceError,
    Lock,
    Module,
    PreviousGroup,
    Room,
    Slot,
    Staff,
    Student,
    Weights,
)
from .solution import Solution
from .solver import finish, solve
from .validation import CheckReport, Violation, check

__all__ = [
    "CheckReport",
    "Group",
    "Instance",
    "InstanceError",
    "Lock",
    "Module",
    "PreviousGroup",
    "Room",
    "Slot",
    "Solution",
    "Staff",
    "Student",
    "Violation",
    "Weights",
    "check",
    "division_plan",
    "explain",
    "explain_all",
    "finish",
    "generate",
    "greedy_plan",
    "preset",
    "solve",
]
