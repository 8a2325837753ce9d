"""Weekly slots (barrettes): overlaps and conflicts, in plain Python.

A staff member or a room cannot be offered in two slots that overlap in time in a common
period, and a division cannot be freed twice at the same time (seed 001: aligned slots).
"""

from dataclasses import dataclass
from datetime import time
from itertools import combinations

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class SlotRecord:
    id: int
    label: str
    weekday: int
    start: time
    end: time
    periods: frozenset[int]
    staff: frozenset[int]
    rooms: frozenset[int]
    divisions: frozenset[int]


@dataclass(frozen=True)
class Conflict:
    kind: str  # "staff", "room" or "division"
    item: int
    first: int
    second: int
    message: str


def overlap(a: SlotRecord, b: SlotRecord) -> bool:
    """Same weekday, overlapping hours, and at least one period in common (or none set)."""
    if a.weekday != b.weekday or not (a.start < b.end and b.start < a.end):
        return False
    if a.periods and b.periods:
        return bool(a.periods & b.periods)
    return True


def find_conflicts(
    slots: list[SlotRecord],
    names: dict[str, dict[int, str]] | None = None,
) -> list[Conflict]:
    """Every staff member, room or division used by two overlapping slots."""
    names = names or {}
    conflicts: list[Conflict] = []
    what = {"staff": "le personnel", "room": "la salle", "division": "la division"}
    for a, b in combinations(sorted(slots, key=lambda s: (s.weekday, s.start, s.id)), 2):
        if not overlap(a, b):
            continue
        for kind, left, right in (
            ("staff", a.staff, b.staff),
            ("room", a.rooms, b.rooms),
            ("division", a.divisions, b.divisions),
        ):
            for item in sorted(left & right):
                name = names.get(kind, {}).get(item, f"#{item}")
                conflicts.append(
                    Conflict(
                        kind,
                        item,
                        a.id,
                        b.id,
                        f"{what[kind].capitalize()} {name} est dans deux barrettes en même temps : "
                        f"{a.label} et {b.label}.",
                    )
                )
    return conflicts
