"""The LSU export of one period: appui's data turned into :mod:`appui.core.io.lsu` records.

:func:`lsu_preview` gathers, for the collège levels of the period's year, the published need
groups (the AP), the students present during the period, the export settings and class
councils set on the LSU page, and the periodic-report data imported from the school's other
software (:class:`~appui.interop.models.LsuReport`). It returns the records with everything
LSU would refuse (:attr:`LsuPreview.gaps`, blocking) and what the user should know
(:attr:`LsuPreview.warnings`, not blocking). Nothing is invented: a value appui lacks is a
gap, never a default.

Mapping: each module run in the period is one ``acc-perso`` (its title, its objective as the
description, the disciplines of the teachers who run it); each group is one
``acc-perso-groupe`` with its teachers and their discipline (their first subject with a
six-character code, as STS-web gives them); each student's groups go into their
``bilan-periodique`` with the overall comment of their *validated* stage review.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from django.db.models import Prefetch

from appui.core.io.lsu import (
    LsuAp,
    LsuApGroup,
    LsuAssessment,
    LsuDiscipline,
    LsuExport,
    LsuGap,
    LsuPeriod,
    LsuReport,
    LsuSchoolLife,
    LsuStudent,
    LsuStudentAp,
    LsuTeacher,
    LsuTeaching,
    build_lsu,
    lsu_gaps,
)
from appui.core.text import plural
from appui.followup.models import StageReview
from appui.planning.models import Assignment, Group, Plan
from appui.schools.computed import kept
from appui.schools.models import (
    Division,
    Level,
    Period,
    School,
    Staff,
    Student,
    Subject,
    Teaching,
)
from appui.schools.selectors import current_year

from .models import LsuAssessment as LsuAssessmentData
from .models import LsuCouncil, LsuSettings
from .models import LsuReport as LsuReportData


def _app_version() -> str | None:
    try:
        return version("appui")
    except PackageNotFoundError:
        return None


#: The LSU's civilities (``M``/``MME``) from appui's (``M.``/``Mme``).
CIVILITIES = {"M.": "M", "M": "M", "Mme": "MME", "MME": "MME"}


@dataclass
class LsuPreview:
    """What the LSU export of a period would hold, and what stops it."""

    period: Period
    settings: LsuSettings
    levels: list[Level]
    export: LsuExport
    gaps: list[LsuGap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def missing_reports(self) -> int:
        """Students whose periodic-report data has not been imported yet."""
        return self.counts.get("students", 0) - self.counts.get("reports_with_data", 0)

    @property
    def ready(self) -> bool:
        return bool(self.levels) and not self.gaps

    def file_name(self) -> str:
        return (
            f"LSU_AP_{self.export.uai}_{self.period.year.start_year}_"
            f"periode{self.period.number}.xml"
        )

    def build(self) -> bytes:
        """The XML file; raises :class:`~appui.core.io.lsu.LsuError` while gaps remain."""
        return build_lsu(self.export)


def settings_for(period: Period) -> LsuSettings:
    """The period's export settings (unsaved defaults the first time)."""
    existing = LsuSettings.objects.filter(period=period).select_related("manager").first()
    return existing or LsuSettings(period=period)


def manager_label(staff: Staff) -> str:
    """How the head who signs is named in the file: ``Mme Prénom NOM``."""
    return " ".join(part for part in (staff.civility, staff.first_name, staff.last_name) if part)


def college_levels(period: Period) -> list[Level]:
    return list(
        Level.objects.filter(year_id=period.year_id, track=Level.Track.COLLEGE).order_by(
            "order", "pk"
        )
    )


def present_students(period: Period, levels: list[Level]):
    """Students of the levels' divisions who were at school during the period."""
    return (
        Student.objects.filter(division__level__in=levels)
        .exclude(exit_date__lt=period.start_date)
        .exclude(entry_date__gt=period.end_date)
        .select_related("division")
        .order_by("division__code", "last_name", "first_name", "pk")
    )


