"""Surveys, end-of-year outcomes and the steering calendar (seeds 000, 001, 002)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from appui.core.indicators.records import MilestoneRecord, OutcomeRecord
from appui.core.indicators.shares import Share, ref_order

SATISFIED_FROM = 3
"""On the four-point agreement scale, 3 (« plutôt d'accord ») and 4 (« tout à fait
d'accord ») count as satisfied."""


def satisfaction(counts: Mapping[int, int]) -> Share:
    """Answers at :data:`SATISFIED_FROM` or above ÷ answers, on the four-point scale."""
    for value, count in counts.items():
        if not 1 <= value <= 4 or count < 0:
            raise ValueError(f"Réponse hors échelle : {value} ({count}).")
    total = sum(counts.values())
    return Share(sum(n for v, n in counts.items() if v >= SATISFIED_FROM), total)


def response_rate(respondents: int, audience: int) -> Share:
    """Respondents ÷ people the survey was open to (capped: more answers than people is 100 %)."""
    return Share(min(respondents, audience), audience)


@dataclass(frozen=True)
class OutcomeRates:
    """Repeat rate, success at the diploma and further-studies rate of some outcomes."""

    repeat: Share
    success: Share
    further_studies: Share


def outcome_rates(records: Iterable[OutcomeRecord]) -> OutcomeRates:
    """Sums over ``records``: repeating ÷ enrolled, passed ÷ candidates, further ÷ leavers."""
    enrolled = repeating = candidates = passed = leavers = further = 0
    for r in records:
        enrolled += r.enrolled
        repeating += r.repeating
        candidates += r.candidates
        passed += r.passed
        leavers += r.leavers
        further += r.further_studies
    return OutcomeRates(
        Share(repeating, enrolled), Share(passed, candidates), Share(further, leavers)
    )


def late_milestones(
    milestones: Iterable[MilestoneRecord], today: dt.date
) -> tuple[list[MilestoneRecord], Share]:
    """Milestones due before ``today`` and not done (oldest first), and the share of the
    milestones already due that were done by their date."""
    late: list[MilestoneRecord] = []
    due = on_time = 0
    for m in milestones:
        if m.due >= today:
            continue
        due += 1
        if m.done_on is None:
            late.append(m)
        elif m.done_on <= m.due:
            on_time += 1
    late.sort(key=lambda m: (m.due, ref_order(m.id)))
    return late, Share(on_time, due)
