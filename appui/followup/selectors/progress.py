"""Progress over time, for the graphs: a pupil's levels on the competencies their modules
worked (diagnoses and the teacher's progress marks, the modules' spans shaded), and a group's
levels on its module's competency before and after the module.

Only the teacher's marks count (self- and co-evaluations are the pupil's view, shown on the
page, not a measure). Levels are on the LSU scale, 1 (MI) to 4 (TBM).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from appui.core.charts import Band, Point, Series
from appui.diagnostics.models import Campaign, Result
from appui.planning.models import Group, Plan
from appui.schools.models import Student

from ..models import ProgressMark, Session
from .reviews import HELD_PLAN_STATUSES

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class ProgressRow:
    """One measure of the pupil's graph, as its data table shows it."""

    day: dt.date
    competency: str
    source: str  # "diagnosis" or "mark"
    label: str  # the campaign's name or the module's title
    level: int


@dataclass
class StudentProgress:
    series: list[Series] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    rows: list[ProgressRow] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def has_data(self) -> bool:
        return bool(self.rows)


def _span(group: Group) -> tuple[dt.date, dt.date]:
    if group.round is not None:
        return group.round.starts_on, group.round.ends_on
    return group.plan.period.start_date, group.plan.period.end_date


def _held_groups(students) -> list[Group]:
    """The groups of the students that ran or run: in the published plan, or in a replaced
    one if they met (as the portfolio counts them)."""
    # The keys in a subquery rather than DISTINCT over the joined rows (the plan's solver
    # data is wide): a group matches once per member and per held session.
    held = (
        Group.objects.filter(assignments__student__in=students)
        .filter(
            Q(plan__status=Plan.Status.PUBLISHED)
            | Q(plan__status__in=HELD_PLAN_STATUSES, sessions__status=Session.Status.DONE)
        )
        .values("pk")
    )
    return list(
        Group.objects.filter(pk__in=held)
        .select_related("module__competency", "plan__period__year", "round")
        .defer("plan__weights", "plan__progress", "plan__metrics", "plan__solver_message")
    )


def student_progress(student: Student) -> StudentProgress:
    """The pupil's levels this school year on each competency their modules worked: the
    diagnoses' results (filled markers) and the teacher's progress marks in those modules
    (hollow markers), with each module's span as a band."""
    groups = _held_groups([student])
    if not groups:
        return StudentProgress()
    year = max((g.plan.period.year for g in groups), key=lambda y: y.start_date)
    groups = sorted(
        (g for g in groups if g.plan.period.year_id == year.pk), key=lambda g: _span(g)[0]
    )
    competencies = {g.module.competency_id: g.module.competency for g in groups}
    rows: list[ProgressRow] = []
    points: dict[int, list[Point]] = defaultdict(list)
    for result in (
        Result.objects.filter(
            student=student,
            competency_id__in=competencies,
            campaign__year=year,
            value__isnull=False,
        )
        .select_related("campaign")
        .order_by("campaign__date")
    ):
        if result.value is None:  # excluded by the query; narrows the type
            continue
        competency = competencies[result.competency_id]
        points[competency.pk].append(Point(result.campaign.date, result.value))
        rows.append(
            ProgressRow(
                result.campaign.date,
                competency.label,
                "diagnosis",
                result.campaign.name,
                result.value,
            )
        )
    for mark in (
        ProgressMark.objects.filter(
            student=student,
            author_kind=ProgressMark.AuthorKind.TEACHER,
            session__group__in=groups,
        )
        .select_related("session__group__module")
        .order_by("session__date", "pk")
    ):
        module = mark.session.group.module
        competency = competencies[module.competency_id]
        points[competency.pk].append(Point(mark.session.date, mark.level, hollow=True))
        rows.append(
            ProgressRow(mark.session.date, competency.label, "mark", module.title, mark.level)
        )
    rows.sort(key=lambda r: (r.day, r.competency))
    return StudentProgress(
        series=[Series(c.label, points[pk]) for pk, c in competencies.items()],
        # Two groups of one module in one span (two slots a week) make one band.
        bands=list(dict.fromkeys(Band(*_span(g), g.module.title) for g in groups)),
        rows=rows,
        start=year.start_date,
        end=year.end_date,
    )


@dataclass
class GroupDistribution:
    """How many members stood at each LSU level before the module and after it;
    ``unknown_*`` counts the members without a measure."""

    competency: str
    before: list[int]
    after: list[int]
    unknown_before: int
    unknown_after: int

    @property
    def has_data(self) -> bool:
        return any(self.before) or any(self.after)


def group_distribution(group: Group) -> GroupDistribution:
    """The members' levels on the module's competency.

    Before = their last diagnosis dated before the module starts or, for a member diagnosed
    only once the module had begun (a September review in the first weeks of period 1), that
    first diagnosis, unless it is an end-of-period re-diagnosis. After = the latest of the
    teacher's marks in the group and the later diagnoses.
    """
    start, _end = _span(group)
    members = list(group.assignments.values_list("student_id", flat=True))
    before: dict[int, int] = {}
    after: dict[int, tuple[dt.date, int]] = {}
    for student_id, day, value, kind in (
        Result.objects.filter(
            student_id__in=members, competency_id=group.module.competency_id, value__isnull=False
        )
        .order_by("campaign__date", "pk")
        .values_list("student_id", "campaign__date", "value", "campaign__kind")
    ):
        if value is None:  # excluded by the query; narrows the type
            continue
        if day < start or (student_id not in before and kind != Campaign.Kind.PERIOD_REVIEW):
            before[student_id] = value
        else:
            after[student_id] = (day, value)
    for student_id, day, level in (
        ProgressMark.objects.filter(
            session__group=group,
            student_id__in=members,
            author_kind=ProgressMark.AuthorKind.TEACHER,
        )
        .order_by("session__date", "pk")
        .values_list("student_id", "session__date", "level")
    ):
        if student_id not in after or after[student_id][0] <= day:
            after[student_id] = (day, level)
    return GroupDistribution(
        competency=group.module.competency.label,
        before=[sum(1 for v in before.values() if v == level) for level in LEVELS],
        after=[sum(1 for _d, v in after.values() if v == level) for level in LEVELS],
        unknown_before=len(members) - len(before),
        unknown_after=len(members) - len(after),
    )