#: The plan's solver data (JSON and text), never part of the export: not read.
PLAN_SOLVER_FIELDS = ("weights", "progress", "metrics", "solver_message")


def published_plans(period: Period, levels: list[Level]) -> dict[int, Plan]:
    """The latest published plan of each level for the period."""
    plans: dict[int, Plan] = {}
    for plan in (
        Plan.objects.filter(period=period, level__in=levels, status=Plan.Status.PUBLISHED)
        .defer(*PLAN_SOLVER_FIELDS)
        .order_by("level_id", "-version")
    ):
        plans.setdefault(plan.level_id, plan)
    return plans


def _discipline_subject(staff: Staff) -> Subject | None:
    subjects = sorted(staff.subjects.all(), key=lambda subject: subject.code)
    national = [subject for subject in subjects if len(subject.code) == 6]
    candidates = national or subjects
    return candidates[0] if candidates else None


class _Collector:
    def __init__(self, school: School, period: Period) -> None:
        self.school = school
        self.period = period
        self.gaps: list[LsuGap] = []
        self.warnings: list[str] = []
        self.teachers: dict[int, LsuTeacher] = {}
        self.disciplines: dict[int, LsuDiscipline] = {}

    def teacher(self, staff: Staff) -> str:
        if staff.pk not in self.teachers:
            self.teachers[staff.pk] = LsuTeacher(
                sts_id=staff.sts_id.strip(),
                last_name=staff.last_name or None,
                first_name=staff.first_name or None,
                civility=CIVILITIES.get(staff.civility.strip()) if staff.civility else None,
                ref=f"S{staff.pk}",
            )
        return self.teachers[staff.pk].key

    def discipline(self, subject: Subject) -> str:
        if subject.pk not in self.disciplines:
            self.disciplines[subject.pk] = LsuDiscipline(
                code=subject.code, label=subject.label, ref=f"D{subject.pk}"
            )
        return self.disciplines[subject.pk].key


def _settings_gaps(settings: LsuSettings, collect: _Collector) -> str | None:
    """Gaps in the period's settings; returns how the head who signs is named, if chosen."""
    manager = None
    if settings.manager is None:
        collect.gaps.append(
            LsuGap("Réglages", "choisissez le membre de la direction qui signe les bilans.")
        )
    else:
        manager = manager_label(settings.manager)
    if settings.locked_on is None:
        collect.gaps.append(LsuGap("Réglages", "indiquez la date de verrouillage des bilans."))
    return manager


def _council_dates(
    period: Period, levels: list[Level], students: list[Student], collect: _Collector
) -> dict[int, date]:
    """Class council dates by division; a gap for each division of a student without one."""
    councils = {
        council.division_id: council.date
        for council in LsuCouncil.objects.filter(period=period, division__level__in=levels)
    }
    for division in sorted(
        {s.division for s in students if s.division}, key=lambda division: division.code
    ):
        if division.pk not in councils:
            collect.gaps.append(
                LsuGap(
                    f"Division {division.code}",
                    "la date du conseil de classe de la période manque.",
                )
            )
    return councils


def _published_groups(period: Period, levels: list[Level], preview: LsuPreview) -> list[Group]:
    """Groups of the period's published plans; a warning for each level without one."""
    plans = published_plans(period, levels)
    for level in levels:
        if level.pk not in plans:
            preview.warnings.append(
                f"{level.name} : aucun plan de groupes publié pour {period.name} ; "
                "le fichier ne contiendra pas d'AP pour ce niveau."
            )
    return list(
        Group.objects.filter(plan__in=plans.values())
        .select_related("module", "slot", "plan__level")
        .defer(*(f"plan__{name}" for name in PLAN_SOLVER_FIELDS))
        .prefetch_related(Prefetch("staff", queryset=Staff.objects.prefetch_related("subjects")))
    )


