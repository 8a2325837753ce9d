"""What was run and who took part: modules, staff, attendance, tutoring (seeds 000–003)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appui.core.hours import SessionRecord, SessionStatus
from appui.core.indicators.records import GroupRecord, PeriodSpan
from appui.core.indicators.shares import Ref, Share, StudentId


@dataclass(frozen=True)
class KindCount:
    """Modules of one kind: distinct modules, groups, distinct students."""

    kind: str
    modules: int
    groups: int
    students: int


def modules_run(groups: Iterable[GroupRecord]) -> list[KindCount]:
    """Number and nature of the modules run, per kind, most groups first (then kind)."""
    modules: dict[str, set[Ref]] = defaultdict(set)
    count: Counter[str] = Counter()
    students: dict[str, set[StudentId]] = defaultdict(set)
    for group in groups:
        modules[group.kind].add(group.module)
        count[group.kind] += 1
        students[group.kind] |= group.students
    return sorted(
        (KindCount(k, len(modules[k]), count[k], len(students[k])) for k in count),
        key=lambda row: (-row.groups, row.kind),
    )


def staff_involvement(
    teachers: Iterable[Ref], groups: Iterable[GroupRecord], tutors: Iterable[Ref] = ()
) -> Share:
    """Teachers running at least one AP group or tutoring at least one student ÷ teachers."""
    everyone = set(teachers)
    involved = set(tutors)
    for group in groups:
        involved |= group.staff
    return Share(len(everyone & involved), len(everyone))


# --------------------------------------------------------------------------- attendance


def _attendance_share(sessions: Iterable[SessionRecord], as_of: dt.date | None) -> Share:
    there = recorded = 0
    for session in sessions:
        if session.status is not SessionStatus.HELD:
            continue
        if as_of is not None and session.date > as_of:
            continue
        for mark in session.attendance.values():
            recorded += 1
            there += mark.attended
    return Share(there, recorded)


def attendance(sessions: Iterable[SessionRecord], *, as_of: dt.date | None = None) -> Share:
    """Present or late ÷ attendance marks recorded at held sessions (dated up to ``as_of``).

    A student with no mark at a held session is not counted either way: the indicator says
    how often students come, not how often teachers fill the register (the hour accounting
    warns about unrecorded sessions).
    """
    return _attendance_share(sessions, as_of)


def attendance_by_period(
    sessions: Iterable[SessionRecord],
    periods: Sequence[PeriodSpan],
    *,
    as_of: dt.date | None = None,
) -> list[tuple[PeriodSpan, Share]]:
    """:func:`attendance` for the sessions of each period, in the order given."""
    items = list(sessions)
    return [
        (period, _attendance_share((s for s in items if period.contains(s.date)), as_of))
        for period in periods
    ]


def tutoring_coverage(students: Iterable[StudentId], tutees: Iterable[StudentId]) -> Share:
    """Present students with a tutor ÷ present students (tutees who left are ignored)."""
    roster = set(students)
    return Share(len(roster & set(tutees)), len(roster))


def tutor_allowance(tutees: int, rate: Decimal) -> Decimal:
    """Yearly allowance of a tutor: ``tutees × rate``, in euros to the cent (half up).

    Seed 003 (« Le tutorat au lycée »): « indemnité de tutorat proportionnelle au nombre
    d'élèves ».
    """
    if tutees < 0 or rate < 0:
        raise ValueError("Le nombre de tutorés et le taux doivent être positifs.")
    return (Decimal(tutees) * Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
