"""Reads of the steering app: the records the indicators are computed from, and the survey
audience rules.

Every function turns rows into the plain records of :mod:`appui.core.indicators` (or of
:mod:`appui.core.hours`) with a fixed number of queries, whatever the size of the school.
Sessions, attendance and progress marks come from the follow-up app's one source of session
records (:mod:`appui.followup.selectors.records`), through :func:`session_records` and
:func:`mark_records`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from appui.core.indicators import (
    CoverageRecord,
    DiagnosisResult,
    GroupRecord,
    MarkRecord,
    MeetingRecord,
    MobilisationRecord,
    Mobilised,
    PeriodSpan,
    Ref,
    StudentId,
    StudentPlace,
    TrainingRecord,
    instance_counts,
    top_need_served,
)
from appui.diagnostics.models import NeedProfile, Result
from appui.followup.selectors.records import SessionRecords
from appui.followup.selectors.records import mark_records as followup_mark_records
from appui.followup.selectors.records import session_records as followup_session_records
from appui.planning.grouping import module_competency, student_needs
from appui.planning.models import Assignment, Group, Plan
from appui.schools.models import (
    Division,
    Guardian,
    Level,
    Membership,
    Period,
    School,
    SchoolYear,
    Staff,
    Student,
)
from appui.schools.selectors import students_of, with_division_of

PUBLISHED = Plan.Status.PUBLISHED


@dataclass
class Scope:
    """What a dashboard looks at: a school year, optionally one period, level or division."""

    school: School
    year: SchoolYear
    today: dt.date
    period: Period | None = None
    level: Level | None = None
    division: Division | None = None
    # A coordinator limited to some levels sees only those (None: every level).
    allowed_level_ids: set[int] | None = None

    def level_filter(self, prefix: str) -> Q:
        """A filter restricting ``prefix`` (a path to a Level) to the scope's levels."""
        if self.division is not None:
            return Q(**{prefix: self.division.level_id})
        if self.level is not None:
            return Q(**{prefix: self.level.pk})
        if self.allowed_level_ids is not None:
            return Q(**{f"{prefix}__in": self.allowed_level_ids})
        return Q()


@dataclass
class GroupData:
    """Published groups of the scope as records, with names for display.

    ``members`` holds each group's students in scope under the database ids, as
    :mod:`appui.followup.selectors.records` reads them (the records' ids are the core's
    ``int | str``).
    """

    records: list[GroupRecord] = field(default_factory=list)
    labels: dict[Ref, str] = field(default_factory=dict)
    members: dict[int, frozenset[int]] = field(default_factory=dict)


# --------------------------------------------------------------------------- structure


def levels(scope: Scope) -> list[Level]:
    queryset = scope.year.levels.order_by("order", "name")
    if scope.division is not None:
        return list(queryset.filter(pk=scope.division.level_id))
    if scope.level is not None:
        return list(queryset.filter(pk=scope.level.pk))
    if scope.allowed_level_ids is not None:
        return list(queryset.filter(pk__in=scope.allowed_level_ids))
    return list(queryset)


def periods(scope: Scope) -> list[Period]:
    return list(scope.year.periods.order_by("number"))


def period_spans(items: list[Period]) -> list[PeriodSpan]:
    return [PeriodSpan(p.pk, p.name, p.start_date, p.end_date) for p in items]


def present_students(scope: Scope) -> list[StudentPlace]:
    """Pupils of the scope in its year, with their level and division that year: present ones
    for the current year, everyone enrolled for another year (``students_of``)."""
    level_of = dict(
        Division.objects.filter(level__year=scope.year)
        .filter(scope.level_filter("level"))
        .values_list("pk", "level_id")
    )
    pupils = with_division_of(students_of(scope.year, division=scope.division), scope.year)
    return [
        StudentPlace(pk, level_of[division_id], division_id)
        for pk, division_id in pupils.values_list("pk", "year_division_id")
        if division_id in level_of
    ]


