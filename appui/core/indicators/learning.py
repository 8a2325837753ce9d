"""Needs served, progress between diagnoses and progress marks (seeds 002, 004)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appui.core.indicators.records import CoverageRecord, DiagnosisResult, MarkRecord
from appui.core.indicators.shares import Ref, Share, StudentId


def top_need_served(
    needs: Mapping[StudentId, Mapping[str, int]], served: Mapping[StudentId, Iterable[str]]
) -> Share:
    """Students whose highest need is worked on ÷ students with at least one need.

    ``needs`` gives each student's need level (0–3) per competency key, ``served`` the
    competency keys of the groups they are in. A student counts as served when one of those
    keys has their highest level (ties: any of the tied competencies).
    """
    part = whole = 0
    for student, levels in needs.items():
        top = max((level for level in levels.values() if level > 0), default=0)
        if not top:
            continue
        whole += 1
        if any(levels.get(key, 0) == top for key in served.get(student, ())):
            part += 1
    return Share(part, whole)


def coverage_by_period(
    records: Iterable[CoverageRecord], periods: Sequence[Ref]
) -> list[tuple[Ref, Decimal | None, int]]:
    """Per period: the levels' shares averaged with their placed students as weights.

    Returns ``(period, share in [0, 1] with three decimals or None, students)`` in the order of
    ``periods``. Plans without a share (or without students) are left out of the mean.
    """
    weighted: dict[Ref, Decimal] = defaultdict(Decimal)
    weights: Counter[Ref] = Counter()
    for record in records:
        if record.share is None or record.students <= 0:
            continue
        weighted[record.period] += Decimal(record.share) * record.students
        weights[record.period] += record.students
    result: list[tuple[Ref, Decimal | None, int]] = []
    for period in periods:
        total = weights[period]
        share = (
            (weighted[period] / total).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            if total
            else None
        )
        result.append((period, share, total))
    return result


def coverage_share(records: Iterable[CoverageRecord]) -> Share:
    """Students whose top need was worked on, out of the students placed (the plans' shares
    weighted by their students, rounded to whole students)."""
    part = whole = 0
    for c in records:
        if c.share is None or c.students <= 0:
            continue
        part += int((Decimal(c.share) * c.students).quantize(Decimal(1), ROUND_HALF_UP))
        whole += c.students
    return Share(part, whole)


@dataclass(frozen=True)
class ProgressSummary:
    """Progress of student × competency pairs assessed at two dates or more.

    ``deltas`` counts pairs by last − first level (−3 … +3, every key present).
    """

    deltas: Mapping[int, int]
    students: int

    @property
    def pairs(self) -> int:
        """Pairs assessed twice or more."""
        return sum(self.deltas.values())

    @property
    def improved(self) -> Share:
        """Pairs whose last level is above the first."""
        return Share(sum(n for d, n in self.deltas.items() if d > 0), self.pairs)

    @property
    def stable(self) -> Share:
        """Pairs at the same level."""
        return Share(self.deltas.get(0, 0), self.pairs)

    @property
    def declined(self) -> Share:
        """Pairs whose last level is below the first."""
        return Share(sum(n for d, n in self.deltas.items() if d < 0), self.pairs)

    @property
    def mean(self) -> Decimal | None:
        """Mean gain in LSU levels, two decimals."""
        if not self.pairs:
            return None
        total = sum(d * n for d, n in self.deltas.items())
        return (Decimal(total) / self.pairs).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def progress(results: Iterable[DiagnosisResult]) -> ProgressSummary:
    """Last minus first LSU level per student and competency, over at least two dates.

    Several results of one pair on the same date (two campaigns the same day) are averaged
    for that date, rounded half up, so one day never counts as progress.
    """
    dated: dict[tuple[StudentId, str], dict[dt.date, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for result in results:
        if not 1 <= result.value <= 4:
            raise ValueError(f"Niveau LSU hors échelle : {result.value}.")
        dated[(result.student, result.competency)][result.date].append(result.value)
    deltas: Counter[int] = Counter({d: 0 for d in range(-3, 4)})
    students: set[StudentId] = set()
    for (student, _competency), days in dated.items():
        if len(days) < 2:
            continue
        ordered = sorted(days)
        first, last = (_day_level(days[ordered[0]]), _day_level(days[ordered[-1]]))
        deltas[last - first] += 1
        students.add(student)
    return ProgressSummary(deltas=dict(sorted(deltas.items())), students=len(students))


def _day_level(values: list[int]) -> int:
    return int((Decimal(sum(values)) / len(values)).quantize(Decimal("1"), ROUND_HALF_UP))


def mark_distribution(marks: Iterable[MarkRecord]) -> tuple[dict[int, int], Share]:
    """Latest mark per student and objective: count per LSU level 1–4, and the share at 3–4.

    Of two marks on the same date, the higher one is kept (a re-evaluation the same day).
    """
    latest: dict[tuple[StudentId, Ref], tuple[dt.date, int]] = {}
    for mark in marks:
        if not 1 <= mark.value <= 4:
            raise ValueError(f"Niveau LSU hors échelle : {mark.value}.")
        key = (mark.student, mark.objective)
        if key not in latest or (mark.date, mark.value) > latest[key]:
            latest[key] = (mark.date, mark.value)
    counts = {level: 0 for level in range(1, 5)}
    for _day, value in latest.values():
        counts[value] += 1
    return counts, Share(counts[3] + counts[4], sum(counts.values()))
