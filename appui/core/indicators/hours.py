"""Hours due, planned and delivered per level and division (seeds 000, 001, 004)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appui.core.hours import ByStrand, SessionRecord, SessionStatus, Strand
from appui.core.indicators.records import StudentPlace
from appui.core.indicators.shares import Ref, Share, StudentId, ref_order


@dataclass(frozen=True)
class HoursRow:
    """Hours of one level or division, in minutes **per student** (means, rounded).

    ``due`` is the level's yearly volume; ``planned`` and ``delivered`` are the means over
    the unit's present students (see :mod:`appui.core.hours` for planned and delivered),
    ``planned_by_strand`` and ``delivered_by_strand`` the same per strand (seed 000, « Les
    trois volets »; each mean rounded on its own, so their sum may differ from the total by
    a minute).
    """

    unit: Ref
    level: Ref
    students: int
    due: int
    planned: int
    delivered: int
    planned_by_strand: ByStrand = ByStrand()
    delivered_by_strand: ByStrand = ByStrand()

    @property
    def planned_share(self) -> Share:
        """Planned out of due (capped at due: more than the volume counts as all of it)."""
        return Share(min(self.planned, self.due), self.due)

    @property
    def delivered_share(self) -> Share:
        """Delivered out of due (capped at due)."""
        return Share(min(self.delivered, self.due), self.due)


def _mean(total: int, count: int) -> int:
    if not count:
        return 0
    return int((Decimal(total) / count).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def hours_by_unit(
    *,
    sessions: Iterable[SessionRecord],
    places: Iterable[StudentPlace],
    due: Mapping[Ref, int],
    as_of: dt.date | None = None,
) -> tuple[list[HoursRow], list[HoursRow]]:
    """Hours per level and per division: ``(levels, divisions)``.

    ``places`` are the present students; ``due`` the yearly volume of each level in minutes.
    Sessions of students who are not in ``places`` (who left) are ignored. Planned and
    delivered follow :mod:`appui.core.hours` (planned: not cancelled; delivered: held, dated
    up to ``as_of``), summed over the strands. Formula: for a unit with students S,
    planned = Σ planned minutes of S ÷ |S| (rounded to the minute), the same for delivered.
    """
    roster = list(places)
    present = frozenset(p.student for p in roster)
    planned: dict[Strand, Counter[StudentId]] = {s: Counter() for s in Strand}
    delivered: dict[Strand, Counter[StudentId]] = {s: Counter() for s in Strand}
    # Plain integer sums: this runs over every session of a school year on each dashboard.
    for session in sessions:
        if session.status is SessionStatus.CANCELLED:
            continue
        held = session.counts_as_held(as_of)
        strand_planned, strand_delivered = planned[session.strand], delivered[session.strand]
        for student in session.students & present:
            strand_planned[student] += session.duration_minutes
            if held:
                strand_delivered[student] += session.duration_minutes
    by_level: dict[Ref, list[StudentPlace]] = defaultdict(list)
    by_division: dict[Ref, list[StudentPlace]] = defaultdict(list)
    for place in roster:
        by_level[place.level].append(place)
        by_division[place.division].append(place)

    def means(minutes: dict[Strand, Counter[StudentId]], members: list[StudentPlace]):
        sums = {s: sum(minutes[s][p.student] for p in members) for s in Strand}
        total = _mean(sum(sums.values()), len(members))
        return total, ByStrand(*(_mean(sums[s], len(members)) for s in Strand))

    def row(unit: Ref, level: Ref, members: list[StudentPlace]) -> HoursRow:
        planned_total, planned_strands = means(planned, members)
        delivered_total, delivered_strands = means(delivered, members)
        return HoursRow(
            unit=unit,
            level=level,
            students=len(members),
            due=due.get(level, 0),
            planned=planned_total,
            delivered=delivered_total,
            planned_by_strand=planned_strands,
            delivered_by_strand=delivered_strands,
        )

    levels = [row(level, level, by_level[level]) for level in sorted(by_level, key=ref_order)]
    divisions = [
        row(division, by_division[division][0].level, by_division[division])
        for division in sorted(by_division, key=ref_order)
    ]
    return levels, divisions


def delivered_hours(rows: Iterable[HoursRow]) -> Share:
    """Student-minutes delivered out of student-minutes due, over levels (capped at due)."""
    due = delivered = 0
    for r in rows:
        due += r.due * r.students
        delivered += min(r.delivered, r.due) * r.students
    return Share(delivered, due)
