"""The value of each indicator for a scope or one of its levels: what targets are compared
with and what the académie dashboard lists per school."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from appui.core import indicators as ind
from appui.core.indicators import Share

from .display import HUNDRED
from .results import Results


def coverage_share(records: list[ind.CoverageRecord]) -> Share:
    """Students whose top need was worked on, out of the students placed (the plans' shares
    weighted by their students, rounded to whole students)."""
    known = [c for c in records if c.share is not None and c.students > 0]
    part = sum(
        int((Decimal(c.share) * c.students).quantize(Decimal(1), ROUND_HALF_UP)) for c in known
    )
    return Share(part, sum(c.students for c in known))


def _weighted_hours(rows: list[ind.HoursRow]) -> Share:
    due = sum(r.due * r.students for r in rows)
    delivered = sum(min(r.delivered, r.due) * r.students for r in rows)
    return Share(delivered, due)


def hours_rows(r: Results, level: int | None = None):
    """Hours per level and per division (computed once per scope), or of one level."""
    if "hours" not in r.cache:
        due = {lv.pk: int(lv.ap_hours * 60) for lv in r.levels}
        r.cache["hours"] = ind.hours_by_unit(
            sessions=r.sessions, places=r.places, due=due, as_of=r.scope.today
        )
    levels, divisions = r.cache["hours"]
    if level is None:
        return levels, divisions
    return [x for x in levels if x.level == level], [x for x in divisions if x.level == level]


def churn_rows(
    r: Results, level: int | None = None, *, prepared: bool = False
) -> list[tuple[int, ind.ChurnRow]]:
    """Renewal between consecutive periods, per level. With ``prepared``, the plans being
    prepared for periods not yet published count too (shown as such, never in targets)."""
    all_periods = [p.pk for p in r.periods]
    records = r.groups.records + (r.prepared.records if prepared else [])
    rows = []
    for level_id in sorted({g.level for g in records}):
        if level is not None and level_id != level:
            continue
        groups = [g for g in records if g.level == level_id]
        for row in ind.group_churn(groups, all_periods):
            if r.scope.period is None or row.period == r.scope.period.pk:
                rows.append((level_id, row))
    return rows


def _outcome_records(r: Results, level: int | None = None):
    """The latest year with outcomes (the scope's year, else the one before)."""
    if not r.outcomes:
        return None, []
    latest = max(o.start_year for o in r.outcomes)
    wanted = None
    if level is not None:
        lv = next((x for x in r.levels if x.pk == level), None)
        wanted = (lv.track, lv.year_in_cycle) if lv else None
    records = [
        ind.OutcomeRecord(
            o.pk,
            o.enrolled,
            o.repeating,
            o.candidates,
            o.passed,
            o.leavers,
            o.further_studies,
        )
        for o in r.outcomes
        if o.start_year == latest and (wanted is None or (o.track, o.year_in_cycle) == wanted)
    ]
    return latest, records


def headline_shares(r: Results, level: int | None = None) -> dict[str, Share | Decimal | None]:
    """The value each target is compared with, for the scope or one of its levels."""
    places = [p for p in r.places if level is None or p.level == level]
    students = {p.student for p in places}
    levels_rows, _divisions = hours_rows(r, level)
    coverage = [c for c in r.coverage if level is None or c.level == level]
    coverage = [c for c in coverage if c.period in set(r.period_ids)]
    churn = [row.changed for _lv, row in churn_rows(r, level)]
    _latest, outcome_records = _outcome_records(r, level)
    outcome = ind.outcome_rates(outcome_records)
    satisfaction = sum((s["satisfaction"] for s in r.surveys if s["detailed"]), start=Share(0, 0))
    return {
        "hours": _weighted_hours(levels_rows),
        "staff": ind.staff_involvement(
            r.teachers, r.groups_in_scope(), r.tutoring.get("tutor_staff", [])
        ),
        "attendance": ind.attendance(r.sessions_in_scope(level), as_of=r.scope.today),
        "need_coverage": coverage_share(coverage),
        "progress": ind.progress(d for d in r.diagnosis if d.student in students).improved,
        "marks": ind.mark_distribution(m for m in r.marks if m.student in students)[1],
        "churn": sum(churn, start=Share(0, 0)),
        "never_offered": ind.never_offered(
            [p.student for p in places],
            [g for g in r.groups.records if level is None or g.level == level],
        )[1],
        "tutoring": ind.tutoring_coverage(students, r.tutoring.get("tutees", set())),
        "satisfaction": satisfaction,
        "repeat": outcome.repeat,
        "success": outcome.success,
        "further_studies": outcome.further_studies,
    }


def _as_percent(value: Share | Decimal | None) -> Decimal | None:
    rate = value.rate if isinstance(value, Share) else value
    if rate is None:
        return None
    return (Decimal(rate) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_rows(r: Results) -> list[dict]:
    """Every target with its measured value and status."""
    cache: dict[int | None, dict] = {}
    rows = []
    for target in r.targets:
        level = target.level_id
        if level not in cache:
            cache[level] = headline_shares(r, level)
        actual = _as_percent(cache[level].get(target.indicator))
        status = ind.target_status(actual, target.value, ind.Direction(target.direction))
        rows.append({"target": target, "actual": actual, "status": status})
    return rows