def _group_teachings(group: Group, collect: _Collector) -> list[LsuTeaching]:
    """Who teaches the group and in which discipline; a gap per teacher without one."""
    module = group.module
    teachings = []
    for staff in sorted(group.staff.all(), key=lambda s: (s.last_name, s.first_name)):
        subject = _discipline_subject(staff)
        if subject is None:
            collect.gaps.append(
                LsuGap(
                    f"Groupe d'AP « {module.title} »",
                    f"{manager_label(staff)} n'a aucune discipline dans appui : importez "
                    "les personnels depuis STS-web.",
                )
            )
            continue
        teachings.append(LsuTeaching(collect.teacher(staff), collect.discipline(subject)))
    if not group.staff.all():
        collect.gaps.append(
            LsuGap(
                f"Groupe d'AP « {module.title} » ({group.plan.level.short_name}, {group.slot})",
                "aucun enseignant n'est affecté au groupe ; LSU en exige au moins un.",
            )
        )
    return teachings


def _ap_part(
    groups: list[Group], collect: _Collector
) -> tuple[tuple[LsuAp, ...], tuple[LsuApGroup, ...], dict[int, list[str]]]:
    """The AP (one per module), its groups, and each student's group keys."""
    aps: dict[int, dict] = {}
    lsu_groups: list[LsuApGroup] = []
    groups_of_student: dict[int, list[str]] = defaultdict(list)
    # The members as pairs of keys (hundreds of them: no model instance each).
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, student_id in Assignment.objects.filter(
        group_id__in=[group.pk for group in groups]
    ).values_list("group_id", "student_id"):
        members[group_id].append(student_id)
    for group in groups:
        module = group.module
        teachings = _group_teachings(group, collect)
        ap = aps.setdefault(module.pk, {"module": module, "disciplines": []})
        for teaching in teachings:
            if teaching.discipline_key not in ap["disciplines"]:
                ap["disciplines"].append(teaching.discipline_key)
        key = f"G{group.pk}"
        title = f"{module.title} — {group.plan.level.name}, {group.slot}"
        if group.label:
            title += f", {group.label}"
        lsu_groups.append(
            LsuApGroup(key=key, ap_key=f"M{module.pk}", title=title, teachings=tuple(teachings))
        )
        for student_id in members[group.pk]:
            groups_of_student[student_id].append(key)
    lsu_aps = tuple(
        LsuAp(
            key=f"M{pk}",
            title=ap["module"].title,
            description=ap["module"].objective or None,
            discipline_keys=tuple(ap["disciplines"]),
        )
        for pk, ap in sorted(aps.items(), key=lambda item: item[1]["module"].code)
    )
    return lsu_aps, tuple(lsu_groups), groups_of_student


@dataclass
class _ReportSources:
    """What the students' reports are built from, read once for the whole period."""

    councils: dict[int, date]
    groups_of_student: dict[int, list[str]]
    comments: dict[int, str]
    data: dict[int, LsuReportData]
    main_teachers: dict[int, list[Staff]]
    #: The imported assessments by report, as plain rows (a period has thousands), with their
    #: subjects and teachers read once each.
    assessments: dict[int, list[tuple]] = field(default_factory=dict)
    subjects: dict[int, Subject] = field(default_factory=dict)
    staff: dict[int, Staff] = field(default_factory=dict)

    @classmethod
    def read(
        cls,
        period: Period,
        students: list[Student],
        councils: dict[int, date],
        groups_of_student: dict[int, list[str]],
    ) -> _ReportSources:
        student_ids = [student.pk for student in students]
        comments = dict(
            StageReview.objects.filter(
                period=period, student_id__in=student_ids, status=StageReview.Status.VALIDATED
            ).values_list("student_id", "comment")
        )
        data = {
            report.student_id: report
            for report in LsuReportData.objects.filter(period=period, student_id__in=student_ids)
        }
        assessments: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            LsuAssessmentData.objects.filter(report_id__in=[r.pk for r in data.values()])
            .order_by("pk")
            .values_list(*ASSESSMENT_FIELDS)
        ):
            assessments[row[0]].append(row)
        rows = [row for report_rows in assessments.values() for row in report_rows]
        subjects = Subject.objects.in_bulk({row[1] for row in rows})
        staff = Staff.objects.in_bulk({row[2] for row in rows})
        main_teachers: dict[int, list[Staff]] = defaultdict(list)
        for teaching in Teaching.objects.filter(
            division__in={s.division_id for s in students}, is_main_teacher=True
        ).select_related("staff"):
            main_teachers[teaching.division_id].append(teaching.staff)
        return cls(
            councils,
            groups_of_student,
            comments,
            data,
            main_teachers,
            dict(assessments),
            subjects,
            staff,
        )


