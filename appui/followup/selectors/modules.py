"""What one module gave over a school year, for its fiche action and its public page (seed 000:
« fiche(s) action(s) présentant les objectifs visés et les besoins identifiés des élèves »;
« actions pédagogiques remarquables … valorisation »).

Nothing is computed differently from the other pages: sessions come from the one source of
session records (:func:`.records.session_records`) and attendance from the dashboard's formula
(:func:`appui.core.indicators.attendance`); levels before and after the module are the
progress graphs' :func:`.progress.group_distribution`, added over the module's groups; needs
are the stored need profiles read the way the grouping solver reads them
(:func:`appui.planning.grouping.student_needs` on :func:`module_competency`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from appui.core import hours
from appui.core.indicators import Share
from appui.core.indicators import attendance as attendance_share
from appui.diagnostics.models import NeedProfile
from appui.planning.grouping import module_competency, student_needs
from appui.planning.models import Assignment, Group, Module, Partner, Plan, Resource
from appui.schools.models import SchoolYear
from appui.schools.selectors import students_of

from ..models import Session
from .progress import LEVELS, group_distribution
from .records import session_records
from .reviews import HELD_PLAN_STATUSES


@dataclass
class ModuleResults:
    """A module over one school year: where it ran, for how many pupils, with what results.

    ``before``/``after`` count the members at each LSU level (1 to 4) on the module's
    competency before and after it (``unknown_*``: members without a measure); ``with_need``
    counts the pupils of the module's levels whose need profile shows a need it serves, and
    ``served_with_need`` those of them who followed it.
    """

    year: SchoolYear | None
    groups: int = 0
    levels: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    students: int = 0
    sessions_planned: int = 0
    sessions_held: int = 0
    sessions_cancelled: int = 0
    attendance: Share = Share(0, 0)
    before: list[int] = field(default_factory=lambda: [0] * len(LEVELS))
    after: list[int] = field(default_factory=lambda: [0] * len(LEVELS))
    unknown_before: int = 0
    unknown_after: int = 0
    with_need: int = 0
    strong_need: int = 0
    served_with_need: int = 0
    partners: list[Partner] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    interventions: int = 0

    @property
    def levels_before_after(self) -> list[tuple[int, int, int]]:
        """(LSU level, members before, members after), from MI to TBM."""
        return list(zip(LEVELS, self.before, self.after, strict=True))

    @property
    def secure_before(self) -> Share:
        """Members measured before the module at « satisfaisante » or better."""
        return Share(sum(self.before[2:]), sum(self.before))

    @property
    def secure_after(self) -> Share:
        """Members measured after the module at « satisfaisante » or better."""
        return Share(sum(self.after[2:]), sum(self.after))


def held(groups):
    """Of ``groups`` (a queryset), those that ran or run: in a published plan, or in a plan it
    replaced if they met (as the portfolio and the progress graphs count them)."""
    return groups.filter(
        Q(plan__status=Plan.Status.PUBLISHED)
        | Q(plan__status__in=HELD_PLAN_STATUSES, sessions__status=Session.Status.DONE)
    ).distinct()


def held_groups(module: Module, year: SchoolYear):
    """The module's groups of ``year`` that ran or run (:func:`held`)."""
    return held(Group.objects.filter(module=module, plan__level__year=year)).select_related(
        "module__competency", "plan__level", "plan__period", "round"
    )


def mobilised(module: Module, sessions) -> tuple[list[Partner], list[Resource], int]:
    """The partners and resources of the module and of its (not cancelled) ``sessions``, and
    the number of those sessions a partner came to (partner interventions)."""
    active = sessions.exclude(status=Session.Status.CANCELLED)
    partners = Partner.objects.filter(Q(modules=module) | Q(sessions__in=active)).distinct()
    resources = Resource.objects.filter(Q(modules=module) | Q(sessions__in=active)).distinct()
    interventions = active.filter(partners__isnull=False).distinct().count()
    return list(partners.order_by("name")), list(resources.order_by("title")), interventions


def module_results(module: Module, year: SchoolYear | None, today: dt.date) -> ModuleResults:
    """The module's results over ``year`` (its held groups), as of ``today``."""
    if year is None:
        partners, resources, _n = mobilised(module, Session.objects.none())
        return ModuleResults(year=None, partners=partners, resources=resources)
    groups = list(held_groups(module, year))
    result = ModuleResults(year=year, groups=len(groups))
    result.levels = sorted(
        {g.plan.level.name for g in groups},
        key=lambda name: next(g.plan.level.order for g in groups if g.plan.level.name == name),
    )
    result.periods = [
        p.name for p in sorted({g.plan.period for g in groups}, key=lambda p: p.number)
    ]
    members = set(Assignment.objects.filter(group__in=groups).values_list("student_id", flat=True))
    result.students = len(members)

    records = session_records([g.pk for g in groups])
    for record in records.all:
        if record.status is hours.SessionStatus.CANCELLED:
            result.sessions_cancelled += 1
            continue
        result.sessions_planned += 1
        if record.status is hours.SessionStatus.HELD and record.date <= today:
            result.sessions_held += 1
    result.attendance = attendance_share(records.all, as_of=today)

    for group in groups:
        distribution = group_distribution(group)
        result.before = [a + b for a, b in zip(result.before, distribution.before, strict=True)]
        result.after = [a + b for a, b in zip(result.after, distribution.after, strict=True)]
        result.unknown_before += distribution.unknown_before
        result.unknown_after += distribution.unknown_after

    key = module_competency(module)
    level_ids = {g.plan.level_id for g in groups}
    # The pupils of the levels it ran in (of the whole year when it has not run yet).
    pupils: set[int] = set()
    for level_id in level_ids or [None]:
        pupils.update(students_of(year, level=level_id).values_list("pk", flat=True))
    for student_id, needs in NeedProfile.objects.filter(student_id__in=pupils).values_list(
        "student_id", "needs"
    ):
        level = student_needs(needs or {}).get(key, 0)
        if level:
            result.with_need += 1
            result.strong_need += level >= 3
            result.served_with_need += student_id in members

    result.partners, result.resources, result.interventions = mobilised(
        module, Session.objects.filter(group__in=groups)
    )
    return result
