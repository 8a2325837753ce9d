"""The school and per-level dashboards: one :class:`Section` per indicator, in reading order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from appui.core import hours as core_hours
from appui.core import indicators as ind
from appui.core.hours import format_minutes
from appui.core.indicators import Share, TargetStatus
from appui.core.io.tabular import Column
from appui.planning.models import Module

from .. import selectors
from ..models import Milestone, Survey
from .display import HUNDRED, Bar, Section, _decimal, _float, _hours, percent, value_text
from .headlines import (
    _outcome_records,
    churn_rows,
    headline_share,
    headline_shares,
    hours_rows,
    target_rows,
)
from .results import Results

BUILDERS: dict[str, Callable[[Results], Section]] = {}
"""The function drawing each section that has more to show than its headline values."""


def draws(section: str):
    """Registers the function that draws ``section`` (a key of ``indicators.sections()``);
    a section without one is drawn by :func:`headline_section`."""

    def register(build: Callable[[Results], Section]) -> Callable[[Results], Section]:
        BUILDERS[section] = build
        return build

    return register


def _level_name(r: Results, level: ind.Ref) -> str:
    return r.level_names.get(level, "—")


def _strand_columns() -> list[Column]:
    labels = {
        core_hours.Strand.CONSOLIDATION: (
            _("Consolidation planned (h)"),
            _("Consolidation delivered (h)"),
        ),
        core_hours.Strand.PERSONALISED: (
            _("Personalised support planned (h)"),
            _("Personalised support delivered (h)"),
        ),
        core_hours.Strand.ORIENTATION: (
            _("Orientation planned (h)"),
            _("Orientation delivered (h)"),
        ),
    }
    return [
        Column(f"{strand.value}_{kind}", label)
        for strand, pair in labels.items()
        for kind, label in zip(("planned", "delivered"), pair, strict=True)
    ]


def _strand_cells(row: ind.HoursRow, split: core_hours.ByStrand | None) -> dict[str, float | None]:
    cells: dict[str, float | None] = {}
    for strand in core_hours.Strand:
        cells[f"{strand.value}_planned"] = None if split is None else _hours(split.get(strand))
        cells[f"{strand.value}_delivered"] = _hours(row.delivered_by_strand.get(strand))
    return cells


@draws("hours")
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
    # The three strands (seed 000): delivered per strand, and planned by the level's split
    # when the school set one (empty otherwise).
    splits = {level.pk: level.strand_split for level in r.levels}
    table = [
        {
            "level": _level_name(r, row.level),
            "division": "" if row in levels_rows else r.division_names.get(row.unit, ""),
            "students": row.students,
            "due": _hours(row.due),
            "planned": _hours(row.planned),
            "delivered": _hours(row.delivered),
            "share": _float(row.delivered_share.rate),
            **_strand_cells(row, splits.get(row.level)),
        }
        for row in levels_rows + division_rows
    ]
    notes = [_("Per student, over the school year; planned hours include the sessions to come.")]
    notes.append(
        _(
            "Per strand: planned is the level's split of the yearly volume between the strands "
            "(empty when none is set); the hour accounting pages also show the sessions "
            "scheduled per strand."
        )
    )
    if not r.recorded_sessions:
        notes.append(
            _(
                "No session recorded in the follow-up yet: planned hours come from the published "
                "plans and no hour counts as delivered."
            )
        )
    return Section.of(
        "hours",
        percent(headline_share(r, "hours")),
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
            *_strand_columns(),
        ],
        rows=table,
        notes=notes,
        empty="" if levels_rows else _("No student in this scope."),
    )


@draws("modules")
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


@draws("staff")
def staff_section(r: Results) -> Section:
    share = headline_share(r, "staff")
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


@draws("attendance")
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


@draws("need_coverage")
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


@draws("progress")
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


@draws("marks")
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


@draws("churn")
def churn_section(r: Results) -> Section:
    names = {p.pk: p.name for p in r.periods}
    in_preparation = {(g.level, g.period) for g in r.prepared.records}
    for period, label in list(names.items()):
        if any(p == period for _lv, p in in_preparation):
            names[period] = _("%(period)s (plan in preparation)") % {"period": label}
    labels = {**r.groups.labels, **r.prepared.labels}
    rows = churn_rows(r, prepared=True)
    published_rows = [(lv, row) for lv, row in rows if (lv, row.period) not in in_preparation]
    per_transition: dict[tuple[ind.Ref, ind.Ref], list[ind.ChurnRow]] = defaultdict(list)
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


@draws("never_offered")
def never_offered_section(r: Results) -> Section:
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
    section.names = list(selectors.student_names(missing[:100]).values())
    return section


@draws("tutoring")
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


@draws("satisfaction")
def satisfaction_section(r: Results) -> Section:
    bars, rows = [], []
    overall = headline_share(r, "satisfaction")
    for data in r.surveys:
        survey = data["survey"]
        bars.append(
            Bar(
                survey.title,
                data["satisfaction"].rate if data["detailed"] else None,
                percent(data["satisfaction"])
                if data["detailed"]
                else _("fewer than %(n)s answers") % {"n": ind.MIN_CELL},
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
        detail=_("satisfied answers, surveys with at least %(n)s respondents")
        % {"n": ind.MIN_CELL},
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


@draws("outcomes")
def outcomes_section(r: Results) -> Section:
    latest, records = _outcome_records(r)
    rates = ind.outcome_rates(records)
    specs = ind.sections()["outcomes"]
    shares = [(spec, headline_share(r, spec.key)) for spec in specs]
    bars = [Bar(spec.label, share.rate, percent(share)) for spec, share in shares]
    return Section.of(
        "outcomes",
        percent(rates.success),
        title=_("Repeat rate, success at the diploma, further studies"),
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


@draws("milestones")
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


def headline_section(r: Results, key: str) -> Section:
    """A section with no drawing of its own: the headline value of each of its indicators."""
    specs = [spec for spec in ind.sections()[key] if spec.headline]
    values = headline_shares(r)
    rows = []
    for spec in specs:
        value = values[spec.key]
        row: dict[str, object]
        if isinstance(value, Share):
            row = {"part": value.part, "whole": value.whole, "value": _float(value.rate)}
        else:
            row = {"part": None, "whole": None, "value": _decimal(value)}
        rows.append({"indicator": spec.label, **row})
    return Section.of(
        key,
        value_text(values[specs[0].key]) if specs else "—",
        bars=[
            Bar(spec.label, value.rate, value_text(value))
            for spec in specs
            if isinstance(value := values[spec.key], Share)
        ],
        columns=[
            Column("indicator", _("Indicator")),
            Column("part", _("Count")),
            Column("whole", _("Out of")),
            Column("value", _("Value")),
        ],
        rows=rows,
    )


def school_sections(r: Results) -> list[Section]:
    """Every indicator for the school or per-level dashboard, in reading order."""
    return [
        BUILDERS[key](r) if key in BUILDERS else headline_section(r, key) for key in ind.sections()
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
                f"{row['target'].indicator_label}"
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
                "indicator": row["target"].indicator_label,
                "scope": row["target"].level.name if row["target"].level else _("school"),
                "target": f"{row['target'].get_direction_display()} {row['target'].value}",
                "actual": None if row["actual"] is None else float(row["actual"]),
                "status": str(statuses[row["status"]]),
                # Not shown: the targets page reads its measures back by target.
                "target_id": row["target"].pk,
                "measured": row["actual"],
            }
            for row in rows
        ],
        empty="" if rows else _("No target set yet."),
    )
    return section


def all_school_sections(r: Results) -> list[Section]:
    return [targets_section(r), *school_sections(r)]