def _school_life(stored: LsuReportData) -> LsuSchoolLife | None:
    """Lateness and absences, when all three counts were imported."""
    late, justified, unjustified = (
        stored.late,
        stored.justified_absences,
        stored.unjustified_absences,
    )
    if late is None or justified is None or unjustified is None:
        return None
    return LsuSchoolLife(
        late=late,
        justified_absences=justified,
        unjustified_absences=unjustified,
        missed_hours=stored.missed_hours,
        comment=stored.school_life_comment or None,
    )


#: What an imported assessment row holds (``_ReportSources.assessments``).
ASSESSMENT_FIELDS = (
    "report_id",
    "subject_id",
    "staff_id",
    "positioning",
    "average",
    "not_graded",
    "appreciation",
)


def _assessments(
    stored: LsuReportData, sources: _ReportSources, collect: _Collector
) -> tuple[LsuAssessment, ...]:
    """The imported assessments of the subjects."""
    return tuple(
        LsuAssessment(
            discipline_key=collect.discipline(sources.subjects[subject_id]),
            teacher_ids=(collect.teacher(sources.staff[staff_id]),),
            appreciation=appreciation or None,
            positioning=positioning,
            student_average=average or None,
            not_graded=not_graded,
        )
        for _report, subject_id, staff_id, positioning, average, not_graded, appreciation in (
            sources.assessments.get(stored.pk, ())
        )
    )


def _report(
    student: Student,
    division: Division,
    key: str,
    comment: str | None,
    sources: _ReportSources,
    period: Period,
    settings: LsuSettings,
    manager: str | None,
    collect: _Collector,
) -> LsuReport:
    """One student's periodic report: AP groups with the teacher's comment, imported data."""
    stored = sources.data.get(student.pk)
    # Before the main teachers: the file lists teachers in the order they are first met.
    assessments = _assessments(stored, sources, collect) if stored is not None else ()
    start = period.start_date
    if student.entry_date and student.entry_date > start:
        start = student.entry_date
    group_keys = sources.groups_of_student.get(student.pk, [])
    return LsuReport(
        eleve_id=key,
        aps=tuple(LsuStudentAp(group_key, comment) for group_key in group_keys),
        council_date=sources.councils.get(division.pk),
        schooling_start=start,
        lock_time=settings.locked_on,
        manager=manager,
        main_teacher_ids=tuple(
            collect.teacher(staff) for staff in sources.main_teachers[division.pk]
        ),
        assessments=assessments,
        advice=(stored.advice or None) if stored is not None else None,
        school_life=_school_life(stored) if stored is not None else None,
    )


