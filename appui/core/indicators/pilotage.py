"""The pilotage itself: the staff training plan and the instances' meetings (seed 001).

Seed 001 (« Exemples d'outils et d'indicateurs de suivi »): « Actions de formation
prévues/réalisées » ; « Nature et nombre des instances impliquées (CA, Conseil pédagogique,
conseil d'enseignement…) » ; « Nombre, fréquence des réunions consacrées à l'élaboration d'une
stratégie d'accompagnement et à son suivi (de façon globale, par instances et équipes…) ».
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from appui.core.indicators.records import GroupRecord, MeetingRecord, TrainingRecord
from appui.core.indicators.shares import Ref, Share

PLANNED, DONE, CANCELLED = "planned", "done", "cancelled"
"""The statuses of a training action (the values the steering app stores)."""


@dataclass(frozen=True)
class TrainingCounts:
    """Training actions of the year: still planned, done, cancelled, and distinct staff who
    took part in at least one done action."""

    planned: int
    done: int
    cancelled: int
    trained: frozenset[Ref]


def training_counts(actions: Iterable[TrainingRecord]) -> TrainingCounts:
    """How many training actions are planned, done and cancelled, and who was trained (the
    participants of the done ones)."""
    count: Counter[str] = Counter()
    trained: set[Ref] = set()
    for action in actions:
        if action.status not in (PLANNED, DONE, CANCELLED):
            raise ValueError(f"Statut d'action de formation inconnu : {action.status}.")
        count[action.status] += 1
        if action.status == DONE:
            trained |= action.participants
    return TrainingCounts(count[PLANNED], count[DONE], count[CANCELLED], frozenset(trained))


def ap_staff(teachers: Iterable[Ref], groups: Iterable[GroupRecord]) -> set[Ref]:
    """Teachers (present in the school) who run at least one of the published AP groups."""
    everyone = set(teachers)
    running: set[Ref] = set()
    for group in groups:
        running |= group.staff
    return everyone & running


def training_reach(
    teachers: Iterable[Ref], groups: Iterable[GroupRecord], actions: Iterable[TrainingRecord]
) -> Share:
    """AP teachers (running a published group of the year) who took part in at least one
    training action done ÷ AP teachers."""
    staff = ap_staff(teachers, groups)
    return Share(len(staff & training_counts(actions).trained), len(staff))


def instance_counts(meetings: Iterable[MeetingRecord], as_of: dt.date) -> dict[str, int]:
    """Meetings held (dated up to ``as_of``) per instance (meeting kind), kinds in the order
    they first appear; kinds with only meetings to come are left out."""
    held: dict[str, int] = {}
    for meeting in meetings:
        if meeting.date <= as_of:
            held[meeting.kind] = held.get(meeting.kind, 0) + 1
    return held


def meetings_held(meetings: Iterable[MeetingRecord], as_of: dt.date) -> int:
    """Meetings held (dated up to ``as_of``), every instance together."""
    return sum(instance_counts(meetings, as_of).values())
