"""The lists of appui as spreadsheets: one :class:`~appui.core.io.tabular.Exporter` per list.

Each exporter declares its title and columns and yields rows from a queryset's
``iterator()``; :func:`appui.core.io.tabular.render` writes CSV (``;``, UTF-8 with BOM),
XLSX or ODS while the rows are read, so a 10,000-row list streams. Headers are the French
ones the spreadsheet imports recognise: a students or staff list exported by appui imports
back unchanged, and a campaign's results import back into the campaign.

Callers pass querysets already restricted to what the user may see
(``SchoolAccess.visible_students``…): exporters never widen access.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from appui.core.io.tabular import Column, Exporter
from appui.diagnostics.models import Campaign, Result
from appui.schools.models import Staff, Student, Teaching

from .sts_import import Function

STAFF_FUNCTIONS = {
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


class ResultsExporter(Exporter):
    """A campaign's results: one row per student, one column per competency (its code).

    The same shape as the results import, so the file can be corrected and imported back.
    """

    def __init__(self, campaign: Campaign, students: QuerySet[Student], competencies: list) -> None:
        self.campaign = campaign
        self.students = students
        self.competencies = competencies
        self.scores = campaign.scale == Campaign.Scale.SCORE
        self.title = f"resultats {campaign.name}"
        self.columns = [
            Column("ine", "INE", 13),
            Column("last_name", "Nom", 20),
            Column("first_name", "Prénom", 16),
            Column("birth_date", "Date de naissance", 12),
            Column("division", "Division", 10),
            *(Column(c.code, c.code, 8) for c in competencies),
        ]

    def rows(self) -> Iterator[list]:
        cells: dict[tuple[int, int], object] = {}
        results = Result.objects.filter(campaign=self.campaign, student__in=self.students)
        for student_id, competency_id, value, not_assessed, score in results.values_list(
            "student_id", "competency_id", "value", "not_assessed", "score"
        ).iterator(chunk_size=2000):
            if not_assessed:
                cell: object = not_assessed
            elif self.scores and score is not None:
                cell = float(score)
            else:
                cell = value
            cells[(student_id, competency_id)] = cell
        students = self.students.select_related("division").order_by(
            "division__code", "last_name", "first_name", "pk"
        )
        for student in students.iterator(chunk_size=1000):
            yield [
                student.ine or None,
                student.last_name,
                student.first_name,
                student.birth_date,
                student.division.code if student.division else None,
                *(cells.get((student.pk, c.pk)) for c in self.competencies),
            ]


class PlanGroupsExporter(Exporter):
    """A need-group plan: one row per student and group (barrette, module, staff, room)."""

    columns = [
        Column("slot", "Barrette", 22),
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
        from appui.planning.models import Group

        groups = (
            Group.objects.filter(plan=self.plan)
            .select_related("slot", "module", "room")
            .prefetch_related("staff", "assignments__student__division")
            .order_by("slot__weekday", "slot__start_time", "module__code", "pk")
        )
        for group in groups:
            staff = ", ".join(str(s) for s in group.staff.all())
            members = sorted(
                group.assignments.all(), key=lambda a: (a.student.last_name, a.student.first_name)
            )
            for assignment in members:
                student = assignment.student
                yield [
                    str(group.slot),
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