def student_names(ids) -> dict[int, Student]:
    return {
        s.pk: s
        for s in Student.objects.filter(pk__in=list(ids))
        .select_related("division")
        .order_by("last_name", "first_name")
    }


def teachers(school: School) -> list[int]:
    """Teachers of the school who have not left (seed 000: « enseignants impliqués »)."""
    return list(
        Staff.objects.filter(
            school=school, function=Staff.Function.TEACHER, exit_date__isnull=True
        ).values_list("pk", flat=True)
    )


# --------------------------------------------------------------------------- groups


def published_groups(scope: Scope) -> GroupData:
    """Every published group of the year in the scope's levels (all periods).

    With a division in the scope, each group keeps only that division's students (and is
    dropped when none is left).
    """
    groups = Group.objects.filter(plan__status=PUBLISHED, plan__level__year=scope.year).filter(
        scope.level_filter("plan__level")
    )
    return _group_data(scope, groups)


def prepared_groups(scope: Scope) -> GroupData:
    """Groups of the plans being prepared (proposed, latest version) for the levels and
    periods that have no published plan yet: what the next period's groups will look like."""
    published = set(
        Plan.objects.filter(status=PUBLISHED, level__year=scope.year).values_list(
            "level_id", "period_id"
        )
    )
    latest: dict[tuple[int, int], int] = {}
    for pk, level, period in (
        Plan.objects.filter(status=Plan.Status.PROPOSED, level__year=scope.year)
        .filter(scope.level_filter("level"))
        .order_by("version")
        .values_list("pk", "level_id", "period_id")
    ):
        if (level, period) not in published:
            latest[(level, period)] = pk
    groups = Group.objects.filter(plan_id__in=list(latest.values()))
    return _group_data(scope, groups)


def _group_data(scope: Scope, groups: QuerySet[Group]) -> GroupData:
    rows = list(
        groups.values_list(
            "pk",
            "plan__period_id",
            "plan__level_id",
            "module_id",
            "module__kind",
            "module__code",
            "label",
        )
    )
    members: dict[int, set[int]] = defaultdict(set)
    assignments = Assignment.objects.filter(group__in=groups)
    if scope.division is not None:
        assignments = assignments.filter(
            student__in=students_of(scope.year, division=scope.division)
        )
    for group_id, student_id in assignments.values_list("group_id", "student_id"):
        members[group_id].add(student_id)
    staff: dict[int, set[int]] = defaultdict(set)
    for group_id, staff_id in Group.staff.through.objects.filter(group__in=groups).values_list(
        "group_id", "staff_id"
    ):
        staff[group_id].add(staff_id)
    data = GroupData()
    for pk, period, level, module, kind, code, label in rows:
        if scope.division is not None and not members[pk]:
            continue
        data.members[pk] = frozenset(members[pk])
        data.records.append(
            GroupRecord(
                id=pk,
                period=period,
                level=level,
                module=module,
                kind=kind,
                students=data.members[pk],
                staff=frozenset(staff[pk]),
                label=label or code,
            )
        )
        data.labels[pk] = label or code
    return data


# --------------------------------------------------------------------------- sessions


def session_records(groups: GroupData) -> SessionRecords:
    """The sessions of the scope's published groups, from the follow-up's one source of
    session records: what it recorded, and the slot dates of groups not generated yet.
    Each group expects its students in the scope only (a division filter narrows them)."""
    return followup_session_records(list(groups.members), members=groups.members)


def mark_records(groups: GroupData) -> list[MarkRecord]:
    """Teachers' progress marks in the scope's published groups, for their students in scope."""
    return followup_mark_records(list(groups.members), members=groups.members)


# --------------------------------------------------------------------------- needs, progress


