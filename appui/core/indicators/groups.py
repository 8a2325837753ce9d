"""Groups over the year: renewal between periods and students never offered a module
(seeds 002, 003, 004)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from appui.core.indicators.records import GroupRecord
from appui.core.indicators.shares import Ref, Share, StudentId, ref_order

FROZEN_SHARE = Decimal("0.75")
"""A group is *frozen* when at least this share of its members were together in one group of
the previous period (seed 002: « Eviter des groupes figés sur des périodes trop longues »)."""


@dataclass(frozen=True)
class ChurnRow:
    """Change between two consecutive periods of one scope (a level, or the school)."""

    previous: Ref
    period: Ref
    changed: Share
    frozen_groups: tuple[Ref, ...]
    groups: int


def _kept(student: StudentId, new: list[GroupRecord], before: list[frozenset]) -> bool:
    for group in new:
        others = [s for s in group.students if s != student]
        if not others:
            continue
        for members in before:
            if 2 * sum(1 for s in others if s in members) >= len(others):
                return True
    return False


def _frozen(group: GroupRecord, before: list[GroupRecord]) -> bool:
    if len(group.students) < 2:
        return False
    best = max((len(group.students & g.students) for g in before), default=0)
    return Decimal(best) >= FROZEN_SHARE * len(group.students)


def group_churn(groups: Iterable[GroupRecord], periods: Sequence[Ref]) -> list[ChurnRow]:
    """Renewal of the groups between each pair of consecutive ``periods`` (in that order).

    A student placed in both periods is *unchanged* when, in one of their new groups, at
    least half of the other members were with them in one of their previous groups (the same
    rule as the plan metric « élèves ayant changé de groupe »). A new group is *frozen* when
    at least :data:`FROZEN_SHARE` of its members come from one single group of the previous
    period. Periods without groups are skipped: the next one is compared with the last
    period that had groups.
    """
    by_period: dict[Ref, list[GroupRecord]] = defaultdict(list)
    for group in groups:
        by_period[group.period].append(group)
    rows: list[ChurnRow] = []
    previous: Ref | None = None
    for period in periods:
        current = by_period.get(period, [])
        if not current:
            continue
        if previous is not None:
            before = by_period[previous]
            homes_before: dict[StudentId, list[frozenset]] = defaultdict(list)
            for group in before:
                for s in group.students:
                    homes_before[s].append(group.students)
            homes_now: dict[StudentId, list[GroupRecord]] = defaultdict(list)
            for group in current:
                for s in group.students:
                    homes_now[s].append(group)
            both = [s for s in homes_now if s in homes_before]
            changed = sum(1 for s in both if not _kept(s, homes_now[s], homes_before[s]))
            frozen = tuple(
                sorted(
                    (g.id for g in current if _frozen(g, before)),
                    key=ref_order,
                )
            )
            rows.append(ChurnRow(previous, period, Share(changed, len(both)), frozen, len(current)))
        previous = period
    return rows


def never_offered(
    students: Iterable[StudentId], groups: Iterable[GroupRecord]
) -> tuple[tuple[StudentId, ...], Share]:
    """Present students in no group at all, and their share of the present students."""
    roster = list(dict.fromkeys(students))
    placed: set[StudentId] = set()
    for group in groups:
        placed |= group.students
    missing = tuple(sorted((s for s in roster if s not in placed), key=ref_order))
    return missing, Share(len(missing), len(roster))
