"""The value of each indicator for a scope or one of its levels: what targets are compared
with and what the académie dashboard lists per school.

The records of :class:`Results` are narrowed to the scope (and level) once, as plain
:class:`~appui.core.indicators.ScopeRecords`; each indicator's own ``measure`` does the rest.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from appui.core import indicators as ind
from appui.core.indicators import Share

from .display import HUNDRED
from .results import Results


def hours_rows(r: Results, level: int | None = None):
    """Hours per level and per division (computed once per scope), or of one level."""
    if r.hours is None:
        due: dict[ind.Ref, int] = {lv.pk: int(lv.ap_hours * 60) for lv in r.levels}
        r.hours = ind.hours_by_unit(
            sessions=r.sessions, places=r.places, due=due, as_of=r.scope.today
        )
    levels, divisions = r.hours
    if level is None:
        return levels, divisions
    return [x for x in levels if x.level == level], [x for x in divisions if x.level == level]


def churn_rows(
    r: Results, level: int | None = None, *, prepared: bool = False
) -> list[tuple[ind.Ref, ind.ChurnRow]]:
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


def scope_records(r: Results, level: int | None = None) -> ind.ScopeRecords:
    """The plain records of the scope, or of one of its levels (built once per level)."""
    if level in r.records:
        return r.records[level]
    places = [p for p in r.places if level is None or p.level == level]
    students = {p.student for p in places}
    periods = set(r.period_ids)
    levels_rows, _divisions = hours_rows(r, level)
    r.records[level] = ind.ScopeRecords(
        as_of=r.scope.today,
        places=places,
        year_groups=[g for g in r.groups.records if level is None or g.level == level],
        period_groups=r.groups_in_scope(),
        sessions=r.sessions_in_scope(level),
        hours=levels_rows,
        coverage=[
            c for c in r.coverage if (level is None or c.level == level) and c.period in periods
        ],
        diagnosis=[d for d in r.diagnosis if d.student in students],
        marks=[m for m in r.marks if m.student in students],
        churn=[row for _lv, row in churn_rows(r, level)],
        teachers=r.teachers,
        tutor_staff=r.tutoring.get("tutor_staff", []),
        tutees=frozenset(r.tutoring.get("tutees", ())),
        surveys=[ind.SurveyRecord(s["total"], s["satisfaction"]) for s in r.surveys],
        outcomes=_outcome_records(r, level)[1],
        milestones=[ind.MilestoneRecord(m.pk, m.due_date, m.done_on) for m in r.milestones],
        trainings=r.trainings,
        meetings=r.meeting_records,
    )
    return r.records[level]


def headline_shares(r: Results, level: int | None = None) -> dict[str, ind.Value]:
    """The value each target is compared with, for the scope or one of its levels."""
    return ind.headline_values(scope_records(r, level))


def headline_share(r: Results, key: str, level: int | None = None) -> Share:
    """The headline value of an indicator measured as a share (most of them)."""
    value = headline_shares(r, level)[key]
    if not isinstance(value, Share):
        raise TypeError(f"{key}: the headline value is not a share.")
    return value


def _as_percent(value: ind.Value) -> Decimal | None:
    rate = value.rate if isinstance(value, Share) else value
    if rate is None:
        return None
    return (Decimal(rate) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_row(target, actual: Decimal | None) -> dict:
    """A target with its measured value (a percentage, None when nothing is measured yet) and
    its status."""
    status = ind.target_status(actual, target.value, ind.Direction(target.direction))
    return {"target": target, "actual": actual, "status": status}


def target_rows(r: Results) -> list[dict]:
    """Every target with its measured value and status."""
    values: dict[int | None, dict[str, ind.Value]] = {}
    rows = []
    for target in r.targets:
        if target.level_id not in values:
            values[target.level_id] = headline_shares(r, target.level_id)
        rows.append(target_row(target, _as_percent(values[target.level_id].get(target.indicator))))
    return rows