def _students_and_reports(
    students: list[Student],
    sources: _ReportSources,
    period: Period,
    settings: LsuSettings,
    manager: str | None,
    collect: _Collector,
    preview: LsuPreview,
) -> tuple[tuple[LsuStudent, ...], tuple[LsuReport, ...]]:
    """Every present student and their report; warnings for missing groups and reviews."""
    lsu_students, reports = [], []
    without_review = without_groups = 0
    for student in students:
        division = student.division
        assert division is not None  # present_students keeps the students of the divisions
        key = f"E{student.pk}"
        lsu_students.append(
            LsuStudent(
                eleve_id=student.siecle_id.strip(),
                last_name=student.last_name,
                first_name=student.first_name,
                division=division.code,
                ref=key,
            )
        )
        comment = (sources.comments.get(student.pk) or "").strip() or None
        if not sources.groups_of_student.get(student.pk):
            without_groups += 1
        elif comment is None:
            without_review += 1
        reports.append(
            _report(student, division, key, comment, sources, period, settings, manager, collect)
        )
    if without_groups:
        preview.warnings.append(
            f"{plural(without_groups, 'élève', 'élèves')} sans groupe d'AP publié "
            "pour la période : "
            f"{'son' if without_groups == 1 else 'leur'} bilan n'aura pas de partie AP."
        )
    if without_review:
        preview.warnings.append(
            f"{plural(without_review, 'élève', 'élèves')} sans bilan d'étape validé : "
            f"{'son' if without_review == 1 else 'leur'} AP sera exporté sans "
            "commentaire de l'enseignant (validez les bilans d'étape pour l'ajouter)."
        )
    return tuple(lsu_students), tuple(reports)


def lsu_preview(school: School, period: Period) -> LsuPreview:
    """The LSU export of ``period`` for the school's collège levels, with its gaps.

    Steps: settings, class councils, the AP (published groups), then students and their
    reports; the core's :func:`~appui.core.io.lsu.lsu_gaps` adds what the schema requires.
    """
    collect = _Collector(school, period)
    settings = settings_for(period)
    levels = college_levels(period)
    lsu_period = LsuPeriod(
        school_year=period.year.start_year,
        index=settings.lsu_index or period.number,
        count=settings.lsu_count or period.year.periods.count(),
    )
    export = LsuExport(
        uai=school.uai, period=lsu_period, application="appui", app_version=_app_version()
    )
    preview = LsuPreview(period=period, settings=settings, levels=levels, export=export)
    if not levels:
        preview.warnings.append(
            "Aucun niveau de collège dans l'année : le LSU ne concerne que les classes de la "
            "6e à la 3e."
        )
        return preview

    manager = _settings_gaps(settings, collect)
    if manager is not None:
        export.managers = (manager,)
    students = list(present_students(period, levels))
    councils = _council_dates(period, levels, students, collect)
    groups = _published_groups(period, levels, preview)
    export.aps, export.groups, groups_of_student = _ap_part(groups, collect)
    sources = _ReportSources.read(period, students, councils, groups_of_student)
    export.students, export.reports = _students_and_reports(
        students, sources, period, settings, manager, collect, preview
    )
    export.teachers = tuple(collect.teachers.values())
    export.disciplines = tuple(collect.disciplines.values())

    preview.gaps = collect.gaps + lsu_gaps(export)
    preview.counts = {
        "students": len(export.students),
        "groups": len(export.groups),
        "aps": len(export.aps),
        "reports_with_data": len(sources.data),
    }
    return preview


def kept_lsu_preview(school: School, period: Period, today: date) -> LsuPreview:
    """:func:`lsu_preview` for the LSU page, kept while the school's records and the day stay
    the same (``appui.schools.computed``; every model it reads bumps the school's version).
    The download builds its file from a fresh preview."""
    return kept(school.pk, "lsu-preview", [period.pk], today, lambda: lsu_preview(school, period))


def lsu_period_choices(school: School) -> list[Period]:
    """Periods of the current year, for the page's period menu."""
    year = current_year(school)
    return list(year.periods.order_by("number")) if year else []


def default_period(periods: list[Period], today: date) -> Period | None:
    """The last period that has ended (reports follow the class council), else the first."""
    ended = [period for period in periods if period.end_date < today]
    if ended:
        return ended[-1]
    return periods[0] if periods else None