def coverage_records(scope: Scope, groups: GroupData) -> list[CoverageRecord]:
    """How each published plan served top needs.

    The plan's own metric (computed with the need profiles of the time, when it was solved
    or adjusted) is used; a plan without it is measured now from its groups and the
    students' current need profiles.
    """
    plans = list(
        Plan.objects.filter(status=PUBLISHED, level__year=scope.year)
        .filter(scope.level_filter("level"))
        .values_list("pk", "period_id", "level_id", "metrics")
    )
    # Keyed by the records' ids (the core's identifier types); the plans' rows fit them.
    placed: dict[tuple[Ref, Ref], set[StudentId]] = defaultdict(set)
    served: dict[StudentId, set[str]] = defaultdict(set)
    competencies: dict[Ref, str] = {
        g.pk: module_competency(g.module)
        for g in Group.objects.filter(pk__in=[g.id for g in groups.records]).select_related(
            "module__competency"
        )
    }
    for group in groups.records:
        placed[(group.period, group.level)] |= group.students
        for student in group.students:
            served[student].add(competencies[group.id])
    records = []
    missing: list[tuple[int, int]] = []
    for _pk, period, level, metrics in plans:
        share = (metrics or {}).get("top_need_served")
        if share is None or scope.division is not None:
            missing.append((period, level))
            continue
        records.append(CoverageRecord(period, level, len(placed[(period, level)]), share))
    if missing:
        students = set().union(*(placed[key] for key in missing))
        profiles: dict[StudentId, dict[str, int]] = {
            pk: student_needs(needs)
            for pk, needs in NeedProfile.objects.filter(student_id__in=students).values_list(
                "student_id", "needs"
            )
        }
        for period, level in missing:
            members = placed[(period, level)]
            share = top_need_served(
                {s: profiles.get(s, {}) for s in members}, {s: served[s] for s in members}
            )
            records.append(CoverageRecord(period, level, share.whole, share.rate))
    return records


def diagnosis_results(scope: Scope, students: list[StudentPlace]) -> list[DiagnosisResult]:
    """Assessed diagnostic results of the scope's present students during the year."""
    ids = [p.student for p in students]
    rows = Result.objects.filter(
        campaign__year=scope.year, value__isnull=False, student_id__in=ids
    ).values_list("student_id", "competency__code", "campaign__date", "value")
    return [DiagnosisResult(s, c, d, v) for s, c, d, v in rows if v is not None]


# --------------------------------------------------------------------------- tutoring


def tutoring(scope: Scope) -> dict:
    """Current tutees of the year, and the tutors' loads."""
    from appui.tutoring.models import Tutor, Tutorship

    tutees = set(
        Tutorship.objects.filter(
            year=scope.year, end_date__isnull=True, proposed=False
        ).values_list("student_id", flat=True)
    )
    tutors = list(
        Tutor.objects.filter(year=scope.year, active=True).values_list(
            "staff_id", "tutee_count", "max_tutees"
        )
    )
    return {
        "tutees": tutees,
        "tutor_staff": [staff for staff, count, _max in tutors if count],
        "tutors": len(tutors),
        "full": sum(1 for _staff, count, maximum in tutors if count >= maximum),
    }


# --------------------------------------------------------------------------- steering records


def targets(scope: Scope):
    from .models import Target

    queryset = Target.objects.filter(year=scope.year).select_related("level")
    if scope.level is not None or scope.allowed_level_ids is not None:
        queryset = queryset.filter(Q(level__isnull=True) | scope.level_filter("level"))
    return list(queryset)


def milestones(scope: Scope):
    from .models import Milestone

    queryset = Milestone.objects.filter(year=scope.year).select_related("level")
    if scope.level is not None or scope.allowed_level_ids is not None:
        queryset = queryset.filter(Q(level__isnull=True) | scope.level_filter("level"))
    return list(queryset.order_by("due_date", "pk"))


