"""The lists of appui as spreadsheets: one :class:`~appui.core.io.tabular.Exporter` per list.

Each exporter declares its title and columns and yields rows from a queryset's
``iterator()``; :func:`appui.core.io.tabular.render` writes CSV (``;``, UTF-8 with BOM),
XLSX or ODS while the rows are read, so a 10,000-row list streams. Headers are the French
ones the spreadsheet imports recognise: a students or staff list exported by appui imports
back unchanged. A campaign's results are exported by
:class:`appui.diagnostics.imports.ResultsExporter`, beside the import they round-trip with.

Callers pass querysets already restricted to what the user may see
(``SchoolAccess.visible_students``…), or the figures the page's selectors computed (hour
accounting): exporters never widen access.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db.models import Prefetch, QuerySet

from appui.core.hours import Strand, minutes_to_hours
from appui.core.io.tabular import Column, Exporter
from appui.followup.models import Attendance, ProgressMark, Session
from appui.planning.models import Assignment, Group
from appui.schools.models import Level, Period, Staff, Student, Teaching

from .lsu import college_levels, present_students
from .lsu_import import LSU_COLUMNS
from .models import LsuReport
from .sts_import import Function

T = TypeVar("T")

STAFF_FUNCTIONS: dict[str, str] = {
    Function.TEACHER: "Enseignant",
    Function.CPE: "CPE",
    Function.PSYEN: "Psy-EN",
    Function.DIRECTION: "Direction",
    Function.OTHER: "Autre",
}


class StudentsExporter(Exporter):
    """Students with their identifiers, division and level (one row each)."""

    columns = [
        Column("siecle_id", "Identifiant SIECLE", 12),
        Column("ine", "INE", 13),
        Column("last_name", "Nom", 20),
        Column("first_name", "Prénom", 16),
        Column("birth_date", "Date de naissance", 12),
        Column("sex", "Sexe", 6),
        Column("division", "Classe", 10),
        Column("level", "Niveau", 20),
        Column("entry_date", "Date d'entrée", 12),
        Column("exit_date", "Date de sortie", 12),
        Column("project", "Projet", 22),
    ]

    def __init__(self, students: QuerySet[Student], title: str = "Élèves") -> None:
        self.students = students
        self.title = title

    def rows(self) -> Iterator[list]:
        students = self.students.select_related("division__level").order_by(
            "division__code", "last_name", "first_name", "pk"
        )
        for student in students.iterator(chunk_size=1000):
            division = student.division
            yield [
                student.siecle_id or None,
                student.ine or None,
                student.last_name,
                student.first_name,
                student.birth_date,
                student.sex or None,
                division.code if division else None,
                division.level.name if division else None,
                student.entry_date,
                student.exit_date,
                str(student.get_project_display()),
            ]


class StaffExporter(Exporter):
    """Staff with their function, subjects and the divisions they teach this year."""

    title = "Personnels"
    columns = [
        Column("sts_id", "Identifiant STS", 12),
        Column("civility", "Civilité", 8),
        Column("last_name", "Nom", 20),
        Column("first_name", "Prénom", 16),
        Column("function", "Fonction", 12),
        Column("grade", "Grade", 12),
        Column("subjects", "Disciplines", 30),
        Column("email", "Courriel", 28),
        Column("exit_date", "Date de sortie", 12),
        Column("divisions", "Classes", 30),
    ]

    def __init__(self, staff: QuerySet[Staff], year=None) -> None:
        self.staff = staff
        self.year = year

    def rows(self) -> Iterator[list]:
        teachings = Teaching.objects.select_related("division").order_by("division__code")
        if self.year is not None:
            teachings = teachings.filter(division__year=self.year)
        staff = (
            self.staff.select_related("user")
            .prefetch_related("subjects", Prefetch("teachings", queryset=teachings))
            .order_by("last_name", "first_name", "pk")
        )
        for person in staff.iterator(chunk_size=500):
            divisions = dict.fromkeys(t.division.code for t in person.teachings.all())
            yield [
                person.sts_id or None,
                person.civility or None,
                person.last_name,
                person.first_name,
                STAFF_FUNCTIONS.get(person.function, person.function),
                person.grade or None,
                ", ".join(sorted(s.label for s in person.subjects.all())) or None,
                person.user.email or None,
                person.exit_date,
                ", ".join(divisions) or None,
            ]


class PlanGroupsExporter(Exporter):
    """A need-group plan: one row per student and group (barrette, module, staff, room)."""

    columns = [
        Column("slot", "Barrette", 22),
        Column("round", "Séquence", 26),
        Column("module", "Module", 10),
        Column("title", "Intitulé", 28),
        Column("objective", "Objectif", 40),
        Column("staff", "Intervenants", 28),
        Column("room", "Salle", 12),
        Column("last_name", "Nom", 20),
        Column("first_name", "Prénom", 16),
        Column("division", "Classe", 10),
        Column("locked", "Verrouillé", 10),
    ]

    def __init__(self, plan) -> None:
        self.plan = plan
        self.title = f"Groupes {plan.level.short_name} {plan.period.name} v{plan.version}"

    def rows(self) -> Iterator[list]:
        groups = (
            Group.objects.filter(plan=self.plan)
            .select_related("slot", "module", "room", "round")
            .prefetch_related("staff", "assignments__student__division")
            .order_by("round__number", "slot__weekday", "slot__start_time", "module__code", "pk")
        )
        for group in groups:
            stage = group.round
            round_text = (
                f"{stage} ({stage.starts_on:%d/%m/%Y} – {stage.ends_on:%d/%m/%Y})"
                if stage
                else None
            )
            staff = ", ".join(str(s) for s in group.staff.all())
            members = sorted(
                group.assignments.all(), key=lambda a: (a.student.last_name, a.student.first_name)
            )
            for assignment in members:
                student = assignment.student
                yield [
                    str(group.slot),
                    round_text,
                    group.module.code,
                    group.module.title,
                    group.module.objective,
                    staff,
                    group.room.name if group.room else None,
                    student.last_name,
                    student.first_name,
                    student.division.code if student.division else None,
                    "oui" if assignment.locked or group.locked else "non",
                ]


# --------------------------------------------------------------------------- follow-up

SESSION_STATUSES = {"planned": "À venir", "done": "Faite", "cancelled": "Annulée"}
ATTENDANCE_STATUSES = {
    "present": "Présent",
    "absent": "Absent",
    "late": "En retard",
    "excused": "Excusé",
}

#: Sessions written per batch. Each batch reads its attendance and marks in two queries, so
#: memory stays flat and the query count grows with the sessions / SESSION_BATCH, never with
#: the rows.
SESSION_BATCH = 200


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class SessionAttendanceExporter(Exporter):
    """Sessions with their attendance: one row per session and member of its group.

    The session (date, times, level, period, group, module, staff, room, status, the date a
    moved session comes from, the reason of a cancellation), then the student (SIECLE id,
    INE, name, division), their attendance and the session's progress marks (the teacher's
    with its comment, and the student's self-assessment). Sessions still to come and
    cancelled ones have their rows too, without attendance, so the file is the whole
    register. Co-evaluation marks by classmates are left out (several per student).

    ``sessions`` is any session queryset already limited to what the user may read (a
    group's, the user's week, a level's period); the group rosters are read once, then the
    sessions stream in batches.
    """

    columns = [
        Column("date", "Date", 12),
        Column("start", "Début", 7),
        Column("end", "Fin", 7),
        Column("level", "Niveau", 18),
        Column("period", "Période", 12),
        Column("group", "Groupe", 28),
        Column("module", "Module", 10),
        Column("title", "Intitulé", 28),
        Column("staff", "Intervenants", 28),
        Column("room", "Salle", 10),
        Column("status", "Séance", 10),
        Column("moved_from", "Déplacée du", 12),
        Column("cancel_reason", "Motif d'annulation", 24),
        Column("siecle_id", "Identifiant SIECLE", 12),
        Column("ine", "INE", 13),
        Column("last_name", "Nom", 20),
        Column("first_name", "Prénom", 16),
        Column("division", "Classe", 10),
        Column("attendance", "Présence", 10),
        Column("mark", "Progrès (professeur)", 10),
        Column("mark_comment", "Commentaire", 30),
        Column("self_mark", "Auto-évaluation", 10),
    ]

    def __init__(self, sessions: QuerySet[Session], title: str = "Séances") -> None:
        self.sessions = sessions
        self.title = title

    def rows(self) -> Iterator[list]:
        sessions = self.sessions.prefetch_related(None)
        groups = {
            group.pk: group
            for group in Group.objects.filter(
                pk__in=sessions.order_by().values("group_id")
            ).select_related("module", "room", "slot", "plan__level", "plan__period")
        }
        staff = {
            group_id: ", ".join(names)
            for group_id, names in self._staff_names(list(groups)).items()
        }
        members: dict[int, list[Student]] = {}
        assignments = (
            Assignment.objects.filter(group_id__in=list(groups))
            .select_related("student__division")
            .order_by("student__last_name", "student__first_name", "student_id")
        )
        for assignment in assignments.iterator(chunk_size=2000):
            members.setdefault(assignment.group_id, []).append(assignment.student)
        fields: tuple[str, ...] = ("pk", "date", "start_time", "end_time", "status")
        fields += ("rescheduled_from", "cancel_reason", "group_id")
        ordered = sessions.order_by("date", "start_time", "group__module__code", "group_id", "pk")
        chunks = ordered.values_list(*fields).iterator(chunk_size=SESSION_BATCH)
        for batch in _batched(chunks, SESSION_BATCH):
            ids = [row[0] for row in batch]
            attendance = {
                (session_id, student_id): status
                for session_id, student_id, status in Attendance.objects.filter(
                    session_id__in=ids
                ).values_list("session_id", "student_id", "status")
            }
            marks = {
                (session_id, student_id, kind): (level, comment)
                for session_id, student_id, kind, level, comment in ProgressMark.objects.filter(
                    session_id__in=ids
                )
                .exclude(author_kind=ProgressMark.AuthorKind.PEER)
                .values_list("session_id", "student_id", "author_kind", "level", "comment")
            }
            for pk, day, start, end, status, moved_from, reason, group_id in batch:
                group = groups[group_id]
                session = [
                    day,
                    f"{start:%H:%M}",
                    f"{end:%H:%M}",
                    group.plan.level.name,
                    group.plan.period.name,
                    str(group),
                    group.module.code,
                    group.module.title,
                    staff.get(group_id) or None,
                    group.room.name if group.room else None,
                    SESSION_STATUSES.get(status, status),
                    moved_from,
                    reason or None,
                ]
                for student in members.get(group_id, ()):
                    mark, comment = marks.get((pk, student.pk, "teacher"), (None, None))
                    own, _own_comment = marks.get((pk, student.pk, "self"), (None, None))
                    recorded = attendance.get((pk, student.pk))
                    yield [
                        *session,
                        student.siecle_id or None,
                        student.ine or None,
                        student.last_name,
                        student.first_name,
                        student.division.code if student.division else None,
                        ATTENDANCE_STATUSES.get(recorded, recorded)
                        if recorded is not None
                        else None,
                        mark,
                        comment or None,
                        own,
                    ]

    @staticmethod
    def _staff_names(group_ids: list[int]) -> dict[int, list[str]]:
        names: dict[int, list[str]] = {}
        links = (
            Group.staff.through.objects.filter(group_id__in=group_ids)
            .select_related("staff")
            .order_by("staff__last_name", "staff__first_name", "staff_id")
        )
        for link in links:
            names.setdefault(link.group_id, []).append(str(link.staff))
        return names


# --------------------------------------------------------------------------- hours
#
# The hour accounting is computed in memory by appui.followup.selectors for the pages (a few
# rows per level, student or staff member); the exporters write the same figures, in hours
# as numbers (1 h 30 → 1.5) so that the spreadsheet can add them up.


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else float(minutes_to_hours(minutes))


class HoursLevelsExporter(Exporter):
    """The hours page: for each level, hours due, planned and delivered (lowest and highest
    among its current students), what is still to plan, and its warnings."""

    columns = [
        Column("level", "Niveau", 24),
        Column("due", "Dues (h)", 10),
        Column("planned_low", "Prévues min. (h)", 12),
        Column("planned_high", "Prévues max. (h)", 12),
        Column("delivered_low", "Assurées min. (h)", 12),
        Column("delivered_high", "Assurées max. (h)", 12),
        Column("remaining", "Reste à prévoir (h)", 12),
        Column("warnings", "Alertes", 8),
        Column("details", "Détail des alertes", 60),
    ]

    def __init__(self, summaries: list[tuple], title: str = "Heures AP") -> None:
        self.summaries = summaries
        self.title = title

    def rows(self) -> Iterator[list]:
        for level, context in self.summaries:
            report = context["report"]
            warnings = context["warnings"]
            yield [
                level.name,
                _hours(context["volume"].due_minutes),
                _hours(report.planned.low),
                _hours(report.planned.high),
                _hours(report.delivered.low),
                _hours(report.delivered.high),
                _hours(report.remaining_minutes),
                len(warnings),
                "\n".join(warning.message for warning in warnings) or None,
            ]


class HoursDivisionsExporter(Exporter):
    """A level's hours per division: students, planned, delivered and attended hours (lowest
    and highest among the division's students) and the attendance rate."""

    columns = [
        Column("division", "Classe", 10),
        Column("students", "Élèves", 8),
        Column("planned_low", "Prévues min. (h)", 12),
        Column("planned_high", "Prévues max. (h)", 12),
        Column("delivered_low", "Assurées min. (h)", 12),
        Column("delivered_high", "Assurées max. (h)", 12),
        Column("attended_low", "Suivies min. (h)", 12),
        Column("attended_high", "Suivies max. (h)", 12),
        Column("rate", "Taux de présence (%)", 12),
    ]

    def __init__(self, level: Level, divisions: list[tuple]) -> None:
        self.divisions = divisions
        self.title = f"Heures {level.short_name} classes"

    def rows(self) -> Iterator[list]:
        for division, hours in self.divisions:
            rate = hours.attendance_rate
            yield [
                division.code,
                len(hours.students),
                _hours(hours.planned.low),
                _hours(hours.planned.high),
                _hours(hours.delivered.low),
                _hours(hours.delivered.high),
                _hours(hours.attended.low),
                _hours(hours.attended.high),
                None if rate is None else float(rate * 100),
            ]


class HoursStudentsExporter(Exporter):
    """A level's hours per student: planned, delivered, attended, missed and cancelled hours,
    planned hours per strand, and the warning the page shows."""

    columns = [
        Column("division", "Classe", 10),
        Column("siecle_id", "Identifiant SIECLE", 12),
        Column("ine", "INE", 13),
        Column("last_name", "Nom", 20),
        Column("first_name", "Prénom", 16),
        Column("exit_date", "Date de sortie", 12),
        Column("planned", "Prévues (h)", 10),
        Column("delivered", "Assurées (h)", 10),
        Column("attended", "Suivies (h)", 10),
        Column("missed", "Manquées (h)", 10),
        Column("cancelled", "Annulées (h)", 10),
        *(Column(strand.value, f"Prévues {strand.label.lower()} (h)", 14) for strand in Strand),
        Column("warning", "Alerte", 30),
    ]

    def __init__(self, level: Level, rows: list) -> None:
        self.student_rows = rows
        self.title = f"Heures {level.short_name} élèves"

    def rows(self) -> Iterator[list]:
        for row in self.student_rows:
            student, hours = row.student, row.hours
            warnings = []
            if row.short:
                warnings.append("moins d'heures que les autres")
            if row.unreachable:
                warnings.append("volume dû hors d'atteinte")
            yield [
                row.division_code or None,
                student.siecle_id or None,
                student.ine or None,
                student.last_name,
                student.first_name,
                student.exit_date,
                _hours(hours.planned.total),
                _hours(hours.delivered.total),
                _hours(hours.attended.total),
                _hours(hours.missed.total),
                _hours(hours.cancelled.total),
                *(_hours(hours.planned.get(strand)) for strand in Strand),
                " · ".join(warnings) or None,
            ]


class StaffHoursExporter(Exporter):
    """The service sheet: each staff member's AP hours, planned per strand, delivered,
    cancelled, and the weekly equivalent (planned hours over 36 weeks)."""

    columns = [
        Column("sts_id", "Identifiant STS", 12),
        Column("last_name", "Nom", 20),
        Column("first_name", "Prénom", 16),
        Column("groups", "Groupes", 8),
        Column("planned", "Prévues (h)", 10),
        *(Column(strand.value, f"{strand.label} (h)", 14) for strand in Strand),
        Column("delivered", "Assurées (h)", 10),
        Column("cancelled", "Annulées (h)", 10),
        Column("weekly", "Par semaine (h)", 10),
    ]

    def __init__(self, rows: list[dict], title: str = "Heures personnels") -> None:
        self.staff_rows = rows
        self.title = title

    def rows(self) -> Iterator[list]:
        for row in self.staff_rows:
            person, hours = row["staff"], row["hours"]
            yield [
                person.sts_id or None,
                person.last_name,
                person.first_name,
                len(hours.groups),
                _hours(hours.planned.total),
                *(_hours(hours.planned.get(strand)) for strand in Strand),
                _hours(hours.delivered.total),
                _hours(hours.cancelled.total),
                float(row["weekly"]),
            ]


# --------------------------------------------------------------------------- LSU


class LsuTemplateExporter(Exporter):
    """The periodic-report spreadsheet of a period, in the format of its import: every
    student of the collège levels with one row per subject taught in their class, filled with
    what appui holds (so the file imports back unchanged). Per-student values are on the
    student's first row. « Libellé de la discipline » is for reading; the import ignores it."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.title = f"Bilans LSU {period.name}"
        headers = {spec.key: spec.label for spec in LSU_COLUMNS}
        widths = {"appreciation": 40, "advice": 50, "life_comment": 30, "last_name": 20}
        self.columns = [
            Column(key, headers[key], widths.get(key, 12))
            for key in ("eleve_id", "ine", "last_name", "first_name", "division", "subject")
        ]
        self.columns.append(Column("subject_label", "Libellé de la discipline", 24))
        self.columns += [
            Column(spec.key, spec.label, widths.get(spec.key, 12)) for spec in LSU_COLUMNS[6:]
        ]

    def rows(self) -> Iterator[dict]:
        levels = college_levels(self.period)
        taught: dict[int, list[Teaching]] = {}
        for teaching in (
            Teaching.objects.filter(division__level__in=levels, subject__isnull=False)
            .select_related("subject", "staff")
            .order_by("subject__code", "pk")
        ):
            taught.setdefault(teaching.division_id, []).append(teaching)
        reports = {
            report.student_id: report
            for report in LsuReport.objects.filter(period=self.period).prefetch_related(
                "assessments__subject", "assessments__staff"
            )
        }
        for student in present_students(self.period, levels).iterator(chunk_size=500):
            report = reports.get(student.pk)
            assessed = {a.subject_id: a for a in report.assessments.all()} if report else {}
            lines: dict[int, tuple] = {}
            for teaching in taught.get(student.division_id, []):
                subject_id = teaching.subject_id
                assert subject_id is not None  # only teachings of a subject are read above
                assessment = assessed.get(subject_id)
                lines.setdefault(
                    subject_id,
                    (
                        teaching.subject,
                        assessment.staff if assessment else teaching.staff,
                        assessment,
                    ),
                )
            for subject_id, assessment in assessed.items():
                lines.setdefault(subject_id, (assessment.subject, assessment.staff, assessment))
            first = True
            for subject, staff, assessment in lines.values() or [(None, None, None)]:
                row = {
                    "eleve_id": student.siecle_id or None,
                    "ine": student.ine or None,
                    "last_name": student.last_name,
                    "first_name": student.first_name,
                    "division": student.division.code if student.division else None,
                    "subject": subject.code if subject else None,
                    "subject_label": subject.label if subject else None,
                    "teacher": (staff.sts_id or f"{staff.last_name} {staff.first_name}")
                    if staff
                    else None,
                }
                if assessment is not None:
                    row |= {
                        "positioning": assessment.positioning,
                        "average": assessment.average or None,
                        "not_graded": "oui" if assessment.not_graded else None,
                        "appreciation": assessment.appreciation or None,
                    }
                if first and report is not None:
                    row |= {
                        "advice": report.advice or None,
                        "late": report.late,
                        "justified": report.justified_absences,
                        "unjustified": report.unjustified_absences,
                        "missed_hours": report.missed_hours,
                        "life_comment": report.school_life_comment or None,
                    }
                first = False
                yield row
