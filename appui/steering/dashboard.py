"""The dashboards: every indicator of :mod:`appui.core.indicators` computed for a scope and
laid out as a section — headline, chart, table, download.

:func:`compute` reads the records once (``selectors``) and runs the core formulas;
:func:`school_sections` lays them out for the school and per-level dashboards;
:func:`academy_sections` compares several schools with no name of any person and small cells
suppressed. The same section objects feed the page and the XLSX/ODS downloads, so what is
downloaded is exactly what is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from appui.core import indicators as ind
from appui.core.hours import SessionRecord, format_minutes
from appui.core.indicators import INDICATORS, MIN_CELL, Share, TargetStatus
from appui.core.io.tabular import Column
from appui.planning.models import Module

from . import selectors
from .models import Milestone, Survey

HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- display types


@dataclass
class Bar:
    """One bar of a chart: ``value`` (0–1) filled, ``secondary`` (0–1) lighter behind it."""

    label: str
    value: Decimal | None
    text: str
    secondary: Decimal | None = None
    target: Decimal | None = None
    flag: str = ""

    @property
    def width(self) -> str:
        return _css_percent(self.value)

    @property
    def secondary_width(self) -> str:
        return _css_percent(self.secondary)

    @property
    def target_left(self) -> str:
        return _css_percent(self.target)


def _css_percent(value: Decimal | None) -> str:
    if value is None:
        return "0"
    clamped = min(max(Decimal(value), Decimal(0)), Decimal(1))
    return str((clamped * HUNDRED).quantize(Decimal("0.1")))


@dataclass
class Section:
    """An indicator as shown: headline, chart, table (also the download) and notes."""

    key: str
    title: str
    seeds: str
    formula: str
    headline: str
    detail: str = ""
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: list[Any] = field(default_factory=list)
    empty: str = ""
    downloads: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, key: str, headline: str, **kwargs) -> Section:
        spec = INDICATORS[key]
        return cls(
            key=key,
            title=spec.label,
            seeds=spec.seeds,
            formula=spec.formula,
            headline=headline,
            **kwargs,
        )


def percent(share: Share | Decimal | None, *, secret: bool = False) -> str:
    """French percentage of a share or a rate (0–1); « secret » when the cell is too small."""
    if isinstance(share, Share):
        if secret and share.suppressed():
            return _("fewer than 5")
        rate = share.rate
    else:
        rate = share
    if rate is None:
        return "—"
    value = (Decimal(rate) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value} %".replace(".", ",")


def _decimal(value: Decimal | None) -> str:
    """A number in French notation (decimal comma), « — » for none."""
    return "—" if value is None else str(value).replace(".", ",")


def _float(rate: Decimal | None) -> float | None:
    return None if rate is None else float((Decimal(rate) * HUNDRED).quantize(Decimal("0.1")))


def _hours(minutes: int) -> float:
    return float((Decimal(minutes) / 60).quantize(Decimal("0.01")))


def count_text(count: int, *, secret: bool = False) -> str | int:
    if secret and ind.suppress(count) is None:
        return _("fewer than 5")
    return count


# --------------------------------------------------------------------------- computing


@dataclass
class Results:
    """Everything the dashboards show for one scope, computed once."""

    scope: selectors.Scope
    levels: list = field(default_factory=list)
    level_names: dict[int, str] = field(default_factory=dict)
    division_names: dict[int, str] = field(default_factory=dict)
    periods: list = field(default_factory=list)
    spans: list[ind.PeriodSpan] = field(default_factory=list)
    places: list[ind.StudentPlace] = field(default_factory=list)
    groups: selectors.GroupData = field(default_factory=selectors.GroupData)
    prepared: selectors.GroupData = field(default_factory=selectors.GroupData)
    sessions: list[SessionRecord] = field(default_factory=list)
    recorded_sessions: int = 0
    marks: list[ind.MarkRecord] = field(default_factory=list)
    diagnosis: list[ind.DiagnosisResult] = field(default_factory=list)
    coverage: list[ind.CoverageRecord] = field(default_factory=list)
    teachers: list[int] = field(default_factory=list)
    tutoring: dict = field(default_factory=dict)
    surveys: list[dict] = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    meetings: dict[str, int] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def period_ids(self) -> list[int]:
        """The periods the period-bound indicators look at (the chosen one, or all)."""
        if self.scope.period is not None:
            return [self.scope.period.pk]
        return [p.pk for p in self.periods]

    def groups_in_scope(self, level: int | None = None) -> list[ind.GroupRecord]:
        wanted = set(self.period_ids)
        return [
            g
            for g in self.groups.records
            if g.period in wanted and (level is None or g.level == level)
        ]

    def sessions_in_scope(self, level: int | None = None) -> list[SessionRecord]:
        spans = [s for s in self.spans if s.id in set(self.period_ids)]
        levels = {g.id: g.level for g in self.groups.records}
        return [
            s
            for s in self.sessions
            if any(span.contains(s.date) for span in spans)
            and (level is None or levels.get(s.group) == level)
        ]


def compute(scope: selectors.Scope) -> Results:
    from appui.schools.models import Division

    results = Results(scope=scope)
    results.levels = selectors.levels(scope)
    results.level_names = {lv.pk: lv.name for lv in results.levels}
    results.division_names = dict(
        Division.objects.filter(level__in=results.levels).values_list("pk", "code")
    )
    results.periods = selectors.periods(scope)
    results.spans = selectors.period_spans(results.periods)
    results.places = selectors.present_students(scope)
    results.groups = selectors.published_groups(scope)
    results.prepared = selectors.prepared_groups(scope)
    recorded, results.marks = selectors.followup_records(scope, results.groups)
    results.recorded_sessions = len(recorded)
    results.sessions = recorded + selectors.planned_sessions(
        results.groups, results.spans, recorded
    )
    results.diagnosis = selectors.diagnosis_results(scope, results.places)
    results.coverage = selectors.coverage_records(scope, results.groups)
    results.teachers = selectors.teachers(scope.school)
    results.tutoring = selectors.tutoring(scope)
    results.surveys = _surveys(scope)
    results.outcomes = selectors.outcomes(
        scope.school,
        scope.year.start_year,
        results.levels if (scope.level or scope.division or scope.allowed_level_ids) else None,
    )
    results.milestones = selectors.milestones(scope)
    results.targets = selectors.targets(scope)
    results.decisions, results.actions = selectors.open_decisions(scope)
    results.meetings = selectors.meetings_by_kind(scope)
    return results


def _surveys(scope: selectors.Scope) -> list[dict]:
    surveys = []
    for survey in (
        Survey.objects.filter(year=scope.year, published_at__isnull=False)
        .prefetch_related("levels")
        .order_by("opens_on", "pk")
    ):
        data = selectors.survey_results(survey)
        scale: dict[int, int] = defaultdict(int)
        for counts in data["counts"].values():
            for value, n in counts.items():
                scale[value] += n
        data["survey"] = survey
        data["satisfaction"] = ind.satisfaction(dict(scale))
        data["rate"] = ind.response_rate(data["total"], sum(data["population"].values()))
        data["detailed"] = data["total"] >= MIN_CELL
        surveys.append(data)
    return surveys


# --------------------------------------------------------------------------- headline values


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


# --------------------------------------------------------------------------- school sections


def _level_name(r: Results, level: int) -> str:
    return r.level_names.get(level, "—")


def hours_section(r: Results) -> Section:
    levels_rows, division_rows = hours_rows(r)
    shown = (
        division_rows
        if (r.scope.level or r.scope.division) or len(levels_rows) == 1
        else levels_rows
    )
    bars = []
    for row in shown:
        label = (
            r.division_names.get(row.unit, "—")
            if shown is division_rows
            else _level_name(r, row.unit)
        )
        bars.append(
            Bar(
                label=label,
                value=row.delivered_share.rate,
                secondary=row.planned_share.rate,
                text=_("%(delivered)s delivered · %(planned)s planned · %(due)s due")
                % {
                    "delivered": format_minutes(row.delivered),
                    "planned": format_minutes(row.planned),
                    "due": format_minutes(row.due),
                },
            )
        )
    table = [
        {
            "level": _level_name(r, row.level),
            "division": "" if row in levels_rows else r.division_names.get(row.unit, ""),
            "students": row.students,
            "due": _hours(row.due),
            "planned": _hours(row.planned),
            "delivered": _hours(row.delivered),
            "share": _float(row.delivered_share.rate),
        }
        for row in levels_rows + division_rows
    ]
    notes = [_("Per student, over the school year; planned hours include the sessions to come.")]
    if not r.recorded_sessions:
        notes.append(
            _(
                "No session recorded in the follow-up yet: planned hours come from the published "
                "plans and no hour counts as delivered."
            )
        )
    return Section.of(
        "hours",
        percent(_weighted_hours(levels_rows)),
        detail=_("of the due hours delivered"),
        bars=bars,
        legend=[("fill", _("delivered")), ("secondary", _("planned")), ("track", _("due"))],
        columns=[
            Column("level", _("Level")),
            Column("division", _("Division")),
            Column("students", _("Students")),
            Column("due", _("Due (h)")),
            Column("planned", _("Planned (h)")),
            Column("delivered", _("Delivered (h)")),
            Column("share", _("Delivered of due (%)")),
        ],
        rows=table,
        notes=notes,
        empty="" if levels_rows else _("No student in this scope."),
    )


def modules_section(r: Results) -> Section:
    kinds = ind.modules_run(r.groups_in_scope())
    labels = dict(Module.Kind.choices)
    most = max((k.groups for k in kinds), default=0)
    modules = len({g.module for g in r.groups_in_scope()})
    return Section.of(
        "modules",
        _("%(modules)s modules, %(groups)s groups")
        % {"modules": modules, "groups": sum(k.groups for k in kinds)},
        bars=[
            Bar(
                label=str(labels.get(k.kind, k.kind)),
                value=Decimal(k.groups) / most if most else None,
                text=_("%(groups)s groups · %(modules)s modules · %(students)s students")
                % {"groups": k.groups, "modules": k.modules, "students": k.students},
            )
            for k in kinds
        ],
        columns=[
            Column("kind", _("Kind")),
            Column("modules", _("Modules")),
            Column("groups", _("Groups")),
            Column("students", _("Students")),
        ],
        rows=[
            {
                "kind": str(labels.get(k.kind, k.kind)),
                "modules": k.modules,
                "groups": k.groups,
                "students": k.students,
            }
            for k in kinds
        ],
        empty="" if kinds else _("No published group in this scope."),
    )


def staff_section(r: Results) -> Section:
    share = ind.staff_involvement(
        r.teachers, r.groups_in_scope(), r.tutoring.get("tutor_staff", [])
    )
    return Section.of(
        "staff",
        percent(share),
        detail=_("%(part)s of %(whole)s teachers") % {"part": share.part, "whole": share.whole},
        bars=[Bar(_("Teachers involved"), share.rate, percent(share))],
        columns=[
            Column("teachers", _("Teachers")),
            Column("involved", _("Involved in AP")),
            Column("share", _("Share (%)")),
        ],
        rows=[{"teachers": share.whole, "involved": share.part, "share": _float(share.rate)}],
        notes=[_("Involved: runs at least one published AP group or follows at least one tutee.")],
    )


def _target_for(r: Results, key: str) -> Decimal | None:
    target = next((t for t in r.targets if t.indicator == key and t.level_id is None), None)
    return None if target is None else target.value / HUNDRED


def attendance_section(r: Results) -> Section:
    sessions = r.sessions_in_scope()
    spans = [s for s in r.spans if s.id in set(r.period_ids)]
    trend = ind.attendance_by_period(sessions, spans, as_of=r.scope.today)
    overall = ind.attendance(sessions, as_of=r.scope.today)
    target = _target_for(r, "attendance")
    return Section.of(
        "attendance",
        percent(overall),
        detail=_("%(part)s present or late of %(whole)s marks")
        % {"part": overall.part, "whole": overall.whole},
        bars=[
            Bar(span.label, share.rate, percent(share), target=target)
            for span, share in trend
            if share.whole
        ],
        legend=[("fill", _("attendance")), ("target", _("target"))] if target else [],
        columns=[
            Column("period", _("Period")),
            Column("marks", _("Marks recorded")),
            Column("present", _("Present or late")),
            Column("rate", _("Attendance (%)")),
        ],
        rows=[
            {
                "period": span.label,
                "marks": share.whole,
                "present": share.part,
                "rate": _float(share.rate),
            }
            for span, share in trend
        ],
        empty="" if overall.whole else _("No attendance recorded yet."),
    )


def need_coverage_section(r: Results) -> Section:
    names = {p.pk: p.name for p in r.periods}
    records = [c for c in r.coverage if c.period in set(r.period_ids)]
    by_period = ind.coverage_by_period(records, r.period_ids)
    overall = ind.coverage_by_period(
        [ind.CoverageRecord("all", c.level, c.students, c.share) for c in records], ["all"]
    )[0][1]
    target = _target_for(r, "need_coverage")
    return Section.of(
        "need_coverage",
        percent(overall),
        bars=[
            Bar(names[period], share, percent(share), target=target)
            for period, share, students in by_period
            if students
        ],
        legend=[("fill", _("top need worked on")), ("target", _("target"))] if target else [],
        columns=[
            Column("period", _("Period")),
            Column("level", _("Level")),
            Column("students", _("Students placed")),
            Column("share", _("Top need worked on (%)")),
        ],
        rows=[
            {
                "period": names.get(c.period, ""),
                "level": _level_name(r, c.level),
                "students": c.students,
                "share": _float(c.share),
            }
            for c in sorted(records, key=lambda c: (names.get(c.period, ""), c.level))
        ],
        empty="" if records else _("No published plan in this scope."),
    )


def progress_section(r: Results) -> Section:
    summary = ind.progress(r.diagnosis)
    most = max(summary.deltas.values(), default=0)
    mean = _decimal(summary.mean)
    return Section.of(
        "progress",
        percent(summary.improved),
        detail=_("of %(pairs)s student-competency pairs assessed twice; mean gain %(mean)s level")
        % {"pairs": summary.pairs, "mean": mean},
        bars=[
            Bar(
                f"{delta:+d}" if delta else "0",
                Decimal(n) / most if most else None,
                str(n),
                flag=_("progress") if delta > 0 else (_("decline") if delta < 0 else ""),
            )
            for delta, n in summary.deltas.items()
        ],
        columns=[Column("delta", _("Change in LSU levels")), Column("pairs", _("Pairs"))],
        rows=[{"delta": delta, "pairs": n} for delta, n in summary.deltas.items()],
        notes=[
            _("Improved: %(a)s · stable: %(b)s · declined: %(c)s")
            % {
                "a": percent(summary.improved),
                "b": percent(summary.stable),
                "c": percent(summary.declined),
            }
        ],
        empty="" if summary.pairs else _("No competency assessed at two diagnoses yet."),
    )


def marks_section(r: Results) -> Section:
    counts, share = ind.mark_distribution(r.marks)
    total = sum(counts.values())
    labels = {1: _("insufficient"), 2: _("fragile"), 3: _("satisfactory"), 4: _("very good")}
    return Section.of(
        "marks",
        percent(share),
        detail=_("at least satisfactory, of %(n)s objectives assessed") % {"n": total},
        bars=[
            Bar(f"{level} — {labels[level]}", Decimal(n) / total if total else None, str(n))
            for level, n in counts.items()
        ],
        columns=[Column("level", _("LSU level")), Column("count", _("Latest marks"))],
        rows=[{"level": f"{lv} — {labels[lv]}", "count": n} for lv, n in counts.items()],
        empty="" if total else _("No progress mark recorded in the follow-up yet."),
    )


def churn_section(r: Results) -> Section:
    names = {p.pk: p.name for p in r.periods}
    in_preparation = {(g.level, g.period) for g in r.prepared.records}
    for period, label in list(names.items()):
        if any(p == period for _lv, p in in_preparation):
            names[period] = _("%(period)s (plan in preparation)") % {"period": label}
    labels = {**r.groups.labels, **r.prepared.labels}
    rows = churn_rows(r, prepared=True)
    published_rows = [(lv, row) for lv, row in rows if (lv, row.period) not in in_preparation]
    per_transition: dict[tuple[int, int], list[ind.ChurnRow]] = defaultdict(list)
    for _level, row in rows:
        per_transition[(row.previous, row.period)].append(row)
    bars = []
    for (previous, period), items in per_transition.items():
        share = sum((i.changed for i in items), start=Share(0, 0))
        frozen = sum(len(i.frozen_groups) for i in items)
        bars.append(
            Bar(
                f"{names.get(previous, '')} → {names.get(period, '')}",
                share.rate,
                percent(share),
                flag=(_("%(n)s frozen groups") % {"n": frozen}) if frozen else "",
            )
        )
    overall = sum((row.changed for _lv, row in published_rows), start=Share(0, 0))
    return Section.of(
        "churn",
        percent(overall),
        detail=_("of the students changed group between two periods"),
        bars=bars,
        columns=[
            Column("periods", _("Periods")),
            Column("level", _("Level")),
            Column("students", _("Students in both")),
            Column("changed", _("Changed group")),
            Column("share", _("Renewal (%)")),
            Column("frozen", _("Frozen groups")),
        ],
        rows=[
            {
                "periods": f"{names.get(row.previous, '')} → {names.get(row.period, '')}",
                "level": _level_name(r, level),
                "students": row.changed.whole,
                "changed": row.changed.part,
                "share": _float(row.changed.rate),
                "frozen": ", ".join(labels.get(g, str(g)) for g in row.frozen_groups),
            }
            for level, row in rows
        ],
        notes=[_("A plan in preparation is compared too, to renew its groups before publishing.")]
        if in_preparation
        else [],
        empty="" if rows else _("Fewer than two periods with published groups."),
    )


def never_offered_section(r: Results, *, with_names: bool) -> Section:
    missing, share = ind.never_offered([p.student for p in r.places], r.groups.records)
    missing_set = set(missing)
    per_level = []
    for level in r.levels:
        ids = [p.student for p in r.places if p.level == level.pk]
        per_level.append((level, Share(sum(1 for s in ids if s in missing_set), len(ids))))
    section = Section.of(
        "never_offered",
        percent(share),
        detail=_("%(n)s students in no published group this year") % {"n": share.part},
        bars=[Bar(level.name, s.rate, f"{s.part} / {s.whole}") for level, s in per_level],
        columns=[
            Column("level", _("Level")),
            Column("students", _("Students")),
            Column("never", _("Never offered a module")),
            Column("share", _("Share (%)")),
        ],
        rows=[
            {
                "level": level.name,
                "students": s.whole,
                "never": s.part,
                "share": _float(s.rate),
            }
            for level, s in per_level
        ],
    )
    if with_names:
        section.names = list(selectors.student_names(missing[:100]).values())
    return section


def tutoring_section(r: Results) -> Section:
    tutees = r.tutoring.get("tutees", set())
    overall = ind.tutoring_coverage([p.student for p in r.places], tutees)
    per_level = [
        (level, ind.tutoring_coverage([p.student for p in r.places if p.level == level.pk], tutees))
        for level in r.levels
    ]
    return Section.of(
        "tutoring",
        percent(overall),
        detail=_("%(part)s students with a tutor; %(tutors)s tutors, %(full)s full")
        % {
            "part": overall.part,
            "tutors": r.tutoring.get("tutors", 0),
            "full": r.tutoring.get("full", 0),
        },
        bars=[Bar(level.name, s.rate, f"{s.part} / {s.whole}") for level, s in per_level],
        columns=[
            Column("level", _("Level")),
            Column("students", _("Students")),
            Column("tutored", _("With a tutor")),
            Column("share", _("Coverage (%)")),
        ],
        rows=[
            {"level": level.name, "students": s.whole, "tutored": s.part, "share": _float(s.rate)}
            for level, s in per_level
        ],
    )


def satisfaction_section(r: Results) -> Section:
    bars, rows = [], []
    overall = Share(0, 0)
    for data in r.surveys:
        survey = data["survey"]
        if data["detailed"]:
            overall += data["satisfaction"]
        bars.append(
            Bar(
                survey.title,
                data["satisfaction"].rate if data["detailed"] else None,
                percent(data["satisfaction"]) if data["detailed"] else _("fewer than 5 answers"),
                secondary=data["rate"].rate,
                flag=_("response rate %(rate)s") % {"rate": percent(data["rate"])},
            )
        )
        rows.append(
            {
                "survey": survey.title,
                "status": str(dict(Survey.Status.choices)[survey.current_status]),
                "respondents": data["total"],
                "population": sum(data["population"].values()),
                "rate": _float(data["rate"].rate),
                "satisfied": _float(data["satisfaction"].rate) if data["detailed"] else None,
            }
        )
    return Section.of(
        "satisfaction",
        percent(overall),
        detail=_("satisfied answers, surveys with at least 5 respondents"),
        bars=bars,
        legend=[("fill", _("satisfied")), ("secondary", _("response rate"))],
        columns=[
            Column("survey", _("Survey")),
            Column("status", _("Status")),
            Column("respondents", _("Respondents")),
            Column("population", _("Audience")),
            Column("rate", _("Response rate (%)")),
            Column("satisfied", _("Satisfied (%)")),
        ],
        rows=rows,
        empty="" if r.surveys else _("No survey published this year."),
    )


def outcomes_section(r: Results) -> Section:
    latest, records = _outcome_records(r)
    rates = ind.outcome_rates(records)
    bars = [
        Bar(INDICATORS["repeat"].label, rates.repeat.rate, percent(rates.repeat)),
        Bar(INDICATORS["success"].label, rates.success.rate, percent(rates.success)),
        Bar(
            INDICATORS["further_studies"].label,
            rates.further_studies.rate,
            percent(rates.further_studies),
        ),
    ]
    section = Section.of(
        "repeat",
        percent(rates.success),
        detail=(
            _("success at the diploma, %(year)s-%(next)s")
            % {"year": latest, "next": (latest or 0) + 1}
            if latest
            else ""
        ),
        bars=bars if records else [],
        columns=[
            Column("year", _("School year")),
            Column("level", _("Level")),
            Column("enrolled", _("Enrolled")),
            Column("repeating", _("Repeating")),
            Column("candidates", _("Candidates")),
            Column("passed", _("Passed")),
            Column("leavers", _("Leaving the cycle")),
            Column("further", _("Further studies")),
        ],
        rows=[
            {
                "year": f"{o.start_year}-{o.start_year + 1}",
                "level": o.label,
                "enrolled": o.enrolled,
                "repeating": o.repeating,
                "candidates": o.candidates,
                "passed": o.passed,
                "leavers": o.leavers,
                "further": o.further_studies,
            }
            for o in r.outcomes
        ],
        empty="" if records else _("No end-of-year outcome recorded yet."),
    )
    section.key = "outcomes"
    section.title = _("Repeat rate, success at the diploma, further studies")
    section.seeds = " ; ".join(
        f"{INDICATORS[k].label} : {INDICATORS[k].seeds}"
        for k in ("repeat", "success", "further_studies")
    )
    section.formula = " ".join(
        INDICATORS[k].formula for k in ("repeat", "success", "further_studies")
    )
    return section


def milestones_section(r: Results) -> Section:
    records = [ind.MilestoneRecord(m.pk, m.due_date, m.done_on) for m in r.milestones]
    late, on_time = ind.late_milestones(records, r.scope.today)
    late_ids = {m.id for m in late}
    kinds = dict(Milestone.Kind.choices)
    section = Section.of(
        "milestones",
        str(len(late)),
        detail=_("late milestones; %(share)s of the milestones due were done on time")
        % {"share": percent(on_time)},
        columns=[
            Column("title", _("Milestone")),
            Column("kind", _("Kind")),
            Column("level", _("Level")),
            Column("due", _("Due date")),
            Column("done", _("Done on")),
            Column("state", _("State")),
        ],
        rows=[
            {
                "title": m.title,
                "kind": str(kinds.get(m.kind, m.kind)),
                "level": m.level.name if m.level else "",
                "due": m.due_date,
                "done": m.done_on,
                "state": _("late")
                if m.pk in late_ids
                else (_("done") if m.done_on else _("to come")),
            }
            for m in r.milestones
        ],
        empty="" if r.milestones else _("No milestone in the calendar yet."),
    )
    section.names = [m for m in r.milestones if m.pk in late_ids]
    return section


def school_sections(r: Results, *, with_names: bool = True) -> list[Section]:
    """Every indicator for the school or per-level dashboard, in reading order."""
    return [
        hours_section(r),
        attendance_section(r),
        need_coverage_section(r),
        progress_section(r),
        marks_section(r),
        churn_section(r),
        modules_section(r),
        staff_section(r),
        never_offered_section(r, with_names=with_names),
        tutoring_section(r),
        satisfaction_section(r),
        outcomes_section(r),
        milestones_section(r),
    ]


def targets_section(r: Results) -> Section:
    rows = target_rows(r)
    statuses = {
        TargetStatus.MET: _("met"),
        TargetStatus.MISSED: _("missed"),
        TargetStatus.UNKNOWN: _("no data yet"),
    }
    section = Section(
        key="targets",
        title=_("Targets"),
        seeds="000, 001",
        formula=_("Each target compared with the measured value of its indicator."),
        headline=_("%(met)s of %(n)s met")
        % {"met": sum(1 for row in rows if row["status"] is TargetStatus.MET), "n": len(rows)},
        bars=[
            Bar(
                f"{row['target'].get_indicator_display()}"
                + (f" — {row['target'].level.name}" if row["target"].level else ""),
                None if row["actual"] is None else row["actual"] / HUNDRED,
                f"{_decimal(row['actual'])} % / "
                f"{row['target'].get_direction_display()} {_decimal(row['target'].value)} %",
                target=row["target"].value / HUNDRED,
                flag=str(statuses[row["status"]]),
            )
            for row in rows
        ],
        legend=[("fill", _("measured")), ("target", _("target"))],
        columns=[
            Column("indicator", _("Indicator")),
            Column("scope", _("Scope")),
            Column("target", _("Target (%)")),
            Column("actual", _("Measured (%)")),
            Column("status", _("Status")),
        ],
        rows=[
            {
                "indicator": row["target"].get_indicator_display(),
                "scope": row["target"].level.name if row["target"].level else _("school"),
                "target": f"{row['target'].get_direction_display()} {row['target'].value}",
                "actual": None if row["actual"] is None else float(row["actual"]),
                "status": str(statuses[row["status"]]),
            }
            for row in rows
        ],
        empty="" if rows else _("No target set yet."),
    )
    return section


def all_school_sections(r: Results, *, with_names: bool = True) -> list[Section]:
    return [targets_section(r), *school_sections(r, with_names=with_names)]


# --------------------------------------------------------------------------- académie


ACADEMY_KEYS = [
    "hours",
    "attendance",
    "need_coverage",
    "progress",
    "churn",
    "staff",
    "never_offered",
    "tutoring",
    "satisfaction",
    "repeat",
    "success",
    "further_studies",
]


def academy_sections(results: list[tuple[Any, Results]]) -> list[Section]:
    """One section per indicator, one row per school; shares on fewer than 5 people and
    counts from 1 to 4 are suppressed, and no person is ever named."""
    values = [(school, headline_shares(r)) for school, r in results]
    sections = []
    for key in ACADEMY_KEYS:
        spec = INDICATORS[key]
        rows, bars = [], []
        total = Share(0, 0)
        for school, shares in values:
            share = shares[key]
            if isinstance(share, Share):
                total += share
                secret = share.suppressed()
                # Hours are shares of student-minutes: their raw counts mean nothing to read.
                counted = key != "hours"
                rows.append(
                    {
                        "school": school.name,
                        "uai": school.uai,
                        "part": count_text(share.part, secret=True)
                        if counted and not secret
                        else None,
                        "whole": count_text(share.whole, secret=True) if counted else None,
                        "share": None if secret else _float(share.rate),
                    }
                )
                bars.append(
                    Bar(
                        school.name,
                        None if secret else share.rate,
                        percent(share, secret=True),
                    )
                )
            else:
                rows.append(
                    {
                        "school": school.name,
                        "uai": school.uai,
                        "part": None,
                        "whole": None,
                        "share": _float(share),
                    }
                )
                bars.append(Bar(school.name, share, percent(share)))
        sections.append(
            Section(
                key=key,
                title=spec.label,
                seeds=spec.seeds,
                formula=spec.formula,
                headline=percent(total, secret=True),
                detail=_("all the schools you follow"),
                bars=bars,
                columns=[
                    Column("school", _("School")),
                    Column("uai", _("UAI")),
                    Column("part", _("Count")),
                    Column("whole", _("Out of")),
                    Column("share", _("Share (%)")),
                ],
                rows=rows,
                notes=[_("Counts from 1 to 4 and shares computed on fewer than 5 are hidden.")],
            )
        )
    milestones = []
    for school, r in results:
        late, _on_time = ind.late_milestones(
            [ind.MilestoneRecord(m.pk, m.due_date, m.done_on) for m in r.milestones],
            r.scope.today,
        )
        milestones.append({"school": school.name, "uai": school.uai, "late": len(late)})
    most = max((row["late"] for row in milestones), default=0)
    sections.append(
        Section(
            key="milestones",
            title=INDICATORS["milestones"].label,
            seeds=INDICATORS["milestones"].seeds,
            formula=INDICATORS["milestones"].formula,
            headline=str(sum(row["late"] for row in milestones)),
            detail=_("late milestones"),
            bars=[
                Bar(row["school"], Decimal(row["late"]) / most if most else None, str(row["late"]))
                for row in milestones
            ],
            columns=[
                Column("school", _("School")),
                Column("uai", _("UAI")),
                Column("late", _("Late milestones")),
            ],
            rows=milestones,
        )
    )
    return sections