def open_decisions(scope: Scope):
    """Decisions not yet done, and actions not yet done, of the year's meetings."""
    from .models import Action, Decision

    decisions = Decision.objects.filter(meeting__year=scope.year, done_on__isnull=True)
    actions = Action.objects.filter(meeting__year=scope.year, done_on__isnull=True)
    if scope.level is not None or scope.allowed_level_ids is not None:
        levels = Q(meeting__levels__isnull=True) | scope.level_filter("meeting__levels")
        decisions, actions = decisions.filter(levels).distinct(), actions.filter(levels).distinct()
    return (
        list(decisions.select_related("meeting").order_by("meeting__date", "pk")),
        list(actions.select_related("meeting", "owner").order_by("due_date", "pk")),
    )


def meeting_records(scope: Scope) -> list[MeetingRecord]:
    """Every meeting of the year (held or to come), as dated records of its instance."""
    from .models import Meeting

    rows = Meeting.objects.filter(year=scope.year).order_by("date", "pk")
    return [
        MeetingRecord(pk, kind, day) for pk, kind, day in rows.values_list("pk", "kind", "date")
    ]


def training_records(scope: Scope) -> list[TrainingRecord]:
    """The year's training actions with their participants (two queries)."""
    from .models import TrainingAction

    actions = TrainingAction.objects.filter(year=scope.year)
    participants: dict[int, set[int]] = defaultdict(set)
    for action_id, staff_id in TrainingAction.participants.through.objects.filter(
        trainingaction__in=actions
    ).values_list("trainingaction_id", "staff_id"):
        participants[action_id].add(staff_id)
    return [
        TrainingRecord(pk, status, frozenset(participants[pk]))
        for pk, status in actions.order_by("date", "pk").values_list("pk", "status")
    ]


@dataclass(frozen=True)
class Coordinator:
    """An AP coordinator as the organigram shows them: a name, and their staff record if any."""

    name: str
    staff_id: int | None = None


