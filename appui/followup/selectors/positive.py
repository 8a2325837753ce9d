"""The positive summary pupils and families see first on the student page (issue 18, item 3):
strengths and progress from the diagnoses and the teacher's progress marks, the goals of the
modules the pupil follows now, then what they work on in plain words
(:mod:`appui.core.needs.strengths`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from appui.core import needs as core_needs
from appui.core.scales import LsuLevel
from appui.diagnostics.selectors import positive_inputs
from appui.planning.models import Assignment, Plan
from appui.schools.access import Role, SchoolAccess
from appui.schools.models import Student

from ..models import ProgressMark


def is_family_viewer(access: SchoolAccess) -> bool:
    """The viewer is the pupil or one of their guardians, not a member of staff (who keeps the
    detailed need profile). The student page already refuses anyone else."""
    return not access.is_staff_member and bool(access.roles & {Role.STUDENT, Role.GUARDIAN})


def current_goals(student: Student, today: dt.date) -> list[core_needs.ModuleGoal]:
    """The modules of the pupil's published groups running today; failing that, the next
    ones to start; failing that, the last ones that ended (between two periods the family
    still sees what the pupil worked towards). One query."""
    spans = []
    for assignment in Assignment.objects.filter(
        student=student, group__plan__status=Plan.Status.PUBLISHED
    ).select_related("group__module__competency", "group__round", "group__plan__period"):
        group = assignment.group
        if group.round is not None:
            start, end = group.round.starts_on, group.round.ends_on
        else:
            start, end = group.plan.period.start_date, group.plan.period.end_date
        spans.append((start, end, group.module))
    timing = core_needs.GoalTiming.CURRENT
    chosen = [s for s in spans if s[0] <= today <= s[1]]
    if not chosen and any(s[0] > today for s in spans):
        timing = core_needs.GoalTiming.NEXT
        first = min(s[0] for s in spans if s[0] > today)
        chosen = [s for s in spans if s[0] == first]
    elif not chosen and spans:
        timing = core_needs.GoalTiming.LAST
        last = max(s[1] for s in spans)
        chosen = [s for s in spans if s[1] == last]
    return [
        core_needs.ModuleGoal(
            title=module.title,
            objective=module.objective,
            competency=module.competency.code,
            label=module.competency.label,
            timing=timing,
        )
        for _start, _end, module in sorted(chosen, key=lambda s: (s[0], s[2].title))
    ]


def family_summary(student: Student, *, today: dt.date | None = None) -> core_needs.PositiveSummary:
    """The pupil's positive summary: diagnoses and the teacher's marks, the current modules'
    goals, the stored profile's needs. Five queries."""
    today = today or timezone.localdate()
    measures, needs, labels = positive_inputs(student)
    measures += [
        core_needs.Measure(code, day, LsuLevel(level), core_needs.MeasureSource.MARK)
        for code, day, level in ProgressMark.objects.filter(
            student=student, author_kind=ProgressMark.AuthorKind.TEACHER, session__date__lte=today
        ).values_list("session__group__module__competency__code", "session__date", "level")
    ]
    return core_needs.positive_summary(
        measures, needs, current_goals(student, today), labels=labels
    )