def level_coordinators(year: SchoolYear) -> tuple[list[Coordinator], dict[int, list[Coordinator]]]:
    """Who coordinates AP, as the accounts' roles say (``Membership``, the one record that
    also gives the rights): the coordinators of the whole school, and those of each level
    (level id → coordinators), each named by their staff record when they have one."""
    memberships = list(
        Membership.objects.filter(school_id=year.school_id, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .prefetch_related("levels")
    )
    staff = {
        s.user_id: s
        for s in Staff.objects.filter(
            school_id=year.school_id, user_id__in=[m.user_id for m in memberships]
        )
    }

    def coordinator(membership) -> Coordinator:
        user, record = membership.user, staff.get(membership.user_id)
        if record is not None:
            return Coordinator(str(record), record.pk)
        return Coordinator(user.get_full_name() or user.get_username())

    whole_school: list[Coordinator] = []
    per_level: dict[int, list[Coordinator]] = defaultdict(list)
    for membership in memberships:
        levels = [lv.pk for lv in membership.levels.all()]
        if not levels:
            whole_school.append(coordinator(membership))
        for level_id in levels:
            per_level[level_id].append(coordinator(membership))

    def by_name(items: list[Coordinator]) -> list[Coordinator]:
        return sorted(items, key=lambda c: c.name)

    return by_name(whole_school), {pk: by_name(items) for pk, items in per_level.items()}


def outcomes(school: School, start_year: int, scope_levels: list[Level] | None):
    """Outcomes recorded for ``start_year`` and the year before, in the scope's levels."""
    from .models import Outcome

    queryset = Outcome.objects.filter(school=school, start_year__in=[start_year, start_year - 1])
    if scope_levels is not None:
        keys = Q(pk__in=[])
        for level in scope_levels:
            keys |= Q(track=level.track, year_in_cycle=level.year_in_cycle)
        queryset = queryset.filter(keys)
    return list(queryset.order_by("-start_year", "track", "year_in_cycle"))


# --------------------------------------------------------------------------- surveys


def _audience_students(survey) -> QuerySet[Student]:
    """The pupils of the survey's year in a division (of its levels, when it names some)."""
    divisions = Division.objects.filter(level__year=survey.year)
    level_ids = [level.pk for level in survey.levels.all()]
    if level_ids:
        divisions = divisions.filter(level_id__in=level_ids)
    return with_division_of(students_of(survey.year), survey.year).filter(
        year_division_id__in=divisions
    )


def survey_audience_for(survey, user) -> str | None:
    """Under which audience ``user`` may answer ``survey`` (student, guardian, staff), or None."""
    from .models import Participation

    if not getattr(user, "is_authenticated", False):
        return None
    school_id = survey.year.school_id
    roles = set(
        Membership.objects.filter(user=user, school_id=school_id).values_list("role", flat=True)
    )
    if (
        survey.for_students
        and Membership.Role.STUDENT in roles
        and _audience_students(survey).filter(user=user).exists()
    ):
        return Participation.Audience.STUDENT
    if (
        survey.for_guardians
        and Membership.Role.GUARDIAN in roles
        and _audience_students(survey).filter(guardians__user=user).exists()
    ):
        return Participation.Audience.GUARDIAN
    if (
        survey.for_staff
        and Staff.objects.filter(user=user, school_id=school_id, exit_date__isnull=True).exists()
    ):
        return Participation.Audience.STAFF
    return None


def survey_population(survey) -> dict[str, int]:
    """How many people each audience of the survey counts (the response rates' base)."""
    population = {}
    if survey.for_students:
        population["student"] = _audience_students(survey).count()
    if survey.for_guardians:
        population["guardian"] = (
            Guardian.objects.filter(students__in=_audience_students(survey)).distinct().count()
        )
    if survey.for_staff:
        population["staff"] = Staff.objects.filter(
            school_id=survey.year.school_id, exit_date__isnull=True
        ).count()
    return population


def surveys_to_answer(user, school: School, year: SchoolYear | None, today: dt.date) -> list:
    """Open surveys of the year that ``user`` may answer and has not answered yet."""
    from .models import Survey

    if year is None:
        return []
    candidates = Survey.objects.filter(
        year=year,
        published_at__isnull=False,
        closed_at__isnull=True,
        opens_on__lte=today,
        closes_on__gte=today,
    ).exclude(participations__user=user)
    return [s for s in candidates.prefetch_related("levels") if survey_audience_for(s, user)]


def survey_results(survey) -> dict:
    """Respondents per audience, response rates' base, counts per scale question (``counts``,
    the only ones « % de satisfaits » is computed from) and per yes/no question
    (``yes_no``)."""
    from .models import Question

    respondents = dict(
        survey.participations.values_list("audience")
        .annotate(n=Count("pk"))
        .values_list("audience", "n")
    )
    questions = list(survey.questions.prefetch_related("counts").order_by("order", "pk"))

    def counts_of(kind: str) -> dict[int, dict[int, int]]:
        return {
            q.pk: {c.value: c.count for c in q.counts.all()} for q in questions if q.kind == kind
        }

    return {
        "respondents": respondents,
        "total": sum(respondents.values()),
        "population": survey_population(survey),
        "questions": questions,
        "counts": counts_of(Question.Kind.SCALE),
        "yes_no": counts_of(Question.Kind.YES_NO),
        "comments": survey_comments(survey),
    }


def survey_comments(survey) -> dict[int, list[str]]:
    """The comments shown, by question: those released (by batches, see
    ``services.survey_answer``), and all of them once the survey takes no more answers."""
    from .models import Comment

    comments = Comment.objects.filter(question__survey=survey)
    if survey.is_open:
        comments = comments.filter(released=True)
    shown: dict[int, list[str]] = {}
    # By random key: the order says nothing of who wrote what, nor when.
    for question_id, text in comments.order_by("id").values_list("question_id", "text"):
        shown.setdefault(question_id, []).append(text)
    return shown


# --------------------------------------------------------------------------- organigram


@dataclass
class LevelCoordination:
    """A level of the organigram: its coordinators, and whether it lacks one though it has AP."""

    level: Level
    coordinators: list[Coordinator]

    @property
    def missing(self) -> bool:
        return bool(self.level.ap_hours) and not self.coordinators


@dataclass
class Organigram:
    """The pilotage of one school year (seed 001: « Organigramme de pilotage »): the
    management, the AP coordination (school, then one coordinator per level, seed 004), the
    referents and other resource persons, and the instances with their meetings counted."""

    management: list = field(default_factory=list)
    school_coordinators: list[Coordinator] = field(default_factory=list)
    levels: list[LevelCoordination] = field(default_factory=list)
    referents: list[tuple[str, list]] = field(default_factory=list)
    instances: list[tuple[str, int]] = field(default_factory=list)

    @property
    def levels_without_coordinator(self) -> list[Level]:
        return [item.level for item in self.levels if item.missing]


def organigram(year: SchoolYear, today: dt.date) -> Organigram:
    """The organigram of ``year`` in a fixed number of queries."""
    from .models import Meeting, PilotageRole

    order = {kind: n for n, kind in enumerate(PilotageRole.Kind.values)}
    roles = sorted(
        PilotageRole.objects.filter(year=year).select_related("staff", "level"),
        key=lambda r: (order[r.kind], r.level.order if r.level else -1, r.pk),
    )
    whole_school, per_level = level_coordinators(year)
    held = instance_counts(
        meeting_records(Scope(school=year.school, year=year, today=today)), today
    )
    labels = dict(PilotageRole.Kind.choices)
    referents: dict[str, list] = {}
    for role in roles:
        if role.kind not in PilotageRole.MANAGEMENT:
            referents.setdefault(role.kind, []).append(role)
    return Organigram(
        management=[r for r in roles if r.kind in PilotageRole.MANAGEMENT],
        school_coordinators=whole_school,
        levels=[
            LevelCoordination(level, per_level.get(level.pk, []))
            for level in year.levels.order_by("order", "name")
        ],
        referents=[(str(labels[kind]), items) for kind, items in referents.items()],
        instances=[
            (str(label), held.get(kind, 0)) for kind, label in Meeting.Kind.choices if kind in held
        ],
    )


# --------------------------------------------------------------------------- partners


def partner_records(groups: GroupData) -> list[MobilisationRecord]:
    """The partners and resources the scope's published groups mobilise: those of each
    group's module, and those of its sessions that were not cancelled (5 queries)."""
    from appui.followup.models import Session
    from appui.planning.models import Module

    group_ids = list(groups.members)
    module_of = dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "module_id"))
    groups_of: dict[int, list[int]] = defaultdict(list)
    for group_id, module_id in module_of.items():
        groups_of[module_id].append(group_id)
    records: list[MobilisationRecord] = []
    for what, through, field_name in (
        (Mobilised.PARTNER, Module.partners.through, "partner"),
        (Mobilised.RESOURCE, Module.resources.through, "resource"),
    ):
        for module_id, ref, kind in through.objects.filter(
            module_id__in=list(groups_of)
        ).values_list("module_id", f"{field_name}_id", f"{field_name}__kind"):
            records.extend(
                MobilisationRecord(what, ref, kind, group_id) for group_id in groups_of[module_id]
            )
    for what, session_through, field_name in (
        (Mobilised.PARTNER, Session.partners.through, "partner"),
        (Mobilised.RESOURCE, Session.resources.through, "resource"),
    ):
        for group_id, session_id, ref, kind in (
            session_through.objects.filter(session__group_id__in=group_ids)
            .exclude(session__status=Session.Status.CANCELLED)
            .values_list(
                "session__group_id", "session_id", f"{field_name}_id", f"{field_name}__kind"
            )
        ):
            records.append(MobilisationRecord(what, ref, kind, group_id, session_id))
    return records
